use super::keys::each_active_key;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-user-access-key-old",
        title: "Active IAM access key is older than the rotation threshold",
        severity: Severity::Medium,
        category: Category::KeyAge,
        resource_kind: ResourceKind::AccessKey,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console",
        ],
        compliance: &[fsbp("IAM.3"), cis("1.14"), nist("IA-5(1)")],
        docs: include_str!("user_access_key_old.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let days = cx.options.access_key_max_age_days;
    each_active_key(cx, &CHECK.meta, |user, key| {
        let created = key
            .created
            .ok_or(("the key's creation date was not reported".to_owned(), None))?;
        let age = cx.age_days(created);
        Ok((age > days).then(|| Finding {
            message: format!(
                "access key {} of {} is {age} days old (threshold {days})",
                key.access_key_id, user.name
            ),
            evidence: vec![evidence("access_keys.created", created.date().to_string())],
            related: vec![user.arn.as_str().into()],
        }))
    })
}

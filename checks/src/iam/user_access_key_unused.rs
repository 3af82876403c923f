use super::keys::each_active_key;
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-user-access-key-unused",
        title: "Active IAM access key has not been used recently",
        severity: Severity::Medium,
        category: Category::KeyAge,
        resource_kind: ResourceKind::AccessKey,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#Using_RotateAccessKey",
        ],
        compliance: &[fsbp("IAM.8"), cis("1.12"), nist("AC-2(3)")],
        docs: include_str!("user_access_key_unused.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let days = cx.options.access_key_unused_days;
    each_active_key(cx, &CHECK.meta, |user, key| {
        let last = match &key.last_used {
            Attr::Unavailable(gap) => {
                return Err((
                    "the key's last use could not be read".to_owned(),
                    Some(gap.clone()),
                ));
            }
            Attr::Known(used) => used.as_ref().and_then(|u| u.date),
        };
        let (idle, since) = match (last, key.created) {
            (Some(date), _) => (cx.age_days(date), date.date().to_string()),
            (None, Some(created)) => (cx.age_days(created), "never used".to_owned()),
            (None, None) => {
                return Err((
                    "neither last use nor creation date is known".to_owned(),
                    None,
                ));
            }
        };
        Ok((idle > days).then(|| Finding {
            message: format!(
                "access key {} of {} has been idle for {idle} days (threshold {days})",
                key.access_key_id, user.name
            ),
            evidence: vec![evidence("access_keys.last_used", since)],
            related: vec![user.arn.as_str().into()],
        }))
    })
}

use super::common::{CheckResultOr, each_user, finding};
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-user-multiple-access-keys",
        title: "IAM user has more than one active access key",
        severity: Severity::Low,
        category: Category::KeyAge,
        resource_kind: ResourceKind::IamUser,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        ],
        compliance: &[cis("1.13"), nist("IA-5")],
        docs: include_str!("user_multiple_access_keys.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_user(cx, &CHECK.meta, |user| match &user.access_keys {
        Attr::Unavailable(gap) => CheckResultOr::Unknown(
            "the user's access keys could not be listed".to_owned(),
            Some(gap.clone()),
        ),
        Attr::Known(keys) => {
            let active: Vec<&str> = keys
                .iter()
                .filter(|k| k.may_be_active())
                .map(|k| k.access_key_id.as_str())
                .collect();
            if active.len() > 1 {
                CheckResultOr::Fail(finding(
                    format!("{} has {} active access keys", user.name, active.len()),
                    active
                        .iter()
                        .map(|k| evidence("access_keys.active", *k))
                        .collect(),
                ))
            } else {
                CheckResultOr::Pass
            }
        }
    })
}

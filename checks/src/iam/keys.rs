//! One result per active access key, shared by the key-age checks.

use crate::check::*;
use crate::context::Context;
use crate::model::{AccessKey, Attr, IamUser};

pub(crate) fn each_active_key(
    cx: &Context<'_>,
    meta: &CheckMeta,
    judge: impl Fn(
        &IamUser,
        &AccessKey,
    ) -> Result<Option<Finding>, (String, Option<Box<crate::model::Gap>>)>,
) -> Vec<CheckResult> {
    let iam = match &cx.inventory.iam {
        Attr::Known(iam) => iam,
        Attr::Unavailable(gap) => {
            let account = cx.account();
            let resource = cx.resource(
                ResourceKind::Account,
                &format!("arn:aws:iam::{account}:root"),
                account,
                "global",
            );
            return vec![meta.unknown_gap(resource, gap)];
        }
    };
    let mut out = Vec::new();
    for user in &iam.users {
        let keys = match &user.access_keys {
            Attr::Known(keys) => keys,
            Attr::Unavailable(gap) => {
                out.push(meta.unknown_gap(
                    cx.resource(ResourceKind::AccessKey, &user.arn, &user.name, "global"),
                    gap,
                ));
                continue;
            }
        };
        for key in keys.iter().filter(|k| k.status == "Active") {
            // Access keys have no ARN: the user's ARN qualified by the key id names it.
            let arn = format!("{}/accesskey/{}", user.arn, key.access_key_id);
            let resource = cx.resource(
                ResourceKind::AccessKey,
                &arn,
                &format!("{} {}", user.name, key.access_key_id),
                "global",
            );
            out.push(match judge(user, key) {
                Ok(None) => meta.pass(resource),
                Ok(Some(finding)) => meta.fail(resource, vec![finding]),
                Err((reason, gap)) => meta.unknown(resource, reason, gap.as_deref()),
            });
        }
    }
    out
}

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
    crate::analysis::walk::users(cx, meta, |user| {
        let mut out = Vec::new();
        let keys = match &user.access_keys {
            Attr::Known(keys) => keys,
            Attr::Unavailable(gap) => {
                out.push(meta.unknown_gap(
                    cx.resource(
                        ResourceKind::AccessKey,
                        &format!("{}/accesskey/*", user.arn),
                        &user.name,
                        "global",
                    ),
                    gap,
                ));
                return out;
            }
        };
        for key in keys.iter().filter(|k| k.may_be_active()) {
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
        out
    })
}

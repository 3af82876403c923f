//! Who can invoke a function (or an alias): its resource policy read for
//! `lambda:InvokeFunction` and function-URL invocation.

use super::resource_policy::{Unreadable, access};
use crate::context::Context;
use crate::model::Attr;
use crate::policy::ResourceAccess;

/// Why a function's policy could not be judged, for people.
fn reason(why: Unreadable<'_>) -> String {
    match why {
        Unreadable::Unread(gap) => {
            format!("the resource policy could not be read ({})", gap.error_code)
        }
        Unreadable::Malformed(e) => e,
    }
}

/// What a resource policy (a function's, or an alias's) lets others do with
/// `lambda:InvokeFunction` (and URL invocation), or why it cannot be known.
pub(crate) fn invoke_access<'a>(
    cx: &Context<'a>,
    policy: &'a Attr<Option<String>>,
) -> Result<Option<ResourceAccess>, String> {
    access(
        cx,
        policy,
        &["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"],
    )
    .map_err(reason)
}

/// Whether a resource policy lets anyone call the URL of its qualifier: with AuthType NONE,
/// AWS still requires `lambda:InvokeFunctionUrl` granted to `*` (on the alias, for an alias's
/// URL), or the URL answers 403 (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
/// `Err` when the policy could not be read or parsed.
pub(crate) fn url_public<'a>(
    cx: &Context<'a>,
    policy: &'a Attr<Option<String>>,
) -> Result<bool, String> {
    access(cx, policy, &["lambda:InvokeFunctionUrl"])
        .map(|access| access.is_some_and(|a| a.is_public()))
        .map_err(reason)
}

//! Who can invoke a function (or an alias): its resource policy read for
//! `lambda:InvokeFunction` and function-URL invocation.

use super::resource_policy::{Unreadable, access};
use super::walk::{Invocable, invocables};
use crate::context::Context;
use crate::model::Attr;
use crate::policy::ResourceAccess;
use crate::result::{CheckMeta, CheckResult, ResourceRef};

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

/// One result per function and alias, judged on who may invoke it (`None`: no policy); unknown
/// when its policy could not be read or parsed.
pub(crate) fn each_invoke_access<'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    judge: impl Fn(Invocable<'a>, Option<ResourceAccess>, ResourceRef) -> CheckResult,
) -> Vec<CheckResult> {
    invocables(
        cx,
        meta,
        meta.resource_kind,
        |q, resource| match invoke_access(cx, q.resource_policy) {
            Err(reason) => meta.unknown(resource, reason, q.resource_policy.gap()),
            Ok(access) => judge(q, access, resource),
        },
    )
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

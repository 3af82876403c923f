//! The one reader of resource policies (Lambda functions, aliases and layers, S3 buckets and
//! access points, KMS keys, REST APIs): a document parsed once per evaluation, then what it lets
//! others do with the actions a check cares about (`policy::analyze`).

use crate::context::Context;
use crate::model::{Attr, Gap};
use crate::policy::{ResourceAccess, analyze};
use crate::result::{CheckMeta, CheckResult, ResourceRef, evidence};
use std::collections::BTreeSet;

/// Why a resource policy could not be judged.
#[derive(Debug)]
pub(crate) enum Unreadable<'a> {
    /// Reading it failed.
    Unread(&'a Gap),
    /// It does not parse (the parser's error).
    Malformed(String),
}

/// What a policy document lets others do with `actions` (patterns such as
/// `lambda:InvokeFunction` or `s3:*`), or the parser's error.
pub(crate) fn document_access<'a>(
    cx: &Context<'a>,
    text: &'a str,
    actions: &[&str],
) -> Result<ResourceAccess, String> {
    match cx.parsed(text).as_ref() {
        Ok(policy) => Ok(analyze(policy, actions)),
        Err(e) => Err(e.to_string()),
    }
}

/// What a resource policy as read into the inventory lets others do with `actions`: `None`
/// when the resource has no policy.
pub(crate) fn access<'a>(
    cx: &Context<'a>,
    policy: &'a Attr<Option<String>>,
    actions: &[&str],
) -> Result<Option<ResourceAccess>, Unreadable<'a>> {
    match policy {
        Attr::Unavailable(gap) => Err(Unreadable::Unread(gap)),
        Attr::Known(None) => Ok(None),
        Attr::Known(Some(text)) => document_access(cx, text, actions)
            .map(Some)
            .map_err(Unreadable::Malformed),
    }
}

/// `access`, with the unknown result that replaces a verdict when the policy could not be read
/// or parsed.
pub(crate) fn access_or_unknown<'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    resource: &ResourceRef,
    policy: &'a Attr<Option<String>>,
    actions: &[&str],
) -> Result<Option<ResourceAccess>, Box<CheckResult>> {
    access(cx, policy, actions).map_err(|why| {
        Box::new(match why {
            Unreadable::Unread(gap) => meta.unknown_gap(resource.clone(), gap),
            Unreadable::Malformed(e) => meta.unknown(
                resource.clone(),
                format!("the policy is malformed: {e}"),
                None,
            ),
        })
    })
}

/// Judges a resource by its policy: unknown when the policy could not be read or parsed, a pass
/// when there is none, else `judge` on what it lets others do with `actions`.
pub(crate) fn judge_access<'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    resource: ResourceRef,
    policy: &'a Attr<Option<String>>,
    actions: &[&str],
    judge: impl FnOnce(ResourceAccess, ResourceRef) -> CheckResult,
) -> CheckResult {
    match access_or_unknown(cx, meta, &resource, policy, actions) {
        Err(unknown) => *unknown,
        Ok(None) => meta.pass(resource),
        Ok(Some(access)) => judge(access, resource),
    }
}

/// The accounts of a resource policy that are neither the scanned one nor trusted, or a pass:
/// the shared judgement of the cross-account checks.
pub(crate) fn outside_accounts(
    cx: &Context<'_>,
    meta: &CheckMeta,
    resource: ResourceRef,
    accounts: &BTreeSet<String>,
    subject: &str,
    evidence_path: &'static str,
) -> CheckResult {
    let outside: Vec<&str> = accounts
        .iter()
        .map(String::as_str)
        .filter(|a| !cx.is_trusted_account(a))
        .collect();
    if outside.is_empty() {
        return meta.pass(resource);
    }
    meta.fail_one(
        resource,
        format!(
            "{subject} account(s) outside the trusted list: {}",
            outside.join(", ")
        ),
        outside
            .iter()
            .map(|a| evidence(evidence_path, *a))
            .collect(),
    )
}

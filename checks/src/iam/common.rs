//! Judging shared by the role and user checks: one result per role (or user), unknown when
//! any of the principal's policy documents could not be read or parsed (the walkers give the
//! unknown for an unreadable IAM listing). A failure on a role AWS manages is reported at `info`
//! with the reason (`managed.rs`).

use super::managed::mark_managed;
use crate::check::*;
use crate::context::Context;
use crate::model::{IamRole, IamUser};
use crate::policy::Permissions;

/// Runs `judge` on every audited role's effective permissions: `Some(findings)` fails it. A
/// role AWS manages fails at `info` (its permissions are the managing service's design).
pub(crate) fn each_role_permissions(
    cx: &Context<'_>,
    meta: &CheckMeta,
    judge: impl Fn(&IamRole, &Permissions) -> Option<Vec<Finding>>,
) -> Vec<CheckResult> {
    crate::analysis::walk::roles(cx, meta, |role| {
        let resource = cx.role_ref(role);
        let result = match cx.role_permissions(role) {
            Err(why) => meta.unknown(resource, why.reason, why.gap.as_deref()),
            Ok(p) => match judge(role, p) {
                Some(findings) => meta.fail(resource, findings),
                None => meta.pass(resource),
            },
        };
        mark_managed(result, role)
    })
}

/// Whether a trust finding on an AWS-managed role is by design (a Control Tower role trusting
/// the management account) or can only come from a change to the role (a trust open to anyone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnManagedRoles {
    ByDesign,
    Judge,
}

/// Runs `judge` on every audited role's trust-policy entries: `Some(findings)` fails it.
pub(crate) fn each_role_trust(
    cx: &Context<'_>,
    meta: &CheckMeta,
    on_managed: OnManagedRoles,
    judge: impl Fn(&IamRole, &[super::trust::TrustEntry]) -> Option<Vec<Finding>>,
) -> Vec<CheckResult> {
    crate::analysis::walk::roles(cx, meta, |role| {
        let resource = cx.role_ref(role);
        let result = match super::trust::trust_entries(cx, role) {
            Err(reason) => meta.unknown(resource, reason, None),
            Ok(entries) => match judge(role, &entries) {
                Some(findings) => meta.fail(resource, findings),
                None => meta.pass(resource),
            },
        };
        match on_managed {
            OnManagedRoles::ByDesign => mark_managed(result, role),
            OnManagedRoles::Judge => result,
        }
    })
}

/// Same for users.
pub(crate) fn each_user<'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    judge: impl Fn(&'a IamUser) -> CheckResultOr,
) -> Vec<CheckResult> {
    crate::analysis::walk::users(cx, meta, |user| {
        let resource = cx.resource(ResourceKind::IamUser, &user.arn, &user.name, "global");
        match judge(user) {
            CheckResultOr::Pass => meta.pass(resource),
            CheckResultOr::Fail(findings) => meta.fail(resource, findings),
            CheckResultOr::Unknown(reason, gap) => meta.unknown(resource, reason, gap.as_deref()),
        }
    })
}

pub(crate) enum CheckResultOr {
    Pass,
    Fail(Vec<Finding>),
    Unknown(String, Option<Box<crate::model::Gap>>),
}

pub(crate) fn finding(message: String, evidence: Vec<Evidence>) -> Vec<Finding> {
    vec![Finding {
        message,
        evidence,
        related: Vec::new(),
    }]
}

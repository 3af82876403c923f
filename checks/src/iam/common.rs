//! Iteration shared by the role and user checks: one result per role (or user), unknown when
//! IAM or any of the principal's policy documents could not be read or parsed.

use crate::check::*;
use crate::context::Context;
use crate::model::{Attr, IamRole, IamUser};
use crate::policy::Permissions;

/// Service-linked roles are managed by AWS and cannot be changed: not the audited party's risk.
pub(crate) fn audited_roles<'a>(
    cx: &Context<'a>,
) -> Result<impl Iterator<Item = &'a IamRole>, CheckResultFactory<'a>> {
    match &cx.inventory.iam {
        Attr::Known(iam) => Ok(iam
            .roles
            .iter()
            .filter(|r| !r.path.starts_with("/aws-service-role/"))),
        Attr::Unavailable(gap) => Err(CheckResultFactory { gap }),
    }
}

/// IAM itself could not be read: one account-level unknown result says so.
pub(crate) struct CheckResultFactory<'a> {
    gap: &'a crate::model::Gap,
}

impl CheckResultFactory<'_> {
    pub(crate) fn unknown(&self, cx: &Context<'_>, meta: &CheckMeta) -> Vec<CheckResult> {
        let account = cx.account();
        vec![meta.unknown_gap(
            cx.resource(
                ResourceKind::Account,
                &format!("arn:aws:iam::{account}:root"),
                account,
                "global",
            ),
            self.gap,
        )]
    }
}

/// Runs `judge` on every audited role's effective permissions: `Some(findings)` fails it.
pub(crate) fn each_role_permissions(
    cx: &Context<'_>,
    meta: &CheckMeta,
    judge: impl Fn(&IamRole, &Permissions) -> Option<Vec<Finding>>,
) -> Vec<CheckResult> {
    let roles = match audited_roles(cx) {
        Ok(roles) => roles,
        Err(unreadable) => return unreadable.unknown(cx, meta),
    };
    roles
        .map(|role| {
            let resource = cx.role_ref(role);
            match cx.role_permissions(role) {
                Err(why) => meta.unknown(resource, why.reason, why.gap.as_deref()),
                Ok(p) => match judge(role, p) {
                    Some(findings) => meta.fail(resource, findings),
                    None => meta.pass(resource),
                },
            }
        })
        .collect()
}

/// Runs `judge` on every audited role's trust-policy entries: `Some(findings)` fails it.
pub(crate) fn each_role_trust(
    cx: &Context<'_>,
    meta: &CheckMeta,
    judge: impl Fn(&IamRole, &[super::trust::TrustEntry]) -> Option<Vec<Finding>>,
) -> Vec<CheckResult> {
    let roles = match audited_roles(cx) {
        Ok(roles) => roles,
        Err(unreadable) => return unreadable.unknown(cx, meta),
    };
    roles
        .map(|role| {
            let resource = cx.role_ref(role);
            match super::trust::trust_entries(cx, role) {
                Err(reason) => meta.unknown(resource, reason, None),
                Ok(entries) => match judge(role, &entries) {
                    Some(findings) => meta.fail(resource, findings),
                    None => meta.pass(resource),
                },
            }
        })
        .collect()
}

/// Same for users.
pub(crate) fn each_user<'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    judge: impl Fn(&'a IamUser) -> CheckResultOr,
) -> Vec<CheckResult> {
    let iam = match &cx.inventory.iam {
        Attr::Known(iam) => iam,
        Attr::Unavailable(gap) => return CheckResultFactory { gap }.unknown(cx, meta),
    };
    iam.users
        .iter()
        .map(|user| {
            let resource = cx.resource(ResourceKind::IamUser, &user.arn, &user.name, "global");
            match judge(user) {
                CheckResultOr::Pass => meta.pass(resource),
                CheckResultOr::Fail(findings) => meta.fail(resource, findings),
                CheckResultOr::Unknown(reason, gap) => {
                    meta.unknown(resource, reason, gap.as_deref())
                }
            }
        })
        .collect()
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

use super::common::{each_role_permissions, finding};
use crate::analysis::permissions::granted_by;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-passrole-wildcard",
        title: "IAM role may pass any role to any service",
        severity: Severity::High,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        ],
        compliance: &[nist("AC-6")],
        docs: include_str!("role_passrole_wildcard.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    // "Unscoped" already means on every resource with no restricting condition such as
    // iam:PassedToService.
    each_role_permissions(cx, &CHECK.meta, |role, p| {
        p.allows_unscoped("iam:PassRole").then(|| {
            finding(
                format!("{} may pass any role to any service (iam:PassRole on * without iam:PassedToService)", role.name),
                vec![evidence("action", granted_by(p, "iam:PassRole"))],
            )
        })
    })
}

use super::common::{each_role_permissions, finding};
use crate::analysis::permissions::{ADMIN_SHARE, is_admin};
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-admin-access",
        title: "IAM role has administrator access",
        severity: Severity::Critical,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        ],
        compliance: &[fsbp("IAM.1"), cis("1.16"), nist("AC-6"), nist("AC-2(1)")],
        docs: include_str!("role_admin_access.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_role_permissions(cx, &CHECK.meta, |role, p| {
        is_admin(p).then(|| {
            let sources: Vec<String> = p.grants().filter(|g| g.unscoped && g.actions.count() > 0).map(|g| g.source.clone()).collect();
            finding(
                format!(
                    "{} may perform {:.0}% of all AWS actions on every resource (admin is {:.0}% or more)",
                    role.name,
                    p.unscoped_share() * 100.0,
                    ADMIN_SHARE * 100.0
                ),
                sources.into_iter().map(|s| evidence("policy", s)).collect(),
            )
        })
    })
}

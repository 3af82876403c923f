use super::analysis::{exposure_actions, granted_by};
use super::common::{each_role_permissions, finding};
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-resource-exposure",
        title: "IAM role may change resource policies to expose resources",
        severity: Severity::High,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://github.com/salesforce/cloudsplaining/blob/master/docs/glossary/resource-exposure.md",
        ],
        compliance: &[nist("AC-6"), nist("AC-3")],
        docs: include_str!("role_resource_exposure.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_role_permissions(cx, &CHECK.meta, |role, p| {
        let actions = exposure_actions(p);
        (!actions.is_empty()).then(|| {
            finding(
                format!(
                    "{} may rewrite access policies on every resource with {}",
                    role.name,
                    actions.join(", ")
                ),
                actions
                    .iter()
                    .map(|a| evidence("action", granted_by(p, a)))
                    .collect(),
            )
        })
    })
}

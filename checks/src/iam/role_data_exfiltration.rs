use super::common::{each_role_permissions, finding};
use crate::analysis::permissions::{exfiltration_actions, granted_by};
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-data-exfiltration",
        title: "IAM role may read any data store or secret",
        severity: Severity::High,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://github.com/salesforce/cloudsplaining/blob/master/docs/glossary/data-exfiltration.md",
        ],
        compliance: &[nist("AC-6"), nist("SC-7")],
        docs: include_str!("role_data_exfiltration.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_role_permissions(cx, &CHECK.meta, |role, p| {
        let actions = exfiltration_actions(p);
        (!actions.is_empty()).then(|| {
            finding(
                format!(
                    "{} may read from every resource with {}",
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

use super::analysis::{ESCALATION_METHODS, escalation_methods, granted_by};
use super::common::{each_role_permissions, finding};
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-privilege-escalation",
        title: "IAM role can escalate its own privileges",
        severity: Severity::Critical,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
        ],
        compliance: &[nist("AC-6"), nist("AC-6(10)")],
        docs: include_str!("role_privilege_escalation.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_role_permissions(cx, &CHECK.meta, |role, p| {
        let methods = escalation_methods(p);
        (!methods.is_empty()).then(|| {
            let evidence = methods
                .iter()
                .map(|m| {
                    let actions = ESCALATION_METHODS
                        .iter()
                        .find(|(n, _)| n == m)
                        .map(|(_, a)| *a)
                        .unwrap_or_default();
                    evidence(
                        format!("escalation.{m}"),
                        actions
                            .iter()
                            .map(|a| granted_by(p, a))
                            .collect::<Vec<_>>()
                            .join(" + "),
                    )
                })
                .collect();
            finding(
                format!(
                    "{} can escalate privileges by {}",
                    role.name,
                    methods.join(", ")
                ),
                evidence,
            )
        })
    })
}

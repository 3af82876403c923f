use super::common::{each_role_permissions, finding};
use crate::analysis::permissions::{escalations, granted_by};
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
            "https://github.com/salesforce/cloudsplaining/blob/master/docs/glossary/privilege-escalation.md",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
        ],
        compliance: &[nist("AC-6"), nist("AC-6(10)")],
        docs: include_str!("role_privilege_escalation.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_role_permissions(cx, &CHECK.meta, |role, p| {
        let methods = escalations(p);
        (!methods.is_empty()).then(|| {
            let evidence = methods
                .iter()
                .flat_map(|m| {
                    let actions = evidence(
                        format!("escalation.{}", m.name),
                        m.actions
                            .iter()
                            .map(|a| granted_by(p, a))
                            .collect::<Vec<_>>()
                            .join(" + "),
                    );
                    let reference = m
                        .reference()
                        .map(|r| evidence(format!("escalation.{}.reference", m.name), r));
                    std::iter::once(actions).chain(reference)
                })
                .collect();
            finding(
                format!(
                    "{} can escalate privileges by {}",
                    role.name,
                    methods
                        .iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                evidence,
            )
        })
    })
}

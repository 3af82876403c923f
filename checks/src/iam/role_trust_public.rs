use super::common::{OnManagedRoles, each_role_trust, finding};
use super::trust::Who;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-trust-public",
        title: "IAM role can be assumed by anyone",
        severity: Severity::Critical,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-trust-policy",
        ],
        compliance: &[nist("AC-3"), nist("AC-17")],
        docs: include_str!("role_trust_public.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_role_trust(cx, &CHECK.meta, OnManagedRoles::Judge, |role, entries| {
        let open: Vec<&str> = entries
            .iter()
            .filter(|e| matches!(e.who, Who::Anyone) && !e.restricted)
            .map(|e| e.statement.as_str())
            .collect();
        (!open.is_empty()).then(|| {
                        finding(
                            format!("any AWS principal can assume {} (trust policy allows \"*\" with no restricting condition)", role.name),
                            open.iter().map(|s| evidence("trust_policy.statement", *s)).collect(),
                        )
                    })
    })
}

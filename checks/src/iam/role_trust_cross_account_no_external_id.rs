use super::common::{OnManagedRoles, each_role_trust, finding};
use super::trust::Who;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-trust-cross-account-no-external-id",
        title: "IAM role trusts an outside account without an external id or MFA condition",
        severity: Severity::High,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html",
        ],
        compliance: &[nist("AC-3"), nist("IA-2")],
        docs: include_str!("role_trust_cross_account_no_external_id.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_role_trust(
        cx,
        &CHECK.meta,
        OnManagedRoles::ByDesign,
        |role, entries| {
            let outside: Vec<String> = entries
                .iter()
                .filter_map(|e| match &e.who {
                    Who::Account(a) if !cx.is_trusted_account(a) && !e.external_id_or_mfa => {
                        Some(format!("{a} ({})", e.statement))
                    }
                    _ => None,
                })
                .collect();
            (!outside.is_empty()).then(|| {
                        finding(
                            format!("{} can be assumed from outside accounts with no sts:ExternalId or MFA condition", role.name),
                            outside.into_iter().map(|a| evidence("trust_policy.principal.account", a)).collect(),
                        )
                    })
        },
    )
}

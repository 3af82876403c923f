use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-trust-oidc-no-subject",
        title: "IAM role trusts an OIDC identity provider without a condition on the subject",
        severity: Severity::Critical,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html",
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif",
            "https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services",
        ],
        compliance: &[nist("AC-3"), nist("AC-6"), nist("IA-8")],
        docs: include_str!("role_trust_oidc_no_subject.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    // No AWS-managed role trusts an OIDC provider by design: managed roles keep the severity.
    crate::analysis::walk::roles(cx, meta, |role| {
        let resource = cx.role_ref(role);
        match super::trust::web_identity_trusts(cx, role) {
            Err(reason) => meta.unknown(resource, reason, None),
            Ok(trusts) => {
                let open: Vec<_> = trusts.iter().filter(|t| t.open.is_some()).collect();
                if open.is_empty() {
                    return meta.pass(resource);
                }
                let providers: Vec<&str> = open.iter().map(|t| t.provider.as_str()).collect();
                let evidence = open
                    .iter()
                    .flat_map(|t| {
                        [
                            evidence("trust_policy.statement", t.statement.clone()),
                            evidence("trust_policy.principal.federated", t.principal.clone()),
                            evidence("trust_policy.condition", t.open.clone().unwrap_or_default()),
                        ]
                    })
                    .collect();
                meta.fail_one(
                    resource,
                    format!(
                        "any identity of {} can assume {} with sts:AssumeRoleWithWebIdentity: the trust policy does not pin the subject (sub)",
                        providers.join(", "),
                        role.name
                    ),
                    evidence,
                )
            }
        }
    })
}

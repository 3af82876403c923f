use super::common::each_key;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "kms-key-cross-account-access",
        title: "KMS key policy grants an untrusted account",
        severity: Severity::Medium,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::KmsKey,
        references: &[
            "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html",
        ],
        compliance: &[nist("AC-3"), nist("AC-21")],
        docs: include_str!("key_cross_account_access.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_key(cx, meta, |key, m, resource| {
        if !m.customer_managed() {
            return None;
        }
        Some(
            match crate::analysis::resource_policy::access_or_unknown(
                cx,
                meta,
                &resource,
                &key.policy,
                &["kms:*"],
            ) {
                Err(unknown) => *unknown,
                Ok(None) => meta.unknown(resource, "no key policy was returned", None),
                Ok(Some(access)) => crate::analysis::resource_policy::outside_accounts(
                    cx,
                    meta,
                    resource,
                    &access.accounts,
                    &format!("the policy of key {} grants", key.id),
                    "policy.principal.account",
                ),
            },
        )
    })
}

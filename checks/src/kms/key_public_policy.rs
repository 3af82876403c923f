use super::common::each_key;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "kms-key-public-policy",
        title: "KMS key policy lets anyone use the key",
        severity: Severity::Critical,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::KmsKey,
        references: &[
            "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
        ],
        compliance: &[fsbp("KMS.5"), nist("AC-3"), nist("AC-21")],
        docs: include_str!("key_public_policy.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_key(cx, meta, |key, m, resource| {
        if !m.customer_managed() {
            return None;
        }
        Some(match crate::analysis::resource_policy::access_or_unknown(cx, meta, &resource, &key.policy, &["kms:*"]) {
            Err(unknown) => *unknown,
            Ok(None) => meta.unknown(resource, "no key policy was returned", None),
            Ok(Some(access)) if access.is_public() => meta.fail_one(
                resource,
                format!("the policy of key {} lets any principal use it with no restricting condition", key.id),
                access.public_statements.iter().map(|s| evidence("policy.statement", s)).collect(),
            ),
            Ok(Some(_)) => meta.pass(resource),
        })
    })
}

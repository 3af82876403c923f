use super::common::each_key;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "kms-key-disabled",
        title: "KMS key is disabled",
        severity: Severity::Low,
        category: Category::KeyAge,
        resource_kind: ResourceKind::KmsKey,
        references: &["https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html"],
        compliance: &[nist("SC-12")],
        docs: include_str!("key_disabled.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_key(cx, meta, |key, m, resource| {
        Some(if m.state == "Disabled" {
            meta.fail_one(
                resource,
                format!("key {} is disabled", key.id),
                vec![evidence("metadata.state", "Disabled")],
            )
        } else {
            meta.pass(resource)
        })
    })
}

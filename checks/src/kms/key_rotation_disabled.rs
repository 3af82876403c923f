use super::common::{each_key, not_rotatable};
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "kms-key-rotation-disabled",
        title: "Customer-managed KMS key does not rotate automatically",
        severity: Severity::Medium,
        category: Category::KeyAge,
        resource_kind: ResourceKind::KmsKey,
        references: &["https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html"],
        compliance: &[fsbp("KMS.4"), cis("3.6"), nist("SC-12")],
        docs: include_str!("key_rotation_disabled.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_key(cx, meta, |key, m, resource| {
        // Only enabled, symmetric, customer-managed keys with KMS-made material can rotate.
        if !m.customer_managed() || m.state != "Enabled" {
            return None;
        }
        if let Some(early) = not_rotatable(meta, m, &resource) {
            return early;
        }
        Some(match &key.rotation {
            Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
            Attr::Known(Some(r)) if r.enabled => meta.pass(resource),
            Attr::Known(_) => meta.fail_one(
                resource,
                format!("key {} does not rotate its material automatically", key.id),
                vec![evidence("rotation.enabled", "false")],
            ),
        })
    })
}

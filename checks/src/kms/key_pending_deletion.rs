use super::common::each_key;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "kms-key-pending-deletion",
        title: "KMS key is scheduled for deletion",
        severity: Severity::High,
        category: Category::KeyAge,
        resource_kind: ResourceKind::KmsKey,
        references: &["https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html"],
        compliance: &[fsbp("KMS.3"), nist("SC-12"), nist("CP-9")],
        docs: include_str!("key_pending_deletion.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_key(cx, meta, |key, m, resource| {
        Some(if m.state == "PendingDeletion" {
            let when = m
                .deletion_date
                .map_or_else(|| "an unknown date".to_owned(), |d| d.date().to_string());
            meta.fail_one(
                resource,
                format!("key {} will be deleted on {when}; data encrypted under it becomes unrecoverable", key.id),
                vec![evidence("metadata.state", &m.state), evidence("metadata.deletion_date", when)],
            )
        } else {
            meta.pass(resource)
        })
    })
}

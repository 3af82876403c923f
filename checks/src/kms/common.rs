//! Iteration shared by the key checks: one result per key, unknown when the key's metadata (or
//! the listing) could not be read.

use crate::check::*;
use crate::context::Context;
use crate::model::{Attr, KmsKey, KmsKeyMetadata};

pub(crate) fn key_ref(cx: &Context<'_>, key: &KmsKey) -> ResourceRef {
    let name = key
        .aliases
        .known()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or_else(|| key.id.clone());
    cx.resource(ResourceKind::KmsKey, &key.arn, &name, &key.region)
}

/// `judge` returns `None` for keys the check does not evaluate (e.g. AWS-managed); a key whose
/// metadata could not be read is unknown.
pub(crate) fn each_key<'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    judge: impl Fn(&'a KmsKey, &'a KmsKeyMetadata, ResourceRef) -> Option<CheckResult>,
) -> Vec<CheckResult> {
    crate::analysis::walk::keys(cx, meta, |key| {
        let resource = key_ref(cx, key);
        match &key.metadata {
            Attr::Unavailable(gap) => Some(meta.unknown_gap(resource, gap)),
            Attr::Known(m) => judge(key, m, resource),
        }
    })
}

/// What a rotation check returns early for a key that cannot rotate automatically (not
/// symmetric, or material not made by KMS): `Some(None)`, no result; `Some(unknown)` when
/// DescribeKey did not say its spec or origin; `None` when the key can rotate.
pub(crate) fn not_rotatable(
    meta: &CheckMeta,
    m: &KmsKeyMetadata,
    resource: &ResourceRef,
) -> Option<Option<CheckResult>> {
    match m.rotatable() {
        Some(true) => None,
        Some(false) => Some(None),
        None => Some(Some(meta.unknown(
            resource.clone(),
            "DescribeKey did not report the key's spec or origin, which decide whether it can rotate".to_owned(),
            None,
        ))),
    }
}

use super::common::{each_key, not_rotatable};
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "kms-key-material-old",
        title: "KMS key material is older than the threshold, or rotates too rarely",
        severity: Severity::Medium,
        category: Category::KeyAge,
        resource_kind: ResourceKind::KmsKey,
        references: &["https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html"],
        compliance: &[nist("SC-12")],
        docs: include_str!("key_material_old.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let max = cx.options.kms_key_material_max_age_days;
    each_key(cx, meta, |key, m, resource| {
        if !m.customer_managed() || m.state == "PendingDeletion" {
            return None;
        }
        // Asymmetric, HMAC, imported (EXTERNAL) and custom-key-store keys cannot rotate
        // automatically: the age of their material is not this check's question
        // (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html).
        if let Some(early) = not_rotatable(meta, m, &resource) {
            return early;
        }
        if let Some(early) = not_rotatable(meta, m, &resource) {
            return early;
        }
        let rotation = match &key.rotation {
            Attr::Unavailable(gap) => return Some(meta.unknown_gap(resource, gap)),
            Attr::Known(r) => r.as_ref(),
        };
        if let Some(period) = rotation.filter(|r| r.enabled).and_then(|r| r.period_days)
            && i64::from(period) > max
        {
            return Some(meta.fail_one(
                resource,
                format!(
                    "key {} rotates only every {period} days (threshold {max})",
                    key.id
                ),
                vec![evidence("rotation.period_days", period.to_string())],
            ));
        }
        let last_rotation = match rotation.map(|r| &r.last_rotation) {
            Some(Attr::Unavailable(gap)) => return Some(meta.unknown_gap(resource, gap)),
            Some(Attr::Known(last)) => last.map(|t| t.0),
            None => None,
        };
        let Some(since) = last_rotation.or(m.created) else {
            return Some(meta.unknown(
                resource,
                "neither creation nor rotation date is known",
                None,
            ));
        };
        let age = cx.age_days(since);
        // Automatic rotation renews the material yearly even if no rotation is listed yet.
        let rotating_yearly = rotation
            .is_some_and(|r| r.enabled && r.period_days.is_none_or(|p| i64::from(p) <= max));
        Some(if age > max && !rotating_yearly {
            meta.fail_one(
                resource,
                format!(
                    "the material of key {} is {age} days old (threshold {max})",
                    key.id
                ),
                vec![evidence("material_since", since.date().to_string())],
            )
        } else {
            meta.pass(resource)
        })
    })
}

use crate::check::*;
use crate::context::Context;
use crate::model::{Arn, Attr};

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-kms-key-unusable",
        title: "Lambda function's KMS key is disabled, pending deletion or missing",
        severity: Severity::High,
        category: Category::Encryption,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html",
        ],
        compliance: &[nist("CP-10")],
        docs: include_str!("function_kms_key_unusable.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::functions(cx, meta, |f| {
        let key_arn = f.kms_key_arn.as_deref()?;
        let resource = cx.function_ref(f);
        let arn = Arn::parse(key_arn).ok();
        let region = arn.map_or("", |a| a.region);
        // A key of another account is not in this inventory: its absence proves nothing.
        let owner = arn.map_or("", |a| a.account);
        if owner != cx.account() {
            return Some(if cx.is_trusted_account(owner) {
                meta.pass_with_note(
                    resource,
                    format!("{key_arn} belongs to the trusted account {owner}"),
                )
            } else {
                meta.unknown(
                    resource,
                    format!(
                        "{key_arn} belongs to account {owner}, whose keys this scan cannot read"
                    ),
                    None,
                )
            });
        }
        let Some(regional) = cx.inventory.regions.iter().find(|r| r.region == region) else {
            return Some(meta.unknown(
                resource,
                format!("the key's region {region} was not scanned"),
                None,
            ));
        };
        // The key listing of that region must be complete for "missing" to mean missing.
        if let Some(gap) = regional.kms_keys.gap().or_else(|| {
            cx.inventory
                .listing_gap(&crate::model::listing::KMS_KEYS, Some(region))
        }) {
            return Some(meta.unknown_gap(resource, gap));
        }
        let Some(key) = cx.kms_key(key_arn) else {
            // An alias ARN cannot be resolved without its listing; a key ARN absent from
            // a complete listing is missing.
            if key_arn.contains(":alias/") {
                return Some(meta.unknown(
                    resource,
                    format!("{key_arn} is an alias; its key is not resolved"),
                    None,
                ));
            }
            return Some(meta.fail_one(
                    resource,
                    format!("{} uses the KMS key {key_arn}, which does not exist: the function cannot start", f.name),
                    vec![evidence("kms_key_arn", key_arn), evidence("kms_key.state", "missing")],
                ));
        };
        Some(match &key.metadata {
                Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
                Attr::Known(m) if m.state == "Enabled" => meta.pass(resource),
                Attr::Known(m) => meta.fail(
                    resource,
                    vec![Finding {
                        message: format!("{} uses the KMS key {key_arn}, which is {}: the function cannot decrypt its environment", f.name, m.state),
                        evidence: vec![evidence("kms_key_arn", key_arn), evidence("kms_key.state", &m.state)],
                        related: vec![key.arn.as_str().into()],
                    }],
                ),
            })
    })
}

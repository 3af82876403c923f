use super::common::each_rest_stage;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-stage-cache-unencrypted",
        title: "API Gateway stage caches responses without encrypting them",
        severity: Severity::Medium,
        category: Category::Encryption,
        resource_kind: ResourceKind::RestApiStage,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html",
        ],
        compliance: &[fsbp("APIGateway.5"), nist("SC-28")],
        docs: include_str!("stage_cache_unencrypted.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_rest_stage(cx, meta, |_, _, stage, resource| {
        let unencrypted: Vec<&String> = stage
            .method_settings
            .iter()
            .filter(|(_, m)| m.caching_enabled && !m.cache_data_encrypted)
            .map(|(k, _)| k)
            .collect();
        let caching = stage.cache_cluster_enabled
            || stage.method_settings.values().any(|m| m.caching_enabled);
        Some(if !unencrypted.is_empty() {
            meta.fail_one(
                resource,
                format!("stage {} caches responses unencrypted", stage.name),
                unencrypted
                    .iter()
                    .map(|k| evidence(format!("method_settings.{k}.cache_data_encrypted"), "false"))
                    .collect(),
            )
        } else if caching && stage.method_settings.is_empty() {
            // A cache cluster with no method settings caches nothing yet, but defaults to
            // unencrypted once caching is switched on.
            meta.pass_with_note(resource, "a cache cluster exists but no method caches")
        } else {
            meta.pass(resource)
        })
    })
}

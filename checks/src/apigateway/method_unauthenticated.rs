use super::common::is_private;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-method-unauthenticated",
        title: "REST API method requires no authorization and no API key",
        severity: Severity::High,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::RestApiMethod,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html",
        ],
        compliance: &[nist("AC-3"), nist("IA-2")],
        docs: include_str!("method_unauthenticated.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::walk::rest_methods(cx, meta, |api, r, m, resource| {
        // CORS preflight must stay open.
        if m.http_method == "OPTIONS" {
            return None;
        }
        Some(
            if m.authorization_type == "NONE" && !m.api_key_required && !is_private(api) {
                meta.fail_one(
                resource,
                format!("{} {} on {} can be called by anyone: no authorizer, no IAM auth, no API key", m.http_method, r.path, api.name),
                vec![evidence("authorization_type", "NONE"), evidence("api_key_required", "false")],
            )
            } else {
                meta.pass(resource)
            },
        )
    })
}

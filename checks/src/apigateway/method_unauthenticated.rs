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
        if m.authorization_type != "NONE" || is_private(api) {
            return Some(meta.pass(resource));
        }
        // An API key identifies a caller, it does not authenticate one: AWS says not to use
        // API keys for authentication (api-gateway-api-usage-plans.html).
        let message = if m.api_key_required {
            format!(
                "{} {} on {} has no authorizer and no IAM auth: only an API key, which is not authentication",
                m.http_method, r.path, api.name
            )
        } else {
            format!(
                "{} {} on {} can be called by anyone: no authorizer, no IAM auth, no API key",
                m.http_method, r.path, api.name
            )
        };
        let result = meta.fail_one(
            resource,
            message,
            vec![
                evidence("authorization_type", "NONE"),
                evidence("api_key_required", m.api_key_required.to_string()),
            ],
        );
        // What is deployed is what is served: an API with no stage exposes nothing yet.
        Some(if api.stages.known().is_some_and(Vec::is_empty) {
            let mut result = result.with_severity(Severity::Low);
            result.note =
                Some("the API has no stage: nothing is served until it is deployed".to_owned());
            result
        } else {
            result
        })
    })
}

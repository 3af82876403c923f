use super::common::{each_api, is_private};
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

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
    each_api(
        cx,
        meta,
        |region| &region.rest_apis,
        |_, api| {
            let resources = match &api.resources {
                Attr::Known(r) => r,
                Attr::Unavailable(gap) => {
                    return vec![meta.unknown_gap(
                        cx.resource(
                            ResourceKind::RestApiMethod,
                            &format!("{}/resources/*", api.arn),
                            &api.name,
                            &api.region,
                        ),
                        gap,
                    )];
                }
            };
            let mut out = Vec::new();
            for r in resources {
                // CORS preflight must stay open.
                for m in r.methods.iter().filter(|m| m.http_method != "OPTIONS") {
                    let resource = cx.resource(
                        ResourceKind::RestApiMethod,
                        &m.arn,
                        &format!("{} {} {}", api.name, m.http_method, r.path),
                        &api.region,
                    );
                    out.push(if m.authorization_type == "NONE" && !m.api_key_required && !is_private(api) {
                        meta.fail_one(
                            resource,
                            format!("{} {} on {} can be called by anyone: no authorizer, no IAM auth, no API key", m.http_method, r.path, api.name),
                            vec![evidence("authorization_type", "NONE"), evidence("api_key_required", "false")],
                        )
                    } else {
                        meta.pass(resource)
                    });
                }
            }
            out
        },
    )
}

use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-route-unauthenticated",
        title: "HTTP API route has no authorization",
        severity: Severity::High,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::HttpApiRoute,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html",
        ],
        compliance: &[fsbp("APIGateway.8"), nist("AC-3")],
        docs: include_str!("route_unauthenticated.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::http_routes(cx, meta, |api, route, resource| {
        if route.route_key.starts_with("OPTIONS ") {
            return None;
        }
        // A WebSocket API authorizes only at `$connect`; its other routes carry no authorizer
        // by design (apigateway-websocket-api-control-access.html).
        if crate::analysis::apigateway::is_websocket(api) && route.route_key != "$connect" {
            return None;
        }
        let auth = route.authorization_type.as_deref().unwrap_or("NONE");
        Some(if auth == "NONE" {
            meta.fail_one(
                resource,
                format!(
                    "route {} of {} can be called by anyone",
                    route.route_key, api.name
                ),
                vec![evidence("authorization_type", auth)],
            )
        } else {
            meta.pass(resource)
        })
    })
}

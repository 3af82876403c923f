use super::common::each_api;
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

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
    each_api(
        cx,
        meta,
        |region| &region.http_apis,
        |_, api| {
            let routes = match &api.routes {
                Attr::Known(r) => r,
                Attr::Unavailable(gap) => {
                    return vec![meta.unknown_gap(
                        cx.resource(
                            ResourceKind::HttpApiRoute,
                            &format!("{}/routes/*", api.arn),
                            &api.name,
                            &api.region,
                        ),
                        gap,
                    )];
                }
            };
            routes
                .iter()
                .filter(|r| !r.route_key.starts_with("OPTIONS "))
                .map(|route| {
                    let resource = cx.resource(
                        ResourceKind::HttpApiRoute,
                        &route.arn,
                        &format!("{} {}", api.name, route.route_key),
                        &api.region,
                    );
                    let auth = route.authorization_type.as_deref().unwrap_or("NONE");
                    if auth == "NONE" {
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
                    }
                })
                .collect()
        },
    )
}

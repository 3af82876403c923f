use super::common::region_unknown;
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
    let mut out = Vec::new();
    for region in &cx.inventory.regions {
        let apis = match &region.http_apis {
            Attr::Known(a) => a,
            Attr::Unavailable(gap) => {
                out.push(region_unknown(cx, meta, region, gap));
                continue;
            }
        };
        for api in apis {
            let routes = match &api.routes {
                Attr::Known(r) => r,
                Attr::Unavailable(gap) => {
                    out.push(meta.unknown_gap(
                        cx.resource(
                            ResourceKind::HttpApiRoute,
                            &format!("{}/routes/*", api.arn),
                            &api.name,
                            &api.region,
                        ),
                        gap,
                    ));
                    continue;
                }
            };
            for route in routes
                .iter()
                .filter(|r| !r.route_key.starts_with("OPTIONS "))
            {
                let resource = cx.resource(
                    ResourceKind::HttpApiRoute,
                    &route.arn,
                    &format!("{} {}", api.name, route.route_key),
                    &api.region,
                );
                let auth = route.authorization_type.as_deref().unwrap_or("NONE");
                out.push(if auth == "NONE" {
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
                });
            }
        }
    }
    out
}

//! API Gateway HTTP and WebSocket APIs (v2): routes, integrations and stages per API.
//! The v2 SDK has no paginators for these; the page walker follows `next_token`.

use super::{AttrExt, Ctx, Service, Site};
use aws_sdk_apigatewayv2::Client;
use aws_sdk_apigatewayv2::types::{Api, RouteSettings};
use faascan_checks::model::{
    AccessLogSettings, Attr, HttpApi, HttpApiIntegration, HttpApiRoute, HttpApiStage, Throttle,
};
use futures::{StreamExt, stream};

const PAGE: &str = "500";

fn throttle(settings: &RouteSettings) -> Option<Throttle> {
    let t = Throttle {
        burst_limit: settings.throttling_burst_limit(),
        rate_limit: settings.throttling_rate_limit(),
    };
    (t.burst_limit.is_some() || t.rate_limit.is_some()).then_some(t)
}

pub(super) async fn collect(
    cx: &Ctx,
    client: &Client,
    region: &str,
    partition: &str,
) -> Attr<Vec<HttpApi>> {
    let site = Site::new(Service::Apigateway, region, "GetApis");
    let apis = cx
        .pages(
            site,
            |token| {
                client
                    .get_apis()
                    .max_results(PAGE)
                    .set_next_token(token)
                    .send()
            },
            |page| (page.items.unwrap_or_default(), page.next_token),
        )
        .await
        .listing(cx, "HTTP and WebSocket APIs");
    let apis: Vec<Api> = match apis {
        Attr::Known(apis) => apis,
        Attr::Unavailable(gap) => return Attr::Unavailable(gap),
    };
    let mut apis: Vec<HttpApi> = stream::iter(apis)
        .map(|api| http_api(cx, client, region, partition, api))
        .buffer_unordered(cx.fanout())
        .collect()
        .await;
    apis.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    Attr::Known(apis)
}

async fn http_api(cx: &Ctx, client: &Client, region: &str, partition: &str, api: Api) -> HttpApi {
    let id = api.api_id().unwrap_or_default().to_owned();
    let arn = format!("arn:{partition}:apigateway:{region}::/apis/{id}");
    let site = Site::new(Service::Apigateway, region, "").on(&arn);

    let routes = async {
        let site = Site {
            operation: "GetRoutes",
            ..site
        };
        let routes = cx
            .pages(
                site,
                |token| {
                    client
                        .get_routes()
                        .api_id(&id)
                        .max_results(PAGE)
                        .set_next_token(token)
                        .send()
                },
                |page| (page.items.unwrap_or_default(), page.next_token),
            )
            .await
            .whole(cx);
        routes.map_known(|routes| {
            routes
                .into_iter()
                .map(|r| {
                    let route_id = r.route_id().unwrap_or_default().to_owned();
                    HttpApiRoute {
                        arn: format!("{arn}/routes/{route_id}"),
                        id: route_id,
                        route_key: r.route_key().unwrap_or_default().to_owned(),
                        authorization_type: r.authorization_type().map(|a| a.as_str().to_owned()),
                        authorizer_id: r.authorizer_id().map(str::to_owned),
                        api_key_required: r.api_key_required().unwrap_or(false),
                        target: r.target().map(str::to_owned),
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let integrations = async {
        let site = Site {
            operation: "GetIntegrations",
            ..site
        };
        let integrations = cx
            .pages(
                site,
                |token| {
                    client
                        .get_integrations()
                        .api_id(&id)
                        .max_results(PAGE)
                        .set_next_token(token)
                        .send()
                },
                |page| (page.items.unwrap_or_default(), page.next_token),
            )
            .await
            .whole(cx);
        integrations.map_known(|integrations| {
            integrations
                .into_iter()
                .map(|i| HttpApiIntegration {
                    id: i.integration_id().unwrap_or_default().to_owned(),
                    integration_type: i.integration_type().map(|t| t.as_str().to_owned()),
                    uri: i.integration_uri().map(str::to_owned),
                    connection_type: i.connection_type().map(|c| c.as_str().to_owned()),
                })
                .collect::<Vec<_>>()
        })
    };
    let stages = async {
        let site = Site {
            operation: "GetStages",
            ..site
        };
        let stages = cx
            .pages(
                site,
                |token| {
                    client
                        .get_stages()
                        .api_id(&id)
                        .max_results(PAGE)
                        .set_next_token(token)
                        .send()
                },
                |page| (page.items.unwrap_or_default(), page.next_token),
            )
            .await
            .whole(cx);
        stages.map_known(|stages| {
            stages
                .into_iter()
                .map(|s| {
                    let name = s.stage_name().unwrap_or_default().to_owned();
                    let variables = cx.redact(s.stage_variables().into_iter().flatten());
                    HttpApiStage {
                        arn: format!("{arn}/stages/{name}"),
                        name,
                        auto_deploy: s.auto_deploy().unwrap_or(false),
                        default_route_throttle: s.default_route_settings().and_then(throttle),
                        route_throttles: s
                            .route_settings()
                            .map(|m| {
                                m.iter()
                                    .filter_map(|(k, v)| Some((k.clone(), throttle(v)?)))
                                    .collect()
                            })
                            .unwrap_or_default(),
                        access_log: s.access_log_settings().map(|l| AccessLogSettings {
                            destination_arn: l.destination_arn().map(str::to_owned),
                            format: l.format().map(str::to_owned),
                        }),
                        variables,
                        tags: s.tags().cloned().unwrap_or_default().into_iter().collect(),
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let (routes, integrations, stages) = tokio::join!(routes, integrations, stages);

    HttpApi {
        name: api.name().unwrap_or_default().to_owned(),
        region: region.to_owned(),
        protocol_type: api.protocol_type().map(|p| p.as_str().to_owned()),
        api_endpoint: api.api_endpoint().map(str::to_owned),
        description: api.description().map(str::to_owned),
        disable_execute_api_endpoint: api.disable_execute_api_endpoint().unwrap_or(false),
        cors_allow_origins: api
            .cors_configuration()
            .map(|c| c.allow_origins().to_vec())
            .unwrap_or_default(),
        tags: api
            .tags()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect(),
        routes,
        integrations,
        stages,
        id,
        arn,
    }
}

/// The hand-written `next_token` loop, through the SDK's mock utilities: every page is read,
/// and a repeated token does not loop forever.
#[cfg(test)]
mod mocked {
    use super::*;
    use crate::collect::Fingerprinter;
    use aws_sdk_apigatewayv2::operation::get_apis::GetApisOutput;
    use aws_sdk_apigatewayv2::operation::get_integrations::GetIntegrationsOutput;
    use aws_sdk_apigatewayv2::operation::get_routes::GetRoutesOutput;
    use aws_sdk_apigatewayv2::operation::get_stages::GetStagesOutput;
    use aws_sdk_apigatewayv2::types::{Route, Stage};
    use aws_smithy_mocks::{RuleMode, mock, mock_client};

    fn api(id: &str) -> Api {
        Api::builder()
            .api_id(id)
            .name(format!("api-{id}"))
            .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Http)
            .route_selection_expression("$request.method $request.path")
            .build()
    }

    #[tokio::test]
    async fn next_tokens_are_followed_and_repeats_stop() {
        let first = mock!(aws_sdk_apigatewayv2::Client::get_apis)
            .match_requests(|r| r.next_token().is_none())
            .then_output(|| {
                GetApisOutput::builder()
                    .items(api("a"))
                    .next_token("t1")
                    .build()
            });
        let second = mock!(aws_sdk_apigatewayv2::Client::get_apis)
            .match_requests(|r| r.next_token() == Some("t1"))
            .then_output(|| {
                GetApisOutput::builder()
                    .items(api("b"))
                    .next_token("t2")
                    .build()
            });
        // A misbehaving endpoint that hands back the token it was given.
        let stuck = mock!(aws_sdk_apigatewayv2::Client::get_apis)
            .match_requests(|r| r.next_token() == Some("t2"))
            .then_output(|| {
                GetApisOutput::builder()
                    .items(api("c"))
                    .next_token("t2")
                    .build()
            });
        let routes = mock!(aws_sdk_apigatewayv2::Client::get_routes)
            .sequence()
            .output(|| {
                GetRoutesOutput::builder()
                    .items(Route::builder().route_id("r1").route_key("GET /").build())
                    .build()
            })
            .repeatedly()
            .build();
        let integrations = mock!(aws_sdk_apigatewayv2::Client::get_integrations)
            .sequence()
            .output(|| GetIntegrationsOutput::builder().build())
            .repeatedly()
            .build();
        let stages = mock!(aws_sdk_apigatewayv2::Client::get_stages)
            .sequence()
            .output(|| {
                GetStagesOutput::builder()
                    .items(Stage::builder().stage_name("$default").build())
                    .build()
            })
            .repeatedly()
            .build();
        let client = mock_client!(
            aws_sdk_apigatewayv2,
            RuleMode::MatchAny,
            &[&first, &second, &stuck, &routes, &integrations, &stages]
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let apis = collect(&cx, &client, "eu-west-1", "aws").await;
        let Attr::Known(apis) = apis else {
            panic!("listing failed: {apis:?}")
        };
        let ids: Vec<&str> = apis.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(stuck.num_calls(), 1, "a repeated token ends the loop");
        assert_eq!(apis[0].arn, "arn:aws:apigateway:eu-west-1::/apis/a");
        assert_eq!(
            apis[0].routes.known().map(|r| r[0].arn.clone()),
            Some("arn:aws:apigateway:eu-west-1::/apis/a/routes/r1".to_owned())
        );
        assert_eq!(
            apis[0].stages.known().map(|s| s[0].name.clone()),
            Some("$default".to_owned())
        );
    }
}

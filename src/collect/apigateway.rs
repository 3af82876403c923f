//! API Gateway REST APIs (v1): APIs with their policies, stages (method settings included),
//! resources with embedded methods at the largest page size, authorizers; and per region the
//! usage plans, API keys, custom domains and the account throttle.

use super::{Ctx, Service, Site, to_time};
use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::types::{Method, RestApi as SdkRestApi, ThrottleSettings};
use faascan_checks::model::{
    AccessLogSettings, ApiGatewayAccount, ApiKey, Attr, DomainName, Gap, GapKind, MethodSetting,
    RestApi, RestApiAuthorizer, RestApiIntegration, RestApiMethod, RestApiResource, RestApiStage,
    Throttle, UsagePlan, UsagePlanStage,
};
use futures::{StreamExt, stream};

/// The API's maximum page size.
const PAGE: i32 = 500;

pub(super) struct RegionalRest {
    pub(super) rest_apis: Attr<Vec<RestApi>>,
    pub(super) usage_plans: Attr<Vec<UsagePlan>>,
    pub(super) api_keys: Attr<Vec<ApiKey>>,
    pub(super) domain_names: Attr<Vec<DomainName>>,
    pub(super) account: Attr<ApiGatewayAccount>,
}

impl RegionalRest {
    pub(super) fn skipped(region: &str) -> Self {
        let gap = Gap {
            service: "apigateway".to_owned(),
            region: Some(region.to_owned()),
            operation: "*".to_owned(),
            resource: None,
            kind: GapKind::NotAttempted,
            error_code: "ServiceNotSelected".to_owned(),
            message: "not collected: the service was excluded with --services".to_owned(),
            request_id: None,
        };
        RegionalRest {
            rest_apis: Attr::Unavailable(gap.clone()),
            usage_plans: Attr::Unavailable(gap.clone()),
            api_keys: Attr::Unavailable(gap.clone()),
            domain_names: Attr::Unavailable(gap.clone()),
            account: Attr::Unavailable(gap),
        }
    }
}

pub(super) fn throttle(t: &ThrottleSettings) -> Throttle {
    Throttle {
        burst_limit: Some(t.burst_limit()),
        rate_limit: Some(t.rate_limit()),
    }
}

pub(super) async fn collect(
    cx: &Ctx,
    client: &Client,
    region: &str,
    partition: &str,
) -> RegionalRest {
    let site = Site::new(Service::Apigateway, region, "");
    let apis = async {
        let listed = cx
            .pages(
                site.op("GetRestApis"),
                |position| {
                    client
                        .get_rest_apis()
                        .limit(PAGE)
                        .set_position(position)
                        .send()
                },
                |page| (page.items.unwrap_or_default(), page.position),
            )
            .await
            .listing(cx, "REST APIs");
        let listed = match listed {
            Attr::Known(apis) => apis,
            Attr::Unavailable(gap) => return Attr::Unavailable(gap),
        };
        let mut apis: Vec<RestApi> = stream::iter(listed)
            .map(|api| rest_api(cx, client, region, partition, api))
            .buffer_unordered(cx.fanout())
            .collect()
            .await;
        apis.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        Attr::Known(apis)
    };
    let usage_plans = async {
        cx.pages(
            site.op("GetUsagePlans"),
            |position| {
                client
                    .get_usage_plans()
                    .limit(PAGE)
                    .set_position(position)
                    .send()
            },
            |page| {
                let plans = page
                    .items()
                    .iter()
                    .map(|p| UsagePlan {
                        id: p.id().unwrap_or_default().to_owned(),
                        name: p.name().map(str::to_owned),
                        region: region.to_owned(),
                        api_stages: p
                            .api_stages()
                            .iter()
                            .map(|s| UsagePlanStage {
                                api_id: s.api_id().unwrap_or_default().to_owned(),
                                stage: s.stage().unwrap_or_default().to_owned(),
                                throttle: s
                                    .throttle()
                                    .map(|m| {
                                        m.iter().map(|(k, v)| (k.clone(), throttle(v))).collect()
                                    })
                                    .unwrap_or_default(),
                            })
                            .collect(),
                        throttle: p.throttle().map(throttle),
                        quota_limit: p.quota().map(|q| q.limit()),
                        quota_period: p
                            .quota()
                            .and_then(|q| q.period())
                            .map(|q| q.as_str().to_owned()),
                    })
                    .collect();
                (plans, page.position)
            },
        )
        .await
        .listing(cx, "usage plans")
    };
    let api_keys = async {
        cx.pages(
            site.op("GetApiKeys"),
            // include_values stays off: the key material is a secret.
            |position| {
                client
                    .get_api_keys()
                    .limit(PAGE)
                    .set_position(position)
                    .send()
            },
            |page| {
                let keys = page
                    .items()
                    .iter()
                    .map(|k| {
                        let id = k.id().unwrap_or_default().to_owned();
                        ApiKey {
                            arn: format!("arn:{partition}:apigateway:{region}::/apikeys/{id}"),
                            id,
                            name: k.name().map(str::to_owned),
                            region: region.to_owned(),
                            enabled: k.enabled(),
                            created: k.created_date().and_then(to_time),
                            last_updated: k.last_updated_date().and_then(to_time),
                            stage_keys: k.stage_keys().to_vec(),
                        }
                    })
                    .collect();
                (keys, page.position)
            },
        )
        .await
        .listing(cx, "API keys")
    };
    let domain_names = async {
        cx.pages(
            site.op("GetDomainNames"),
            |position| {
                client
                    .get_domain_names()
                    .limit(PAGE)
                    .set_position(position)
                    .send()
            },
            |page| {
                let domains = page
                    .items()
                    .iter()
                    .map(|d| {
                        let name = d.domain_name().unwrap_or_default().to_owned();
                        DomainName {
                            arn: format!(
                                "arn:{partition}:apigateway:{region}::/domainnames/{name}"
                            ),
                            name,
                            region: region.to_owned(),
                            security_policy: d.security_policy().map(|p| p.as_str().to_owned()),
                            endpoint_types: d
                                .endpoint_configuration()
                                .map(|e| e.types().iter().map(|t| t.as_str().to_owned()).collect())
                                .unwrap_or_default(),
                            certificate_arn: d
                                .regional_certificate_arn()
                                .or(d.certificate_arn())
                                .map(str::to_owned),
                        }
                    })
                    .collect();
                (domains, page.position)
            },
        )
        .await
        .listing(cx, "domain names")
    };
    let account = cx.known(
        Site {
            operation: "GetAccount",
            ..site
        },
        || client.get_account().send(),
        |a| ApiGatewayAccount {
            throttle: a.throttle_settings().map(throttle),
            cloudwatch_role_arn: a.cloudwatch_role_arn().map(str::to_owned),
        },
    );
    let (rest_apis, usage_plans, api_keys, domain_names, account) =
        tokio::join!(apis, usage_plans, api_keys, domain_names, account);
    RegionalRest {
        rest_apis,
        usage_plans,
        api_keys,
        domain_names,
        account,
    }
}

/// REST API policies come back JSON-escaped on AWS (`{\"Version\":...`) and plain on some
/// emulators: accept both.
fn unescape_policy(policy: &str) -> String {
    if policy.contains("\\\"") {
        serde_json::from_str::<String>(&format!("\"{policy}\""))
            .unwrap_or_else(|_| policy.to_owned())
    } else {
        policy.to_owned()
    }
}

async fn rest_api(
    cx: &Ctx,
    client: &Client,
    region: &str,
    partition: &str,
    api: SdkRestApi,
) -> RestApi {
    let id = api.id().unwrap_or_default().to_owned();
    let arn = format!("arn:{partition}:apigateway:{region}::/restapis/{id}");
    let site = Site::new(Service::Apigateway, region, "").on(&arn);

    let stages = cx.known(
        Site {
            operation: "GetStages",
            ..site
        },
        || client.get_stages().rest_api_id(&id).send(),
        |out| {
            out.item()
                .iter()
                .map(|s| {
                    let name = s.stage_name().unwrap_or_default().to_owned();
                    let variables = cx.redact(s.variables().into_iter().flatten());
                    RestApiStage {
                        arn: format!("{arn}/stages/{name}"),
                        name,
                        deployment_id: s.deployment_id().map(str::to_owned),
                        cache_cluster_enabled: s.cache_cluster_enabled(),
                        cache_cluster_size: s.cache_cluster_size().map(|c| c.as_str().to_owned()),
                        tracing_enabled: s.tracing_enabled(),
                        web_acl_arn: s.web_acl_arn().filter(|a| !a.is_empty()).map(str::to_owned),
                        client_certificate_id: s
                            .client_certificate_id()
                            .filter(|c| !c.is_empty())
                            .map(str::to_owned),
                        access_log: s.access_log_settings().map(|l| AccessLogSettings {
                            destination_arn: l.destination_arn().map(str::to_owned),
                            format: l.format().map(str::to_owned),
                        }),
                        method_settings: s
                            .method_settings()
                            .map(|m| {
                                m.iter()
                                    .map(|(key, m)| {
                                        (
                                            key.clone(),
                                            MethodSetting {
                                                throttling_burst_limit: Some(
                                                    m.throttling_burst_limit(),
                                                ),
                                                throttling_rate_limit: Some(
                                                    m.throttling_rate_limit(),
                                                ),
                                                caching_enabled: m.caching_enabled(),
                                                cache_data_encrypted: m.cache_data_encrypted(),
                                                cache_ttl_seconds: Some(m.cache_ttl_in_seconds()),
                                                logging_level: m.logging_level().map(str::to_owned),
                                                metrics_enabled: m.metrics_enabled(),
                                                data_trace_enabled: m.data_trace_enabled(),
                                                require_authorization_for_cache_control: m
                                                    .require_authorization_for_cache_control(),
                                            },
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                        variables,
                        tags: s.tags().cloned().unwrap_or_default().into_iter().collect(),
                        created: s.created_date().and_then(to_time),
                        last_updated: s.last_updated_date().and_then(to_time),
                    }
                })
                .collect::<Vec<_>>()
        },
    );
    let resources = async {
        let resources = cx
            .pages(
                site.op("GetResources"),
                |position| {
                    client
                        .get_resources()
                        .rest_api_id(&id)
                        .embed("methods")
                        .limit(PAGE)
                        .set_position(position)
                        .send()
                },
                |page| (page.items.unwrap_or_default(), page.position),
            )
            .await
            .whole(cx);
        match resources {
            Attr::Known(resources) => {
                let mut resources: Vec<RestApiResource> = resources
                    .into_iter()
                    .map(|r| {
                        let resource_id = r.id().unwrap_or_default().to_owned();
                        let mut methods: Vec<RestApiMethod> = r
                            .resource_methods()
                            .map(|m| m.values().map(|m| method(&arn, &resource_id, m)).collect())
                            .unwrap_or_default();
                        methods.sort_by(|a, b| a.http_method.cmp(&b.http_method));
                        RestApiResource {
                            path: r.path().unwrap_or_default().to_owned(),
                            id: resource_id,
                            methods,
                        }
                    })
                    .collect();
                resources.sort_by(|a, b| a.path.cmp(&b.path));
                Attr::Known(resources)
            }
            Attr::Unavailable(gap) => Attr::Unavailable(gap),
        }
    };
    let authorizers = authorizers(
        cx,
        client,
        &id,
        Site {
            operation: "GetAuthorizers",
            ..site
        },
    );
    let (stages, resources, authorizers) = tokio::join!(stages, resources, authorizers);

    let endpoint = api.endpoint_configuration();
    RestApi {
        name: api.name().unwrap_or_default().to_owned(),
        region: region.to_owned(),
        description: api.description().map(str::to_owned),
        created: api.created_date().and_then(to_time),
        endpoint_types: endpoint
            .map(|e| e.types().iter().map(|t| t.as_str().to_owned()).collect())
            .unwrap_or_default(),
        vpc_endpoint_ids: endpoint
            .map(|e| e.vpc_endpoint_ids().to_vec())
            .unwrap_or_default(),
        api_key_source: api.api_key_source().map(|s| s.as_str().to_owned()),
        disable_execute_api_endpoint: api.disable_execute_api_endpoint(),
        policy: api.policy().filter(|p| !p.is_empty()).map(unescape_policy),
        tags: api
            .tags()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect(),
        stages,
        resources,
        authorizers,
        id,
        arn,
    }
}

fn method(api_arn: &str, resource_id: &str, m: &Method) -> RestApiMethod {
    let verb = m.http_method().unwrap_or_default().to_owned();
    RestApiMethod {
        arn: format!("{api_arn}/resources/{resource_id}/methods/{verb}"),
        http_method: verb,
        authorization_type: m.authorization_type().unwrap_or("NONE").to_owned(),
        authorizer_id: m.authorizer_id().map(str::to_owned),
        api_key_required: m.api_key_required().unwrap_or(false),
        integration: m.method_integration().map(|i| RestApiIntegration {
            integration_type: i.r#type().map(|t| t.as_str().to_owned()),
            uri: i.uri().map(str::to_owned),
            connection_type: i.connection_type().map(|c| c.as_str().to_owned()),
            credentials: i.credentials().map(str::to_owned),
        }),
    }
}

/// GetAuthorizers has no SDK paginator: the page walker follows `position`.
async fn authorizers(
    cx: &Ctx,
    client: &Client,
    api_id: &str,
    site: Site<'_>,
) -> Attr<Vec<RestApiAuthorizer>> {
    cx.pages(
        site,
        |position| {
            client
                .get_authorizers()
                .rest_api_id(api_id)
                .limit(PAGE)
                .set_position(position)
                .send()
        },
        |page| {
            let authorizers = page
                .items()
                .iter()
                .map(|a| RestApiAuthorizer {
                    id: a.id().unwrap_or_default().to_owned(),
                    name: a.name().map(str::to_owned),
                    authorizer_type: a.r#type().map(|t| t.as_str().to_owned()),
                    authorizer_uri: a.authorizer_uri().map(str::to_owned),
                    provider_arns: a.provider_arns().to_vec(),
                })
                .collect();
            (authorizers, page.position)
        },
    )
    .await
    .whole(cx)
}

#[cfg(test)]
mod tests {
    use super::unescape_policy;

    #[test]
    fn rest_api_policies_are_unescaped() {
        let plain = r#"{"Version":"2012-10-17"}"#;
        assert_eq!(unescape_policy(plain), plain);
        assert_eq!(unescape_policy(r#"{\"Version\":\"2012-10-17\"}"#), plain);
    }
}

/// `position` paging through the walker: a REST API listing denied on page 2 keeps page 1's
/// APIs and records the listing gap; an API's resources denied on page 2 are unavailable.
#[cfg(test)]
mod mocked {
    use super::*;
    use crate::collect::Fingerprinter;
    use aws_sdk_apigateway::config::retry::RetryConfig;
    use aws_sdk_apigateway::operation::get_account::GetAccountOutput;
    use aws_sdk_apigateway::operation::get_api_keys::GetApiKeysOutput;
    use aws_sdk_apigateway::operation::get_authorizers::GetAuthorizersOutput;
    use aws_sdk_apigateway::operation::get_domain_names::GetDomainNamesOutput;
    use aws_sdk_apigateway::operation::get_resources::{GetResourcesError, GetResourcesOutput};
    use aws_sdk_apigateway::operation::get_rest_apis::{GetRestApisError, GetRestApisOutput};
    use aws_sdk_apigateway::operation::get_stages::GetStagesOutput;
    use aws_sdk_apigateway::operation::get_usage_plans::GetUsagePlansOutput;
    use aws_sdk_apigateway::types::Resource;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use aws_smithy_types::error::ErrorMetadata;

    fn denied() -> ErrorMetadata {
        ErrorMetadata::builder()
            .code("AccessDeniedException")
            .message("not allowed")
            .build()
    }

    #[tokio::test]
    async fn positions_are_followed_and_a_late_denial_keeps_what_was_read() {
        let first = mock!(aws_sdk_apigateway::Client::get_rest_apis)
            .match_requests(|r| r.position().is_none())
            .then_output(|| {
                GetRestApisOutput::builder()
                    .items(SdkRestApi::builder().id("a1").name("first").build())
                    .position("p1")
                    .build()
            });
        let second = mock!(aws_sdk_apigateway::Client::get_rest_apis)
            .match_requests(|r| r.position() == Some("p1"))
            .then_error(|| GetRestApisError::generic(denied()));
        let resources_1 = mock!(aws_sdk_apigateway::Client::get_resources)
            .match_requests(|r| r.position().is_none())
            .then_output(|| {
                GetResourcesOutput::builder()
                    .items(Resource::builder().id("r1").path("/").build())
                    .position("q1")
                    .build()
            });
        let resources_2 = mock!(aws_sdk_apigateway::Client::get_resources)
            .match_requests(|r| r.position() == Some("q1"))
            .then_error(|| GetResourcesError::generic(denied()));
        let stages = mock!(aws_sdk_apigateway::Client::get_stages)
            .then_output(|| GetStagesOutput::builder().build());
        let authorizers = mock!(aws_sdk_apigateway::Client::get_authorizers)
            .then_output(|| GetAuthorizersOutput::builder().build());
        let plans = mock!(aws_sdk_apigateway::Client::get_usage_plans)
            .then_output(|| GetUsagePlansOutput::builder().build());
        let keys = mock!(aws_sdk_apigateway::Client::get_api_keys)
            .then_output(|| GetApiKeysOutput::builder().build());
        let domains = mock!(aws_sdk_apigateway::Client::get_domain_names)
            .then_output(|| GetDomainNamesOutput::builder().build());
        let account = mock!(aws_sdk_apigateway::Client::get_account)
            .then_output(|| GetAccountOutput::builder().build());
        let client = mock_client!(
            aws_sdk_apigateway,
            RuleMode::MatchAny,
            &[
                &first,
                &second,
                &resources_1,
                &resources_2,
                &stages,
                &authorizers,
                &plans,
                &keys,
                &domains,
                &account
            ],
            |b| b.retry_config(RetryConfig::disabled())
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let rest = collect(&cx, &client, "us-east-1", "aws").await;

        let apis = rest
            .rest_apis
            .known()
            .unwrap_or_else(|| panic!("{:?}", rest.rest_apis));
        assert_eq!(apis.len(), 1, "page 1's API is kept");
        let resources = apis[0]
            .resources
            .gap()
            .unwrap_or_else(|| panic!("a partial resource list is not used"));
        assert_eq!(resources.operation, "GetResources");
        assert_eq!(
            resources.resource.as_deref(),
            Some("arn:aws:apigateway:us-east-1::/restapis/a1")
        );
        assert!(rest.usage_plans.is_known() && rest.account.is_known());

        let gaps = cx.take_gaps();
        let listing: Vec<_> = gaps.iter().filter(|g| g.resource.is_none()).collect();
        assert_eq!(listing.len(), 1, "{gaps:?}");
        assert_eq!(listing[0].operation, "GetRestApis");
        assert!(listing[0].listing().is_some_and(|l| l.enumerates));
        assert!(
            listing[0].message.contains("1 REST APIs"),
            "{}",
            listing[0].message
        );
    }
}

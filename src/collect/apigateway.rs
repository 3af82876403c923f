//! API Gateway REST APIs (v1): APIs with their policies, stages (method settings included),
//! resources with embedded methods at the largest page size, authorizers; and per region the
//! usage plans, API keys, custom domains and the account throttle.

use super::raw::{self, RawBody};
use super::{Ctx, Service, Site, to_time};
use aws_sdk_apigateway::Client;
use aws_sdk_apigateway::types::{
    Method, RestApi as SdkRestApi, ThrottleSettings, UsagePlan as SdkUsagePlan,
};
use faascan_checks::model::{
    AccessLogSettings, ApiGatewayAccount, ApiKey, Attr, BasePathMapping, DeployedMethod,
    DomainName, Gap, GapKind, MethodSetting, RestApi, RestApiAuthorizer, RestApiDeployment,
    RestApiIntegration, RestApiMethod, RestApiResource, RestApiStage, Throttle, UsagePlan,
    UsagePlanStage,
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
            rest_apis: Attr::Unavailable(Box::new(gap.clone())),
            usage_plans: Attr::Unavailable(Box::new(gap.clone())),
            api_keys: Attr::Unavailable(Box::new(gap.clone())),
            domain_names: Attr::Unavailable(Box::new(gap.clone())),
            account: Attr::Unavailable(Box::new(gap)),
        }
    }
}

/// A throttle as AWS sent it. The SDK reads an absent `burstLimit` or `rateLimit` as 0, so the
/// numbers come from the response body (`raw`, the JSON object of these settings) when it was
/// kept: absent is `None`, "not set", never 0. Only without a body (a mocked output) are the
/// SDK's numbers taken as sent. `None` when neither limit is set.
pub(super) fn throttle(raw: Option<&serde_json::Value>, t: &ThrottleSettings) -> Option<Throttle> {
    let throttle = match raw {
        Some(obj) => Throttle {
            burst_limit: raw::int(obj, "burstLimit"),
            rate_limit: raw::number(obj, "rateLimit"),
        },
        None => Throttle {
            burst_limit: Some(t.burst_limit()),
            rate_limit: Some(t.rate_limit()),
        },
    };
    (throttle.burst_limit.is_some() || throttle.rate_limit.is_some()).then_some(throttle)
}

/// The JSON object at `path` (object keys, or `[key=value]` to pick an array element), if the
/// body was kept and has it.
fn at<'v>(body: Option<&'v serde_json::Value>, path: &[&str]) -> Option<&'v serde_json::Value> {
    let mut value = body?;
    for step in path {
        value = match step
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .and_then(|s| s.split_once('='))
        {
            Some((key, wanted)) => value
                .as_array()?
                .iter()
                .find(|item| item.get(key).and_then(serde_json::Value::as_str) == Some(wanted))?,
            None => value.get(*step)?,
        };
    }
    Some(value)
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
        let body = RawBody::default();
        cx.pages(
            site.op("GetUsagePlans"),
            |position| {
                client
                    .get_usage_plans()
                    .limit(PAGE)
                    .set_position(position)
                    .customize()
                    .interceptor(body.clone())
                    .send()
            },
            |page| {
                let json = body.take_json();
                let plans = page
                    .items()
                    .iter()
                    .map(|p| usage_plan(p, json.as_ref(), region))
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
        let listed = cx
            .pages(
                site.op("GetDomainNames"),
                |position| {
                    client
                        .get_domain_names()
                        .limit(PAGE)
                        .set_position(position)
                        .send()
                },
                |page| (page.items.unwrap_or_default(), page.position),
            )
            .await
            .listing(cx, "domain names");
        let listed = match listed {
            Attr::Known(listed) => listed,
            Attr::Unavailable(gap) => return Attr::Unavailable(gap),
        };
        let mut domains: Vec<DomainName> = stream::iter(listed)
            .map(|d| domain_name(cx, client, site, partition, region, d))
            .buffer_unordered(cx.fanout())
            .collect()
            .await;
        domains.sort_by(|a, b| a.name.cmp(&b.name));
        Attr::Known(domains)
    };
    let account_body = RawBody::default();
    let account = cx.known(
        Site {
            operation: "GetAccount",
            ..site
        },
        || {
            client
                .get_account()
                .customize()
                .interceptor(account_body.clone())
                .send()
        },
        |a| {
            let json = account_body.take_json();
            ApiGatewayAccount {
                throttle: a
                    .throttle_settings()
                    .and_then(|t| throttle(at(json.as_ref(), &["throttleSettings"]), t)),
                cloudwatch_role_arn: a.cloudwatch_role_arn().map(str::to_owned),
            }
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

/// A custom domain with the REST API stages it serves (`GetBasePathMappings`).
async fn domain_name(
    cx: &Ctx,
    client: &Client,
    site: Site<'_>,
    partition: &str,
    region: &str,
    d: aws_sdk_apigateway::types::DomainName,
) -> DomainName {
    let name = d.domain_name().unwrap_or_default().to_owned();
    let arn = format!("arn:{partition}:apigateway:{region}::/domainnames/{name}");
    let base_path_mappings = cx
        .pages(
            site.on(&arn).op("GetBasePathMappings"),
            |position| {
                client
                    .get_base_path_mappings()
                    .domain_name(&name)
                    .limit(PAGE)
                    .set_position(position)
                    .send()
            },
            |page| {
                let mappings = page
                    .items()
                    .iter()
                    .map(|m| BasePathMapping {
                        base_path: m.base_path().unwrap_or("(none)").to_owned(),
                        rest_api_id: m.rest_api_id().unwrap_or_default().to_owned(),
                        stage: m.stage().map(str::to_owned),
                    })
                    .collect();
                (mappings, page.position)
            },
        )
        .await
        .whole(cx);
    DomainName {
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
        base_path_mappings,
        name,
        arn,
    }
}

/// A usage plan; `body` is the page's JSON when it was kept (for the throttles as sent).
fn usage_plan(p: &SdkUsagePlan, body: Option<&serde_json::Value>, region: &str) -> UsagePlan {
    let id = p.id().unwrap_or_default();
    let plan = at(body, &["item", &format!("[id={id}]")]);
    UsagePlan {
        id: id.to_owned(),
        name: p.name().map(str::to_owned),
        region: region.to_owned(),
        api_stages: p
            .api_stages()
            .iter()
            .map(|s| {
                let raw_stage = plan
                    .and_then(|p| p.get("apiStages"))
                    .and_then(serde_json::Value::as_array)
                    .and_then(|stages| {
                        stages.iter().find(|a| {
                            a.get("apiId").and_then(serde_json::Value::as_str) == s.api_id()
                                && a.get("stage").and_then(serde_json::Value::as_str) == s.stage()
                        })
                    });
                UsagePlanStage {
                    api_id: s.api_id().unwrap_or_default().to_owned(),
                    stage: s.stage().unwrap_or_default().to_owned(),
                    throttle: s
                        .throttle()
                        .into_iter()
                        .flatten()
                        .filter_map(|(key, t)| {
                            let raw = at(raw_stage, &["throttle", key]);
                            Some((key.clone(), throttle(raw, t)?))
                        })
                        .collect(),
                }
            })
            .collect(),
        throttle: p
            .throttle()
            .and_then(|t| throttle(at(plan, &["throttle"]), t)),
        quota_limit: p.quota().map(|q| q.limit()),
        quota_period: p
            .quota()
            .and_then(|q| q.period())
            .map(|q| q.as_str().to_owned()),
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

    let stages_body = RawBody::default();
    let stages = cx.known(
        Site {
            operation: "GetStages",
            ..site
        },
        || {
            client
                .get_stages()
                .rest_api_id(&id)
                .customize()
                .interceptor(stages_body.clone())
                .send()
        },
        |out| {
            let json = stages_body.take_json();
            out.item()
                .iter()
                .map(|s| {
                    let name = s.stage_name().unwrap_or_default().to_owned();
                    let raw_stage = at(json.as_ref(), &["item", &format!("[stageName={name}]")]);
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
                                        // Absent limits are "not set" (the stage's or the
                                        // account's apply), not the SDK's 0.
                                        let raw = at(raw_stage, &["methodSettings", key]);
                                        let (burst, rate) = match raw {
                                            Some(raw) => (
                                                raw::int(raw, "throttlingBurstLimit"),
                                                raw::number(raw, "throttlingRateLimit"),
                                            ),
                                            None => (
                                                Some(m.throttling_burst_limit()),
                                                Some(m.throttling_rate_limit()),
                                            ),
                                        };
                                        (
                                            key.clone(),
                                            MethodSetting {
                                                throttling_burst_limit: burst,
                                                throttling_rate_limit: rate,
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
                        deployment: None,
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
    let stages = match stages {
        Attr::Known(stages) => Attr::Known(with_deployments(cx, client, site, &id, stages).await),
        unread => unread,
    };

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

/// Each stage with the deployment it serves: `GetDeployment` with `embed=apisummary`, once per
/// deployment however many stages share it. The response carries `apiSummary`, the deployed
/// methods by path and verb with their `authorizationType` and `apiKeyRequired`
/// (https://docs.aws.amazon.com/apigateway/latest/api/API_GetDeployment.html); the API's
/// resources are the draft, which a stage serves only once deployed.
async fn with_deployments(
    cx: &Ctx,
    client: &Client,
    site: Site<'_>,
    api_id: &str,
    mut stages: Vec<RestApiStage>,
) -> Vec<RestApiStage> {
    let ids: std::collections::BTreeSet<String> = stages
        .iter()
        .filter_map(|s| s.deployment_id.clone())
        .filter(|d| !d.is_empty())
        .collect();
    let api_arn = site.resource.unwrap_or_default();
    let read: std::collections::HashMap<String, Attr<RestApiDeployment>> =
        futures::future::join_all(ids.into_iter().map(|deployment_id| async move {
            let resource = format!("{api_arn}/deployments/{deployment_id}");
            let deployment = cx
                .known(
                    site.on(&resource).op("GetDeployment"),
                    || {
                        client
                            .get_deployment()
                            .rest_api_id(api_id)
                            .deployment_id(&deployment_id)
                            .embed("apisummary")
                            .send()
                    },
                    |d| RestApiDeployment {
                        id: d.id().unwrap_or(&deployment_id).to_owned(),
                        created: d.created_date().and_then(to_time),
                        api_summary: d.api_summary().map(|paths| {
                            paths
                                .iter()
                                .map(|(path, verbs)| {
                                    let verbs = verbs
                                        .iter()
                                        .map(|(verb, m)| {
                                            (
                                                verb.clone(),
                                                DeployedMethod {
                                                    authorization_type: m
                                                        .authorization_type()
                                                        .map(str::to_owned),
                                                    api_key_required: m.api_key_required(),
                                                },
                                            )
                                        })
                                        .collect();
                                    (path.clone(), verbs)
                                })
                                .collect()
                        }),
                    },
                )
                .await;
            (deployment_id, deployment)
        }))
        .await
        .into_iter()
        .collect();
    for stage in &mut stages {
        stage.deployment = Some(match stage.deployment_id.as_deref() {
            Some(id) if !id.is_empty() => read.get(id).cloned().unwrap_or_else(|| {
                Attr::Known(RestApiDeployment {
                    id: id.to_owned(),
                    created: None,
                    api_summary: None,
                })
            }),
            // A stage with no deployment serves nothing.
            _ => Attr::Known(RestApiDeployment {
                id: String::new(),
                created: None,
                api_summary: Some(Default::default()),
            }),
        });
    }
    stages
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

/// Throttle limits as AWS sends them: an absent `burstLimit` / `rateLimit` (or
/// `throttlingBurstLimit` / `throttlingRateLimit`) is "not set", which the SDK alone would read
/// as 0. Response bodies shaped as in the API Gateway API reference (API_GetStages,
/// API_GetUsagePlans, API_GetAccount: https://docs.aws.amazon.com/apigateway/latest/api/).
#[cfg(test)]
mod throttles {
    use super::*;
    use crate::collect::Fingerprinter;
    use aws_sdk_apigateway::config::retry::RetryConfig;
    use aws_sdk_apigateway::operation::get_api_keys::GetApiKeysOutput;
    use aws_sdk_apigateway::operation::get_authorizers::GetAuthorizersOutput;
    use aws_sdk_apigateway::operation::get_domain_names::GetDomainNamesOutput;
    use aws_sdk_apigateway::operation::get_resources::GetResourcesOutput;
    use aws_sdk_apigateway::operation::get_rest_apis::GetRestApisOutput;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    pub(super) fn json(body: &'static str) -> HttpResponse {
        let mut response = HttpResponse::new(
            StatusCode::try_from(200).unwrap_or_else(|_| unreachable!()),
            SdkBody::from(body),
        );
        response
            .headers_mut()
            .insert("Content-Type", "application/json");
        response
    }

    const STAGES: &str = r#"{"item":[{"deploymentId":"dep1","stageName":"prod",
        "methodSettings":{
          "*/*":{"metricsEnabled":true,"loggingLevel":"INFO","dataTraceEnabled":false,"cachingEnabled":false,"cacheTtlInSeconds":300,"cacheDataEncrypted":false,"requireAuthorizationForCacheControl":true,"unauthorizedCacheControlHeaderStrategy":"SUCCEED_WITH_RESPONSE_HEADER"},
          "~1pets/GET":{"metricsEnabled":false,"throttlingRateLimit":0.0},
          "~1orders/POST":{"throttlingBurstLimit":20,"throttlingRateLimit":10.5}}}]}"#;
    const PLANS: &str = r#"{"item":[
        {"id":"plan-rate","name":"rate only","throttle":{"rateLimit":10.0},
         "apiStages":[{"apiId":"a1","stage":"prod","throttle":{"/pets/GET":{"burstLimit":5}}}]},
        {"id":"plan-empty","name":"empty throttle","throttle":{},"apiStages":[{"apiId":"a1","stage":"prod"}]},
        {"id":"plan-none","name":"no throttle","quota":{"limit":1000,"offset":0,"period":"DAY"},"apiStages":[]}]}"#;
    const ACCOUNT: &str = r#"{"cloudwatchRoleArn":"arn:aws:iam::111122223333:role/apigw-logs","throttleSettings":{"burstLimit":5000,"rateLimit":10000.0},"features":["UsagePlans"],"apiKeyVersion":"4"}"#;

    #[tokio::test]
    async fn absent_throttle_fields_are_none_not_zero() {
        let apis = mock!(aws_sdk_apigateway::Client::get_rest_apis).then_output(|| {
            GetRestApisOutput::builder()
                .items(SdkRestApi::builder().id("a1").name("pets").build())
                .build()
        });
        let stages =
            mock!(aws_sdk_apigateway::Client::get_stages).then_http_response(|| json(STAGES));
        let plans =
            mock!(aws_sdk_apigateway::Client::get_usage_plans).then_http_response(|| json(PLANS));
        let account =
            mock!(aws_sdk_apigateway::Client::get_account).then_http_response(|| json(ACCOUNT));
        let resources = mock!(aws_sdk_apigateway::Client::get_resources)
            .then_output(|| GetResourcesOutput::builder().build());
        let authorizers = mock!(aws_sdk_apigateway::Client::get_authorizers)
            .then_output(|| GetAuthorizersOutput::builder().build());
        let keys = mock!(aws_sdk_apigateway::Client::get_api_keys)
            .then_output(|| GetApiKeysOutput::builder().build());
        let domains = mock!(aws_sdk_apigateway::Client::get_domain_names)
            .then_output(|| GetDomainNamesOutput::builder().build());
        let deployment = mock!(aws_sdk_apigateway::Client::get_deployment).then_output(|| {
            aws_sdk_apigateway::operation::get_deployment::GetDeploymentOutput::builder()
                .id("dep1")
                .build()
        });
        let client = mock_client!(
            aws_sdk_apigateway,
            RuleMode::MatchAny,
            &[
                &apis,
                &stages,
                &deployment,
                &plans,
                &account,
                &resources,
                &authorizers,
                &keys,
                &domains
            ],
            |b| b.retry_config(RetryConfig::disabled())
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let rest = collect(&cx, &client, "us-east-1", "aws").await;

        let apis = rest.rest_apis.known().unwrap_or_else(|| panic!("no APIs"));
        let stages = apis[0]
            .stages
            .known()
            .unwrap_or_else(|| panic!("no stages"));
        let settings = &stages[0].method_settings;
        let all = &settings["*/*"];
        assert_eq!(
            (all.throttling_burst_limit, all.throttling_rate_limit),
            (None, None),
            "no throttle fields: not set, the account's limits apply"
        );
        assert!(all.metrics_enabled && all.logging_level.as_deref() == Some("INFO"));
        let pets = &settings["~1pets/GET"];
        assert_eq!(
            (pets.throttling_burst_limit, pets.throttling_rate_limit),
            (None, Some(0.0)),
            "an explicit 0 stays 0, the absent burst stays unset"
        );
        let orders = &settings["~1orders/POST"];
        assert_eq!(
            (orders.throttling_burst_limit, orders.throttling_rate_limit),
            (Some(20), Some(10.5))
        );

        let plans = rest
            .usage_plans
            .known()
            .unwrap_or_else(|| panic!("no plans"));
        let plan = |id: &str| {
            plans
                .iter()
                .find(|p| p.id == id)
                .unwrap_or_else(|| panic!("{id} not in {plans:?}"))
        };
        assert_eq!(
            plan("plan-rate").throttle,
            Some(Throttle {
                burst_limit: None,
                rate_limit: Some(10.0)
            })
        );
        assert_eq!(
            plan("plan-rate").api_stages[0].throttle["/pets/GET"],
            Throttle {
                burst_limit: Some(5),
                rate_limit: None
            }
        );
        assert_eq!(
            plan("plan-empty").throttle,
            None,
            "an empty throttle object limits nothing"
        );
        assert_eq!(plan("plan-none").throttle, None);

        let account = rest.account.known().unwrap_or_else(|| panic!("no account"));
        assert_eq!(
            account.throttle,
            Some(Throttle {
                burst_limit: Some(5000),
                rate_limit: Some(10000.0)
            })
        );
        assert!(cx.take_gaps().is_empty());
    }

    /// Each stage gets the deployment it serves, read once per deployment with
    /// `embed=apisummary`. Bodies shaped as API_GetStages and API_GetDeployment show them
    /// (https://docs.aws.amazon.com/apigateway/latest/api/API_GetDeployment.html).
    #[tokio::test]
    async fn stages_get_the_deployment_they_serve() {
        use aws_sdk_apigateway::operation::get_account::GetAccountOutput;
        use aws_sdk_apigateway::operation::get_deployment::GetDeploymentError;
        use aws_sdk_apigateway::operation::get_usage_plans::GetUsagePlansOutput;
        use aws_smithy_types::error::ErrorMetadata;
        let apis = mock!(aws_sdk_apigateway::Client::get_rest_apis).then_output(|| {
            GetRestApisOutput::builder()
                .items(SdkRestApi::builder().id("a1").name("pets").build())
                .build()
        });
        let stages = mock!(aws_sdk_apigateway::Client::get_stages).then_http_response(|| {
            json(
                r#"{"item":[{"stageName":"prod","deploymentId":"dep1"},{"stageName":"beta","deploymentId":"dep1"},{"stageName":"old","deploymentId":"dep0"}]}"#,
            )
        });
        let deployed = mock!(aws_sdk_apigateway::Client::get_deployment)
            .match_requests(|r| {
                r.deployment_id() == Some("dep1") && r.embed() == ["apisummary".to_owned()]
            })
            .then_http_response(|| {
                json(
                    r#"{"id":"dep1","description":"first","createdDate":1700000000,"apiSummary":{"/":{"GET":{"authorizationType":"AWS_IAM","apiKeyRequired":false}},"/pets":{"GET":{"authorizationType":"NONE","apiKeyRequired":true},"POST":{"authorizationType":"NONE"}}}}"#,
                )
            });
        let denied = mock!(aws_sdk_apigateway::Client::get_deployment)
            .match_requests(|r| r.deployment_id() == Some("dep0"))
            .then_error(|| {
                GetDeploymentError::generic(
                    ErrorMetadata::builder()
                        .code("AccessDeniedException")
                        .message("not allowed")
                        .build(),
                )
            });
        let resources = mock!(aws_sdk_apigateway::Client::get_resources)
            .then_output(|| GetResourcesOutput::builder().build());
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
                &apis,
                &stages,
                &deployed,
                &denied,
                &resources,
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
        let apis = rest.rest_apis.known().unwrap_or_else(|| panic!("no APIs"));
        let stages = apis[0]
            .stages
            .known()
            .unwrap_or_else(|| panic!("no stages"));
        assert_eq!(deployed.num_calls(), 1, "one read per deployment");
        let deployment = |name: &str| {
            stages
                .iter()
                .find(|s| s.name == name)
                .and_then(|s| s.deployment.clone())
                .unwrap_or_else(|| panic!("{name}"))
        };
        let prod = deployment("prod");
        let summary = prod
            .known()
            .and_then(|d| d.api_summary.as_ref())
            .unwrap_or_else(|| panic!("{prod:?}"));
        let pets = &summary["/pets"];
        assert_eq!(pets["GET"].authorization_type.as_deref(), Some("NONE"));
        assert!(pets["GET"].api_key_required);
        assert!(!pets["POST"].api_key_required);
        assert_eq!(
            summary["/"]["GET"].authorization_type.as_deref(),
            Some("AWS_IAM")
        );
        assert_eq!(deployment("beta"), prod, "stages share a deployment");
        let old = deployment("old");
        let gap = old.gap().unwrap_or_else(|| panic!("{old:?}"));
        assert_eq!(gap.operation, "GetDeployment");
        assert_eq!(
            gap.resource.as_deref(),
            Some("arn:aws:apigateway:us-east-1::/restapis/a1/deployments/dep0")
        );
    }

    /// Each custom domain with the REST API stages mapped to it, as API_GetDomainNames and
    /// API_GetBasePathMappings show them
    /// (https://docs.aws.amazon.com/apigateway/latest/api/API_GetBasePathMappings.html).
    #[tokio::test]
    async fn domains_carry_their_base_path_mappings() {
        use aws_sdk_apigateway::operation::get_account::GetAccountOutput;
        use aws_sdk_apigateway::operation::get_base_path_mappings::GetBasePathMappingsError;
        use aws_sdk_apigateway::operation::get_usage_plans::GetUsagePlansOutput;
        use aws_smithy_types::error::ErrorMetadata;
        let apis = mock!(aws_sdk_apigateway::Client::get_rest_apis)
            .then_output(|| GetRestApisOutput::builder().build());
        let domains = mock!(aws_sdk_apigateway::Client::get_domain_names).then_http_response(|| {
            json(
                r#"{"item":[{"domainName":"api.example.com","regionalCertificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/a","regionalDomainName":"d-abc.execute-api.us-east-1.amazonaws.com","endpointConfiguration":{"types":["REGIONAL"]},"securityPolicy":"TLS_1_2","domainNameStatus":"AVAILABLE"},{"domainName":"locked.example.com","endpointConfiguration":{"types":["EDGE"]},"securityPolicy":"TLS_1_0"}]}"#,
            )
        });
        let mappings = mock!(aws_sdk_apigateway::Client::get_base_path_mappings)
            .match_requests(|r| r.domain_name() == Some("api.example.com"))
            .then_http_response(|| {
                json(
                    r#"{"item":[{"basePath":"(none)","restApiId":"a1b2c3","stage":"prod"},{"basePath":"v2","restApiId":"d4e5f6","stage":"live"}]}"#,
                )
            });
        let denied = mock!(aws_sdk_apigateway::Client::get_base_path_mappings)
            .match_requests(|r| r.domain_name() == Some("locked.example.com"))
            .then_error(|| {
                GetBasePathMappingsError::generic(
                    ErrorMetadata::builder()
                        .code("AccessDeniedException")
                        .message("not allowed")
                        .build(),
                )
            });
        let plans = mock!(aws_sdk_apigateway::Client::get_usage_plans)
            .then_output(|| GetUsagePlansOutput::builder().build());
        let keys = mock!(aws_sdk_apigateway::Client::get_api_keys)
            .then_output(|| GetApiKeysOutput::builder().build());
        let account = mock!(aws_sdk_apigateway::Client::get_account)
            .then_output(|| GetAccountOutput::builder().build());
        let client = mock_client!(
            aws_sdk_apigateway,
            RuleMode::MatchAny,
            &[&apis, &domains, &mappings, &denied, &plans, &keys, &account],
            |b| b.retry_config(RetryConfig::disabled())
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let rest = collect(&cx, &client, "us-east-1", "aws").await;
        let domains = rest
            .domain_names
            .known()
            .unwrap_or_else(|| panic!("{:?}", rest.domain_names));
        let api = &domains[0];
        assert_eq!(
            api.arn,
            "arn:aws:apigateway:us-east-1::/domainnames/api.example.com"
        );
        let read = api
            .base_path_mappings
            .known()
            .unwrap_or_else(|| panic!("{:?}", api.base_path_mappings));
        assert_eq!(
            read.iter()
                .map(|m| (
                    m.base_path.as_str(),
                    m.rest_api_id.as_str(),
                    m.stage.as_deref()
                ))
                .collect::<Vec<_>>(),
            [
                ("(none)", "a1b2c3", Some("prod")),
                ("v2", "d4e5f6", Some("live"))
            ]
        );
        let locked = &domains[1];
        assert_eq!(locked.security_policy.as_deref(), Some("TLS_1_0"));
        let gap = locked
            .base_path_mappings
            .gap()
            .unwrap_or_else(|| panic!("unread mappings are a gap"));
        assert_eq!(gap.operation, "GetBasePathMappings");
    }
}

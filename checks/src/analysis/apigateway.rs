//! API Gateway as the checks and the attack paths see it: what a stage serves (its
//! deployment, or the draft), which methods are open, and the throttling rules they agree on
//! (stage, method, account default, usage plans).

use crate::context::Context;
use crate::model::{
    ApiGatewayAccount, Attr, DeployedMethod, Gap, HttpApi, RegionInventory, RestApi, RestApiStage,
    Throttle,
};

pub(crate) fn is_private(api: &RestApi) -> bool {
    api.endpoint_types.iter().any(|t| t == "PRIVATE")
}

pub(crate) fn is_websocket(api: &HttpApi) -> bool {
    api.protocol_type.as_deref() == Some("WEBSOCKET")
}

/// A stage throttles when its stage-wide (`*/*`) method setting limits below the account's
/// default; an entry equal to the defaults (what some endpoints fill in) limits nothing. The
/// account's defaults come from `GetAccount`: when it could not be read, a stage that has a
/// setting cannot be judged (the gap), never compared with an assumed default.
pub(crate) fn stage_throttle<'a>(
    stage: &RestApiStage,
    account: &'a Attr<ApiGatewayAccount>,
) -> Result<Option<Throttle>, &'a crate::model::Gap> {
    method_throttle(stage, None, account)
}

/// The key of one method's override in a stage's method settings: the resource path with
/// each `/` escaped as `~1`, then the verb (`/pets/{id}` GET is `~1pets~1{id}/GET`).
pub(crate) fn method_setting_key(path: &str, verb: &str) -> String {
    format!("{}/{verb}", path.replace('/', "~1"))
}

/// The throttle one method gets on a stage: each limit its own override sets, else the
/// stage-wide one, else the account's default (an absent limit is "not set", never 0). `None`
/// when nothing limits it below the account's default; the gap when that default is unread.
pub(crate) fn method_throttle<'a>(
    stage: &RestApiStage,
    method: Option<(&str, &str)>,
    account: &'a Attr<ApiGatewayAccount>,
) -> Result<Option<Throttle>, &'a crate::model::Gap> {
    let own = method.and_then(|(path, verb)| {
        stage
            .method_settings
            .get(&method_setting_key(path, verb))
            .or_else(|| {
                stage
                    .method_settings
                    .get(&format!("{}/{verb}", path.trim_start_matches('/')))
            })
    });
    let wide = stage.method_settings.get("*/*");
    let burst = own
        .and_then(|m| m.throttling_burst_limit)
        .or_else(|| wide.and_then(|m| m.throttling_burst_limit));
    let rate = own
        .and_then(|m| m.throttling_rate_limit)
        .or_else(|| wide.and_then(|m| m.throttling_rate_limit));
    if burst.is_none() && rate.is_none() {
        return Ok(None);
    }
    let defaults = match account {
        Attr::Known(a) => a.throttle.clone().unwrap_or(Throttle {
            burst_limit: None,
            rate_limit: None,
        }),
        Attr::Unavailable(gap) => return Err(gap),
    };
    let rate_limited = match (rate, defaults.rate_limit) {
        (Some(rate), Some(default)) => rate >= 0.0 && rate < default,
        (Some(rate), None) => rate >= 0.0,
        _ => false,
    };
    let burst_limited = match (burst, defaults.burst_limit) {
        (Some(burst), Some(default)) => burst >= 0 && burst < default,
        (Some(burst), None) => burst >= 0,
        _ => false,
    };
    Ok((rate_limited || burst_limited).then_some(Throttle {
        burst_limit: burst,
        rate_limit: rate,
    }))
}

/// Whether a usage plan's throttle limits anything: a throttle object with neither limit set
/// (what an absent `rateLimit` and `burstLimit` are) does not.
pub(crate) fn plan_throttles(plan: &crate::model::UsagePlan) -> bool {
    plan.throttle
        .as_ref()
        .is_some_and(|t| t.burst_limit.is_some() || t.rate_limit.is_some())
}

/// Usage plans of the region that cover this stage. None found in a partly read listing is
/// not "none": the gap.
pub(crate) fn usage_plans_for<'a>(
    cx: &Context<'a>,
    region: &'a RegionInventory,
    api: &RestApi,
    stage: &RestApiStage,
) -> Result<Vec<&'a crate::model::UsagePlan>, &'a crate::model::Gap> {
    match &region.usage_plans {
        Attr::Unavailable(gap) => Err(gap),
        Attr::Known(plans) => {
            let covering: Vec<_> = plans
                .iter()
                .filter(|p| {
                    p.api_stages
                        .iter()
                        .any(|s| s.api_id == api.id && s.stage == stage.name)
                })
                .collect();
            match cx
                .inventory
                .listing_gap(&crate::model::listing::USAGE_PLANS, Some(&region.region))
            {
                Some(gap) if covering.is_empty() => Err(gap),
                _ => Ok(covering),
            }
        }
    }
}

/// The keyless methods a stage serves (`VERB /path`, CORS preflight excluded): a usage plan's
/// throttle applies only to requests that carry an API key, so it leaves these unthrottled
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
/// What is served is the stage's deployment; the draft stands in only where the deployment's
/// summary is not in the inventory.
pub(crate) fn keyless_methods<'a>(
    api: &'a RestApi,
    stage: &'a RestApiStage,
) -> Result<Vec<String>, &'a crate::model::Gap> {
    match &stage.deployment {
        Some(Attr::Unavailable(gap)) => return Err(gap),
        Some(Attr::Known(deployment)) => {
            if let Some(summary) = &deployment.api_summary {
                return Ok(summary
                    .iter()
                    .flat_map(|(path, verbs)| {
                        verbs
                            .iter()
                            .filter(|(verb, m)| !m.api_key_required && verb.as_str() != "OPTIONS")
                            .map(move |(verb, _)| format!("{verb} {path}"))
                    })
                    .collect());
            }
        }
        None => {}
    }
    match &api.resources {
        Attr::Unavailable(gap) => Err(gap),
        Attr::Known(resources) => Ok(resources
            .iter()
            .flat_map(|r| {
                r.methods
                    .iter()
                    .filter(|m| !m.api_key_required && m.http_method != "OPTIONS")
                    .map(move |m| format!("{} {}", m.http_method, r.path))
            })
            .collect()),
    }
}

/// How one stage serves a method of the API (by path and verb).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Served<'a> {
    /// The stage's deployment has the method, with this authorization.
    Deployed(&'a DeployedMethod),
    /// The stage's deployment does not have it: the method exists only in the draft.
    NotDeployed,
    /// The deployment's summary is not in the inventory (an older inventory, or an endpoint
    /// that returns deployments without it): the draft stands in for what is served.
    AsDraft,
    /// The deployment could not be read.
    Unread(&'a Gap),
}

/// What `stage` serves for `verb path`.
pub(crate) fn served<'a>(stage: &'a RestApiStage, path: &str, verb: &str) -> Served<'a> {
    match &stage.deployment {
        None => Served::AsDraft,
        Some(Attr::Unavailable(gap)) => Served::Unread(gap),
        Some(Attr::Known(deployment)) => match &deployment.api_summary {
            None => Served::AsDraft,
            Some(summary) => match summary.get(path).and_then(|verbs| verbs.get(verb)) {
                Some(method) => Served::Deployed(method),
                None => Served::NotDeployed,
            },
        },
    }
}

/// A deployed method with no authorization (an API key alone is not one).
pub(crate) fn deployed_open(method: &DeployedMethod) -> bool {
    method.authorization_type.as_deref().unwrap_or("NONE") == "NONE"
}

/// Methods a stage serves that the draft no longer has (deleted after the deployment): still
/// reachable until the next deployment. `(path, verb, method)`.
pub(crate) fn deployed_only<'a>(
    api: &RestApi,
    stage: &'a RestApiStage,
) -> Vec<(&'a str, &'a str, &'a DeployedMethod)> {
    let Some(Attr::Known(deployment)) = &stage.deployment else {
        return Vec::new();
    };
    let Some(summary) = &deployment.api_summary else {
        return Vec::new();
    };
    let Attr::Known(resources) = &api.resources else {
        return Vec::new();
    };
    summary
        .iter()
        .flat_map(|(path, verbs)| {
            verbs
                .iter()
                .map(move |(verb, m)| (path.as_str(), verb.as_str(), m))
        })
        .filter(|(path, verb, _)| {
            !resources
                .iter()
                .any(|r| r.path == *path && r.methods.iter().any(|m| m.http_method == *verb))
        })
        .collect()
}

pub(crate) fn throttle_text(t: &Throttle) -> String {
    format!(
        "rate {} / burst {}",
        t.rate_limit
            .map_or_else(|| "-".to_owned(), |r| r.to_string()),
        t.burst_limit
            .map_or_else(|| "-".to_owned(), |b| b.to_string())
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::MethodSetting;

    fn setting(burst: Option<i32>, rate: Option<f64>) -> MethodSetting {
        MethodSetting {
            throttling_burst_limit: burst,
            throttling_rate_limit: rate,
            caching_enabled: false,
            cache_data_encrypted: false,
            cache_ttl_seconds: None,
            logging_level: None,
            metrics_enabled: false,
            data_trace_enabled: false,
            require_authorization_for_cache_control: false,
        }
    }

    fn stage(settings: &[(&str, MethodSetting)]) -> RestApiStage {
        serde_json::from_value::<RestApiStage>(serde_json::json!({
            "name": "prod", "arn": "arn:aws:apigateway:us-east-1::/restapis/a/stages/prod",
            "deployment_id": "d1", "cache_cluster_enabled": false, "cache_cluster_size": null,
            "tracing_enabled": false, "web_acl_arn": null, "client_certificate_id": null,
            "access_log": null, "method_settings": {}, "variables": [], "tags": {},
            "created": null, "last_updated": null
        }))
        .map(|mut s| {
            s.method_settings = settings
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect();
            s
        })
        .unwrap()
    }

    fn account() -> Attr<ApiGatewayAccount> {
        Attr::Known(ApiGatewayAccount {
            throttle: Some(Throttle {
                burst_limit: Some(5000),
                rate_limit: Some(10000.0),
            }),
            cloudwatch_role_arn: None,
        })
    }

    #[test]
    fn an_absent_limit_falls_back_to_the_stage_then_the_account() {
        let account = account();
        // Logging only: no limit set anywhere, the account's default applies.
        let logging = stage(&[("*/*", setting(None, None))]);
        assert_eq!(stage_throttle(&logging, &account), Ok(None));
        // The method override sets only a rate; its burst comes from the stage.
        let mixed = stage(&[
            ("*/*", setting(Some(100), None)),
            ("~1pets/GET", setting(None, Some(5.0))),
        ]);
        assert_eq!(
            method_throttle(&mixed, Some(("/pets", "GET")), &account),
            Ok(Some(Throttle {
                burst_limit: Some(100),
                rate_limit: Some(5.0)
            }))
        );
        // Another method gets the stage's burst only.
        assert_eq!(
            method_throttle(&mixed, Some(("/orders", "GET")), &account),
            Ok(Some(Throttle {
                burst_limit: Some(100),
                rate_limit: None
            }))
        );
        // An override of the root resource.
        let root = stage(&[("~1/GET", setting(None, Some(1.0)))]);
        assert!(
            method_throttle(&root, Some(("/", "GET")), &account)
                .unwrap()
                .is_some()
        );
        assert_eq!(stage_throttle(&root, &account), Ok(None));
    }
}

//! Iteration shared by the API Gateway checks, and the throttling rules they agree on.

use crate::check::*;
use crate::context::Context;
use crate::model::{
    ApiGatewayAccount, Attr, HttpApi, HttpApiStage, RegionInventory, RestApi, RestApiStage,
    Throttle,
};

pub(crate) fn is_private(api: &RestApi) -> bool {
    api.endpoint_types.iter().any(|t| t == "PRIVATE")
}

/// One result per REST stage (`judge` may skip a stage with `None`).
pub(crate) fn each_rest_stage<'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    judge: impl Fn(
        &'a RegionInventory,
        &'a RestApi,
        &'a RestApiStage,
        ResourceRef,
    ) -> Option<CheckResult>,
) -> Vec<CheckResult> {
    crate::walk::rest_stages(cx, meta, judge)
}

/// One result per HTTP API stage.
pub(crate) fn each_http_stage<'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    judge: impl Fn(&'a HttpApi, &'a HttpApiStage, ResourceRef) -> CheckResult,
) -> Vec<CheckResult> {
    crate::walk::http_stages(cx, meta, judge)
}

/// A stage throttles when its stage-wide (`*/*`) method setting limits below the account's
/// default; an entry equal to the defaults (what some endpoints fill in) limits nothing. The
/// account's defaults come from `GetAccount`: when it could not be read, a stage that has a
/// setting cannot be judged (the gap), never compared with an assumed default.
pub(crate) fn stage_throttle<'a>(
    stage: &RestApiStage,
    account: &'a Attr<ApiGatewayAccount>,
) -> Result<Option<Throttle>, &'a crate::model::Gap> {
    let Some(setting) = stage.method_settings.get("*/*") else {
        return Ok(None);
    };
    if setting.throttling_rate_limit.is_none() && setting.throttling_burst_limit.is_none() {
        return Ok(None);
    }
    let defaults = match account {
        Attr::Known(a) => a.throttle.clone().unwrap_or(Throttle {
            burst_limit: None,
            rate_limit: None,
        }),
        Attr::Unavailable(gap) => return Err(gap),
    };
    let rate_limited = match (setting.throttling_rate_limit, defaults.rate_limit) {
        (Some(rate), Some(default)) => rate >= 0.0 && rate < default,
        (Some(rate), None) => rate >= 0.0,
        _ => false,
    };
    let burst_limited = match (setting.throttling_burst_limit, defaults.burst_limit) {
        (Some(burst), Some(default)) => burst >= 0 && burst < default,
        (Some(burst), None) => burst >= 0,
        _ => false,
    };
    Ok((rate_limited || burst_limited).then_some(Throttle {
        burst_limit: setting.throttling_burst_limit,
        rate_limit: setting.throttling_rate_limit,
    }))
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

/// The keyless methods of an API (`VERB /path`, CORS preflight excluded): a usage plan's
/// throttle applies only to requests that carry an API key, so it leaves these unthrottled
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
pub(crate) fn keyless_methods(api: &RestApi) -> Result<Vec<String>, &crate::model::Gap> {
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

pub(crate) fn throttle_text(t: &Throttle) -> String {
    format!(
        "rate {} / burst {}",
        t.rate_limit
            .map_or_else(|| "-".to_owned(), |r| r.to_string()),
        t.burst_limit
            .map_or_else(|| "-".to_owned(), |b| b.to_string())
    )
}

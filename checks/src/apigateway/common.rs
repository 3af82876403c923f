//! Iteration shared by the API Gateway checks, and the throttling rules they agree on.

use crate::check::*;
use crate::context::Context;
use crate::model::{
    ApiGatewayAccount, Attr, HttpApi, HttpApiStage, RegionInventory, RestApi, RestApiStage,
    Throttle,
};

/// The account-level default REST throttle when GetAccount is unreadable (AWS's documented one).
pub(crate) const AWS_DEFAULT_THROTTLE: Throttle = Throttle {
    burst_limit: Some(5000),
    rate_limit: Some(10000.0),
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
/// default; an entry equal to the defaults (what some endpoints fill in) limits nothing.
pub(crate) fn stage_throttle(
    stage: &RestApiStage,
    account: &Attr<ApiGatewayAccount>,
) -> Option<Throttle> {
    let setting = stage.method_settings.get("*/*")?;
    let defaults = account
        .known()
        .and_then(|a| a.throttle.clone())
        .unwrap_or(AWS_DEFAULT_THROTTLE);
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
    (rate_limited || burst_limited).then_some(Throttle {
        burst_limit: setting.throttling_burst_limit,
        rate_limit: setting.throttling_rate_limit,
    })
}

/// Usage plans of the region that cover this stage.
pub(crate) fn usage_plans_for<'a>(
    region: &'a RegionInventory,
    api: &RestApi,
    stage: &RestApiStage,
) -> Result<Vec<&'a crate::model::UsagePlan>, &'a crate::model::Gap> {
    match &region.usage_plans {
        Attr::Unavailable(gap) => Err(gap),
        Attr::Known(plans) => Ok(plans
            .iter()
            .filter(|p| {
                p.api_stages
                    .iter()
                    .any(|s| s.api_id == api.id && s.stage == stage.name)
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

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

pub(crate) fn region_unknown(
    cx: &Context<'_>,
    meta: &CheckMeta,
    region: &RegionInventory,
    gap: &crate::model::Gap,
) -> CheckResult {
    let account = cx.account();
    meta.unknown_gap(
        cx.resource(
            ResourceKind::Account,
            &format!("arn:aws:apigateway:{}::/restapis", region.region),
            account,
            &region.region,
        ),
        gap,
    )
}

/// The results `judge` gives for every API of one kind (`apis_of` picks REST or HTTP); a region
/// whose API list could not be read gives one unknown instead.
pub(crate) fn each_api<'a, A: 'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    apis_of: impl Fn(&'a RegionInventory) -> &'a Attr<Vec<A>>,
    judge: impl Fn(&'a RegionInventory, &'a A) -> Vec<CheckResult>,
) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for region in &cx.inventory.regions {
        match apis_of(region) {
            Attr::Unavailable(gap) => out.push(region_unknown(cx, meta, region, gap)),
            Attr::Known(apis) => {
                for api in apis {
                    out.extend(judge(region, api));
                }
            }
        }
    }
    out
}

/// One result per REST stage (`judge` may skip a stage with `None`).
pub(crate) fn each_rest_stage(
    cx: &Context<'_>,
    meta: &CheckMeta,
    judge: impl Fn(&RegionInventory, &RestApi, &RestApiStage, ResourceRef) -> Option<CheckResult>,
) -> Vec<CheckResult> {
    each_api(
        cx,
        meta,
        |region| &region.rest_apis,
        |region, api| match &api.stages {
            Attr::Unavailable(gap) => vec![meta.unknown_gap(
                cx.resource(
                    ResourceKind::RestApiStage,
                    &format!("{}/stages/*", api.arn),
                    &api.name,
                    &api.region,
                ),
                gap,
            )],
            Attr::Known(stages) => stages
                .iter()
                .filter_map(|stage| {
                    let resource = cx.resource(
                        ResourceKind::RestApiStage,
                        &stage.arn,
                        &format!("{}/{}", api.name, stage.name),
                        &api.region,
                    );
                    judge(region, api, stage, resource)
                })
                .collect(),
        },
    )
}

/// One result per HTTP API stage.
pub(crate) fn each_http_stage(
    cx: &Context<'_>,
    meta: &CheckMeta,
    judge: impl Fn(&HttpApi, &HttpApiStage, ResourceRef) -> CheckResult,
) -> Vec<CheckResult> {
    each_api(
        cx,
        meta,
        |region| &region.http_apis,
        |_, api| match &api.stages {
            Attr::Unavailable(gap) => vec![meta.unknown_gap(
                cx.resource(
                    ResourceKind::HttpApiStage,
                    &format!("{}/stages/*", api.arn),
                    &api.name,
                    &api.region,
                ),
                gap,
            )],
            Attr::Known(stages) => stages
                .iter()
                .map(|stage| {
                    let resource = cx.resource(
                        ResourceKind::HttpApiStage,
                        &stage.arn,
                        &format!("{}/{}", api.name, stage.name),
                        &api.region,
                    );
                    judge(api, stage, resource)
                })
                .collect(),
        },
    )
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

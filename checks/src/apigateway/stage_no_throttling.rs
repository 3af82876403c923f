use super::common::each_rest_stage;
use crate::analysis::apigateway::{
    keyless_methods, plan_throttles, stage_throttle, throttle_text, usage_plans_for,
};
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-stage-no-throttling",
        title: "REST API stage has no throttling below the account default",
        severity: Severity::Medium,
        category: Category::Concurrency,
        resource_kind: ResourceKind::RestApiStage,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html",
        ],
        compliance: &[nist("SC-5")],
        docs: include_str!("stage_no_throttling.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_rest_stage(cx, meta, |region, api, stage, resource| {
        let account_gap = match stage_throttle(stage, &region.apigateway_account) {
            Ok(Some(t)) => {
                return Some(
                    meta.pass_with_note(resource, format!("stage throttle {}", throttle_text(&t))),
                );
            }
            Ok(None) => None,
            // The stage sets a throttle, but whether it is below the account's default is
            // unknown: a usage plan may still settle it.
            Err(gap) => Some(gap),
        };
        Some(match usage_plans_for(cx, region, api, stage) {
            Err(gap) => meta.unknown_gap(resource, gap),
            Ok(plans) => match plans.iter().copied().find(|p| plan_throttles(p)) {
                // A usage plan throttles only requests that carry an API key.
                Some(plan) => match keyless_methods(api, stage) {
                    Err(gap) => meta.unknown(
                        resource,
                        format!(
                            "usage plan {} throttles API-key requests, and whether {} has keyless methods is unknown",
                            plan.id, api.name
                        ),
                        Some(gap),
                    ),
                    Ok(keyless) if keyless.is_empty() => meta.pass_with_note(
                        resource,
                        format!("usage plan {} throttles it (every method requires an API key)", plan.id),
                    ),
                    Ok(keyless) => meta.fail_one(
                        resource,
                        format!(
                            "stage {} of {}: usage plan {} throttles only requests with an API key; {} keyless method(s) are limited only by the account-wide default",
                            stage.name,
                            api.name,
                            plan.id,
                            keyless.len()
                        ),
                        keyless
                            .iter()
                            .take(10)
                            .map(|m| evidence("keyless_method", m))
                            .chain([evidence("usage_plan", &plan.id)])
                            .collect(),
                    ),
                },
                None if account_gap.is_some() => meta.unknown(
                    resource,
                    "the stage sets a throttle, but the account's default it must be below could not be read",
                    account_gap,
                ),
                None => meta.fail_one(
                    resource,
                    format!(
                        "stage {} of {} is limited only by the account-wide default throttle",
                        stage.name, api.name
                    ),
                    vec![
                        evidence(
                            "method_settings.*/*.throttling",
                            "none below the account default",
                        ),
                        evidence("usage_plans.throttle", "none"),
                    ],
                ),
            },
        })
    })
}

use super::common::{each_rest_stage, stage_throttle, throttle_text, usage_plans_for};
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
        if let Some(t) = stage_throttle(stage, &region.apigateway_account) {
            return Some(
                meta.pass_with_note(resource, format!("stage throttle {}", throttle_text(&t))),
            );
        }
        Some(match usage_plans_for(region, api, stage) {
            Err(gap) => meta.unknown_gap(resource, gap),
            Ok(plans) => match plans.iter().find(|p| p.throttle.is_some()) {
                Some(plan) => {
                    meta.pass_with_note(resource, format!("usage plan {} throttles it", plan.id))
                }
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

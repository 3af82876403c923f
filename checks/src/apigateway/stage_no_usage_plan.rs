use super::common::each_rest_stage;
use crate::analysis::apigateway::{is_private, usage_plans_for};
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-stage-no-usage-plan",
        title: "Public REST API stage is in no usage plan",
        severity: Severity::Low,
        category: Category::Concurrency,
        resource_kind: ResourceKind::RestApiStage,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html",
        ],
        compliance: &[nist("SC-5")],
        docs: include_str!("stage_no_usage_plan.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_rest_stage(cx, meta, |region, api, stage, resource| {
        if is_private(api) {
            return None;
        }
        Some(match usage_plans_for(cx, region, api, stage) {
            Err(gap) => meta.unknown_gap(resource, gap),
            Ok(plans) if !plans.is_empty() => {
                meta.pass_with_note(resource, format!("usage plan {}", plans[0].id))
            }
            Ok(_) => meta.fail_one(
                resource,
                format!(
                    "public stage {} of {} is in no usage plan: no per-client quota or throttle",
                    stage.name, api.name
                ),
                vec![evidence("usage_plans", "none")],
            ),
        })
    })
}

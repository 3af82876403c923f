use super::common::each_rest_stage;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-stage-tracing-disabled",
        title: "REST API stage does not trace requests with X-Ray",
        severity: Severity::Low,
        category: Category::Monitoring,
        resource_kind: ResourceKind::RestApiStage,
        references: &[
            "https://docs.aws.amazon.com/xray/latest/devguide/xray-services-apigateway.html",
        ],
        compliance: &[fsbp("APIGateway.3"), nist("AU-12")],
        docs: include_str!("stage_tracing_disabled.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_rest_stage(cx, meta, |_, api, stage, resource| {
        Some(if stage.tracing_enabled {
            meta.pass(resource)
        } else {
            meta.fail_one(
                resource,
                format!(
                    "stage {} of {} does not trace requests",
                    stage.name, api.name
                ),
                vec![evidence("tracing_enabled", "false")],
            )
        })
    })
}

use super::common::each_http_stage;
use crate::analysis::apigateway::throttle_text;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-http-stage-no-throttling",
        title: "HTTP API stage sets no default route throttling",
        severity: Severity::Medium,
        category: Category::Concurrency,
        resource_kind: ResourceKind::HttpApiStage,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html",
        ],
        compliance: &[nist("SC-5")],
        docs: include_str!("http_stage_no_throttling.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_http_stage(cx, meta, |api, stage, resource| {
        match &stage.default_route_throttle {
            Some(t) => meta.pass_with_note(
                resource,
                format!("default route throttle {}", throttle_text(t)),
            ),
            None => meta.fail_one(
                resource,
                format!(
                    "stage {} of {} has no default route throttling",
                    stage.name, api.name
                ),
                vec![evidence("default_route_throttle", "none")],
            ),
        }
    })
}

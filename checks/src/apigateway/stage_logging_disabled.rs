use super::common::{each_http_stage, each_rest_stage};
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-stage-logging-disabled",
        title: "API Gateway stage has no access logging (or, REST, no execution logging)",
        severity: Severity::Medium,
        category: Category::Monitoring,
        resource_kind: ResourceKind::RestApiStage,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
        ],
        compliance: &[
            fsbp("APIGateway.1"),
            fsbp("APIGateway.9"),
            nist("AU-2"),
            nist("AU-12"),
        ],
        docs: include_str!("stage_logging_disabled.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let mut out = each_rest_stage(cx, meta, |_, api, stage, resource| {
        let access = stage
            .access_log
            .as_ref()
            .and_then(|l| l.destination_arn.as_deref());
        let execution = stage
            .method_settings
            .get("*/*")
            .and_then(|m| m.logging_level.as_deref())
            .filter(|l| *l == "INFO" || *l == "ERROR");
        Some(match (access, execution) {
            (Some(_), Some(_)) => meta.pass(resource),
            (access, execution) => meta.fail_one(
                resource,
                format!(
                    "stage {} of {} does not log every request",
                    stage.name, api.name
                ),
                vec![
                    evidence("access_log.destination_arn", access.unwrap_or("none")),
                    evidence(
                        "method_settings.*/*.logging_level",
                        execution.unwrap_or("OFF"),
                    ),
                ],
            ),
        })
    });
    out.extend(each_http_stage(cx, meta, |api, stage, resource| {
        let resource = resource.as_kind(ResourceKind::HttpApiStage);
        match stage
            .access_log
            .as_ref()
            .and_then(|l| l.destination_arn.as_deref())
        {
            Some(_) => meta.pass(resource),
            None => meta.fail_one(
                resource,
                format!("stage {} of {} has no access logging", stage.name, api.name),
                vec![evidence("access_log.destination_arn", "none")],
            ),
        }
    }));
    out
}

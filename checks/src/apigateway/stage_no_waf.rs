use super::common::each_rest_stage;
use crate::analysis::apigateway::is_private;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-stage-no-waf",
        title: "Public API Gateway stage has no WAF web ACL",
        severity: Severity::Medium,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::RestApiStage,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html",
        ],
        compliance: &[fsbp("APIGateway.4"), nist("SC-7"), nist("SI-4")],
        docs: include_str!("stage_no_waf.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_rest_stage(cx, meta, |_, api, stage, resource| {
        if is_private(api) {
            return None;
        }
        Some(match &stage.web_acl_arn {
            Some(acl) => meta.pass_with_note(resource, format!("web ACL {acl}")),
            None => meta.fail_one(
                resource,
                format!(
                    "public stage {} of {} is not protected by a WAF web ACL",
                    stage.name, api.name
                ),
                vec![evidence("web_acl_arn", "none")],
            ),
        })
    })
}

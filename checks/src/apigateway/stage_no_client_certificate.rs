use super::common::each_rest_stage;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-stage-no-client-certificate",
        title: "API Gateway stage has no client certificate for backend authentication",
        severity: Severity::Low,
        category: Category::Encryption,
        resource_kind: ResourceKind::RestApiStage,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/getting-started-client-side-ssl-authentication.html",
        ],
        compliance: &[fsbp("APIGateway.2"), nist("SC-8"), nist("IA-9")],
        docs: include_str!("stage_no_client_certificate.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_rest_stage(cx, meta, |_, _, stage, resource| {
        Some(match &stage.client_certificate_id {
            Some(id) => meta.pass_with_note(resource, format!("client certificate {id}")),
            None => meta.fail_one(
                resource,
                format!(
                    "stage {} does not present a client certificate to its backends",
                    stage.name
                ),
                vec![evidence("client_certificate_id", "none")],
            ),
        })
    })
}

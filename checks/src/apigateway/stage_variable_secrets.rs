use super::common::each_rest_stage;
use crate::check::*;
use crate::context::Context;
use crate::model::SecretClass;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-stage-variable-secrets",
        title: "API Gateway stage variable holds a secret",
        severity: Severity::High,
        category: Category::Secrets,
        resource_kind: ResourceKind::RestApiStage,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/stage-variables.html",
        ],
        compliance: &[nist("IA-5(7)"), nist("SC-28")],
        docs: include_str!("stage_variable_secrets.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_rest_stage(cx, meta, |_, _, stage, resource| {
        let findings: Vec<Finding> = stage
            .variables
            .iter()
            .filter(|v| v.classification == SecretClass::Secret)
            .map(|v| {
                let detector = v.detector.as_deref().unwrap_or("secret");
                Finding {
                    message: format!("stage variable {} of {} looks like a secret ({detector}); its value is not shown", v.name, stage.name),
                    evidence: vec![
                        evidence("variables.name", &v.name),
                        evidence("variables.detector", detector),
                        evidence("variables.fingerprint", &v.fingerprint),
                    ],
                    related: Vec::new(),
                }
            })
            .collect();
        Some(if findings.is_empty() {
            meta.pass(resource)
        } else {
            meta.fail(resource, findings)
        })
    })
}

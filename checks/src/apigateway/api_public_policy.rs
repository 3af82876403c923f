use crate::analysis::resource_policy::document_access;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-api-public-policy",
        title: "REST API resource policy lets anyone invoke it",
        severity: Severity::High,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::RestApi,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies.html",
        ],
        compliance: &[nist("AC-3"), nist("AC-21")],
        docs: include_str!("api_public_policy.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::rest_apis(cx, meta, ResourceKind::RestApi, |_, api| {
        let resource = cx.resource(ResourceKind::RestApi, &api.arn, &api.name, &api.region);
        vec![match &api.policy {
            None => meta.pass(resource),
            Some(text) => match document_access(cx, text, &["execute-api:*"]) {
                Err(e) => meta.unknown(resource, format!("the API policy is malformed: {e}"), None),
                Ok(access) => {
                    if access.is_public() {
                        meta.fail_one(
                                resource,
                                format!("the resource policy of {} lets anyone invoke it with no restricting condition", api.name),
                                access.public_statements.iter().map(|s| evidence("policy.statement", s)).collect(),
                            )
                    } else {
                        meta.pass(resource)
                    }
                }
            },
        }]
    })
}

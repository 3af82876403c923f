use crate::analysis::invoke::each_invoke_access;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-permission-unscoped-source",
        title: "A service may invoke the Lambda function on behalf of any account (confused deputy)",
        severity: Severity::High,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::LambdaFunction,
        references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"],
        compliance: &[nist("AC-3")],
        docs: include_str!("function_permission_unscoped_source.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_invoke_access(cx, meta, |q, access, resource| match access {
        Some(access) => {
            let unscoped: Vec<&String> = access
                .services
                .iter()
                .filter(|(_, narrowed)| !narrowed)
                .map(|(s, _)| s)
                .collect();
            if unscoped.is_empty() {
                meta.pass(resource)
            } else {
                meta.fail_one(
                            resource,
                            format!(
                                "{} may be invoked by {} with no aws:SourceArn or aws:SourceAccount condition",
                                q.name(),
                                unscoped.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                            ),
                            unscoped.iter().map(|s| evidence("resource_policy.principal.service", s.as_str())).collect(),
                        )
            }
        }
        None => meta.pass(resource),
    })
}

use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-tracing-disabled",
        title: "Lambda function does not have active X-Ray tracing",
        severity: Severity::Low,
        category: Category::Monitoring,
        resource_kind: ResourceKind::LambdaFunction,
        references: &["https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html"],
        compliance: &[fsbp("Lambda.7"), nist("AU-12")],
        docs: include_str!("function_tracing_disabled.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        match f.tracing_mode.as_deref() {
            Some("Active") => meta.pass(resource),
            mode => meta.fail_one(
                resource,
                format!("{} does not trace requests with X-Ray", f.name),
                vec![evidence("tracing_mode", mode.unwrap_or("none"))],
            ),
        }
    })
}

use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-timeout-max",
        title: "Lambda function timeout is at or above the threshold",
        severity: Severity::Low,
        category: Category::Concurrency,
        resource_kind: ResourceKind::LambdaFunction,
        references: &["https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html"],
        compliance: &[nist("SC-5")],
        docs: include_str!("function_timeout_max.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let threshold = cx.options.lambda_timeout_threshold_seconds;
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        match f.timeout_seconds {
            None => meta.unknown(resource, "the timeout was not reported", None),
            Some(t) if t >= threshold => meta.fail_one(
                resource,
                format!(
                    "{} may run for {t} s per invocation (threshold {threshold} s)",
                    f.name
                ),
                vec![evidence("timeout_seconds", t.to_string())],
            ),
            Some(_) => meta.pass(resource),
        }
    })
}

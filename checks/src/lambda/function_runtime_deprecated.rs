use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-runtime-deprecated",
        title: "Lambda function runs on a deprecated (or soon deprecated) runtime",
        severity: Severity::High,
        category: Category::SupplyChain,
        resource_kind: ResourceKind::LambdaFunction,
        references: &["https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"],
        compliance: &[fsbp("Lambda.2"), nist("SI-2"), nist("SA-22")],
        docs: include_str!("function_runtime_deprecated.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let today = cx.options.now.date();
    crate::analysis::walk::functions(cx, meta, |f| {
        // Container images carry their own runtime: nothing to judge here.
        let runtime = f.runtime.as_deref()?;
        let resource = cx.function_ref(f);
        let entry = cx.options.runtimes.iter().find(|r| r.runtime == runtime);
        let Some(r) = entry else {
            return Some(meta.pass(resource));
        };
        // Reported once deprecated (high), or within the warning days before (medium).
        let (when, severity) = if r.deprecated <= today {
            ("since", meta.severity)
        } else if (r.deprecated - today).whole_days() <= cx.options.runtime_warning_days {
            ("on", Severity::Medium)
        } else {
            return Some(meta.pass(resource));
        };
        Some(
            meta.fail_one(
                resource,
                format!(
                    "{} runs on {runtime}, deprecated {when} {}",
                    f.name, r.deprecated
                ),
                vec![
                    evidence("runtime", runtime),
                    evidence("deprecated", r.deprecated.to_string()),
                    evidence("source", r.source),
                ],
            )
            .with_severity(severity),
        )
    })
}

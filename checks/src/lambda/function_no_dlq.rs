use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-no-dlq",
        title: "Lambda function has no dead-letter queue and no on-failure destination",
        severity: Severity::Low,
        category: Category::Monitoring,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
        ],
        compliance: &[nist("SI-11")],
        docs: include_str!("function_no_dlq.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        if let Some(dlq) = &f.dead_letter_target_arn {
            return meta.pass_with_note(resource, format!("dead-letter target {dlq}"));
        }
        match &f.event_invoke_configs {
                Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
                Attr::Known(configs) => match configs.iter().find_map(|c| c.on_failure_destination.as_deref()) {
                    Some(destination) => meta.pass_with_note(resource, format!("on-failure destination {destination}")),
                    None => meta.fail_one(
                        resource,
                        format!("failed asynchronous invocations of {} are dropped: no dead-letter queue or on-failure destination", f.name),
                        vec![evidence("dead_letter_target_arn", "none"), evidence("event_invoke_configs.on_failure_destination", "none")],
                    ),
                },
            }
    })
}

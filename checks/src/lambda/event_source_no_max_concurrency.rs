use crate::check::*;
use crate::context::Context;
use crate::model::{Arn, Attr};

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-event-source-no-max-concurrency",
        title: "SQS event source mapping has no maximum concurrency",
        severity: Severity::Low,
        category: Category::Concurrency,
        resource_kind: ResourceKind::EventSourceMapping,
        references: &["https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html"],
        compliance: &[nist("SC-5")],
        docs: include_str!("event_source_no_max_concurrency.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let partition = &cx.inventory.account.partition;
    crate::analysis::walk::functions(cx, meta, |f| {
        let mut out = Vec::new();
        let mappings = match &f.event_source_mappings {
            Attr::Known(m) => m,
            Attr::Unavailable(gap) => {
                out.push(meta.unknown_gap(
                    cx.resource(ResourceKind::EventSourceMapping, &f.arn, &f.name, &f.region),
                    gap,
                ));
                return out;
            }
        };
        for m in mappings.iter().filter(|m| {
            m.event_source_arn
                .as_deref()
                .is_some_and(|a| Arn::parse(a).is_ok_and(|a| a.service == "sqs"))
        }) {
            let arn = format!(
                "arn:{partition}:lambda:{}:{}:event-source-mapping:{}",
                f.region,
                cx.account(),
                m.uuid
            );
            let resource = cx.resource(
                ResourceKind::EventSourceMapping,
                &arn,
                &format!(
                    "{} <- {}",
                    f.name,
                    m.event_source_arn.as_deref().unwrap_or("?")
                ),
                &f.region,
            );
            out.push(match m.maximum_concurrency {
                Some(n) => meta.pass_with_note(resource, format!("maximum concurrency {n}")),
                None => meta.fail_one(
                    resource,
                    format!(
                        "the SQS mapping into {} can scale to the function's whole concurrency",
                        f.name
                    ),
                    vec![evidence(
                        "event_source_mappings.maximum_concurrency",
                        "none",
                    )],
                ),
            });
        }
        out
    })
}

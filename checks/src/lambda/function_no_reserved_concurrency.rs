use crate::analysis::entries::{entries, publicly_invocable};
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-no-reserved-concurrency",
        title: "Lambda function has no reserved concurrency",
        severity: Severity::Medium,
        category: Category::Concurrency,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
        ],
        compliance: &[nist("SC-5")],
        docs: include_str!("function_no_reserved_concurrency.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let entries = entries(cx);
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        match &f.reserved_concurrency {
            Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
            Attr::Known(Some(n)) => {
                meta.pass_with_note(resource, format!("reserved concurrency {n}"))
            }
            Attr::Known(None) => {
                let public = publicly_invocable(&entries, f);
                let result = meta.fail_one(
                    resource,
                    format!(
                        "{} can scale until it takes the account's whole concurrency pool{}",
                        f.name,
                        if public {
                            ", and anyone can invoke it"
                        } else {
                            ""
                        }
                    ),
                    vec![
                        evidence("reserved_concurrency", "none"),
                        evidence(
                            "publicly_invocable",
                            match (public, entries.blind_spot(f)) {
                                (true, _) => "true".to_owned(),
                                (false, None) => "false".to_owned(),
                                (false, Some(blind)) => format!("unknown ({} unread)", blind.hop),
                            },
                        ),
                    ],
                );
                if public {
                    result.with_severity(Severity::High)
                } else {
                    result
                }
            }
        }
    })
}

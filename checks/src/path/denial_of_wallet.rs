use crate::analysis::entries::{Throttled, entries};
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "path-denial-of-wallet",
        title: "An unthrottled credential-free entry reaches a function with no reserved concurrency",
        severity: Severity::High,
        category: Category::AttackPath,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
        ],
        compliance: &[nist("SC-5")],
        docs: include_str!("denial_of_wallet.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let entries = entries(cx);
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        let found = entries.of(f);
        let open: Vec<_> = found
            .iter()
            .filter(|e| matches!(e.throttled, Throttled::No))
            .collect();
        if open.is_empty() {
            // Every entry found is throttled, or none was found: unless a read we needed
            // failed, nothing lets anyone run up the bill. An unread hop may hide an
            // unthrottled entry beside the throttled ones, so it counts either way.
            let unknown_throttle = found.iter().find_map(|e| match &e.throttled {
                Throttled::Unknown(blind) => Some(blind.clone()),
                _ => None,
            });
            let blind = unknown_throttle.or_else(|| entries.blind_spot(f));
            if let Some(blind) = blind {
                return meta.unknown(resource, entries.blind_reason(&blind), Some(&blind.gap));
            }
            return meta.pass(resource);
        }
        match &f.reserved_concurrency {
            Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
            Attr::Known(Some(n)) => {
                meta.pass_with_note(resource, format!("reserved concurrency {n} caps the spend"))
            }
            Attr::Known(None) => {
                let gb_seconds = f64::from(f.timeout_seconds.unwrap_or(3))
                    * f64::from(f.memory_mb.unwrap_or(128))
                    / 1024.0;
                let mut lines: Vec<Evidence> = open
                    .iter()
                    .map(|e| evidence(format!("entry.{}", e.kind), &e.description))
                    .collect();
                lines.push(evidence("reserved_concurrency", "none"));
                lines.push(evidence(
                    "cost_per_invocation",
                    format!(
                        "up to {gb_seconds:.2} GB-s ({} s x {} MB)",
                        f.timeout_seconds.unwrap_or(3),
                        f.memory_mb.unwrap_or(128)
                    ),
                ));
                meta.fail(
                        resource,
                        vec![Finding {
                            message: format!("anyone can invoke {} without limit: no throttle in front, no reserved concurrency", f.name),
                            evidence: lines,
                            related: open.iter().map(|e| e.arn.as_str().into()).collect(),
                        }],
                    )
            }
        }
    })
}

use crate::check::*;
use crate::context::Context;
use crate::model::{Arn, Attr, Gap, LambdaFunction};

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-event-source-cross-account",
        title: "Lambda function reads events from or sends results to an untrusted account",
        severity: Severity::Medium,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html",
            "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
        ],
        compliance: &[nist("AC-4"), nist("SC-7")],
        docs: include_str!("event_source_cross_account.md"),
    },
    run,
};

/// Where a function's events come from and its results go: (evidence path, ARN). `Err` with
/// the gap of a list that could not be read.
fn endpoints(f: &LambdaFunction) -> (Vec<(&'static str, &str)>, Option<&Gap>) {
    let mut found: Vec<(&'static str, &str)> = Vec::new();
    let mut unread = None;
    if let Some(dlq) = &f.dead_letter_target_arn {
        found.push(("dead_letter_target_arn", dlq));
    }
    match &f.event_invoke_configs {
        Attr::Known(configs) => {
            for c in configs {
                found.extend(
                    c.on_success_destination
                        .as_deref()
                        .map(|d| ("event_invoke_configs.on_success_destination", d)),
                );
                found.extend(
                    c.on_failure_destination
                        .as_deref()
                        .map(|d| ("event_invoke_configs.on_failure_destination", d)),
                );
            }
        }
        Attr::Unavailable(gap) => unread = Some(gap),
    }
    match &f.event_source_mappings {
        Attr::Known(mappings) => {
            for m in mappings {
                found.extend(
                    m.event_source_arn
                        .as_deref()
                        .map(|a| ("event_source_mappings.event_source_arn", a)),
                );
                found.extend(
                    m.on_failure_destination
                        .as_deref()
                        .map(|a| ("event_source_mappings.on_failure_destination", a)),
                );
            }
        }
        Attr::Unavailable(gap) => unread = unread.or(Some(gap)),
    }
    (found, unread.map(|v| &**v))
}

/// The account of an ARN (`arn:partition:service:region:account:...`); none for ARNs that
/// carry no account (S3 buckets) and for values that are not ARNs (self-managed Kafka).
fn account_of(arn: &str) -> Option<&str> {
    Arn::parse(arn).ok()?.account_id()
}

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        let (found, unread) = endpoints(f);
        let foreign: Vec<Evidence> = found
            .iter()
            .filter(|(_, arn)| account_of(arn).is_some_and(|a| !cx.is_trusted_account(a)))
            .map(|(path, arn)| evidence(*path, *arn))
            .collect();
        if !foreign.is_empty() {
            let accounts: std::collections::BTreeSet<&str> = foreign
                .iter()
                .filter_map(|e| account_of(&e.value))
                .collect();
            return meta.fail_one(
                resource,
                format!(
                    "{} exchanges events with account(s) outside the trusted list: {}",
                    f.name,
                    accounts.into_iter().collect::<Vec<_>>().join(", ")
                ),
                foreign,
            );
        }
        match unread {
            Some(gap) => meta.unknown_gap(resource, gap),
            None => meta.pass(resource),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::account_of;

    #[test]
    fn accounts_come_from_arns_only() {
        assert_eq!(
            account_of("arn:aws:sqs:us-east-1:123456789012:q"),
            Some("123456789012")
        );
        assert_eq!(account_of("arn:aws:s3:::bucket"), None);
        assert_eq!(account_of("b-1.kafka.example.com:9092"), None);
        assert_eq!(
            account_of("arn:aws-cn:sns:cn-north-1:444455556666:t"),
            Some("444455556666")
        );
    }
}

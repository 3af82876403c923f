use super::common::each_bucket;
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;
use crate::policy::{CATALOGUE, Effect, Policy, Principal};

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-bucket-no-tls-enforcement",
        title: "S3 bucket policy does not deny requests without TLS",
        severity: Severity::Medium,
        category: Category::Encryption,
        resource_kind: ResourceKind::S3Bucket,
        references: &["https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule"],
        compliance: &[fsbp("S3.5"), nist("SC-8"), nist("SC-8(1)")],
        docs: include_str!("bucket_no_tls_enforcement.md"),
    },
    run,
};

/// A Deny for everyone, on object reads at least, when `aws:SecureTransport` is false.
fn enforces_tls(policy: &Policy) -> bool {
    let get_object = CATALOGUE.index("s3:GetObject");
    policy.statements.iter().any(|s| {
        let everyone = match &s.principal {
            Some(Principal::Anyone) => true,
            Some(Principal::Typed {
                negated: false,
                aws,
                ..
            }) => aws.iter().any(|a| a == "*"),
            _ => false,
        };
        let mut reach = CATALOGUE.expand_all(&s.actions.patterns);
        if s.actions.negated {
            reach = reach.complement(CATALOGUE.len());
        }
        let covers_reads = get_object.is_some_and(|i| reach.contains(i));
        let insecure_transport = s.conditions.iter().any(|c| {
            (c.key == "aws:securetransport"
                && c.base_operator == "Bool"
                && c.values.iter().any(|v| v.eq_ignore_ascii_case("false")))
                || (c.key == "s3:tlsversion" && c.base_operator.starts_with("NumericLessThan"))
        });
        s.effect == Effect::Deny && everyone && covers_reads && insecure_transport
    })
}

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_bucket(cx, meta, |b, resource| match &b.policy {
        Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
        Attr::Known(None) => meta.fail_one(
            resource,
            format!(
                "bucket {} has no policy, so plain-HTTP requests are not denied",
                b.name
            ),
            vec![evidence("policy", "none")],
        ),
        Attr::Known(Some(text)) => match cx.parsed(text).as_ref() {
            Err(e) => meta.unknown(
                resource,
                format!("the bucket policy is malformed: {e}"),
                None,
            ),
            Ok(policy) if enforces_tls(policy) => meta.pass(resource),
            Ok(_) => meta.fail_one(
                resource,
                format!(
                    "the policy of {} has no Deny on aws:SecureTransport = false",
                    b.name
                ),
                vec![evidence(
                    "policy.statement[Effect=Deny, aws:SecureTransport=false]",
                    "absent",
                )],
            ),
        },
    })
}

use super::common::{each_bucket, effective_bpa};
use crate::analysis::resource_policy::judge_access;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-bucket-public-policy",
        title: "S3 bucket policy lets anyone access the bucket",
        severity: Severity::Critical,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::S3Bucket,
        references: &[
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status",
        ],
        compliance: &[fsbp("S3.2"), fsbp("S3.3"), nist("AC-3"), nist("AC-21")],
        docs: include_str!("bucket_public_policy.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_bucket(cx, meta, |b, resource| {
        judge_access(
            cx,
            meta,
            resource,
            &b.policy,
            &["s3:*"],
            |access, resource| {
                if !access.is_public() {
                    return meta.pass(resource);
                }
                match effective_bpa(cx, b) {
            Err(gap) => meta.unknown(resource, "the policy is public and Block Public Access could not be read", Some(gap)),
            Ok(bpa) if bpa.restrict_public_buckets => meta.pass_with_note(
                resource,
                "the policy is public, but Block Public Access (RestrictPublicBuckets) limits it to AWS services and the owner account",
            ),
            Ok(_) => meta.fail_one(
                resource,
                format!("the policy of {} lets anyone access it with no restricting condition", b.name),
                access.public_statements.iter().map(|s| evidence("policy.statement", s)).collect(),
            ),
        }
            },
        )
    })
}

use super::common::each_bucket;
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-bucket-acl-enabled",
        title: "S3 bucket still honours ACLs (object ownership is not BucketOwnerEnforced)",
        severity: Severity::Low,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::S3Bucket,
        references: &[
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html",
        ],
        compliance: &[fsbp("S3.12"), nist("AC-3")],
        docs: include_str!("bucket_acl_enabled.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_bucket(cx, meta, |b, resource| match &b.object_ownership {
        Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
        Attr::Known(Some(o)) if o == "BucketOwnerEnforced" => meta.pass(resource),
        Attr::Known(o) => meta.fail_one(
            resource,
            format!("bucket {} still applies ACLs", b.name),
            vec![evidence(
                "object_ownership",
                o.as_deref().unwrap_or("none (ObjectWriter)"),
            )],
        ),
    })
}

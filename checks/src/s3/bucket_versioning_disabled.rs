use super::common::each_bucket;
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-bucket-versioning-disabled",
        title: "S3 bucket versioning is not enabled",
        severity: Severity::Low,
        category: Category::Monitoring,
        resource_kind: ResourceKind::S3Bucket,
        references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html"],
        compliance: &[nist("CP-9"), nist("SI-12")],
        docs: include_str!("bucket_versioning_disabled.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_bucket(cx, meta, |b, resource| match &b.versioning {
        Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
        Attr::Known(v) if v.status.as_deref() == Some("Enabled") => meta.pass(resource),
        Attr::Known(v) => meta.fail_one(
            resource,
            format!("bucket {} keeps no previous versions of objects", b.name),
            vec![evidence(
                "versioning.status",
                v.status.as_deref().unwrap_or("never enabled"),
            )],
        ),
    })
}

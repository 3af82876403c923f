use super::common::each_bucket;
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-bucket-no-default-encryption",
        title: "S3 bucket has no default encryption",
        severity: Severity::Medium,
        category: Category::Encryption,
        resource_kind: ResourceKind::S3Bucket,
        references: &[
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html",
        ],
        compliance: &[nist("SC-28"), nist("SC-13")],
        docs: include_str!("bucket_no_default_encryption.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_bucket(cx, meta, |b, resource| match &b.encryption {
        Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
        Attr::Known(Some(_)) => meta.pass(resource),
        Attr::Known(None) => meta.fail_one(
            resource,
            format!("bucket {} has no default encryption configuration", b.name),
            vec![evidence("encryption", "none")],
        ),
    })
}

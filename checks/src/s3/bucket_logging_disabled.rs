use super::common::each_bucket;
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-bucket-logging-disabled",
        title: "S3 bucket server access logging is off",
        severity: Severity::Low,
        category: Category::Monitoring,
        resource_kind: ResourceKind::S3Bucket,
        references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html"],
        compliance: &[fsbp("S3.9"), nist("AU-2"), nist("AU-12")],
        docs: include_str!("bucket_logging_disabled.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_bucket(cx, meta, |b, resource| match &b.logging {
        Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
        Attr::Known(Some(l)) => {
            meta.pass_with_note(resource, format!("logs to {}", l.target_bucket))
        }
        Attr::Known(None) => meta.fail_one(
            resource,
            format!("bucket {} does not log requests", b.name),
            vec![evidence("logging", "off")],
        ),
    })
}

use super::common::each_bucket;
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-bucket-not-kms-encrypted",
        title: "S3 bucket default encryption is not SSE-KMS",
        severity: Severity::Low,
        category: Category::Encryption,
        resource_kind: ResourceKind::S3Bucket,
        references: &[
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
        ],
        compliance: &[fsbp("S3.17"), nist("SC-28"), nist("SC-12")],
        docs: include_str!("bucket_not_kms_encrypted.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_bucket(cx, meta, |b, resource| match &b.encryption {
        Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
        Attr::Known(encryption) => {
            let algorithms: Vec<&str> = encryption
                .iter()
                .flat_map(|e| e.rules.iter().map(|r| r.sse_algorithm.as_str()))
                .collect();
            if algorithms.iter().any(|a| a.starts_with("aws:kms")) {
                meta.pass(resource)
            } else {
                // No configuration at all means SSE-S3 on AWS since 2023.
                let shown = if algorithms.is_empty() {
                    "none (SSE-S3 by AWS default)".to_owned()
                } else {
                    algorithms.join(", ")
                };
                meta.fail_one(
                    resource,
                    format!(
                        "bucket {} is not encrypted with a KMS key by default",
                        b.name
                    ),
                    vec![evidence("encryption.rules.sse_algorithm", shown)],
                )
            }
        }
    })
}

use super::common::each_bucket;
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-bucket-public-access-block-disabled",
        title: "S3 bucket Block Public Access is not fully on",
        severity: Severity::Medium,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::S3Bucket,
        references: &[
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
        ],
        compliance: &[fsbp("S3.8"), nist("AC-3"), nist("AC-21")],
        docs: include_str!("bucket_public_access_block_disabled.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let account = &cx.inventory.s3.account_public_access_block;
    each_bucket(cx, meta, |b, resource| {
        if let Attr::Known(Some(pab)) = account
            && pab.all_on()
        {
            return meta
                .pass_with_note(resource, "covered by the account-level Block Public Access");
        }
        match &b.public_access_block {
            Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
            Attr::Known(Some(pab)) if pab.all_on() => meta.pass(resource),
            // Without the account level we cannot say it does not cover the bucket.
            _ if account.gap().is_some() => meta.unknown(resource, "the account-level Block Public Access could not be read", account.gap()),
            Attr::Known(pab) => meta.fail_one(
                resource,
                format!("bucket {} does not have all four Block Public Access settings on, and the account level does not cover it", b.name),
                vec![evidence("public_access_block", pab.map_or_else(|| "none".to_owned(), |p| p.to_string()))],
            ),
        }
    })
}

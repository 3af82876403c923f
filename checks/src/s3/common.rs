//! Iteration shared by the bucket checks, and Block Public Access as it applies to a bucket.

use crate::check::*;
use crate::context::Context;
use crate::model::{Attr, Gap, PublicAccessBlock, S3Bucket};

pub(crate) fn bucket_ref(cx: &Context<'_>, b: &S3Bucket) -> ResourceRef {
    cx.prebuilt(b).unwrap_or_else(|| {
        let region = b.region.known().map_or("unknown", String::as_str);
        cx.resource(ResourceKind::S3Bucket, &b.arn, &b.name, region)
    })
}

/// Runs `judge` on every bucket (the walker gives the unknown for an unreadable listing).
pub(crate) fn each_bucket<'a>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    judge: impl Fn(&'a S3Bucket, ResourceRef) -> CheckResult,
) -> Vec<CheckResult> {
    crate::analysis::walk::buckets(cx, meta, |b| judge(b, bucket_ref(cx, b)))
}

/// The Block Public Access in force for a bucket: each flag on at either level.
pub(crate) fn effective_bpa<'a>(
    cx: &Context<'a>,
    b: &'a S3Bucket,
) -> Result<PublicAccessBlock, &'a Gap> {
    let bucket = match &b.public_access_block {
        Attr::Known(pab) => pab.unwrap_or(OFF),
        Attr::Unavailable(gap) => return Err(gap),
    };
    let account = match &cx.inventory.s3.account_public_access_block {
        Attr::Known(pab) => pab.unwrap_or(OFF),
        Attr::Unavailable(gap) => return Err(gap),
    };
    Ok(PublicAccessBlock {
        block_public_acls: bucket.block_public_acls || account.block_public_acls,
        ignore_public_acls: bucket.ignore_public_acls || account.ignore_public_acls,
        block_public_policy: bucket.block_public_policy || account.block_public_policy,
        restrict_public_buckets: bucket.restrict_public_buckets || account.restrict_public_buckets,
    })
}

const OFF: PublicAccessBlock = PublicAccessBlock {
    block_public_acls: false,
    ignore_public_acls: false,
    block_public_policy: false,
    restrict_public_buckets: false,
};

/// Elastic Load Balancing's log-delivery accounts (`checks/data/elb-log-delivery-accounts.tsv`,
/// with its sources): the region an account delivers for, if it is one.
pub(crate) fn elb_log_delivery_region(account: &str) -> Option<&'static str> {
    const DATA: &str = include_str!("../../data/elb-log-delivery-accounts.tsv");
    DATA.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("region\t"))
        .filter_map(|l| l.split_once('\t'))
        .find(|(_, a)| *a == account)
        .map(|(region, _)| region)
}

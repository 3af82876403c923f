use super::common::each_bucket;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-bucket-cross-account-access",
        title: "S3 bucket policy grants access to an untrusted account",
        severity: Severity::Medium,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::S3Bucket,
        references: &[
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html",
        ],
        compliance: &[fsbp("S3.6"), nist("AC-3"), nist("AC-21")],
        docs: include_str!("bucket_cross_account_access.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_bucket(cx, meta, |b, resource| {
        let access = match cx.policy_access(meta, &resource, &b.policy, &["s3:*"]) {
            Err(unknown) => return *unknown,
            Ok(None) => return meta.pass(resource),
            Ok(Some(access)) => access,
        };
        cx.judge_outside_accounts(
            meta,
            resource,
            &access.accounts,
            &format!("the policy of {} grants", b.name),
            "policy.principal.account",
        )
    })
}

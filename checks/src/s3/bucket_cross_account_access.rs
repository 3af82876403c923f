use super::common::{each_bucket, elb_log_delivery_region};
use crate::analysis::resource_policy::judge_access;
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
        judge_access(
            cx,
            meta,
            resource,
            &b.policy,
            &["s3:*"],
            |access, resource| {
                // ELB's log-delivery accounts are AWS's documented way to receive access logs.
                let (elb, others): (std::collections::BTreeSet<String>, _) = access
                    .accounts
                    .iter()
                    .cloned()
                    .partition(|a| elb_log_delivery_region(a).is_some());
                let result = crate::analysis::resource_policy::outside_accounts(
                    cx,
                    meta,
                    resource,
                    &others,
                    &format!("the policy of {} grants", b.name),
                    "policy.principal.account",
                );
                if result.status == Status::Pass && !elb.is_empty() {
                    let accounts: Vec<String> = elb
                        .iter()
                        .map(|a| format!("{a} ({})", elb_log_delivery_region(a).unwrap_or("?")))
                        .collect();
                    return CheckResult {
                        note: Some(format!(
                            "grants only Elastic Load Balancing's log-delivery account(s) {}",
                            accounts.join(", ")
                        )),
                        ..result
                    };
                }
                result
            },
        )
    })
}

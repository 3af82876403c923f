use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-account-public-access-block-disabled",
        title: "Account-level S3 Block Public Access is not fully on",
        severity: Severity::High,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::Account,
        references: &[
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html",
        ],
        compliance: &[fsbp("S3.1"), cis("2.1.4"), nist("AC-3"), nist("AC-21")],
        docs: include_str!("account_public_access_block_disabled.md"),
    },
    run,
};

/// The setting is account-wide; it is reported once per scanned region, where it applies.
fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let account = cx.account();
    let partition = &cx.inventory.account.partition;
    cx.inventory
        .regions
        .iter()
        .map(|r| {
            let resource = cx.resource(
                ResourceKind::Account,
                &format!("arn:{partition}:s3:{}:{account}:account", r.region),
                account,
                &r.region,
            );
            match &cx.inventory.s3.account_public_access_block {
                Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
                Attr::Known(Some(pab)) if pab.all_on() => meta.pass(resource),
                Attr::Known(pab) => meta.fail_one(
                    resource,
                    format!(
                        "account {account} does not block public S3 access at the account level"
                    ),
                    vec![evidence(
                        "account_public_access_block",
                        pab.map_or_else(|| "none".to_owned(), |p| p.to_string()),
                    )],
                ),
            }
        })
        .collect()
}

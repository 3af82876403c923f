//! Several accounts in one scan: a list of accounts or the whole organization, each scanned
//! through an audit role assumed with the base credentials, merged into one report.

use super::scenario::Seed;
use crate::common::*;

/// Several accounts in one scan: the audit role is assumed in each, and one report names the
/// account on every result.
#[tokio::test(flavor = "multi_thread")]
async fn several_accounts_give_one_merged_report() {
    let mut arns = Vec::new();
    for account in ["210000000008", "210000000009"] {
        let seed = Seed::new(account, "us-east-1").await;
        let role = seed.lambda_role("multi-role").await;
        let function = format!("multi-{account}");
        arns.push(
            seed.function(&function, &role)
                .memory(256)
                .tracing(false)
                .create()
                .await,
        );
    }
    // The base credentials assume `audit` in each account (moto issues credentials per account).
    let (report, _) = scan_report(
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ],
        &[
            "--region",
            "us-east-1",
            "--accounts",
            "210000000008,210000000009",
            "--role-name",
            "audit",
        ],
    );
    assert_eq!(report["account"], "210000000008,210000000009");
    let accounts = report["accounts"].as_array().unwrap();
    assert!(
        accounts.iter().all(|a| a["status"] == "scanned"),
        "{accounts:?}"
    );
    for (account, arn) in ["210000000008", "210000000009"].iter().zip(&arns) {
        let result = report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["check_id"] == "lambda-function-tracing-disabled" && r["resource"]["arn"] == *arn
            })
            .unwrap_or_else(|| panic!("no result for {arn}"));
        assert_eq!(result["resource"]["account"], *account);
        assert_eq!(result["status"], "fail");
    }
    let usage = faascan(
        &[
            "scan",
            "--accounts",
            "210000000008",
            "--region",
            "us-east-1",
        ],
        &[],
    );
    assert_eq!(usage.status.code(), Some(2), "--accounts needs --role-name");
}

/// `--organization` lists the organization's active accounts with the management account's
/// credentials and scans each through the audit role.
#[tokio::test(flavor = "multi_thread")]
async fn the_organization_is_scanned_account_by_account() {
    let management = assume_into("210000000010", "seed").await;
    let sdk = management.sdk("us-east-1").await;
    let org = aws_sdk_organizations::Client::new(&sdk);
    org.create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let mut members = Vec::new();
    for name in ["org-member-a", "org-member-b"] {
        let created = org
            .create_account()
            .account_name(name)
            .email(format!("{name}@example.com"))
            .send()
            .await
            .unwrap();
        members.push(
            created
                .create_account_status()
                .unwrap()
                .account_id()
                .unwrap()
                .to_owned(),
        );
    }
    let (report, _) = scan_report(
        &management.env(),
        &[
            "--region",
            "us-east-1",
            "--organization",
            "--role-name",
            "audit",
            "--services",
            "iam",
        ],
    );
    let scanned: Vec<&str> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account"].as_str().unwrap())
        .collect();
    for member in &members {
        assert!(
            scanned.contains(&member.as_str()),
            "{member} was not scanned: {scanned:?}"
        );
    }
    assert!(
        scanned.contains(&"210000000010"),
        "the management account is an active account too"
    );
    // The organisation as listed is recorded, for a merge of shards to check against.
    let listed = report["parameters"]["organization_accounts"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", report["parameters"]));
    for account in &scanned {
        assert!(
            listed.iter().any(|l| l == account),
            "{account} in {listed:?}"
        );
    }
    let bad = faascan(&["scan", "--organization", "--region", "us-east-1"], &[]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "--organization needs --role-name"
    );
}

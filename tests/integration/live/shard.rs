//! `--shard I/N` and `faascan merge` on several emulated accounts (issue 11, item 5).
//!
//! - `shards_merged_equal_the_whole_scan`: five accounts, each with its own role and a failing
//!   function, scanned once whole and once as three shards (`--shard 0/3` … `2/3`). The
//!   shards' account sets are disjoint and together are the five; `faascan merge` of the three
//!   JSON reports has exactly the whole scan's results (check, resource, account, status,
//!   severity) and its exit code, and renders in another format too.
//! - a merge with one shard's report left out exits 4 and names the missing shard in a gap
//!   and a coverage row.

use super::scenario::Seed;
use crate::common::*;
use serde_json::Value;
use std::collections::BTreeSet;

const ACCOUNTS: [&str; 5] = [
    "210000000031",
    "210000000032",
    "210000000033",
    "210000000034",
    "210000000035",
];

async fn seed(account: &str) {
    let seed = Seed::new(account, "us-east-1").await;
    let role = seed.lambda_role("shard-role").await;
    seed.function(&format!("shard-fn-{account}"), &role)
        .create()
        .await;
}

/// `faascan scan` of the five accounts (or a shard of them) into `output`.
fn scan(output: &std::path::Path, shard: Option<&str>) -> std::process::Output {
    let accounts = ACCOUNTS.join(",");
    let output = output.to_str().unwrap();
    let mut args = vec![
        "scan",
        "--fail-on",
        "none",
        "--endpoint-url",
        &moto().endpoint,
        "--region",
        "us-east-1",
        "--services",
        "lambda,iam",
        "--accounts",
        &accounts,
        "--role-name",
        "audit",
        "--account-concurrency",
        "3",
        "--format",
        "json",
        "--output",
        output,
    ];
    if let Some(shard) = shard {
        args.extend(["--shard", shard]);
    }
    faascan(
        &args,
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ],
    )
}

fn read(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Each result as (check, resource ARN, account, status, severity).
fn results(report: &Value) -> BTreeSet<(String, String, String, String, String)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            (
                text(&r["check_id"]),
                text(&r["resource"]["arn"]),
                text(&r["resource"]["account"]),
                text(&r["status"]),
                text(&r["severity"]),
            )
        })
        .collect()
}

fn scanned_accounts(report: &Value) -> Vec<String> {
    report
        .get("accounts")
        .and_then(Value::as_array)
        .map(|accounts| {
            accounts
                .iter()
                .filter(|a| a["status"] == "scanned")
                .map(|a| a["account"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn shards_merged_equal_the_whole_scan() {
    for account in ACCOUNTS {
        seed(account).await;
    }
    let dir = std::env::temp_dir().join(format!("faascan-shard-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let whole_path = dir.join("whole.json");
    let whole_run = scan(&whole_path, None);
    assert!(
        matches!(whole_run.status.code(), Some(0 | 4)),
        "{}",
        String::from_utf8_lossy(&whole_run.stderr)
    );
    let whole = read(&whole_path);
    let mut all: Vec<String> = scanned_accounts(&whole);
    all.sort();
    assert_eq!(all, ACCOUNTS, "the whole scan reads every account");
    for account in ACCOUNTS {
        assert!(
            results(&whole)
                .iter()
                .any(|r| r.0 == "lambda-function-tracing-disabled"
                    && r.2 == account
                    && r.3 == "fail"),
            "{account} has its failing function"
        );
    }

    // Three shards: disjoint, together every account, each saying which shard it is.
    let mut shard_paths = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for index in 0..3 {
        let path = dir.join(format!("shard-{index}.json"));
        let run = scan(&path, Some(&format!("{index}/3")));
        assert_eq!(
            run.status.code(),
            whole_run.status.code(),
            "shard {index}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let report = read(&path);
        assert_eq!(
            report["parameters"]["shard"],
            serde_json::json!({"index": index, "count": 3})
        );
        let mine = scanned_accounts(&report);
        for account in &mine {
            assert!(!seen.contains(account), "{account} is in two shards");
            assert!(
                results(&report).iter().all(|r| mine.contains(&r.2)),
                "a shard's results are its own accounts'"
            );
        }
        seen.extend(mine);
        shard_paths.push(path);
    }
    seen.sort();
    assert_eq!(seen, ACCOUNTS, "the shards cover every account");

    // The merge of the three is the whole scan.
    let merged_path = dir.join("merged.json");
    let mut args = vec!["merge"];
    let shard_args: Vec<&str> = shard_paths.iter().map(|p| p.to_str().unwrap()).collect();
    args.extend(&shard_args);
    args.extend([
        "--fail-on",
        "none",
        "--format",
        "json",
        "--output",
        merged_path.to_str().unwrap(),
    ]);
    let merge = faascan(&args, &[]);
    assert_eq!(
        merge.status.code(),
        whole_run.status.code(),
        "{}",
        String::from_utf8_lossy(&merge.stderr)
    );
    let merged = read(&merged_path);
    assert_eq!(results(&merged), results(&whole));
    assert_eq!(
        merged["summary"]["by_status"],
        whole["summary"]["by_status"]
    );
    assert_eq!(merged["incomplete"], whole["incomplete"]);
    let mut merged_accounts = scanned_accounts(&merged);
    merged_accounts.sort();
    assert_eq!(merged_accounts, ACCOUNTS);
    assert!(merged["parameters"].get("shard").is_none());

    // Every renderer takes the merged report.
    let markdown = faascan(
        &[
            "merge",
            shard_args[0],
            shard_args[1],
            shard_args[2],
            "--fail-on",
            "none",
            "--format",
            "markdown",
        ],
        &[],
    );
    assert_eq!(merge.status.code(), markdown.status.code());
    let text = String::from_utf8_lossy(&markdown.stdout);
    assert!(text.contains("lambda-function-tracing-disabled"), "{text}");

    // One shard left out: incomplete, exit 4, the missing shard named.
    let partial = faascan(
        &[
            "merge",
            shard_args[0],
            shard_args[2],
            "--fail-on",
            "none",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(
        partial.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&partial.stderr)
    );
    let partial: Value = serde_json::from_slice(&partial.stdout).unwrap();
    assert_eq!(partial["incomplete"], true);
    assert!(
        partial["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["error_code"] == "ShardMissing" && g["resource"] == "shard 1/3"),
        "{}",
        partial["gaps"]
    );
    assert!(
        partial["coverage"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["account"] == "shard 1/3" && r["status"] == "not_read")
    );

    // Untrusted input: not a report, a usage error.
    let junk = dir.join("junk.json");
    std::fs::write(&junk, "{\"schema_version\": 1, \"results\": 7}").unwrap();
    let refused = faascan(&["merge", junk.to_str().unwrap()], &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a faascan JSON report"));
    let _ = std::fs::remove_dir_all(&dir);
}

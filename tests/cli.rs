//! The binary's behaviour without AWS: the demo inventory, permissions, and the exit codes and
//! messages for the usual failures.
#![allow(clippy::unwrap_used)]

mod common;

use common::{faascan, repo_root};
use std::time::{Duration, Instant};

#[test]
fn the_demo_inventory_scans_offline() {
    let demo = repo_root().join("mocks/demo/inventory.json");
    let out = faascan(&["scan", "--inventory", demo.to_str().unwrap()], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("123456789012"));
    assert!(stdout.contains("functions"));
    assert!(
        out.stderr.is_empty(),
        "no progress output when stderr is not a terminal"
    );

    let json = faascan(
        &[
            "scan",
            "--inventory",
            demo.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[],
    );
    let summary: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(summary["schema_version"], 1);
    let lambda_east = summary["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "lambda" && r["region"] == "us-east-1")
        .unwrap();
    assert_eq!(lambda_east["count"], 7);
}

#[test]
fn the_demo_inventory_holds_no_planted_secret() {
    let text = std::fs::read_to_string(repo_root().join("mocks/demo/inventory.json")).unwrap();
    let seed = std::fs::read_to_string(repo_root().join("mocks/seed_demo.py")).unwrap();
    for secret in [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG",
        "sk_live_4eC39",
        "S3cr3tPassw0rd",
        "ghp_0123456789",
        "xK9#mP2vL8",
    ] {
        assert!(seed.contains(secret), "the demo seeds {secret}");
        assert!(
            !text.contains(secret),
            "{secret} is in the recorded demo inventory"
        );
    }
}

#[test]
fn permissions_prints_an_iam_policy_of_reads() {
    let out = faascan(&["permissions"], &[]);
    assert!(out.status.success());
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned())
        })
        .collect();
    assert!(actions.contains(&"lambda:ListFunctions".to_owned()));
    assert!(actions.contains(&"iam:GetAccountAuthorizationDetails".to_owned()));
    for action in &actions {
        let verb = action.split_once(':').unwrap().1;
        assert!(
            verb == "GET"
                || ["List", "Get", "Describe"]
                    .iter()
                    .any(|p| verb.starts_with(p)),
            "{action} is not a read"
        );
    }
}

#[test]
fn no_credentials_fails_fast_with_a_clear_message() {
    let started = Instant::now();
    let out = faascan(
        &[
            "inventory",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no AWS credentials"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn an_unreachable_endpoint_fails_fast_with_a_clear_message() {
    // A port nothing listens on: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let out = faascan(
        &[
            "inventory",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &endpoint,
            "--max-attempts",
            "2",
        ],
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot reach the AWS endpoint"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = faascan(
        &["inventory", "--region", "us-east"],
        &[("AWS_ACCESS_KEY_ID", "x"), ("AWS_SECRET_ACCESS_KEY", "y")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an AWS region name"));
    let out = faascan(&["scan", "--inventory", "/nonexistent/inventory.json"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = faascan(&["scan", "--bogus-flag"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

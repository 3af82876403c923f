//! The time budget (`--timeout`): a spent budget and a slow endpoint both end the scan cleanly
//! with what was collected, marked incomplete.

use super::scenario::Seed;
use crate::common::*;
use serde_json::Value;

/// A time budget ends the scan cleanly: calls after the deadline are not attempted, recorded as
/// gaps, and the inventory and report say they are incomplete.
#[tokio::test(flavor = "multi_thread")]
async fn a_spent_time_budget_gives_an_incomplete_inventory_not_a_failure() {
    let account = "210000000007";
    let seed = Seed::new(account, "us-east-1").await;
    let role = seed.lambda_role("budget-role").await;
    seed.function("budget-fn", &role)
        .memory(256)
        .tracing(false)
        .create()
        .await;

    let scanner = assume_into(account, "scanner").await;
    let (inv, _) = inventory(&scanner, &["us-east-1"], &["--timeout", "0"]);
    assert_eq!(inv["account"]["incomplete"], true);
    assert_eq!(
        inv["regions"][0]["lambda_functions"]["unavailable"]["kind"],
        "not_attempted"
    );
    assert_eq!(
        inv["regions"][0]["lambda_functions"]["unavailable"]["error_code"],
        "TimeBudgetExceeded"
    );
    assert_eq!(
        inv["calls"]["operations"], 1,
        "only the identity preflight ran"
    );

    let creds = scanner.env();
    let endpoint = moto().endpoint.clone();
    let base = [
        "scan",
        "--endpoint-url",
        endpoint.as_str(),
        "--region",
        "us-east-1",
        "--timeout",
        "0",
    ];
    let table = faascan(&base, &creds);
    assert_eq!(
        table.status.code(),
        Some(4),
        "the time budget ran out: incomplete"
    );
    assert!(String::from_utf8_lossy(&table.stdout).contains("INCOMPLETE SCAN"));
    let strict = faascan(
        &[&base[..], &["--strict", "--format", "json"]].concat(),
        &creds,
    );
    assert_eq!(
        strict.status.code(),
        Some(4),
        "still incomplete with --strict"
    );
    let report: Value = serde_json::from_slice(&strict.stdout).unwrap();
    assert_eq!(report["incomplete"], true);
    // With a budget large enough, the same scan is complete.
    let (complete, _) = inventory(&scanner, &["us-east-1"], &["--timeout", "120"]);
    assert_eq!(complete["account"]["incomplete"], false);
    assert_eq!(
        known(&complete, "/regions/0/lambda_functions")
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// A slow endpoint (a proxy that delays every chunk to moto) and a short time budget: the scan
/// ends soon after the budget, keeps what it collected, and says it is incomplete.
#[tokio::test(flavor = "multi_thread")]
async fn the_time_budget_ends_a_scan_of_a_slow_endpoint_cleanly() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let account = "210000000013";
    let seed = Seed::new(account, "us-east-1").await;
    for _ in 0..3 {
        seed.key(None, None).await;
    }
    // The slow proxy.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let upstream = format!("127.0.0.1:{}", moto().port);
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await else {
                    return;
                };
                let (mut cr, mut cw) = client.split();
                let (mut sr, mut sw) = server.split();
                let slow = async {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = match cr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
                        if sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                };
                let back = tokio::io::copy(&mut sr, &mut cw);
                let _ = tokio::join!(slow, back);
            });
        }
    });

    let scanner = assume_into(account, "scanner").await;
    let started = std::time::Instant::now();
    let out = tokio::task::spawn_blocking(move || {
        faascan(
            &[
                "inventory",
                "--endpoint-url",
                &proxy,
                "--region",
                "us-east-1",
                "--timeout",
                "2",
                "--concurrency",
                "2",
            ],
            &scanner.env(),
        )
    })
    .await
    .unwrap();
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inv["account"]["incomplete"], true);
    assert!(
        inv["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["error_code"] == "TimeBudgetExceeded")
    );
    assert!(
        inv["calls"]["operations"].as_u64().unwrap() >= 2,
        "some calls were made before the deadline"
    );
    assert!(
        elapsed < std::time::Duration::from_secs(20),
        "ended soon after the budget: {elapsed:?}"
    );
}

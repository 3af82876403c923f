//! Which regions a scan covers when none is named: region discovery through
//! account:ListRegions, which moto does not implement.

use crate::common::*;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread")]
async fn all_regions_without_region_discovery_fails_clearly() {
    // moto does not implement account:ListRegions; a real account does. The scan must say
    // what failed and what to do instead, not scan a guessed set of regions.
    let scanner = assume_into("210000000005", "scanner").await;
    let out = faascan(
        &[
            "inventory",
            "--endpoint-url",
            &moto().endpoint,
            "--all-regions",
            "--max-attempts",
            "1",
        ],
        &scanner.env(),
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("account:ListRegions") && stderr.contains("--region"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// Without --region every enabled region is scanned; when the discovery call is refused (moto
/// does not implement account:ListRegions) the configured region is scanned and the inventory
/// says the other regions are unknown.
#[tokio::test(flavor = "multi_thread")]
async fn region_discovery_by_default_degrades_to_a_gap() {
    let scanner = assume_into("210000000011", "scanner").await;
    let env = [&scanner.env()[..], &[("AWS_REGION", "eu-west-1")]].concat();
    let out = faascan(
        &[
            "inventory",
            "--endpoint-url",
            &moto().endpoint,
            "--max-attempts",
            "1",
            "--services",
            "kms",
        ],
        &env,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(inv["account"]["regions"], json!(["eu-west-1"]));
    assert_eq!(inv["account"]["incomplete"], true);
    let gap = inv["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["operation"] == "ListRegions")
        .unwrap();
    assert_eq!(gap["error_code"], "RegionDiscoveryFailed");
    assert!(
        gap["message"]
            .as_str()
            .unwrap()
            .contains("scanned only eu-west-1")
    );
}

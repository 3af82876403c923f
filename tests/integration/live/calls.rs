//! Reads whose answer is already known are not sent (issue 11, "Fewer calls"), and what is
//! read instead means the same: checked against what moto itself answers.

use super::scenario::Seed;
use crate::common::*;
use serde_json::Value;

fn operations(inv: &Value, operation: &str) -> u64 {
    inv["calls"]["by_operation"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["operation"] == operation)
        .map(|c| c["operations"].as_u64().unwrap())
        .sum()
}

/// Code signing: the account-level listing is tried once per region and, where the endpoint
/// lacks it (moto), each function is asked, with the same answer as before.
#[tokio::test(flavor = "multi_thread")]
async fn code_signing_falls_back_per_function_where_the_listing_is_missing() {
    let account = "210000000711";
    let seed = Seed::new(account, "us-east-1").await;
    let role = seed.lambda_role("calls-role").await;
    for name in ["calls-fn-a", "calls-fn-b"] {
        seed.function(name, &role).create().await;
    }
    let scanner = assume_into(account, "scan").await;

    let (inv, _) = inventory(&scanner, &["us-east-1"], &[]);
    assert!(
        inv["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["operation"] != "GetBucketAcl"
                && g["operation"] != "ListCodeSigningConfigs"
                && g["operation"] != "GetFunctionCodeSigningConfig"),
        "{}",
        inv["gaps"]
    );
    // moto has no ListCodeSigningConfigs: one attempt in the region, then per function.
    assert_eq!(operations(&inv, "ListCodeSigningConfigs"), 1);
    assert_eq!(operations(&inv, "GetFunctionCodeSigningConfig"), 2);
    let functions = known(&inv, "/regions/0/lambda_functions");
    for name in ["calls-fn-a", "calls-fn-b"] {
        let f = find(functions, "name", name);
        assert_eq!(f["code_signing_config_arn"]["known"], Value::Null, "{f}");
    }
}

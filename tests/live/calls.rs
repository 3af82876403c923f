//! Reads whose answer is already known are not sent (issue 11, "Fewer calls"), and what is
//! read instead means the same: checked against what moto itself answers.

use super::*;

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
    let seed = assume_into(account, "seed").await;
    let sdk = seed.sdk("us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let lambda = aws_sdk_lambda::Client::new(&sdk);
    let role = iam
        .create_role()
        .role_name("calls-role")
        .assume_role_policy_document(lambda_trust())
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .arn()
        .to_owned();
    for name in ["calls-fn-a", "calls-fn-b"] {
        function(&lambda, name, &role, &[], false).await;
    }

    let (inv, _) = inventory(&seed, &["us-east-1"], &[]);
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

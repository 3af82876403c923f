//! Reads whose answer is already known are not sent (issue 11, "Fewer calls"), and what is
//! read instead means the same: checked against what moto itself answers.

use super::*;
use aws_sdk_s3::types::{ObjectOwnership, OwnershipControls, OwnershipControlsRule};

fn operations(inv: &Value, operation: &str) -> u64 {
    inv["calls"]["by_operation"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["operation"] == operation)
        .map(|c| c["operations"].as_u64().unwrap())
        .sum()
}

/// A bucket with ACLs disabled (BucketOwnerEnforced) gets the owner's full control without a
/// `GetBucketAcl`, equal to what the endpoint answers when asked; a bucket with ACLs still on
/// is asked. Code signing: the account-level listing is tried once per region and, where
/// the endpoint lacks it (moto), each function is asked, with the same answer as before.
#[tokio::test(flavor = "multi_thread")]
async fn known_answers_are_not_asked_and_mean_the_same() {
    let account = "210000000711";
    let seed = assume_into(account, "seed").await;
    let sdk = seed.sdk("us-east-1").await;
    let s3 = aws_sdk_s3::Client::new(&sdk);
    let iam = aws_sdk_iam::Client::new(&sdk);
    let lambda = aws_sdk_lambda::Client::new(&sdk);
    for bucket in ["calls-enforced", "calls-acl-on"] {
        s3.create_bucket().bucket(bucket).send().await.unwrap();
    }
    s3.put_bucket_ownership_controls()
        .bucket("calls-enforced")
        .ownership_controls(
            OwnershipControls::builder()
                .rules(
                    OwnershipControlsRule::builder()
                        .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
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
    assert_eq!(
        operations(&inv, "GetBucketAcl"),
        1,
        "only the bucket with ACLs on"
    );
    let buckets = known(&inv, "/s3/buckets");
    let enforced = find(buckets, "name", "calls-enforced");
    let asked = s3
        .get_bucket_acl()
        .bucket("calls-enforced")
        .send()
        .await
        .unwrap();
    let owner = asked.owner().and_then(|o| o.id()).unwrap();
    assert_eq!(enforced["acl"]["known"]["owner_id"], owner);
    let grants = enforced["acl"]["known"]["grants"].as_array().unwrap();
    assert_eq!(grants.len(), 1, "{grants:?}");
    assert_eq!(grants[0]["grantee_id"], owner);
    assert_eq!(grants[0]["permission"], "FULL_CONTROL");
    assert!(
        asked.grants().iter().any(|g| {
            g.grantee().and_then(|e| e.id()) == Some(owner)
                && g.permission().map(|p| p.as_str()) == Some("FULL_CONTROL")
        }),
        "the endpoint's own answer has the owner's full control: {asked:?}"
    );
    let acl_on = find(buckets, "name", "calls-acl-on");
    assert!(acl_on["acl"]["known"]["grants"].is_array(), "{acl_on}");

    // moto has no ListCodeSigningConfigs: one attempt in the region, then per function.
    assert_eq!(operations(&inv, "ListCodeSigningConfigs"), 1);
    assert_eq!(operations(&inv, "GetFunctionCodeSigningConfig"), 2);
    let functions = known(&inv, "/regions/0/lambda_functions");
    for name in ["calls-fn-a", "calls-fn-b"] {
        let f = find(functions, "name", name);
        assert_eq!(f["code_signing_config_arn"]["known"], Value::Null, "{f}");
    }
}

//! Reads whose answer is already known are not sent (issue 11, "Fewer calls"), and what is
//! read instead means the same: checked against what moto itself answers.

use super::scenario::Seed;
use crate::common::*;
use serde_json::Value;

fn operations(inv: &Value, operation: &str) -> u64 {
    operations_where(inv, |c| c["operation"] == operation)
}

fn operations_where(inv: &Value, pick: impl Fn(&Value) -> bool) -> u64 {
    inv["calls"]["by_operation"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| pick(c))
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

/// Tags of buckets and keys come from one Tagging API listing per region (one for both), and
/// bucket regions from one filtered `ListBuckets` per region; where the listing is denied (a
/// policy from before `tag:GetResources`), each resource is read on its own, same answer.
#[tokio::test(flavor = "multi_thread")]
async fn tags_and_bucket_regions_are_read_region_wide_with_a_per_resource_fallback() {
    use aws_sdk_s3::types::{Tag, Tagging};
    let account = "210000000712";
    let seed = Seed::new(account, "us-east-1").await;
    let west = seed.in_region("eu-west-1").await;
    let east_buckets = ["tagidx-east-a", "tagidx-east-b", "tagidx-east-c"];
    let west_buckets = ["tagidx-west-a", "tagidx-west-b"];
    for b in east_buckets {
        seed.bucket(b).await;
    }
    for b in west_buckets {
        west.bucket(b).await;
    }
    for (bucket, team) in [("tagidx-east-a", "payments"), ("tagidx-west-a", "search")] {
        let tagging = Tagging::builder()
            .tag_set(Tag::builder().key("team").value(team).build().unwrap())
            .build()
            .unwrap();
        let client = if bucket.contains("west") {
            &west.s3
        } else {
            &seed.s3
        };
        client
            .put_bucket_tagging()
            .bucket(bucket)
            .tagging(tagging)
            .send()
            .await
            .unwrap();
    }
    let tagged_key = seed.key(Some("tagidx tagged"), None).await;
    seed.kms
        .tag_resource()
        .key_id(&tagged_key)
        .tags(
            aws_sdk_kms::types::Tag::builder()
                .tag_key("owner")
                .tag_value("platform")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let plain_key = seed.key(Some("tagidx plain"), None).await;

    let check = |inv: &Value, how: &str| {
        let buckets = known(inv, "/s3/buckets");
        for b in east_buckets.iter().chain(&west_buckets) {
            let bucket = find(buckets, "name", b);
            let want_region = if b.contains("west") {
                "eu-west-1"
            } else {
                "us-east-1"
            };
            assert_eq!(bucket["region"]["known"], want_region, "{how}: {bucket}");
            let want_tags = match *b {
                "tagidx-east-a" => serde_json::json!({"team": "payments"}),
                "tagidx-west-a" => serde_json::json!({"team": "search"}),
                _ => serde_json::json!({}),
            };
            assert_eq!(bucket["tags"]["known"], want_tags, "{how}: {bucket}");
        }
        let keys = known(inv, "/regions/0/kms_keys");
        assert_eq!(
            find(keys, "id", &tagged_key)["tags"]["known"],
            serde_json::json!({"owner": "platform"}),
            "{how}"
        );
        assert_eq!(
            find(keys, "id", &plain_key)["tags"]["known"],
            serde_json::json!({}),
            "{how}"
        );
        assert!(
            inv["gaps"]
                .as_array()
                .unwrap()
                .iter()
                .all(|g| g["operation"] != "GetResources"
                    && g["operation"] != "GetBucketTagging"
                    && g["operation"] != "ListResourceTags"
                    && g["operation"] != "GetBucketLocation"),
            "{how}: {}",
            inv["gaps"]
        );
    };

    let scanner = assume_into(account, "scan").await;
    let (inv, _) = inventory(&scanner, &["us-east-1"], &[]);
    check(&inv, "region-wide");
    // One tag listing, for buckets and keys together, in the one scanned region.
    let tag_listings = operations_where(&inv, |c| {
        c["service"] == "Resource Groups Tagging API" && c["operation"] == "GetResources"
    });
    assert_eq!(tag_listings, 1, "{}", inv["calls"]);
    // The eu-west-1 buckets are in a region this scan has no tag listing of.
    assert_eq!(operations(&inv, "GetBucketTagging"), 2);
    assert_eq!(operations(&inv, "ListResourceTags"), 0);
    // moto's listing has no BucketRegion: the whole listing, then the scanned region and a
    // control region filtered; the two eu-west-1 buckets are located one by one.
    assert_eq!(operations(&inv, "ListBuckets"), 3);
    assert_eq!(operations(&inv, "GetBucketLocation"), 2);

    let proxy = fault_proxy();
    let denied = assume_into(account, "scan-tags-denied").await;
    proxy.add(&serde_json::json!({
        "service": "Resource Groups Tagging API", "operation": "GetResources",
        "action": "deny", "access_key": denied.access_key_id,
    }));
    let out = faascan(
        &[
            "inventory",
            "--endpoint-url",
            &proxy.endpoint,
            "--region",
            "us-east-1",
        ],
        &denied.env(),
    );
    proxy.clear(Some(&denied.access_key_id));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inv: Value = serde_json::from_slice(&out.stdout).unwrap();
    check(&inv, "tag listing denied");
    assert_eq!(operations(&inv, "GetBucketTagging"), 5);
    // Only the customer-managed keys are asked (AWS-managed ones carry no tags).
    assert_eq!(operations(&inv, "ListResourceTags"), 2);
}

//! The read-only allowlist, end to end: every request the binary sends to moto is a read that
//! `faascan permissions` publishes.

use super::scenario::Seed;
use crate::common::*;
use serde_json::Value;

/// Every request the binary sent, as moto's recorder saw it, filtered by the scan's own
/// access key. REST services (Lambda, S3, API Gateway) must use GET/HEAD only; query and JSON
/// protocol services must name an operation that `faascan permissions` publishes.
#[tokio::test(flavor = "multi_thread")]
async fn every_request_the_binary_sends_is_a_published_read() {
    use base64::Engine;
    let account = "210000000004";
    let seed = Seed::new(account, "us-east-1").await;
    let role = seed.lambda_role("ro-role").await;
    seed.user("ro-user", &[], 1).await;
    seed.function("ro-fn", &role)
        .memory(256)
        .tracing(false)
        .create()
        .await;
    seed.key(None, None).await;
    seed.bucket("t4-ro").await;
    seed.rest_api("ro-api", None).await;

    let scanner = assume_into(account, "scanner").await;
    let (inv, _) = inventory(&scanner, &["us-east-1"], &[]);

    let published = published_calls();
    let published_op = |op: &str| published.iter().any(|(_, o)| o == op);

    let recording = std::fs::read_to_string(&moto().recording).unwrap();
    let mut seen = 0;
    for line in recording.lines() {
        let entry: Value = serde_json::from_str(line).unwrap();
        let headers = &entry["headers"];
        let auth = headers["Authorization"]
            .as_str()
            .or(headers["authorization"].as_str())
            .unwrap_or_default();
        if !auth.contains(&format!("Credential={}/", scanner.access_key_id)) {
            continue;
        }
        seen += 1;
        let scope_service = auth.split('/').nth(3).unwrap_or_default();
        let method = entry["method"].as_str().unwrap();
        let url = entry["url"].as_str().unwrap();
        match scope_service {
            "lambda" | "s3" | "apigateway" => {
                assert!(
                    method == "GET" || method == "HEAD",
                    "{method} {url} is not a read"
                );
            }
            // JSON-protocol services name the operation in X-Amz-Target.
            "kms" | "tagging" => {
                let target = headers["X-Amz-Target"]
                    .as_str()
                    .or(headers["x-amz-target"].as_str())
                    .unwrap();
                let op = target.rsplit('.').next().unwrap();
                assert!(
                    published_op(op),
                    "{scope_service} {op} is not in faascan's published list"
                );
                let read = ["Get", "List", "Describe"]
                    .iter()
                    .any(|p| op.starts_with(p));
                assert!(read, "{scope_service} {op} is not a read");
            }
            "iam" | "sts" => {
                let body = entry["body"].as_str().unwrap_or_default();
                let body = if entry["body_encoded"] == true {
                    String::from_utf8(
                        base64::engine::general_purpose::STANDARD
                            .decode(body)
                            .unwrap(),
                    )
                    .unwrap()
                } else {
                    body.to_owned()
                };
                let action = body
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("Action="))
                    .unwrap();
                assert!(
                    published_op(action),
                    "{scope_service} {action} is not in faascan's published list"
                );
                let read = ["Get", "List", "Describe"]
                    .iter()
                    .any(|p| action.starts_with(p));
                assert!(read, "{action} is not a read");
            }
            other => panic!("request to an unexpected service {other}: {method} {url}"),
        }
    }
    // Every attempt the binary counted reached the server and was checked here, but for
    // the ListCodeSigningConfigs moto has no route for (its 404 is not recorded).
    let unrouted: u64 = inv["calls"]["by_operation"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["operation"] == "ListCodeSigningConfigs")
        .map(|c| c["attempts"].as_u64().unwrap())
        .sum();
    assert_eq!(
        seen + unrouted,
        inv["calls"]["attempts"].as_u64().unwrap(),
        "recorded requests vs counted attempts"
    );
    assert!(seen > 20);
}

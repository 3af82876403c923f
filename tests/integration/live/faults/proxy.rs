//! The fault proxy itself (mocks/faultproxy.py): each fault reaches the SDK in the protocol's
//! own error shape, rules count and scope as documented, and `/__stats` counts per operation.

use super::{PROXY_TEST_ACCOUNT, REGION};
use crate::common::*;
use serde_json::json;

#[test]
fn the_fault_proxy_answers_in_each_protocols_error_shape() {
    use aws_sdk_kms::error::ProvideErrorMetadata;
    use aws_sdk_kms::operation::RequestId;
    let proxy = fault_proxy();
    let creds = block_on(assume_into(PROXY_TEST_ACCOUNT, "proxy-test"));
    let key = creds.access_key_id.clone();
    proxy.add(&json!([
        {"service": "KMS", "operation": "ListKeys", "action": "deny", "access_key": key},
        {"service": "IAM", "operation": "ListUsers", "action": "deny", "access_key": key},
        {"service": "S3", "operation": "ListBuckets", "action": "deny", "access_key": key},
        {"service": "Lambda", "operation": "ListFunctions", "action": "throttle",
         "after": 1, "times": 1, "access_key": key},
        {"service": "API Gateway", "operation": "GetRestApis", "action": "error", "access_key": key},
        {"service": "ApiGatewayV2", "operation": "GetApis", "action": "reset", "access_key": key},
    ]));
    // Another key's rule must not touch this key's requests.
    proxy.add(&json!({"operation": "*", "action": "deny", "access_key": "AKIAOTHERSCAN0000000"}));
    block_on(async {
        let sdk = creds.sdk_at(&proxy.endpoint, REGION).await;

        // JSON protocol
        let err = aws_sdk_kms::Client::new(&sdk)
            .list_keys()
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);
        assert_eq!(err.code(), Some("AccessDeniedException"));
        assert!(err.message().unwrap().contains("not authorized"));
        assert!(err.request_id().is_some_and(|id| !id.is_empty()));
        // Query protocol
        let err = aws_sdk_iam::Client::new(&sdk)
            .list_users()
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);
        assert_eq!(err.code(), Some("AccessDenied"));
        assert!(err.request_id().is_some());
        // REST-XML
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        );
        let err = s3.list_buckets().send().await.unwrap_err();
        assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);
        assert_eq!(err.code(), Some("AccessDenied"));
        assert!(err.request_id().is_some());
        // REST-JSON: the first call passes (after 1), the second is throttled (times 1), the
        // third passes again.
        let lambda = aws_sdk_lambda::Client::new(&sdk);
        lambda.list_functions().send().await.unwrap();
        let err = lambda.list_functions().send().await.unwrap_err();
        assert_eq!(err.raw_response().unwrap().status().as_u16(), 429);
        assert_eq!(err.code(), Some("TooManyRequestsException"));
        assert!(err.request_id().is_some());
        lambda.list_functions().send().await.unwrap();
        // 5xx
        let err = aws_sdk_apigateway::Client::new(&sdk)
            .get_rest_apis()
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.raw_response().unwrap().status().as_u16(), 500);
        assert_eq!(err.code(), Some("InternalFailure"));
        // Reset: no response at all.
        let err = aws_sdk_apigatewayv2::Client::new(&sdk)
            .get_apis()
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                aws_sdk_apigatewayv2::error::SdkError::DispatchFailure(_)
            ),
            "a reset is a transport failure: {err:?}"
        );
        // Unfaulted operations pass through to moto.
        aws_sdk_sts::Client::new(&sdk)
            .get_caller_identity()
            .send()
            .await
            .unwrap();
    });

    let stats = proxy.stats(&key);
    let row = |service: &str, operation: &str| {
        stats["operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["service"] == service && r["operation"] == operation)
            .cloned()
            .unwrap_or_else(|| panic!("no stats for {service} {operation}: {stats}"))
    };
    assert_eq!(row("KMS", "ListKeys")["requests"], 1);
    assert_eq!(row("KMS", "ListKeys")["faulted"], 1);
    assert_eq!(row("Lambda", "ListFunctions")["requests"], 3);
    assert_eq!(row("Lambda", "ListFunctions")["faulted"], 1);
    assert_eq!(row("ApiGatewayV2", "GetApis")["faulted"], 1);
    assert_eq!(row("STS", "GetCallerIdentity")["faulted"], 0);
    assert_eq!(stats["unidentified"], json!([]), "{stats}");
    proxy.clear(Some(&key));
    proxy.clear(Some("AKIAOTHERSCAN0000000"));
}

//! The one list of AWS operations faascan may call. Every SDK client carries an interceptor
//! that refuses any operation missing here before it is sent; `faascan permissions` prints the
//! IAM actions as a policy; SECURITY.md lists them; a live test checks what reached the server.

use serde_json::json;

/// One read-level API operation the collector uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AllowedCall {
    /// The SDK's service name (`Metadata::service()`).
    pub(crate) sdk_service: &'static str,
    /// The API operation name (`Metadata::name()`).
    pub(crate) operation: &'static str,
    /// The IAM action that authorises it.
    pub(crate) iam_action: &'static str,
    pub(crate) purpose: &'static str,
}

const fn call(
    sdk_service: &'static str,
    operation: &'static str,
    iam_action: &'static str,
    purpose: &'static str,
) -> AllowedCall {
    AllowedCall {
        sdk_service,
        operation,
        iam_action,
        purpose,
    }
}

pub(crate) const ALLOWED_CALLS: &[AllowedCall] = &[
    call(
        "STS",
        "GetCallerIdentity",
        "sts:GetCallerIdentity",
        "who is scanning, which account",
    ),
    call(
        "Account",
        "ListRegions",
        "account:ListRegions",
        "the account's enabled regions (when no --region is given, or --all-regions)",
    ),
    call(
        "Organizations",
        "ListAccounts",
        "organizations:ListAccounts",
        "the organization's member accounts (--organization only)",
    ),
    // Lambda
    call(
        "Lambda",
        "ListFunctions",
        "lambda:ListFunctions",
        "function configuration",
    ),
    call(
        "Lambda",
        "GetFunction",
        "lambda:GetFunction",
        "tags and reserved concurrency (code is never downloaded)",
    ),
    call(
        "Lambda",
        "GetPolicy",
        "lambda:GetPolicy",
        "resource-based policy (the function's, and each alias's with the alias as Qualifier)",
    ),
    call(
        "Lambda",
        "GetFunctionUrlConfig",
        "lambda:GetFunctionUrlConfig",
        "function URL auth type and CORS (the function's, and each alias's)",
    ),
    call(
        "Lambda",
        "ListCodeSigningConfigs",
        "lambda:ListCodeSigningConfigs",
        "code signing, once per region",
    ),
    call(
        "Lambda",
        "ListFunctionsByCodeSigningConfig",
        "lambda:ListFunctionsByCodeSigningConfig",
        "code signing: the functions each config is attached to",
    ),
    call(
        "Lambda",
        "GetFunctionCodeSigningConfig",
        "lambda:GetFunctionCodeSigningConfig",
        "code signing, per function where the endpoint lacks the listing",
    ),
    call(
        "Lambda",
        "ListFunctionEventInvokeConfigs",
        "lambda:ListFunctionEventInvokeConfigs",
        "on-failure destinations",
    ),
    call(
        "Lambda",
        "ListEventSourceMappings",
        "lambda:ListEventSourceMappings",
        "event sources and their maximum concurrency",
    ),
    call(
        "Lambda",
        "ListAliases",
        "lambda:ListAliases",
        "each function's aliases (their own policy and URL are read with the alias as Qualifier)",
    ),
    call(
        "Lambda",
        "GetFunctionConfiguration",
        "lambda:GetFunctionConfiguration",
        "the configuration of the published versions an alias or an event source invokes",
    ),
    call(
        "Lambda",
        "ListLayers",
        "lambda:ListLayers",
        "the account's own layers",
    ),
    call(
        "Lambda",
        "ListLayerVersions",
        "lambda:ListLayerVersions",
        "every version of each layer",
    ),
    call(
        "Lambda",
        "GetLayerVersionPolicy",
        "lambda:GetLayerVersionPolicy",
        "who may use each layer version",
    ),
    // IAM (global)
    call(
        "IAM",
        "GetAccountAuthorizationDetails",
        "iam:GetAccountAuthorizationDetails",
        "roles, users, groups and policies in a few calls",
    ),
    call(
        "IAM",
        "ListPolicies",
        "iam:ListPolicies",
        "default versions of attached AWS-managed policies",
    ),
    call(
        "IAM",
        "GetPolicy",
        "iam:GetPolicy",
        "default version of a policy used only as a permission boundary",
    ),
    call(
        "IAM",
        "GetPolicyVersion",
        "iam:GetPolicyVersion",
        "each attached AWS-managed policy document, once",
    ),
    call(
        "IAM",
        "ListAccessKeys",
        "iam:ListAccessKeys",
        "users' access keys",
    ),
    call(
        "IAM",
        "GetAccessKeyLastUsed",
        "iam:GetAccessKeyLastUsed",
        "access key last use",
    ),
    // S3
    call(
        "S3",
        "ListBuckets",
        "s3:ListAllMyBuckets",
        "buckets (and, where the listing names no region, the buckets of each scanned region)",
    ),
    call(
        "S3",
        "GetBucketLocation",
        "s3:GetBucketLocation",
        "bucket region",
    ),
    call(
        "S3",
        "GetBucketEncryption",
        "s3:GetEncryptionConfiguration",
        "default encryption",
    ),
    call(
        "S3",
        "GetPublicAccessBlock",
        "s3:GetBucketPublicAccessBlock",
        "bucket Block Public Access",
    ),
    call(
        "S3",
        "GetBucketPolicy",
        "s3:GetBucketPolicy",
        "bucket policy",
    ),
    call(
        "S3",
        "GetBucketPolicyStatus",
        "s3:GetBucketPolicyStatus",
        "AWS's own public verdict on the policy",
    ),
    call("S3", "GetBucketAcl", "s3:GetBucketAcl", "ACL grants"),
    call(
        "S3",
        "GetBucketOwnershipControls",
        "s3:GetBucketOwnershipControls",
        "object ownership",
    ),
    call(
        "S3",
        "GetBucketVersioning",
        "s3:GetBucketVersioning",
        "versioning",
    ),
    call(
        "S3",
        "GetBucketLogging",
        "s3:GetBucketLogging",
        "server access logging",
    ),
    call(
        "S3",
        "GetBucketTagging",
        "s3:GetBucketTagging",
        "tags, where the region's tag index is not readable",
    ),
    call(
        "S3 Control",
        "GetPublicAccessBlock",
        "s3:GetAccountPublicAccessBlock",
        "account Block Public Access",
    ),
    call(
        "S3 Control",
        "ListAccessPoints",
        "s3:ListAccessPoints",
        "access points of each region",
    ),
    call(
        "S3 Control",
        "GetAccessPoint",
        "s3:GetAccessPoint",
        "an access point's own Block Public Access",
    ),
    call(
        "S3 Control",
        "GetAccessPointPolicy",
        "s3:GetAccessPointPolicy",
        "access point policy",
    ),
    call(
        "S3 Control",
        "GetAccessPointPolicyStatus",
        "s3:GetAccessPointPolicyStatus",
        "AWS's own public verdict on an access point policy",
    ),
    call(
        "S3 Control",
        "ListMultiRegionAccessPoints",
        "s3:ListMultiRegionAccessPoints",
        "Multi-Region Access Points with their Block Public Access",
    ),
    call(
        "S3 Control",
        "GetMultiRegionAccessPointPolicy",
        "s3:GetMultiRegionAccessPointPolicy",
        "Multi-Region Access Point policy",
    ),
    // API Gateway REST (v1): every read is apigateway:GET on the resource path
    call(
        "API Gateway",
        "GetRestApis",
        "apigateway:GET",
        "REST APIs with their policies",
    ),
    call(
        "API Gateway",
        "GetStages",
        "apigateway:GET",
        "stages and method settings",
    ),
    call(
        "API Gateway",
        "GetDeployment",
        "apigateway:GET",
        "what each stage serves: its deployment's API summary (embed=apisummary)",
    ),
    call(
        "API Gateway",
        "GetResources",
        "apigateway:GET",
        "resources with embedded methods",
    ),
    call(
        "API Gateway",
        "GetAuthorizers",
        "apigateway:GET",
        "authorizers",
    ),
    call(
        "API Gateway",
        "GetUsagePlans",
        "apigateway:GET",
        "usage plans and throttles",
    ),
    call(
        "API Gateway",
        "GetApiKeys",
        "apigateway:GET",
        "API keys (never their values)",
    ),
    call(
        "API Gateway",
        "GetDomainNames",
        "apigateway:GET",
        "custom domains and TLS policy",
    ),
    call(
        "API Gateway",
        "GetBasePathMappings",
        "apigateway:GET",
        "which REST APIs each custom domain serves",
    ),
    call(
        "API Gateway",
        "GetAccount",
        "apigateway:GET",
        "account-level throttle",
    ),
    // API Gateway HTTP (v2)
    call("ApiGatewayV2", "GetApis", "apigateway:GET", "HTTP APIs"),
    call(
        "ApiGatewayV2",
        "GetRoutes",
        "apigateway:GET",
        "routes and their authorization",
    ),
    call(
        "ApiGatewayV2",
        "GetIntegrations",
        "apigateway:GET",
        "route targets",
    ),
    call(
        "ApiGatewayV2",
        "GetStages",
        "apigateway:GET",
        "stages, throttling, access logs",
    ),
    call(
        "ApiGatewayV2",
        "GetDomainNames",
        "apigateway:GET",
        "custom domains (v2) and their TLS policy",
    ),
    call(
        "ApiGatewayV2",
        "GetApiMappings",
        "apigateway:GET",
        "which APIs each v2 custom domain serves",
    ),
    // KMS
    call("KMS", "ListKeys", "kms:ListKeys", "keys"),
    call("KMS", "ListAliases", "kms:ListAliases", "aliases"),
    call("KMS", "DescribeKey", "kms:DescribeKey", "key metadata"),
    call(
        "KMS",
        "GetKeyRotationStatus",
        "kms:GetKeyRotationStatus",
        "rotation",
    ),
    call(
        "KMS",
        "ListKeyRotations",
        "kms:ListKeyRotations",
        "last rotation",
    ),
    call("KMS", "GetKeyPolicy", "kms:GetKeyPolicy", "key policy"),
    call(
        "KMS",
        "ListResourceTags",
        "kms:ListResourceTags",
        "tags, where the region's tag index is not readable",
    ),
    // Resource Groups Tagging API
    call(
        "Resource Groups Tagging API",
        "GetResources",
        "tag:GetResources",
        "tags of the region's buckets and keys, a page per 100 tagged resources",
    ),
];

pub(crate) fn find(sdk_service: &str, operation: &str) -> Option<&'static AllowedCall> {
    ALLOWED_CALLS
        .iter()
        .find(|c| c.sdk_service == sdk_service && c.operation == operation)
}

/// The distinct IAM actions, sorted.
pub(crate) fn iam_actions() -> Vec<&'static str> {
    let mut actions: Vec<&str> = ALLOWED_CALLS.iter().map(|c| c.iam_action).collect();
    actions.sort_unstable();
    actions.dedup();
    actions
}

/// A ready-to-attach identity policy granting exactly what faascan calls.
/// `partition`: `aws`, `aws-cn` or `aws-us-gov` (API Gateway's resource ARNs carry it).
pub(crate) fn iam_policy(partition: &str) -> serde_json::Value {
    let (apigateway, others): (Vec<_>, Vec<_>) = iam_actions()
        .into_iter()
        .partition(|a| a.starts_with("apigateway:"));
    let resources: Vec<String> = [
        "/restapis",
        "/restapis/*",
        "/usageplans",
        "/apikeys",
        "/domainnames",
        "/domainnames/*",
        "/account",
        "/apis",
        "/apis/*",
    ]
    .iter()
    .map(|path| format!("arn:{partition}:apigateway:*::{path}"))
    .collect();
    json!({
        "Version": "2012-10-17",
        "Statement": [
            { "Sid": "FaascanReadOnly", "Effect": "Allow", "Action": others, "Resource": "*" },
            {
                "Sid": "FaascanApiGatewayRead",
                "Effect": "Allow",
                "Action": apigateway,
                "Resource": resources,
            }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_partition_it_is_for() {
        for partition in ["aws", "aws-cn", "aws-us-gov"] {
            let text = iam_policy(partition).to_string();
            let arns: Vec<&str> = text.split('"').filter(|s| s.starts_with("arn:")).collect();
            assert!(!arns.is_empty());
            assert!(
                arns.iter()
                    .all(|a| a.starts_with(&format!("arn:{partition}:"))),
                "{partition}: {arns:?}"
            );
        }
    }

    const READ_PREFIXES: &[&str] = &["List", "Get", "Describe"];

    #[test]
    fn every_allowed_call_is_a_read() {
        for c in ALLOWED_CALLS {
            assert!(
                READ_PREFIXES.iter().any(|p| c.operation.starts_with(p)),
                "{} {} is not a read-level operation",
                c.sdk_service,
                c.operation
            );
            let action = c
                .iam_action
                .split_once(':')
                .map(|(_, a)| a)
                .unwrap_or_default();
            assert!(
                action == "GET" || READ_PREFIXES.iter().any(|p| action.starts_with(p)),
                "{} is not a read-level IAM action",
                c.iam_action
            );
        }
    }

    #[test]
    fn no_duplicates() {
        for (i, a) in ALLOWED_CALLS.iter().enumerate() {
            assert!(
                !ALLOWED_CALLS[i + 1..]
                    .iter()
                    .any(|b| a.sdk_service == b.sdk_service && a.operation == b.operation),
                "{} {} listed twice",
                a.sdk_service,
                a.operation
            );
        }
    }

    #[test]
    fn security_md_lists_every_action() {
        let security = include_str!("../SECURITY.md");
        for action in iam_actions() {
            assert!(
                security.contains(&format!("`{action}`")),
                "SECURITY.md does not list `{action}`"
            );
        }
    }
}

//! The checks end to end: a moto account with a deliberate mix of misconfigurations and clean
//! look-alikes for every check moto can represent; the scan must give each the exact status.

use super::scenario::{RestApi, Seed, allow, lambda_trust};
use crate::common::*;
use aws_sdk_lambda::types::{FunctionUrlAuthType, Runtime};
use aws_sdk_s3::types::{BucketCannedAcl, ServerSideEncryption};
use serde_json::Value;

const ACCOUNT: &str = "210000000006";

#[tokio::test(flavor = "multi_thread")]
async fn checks_judge_a_seeded_account_exactly() {
    let seed = Seed::new(ACCOUNT, "us-east-1").await;
    let roles = seed_iam(&seed).await;
    let keys = seed_kms(&seed).await;
    let open_function = seed_lambda(&seed, &roles, &keys).await;
    seed_s3(&seed).await;
    let api = seed_apigateway(&seed, &open_function).await;

    let scanner = assume_into(ACCOUNT, "scanner").await;
    let (report, out) = scan_report(&scanner.env(), &["--region", "us-east-1"]);
    let results = report["results"].as_array().unwrap();
    let status = |check: &str, name: &str| -> String {
        let matching: Vec<&Value> = results
            .iter()
            .filter(|r| r["check_id"] == check && r["resource"]["name"] == name)
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "{check} on {name}: {} results",
            matching.len()
        );
        matching[0]["status"].as_str().unwrap().to_owned()
    };
    let expect = |rows: &[(&str, &str, &str)]| {
        let mut wrong = Vec::new();
        for (check, name, want) in rows {
            let got = status(check, name);
            if got != *want {
                wrong.push(format!("{check} on {name}: {got}, expected {want}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} wrong:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    };
    let access_key = |user: &str| -> Vec<String> {
        results
            .iter()
            .filter(|r| {
                r["check_id"] == "iam-user-access-key-old"
                    && r["resource"]["name"].as_str().unwrap().starts_with(user)
            })
            .map(|r| r["resource"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(access_key("c-admin-user").len(), 2);
    expect(&[
        ("iam-role-admin-access", "c-admin", "fail"),
        ("iam-role-admin-access", "c-notaction", "fail"),
        ("iam-role-admin-access", "c-narrow", "pass"),
        ("iam-role-admin-access", "c-bounded-admin", "pass"),
        ("iam-role-not-action", "c-notaction", "fail"),
        ("iam-role-not-action", "c-narrow", "pass"),
        ("iam-role-privilege-escalation", "c-passrole", "fail"),
        ("iam-role-privilege-escalation", "c-passrole-scoped", "pass"),
        ("iam-role-privilege-escalation", "c-narrow", "pass"),
        ("iam-role-passrole-wildcard", "c-passrole", "fail"),
        ("iam-role-passrole-wildcard", "c-passrole-scoped", "pass"),
        ("iam-role-data-exfiltration", "c-exfil", "fail"),
        ("iam-role-data-exfiltration", "c-narrow", "pass"),
        ("iam-role-resource-exposure", "c-exposure", "fail"),
        ("iam-role-resource-exposure", "c-narrow", "pass"),
        ("iam-role-service-wildcard", "c-s3star", "fail"),
        ("iam-role-service-wildcard", "c-exfil", "pass"),
        ("iam-role-trust-public", "c-trust-public", "fail"),
        ("iam-role-trust-public", "c-trust-partner", "pass"),
        (
            "iam-role-trust-cross-account-no-external-id",
            "c-trust-partner",
            "fail",
        ),
        (
            "iam-role-trust-cross-account-no-external-id",
            "c-trust-partner-extid",
            "pass",
        ),
        ("iam-user-admin-access", "c-admin-user", "fail"),
        ("iam-user-admin-access", "c-plain-user", "pass"),
        ("iam-user-multiple-access-keys", "c-admin-user", "fail"),
        ("iam-user-multiple-access-keys", "c-plain-user", "pass"),
        ("lambda-function-url-unauthenticated", "c-open", "fail"),
        ("lambda-function-url-unauthenticated", "c-clean", "pass"),
        ("lambda-function-url-cors-wildcard", "c-open", "fail"),
        ("lambda-function-url-cors-wildcard", "c-clean", "pass"),
        ("lambda-function-public-policy", "c-public-policy", "fail"),
        ("lambda-function-public-policy", "c-clean", "pass"),
        // The alias's own policy, read with the alias as Qualifier.
        ("lambda-function-public-policy", "c-clean:live", "fail"),
        (
            "lambda-function-cross-account-invoke",
            "c-clean:live",
            "pass",
        ),
        (
            "lambda-function-permission-unscoped-source",
            "c-clean:live",
            "pass",
        ),
        (
            "lambda-function-permission-unscoped-source",
            "c-s3-trigger",
            "fail",
        ),
        (
            "lambda-function-permission-unscoped-source",
            "c-clean",
            "pass",
        ),
        (
            "lambda-function-cross-account-invoke",
            "c-s3-trigger",
            "fail",
        ),
        ("lambda-function-cross-account-invoke", "c-clean", "pass"),
        ("lambda-function-env-secrets", "c-open", "fail"),
        ("lambda-function-env-secrets", "c-clean", "pass"),
        ("lambda-function-env-no-cmk", "c-open", "fail"),
        ("lambda-function-env-no-cmk", "c-clean", "pass"),
        ("lambda-function-kms-key-unusable", "c-broken-key", "fail"),
        ("lambda-function-kms-key-unusable", "c-clean", "pass"),
        ("lambda-function-no-reserved-concurrency", "c-open", "fail"),
        ("lambda-function-no-reserved-concurrency", "c-clean", "pass"),
        ("lambda-function-timeout-max", "c-open", "fail"),
        ("lambda-function-timeout-max", "c-clean", "pass"),
        ("lambda-function-runtime-deprecated", "c-open", "fail"),
        ("lambda-function-runtime-deprecated", "c-clean", "pass"),
        ("lambda-function-tracing-disabled", "c-open", "fail"),
        ("lambda-function-tracing-disabled", "c-clean", "pass"),
        ("lambda-function-shared-role", "c-clean", "fail"),
        ("lambda-function-shared-role", "c-open", "pass"),
        ("lambda-function-role-missing", "c-open", "pass"),
        ("path-public-function-privileged-role", "c-open", "fail"),
        (
            "path-public-function-privileged-role",
            "c-public-policy",
            "pass",
        ),
        ("path-public-function-privileged-role", "c-clean", "pass"),
        ("path-denial-of-wallet", "c-open", "fail"),
        ("path-denial-of-wallet", "c-clean", "pass"),
        ("s3-bucket-public-acl", "c-public-acl", "fail"),
        ("s3-bucket-public-acl", "c-clean-bucket", "pass"),
        ("s3-bucket-public-policy", "c-public-policy", "fail"),
        ("s3-bucket-public-policy", "c-vpce-only", "pass"),
        ("s3-bucket-cross-account-access", "c-partner-bucket", "fail"),
        ("s3-bucket-cross-account-access", "c-vpce-only", "pass"),
        ("s3-bucket-no-default-encryption", "c-public-acl", "fail"),
        ("s3-bucket-no-default-encryption", "c-clean-bucket", "pass"),
        ("s3-bucket-not-kms-encrypted", "c-clean-bucket", "pass"),
        ("s3-bucket-no-tls-enforcement", "c-public-policy", "fail"),
        ("s3-bucket-no-tls-enforcement", "c-clean-bucket", "pass"),
        (
            "s3-bucket-public-access-block-disabled",
            "c-public-acl",
            "fail",
        ),
        (
            "s3-bucket-public-access-block-disabled",
            "c-clean-bucket",
            "pass",
        ),
        ("s3-bucket-acl-enabled", "c-clean-bucket", "pass"),
        ("s3-bucket-logging-disabled", "c-public-acl", "fail"),
        ("s3-bucket-logging-disabled", "c-clean-bucket", "pass"),
        ("s3-bucket-versioning-disabled", "c-clean-bucket", "unknown"),
        ("s3-account-public-access-block-disabled", ACCOUNT, "fail"),
        ("kms-key-rotation-disabled", "alias/c-static", "fail"),
        ("kms-key-rotation-disabled", "alias/c-rotating", "pass"),
        ("kms-key-disabled", "alias/c-off", "fail"),
        ("kms-key-disabled", "alias/c-rotating", "pass"),
        ("kms-key-pending-deletion", "alias/c-doomed", "fail"),
        ("kms-key-pending-deletion", "alias/c-rotating", "pass"),
        ("kms-key-public-policy", "alias/c-public", "fail"),
        ("kms-key-public-policy", "alias/c-rotating", "pass"),
        ("kms-key-cross-account-access", "alias/c-partner", "fail"),
        ("kms-key-cross-account-access", "alias/c-rotating", "pass"),
        (
            "apigateway-method-unauthenticated",
            "c-api GET /open",
            "fail",
        ),
        // An API key is not authentication.
        (
            "apigateway-method-unauthenticated",
            "c-api GET /keyed",
            "fail",
        ),
        (
            "apigateway-method-unauthenticated",
            "c-api GET /iam",
            "pass",
        ),
        (
            "apigateway-method-unauthenticated",
            "c-private GET /",
            "pass",
        ),
        ("apigateway-stage-no-throttling", "c-api/wild", "fail"),
        ("apigateway-stage-no-throttling", "c-api/tame", "pass"),
        ("apigateway-stage-tracing-disabled", "c-api/wild", "fail"),
        ("apigateway-stage-tracing-disabled", "c-api/tame", "pass"),
        ("apigateway-stage-logging-disabled", "c-api/wild", "fail"),
        ("apigateway-stage-logging-disabled", "c-api/tame", "pass"),
        ("apigateway-stage-cache-unencrypted", "c-api/wild", "fail"),
        ("apigateway-stage-cache-unencrypted", "c-api/tame", "pass"),
        ("apigateway-stage-variable-secrets", "c-api/wild", "fail"),
        ("apigateway-stage-variable-secrets", "c-api/tame", "pass"),
        ("apigateway-stage-no-usage-plan", "c-api/wild", "fail"),
        ("apigateway-domain-weak-tls", "c-old.example.com", "fail"),
        ("apigateway-domain-weak-tls", "c-new.example.com", "pass"),
        ("apigateway-domain-weak-tls", "c-v2-old.example.com", "fail"),
        ("apigateway-domain-weak-tls", "c-v2-new.example.com", "pass"),
        ("apigateway-default-endpoint-enabled", "c-api", "fail"),
        ("apigateway-default-endpoint-enabled", "c-http", "pass"),
        ("lambda-layer-public-policy", "c-shared-layer:1", "fail"),
        ("lambda-layer-public-policy", "c-private-layer:1", "pass"),
        ("s3-access-point-public", "c-open-ap", "fail"),
        ("s3-access-point-public", "c-closed-ap", "pass"),
        (
            "apigateway-route-unauthenticated",
            "c-http POST /open",
            "fail",
        ),
        (
            "apigateway-route-unauthenticated",
            "c-http GET /iam",
            "pass",
        ),
        (
            "apigateway-http-stage-no-throttling",
            "c-http/loose",
            "fail",
        ),
        (
            "apigateway-http-stage-no-throttling",
            "c-http/strict",
            "pass",
        ),
        ("apigateway-stage-logging-disabled", "c-http/loose", "fail"),
        ("apigateway-stage-logging-disabled", "c-http/strict", "pass"),
    ]);
    // API Gateway ARNs are the real ones.
    let method = results
        .iter()
        .find(|r| {
            r["check_id"] == "apigateway-method-unauthenticated"
                && r["resource"]["name"] == "c-api GET /open"
        })
        .unwrap();
    let arn = method["resource"]["arn"].as_str().unwrap();
    assert!(
        arn.starts_with(&format!(
            "arn:aws:apigateway:us-east-1::/restapis/{}/resources/",
            api.id
        )) && arn.ends_with("/methods/GET"),
        "{arn}"
    );
    // The secret value in a stage variable never appears.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ghp_0123456789abcdefghij"));
}

/// A role with an optional inline policy (named `inline`) and managed policies; returns its
/// ARN.
async fn role(
    seed: &Seed,
    name: &str,
    trust: &str,
    inline: Option<&str>,
    managed: &[&str],
) -> String {
    let arn = seed.role(name, trust).await;
    if let Some(document) = inline {
        seed.inline_policy(name, "inline", document).await;
    }
    for policy in managed {
        seed.attach(name, policy).await;
    }
    arn
}

const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// The execution roles the functions use.
struct Roles {
    admin: String,
    narrow: String,
}

/// Roles for each IAM check (admin, NotAction, privilege escalation, PassRole, exfiltration,
/// exposure, service wildcard, public and cross-account trust) with a clean look-alike, and
/// two users.
async fn seed_iam(seed: &Seed) -> Roles {
    let trust = lambda_trust();
    let trusting = |principal: &str, condition: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"{condition}}}]}}"#
        )
    };
    let admin = role(seed, "c-admin", &trust, None, &[ADMIN]).await;
    role(seed, "c-notaction", &trust, Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#), &[]).await;
    let passrole = allow(r#"["iam:PassRole","lambda:CreateFunction"]"#, "*");
    role(seed, "c-passrole", &trust, Some(&passrole), &[]).await;
    let exfil = allow(r#""secretsmanager:GetSecretValue""#, "*");
    role(seed, "c-exfil", &trust, Some(&exfil), &[]).await;
    let exposure = allow(r#""s3:PutBucketPolicy""#, "*");
    role(seed, "c-exposure", &trust, Some(&exposure), &[]).await;
    role(
        seed,
        "c-s3star",
        &trust,
        Some(&allow(r#""s3:*""#, "*")),
        &[],
    )
    .await;
    let narrow = allow(
        r#""dynamodb:GetItem""#,
        "arn:aws:dynamodb:us-east-1:210000000006:table/t",
    );
    let narrow = role(seed, "c-narrow", &trust, Some(&narrow), &[]).await;
    role(seed, "c-passrole-scoped", &trust, Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}"#), &[]).await;
    role(seed, "c-trust-public", &trusting("*", ""), None, &[]).await;
    let partner = "arn:aws:iam::999999999999:root";
    role(seed, "c-trust-partner", &trusting(partner, ""), None, &[]).await;
    let external_id = r#","Condition":{"StringEquals":{"sts:ExternalId":"e-1"}}"#;
    let with_id = trusting(partner, external_id);
    role(seed, "c-trust-partner-extid", &with_id, None, &[]).await;
    role(seed, "c-bounded-admin", &trust, None, &[ADMIN]).await;
    seed.boundary(
        "c-bounded-admin",
        "arn:aws:iam::aws:policy/AWSLambdaExecute",
    )
    .await;
    seed.user("c-admin-user", &[ADMIN], 2).await;
    seed.user("c-plain-user", &[], 0).await;
    Roles { admin, narrow }
}

/// The keys the functions use.
struct Keys {
    rotating: String,
    disabled: String,
}

/// A key for each KMS check, each behind an alias (the results name the alias).
async fn seed_kms(seed: &Seed) -> Keys {
    let rotating = seed.key(Some("rotating"), None).await;
    seed.rotate(&rotating).await;
    seed.key_alias(&rotating, "alias/c-rotating").await;
    let fixed = seed.key(Some("static"), None).await;
    seed.key_alias(&fixed, "alias/c-static").await;
    let disabled = seed.key(Some("off"), None).await;
    seed.disable_key(&disabled).await;
    seed.key_alias(&disabled, "alias/c-off").await;
    let doomed = seed.key(Some("doomed"), None).await;
    seed.schedule_deletion(&doomed).await;
    seed.key_alias(&doomed, "alias/c-doomed").await;
    let key_policy = |principal: &str| {
        Some(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"root","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}},{{"Effect":"Allow","Principal":{principal},"Action":"kms:Decrypt","Resource":"*"}}]}}"#
        ))
    };
    let public = seed.key(None, key_policy(r#""*""#)).await;
    seed.rotate(&public).await;
    seed.key_alias(&public, "alias/c-public").await;
    let partner = seed
        .key(
            None,
            key_policy(r#"{"AWS":"arn:aws:iam::999999999999:root"}"#),
        )
        .await;
    seed.key_alias(&partner, "alias/c-partner").await;
    Keys {
        rotating: seed.key_arn(&rotating),
        disabled: seed.key_arn(&disabled),
    }
}

/// `c-open` (deprecated runtime, 15 minutes, a secret, an open URL with CORS *, admin role)
/// and clean or singly-flawed look-alikes; two layer versions, one public. Returns the ARN
/// of `c-open`.
async fn seed_lambda(seed: &Seed, roles: &Roles, keys: &Keys) -> String {
    let open = seed
        .function("c-open", &roles.admin)
        .runtime(Runtime::Python37)
        .timeout(900)
        .env(&[("AWS_ACCESS_KEY_ID", "AKIAZZZZZZZZZZZZZZZZ")])
        .tracing(false)
        .create()
        .await;
    seed.function_url(&open, FunctionUrlAuthType::None, Some("*"))
        .await;
    seed.public_url_permission(&open, "FunctionURLAllowPublicAccess")
        .await;

    let clean = seed
        .function("c-clean", &roles.narrow)
        .env(&[("TABLE", "t")])
        .kms_key(keys.rotating.clone())
        .tracing(true)
        .create()
        .await;
    seed.lambda
        .put_function_concurrency()
        .function_name(&clean)
        .reserved_concurrent_executions(5)
        .send()
        .await
        .unwrap();
    seed.function_url(&clean, FunctionUrlAuthType::AwsIam, None)
        .await;
    seed.permission(
        &clean,
        "apigw",
        "lambda:InvokeFunction",
        "apigateway.amazonaws.com",
    )
    .source_arn(format!("arn:aws:execute-api:us-east-1:{ACCOUNT}:abc/*"))
    .send()
    .await
    .unwrap();
    // An alias with its own public policy: AWS keeps one policy per qualifier, so the alias
    // is open while the function is not (moto shares one document between qualifiers; the
    // collector keeps each statement with the qualifier its Resource names).
    seed.alias(&clean, "live").await;
    seed.permission(&clean, "public-alias", "lambda:InvokeFunction", "*")
        .qualifier("live")
        .send()
        .await
        .unwrap();

    let public = seed
        .function("c-public-policy", &roles.narrow)
        .tracing(true)
        .create()
        .await;
    seed.permission(&public, "all", "lambda:InvokeFunction", "*")
        .send()
        .await
        .unwrap();
    let s3_trigger = seed
        .function("c-s3-trigger", &roles.narrow)
        .tracing(true)
        .create()
        .await;
    for (statement, principal) in [("s3", "s3.amazonaws.com"), ("partner", "999999999999")] {
        seed.permission(&s3_trigger, statement, "lambda:InvokeFunction", principal)
            .send()
            .await
            .unwrap();
    }
    seed.function("c-broken-key", &roles.narrow)
        .env(&[("A", "b")])
        .kms_key(keys.disabled.clone())
        .tracing(true)
        .create()
        .await;

    // Lambda layers: one version shared with everyone, one private.
    seed.layer("c-shared-layer", Some(Runtime::Python312), Some("*"))
        .await;
    seed.layer("c-private-layer", Some(Runtime::Python312), None)
        .await;
    open
}

/// Buckets public by ACL, by policy, to a partner, behind a VPC endpoint only, a clean one
/// (encrypted, blocked, owner-enforced, logged, TLS only) and its log bucket; two access
/// points.
async fn seed_s3(seed: &Seed) {
    use aws_sdk_s3::types::{ObjectOwnership, OwnershipControls, OwnershipControlsRule};
    for bucket in [
        "c-public-acl",
        "c-public-policy",
        "c-vpce-only",
        "c-clean-bucket",
        "c-partner-bucket",
        "c-logs",
    ] {
        seed.bucket(bucket).await;
    }
    seed.bucket_acl("c-logs", BucketCannedAcl::from("log-delivery-write"))
        .await;
    seed.bucket_acl("c-public-acl", BucketCannedAcl::PublicRead)
        .await;
    let objects = |bucket: &str, principal: &str, condition: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{bucket}/*"{condition}}}]}}"#
        )
    };
    seed.bucket_policy("c-public-policy", &objects("c-public-policy", r#""*""#, ""))
        .await;
    let vpce = r#","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b"}}"#;
    seed.bucket_policy("c-vpce-only", &objects("c-vpce-only", r#""*""#, vpce))
        .await;
    let partner = r#"{"AWS":"arn:aws:iam::999999999999:root"}"#;
    seed.bucket_policy(
        "c-partner-bucket",
        &objects("c-partner-bucket", partner, ""),
    )
    .await;

    seed.bucket_encryption("c-clean-bucket", ServerSideEncryption::AwsKms, None)
        .await;
    seed.block_public_access("c-clean-bucket").await;
    seed.s3
        .put_bucket_ownership_controls()
        .bucket("c-clean-bucket")
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
    seed.s3
        .put_bucket_logging()
        .bucket("c-clean-bucket")
        .bucket_logging_status(
            aws_sdk_s3::types::BucketLoggingStatus::builder()
                .logging_enabled(
                    aws_sdk_s3::types::LoggingEnabled::builder()
                        .target_bucket("c-logs")
                        .target_prefix("c/")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    seed.bucket_policy("c-clean-bucket", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::c-clean-bucket","arn:aws:s3:::c-clean-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#)
        .await;

    // S3 access points: one without Block Public Access and with a public policy, one with
    // the defaults (all on). moto answers these calls with XML roots the SDK rejects after
    // the state changed, so only the effect is checked (by the scan).
    let s3control = seed.s3control();
    let _ = s3control
        .create_access_point()
        .account_id(ACCOUNT)
        .name("c-open-ap")
        .bucket("c-clean-bucket")
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(false)
                .ignore_public_acls(false)
                .block_public_policy(false)
                .restrict_public_buckets(false)
                .build(),
        )
        .send()
        .await;
    let _ = s3control
        .put_access_point_policy()
        .account_id(ACCOUNT)
        .name("c-open-ap")
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/c-open-ap/object/*"}}]}}"#
        ))
        .send()
        .await;
    let _ = s3control
        .create_access_point()
        .account_id(ACCOUNT)
        .name("c-closed-ap")
        .bucket("c-clean-bucket")
        .send()
        .await;
}

/// `c-api`: three methods wired to `open_function` (no auth, API key only, IAM), a stage
/// `wild` (a secret variable, an unencrypted cache, no throttling, tracing or logs) and a
/// stage `tame`; a private API; old and new TLS domains (v1 and v2); an HTTP API with an open
/// and an IAM route and a loose and a strict stage. Returns `c-api`.
async fn seed_apigateway(seed: &Seed, open_function: &str) -> RestApi {
    use aws_sdk_apigateway::types::{EndpointConfiguration, EndpointType, SecurityPolicy};
    let api = seed.rest_api("c-api", None).await;
    let target = format!("{open_function}:live");
    for (path, auth, key) in [
        ("open", "NONE", false),
        ("keyed", "NONE", true),
        ("iam", "AWS_IAM", false),
    ] {
        seed.rest_get(&api, Some(path), auth, key, Some(&target))
            .await;
    }
    seed.rest_stage(
        &api,
        "wild",
        &[("token", "ghp_0123456789abcdefghijABCDEFGHIJ012345")],
    )
    .await;
    seed.rest_stage(&api, "tame", &[]).await;
    seed.patch_stage(
        &api,
        "tame",
        &[
            ("/tracingEnabled", "true"),
            ("/*/*/throttling/rateLimit", "50"),
            ("/*/*/throttling/burstLimit", "20"),
            ("/*/*/logging/loglevel", "ERROR"),
            (
                "/accessLogSettings/destinationArn",
                "arn:aws:logs:us-east-1:210000000006:log-group:a",
            ),
            ("/accessLogSettings/format", "$context.requestId"),
        ],
    )
    .await;
    seed.patch_stage(
        &api,
        "wild",
        &[
            ("/*/*/caching/enabled", "true"),
            ("/*/*/caching/dataEncrypted", "false"),
            // moto fills a new */* entry with 1000/2000 throttling; AWS reports the inherited
            // account defaults, which limit nothing. Mirror AWS.
            ("/*/*/throttling/rateLimit", "10000"),
            ("/*/*/throttling/burstLimit", "5000"),
        ],
    )
    .await;
    let private = seed
        .rest_api(
            "c-private",
            Some(
                EndpointConfiguration::builder()
                    .types(EndpointType::Private)
                    .vpc_endpoint_ids("vpce-1a2b")
                    .build(),
            ),
        )
        .await;
    seed.rest_get(&private, None, "NONE", false, None).await;
    seed.rest_domain("c-old.example.com", SecurityPolicy::Tls10)
        .await;
    seed.rest_domain("c-new.example.com", SecurityPolicy::Tls12)
        .await;
    // The REST API is served through a custom domain while its default endpoint stays on.
    seed.apig
        .create_base_path_mapping()
        .domain_name("c-new.example.com")
        .rest_api_id(&api.id)
        .stage("tame")
        .send()
        .await
        .unwrap();
    // An API Gateway v2 custom domain that still accepts TLS 1.0.
    use aws_sdk_apigatewayv2::types::SecurityPolicy as V2Policy;
    seed.http_domain("c-v2-old.example.com", V2Policy::Tls10)
        .await;
    seed.http_domain("c-v2-new.example.com", V2Policy::Tls12)
        .await;

    let v2 = &seed.v2;
    let http = seed.http_api("c-http").await;
    v2.create_route()
        .api_id(&http)
        .route_key("POST /open")
        .send()
        .await
        .unwrap();
    v2.create_route()
        .api_id(&http)
        .route_key("GET /iam")
        .authorization_type(aws_sdk_apigatewayv2::types::AuthorizationType::AwsIam)
        .send()
        .await
        .unwrap();
    v2.create_stage()
        .api_id(&http)
        .stage_name("loose")
        .send()
        .await
        .unwrap();
    v2.create_stage()
        .api_id(&http)
        .stage_name("strict")
        .default_route_settings(
            aws_sdk_apigatewayv2::types::RouteSettings::builder()
                .throttling_burst_limit(10)
                .throttling_rate_limit(5.0)
                .build(),
        )
        .access_log_settings(
            aws_sdk_apigatewayv2::types::AccessLogSettings::builder()
                .destination_arn("arn:aws:logs:us-east-1:210000000006:log-group:h")
                .format("$context.requestId")
                .build(),
        )
        .send()
        .await
        .unwrap();
    api
}

//! `faascan scan --template`: fixtures per source format with deliberate bad and clean
//! resources, asserting statuses through the JSON report and locations through the
//! inventory's `sources`; unresolvable values are unknown, never pass; malformed files exit 2
//! naming the file and line; unsupported resource types are listed as gaps.
#![allow(clippy::unwrap_used)]

mod common;

use common::{faascan, repo_root};
use serde_json::Value;

fn fixture(name: &str) -> String {
    repo_root()
        .join("tests/fixtures/templates")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

fn report(args: &[&str]) -> Value {
    let mut argv = vec!["scan", "--format", "json", "--fail-on", "none"];
    argv.extend(args);
    let out = faascan(&argv, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn inventory(args: &[&str]) -> Value {
    let mut argv = vec!["inventory"];
    argv.extend(args);
    let out = faascan(&argv, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The status of `check` on the resource whose ARN ends with `suffix`.
fn status(report: &Value, check: &str, suffix: &str) -> String {
    let found: Vec<&Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["check_id"] == check && r["resource"]["arn"].as_str().unwrap().ends_with(suffix)
        })
        .collect();
    assert_eq!(found.len(), 1, "{check} on *{suffix}: {found:?}");
    found[0]["status"].as_str().unwrap().to_owned()
}

#[test]
fn sam_template_bad_ok_and_unknown() {
    let r = report(&["--template", &fixture("sam")]);
    let f = |name: &str| format!(":function:{name}");
    assert_eq!(
        status(
            &r,
            "lambda-function-url-unauthenticated",
            &f("bad-public-url-prod")
        ),
        "fail"
    );
    assert_eq!(
        status(&r, "lambda-function-url-unauthenticated", &f("ok-function")),
        "pass"
    );
    assert_eq!(
        status(
            &r,
            "lambda-function-url-cors-wildcard",
            &f("bad-public-url-prod")
        ),
        "fail"
    );
    assert_eq!(
        status(&r, "lambda-function-env-secrets", &f("bad-public-url-prod")),
        "fail"
    );
    assert_eq!(
        status(&r, "lambda-function-env-secrets", &f("unknown-env")),
        "unknown",
        "a parameter without a value is unknown, never pass"
    );
    assert_eq!(
        status(
            &r,
            "lambda-function-no-reserved-concurrency",
            &f("ok-function")
        ),
        "pass"
    );
    assert_eq!(
        status(
            &r,
            "lambda-function-no-reserved-concurrency",
            &f("unknown-env")
        ),
        "unknown",
        "Fn::ImportValue is unknown"
    );
    assert_eq!(
        status(&r, "lambda-function-tracing-disabled", &f("ok-function")),
        "pass",
        "Globals apply"
    );
    assert_eq!(
        status(
            &r,
            "iam-role-admin-access",
            ":role/stack-BadPublicUrlFunctionRole"
        ),
        "fail"
    );
    assert_eq!(
        status(&r, "iam-role-admin-access", ":role/stack-OkFunctionRole"),
        "pass",
        "S3ReadPolicy expands to S3 reads"
    );
    assert_eq!(
        status(
            &r,
            "path-public-function-privileged-role",
            &f("bad-public-url-prod")
        ),
        "fail"
    );
    assert_eq!(
        status(&r, "s3-bucket-public-acl", ":::bad-public-bucket"),
        "fail"
    );
    assert_eq!(
        status(&r, "s3-bucket-public-policy", ":::bad-public-bucket"),
        "fail"
    );
    assert_eq!(
        status(&r, "s3-bucket-public-policy", ":::stack-okbucket"),
        "pass"
    );
    assert_eq!(
        status(&r, "s3-bucket-versioning-disabled", ":::stack-okbucket"),
        "pass"
    );
    assert_eq!(
        status(&r, "s3-bucket-no-default-encryption", ":::stack-okbucket"),
        "pass",
        "SSE-S3 is the default"
    );
    let methods: Vec<(&str, &str)> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["check_id"] == "apigateway-method-unauthenticated")
        .map(|x| {
            (
                x["resource"]["arn"].as_str().unwrap(),
                x["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        methods
            .iter()
            .any(|(a, s)| a.ends_with("/methods/POST") && *s == "fail"),
        "{methods:?}"
    );
    assert!(
        methods
            .iter()
            .any(|(a, s)| a.ends_with("/methods/GET") && *s == "pass"),
        "{methods:?}"
    );
    let gaps: Vec<&str> = r["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["message"].as_str().unwrap())
        .collect();
    assert!(
        gaps.iter()
            .any(|m| m.contains("DbPassword") && m.contains("template.yaml:")),
        "{gaps:?}"
    );
    let keys = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["check_id"] == "kms-key-rotation-disabled");
    let statuses: Vec<&str> = keys.map(|x| x["status"].as_str().unwrap()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "fail").count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == "pass").count(),
        1,
        "{statuses:?}"
    );
}

#[test]
fn sam_locations_point_at_the_template() {
    let inv = inventory(&["--template", &fixture("sam")]);
    let sources = inv["sources"].as_object().unwrap();
    let function = &sources["arn:aws:lambda:us-east-1:123456789012:function:bad-public-url-prod"];
    assert_eq!(function["file"], "template.yaml");
    assert_eq!(function["logical_id"], "BadPublicUrlFunction");
    assert_eq!(function["line"], 18);
    assert_eq!(function["attributes"]["function_url.auth_type"]["line"], 27);
    let bucket = &sources["arn:aws:s3:::bad-public-bucket"];
    assert_eq!(bucket["logical_id"], "BadBucket");
    assert!(
        sources.keys().any(|k| k.contains("/stages/Prod")),
        "stages are located too"
    );
    // Values are never stored.
    let text = inv.to_string();
    assert!(!text.contains("ghp_0123"), "an environment value leaked");
}

#[test]
fn cdk_synth_output_is_cloudformation_json() {
    let r = report(&["--template", &fixture("cdk")]);
    let f = ":function:AppStack-Handler886CB40B";
    assert_eq!(status(&r, "lambda-function-url-unauthenticated", f), "fail");
    assert_eq!(status(&r, "lambda-function-runtime-deprecated", f), "fail");
    assert_eq!(status(&r, "lambda-function-timeout-max", f), "fail");
    assert_eq!(
        status(
            &r,
            "iam-role-service-wildcard",
            ":role/AppStack-HandlerServiceRoleFCDC14AE"
        ),
        "fail"
    );
    assert_eq!(
        status(
            &r,
            "iam-role-admin-access",
            ":role/AppStack-HandlerServiceRoleFCDC14AE"
        ),
        "pass"
    );
    assert_eq!(
        status(&r, "lambda-function-role-missing", f),
        "pass",
        "Fn::GetAtt to the template's role"
    );

    let inv = inventory(&["--template", &fixture("cdk")]);
    let located =
        &inv["sources"]["arn:aws:lambda:us-east-1:123456789012:function:AppStack-Handler886CB40B"];
    assert_eq!(located["file"], "cdk.out/AppStack.template.json");
    assert_eq!(located["line"], 26);
}

#[test]
fn serverless_framework_file() {
    let r = report(&["--template", &fixture("serverless")]);
    let f = |name: &str| format!(":function:orders-dev-{name}");
    assert_eq!(
        status(&r, "lambda-function-url-unauthenticated", &f("badOpen")),
        "fail"
    );
    assert_eq!(
        status(&r, "lambda-function-env-secrets", &f("badOpen")),
        "fail"
    );
    assert_eq!(
        status(&r, "lambda-function-env-secrets", &f("okPrivate")),
        "unknown",
        "an ssm variable is unknown"
    );
    assert_eq!(
        status(
            &r,
            "lambda-function-no-reserved-concurrency",
            &f("okPrivate")
        ),
        "pass"
    );
    assert_eq!(
        status(
            &r,
            "iam-role-admin-access",
            ":role/orders-dev-eu-west-1-lambdaRole"
        ),
        "fail"
    );
    let prod = report(&[
        "--template",
        &fixture("serverless"),
        "--parameter",
        "stage=prod",
    ]);
    assert_eq!(
        status(
            &prod,
            "lambda-function-url-unauthenticated",
            ":function:orders-prod-badOpen"
        ),
        "fail"
    );
}

#[test]
fn malformed_and_non_templates_exit_2_with_the_line() {
    let out = faascan(&["scan", "--template", &fixture("malformed")], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("malformed/template.yaml:6:"), "{err}");
    let out = faascan(
        &["scan", "--template", &fixture("notatemplate/workflow.yaml")],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("workflow.yaml:1:1") && err.contains("not a CloudFormation template"),
        "{err}"
    );
    let out = faascan(&["scan", "--template", &fixture("does-not-exist")], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unsupported_types_are_listed_and_outside_roles_are_unknown() {
    let r = report(&["--template", &fixture("unsupported")]);
    let gaps: Vec<&str> = r["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["error_code"].as_str().unwrap())
        .collect();
    assert!(gaps.contains(&"UnsupportedResourceType"), "{gaps:?}");
    assert!(gaps.contains(&"RoleOutsideTemplates"), "{gaps:?}");
    assert_eq!(
        status(&r, "lambda-function-role-missing", ":function:stack-Fn"),
        "unknown"
    );
}

#[test]
fn every_output_format_renders() {
    for format in [
        "table", "json", "csv", "junit", "markdown", "html", "ocsf", "asff", "sarif", "summary",
    ] {
        let out = faascan(
            &[
                "scan",
                "--fail-on",
                "none",
                "--format",
                format,
                "--template",
                &fixture("sam"),
            ],
            &[],
        );
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{format}");
    }
    let gate = faascan(
        &["scan", "--fail-on", "high", "--template", &fixture("sam")],
        &[],
    );
    assert_eq!(
        gate.status.code(),
        Some(1),
        "--fail-on gates a pull request"
    );
}

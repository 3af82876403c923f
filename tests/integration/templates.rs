//! `faascan scan --template`: fixtures per source format with deliberate bad and clean
//! resources, asserting statuses through the JSON report and locations through the
//! inventory's `sources`; unresolvable values are unknown, never pass; malformed files exit 2
//! naming the file and line; unsupported resource types are listed as gaps.

use crate::common::{faascan, repo_root};
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
    // A role defined outside the scanned templates leaves IAM read only in part: the scan is
    // incomplete (exit 4), and says so, rather than judging the role absent.
    let out = faascan(
        &[
            "scan",
            "--format",
            "json",
            "--fail-on",
            "none",
            "--template",
            &fixture("unsupported"),
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["incomplete"], true);
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

/// The column of `"address":"ADDRESS"` in a plan printed on one line (as `terraform show
/// -json` prints it).
fn address_column(plan: &str, address: &str) -> u64 {
    let text = std::fs::read_to_string(fixture(plan)).unwrap();
    let needle = format!("\"address\":{}", serde_json::to_string(address).unwrap());
    text.find(&needle).unwrap() as u64 + 1
}

#[test]
fn terraform_plan_bad_ok_and_unknown() {
    // A plan shaped as `terraform show -json` writes it (format 1.2): every resource is new,
    // so ARNs, ids and whatever references them are known only after apply.
    let r = report(&["--template", &fixture("terraform")]);
    let f = |name: &str| format!(":function:{name}");
    let expect = [
        (
            "lambda-function-url-unauthenticated",
            f("bad-public-fn"),
            "fail",
        ),
        (
            "lambda-function-url-unauthenticated",
            f("ok-private-fn"),
            "pass",
        ),
        (
            "lambda-function-url-cors-wildcard",
            f("bad-public-fn"),
            "fail",
        ),
        ("lambda-function-public-policy", f("bad-public-fn"), "fail"),
        ("lambda-function-env-secrets", f("bad-public-fn"), "fail"),
        ("lambda-function-env-secrets", f("ok-private-fn"), "pass"),
        (
            "lambda-function-env-secrets",
            f("unknown-env-fn"),
            "unknown",
        ),
        (
            "lambda-function-no-reserved-concurrency",
            f("bad-public-fn"),
            "fail",
        ),
        (
            "lambda-function-no-reserved-concurrency",
            f("ok-private-fn"),
            "pass",
        ),
        (
            "lambda-function-no-reserved-concurrency",
            f("unknown-env-fn"),
            "unknown",
        ),
        (
            "lambda-function-runtime-deprecated",
            f("bad-public-fn"),
            "fail",
        ),
        ("lambda-function-timeout-max", f("bad-public-fn"), "fail"),
        ("lambda-function-timeout-max", f("ok-private-fn"), "pass"),
        (
            "lambda-function-tracing-disabled",
            f("ok-private-fn"),
            "pass",
        ),
        (
            "lambda-function-tracing-disabled",
            f("bad-public-fn"),
            "fail",
        ),
        // The role ARN is known only after apply: joined through `aws_iam_role.exec.arn`.
        ("lambda-function-role-missing", f("ok-private-fn"), "pass"),
        (
            "path-public-function-privileged-role",
            f("bad-public-fn"),
            "fail",
        ),
        (
            "path-public-function-privileged-role",
            f("ok-private-fn"),
            "pass",
        ),
        ("iam-role-admin-access", ":role/tf-admin".to_owned(), "fail"),
        ("iam-role-admin-access", ":role/tf-exec".to_owned(), "pass"),
        (
            "iam-role-admin-access",
            ":role/tf-unknown-policy".to_owned(),
            "unknown",
        ),
        (
            "iam-role-service-wildcard",
            ":role/tf-s3-wildcard".to_owned(),
            "fail",
        ),
        (
            "iam-role-service-wildcard",
            ":role/tf-exec".to_owned(),
            "pass",
        ),
        (
            "s3-bucket-public-policy",
            ":::tf-bad-public-bucket".to_owned(),
            "fail",
        ),
        (
            "s3-bucket-public-policy",
            ":::tf-ok-bucket".to_owned(),
            "pass",
        ),
        (
            "s3-bucket-public-policy",
            ":::tf-unknown-policy-bucket".to_owned(),
            "unknown",
        ),
        (
            "s3-bucket-public-acl",
            ":::tf-bad-public-bucket".to_owned(),
            "fail",
        ),
        (
            "s3-bucket-public-access-block-disabled",
            ":::tf-bad-public-bucket".to_owned(),
            "fail",
        ),
        (
            "s3-bucket-public-access-block-disabled",
            ":::tf-ok-bucket".to_owned(),
            "pass",
        ),
        (
            "s3-bucket-acl-enabled",
            ":::tf-bad-public-bucket".to_owned(),
            "fail",
        ),
        (
            "s3-bucket-versioning-disabled",
            ":::tf-ok-bucket".to_owned(),
            "pass",
        ),
        (
            "s3-bucket-versioning-disabled",
            ":::tf-logs-bucket".to_owned(),
            "fail",
        ),
        (
            "s3-bucket-not-kms-encrypted",
            ":::tf-ok-bucket".to_owned(),
            "pass",
        ),
        (
            "s3-bucket-logging-disabled",
            ":::tf-ok-bucket".to_owned(),
            "pass",
        ),
        (
            "s3-bucket-no-tls-enforcement",
            ":::tf-ok-bucket".to_owned(),
            "pass",
        ),
        (
            "s3-bucket-no-tls-enforcement",
            ":::tf-bad-public-bucket".to_owned(),
            "fail",
        ),
        (
            "apigateway-stage-tracing-disabled",
            "/stages/prod".to_owned(),
            "pass",
        ),
        (
            "apigateway-stage-tracing-disabled",
            "/stages/dev".to_owned(),
            "fail",
        ),
        (
            "apigateway-stage-no-throttling",
            "/stages/prod".to_owned(),
            "pass",
        ),
        (
            "apigateway-stage-no-throttling",
            "/stages/dev".to_owned(),
            "fail",
        ),
        (
            "apigateway-stage-no-usage-plan",
            "/stages/prod".to_owned(),
            "pass",
        ),
        (
            "apigateway-stage-no-usage-plan",
            "/stages/dev".to_owned(),
            "fail",
        ),
        (
            "apigateway-method-unauthenticated",
            "/methods/GET".to_owned(),
            "fail",
        ),
        (
            "apigateway-method-unauthenticated",
            "/methods/POST".to_owned(),
            "pass",
        ),
        (
            "apigateway-http-stage-no-throttling",
            "/stages/$default".to_owned(),
            "pass",
        ),
    ];
    for (check, suffix, want) in &expect {
        assert_eq!(&status(&r, check, suffix), want, "{check} on *{suffix}");
    }
    for (domain, want) in [
        ("legacy.example.com", "fail"),
        ("api.example.com", "pass"),
        ("unknown.example.com", "unknown"),
    ] {
        let suffix = format!("/domainnames/{domain}");
        assert_eq!(
            status(&r, "apigateway-domain-weak-tls", &suffix),
            want,
            "{domain}"
        );
    }
    // Event source mappings, by the queue: one unbounded (its ARN known only after apply,
    // followed to the queue), one with a maximum concurrency.
    let mapping = |queue: &str| -> String {
        let found: Vec<&Value> = r["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| {
                x["check_id"] == "lambda-event-source-no-max-concurrency"
                    && x["resource"]["name"]
                        .as_str()
                        .unwrap()
                        .ends_with(&format!(":sqs:eu-west-1:123456789012:{queue}"))
            })
            .collect();
        assert_eq!(found.len(), 1, "{queue}: {found:?}");
        found[0]["status"].as_str().unwrap().to_owned()
    };
    assert_eq!(mapping("tf-jobs"), "fail");
    assert_eq!(mapping("tf-orders"), "pass");
    // Routes: the open one fails, the JWT one passes (ids are made up, so by count).
    let routes: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["check_id"] == "apigateway-route-unauthenticated")
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(routes.len(), 2, "{routes:?}");
    assert!(
        routes.contains(&"fail") && routes.contains(&"pass"),
        "{routes:?}"
    );
    let keys: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["check_id"] == "kms-key-rotation-disabled")
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["fail", "pass", "unknown"], "{keys:?}");
    // The region is the provider's; unknown values are gaps naming the resource address.
    assert_eq!(r["regions"][0], "eu-west-1");
    let gaps: Vec<&str> = r["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["message"].as_str().unwrap())
        .collect();
    for address in [
        "aws_lambda_function.unknown_env.reserved_concurrent_executions is known only after apply",
        "aws_lambda_function.unknown_env.environment[0].variables.QUEUE_URL",
        "aws_iam_role_policy.jobs.policy",
        "aws_s3_bucket_policy.unknown_policy.policy",
        "aws_kms_key.unknown.enable_key_rotation",
    ] {
        assert!(
            gaps.iter()
                .any(|m| m.contains(address) && m.contains("plan.json:1:")),
            "{address}: {gaps:?}"
        );
    }
}

#[test]
fn terraform_locations_are_the_plan_file_and_the_address() {
    let inv = inventory(&["--template", &fixture("terraform")]);
    let function = &inv["sources"]["arn:aws:lambda:eu-west-1:123456789012:function:bad-public-fn"];
    assert_eq!(function["file"], "plan.json");
    assert_eq!(function["logical_id"], "aws_lambda_function.bad_public");
    assert_eq!(function["line"], 1, "terraform show -json prints one line");
    assert_eq!(
        function["column"].as_u64().unwrap(),
        address_column("terraform/plan.json", "aws_lambda_function.bad_public")
    );
    // The URL is located at the aws_lambda_function_url resource.
    assert_eq!(
        function["attributes"]["function_url"]["column"]
            .as_u64()
            .unwrap(),
        address_column("terraform/plan.json", "aws_lambda_function_url.bad_public")
    );
    let bucket = &inv["sources"]["arn:aws:s3:::tf-bad-public-bucket"];
    assert_eq!(bucket["logical_id"], "aws_s3_bucket.bad_public");
    assert!(
        bucket["attributes"]["policy"]["column"].as_u64().unwrap()
            >= address_column("terraform/plan.json", "aws_s3_bucket_policy.bad_public"),
        "{bucket}"
    );
    assert!(bucket.get("module_source").is_none());
    assert!(
        !inv.to_string().contains("ghp_0123"),
        "an environment value leaked"
    );
}

#[test]
fn terraform_modules_variables_and_known_identifiers() {
    // Pretty-printed (`terraform show -json plan | jq .`): lines are real lines.
    let out = faascan(
        &[
            "scan",
            "--format",
            "json",
            "--fail-on",
            "none",
            "--template",
            &fixture("terraform-modules"),
        ],
        &[],
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = |name: &str| format!(":function:{name}");
    // ARNs the plan knows (a function that exists) give the account; the provider's region
    // comes from `var.region`.
    assert_eq!(r["account"], "111122223333");
    assert_eq!(r["regions"][0], "eu-central-1");
    for (check, suffix, want) in [
        // role = var.role_arn, set by the module call to aws_iam_role.shared.arn
        ("lambda-function-role-missing", f("orders-handler"), "pass"),
        // role = aws_iam_role.workers[each.key].arn
        ("lambda-function-role-missing", f("tf-worker-a"), "pass"),
        ("lambda-function-role-missing", f("legacy-fn"), "pass"),
        (
            "lambda-function-url-unauthenticated",
            f("orders-handler"),
            "fail",
        ),
        // function_name = module.api.function_name
        ("lambda-function-public-policy", f("orders-handler"), "fail"),
        ("lambda-function-runtime-deprecated", f("legacy-fn"), "fail"),
        (
            "iam-role-admin-access",
            ":role/tf-worker-a".to_owned(),
            "fail",
        ),
        (
            "iam-role-admin-access",
            ":role/tf-worker-b".to_owned(),
            "pass",
        ),
        (
            "s3-bucket-public-access-block-disabled",
            ":::tf-mod-eu".to_owned(),
            "pass",
        ),
        (
            "s3-bucket-public-access-block-disabled",
            ":::tf-mod-us".to_owned(),
            "fail",
        ),
        (
            "apigateway-method-unauthenticated",
            "/restapis/a1b2c3d4e5/resources/2ajrcujsjc/methods/ANY".to_owned(),
            "fail",
        ),
    ] {
        assert_eq!(status(&r, check, &suffix), want, "{check} on *{suffix}");
    }
    let gaps: Vec<(&str, &str)> = r["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["error_code"].as_str().unwrap(),
                g["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        gaps.iter()
            .any(|(code, m)| *code == "UnsupportedResourceType"
                && m.contains("aws_iam_access_key.ci")
                && m.contains("tfplan.json:")),
        "{gaps:?}"
    );
    assert!(
        !gaps.iter().any(|(_, m)| m.contains("aws_sns_topic")),
        "out of scope: counted, not a gap"
    );

    let inv = inventory(&["--template", &fixture("terraform-modules")]);
    let sources = inv["sources"].as_object().unwrap();
    let text = std::fs::read_to_string(fixture("terraform-modules/tfplan.json")).unwrap();
    let line_of = |address: &str| {
        let needle = format!("\"address\": {}", serde_json::to_string(address).unwrap());
        text[..text.find(&needle).unwrap()].matches('\n').count() as u64 + 1
    };
    let orders = &sources["arn:aws:lambda:eu-central-1:111122223333:function:orders-handler"];
    assert_eq!(orders["logical_id"], "module.api.aws_lambda_function.this");
    assert_eq!(orders["module_source"], "./modules/api");
    assert_eq!(
        orders["line"].as_u64().unwrap(),
        line_of("module.api.aws_lambda_function.this")
    );
    assert_eq!(
        sources["arn:aws:s3:::tf-mod-api-logs"]["module_source"], "./modules/api/bucket",
        "a nested local module is relative to its parent"
    );
    assert_eq!(
        sources["arn:aws:s3:::tf-mod-us"]["logical_id"],
        "module.buckets[\"us\"].aws_s3_bucket.this"
    );
    assert!(
        sources["arn:aws:s3:::tf-mod-us"]["module_source"]
            .as_str()
            .unwrap()
            .starts_with("git::")
    );
}

#[test]
fn malformed_plans_exit_2_with_the_line() {
    let out = faascan(&["scan", "--template", &fixture("malformed-plan")], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("malformed-plan/plan.json:8:") && err.contains("not valid JSON"),
        "{err}"
    );
    let dir = std::env::temp_dir().join(format!("faascan-tf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("plan.json");
    std::fs::write(
        &plan,
        r#"{"format_version":"2.0","terraform_version":"9.0.0","planned_values":{}}"#,
    )
    .unwrap();
    let out = faascan(&["scan", "--template", plan.to_str().unwrap()], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("format_version \"2.0\""), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A result of a hand-built live report.
fn live_result(
    severities: &std::collections::HashMap<String, String>,
    check: &str,
    status: &str,
    (arn, kind, name): (&str, &str, &str),
) -> Value {
    serde_json::json!({
        "check_id": check,
        "status": status,
        "severity": severities[check],
        "resource": {
            "arn": arn, "kind": kind, "name": name,
            "region": "us-east-1", "account": "111122223333"
        },
        "findings": [],
        "fingerprint": format!("{:016x}", arn.len() * 7919 + check.len()),
    })
}

#[test]
fn template_and_live_side_by_side() {
    let dir = std::env::temp_dir().join(format!("faascan-drift-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let template = report(&["--template", &fixture("sam")]);
    let severities: std::collections::HashMap<String, String> = template["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["check_id"].as_str().unwrap().to_owned(),
                r["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let template_path = dir.join("template.json");
    std::fs::write(&template_path, template.to_string()).unwrap();

    // The stack as deployed (`orders-prod`, account 111122223333), hand-built: CloudFormation
    // generated the names not set in the template, tagged what it tags, and some settings
    // were changed by hand since.
    let api = "arn:aws:apigateway:us-east-1::/restapis/live123abc";
    let fn_arn = |name: &str| format!("arn:aws:lambda:us-east-1:111122223333:function:{name}");
    let (bad_fn, ok_fn, env_fn, debug_fn, other_fn) = (
        fn_arn("bad-public-url-prod"),
        fn_arn("ok-function"),
        fn_arn("unknown-env"),
        fn_arn("orders-prod-DebugFunction-ABCDEF123456"),
        fn_arn("other-stack-fn"),
    );
    let ok_role = "arn:aws:iam::111122223333:role/orders-prod-OkFunctionRole-1A2B3C4D5E6F";
    let bad_role = "arn:aws:iam::111122223333:role/orders-prod-BadPublicUrlFunctionR-9Z8Y7X6W5V4U";
    let ok_bucket = "arn:aws:s3:::orders-prod-okbucket-1x2y3z4w5v6u";
    let bad_key = "arn:aws:kms:us-east-1:111122223333:key/1111aaaa-2222-bbbb-3333-cccc4444dddd";
    let get = format!("{api}/resources/l1ve01/methods/GET");
    let post = format!("{api}/resources/l1ve02/methods/POST");
    let delete = format!("{api}/resources/l1ve01/methods/DELETE");
    let stage = format!("{api}/stages/Prod");
    let r = |check, status, resource| live_result(&severities, check, status, resource);
    let results = vec![
        r(
            "lambda-function-url-unauthenticated",
            "fail",
            (&bad_fn, "function-url", "bad-public-url-prod"),
        ),
        // AuthType changed to NONE in the console.
        r(
            "lambda-function-url-unauthenticated",
            "fail",
            (&ok_fn, "function-url", "ok-function"),
        ),
        r(
            "lambda-function-no-reserved-concurrency",
            "fail",
            (&ok_fn, "lambda-function", "ok-function"),
        ),
        r(
            "lambda-function-env-secrets",
            "fail",
            (&env_fn, "lambda-function", "unknown-env"),
        ),
        r(
            "lambda-function-tracing-disabled",
            "fail",
            (
                &debug_fn,
                "lambda-function",
                "orders-prod-DebugFunction-ABCDEF123456",
            ),
        ),
        r(
            "lambda-function-tracing-disabled",
            "fail",
            (&other_fn, "lambda-function", "other-stack-fn"),
        ),
        // An administrator policy attached by hand.
        r(
            "iam-role-admin-access",
            "fail",
            (
                ok_role,
                "iam-role",
                "orders-prod-OkFunctionRole-1A2B3C4D5E6F",
            ),
        ),
        r(
            "iam-role-admin-access",
            "fail",
            (
                bad_role,
                "iam-role",
                "orders-prod-BadPublicUrlFunctionR-9Z8Y7X6W5V4U",
            ),
        ),
        // The public ACL removed by hand: the next deployment puts it back.
        r(
            "s3-bucket-public-acl",
            "pass",
            (
                "arn:aws:s3:::bad-public-bucket",
                "s3-bucket",
                "bad-public-bucket",
            ),
        ),
        r(
            "s3-bucket-versioning-disabled",
            "pass",
            (ok_bucket, "s3-bucket", "orders-prod-okbucket-1x2y3z4w5v6u"),
        ),
        r(
            "kms-key-rotation-disabled",
            "fail",
            (bad_key, "kms-key", "1111aaaa-2222-bbbb-3333-cccc4444dddd"),
        ),
        r(
            "apigateway-api-public-policy",
            "pass",
            (api, "rest-api", "orders-prod"),
        ),
        r(
            "apigateway-method-unauthenticated",
            "pass",
            (&get, "rest-api-method", "orders-prod GET /items"),
        ),
        r(
            "apigateway-method-unauthenticated",
            "fail",
            (&post, "rest-api-method", "orders-prod POST /open"),
        ),
        r(
            "apigateway-method-unauthenticated",
            "fail",
            (&delete, "rest-api-method", "orders-prod DELETE /items"),
        ),
        r(
            "apigateway-stage-tracing-disabled",
            "pass",
            (&stage, "rest-api-stage", "orders-prod/Prod"),
        ),
    ];
    let tags =
        |logical: &str, stack: &str| serde_json::json!({"logical_id": logical, "stack": stack});
    let live = serde_json::json!({
        "schema_version": 1,
        "caller_arn": "arn:aws:sts::111122223333:assumed-role/auditor/ci",
        "account": "111122223333",
        "results": results,
        "identities": {
            bad_fn.clone(): tags("BadPublicUrlFunction", "orders-prod"),
            ok_fn.clone(): tags("OkFunction", "orders-prod"),
            env_fn.clone(): tags("UnknownEnvFunction", "orders-prod"),
            debug_fn.clone(): tags("DebugFunction", "orders-prod"),
            other_fn.clone(): tags("Handler", "other-stack"),
            "arn:aws:s3:::bad-public-bucket": tags("BadBucket", "orders-prod"),
            ok_bucket: tags("OkBucket", "orders-prod"),
            bad_key: tags("BadKey", "orders-prod"),
            api: tags("ServerlessRestApi", "orders-prod"),
            stage.clone(): tags("ServerlessRestApiProdStage", "orders-prod"),
        }
    });
    let live_path = dir.join("live.json");
    std::fs::write(&live_path, live.to_string()).unwrap();

    let diff = |args: &[&str]| {
        let out = faascan(args, &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let (t, l) = (template_path.to_str().unwrap(), live_path.to_str().unwrap());
    // Told apart by which report was read from templates, in either order.
    let json = diff(&["diff", "--format", "json", l, t]);
    let d: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        d,
        serde_json::from_str::<Value>(&diff(&["diff", "--format", "json", t, l])).unwrap()
    );
    assert_eq!(d["stacks"][0]["template"], "stack");
    assert_eq!(d["stacks"][0]["live"], "orders-prod");
    let entries = |list: &str| -> Vec<(String, String, String, String)> {
        d[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["check_id"].as_str().unwrap().to_owned(),
                    e["live"]["arn"].as_str().unwrap().to_owned(),
                    e["direction"].as_str().unwrap().to_owned(),
                    e["matched_by"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let drift = entries("drift");
    let has = |check: &str, arn: &str, direction: &str, by: &str| {
        drift.contains(&(
            check.to_owned(),
            arn.to_owned(),
            direction.to_owned(),
            by.to_owned(),
        ))
    };
    assert!(
        has(
            "lambda-function-url-unauthenticated",
            &ok_fn,
            "fails_live",
            "logical-id"
        ),
        "{drift:?}"
    );
    assert!(
        has(
            "lambda-function-no-reserved-concurrency",
            &ok_fn,
            "fails_live",
            "logical-id"
        ),
        "{drift:?}"
    );
    assert!(
        has(
            "iam-role-admin-access",
            ok_role,
            "fails_live",
            "generated-name"
        ),
        "{drift:?}"
    );
    assert!(
        has(
            "s3-bucket-public-acl",
            "arn:aws:s3:::bad-public-bucket",
            "fails_in_template",
            "logical-id"
        ),
        "{drift:?}"
    );
    assert!(
        has(
            "apigateway-stage-tracing-disabled",
            &stage,
            "fails_in_template",
            "api"
        ),
        "{drift:?}"
    );
    assert_eq!(
        drift.len(),
        5,
        "the same verdict on both sides is no drift: {drift:?}"
    );
    assert_eq!(
        entries("undecided"),
        [(
            "lambda-function-env-secrets".to_owned(),
            env_fn.clone(),
            "unknown_in_template".to_owned(),
            "logical-id".to_owned()
        )]
    );
    assert!(
        d["matched"]["generated-name"].as_u64().unwrap() >= 2,
        "{}",
        d["matched"]
    );
    assert!(
        d["matched"]["api"].as_u64().unwrap() >= 3,
        "{}",
        d["matched"]
    );
    let arns = |list: &str| -> Vec<&str> {
        d[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["arn"].as_str().unwrap())
            .collect()
    };
    let only_live = arns("only_live");
    assert!(only_live.contains(&debug_fn.as_str()), "{only_live:?}");
    assert!(
        only_live.contains(&delete.as_str()),
        "a method added by hand: {only_live:?}"
    );
    assert_eq!(only_live.len(), 2, "{only_live:?}");
    assert_eq!(
        d["live_outside_stacks"], 1,
        "other-stack-fn is not compared"
    );
    let only_template: Vec<&str> = d["only_in_template"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["logical_id"].as_str())
        .collect();
    assert!(only_template.contains(&"OkKey"), "{only_template:?}");
    assert!(!only_template.contains(&"BadKey"), "{only_template:?}");

    let text = diff(&["diff", t, l]);
    assert!(text.contains("stack stack = live orders-prod"), "{text}");
    assert!(
        text.contains("lambda-function-url-unauthenticated fails live, passes in the template: lambda-function OkFunction (ok-function)"),
        "{text}"
    );
    assert!(
        text.contains("+ only live: rest-api-method orders-prod DELETE /items"),
        "{text}"
    );

    // Two live reports: the ordinary comparison by fingerprint.
    let plain = diff(&["diff", l, l]);
    assert!(plain.starts_with("Compared with the baseline"), "{plain}");

    // A Terraform plan has no CloudFormation tags: matched by physical name.
    let tf = report(&["--template", &fixture("terraform")]);
    let tf_path = dir.join("tf.json");
    std::fs::write(&tf_path, tf.to_string()).unwrap();
    let tf_live = serde_json::json!({
        "schema_version": 1,
        "caller_arn": "arn:aws:sts::111122223333:assumed-role/auditor/ci",
        "account": "111122223333",
        "results": [
            r("lambda-function-url-unauthenticated", "pass",
              (&fn_arn("bad-public-fn"), "function-url", "bad-public-fn")),
        ],
    });
    let tf_live_path = dir.join("tf-live.json");
    std::fs::write(&tf_live_path, tf_live.to_string()).unwrap();
    let d: Value = serde_json::from_str(&diff(&[
        "diff",
        "--drift",
        "--format",
        "json",
        tf_path.to_str().unwrap(),
        tf_live_path.to_str().unwrap(),
    ]))
    .unwrap();
    assert_eq!(d["drift"][0]["matched_by"], "name", "{d}");
    assert_eq!(d["drift"][0]["direction"], "fails_in_template");
    assert_eq!(
        d["drift"][0]["template"]["logical_id"],
        "aws_lambda_function.bad_public"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Results on template-declared resources say where to fix them: the JSON result's
/// `location`, the table's `at file:line:column`, the HTML's resource cell.
#[test]
fn results_carry_the_template_location_in_json_table_and_html() {
    let r = report(&["--template", &fixture("sam")]);
    let located: Vec<&Value> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| {
            x["status"] == "fail"
                && x["resource"]["arn"]
                    .as_str()
                    .unwrap()
                    .contains(":function:")
        })
        .collect();
    assert!(!located.is_empty());
    for x in &located {
        assert_eq!(x["location"]["file"], "template.yaml", "{x}");
        assert!(x["location"]["line"].as_u64().unwrap() > 1);
    }
    let table = faascan(
        &["scan", "--fail-on", "none", "--template", &fixture("sam")],
        &[],
    );
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("at template.yaml:"), "{text}");
    let html = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--format",
            "html",
            "--template",
            &fixture("sam"),
        ],
        &[],
    );
    let page = String::from_utf8(html.stdout).unwrap();
    assert!(
        page.contains("(template.yaml:"),
        "the static summary names the file and line"
    );
}

/// A reduced real-world file (tests/fixtures/templates/corpus/NAME, each citing its origin)
/// is read, exit 0, and every logical id in `ids` is among the inventory's sources.
fn corpus_case(name: &str, ids: &[&str]) -> Value {
    let path = fixture(&format!("corpus/{name}"));
    let out = faascan(
        &[
            "scan",
            "--template",
            &path,
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    );
    // Accepted: results (0), or results of a scan that says it is incomplete (4).
    assert!(
        matches!(out.status.code(), Some(0 | 4)),
        "{name}: {:?} {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let inv = inventory(&["--template", &path]);
    // No `sources` at all when nothing was read.
    let found: Vec<&str> = inv["sources"]
        .as_object()
        .map(|s| {
            s.values()
                .filter_map(|s| s["logical_id"].as_str())
                .collect()
        })
        .unwrap_or_default();
    for id in ids {
        assert!(found.contains(id), "{name}: {id} not in {found:?}");
    }
    inv
}

#[test]
fn corpus_flow_collection_indented_at_its_key() {
    let inv = corpus_case("flow-indentation", &["MyFunction", "MyApi"]);
    // Locations stay those of the original text.
    let function = inv["sources"]
        .as_object()
        .unwrap()
        .values()
        .find(|s| s["logical_id"] == "MyFunction")
        .unwrap();
    assert_eq!(function["line"], 17);
}

fn gap_messages(inv: &Value) -> Vec<String> {
    inv["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["message"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn corpus_for_each_loops_expand_or_are_unknown() {
    let inv = corpus_case(
        "foreach",
        &["UsersFunction", "OrdersFunction", "UsersFunctionRole"],
    );
    let gaps = gap_messages(&inv);
    assert!(
        gaps.iter().any(|g| g.contains("Fn::ForEach::Later")
            && g.contains("cannot be resolved")
            && g.contains(":29:")),
        "{gaps:?}"
    );
    let r = report(&["--template", &fixture("corpus/foreach")]);
    assert_eq!(
        status(&r, "lambda-function-url-unauthenticated", "-UsersFunction"),
        "fail"
    );
}

#[test]
fn corpus_serverless_function_and_resource_lists_with_file_includes() {
    let inv = corpus_case(
        "serverless-includes",
        &["IncludedLambdaFunction", "InlineLambdaFunction", "HttpApi"],
    );
    let gaps = gap_messages(&inv);
    assert!(
        gaps.iter()
            .any(|g| g.contains("${file(./missing.yml)}") && g.contains("serverless.yml:15:")),
        "{gaps:?}"
    );
    // Values from an included file are located at the include.
    let r = report(&["--template", &fixture("corpus/serverless-includes")]);
    assert_eq!(
        status(
            &r,
            "lambda-function-url-unauthenticated",
            ":function:includes-dev-included"
        ),
        "fail"
    );
    let buckets: Vec<&Value> = inv["sources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|s| s["logical_id"] == "PublicBucket")
        .collect();
    // Read once, as part of the service: the included resources.yml is not a stack of its own.
    assert_eq!(buckets.len(), 1, "{buckets:?}");
    assert_eq!(buckets[0]["file"], "serverless.yml");
    assert_eq!(buckets[0]["line"], 20);
}

#[test]
fn corpus_serverless_events_on_an_existing_rest_api_are_unknown() {
    let inv = corpus_case("serverless-external-api/http", &["ListLambdaFunction"]);
    let found: Vec<&Value> = inv["sources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|s| s["logical_id"] == "HttpApi")
        .collect();
    assert!(found.is_empty(), "no HttpApi is made up: {found:?}");
    let gaps = gap_messages(&inv);
    assert!(
        gaps.iter()
            .any(|g| g.contains("abcdef1234") && g.contains("serverless.yml:8:")),
        "{gaps:?}"
    );
    let inv = corpus_case(
        "serverless-external-api/serverless.yml",
        &["ListLambdaFunction"],
    );
    let gaps = gap_messages(&inv);
    assert!(
        gaps.iter()
            .any(|g| g.contains("a1b2c3d4e5") && g.contains("serverless.yml:9:")),
        "{gaps:?}"
    );
}

#[test]
fn corpus_sam_web_function_is_read_as_a_function() {
    let inv = corpus_case("web-function", &["MyWebFunction", "MyWebFunctionRole"]);
    let gaps = gap_messages(&inv);
    assert!(
        gaps.iter()
            .any(|g| g.contains("WebFunction") && g.contains("template.yaml:5:")),
        "{gaps:?}"
    );
    let r = report(&["--template", &fixture("corpus/web-function")]);
    assert_eq!(
        status(&r, "iam-role-admin-access", "-MyWebFunctionRole"),
        "fail"
    );
}

#[test]
fn corpus_serverless_resource_includes_and_empty_resources() {
    let inv = corpus_case(
        "serverless-resource-includes",
        &["WorkerLambdaFunction", "Table"],
    );
    let gaps = gap_messages(&inv);
    for (what, line) in [("not-here.yml", ":14:"), ("also-not-here.yml", ":15:")] {
        assert!(
            gaps.iter().any(|g| g.contains(what) && g.contains(line)),
            "{what}: {gaps:?}"
        );
    }
    corpus_case(
        "serverless-empty-resources",
        &["HelloLambdaFunction", "ApiGatewayRestApi"],
    );
}

#[test]
fn corpus_conditional_role_is_made_when_no_role_is_given() {
    corpus_case("conditional-role", &["Worker", "WorkerRole"]);
    let path = fixture("corpus/conditional-role");
    let r = report(&["--template", &path]);
    assert_eq!(status(&r, "iam-role-admin-access", "-WorkerRole"), "fail");
    // Given a role, SAM makes none: the function's role is outside the template.
    let given = "RoleArn=arn:aws:iam::123456789012:role/existing";
    let inv = inventory(&["--template", &path, "--parameter", given]);
    let roles = inv["iam"]["known"]["roles"].as_array().unwrap();
    assert!(roles.is_empty(), "{roles:?}");
    assert!(
        gap_messages(&inv)
            .iter()
            .any(|g| g.contains("role/existing"))
    );
}

#[test]
fn corpus_api_definitions_not_in_the_template_are_unknown() {
    corpus_case(
        "api-definition-elsewhere/template.yaml",
        &["Api", "Http", "Raw", "Handler"],
    );
    let r = report(&[
        "--template",
        &fixture("corpus/api-definition-elsewhere/template.yaml"),
    ]);
    for (check, api) in [
        (
            "apigateway-method-unauthenticated",
            "-Api (resources not read)",
        ),
        (
            "apigateway-method-unauthenticated",
            "-Raw (resources not read)",
        ),
        (
            "apigateway-route-unauthenticated",
            "-Http (routes not read)",
        ),
    ] {
        let found: Vec<&Value> = r["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| {
                x["check_id"] == check && x["resource"]["name"].as_str().unwrap().ends_with(api)
            })
            .collect();
        assert_eq!(found.len(), 1, "{check} {api}");
        assert_eq!(found[0]["status"], "unknown", "{check} {api}");
    }
    let inv = corpus_case(
        "api-definition-elsewhere/sls",
        &["LogEventLambdaFunction", "MyHttpApi"],
    );
    let gaps = gap_messages(&inv);
    assert!(
        gaps.iter()
            .any(|g| g.contains("${file(./api.json)}") && g.contains("serverless.yml:20:")),
        "{gaps:?}"
    );
}

/// The status of every result of `check` whose resource name ends with `suffix`.
fn statuses(report: &Value, check: &str, suffix: &str) -> Vec<String> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["check_id"] == check && r["resource"]["name"].as_str().unwrap().ends_with(suffix)
        })
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn corpus_settings_that_cannot_be_read_are_unknown() {
    let sls = fixture("corpus/unresolved-settings/sls");
    corpus_case(
        "unresolved-settings/sls",
        &["ApiLambdaFunction", "WorkerLambdaFunction"],
    );
    let r = report(&["--template", &sls]);
    for check in [
        "lambda-function-url-unauthenticated",
        "lambda-function-public-policy",
        "lambda-function-env-secrets",
    ] {
        assert_eq!(
            statuses(&r, check, "unresolved-dev-api"),
            ["unknown"],
            "{check}"
        );
    }
    assert_eq!(
        statuses(
            &r,
            "apigateway-method-unauthenticated",
            "(resources not read)"
        ),
        ["unknown"]
    );
    let gaps = gap_messages(&inventory(&["--template", &sls]));
    assert!(
        gaps.iter()
            .any(|g| g.contains("${file(./events.yml)}") && g.contains("serverless.yml:17:")),
        "{gaps:?}"
    );
    let cfn = fixture("corpus/unresolved-settings/template.yaml");
    let r = report(&["--template", &cfn]);
    assert_eq!(
        statuses(&r, "s3-bucket-public-access-block-disabled", "-bucket"),
        ["unknown"]
    );
    assert_eq!(
        statuses(
            &r,
            "apigateway-method-unauthenticated",
            "(resources not read)"
        ),
        ["unknown"]
    );
    assert_eq!(
        statuses(&r, "apigateway-route-unauthenticated", "(routes not read)"),
        ["unknown"]
    );
    assert_eq!(
        statuses(&r, "lambda-function-env-secrets", "-WithSecret"),
        ["fail"]
    );
    assert_eq!(
        statuses(&r, "lambda-function-env-secrets", "-WithoutSecret"),
        ["unknown"]
    );
}

#[test]
fn corpus_authorizers_given_by_intrinsics_are_unknown_until_resolved() {
    let path = fixture("corpus/intrinsic-authorizer");
    corpus_case(
        "intrinsic-authorizer",
        &["F", "Api", "Http", "ServerlessRestApi", "ServerlessHttpApi"],
    );
    let r = report(&["--template", &path]);
    assert_eq!(
        statuses(
            &r,
            "apigateway-method-unauthenticated",
            "(resources not read)"
        ),
        ["unknown", "unknown"]
    );
    assert_eq!(
        statuses(&r, "apigateway-route-unauthenticated", "(routes not read)"),
        ["unknown", "unknown"]
    );
    let r = report(&["--template", &path, "--parameter", "Auth=AWS_IAM"]);
    for check in [
        "apigateway-method-unauthenticated",
        "apigateway-route-unauthenticated",
    ] {
        let all: Vec<String> = r["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["check_id"] == check)
            .map(|x| x["status"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(all, ["pass", "pass"], "{check}");
    }
}

#[test]
fn corpus_serverless_role_that_cannot_be_read_is_unknown() {
    let path = fixture("corpus/unresolved-settings/sls-role");
    corpus_case("unresolved-settings/sls-role", &["WorkerLambdaFunction"]);
    let out = faascan(
        &[
            "scan",
            "--template",
            &path,
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(4),
        "incomplete: the role is outside"
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    // No default role is made up: the role checks have no role to pass on.
    assert!(statuses(&r, "iam-role-admin-access", "-lambdaRole").is_empty());
    assert_eq!(
        statuses(
            &r,
            "lambda-function-role-missing",
            "unresolved-role-dev-worker"
        ),
        ["unknown"]
    );
    let gaps = gap_messages(&inventory(&["--template", &path]));
    assert!(
        gaps.iter()
            .any(|g| g.contains("the execution role") && g.contains("serverless.yml:7:")),
        "{gaps:?}"
    );
}

#[test]
fn corpus_serverless_websocket_events_make_the_websockets_api() {
    let inv = corpus_case(
        "serverless-websocket",
        &[
            "WebsocketsApi",
            "ConnectWebsocketsRoute",
            "DefaultWebsocketsRoute",
        ],
    );
    let api = &inv["regions"][0]["http_apis"]["known"][0];
    assert_eq!(api["protocol_type"], "WEBSOCKET");
    let routes: Vec<&str> = api["routes"]["known"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["route_key"].as_str().unwrap())
        .collect();
    assert_eq!(routes.len(), 3, "{routes:?}");
    let r = report(&["--template", &fixture("corpus/serverless-websocket")]);
    // $connect (the only route API Gateway authorizes on a WebSocket API) has an authorizer.
    assert_eq!(
        statuses(&r, "apigateway-route-unauthenticated", "$connect"),
        ["pass"]
    );
}

/// `serverless.json` is a Serverless Framework file too (JSON has no comments to cite the
/// documentation from: it lists serverless.yml, serverless.yaml, serverless.json).
#[test]
fn corpus_serverless_json_is_read_as_serverless() {
    let inv = corpus_case("serverless-json", &["HelloLambdaFunction", "HttpApi"]);
    let r = report(&["--template", &fixture("corpus/serverless-json")]);
    assert_eq!(
        statuses(
            &r,
            "lambda-function-url-unauthenticated",
            "json-service-dev-hello"
        ),
        ["fail"]
    );
    let function = inv["sources"]
        .as_object()
        .unwrap()
        .values()
        .find(|s| s["logical_id"] == "HelloLambdaFunction")
        .unwrap();
    assert_eq!(function["attributes"]["function_url.auth_type"]["line"], 4);
}

#[test]
fn corpus_serverless_fragments_named_serverless_yml_are_not_services() {
    let inv = corpus_case("serverless-fragments", &["OrdersLambdaFunction"]);
    let files: Vec<&str> = inv["sources"]
        .as_object()
        .unwrap()
        .values()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert!(files.iter().all(|f| *f == "serverless.yml"), "{files:?}");
    // Named explicitly, a file without `service` is still a clear error.
    let fragment = fixture("corpus/serverless-fragments/functions/orders/serverless.yml");
    let out = faascan(&["scan", "--template", &fragment], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn corpus_serverless_framework_defaults_and_bare_events() {
    let inv = corpus_case(
        "serverless-defaults",
        &["QueryLambdaFunction", "LuckyNumberLambdaFunction"],
    );
    assert_eq!(gap_messages(&inv), Vec::<String>::new());
    let functions = inv["regions"][0]["lambda_functions"]["known"]
        .as_array()
        .unwrap();
    let lucky = functions
        .iter()
        .find(|f| f["name"] == "graphql-api-dev-luckyNumber")
        .unwrap();
    assert!(
        lucky["resource_policy"]["known"]
            .as_str()
            .unwrap()
            .contains("alexa-appkit.amazon.com")
    );
}

#[test]
fn corpus_resources_whose_condition_is_false_are_said_to_be_absent() {
    let inv = corpus_case("condition-false", &[]);
    let gaps = gap_messages(&inv);
    assert!(
        gaps.iter().any(
            |g| g.starts_with("F (AWS::Lambda::Function) is not deployed")
                && g.contains("condition IsProd is false")
                && g.contains("template.yaml:10:")
        ),
        "{gaps:?}"
    );
    let inv = inventory(&[
        "--template",
        &fixture("corpus/condition-false"),
        "--parameter",
        "Env=prod",
    ]);
    assert!(gap_messages(&inv).is_empty());
    assert_eq!(
        inv["regions"][0]["lambda_functions"]["known"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn corpus_default_authorizers_apply_to_the_definitions_methods() {
    corpus_case("definition-default-auth", &["AppApi", "Iam", "Jwt"]);
    let r = report(&["--template", &fixture("corpus/definition-default-auth")]);
    assert_eq!(
        statuses(&r, "apigateway-method-unauthenticated", "-AppApi GET /"),
        ["pass"]
    );
    assert_eq!(
        statuses(&r, "apigateway-method-unauthenticated", "-AppApi GET /open"),
        ["fail"]
    );
    assert_eq!(
        statuses(&r, "apigateway-route-unauthenticated", "-Iam GET /a"),
        ["pass"]
    );
    assert_eq!(
        statuses(&r, "apigateway-route-unauthenticated", "-Jwt GET /b"),
        ["pass"]
    );
    // An explicit `security: []` opts a method out of the default.
    assert_eq!(
        statuses(&r, "apigateway-route-unauthenticated", "-Jwt GET /c"),
        ["fail"]
    );
}

/// A template from a pull request must not read the runner's other files into a report, nor
/// exhaust memory: `${file(...)}`, `DefinitionUri` and `AWS::Include` read only regular-sized
/// files inside the scanned directory (symlinks resolved); anything else stays unknown.
#[cfg(unix)]
#[test]
fn included_files_outside_the_scanned_directory_or_unbounded_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.json"),
        r#"{"token": "SECRET-CANARY-FILE-1"}"#,
    )
    .unwrap();
    std::fs::write(
        outside.path().join("api.yaml"),
        "swagger: '2.0'\ninfo: {title: SECRET-CANARY-FILE-2}\npaths: {}\n",
    )
    .unwrap();
    let scanned = tempfile::tempdir().unwrap();
    let app = scanned.path().join("app");
    std::fs::create_dir(&app).unwrap();
    let relative_secret = format!("{}/secret.json", outside.path().display())
        .trim_start_matches('/')
        .to_owned();
    let up = "../".repeat(app.components().count());
    std::fs::write(
        app.join("serverless.yml"),
        format!(
            "service: s\nprovider: {{name: aws, runtime: python3.12}}\nfunctions:\n  f:\n    handler: h.h\n    name: ${{file({up}{relative_secret}):token}}\n  limited:\n    handler: h.h\n    reservedConcurrency: ${{file({up}{relative_secret}):n, 5}}\n  missing:\n    handler: h.h\n    reservedConcurrency: ${{file(./missing.json):n, 5}}\n"
        ),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path().join("api.yaml"), app.join("linked.yaml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", app.join("zero.yaml")).unwrap();
    std::fs::write(
        app.join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Linked:\n    Type: AWS::Serverless::Api\n    Properties: {StageName: prod, DefinitionUri: linked.yaml}\n  Zero:\n    Type: AWS::Serverless::Api\n    Properties: {StageName: prod, DefinitionUri: zero.yaml}\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = faascan(
        &[
            "scan",
            "--template",
            scanned.path().to_str().unwrap(),
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        &[],
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "a device behind a symlink is read through a bound"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code().is_some(), "{stderr}");
    for canary in ["SECRET-CANARY-FILE-1", "SECRET-CANARY-FILE-2"] {
        assert!(!stdout.contains(canary), "{canary} leaked into the report");
        assert!(!stderr.contains(canary), "{canary} leaked into the log");
    }
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = report.to_string();
    // Both definitions stay unknown, each with a gap saying it was not read.
    let unread = report["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| {
            g["message"]
                .as_str()
                .is_some_and(|m| m.contains("not a file inside the scanned directory"))
        })
        .count();
    assert_eq!(unread, 2, "{text:.3000}");
    // A file faascan will not read is not a missing file: the framework would read it, so the
    // `, default` is not its value, and the setting is unknown. A missing file takes the default.
    assert_eq!(
        statuses(
            &report,
            "lambda-function-no-reserved-concurrency",
            "-limited"
        ),
        ["unknown"]
    );
    assert_eq!(
        statuses(
            &report,
            "lambda-function-no-reserved-concurrency",
            "-missing"
        ),
        ["pass"]
    );
}

#[test]
fn environments_of_the_wrong_shape_are_unknown_not_empty() {
    // A plan's `environment` that is a string or a list of strings, `variables` that is not a
    // map, a variable whose value is a map; a CloudFormation `Environment: !If` on a condition
    // that cannot be evaluated, `Variables` written as a list. Each used to read as "no
    // variables", so `lambda-function-env-secrets` passed.
    let dir = fixture("malformed-env");
    let r = report(&["--template", &dir]);
    for name in [
        "env-env_string",
        "env-env_list_of_strings",
        "env-variables_string",
        "env-nested_value",
        "env-conditional",
        "env-variables-list",
    ] {
        assert_eq!(
            statuses(&r, "lambda-function-env-secrets", name),
            ["unknown"],
            "{name}"
        );
    }
    // A plaintext secret beside an unreadable value still fails; a well-formed one is judged.
    assert_eq!(
        statuses(
            &r,
            "lambda-function-env-secrets",
            "env-nested_value_with_secret"
        ),
        ["fail"]
    );
    assert_eq!(
        statuses(
            &r,
            "lambda-function-env-secrets",
            "env-environment_as_object"
        ),
        ["pass"]
    );
    // One in the plan, one in the CloudFormation template.
    assert_eq!(
        statuses(&r, "lambda-function-env-secrets", "env-plain"),
        ["pass", "pass"]
    );
    let gaps = gap_messages(&inventory(&["--template", &dir]));
    assert!(
        gaps.iter()
            .any(|g| g.contains("the environment variable CONFIG is not a string")),
        "{gaps:?}"
    );
    assert!(
        gaps.iter()
            .any(|g| g.contains("condition IsProd") && g.contains("template.yaml:24:")),
        "{gaps:?}"
    );
}

#[test]
fn serverless_defaults_stand_in_only_for_values_that_are_absent() {
    // `${opt:x, 5}` without `--parameter x=...` is the framework's default; `${ssm:...}`,
    // `${env:...}` and `${cf:...}` are read at deploy time, where they may well be set, so a
    // default beside them is a guess and the setting is unknown.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("serverless.yml"),
        "service: d\nprovider: {name: aws, runtime: python3.12}\nfunctions:\n  fromOption:\n    handler: h.h\n    reservedConcurrency: ${opt:concurrency, 5}\n  fromSsm:\n    handler: h.h\n    reservedConcurrency: ${ssm:/d/concurrency, 5}\n  fromEnv:\n    handler: h.h\n    reservedConcurrency: ${env:CONCURRENCY, 5}\n  fromStack:\n    handler: h.h\n    reservedConcurrency: ${cf:other.Concurrency, 5}\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let r = report(&["--template", path]);
    let check = "lambda-function-no-reserved-concurrency";
    assert_eq!(statuses(&r, check, "-fromOption"), ["pass"]);
    for name in ["-fromSsm", "-fromEnv", "-fromStack"] {
        assert_eq!(statuses(&r, check, name), ["unknown"], "{name}");
    }
    let note = |r: &Value, value: &str| {
        r["results"].as_array().unwrap().iter().any(|x| {
            x["check_id"] == check
                && x["resource"]["name"]
                    .as_str()
                    .unwrap()
                    .ends_with("-fromOption")
                && x.to_string()
                    .contains(&format!("reserved concurrency {value}"))
        })
    };
    assert!(note(&r, "5"), "the default");
    // Given, the option is used instead of the default.
    let given = report(&["--template", path, "--parameter", "concurrency=7"]);
    assert!(note(&given, "7"), "the option given");
}

#[test]
fn serverless_variables_that_use_one_another_many_times_are_bounded() {
    // custom.v0 uses v1 sixteen times, v1 uses v2 sixteen times, ...: 16^4 characters is a
    // value; 16^12 is not made (it would take the machine's memory and years), it is unknown.
    let write = |dir: &std::path::Path, levels: usize| {
        let mut text =
            String::from("service: fan\nprovider: {name: aws, runtime: python3.12}\ncustom:\n");
        for i in 0..levels {
            text.push_str(&format!(
                "  v{i}: \"{}\"\n",
                format!("${{self:custom.v{}}}", i + 1).repeat(16)
            ));
        }
        text.push_str(&format!("  v{levels}: x\nfunctions:\n  f:\n    handler: h.h\n    environment:\n      GREETING: ${{self:custom.v0}}\n"));
        std::fs::write(dir.join("serverless.yml"), text).unwrap();
    };
    let shallow = tempfile::tempdir().unwrap();
    write(shallow.path(), 4);
    let r = report(&["--template", shallow.path().to_str().unwrap()]);
    assert_eq!(statuses(&r, "lambda-function-env-secrets", "-f"), ["pass"]);
    let deep = tempfile::tempdir().unwrap();
    write(deep.path(), 12);
    let r = report(&["--template", deep.path().to_str().unwrap()]);
    assert_eq!(
        statuses(&r, "lambda-function-env-secrets", "-f"),
        ["unknown"]
    );
    let gaps = gap_messages(&inventory(&["--template", deep.path().to_str().unwrap()]));
    assert!(
        gaps.iter().any(|g| g.contains("longer than 1 MiB")),
        "{gaps:?}"
    );
}

/// The inventory of one generated template (JSON), written to a temporary directory.
fn inventory_of(name: &str, template: &Value) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, template.to_string()).unwrap();
    inventory(&["--template", path.to_str().unwrap()])
}

fn known<'a>(node: &'a Value, what: &str) -> &'a Vec<Value> {
    node[what]["known"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: {node}"))
}

fn by_name<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

// Many resources attaching to many others are matched through indexes, not scans; these
// check the matches are those of a scan in template order.

#[test]
fn many_permissions_urls_and_mappings_attach_to_the_function_they_name() {
    const N: usize = 600;
    let role = "arn:aws:iam::123456789012:role/r";
    let arn = |i: usize| format!("arn:aws:lambda:us-east-1:123456789012:function:fn{i}");
    let mut resources = serde_json::Map::new();
    for i in 0..N {
        resources.insert(
            format!("F{i}"),
            serde_json::json!({"Type": "AWS::Lambda::Function", "Properties": {
                "FunctionName": format!("fn{i}"), "Handler": "x", "Runtime": "python3.12", "Role": role}}),
        );
    }
    // Two functions named alike: the first in the template is the one named.
    for dup in ["DupA", "DupB"] {
        resources.insert(
            dup.to_owned(),
            serde_json::json!({"Type": "AWS::Lambda::Function", "Properties": {
                "FunctionName": "dup", "Handler": "x", "Runtime": "python3.12", "Role": role}}),
        );
    }
    for i in 0..N {
        // By name, by qualified ARN and by partial ARN (`name:alias`), in turn.
        let target = match i % 3 {
            0 => format!("fn{i}"),
            1 => format!("{}:live", arn(i)),
            _ => format!("fn{i}:live"),
        };
        resources.insert(
            format!("P{i}"),
            serde_json::json!({"Type": "AWS::Lambda::Permission", "Properties": {
                "FunctionName": target, "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"}}),
        );
    }
    resources.insert(
        "PDup".to_owned(),
        serde_json::json!({"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": "dup", "Action": "lambda:InvokeFunction", "Principal": "sns.amazonaws.com"}}),
    );
    resources.insert(
        "Url".to_owned(),
        serde_json::json!({"Type": "AWS::Lambda::Url", "Properties": {
            "TargetFunctionArn": arn(N - 100), "AuthType": "NONE"}}),
    );
    resources.insert(
        "Mapping".to_owned(),
        serde_json::json!({"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "FunctionName": format!("fn{}", N - 1), "EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q"}}),
    );
    resources.insert(
        "Invoke".to_owned(),
        serde_json::json!({"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
            "FunctionName": arn(N - 2), "Qualifier": "live"}}),
    );
    let inv = inventory_of(
        "permissions.json",
        &serde_json::json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}),
    );
    let functions = known(&inv["regions"][0], "lambda_functions");
    assert_eq!(functions.len(), N + 2);
    for i in [0, 1, 2, 499, 500, 501, N - 1] {
        let policy = functions
            .iter()
            .find(|f| f["name"] == format!("fn{i}"))
            .and_then(|f| f["resource_policy"]["known"].as_str())
            .unwrap_or_else(|| panic!("fn{i} has no policy"));
        let policy: Value = serde_json::from_str(policy).unwrap();
        let sids: Vec<&str> = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["Sid"].as_str())
            .collect();
        assert_eq!(sids, vec![format!("P{i}")], "fn{i}");
    }
    let policy_of = |logical: &str| {
        functions
            .iter()
            .find(|f| f["tags"]["known"]["aws:cloudformation:logical-id"] == logical)
            .map(|f| f["resource_policy"]["known"].clone())
            .unwrap()
    };
    assert!(policy_of("DupA").as_str().unwrap().contains("\"PDup\""));
    assert_eq!(policy_of("DupB"), Value::Null);
    let url_function = by_name(functions, &format!("fn{}", N - 100));
    assert_eq!(url_function["function_url"]["known"]["auth_type"], "NONE");
    let mapped = known(
        by_name(functions, &format!("fn{}", N - 1)),
        "event_source_mappings",
    );
    assert_eq!(mapped.len(), 1);
    let invoked = known(
        by_name(functions, &format!("fn{}", N - 2)),
        "event_invoke_configs",
    );
    assert_eq!(invoked[0]["function_arn"], format!("{}:live", arn(N - 2)));
}

#[test]
fn many_iam_policies_and_bucket_policies_attach_to_the_one_they_name() {
    const N: usize = 500;
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let doc = |action: &str| {
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": action, "Resource": "*"}]})
    };
    let mut resources = serde_json::Map::new();
    let mut add = |logical: String, value: Value| {
        resources.insert(logical, value);
    };
    for i in 0..N {
        add(
            format!("R{i}"),
            serde_json::json!({"Type": "AWS::IAM::Role", "Properties": {
                "RoleName": format!("role{i}"), "AssumeRolePolicyDocument": trust}}),
        );
        add(
            format!("U{i}"),
            serde_json::json!({"Type": "AWS::IAM::User", "Properties": {"UserName": format!("user{i}")}}),
        );
        add(
            format!("G{i}"),
            serde_json::json!({"Type": "AWS::IAM::Group", "Properties": {"GroupName": format!("group{i}")}}),
        );
        add(
            format!("B{i}"),
            serde_json::json!({"Type": "AWS::S3::Bucket", "Properties": {"BucketName": format!("bucket{i}")}}),
        );
    }
    for i in 0..N {
        let j = N - 1 - i;
        // Roles by name and by ARN, in turn.
        let role = if i % 2 == 0 {
            format!("role{j}")
        } else {
            format!("arn:aws:iam::123456789012:role/role{j}")
        };
        add(
            format!("RP{i}"),
            serde_json::json!({"Type": "AWS::IAM::RolePolicy", "Properties": {
                "RoleName": role, "PolicyName": format!("rp{j}"), "PolicyDocument": doc("s3:GetObject")}}),
        );
        add(
            format!("UP{i}"),
            serde_json::json!({"Type": "AWS::IAM::UserPolicy", "Properties": {
                "UserName": format!("user{j}"), "PolicyName": format!("up{j}"), "PolicyDocument": doc("s3:GetObject")}}),
        );
        add(
            format!("GP{i}"),
            serde_json::json!({"Type": "AWS::IAM::GroupPolicy", "Properties": {
                "GroupName": format!("group{j}"), "PolicyName": format!("gp{j}"), "PolicyDocument": doc("s3:GetObject")}}),
        );
        add(
            format!("BP{i}"),
            serde_json::json!({"Type": "AWS::S3::BucketPolicy", "Properties": {
                "Bucket": if i % 2 == 0 { format!("bucket{j}") } else { format!("arn:aws:s3:::bucket{j}") },
                "PolicyDocument": doc(&format!("s3:Get{j}"))}}),
        );
        add(
            format!("UG{i}"),
            serde_json::json!({"Type": "AWS::IAM::UserToGroupAddition", "Properties": {
                "GroupName": format!("group{j}"), "Users": [format!("user{j}")]}}),
        );
    }
    add(
        "Shared".to_owned(),
        serde_json::json!({"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyName": "shared", "PolicyDocument": doc("s3:PutObject"),
            "Roles": [format!("role{}", N - 1)], "Users": ["user0"], "Groups": ["group7", "nosuch"]}}),
    );
    let inv = inventory_of(
        "iam.json",
        &serde_json::json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}),
    );
    let iam = &inv["iam"]["known"];
    let inline_names = |v: &Value| -> Vec<String> {
        v["inline_policies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let roles = iam["roles"].as_array().unwrap();
    let users = iam["users"].as_array().unwrap();
    let groups = iam["groups"].as_array().unwrap();
    assert_eq!((roles.len(), users.len(), groups.len()), (N, N, N));
    for i in [0, 1, 250, 499] {
        let mut role_wants = vec![format!("rp{i}")];
        if i == N - 1 {
            role_wants.push("shared".to_owned());
        }
        assert_eq!(
            inline_names(by_name(roles, &format!("role{i}"))),
            role_wants
        );
        let mut user_wants = vec![format!("up{i}")];
        if i == 0 {
            user_wants.push("shared".to_owned());
        }
        let user = by_name(users, &format!("user{i}"));
        assert_eq!(inline_names(user), user_wants);
        assert_eq!(user["groups"], serde_json::json!([format!("group{i}")]));
        assert_eq!(
            inline_names(by_name(groups, &format!("group{i}"))),
            vec![format!("gp{i}")]
        );
    }
    assert_eq!(
        inline_names(by_name(groups, "group7")),
        vec!["gp7".to_owned(), "shared".to_owned()]
    );
    let buckets = inv["s3"]["buckets"]["known"].as_array().unwrap();
    for i in [0, 1, 250, 499] {
        let policy = by_name(buckets, &format!("bucket{i}"))["policy"]["known"]
            .as_str()
            .unwrap_or_else(|| panic!("bucket{i} has no policy"));
        assert!(
            policy.contains(&format!("s3:Get{i}\"")),
            "bucket{i}: {policy}"
        );
    }
}

#[test]
fn many_outside_managed_policies_are_each_unknown_and_the_template_ones_are_not() {
    const N: usize = 400;
    let trust = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let mut resources = serde_json::Map::new();
    let mut arns = Vec::new();
    for i in 0..N {
        resources.insert(
            format!("M{i}"),
            serde_json::json!({"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                "ManagedPolicyName": format!("mine{i}"),
                "PolicyDocument": {"Version": "2012-10-17", "Statement": []}}}),
        );
        // The template's own, by its ARN written out, and one defined nowhere.
        arns.push(Value::String(format!(
            "arn:aws:iam::123456789012:policy/mine{i}"
        )));
        arns.push(Value::String(format!(
            "arn:aws:iam::123456789012:policy/outside{i}"
        )));
    }
    resources.insert(
        "R".to_owned(),
        serde_json::json!({"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": "r", "AssumeRolePolicyDocument": trust, "ManagedPolicyArns": arns}}),
    );
    let inv = inventory_of(
        "policies.json",
        &serde_json::json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}),
    );
    let outside: Vec<String> = gap_messages(&inv)
        .into_iter()
        .filter(|m| m.contains("is defined outside the scanned templates"))
        .collect();
    assert_eq!(outside.len(), N, "{outside:?}");
    assert!(outside.iter().all(|m| m.contains("policy/outside")));
    assert!(
        outside
            .iter()
            .any(|m| m.contains(&format!("policy/outside{} ", N - 1)))
    );
}

#[test]
fn many_apis_get_their_own_methods_routes_stages_and_web_acls() {
    const N: usize = 300;
    let mut resources = serde_json::Map::new();
    for i in 0..N {
        resources.insert(
            format!("A{i}"),
            serde_json::json!({"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": format!("a{i}")}}),
        );
        resources.insert(
            format!("M{i}"),
            serde_json::json!({"Type": "AWS::ApiGateway::Method", "Properties": {
                "RestApiId": {"Ref": format!("A{i}")},
                "ResourceId": {"Fn::GetAtt": [format!("A{i}"), "RootResourceId"]},
                "HttpMethod": if i % 2 == 0 { "GET" } else { "POST" },
                "AuthorizationType": if i % 2 == 0 { "NONE" } else { "AWS_IAM" }}}),
        );
        resources.insert(
            format!("S{i}"),
            serde_json::json!({"Type": "AWS::ApiGateway::Stage", "Properties": {
                "RestApiId": {"Ref": format!("A{i}")}, "StageName": format!("s{i}")}}),
        );
        resources.insert(
            format!("W{i}"),
            serde_json::json!({"Type": "AWS::WAFv2::WebACLAssociation", "Properties": {
                "ResourceArn": format!("arn:aws:apigateway:us-east-1::/restapis/${{A{i}}}/stages/s{i}"),
                "WebACLArn": format!("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/w{i}/1")}}),
        );
        resources.insert(
            format!("H{i}"),
            serde_json::json!({"Type": "AWS::ApiGatewayV2::Api", "Properties": {
                "Name": format!("h{i}"), "ProtocolType": "HTTP"}}),
        );
        resources.insert(
            format!("HR{i}"),
            serde_json::json!({"Type": "AWS::ApiGatewayV2::Route", "Properties": {
                "ApiId": {"Ref": format!("H{i}")}, "RouteKey": format!("GET /h{i}"),
                "AuthorizationType": "NONE"}}),
        );
        resources.insert(
            format!("HI{i}"),
            serde_json::json!({"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
                "ApiId": {"Ref": format!("H{i}")}, "IntegrationType": "AWS_PROXY",
                "IntegrationUri": format!("uri{i}")}}),
        );
        resources.insert(
            format!("HS{i}"),
            serde_json::json!({"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
                "ApiId": {"Ref": format!("H{i}")}, "StageName": format!("hs{i}")}}),
        );
    }
    // The WAF association names its stage by ARN: make those ARNs from the API ids.
    let template =
        serde_json::json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})
            .to_string()
            .replace(
                "\"ResourceArn\":\"arn",
                "\"ResourceArn\":{\"Fn::Sub\":\"arn",
            )
            .replace("\",\"WebACLArn\"", "\"},\"WebACLArn\"");
    let template: Value = serde_json::from_str(&template).unwrap();
    let inv = inventory_of("apis.json", &template);
    let region = &inv["regions"][0];
    let rest = known(region, "rest_apis");
    let http = known(region, "http_apis");
    assert_eq!((rest.len(), http.len()), (N, N));
    for i in [0, 1, 150, N - 1] {
        let api = by_name(rest, &format!("a{i}"));
        let methods: Vec<(String, String)> = known(api, "resources")
            .iter()
            .flat_map(|r| r["methods"].as_array().unwrap().iter())
            .map(|m| {
                (
                    m["http_method"].as_str().unwrap().to_owned(),
                    m["authorization_type"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let want = if i % 2 == 0 {
            ("GET", "NONE")
        } else {
            ("POST", "AWS_IAM")
        };
        assert_eq!(
            methods,
            vec![(want.0.to_owned(), want.1.to_owned())],
            "a{i}"
        );
        let stages = known(api, "stages");
        assert_eq!(stages.len(), 1);
        assert_eq!(stages[0]["name"], format!("s{i}"));
        assert_eq!(
            stages[0]["web_acl_arn"],
            format!("arn:aws:wafv2:us-east-1:123456789012:regional/webacl/w{i}/1")
        );
        let api = by_name(http, &format!("h{i}"));
        let routes = known(api, "routes");
        assert_eq!(routes.len(), 1);
        assert_eq!(routes[0]["route_key"], format!("GET /h{i}"));
        let integrations = known(api, "integrations");
        assert_eq!(integrations.len(), 1);
        assert_eq!(integrations[0]["uri"], format!("uri{i}"));
        let stages = known(api, "stages");
        assert_eq!(stages.len(), 1);
        assert_eq!(stages[0]["name"], format!("hs{i}"));
    }
}

#[test]
fn many_sam_api_events_each_make_their_method() {
    const N: usize = 500;
    let mut resources = serde_json::Map::new();
    for i in 0..N {
        let mut events = serde_json::json!({"E": {"Type": "Api",
            "Properties": {"Path": format!("/p{i}"), "Method": "get"}}});
        // Some paths with a second verb, and a verb given twice (the first wins).
        if i % 100 == 0 {
            events["Post"] = serde_json::json!({"Type": "Api",
                "Properties": {"Path": format!("/p{i}"), "Method": "post"}});
            events["Shared"] = serde_json::json!({"Type": "Api",
                "Properties": {"Path": "/shared", "Method": "get"}});
        }
        resources.insert(
            format!("F{i}"),
            serde_json::json!({"Type": "AWS::Serverless::Function", "Properties": {
                "Handler": "h.h", "Runtime": "python3.12", "CodeUri": ".", "Events": events}}),
        );
    }
    let inv = inventory_of(
        "sam-api.json",
        &serde_json::json!({"AWSTemplateFormatVersion": "2010-09-09",
            "Transform": "AWS::Serverless-2016-10-31", "Resources": resources}),
    );
    let rest = known(&inv["regions"][0], "rest_apis");
    assert_eq!(rest.len(), 1);
    let paths = known(&rest[0], "resources");
    assert_eq!(paths.len(), N + 2, "every path, /shared and /");
    let verbs = |path: &str| -> Vec<String> {
        paths
            .iter()
            .find(|r| r["path"] == path)
            .unwrap_or_else(|| panic!("no {path}"))["methods"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["http_method"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(verbs("/p0"), vec!["GET", "POST"]);
    assert_eq!(verbs("/p1"), vec!["GET"]);
    assert_eq!(verbs(&format!("/p{}", N - 1)), vec!["GET"]);
    assert_eq!(verbs("/p400"), vec!["GET", "POST"]);
    assert_eq!(verbs("/shared"), vec!["GET"]);
    // The first event on /shared (F0's) is the method's integration.
    let shared = inv["sources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(arn, _)| arn.contains("/methods/GET"))
        .count();
    assert_eq!(shared, N + 1);
}

#[test]
fn many_terraform_attachments_are_each_attached_once() {
    const N: usize = 600;
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"lambda.amazonaws.com"}}]}"#;
    let mut planned = vec![
        serde_json::json!({"address": "aws_iam_role.exec", "mode": "managed",
        "type": "aws_iam_role", "name": "exec",
        "values": {"assume_role_policy": trust, "name": "tf-exec", "path": "/"}}),
    ];
    for i in 0..N {
        // Every tenth ARN attached twice: once in the list.
        let arn = format!(
            "arn:aws:iam::123456789012:policy/p{}",
            if i % 10 == 9 { i - 1 } else { i }
        );
        planned.push(
            serde_json::json!({"address": format!("aws_iam_role_policy_attachment.a{i}"),
            "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": format!("a{i}"),
            "values": {"role": "tf-exec", "policy_arn": arn}}),
        );
    }
    let inv = inventory_of(
        "plan.json",
        &serde_json::json!({"format_version": "1.2", "terraform_version": "1.6.0",
            "planned_values": {"root_module": {"resources": planned}}}),
    );
    let roles = inv["iam"]["known"]["roles"].as_array().unwrap();
    let attached: Vec<&str> = by_name(roles, "tf-exec")["attached_policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let want: Vec<String> = (0..N)
        .filter(|i| i % 10 != 9)
        .map(|i| format!("arn:aws:iam::123456789012:policy/p{i}"))
        .collect();
    assert_eq!(attached, want);
}

#[test]
fn kms_aliases_attach_to_the_key_they_target_by_id_or_arn() {
    // Two aliases on one key (by `Ref` and by `GetAtt Arn`), one on another, and 3,000 more on
    // the first: each alias once, sorted, in one pass (a sort per alias was quadratic).
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]});
    let mut resources = serde_json::json!({
        "Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": policy}},
        "Other": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": policy}},
        "B": {"Type": "AWS::KMS::Alias", "Properties": {"AliasName": "alias/b", "TargetKeyId": {"Ref": "Key"}}},
        "A": {"Type": "AWS::KMS::Alias", "Properties": {"AliasName": "alias/a", "TargetKeyId": {"Fn::GetAtt": ["Key", "Arn"]}}},
        "C": {"Type": "AWS::KMS::Alias", "Properties": {"AliasName": "alias/c", "TargetKeyId": {"Ref": "Other"}}},
    });
    for i in 0..3000 {
        resources[format!("Many{i}")] = serde_json::json!({"Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": format!("alias/many-{i:04}"), "TargetKeyId": {"Ref": "Key"}}});
    }
    let inv = inventory_of("keys.json", &serde_json::json!({"Resources": resources}));
    let keys = inv["regions"][0]["kms_keys"]["known"].as_array().unwrap();
    let aliases: Vec<Vec<String>> = keys
        .iter()
        .map(|k| {
            k["aliases"]["known"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned())
                .collect()
        })
        .collect();
    let first = aliases.iter().find(|a| a.len() > 1).unwrap();
    assert_eq!(first.len(), 3002);
    assert_eq!(&first[..3], ["alias/a", "alias/b", "alias/many-0000"]);
    assert!(first.windows(2).all(|w| w[0] < w[1]), "sorted, each once");
    assert!(aliases.contains(&vec!["alias/c".to_owned()]));
}

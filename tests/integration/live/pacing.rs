//! Pacing under quotas (issue 11): the real binary scans one small seeded account through
//! mocks/quotaproxy.py, which enforces src/collect/quotas.tsv (the table faascan paces itself
//! by) per access key, region and quota group, and answers with each protocol's throttle.
//!
//! What each test proves:
//! - `the_quota_proxy_throttles_in_each_protocols_shape_and_counts`: the harness itself: over
//!   a quota of 1 request per 10 s, the second call of an operation is throttled with the
//!   protocol's own error (Lambda and API Gateway 429 `TooManyRequestsException`, KMS 400
//!   `ThrottlingException`, IAM and STS 400 `Throttling`, S3 503 `SlowDown`), and the admin
//!   endpoint counts it.
//! - `a_low_quota_scan_is_complete_paced_and_equal_to_the_clean_scan`: with Lambda's and API
//!   Gateway's quotas lowered in the proxy and in `[quotas]` alike, the scan has no gap, the
//!   clean scan's results exactly, and the proxy throttled nothing (the scan did not cause its
//!   own throttles); the summary reports the time it waited on the quotas.
//! - `random_throttling_loses_nothing_and_is_counted`: 20% of responses throttled at random:
//!   no gap, the clean results, and the summary's throttled count is the proxy's.
//! - `competing_traffic_loses_nothing`: other clients take half of every group's tokens from
//!   before the first request: no gap, the clean results.
//! - `a_throttled_first_call_costs_well_under_two_seconds`: `GetCallerIdentity` and the first
//!   `ListFunctions` throttled once each: the scan takes less than 2 s longer than unthrottled.
//!
//! Run: `cargo test --test integration pacing` (a debug build; each scan takes a few seconds).

use super::scenario::Seed;
use crate::common::*;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The scenario account (the fault tests use 2190000000xx, the others 2100000000xx).
const ACCOUNT: &str = "219100000001";
const REGION: &str = "us-east-1";
const FUNCTIONS: usize = 6;
const SCAN_LIMIT: Duration = Duration::from_secs(60);
/// Fixed, so the results of two scans compare equal.
const FINGERPRINT_KEY: &str = "pacing-test-fingerprint-key";

/// One quota proxy with its own settings, stopped when dropped (or with the test process).
struct QuotaProxy {
    endpoint: String,
    port: u16,
    child: std::process::Child,
}

impl Drop for QuotaProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl QuotaProxy {
    fn start(label: &str, args: &[&str]) -> QuotaProxy {
        let dir =
            std::env::temp_dir().join(format!("faascan-quotaproxy-{}-{label}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let port_file = dir.join("port");
        let _ = std::fs::remove_file(&port_file);
        let child = Command::new(venv().join("bin/python"))
            .arg(repo_root().join("mocks/quotaproxy.py"))
            .args(["--upstream", &moto().endpoint, "--port", "0", "--seed", "7"])
            .arg("--port-file")
            .arg(&port_file)
            .args(["--parent-pid", &std::process::id().to_string()])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("quotaproxy.log")).unwrap())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = loop {
            if let Some(port) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|p| p.trim().parse::<u16>().ok())
            {
                break port;
            }
            assert!(
                Instant::now() < deadline,
                "the quota proxy did not start; see {}",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        QuotaProxy {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            child,
        }
    }

    fn stats(&self, access_key: &str) -> Value {
        let (status, body) = http_request(
            self.port,
            "GET",
            &format!("/__quota?access_key={access_key}"),
            None,
        )
        .unwrap();
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    fn faults(&self, rules: &Value) {
        let (status, body) =
            http_request(self.port, "POST", "/__faults", Some(&rules.to_string())).unwrap();
        assert_eq!(status, 200, "{body}");
    }
}

/// Proxy counters summed over operations: (throttled over quota, thrown at random).
fn proxy_throttles(stats: &Value, skip_services: &[&str]) -> (u64, u64) {
    let mut sums = (0, 0);
    for op in stats["operations"].as_array().unwrap() {
        if skip_services.contains(&op["service"].as_str().unwrap_or_default()) {
            continue;
        }
        sums.0 += op["throttled"].as_u64().unwrap();
        sums.1 += op["random"].as_u64().unwrap();
    }
    sums
}

/// Seeds the account once per test binary: functions with resource policies on two roles,
/// two buckets, two keys, a REST API with a few resources and an HTTP API.
/// Seeds the account once for every test of this module.
fn seeded() {
    static SEEDED: OnceLock<()> = OnceLock::new();
    SEEDED.get_or_init(|| block_on(seed()));
}

async fn seed() {
    let seed = Seed::new(ACCOUNT, REGION).await;
    let roles = [
        seed.lambda_role("pace-a-role").await,
        seed.lambda_role("pace-b-role").await,
    ];
    seed.attach(
        "pace-a-role",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    )
    .await;
    for i in 0..FUNCTIONS {
        let name = format!("pace-fn-{i}");
        seed.function(&name, &roles[i % 2]).create().await;
        seed.permission(
            &name,
            "apigw",
            "lambda:InvokeFunction",
            "apigateway.amazonaws.com",
        )
        .send()
        .await
        .unwrap();
    }
    for bucket in ["pace-one", "pace-two"] {
        seed.bucket(&format!("{bucket}-{ACCOUNT}")).await;
    }
    for description in ["pace key one", "pace key two"] {
        seed.key(Some(description), None).await;
    }
    let api = seed.rest_api("pace-rest", None).await;
    for part in ["orders", "pay", "users"] {
        seed.apig
            .create_resource()
            .rest_api_id(&api.id)
            .parent_id(&api.root)
            .path_part(part)
            .send()
            .await
            .unwrap();
    }
    seed.http_api("pace-http").await;
}

struct Scan {
    report: Value,
    elapsed: Duration,
    code: Option<i32>,
    stderr: String,
    access_key: String,
}

/// One scan of the seeded account through `endpoint` as a fresh identity (its own access
/// key, so the proxy's buckets and counters are its own), with `config` as faascan.toml.
fn scan(label: &str, endpoint: &str, config: &str, extra: &[&str]) -> Scan {
    let mut args = vec!["--format", "json", "--fail-on", "none"];
    args.extend(extra);
    run("scan", label, endpoint, config, &args)
}

/// `faascan COMMAND` (scan or inventory) of the seeded account, as `scan` describes; the
/// `report` is the command's JSON output.
fn run(command: &str, label: &str, endpoint: &str, config: &str, extra: &[&str]) -> Scan {
    seeded();
    let creds = block_on(assume_into(ACCOUNT, &format!("pacing-{label}")));
    let dir = std::env::temp_dir().join(format!("faascan-pacing-{}-{label}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config_path: PathBuf = dir.join("faascan.toml");
    std::fs::write(&config_path, config).unwrap();
    let config_arg = config_path.to_string_lossy().into_owned();
    let mut args = vec![
        command,
        "--endpoint-url",
        endpoint,
        "--region",
        REGION,
        "--config",
        config_arg.as_str(),
    ];
    args.extend(extra);
    let out = faascan_within(
        &args,
        &[
            ("AWS_ACCESS_KEY_ID", creds.access_key_id.as_str()),
            ("AWS_SECRET_ACCESS_KEY", creds.secret_access_key.as_str()),
            ("AWS_SESSION_TOKEN", creds.session_token.as_str()),
            ("FAASCAN_FINGERPRINT_KEY", FINGERPRINT_KEY),
        ],
        SCAN_LIMIT,
    );
    assert!(
        !out.timed_out,
        "{label}: the scan did not finish: {}",
        out.stderr
    );
    let report: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{label}: no JSON report ({e}): {}", out.stderr));
    Scan {
        report,
        elapsed: out.elapsed,
        code: out.code,
        stderr: out.stderr,
        access_key: creds.access_key_id,
    }
}

/// The results as comparable lines: check, resource, status (sorted).
fn results(report: &Value) -> Vec<String> {
    let mut lines: Vec<String> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["check_id"]
                    .as_str()
                    .or(r["check"].as_str())
                    .unwrap_or("?"),
                r["resource"]["arn"].as_str().unwrap_or("?"),
                r["status"].as_str().unwrap_or("?")
            )
        })
        .collect();
    lines.sort();
    lines
}

fn clean() -> &'static Scan {
    static CLEAN: OnceLock<Scan> = OnceLock::new();
    CLEAN.get_or_init(|| {
        let scan = scan("clean", &moto().endpoint, "", &[]);
        assert_eq!(scan.code, Some(0), "{}", scan.stderr);
        assert!(
            results(&scan.report).len() > FUNCTIONS,
            "the clean scan has results: {}",
            scan.report
        );
        scan
    })
}

/// The gaps as comparable lines (request ids differ from scan to scan).
fn gaps(report: &Value) -> Vec<String> {
    let mut lines: Vec<String> = report["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            format!(
                "{} {} {} {}",
                g["service"], g["operation"], g["resource"], g["error_code"]
            )
        })
        .collect();
    lines.sort();
    lines
}

/// Only the clean scan's gaps (moto answers `GetBucketVersioning` in a shape the SDK cannot
/// parse, with or without a proxy), none about throttling; the clean scan's exit code and
/// its results exactly.
fn assert_complete_and_equal(label: &str, scan: &Scan) {
    assert_eq!(
        gaps(&scan.report),
        gaps(&clean().report),
        "{label}: gaps beyond the clean scan's\n{}",
        scan.stderr
    );
    assert!(
        !scan.report["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["kind"] == "throttled"),
        "{label}: a throttle became a gap"
    );
    assert_eq!(scan.code, clean().code, "{label}: {}", scan.stderr);
    assert_eq!(
        results(&scan.report),
        results(&clean().report),
        "{label}: the results differ from the clean scan's"
    );
}

/// The summary's pacing figures: (throttled, waited ms) over services.
fn pacing_totals(report: &Value) -> (u64, u64) {
    let pacing = report["calls"]["pacing"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    pacing.iter().fold((0, 0), |(t, w), p| {
        (
            t + p["throttled"].as_u64().unwrap(),
            w + p["waited_ms"].as_u64().unwrap(),
        )
    })
}

/// The call was refused with the protocol's own throttle: this HTTP status and error code.
fn throttled_as<T: std::fmt::Debug, E>(
    answer: Result<
        T,
        aws_smithy_runtime_api::client::result::SdkError<E, aws_smithy_runtime_api::http::Response>,
    >,
    status: u16,
    code: &str,
) where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::fmt::Debug,
{
    let err = answer.expect_err("over the quota");
    assert_eq!(
        err.raw_response().map(|r| r.status().as_u16()),
        Some(status),
        "{err:?}"
    );
    assert_eq!(
        aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&err),
        Some(code)
    );
}

#[test]
fn the_quota_proxy_throttles_in_each_protocols_shape_and_counts() {
    let proxy = QuotaProxy::start(
        "shapes",
        &[
            "--set",
            "lambda-control=1/10/1",
            "--set",
            "kms-list-keys=1/10/1",
            "--set",
            "iam=1/10/1",
            "--set",
            "sts=1/10/1",
            "--set",
            "s3-bucket=1/10/1",
            "--set",
            "apigateway-control=1/10/1",
        ],
    );
    let creds = block_on(assume_into(ACCOUNT, "pacing-shapes"));
    block_on(async {
        let sdk = creds.sdk(REGION).await;
        let sdk = sdk.into_builder().endpoint_url(&proxy.endpoint).build();
        // Each client's first call passes; its second is over the quota of 1 per 10 s.
        let lambda = aws_sdk_lambda::Client::new(&sdk);
        assert!(lambda.list_functions().send().await.is_ok());
        throttled_as(
            lambda.list_functions().send().await,
            429,
            "TooManyRequestsException",
        );
        let kms = aws_sdk_kms::Client::new(&sdk);
        assert!(kms.list_keys().send().await.is_ok());
        throttled_as(kms.list_keys().send().await, 400, "ThrottlingException");
        let iam = aws_sdk_iam::Client::new(&sdk);
        assert!(iam.list_roles().send().await.is_ok());
        throttled_as(iam.list_roles().send().await, 400, "Throttling");
        let sts = aws_sdk_sts::Client::new(&sdk);
        assert!(sts.get_caller_identity().send().await.is_ok());
        throttled_as(sts.get_caller_identity().send().await, 400, "Throttling");
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        );
        assert!(s3.list_buckets().send().await.is_ok());
        throttled_as(s3.list_buckets().send().await, 503, "SlowDown");
        let apigateway = aws_sdk_apigateway::Client::new(&sdk);
        assert!(apigateway.get_rest_apis().send().await.is_ok());
        throttled_as(
            apigateway.get_rest_apis().send().await,
            429,
            "TooManyRequestsException",
        );
    });
    let stats = proxy.stats(&creds.access_key_id);
    let op = |name: &str| {
        stats["operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["operation"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} not counted: {stats}"))
    };
    for name in [
        "ListFunctions",
        "ListKeys",
        "ListRoles",
        "GetCallerIdentity",
        "ListBuckets",
        "GetRestApis",
    ] {
        assert_eq!(
            (op(name)["passed"].as_u64(), op(name)["throttled"].as_u64()),
            (Some(1), Some(1)),
            "{name}: {stats}"
        );
    }
    let floor = stats["floor_seconds"].as_f64().unwrap();
    assert!(
        (floor - 10.0).abs() < 1e-6,
        "one call at 1 per 10 s: {stats}"
    );
}

/// Lambda's control plane and API Gateway at a fifth of their documented quotas (both sides).
const LOW_QUOTAS: &[&str] = &[
    "--set",
    "lambda-control=4/1/4",
    "--set",
    "lambda-get-policy=4/1/4",
    "--set",
    "apigateway-control=4/1/4",
];
const LOW_CONFIG: &str = "[quotas]\nlambda-control = { requests = 4, burst = 4 }\nlambda-get-policy = { requests = 4, burst = 4 }\napigateway-control = { requests = 4, burst = 4 }\n";

/// `faascan inventory` reads `[quotas]` as `scan` does: at the lowered quotas it causes no
/// throttle of its own (at the default rates it would overrun the proxy's).
#[test]
fn an_inventory_is_paced_by_the_configured_quotas_too() {
    let proxy = QuotaProxy::start("inventory-low", LOW_QUOTAS);
    let inventory = run(
        "inventory",
        "inventory-low",
        &proxy.endpoint,
        LOW_CONFIG,
        &[],
    );
    assert_eq!(inventory.code, Some(0), "{}", inventory.stderr);
    assert_eq!(inventory.report["account"]["incomplete"], false);
    let stats = proxy.stats(&inventory.access_key);
    assert_eq!(
        proxy_throttles(&stats, &[]),
        (0, 0),
        "the inventory caused throttles of its own: {stats}"
    );
    let (throttled, waited) = pacing_totals(&inventory.report);
    assert_eq!(throttled, 0);
    assert!(waited > 0, "{}", inventory.report["calls"]);
}

#[test]
fn a_low_quota_scan_is_complete_paced_and_equal_to_the_clean_scan() {
    clean();
    let proxy = QuotaProxy::start("low", LOW_QUOTAS);
    let scan = scan("low", &proxy.endpoint, LOW_CONFIG, &[]);
    assert_complete_and_equal("low quotas", &scan);
    let stats = proxy.stats(&scan.access_key);
    assert_eq!(
        proxy_throttles(&stats, &[]),
        (0, 0),
        "the scan caused throttles of its own: {stats}"
    );
    let (throttled, waited) = pacing_totals(&scan.report);
    assert_eq!(throttled, 0);
    assert!(
        waited > 0,
        "waiting on the low quotas is reported: {}",
        scan.report["calls"]
    );
    // Paced, not slowed down further: within the quota floor and a few seconds.
    let floor = stats["floor_seconds"].as_f64().unwrap();
    assert!(floor >= 2.0, "the quotas bind: {stats}");
    assert!(
        scan.elapsed.as_secs_f64() < floor + 8.0,
        "{:?} against a floor of {floor:.1} s",
        scan.elapsed
    );
}

#[test]
fn random_throttling_loses_nothing_and_is_counted() {
    clean();
    let proxy = QuotaProxy::start("random", &["--random-throttle", "0.2"]);
    let scan = scan("random", &proxy.endpoint, "", &[]);
    assert_complete_and_equal("20% throttled", &scan);
    let stats = proxy.stats(&scan.access_key);
    // The identity check is retried by the SDK itself, outside the collector's pacing.
    let (over, random) = proxy_throttles(&stats, &["STS"]);
    assert!(random > 5, "the proxy threw throttles: {stats}");
    let (throttled, _) = pacing_totals(&scan.report);
    assert_eq!(
        throttled,
        over + random,
        "every throttled response is in the summary: {} against {stats}",
        scan.report["calls"]
    );
}

#[test]
fn competing_traffic_loses_nothing() {
    clean();
    let mut args = LOW_QUOTAS.to_vec();
    args.extend(["--compete-all", "0.5"]);
    let proxy = QuotaProxy::start("compete", &args);
    let scan = scan("compete", &proxy.endpoint, LOW_CONFIG, &[]);
    assert_complete_and_equal("competing traffic", &scan);
    let (throttled, _) = pacing_totals(&scan.report);
    let stats = proxy.stats(&scan.access_key);
    assert!(
        throttled > 0,
        "the competitors' share made the proxy throttle: {stats}"
    );
}

#[test]
fn a_throttled_first_call_costs_well_under_two_seconds() {
    clean();
    let unthrottled_proxy = QuotaProxy::start("first-base", &[]);
    let base = scan(
        "first-base",
        &unthrottled_proxy.endpoint,
        "",
        &["--services", "lambda"],
    );
    assert_eq!(base.code, Some(0), "{}", base.stderr);
    let proxy = QuotaProxy::start("first", &[]);
    proxy.faults(&json!([
        {"service": "STS", "operation": "GetCallerIdentity", "action": "throttle", "times": 1},
        {"service": "Lambda", "operation": "ListFunctions", "action": "throttle", "times": 1},
    ]));
    let throttled = scan("first", &proxy.endpoint, "", &["--services", "lambda"]);
    assert_eq!(throttled.code, Some(0), "{}", throttled.stderr);
    assert_eq!(gaps(&throttled.report), gaps(&base.report));
    assert!(
        throttled.elapsed < base.elapsed + Duration::from_secs(2),
        "{:?} with a throttled first call against {:?} without",
        throttled.elapsed,
        base.elapsed
    );
    let (count, _) = pacing_totals(&throttled.report);
    assert_eq!(
        count, 1,
        "the ListFunctions throttle is counted: {}",
        throttled.report["calls"]
    );
}

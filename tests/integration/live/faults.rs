//! Fault injection: the real binary scans one seeded account through mocks/faultproxy.py,
//! which denies, throttles, resets or hangs chosen operations, and each faulted report is
//! compared with the clean report of the same account (issue 9, "Unknown is never silence").
//!
//! The comparison of two reports is in `faults/contract.rs`, the proxy's own test in
//! `faults/proxy.rs`. What each test proves:
//! - `the_fault_proxy_answers_in_each_protocols_error_shape`: the harness itself. A denied or
//!   throttled operation reaches the SDK with the status, error code and request id AWS
//!   would send (JSON, query, REST-JSON and REST-XML protocols), `after`/`times` count
//!   requests, a reset is a transport failure, and `/__stats` counts per operation.
//! - `the_contract_checks_accept_placeholders_and_catch_losses`: the comparison below, on
//!   made-up reports: a wildcard placeholder of the same check covers lost results, and
//!   fail->pass, unknown->pass, a lost result and a report that looks complete are caught.
//! - `each_operation_denied_in_turn_never_passes_or_loses_a_result`: for every operation of
//!   `faascan permissions --format calls` that a single-region scan makes (read from the
//!   command, so a new operation is covered without editing this file), a scan with that
//!   operation denied: no result goes fail->pass or unknown->pass; every clean result is
//!   still there or covered by an `unknown` of the same check whose ARN pattern (`*` is a
//!   wildcard) matches it; the report says `incomplete` with gaps and a `coverage.rows` entry that is
//!   not `complete`; exit 4 when a whole listing was denied (else 0 or 4); no Rust debug
//!   text anywhere. It also proves the seeded account exercises every such operation. All
//!   violations are reported in one message, by operation.
//! - `a_denied_identity_call_stops_the_scan_readably`: `sts:GetCallerIdentity` denied is
//!   exit 3 with a readable message.
//! - `attack_path_hops_denied_in_turn_never_pass`: the admin-role functions reachable only
//!   through an unauthenticated REST method / HTTP route fail both attack-path checks in the
//!   clean run, and stay fail or unknown (never pass) whichever hop of the path is denied.
//! - `a_dying_endpoint_is_an_incomplete_scan`: every call after the identity check reset:
//!   exit 4 within a minute, an incomplete report, nothing vanished without an unknown.
//! - `a_hanging_endpoint_is_bounded_by_the_time_budget`: every call after the identity check
//!   never answered: `--timeout 8` ends the scan within 18 s with exit 4 and an incomplete
//!   report.
//! - `a_throttle_burst_is_retried_without_losing_data`: two throttled attempts of each big
//!   listing with `--max-attempts 3` give the clean run's results exactly, and no gap.
//!
//! These tests define the contract of issue 9; the account is seeded once per test binary in
//! its own moto account, and every scan uses its own access key so that the proxy's rules
//! (keyed by access key) of scans running in parallel do not meet. Each faulted scan runs
//! once and is shared by the tests that need it (three at a time).
//!
//! Run: `cargo test --test integration live::faults` (about a minute). With
//! `FAASCAN_FAULT_REPORTS=DIR` every scan's report, stderr and proxy counters are kept in DIR.

mod contract;
mod proxy;

use super::scenario::Seed;
use crate::common::*;
use contract::{
    Run, assert_no_violations, compare, debug_excerpts, glob, incomplete, results, tail,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// The scenario account (unique among the live tests; other tests use 2100000000xx).
const ACCOUNT: &str = "219000000001";
/// The account the proxy self-test signs its requests in (nothing is seeded there).
const PROXY_TEST_ACCOUNT: &str = "219000000002";
const REGION: &str = "us-east-1";

/// Operations a whole kind of resource hangs on: denied, the scan is incomplete (exit 4).
const LISTINGS: &[(&str, &str)] = &[
    ("Lambda", "ListFunctions"),
    ("IAM", "GetAccountAuthorizationDetails"),
    ("S3", "ListBuckets"),
    ("API Gateway", "GetRestApis"),
    ("ApiGatewayV2", "GetApis"),
    ("API Gateway", "GetUsagePlans"),
    ("API Gateway", "GetApiKeys"),
    ("API Gateway", "GetDomainNames"),
    ("KMS", "ListKeys"),
];

/// Published operations a single-region scan with an explicit `--region` never makes: region
/// discovery and the organization walk. `GetCallerIdentity` has its own test.
const NOT_IN_A_REGION_SCAN: &[(&str, &str)] = &[
    ("Account", "ListRegions"),
    ("Organizations", "ListAccounts"),
    ("STS", "AssumeRole"),
    ("STS", "GetCallerIdentity"),
];

/// Operations the seeded account cannot make the scan call (moto cannot hold the state
/// that triggers them). Keep this short; each entry needs its reason.
const NOT_EXERCISED: &[(&str, &str, &str)] = &[
    (
        "Lambda",
        "ListFunctionsByCodeSigningConfig",
        "moto has no ListCodeSigningConfigs (404), so no config is listed to ask about",
    ),
    (
        "S3",
        "GetBucketTagging",
        "not called in a clean scan: tags come from the region's tag listing (Tagging API \
         GetResources); the per-resource fallback is tested in live::calls",
    ),
    (
        "KMS",
        "ListResourceTags",
        "not called in a clean scan: tags come from the region's tag listing (Tagging API \
         GetResources); the per-resource fallback is tested in live::calls",
    ),
];

const SCAN_LIMIT: Duration = Duration::from_secs(150);

/// Scans at once across all the tests of this module (two cores, one moto).
static SCAN_SLOTS: Slots = Slots::new(3);

struct Slots {
    free: Mutex<usize>,
    freed: std::sync::Condvar,
}

struct Slot<'a>(&'a Slots);

impl Slots {
    const fn new(n: usize) -> Self {
        Slots {
            free: Mutex::new(n),
            freed: std::sync::Condvar::new(),
        }
    }

    fn acquire(&self) -> Slot<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

struct Scenario {
    rest_fn: String,
    http_fn: String,
    clean: Run,
}

/// Debug text in a faulted run that the clean run does not already show (that is reported
/// once, for the clean run), first occurrence per pattern and stream.
fn debug_text(run: &Run) -> Vec<String> {
    let clean: BTreeSet<String> = scenario_if_seeded()
        .map(|s| debug_excerpts(&s.clean).into_iter().collect())
        .unwrap_or_default();
    let mut seen = BTreeSet::new();
    debug_excerpts(run)
        .into_iter()
        .filter(|line| !clean.contains(line))
        .filter(|line| seen.insert(line.split(": ...").next().unwrap_or_default().to_owned()))
        .collect()
}

/// Scans the scenario account through the proxy as a fresh identity, with `rules` (each
/// scoped to that identity's access key) in force, and the default flags of these tests
/// overridden or extended by `extra`.
fn scan(label: &str, rules: &[Value], extra: &[&str]) -> Run {
    let proxy = fault_proxy();
    let session: String = format!("fx-{label}")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .take(60)
        .collect();
    let creds = block_on(assume_into(ACCOUNT, &session));
    let key = creds.access_key_id.clone();
    let scoped: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r["access_key"] = json!(key);
            r
        })
        .collect();
    if !scoped.is_empty() {
        proxy.add(&Value::Array(scoped));
    }
    let mut args = vec![
        "scan",
        "--endpoint-url",
        proxy.endpoint.as_str(),
        "--region",
        REGION,
        "--format",
        "json",
        "--fail-on",
        "none",
        "--call-timeout",
        "5",
    ];
    if !extra.contains(&"--max-attempts") {
        args.extend(["--max-attempts", "2"]);
    }
    args.extend(extra);
    let env = creds.env();
    let out = {
        let _slot = SCAN_SLOTS.acquire();
        faascan_within(&args, &env, SCAN_LIMIT)
    };
    proxy.clear(Some(&key));
    let stats = proxy.stats(&key);
    // FAASCAN_FAULT_REPORTS=DIR keeps every faulted scan's output for a person to read.
    if let Ok(dir) = std::env::var("FAASCAN_FAULT_REPORTS") {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(format!("{session}.json")), &out.stdout).unwrap();
        std::fs::write(dir.join(format!("{session}.stderr")), &out.stderr).unwrap();
        let meta = json!({"exit": out.code, "elapsed_s": out.elapsed.as_secs_f64(),
                          "timed_out": out.timed_out, "args": args, "proxy": stats});
        std::fs::write(dir.join(format!("{session}.meta.json")), meta.to_string()).unwrap();
    }
    let report = serde_json::from_str(&out.stdout).ok();
    Run {
        label: label.to_owned(),
        out,
        report,
        stats,
    }
}

fn deny(service: &str, operation: &str) -> Value {
    json!({"service": service, "operation": operation, "action": "deny"})
}

/// A scan with one operation denied, run once per test binary and shared by the tests that
/// need it.
fn denied(service: &str, operation: &str) -> Arc<Run> {
    type Cache = Mutex<HashMap<(String, String), Arc<OnceLock<Arc<Run>>>>>;
    static RUNS: OnceLock<Cache> = OnceLock::new();
    let cell = RUNS
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry((service.to_owned(), operation.to_owned()))
        .or_default()
        .clone();
    cell.get_or_init(|| {
        Arc::new(scan(
            &format!("deny-{service}-{operation}"),
            &[deny(service, operation)],
            &[],
        ))
    })
    .clone()
}

/// Runs `job` over `items` on `workers` threads (the machine is small and moto is
/// single-threaded at heart: a few scans at once is the sweet spot).
fn parallel<T: Sync, R: Send>(items: &[T], workers: usize, job: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let out: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(item) = items.get(i) else { break };
                    let r = job(item);
                    out.lock().unwrap().push((i, r));
                }
            });
        }
    });
    let mut out = out.into_inner().unwrap();
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

/// The operations a single-region scan makes, from the published list.
fn region_scan_operations() -> Vec<(String, String)> {
    published_calls()
        .into_iter()
        .filter(|(s, o)| {
            !NOT_IN_A_REGION_SCAN
                .iter()
                .any(|(ns, no)| ns == s && no == o)
        })
        .collect()
}

static SCENARIO: OnceLock<Scenario> = OnceLock::new();

fn scenario_if_seeded() -> Option<&'static Scenario> {
    SCENARIO.get()
}

fn scenario() -> &'static Scenario {
    SCENARIO.get_or_init(|| {
        let (rest_fn, http_fn) = block_on(seed());
        let clean = scan("clean", &[], &[]);
        let report = clean.report();
        // moto cannot serve GetBucketVersioning to the Rust SDK (EMULATOR-NOTES): those
        // attribute gaps may mark the clean report incomplete, but never exit 4.
        assert_eq!(
            clean.out.code,
            Some(0),
            "the clean scan\nstderr: {}",
            tail(&clean.out.stderr)
        );
        assert!(
            report["results"].is_array(),
            "the clean report has results[]"
        );
        assert!(
            clean.results().len() > 40,
            "the clean scan judged too little: {}",
            clean.results().len()
        );
        Scenario {
            rest_fn,
            http_fn,
            clean,
        }
    })
}

/// Seeds the scenario account: three functions (one behind a public function URL, one
/// reachable only through an unauthenticated REST method, one only through an HTTP API
/// route, both of the latter with an admin role), roles, a user with a key, two buckets (one
/// public by policy), two keys, a REST API with a stage, API key, usage plan and domain, an
/// HTTP API with a stage. Returns the ARNs of the functions behind the REST and HTTP APIs.
async fn seed() -> (String, String) {
    use aws_sdk_lambda::types::FunctionUrlAuthType;
    let seed = Seed::new(ACCOUNT, REGION).await;

    // IAM: an admin execution role, a narrow one with an AWS-managed policy used only as its
    // permission boundary (the scan reads that with iam:GetPolicy), a user with a key.
    let admin = seed.lambda_role("fx-admin-role").await;
    seed.attach(
        "fx-admin-role",
        "arn:aws:iam::aws:policy/AdministratorAccess",
    )
    .await;
    let app = seed.lambda_role("fx-app-role").await;
    seed.inline_policy(
        "fx-app-role",
        "read-orders",
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s3:GetObject","dynamodb:GetItem"],"Resource":["arn:aws:s3:::fx-private-{ACCOUNT}/*","arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"]}}]}}"#
        ),
    )
    .await;
    seed.attach(
        "fx-app-role",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    )
    .await;
    seed.boundary("fx-app-role", "arn:aws:iam::aws:policy/AWSLambdaExecute")
        .await;
    seed.user(
        "fx-deployer",
        &["arn:aws:iam::aws:policy/AdministratorAccess"],
        1,
    )
    .await;

    // Lambda
    let url_fn = seed.function("fx-url-fn", &app).memory(512).create().await;
    let rest_fn = seed
        .function("fx-rest-fn", &admin)
        .memory(512)
        .create()
        .await;
    let http_fn = seed
        .function("fx-http-fn", &admin)
        .memory(512)
        .create()
        .await;
    seed.function_url(&url_fn, FunctionUrlAuthType::None, None)
        .await;
    seed.public_url_permission(&url_fn, "public-url").await;

    // An alias on a published version, with its own policy (ListAliases, the qualified
    // GetPolicy and GetFunctionUrlConfig, and GetFunctionConfiguration of the version).
    seed.alias(&url_fn, "live").await;
    seed.permission(
        &url_fn,
        "partner-alias",
        "lambda:InvokeFunction",
        "999999999999",
    )
    .qualifier("live")
    .send()
    .await
    .unwrap();

    // S3: one bucket public by policy, one private and encrypted.
    let public = format!("fx-public-{ACCOUNT}");
    let private = format!("fx-private-{ACCOUNT}");
    for bucket in [&public, &private] {
        seed.bucket(bucket).await;
    }
    seed.bucket_policy(
        &public,
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{public}/*"}}]}}"#
        ),
    )
    .await;
    seed.bucket_encryption(
        &private,
        aws_sdk_s3::types::ServerSideEncryption::Aes256,
        None,
    )
    .await;

    // KMS: one rotating key with an alias, one not rotating.
    let rotating = seed.key(Some("fx rotating"), None).await;
    seed.rotate(&rotating).await;
    seed.key_alias(&rotating, "alias/fx-rotating").await;
    seed.key(Some("fx static"), None).await;

    // REST API: GET /pay, no authorization, proxying to fx-rest-fn; stage prod.
    let api = seed.rest_api("fx-rest", None).await;
    seed.rest_get(&api, Some("pay"), "NONE", false, Some(&rest_fn))
        .await;
    seed.rest_stage(&api, "prod", &[]).await;
    seed.permission(
        &rest_fn,
        "apigateway",
        "lambda:InvokeFunction",
        "apigateway.amazonaws.com",
    )
    .source_arn(format!(
        "arn:aws:execute-api:{REGION}:{ACCOUNT}:{}/*/GET/pay",
        api.id
    ))
    .send()
    .await
    .unwrap();
    seed.apig
        .create_api_key()
        .name("fx-partner-key")
        .enabled(true)
        .send()
        .await
        .unwrap();
    seed.apig
        .create_usage_plan()
        .name("fx-plan")
        .send()
        .await
        .unwrap();
    seed.rest_domain(
        "fx-api.example.com",
        aws_sdk_apigateway::types::SecurityPolicy::Tls10,
    )
    .await;

    // The REST API under the custom domain (GetBasePathMappings).
    seed.apig
        .create_base_path_mapping()
        .domain_name("fx-api.example.com")
        .rest_api_id(&api.id)
        .stage("prod")
        .send()
        .await
        .unwrap();

    // A layer version shared with another account (ListLayers, ListLayerVersions,
    // GetLayerVersionPolicy).
    seed.layer("fx-layer", None, Some("999999999999")).await;

    // An access point with a policy, and a Multi-Region Access Point (the s3control reads).
    // moto's answers to these writes have XML roots the SDK rejects; the state is there.
    let s3control = seed.s3control();
    let _ = s3control
        .create_access_point()
        .account_id(ACCOUNT)
        .name("fx-ap")
        .bucket(&public)
        .send()
        .await;
    let _ = s3control
        .put_access_point_policy()
        .account_id(ACCOUNT)
        .name("fx-ap")
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/fx-ap/object/*"}}]}}"#
        ))
        .send()
        .await;
    let _ = s3control
        .create_multi_region_access_point()
        .account_id(ACCOUNT)
        .client_token("fx-mrap")
        .details(
            aws_sdk_s3control::types::CreateMultiRegionAccessPointInput::builder()
                .name("fx-mrap")
                .regions(
                    aws_sdk_s3control::types::Region::builder()
                        .bucket(&private)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await;

    // HTTP API: GET /buy, no authorization, AWS_PROXY to fx-http-fn; stage live.
    let v2 = &seed.v2;
    let http = seed.http_api("fx-http").await;
    let integration = v2
        .create_integration()
        .api_id(&http)
        .integration_type(aws_sdk_apigatewayv2::types::IntegrationType::AwsProxy)
        .integration_uri(&http_fn)
        .payload_format_version("2.0")
        .send()
        .await
        .unwrap()
        .integration_id()
        .unwrap()
        .to_owned();
    v2.create_route()
        .api_id(&http)
        .route_key("GET /buy")
        .target(format!("integrations/{integration}"))
        .send()
        .await
        .unwrap();
    v2.create_stage()
        .api_id(&http)
        .stage_name("live")
        .auto_deploy(true)
        .send()
        .await
        .unwrap();
    // A v2 custom domain serving it (GetDomainNames v2, GetApiMappings).
    seed.http_domain(
        "fx-http.example.com",
        aws_sdk_apigatewayv2::types::SecurityPolicy::Tls12,
    )
    .await;
    v2.create_api_mapping()
        .domain_name("fx-http.example.com")
        .api_id(&http)
        .stage("live")
        .send()
        .await
        .unwrap();

    (rest_fn, http_fn)
}

// ---------------------------------------------------------------------------------------
// The contract
// ---------------------------------------------------------------------------------------

#[test]
fn each_operation_denied_in_turn_never_passes_or_loses_a_result() {
    let scenario = scenario();
    let clean = &scenario.clean;
    let operations = region_scan_operations();

    // The seeded account must make the scan call every operation, or denying it proves
    // nothing; and the proxy must recognise every request (or its tables are stale).
    let mut harness = Vec::new();
    for (service, operation) in &operations {
        let skipped = NOT_EXERCISED
            .iter()
            .any(|(s, o, _)| s == service && o == operation);
        if !skipped && clean.requests(service, operation) == 0 {
            harness.push(format!(
                "{service} {operation}: never called in the clean scan (seed the account so \
                 it is, or add it to NOT_EXERCISED with the reason)"
            ));
        }
    }
    if let Some(unidentified) = clean.stats["unidentified"].as_array()
        && !unidentified.is_empty()
    {
        harness.push(format!(
            "requests mocks/faultproxy.py could not name (add them to its tables): {}",
            Value::Array(unidentified.clone())
        ));
    }
    let exercised: Vec<(String, String)> = operations
        .iter()
        .filter(|(s, o)| clean.requests(s, o) > 0)
        .cloned()
        .collect();

    let runs = parallel(&exercised, 3, |(service, operation)| {
        denied(service, operation)
    });

    let mut violations: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((service, operation), run) in exercised.iter().zip(&runs) {
        let mut v = Vec::new();
        if run.faulted(service, operation) == 0 {
            v.push("the proxy denied nothing (the operation was not called)".to_owned());
        }
        if run.out.timed_out {
            v.push(format!("the scan did not end within {SCAN_LIMIT:?}"));
        }
        let listing = LISTINGS.iter().any(|(s, o)| s == service && o == operation);
        let code = run.out.code;
        if listing && code != Some(4) {
            v.push(format!(
                "exit {code:?}, want 4 (a whole listing was denied)"
            ));
        } else if !listing && code != Some(0) && code != Some(4) {
            v.push(format!("exit {code:?}, want 0 or 4"));
        }
        v.extend(incomplete(run));
        if run.report.is_some() {
            v.extend(compare(clean, run));
        }
        v.extend(debug_text(run));
        violations.insert(format!("{service} {operation} denied"), v);
    }
    if !harness.is_empty() {
        violations.insert("the harness".to_owned(), harness);
    }
    let mut first = BTreeSet::new();
    let clean_debug: Vec<String> = debug_excerpts(clean)
        .into_iter()
        .filter(|line| first.insert(line.split(": ...").next().unwrap_or_default().to_owned()))
        .collect();
    violations.insert(
        "the clean scan (no faults; not repeated for each faulted scan)".to_owned(),
        clean_debug,
    );
    assert_no_violations("each operation denied in turn", &violations);
}

#[test]
fn a_denied_identity_call_stops_the_scan_readably() {
    scenario();
    let run = scan("deny-identity", &[deny("STS", "GetCallerIdentity")], &[]);
    let mut v = Vec::new();
    if run.faulted("STS", "GetCallerIdentity") == 0 {
        v.push("the proxy denied nothing".to_owned());
    }
    if run.out.code != Some(3) {
        v.push(format!("exit {:?}, want 3", run.out.code));
    }
    let stderr = run.out.stderr.trim();
    if !(stderr.contains("AccessDenied") || stderr.contains("not authorized")) {
        v.push(format!(
            "stderr does not say the identity call was denied: {stderr:?}"
        ));
    }
    v.extend(debug_text(&run));
    let mut violations = BTreeMap::new();
    violations.insert("STS GetCallerIdentity denied".to_owned(), v);
    assert_no_violations("the identity call denied", &violations);
}

#[test]
fn attack_path_hops_denied_in_turn_never_pass() {
    const CHECKS: [&str; 2] = [
        "path-public-function-privileged-role",
        "path-denial-of-wallet",
    ];
    const HOPS: &[(&str, &str)] = &[
        ("API Gateway", "GetRestApis"),
        ("API Gateway", "GetResources"),
        ("API Gateway", "GetStages"),
        ("API Gateway", "GetAccount"),
        ("ApiGatewayV2", "GetApis"),
        ("ApiGatewayV2", "GetRoutes"),
        ("ApiGatewayV2", "GetIntegrations"),
        ("ApiGatewayV2", "GetStages"),
    ];
    let scenario = scenario();
    let clean = scenario.clean.results();
    let functions = [&scenario.rest_fn, &scenario.http_fn];
    // Precondition: both paths are found in the clean scan.
    for f in functions {
        for check in CHECKS {
            assert_eq!(
                clean
                    .get(&(check.to_owned(), f.clone()))
                    .map(String::as_str),
                Some("fail"),
                "precondition: {check} fails for {f} in the clean scan"
            );
        }
    }
    let runs = parallel(HOPS, 3, |(service, operation)| denied(service, operation));
    let mut violations: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((service, operation), run) in HOPS.iter().zip(&runs) {
        let mut v = Vec::new();
        if run.faulted(service, operation) == 0 {
            v.push("the proxy denied nothing".to_owned());
        }
        let Some(report) = &run.report else {
            v.push(format!("no JSON report (exit {:?})", run.out.code));
            violations.insert(format!("{service} {operation} denied"), v);
            continue;
        };
        let after = results(report);
        for f in functions {
            for check in CHECKS {
                let status = after.get(&(check.to_owned(), f.clone()));
                let covered = after.iter().any(|((c, arn), s)| {
                    c == check && s == "unknown" && arn.contains('*') && glob(arn, f)
                });
                match status.map(String::as_str) {
                    Some("fail" | "unknown") => {}
                    None if covered => {}
                    other => v.push(format!("{check} on {f}: fail -> {other:?}")),
                }
            }
        }
        violations.insert(format!("{service} {operation} denied"), v);
    }
    assert_no_violations("attack-path hops denied in turn", &violations);
}

#[test]
fn a_dying_endpoint_is_an_incomplete_scan() {
    let scenario = scenario();
    let run = scan(
        "dying",
        &[json!({"operation": "*", "action": "reset", "after": 1})],
        &[],
    );
    let mut v = Vec::new();
    if run.requests("STS", "GetCallerIdentity") == 0 || run.faulted("STS", "GetCallerIdentity") > 0
    {
        v.push("the identity call should have passed".to_owned());
    }
    if run.out.code != Some(4) {
        v.push(format!("exit {:?}, want 4", run.out.code));
    }
    if run.out.elapsed > Duration::from_secs(60) {
        v.push(format!("took {:?}, want under 60 s", run.out.elapsed));
    }
    v.extend(incomplete(&run));
    if run.report.is_some() {
        v.extend(compare(&scenario.clean, &run));
    }
    v.extend(debug_text(&run));
    let mut violations = BTreeMap::new();
    violations.insert("every call after the identity check reset".to_owned(), v);
    assert_no_violations("a dying endpoint", &violations);
}

#[test]
fn a_hanging_endpoint_is_bounded_by_the_time_budget() {
    scenario();
    let run = scan(
        "hanging",
        &[json!({"operation": "*", "action": "hang", "after": 1})],
        &["--timeout", "8"],
    );
    let mut v = Vec::new();
    if run.faulted("STS", "GetCallerIdentity") > 0 {
        v.push("the identity call should have passed".to_owned());
    }
    if run.out.elapsed > Duration::from_secs(18) {
        v.push(format!(
            "took {:?}, want at most the 8 s budget + 10 s{}",
            run.out.elapsed,
            if run.out.timed_out { " (killed)" } else { "" }
        ));
    }
    if run.out.code != Some(4) {
        v.push(format!("exit {:?}, want 4", run.out.code));
    }
    v.extend(incomplete(&run));
    v.extend(debug_text(&run));
    let mut violations = BTreeMap::new();
    violations.insert("every call after the identity check hangs".to_owned(), v);
    assert_no_violations("a hanging endpoint", &violations);
}

#[test]
fn a_throttle_burst_is_retried_without_losing_data() {
    const BURST: &[(&str, &str)] = &[
        ("Lambda", "ListFunctions"),
        ("IAM", "GetAccountAuthorizationDetails"),
        ("KMS", "ListKeys"),
    ];
    let scenario = scenario();
    let rules: Vec<Value> = BURST
        .iter()
        .map(|(s, o)| json!({"service": s, "operation": o, "action": "throttle", "times": 2}))
        .collect();
    let run = scan("throttled", &rules, &["--max-attempts", "3"]);
    let mut v = Vec::new();
    for (service, operation) in BURST {
        let faulted = run.faulted(service, operation);
        if faulted != 2 {
            v.push(format!(
                "{service} {operation}: the proxy throttled {faulted} request(s), want 2"
            ));
        }
    }
    if run.out.timed_out {
        v.push(format!("the scan did not end within {SCAN_LIMIT:?}"));
    }
    if let Some(report) = &run.report {
        let clean = scenario.clean.results();
        let after = results(report);
        let all: BTreeSet<&(String, String)> = clean.keys().chain(after.keys()).collect();
        let status = |m: &BTreeMap<(String, String), String>, key| {
            m.get(key).map_or("absent", String::as_str).to_owned()
        };
        let mut changed: BTreeMap<(String, String, String), Vec<&str>> = BTreeMap::new();
        for key in all {
            let (was, now) = (status(&clean, key), status(&after, key));
            if was != now {
                changed
                    .entry((key.0.clone(), was, now))
                    .or_default()
                    .push(&key.1);
            }
        }
        for ((check, was, now), arns) in changed {
            v.push(format!(
                "{check}: {} result(s) {was} in the clean scan, {now} after the burst ({})",
                arns.len(),
                arns.join(", ")
            ));
        }
        for gap in report["gaps"].as_array().into_iter().flatten() {
            if BURST.iter().any(|(_, o)| gap["operation"] == *o) {
                v.push(format!("a gap for a throttled listing: {gap}"));
            }
        }
        if run.out.code != scenario.clean.out.code {
            v.push(format!(
                "exit {:?}, the clean scan's was {:?}",
                run.out.code, scenario.clean.out.code
            ));
        }
    } else {
        v.push(format!(
            "no JSON report (exit {:?}; stderr: {})",
            run.out.code,
            tail(&run.out.stderr)
        ));
    }
    v.extend(debug_text(&run));
    let mut violations = BTreeMap::new();
    violations.insert("throttle x2 on the big listings".to_owned(), v);
    assert_no_violations("a throttle burst", &violations);
}

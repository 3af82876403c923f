//! Fault injection: the real binary scans one seeded account through mocks/faultproxy.py,
//! which denies, throttles, resets or hangs chosen operations, and each faulted report is
//! compared with the clean report of the same account (issue 9, "Unknown is never silence").
//!
//! What each test proves:
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
//! Run: `cargo test --test live faults` (about a minute). With
//! `FAASCAN_FAULT_REPORTS=DIR` every scan's report, stderr and proxy counters are kept in DIR.

use crate::common::*;
use aws_sdk_lambda::primitives::Blob;
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
const NOT_EXERCISED: &[(&str, &str, &str)] = &[(
    "Lambda",
    "ListFunctionsByCodeSigningConfig",
    "moto has no ListCodeSigningConfigs (404), so no config is listed to ask about",
)];

/// Debug renderings of SDK errors that must never reach a person.
const DEBUG_TEXT: &[&str] = &[
    "StartEl",
    "ErrorMetadata",
    "Error {",
    "Some(",
    "DispatchFailure",
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

/// One scan through the proxy.
struct Run {
    label: String,
    out: TimedOutput,
    report: Option<Value>,
    /// The proxy's counters for this scan's access key.
    stats: Value,
}

impl Run {
    fn report(&self) -> &Value {
        self.report.as_ref().unwrap_or_else(|| {
            panic!(
                "{}: no JSON report (exit {:?})\nstderr: {}\nstdout: {}",
                self.label,
                self.out.code,
                tail(&self.out.stderr),
                tail(&self.out.stdout)
            )
        })
    }

    /// (check id, resource ARN) -> status.
    fn results(&self) -> BTreeMap<(String, String), String> {
        results(self.report())
    }

    /// How often the proxy saw `operation` of `service` from this scan.
    fn requests(&self, service: &str, operation: &str) -> u64 {
        self.stats["operations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["service"] == service && r["operation"] == operation)
            .map(|r| r["requests"].as_u64().unwrap())
            .sum()
    }

    fn faulted(&self, service: &str, operation: &str) -> u64 {
        self.stats["operations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["service"] == service && r["operation"] == operation)
            .map(|r| r["faulted"].as_u64().unwrap())
            .sum()
    }
}

fn tail(s: &str) -> &str {
    let start = s.len().saturating_sub(3000);
    let start = (start..=s.len())
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(s.len());
    &s[start..]
}

fn results(report: &Value) -> BTreeMap<(String, String), String> {
    report["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results[] in the report"))
        .iter()
        .map(|r| {
            (
                (
                    r["check_id"].as_str().unwrap_or_default().to_owned(),
                    r["resource"]["arn"].as_str().unwrap_or_default().to_owned(),
                ),
                r["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// `pattern` with `*` matching any run of characters (none included) matches `text`.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The contract between a clean and a faulted report: nothing became `pass` that was `fail`
/// or `unknown`, and nothing vanished without an `unknown` of its check whose ARN pattern
/// covers it.
fn compare(clean: &Run, faulted: &Run) -> Vec<String> {
    let before = clean.results();
    let after = faulted.results();
    let unknowns: Vec<(&str, &str)> = after
        .iter()
        .filter(|(_, status)| *status == "unknown")
        .map(|((check, arn), _)| (check.as_str(), arn.as_str()))
        .collect();
    let mut violations = Vec::new();
    let mut passed: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    let mut vanished: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for ((check, arn), status) in &before {
        match after.get(&(check.clone(), arn.clone())) {
            Some(now) if now == "pass" && (status == "fail" || status == "unknown") => {
                passed.entry((check, status)).or_default().push(arn);
            }
            Some(_) => {}
            None => {
                let covered = unknowns
                    .iter()
                    .any(|(c, pattern)| c == check && pattern.contains('*') && glob(pattern, arn));
                if !covered {
                    vanished.entry(check).or_default().push(arn);
                }
            }
        }
    }
    for ((check, status), arns) in passed {
        violations.push(format!(
            "{check}: {} result(s) {status} -> pass ({})",
            arns.len(),
            arns.join(", ")
        ));
    }
    for (check, arns) in vanished {
        violations.push(format!(
            "{check}: {} clean result(s) vanished without a covering unknown ({})",
            arns.len(),
            arns.join(", ")
        ));
    }
    violations
}

/// Every Rust debug rendering in the run's output, as "pattern in stream: ...excerpt...".
fn debug_excerpts(run: &Run) -> Vec<String> {
    let mut found = Vec::new();
    for (stream, text) in [("stdout", &run.out.stdout), ("stderr", &run.out.stderr)] {
        for pattern in DEBUG_TEXT {
            for (at, _) in text.match_indices(pattern).take(20) {
                let from = text[..at]
                    .char_indices()
                    .rev()
                    .nth(60)
                    .map_or(0, |(i, _)| i);
                let excerpt: String = text[from..].chars().take(140).collect();
                let line = format!(
                    "debug text {pattern:?} in {stream}: ...{}...",
                    excerpt.replace('\n', " ")
                );
                if !found.contains(&line) {
                    found.push(line);
                }
            }
        }
    }
    found
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

/// The report says it is incomplete: the flag, at least one gap, a coverage row that is not
/// `complete`.
fn incomplete(run: &Run) -> Vec<String> {
    let mut violations = Vec::new();
    let Some(report) = &run.report else {
        return vec![format!(
            "no JSON report on stdout (exit {:?}; stderr: {})",
            run.out.code,
            tail(&run.out.stderr).trim()
        )];
    };
    if report["incomplete"] != true {
        violations.push(format!(
            "`incomplete` is {} (want true)",
            report["incomplete"]
        ));
    }
    if report["gaps"].as_array().is_none_or(Vec::is_empty) {
        violations.push("`gaps` is empty".to_owned());
    }
    match report["coverage"]["rows"].as_array() {
        None => violations.push("no `coverage.rows` array".to_owned()),
        Some(rows) => {
            if !rows.iter().any(|r| r["status"] != "complete") {
                violations.push("every `coverage.rows` row says complete".to_owned());
            }
        }
    }
    violations
}

fn creds_env(c: &AccountCredentials) -> [(&'static str, String); 3] {
    [
        ("AWS_ACCESS_KEY_ID", c.access_key_id.clone()),
        ("AWS_SECRET_ACCESS_KEY", c.secret_access_key.clone()),
        ("AWS_SESSION_TOKEN", c.session_token.clone()),
    ]
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
    let env = creds_env(&creds);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
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

/// `faascan permissions --format calls`: (service, operation) in order.
fn published_calls() -> Vec<(String, String)> {
    let out = faascan(&["permissions", "--format", "calls"], &[]);
    assert!(out.status.success(), "faascan permissions failed");
    let text = String::from_utf8(out.stdout).unwrap();
    let calls: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            (
                cols.next().unwrap_or_default().trim().to_owned(),
                cols.next().unwrap_or_default().trim().to_owned(),
            )
        })
        .collect();
    assert!(
        calls.len() > 20 && calls.iter().all(|(s, o)| !s.is_empty() && !o.is_empty()),
        "unexpected `permissions --format calls` output:\n{text}"
    );
    calls
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
    use aws_sdk_lambda::types::{FunctionCode, FunctionUrlAuthType, Runtime};
    let seed = assume_into(ACCOUNT, "seed").await;
    let sdk = seed.sdk(REGION).await;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let lambda = aws_sdk_lambda::Client::new(&sdk);
    let kms = aws_sdk_kms::Client::new(&sdk);
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(true)
            .build(),
    );
    let apig = aws_sdk_apigateway::Client::new(&sdk);
    let v2 = aws_sdk_apigatewayv2::Client::new(&sdk);

    // IAM: an admin execution role, a narrow one with an AWS-managed policy used only as its
    // permission boundary (the scan reads that with iam:GetPolicy), a user with a key.
    let mut roles = BTreeMap::new();
    for name in ["fx-admin-role", "fx-app-role"] {
        let arn = iam
            .create_role()
            .role_name(name)
            .assume_role_policy_document(lambda_trust())
            .send()
            .await
            .unwrap()
            .role()
            .unwrap()
            .arn()
            .to_owned();
        roles.insert(name, arn);
    }
    iam.attach_role_policy()
        .role_name("fx-admin-role")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("fx-app-role")
        .policy_name("read-orders")
        .policy_document(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s3:GetObject","dynamodb:GetItem"],"Resource":["arn:aws:s3:::fx-private-{ACCOUNT}/*","arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"]}}]}}"#
        ))
        .send()
        .await
        .unwrap();
    iam.attach_role_policy()
        .role_name("fx-app-role")
        .policy_arn("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        .send()
        .await
        .unwrap();
    iam.put_role_permissions_boundary()
        .role_name("fx-app-role")
        .permissions_boundary("arn:aws:iam::aws:policy/AWSLambdaExecute")
        .send()
        .await
        .unwrap();
    iam.create_user()
        .user_name("fx-deployer")
        .send()
        .await
        .unwrap();
    iam.attach_user_policy()
        .user_name("fx-deployer")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();
    iam.create_access_key()
        .user_name("fx-deployer")
        .send()
        .await
        .unwrap();

    // Lambda
    let mut functions = BTreeMap::new();
    for (name, role) in [
        ("fx-url-fn", "fx-app-role"),
        ("fx-rest-fn", "fx-admin-role"),
        ("fx-http-fn", "fx-admin-role"),
    ] {
        let arn = lambda
            .create_function()
            .function_name(name)
            .runtime(Runtime::Python312)
            .role(&roles[role])
            .handler("app.handler")
            .timeout(30)
            .memory_size(512)
            .code(
                FunctionCode::builder()
                    .zip_file(Blob::new(empty_zip()))
                    .build(),
            )
            .send()
            .await
            .unwrap()
            .function_arn()
            .unwrap()
            .to_owned();
        functions.insert(name, arn);
    }
    lambda
        .create_function_url_config()
        .function_name("fx-url-fn")
        .auth_type(FunctionUrlAuthType::None)
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name("fx-url-fn")
        .statement_id("public-url")
        .action("lambda:InvokeFunctionUrl")
        .principal("*")
        .function_url_auth_type(FunctionUrlAuthType::None)
        .send()
        .await
        .unwrap();

    // An alias on a published version, with its own policy (ListAliases, the qualified
    // GetPolicy and GetFunctionUrlConfig, and GetFunctionConfiguration of the version).
    let version = lambda
        .publish_version()
        .function_name("fx-url-fn")
        .send()
        .await
        .unwrap()
        .version()
        .unwrap()
        .to_owned();
    lambda
        .create_alias()
        .function_name("fx-url-fn")
        .name("live")
        .function_version(&version)
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name("fx-url-fn")
        .qualifier("live")
        .statement_id("partner-alias")
        .action("lambda:InvokeFunction")
        .principal("999999999999")
        .send()
        .await
        .unwrap();

    // S3: one bucket public by policy, one private and encrypted.
    let public = format!("fx-public-{ACCOUNT}");
    let private = format!("fx-private-{ACCOUNT}");
    for bucket in [&public, &private] {
        s3.create_bucket().bucket(bucket).send().await.unwrap();
    }
    s3.put_bucket_policy()
        .bucket(&public)
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{public}/*"}}]}}"#
        ))
        .send()
        .await
        .unwrap();
    {
        use aws_sdk_s3::types::{
            ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
            ServerSideEncryptionRule,
        };
        s3.put_bucket_encryption()
            .bucket(&private)
            .server_side_encryption_configuration(
                ServerSideEncryptionConfiguration::builder()
                    .rules(
                        ServerSideEncryptionRule::builder()
                            .apply_server_side_encryption_by_default(
                                ServerSideEncryptionByDefault::builder()
                                    .sse_algorithm(ServerSideEncryption::Aes256)
                                    .build()
                                    .unwrap(),
                            )
                            .build(),
                    )
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }

    // KMS: one rotating key with an alias, one not rotating.
    let rotating = kms
        .create_key()
        .description("fx rotating")
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_owned();
    kms.enable_key_rotation()
        .key_id(&rotating)
        .send()
        .await
        .unwrap();
    kms.create_alias()
        .alias_name("alias/fx-rotating")
        .target_key_id(&rotating)
        .send()
        .await
        .unwrap();
    kms.create_key()
        .description("fx static")
        .send()
        .await
        .unwrap();

    // REST API: GET /pay, no authorization, proxying to fx-rest-fn; stage prod.
    let api = apig
        .create_rest_api()
        .name("fx-rest")
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let root = apig
        .get_resources()
        .rest_api_id(&api)
        .send()
        .await
        .unwrap()
        .items()[0]
        .id()
        .unwrap()
        .to_owned();
    let pay = apig
        .create_resource()
        .rest_api_id(&api)
        .parent_id(&root)
        .path_part("pay")
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    apig.put_method()
        .rest_api_id(&api)
        .resource_id(&pay)
        .http_method("GET")
        .authorization_type("NONE")
        .send()
        .await
        .unwrap();
    apig.put_integration()
        .rest_api_id(&api)
        .resource_id(&pay)
        .http_method("GET")
        .r#type(aws_sdk_apigateway::types::IntegrationType::AwsProxy)
        .integration_http_method("POST")
        .uri(format!(
            "arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{}/invocations",
            functions["fx-rest-fn"]
        ))
        .send()
        .await
        .unwrap();
    apig.create_deployment()
        .rest_api_id(&api)
        .stage_name("prod")
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name("fx-rest-fn")
        .statement_id("apigateway")
        .action("lambda:InvokeFunction")
        .principal("apigateway.amazonaws.com")
        .source_arn(format!(
            "arn:aws:execute-api:{REGION}:{ACCOUNT}:{api}/*/GET/pay"
        ))
        .send()
        .await
        .unwrap();
    apig.create_api_key()
        .name("fx-partner-key")
        .enabled(true)
        .send()
        .await
        .unwrap();
    apig.create_usage_plan()
        .name("fx-plan")
        .send()
        .await
        .unwrap();
    apig.create_domain_name()
        .domain_name("fx-api.example.com")
        .security_policy(aws_sdk_apigateway::types::SecurityPolicy::Tls10)
        .regional_certificate_arn(format!("arn:aws:acm:{REGION}:{ACCOUNT}:certificate/fx"))
        .send()
        .await
        .unwrap();

    // The REST API under the custom domain (GetBasePathMappings).
    apig.create_base_path_mapping()
        .domain_name("fx-api.example.com")
        .rest_api_id(&api)
        .stage("prod")
        .send()
        .await
        .unwrap();

    // A layer version shared with another account (ListLayers, ListLayerVersions,
    // GetLayerVersionPolicy).
    lambda
        .publish_layer_version()
        .layer_name("fx-layer")
        .content(
            aws_sdk_lambda::types::LayerVersionContentInput::builder()
                .zip_file(Blob::new(empty_zip()))
                .build(),
        )
        .send()
        .await
        .unwrap();
    lambda
        .add_layer_version_permission()
        .layer_name("fx-layer")
        .version_number(1)
        .statement_id("partner")
        .action("lambda:GetLayerVersion")
        .principal("999999999999")
        .send()
        .await
        .unwrap();

    // An access point with a policy, and a Multi-Region Access Point (the s3control reads).
    // moto's answers to these writes have XML roots the SDK rejects; the state is there.
    let s3control = crate::moto_s3control(&sdk);
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
    let http = v2
        .create_api()
        .name("fx-http")
        .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Http)
        .send()
        .await
        .unwrap()
        .api_id()
        .unwrap()
        .to_owned();
    let integration = v2
        .create_integration()
        .api_id(&http)
        .integration_type(aws_sdk_apigatewayv2::types::IntegrationType::AwsProxy)
        .integration_uri(&functions["fx-http-fn"])
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
    v2.create_domain_name()
        .domain_name("fx-http.example.com")
        .domain_name_configurations(
            aws_sdk_apigatewayv2::types::DomainNameConfiguration::builder()
                .certificate_arn(format!("arn:aws:acm:{REGION}:{ACCOUNT}:certificate/fx2"))
                .endpoint_type(aws_sdk_apigatewayv2::types::EndpointType::Regional)
                .security_policy(aws_sdk_apigatewayv2::types::SecurityPolicy::Tls12)
                .build(),
        )
        .send()
        .await
        .unwrap();
    v2.create_api_mapping()
        .domain_name("fx-http.example.com")
        .api_id(&http)
        .stage("live")
        .send()
        .await
        .unwrap();

    (
        functions["fx-rest-fn"].clone(),
        functions["fx-http-fn"].clone(),
    )
}

/// Reports all violations at once: what was faulted -> what went wrong.
fn assert_no_violations(what: &str, violations: &BTreeMap<String, Vec<String>>) {
    let bad: Vec<String> = violations
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}:\n    - {}", v.join("\n    - ")))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: {} of {} faulted scans broke the contract\n{}",
        bad.len(),
        violations.len(),
        bad.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// The harness itself
// ---------------------------------------------------------------------------------------

/// A run made of a report, for testing the contract checks themselves.
fn synthetic(results: &[(&str, &str, &str)], extra: Value) -> Run {
    let mut report = json!({
        "results": results
            .iter()
            .map(|(check, arn, status)| {
                json!({"check_id": check, "status": status, "resource": {"arn": arn}})
            })
            .collect::<Vec<_>>(),
    });
    for (k, v) in extra.as_object().into_iter().flatten() {
        report[k] = v.clone();
    }
    Run {
        label: "synthetic".to_owned(),
        out: TimedOutput {
            code: Some(0),
            stdout: report.to_string(),
            stderr: String::new(),
            elapsed: Duration::ZERO,
            timed_out: false,
        },
        report: Some(report),
        stats: json!({"operations": [], "unidentified": []}),
    }
}

#[test]
fn the_contract_checks_accept_placeholders_and_catch_losses() {
    assert!(glob(
        "arn:aws:lambda:us-east-1:1:function:*",
        "arn:aws:lambda:us-east-1:1:function:a"
    ));
    assert!(glob(
        "arn:aws:apigateway:us-east-1::/restapis/*",
        "arn:aws:apigateway:us-east-1::/restapis/x/stages/prod"
    ));
    assert!(glob(
        "arn:aws:apigateway:us-east-1::/restapis/x/stages/*",
        "arn:aws:apigateway:us-east-1::/restapis/x/stages/prod"
    ));
    assert!(!glob(
        "arn:aws:apigateway:us-east-1::/restapis/x/stages/*",
        "arn:aws:apigateway:us-east-1::/restapis/y/stages/prod"
    ));
    assert!(!glob("arn:aws:s3:::*", "arn:aws:iam::1:role/r"));
    assert!(glob("a*b*c", "abc") && glob("a*b*c", "a-b-b-c") && !glob("a*b*c", "a-c-b"));

    let clean = synthetic(
        &[
            ("lambda-x", "arn:aws:lambda:us-east-1:1:function:a", "fail"),
            ("lambda-x", "arn:aws:lambda:us-east-1:1:function:b", "pass"),
            ("s3-y", "arn:aws:s3:::b1", "unknown"),
            ("s3-y", "arn:aws:s3:::b2", "fail"),
        ],
        json!({}),
    );
    // A listing placeholder covers the functions; a bucket became unknown; fine.
    let good = synthetic(
        &[
            (
                "lambda-x",
                "arn:aws:lambda:us-east-1:1:function:*",
                "unknown",
            ),
            ("s3-y", "arn:aws:s3:::b1", "unknown"),
            ("s3-y", "arn:aws:s3:::b2", "unknown"),
        ],
        json!({"incomplete": true, "gaps": [{"operation": "ListFunctions"}],
               "coverage": {"rows": [{"service": "lambda", "region": "us-east-1", "status": "not_read"}]}}),
    );
    assert_eq!(compare(&clean, &good), Vec::<String>::new());
    assert_eq!(incomplete(&good), Vec::<String>::new());
    // fail -> pass, unknown -> pass, a result lost, a placeholder of another check or without
    // a wildcard covering nothing.
    let bad = synthetic(
        &[
            ("lambda-x", "arn:aws:lambda:us-east-1:1:function:a", "pass"),
            ("s3-y", "arn:aws:s3:::b1", "pass"),
            ("s3-z", "arn:aws:s3:::*", "unknown"),
            ("lambda-x", "arn:aws:lambda:us-east-1:1", "unknown"),
        ],
        json!({"incomplete": false, "gaps": [],
               "coverage": {"rows": [{"service": "s3", "region": "us-east-1", "status": "complete"}]}}),
    );
    let violations = compare(&clean, &bad);
    assert_eq!(violations.len(), 4, "{violations:#?}");
    assert!(violations[0].contains("lambda-x") && violations[0].contains("fail -> pass"));
    assert!(violations[1].contains("s3-y") && violations[1].contains("unknown -> pass"));
    assert!(violations[2].contains("lambda-x") && violations[2].contains("function:b"));
    assert!(violations[3].contains("s3-y") && violations[3].contains("arn:aws:s3:::b2"));
    assert_eq!(incomplete(&bad).len(), 3, "{:?}", incomplete(&bad));

    let mut noisy = synthetic(&[], json!({}));
    noisy.out.stderr = "error: AccessDenied: Error { code: \"AccessDenied\" } Some(1)".to_owned();
    assert_eq!(debug_excerpts(&noisy).len(), 2);
}

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
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(
                aws_smithy_http_client::Builder::new()
                    .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                        aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
                    ))
                    .build_https(),
            )
            .endpoint_url(&proxy.endpoint)
            .region(aws_config::Region::new(REGION))
            .credentials_provider(aws_credential_types::Credentials::new(
                creds.access_key_id.clone(),
                creds.secret_access_key.clone(),
                Some(creds.session_token.clone()),
                None,
                "proxy-test",
            ))
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .load()
            .await;

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

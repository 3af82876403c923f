//! Live-test harness: one moto server per test binary on a free loopback port (from the
//! pinned virtualenv in mocks/, created when missing), stopped when the test process exits;
//! scenario accounts kept apart by the credentials moto's STS issues; the real binary run with
//! a scrubbed environment.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub(crate) struct Moto {
    pub(crate) endpoint: String,
    pub(crate) port: u16,
    pub(crate) recording: PathBuf,
    /// The watchdog shell; kept so the process handle is owned (it exits with the test process).
    _watchdog: std::process::Child,
}

static MOTO: OnceLock<Moto> = OnceLock::new();

pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn moto_server_binary() -> PathBuf {
    if let Ok(path) = std::env::var("FAASCAN_MOTO_SERVER") {
        return PathBuf::from(path);
    }
    venv().join("bin/moto_server")
}

static VENV: OnceLock<PathBuf> = OnceLock::new();

/// The pinned Python tools (moto, jsonschema) in mocks/.venv, installed on first use.
pub(crate) fn venv() -> PathBuf {
    VENV.get_or_init(|| {
        let venv = repo_root().join("mocks/.venv");
        let ready = venv.join("bin/moto_server").exists()
            && Command::new(venv.join("bin/python"))
                .args(["-c", "import jsonschema, lxml"])
                .status()
                .is_ok_and(|s| s.success());
        if !ready {
            eprintln!(
                "installing the pinned tools into {} (first run only)",
                venv.display()
            );
            if !venv.join("bin/pip").exists() {
                let status = Command::new("python3")
                    .args(["-m", "venv"])
                    .arg(&venv)
                    .status()
                    .unwrap();
                assert!(
                    status.success(),
                    "python3 -m venv failed: is python3-venv installed?"
                );
            }
            let status = Command::new(venv.join("bin/pip"))
                .args(["install", "-q", "-r"])
                .arg(repo_root().join("mocks/requirements.txt"))
                .status()
                .unwrap();
            assert!(
                status.success(),
                "pip install -r mocks/requirements.txt failed"
            );
        }
        venv
    })
    .clone()
}

pub(crate) fn moto() -> &'static Moto {
    MOTO.get_or_init(|| {
        let server = moto_server_binary();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("faascan-moto-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let recording = dir.join("recording.jsonl");
        // A watchdog shell stops moto when this test process ends, however it ends.
        let script = r#""$MOTO" -H 127.0.0.1 -p "$PORT" & m=$!
while kill -0 "$WATCH" 2>/dev/null && kill -0 "$m" 2>/dev/null; do sleep 0.5; done
kill "$m" 2>/dev/null"#;
        let watchdog = Command::new("sh")
            .arg("-c")
            .arg(script)
            .env("MOTO", &server)
            .env("PORT", port.to_string())
            .env("WATCH", std::process::id().to_string())
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env("MOTO_ENABLE_RECORDING", "true")
            .env("MOTO_RECORDER_FILEPATH", &recording)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("moto.log")).unwrap())
            .spawn()
            .unwrap();
        wait_for("moto", &dir, Duration::from_secs(60), || {
            http_request(port, "GET", "/moto-api/", None)
                .is_some_and(|(status, _)| status == 200)
                .then_some(())
        });
        Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            recording,
            _watchdog: watchdog,
        }
    })
}

/// Static credentials that land in `account` on moto: it assigns an access key that its own
/// STS issued to the account of the assumed role.
#[derive(Clone, Debug)]
pub(crate) struct AccountCredentials {
    pub(crate) account: String,
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: String,
}

pub(crate) async fn assume_into(account: &str, session: &str) -> AccountCredentials {
    let sdk = sdk_config(
        &moto().endpoint,
        "us-east-1",
        Credentials::new("testing", "testing", None, None, "static"),
    )
    .await;
    let sts = aws_sdk_sts::Client::new(&sdk);
    let out = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/{session}"))
        .role_session_name(session)
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    AccountCredentials {
        account: account.to_owned(),
        access_key_id: c.access_key_id().to_owned(),
        secret_access_key: c.secret_access_key().to_owned(),
        session_token: c.session_token().to_owned(),
    }
}

/// An SDK configuration for `endpoint` (moto, or the fault proxy in front of it), without
/// retries so that a test sees every error.
pub(crate) async fn sdk_config(
    endpoint: &str,
    region: &str,
    credentials: Credentials,
) -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .endpoint_url(endpoint)
        .region(Region::new(region.to_owned()))
        .credentials_provider(credentials)
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await
}

impl AccountCredentials {
    /// An SDK configuration for moto in `region`, as this identity.
    pub(crate) async fn sdk(&self, region: &str) -> SdkConfig {
        self.sdk_at(&moto().endpoint, region).await
    }

    pub(crate) async fn sdk_at(&self, endpoint: &str, region: &str) -> SdkConfig {
        let credentials = Credentials::new(
            self.access_key_id.clone(),
            self.secret_access_key.clone(),
            Some(self.session_token.clone()),
            None,
            "assumed",
        );
        sdk_config(endpoint, region, credentials).await
    }

    /// The environment that makes the binary this identity.
    pub(crate) fn env(&self) -> [(&'static str, &str); 3] {
        [
            ("AWS_ACCESS_KEY_ID", &self.access_key_id),
            ("AWS_SECRET_ACCESS_KEY", &self.secret_access_key),
            ("AWS_SESSION_TOKEN", &self.session_token),
        ]
    }
}

/// The real binary with a scrubbed environment: no ambient AWS settings, no home directory,
/// no instance metadata; `env` on top.
fn faascan_command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let home = std::env::temp_dir().join("faascan-test-home");
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_faascan"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", home.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::null());
    cmd
}

/// Runs the real binary with a scrubbed environment (see [`faascan_command`]).
pub(crate) fn faascan(args: &[&str], env: &[(&str, &str)]) -> Output {
    faascan_command(args, env).output().unwrap()
}

/// Runs `faascan inventory` against moto as `creds` and returns the parsed inventory with
/// the process output.
pub(crate) fn inventory(
    creds: &AccountCredentials,
    regions: &[&str],
    extra: &[&str],
) -> (serde_json::Value, Output) {
    let endpoint = &moto().endpoint;
    let mut args = vec!["inventory", "--endpoint-url", endpoint.as_str()];
    for region in regions {
        args.extend(["--region", region]);
    }
    args.extend(extra);
    let out = faascan(&args, &creds.env());
    assert!(
        out.status.success(),
        "faascan inventory failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (json, out)
}

/// `faascan permissions --format calls`: (service, operation) in order.
pub(crate) fn published_calls() -> Vec<(String, String)> {
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

/// Runs `faascan scan --format json` against moto with `env` (the credentials) and `extra`,
/// findings not failing it, and returns the parsed report with the process output.
pub(crate) fn scan_report(env: &[(&str, &str)], extra: &[&str]) -> (serde_json::Value, Output) {
    let endpoint = &moto().endpoint;
    let mut args = vec![
        "scan",
        "--fail-on",
        "none",
        "--endpoint-url",
        endpoint.as_str(),
        "--format",
        "json",
    ];
    args.extend(extra);
    let out = faascan(&args, env);
    assert!(
        out.status.success(),
        "faascan scan failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (json, out)
}

/// A valid empty zip archive: moto stores the code but never runs it.
pub(crate) fn empty_zip() -> Vec<u8> {
    let mut zip = b"PK\x05\x06".to_vec();
    zip.extend([0u8; 18]);
    zip
}

/// The known value of the inventory attribute at `pointer` (e.g. `/s3/buckets`); panics on a
/// gap.
pub(crate) fn known<'a>(value: &'a serde_json::Value, pointer: &str) -> &'a serde_json::Value {
    let attr = value
        .pointer(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"));
    attr.get("known")
        .unwrap_or_else(|| panic!("{pointer} is not known: {attr}"))
}

/// The item of `list` whose `key` is `name`.
pub(crate) fn find<'a>(
    list: &'a serde_json::Value,
    key: &str,
    name: &str,
) -> &'a serde_json::Value {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .find(|item| item[key] == name)
        .unwrap_or_else(|| panic!("no item with {key} = {name}"))
}

/// The fault-injecting proxy (mocks/faultproxy.py) in front of this binary's moto: one per
/// test binary, stopped when the test process exits (it watches our pid). Rules are keyed
/// by access key id so that scans running in parallel do not see each other's faults.
pub(crate) struct FaultProxy {
    pub(crate) endpoint: String,
    pub(crate) port: u16,
    _child: std::process::Child,
}

static FAULT_PROXY: OnceLock<FaultProxy> = OnceLock::new();

pub(crate) fn fault_proxy() -> &'static FaultProxy {
    FAULT_PROXY.get_or_init(|| {
        let upstream = &moto().endpoint;
        let dir = std::env::temp_dir().join(format!(
            "faascan-faultproxy-{}-{}",
            std::process::id(),
            moto().port
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let port_file = dir.join("port");
        let _ = std::fs::remove_file(&port_file);
        let child = Command::new(venv().join("bin/python"))
            .arg(repo_root().join("mocks/faultproxy.py"))
            .args(["--upstream", upstream, "--port", "0", "--port-file"])
            .arg(&port_file)
            .args(["--parent-pid", &std::process::id().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("faultproxy.log")).unwrap())
            .spawn()
            .unwrap();
        let port = wait_for("the fault proxy", &dir, Duration::from_secs(30), || {
            std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|p| p.trim().parse::<u16>().ok())
        });
        FaultProxy {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            _child: child,
        }
    })
}

impl FaultProxy {
    /// Adds one rule (a JSON object) or several (an array); see mocks/faultproxy.py.
    pub(crate) fn add(&self, rules: &serde_json::Value) {
        let (status, body) =
            http_request(self.port, "POST", "/__faults", Some(&rules.to_string())).unwrap();
        assert_eq!(status, 200, "the fault proxy refused {rules}: {body}");
    }

    /// Removes the rules of one access key (all rules with `None`).
    pub(crate) fn clear(&self, access_key: Option<&str>) {
        let path = access_key.map_or_else(
            || "/__faults".to_owned(),
            |k| format!("/__faults?access_key={k}"),
        );
        let (status, body) = http_request(self.port, "DELETE", &path, None).unwrap();
        assert_eq!(status, 200, "{body}");
    }

    /// `{"operations": [{access_key, service, operation, requests, faulted}], "unidentified":
    /// [{access_key, service, requests: ["GET /path", ...]}]}` for one access key.
    pub(crate) fn stats(&self, access_key: &str) -> serde_json::Value {
        let (status, body) = http_request(
            self.port,
            "GET",
            &format!("/__stats?access_key={access_key}"),
            None,
        )
        .unwrap();
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }
}

/// Polls `ready` until it gives a value; fails the test after `limit`, pointing at the logs in
/// `dir`.
fn wait_for<T>(what: &str, dir: &Path, limit: Duration, mut ready: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = ready() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not start; see {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A minimal HTTP/1.1 request on loopback: (status, body).
pub(crate) fn http_request(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let body = body.unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

/// Runs a future to completion on a runtime of its own, for tests that are not async.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// Like [`faascan`], but the process is killed after `limit` (the output then carries what
/// it wrote so far and `timed_out` is true), so a hanging scan fails its test instead of
/// hanging the test run.
pub(crate) struct TimedOutput {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) elapsed: Duration,
    pub(crate) timed_out: bool,
}

pub(crate) fn faascan_within(args: &[&str], env: &[(&str, &str)], limit: Duration) -> TimedOutput {
    let mut cmd = faascan_command(args, env);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = started.elapsed();
    TimedOutput {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        elapsed,
        timed_out,
    }
}

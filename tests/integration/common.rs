//! Live-test harness: one moto server per test binary on a free loopback port (from the
//! pinned virtualenv in mocks/, created when missing), stopped when the test process exits;
//! scenario accounts kept apart by the credentials moto's STS issues; the real binary run with
//! a scrubbed environment.
#![allow(dead_code, clippy::unwrap_used, clippy::print_stderr, unreachable_pub)]

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct Moto {
    pub endpoint: String,
    pub port: u16,
    pub recording: PathBuf,
    /// The watchdog shell; kept so the process handle is owned (it exits with the test process).
    _watchdog: std::process::Child,
}

static MOTO: OnceLock<Moto> = OnceLock::new();

pub fn repo_root() -> PathBuf {
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
pub fn venv() -> PathBuf {
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

pub fn moto() -> &'static Moto {
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
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if http_get(port, "/moto-api/").is_some() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "moto did not start; see {}",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            recording,
            _watchdog: watchdog,
        }
    })
}

/// A minimal HTTP GET on loopback (no client crate needed for the harness).
pub fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.starts_with("HTTP/1.1 200").then_some(response)
}

/// Static credentials that land in `account` on moto: it assigns an access key that its own
/// STS issued to the account of the assumed role.
#[derive(Clone, Debug)]
pub struct AccountCredentials {
    pub account: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
}

pub async fn assume_into(account: &str, session: &str) -> AccountCredentials {
    let sdk = sdk_config(
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

pub async fn sdk_config(region: &str, credentials: Credentials) -> SdkConfig {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .endpoint_url(&moto().endpoint)
        .region(Region::new(region.to_owned()))
        .credentials_provider(credentials)
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await
}

impl AccountCredentials {
    pub async fn sdk(&self, region: &str) -> SdkConfig {
        sdk_config(
            region,
            Credentials::new(
                self.access_key_id.clone(),
                self.secret_access_key.clone(),
                Some(self.session_token.clone()),
                None,
                "assumed",
            ),
        )
        .await
    }
}

/// Runs the real binary with a scrubbed environment: no ambient AWS settings, no home
/// directory, no instance metadata.
pub fn faascan(args: &[&str], env: &[(&str, &str)]) -> Output {
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
        .args(args)
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Runs `faascan inventory` against moto as `creds` and returns the parsed inventory with
/// the process output.
pub fn inventory(
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
    let out = faascan(
        &args,
        &[
            ("AWS_ACCESS_KEY_ID", &creds.access_key_id),
            ("AWS_SECRET_ACCESS_KEY", &creds.secret_access_key),
            ("AWS_SESSION_TOKEN", &creds.session_token),
        ],
    );
    assert!(
        out.status.success(),
        "faascan inventory failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (json, out)
}

/// A valid empty zip archive: moto stores the code but never runs it.
pub fn empty_zip() -> Vec<u8> {
    let mut zip = b"PK\x05\x06".to_vec();
    zip.extend([0u8; 18]);
    zip
}

pub fn lambda_trust() -> String {
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#.to_owned()
}

/// Every resource in the inventory named `name` under `path` (e.g. `lambda_functions`).
pub fn known<'a>(value: &'a serde_json::Value, pointer: &str) -> &'a serde_json::Value {
    let attr = value
        .pointer(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"));
    attr.get("known")
        .unwrap_or_else(|| panic!("{pointer} is not known: {attr}"))
}

pub fn find<'a>(list: &'a serde_json::Value, key: &str, name: &str) -> &'a serde_json::Value {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .find(|item| item[key] == name)
        .unwrap_or_else(|| panic!("no item with {key} = {name}"))
}

pub fn path_exists(p: &Path) -> bool {
    p.exists()
}

/// The fault-injecting proxy (mocks/faultproxy.py) in front of this binary's moto: one per
/// test binary, stopped when the test process exits (it watches our pid). Rules are keyed
/// by access key id so that scans running in parallel do not see each other's faults.
pub struct FaultProxy {
    pub endpoint: String,
    pub port: u16,
    _child: std::process::Child,
}

static FAULT_PROXY: OnceLock<FaultProxy> = OnceLock::new();

pub fn fault_proxy() -> &'static FaultProxy {
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
                "the fault proxy did not start; see {}",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        FaultProxy {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            _child: child,
        }
    })
}

impl FaultProxy {
    /// Adds one rule (a JSON object) or several (an array); see mocks/faultproxy.py.
    pub fn add(&self, rules: &serde_json::Value) {
        let (status, body) =
            http_request(self.port, "POST", "/__faults", Some(&rules.to_string())).unwrap();
        assert_eq!(status, 200, "the fault proxy refused {rules}: {body}");
    }

    /// Removes the rules of one access key (all rules with `None`).
    pub fn clear(&self, access_key: Option<&str>) {
        let path = access_key.map_or_else(
            || "/__faults".to_owned(),
            |k| format!("/__faults?access_key={k}"),
        );
        let (status, body) = http_request(self.port, "DELETE", &path, None).unwrap();
        assert_eq!(status, 200, "{body}");
    }

    /// `{"operations": [{access_key, service, operation, requests, faulted}], "unidentified":
    /// [{access_key, service, requests: ["GET /path", ...]}]}` for one access key.
    pub fn stats(&self, access_key: &str) -> serde_json::Value {
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

/// A minimal HTTP/1.1 request on loopback: (status, body).
pub fn http_request(
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
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// Like [`faascan`], but the process is killed after `limit` (the output then carries what
/// it wrote so far and `timed_out` is true), so a hanging scan fails its test instead of
/// hanging the test run.
pub struct TimedOutput {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    pub timed_out: bool,
}

pub fn faascan_within(args: &[&str], env: &[(&str, &str)], limit: Duration) -> TimedOutput {
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
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
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

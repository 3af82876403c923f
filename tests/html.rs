//! The HTML report in headless Chromium: it renders, the filters change what is shown, and a
//! report built from an account whose names, descriptions and tags hold script, markup and ANSI
//! payloads runs no injected script and shows the payloads as text.
#![allow(clippy::unwrap_used)]

mod common;

use common::{faascan, repo_root};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> PathBuf {
    let path = std::env::var("FAASCAN_CHROMIUM")
        .map_or_else(|_| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.exists(),
        "{} is missing: install Debian's chromium (.ci/run does)",
        path.display()
    );
    path
}

/// Loads the page (filters in the URL fragment), lets scripts run, and returns the DOM and the
/// browser's log.
fn render(html: &Path, fragment: &str) -> (String, String) {
    let profile = std::env::temp_dir().join(format!(
        "faascan-chromium-{}-{}",
        std::process::id(),
        fragment.len()
    ));
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}#{fragment}", html.display()))
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn count_line(dom: &str) -> usize {
    let start = dom.find("<p id=\"count\">").unwrap() + "<p id=\"count\">".len();
    dom[start..].split(' ').next().unwrap().parse().unwrap()
}

const PAYLOADS: &[&str] = &[
    "<script>document.body.dataset.pwned='script'</script>",
    "<img src=x onerror=\"document.body.dataset.pwned='img'\">",
    "\u{1b}[31mred\u{1b}[0m",
    "</script><script>document.body.dataset.pwned='breakout'</script>",
];

#[test]
fn the_html_report_renders_filters_and_runs_no_injected_script() {
    // A copy of the demo inventory with hostile names, descriptions and tags.
    let mut inventory: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("mocks/demo/inventory.json")).unwrap(),
    )
    .unwrap();
    let functions = inventory["regions"][0]["lambda_functions"]["known"]
        .as_array_mut()
        .unwrap();
    for (f, payload) in functions.iter_mut().zip(PAYLOADS) {
        f["name"] = Value::from(*payload);
        f["description"] = Value::from(*payload);
        f["tags"]["known"]["owner"] = Value::from(*payload);
        let arn = f["arn"]
            .as_str()
            .unwrap()
            .rsplit_once(':')
            .unwrap()
            .0
            .to_owned();
        f["arn"] = Value::from(format!("{arn}:{payload}"));
    }
    let dir = std::env::temp_dir().join(format!("faascan-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let hostile = dir.join("hostile.json");
    std::fs::write(&hostile, serde_json::to_string(&inventory).unwrap()).unwrap();
    let out = faascan(
        &[
            "scan",
            "--fail-on",
            "none",
            "--inventory",
            hostile.to_str().unwrap(),
            "--format",
            "html",
            "--format",
            "json",
            "--output-dir",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --output-dir prints the paths it wrote.
    let printed = String::from_utf8(out.stdout.clone()).unwrap();
    let path_of = |ext: &str| {
        printed
            .lines()
            .find(|l| l.ends_with(&format!("Z.{ext}")))
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| panic!("no .{ext} in {printed}"))
    };
    let html = path_of("html");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(path_of("json")).unwrap()).unwrap();
    let results = report["results"].as_array().unwrap();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Content-Security-Policy") && page.contains("default-src 'none'"));
    // Outside the embedded data (which quotes URLs from the account and the docs), the page
    // references nothing on the network.
    let data_start = page.find("<script id=\"faascan-data\"").unwrap();
    let data_end = data_start + page[data_start..].find("</script>").unwrap();
    let template = format!("{}{}", &page[..data_start], &page[data_end..]);
    assert!(
        !template.contains("http://") && !template.contains("https://"),
        "the page would fetch from the network"
    );
    for payload in PAYLOADS {
        assert!(
            !page.contains(payload),
            "a raw payload is in the page source: {payload:?}"
        );
    }

    // Everything renders, and the counts are the report's.
    let (dom, log) = render(&html, "");
    assert!(
        dom.contains("data-rendered=\"true\""),
        "the page did not render:\n{log}"
    );
    assert!(!dom.contains("data-pwned"), "an injected script ran");
    assert!(
        !log.contains("Uncaught") && !log.contains("Refused to"),
        "console errors:\n{log}"
    );
    assert_eq!(count_line(&dom), results.len());

    // Filters change what is shown.
    let expected = |pred: &dyn Fn(&Value) -> bool| results.iter().filter(|r| pred(r)).count();
    let (dom, _) = render(&html, "severity=critical&status=fail");
    assert_eq!(
        count_line(&dom),
        expected(&|r| r["severity"] == "critical" && r["status"] == "fail")
    );
    let (dom, _) = render(&html, "check=s3-bucket-public-policy");
    assert_eq!(
        count_line(&dom),
        expected(&|r| r["check_id"] == "s3-bucket-public-policy")
    );
    assert!(count_line(&dom) < results.len());

    // The payloads are shown as text: search for one, and it is in the DOM escaped.
    let (dom, log) = render(&html, "q=onerror");
    assert!(
        count_line(&dom) > 0,
        "the hostile function's results are listed"
    );
    assert!(
        dom.contains("&lt;img src=x onerror="),
        "the payload is displayed as text"
    );
    assert!(!dom.contains("data-pwned"), "an injected script ran");
    assert!(!log.contains("Uncaught"), "console errors:\n{log}");
    let _ = std::fs::remove_dir_all(&dir);
}

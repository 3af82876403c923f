//! The HTML report in headless Chromium: it renders, the filters change what is shown, and a
//! report built from an account whose names, descriptions and tags hold script, markup and ANSI
//! payloads runs no injected script and shows the payloads as text.

use crate::common::{faascan, repo_root};
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
    render_with(html, fragment, &[])
}

fn render_with(html: &Path, fragment: &str, extra: &[&str]) -> (String, String) {
    // One profile per Chromium run: tests render in parallel, and a profile left by an
    // earlier process with the same id must not be reused (Chromium refuses a locked one).
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let profile = std::env::temp_dir().join(format!(
        "faascan-chromium-{}-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
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
            "--virtual-time-budget=30000",
        ])
        .args(extra)
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

/// The text of the count line: `N results match; showing A–B`.
fn count_text(dom: &str) -> &str {
    let start = dom.find("<p id=\"count\">").unwrap() + "<p id=\"count\">".len();
    &dom[start..start + dom[start..].find('<').unwrap()]
}

/// The rows of the results table, as (severity, status) pairs, in order.
fn result_rows(dom: &str) -> Vec<(String, String)> {
    let body = &dom[dom.find("<tbody id=\"rows\">").unwrap()..];
    let body = &body[..body.find("</tbody>").unwrap()];
    body.split("<tr class=\"result\"")
        .skip(1)
        .map(|row| {
            let status = row
                .split("data-status=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let sev = row
                .split("class=\"sev sev-")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (sev.to_owned(), status.to_owned())
        })
        .collect()
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

    // It opens on what matters: failures first, most severe first.
    let (dom, _) = render(&html, "");
    let shown = result_rows(&dom);
    assert_eq!(shown.len(), 100.min(results.len()), "a page of results");
    assert_eq!(shown[0], ("critical".to_owned(), "fail".to_owned()));
    let rank = |s: &str| {
        ["fail", "unknown", "muted", "pass"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    assert!(
        shown.windows(2).all(|w| rank(&w[0].1) <= rank(&w[1].1)),
        "failures first"
    );
    // The static summary is in the page, and the no-script failure list is removed.
    assert!(dom.contains("id=\"summary\"") && !dom.contains("id=\"static-failures\""));

    // The status cards work: the "pass" card filters to passes.
    let (dom, _) = render(&html, "click=%23cards%20button%5Bdata-status%3Dpass%5D");
    assert_eq!(count_line(&dom), expected(&|r| r["status"] == "pass"));
    assert!(dom.contains("class=\"card active\" type=\"button\" data-status=\"pass\""));

    // Every result is reachable: the last page, and every row at once.
    let (dom, _) = render(&html, "page=last");
    let last = count_text(&dom).to_owned();
    assert!(last.ends_with(&format!("–{}", results.len())), "{last}");
    let (dom, _) = render(&html, "size=all");
    assert_eq!(result_rows(&dom).len(), results.len());

    // A result's detail renders the remediation as a list with working links.
    let (dom, _) = render(&html, "click=tr.result");
    let detail = &dom[dom.find("<tr class=\"detail\">").unwrap()..];
    let detail = &detail[..detail.find("</tr>").unwrap()];
    assert!(
        detail.contains("<h5>Remediation</h5>") && detail.contains("<li><strong>Console</strong>"),
        "{detail}"
    );
    assert!(
        detail.contains("<a href=\"https://") && detail.contains("rel=\"noopener noreferrer\""),
        "{detail}"
    );
    assert!(
        !detail.contains("**"),
        "Markdown is rendered, not shown raw"
    );

    // The compliance, region and attack-path views.
    let (dom, _) = render(&html, "view=compliance&framework=AWS%20FSBP");
    assert!(
        dom.contains(
            "<tr class=\"control\"><td><a href=\"https://docs.aws.amazon.com/securityhub/"
        )
    );
    let (dom, _) = render(&html, "view=compliance&click=tr.control");
    assert!(count_text(&dom).contains("checks of the chosen control"));
    let (dom, _) = render(&html, "view=regions");
    assert!(dom.contains("<tr class=\"region\"><td>us-east-1</td>"));
    let (dom, _) = render(&html, "view=paths");
    let paths = results
        .iter()
        .filter(|r| r["status"] == "fail" && r["check_id"].as_str().unwrap().starts_with("path-"))
        .count();
    assert!(
        dom.contains(&format!("{paths} attack path(s) found")),
        "paths"
    );
    assert!(dom.contains("<span class=\"arrow\"> → </span>"));

    // Without JavaScript, the summary and the most severe failures still read: they are
    // static markup before the interactive part (which stays hidden without a script).
    let summary = page.find("<h2>Summary</h2>").unwrap();
    let failures = page.find("<div id=\"static-failures\">").unwrap();
    let app = page.find("<div id=\"app\" hidden>").unwrap();
    assert!(summary < failures && failures < app);
    assert!(page[summary..app].contains("<td class=\"sev sev-critical\">critical</td>"));
    assert!(page.contains("<noscript>"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// 100,000 results: the page loads, filters and pages within the browser's time budget.
#[test]
fn the_html_report_stays_usable_at_100k_results() {
    use faascan_checks::check::{
        CheckResult, Resource, ResourceKind, ResourceRef, Severity, Status,
    };
    let demo: faascan_checks::model::Inventory = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("mocks/demo/inventory.json")).unwrap(),
    )
    .unwrap();
    let ids: Vec<&str> = faascan_checks::REGISTRY.iter().map(|c| c.meta.id).collect();
    let account: std::sync::Arc<str> = "123456789012".into();
    let results: Vec<CheckResult> = (0..100_000)
        .map(|i| {
            let id = ids[i % ids.len()];
            let arn = format!(
                "arn:aws:lambda:us-east-1:123456789012:function:f-{}",
                i / ids.len()
            );
            let status = [Status::Pass, Status::Fail, Status::Pass, Status::Unknown][i % 4];
            CheckResult {
                check_id: std::borrow::Cow::Borrowed(id),
                status,
                severity: [
                    Severity::Low,
                    Severity::High,
                    Severity::Critical,
                    Severity::Medium,
                ][i % 4],
                resource: ResourceRef::new(Resource {
                    arn: arn.clone().into(),
                    kind: ResourceKind::LambdaFunction,
                    name: arn.rsplit(':').next().unwrap().into(),
                    region: "us-east-1".into(),
                    account: account.clone(),
                }),
                findings: if status == Status::Fail {
                    vec![faascan_checks::check::Finding {
                        message: format!("finding {i}"),
                        evidence: vec![faascan_checks::check::evidence("path", "value")],
                        related: Vec::new(),
                    }]
                } else {
                    Vec::new()
                },
                note: None,
                unknown_reason: (status == Status::Unknown).then(|| "a read failed".to_owned()),
                gap: None,
                muted: None,
                fingerprint: i as u64,
            }
        })
        .collect();
    let report = faascan_reports::report::Report::new(&demo, results, ids.len(), "test".to_owned());
    let dir = std::env::temp_dir().join(format!("faascan-html-100k-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let html = dir.join("report.html");
    std::fs::write(&html, faascan_reports::html::render(&report).unwrap()).unwrap();
    let start = std::time::Instant::now();
    let (dom, log) = render(&html, "");
    assert!(
        dom.contains("data-rendered=\"true\""),
        "the page did not render:\n{log}"
    );
    assert_eq!(count_line(&dom), 100_000);
    assert_eq!(result_rows(&dom).len(), 100);
    assert_eq!(
        result_rows(&dom)[0],
        ("high".to_owned(), "fail".to_owned()),
        "failures first (every failure here is high)"
    );
    let (dom, _) = render(&html, "status=fail&severity=high&page=last");
    assert_eq!(count_line(&dom), 25_000);
    assert!(
        count_text(&dom).ends_with("24901–25000"),
        "{}",
        count_text(&dom)
    );
    let spent = start.elapsed();
    assert!(spent < std::time::Duration::from_secs(120), "{spent:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

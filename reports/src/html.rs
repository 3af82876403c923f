//! HTML: one self-contained file. The results are embedded once as compact JSON (resources
//! deduplicated, results as small arrays) and rendered by a small script with textContent
//! only, a page at a time, so 100,000 results stay usable. A strict Content-Security-Policy
//! allows exactly the page's own script and style (by hash) and nothing from the network.

use crate::report::Report;
use faascan_checks::check::{CheckResult, Status};
use faascan_checks::registry::REGISTRY;
use serde_json::{Value, json};
use std::collections::HashMap;

const SCRIPT: &str = include_str!("../assets/report.js");
const STYLE: &str = include_str!("../assets/report.css");

pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn csp_hash(content: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, content.as_bytes());
    format!("'sha256-{}'", base64(digest.as_ref()))
}

/// JSON that is safe inside `<script type="application/json">`: nothing in it can close the
/// element or start markup.
pub fn embed_json(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn status_index(s: Status) -> u8 {
    match s {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::Unknown => 2,
        Status::Muted => 3,
    }
}

/// The compact data the page renders.
pub fn data(report: &Report) -> Value {
    let checks: Vec<Value> = REGISTRY
        .iter()
        .map(|c| {
            let m = &c.meta;
            json!({
                "id": m.id, "title": m.title, "severity": m.severity.as_str(), "docs": m.docs,
                "compliance": m.compliance.iter().map(|x| format!("{} {}", x.framework, x.control)).collect::<Vec<_>>(),
                "references": m.references,
            })
        })
        .collect();
    let check_index: HashMap<&str, usize> = REGISTRY
        .iter()
        .enumerate()
        .map(|(i, c)| (c.meta.id, i))
        .collect();
    let mut resource_index: HashMap<&str, usize> = HashMap::new();
    let mut resources: Vec<Value> = Vec::new();
    let mut results: Vec<Value> = Vec::with_capacity(report.results.len());
    for r in &report.results {
        let Some(&check) = check_index.get(&*r.check_id) else {
            continue;
        };
        let next = resources.len();
        let resource = *resource_index.entry(&r.resource.arn).or_insert_with(|| {
            let kind = serde_json::to_value(r.resource.kind).unwrap_or(Value::Null);
            resources.push(json!([
                &*r.resource.arn,
                kind,
                &*r.resource.name,
                &*r.resource.region
            ]));
            next
        });
        results.push(result_row(r, check, resource));
    }
    json!({
        "meta": {
            "account": report.account, "regions": report.regions, "caller_arn": report.caller_arn,
            "scan_started": report.scan_started, "scan_finished": report.scan_finished,
            "tool_version": report.tool_version, "catalogue_version": report.catalogue_version,
            "incomplete": report.incomplete, "scan_complete": report.coverage.scan_complete,
        },
        "coverage": report.coverage.rows,
        "checks": checks,
        "resources": resources,
        "results": results,
        "gaps": report.gaps,
    })
}

fn result_row(r: &CheckResult, check: usize, resource: usize) -> Value {
    let severity = ["info", "low", "medium", "high", "critical"]
        .iter()
        .position(|s| *s == r.severity.as_str())
        .unwrap_or(0);
    let findings: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let evidence: Vec<Value> = f
                .evidence
                .iter()
                .map(|e| json!([e.path, e.value]))
                .collect();
            if f.related.is_empty() {
                json!([f.message, evidence])
            } else {
                json!([f.message, evidence, f.related])
            }
        })
        .collect();
    let mut row = vec![
        json!(check),
        json!(status_index(r.status)),
        json!(severity),
        json!(resource),
    ];
    // Trailing empty fields are left out: most results are passes with nothing to say.
    let tail = [
        if findings.is_empty() {
            Value::from(0)
        } else {
            Value::Array(findings)
        },
        r.unknown_reason
            .as_ref()
            .map_or(Value::from(0), |s| Value::from(s.as_str())),
        r.note
            .as_ref()
            .map_or(Value::from(0), |s| Value::from(s.as_str())),
    ];
    let keep = tail
        .iter()
        .rposition(|v| v.as_i64() != Some(0))
        .map_or(0, |i| i + 1);
    row.extend(tail.into_iter().take(keep));
    Value::Array(row)
}

/// Escapes text for HTML content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::text::sanitize(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The banner for a scan that did not read everything, as static escaped markup: it shows
/// without JavaScript too.
fn incomplete_banner(report: &Report) -> String {
    let Some(headline) = report.coverage.headline() else {
        return String::new();
    };
    let with_account = !report.accounts.is_empty();
    let items: String = report
        .coverage
        .shortfall_lines(with_account)
        .iter()
        .map(|line| format!("<li>{}</li>", html_escape(line)))
        .collect();
    format!(
        "<section class=\"incomplete\" id=\"incomplete\" role=\"alert\"><h2>Incomplete scan</h2><p>{}</p><ul>{items}</ul></section>\n",
        html_escape(headline)
    )
}

pub fn render(report: &Report) -> String {
    let csp = format!(
        "default-src 'none'; script-src {}; style-src {}; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        csp_hash(STYLE)
    );
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>faascan report</title>
<style>{STYLE}</style>
</head>
<body>
<header><h1 id="title">faascan report</h1><p id="subtitle"></p></header>
<main>
{banner}<div class="cards" id="cards"></div>
<div class="bars" id="bars"></div>
<div class="filters">
<select id="f-severity" aria-label="severity"><option value="">all severities</option></select>
<select id="f-status" aria-label="status"><option value="">all statuses</option></select>
<select id="f-service" aria-label="service"><option value="">all services</option></select>
<select id="f-check" aria-label="check"><option value="">all checks</option></select>
<input id="f-text" type="search" placeholder="filter by text" aria-label="text">
</div>
<p id="count"></p>
<table>
<thead><tr><th data-sort="severity">severity</th><th data-sort="status">status</th><th data-sort="check">check</th><th data-sort="resource">resource</th><th>finding</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<button id="more" hidden>show more</button>
<section class="gaps"><h2>Gaps: calls that could not be completed</h2>
<table><thead><tr><th>service</th><th>region</th><th>operation</th><th>resource</th><th>error</th></tr></thead><tbody id="gaps"></tbody></table>
</section>
<noscript>This report needs JavaScript to render; the same data is in the JSON report.</noscript>
</main>
<script id="faascan-data" type="application/json">{data}</script>
<script>{SCRIPT}</script>
</body>
</html>
"#,
        data = embed_json(&data(report)),
        banner = incomplete_banner(report)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_incomplete_banner_is_text() {
        assert_eq!(
            html_escape("<img src=x onerror=\"alert(1)\">&'\u{1b}"),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;\\u{1b}"
        );
    }

    #[test]
    fn embedded_json_cannot_close_its_script() {
        let hostile = json!({"name": "</script><script>alert(1)</script><!--", "x": "\u{2028}&"});
        let embedded = embed_json(&hostile);
        assert!(!embedded.contains('<') && !embedded.contains('>') && !embedded.contains('&'));
        let back: Value = serde_json::from_str(&embedded).unwrap_or_default();
        assert_eq!(back, hostile, "the escaping is lossless");
    }
}

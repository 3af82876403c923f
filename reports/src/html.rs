//! HTML: one self-contained file. The results are embedded once as compact JSON (resources
//! deduplicated, results as small arrays) and rendered by a small script with textContent
//! only, a page at a time, so 100,000 results stay usable. A strict Content-Security-Policy
//! allows exactly the page's own script and style (by hash) and nothing from the network.

use crate::error::RenderError;
use crate::report::Report;
use crate::{compliance, context, mappings};
use faascan_checks::check::{Category, CheckResult, Severity, Status};
use faascan_checks::registry::REGISTRY;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;

const SCRIPT: &str = include_str!("../assets/report.js");
const STYLE: &str = include_str!("../assets/report.css");

/// Standard base64 with padding (CSP hashes, the evidence manifest's key).
pub(crate) fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn csp_hash(content: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, content.as_bytes());
    format!("'sha256-{}'", base64(digest.as_ref()))
}

/// JSON that is safe inside `<script type="application/json">`: inside strings (the only place
/// they can occur) `<`, `>`, `&`, U+2028 and U+2029 are written as `\uXXXX` escapes, so
/// nothing in it can close the element or start markup. Compact otherwise.
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let escaped = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..i])?;
            writer.write_all(escaped.as_bytes())?;
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// Writes `value` as JSON that is safe inside `<script type="application/json">`, as it is
/// serialised.
pub fn write_embedded_json<T: Serialize + ?Sized>(
    value: &T,
    out: &mut dyn Write,
) -> Result<(), RenderError> {
    let mut serializer = serde_json::Serializer::with_formatter(out, ScriptSafe);
    value
        .serialize(&mut serializer)
        .map_err(RenderError::json("html"))
}

/// `write_embedded_json` into a string.
pub fn embed_json<T: Serialize + ?Sized>(value: &T) -> Result<String, RenderError> {
    crate::error::to_string("html", |out| write_embedded_json(value, out))
}

fn status_index(s: Status) -> u8 {
    match s {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::Unknown => 2,
        Status::Muted => 3,
    }
}

/// The compact data the page renders: resources once each, results as short arrays that
/// point at their check and resource. `resources` and `results` are serialised one element at
/// a time as the page is written.
#[derive(Serialize)]
struct Data<'a> {
    meta: Value,
    coverage: &'a [crate::coverage::CoverageRow],
    checks: Vec<Value>,
    resources: Resources<'a>,
    results: Rows<'a>,
    gaps: &'a [faascan_checks::model::Gap],
    compliance: Vec<Value>,
}

/// Each resource once, in the order the results first name it.
struct Resources<'a> {
    report: &'a Report,
    first: Vec<&'a CheckResult>,
}

impl Serialize for Resources<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.first.iter().map(|r| {
            let kind = serde_json::to_value(r.resource.kind).unwrap_or(Value::Null);
            // Template-declared resources carry where they are declared (`file:line:column`).
            let at = self
                .report
                .sources
                .get(&*r.resource.arn)
                .map(|s| format!("{}:{}:{}", s.file, s.line, s.column));
            json!([
                &*r.resource.arn,
                kind,
                &*r.resource.name,
                &*r.resource.region,
                &*r.resource.account,
                at
            ])
        }))
    }
}

struct Rows<'a> {
    report: &'a Report,
    check_index: HashMap<&'static str, usize>,
    resource_index: HashMap<&'a str, usize>,
}

impl Serialize for Rows<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.report.results.iter().filter_map(|r| {
            let check = *self.check_index.get(&*r.check_id)?;
            let resource = *self.resource_index.get(&*r.resource.arn)?;
            Some(result_row(
                r,
                check,
                resource,
                self.report.is_new_failure(r),
            ))
        }))
    }
}

fn data(report: &Report) -> Data<'_> {
    let checks: Vec<Value> = REGISTRY
        .iter()
        .map(|c| {
            let m = &c.meta;
            let ctx = context::of(m.id);
            json!({
                "id": m.id, "title": m.title, "severity": m.severity.as_str(),
                "description": ctx.map_or("", |c| c.description.as_str()),
                "risk": ctx.map_or("", |c| c.risk.as_str()),
                "remediation": ctx.map_or("", |c| c.remediation.as_str()),
                "doc_url": context::doc_url(m.id),
                "path": m.category == Category::AttackPath,
                "compliance": m.compliance.iter().map(|x| format!("{} {}", x.framework, x.control)).collect::<Vec<_>>(),
                "references": m.references,
            })
        })
        .collect();
    let check_index: HashMap<&'static str, usize> = REGISTRY
        .iter()
        .enumerate()
        .map(|(i, c)| (c.meta.id, i))
        .collect();
    let mut resource_index: HashMap<&str, usize> = HashMap::new();
    let mut first = Vec::new();
    for r in &report.results {
        if !check_index.contains_key(&*r.check_id) {
            continue;
        }
        resource_index.entry(&r.resource.arn).or_insert_with(|| {
            first.push(r);
            first.len() - 1
        });
    }
    let compliance: Vec<Value> = compliance::frameworks()
        .into_iter()
        .map(|framework| {
            let controls: Vec<Value> = compliance::controls(report, framework)
                .into_iter()
                .map(|c| {
                    json!([c.control, c.status, c.checks, c.resources_evaluated, c.pass, c.fail, c.unknown, c.muted, c.source.rsplit("; ").next().unwrap_or_default()])
                })
                .collect();
            json!({"framework": framework, "source": mappings::framework_source(framework), "controls": controls})
        })
        .collect();
    Data {
        meta: json!({
            "account": report.account, "regions": report.regions, "caller_arn": report.caller_arn,
            "scan_started": report.scan_started, "scan_finished": report.scan_finished,
            "tool_version": report.tool_version, "catalogue_version": report.catalogue_version,
            "incomplete": report.incomplete, "scan_complete": report.coverage.scan_complete,
            "baseline": report.diff.as_ref().map(|d| json!({"new_failures": d.new_failures, "resolved_failures": d.resolved_failures})),
        }),
        coverage: &report.coverage.rows,
        checks,
        resources: Resources { report, first },
        results: Rows {
            report,
            check_index,
            resource_index,
        },
        gaps: &report.gaps,
        compliance,
    }
}

const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// How many failures the static summary lists (the interactive table has them all).
const STATIC_FAILURES: usize = 100;

/// The summary as static, escaped markup: it reads without JavaScript (and prints), and the
/// script only adds the interactive views below it.
fn static_summary(report: &Report) -> String {
    let n = |s: Status, sev: Option<Severity>| report.count(s, sev);
    let mut out = String::from(
        "<section class=\"summary\" id=\"summary\"><h2>Summary</h2><table class=\"counts\"><thead><tr><th>severity</th><th>fail</th><th>pass</th><th>unknown</th><th>muted</th></tr></thead><tbody>",
    );
    for sev in SEVERITIES {
        let row =
            [Status::Fail, Status::Pass, Status::Unknown, Status::Muted].map(|st| n(st, Some(sev)));
        if row.iter().all(|c| *c == 0) {
            continue;
        }
        out.push_str(&format!(
            "<tr><td class=\"sev sev-{0}\">{0}</td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td></tr>",
            sev.as_str(),
            row[0],
            row[1],
            row[2],
            row[3]
        ));
    }
    out.push_str(&format!(
        "<tr class=\"total\"><td>all</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr></tbody></table>",
        n(Status::Fail, None),
        n(Status::Pass, None),
        n(Status::Unknown, None),
        n(Status::Muted, None)
    ));
    let paths = report
        .results
        .iter()
        .filter(|r| {
            r.status == Status::Fail
                && REGISTRY
                    .iter()
                    .any(|c| c.meta.id == r.check_id && c.meta.category == Category::AttackPath)
        })
        .count();
    let mut facts = vec![
        format!("{paths} attack path(s)"),
        format!("{} gap(s)", report.gaps.len()),
        format!("{} checks", report.summary.checks_run),
    ];
    if let Some(d) = &report.diff {
        facts.push(format!(
            "since the baseline: {} new failure(s), {} resolved",
            d.new_failures, d.resolved_failures
        ));
    }
    out.push_str(&format!(
        "<p class=\"facts\">{}</p>",
        html_escape(&facts.join(" · "))
    ));
    let frameworks: Vec<String> = compliance::frameworks()
        .into_iter()
        .map(|f| {
            let controls = compliance::controls(report, f);
            let c = |s: &str| controls.iter().filter(|x| x.status == s).count();
            format!(
                "<li>{}: {} controls, {} fail, {} pass, {} unknown</li>",
                html_escape(f),
                controls.len(),
                c("fail"),
                c("pass"),
                c("unknown")
            )
        })
        .collect();
    out.push_str(&format!(
        "<h3>Compliance</h3><ul class=\"frameworks\">{}</ul>",
        frameworks.concat()
    ));
    let failures: Vec<&CheckResult> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .collect();
    out.push_str(&format!(
        "<div id=\"static-failures\"><h3>Failures, most severe first ({} of {})</h3><table><thead><tr><th>severity</th><th>check</th><th>resource</th><th>finding</th></tr></thead><tbody>",
        failures.len().min(STATIC_FAILURES),
        failures.len()
    ));
    for r in failures.iter().take(STATIC_FAILURES) {
        let message = r
            .findings
            .first()
            .map(|f| f.message.as_str())
            .unwrap_or_default();
        out.push_str(&format!(
            "<tr><td class=\"sev sev-{0}\">{0}</td><td>{1}</td><td class=\"arn\">{2}</td><td>{3}</td></tr>",
            r.severity.as_str(),
            html_escape(&r.check_id),
            html_escape(&crate::text::display(
                &report.sources.get(&*r.resource.arn).map_or_else(
                    || r.resource.arn.to_string(),
                    |s| format!("{} ({}:{}:{})", r.resource.arn, s.file, s.line, s.column)
                ),
                300
            )),
            html_escape(&crate::text::display(message, 500))
        ));
    }
    out.push_str("</tbody></table></div></section>\n");
    out
}

fn result_row(r: &CheckResult, check: usize, resource: usize, new: bool) -> Value {
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
        Value::from(u8::from(new)),
        // The suppression, typed (the page shows who muted it, why, and until when).
        context::muted(r).map_or(Value::from(0), |m| {
            let mut muted = json!({"was": context::status_name(m.was), "reason": m.reason});
            if let Some(owner) = &m.owner {
                muted["owner"] = json!(owner);
            }
            if let Some(expires) = &m.expires {
                muted["expires"] = json!(expires);
            }
            muted
        }),
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

/// The page, written in three parts: the markup up to the data, the data (streamed), then
/// the script.
pub fn write(report: &Report, out: &mut dyn Write) -> Result<(), RenderError> {
    let io = RenderError::io;
    let csp = format!(
        "default-src 'none'; script-src {}; style-src {}; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(SCRIPT),
        csp_hash(STYLE)
    );
    let head = format!(
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
<header><h1 id="title">faascan report: account {account}</h1><p id="subtitle">{subtitle}</p></header>
<main>
{banner}{summary}<noscript><p class="note">Every result, the filters and the compliance, region and attack-path views need JavaScript; without it this page shows the summary and the most severe failures above, and the JSON report has everything.</p></noscript>
<div id="app" hidden>
<div class="cards" id="cards"></div>
<nav class="views" id="views"><button type="button" data-view="results">Results</button><button type="button" data-view="paths">Attack paths</button><button type="button" data-view="compliance">Compliance</button><button type="button" data-view="regions">Regions</button></nav>
<section id="view-results">
<div class="filters">
<select id="f-status" aria-label="status"><option value="">all statuses</option></select>
<select id="f-severity" aria-label="severity"><option value="">all severities</option></select>
<select id="f-service" aria-label="service"><option value="">all services</option></select>
<select id="f-check" aria-label="check"><option value="">all checks</option></select>
<select id="f-region" aria-label="region"><option value="">all regions</option></select>
<input id="f-text" type="search" placeholder="filter by text" aria-label="text">
<select id="f-page-size" aria-label="rows per page"><option value="100">100 per page</option><option value="500">500 per page</option><option value="all">all rows</option></select>
<button type="button" id="clear-checks" hidden>all checks</button>
</div>
<p id="count"></p>
<div class="pager"><button type="button" class="prev">previous</button> <span class="page"></span> <button type="button" class="next">next</button></div>
<table class="results">
<thead><tr><th data-sort="severity">severity</th><th data-sort="status">status</th><th data-sort="check">check</th><th data-sort="resource">resource</th><th data-sort="region">region</th><th>finding</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<div class="pager"><button type="button" class="prev">previous</button> <span class="page"></span> <button type="button" class="next">next</button></div>
</section>
<section id="view-paths" hidden>
<p id="paths-count"></p>
<table><thead><tr><th>severity</th><th>check</th><th>function</th><th>finding</th><th>path: entry → function → role</th></tr></thead><tbody id="paths"></tbody></table>
</section>
<section id="view-compliance" hidden>
<select id="f-framework" aria-label="framework"></select> <span id="framework-source"></span>
<p class="note">Resources per control, each counted once by its worst result; click a control to see its checks' results.</p>
<table><thead><tr><th>control</th><th>status</th><th>resources</th><th>pass</th><th>fail</th><th>unknown</th><th>muted</th><th>checks</th></tr></thead><tbody id="controls"></tbody></table>
</section>
<section id="view-regions" hidden>
<table><thead><tr><th>region</th><th>fail</th><th>critical</th><th>high</th><th>medium</th><th>low</th><th>info</th><th>pass</th><th>unknown</th><th>muted</th></tr></thead><tbody id="regions"></tbody></table>
</section>
<section class="gaps" id="gaps-section"><h2>Gaps: calls that could not be completed</h2>
<table><thead><tr><th>service</th><th>region</th><th>operation</th><th>resource</th><th>error</th></tr></thead><tbody id="gaps"></tbody></table>
</section>
</div>
</main>
<script id="faascan-data" type="application/json">"#,
        banner = incomplete_banner(report),
        summary = static_summary(report),
        account = html_escape(&crate::text::display(&report.account, 200)),
        subtitle = html_escape(&crate::text::display(
            &format!(
                "regions {} · scanned {} by {} · faascan {}",
                report.regions.join(", "),
                report.scan_started,
                report.caller_arn,
                report.tool_version
            ),
            600
        ))
    );
    out.write_all(head.as_bytes()).map_err(io("html"))?;
    write_embedded_json(&data(report), out)?;
    let tail = format!("</script>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out.write_all(tail.as_bytes()).map_err(io("html"))
}

/// `write` into a string.
pub fn render(report: &Report) -> Result<String, RenderError> {
    crate::error::to_string("html", |out| write(report, out))
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
        let embedded = embed_json(&hostile).unwrap_or_default();
        assert!(!embedded.contains('<') && !embedded.contains('>') && !embedded.contains('&'));
        let back: Value = serde_json::from_str(&embedded).unwrap_or_default();
        assert_eq!(back, hostile, "the escaping is lossless");
    }
}

//! JUnit XML for CI dashboards, valid against the strict Ant JUnit schema: one test suite per
//! check, one test case per resource; failures are failures (with the evidence, remediation and
//! documentation link), unknown results are skipped with the reason, muted results are skipped
//! with the suppression's reason.
//! A scan that did not read everything adds a `coverage` suite: one test case per area not
//! read in full, with an `<error>`, so CI shows it.

use crate::context;
use crate::report::Report;
use faascan_checks::check::Status;
use std::collections::BTreeMap;

/// Escapes text for XML content and attributes, dropping characters XML 1.0 cannot carry.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// `2026-11-22T12:00:00Z` -> `2026-11-22T12:00:00`: the Ant schema's timestamp has no zone
/// and no fraction (the time is UTC).
fn timestamp(rfc3339: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&format).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00".to_owned())
}

struct Suite<'a> {
    name: &'a str,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    properties: Vec<(&'static str, String)>,
    cases: String,
}

fn property(name: &str, value: &str) -> String {
    format!(
        "      <property name=\"{}\" value=\"{}\"/>\n",
        xml_escape(name),
        xml_escape(value)
    )
}

/// Renders the suites; valid against the strict Ant JUnit schema (`reports/tests/schemas/
/// JUnit.xsd`): `testsuites` has no attributes, each suite has `package`, `id`, `timestamp`,
/// `hostname`, `time`, the counts, `properties`, `system-out` and `system-err`; each case has
/// a `time`.
pub fn render(report: &Report) -> String {
    let mut by_check: BTreeMap<&str, Vec<&faascan_checks::CheckResult>> = BTreeMap::new();
    for r in &report.results {
        by_check.entry(&r.check_id).or_default().push(r);
    }
    let stamp = timestamp(&report.scan_started);
    let host = if report.account.trim().is_empty() {
        "localhost".to_owned()
    } else {
        report.account.clone()
    };
    let run_properties = vec![
        ("faascan.account", report.account.clone()),
        ("faascan.regions", report.regions.join(",")),
        ("faascan.tool_version", report.tool_version.clone()),
        ("faascan.scan_finished", report.scan_finished.clone()),
        ("faascan.incomplete", report.incomplete.to_string()),
        (
            "faascan.scan_complete",
            report.coverage.scan_complete.to_string(),
        ),
    ];
    let mut suites: Vec<Suite> = Vec::new();
    let shortfalls = report.coverage.shortfalls();
    if !shortfalls.is_empty() {
        let with_account = !report.accounts.is_empty();
        let mut cases = String::new();
        for r in &shortfalls {
            cases.push_str(&format!(
                "    <testcase classname=\"coverage\" name=\"coverage {}\" time=\"0\">\n      <error type=\"{}\" message=\"{}\">{}</error>\n    </testcase>\n",
                xml_escape(&r.place(with_account)),
                r.status.as_str(),
                xml_escape(&format!("{}: {}", r.status.label(), r.operations.join(", "))),
                xml_escape(&r.unread)
            ));
        }
        suites.push(Suite {
            name: "coverage",
            tests: shortfalls.len(),
            failures: 0,
            errors: shortfalls.len(),
            skipped: 0,
            properties: run_properties.clone(),
            cases,
        });
    }
    for (check, results) in by_check {
        let ctx = context::of(check);
        let mut cases = String::new();
        let (mut failures, mut skipped) = (0, 0);
        for r in &results {
            cases.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\" time=\"0\">",
                xml_escape(check),
                xml_escape(&r.resource.arn)
            ));
            match r.status {
                Status::Pass => {}
                Status::Fail => {
                    failures += 1;
                    let message = r
                        .findings
                        .first()
                        .map(|f| f.message.as_str())
                        .unwrap_or_default();
                    let new = if report.is_new_failure(r) {
                        "NEW since the baseline: "
                    } else {
                        ""
                    };
                    let mut details: Vec<String> = r
                        .findings
                        .iter()
                        .flat_map(|f| {
                            f.evidence
                                .iter()
                                .map(|e| format!("{} = {}", e.path, e.value))
                        })
                        .collect();
                    if let Some(c) = ctx {
                        details.push(String::new());
                        details.push(format!("Remediation:\n{}", c.remediation_text));
                        details.push(format!("Documentation: {}", c.doc_url));
                    }
                    cases.push_str(&format!(
                        "\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    ",
                        r.severity.as_str(),
                        xml_escape(&format!("{new}{message}")),
                        xml_escape(&details.join("\n"))
                    ));
                }
                Status::Unknown | Status::Muted => {
                    skipped += 1;
                    let reason = match context::muted(r) {
                        Some(m) => {
                            format!("muted ({}): {}", context::status_name(m.status), m.reason)
                        }
                        None => r
                            .unknown_reason
                            .clone()
                            .or_else(|| r.note.clone())
                            .unwrap_or_default(),
                    };
                    cases.push_str(&format!(
                        "\n      <skipped message=\"{}\"/>\n    ",
                        xml_escape(&reason)
                    ));
                }
            }
            cases.push_str("</testcase>\n");
        }
        let mut properties = vec![];
        if let Some(c) = ctx {
            properties.push(("check.title", c.title.to_owned()));
            properties.push(("check.severity", c.severity.as_str().to_owned()));
            properties.push(("check.documentation", c.doc_url.clone()));
            if !c.compliance.is_empty() {
                properties.push(("check.compliance", c.compliance.join(", ")));
            }
        }
        properties.extend(run_properties.iter().cloned());
        suites.push(Suite {
            name: check,
            tests: results.len(),
            failures,
            errors: 0,
            skipped,
            properties,
            cases,
        });
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (id, suite) in suites.iter().enumerate() {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" package=\"faascan\" id=\"{id}\" timestamp=\"{stamp}\" hostname=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\">\n    <properties>\n",
            xml_escape(suite.name),
            xml_escape(&host),
            suite.tests,
            suite.failures,
            suite.errors,
            suite.skipped,
        ));
        for (name, value) in &suite.properties {
            out.push_str(&property(name, value));
        }
        out.push_str("    </properties>\n");
        out.push_str(&suite.cases);
        out.push_str(
            "    <system-out></system-out>\n    <system-err></system-err>\n  </testsuite>\n",
        );
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::xml_escape;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            xml_escape("<script>&\"'"),
            "&lt;script&gt;&amp;&quot;&apos;"
        );
        assert!(!xml_escape("a\u{1b}[31mb\u{0}").contains(['\u{1b}', '\u{0}']));
    }
}

//! JUnit XML for CI dashboards, valid against the strict Ant JUnit schema: one test suite per
//! check, one test case per resource; failures are failures (with the evidence, remediation and
//! documentation link), unknown results are skipped with the reason, muted results are skipped
//! with the suppression typed (`type="muted"`, its real status, reason, owner and expiry).
//! A scan that did not read everything adds a `coverage` suite: one test case per area not
//! read in full, with an `<error>`, so CI shows it.

use crate::context;
use crate::error::RenderError;
use crate::report::Report;
use faascan_checks::check::{CheckResult, Status};
use std::collections::BTreeMap;
use std::io::Write;

/// Escapes text for XML content and attributes: markup as entities; a carriage return as a
/// character reference (a parser would drop it); characters XML 1.0 cannot carry, other
/// controls, bidi overrides and invisible characters as visible escapes (`\u{202e}`), as on
/// the terminal. Tabs and line feeds stay (a message's lines).
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if crate::text::is_unsafe(c) || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.extend(c.escape_unicode())
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

fn property(name: &str, value: &str) -> String {
    format!(
        "      <property name=\"{}\" value=\"{}\"/>\n",
        xml_escape(name),
        xml_escape(value)
    )
}

/// A suite's opening: its attributes and properties.
struct SuiteHead<'a> {
    id: usize,
    name: &'a str,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    properties: &'a [(&'static str, String)],
}

struct Writer<'a> {
    out: &'a mut dyn Write,
    stamp: String,
    host: String,
}

impl Writer<'_> {
    fn put(&mut self, text: &str) -> Result<(), RenderError> {
        self.out
            .write_all(text.as_bytes())
            .map_err(RenderError::io("junit"))
    }

    fn open(&mut self, suite: &SuiteHead<'_>) -> Result<(), RenderError> {
        let head = format!(
            "  <testsuite name=\"{}\" package=\"faascan\" id=\"{}\" timestamp=\"{}\" hostname=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\">\n    <properties>\n",
            xml_escape(suite.name),
            suite.id,
            self.stamp,
            xml_escape(&self.host),
            suite.tests,
            suite.failures,
            suite.errors,
            suite.skipped,
        );
        self.put(&head)?;
        for (name, value) in suite.properties {
            self.put(&property(name, value))?;
        }
        self.put("    </properties>\n")
    }

    fn close(&mut self) -> Result<(), RenderError> {
        self.put("    <system-out></system-out>\n    <system-err></system-err>\n  </testsuite>\n")
    }
}

/// One test case: a failure with its evidence, a skip with the unknown reason or the
/// suppression (typed: `type="muted"`, the message `muted (<was>): <reason>`, and `was`,
/// `reason`, `owner`, `expires` one per line in its body), or a pass.
fn case(report: &Report, r: &CheckResult, ctx: Option<&context::CheckContext>) -> String {
    let mut case = format!(
        "    <testcase classname=\"{}\" name=\"{}\" time=\"0\">",
        xml_escape(&r.check_id),
        xml_escape(&r.resource.arn)
    );
    match r.status {
        Status::Pass => {}
        Status::Fail => {
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
            case.push_str(&format!(
                "\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    ",
                r.severity.as_str(),
                xml_escape(&format!("{new}{message}")),
                xml_escape(&details.join("\n"))
            ));
        }
        Status::Unknown | Status::Muted => match context::muted(r) {
            Some(m) => {
                let mut body =
                    format!("was: {}\nreason: {}", context::status_name(m.was), m.reason);
                if let Some(owner) = &m.owner {
                    body.push_str(&format!("\nowner: {owner}"));
                }
                if let Some(expires) = &m.expires {
                    body.push_str(&format!("\nexpires: {expires}"));
                }
                case.push_str(&format!(
                    "\n      <skipped type=\"muted\" message=\"{}\">{}</skipped>\n    ",
                    xml_escape(&format!(
                        "muted ({}): {}",
                        context::status_name(m.was),
                        m.reason
                    )),
                    xml_escape(&body)
                ));
            }
            None => {
                let reason = r
                    .unknown_reason
                    .clone()
                    .or_else(|| r.note.clone())
                    .unwrap_or_default();
                case.push_str(&format!(
                    "\n      <skipped message=\"{}\"/>\n    ",
                    xml_escape(&reason)
                ));
            }
        },
    }
    case.push_str("</testcase>\n");
    case
}

/// Writes the suites, a test case at a time; valid against the strict Ant JUnit schema
/// (`reports/tests/schemas/JUnit.xsd`): `testsuites` has no attributes, each suite has
/// `package`, `id`, `timestamp`, `hostname`, `time`, the counts, `properties`, `system-out`
/// and `system-err`; each case has a `time`.
pub fn write(report: &Report, out: &mut dyn Write) -> Result<(), RenderError> {
    // The results of each check (references only): a suite's counts come before its cases.
    let mut by_check: BTreeMap<&str, Vec<&CheckResult>> = BTreeMap::new();
    for r in &report.results {
        by_check.entry(&r.check_id).or_default().push(r);
    }
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
    let mut w = Writer {
        out,
        stamp: timestamp(&report.scan_started),
        host,
    };
    w.put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n")?;
    let mut id = 0;
    let shortfalls = report.coverage.shortfalls();
    if !shortfalls.is_empty() {
        let with_account = !report.accounts.is_empty();
        w.open(&SuiteHead {
            id,
            name: "coverage",
            tests: shortfalls.len(),
            failures: 0,
            errors: shortfalls.len(),
            skipped: 0,
            properties: &run_properties,
        })?;
        id += 1;
        for r in &shortfalls {
            w.put(&format!(
                "    <testcase classname=\"coverage\" name=\"coverage {}\" time=\"0\">\n      <error type=\"{}\" message=\"{}\">{}</error>\n    </testcase>\n",
                xml_escape(&r.place(with_account)),
                r.status.as_str(),
                xml_escape(&format!("{}: {}", r.status.label(), r.operations.join(", "))),
                xml_escape(&r.unread)
            ))?;
        }
        w.close()?;
    }
    for (check, results) in by_check {
        let ctx = context::of(check);
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
        let count = |s: Status| results.iter().filter(|r| r.status == s).count();
        w.open(&SuiteHead {
            id,
            name: check,
            tests: results.len(),
            failures: count(Status::Fail),
            errors: 0,
            skipped: count(Status::Unknown) + count(Status::Muted),
            properties: &properties,
        })?;
        id += 1;
        for r in &results {
            w.put(&case(report, r, ctx))?;
        }
        w.close()?;
    }
    w.put("</testsuites>\n")
}

/// `write` into a string.
pub fn render(report: &Report) -> Result<String, RenderError> {
    crate::error::to_string("junit", |out| write(report, out))
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
        assert_eq!(xml_escape("a\u{202e}b\u{200b}"), "a\\u{202e}b\\u{200b}");
        assert_eq!(xml_escape("l1\nl2\r\t"), "l1\nl2&#13;\t");
        assert_eq!(xml_escape("\u{ffff}"), "\\u{ffff}");
    }
}

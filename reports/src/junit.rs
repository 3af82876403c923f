//! JUnit XML for CI dashboards: one test suite per check, one test case per resource; failures
//! are failures, unknown results are skipped (with the reason), muted results are skipped too.
//! A scan that did not read everything adds a `coverage` suite: one test case per area not
//! read in full, with an `<error>`, so CI shows it.

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

pub fn render(report: &Report) -> String {
    let mut by_check: BTreeMap<&str, Vec<&faascan_checks::CheckResult>> = BTreeMap::new();
    for r in &report.results {
        by_check.entry(&r.check_id).or_default().push(r);
    }
    let count = |s: Status| report.results.iter().filter(|r| r.status == s).count();
    let shortfalls = report.coverage.shortfalls();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"faascan {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        xml_escape(&report.account),
        report.results.len() + shortfalls.len(),
        count(Status::Fail),
        shortfalls.len(),
        count(Status::Unknown) + count(Status::Muted)
    );
    if !shortfalls.is_empty() {
        let with_account = !report.accounts.is_empty();
        out.push_str(&format!(
            "  <testsuite name=\"coverage\" tests=\"{0}\" failures=\"0\" errors=\"{0}\" skipped=\"0\">\n",
            shortfalls.len()
        ));
        for r in shortfalls {
            out.push_str(&format!(
                "    <testcase classname=\"coverage\" name=\"coverage {}\">\n      <error type=\"{}\" message=\"{}\">{}</error>\n    </testcase>\n",
                xml_escape(&r.place(with_account)),
                r.status.as_str(),
                xml_escape(&format!(
                    "{}: {}",
                    r.status.label(),
                    r.operations.join(", ")
                )),
                xml_escape(&r.unread)
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    for (check, results) in by_check {
        let failures = results.iter().filter(|r| r.status == Status::Fail).count();
        let skipped = results
            .iter()
            .filter(|r| matches!(r.status, Status::Unknown | Status::Muted))
            .count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">\n",
            xml_escape(check),
            results.len()
        ));
        for r in results {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\">",
                xml_escape(check),
                xml_escape(&r.resource.arn)
            ));
            match r.status {
                Status::Pass => {}
                Status::Fail => {
                    let message = r
                        .findings
                        .first()
                        .map(|f| f.message.as_str())
                        .unwrap_or_default();
                    let details: Vec<String> = r
                        .findings
                        .iter()
                        .flat_map(|f| {
                            f.evidence
                                .iter()
                                .map(|e| format!("{} = {}", e.path, e.value))
                        })
                        .collect();
                    out.push_str(&format!(
                        "\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    ",
                        r.severity.as_str(),
                        xml_escape(message),
                        xml_escape(&details.join("\n"))
                    ));
                }
                Status::Unknown | Status::Muted => out.push_str(&format!(
                    "\n      <skipped message=\"{}\"/>\n    ",
                    xml_escape(
                        r.unknown_reason
                            .as_deref()
                            .or(r.note.as_deref())
                            .unwrap_or("muted")
                    )
                )),
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("  </testsuite>\n");
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

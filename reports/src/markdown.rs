//! Markdown: a summary for a pull-request comment or a ticket, with the failures and the muted
//! results (each suppression typed: was, reason, owner, expires). Account strings are escaped so
//! they cannot inject markup, links or HTML into the rendered comment.

use crate::error::RenderError;
use crate::report::Report;
use crate::text::sanitize;
use faascan_checks::check::{Severity, Status};
use std::io::Write;

/// Escapes Markdown and inline HTML in table cells.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in sanitize(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            // An empty comment after `@` splits the text a mention is found in: a name from
            // an account never notifies a user or a team on GitHub.
            '@' => out.push_str("@<!-- -->"),
            c => out.push(c),
        }
    }
    out
}

const SHOWN: usize = 50;

/// The summary as Markdown. Its length is bounded (at most 50 rows per table), so it is
/// built in memory and written once.
pub fn write(report: &Report, out: &mut dyn Write) -> Result<(), RenderError> {
    out.write_all(text(report).as_bytes())
        .map_err(RenderError::io("markdown"))
}

/// `write` into a string.
pub fn render(report: &Report) -> Result<String, RenderError> {
    Ok(text(report))
}

fn text(report: &Report) -> String {
    let mut out = format!(
        "## faascan: account {} ({})\n\n",
        md_escape(&report.account),
        report
            .regions
            .iter()
            .map(|r| md_escape(r))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // GitHub renders `> [!WARNING]` as an alert box; elsewhere it is a plain quote.
    if let Some(headline) = report.coverage.headline() {
        out.push_str(&format!("> [!WARNING]\n> **{}**\n>\n", md_escape(headline)));
        let with_account = !report.accounts.is_empty();
        let shortfalls = report.coverage.shortfalls();
        for r in shortfalls.iter().take(SHOWN) {
            let operations = if r.operations.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    r.operations
                        .iter()
                        .map(|o| md_escape(o))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            out.push_str(&format!(
                "> - {}: {}{}: {}\n",
                md_escape(&r.place(with_account)),
                r.status.label(),
                operations,
                md_escape(&r.unread)
            ));
        }
        if shortfalls.len() > SHOWN {
            out.push_str(&format!(
                "> - …and {} more; see the JSON report's `coverage`.\n",
                shortfalls.len() - SHOWN
            ));
        }
        out.push('\n');
    }
    out.push_str("| severity | fail | pass | unknown | muted |\n|---|---:|---:|---:|---:|\n");
    for s in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ] {
        let n = |st| report.count(st, Some(s));
        if [Status::Fail, Status::Pass, Status::Unknown, Status::Muted]
            .iter()
            .all(|st| n(*st) == 0)
        {
            continue;
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            s.as_str(),
            n(Status::Fail),
            n(Status::Pass),
            n(Status::Unknown),
            n(Status::Muted)
        ));
    }
    if let Some(d) = &report.diff {
        out.push_str(&format!(
            "\nSince the baseline: **{} new failure(s)** (marked NEW), {} resolved.\n",
            d.new_failures, d.resolved_failures
        ));
    }
    let failures: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .collect();
    if !failures.is_empty() {
        out.push_str(&format!(
            "\n### Failures ({})\n\n| severity | check | resource | finding |\n|---|---|---|---|\n",
            failures.len()
        ));
        for r in failures.iter().take(SHOWN) {
            let message = r
                .findings
                .first()
                .map(|f| f.message.as_str())
                .unwrap_or_default();
            out.push_str(&format!(
                "| {}{} | [`{}`]({}) | {} | {} |\n",
                if report.is_new_failure(r) {
                    "**NEW** "
                } else {
                    ""
                },
                r.severity.as_str(),
                md_escape(&r.check_id),
                crate::context::doc_url(&r.check_id),
                md_escape(&crate::text::display(&r.resource.arn, 300)),
                md_escape(&crate::text::display(message, 500))
            ));
        }
        if failures.len() > SHOWN {
            out.push_str(&format!(
                "\n…and {} more; see the JSON or HTML report.\n",
                failures.len() - SHOWN
            ));
        }
    }
    muted_section(report, &mut out);
    if !report.gaps.is_empty() {
        out.push_str(&format!(
            "\n{} call(s) could not be completed; {} result(s) are unknown, not passed.\n",
            report.gaps.len(),
            report.count(Status::Unknown, None)
        ));
    }
    out
}

/// The muted results with their suppressions, typed: the status each would have, the reason,
/// the owner and the expiry.
fn muted_section(report: &Report, out: &mut String) {
    let muted: Vec<_> = report
        .results
        .iter()
        .filter_map(|r| Some((r, crate::context::muted(r)?)))
        .collect();
    if muted.is_empty() {
        return;
    }
    out.push_str(&format!(
        "\n### Muted ({})\n\n| severity | check | resource | was | reason | owner | expires |\n|---|---|---|---|---|---|---|\n",
        muted.len()
    ));
    for (r, m) in muted.iter().take(SHOWN) {
        out.push_str(&format!(
            "| {} | [`{}`]({}) | {} | {} | {} | {} | {} |\n",
            r.severity.as_str(),
            md_escape(&r.check_id),
            crate::context::doc_url(&r.check_id),
            md_escape(&crate::text::display(&r.resource.arn, 300)),
            crate::context::status_name(m.was),
            md_escape(&crate::text::display(&m.reason, 500)),
            md_escape(&crate::text::display(
                m.owner.as_deref().unwrap_or("-"),
                200
            )),
            md_escape(&crate::text::display(
                m.expires.as_deref().unwrap_or("-"),
                100
            )),
        ));
    }
    if muted.len() > SHOWN {
        out.push_str(&format!(
            "\n…and {} more; see the JSON report's `muted` fields.\n",
            muted.len() - SHOWN
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::md_escape;

    #[test]
    fn markup_cannot_escape_its_cell() {
        let hostile =
            md_escape("x | <img src=x onerror=alert(1)> [link](http://evil) `code`\n# heading");
        assert!(!hostile.contains('<') && !hostile.contains("](") && !hostile.contains('\n'));
        assert!(hostile.contains("\\|"));
        // No mention of a user or a team survives: `@` is split from the name.
        assert_eq!(
            md_escape("role/@org/security"),
            "role/@<!-- -->org/security"
        );
    }
}

//! The terminal table: failures grouped by severity, unknown results and gaps in their own
//! section, and a summary line. Every string from the account is neutralised first.

use crate::coverage::CoverageStatus;
use crate::report::Report;
use crate::text::sanitize;
use comfy_table::{ContentArrangement, Table, presets};
use faascan_checks::check::{Severity, Status};

const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
];

/// Long texts (SDK error chains can run to kilobytes) are cut for the table; JSON has them whole.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    text.chars().take(max).collect::<String>() + "…"
}

fn table(width: Option<u16>) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(width.unwrap_or(160));
    t
}

/// `colour` adds ANSI colour to the section headings; the caller enables it only for a
/// terminal and never when NO_COLOR is set. Account strings are never coloured (or trusted).
pub fn render(report: &Report, width: Option<u16>, verbose: bool, colour: bool) -> String {
    let paint = |code: &str, text: String| {
        if colour {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text
        }
    };
    let mut out = format!(
        "faascan {} · account {} · regions {} · as {}\n",
        sanitize(&report.tool_version),
        sanitize(&report.account),
        report
            .regions
            .iter()
            .map(|r| sanitize(r))
            .collect::<Vec<_>>()
            .join(", "),
        sanitize(&report.caller_arn)
    );
    // Before any result: what was not read, so no one reads the rest as the whole account.
    if let Some(headline) = report.coverage.headline() {
        out.push_str(&format!("\n{}\n", paint("1;31", headline.to_owned())));
        let lines = report.coverage.shortfall_lines(!report.accounts.is_empty());
        let shown = if verbose {
            lines.len()
        } else {
            lines.len().min(20)
        };
        for line in &lines[..shown] {
            out.push_str(&format!("  {}\n", shorten(&sanitize(line), 400)));
        }
        if shown < lines.len() {
            out.push_str(&format!(
                "  … {} more (use --verbose or --format json)\n",
                lines.len() - shown
            ));
        }
    }
    for severity in SEVERITIES {
        let failures: Vec<_> = report
            .results
            .iter()
            .filter(|r| r.status == Status::Fail && r.severity == severity)
            .collect();
        if failures.is_empty() {
            continue;
        }
        let code = match severity {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "1;33",
            Severity::Low => "1;34",
            Severity::Info => "1",
        };
        let heading = format!("{} ({})", severity.as_str().to_uppercase(), failures.len());
        out.push_str(&format!("\n{}\n", paint(code, heading)));
        let mut t = table(width);
        t.set_header(["check", "resource", "finding"]);
        for r in failures {
            let message = r
                .findings
                .first()
                .map(|f| f.message.as_str())
                .unwrap_or_default();
            let more = if r.findings.len() > 1 {
                format!(" (+{} more)", r.findings.len() - 1)
            } else {
                String::new()
            };
            t.add_row([
                r.check_id.to_string(),
                sanitize(&r.resource.arn),
                sanitize(message) + &more,
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    let unknown: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Unknown)
        .collect();
    if !unknown.is_empty() {
        out.push_str(&format!(
            "\n{}: these could not be evaluated; they are not passes.\n",
            paint("1;35", format!("UNKNOWN ({})", unknown.len()))
        ));
        let mut t = table(width);
        t.set_header(["check", "resource", "why"]);
        let shown = if verbose {
            unknown.len()
        } else {
            unknown.len().min(20)
        };
        for r in &unknown[..shown] {
            t.add_row([
                r.check_id.to_string(),
                sanitize(&r.resource.arn),
                sanitize(r.unknown_reason.as_deref().unwrap_or_default()),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
        if shown < unknown.len() {
            out.push_str(&format!(
                "… {} more (use --verbose or --format json)\n",
                unknown.len() - shown
            ));
        }
    }
    if !report.gaps.is_empty() {
        out.push_str(&format!(
            "\nGAPS ({}): calls that could not be completed.\n",
            report.gaps.len()
        ));
        let mut t = table(width);
        t.set_header(["service", "region", "operation", "resource", "error"]);
        let shown = if verbose {
            report.gaps.len()
        } else {
            report.gaps.len().min(10)
        };
        for g in &report.gaps[..shown] {
            t.add_row([
                sanitize(&g.service),
                g.region
                    .as_deref()
                    .map_or_else(|| "global".to_owned(), sanitize),
                sanitize(&g.operation),
                g.resource.as_deref().map(sanitize).unwrap_or_default(),
                shorten(&sanitize(&format!("{}: {}", g.error_code, g.message)), 160),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
        if shown < report.gaps.len() {
            out.push_str(&format!(
                "… {} more (use --verbose or --format json)\n",
                report.gaps.len() - shown
            ));
        }
    }
    if let Some(s) = &report.suppressions {
        let list = |key: &str| -> Vec<String> {
            s[key]
                .as_array()
                .into_iter()
                .flatten()
                .map(|x| {
                    format!(
                        "{} ({})",
                        sanitize(x["check"].as_str().unwrap_or_default()),
                        sanitize(x["reason"].as_str().unwrap_or_default())
                    )
                })
                .collect()
        };
        out.push_str(&format!(
            "\nSuppressions: {} result(s) muted\n",
            s["applied"]
        ));
        for e in list("expired") {
            out.push_str(&format!("  expired, no longer applied: {e}\n"));
        }
        for e in list("stale") {
            out.push_str(&format!("  stale, matches nothing: {e}\n"));
        }
    }
    if let Some(diff) = &report.diff {
        out.push('\n');
        out.push_str(&diff.to_text());
    }
    let mut t = table(width);
    t.set_header(["severity", "fail", "pass", "unknown", "muted"]);
    for severity in SEVERITIES {
        let n = |s| report.count(s, Some(severity));
        if [Status::Fail, Status::Pass, Status::Unknown, Status::Muted]
            .iter()
            .all(|s| n(*s) == 0)
        {
            continue;
        }
        t.add_row([
            severity.as_str().to_owned(),
            n(Status::Fail).to_string(),
            n(Status::Pass).to_string(),
            n(Status::Unknown).to_string(),
            n(Status::Muted).to_string(),
        ]);
    }
    out.push('\n');
    out.push_str(&t.to_string());
    out.push_str(&format!(
        "\n{} checks · {} fail · {} pass · {} unknown · {} muted · {} gaps · {} calls · {:.1} s\n",
        report.summary.checks_run,
        report.count(Status::Fail, None),
        report.count(Status::Pass, None),
        report.count(Status::Unknown, None),
        report.count(Status::Muted, None),
        report.gaps.len(),
        report.calls.operations,
        report.summary.duration_seconds
    ));
    let n = |status| {
        report
            .coverage
            .rows
            .iter()
            .filter(|r| r.status == status)
            .count()
    };
    let verdict = if !report.coverage.scan_complete {
        "INCOMPLETE SCAN (resources may be missing)"
    } else if report.incomplete {
        "incomplete (some results unknown)"
    } else {
        "complete"
    };
    out.push_str(&format!(
        "coverage: {verdict} · {} complete · {} partially read · {} incomplete · {} not read · {} not selected\n",
        n(CoverageStatus::Complete),
        n(CoverageStatus::Partial),
        n(CoverageStatus::Incomplete),
        n(CoverageStatus::NotRead),
        n(CoverageStatus::NotSelected),
    ));
    out
}

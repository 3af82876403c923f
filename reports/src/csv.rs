//! CSV: one row per result, for spreadsheets, with the check's title, description, risk,
//! remediation, documentation link and compliance controls, a muted result's reason, and
//! (with `--baseline`) whether a failure is new. Cells carry no control bytes, are quoted as
//! RFC 4180 requires, and cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
//! tab, CR) are prefixed with `'`.
//! When the scan did not read everything, one trailing row per area not read in full says so
//! in the same columns: `check_id` `coverage`, `status` `incomplete`, the area in
//! `resource_name` / `region` / `account`, and what was not read in `unknown_reason`.

use crate::context;
use crate::report::Report;
use crate::text::one_line;

const HEADER: [&str; 19] = [
    "check_id",
    "status",
    "severity",
    "resource_arn",
    "resource_kind",
    "resource_name",
    "region",
    "account",
    "message",
    "unknown_reason",
    "fingerprint",
    "title",
    "description",
    "risk",
    "remediation",
    "documentation",
    "compliance",
    "muted_reason",
    "new_since_baseline",
];

/// One cell: no control bytes (ESC, BEL, NUL, C1; line breaks and tabs become spaces, other
/// controls and invisible characters visible escapes), formula-defused, quoted as needed.
fn cell(value: &str) -> String {
    let value = &one_line(value);
    let defused = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

pub fn render(report: &Report) -> String {
    let mut out = HEADER.join(",") + "\r\n";
    for r in &report.results {
        let kind = serde_json::to_value(r.resource.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let status = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let message: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
        let ctx = context::of(&r.check_id);
        let row = [
            r.check_id.to_string(),
            status,
            r.severity.as_str().to_owned(),
            r.resource.arn.to_string(),
            kind,
            r.resource.name.to_string(),
            r.resource.region.to_string(),
            r.resource.account.to_string(),
            message.join(" | "),
            r.unknown_reason.clone().unwrap_or_default(),
            format!("{:016x}", r.fingerprint),
            ctx.map_or_else(String::new, |c| c.title.to_owned()),
            ctx.map_or_else(String::new, |c| c.description.clone()),
            ctx.map_or_else(String::new, |c| c.risk.clone()),
            ctx.map_or_else(String::new, |c| c.remediation_text.replace('\n', " | ")),
            ctx.map_or_else(String::new, |c| c.doc_url.clone()),
            ctx.map_or_else(String::new, |c| c.compliance.join("; ")),
            context::muted(r).map_or_else(String::new, |m| {
                format!("({}) {}", context::status_name(m.status), m.reason)
            }),
            if report.diff.is_some() {
                report.is_new_failure(r).to_string()
            } else {
                String::new()
            },
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    for r in report.coverage.shortfalls() {
        let row = [
            "coverage".to_owned(),
            "incomplete".to_owned(),
            String::new(),
            String::new(),
            "coverage".to_owned(),
            r.service.clone(),
            r.region.clone(),
            r.account.clone(),
            format!("{}: {}", r.status.label(), r.operations.join(", ")),
            r.unread.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(
            cell("=HYPERLINK(\"http://evil\")"),
            "\"'=HYPERLINK(\"\"http://evil\"\")\""
        );
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("line\nbreak"), "line break");
        let hostile = cell("\u{1b}]52;c;ZXZpbA==\u{7}\u{0}\u{9b}x\r");
        assert!(!hostile.chars().any(char::is_control), "{hostile:?}");
    }
}

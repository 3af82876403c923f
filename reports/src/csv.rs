//! CSV: one row per result, for spreadsheets, with the check's title, description, risk,
//! remediation, documentation link and compliance controls, a muted result's suppression
//! typed (`muted_reason`, and appended `muted_was`, `muted_owner`, `muted_expires`), and
//! (with `--baseline`) whether a failure is new. Cells carry no control bytes, are quoted as
//! RFC 4180 requires, and cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
//! tab, CR) are prefixed with `'`.
//! When the scan did not read everything, one trailing row per area not read in full says so
//! in the same columns: `check_id` `coverage`, `status` `incomplete`, the area in
//! `resource_name` / `region` / `account`, and what was not read in `unknown_reason`.

use crate::context;
use crate::error::RenderError;
use crate::report::Report;
use crate::text::one_line;
use std::io::Write;

const HEADER: [&str; 22] = [
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
    // Appended, so that columns read by position keep their place.
    "muted_was",
    "muted_owner",
    "muted_expires",
];

/// One cell: no control bytes (ESC, BEL, NUL, C1; line breaks and tabs become spaces, other
/// controls and invisible characters visible escapes), formula-defused, quoted as needed.
fn cell(value: &str) -> String {
    let value = &one_line(value);
    // After `one_line` a leading tab or CR is a space, and spreadsheets trim leading spaces
    // before they look for a formula: the test skips them too (OWASP CSV injection).
    let defused = if value
        .trim_start()
        .starts_with(['=', '+', '-', '@', '\t', '\r'])
    {
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

fn write_row(out: &mut dyn Write, row: &[String]) -> Result<(), RenderError> {
    let io = RenderError::io;
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.write_all(b",").map_err(io("csv"))?;
        }
        out.write_all(cell(value).as_bytes()).map_err(io("csv"))?;
    }
    out.write_all(b"\r\n").map_err(io("csv"))
}

/// The header, one row per result, then one per area not read in full, written a row at a
/// time.
pub fn write(report: &Report, out: &mut dyn Write) -> Result<(), RenderError> {
    write_row(out, &HEADER.map(str::to_owned))?;
    for r in &report.results {
        let message: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
        let ctx = context::of(&r.check_id);
        let muted = context::muted(r);
        let row = [
            r.check_id.to_string(),
            context::status_name(r.status).to_owned(),
            r.severity.as_str().to_owned(),
            r.resource.arn.to_string(),
            kind_name(r.resource.kind),
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
            muted
                .as_ref()
                .map_or_else(String::new, |m| m.reason.clone()),
            if report.diff.is_some() {
                report.is_new_failure(r).to_string()
            } else {
                String::new()
            },
            muted
                .as_ref()
                .map_or_else(String::new, |m| context::status_name(m.was).to_owned()),
            muted
                .as_ref()
                .and_then(|m| m.owner.clone())
                .unwrap_or_default(),
            muted
                .as_ref()
                .and_then(|m| m.expires.clone())
                .unwrap_or_default(),
        ];
        write_row(out, &row)?;
    }
    for r in report.coverage.shortfalls() {
        let mut row: [String; HEADER.len()] = Default::default();
        row[0] = "coverage".to_owned();
        row[1] = "incomplete".to_owned();
        row[4] = "coverage".to_owned();
        row[5] = r.service.clone();
        row[6] = r.region.clone();
        row[7] = r.account.clone();
        row[8] = format!("{}: {}", r.status.label(), r.operations.join(", "));
        row[9] = r.unread.clone();
        write_row(out, &row)?;
    }
    Ok(())
}

/// `write` into a string.
pub fn render(report: &Report) -> Result<String, RenderError> {
    crate::error::to_string("csv", |out| write(report, out))
}

/// The kind as the JSON report spells it (`lambda-function`).
fn kind_name(kind: faascan_checks::check::ResourceKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
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
        // A tab or CR before the formula becomes a space a spreadsheet trims: still defused.
        assert_eq!(cell("\t=1+1"), "' =1+1");
        assert_eq!(cell("\r+cmd"), "' +cmd");
        assert_eq!(cell("  -2"), "'  -2");
        assert_eq!(cell("line\nbreak"), "line break");
        let hostile = cell("\u{1b}]52;c;ZXZpbA==\u{7}\u{0}\u{9b}x\r");
        assert!(!hostile.chars().any(char::is_control), "{hostile:?}");
    }
}

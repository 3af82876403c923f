//! OCSF 1.3.0 Detection Finding (class 2004, `cloud` profile) records, one per result, passes
//! and muted results included, valid against the official 1.3.0 schema (the test validates
//! every record against `reports/tests/schemas/`): `status_code` carries the check outcome, `status_id` the finding state
//! (fail: New, pass: Resolved, muted: Suppressed, unknown: Other). Each record's `unmapped`
//! carries `incomplete`, `scan_complete` and the areas the scan did not read in full, and a
//! muted record's suppression typed: `muted_status` (its real status), `muted_reason`,
//! `muted_owner`, `muted_expires`.

use crate::context;
use crate::error::RenderError;
use crate::report::Report;
use faascan_checks::check::{CheckResult, Severity, Status};
use faascan_checks::registry::REGISTRY;
use serde::Serialize;
use serde_json::{Value, json};
use std::io::Write;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub const OCSF_VERSION: &str = "1.3.0";
/// The profiles every record declares (and validates against): `cloud` adds `cloud` and `api`.
pub const PROFILES: [&str; 1] = ["cloud"];

fn risk_level_id(s: Severity) -> u8 {
    match s {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

fn severity_id(s: Severity) -> u8 {
    match s {
        Severity::Info => 1,
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}

fn status(s: Status) -> (u8, &'static str, &'static str) {
    match s {
        Status::Fail => (1, "New", "FAIL"),
        Status::Pass => (4, "Resolved", "PASS"),
        Status::Muted => (3, "Suppressed", "MUTED"),
        Status::Unknown => (99, "Other", "UNKNOWN"),
    }
}

/// OCSF 1.3.0 has no region for global services: IAM and S3 records take the scan's home
/// region (the first scanned), as Security Hub does.
fn region_of<'a>(report: &'a Report, r: &'a CheckResult) -> Option<&'a str> {
    match &*r.resource.region {
        "global" | "" => report.regions.first().map(String::as_str),
        region => Some(region),
    }
}

fn record(report: &Report, r: &CheckResult, time_ms: i64, coverage: &[String]) -> Value {
    let ctx = context::of(&r.check_id);
    let muted = context::muted(r);
    let (status_id, status_name, status_code) = status(r.status);
    let message = r
        .findings
        .first()
        .map(|f| f.message.clone())
        .or_else(|| r.unknown_reason.clone())
        .or_else(|| muted.as_ref().map(|m| format!("muted: {}", m.reason)))
        .or_else(|| r.note.clone())
        .unwrap_or_else(|| format!("{} passed", r.check_id));
    // OCSF 1.3.0 evidence artifacts carry free-form `data`; one artifact per evidence line.
    let evidence: Vec<Value> = r
        .findings
        .iter()
        .flat_map(|f| {
            f.evidence
                .iter()
                .map(|e| json!({"data": {"path": e.path, "value": e.value}}))
        })
        .collect();
    let kind = serde_json::to_value(r.resource.kind).unwrap_or(Value::Null);
    let category = REGISTRY
        .iter()
        .find(|c| c.meta.id == r.check_id)
        .and_then(|c| serde_json::to_value(c.meta.category).ok())
        .and_then(|v| v.as_str().map(str::to_owned));
    let types: Vec<String> = category
        .into_iter()
        .chain([r.check_id.to_string()])
        .collect();
    let global = matches!(&*r.resource.region, "global" | "");
    let related: Vec<&str> = r
        .findings
        .iter()
        .flat_map(|f| f.related.iter().map(|a| &**a))
        .collect();
    json!({
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "type_uid": 200401,
        "type_name": "Detection Finding: Create",
        "time": time_ms,
        "severity_id": severity_id(r.severity),
        "severity": r.severity.as_str(),
        "risk_level_id": risk_level_id(r.severity),
        "risk_details": ctx.map(|c| c.risk.clone()),
        "status_id": status_id,
        "status": status_name,
        "status_code": status_code,
        "status_detail": r.unknown_reason.clone().or_else(|| muted.as_ref().map(|m| format!("muted ({}): {}", context::status_name(m.was), m.reason))).or_else(|| r.note.clone()),
        "message": message,
        "metadata": {
            "version": OCSF_VERSION,
            "profiles": PROFILES,
            "event_code": &*r.check_id,
            "uid": format!("{:016x}", r.fingerprint),
            "product": {"name": "faascan", "vendor_name": "faascan", "version": report.tool_version},
        },
        "finding_info": {
            "uid": format!("{:016x}", r.fingerprint),
            "title": ctx.map_or(&*r.check_id, |c| c.title),
            "desc": ctx.map_or(message.clone(), |c| format!("{} {}", message, c.description)),
            "types": types,
            "src_url": ctx.map(|c| c.doc_url.clone()),
            "related_events": if related.is_empty() { Value::Null } else { Value::Array(related.iter().map(|arn| json!({"uid": arn})).collect()) },
        },
        "cloud": {
            "provider": "AWS",
            "region": region_of(report, r),
            "account": {"uid": &*r.resource.account, "type_id": 10, "type": "AWS Account"},
        },
        "resources": [{
            "uid": &*r.resource.arn,
            "name": &*r.resource.name,
            "type": kind,
            "region": if global { Value::Null } else { Value::from(&*r.resource.region) },
            "cloud_partition": report.partition,
        }],
        "evidences": if evidence.is_empty() { Value::Null } else { Value::Array(evidence) },
        "remediation": ctx.map(|c| json!({
            "desc": c.remediation_text,
            "references": std::iter::once(c.doc_url.as_str()).chain(c.references.iter().copied()).collect::<Vec<_>>(),
        })),
        "unmapped": {
            "compliance": ctx.map(|c| c.compliance.clone()),
            // The suppression, typed: OCSF 1.3.0 has a Suppressed state but no object for who
            // suppressed it, why and until when.
            "muted_reason": muted.as_ref().map(|m| m.reason.clone()),
            "muted_status": muted.as_ref().map(|m| context::status_name(m.was)),
            "muted_owner": muted.as_ref().and_then(|m| m.owner.clone()),
            "muted_expires": muted.as_ref().and_then(|m| m.expires.clone()),
            "new_since_baseline": report.diff.as_ref().map(|_| report.is_new_failure(r)),
            // Every record says whether the scan behind it read everything, and what it missed.
            "incomplete": report.incomplete,
            "scan_complete": report.coverage.scan_complete,
            "coverage": coverage,
        },
    })
}

/// OCSF string attributes hold at most 65,535 characters.
fn clamp(value: Value) -> Value {
    match value {
        // A string of at most MAX_STRING bytes has at most as many characters: not counted.
        Value::String(s) if s.len() > MAX_STRING && s.chars().count() > MAX_STRING => {
            Value::String(s.chars().take(MAX_STRING - 1).collect::<String>() + "…")
        }
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, clamp(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(clamp).collect()),
        other => other,
    }
}

const MAX_STRING: usize = 65_535;

/// Strict OCSF validators reject `null` where a type is declared: leave absent values out.
fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

/// The records, built and serialised one at a time as the array is written.
struct Records<'a> {
    report: &'a Report,
    time_ms: i64,
    coverage: Vec<String>,
}

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.report.results.iter().map(|r| {
            clamp(strip_nulls(record(
                self.report,
                r,
                self.time_ms,
                &self.coverage,
            )))
        }))
    }
}

/// One JSON array of records, pretty-printed, written to `out` a record at a time.
pub fn write(report: &Report, out: &mut dyn Write) -> Result<(), RenderError> {
    let time_ms = OffsetDateTime::parse(&report.scan_finished, &Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .unwrap_or_default();
    let records = Records {
        report,
        time_ms,
        coverage: report.coverage.shortfall_tags(!report.accounts.is_empty()),
    };
    serde_json::to_writer_pretty(&mut *out, &records).map_err(RenderError::json("ocsf"))?;
    out.write_all(b"\n").map_err(RenderError::io("ocsf"))
}

/// `write` into a string.
pub fn render(report: &Report) -> Result<String, RenderError> {
    crate::error::to_string("ocsf", |out| write(report, out))
}

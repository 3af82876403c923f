//! OCSF Detection Finding (class 2004, OCSF 1.x) records, one per result, passes and muted
//! results included: `status_code` carries the check outcome, `status_id` the finding state
//! (fail: New, pass: Resolved, muted: Suppressed, unknown: Other). Each record's `unmapped`
//! carries `incomplete`, `scan_complete` and the areas the scan did not read in full.

use crate::report::Report;
use faascan_checks::check::{CheckResult, Severity, Status};
use faascan_checks::registry::REGISTRY;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub const OCSF_VERSION: &str = "1.3.0";

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

fn record(report: &Report, r: &CheckResult, time_ms: i64, coverage: &[String]) -> Value {
    let meta = REGISTRY
        .iter()
        .find(|c| c.meta.id == r.check_id)
        .map(|c| &c.meta);
    let (status_id, status_name, status_code) = status(r.status);
    let message = r
        .findings
        .first()
        .map(|f| f.message.clone())
        .or_else(|| r.unknown_reason.clone())
        .or_else(|| r.note.clone())
        .unwrap_or_else(|| format!("{} passed", r.check_id));
    let evidence: Vec<Value> = r
        .findings
        .iter()
        .flat_map(|f| {
            f.evidence
                .iter()
                .map(|e| json!({"name": e.path, "data": {"value": e.value}}))
        })
        .collect();
    let kind = serde_json::to_value(r.resource.kind).unwrap_or(Value::Null);
    let category = meta
        .and_then(|m| serde_json::to_value(m.category).ok())
        .and_then(|v| v.as_str().map(str::to_owned));
    let types: Vec<String> = category
        .into_iter()
        .chain([r.check_id.to_string()])
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
        "status_id": status_id,
        "status": status_name,
        "status_code": status_code,
        "status_detail": r.unknown_reason.clone().or_else(|| r.note.clone()),
        "message": message,
        "metadata": {
            "version": OCSF_VERSION,
            "event_code": &*r.check_id,
            "uid": format!("{:016x}", r.fingerprint),
            "product": {"name": "faascan", "vendor_name": "faascan", "version": report.tool_version},
        },
        "finding_info": {
            "uid": format!("{:016x}", r.fingerprint),
            "title": meta.map_or(&*r.check_id, |m| m.title),
            "desc": message,
            "types": types,
        },
        "cloud": {
            "provider": "AWS",
            "region": &*r.resource.region,
            "account": {"uid": &*r.resource.account, "name": &*r.resource.account, "type_id": 10, "type": "AWS Account"},
        },
        "resources": [{
            "uid": &*r.resource.arn,
            "name": &*r.resource.name,
            "type": kind,
            "region": &*r.resource.region,
            "cloud_partition": report.partition,
        }],
        "evidences": if evidence.is_empty() { Value::Null } else { Value::Array(evidence) },
        "remediation": meta.map(|m| json!({"desc": format!("See `faascan explain {}`.", m.id), "references": m.references})),
        "unmapped": {
            "compliance": meta.map(|m| m.compliance.iter().map(|c| format!("{} {}", c.framework, c.control)).collect::<Vec<_>>()),
            // Every record says whether the scan behind it read everything, and what it missed.
            "incomplete": report.incomplete,
            "scan_complete": report.coverage.scan_complete,
            "coverage": coverage,
        },
    })
}

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

/// One JSON array of records.
pub fn render(report: &Report) -> String {
    let time_ms = OffsetDateTime::parse(&report.scan_finished, &Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .unwrap_or_default();
    let coverage = report.coverage.shortfall_tags(!report.accounts.is_empty());
    let records: Vec<Value> = report
        .results
        .iter()
        .map(|r| strip_nulls(record(report, r, time_ms, &coverage)))
        .collect();
    serde_json::to_string_pretty(&records).unwrap_or_default() + "\n"
}

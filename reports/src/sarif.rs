//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers: one rule per check (its
//! documentation as help) and one result per failing resource, the resource's ARN as a
//! logical location.

use crate::report::Report;
use faascan_checks::check::{Severity, Status};
use faascan_checks::registry::REGISTRY;
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (0.0–10.0).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = REGISTRY
        .iter()
        .map(|c| {
            let m = &c.meta;
            let category = serde_json::to_value(m.category).unwrap_or(Value::Null);
            json!({
                "id": m.id,
                "name": m.id,
                "shortDescription": {"text": m.title},
                "fullDescription": {"text": m.title},
                "help": {"text": m.docs, "markdown": m.docs},
                "helpUri": m.references.first().copied().unwrap_or("https://docs.aws.amazon.com/"),
                "defaultConfiguration": {"level": level(m.severity)},
                "properties": {
                    "security-severity": security_severity(m.severity),
                    "tags": ["security", category],
                    "compliance": m.compliance.iter().map(|x| format!("{} {}", x.framework, x.control)).collect::<Vec<_>>(),
                },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .results
        .iter()
        .filter(|r| r.status == Status::Fail)
        .filter_map(|r| {
            let index = REGISTRY.iter().position(|c| c.meta.id == r.check_id)?;
            let message: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
            let kind = serde_json::to_value(r.resource.kind).unwrap_or(Value::Null);
            Some(json!({
                "ruleId": &*r.check_id,
                "ruleIndex": index,
                "level": level(r.severity),
                "message": {"text": message.join("\n")},
                "locations": [{"logicalLocations": [{
                    "fullyQualifiedName": &*r.resource.arn,
                    "name": &*r.resource.name,
                    "kind": kind,
                }]}],
                "partialFingerprints": {"faascan/v1": format!("{:016x}", r.fingerprint)},
                "properties": {
                    "severity": r.severity.as_str(),
                    "account": &*r.resource.account,
                    "region": &*r.resource.region,
                    "evidence": r.findings.iter().flat_map(|f| f.evidence.iter().map(|e| format!("{} = {}", e.path, e.value))).collect::<Vec<_>>(),
                },
            }))
        })
        .collect();
    // One notification per area not read in full, so a SARIF viewer shows what the results
    // do not cover; the invocation fails when resources may be missing.
    let with_account = !report.accounts.is_empty();
    let notifications: Vec<Value> = report
        .coverage
        .shortfalls()
        .into_iter()
        .map(|r| {
            json!({
                "level": if r.status.loses_resources() { "error" } else { "warning" },
                "message": {"text": format!(
                    "{}: {}{}: {}",
                    r.place(with_account),
                    r.status.label(),
                    if r.operations.is_empty() { String::new() } else { format!(" ({})", r.operations.join(", ")) },
                    r.unread
                )},
                "descriptor": {"id": format!("faascan/coverage/{}", r.status.as_str())},
                "properties": {
                    "account": r.account,
                    "service": r.service,
                    "region": r.region,
                    "status": r.status.as_str(),
                    "operations": r.operations,
                    "gaps": r.gaps,
                },
            })
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "faascan",
                "version": report.tool_version,
                "informationUri": "https://github.com/faascan/faascan",
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": report.coverage.scan_complete,
                "startTimeUtc": report.scan_started,
                "endTimeUtc": report.scan_finished,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {
                "account": report.account, "regions": report.regions, "catalogue_version": report.catalogue_version,
                "incomplete": report.incomplete, "scan_complete": report.coverage.scan_complete,
            },
        }],
    });
    serde_json::to_string_pretty(&sarif).unwrap_or_default() + "\n"
}

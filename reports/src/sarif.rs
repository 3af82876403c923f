//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers: one rule per check and one
//! result per failing resource (muted failures included, with a typed `suppressions` entry:
//! `external`, `accepted`, the reason as its justification and the owner, expiry and real
//! status as its properties, so GitHub shows them as dismissed instead of closing them as
//! fixed; their level is that of the failure they would be).
//!
//! GitHub only displays results that have a `physicalLocation` with an
//! `artifactLocation.uri`. A cloud resource has no file, so each result gets a stable,
//! per-resource artifact URI derived from its ARN, `aws/<account>/<region>/<service>/<resource
//! path>` (every segment percent-encoded; `global` for IAM and S3), plus the ARN itself as the
//! logical location. When the inventory was read from templates, the result points at the
//! template's file, line and column (of the first evidence attribute when the template gives
//! its position) instead. The `automationDetails.id` category is the
//! account and regions, so scans of several accounts or regions can be uploaded for one commit.

use crate::context;
use crate::error::RenderError;
use crate::report::Report;
use faascan_checks::check::{Category, CheckResult, Severity, Status};
use faascan_checks::registry::REGISTRY;
use serde::Serialize;
use serde_json::{Value, json};
use std::io::Write;

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// A result's level: from its severity when it fails, or when it is muted and would fail (its
/// real status); `none` otherwise (SARIF: a result that is not a failure has level `none`).
fn result_level(r: &CheckResult) -> &'static str {
    let real = context::muted(r).map_or(r.status, |m| m.was);
    if real == Status::Fail {
        level(r.severity)
    } else {
        "none"
    }
}

/// GitHub's `security-severity` (0.0–10.0): over 9.0 is critical, 7.0–8.9 high, 4.0–6.9
/// medium, 0.1–3.9 low.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// `lambda-function-url-unauthenticated` -> `LambdaFunctionUrlUnauthenticated`.
fn rule_name(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// Percent-encodes one path segment: RFC 3986 unreserved characters stay, everything else
/// (including `*`, `:`, spaces and non-ASCII) is encoded, so the URI is valid and stable.
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    // `.` and `..` would walk out of the directory: encode them.
    if out.chars().all(|c| c == '.') {
        out = out.replace('.', "%2E");
    }
    if out.is_empty() {
        out.push('-');
    }
    out
}

/// The artifact URI a resource is reported at: `aws/<account>/<region>/<service>/<resource
/// path>`. The account and region come from the ARN, or from the result when the ARN leaves
/// them out (S3, IAM, API Gateway).
pub fn resource_uri(arn: &str, account: &str, region: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let (service, arn_region, arn_account, resource) = match parts.as_slice() {
        [_, _, service, region, account, resource] => (*service, *region, *account, *resource),
        _ => ("unknown", "", "", arn),
    };
    let account = if arn_account.is_empty() {
        account
    } else {
        arn_account
    };
    let region = match (arn_region, region) {
        ("", "") => "global",
        ("", r) => r,
        (r, _) => r,
    };
    let mut segments = vec![
        "aws".to_owned(),
        segment(if account.is_empty() { "-" } else { account }),
        segment(region),
        segment(service),
    ];
    segments.extend(
        resource
            .split([':', '/'])
            .filter(|s| !s.is_empty())
            .map(segment),
    );
    segments.join("/")
}

fn physical(
    report: &Report,
    arn: &str,
    account: &str,
    region: &str,
    evidence: Option<&str>,
) -> Value {
    match report.sources.get(arn) {
        Some(source) => {
            let at = evidence.map_or(
                faascan_checks::model::Position {
                    line: source.line,
                    column: source.column,
                },
                |path| source.position_for(path),
            );
            json!({
                "artifactLocation": {"uri": source.file},
                "region": {"startLine": at.line.max(1), "startColumn": at.column.max(1)},
            })
        }
        None => json!({
            "artifactLocation": {"uri": resource_uri(arn, account, region)},
            "region": {"startLine": 1},
        }),
    }
}

fn location(report: &Report, r: &CheckResult) -> Value {
    let kind = serde_json::to_value(r.resource.kind).unwrap_or(Value::Null);
    json!({
        "physicalLocation": physical(
            report,
            &r.resource.arn,
            &r.resource.account,
            &r.resource.region,
            r.findings.first().and_then(|f| f.evidence.first()).map(|e| &*e.path),
        ),
        "logicalLocations": [{
            "fullyQualifiedName": &*r.resource.arn,
            "name": &*r.resource.name,
            "kind": kind,
        }],
    })
}

fn related_location(report: &Report, r: &CheckResult, id: usize, arn: &str) -> Value {
    json!({
        "id": id,
        "physicalLocation": physical(report, arn, &r.resource.account, "", None),
        "logicalLocations": [{"fullyQualifiedName": arn}],
        "message": {"text": arn},
    })
}

/// An attack path as a code flow: the unauthenticated entries, the function, then the role
/// whose permissions make it dangerous.
fn code_flow(report: &Report, r: &CheckResult, related: &[&str]) -> Value {
    let is_role = |arn: &str| arn.contains(":iam::") && arn.contains(":role/");
    let mut steps: Vec<Value> = Vec::new();
    let mut step = |arn: &str, text: &str| {
        steps.push(json!({"location": {
            "physicalLocation": physical(report, arn, &r.resource.account, "", None),
            "logicalLocations": [{"fullyQualifiedName": arn}],
            "message": {"text": text},
        }}));
    };
    for arn in related.iter().filter(|a| !is_role(a)) {
        step(arn, "entry reachable without credentials");
    }
    step(&r.resource.arn, "invokes the function");
    for arn in related.iter().filter(|a| is_role(a)) {
        step(arn, "runs with this role");
    }
    json!({"threadFlows": [{"locations": steps}]})
}

fn result(report: &Report, r: &CheckResult, index: usize) -> Value {
    let message: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
    let message = if message.is_empty() {
        context::of(&r.check_id).map_or(r.check_id.to_string(), |c| c.title.to_owned())
    } else {
        message.join("\n")
    };
    let mut out = json!({
        "ruleId": &*r.check_id,
        "ruleIndex": index,
        "level": result_level(r),
        "message": {"text": message},
        "locations": [location(report, r)],
        "partialFingerprints": {"faascan/v1": format!("{:016x}", r.fingerprint)},
        "properties": {
            // The result's own severity: a remap or an escalation is not the rule's default.
            "security-severity": security_severity(r.severity),
            "severity": r.severity.as_str(),
            "account": &*r.resource.account,
            "region": &*r.resource.region,
            "evidence": r.findings.iter().flat_map(|f| f.evidence.iter().map(|e| format!("{} = {}", e.path, e.value))).collect::<Vec<_>>(),
        },
    });
    let related: Vec<&str> = r
        .findings
        .iter()
        .flat_map(|f| f.related.iter().map(|a| &**a))
        .take(1000)
        .collect();
    if !related.is_empty() {
        out["relatedLocations"] = related
            .iter()
            .enumerate()
            .map(|(i, arn)| related_location(report, r, i + 1, arn))
            .collect();
        let is_path = REGISTRY
            .iter()
            .any(|c| c.meta.id == r.check_id && c.meta.category == Category::AttackPath);
        if is_path {
            out["codeFlows"] = json!([code_flow(report, r, &related)]);
        }
    }
    if let Some(muted) = context::muted(r) {
        // SARIF 2.1.0 §3.35: a suppression the configuration file applied, accepted, with its
        // reason; the owner, expiry and real status as its properties.
        let mut properties = serde_json::Map::new();
        properties.insert("was".to_owned(), json!(context::status_name(muted.was)));
        if let Some(owner) = &muted.owner {
            properties.insert("owner".to_owned(), json!(owner));
        }
        if let Some(expires) = &muted.expires {
            properties.insert("expires".to_owned(), json!(expires));
        }
        out["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": muted.reason,
            "properties": properties,
        }]);
    }
    if report.is_new_failure(r) {
        out["baselineState"] = json!("new");
    }
    out
}

fn rule(c: &faascan_checks::Check) -> Value {
    let m = &c.meta;
    let ctx = context::of(m.id);
    let category = serde_json::to_value(m.category).unwrap_or(Value::Null);
    let description = ctx.map_or(String::new(), |c| format!("{} {}", c.description, c.risk));
    let doc_url = context::doc_url(m.id);
    let help_text = ctx.map_or(String::new(), |c| {
        format!(
            "{}\n\nRemediation:\n{}\n\nDocumentation: {}",
            c.risk, c.remediation_text, c.doc_url
        )
    });
    let mut tags = vec![Value::from("security"), category];
    tags.extend(
        m.compliance
            .iter()
            .map(|x| Value::from(format!("{} {}", x.framework, x.control))),
    );
    tags.truncate(20);
    json!({
        "id": m.id,
        "name": rule_name(m.id),
        "shortDescription": {"text": m.title},
        "fullDescription": {"text": description.trim()},
        "help": {"text": help_text, "markdown": m.docs},
        "helpUri": doc_url,
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": {
            "security-severity": security_severity(m.severity),
            "precision": "high",
            "problem.severity": match m.severity { Severity::Critical | Severity::High => "error", Severity::Medium => "warning", _ => "recommendation" },
            "tags": tags,
            "compliance": m.compliance.iter().map(|x| format!("{} {}", x.framework, x.control)).collect::<Vec<_>>(),
        },
    })
}

/// GitHub's `automationDetails.id`: a category (the part before the last `/`) per account and
/// region set, then this run's id.
pub fn automation_id(report: &Report) -> String {
    let mut regions = report.regions.clone();
    regions.sort();
    format!(
        "faascan/{}/{}/{}",
        segment(&report.account),
        segment(&regions.join(",")),
        report.scan_finished.replace(':', "")
    )
}

/// The failures and the muted failures, serialised one at a time as the document is written.
struct Results<'a>(&'a Report);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(
            report
                .results
                .iter()
                .filter(|r| {
                    r.status == Status::Fail
                        || context::muted(r).is_some_and(|m| m.was == Status::Fail)
                })
                .filter_map(|r| {
                    let index = REGISTRY.iter().position(|c| c.meta.id == r.check_id)?;
                    Some(result(report, r, index))
                }),
        )
    }
}

/// The document, in the order SARIF consumers read it; `results` is streamed.
#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    automation_details: Value,
    invocations: Value,
    column_kind: &'static str,
    results: Results<'a>,
    properties: Value,
}

/// SARIF 2.1.0, pretty-printed, written to `out` as it is serialised.
pub fn write(report: &Report, out: &mut dyn Write) -> Result<(), RenderError> {
    let rules: Vec<Value> = REGISTRY.iter().map(|c| rule(c)).collect();
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
    let document = Document {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: json!({"driver": {
                "name": "faascan",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "informationUri": "https://github.com/faascan/faascan",
                "rules": rules,
            }}),
            automation_details: json!({
                "id": automation_id(report),
                "description": {"text": format!("faascan scan of account {} in {}", report.account, report.regions.join(", "))},
            }),
            invocations: json!([{
                "executionSuccessful": report.coverage.scan_complete,
                "startTimeUtc": report.scan_started,
                "endTimeUtc": report.scan_finished,
                "toolExecutionNotifications": notifications,
            }]),
            column_kind: "unicodeCodePoints",
            results: Results(report),
            properties: json!({
                "account": report.account, "regions": report.regions, "catalogue_version": report.catalogue_version,
                "incomplete": report.incomplete, "scan_complete": report.coverage.scan_complete,
            }),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(RenderError::json("sarif"))?;
    out.write_all(b"\n").map_err(RenderError::io("sarif"))
}

/// `write` into a string.
pub fn render(report: &Report) -> Result<String, RenderError> {
    crate::error::to_string("sarif", |out| write(report, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_uris_are_stable_relative_paths() {
        assert_eq!(
            resource_uri(
                "arn:aws:lambda:us-east-1:123456789012:function:legacy-billing",
                "123456789012",
                "us-east-1"
            ),
            "aws/123456789012/us-east-1/lambda/function/legacy-billing"
        );
        assert_eq!(
            resource_uri("arn:aws:s3:::demo-bucket", "123456789012", "global"),
            "aws/123456789012/global/s3/demo-bucket"
        );
        assert_eq!(
            resource_uri(
                "arn:aws:apigateway:eu-west-1::/restapis/a1/resources/r/methods/*",
                "123456789012",
                "eu-west-1"
            ),
            "aws/123456789012/eu-west-1/apigateway/restapis/a1/resources/r/methods/%2A"
        );
        let hostile = resource_uri("arn:aws:s3:::../../etc/passwd <x>", "1", "");
        assert!(!hostile.contains("..") && !hostile.contains(' ') && !hostile.contains('<'));
        assert_eq!(rule_name("s3-bucket-public-acl"), "S3BucketPublicAcl");
    }
}

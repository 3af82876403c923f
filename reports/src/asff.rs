//! AWS Security Finding Format, ready for `securityhub batch-import-findings` (faascan itself
//! never uploads): JSON Lines of batches of at most 100 findings, one region per batch. One
//! finding per result: failures NEW and ACTIVE with compliance FAILED, passes PASSED, RESOLVED
//! and ARCHIVED, unknowns NOT_AVAILABLE, muted results SUPPRESSED (compliance from their real
//! status, the suppression's reason in `Note`). Severity and types are also in
//! `FindingProviderFields`, which Security Hub takes as the provider's own values.
//! `ProductFields` say whether the scan was incomplete and where.

use crate::context;
use crate::report::Report;
use faascan_checks::check::{CheckResult, Severity, Status};
use serde_json::{Value, json};

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Info => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

/// Security Hub's closest resource type for each kind.
fn resource_type(kind: faascan_checks::check::ResourceKind) -> &'static str {
    use faascan_checks::check::ResourceKind as K;
    match kind {
        K::LambdaFunction | K::FunctionUrl | K::EventSourceMapping => "AwsLambdaFunction",
        K::IamRole => "AwsIamRole",
        K::IamUser => "AwsIamUser",
        K::AccessKey => "AwsIamAccessKey",
        K::S3Bucket => "AwsS3Bucket",
        K::RestApi => "AwsApiGatewayRestApi",
        K::RestApiStage => "AwsApiGatewayStage",
        K::HttpApiStage => "AwsApiGatewayV2Stage",
        K::HttpApi => "AwsApiGatewayV2Api",
        K::LambdaLayerVersion => "AwsLambdaLayerVersion",
        K::S3AccessPoint => "AwsS3AccessPoint",
        K::S3MultiRegionAccessPoint => "Other",
        K::HttpApiRoute | K::RestApiMethod | K::DomainName | K::ApiKey => "Other",
        K::KmsKey => "AwsKmsKey",
        K::Account => "AwsAccount",
    }
}

/// Cuts text to Security Hub's field limits.
fn limit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars().take(max - 1).collect::<String>() + "…"
    }
}

/// The region a finding is imported into: the resource's, or for global resources (IAM, S3's
/// account-level settings) the scan's home region, the first scanned.
fn region_of(report: &Report, r: &CheckResult) -> String {
    match &*r.resource.region {
        "global" | "" => report.regions.first().cloned().unwrap_or_default(),
        region => region.to_owned(),
    }
}

const TYPES: &str = "Software and Configuration Checks/AWS Security Best Practices";

fn record(report: &Report, r: &CheckResult, coverage: &str) -> Value {
    let ctx = context::of(&r.check_id);
    let muted = context::muted(r);
    let region = region_of(report, r);
    let account = &*r.resource.account;
    let real = muted.as_ref().map_or(r.status, |m| m.status);
    let compliance = match real {
        Status::Fail => "FAILED",
        Status::Pass => "PASSED",
        Status::Unknown | Status::Muted => "NOT_AVAILABLE",
    };
    let (workflow, record_state) = match (r.status, real) {
        (Status::Muted, _) => ("SUPPRESSED", "ACTIVE"),
        (_, Status::Pass) => ("RESOLVED", "ARCHIVED"),
        _ => ("NEW", "ACTIVE"),
    };
    let message = r
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .chain(r.unknown_reason.as_deref())
        .collect::<Vec<_>>()
        .join(" ");
    let message = if message.is_empty() {
        format!("{} passed", r.check_id)
    } else {
        message
    };
    let description = match ctx {
        Some(c) => format!("{message}. {} {}", c.description, c.risk),
        None => message,
    };
    let related: Vec<String> = ctx.map(|c| c.compliance.clone()).unwrap_or_default();
    let severity = json!({"Label": label(r.severity), "Original": r.severity.as_str()});
    let mut finding = json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("faascan/{}/{:016x}", r.check_id, r.fingerprint),
        "ProductArn": format!("arn:{}:securityhub:{region}:{account}:product/{account}/default", report.partition),
        "ProductName": "faascan",
        "CompanyName": "faascan",
        "Region": region,
        "GeneratorId": format!("faascan/{}", r.check_id),
        "AwsAccountId": account,
        "Types": [TYPES],
        "CreatedAt": report.scan_finished,
        "UpdatedAt": report.scan_finished,
        "Severity": severity,
        "FindingProviderFields": {"Severity": severity, "Types": [TYPES]},
        "Title": limit(ctx.map_or(&*r.check_id, |c| c.title), 256),
        "Description": limit(&description, 1024),
        "Remediation": {"Recommendation": {
            "Text": limit(ctx.map_or("", |c| c.remediation_text.as_str()), 512),
            "Url": ctx.map_or_else(|| context::doc_url(&r.check_id), |c| c.doc_url.clone()),
        }},
        "SourceUrl": ctx.map_or_else(|| context::doc_url(&r.check_id), |c| c.doc_url.clone()),
        "ProductFields": product_fields(report, r, coverage),
        "Resources": [{
            "Type": resource_type(r.resource.kind),
            "Id": limit(&r.resource.arn, 512),
            "Partition": report.partition,
            "Region": region_of(report, r),
        }],
        "Compliance": {"Status": compliance, "RelatedRequirements": related.into_iter().take(32).collect::<Vec<_>>()},
        "Workflow": {"Status": workflow},
        "RecordState": record_state,
    });
    if let Some(m) = muted {
        finding["Note"] = json!({
            "Text": limit(&format!("Suppressed in faascan.toml ({} before muting): {}", context::status_name(m.status), m.reason), 512),
            "UpdatedBy": "faascan",
            "UpdatedAt": report.scan_finished,
        });
    }
    finding
}

/// Security Hub's ProductFields: strings only, values up to 2048 characters. Every record says
/// whether the scan behind it read everything, and what it missed.
fn product_fields(report: &Report, r: &CheckResult, coverage: &str) -> Value {
    let mut fields = json!({
        "faascan/check_id": &*r.check_id,
        "faascan/status": format!("{:?}", r.status).to_lowercase(),
        "faascan/incomplete": report.incomplete.to_string(),
        "faascan/documentation": context::doc_url(&r.check_id),
        "faascan/scan_complete": report.coverage.scan_complete.to_string(),
    });
    if !coverage.is_empty() {
        fields["faascan/coverage"] = Value::from(limit(coverage, 2048));
    }
    if report.is_new_failure(r) {
        fields["faascan/new_since_baseline"] = Value::from("true");
    }
    fields
}

/// Findings per call of `BatchImportFindings`.
pub const BATCH: usize = 100;

/// JSON Lines: one `{"Findings": [...]}` batch per line, at most 100 findings each, every
/// finding of a batch in the same region (a batch is imported in the region of its product
/// ARN). Each line is ready for `aws securityhub batch-import-findings --region R
/// --cli-input-json "$line"` (the README shows the loop).
pub fn render(report: &Report) -> String {
    let coverage = report
        .coverage
        .shortfall_tags(!report.accounts.is_empty())
        .join("; ");
    let mut by_region: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
    for r in &report.results {
        by_region
            .entry(region_of(report, r))
            .or_default()
            .push(record(report, r, &coverage));
    }
    let mut out = String::new();
    for findings in by_region.values() {
        for batch in findings.chunks(BATCH) {
            out.push_str(&serde_json::to_string(&json!({"Findings": batch})).unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

//! AWS Security Finding Format records, ready for `securityhub batch-import-findings` (faascan
//! itself never uploads). One record per result: failures ACTIVE with compliance FAILED, passes
//! PASSED and RESOLVED, unknowns NOT_AVAILABLE, muted results SUPPRESSED. `ProductFields` say
//! whether the scan was incomplete and where.

use crate::report::Report;
use faascan_checks::check::{CheckResult, Severity, Status};
use faascan_checks::registry::REGISTRY;
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

fn record(report: &Report, r: &CheckResult, coverage: &str) -> Value {
    let meta = REGISTRY
        .iter()
        .find(|c| c.meta.id == r.check_id)
        .map(|c| &c.meta);
    let region = if &*r.resource.region == "global" {
        report.regions.first().cloned().unwrap_or_default()
    } else {
        r.resource.region.to_string()
    };
    let account = &*r.resource.account;
    let (compliance, workflow, record_state) = match r.status {
        Status::Fail => ("FAILED", "NEW", "ACTIVE"),
        Status::Pass => ("PASSED", "RESOLVED", "ARCHIVED"),
        Status::Unknown => ("NOT_AVAILABLE", "NEW", "ACTIVE"),
        Status::Muted => ("FAILED", "SUPPRESSED", "ACTIVE"),
    };
    let description = r
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .chain(r.unknown_reason.as_deref())
        .chain(r.note.as_deref())
        .collect::<Vec<_>>()
        .join(" ");
    let description = if description.is_empty() {
        format!("{} passed", r.check_id)
    } else {
        description
    };
    let related: Vec<String> = meta
        .map(|m| {
            m.compliance
                .iter()
                .map(|c| format!("{} {}", c.framework, c.control))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("faascan/{}/{:016x}", r.check_id, r.fingerprint),
        "ProductArn": format!("arn:{}:securityhub:{region}:{account}:product/{account}/default", report.partition),
        "GeneratorId": format!("faascan/{}", r.check_id),
        "AwsAccountId": account,
        "Types": ["Software and Configuration Checks/AWS Security Best Practices"],
        "CreatedAt": report.scan_finished,
        "UpdatedAt": report.scan_finished,
        "Severity": {"Label": label(r.severity)},
        "Title": limit(meta.map_or(&*r.check_id, |m| m.title), 256),
        "Description": limit(&description, 1024),
        "Remediation": {"Recommendation": {
            "Text": limit(&format!("See `faascan explain {}`.", r.check_id), 512),
            "Url": meta.and_then(|m| m.references.first()).copied().unwrap_or("https://docs.aws.amazon.com/"),
        }},
        "ProductFields": product_fields(report, r, coverage),
        "Resources": [{
            "Type": resource_type(r.resource.kind),
            "Id": &*r.resource.arn,
            "Partition": report.partition,
            "Region": region,
        }],
        "Compliance": {"Status": compliance, "RelatedRequirements": related.into_iter().take(32).collect::<Vec<_>>()},
        "Workflow": {"Status": workflow},
        "RecordState": record_state,
    })
}

/// Security Hub's ProductFields: strings only, values up to 2048 characters. Every record says
/// whether the scan behind it read everything, and what it missed.
fn product_fields(report: &Report, r: &CheckResult, coverage: &str) -> Value {
    let mut fields = json!({
        "faascan/check_id": &*r.check_id,
        "faascan/status": format!("{:?}", r.status).to_lowercase(),
        "faascan/incomplete": report.incomplete.to_string(),
        "faascan/scan_complete": report.coverage.scan_complete.to_string(),
    });
    if !coverage.is_empty() {
        fields["faascan/coverage"] = Value::from(limit(coverage, 2048));
    }
    fields
}

pub fn render(report: &Report) -> String {
    let coverage = report
        .coverage
        .shortfall_tags(!report.accounts.is_empty())
        .join("; ");
    let records: Vec<Value> = report
        .results
        .iter()
        .map(|r| record(report, r, &coverage))
        .collect();
    serde_json::to_string_pretty(&records).unwrap_or_default() + "\n"
}

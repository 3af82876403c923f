//! AWS Security Finding Format, ready for `securityhub batch-import-findings` (faascan itself
//! never uploads): JSON Lines of batches of at most 100 findings, one region per batch. One
//! finding per result: failures NEW and ACTIVE with compliance FAILED, passes PASSED, RESOLVED
//! and ARCHIVED, unknowns NOT_AVAILABLE, muted results SUPPRESSED (compliance from their real
//! status, the suppression's reason, owner and expiry in `Note` and typed in `ProductFields`
//! `faascan/muted_was`, `muted_reason`, `muted_owner`, `muted_expires`). Severity and types are also in
//! `FindingProviderFields`, which Security Hub takes as the provider's own values.
//! `ProductFields` say whether the scan was incomplete and where.

use crate::context;
use crate::error::RenderError;
use crate::report::Report;
use faascan_checks::check::{CheckResult, MutedBy, Severity, Status};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;

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
    let real = muted.as_ref().map_or(r.status, |m| m.was);
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
        "ProductFields": product_fields(report, r, muted.as_deref(), coverage),
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
        let mut text = format!(
            "Suppressed in faascan.toml ({} before muting): {}",
            context::status_name(m.was),
            m.reason
        );
        if let Some(owner) = &m.owner {
            text.push_str(&format!("; owner {owner}"));
        }
        if let Some(expires) = &m.expires {
            text.push_str(&format!("; until {expires}"));
        }
        finding["Note"] = json!({
            "Text": limit(&text, 512),
            "UpdatedBy": "faascan",
            "UpdatedAt": report.scan_finished,
        });
    }
    finding
}

/// Security Hub's ProductFields: strings only, values up to 2048 characters. Every record says
/// whether the scan behind it read everything, and what it missed.
fn product_fields(
    report: &Report,
    r: &CheckResult,
    muted: Option<&MutedBy>,
    coverage: &str,
) -> Value {
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
    // The suppression, typed, beside the Note a person reads.
    if let Some(m) = muted {
        fields["faascan/muted_was"] = Value::from(context::status_name(m.was));
        fields["faascan/muted_reason"] = Value::from(limit(&m.reason, 2048));
        if let Some(owner) = &m.owner {
            fields["faascan/muted_owner"] = Value::from(limit(owner, 2048));
        }
        if let Some(expires) = &m.expires {
            fields["faascan/muted_expires"] = Value::from(limit(expires, 2048));
        }
    }
    fields
}

/// Findings per call of `BatchImportFindings`.
pub const BATCH: usize = 100;

/// JSON Lines: one `{"Findings": [...]}` batch per line, at most 100 findings each, every
/// finding of a batch in the same region (a batch is imported in the region of its product
/// ARN). Each line is ready for `aws securityhub batch-import-findings --region R
/// --cli-input-json "$line"` (the README shows the loop). Written a batch at a time.
pub fn write(report: &Report, out: &mut dyn Write) -> Result<(), RenderError> {
    let coverage = report
        .coverage
        .shortfall_tags(!report.accounts.is_empty())
        .join("; ");
    let mut by_region: BTreeMap<String, Vec<&CheckResult>> = BTreeMap::new();
    for r in &report.results {
        by_region.entry(region_of(report, r)).or_default().push(r);
    }
    for results in by_region.values() {
        for batch in results.chunks(BATCH) {
            let findings: Vec<Value> = batch.iter().map(|r| record(report, r, &coverage)).collect();
            serde_json::to_writer(&mut *out, &json!({"Findings": findings}))
                .map_err(RenderError::json("asff"))?;
            out.write_all(b"\n").map_err(RenderError::io("asff"))?;
        }
    }
    Ok(())
}

/// `write` into a string.
pub fn render(report: &Report) -> Result<String, RenderError> {
    crate::error::to_string("asff", |out| write(report, out))
}

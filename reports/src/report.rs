//! The full report: metadata, every result (passes included), gaps, calls and the inventory
//! summary. Its JSON form is the frozen, versioned `faascan scan --format json` output.

use crate::summary::{InventorySummary, SummaryRow};
use faascan_checks::check::{CheckResult, Severity, Status};
use faascan_checks::model::{CallStats, Gap, Inventory};
use serde::Serialize;
use std::collections::BTreeMap;

pub const REPORT_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool_version: String,
    /// Hash of the check catalogue (ids, severities, titles), so two reports can tell whether
    /// they were judged by the same checks.
    pub catalogue_version: String,
    pub account: String,
    pub partition: String,
    pub caller_arn: String,
    pub regions: Vec<String>,
    pub scan_started: String,
    pub scan_finished: String,
    pub incomplete: bool,
    pub summary: ResultSummary,
    pub results: Vec<CheckResult>,
    pub gaps: Vec<Gap>,
    pub calls: CallStats,
    pub inventory: Vec<SummaryRow>,
    /// Suppressions applied, expired and stale (from the configuration file), when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressions: Option<serde_json::Value>,
    /// The comparison with `--baseline`, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<crate::diff::Diff>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ResultSummary {
    /// status -> count
    pub by_status: BTreeMap<String, usize>,
    /// severity -> status -> count
    pub by_severity: BTreeMap<String, BTreeMap<String, usize>>,
    pub checks_run: usize,
    pub gaps: usize,
    pub calls: u64,
    pub duration_seconds: f64,
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Unknown => "unknown",
        Status::Muted => "muted",
    }
}

impl Report {
    pub fn new(
        inventory: &Inventory,
        mut results: Vec<CheckResult>,
        checks_run: usize,
        catalogue_version: String,
    ) -> Self {
        // Most severe first, then by check and resource: stable output for diffs and snapshots.
        results.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.check_id.cmp(&b.check_id))
                .then_with(|| a.resource.arn.cmp(&b.resource.arn))
        });
        let mut summary = ResultSummary {
            checks_run,
            gaps: inventory.gaps.len(),
            calls: inventory.calls.operations,
            duration_seconds: (inventory.account.scan_finished - inventory.account.scan_started)
                .as_seconds_f64(),
            ..ResultSummary::default()
        };
        for r in &results {
            *summary
                .by_status
                .entry(status_name(r.status).to_owned())
                .or_default() += 1;
            *summary
                .by_severity
                .entry(r.severity.as_str().to_owned())
                .or_default()
                .entry(status_name(r.status).to_owned())
                .or_default() += 1;
        }
        let rfc3339 = |t: time::OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        };
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            tool_version: inventory.account.tool_version.clone(),
            catalogue_version,
            account: inventory.account.id.clone(),
            partition: inventory.account.partition.clone(),
            caller_arn: inventory.account.caller_arn.clone(),
            regions: inventory.account.regions.clone(),
            scan_started: rfc3339(inventory.account.scan_started),
            scan_finished: rfc3339(inventory.account.scan_finished),
            incomplete: inventory.account.incomplete,
            summary,
            results,
            gaps: inventory.gaps.clone(),
            calls: inventory.calls.clone(),
            inventory: InventorySummary::new(inventory).rows,
            suppressions: None,
            diff: None,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    pub fn count(&self, status: Status, severity: Option<Severity>) -> usize {
        self.results
            .iter()
            .filter(|r| r.status == status && severity.is_none_or(|s| r.severity == s))
            .count()
    }
}

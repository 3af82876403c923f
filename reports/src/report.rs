//! The full report: metadata, every result (passes included), gaps, calls and the inventory
//! summary. Its JSON form is the frozen, versioned `faascan scan --format json` output.

use crate::coverage::Coverage;
use crate::error::RenderError;
use crate::summary::{InventorySummary, SummaryRow};
use faascan_checks::check::{CheckResult, MutedBy, Severity, Status};
use faascan_checks::model::{CallStats, Gap, Inventory, SourceLocation};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

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
    /// Something in scope was not read: a gap (other than a service excluded with
    /// `--services`) or a check that crashed. `coverage` says where.
    pub incomplete: bool,
    /// Per service and region, what was read; and whether the scan as a whole is complete.
    pub coverage: Coverage,
    pub summary: ResultSummary,
    /// Written by `to_json` with each check's title and documentation link (see `ResultOut`).
    #[serde(skip)]
    pub results: Vec<CheckResult>,
    pub gaps: Vec<Gap>,
    pub calls: CallStats,
    pub inventory: Vec<SummaryRow>,
    /// CloudFormation logical ids (and stacks) of the resources, by ARN, for comparing a
    /// template report with a live one (`faascan diff`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub identities: BTreeMap<String, crate::diff::drift::Identity>,
    /// Suppressions applied, expired and stale (from the configuration file), when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressions: Option<serde_json::Value>,
    /// With several accounts: each account and whether it could be scanned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountOutcome>,
    /// The comparison with `--baseline`, when one was given (set with `set_diff`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<crate::diff::Diff>,
    /// Fingerprints of the failures that are new since the baseline.
    #[serde(skip)]
    pub new_failures: HashSet<u64>,
    /// Where each resource was declared, by ARN, when the inventory came from templates:
    /// SARIF reports such a result at the template's file and line.
    #[serde(skip)]
    pub sources: BTreeMap<String, SourceLocation>,
    /// The ids of the checks this scan ran, when known (set by the binary and by tests):
    /// compliance views tell a control no check ran for from one with nothing to judge.
    #[serde(skip)]
    pub selected_checks: Option<Vec<String>>,
    /// How the scan was run (options, selection, suppressions in force), for the evidence
    /// bundle; set by the binary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct ReportOut<'a> {
    #[serde(flatten)]
    report: &'a Report,
    /// Written one at a time as the report is serialised, never collected.
    results: Results<'a>,
    checks: BTreeMap<&'a str, &'static crate::context::CheckContext>,
}

struct Results<'a>(&'a Report);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(report.results.iter().map(|r| report.result_out(r)))
    }
}

#[derive(Serialize)]
struct ResultOut<'a> {
    #[serde(flatten)]
    result: &'a CheckResult,
    /// A result of an older report that carried its suppression in the note: the same,
    /// typed (a typed result writes its own `muted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    muted: Option<MutedBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    documentation: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_since_baseline: Option<bool>,
    /// Template-declared resources: where, at the attribute the first evidence names when the
    /// template locates it.
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<ResultLocation<'a>>,
}

#[derive(Serialize)]
struct ResultLocation<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    logical_id: &'a str,
}

/// One account of a multi-account scan.
#[derive(Debug, Clone, Serialize)]
pub struct AccountOutcome {
    pub account: String,
    /// `scanned` or `failed`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
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
        results: Vec<CheckResult>,
        checks_run: usize,
        catalogue_version: String,
    ) -> Self {
        let coverage = Coverage::of(inventory, &results);
        let (mut summary, results) = Report::summarise(
            results,
            checks_run,
            inventory.gaps.len(),
            inventory.calls.operations,
        );
        summary.duration_seconds =
            (inventory.account.scan_finished - inventory.account.scan_started).as_seconds_f64();
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
            incomplete: !coverage.complete,
            coverage,
            summary,
            results,
            gaps: inventory.gaps.clone(),
            calls: inventory.calls.clone(),
            inventory: InventorySummary::new(inventory).rows,
            identities: crate::diff::drift::identities(inventory),
            suppressions: None,
            accounts: Vec::new(),
            diff: None,
            new_failures: HashSet::new(),
            sources: inventory.sources.clone(),
            selected_checks: None,
            parameters: None,
        }
    }

    /// Sorts the results (most severe first, then by check and resource: stable output for
    /// diffs and snapshots) and counts them.
    fn summarise(
        mut results: Vec<CheckResult>,
        checks_run: usize,
        gaps: usize,
        calls: u64,
    ) -> (ResultSummary, Vec<CheckResult>) {
        results.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.check_id.cmp(&b.check_id))
                .then_with(|| a.resource.arn.cmp(&b.resource.arn))
        });
        let mut summary = ResultSummary {
            checks_run,
            gaps,
            calls,
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
        (summary, results)
    }

    /// One report for several accounts: results, gaps and inventory rows of all, each result
    /// naming its account; an account that could not be scanned is listed as failed (and
    /// makes the scan incomplete). `None` when no account could be scanned.
    pub fn combine(reports: Vec<Report>, failures: Vec<(String, String)>) -> Option<Report> {
        let mut reports = reports.into_iter();
        let mut merged = reports.next()?;
        let mut coverages = vec![std::mem::replace(
            &mut merged.coverage,
            Coverage::combine(Vec::new(), &[]),
        )];
        let mut outcomes = vec![AccountOutcome {
            account: merged.account.clone(),
            status: "scanned".to_owned(),
            error: None,
        }];
        for r in reports {
            outcomes.push(AccountOutcome {
                account: r.account.clone(),
                status: "scanned".to_owned(),
                error: None,
            });
            merged.results.extend(r.results);
            merged.gaps.extend(r.gaps);
            merged.sources.extend(r.sources);
            merged.inventory.extend(r.inventory);
            merged.identities.extend(r.identities);
            for region in r.regions {
                if !merged.regions.contains(&region) {
                    merged.regions.push(region);
                }
            }
            merged.scan_started = merged.scan_started.clone().min(r.scan_started);
            merged.scan_finished = merged.scan_finished.clone().max(r.scan_finished);
            coverages.push(r.coverage);
            merged.calls.absorb(r.calls);
        }
        merged.coverage = Coverage::combine(coverages, &failures);
        merged.incomplete = !merged.coverage.complete;
        for (account, error) in failures {
            outcomes.push(AccountOutcome {
                account,
                status: "failed".to_owned(),
                error: Some(error),
            });
        }
        merged.set_accounts(outcomes);
        let duration = merged.summary.duration_seconds;
        let (mut summary, results) = Report::summarise(
            std::mem::take(&mut merged.results),
            merged.summary.checks_run,
            merged.gaps.len(),
            merged.calls.operations,
        );
        summary.duration_seconds = duration;
        merged.summary = summary;
        merged.results = results;
        Some(merged)
    }

    /// The accounts of a combined report, and `account` as the scanned ones' ids joined by
    /// commas (the one place that derives it).
    pub fn set_accounts(&mut self, outcomes: Vec<AccountOutcome>) {
        self.account = outcomes
            .iter()
            .filter(|o| o.status == "scanned")
            .map(|o| o.account.as_str())
            .collect::<Vec<_>>()
            .join(",");
        self.accounts = outcomes;
    }

    /// Records the comparison with a baseline, and which failures it says are new.
    pub fn set_diff(&mut self, diff: crate::diff::Diff) {
        self.new_failures = diff.new_failure_fingerprints();
        self.diff = Some(diff);
    }

    /// A failure that the baseline did not have (always false without `--baseline`).
    pub fn is_new_failure(&self, r: &CheckResult) -> bool {
        r.status == Status::Fail && self.new_failures.contains(&r.fingerprint)
    }

    fn result_out<'a>(&'a self, r: &'a CheckResult) -> ResultOut<'a> {
        let ctx = crate::context::of(&r.check_id);
        ResultOut {
            result: r,
            muted: match crate::context::muted(r) {
                Some(Cow::Owned(m)) => Some(m),
                _ => None,
            },
            title: ctx.map(|c| c.title),
            documentation: ctx.map(|c| c.doc_url.as_str()),
            new_since_baseline: self.diff.as_ref().map(|_| self.is_new_failure(r)),
            location: self.sources.get(&*r.resource.arn).map(|s| {
                let evidence = r
                    .findings
                    .first()
                    .and_then(|f| f.evidence.first())
                    .map_or("", |e| &*e.path);
                let p = s.position_for(evidence);
                ResultLocation {
                    file: &s.file,
                    line: p.line,
                    column: p.column,
                    logical_id: &s.logical_id,
                }
            }),
        }
    }

    /// The frozen JSON report, written as it is serialised (the results are never collected
    /// into one tree or string): every field above, then `results` (each with its check's
    /// `title` and `documentation`, a muted result's `muted` {was, reason, owner, expires},
    /// and with a baseline `new_since_baseline`), then `checks`: per check that has results,
    /// its title, description, risk, remediation, documentation link, references and
    /// compliance. Ends with a newline.
    pub fn write_json(&self, out: &mut dyn Write) -> Result<(), RenderError> {
        let mut ids: Vec<&str> = self.results.iter().map(|r| &*r.check_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let report = ReportOut {
            report: self,
            results: Results(self),
            checks: ids
                .into_iter()
                .filter_map(|id| crate::context::of(id).map(|c| (id, c)))
                .collect(),
        };
        serde_json::to_writer_pretty(&mut *out, &report).map_err(RenderError::json("json"))?;
        out.write_all(b"\n").map_err(RenderError::io("json"))
    }

    /// `write_json` into a string.
    pub fn to_json(&self) -> Result<String, RenderError> {
        crate::error::to_string("json", |out| self.write_json(out))
    }

    pub fn count(&self, status: Status, severity: Option<Severity>) -> usize {
        self.results
            .iter()
            .filter(|r| r.status == status && severity.is_none_or(|s| r.severity == s))
            .count()
    }
}

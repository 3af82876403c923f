//! `faascan merge REPORT.json...`: the JSON reports of an organisation's shards (or of any
//! scans) joined into one report, which every output format renders as a scan's would.
//!
//! - one run: the reports must agree on the scan's parameters (shard index aside), and no
//!   account may be in two of them, so every row is counted once and the merged report's
//!   parameters are true of all of it;
//! - summaries recomputed from the merged results; results, coverage rows, gaps, inventory
//!   rows, accounts and calls concatenated (calls summed per operation);
//! - incompleteness carried: an incomplete report makes the merge incomplete, and one whose
//!   scan may have missed resources makes it exit 4, as that scan did;
//! - shards checked: reports written with `--shard I/N` must agree on N, and a shard with no
//!   report makes the merge incomplete (exit 4) with a gap naming the shard.
//!
//! The reports are untrusted input: each is size-bounded, must be JSON of the report schema
//! version, and must deserialise into the report's types; every refusal is a usage error.

use crate::cli::{FailOn, Format, MergeArgs};
use crate::error::{Exit, Failure};
use crate::input::shorten_for_message;
use crate::plan::OutputPlan;
use crate::shard::Shard;
use faascan_checks::check::CheckResult;
use faascan_checks::model::{CallStats, Gap, GapKind};
use faascan_reports::coverage::{Coverage, CoverageRow, CoverageStatus};
use faascan_reports::report::{AccountOutcome, REPORT_SCHEMA_VERSION, Report};
use faascan_reports::summary::SummaryRow;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// The most reports one merge reads (as many as there can be shards).
const MAX_REPORTS: usize = crate::shard::MAX_SHARDS as usize;

/// A JSON report as `faascan scan --format json` writes it: the fields a merge needs, typed.
#[derive(Deserialize)]
struct SavedReport {
    #[allow(dead_code)]
    schema_version: u32,
    tool_version: String,
    catalogue_version: String,
    account: String,
    partition: String,
    caller_arn: String,
    regions: Vec<String>,
    scan_started: String,
    scan_finished: String,
    incomplete: bool,
    coverage: Coverage,
    summary: SavedSummary,
    results: Vec<CheckResult>,
    gaps: Vec<Gap>,
    calls: CallStats,
    inventory: Vec<SavedRow>,
    #[serde(default)]
    identities: BTreeMap<String, faascan_reports::diff::drift::Identity>,
    #[serde(default)]
    suppressions: Option<SavedSuppressions>,
    #[serde(default)]
    accounts: Vec<SavedOutcome>,
    #[serde(default)]
    parameters: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct SavedSummary {
    checks_run: usize,
    duration_seconds: f64,
}

#[derive(Deserialize)]
struct SavedRow {
    service: String,
    region: String,
    resource: String,
    count: Option<usize>,
    gaps: usize,
}

#[derive(Deserialize)]
struct SavedOutcome {
    account: String,
    status: String,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize, Clone)]
struct SavedSuppressions {
    applied: usize,
    expired: Vec<serde_json::Value>,
    stale: Vec<serde_json::Value>,
    #[serde(default)]
    undetermined: Vec<serde_json::Value>,
}

/// One report read, with where it came from and which shard it is.
struct Input {
    path: PathBuf,
    shard: Option<Shard>,
    report: SavedReport,
}

/// Runs `faascan merge`: reads, merges, writes, and returns the exit code.
pub(crate) fn run(args: &MergeArgs, quiet: bool) -> Result<Exit, Failure> {
    let formats = crate::plan::resolve_formats(&args.format, args.output.as_deref(), &[])?;
    if formats.contains(&Format::Summary) {
        return Err(Failure::usage(
            "--format summary needs the inventories; a merge has only the reports",
        ));
    }
    if formats.len() > 1 && args.output_dir.is_none() {
        return Err(Failure::usage("several --format values need --output-dir"));
    }
    if args.reports.len() > MAX_REPORTS {
        return Err(Failure::usage(format!(
            "{} reports: faascan merges at most {MAX_REPORTS}",
            args.reports.len()
        )));
    }
    let inputs = args
        .reports
        .iter()
        .map(|path| read(path))
        .collect::<Result<Vec<_>, _>>()?;
    let merged = merge(inputs)?;
    crate::output::write_reports(
        &OutputPlan {
            formats,
            file: args.output.clone(),
            dir: args.output_dir.clone(),
            evidence: None,
            verbose: args.verbose,
            group_by: args.group_by,
            compliance: None,
            quiet,
        },
        &crate::output::Rendered {
            report: Some(&merged),
            inventories: &[],
            failures: &[],
        },
    )?;
    Ok(crate::stage::exit_code(
        Some(&merged),
        &merged.coverage,
        args.fail_on.unwrap_or(FailOn::High),
        args.strict,
    ))
}

fn read(path: &Path) -> Result<Input, Failure> {
    let value = crate::input::read_json(path, "report", REPORT_SCHEMA_VERSION)?;
    let shard = shard_of(&value).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
    let report: SavedReport = serde_json::from_value(value).map_err(|e| {
        Failure::usage(format!(
            "{} is not a faascan JSON report: {}",
            path.display(),
            shorten_for_message(&e.to_string())
        ))
    })?;
    Ok(Input {
        path: path.to_path_buf(),
        shard,
        report,
    })
}

/// `parameters.shard` = `{index, count}` with index < count, when the report is a shard.
fn shard_of(report: &serde_json::Value) -> Result<Option<Shard>, String> {
    let Some(shard) = report.get("parameters").and_then(|p| p.get("shard")) else {
        return Ok(None);
    };
    let shard: Shard = serde_json::from_value(shard.clone()).map_err(|_| {
        format!(
            "parameters.shard is {}, not {{\"index\": I, \"count\": N}}",
            shorten_for_message(&shard.to_string())
        )
    })?;
    if shard.count == 0 || shard.count > crate::shard::MAX_SHARDS || shard.index >= shard.count {
        return Err(format!(
            "parameters.shard is {shard}: not a shard (0 ≤ I < N ≤ {})",
            crate::shard::MAX_SHARDS
        ));
    }
    Ok(Some(shard))
}

/// The shards missing from `inputs` (all shards or none must say which they are).
fn missing_shards(inputs: &[Input]) -> Result<Vec<Shard>, Failure> {
    let Some(first) = inputs.iter().find_map(|i| i.shard) else {
        return Ok(Vec::new());
    };
    let mut seen: BTreeMap<u32, &Path> = BTreeMap::new();
    for input in inputs {
        let Some(shard) = input.shard else {
            return Err(Failure::usage(format!(
                "{} is not a shard's report, and the others are shards of {}: merge the shards of one scan",
                input.path.display(),
                first.count
            )));
        };
        if shard.count != first.count {
            return Err(Failure::usage(format!(
                "{} is shard {shard}, the others are shards of {}: merge the shards of one scan",
                input.path.display(),
                first.count
            )));
        }
        if let Some(other) = seen.insert(shard.index, &input.path) {
            return Err(Failure::usage(format!(
                "shard {shard} is given twice: {} and {}",
                other.display(),
                input.path.display()
            )));
        }
    }
    Ok((0..first.count)
        .filter(|i| !seen.contains_key(i))
        .map(|index| Shard {
            index,
            count: first.count,
        })
        .collect())
}

/// Records a shard or an account no merged report holds: a coverage row that was not read
/// and a gap, both making the merge incomplete.
fn not_merged(
    (coverage, gaps): (&mut Coverage, &mut Vec<Gap>),
    (place, service, code): (&str, &str, &str),
    unread: String,
    message: String,
) {
    coverage.rows.push(CoverageRow {
        account: place.to_owned(),
        service: service.to_owned(),
        region: "global".to_owned(),
        status: CoverageStatus::NotRead,
        operations: vec!["merge".to_owned()],
        gaps: 1,
        unread,
    });
    coverage.complete = false;
    coverage.scan_complete = false;
    gaps.push(Gap {
        service: "faascan".to_owned(),
        region: None,
        operation: "merge".to_owned(),
        resource: Some(place.to_owned()),
        kind: GapKind::NotAttempted,
        error_code: code.to_owned(),
        message,
        request_id: None,
    });
}

/// Every report's `parameters.accounts_requested`, in order and once each; `None` when no
/// report has the list (an account list read from an organisation or a single account).
fn requested_accounts(inputs: &[Input]) -> Option<Vec<String>> {
    let mut seen = HashSet::new();
    let mut any = false;
    let mut accounts = Vec::new();
    for input in inputs {
        let Some(list) = input
            .report
            .parameters
            .as_ref()
            .and_then(|p| p.get("accounts_requested"))
            .and_then(|l| l.as_array())
        else {
            continue;
        };
        any = true;
        for account in list.iter().filter_map(|a| a.as_str()) {
            if seen.insert(account) {
                accounts.push(account.to_owned());
            }
        }
    }
    any.then_some(accounts)
}

/// The union of the shards' `parameters.organization_accounts`, sorted; `None` when no
/// shard listed an organisation.
fn organization_accounts(inputs: &[Input]) -> Option<Vec<String>> {
    let mut any = false;
    let mut accounts = BTreeSet::new();
    for input in inputs {
        let Some(list) = input
            .report
            .parameters
            .as_ref()
            .and_then(|p| p.get("organization_accounts"))
            .and_then(|l| l.as_array())
        else {
            continue;
        };
        any = true;
        accounts.extend(list.iter().filter_map(|a| a.as_str()).map(str::to_owned));
    }
    any.then(|| accounts.into_iter().collect())
}

/// How one field of `parameters` is compared between the reports of a merge.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Compared {
    Always,
    /// Only between shards: the shards of one run split the same account list.
    BetweenShards,
    Never,
}

/// Whether a `parameters` field defines the run (see `ScanPlan::parameters`).
fn compared(field: &str) -> Compared {
    match field {
        // How the accounts were judged: reports that differ here are not one run's, and the
        // merged report would claim the first one's parameters for all of them.
        "tool_version" | "catalogue_version" | "regions_requested" | "regions_excluded"
        | "services" | "checks" | "min_severity" | "severity_overrides" | "options"
        | "suppressions" => Compared::Always,
        // Which accounts: shards of one run partition one list (or one organisation), so a
        // different list means overlapping or forgotten accounts. Plain reports of different
        // accounts differ here by design; an account in two reports is refused on its own.
        "accounts_requested" | "organization" => Compared::BetweenShards,
        // Not how anything was judged: where the accounts were read from (`input`); where the
        // configuration and baseline were read from (paths: the configuration's content that
        // judges is compared above as checks, overrides, options and suppressions; a merge
        // drops the baseline comparison); how the exit code was chosen (`fail_on`, `strict`:
        // the merge has its own). `shard` is checked on its own (same N, each I once) and
        // `merged` is a merge's own record.
        "input" | "config" | "baseline" | "fail_on" | "strict" | "shard" | "merged"
        // Each shard lists the organisation at its own time; the merge checks the union.
        | "organization_accounts" => {
            Compared::Never
        }
        // A field this faascan does not know: run-defining until someone says otherwise.
        _ => Compared::Always,
    }
}

/// A report's `parameters` as an object (none is an empty one); `None` when not an object.
fn parameters_of<'a>(
    report: &'a SavedReport,
    empty: &'a serde_json::Map<String, serde_json::Value>,
) -> Option<&'a serde_json::Map<String, serde_json::Value>> {
    match &report.parameters {
        Some(serde_json::Value::Object(o)) => Some(o),
        None => Some(empty),
        Some(_) => None,
    }
}

/// The first run-defining difference between two reports: the field and both values.
fn differing_parameter(
    a: &SavedReport,
    b: &SavedReport,
    shards: bool,
) -> Option<(String, serde_json::Value, serde_json::Value)> {
    if a.tool_version != b.tool_version {
        return Some((
            "tool_version".to_owned(),
            a.tool_version.clone().into(),
            b.tool_version.clone().into(),
        ));
    }
    let empty = serde_json::Map::new();
    let (Some(pa), Some(pb)) = (parameters_of(a, &empty), parameters_of(b, &empty)) else {
        let value = |r: &SavedReport| r.parameters.clone().unwrap_or_default();
        return Some(("parameters".to_owned(), value(a), value(b)));
    };
    // The clock each scan judged ages by: shards of one run start at different times.
    let comparable = |field: &str, value: Option<&serde_json::Value>| {
        let mut value = value.cloned().unwrap_or_default();
        if field == "options"
            && let Some(options) = value.as_object_mut()
        {
            options.remove("evaluated_at");
        }
        value
    };
    pa.keys()
        .chain(pb.keys().filter(|k| !pa.contains_key(*k)))
        .filter(|field| match compared(field) {
            Compared::Always => true,
            Compared::BetweenShards => shards,
            Compared::Never => false,
        })
        .find_map(|field| {
            let (va, vb) = (
                comparable(field, pa.get(field)),
                comparable(field, pb.get(field)),
            );
            (va != vb).then(|| (format!("parameters.{field}"), va, vb))
        })
}

/// Refuses reports that are not of one run: a differing parameter, or an account in two.
fn check_one_run(inputs: &[Input]) -> Result<(), Failure> {
    let Some(first) = inputs.first() else {
        return Ok(());
    };
    let shards = first.shard.is_some();
    for input in &inputs[1..] {
        if let Some((field, a, b)) = differing_parameter(&first.report, &input.report, shards) {
            return Err(Failure::usage(format!(
                "{} and {} are not reports of one run: their {field} differ ({} and {}): merge the reports of one scan",
                first.path.display(),
                input.path.display(),
                shorten_for_message(&a.to_string()),
                shorten_for_message(&b.to_string())
            )));
        }
    }
    // Shards of one run never share an account; a shared one would count its inventory and
    // calls twice.
    let mut owner: BTreeMap<&str, &Path> = BTreeMap::new();
    for input in inputs {
        let report = &input.report;
        let accounts: BTreeSet<&str> = if report.accounts.is_empty() {
            Some(report.account.as_str())
                .filter(|a| !a.is_empty())
                .into_iter()
                .collect()
        } else {
            report.accounts.iter().map(|o| o.account.as_str()).collect()
        };
        for account in accounts {
            if let Some(other) = owner.insert(account, &input.path) {
                return Err(Failure::usage(format!(
                    "account {} is in two reports, {} and {}: merge reports of different accounts (the shards of one scan never share one)",
                    shorten_for_message(account),
                    other.display(),
                    input.path.display()
                )));
            }
        }
    }
    Ok(())
}

/// A report with no account in it (a shard that selected none), complete.
pub(crate) fn empty_report(checks_run: usize) -> Report {
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        catalogue_version: faascan_checks::evaluate::catalogue_version(),
        account: String::new(),
        partition: String::new(),
        caller_arn: String::new(),
        regions: Vec::new(),
        scan_started: now.clone(),
        scan_finished: now,
        incomplete: false,
        coverage: Coverage::combine(Vec::new(), &[]),
        summary: faascan_reports::report::ResultSummary {
            checks_run,
            ..Default::default()
        },
        results: Vec::new(),
        gaps: Vec::new(),
        calls: CallStats::default(),
        inventory: Vec::new(),
        identities: BTreeMap::new(),
        suppressions: None,
        accounts: Vec::new(),
        diff: None,
        new_failures: HashSet::new(),
        sources: BTreeMap::new(),
        selected_checks: None,
        parameters: None,
    }
}

/// One report from a saved one (its summary is recomputed by the merge).
fn to_report(saved: SavedReport, results: Vec<CheckResult>) -> Report {
    let mut report = empty_report(saved.summary.checks_run);
    report.tool_version = saved.tool_version;
    report.catalogue_version = saved.catalogue_version;
    report.account = saved.account;
    report.partition = saved.partition;
    report.caller_arn = saved.caller_arn;
    report.regions = saved.regions;
    report.scan_started = saved.scan_started;
    report.scan_finished = saved.scan_finished;
    report.incomplete = saved.incomplete;
    report.coverage = saved.coverage;
    report.summary.duration_seconds = saved.summary.duration_seconds;
    report.results = results;
    report.gaps = saved.gaps;
    report.calls = saved.calls;
    report.inventory = saved
        .inventory
        .into_iter()
        .map(|r| SummaryRow {
            service: r.service,
            region: r.region,
            resource: r.resource,
            count: r.count,
            gaps: r.gaps,
        })
        .collect();
    report.identities = saved.identities;
    report
}

fn merge(inputs: Vec<Input>) -> Result<Report, Failure> {
    let Some(first) = inputs.first() else {
        return Err(Failure::usage("no report to merge"));
    };
    if let Some(other) = inputs
        .iter()
        .find(|i| i.report.catalogue_version != first.report.catalogue_version)
    {
        return Err(Failure::usage(format!(
            "{} and {} were judged by different check catalogues ({} and {}): merge reports of one faascan version",
            first.path.display(),
            other.path.display(),
            first.report.catalogue_version,
            other.report.catalogue_version
        )));
    }
    let missing = missing_shards(&inputs)?;
    check_one_run(&inputs)?;
    let checks_run = first.report.summary.checks_run;
    let mut parameters = first.report.parameters.clone();
    let shard_count = first.shard.map(|s| s.count);
    // Shards of one run requested one list (compared above); plain reports each requested
    // their own accounts, and the merged report requested all of them, not the first's.
    let requested = (shard_count.is_none())
        .then(|| requested_accounts(&inputs))
        .flatten();
    let listed = shard_count.and_then(|_| organization_accounts(&inputs));
    let duration = inputs
        .iter()
        .map(|i| i.report.summary.duration_seconds)
        .fold(0.0, f64::max);

    let mut outcomes: Vec<AccountOutcome> = Vec::new();
    let mut coverages = Vec::new();
    let mut suppressions: Option<SavedSuppressions> = None;
    let mut incomplete = false;
    let mut reports = Vec::new();
    for input in inputs {
        let mut saved = input.report;
        incomplete |= saved.incomplete;
        let results = std::mem::take(&mut saved.results);
        // Accounts: a multi-account report lists them; a one-account report is its account.
        if saved.accounts.is_empty() {
            if !saved.account.is_empty() {
                outcomes.push(AccountOutcome {
                    account: saved.account.clone(),
                    status: "scanned".to_owned(),
                    error: None,
                });
            }
        } else {
            outcomes.extend(std::mem::take(&mut saved.accounts).into_iter().map(|o| {
                AccountOutcome {
                    account: o.account,
                    status: o.status,
                    error: o.error,
                }
            }));
        }
        // A suppression is stale only when no shard used it.
        if let Some(s) = saved.suppressions.take() {
            suppressions = Some(match suppressions {
                None => s,
                Some(mut merged) => {
                    merged.applied += s.applied;
                    merged.stale.retain(|x| s.stale.contains(x));
                    // Shards run on either side of an expiry date: expired in any is expired.
                    for x in s.expired {
                        if !merged.expired.contains(&x) {
                            merged.expired.push(x);
                        }
                    }
                    for x in s.undetermined {
                        if !merged.undetermined.contains(&x) {
                            merged.undetermined.push(x);
                        }
                    }
                    merged
                }
            });
        }
        coverages.push(std::mem::replace(
            &mut saved.coverage,
            Coverage::combine(Vec::new(), &[]),
        ));
        // An empty shard adds no account, only its (empty) coverage.
        if !saved.account.is_empty() {
            reports.push(to_report(saved, results));
        }
    }
    let mut merged = match Report::combine(reports, Vec::new()) {
        Some(report) => report,
        None => empty_report(checks_run),
    };

    // Coverage: every report's rows, then one row per missing shard.
    let mut coverage = Coverage::combine(coverages, &[]);
    for shard in &missing {
        let place = format!("shard {shard}");
        not_merged(
            (&mut coverage, &mut merged.gaps),
            (&place, "shard", "ShardMissing"),
            format!(
                "no report for {place} was merged, so none of its accounts' resources was checked"
            ),
            format!("no report for {place} was given to faascan merge"),
        );
    }
    // An account some shard listed in the organisation that no report holds, its shard
    // present: it joined (or was seen) after its own shard listed the organisation.
    if let (Some(listed), Some(count)) = (&listed, shard_count) {
        let held: HashSet<&str> = outcomes.iter().map(|o| o.account.as_str()).collect();
        let missing_indexes: HashSet<u32> = missing.iter().map(|s| s.index).collect();
        for account in listed {
            let index = Shard::of_account(account, count);
            if held.contains(account.as_str()) || missing_indexes.contains(&index) {
                continue;
            }
            let shard = Shard { index, count };
            not_merged(
                (&mut coverage, &mut merged.gaps),
                (account, "account", "AccountMissing"),
                format!(
                    "a shard listed {account} in the organisation, but shard {shard}'s report does not hold it: none of its resources was checked"
                ),
                format!(
                    "account {account} is in the organisation as a shard listed it, but shard {shard} did not scan it (its shard listed the organisation without it): scan that shard again"
                ),
            );
        }
    }
    merged.incomplete = incomplete || !coverage.complete;
    merged.coverage = coverage;
    merged.summary.gaps = merged.gaps.len();
    merged.summary.duration_seconds = duration;
    merged.set_accounts(outcomes);
    merged.suppressions = suppressions.map(|s| {
        let mut out =
            serde_json::json!({"applied": s.applied, "expired": s.expired, "stale": s.stale});
        if !s.undetermined.is_empty() {
            out["undetermined"] = s.undetermined.into();
        }
        out
    });
    merged.selected_checks = parameters
        .as_ref()
        .and_then(|p| p.get("checks"))
        .and_then(|c| serde_json::from_value(c.clone()).ok());
    if let Some(object) = parameters.as_mut().and_then(|p| p.as_object_mut()) {
        object.remove("shard");
        if let Some(requested) = requested {
            object.insert("accounts_requested".to_owned(), requested.into());
        }
        if let Some(listed) = listed {
            object.insert("organization_accounts".to_owned(), listed.into());
        }
        object.insert(
            "merged".to_owned(),
            serde_json::json!({
                "shards": shard_count,
                "missing_shards": missing.iter().map(|s| s.index).collect::<Vec<_>>(),
            }),
        );
    }
    merged.parameters = parameters;
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use faascan_checks::evaluate::{Selection, catalogue_version, evaluate};
    use faascan_checks::model::Inventory;

    fn report_of(account: &str, shard: Option<Shard>) -> serde_json::Value {
        let mut inventory: Inventory =
            serde_json::from_str(include_str!("../mocks/demo/inventory.json"))
                .unwrap_or_else(|e| panic!("{e}"));
        inventory.account.id = account.to_owned();
        // The demo's ARNs name its own account: make them this account's.
        let text = serde_json::to_string(&inventory)
            .unwrap_or_default()
            .replace("123456789012", account);
        let inventory: Inventory = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let checks = Selection::default()
            .resolve()
            .unwrap_or_else(|e| panic!("{e}"));
        let results = evaluate(&inventory, &faascan_checks::Options::default(), &checks);
        let mut report = Report::new(&inventory, results, checks.len(), catalogue_version());
        report.parameters = Some(match shard {
            Some(s) => {
                serde_json::json!({"shard": {"index": s.index, "count": s.count}, "checks": ["kms-key-disabled"]})
            }
            None => serde_json::json!({}),
        });
        serde_json::from_str(&report.to_json().unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn input(name: &str, value: serde_json::Value) -> Input {
        Input {
            path: PathBuf::from(name),
            shard: shard_of(&value).unwrap_or_else(|e| panic!("{e}")),
            report: serde_json::from_value(value).unwrap_or_else(|e| panic!("{e}")),
        }
    }

    fn refusal(inputs: Vec<Input>) -> String {
        match merge(inputs) {
            Err(Failure::Usage(m)) => m,
            other => panic!("{:?}", other.map(|r| r.account)),
        }
    }

    #[test]
    fn results_are_joined_and_summaries_recomputed() {
        let a = report_of("111111111111", None);
        let b = report_of("222222222222", None);
        let count = |r: &serde_json::Value, field: &str| r[field].as_array().map_or(0, Vec::len);
        let (na, nb) = (count(&a, "results"), count(&b, "results"));
        let (ga, gb) = (count(&a, "gaps"), count(&b, "gaps"));
        let merged =
            merge(vec![input("a.json", a), input("b.json", b)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(merged.results.len(), na + nb);
        // Each account's gaps are its own, however alike: none is dropped.
        assert_eq!(merged.gaps.len(), ga + gb);
        let total: usize = merged.summary.by_status.values().sum();
        assert_eq!(total, na + nb, "the summary counts the merged results");
        assert_eq!(
            merged.summary.by_status.get("fail").copied().unwrap_or(0),
            merged
                .results
                .iter()
                .filter(|r| r.status == faascan_checks::Status::Fail)
                .count()
        );
        assert_eq!(merged.account, "111111111111,222222222222");
        assert_eq!(merged.accounts.len(), 2);
        assert!(merged.incomplete, "the demo's gaps are carried");
        assert!(merged.coverage.scan_complete);
    }

    /// Each shard lists the organisation itself: an account that joined between two shards'
    /// listings, hashed to a shard that listed before it, is in no report. The merge says so.
    #[test]
    fn an_organisation_account_no_shard_scanned_makes_the_merge_incomplete() {
        let in_shard = |index: u32| {
            (0..100u64)
                .map(|n| format!("{:012}", 100_000_000_000 + n))
                .filter(|a| Shard::of_account(a, 2) == index)
                .take(2)
                .collect::<Vec<_>>()
        };
        let (zero, one) = (in_shard(0), in_shard(1));
        let (early, late, joined) = (&zero[0], &one[0], &zero[1]);
        let listed = |accounts: &[&String], report: &mut serde_json::Value| {
            report["parameters"]["organization_accounts"] = serde_json::json!(accounts);
        };
        let mut first = report_of(early, Some(Shard { index: 0, count: 2 }));
        listed(&[early, late], &mut first);
        let mut second = report_of(late, Some(Shard { index: 1, count: 2 }));
        listed(&[early, late, joined], &mut second);
        let merged = merge(vec![
            input("0.json", first.clone()),
            input("1.json", second),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!merged.coverage.scan_complete && merged.incomplete);
        let gap = merged
            .gaps
            .iter()
            .find(|g| g.error_code == "AccountMissing")
            .unwrap_or_else(|| panic!("{:?}", merged.gaps));
        assert_eq!(gap.resource.as_deref(), Some(joined.as_str()));
        assert!(gap.message.contains("shard 0/2"), "{}", gap.message);
        assert!(merged.coverage.rows.iter().any(|r| r.account == *joined));
        assert_eq!(
            crate::stage::exit_code(Some(&merged), &merged.coverage, FailOn::None, false),
            Exit::Incomplete
        );
        let mut all = vec![early.clone(), late.clone(), joined.clone()];
        all.sort();
        assert_eq!(
            merged.parameters.unwrap_or_default()["organization_accounts"],
            serde_json::json!(all)
        );
        // When every listed account is in a report, nothing is added.
        let mut second = report_of(late, Some(Shard { index: 1, count: 2 }));
        listed(&[early, late], &mut second);
        let whole = merge(vec![input("0.json", first), input("1.json", second)])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!whole.gaps.iter().any(|g| g.error_code == "AccountMissing"));
        assert!(whole.coverage.scan_complete);
    }

    /// A suppression expired in any report is expired; stale only when stale in every one.
    #[test]
    fn suppressions_expired_in_any_report_are_expired_in_the_merge() {
        let x = serde_json::json!({"check": "kms-*", "reason": "until the migration"});
        let y = serde_json::json!({"check": "s3-*", "reason": "legacy"});
        let mut a = report_of("111111111111", None);
        a["suppressions"] = serde_json::json!({"applied": 2, "expired": [], "stale": [y]});
        let mut b = report_of("222222222222", None);
        b["suppressions"] =
            serde_json::json!({"applied": 0, "expired": [x], "stale": [], "undetermined": [y]});
        let merged =
            merge(vec![input("a.json", a), input("b.json", b)]).unwrap_or_else(|e| panic!("{e}"));
        let s = merged.suppressions.unwrap_or_default();
        assert_eq!(s["applied"], 2);
        assert_eq!(s["expired"], serde_json::json!([x]));
        assert_eq!(s["stale"], serde_json::json!([]));
        assert_eq!(s["undetermined"], serde_json::json!([y]));
    }

    #[test]
    fn a_missing_shard_makes_the_merge_incomplete_and_names_the_shard() {
        let shard = |index| Some(Shard { index, count: 3 });
        let merged = merge(vec![
            input("0.json", report_of("111111111111", shard(0))),
            input("2.json", report_of("333333333333", shard(2))),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!merged.coverage.scan_complete && merged.incomplete);
        assert!(
            merged
                .gaps
                .iter()
                .any(|g| g.error_code == "ShardMissing"
                    && g.resource.as_deref() == Some("shard 1/3"))
        );
        assert!(
            merged
                .coverage
                .rows
                .iter()
                .any(|r| r.account == "shard 1/3")
        );
        assert_eq!(
            crate::stage::exit_code(Some(&merged), &merged.coverage, FailOn::None, false),
            Exit::Incomplete
        );
        let parameters = merged.parameters.clone().unwrap_or_default();
        assert_eq!(
            parameters["merged"]["missing_shards"],
            serde_json::json!([1])
        );
        assert!(parameters.get("shard").is_none());
        assert_eq!(
            merged.selected_checks.as_deref(),
            Some(&["kms-key-disabled".to_owned()][..])
        );
    }

    #[test]
    fn an_account_in_two_reports_is_refused() {
        let a = report_of("111111111111", None);
        let b = report_of("222222222222", None);
        let twice = refusal(vec![
            input("a.json", a.clone()),
            input("b.json", b),
            input("a-again.json", a),
        ]);
        assert!(
            twice.contains("account 111111111111 is in two reports, a.json and a-again.json"),
            "{twice}"
        );
        // Shards that share an account (a hand-edited list, say) are refused as well.
        let shard = |index| Some(Shard { index, count: 2 });
        let shared = refusal(vec![
            input("0.json", report_of("111111111111", shard(0))),
            input("1.json", report_of("111111111111", shard(1))),
        ]);
        assert!(shared.contains("0.json and 1.json"), "{shared}");
    }

    #[test]
    fn reports_of_different_runs_are_refused() {
        let with = |account: &str, shard: Option<Shard>, field: &str, value: serde_json::Value| {
            let mut report = report_of(account, shard);
            report["parameters"][field] = value;
            report
        };
        let regions = refusal(vec![
            input("a.json", report_of("111111111111", None)),
            input(
                "b.json",
                with(
                    "222222222222",
                    None,
                    "regions_requested",
                    serde_json::json!(["eu-west-1"]),
                ),
            ),
        ]);
        assert!(
            regions.contains("a.json and b.json are not reports of one run")
                && regions.contains("parameters.regions_requested"),
            "{regions}"
        );
        let version = {
            let mut b = report_of("222222222222", None);
            b["tool_version"] = serde_json::json!("0.0.1");
            refusal(vec![
                input("a.json", report_of("111111111111", None)),
                input("b.json", b),
            ])
        };
        assert!(version.contains("tool_version"), "{version}");
        // Shards of one run split one account list; plain reports name their own accounts.
        let shard = |index| Some(Shard { index, count: 2 });
        let lists = refusal(vec![
            input(
                "0.json",
                with(
                    "111111111111",
                    shard(0),
                    "accounts_requested",
                    serde_json::json!(["111111111111"]),
                ),
            ),
            input(
                "1.json",
                with(
                    "222222222222",
                    shard(1),
                    "accounts_requested",
                    serde_json::json!(["222222222222"]),
                ),
            ),
        ]);
        assert!(lists.contains("parameters.accounts_requested"), "{lists}");
        let plain = merge(vec![
            input(
                "a.json",
                with(
                    "111111111111",
                    None,
                    "accounts_requested",
                    serde_json::json!(["111111111111"]),
                ),
            ),
            input(
                "b.json",
                with(
                    "222222222222",
                    None,
                    "accounts_requested",
                    serde_json::json!(["222222222222", "111111111111"]),
                ),
            ),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        // The merged report requested every report's accounts, once each.
        assert_eq!(
            plain.parameters.unwrap_or_default()["accounts_requested"],
            serde_json::json!(["111111111111", "222222222222"])
        );
        // Each scan's clock and exit-code settings are its own.
        let mut late = with(
            "222222222222",
            shard(1),
            "fail_on",
            serde_json::json!("none"),
        );
        late["parameters"]["options"] = serde_json::json!({"evaluated_at": "2031-01-01T00:00:00Z"});
        let mut early = report_of("111111111111", shard(0));
        early["parameters"]["options"] =
            serde_json::json!({"evaluated_at": "2030-01-01T00:00:00Z"});
        merge(vec![input("0.json", early), input("1.json", late)])
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn shards_of_different_scans_or_twice_the_same_shard_are_refused() {
        let message = refusal;
        let twice = message(vec![
            input(
                "a.json",
                report_of("111111111111", Some(Shard { index: 0, count: 2 })),
            ),
            input(
                "b.json",
                report_of("222222222222", Some(Shard { index: 0, count: 2 })),
            ),
        ]);
        assert!(twice.contains("given twice"), "{twice}");
        let counts = message(vec![
            input(
                "a.json",
                report_of("111111111111", Some(Shard { index: 0, count: 2 })),
            ),
            input(
                "b.json",
                report_of("222222222222", Some(Shard { index: 1, count: 3 })),
            ),
        ]);
        assert!(counts.contains("shards of 2"), "{counts}");
        let mixed = message(vec![
            input(
                "a.json",
                report_of("111111111111", Some(Shard { index: 0, count: 2 })),
            ),
            input("b.json", report_of("222222222222", None)),
        ]);
        assert!(mixed.contains("not a shard's report"), "{mixed}");
        let mut bad = report_of("111111111111", None);
        bad["parameters"] = serde_json::json!({"shard": {"index": 5, "count": 2}});
        assert!(shard_of(&bad).is_err());
        bad["parameters"] = serde_json::json!({"shard": "0/2"});
        assert!(shard_of(&bad).is_err());
    }
}

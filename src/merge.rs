//! `faascan merge REPORT.json...`: the JSON reports of an organisation's shards (or of any
//! scans) joined into one report, which every output format renders as a scan's would.
//!
//! - results: one per check, resource ARN and account (the first report's copy wins);
//! - summaries recomputed from the merged results; coverage rows, gaps, inventory rows,
//!   accounts and calls concatenated (calls summed per operation);
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
    let checks_run = first.report.summary.checks_run;
    let mut parameters = first.report.parameters.clone();
    let shard_count = first.shard.map(|s| s.count);
    let duration = inputs
        .iter()
        .map(|i| i.report.summary.duration_seconds)
        .fold(0.0, f64::max);

    let mut seen: HashSet<(String, String, String)> = HashSet::new();
    let mut outcomes: Vec<AccountOutcome> = Vec::new();
    let mut coverages = Vec::new();
    let mut suppressions: Option<SavedSuppressions> = None;
    let mut incomplete = false;
    let mut reports = Vec::new();
    for input in inputs {
        let mut saved = input.report;
        incomplete |= saved.incomplete;
        // Results: one per check, resource and account.
        let results: Vec<CheckResult> = std::mem::take(&mut saved.results)
            .into_iter()
            .filter(|r| {
                seen.insert((
                    r.check_id.to_string(),
                    r.resource.arn.to_string(),
                    r.resource.account.to_string(),
                ))
            })
            .collect();
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
        coverage.rows.push(CoverageRow {
            account: place.clone(),
            service: "shard".to_owned(),
            region: "global".to_owned(),
            status: CoverageStatus::NotRead,
            operations: vec!["merge".to_owned()],
            gaps: 1,
            unread: format!(
                "no report for {place} was merged, so none of its accounts' resources was checked"
            ),
        });
        coverage.complete = false;
        coverage.scan_complete = false;
        merged.gaps.push(Gap {
            service: "faascan".to_owned(),
            region: None,
            operation: "merge".to_owned(),
            resource: Some(place.clone()),
            kind: GapKind::NotAttempted,
            error_code: "ShardMissing".to_owned(),
            message: format!("no report for {place} was given to faascan merge"),
            request_id: None,
        });
    }
    // The same account in two reports (a shard given twice over): its rows and gaps once.
    let mut places = HashSet::new();
    coverage
        .rows
        .retain(|r| places.insert((r.account.clone(), r.service.clone(), r.region.clone())));
    let mut gaps = BTreeSet::new();
    merged.gaps.retain(|g| gaps.insert(g.clone()));
    let mut accounts = BTreeMap::new();
    for o in &outcomes {
        let scanned = accounts.entry(o.account.clone()).or_insert(false);
        *scanned |= o.status == "scanned";
    }
    // An account scanned by one report and failed in another was scanned.
    outcomes.retain(|o| match accounts.get_mut(&o.account) {
        Some(keep) if o.status == "scanned" && *keep => {
            accounts.remove(&o.account);
            true
        }
        Some(false) => {
            accounts.remove(&o.account);
            true
        }
        _ => false,
    });
    merged.incomplete = incomplete || !coverage.complete;
    merged.coverage = coverage;
    merged.summary.gaps = merged.gaps.len();
    merged.summary.duration_seconds = duration;
    merged.set_accounts(outcomes);
    merged.suppressions = suppressions
        .map(|s| serde_json::json!({"applied": s.applied, "expired": s.expired, "stale": s.stale}));
    merged.selected_checks = parameters
        .as_ref()
        .and_then(|p| p.get("checks"))
        .and_then(|c| serde_json::from_value(c.clone()).ok());
    if let Some(object) = parameters.as_mut().and_then(|p| p.as_object_mut()) {
        object.remove("shard");
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

    #[test]
    fn results_are_deduplicated_and_summaries_recomputed() {
        let a = report_of("111111111111", None);
        let b = report_of("222222222222", None);
        let (na, nb) = (
            a["results"].as_array().map_or(0, Vec::len),
            b["results"].as_array().map_or(0, Vec::len),
        );
        // `a` twice: its results count once.
        let merged = merge(vec![
            input("a.json", a.clone()),
            input("b.json", b),
            input("a-again.json", a),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(merged.results.len(), na + nb);
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
    fn shards_of_different_scans_or_twice_the_same_shard_are_refused() {
        let message = |inputs: Vec<Input>| match merge(inputs) {
            Err(Failure::Usage(m)) => m,
            other => panic!("{:?}", other.map(|r| r.account)),
        };
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

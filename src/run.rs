//! Subcommand dispatch and the scan's orchestration: resolve the plan, gather the
//! inventories, evaluate, run the results stage, build the report, write it, and return the
//! exit code. What each step does lives in its own module: `plan` (CLI + configuration,
//! validated once), `org` (several accounts), `stage` (the results stage and the exit code),
//! `output` (rendering and writing), `merge` (joining shard reports), `error` (exit codes).

use crate::cli::{
    CatalogueFormat, Cli, Command, DiffFormat, Format, PermissionsFormat, TargetArgs,
};
use crate::collect::{self, Service, Target};
use crate::error::{Exit, Failure};
use crate::org::AccountFailure;
use crate::output::{terminal_width, write_output};
use crate::plan::{Accounts, Input, LivePlan, ScanPlan, target_of};
use crate::shard::Shard;
use crate::stage::{ResultsStage, TagIndex};
use crate::{output, permissions, runtime, stage};
use anyhow::{Context, Result};
use faascan_checks::REGISTRY;
use faascan_checks::evaluate::{Selection, catalogue_version, evaluate};
use faascan_checks::model::Inventory;
use faascan_reports::catalogue;
use faascan_reports::coverage::Coverage;
use faascan_reports::report::Report;
use faascan_reports::text::multiline;
use futures::future::BoxFuture;
use std::io::{IsTerminal, Write};

/// A message on stderr: text for people, or one JSON object per line for schedulers. Errors
/// always go out; progress only when asked for (see `Messages`).
pub(crate) fn log(
    format: crate::cli::LogFormat,
    level: &str,
    message: &str,
    fields: &[(&str, serde_json::Value)],
) {
    // Messages echo arguments, file contents and AWS error text: one sanitiser for the
    // terminal (JSON lines are escaped by the serialiser).
    let line = match format {
        crate::cli::LogFormat::Text if level == "error" => format!("error: {}", multiline(message)),
        crate::cli::LogFormat::Text => format!("faascan: {}", multiline(message)),
        crate::cli::LogFormat::Json => {
            let mut object = serde_json::Map::new();
            object.insert(
                "time".to_owned(),
                serde_json::Value::from(
                    time::OffsetDateTime::now_utc()
                        .format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default(),
                ),
            );
            object.insert("level".to_owned(), serde_json::Value::from(level));
            object.insert("message".to_owned(), serde_json::Value::from(message));
            for (k, v) in fields {
                object.insert((*k).to_owned(), v.clone());
            }
            serde_json::Value::Object(object).to_string()
        }
    };
    // The one place messages reach stderr; a closed stderr is no reason to panic.
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{line}");
}

/// Where progress goes: a terminal (text) or a scheduler (JSON lines), never with --quiet.
#[derive(Clone, Copy)]
pub(crate) struct Messages {
    format: crate::cli::LogFormat,
    enabled: bool,
}

impl Messages {
    /// No progress at all (tests, and where the caller reports itself).
    #[cfg(test)]
    pub(crate) const QUIET: Messages = Messages {
        format: crate::cli::LogFormat::Text,
        enabled: false,
    };

    fn new(cli: &Cli) -> Self {
        let enabled = !cli.quiet
            && (cli.log_format == crate::cli::LogFormat::Json || std::io::stderr().is_terminal());
        Messages {
            format: cli.log_format,
            enabled,
        }
    }
    /// A progress line redrawn in place: text messages to a terminal only.
    fn live_line(self) -> bool {
        self.enabled && self.format == crate::cli::LogFormat::Text
    }

    pub(crate) fn info(self, message: &str, fields: &[(&str, serde_json::Value)]) {
        if self.enabled {
            log(self.format, "info", message, fields);
        }
    }
}

pub(crate) fn run(cli: Cli) -> Result<Exit> {
    let messages = Messages::new(&cli);
    let quiet = cli.quiet;
    match cli.command {
        Command::Permissions(args) => {
            let text = match args.format {
                PermissionsFormat::Policy => {
                    serde_json::to_string_pretty(&permissions::iam_policy(&args.partition))
                        .context("rendering the policy")?
                        + "\n"
                }
                PermissionsFormat::Calls => permissions::ALLOWED_CALLS
                    .iter()
                    .map(|c| {
                        format!(
                            "{}\t{}\t{}\t{}\n",
                            c.sdk_service, c.operation, c.iam_action, c.purpose
                        )
                    })
                    .collect(),
            };
            write_output(None, &text)?;
        }
        Command::Inventory(args) if !args.target.accounts.is_empty() => {
            return Err(Failure::usage(
                "--accounts works with `faascan scan`; `inventory` collects one account",
            )
            .into());
        }
        Command::Inventory(args) => {
            let inventory = if args.templates.templates.is_empty() {
                crate::plan::validate_target(&args.target)?;
                // Raised quotas pace `inventory` as they pace `scan`.
                let config = crate::config::Config::load(args.config.as_deref())
                    .map_err(|e| Failure::usage(e.to_string()))?;
                crate::collect::pacing::configure(&config.quotas).map_err(Failure::usage)?;
                let services = if args.target.services.is_empty() {
                    Service::ALL.to_vec()
                } else {
                    args.target.services.clone()
                };
                collect_live(&args.target, &services, messages)?
            } else {
                load_templates(
                    &args.templates,
                    args.target.regions.first().map(String::as_str),
                    messages,
                )?
            };
            crate::output::write_json(args.output.as_deref(), &inventory, "inventory")?;
        }
        Command::Scan(args) => {
            let plan = ScanPlan::resolve(&args, quiet)?;
            return scan(&plan, messages);
        }
        Command::Merge(args) => return Ok(crate::merge::run(&args, quiet)?),
        Command::Init { force } => {
            let path = std::path::Path::new(crate::config::FILE_NAME);
            if path.exists() && !force {
                return Err(Failure::usage(format!(
                    "{} exists; use --force to overwrite it",
                    path.display()
                ))
                .into());
            }
            write_bytes(path, crate::config::TEMPLATE.as_bytes())?;
            write_output(None, &format!("wrote {}\n", path.display()))?;
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command, "faascan", &mut out);
            write_output(None, &String::from_utf8_lossy(&out))?;
        }
        Command::Man => write_output(None, &crate::manual::manual_page()?)?,
        Command::Checks(args) => {
            let checks: Vec<_> = REGISTRY.to_vec();
            let text = match args.format {
                CatalogueFormat::Table => catalogue::to_table(&checks, terminal_width()),
                CatalogueFormat::Json => {
                    catalogue::to_json(&checks).map_err(Failure::Render)? + "\n"
                }
                CatalogueFormat::Markdown => catalogue::to_markdown(&checks),
            };
            write_output(None, &text)?;
        }
        Command::Diff(args) => {
            use faascan_reports::diff::drift;
            let old = crate::input::load_report(&args.old)?;
            let new = crate::input::load_report(&args.new)?;
            let (old_template, new_template) = (drift::is_template(&old), drift::is_template(&new));
            // Report against report, new failures exit 1 (a scheduled job alerts on what got
            // worse); template against live reports drift and keeps exit 0.
            let mut new_failures = 0;
            let text = if args.drift || old_template != new_template {
                // The report read from templates is the template side, in either order.
                let (template, live) = if new_template && !old_template {
                    (&new, &old)
                } else {
                    (&old, &new)
                };
                let drift = drift::drift(template, live);
                match args.format {
                    DiffFormat::Text => drift.to_text(),
                    DiffFormat::Json => drift.to_json().map_err(Failure::Render)?,
                }
            } else {
                let diff = faascan_reports::diff::diff(&old.results, &new.results);
                new_failures = diff.new_failures;
                match args.format {
                    DiffFormat::Text => diff.to_text(),
                    DiffFormat::Json => diff.to_json().map_err(Failure::Render)?,
                }
            };
            write_output(None, &text)?;
            if new_failures > 0 {
                return Ok(Exit::Findings);
            }
        }
        Command::Explain(args) => {
            let check = REGISTRY
                .iter()
                .find(|c| c.meta.id == args.id)
                .ok_or_else(|| {
                    // Reuse the selection's "did you mean".
                    let message = Selection {
                        checks: vec![args.id.clone()],
                        ..Selection::default()
                    }
                    .resolve()
                    .err()
                    .map_or_else(
                        || format!("unknown check id `{}`", args.id),
                        |e| e.to_string(),
                    );
                    Failure::Usage(message)
                })?;
            write_output(None, &catalogue::explain(check))?;
        }
    }
    Ok(Exit::Clean)
}

/// Runs a scan as planned; the exit code says whether findings at or above `--fail-on`
/// remain, or whether the scan is incomplete.
fn scan(plan: &ScanPlan, messages: Messages) -> Result<Exit> {
    let Gathered {
        inventories,
        failures,
        organization_accounts,
    } = gather(plan, messages)?;
    let needs_report =
        plan.output.evidence.is_some() || plan.output.formats.iter().any(|f| *f != Format::Summary);
    let report = needs_report
        .then(|| {
            build_report(
                plan,
                &inventories,
                &failures,
                organization_accounts.as_deref(),
            )
        })
        .transpose()?;
    // Without a report (`--format summary` only), the coverage comes from the inventories.
    let coverage = report.as_ref().map_or_else(
        || {
            Coverage::combine(
                inventories.iter().map(|i| Coverage::of(i, &[])).collect(),
                &failures,
            )
        },
        |r| r.coverage.clone(),
    );
    if !coverage.complete {
        messages.info(
            if coverage.scan_complete {
                "the scan is incomplete: some reads failed"
            } else {
                "the scan is incomplete: resources may be missing"
            },
            &[
                ("scan_complete", serde_json::json!(coverage.scan_complete)),
                ("not_read_in_full", serde_json::json!(coverage.shortfalls())),
            ],
        );
    }
    if let (Some(dir), Some(report)) = (&plan.output.evidence, &report) {
        write_evidence(dir, report, &inventories, plan)?;
    }
    output::write_reports(
        &plan.output,
        &output::Rendered {
            report: report.as_ref(),
            inventories: &inventories,
            failures: &failures,
        },
    )?;
    Ok(stage::exit_code(
        report.as_ref(),
        &coverage,
        plan.fail_on,
        plan.strict,
    ))
}

/// What a scan read.
struct Gathered {
    inventories: Vec<Inventory>,
    /// Accounts that could not be scanned.
    failures: Vec<AccountFailure>,
    /// The organisation's active accounts as this scan listed them (`--organization`): the
    /// report records them so that a merge of shards, each listing the organisation at its
    /// own time, can tell an account no shard scanned.
    organization_accounts: Option<Vec<String>>,
}

impl Gathered {
    fn of(inventories: Vec<Inventory>, failures: Vec<AccountFailure>) -> Self {
        Gathered {
            inventories,
            failures,
            organization_accounts: None,
        }
    }
}

/// The inventories the plan reads: a file, templates, or the live account(s).
fn gather(plan: &ScanPlan, messages: Messages) -> Result<Gathered, Failure> {
    match &plan.input {
        Input::Inventory(path) => Ok(Gathered::of(
            vec![crate::input::load_inventory(path)?],
            Vec::new(),
        )),
        Input::Templates { templates, region } => Ok(Gathered::of(
            vec![load_templates(templates, region.as_deref(), messages)?],
            Vec::new(),
        )),
        Input::Live(live) => {
            // Raised quotas from `[quotas]` pace every account of this scan.
            crate::collect::pacing::configure(&live.quotas).map_err(Failure::usage)?;
            gather_live(live, messages)
        }
    }
}

/// The live account(s) of the plan.
fn gather_live(live: &LivePlan, messages: Messages) -> Result<Gathered, Failure> {
    {
        match &live.accounts {
            Accounts::One => Ok(Gathered::of(
                vec![collect_live(&live.target, &live.services, messages)?],
                Vec::new(),
            )),
            Accounts::Listed {
                ids,
                role_name,
                shard,
            } => {
                let (inventories, failures) =
                    collect_several(live, (ids, None), role_name, *shard, messages)?;
                Ok(Gathered::of(inventories, failures))
            }
            Accounts::Organization { role_name, shard } => {
                let (partition, ids) =
                    runtime::block_on(crate::org::organization_accounts(&live.target))??;
                messages.info(
                    &format!("organization: {} active account(s)", ids.len()),
                    &[("accounts", serde_json::json!(ids))],
                );
                let (inventories, failures) =
                    collect_several(live, (&ids, Some(partition)), role_name, *shard, messages)?;
                Ok(Gathered {
                    inventories,
                    failures,
                    organization_accounts: Some(ids),
                })
            }
        }
    }
}

/// Several accounts (this shard's share, with `--shard`), on the process's runtime.
/// `partition` is the base identity's when it is already known (asked of STS otherwise, once
/// there is an account to scan).
fn collect_several(
    live: &LivePlan,
    (ids, partition): (&[String], Option<String>),
    role_name: &str,
    shard: Option<Shard>,
    messages: Messages,
) -> Result<(Vec<Inventory>, Vec<AccountFailure>), Failure> {
    let ids = match shard {
        Some(shard) => {
            let mine = shard.select(ids);
            messages.info(
                &format!("shard {shard}: {} of {} account(s)", mine.len(), ids.len()),
                &[
                    (
                        "shard",
                        serde_json::json!({"index": shard.index, "count": shard.count}),
                    ),
                    ("accounts", serde_json::json!(mine)),
                ],
            );
            mine
        }
        None => ids.to_vec(),
    };
    if ids.is_empty() {
        // A shard may hold no account (more shards than accounts): an empty, complete report,
        // so that the merge sees every shard.
        return match shard {
            Some(_) => Ok((Vec::new(), Vec::new())),
            None => Err(Failure::NoAccountScanned("no account to scan".to_owned())),
        };
    }
    let partition = match partition {
        Some(partition) => partition,
        None => runtime::block_on(crate::org::base_partition(&live.target))??,
    };
    let services = live.services.clone();
    let concurrency = usize::from(live.target.concurrency);
    let collect_one =
        move |target: Target| -> BoxFuture<'static, Result<Inventory, collect::FatalError>> {
            let services = services.clone();
            Box::pin(async move {
                let inventory = collect::collect(&target, &services, concurrency).await?;
                collected(messages, &inventory);
                Ok(inventory)
            })
        };
    let progress = crate::progress::ProgressLine::start(
        messages.live_line(),
        format!("collecting {} account(s)", ids.len()),
    );
    let outcome = runtime::block_on(crate::org::collect_accounts(
        &live.target,
        (&ids, &partition),
        role_name,
        live.account_concurrency,
        messages,
        &collect_one,
    ));
    drop(progress);
    outcome?
}

/// Evaluates the checks, runs the results stage, and builds the report (one account's, or
/// one for several).
fn build_report(
    plan: &ScanPlan,
    inventories: &[Inventory],
    failures: &[AccountFailure],
    organization_accounts: Option<&[String]>,
) -> Result<Report, Failure> {
    let mut options = plan.options.clone();
    // Ages are judged at evaluation, after the collection.
    options.now = time::OffsetDateTime::now_utc();
    let mut results: Vec<faascan_checks::CheckResult> = Vec::new();
    let mut tags = TagIndex::new();
    // The index copies every resource's ARN and tags (20 MiB at 100,000 resources): only
    // for a suppression that matches on tags.
    let by_tags = plan.suppressions.iter().any(|s| !s.tags.is_empty());
    for inventory in inventories {
        let mine = evaluate(inventory, &options, &plan.checks);
        // One account's results are kept as they are: extending an empty vector copied
        // every result while the original was still held.
        if results.is_empty() {
            results = mine;
        } else {
            results.extend(mine);
        }
        if by_tags {
            stage::index_tags(inventory, &mut tags);
        }
    }
    let suppressions = ResultsStage {
        severity: &plan.severity,
        suppressions: &plan.suppressions,
        min_severity: plan.min_severity,
        today: options.now.date(),
    }
    .run(&mut results, &tags);
    let checks_run = plan.checks.len();
    let mut report = match (plan.multi_account(), inventories) {
        (false, [inventory]) => Report::new(inventory, results, checks_run, catalogue_version()),
        // A shard that holds no account.
        (true, []) => crate::merge::empty_report(checks_run),
        _ => {
            // Each account's report from its own inventory, then one report for all.
            let reports = inventories
                .iter()
                .map(|inventory| {
                    let mine = results
                        .iter()
                        .filter(|r| *r.resource.account == inventory.account.id)
                        .cloned()
                        .collect();
                    Report::new(inventory, mine, checks_run, catalogue_version())
                })
                .collect();
            Report::combine(reports, failures.to_vec())
                .ok_or_else(|| Failure::NoAccountScanned("no account was scanned".to_owned()))?
        }
    };
    report.suppressions = suppressions.and_then(|s| serde_json::to_value(s).ok());
    report.selected_checks = Some(plan.checks.iter().map(|c| c.meta.id.to_owned()).collect());
    let mut parameters = plan.parameters(&options);
    if let (Some(accounts), Some(object)) = (organization_accounts, parameters.as_object_mut()) {
        object.insert("organization_accounts".to_owned(), accounts.into());
    }
    report.parameters = Some(parameters);
    if let Some(b) = &plan.baseline {
        report.set_diff(faascan_reports::diff::diff(&b.results, &report.results));
    }
    Ok(report)
}

/// The evidence bundle: inventory, reports, control summaries and the signed manifest.
fn write_evidence(
    dir: &std::path::Path,
    report: &Report,
    inventories: &[Inventory],
    plan: &ScanPlan,
) -> Result<()> {
    // One inventory as an object; several (one per account) as a list.
    let inventory_json = if inventories.len() == 1 {
        serde_json::to_string_pretty(&inventories[0])
    } else {
        serde_json::to_string_pretty(&inventories)
    }
    .context("serialising the inventory")?
        + "\n";
    for file in faascan_reports::evidence::bundle(report, &inventory_json, plan.signer.as_ref())
        .map_err(Failure::Render)?
    {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Failure::Write {
                what: format!("creating {}", parent.display()),
                source,
            })?;
        }
        // Atomically, like --output: an evidence file is either complete or absent.
        write_bytes(&path, &file.contents)?;
    }
    Ok(())
}

/// Writes a whole file through `output::write_file` (a temporary file renamed into place).
fn write_bytes(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    crate::output::write_file(path, |out| {
        out.write_all(bytes).map_err(|source| Failure::Write {
            what: format!("writing {}", path.display()),
            source,
        })
    })
}

/// One account's live inventory.
fn collect_live(
    args: &TargetArgs,
    services: &[Service],
    messages: Messages,
) -> Result<Inventory, Failure> {
    let target = target_of(args);
    let names: Vec<String> = services
        .iter()
        .map(|s| format!("{s:?}").to_lowercase())
        .collect();
    messages.info(
        &format!("collecting {}", names.join(", ")),
        &[("services", serde_json::json!(names))],
    );
    let progress = crate::progress::ProgressLine::start(
        messages.live_line(),
        format!("collecting {}", names.join(", ")),
    );
    let inventory = runtime::block_on(collect::collect(
        &target,
        services,
        usize::from(args.concurrency),
    ));
    drop(progress);
    let inventory = inventory?.map_err(Failure::of_collect)?;
    collected(messages, &inventory);
    Ok(inventory)
}

/// Says what one account's collection cost and left out.
fn collected(messages: Messages, inventory: &Inventory) {
    messages.info(
        &format!(
            "collected: {} calls, {} gaps{}",
            inventory.calls.operations,
            inventory.gaps.len(),
            crate::progress::pacing_summary(&inventory.calls)
        ),
        &[
            ("account", serde_json::json!(inventory.account.id)),
            ("calls", serde_json::json!(inventory.calls.operations)),
            ("gaps", serde_json::json!(inventory.gaps.len())),
            (
                "incomplete",
                serde_json::json!(inventory.account.incomplete),
            ),
            ("pacing", serde_json::json!(inventory.calls.pacing)),
        ],
    );
}

/// The inventory from templates (`--template`); an unreadable template is a usage error.
fn load_templates(
    args: &crate::cli::TemplateArgs,
    region: Option<&str>,
    messages: Messages,
) -> Result<Inventory, Failure> {
    let parameters = args.parameters.iter().cloned().collect();
    let options = crate::template::Options {
        parameters: &parameters,
        region,
    };
    let loaded = crate::template::load(&args.templates, &options)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let skipped: Vec<String> = loaded
        .skipped
        .iter()
        .map(|(kind, n)| format!("{kind} ({n})"))
        .collect();
    messages.info(
        &format!(
            "read {} template(s); resource types outside faascan's scope: {}",
            loaded.files,
            if skipped.is_empty() {
                "none".to_owned()
            } else {
                skipped.join(", ")
            }
        ),
        &[
            ("templates", serde_json::json!(loaded.files)),
            ("skipped", serde_json::json!(loaded.skipped)),
        ],
    );
    Ok(loaded.inventory)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn plan(extra: &[&str], config: &str) -> ScanPlan {
        let mut argv = vec![
            "faascan",
            "scan",
            "--inventory",
            "mocks/demo/inventory.json",
        ];
        argv.extend(extra);
        let Ok(Command::Scan(args)) = Cli::try_parse_from(argv).map(|c| c.command) else {
            panic!("scan arguments")
        };
        let raw: crate::config::RawConfig =
            toml::from_str(config).unwrap_or_else(|e| panic!("{e}"));
        let config = crate::config::Config::validate(raw).unwrap_or_else(|e| panic!("{e}"));
        ScanPlan::with_config(&args, config, true).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The whole path from plan to report: a configuration that lowers a high check to low
    /// and raises a low one to critical, with `--min-severity high`, keeps the raised check
    /// and drops the lowered one (the remap runs first).
    #[test]
    fn a_remapped_severity_meets_min_severity_in_the_report() {
        let inventory: Inventory =
            serde_json::from_str(include_str!("../mocks/demo/inventory.json"))
                .unwrap_or_else(|e| panic!("{e}"));
        let plain = build_report(&plan(&[], ""), std::slice::from_ref(&inventory), &[], None)
            .unwrap_or_else(|e| panic!("{e}"));
        let failing = |severity: faascan_checks::Severity| {
            plain
                .results
                .iter()
                .find(|r| r.status == faascan_checks::Status::Fail && r.severity == severity)
                .map(|r| r.check_id.to_string())
                .unwrap_or_else(|| panic!("a {severity:?} failure in the demo"))
        };
        let (low, high) = (
            failing(faascan_checks::Severity::Low),
            failing(faascan_checks::Severity::High),
        );
        let config = format!("[checks.severity]\n\"{low}\" = \"critical\"\n\"{high}\" = \"low\"\n");
        let report = build_report(
            &plan(&["--min-severity", "high"], &config),
            std::slice::from_ref(&inventory),
            &[],
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            report
                .results
                .iter()
                .any(|r| *r.check_id == *low && r.severity == faascan_checks::Severity::Critical)
        );
        assert!(!report.results.iter().any(|r| *r.check_id == *high));
        assert!(
            report
                .results
                .iter()
                .all(|r| r.severity >= faascan_checks::Severity::High)
        );
        let parameters = report.parameters.unwrap_or_default();
        assert_eq!(parameters["min_severity"], "high");
        assert_eq!(parameters["severity_overrides"][&low], "critical");
    }
}

//! Subcommand dispatch: the edge where errors become messages and exit codes.

use crate::cli::{
    CatalogueFormat, Cli, Command, DiffFormat, Format, PermissionsFormat, ScanArgs, SeverityArg,
    TargetArgs,
};
use crate::collect::{self, FatalError, Service, Target};
use crate::permissions;
use anyhow::{Context, Result};
use faascan_checks::evaluate::{Selection, catalogue_version, evaluate};
use faascan_checks::model::{INVENTORY_SCHEMA_VERSION, Inventory};
use faascan_checks::{REGISTRY, Severity};
use faascan_reports::coverage::Coverage;
use faascan_reports::report::Report;
use faascan_reports::summary::InventorySummary;
use faascan_reports::text::{multiline, sanitize};
use faascan_reports::{catalogue, table};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// Every exit code faascan uses, in one place (README "Exit codes" documents them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Nothing unmuted at or above `--fail-on`, and the scan read every resource.
    Clean = 0,
    /// Findings at or above `--fail-on` (with `--strict`, unknown results too).
    Findings = 1,
    /// A usage or configuration error.
    Usage = 2,
    /// The scan could not run (no credentials, endpoint unreachable, no account scanned).
    ScanFailed = 3,
    /// The scan is incomplete: resources may be missing (a listing failed, the endpoint
    /// stopped answering, the time budget ran out, a check crashed, an account failed); with
    /// `--strict`, any gap. Wins over 1 and over `--fail-on none`.
    Incomplete = 4,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

pub(crate) fn exit_code_for(err: &anyhow::Error) -> ExitCode {
    if err.downcast_ref::<UsageError>().is_some() {
        Exit::Usage.into()
    } else {
        Exit::ScanFailed.into()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UsageError(String);

/// Stdout was closed by its reader (`faascan scan | head`): not an error, exit 0 quietly.
#[derive(Debug, thiserror::Error)]
#[error("stdout was closed")]
pub(crate) struct PipeClosed;

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

/// A live progress line on a terminal (calls made so far), redrawn in place; nothing when
/// stderr is not a terminal, with --quiet, or with JSON logs.
struct ProgressLine {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl ProgressLine {
    fn start(messages: Messages, label: String) -> ProgressLine {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let live = messages.enabled && messages.format == crate::cli::LogFormat::Text;
        let handle = live.then(|| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                use std::sync::atomic::Ordering;
                let spinner = ['|', '/', '-', '\\'];
                let mut tick = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let calls = crate::collect::calls::OPERATIONS_STARTED.load(Ordering::Relaxed);
                    let mut err = std::io::stderr().lock();
                    let _ = write!(
                        err,
                        "\r{} faascan: {label} · {calls} calls ",
                        spinner[tick % 4]
                    );
                    let _ = err.flush();
                    drop(err);
                    tick += 1;
                    std::thread::sleep(Duration::from_millis(150));
                }
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[2K");
                let _ = err.flush();
            })
        });
        ProgressLine { stop, handle }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// Where progress goes: a terminal (text) or a scheduler (JSON lines), never with --quiet.
#[derive(Clone, Copy)]
pub(crate) struct Messages {
    format: crate::cli::LogFormat,
    enabled: bool,
}

impl Messages {
    fn new(cli: &Cli) -> Self {
        let enabled = !cli.quiet
            && (cli.log_format == crate::cli::LogFormat::Json || std::io::stderr().is_terminal());
        Messages {
            format: cli.log_format,
            enabled,
        }
    }
    fn info(self, message: &str, fields: &[(&str, serde_json::Value)]) {
        if self.enabled {
            log(self.format, "info", message, fields);
        }
    }
}

pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
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
            return Err(UsageError(
                "--accounts works with `faascan scan`; `inventory` collects one account".to_owned(),
            )
            .into());
        }
        Command::Inventory(args) => {
            let inventory = if args.templates.templates.is_empty() {
                collect_live(&args.target, messages)?
            } else {
                load_templates(&args.templates, &args.target, messages)?
            };
            let json = serde_json::to_string_pretty(&inventory)
                .context("serialising the inventory")?
                + "\n";
            write_output(args.output.as_deref(), &json)?;
        }
        Command::Scan(args) => return scan(&args, messages, quiet),
        Command::Init { force } => {
            let path = std::path::Path::new(crate::config::FILE_NAME);
            if path.exists() && !force {
                return Err(UsageError(format!(
                    "{} exists; use --force to overwrite it",
                    path.display()
                ))
                .into());
            }
            std::fs::write(path, crate::config::TEMPLATE)
                .with_context(|| format!("writing {}", path.display()))?;
            write_output(None, &format!("wrote {}\n", path.display()))?;
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command, "faascan", &mut out);
            write_output(None, &String::from_utf8_lossy(&out))?;
        }
        Command::Man => write_output(None, &manual_page()?)?,
        Command::Checks(args) => {
            let checks: Vec<_> = REGISTRY.to_vec();
            let text = match args.format {
                CatalogueFormat::Table => catalogue::to_table(&checks, terminal_width()),
                CatalogueFormat::Json => catalogue::to_json(&checks)? + "\n",
                CatalogueFormat::Markdown => catalogue::to_markdown(&checks),
            };
            write_output(None, &text)?;
        }
        Command::Diff(args) => {
            use faascan_reports::diff::drift;
            let old = load_report(&args.old)?;
            let new = load_report(&args.new)?;
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
                    DiffFormat::Json => drift.to_json()?,
                }
            } else {
                let diff = faascan_reports::diff::diff(&old.results, &new.results);
                new_failures = diff.new_failures;
                match args.format {
                    DiffFormat::Text => diff.to_text(),
                    DiffFormat::Json => diff.to_json()?,
                }
            };
            write_output(None, &text)?;
            if new_failures > 0 {
                return Ok(Exit::Findings.into());
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
                    UsageError(message)
                })?;
            write_output(None, &catalogue::explain(check))?;
        }
    }
    Ok(Exit::Clean.into())
}

/// What each exit code means, for the manual page (README "Exit codes" says the same).
const EXIT_STATUS: [(&str, &str); 5] = [
    (
        "0",
        "Nothing unmuted at or above --fail-on, and the scan is complete. faascan diff: no new failures.",
    ),
    (
        "1",
        "Findings at or above --fail-on (with --strict, unknown results too). faascan diff: the later report has new failures.",
    ),
    (
        "2",
        "A usage or configuration error: a bad argument, an unreadable, oversized or malformed inventory, report or configuration, an unknown profile.",
    ),
    (
        "3",
        "The scan could not run: no credentials, credentials rejected, endpoint unreachable, no account could be scanned.",
    ),
    (
        "4",
        "The scan is incomplete: resources may be missing (with --strict, any gap). Wins over 1 and over --fail-on none.",
    ),
];

/// The manual page: the top-level page, then every subcommand with its synopsis and options,
/// then the exit status.
fn manual_page() -> Result<String> {
    let mut command = <Cli as clap::CommandFactory>::command();
    command.build();
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut out)
        .context("rendering the manual page")?;
    let mut page = String::from_utf8_lossy(&out).into_owned();
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = sub.get_name();
        page.push_str(&format!(".SH \"FAASCAN {}\"\n", name.to_uppercase()));
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            page.push_str(&roff_text(&about.to_string()));
        }
        let man = clap_mangen::Man::new(sub.clone());
        let mut part = Vec::new();
        man.render_synopsis_section(&mut part)
            .and_then(|()| man.render_options_section(&mut part))
            .context("rendering the manual page")?;
        // The subcommand's sections become subsections of its own section.
        let part = String::from_utf8_lossy(&part).replace("\n.SH ", "\n.SS ");
        let part = part
            .strip_prefix(".SH ")
            .map_or(part.clone(), |rest| format!(".SS {rest}"));
        page.push_str(&part);
        if let Some(after) = sub.get_after_help() {
            page.push_str(".SS EXAMPLES\n");
            page.push_str(&roff_text(&after.to_string()));
        }
    }
    page.push_str(".SH \"EXIT STATUS\"\n");
    for (code, meaning) in EXIT_STATUS {
        page.push_str(&format!(".TP\n\\fB{code}\\fR\n{}", roff_text(meaning)));
    }
    Ok(page)
}

/// Plain text as roff: backslashes escaped, no line read as a request, line breaks kept.
fn roff_text(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.replace('\\', "\\e");
        if line.starts_with(['.', '\'']) {
            out.push_str("\\&");
        }
        out.push_str(&line);
        out.push_str("\n.br\n");
    }
    out
}

fn severity(arg: SeverityArg) -> Severity {
    match arg {
        SeverityArg::Info => Severity::Info,
        SeverityArg::Low => Severity::Low,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::High => Severity::High,
        SeverityArg::Critical => Severity::Critical,
    }
}

/// Runs a scan; the exit code says whether findings at or above `--fail-on` remain.
fn scan(args: &ScanArgs, messages: Messages, quiet: bool) -> Result<ExitCode> {
    let config = crate::config::Config::load(args.config.as_deref())
        .map_err(|e| UsageError(e.to_string()))?;
    // The file's output settings apply where the command line says nothing.
    let mut owned = args.clone();
    // The format: --format, else --output's extension, else the file's, else the table.
    if owned.format.is_empty() {
        if let Some(path) = &owned.output {
            owned.format = vec![format_for_path(path).ok_or_else(|| {
                UsageError(format!(
                    "--output {}: faascan cannot tell the format from the file name; give --format (or name it .json, .csv, .junit.xml, .md, .html, .ocsf.json, .asff.jsonl, .sarif or .txt)",
                    sanitize(&path.display().to_string())
                ))
            })?];
        } else {
            owned.format = config
                .output
                .formats
                .iter()
                .filter_map(|f| <Format as clap::ValueEnum>::from_str(f, false).ok())
                .collect();
        }
        if owned.format.is_empty() {
            owned.format = vec![Format::Table];
        }
    }
    if owned.output_dir.is_none() && owned.output.is_none() {
        owned.output_dir = config.output.output_dir.clone();
    }
    if owned.fail_on.is_none() {
        owned.fail_on = config
            .output
            .fail_on
            .as_deref()
            .and_then(|f| <crate::cli::FailOn as clap::ValueEnum>::from_str(f, false).ok());
    }
    let args = &owned;
    // Validate the selection before spending any AWS calls. The command line's --checks wins
    // over the file's enable list; skips add up.
    let selection = Selection {
        checks: if args.checks.is_empty() {
            config.enable.clone()
        } else {
            args.checks.clone()
        },
        skip_checks: args
            .skip_checks
            .iter()
            .chain(&config.disable)
            .cloned()
            .collect(),
        services: args
            .target
            .services
            .iter()
            .map(|s| format!("{s:?}").to_lowercase())
            .collect(),
    };
    let checks = selection.resolve().map_err(|e| UsageError(e.to_string()))?;
    for account in &args.trusted_accounts {
        if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
            return Err(UsageError(format!(
                "--trusted-account `{account}` is not a 12-digit account id"
            ))
            .into());
        }
    }
    if let Some(name) = &args.compliance
        && faascan_reports::compliance::find_framework(name).is_none()
    {
        return Err(UsageError(format!(
            "--compliance {}: no such framework; faascan maps its checks to {} (fsbp, cis, nist)",
            sanitize(name),
            faascan_reports::compliance::frameworks().join(", ")
        ))
        .into());
    }
    if args.format.len() > 1 && args.output_dir.is_none() {
        return Err(UsageError("several --format values need --output-dir".to_owned()).into());
    }
    // Read the signing key before the scan, too.
    let signer = args
        .evidence_key
        .as_deref()
        .map(|path| {
            let shown = sanitize(&path.display().to_string());
            let size = std::fs::metadata(path)
                .map_err(|e| UsageError(format!("reading the evidence key {shown}: {e}")))?
                .len();
            if size > 64 * 1024 {
                return Err(UsageError(format!(
                    "the evidence key {shown} is {size} bytes: not a private key"
                )));
            }
            let bytes = std::fs::read(path)
                .map_err(|e| UsageError(format!("reading the evidence key {shown}: {e}")))?;
            faascan_reports::evidence::Signer::from_pkcs8(&bytes)
                .map_err(|e| UsageError(format!("the evidence key {shown}: {e}")))
        })
        .transpose()?;
    // Read the baseline before the scan: a bad path should not cost a whole scan.
    let baseline = args.baseline.as_deref().map(load_report).transpose()?;
    if args.inventory.is_some() && !args.templates.templates.is_empty() {
        return Err(
            UsageError("--inventory and --template are two inputs: give one".to_owned()).into(),
        );
    }
    let (inventories, failures) = match &args.inventory {
        Some(path) => (vec![load_inventory(path)?], Vec::new()),
        None if !args.templates.templates.is_empty() => (
            vec![load_templates(&args.templates, &args.target, messages)?],
            Vec::new(),
        ),
        None => {
            let mut target = args.target.clone();
            if target.regions.is_empty() {
                target.regions = config.regions.clone();
            }
            if target.organization {
                target.accounts = organization_accounts(&target)?;
                messages.info(
                    &format!("organization: {} active account(s)", target.accounts.len()),
                    &[("accounts", serde_json::json!(target.accounts))],
                );
            }
            if target.accounts.is_empty() {
                (vec![collect_live(&target, messages)?], Vec::new())
            } else {
                collect_accounts(&target, messages)?
            }
        }
    };
    let on_terminal =
        args.output.is_none() && args.output_dir.is_none() && std::io::stdout().is_terminal();
    let width = if on_terminal {
        terminal_width()
    } else {
        std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
    };
    // Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org).
    let colour = on_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let needs_report = args.evidence.is_some() || args.format.iter().any(|f| *f != Format::Summary);
    let report = needs_report.then(|| {
        let options = config.options(&args.trusted_accounts);
        let mut results: Vec<faascan_checks::CheckResult> = Vec::new();
        let mut tags = std::collections::HashMap::new();
        for inventory in &inventories {
            results.extend(evaluate(inventory, &options, &checks));
            tags.extend(resource_tags(inventory));
        }
        for r in &mut results {
            if let Some(severity) = config.severity.get(&*r.check_id) {
                r.severity = *severity;
            }
        }
        // The results stage, in this order: severity remaps, suppressions, then
        // --min-severity on the final severity (a remap or an escalation can raise a result
        // above the threshold, or lower it below).
        let suppressions = (!config.suppressions.is_empty()).then(|| {
            crate::config::apply(
                &config.suppressions,
                &mut results,
                &|arn| tags.get(arn).cloned(),
                options.now.date(),
            )
        });
        if let Some(min) = args.min_severity.map(severity) {
            results.retain(|r| r.severity >= min);
        }
        let mut report = if args.target.accounts.is_empty() && !args.target.organization {
            Report::new(&inventories[0], results, checks.len(), catalogue_version())
        } else {
            // Each account's report from its own inventory, then one report for all.
            let reports = inventories
                .iter()
                .map(|inventory| {
                    let mine = results
                        .iter()
                        .filter(|r| *r.resource.account == inventory.account.id)
                        .cloned()
                        .collect();
                    Report::new(inventory, mine, checks.len(), catalogue_version())
                })
                .collect();
            match Report::combine(reports, failures.clone()) {
                Some(report) => report,
                None => return Err(anyhow::anyhow!("no account could be scanned")),
            }
        };
        report.suppressions = suppressions.and_then(|s| serde_json::to_value(s).ok());
        report.selected_checks = Some(checks.iter().map(|c| c.meta.id.to_owned()).collect());
        report.parameters = Some(run_parameters(args, &config, &options, &checks));
        if let Some(b) = &baseline {
            report.set_diff(faascan_reports::diff::diff(&b.results, &report.results));
        }
        Ok(report)
    });
    let report = report.transpose()?;
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
    let render = |format: Format, out: &mut dyn Write| -> Result<()> {
        let text = match (format, &report) {
            (Format::Summary, _) | (_, None) => {
                let mut text: String = inventories
                    .iter()
                    .map(|inventory| InventorySummary::new(inventory).to_table(width, args.verbose))
                    .collect();
                for (account, error) in &failures {
                    text.push_str(&format!(
                        "INCOMPLETE SCAN: account {} could not be scanned: {}\n",
                        sanitize(account),
                        sanitize(error)
                    ));
                }
                text
            }
            (Format::Table, Some(r)) => table::render(
                r,
                &table::Options {
                    width: usize::from(width.unwrap_or(DEFAULT_WIDTH)),
                    verbose: args.verbose,
                    colour,
                    group_by: match args.group_by {
                        crate::cli::GroupBy::Resource => table::GroupBy::Resource,
                        crate::cli::GroupBy::Check => table::GroupBy::Check,
                    },
                    compliance: args.compliance.as_deref(),
                },
            ),
            // The report formats are written as they are rendered.
            (Format::Json, Some(r)) => return Ok(r.write_json(out)?),
            (Format::Csv, Some(r)) => return Ok(faascan_reports::csv::write(r, out)?),
            (Format::Junit, Some(r)) => return Ok(faascan_reports::junit::write(r, out)?),
            (Format::Markdown, Some(r)) => return Ok(faascan_reports::markdown::write(r, out)?),
            (Format::Html, Some(r)) => return Ok(faascan_reports::html::write(r, out)?),
            (Format::Ocsf, Some(r)) => return Ok(faascan_reports::ocsf::write(r, out)?),
            (Format::Asff, Some(r)) => return Ok(faascan_reports::asff::write(r, out)?),
            (Format::Sarif, Some(r)) => return Ok(faascan_reports::sarif::write(r, out)?),
        };
        Ok(out.write_all(text.as_bytes())?)
    };
    if let (Some(dir), Some(report)) = (&args.evidence, &report) {
        // One inventory as an object; several (one per account) as a list.
        let inventory_json = if inventories.len() == 1 {
            serde_json::to_string_pretty(&inventories[0])
        } else {
            serde_json::to_string_pretty(&inventories)
        }
        .context("serialising the inventory")?
            + "\n";
        for file in faascan_reports::evidence::bundle(report, &inventory_json, signer.as_ref())? {
            let path = dir.join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(&path, &file.contents)
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    match &args.output_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            let stem = output_stem(report.as_ref(), &inventories);
            let mut written = String::new();
            for format in &args.format {
                let path = dir.join(format!("{stem}.{}", extension(*format)));
                write_rendered(Some(&path), |out| render(*format, out))?;
                written.push_str(&sanitize(&path.display().to_string()));
                written.push('\n');
            }
            // The paths written, one per line, for a person or a script (not with --quiet).
            if !quiet {
                write_output(None, &written)?;
            }
        }
        // --quiet: nothing on stdout; a file named with --output is still written.
        None if quiet && args.output.is_none() => {}
        None => write_rendered(args.output.as_deref(), |out| render(args.format[0], out))?,
    }
    Ok(scan_exit(report.as_ref(), &coverage, args.fail_on, args.strict).into())
}

/// The file extension of each format (with --output-dir).
pub(crate) fn extension(format: Format) -> &'static str {
    match format {
        Format::Table => "txt",
        Format::Json => "json",
        Format::Summary => "summary.txt",
        Format::Csv => "csv",
        Format::Junit => "junit.xml",
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Ocsf => "ocsf.json",
        Format::Asff => "asff.jsonl",
        Format::Sarif => "sarif",
    }
}

/// The format a file name asks for (`--output report.sarif`), longest extension first.
pub(crate) fn format_for_path(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    const BY_SUFFIX: [(&str, Format); 14] = [
        (".summary.txt", Format::Summary),
        (".ocsf.json", Format::Ocsf),
        (".asff.jsonl", Format::Asff),
        (".asff.json", Format::Asff),
        (".sarif.json", Format::Sarif),
        (".junit.xml", Format::Junit),
        (".sarif", Format::Sarif),
        (".json", Format::Json),
        (".csv", Format::Csv),
        (".xml", Format::Junit),
        (".md", Format::Markdown),
        (".html", Format::Html),
        (".htm", Format::Html),
        (".txt", Format::Table),
    ];
    BY_SUFFIX
        .iter()
        .find(|(suffix, _)| name.ends_with(suffix))
        .map(|(_, format)| *format)
}

/// `faascan-<account>-<scan end, UTC>`: files of different accounts and runs sit side by side
/// in one --output-dir instead of overwriting each other.
fn output_stem(report: Option<&Report>, inventories: &[Inventory]) -> String {
    let (account, finished) = match report {
        Some(r) => (r.account.clone(), r.scan_finished.clone()),
        None => inventories.first().map_or_else(Default::default, |i| {
            (
                i.account.id.clone(),
                i.account
                    .scan_finished
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
            )
        }),
    };
    let account: String = account
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '+'
            }
        })
        .take(120)
        .collect();
    let stamp: String = finished
        .chars()
        .take_while(|c| *c != '.' && *c != '+')
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    format!(
        "faascan-{}-{}Z",
        if account.is_empty() {
            "unknown"
        } else {
            &account
        },
        stamp
    )
}

/// How the scan was run, for the report and the evidence bundle: what an auditor needs to
/// know to reproduce it or to judge what its passes prove.
fn run_parameters(
    args: &ScanArgs,
    config: &crate::config::Config,
    options: &faascan_checks::Options,
    checks: &[&faascan_checks::Check],
) -> serde_json::Value {
    let input = match (&args.inventory, args.templates.templates.is_empty()) {
        (Some(path), _) => serde_json::json!({"inventory": path.display().to_string()}),
        (None, false) => {
            serde_json::json!({"templates": args.templates.templates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>()})
        }
        (None, true) => serde_json::json!("live account"),
    };
    let suppressions: Vec<serde_json::Value> = config
        .suppressions
        .iter()
        .map(|s| {
            serde_json::json!({
                "check": s.check, "resource": s.resource, "account": s.account, "region": s.region,
                "tags": s.tags, "reason": s.reason, "owner": s.owner, "expires": s.expires_text,
            })
        })
        .collect();
    serde_json::json!({
        "tool_version": env!("CARGO_PKG_VERSION"),
        "catalogue_version": catalogue_version(),
        "input": input,
        "regions_requested": args.target.regions,
        "regions_excluded": args.target.exclude_regions,
        "accounts_requested": args.target.accounts,
        "organization": args.target.organization,
        "services": args.target.services.iter().map(|s| format!("{s:?}").to_lowercase()).collect::<Vec<_>>(),
        "checks": checks.iter().map(|c| c.meta.id).collect::<Vec<_>>(),
        "min_severity": args.min_severity.map(|s| severity(s).as_str()),
        "fail_on": format!("{:?}", args.fail_on.unwrap_or(crate::cli::FailOn::High)).to_lowercase(),
        "strict": args.strict,
        "config": config.path.as_ref().map(|p| p.display().to_string()),
        "baseline": args.baseline.as_ref().map(|p| p.display().to_string()),
        "severity_overrides": config.severity,
        "options": {
            "trusted_accounts": options.trusted_accounts,
            "role_unused_days": options.role_unused_days,
            "access_key_max_age_days": options.access_key_max_age_days,
            "access_key_unused_days": options.access_key_unused_days,
            "kms_key_material_max_age_days": options.kms_key_material_max_age_days,
            "api_key_max_age_days": options.api_key_max_age_days,
            "lambda_timeout_threshold_seconds": options.lambda_timeout_threshold_seconds,
            "runtime_warning_days": options.runtime_warning_days,
            "evaluated_at": options.now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        },
        "suppressions": suppressions,
    })
}

/// A scan's exit code. Incomplete (4) first: a scan that may have missed resources never
/// exits 0 or 1 as if it were whole, whatever `--fail-on` says; with `--strict`, a gap that
/// left a selected check's result unknown makes it incomplete. Then 1 when an unmuted failure (with `--strict`, an unknown result)
/// is at or above `--fail-on`; 0 otherwise.
fn scan_exit(
    report: Option<&Report>,
    coverage: &Coverage,
    fail_on: Option<crate::cli::FailOn>,
    strict: bool,
) -> Exit {
    // --strict counts the gaps that touch the selected checks: a gap that left one of their
    // results unknown (a gap elsewhere, for checks not run, does not fail the job).
    let gaps_matter = match report {
        Some(r) => r.results.iter().any(|x| {
            x.status == faascan_checks::Status::Unknown
                || faascan_reports::context::muted(x)
                    .is_some_and(|m| m.was == faascan_checks::Status::Unknown)
        }),
        None => !coverage.complete,
    };
    if !coverage.scan_complete || (strict && gaps_matter) {
        return Exit::Incomplete;
    }
    let Some(report) = report else {
        return Exit::Clean;
    };
    let Some(threshold) = fail_on.unwrap_or(crate::cli::FailOn::High).threshold() else {
        return Exit::Clean;
    };
    let any = |status: faascan_checks::Status| {
        report
            .results
            .iter()
            .any(|r| r.status == status && r.severity >= threshold)
    };
    if any(faascan_checks::Status::Fail) || (strict && any(faascan_checks::Status::Unknown)) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// Tags by resource ARN, for suppressions that match on tags.
fn resource_tags(
    inventory: &Inventory,
) -> std::collections::HashMap<String, std::collections::BTreeMap<String, String>> {
    let mut tags = std::collections::HashMap::new();
    for f in inventory.lambda_functions() {
        if let Some(t) = f.tags.known() {
            tags.insert(f.arn.clone(), t.clone());
        }
    }
    for b in inventory.buckets() {
        if let Some(t) = b.tags.known() {
            tags.insert(b.arn.clone(), t.clone());
        }
    }
    for k in inventory.kms_keys() {
        if let Some(t) = k.tags.known() {
            tags.insert(k.arn.clone(), t.clone());
        }
    }
    for api in inventory.rest_apis() {
        tags.insert(api.arn.clone(), api.tags.clone());
        for stage in api.stages.known().into_iter().flatten() {
            tags.insert(stage.arn.clone(), stage.tags.clone());
        }
    }
    for api in inventory.http_apis() {
        tags.insert(api.arn.clone(), api.tags.clone());
        for stage in api.stages.known().into_iter().flatten() {
            tags.insert(stage.arn.clone(), stage.tags.clone());
        }
    }
    if let Some(iam) = inventory.iam.known() {
        for r in &iam.roles {
            tags.insert(r.arn.clone(), r.tags.clone());
        }
        for u in &iam.users {
            tags.insert(u.arn.clone(), u.tags.clone());
        }
    }
    tags
}

/// The table's width when stdout is not a terminal (a file, a pipe, a CI log).
const DEFAULT_WIDTH: u16 = 120;

/// The terminal's width: asked of the terminal itself (most shells do not export COLUMNS to
/// programs), else COLUMNS.
fn terminal_width() -> Option<u16> {
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(terminal_size::Width(w), _)| w)
        .filter(|w| *w > 0)
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
}

fn load_report(path: &Path) -> Result<faascan_reports::diff::SavedReport> {
    let text = crate::input::read_text(path, "report", crate::input::MAX_JSON_BYTES)
        .map_err(UsageError)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| UsageError(format!("{} is not JSON: {e}", path.display())))?;
    crate::input::check_schema_version(
        &value,
        path,
        "report",
        faascan_reports::report::REPORT_SCHEMA_VERSION,
    )
    .map_err(UsageError)?;
    serde_json::from_value(value).map_err(|e| {
        UsageError(format!(
            "{} is not a faascan JSON report: {}",
            path.display(),
            shorten_for_message(&e.to_string())
        ))
        .into()
    })
}

fn load_inventory(path: &Path) -> Result<Inventory> {
    let text = crate::input::read_text(path, "inventory", crate::input::MAX_JSON_BYTES)
        .map_err(UsageError)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| UsageError(format!("{} is not JSON: {e}", path.display())))?;
    crate::input::check_schema_version(&value, path, "inventory", INVENTORY_SCHEMA_VERSION)
        .map_err(UsageError)?;
    serde_json::from_value(value).map_err(|e| {
        UsageError(format!(
            "{} is not a faascan inventory: {}",
            path.display(),
            shorten_for_message(&e.to_string())
        ))
        .into()
    })
}

/// Values echoed in a message (serde quotes the offending value) stay short.
pub(crate) fn shorten_for_message(text: &str) -> String {
    const MAX: usize = 300;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        text.chars().take(MAX).collect::<String>() + "…"
    }
}

/// The inventory from templates (`--template`); an unreadable template is a usage error.
fn load_templates(
    args: &crate::cli::TemplateArgs,
    target: &TargetArgs,
    messages: Messages,
) -> Result<Inventory> {
    let parameters = args.parameters.iter().cloned().collect();
    let options = crate::template::Options {
        parameters: &parameters,
        region: target.regions.first().map(String::as_str),
    };
    let loaded =
        crate::template::load(&args.templates, &options).map_err(|e| UsageError(e.to_string()))?;
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

/// The longest time budget `--timeout` takes: a week (the SDK adds it to an instant, which
/// must not overflow).
const MAX_TIME_BUDGET_SECONDS: u64 = 7 * 24 * 60 * 60;

/// Checks the target before any AWS call: a time budget that fits, and a named profile that
/// exists (credentials in the environment would otherwise win silently, and another account
/// would be scanned).
fn validate_target(args: &TargetArgs) -> Result<()> {
    if let Some(seconds) = args.timeout
        && seconds > MAX_TIME_BUDGET_SECONDS
    {
        return Err(UsageError(format!(
            "--timeout {seconds}: give a time budget of at most {MAX_TIME_BUDGET_SECONDS} seconds (a week)"
        ))
        .into());
    }
    if let Some(profile) = args.profile.as_deref().filter(|p| !p.is_empty()) {
        profile_exists(profile).map_err(UsageError)?;
    }
    Ok(())
}

/// The AWS config and credentials files, as the SDK finds them.
fn aws_files() -> [(std::path::PathBuf, bool); 2] {
    let home = std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_default();
    let config = std::env::var_os("AWS_CONFIG_FILE")
        .map_or_else(|| home.join(".aws/config"), std::path::PathBuf::from);
    let credentials = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map_or_else(|| home.join(".aws/credentials"), std::path::PathBuf::from);
    [(config, true), (credentials, false)]
}

/// A profile is defined by `[profile NAME]` (or `[default]`) in the config file or `[NAME]`
/// in the credentials file.
fn profile_exists(profile: &str) -> Result<(), String> {
    let files = aws_files();
    for (path, is_config) in &files {
        let Ok(text) =
            crate::input::read_text(path, "AWS file", crate::input::MAX_CONFIG_BYTES * 16)
        else {
            continue;
        };
        for line in text.lines() {
            let Some(section) = line
                .trim()
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
            else {
                continue;
            };
            let section = section.trim();
            let name = if *is_config && section != "default" {
                match section.strip_prefix("profile") {
                    Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim(),
                    _ => continue,
                }
            } else {
                section
            };
            if name == profile {
                return Ok(());
            }
        }
    }
    Err(format!(
        "the AWS profile `{profile}` is not defined in {} or {}",
        files[0].0.display(),
        files[1].0.display()
    ))
}

fn target_of(args: &TargetArgs) -> Target {
    Target {
        profile: args.profile.clone(),
        regions: args.regions.clone(),
        exclude_regions: args.exclude_regions.clone(),
        all_regions: args.all_regions,
        role_arn: args.role_arn.clone(),
        external_id: args.external_id.clone(),
        endpoint_url: args.endpoint_url.clone().filter(|e| !e.is_empty()),
        max_attempts: args.max_attempts,
        call_timeout: Duration::from_secs(args.call_timeout),
        time_budget: args.timeout.map(Duration::from_secs),
    }
}

fn collect_live(args: &TargetArgs, messages: Messages) -> Result<Inventory> {
    validate_target(args)?;
    let target = target_of(args);
    let services: Vec<Service> = if args.services.is_empty() {
        Service::ALL.to_vec()
    } else {
        args.services.clone()
    };
    let names: Vec<String> = services
        .iter()
        .map(|s| format!("{s:?}").to_lowercase())
        .collect();
    messages.info(
        &format!("collecting {}", names.join(", ")),
        &[("services", serde_json::json!(names))],
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let progress = ProgressLine::start(messages, format!("collecting {}", names.join(", ")));
    let inventory = runtime.block_on(collect::collect(
        &target,
        &services,
        usize::from(args.concurrency),
    ));
    drop(progress);
    let inventory = inventory.map_err(|e| match e {
        // Usage errors by type, never by their text.
        usage @ (FatalError::BadTarget(_) | FatalError::ProfileMissing(_)) => {
            anyhow::Error::new(UsageError(usage.to_string()))
        }
        other => anyhow::Error::new(other).context("the scan could not run"),
    })?;
    messages.info(
        &format!(
            "collected: {} calls, {} gaps",
            inventory.calls.operations,
            inventory.gaps.len()
        ),
        &[
            ("account", serde_json::json!(inventory.account.id)),
            ("calls", serde_json::json!(inventory.calls.operations)),
            ("gaps", serde_json::json!(inventory.gaps.len())),
            (
                "incomplete",
                serde_json::json!(inventory.account.incomplete),
            ),
        ],
    );
    Ok(inventory)
}

/// Lists the organization's active accounts with the base credentials.
fn organization_accounts(args: &TargetArgs) -> Result<Vec<String>> {
    validate_target(args)?;
    let mut base = args.clone();
    base.organization = false;
    let target = target_of(&base);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime
        .block_on(collect::organization_accounts(&target))
        .map_err(|e| {
            anyhow::Error::new(e).context("the organization's accounts could not be listed")
        })
}

/// An account that could not be scanned, and why.
type AccountFailure = (String, String);

/// Scans several accounts by assuming `--role-name` in each, a few at a time. An account that
/// fails (role missing, access denied) is reported as failed; the others go on. Fails only when
/// no account could be scanned.
fn collect_accounts(
    args: &TargetArgs,
    messages: Messages,
) -> Result<(Vec<Inventory>, Vec<AccountFailure>)> {
    collect_accounts_with(args, messages, &collect_live)
}

fn collect_accounts_with(
    args: &TargetArgs,
    messages: Messages,
    collect: &(dyn Fn(&TargetArgs, Messages) -> Result<Inventory> + Sync),
) -> Result<(Vec<Inventory>, Vec<AccountFailure>)> {
    let role = args.role_name.as_deref().ok_or_else(|| {
        UsageError(
            "--accounts needs --role-name (the audit role to assume in each account)".to_owned(),
        )
    })?;
    for account in &args.accounts {
        if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
            return Err(UsageError(format!(
                "--accounts: `{account}` is not a 12-digit account id"
            ))
            .into());
        }
    }
    let concurrency = usize::from(args.account_concurrency).max(1);
    let mut inventories = Vec::new();
    let mut failures = Vec::new();
    for batch in args.accounts.chunks(concurrency) {
        let outcomes: Vec<(String, Result<Inventory>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .iter()
                .map(|account| {
                    let mut target = args.clone();
                    target.accounts.clear();
                    target.role_arn = Some(format!(
                        "arn:{}:iam::{account}:role/{role}",
                        partition_of(args.regions.first().map(String::as_str))
                    ));
                    let account = account.clone();
                    scope.spawn(move || {
                        messages.info(
                            &format!("account {account}"),
                            &[("account", serde_json::json!(account))],
                        );
                        (account, collect(&target, messages))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        (
                            String::new(),
                            Err(anyhow::anyhow!("the account's scan panicked")),
                        )
                    })
                })
                .collect()
        });
        for (account, outcome) in outcomes {
            match outcome {
                Ok(inventory) if inventory.account.id == account => inventories.push(inventory),
                Ok(inventory) => failures.push((
                    account.clone(),
                    format!(
                        "the role landed in account {}, not {account}",
                        inventory.account.id
                    ),
                )),
                Err(e) => failures.push((account, format!("{e:#}"))),
            }
        }
    }
    if inventories.is_empty() {
        let reasons: Vec<String> = failures.iter().map(|(a, e)| format!("{a}: {e}")).collect();
        return Err(anyhow::anyhow!(
            "no account could be scanned:\n{}",
            reasons.join("\n")
        ));
    }
    Ok((inventories, failures))
}

/// The partition a region belongs to (`aws-cn` for China, `aws-us-gov` for GovCloud), for the
/// ARNs faascan builds before it has asked who it is.
fn partition_of(region: Option<&str>) -> &'static str {
    match region {
        Some(r) if r.starts_with("cn-") => "aws-cn",
        Some(r) if r.starts_with("us-gov-") => "aws-us-gov",
        Some(r) if r.starts_with("us-iso-") => "aws-iso",
        Some(r) if r.starts_with("us-isob-") => "aws-iso-b",
        _ => "aws",
    }
}

/// Results go to stdout or a file; nothing else writes there.
fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            let written = stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush());
            match written {
                // `faascan scan | head`: the reader has what it wanted; end quietly.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                    Err(anyhow::Error::new(PipeClosed))
                }
                other => other.context("writing to stdout"),
            }
        }
    }
}

/// Writes one output as it is rendered, through a buffer: to the file, or to stdout.
fn write_rendered(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    match path {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("writing {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            render(&mut out)
                .and_then(|()| Ok(out.flush()?))
                .with_context(|| format!("writing {}", path.display()))
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match render(&mut out).and_then(|()| Ok(out.flush()?)) {
                // `faascan scan | head`: the reader has what it wanted; end quietly.
                Err(e)
                    if e.chain().any(|c| {
                        c.downcast_ref::<std::io::Error>()
                            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
                    }) =>
                {
                    Err(anyhow::Error::new(PipeClosed))
                }
                other => other.context("writing to stdout"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn target(extra: &[&str]) -> TargetArgs {
        let mut argv = vec!["faascan", "scan"];
        argv.extend(extra);
        match Cli::parse_from(argv).command {
            Command::Scan(args) => args.target,
            _ => unreachable!(),
        }
    }

    fn inventory_of(account: &str) -> Inventory {
        let mut inventory: Inventory =
            serde_json::from_str(include_str!("../mocks/demo/inventory.json"))
                .unwrap_or_else(|e| panic!("{e}"));
        inventory.account.id = account.to_owned();
        inventory
    }

    const QUIET: Messages = Messages {
        format: crate::cli::LogFormat::Text,
        enabled: false,
    };

    #[test]
    fn incomplete_wins_over_findings_and_fail_on_none() {
        use crate::cli::FailOn;
        use faascan_checks::model::{Attr, Gap, GapKind};
        let report_of = |inventory: &Inventory| {
            let checks = Selection::default()
                .resolve()
                .unwrap_or_else(|e| panic!("{e}"));
            let results = evaluate(inventory, &faascan_checks::Options::default(), &checks);
            Report::new(inventory, results, checks.len(), catalogue_version())
        };
        let exit = |r: &Report, fail_on, strict| scan_exit(Some(r), &r.coverage, fail_on, strict);

        // The demo: high findings, and four attribute-level gaps (partial S3).
        let demo = report_of(&inventory_of("123456789012"));
        assert!(demo.incomplete && demo.coverage.scan_complete);
        assert_eq!(exit(&demo, None, false), Exit::Findings);
        assert_eq!(exit(&demo, Some(FailOn::None), false), Exit::Clean);
        assert_eq!(exit(&demo, Some(FailOn::None), true), Exit::Incomplete);
        assert_eq!(exit(&demo, None, true), Exit::Incomplete);

        // Gaps that touch no selected check: --strict does not fail on them (the report still
        // says it is incomplete).
        let selected = |inventory: &Inventory| {
            let checks = Selection {
                checks: vec![
                    "kms-key-disabled".to_owned(),
                    "iam-role-admin-access".to_owned(),
                ],
                ..Selection::default()
            }
            .resolve()
            .unwrap_or_else(|e| panic!("{e}"));
            let results = evaluate(inventory, &faascan_checks::Options::default(), &checks);
            Report::new(inventory, results, checks.len(), catalogue_version())
        };
        let untouched = selected(&inventory_of("123456789012"));
        assert!(
            untouched.incomplete,
            "the demo's S3 gaps are still reported"
        );
        assert_eq!(exit(&untouched, Some(FailOn::None), true), Exit::Clean);
        assert_eq!(exit(&untouched, None, true), Exit::Findings);

        // No gap at all: --strict changes nothing.
        let mut clean = inventory_of("123456789012");
        clean.gaps.clear();
        let clean = selected(&clean);
        assert!(!clean.incomplete);
        assert_eq!(exit(&clean, Some(FailOn::None), true), Exit::Clean);
        assert_eq!(exit(&clean, None, true), Exit::Findings);

        // A listing that failed wholly: 4 over findings and over --fail-on none.
        let mut lost = inventory_of("123456789012");
        lost.regions[0].lambda_functions = Attr::Unavailable(Gap {
            service: "lambda".to_owned(),
            region: Some("us-east-1".to_owned()),
            operation: "ListFunctions".to_owned(),
            resource: None,
            kind: GapKind::AccessDenied,
            error_code: "AccessDeniedException".to_owned(),
            message: "denied".to_owned(),
            request_id: None,
        });
        let lost = report_of(&lost);
        assert_eq!(exit(&lost, None, false), Exit::Incomplete);
        assert_eq!(exit(&lost, Some(FailOn::None), false), Exit::Incomplete);

        // The summary-only path has no report, only the coverage.
        assert_eq!(
            scan_exit(None, &lost.coverage, Some(FailOn::None), false),
            Exit::Incomplete
        );
        assert_eq!(scan_exit(None, &demo.coverage, None, false), Exit::Clean);

        // An account that could not be scanned.
        let combined = Report::combine(
            vec![clean],
            vec![("222222222222".to_owned(), "AccessDenied".to_owned())],
        )
        .unwrap_or_else(|| panic!("one account was scanned"));
        assert_eq!(exit(&combined, Some(FailOn::None), false), Exit::Incomplete);
        assert_eq!(ExitCode::from(Exit::Incomplete), ExitCode::from(4));
    }

    #[test]
    fn one_failing_account_does_not_stop_the_others() {
        let args = target(&[
            "--accounts",
            "111111111111,222222222222,333333333333",
            "--role-name",
            "audit",
        ]);
        let collect = |t: &TargetArgs, _: Messages| -> Result<Inventory> {
            let role = t.role_arn.clone().unwrap_or_default();
            if role.contains("222222222222") {
                Err(anyhow::anyhow!(
                    "AccessDenied: not authorized to perform sts:AssumeRole on {role}"
                ))
            } else {
                Ok(inventory_of(role.split(':').nth(4).unwrap_or_default()))
            }
        };
        let (inventories, failures) =
            collect_accounts_with(&args, QUIET, &collect).unwrap_or_else(|e| panic!("{e}"));
        let scanned: Vec<&str> = inventories.iter().map(|i| i.account.id.as_str()).collect();
        assert_eq!(scanned, ["111111111111", "333333333333"]);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].0, "222222222222");
        assert!(failures[0].1.contains("AccessDenied"));
    }

    #[test]
    fn the_audit_role_arn_takes_the_partition_of_the_regions() {
        for (region, partition) in [
            ("cn-north-1", "arn:aws-cn:"),
            ("us-gov-west-1", "arn:aws-us-gov:"),
            ("eu-west-1", "arn:aws:"),
        ] {
            let args = target(&[
                "--region",
                region,
                "--accounts",
                "111111111111",
                "--role-name",
                "audit",
            ]);
            let seen = std::sync::Mutex::new(Vec::new());
            let collect = |t: &TargetArgs, _: Messages| -> Result<Inventory> {
                if let Ok(mut seen) = seen.lock() {
                    seen.push(t.role_arn.clone().unwrap_or_default());
                }
                Ok(inventory_of("111111111111"))
            };
            collect_accounts_with(&args, QUIET, &collect).unwrap_or_else(|e| panic!("{e}"));
            let arns = seen.into_inner().unwrap_or_default();
            assert!(arns[0].starts_with(partition), "{region}: {arns:?}");
        }
    }

    #[test]
    fn no_account_scanned_is_an_error_and_a_wrong_landing_is_a_failure() {
        let args = target(&["--accounts", "111111111111", "--role-name", "audit"]);
        let wrong =
            |_: &TargetArgs, _: Messages| -> Result<Inventory> { Ok(inventory_of("999999999999")) };
        let err = collect_accounts_with(&args, QUIET, &wrong)
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(
            err.contains("no account could be scanned")
                && err.contains("landed in account 999999999999"),
            "{err}"
        );
    }
}

//! The scan plan: the command line and the configuration file, resolved and validated once
//! (before any AWS call) into typed values. Everything after this reads the plan, never the
//! raw arguments or the file again. Precedence: the command line, then the file, then the
//! defaults.

use crate::cli::{FailOn, Format, GroupBy, ScanArgs, SeverityArg, TargetArgs, TemplateArgs};
use crate::collect::{Service, Target};
use crate::config::{Config, Suppression};
use crate::error::Failure;
use crate::shard::Shard;
use faascan_checks::check::Severity;
use faascan_checks::{Check, Options};
use faascan_reports::text::sanitize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Accounts a multi-account scan reads at once unless told otherwise.
pub(crate) const DEFAULT_ACCOUNT_CONCURRENCY: u16 = 4;

/// Everything a scan will do, resolved.
pub(crate) struct ScanPlan {
    pub(crate) input: Input,
    pub(crate) output: OutputPlan,
    /// Step 4 of the results stage: the severity at which failures exit 1.
    pub(crate) fail_on: FailOn,
    pub(crate) strict: bool,
    /// The checks to run, in the registry's order.
    pub(crate) checks: Vec<&'static Check>,
    /// The check options (file, then `--trusted-account` added).
    pub(crate) options: Options,
    /// Step 1 of the results stage: check id → severity.
    pub(crate) severity: BTreeMap<String, Severity>,
    /// Step 2.
    pub(crate) suppressions: Vec<Suppression>,
    /// Step 3.
    pub(crate) min_severity: Option<Severity>,
    pub(crate) baseline: Option<faascan_reports::diff::SavedReport>,
    pub(crate) signer: Option<faascan_reports::evidence::Signer>,
    /// Where things came from, for the report's `parameters`.
    pub(crate) provenance: Provenance,
}

/// What the scan reads.
pub(crate) enum Input {
    /// A saved inventory (`--inventory`).
    Inventory(PathBuf),
    /// Templates (`--template`); the target's first region names the template's region.
    Templates {
        templates: TemplateArgs,
        region: Option<String>,
    },
    /// The live account or accounts.
    Live(Box<LivePlan>),
}

/// A live scan: one account, or several through an audit role.
pub(crate) struct LivePlan {
    /// The target with the file's regions filled in.
    pub(crate) target: TargetArgs,
    pub(crate) services: Vec<Service>,
    pub(crate) accounts: Accounts,
    /// Accounts scanned at once (several accounts only).
    pub(crate) account_concurrency: usize,
    /// Quota overrides from the file's `[quotas]`.
    pub(crate) quotas: crate::collect::pacing::QuotaOverrides,
}

pub(crate) enum Accounts {
    /// The account the credentials (or `--role-arn`) are in.
    One,
    /// `--accounts`, each through `role_name`, then `shard`'s share of them.
    Listed {
        ids: Vec<String>,
        role_name: String,
        shard: Option<Shard>,
    },
    /// Every active account of the organization, then `shard`'s share of them.
    Organization {
        role_name: String,
        shard: Option<Shard>,
    },
}

impl Accounts {
    pub(crate) fn shard(&self) -> Option<Shard> {
        match self {
            Accounts::One => None,
            Accounts::Listed { shard, .. } | Accounts::Organization { shard, .. } => *shard,
        }
    }
}

/// Where and how the report is written.
pub(crate) struct OutputPlan {
    /// At least one; several only with `dir`.
    pub(crate) formats: Vec<Format>,
    pub(crate) file: Option<PathBuf>,
    pub(crate) dir: Option<PathBuf>,
    pub(crate) evidence: Option<PathBuf>,
    pub(crate) verbose: bool,
    pub(crate) group_by: GroupBy,
    pub(crate) compliance: Option<String>,
    /// Nothing on stdout (files are still written).
    pub(crate) quiet: bool,
}

/// What the report's `parameters` record about how the scan was asked for.
pub(crate) struct Provenance {
    pub(crate) regions_requested: Vec<String>,
    pub(crate) regions_excluded: Vec<String>,
    pub(crate) accounts_requested: Vec<String>,
    pub(crate) organization: bool,
    pub(crate) services: Vec<String>,
    pub(crate) config: Option<PathBuf>,
    pub(crate) baseline: Option<PathBuf>,
}

pub(crate) fn severity(arg: SeverityArg) -> Severity {
    match arg {
        SeverityArg::Info => Severity::Info,
        SeverityArg::Low => Severity::Low,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::High => Severity::High,
        SeverityArg::Critical => Severity::Critical,
    }
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.chars().all(|c| c.is_ascii_digit())
}

impl ScanPlan {
    /// Reads the configuration file and resolves the command line against it; every error is
    /// a usage error, found before any AWS call.
    pub(crate) fn resolve(args: &ScanArgs, quiet: bool) -> Result<ScanPlan, Failure> {
        let config =
            Config::load(args.config.as_deref()).map_err(|e| Failure::usage(e.to_string()))?;
        ScanPlan::with_config(args, config, quiet)
    }

    pub(crate) fn with_config(
        args: &ScanArgs,
        config: Config,
        quiet: bool,
    ) -> Result<ScanPlan, Failure> {
        let output = output_plan(args, &config, quiet)?;
        // The command line's --checks wins over the file's enable list; skips add up.
        let services: Vec<String> = args
            .target
            .services
            .iter()
            .map(|s| format!("{s:?}").to_lowercase())
            .collect();
        let selection = faascan_checks::evaluate::Selection {
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
            services: services.clone(),
        };
        let checks = selection
            .resolve()
            .map_err(|e| Failure::usage(e.to_string()))?;
        for account in &args.trusted_accounts {
            if !is_account_id(account) {
                return Err(Failure::usage(format!(
                    "--trusted-account `{account}` is not a 12-digit account id"
                )));
            }
        }
        if let Some(name) = &args.compliance
            && faascan_reports::compliance::find_framework(name).is_none()
        {
            return Err(Failure::usage(format!(
                "--compliance {}: no such framework; faascan maps its checks to {} (fsbp, cis, nist)",
                sanitize(name),
                faascan_reports::compliance::frameworks().join(", ")
            )));
        }
        // Read the signing key and the baseline before the scan: a bad path should not cost
        // a whole scan.
        let signer = args.evidence_key.as_deref().map(read_signer).transpose()?;
        let baseline = args
            .baseline
            .as_deref()
            .map(crate::input::load_report)
            .transpose()?;
        let input = input_plan(args, &config)?;
        let mut options = config.options.clone();
        options
            .trusted_accounts
            .extend(args.trusted_accounts.iter().cloned());
        Ok(ScanPlan {
            input,
            output,
            fail_on: args
                .fail_on
                .or(config.output.fail_on)
                .unwrap_or(FailOn::High),
            strict: args.strict,
            checks,
            options,
            severity: config.severity,
            suppressions: config.suppressions,
            min_severity: args.min_severity.map(severity),
            baseline,
            signer,
            provenance: Provenance {
                regions_requested: args.target.regions.clone(),
                regions_excluded: args.target.exclude_regions.clone(),
                accounts_requested: args.target.accounts.clone(),
                organization: args.target.organization,
                services,
                config: config.path,
                baseline: args.baseline.clone(),
            },
        })
    }

    /// The shard this scan is, when it is one.
    pub(crate) fn shard(&self) -> Option<Shard> {
        match &self.input {
            Input::Live(live) => live.accounts.shard(),
            _ => None,
        }
    }

    /// Whether the scan covers several accounts (one combined report, with `accounts`).
    pub(crate) fn multi_account(&self) -> bool {
        matches!(&self.input, Input::Live(live) if !matches!(live.accounts, Accounts::One))
    }

    /// How the scan was run, for the report and the evidence bundle: what an auditor needs
    /// to know to reproduce it or to judge what its passes prove.
    pub(crate) fn parameters(&self, options: &Options) -> serde_json::Value {
        let input = match &self.input {
            Input::Inventory(path) => serde_json::json!({"inventory": path.display().to_string()}),
            Input::Templates { templates, .. } => {
                serde_json::json!({"templates": templates.templates.iter().map(|p| p.display().to_string()).collect::<Vec<_>>()})
            }
            Input::Live(_) => serde_json::json!("live account"),
        };
        let suppressions: Vec<serde_json::Value> = self
            .suppressions
            .iter()
            .map(|s| {
                serde_json::json!({
                    "check": s.check, "resource": s.resource, "account": s.account, "region": s.region,
                    "tags": s.tags, "reason": s.reason, "owner": s.owner, "expires": s.expires_text,
                })
            })
            .collect();
        let p = &self.provenance;
        let mut parameters = serde_json::json!({
            "tool_version": env!("CARGO_PKG_VERSION"),
            "catalogue_version": faascan_checks::evaluate::catalogue_version(),
            "input": input,
            "regions_requested": p.regions_requested,
            "regions_excluded": p.regions_excluded,
            "accounts_requested": p.accounts_requested,
            "organization": p.organization,
            "services": p.services,
            "checks": self.checks.iter().map(|c| c.meta.id).collect::<Vec<_>>(),
            "min_severity": self.min_severity.map(Severity::as_str),
            "fail_on": format!("{:?}", self.fail_on).to_lowercase(),
            "strict": self.strict,
            "config": p.config.as_ref().map(|p| p.display().to_string()),
            "baseline": p.baseline.as_ref().map(|p| p.display().to_string()),
            "severity_overrides": self.severity,
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
        });
        if let (Some(shard), Some(object)) = (self.shard(), parameters.as_object_mut()) {
            object.insert(
                "shard".to_owned(),
                serde_json::json!({"index": shard.index, "count": shard.count}),
            );
        }
        parameters
    }
}

/// The formats and destinations: --format, else --output's extension, else the file's
/// formats, else the table; the file's directory where the command line names no output.
fn output_plan(args: &ScanArgs, config: &Config, quiet: bool) -> Result<OutputPlan, Failure> {
    let formats = resolve_formats(&args.format, args.output.as_deref(), &config.output.formats)?;
    let dir = match (&args.output_dir, &args.output) {
        (Some(dir), _) => Some(dir.clone()),
        (None, None) => config.output.output_dir.clone(),
        (None, Some(_)) => None,
    };
    if formats.len() > 1 && dir.is_none() {
        return Err(Failure::usage("several --format values need --output-dir"));
    }
    Ok(OutputPlan {
        formats,
        file: args.output.clone(),
        dir,
        evidence: args.evidence.clone(),
        verbose: args.verbose,
        group_by: args.group_by,
        compliance: args.compliance.clone(),
        quiet,
    })
}

/// The formats asked for: `given`, else the output file's extension, else `fallback`, else
/// the table.
pub(crate) fn resolve_formats(
    given: &[Format],
    output: Option<&Path>,
    fallback: &[Format],
) -> Result<Vec<Format>, Failure> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    if let Some(path) = output {
        return crate::output::format_for_path(path)
            .map(|f| vec![f])
            .ok_or_else(|| {
                Failure::usage(format!(
                    "--output {}: faascan cannot tell the format from the file name; give --format (or name it .json, .csv, .junit.xml, .md, .html, .ocsf.json, .asff.jsonl, .sarif or .txt)",
                    sanitize(&path.display().to_string())
                ))
            });
    }
    Ok(if fallback.is_empty() {
        vec![Format::Table]
    } else {
        fallback.to_vec()
    })
}

fn input_plan(args: &ScanArgs, config: &Config) -> Result<Input, Failure> {
    let templates = &args.templates.templates;
    if args.inventory.is_some() && !templates.is_empty() {
        return Err(Failure::usage(
            "--inventory and --template are two inputs: give one",
        ));
    }
    let live = args.inventory.is_none() && templates.is_empty();
    if !live && args.shard.is_some() {
        return Err(Failure::usage(
            "--shard splits the accounts of a live scan (--organization or --accounts); an inventory or a template is one account",
        ));
    }
    if let Some(path) = &args.inventory {
        return Ok(Input::Inventory(path.clone()));
    }
    if !templates.is_empty() {
        return Ok(Input::Templates {
            templates: args.templates.clone(),
            region: args.target.regions.first().cloned(),
        });
    }
    let mut target = args.target.clone();
    if target.regions.is_empty() {
        target.regions = config.regions.clone();
    }
    validate_target(&target)?;
    let role_name = || {
        target.role_name.clone().ok_or_else(|| {
            Failure::usage(
                "--accounts needs --role-name (the audit role to assume in each account)",
            )
        })
    };
    let accounts = if target.organization {
        Accounts::Organization {
            role_name: role_name()?,
            shard: args.shard,
        }
    } else if !target.accounts.is_empty() {
        for account in &target.accounts {
            if !is_account_id(account) {
                return Err(Failure::usage(format!(
                    "--accounts: `{}` is not a 12-digit account id",
                    sanitize(account)
                )));
            }
        }
        // An account named twice is scanned once (twice would repeat its results).
        let mut named = std::collections::HashSet::new();
        let ids = target
            .accounts
            .iter()
            .filter(|a| named.insert(a.as_str()))
            .cloned()
            .collect();
        Accounts::Listed {
            ids,
            role_name: role_name()?,
            shard: args.shard,
        }
    } else if args.shard.is_some() {
        return Err(Failure::usage(
            "--shard splits several accounts: give --organization or --accounts (with --role-name)",
        ));
    } else {
        Accounts::One
    };
    let account_concurrency = target
        .account_concurrency
        .or(config.account_concurrency)
        .unwrap_or(DEFAULT_ACCOUNT_CONCURRENCY);
    let services = if target.services.is_empty() {
        Service::ALL.to_vec()
    } else {
        target.services.clone()
    };
    Ok(Input::Live(Box::new(LivePlan {
        target,
        services,
        accounts,
        account_concurrency: usize::from(account_concurrency).max(1),
        quotas: config.quotas.clone(),
    })))
}

/// The evidence bundle's signing key: small, readable, an Ed25519 PKCS#8 key.
fn read_signer(path: &Path) -> Result<faascan_reports::evidence::Signer, Failure> {
    let shown = sanitize(&path.display().to_string());
    let size = std::fs::metadata(path)
        .map_err(|e| Failure::usage(format!("reading the evidence key {shown}: {e}")))?
        .len();
    if size > 64 * 1024 {
        return Err(Failure::usage(format!(
            "the evidence key {shown} is {size} bytes: not a private key"
        )));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::usage(format!("reading the evidence key {shown}: {e}")))?;
    faascan_reports::evidence::Signer::from_pkcs8(&bytes)
        .map_err(|e| Failure::usage(format!("the evidence key {shown}: {e}")))
}

/// The longest time budget `--timeout` takes: a week (the SDK adds it to an instant, which
/// must not overflow).
const MAX_TIME_BUDGET_SECONDS: u64 = 7 * 24 * 60 * 60;

/// Checks the target before any AWS call: a time budget that fits, and a named profile that
/// exists (credentials in the environment would otherwise win silently, and another account
/// would be scanned).
pub(crate) fn validate_target(args: &TargetArgs) -> Result<(), Failure> {
    if let Some(seconds) = args.timeout
        && seconds > MAX_TIME_BUDGET_SECONDS
    {
        return Err(Failure::usage(format!(
            "--timeout {seconds}: give a time budget of at most {MAX_TIME_BUDGET_SECONDS} seconds (a week)"
        )));
    }
    if let Some(profile) = args.profile.as_deref().filter(|p| !p.is_empty()) {
        profile_exists(profile).map_err(Failure::Usage)?;
    }
    Ok(())
}

/// The AWS config and credentials files, as the SDK finds them.
fn aws_files() -> [(PathBuf, bool); 2] {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let config =
        std::env::var_os("AWS_CONFIG_FILE").map_or_else(|| home.join(".aws/config"), PathBuf::from);
    let credentials = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map_or_else(|| home.join(".aws/credentials"), PathBuf::from);
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

/// The collector's target for one account.
pub(crate) fn target_of(args: &TargetArgs) -> Target {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn scan_args(extra: &[&str]) -> ScanArgs {
        let mut argv = vec!["faascan", "scan"];
        argv.extend(extra);
        match Cli::try_parse_from(argv).map(|c| c.command) {
            Ok(Command::Scan(args)) => *args,
            other => panic!("{other:?}"),
        }
    }

    fn config(text: &str) -> Config {
        let raw: crate::config::RawConfig = toml::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        Config::validate(raw).unwrap_or_else(|e| panic!("{e}"))
    }

    fn plan(extra: &[&str], file: &str) -> Result<ScanPlan, String> {
        ScanPlan::with_config(&scan_args(extra), config(file), false).map_err(|e| e.to_string())
    }

    fn usage(extra: &[&str], file: &str) -> String {
        match ScanPlan::with_config(&scan_args(extra), config(file), false) {
            Err(Failure::Usage(message)) => message,
            Err(other) => panic!("not a usage error: {other}"),
            Ok(_) => panic!("{extra:?} was accepted"),
        }
    }

    #[test]
    fn the_command_line_wins_over_the_file_which_wins_over_defaults() {
        let file = "[output]\nformats = [\"json\", \"sarif\"]\noutput_dir = \"out\"\nfail_on = \"low\"\n[scan]\nregions = [\"eu-west-1\"]\naccount_concurrency = 3\n[checks.severity]\n\"kms-key-disabled\" = \"critical\"\n";
        let from_file = plan(&[], file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_file.output.formats, [Format::Json, Format::Sarif]);
        assert_eq!(from_file.output.dir, Some(PathBuf::from("out")));
        assert_eq!(from_file.fail_on, FailOn::Low);
        assert_eq!(
            from_file.severity.get("kms-key-disabled"),
            Some(&Severity::Critical)
        );
        let Input::Live(live) = &from_file.input else {
            panic!("a live scan")
        };
        assert_eq!(live.target.regions, ["eu-west-1"]);
        assert!(matches!(live.accounts, Accounts::One));

        let from_cli = plan(
            &[
                "--output",
                "r.sarif",
                "--fail-on",
                "critical",
                "--region",
                "us-east-1",
                "--min-severity",
                "medium",
            ],
            file,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(from_cli.output.formats, [Format::Sarif]);
        assert_eq!(
            from_cli.output.dir, None,
            "--output replaces the file's directory"
        );
        assert_eq!(from_cli.fail_on, FailOn::Critical);
        assert_eq!(from_cli.min_severity, Some(Severity::Medium));
        let Input::Live(live) = &from_cli.input else {
            panic!("a live scan")
        };
        assert_eq!(live.target.regions, ["us-east-1"]);

        let defaults = plan(&[], "").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(defaults.output.formats, [Format::Table]);
        assert_eq!(defaults.fail_on, FailOn::High);
        assert_eq!(defaults.checks.len(), faascan_checks::REGISTRY.len());

        let accounts = plan(
            &["--accounts", "111111111111", "--role-name", "audit"],
            file,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let Input::Live(live) = &accounts.input else {
            panic!("a live scan")
        };
        assert_eq!(live.account_concurrency, 3, "the file's value");
        let accounts = plan(
            &[
                "--accounts",
                "111111111111",
                "--role-name",
                "audit",
                "--account-concurrency",
                "7",
            ],
            "",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let Input::Live(live) = &accounts.input else {
            panic!("a live scan")
        };
        assert_eq!(live.account_concurrency, 7);
    }

    #[test]
    fn bad_plans_are_usage_errors_before_any_call() {
        for (args, file, says) in [
            (&["--checks", "kms-key-disabeld"][..], "", "did you mean"),
            (
                &["--format", "json", "--format", "csv"],
                "",
                "need --output-dir",
            ),
            (&["--output", "report.pdf"], "", "cannot tell the format"),
            (&["--trusted-account", "12"], "", "12-digit"),
            (&["--compliance", "iso"], "", "no such framework"),
            (&["--accounts", "111111111111"], "", "--role-name"),
            (
                &["--accounts", "1111", "--role-name", "audit"],
                "",
                "12-digit",
            ),
            (&["--shard", "0/2"], "", "--organization or --accounts"),
            (
                &["--shard", "0/2", "--inventory", "inv.json"],
                "",
                "an inventory or a template",
            ),
            (&["--timeout", "999999999"], "", "at most"),
        ] {
            let message = usage(args, file);
            assert!(message.contains(says), "{args:?}: {message}");
        }
        // A shard that is not I/N with I < N is refused by the parser (exit 2).
        for bad in ["2/2", "x", "1/0"] {
            let parsed = Cli::try_parse_from(["faascan", "scan", "--shard", bad]);
            let err = parsed.err().map(|e| e.exit_code());
            assert_eq!(err, Some(2), "{bad}");
        }
    }

    #[test]
    fn an_account_named_twice_is_scanned_once() {
        let listed = plan(
            &[
                "--accounts",
                "111111111111,222222222222,111111111111",
                "--role-name",
                "audit",
            ],
            "",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let Input::Live(live) = &listed.input else {
            panic!("not a live scan")
        };
        let Accounts::Listed { ids, .. } = &live.accounts else {
            panic!("not a list of accounts")
        };
        assert_eq!(ids, &["111111111111", "222222222222"]);
    }

    #[test]
    fn a_shard_is_recorded_in_the_report_parameters() {
        let sharded = plan(
            &["--organization", "--role-name", "audit", "--shard", "1/3"],
            "",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sharded.shard(), Some(Shard { index: 1, count: 3 }));
        assert!(sharded.multi_account());
        let parameters = sharded.parameters(&sharded.options);
        assert_eq!(
            parameters["shard"],
            serde_json::json!({"index": 1, "count": 3})
        );
        let whole = plan(&[], "").unwrap_or_else(|e| panic!("{e}"));
        assert!(whole.parameters(&whole.options).get("shard").is_none());
    }
}

//! `faascan.toml`: read raw (every table `deny_unknown_fields`), then validated against the
//! check registry (cargo-deny's two stages): unknown keys, unknown check ids and bad globs are
//! errors with a suggestion. The validated [`Config`] holds typed values only (check options,
//! formats, dates): nothing is parsed again after `validate`. Suppressions mute matching
//! results with a mandatory reason (applied by the results stage, `stage.rs`).

use crate::cli::{FailOn, Format};
use faascan_checks::check::Severity;
use faascan_checks::context::{Options, RuntimeDeprecation};
use faascan_checks::registry::REGISTRY;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use time::Date;

pub(crate) const FILE_NAME: &str = "faascan.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    #[serde(default)]
    pub(crate) checks: RawChecks,
    #[serde(default)]
    pub(crate) options: RawOptions,
    #[serde(default)]
    pub(crate) scan: RawScan,
    #[serde(default)]
    pub(crate) output: RawOutput,
    #[serde(default)]
    pub(crate) suppressions: Vec<RawSuppression>,
    /// API quotas by quota group, raised (or lowered) from the documented defaults (see
    /// src/collect/quotas.tsv).
    #[serde(default)]
    pub(crate) quotas: crate::collect::pacing::QuotaOverrides,
}

/// Output settings used when the command line names none.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOutput {
    /// Format names as `--format` takes them.
    #[serde(default)]
    pub(crate) formats: Vec<String>,
    pub(crate) output_dir: Option<PathBuf>,
    pub(crate) fail_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChecks {
    #[serde(default)]
    pub(crate) enable: Vec<String>,
    #[serde(default)]
    pub(crate) disable: Vec<String>,
    /// check id -> severity
    #[serde(default)]
    pub(crate) severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOptions {
    pub(crate) trusted_accounts: Option<Vec<String>>,
    pub(crate) role_unused_days: Option<i64>,
    pub(crate) access_key_max_age_days: Option<i64>,
    pub(crate) access_key_unused_days: Option<i64>,
    pub(crate) kms_key_material_max_age_days: Option<i64>,
    pub(crate) api_key_max_age_days: Option<i64>,
    pub(crate) lambda_timeout_threshold_seconds: Option<i32>,
    pub(crate) runtime_warning_days: Option<i64>,
    #[serde(default)]
    pub(crate) runtimes: Vec<RawRuntime>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRuntime {
    pub(crate) runtime: String,
    pub(crate) deprecated: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScan {
    #[serde(default)]
    pub(crate) regions: Vec<String>,
    /// Accounts scanned at once in a multi-account scan (`--account-concurrency` wins).
    pub(crate) account_concurrency: Option<u16>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSuppression {
    /// A check id or a glob over ids (`s3-bucket-*`).
    pub(crate) check: String,
    /// A glob over resource ARNs; all resources when absent.
    pub(crate) resource: Option<String>,
    pub(crate) account: Option<String>,
    pub(crate) region: Option<String>,
    /// Every tag must match (values are globs).
    #[serde(default)]
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) reason: String,
    pub(crate) owner: Option<String>,
    /// `YYYY-MM-DD`; the suppression stops applying after this day.
    pub(crate) expires: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// A validated configuration: typed, every default filled in.
#[derive(Debug, Default)]
pub(crate) struct Config {
    pub(crate) path: Option<PathBuf>,
    pub(crate) enable: Vec<String>,
    pub(crate) disable: Vec<String>,
    pub(crate) severity: BTreeMap<String, Severity>,
    /// The check options: the defaults, overridden by the file's `[options]` (the command
    /// line's trusted accounts are added by the scan plan).
    pub(crate) options: Options,
    pub(crate) regions: Vec<String>,
    pub(crate) output: OutputConfig,
    pub(crate) suppressions: Vec<Suppression>,
    /// Accounts of a multi-account scan scanned at once (`[scan] account_concurrency`).
    pub(crate) account_concurrency: Option<u16>,
    /// Quota overrides (`[quotas]`), applied to the collector's limiters.
    pub(crate) quotas: crate::collect::pacing::QuotaOverrides,
}

/// The file's output settings, typed.
#[derive(Debug, Default)]
pub(crate) struct OutputConfig {
    pub(crate) formats: Vec<Format>,
    pub(crate) output_dir: Option<PathBuf>,
    pub(crate) fail_on: Option<FailOn>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Suppression {
    pub(crate) check: String,
    pub(crate) resource: Option<String>,
    pub(crate) account: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) reason: String,
    pub(crate) owner: Option<String>,
    #[serde(skip)]
    pub(crate) expires: Option<Date>,
    pub(crate) expires_text: Option<String>,
}

fn suggest(id: &str) -> String {
    faascan_checks::evaluate::Selection {
        checks: vec![id.to_owned()],
        ..Default::default()
    }
    .resolve()
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default()
}

/// The longest glob a suppression may hold: an ARN is at most 2,048 characters, and matching
/// costs the pattern's length times the text's for every result.
const MAX_GLOB_CHARS: usize = 2048;

fn valid_glob(pattern: &str) -> bool {
    !pattern.is_empty()
        && pattern.chars().count() <= MAX_GLOB_CHARS
        && !pattern.contains("**")
        && pattern.chars().all(|c| !c.is_control())
}

/// A glob as a message shows it: whole when short, else its start and its length.
fn shown_glob(pattern: &str) -> String {
    let chars = pattern.chars().count();
    if chars <= 80 {
        format!("`{pattern}`")
    } else {
        let start: String = pattern.chars().take(60).collect();
        format!("`{start}…` ({chars} characters; at most {MAX_GLOB_CHARS})")
    }
}

impl Config {
    /// `--config PATH`, or `faascan.toml` in the working directory, or nothing.
    pub(crate) fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None if Path::new(FILE_NAME).exists() => PathBuf::from(FILE_NAME),
            None => return Ok(Config::default()),
        };
        let shown = path.display().to_string();
        let invalid = |message: String| ConfigError::Invalid {
            path: shown.clone(),
            message,
        };
        let text = crate::input::read_text(&path, "configuration", crate::input::MAX_CONFIG_BYTES)
            .map_err(&invalid)?;
        let raw: RawConfig =
            toml::from_str(&text).map_err(|e| invalid(e.to_string().trim().to_owned()))?;
        let mut config = Config::validate(raw).map_err(invalid)?;
        config.path = Some(path);
        Ok(config)
    }

    pub(crate) fn validate(raw: RawConfig) -> Result<Config, String> {
        let known = |id: &str| REGISTRY.iter().any(|c| c.meta.id == id);
        for id in raw
            .checks
            .enable
            .iter()
            .chain(&raw.checks.disable)
            .chain(raw.checks.severity.keys())
        {
            if !known(id) {
                return Err(format!("checks: {}", suggest(id)));
            }
        }
        for account in raw.options.trusted_accounts.iter().flatten() {
            if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
                return Err(format!(
                    "options.trusted_accounts: `{account}` is not a 12-digit account id"
                ));
            }
        }
        // Limits a person could mistype into a check that flips wholesale (a negative age
        // makes every key "old"): each must be in a sensible range.
        let o = &raw.options;
        for (name, value, min, max) in [
            ("role_unused_days", o.role_unused_days, 1, 3650),
            (
                "access_key_max_age_days",
                o.access_key_max_age_days,
                1,
                3650,
            ),
            ("access_key_unused_days", o.access_key_unused_days, 1, 3650),
            (
                "kms_key_material_max_age_days",
                o.kms_key_material_max_age_days,
                1,
                3650,
            ),
            ("api_key_max_age_days", o.api_key_max_age_days, 1, 3650),
            ("runtime_warning_days", o.runtime_warning_days, 0, 3650),
            (
                "lambda_timeout_threshold_seconds",
                o.lambda_timeout_threshold_seconds.map(i64::from),
                1,
                900,
            ),
        ] {
            if let Some(v) = value
                && !(min..=max).contains(&v)
            {
                return Err(format!(
                    "options.{name} = {v} is out of range: give a value from {min} to {max}"
                ));
            }
        }
        let options = check_options(&raw.options)?;
        if let Some(n) = raw.scan.account_concurrency
            && !(1..=MAX_ACCOUNT_CONCURRENCY).contains(&n)
        {
            return Err(format!(
                "scan.account_concurrency = {n} is out of range: give a value from 1 to {MAX_ACCOUNT_CONCURRENCY}"
            ));
        }
        let mut suppressions = Vec::new();
        for (i, s) in raw.suppressions.into_iter().enumerate() {
            let at = format!("suppressions[{i}]");
            if s.reason.trim().is_empty() {
                return Err(format!("{at}: a reason is required"));
            }
            if !valid_glob(&s.check) {
                return Err(format!(
                    "{at}.check: {} is not a valid glob",
                    shown_glob(&s.check)
                ));
            }
            let is_glob = s.check.contains(['*', '?']);
            if !is_glob && !known(&s.check) {
                return Err(format!("{at}.check: {}", suggest(&s.check)));
            }
            if is_glob
                && !REGISTRY
                    .iter()
                    .any(|c| faascan_checks::policy::catalogue::glob_match(&s.check, c.meta.id))
            {
                return Err(format!(
                    "{at}.check: {} matches no check",
                    shown_glob(&s.check)
                ));
            }
            for glob in s.resource.iter().chain(&s.region).chain(s.tags.values()) {
                if !valid_glob(glob) {
                    return Err(format!("{at}: {} is not a valid glob", shown_glob(glob)));
                }
            }
            let expires = s
                .expires
                .as_deref()
                .map(parse_date)
                .transpose()
                .map_err(|e| format!("{at}.expires: {e}"))?;
            suppressions.push(Suppression {
                check: s.check,
                resource: s.resource,
                account: s.account,
                region: s.region,
                tags: s.tags,
                reason: s.reason,
                owner: s.owner,
                expires,
                expires_text: s.expires,
            });
        }
        let formats = raw
            .output
            .formats
            .iter()
            .map(|format| {
                <Format as clap::ValueEnum>::from_str(format, false).map_err(|_| {
                    format!("output.formats: `{format}` is not a format (see faascan scan --help)")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let fail_on = raw
            .output
            .fail_on
            .as_deref()
            .map(|fail_on| {
                <FailOn as clap::ValueEnum>::from_str(fail_on, false)
                    .map_err(|_| format!("output.fail_on: `{fail_on}` is not a severity or none"))
            })
            .transpose()?;
        raw.quotas.validate()?;
        Ok(Config {
            output: OutputConfig {
                formats,
                output_dir: raw.output.output_dir,
                fail_on,
            },
            path: None,
            enable: raw.checks.enable,
            disable: raw.checks.disable,
            severity: raw.checks.severity,
            options,
            regions: raw.scan.regions,
            suppressions,
            account_concurrency: raw.scan.account_concurrency,
            quotas: raw.quotas,
        })
    }
}

/// The most accounts a multi-account scan reads at once.
pub(crate) const MAX_ACCOUNT_CONCURRENCY: u16 = 16;

/// The check options: the defaults, overridden by the file (ranges already checked).
fn check_options(o: &RawOptions) -> Result<Options, String> {
    let mut options = Options {
        trusted_accounts: o.trusted_accounts.clone().unwrap_or_default(),
        ..Options::default()
    };
    macro_rules! set {
        ($($field:ident),*) => { $( if let Some(v) = o.$field { options.$field = v; } )* };
    }
    set!(
        role_unused_days,
        access_key_max_age_days,
        access_key_unused_days,
        kms_key_material_max_age_days,
        api_key_max_age_days,
        lambda_timeout_threshold_seconds,
        runtime_warning_days
    );
    for r in &o.runtimes {
        let deprecated = parse_date(&r.deprecated)
            .map_err(|e| format!("options.runtimes: {}: {e}", r.runtime))?;
        // The file's entry replaces the built-in one of the same runtime.
        options.runtimes.retain(|x| x.runtime != r.runtime.as_str());
        let runtime = std::borrow::Cow::Owned(r.runtime.clone());
        options.runtimes.push(RuntimeDeprecation {
            runtime,
            deprecated,
            source: "faascan.toml",
        });
    }
    Ok(options)
}

fn parse_date(text: &str) -> Result<Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

/// The starting configuration `faascan init` writes.
pub(crate) const TEMPLATE: &str = r#"# faascan configuration. faascan reads ./faascan.toml, or the file given with --config.
# Unknown keys and unknown check ids are errors. `faascan checks` lists the ids.

[checks]
# Run only these checks (empty: all).
enable = []
# Never run these.
disable = []

# Change a check's severity.
[checks.severity]
# "lambda-function-tracing-disabled" = "medium"

[options]
# Accounts outside the scanned one that the cross-account checks should accept.
trusted_accounts = []
role_unused_days = 90
access_key_max_age_days = 90
access_key_unused_days = 90
kms_key_material_max_age_days = 365
api_key_max_age_days = 365
lambda_timeout_threshold_seconds = 900
runtime_warning_days = 90
# Override or add a runtime deprecation date:
# [[options.runtimes]]
# runtime = "python3.12"
# deprecated = "2028-10-31"

[scan]
# Regions to scan when --region is not given (empty: every enabled region).
regions = []
# Accounts scanned at once with --accounts or --organization (--account-concurrency wins).
# account_concurrency = 4

[output]
# Formats and directory when the command line gives none, e.g. ["json", "html"] and "reports".
formats = []
# output_dir = "reports"
# fail_on = "high"

# Suppressions mute matching results (they stay in the report as "muted" with the reason).
# check: an id or a glob; resource: a glob over ARNs; tags: every tag must match (glob values).
# A suppression past its expiry date stops applying and is reported; one that matches nothing is
# reported as stale, or as undetermined when it might match a resource whose tags were unread
# (unread tags never mute).
# [[suppressions]]
# check = "s3-bucket-logging-disabled"
# resource = "arn:aws:s3:::*-access-logs"
# reason = "log buckets do not log themselves"
# owner = "platform-team"
# expires = "2027-06-30"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        Config::validate(raw)
    }

    #[test]
    fn the_template_is_valid() {
        assert!(parse(TEMPLATE).is_ok());
    }

    #[test]
    fn validation_errors_name_the_problem() {
        let unknown_key = parse("[checks]\nenabel = []\n").err().unwrap_or_default();
        assert!(
            unknown_key.contains("unknown field `enabel`"),
            "{unknown_key}"
        );
        let unknown_id = parse("[checks]\ndisable = [\"s3-bucket-public-polcy\"]\n")
            .err()
            .unwrap_or_default();
        assert!(
            unknown_id.contains("did you mean `s3-bucket-public-policy`"),
            "{unknown_id}"
        );
        let bad_glob = parse("[[suppressions]]\ncheck = \"s3-**\"\nreason = \"x\"\n")
            .err()
            .unwrap_or_default();
        assert!(bad_glob.contains("not a valid glob"), "{bad_glob}");
        // Matching costs the pattern's length times the ARN's for every result: a glob longer
        // than an ARN can be is refused, and shown shortened.
        let long = format!(
            "[[suppressions]]\ncheck = \"kms-*\"\nresource = \"{}\"\nreason = \"x\"\n",
            "*a".repeat(100_000)
        );
        let long_glob = parse(&long).err().unwrap_or_default();
        assert!(
            long_glob.contains("200000 characters; at most 2048"),
            "{long_glob}"
        );
        assert!(long_glob.len() < 300, "{long_glob}");
        let bad_region =
            parse("[[suppressions]]\ncheck = \"kms-*\"\nregion = \"eu-**\"\nreason = \"x\"\n")
                .err()
                .unwrap_or_default();
        assert!(bad_region.contains("not a valid glob"), "{bad_region}");
        let no_match = parse("[[suppressions]]\ncheck = \"ec2-*\"\nreason = \"x\"\n")
            .err()
            .unwrap_or_default();
        assert!(no_match.contains("matches no check"), "{no_match}");
        let no_reason = parse("[[suppressions]]\ncheck = \"kms-key-disabled\"\nreason = \" \"\n")
            .err()
            .unwrap_or_default();
        assert!(no_reason.contains("reason is required"), "{no_reason}");
        let missing_reason = parse("[[suppressions]]\ncheck = \"kms-key-disabled\"\n")
            .err()
            .unwrap_or_default();
        assert!(missing_reason.contains("reason"), "{missing_reason}");
        let bad_date = parse("[[suppressions]]\ncheck = \"kms-key-disabled\"\nreason = \"x\"\nexpires = \"tomorrow\"\n").err().unwrap_or_default();
        assert!(bad_date.contains("not a date"), "{bad_date}");
        let bad_format = parse("[output]\nformats = [\"pdf\"]\n")
            .err()
            .unwrap_or_default();
        assert!(bad_format.contains("`pdf` is not a format"), "{bad_format}");
        let bad_severity = parse("[checks.severity]\n\"kms-key-disabled\" = \"urgent\"\n")
            .err()
            .unwrap_or_default();
        assert!(bad_severity.contains("urgent"), "{bad_severity}");
        for (key, value) in [
            ("access_key_max_age_days", "-5"),
            ("role_unused_days", "0"),
            ("kms_key_material_max_age_days", "999999999999"),
            ("lambda_timeout_threshold_seconds", "901"),
            ("runtime_warning_days", "-1"),
        ] {
            let err = parse(&format!("[options]\n{key} = {value}\n"))
                .err()
                .unwrap_or_default();
            assert!(
                err.contains(&format!("options.{key} = {value} is out of range")),
                "{key}: {err}"
            );
        }
        assert!(parse("[options]\naccess_key_max_age_days = 45\n").is_ok());
        let concurrency = parse("[scan]\naccount_concurrency = 0\n")
            .err()
            .unwrap_or_default();
        assert!(
            concurrency.contains("scan.account_concurrency = 0"),
            "{concurrency}"
        );
    }

    #[test]
    fn options_are_typed_once_with_runtime_overrides() {
        let config = parse(
            "[options]\nrole_unused_days = 30\n[[options.runtimes]]\nruntime = \"python3.12\"\ndeprecated = \"2030-01-02\"\n[[options.runtimes]]\nruntime = \"python9.9\"\ndeprecated = \"2031-01-01\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.options.role_unused_days, 30);
        let of = |name: &str| {
            config
                .options
                .runtimes
                .iter()
                .filter(|r| r.runtime == name)
                .map(|r| (r.deprecated.to_string(), r.source))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            of("python3.12"),
            [("2030-01-02".to_owned(), "faascan.toml")]
        );
        assert_eq!(of("python9.9"), [("2031-01-01".to_owned(), "faascan.toml")]);
        let bad = parse("[[options.runtimes]]\nruntime = \"x\"\ndeprecated = \"soon\"\n")
            .err()
            .unwrap_or_default();
        assert!(bad.contains("options.runtimes: x:"), "{bad}");
    }
}

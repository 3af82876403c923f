//! The command line (clap derive). Arguments are grouped under headings; every subcommand's
//! help ends with examples.

use crate::collect::Service;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "faascan",
    version,
    about = "Audit an AWS account's serverless estate (Lambda, IAM roles, S3, API Gateway, KMS), read-only.",
    after_help = "Examples:\n  faascan scan --inventory mocks/demo/inventory.json\n  faascan scan --profile audit --region us-east-1 --region eu-west-1\n  faascan inventory --region us-east-1 --output inventory.json\n  faascan permissions > faascan-policy.json"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// How messages on stderr are written: `text` for people, `json` (one object per line)
    /// for schedulers.
    #[arg(long, value_enum, global = true, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
    /// No progress messages, and no report on stdout (files from --output, --output-dir and
    /// --evidence are still written; the exit code still tells).
    #[arg(long, short, global = true)]
    pub(crate) quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Collect the inventory and write it as JSON (secret values are never included).
    #[command(
        after_help = "Examples:\n  faascan inventory --region us-east-1 --output inv.json\n  faascan inventory --endpoint-url http://127.0.0.1:5000 --region us-east-1"
    )]
    Inventory(Box<InventoryArgs>),
    /// Collect (or load an inventory) and report what was found.
    #[command(
        after_help = "Examples:\n  faascan scan --inventory mocks/demo/inventory.json\n  faascan scan --region us-east-1 --format json --output report.json\n\nExit codes: 0 clean · 1 findings at or above --fail-on · 2 usage · 3 could not run, or a report could not be written · 4 incomplete scan (resources may be missing; with --strict, any unknown result) · faascan diff: 1 when the later report has new failures"
    )]
    Scan(Box<ScanArgs>),
    /// Print the IAM policy faascan needs: exactly the read-only actions it calls.
    Permissions(PermissionsArgs),
    /// Write a commented starting configuration (faascan.toml) in the working directory.
    Init {
        /// Overwrite an existing faascan.toml.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "Example:\n  faascan completions bash > /etc/bash_completion.d/faascan")]
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff).
    #[command(after_help = "Example:\n  faascan man | man -l -")]
    Man,
    /// List the check catalogue.
    #[command(after_help = "Examples:\n  faascan checks\n  faascan checks --format json")]
    Checks(ChecksArgs),
    /// Compare two JSON reports: new, gone and changed results by fingerprint; or a template
    /// report with a live report of the same stack (drift).
    #[command(
        after_help = "Examples:\n  faascan diff yesterday.json today.json\n  faascan diff template.json live.json   # drift: one was scanned with --template"
    )]
    Diff(DiffArgs),
    /// Print a check's full documentation.
    #[command(after_help = "Example:\n  faascan explain lambda-function-url-unauthenticated")]
    Explain(ExplainArgs),
    /// Merge JSON reports (the shards of an organisation scan, `scan --shard I/N --format
    /// json`) into one report, rendered in any format: results concatenated (an account in two
    /// reports is refused), summaries recomputed, incompleteness carried; a shard with no
    /// report makes the merge incomplete.
    #[command(
        after_help = "Examples:\n  faascan merge shard-*.json --format json --output org.json\n  faascan merge shard-*.json --format html --format sarif --output-dir reports\n\nExit codes as faascan scan: 0 clean · 1 findings at or above --fail-on · 2 usage (an unreadable or malformed report) · 3 a report could not be written or rendered · 4 incomplete (a report is incomplete, or a shard is missing; with --strict, any unknown result)"
    )]
    Merge(Box<MergeArgs>),
}

#[derive(Debug, Clone, Args)]
pub(crate) struct MergeArgs {
    /// The JSON reports to merge (`faascan scan --format json`), one per shard.
    #[arg(value_name = "REPORT.json", required = true)]
    pub(crate) reports: Vec<PathBuf>,
    /// Output format; repeat (with --output-dir) for several. Default: from the extension of
    /// --output, else table. `summary` needs the inventories and is not available here.
    #[arg(long, value_enum, help_heading = "Output")]
    pub(crate) format: Vec<Format>,
    /// Write to FILE instead of stdout (one format).
    #[arg(
        long,
        short,
        value_name = "FILE",
        conflicts_with = "output_dir",
        help_heading = "Output"
    )]
    pub(crate) output: Option<PathBuf>,
    /// Write one file per format into DIR and print the paths written.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub(crate) output_dir: Option<PathBuf>,
    /// Show every unknown result and gap in the table, and each finding's evidence.
    #[arg(long, short, help_heading = "Output")]
    pub(crate) verbose: bool,
    /// Group the table's failures under each resource or under each check.
    #[arg(long, value_enum, default_value_t = GroupBy::Resource, help_heading = "Output")]
    pub(crate) group_by: GroupBy,
    /// Exit 1 when an unmuted failure at or above this severity remains (default: high).
    #[arg(long, value_enum, help_heading = "Exit code")]
    pub(crate) fail_on: Option<FailOn>,
    /// Any unknown result (whatever its severity) makes the exit code 4 (incomplete), as a
    /// read gap does.
    #[arg(long, help_heading = "Exit code")]
    pub(crate) strict: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ChecksArgs {
    #[arg(long, value_enum, default_value_t = CatalogueFormat::Table)]
    pub(crate) format: CatalogueFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CatalogueFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The earlier report (`faascan scan --format json`).
    pub(crate) old: PathBuf,
    /// The later report.
    pub(crate) new: PathBuf,
    /// Compare a template report (`scan --template`) with a live report of the same stack:
    /// resources matched by CloudFormation logical id or name, checks that pass on one side
    /// and fail on the other, resources on one side only. Chosen by itself when exactly one
    /// of the two reports was read from templates.
    #[arg(long)]
    pub(crate) drift: bool,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub(crate) format: DiffFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// A check id, e.g. lambda-function-url-unauthenticated.
    pub(crate) id: String,
}

#[derive(Debug, Args)]
pub(crate) struct InventoryArgs {
    #[command(flatten)]
    pub(crate) target: TargetArgs,
    #[command(flatten)]
    pub(crate) templates: TemplateArgs,
    /// Write to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    pub(crate) output: Option<PathBuf>,
    /// Configuration file whose `[quotas]` pace the collection (default: ./faascan.toml when
    /// present; its other sections are for `scan`).
    #[arg(long, value_name = "FILE", help_heading = "Target")]
    pub(crate) config: Option<PathBuf>,
}

/// Templates instead of the live account (no AWS calls).
#[derive(Debug, Clone, Args)]
pub(crate) struct TemplateArgs {
    /// Read the inventory from templates instead of the account: a CloudFormation/SAM
    /// template, serverless.yml, CDK cdk.out directory, Terraform plan JSON, or a directory
    /// searched for them. Repeat for several.
    #[arg(long = "template", value_name = "PATH", help_heading = "Input")]
    pub(crate) templates: Vec<PathBuf>,
    /// A template parameter (or Serverless `opt:`/`param:` variable): KEY=VALUE. Also
    /// AWS::AccountId (default 123456789012) and AWS::Region. Repeat for several.
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = crate::template::parse_parameter, help_heading = "Input")]
    pub(crate) parameters: Vec<(String, String)>,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct ScanArgs {
    #[command(flatten)]
    pub(crate) target: TargetArgs,
    /// Audit a saved inventory instead of the live account (no AWS calls).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub(crate) inventory: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) templates: TemplateArgs,
    /// Output format; repeat (with --output-dir) for several. Default: from the extension of
    /// --output (.json, .csv, .junit.xml/.xml, .md, .html, .ocsf.json, .asff.jsonl, .sarif,
    /// .txt), else the configuration file's output.formats, else table.
    #[arg(long, value_enum, help_heading = "Output")]
    pub(crate) format: Vec<Format>,
    /// Write to FILE instead of stdout (one format).
    #[arg(
        long,
        short,
        value_name = "FILE",
        conflicts_with = "output_dir",
        help_heading = "Output"
    )]
    pub(crate) output: Option<PathBuf>,
    /// Also write an evidence bundle into DIR: inventory, JSON and HTML reports, per-framework
    /// control summaries, scan metadata and MANIFEST.sha256.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub(crate) evidence: Option<PathBuf>,
    /// Sign the evidence bundle's manifest with this Ed25519 private key (PKCS#8 PEM, e.g.
    /// from `openssl genpkey -algorithm ed25519`): MANIFEST.sha256.sig and the public key.
    #[arg(
        long,
        value_name = "KEY",
        requires = "evidence",
        help_heading = "Output"
    )]
    pub(crate) evidence_key: Option<PathBuf>,
    /// Write one file per format into DIR, named after the account and the scan's end time
    /// (faascan-ACCOUNT-YYYYMMDDTHHMMSSZ.json, ...), and print the paths written.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub(crate) output_dir: Option<PathBuf>,
    /// Show every unknown result and gap in the table, each finding's evidence and
    /// remediation, and the calls per operation.
    #[arg(long, short, help_heading = "Output")]
    pub(crate) verbose: bool,
    /// Group the table's failures under each resource (what to fix where) or under each
    /// check (one fix applied everywhere).
    #[arg(long, value_enum, default_value_t = GroupBy::Resource, help_heading = "Output")]
    pub(crate) group_by: GroupBy,
    /// Also print a framework's controls with their status in the table: fsbp, cis, nist (or
    /// a framework's full name).
    #[arg(long, value_name = "FRAMEWORK", help_heading = "Output")]
    pub(crate) compliance: Option<String>,
    /// Configuration file (default: ./faascan.toml when present).
    #[arg(long, value_name = "FILE", help_heading = "Checks")]
    pub(crate) config: Option<PathBuf>,
    /// Exit 1 when an unmuted failure at or above this severity remains (`none`: never for
    /// findings). An incomplete scan exits 4 whatever this says. Default: high (or the
    /// configuration file's output.fail_on).
    #[arg(long, value_enum, help_heading = "Exit code")]
    pub(crate) fail_on: Option<FailOn>,
    /// Any unknown result (whatever its severity) makes the exit code 4 (incomplete), as a
    /// read gap does.
    #[arg(long, help_heading = "Exit code")]
    pub(crate) strict: bool,
    /// Compare with an earlier JSON report: the table and the JSON report show what changed.
    #[arg(long, value_name = "REPORT", help_heading = "Checks")]
    pub(crate) baseline: Option<PathBuf>,
    /// Run only these checks (comma-separated ids).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "IDS",
        help_heading = "Checks"
    )]
    pub(crate) checks: Vec<String>,
    /// Skip these checks (comma-separated ids).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "IDS",
        help_heading = "Checks"
    )]
    pub(crate) skip_checks: Vec<String>,
    /// Report only checks of at least this severity.
    #[arg(long, value_enum, help_heading = "Checks")]
    pub(crate) min_severity: Option<SeverityArg>,
    /// An account outside the scanned one that is trusted (cross-account checks ignore it).
    #[arg(
        long = "trusted-account",
        value_name = "ACCOUNT_ID",
        help_heading = "Checks"
    )]
    pub(crate) trusted_accounts: Vec<String>,
    /// Scan only shard I of N of the accounts (--organization or --accounts), numbered from
    /// 0: an account is in shard hash(account id) mod N, so adding an account moves no other.
    /// N machines run shards 0/N … N-1/N; `faascan merge` joins their JSON reports.
    #[arg(long, value_name = "I/N", value_parser = crate::shard::Shard::parse, help_heading = "Target")]
    pub(crate) shard: Option<crate::shard::Shard>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GroupBy {
    Resource,
    Check,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    None,
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl FailOn {
    pub(crate) fn threshold(self) -> Option<faascan_checks::Severity> {
        use faascan_checks::Severity;
        match self {
            FailOn::None => None,
            FailOn::Info => Some(Severity::Info),
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Failures by severity, unknowns, gaps and a summary.
    Table,
    /// The full report (schema_version, results with findings and evidence, gaps, calls).
    Json,
    /// What was collected per service and region, without evaluating checks.
    Summary,
    /// One row per result, for spreadsheets.
    Csv,
    /// JUnit XML: one test case per check and resource (failures fail, unknowns are skipped).
    Junit,
    /// A Markdown summary for a pull-request comment or a ticket.
    Markdown,
    /// One self-contained HTML file (no network, strict CSP), filterable and sortable.
    Html,
    /// OCSF Detection Finding (class 2004) records, one per result.
    Ocsf,
    /// AWS Security Finding Format records for Security Hub (not uploaded).
    Asff,
    /// SARIF 2.1.0 for GitHub code scanning: a rule per check, a result per failure.
    Sarif,
}

#[derive(Debug, Args)]
pub(crate) struct PermissionsArgs {
    #[arg(long, value_enum, default_value_t = PermissionsFormat::Policy)]
    pub(crate) format: PermissionsFormat,
    /// The partition the policy is for (resource ARNs carry it).
    #[arg(long, value_parser = ["aws", "aws-cn", "aws-us-gov"], default_value = "aws")]
    pub(crate) partition: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PermissionsFormat {
    /// A ready-to-attach IAM policy document.
    Policy,
    /// One line per API call: service, operation, IAM action, purpose.
    Calls,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct TargetArgs {
    /// Named profile from the AWS config files.
    #[arg(long, env = "AWS_PROFILE", help_heading = "Target")]
    pub(crate) profile: Option<String>,
    /// Leave this region out (with --all-regions or a list); repeat for several.
    #[arg(
        long = "exclude-region",
        value_name = "REGION",
        help_heading = "Target"
    )]
    pub(crate) exclude_regions: Vec<String>,
    /// Region to scan; repeat for several. Default: every region enabled in the account
    /// (account:ListRegions; if that is refused, the profile's or AWS_REGION, with a gap).
    #[arg(long = "region", value_name = "REGION", help_heading = "Target")]
    pub(crate) regions: Vec<String>,
    /// Also scan every region enabled in the account (account:ListRegions).
    #[arg(long, help_heading = "Target")]
    pub(crate) all_regions: bool,
    /// Scan these accounts (comma-separated), assuming --role-name in each; one merged report.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "IDS",
        help_heading = "Target"
    )]
    pub(crate) accounts: Vec<String>,
    /// Scan every active account of the AWS Organization (read with organizations:ListAccounts).
    #[arg(
        long,
        conflicts_with = "accounts",
        requires = "role_name",
        help_heading = "Target"
    )]
    pub(crate) organization: bool,
    /// The audit role to assume in each of --accounts (or the organization's accounts).
    #[arg(long, value_name = "NAME", help_heading = "Target")]
    pub(crate) role_name: Option<String>,
    /// Accounts scanned at once with --accounts or --organization, each with its own
    /// limits (small: accounts of one organisation can share quotas). Default: the
    /// configuration file's scan.account_concurrency, else 4.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=16), help_heading = "Target")]
    pub(crate) account_concurrency: Option<u16>,
    /// Assume this role before scanning (cross-account audit).
    #[arg(long, value_name = "ARN", help_heading = "Target")]
    pub(crate) role_arn: Option<String>,
    /// External id for --role-arn or --role-name.
    #[arg(long, help_heading = "Target")]
    pub(crate) external_id: Option<String>,
    /// Send every call to this endpoint (an emulator such as moto or LocalStack).
    #[arg(
        long,
        value_name = "URL",
        env = "AWS_ENDPOINT_URL",
        help_heading = "Target"
    )]
    pub(crate) endpoint_url: Option<String>,
    /// Services to collect (default: all).
    #[arg(long, value_enum, value_delimiter = ',', help_heading = "Target")]
    pub(crate) services: Vec<Service>,
    /// Most AWS calls in flight at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256), help_heading = "Tuning")]
    pub(crate) concurrency: u16,
    /// Attempts per call by the SDK (standard retry: exponential backoff with jitter); a
    /// failed page of a listing is then tried again on its own a few more times.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10), help_heading = "Tuning")]
    pub(crate) max_attempts: u32,
    /// Time budget in seconds for the whole scan: calls still running when it ends are
    /// abandoned, none start after it, and the inventory is marked incomplete (what was
    /// collected is kept).
    #[arg(long, value_name = "SECONDS", help_heading = "Tuning")]
    pub(crate) timeout: Option<u64>,
    /// Seconds before one call attempt is abandoned.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=300), help_heading = "Tuning")]
    pub(crate) call_timeout: u64,
}

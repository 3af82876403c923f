//! The options of the checks, with the defaults CHECKS.md states. Each field names the check
//! that reads it; the configuration only fills them in. The Lambda runtimes table lives beside
//! its check (`lambda/runtimes.rs`).

pub use crate::lambda::runtimes::{RuntimeDeprecation, default_runtime_table};
use time::OffsetDateTime;

/// Check options, with the defaults CHECKS.md states.
#[derive(Debug, Clone)]
pub struct Options {
    /// Accounts outside the scanned one that are trusted (cross-account checks ignore them).
    pub trusted_accounts: Vec<String>,
    /// The evaluation time (injectable so ages are testable).
    pub now: OffsetDateTime,
    /// `iam-role-unused`: days without use after which a role is reported.
    pub role_unused_days: i64,
    /// `iam-user-access-key-old`: the oldest an active access key may be.
    pub access_key_max_age_days: i64,
    /// `iam-user-access-key-unused`: days without use after which an active key is reported.
    pub access_key_unused_days: i64,
    /// `kms-key-material-old`: the oldest a customer-managed key's material may be.
    pub kms_key_material_max_age_days: i64,
    /// `apigateway-api-key-old`: the oldest an enabled API key may be.
    pub api_key_max_age_days: i64,
    /// `lambda-function-timeout-max`: the timeout at or above which a function is reported.
    pub lambda_timeout_threshold_seconds: i32,
    /// `lambda-function-runtime-deprecated`: days before a runtime's deprecation date at which
    /// it is reported (medium severity).
    pub runtime_warning_days: i64,
    /// `lambda-function-runtime-deprecated`: the runtimes table (`lambda/runtimes.rs`).
    pub runtimes: Vec<RuntimeDeprecation>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            trusted_accounts: Vec::new(),
            now: OffsetDateTime::now_utc(),
            role_unused_days: 90,
            access_key_max_age_days: 90,
            access_key_unused_days: 90,
            kms_key_material_max_age_days: 365,
            api_key_max_age_days: 365,
            lambda_timeout_threshold_seconds: 900,
            runtime_warning_days: 90,
            runtimes: default_runtime_table(),
        }
    }
}

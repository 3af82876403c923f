use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub id: String,
    pub partition: String,
    /// The identity that ran the scan (`sts:GetCallerIdentity`).
    pub caller_arn: String,
    #[serde(with = "time::serde::rfc3339")]
    pub scan_started: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub scan_finished: OffsetDateTime,
    pub regions: Vec<String>,
    pub tool_version: String,
    /// Identifies the key used for value fingerprints (a hash of the key, never the key), so
    /// two inventories can tell whether their fingerprints are comparable.
    pub fingerprint_key_id: String,
    /// True when the scan stopped early (time budget) and some data was not collected.
    #[serde(default)]
    pub incomplete: bool,
}

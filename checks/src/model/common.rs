//! Building blocks shared by every service: known-or-unavailable attributes, gaps, tags and
//! call statistics.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A value that needed its own call: either read, or unavailable with the gap that says why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attr<T> {
    Known(T),
    Unavailable(Gap),
}

impl<T> Attr<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Attr::Known(value) => Some(value),
            Attr::Unavailable(_) => None,
        }
    }
    pub fn gap(&self) -> Option<&Gap> {
        match self {
            Attr::Known(_) => None,
            Attr::Unavailable(gap) => Some(gap),
        }
    }
    pub fn is_known(&self) -> bool {
        matches!(self, Attr::Known(_))
    }
}

/// What kind of failure left an attribute unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    AccessDenied,
    /// The endpoint does not implement the operation (emulators) or the region lacks it.
    Unsupported,
    Throttled,
    Timeout,
    /// The response could not be parsed.
    Malformed,
    /// Network failure after the scan had started.
    Transport,
    /// The time budget ran out before this call could be made, or the endpoint had stopped
    /// answering and the call was not sent.
    NotAttempted,
    /// faascan itself failed (a check crashed): the result is unknown, not pass.
    InternalError,
    Other,
}

/// A call that could not be completed, and what it was for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gap {
    pub service: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub operation: String,
    /// The ARN (or name) of the resource the call was about; none for account-wide lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub kind: GapKind,
    pub error_code: String,
    /// One line for a person; never a debug dump.
    pub message: String,
    /// AWS's request id, when the response carried one (for support cases and CloudTrail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

pub type Tags = BTreeMap<String, String>;

/// How sure the collector is that a value is a secret. The value itself is never kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretClass {
    /// Nothing suggests a secret.
    None,
    /// The name suggests a secret, but the value looks like a reference or placeholder
    /// (an ARN, a parameter path, empty, short or low entropy).
    SensitiveName,
    /// A detector matched the value (or a high-entropy value under a sensitive name).
    Secret,
}

/// A named value (environment variable, stage variable) reduced to what is safe to keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactedVariable {
    pub name: String,
    pub classification: SecretClass,
    /// Which detector matched (`aws-access-key-id`, `private-key`, ...), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detector: Option<String>,
    /// Keyed HMAC-SHA256 of the value (hex, truncated): equal values compare equal within
    /// the same fingerprint key, and the value cannot be recovered or brute-forced without it.
    pub fingerprint: String,
    pub value_length: usize,
}

/// Calls made to AWS during the scan, per service and operation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallStats {
    pub operations: u64,
    pub attempts: u64,
    pub failed_attempts: u64,
    pub by_operation: Vec<CallCount>,
    /// Client-side pacing per service: throttled responses and time spent waiting on quotas.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pacing: Vec<ServicePacing>,
}

/// How one service's calls were paced during the scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePacing {
    pub service: String,
    /// Responses that said "throttled" (each call was then sent again).
    pub throttled: u64,
    /// Pauses of a quota group after a throttle.
    pub backoffs: u64,
    /// Time calls spent waiting for a quota's slot or a pause, summed over calls.
    pub waited_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallCount {
    pub service: String,
    pub operation: String,
    /// Logical operations (a paginator page is one).
    pub operations: u64,
    /// HTTP attempts, retries included.
    pub attempts: u64,
    pub failed_attempts: u64,
}

/// An RFC 3339 timestamp, for places where a bare `OffsetDateTime` needs a serde form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(#[serde(with = "time::serde::rfc3339")] pub time::OffsetDateTime);

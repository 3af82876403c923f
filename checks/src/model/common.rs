//! Building blocks shared by every service: known-or-unavailable attributes, gaps, tags and
//! call statistics.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A value that needed its own call: either read, or unavailable with the gap that says why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attr<T> {
    Known(T),
    Unavailable(Box<Gap>),
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

impl CallStats {
    /// The services that were throttled or waited a second or more on their quotas, as
    /// "lambda 12 throttled, 40.1 s waiting"; `None` when pacing cost nothing worth saying.
    pub fn pacing_summary(&self) -> Option<String> {
        let services: Vec<String> = self
            .pacing
            .iter()
            .filter(|p| p.throttled > 0 || p.waited_ms >= 1000)
            .map(|p| {
                format!(
                    "{} {} throttled, {:.1} s waiting",
                    p.service,
                    p.throttled,
                    p.waited_ms as f64 / 1000.0
                )
            })
            .collect();
        (!services.is_empty()).then(|| services.join(", "))
    }

    /// Adds another scan's calls (another account, another shard): the totals, each
    /// operation's counts and each service's pacing added up, in the order first seen.
    pub fn absorb(&mut self, other: CallStats) {
        self.operations += other.operations;
        self.attempts += other.attempts;
        self.failed_attempts += other.failed_attempts;
        for count in other.by_operation {
            match self
                .by_operation
                .iter_mut()
                .find(|c| c.service == count.service && c.operation == count.operation)
            {
                Some(sum) => {
                    sum.operations += count.operations;
                    sum.attempts += count.attempts;
                    sum.failed_attempts += count.failed_attempts;
                }
                None => self.by_operation.push(count),
            }
        }
        for paced in other.pacing {
            match self.pacing.iter_mut().find(|p| p.service == paced.service) {
                Some(sum) => {
                    sum.throttled += paced.throttled;
                    sum.backoffs += paced.backoffs;
                    sum.waited_ms += paced.waited_ms;
                }
                None => self.pacing.push(paced),
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn count(operation: &str, n: u64) -> CallCount {
        CallCount {
            service: "Lambda".to_owned(),
            operation: operation.to_owned(),
            operations: n,
            attempts: n + 1,
            failed_attempts: 1,
        }
    }

    fn paced(service: &str, throttled: u64, waited_ms: u64) -> ServicePacing {
        ServicePacing {
            service: service.to_owned(),
            throttled,
            backoffs: throttled / 2,
            waited_ms,
        }
    }

    #[test]
    fn absorbed_calls_add_up_per_operation_and_per_service() {
        let mut total = CallStats {
            operations: 7,
            attempts: 9,
            failed_attempts: 2,
            by_operation: vec![count("ListFunctions", 2), count("GetPolicy", 5)],
            pacing: vec![paced("lambda", 4, 300)],
        };
        total.absorb(CallStats {
            operations: 4,
            attempts: 6,
            failed_attempts: 2,
            by_operation: vec![count("ListFunctions", 3), count("ListAliases", 1)],
            pacing: vec![paced("lambda", 2, 100), paced("kms", 1, 10)],
        });
        assert_eq!(
            (total.operations, total.attempts, total.failed_attempts),
            (11, 15, 4)
        );
        let mut listed = count("ListFunctions", 5);
        listed.attempts = 7;
        listed.failed_attempts = 2;
        assert_eq!(
            total.by_operation,
            vec![listed, count("GetPolicy", 5), count("ListAliases", 1)]
        );
        assert_eq!(
            total.pacing,
            vec![
                ServicePacing {
                    service: "lambda".to_owned(),
                    throttled: 6,
                    backoffs: 3,
                    waited_ms: 400,
                },
                paced("kms", 1, 10),
            ]
        );
    }

    #[test]
    fn the_pacing_summary_names_only_services_pacing_cost_something() {
        let mut calls = CallStats::default();
        assert_eq!(calls.pacing_summary(), None);
        calls.pacing = vec![
            paced("lambda", 0, 40_100),
            paced("s3", 0, 999),
            paced("kms", 3, 0),
        ];
        assert_eq!(
            calls.pacing_summary().as_deref(),
            Some("lambda 0 throttled, 40.1 s waiting, kms 3 throttled, 0.0 s waiting")
        );
    }
}

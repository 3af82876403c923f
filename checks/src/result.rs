//! What a check yields and how it is described: typed metadata, and one result per evaluated
//! resource (pass, fail with findings, or unknown with the gap that prevented it). Results are
//! built from the check's own metadata, so an id or severity cannot be mistyped.

use crate::model::Gap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    OverPrivilege,
    Secrets,
    Encryption,
    PublicExposure,
    Concurrency,
    KeyAge,
    Monitoring,
    SupplyChain,
    AttackPath,
}

/// The kind of resource a check evaluates, one result each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    Account,
    LambdaFunction,
    FunctionUrl,
    EventSourceMapping,
    IamRole,
    IamUser,
    AccessKey,
    S3Bucket,
    RestApi,
    RestApiStage,
    RestApiMethod,
    HttpApiRoute,
    HttpApiStage,
    DomainName,
    ApiKey,
    KmsKey,
    HttpApi,
    LambdaLayerVersion,
    S3AccessPoint,
    S3MultiRegionAccessPoint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Compliance {
    pub framework: &'static str,
    pub control: &'static str,
}

pub const fn fsbp(control: &'static str) -> Compliance {
    Compliance {
        framework: "AWS FSBP",
        control,
    }
}
pub const fn cis(control: &'static str) -> Compliance {
    Compliance {
        framework: "CIS AWS Foundations v3.0",
        control,
    }
}
pub const fn nist(control: &'static str) -> Compliance {
    Compliance {
        framework: "NIST 800-53 r5",
        control,
    }
}

/// A check's identity and documentation, as data.
#[derive(Debug, Serialize)]
pub struct CheckMeta {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub resource_kind: ResourceKind,
    pub references: &'static [&'static str],
    pub compliance: &'static [Compliance],
    /// The long documentation (what, why, remediation, example, references), Markdown.
    #[serde(skip)]
    pub docs: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Unknown,
    Muted,
}

/// The resource a result is about, shared: a resource is referenced by the results of many
/// checks, and a large account yields a million results, so each holds one pointer (not five).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ResourceRef(Arc<Resource>);

impl ResourceRef {
    pub fn new(resource: Resource) -> Self {
        ResourceRef(Arc::new(resource))
    }
    /// The same resource under another kind (a function's URL, its mappings).
    pub fn as_kind(&self, kind: ResourceKind) -> Self {
        ResourceRef::new(Resource {
            kind,
            ..(*self.0).clone()
        })
    }
}

impl std::ops::Deref for ResourceRef {
    type Target = Resource;
    fn deref(&self) -> &Resource {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub arn: Arc<str>,
    pub kind: ResourceKind,
    pub name: Arc<str>,
    pub region: Arc<str>,
    /// Shared: every result of a scan names the same account.
    pub account: Arc<str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Nearly always a literal: borrowed, so a 100k-result scan does not allocate each one.
    pub path: Cow<'static, str>,
    pub value: String,
}

pub fn evidence(path: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Evidence {
    Evidence {
        path: path.into(),
        value: value.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub message: String,
    pub evidence: Vec<Evidence>,
    /// Related resources' ARNs, shared with the inventory's references where possible.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Arc<str>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check_id: Cow<'static, str>,
    pub status: Status,
    pub severity: Severity,
    pub resource: ResourceRef,
    pub findings: Vec<Finding>,
    /// For `pass`: what was verified, where it helps an auditor (e.g. "blocked by BPA").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For `unknown`: why the check could not decide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<Box<Gap>>,
    /// For `muted`: the suppression that muted it and the status it would have had, typed so
    /// every renderer can say so (SARIF `suppressions`, ASFF `SUPPRESSED`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<Box<MutedBy>>,
    /// check id + resource ARN + discriminator, hashed: stable across runs. Written as 16 hex
    /// digits.
    #[serde(with = "hex_u64")]
    pub fingerprint: u64,
}

/// A suppression in force on a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MutedBy {
    /// The status the result would have without the suppression.
    pub was: Status,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The suppression's expiry date (`YYYY-MM-DD`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl CheckMeta {
    fn result(&self, resource: ResourceRef, status: Status) -> CheckResult {
        let fingerprint = fingerprint(self.id, &resource.arn, "");
        CheckResult {
            check_id: Cow::Borrowed(self.id),
            status,
            severity: self.severity,
            resource,
            findings: Vec::new(),
            note: None,
            unknown_reason: None,
            gap: None,
            muted: None,
            fingerprint,
        }
    }

    pub fn pass(&self, resource: ResourceRef) -> CheckResult {
        self.result(resource, Status::Pass)
    }

    pub fn pass_with_note(&self, resource: ResourceRef, note: impl Into<String>) -> CheckResult {
        CheckResult {
            note: Some(note.into()),
            ..self.result(resource, Status::Pass)
        }
    }

    pub fn fail(&self, resource: ResourceRef, findings: Vec<Finding>) -> CheckResult {
        CheckResult {
            findings,
            ..self.result(resource, Status::Fail)
        }
    }

    /// A failure with one finding.
    pub fn fail_one(
        &self,
        resource: ResourceRef,
        message: String,
        evidence: Vec<Evidence>,
    ) -> CheckResult {
        self.fail(
            resource,
            vec![Finding {
                message,
                evidence,
                related: Vec::new(),
            }],
        )
    }

    pub fn unknown(
        &self,
        resource: ResourceRef,
        reason: impl Into<String>,
        gap: Option<&Gap>,
    ) -> CheckResult {
        CheckResult {
            unknown_reason: Some(reason.into()),
            gap: gap.cloned().map(Box::new),
            ..self.result(resource, Status::Unknown)
        }
    }

    /// Unknown because an attribute was unavailable.
    pub fn unknown_gap(&self, resource: ResourceRef, gap: &Gap) -> CheckResult {
        let reason = format!(
            "{} {} could not be read ({}: {})",
            gap.service, gap.operation, gap.error_code, gap.message
        );
        self.unknown(resource, reason, Some(gap))
    }
}

impl CheckResult {
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// FNV-1a over the parts: stable, dependency-free, and not a security boundary.
pub fn fingerprint(check_id: &str, arn: &str, discriminator: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [check_id, "\u{1f}", arn, "\u{1f}", discriminator] {
        for byte in part.as_bytes() {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// Fingerprints travel as 16 lower-case hex digits.
pub mod hex_u64 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &u64, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{value:016x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        let text = String::deserialize(deserializer)?;
        u64::from_str_radix(&text, 16).map_err(serde::de::Error::custom)
    }
}

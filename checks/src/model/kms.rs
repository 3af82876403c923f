use super::{Attr, Tags};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    pub id: String,
    pub arn: String,
    pub region: String,
    /// The key's metadata (`DescribeKey`); when unreadable the rest is unknown too.
    pub metadata: Attr<KmsKeyMetadata>,
    /// Customer-managed symmetric keys only; `None` where rotation does not apply.
    pub rotation: Attr<Option<KmsKeyRotation>>,
    /// Customer-managed keys only; `None` for AWS-managed keys (their policy is fixed).
    pub policy: Attr<Option<String>>,
    /// From `ListAliases` (once per region): unavailable when that list could not be read.
    pub aliases: Attr<Vec<String>>,
    pub tags: Attr<Tags>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKeyMetadata {
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, ...
    pub state: String,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    pub spec: Option<String>,
    pub usage: Option<String>,
    pub origin: Option<String>,
    pub enabled: bool,
    pub multi_region: Option<bool>,
    pub description: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub deletion_date: Option<OffsetDateTime>,
}

impl KmsKeyMetadata {
    /// Not AWS-managed: a key whose manager was not reported is judged as the customer's
    /// (the collector reads its policy and rotation), never skipped.
    pub fn customer_managed(&self) -> bool {
        self.manager != "AWS"
    }
    /// Whether the key can rotate automatically (enabled or not: symmetric, KMS-made
    /// material); `None` when DescribeKey did not say its spec or origin.
    pub fn rotatable(&self) -> Option<bool> {
        let spec = self.spec.as_deref()?;
        let origin = self.origin.as_deref()?;
        Some(spec == "SYMMETRIC_DEFAULT" && origin == "AWS_KMS")
    }
    pub fn symmetric(&self) -> bool {
        self.spec.as_deref() == Some("SYMMETRIC_DEFAULT")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKeyRotation {
    pub enabled: bool,
    /// Not returned by every endpoint (moto never does).
    pub period_days: Option<i32>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_rotation: Option<OffsetDateTime>,
    /// Latest entry of `ListKeyRotations`.
    pub last_rotation: Attr<Option<super::Timestamp>>,
}

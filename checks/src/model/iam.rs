use super::{Attr, Tags};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamInventory {
    pub roles: Vec<IamRole>,
    pub users: Vec<IamUser>,
    pub groups: Vec<IamGroup>,
    /// Every managed policy attached anywhere (and every customer-managed one), keyed by ARN,
    /// each document stored once however many principals attach it.
    pub managed_policies: BTreeMap<String, ManagedPolicy>,
}

/// A policy document as JSON text, already URL-decoded. Parsing is the policy engine's job,
/// so a malformed document survives collection and becomes an `unknown` result later.
pub type PolicyDocument = String;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    pub name: String,
    pub document: PolicyDocument,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamRole {
    pub name: String,
    pub arn: String,
    pub role_id: String,
    pub path: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    pub description: Option<String>,
    pub max_session_duration: Option<i32>,
    pub trust_policy: Option<PolicyDocument>,
    pub inline_policies: Vec<InlinePolicy>,
    /// ARNs into `IamInventory::managed_policies`.
    pub attached_policies: Vec<String>,
    pub permissions_boundary: Option<String>,
    pub last_used: Option<RoleLastUsed>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleLastUsed {
    #[serde(with = "time::serde::rfc3339::option")]
    pub date: Option<OffsetDateTime>,
    pub region: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamUser {
    pub name: String,
    pub arn: String,
    pub user_id: String,
    pub path: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    pub inline_policies: Vec<InlinePolicy>,
    pub attached_policies: Vec<String>,
    pub groups: Vec<String>,
    pub permissions_boundary: Option<String>,
    pub tags: Tags,
    pub access_keys: Attr<Vec<AccessKey>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessKey {
    pub access_key_id: String,
    /// Same keyed fingerprint as environment values, so a key found in an environment
    /// variable can be matched to its owner without keeping the variable's value.
    pub fingerprint: String,
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    pub last_used: Attr<Option<AccessKeyLastUsed>>,
}

impl AccessKey {
    /// Whether the key may sign requests: `Active`, or a status the listing did not report
    /// (judged, never skipped); only `Inactive` and `Expired` keys cannot.
    pub fn may_be_active(&self) -> bool {
        !matches!(self.status.as_str(), "Inactive" | "Expired")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessKeyLastUsed {
    #[serde(with = "time::serde::rfc3339::option")]
    pub date: Option<OffsetDateTime>,
    pub service: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamGroup {
    pub name: String,
    pub arn: String,
    pub inline_policies: Vec<InlinePolicy>,
    pub attached_policies: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicy {
    pub arn: String,
    pub name: String,
    pub aws_managed: bool,
    pub default_version_id: Option<String>,
    /// The default version's document.
    pub document: Attr<PolicyDocument>,
    pub attachment_count: Option<i32>,
}

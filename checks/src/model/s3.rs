use super::{Attr, Tags};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Inventory {
    pub buckets: Attr<Vec<S3Bucket>>,
    /// Account-level Block Public Access (s3control); `None` when never configured.
    pub account_public_access_block: Attr<Option<PublicAccessBlock>>,
    /// Multi-Region Access Points (s3control `ListMultiRegionAccessPoints`, served from
    /// us-west-2 for the whole account).
    #[serde(default = "mraps_not_recorded")]
    pub multi_region_access_points: Attr<Vec<S3MultiRegionAccessPoint>>,
}

fn mraps_not_recorded() -> Attr<Vec<S3MultiRegionAccessPoint>> {
    Attr::Unavailable(Box::new(super::lambda::not_recorded(
        "s3",
        "ListMultiRegionAccessPoints",
    )))
}

/// An S3 access point: a named network endpoint to a bucket with its own policy and its own
/// Block Public Access settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3AccessPoint {
    pub name: String,
    /// `arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME`
    pub arn: String,
    pub region: String,
    pub bucket: String,
    /// The account that owns the bucket (may differ from the access point's).
    pub bucket_account_id: Option<String>,
    /// `Internet` or `VPC`.
    pub network_origin: Option<String>,
    pub vpc_id: Option<String>,
    /// `GetAccessPoint`'s `PublicAccessBlockConfiguration` (set at creation, immutable).
    pub public_access_block: Attr<Option<PublicAccessBlock>>,
    /// `GetAccessPointPolicy`; `None` when it has none.
    pub policy: Attr<Option<String>>,
    /// AWS's own verdict (`GetAccessPointPolicyStatus`); only asked when there is a policy.
    pub policy_is_public: Attr<Option<bool>>,
}

/// A Multi-Region Access Point: one global endpoint over buckets in several regions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3MultiRegionAccessPoint {
    pub name: String,
    /// `arn:aws:s3::ACCOUNT:accesspoint/ALIAS`
    pub arn: String,
    pub alias: Option<String>,
    pub status: Option<String>,
    /// From the listing's report; `None` when it carried none.
    pub public_access_block: Option<PublicAccessBlock>,
    /// `GetMultiRegionAccessPointPolicy`: the established policy; `None` when it has none.
    pub policy: Attr<Option<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Bucket {
    pub name: String,
    pub arn: String,
    pub region: Attr<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    /// `None` when no default encryption is configured.
    pub encryption: Attr<Option<BucketEncryption>>,
    pub public_access_block: Attr<Option<PublicAccessBlock>>,
    pub policy: Attr<Option<String>>,
    /// AWS's own verdict (`GetBucketPolicyStatus`); only asked when the policy allows a
    /// wildcard principal (`None` otherwise, and when there is no policy).
    pub policy_is_public: Attr<Option<bool>>,
    pub acl: Attr<BucketAcl>,
    /// `BucketOwnerEnforced`, `BucketOwnerPreferred` or `ObjectWriter`; `None` when unset.
    pub object_ownership: Attr<Option<String>>,
    pub versioning: Attr<BucketVersioning>,
    /// `None` when server access logging is off.
    pub logging: Attr<Option<BucketLogging>>,
    pub tags: Attr<Tags>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

/// The four flags as AWS names them, for evidence.
impl std::fmt::Display for PublicAccessBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "BlockPublicAcls={} IgnorePublicAcls={} BlockPublicPolicy={} RestrictPublicBuckets={}",
            self.block_public_acls,
            self.ignore_public_acls,
            self.block_public_policy,
            self.restrict_public_buckets
        )
    }
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketEncryption {
    pub rules: Vec<BucketEncryptionRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketEncryptionRule {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub sse_algorithm: String,
    pub kms_master_key_id: Option<String>,
    pub bucket_key_enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketAcl {
    pub owner_id: Option<String>,
    pub grants: Vec<AclGrant>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclGrant {
    /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
    pub grantee_type: String,
    pub grantee_id: Option<String>,
    pub grantee_uri: Option<String>,
    pub permission: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketVersioning {
    /// `Enabled`, `Suspended`, or `None` when never enabled.
    pub status: Option<String>,
    pub mfa_delete: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketLogging {
    pub target_bucket: String,
    pub target_prefix: Option<String>,
}

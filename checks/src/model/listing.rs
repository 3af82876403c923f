//! Which calls enumerate resources. When one of them fails (wholly, or after some pages were
//! read), every resource it would have returned is unread: the walkers give an unknown for
//! it, the coverage statement says "not read" or "partially read", and the scan is
//! incomplete. A listing gap is a gap with no `resource`, for one of the operations below.

use super::{Gap, Inventory};

/// A call that enumerates one kind of resource, per region (or once per account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    /// The gap's `service` (`apigateway` covers v1 and v2).
    pub service: &'static str,
    pub operation: &'static str,
    /// What it enumerates, for people.
    pub resources: &'static str,
    /// True when a failure leaves resources unenumerated (the scan is then incomplete);
    /// false for region-wide settings that only leave attributes unknown.
    pub enumerates: bool,
}

const fn listing(
    service: &'static str,
    operation: &'static str,
    resources: &'static str,
) -> Listing {
    Listing {
        service,
        operation,
        resources,
        enumerates: true,
    }
}

const fn setting(
    service: &'static str,
    operation: &'static str,
    resources: &'static str,
) -> Listing {
    Listing {
        service,
        operation,
        resources,
        enumerates: false,
    }
}

pub const LAMBDA_FUNCTIONS: Listing = listing("lambda", "ListFunctions", "Lambda functions");
pub const EVENT_SOURCE_MAPPINGS: Listing =
    setting("lambda", "ListEventSourceMappings", "event source mappings");
pub const IAM_PRINCIPALS: Listing = listing(
    "iam",
    "GetAccountAuthorizationDetails",
    "IAM roles, users, groups and policies",
);
pub const S3_BUCKETS: Listing = listing("s3", "ListBuckets", "S3 buckets");
pub const REST_APIS: Listing = listing("apigateway", "GetRestApis", "REST APIs");
pub const HTTP_APIS: Listing = listing("apigateway", "GetApis", "HTTP and WebSocket APIs");
pub const USAGE_PLANS: Listing = listing("apigateway", "GetUsagePlans", "usage plans");
pub const API_KEYS: Listing = listing("apigateway", "GetApiKeys", "API keys");
/// API Gateway v1 and v2 both call it `GetDomainNames` (and share the namespace): a partial
/// read of either stands for both.
pub const DOMAIN_NAMES: Listing = listing("apigateway", "GetDomainNames", "custom domain names");
pub const APIGATEWAY_ACCOUNT: Listing = setting(
    "apigateway",
    "GetAccount",
    "the account's API Gateway settings",
);
pub const LAMBDA_LAYERS: Listing = listing("lambda", "ListLayers", "Lambda layers");
pub const S3_ACCESS_POINTS: Listing = listing("s3", "ListAccessPoints", "S3 access points");
pub const S3_MULTI_REGION_ACCESS_POINTS: Listing = listing(
    "s3",
    "ListMultiRegionAccessPoints",
    "S3 Multi-Region Access Points",
);
pub const KMS_KEYS: Listing = listing("kms", "ListKeys", "KMS keys");
pub const KMS_ALIASES: Listing = setting("kms", "ListAliases", "KMS aliases");

pub const LISTINGS: &[Listing] = &[
    LAMBDA_FUNCTIONS,
    EVENT_SOURCE_MAPPINGS,
    IAM_PRINCIPALS,
    S3_BUCKETS,
    REST_APIS,
    HTTP_APIS,
    USAGE_PLANS,
    API_KEYS,
    DOMAIN_NAMES,
    APIGATEWAY_ACCOUNT,
    KMS_KEYS,
    KMS_ALIASES,
    LAMBDA_LAYERS,
    S3_ACCESS_POINTS,
    S3_MULTI_REGION_ACCESS_POINTS,
];

impl Listing {
    /// Whether the listing is made once per account (IAM, the bucket list, Multi-Region
    /// Access Points) rather than once per region.
    pub fn is_global(&self) -> bool {
        self.service == "iam"
            || (self.service == "s3"
                && matches!(
                    self.operation,
                    "ListBuckets" | "ListMultiRegionAccessPoints"
                ))
    }

    /// Whether `gap` is this listing failing (in `region`, or anywhere when `None`).
    pub fn failed_in(&self, gap: &Gap, region: Option<&str>) -> bool {
        gap.resource.is_none()
            && gap.service == self.service
            && gap.operation == self.operation
            && (region.is_none() || gap.region.as_deref() == region)
    }
}

impl Gap {
    /// The listing this gap is the failure of, if any.
    pub fn listing(&self) -> Option<&'static Listing> {
        LISTINGS.iter().find(|l| l.failed_in(self, None))
    }
}

impl Inventory {
    /// The gap of a listing that failed after part of it was read (the list itself is
    /// `Known` with what was read), in `region` (`None` for account-wide listings).
    pub fn listing_gap(&self, listing: &Listing, region: Option<&str>) -> Option<&Gap> {
        self.gaps.iter().find(|g| {
            listing.failed_in(g, None) && (region.is_none() || g.region.as_deref() == region)
        })
    }
}

//! The inventory: plain serde data describing one scan of one account. It is the contract
//! between the collector (which fills it) and the checks and renderers (which only read it).
//! An attribute that could not be read is `Attr::Unavailable(gap)`, never an empty default.

mod account;
mod apigateway;
mod arn;
mod common;
mod iam;
mod kms;
mod lambda;
pub mod listing;
mod s3;
mod source;

pub use account::*;
pub use apigateway::*;
pub use arn::{Arn, ArnError, is_account_id};
pub use common::*;
pub use iam::*;
pub use kms::*;
pub use lambda::*;
pub use s3::*;
pub use source::*;

use serde::{Deserialize, Serialize};

/// Bumped on any change that an older reader would misread.
pub const INVENTORY_SCHEMA_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    pub schema_version: u32,
    pub account: Account,
    /// Global (IAM is not regional).
    pub iam: Attr<IamInventory>,
    /// Buckets share one namespace per account; each carries its own region.
    pub s3: S3Inventory,
    /// Per scanned region, in the order the regions were given.
    pub regions: Vec<RegionInventory>,
    /// Every call that could not be completed, also referenced by the attribute it was for.
    pub gaps: Vec<Gap>,
    pub calls: CallStats,
    /// Where each resource was declared, by resource ARN, when the inventory was read from
    /// templates (`faascan scan --template`); empty for a live scan.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub sources: std::collections::BTreeMap<String, SourceLocation>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionInventory {
    pub region: String,
    pub lambda_functions: Attr<Vec<LambdaFunction>>,
    pub rest_apis: Attr<Vec<RestApi>>,
    pub usage_plans: Attr<Vec<UsagePlan>>,
    pub api_keys: Attr<Vec<ApiKey>>,
    pub domain_names: Attr<Vec<DomainName>>,
    pub apigateway_account: Attr<ApiGatewayAccount>,
    pub http_apis: Attr<Vec<HttpApi>>,
    pub kms_keys: Attr<Vec<KmsKey>>,
    /// Custom domain names as API Gateway v2 lists them (HTTP and WebSocket APIs map there;
    /// REST domains of the region appear in both lists).
    #[serde(default = "domain_names_v2_not_recorded")]
    pub domain_names_v2: Attr<Vec<DomainNameV2>>,
    /// The account's own Lambda layers with their versions' policies.
    #[serde(default = "lambda_layers_not_recorded")]
    pub lambda_layers: Attr<Vec<LambdaLayer>>,
    /// S3 access points of the region (s3control `ListAccessPoints`).
    #[serde(default = "access_points_not_recorded")]
    pub s3_access_points: Attr<Vec<S3AccessPoint>>,
}

fn domain_names_v2_not_recorded() -> Attr<Vec<DomainNameV2>> {
    Attr::Unavailable(Box::new(lambda::not_recorded(
        "apigateway",
        "GetDomainNames",
    )))
}

fn lambda_layers_not_recorded() -> Attr<Vec<LambdaLayer>> {
    Attr::Unavailable(Box::new(lambda::not_recorded("lambda", "ListLayers")))
}

fn access_points_not_recorded() -> Attr<Vec<S3AccessPoint>> {
    Attr::Unavailable(Box::new(lambda::not_recorded("s3", "ListAccessPoints")))
}

impl Inventory {
    pub fn lambda_functions(&self) -> impl Iterator<Item = &LambdaFunction> {
        self.regions
            .iter()
            .flat_map(|r| r.lambda_functions.known().into_iter().flatten())
    }
    pub fn rest_apis(&self) -> impl Iterator<Item = &RestApi> {
        self.regions
            .iter()
            .flat_map(|r| r.rest_apis.known().into_iter().flatten())
    }
    pub fn http_apis(&self) -> impl Iterator<Item = &HttpApi> {
        self.regions
            .iter()
            .flat_map(|r| r.http_apis.known().into_iter().flatten())
    }
    pub fn kms_keys(&self) -> impl Iterator<Item = &KmsKey> {
        self.regions
            .iter()
            .flat_map(|r| r.kms_keys.known().into_iter().flatten())
    }
    pub fn buckets(&self) -> impl Iterator<Item = &S3Bucket> {
        self.s3.buckets.known().into_iter().flatten()
    }
}

use super::{Attr, RedactedVariable, Tags};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// An API Gateway REST API (v1).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestApi {
    pub id: String,
    pub name: String,
    /// `arn:aws:apigateway:REGION::/restapis/ID`
    pub arn: String,
    pub region: String,
    pub description: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    /// `EDGE`, `REGIONAL` or `PRIVATE`.
    pub endpoint_types: Vec<String>,
    pub vpc_endpoint_ids: Vec<String>,
    pub api_key_source: Option<String>,
    pub disable_execute_api_endpoint: bool,
    /// Resource policy as JSON text (unescaped); `None` when there is none.
    pub policy: Option<String>,
    pub tags: Tags,
    pub stages: Attr<Vec<RestApiStage>>,
    pub resources: Attr<Vec<RestApiResource>>,
    pub authorizers: Attr<Vec<RestApiAuthorizer>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestApiStage {
    pub name: String,
    /// `arn:aws:apigateway:REGION::/restapis/ID/stages/NAME`
    pub arn: String,
    pub deployment_id: Option<String>,
    pub cache_cluster_enabled: bool,
    pub cache_cluster_size: Option<String>,
    pub tracing_enabled: bool,
    pub web_acl_arn: Option<String>,
    pub client_certificate_id: Option<String>,
    pub access_log: Option<AccessLogSettings>,
    /// Keyed by `resource_path/http_method`; `*/*` is the stage-wide default.
    pub method_settings: BTreeMap<String, MethodSetting>,
    pub variables: Vec<RedactedVariable>,
    pub tags: Tags,
    #[serde(with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_updated: Option<OffsetDateTime>,
    /// What the stage serves: its deployment, a snapshot of the API taken when it was
    /// deployed (`GetDeployment` with `embed=apisummary`). The resources and methods of the
    /// API itself are the draft, which is served only once deployed. `None` in inventories
    /// recorded before deployments were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<Attr<RestApiDeployment>>,
}

/// A REST API deployment: the snapshot a stage serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestApiDeployment {
    pub id: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    /// The deployed methods by resource path, then HTTP verb (`apiSummary`), with their
    /// authorization as deployed. `None` when the endpoint returned the deployment without
    /// a summary (AWS includes it whenever `embed=apisummary` is asked, and a deployment always
    /// has a method; some emulators omit it): the draft then stands in, and results say so.
    pub api_summary: Option<BTreeMap<String, BTreeMap<String, DeployedMethod>>>,
}

/// A method as a deployment serves it (`MethodSnapshot`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployedMethod {
    /// `NONE`, `AWS_IAM`, `CUSTOM` or `COGNITO_USER_POOLS`.
    pub authorization_type: Option<String>,
    pub api_key_required: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessLogSettings {
    pub destination_arn: Option<String>,
    pub format: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodSetting {
    pub throttling_burst_limit: Option<i32>,
    pub throttling_rate_limit: Option<f64>,
    pub caching_enabled: bool,
    pub cache_data_encrypted: bool,
    pub cache_ttl_seconds: Option<i32>,
    /// `OFF`, `ERROR` or `INFO`.
    pub logging_level: Option<String>,
    pub metrics_enabled: bool,
    pub data_trace_enabled: bool,
    pub require_authorization_for_cache_control: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestApiResource {
    pub id: String,
    pub path: String,
    pub methods: Vec<RestApiMethod>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestApiMethod {
    pub http_method: String,
    /// `arn:aws:apigateway:REGION::/restapis/ID/resources/RID/methods/VERB`
    pub arn: String,
    /// `NONE`, `AWS_IAM`, `CUSTOM` or `COGNITO_USER_POOLS`.
    pub authorization_type: String,
    pub authorizer_id: Option<String>,
    pub api_key_required: bool,
    pub integration: Option<RestApiIntegration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestApiIntegration {
    /// `AWS`, `AWS_PROXY`, `HTTP`, `HTTP_PROXY` or `MOCK`.
    pub integration_type: Option<String>,
    pub uri: Option<String>,
    pub connection_type: Option<String>,
    pub credentials: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestApiAuthorizer {
    pub id: String,
    pub name: Option<String>,
    /// `TOKEN`, `REQUEST` or `COGNITO_USER_POOLS`.
    pub authorizer_type: Option<String>,
    pub authorizer_uri: Option<String>,
    pub provider_arns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Throttle {
    pub burst_limit: Option<i32>,
    pub rate_limit: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsagePlan {
    pub id: String,
    pub name: Option<String>,
    pub region: String,
    pub api_stages: Vec<UsagePlanStage>,
    pub throttle: Option<Throttle>,
    pub quota_limit: Option<i32>,
    pub quota_period: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsagePlanStage {
    pub api_id: String,
    pub stage: String,
    /// Per-method throttles keyed by `resource_path/http_method`.
    pub throttle: BTreeMap<String, Throttle>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKey {
    pub id: String,
    pub name: Option<String>,
    /// `arn:aws:apigateway:REGION::/apikeys/ID`
    pub arn: String,
    pub region: String,
    pub enabled: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub created: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_updated: Option<OffsetDateTime>,
    pub stage_keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainName {
    pub name: String,
    /// `arn:aws:apigateway:REGION::/domainnames/NAME`
    pub arn: String,
    pub region: String,
    /// `TLS_1_0` or `TLS_1_2` (or a newer `SecurityPolicy_*` name).
    pub security_policy: Option<String>,
    pub endpoint_types: Vec<String>,
    pub certificate_arn: Option<String>,
    /// Which REST API stages the domain serves (`GetBasePathMappings`). Unavailable in
    /// inventories recorded before mappings were read.
    #[serde(default = "base_path_mappings_not_recorded")]
    pub base_path_mappings: Attr<Vec<BasePathMapping>>,
}

fn base_path_mappings_not_recorded() -> Attr<Vec<BasePathMapping>> {
    Attr::Unavailable(Box::new(super::lambda::not_recorded(
        "apigateway",
        "GetBasePathMappings",
    )))
}

/// A REST API stage served under a custom domain (API Gateway v1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasePathMapping {
    /// `(none)` for the root.
    pub base_path: String,
    pub rest_api_id: String,
    pub stage: Option<String>,
}

/// A custom domain name as API Gateway v2 lists it (`GetDomainNames`): REST, HTTP and
/// WebSocket APIs can be mapped to it, and it shares its namespace with the v1 list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainNameV2 {
    pub name: String,
    /// `arn:aws:apigateway:REGION::/domainnames/NAME`
    pub arn: String,
    pub region: String,
    /// `DomainNameConfigurations`: one per endpoint (a domain being migrated has two).
    pub configurations: Vec<DomainNameConfiguration>,
    /// `GetApiMappings`: the APIs and stages the domain serves.
    pub api_mappings: Attr<Vec<ApiMapping>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainNameConfiguration {
    /// `REGIONAL` or `EDGE`.
    pub endpoint_type: Option<String>,
    /// `TLS_1_0` or `TLS_1_2`.
    pub security_policy: Option<String>,
    pub certificate_arn: Option<String>,
}

/// An API stage served under a v2 custom domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiMapping {
    pub api_id: String,
    pub stage: Option<String>,
    /// The path under the domain (`ApiMappingKey`); empty for the root.
    pub api_mapping_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiGatewayAccount {
    /// Account-level default throttle for every REST API in the region.
    pub throttle: Option<Throttle>,
    pub cloudwatch_role_arn: Option<String>,
}

/// An API Gateway HTTP API (v2). WebSocket APIs are kept too, with their protocol.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpApi {
    pub id: String,
    pub name: String,
    /// `arn:aws:apigateway:REGION::/apis/ID`
    pub arn: String,
    pub region: String,
    /// `HTTP` or `WEBSOCKET`.
    pub protocol_type: Option<String>,
    pub api_endpoint: Option<String>,
    pub description: Option<String>,
    pub disable_execute_api_endpoint: bool,
    pub cors_allow_origins: Vec<String>,
    pub tags: Tags,
    pub routes: Attr<Vec<HttpApiRoute>>,
    pub integrations: Attr<Vec<HttpApiIntegration>>,
    pub stages: Attr<Vec<HttpApiStage>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpApiRoute {
    pub id: String,
    /// `arn:aws:apigateway:REGION::/apis/ID/routes/ROUTE_ID`
    pub arn: String,
    pub route_key: String,
    /// `NONE`, `AWS_IAM`, `CUSTOM` or `JWT`.
    pub authorization_type: Option<String>,
    pub authorizer_id: Option<String>,
    pub api_key_required: bool,
    /// `integrations/ID`.
    pub target: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpApiIntegration {
    pub id: String,
    pub integration_type: Option<String>,
    pub uri: Option<String>,
    pub connection_type: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpApiStage {
    pub name: String,
    /// `arn:aws:apigateway:REGION::/apis/ID/stages/NAME`
    pub arn: String,
    pub auto_deploy: bool,
    pub default_route_throttle: Option<Throttle>,
    pub route_throttles: BTreeMap<String, Throttle>,
    pub access_log: Option<AccessLogSettings>,
    pub variables: Vec<RedactedVariable>,
    pub tags: Tags,
}

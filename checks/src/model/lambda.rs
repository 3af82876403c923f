use super::{Attr, RedactedVariable, Tags};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaFunction {
    pub name: String,
    pub arn: String,
    pub region: String,
    /// None for container-image functions.
    pub runtime: Option<String>,
    pub handler: Option<String>,
    pub role_arn: String,
    pub timeout_seconds: Option<i32>,
    pub memory_mb: Option<i32>,
    pub architectures: Vec<String>,
    pub package_type: Option<String>,
    pub state: Option<String>,
    pub last_modified: Option<String>,
    pub description: Option<String>,
    /// `Active` or `PassThrough`.
    pub tracing_mode: Option<String>,
    pub layers: Vec<String>,
    pub vpc_config: Option<LambdaVpcConfig>,
    pub dead_letter_target_arn: Option<String>,
    pub kms_key_arn: Option<String>,
    /// Names, classifications and fingerprints only: values are dropped at collection.
    /// Unavailable when AWS returned `Environment.Error` instead of the variables (what a
    /// role sees that may not decrypt the function's customer-managed key).
    pub environment: Attr<Vec<RedactedVariable>>,
    pub tags: Attr<Tags>,
    /// The resource-based policy document as returned (JSON text); `None` when there is none.
    pub resource_policy: Attr<Option<String>>,
    /// `None` when no concurrency is reserved.
    pub reserved_concurrency: Attr<Option<i32>>,
    /// `None` when the function has no URL.
    pub function_url: Attr<Option<FunctionUrl>>,
    /// `None` when no code signing configuration is attached.
    pub code_signing_config_arn: Attr<Option<String>>,
    /// Asynchronous invocation settings (destinations), one per qualifier that has them.
    pub event_invoke_configs: Attr<Vec<EventInvokeConfig>>,
    pub event_source_mappings: Attr<Vec<EventSourceMapping>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaVpcConfig {
    pub vpc_id: Option<String>,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionUrl {
    pub url: String,
    /// `NONE` or `AWS_IAM`.
    pub auth_type: String,
    pub invoke_mode: Option<String>,
    pub cors: Option<FunctionUrlCors>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionUrlCors {
    pub allow_origins: Vec<String>,
    pub allow_methods: Vec<String>,
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub allow_credentials: Option<bool>,
    pub max_age: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventInvokeConfig {
    pub function_arn: String,
    pub on_success_destination: Option<String>,
    pub on_failure_destination: Option<String>,
    pub maximum_retry_attempts: Option<i32>,
    pub maximum_event_age_seconds: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSourceMapping {
    pub uuid: String,
    pub function_arn: String,
    pub event_source_arn: Option<String>,
    pub state: Option<String>,
    pub batch_size: Option<i32>,
    /// SQS only: `ScalingConfig.MaximumConcurrency`.
    pub maximum_concurrency: Option<i32>,
    pub on_failure_destination: Option<String>,
}

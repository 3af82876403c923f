use super::{Attr, Gap, GapKind, RedactedVariable, Tags};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// Aliases (`ListAliases`), each with its own resource policy and URL: AWS keeps one
    /// policy and one URL per qualifier, so an alias can be public while the function is not.
    /// Unavailable in inventories recorded before aliases were read.
    #[serde(default = "aliases_not_recorded")]
    pub aliases: Attr<Vec<LambdaAlias>>,
    /// The published versions an alias or an event-source mapping points to, with their
    /// configuration (a version keeps the role, runtime and environment it was published
    /// with). Unavailable when the aliases could not be read (which versions matter is then
    /// unknown).
    #[serde(default = "versions_not_recorded")]
    pub versions: Attr<Vec<LambdaVersion>>,
}

/// A field an older inventory lacks: unknown, not empty.
pub(crate) fn not_recorded(service: &str, operation: &str) -> Gap {
    Gap {
        service: service.to_owned(),
        region: None,
        operation: operation.to_owned(),
        resource: None,
        kind: GapKind::NotAttempted,
        error_code: "NotRecorded".to_owned(),
        message: format!(
            "not in this inventory: it was recorded by a faascan that did not call {operation}"
        ),
        request_id: None,
    }
}

fn aliases_not_recorded() -> Attr<Vec<LambdaAlias>> {
    Attr::Unavailable(Box::new(not_recorded("lambda", "ListAliases")))
}

fn versions_not_recorded() -> Attr<Vec<LambdaVersion>> {
    Attr::Unavailable(Box::new(not_recorded("lambda", "GetFunctionConfiguration")))
}

/// A function alias: a name for a published version (or `$LATEST`), invocable as its own
/// qualified ARN with its own policy and function URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaAlias {
    pub name: String,
    /// The qualified ARN: `arn:aws:lambda:R:A:function:NAME:ALIAS`.
    pub arn: String,
    /// The version it points to (`$LATEST` or a number).
    pub function_version: String,
    /// Weighted routing: further versions and the share of invocations each gets.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub routing_weights: BTreeMap<String, f64>,
    /// `GetPolicy` with the alias as `Qualifier`; `None` when it has none.
    pub resource_policy: Attr<Option<String>>,
    /// `GetFunctionUrlConfig` with the alias as `Qualifier`; `None` when it has no URL.
    pub function_url: Attr<Option<FunctionUrl>>,
}

/// A published version, read because an alias or an event source invokes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaVersion {
    pub version: String,
    /// The qualified ARN: `arn:aws:lambda:R:A:function:NAME:VERSION`.
    pub arn: String,
    /// `GetFunctionConfiguration` with the version as `Qualifier`.
    pub configuration: Attr<LambdaVersionConfig>,
}

/// What a published version froze at publication and may differ from `$LATEST`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaVersionConfig {
    pub runtime: Option<String>,
    pub role_arn: String,
    pub timeout_seconds: Option<i32>,
    pub memory_mb: Option<i32>,
    pub layers: Vec<String>,
    pub kms_key_arn: Option<String>,
    pub tracing_mode: Option<String>,
    pub environment: Attr<Vec<RedactedVariable>>,
}

impl LambdaFunction {
    /// The alias named `name`, if it was read.
    pub fn alias(&self, name: &str) -> Option<&LambdaAlias> {
        self.aliases.known()?.iter().find(|a| a.name == name)
    }

    /// The execution roles a qualifier (`None`, `$LATEST`, an alias or a version) runs with
    /// (an alias with weighted routing runs two versions). Empty for an alias the function
    /// does not have (invoking it fails). `Err(Some(gap))` when the read that would tell
    /// failed, `Err(None)` for a published version this inventory did not read (versions are
    /// read when an alias or an event source invokes them).
    pub fn roles_of(&self, qualifier: Option<&str>) -> Result<Vec<&str>, Option<&Gap>> {
        let versions: Vec<&str> = match qualifier {
            None | Some("$LATEST") => return Ok(vec![self.role_arn.as_str()]),
            Some(q) if q.chars().all(|c| c.is_ascii_digit()) => vec![q],
            Some(alias) => match &self.aliases {
                Attr::Unavailable(gap) => return Err(Some(gap)),
                Attr::Known(aliases) => match aliases.iter().find(|a| a.name == alias) {
                    None => return Ok(Vec::new()),
                    Some(a) => std::iter::once(a.function_version.as_str())
                        .chain(a.routing_weights.keys().map(String::as_str))
                        .collect(),
                },
            },
        };
        let mut roles = Vec::new();
        for version in versions {
            if version == "$LATEST" {
                roles.push(self.role_arn.as_str());
                continue;
            }
            let known = match &self.versions {
                Attr::Unavailable(gap) => return Err(Some(gap)),
                Attr::Known(known) => known,
            };
            match known.iter().find(|v| v.version == version) {
                None => return Err(None),
                Some(v) => match &v.configuration {
                    Attr::Known(c) => roles.push(c.role_arn.as_str()),
                    Attr::Unavailable(gap) => return Err(Some(gap)),
                },
            }
        }
        roles.sort_unstable();
        roles.dedup();
        Ok(roles)
    }
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

/// A Lambda layer the account publishes (`ListLayers`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaLayer {
    pub name: String,
    /// The layer's ARN, without a version.
    pub arn: String,
    pub region: String,
    /// Every version (`ListLayerVersions`), each with its own permissions.
    pub versions: Attr<Vec<LambdaLayerVersion>>,
}

/// One published version of a layer; its policy decides who may use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaLayerVersion {
    pub version: i64,
    /// `arn:aws:lambda:R:A:layer:NAME:VERSION`
    pub arn: String,
    pub created: Option<String>,
    pub compatible_runtimes: Vec<String>,
    /// `GetLayerVersionPolicy`: who may `lambda:GetLayerVersion`; `None` when it has none.
    pub policy: Attr<Option<String>>,
}

//! apigateway checks, one per file, each with its documentation beside it.

pub(crate) mod api_key_old;
pub(crate) mod api_public_policy;
pub(crate) mod common;
pub(crate) mod default_endpoint_enabled;
pub(crate) mod domain_weak_tls;
pub(crate) mod http_stage_no_throttling;
pub(crate) mod method_unauthenticated;
pub(crate) mod route_unauthenticated;
pub(crate) mod stage_cache_unencrypted;
pub(crate) mod stage_logging_disabled;
pub(crate) mod stage_no_client_certificate;
pub(crate) mod stage_no_throttling;
pub(crate) mod stage_no_usage_plan;
pub(crate) mod stage_no_waf;
pub(crate) mod stage_tracing_disabled;
pub(crate) mod stage_variable_secrets;

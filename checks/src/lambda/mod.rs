//! lambda checks, one per file, each with its documentation beside it.

pub(crate) mod event_source_cross_account;
pub(crate) mod event_source_no_max_concurrency;
pub(crate) mod function_code_signing_disabled;
pub(crate) mod function_cross_account_invoke;
pub(crate) mod function_cross_account_layer;
pub(crate) mod function_env_no_cmk;
pub(crate) mod function_env_secrets;
pub(crate) mod function_kms_key_unusable;
pub(crate) mod function_no_dlq;
pub(crate) mod function_no_reserved_concurrency;
pub(crate) mod function_permission_unscoped_source;
pub(crate) mod function_public_policy;
pub(crate) mod function_role_missing;
pub(crate) mod function_runtime_deprecated;
pub(crate) mod function_shared_role;
pub(crate) mod function_timeout_max;
pub(crate) mod function_tracing_disabled;
pub(crate) mod function_url_cors_wildcard;
pub(crate) mod function_url_unauthenticated;
pub(crate) mod layer_public_policy;
pub(crate) mod runtimes;

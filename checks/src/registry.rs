//! The one sorted list of checks (no discovery magic): adding a check means adding a line
//! here, and the registry tests keep the list, the files and the docs in step.

use crate::check::Check;
use crate::{apigateway, iam, kms, lambda, path, s3};

pub static REGISTRY: &[&Check] = &[
    &apigateway::api_key_old::CHECK,
    &apigateway::api_public_policy::CHECK,
    &apigateway::default_endpoint_enabled::CHECK,
    &apigateway::domain_weak_tls::CHECK,
    &apigateway::http_stage_no_throttling::CHECK,
    &apigateway::method_unauthenticated::CHECK,
    &apigateway::route_unauthenticated::CHECK,
    &apigateway::stage_cache_unencrypted::CHECK,
    &apigateway::stage_logging_disabled::CHECK,
    &apigateway::stage_no_client_certificate::CHECK,
    &apigateway::stage_no_throttling::CHECK,
    &apigateway::stage_no_usage_plan::CHECK,
    &apigateway::stage_no_waf::CHECK,
    &apigateway::stage_tracing_disabled::CHECK,
    &apigateway::stage_variable_secrets::CHECK,
    &iam::role_admin_access::CHECK,
    &iam::role_data_exfiltration::CHECK,
    &iam::role_not_action::CHECK,
    &iam::role_passrole_wildcard::CHECK,
    &iam::role_privilege_escalation::CHECK,
    &iam::role_resource_exposure::CHECK,
    &iam::role_service_wildcard::CHECK,
    &iam::role_trust_cross_account_no_external_id::CHECK,
    &iam::role_trust_oidc_no_subject::CHECK,
    &iam::role_trust_public::CHECK,
    &iam::role_unused::CHECK,
    &iam::user_access_key_old::CHECK,
    &iam::user_access_key_unused::CHECK,
    &iam::user_admin_access::CHECK,
    &iam::user_multiple_access_keys::CHECK,
    &kms::key_cross_account_access::CHECK,
    &kms::key_disabled::CHECK,
    &kms::key_material_old::CHECK,
    &kms::key_pending_deletion::CHECK,
    &kms::key_public_policy::CHECK,
    &kms::key_rotation_disabled::CHECK,
    &lambda::event_source_cross_account::CHECK,
    &lambda::event_source_no_max_concurrency::CHECK,
    &lambda::function_code_signing_disabled::CHECK,
    &lambda::function_cross_account_invoke::CHECK,
    &lambda::function_cross_account_layer::CHECK,
    &lambda::function_env_no_cmk::CHECK,
    &lambda::function_env_secrets::CHECK,
    &lambda::function_kms_key_unusable::CHECK,
    &lambda::function_no_dlq::CHECK,
    &lambda::function_no_reserved_concurrency::CHECK,
    &lambda::function_permission_unscoped_source::CHECK,
    &lambda::function_public_policy::CHECK,
    &lambda::function_role_missing::CHECK,
    &lambda::function_runtime_deprecated::CHECK,
    &lambda::function_shared_role::CHECK,
    &lambda::function_timeout_max::CHECK,
    &lambda::function_tracing_disabled::CHECK,
    &lambda::function_url_cors_wildcard::CHECK,
    &lambda::function_url_unauthenticated::CHECK,
    &lambda::layer_public_policy::CHECK,
    &path::denial_of_wallet::CHECK,
    &path::public_function_privileged_role::CHECK,
    &s3::access_point_public::CHECK,
    &s3::account_public_access_block_disabled::CHECK,
    &s3::bucket_acl_enabled::CHECK,
    &s3::bucket_cross_account_access::CHECK,
    &s3::bucket_logging_disabled::CHECK,
    &s3::bucket_no_default_encryption::CHECK,
    &s3::bucket_no_tls_enforcement::CHECK,
    &s3::bucket_not_kms_encrypted::CHECK,
    &s3::bucket_public_access_block_disabled::CHECK,
    &s3::bucket_public_acl::CHECK,
    &s3::bucket_public_policy::CHECK,
    &s3::bucket_versioning_disabled::CHECK,
];

/// The command that writes `docs/checks.md` from the registry.
pub const CATALOGUE_COMMAND: &str =
    "cargo run -q -p faascan-checks --example catalogue > docs/checks.md";

/// The generated catalogue (`docs/checks.md`): one row per check. A test keeps the committed
/// file equal to this.
pub fn catalogue_markdown() -> String {
    let mut out = format!(
        "# Check catalogue\n\nGenerated from the registry by `{CATALOGUE_COMMAND}`; do not edit.\n`faascan explain ID` prints a check's full documentation.\n\n| id | severity | evaluates | title | compliance |\n|---|---|---|---|---|\n",
    );
    for check in REGISTRY {
        let m = &check.meta;
        let kind = serde_json::to_value(m.resource_kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let compliance: Vec<String> = m
            .compliance
            .iter()
            .map(|c| format!("{} {}", c.framework, c.control))
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            m.id,
            m.severity.as_str(),
            kind,
            m.title,
            compliance.join(", ")
        ));
    }
    out
}

//! iam checks, one per file, each with its documentation beside it.

pub(crate) mod common;
#[cfg(test)]
mod corpus_tests;
pub(crate) mod keys;
pub(crate) mod managed;
pub(crate) mod role_admin_access;
pub(crate) mod role_data_exfiltration;
pub(crate) mod role_not_action;
pub(crate) mod role_passrole_wildcard;
pub(crate) mod role_privilege_escalation;
pub(crate) mod role_resource_exposure;
pub(crate) mod role_service_wildcard;
pub(crate) mod role_trust_cross_account_no_external_id;
pub(crate) mod role_trust_oidc_no_subject;
pub(crate) mod role_trust_public;
pub(crate) mod role_unused;
pub(crate) mod trust;
pub(crate) mod user_access_key_old;
pub(crate) mod user_access_key_unused;
pub(crate) mod user_admin_access;
pub(crate) mod user_multiple_access_keys;

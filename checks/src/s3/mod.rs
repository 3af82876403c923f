//! s3 checks, one per file, each with its documentation beside it.

pub(crate) mod access_point_public;
pub(crate) mod account_public_access_block_disabled;
pub(crate) mod bucket_acl_enabled;
pub(crate) mod bucket_cross_account_access;
pub(crate) mod bucket_logging_disabled;
pub(crate) mod bucket_no_default_encryption;
pub(crate) mod bucket_no_tls_enforcement;
pub(crate) mod bucket_not_kms_encrypted;
pub(crate) mod bucket_public_access_block_disabled;
pub(crate) mod bucket_public_acl;
pub(crate) mod bucket_public_policy;
pub(crate) mod bucket_versioning_disabled;
pub(crate) mod common;

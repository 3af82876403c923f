//! kms checks, one per file, each with its documentation beside it.

pub(crate) mod common;
pub(crate) mod key_cross_account_access;
pub(crate) mod key_disabled;
pub(crate) mod key_material_old;
pub(crate) mod key_pending_deletion;
pub(crate) mod key_public_policy;
pub(crate) mod key_rotation_disabled;

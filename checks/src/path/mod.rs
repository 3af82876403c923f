//! path checks, one per file, each with its documentation beside it.

pub(crate) mod denial_of_wallet;
pub(crate) mod public_function_privileged_role;

//! What a check is: its metadata and the pure function that evaluates it over a `Context`.
//! The vocabulary of its results lives in `result` (below the context) and is re-exported here,
//! so a check file needs one `use crate::check::*`.

pub use crate::result::*;

/// A check: its metadata and the pure function that evaluates it.
pub struct Check {
    pub meta: CheckMeta,
    pub run: fn(&crate::context::Context<'_>) -> Vec<CheckResult>,
}

//! faascan's pure core: the inventory model every other part speaks, the secret classifiers
//! the collector applies before a value is dropped, the IAM policy engine, and the check
//! catalogue. No AWS SDK, no I/O.

mod apigateway;
pub mod check;
pub mod context;
pub mod evaluate;
mod iam;
mod kms;
mod lambda;
pub mod model;
mod path;
pub mod policy;
pub mod registry;
mod s3;
pub mod secrets;
mod walk;

pub use check::{Check, CheckMeta, CheckResult, Severity, Status};
pub use context::{Context, Options};
pub use registry::REGISTRY;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod registry_tests;

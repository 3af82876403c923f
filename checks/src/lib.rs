//! faascan's pure core: the inventory model every other part speaks, the secret classifiers
//! the collector applies before a value is dropped, the IAM policy engine, and the check
//! catalogue. No AWS SDK, no I/O.
//!
//! Layers: a module uses only its own layer and those before it in this list, never one after
//! it, and no check uses another check (what checks share goes to `analysis`):
//!
//! 1. `model`: the inventory as collected, and `Arn`.
//! 2. `policy` (the IAM policy engine) and `secrets` (the secret classifiers).
//! 3. `result`: the vocabulary of check results and metadata.
//! 4. `options`, with the Lambda runtimes table beside its check (`lambda::runtimes`, data only).
//! 5. `context`: inventory + options + indexes, and a memo for the analysis.
//! 6. `analysis`: what the checks share (walkers per resource kind, the resource-policy reader,
//!    invoke access, API Gateway stage throttling, attack-path entries, permission analysis).
//! 7. `check` (a check is metadata + a function of the context), then the checks themselves,
//!    one file each under their service (`apigateway`, `iam`, `kms`, `lambda`, `path`, `s3`).
//! 8. `registry` (the sorted list) and `evaluate` (selection and parallel evaluation).
//!
//! `checks/tests/layers.rs` fails on a use against this order, a check using another check, or
//! any cycle among the files.

pub mod model;

pub mod policy;
pub mod secrets;

pub mod result;

pub mod options;

pub mod context;

mod analysis;

mod apigateway;
pub mod check;
mod iam;
mod kms;
mod lambda;
mod path;
mod s3;

pub mod evaluate;
pub mod registry;

pub use check::{Check, CheckMeta, CheckResult, Severity, Status};
pub use context::Context;
pub use model::Arn;
pub use options::Options;
pub use registry::REGISTRY;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod registry_tests;
#[cfg(test)]
mod unread_answers_tests;

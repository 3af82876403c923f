//! faascan's pure core: the inventory model every other part speaks, and the secret
//! classifiers the collector applies before a value is dropped. No AWS SDK, no I/O.

pub mod model;
pub mod policy;
pub mod secrets;

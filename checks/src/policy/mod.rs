//! The IAM policy engine: parsing every document shape, an action catalogue with access
//! levels, effective permissions of principals, and resource-policy analysis.

pub mod catalogue;
pub mod conditions;
pub mod document;
pub mod identity;
pub mod resource;

pub use catalogue::{AccessLevel, ActionSet, CATALOGUE};
pub use document::{Condition, Effect, PatternSet, Policy, PolicyError, Principal, Statement};
pub use identity::{
    AnalysedPolicy, Permissions, SourceError, SourcePolicy, analyse_policy, combine,
    covers_all_resources, effective_permissions,
};
pub use resource::{ResourceAccess, analyze, principal_account};

//! What the checks share, below them: walkers per resource kind, the one resource-policy
//! reader, who can invoke a function, API Gateway stage throttling and what a stage serves,
//! the credential-free entries of the attack paths, and what a set of permissions allows.
//! Nothing here imports a check module.

pub(crate) mod apigateway;
pub(crate) mod entries;
pub(crate) mod invoke;
pub(crate) mod permissions;
pub(crate) mod resource_policy;
pub(crate) mod walk;

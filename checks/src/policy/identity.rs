//! Effective permissions of a principal: every Allow in its identity policies, minus explicit
//! unconditioned Denies, capped by its permission boundary. Actions are split into those
//! allowed on every resource with no restricting condition ("unscoped") and those allowed
//! only on some resources or under a restricting condition ("scoped").

use super::catalogue::{ActionSet, CATALOGUE};
use super::conditions::{deny_leaves_only_restricted, identity_restrictions};
use super::document::{Effect, Policy, PolicyError, Statement};
use crate::model::Arn;
use std::sync::Arc;

/// One policy attached to a principal, with a name for evidence.
#[derive(Debug, Clone)]
pub struct SourcePolicy<'a> {
    /// `inline:NAME` or the managed policy ARN.
    pub source: String,
    pub document: &'a str,
}

#[derive(Debug, Clone)]
pub struct Grant {
    pub source: String,
    pub sid: Option<String>,
    pub actions: ActionSet,
    /// The statement reaches some actions on every resource with no restricting condition.
    pub unscoped: bool,
    /// Those actions.
    pub unscoped_actions: ActionSet,
    /// The unscoped actions reached through a wildcard pattern (`s3:*`, `s3:Put*`) or
    /// `NotAction`, as opposed to actions listed by name.
    pub wildcard_actions: ActionSet,
    /// Service prefixes the statement allows whole (`svc:*`) on `*` with no restricting
    /// condition, as written: this names services the catalogue does not know.
    pub service_wildcards: Vec<String>,
    /// The statement uses NotAction or NotResource.
    pub uses_not: bool,
}

/// One policy document, analysed once (a managed policy attached to many principals is
/// parsed and expanded a single time).
#[derive(Debug, Clone)]
pub struct AnalysedPolicy {
    pub source: String,
    allow_unscoped: ActionSet,
    /// Unscoped actions reached through a wildcard pattern or NotAction.
    allow_unscoped_wildcard: ActionSet,
    allow_any: ActionSet,
    deny: ActionSet,
    /// Actions a "deny unless" statement leaves allowed only under a restriction.
    deny_unless: ActionSet,
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone)]
pub struct Permissions {
    pub unscoped: ActionSet,
    /// The unscoped actions reached through a wildcard pattern or NotAction (not by name).
    pub unscoped_wildcard: ActionSet,
    pub scoped: ActionSet,
    /// The policies the permissions come from, for evidence.
    pub policies: Vec<Arc<AnalysedPolicy>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{policy}: {error}")]
pub struct SourceError {
    /// The policy that failed to parse (`inline:NAME` or an ARN).
    pub policy: String,
    pub error: PolicyError,
}

/// Whether a statement's resources reach everything (`*`, all-wildcard ARNs, or `NotResource`,
/// which allows all but a few).
pub fn covers_all_resources(statement: &Statement) -> bool {
    statement.resources.negated
        || statement.resources.patterns.iter().any(|p| {
            p == "*"
                || p.split(':')
                    .all(|part| part.chars().all(|c| c == '*') || part == "arn" || part == "aws")
        })
}

fn statement_actions(statement: &Statement) -> ActionSet {
    let set = CATALOGUE.expand_all(&statement.actions.patterns);
    if statement.actions.negated {
        set.complement(CATALOGUE.len())
    } else {
        set
    }
}

/// The part of a statement's actions that a wildcard pattern or NotAction reaches.
fn wildcard_actions(statement: &Statement, actions: &ActionSet) -> ActionSet {
    if statement.actions.negated {
        return actions.clone();
    }
    CATALOGUE.expand_all(
        statement
            .actions
            .patterns
            .iter()
            .filter(|p| p.contains(['*', '?'])),
    )
}

/// The statement's actions it allows on every resource: all of them for `*` (or `NotResource`),
/// else those whose every resource a pattern reaches (`arn:aws:iam::*:role/*` reaches every role
/// for iam:PassRole, not the users iam:CreateAccessKey acts on).
fn actions_on_every_resource(statement: &Statement, actions: &ActionSet) -> ActionSet {
    if covers_all_resources(statement) {
        return actions.clone();
    }
    let mut out = ActionSet::empty();
    let patterns = &statement.resources.patterns;
    // Patterns that name one resource (no wildcard) never reach every resource of a type.
    if patterns.iter().any(|p| p.contains(['*', '?'])) {
        for i in actions.iter() {
            if CATALOGUE.covers_every_resource(i, patterns) {
                out.insert(i);
            }
        }
    }
    out
}

/// Whether a statement's resources reach every resource of a service: `*`, or
/// `arn:PARTITION:SERVICE:*:*:*` (for a service the catalogue may not know).
fn every_resource_of(statement: &Statement, service: &str) -> bool {
    covers_all_resources(statement)
        || statement.resources.patterns.iter().any(|p| {
            Arn::parse(p).is_ok_and(|arn| {
                arn.service.eq_ignore_ascii_case(service)
                    && [arn.region, arn.account, arn.resource]
                        .iter()
                        .all(|f| f.chars().all(|c| c == '*'))
            })
        })
}

/// Parses and expands one document.
pub fn analyse_policy(source: &str, document: &str) -> Result<AnalysedPolicy, SourceError> {
    let parsed = Policy::parse(document).map_err(|error| SourceError {
        policy: source.to_owned(),
        error,
    })?;
    let mut out = AnalysedPolicy {
        source: source.to_owned(),
        allow_unscoped: ActionSet::empty(),
        allow_unscoped_wildcard: ActionSet::empty(),
        allow_any: ActionSet::empty(),
        deny: ActionSet::empty(),
        deny_unless: ActionSet::empty(),
        grants: Vec::new(),
    };
    for statement in &parsed.statements {
        let actions = statement_actions(statement);
        let everywhere = actions_on_every_resource(statement, &actions);
        let unconditioned = identity_restrictions(statement).is_empty();
        match statement.effect {
            Effect::Allow => {
                out.allow_any.union_with(&actions);
                let unscoped = if unconditioned {
                    everywhere
                } else {
                    ActionSet::empty()
                };
                let mut wildcard = wildcard_actions(statement, &actions);
                wildcard.intersect_with(&unscoped);
                out.allow_unscoped.union_with(&unscoped);
                out.allow_unscoped_wildcard.union_with(&wildcard);
                let service_wildcards = if unconditioned && !statement.actions.negated {
                    statement
                        .actions
                        .patterns
                        .iter()
                        .filter_map(|p| p.strip_suffix(":*"))
                        .filter(|svc| !svc.is_empty() && !svc.contains(['*', '?']))
                        .filter(|svc| every_resource_of(statement, svc))
                        .map(str::to_ascii_lowercase)
                        .collect()
                } else {
                    Vec::new()
                };
                out.grants.push(Grant {
                    source: source.to_owned(),
                    sid: statement.sid.clone(),
                    actions,
                    service_wildcards,
                    unscoped: !unscoped.is_empty(),
                    unscoped_actions: unscoped,
                    wildcard_actions: wildcard,
                    uses_not: statement.actions.negated || statement.resources.negated,
                });
            }
            // Only a Deny that always applies, on every resource, removes an action outright.
            Effect::Deny if statement.conditions.is_empty() => out.deny.union_with(&everywhere),
            // "Deny unless via S3": what stays allowed is scoped.
            Effect::Deny if deny_leaves_only_restricted(statement) => {
                out.deny_unless.union_with(&everywhere)
            }
            Effect::Deny => {}
        }
    }
    Ok(out)
}

/// Effective permissions from analysed identity policies and an optional boundary: Allow minus
/// explicit Deny (in any of them), capped by the boundary's allows.
pub fn combine(policies: &[Arc<AnalysedPolicy>], boundary: Option<&AnalysedPolicy>) -> Permissions {
    let (mut unscoped, mut any, mut denied, mut wildcard) = (
        ActionSet::empty(),
        ActionSet::empty(),
        ActionSet::empty(),
        ActionSet::empty(),
    );
    let mut demoted = ActionSet::empty();
    for p in policies {
        unscoped.union_with(&p.allow_unscoped);
        wildcard.union_with(&p.allow_unscoped_wildcard);
        demoted.union_with(&p.deny_unless);
        any.union_with(&p.allow_any);
        denied.union_with(&p.deny);
    }
    if let Some(b) = boundary {
        denied.union_with(&b.deny);
        demoted.union_with(&b.deny_unless);
        unscoped.intersect_with(&b.allow_unscoped);
        any.intersect_with(&b.allow_any);
    }
    unscoped.subtract(&denied);
    unscoped.subtract(&demoted);
    any.subtract(&denied);
    // Denies and the boundary apply to wildcard grants as to the rest.
    wildcard.intersect_with(&unscoped);
    let mut scoped = any;
    scoped.subtract(&unscoped);
    Permissions {
        unscoped,
        unscoped_wildcard: wildcard,
        scoped,
        policies: policies.to_vec(),
    }
}

/// Effective permissions of a principal from its identity policies and optional boundary.
pub fn effective_permissions(
    policies: &[SourcePolicy<'_>],
    boundary: Option<&SourcePolicy<'_>>,
) -> Result<Permissions, SourceError> {
    let analysed = policies
        .iter()
        .map(|p| analyse_policy(&p.source, p.document).map(Arc::new))
        .collect::<Result<Vec<_>, _>>()?;
    let boundary = boundary
        .map(|b| analyse_policy(&b.source, b.document))
        .transpose()?;
    Ok(combine(&analysed, boundary.as_ref()))
}

impl Permissions {
    /// Every Allow statement of the principal's policies.
    pub fn grants(&self) -> impl Iterator<Item = &Grant> {
        self.policies.iter().flat_map(|p| p.grants.iter())
    }
    pub fn allows_unscoped(&self, action: &str) -> bool {
        CATALOGUE
            .index(action)
            .is_some_and(|i| self.unscoped.contains(i))
    }
    /// The sources granting `action` unscoped, for evidence.
    pub fn unscoped_sources(&self, action: &str) -> Vec<String> {
        let Some(i) = CATALOGUE.index(action) else {
            return Vec::new();
        };
        let mut sources: Vec<String> = self
            .grants()
            .filter(|g| g.unscoped_actions.contains(i))
            .map(|g| g.source.clone())
            .collect();
        sources.sort();
        sources.dedup();
        sources
    }
    /// The sources granting any of `actions` unscoped, for evidence.
    pub fn unscoped_sources_of(&self, actions: &ActionSet) -> Vec<String> {
        let mut sources: Vec<String> = self
            .grants()
            .filter(|g| g.unscoped_actions.intersects(actions))
            .map(|g| g.source.clone())
            .collect();
        sources.sort();
        sources.dedup();
        sources
    }
    /// Share of all catalogue actions allowed everywhere, unconditionally.
    pub fn unscoped_share(&self) -> f64 {
        self.unscoped.count() as f64 / CATALOGUE.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perms(docs: &[&str], boundary: Option<&str>) -> Permissions {
        let sources: Vec<SourcePolicy<'_>> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| SourcePolicy {
                source: format!("p{i}"),
                document: d,
            })
            .collect();
        let boundary = boundary.map(|d| SourcePolicy {
            source: "boundary".into(),
            document: d,
        });
        effective_permissions(&sources, boundary.as_ref()).unwrap_or_else(|e| panic!("{e}"))
    }

    const ADMIN: &str = r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

    #[test]
    fn admin_and_deny_overriding_allow() {
        let p = perms(&[ADMIN], None);
        assert!(p.unscoped_share() > 0.999);
        let p = perms(
            &[
                ADMIN,
                r#"{"Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
            ],
            None,
        );
        assert!(!p.allows_unscoped("iam:PassRole"));
        assert!(p.allows_unscoped("s3:GetObject"));
        // A conditioned Deny may not apply: it does not remove the Allow.
        let p = perms(
            &[
                ADMIN,
                r#"{"Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#,
            ],
            None,
        );
        assert!(p.allows_unscoped("iam:PassRole"));
    }

    #[test]
    fn not_action_and_not_resource() {
        let p = perms(
            &[r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#],
            None,
        );
        assert!(!p.allows_unscoped("iam:CreateUser"));
        assert!(p.allows_unscoped("s3:DeleteBucket"));
        assert!(p.unscoped_share() > 0.9);
        assert!(p.grants().next().is_some_and(|g| g.uses_not));
        let p = perms(
            &[
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}]}"#,
            ],
            None,
        );
        assert!(
            p.allows_unscoped("s3:GetObject"),
            "NotResource reaches nearly everything"
        );
    }

    #[test]
    fn scoped_by_resource_or_condition() {
        let p = perms(
            &[
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
            ],
            None,
        );
        assert!(!p.allows_unscoped("s3:GetObject"));
        assert!(
            p.scoped
                .contains(CATALOGUE.index("s3:GetObject").unwrap_or(usize::MAX))
        );
        let p = perms(
            &[
                r#"{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}"#,
            ],
            None,
        );
        assert!(!p.allows_unscoped("iam:PassRole"));
    }

    #[test]
    fn a_wildcard_over_every_resource_of_a_type_is_unscoped() {
        let p = perms(
            &[
                r#"{"Statement":[{"Effect":"Allow","Action":["iam:*","s3:GetObject"],"Resource":["arn:aws:iam::*:role/*","arn:aws:s3:::*/*"]}]}"#,
            ],
            None,
        );
        assert!(p.allows_unscoped("iam:PassRole"), "every role");
        assert!(p.allows_unscoped("iam:PutRolePolicy"));
        assert!(p.allows_unscoped("s3:GetObject"), "every object");
        assert!(
            !p.allows_unscoped("iam:CreateAccessKey"),
            "acts on users, not roles"
        );
        let p = perms(
            &[
                r#"{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/service-role/ci-*"}]}"#,
            ],
            None,
        );
        assert!(!p.allows_unscoped("iam:PassRole"), "a path and name prefix");
        // A Deny on every object removes s3:GetObject everywhere.
        let p = perms(
            &[
                ADMIN,
                r#"{"Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::*"}]}"#,
            ],
            None,
        );
        assert!(!p.allows_unscoped("s3:GetObject"));
    }

    #[test]
    fn boundaries_cap_identity_policies() {
        let p = perms(
            &[ADMIN],
            Some(
                r#"{"Statement":[{"Effect":"Allow","Action":["s3:Get*","logs:*"],"Resource":"*"}]}"#,
            ),
        );
        assert!(p.allows_unscoped("s3:GetObject"));
        assert!(!p.allows_unscoped("iam:PassRole"));
        assert!(p.unscoped_share() < 0.1);
        assert_eq!(p.unscoped_sources("s3:GetObject"), ["p0"]);
    }

    #[test]
    fn a_malformed_document_names_its_source() {
        let bad = [SourcePolicy {
            source: "inline:broken".into(),
            document: "{not json",
        }];
        let err = effective_permissions(&bad, None)
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert_eq!(err.policy, "inline:broken");
    }
}

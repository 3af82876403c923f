//! Which conditions really narrow a statement. A condition that can be satisfied by anyone (a
//! wildcard value, `IfExists` on a key an outsider does not send, a negated operator in an
//! Allow, `0.0.0.0/0`) does not restrict.

use super::document::{Condition, Statement};

/// Keys that narrow who may call, in resource policies and trust policies (CHECKS.md).
const PRINCIPAL_RESTRICTING: &[&str] = &[
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:userid",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "kms:calleraccount",
    "s3:dataaccesspointaccount",
    "sts:externalid",
    "aws:multifactorauthpresent",
    "cognito-identity.amazonaws.com:aud",
    "token.actions.githubusercontent.com:sub",
];

/// Global keys that narrow what an identity statement reaches (besides service-specific keys,
/// which all narrow).
const IDENTITY_RESTRICTING_GLOBAL: &[&str] = &[
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:resourceorgpaths",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:viaawsservice",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:multifactorauthpresent",
];

fn negated(operator: &str) -> bool {
    operator.contains("Not")
}

/// Whether one condition can only be met by some callers.
fn narrows(condition: &Condition, key_allowed: impl Fn(&str) -> bool) -> bool {
    let key = condition.key.as_str();
    if !(key_allowed(key)
        || key.starts_with("aws:resourcetag/")
        || key.starts_with("aws:principaltag/"))
    {
        return false;
    }
    if condition.if_exists || condition.base_operator == "Null" || negated(&condition.base_operator)
    {
        return false;
    }
    if condition.values.is_empty() {
        return false;
    }
    let like = condition.base_operator.contains("Like");
    if like
        && condition
            .values
            .iter()
            .any(|v| v.chars().all(|c| c == '*' || c == '?'))
    {
        return false;
    }
    if key == "aws:multifactorauthpresent" {
        return condition.base_operator == "Bool"
            && condition
                .values
                .iter()
                .all(|v| v.eq_ignore_ascii_case("true"));
    }
    if key == "aws:viaawsservice" {
        return condition
            .values
            .iter()
            .all(|v| v.eq_ignore_ascii_case("true"));
    }
    if key == "aws:sourceip" {
        return condition.values.iter().all(|v| !is_open_range(v));
    }
    true
}

/// `0.0.0.0/0`, `::/0` and anything wider than a /8 is the Internet.
fn is_open_range(cidr: &str) -> bool {
    match cidr.split_once('/') {
        Some((_, bits)) => bits.parse::<u8>().map_or(true, |b| b < 8),
        None => false,
    }
}

/// The conditions of an Allow statement that restrict who can use it (resource and trust
/// policies). Conditions are ANDed, so one is enough.
pub fn principal_restrictions(statement: &Statement) -> Vec<&Condition> {
    statement
        .conditions
        .iter()
        .filter(|c| narrows(c, |k| PRINCIPAL_RESTRICTING.contains(&k)))
        .collect()
}

/// The conditions of an identity-policy statement that scope it (network, resource owner,
/// passed-to service, service-specific keys).
pub fn identity_restrictions(statement: &Statement) -> Vec<&Condition> {
    statement
        .conditions
        .iter()
        .filter(|c| {
            narrows(c, |k| {
                IDENTITY_RESTRICTING_GLOBAL.contains(&k) || !k.starts_with("aws:")
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    fn first(doc: &str) -> Statement {
        Policy::parse(doc)
            .unwrap_or_else(|e| panic!("{e}"))
            .statements
            .remove(0)
    }

    fn restricted(condition: &str) -> bool {
        let s = first(&format!(
            r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{condition}}}]}}"#
        ));
        !principal_restrictions(&s).is_empty()
    }

    #[test]
    fn restricting_and_non_restricting_conditions() {
        assert!(restricted(
            r#"{"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#
        ));
        assert!(restricted(
            r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}"#
        ));
        assert!(restricted(
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b"}}"#
        ));
        assert!(restricted(r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#));
        assert!(
            restricted(r#"{"StringEquals":{"AWS:SourceAccount":"111122223333"}}"#),
            "keys are case-insensitive"
        );
        assert!(!restricted(r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#));
        assert!(!restricted(
            r#"{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}"#
        ));
        assert!(!restricted(r#"{"StringLike":{"aws:PrincipalOrgID":"*"}}"#));
        assert!(!restricted(
            r#"{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}"#
        ));
        assert!(!restricted(r#"{"Null":{"aws:SourceVpce":"false"}}"#));
        assert!(!restricted(r#"{"Bool":{"aws:SecureTransport":"true"}}"#));
        assert!(!restricted(r#"{"StringEquals":{"aws:UserAgent":"curl"}}"#));
        assert!(restricted(
            r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#
        ));
        assert!(!restricted(
            r#"{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#
        ));
        assert!(restricted(r#"{"StringEquals":{"sts:ExternalId":"x"}}"#));
    }

    #[test]
    fn identity_scoping() {
        let scoped = first(
            r#"{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}"#,
        );
        assert_eq!(identity_restrictions(&scoped).len(), 1);
        let region = first(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}]}"#,
        );
        assert!(
            identity_restrictions(&region).is_empty(),
            "a region limit does not scope data access"
        );
    }
}

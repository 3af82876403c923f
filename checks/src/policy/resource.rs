//! Resource-policy analysis: who can call (anyone, which accounts, which services), and which
//! statements are narrowed by a restricting condition.

use super::catalogue::glob_match_ci;
use super::conditions::principal_restrictions;
use super::document::{Effect, PatternSet, Policy, Principal, Statement};
use crate::model::{Arn, is_account_id};
use std::collections::BTreeSet;

/// What a resource policy lets others do, for the actions a check cares about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceAccess {
    /// Sids (or statement positions) of Allow statements open to anyone with no restricting
    /// condition.
    pub public_statements: Vec<String>,
    /// Open to anyone, but narrowed by a condition (listed for evidence).
    pub restricted_public_statements: Vec<String>,
    /// Account ids that may call: named principals, and accounts named in account conditions.
    pub accounts: BTreeSet<String>,
    /// Service principals and whether a SourceArn/SourceAccount-style condition narrows them.
    pub services: Vec<(String, bool)>,
}

impl ResourceAccess {
    pub fn is_public(&self) -> bool {
        !self.public_statements.is_empty()
    }
}

/// Whether two IAM action patterns (`service:Action`, wildcards allowed) can match a common
/// action. Resource policies name few actions, so this avoids expanding the catalogue.
fn overlap(a: &str, b: &str) -> bool {
    if a == "*" || b == "*" {
        return true;
    }
    let (Some((sa, aa)), Some((sb, ab))) = (a.split_once(':'), b.split_once(':')) else {
        return false;
    };
    (glob_match_ci(sa, sb) || glob_match_ci(sb, sa))
        && (glob_match_ci(aa, ab) || glob_match_ci(ab, aa))
}

/// Whether a statement's Action/NotAction reaches any of the wanted actions.
fn reaches(set: &PatternSet, wanted: &[&str]) -> bool {
    if set.negated {
        // NotAction reaches a wanted pattern unless one of its exclusions covers it whole.
        wanted
            .iter()
            .any(|w| !set.patterns.iter().any(|p| glob_match_ci(p, w)))
    } else {
        set.patterns
            .iter()
            .any(|p| wanted.iter().any(|w| overlap(p, w)))
    }
}

/// The account id in a principal (`123456789012`, `arn:aws:iam::123456789012:root`, a role or
/// user ARN), if any.
pub fn principal_account(principal: &str) -> Option<String> {
    let candidate = if principal.starts_with("arn:") {
        Arn::parse(principal).ok()?.account
    } else {
        principal
    };
    is_account_id(candidate).then(|| candidate.to_owned())
}

fn statement_name(statement: &Statement, index: usize) -> String {
    statement
        .sid
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("statement #{}", index + 1))
}

/// Analyses the Allow statements whose actions reach any of `actions` (patterns such as
/// `lambda:InvokeFunction` or `s3:*`).
pub fn analyze(policy: &Policy, actions: &[&str]) -> ResourceAccess {
    let mut access = ResourceAccess::default();
    for (index, statement) in policy.statements.iter().enumerate() {
        if statement.effect != Effect::Allow || !reaches(&statement.actions, actions) {
            continue;
        }
        let restrictions = principal_restrictions(statement);
        let name = statement_name(statement, index);
        let (anyone, aws, services) = match &statement.principal {
            Some(Principal::Anyone) => (true, Vec::new(), Vec::new()),
            // NotPrincipal with Allow grants everyone but the named: public.
            Some(Principal::Typed { negated: true, .. }) => (true, Vec::new(), Vec::new()),
            Some(Principal::Typed {
                aws,
                service,
                federated,
                canonical_user,
                ..
            }) => {
                let anyone = aws.iter().any(|a| a == "*")
                    || federated.iter().any(|f| f == "*")
                    || canonical_user.iter().any(|c| c == "*");
                (anyone, aws.clone(), service.clone())
            }
            None => (false, Vec::new(), Vec::new()),
        };
        if anyone {
            if restrictions.is_empty() {
                access.public_statements.push(name.clone());
            } else {
                access.restricted_public_statements.push(name.clone());
            }
            // Account conditions on a public statement name the accounts that may call.
            for condition in &restrictions {
                if matches!(
                    condition.key.as_str(),
                    "aws:principalaccount" | "aws:sourceaccount" | "kms:calleraccount"
                ) {
                    access
                        .accounts
                        .extend(condition.values.iter().filter_map(|v| principal_account(v)));
                }
            }
        }
        access
            .accounts
            .extend(aws.iter().filter_map(|a| principal_account(a)));
        for service in services {
            let narrowed = restrictions.iter().any(|c| {
                matches!(
                    c.key.as_str(),
                    "aws:sourcearn"
                        | "aws:sourceaccount"
                        | "aws:sourceowner"
                        | "aws:sourceorgid"
                        | "aws:sourceorgpaths"
                )
            });
            access.services.push((service, narrowed));
        }
    }
    access
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(doc: &str, actions: &[&str]) -> ResourceAccess {
        analyze(
            &Policy::parse(doc).unwrap_or_else(|e| panic!("{e}")),
            actions,
        )
    }

    #[test]
    fn public_unless_restricted() {
        let open = r#"{"Statement":[{"Sid":"open","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}]}"#;
        assert_eq!(
            access(open, &["lambda:InvokeFunction"]).public_statements,
            ["open"]
        );
        let aws_star = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"}]}"#;
        assert!(access(aws_star, &["s3:*"]).is_public());
        let vpce = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#;
        let a = access(vpce, &["s3:*"]);
        assert!(!a.is_public());
        assert_eq!(a.restricted_public_statements.len(), 1);
        let org = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"444455556666"}}}]}"#;
        let a = access(org, &["kms:*"]);
        assert!(!a.is_public());
        assert!(a.accounts.contains("444455556666"));
    }

    #[test]
    fn deny_and_irrelevant_actions_are_ignored() {
        let deny =
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
        assert!(!access(deny, &["s3:*"]).is_public());
        let other = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:GetFunction","Resource":"*"}]}"#;
        assert!(!access(other, &["lambda:InvokeFunction"]).is_public());
        let not_action = r#"{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"s3:DeleteBucket","Resource":"*"}]}"#;
        assert!(access(not_action, &["s3:GetObject"]).is_public());
    }

    #[test]
    fn accounts_and_services() {
        let doc = r#"{"Statement":[
          {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","999999999999","arn:aws:iam::444455556666:role/x"]},"Action":"lambda:InvokeFunction"},
          {"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction"},
          {"Effect":"Allow","Principal":{"Service":"apigateway.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:1:a/*"}}}]}"#;
        let a = access(doc, &["lambda:InvokeFunction"]);
        assert_eq!(
            a.accounts.iter().map(String::as_str).collect::<Vec<_>>(),
            ["111122223333", "444455556666", "999999999999"]
        );
        assert_eq!(
            a.services,
            [
                ("s3.amazonaws.com".to_owned(), false),
                ("apigateway.amazonaws.com".to_owned(), true)
            ]
        );
        assert!(!a.is_public());
    }
}

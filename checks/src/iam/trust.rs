//! Reading a role's trust policy: who may assume it, and under which conditions.

use crate::model::IamRole;
use crate::policy::{
    Effect, Policy, PolicyError, Principal, Statement, conditions::principal_restrictions,
    principal_account,
};

pub(crate) struct TrustEntry {
    pub(crate) statement: String,
    /// Anyone (`*`), or an account id.
    pub(crate) who: Who,
    pub(crate) restricted: bool,
    pub(crate) external_id_or_mfa: bool,
}

pub(crate) enum Who {
    Anyone,
    Account(String),
}

/// A role's trust policy as parsed once per evaluation (the parser's error is the caller's to
/// report).
fn trust_policy<'a>(
    cx: &crate::context::Context<'a>,
    role: &'a IamRole,
) -> Result<std::sync::Arc<Result<Policy, PolicyError>>, String> {
    let text = role
        .trust_policy
        .as_deref()
        .ok_or("the trust policy is missing")?;
    Ok(cx.parsed(text))
}

/// The Allow statements of a policy, each with its name (its Sid, or its position).
fn allow_statements(policy: &Policy) -> impl Iterator<Item = (String, &Statement)> {
    policy
        .statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s.effect == Effect::Allow)
        .map(|(i, s)| {
            let name = s
                .sid
                .clone()
                .filter(|x| !x.is_empty())
                .unwrap_or_else(|| format!("statement #{}", i + 1));
            (name, s)
        })
}

const ASSUME_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
];

pub(crate) fn trust_entries<'a>(
    cx: &crate::context::Context<'a>,
    role: &'a IamRole,
) -> Result<Vec<TrustEntry>, String> {
    let parsed = trust_policy(cx, role)?;
    let policy = parsed.as_ref().as_ref().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (statement, s) in allow_statements(policy) {
        let assumes = s.actions.patterns.iter().any(|p| {
            let p = p.to_ascii_lowercase();
            p == "*"
                || p == "sts:*"
                || ASSUME_ACTIONS
                    .iter()
                    .any(|a| crate::policy::catalogue::glob_match(&p, &a.to_ascii_lowercase()))
        }) != s.actions.negated;
        if !assumes {
            continue;
        }
        let restrictions = principal_restrictions(s);
        let external_id_or_mfa = restrictions
            .iter()
            .any(|c| c.key == "sts:externalid" || c.key == "aws:multifactorauthpresent");
        let mut push = |who| {
            out.push(TrustEntry {
                statement: statement.clone(),
                who,
                restricted: !restrictions.is_empty(),
                external_id_or_mfa,
            })
        };
        match &s.principal {
            Some(Principal::Anyone) | Some(Principal::Typed { negated: true, .. }) => {
                push(Who::Anyone)
            }
            Some(Principal::Typed { aws, federated, .. }) => {
                for a in aws {
                    if a == "*" {
                        push(Who::Anyone);
                    } else if let Some(account) = principal_account(a) {
                        push(Who::Account(account));
                    }
                }
                if federated.iter().any(|f| f == "*") {
                    push(Who::Anyone);
                }
            }
            None => {}
        }
    }
    Ok(out)
}

/// One OIDC identity provider a role trusts for `sts:AssumeRoleWithWebIdentity`, and whether a
/// condition pins the subject.
pub(crate) struct WebIdentityTrust {
    pub(crate) statement: String,
    /// The provider as the trust policy names it (an `oidc-provider/` ARN or a public IdP).
    pub(crate) principal: String,
    /// The provider's host and path (`token.actions.githubusercontent.com`), lower-cased.
    pub(crate) provider: String,
    /// `None`: the subject is pinned; `Some(why)`: it is not.
    pub(crate) open: Option<String>,
}

/// Public identity providers AWS names without an ARN.
const PUBLIC_PROVIDERS: &[&str] = &[
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
    "cognito-identity.amazonaws.com",
];

/// The OIDC provider a federated principal names, or `None` (SAML, `*`, malformed).
fn oidc_provider(federated: &str) -> Option<String> {
    let lower = federated.to_ascii_lowercase();
    if let Some((_, provider)) = lower.split_once(":oidc-provider/") {
        return (!provider.is_empty()).then(|| provider.to_owned());
    }
    PUBLIC_PROVIDERS.contains(&lower.as_str()).then_some(lower)
}

/// The claims that name who may assume: the subject, and for the public providers and Cognito
/// the application or identity pool that AWS documents as the required condition.
fn subject_keys(provider: &str) -> Vec<String> {
    let mut keys = vec![format!("{provider}:sub")];
    match provider {
        "cognito-identity.amazonaws.com" | "accounts.google.com" => {
            keys.push(format!("{provider}:aud"))
        }
        "graph.facebook.com" | "www.amazon.com" => keys.push(format!("{provider}:app_id")),
        _ => {}
    }
    keys
}

/// A subject pattern that any identity of the provider can match: only wildcards, or a wildcard
/// in the owner part of a GitHub (`repo:*/...`) or EKS (`system:serviceaccount:*:...`) subject.
fn open_subject(value: &str) -> bool {
    if value.chars().all(|c| c == '*' || c == '?') {
        return true;
    }
    for prefix in ["repo:", "system:serviceaccount:"] {
        if let Some(rest) = value.strip_prefix(prefix) {
            let owner = rest.split(['/', ':']).next().unwrap_or_default();
            return owner.is_empty() || owner.contains(['*', '?']);
        }
    }
    false
}

/// Why a statement's conditions leave the subject open, or `None` when one pins it.
fn open_reason(statement: &crate::policy::Statement, provider: &str) -> Option<String> {
    let keys = subject_keys(provider);
    let on_subject: Vec<&crate::policy::Condition> = statement
        .conditions
        .iter()
        .filter(|c| keys.contains(&c.key))
        .collect();
    // An OIDC token always carries its subject, so IfExists changes nothing here; a negated
    // operator or Null lets every other identity in.
    let pinning = on_subject.iter().any(|c| {
        matches!(
            c.base_operator.as_str(),
            "StringEquals" | "StringEqualsIgnoreCase" | "StringLike"
        ) && !c.values.is_empty()
            && c.values.iter().all(|v| !open_subject(v))
    });
    if pinning {
        return None;
    }
    Some(match on_subject.first() {
        None => format!("no condition on {}", keys.join(" or ")),
        Some(c) => format!(
            "{} {} {} lets any identity of the provider in",
            c.operator,
            c.key,
            c.values.join(", ")
        ),
    })
}

/// Every OIDC provider the role trusts for `sts:AssumeRoleWithWebIdentity`.
pub(crate) fn web_identity_trusts<'a>(
    cx: &crate::context::Context<'a>,
    role: &'a IamRole,
) -> Result<Vec<WebIdentityTrust>, String> {
    let parsed = trust_policy(cx, role)?;
    let policy = parsed.as_ref().as_ref().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (statement, s) in allow_statements(policy) {
        let reaches = s.actions.patterns.iter().any(|p| {
            crate::policy::catalogue::glob_match_ci(p, "sts:AssumeRoleWithWebIdentity") || p == "*"
        }) != s.actions.negated;
        let Some(Principal::Typed {
            negated: false,
            federated,
            ..
        }) = &s.principal
        else {
            continue;
        };
        if !reaches {
            continue;
        }
        for principal in federated {
            let Some(provider) = oidc_provider(principal) else {
                continue;
            };
            out.push(WebIdentityTrust {
                statement: statement.clone(),
                principal: principal.clone(),
                open: open_reason(s, &provider),
                provider,
            });
        }
    }
    Ok(out)
}

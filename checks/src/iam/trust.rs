//! Reading a role's trust policy: who may assume it, and under which conditions.

use crate::model::IamRole;
use crate::policy::{Effect, Principal, conditions::principal_restrictions, principal_account};

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

const ASSUME_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
];

pub(crate) fn trust_entries<'a>(
    cx: &crate::context::Context<'a>,
    role: &'a IamRole,
) -> Result<Vec<TrustEntry>, String> {
    let text = role
        .trust_policy
        .as_deref()
        .ok_or("the trust policy is missing")?;
    let parsed = cx.parsed(text);
    let policy = parsed.as_ref().as_ref().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (i, s) in policy.statements.iter().enumerate() {
        if s.effect != Effect::Allow {
            continue;
        }
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
        let statement = s
            .sid
            .clone()
            .filter(|x| !x.is_empty())
            .unwrap_or_else(|| format!("statement #{}", i + 1));
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

use crate::analysis::entries::{Entry, entries};
use crate::analysis::permissions::{escalation_methods, exfiltration_actions, is_admin};
use crate::check::*;
use crate::context::Context;
use crate::policy::Permissions;
use std::collections::BTreeMap;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "path-public-function-privileged-role",
        title: "A credential-free entry reaches a function whose role is privileged",
        severity: Severity::Critical,
        category: Category::AttackPath,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
        ],
        compliance: &[nist("AC-6"), nist("SC-7")],
        docs: include_str!("public_function_privileged_role.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let entries = entries(cx);
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        let found = entries.of(f);
        if found.is_empty() {
            // Not reachable without credentials, unless a hop we needed was unreadable.
            if let Some(blind) = entries.blind_spot(f) {
                return meta.unknown(resource, entries.blind_reason(&blind), Some(&blind.gap));
            }
            return meta.pass(resource);
        }
        // The roles the entries run: `$LATEST`'s, or the one the published version an alias
        // or an integration names was published with.
        let mut reached: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
        let mut unresolved: Option<(String, Option<crate::model::Gap>)> = None;
        for entry in found {
            let qualifier = entry.qualifier.as_deref();
            match f.roles_of(qualifier) {
                Ok(roles) => {
                    // No role: an alias the function does not have, which invokes nothing.
                    for role in roles {
                        reached.entry(role).or_default().push(entry);
                    }
                }
                Err(gap) => {
                    let why = match gap {
                        Some(gap) => format!(
                            "could not be read ({} {}: {})",
                            gap.operation, gap.error_code, gap.message
                        ),
                        None => "is a published version this inventory did not read".to_owned(),
                    };
                    unresolved.get_or_insert((
                        format!(
                            "{} invokes {}:{}, whose role {why}",
                            entry.description,
                            f.name,
                            qualifier.unwrap_or_default(),
                        ),
                        gap.cloned(),
                    ));
                }
            }
        }
        let mut findings = Vec::new();
        for (role_arn, entries) in &reached {
            let Some(role) = cx.role(role_arn) else {
                unresolved.get_or_insert((
                    format!("the role {role_arn} is not in the inventory"),
                    cx.inventory.iam.gap().cloned(),
                ));
                continue;
            };
            let permissions = match cx.role_permissions(role) {
                Ok(p) => p,
                Err(why) => {
                    if unresolved.is_none() {
                        unresolved = Some((why.reason, why.gap.map(|g| *g)));
                    }
                    continue;
                }
            };
            let dangers = dangers(permissions);
            if dangers.is_empty() {
                continue;
            }
            let mut lines: Vec<Evidence> = entries
                .iter()
                .map(|e| evidence(format!("entry.{}", e.kind), &e.description))
                .collect();
            lines.push(evidence("function", &f.arn));
            lines.extend(
                entries
                    .iter()
                    .filter_map(|e| e.qualifier.as_deref())
                    .map(|q| evidence("qualifier", q)),
            );
            lines.push(evidence("role", &role.arn));
            lines.extend(dangers.iter().map(|d| evidence("permissions", d)));
            findings.push(Finding {
                message: format!(
                    "anyone can invoke {} ({}), and its role {} has {}",
                    f.name,
                    entries
                        .iter()
                        .map(|e| e.kind)
                        .collect::<Vec<_>>()
                        .join(", "),
                    role.name,
                    dangers.join("; ")
                ),
                evidence: lines,
                related: entries
                    .iter()
                    .map(|e| e.arn.as_str().into())
                    .chain([role.arn.as_str().into()])
                    .collect(),
            });
        }
        if !findings.is_empty() {
            return meta.fail(resource, findings);
        }
        // The entries found reach only harmless roles; an unread hop could reach another
        // qualifier (an alias published with another role): unknown, unless the function has
        // no alias for it to name.
        if unresolved.is_none()
            && !f.aliases.known().is_some_and(|a| a.is_empty())
            && let Some(blind) = entries.blind_spot(f)
        {
            unresolved = Some((entries.blind_reason(&blind), Some(blind.gap)));
        }
        match unresolved {
            Some((reason, gap)) => meta.unknown(resource, reason, gap.as_ref()),
            None => meta.pass(resource),
        }
    })
}

/// What makes a role's permissions dangerous behind a public entry (admin implies every other
/// danger: said once).
fn dangers(permissions: &Permissions) -> Vec<String> {
    let mut dangers = Vec::new();
    if is_admin(permissions) {
        dangers.push("administrator access".to_owned());
    } else {
        let escalation = escalation_methods(permissions);
        if !escalation.is_empty() {
            dangers.push(format!("privilege escalation ({})", escalation.join(", ")));
        }
        let exfiltration = exfiltration_actions(permissions);
        if !exfiltration.is_empty() {
            dangers.push(format!("data exfiltration ({})", exfiltration.join(", ")));
        }
    }
    dangers
}

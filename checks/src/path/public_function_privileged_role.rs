use super::entries::entries;
use crate::check::*;
use crate::context::Context;
use crate::iam::analysis::{escalation_methods, exfiltration_actions, is_admin};

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
    crate::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        let found = entries.of(f);
        if found.is_empty() {
            // Not reachable without credentials, unless a hop we needed was unreadable.
            if let Some(blind) = entries.blind_spot(f) {
                return meta.unknown(resource, entries.blind_reason(&blind), Some(&blind.gap));
            }
            return meta.pass(resource);
        }
        let Some(role) = cx.role(&f.role_arn) else {
            return meta.unknown(
                resource,
                format!("the role {} is not in the inventory", f.role_arn),
                cx.inventory.iam.gap(),
            );
        };
        let permissions = match cx.role_permissions(role) {
            Ok(p) => p,
            Err(why) => return meta.unknown(resource, why.reason, why.gap.as_deref()),
        };
        let mut dangers = Vec::new();
        // Admin implies every other danger: say it once.
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
        if dangers.is_empty() {
            return meta.pass(resource);
        }
        let mut lines: Vec<Evidence> = found
            .iter()
            .map(|e| evidence(format!("entry.{}", e.kind), &e.description))
            .collect();
        lines.push(evidence("function", &f.arn));
        lines.push(evidence("role", &role.arn));
        lines.extend(dangers.iter().map(|d| evidence("permissions", d)));
        meta.fail(
            resource,
            vec![Finding {
                message: format!(
                    "anyone can invoke {} ({}), and its role {} has {}",
                    f.name,
                    found.iter().map(|e| e.kind).collect::<Vec<_>>().join(", "),
                    role.name,
                    dangers.join("; ")
                ),
                evidence: lines,
                related: found
                    .iter()
                    .map(|e| e.arn.clone())
                    .chain([role.arn.clone()])
                    .collect(),
            }],
        )
    })
}

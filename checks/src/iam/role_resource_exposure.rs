use super::common::{each_role_permissions, finding};
use crate::analysis::permissions::{by_service, exposure_actions, exposure_set};
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-resource-exposure",
        title: "IAM role may change resource policies to expose resources",
        severity: Severity::High,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://github.com/salesforce/cloudsplaining/blob/master/docs/glossary/resource-exposure.md",
            "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
        ],
        compliance: &[nist("AC-6"), nist("AC-3")],
        docs: include_str!("role_resource_exposure.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_role_permissions(cx, &CHECK.meta, |role, p| {
        let actions = exposure_actions(p);
        (!actions.is_empty()).then(|| {
            let services = by_service(&actions, 8, 12);
            let mut lines: Vec<Evidence> = services
                .iter()
                .map(|(service, names)| evidence(format!("actions.{service}"), names.clone()))
                .collect();
            // The policies granting them, once each.
            lines.extend(
                p.unscoped_sources_of(&exposure_set(p))
                    .into_iter()
                    .map(|s| evidence("policy", s)),
            );
            finding(
                format!(
                    "{} may change who can access resources, on every resource, with {} permission-management action(s) in {}",
                    role.name,
                    actions.len(),
                    services
                        .iter()
                        .map(|(s, names)| if s == "more" { names.as_str() } else { s.as_str() })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                lines,
            )
        })
    })
}

use super::common::{each_role_permissions, finding};
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-not-action",
        title: "IAM role has an Allow statement with NotAction or NotResource",
        severity: Severity::Medium,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",
        ],
        compliance: &[nist("AC-6")],
        docs: include_str!("role_not_action.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_role_permissions(cx, &CHECK.meta, |role, p| {
        let sources: Vec<String> = p
            .grants()
            .filter(|g| g.uses_not)
            .map(|g| {
                format!(
                    "{}{}",
                    g.source,
                    g.sid
                        .as_ref()
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default()
                )
            })
            .collect();
        (!sources.is_empty()).then(|| {
            finding(
                format!("{} allows by exclusion (NotAction/NotResource), which grants every future action too", role.name),
                sources.into_iter().map(|s| evidence("statement", s)).collect(),
            )
        })
    })
}

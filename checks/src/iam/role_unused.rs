use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-unused",
        title: "IAM role has not been used recently",
        severity: Severity::Low,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html",
        ],
        compliance: &[nist("AC-2(3)")],
        docs: include_str!("role_unused.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let days = cx.options.role_unused_days;
    crate::analysis::walk::roles(cx, meta, |role| {
        let result = {
            let resource = cx.role_ref(role);
            let last = role.last_used.as_ref().and_then(|u| u.date);
            match (last, role.created) {
                (Some(date), _) if cx.age_days(date) <= days => meta.pass(resource),
                (Some(date), _) => meta.fail_one(
                    resource,
                    format!(
                        "{} was last used {} days ago (threshold {days})",
                        role.name,
                        cx.age_days(date)
                    ),
                    vec![evidence("last_used.date", date.date().to_string())],
                ),
                // A role younger than the threshold has not had the chance to be used.
                (None, Some(created)) if cx.age_days(created) <= days => {
                    meta.pass_with_note(resource, "created recently")
                }
                (None, _) => meta.fail_one(
                    resource,
                    format!("{} has no recorded use", role.name),
                    vec![evidence("last_used.date", "never")],
                ),
            }
        };
        // An AWS-managed role (a Control Tower execution role) is used only when its service
        // needs it.
        super::managed::mark_managed(result, role)
    })
}

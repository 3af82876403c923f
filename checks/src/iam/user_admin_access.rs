use super::common::{CheckResultOr, each_user, finding};
use crate::analysis::permissions::is_admin;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-user-admin-access",
        title: "IAM user has administrator access",
        severity: Severity::High,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::IamUser,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        ],
        compliance: &[fsbp("IAM.1"), cis("1.16"), nist("AC-6")],
        docs: include_str!("user_admin_access.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_user(cx, &CHECK.meta, |user| match cx.user_permissions(user) {
        Err(why) => CheckResultOr::Unknown(why.reason, why.gap),
        Ok(p) if is_admin(&p) => CheckResultOr::Fail(finding(
            format!(
                "{} may perform {:.0}% of all AWS actions on every resource",
                user.name,
                p.unscoped_share() * 100.0
            ),
            p.grants()
                .filter(|g| g.unscoped)
                .map(|g| evidence("policy", &g.source))
                .collect(),
        )),
        Ok(_) => CheckResultOr::Pass,
    })
}

use super::common::{each_role_permissions, finding};
use crate::analysis::permissions::{is_admin, wildcard_services};
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-role-service-wildcard",
        title: "IAM role allows every write action of a service on all resources",
        severity: Severity::High,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::IamRole,
        references: &[
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        ],
        compliance: &[fsbp("IAM.21"), nist("AC-6")],
        docs: include_str!("role_service_wildcard.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    each_role_permissions(cx, &CHECK.meta, |role, p| {
        // Admin roles get their own, sharper finding; listing 400 services here adds nothing.
        if is_admin(p) {
            return None;
        }
        let services = wildcard_services(p);
        (!services.is_empty()).then(|| {
            finding(
                format!(
                    "{} may perform every write action of {} on every resource",
                    role.name,
                    services.join(", ")
                ),
                services
                    .iter()
                    .map(|s| evidence("service", format!("{s}:*")))
                    .collect(),
            )
        })
    })
}

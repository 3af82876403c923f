//! Roles that AWS creates and manages in a customer account. Their permissions and trust are set
//! by an AWS service by design (an IAM Identity Center permission set, the Control Tower landing
//! zone, a StackSets deployment), so a finding on them is not customer over-privilege: it is
//! reported at `info` severity with the reason, and fixed where the service manages the role.
//!
//! Service-linked roles (path `/aws-service-role/`) are not judged at all: `walk::roles` skips
//! them, since no customer can change them
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html>).
//! A finding that no AWS design produces (a trust open to anyone, an OIDC trust without a
//! subject) keeps its severity: it can only come from a change to the role.

use crate::check::{CheckResult, Severity, Status, evidence};
use crate::model::IamRole;

/// Who manages a role, where to change it, and the AWS page that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AwsManaged {
    pub(crate) by: &'static str,
    pub(crate) change_in: &'static str,
    pub(crate) reference: &'static str,
}

const IDENTITY_CENTER: AwsManaged = AwsManaged {
    by: "IAM Identity Center (a permission set's role)",
    change_in: "the permission set in IAM Identity Center",
    reference: "https://docs.aws.amazon.com/singlesignon/latest/userguide/identity-center-and-iam-roles.html",
};

const CONTROL_TOWER: AwsManaged = AwsManaged {
    by: "AWS Control Tower (landing-zone role)",
    change_in: "AWS Control Tower (its landing zone and controls)",
    reference: "https://docs.aws.amazon.com/controltower/latest/userguide/roles-how.html",
};

const STACKSETS: AwsManaged = AwsManaged {
    by: "CloudFormation StackSets (service-managed execution role)",
    change_in: "the StackSet's execution role template",
    reference: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-custom-execution-role.html",
};

const SERVICE_LINKED: AwsManaged = AwsManaged {
    by: "an AWS service (service-linked role)",
    change_in: "the owning service",
    reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html",
};

/// Control Tower's roles in the management account (path `/service-role/`) and in enrolled
/// accounts. `aws-controltower-*` roles are covered by prefix: Control Tower's mandatory
/// controls reserve it.
const CONTROL_TOWER_ROLES: &[&str] = &[
    "AWSControlTowerExecution",
    "AWSControlTowerAdmin",
    "AWSControlTowerCloudTrailRole",
    "AWSControlTowerStackSetRole",
    "AWSControlTowerConfigAggregatorRoleForOrganizations",
];

/// Whether AWS manages the role, and how.
pub(crate) fn aws_managed(role: &IamRole) -> Option<AwsManaged> {
    let name = role.name.as_str();
    if role.path.starts_with("/aws-service-role/") {
        return Some(SERVICE_LINKED);
    }
    // Both the reserved path and the name prefix: IAM Identity Center creates exactly these.
    if role.path.starts_with("/aws-reserved/sso.amazonaws.com/")
        && name.starts_with("AWSReservedSSO_")
    {
        return Some(IDENTITY_CENTER);
    }
    if name.starts_with("aws-controltower-") || CONTROL_TOWER_ROLES.contains(&name) {
        return Some(CONTROL_TOWER);
    }
    // `stacksets-exec-` and a hexadecimal digest.
    if let Some(digest) = name.strip_prefix("stacksets-exec-")
        && digest.len() >= 16
        && digest.chars().all(|c| c.is_ascii_hexdigit())
    {
        return Some(STACKSETS);
    }
    None
}

/// A failure on an AWS-managed role becomes `info`, says who manages it, and where to change it.
pub(crate) fn mark_managed(mut result: CheckResult, role: &IamRole) -> CheckResult {
    let Some(managed) = aws_managed(role) else {
        return result;
    };
    if result.status != Status::Fail {
        return result;
    }
    for finding in &mut result.findings {
        finding.message.push_str(&format!(
            " (AWS-managed role: {}; by design, not customer over-privilege)",
            managed.by
        ));
        finding
            .evidence
            .push(evidence("role.managed_by", managed.by));
        finding
            .evidence
            .push(evidence("role.managed_by.reference", managed.reference));
    }
    result.note = Some(format!(
        "AWS manages this role ({}); reported at info severity. Change it in {}.",
        managed.by, managed.change_in
    ));
    result.with_severity(Severity::Info)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Status;

    fn role(name: &str, path: &str) -> IamRole {
        serde_json::from_value(serde_json::json!({
            "name": name, "arn": format!("arn:aws:iam::123456789012:role{path}{name}"),
            "role_id": "AROAEXAMPLE", "path": path, "created": null, "description": null,
            "max_session_duration": null, "trust_policy": null, "inline_policies": [],
            "attached_policies": [], "permissions_boundary": null, "last_used": null, "tags": {}
        }))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn documented_aws_managed_roles() {
        let sso = role(
            "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
            "/aws-reserved/sso.amazonaws.com/",
        );
        assert_eq!(aws_managed(&sso), Some(IDENTITY_CENTER));
        let regional = role(
            "AWSReservedSSO_ReadOnly_0123456789abcdef",
            "/aws-reserved/sso.amazonaws.com/eu-west-1/",
        );
        assert_eq!(aws_managed(&regional), Some(IDENTITY_CENTER));
        assert_eq!(
            aws_managed(&role("AWSControlTowerExecution", "/")),
            Some(CONTROL_TOWER)
        );
        assert_eq!(
            aws_managed(&role("aws-controltower-AdministratorExecutionRole", "/")),
            Some(CONTROL_TOWER)
        );
        assert_eq!(
            aws_managed(&role("AWSControlTowerAdmin", "/service-role/")),
            Some(CONTROL_TOWER)
        );
        assert_eq!(
            aws_managed(&role(
                "stacksets-exec-6f5c1e0b4d3a2f1e9c8b7a6d5e4f3a2b",
                "/"
            )),
            Some(STACKSETS)
        );
        assert_eq!(
            aws_managed(&role(
                "AWSServiceRoleForSSO",
                "/aws-service-role/sso.amazonaws.com/"
            )),
            Some(SERVICE_LINKED)
        );
    }

    #[test]
    fn look_alikes_are_customer_roles() {
        // The SSO name outside the reserved path is a role anyone could have created.
        assert_eq!(aws_managed(&role("AWSReservedSSO_Admin_0123", "/")), None);
        assert_eq!(
            aws_managed(&role("admin", "/aws-reserved/sso.amazonaws.com/")),
            None
        );
        assert_eq!(aws_managed(&role("stacksets-exec-mine", "/")), None);
        assert_eq!(
            aws_managed(&role("AWSControlTowerExecutionCopy", "/")),
            None
        );
        assert_eq!(
            aws_managed(&role("OrganizationAccountAccessRole", "/")),
            None
        );
    }

    /// Every role check on an AWS-managed admin role: failures are `info` with the reason, a
    /// customer role with the same policy keeps the check's severity, and a trust open to anyone
    /// keeps its severity even on a managed role.
    #[test]
    fn managed_roles_fail_at_info_with_the_reason() {
        use crate::check::Severity;
        use crate::context::{Context, Options};
        let admin = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        let management = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}"#;
        let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}"#;
        let inventory = crate::fixtures::inventory(&serde_json::json!({"roles": [
            {"name": "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
             "path": "/aws-reserved/sso.amazonaws.com/",
             "inline_policies": [{"name": "AwsSSOInlinePolicy", "document": admin}]},
            {"name": "AWSControlTowerExecution", "trust_policy": management, "last_used": null, "created": "2020-01-01T00:00:00Z",
             "inline_policies": [{"name": "admin", "document": admin}]},
            {"name": "aws-controltower-ReadOnlyExecutionRole", "trust_policy": public},
            {"name": "customer-admin", "trust_policy": management,
             "inline_policies": [{"name": "admin", "document": admin}]}
        ]}));
        let options = Options {
            now: time::macros::datetime!(2026-11-22 12:00 UTC),
            ..Options::default()
        };
        let cx = Context::new(&inventory, &options);
        let run = |id: &str| {
            let check = crate::registry::REGISTRY
                .iter()
                .find(|c| c.meta.id == id)
                .unwrap_or_else(|| panic!("{id}"));
            (check.run)(&cx)
        };
        let result = |results: &[CheckResult], name: &str| {
            results
                .iter()
                .find(|r| &*r.resource.name == name)
                .cloned()
                .unwrap_or_else(|| panic!("no result for {name}"))
        };
        for id in [
            "iam-role-admin-access",
            "iam-role-privilege-escalation",
            "iam-role-resource-exposure",
            "iam-role-data-exfiltration",
            "iam-role-passrole-wildcard",
        ] {
            let results = run(id);
            for name in [
                "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
                "AWSControlTowerExecution",
            ] {
                let r = result(&results, name);
                assert_eq!(
                    (r.status, r.severity),
                    (Status::Fail, Severity::Info),
                    "{id} {name}"
                );
                assert!(r.note.as_deref().is_some_and(|n| n.contains("AWS manages")));
                assert!(
                    r.findings[0]
                        .evidence
                        .iter()
                        .any(|e| e.path == "role.managed_by")
                );
            }
            let customer = result(&results, "customer-admin");
            assert_eq!(customer.status, Status::Fail, "{id}");
            assert!(customer.severity > Severity::Info, "{id}");
            assert!(customer.note.is_none());
        }
        let cross = run("iam-role-trust-cross-account-no-external-id");
        assert_eq!(
            result(&cross, "AWSControlTowerExecution").severity,
            Severity::Info
        );
        assert_eq!(result(&cross, "customer-admin").severity, Severity::High);
        let unused = run("iam-role-unused");
        assert_eq!(
            result(&unused, "AWSControlTowerExecution").severity,
            Severity::Info
        );
        // No AWS design trusts anyone: that is a change to the role, at full severity.
        let public = run("iam-role-trust-public");
        let r = result(&public, "aws-controltower-ReadOnlyExecutionRole");
        assert_eq!((r.status, r.severity), (Status::Fail, Severity::Critical));
    }
}

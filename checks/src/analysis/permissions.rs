//! Questions about a principal's effective permissions that several checks ask: is it admin,
//! which escalation methods does it have, what can it exfiltrate or expose, which services does
//! it hold by wildcard. Each question reads "unscoped" permissions: allowed on every resource with
//! no restricting condition.

use crate::policy::{AccessLevel, ActionSet, CATALOGUE, Permissions};
use std::sync::LazyLock;

/// Admin: every action on every resource, or a `NotAction` that leaves nearly all.
pub(crate) const ADMIN_SHARE: f64 = 0.9;

pub(crate) fn is_admin(p: &Permissions) -> bool {
    p.unscoped_share() >= ADMIN_SHARE
}

/// One published privilege-escalation method (`checks/data/privilege-escalation.tsv`).
#[derive(Debug)]
pub(crate) struct EscalationMethod {
    pub(crate) name: String,
    pub(crate) actions: Vec<String>,
    pub(crate) sources: String,
    indices: Vec<Option<usize>>,
}

const ESCALATION_DATA: &str = include_str!("../../data/privilege-escalation.tsv");

pub(crate) static ESCALATION_METHODS: LazyLock<Vec<EscalationMethod>> = LazyLock::new(|| {
    ESCALATION_DATA
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let name = fields.next()?.to_owned();
            let actions: Vec<String> = fields
                .next()?
                .split(',')
                .map(|a| a.trim().to_owned())
                .collect();
            let sources = fields.next().unwrap_or_default().to_owned();
            let indices = actions.iter().map(|a| CATALOGUE.index(a)).collect();
            Some(EscalationMethod {
                name,
                actions,
                sources,
                indices,
            })
        })
        .collect()
});

impl EscalationMethod {
    /// The first published page describing the method.
    pub(crate) fn reference(&self) -> Option<&str> {
        self.sources
            .split(" ; ")
            .map(str::trim)
            .find(|s| s.starts_with("https://"))
    }
}

fn allowed(p: &Permissions, index: Option<usize>) -> bool {
    index.is_some_and(|i| p.unscoped.contains(i))
}

/// The escalation methods a principal has, smallest first: a method whose actions contain
/// another found method's actions adds nothing and is left out.
pub(crate) fn escalation_methods(p: &Permissions) -> Vec<&'static str> {
    escalations(p).iter().map(|m| m.name.as_str()).collect()
}

pub(crate) fn escalations(p: &Permissions) -> Vec<&'static EscalationMethod> {
    let methods: &'static [EscalationMethod] = &ESCALATION_METHODS;
    let found: Vec<&'static EscalationMethod> = methods
        .iter()
        .filter(|m| m.indices.iter().all(|i| allowed(p, *i)))
        .collect();
    let implied = |m: &EscalationMethod| {
        found.iter().any(|other| {
            other.indices.len() < m.indices.len()
                && other.indices.iter().all(|a| m.indices.contains(a))
        })
    };
    found.iter().copied().filter(|m| !implied(m)).collect()
}

/// Reads of data stores and secrets that exfiltrate when unconstrained: Cloudsplaining's
/// `READ_ONLY_DATA_EXFILTRATION_ACTIONS` (s3:GetObject, ssm:GetParameter*,
/// secretsmanager:GetSecretValue) and the other reads that return stored data or secrets.
pub(crate) const EXFILTRATION_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "secretsmanager:GetSecretValue",
    "secretsmanager:BatchGetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    "kms:Decrypt",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PartiQLSelect",
    "lambda:GetFunction",
    "ec2:GetPasswordData",
    "kinesis:GetRecords",
    "sqs:ReceiveMessage",
];

static EXFILTRATION_INDICES: LazyLock<Vec<Option<usize>>> = LazyLock::new(|| {
    EXFILTRATION_ACTIONS
        .iter()
        .map(|a| CATALOGUE.index(a))
        .collect()
});

pub(crate) fn exfiltration_actions(p: &Permissions) -> Vec<&'static str> {
    EXFILTRATION_ACTIONS
        .iter()
        .zip(EXFILTRATION_INDICES.iter())
        .filter(|(_, i)| allowed(p, **i))
        .map(|(a, _)| *a)
        .collect()
}

/// Write-level actions (in the catalogue's data) that nonetheless open a resource to others, so
/// they join the "Permissions management" level in the exposure set.
pub(crate) const EXPOSURE_WRITE_ACTIONS: &[&str] = &[
    // A function URL with AuthType NONE is public once its policy allows InvokeFunctionUrl.
    "lambda:CreateFunctionUrlConfig",
    "lambda:UpdateFunctionUrlConfig",
    // Sharing an AMI with all accounts (launchPermission group "all").
    "ec2:ModifyImageAttribute",
    // An OpenSearch domain's access policy is part of its configuration.
    "es:UpdateDomainConfig",
    // The REST API policy is a PATCH on the API resource.
    "apigateway:PATCH",
];

/// A few reads are filed under "Permissions management" in the reference data
/// (billing:GetResourcePolicy, quicksight:DescribeDataSetPermissions, glue:GetStage...): reading a
/// policy exposes nothing.
fn reads(action: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, n)| n);
    [
        "Get", "BatchGet", "Describe", "List", "Search", "View", "Preview", "Check", "Validate",
        "Test", "Verify",
    ]
    .iter()
    .any(|verb| {
        name.strip_prefix(verb).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase())
        })
    })
}

/// Whether an action's name says it changes who may access something: a policy, permission,
/// ACL, grant, share, public-access setting, sharing attribute or principal association. Applied
/// to the "Permissions management" actions that act on no particular resource (account-wide
/// settings such as s3:PutAccountPublicAccessBlock or logs:PutResourcePolicy, and also
/// organization-service toggles and directory users, which expose no resource).
fn changes_access(action: &str) -> bool {
    let name = action.split_once(':').map_or(action, |(_, n)| n);
    [
        "Policy",
        "Permission",
        "Acl",
        "Grant",
        "Share",
        "Sharing",
        "Public",
        "Attribute",
        "Principal",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// Resource exposure: every "Permissions management" action of the catalogue (resource and
/// access policies, ACLs, grants, shares, public-access blocks: `*:Put*Policy`,
/// `*:AddPermission`, `kms:CreateGrant`, `*:PutResourcePolicy`, ...), as Cloudsplaining's
/// ResourceExposure, plus the few writes above.
static EXPOSURE_SET: LazyLock<ActionSet> = LazyLock::new(|| {
    let mut set = ActionSet::empty();
    for i in 0..CATALOGUE.len() {
        let name = CATALOGUE.name(i);
        if CATALOGUE.level(i) == AccessLevel::PermissionsManagement
            && !reads(name)
            && (CATALOGUE.has_resource_types(i) || changes_access(name))
        {
            set.insert(i);
        }
    }
    for action in EXPOSURE_WRITE_ACTIONS {
        if let Some(i) = CATALOGUE.index(action) {
            set.insert(i);
        }
    }
    set
});

pub(crate) fn exposure_actions(p: &Permissions) -> Vec<&'static str> {
    let catalogue: &'static crate::policy::catalogue::Catalogue = &CATALOGUE;
    exposure_set(p).iter().map(|i| catalogue.name(i)).collect()
}

/// The exposure actions a principal holds unscoped, as a set.
pub(crate) fn exposure_set(p: &Permissions) -> ActionSet {
    let mut found = p.unscoped.clone();
    found.intersect_with(&EXPOSURE_SET);
    found
}

/// A service, its writes with resource types, and its writes that need `"Resource": "*"`.
type ServiceWrites = (String, Vec<usize>, Vec<usize>);

/// Per service: its write actions (Write or Permissions management) that support resource-level
/// permissions, and those that need `"Resource": "*"`, computed once.
static WRITE_MASKS: LazyLock<Vec<ServiceWrites>> = LazyLock::new(|| {
    let mut services: Vec<ServiceWrites> = CATALOGUE
        .services()
        .map(|(service, (start, end))| {
            let (typed, untyped): (Vec<usize>, Vec<usize>) = (start..end)
                .filter(|i| {
                    matches!(
                        CATALOGUE.level(*i),
                        AccessLevel::Write | AccessLevel::PermissionsManagement
                    )
                })
                .partition(|i| CATALOGUE.has_resource_types(*i));
            (service.to_owned(), typed, untyped)
        })
        .collect();
    services.sort();
    services
});

/// Services allowed whole through wildcards on every resource: every write action of the
/// service reached by `service:*`, by wildcard patterns that together cover them
/// (`service:Put*` + `service:Delete*` + ...), by `*`, or by NotAction, with no Deny or boundary
/// taking one away. Writes that need `"Resource": "*"` count only for a service that has no
/// other writes (`logs:*` on `arn:aws:logs:*:*:*` is a wildcard over every log resource). A
/// literal `service:*` on `*` counts for a service the catalogue lists no writes for (or does not
/// know). Listing each write action by name is not a wildcard: the dangerous ones among them are
/// reported by the escalation, exposure and exfiltration questions.
pub(crate) fn wildcard_services(p: &Permissions) -> Vec<String> {
    let mut services: Vec<String> = WRITE_MASKS
        .iter()
        .filter(|(_, typed, untyped)| {
            let writes = if typed.is_empty() { untyped } else { typed };
            !writes.is_empty() && writes.iter().all(|i| p.unscoped_wildcard.contains(*i))
        })
        .map(|(service, _, _)| service.clone())
        .collect();
    for grant in p.grants() {
        for service in &grant.service_wildcards {
            let known_writes = WRITE_MASKS.iter().any(|(s, typed, untyped)| {
                s == service && !(typed.is_empty() && untyped.is_empty())
            });
            if !known_writes && !services.contains(service) {
                services.push(service.clone());
            }
        }
    }
    services.sort();
    services
}

/// Evidence lines naming which policy grants an action.
pub(crate) fn granted_by(p: &Permissions, action: &str) -> String {
    let sources = p.unscoped_sources(action);
    if sources.is_empty() {
        action.to_owned()
    } else {
        format!("{action} (from {})", sources.join(", "))
    }
}

/// Actions grouped by service for evidence: `("s3", "PutBucketAcl, PutBucketPolicy (+3 more)")`,
/// at most `per_service` names each and `services` services; a last line counts the services
/// left out. Catalogue order keeps each service's actions together, so one pass does it.
pub(crate) fn by_service(
    actions: &[&str],
    per_service: usize,
    services: usize,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    let mut omitted = 0;
    let mut last: Option<&str> = None;
    for action in actions {
        let (service, name) = action.split_once(':').unwrap_or(("", action));
        if last != Some(service) {
            last = Some(service);
            if out.len() == services {
                omitted += 1;
                continue;
            }
            out.push((service.to_owned(), String::new()));
            counts.push(0);
        } else if out.last().is_none_or(|(s, _)| s != service) {
            continue;
        }
        let (Some((_, line)), Some(count)) = (out.last_mut(), counts.last_mut()) else {
            continue;
        };
        if *count < per_service {
            if !line.is_empty() {
                line.push_str(", ");
            }
            line.push_str(name);
        }
        *count += 1;
    }
    for ((_, line), count) in out.iter_mut().zip(&counts) {
        if *count > per_service {
            line.push_str(&format!(" (+{} more)", count - per_service));
        }
    }
    if omitted > 0 {
        out.push(("more".to_owned(), format!("{omitted} more service(s)")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{SourcePolicy, effective_permissions};

    fn perms(doc: &str) -> Permissions {
        effective_permissions(
            &[SourcePolicy {
                source: "p".into(),
                document: doc,
            }],
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn allow(actions: &str) -> Permissions {
        perms(&format!(
            r#"{{"Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"*"}}]}}"#
        ))
    }

    #[test]
    fn every_escalation_action_is_in_the_catalogue() {
        assert!(ESCALATION_METHODS.len() > 60);
        for m in ESCALATION_METHODS.iter() {
            assert!(!m.sources.is_empty(), "{}: no source", m.name);
            for (a, i) in m.actions.iter().zip(&m.indices) {
                assert!(i.is_some(), "{}: {a} is not in the catalogue", m.name);
            }
        }
        let names: std::collections::BTreeSet<&str> =
            ESCALATION_METHODS.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names.len(), ESCALATION_METHODS.len(), "names are unique");
    }

    #[test]
    fn escalation_reports_the_smallest_methods() {
        let p = allow(r#"["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction"]"#);
        assert_eq!(escalation_methods(&p), ["PassExistingRoleToNewLambda"]);
        let p = allow(r#"["iam:AttachUserPolicy","iam:CreateAccessKey"]"#);
        assert_eq!(
            escalation_methods(&p),
            ["CreateAccessKey", "AttachUserPolicy"]
        );
        // Methods beyond Rhino's original list (Cloudsplaining / pathfinding.cloud).
        let p =
            allow(r#"["ec2:ModifyInstanceAttribute","ec2:StopInstances","ec2:StartInstances"]"#);
        assert_eq!(
            escalation_methods(&p),
            ["ModifyEC2InstanceUserDataThenRestart"]
        );
        let p = allow(r#"["iam:PassRole","apprunner:CreateService"]"#);
        assert_eq!(
            escalation_methods(&p),
            ["PassExistingRoleToNewAppRunnerService"]
        );
        let p = allow(r#""iam:DeleteRolePermissionsBoundary""#);
        assert_eq!(escalation_methods(&p), ["DeleteRolePermissionsBoundary"]);
        assert!(escalation_methods(&allow(r#""lambda:InvokeFunction""#)).is_empty());
    }

    #[test]
    fn exposure_comes_from_the_permissions_management_level() {
        // Missed by the old hand list: every service's policy and permission writers.
        for action in [
            "s3:PutBucketPolicy",
            "kms:CreateGrant",
            "lambda:AddPermission",
            "secretsmanager:PutResourcePolicy",
            "logs:PutResourcePolicy",
            "events:PutPermission",
            "glacier:SetVaultAccessPolicy",
            "ec2:ModifySnapshotAttribute",
            "rds:ModifyDBSnapshotAttribute",
            "ram:CreateResourceShare",
            "elasticfilesystem:PutFileSystemPolicy",
            "backup:PutBackupVaultAccessPolicy",
            "lambda:CreateFunctionUrlConfig",
        ] {
            let p = allow(&format!("\"{action}\""));
            assert_eq!(exposure_actions(&p), [action], "{action}");
        }
        assert!(exposure_actions(&allow(r#""*:Put*Policy""#)).len() > 20);
        // Account-wide switches that change no access are not exposure; account-wide public
        // access settings are.
        assert!(
            exposure_actions(&allow(
                r#"["health:EnableHealthServiceAccessForOrganization","xray:PutEncryptionConfig"]"#
            ))
            .is_empty()
        );
        assert_eq!(
            exposure_actions(&allow(r#""s3:PutAccountPublicAccessBlock""#)),
            ["s3:PutAccountPublicAccessBlock"]
        );
        // Reads filed under Permissions management expose nothing.
        assert!(
            exposure_actions(&allow(
                r#"["billing:GetResourcePolicy","quicksight:DescribeDataSetPermissions","secretsmanager:ValidateResourcePolicy"]"#
            ))
            .is_empty()
        );
        assert!(exposure_actions(&allow(r#"["s3:GetObject","s3:PutObject"]"#)).is_empty());
    }

    #[test]
    fn a_service_wildcard_is_a_wildcard_not_a_list() {
        assert_eq!(wildcard_services(&allow(r#""sqs:*""#)), ["sqs"]);
        // Wildcard patterns that together cover every write of the service.
        let writes: Vec<String> = WRITE_MASKS
            .iter()
            .find(|(s, _, _)| s == "sqs")
            .map(|(_, t, u)| {
                t.iter()
                    .chain(u)
                    .map(|i| CATALOGUE.name(*i).to_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert!(writes.len() > 5);
        let prefixes: std::collections::BTreeSet<String> = writes
            .iter()
            .map(|w| {
                let name = w.split_once(':').map_or("", |(_, n)| n);
                let verb: String = name
                    .chars()
                    .enumerate()
                    .take_while(|(i, c)| *i == 0 || c.is_ascii_lowercase())
                    .map(|(_, c)| c)
                    .collect();
                format!("\"sqs:{verb}*\"")
            })
            .collect();
        let patterns = format!("[{}]", prefixes.into_iter().collect::<Vec<_>>().join(","));
        assert_eq!(wildcard_services(&allow(&patterns)), ["sqs"], "{patterns}");
        // Every write listed by name: not a service wildcard.
        let listed = format!(
            "[{}]",
            writes
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert!(wildcard_services(&allow(&listed)).is_empty());
        // A wildcard scoped by a condition or a resource is not unscoped.
        assert!(
            wildcard_services(&perms(
                r#"{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:111122223333:q"}]}"#
            ))
            .is_empty()
        );
        // Every log resource: the writes that need "*" are not granted, the rest all are.
        assert_eq!(
            wildcard_services(&perms(
                r#"{"Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:*:*:*"}]}"#
            )),
            ["logs"]
        );
        // A service the catalogue does not know (or lists no writes for): as written.
        assert_eq!(
            wildcard_services(&allow(r#""newservice:*""#)),
            ["newservice"]
        );
        assert_eq!(wildcard_services(&allow(r#""pricing:*""#)), ["pricing"]);
        // A wildcard minus a denied write no longer covers the service.
        assert!(
            wildcard_services(&perms(
                r#"{"Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Action":"sqs:DeleteQueue","Resource":"*"}]}"#
            ))
            .is_empty()
        );
    }

    #[test]
    fn evidence_groups_by_service() {
        let lines = by_service(&["kms:D", "s3:A", "s3:B", "s3:C", "sqs:E"], 2, 2);
        assert_eq!(
            lines,
            [
                ("kms".to_owned(), "D".to_owned()),
                ("s3".to_owned(), "A, B (+1 more)".to_owned()),
                ("more".to_owned(), "1 more service(s)".to_owned())
            ]
        );
    }
}

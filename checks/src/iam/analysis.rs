//! Questions about a principal's effective permissions that several checks ask: is it admin,
//! which escalation methods does it have, what can it exfiltrate or expose.

use crate::policy::{AccessLevel, CATALOGUE, Permissions};

/// Admin: every action on every resource, or a `NotAction` that leaves nearly all.
pub(crate) const ADMIN_SHARE: f64 = 0.9;

pub(crate) fn is_admin(p: &Permissions) -> bool {
    p.unscoped_share() >= ADMIN_SHARE
}

/// Known privilege-escalation methods (Rhino Security Labs' list, as Cloudsplaining and
/// Prowler use it): each needs all of its actions unscoped.
pub(crate) const ESCALATION_METHODS: &[(&str, &[&str])] = &[
    ("CreateNewPolicyVersion", &["iam:CreatePolicyVersion"]),
    (
        "SetExistingDefaultPolicyVersion",
        &["iam:SetDefaultPolicyVersion"],
    ),
    ("CreateAccessKey", &["iam:CreateAccessKey"]),
    ("CreateLoginProfile", &["iam:CreateLoginProfile"]),
    ("UpdateLoginProfile", &["iam:UpdateLoginProfile"]),
    ("AttachUserPolicy", &["iam:AttachUserPolicy"]),
    ("AttachGroupPolicy", &["iam:AttachGroupPolicy"]),
    ("AttachRolePolicy", &["iam:AttachRolePolicy"]),
    ("PutUserPolicy", &["iam:PutUserPolicy"]),
    ("PutGroupPolicy", &["iam:PutGroupPolicy"]),
    ("PutRolePolicy", &["iam:PutRolePolicy"]),
    ("AddUserToGroup", &["iam:AddUserToGroup"]),
    (
        "UpdateRolePolicyToAssumeIt",
        &["iam:UpdateAssumeRolePolicy"],
    ),
    (
        "PassExistingRoleToNewLambdaThenInvoke",
        &["iam:PassRole", "lambda:CreateFunction"],
    ),
    (
        "PassExistingRoleToNewLambdaThenUpdateCode",
        &["iam:PassRole", "lambda:UpdateFunctionConfiguration"],
    ),
    (
        "PassExistingRoleToNewEC2",
        &["iam:PassRole", "ec2:RunInstances"],
    ),
    (
        "PassExistingRoleToCloudFormation",
        &["iam:PassRole", "cloudformation:CreateStack"],
    ),
    (
        "PassExistingRoleToNewGlueDevEndpoint",
        &["iam:PassRole", "glue:CreateDevEndpoint"],
    ),
    (
        "PassExistingRoleToNewDataPipeline",
        &["iam:PassRole", "datapipeline:CreatePipeline"],
    ),
    (
        "PassExistingRoleToECSTask",
        &["iam:PassRole", "ecs:RunTask"],
    ),
    (
        "PassExistingRoleToSageMakerNotebook",
        &["iam:PassRole", "sagemaker:CreateNotebookInstance"],
    ),
    (
        "PassExistingRoleToCodeBuild",
        &["iam:PassRole", "codebuild:CreateProject"],
    ),
    (
        "EditExistingLambdaFunctionWithRole",
        &["lambda:UpdateFunctionCode"],
    ),
    ("UpdateExistingGlueDevEndpoint", &["glue:UpdateDevEndpoint"]),
    ("AssumeAnyRole", &["sts:AssumeRole"]),
];

/// Catalogue indices of a list of actions, resolved once.
fn indices(actions: &[&str]) -> Vec<Option<usize>> {
    actions.iter().map(|a| CATALOGUE.index(a)).collect()
}

static ESCALATION_INDICES: std::sync::LazyLock<Vec<Vec<Option<usize>>>> =
    std::sync::LazyLock::new(|| {
        ESCALATION_METHODS
            .iter()
            .map(|(_, actions)| indices(actions))
            .collect()
    });
static EXFILTRATION_INDICES: std::sync::LazyLock<Vec<Option<usize>>> =
    std::sync::LazyLock::new(|| indices(EXFILTRATION_ACTIONS));
static EXPOSURE_INDICES: std::sync::LazyLock<Vec<Option<usize>>> =
    std::sync::LazyLock::new(|| indices(EXPOSURE_ACTIONS));

fn allowed(p: &Permissions, index: Option<usize>) -> bool {
    index.is_some_and(|i| p.unscoped.contains(i))
}

pub(crate) fn escalation_methods(p: &Permissions) -> Vec<&'static str> {
    ESCALATION_METHODS
        .iter()
        .zip(ESCALATION_INDICES.iter())
        .filter(|(_, idx)| idx.iter().all(|i| allowed(p, *i)))
        .map(|((name, _), _)| *name)
        .collect()
}

/// Reads of data stores and secrets that exfiltrate when unconstrained.
pub(crate) const EXFILTRATION_ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:GetObjectVersion",
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "kms:Decrypt",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "rds:DownloadDBLogFilePortion",
    "lambda:GetFunction",
    "ec2:GetPasswordData",
    "kinesis:GetRecords",
    "sqs:ReceiveMessage",
];

pub(crate) fn exfiltration_actions(p: &Permissions) -> Vec<&'static str> {
    EXFILTRATION_ACTIONS
        .iter()
        .zip(EXFILTRATION_INDICES.iter())
        .filter(|(_, i)| allowed(p, **i))
        .map(|(a, _)| *a)
        .collect()
}

/// Permission-management actions that can make a resource public.
pub(crate) const EXPOSURE_ACTIONS: &[&str] = &[
    "s3:PutBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutObjectAcl",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutAccountPublicAccessBlock",
    "kms:PutKeyPolicy",
    "kms:CreateGrant",
    "lambda:AddPermission",
    "lambda:AddLayerVersionPermission",
    "lambda:CreateFunctionUrlConfig",
    "lambda:UpdateFunctionUrlConfig",
    "apigateway:UpdateRestApiPolicy",
    "secretsmanager:PutResourcePolicy",
    "sqs:SetQueueAttributes",
    "sns:SetTopicAttributes",
    "ecr:SetRepositoryPolicy",
    "iam:UpdateAssumeRolePolicy",
];

pub(crate) fn exposure_actions(p: &Permissions) -> Vec<&'static str> {
    EXPOSURE_ACTIONS
        .iter()
        .zip(EXPOSURE_INDICES.iter())
        .filter(|(_, i)| allowed(p, **i))
        .map(|(a, _)| *a)
        .collect()
}

/// Per service: its catalogue range and which of its actions are writes, computed once.
static WRITE_MASKS: std::sync::LazyLock<Vec<(String, usize, Vec<usize>)>> =
    std::sync::LazyLock::new(|| {
        let mut services: Vec<(String, usize, Vec<usize>)> = CATALOGUE
            .services()
            .map(|(service, (start, end))| {
                let writes = (start..end)
                    .filter(|i| {
                        matches!(
                            CATALOGUE.level(*i),
                            AccessLevel::Write | AccessLevel::PermissionsManagement
                        )
                    })
                    .collect();
                (service.to_owned(), start, writes)
            })
            .collect();
        services.sort();
        services
    });

/// Services whose every write action is allowed unscoped (`service:*` or equivalent).
pub(crate) fn wildcard_services(p: &Permissions) -> Vec<String> {
    WRITE_MASKS
        .iter()
        // Cheap first test: the service's first write must be allowed at all.
        .filter(|(_, _, writes)| writes.first().is_some_and(|w| p.unscoped.contains(*w)))
        .filter(|(_, _, writes)| writes.iter().all(|i| p.unscoped.contains(*i)))
        .map(|(service, _, _)| service.clone())
        .collect()
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

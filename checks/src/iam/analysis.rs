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

pub(crate) fn escalation_methods(p: &Permissions) -> Vec<&'static str> {
    ESCALATION_METHODS
        .iter()
        .filter(|(_, actions)| actions.iter().all(|a| p.allows_unscoped(a)))
        .map(|(name, _)| *name)
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
        .copied()
        .filter(|a| p.allows_unscoped(a))
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
        .copied()
        .filter(|a| p.allows_unscoped(a))
        .collect()
}

/// Services whose every write action is allowed unscoped (`service:*` or equivalent).
pub(crate) fn wildcard_services(p: &Permissions) -> Vec<String> {
    let mut services: Vec<String> = CATALOGUE
        .services()
        .filter(|(_, (start, end))| {
            let writes: Vec<usize> = (*start..*end)
                .filter(|i| {
                    matches!(
                        CATALOGUE.level(*i),
                        AccessLevel::Write | AccessLevel::PermissionsManagement
                    )
                })
                .collect();
            !writes.is_empty() && writes.iter().all(|i| p.unscoped.contains(*i))
        })
        .map(|(service, _)| service.to_owned())
        .collect();
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

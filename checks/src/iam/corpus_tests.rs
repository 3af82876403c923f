//! The IAM engine on AWS's own managed policies (`checks/data/aws-managed-policies.json`, made by
//! `scripts/gen-managed-policy-corpus.py` from moto's copy): every policy parses, and a curated
//! list gets the classification agreed for it, each with the reason.
#![allow(clippy::unwrap_used, clippy::panic, clippy::print_stderr)]

use crate::analysis::permissions::{
    escalation_methods, exfiltration_actions, exposure_actions, is_admin, wildcard_services,
};
use crate::policy::{Permissions, SourcePolicy, effective_permissions};
use std::collections::BTreeSet;

const CORPUS: &str = include_str!("../../data/aws-managed-policies.json");

/// The classes the IAM checks report: admin, privilege escalation, resource exposure, data
/// exfiltration, service wildcard. `none` is the empty set.
pub(crate) fn classify(p: &Permissions) -> BTreeSet<&'static str> {
    let mut classes = BTreeSet::new();
    if is_admin(p) {
        classes.insert("admin");
    }
    if !escalation_methods(p).is_empty() {
        classes.insert("privesc");
    }
    if !exposure_actions(p).is_empty() {
        classes.insert("exposure");
    }
    if !exfiltration_actions(p).is_empty() {
        classes.insert("exfiltration");
    }
    if !wildcard_services(p).is_empty() {
        classes.insert("service-wildcard");
    }
    classes
}

fn permissions(name: &str, document: &serde_json::Value) -> Permissions {
    let text = document.to_string();
    effective_permissions(
        &[SourcePolicy {
            source: format!("arn:aws:iam::aws:policy/{name}"),
            document: &text,
        }],
        None,
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn corpus(text: &str) -> Vec<(String, serde_json::Value)> {
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    value
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, _)| !name.starts_with('_'))
        .map(|(name, entry)| (name.clone(), entry["document"].clone()))
        .collect()
}

/// The agreed classification of curated AWS managed policies, each with the reason. Classes:
/// admin, privesc, exposure, exfiltration, service-wildcard; `[]` is none.
const EXPECTED: &[(&str, &[&str], &str)] = &[
    (
        "AdministratorAccess",
        &[
            "admin",
            "exfiltration",
            "exposure",
            "privesc",
            "service-wildcard",
        ],
        "Allow * on *: every class",
    ),
    (
        "PowerUserAccess",
        &[
            "admin",
            "exfiltration",
            "exposure",
            "privesc",
            "service-wildcard",
        ],
        "NotAction iam:*, organizations:*, account:* on * leaves nearly every action (admin per CHECKS.md); lambda:UpdateFunctionCode, glue:UpdateDevEndpoint etc. escalate without IAM",
    ),
    (
        "IAMFullAccess",
        &["exposure", "privesc", "service-wildcard"],
        "iam:* on *: every IAM escalation method, and iam is a permissions-management service",
    ),
    (
        "IAMReadOnlyAccess",
        &[],
        "iam:Get*/List*/Generate*: reads of IAM metadata only",
    ),
    (
        "IAMUserChangePassword",
        &[],
        "iam:ChangePassword on the caller's own user (arn:aws:iam::*:user/${aws:username}) only",
    ),
    (
        "ReadOnlyAccess",
        &["exfiltration"],
        "s3:Get*, ssm:GetParameter*, dynamodb reads, lambda:GetFunction on *; its billing:GetResourcePolicy is a read filed under Permissions management, not exposure",
    ),
    (
        "ViewOnlyAccess",
        &[],
        "List*/Describe* metadata: no object, secret or item reads",
    ),
    (
        "SecurityAudit",
        &[],
        "configuration metadata; its quicksight:Describe*Permissions are reads filed under Permissions management, not exposure",
    ),
    (
        "AmazonS3FullAccess",
        &["exfiltration", "exposure", "service-wildcard"],
        "s3:* and s3-object-lambda:* on *: GetObject, PutBucketPolicy/PutBucketAcl",
    ),
    (
        "AmazonS3ReadOnlyAccess",
        &["exfiltration"],
        "s3:Get* on * includes s3:GetObject",
    ),
    (
        "AWSLambda_FullAccess",
        &["exfiltration", "exposure", "privesc", "service-wildcard"],
        "lambda:* on *: UpdateFunctionCode escalates, AddPermission exposes, GetFunction returns code and environment; its iam:PassRole is limited by iam:PassedToService",
    ),
    (
        "AWSLambda_ReadOnlyAccess",
        &["exfiltration"],
        "lambda:Get* on * includes lambda:GetFunction (code location and environment variables)",
    ),
    (
        "AWSLambdaBasicExecutionRole",
        &[],
        "CloudWatch Logs writes only",
    ),
    (
        "AWSLambdaVPCAccessExecutionRole",
        &[],
        "logs and ENI management for VPC functions",
    ),
    (
        "AWSLambdaExecute",
        &["exfiltration", "service-wildcard"],
        "s3:GetObject on arn:aws:s3:::* is every object of every bucket; logs:* on arn:aws:logs:*:*:* is every log resource (Cloudsplaining misses the first: it only treats \"*\" as unconstrained)",
    ),
    (
        "AWSLambdaRole",
        &[],
        "lambda:InvokeFunction on *: no data read, no write to code or policy",
    ),
    (
        "AmazonDynamoDBFullAccess",
        &["exfiltration", "exposure", "service-wildcard"],
        "dynamodb:* on *: Scan/Query/GetItem, PutResourcePolicy",
    ),
    (
        "AmazonDynamoDBReadOnlyAccess",
        &["exfiltration"],
        "dynamodb:GetItem/Query/Scan on *",
    ),
    (
        "SecretsManagerReadWrite",
        &["exfiltration", "exposure", "privesc", "service-wildcard"],
        "secretsmanager:* on * (GetSecretValue, PutResourcePolicy); cloudformation:CreateChangeSet + ExecuteChangeSet on * (Cloudsplaining's ExecuteCloudFormationChangeSet)",
    ),
    (
        "AWSKeyManagementServicePowerUser",
        &[],
        "kms:Create*/Describe*/Get*/List*/Tag*: no Decrypt, no PutKeyPolicy, no CreateGrant",
    ),
    (
        "AmazonEC2FullAccess",
        &["exfiltration", "exposure", "privesc", "service-wildcard"],
        "ec2:* on *: user data + restart and launch templates escalate, ModifySnapshotAttribute/ModifyImageAttribute share publicly, GetPasswordData reads",
    ),
    (
        "AmazonEC2ReadOnlyAccess",
        &[],
        "ec2:Describe* (no GetPasswordData)",
    ),
    (
        "AWSCloudFormationFullAccess",
        &["exposure", "privesc", "service-wildcard"],
        "cloudformation:* on *: change sets run with an existing stack's role; SetStackPolicy is Permissions management",
    ),
    (
        "AmazonSSMReadOnlyAccess",
        &["exfiltration"],
        "ssm:Get* on * includes GetParameter(s)",
    ),
    (
        "AmazonAPIGatewayAdministrator",
        &["exposure", "service-wildcard"],
        "apigateway:* on arn:aws:apigateway:*::/* is every API Gateway resource: UpdateRestApiPolicy, PATCH",
    ),
    (
        "CloudWatchLogsFullAccess",
        &["exposure", "service-wildcard"],
        "logs:* on *: logs:PutResourcePolicy opens log delivery to other principals",
    ),
    (
        "AmazonSQSFullAccess",
        &["exfiltration", "exposure", "service-wildcard"],
        "sqs:* on *: ReceiveMessage, AddPermission/SetQueueAttributes",
    ),
    (
        "AmazonSNSFullAccess",
        &["exposure", "service-wildcard"],
        "sns:* on *: AddPermission/SetTopicAttributes",
    ),
    (
        "AWSMcpServiceActionsFullAccess",
        &[],
        "Allow * on * only when aws:IsMcpServiceAction is true: the MCP services' own actions, not the calls they make",
    ),
    (
        "AWSSupportAccess",
        &["service-wildcard"],
        "support:* on *, harmless but a service wildcard",
    ),
    (
        "AmazonECS_FullAccess",
        &["privesc", "service-wildcard"],
        "ecs:* on *: ExecuteCommand into running tasks (their roles); iam:PassRole limited to ecs-tasks by iam:PassedToService",
    ),
    (
        "AWSStepFunctionsFullAccess",
        &["service-wildcard"],
        "states:* on * and nothing else: no data read, no policy write, no role to pass",
    ),
    (
        "AmazonEventBridgeFullAccess",
        &["exposure", "service-wildcard"],
        "events:*, schemas:*, scheduler:*, pipes:* on *: events:PutPermission opens the event bus",
    ),
    (
        "AWSOrganizationsFullAccess",
        &["service-wildcard"],
        "organizations:* on *; Organizations policies are Write-level in the reference data",
    ),
    (
        "AWSCodeBuildAdminAccess",
        &["exposure", "service-wildcard"],
        "codebuild:* on *: PutResourcePolicy; iam:PassRole is absent",
    ),
    (
        "AWSGlueConsoleFullAccess",
        &["exposure", "privesc", "service-wildcard"],
        "glue:* on *: UpdateDevEndpoint (Rhino) escalates, PutResourcePolicy exposes the catalog",
    ),
    (
        "AmazonSageMakerFullAccess",
        &["exposure", "privesc", "service-wildcard"],
        "sagemaker:* on every notebook instance: presigned notebook URLs and lifecycle configs run as the notebook's role",
    ),
    (
        "DatabaseAdministrator",
        &["exfiltration", "exposure", "service-wildcard"],
        "dynamodb:*, rds:*, redshift:* on *: snapshot sharing attributes and resource policies, item reads",
    ),
    (
        "NetworkAdministrator",
        &["exposure", "service-wildcard"],
        "ec2 network-interface and endpoint-service permissions, networkmanager resource policies",
    ),
    (
        "AWSCloudTrail_FullAccess",
        &["service-wildcard"],
        "cloudtrail:* on *; its SNS and S3 policy writes are limited to CloudTrail's own topics and buckets",
    ),
];

#[test]
fn every_managed_policy_in_the_corpus_parses() {
    let policies = corpus(CORPUS);
    assert!(policies.len() >= 30, "{} policies", policies.len());
    for (name, document) in &policies {
        let _ = permissions(name, document);
    }
}

#[test]
fn managed_policies_get_their_agreed_classification() {
    let policies = corpus(CORPUS);
    let mut wrong = Vec::new();
    for (name, expected, reason) in EXPECTED {
        let Some((_, document)) = policies.iter().find(|(n, _)| n == name) else {
            wrong.push(format!(
                "{name}: not in the corpus (add it to the generator)"
            ));
            continue;
        };
        let got = classify(&permissions(name, document));
        let expected: BTreeSet<&str> = expected.iter().copied().collect();
        if got != expected {
            wrong.push(format!(
                "{name}: got {got:?}, expected {expected:?} ({reason})"
            ));
        }
    }
    // Every curated policy has an expectation.
    for (name, _) in &policies {
        if !EXPECTED.iter().any(|(n, _, _)| n == name) {
            wrong.push(format!("{name}: in the corpus without an expectation"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Writes faascan's classification of a whole corpus (`--all` output of the generator) as TSV,
/// for the comparison with Cloudsplaining in docs/iam-engine.md:
/// `FAASCAN_CORPUS=/tmp/all.json FAASCAN_CORPUS_OUT=/tmp/faascan.tsv cargo test -p
/// faascan-checks dump_corpus -- --ignored`.
#[test]
#[ignore = "a tool run on demand: needs FAASCAN_CORPUS"]
fn dump_corpus_classification() {
    let (Some(input), Some(output)) = (
        std::env::var_os("FAASCAN_CORPUS"),
        std::env::var_os("FAASCAN_CORPUS_OUT"),
    ) else {
        eprintln!("set FAASCAN_CORPUS and FAASCAN_CORPUS_OUT");
        return;
    };
    let text = std::fs::read_to_string(input).unwrap();
    let mut out =
        String::from("policy\tclasses\tprivesc\texposure\texfiltration\tservice_wildcard\n");
    for (name, document) in corpus(&text) {
        let p = permissions(&name, &document);
        let classes: Vec<&str> = classify(&p).into_iter().collect();
        out.push_str(&format!(
            "{name}\t{}\t{}\t{}\t{}\t{}\n",
            classes.join(","),
            escalation_methods(&p).join(","),
            exposure_actions(&p).join(","),
            exfiltration_actions(&p).join(","),
            wildcard_services(&p).join(","),
        ));
    }
    std::fs::write(output, out).unwrap();
}

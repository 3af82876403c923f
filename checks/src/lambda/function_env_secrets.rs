use crate::check::*;
use crate::context::Context;
use crate::model::{Attr, SecretClass};

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-env-secrets",
        title: "Lambda function environment variable holds a secret",
        severity: Severity::Critical,
        category: Category::Secrets,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html",
        ],
        compliance: &[nist("IA-5(7)"), nist("SC-28")],
        docs: include_str!("function_env_secrets.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let keys: Vec<_> = cx
        .inventory
        .iam
        .known()
        .map(|iam| {
            iam.users
                .iter()
                .flat_map(|u| {
                    u.access_keys
                        .known()
                        .into_iter()
                        .flatten()
                        .map(move |k| (u, k))
                })
                .collect()
        })
        .unwrap_or_default();
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        let environment = match &f.environment {
            Attr::Known(environment) => environment,
            Attr::Unavailable(gap) => return meta.unknown_gap(resource, gap),
        };
        let secrets: Vec<Finding> = environment
                .iter()
                .filter(|v| v.classification == SecretClass::Secret)
                .map(|v| {
                    let detector = v.detector.as_deref().unwrap_or("secret");
                    let mut evidence = vec![
                        evidence("environment.name", &v.name),
                        evidence("environment.detector", detector),
                        evidence("environment.fingerprint", &v.fingerprint),
                    ];
                    let mut related = Vec::new();
                    // An access key id is matched to its owner by fingerprint, never by value.
                    if let Some((user, key)) = keys.iter().find(|(_, k)| k.fingerprint == v.fingerprint) {
                        evidence.push(evidence_owner(&user.arn, key));
                        related.push(user.arn.as_str().into());
                    }
                    Finding {
                        message: format!("environment variable {} of {} looks like a secret ({detector}); its value is not shown", v.name, f.name),
                        evidence,
                        related,
                    }
                })
                .collect();
        if secrets.is_empty() {
            meta.pass(resource)
        } else {
            meta.fail(resource, secrets)
        }
    })
}

fn evidence_owner(user_arn: &str, key: &crate::model::AccessKey) -> Evidence {
    let last_used = match &key.last_used {
        Attr::Known(Some(used)) => used
            .date
            .map_or_else(|| "unknown date".to_owned(), |d| d.date().to_string()),
        Attr::Known(None) => "never".to_owned(),
        Attr::Unavailable(_) => "unknown".to_owned(),
    };
    evidence(
        "environment.access_key_owner",
        format!("{user_arn} (status {}, last used {last_used})", key.status),
    )
}

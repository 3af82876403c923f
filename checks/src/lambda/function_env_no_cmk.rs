use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-env-no-cmk",
        title: "Lambda environment variables are not encrypted with a customer-managed key",
        severity: Severity::Low,
        category: Category::Encryption,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html",
        ],
        compliance: &[nist("SC-28"), nist("SC-12")],
        docs: include_str!("function_env_no_cmk.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::functions(cx, meta, |f| {
        // Nothing to encrypt without variables (an unreadable environment may have some).
        if f.environment.known().is_some_and(Vec::is_empty) {
            return None;
        }
        let resource = cx.function_ref(f);
        Some(match (&f.kms_key_arn, &f.environment) {
            (Some(key), _) => meta.pass_with_note(resource, format!("encrypted with {key}")),
            (None, Attr::Unavailable(gap)) => meta.unknown_gap(resource, gap),
            (None, Attr::Known(environment)) => meta.fail_one(
                resource,
                format!(
                    "{} has {} environment variable(s) encrypted only with the AWS-managed key",
                    f.name,
                    environment.len()
                ),
                vec![evidence("kms_key_arn", "none")],
            ),
        })
    })
}

use crate::check::*;
use crate::context::Context;
use crate::model::{Attr, LambdaFunction};
use crate::policy::{ResourceAccess, analyze};

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-public-policy",
        title: "Lambda function policy lets anyone invoke it",
        severity: Severity::Critical,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
        ],
        compliance: &[fsbp("Lambda.1"), nist("AC-3"), nist("AC-21")],
        docs: include_str!("function_public_policy.md"),
    },
    run,
};

/// What a function's resource policy lets others do with `lambda:InvokeFunction` (and URL
/// invocation), or why it cannot be known.
pub(crate) fn invoke_access<'a>(
    cx: &Context<'a>,
    f: &'a LambdaFunction,
) -> Result<Option<ResourceAccess>, String> {
    match &f.resource_policy {
        Attr::Unavailable(gap) => Err(format!(
            "the resource policy could not be read ({})",
            gap.error_code
        )),
        Attr::Known(None) => Ok(None),
        Attr::Known(Some(text)) => match cx.parsed(text).as_ref() {
            Ok(p) => Ok(Some(analyze(
                p,
                &["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"],
            ))),
            Err(e) => Err(e.to_string()),
        },
    }
}

/// Whether the function's resource policy lets anyone call its URL: with AuthType NONE, AWS
/// still requires `lambda:InvokeFunctionUrl` granted to `*`, or the URL answers 403
/// (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html). `Err` when the policy could
/// not be read or parsed.
pub(crate) fn url_public<'a>(cx: &Context<'a>, f: &'a LambdaFunction) -> Result<bool, String> {
    match &f.resource_policy {
        Attr::Unavailable(gap) => Err(format!(
            "the resource policy could not be read ({})",
            gap.error_code
        )),
        Attr::Known(None) => Ok(false),
        Attr::Known(Some(text)) => match cx.parsed(text).as_ref() {
            Ok(p) => Ok(analyze(p, &["lambda:InvokeFunctionUrl"]).is_public()),
            Err(e) => Err(e.to_string()),
        },
    }
}

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        match invoke_access(cx, f) {
                Err(reason) => meta.unknown(resource, reason, f.resource_policy.gap()),
                Ok(Some(access)) if access.is_public() => meta.fail_one(
                    resource,
                    format!("the resource policy of {} lets any principal invoke it without a restricting condition", f.name),
                    access.public_statements.iter().map(|s| evidence("resource_policy.statement", s)).collect(),
                ),
                Ok(_) => meta.pass(resource),
            }
    })
}

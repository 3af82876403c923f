use crate::check::*;
use crate::context::Context;
use crate::model::Attr;
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

/// What a resource policy (a function's, or an alias's) lets others do with
/// `lambda:InvokeFunction` (and URL invocation), or why it cannot be known.
pub(crate) fn invoke_access<'a>(
    cx: &Context<'a>,
    policy: &'a Attr<Option<String>>,
) -> Result<Option<ResourceAccess>, String> {
    match policy {
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

/// Whether a resource policy lets anyone call the URL of its qualifier: with AuthType NONE,
/// AWS still requires `lambda:InvokeFunctionUrl` granted to `*` (on the alias, for an alias's
/// URL), or the URL answers 403 (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
/// `Err` when the policy could not be read or parsed.
pub(crate) fn url_public<'a>(
    cx: &Context<'a>,
    policy: &'a Attr<Option<String>>,
) -> Result<bool, String> {
    match policy {
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
    crate::walk::invocables(cx, meta, meta.resource_kind, |q, resource| {
        match invoke_access(cx, q.resource_policy) {
            Err(reason) => meta.unknown(resource, reason, q.resource_policy.gap()),
            Ok(Some(access)) if access.is_public() => meta.fail_one(
                resource,
                format!(
                    "the resource policy of {} lets any principal invoke it without a restricting condition",
                    q.name()
                ),
                access
                    .public_statements
                    .iter()
                    .map(|s| evidence("resource_policy.statement", s))
                    .chain([evidence("arn", q.arn)])
                    .collect(),
            ),
            Ok(_) => meta.pass(resource),
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::context::Options;

    /// The function keeps its unqualified ARN and fingerprint; each alias is its own result
    /// under the qualified ARN.
    #[test]
    fn aliases_are_judged_under_their_qualified_arn() {
        let fixture: serde_json::Value = serde_json::from_str(include_str!(
            "../../fixtures/lambda/function_public_policy.json"
        ))
        .unwrap();
        let inventory = crate::fixtures::inventory(&fixture);
        let options = Options::default();
        let cx = Context::new(&inventory, &options);
        let results = run(&cx);
        let base = "arn:aws:lambda:us-east-1:123456789012:function:aliased";
        let function = results.iter().find(|r| &*r.resource.arn == base).unwrap();
        assert_eq!(function.status, Status::Pass);
        assert_eq!(
            function.fingerprint,
            fingerprint("lambda-function-public-policy", base, "")
        );
        let alias = results
            .iter()
            .find(|r| *r.resource.arn == format!("{base}:bad-public-alias"))
            .unwrap();
        assert_eq!(alias.status, Status::Fail);
        assert_eq!(&*alias.resource.name, "aliased:bad-public-alias");
        assert_ne!(alias.fingerprint, function.fingerprint);
    }
}

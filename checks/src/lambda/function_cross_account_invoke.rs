use crate::analysis::invoke::invoke_access;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-cross-account-invoke",
        title: "An untrusted account may invoke the Lambda function",
        severity: Severity::Medium,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html",
        ],
        compliance: &[nist("AC-3"), nist("AC-21")],
        docs: include_str!("function_cross_account_invoke.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::invocables(cx, meta, meta.resource_kind, |q, resource| {
        match invoke_access(cx, q.resource_policy) {
            Err(reason) => meta.unknown(resource, reason, q.resource_policy.gap()),
            Ok(Some(access)) => crate::analysis::resource_policy::outside_accounts(
                cx,
                meta,
                resource,
                &access.accounts,
                &format!("{} may be invoked by", q.name()),
                "resource_policy.principal.account",
            ),
            Ok(None) => meta.pass(resource),
        }
    })
}

use crate::analysis::invoke::each_invoke_access;
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
    each_invoke_access(cx, meta, |q, access, resource| match access {
        Some(access) => crate::analysis::resource_policy::outside_accounts(
            cx,
            meta,
            resource,
            &access.accounts,
            &format!("{} may be invoked by", q.name()),
            "resource_policy.principal.account",
        ),
        None => meta.pass(resource),
    })
}

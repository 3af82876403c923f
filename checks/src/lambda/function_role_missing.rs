use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-role-missing",
        title: "Lambda function's execution role does not exist",
        severity: Severity::High,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
        ],
        compliance: &[nist("AC-2")],
        docs: include_str!("function_role_missing.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    // Looked up once: the same for every function.
    let iam_partly_listed = cx
        .inventory
        .listing_gap(&crate::model::listing::IAM_PRINCIPALS, None);
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        match &cx.inventory.iam {
                Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
                // A role in another account cannot be looked up from here.
                Attr::Known(_) if crate::policy::principal_account(&f.role_arn).as_deref() != Some(cx.account()) => {
                    meta.unknown(resource, format!("the role {} is in another account", f.role_arn), None)
                }
                Attr::Known(_) if cx.role(&f.role_arn).is_some() => meta.pass(resource),
                // A partly read IAM listing cannot prove a role absent.
                Attr::Known(_) if iam_partly_listed.is_some() => {
                    meta.unknown(resource, format!("the role {} was not among the roles listed, but IAM could not be listed completely", f.role_arn), iam_partly_listed)
                }
                Attr::Known(_) => meta.fail_one(
                    resource,
                    format!("{} names the role {}, which does not exist: whoever re-creates it controls the function's permissions", f.name, f.role_arn),
                    vec![evidence("role_arn", &f.role_arn)],
                ),
            }
    })
}

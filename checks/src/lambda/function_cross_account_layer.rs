use crate::check::*;
use crate::context::Context;
use crate::policy::principal_account;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-cross-account-layer",
        title: "Lambda function uses a layer published by an untrusted account",
        severity: Severity::Medium,
        category: Category::SupplyChain,
        resource_kind: ResourceKind::LambdaFunction,
        references: &["https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html"],
        compliance: &[nist("SR-3"), nist("CM-14")],
        docs: include_str!("function_cross_account_layer.md"),
    },
    run,
};

/// Accounts that publish AWS's own layers (Lambda Insights, Parameters and Secrets, ADOT).
const AWS_LAYER_ACCOUNTS: &[&str] = &[
    "580247275435",
    "177933569100",
    "901920570463",
    "017000801446",
    "336392948345",
];

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        let foreign: Vec<&String> = f
            .layers
            .iter()
            .filter(|layer| {
                principal_account(layer).is_some_and(|a| {
                    !cx.is_trusted_account(&a) && !AWS_LAYER_ACCOUNTS.contains(&a.as_str())
                })
            })
            .collect();
        if foreign.is_empty() {
            meta.pass(resource)
        } else {
            meta.fail_one(
                resource,
                format!(
                    "{} runs code from layer(s) published by untrusted accounts",
                    f.name
                ),
                foreign
                    .iter()
                    .map(|l| evidence("layers", l.as_str()))
                    .collect(),
            )
        }
    })
}

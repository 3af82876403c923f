use crate::check::*;
use crate::context::Context;
use crate::model::Arn;
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

/// Accounts that publish AWS's own layers (Lambda Insights, Parameters and Secrets, AppConfig,
/// ADOT, Powertools, ...), per partition, each with the source it was read from:
/// `checks/data/aws-layer-publishers.tsv` (and its notes beside it).
const AWS_LAYER_PUBLISHERS: &str = include_str!("../../data/aws-layer-publishers.tsv");

/// The AWS publisher behind a layer ARN's (partition, account), if AWS publishes it: the same
/// twelve digits in another partition are another account.
fn aws_publisher(layer_arn: &str) -> Option<&'static str> {
    let arn = Arn::parse(layer_arn).ok()?;
    let (partition, account) = (arn.partition, arn.account);
    AWS_LAYER_PUBLISHERS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("account\t"))
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|row| row.len() >= 4 && row[0] == account && row[1] == partition)
        .map(|row| row[3])
}

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        let foreign: Vec<&String> = f
            .layers
            .iter()
            .filter(|layer| {
                principal_account(layer)
                    .is_some_and(|a| !cx.is_trusted_account(&a) && aws_publisher(layer).is_none())
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

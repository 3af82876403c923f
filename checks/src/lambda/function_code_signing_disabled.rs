use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-code-signing-disabled",
        title: "Lambda function does not enforce code signing",
        severity: Severity::Low,
        category: Category::SupplyChain,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/configuration-codesigning.html",
        ],
        compliance: &[nist("CM-14"), nist("SI-7")],
        docs: include_str!("function_code_signing_disabled.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::functions(cx, meta, |f| {
        // Code signing applies to .zip packages only.
        if f.package_type.as_deref() == Some("Image") {
            return None;
        }
        let resource = cx.function_ref(f);
        Some(match &f.code_signing_config_arn {
            Attr::Unavailable(gap) => meta.unknown_gap(resource, gap),
            Attr::Known(Some(arn)) => {
                meta.pass_with_note(resource, format!("code signing config {arn}"))
            }
            Attr::Known(None) => meta.fail_one(
                resource,
                format!("{} accepts unsigned code", f.name),
                vec![evidence("code_signing_config_arn", "none")],
            ),
        })
    })
}

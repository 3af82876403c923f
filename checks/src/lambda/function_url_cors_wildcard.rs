use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-url-cors-wildcard",
        title: "Lambda function URL allows any CORS origin",
        severity: Severity::Medium,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::FunctionUrl,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors",
        ],
        compliance: &[nist("AC-4")],
        docs: include_str!("function_url_cors_wildcard.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::invocables(cx, meta, ResourceKind::FunctionUrl, |q, resource| {
        let mut out = Vec::new();
        match q.function_url {
            Attr::Unavailable(gap) => out.push(meta.unknown_gap(resource, gap)),
            Attr::Known(None) => {}
            Attr::Known(Some(url)) => {
                let wildcard = url
                    .cors
                    .as_ref()
                    .is_some_and(|c| c.allow_origins.iter().any(|o| o.trim() == "*"));
                if wildcard {
                    out.push(meta.fail_one(
                        resource,
                        format!(
                            "function URL of {} allows CORS requests from any origin",
                            q.name()
                        ),
                        vec![
                            evidence("function_url.cors.allow_origins", "*"),
                            evidence("arn", q.arn),
                        ],
                    ));
                } else {
                    out.push(meta.pass(resource));
                }
            }
        }
        out
    })
}

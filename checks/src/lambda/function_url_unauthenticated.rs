use crate::analysis::invoke::url_public;
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-url-unauthenticated",
        title: "Lambda function URL accepts unauthenticated requests",
        severity: Severity::High,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::FunctionUrl,
        references: &["https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"],
        compliance: &[nist("AC-3"), nist("AC-17")],
        docs: include_str!("function_url_unauthenticated.md"),
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
            Attr::Known(Some(url)) if url.auth_type == "NONE" => {
                out.push(match url_public(cx, q.resource_policy) {
                    Err(reason) => meta.unknown(
                        resource,
                        format!("AuthType NONE, and whether the resource policy opens the URL to anyone is unknown: {reason}"),
                        q.resource_policy.gap(),
                    ),
                    Ok(true) => meta.fail_one(
                        resource,
                        format!(
                            "function URL of {} has AuthType NONE and its resource policy lets anyone call it: anyone on the Internet can invoke it",
                            q.name()
                        ),
                        vec![
                            evidence("function_url.auth_type", "NONE"),
                            evidence("function_url.url", &url.url),
                            evidence("arn", q.arn),
                            evidence("resource_policy", "lambda:InvokeFunctionUrl allowed to *"),
                        ],
                    ),
                    // AWS answers 403 until the policy grants public access.
                    Ok(false) => meta.pass_with_note(
                        resource,
                        "AuthType NONE, but no resource-policy statement lets anyone call lambda:InvokeFunctionUrl, so AWS refuses unauthenticated calls",
                    ),
                });
            }
            Attr::Known(Some(_)) => out.push(meta.pass(resource)),
        }
        out
    })
}

use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-shared-role",
        title: "Lambda function shares its execution role with other functions",
        severity: Severity::Medium,
        category: Category::OverPrivilege,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
        ],
        compliance: &[nist("AC-6")],
        docs: include_str!("function_shared_role.md"),
    },
    run,
};

/// How many of the other functions a result names.
const RELATED_SAMPLE: usize = 10;

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    // Whether every function was listed: the same answer for each of them.
    let unlisted = crate::analysis::walk::unlisted_functions(cx);
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        let siblings: Vec<&str> = cx
            .functions_of_role(&f.role_arn)
            .iter()
            .filter(|o| o.arn != f.arn)
            .map(|o| o.arn.as_str())
            .collect();
        if siblings.is_empty() {
            match unlisted {
                Some(gap) => meta.unknown(
                    resource,
                    format!(
                        "no other listed function uses {}, but not every function could be listed",
                        f.role_arn
                    ),
                    Some(gap),
                ),
                None => meta.pass(resource),
            }
        } else {
            meta.fail(
                resource,
                vec![Finding {
                    message: format!(
                        "{} shares the role {} with {} other function(s)",
                        f.name,
                        f.role_arn,
                        siblings.len()
                    ),
                    evidence: vec![
                        evidence("role_arn", &f.role_arn),
                        evidence("shared_with", siblings.len().to_string()),
                    ],
                    // A bounded sample: listing every sibling on every result grows with the
                    // square of the functions sharing a role.
                    related: siblings
                        .iter()
                        .take(RELATED_SAMPLE)
                        .map(|s| (*s).to_owned())
                        .collect(),
                }],
            )
        }
    })
}

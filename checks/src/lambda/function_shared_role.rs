use crate::check::*;
use crate::context::Context;
use std::collections::HashMap;
use std::sync::Arc;

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

/// Each role's functions, by ARN in order, for a sample that is the same whatever order the
/// functions were listed in. The ARNs are the results' own shared references: a sample names
/// them without copying.
fn sorted_by_role<'a>(cx: &Context<'a>) -> HashMap<&'a str, Vec<Arc<str>>> {
    let mut by_role: HashMap<&str, Vec<Arc<str>>> = HashMap::new();
    for f in cx.inventory.lambda_functions() {
        by_role.entry(f.role_arn.as_str()).or_insert_with(|| {
            let mut arns: Vec<Arc<str>> = cx
                .functions_of_role(&f.role_arn)
                .iter()
                .map(|o| cx.function_ref(o).arn.clone())
                .collect();
            arns.sort_unstable();
            arns
        });
    }
    by_role
}

/// One result per function, each with the count of the others and a bounded sample of them
/// (the first by ARN): evidence grows with the functions, not with their square.
fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    // Whether every function was listed: the same answer for each of them.
    let unlisted = crate::analysis::walk::unlisted_functions(cx);
    let by_role = sorted_by_role(cx);
    crate::analysis::walk::functions(cx, meta, |f| {
        let resource = cx.function_ref(f);
        let same_role = by_role
            .get(f.role_arn.as_str())
            .map_or(&[][..], Vec::as_slice);
        // The function's own ARN, found by bisection: counting by scan is quadratic in time.
        let own = same_role.partition_point(|arn| **arn <= *f.arn)
            - same_role.partition_point(|arn| **arn < *f.arn);
        let others = same_role.len() - own;
        if others == 0 {
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
                        "{} shares the role {} with {others} other function(s)",
                        f.name, f.role_arn,
                    ),
                    evidence: vec![
                        evidence("role_arn", &f.role_arn),
                        evidence("shared_with", others.to_string()),
                    ],
                    related: same_role
                        .iter()
                        .filter(|arn| ***arn != *f.arn)
                        .take(RELATED_SAMPLE)
                        .cloned()
                        .collect(),
                }],
            )
        }
    })
}

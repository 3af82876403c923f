use crate::analysis::invoke::each_invoke_access;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-function-public-policy",
        title: "Lambda function policy lets anyone invoke it",
        severity: Severity::Critical,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::LambdaFunction,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
        ],
        compliance: &[fsbp("Lambda.1"), nist("AC-3"), nist("AC-21")],
        docs: include_str!("function_public_policy.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_invoke_access(cx, meta, |q, access, resource| {
        match access {
            Some(access) if access.is_public() => meta.fail_one(
                resource,
                format!(
                    "the resource policy of {} lets any principal invoke it without a restricting condition",
                    q.name()
                ),
                access
                    .public_statements
                    .iter()
                    .map(|s| evidence("resource_policy.statement", s))
                    .chain([evidence("arn", q.arn)])
                    .collect(),
            ),
            _ => meta.pass(resource),
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::context::Options;

    /// The function keeps its unqualified ARN and fingerprint; each alias is its own result
    /// under the qualified ARN.
    #[test]
    fn aliases_are_judged_under_their_qualified_arn() {
        let fixture: serde_json::Value = serde_json::from_str(include_str!(
            "../../fixtures/lambda/function_public_policy.json"
        ))
        .unwrap();
        let inventory = crate::fixtures::inventory(&fixture);
        let options = Options::default();
        let cx = Context::new(&inventory, &options);
        let results = run(&cx);
        let base = "arn:aws:lambda:us-east-1:123456789012:function:aliased";
        let function = results.iter().find(|r| &*r.resource.arn == base).unwrap();
        assert_eq!(function.status, Status::Pass);
        assert_eq!(
            function.fingerprint,
            fingerprint("lambda-function-public-policy", base, "")
        );
        let alias = results
            .iter()
            .find(|r| *r.resource.arn == format!("{base}:bad-public-alias"))
            .unwrap();
        assert_eq!(alias.status, Status::Fail);
        assert_eq!(&*alias.resource.name, "aliased:bad-public-alias");
        assert_ne!(alias.fingerprint, function.fingerprint);
    }
}

use crate::analysis::resource_policy::judge_access;
use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "lambda-layer-public-policy",
        title: "Lambda layer version is shared with everyone or with an untrusted account",
        severity: Severity::High,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::LambdaLayerVersion,
        references: &[
            "https://docs.aws.amazon.com/lambda/latest/dg/layers-adding.html",
            "https://docs.aws.amazon.com/lambda/latest/api/API_AddLayerVersionPermission.html",
        ],
        compliance: &[nist("AC-3"), nist("AC-21"), nist("SA-8")],
        docs: include_str!("layer_public_policy.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    crate::analysis::walk::layer_versions(cx, meta, |layer, version, resource| {
        let name = format!("{}:{}", layer.name, version.version);
        let actions = ["lambda:GetLayerVersion"];
        judge_access(
            cx,
            meta,
            resource,
            &version.policy,
            &actions,
            |access, resource| {
                if access.is_public() {
                    return meta.fail_one(
                resource,
                format!(
                    "layer version {name} lets any AWS account download it (lambda:GetLayerVersion to *, no organization condition)"
                ),
                access
                    .public_statements
                    .iter()
                    .map(|s| evidence("policy.statement", s))
                    .collect(),
            );
                }
                crate::analysis::resource_policy::outside_accounts(
                    cx,
                    meta,
                    resource,
                    &access.accounts,
                    &format!("layer version {name} may be downloaded by"),
                    "policy.principal.account",
                )
            },
        )
    })
}

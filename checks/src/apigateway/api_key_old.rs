use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-api-key-old",
        title: "API Gateway API key is older than the rotation threshold",
        severity: Severity::Low,
        category: Category::KeyAge,
        resource_kind: ResourceKind::ApiKey,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-setup-api-key-with-console.html",
        ],
        compliance: &[nist("IA-5(1)")],
        docs: include_str!("api_key_old.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let max = cx.options.api_key_max_age_days;
    crate::analysis::walk::api_keys(cx, meta, |key| {
        if !key.enabled {
            return None;
        }
        {
            let resource = cx.resource(
                ResourceKind::ApiKey,
                &key.arn,
                key.name.as_deref().unwrap_or(&key.id),
                &key.region,
            );
            Some(match key.created {
                None => meta.unknown(resource, "the key's creation date was not reported", None),
                Some(created) if cx.age_days(created) > max => meta.fail_one(
                    resource,
                    format!(
                        "API key {} is {} days old (threshold {max})",
                        key.id,
                        cx.age_days(created)
                    ),
                    vec![evidence("created", created.date().to_string())],
                ),
                Some(_) => meta.pass(resource),
            })
        }
    })
}

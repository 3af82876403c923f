use crate::check::*;
use crate::context::Context;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-domain-weak-tls",
        title: "API Gateway custom domain allows TLS 1.0",
        severity: Severity::Medium,
        category: Category::Encryption,
        resource_kind: ResourceKind::DomainName,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html",
        ],
        compliance: &[nist("SC-8"), nist("SC-13")],
        docs: include_str!("domain_weak_tls.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let mut out = crate::analysis::walk::domain_names(cx, meta, |d| {
        let resource = cx.resource(ResourceKind::DomainName, &d.arn, &d.name, &d.region);
        match d.security_policy.as_deref() {
            Some("TLS_1_0") => meta.fail_one(
                resource,
                format!("custom domain {} accepts TLS 1.0", d.name),
                vec![evidence("security_policy", "TLS_1_0")],
            ),
            None => meta.unknown(resource, "the security policy was not reported", None),
            Some(_) => meta.pass(resource),
        }
    });
    // API Gateway v2's list (HTTP and WebSocket APIs). Regional REST domains appear in both
    // lists under the same name: judged once, from the v1 list when it was read.
    out.extend(crate::analysis::walk::domain_names_v2(
        cx,
        meta,
        |region, d| {
            if region
                .domain_names
                .known()
                .is_some_and(|v1| v1.iter().any(|v1| v1.name == d.name))
            {
                return None;
            }
            let resource = cx.resource(ResourceKind::DomainName, &d.arn, &d.name, &d.region);
            let weak: Vec<&str> = d
                .configurations
                .iter()
                .filter(|c| c.security_policy.as_deref() == Some("TLS_1_0"))
                .map(|c| c.endpoint_type.as_deref().unwrap_or("endpoint"))
                .collect();
            Some(if !weak.is_empty() {
                meta.fail_one(
                    resource,
                    format!("custom domain {} accepts TLS 1.0", d.name),
                    weak.iter()
                        .map(|e| {
                            evidence(
                                format!("domain_name_configurations.{e}.security_policy"),
                                "TLS_1_0",
                            )
                        })
                        .collect(),
                )
            } else if d.configurations.is_empty()
                || d.configurations.iter().any(|c| c.security_policy.is_none())
            {
                meta.unknown(resource, "the security policy was not reported", None)
            } else {
                meta.pass(resource)
            })
        },
    ));
    out
}

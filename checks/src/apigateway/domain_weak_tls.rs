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
    crate::walk::domain_names(cx, meta, |d| {
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
    })
}

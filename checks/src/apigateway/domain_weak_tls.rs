use super::common::region_unknown;
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

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
    let mut out = Vec::new();
    for region in &cx.inventory.regions {
        let domains = match &region.domain_names {
            Attr::Known(d) => d,
            Attr::Unavailable(gap) => {
                out.push(region_unknown(cx, meta, region, gap));
                continue;
            }
        };
        for d in domains {
            let resource = cx.resource(ResourceKind::DomainName, &d.arn, &d.name, &d.region);
            out.push(match d.security_policy.as_deref() {
                Some("TLS_1_0") => meta.fail_one(
                    resource,
                    format!("custom domain {} accepts TLS 1.0", d.name),
                    vec![evidence("security_policy", "TLS_1_0")],
                ),
                None => meta.unknown(resource, "the security policy was not reported", None),
                Some(_) => meta.pass(resource),
            });
        }
    }
    out
}

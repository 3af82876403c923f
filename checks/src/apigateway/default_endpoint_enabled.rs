use crate::analysis::apigateway::is_private;
use crate::check::*;
use crate::context::Context;
use crate::model::listing;
use crate::model::{Attr, Gap, RegionInventory};

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "apigateway-default-endpoint-enabled",
        title: "API served through a custom domain still answers on its default execute-api endpoint",
        severity: Severity::Medium,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::RestApi,
        references: &[
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html",
            "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-disable-default-endpoint.html",
        ],
        compliance: &[nist("SC-7"), nist("SC-8")],
        docs: include_str!("default_endpoint_enabled.md"),
    },
    run,
};

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let mut out =
        crate::analysis::walk::rest_apis(cx, meta, ResourceKind::RestApi, |region, api| {
            // A private API's default endpoint is reachable only through VPC endpoints.
            if is_private(api) {
                return None;
            }
            let resource = cx.resource(ResourceKind::RestApi, &api.arn, &api.name, &api.region);
            let mappings = mapped_under(cx, region, &api.id, true);
            Some(judge(
                resource,
                &api.name,
                api.disable_execute_api_endpoint,
                mappings,
            ))
        });
    out.extend(crate::analysis::walk::http_apis(
        cx,
        meta,
        ResourceKind::HttpApi,
        |region, api| {
            let resource = cx.resource(ResourceKind::HttpApi, &api.arn, &api.name, &api.region);
            let mappings = mapped_under(cx, region, &api.id, false);
            judge(
                resource,
                &api.name,
                api.disable_execute_api_endpoint,
                mappings,
            )
        },
    ));
    out
}

/// The custom domains an API is mapped to (REST APIs through v1 base path mappings or v2 API
/// mappings; HTTP and WebSocket APIs through v2 API mappings), and the first list that could
/// not be read.
struct Mapped<'a> {
    domains: Vec<&'a str>,
    unread: Option<&'a Gap>,
}

fn mapped_under<'a>(
    cx: &Context<'a>,
    region: &'a RegionInventory,
    api_id: &str,
    rest: bool,
) -> Mapped<'a> {
    let mut mapped = Mapped {
        domains: Vec::new(),
        unread: cx
            .inventory
            .listing_gap(&listing::DOMAIN_NAMES, Some(&region.region)),
    };
    let mut unread = |gap: &'a Gap| {
        mapped.unread.get_or_insert(gap);
    };
    if rest {
        match &region.domain_names {
            Attr::Unavailable(gap) => unread(gap),
            Attr::Known(domains) => {
                for d in domains {
                    match &d.base_path_mappings {
                        Attr::Unavailable(gap) => unread(gap),
                        Attr::Known(m) if m.iter().any(|m| m.rest_api_id == api_id) => {
                            mapped.domains.push(&d.name);
                        }
                        Attr::Known(_) => {}
                    }
                }
            }
        }
    }
    match &region.domain_names_v2 {
        Attr::Unavailable(gap) => unread(gap),
        Attr::Known(domains) => {
            for d in domains {
                match &d.api_mappings {
                    Attr::Unavailable(gap) => unread(gap),
                    Attr::Known(m) if m.iter().any(|m| m.api_id == api_id) => {
                        if !mapped.domains.contains(&d.name.as_str()) {
                            mapped.domains.push(&d.name);
                        }
                    }
                    Attr::Known(_) => {}
                }
            }
        }
    }
    mapped
}

fn judge(resource: ResourceRef, name: &str, disabled: bool, mapped: Mapped<'_>) -> CheckResult {
    let meta = &CHECK.meta;
    if disabled {
        return meta.pass_with_note(resource, "the default execute-api endpoint is disabled");
    }
    if !mapped.domains.is_empty() {
        let mut lines = vec![evidence("disable_execute_api_endpoint", "false")];
        lines.extend(mapped.domains.iter().map(|d| evidence("custom_domain", *d)));
        return meta.fail_one(
            resource,
            format!(
                "{name} is served through custom domain {}, yet still answers on its default execute-api endpoint, which bypasses the domain's TLS policy, mutual TLS and WAF",
                mapped.domains.join(", ")
            ),
            lines,
        );
    }
    match mapped.unread {
        Some(gap) => meta.unknown(
            resource,
            format!(
                "whether {name} is mapped to a custom domain is unknown: {} {} could not be read ({}: {})",
                gap.service, gap.operation, gap.error_code, gap.message
            ),
            Some(gap),
        ),
        None => meta.pass_with_note(
            resource,
            "not mapped to any custom domain: the default endpoint is its only one",
        ),
    }
}

//! Entries: ways to invoke a function without AWS credentials. A function URL with AuthType
//! NONE, a public resource policy, or an unauthenticated REST method / HTTP route whose
//! integration targets the function (aliases and versions resolve to the function).

use crate::apigateway::common::{is_private, stage_throttle};
use crate::context::Context;
use crate::lambda::function_public_policy::invoke_access;
use crate::model::{Attr, LambdaFunction};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// `function-url`, `public-policy`, `rest-method` or `http-route`.
    pub(crate) kind: &'static str,
    /// The entry's own ARN (URL, method, route) or the function's for its policy.
    pub(crate) arn: String,
    pub(crate) description: String,
    /// Stage throttle, usage plan or WAF in front of it.
    pub(crate) throttled: bool,
}

/// The function ARN an integration URI targets, qualifier dropped:
/// `arn:aws:apigateway:R:lambda:path/2015-03-31/functions/ARN[:alias]/invocations` or a bare ARN.
pub(crate) fn integration_function(uri: &str) -> Option<String> {
    let arn = match uri.split_once("/functions/") {
        Some((_, rest)) => rest.strip_suffix("/invocations").unwrap_or(rest),
        None if uri.starts_with("arn:")
            && uri.contains(":lambda:")
            && uri.contains(":function:") =>
        {
            uri
        }
        None => return None,
    };
    // Stage-variable indirection (`${stageVariables.fn}`) cannot be resolved statically.
    if arn.contains("${") {
        return None;
    }
    let parts: Vec<&str> = arn.split(':').collect();
    (parts.len() >= 7 && parts[5] == "function").then(|| parts[..7].join(":"))
}

/// Entries per function ARN, computed once per evaluation.
pub(crate) fn entries<'c>(cx: &'c Context<'_>) -> &'c HashMap<String, Vec<Entry>> {
    cx.entries.get_or_init(|| compute(cx))
}

fn compute(cx: &Context<'_>) -> HashMap<String, Vec<Entry>> {
    let mut map: HashMap<String, Vec<Entry>> = HashMap::new();
    for f in cx.inventory.lambda_functions() {
        if let Attr::Known(Some(url)) = &f.function_url
            && url.auth_type == "NONE"
        {
            map.entry(f.arn.clone()).or_default().push(Entry {
                kind: "function-url",
                arn: f.arn.clone(),
                description: format!("function URL {} (AuthType NONE)", url.url),
                throttled: false,
            });
        }
        if let Ok(Some(access)) = invoke_access(cx, f)
            && access.is_public()
        {
            map.entry(f.arn.clone()).or_default().push(Entry {
                kind: "public-policy",
                arn: f.arn.clone(),
                description: format!(
                    "resource policy open to anyone ({})",
                    access.public_statements.join(", ")
                ),
                throttled: false,
            });
        }
    }
    for region in &cx.inventory.regions {
        for api in region.rest_apis.known().into_iter().flatten() {
            if is_private(api) {
                continue;
            }
            let stages = api.stages.known().map(Vec::as_slice).unwrap_or_default();
            // Throttled only when every deployed stage is.
            let throttled = !stages.is_empty()
                && stages.iter().all(|s| {
                    stage_throttle(s, &region.apigateway_account).is_some()
                        || s.web_acl_arn.is_some()
                });
            for resource in api.resources.known().into_iter().flatten() {
                for m in &resource.methods {
                    if m.authorization_type != "NONE"
                        || m.api_key_required
                        || m.http_method == "OPTIONS"
                    {
                        continue;
                    }
                    let Some(target) = m
                        .integration
                        .as_ref()
                        .and_then(|i| i.uri.as_deref())
                        .and_then(integration_function)
                    else {
                        continue;
                    };
                    map.entry(target).or_default().push(Entry {
                        kind: "rest-method",
                        arn: m.arn.clone(),
                        description: format!(
                            "{} {} on REST API {} (no authorization, no API key)",
                            m.http_method, resource.path, api.name
                        ),
                        throttled,
                    });
                }
            }
        }
        for api in region.http_apis.known().into_iter().flatten() {
            let integrations = api
                .integrations
                .known()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let stages = api.stages.known().map(Vec::as_slice).unwrap_or_default();
            let throttled =
                !stages.is_empty() && stages.iter().all(|s| s.default_route_throttle.is_some());
            for route in api.routes.known().into_iter().flatten() {
                if route.authorization_type.as_deref().unwrap_or("NONE") != "NONE" {
                    continue;
                }
                let integration_id = route
                    .target
                    .as_deref()
                    .and_then(|t| t.strip_prefix("integrations/"));
                let Some(target) = integrations
                    .iter()
                    .find(|i| Some(i.id.as_str()) == integration_id)
                    .and_then(|i| i.uri.as_deref())
                    .and_then(integration_function)
                else {
                    continue;
                };
                map.entry(target).or_default().push(Entry {
                    kind: "http-route",
                    arn: route.arn.clone(),
                    description: format!(
                        "route {} on HTTP API {} (no authorization)",
                        route.route_key, api.name
                    ),
                    throttled,
                });
            }
        }
    }
    map
}

/// Whether the function has any credential-free entry (for severity adjustments).
pub(crate) fn publicly_invocable(
    entries: &HashMap<String, Vec<Entry>>,
    f: &LambdaFunction,
) -> bool {
    entries.get(&f.arn).is_some_and(|e| !e.is_empty())
}

#[cfg(test)]
mod tests {
    use super::integration_function;

    #[test]
    fn integration_uris_resolve_to_functions() {
        let f = "arn:aws:lambda:us-east-1:123456789012:function:orders";
        let uri = |arn: &str| {
            format!(
                "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
            )
        };
        assert_eq!(integration_function(&uri(f)).as_deref(), Some(f));
        assert_eq!(
            integration_function(&uri(&format!("{f}:live"))).as_deref(),
            Some(f)
        );
        assert_eq!(
            integration_function(&uri(&format!("{f}:12"))).as_deref(),
            Some(f)
        );
        assert_eq!(integration_function(f).as_deref(), Some(f));
        assert_eq!(
            integration_function(&uri(
                "arn:aws:lambda:us-east-1:1:function:${stageVariables.fn}"
            )),
            None
        );
        assert_eq!(integration_function("https://example.com/backend"), None);
    }
}

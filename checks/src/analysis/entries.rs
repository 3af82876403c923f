//! Entries: ways to invoke a function without AWS credentials. A function URL with AuthType
//! NONE, a public resource policy, or an unauthenticated REST method / HTTP route whose
//! integration targets the function (aliases and versions resolve to the function).

use crate::analysis::apigateway::{
    Served, deployed_only, deployed_open, is_private, is_websocket, method_throttle,
    plan_throttles, served, usage_plans_for,
};
use crate::analysis::invoke::{invoke_access, url_public};
use crate::analysis::walk::Invocable;
use crate::context::Context;
use crate::model::listing::{self, Listing};
use crate::model::{
    Arn, Attr, Gap, HttpApiRoute, LambdaFunction, RegionInventory, RestApi, RestApiStage,
};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// `function-url`, `public-policy`, `rest-method` or `http-route`.
    pub(crate) kind: &'static str,
    /// The entry's own ARN (URL, method, route) or the function's (or alias's) for its policy.
    pub(crate) arn: String,
    /// The alias or version the entry invokes (`None`: the unqualified function, `$LATEST`).
    /// A published version keeps the role it was published with.
    pub(crate) qualifier: Option<String>,
    pub(crate) description: String,
    /// Stage throttle, usage plan or WAF in front of it.
    pub(crate) throttled: Throttled,
}

/// Whether something limits the request rate in front of an entry.
#[derive(Debug, Clone)]
pub(crate) enum Throttled {
    Yes,
    No,
    /// A read needed to tell failed (the stages, or the account's API Gateway settings).
    Unknown(BlindSpot),
}

/// A hop on the way from an entry to a function that could not be read: a function not
/// found reachable is then unknown, not safe.
#[derive(Debug, Clone)]
pub(crate) struct BlindSpot {
    /// What could not be read, for people (`the methods of REST API orders (a1b2) in us-east-1`).
    pub(crate) hop: String,
    pub(crate) gap: Gap,
}

/// Credential-free entries per function ARN, and the hops that could not be read.
#[derive(Debug, Default)]
pub(crate) struct Entries {
    by_function: HashMap<String, Vec<Entry>>,
    /// Unread hops that could hide an entry to any function.
    pub(crate) blind: Vec<BlindSpot>,
}

impl Entries {
    /// The entries found for a function (empty when none was found).
    pub(crate) fn of(&self, f: &LambdaFunction) -> &[Entry] {
        self.by_function.get(&f.arn).map_or(&[], Vec::as_slice)
    }

    /// Why "no entry found" does not mean "no entry" for this function, if it does not: its
    /// own URL or policy unread, or a hop of an API that could reach it.
    pub(crate) fn blind_spot(&self, f: &LambdaFunction) -> Option<BlindSpot> {
        let own = |what: &str, name: &str, gap: Option<&Gap>| {
            gap.map(|gap| BlindSpot {
                hop: format!("the {what} of {name}"),
                gap: gap.clone(),
            })
        };
        own("function URL", &f.name, f.function_url.gap())
            .or_else(|| own("resource policy", &f.name, f.resource_policy.gap()))
            .or_else(|| own("aliases", &f.name, f.aliases.gap()))
            .or_else(|| {
                f.aliases.known()?.iter().find_map(|a| {
                    let name = format!("{}:{}", f.name, a.name);
                    own("function URL", &name, a.function_url.gap())
                        .or_else(|| own("resource policy", &name, a.resource_policy.gap()))
                })
            })
            .or_else(|| self.blind.first().cloned())
    }

    /// A readable account of the unread hops, for an unknown result.
    pub(crate) fn blind_reason(&self, first: &BlindSpot) -> String {
        let more = self.blind.iter().filter(|b| b.hop != first.hop).count();
        format!(
            "whether anyone can reach it without credentials is unknown: {} could not be read ({} {}: {}){}",
            first.hop,
            first.gap.operation,
            first.gap.error_code,
            first.gap.message,
            if more > 0 {
                format!(", and {more} more unread hop(s)")
            } else {
                String::new()
            }
        )
    }
}

/// The function ARN an integration URI targets and the alias or version it names, if any:
/// `arn:aws:apigateway:R:lambda:path/2015-03-31/functions/ARN[:alias]/invocations` or a bare ARN.
pub(crate) fn integration_target(uri: &str) -> Option<(String, Option<String>)> {
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
    let parsed = Arn::parse(arn).ok()?;
    let name_and_qualifier = parsed.resource.strip_prefix("function:")?;
    let mut rest = name_and_qualifier.split(':');
    let name = rest.next()?;
    let function = &arn[..arn.len() - name_and_qualifier.len() + name.len()];
    Some((function.to_owned(), rest.next().map(str::to_owned)))
}

/// A Lambda integration whose function cannot be told (a stage variable picks it, and stage
/// variable values are never read; or the URI does not parse): a blind spot, so that "no
/// entry reaches this function" is unknown rather than a pass. `None` for other services.
fn unresolved_function(
    uri: &str,
    hop: String,
    (region, resource, operation): (&str, &str, &str),
) -> Option<BlindSpot> {
    if !(uri.contains(":lambda:path/") || uri.contains(":function:")) {
        return None;
    }
    let by_variable = uri.contains("${");
    Some(BlindSpot {
        hop,
        gap: Gap {
            service: "apigateway".to_owned(),
            region: Some(region.to_owned()),
            operation: operation.to_owned(),
            resource: Some(resource.to_owned()),
            kind: if by_variable {
                crate::model::GapKind::Unsupported
            } else {
                crate::model::GapKind::Malformed
            },
            error_code: if by_variable {
                "StageVariableTarget"
            } else {
                "UnparsableIntegrationUri"
            }
            .to_owned(),
            message: if by_variable {
                "a stage variable picks the Lambda function, and stage variable values are never read"
            } else {
                "the Lambda integration's URI does not name a function faascan can parse"
            }
            .to_owned(),
            request_id: None,
        },
    })
}

/// Entries per function ARN, computed once per evaluation.
pub(crate) fn entries(cx: &Context<'_>) -> std::sync::Arc<Entries> {
    cx.memo(|| compute(cx))
}

fn blind(hop: String, gap: &Gap) -> BlindSpot {
    BlindSpot {
        hop,
        gap: gap.clone(),
    }
}

/// The list of a region, or the blind spot it leaves (wholly or partly unread).
fn listed<'a, T>(
    cx: &'a Context<'_>,
    list: &'a Attr<Vec<T>>,
    listing: &Listing,
    region: &str,
    out: &mut Vec<BlindSpot>,
) -> &'a [T] {
    let what = format!("the {} of {region}", listing.resources);
    match list {
        Attr::Unavailable(gap) => {
            out.push(blind(what, gap));
            &[]
        }
        Attr::Known(items) => {
            if let Some(gap) = cx.inventory.listing_gap(listing, Some(region)) {
                out.push(blind(format!("part of {what}"), gap));
            }
            items
        }
    }
}

fn compute(cx: &Context<'_>) -> Entries {
    let mut map: HashMap<String, Vec<Entry>> = HashMap::new();
    let mut unread: Vec<BlindSpot> = Vec::new();
    for f in cx.inventory.lambda_functions() {
        // The function and each alias: AWS keeps a policy and a URL per qualifier, and an
        // alias's entry invokes the version the alias points to.
        let aliases = f.aliases.known().map_or(&[][..], Vec::as_slice);
        let qualifiers =
            std::iter::once(Invocable::of(f)).chain(aliases.iter().map(|a| Invocable {
                function: f,
                alias: Some(a),
                arn: &a.arn,
                resource_policy: &a.resource_policy,
                function_url: &a.function_url,
            }));
        for q in qualifiers {
            let qualifier = q.alias.map(|a| a.name.clone());
            // AuthType NONE opens the URL only with a policy granting it to anyone.
            if let Attr::Known(Some(url)) = q.function_url
                && url.auth_type == "NONE"
                && url_public(cx, q.resource_policy) == Ok(true)
            {
                map.entry(f.arn.clone()).or_default().push(Entry {
                    kind: "function-url",
                    arn: q.arn.to_owned(),
                    qualifier: qualifier.clone(),
                    description: format!(
                        "function URL {} of {} (AuthType NONE)",
                        url.url,
                        q.name()
                    ),
                    throttled: Throttled::No,
                });
            }
            if let Ok(Some(access)) = invoke_access(cx, q.resource_policy)
                && access.is_public()
            {
                map.entry(f.arn.clone()).or_default().push(Entry {
                    kind: "public-policy",
                    arn: q.arn.to_owned(),
                    qualifier,
                    description: format!(
                        "resource policy of {} open to anyone ({})",
                        q.name(),
                        access.public_statements.join(", ")
                    ),
                    throttled: Throttled::No,
                });
            }
        }
    }
    for region in &cx.inventory.regions {
        let name = region.region.as_str();
        let rest = listed(
            cx,
            &region.rest_apis,
            &listing::REST_APIS,
            name,
            &mut unread,
        );
        for api in rest {
            if is_private(api) {
                continue;
            }
            let label = format!("REST API {} ({}) in {name}", api.name, api.id);
            // What is reachable is what each stage serves: its deployment, not the draft.
            let stages = match &api.stages {
                Attr::Known(stages) => stages.as_slice(),
                Attr::Unavailable(gap) => {
                    unread.push(blind(format!("the stages of {label}"), gap));
                    continue;
                }
            };
            // An API with no stage serves nothing.
            if stages.is_empty() {
                continue;
            }
            let resources = match &api.resources {
                Attr::Known(resources) => resources.as_slice(),
                Attr::Unavailable(gap) => {
                    unread.push(blind(format!("the methods of {label}"), gap));
                    continue;
                }
            };
            // (path, verb) -> the stages serving it unauthenticated, and whether with a key.
            let mut open: BTreeMap<(&str, &str), Vec<(&RestApiStage, bool)>> = BTreeMap::new();
            for stage in stages {
                if let Some(Attr::Unavailable(gap)) = &stage.deployment {
                    unread.push(blind(
                        format!("the deployment of stage {} of {label}", stage.name),
                        gap,
                    ));
                    continue;
                }
                for resource in resources {
                    for m in &resource.methods {
                        if m.http_method == "OPTIONS" {
                            continue;
                        }
                        // An API key identifies a client; it does not authenticate one.
                        let keyed = match served(stage, &resource.path, &m.http_method) {
                            Served::Deployed(d) if deployed_open(d) => d.api_key_required,
                            Served::AsDraft if m.authorization_type == "NONE" => m.api_key_required,
                            _ => continue,
                        };
                        open.entry((&resource.path, &m.http_method))
                            .or_default()
                            .push((stage, keyed));
                    }
                }
                for (path, verb, d) in deployed_only(api, stage) {
                    if verb != "OPTIONS" && deployed_open(d) {
                        unread.push(deleted_method(api, stage, path, verb, &label));
                    }
                }
            }
            for ((path, verb), serving) in open {
                let Some(m) = resources
                    .iter()
                    .find(|r| r.path == path)
                    .and_then(|r| r.methods.iter().find(|m| m.http_method == verb))
                else {
                    continue;
                };
                // The integration is read from the draft: a deployment's own integrations
                // have no read API.
                let uri = m.integration.as_ref().and_then(|i| i.uri.as_deref());
                let Some((target, qualifier)) = uri.and_then(integration_target) else {
                    if let Some(spot) = uri.and_then(|uri| {
                        unresolved_function(
                            uri,
                            format!("the function behind {verb} {path} on {label}"),
                            (&api.region, &m.arn, "GetIntegration"),
                        )
                    }) {
                        unread.push(spot);
                    }
                    continue;
                };
                let key_only = serving.iter().all(|(_, keyed)| *keyed);
                map.entry(target).or_default().push(Entry {
                    kind: "rest-method",
                    arn: m.arn.clone(),
                    qualifier,
                    description: format!(
                        "{verb} {path} on REST API {} (no authorization{}; served by stage {})",
                        api.name,
                        if key_only {
                            "; an API key only"
                        } else {
                            ", no API key"
                        },
                        bounded_list(serving.iter().map(|(s, _)| s.name.as_str()))
                    ),
                    throttled: served_throttled(cx, region, api, (path, verb), &serving),
                });
            }
        }
        let http = listed(
            cx,
            &region.http_apis,
            &listing::HTTP_APIS,
            name,
            &mut unread,
        );
        for api in http {
            let label = format!("HTTP API {} ({}) in {name}", api.name, api.id);
            let routes = match &api.routes {
                Attr::Known(routes) => routes.as_slice(),
                Attr::Unavailable(gap) => {
                    unread.push(blind(format!("the routes of {label}"), gap));
                    continue;
                }
            };
            let unauthenticated =
                |r: &&HttpApiRoute| r.authorization_type.as_deref().unwrap_or("NONE") == "NONE";
            let open: Vec<_> = if is_websocket(api) {
                // A WebSocket API authorizes once, at `$connect`: every route is open when
                // `$connect` is (or absent), none when it is not.
                let connect_open = routes
                    .iter()
                    .find(|r| r.route_key == "$connect")
                    .is_none_or(|r| unauthenticated(&r));
                if connect_open {
                    routes.iter().collect()
                } else {
                    Vec::new()
                }
            } else {
                routes.iter().filter(unauthenticated).collect()
            };
            if open.is_empty() {
                continue;
            }
            // Only an unauthenticated route makes the integrations matter.
            let integrations = match &api.integrations {
                Attr::Known(integrations) => integrations.as_slice(),
                Attr::Unavailable(gap) => {
                    unread.push(blind(format!("the integrations of {label}"), gap));
                    continue;
                }
            };
            // A route's own throttle, else the stage's default route throttle (an absent
            // limit is "not set"), on every stage.
            let throttled = |route_key: &str| match &api.stages {
                Attr::Unavailable(gap) => {
                    Throttled::Unknown(blind(format!("the stages of {label}"), gap))
                }
                Attr::Known(stages) => {
                    if !stages.is_empty()
                        && stages.iter().all(|s| {
                            s.route_throttles
                                .get(route_key)
                                .or(s.default_route_throttle.as_ref())
                                .is_some_and(|t| t.burst_limit.is_some() || t.rate_limit.is_some())
                        })
                    {
                        Throttled::Yes
                    } else {
                        Throttled::No
                    }
                }
            };
            for route in open {
                let integration_id = route
                    .target
                    .as_deref()
                    .and_then(|t| t.strip_prefix("integrations/"));
                let uri = integrations
                    .iter()
                    .find(|i| Some(i.id.as_str()) == integration_id)
                    .and_then(|i| i.uri.as_deref());
                let Some((target, qualifier)) = uri.and_then(integration_target) else {
                    if let Some(spot) = uri.and_then(|uri| {
                        unresolved_function(
                            uri,
                            format!("the function behind route {} on {label}", route.route_key),
                            (&api.region, &route.arn, "GetIntegrations"),
                        )
                    }) {
                        unread.push(spot);
                    }
                    continue;
                };
                map.entry(target).or_default().push(Entry {
                    kind: "http-route",
                    arn: route.arn.clone(),
                    qualifier,
                    description: format!(
                        "route {} on HTTP API {} (no authorization)",
                        route.route_key, api.name
                    ),
                    throttled: throttled(&route.route_key),
                });
            }
        }
    }
    Entries {
        by_function: map,
        blind: unread,
    }
}

/// At most ten names, then how many more: an entry's description stays bounded however many
/// stages serve it.
fn bounded_list<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 10;
    let total = names.len();
    let shown: Vec<&str> = names.take(SHOWN).collect();
    match total.saturating_sub(SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// Throttled only when every stage serving the method unauthenticated throttles it (its own
/// method setting, else the stage-wide one, below the account's default; or WAF; and for a
/// request with an API key, a usage plan's throttle, which applies only to keyed requests);
/// unknown when the account's settings or the usage plans could not be read.
fn served_throttled<'a>(
    cx: &Context<'a>,
    region: &'a RegionInventory,
    api: &RestApi,
    (path, verb): (&str, &str),
    serving: &[(&RestApiStage, bool)],
) -> Throttled {
    let mut unknown = None;
    for (stage, keyed) in serving {
        if stage.web_acl_arn.is_some() {
            continue;
        }
        if *keyed {
            match usage_plans_for(cx, region, api, stage) {
                Ok(plans) if plans.iter().any(|p| plan_throttles(p)) => continue,
                Ok(_) => {}
                Err(gap) => {
                    unknown = Some(blind(format!("the usage plans of {}", region.region), gap));
                    continue;
                }
            }
        }
        match method_throttle(stage, Some((path, verb)), &region.apigateway_account) {
            Ok(Some(_)) => {}
            Ok(None) => return Throttled::No,
            Err(gap) => {
                unknown = Some(blind(
                    format!("the API Gateway account settings of {}", region.region),
                    gap,
                ));
            }
        }
    }
    unknown.map_or(Throttled::Yes, Throttled::Unknown)
}

/// A method a stage serves without authorization that the API's resources no longer have:
/// the function it reaches cannot be known (a deployment's integrations have no read API).
fn deleted_method(
    api: &RestApi,
    stage: &RestApiStage,
    path: &str,
    verb: &str,
    label: &str,
) -> BlindSpot {
    let deployment = stage
        .deployment
        .as_ref()
        .and_then(|d| d.known())
        .map_or("", |d| d.id.as_str());
    BlindSpot {
        hop: format!(
            "the integration of {verb} {path}, which stage {} of {label} serves without authorization but the API's resources no longer have",
            stage.name
        ),
        gap: Gap {
            service: "apigateway".to_owned(),
            region: Some(api.region.clone()),
            operation: "GetDeployment".to_owned(),
            resource: Some(format!("{}/deployments/{deployment}", api.arn)),
            kind: crate::model::GapKind::Unsupported,
            error_code: "IntegrationNotReadable".to_owned(),
            message: "a deployment's integrations cannot be read, and this method is no longer in the API's resources".to_owned(),
            request_id: None,
        },
    }
}

/// Whether the function has any credential-free entry (for severity adjustments).
pub(crate) fn publicly_invocable(entries: &Entries, f: &LambdaFunction) -> bool {
    !entries.of(f).is_empty()
}

#[cfg(test)]
mod tests {
    use super::integration_target;

    fn integration_function(uri: &str) -> Option<String> {
        integration_target(uri).map(|(function, _)| function)
    }

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
            integration_target(&uri(&format!("{f}:live"))),
            Some((f.to_owned(), Some("live".to_owned())))
        );
        assert_eq!(integration_target(&uri(f)), Some((f.to_owned(), None)));
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

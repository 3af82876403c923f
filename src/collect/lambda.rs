//! Lambda: `ListFunctions` carries most configuration; per function only what it lacks
//! (tags and reserved concurrency via `GetFunction`, policy, URL, code signing, destinations),
//! and event source mappings once per region.

use super::{Ctx, Service, Site, error};
use aws_sdk_lambda::Client;
use aws_sdk_lambda::operation::RequestId;
use aws_sdk_lambda::operation::get_function_url_config::GetFunctionUrlConfigOutput;
use aws_sdk_lambda::types::AliasConfiguration;
use aws_sdk_lambda::types::{EnvironmentError, FunctionConfiguration};
use faascan_checks::model::{
    Attr, EventInvokeConfig, EventSourceMapping, FunctionUrl, FunctionUrlCors, Gap, GapKind,
    LambdaAlias, LambdaFunction, LambdaLayer, LambdaLayerVersion, LambdaVersion,
    LambdaVersionConfig, LambdaVpcConfig,
};
use futures::{StreamExt, stream};
use std::collections::{BTreeSet, HashMap};

const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// A listed function and the request id of the page it came on (for gaps about what the
/// listing itself said, such as an environment AWS would not decrypt).
type Listed = (FunctionConfiguration, Option<String>);

pub(super) async fn collect(cx: &Ctx, client: &Client, region: &str) -> Attr<Vec<LambdaFunction>> {
    let site = Site::new(Service::Lambda, region, "ListFunctions");
    let functions = cx
        .pages(
            site,
            |marker| client.list_functions().set_marker(marker).send(),
            |page| {
                let request_id = page.request_id().map(str::to_owned);
                let next = page.next_marker().map(str::to_owned);
                let functions = page
                    .functions
                    .unwrap_or_default()
                    .into_iter()
                    .map(|f| (f, request_id.clone()))
                    .collect();
                (functions, next)
            },
        )
        .await
        .listing(cx, "functions");
    let functions = match functions {
        Attr::Known(functions) => functions,
        Attr::Unavailable(gap) => return Attr::Unavailable(gap),
    };
    let (mappings, code_signing) = tokio::join!(
        event_source_mappings(cx, client, region),
        code_signing(cx, client, region)
    );
    let region_wide = RegionWide {
        mappings,
        code_signing,
    };
    let mut collected: Vec<LambdaFunction> = stream::iter(functions)
        .map(|f| function(cx, client, region, f, &region_wide))
        .buffer_unordered(cx.fanout())
        .collect()
        .await;
    collected.sort_by(|a, b| a.name.cmp(&b.name));
    Attr::Known(collected)
}

/// What is read once per region and cut into each function's attributes.
struct RegionWide {
    mappings: Attr<Vec<EventSourceMapping>>,
    code_signing: CodeSigning,
}

/// Which functions of a region have a code signing config, read through the account-level
/// `ListCodeSigningConfigs` + `ListFunctionsByCodeSigningConfig` (a few calls per region)
/// instead of `GetFunctionCodeSigningConfig` per function.
#[derive(Debug)]
enum CodeSigning {
    /// Unqualified function ARN → the config's ARN; a function absent here has none.
    Listed(HashMap<String, String>),
    /// The endpoint does not implement the listing (emulators): each function is asked.
    PerFunction,
    /// The listing failed: whether any function has code signing is unknown.
    Unavailable(Gap),
}

async fn code_signing(cx: &Ctx, client: &Client, region: &str) -> CodeSigning {
    let site = Site::new(Service::Lambda, region, "ListCodeSigningConfigs");
    let configs = cx
        .pages(
            site,
            |marker| client.list_code_signing_configs().set_marker(marker).send(),
            |page| {
                (
                    page.code_signing_configs.unwrap_or_default(),
                    page.next_marker,
                )
            },
        )
        .await;
    let unimplemented = configs.pages == 0
        && configs
            .failure
            .as_ref()
            .is_some_and(|gap| gap.kind == GapKind::Unsupported);
    if unimplemented {
        return CodeSigning::PerFunction;
    }
    let configs = match configs.whole(cx) {
        Attr::Known(configs) => configs,
        Attr::Unavailable(gap) => return CodeSigning::Unavailable(*gap),
    };
    let listed: Vec<(String, Attr<Vec<String>>)> = stream::iter(configs)
        .map(|config| async move {
            let config_arn = config.code_signing_config_arn().to_owned();
            let functions = cx
                .pages(
                    site.op("ListFunctionsByCodeSigningConfig").on(&config_arn),
                    |marker| {
                        client
                            .list_functions_by_code_signing_config()
                            .code_signing_config_arn(&config_arn)
                            .set_marker(marker)
                            .send()
                    },
                    |page| (page.function_arns.unwrap_or_default(), page.next_marker),
                )
                .await
                .whole(cx);
            (config_arn, functions)
        })
        .buffer_unordered(4)
        .collect()
        .await;
    let mut by_function = HashMap::new();
    for (config_arn, functions) in listed {
        match functions {
            Attr::Known(functions) => {
                for function in functions {
                    by_function.insert(unqualified(&function).to_owned(), config_arn.clone());
                }
            }
            // One config's functions unread: any function may be among them.
            Attr::Unavailable(gap) => return CodeSigning::Unavailable(*gap),
        }
    }
    CodeSigning::Listed(by_function)
}

/// Mappings are a region-wide list that every function's attribute is cut from: a partial
/// list would give some functions none, so it is all or nothing.
async fn event_source_mappings(
    cx: &Ctx,
    client: &Client,
    region: &str,
) -> Attr<Vec<EventSourceMapping>> {
    let site = Site::new(Service::Lambda, region, "ListEventSourceMappings");
    cx.pages(
        site,
        |marker| {
            client
                .list_event_source_mappings()
                .set_marker(marker)
                .send()
        },
        |page| {
            let next = page.next_marker().map(str::to_owned);
            let mappings = page
                .event_source_mappings()
                .iter()
                .map(|m| EventSourceMapping {
                    uuid: m.uuid().unwrap_or_default().to_owned(),
                    function_arn: m.function_arn().unwrap_or_default().to_owned(),
                    event_source_arn: m.event_source_arn().map(str::to_owned),
                    state: m.state().map(str::to_owned),
                    batch_size: m.batch_size(),
                    maximum_concurrency: m.scaling_config().and_then(|s| s.maximum_concurrency()),
                    on_failure_destination: m
                        .destination_config()
                        .and_then(|d| d.on_failure())
                        .and_then(|o| o.destination())
                        .map(str::to_owned),
                })
                .collect();
            (mappings, next)
        },
    )
    .await
    .whole(cx)
}

/// AWS answers `Environment.Error` instead of the variables when the caller may not decrypt
/// them (a customer-managed key it has no `kms:Decrypt` on): unreadable, not empty.
fn environment_gap(
    site: Site<'_>,
    operation: &'static str,
    err: &EnvironmentError,
    request_id: Option<String>,
) -> Gap {
    let code = err
        .error_code()
        .filter(|c| !c.is_empty())
        .unwrap_or("EnvironmentError");
    let kind = if error::is_access_denied(code) || code.contains("AccessDenied") {
        GapKind::AccessDenied
    } else {
        GapKind::Other
    };
    let message = err
        .message()
        .map(error::one_line)
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| {
            "Lambda returned an error instead of the function's environment variables".to_owned()
        });
    site.op(operation).gap(kind, code, message, request_id)
}

fn function_url(out: &GetFunctionUrlConfigOutput) -> FunctionUrl {
    FunctionUrl {
        url: out.function_url().to_owned(),
        auth_type: out.auth_type().as_str().to_owned(),
        invoke_mode: out.invoke_mode().map(|m| m.as_str().to_owned()),
        cors: out.cors().map(|c| FunctionUrlCors {
            allow_origins: c.allow_origins().to_vec(),
            allow_methods: c.allow_methods().to_vec(),
            allow_headers: c.allow_headers().to_vec(),
            expose_headers: c.expose_headers().to_vec(),
            allow_credentials: c.allow_credentials(),
            max_age: c.max_age(),
        }),
    }
}

/// The statements of a function policy that belong to the qualifier `arn` names. AWS keeps
/// one policy per qualifier, and `AddPermission` writes the qualified ARN as each statement's
/// `Resource`, so on AWS this keeps every statement. An endpoint that returns every
/// qualifier's statements in one policy (moto does) gets the others dropped here: a
/// statement whose `Resource` is another qualifier of the same function does not apply.
fn own_statements(policy: String, arn: &str) -> String {
    let base = unqualified(arn);
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&policy) else {
        return policy;
    };
    let Some(statements) = doc
        .get_mut("Statement")
        .and_then(serde_json::Value::as_array_mut)
    else {
        return policy;
    };
    let of_another = |resource: &serde_json::Value| {
        let names: Vec<&str> = match resource {
            serde_json::Value::String(one) => vec![one.as_str()],
            serde_json::Value::Array(many) => many.iter().filter_map(|r| r.as_str()).collect(),
            _ => Vec::new(),
        };
        !names.is_empty()
            && names
                .iter()
                .all(|r| *r != arn && (*r == base || unqualified(r) == base))
    };
    let before = statements.len();
    statements.retain(|s| !s.get("Resource").is_some_and(of_another));
    if statements.len() == before {
        return policy;
    }
    if statements.is_empty() {
        return String::new();
    }
    serde_json::to_string(&doc).unwrap_or(policy)
}

/// The qualifier of an ARN (`live` of `...:function:orders:live`), if it has one.
fn qualifier(arn: &str) -> Option<&str> {
    let parts: Vec<&str> = arn.splitn(8, ':').collect();
    (parts.len() == 8).then(|| parts[7])
}

/// The function's aliases, each with the policy and URL of its own qualifier. ListAliases is
/// given the function's name (emulators reject an ARN there; AWS takes both).
async fn aliases(
    cx: &Ctx,
    client: &Client,
    site: Site<'_>,
    name: &str,
    function_arn: &str,
) -> Attr<Vec<LambdaAlias>> {
    let listed = cx
        .pages(
            site.op("ListAliases"),
            |marker| {
                client
                    .list_aliases()
                    .function_name(name)
                    .set_marker(marker)
                    .send()
            },
            |page| (page.aliases.unwrap_or_default(), page.next_marker),
        )
        .await
        .whole(cx);
    let listed = match listed {
        Attr::Known(listed) => listed,
        Attr::Unavailable(gap) => return Attr::Unavailable(gap),
    };
    let mut aliases: Vec<LambdaAlias> = stream::iter(listed)
        .map(|a| alias(cx, client, site, name, function_arn, a))
        .buffer_unordered(4)
        .collect()
        .await;
    aliases.sort_by(|a, b| a.name.cmp(&b.name));
    Attr::Known(aliases)
}

async fn alias(
    cx: &Ctx,
    client: &Client,
    site: Site<'_>,
    function_name: &str,
    function_arn: &str,
    a: AliasConfiguration,
) -> LambdaAlias {
    let name = a.name().unwrap_or_default().to_owned();
    let arn = a
        .alias_arn()
        .filter(|arn| !arn.is_empty())
        .map_or_else(|| format!("{function_arn}:{name}"), str::to_owned);
    let site = site.on(&arn);
    let policy = cx.optional(
        site.op("GetPolicy"),
        NOT_FOUND,
        || {
            client
                .get_policy()
                .function_name(function_name)
                .qualifier(&name)
                .send()
        },
        |out| {
            out.policy()
                .map(|p| own_statements(p.to_owned(), &arn))
                .filter(|p| !p.is_empty())
        },
    );
    let url = cx.optional(
        site.op("GetFunctionUrlConfig"),
        NOT_FOUND,
        || {
            client
                .get_function_url_config()
                .function_name(function_name)
                .qualifier(&name)
                .send()
        },
        // AWS answers with the alias's own URL, whose FunctionArn carries the alias. A URL
        // of another qualifier (what an endpoint that ignores `Qualifier` sends back) is not
        // this alias's.
        |out| {
            let own = out.function_arn().is_empty()
                || qualifier(out.function_arn()) == Some(name.as_str());
            own.then(|| function_url(&out))
        },
    );
    let (resource_policy, function_url) = tokio::join!(policy, url);
    LambdaAlias {
        function_version: a.function_version().unwrap_or("$LATEST").to_owned(),
        routing_weights: a
            .routing_config()
            .and_then(|r| r.additional_version_weights())
            .map(|w| w.iter().map(|(k, v)| (k.clone(), *v)).collect())
            .unwrap_or_default(),
        name,
        arn,
        resource_policy,
        function_url,
    }
}

/// The published versions the aliases and event-source mappings invoke, each with its own
/// configuration. Unavailable with the aliases: which versions matter is then unknown.
async fn versions(
    cx: &Ctx,
    client: &Client,
    site: Site<'_>,
    (function_name, function_arn): (&str, &str),
    aliases: &Attr<Vec<LambdaAlias>>,
    mappings: &Attr<Vec<EventSourceMapping>>,
) -> Attr<Vec<LambdaVersion>> {
    let aliases = match aliases {
        Attr::Known(aliases) => aliases,
        Attr::Unavailable(gap) => return Attr::Unavailable(gap.clone()),
    };
    let mut wanted: BTreeSet<String> = aliases
        .iter()
        .flat_map(|a| {
            std::iter::once(a.function_version.clone()).chain(a.routing_weights.keys().cloned())
        })
        .collect();
    if let Attr::Known(mappings) = mappings {
        wanted.extend(
            mappings
                .iter()
                .filter_map(|m| qualifier(&m.function_arn))
                .filter(|q| q.chars().all(|c| c.is_ascii_digit()))
                .map(str::to_owned),
        );
    }
    wanted.remove("$LATEST");
    let versions = stream::iter(wanted)
        .map(|version| async move {
            let arn = format!("{function_arn}:{version}");
            let configuration = cx
                .known(
                    site.on(&arn).op("GetFunctionConfiguration"),
                    || {
                        client
                            .get_function_configuration()
                            .function_name(function_name)
                            .qualifier(&version)
                            .send()
                    },
                    |c| {
                        let environment = match c.environment() {
                            Some(env) if env.error().is_some() => env.error().map(|e| {
                                cx.record(environment_gap(
                                    site.on(&arn),
                                    "GetFunctionConfiguration",
                                    e,
                                    c.request_id().map(str::to_owned),
                                ))
                            }),
                            _ => None,
                        };
                        LambdaVersionConfig {
                            runtime: c.runtime().map(|r| r.as_str().to_owned()),
                            role_arn: c.role().unwrap_or_default().to_owned(),
                            timeout_seconds: c.timeout(),
                            memory_mb: c.memory_size(),
                            layers: c
                                .layers()
                                .iter()
                                .filter_map(|l| l.arn().map(str::to_owned))
                                .collect(),
                            kms_key_arn: c
                                .kms_key_arn()
                                .filter(|k| !k.is_empty())
                                .map(str::to_owned),
                            tracing_mode: c
                                .tracing_config()
                                .and_then(|t| t.mode())
                                .map(|m| m.as_str().to_owned()),
                            environment: match environment {
                                Some(gap) => Attr::Unavailable(Box::new(gap)),
                                None => Attr::Known(
                                    cx.redact(
                                        c.environment()
                                            .and_then(|e| e.variables())
                                            .into_iter()
                                            .flatten(),
                                    ),
                                ),
                            },
                        }
                    },
                )
                .await;
            LambdaVersion {
                version,
                arn,
                configuration,
            }
        })
        .buffer_unordered(4)
        .collect::<Vec<_>>()
        .await;
    let mut versions = versions;
    versions.sort_by(|a, b| {
        a.version
            .len()
            .cmp(&b.version.len())
            .then_with(|| a.version.cmp(&b.version))
    });
    Attr::Known(versions)
}

/// Drops an ARN's qualifier (`:alias` or `:version`), so mappings on aliases count too.
fn unqualified(arn: &str) -> &str {
    let parts: Vec<&str> = arn.splitn(8, ':').collect();
    if parts.len() == 8 {
        &arn[..arn.len() - parts[7].len() - 1]
    } else {
        arn
    }
}

async fn function(
    cx: &Ctx,
    client: &Client,
    region: &str,
    (f, page_request_id): Listed,
    region_wide: &RegionWide,
) -> LambdaFunction {
    let mappings = &region_wide.mappings;
    let name = f.function_name().unwrap_or_default().to_owned();
    let arn = f.function_arn().unwrap_or_default().to_owned();
    let site = Site::new(Service::Lambda, region, "").on(&arn);

    let details = cx.known(
        Site {
            operation: "GetFunction",
            ..site
        },
        || client.get_function().function_name(&arn).send(),
        |out| {
            let tags = out
                .tags()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .collect();
            (
                tags,
                out.concurrency()
                    .and_then(|c| c.reserved_concurrent_executions()),
            )
        },
    );
    let policy = cx.optional(
        Site {
            operation: "GetPolicy",
            ..site
        },
        NOT_FOUND,
        || client.get_policy().function_name(&arn).send(),
        |out| {
            out.policy()
                .map(|p| own_statements(p.to_owned(), &arn))
                .filter(|p| !p.is_empty())
        },
    );
    let url = cx.optional(
        Site {
            operation: "GetFunctionUrlConfig",
            ..site
        },
        NOT_FOUND,
        || client.get_function_url_config().function_name(&arn).send(),
        |out| Some(function_url(&out)),
    );
    let code_signing = async {
        match &region_wide.code_signing {
            CodeSigning::Listed(by_function) => Attr::Known(by_function.get(&arn).cloned()),
            CodeSigning::Unavailable(gap) => Attr::Unavailable(Box::new(gap.clone())),
            CodeSigning::PerFunction => {
                cx.optional(
                    site.op("GetFunctionCodeSigningConfig"),
                    NOT_FOUND,
                    || {
                        client
                            .get_function_code_signing_config()
                            .function_name(&arn)
                            .send()
                    },
                    // An empty ARN means none is attached (seen on emulators).
                    |out| Some(out.code_signing_config_arn().to_owned()).filter(|a| !a.is_empty()),
                )
                .await
            }
        }
    };
    let invoke_configs = async {
        cx.pages(
            site.op("ListFunctionEventInvokeConfigs"),
            |marker| {
                client
                    .list_function_event_invoke_configs()
                    .function_name(&arn)
                    .set_marker(marker)
                    .send()
            },
            |page| {
                let next = page.next_marker().map(str::to_owned);
                let configs = page
                    .function_event_invoke_configs()
                    .iter()
                    .map(|c| EventInvokeConfig {
                        function_arn: c.function_arn().unwrap_or_default().to_owned(),
                        on_success_destination: c
                            .destination_config()
                            .and_then(|d| d.on_success())
                            .and_then(|d| d.destination())
                            .map(str::to_owned),
                        on_failure_destination: c
                            .destination_config()
                            .and_then(|d| d.on_failure())
                            .and_then(|d| d.destination())
                            .map(str::to_owned),
                        maximum_retry_attempts: c.maximum_retry_attempts(),
                        maximum_event_age_seconds: c.maximum_event_age_in_seconds(),
                    })
                    .collect();
                (configs, next)
            },
        )
        .await
        .whole(cx)
    };
    let aliases = aliases(cx, client, site, &name, &arn);
    let (
        details,
        resource_policy,
        function_url,
        code_signing_config_arn,
        event_invoke_configs,
        aliases,
    ) = tokio::join!(details, policy, url, code_signing, invoke_configs, aliases);

    let (tags, reserved_concurrency) = match details {
        Attr::Known((tags, concurrency)) => (Attr::Known(tags), Attr::Known(concurrency)),
        Attr::Unavailable(gap) => (Attr::Unavailable(gap.clone()), Attr::Unavailable(gap)),
    };
    let event_source_mappings = match mappings {
        Attr::Known(all) => Attr::Known(
            all.iter()
                .filter(|m| unqualified(&m.function_arn) == arn)
                .cloned()
                .collect(),
        ),
        Attr::Unavailable(gap) => Attr::Unavailable(gap.clone()),
    };
    let versions = versions(
        cx,
        client,
        site,
        (&name, &arn),
        &aliases,
        &event_source_mappings,
    )
    .await;
    let environment = match f.environment() {
        Some(env) if env.error().is_some() => {
            let gap = env
                .error()
                .map(|e| environment_gap(site, "ListFunctions", e, page_request_id.clone()));
            match gap {
                Some(gap) => Attr::Unavailable(Box::new(cx.record(gap))),
                None => Attr::Known(Vec::new()),
            }
        }
        env => Attr::Known(cx.redact(env.and_then(|e| e.variables()).into_iter().flatten())),
    };

    LambdaFunction {
        name,
        region: region.to_owned(),
        runtime: f.runtime().map(|r| r.as_str().to_owned()),
        handler: f.handler().map(str::to_owned),
        role_arn: f.role().unwrap_or_default().to_owned(),
        timeout_seconds: f.timeout(),
        memory_mb: f.memory_size(),
        architectures: f
            .architectures()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        package_type: f.package_type().map(|p| p.as_str().to_owned()),
        state: f.state().map(|s| s.as_str().to_owned()),
        last_modified: f.last_modified().map(str::to_owned),
        description: f.description().filter(|d| !d.is_empty()).map(str::to_owned),
        tracing_mode: f
            .tracing_config()
            .and_then(|t| t.mode())
            .map(|m| m.as_str().to_owned()),
        layers: f
            .layers()
            .iter()
            .filter_map(|l| l.arn().map(str::to_owned))
            .collect(),
        vpc_config: f
            .vpc_config()
            .filter(|v| !v.subnet_ids().is_empty())
            .map(|v| LambdaVpcConfig {
                vpc_id: v.vpc_id().filter(|id| !id.is_empty()).map(str::to_owned),
                subnet_ids: v.subnet_ids().to_vec(),
                security_group_ids: v.security_group_ids().to_vec(),
            }),
        dead_letter_target_arn: f
            .dead_letter_config()
            .and_then(|d| d.target_arn())
            .map(str::to_owned),
        kms_key_arn: f.kms_key_arn().filter(|k| !k.is_empty()).map(str::to_owned),
        environment,
        tags,
        resource_policy,
        reserved_concurrency,
        function_url,
        code_signing_config_arn,
        event_invoke_configs,
        event_source_mappings,
        aliases,
        versions,
        arn,
    }
}

/// The layers the account publishes in a region (`ListLayers`), each with every version
/// (`ListLayerVersions`) and each version's permissions (`GetLayerVersionPolicy`).
pub(super) async fn layers(cx: &Ctx, client: &Client, region: &str) -> Attr<Vec<LambdaLayer>> {
    let listed = cx
        .pages(
            Site::new(Service::Lambda, region, "ListLayers"),
            |marker| client.list_layers().set_marker(marker).send(),
            |page| (page.layers.unwrap_or_default(), page.next_marker),
        )
        .await
        .listing(cx, "layers");
    let listed = match listed {
        Attr::Known(listed) => listed,
        Attr::Unavailable(gap) => return Attr::Unavailable(gap),
    };
    let mut layers: Vec<LambdaLayer> = stream::iter(listed)
        .map(|l| async move {
            let name = l.layer_name().unwrap_or_default().to_owned();
            let arn = l.layer_arn().unwrap_or_default().to_owned();
            let site = Site::new(Service::Lambda, region, "").on(&arn);
            let versions = cx
                .pages(
                    site.op("ListLayerVersions"),
                    |marker| {
                        client
                            .list_layer_versions()
                            .layer_name(&name)
                            .set_marker(marker)
                            .send()
                    },
                    |page| (page.layer_versions.unwrap_or_default(), page.next_marker),
                )
                .await
                .whole(cx);
            let versions = match versions {
                Attr::Known(versions) => {
                    let name = &name;
                    let arn = &arn;
                    let mut read: Vec<LambdaLayerVersion> = stream::iter(versions)
                        .map(|v| async move {
                            let number = v.version();
                            let version_arn = v
                                .layer_version_arn()
                                .filter(|a| !a.is_empty())
                                .map_or_else(|| format!("{arn}:{number}"), str::to_owned);
                            let policy = cx
                                .optional(
                                    Site::new(Service::Lambda, region, "GetLayerVersionPolicy")
                                        .on(&version_arn),
                                    NOT_FOUND,
                                    || {
                                        client
                                            .get_layer_version_policy()
                                            .layer_name(name)
                                            .version_number(number)
                                            .send()
                                    },
                                    |out| out.policy().filter(|p| !p.is_empty()).map(str::to_owned),
                                )
                                .await;
                            LambdaLayerVersion {
                                version: number,
                                created: v.created_date().map(str::to_owned),
                                compatible_runtimes: v
                                    .compatible_runtimes()
                                    .iter()
                                    .map(|r| r.as_str().to_owned())
                                    .collect(),
                                arn: version_arn,
                                policy,
                            }
                        })
                        .buffer_unordered(4)
                        .collect()
                        .await;
                    read.sort_by_key(|v| v.version);
                    Attr::Known(read)
                }
                Attr::Unavailable(gap) => Attr::Unavailable(gap),
            };
            LambdaLayer {
                region: region.to_owned(),
                name,
                arn,
                versions,
            }
        })
        .buffer_unordered(cx.fanout())
        .collect()
        .await;
    layers.sort_by(|a, b| a.name.cmp(&b.name));
    Attr::Known(layers)
}

#[cfg(test)]
mod tests {
    use super::unqualified;

    #[test]
    fn a_policy_keeps_the_statements_of_its_own_qualifier() {
        use super::own_statements;
        let base = "arn:aws:lambda:us-east-1:123456789012:function:orders";
        let live = format!("{base}:live");
        let statement = |sid: &str, resource: &str| {
            format!(
                r#"{{"Sid":"{sid}","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"{resource}"}}"#
            )
        };
        let both = format!(
            r#"{{"Version":"2012-10-17","Id":"default","Statement":[{},{}]}}"#,
            statement("fn", base),
            statement("alias", &live)
        );
        let of_function = own_statements(both.clone(), base);
        assert!(of_function.contains(r#""Sid":"fn""#) && !of_function.contains(r#""Sid":"alias""#));
        let of_alias = own_statements(both, &live);
        assert!(of_alias.contains(r#""Sid":"alias""#) && !of_alias.contains(r#""Sid":"fn""#));
        // As AWS returns it: every statement is the qualifier's own, the text is untouched.
        let own = format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statement("alias", &live)
        );
        assert_eq!(own_statements(own.clone(), &live), own);
        // Only another qualifier's statements: no policy of its own.
        assert_eq!(own_statements(own, base), "");
    }

    #[test]
    fn qualifiers_are_dropped() {
        let base = "arn:aws:lambda:us-east-1:123456789012:function:orders";
        assert_eq!(unqualified(base), base);
        assert_eq!(unqualified(&format!("{base}:live")), base);
        assert_eq!(unqualified(&format!("{base}:7")), base);
    }
}

/// Collector tests without a server, through the SDK's own mock utilities: pagination to the
/// end, an access-denied detail call becoming a gap, "not found" becoming a known absence.
#[cfg(test)]
mod mocked {
    use super::*;
    use crate::collect::Fingerprinter;
    use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
    use aws_sdk_lambda::operation::get_function_code_signing_config::GetFunctionCodeSigningConfigOutput;
    use aws_sdk_lambda::operation::get_function_url_config::GetFunctionUrlConfigError;
    use aws_sdk_lambda::operation::get_policy::{GetPolicyError, GetPolicyOutput};
    use aws_sdk_lambda::operation::list_event_source_mappings::ListEventSourceMappingsOutput;
    use aws_sdk_lambda::operation::list_function_event_invoke_configs::ListFunctionEventInvokeConfigsOutput;
    use aws_sdk_lambda::operation::list_functions::ListFunctionsOutput;
    use aws_sdk_lambda::types::error::ResourceNotFoundException;
    use aws_sdk_lambda::types::{
        Concurrency, EnvironmentResponse, EventSourceMappingConfiguration,
    };
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use aws_smithy_types::error::ErrorMetadata;

    fn no_aliases() -> aws_smithy_mocks::Rule {
        mock!(aws_sdk_lambda::Client::list_aliases)
            .sequence()
            .output(|| {
                aws_sdk_lambda::operation::list_aliases::ListAliasesOutput::builder().build()
            })
            .repeatedly()
            .build()
    }

    /// The account has no code signing config (AWS's answer when none was ever created).
    fn no_code_signing_configs() -> aws_smithy_mocks::Rule {
        mock!(aws_sdk_lambda::Client::list_code_signing_configs)
            .sequence()
            .http_response(|| json(200, r#"{"CodeSigningConfigs":[]}"#.to_owned()))
            .repeatedly()
            .build()
    }

    /// What an emulator without the account-level listing answers (moto: a 404 page).
    fn code_signing_listing_unimplemented() -> aws_smithy_mocks::Rule {
        use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
        use aws_smithy_runtime_api::http::StatusCode;
        mock!(aws_sdk_lambda::Client::list_code_signing_configs)
            .sequence()
            .http_response(|| {
                HttpResponse::new(
                    StatusCode::try_from(404).unwrap_or_else(|_| unreachable!()),
                    aws_smithy_types::body::SdkBody::from(
                        "<!doctype html><title>404 Not Found</title><h1>Not Found</h1>",
                    ),
                )
            })
            .repeatedly()
            .build()
    }

    fn config(name: &str) -> FunctionConfiguration {
        FunctionConfiguration::builder()
            .function_name(name)
            .function_arn(format!(
                "arn:aws:lambda:us-east-1:111122223333:function:{name}"
            ))
            .role("arn:aws:iam::111122223333:role/r")
            .environment(
                EnvironmentResponse::builder()
                    .variables("API_TOKEN", "ghp_0123456789abcdefghijABCDEFGHIJ012345")
                    .build(),
            )
            .build()
    }

    #[tokio::test]
    async fn pages_are_followed_and_a_denied_call_is_a_gap() {
        let page1 = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker().is_none())
            .then_output(|| {
                ListFunctionsOutput::builder()
                    .functions(config("a"))
                    .functions(config("denied"))
                    .next_marker("m1")
                    .build()
            });
        let page2 = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker() == Some("m1"))
            .then_output(|| {
                ListFunctionsOutput::builder()
                    .functions(config("c"))
                    .build()
            });
        let mappings =
            mock!(aws_sdk_lambda::Client::list_event_source_mappings).then_output(|| {
                ListEventSourceMappingsOutput::builder()
                    .event_source_mappings(
                        EventSourceMappingConfiguration::builder()
                            .uuid("u1")
                            .function_arn("arn:aws:lambda:us-east-1:111122223333:function:a:live")
                            .event_source_arn("arn:aws:sqs:us-east-1:111122223333:q")
                            .build(),
                    )
                    .build()
            });
        let get_function = mock!(aws_sdk_lambda::Client::get_function)
            .sequence()
            .output(|| {
                GetFunctionOutput::builder()
                    .tags("team", "core")
                    .concurrency(
                        Concurrency::builder()
                            .reserved_concurrent_executions(5)
                            .build(),
                    )
                    .build()
            })
            .repeatedly()
            .build();
        let denied = mock!(aws_sdk_lambda::Client::get_policy)
            .match_requests(|r| r.function_name().is_some_and(|n| n.ends_with(":denied")))
            .sequence()
            .error(|| {
                GetPolicyError::generic(
                    ErrorMetadata::builder()
                        .code("AccessDeniedException")
                        .message("not allowed")
                        .build(),
                )
            })
            .repeatedly()
            .build();
        let policy = mock!(aws_sdk_lambda::Client::get_policy)
            .sequence()
            .output(|| {
                GetPolicyOutput::builder()
                    .policy(r#"{"Statement":[]}"#)
                    .build()
            })
            .repeatedly()
            .build();
        let no_url = mock!(aws_sdk_lambda::Client::get_function_url_config)
            .sequence()
            .error(|| {
                // As parsed from a real response: the typed error carries its code.
                let meta = ErrorMetadata::builder()
                    .code("ResourceNotFoundException")
                    .build();
                GetFunctionUrlConfigError::ResourceNotFoundException(
                    ResourceNotFoundException::builder().meta(meta).build(),
                )
            })
            .repeatedly()
            .build();
        let signing = mock!(aws_sdk_lambda::Client::get_function_code_signing_config)
            .sequence()
            .output(|| {
                GetFunctionCodeSigningConfigOutput::builder()
                    .code_signing_config_arn("")
                    .function_name("x")
                    .build()
                    .unwrap_or_else(|_| unreachable!())
            })
            .repeatedly()
            .build();
        let invoke = mock!(aws_sdk_lambda::Client::list_function_event_invoke_configs)
            .sequence()
            .output(|| ListFunctionEventInvokeConfigsOutput::builder().build())
            .repeatedly()
            .build();
        let aliases = no_aliases();
        let unimplemented = code_signing_listing_unimplemented();
        let client = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            &[
                &aliases,
                &unimplemented,
                &page1,
                &page2,
                &mappings,
                &get_function,
                &denied,
                &policy,
                &no_url,
                &signing,
                &invoke
            ]
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));

        let functions = collect(&cx, &client, "us-east-1").await;
        let Attr::Known(functions) = functions else {
            panic!("listing failed: {functions:?}")
        };
        let names: Vec<&str> = functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "c", "denied"], "both pages, sorted");
        assert_eq!(page2.num_calls(), 1);

        let a = &functions[0];
        assert_eq!(a.reserved_concurrency, Attr::Known(Some(5)));
        assert_eq!(
            a.tags
                .known()
                .and_then(|t| t.get("team"))
                .map(String::as_str),
            Some("core")
        );
        assert_eq!(
            a.function_url,
            Attr::Known(None),
            "not found is a known absence"
        );
        assert_eq!(a.code_signing_config_arn, Attr::Known(None));
        assert_eq!(
            (unimplemented.num_calls(), signing.num_calls()),
            (1, 3),
            "without the account-level listing each function is asked"
        );
        assert_eq!(
            a.event_source_mappings.known().map(Vec::len),
            Some(1),
            "alias-qualified mapping kept"
        );
        assert_eq!(
            a.environment
                .known()
                .unwrap_or_else(|| panic!("no environment"))[0]
                .detector
                .as_deref(),
            Some("github-token")
        );
        assert!(!format!("{a:?}").contains("ghp_0123"), "the value is gone");

        let denied = &functions[2];
        let gap = denied
            .resource_policy
            .gap()
            .unwrap_or_else(|| panic!("expected a gap"));
        assert_eq!(gap.kind, faascan_checks::model::GapKind::AccessDenied);
        assert_eq!(gap.operation, "GetPolicy");
        assert_eq!(
            gap.resource.as_deref(),
            Some("arn:aws:lambda:us-east-1:111122223333:function:denied")
        );
        assert!(
            denied.tags.is_known() && denied.function_url.is_known(),
            "the rest stays complete"
        );
        assert_eq!(cx.take_gaps().len(), 1);
    }

    /// Shaped like AWS's answer for a function whose environment is encrypted with a
    /// customer-managed key the caller may not use (API_EnvironmentError).
    #[tokio::test]
    async fn an_environment_aws_would_not_decrypt_is_unavailable_not_empty() {
        use aws_sdk_lambda::types::EnvironmentError;
        let arn = "arn:aws:lambda:us-east-1:111122223333:function:locked";
        let listed = mock!(aws_sdk_lambda::Client::list_functions).then_output(move || {
            ListFunctionsOutput::builder()
                .functions(
                    FunctionConfiguration::builder()
                        .function_name("locked")
                        .function_arn(arn)
                        .kms_key_arn("arn:aws:kms:us-east-1:111122223333:key/k")
                        .environment(
                            EnvironmentResponse::builder()
                                .error(
                                    EnvironmentError::builder()
                                        .error_code("KMSAccessDeniedException")
                                        .message(
                                            "Lambda was unable to decrypt the environment variables because KMS access was denied.\nPlease check the function's AWS KMS key settings.",
                                        )
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                )
                .functions(
                    FunctionConfiguration::builder()
                        .function_name("odd")
                        .function_arn("arn:aws:lambda:us-east-1:111122223333:function:odd")
                        .environment(
                            EnvironmentResponse::builder()
                                .error(
                                    EnvironmentError::builder()
                                        .error_code("KMSInvalidStateException")
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
        let mappings = mock!(aws_sdk_lambda::Client::list_event_source_mappings)
            .then_output(|| ListEventSourceMappingsOutput::builder().build());
        let get_function = mock!(aws_sdk_lambda::Client::get_function)
            .sequence()
            .output(|| GetFunctionOutput::builder().build())
            .repeatedly()
            .build();
        let policy = mock!(aws_sdk_lambda::Client::get_policy)
            .sequence()
            .output(|| GetPolicyOutput::builder().build())
            .repeatedly()
            .build();
        let no_url = mock!(aws_sdk_lambda::Client::get_function_url_config)
            .sequence()
            .error(|| {
                GetFunctionUrlConfigError::ResourceNotFoundException(
                    ResourceNotFoundException::builder()
                        .meta(
                            ErrorMetadata::builder()
                                .code("ResourceNotFoundException")
                                .build(),
                        )
                        .build(),
                )
            })
            .repeatedly()
            .build();
        let signing = mock!(aws_sdk_lambda::Client::get_function_code_signing_config)
            .sequence()
            .output(|| {
                GetFunctionCodeSigningConfigOutput::builder()
                    .code_signing_config_arn("")
                    .function_name("x")
                    .build()
                    .unwrap_or_else(|_| unreachable!())
            })
            .repeatedly()
            .build();
        let invoke = mock!(aws_sdk_lambda::Client::list_function_event_invoke_configs)
            .sequence()
            .output(|| ListFunctionEventInvokeConfigsOutput::builder().build())
            .repeatedly()
            .build();
        let aliases = no_aliases();
        let csc = no_code_signing_configs();
        let client = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            &[
                &aliases,
                &csc,
                &listed,
                &mappings,
                &get_function,
                &policy,
                &no_url,
                &signing,
                &invoke
            ]
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let functions = collect(&cx, &client, "us-east-1").await;
        let functions = functions
            .known()
            .unwrap_or_else(|| panic!("listing failed: {functions:?}"));

        let gap = functions[0]
            .environment
            .gap()
            .unwrap_or_else(|| panic!("an unreadable environment must not be empty"));
        assert_eq!(gap.service, "lambda");
        assert_eq!(gap.operation, "ListFunctions");
        assert_eq!(gap.resource.as_deref(), Some(arn));
        assert_eq!(gap.kind, faascan_checks::model::GapKind::AccessDenied);
        assert_eq!(gap.error_code, "KMSAccessDeniedException");
        assert!(
            gap.message.starts_with("Lambda was unable to decrypt") && !gap.message.contains('\n'),
            "{}",
            gap.message
        );

        let other = functions[1]
            .environment
            .gap()
            .unwrap_or_else(|| panic!("expected a gap"));
        assert_eq!(other.kind, faascan_checks::model::GapKind::Other);
        assert_eq!(other.error_code, "KMSInvalidStateException");
        assert!(!other.message.is_empty());
        assert_eq!(cx.take_gaps().len(), 2, "both are in the inventory's gaps");
    }

    fn json(
        status: u16,
        body: String,
    ) -> aws_smithy_runtime_api::client::orchestrator::HttpResponse {
        use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
        use aws_smithy_runtime_api::http::StatusCode;
        let mut response = HttpResponse::new(
            StatusCode::try_from(status).unwrap_or_else(|_| unreachable!()),
            aws_smithy_types::body::SdkBody::from(body),
        );
        response
            .headers_mut()
            .insert("Content-Type", "application/json");
        if status == 404 {
            response
                .headers_mut()
                .insert("x-amzn-errortype", "ResourceNotFoundException");
        }
        response
    }

    /// An alias with its own public URL and policy while the function has neither: the
    /// qualified reads find them. Bodies shaped as the Lambda API reference shows them
    /// (https://docs.aws.amazon.com/lambda/latest/api/API_ListAliases.html,
    /// API_GetPolicy.html, API_GetFunctionUrlConfig.html, API_GetFunctionConfiguration.html).
    #[tokio::test]
    async fn aliases_are_read_with_their_own_policy_url_and_versions() {
        const FN: &str = "arn:aws:lambda:us-east-2:123456789012:function:my-function";
        let listed = mock!(aws_sdk_lambda::Client::list_functions).then_output(|| {
            ListFunctionsOutput::builder()
                .functions(
                    FunctionConfiguration::builder()
                        .function_name("my-function")
                        .function_arn(FN)
                        .role("arn:aws:iam::123456789012:role/latest-role")
                        .build(),
                )
                .build()
        });
        let mappings =
            mock!(aws_sdk_lambda::Client::list_event_source_mappings).then_output(|| {
                ListEventSourceMappingsOutput::builder()
                    .event_source_mappings(
                        EventSourceMappingConfiguration::builder()
                            .uuid("a1b2c3d4-5678-90ab-cdef-11111EXAMPLE")
                            .function_arn(format!("{FN}:5"))
                            .event_source_arn("arn:aws:sqs:us-east-2:123456789012:my-queue")
                            .build(),
                    )
                    .build()
            });
        let aliases = mock!(aws_sdk_lambda::Client::list_aliases)
            .match_requests(|r| r.function_name() == Some("my-function"))
            .then_http_response(|| {
                json(200, format!(r#"{{"Aliases":[{{"AliasArn":"{FN}:BLUE","Description":"Production environment BLUE.","FunctionVersion":"3","Name":"BLUE","RevisionId":"594f41fb-xmpl-4c20-95c7-6ca5f2a92c93","RoutingConfig":{{"AdditionalVersionWeights":{{"4":0.05}}}}}},{{"AliasArn":"{FN}:LIVE","Description":"Production environment GREEN.","FunctionVersion":"$LATEST","Name":"LIVE","RevisionId":"6d2ec50c-xmpl-4ea9-a5d9-2d91b1c1fd58"}}],"NextMarker":null}}"#))
            });
        let function_policy = mock!(aws_sdk_lambda::Client::get_policy)
            .match_requests(|r| r.qualifier().is_none())
            .then_http_response(|| {
                json(
                    404,
                    r#"{"Type":"User","Message":"The resource you requested does not exist."}"#
                        .to_owned(),
                )
            });
        let blue_policy = mock!(aws_sdk_lambda::Client::get_policy)
            .match_requests(|r| r.qualifier() == Some("BLUE"))
            .then_http_response(|| {
                let policy = format!(r#"{{"Version":"2012-10-17","Id":"default","Statement":[{{"Sid":"public","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"{FN}:BLUE","Condition":{{"StringEquals":{{"lambda:FunctionUrlAuthType":"NONE"}}}}}}]}}"#);
                json(200, serde_json::json!({"Policy": policy, "RevisionId": "4843f2f6-7c59-4fda-b484-afd0bc0e22b8"}).to_string())
            });
        let live_policy = mock!(aws_sdk_lambda::Client::get_policy)
            .match_requests(|r| r.qualifier() == Some("LIVE"))
            .then_http_response(|| {
                json(
                    404,
                    r#"{"Type":"User","Message":"The resource you requested does not exist."}"#
                        .to_owned(),
                )
            });
        let function_url = mock!(aws_sdk_lambda::Client::get_function_url_config)
            .match_requests(|r| r.qualifier().is_none())
            .then_http_response(|| {
                json(
                    404,
                    r#"{"Type":"User","Message":"The resource you requested does not exist."}"#
                        .to_owned(),
                )
            });
        let blue_url = mock!(aws_sdk_lambda::Client::get_function_url_config)
            .match_requests(|r| r.qualifier() == Some("BLUE"))
            .then_http_response(|| {
                json(200, format!(r#"{{"AuthType":"NONE","Cors":{{"AllowOrigins":["*"]}},"CreationTime":"2023-10-05T10:04:19.000+0000","FunctionArn":"{FN}:BLUE","FunctionUrl":"https://abcdefghijklmnopqrstuvwxyz123456.lambda-url.us-east-2.on.aws/","InvokeMode":"BUFFERED","LastModifiedTime":"2023-10-05T10:04:19.000+0000"}}"#))
            });
        // An endpoint that ignores the qualifier answers with the function's own URL.
        let live_url = mock!(aws_sdk_lambda::Client::get_function_url_config)
            .match_requests(|r| r.qualifier() == Some("LIVE"))
            .then_http_response(|| {
                json(200, format!(r#"{{"AuthType":"AWS_IAM","CreationTime":"2023-10-05T10:04:19.000+0000","FunctionArn":"{FN}","FunctionUrl":"https://zyxwvutsrqponmlkjihgfedcba654321.lambda-url.us-east-2.on.aws/","InvokeMode":"BUFFERED","LastModifiedTime":"2023-10-05T10:04:19.000+0000"}}"#))
            });
        let version = mock!(aws_sdk_lambda::Client::get_function_configuration)
            .sequence()
            .http_response(|| json(200, format!(r#"{{"FunctionName":"my-function","FunctionArn":"{FN}:3","Runtime":"python3.9","Role":"arn:aws:iam::123456789012:role/v3-role","Handler":"lambda_function.lambda_handler","Timeout":3,"MemorySize":128,"Version":"3","TracingConfig":{{"Mode":"PassThrough"}}}}"#)))
            .repeatedly()
            .build();
        let get_function = mock!(aws_sdk_lambda::Client::get_function)
            .then_output(|| GetFunctionOutput::builder().build());
        let signing =
            mock!(aws_sdk_lambda::Client::get_function_code_signing_config).then_output(|| {
                GetFunctionCodeSigningConfigOutput::builder()
                    .code_signing_config_arn("")
                    .function_name("my-function")
                    .build()
                    .unwrap_or_else(|_| unreachable!())
            });
        let invoke = mock!(aws_sdk_lambda::Client::list_function_event_invoke_configs)
            .then_output(|| ListFunctionEventInvokeConfigsOutput::builder().build());
        let csc = no_code_signing_configs();
        let client = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            &[
                &listed,
                &mappings,
                &aliases,
                &csc,
                &function_policy,
                &blue_policy,
                &live_policy,
                &function_url,
                &blue_url,
                &live_url,
                &version,
                &get_function,
                &signing,
                &invoke
            ],
            |b| b.retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled())
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let functions = collect(&cx, &client, "us-east-2").await;
        let functions = functions.known().unwrap_or_else(|| panic!("{functions:?}"));
        let f = &functions[0];
        assert_eq!(f.resource_policy, Attr::Known(None));
        assert_eq!(f.function_url, Attr::Known(None));
        let aliases = f
            .aliases
            .known()
            .unwrap_or_else(|| panic!("{:?}", f.aliases));
        let blue = &aliases[0];
        assert_eq!(
            (blue.name.as_str(), blue.arn.as_str()),
            ("BLUE", &*format!("{FN}:BLUE"))
        );
        assert_eq!(blue.function_version, "3");
        assert_eq!(blue.routing_weights.get("4"), Some(&0.05));
        assert!(
            blue.resource_policy
                .known()
                .and_then(Option::as_deref)
                .is_some_and(|p| p.contains("lambda:InvokeFunctionUrl")),
            "{:?}",
            blue.resource_policy
        );
        let url = blue.function_url.known().and_then(Option::as_ref);
        assert_eq!(url.map(|u| u.auth_type.as_str()), Some("NONE"));
        let live = &aliases[1];
        assert_eq!(live.resource_policy, Attr::Known(None));
        assert_eq!(
            live.function_url,
            Attr::Known(None),
            "the function's URL is not the alias's"
        );
        assert_eq!(blue_policy.num_calls(), 1);
        assert_eq!(blue_url.num_calls(), 1);

        let versions = f
            .versions
            .known()
            .unwrap_or_else(|| panic!("{:?}", f.versions));
        let read: Vec<&str> = versions.iter().map(|v| v.version.as_str()).collect();
        assert_eq!(
            read,
            ["3", "4", "5"],
            "the aliases' versions and the mapping's"
        );
        assert_eq!(version.num_calls(), 3);
        assert_eq!(
            f.roles_of(Some("BLUE")),
            Ok(vec!["arn:aws:iam::123456789012:role/v3-role"])
        );
        assert_eq!(
            f.roles_of(Some("LIVE")),
            Ok(vec!["arn:aws:iam::123456789012:role/latest-role"])
        );
        assert!(cx.take_gaps().is_empty());
    }

    /// Code signing read for the whole region: two configs, one attached to a function, paged
    /// as AWS pages them, and no per-function call. Bodies shaped as the Lambda API reference
    /// shows them (https://docs.aws.amazon.com/lambda/latest/api/API_ListCodeSigningConfigs.html,
    /// https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctionsByCodeSigningConfig.html).
    #[tokio::test]
    async fn code_signing_is_read_once_per_region() {
        const SIGNED: &str =
            "arn:aws:lambda:us-west-2:123456789012:code-signing-config:csc-0d2b0e35c0f85d2ec";
        const OTHER: &str =
            "arn:aws:lambda:us-west-2:123456789012:code-signing-config:csc-0e6f7a8b9c0d1e2f3";
        let config = |arn: &str, id: &str| {
            format!(
                r#"{{"AllowedPublishers":{{"SigningProfileVersionArns":["arn:aws:signer:us-west-2:123456789012:/signing-profiles/my_profile/abcdef1234"]}},"CodeSigningConfigArn":"{arn}","CodeSigningConfigId":"{id}","CodeSigningPolicies":{{"UntrustedArtifactOnDeployment":"Enforce"}},"Description":"","LastModified":"2020-11-20T18:25:47.574+0000"}}"#
            )
        };
        let listed = mock!(aws_sdk_lambda::Client::list_functions).then_output(|| {
            ListFunctionsOutput::builder()
                .functions(
                    FunctionConfiguration::builder()
                        .function_name("signed")
                        .function_arn("arn:aws:lambda:us-west-2:123456789012:function:signed")
                        .build(),
                )
                .functions(
                    FunctionConfiguration::builder()
                        .function_name("plain")
                        .function_arn("arn:aws:lambda:us-west-2:123456789012:function:plain")
                        .build(),
                )
                .build()
        });
        let first_page = mock!(aws_sdk_lambda::Client::list_code_signing_configs)
            .match_requests(|r| r.marker().is_none())
            .then_http_response(move || {
                json(
                    200,
                    format!(
                        r#"{{"CodeSigningConfigs":[{}],"NextMarker":"page2"}}"#,
                        config(SIGNED, "csc-0d2b0e35c0f85d2ec")
                    ),
                )
            });
        let second_page = mock!(aws_sdk_lambda::Client::list_code_signing_configs)
            .match_requests(|r| r.marker() == Some("page2"))
            .then_http_response(move || {
                json(
                    200,
                    format!(
                        r#"{{"CodeSigningConfigs":[{}]}}"#,
                        config(OTHER, "csc-0e6f7a8b9c0d1e2f3")
                    ),
                )
            });
        let signed_functions = mock!(aws_sdk_lambda::Client::list_functions_by_code_signing_config)
            .match_requests(|r| r.code_signing_config_arn() == Some(SIGNED))
            .then_http_response(|| {
                json(
                    200,
                    r#"{"FunctionArns":["arn:aws:lambda:us-west-2:123456789012:function:signed"]}"#
                        .to_owned(),
                )
            });
        let other_functions = mock!(aws_sdk_lambda::Client::list_functions_by_code_signing_config)
            .match_requests(|r| r.code_signing_config_arn() == Some(OTHER))
            .then_http_response(|| json(200, r#"{"FunctionArns":[]}"#.to_owned()));
        let per_function = mock!(aws_sdk_lambda::Client::get_function_code_signing_config)
            .sequence()
            .error(|| {
                aws_sdk_lambda::operation::get_function_code_signing_config::GetFunctionCodeSigningConfigError::unhandled("must not be called")
            })
            .repeatedly()
            .build();
        let rest = details_without_findings();
        let client = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            &[
                &listed,
                &first_page,
                &second_page,
                &signed_functions,
                &other_functions,
                &per_function,
                &rest[0],
                &rest[1],
                &rest[2],
                &rest[3],
                &rest[4],
                &rest[5]
            ],
            |b| b.retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled())
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let functions = collect(&cx, &client, "us-west-2").await;
        let functions = functions.known().unwrap_or_else(|| panic!("{functions:?}"));
        let signing: Vec<(&str, &Attr<Option<String>>)> = functions
            .iter()
            .map(|f| (f.name.as_str(), &f.code_signing_config_arn))
            .collect();
        assert_eq!(
            signing,
            [
                ("plain", &Attr::Known(None)),
                ("signed", &Attr::Known(Some(SIGNED.to_owned())))
            ]
        );
        assert_eq!(
            second_page.num_calls(),
            1,
            "the configs are paged to the end"
        );
        assert_eq!(other_functions.num_calls(), 1);
        assert_eq!(per_function.num_calls(), 0, "no call per function");
        assert!(cx.take_gaps().is_empty());
    }

    /// A listing AWS refuses leaves every function's code signing unknown (one gap), never
    /// "no code signing".
    #[tokio::test]
    async fn a_denied_code_signing_listing_is_unknown_not_absent() {
        let listed = mock!(aws_sdk_lambda::Client::list_functions).then_output(|| {
            ListFunctionsOutput::builder()
                .functions(config("a"))
                .functions(config("b"))
                .build()
        });
        let denied = mock!(aws_sdk_lambda::Client::list_code_signing_configs)
            .sequence()
            .http_response(|| {
                let mut response = json(
                    403,
                    r#"{"Message":"User: arn:aws:sts::111122223333:assumed-role/audit/s is not authorized to perform: lambda:ListCodeSigningConfigs"}"#.to_owned(),
                );
                response
                    .headers_mut()
                    .insert("x-amzn-errortype", "AccessDeniedException");
                response
            })
            .repeatedly()
            .build();
        let rest = details_without_findings();
        let client = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            &[
                &listed, &denied, &rest[0], &rest[1], &rest[2], &rest[3], &rest[4], &rest[5]
            ],
            |b| b.retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled())
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let functions = collect(&cx, &client, "us-east-1").await;
        let functions = functions.known().unwrap_or_else(|| panic!("{functions:?}"));
        for f in functions {
            let gap = f
                .code_signing_config_arn
                .gap()
                .unwrap_or_else(|| panic!("{}: {:?}", f.name, f.code_signing_config_arn));
            assert_eq!(gap.kind, GapKind::AccessDenied);
            assert_eq!(gap.operation, "ListCodeSigningConfigs");
            assert!(f.resource_policy.is_known(), "the rest stays complete");
        }
        let gaps = cx.take_gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
    }

    /// Every other per-function read answering "nothing configured".
    fn details_without_findings() -> [aws_smithy_mocks::Rule; 6] {
        let not_found = || {
            ResourceNotFoundException::builder()
                .meta(
                    ErrorMetadata::builder()
                        .code("ResourceNotFoundException")
                        .build(),
                )
                .build()
        };
        [
            mock!(aws_sdk_lambda::Client::list_event_source_mappings)
                .sequence()
                .output(|| ListEventSourceMappingsOutput::builder().build())
                .repeatedly()
                .build(),
            mock!(aws_sdk_lambda::Client::get_function)
                .sequence()
                .output(|| GetFunctionOutput::builder().build())
                .repeatedly()
                .build(),
            mock!(aws_sdk_lambda::Client::get_policy)
                .sequence()
                .error(move || GetPolicyError::ResourceNotFoundException(not_found()))
                .repeatedly()
                .build(),
            mock!(aws_sdk_lambda::Client::get_function_url_config)
                .sequence()
                .error(move || GetFunctionUrlConfigError::ResourceNotFoundException(not_found()))
                .repeatedly()
                .build(),
            mock!(aws_sdk_lambda::Client::list_function_event_invoke_configs)
                .sequence()
                .output(|| ListFunctionEventInvokeConfigsOutput::builder().build())
                .repeatedly()
                .build(),
            no_aliases(),
        ]
    }

    /// The account's layers with every version's permissions. Bodies shaped as the Lambda API
    /// reference shows them (https://docs.aws.amazon.com/lambda/latest/api/API_ListLayers.html,
    /// API_ListLayerVersions.html, API_GetLayerVersionPolicy.html).
    #[tokio::test]
    async fn layer_versions_are_read_with_their_policies() {
        const LAYER: &str = "arn:aws:lambda:us-east-2:123456789012:layer:my-layer";
        let layers = mock!(aws_sdk_lambda::Client::list_layers).then_http_response(|| {
            json(200, format!(r#"{{"Layers":[{{"LayerName":"my-layer","LayerArn":"{LAYER}","LatestMatchingVersion":{{"LayerVersionArn":"{LAYER}:2","Version":2,"Description":"My layer","CreatedDate":"2018-11-15T00:37:46.592+0000","CompatibleRuntimes":["python3.6","python3.7"]}}}}]}}"#))
        });
        let versions = mock!(aws_sdk_lambda::Client::list_layer_versions)
            .match_requests(|r| r.layer_name() == Some("my-layer"))
            .then_http_response(|| {
                json(200, format!(r#"{{"LayerVersions":[{{"LayerVersionArn":"{LAYER}:2","Version":2,"Description":"My layer","CreatedDate":"2023-11-15T00:37:46.592+0000","CompatibleRuntimes":["python3.9"]}},{{"LayerVersionArn":"{LAYER}:1","Version":1,"Description":"My layer","CreatedDate":"2023-11-14T23:03:52.894+0000","CompatibleRuntimes":["python3.9"]}}]}}"#))
            });
        let shared = mock!(aws_sdk_lambda::Client::get_layer_version_policy)
            .match_requests(|r| r.version_number() == Some(1))
            .then_http_response(|| {
                let policy = format!(r#"{{"Version":"2012-10-17","Id":"default","Statement":[{{"Sid":"xaccount","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"{LAYER}:1"}}]}}"#);
                json(200, serde_json::json!({"Policy": policy, "RevisionId": "123456789012:4843f2f6-7c59-4fda-b484-afd0bc0e22b8"}).to_string())
            });
        let private = mock!(aws_sdk_lambda::Client::get_layer_version_policy)
            .match_requests(|r| r.version_number() == Some(2))
            .then_http_response(|| {
                json(404, r#"{"Type":"User","Message":"No policy is associated with the given resource."}"#.to_owned())
            });
        let client = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            &[&layers, &versions, &shared, &private],
            |b| b.retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled())
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let layers = super::layers(&cx, &client, "us-east-2").await;
        let layers = layers.known().unwrap_or_else(|| panic!("{layers:?}"));
        assert_eq!(layers.len(), 1);
        assert_eq!(layers[0].arn, LAYER);
        let versions = layers[0]
            .versions
            .known()
            .unwrap_or_else(|| panic!("{:?}", layers[0].versions));
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(versions[0].arn, format!("{LAYER}:1"));
        assert!(
            versions[0]
                .policy
                .known()
                .and_then(Option::as_deref)
                .is_some_and(|p| p.contains("lambda:GetLayerVersion"))
        );
        assert_eq!(
            versions[1].policy,
            Attr::Known(None),
            "no policy is not a gap"
        );
        assert!(cx.take_gaps().is_empty());
    }
}

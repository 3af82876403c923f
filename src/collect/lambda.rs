//! Lambda: `ListFunctions` carries most configuration; per function only what it lacks
//! (tags and reserved concurrency via `GetFunction`, policy, URL, code signing, destinations),
//! and event source mappings once per region.

use super::{Ctx, Service, Site, error};
use aws_sdk_lambda::Client;
use aws_sdk_lambda::operation::RequestId;
use aws_sdk_lambda::types::{EnvironmentError, FunctionConfiguration};
use faascan_checks::model::{
    Attr, EventInvokeConfig, EventSourceMapping, FunctionUrl, FunctionUrlCors, Gap, GapKind,
    LambdaFunction, LambdaVpcConfig,
};
use futures::{StreamExt, stream};

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
    let mappings = event_source_mappings(cx, client, region).await;
    let mut collected: Vec<LambdaFunction> = stream::iter(functions)
        .map(|f| function(cx, client, region, f, &mappings))
        .buffer_unordered(cx.fanout())
        .collect()
        .await;
    collected.sort_by(|a, b| a.name.cmp(&b.name));
    Attr::Known(collected)
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
fn environment_gap(site: Site<'_>, err: &EnvironmentError, request_id: Option<String>) -> Gap {
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
    site.op("ListFunctions")
        .gap(kind, code, message, request_id)
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
    mappings: &Attr<Vec<EventSourceMapping>>,
) -> LambdaFunction {
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
        |out| out.policy().map(str::to_owned),
    );
    let url = cx.optional(
        Site {
            operation: "GetFunctionUrlConfig",
            ..site
        },
        NOT_FOUND,
        || client.get_function_url_config().function_name(&arn).send(),
        |out| {
            Some(FunctionUrl {
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
            })
        },
    );
    let code_signing = cx.optional(
        Site {
            operation: "GetFunctionCodeSigningConfig",
            ..site
        },
        NOT_FOUND,
        || {
            client
                .get_function_code_signing_config()
                .function_name(&arn)
                .send()
        },
        // An empty ARN means none is attached (seen on emulators).
        |out| Some(out.code_signing_config_arn().to_owned()).filter(|a| !a.is_empty()),
    );
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
    let (details, resource_policy, function_url, code_signing_config_arn, event_invoke_configs) =
        tokio::join!(details, policy, url, code_signing, invoke_configs);

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
    let environment = match f.environment() {
        Some(env) if env.error().is_some() => {
            let gap = env
                .error()
                .map(|e| environment_gap(site, e, page_request_id.clone()));
            match gap {
                Some(gap) => Attr::Unavailable(cx.record(gap)),
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
        arn,
    }
}

#[cfg(test)]
mod tests {
    use super::unqualified;

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
        let client = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            &[
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
        let client = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            &[
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
}

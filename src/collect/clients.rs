//! Credentials, targeting and one read-only SDK client per service and region.

use super::calls::{CallCounter, ReadOnlyGuard};
use super::error::{self, FatalError};
use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_http_client::{Builder as HttpBuilder, tls};
use aws_smithy_runtime::client::retries::RetryPartition;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority, RetryReason,
};
use aws_smithy_types::retry::ErrorKind;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where and as whom to scan.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) profile: Option<String>,
    pub(crate) regions: Vec<String>,
    /// Regions to leave out.
    pub(crate) exclude_regions: Vec<String>,
    /// Add every region enabled in the account (`account:ListRegions`).
    pub(crate) all_regions: bool,
    pub(crate) role_arn: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) max_attempts: u32,
    pub(crate) call_timeout: Duration,
    /// Stop starting calls after this long; the inventory is then marked incomplete.
    pub(crate) time_budget: Option<Duration>,
}

pub(crate) struct RegionalClients {
    pub(crate) region: String,
    pub(crate) lambda: aws_sdk_lambda::Client,
    pub(crate) apigateway: aws_sdk_apigateway::Client,
    pub(crate) apigatewayv2: aws_sdk_apigatewayv2::Client,
    pub(crate) kms: aws_sdk_kms::Client,
    /// Tags of the region's buckets and keys in a few calls (see `tagging.rs`).
    pub(crate) tagging: aws_sdk_resourcegroupstagging::Client,
}

pub(crate) struct Clients {
    sdk: SdkConfig,
    guard: ReadOnlyGuard,
    pub(crate) counter: Arc<CallCounter>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) iam: aws_sdk_iam::Client,
    pub(crate) s3control: aws_sdk_s3control::Client,
    pub(crate) regions: Vec<RegionalClients>,
    /// Buckets live in many regions; S3 clients are made per bucket region on demand.
    s3_by_region: Mutex<HashMap<String, aws_sdk_s3::Client>>,
    pub(crate) home_region: String,
    /// Set when the default region discovery failed and only the configured region is scanned.
    pub(crate) region_gap: Option<faascan_checks::model::Gap>,
    /// The account's retry partition, for clients made later (S3 per region, S3 Control).
    partition: RetryPartition,
}

/// Who is scanning.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) account: String,
    pub(crate) arn: String,
    pub(crate) partition: String,
}

impl Clients {
    /// Builds the clients and proves the credentials work (`sts:GetCallerIdentity`) before
    /// anything else is called.
    pub(crate) async fn connect(target: &Target) -> Result<(Self, Identity), FatalError> {
        let http = HttpBuilder::new()
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();

        // The default chains, but with an instance-metadata probe that gives up in about a
        // second: off EC2, the SDK's defaults spend many seconds retrying it before saying
        // "no credentials". Every provider gets the one HTTP client (there is no default).
        let base_config = ProviderConfig::without_region().with_http_client(http.clone());
        let imds = aws_config::imds::Client::builder()
            .max_attempts(1)
            .connect_timeout(Duration::from_millis(700))
            .read_timeout(Duration::from_secs(1))
            .configure(&base_config)
            .build();

        let mut regions = target.regions.clone();
        // With no region named, every region enabled in the account is scanned.
        let discover_by_default = regions.is_empty() && !target.all_regions;
        if regions.is_empty() {
            let mut profile_region =
                aws_config::profile::region::Builder::default().configure(&base_config);
            if let Some(profile) = &target.profile {
                profile_region = profile_region.profile_name(profile);
            }
            let chain = aws_config::meta::region::RegionProviderChain::first_try(
                aws_config::environment::region::EnvironmentVariableRegionProvider::new(),
            )
            .or_else(profile_region.build())
            .or_else(
                aws_config::imds::region::ImdsRegionProvider::builder()
                    .imds_client(imds.clone())
                    .build(),
            );
            match chain.region().await {
                Some(region) => regions.push(region.to_string()),
                None if target.all_regions || discover_by_default => {
                    regions.push("us-east-1".to_owned())
                }
                None => {
                    return Err(FatalError::BadTarget(
                        "no region: pass --region, or set AWS_REGION or a region in the profile"
                            .to_owned(),
                    ));
                }
            }
        }
        validate_regions(&regions)?;
        validate_regions(&target.exclude_regions)?;
        // Without discovery the list is final now: an empty one fails before any call.
        if !target.all_regions && !discover_by_default {
            regions.retain(|r| !target.exclude_regions.contains(r));
            if regions.is_empty() {
                return Err(FatalError::BadTarget(
                    "no region left to scan after --exclude-region".to_owned(),
                ));
            }
        }
        let home_region = regions[0].clone();

        let provider_config = base_config.with_region(Some(Region::new(home_region.clone())));
        let mut chain = DefaultCredentialsChain::builder()
            .configure(provider_config)
            .imds_client(imds);
        if let Some(profile) = &target.profile {
            chain = chain.profile_name(profile);
        }
        let credentials = chain.build().await;

        // Standard, not adaptive: adaptive's client-side rate limiter stalls every later call
        // for many seconds after one throttle. Pacing is the collector's own (`pacing.rs`):
        // on the collector's clients the SDK leaves throttles to it (see `ThrottlesToThePacer`),
        // and elsewhere (the identity check, region discovery) its backoff stays short.
        let retry = RetryConfig::standard()
            .with_max_attempts(target.max_attempts.max(1))
            .with_initial_backoff(Duration::from_millis(200))
            .with_max_backoff(Duration::from_secs(1));
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(3))
            .operation_attempt_timeout(target.call_timeout)
            .operation_timeout(
                target.call_timeout * target.max_attempts.max(1) + Duration::from_secs(5),
            )
            .build();

        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http)
            .region(Region::new(home_region.clone()))
            .credentials_provider(credentials)
            .retry_config(retry)
            .timeout_config(timeouts);
        if let Some(profile) = &target.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(endpoint) = &target.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        let mut sdk = loader.load().await;

        if let Some(role_arn) = &target.role_arn {
            let mut assume = AssumeRoleProvider::builder(role_arn)
                .session_name("faascan")
                .configure(&sdk);
            if let Some(external_id) = &target.external_id {
                assume = assume.external_id(external_id);
            }
            let provider = assume.build().await;
            sdk = sdk
                .into_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build();
        }

        // Each account has its own retry token bucket: one throttled account must not make
        // the calls of another (scanned in the same process) fail fast.
        let partition = |who: &str| RetryPartition::new(format!("faascan-{who}"));
        let preflight_partition = partition(
            target
                .role_arn
                .as_deref()
                .or(target.profile.as_deref())
                .unwrap_or("default"),
        );
        let counter = Arc::new(CallCounter::default());
        let guard = ReadOnlyGuard {
            counter: counter.clone(),
            deadline: target.time_budget.map(|b| std::time::Instant::now() + b),
            breaker: Arc::default(),
        };
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&sdk)
                .interceptor(guard.clone())
                .retry_partition(preflight_partition.clone())
                .build(),
        );
        let identity = identity(&sts).await?;
        let mut region_gap = None;
        if target.all_regions || discover_by_default {
            let account = aws_sdk_account::Client::from_conf(
                aws_sdk_account::config::Builder::from(&sdk)
                    .interceptor(guard.clone())
                    .retry_partition(preflight_partition.clone())
                    .build(),
            );
            match enabled_regions(&account).await {
                Ok(found) => {
                    if discover_by_default {
                        regions.clear();
                    }
                    for region in found {
                        if !regions.contains(&region) {
                            regions.push(region);
                        }
                    }
                    validate_regions(&regions)?;
                }
                Err(e) if target.all_regions => return Err(e),
                // By default, a failed discovery still scans the configured region, and says
                // that the other regions are unknown.
                Err(e) => {
                    region_gap = Some(faascan_checks::model::Gap {
                        service: "account".to_owned(),
                        region: None,
                        operation: "ListRegions".to_owned(),
                        resource: None,
                        kind: faascan_checks::model::GapKind::Other,
                        error_code: "RegionDiscoveryFailed".to_owned(),
                        message: format!("{e}; scanned only {}", regions.join(", ")),
                        request_id: None,
                    });
                }
            }
        }
        validate_regions(&target.exclude_regions)?;
        regions.retain(|r| !target.exclude_regions.contains(r));
        if regions.is_empty() {
            return Err(FatalError::BadTarget(
                "no region left to scan after --exclude-region".to_owned(),
            ));
        }
        let account_partition = partition(&identity.account);
        let regional = regions
            .iter()
            .map(|region| RegionalClients {
                region: region.clone(),
                lambda: aws_sdk_lambda::Client::from_conf(
                    aws_sdk_lambda::config::Builder::from(&sdk)
                        .region(Region::new(region.clone()))
                        .interceptor(guard.clone())
                        .retry_partition(account_partition.clone())
                        .retry_classifier(ThrottlesToThePacer)
                        .build(),
                ),
                apigateway: aws_sdk_apigateway::Client::from_conf(
                    aws_sdk_apigateway::config::Builder::from(&sdk)
                        .region(Region::new(region.clone()))
                        .interceptor(guard.clone())
                        .retry_partition(account_partition.clone())
                        .retry_classifier(ThrottlesToThePacer)
                        .build(),
                ),
                apigatewayv2: aws_sdk_apigatewayv2::Client::from_conf(
                    aws_sdk_apigatewayv2::config::Builder::from(&sdk)
                        .region(Region::new(region.clone()))
                        .interceptor(guard.clone())
                        .retry_partition(account_partition.clone())
                        .retry_classifier(ThrottlesToThePacer)
                        .build(),
                ),
                kms: aws_sdk_kms::Client::from_conf(
                    aws_sdk_kms::config::Builder::from(&sdk)
                        .region(Region::new(region.clone()))
                        .interceptor(guard.clone())
                        .retry_partition(account_partition.clone())
                        .retry_classifier(ThrottlesToThePacer)
                        .build(),
                ),
                tagging: aws_sdk_resourcegroupstagging::Client::from_conf(
                    aws_sdk_resourcegroupstagging::config::Builder::from(&sdk)
                        .region(Region::new(region.clone()))
                        .interceptor(guard.clone())
                        .retry_partition(account_partition.clone())
                        .retry_classifier(ThrottlesToThePacer)
                        .build(),
                ),
            })
            .collect();

        let mut s3control = aws_sdk_s3control::config::Builder::from(&sdk)
            .interceptor(guard.clone())
            .retry_partition(account_partition.clone())
            .retry_classifier(ThrottlesToThePacer);
        if let Some(endpoint) = &target.endpoint_url {
            // The endpoint rules prefix the account id to the host, which no emulator serves.
            s3control = s3control.endpoint_resolver(FixedEndpoint(endpoint.clone()));
        }

        let clients = Clients {
            iam: aws_sdk_iam::Client::from_conf(
                aws_sdk_iam::config::Builder::from(&sdk)
                    .interceptor(guard.clone())
                    .retry_partition(account_partition.clone())
                    .retry_classifier(ThrottlesToThePacer)
                    .build(),
            ),
            s3control: aws_sdk_s3control::Client::from_conf(s3control.build()),
            regions: regional,
            s3_by_region: Mutex::new(HashMap::new()),
            endpoint_url: target.endpoint_url.clone(),
            home_region,
            region_gap,
            sdk,
            guard,
            counter,
            partition: account_partition,
        };
        Ok((clients, identity))
    }

    /// When the time budget ends, if there is one.
    pub(crate) fn deadline(&self) -> Option<std::time::Instant> {
        self.guard.deadline
    }

    /// The scan's endpoint breaker, fed by the guard on every client.
    pub(crate) fn breaker(&self) -> Arc<super::retry::Breaker> {
        self.guard.breaker.clone()
    }

    /// Active member accounts of the organization (`organizations:ListAccounts`), with the
    /// scanning identity's own credentials (the management or a delegated administrator account).
    pub(crate) async fn organization_accounts(&self) -> Result<Vec<String>, FatalError> {
        use aws_sdk_organizations::types::AccountState;
        let client = aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::config::Builder::from(&self.sdk)
                .interceptor(self.guard.clone())
                .build(),
        );
        let pages = client.list_accounts().into_paginator().send().try_collect().await.map_err(|e| {
            let failure = error::classify(&e);
            FatalError::Other(format!(
                "could not list the organization's accounts (organizations:ListAccounts): {}: {}",
                failure.code, failure.message
            ))
        })?;
        let mut ids: Vec<String> = pages
            .iter()
            .flat_map(|p| p.accounts())
            // Suspended and closed accounts are skipped, not errors.
            .filter(|a| a.state().is_none_or(|s| *s == AccountState::Active))
            .filter(|a| a.status().is_none_or(|s| s.as_str() == "ACTIVE"))
            .filter_map(|a| a.id().map(str::to_owned))
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// An S3 Control client for one region: access points are regional, and Multi-Region
    /// Access Points are served from us-west-2 only.
    pub(crate) fn s3control_in(&self, region: &str) -> aws_sdk_s3control::Client {
        let mut config = aws_sdk_s3control::config::Builder::from(&self.sdk)
            .region(Region::new(region.to_owned()))
            .interceptor(self.guard.clone())
            .retry_partition(self.partition.clone())
            .retry_classifier(ThrottlesToThePacer);
        if let Some(endpoint) = &self.endpoint_url {
            config = config.endpoint_resolver(FixedEndpoint(endpoint.clone()));
            if let Some(http) = self.sdk.http_client() {
                config = config.http_client(EmulatorXmlRoot(http));
            }
        }
        aws_sdk_s3control::Client::from_conf(config.build())
    }

    pub(crate) fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let mut clients = match self.s3_by_region.lock() {
            Ok(clients) => clients,
            Err(poisoned) => poisoned.into_inner(),
        };
        clients
            .entry(region.to_owned())
            .or_insert_with(|| {
                aws_sdk_s3::Client::from_conf(
                    aws_sdk_s3::config::Builder::from(&self.sdk)
                        .region(Region::new(region.to_owned()))
                        // Emulators on loopback have no per-bucket DNS names.
                        .force_path_style(self.endpoint_url.is_some())
                        .interceptor(self.guard.clone())
                        .retry_partition(self.partition.clone())
                        .retry_classifier(ThrottlesToThePacer)
                        .build(),
                )
            })
            .clone()
    }
}

/// Runs after the SDK's own classifiers: what they judged a throttle is not retried by the
/// SDK (whose backoff would stall the call, blind to the quota group) but handed back to
/// `Ctx::send`, which pauses the call's quota group and sends it again.
#[derive(Debug)]
struct ThrottlesToThePacer;

impl ClassifyRetry for ThrottlesToThePacer {
    fn classify_retry(&self, _: &InterceptorContext) -> RetryAction {
        RetryAction::NoActionIndicated
    }

    fn classify_retry_v2(&self, _: &InterceptorContext, previous: &RetryAction) -> RetryAction {
        match previous {
            RetryAction::RetryIndicated(RetryReason::RetryableError {
                kind: ErrorKind::ThrottlingError,
                ..
            }) => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "ThrottlesToThePacer"
    }

    fn priority(&self) -> RetryClassifierPriority {
        // Last: after the HTTP status, modeled-error and transient-error classifiers.
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// `sts:GetCallerIdentity`: proves the credentials work before anything else runs.
async fn identity(sts: &aws_sdk_sts::Client) -> Result<Identity, FatalError> {
    let output = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| error::fatal(&e))?;
    let arn = output.arn().unwrap_or_default().to_owned();
    let account = output.account().unwrap_or_default().to_owned();
    let partition = faascan_checks::Arn::parse(&arn)
        .ok()
        .map(|arn| arn.partition)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_owned();
    if account.is_empty() {
        return Err(FatalError::Other(
            "GetCallerIdentity returned no account id".to_owned(),
        ));
    }
    Ok(Identity {
        account,
        arn,
        partition,
    })
}

/// Regions enabled in the account: opted-in ones and those enabled by default. Regions that
/// are not enabled are skipped, not reported as errors.
async fn enabled_regions(account: &aws_sdk_account::Client) -> Result<Vec<String>, FatalError> {
    use aws_sdk_account::types::RegionOptStatus;
    let regions = account
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .region_opt_status_contains(RegionOptStatus::EnabledByDefault)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| {
            let failure = error::classify(&e);
            FatalError::Other(format!(
                "could not list the account's enabled regions (account:ListRegions): {}: {}; pass --region instead",
                failure.code, failure.message
            ))
        })?;
    let mut names: Vec<String> = regions
        .iter()
        .filter_map(|r| r.region_name().map(str::to_owned))
        .collect();
    names.sort();
    Ok(names)
}

/// Region names are used in ARNs, hostnames and file names: refuse anything that is not one.
fn validate_regions(regions: &[String]) -> Result<(), FatalError> {
    for region in regions {
        let parts: Vec<&str> = region.split('-').collect();
        let ok = parts.len() >= 3
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            })
            && parts
                .last()
                .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(FatalError::BadTarget(format!(
                "`{region}` is not an AWS region name (expected something like us-east-1)"
            )));
        }
    }
    Ok(())
}

/// Emulator compatibility for S3 Control, only with `--endpoint-url` (as `FixedEndpoint`):
/// moto names the XML root of its access point answers `ListAccessPointsResponse` where AWS
/// (and the SDK) use `ListAccessPointsResult`, and the SDK rejects the whole answer. The root
/// of a `Get*`/`List*` answer is renamed back; AWS's own answers never reach this client.
#[derive(Debug)]
struct EmulatorXmlRoot(aws_smithy_runtime_api::client::http::SharedHttpClient);

#[derive(Debug)]
struct EmulatorXmlRootConnector(aws_smithy_runtime_api::client::http::SharedHttpConnector);

impl aws_smithy_runtime_api::client::http::HttpClient for EmulatorXmlRoot {
    fn http_connector(
        &self,
        settings: &aws_smithy_runtime_api::client::http::HttpConnectorSettings,
        components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
    ) -> aws_smithy_runtime_api::client::http::SharedHttpConnector {
        aws_smithy_runtime_api::client::http::SharedHttpConnector::new(EmulatorXmlRootConnector(
            self.0.http_connector(settings, components),
        ))
    }
}

impl aws_smithy_runtime_api::client::http::HttpConnector for EmulatorXmlRootConnector {
    fn call(
        &self,
        request: aws_smithy_runtime_api::client::orchestrator::HttpRequest,
    ) -> aws_smithy_runtime_api::client::http::HttpConnectorFuture {
        let inner = self.0.clone();
        aws_smithy_runtime_api::client::http::HttpConnectorFuture::new(async move {
            let mut response = inner.call(request).await?;
            let body = response.take_body();
            let bytes = aws_smithy_types::byte_stream::ByteStream::new(body)
                .collect()
                .await
                .map_err(|e| {
                    aws_smithy_runtime_api::client::result::ConnectorError::io(Box::new(e))
                })?
                .into_bytes();
            let fixed = result_root(&bytes);
            response
                .headers_mut()
                .insert("content-length", fixed.len().to_string());
            *response.body_mut() = aws_smithy_types::body::SdkBody::from(fixed);
            Ok(response)
        })
    }
}

/// `<GetXResponse ...>...</GetXResponse>` becomes `<GetXResult ...>...</GetXResult>`; any
/// other body is returned as it is.
fn result_root(body: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(body) else {
        return body.to_vec();
    };
    let start = match text.find("?>") {
        Some(end) => end + 2,
        None => 0,
    };
    let Some(open) = text[start..].find('<').map(|i| start + i + 1) else {
        return body.to_vec();
    };
    let name_end = text[open..]
        .find([' ', '>', '/'])
        .map_or(text.len(), |i| open + i);
    let name = &text[open..name_end];
    let Some(operation) = name.strip_suffix("Response") else {
        return body.to_vec();
    };
    if !(operation.starts_with("Get") || operation.starts_with("List")) {
        return body.to_vec();
    }
    let fixed = format!("{operation}Result");
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..open]);
    out.push_str(&fixed);
    let rest = &text[name_end..];
    match rest.rfind(&format!("</{name}>")) {
        Some(close) => {
            out.push_str(&rest[..close]);
            out.push_str(&format!("</{fixed}>"));
            out.push_str(&rest[close + name.len() + 3..]);
        }
        None => out.push_str(rest),
    }
    out.into_bytes()
}

#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_smithy_types::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

#[cfg(test)]
mod emulator_tests {
    use super::result_root;

    #[test]
    fn an_emulators_response_root_is_renamed_and_others_are_untouched() {
        let moto = br#"<?xml version="1.0" encoding="utf-8"?>
<ListAccessPointsResponse xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><AccessPointList></AccessPointList></ListAccessPointsResponse>"#;
        assert_eq!(
            String::from_utf8(result_root(moto)).unwrap_or_default(),
            r#"<?xml version="1.0" encoding="utf-8"?>
<ListAccessPointsResult xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><AccessPointList></AccessPointList></ListAccessPointsResult>"#
        );
        let aws = br#"<?xml version="1.0" encoding="UTF-8"?><ListAccessPointsResult><AccessPointList/></ListAccessPointsResult>"#;
        assert_eq!(result_root(aws), aws.to_vec());
        let error = br#"<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>"#;
        assert_eq!(result_root(error), error.to_vec());
        assert_eq!(result_root(b""), b"".to_vec());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_validated() {
        assert!(
            validate_regions(&[
                "us-east-1".into(),
                "eu-west-2".into(),
                "us-gov-west-1".into()
            ])
            .is_ok()
        );
        for bad in [
            "us-east",
            "US-EAST-1",
            "us_east_1",
            "../etc",
            "us-east-1\u{1b}[31m",
            "",
        ] {
            assert!(validate_regions(&[bad.into()]).is_err(), "{bad:?} accepted");
        }
    }
}

#[cfg(test)]
mod mocked {
    use super::enabled_regions;
    use aws_sdk_account::operation::list_regions::ListRegionsOutput;
    use aws_sdk_account::types::{Region as AccountRegion, RegionOptStatus};
    use aws_smithy_mocks::{RuleMode, mock, mock_client};

    #[tokio::test]
    async fn enabled_regions_follow_pages_and_ask_only_for_enabled_ones() {
        let first = mock!(aws_sdk_account::Client::list_regions)
            .match_requests(|r| {
                r.next_token().is_none()
                    && r.region_opt_status_contains()
                        == [RegionOptStatus::Enabled, RegionOptStatus::EnabledByDefault]
            })
            .then_output(|| {
                ListRegionsOutput::builder()
                    .regions(AccountRegion::builder().region_name("us-east-1").build())
                    .regions(AccountRegion::builder().region_name("af-south-1").build())
                    .next_token("n")
                    .build()
            });
        let second = mock!(aws_sdk_account::Client::list_regions)
            .match_requests(|r| r.next_token() == Some("n"))
            .then_output(|| {
                ListRegionsOutput::builder()
                    .regions(AccountRegion::builder().region_name("eu-west-1").build())
                    .build()
            });
        let client = mock_client!(aws_sdk_account, RuleMode::MatchAny, &[&first, &second]);
        let regions = enabled_regions(&client)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(regions, ["af-south-1", "eu-west-1", "us-east-1"]);
    }
}

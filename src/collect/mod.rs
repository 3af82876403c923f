//! The only code that talks to AWS. It builds read-only clients, runs every service and region
//! concurrently under global and per-service limits, converts SDK types into the inventory
//! model, and records every call it could not complete as a gap.

mod apigateway;
mod apigatewayv2;
pub(crate) mod calls;
mod clients;
pub(crate) mod error;
mod fingerprint;
mod iam;
mod kms;
mod lambda;
pub(crate) mod pacing;
mod paging;
mod raw;
pub(crate) mod retry;
mod s3;
mod tagging;

pub(crate) use clients::{Clients, Target};
pub(crate) use error::FatalError;
pub(crate) use fingerprint::Fingerprinter;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use faascan_checks::model::{
    Account, Attr, Gap, GapKind, INVENTORY_SCHEMA_VERSION, Inventory, RedactedVariable,
    RegionInventory,
};
use futures::future::join_all;
use retry::CallError;
use std::error::Error as StdError;
use std::future::Future;
use std::sync::Mutex;
use time::OffsetDateTime;
use tokio::sync::Semaphore;

/// The services a scan can cover (`--services`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub(crate) enum Service {
    Lambda,
    Iam,
    S3,
    Apigateway,
    Kms,
}

impl Service {
    pub(crate) const ALL: [Service; 5] = [
        Service::Lambda,
        Service::Iam,
        Service::S3,
        Service::Apigateway,
        Service::Kms,
    ];
}

/// Per-service request budgets, so one slow service cannot starve the others and no single
/// API's rate limit (IAM and S3 are the tight ones) is hammered.
pub(crate) struct Limits {
    global: Semaphore,
    lambda: Semaphore,
    iam: Semaphore,
    s3: Semaphore,
    apigateway: Semaphore,
    kms: Semaphore,
}

impl Limits {
    pub(crate) fn new(global: usize) -> Self {
        let global = global.max(1);
        let per = |n: usize| Semaphore::new(n.min(global).max(1));
        Limits {
            global: Semaphore::new(global),
            lambda: per(global),
            iam: per(global.div_ceil(2)),
            s3: per(global),
            // API Gateway's control plane allows ~10 requests per second per account.
            apigateway: per(4),
            kms: per(global),
        }
    }

    fn of(&self, service: Service) -> &Semaphore {
        match service {
            Service::Lambda => &self.lambda,
            Service::Iam => &self.iam,
            Service::S3 => &self.s3,
            Service::Apigateway => &self.apigateway,
            Service::Kms => &self.kms,
        }
    }
}

/// Shared state of one scan: limits, gaps, the fingerprint key, and what stops calls (the
/// time budget and the endpoint breaker).
pub(crate) struct Ctx {
    limits: Limits,
    gaps: Mutex<Vec<Gap>>,
    pub(crate) fingerprints: Fingerprinter,
    /// How many detail futures to keep in flight per list; the semaphores bound real calls.
    fanout: usize,
    /// The end of the time budget (`--timeout`): calls in flight then are abandoned.
    deadline: Option<tokio::time::Instant>,
    breaker: std::sync::Arc<retry::Breaker>,
    retry: retry::RetryPolicy,
    /// The account's quota groups: every call waits for its slot here.
    pacer: pacing::Pacer,
}

/// What a call was for, to name it in a gap.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Site<'a> {
    pub(crate) service: Service,
    /// The API the call is sent to, as the quota table names it: the service's own unless
    /// the call goes through another API for it (the Tagging API's `GetResources`).
    pub(crate) api: &'static str,
    pub(crate) region: Option<&'a str>,
    pub(crate) operation: &'static str,
    pub(crate) resource: Option<&'a str>,
}

impl<'a> Site<'a> {
    pub(crate) fn new(service: Service, region: &'a str, operation: &'static str) -> Self {
        Site {
            service,
            api: service_name(service),
            region: Some(region),
            operation,
            resource: None,
        }
    }
    pub(crate) fn global(service: Service, operation: &'static str) -> Self {
        Site {
            service,
            api: service_name(service),
            region: None,
            operation,
            resource: None,
        }
    }
    pub(crate) fn on(self, resource: &'a str) -> Self {
        Site {
            resource: Some(resource),
            ..self
        }
    }
    pub(crate) fn op(self, operation: &'static str) -> Self {
        Site { operation, ..self }
    }
    /// The call is sent to `api` on this service's behalf (paced by that API's quotas).
    pub(crate) fn via(self, api: &'static str) -> Self {
        Site { api, ..self }
    }

    /// A gap at this site (not recorded).
    pub(crate) fn gap(
        &self,
        kind: GapKind,
        code: &str,
        message: String,
        request_id: Option<String>,
    ) -> Gap {
        Gap {
            service: service_name(self.service).to_owned(),
            region: self.region.map(str::to_owned),
            operation: self.operation.to_owned(),
            resource: self.resource.map(str::to_owned),
            kind,
            error_code: code.to_owned(),
            message,
            request_id,
        }
    }
}

type SdkResult<T, E> = Result<T, SdkError<E, HttpResponse>>;

impl Ctx {
    pub(crate) fn new(concurrency: usize, fingerprints: Fingerprinter) -> Self {
        Ctx {
            limits: Limits::new(concurrency),
            gaps: Mutex::new(Vec::new()),
            fingerprints,
            fanout: concurrency.max(1) * 2,
            deadline: None,
            breaker: Default::default(),
            retry: retry::RetryPolicy::default(),
            pacer: pacing::Pacer::unpaced(),
        }
    }

    /// Paces every call by the account's quota groups.
    pub(crate) fn with_pacer(mut self, pacer: pacing::Pacer) -> Self {
        self.pacer = pacer;
        self
    }

    /// Calls still running at `deadline` are abandoned, later ones never sent.
    pub(crate) fn with_deadline(mut self, deadline: Option<std::time::Instant>) -> Self {
        self.deadline = deadline.map(tokio::time::Instant::from_std);
        self
    }

    /// The scan's breaker, shared with the read-only guard that sees every attempt.
    pub(crate) fn with_breaker(mut self, breaker: std::sync::Arc<retry::Breaker>) -> Self {
        self.breaker = breaker;
        self
    }

    #[cfg(test)]
    pub(crate) fn with_retry(mut self, retry: retry::RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub(crate) fn fanout(&self) -> usize {
        self.fanout
    }

    /// Records a gap (every gap in the inventory's list goes through here).
    pub(crate) fn record(&self, gap: Gap) -> Gap {
        if let Ok(mut gaps) = self.gaps.lock() {
            gaps.push(gap.clone());
        }
        gap
    }

    /// Records a failed call as a gap and returns it.
    pub(crate) fn gap<E>(&self, site: Site<'_>, err: &CallError<E>) -> Gap
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        self.record(self.gap_of(site, err))
    }

    /// The gap for a failed call, not yet recorded.
    pub(crate) fn gap_of<E>(&self, site: Site<'_>, err: &CallError<E>) -> Gap
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        match err {
            CallError::Sdk(err) => {
                let failure = error::classify(err);
                site.gap(
                    failure.kind,
                    &failure.code,
                    failure.message,
                    failure.request_id,
                )
            }
            CallError::Stopped(stop) => self.stop_gap(site, *stop),
        }
    }

    /// A call whose answer is always present.
    pub(crate) async fn known<O, E, T, Fut>(
        &self,
        site: Site<'_>,
        make: impl FnMut() -> Fut,
        convert: impl FnOnce(O) -> T,
    ) -> Attr<T>
    where
        Fut: Future<Output = SdkResult<O, E>>,
        E: ProvideErrorMetadata + StdError + 'static,
    {
        match self.send(site, retry::Retry::Detail, make).await {
            Ok(output) => Attr::Known(convert(output)),
            Err(err) => Attr::Unavailable(Box::new(self.gap(site, &err))),
        }
    }

    /// A call whose "not configured" answer is one of `absent_codes` (an error on AWS's side,
    /// `None` here).
    pub(crate) async fn optional<O, E, T, Fut>(
        &self,
        site: Site<'_>,
        absent_codes: &[&str],
        make: impl FnMut() -> Fut,
        convert: impl FnOnce(O) -> Option<T>,
    ) -> Attr<Option<T>>
    where
        Fut: Future<Output = SdkResult<O, E>>,
        E: ProvideErrorMetadata + StdError + 'static,
    {
        match self.send(site, retry::Retry::Detail, make).await {
            Ok(output) => Attr::Known(convert(output)),
            Err(CallError::Sdk(err))
                if error::error_code(&err).is_some_and(|c| absent_codes.contains(&c)) =>
            {
                Attr::Known(None)
            }
            Err(err) => Attr::Unavailable(Box::new(self.gap(site, &err))),
        }
    }

    /// Environment or stage variables reduced to name, classification and fingerprint: the
    /// values are dropped here, at the boundary, and never enter the inventory.
    pub(crate) fn redact<'v>(
        &self,
        variables: impl IntoIterator<Item = (&'v String, &'v String)>,
    ) -> Vec<RedactedVariable> {
        let mut redacted: Vec<RedactedVariable> = variables
            .into_iter()
            .map(|(name, value)| {
                let verdict = faascan_checks::secrets::classify(name, value);
                RedactedVariable {
                    name: name.clone(),
                    classification: verdict.class,
                    detector: verdict.detector.map(str::to_owned),
                    fingerprint: self.fingerprints.fingerprint(value),
                    value_length: value.len(),
                }
            })
            .collect();
        redacted.sort_by(|a, b| a.name.cmp(&b.name));
        redacted
    }

    fn take_gaps(&self) -> Vec<Gap> {
        let mut gaps = self
            .gaps
            .lock()
            .map(|mut g| std::mem::take(&mut *g))
            .unwrap_or_default();
        gaps.sort();
        gaps
    }
}

/// Converting a read value while keeping an unavailable one's gap.
pub(crate) trait AttrExt<T> {
    fn map_known<U>(self, f: impl FnOnce(T) -> U) -> Attr<U>;
}

impl<T> AttrExt<T> for Attr<T> {
    fn map_known<U>(self, f: impl FnOnce(T) -> U) -> Attr<U> {
        match self {
            Attr::Known(value) => Attr::Known(f(value)),
            Attr::Unavailable(gap) => Attr::Unavailable(gap),
        }
    }
}

pub(crate) fn service_name(service: Service) -> &'static str {
    match service {
        Service::Lambda => "lambda",
        Service::Iam => "iam",
        Service::S3 => "s3",
        Service::Apigateway => "apigateway",
        Service::Kms => "kms",
    }
}

/// A gap for a service the user chose not to scan: the data is unknown, not empty.
fn skipped<T>(service: Service, region: Option<&str>) -> Attr<T> {
    Attr::Unavailable(Box::new(Gap {
        service: service_name(service).to_owned(),
        region: region.map(str::to_owned),
        operation: "*".to_owned(),
        resource: None,
        kind: faascan_checks::model::GapKind::NotAttempted,
        error_code: "ServiceNotSelected".to_owned(),
        message: "not collected: the service was excluded with --services".to_owned(),
        request_id: None,
    }))
}

/// Collects the whole inventory. Fails only when the scan cannot run at all.
pub(crate) async fn collect(
    target: &Target,
    services: &[Service],
    concurrency: usize,
) -> Result<Inventory, FatalError> {
    let scan_started = OffsetDateTime::now_utc();
    let fingerprints = Fingerprinter::from_env()?;
    let key_id = fingerprints.key_id();
    let (clients, identity) = connect(target).await?;
    let cx = Ctx::new(concurrency, fingerprints)
        .with_deadline(clients.deadline())
        .with_breaker(clients.breaker())
        .with_pacer(pacing::Pacer::new());
    let wants = |s: Service| services.contains(&s);
    // One tag listing per region, shared by the services that read tags from it.
    let tag_listings: Vec<tagging::TagListing> = clients
        .regions
        .iter()
        .filter_map(|r| tagging::TagListing::new(&r.tagging, &r.region, services))
        .collect();
    let (identity, cx_ref, wants_ref, clients_ref) = (&identity, &cx, &wants, &clients);
    let tag_listings_ref = &tag_listings;

    let iam = async {
        if wants(Service::Iam) {
            crate::progress::service(Service::Iam)
                .part(Box::pin(iam::collect(&cx, &clients.iam)))
                .await
        } else {
            skipped(Service::Iam, None)
        }
    };
    let s3 = async {
        if wants(Service::S3) {
            crate::progress::service(Service::S3)
                .part(Box::pin(s3::collect(
                    &cx,
                    &clients,
                    &tag_listings,
                    &identity.account,
                    &identity.partition,
                )))
                .await
        } else {
            faascan_checks::model::S3Inventory {
                buckets: skipped(Service::S3, None),
                account_public_access_block: skipped(Service::S3, None),
                multi_region_access_points: skipped(Service::S3, None),
            }
        }
    };
    // The services' futures are boxed: held inline, they add up to a stack a debug build
    // overflows on a thread's default 2 MiB (each account of a multi-account scan has one).
    let regions = join_all(clients.regions.iter().map(move |regional| {
        let (cx, wants, clients_ref) = (cx_ref, wants_ref, clients_ref);
        let tags = tag_listings_ref
            .iter()
            .find(|l| l.region() == regional.region);
        async move {
            let region = regional.region.as_str();
            let lambda = async {
                if wants(Service::Lambda) {
                    crate::progress::service(Service::Lambda)
                        .part(Box::pin(lambda::collect(cx, &regional.lambda, region)))
                        .await
                } else {
                    skipped(Service::Lambda, Some(region))
                }
            };
            let rest = async {
                if wants(Service::Apigateway) {
                    Some(
                        crate::progress::service(Service::Apigateway)
                            .part(Box::pin(apigateway::collect(
                                cx,
                                &regional.apigateway,
                                region,
                                &identity.partition,
                            )))
                            .await,
                    )
                } else {
                    None
                }
            };
            let http = async {
                if wants(Service::Apigateway) {
                    crate::progress::service(Service::Apigateway)
                        .part(Box::pin(apigatewayv2::collect(
                            cx,
                            &regional.apigatewayv2,
                            region,
                            &identity.partition,
                        )))
                        .await
                } else {
                    skipped(Service::Apigateway, Some(region))
                }
            };
            let kms = async {
                if wants(Service::Kms) {
                    crate::progress::service(Service::Kms)
                        .part(Box::pin(kms::collect(cx, &regional.kms, tags, region)))
                        .await
                } else {
                    skipped(Service::Kms, Some(region))
                }
            };
            let layers = async {
                if wants(Service::Lambda) {
                    crate::progress::service(Service::Lambda)
                        .part(Box::pin(lambda::layers(cx, &regional.lambda, region)))
                        .await
                } else {
                    skipped(Service::Lambda, Some(region))
                }
            };
            let domains_v2 = async {
                if wants(Service::Apigateway) {
                    Box::pin(apigatewayv2::domain_names(
                        cx,
                        &regional.apigatewayv2,
                        region,
                        &identity.partition,
                    ))
                    .await
                } else {
                    skipped(Service::Apigateway, Some(region))
                }
            };
            let access_points = async {
                if wants(Service::S3) {
                    let client = clients_ref.s3control_in(region);
                    Box::pin(s3::access_points(
                        cx,
                        &client,
                        (&identity.partition, &identity.account),
                        region,
                    ))
                    .await
                } else {
                    skipped(Service::S3, Some(region))
                }
            };
            let (
                lambda_functions,
                rest,
                http_apis,
                kms_keys,
                lambda_layers,
                domain_names_v2,
                s3_access_points,
            ) = tokio::join!(lambda, rest, http, kms, layers, domains_v2, access_points);
            let rest = rest.unwrap_or_else(|| apigateway::RegionalRest::skipped(region));
            RegionInventory {
                region: region.to_owned(),
                lambda_functions,
                rest_apis: rest.rest_apis,
                usage_plans: rest.usage_plans,
                api_keys: rest.api_keys,
                domain_names: rest.domain_names,
                apigateway_account: rest.account,
                http_apis,
                kms_keys,
                domain_names_v2,
                lambda_layers,
                s3_access_points,
            }
        }
    }));
    let (iam, s3, regions) = tokio::join!(iam, s3, regions);

    let mut gaps = cx.take_gaps();
    gaps.extend(clients.region_gap.clone());
    let incomplete = gaps.iter().any(leaves_scan_incomplete);
    Ok(Inventory {
        schema_version: INVENTORY_SCHEMA_VERSION,
        account: Account {
            id: identity.account.clone(),
            partition: identity.partition.clone(),
            caller_arn: identity.arn.clone(),
            scan_started,
            scan_finished: OffsetDateTime::now_utc(),
            regions: clients.regions.iter().map(|r| r.region.clone()).collect(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            fingerprint_key_id: key_id,
            incomplete,
        },
        iam,
        s3,
        regions,
        gaps,
        calls: faascan_checks::model::CallStats {
            pacing: cx.pacer.stats(),
            ..clients.counter.stats()
        },
        sources: Default::default(),
    })
}

/// Time the identity check may take beyond the budget: without it there is no scan at all,
/// but a hanging endpoint must not hold the scan far past `--timeout`.
const CONNECT_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

async fn connect(target: &Target) -> Result<(Clients, clients::Identity), FatalError> {
    let Some(budget) = target.time_budget else {
        return Clients::connect(target).await;
    };
    tokio::time::timeout(budget + CONNECT_GRACE, Clients::connect(target))
        .await
        .unwrap_or_else(|_| {
            Err(FatalError::EndpointUnreachable(format!(
                "no answer to the identity check (sts:GetCallerIdentity) within the {}s time budget",
                budget.as_secs()
            )))
        })
}

/// Whether a gap means resources went unenumerated or calls were cut short: then the
/// inventory is not the whole account, and says so.
fn leaves_scan_incomplete(gap: &Gap) -> bool {
    gap.listing().is_some_and(|l| l.enumerates)
        || matches!(
            gap.error_code.as_str(),
            "TimeBudgetExceeded" | "EndpointUnavailable" | "RegionDiscoveryFailed"
        )
}

/// The organization's active accounts, as the scanning identity sees them, and that
/// identity's partition (the member accounts' audit roles are in the same one).
pub(crate) async fn organization_accounts(
    target: &Target,
) -> Result<(String, Vec<String>), FatalError> {
    let (clients, identity) = Clients::connect(target).await?;
    Ok((identity.partition, clients.organization_accounts().await?))
}

/// The partition of the scanning identity (`aws`, `aws-cn`, `aws-us-gov`, ...), from
/// `GetCallerIdentity`: the region may come from the environment or a profile, and the
/// credentials decide the partition anyway.
pub(crate) async fn caller_partition(target: &Target) -> Result<String, FatalError> {
    let (_, identity) = Clients::connect(target).await?;
    Ok(identity.partition)
}

/// SDK timestamps into the model's.
pub(crate) fn to_time(dt: &aws_smithy_types::DateTime) -> Option<OffsetDateTime> {
    let nanos = i128::from(dt.secs()) * 1_000_000_000 + i128::from(dt.subsec_nanos());
    OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()
}

/// IAM returns policy documents URL-encoded (real AWS) or raw (some emulator paths). Decode
/// with percent-decoding only: `+` is a literal plus in a policy, not a space.
pub(crate) fn decode_policy(raw: &str) -> String {
    let trimmed = raw.trim_start();
    if trimmed.starts_with('{') {
        return raw.to_owned();
    }
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_documents_decode_in_both_encodings() {
        let raw = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::a+b/*"}]}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGet%2A%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa+b%2F%2A%22%7D%5D%7D";
        assert_eq!(decode_policy(raw), raw);
        assert_eq!(decode_policy(encoded), raw);
        assert_eq!(decode_policy("%ZZnot-json"), "%ZZnot-json");
    }

    #[test]
    fn timestamps_convert() {
        let dt = aws_smithy_types::DateTime::from_secs_and_nanos(1_700_000_000, 5);
        assert_eq!(
            to_time(&dt).map(|t| t.unix_timestamp()),
            Some(1_700_000_000)
        );
    }
}

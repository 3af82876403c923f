//! Every call the collector makes goes through `Ctx::send`: under the concurrency limits,
//! retried on its own when the failure is worth another try, and raced against the two things
//! that end a scan early: the time budget (`--timeout`) and the endpoint breaker (an endpoint
//! that has stopped answering is not called again). A call cut short becomes a gap, never a
//! silent absence.

use super::error::{self, CallFailure};
use super::pacing::Admission;
use super::{Ctx, SdkResult, Site};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use faascan_checks::model::{Gap, GapKind};
use std::error::Error as StdError;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Why a call was not sent, or was abandoned in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The time budget ran out.
    Budget,
    /// The endpoint breaker is open.
    Endpoint,
}

/// A call that gave no answer.
#[derive(Debug)]
pub(crate) enum CallError<E> {
    Sdk(Box<SdkError<E, HttpResponse>>),
    Stopped(Stop),
}

/// How hard a call is retried on top of the SDK's own attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// A page of a listing: losing it loses every resource on it (and after it), so any
    /// retryable failure is tried again a few times.
    Page,
    /// One resource's attribute: one more try after a retryable answer such as a 5xx
    /// (throttles are tried again separately, see `throttle_retries`).
    Detail,
}

/// Backoff between the collector's own tries (the SDK has already retried each one).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    pub(crate) initial: Duration,
    pub(crate) cap: Duration,
    /// Extra tries of a page after a retryable failure.
    pub(crate) page_retries: u32,
    /// Extra tries of a detail call after a retryable answer other than a throttle.
    pub(crate) detail_retries: u32,
    /// Extra tries of any call after a throttle, each after its quota group's pause: a
    /// throttle says "not now", not "no", so it is tried well past the other failures.
    pub(crate) throttle_retries: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            initial: Duration::from_millis(200),
            cap: Duration::from_secs(5),
            page_retries: 4,
            detail_retries: 1,
            throttle_retries: 16,
        }
    }
}

impl RetryPolicy {
    /// Exponential with "equal jitter": half the step fixed, half random, so concurrent
    /// callers throttled together do not come back together.
    fn backoff(&self, retry: u32) -> Duration {
        let step = self
            .initial
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.cap);
        let half = step / 2;
        let jitter_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(fastrand::u64(0..=jitter_ms))
    }

    fn allows(&self, retry: Retry, failure: &CallFailure, done: u32) -> bool {
        match retry {
            Retry::Page => failure.retryable && done < self.page_retries,
            // Throttles never get here (`send` sends them again itself). Silence (no
            // connection, timeouts) is not tried again per resource: the SDK's attempts
            // already were, and the breaker must see a dead endpoint after a few calls.
            Retry::Detail => {
                failure.retryable && !failure.endpoint_silent() && done < self.detail_retries
            }
        }
    }
}

/// Consecutive calls (or attempts) that got no answer at all (connection failures,
/// timeouts), with no answer from anywhere in between, after which the endpoint is taken to be
/// gone.
pub(crate) const BREAKER_THRESHOLD: u32 = 4;

/// How long without any answer before silent *attempts* alone open the breaker. A hanging
/// endpoint shows itself one attempt timeout after the last answer (not after every call has
/// spent all its attempts), while a blip of a few seconds is left to the retries.
const SILENCE: Duration = Duration::from_secs(10);

/// The endpoint breaker, one per scan: once open, it stays open, and every call (in flight or
/// not yet sent) ends at once as a gap. The read-only guard feeds it every attempt's outcome;
/// `Ctx::send` every call's.
#[derive(Debug)]
pub(crate) struct Breaker {
    silent_calls: AtomicU32,
    silent_attempts: AtomicU32,
    last_answer: Mutex<Instant>,
    open: watch::Sender<bool>,
    /// The failure that opened it, for the gaps' message.
    cause: Mutex<Option<String>>,
}

impl Default for Breaker {
    fn default() -> Self {
        Breaker {
            silent_calls: AtomicU32::new(0),
            silent_attempts: AtomicU32::new(0),
            last_answer: Mutex::new(Instant::now()),
            open: watch::Sender::new(false),
            cause: Mutex::new(None),
        }
    }
}

impl Breaker {
    pub(crate) fn is_open(&self) -> bool {
        *self.open.borrow()
    }

    /// The endpoint answered (with data or with an AWS error): it is alive.
    pub(crate) fn answered(&self) {
        self.silent_calls.store(0, Ordering::Relaxed);
        self.silent_attempts.store(0, Ordering::Relaxed);
        if let Ok(mut last) = self.last_answer.lock() {
            *last = Instant::now();
        }
    }

    /// One HTTP attempt got no answer (from the read-only guard).
    pub(crate) fn silent_attempt(&self, cause: impl FnOnce() -> String) {
        let count = self.silent_attempts.fetch_add(1, Ordering::Relaxed) + 1;
        let quiet_for = self
            .last_answer
            .lock()
            .map(|last| last.elapsed())
            .unwrap_or_default();
        if count >= BREAKER_THRESHOLD && quiet_for >= SILENCE {
            self.trip(cause());
        }
    }

    /// A whole call (every SDK attempt) got no answer.
    fn silent_call(&self, failure: &CallFailure) {
        let count = self.silent_calls.fetch_add(1, Ordering::Relaxed) + 1;
        if count >= BREAKER_THRESHOLD {
            self.trip(format!("{}: {}", failure.code, failure.message));
        }
    }

    fn trip(&self, cause: String) {
        if self.is_open() {
            return;
        }
        if let Ok(mut first) = self.cause.lock() {
            first.get_or_insert(cause);
        }
        self.open.send_replace(true);
    }

    /// Resolves when the breaker opens.
    async fn opened(&self) {
        let mut open = self.open.subscribe();
        if open.wait_for(|open| *open).await.is_err() {
            // The sender lives as long as the breaker; never reached, but never resolve.
            std::future::pending::<()>().await;
        }
    }

    fn message(&self) -> String {
        let cause = self.cause.lock().ok().and_then(|c| c.clone());
        format!(
            "not read: the endpoint stopped answering ({BREAKER_THRESHOLD} calls in a row could not connect or timed out{}), so the scan stopped calling it",
            cause
                .map(|c| format!("; the last: {c}"))
                .unwrap_or_default()
        )
    }
}

impl Ctx {
    /// What stops every further call now, if anything.
    pub(crate) fn stopped(&self) -> Option<Stop> {
        if self.breaker.is_open() {
            Some(Stop::Endpoint)
        } else if self
            .deadline
            .is_some_and(|d| tokio::time::Instant::now() >= d)
        {
            Some(Stop::Budget)
        } else {
            None
        }
    }

    /// The gap for a call that was stopped.
    pub(crate) fn stop_gap(&self, site: Site<'_>, stop: Stop) -> Gap {
        match stop {
            Stop::Budget => site.gap(
                GapKind::NotAttempted,
                "TimeBudgetExceeded",
                error::BUDGET_MESSAGE.to_owned(),
                None,
            ),
            Stop::Endpoint => site.gap(
                GapKind::NotAttempted,
                "EndpointUnavailable",
                self.breaker.message(),
                None,
            ),
        }
    }

    /// Runs `fut` once its quota groups let it through (see `pacing.rs`) and under the
    /// global and the service's concurrency limit, unless the budget or the breaker ends it
    /// first (then it is dropped, which abandons the request).
    async fn call<T>(
        &self,
        site: Site<'_>,
        retrying_throttle: bool,
        fut: impl Future<Output = T>,
    ) -> Result<(Admission, T), Stop> {
        if let Some(stop) = self.stopped() {
            return Err(stop);
        }
        let work = async {
            // The semaphores are never closed, so acquiring cannot fail; if it somehow did,
            // the call still runs rather than being lost. The quota slot is taken between
            // the two: a call waiting for its slot holds only its own service's permit (never
            // one another service could use), and once it has the slot it waits only for a
            // call in flight to end, so it reaches AWS close to when its slot was due.
            let _service = self.limits.of(site.service).acquire().await;
            let admission = self
                .pacer
                .admit(
                    site.service,
                    site.api,
                    site.region,
                    site.operation,
                    retrying_throttle,
                )
                .await;
            let _global = self.limits.global.acquire().await;
            crate::progress::service(site.service).sent();
            (admission, fut.await)
        };
        let deadline = async {
            match self.deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            out = work => Ok(out),
            () = self.breaker.opened() => Err(Stop::Endpoint),
            () = deadline => Err(Stop::Budget),
        }
    }

    /// One SDK call (`make` builds and sends it), paced by its quota groups. A throttle
    /// pauses its groups briefly and the same request is sent again (up to
    /// `throttle_retries` times); other failures are retried as `retry` allows with jittered
    /// exponential backoff; never past the time budget.
    pub(crate) async fn send<O, E, Fut>(
        &self,
        site: Site<'_>,
        retry: Retry,
        mut make: impl FnMut() -> Fut,
    ) -> Result<O, CallError<E>>
    where
        Fut: Future<Output = SdkResult<O, E>>,
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let mut retries = 0;
        let mut throttles = 0;
        loop {
            if let Some(stop) = self.stopped() {
                return Err(CallError::Stopped(stop));
            }
            // Boxed: an SDK call's future is several kilobytes, and every layer that holds it
            // inline (here, `call`, the select) grows the stack a debug build polls it on.
            let retrying_throttle = throttles > 0;
            let (admission, err) = match self.call(site, retrying_throttle, Box::pin(make())).await
            {
                Err(stop) => return Err(CallError::Stopped(stop)),
                Ok((admission, Ok(output))) => {
                    self.breaker.answered();
                    self.pacer.succeeded(&admission);
                    return Ok(output);
                }
                Ok((admission, Err(err))) => (admission, err),
            };
            let failure = error::classify(&err);
            if failure.endpoint_silent() {
                self.breaker.silent_call(&failure);
            } else if failure.kind != GapKind::NotAttempted {
                self.breaker.answered();
            }
            if failure.kind == GapKind::Throttled {
                // The next admission waits out the group's pause; nothing else waits here.
                self.pacer.throttled(site.service, &admission).await;
                if throttles < self.retry.throttle_retries && self.stopped().is_none() {
                    throttles += 1;
                    continue;
                }
                return Err(CallError::Sdk(Box::new(err)));
            }
            if !self.retry.allows(retry, &failure, retries) || self.stopped().is_some() {
                return Err(CallError::Sdk(Box::new(err)));
            }
            let wait = self.retry.backoff(retries);
            // A try that could not start before the deadline is not worth waiting for: the
            // real failure says more than "budget exceeded".
            if self
                .deadline
                .is_some_and(|d| tokio::time::Instant::now() + wait >= d)
            {
                return Err(CallError::Sdk(Box::new(err)));
            }
            tokio::time::sleep(wait).await;
            retries += 1;
        }
    }
}

/// A context for unit tests: unpaced, with retries and pauses of milliseconds.
#[cfg(test)]
pub(crate) fn fast_ctx(concurrency: usize) -> Ctx {
    Ctx::new(
        concurrency,
        crate::collect::fingerprint::Fingerprinter::new(b"0123456789abcdef"),
    )
    .with_retry(RetryPolicy {
        initial: std::time::Duration::from_millis(2),
        cap: std::time::Duration::from_millis(10),
        ..RetryPolicy::default()
    })
    .with_pacer(crate::collect::pacing::Pacer::unpaced().with_policy(
        crate::collect::pacing::BackoffPolicy {
            base: std::time::Duration::from_millis(2),
            cap: std::time::Duration::from_millis(4),
            decay_after: 1,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let policy = RetryPolicy::default();
        for retry in 0..10 {
            let wait = policy.backoff(retry);
            let step = (Duration::from_millis(200) * 2u32.pow(retry.min(8))).min(policy.cap);
            assert!(wait >= step / 2 && wait <= step, "{retry}: {wait:?}");
        }
    }
}

/// The budget and the breaker, with hand-made futures standing in for SDK calls.
#[cfg(test)]
mod stops {
    use super::*;
    use crate::collect::Service;
    use aws_sdk_lambda::operation::get_policy::GetPolicyError;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use faascan_checks::model::Attr;

    type Result = SdkResult<(), GetPolicyError>;

    fn cx() -> Ctx {
        fast_ctx(8)
    }

    fn site() -> Site<'static> {
        Site::new(Service::Lambda, "us-east-1", "GetPolicy").on("arn:aws:lambda:f")
    }

    async fn refused_async() -> Result {
        Err(SdkError::dispatch_failure(ConnectorError::io(
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused").into(),
        )))
    }

    async fn hang() -> Result {
        tokio::time::sleep(Duration::from_secs(600)).await;
        Ok(())
    }

    #[tokio::test]
    async fn after_the_deadline_nothing_is_sent() {
        let cx = cx().with_deadline(Some(Instant::now()));
        let mut sent = 0;
        let attr = cx
            .known(
                site(),
                || {
                    sent += 1;
                    async { Ok::<(), SdkError<GetPolicyError, HttpResponse>>(()) }
                },
                |()| (),
            )
            .await;
        assert_eq!(sent, 0);
        let gap = attr.gap().unwrap_or_else(|| panic!("{attr:?}"));
        assert_eq!(gap.kind, GapKind::NotAttempted);
        assert_eq!(gap.error_code, "TimeBudgetExceeded");
        assert_eq!(cx.take_gaps().len(), 1);
    }

    #[tokio::test]
    async fn a_call_in_flight_at_the_deadline_is_abandoned() {
        let cx = cx().with_deadline(Some(Instant::now() + Duration::from_millis(100)));
        let started = Instant::now();
        let attr = cx.known(site(), hang, |()| ()).await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            attr.gap().map(|g| g.error_code.as_str()),
            Some("TimeBudgetExceeded")
        );
    }

    #[tokio::test]
    async fn the_breaker_opens_after_consecutive_silences_and_ends_calls_in_flight() {
        let cx = cx();
        // A call that hangs, in flight while the endpoint is found dead.
        let hanging = cx.known(site(), hang, |()| ());
        let failing = async {
            // An answer in between resets the count.
            for _ in 0..BREAKER_THRESHOLD - 1 {
                let _ = cx.known(site(), refused_async, |()| ()).await;
            }
            let _ = cx.known(site(), || async { Result::Ok(()) }, |()| ()).await;
            assert!(cx.stopped().is_none(), "an answer closes the count");
            let mut last = Attr::Known(());
            for _ in 0..BREAKER_THRESHOLD {
                last = cx.known(site(), refused_async, |()| ()).await;
            }
            last
        };
        let started = Instant::now();
        let (hung, last) = tokio::join!(hanging, failing);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(last.gap().map(|g| g.kind), Some(GapKind::Transport));
        let hung = hung.gap().unwrap_or_else(|| panic!("{hung:?}")).clone();
        assert_eq!(hung.kind, GapKind::NotAttempted);
        assert_eq!(hung.error_code, "EndpointUnavailable");
        assert!(
            hung.message.contains("stopped answering") && !hung.message.contains('{'),
            "{}",
            hung.message
        );

        // Later calls are not sent at all.
        let mut sent = 0;
        let later = cx
            .known(
                site(),
                || {
                    sent += 1;
                    refused_async()
                },
                |()| (),
            )
            .await;
        assert_eq!(sent, 0);
        assert_eq!(
            later.gap().map(|g| g.error_code.as_str()),
            Some("EndpointUnavailable")
        );
    }

    #[test]
    fn silent_attempts_open_the_breaker_only_after_a_quiet_spell() {
        let breaker = Breaker::default();
        for _ in 0..BREAKER_THRESHOLD * 2 {
            breaker.silent_attempt(|| "Timeout".to_owned());
        }
        assert!(!breaker.is_open(), "an answer came just now: a blip");
        breaker.answered();
        if let Ok(mut last) = breaker.last_answer.lock() {
            *last = Instant::now() - SILENCE;
        }
        for _ in 0..BREAKER_THRESHOLD - 1 {
            breaker.silent_attempt(|| "Timeout".to_owned());
        }
        assert!(!breaker.is_open(), "an answer resets the count");
        breaker.silent_attempt(|| "Timeout: attempt timeout after 20s".to_owned());
        assert!(breaker.is_open());
        assert!(breaker.message().contains("attempt timeout after 20s"));
    }

    #[tokio::test]
    async fn a_detail_call_gets_one_more_try_after_throttling() {
        let cx = cx();
        let mut tries = 0;
        let attr = cx
            .known(
                site(),
                || {
                    tries += 1;
                    let first = tries == 1;
                    async move {
                        if first {
                            failing(429, "TooManyRequestsException").await
                        } else {
                            Ok(())
                        }
                    }
                },
                |()| (),
            )
            .await;
        assert_eq!(tries, 2);
        assert!(attr.is_known());
    }

    async fn failing(status: u16, code: &'static str) -> Result {
        Err(SdkError::service_error(
            GetPolicyError::generic(
                aws_smithy_types::error::ErrorMetadata::builder()
                    .code(code)
                    .build(),
            ),
            HttpResponse::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(status)
                    .unwrap_or_else(|_| unreachable!()),
                aws_smithy_types::body::SdkBody::empty(),
            ),
        ))
    }

    /// A server error on one resource's read is tried once more (after the SDK's own
    /// attempts) before it becomes a gap; a refusal is not.
    #[tokio::test]
    async fn a_detail_call_gets_one_more_try_after_a_server_error_but_not_after_a_refusal() {
        let cx = cx();
        let mut tries = 0;
        let attr = cx
            .known(
                site(),
                || {
                    tries += 1;
                    let first = tries == 1;
                    async move {
                        if first {
                            failing(500, "ServiceException").await
                        } else {
                            Ok(())
                        }
                    }
                },
                |()| (),
            )
            .await;
        assert_eq!(tries, 2);
        assert!(attr.is_known());

        for (status, code, want_tries, want_gap) in [
            (403, "AccessDeniedException", 1, GapKind::AccessDenied),
            (503, "ServiceException", 2, GapKind::Other),
        ] {
            let mut tries = 0;
            let attr = cx
                .known(
                    site(),
                    || {
                        tries += 1;
                        failing(status, code)
                    },
                    |()| (),
                )
                .await;
            // A refusal is an answer, not a blip; a server error gets one more try.
            assert_eq!(tries, want_tries, "{code}");
            assert_eq!(attr.gap().map(|g| g.kind), Some(want_gap), "{code}");
        }
    }
}

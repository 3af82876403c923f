//! One interceptor on every SDK client: it refuses any operation outside the read-only list
//! (before anything is sent) and counts operations, attempts and failed attempts.

use super::retry::Breaker;
use crate::permissions;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use faascan_checks::model::{CallCount, CallStats};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
pub(crate) struct CallCounter {
    counts: Mutex<BTreeMap<(String, String), Counts>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    operations: u64,
    attempts: u64,
    failed_attempts: u64,
}

impl CallCounter {
    fn bump(&self, metadata: Option<&Metadata>, f: impl FnOnce(&mut Counts)) {
        let key = metadata.map_or_else(
            || ("?".to_owned(), "?".to_owned()),
            |m| (m.service().to_owned(), m.name().to_owned()),
        );
        if let Ok(mut counts) = self.counts.lock() {
            f(counts.entry(key).or_default());
        }
    }

    pub(crate) fn stats(&self) -> CallStats {
        let counts = self.counts.lock().map(|c| c.clone()).unwrap_or_default();
        let by_operation: Vec<CallCount> = counts
            .into_iter()
            .map(|((service, operation), c)| CallCount {
                service,
                operation,
                operations: c.operations,
                attempts: c.attempts,
                failed_attempts: c.failed_attempts,
            })
            .collect();
        CallStats {
            operations: by_operation.iter().map(|c| c.operations).sum(),
            attempts: by_operation.iter().map(|c| c.attempts).sum(),
            failed_attempts: by_operation.iter().map(|c| c.failed_attempts).sum(),
            by_operation,
            pacing: Vec::new(),
        }
    }
}

/// Refuses unlisted operations, and (with a time budget) every call after the deadline, so a
/// scan ends cleanly with what it has, marked incomplete.
#[derive(Debug, Clone)]
pub(crate) struct ReadOnlyGuard {
    pub(crate) counter: Arc<CallCounter>,
    pub(crate) deadline: Option<std::time::Instant>,
    /// Told whether each attempt got an answer, so a hanging endpoint is noticed after one
    /// attempt timeout rather than after every call has spent all its attempts.
    pub(crate) breaker: Arc<Breaker>,
}

/// Operations started in this process, for the progress line (all accounts together).
pub(crate) static OPERATIONS_STARTED: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0);

/// A call refused because `--timeout` ran out; the error classifier finds it by type in the
/// SDK's error chain.
#[derive(Debug, thiserror::Error)]
#[error("faascan time budget exhausted: call not attempted")]
pub(crate) struct BudgetExhausted;

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "FaascanReadOnlyGuard"
    }

    // Metadata is in the bag from here on (not yet in read_before_execution).
    fn read_before_serialization(
        &self,
        _: &BeforeSerializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let metadata = cfg.load::<Metadata>();
        let allowed = metadata.and_then(|m| permissions::find(m.service(), m.name()));
        if allowed.is_none() {
            let what = metadata.map_or_else(
                || "an unnamed operation".to_owned(),
                |m| format!("{} {}", m.service(), m.name()),
            );
            return Err(
                format!("faascan refused to call {what}: not in its read-only list").into(),
            );
        }
        // The identity preflight always runs: without it there is no scan to mark incomplete.
        let preflight =
            metadata.is_some_and(|m| matches!(m.service(), "STS" | "Account" | "Organizations"));
        if !preflight
            && self
                .deadline
                .is_some_and(|d| std::time::Instant::now() >= d)
        {
            return Err(Box::new(BudgetExhausted));
        }
        self.counter.bump(metadata, |c| c.operations += 1);
        OPERATIONS_STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.counter
            .bump(cfg.load::<Metadata>(), |c| c.attempts += 1);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        ctx: &FinalizerInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        match ctx.output_or_error() {
            Some(Err(err)) => {
                self.counter
                    .bump(cfg.load::<Metadata>(), |c| c.failed_attempts += 1);
                if err.is_timeout_error() || err.is_connector_error() {
                    self.breaker.silent_attempt(|| {
                        let what = if err.is_timeout_error() {
                            "Timeout: no answer in time"
                        } else {
                            "ConnectionFailed: the request could not be sent"
                        };
                        match cfg.load::<Metadata>() {
                            Some(m) => format!("{what} ({} {})", m.service(), m.name()),
                            None => what.to_owned(),
                        }
                    });
                } else if ctx
                    .response()
                    .is_some_and(|r| !(502..=504).contains(&r.status().as_u16()))
                {
                    // A gateway's 502-504 may stand for an endpoint that is gone; the call's
                    // outcome (an AWS error code or none) decides that in `Ctx::send`.
                    self.breaker.answered();
                }
            }
            Some(Ok(_)) => self.breaker.answered(),
            None => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::operation::delete_function::DeleteFunctionOutput;
    use aws_sdk_lambda::operation::list_functions::ListFunctionsOutput;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};

    #[tokio::test]
    async fn the_guard_refuses_writes_before_they_are_sent_and_counts_reads() {
        let delete = mock!(aws_sdk_lambda::Client::delete_function)
            .then_output(|| DeleteFunctionOutput::builder().build());
        let list = mock!(aws_sdk_lambda::Client::list_functions)
            .then_output(|| ListFunctionsOutput::builder().build());
        let counter = Arc::new(CallCounter::default());
        let guard = ReadOnlyGuard {
            counter: counter.clone(),
            deadline: None,
            breaker: Arc::default(),
        };
        let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, &[&delete, &list], |b| b
            .interceptor(guard.clone()));

        // allow-write: a mocked client; the test proves the guard refuses this call.
        let refused = client
            .delete_function() // allow-write: never sent, refused by the guard
            .function_name("victim")
            .send()
            .await;
        let message = format!("{:?}", refused.err());
        assert!(
            message.contains("refused to call Lambda DeleteFunction"),
            "{message}"
        );
        let stats = counter.stats();
        assert_eq!(
            (stats.operations, stats.attempts),
            (0, 0),
            "the write never got to an attempt"
        );

        assert!(client.list_functions().send().await.is_ok());
        let stats = counter.stats();
        assert_eq!(stats.operations, 1, "only the read is counted: {stats:?}");
        assert_eq!(stats.by_operation[0].operation, "ListFunctions");
    }
}

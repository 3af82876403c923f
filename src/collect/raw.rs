//! The JSON body of a response, for the few fields the SDK cannot tell apart from a default:
//! API Gateway v1 models throttle limits as plain numbers, so an absent `rateLimit` reaches
//! the SDK caller as `0.0`, which reads as "every request throttled" where AWS means "not
//! set, the stage's or the account's limit applies".

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::{Arc, Mutex};

/// Keeps the body of the last response one call received (put on that call only, with
/// `.customize().interceptor(..)`); a page walker reads it right after each page.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawBody(Arc<Mutex<Option<Vec<u8>>>>);

impl RawBody {
    /// The last response body as JSON, taken (so the next page starts empty). `None` when
    /// there was no body to keep (a mocked output) or it is not JSON.
    pub(crate) fn take_json(&self) -> Option<serde_json::Value> {
        let bytes = self.0.lock().ok()?.take()?;
        serde_json::from_slice(&bytes).ok()
    }
}

impl Intercept for RawBody {
    fn name(&self) -> &'static str {
        "FaascanRawBody"
    }

    // The body is in memory by now: the orchestrator reads it whole before deserializing.
    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes()
            && let Ok(mut slot) = self.0.lock()
        {
            *slot = Some(bytes.to_vec());
        }
        Ok(())
    }
}

/// An integer field that is present, from a JSON object.
pub(crate) fn int(value: &serde_json::Value, key: &str) -> Option<i32> {
    value
        .get(key)
        .and_then(serde_json::Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
}

/// A number field that is present, from a JSON object.
pub(crate) fn number(value: &serde_json::Value, key: &str) -> Option<f64> {
    value.get(key).and_then(serde_json::Value::as_f64)
}

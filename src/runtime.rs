//! The process's one tokio runtime, built the first time something needs it (commands that
//! make no AWS call never start one). Every account of an organisation scan runs on it.

use crate::collect::FatalError;
use crate::error::Failure;
use std::future::Future;
use std::sync::OnceLock;

static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();

/// Stack of each worker thread: the collector's futures are deep in a debug build.
const WORKER_STACK_BYTES: usize = 8 * 1024 * 1024;

/// Runs `future` to completion on the process's runtime.
pub(crate) fn block_on<F: Future>(future: F) -> Result<F::Output, Failure> {
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_stack_size(WORKER_STACK_BYTES)
            .build()
            .map_err(|e| format!("starting the async runtime: {e}"))
    });
    match runtime {
        Ok(runtime) => Ok(runtime.block_on(future)),
        Err(message) => Err(Failure::CouldNotRun(FatalError::Other(message.clone()))),
    }
}

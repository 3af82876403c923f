//! What a run can end in, and the one place an outcome or an error becomes an exit code.
//!
//! A run that finishes returns an [`Exit`] (clean, findings, incomplete: a report was written
//! either way, so incompleteness is an outcome, not an error). A run that stops returns an error whose chain holds a [`Failure`]: the variant,
//! never the message, decides the exit code ([`exit_for`]).

use crate::collect::FatalError;
use std::process::ExitCode;

/// Every exit code faascan uses, in one place (README "Exit codes" documents them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Nothing unmuted at or above `--fail-on`, and the scan read every resource.
    Clean = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// A usage or configuration error.
    Usage = 2,
    /// The scan could not run (no credentials, endpoint unreachable, no account scanned), or
    /// an output could not be written or rendered.
    ScanFailed = 3,
    /// The scan is incomplete: resources may be missing (a listing failed, the endpoint
    /// stopped answering, the time budget ran out, a check crashed, an account or a shard is
    /// missing); with `--strict`, any unknown result (muted or not). Wins over 1 and over
    /// `--fail-on none`.
    Incomplete = 4,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// Why a run stopped before it could report.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// A bad argument, configuration or input file: nothing was scanned (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The scan could not start or could not reach AWS (exit 3).
    #[error("the scan could not run")]
    CouldNotRun(#[source] FatalError),
    /// The organization's account list could not be read (exit 3).
    #[error("the organization's accounts could not be listed")]
    OrganizationUnlisted(#[source] FatalError),
    /// Every account of a multi-account scan failed (exit 3): one line per account.
    #[error("no account could be scanned:\n{0}")]
    NoAccountScanned(String),
    /// A report or file could not be written (exit 3); `what` says what was being done.
    #[error("{what}")]
    Write {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// A report could not be rendered or written (exit 3).
    #[error(transparent)]
    Render(faascan_reports::RenderError),
    /// Stdout was closed by its reader (`faascan scan | head`): not an error, exit 0 quietly.
    #[error("stdout was closed")]
    PipeClosed,
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure::Usage(message.into())
    }

    /// The collector's fatal errors: a bad target or a missing profile is the caller's
    /// mistake (exit 2), by type; everything else means the scan could not run (exit 3).
    pub(crate) fn of_collect(err: FatalError) -> Failure {
        match err {
            usage @ (FatalError::BadTarget(_) | FatalError::ProfileMissing(_)) => {
                Failure::Usage(usage.to_string())
            }
            other => Failure::CouldNotRun(other),
        }
    }

    fn exit(&self) -> Exit {
        match self {
            Failure::Usage(_) => Exit::Usage,
            Failure::CouldNotRun(_)
            | Failure::OrganizationUnlisted(_)
            | Failure::NoAccountScanned(_)
            | Failure::Write { .. }
            | Failure::Render(_) => Exit::ScanFailed,
            Failure::PipeClosed => Exit::Clean,
        }
    }
}

/// The exit code of a run that stopped: the first [`Failure`] in the error's chain decides;
/// an error faascan did not classify (a bug) means the scan could not run.
pub(crate) fn exit_for(err: &anyhow::Error) -> Exit {
    err.chain()
        .find_map(|e| e.downcast_ref::<Failure>())
        .map_or(Exit::ScanFailed, Failure::exit)
}

/// Whether the run ended because stdout's reader went away (nothing to print then).
pub(crate) fn is_pipe_closed(err: &anyhow::Error) -> bool {
    matches!(err.downcast_ref::<Failure>(), Some(Failure::PipeClosed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_has_its_exit_code_whatever_its_text() {
        let exit = |f: Failure| exit_for(&anyhow::Error::new(f));
        assert_eq!(exit(Failure::usage("the scan could not run")), Exit::Usage);
        assert_eq!(
            exit(Failure::CouldNotRun(FatalError::Other("--x is bad".into()))),
            Exit::ScanFailed
        );
        assert_eq!(
            exit(Failure::of_collect(FatalError::BadTarget(
                "no region".into()
            ))),
            Exit::Usage
        );
        assert_eq!(
            exit(Failure::of_collect(FatalError::ProfileMissing("p".into()))),
            Exit::Usage
        );
        assert_eq!(
            exit(Failure::NoAccountScanned("a: denied".into())),
            Exit::ScanFailed
        );
        assert_eq!(exit(Failure::PipeClosed), Exit::Clean);
        // Context added on top does not hide the failure underneath.
        let wrapped = anyhow::Error::new(Failure::usage("bad")).context("reading the plan");
        assert_eq!(exit_for(&wrapped), Exit::Usage);
        // An unclassified error is a scan that could not run, never a usage error.
        assert_eq!(
            exit_for(&anyhow::anyhow!("usage: something")),
            Exit::ScanFailed
        );
        assert_eq!(ExitCode::from(Exit::Incomplete), ExitCode::from(4));
    }
}

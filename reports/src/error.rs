//! The one error a renderer returns: the output could not be written or serialised. The
//! binary maps it to "could not run" (exit 3) instead of writing an empty or partial report
//! that looks complete.

/// A renderer failed; `format` names the output (`json`, `sarif`, ...).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("writing the {format} output")]
    Io {
        format: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("serialising the {format} output")]
    Serialise {
        format: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("the {format} output is not UTF-8")]
    NotUtf8 { format: &'static str },
}

impl RenderError {
    /// The I/O error behind this one, if any (the binary ends quietly on a closed pipe).
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            RenderError::Io { source, .. } => Some(source.kind()),
            _ => None,
        }
    }

    pub(crate) fn io(format: &'static str) -> impl FnOnce(std::io::Error) -> RenderError {
        move |source| RenderError::Io { format, source }
    }

    /// serde_json reports a failed write as its own error: keep it an I/O error.
    pub(crate) fn json(format: &'static str) -> impl FnOnce(serde_json::Error) -> RenderError {
        move |source| {
            if source.is_io() {
                RenderError::Io {
                    format,
                    source: std::io::Error::from(source),
                }
            } else {
                RenderError::Serialise { format, source }
            }
        }
    }
}

/// Renders into memory through a streaming renderer (tests, the evidence bundle, stdout of
/// small outputs).
pub(crate) fn to_string(
    format: &'static str,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<(), RenderError>,
) -> Result<String, RenderError> {
    let mut out = Vec::new();
    write(&mut out)?;
    String::from_utf8(out).map_err(|_| RenderError::NotUtf8 { format })
}

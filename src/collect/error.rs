//! Turns SDK errors into gaps (the scan goes on) or fatal errors (it cannot run at all).

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use faascan_checks::model::GapKind;
use std::error::Error as StdError;

/// A failed call, classified.
#[derive(Debug, Clone)]
pub(crate) struct CallFailure {
    pub(crate) kind: GapKind,
    pub(crate) code: String,
    pub(crate) message: String,
}

/// The whole scan cannot run.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FatalError {
    #[error(
        "no AWS credentials could be loaded: {0}\nSet AWS_PROFILE / --profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or log in with `aws sso login`."
    )]
    NoCredentials(String),
    #[error(
        "the AWS profile `{0}` is not defined in the AWS config files; check --profile or AWS_PROFILE (`aws configure list-profiles` lists them)"
    )]
    ProfileMissing(String),
    #[error(
        "the SSO session has expired or was never started: run `aws sso login{0}` and try again"
    )]
    SsoExpired(String),
    #[error(
        "the AWS credentials were rejected: {0}\nIf you use SSO, the session may have expired: run `aws sso login`."
    )]
    CredentialsRejected(String),
    #[error("cannot reach the AWS endpoint: {0}")]
    EndpointUnreachable(String),
    #[error("{0}")]
    Other(String),
}

const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "Forbidden",
    "UnauthorizedException",
    "AllAccessDisabled",
];
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
    "RequestThrottled",
    "RequestThrottledException",
];
const CREDENTIALS_REJECTED: &[&str] = &[
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
];

/// The error code of a service error, if the response carried one.
pub(crate) fn error_code<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Option<&str> {
    match err {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}

pub(crate) fn classify<E>(err: &SdkError<E, HttpResponse>) -> CallFailure
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let chain = source_chain(err);
    match err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = service.err().code().map(str::to_owned);
            let message = service.err().message().unwrap_or_default().to_owned();
            let kind = match code.as_deref() {
                Some(c) if ACCESS_DENIED.contains(&c) => GapKind::AccessDenied,
                Some(c) if THROTTLED.contains(&c) => GapKind::Throttled,
                Some(_) if status == 403 => GapKind::AccessDenied,
                Some(_) => GapKind::Other,
                // A success status whose body did not parse: the response is malformed.
                None if (200..300).contains(&status) => GapKind::Malformed,
                // An error body that is not the service's format: an emulator's HTML page
                // for an operation it does not implement, or a proxy in the way.
                None if matches!(status, 404 | 405 | 500 | 501) => GapKind::Unsupported,
                None if status == 403 => GapKind::AccessDenied,
                None if status == 429 => GapKind::Throttled,
                None => GapKind::Other,
            };
            let message = if message.is_empty() {
                format!("HTTP {status}: {chain}")
            } else {
                message
            };
            let code = code.unwrap_or_else(|| match kind {
                GapKind::Malformed => "ResponseParseError".to_owned(),
                GapKind::Unsupported => "UnsupportedOperation".to_owned(),
                _ => format!("HTTP{status}"),
            });
            CallFailure {
                kind,
                code,
                message,
            }
        }
        SdkError::TimeoutError(_) => failure(GapKind::Timeout, "Timeout", chain),
        SdkError::DispatchFailure(dispatch) if dispatch.is_timeout() => {
            failure(GapKind::Timeout, "Timeout", chain)
        }
        SdkError::DispatchFailure(_) => failure(GapKind::Transport, "DispatchFailure", chain),
        SdkError::ResponseError(_) => failure(GapKind::Malformed, "ResponseParseError", chain),
        SdkError::ConstructionFailure(_) if chain.contains(super::calls::BUDGET_EXHAUSTED) => {
            failure(GapKind::NotAttempted, "TimeBudgetExceeded", chain)
        }
        SdkError::ConstructionFailure(_) => failure(GapKind::Other, "ConstructionFailure", chain),
        _ => failure(GapKind::Other, "Unknown", chain),
    }
}

fn failure(kind: GapKind, code: &str, message: String) -> CallFailure {
    CallFailure {
        kind,
        code: code.to_owned(),
        message,
    }
}

/// What a failed preflight call means for the whole scan.
pub(crate) fn fatal<E>(err: &SdkError<E, HttpResponse>) -> FatalError
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let chain = source_chain(err);
    if let Some(code) = error_code(err) {
        if CREDENTIALS_REJECTED.contains(&code) {
            return FatalError::CredentialsRejected(format!("{code}: {chain}"));
        }
        return FatalError::Other(format!("{code}: {chain}"));
    }
    if let Some(hint) = credential_hint(&full_chain(err)) {
        return hint;
    }
    let lower = chain.to_ascii_lowercase();
    if lower.contains("credential") || lower.contains("identity") || lower.contains("token") {
        return FatalError::NoCredentials(chain);
    }
    match err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            FatalError::EndpointUnreachable(chain)
        }
        _ => FatalError::Other(chain),
    }
}

/// The usual credential mistakes, recognised in the provider chain's own words.
fn credential_hint(chain: &str) -> Option<FatalError> {
    if let Some(start) = chain.find("profile `") {
        let rest = &chain[start + "profile `".len()..];
        if let Some(end) = rest.find('`')
            && rest[end..].starts_with("` was not defined")
        {
            return Some(FatalError::ProfileMissing(rest[..end].to_owned()));
        }
    }
    let lower = chain.to_ascii_lowercase();
    if lower.contains("sso")
        && (lower.contains("expired")
            || lower.contains("no cached sso token")
            || lower.contains("failed to load token"))
    {
        let profile = std::env::var("AWS_PROFILE")
            .map(|p| format!(" --profile {p}"))
            .unwrap_or_default();
        return Some(FatalError::SsoExpired(profile));
    }
    None
}

/// Every source's text, untruncated, for recognising causes (never shown as is).
fn full_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        parts.push(e.to_string());
        current = e.source();
    }
    parts.join(": ")
}

/// `Display` of the error and every source, deduplicated: the SDK's own `Display` is terse
/// ("service error") and its debug form dumps whole responses.
pub(crate) fn source_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    let joined = parts.join(": ");
    // Error text can echo response bodies; keep it bounded and free of control characters.
    let cleaned: String = joined
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if cleaned.chars().count() > 500 {
        cleaned.chars().take(500).collect::<String>() + "…"
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usual_credential_mistakes_get_clear_messages() {
        let missing = credential_hint(
            "no credentials found in chain: Profile: profile `prod` was not defined: could not find source profile",
        );
        assert!(matches!(missing, Some(FatalError::ProfileMissing(p)) if p == "prod"));
        let sso = credential_hint("Profile: failed to load SSO token: the SSO session has expired");
        assert!(matches!(sso, Some(FatalError::SsoExpired(_))));
        assert!(credential_hint("connection refused").is_none());
    }
}

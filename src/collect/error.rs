//! Turns SDK errors into gaps (the scan goes on) or fatal errors (it cannot run at all), in
//! words a person can read: the AWS error code, one line of text, the request id. The SDK's
//! own error texts nest `Debug` output (`Error { code: .. }`, `StartEl { .. }`, the whole
//! credential-provider chain); none of it gets through.

use aws_credential_types::provider::error::CredentialsError;
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
    pub(crate) request_id: Option<String>,
    /// Worth trying again: throttling, a timeout, a network failure or a server-side error.
    pub(crate) retryable: bool,
}

impl CallFailure {
    /// The endpoint did not answer at all (what the endpoint breaker counts).
    pub(crate) fn endpoint_silent(&self) -> bool {
        matches!(self.kind, GapKind::Transport | GapKind::Timeout)
    }
}

/// The whole scan cannot run.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FatalError {
    #[error(
        "no AWS credentials were found (none in the environment, the AWS config files, SSO, web identity, the container or the instance metadata)\nSet AWS_PROFILE / --profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or log in with `aws sso login`."
    )]
    NoCredentials,
    #[error(
        "no AWS credentials could be loaded: {0}\nCheck the profile's settings (`aws configure list`), or log in again with `aws sso login`."
    )]
    CredentialsUnusable(String),
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
    /// The target as given cannot be scanned (no region, a name that is not a region, every
    /// region excluded): a usage error, exit 2.
    #[error("{0}")]
    BadTarget(String),
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
    "KMSAccessDeniedException",
];
/// Throttling codes: the SDK's own list (Lambda and API Gateway's `TooManyRequestsException`,
/// IAM/STS `Throttling`, KMS `ThrottlingException`, S3 `SlowDown`, and the rest), so a code
/// the SDK would treat as a throttle is never taken for a failure here.
const THROTTLED: &[&str] = aws_runtime::retries::classifiers::THROTTLING_ERRORS;
/// Server-side failures that a later attempt may not see (the SDK's own transient list).
const TRANSIENT: &[&str] = &[
    "InternalError",
    "InternalFailure",
    "InternalServerError",
    "InternalServerException",
    "InternalServiceError",
    "ServiceException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
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

/// Whether an AWS error code means "not allowed" (also used for errors AWS embeds in a
/// successful response, such as a Lambda function's environment).
pub(crate) fn is_access_denied(code: &str) -> bool {
    ACCESS_DENIED.contains(&code) || code.ends_with("AccessDeniedException")
}

/// The error code of a service error, if the response carried one.
pub(crate) fn error_code<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Option<&str> {
    match err {
        SdkError::ServiceError(service) => service.err().code(),
        _ => None,
    }
}

/// AWS's request id: from the parsed error, else from the response headers.
pub(crate) fn request_id<E: ProvideErrorMetadata>(
    err: &SdkError<E, HttpResponse>,
) -> Option<String> {
    let from_meta = match err {
        SdkError::ServiceError(service) => service.err().meta().extra("aws_request_id"),
        _ => None,
    };
    let raw = match err {
        SdkError::ServiceError(service) => Some(service.raw()),
        SdkError::ResponseError(response) => Some(response.raw()),
        _ => None,
    };
    let from_headers = raw.and_then(|r| {
        r.headers()
            .get("x-amzn-requestid")
            .or_else(|| r.headers().get("x-amz-request-id"))
    });
    from_meta
        .or(from_headers)
        .filter(|id| !id.is_empty())
        .map(one_line)
}

pub(crate) fn classify<E>(err: &SdkError<E, HttpResponse>) -> CallFailure
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let request_id = request_id(err);
    let detail = describe(err);
    let with_detail = |text: &str| {
        if detail.is_empty() {
            text.to_owned()
        } else {
            format!("{text}: {detail}")
        }
    };
    let (kind, code, message) = match err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = service.err().code().filter(|c| !c.is_empty());
            let aws_message = service
                .err()
                .message()
                .map(one_line)
                .filter(|m| !m.is_empty());
            let kind = match code {
                Some(c) if is_access_denied(c) => GapKind::AccessDenied,
                Some(c) if THROTTLED.contains(&c) => GapKind::Throttled,
                Some(_) if status == 403 => GapKind::AccessDenied,
                Some(_) if status == 429 => GapKind::Throttled,
                Some(_) => GapKind::Other,
                // A success status whose body did not parse: the response is malformed.
                None if (200..300).contains(&status) => GapKind::Malformed,
                // An error body that is not the service's format: an emulator's HTML page
                // for an operation it does not implement.
                None if matches!(status, 404 | 405 | 500 | 501) => GapKind::Unsupported,
                // A gateway or load balancer answering for an endpoint that is not there.
                None if matches!(status, 502..=504) => GapKind::Transport,
                None if status == 403 => GapKind::AccessDenied,
                None if status == 429 => GapKind::Throttled,
                None => GapKind::Other,
            };
            let code = match code {
                Some(code) => code.to_owned(),
                None => match kind {
                    GapKind::Malformed => "ResponseParseError".to_owned(),
                    GapKind::Unsupported => "UnsupportedOperation".to_owned(),
                    _ => format!("HTTP{status}"),
                },
            };
            let message = match (aws_message, kind) {
                (Some(message), _) => message,
                (None, GapKind::Malformed) => {
                    with_detail(&format!("the response (HTTP {status}) could not be parsed"))
                }
                (None, GapKind::Unsupported) => format!(
                    "the endpoint does not implement this operation (HTTP {status} without an AWS error)"
                ),
                (None, GapKind::Transport) => format!(
                    "the endpoint did not answer: a gateway returned HTTP {status} without an AWS error"
                ),
                (None, _) => format!("AWS returned {code} (HTTP {status}) with no message"),
            };
            (kind, code, message)
        }
        SdkError::TimeoutError(_) => (
            GapKind::Timeout,
            "Timeout".to_owned(),
            with_detail("no answer in time"),
        ),
        SdkError::DispatchFailure(dispatch) if dispatch.is_timeout() => (
            GapKind::Timeout,
            "Timeout".to_owned(),
            with_detail("no answer in time"),
        ),
        SdkError::DispatchFailure(_) => (
            GapKind::Transport,
            "ConnectionFailed".to_owned(),
            with_detail("the request could not be sent"),
        ),
        SdkError::ResponseError(response) => (
            GapKind::Malformed,
            "ResponseParseError".to_owned(),
            with_detail(&format!(
                "the response (HTTP {}) could not be read",
                response.raw().status().as_u16()
            )),
        ),
        SdkError::ConstructionFailure(_) if caused_by::<super::calls::BudgetExhausted>(err) => (
            GapKind::NotAttempted,
            "TimeBudgetExceeded".to_owned(),
            BUDGET_MESSAGE.to_owned(),
        ),
        SdkError::ConstructionFailure(_) => (
            GapKind::Other,
            "RequestNotBuilt".to_owned(),
            with_detail("the request could not be built"),
        ),
        _ => (
            GapKind::Other,
            "CallFailed".to_owned(),
            with_detail("the call failed"),
        ),
    };
    let retryable = match kind {
        GapKind::Throttled | GapKind::Timeout | GapKind::Transport => true,
        GapKind::Other => match err {
            SdkError::ServiceError(service) => {
                service.raw().status().as_u16() >= 500 || TRANSIENT.contains(&code.as_str())
            }
            _ => false,
        },
        _ => false,
    };
    CallFailure {
        kind,
        code,
        message,
        request_id,
        retryable,
    }
}

/// Said of every call the time budget cut short.
pub(crate) const BUDGET_MESSAGE: &str =
    "not read: the scan's time budget (--timeout) ran out before this call completed";

/// What a failed preflight call means for the whole scan.
pub(crate) fn fatal<E>(err: &SdkError<E, HttpResponse>) -> FatalError
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    if let Some(code) = error_code(err) {
        let failure = classify(err);
        let text = format!("{code}: {}", failure.message);
        if CREDENTIALS_REJECTED.contains(&code) {
            return FatalError::CredentialsRejected(text);
        }
        return FatalError::Other(format!(
            "the identity check (sts:GetCallerIdentity) failed: {text}"
        ));
    }
    if let Some(fatal) = credential_failure(err) {
        return fatal;
    }
    let failure = classify(err);
    match err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            FatalError::EndpointUnreachable(failure.message)
        }
        _ => FatalError::Other(format!(
            "the identity check (sts:GetCallerIdentity) failed: {}: {}",
            failure.code, failure.message
        )),
    }
}

/// A failure to load credentials, told in one sentence (never the provider chain's dump).
fn credential_failure(err: &(dyn StdError + 'static)) -> Option<FatalError> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    let mut found = None;
    while let Some(e) = current {
        if let Some(credentials) = e.downcast_ref::<CredentialsError>() {
            found = Some(credentials);
            break;
        }
        current = e.source();
    }
    let credentials = found?;
    let chain = full_chain(err);
    if let Some(hint) = credential_hint(&chain) {
        return Some(hint);
    }
    Some(match credentials {
        CredentialsError::CredentialsNotLoaded(_) => FatalError::NoCredentials,
        CredentialsError::ProviderTimedOut(_) => {
            FatalError::CredentialsUnusable("the credential provider did not answer in time".into())
        }
        // A provider that was configured but failed (a bad profile, a failing
        // credential_process, a role that cannot be assumed): its own words, cleaned.
        other => {
            let reason = other.source().map(describe).unwrap_or_default();
            FatalError::CredentialsUnusable(if reason.is_empty() {
                "the configured credential provider failed".to_owned()
            } else {
                reason
            })
        }
    })
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
/// Whether an error of type `E` is anywhere in `err`'s chain of sources.
fn caused_by<E: StdError + 'static>(err: &(dyn StdError + 'static)) -> bool {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if e.is::<E>() {
            return true;
        }
        current = e.source();
    }
    false
}

fn full_chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        parts.push(e.to_string());
        current = e.source();
    }
    parts.join(": ")
}

/// The SDK's wrappers say nothing a gap's kind and code do not already say.
const GENERIC: &[&str] = &[
    "service error",
    "dispatch failure",
    "response error",
    "failed to construct request",
    "timeout",
    "io error",
    "other",
    "user error",
    "unhandled error",
];

/// One line for a person from an error's sources: each source's `Display`, without the
/// SDK's generic wrappers, repeats, and any text that is Rust `Debug` output.
pub(crate) fn describe(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        let text = humanize(&one_line(&e.to_string()));
        let keep = !text.is_empty()
            && !GENERIC.contains(&text.as_str())
            && !text.starts_with("unhandled error (")
            && !parts.iter().any(|p| p.contains(&text));
        if keep {
            parts.push(text);
        }
        current = e.source();
    }
    truncate(&parts.join(": "), 300)
}

/// The human part of an error text: the XML parser's `StartEl { .. local: "Name" .. }`
/// becomes `<Name>`, and any other debug output is cut off with what follows it.
fn humanize(text: &str) -> String {
    let mut text = text.to_owned();
    while let Some(start) = text.find("StartEl {") {
        let open = start + "StartEl ".len();
        let Some(end) = closing_brace(&text, open) else {
            break;
        };
        let element = &text[open..=end];
        let name = element
            .find("local: \"")
            .map(|i| &element[i + "local: \"".len()..])
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("?");
        text = format!("{}<{name}>{}", &text[..start], &text[end + 1..]);
    }
    match debug_start(&text) {
        None => text,
        Some(at) => {
            let kept = text[..at].trim_end_matches([' ', ':', ',', '(', '=']);
            if kept.chars().count() < 10 {
                String::new()
            } else {
                kept.to_owned()
            }
        }
    }
}

fn closing_brace(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `Foo { .. }`, `Some(..)`, `Custom(..)`: a type's debug form, not a sentence.
#[cfg(test)]
fn looks_like_debug(text: &str) -> bool {
    debug_start(text).is_some()
}

/// Where debug output starts in `text`: the identifier before a brace, or a capitalised
/// identifier glued to an opening parenthesis (`Some(`, `DispatchFailure(`).
fn debug_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let ident_start = |i: usize| {
        bytes[..i]
            .iter()
            .rposition(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .map_or(0, |p| p + 1)
    };
    let brace = text.find(['{', '}']).map(|i| {
        // `Error { code` : cut before `Error`.
        let before = text[..i].trim_end();
        if before.ends_with(|c: char| c.is_ascii_alphanumeric()) {
            ident_start(before.len())
        } else {
            i
        }
    });
    let call = bytes.iter().enumerate().find_map(|(i, &b)| {
        (b == b'(' && i > 0 && bytes[i - 1].is_ascii_alphanumeric())
            .then(|| ident_start(i))
            .filter(|&start| bytes[start].is_ascii_uppercase())
    });
    let marker = text.find("StartEl");
    [brace, call, marker].into_iter().flatten().min()
}

/// Control characters and runs of white space become one space; the text is bounded.
pub(crate) fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    truncate(
        &spaced.split_whitespace().collect::<Vec<_>>().join(" "),
        500,
    )
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        text.chars().take(max).collect::<String>() + "…"
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::get_policy::GetPolicyError;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    fn response(status: u16, headers: &[(&'static str, &'static str)]) -> HttpResponse {
        let mut raw = HttpResponse::new(
            StatusCode::try_from(status).unwrap_or_else(|_| unreachable!()),
            SdkBody::from("<html>oops</html>"),
        );
        for (name, value) in headers {
            raw.headers_mut().insert(*name, *value);
        }
        raw
    }

    /// No Rust debug text: the patterns that leaked before.
    fn assert_readable(text: &str) {
        for pattern in [
            "{",
            "}",
            "Some(",
            "StartEl",
            "ErrorMetadata",
            "DispatchFailure(",
            "Error {",
            "\n",
        ] {
            assert!(!text.contains(pattern), "{pattern:?} in {text:?}");
        }
        assert!(!text.is_empty());
    }

    #[test]
    fn a_service_error_gives_its_code_message_and_request_id() {
        let err: SdkError<GetPolicyError, HttpResponse> = SdkError::service_error(
            GetPolicyError::generic(
                ErrorMetadata::builder()
                    .code("AccessDenied")
                    .message(
                        "User: arn:aws:iam::1:user/a is not authorized\nto perform: iam:GetPolicy",
                    )
                    .custom("aws_request_id", "req-123")
                    .build(),
            ),
            response(403, &[]),
        );
        let failure = classify(&err);
        assert_eq!(failure.kind, GapKind::AccessDenied);
        assert_eq!(failure.code, "AccessDenied");
        assert_eq!(failure.request_id.as_deref(), Some("req-123"));
        assert!(!failure.retryable);
        assert_readable(&failure.message);
        assert!(failure.message.contains("not authorized to perform"));
    }

    /// Every code the SDK calls a throttle is one here, whatever its status: a 400
    /// `PriorRequestNotComplete` or `LimitExceededException` paces the group, never a gap.
    #[test]
    fn the_sdks_throttling_codes_are_throttles_at_any_status() {
        for (code, status) in [
            ("Throttling", 400),
            ("ThrottlingException", 400),
            ("TooManyRequestsException", 429),
            ("SlowDown", 503),
            ("PriorRequestNotComplete", 400),
            ("LimitExceededException", 400),
            ("RequestLimitExceeded", 503),
        ] {
            let err: SdkError<GetPolicyError, HttpResponse> = SdkError::service_error(
                GetPolicyError::generic(ErrorMetadata::builder().code(code).build()),
                response(status, &[]),
            );
            let failure = classify(&err);
            assert_eq!(failure.kind, GapKind::Throttled, "{code} {status}");
            assert!(failure.retryable, "{code}");
        }
    }

    #[test]
    fn a_service_error_without_a_message_is_still_a_sentence() {
        // What the SDK makes of an error body it cannot parse: metadata without a message,
        // whose Display is `Error { code: .. }`.
        let err: SdkError<GetPolicyError, HttpResponse> = SdkError::service_error(
            GetPolicyError::generic(ErrorMetadata::builder().code("InternalFailure").build()),
            response(500, &[("x-amzn-RequestId", "abc-1")]),
        );
        let failure = classify(&err);
        assert_eq!(failure.code, "InternalFailure");
        assert_eq!(failure.request_id.as_deref(), Some("abc-1"));
        assert!(failure.retryable, "a 5xx is worth another try");
        assert_readable(&failure.message);
    }

    #[test]
    fn a_malformed_body_is_described_without_parser_debug_text() {
        #[derive(Debug)]
        struct XmlDecodeError(String);
        impl std::fmt::Display for XmlDecodeError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // What aws-smithy-xml says about an unexpected element.
                write!(f, "XmlDecodeError {{ kind: Custom({:?}) }}", self.0)
            }
        }
        impl StdError for XmlDecodeError {}
        let err: SdkError<GetPolicyError, HttpResponse> = SdkError::response_error(
            XmlDecodeError("expected Policy, found StartEl { name: Name { prefix: \"\" } }".into()),
            response(200, &[("x-amz-request-id", "s3-req")]),
        );
        let failure = classify(&err);
        assert_eq!(failure.kind, GapKind::Malformed);
        assert_eq!(failure.code, "ResponseParseError");
        assert_eq!(failure.request_id.as_deref(), Some("s3-req"));
        assert_readable(&failure.message);
        assert!(
            failure.message.contains("could not be read"),
            "{}",
            failure.message
        );

        // The same as a service error with a 2xx status (how some protocols report it).
        let err: SdkError<GetPolicyError, HttpResponse> = SdkError::service_error(
            GetPolicyError::unhandled(XmlDecodeError("StartEl { x }".into())),
            response(200, &[]),
        );
        let failure = classify(&err);
        assert_eq!(failure.kind, GapKind::Malformed);
        assert_readable(&failure.message);
    }

    #[test]
    fn a_timeout_is_readable_and_retryable() {
        #[derive(Debug)]
        struct Elapsed;
        impl std::fmt::Display for Elapsed {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(
                    f,
                    "operation attempt timeout (single attempt) occurred after 20s"
                )
            }
        }
        impl StdError for Elapsed {}
        let err: SdkError<GetPolicyError, HttpResponse> = SdkError::timeout_error(Elapsed);
        let failure = classify(&err);
        assert_eq!(failure.kind, GapKind::Timeout);
        assert!(failure.retryable && failure.endpoint_silent());
        assert_readable(&failure.message);
        assert!(
            failure.message.contains("occurred after 20s"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn a_dispatch_failure_is_readable() {
        let io = std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "Connection refused (os error 111)",
        );
        let err: SdkError<GetPolicyError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(io.into()));
        let failure = classify(&err);
        assert_eq!(failure.kind, GapKind::Transport);
        assert!(failure.retryable && failure.endpoint_silent());
        assert_readable(&failure.message);
        assert!(
            failure.message.contains("Connection refused"),
            "{}",
            failure.message
        );
        assert!(matches!(fatal(&err), FatalError::EndpointUnreachable(_)));
    }

    #[test]
    fn a_missing_credential_chain_is_one_sentence() {
        let inner = CredentialsError::not_loaded(
            "no credentials found in chain. Attempted: Environment: the credential provider was not enabled: Profile: ...",
        );
        let err: SdkError<GetPolicyError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::other(inner.into(), None));
        let fatal = fatal(&err);
        assert!(matches!(fatal, FatalError::NoCredentials), "{fatal:?}");
        let text = fatal.to_string();
        assert!(text.starts_with("no AWS credentials"));
        assert!(!text.contains("Attempted"), "{text}");
    }

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

    #[test]
    fn parser_text_keeps_its_human_part() {
        let xml = "error parsing XML: encountered invalid XML root: expected VersioningConfiguration but got StartEl { name: Name { prefix: \"\", local: \"GetBucketVersioningResponse\" }, attributes: [Attr { name: Name { prefix: \"\", local: \"xmlns\" }, value: \"x\" }], closed: true, depth: 0 }. This is likely a bug in the SDK.";
        assert_eq!(
            humanize(xml),
            "error parsing XML: encountered invalid XML root: expected VersioningConfiguration but got <GetBucketVersioningResponse>. This is likely a bug in the SDK."
        );
        assert_eq!(
            humanize("failed to parse: Error { code: \"X\" }"),
            "failed to parse"
        );
        assert_eq!(humanize("Error { code: \"X\" }"), "");
        assert_eq!(humanize("Some(\"x\")"), "");
    }

    #[test]
    fn debug_text_is_recognised() {
        assert!(looks_like_debug("Some(\"x\")"));
        assert!(looks_like_debug("DispatchFailure(DispatchFailure { .. })"));
        assert!(looks_like_debug("Error { code: \"X\" }"));
        assert!(!looks_like_debug("client error (Connect)"));
        assert!(!looks_like_debug("Connection refused (os error 111)"));
        assert!(!looks_like_debug("tcp connect error"));
    }
}

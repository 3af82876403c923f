//! The one page walker behind every paginated read. Each page is its own call (retried on
//! its own, see `retry.rs`), so a throttled page 7 costs page 7 again, not the whole listing.
//! When a page fails for good, what was read before it is either kept (a listing: the
//! resources read are real, and the listing gap says the rest are unread) or discarded (one
//! resource's attribute, where a partial list would read as a complete one).

use super::error::one_line;
use super::retry::Retry;
use super::{Ctx, SdkResult, Site};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use faascan_checks::model::{Attr, Gap, GapKind};
use std::collections::HashSet;
use std::error::Error as StdError;
use std::future::Future;

/// What a walk read, and the failure that ended it early (not yet recorded).
#[derive(Debug)]
pub(crate) struct Paged<T> {
    pub(crate) items: Vec<T>,
    /// Pages read before `failure`.
    pub(crate) pages: usize,
    pub(crate) failure: Option<Gap>,
}

/// One page's items and what follows it.
pub(crate) struct Step<T> {
    items: Vec<T>,
    next: Next,
}

enum Next {
    /// The last page.
    End,
    Token(String),
    /// The page says more follow but gives no token to ask for them.
    Missing,
}

/// A page whose next token is absent or empty on the last page (Lambda, S3, API Gateway,
/// the Tagging API).
impl<T> From<(Vec<T>, Option<String>)> for Step<T> {
    fn from((items, next): (Vec<T>, Option<String>)) -> Self {
        let next = match next.filter(|n| !n.is_empty()) {
            Some(token) => Next::Token(token),
            None => Next::End,
        };
        Step { items, next }
    }
}

impl<T> Step<T> {
    /// A page that says whether it is truncated and separately gives the marker (IAM, KMS):
    /// truncated without a marker is a broken answer, not the last page.
    pub(crate) fn truncated(items: Vec<T>, truncated: bool, marker: Option<String>) -> Self {
        let next = match (truncated, marker.filter(|m| !m.is_empty())) {
            (false, _) => Next::End,
            (true, Some(marker)) => Next::Token(marker),
            (true, None) => Next::Missing,
        };
        Step { items, next }
    }
}

impl Ctx {
    /// Reads every page: `fetch(token)` sends the request for one page, `split(page)` gives
    /// its items and what follows (a `Step`, or items and the next token). A page that says
    /// more follow without a token, or a token given before (the walk would loop), ends the
    /// walk with a `Malformed` failure: the pages after it are unread, never taken as absent.
    pub(crate) async fn pages<P, E, T, S, Fut>(
        &self,
        site: Site<'_>,
        mut fetch: impl FnMut(Option<String>) -> Fut,
        mut split: impl FnMut(P) -> S,
    ) -> Paged<T>
    where
        Fut: Future<Output = SdkResult<P, E>>,
        E: ProvideErrorMetadata + StdError + 'static,
        S: Into<Step<T>>,
    {
        let mut items = Vec::new();
        let mut pages = 0;
        let mut token: Option<String> = None;
        let mut seen = HashSet::new();
        loop {
            let current = token.clone();
            let page = self
                .send(site, Retry::Page, || fetch(current.clone()))
                .await;
            match page {
                Ok(page) => {
                    pages += 1;
                    let step: Step<T> = split(page).into();
                    items.extend(step.items);
                    let broken = |code: &str, message: String| Paged {
                        failure: Some(site.gap(GapKind::Malformed, code, message, None)),
                        items: Vec::new(),
                        pages,
                    };
                    match step.next {
                        Next::End => {
                            return Paged {
                                items,
                                pages,
                                failure: None,
                            };
                        }
                        Next::Token(next) if seen.insert(next.clone()) => token = Some(next),
                        Next::Token(_) => {
                            return Paged {
                                items,
                                ..broken(
                                    "PaginationLoop",
                                    format!(
                                        "page {pages} gave a next token an earlier page gave: the pages after it could not be read"
                                    ),
                                )
                            };
                        }
                        Next::Missing => {
                            return Paged {
                                items,
                                ..broken(
                                    "TruncatedWithoutToken",
                                    format!(
                                        "page {pages} says more results follow but gives no token to read them"
                                    ),
                                )
                            };
                        }
                    }
                }
                Err(err) => {
                    let failure: Gap = self.gap_of(site, &err);
                    return Paged {
                        items,
                        pages,
                        failure: Some(failure),
                    };
                }
            }
        }
    }
}

impl<T> Paged<T> {
    /// A listing of resources: a failure on the first page leaves it unavailable; a later
    /// one keeps what was read (`what` names it for the gap's message, such as "12 functions")
    /// and records the listing gap, so the rest are reported unread.
    pub(crate) fn listing_with(self, cx: &Ctx, what: impl FnOnce(&[T]) -> String) -> Attr<Vec<T>> {
        match self.failure {
            None => Attr::Known(self.items),
            Some(gap) if self.pages == 0 => Attr::Unavailable(Box::new(cx.record(gap))),
            Some(mut gap) => {
                gap.message = one_line(&format!(
                    "page {} failed: {}; {} read on the {} page(s) before it are kept, the rest are unread",
                    self.pages + 1,
                    gap.message,
                    what(&self.items),
                    self.pages
                ));
                cx.record(gap);
                Attr::Known(self.items)
            }
        }
    }

    /// `listing_with`, counting the items with `noun` ("functions").
    pub(crate) fn listing(self, cx: &Ctx, noun: &str) -> Attr<Vec<T>> {
        self.listing_with(cx, |items| format!("{} {noun}", items.len()))
    }

    /// All or nothing: a list that is one resource's attribute (its routes, its tags) or a
    /// region-wide setting every resource depends on (aliases, event source mappings). A
    /// partial list would silently drop entries, so any failure makes it unavailable.
    pub(crate) fn whole(self, cx: &Ctx) -> Attr<Vec<T>> {
        match self.failure {
            None => Attr::Known(self.items),
            Some(gap) if self.pages == 0 => Attr::Unavailable(Box::new(cx.record(gap))),
            Some(mut gap) => {
                gap.message = one_line(&format!(
                    "page {} failed: {}; the {} page(s) read before it are not used, since a partial list would look complete",
                    self.pages + 1,
                    gap.message,
                    self.pages
                ));
                Attr::Unavailable(Box::new(cx.record(gap)))
            }
        }
    }
}

/// The walker through the SDK's mock utilities (SDK retries off, so every retry seen is the
/// walker's own): a throttled page is retried on its own, a denied page keeps what was read.
#[cfg(test)]
mod mocked {
    use super::*;
    use crate::collect::Service;
    use crate::collect::retry::RetryPolicy;
    use aws_sdk_lambda::Client;
    use aws_sdk_lambda::config::retry::RetryConfig;
    use aws_sdk_lambda::operation::list_functions::{ListFunctionsError, ListFunctionsOutput};
    use aws_sdk_lambda::types::FunctionConfiguration;
    use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
    use aws_smithy_types::error::ErrorMetadata;
    use faascan_checks::model::GapKind;

    fn cx() -> Ctx {
        crate::collect::retry::fast_ctx(4)
    }

    fn page(names: &[&str], next: Option<&str>) -> ListFunctionsOutput {
        let mut out = ListFunctionsOutput::builder().set_next_marker(next.map(str::to_owned));
        for name in names {
            out = out.functions(
                FunctionConfiguration::builder()
                    .function_name(*name)
                    .build(),
            );
        }
        out.build()
    }

    fn error(code: &str) -> ListFunctionsError {
        ListFunctionsError::generic(
            ErrorMetadata::builder()
                .code(code)
                .message(format!("{code} for this test"))
                .build(),
        )
    }

    fn client(rules: &[&Rule]) -> Client {
        mock_client!(aws_sdk_lambda, RuleMode::MatchAny, rules, |b| b
            .retry_config(RetryConfig::disabled()))
    }

    async fn walk(cx: &Ctx, client: &Client) -> Paged<String> {
        cx.pages(
            Site::new(Service::Lambda, "us-east-1", "ListFunctions"),
            |marker| client.list_functions().set_marker(marker).send(),
            |page| {
                let names = page
                    .functions()
                    .iter()
                    .filter_map(|f| f.function_name().map(str::to_owned))
                    .collect();
                (names, page.next_marker().map(str::to_owned))
            },
        )
        .await
    }

    fn first() -> Rule {
        mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker().is_none())
            .then_output(|| page(&["a", "b"], Some("m1")))
    }

    #[tokio::test]
    async fn a_throttled_page_is_retried_on_its_own_and_nothing_is_lost() {
        let first = first();
        let second = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker() == Some("m1"))
            .sequence()
            .error(|| error("ThrottlingException"))
            .times(2)
            .output(|| page(&["c"], None))
            .build();
        let client = client(&[&first, &second]);
        let cx = cx();
        let listed = walk(&cx, &client).await.listing(&cx, "functions");
        assert_eq!(
            listed,
            Attr::Known(vec!["a".to_owned(), "b".to_owned(), "c".to_owned()])
        );
        assert_eq!(first.num_calls(), 1, "page 1 is not read again");
        assert_eq!(
            second.num_calls(),
            3,
            "page 2: two throttles, then the page"
        );
        assert!(cx.take_gaps().is_empty());
    }

    #[tokio::test]
    async fn a_denied_later_page_keeps_what_was_read_and_records_a_listing_gap() {
        let first = first();
        let second = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker() == Some("m1"))
            .then_error(|| error("AccessDeniedException"));
        let client = client(&[&first, &second]);
        let cx = cx();
        let listed = walk(&cx, &client).await.listing(&cx, "functions");
        assert_eq!(
            listed,
            Attr::Known(vec!["a".to_owned(), "b".to_owned()]),
            "the functions read are kept"
        );
        assert_eq!(second.num_calls(), 1, "a denial is not retried");
        let gaps = cx.take_gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        let gap = &gaps[0];
        assert_eq!(gap.resource, None, "a listing gap");
        assert_eq!(gap.operation, "ListFunctions");
        assert_eq!(gap.kind, GapKind::AccessDenied);
        assert_eq!(gap.error_code, "AccessDeniedException");
        assert!(
            gap.listing().is_some_and(|l| l.enumerates),
            "it is the functions listing's gap"
        );
        assert!(
            gap.message.contains("2 functions") && gap.message.contains("the rest are unread"),
            "{}",
            gap.message
        );
    }

    #[tokio::test]
    async fn a_denied_first_page_leaves_the_listing_unavailable() {
        let first = mock!(aws_sdk_lambda::Client::list_functions)
            .then_error(|| error("AccessDeniedException"));
        let client = client(&[&first]);
        let cx = cx();
        let listed = walk(&cx, &client).await.listing(&cx, "functions");
        let gap = listed.gap().unwrap_or_else(|| panic!("{listed:?}"));
        assert_eq!(gap.kind, GapKind::AccessDenied);
        assert_eq!(gap.resource, None);
        assert_eq!(
            cx.take_gaps().len(),
            1,
            "and the gap is in the inventory's list"
        );
    }

    #[tokio::test]
    async fn retries_are_bounded_then_the_gap_says_throttled() {
        let first = first();
        let second = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker() == Some("m1"))
            .sequence()
            .error(|| error("ThrottlingException"))
            .repeatedly()
            .build();
        let client = client(&[&first, &second]);
        let cx = cx();
        let listed = walk(&cx, &client).await.listing(&cx, "functions");
        assert_eq!(listed.known().map(Vec::len), Some(2));
        assert_eq!(
            second.num_calls(),
            1 + RetryPolicy::default().throttle_retries as usize,
            "one try and a retry after each throttle"
        );
        let gaps = cx.take_gaps();
        assert_eq!(gaps[0].kind, GapKind::Throttled);
    }

    #[tokio::test]
    async fn a_partial_attribute_list_is_unavailable_not_short() {
        let first = first();
        let second = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker() == Some("m1"))
            .then_error(|| error("AccessDeniedException"));
        let client = client(&[&first, &second]);
        let cx = cx();
        let whole = walk(&cx, &client).await.whole(&cx);
        let gap = whole.gap().unwrap_or_else(|| panic!("{whole:?}"));
        assert_eq!(gap.kind, GapKind::AccessDenied);
        assert!(gap.message.contains("page 2"), "{}", gap.message);
    }

    #[tokio::test]
    async fn a_request_id_from_the_response_reaches_the_gap() {
        use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
        use aws_smithy_runtime_api::http::StatusCode;
        use aws_smithy_types::body::SdkBody;
        let denied = mock!(aws_sdk_lambda::Client::list_functions).then_http_response(|| {
            let mut response = HttpResponse::new(
                StatusCode::try_from(403).unwrap_or_else(|_| unreachable!()),
                SdkBody::from(r#"{"Type":"User","message":"not allowed here"}"#),
            );
            response
                .headers_mut()
                .insert("x-amzn-errortype", "AccessDeniedException");
            response
                .headers_mut()
                .insert("x-amzn-RequestId", "4a3b-request");
            response
        });
        let client = client(&[&denied]);
        let cx = cx();
        let listed = walk(&cx, &client).await.listing(&cx, "functions");
        let gap = listed.gap().unwrap_or_else(|| panic!("{listed:?}"));
        assert_eq!(gap.error_code, "AccessDeniedException");
        assert_eq!(gap.message, "not allowed here");
        assert_eq!(gap.request_id.as_deref(), Some("4a3b-request"));
    }

    /// An endpoint that hands back a token it gave before would loop; the walk ends, and the
    /// pages after it are a listing gap, never "the rest do not exist".
    #[tokio::test]
    async fn a_repeated_token_is_a_malformed_listing_not_its_end() {
        let first = first();
        let second = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker() == Some("m1"))
            .then_output(|| page(&["c"], Some("m2")));
        let third = mock!(aws_sdk_lambda::Client::list_functions)
            .match_requests(|r| r.marker() == Some("m2"))
            .then_output(|| page(&["d"], Some("m1")));
        let client = client(&[&first, &second, &third]);
        let cx = cx();
        let listed = walk(&cx, &client).await.listing(&cx, "functions");
        assert_eq!(
            listed.known().map(Vec::len),
            Some(4),
            "what was read is kept"
        );
        assert_eq!(first.num_calls(), 1, "page 1 is not read twice");
        let gaps = cx.take_gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(gaps[0].kind, GapKind::Malformed);
        assert_eq!(gaps[0].error_code, "PaginationLoop");
        assert!(gaps[0].listing().is_some_and(|l| l.enumerates));
        // As one resource's attribute, the same walk is unavailable, not short.
        let cx = super::super::retry::fast_ctx(4);
        let whole = walk(&cx, &client).await.whole(&cx);
        assert_eq!(
            whole.gap().map(|g| g.error_code.as_str()),
            Some("PaginationLoop")
        );
    }

    /// IAM and KMS say "truncated" and give the marker apart: truncated without a marker is a
    /// broken page, and the listing says so.
    #[test]
    fn truncated_without_a_marker_is_not_the_last_page() {
        let next = |truncated, marker: Option<&str>| match Step::truncated(
            vec![1],
            truncated,
            marker.map(str::to_owned),
        )
        .next
        {
            Next::End => "end",
            Next::Token(_) => "token",
            Next::Missing => "missing",
        };
        assert_eq!(next(false, None), "end");
        assert_eq!(
            next(false, Some("m")),
            "end",
            "not truncated: the marker is ignored"
        );
        assert_eq!(next(true, Some("m")), "token");
        assert_eq!(next(true, None), "missing");
        assert_eq!(next(true, Some("")), "missing");
    }

    #[tokio::test]
    async fn a_kms_page_truncated_without_a_marker_is_a_listing_gap() {
        use aws_sdk_kms::operation::list_keys::ListKeysOutput;
        use aws_sdk_kms::types::KeyListEntry;
        let page = mock!(aws_sdk_kms::Client::list_keys).then_output(|| {
            ListKeysOutput::builder()
                .keys(KeyListEntry::builder().key_id("k1").build())
                .truncated(true)
                .build()
        });
        let client = mock_client!(aws_sdk_kms, RuleMode::MatchAny, &[&page], |b| b
            .retry_config(RetryConfig::disabled()));
        let cx = cx();
        let listed = cx
            .pages(
                Site::new(Service::Kms, "us-east-1", "ListKeys"),
                |marker| client.list_keys().set_marker(marker).send(),
                |page| {
                    let truncated = page.truncated();
                    Step::truncated(page.keys.unwrap_or_default(), truncated, page.next_marker)
                },
            )
            .await
            .listing(&cx, "keys");
        assert_eq!(listed.known().map(Vec::len), Some(1));
        assert_eq!(page.num_calls(), 1);
        let gaps = cx.take_gaps();
        assert_eq!(gaps.len(), 1, "{gaps:?}");
        assert_eq!(gaps[0].error_code, "TruncatedWithoutToken");
        assert!(gaps[0].listing().is_some_and(|l| l.enumerates), "{gaps:?}");
    }
}

//! Tags of many resources in one paginated read per region. The Resource Groups Tagging API's
//! `GetResources` "returns all the tagged or previously tagged resources that are located in
//! the specified Region for the account", with their tags
//! (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html):
//! a few calls per region where `GetBucketTagging` or `ListResourceTags` cost one per resource.
//!
//! The index is all or nothing. A listing that is denied (a policy written before faascan used
//! `tag:GetResources`), not served by the endpoint, throttled out or cut short gives no index,
//! and the caller reads each resource's tags itself: a resource missing from an index therefore
//! always means "no tags", never "not read". The failure is not a gap, because nothing is
//! missing once the per-resource reads have run.

use super::{Ctx, Site};
use aws_sdk_resourcegroupstagging::Client;
use faascan_checks::model::Tags;
use std::collections::HashMap;

/// `ResourcesPerPage` at its maximum.
const PAGE: i32 = 100;

/// The tags of every tagged resource of one type located in one region, by ARN.
#[derive(Debug, Default)]
pub(crate) struct TagIndex {
    by_arn: HashMap<String, Tags>,
}

impl TagIndex {
    /// The tags of a resource located in the indexed region (none when it is not listed).
    pub(crate) fn tags_of(&self, arn: &str) -> Tags {
        self.by_arn.get(arn).cloned().unwrap_or_default()
    }
}

/// One region's index of a service's resources (`s3`, `kms`: a filter is the service and
/// resource type as the ARN spells them, and bucket ARNs name no type, so the service alone
/// is asked; other types' ARNs never match a bucket's or a key's), or `None` when the listing
/// could not be read whole and each resource's own tag read must be used.
pub(crate) async fn index(
    cx: &Ctx,
    client: &Client,
    site: Site<'_>,
    resource_type: &str,
) -> Option<TagIndex> {
    let paged = cx
        .pages(
            site.via("tagging").op("GetResources"),
            |token| {
                client
                    .get_resources()
                    .resource_type_filters(resource_type)
                    .resources_per_page(PAGE)
                    .set_pagination_token(token)
                    .send()
            },
            |page| {
                let next = page.pagination_token().map(str::to_owned);
                (page.resource_tag_mapping_list.unwrap_or_default(), next)
            },
        )
        .await;
    if paged.failure.is_some() {
        return None;
    }
    let by_arn = paged
        .items
        .into_iter()
        .filter_map(|mapping| {
            let arn = mapping.resource_arn()?.to_owned();
            let tags = mapping
                .tags()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect();
            Some((arn, tags))
        })
        .collect();
    Some(TagIndex { by_arn })
}

#[cfg(test)]
mod mocked {
    //! Answers shaped like the API reference's GetResources example
    //! (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html).
    use super::*;
    use crate::collect::Service;
    use crate::collect::retry::fast_ctx;
    use aws_sdk_resourcegroupstagging::config::retry::RetryConfig;
    use aws_sdk_resourcegroupstagging::operation::get_resources::{
        GetResourcesError, GetResourcesOutput,
    };
    use aws_sdk_resourcegroupstagging::types::{ResourceTagMapping, Tag};
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use aws_smithy_types::error::ErrorMetadata;

    fn mapping(arn: &str, tags: &[(&str, &str)]) -> ResourceTagMapping {
        ResourceTagMapping::builder()
            .resource_arn(arn)
            .set_tags(Some(
                tags.iter()
                    .map(|(k, v)| Tag::builder().key(*k).value(*v).build().expect("tag"))
                    .collect(),
            ))
            .build()
    }

    #[tokio::test]
    async fn pages_are_joined_and_an_unlisted_resource_has_no_tags() {
        let first = mock!(Client::get_resources)
            .match_requests(|r| {
                r.pagination_token().is_none()
                    && r.resource_type_filters() == ["s3"]
                    && r.resources_per_page() == Some(100)
            })
            .then_output(|| {
                GetResourcesOutput::builder()
                    .resource_tag_mapping_list(mapping(
                        "arn:aws:s3:::billing",
                        &[("team", "payments"), ("env", "prod")],
                    ))
                    .pagination_token("page-2")
                    .build()
            });
        let second = mock!(Client::get_resources)
            .match_requests(|r| r.pagination_token() == Some("page-2"))
            .then_output(|| {
                GetResourcesOutput::builder()
                    .resource_tag_mapping_list(mapping("arn:aws:s3:::logs", &[("env", "dev")]))
                    // The last page's token is empty, not absent, on AWS.
                    .pagination_token("")
                    .build()
            });
        let client = mock_client!(
            aws_sdk_resourcegroupstagging,
            RuleMode::Sequential,
            [&first, &second],
            |c| c.retry_config(RetryConfig::disabled())
        );
        let cx = fast_ctx(4);
        let index = index(&cx, &client, Site::new(Service::S3, "us-east-1", ""), "s3")
            .await
            .expect("an index");
        assert_eq!(
            index
                .tags_of("arn:aws:s3:::billing")
                .get("team")
                .map(String::as_str),
            Some("payments")
        );
        assert_eq!(index.tags_of("arn:aws:s3:::logs").len(), 1);
        assert!(index.tags_of("arn:aws:s3:::never-tagged").is_empty());
        assert_eq!(first.num_calls() + second.num_calls(), 2);
        assert!(cx.take_gaps().is_empty(), "an index read records no gap");
    }

    #[tokio::test]
    async fn a_denied_page_gives_no_index_and_no_gap() {
        let first = mock!(Client::get_resources).then_output(|| {
            GetResourcesOutput::builder()
                .resource_tag_mapping_list(mapping("arn:aws:kms:us-east-1:111122223333:key/1", &[]))
                .pagination_token("page-2")
                .build()
        });
        // A policy from before faascan read tags this way: page 2 is denied.
        let broken = mock!(Client::get_resources).then_error(|| {
            GetResourcesError::generic(
                ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .message("no tag:GetResources")
                    .build(),
            )
        });
        let client = mock_client!(
            aws_sdk_resourcegroupstagging,
            RuleMode::Sequential,
            [&first, &broken],
            |c| c.retry_config(RetryConfig::disabled())
        );
        let cx = fast_ctx(4);
        let got = index(
            &cx,
            &client,
            Site::new(Service::Kms, "us-east-1", ""),
            "kms",
        )
        .await;
        assert!(
            got.is_none(),
            "a partial listing must not read as untagged resources"
        );
        assert!(cx.take_gaps().is_empty());
    }
}

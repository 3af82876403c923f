//! Tags of many resources in one paginated read per region. The Resource Groups Tagging API's
//! `GetResources` "returns all the tagged or previously tagged resources that are located in
//! the specified Region for the account", with their tags
//! (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html):
//! a few calls per region where `GetBucketTagging` or `ListResourceTags` cost one per resource.
//!
//! One listing per region serves every collector that reads tags from it (S3 buckets, KMS
//! keys): `TagListing` sends it once, filtered by all their services, whichever asks first.
//!
//! The index is all or nothing. A listing that is denied (a policy written before faascan used
//! `tag:GetResources`), not served by the endpoint, throttled out or cut short gives no index,
//! and the caller reads each resource's tags itself: a resource missing from an index therefore
//! always means "no tags", never "not read". The failure is not a gap, because nothing is
//! missing once the per-resource reads have run.

use super::{Ctx, Service, Site};
use aws_sdk_resourcegroupstagging::Client;
use faascan_checks::model::Tags;
use std::collections::HashMap;
use tokio::sync::OnceCell;

/// `ResourcesPerPage` at its maximum.
const PAGE: i32 = 100;

/// The tags of every tagged resource of one type located in one region, by ARN.
#[derive(Debug, Default)]
pub(crate) struct TagIndex {
    by_arn: HashMap<String, Tags>,
}

impl TagIndex {
    /// The tags of a resource located in the indexed region (none when it is not listed);
    /// `None` for a resource without an ARN, which the index cannot answer for (its own read
    /// must).
    pub(crate) fn tags_of(&self, arn: &str) -> Option<Tags> {
        (!arn.is_empty()).then(|| self.by_arn.get(arn).cloned().unwrap_or_default())
    }
}

/// One region's tag listing, read once for the services that share it.
pub(crate) struct TagListing {
    client: Client,
    region: String,
    /// The services it is counted and paced under (the first) and filters by (all).
    services: Vec<Service>,
    index: OnceCell<Option<TagIndex>>,
}

impl TagListing {
    /// The listing of `services`' tagged resources in `region`; `None` when no service
    /// reads its tags this way.
    pub(crate) fn new(client: &Client, region: &str, services: &[Service]) -> Option<Self> {
        let services: Vec<Service> = services
            .iter()
            .copied()
            .filter(|s| filter_of(*s).is_some())
            .collect();
        (!services.is_empty()).then(|| TagListing {
            client: client.clone(),
            region: region.to_owned(),
            services,
            index: OnceCell::new(),
        })
    }

    pub(crate) fn region(&self) -> &str {
        &self.region
    }

    /// The region's index, listed on the first call and shared by every later one.
    pub(crate) async fn index(&self, cx: &Ctx) -> Option<&TagIndex> {
        self.index
            .get_or_init(|| {
                let filters: Vec<&'static str> =
                    self.services.iter().filter_map(|s| filter_of(*s)).collect();
                let site = Site::new(self.services[0], &self.region, "");
                index(cx, &self.client, site, filters)
            })
            .await
            .as_ref()
    }
}

/// The `ResourceTypeFilters` entry of a service whose resources' tags come from the listing: a
/// filter is the service and resource type as the ARN spells them, and bucket ARNs name no
/// type, so the service alone is asked (other types' ARNs never match a bucket's or a key's).
fn filter_of(service: Service) -> Option<&'static str> {
    match service {
        Service::S3 => Some("s3"),
        Service::Kms => Some("kms"),
        Service::Lambda | Service::Iam | Service::Apigateway => None,
    }
}

/// One region's index of the resources of `resource_types` (`s3`, `kms`), or `None` when the
/// listing could not be read whole and each resource's own tag read must be used.
async fn index(
    cx: &Ctx,
    client: &Client,
    site: Site<'_>,
    resource_types: Vec<&'static str>,
) -> Option<TagIndex> {
    let paged = cx
        .pages(
            site.via("tagging").op("GetResources"),
            |token| {
                client
                    .get_resources()
                    .set_resource_type_filters(Some(
                        resource_types.iter().map(|t| (*t).to_owned()).collect(),
                    ))
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
        let index = index(
            &cx,
            &client,
            Site::new(Service::S3, "us-east-1", ""),
            vec!["s3"],
        )
        .await
        .expect("an index");
        assert_eq!(
            index
                .tags_of("arn:aws:s3:::billing")
                .unwrap_or_default()
                .get("team")
                .map(String::as_str),
            Some("payments")
        );
        assert_eq!(index.tags_of("arn:aws:s3:::logs").map(|t| t.len()), Some(1));
        assert!(
            index
                .tags_of("arn:aws:s3:::never-tagged")
                .is_some_and(|t| t.is_empty())
        );
        assert_eq!(
            index.tags_of(""),
            None,
            "no ARN: the resource reads its own tags"
        );
        assert_eq!(first.num_calls() + second.num_calls(), 2);
        assert!(cx.take_gaps().is_empty(), "an index read records no gap");
    }

    #[tokio::test]
    async fn one_listing_serves_buckets_and_keys_however_many_ask() {
        let both = mock!(Client::get_resources)
            .match_requests(|r| r.resource_type_filters() == ["s3", "kms"])
            .then_output(|| {
                GetResourcesOutput::builder()
                    .resource_tag_mapping_list(mapping("arn:aws:s3:::billing", &[("team", "a")]))
                    .resource_tag_mapping_list(mapping(
                        "arn:aws:kms:us-east-1:111122223333:key/1",
                        &[("team", "b")],
                    ))
                    .build()
            });
        let client = mock_client!(
            aws_sdk_resourcegroupstagging,
            RuleMode::MatchAny,
            [&both],
            |c| c.retry_config(RetryConfig::disabled())
        );
        let cx = fast_ctx(4);
        let listing = TagListing::new(
            &client,
            "us-east-1",
            &[Service::Lambda, Service::S3, Service::Kms],
        )
        .expect("S3 and KMS read tags from the listing");
        let (for_buckets, for_keys) = tokio::join!(listing.index(&cx), listing.index(&cx));
        let (for_buckets, for_keys) = (for_buckets.expect("index"), for_keys.expect("index"));
        assert_eq!(
            for_buckets.tags_of("arn:aws:s3:::billing").map(|t| t.len()),
            Some(1)
        );
        assert_eq!(
            for_keys
                .tags_of("arn:aws:kms:us-east-1:111122223333:key/1")
                .unwrap_or_default()["team"],
            "b"
        );
        assert_eq!(both.num_calls(), 1, "the second caller waits for the first");
        assert!(TagListing::new(&client, "us-east-1", &[Service::Lambda]).is_none());
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
            vec!["kms"],
        )
        .await;
        assert!(
            got.is_none(),
            "a partial listing must not read as untagged resources"
        );
        assert!(cx.take_gaps().is_empty());
    }
}

//! S3: one bucket listing, the per-bucket configuration calls concurrently (against each
//! bucket's own region), and the account-level Block Public Access once. Bucket regions and
//! tags come from region-wide reads where the endpoint has them (`BucketRegion` in the
//! listing, else a listing per region; `tagging.rs`), per bucket otherwise.

use super::tagging::{TagIndex, TagListing};
use super::{Clients, Ctx, Service, Site, to_time};
use aws_sdk_s3::types::Bucket;
use faascan_checks::model::{
    AclGrant, Attr, BucketAcl, BucketEncryption, BucketEncryptionRule, BucketLogging,
    BucketVersioning, PublicAccessBlock, S3AccessPoint, S3Bucket, S3Inventory,
    S3MultiRegionAccessPoint,
};
use futures::{StreamExt, stream};
use std::collections::HashMap;

/// `tag_listings`: the scanned regions' shared tag listings (`tagging.rs`).
pub(super) async fn collect(
    cx: &Ctx,
    clients: &Clients,
    tag_listings: &[TagListing],
    account: &str,
    partition: &str,
) -> S3Inventory {
    let account_pab = cx.optional(
        Site::global(Service::S3, "GetPublicAccessBlock").on(account),
        &["NoSuchPublicAccessBlockConfiguration"],
        || {
            clients
                .s3control
                .get_public_access_block()
                .account_id(account)
                .send()
        },
        |out| {
            out.public_access_block_configuration().map(|c| {
                public_access_block([
                    c.block_public_acls(),
                    c.ignore_public_acls(),
                    c.block_public_policy(),
                    c.restrict_public_buckets(),
                ])
            })
        },
    );
    let buckets = async {
        let listed = list_buckets(cx, &clients.s3(&clients.home_region)).await;
        let listed: Vec<Bucket> = match listed {
            Attr::Known(listed) => listed,
            Attr::Unavailable(gap) => return Attr::Unavailable(gap),
        };
        let scanned: Vec<&str> = clients.regions.iter().map(|r| r.region.as_str()).collect();
        let home = clients.s3(&clients.home_region);
        let (regions, tags) = tokio::join!(
            regions_by_listing(cx, &home, &scanned, &listed),
            tag_indexes(cx, tag_listings)
        );
        let (regions, tags) = (&regions, &tags);
        let mut buckets: Vec<S3Bucket> = stream::iter(listed)
            .map(|b| {
                let region = listed_region(&b)
                    .or_else(|| {
                        regions
                            .get(b.name().unwrap_or_default())
                            .map(String::as_str)
                    })
                    .map(str::to_owned);
                bucket(cx, clients, partition, b, region, tags)
            })
            .buffer_unordered(cx.fanout())
            .collect()
            .await;
        buckets.sort_by(|a, b| a.name.cmp(&b.name));
        Attr::Known(buckets)
    };
    let mraps = multi_region_access_points(cx, clients, account, partition);
    let (account_public_access_block, buckets, multi_region_access_points) =
        tokio::join!(account_pab, buckets, mraps);
    S3Inventory {
        buckets,
        account_public_access_block,
        multi_region_access_points,
    }
}

/// The largest page `ListBuckets` allows.
const BUCKET_PAGE: i32 = 10_000;

/// Every bucket of the account, page by page. Each request carries `MaxBuckets`: AWS rejects
/// unpaginated `ListBuckets` calls for accounts allowed more than 10,000 buckets, and only
/// paginated answers carry each bucket's `BucketRegion`
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html,
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/list-buckets.html). Some emulators
/// truncate at `MaxBuckets` without a token; at 10,000 that never bites a test account.
async fn list_buckets(cx: &Ctx, client: &aws_sdk_s3::Client) -> Attr<Vec<Bucket>> {
    cx.pages(
        Site::global(Service::S3, "ListBuckets"),
        |token| {
            client
                .list_buckets()
                .max_buckets(BUCKET_PAGE)
                .set_continuation_token(token)
                .send()
        },
        |page| (page.buckets.unwrap_or_default(), page.continuation_token),
    )
    .await
    .listing(cx, "buckets")
}

/// The region `ListBuckets` gave the bucket, if it did.
fn listed_region(listed: &Bucket) -> Option<&str> {
    listed.bucket_region().filter(|r| !r.is_empty())
}

/// A region no scan names, asked too: an endpoint that ignores the `bucket-region` filter
/// answers it with the same buckets as the scanned regions, which gives it away.
const CONTROL_REGIONS: [&str; 2] = ["ap-southeast-2", "sa-east-1"];

/// Where the listing gave no `BucketRegion` (emulators; AWS sends it on paginated listings),
/// the buckets of each scanned region through `ListBuckets` filtered by `bucket-region`
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html): a call per region
/// instead of `GetBucketLocation` per bucket. Trusted only when the regions' answers are
/// disjoint, a control region's included; a bucket not placed here is located on its own.
async fn regions_by_listing(
    cx: &Ctx,
    home: &aws_sdk_s3::Client,
    scanned: &[&str],
    listed: &[Bucket],
) -> HashMap<String, String> {
    let unplaced = listed.iter().filter(|b| listed_region(b).is_none()).count();
    let mut asked: Vec<&str> = scanned.to_vec();
    if let Some(control) = CONTROL_REGIONS.iter().find(|c| !asked.contains(c)) {
        asked.push(control);
    }
    if unplaced <= asked.len() {
        return HashMap::new();
    }
    let answers = futures::future::join_all(asked.iter().map(|region| async move {
        let paged = cx
            .pages(
                Site::global(Service::S3, "ListBuckets"),
                |token| {
                    home.list_buckets()
                        .bucket_region(*region)
                        .max_buckets(BUCKET_PAGE)
                        .set_continuation_token(token)
                        .send()
                },
                |page| (page.buckets.unwrap_or_default(), page.continuation_token),
            )
            .await;
        (*region, paged)
    }))
    .await;
    let mut placed = HashMap::new();
    for (region, paged) in answers {
        // A region whose listing failed is skipped: its buckets are located one by one.
        if paged.failure.is_some() {
            continue;
        }
        for b in paged.items {
            let Some(name) = b.name() else { continue };
            if placed.insert(name.to_owned(), region.to_owned()).is_some() {
                // One bucket in two regions: the filter was not applied; trust none of it.
                return HashMap::new();
            }
        }
    }
    placed
}

/// One tag index per scanned region, for the buckets located there.
async fn tag_indexes<'a>(
    cx: &Ctx,
    tag_listings: &'a [TagListing],
) -> HashMap<&'a str, &'a TagIndex> {
    let indexes = futures::future::join_all(
        tag_listings
            .iter()
            .map(|listing| async move { Some((listing.region(), listing.index(cx).await?)) }),
    )
    .await;
    indexes.into_iter().flatten().collect()
}

async fn bucket(
    cx: &Ctx,
    clients: &Clients,
    partition: &str,
    listed: Bucket,
    placed: Option<String>,
    tag_indexes: &HashMap<&str, &TagIndex>,
) -> S3Bucket {
    let name = listed.name().unwrap_or_default().to_owned();
    let arn = format!("arn:{partition}:s3:::{name}");
    let site = Site::global(Service::S3, "").on(&arn);

    let region = match placed {
        Some(region) => Attr::Known(region),
        None => {
            let home = clients.s3(&clients.home_region);
            cx.known(
                Site {
                    operation: "GetBucketLocation",
                    ..site
                },
                || home.get_bucket_location().bucket(&name).send(),
                |out| {
                    match out.location_constraint().map(|c| c.as_str()) {
                        // us-east-1 answers with an empty constraint; "EU" is the legacy name.
                        None | Some("") => "us-east-1".to_owned(),
                        Some("EU") => "eu-west-1".to_owned(),
                        Some(other) => other.to_owned(),
                    }
                },
            )
            .await
        }
    };
    // Without the region, the home region's client is the best attempt; failures become gaps.
    let client = clients.s3(region
        .known()
        .map_or(clients.home_region.as_str(), String::as_str));
    let site = Site {
        region: region.known().map(String::as_str),
        ..site
    };

    let encryption = cx.optional(
        Site {
            operation: "GetBucketEncryption",
            ..site
        },
        &["ServerSideEncryptionConfigurationNotFoundError"],
        || client.get_bucket_encryption().bucket(&name).send(),
        |out| {
            let rules: Vec<BucketEncryptionRule> = out
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .filter_map(|rule| {
                    let default = rule.apply_server_side_encryption_by_default()?;
                    Some(BucketEncryptionRule {
                        sse_algorithm: default.sse_algorithm().as_str().to_owned(),
                        kms_master_key_id: default.kms_master_key_id().map(str::to_owned),
                        bucket_key_enabled: rule.bucket_key_enabled(),
                    })
                })
                .collect();
            (!rules.is_empty()).then_some(BucketEncryption { rules })
        },
    );
    let public_access_block = cx.optional(
        Site {
            operation: "GetPublicAccessBlock",
            ..site
        },
        &["NoSuchPublicAccessBlockConfiguration"],
        || client.get_public_access_block().bucket(&name).send(),
        |out| {
            out.public_access_block_configuration().map(|c| {
                public_access_block([
                    c.block_public_acls(),
                    c.ignore_public_acls(),
                    c.block_public_policy(),
                    c.restrict_public_buckets(),
                ])
            })
        },
    );
    let policy_and_status = async {
        let policy = cx
            .optional(
                Site {
                    operation: "GetBucketPolicy",
                    ..site
                },
                &["NoSuchBucketPolicy"],
                || client.get_bucket_policy().bucket(&name).send(),
                |out| out.policy().map(str::to_owned),
            )
            .await;
        // AWS's own verdict is only worth a call when the policy could be public: an Allow
        // to a wildcard principal. Otherwise it is not asked (None), saving a call per bucket.
        let status = match &policy {
            Attr::Known(Some(text)) if may_be_public(text) => {
                cx.optional(
                    Site {
                        operation: "GetBucketPolicyStatus",
                        ..site
                    },
                    &["NoSuchBucketPolicy"],
                    || client.get_bucket_policy_status().bucket(&name).send(),
                    |out| out.policy_status().and_then(|s| s.is_public()),
                )
                .await
            }
            Attr::Known(_) => Attr::Known(None),
            Attr::Unavailable(gap) => Attr::Unavailable(gap.clone()),
        };
        (policy, status)
    };
    let acl = cx.known(
        Site {
            operation: "GetBucketAcl",
            ..site
        },
        || client.get_bucket_acl().bucket(&name).send(),
        |out| BucketAcl {
            owner_id: out.owner().and_then(|o| o.id()).map(str::to_owned),
            grants: out
                .grants()
                .iter()
                .map(|g| AclGrant {
                    grantee_type: g
                        .grantee()
                        .map(|e| e.r#type().as_str().to_owned())
                        .unwrap_or_default(),
                    grantee_id: g.grantee().and_then(|e| e.id()).map(str::to_owned),
                    grantee_uri: g.grantee().and_then(|e| e.uri()).map(str::to_owned),
                    permission: g
                        .permission()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_default(),
                })
                .collect(),
        },
    );
    let ownership = cx.optional(
        Site {
            operation: "GetBucketOwnershipControls",
            ..site
        },
        &["OwnershipControlsNotFoundError"],
        || client.get_bucket_ownership_controls().bucket(&name).send(),
        |out| {
            out.ownership_controls()
                .and_then(|c| c.rules().first())
                .map(|r| r.object_ownership().as_str().to_owned())
        },
    );
    let versioning = cx.known(
        Site {
            operation: "GetBucketVersioning",
            ..site
        },
        || client.get_bucket_versioning().bucket(&name).send(),
        |out| BucketVersioning {
            status: out.status().map(|s| s.as_str().to_owned()),
            mfa_delete: out.mfa_delete().map(|s| s.as_str().to_owned()),
        },
    );
    let logging = cx.known(
        Site {
            operation: "GetBucketLogging",
            ..site
        },
        || client.get_bucket_logging().bucket(&name).send(),
        |out| {
            out.logging_enabled().map(|l| BucketLogging {
                target_bucket: l.target_bucket().to_owned(),
                target_prefix: Some(l.target_prefix().to_owned()).filter(|p| !p.is_empty()),
            })
        },
    );
    let indexed = region.known().and_then(|r| tag_indexes.get(r.as_str()));
    let tags = async {
        if let Some(tags) = indexed.and_then(|index| index.tags_of(&arn)) {
            return Attr::Known(Some(tags));
        }
        cx.optional(
            Site {
                operation: "GetBucketTagging",
                ..site
            },
            &["NoSuchTagSet"],
            || client.get_bucket_tagging().bucket(&name).send(),
            |out| {
                Some(
                    out.tag_set()
                        .iter()
                        .map(|t| (t.key().to_owned(), t.value().to_owned()))
                        .collect(),
                )
            },
        )
        .await
    };

    let (
        encryption,
        public_access_block,
        (policy, policy_is_public),
        acl,
        object_ownership,
        versioning,
        logging,
        tags,
    ) = tokio::join!(
        encryption,
        public_access_block,
        policy_and_status,
        acl,
        ownership,
        versioning,
        logging,
        tags
    );
    S3Bucket {
        created: listed.creation_date().and_then(to_time),
        name,
        arn,
        region,
        encryption,
        public_access_block,
        policy,
        policy_is_public,
        acl,
        object_ownership,
        versioning,
        logging,
        tags: match tags {
            Attr::Known(tags) => Attr::Known(tags.unwrap_or_default()),
            Attr::Unavailable(gap) => Attr::Unavailable(gap),
        },
    }
}

/// The bucket and account-level APIs have twin types; an unset flag is off.
fn public_access_block(flags: [Option<bool>; 4]) -> PublicAccessBlock {
    let [
        block_public_acls,
        ignore_public_acls,
        block_public_policy,
        restrict_public_buckets,
    ] = flags.map(|flag| flag.unwrap_or(false));
    PublicAccessBlock {
        block_public_acls,
        ignore_public_acls,
        block_public_policy,
        restrict_public_buckets,
    }
}

/// Whether a bucket policy grants anything to a wildcard principal (what AWS's "public"
/// verdict requires). Unparseable text counts as possibly public: then AWS is asked.
fn may_be_public(text: &str) -> bool {
    use faascan_checks::policy::{Effect, Policy, Principal};
    match Policy::parse(text) {
        Err(_) => true,
        Ok(policy) => policy.statements.iter().any(|s| {
            s.effect == Effect::Allow
                && match &s.principal {
                    Some(Principal::Anyone) => true,
                    Some(Principal::Typed { negated, aws, .. }) => {
                        *negated || aws.iter().any(|a| a.contains('*'))
                    }
                    None => false,
                }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::may_be_public;

    #[test]
    fn policy_status_is_asked_only_for_possibly_public_policies() {
        assert!(may_be_public(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}"#
        ));
        assert!(may_be_public(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject"}]}"#
        ));
        assert!(may_be_public("{not json"));
        assert!(!may_be_public(
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#
        ));
        assert!(!may_be_public(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:*"}]}"#
        ));
    }
}

/// `ListBuckets` paged with `MaxBuckets` on every request and the bucket's region taken from
/// `BucketRegion`. Bodies shaped as the S3 API reference's ListBuckets response
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html).
#[cfg(test)]
mod mocked {
    use super::*;
    use crate::collect::Fingerprinter;
    use aws_sdk_s3::config::retry::RetryConfig;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    fn xml(body: &'static str) -> HttpResponse {
        let mut response = HttpResponse::new(
            StatusCode::try_from(200).unwrap_or_else(|_| unreachable!()),
            SdkBody::from(body),
        );
        response
            .headers_mut()
            .insert("Content-Type", "application/xml");
        response
    }

    const PAGE_1: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Buckets>
    <Bucket><BucketRegion>eu-west-1</BucketRegion><CreationDate>2019-12-11T23:32:47+00:00</CreationDate><Name>amzn-s3-demo-bucket</Name></Bucket>
  </Buckets>
  <Owner><DisplayName>Account+Name</DisplayName><ID>AIDACKCEVSQ6C2EXAMPLE</ID></Owner>
  <ContinuationToken>eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAyfQ==</ContinuationToken>
</ListAllMyBucketsResult>"#;
    const PAGE_2: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Buckets>
    <Bucket><BucketRegion>us-west-2</BucketRegion><CreationDate>2019-11-10T23:32:13+00:00</CreationDate><Name>amzn-s3-demo-bucket1</Name></Bucket>
  </Buckets>
  <Owner><DisplayName>Account+Name</DisplayName><ID>AIDACKCEVSQ6C2EXAMPLE</ID></Owner>
</ListAllMyBucketsResult>"#;

    #[tokio::test]
    async fn every_page_is_a_paginated_request_and_regions_come_from_the_listing() {
        let first = mock!(aws_sdk_s3::Client::list_buckets)
            .match_requests(|r| r.continuation_token().is_none())
            .then_http_response(|| xml(PAGE_1));
        let second = mock!(aws_sdk_s3::Client::list_buckets)
            .match_requests(|r| r.continuation_token().is_some())
            .then_http_response(|| xml(PAGE_2));
        let unpaginated = mock!(aws_sdk_s3::Client::list_buckets)
            .match_requests(|r| r.max_buckets().is_none())
            .then_http_response(|| xml(PAGE_2));
        let client = mock_client!(
            aws_sdk_s3,
            RuleMode::MatchAny,
            &[&unpaginated, &first, &second],
            |b| b.retry_config(RetryConfig::disabled())
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let listed = list_buckets(&cx, &client).await;
        let listed = listed.known().unwrap_or_else(|| panic!("{listed:?}"));
        assert_eq!(unpaginated.num_calls(), 0, "no request without MaxBuckets");
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
        let named: Vec<(&str, Option<&str>)> = listed
            .iter()
            .map(|b| (b.name().unwrap_or_default(), listed_region(b)))
            .collect();
        assert_eq!(
            named,
            [
                ("amzn-s3-demo-bucket", Some("eu-west-1")),
                ("amzn-s3-demo-bucket1", Some("us-west-2"))
            ]
        );
        assert!(cx.take_gaps().is_empty());
    }

    /// A ListBuckets answer without `BucketRegion`, as emulators send it.
    fn unplaced(names: &[&str]) -> HttpResponse {
        let buckets: String = names
            .iter()
            .map(|n| {
                format!("<Bucket><CreationDate>2019-12-11T23:32:47+00:00</CreationDate><Name>{n}</Name></Bucket>")
            })
            .collect();
        xml_body(format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets>{buckets}</Buckets><Owner><DisplayName>Account+Name</DisplayName><ID>AIDACKCEVSQ6C2EXAMPLE</ID></Owner></ListAllMyBucketsResult>"#
        ))
    }

    fn listed(names: &[&str]) -> Vec<Bucket> {
        names
            .iter()
            .map(|n| Bucket::builder().name(*n).build())
            .collect()
    }

    const ALL: [&str; 6] = ["a", "b", "c", "d", "e", "f"];

    #[tokio::test]
    async fn a_listing_per_region_places_buckets_when_the_filter_is_honoured() {
        let by_region = |region: &'static str, names: &'static [&'static str]| {
            mock!(aws_sdk_s3::Client::list_buckets)
                .match_requests(move |r| {
                    r.bucket_region() == Some(region) && r.max_buckets().is_some()
                })
                .then_http_response(move || unplaced(names))
        };
        let east = by_region("us-east-1", &["a", "b"]);
        let west = by_region("eu-west-1", &["c"]);
        let control = by_region("ap-southeast-2", &["d"]);
        let client = mock_client!(
            aws_sdk_s3,
            RuleMode::MatchAny,
            &[&east, &west, &control],
            |b| b.retry_config(RetryConfig::disabled())
        );
        let cx = crate::collect::retry::fast_ctx(4);
        let placed =
            regions_by_listing(&cx, &client, &["us-east-1", "eu-west-1"], &listed(&ALL)).await;
        let mut placed: Vec<(String, String)> = placed.into_iter().collect();
        placed.sort();
        let expected: Vec<(String, String)> = [
            ("a", "us-east-1"),
            ("b", "us-east-1"),
            ("c", "eu-west-1"),
            ("d", "ap-southeast-2"),
        ]
        .iter()
        .map(|(n, r)| ((*n).to_owned(), (*r).to_owned()))
        .collect();
        // e and f are in regions not asked: GetBucketLocation places them.
        assert_eq!(placed, expected);
        assert_eq!(
            (east.num_calls(), west.num_calls(), control.num_calls()),
            (1, 1, 1)
        );
        assert!(cx.take_gaps().is_empty());
    }

    #[tokio::test]
    async fn an_endpoint_that_ignores_the_region_filter_places_nothing() {
        let everything = mock!(aws_sdk_s3::Client::list_buckets)
            .match_requests(|r| r.bucket_region().is_some())
            .then_http_response(|| unplaced(&ALL));
        let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, &[&everything], |b| b
            .retry_config(RetryConfig::disabled()));
        let cx = crate::collect::retry::fast_ctx(4);
        // One scanned region: only the control region's answer gives the endpoint away.
        let placed = regions_by_listing(&cx, &client, &["us-east-1"], &listed(&ALL)).await;
        assert!(placed.is_empty(), "{placed:?}");
        assert_eq!(everything.num_calls(), 2);
    }

    #[tokio::test]
    async fn few_unplaced_buckets_are_located_one_by_one() {
        let any = mock!(aws_sdk_s3::Client::list_buckets).then_http_response(|| unplaced(&["a"]));
        let client = mock_client!(aws_sdk_s3, RuleMode::MatchAny, &[&any], |b| b
            .retry_config(RetryConfig::disabled()));
        let cx = crate::collect::retry::fast_ctx(4);
        let placed = regions_by_listing(
            &cx,
            &client,
            &["us-east-1", "eu-west-1"],
            &listed(&["a", "b"]),
        )
        .await;
        assert!(placed.is_empty());
        assert_eq!(
            any.num_calls(),
            0,
            "two buckets cost less located one by one"
        );
    }

    fn xml_body(body: String) -> HttpResponse {
        let mut response = HttpResponse::new(
            StatusCode::try_from(200).unwrap_or_else(|_| unreachable!()),
            SdkBody::from(body),
        );
        response
            .headers_mut()
            .insert("Content-Type", "application/xml");
        response
    }

    /// Access points with their own Block Public Access, policy and AWS's verdict, shaped as
    /// the S3 Control API reference shows them
    /// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_ListAccessPoints.html,
    /// API_control_GetAccessPoint.html, API_control_GetAccessPointPolicy.html,
    /// API_control_GetAccessPointPolicyStatus.html).
    #[tokio::test]
    async fn access_points_carry_their_block_public_access_and_policy() {
        use aws_sdk_s3control::operation::get_access_point_policy::GetAccessPointPolicyError;
        use aws_smithy_types::error::ErrorMetadata;
        const NS: &str = "http://awss3control.amazonaws.com/doc/2018-08-20/";
        let listed = mock!(aws_sdk_s3control::Client::list_access_points).then_http_response(|| {
            xml_body(format!(r#"<?xml version="1.0" encoding="UTF-8"?>
<ListAccessPointsResult xmlns="{NS}"><AccessPointList>
<AccessPoint><Name>partner-feed</Name><NetworkOrigin>Internet</NetworkOrigin><Bucket>amzn-s3-demo-bucket</Bucket><AccessPointArn>arn:aws:s3:us-west-2:123456789012:accesspoint/partner-feed</AccessPointArn><Alias>partner-feed-abcdefghij-s3alias</Alias><BucketAccountId>123456789012</BucketAccountId></AccessPoint>
<AccessPoint><Name>internal</Name><NetworkOrigin>VPC</NetworkOrigin><VpcConfiguration><VpcId>vpc-1a2b3c</VpcId></VpcConfiguration><Bucket>amzn-s3-demo-bucket</Bucket><AccessPointArn>arn:aws:s3:us-west-2:123456789012:accesspoint/internal</AccessPointArn><BucketAccountId>123456789012</BucketAccountId></AccessPoint>
</AccessPointList></ListAccessPointsResult>"#))
        });
        let open = mock!(aws_sdk_s3control::Client::get_access_point)
            .match_requests(|r| r.name() == Some("partner-feed"))
            .then_http_response(|| {
                xml_body(format!(r#"<?xml version="1.0" encoding="UTF-8"?>
<GetAccessPointResult xmlns="{NS}"><Name>partner-feed</Name><Bucket>amzn-s3-demo-bucket</Bucket><NetworkOrigin>Internet</NetworkOrigin><PublicAccessBlockConfiguration><BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration><CreationDate>2023-01-01T00:00:00Z</CreationDate></GetAccessPointResult>"#))
            });
        let closed = mock!(aws_sdk_s3control::Client::get_access_point)
            .match_requests(|r| r.name() == Some("internal"))
            .then_http_response(|| {
                xml_body(format!(r#"<?xml version="1.0" encoding="UTF-8"?>
<GetAccessPointResult xmlns="{NS}"><Name>internal</Name><Bucket>amzn-s3-demo-bucket</Bucket><NetworkOrigin>VPC</NetworkOrigin><VpcConfiguration><VpcId>vpc-1a2b3c</VpcId></VpcConfiguration><PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration></GetAccessPointResult>"#))
            });
        let policy = mock!(aws_sdk_s3control::Client::get_access_point_policy)
            .match_requests(|r| r.name() == Some("partner-feed"))
            .then_http_response(|| {
                xml_body(format!(r#"<?xml version="1.0" encoding="UTF-8"?>
<GetAccessPointPolicyResult xmlns="{NS}"><Policy>{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-west-2:123456789012:accesspoint/partner-feed/object/*"}}]}}</Policy></GetAccessPointPolicyResult>"#))
            });
        let no_policy = mock!(aws_sdk_s3control::Client::get_access_point_policy)
            .match_requests(|r| r.name() == Some("internal"))
            .then_error(|| {
                GetAccessPointPolicyError::generic(
                    ErrorMetadata::builder()
                        .code("NoSuchAccessPointPolicy")
                        .message("The specified accesspoint policy does not exist")
                        .build(),
                )
            });
        let status = mock!(aws_sdk_s3control::Client::get_access_point_policy_status)
            .then_http_response(|| {
                xml_body(format!(r#"<?xml version="1.0" encoding="UTF-8"?>
<GetAccessPointPolicyStatusResult xmlns="{NS}"><PolicyStatus><IsPublic>true</IsPublic></PolicyStatus></GetAccessPointPolicyStatusResult>"#))
            });
        let client = mock_client!(
            aws_sdk_s3control,
            RuleMode::MatchAny,
            &[&listed, &open, &closed, &policy, &no_policy, &status],
            |b| b
                .retry_config(aws_sdk_s3control::config::retry::RetryConfig::disabled())
                .region(aws_sdk_s3control::config::Region::new("us-west-2"))
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let points = access_points(&cx, &client, ("aws", "123456789012"), "us-west-2").await;
        let points = points.known().unwrap_or_else(|| panic!("{points:?}"));
        let names: Vec<&str> = points.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["internal", "partner-feed"]);
        let feed = &points[1];
        assert_eq!(
            feed.arn,
            "arn:aws:s3:us-west-2:123456789012:accesspoint/partner-feed"
        );
        assert_eq!(
            feed.public_access_block
                .known()
                .copied()
                .flatten()
                .map(|p| p.all_on()),
            Some(false)
        );
        assert!(feed.policy.known().is_some_and(Option::is_some));
        assert_eq!(feed.policy_is_public, Attr::Known(Some(true)));
        let internal = &points[0];
        assert_eq!(internal.vpc_id.as_deref(), Some("vpc-1a2b3c"));
        assert_eq!(internal.policy, Attr::Known(None), "no policy is not a gap");
        assert_eq!(internal.policy_is_public, Attr::Known(None));
        assert_eq!(
            status.num_calls(),
            1,
            "the verdict is asked only with a policy"
        );
        assert!(cx.take_gaps().is_empty());
    }
}

/// "No policy" answers of the access point APIs.
const NO_AP_POLICY: &[&str] = &[
    "NoSuchAccessPointPolicy",
    "NoSuchMultiRegionAccessPointPolicy",
];

/// The S3 access points of one region (s3control `ListAccessPoints` on that region's
/// endpoint), each with its own Block Public Access (`GetAccessPoint`), policy
/// (`GetAccessPointPolicy`) and, when it has a policy, AWS's verdict on it
/// (`GetAccessPointPolicyStatus`).
pub(super) async fn access_points(
    cx: &Ctx,
    client: &aws_sdk_s3control::Client,
    (partition, account): (&str, &str),
    region: &str,
) -> Attr<Vec<S3AccessPoint>> {
    let listed = cx
        .pages(
            Site::new(Service::S3, region, "ListAccessPoints"),
            |token| {
                client
                    .list_access_points()
                    .account_id(account)
                    .max_results(1000)
                    .set_next_token(token)
                    .send()
            },
            |page| (page.access_point_list.unwrap_or_default(), page.next_token),
        )
        .await
        .listing(cx, "access points");
    let listed = match listed {
        // AWS lists a region's own access points; an access point whose ARN names another
        // region belongs to that region's listing (emulators list every region's everywhere).
        Attr::Known(listed) => listed.into_iter().filter(|ap| {
            ap.access_point_arn()
                .and_then(|arn| faascan_checks::Arn::parse(arn).ok())
                .is_none_or(|arn| arn.region.is_empty() || arn.region == region)
        }),
        Attr::Unavailable(gap) => return Attr::Unavailable(gap),
    };
    let mut points: Vec<S3AccessPoint> = stream::iter(listed)
        .map(|ap| access_point(cx, client, (partition, account), region, ap))
        .buffer_unordered(cx.fanout())
        .collect()
        .await;
    points.sort_by(|a, b| a.name.cmp(&b.name));
    Attr::Known(points)
}

async fn access_point(
    cx: &Ctx,
    client: &aws_sdk_s3control::Client,
    (partition, account): (&str, &str),
    region: &str,
    listed: aws_sdk_s3control::types::AccessPoint,
) -> S3AccessPoint {
    let name = listed.name().to_owned();
    let arn = listed
        .access_point_arn()
        .filter(|a| !a.is_empty())
        .map_or_else(
            || format!("arn:{partition}:s3:{region}:{account}:accesspoint/{name}"),
            str::to_owned,
        );
    let site = Site::new(Service::S3, region, "").on(&arn);
    let bpa = cx.known(
        site.op("GetAccessPoint"),
        || {
            client
                .get_access_point()
                .account_id(account)
                .name(&name)
                .send()
        },
        |out| {
            out.public_access_block_configuration().map(|c| {
                public_access_block([
                    c.block_public_acls(),
                    c.ignore_public_acls(),
                    c.block_public_policy(),
                    c.restrict_public_buckets(),
                ])
            })
        },
    );
    let policy_and_status = async {
        let policy = cx
            .optional(
                site.op("GetAccessPointPolicy"),
                NO_AP_POLICY,
                || {
                    client
                        .get_access_point_policy()
                        .account_id(account)
                        .name(&name)
                        .send()
                },
                |out| out.policy().filter(|p| !p.is_empty()).map(str::to_owned),
            )
            .await;
        let status = match &policy {
            Attr::Known(Some(_)) => {
                cx.optional(
                    site.op("GetAccessPointPolicyStatus"),
                    NO_AP_POLICY,
                    || {
                        client
                            .get_access_point_policy_status()
                            .account_id(account)
                            .name(&name)
                            .send()
                    },
                    |out| out.policy_status().map(|s| s.is_public()),
                )
                .await
            }
            Attr::Known(None) => Attr::Known(None),
            Attr::Unavailable(gap) => Attr::Unavailable(gap.clone()),
        };
        (policy, status)
    };
    let (public_access_block, (policy, policy_is_public)) = tokio::join!(bpa, policy_and_status);
    S3AccessPoint {
        region: region.to_owned(),
        bucket: listed.bucket().to_owned(),
        bucket_account_id: listed.bucket_account_id().map(str::to_owned),
        network_origin: Some(listed.network_origin().as_str().to_owned()),
        vpc_id: listed
            .vpc_configuration()
            .map(|v| v.vpc_id().to_owned())
            .filter(|v| !v.is_empty()),
        public_access_block,
        policy,
        policy_is_public,
        name,
        arn,
    }
}

/// Multi-Region Access Points: one account-wide list, served from us-west-2 (their control
/// plane's only region; https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointRestrictions.html).
/// The listing's reports carry each one's Block Public Access; the policy is read per point.
/// Partitions without them (China, GovCloud) have none.
pub(super) async fn multi_region_access_points(
    cx: &Ctx,
    clients: &Clients,
    account: &str,
    partition: &str,
) -> Attr<Vec<S3MultiRegionAccessPoint>> {
    if partition != "aws" {
        return Attr::Known(Vec::new());
    }
    let client = clients.s3control_in("us-west-2");
    let listed = cx
        .pages(
            Site::global(Service::S3, "ListMultiRegionAccessPoints"),
            |token| {
                client
                    .list_multi_region_access_points()
                    .account_id(account)
                    .max_results(100)
                    .set_next_token(token)
                    .send()
            },
            |page| (page.access_points.unwrap_or_default(), page.next_token),
        )
        .await
        .listing(cx, "Multi-Region Access Points");
    let listed = match listed {
        Attr::Known(listed) => listed,
        Attr::Unavailable(gap) => return Attr::Unavailable(gap),
    };
    let client = &client;
    let mut points: Vec<S3MultiRegionAccessPoint> = stream::iter(listed)
        .map(|m| async move {
            let name = m.name().unwrap_or_default().to_owned();
            let alias = m.alias().map(str::to_owned);
            let arn = format!(
                "arn:{partition}:s3::{account}:accesspoint/{}",
                alias.as_deref().unwrap_or(&name)
            );
            let policy = cx
                .optional(
                    Site::global(Service::S3, "GetMultiRegionAccessPointPolicy").on(&arn),
                    NO_AP_POLICY,
                    || {
                        client
                            .get_multi_region_access_point_policy()
                            .account_id(account)
                            .name(&name)
                            .send()
                    },
                    |out| {
                        out.policy()
                            .and_then(|p| p.established())
                            .and_then(|e| e.policy())
                            .filter(|p| !p.is_empty())
                            .map(str::to_owned)
                    },
                )
                .await;
            S3MultiRegionAccessPoint {
                public_access_block: m.public_access_block().map(|c| {
                    public_access_block([
                        c.block_public_acls(),
                        c.ignore_public_acls(),
                        c.block_public_policy(),
                        c.restrict_public_buckets(),
                    ])
                }),
                status: m.status().map(|s| s.as_str().to_owned()),
                name,
                arn,
                alias,
                policy,
            }
        })
        .buffer_unordered(cx.fanout())
        .collect()
        .await;
    points.sort_by(|a, b| a.name.cmp(&b.name));
    Attr::Known(points)
}

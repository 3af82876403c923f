//! KMS: keys and aliases once per region; per key its metadata, and for customer-managed keys
//! rotation, the key policy and tags. `alias/aws/*` is never described: on some emulators
//! that creates a key.

use super::paging::Step;
use super::{AttrExt, Ctx, Service, Site, to_time};
use aws_sdk_kms::Client;
use aws_sdk_kms::types::{AliasListEntry, KeyListEntry, KeyManagerType};
use faascan_checks::model::{Attr, KmsKey, KmsKeyMetadata, KmsKeyRotation, Timestamp};
use futures::{StreamExt, stream};

/// `tags`, when given, is the region's shared tag listing (`tagging.rs`); keys it cannot
/// cover are read with `ListResourceTags`.
pub(super) async fn collect(
    cx: &Ctx,
    client: &Client,
    tags: Option<&super::tagging::TagListing>,
    region: &str,
) -> Attr<Vec<KmsKey>> {
    let site = Site::new(Service::Kms, region, "");
    let tag_index = async {
        match tags {
            Some(listing) => listing.index(cx).await,
            None => None,
        }
    };
    let keys = async {
        cx.pages(
            site.op("ListKeys"),
            |marker| client.list_keys().set_marker(marker).send(),
            |page| {
                let truncated = page.truncated();
                Step::truncated(page.keys.unwrap_or_default(), truncated, page.next_marker)
            },
        )
        .await
        .listing(cx, "keys")
    };
    // Aliases are cut per key from one region-wide list: unreadable (or partly read) aliases
    // are unavailable on every key, never an empty or short list.
    let aliases = async {
        cx.pages(
            site.op("ListAliases"),
            |marker| client.list_aliases().set_marker(marker).send(),
            |page| {
                let truncated = page.truncated();
                Step::truncated(
                    page.aliases.unwrap_or_default(),
                    truncated,
                    page.next_marker,
                )
            },
        )
        .await
        .whole(cx)
    };
    let (keys, aliases, tag_index) = tokio::join!(keys, aliases, tag_index);
    let keys: Vec<KeyListEntry> = match keys {
        Attr::Known(keys) => keys,
        Attr::Unavailable(gap) => return Attr::Unavailable(gap),
    };
    let aliases: Attr<Vec<AliasListEntry>> = aliases;
    let aliases = &aliases;
    let mut keys: Vec<KmsKey> = stream::iter(keys)
        .map(|key| async move {
            let id = key.key_id().unwrap_or_default().to_owned();
            let arn = key.key_arn().unwrap_or_default().to_owned();
            let key_aliases = match aliases {
                Attr::Known(aliases) => {
                    let mut names: Vec<String> = aliases
                        .iter()
                        .filter(|a| a.target_key_id() == Some(id.as_str()))
                        .filter_map(|a| a.alias_name().map(str::to_owned))
                        .collect();
                    names.sort();
                    Attr::Known(names)
                }
                Attr::Unavailable(gap) => Attr::Unavailable(gap.clone()),
            };
            detail(cx, client, region, (id, arn), key_aliases, tag_index).await
        })
        .buffer_unordered(cx.fanout())
        .collect()
        .await;
    keys.sort_by(|a, b| a.id.cmp(&b.id));
    Attr::Known(keys)
}

async fn detail(
    cx: &Ctx,
    client: &Client,
    region: &str,
    (id, arn): (String, String),
    aliases: Attr<Vec<String>>,
    tag_index: Option<&super::tagging::TagIndex>,
) -> KmsKey {
    let site = Site::new(Service::Kms, region, "").on(&arn);
    let metadata = cx
        .known(
            Site {
                operation: "DescribeKey",
                ..site
            },
            || client.describe_key().key_id(&id).send(),
            |out| {
                out.key_metadata().map(|m| KmsKeyMetadata {
                    state: m
                        .key_state()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    manager: m
                        .key_manager()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                    spec: m.key_spec().map(|s| s.as_str().to_owned()),
                    usage: m.key_usage().map(|s| s.as_str().to_owned()),
                    origin: m.origin().map(|s| s.as_str().to_owned()),
                    enabled: m.enabled(),
                    multi_region: m.multi_region(),
                    description: m.description().filter(|d| !d.is_empty()).map(str::to_owned),
                    created: m.creation_date().and_then(to_time),
                    deletion_date: m.deletion_date().and_then(to_time),
                })
            },
        )
        .await;
    let metadata = match metadata {
        Attr::Known(Some(m)) => Attr::Known(m),
        Attr::Known(None) => Attr::Unavailable(Box::new(cx_missing(&arn, region))),
        Attr::Unavailable(gap) => Attr::Unavailable(gap),
    };

    let (rotation, policy, tags) = match &metadata {
        // AWS-managed keys rotate yearly by AWS and have fixed policies: nothing to read.
        Attr::Known(m) if m.manager == KeyManagerType::Aws.as_str() => (
            Attr::Known(None),
            Attr::Known(None),
            Attr::Known(Default::default()),
        ),
        Attr::Known(m) => {
            let rotation = async {
                if !m.symmetric() || m.origin.as_deref() != Some("AWS_KMS") {
                    // Automatic rotation is only for symmetric keys with KMS-made material.
                    return Attr::Known(None);
                }
                let status = cx.known(
                    Site {
                        operation: "GetKeyRotationStatus",
                        ..site
                    },
                    || client.get_key_rotation_status().key_id(&id).send(),
                    |out| {
                        (
                            out.key_rotation_enabled(),
                            out.rotation_period_in_days(),
                            out.next_rotation_date().and_then(to_time),
                        )
                    },
                );
                let last = async {
                    let rotations = cx
                        .pages(
                            site.op("ListKeyRotations"),
                            |marker| {
                                client
                                    .list_key_rotations()
                                    .key_id(&id)
                                    .set_marker(marker)
                                    .send()
                            },
                            |page| {
                                let truncated = page.truncated();
                                Step::truncated(
                                    page.rotations.unwrap_or_default(),
                                    truncated,
                                    page.next_marker,
                                )
                            },
                        )
                        .await
                        .whole(cx);
                    rotations.map_known(|rotations| {
                        rotations
                            .iter()
                            .filter_map(|r| r.rotation_date().and_then(to_time))
                            .max()
                            .map(Timestamp)
                    })
                };
                let (status, last_rotation) = tokio::join!(status, last);
                match status {
                    Attr::Known((enabled, period_days, next_rotation)) => {
                        Attr::Known(Some(KmsKeyRotation {
                            enabled,
                            period_days,
                            next_rotation,
                            last_rotation,
                        }))
                    }
                    Attr::Unavailable(gap) => Attr::Unavailable(gap),
                }
            };
            let policy = cx.known(
                Site {
                    operation: "GetKeyPolicy",
                    ..site
                },
                // "default" is the only policy name; some endpoints insist on it being sent.
                || {
                    client
                        .get_key_policy()
                        .key_id(&id)
                        .policy_name("default")
                        .send()
                },
                |out| out.policy().map(str::to_owned),
            );
            let tags = async {
                if let Some(tags) = tag_index.and_then(|index| index.tags_of(&arn)) {
                    return Attr::Known(tags);
                }
                cx.pages(
                    site.op("ListResourceTags"),
                    |marker| {
                        client
                            .list_resource_tags()
                            .key_id(&id)
                            .set_marker(marker)
                            .send()
                    },
                    |page| {
                        let truncated = page.truncated();
                        Step::truncated(page.tags.unwrap_or_default(), truncated, page.next_marker)
                    },
                )
                .await
                .whole(cx)
                .map_known(|tags| {
                    tags.into_iter()
                        .map(|t| (t.tag_key().to_owned(), t.tag_value().to_owned()))
                        .collect()
                })
            };
            tokio::join!(rotation, policy, tags)
        }
        Attr::Unavailable(gap) => (
            Attr::Unavailable(gap.clone()),
            Attr::Unavailable(gap.clone()),
            Attr::Unavailable(gap.clone()),
        ),
    };

    KmsKey {
        id,
        arn,
        region: region.to_owned(),
        metadata,
        rotation,
        policy,
        aliases,
        tags,
    }
}

fn cx_missing(arn: &str, region: &str) -> faascan_checks::model::Gap {
    faascan_checks::model::Gap {
        service: "kms".to_owned(),
        region: Some(region.to_owned()),
        operation: "DescribeKey".to_owned(),
        resource: Some(arn.to_owned()),
        kind: faascan_checks::model::GapKind::Malformed,
        error_code: "MissingKeyMetadata".to_owned(),
        message: "DescribeKey returned no KeyMetadata".to_owned(),
        request_id: None,
    }
}

/// Aliases are one region-wide list cut per key: denied or partly read, they are unavailable
/// on every key (a short list would silently drop names).
#[cfg(test)]
mod mocked {
    use super::*;
    use crate::collect::Fingerprinter;
    use aws_sdk_kms::config::retry::RetryConfig;
    use aws_sdk_kms::operation::describe_key::DescribeKeyOutput;
    use aws_sdk_kms::operation::list_aliases::{ListAliasesError, ListAliasesOutput};
    use aws_sdk_kms::operation::list_keys::ListKeysOutput;
    use aws_sdk_kms::types::KeyMetadata;
    use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
    use aws_smithy_types::error::ErrorMetadata;
    use faascan_checks::model::GapKind;

    fn key(id: &str) -> KeyListEntry {
        KeyListEntry::builder()
            .key_id(id)
            .key_arn(format!("arn:aws:kms:us-east-1:111122223333:key/{id}"))
            .build()
    }

    fn alias(name: &str, target: &str) -> AliasListEntry {
        AliasListEntry::builder()
            .alias_name(name)
            .target_key_id(target)
            .build()
    }

    fn rules() -> (Rule, Rule) {
        let keys = mock!(aws_sdk_kms::Client::list_keys).then_output(|| {
            ListKeysOutput::builder()
                .keys(key("k1"))
                .keys(key("k2"))
                .build()
        });
        // AWS-managed keys: no further reads, so the test is about aliases alone.
        let describe = mock!(aws_sdk_kms::Client::describe_key)
            .sequence()
            .output(|| {
                DescribeKeyOutput::builder()
                    .key_metadata(
                        KeyMetadata::builder()
                            .key_id("k")
                            .key_manager(KeyManagerType::Aws)
                            .build()
                            .unwrap_or_else(|_| unreachable!()),
                    )
                    .build()
            })
            .repeatedly()
            .build();
        (keys, describe)
    }

    fn denied() -> ListAliasesError {
        ListAliasesError::generic(
            ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("no kms:ListAliases")
                .build(),
        )
    }

    async fn scan(rules: &[&Rule]) -> (Attr<Vec<KmsKey>>, Vec<faascan_checks::model::Gap>) {
        let client = mock_client!(aws_sdk_kms, RuleMode::MatchAny, rules, |b| b
            .retry_config(RetryConfig::disabled()));
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let keys = collect(&cx, &client, None, "us-east-1").await;
        (keys, cx.take_gaps())
    }

    #[tokio::test]
    async fn read_aliases_are_matched_to_their_keys() {
        let (keys, describe) = rules();
        let aliases = mock!(aws_sdk_kms::Client::list_aliases).then_output(|| {
            ListAliasesOutput::builder()
                .aliases(alias("alias/b", "k1"))
                .aliases(alias("alias/a", "k1"))
                .build()
        });
        let (listed, gaps) = scan(&[&keys, &describe, &aliases]).await;
        let listed = listed.known().cloned().unwrap_or_default();
        assert_eq!(
            listed[0].aliases,
            Attr::Known(vec!["alias/a".to_owned(), "alias/b".to_owned()])
        );
        assert_eq!(listed[1].aliases, Attr::Known(vec![]));
        assert!(gaps.is_empty(), "{gaps:?}");
    }

    #[tokio::test]
    async fn denied_aliases_are_unavailable_on_every_key() {
        let (keys, describe) = rules();
        let aliases = mock!(aws_sdk_kms::Client::list_aliases).then_error(denied);
        let (listed, gaps) = scan(&[&keys, &describe, &aliases]).await;
        let listed = listed.known().cloned().unwrap_or_default();
        assert_eq!(listed.len(), 2, "the keys are still listed");
        for key in &listed {
            let gap = key
                .aliases
                .gap()
                .unwrap_or_else(|| panic!("{}: {:?}", key.id, key.aliases));
            assert_eq!(gap.operation, "ListAliases");
            assert_eq!(gap.kind, GapKind::AccessDenied);
        }
        assert_eq!(gaps.len(), 1, "one gap for the region: {gaps:?}");
        assert_eq!(gaps[0].resource, None);
    }

    #[tokio::test]
    async fn partly_read_aliases_are_unavailable_too() {
        let (keys, describe) = rules();
        let first = mock!(aws_sdk_kms::Client::list_aliases)
            .match_requests(|r| r.marker().is_none())
            .then_output(|| {
                ListAliasesOutput::builder()
                    .aliases(alias("alias/a", "k1"))
                    .truncated(true)
                    .next_marker("m")
                    .build()
            });
        let second = mock!(aws_sdk_kms::Client::list_aliases)
            .match_requests(|r| r.marker() == Some("m"))
            .then_error(denied);
        let (listed, gaps) = scan(&[&keys, &describe, &first, &second]).await;
        let listed = listed.known().cloned().unwrap_or_default();
        assert!(
            listed.iter().all(|k| !k.aliases.is_known()),
            "a partial alias list is not used: {listed:?}"
        );
        assert_eq!(gaps.len(), 1);
        assert!(gaps[0].message.contains("page 2"), "{}", gaps[0].message);
    }
}

//! S3: one bucket listing, the per-bucket configuration calls concurrently (against each
//! bucket's own region), and the account-level Block Public Access once.

use super::{Clients, Ctx, Service, Site, to_time};
use aws_sdk_s3::types::Bucket;
use faascan_checks::model::{
    AclGrant, Attr, BucketAcl, BucketEncryption, BucketEncryptionRule, BucketLogging,
    BucketVersioning, PublicAccessBlock, S3Bucket, S3Inventory,
};
use futures::{StreamExt, stream};

pub(super) async fn collect(
    cx: &Ctx,
    clients: &Clients,
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
        let home = clients.s3(&clients.home_region);
        let site = Site::global(Service::S3, "ListBuckets");
        // Never send MaxBuckets: some endpoints truncate without a continuation token. AWS
        // sends one past 10,000 buckets, and the walker follows it.
        let listed = cx
            .pages(
                site,
                |token| home.list_buckets().set_continuation_token(token).send(),
                |page| (page.buckets.unwrap_or_default(), page.continuation_token),
            )
            .await
            .listing(cx, "buckets");
        let listed: Vec<Bucket> = match listed {
            Attr::Known(listed) => listed,
            Attr::Unavailable(gap) => return Attr::Unavailable(gap),
        };
        let mut buckets: Vec<S3Bucket> = stream::iter(listed)
            .map(|b| bucket(cx, clients, partition, b))
            .buffer_unordered(cx.fanout())
            .collect()
            .await;
        buckets.sort_by(|a, b| a.name.cmp(&b.name));
        Attr::Known(buckets)
    };
    let (account_public_access_block, buckets) = tokio::join!(account_pab, buckets);
    S3Inventory {
        buckets,
        account_public_access_block,
    }
}

async fn bucket(cx: &Ctx, clients: &Clients, partition: &str, listed: Bucket) -> S3Bucket {
    let name = listed.name().unwrap_or_default().to_owned();
    let arn = format!("arn:{partition}:s3:::{name}");
    let site = Site::global(Service::S3, "").on(&arn);

    let region = match listed.bucket_region() {
        Some(region) if !region.is_empty() => Attr::Known(region.to_owned()),
        _ => {
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
    let tags = cx.optional(
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
    );

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

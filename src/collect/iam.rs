//! IAM (global): `GetAccountAuthorizationDetails` gives every role, user, group and
//! customer-managed policy with documents in a few pages; attached AWS-managed policies are
//! fetched once each; access keys per user.

use super::paging::Step;
use super::{Ctx, Service, Site, decode_policy, to_time};
use aws_sdk_iam::Client;
use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
use aws_sdk_iam::types::{EntityType, Policy, PolicyDetail, PolicyScopeType};
use faascan_checks::model::{
    AccessKey, AccessKeyLastUsed, Attr, IamGroup, IamInventory, IamRole, IamUser, InlinePolicy,
    ManagedPolicy, RoleLastUsed,
};
use futures::{StreamExt, stream};
use std::collections::{BTreeMap, BTreeSet};

pub(super) async fn collect(cx: &Ctx, client: &Client) -> Attr<IamInventory> {
    let site = Site::global(Service::Iam, "GetAccountAuthorizationDetails");
    let pages = cx
        .pages(
            site,
            |marker| {
                client
                    .get_account_authorization_details()
                    .filter(EntityType::Role)
                    .filter(EntityType::User)
                    .filter(EntityType::Group)
                    .filter(EntityType::LocalManagedPolicy)
                    .set_marker(marker)
                    .send()
            },
            |page| {
                let (truncated, marker) = (page.is_truncated(), page.marker.clone());
                Step::truncated(vec![page], truncated, marker)
            },
        )
        .await
        .listing_with(cx, |pages| {
            let count = |f: fn(&GetAccountAuthorizationDetailsOutput) -> usize| {
                pages.iter().map(f).sum::<usize>()
            };
            format!(
                "{} roles, {} users, {} groups and {} policies",
                count(|p| p.role_detail_list().len()),
                count(|p| p.user_detail_list().len()),
                count(|p| p.group_detail_list().len()),
                count(|p| p.policies().len()),
            )
        });
    let pages = match pages {
        Attr::Known(pages) => pages,
        Attr::Unavailable(gap) => return Attr::Unavailable(gap),
    };

    let mut inventory = IamInventory::default();
    let mut user_details = Vec::new();
    for page in pages {
        for role in page.role_detail_list() {
            inventory.roles.push(IamRole {
                name: role.role_name().unwrap_or_default().to_owned(),
                arn: role.arn().unwrap_or_default().to_owned(),
                role_id: role.role_id().unwrap_or_default().to_owned(),
                path: role.path().unwrap_or("/").to_owned(),
                created: role.create_date().and_then(to_time),
                description: None,
                max_session_duration: None,
                trust_policy: role.assume_role_policy_document().map(decode_policy),
                inline_policies: inline(role.role_policy_list()),
                attached_policies: role
                    .attached_managed_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_owned))
                    .collect(),
                permissions_boundary: role
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_owned),
                last_used: role.role_last_used().map(|u| RoleLastUsed {
                    date: u.last_used_date().and_then(to_time),
                    region: u.region().map(str::to_owned),
                }),
                tags: role
                    .tags()
                    .iter()
                    .map(|t| (t.key().to_owned(), t.value().to_owned()))
                    .collect(),
            });
        }
        for group in page.group_detail_list() {
            inventory.groups.push(IamGroup {
                name: group.group_name().unwrap_or_default().to_owned(),
                arn: group.arn().unwrap_or_default().to_owned(),
                inline_policies: inline(group.group_policy_list()),
                attached_policies: group
                    .attached_managed_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_owned))
                    .collect(),
            });
        }
        user_details.extend(page.user_detail_list().iter().cloned());
        for policy in page.policies() {
            let Some(arn) = policy.arn() else { continue };
            let default = policy.default_version_id().map(str::to_owned);
            let document = policy
                .policy_version_list()
                .iter()
                .find(|v| v.is_default_version() || v.version_id() == default.as_deref())
                .and_then(|v| v.document())
                .map(decode_policy);
            let document = match document {
                Some(doc) => Attr::Known(doc),
                None => Attr::Unavailable(Box::new(cx.record(malformed(
                    "GetAccountAuthorizationDetails",
                    arn,
                    "MissingPolicyDocument",
                    "the policy's default version document was not in the response",
                )))),
            };
            inventory.managed_policies.insert(
                arn.to_owned(),
                ManagedPolicy {
                    arn: arn.to_owned(),
                    // Some endpoints omit PolicyName here; the ARN always ends with it.
                    name: policy
                        .policy_name()
                        .map(str::to_owned)
                        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn).to_owned()),
                    aws_managed: false,
                    default_version_id: default,
                    document,
                    attachment_count: policy.attachment_count(),
                },
            );
        }
    }

    // Every managed policy referenced anywhere (boundaries too) that GAAD did not describe
    // is AWS-managed: fetch each document once, however many principals attach it.
    let user_refs = user_details.iter().flat_map(|u| {
        u.attached_managed_policies()
            .iter()
            .filter_map(|p| p.policy_arn())
            .chain(
                u.permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn()),
            )
            .map(str::to_owned)
            .collect::<Vec<_>>()
    });
    let referenced: BTreeSet<String> = inventory
        .roles
        .iter()
        .flat_map(|r| {
            r.attached_policies
                .iter()
                .chain(r.permissions_boundary.iter())
        })
        .chain(
            inventory
                .groups
                .iter()
                .flat_map(|g| g.attached_policies.iter()),
        )
        .cloned()
        .chain(user_refs)
        .filter(|arn| !inventory.managed_policies.contains_key(arn))
        .collect();
    let users = stream::iter(user_details)
        .map(|user| async move {
            let name = user.user_name().unwrap_or_default().to_owned();
            let arn = user.arn().unwrap_or_default().to_owned();
            let access_keys = access_keys(cx, client, &name, &arn).await;
            IamUser {
                user_id: user.user_id().unwrap_or_default().to_owned(),
                path: user.path().unwrap_or("/").to_owned(),
                created: user.create_date().and_then(to_time),
                inline_policies: inline(user.user_policy_list()),
                attached_policies: user
                    .attached_managed_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_owned))
                    .collect(),
                groups: user.group_list().to_vec(),
                permissions_boundary: user
                    .permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map(str::to_owned),
                tags: user
                    .tags()
                    .iter()
                    .map(|t| (t.key().to_owned(), t.value().to_owned()))
                    .collect(),
                access_keys,
                name,
                arn,
            }
        })
        .buffer_unordered(cx.fanout())
        .collect::<Vec<_>>();

    let (mut users, aws_managed) =
        tokio::join!(users, aws_managed_policies(cx, client, referenced));
    inventory.managed_policies.extend(aws_managed);

    users.sort_by(|a, b| a.name.cmp(&b.name));
    inventory.users = users;
    inventory.roles.sort_by(|a, b| a.name.cmp(&b.name));
    inventory.groups.sort_by(|a, b| a.name.cmp(&b.name));
    Attr::Known(inventory)
}

fn inline(policies: &[PolicyDetail]) -> Vec<InlinePolicy> {
    policies
        .iter()
        .map(|p| InlinePolicy {
            name: p.policy_name().unwrap_or_default().to_owned(),
            document: p.policy_document().map(decode_policy).unwrap_or_default(),
        })
        .collect()
}

/// A response that succeeded but lacked what it is for, named after the call that gave it.
fn malformed(
    operation: &'static str,
    arn: &str,
    code: &str,
    message: &str,
) -> faascan_checks::model::Gap {
    Site::global(Service::Iam, operation).on(arn).gap(
        faascan_checks::model::GapKind::Malformed,
        code,
        message.to_owned(),
        None,
    )
}

async fn aws_managed_policies(
    cx: &Ctx,
    client: &Client,
    wanted: BTreeSet<String>,
) -> BTreeMap<String, ManagedPolicy> {
    if wanted.is_empty() {
        return BTreeMap::new();
    }
    // One paginated list tells every attached AWS policy's default version. What it does not
    // tell (it failed, or the policy is only a permissions boundary, which is not "attached")
    // is asked per policy with GetPolicy, so a failed page loses nothing.
    let site = Site::global(Service::Iam, "ListPolicies");
    let listed = cx
        .pages(
            site,
            |marker| {
                client
                    .list_policies()
                    .scope(PolicyScopeType::Aws)
                    .only_attached(true)
                    .set_marker(marker)
                    .send()
            },
            |page| {
                let truncated = page.is_truncated();
                Step::truncated(page.policies.unwrap_or_default(), truncated, page.marker)
            },
        )
        .await;
    if let Some(mut gap) = listed.failure {
        gap.message = format!(
            "{}; each policy not yet listed is read with GetPolicy instead",
            gap.message
        );
        cx.record(gap);
    }
    let versions: BTreeMap<String, Policy> = listed
        .items
        .into_iter()
        .filter_map(|p| Some((p.arn()?.to_owned(), p)))
        .collect();

    stream::iter(wanted)
        .map(|arn| {
            let listing = versions.get(&arn);
            let name = listing.and_then(|p| p.policy_name()).map_or_else(
                || arn.rsplit('/').next().unwrap_or(&arn).to_owned(),
                str::to_owned,
            );
            let version = listing
                .and_then(|p| p.default_version_id())
                .map(str::to_owned);
            let attachment_count = listing.and_then(|p| p.attachment_count());
            async move {
                let version = match version {
                    Some(version) => Attr::Known(Some(version)),
                    None => {
                        let site = Site::global(Service::Iam, "GetPolicy").on(&arn);
                        cx.known(
                            site,
                            || client.get_policy().policy_arn(&arn).send(),
                            |out| {
                                out.policy()
                                    .and_then(|p| p.default_version_id())
                                    .map(str::to_owned)
                            },
                        )
                        .await
                    }
                };
                // Each failure is named after the call that failed (a GetPolicy denial is
                // not a malformed authorization-details response).
                let document = match &version {
                    Attr::Unavailable(gap) => Attr::Unavailable(gap.clone()),
                    Attr::Known(None) => Attr::Unavailable(Box::new(cx.record(malformed(
                        "GetPolicy",
                        &arn,
                        "MissingDefaultVersion",
                        "GetPolicy returned no default version id",
                    )))),
                    Attr::Known(Some(version)) => {
                        let site = Site::global(Service::Iam, "GetPolicyVersion").on(&arn);
                        let document = cx
                            .known(
                                site,
                                || {
                                    client
                                        .get_policy_version()
                                        .policy_arn(&arn)
                                        .version_id(version)
                                        .send()
                                },
                                |out| {
                                    out.policy_version()
                                        .and_then(|v| v.document())
                                        .map(decode_policy)
                                },
                            )
                            .await;
                        match document {
                            Attr::Known(Some(doc)) => Attr::Known(doc),
                            Attr::Known(None) => Attr::Unavailable(Box::new(cx.record(malformed(
                                "GetPolicyVersion",
                                &arn,
                                "MissingPolicyDocument",
                                "GetPolicyVersion returned no document",
                            )))),
                            Attr::Unavailable(gap) => Attr::Unavailable(gap),
                        }
                    }
                };
                let version = version.known().cloned().flatten();
                let policy = ManagedPolicy {
                    aws_managed: arn.contains(":iam::aws:policy/"),
                    arn: arn.clone(),
                    name,
                    default_version_id: version,
                    document,
                    attachment_count,
                };
                (arn, policy)
            }
        })
        .buffer_unordered(cx.fanout())
        .collect()
        .await
}

async fn access_keys(
    cx: &Ctx,
    client: &Client,
    user: &str,
    user_arn: &str,
) -> Attr<Vec<AccessKey>> {
    let site = Site::global(Service::Iam, "ListAccessKeys").on(user_arn);
    let listed = cx
        .pages(
            site,
            |marker| {
                client
                    .list_access_keys()
                    .user_name(user)
                    .set_marker(marker)
                    .send()
            },
            |page| {
                let truncated = page.is_truncated();
                Step::truncated(page.access_key_metadata, truncated, page.marker)
            },
        )
        .await
        .whole(cx);
    let keys = match listed {
        Attr::Known(keys) => keys,
        Attr::Unavailable(gap) => return Attr::Unavailable(gap),
    };
    let keys = stream::iter(keys)
        .map(|key| async move {
            let id = key.access_key_id().unwrap_or_default().to_owned();
            let site = Site::global(Service::Iam, "GetAccessKeyLastUsed").on(user_arn);
            let last_used = cx
                .known(
                    site,
                    || client.get_access_key_last_used().access_key_id(&id).send(),
                    |out| {
                        out.access_key_last_used().and_then(|u| {
                            let date = u.last_used_date().and_then(to_time);
                            // "N/A" service and region mean never used.
                            let service = Some(u.service_name().to_owned()).filter(|s| s != "N/A");
                            let region = Some(u.region().to_owned()).filter(|s| s != "N/A");
                            (date.is_some() || service.is_some()).then_some(AccessKeyLastUsed {
                                date,
                                service,
                                region,
                            })
                        })
                    },
                )
                .await;
            AccessKey {
                fingerprint: cx.fingerprints.fingerprint(&id),
                access_key_id: id,
                status: key
                    .status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                created: key.create_date().and_then(to_time),
                last_used,
            }
        })
        .buffer_unordered(4)
        .collect::<Vec<_>>()
        .await;
    let mut keys = keys;
    keys.sort_by(|a, b| a.access_key_id.cmp(&b.access_key_id));
    Attr::Known(keys)
}

#[cfg(test)]
mod mocked {
    use super::*;
    use crate::collect::Fingerprinter;
    use aws_sdk_iam::config::retry::RetryConfig;
    use aws_sdk_iam::operation::get_policy::GetPolicyError;
    use aws_sdk_iam::operation::list_policies::ListPoliciesOutput;
    use aws_sdk_iam::types::{AttachedPermissionsBoundary, RoleDetail};
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;
    use faascan_checks::model::GapKind;

    const BOUNDARY: &str = "arn:aws:iam::aws:policy/PowerUserAccess";

    /// A denied `iam:GetPolicy` is reported as that call on that policy, not as a malformed
    /// authorization-details response.
    #[tokio::test]
    async fn a_get_policy_denial_is_named_after_get_policy() {
        let details =
            mock!(aws_sdk_iam::Client::get_account_authorization_details).then_output(|| {
                GetAccountAuthorizationDetailsOutput::builder()
                    .role_detail_list(
                        RoleDetail::builder()
                            .role_name("r")
                            .arn("arn:aws:iam::111122223333:role/r")
                            // Used only as a boundary: not in ListPolicies' attached list.
                            .permissions_boundary(
                                AttachedPermissionsBoundary::builder()
                                    .permissions_boundary_arn(BOUNDARY)
                                    .build(),
                            )
                            .build(),
                    )
                    .build()
            });
        let listed = mock!(aws_sdk_iam::Client::list_policies)
            .then_output(|| ListPoliciesOutput::builder().build());
        let denied = mock!(aws_sdk_iam::Client::get_policy).then_error(|| {
            GetPolicyError::generic(
                ErrorMetadata::builder()
                    .code("AccessDenied")
                    .message("User: arn:aws:sts::111122223333:assumed-role/audit/s is not authorized to perform: iam:GetPolicy")
                    .build(),
            )
        });
        let client = mock_client!(
            aws_sdk_iam,
            RuleMode::MatchAny,
            &[&details, &listed, &denied],
            |b| b.retry_config(RetryConfig::disabled())
        );
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let iam = collect(&cx, &client).await;
        let iam = iam.known().unwrap_or_else(|| panic!("{iam:?}"));
        let policy = &iam.managed_policies[BOUNDARY];
        let gap = policy
            .document
            .gap()
            .unwrap_or_else(|| panic!("{policy:?}"));
        assert_eq!(gap.operation, "GetPolicy");
        assert_eq!(gap.resource.as_deref(), Some(BOUNDARY));
        assert_eq!(gap.kind, GapKind::AccessDenied);
        assert_eq!(gap.error_code, "AccessDenied");
        assert_eq!(cx.take_gaps().len(), 1);
    }

    /// A body that does not parse (here: cut-off XML) gives a malformed gap whose message has
    /// no parser debug text.
    #[tokio::test]
    async fn a_malformed_listing_is_readable() {
        let details = mock!(aws_sdk_iam::Client::get_account_authorization_details)
            .then_http_response(|| {
                HttpResponse::new(
                    StatusCode::try_from(200).unwrap_or_else(|_| unreachable!()),
                    SdkBody::from(
                        "<GetAccountAuthorizationDetailsResponse><GetAccountAuthorizationDetailsResult><RoleDetailList><member><CreateDate>yesterday</CreateDate></member></RoleDetailList><IsTruncated>maybe</IsTruncated></GetAccountAuthorizationDetailsResult></GetAccountAuthorizationDetailsResponse>",
                    ),
                )
            });
        let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&details], |b| b
            .retry_config(RetryConfig::disabled()));
        let cx = Ctx::new(4, Fingerprinter::new(b"0123456789abcdef"));
        let iam = collect(&cx, &client).await;
        let gap = iam.gap().unwrap_or_else(|| panic!("{iam:?}"));
        assert_eq!(gap.kind, GapKind::Malformed, "{gap:?}");
        for pattern in ["{", "Some(", "StartEl", "Error {"] {
            assert!(!gap.message.contains(pattern), "{pattern}: {}", gap.message);
        }
    }
}

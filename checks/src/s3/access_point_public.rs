use crate::check::*;
use crate::context::Context;
use crate::model::{Attr, Gap, PublicAccessBlock};

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-access-point-public",
        title: "S3 access point or Multi-Region Access Point can be made public",
        severity: Severity::High,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::S3AccessPoint,
        references: &[
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html",
            "https://docs.aws.amazon.com/AmazonS3/latest/userguide/multi-region-access-point-block-public-access.html",
        ],
        compliance: &[fsbp("S3.19"), fsbp("S3.24"), nist("AC-3"), nist("AC-21")],
        docs: include_str!("access_point_public.md"),
    },
    run,
};

/// An access point's own Block Public Access, or the account's covering it.
enum Blocked<'a> {
    /// All four flags on at the access point, or at the account.
    Yes(&'static str),
    No(PublicAccessBlock),
    Unread(&'a Gap),
}

fn blocked<'a>(cx: &Context<'a>, own: Result<Option<PublicAccessBlock>, &'a Gap>) -> Blocked<'a> {
    let account = match &cx.inventory.s3.account_public_access_block {
        Attr::Known(pab) => Ok(pab.is_some_and(|p| p.all_on())),
        Attr::Unavailable(gap) => Err(gap),
    };
    match own {
        Ok(Some(pab)) if pab.all_on() => Blocked::Yes("its own Block Public Access"),
        _ if account == Ok(true) => Blocked::Yes("the account's Block Public Access"),
        Err(gap) => Blocked::Unread(gap),
        Ok(own) => match account {
            Err(gap) => Blocked::Unread(gap),
            Ok(_) => Blocked::No(own.unwrap_or(PublicAccessBlock {
                block_public_acls: false,
                ignore_public_acls: false,
                block_public_policy: false,
                restrict_public_buckets: false,
            })),
        },
    }
}

fn judge<'a>(
    cx: &Context<'a>,
    resource: ResourceRef,
    what: &str,
    own: Result<Option<PublicAccessBlock>, &'a Gap>,
    policy: &'a Attr<Option<String>>,
    aws_says_public: Option<bool>,
) -> CheckResult {
    let meta = &CHECK.meta;
    let public = match crate::analysis::resource_policy::access_or_unknown(
        cx,
        meta,
        &resource,
        policy,
        &["s3:*"],
    ) {
        Ok(access) => Ok(access.map(|a| a.public_statements).unwrap_or_default()),
        Err(unknown) => Err(unknown),
    };
    match blocked(cx, own) {
        Blocked::Yes(by) => match public {
            Ok(statements) if !statements.is_empty() || aws_says_public == Some(true) => meta
                .pass_with_note(
                    resource,
                    format!("the policy grants public access, but {by} blocks it"),
                ),
            _ => meta.pass_with_note(resource, format!("{by} is all on")),
        },
        Blocked::Unread(gap) => meta.unknown_gap(resource, gap),
        Blocked::No(pab) => {
            let mut lines = vec![evidence("public_access_block", pab.to_string())];
            let mut message = format!(
                "{what}'s Block Public Access is not all on (and the account's does not cover it)"
            );
            match &public {
                Ok(statements) if !statements.is_empty() => {
                    message.push_str(", and its policy grants public access");
                    lines.extend(statements.iter().map(|s| evidence("policy.statement", s)));
                }
                _ if aws_says_public == Some(true) => {
                    message.push_str(", and AWS reports its policy as public");
                    lines.push(evidence("policy_status.is_public", "true"));
                }
                _ => {}
            }
            meta.fail_one(resource, message, lines)
        }
    }
}

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    let mut out = crate::analysis::walk::access_points(cx, meta, |ap, resource| {
        let own = match &ap.public_access_block {
            Attr::Known(pab) => Ok(*pab),
            Attr::Unavailable(gap) => Err(gap),
        };
        judge(
            cx,
            resource,
            &format!("access point {}", ap.name),
            own.map_err(|g| &**g),
            &ap.policy,
            ap.policy_is_public.known().copied().flatten(),
        )
    });
    out.extend(crate::analysis::walk::multi_region_access_points(
        cx,
        meta,
        |mrap, resource| {
            judge(
                cx,
                resource,
                &format!("Multi-Region Access Point {}", mrap.name),
                Ok(mrap.public_access_block),
                &mrap.policy,
                None,
            )
        },
    ));
    out
}

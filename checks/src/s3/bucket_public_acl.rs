use super::common::{each_bucket, effective_bpa};
use crate::check::*;
use crate::context::Context;
use crate::model::Attr;

pub(crate) static CHECK: Check = Check {
    meta: CheckMeta {
        id: "s3-bucket-public-acl",
        title: "S3 bucket ACL grants access to everyone or to any AWS user",
        severity: Severity::Critical,
        category: Category::PublicExposure,
        resource_kind: ResourceKind::S3Bucket,
        references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html"],
        compliance: &[fsbp("S3.2"), fsbp("S3.3"), nist("AC-3"), nist("AC-21")],
        docs: include_str!("bucket_public_acl.md"),
    },
    run,
};

const PUBLIC_GROUPS: &[&str] = &[
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

fn run(cx: &Context<'_>) -> Vec<CheckResult> {
    let meta = &CHECK.meta;
    each_bucket(cx, meta, |b, resource| {
        let acl = match &b.acl {
            Attr::Unavailable(gap) => return meta.unknown_gap(resource, gap),
            Attr::Known(acl) => acl,
        };
        let public: Vec<String> = acl
            .grants
            .iter()
            .filter(|g| {
                g.grantee_uri
                    .as_deref()
                    .is_some_and(|u| PUBLIC_GROUPS.contains(&u))
            })
            .map(|g| {
                format!(
                    "{} {}",
                    g.grantee_uri
                        .as_deref()
                        .unwrap_or_default()
                        .rsplit('/')
                        .next()
                        .unwrap_or_default(),
                    g.permission
                )
            })
            .collect();
        if public.is_empty() {
            return meta.pass(resource);
        }
        match effective_bpa(cx, b) {
            Err(gap) => meta.unknown(resource, "the ACL is public and Block Public Access could not be read", Some(gap)),
            Ok(bpa) if bpa.ignore_public_acls => {
                meta.pass_with_note(resource, "the ACL grants public access, but Block Public Access (IgnorePublicAcls) overrides it")
            }
            Ok(_) => meta.fail_one(
                resource,
                format!("bucket {} grants {} through its ACL, and Block Public Access does not ignore public ACLs", b.name, public.join(", ")),
                public.iter().map(|p| evidence("acl.grants", p)).collect(),
            ),
        }
    })
}

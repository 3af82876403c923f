//! One walker per resource kind. Every check enumerates its resources through these, so a
//! listing that failed (wholly, or after some pages) never silently drops results: the
//! resources it could not list get one `unknown` result per region (or account) and check,
//! with a wildcard ARN that stands for all of them (`arn:aws:lambda:R:A:function:*`).
//!
//! Adding a resource kind is one function here: its lists, its listing (from
//! `model::listing`) and its placeholder ARN.

use crate::context::Context;
use crate::model::listing::{self, Listing};
use crate::model::{
    ApiKey, Attr, DomainName, DomainNameV2, FunctionUrl, Gap, HttpApi, HttpApiRoute, HttpApiStage,
    IamRole, IamUser, KmsKey, LambdaAlias, LambdaFunction, LambdaLayer, LambdaLayerVersion,
    RegionInventory, RestApi, RestApiMethod, RestApiResource, RestApiStage, S3AccessPoint,
    S3Bucket, S3MultiRegionAccessPoint,
};
use crate::result::{CheckMeta, CheckResult, ResourceKind, ResourceRef};

/// What a judge yields for one resource: one result, none (the check does not apply), or
/// several.
pub(crate) trait Yield {
    fn push_into(self, out: &mut Vec<CheckResult>);
}

impl Yield for CheckResult {
    fn push_into(self, out: &mut Vec<CheckResult>) {
        out.push(self);
    }
}

impl Yield for Option<CheckResult> {
    fn push_into(self, out: &mut Vec<CheckResult>) {
        out.extend(self);
    }
}

impl Yield for Vec<CheckResult> {
    fn push_into(self, out: &mut Vec<CheckResult>) {
        out.extend(self);
    }
}

/// One list of one kind in one scope (a region, or the account for IAM and S3).
struct Scope<'a, T> {
    region: &'a str,
    list: &'a Attr<Vec<T>>,
    listing: &'static Listing,
    /// Stands for every resource the listing could not return.
    placeholder_arn: String,
}

/// What an unlisted scope's unknown result stands for.
#[derive(Clone, Copy)]
struct Unlisted<'s> {
    kind: ResourceKind,
    arn: &'s str,
    region: &'s str,
    listing: &'static Listing,
}

/// The unknown result that stands for the unlisted resources of a scope.
fn unlisted(
    cx: &Context<'_>,
    meta: &CheckMeta,
    what: &Unlisted<'_>,
    gap: &Gap,
    partial: bool,
) -> CheckResult {
    let Unlisted {
        kind,
        arn,
        region,
        listing,
    } = *what;
    let scope = if region == "global" {
        "in the account".to_owned()
    } else {
        format!("in {region}")
    };
    let name = format!("{} {scope} (not listed)", listing.resources);
    let reason = format!(
        "{} {scope} could not be {} ({} {}: {}: {})",
        listing.resources,
        if partial {
            "listed completely; those not listed are unknown"
        } else {
            "listed"
        },
        gap.service,
        gap.operation,
        gap.error_code,
        gap.message
    );
    meta.unknown(cx.resource(kind, arn, &name, region), reason, Some(gap))
}

fn walk<'a, T: 'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    kind: ResourceKind,
    scopes: impl IntoIterator<Item = Scope<'a, T>>,
    mut judge: impl FnMut(&'a str, &'a T) -> Y,
) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for scope in scopes {
        let what = Unlisted {
            kind,
            arn: &scope.placeholder_arn,
            region: scope.region,
            listing: scope.listing,
        };
        match scope.list {
            Attr::Unavailable(gap) => out.push(unlisted(cx, meta, &what, gap, false)),
            Attr::Known(items) => {
                for item in items {
                    judge(scope.region, item).push_into(&mut out);
                }
                let region = (scope.region != "global").then_some(scope.region);
                if let Some(gap) = cx.inventory.listing_gap(scope.listing, region) {
                    out.push(unlisted(cx, meta, &what, gap, true));
                }
            }
        }
    }
    out
}

fn partition<'a>(cx: &Context<'a>) -> &'a str {
    cx.inventory.account.partition.as_str()
}

/// Walks one list per scanned region; `judge` also gets the region's inventory.
fn regional<'a, T: 'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    kind: ResourceKind,
    list: impl Fn(&'a RegionInventory) -> &'a Attr<Vec<T>>,
    listing: &'static Listing,
    placeholder: impl Fn(&str, &str, &str) -> String,
    mut judge: impl FnMut(&'a RegionInventory, &'a T) -> Y,
) -> Vec<CheckResult> {
    let (partition, account) = (partition(cx), cx.account());
    let mut out = Vec::new();
    for region in &cx.inventory.regions {
        let scope = Scope {
            region: region.region.as_str(),
            list: list(region),
            listing,
            placeholder_arn: placeholder(partition, &region.region, account),
        };
        out.extend(walk(cx, meta, kind, [scope], |_, item| judge(region, item)));
    }
    out
}

/// Every Lambda function of every scanned region.
pub(crate) fn functions<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a LambdaFunction) -> Y,
) -> Vec<CheckResult> {
    regional(
        cx,
        meta,
        meta.resource_kind,
        |r| &r.lambda_functions,
        &listing::LAMBDA_FUNCTIONS,
        |p, r, a| format!("arn:{p}:lambda:{r}:{a}:function:*"),
        |_, f| judge(f),
    )
}

/// One invocable qualifier of a function: the function itself (unqualified, `$LATEST`) or one
/// of its aliases, each with its own resource policy and function URL.
#[derive(Clone, Copy)]
pub(crate) struct Invocable<'a> {
    pub(crate) function: &'a LambdaFunction,
    /// `None` for the function itself.
    pub(crate) alias: Option<&'a LambdaAlias>,
    pub(crate) arn: &'a str,
    pub(crate) resource_policy: &'a Attr<Option<String>>,
    pub(crate) function_url: &'a Attr<Option<FunctionUrl>>,
}

impl<'a> Invocable<'a> {
    pub(crate) fn of(function: &'a LambdaFunction) -> Self {
        Invocable {
            function,
            alias: None,
            arn: &function.arn,
            resource_policy: &function.resource_policy,
            function_url: &function.function_url,
        }
    }

    /// `orders` or `orders:live`, for messages.
    pub(crate) fn name(&self) -> String {
        match self.alias {
            None => self.function.name.clone(),
            Some(a) => format!("{}:{}", self.function.name, a.name),
        }
    }
}

/// The function and each of its aliases, every function of every scanned region: a check of
/// a resource policy or a URL judges each qualifier (AWS keeps one of each per qualifier).
/// The function's own result keeps the unqualified ARN; an alias's names its qualified ARN.
/// Aliases that could not be listed give one unknown (`...:function:NAME:*`).
pub(crate) fn invocables<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    kind: ResourceKind,
    mut judge: impl FnMut(Invocable<'a>, ResourceRef) -> Y,
) -> Vec<CheckResult> {
    functions(cx, meta, |f| {
        let mut out = Vec::new();
        judge(Invocable::of(f), cx.function_ref_as(f, kind)).push_into(&mut out);
        match &f.aliases {
            Attr::Unavailable(gap) => out.push(meta.unknown(
                cx.resource(
                    kind,
                    &format!("{}:*", f.arn),
                    &format!("{} (aliases not read)", f.name),
                    &f.region,
                ),
                format!(
                    "the aliases of {} could not be read, and each has its own policy and URL ({} {}: {}: {})",
                    f.name, gap.service, gap.operation, gap.error_code, gap.message
                ),
                Some(gap),
            )),
            Attr::Known(aliases) => {
                for alias in aliases {
                    let invocable = Invocable {
                        function: f,
                        alias: Some(alias),
                        arn: &alias.arn,
                        resource_policy: &alias.resource_policy,
                        function_url: &alias.function_url,
                    };
                    let resource = cx.resource(kind, &alias.arn, &invocable.name(), &f.region);
                    judge(invocable, resource).push_into(&mut out);
                }
            }
        }
        out
    })
}

/// The gap of a Lambda listing that failed (wholly or partly) in any scanned region: a
/// question about *all* functions (who shares a role) cannot be answered without them.
pub(crate) fn unlisted_functions<'a>(cx: &Context<'a>) -> Option<&'a Gap> {
    cx.inventory.regions.iter().find_map(|r| {
        r.lambda_functions.gap().or_else(|| {
            cx.inventory
                .listing_gap(&listing::LAMBDA_FUNCTIONS, Some(&r.region))
        })
    })
}

/// Every KMS key of every scanned region.
pub(crate) fn keys<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a KmsKey) -> Y,
) -> Vec<CheckResult> {
    regional(
        cx,
        meta,
        ResourceKind::KmsKey,
        |r| &r.kms_keys,
        &listing::KMS_KEYS,
        |p, r, a| format!("arn:{p}:kms:{r}:{a}:key/*"),
        |_, k| judge(k),
    )
}

/// Every REST API of every scanned region, with its region's inventory.
pub(crate) fn rest_apis<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    kind: ResourceKind,
    judge: impl FnMut(&'a RegionInventory, &'a RestApi) -> Y,
) -> Vec<CheckResult> {
    regional(
        cx,
        meta,
        kind,
        |r| &r.rest_apis,
        &listing::REST_APIS,
        |p, r, _| format!("arn:{p}:apigateway:{r}::/restapis/*"),
        judge,
    )
}

/// Every HTTP and WebSocket API of every scanned region.
pub(crate) fn http_apis<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    kind: ResourceKind,
    judge: impl FnMut(&'a RegionInventory, &'a HttpApi) -> Y,
) -> Vec<CheckResult> {
    regional(
        cx,
        meta,
        kind,
        |r| &r.http_apis,
        &listing::HTTP_APIS,
        |p, r, _| format!("arn:{p}:apigateway:{r}::/apis/*"),
        judge,
    )
}

/// Every API key of every scanned region.
pub(crate) fn api_keys<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a ApiKey) -> Y,
) -> Vec<CheckResult> {
    regional(
        cx,
        meta,
        ResourceKind::ApiKey,
        |r| &r.api_keys,
        &listing::API_KEYS,
        |p, r, _| format!("arn:{p}:apigateway:{r}::/apikeys/*"),
        |_, k| judge(k),
    )
}

/// Every custom domain name of every scanned region.
pub(crate) fn domain_names<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a DomainName) -> Y,
) -> Vec<CheckResult> {
    regional(
        cx,
        meta,
        ResourceKind::DomainName,
        |r| &r.domain_names,
        &listing::DOMAIN_NAMES,
        |p, r, _| format!("arn:{p}:apigateway:{r}::/domainnames/*"),
        |_, d| judge(d),
    )
}

/// Every version of every Lambda layer the account publishes, in every scanned region.
pub(crate) fn layer_versions<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a LambdaLayer, &'a LambdaLayerVersion, ResourceRef) -> Y,
) -> Vec<CheckResult> {
    let kind = ResourceKind::LambdaLayerVersion;
    regional(
        cx,
        meta,
        kind,
        |r| &r.lambda_layers,
        &listing::LAMBDA_LAYERS,
        |p, r, a| format!("arn:{p}:lambda:{r}:{a}:layer:*"),
        |_, layer| match &layer.versions {
            // Version ARNs extend the layer's with `:N`: the unknown stands for `LAYER:*`.
            Attr::Unavailable(gap) => vec![meta.unknown(
                cx.resource(
                    kind,
                    &format!("{}:*", layer.arn),
                    &format!("{} (versions not read)", layer.name),
                    &layer.region,
                ),
                format!(
                    "the versions of layer {} could not be read ({} {}: {}: {})",
                    layer.name, gap.service, gap.operation, gap.error_code, gap.message
                ),
                Some(gap),
            )],
            Attr::Known(versions) => {
                let mut out = Vec::new();
                for version in versions {
                    let resource = cx.resource(
                        kind,
                        &version.arn,
                        &format!("{}:{}", layer.name, version.version),
                        &layer.region,
                    );
                    judge(layer, version, resource).push_into(&mut out);
                }
                out
            }
        },
    )
}

/// Every S3 access point of every scanned region.
pub(crate) fn access_points<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a S3AccessPoint, ResourceRef) -> Y,
) -> Vec<CheckResult> {
    regional(
        cx,
        meta,
        ResourceKind::S3AccessPoint,
        |r| &r.s3_access_points,
        &listing::S3_ACCESS_POINTS,
        |p, r, a| format!("arn:{p}:s3:{r}:{a}:accesspoint/*"),
        |_, ap| {
            let resource = cx.resource(ResourceKind::S3AccessPoint, &ap.arn, &ap.name, &ap.region);
            judge(ap, resource)
        },
    )
}

/// Every Multi-Region Access Point of the account.
pub(crate) fn multi_region_access_points<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a S3MultiRegionAccessPoint, ResourceRef) -> Y,
) -> Vec<CheckResult> {
    let kind = ResourceKind::S3MultiRegionAccessPoint;
    let scope = Scope {
        region: "global",
        list: &cx.inventory.s3.multi_region_access_points,
        listing: &listing::S3_MULTI_REGION_ACCESS_POINTS,
        placeholder_arn: format!("arn:{}:s3::{}:accesspoint/*", partition(cx), cx.account()),
    };
    walk(cx, meta, kind, [scope], |_, m| {
        judge(m, cx.resource(kind, &m.arn, &m.name, "global"))
    })
}

/// Every custom domain name as API Gateway v2 lists it, in every scanned region.
pub(crate) fn domain_names_v2<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    judge: impl FnMut(&'a RegionInventory, &'a DomainNameV2) -> Y,
) -> Vec<CheckResult> {
    regional(
        cx,
        meta,
        ResourceKind::DomainName,
        |r| &r.domain_names_v2,
        &listing::DOMAIN_NAMES,
        // Not the v1 list's placeholder: each list's unread rest is its own result.
        |p, r, _| format!("arn:{p}:apigateway:{r}::/v2/domainnames/*"),
        judge,
    )
}

/// Every S3 bucket of the account.
pub(crate) fn buckets<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a S3Bucket) -> Y,
) -> Vec<CheckResult> {
    let scope = Scope {
        region: "global",
        list: &cx.inventory.s3.buckets,
        listing: &listing::S3_BUCKETS,
        placeholder_arn: format!("arn:{}:s3:::*", partition(cx)),
    };
    walk(cx, meta, ResourceKind::S3Bucket, [scope], |_, b| judge(b))
}

/// Roles and users come from one IAM listing; an unreadable one gives one unknown for all.
fn principals<'a, T: 'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    kind: ResourceKind,
    noun: &str,
    of: impl Fn(&'a crate::model::IamInventory) -> &'a [T],
    mut judge: impl FnMut(&'a T) -> Y,
) -> Vec<CheckResult> {
    let placeholder = format!("arn:{}:iam::{}:{noun}/*", partition(cx), cx.account());
    let what = Unlisted {
        kind,
        arn: &placeholder,
        region: "global",
        listing: &listing::IAM_PRINCIPALS,
    };
    let mut out = Vec::new();
    match &cx.inventory.iam {
        Attr::Unavailable(gap) => out.push(unlisted(cx, meta, &what, gap, false)),
        Attr::Known(iam) => {
            for item in of(iam) {
                judge(item).push_into(&mut out);
            }
            if let Some(gap) = cx.inventory.listing_gap(&listing::IAM_PRINCIPALS, None) {
                out.push(unlisted(cx, meta, &what, gap, true));
            }
        }
    }
    out
}

/// Every IAM role the account can change (service-linked roles are AWS's, not the
/// audited party's).
pub(crate) fn roles<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a IamRole) -> Y,
) -> Vec<CheckResult> {
    principals(
        cx,
        meta,
        ResourceKind::IamRole,
        "role",
        |iam| iam.roles.as_slice(),
        |role| {
            let mut out = Vec::new();
            if !role.path.starts_with("/aws-service-role/") {
                judge(role).push_into(&mut out);
            }
            out
        },
    )
}

/// Every IAM user.
pub(crate) fn users<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    judge: impl FnMut(&'a IamUser) -> Y,
) -> Vec<CheckResult> {
    principals(
        cx,
        meta,
        ResourceKind::IamUser,
        "user",
        |iam| iam.users.as_slice(),
        judge,
    )
}

/// A sub-list of one API (stages, resources, routes): its items, or one unknown standing for
/// all of them.
fn sub_list<'a, T, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    kind: ResourceKind,
    parent: (&str, &str, &str),
    what: &str,
    list: &'a Attr<Vec<T>>,
    mut judge: impl FnMut(&'a T) -> Y,
) -> Vec<CheckResult> {
    let (arn, name, region) = parent;
    match list {
        Attr::Unavailable(gap) => vec![meta.unknown(
            cx.resource(
                kind,
                &format!("{arn}/{what}/*"),
                &format!("{name} ({what} not read)"),
                region,
            ),
            format!(
                "the {what} of {name} could not be read ({} {}: {}: {})",
                gap.service, gap.operation, gap.error_code, gap.message
            ),
            Some(gap),
        )],
        Attr::Known(items) => {
            let mut out = Vec::new();
            for item in items {
                judge(item).push_into(&mut out);
            }
            out
        }
    }
}

/// One result per REST API stage (`judge` may skip a stage with `None`).
pub(crate) fn rest_stages<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a RegionInventory, &'a RestApi, &'a RestApiStage, ResourceRef) -> Y,
) -> Vec<CheckResult> {
    rest_apis(cx, meta, ResourceKind::RestApiStage, |region, api| {
        sub_list(
            cx,
            meta,
            ResourceKind::RestApiStage,
            (&api.arn, &api.name, &api.region),
            "stages",
            &api.stages,
            |stage| {
                let resource = cx.resource(
                    ResourceKind::RestApiStage,
                    &stage.arn,
                    &format!("{}/{}", api.name, stage.name),
                    &api.region,
                );
                judge(region, api, stage, resource)
            },
        )
    })
}

/// One result per REST API method (`judge` may skip a method with `None`).
pub(crate) fn rest_methods<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a RestApi, &'a RestApiResource, &'a RestApiMethod, ResourceRef) -> Y,
) -> Vec<CheckResult> {
    rest_apis(cx, meta, ResourceKind::RestApiMethod, |_, api| {
        sub_list(
            cx,
            meta,
            ResourceKind::RestApiMethod,
            (&api.arn, &api.name, &api.region),
            "resources",
            &api.resources,
            |resource| {
                let mut out = Vec::new();
                for method in &resource.methods {
                    let r = cx.resource(
                        ResourceKind::RestApiMethod,
                        &method.arn,
                        &format!("{} {} {}", api.name, method.http_method, resource.path),
                        &api.region,
                    );
                    judge(api, resource, method, r).push_into(&mut out);
                }
                out
            },
        )
    })
}

/// The methods each REST stage serves that the API's resources no longer have (deleted from
/// the draft after the deployment). Only listed APIs with read stages and resources: the
/// unknowns for the rest come from `rest_methods`, which every method check also walks.
pub(crate) fn rest_deployed_only<'a, Y: Yield>(
    cx: &Context<'a>,
    mut judge: impl FnMut(
        &'a RestApi,
        &'a RestApiStage,
        &'a str,
        &'a str,
        &'a crate::model::DeployedMethod,
    ) -> Y,
) -> Vec<CheckResult> {
    let mut out = Vec::new();
    for api in cx.inventory.rest_apis() {
        for stage in api.stages.known().into_iter().flatten() {
            for (path, verb, method) in crate::analysis::apigateway::deployed_only(api, stage) {
                judge(api, stage, path, verb, method).push_into(&mut out);
            }
        }
    }
    out
}

/// One result per HTTP or WebSocket API stage.
pub(crate) fn http_stages<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a HttpApi, &'a HttpApiStage, ResourceRef) -> Y,
) -> Vec<CheckResult> {
    http_apis(cx, meta, ResourceKind::HttpApiStage, |_, api| {
        sub_list(
            cx,
            meta,
            ResourceKind::HttpApiStage,
            (&api.arn, &api.name, &api.region),
            "stages",
            &api.stages,
            |stage| {
                let resource = cx.resource(
                    ResourceKind::HttpApiStage,
                    &stage.arn,
                    &format!("{}/{}", api.name, stage.name),
                    &api.region,
                );
                judge(api, stage, resource)
            },
        )
    })
}

/// One result per HTTP or WebSocket API route.
pub(crate) fn http_routes<'a, Y: Yield>(
    cx: &Context<'a>,
    meta: &CheckMeta,
    mut judge: impl FnMut(&'a HttpApi, &'a HttpApiRoute, ResourceRef) -> Y,
) -> Vec<CheckResult> {
    http_apis(cx, meta, ResourceKind::HttpApiRoute, |_, api| {
        sub_list(
            cx,
            meta,
            ResourceKind::HttpApiRoute,
            (&api.arn, &api.name, &api.region),
            "routes",
            &api.routes,
            |route| {
                let resource = cx.resource(
                    ResourceKind::HttpApiRoute,
                    &route.arn,
                    &format!("{} {}", api.name, route.route_key),
                    &api.region,
                );
                judge(api, route, resource)
            },
        )
    })
}

//! CloudFormation resources (after the SAM and Serverless Framework transforms) into the
//! inventory model, filled as the live collector fills it: what the template sets, AWS's
//! documented default where it sets nothing, and `Unavailable` where a value could not be
//! resolved, with a gap that names the file and line.

use super::cfn::{Resource, Template, short_id};
use super::data;
use super::yaml::{Kind, Node, Pos};
use crate::collect::Fingerprinter;
use faascan_checks::model::{
    AccessLogSettings, AclGrant, ApiKey, Attr, BucketAcl, BucketEncryption, BucketEncryptionRule,
    BucketLogging, BucketVersioning, DomainName, EventInvokeConfig, EventSourceMapping,
    FunctionUrl, FunctionUrlCors, Gap, GapKind, HttpApi, HttpApiIntegration, HttpApiRoute,
    HttpApiStage, IamGroup, IamRole, IamUser, InlinePolicy, KmsKey, KmsKeyMetadata, KmsKeyRotation,
    LambdaFunction, LambdaVpcConfig, ManagedPolicy, MethodSetting, Position, PublicAccessBlock,
    RedactedVariable, RestApi, RestApiAuthorizer, RestApiIntegration, RestApiMethod,
    RestApiResource, RestApiStage, S3Bucket, SourceLocation, Tags, Throttle, UsagePlan,
    UsagePlanStage,
};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use time::OffsetDateTime;

/// What one or more templates contribute to the inventory.
#[derive(Default)]
pub(crate) struct Collected {
    pub(crate) functions: BTreeMap<String, Vec<LambdaFunction>>,
    pub(crate) rest_apis: BTreeMap<String, Vec<RestApi>>,
    pub(crate) http_apis: BTreeMap<String, Vec<HttpApi>>,
    pub(crate) kms_keys: BTreeMap<String, Vec<KmsKey>>,
    pub(crate) usage_plans: BTreeMap<String, Vec<UsagePlan>>,
    pub(crate) api_keys: BTreeMap<String, Vec<ApiKey>>,
    pub(crate) domain_names: BTreeMap<String, Vec<DomainName>>,
    pub(crate) buckets: Vec<S3Bucket>,
    pub(crate) roles: Vec<IamRole>,
    pub(crate) users: Vec<IamUser>,
    pub(crate) groups: Vec<IamGroup>,
    pub(crate) managed_policies: BTreeMap<String, ManagedPolicy>,
    pub(crate) gaps: Vec<Gap>,
    pub(crate) sources: BTreeMap<String, SourceLocation>,
    /// Roles that functions name but no scanned template defines: (role ARN, where).
    pub(crate) external_roles: Vec<(String, String)>,
    /// Resource types outside what faascan audits, with a count.
    pub(crate) skipped: BTreeMap<String, usize>,
    /// Audited resource types the templates hold but faascan does not read from them: the
    /// lists they belong to are unavailable, never empty.
    pub(crate) unread_kinds: BTreeSet<String>,
    pub(crate) regions: BTreeSet<String>,
    /// The account a source names itself (a Terraform plan's known ARNs), if any.
    pub(crate) account: Option<String>,
}

impl Collected {
    pub(crate) fn merge(&mut self, other: Collected) {
        fn extend<T>(a: &mut BTreeMap<String, Vec<T>>, b: BTreeMap<String, Vec<T>>) {
            for (k, v) in b {
                a.entry(k).or_default().extend(v);
            }
        }
        extend(&mut self.functions, other.functions);
        extend(&mut self.rest_apis, other.rest_apis);
        extend(&mut self.http_apis, other.http_apis);
        extend(&mut self.kms_keys, other.kms_keys);
        extend(&mut self.usage_plans, other.usage_plans);
        extend(&mut self.api_keys, other.api_keys);
        extend(&mut self.domain_names, other.domain_names);
        self.buckets.extend(other.buckets);
        self.roles.extend(other.roles);
        self.users.extend(other.users);
        self.groups.extend(other.groups);
        self.managed_policies.extend(other.managed_policies);
        self.gaps.extend(other.gaps);
        self.sources.extend(other.sources);
        self.external_roles.extend(other.external_roles);
        self.unread_kinds.extend(other.unread_kinds);
        for (k, v) in other.skipped {
            *self.skipped.entry(k).or_default() += v;
        }
        self.regions.extend(other.regions);
        if self.account.is_none() {
            self.account = other.account;
        }
    }
}

/// Service prefixes faascan audits: a type of these it does not model is a gap; any other
/// type is outside its scope and only counted.
const AUDITED: &[&str] = &[
    "AWS::Lambda::",
    "AWS::IAM::",
    "AWS::S3::",
    "AWS::ApiGateway::",
    "AWS::ApiGatewayV2::",
    "AWS::KMS::",
    "AWS::Serverless::",
    "AWS::CloudFormation::Stack",
];

/// Types read, or deliberately without effect on any check.
const MODELLED: &[&str] = &[
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::Lambda::Url",
    "AWS::Lambda::EventSourceMapping",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Lambda::Version",
    "AWS::Lambda::Alias",
    "AWS::Lambda::CodeSigningConfig",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::User",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::Group",
    "AWS::IAM::GroupPolicy",
    "AWS::IAM::UserToGroupAddition",
    "AWS::IAM::InstanceProfile",
    "AWS::IAM::ServiceLinkedRole",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::KMS::Key",
    "AWS::KMS::Alias",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Authorizer",
    "AWS::ApiGateway::UsagePlan",
    "AWS::ApiGateway::UsagePlanKey",
    "AWS::ApiGateway::ApiKey",
    "AWS::ApiGateway::DomainName",
    "AWS::ApiGateway::Model",
    "AWS::ApiGateway::RequestValidator",
    "AWS::ApiGateway::GatewayResponse",
    "AWS::ApiGateway::ClientCertificate",
    "AWS::ApiGateway::Account",
    "AWS::ApiGateway::DocumentationPart",
    "AWS::ApiGateway::DocumentationVersion",
    "AWS::ApiGateway::VpcLink",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Authorizer",
    "AWS::ApiGatewayV2::Deployment",
    "AWS::ApiGatewayV2::IntegrationResponse",
    "AWS::ApiGatewayV2::RouteResponse",
    "AWS::ApiGatewayV2::Model",
    "AWS::ApiGatewayV2::VpcLink",
    "AWS::WAFv2::WebACLAssociation",
];

pub(crate) struct Builder<'t> {
    t: &'t Template,
    fingerprints: &'t Fingerprinter,
    now: OffsetDateTime,
    out: Collected,
    /// Function logical id -> index into `functions`.
    functions: Vec<(String, LambdaFunction, Vec<serde_json::Value>)>,
    /// Function ARN or name -> index of the first function in `functions` with it, so that
    /// attaching thousands of permissions does not scan every function each time.
    function_by_arn: HashMap<String, usize>,
    function_by_name: HashMap<String, usize>,
    roles: Vec<(String, IamRole)>,
    /// Role name or ARN -> index of the first role in `roles` with it.
    role_by_key: HashMap<String, usize>,
    /// User, group and bucket name -> index of the first in `out` with it.
    user_by_name: HashMap<String, usize>,
    group_by_name: HashMap<String, usize>,
    bucket_by_name: HashMap<String, usize>,
    /// The CloudFormation tags every stack resource gets.
    stack_tags: bool,
}

fn pos_of(p: Pos) -> Position {
    Position {
        line: p.line,
        column: p.column,
    }
}

fn tags_of(node: Option<&Node>) -> Tags {
    let mut tags = Tags::new();
    let Some(node) = node else { return tags };
    match &node.kind {
        // [{Key, Value}] (most types) or a map (SAM, ApiGatewayV2).
        Kind::Seq(items) => {
            for item in items {
                if let (Some(k), Some(v)) = (
                    item.get("Key").and_then(Node::as_str),
                    item.get("Value").map(text),
                ) {
                    tags.insert(k.to_owned(), v);
                }
            }
        }
        Kind::Map(entries) => {
            for (k, v) in entries {
                tags.insert(k.clone(), text(v));
            }
        }
        _ => {}
    }
    tags
}

/// A resolved value as text: strings as they are, partially known strings with their
/// placeholders, anything else as JSON.
fn text(node: &Node) -> String {
    match &node.kind {
        Kind::Str(s) => s.clone(),
        Kind::Bool(b) => b.to_string(),
        Kind::Null => String::new(),
        Kind::Unresolved(u) => u
            .partial
            .clone()
            .unwrap_or_else(|| "<unresolved>".to_owned()),
        _ => node.to_json().to_string(),
    }
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.map(|n| n.items().into_iter().map(text).collect())
        .unwrap_or_default()
}

fn int(node: Option<&Node>) -> Option<i32> {
    node.and_then(Node::as_i64)
        .and_then(|v| i32::try_from(v).ok())
}

/// Strips `:qualifier` from a function ARN.
pub(crate) fn unqualified(arn: &str) -> &str {
    let parts: Vec<&str> = arn.splitn(8, ':').collect();
    if parts.len() == 8 {
        &arn[..arn.len() - parts[7].len() - 1]
    } else {
        arn
    }
}

impl<'t> Builder<'t> {
    pub(crate) fn new(
        t: &'t Template,
        fingerprints: &'t Fingerprinter,
        now: OffsetDateTime,
        stack_tags: bool,
    ) -> Self {
        let mut out = Collected::default();
        out.regions.insert(t.region.clone());
        Builder {
            t,
            fingerprints,
            now,
            out,
            functions: Vec::new(),
            function_by_arn: HashMap::new(),
            function_by_name: HashMap::new(),
            roles: Vec::new(),
            role_by_key: HashMap::new(),
            user_by_name: HashMap::new(),
            group_by_name: HashMap::new(),
            bucket_by_name: HashMap::new(),
            stack_tags,
        }
    }

    fn gap(
        &self,
        service: &str,
        resource: &str,
        pos: Pos,
        kind: GapKind,
        code: &str,
        message: String,
    ) -> Gap {
        Gap {
            service: service.to_owned(),
            region: Some(self.t.region.clone()),
            operation: "template".to_owned(),
            resource: Some(resource.to_owned()),
            kind,
            error_code: code.to_owned(),
            message: format!("{message} (at {}:{}:{})", self.t.file, pos.line, pos.column),
            request_id: None,
        }
    }

    /// The gap for a value that could not be resolved, recorded once per attribute.
    fn unresolved(&mut self, service: &str, resource: &str, what: &str, node: &Node) -> Gap {
        let (reason, pos) = node
            .first_unresolved()
            .map(|(u, p)| (u.reason.clone(), p))
            .unwrap_or_else(|| ("a value could not be resolved".to_owned(), node.pos));
        let gap = self.gap(
            service,
            resource,
            pos,
            GapKind::Other,
            "Unresolved",
            format!("{what}: {reason}"),
        );
        self.out.gaps.push(gap.clone());
        gap
    }

    fn locate(
        &mut self,
        arn: &str,
        logical: &str,
        pos: Pos,
        attributes: BTreeMap<String, Position>,
    ) {
        self.out.sources.insert(
            arn.to_owned(),
            SourceLocation {
                file: self.t.file.clone(),
                line: pos.line,
                column: pos.column,
                logical_id: logical.to_owned(),
                module_source: None,
                attributes,
            },
        );
    }

    fn stack_tags(&self, logical: &str, tags: &mut Tags) {
        if self.stack_tags {
            tags.insert(
                "aws:cloudformation:logical-id".to_owned(),
                logical.to_owned(),
            );
            tags.insert(
                "aws:cloudformation:stack-name".to_owned(),
                self.t.stack.clone(),
            );
        }
    }

    fn arn_of(&self, logical: &str) -> String {
        self.t
            .physical(logical)
            .and_then(|p| p.arn)
            .unwrap_or_default()
    }

    pub(crate) fn build(mut self) -> Collected {
        let t = self.t;
        for (what, pos, message) in &t.notes {
            let gap = self.gap(
                "template",
                what,
                *pos,
                GapKind::Other,
                "Unresolved",
                message.clone(),
            );
            self.out.gaps.push(gap);
        }
        let mut later: Vec<&Resource> = Vec::new();
        for r in &t.resources {
            if t.included(r) == Some(false) {
                // Not deployed with these parameters: said, so that its absence from the
                // results is explicit (other parameters may deploy it).
                if matches!(
                    r.kind.as_str(),
                    "AWS::Lambda::Function"
                        | "AWS::ApiGateway::RestApi"
                        | "AWS::ApiGatewayV2::Api"
                        | "AWS::S3::Bucket"
                        | "AWS::IAM::Role"
                        | "AWS::KMS::Key"
                ) {
                    let gap = self.gap(
                        "template",
                        &r.logical,
                        r.pos,
                        GapKind::Other,
                        "ConditionFalse",
                        format!(
                            "{} ({}) is not deployed with these parameters: its condition {} is false",
                            r.logical,
                            r.kind,
                            r.condition.as_deref().unwrap_or_default()
                        ),
                    );
                    self.out.gaps.push(gap);
                }
                continue;
            }
            match r.kind.as_str() {
                "AWS::Lambda::Function" => self.function(r),
                "AWS::IAM::Role" => self.role(r),
                "AWS::IAM::User" => self.user(r),
                "AWS::IAM::Group" => self.group(r),
                "AWS::IAM::ManagedPolicy" => self.managed_policy(r),
                "AWS::S3::Bucket" => self.bucket(r),
                "AWS::KMS::Key" => self.key(r),
                kind if MODELLED.contains(&kind) => later.push(r),
                kind if AUDITED.iter().any(|p| kind.starts_with(p)) => {
                    self.out.unread_kinds.insert(kind.to_owned());
                    let gap = self.gap(
                        kind.split("::")
                            .nth(1)
                            .unwrap_or("template")
                            .to_lowercase()
                            .as_str(),
                        &r.logical,
                        r.pos,
                        GapKind::Unsupported,
                        "UnsupportedResourceType",
                        format!(
                            "{} ({kind}) is not read from templates by faascan",
                            r.logical
                        ),
                    );
                    self.out.gaps.push(gap);
                }
                kind => *self.out.skipped.entry(kind.to_owned()).or_default() += 1,
            }
        }
        // Second pass: what attaches to the resources above.
        let mut aliases: Vec<&Resource> = Vec::new();
        for r in &later {
            match r.kind.as_str() {
                "AWS::IAM::Policy"
                | "AWS::IAM::RolePolicy"
                | "AWS::IAM::UserPolicy"
                | "AWS::IAM::GroupPolicy" => self.inline_policy(r),
                "AWS::IAM::UserToGroupAddition" => self.user_to_group(r),
                "AWS::Lambda::Permission" => self.permission(r),
                "AWS::Lambda::Url" => self.function_url(r),
                "AWS::Lambda::EventSourceMapping" => self.event_source_mapping(r),
                "AWS::Lambda::EventInvokeConfig" => self.event_invoke_config(r),
                "AWS::S3::BucketPolicy" => self.bucket_policy(r),
                "AWS::KMS::Alias" => aliases.push(r),
                _ => {}
            }
        }
        self.aliases(&aliases);
        self.rest_apis(&later);
        self.http_apis(&later);
        self.finish_roles_and_functions();
        self.out
    }

    // ---------------------------------------------------------------- IAM

    /// A policy document as JSON text, or why it cannot be trusted. Unresolved pieces inside
    /// `Resource`/`NotResource` strings keep their known part (a parameter names one
    /// resource); anywhere else they make the whole document unknown.
    fn document(&self, node: &Node) -> Result<String, Node> {
        let resolved = self.t.resolve(node);
        if let Some(bad) = untrusted(&resolved, false) {
            return Err(bad.clone());
        }
        let mut json = resolved.to_json();
        if let serde_json::Value::Object(map) = &mut json
            && !map.contains_key("Version")
        {
            map.insert("Version".to_owned(), serde_json::Value::from("2012-10-17"));
        }
        Ok(json.to_string())
    }

    /// An inline policy that could not be resolved becomes a managed policy whose document
    /// is unavailable: the role's permissions are then unknown, never under-counted.
    fn unknown_policy(&mut self, owner: &str, name: &str, bad: &Node) -> String {
        let arn = format!(
            "arn:{}:iam::{}:policy/faascan-unresolved/{}-{name}",
            self.t.partition, self.t.account, owner
        );
        let gap = self.unresolved("iam", &arn, &format!("the policy {name} of {owner}"), bad);
        self.out.managed_policies.insert(
            arn.clone(),
            ManagedPolicy {
                arn: arn.clone(),
                name: name.to_owned(),
                aws_managed: false,
                default_version_id: None,
                document: Attr::Unavailable(Box::new(gap)),
                attachment_count: Some(1),
            },
        );
        arn
    }

    fn policies_list(
        &mut self,
        owner: &str,
        node: Option<&Node>,
        inline: &mut Vec<InlinePolicy>,
        attached: &mut Vec<String>,
    ) {
        let Some(node) = node else { return };
        for item in node.items() {
            let name = item
                .get("PolicyName")
                .map(|n| text(&self.t.resolve(n)))
                .unwrap_or_else(|| "policy".to_owned());
            let Some(document) = item.get("PolicyDocument") else {
                continue;
            };
            match self.document(document) {
                Ok(document) => inline.push(InlinePolicy { name, document }),
                Err(bad) => attached.push(self.unknown_policy(owner, &name, &bad)),
            }
        }
    }

    /// A managed policy ARN attached to a principal: AWS managed ones come from the bundled
    /// documents; others must be defined in a scanned template.
    fn attach_managed(&mut self, owner: &str, node: &Node) -> String {
        let resolved = self.t.resolve(node);
        let Some(arn) = resolved.as_str().map(str::to_owned) else {
            let name = format!("managed-{}", short_id(&[owner, &text(&resolved)], 6));
            return self.unknown_policy(owner, &name, &resolved);
        };
        // Short names (`AWSLambdaBasicExecutionRole`, SAM's Policies) mean AWS managed.
        let arn = if arn.starts_with("arn:") {
            arn
        } else {
            data::managed_arn_for_name(&arn)
                .unwrap_or(format!("arn:{}:iam::aws:policy/{arn}", self.t.partition))
        };
        if self.out.managed_policies.contains_key(&arn) {
            return arn;
        }
        if arn.contains(":iam::aws:policy/") {
            let policy = match data::aws_managed(&arn) {
                Some((version, document)) => ManagedPolicy {
                    arn: arn.clone(),
                    name: arn.rsplit('/').next().unwrap_or(&arn).to_owned(),
                    aws_managed: true,
                    default_version_id: Some(version),
                    document: Attr::Known(document),
                    attachment_count: None,
                },
                None => {
                    let gap = self.gap(
                        "iam",
                        &arn,
                        node.pos,
                        GapKind::Unsupported,
                        "ManagedPolicyNotBundled",
                        format!(
                            "the AWS managed policy {arn} is not among the documents faascan ships"
                        ),
                    );
                    self.out.gaps.push(gap.clone());
                    ManagedPolicy {
                        arn: arn.clone(),
                        name: arn.rsplit('/').next().unwrap_or(&arn).to_owned(),
                        aws_managed: true,
                        default_version_id: None,
                        document: Attr::Unavailable(Box::new(gap)),
                        attachment_count: None,
                    }
                }
            };
            self.out.managed_policies.insert(arn.clone(), policy);
        }
        // A customer managed policy: defined in this template (added by `managed_policy`), or
        // outside it (added at the end as unknown, see `finish_roles_and_functions`).
        arn
    }

    fn role(&mut self, r: &Resource) {
        let t = self.t;
        let Some(physical) = t.physical(&r.logical) else {
            return;
        };
        let arn = physical.arn.clone().unwrap_or_default();
        let mut inline = Vec::new();
        let mut attached = Vec::new();
        self.policies_list(
            &physical.name,
            r.props.get("Policies"),
            &mut inline,
            &mut attached,
        );
        for m in r
            .props
            .get("ManagedPolicyArns")
            .map(Node::items)
            .unwrap_or_default()
        {
            let arn = self.attach_managed(&physical.name, m);
            attached.push(arn);
        }
        let trust = r
            .props
            .get("AssumeRolePolicyDocument")
            .map(|d| match self.document(d) {
                Ok(doc) => Some(doc),
                Err(bad) => {
                    self.unresolved("iam", &arn, "the trust policy", &bad);
                    None
                }
            });
        let mut tags = tags_of(t.prop(r, "Tags").as_ref());
        self.stack_tags(&r.logical, &mut tags);
        let role = IamRole {
            name: physical.name.clone(),
            arn: arn.clone(),
            role_id: physical.attribute("RoleId").unwrap_or_default(),
            path: t.prop_str(r, "Path").unwrap_or_else(|| "/".to_owned()),
            // Not created yet: it would be created by the deployment being reviewed.
            created: Some(self.now),
            description: t.prop_str(r, "Description"),
            max_session_duration: int(t.prop(r, "MaxSessionDuration").as_ref()),
            trust_policy: trust.flatten(),
            inline_policies: inline,
            attached_policies: attached,
            permissions_boundary: r
                .props
                .get("PermissionsBoundary")
                .map(|b| self.attach_managed(&physical.name, b)),
            last_used: None,
            tags,
        };
        let mut attributes = BTreeMap::new();
        for (key, prop) in [
            ("trust_policy", "AssumeRolePolicyDocument"),
            ("inline_policies", "Policies"),
            ("attached_policies", "ManagedPolicyArns"),
            ("permissions_boundary", "PermissionsBoundary"),
        ] {
            if let Some(n) = r.props.get(prop) {
                attributes.insert(key.to_owned(), pos_of(n.pos));
            }
        }
        self.locate(&arn, &r.logical, r.pos, attributes);
        let index = self.roles.len();
        // The first role wins, as a scan in order would find it.
        self.role_by_key.entry(role.name.clone()).or_insert(index);
        self.role_by_key.entry(role.arn.clone()).or_insert(index);
        self.roles.push((r.logical.clone(), role));
    }

    fn user(&mut self, r: &Resource) {
        let t = self.t;
        let Some(physical) = t.physical(&r.logical) else {
            return;
        };
        let arn = physical.arn.clone().unwrap_or_default();
        let mut inline = Vec::new();
        let mut attached = Vec::new();
        self.policies_list(
            &physical.name,
            r.props.get("Policies"),
            &mut inline,
            &mut attached,
        );
        for m in r
            .props
            .get("ManagedPolicyArns")
            .map(Node::items)
            .unwrap_or_default()
        {
            let arn = self.attach_managed(&physical.name, m);
            attached.push(arn);
        }
        let mut tags = tags_of(t.prop(r, "Tags").as_ref());
        self.stack_tags(&r.logical, &mut tags);
        self.locate(&arn, &r.logical, r.pos, BTreeMap::new());
        let permissions_boundary = r
            .props
            .get("PermissionsBoundary")
            .map(|b| self.attach_managed(&physical.name, b));
        self.user_by_name
            .entry(physical.name.clone())
            .or_insert(self.out.users.len());
        self.out.users.push(IamUser {
            name: physical.name.clone(),
            arn,
            user_id: format!(
                "AIDA{}",
                short_id(&[&t.file, &r.logical], 17).to_uppercase()
            ),
            path: t.prop_str(r, "Path").unwrap_or_else(|| "/".to_owned()),
            created: Some(self.now),
            inline_policies: inline,
            attached_policies: attached,
            groups: strings(t.prop(r, "Groups").as_ref()),
            permissions_boundary,
            tags,
            access_keys: Attr::Known(Vec::new()),
        });
    }

    fn group(&mut self, r: &Resource) {
        let t = self.t;
        let name = t
            .prop_str(r, "GroupName")
            .unwrap_or_else(|| format!("{}-{}", t.stack, r.logical));
        let mut inline = Vec::new();
        let mut attached = Vec::new();
        self.policies_list(&name, r.props.get("Policies"), &mut inline, &mut attached);
        for m in r
            .props
            .get("ManagedPolicyArns")
            .map(Node::items)
            .unwrap_or_default()
        {
            let arn = self.attach_managed(&name, m);
            attached.push(arn);
        }
        let arn = format!("arn:{}:iam::{}:group/{name}", t.partition, t.account);
        self.locate(&arn, &r.logical, r.pos, BTreeMap::new());
        self.group_by_name
            .entry(name.clone())
            .or_insert(self.out.groups.len());
        self.out.groups.push(IamGroup {
            name,
            arn,
            inline_policies: inline,
            attached_policies: attached,
        });
    }

    fn user_to_group(&mut self, r: &Resource) {
        let t = self.t;
        let Some(group) = t.prop_str(r, "GroupName") else {
            return;
        };
        for user in strings(t.prop(r, "Users").as_ref()) {
            if let Some(u) = self.user_mut(&user) {
                u.groups.push(group.clone());
            }
        }
    }

    fn managed_policy(&mut self, r: &Resource) {
        let t = self.t;
        let Some(physical) = t.physical(&r.logical) else {
            return;
        };
        let arn = physical.arn.clone().unwrap_or_default();
        let document = match r.props.get("PolicyDocument").map(|d| self.document(d)) {
            Some(Ok(doc)) => Attr::Known(doc),
            Some(Err(bad)) => Attr::Unavailable(Box::new(self.unresolved(
                "iam",
                &arn,
                "the policy document",
                &bad,
            ))),
            None => Attr::Known("{\"Version\":\"2012-10-17\",\"Statement\":[]}".to_owned()),
        };
        self.out.managed_policies.insert(
            arn.clone(),
            ManagedPolicy {
                arn: arn.clone(),
                name: physical.name.clone(),
                aws_managed: false,
                default_version_id: Some("v1".to_owned()),
                document,
                attachment_count: None,
            },
        );
        self.locate(&arn, &r.logical, r.pos, BTreeMap::new());
        for role in strings(t.prop(r, "Roles").as_ref()) {
            self.with_role(&role, |role| role.attached_policies.push(arn.clone()));
        }
        for user in strings(t.prop(r, "Users").as_ref()) {
            if let Some(u) = self.user_mut(&user) {
                u.attached_policies.push(arn.clone());
            }
        }
        for group in strings(t.prop(r, "Groups").as_ref()) {
            if let Some(g) = self.group_mut(&group) {
                g.attached_policies.push(arn.clone());
            }
        }
    }

    fn with_role(&mut self, name_or_arn: &str, f: impl FnOnce(&mut IamRole)) {
        if let Some(&index) = self.role_by_key.get(name_or_arn)
            && let Some((_, role)) = self.roles.get_mut(index)
        {
            f(role);
        }
    }

    fn user_mut(&mut self, name: &str) -> Option<&mut IamUser> {
        let index = *self.user_by_name.get(name)?;
        self.out.users.get_mut(index)
    }

    fn group_mut(&mut self, name: &str) -> Option<&mut IamGroup> {
        let index = *self.group_by_name.get(name)?;
        self.out.groups.get_mut(index)
    }

    fn inline_policy(&mut self, r: &Resource) {
        let t = self.t;
        let name = t
            .prop_str(r, "PolicyName")
            .unwrap_or_else(|| r.logical.clone());
        let document = r.props.get("PolicyDocument").map(|d| self.document(d));
        let (roles, users, groups) = match r.kind.as_str() {
            "AWS::IAM::RolePolicy" => (
                t.prop_str(r, "RoleName").into_iter().collect(),
                Vec::new(),
                Vec::new(),
            ),
            "AWS::IAM::UserPolicy" => (
                Vec::new(),
                t.prop_str(r, "UserName").into_iter().collect(),
                Vec::new(),
            ),
            "AWS::IAM::GroupPolicy" => (
                Vec::new(),
                Vec::new(),
                t.prop_str(r, "GroupName").into_iter().collect(),
            ),
            _ => (
                strings(t.prop(r, "Roles").as_ref()),
                strings(t.prop(r, "Users").as_ref()),
                strings(t.prop(r, "Groups").as_ref()),
            ),
        };
        let policy = match document {
            Some(Ok(document)) => Ok(InlinePolicy {
                name: name.clone(),
                document,
            }),
            Some(Err(bad)) => Err(self.unknown_policy(&r.logical, &name, &bad)),
            None => return,
        };
        for role in roles {
            let policy = policy.clone();
            self.with_role(&role, |role| match policy {
                Ok(p) => role.inline_policies.push(p),
                Err(arn) => role.attached_policies.push(arn),
            });
        }
        for user in users {
            if let Some(u) = self.user_mut(&user) {
                match policy.clone() {
                    Ok(p) => u.inline_policies.push(p),
                    Err(arn) => u.attached_policies.push(arn),
                }
            }
        }
        for group in groups {
            if let Some(g) = self.group_mut(&group) {
                match policy.clone() {
                    Ok(p) => g.inline_policies.push(p),
                    Err(arn) => g.attached_policies.push(arn),
                }
            }
        }
    }

    // ---------------------------------------------------------------- Lambda

    /// A function's environment variables, judged only when every value is known text. The
    /// known ones still count when others are not: a plaintext secret among them fails whatever
    /// the others are. Without one, the whole is unknown, with a gap saying why.
    fn environment(&mut self, arn: &str, vars: &Node) -> Attr<Vec<RedactedVariable>> {
        let entries = match &vars.kind {
            Kind::Null => return Attr::Known(Vec::new()),
            Kind::Map(entries) => entries,
            Kind::Unresolved(_) => {
                let gap = self.unresolved("lambda", arn, "the environment variables", vars);
                return Attr::Unavailable(Box::new(gap));
            }
            // A string, a list: not a map of names to values, so nothing can be judged.
            _ => {
                let gap = self.malformed(
                    "lambda",
                    arn,
                    vars.pos,
                    "the environment variables are not a map",
                );
                return Attr::Unavailable(Box::new(gap));
            }
        };
        let is_text = |v: &Node| matches!(v.kind, Kind::Str(_) | Kind::Bool(_) | Kind::Null);
        let known: Vec<(String, String)> = entries
            .iter()
            .filter(|(_, v)| is_text(v))
            .map(|(k, v)| (k.clone(), text(v)))
            .collect();
        let known = self.redact(&known);
        let Some((name, value)) = entries.iter().find(|(_, v)| !is_text(v)) else {
            return Attr::Known(known);
        };
        let gap = if vars.first_unresolved().is_some() {
            self.unresolved("lambda", arn, "an environment variable", vars)
        } else {
            let message = format!("the environment variable {name} is not a string");
            self.malformed("lambda", arn, value.pos, &message)
        };
        if known
            .iter()
            .any(|v| v.classification == faascan_checks::model::SecretClass::Secret)
        {
            Attr::Known(known)
        } else {
            Attr::Unavailable(Box::new(gap))
        }
    }

    /// A value of the wrong shape (a list where a map belongs): recorded as a gap.
    fn malformed(&mut self, service: &str, resource: &str, pos: Pos, what: &str) -> Gap {
        let gap = self.gap(
            service,
            resource,
            pos,
            GapKind::Malformed,
            "Malformed",
            what.to_owned(),
        );
        self.out.gaps.push(gap.clone());
        gap
    }

    fn redact(&self, variables: &[(String, String)]) -> Vec<RedactedVariable> {
        let mut out: Vec<RedactedVariable> = variables
            .iter()
            .map(|(name, value)| {
                let verdict = faascan_checks::secrets::classify(name, value);
                RedactedVariable {
                    name: name.clone(),
                    classification: verdict.class,
                    detector: verdict.detector.map(str::to_owned),
                    fingerprint: self.fingerprints.fingerprint(value),
                    value_length: value.len(),
                }
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    fn function(&mut self, r: &Resource) {
        let t = self.t;
        let Some(physical) = t.physical(&r.logical) else {
            return;
        };
        let arn = physical.arn.clone().unwrap_or_default();
        let mut attributes = BTreeMap::new();
        let mut note = |key: &str, prop: &str| {
            if let Some(n) = r.props.path(prop) {
                attributes.insert(key.to_owned(), pos_of(n.pos));
            }
        };
        for (key, prop) in [
            ("role_arn", "Role"),
            ("runtime", "Runtime"),
            ("timeout_seconds", "Timeout"),
            ("reserved_concurrency", "ReservedConcurrentExecutions"),
            ("environment", "Environment"),
            ("layers", "Layers"),
            ("tracing_mode", "TracingConfig"),
            ("dead_letter_target_arn", "DeadLetterConfig"),
            ("kms_key_arn", "KmsKeyArn"),
            ("code_signing_config_arn", "CodeSigningConfigArn"),
            ("vpc_config", "VpcConfig"),
        ] {
            note(key, prop);
        }

        // The role: one of this template's, or one defined elsewhere (then IAM is partly
        // unknown for this scan: see `finish_roles_and_functions`).
        let role_node = r.props.get("Role").map(|n| t.resolve(n));
        let role_arn = match role_node.as_ref() {
            Some(n) if n.as_str().is_some() => n.as_str().unwrap_or_default().to_owned(),
            Some(n) => {
                self.unresolved("lambda", &arn, "the execution role", n);
                format!(
                    "arn:{}:iam::{}:role/<unresolved:{}>",
                    t.partition,
                    t.account,
                    short_id(&[&t.file, &r.logical], 8)
                )
            }
            None => String::new(),
        };
        let role_arn = if role_arn.starts_with("arn:") || role_arn.is_empty() {
            role_arn
        } else {
            format!("arn:{}:iam::{}:role/{role_arn}", t.partition, t.account)
        };

        // Resolved as a whole first: `Environment: !If [...]` or an environment unknown until
        // apply is not "no variables".
        let environment = match r.props.get("Environment").map(|e| t.resolve(e)) {
            None => Attr::Known(Vec::new()),
            Some(env) => match &env.kind {
                Kind::Map(_) => match env.get("Variables") {
                    None => Attr::Known(Vec::new()),
                    Some(vars) => self.environment(&arn, vars),
                },
                _ => self.environment(&arn, &env),
            },
        };
        let reserved_concurrency = match t.prop(r, "ReservedConcurrentExecutions") {
            None => Attr::Known(None),
            Some(n) => match n.as_i64().and_then(|v| i32::try_from(v).ok()) {
                Some(v) => Attr::Known(Some(v)),
                None => Attr::Unavailable(Box::new(self.unresolved(
                    "lambda",
                    &arn,
                    "ReservedConcurrentExecutions",
                    &n,
                ))),
            },
        };
        let code_signing = match t.prop(r, "CodeSigningConfigArn") {
            None => Attr::Known(None),
            Some(n) => match n.as_str() {
                Some(s) => Attr::Known(Some(s.to_owned())),
                None => Attr::Unavailable(Box::new(self.unresolved(
                    "lambda",
                    &arn,
                    "CodeSigningConfigArn",
                    &n,
                ))),
            },
        };
        let package_type = t.prop_str(r, "PackageType").unwrap_or_else(|| {
            if r.props.path("Code.ImageUri").is_some() {
                "Image"
            } else {
                "Zip"
            }
            .to_owned()
        });
        // Lambda's defaults (3 s, 128 MB) only where nothing is set: a value that could not be
        // resolved is not reported, so the timeout check says unknown rather than pass.
        let mut number = |prop: &str, default: i32| match t.prop(r, prop) {
            None => Some(default),
            Some(n) => {
                let value = int(Some(&n));
                if value.is_none() {
                    self.unresolved("lambda", &arn, prop, &n);
                }
                value
            }
        };
        let timeout_seconds = number("Timeout", 3);
        let memory_mb = number("MemorySize", 128);
        let mut tags = tags_of(t.prop(r, "Tags").as_ref());
        self.stack_tags(&r.logical, &mut tags);
        let plain = |n: Option<Node>| n.and_then(|n| n.as_str().map(str::to_owned));
        let function = LambdaFunction {
            name: physical.name.clone(),
            arn: arn.clone(),
            region: t.region.clone(),
            runtime: plain(t.prop(r, "Runtime")),
            handler: plain(t.prop(r, "Handler")),
            role_arn,
            timeout_seconds,
            memory_mb,
            architectures: {
                let a = strings(t.prop(r, "Architectures").as_ref());
                if a.is_empty() {
                    vec!["x86_64".to_owned()]
                } else {
                    a
                }
            },
            package_type: Some(package_type),
            state: None,
            last_modified: None,
            description: plain(t.prop(r, "Description")).filter(|d| !d.is_empty()),
            tracing_mode: Some(
                plain(t.prop(r, "TracingConfig.Mode")).unwrap_or_else(|| "PassThrough".to_owned()),
            ),
            layers: strings(t.prop(r, "Layers").as_ref()),
            vpc_config: t.prop(r, "VpcConfig").and_then(|v| {
                let subnets = strings(v.get("SubnetIds"));
                (!subnets.is_empty()).then(|| LambdaVpcConfig {
                    vpc_id: None,
                    subnet_ids: subnets,
                    security_group_ids: strings(v.get("SecurityGroupIds")),
                })
            }),
            dead_letter_target_arn: plain(t.prop(r, "DeadLetterConfig.TargetArn")),
            kms_key_arn: plain(t.prop(r, "KmsKeyArn")).filter(|k| !k.is_empty()),
            environment,
            tags: Attr::Known(tags),
            resource_policy: Attr::Known(None),
            reserved_concurrency,
            function_url: Attr::Known(None),
            code_signing_config_arn: code_signing,
            event_invoke_configs: Attr::Known(Vec::new()),
            event_source_mappings: Attr::Known(Vec::new()),
            // Alias and version resources fold into the function (their permissions and
            // URLs are judged on it), so no qualifier escapes a check.
            aliases: Attr::Known(Vec::new()),
            versions: Attr::Known(Vec::new()),
        };
        self.locate(&arn, &r.logical, r.pos, attributes);
        let index = self.functions.len();
        // The first function wins, as a scan in order would find it.
        self.function_by_arn
            .entry(function.arn.clone())
            .or_insert(index);
        self.function_by_name
            .entry(function.name.clone())
            .or_insert(index);
        self.functions
            .push((r.logical.clone(), function, Vec::new()));
    }

    /// The function a `FunctionName`/`TargetFunctionArn` names: by ARN (qualified or not),
    /// name or partial ARN.
    fn function_index(&self, reference: &str) -> Option<usize> {
        let reference = unqualified(reference);
        // The first function matching any way: the lowest index of the three look-ups.
        let partial = reference.split(':').next().unwrap_or(reference);
        [
            self.function_by_arn.get(reference),
            self.function_by_name.get(reference),
            self.function_by_name.get(partial),
        ]
        .into_iter()
        .flatten()
        .min()
        .copied()
    }

    fn permission(&mut self, r: &Resource) {
        let t = self.t;
        let Some(target) = t.prop(r, "FunctionName") else {
            return;
        };
        let Some(target) = target.as_str().map(str::to_owned) else {
            return;
        };
        let Some(index) = self.function_index(&target) else {
            return;
        };
        let function_arn = self.functions[index].1.arn.clone();
        let resource = if target.starts_with("arn:") {
            target.clone()
        } else {
            function_arn.clone()
        };
        let principal = t.prop(r, "Principal");
        let action = t.prop(r, "Action");
        let (Some(principal), Some(action)) = (
            principal
                .as_ref()
                .and_then(|p| p.as_str().map(str::to_owned)),
            action.as_ref().and_then(|a| a.as_str().map(str::to_owned)),
        ) else {
            let bad = principal
                .or(action)
                .unwrap_or_else(|| Node::unresolved(r.pos, "Principal or Action missing"));
            let gap = self.unresolved(
                "lambda",
                &function_arn,
                &format!("the permission {}", r.logical),
                &bad,
            );
            self.functions[index].1.resource_policy = Attr::Unavailable(Box::new(gap));
            return;
        };
        let principal_json = if principal == "*" {
            serde_json::json!("*")
        } else if principal.chars().all(|c| c.is_ascii_digit()) {
            serde_json::json!({"AWS": format!("arn:{}:iam::{principal}:root", t.partition)})
        } else if principal.starts_with("arn:") {
            serde_json::json!({"AWS": principal})
        } else {
            serde_json::json!({"Service": principal})
        };
        let mut condition = serde_json::Map::new();
        let mut add = |operator: &str, key: &str, value: String| {
            let entry = condition
                .entry(operator.to_owned())
                .or_insert_with(|| serde_json::json!({}));
            if let serde_json::Value::Object(m) = entry {
                m.insert(key.to_owned(), serde_json::Value::from(value));
            }
        };
        if let Some(v) = t.prop(r, "SourceArn") {
            add("ArnLike", "AWS:SourceArn", text(&v));
        }
        if let Some(v) = t.prop(r, "SourceAccount") {
            add("StringEquals", "AWS:SourceAccount", text(&v));
        }
        if let Some(v) = t.prop(r, "PrincipalOrgID") {
            add("StringEquals", "aws:PrincipalOrgID", text(&v));
        }
        if let Some(v) = t.prop(r, "FunctionUrlAuthType") {
            add("StringEquals", "lambda:FunctionUrlAuthType", text(&v));
        }
        if let Some(v) = t.prop(r, "EventSourceToken") {
            add("StringEquals", "lambda:EventSourceToken", text(&v));
        }
        let mut statement = serde_json::json!({
            "Sid": r.logical,
            "Effect": "Allow",
            "Principal": principal_json,
            "Action": action,
            "Resource": resource,
        });
        if !condition.is_empty() {
            statement["Condition"] = serde_json::Value::Object(condition);
        }
        if let Some(location) = self.out.sources.get_mut(&function_arn) {
            location
                .attributes
                .entry("resource_policy".to_owned())
                .or_insert(pos_of(r.pos));
        }
        self.functions[index].2.push(statement);
    }

    fn function_url(&mut self, r: &Resource) {
        let t = self.t;
        let Some(target) = t.prop_str(r, "TargetFunctionArn") else {
            return;
        };
        let Some(index) = self.function_index(&target) else {
            return;
        };
        let function_arn = self.functions[index].1.arn.clone();
        let auth = t.prop(r, "AuthType");
        let url = match auth.as_ref().and_then(|a| a.as_str().map(str::to_owned)) {
            Some(auth_type) => {
                let cors = t.prop(r, "Cors").map(|c| FunctionUrlCors {
                    allow_origins: strings(c.get("AllowOrigins")),
                    allow_methods: strings(c.get("AllowMethods")),
                    allow_headers: strings(c.get("AllowHeaders")),
                    expose_headers: strings(c.get("ExposeHeaders")),
                    allow_credentials: c.get("AllowCredentials").and_then(Node::as_bool),
                    max_age: int(c.get("MaxAge")),
                });
                Attr::Known(Some(FunctionUrl {
                    url: t
                        .physical(&r.logical)
                        .and_then(|p| p.attribute("FunctionUrl"))
                        .unwrap_or_default(),
                    auth_type,
                    invoke_mode: Some(
                        t.prop_str(r, "InvokeMode")
                            .unwrap_or_else(|| "BUFFERED".to_owned()),
                    ),
                    cors,
                }))
            }
            None => {
                let bad = auth.unwrap_or_else(|| Node::unresolved(r.pos, "AuthType is missing"));
                Attr::Unavailable(Box::new(self.unresolved(
                    "lambda",
                    &function_arn,
                    "the function URL's AuthType",
                    &bad,
                )))
            }
        };
        let auth_pos = r.props.get("AuthType").map_or(r.pos, |n| n.pos);
        let cors_pos = r
            .props
            .path("Cors.AllowOrigins")
            .or(r.props.get("Cors"))
            .map(|n| n.pos);
        if let Some(location) = self.out.sources.get_mut(&function_arn) {
            location
                .attributes
                .insert("function_url".to_owned(), pos_of(r.pos));
            location
                .attributes
                .insert("function_url.auth_type".to_owned(), pos_of(auth_pos));
            if let Some(p) = cors_pos {
                location
                    .attributes
                    .insert("function_url.cors".to_owned(), pos_of(p));
            }
        }
        self.functions[index].1.function_url = url;
    }

    fn event_source_mapping(&mut self, r: &Resource) {
        let t = self.t;
        let Some(target) = t.prop_str(r, "FunctionName") else {
            return;
        };
        let Some(index) = self.function_index(&target) else {
            return;
        };
        let function_arn = self.functions[index].1.arn.clone();
        let mapping = EventSourceMapping {
            uuid: super::cfn::uuid(&[&t.file, &r.logical]),
            function_arn,
            event_source_arn: t.prop(r, "EventSourceArn").map(|n| text(&n)),
            state: Some(
                if t.prop(r, "Enabled").and_then(|n| n.as_bool()) == Some(false) {
                    "Disabled"
                } else {
                    "Enabled"
                }
                .to_owned(),
            ),
            batch_size: int(t.prop(r, "BatchSize").as_ref()),
            maximum_concurrency: int(t.prop(r, "ScalingConfig.MaximumConcurrency").as_ref()),
            on_failure_destination: t
                .prop(r, "DestinationConfig.OnFailure.Destination")
                .map(|n| text(&n)),
        };
        if let Attr::Known(list) = &mut self.functions[index].1.event_source_mappings {
            list.push(mapping);
        }
    }

    fn event_invoke_config(&mut self, r: &Resource) {
        let t = self.t;
        let Some(target) = t.prop_str(r, "FunctionName") else {
            return;
        };
        let Some(index) = self.function_index(&target) else {
            return;
        };
        let qualifier = t
            .prop_str(r, "Qualifier")
            .unwrap_or_else(|| "$LATEST".to_owned());
        let config = EventInvokeConfig {
            function_arn: format!("{}:{qualifier}", self.functions[index].1.arn),
            on_success_destination: t
                .prop(r, "DestinationConfig.OnSuccess.Destination")
                .map(|n| text(&n)),
            on_failure_destination: t
                .prop(r, "DestinationConfig.OnFailure.Destination")
                .map(|n| text(&n)),
            maximum_retry_attempts: int(t.prop(r, "MaximumRetryAttempts").as_ref()),
            maximum_event_age_seconds: int(t.prop(r, "MaximumEventAgeInSeconds").as_ref()),
        };
        if let Attr::Known(list) = &mut self.functions[index].1.event_invoke_configs {
            list.push(config);
        }
    }

    fn finish_roles_and_functions(&mut self) {
        let t = self.t;
        let role_arns: BTreeSet<String> = self.roles.iter().map(|(_, r)| r.arn.clone()).collect();
        for (logical, mut function, statements) in std::mem::take(&mut self.functions) {
            if !statements.is_empty() && function.resource_policy.is_known() {
                function.resource_policy = Attr::Known(Some(
                    serde_json::json!({"Version": "2012-10-17", "Id": "default", "Statement": statements}).to_string(),
                ));
            }
            if !role_arns.contains(&function.role_arn) {
                let pos = t.resource(&logical).map_or(Pos::default(), |r| {
                    r.props.get("Role").map_or(r.pos, |n| n.pos)
                });
                self.out.external_roles.push((
                    function.role_arn.clone(),
                    format!("{}:{}", t.file, pos.line),
                ));
            }
            self.out
                .functions
                .entry(t.region.clone())
                .or_default()
                .push(function);
        }
        // Customer managed policies attached by ARN but defined in no scanned template.
        let mut referenced: Vec<(String, String)> = Vec::new();
        // The ARNs of the template's own managed policies, made once when first needed.
        let mut template_policies: Option<HashSet<String>> = None;
        for (_, role) in &self.roles {
            for arn in role
                .attached_policies
                .iter()
                .chain(role.permissions_boundary.iter())
            {
                referenced.push((arn.clone(), role.arn.clone()));
            }
        }
        for (arn, owner) in referenced {
            if self.out.managed_policies.contains_key(&arn)
                || template_policies
                    .get_or_insert_with(|| self.template_policy_arns())
                    .contains(&arn)
            {
                continue;
            }
            let pos = self
                .out
                .sources
                .get(&owner)
                .map_or(Pos::default(), |s| Pos {
                    line: s.line,
                    column: s.column,
                });
            let gap = self.gap(
                "iam",
                &arn,
                pos,
                GapKind::Other,
                "Unresolved",
                format!("the managed policy {arn} is defined outside the scanned templates"),
            );
            self.out.gaps.push(gap.clone());
            self.out.managed_policies.insert(
                arn.clone(),
                ManagedPolicy {
                    name: arn.rsplit('/').next().unwrap_or(&arn).to_owned(),
                    arn,
                    aws_managed: false,
                    default_version_id: None,
                    document: Attr::Unavailable(Box::new(gap)),
                    attachment_count: None,
                },
            );
        }
        self.out.roles.extend(self.roles.drain(..).map(|(_, r)| r));
    }

    /// The ARNs of every managed policy the template defines, deployed or not.
    fn template_policy_arns(&self) -> HashSet<String> {
        self.t
            .resources
            .iter()
            .filter(|r| r.kind == "AWS::IAM::ManagedPolicy")
            .map(|r| self.arn_of(&r.logical))
            .collect()
    }

    // ---------------------------------------------------------------- S3

    fn bucket(&mut self, r: &Resource) {
        let t = self.t;
        let Some(physical) = t.physical(&r.logical) else {
            return;
        };
        let arn = physical.arn.clone().unwrap_or_default();
        let mut attributes = BTreeMap::new();
        for (key, prop) in [
            ("encryption", "BucketEncryption"),
            ("public_access_block", "PublicAccessBlockConfiguration"),
            ("acl", "AccessControl"),
            ("object_ownership", "OwnershipControls"),
            ("versioning", "VersioningConfiguration"),
            ("logging", "LoggingConfiguration"),
        ] {
            if let Some(n) = r.props.get(prop) {
                attributes.insert(key.to_owned(), pos_of(n.pos));
            }
        }
        // New buckets: SSE-S3 by default (January 2023), Block Public Access on and ACLs
        // disabled by default (April 2023).
        // A setting that cannot be resolved makes its attribute unknown, not a default. Only
        // what decides the attribute counts: a KMS key id or a log bucket known only after
        // apply (Terraform) leaves encryption and logging known.
        let unknown = |b: &mut Self, prop: &str, deciding: &[&str]| -> Option<Gap> {
            let node = t.prop(r, prop)?;
            let bad = if matches!(node.kind, Kind::Unresolved(_)) {
                Some(node.clone())
            } else if deciding.is_empty() {
                node.first_unresolved().map(|_| node.clone())
            } else {
                let mut found = None;
                for path in deciding {
                    let items: Vec<Node> = match path.split_once("[].") {
                        Some((list, rest)) => node
                            .path(list)
                            .map(|l| l.items().into_iter().cloned().collect::<Vec<_>>())
                            .unwrap_or_default()
                            .into_iter()
                            .filter_map(|i| i.path(rest).cloned())
                            .collect(),
                        None => node.path(path).cloned().into_iter().collect(),
                    };
                    if let Some(n) = items
                        .into_iter()
                        .find(|n| matches!(n.kind, Kind::Unresolved(_)))
                    {
                        found = Some(n);
                        break;
                    }
                }
                found
            }?;
            Some(b.unresolved("s3", &arn, prop, &bad))
        };
        let unresolved_encryption = unknown(
            self,
            "BucketEncryption",
            &[
                "ServerSideEncryptionConfiguration",
                "ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault.SSEAlgorithm",
            ],
        );
        let unresolved_block = unknown(self, "PublicAccessBlockConfiguration", &[]);
        let unresolved_ownership = unknown(
            self,
            "OwnershipControls",
            &["Rules", "Rules[].ObjectOwnership"],
        );
        let unresolved_versioning = unknown(self, "VersioningConfiguration", &["Status"]);
        let unresolved_logging = unknown(self, "LoggingConfiguration", &["-"]);
        let encryption = match unresolved_encryption {
            Some(gap) => Attr::Unavailable(Box::new(gap)),
            None => match t.prop(r, "BucketEncryption.ServerSideEncryptionConfiguration") {
                None => Attr::Known(Some(BucketEncryption {
                    rules: vec![BucketEncryptionRule {
                        sse_algorithm: "AES256".to_owned(),
                        kms_master_key_id: None,
                        bucket_key_enabled: Some(false),
                    }],
                })),
                Some(rules) => {
                    let rules: Vec<BucketEncryptionRule> = rules
                        .items()
                        .into_iter()
                        .filter_map(|rule| {
                            let default = rule.get("ServerSideEncryptionByDefault")?;
                            Some(BucketEncryptionRule {
                                sse_algorithm: default
                                    .get("SSEAlgorithm")
                                    .map(text)
                                    .unwrap_or_else(|| "AES256".to_owned()),
                                kms_master_key_id: default.get("KMSMasterKeyID").map(text),
                                bucket_key_enabled: rule
                                    .get("BucketKeyEnabled")
                                    .and_then(Node::as_bool),
                            })
                        })
                        .collect();
                    Attr::Known((!rules.is_empty()).then_some(BucketEncryption { rules }))
                }
            },
        };
        let public_access_block = match unresolved_block {
            Some(gap) => Attr::Unavailable(Box::new(gap)),
            None => match t.prop(r, "PublicAccessBlockConfiguration") {
                None => Attr::Known(Some(PublicAccessBlock {
                    block_public_acls: true,
                    ignore_public_acls: true,
                    block_public_policy: true,
                    restrict_public_buckets: true,
                })),
                Some(c) => {
                    let flag = |k: &str| c.get(k).and_then(Node::as_bool).unwrap_or(false);
                    Attr::Known(Some(PublicAccessBlock {
                        block_public_acls: flag("BlockPublicAcls"),
                        ignore_public_acls: flag("IgnorePublicAcls"),
                        block_public_policy: flag("BlockPublicPolicy"),
                        restrict_public_buckets: flag("RestrictPublicBuckets"),
                    }))
                }
            },
        };
        let owner = format!(
            "{:016x}{:016x}",
            super::cfn::hash(&[&t.account]),
            super::cfn::hash(&[&t.account, "owner"])
        );
        let mut grants = vec![AclGrant {
            grantee_type: "CanonicalUser".to_owned(),
            grantee_id: Some(owner.clone()),
            grantee_uri: None,
            permission: "FULL_CONTROL".to_owned(),
        }];
        let group = |uri: &str, permission: &str| AclGrant {
            grantee_type: "Group".to_owned(),
            grantee_id: None,
            grantee_uri: Some(format!("http://acs.amazonaws.com/groups/{uri}")),
            permission: permission.to_owned(),
        };
        let acl = match t.prop(r, "AccessControl") {
            None => Attr::Known(BucketAcl {
                owner_id: Some(owner.clone()),
                grants: grants.clone(),
            }),
            Some(n) => match n.as_str() {
                Some(canned) => {
                    match canned {
                        "PublicRead" => grants.push(group("global/AllUsers", "READ")),
                        "PublicReadWrite" => {
                            grants.push(group("global/AllUsers", "READ"));
                            grants.push(group("global/AllUsers", "WRITE"));
                        }
                        "AuthenticatedRead" => {
                            grants.push(group("global/AuthenticatedUsers", "READ"))
                        }
                        "LogDeliveryWrite" => {
                            grants.push(group("s3/LogDelivery", "WRITE"));
                            grants.push(group("s3/LogDelivery", "READ_ACP"));
                        }
                        _ => {}
                    }
                    Attr::Known(BucketAcl {
                        owner_id: Some(owner.clone()),
                        grants,
                    })
                }
                None => {
                    Attr::Unavailable(Box::new(self.unresolved("s3", &arn, "AccessControl", &n)))
                }
            },
        };
        let object_ownership = match unresolved_ownership {
            Some(gap) => Attr::Unavailable(Box::new(gap)),
            None => match t.prop(r, "OwnershipControls.Rules") {
                Some(rules) => Attr::Known(
                    rules
                        .items()
                        .first()
                        .and_then(|rule| rule.get("ObjectOwnership"))
                        .map(text),
                ),
                None => Attr::Known(Some("BucketOwnerEnforced".to_owned())),
            },
        };
        let versioning = match unresolved_versioning {
            Some(gap) => Attr::Unavailable(Box::new(gap)),
            None => Attr::Known(BucketVersioning {
                status: t.prop_str(r, "VersioningConfiguration.Status"),
                mfa_delete: None,
            }),
        };
        let logging = match unresolved_logging {
            Some(gap) => Attr::Unavailable(Box::new(gap)),
            None => Attr::Known(t.prop(r, "LoggingConfiguration").map(|l| {
                BucketLogging {
                    target_bucket: l
                        .get("DestinationBucketName")
                        .map_or_else(|| physical.name.clone(), text),
                    target_prefix: l.get("LogFilePrefix").map(text).filter(|p| !p.is_empty()),
                }
            })),
        };
        let mut tags = tags_of(t.prop(r, "Tags").as_ref());
        self.stack_tags(&r.logical, &mut tags);
        self.locate(&arn, &r.logical, r.pos, attributes);
        self.bucket_by_name
            .entry(physical.name.clone())
            .or_insert(self.out.buckets.len());
        self.out.buckets.push(S3Bucket {
            name: physical.name.clone(),
            arn,
            region: Attr::Known(t.region.clone()),
            created: None,
            encryption,
            public_access_block,
            policy: Attr::Known(None),
            policy_is_public: Attr::Known(None),
            acl,
            object_ownership,
            versioning,
            logging,
            tags: Attr::Known(tags),
        });
    }

    fn bucket_policy(&mut self, r: &Resource) {
        let t = self.t;
        let Some(name) = t.prop_str(r, "Bucket") else {
            return;
        };
        let name = name
            .strip_prefix("arn:aws:s3:::")
            .unwrap_or(&name)
            .to_owned();
        let Some(&index) = self.bucket_by_name.get(&name) else {
            return;
        };
        let arn = self.out.buckets[index].arn.clone();
        let policy = match r.props.get("PolicyDocument").map(|d| self.document(d)) {
            Some(Ok(doc)) => Attr::Known(Some(doc)),
            Some(Err(bad)) => Attr::Unavailable(Box::new(self.unresolved(
                "s3",
                &arn,
                "the bucket policy",
                &bad,
            ))),
            None => return,
        };
        if let Some(location) = self.out.sources.get_mut(&arn) {
            location
                .attributes
                .insert("policy".to_owned(), pos_of(r.pos));
        }
        self.out.buckets[index].policy = policy;
    }

    // ---------------------------------------------------------------- KMS

    fn key(&mut self, r: &Resource) {
        let t = self.t;
        let Some(physical) = t.physical(&r.logical) else {
            return;
        };
        let arn = physical.arn.clone().unwrap_or_default();
        let spec = t
            .prop_str(r, "KeySpec")
            .unwrap_or_else(|| "SYMMETRIC_DEFAULT".to_owned());
        let origin = t
            .prop_str(r, "Origin")
            .unwrap_or_else(|| "AWS_KMS".to_owned());
        let enabled = t
            .prop(r, "Enabled")
            .and_then(|n| n.as_bool())
            .unwrap_or(true);
        let metadata = KmsKeyMetadata {
            state: if enabled { "Enabled" } else { "Disabled" }.to_owned(),
            manager: "CUSTOMER".to_owned(),
            spec: Some(spec.clone()),
            usage: Some(
                t.prop_str(r, "KeyUsage")
                    .unwrap_or_else(|| "ENCRYPT_DECRYPT".to_owned()),
            ),
            origin: Some(origin.clone()),
            enabled,
            multi_region: Some(
                t.prop(r, "MultiRegion")
                    .and_then(|n| n.as_bool())
                    .unwrap_or(false),
            ),
            description: t.prop_str(r, "Description").filter(|d| !d.is_empty()),
            created: Some(self.now),
            deletion_date: None,
        };
        let rotation =
            if spec == "SYMMETRIC_DEFAULT" && origin == "AWS_KMS" {
                match t.prop(r, "EnableKeyRotation") {
                    Some(n) if n.as_bool().is_none() => Attr::Unavailable(Box::new(
                        self.unresolved("kms", &arn, "EnableKeyRotation", &n),
                    )),
                    n => {
                        let enabled = n.and_then(|n| n.as_bool()).unwrap_or(false);
                        Attr::Known(Some(KmsKeyRotation {
                            enabled,
                            period_days: enabled.then(|| {
                                int(t.prop(r, "RotationPeriodInDays").as_ref()).unwrap_or(365)
                            }),
                            next_rotation: None,
                            last_rotation: Attr::Known(None),
                        }))
                    }
                }
            } else {
                Attr::Known(None)
            };
        let policy = match r.props.get("KeyPolicy").map(|d| self.document(d)) {
            Some(Ok(doc)) => Attr::Known(Some(doc)),
            Some(Err(bad)) => Attr::Unavailable(Box::new(self.unresolved(
                "kms",
                &arn,
                "the key policy",
                &bad,
            ))),
            // The default key policy: the account (through IAM) may use and manage the key.
            None => Attr::Known(Some(
                serde_json::json!({"Version": "2012-10-17", "Id": "key-default-1", "Statement": [{
                    "Sid": "Enable IAM User Permissions", "Effect": "Allow",
                    "Principal": {"AWS": format!("arn:{}:iam::{}:root", t.partition, t.account)},
                    "Action": "kms:*", "Resource": "*"}]})
                .to_string(),
            )),
        };
        let mut attributes = BTreeMap::new();
        for (key, prop) in [
            ("rotation.enabled", "EnableKeyRotation"),
            ("policy", "KeyPolicy"),
            ("metadata.state", "Enabled"),
        ] {
            if let Some(n) = r.props.get(prop) {
                attributes.insert(key.to_owned(), pos_of(n.pos));
            }
        }
        let mut tags = tags_of(t.prop(r, "Tags").as_ref());
        self.stack_tags(&r.logical, &mut tags);
        self.locate(&arn, &r.logical, r.pos, attributes);
        self.out
            .kms_keys
            .entry(t.region.clone())
            .or_default()
            .push(KmsKey {
                id: physical.reference.clone(),
                arn,
                region: t.region.clone(),
                metadata: Attr::Known(metadata),
                rotation,
                policy,
                aliases: Attr::Known(Vec::new()),
                tags: Attr::Known(tags),
            });
    }

    /// Each alias on the key it targets (by key id or ARN), all at once: an alias per key
    /// scan and a sort per alias were quadratic in a template of many aliases.
    fn aliases(&mut self, aliases: &[&Resource]) {
        let t = self.t;
        let mut by_target: HashMap<String, Vec<String>> = HashMap::new();
        for r in aliases {
            if let (Some(name), Some(target)) =
                (t.prop_str(r, "AliasName"), t.prop_str(r, "TargetKeyId"))
            {
                by_target.entry(target).or_default().push(name);
            }
        }
        if by_target.is_empty() {
            return;
        }
        for key in self.out.kms_keys.values_mut().flatten() {
            let Attr::Known(names) = &mut key.aliases else {
                continue;
            };
            let before = names.len();
            let same = key.id == key.arn;
            for target in [&key.id, &key.arn]
                .into_iter()
                .take(if same { 1 } else { 2 })
            {
                if let Some(more) = by_target.get(target.as_str()) {
                    names.extend(more.iter().cloned());
                }
            }
            if names.len() != before {
                names.sort();
            }
        }
    }

    // ---------------------------------------------------------------- API Gateway (REST)

    fn rest_apis(&mut self, resources: &[&Resource]) {
        let t = self.t;
        let of_kind = |kind: &'static str| of_kind(resources, kind);
        let root_id = |api: &str| {
            t.physical(api)
                .and_then(|p| p.attribute("RootResourceId"))
                .unwrap_or_default()
        };
        // Which REST API a `RestApiId` value is: by the made-up id.
        let api_logical_by_id: HashMap<String, String> = of_kind("AWS::ApiGateway::RestApi")
            .filter_map(|r| Some((t.physical(&r.logical)?.reference, r.logical.clone())))
            .collect();
        let api_of = |r: &Resource| {
            t.prop_str(r, "RestApiId")
                .and_then(|id| api_logical_by_id.get(&id).cloned())
        };
        // Each child's API resolved once, not once per API: API logical id -> children, in
        // template order.
        let by_api = |keep: &dyn Fn(&Resource) -> bool| children_by_api(resources, keep, api_of);
        let methods_by_api = by_api(&|r| r.kind == "AWS::ApiGateway::Method");
        let authorizers_by_api = by_api(&|r| r.kind == "AWS::ApiGateway::Authorizer");
        let stages_by_api = by_api(&|s| {
            s.kind == "AWS::ApiGateway::Stage"
                || (s.kind == "AWS::ApiGateway::Deployment" && s.props.get("StageName").is_some())
        });
        let web_acls = web_acls_by_resource(t, resources);

        // Resource tree: id -> (parent id, path part).
        let mut tree: HashMap<String, (String, String)> = HashMap::new();
        for r in of_kind("AWS::ApiGateway::Resource") {
            let (Some(id), Some(parent), Some(part)) = (
                t.physical(&r.logical).map(|p| p.reference),
                t.prop_str(r, "ParentId"),
                t.prop_str(r, "PathPart"),
            ) else {
                continue;
            };
            tree.insert(id, (parent, part));
        }
        let path_of = |id: &str, root: &str| -> Option<String> {
            let mut parts = Vec::new();
            let mut current = id.to_owned();
            for _ in 0..64 {
                if current == root {
                    parts.reverse();
                    return Some(format!("/{}", parts.join("/")));
                }
                let (parent, part) = tree.get(&current)?;
                parts.push(part.clone());
                current = parent.clone();
            }
            None
        };

        for api in of_kind("AWS::ApiGateway::RestApi") {
            let Some(physical) = t.physical(&api.logical) else {
                continue;
            };
            let id = physical.reference.clone();
            let arn = physical.arn.clone().unwrap_or_default();
            let root = root_id(&api.logical);
            let body = t.prop(api, "Body");
            let mut methods: BTreeMap<String, (String, Vec<RestApiMethod>)> = BTreeMap::new();
            let mut authorizers: Vec<RestApiAuthorizer> = Vec::new();
            let mut method_positions: Vec<(String, Pos)> = Vec::new();
            let mut resources_attr: Option<Gap> = None;
            let mut policy = t.prop(api, "Policy");
            if let Some(body) = &body {
                if let Some(bad) = openapi_unresolved(body) {
                    resources_attr =
                        Some(self.unresolved("apigateway", &arn, "the OpenAPI definition", bad));
                } else {
                    let spec = OpenApi::read(body);
                    authorizers.extend(spec.rest_authorizers());
                    for (path, verb, operation, pos) in spec.operations() {
                        let rid = short_id(&[&id, &path], 10);
                        let method_arn = format!("{arn}/resources/{rid}/methods/{verb}");
                        let (authorization_type, authorizer_id, api_key_required) =
                            spec.rest_auth(operation);
                        let integration =
                            operation.get("x-amazon-apigateway-integration").map(|i| {
                                RestApiIntegration {
                                    integration_type: i.get("type").map(|n| text(n).to_uppercase()),
                                    uri: i.get("uri").map(text),
                                    connection_type: i.get("connectionType").map(text),
                                    credentials: i.get("credentials").map(text),
                                }
                            });
                        method_positions.push((method_arn.clone(), pos));
                        methods
                            .entry(path.clone())
                            .or_insert_with(|| (rid.clone(), Vec::new()))
                            .1
                            .push(RestApiMethod {
                                http_method: verb,
                                arn: method_arn,
                                authorization_type,
                                authorizer_id,
                                api_key_required,
                                integration,
                            });
                    }
                    if policy.is_none() {
                        policy = body.get("x-amazon-apigateway-policy").cloned();
                    }
                }
            } else if api.props.get("BodyS3Location").is_some() {
                let gap = self.gap(
                    "apigateway",
                    &arn,
                    api.pos,
                    GapKind::Unsupported,
                    "DefinitionInS3",
                    definition_elsewhere(api),
                );
                self.out.gaps.push(gap.clone());
                resources_attr = Some(gap);
            }
            // Methods declared as resources.
            for &m in methods_by_api.get(&api.logical).into_iter().flatten() {
                let Some(resource_id) = t.prop_str(m, "ResourceId") else {
                    continue;
                };
                let Some(path) = path_of(&resource_id, &root) else {
                    continue;
                };
                let verb = t
                    .prop_str(m, "HttpMethod")
                    .unwrap_or_else(|| "ANY".to_owned())
                    .to_uppercase();
                let rid = if resource_id == root {
                    short_id(&[&id, "/"], 10)
                } else {
                    resource_id.clone()
                };
                let method_arn = format!("{arn}/resources/{rid}/methods/{verb}");
                let integration = t.prop(m, "Integration").map(|i| RestApiIntegration {
                    integration_type: i.get("Type").map(text),
                    uri: i.get("Uri").map(text),
                    connection_type: i.get("ConnectionType").map(text),
                    credentials: i.get("Credentials").map(text),
                });
                let mut attributes = BTreeMap::new();
                for (key, prop) in [
                    ("authorization_type", "AuthorizationType"),
                    ("api_key_required", "ApiKeyRequired"),
                ] {
                    if let Some(n) = m.props.get(prop) {
                        attributes.insert(key.to_owned(), pos_of(n.pos));
                    }
                    // A method whose authorization cannot be resolved makes the API's
                    // methods unknown (the model has no unknown for one method).
                    if let Some(n) = t.prop(m, prop)
                        && n.first_unresolved().is_some()
                        && resources_attr.is_none()
                    {
                        resources_attr = Some(self.unresolved(
                            "apigateway",
                            &arn,
                            &format!("{prop} of the method {}", m.logical),
                            &n,
                        ));
                    }
                }
                self.locate(&method_arn, &m.logical, m.pos, attributes);
                methods
                    .entry(path)
                    .or_insert_with(|| (rid, Vec::new()))
                    .1
                    .push(RestApiMethod {
                        http_method: verb,
                        arn: method_arn,
                        authorization_type: t
                            .prop_str(m, "AuthorizationType")
                            .unwrap_or_else(|| "NONE".to_owned()),
                        authorizer_id: t.prop_str(m, "AuthorizerId"),
                        api_key_required: t
                            .prop(m, "ApiKeyRequired")
                            .and_then(|n| n.as_bool())
                            .unwrap_or(false),
                        integration,
                    });
            }
            for (method_arn, pos) in method_positions {
                self.locate(&method_arn, &api.logical, pos, BTreeMap::new());
            }
            for &a in authorizers_by_api.get(&api.logical).into_iter().flatten() {
                authorizers.push(RestApiAuthorizer {
                    id: t
                        .physical(&a.logical)
                        .map(|p| p.reference)
                        .unwrap_or_default(),
                    name: t.prop_str(a, "Name"),
                    authorizer_type: t.prop_str(a, "Type"),
                    authorizer_uri: t.prop_str(a, "AuthorizerUri"),
                    provider_arns: strings(t.prop(a, "ProviderARNs").as_ref()),
                });
            }
            let mut resource_list: Vec<RestApiResource> = methods
                .into_iter()
                .map(|(path, (rid, mut methods))| {
                    methods.sort_by(|a, b| a.http_method.cmp(&b.http_method));
                    RestApiResource {
                        id: rid,
                        path,
                        methods,
                    }
                })
                .collect();
            if !resource_list.iter().any(|r| r.path == "/") {
                resource_list.push(RestApiResource {
                    id: short_id(&[&id, "/"], 10),
                    path: "/".to_owned(),
                    methods: Vec::new(),
                });
            }
            resource_list.sort_by(|a, b| a.path.cmp(&b.path));

            // Stages: Stage resources, and Deployments that name a stage.
            let mut stages = Vec::new();
            for &s in stages_by_api.get(&api.logical).into_iter().flatten() {
                let props = if s.kind == "AWS::ApiGateway::Deployment" {
                    s.props
                        .get("StageDescription")
                        .cloned()
                        .unwrap_or_else(|| Node::new(s.pos, Kind::Map(Vec::new())))
                } else {
                    s.props.clone()
                };
                let name = t
                    .prop_str(s, "StageName")
                    .unwrap_or_else(|| "stage".to_owned());
                let stage_arn = format!("{arn}/stages/{name}");
                let web_acl_arn = web_acls.get(&stage_arn).cloned().flatten();
                let stage = self.rest_stage(&props, &name, &stage_arn, s, web_acl_arn);
                stages.push(stage);
            }
            let policy_text = match policy {
                None => Ok(None),
                Some(p) => match p.as_str() {
                    Some(s) => Ok(Some(s.to_owned())),
                    None => self.document(&p).map(Some),
                },
            };
            let policy = match policy_text {
                Ok(p) => p,
                Err(bad) => {
                    self.unresolved("apigateway", &arn, "the API's resource policy", &bad);
                    None
                }
            };
            let mut tags = tags_of(t.prop(api, "Tags").as_ref());
            self.stack_tags(&api.logical, &mut tags);
            let mut attributes = BTreeMap::new();
            if let Some(n) = api.props.get("Policy") {
                attributes.insert("policy".to_owned(), pos_of(n.pos));
            }
            self.locate(&arn, &api.logical, api.pos, attributes);
            let name = t
                .prop_str(api, "Name")
                .or_else(|| {
                    body.as_ref()
                        .and_then(|b| b.path("info.title"))
                        .and_then(|n| n.as_str().map(str::to_owned))
                })
                .unwrap_or(physical.name);
            self.out
                .rest_apis
                .entry(t.region.clone())
                .or_default()
                .push(RestApi {
                    id: id.clone(),
                    name,
                    arn: arn.clone(),
                    region: t.region.clone(),
                    description: t.prop_str(api, "Description"),
                    created: Some(self.now),
                    endpoint_types: {
                        let types = strings(t.prop(api, "EndpointConfiguration.Types").as_ref());
                        if types.is_empty() {
                            vec!["EDGE".to_owned()]
                        } else {
                            types
                        }
                    },
                    vpc_endpoint_ids: strings(
                        t.prop(api, "EndpointConfiguration.VpcEndpointIds").as_ref(),
                    ),
                    api_key_source: Some(
                        t.prop_str(api, "ApiKeySourceType")
                            .unwrap_or_else(|| "HEADER".to_owned()),
                    ),
                    disable_execute_api_endpoint: t
                        .prop(api, "DisableExecuteApiEndpoint")
                        .and_then(|n| n.as_bool())
                        .unwrap_or(false),
                    policy,
                    tags,
                    stages: Attr::Known(stages),
                    resources: match resources_attr {
                        Some(gap) => Attr::Unavailable(Box::new(gap)),
                        None => Attr::Known(resource_list),
                    },
                    authorizers: Attr::Known(authorizers),
                });
        }

        // Usage plans, API keys and custom domains.
        for p in of_kind("AWS::ApiGateway::UsagePlan") {
            let throttle = |n: &Node| -> Option<Throttle> {
                let burst = int(n.get("BurstLimit"));
                let rate = n.get("RateLimit").and_then(Node::as_f64);
                (burst.is_some() || rate.is_some()).then_some(Throttle {
                    burst_limit: burst,
                    rate_limit: rate,
                })
            };
            let plan = UsagePlan {
                id: short_id(&[&t.file, &p.logical], 6),
                name: t.prop_str(p, "UsagePlanName"),
                region: t.region.clone(),
                api_stages: t
                    .prop(p, "ApiStages")
                    .map(|s| {
                        s.items()
                            .into_iter()
                            .map(|s| UsagePlanStage {
                                api_id: s.get("ApiId").map(text).unwrap_or_default(),
                                stage: s.get("Stage").map(text).unwrap_or_default(),
                                throttle: s
                                    .get("Throttle")
                                    .and_then(Node::as_map)
                                    .unwrap_or_default()
                                    .iter()
                                    .filter_map(|(k, v)| Some((k.clone(), throttle(v)?)))
                                    .collect(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                throttle: t.prop(p, "Throttle").as_ref().and_then(throttle),
                quota_limit: int(t.prop(p, "Quota.Limit").as_ref()),
                quota_period: t.prop_str(p, "Quota.Period"),
            };
            self.out
                .usage_plans
                .entry(t.region.clone())
                .or_default()
                .push(plan);
        }
        for k in of_kind("AWS::ApiGateway::ApiKey") {
            let id = short_id(&[&t.file, &k.logical], 10);
            let arn = format!("arn:{}:apigateway:{}::/apikeys/{id}", t.partition, t.region);
            self.locate(&arn, &k.logical, k.pos, BTreeMap::new());
            self.out
                .api_keys
                .entry(t.region.clone())
                .or_default()
                .push(ApiKey {
                    id,
                    name: t.prop_str(k, "Name"),
                    arn,
                    region: t.region.clone(),
                    enabled: t
                        .prop(k, "Enabled")
                        .and_then(|n| n.as_bool())
                        .unwrap_or(false),
                    created: Some(self.now),
                    last_updated: Some(self.now),
                    stage_keys: Vec::new(),
                });
        }
        for d in of_kind("AWS::ApiGateway::DomainName") {
            let name = t
                .prop_str(d, "DomainName")
                .unwrap_or_else(|| d.logical.clone());
            let arn = format!(
                "arn:{}:apigateway:{}::/domainnames/{name}",
                t.partition, t.region
            );
            let mut attributes = BTreeMap::new();
            if let Some(n) = d.props.get("SecurityPolicy") {
                attributes.insert("security_policy".to_owned(), pos_of(n.pos));
            }
            self.locate(&arn, &d.logical, d.pos, attributes);
            // Without SecurityPolicy, API Gateway applies TLS_1_2; one that could not be
            // resolved is not reported (the check says unknown).
            let security_policy = match t.prop(d, "SecurityPolicy") {
                None => Some("TLS_1_2".to_owned()),
                Some(n) => match n.as_str() {
                    Some(s) => Some(s.to_owned()),
                    None => {
                        self.unresolved("apigateway", &arn, "SecurityPolicy", &n);
                        None
                    }
                },
            };
            self.out
                .domain_names
                .entry(t.region.clone())
                .or_default()
                .push(DomainName {
                    name,
                    arn,
                    region: t.region.clone(),
                    security_policy,
                    endpoint_types: strings(t.prop(d, "EndpointConfiguration.Types").as_ref()),
                    certificate_arn: t
                        .prop_str(d, "RegionalCertificateArn")
                        .or_else(|| t.prop_str(d, "CertificateArn")),
                    // Base path mappings are not read from templates: which APIs the domain
                    // serves is unknown, not "none".
                    base_path_mappings: Attr::Unavailable(Box::new(Gap {
                        service: "apigateway".to_owned(),
                        region: Some(t.region.clone()),
                        operation: "template".to_owned(),
                        resource: Some(d.logical.clone()),
                        kind: GapKind::Unsupported,
                        error_code: "NotReadFromTemplates".to_owned(),
                        message: "base path mappings are not read from templates".to_owned(),
                        request_id: None,
                    })),
                });
        }
    }

    fn rest_stage(
        &mut self,
        props: &Node,
        name: &str,
        stage_arn: &str,
        s: &Resource,
        web_acl_arn: Option<String>,
    ) -> RestApiStage {
        let t = self.t;
        let p = t.resolve(props);
        let mut method_settings = BTreeMap::new();
        for m in p.get("MethodSettings").map(Node::items).unwrap_or_default() {
            let path = m.get("ResourcePath").map_or_else(|| "/*".to_owned(), text);
            let verb = m.get("HttpMethod").map_or_else(|| "*".to_owned(), text);
            let key = if path == "/*" {
                format!("*/{verb}")
            } else {
                format!("{}/{verb}", path.trim_start_matches('/').replace('/', "~1"))
            };
            method_settings.insert(
                key,
                MethodSetting {
                    throttling_burst_limit: int(m.get("ThrottlingBurstLimit")),
                    throttling_rate_limit: m.get("ThrottlingRateLimit").and_then(Node::as_f64),
                    caching_enabled: m
                        .get("CachingEnabled")
                        .and_then(Node::as_bool)
                        .unwrap_or(false),
                    cache_data_encrypted: m
                        .get("CacheDataEncrypted")
                        .and_then(Node::as_bool)
                        .unwrap_or(false),
                    cache_ttl_seconds: int(m.get("CacheTtlInSeconds")),
                    logging_level: Some(
                        m.get("LoggingLevel").map_or_else(|| "OFF".to_owned(), text),
                    ),
                    metrics_enabled: m
                        .get("MetricsEnabled")
                        .and_then(Node::as_bool)
                        .unwrap_or(false),
                    data_trace_enabled: m
                        .get("DataTraceEnabled")
                        .and_then(Node::as_bool)
                        .unwrap_or(false),
                    require_authorization_for_cache_control: false,
                },
            );
        }
        let variables: Vec<(String, String)> = p
            .get("Variables")
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| (k.clone(), text(v)))
            .collect();
        let mut attributes = BTreeMap::new();
        for (key, prop) in [
            ("tracing_enabled", "TracingEnabled"),
            ("access_log", "AccessLogSetting"),
            ("method_settings", "MethodSettings"),
            ("client_certificate_id", "ClientCertificateId"),
            ("variables", "Variables"),
        ] {
            if let Some(n) = props.get(prop) {
                attributes.insert(key.to_owned(), pos_of(n.pos));
            }
        }
        self.locate(stage_arn, &s.logical, s.pos, attributes);
        let mut tags = tags_of(p.get("Tags"));
        self.stack_tags(&s.logical, &mut tags);
        RestApiStage {
            name: name.to_owned(),
            arn: stage_arn.to_owned(),
            deployment_id: None,
            // A template's stage serves what the template declares: no separate snapshot.
            deployment: None,
            cache_cluster_enabled: p
                .get("CacheClusterEnabled")
                .and_then(Node::as_bool)
                .unwrap_or(false),
            cache_cluster_size: p.get("CacheClusterSize").map(text),
            tracing_enabled: p
                .get("TracingEnabled")
                .and_then(Node::as_bool)
                .unwrap_or(false),
            web_acl_arn,
            client_certificate_id: p.get("ClientCertificateId").map(text),
            access_log: p.get("AccessLogSetting").map(|l| AccessLogSettings {
                destination_arn: l.get("DestinationArn").map(text),
                format: l.get("Format").map(text),
            }),
            method_settings,
            variables: self.redact(&variables),
            tags,
            created: Some(self.now),
            last_updated: Some(self.now),
        }
    }

    // ---------------------------------------------------------------- API Gateway (HTTP)

    fn http_apis(&mut self, resources: &[&Resource]) {
        let t = self.t;
        let of_kind = |kind: &'static str| of_kind(resources, kind);
        let by_id: HashMap<String, String> = of_kind("AWS::ApiGatewayV2::Api")
            .filter_map(|r| Some((t.physical(&r.logical)?.reference, r.logical.clone())))
            .collect();
        let api_of = |r: &Resource| {
            t.prop_str(r, "ApiId")
                .and_then(|id| by_id.get(&id).cloned())
        };
        // Each child's API resolved once, not once per API.
        let by_api = |kind: &'static str| children_by_api(resources, &|r| r.kind == kind, api_of);
        let integrations_by_api = by_api("AWS::ApiGatewayV2::Integration");
        let routes_by_api = by_api("AWS::ApiGatewayV2::Route");
        let stages_by_api = by_api("AWS::ApiGatewayV2::Stage");
        for api in of_kind("AWS::ApiGatewayV2::Api") {
            let Some(physical) = t.physical(&api.logical) else {
                continue;
            };
            let id = physical.reference.clone();
            let arn = physical.arn.clone().unwrap_or_default();
            let mut routes = Vec::new();
            let mut integrations = Vec::new();
            let mut stages = Vec::new();
            let mut unavailable: Option<Gap> = None;
            if let Some(body) = t.prop(api, "Body") {
                if let Some(bad) = openapi_unresolved(&body) {
                    unavailable =
                        Some(self.unresolved("apigateway", &arn, "the OpenAPI definition", bad));
                } else {
                    let spec = OpenApi::read(&body);
                    for (path, verb, operation, pos) in spec.operations() {
                        let route_key = if verb == "ANY" && path == "$default" {
                            "$default".to_owned()
                        } else {
                            format!("{verb} {path}")
                        };
                        let rid = short_id(&[&id, &route_key], 7);
                        let route_arn = format!("{arn}/routes/{rid}");
                        let (authorization_type, authorizer_id) = spec.http_auth(operation);
                        let target = operation.get("x-amazon-apigateway-integration").map(|i| {
                            let iid = short_id(&[&id, &route_key, "integration"], 7);
                            integrations.push(HttpApiIntegration {
                                id: iid.clone(),
                                integration_type: i.get("type").map(|n| text(n).to_uppercase()),
                                uri: i.get("uri").map(text),
                                connection_type: i.get("connectionType").map(text),
                            });
                            format!("integrations/{iid}")
                        });
                        self.locate(&route_arn, &api.logical, pos, BTreeMap::new());
                        routes.push(HttpApiRoute {
                            id: rid,
                            arn: route_arn,
                            route_key,
                            authorization_type: Some(authorization_type),
                            authorizer_id,
                            api_key_required: false,
                            target,
                        });
                    }
                }
            } else if api.props.get("BodyS3Location").is_some() {
                let gap = self.gap(
                    "apigateway",
                    &arn,
                    api.pos,
                    GapKind::Unsupported,
                    "DefinitionInS3",
                    definition_elsewhere(api),
                );
                self.out.gaps.push(gap.clone());
                unavailable = Some(gap);
            }
            // Quick create: Target makes a $default route, an integration and a stage.
            if let Some(target) = t.prop(api, "Target") {
                let iid = short_id(&[&id, "quick"], 7);
                integrations.push(HttpApiIntegration {
                    id: iid.clone(),
                    integration_type: Some("AWS_PROXY".to_owned()),
                    uri: Some(text(&target)),
                    connection_type: Some("INTERNET".to_owned()),
                });
                let route_key = t
                    .prop_str(api, "RouteKey")
                    .unwrap_or_else(|| "$default".to_owned());
                let rid = short_id(&[&id, &route_key], 7);
                let route_arn = format!("{arn}/routes/{rid}");
                self.locate(&route_arn, &api.logical, api.pos, BTreeMap::new());
                routes.push(HttpApiRoute {
                    id: rid,
                    arn: route_arn,
                    route_key,
                    authorization_type: Some("NONE".to_owned()),
                    authorizer_id: None,
                    api_key_required: false,
                    target: Some(format!("integrations/{iid}")),
                });
                let stage_arn = format!("{arn}/stages/$default");
                self.locate(&stage_arn, &api.logical, api.pos, BTreeMap::new());
                stages.push(HttpApiStage {
                    name: "$default".to_owned(),
                    arn: stage_arn,
                    auto_deploy: true,
                    default_route_throttle: None,
                    route_throttles: BTreeMap::new(),
                    access_log: None,
                    variables: Vec::new(),
                    tags: Tags::new(),
                });
            }
            let integration_ids: HashMap<String, String> = integrations_by_api
                .get(&api.logical)
                .into_iter()
                .flatten()
                .filter_map(|&i| {
                    let iid = t.physical(&i.logical)?.reference;
                    integrations.push(HttpApiIntegration {
                        id: iid.clone(),
                        integration_type: t.prop_str(i, "IntegrationType"),
                        uri: t.prop(i, "IntegrationUri").map(|n| text(&n)),
                        connection_type: t.prop_str(i, "ConnectionType"),
                    });
                    Some((i.logical.clone(), iid))
                })
                .collect();
            let _ = integration_ids;
            for &route in routes_by_api.get(&api.logical).into_iter().flatten() {
                let rid = t
                    .physical(&route.logical)
                    .map(|p| p.reference)
                    .unwrap_or_default();
                let route_arn = format!("{arn}/routes/{rid}");
                let mut attributes = BTreeMap::new();
                if let Some(n) = route.props.get("AuthorizationType") {
                    attributes.insert("authorization_type".to_owned(), pos_of(n.pos));
                }
                for prop in ["AuthorizationType", "RouteKey", "ApiKeyRequired"] {
                    if let Some(n) = t.prop(route, prop)
                        && n.first_unresolved().is_some()
                        && unavailable.is_none()
                    {
                        unavailable = Some(self.unresolved(
                            "apigateway",
                            &arn,
                            &format!("{prop} of the route {}", route.logical),
                            &n,
                        ));
                    }
                }
                self.locate(&route_arn, &route.logical, route.pos, attributes);
                routes.push(HttpApiRoute {
                    id: rid,
                    arn: route_arn,
                    route_key: t
                        .prop_str(route, "RouteKey")
                        .unwrap_or_else(|| "$default".to_owned()),
                    authorization_type: Some(
                        t.prop_str(route, "AuthorizationType")
                            .unwrap_or_else(|| "NONE".to_owned()),
                    ),
                    authorizer_id: t.prop_str(route, "AuthorizerId"),
                    api_key_required: t
                        .prop(route, "ApiKeyRequired")
                        .and_then(|n| n.as_bool())
                        .unwrap_or(false),
                    target: t.prop_str(route, "Target"),
                });
            }
            for &s in stages_by_api.get(&api.logical).into_iter().flatten() {
                let name = t
                    .prop_str(s, "StageName")
                    .unwrap_or_else(|| "$default".to_owned());
                let stage_arn = format!("{arn}/stages/{name}");
                let throttle = |n: &Node| -> Option<Throttle> {
                    let burst = int(n.get("ThrottlingBurstLimit"));
                    let rate = n.get("ThrottlingRateLimit").and_then(Node::as_f64);
                    (burst.is_some() || rate.is_some()).then_some(Throttle {
                        burst_limit: burst,
                        rate_limit: rate,
                    })
                };
                let variables: Vec<(String, String)> = t
                    .prop(s, "StageVariables")
                    .and_then(|v| {
                        v.as_map()
                            .map(|m| m.iter().map(|(k, v)| (k.clone(), text(v))).collect())
                    })
                    .unwrap_or_default();
                let mut attributes = BTreeMap::new();
                for (key, prop) in [
                    ("default_route_throttle", "DefaultRouteSettings"),
                    ("access_log", "AccessLogSettings"),
                ] {
                    if let Some(n) = s.props.get(prop) {
                        attributes.insert(key.to_owned(), pos_of(n.pos));
                    }
                }
                self.locate(&stage_arn, &s.logical, s.pos, attributes);
                let mut tags = tags_of(t.prop(s, "Tags").as_ref());
                self.stack_tags(&s.logical, &mut tags);
                stages.push(HttpApiStage {
                    name,
                    arn: stage_arn,
                    auto_deploy: t
                        .prop(s, "AutoDeploy")
                        .and_then(|n| n.as_bool())
                        .unwrap_or(false),
                    default_route_throttle: t
                        .prop(s, "DefaultRouteSettings")
                        .as_ref()
                        .and_then(throttle),
                    route_throttles: t
                        .prop(s, "RouteSettings")
                        .and_then(|m| {
                            m.as_map().map(|m| {
                                m.iter()
                                    .filter_map(|(k, v)| Some((k.clone(), throttle(v)?)))
                                    .collect()
                            })
                        })
                        .unwrap_or_default(),
                    access_log: t.prop(s, "AccessLogSettings").map(|l| AccessLogSettings {
                        destination_arn: l.get("DestinationArn").map(text),
                        format: l.get("Format").map(text),
                    }),
                    variables: self.redact(&variables),
                    tags,
                });
            }
            let mut tags = tags_of(t.prop(api, "Tags").as_ref());
            self.stack_tags(&api.logical, &mut tags);
            self.locate(&arn, &api.logical, api.pos, BTreeMap::new());
            let (routes, integrations) = match unavailable {
                Some(gap) => (
                    Attr::Unavailable(Box::new(gap.clone())),
                    Attr::Unavailable(Box::new(gap)),
                ),
                None => (Attr::Known(routes), Attr::Known(integrations)),
            };
            self.out
                .http_apis
                .entry(t.region.clone())
                .or_default()
                .push(HttpApi {
                    id: id.clone(),
                    name: t.prop_str(api, "Name").unwrap_or(physical.name),
                    arn,
                    region: t.region.clone(),
                    protocol_type: Some(
                        t.prop_str(api, "ProtocolType")
                            .unwrap_or_else(|| "HTTP".to_owned()),
                    ),
                    api_endpoint: physical.attributes.get("ApiEndpoint").cloned(),
                    description: t.prop_str(api, "Description"),
                    disable_execute_api_endpoint: t
                        .prop(api, "DisableExecuteApiEndpoint")
                        .and_then(|n| n.as_bool())
                        .unwrap_or(false),
                    cors_allow_origins: strings(
                        t.prop(api, "CorsConfiguration.AllowOrigins").as_ref(),
                    ),
                    tags,
                    routes,
                    integrations,
                    stages: Attr::Known(stages),
                });
        }
    }
}

fn of_kind<'a>(
    resources: &'a [&'a Resource],
    kind: &'static str,
) -> impl Iterator<Item = &'a Resource> + 'a {
    resources.iter().filter(move |r| r.kind == kind).copied()
}

/// The resources `keep` selects, grouped by the logical id of the API `api_of` says they
/// belong to, in template order; those of no known API are left out.
fn children_by_api<'a>(
    resources: &[&'a Resource],
    keep: &dyn Fn(&Resource) -> bool,
    api_of: impl Fn(&Resource) -> Option<String>,
) -> HashMap<String, Vec<&'a Resource>> {
    let mut children: HashMap<String, Vec<&'a Resource>> = HashMap::new();
    for &r in resources.iter().filter(|r| keep(r)) {
        if let Some(api) = api_of(r) {
            children.entry(api).or_default().push(r);
        }
    }
    children
}

/// `ResourceArn` -> `WebACLArn` of the first WAF association that names it.
fn web_acls_by_resource(t: &Template, resources: &[&Resource]) -> HashMap<String, Option<String>> {
    let mut web_acls = HashMap::new();
    for w in of_kind(resources, "AWS::WAFv2::WebACLAssociation") {
        if let Some(target) = t.prop_str(w, "ResourceArn") {
            web_acls
                .entry(target)
                .or_insert_with(|| t.prop_str(w, "WebACLArn"));
        }
    }
    web_acls
}

/// An unresolved value in a policy that cannot be trusted: anything but a string inside
/// `Resource`/`NotResource` that kept a known part.
fn untrusted(node: &Node, in_resource: bool) -> Option<&Node> {
    match &node.kind {
        Kind::Unresolved(u) => {
            let tolerable = in_resource
                && u.partial
                    .as_deref()
                    .is_some_and(|p| p.starts_with("arn:") && !p.starts_with("<unresolved"));
            (!tolerable).then_some(node)
        }
        Kind::Seq(items) => items.iter().find_map(|n| untrusted(n, in_resource)),
        Kind::Map(entries) => entries
            .iter()
            .find_map(|(k, v)| untrusted(v, in_resource || k == "Resource" || k == "NotResource")),
        _ => None,
    }
}

/// Why an API's definition is not read: in S3 (`BodyS3Location`), or in a file SAM's
/// `AWS::Include` names that is not beside the template.
fn definition_elsewhere(api: &Resource) -> String {
    match api.props.get("BodyS3Location").and_then(Node::as_str) {
        Some(location) if !location.starts_with("s3://") => format!(
            "the API's OpenAPI definition is included from {location}, which is not read (not a file inside the scanned directory, or larger than 4 MiB, or not YAML or JSON): its routes are unknown"
        ),
        _ => {
            "the API's OpenAPI definition is in S3 (BodyS3Location), not in the template".to_owned()
        }
    }
}

fn openapi_unresolved(body: &Node) -> Option<&Node> {
    // Unresolved integration URIs are tolerated (they only name the backend); unresolved
    // paths, methods or security are not.
    fn walk(node: &Node, in_integration: bool) -> Option<&Node> {
        match &node.kind {
            Kind::Unresolved(_) if !in_integration => Some(node),
            Kind::Seq(items) => items.iter().find_map(|n| walk(n, in_integration)),
            Kind::Map(entries) => entries.iter().find_map(|(k, v)| {
                walk(
                    v,
                    in_integration
                        || k == "x-amazon-apigateway-integration"
                        || k == "description"
                        || k == "info",
                )
            }),
            _ => None,
        }
    }
    // A whole definition that could not be read (an include, a parameter) is unknown too.
    if matches!(body.kind, Kind::Unresolved(_)) {
        return Some(body);
    }
    walk(body.get("paths")?, false)
}

/// A resolved OpenAPI (2 or 3) definition with API Gateway's extensions.
struct OpenApi<'a> {
    body: &'a Node,
}

const VERBS: &[&str] = &[
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "x-amazon-apigateway-any-method",
];

impl<'a> OpenApi<'a> {
    fn read(body: &'a Node) -> Self {
        OpenApi { body }
    }

    fn schemes(&self) -> Vec<(&'a str, &'a Node)> {
        let defs = self
            .body
            .get("securityDefinitions")
            .or_else(|| self.body.path("components.securitySchemes"));
        defs.and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .collect()
    }

    fn operations(&self) -> Vec<(String, String, &'a Node, Pos)> {
        let mut out = Vec::new();
        for (path, item) in self
            .body
            .get("paths")
            .and_then(Node::as_map)
            .unwrap_or_default()
        {
            for (verb, operation) in item.as_map().unwrap_or_default() {
                let verb = verb.to_ascii_lowercase();
                if !VERBS.contains(&verb.as_str()) {
                    continue;
                }
                let verb = if verb == "x-amazon-apigateway-any-method" {
                    "ANY".to_owned()
                } else {
                    verb.to_uppercase()
                };
                out.push((path.clone(), verb, operation, operation.pos));
            }
        }
        out
    }

    fn requirements(&self, operation: &'a Node) -> Vec<Vec<&'a str>> {
        let security = operation
            .get("security")
            .or_else(|| self.body.get("security"));
        security
            .map(|s| {
                s.items()
                    .into_iter()
                    .map(|req| {
                        req.as_map()
                            .unwrap_or_default()
                            .iter()
                            .map(|(k, _)| k.as_str())
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// (authorization type, authorizer id, API key required) of an operation.
    fn rest_auth(&self, operation: &'a Node) -> (String, Option<String>, bool) {
        let schemes = self.schemes();
        let mut authorization = "NONE".to_owned();
        let mut authorizer = None;
        let mut api_key = false;
        // The first alternative is what API Gateway applies.
        for name in self
            .requirements(operation)
            .into_iter()
            .next()
            .unwrap_or_default()
        {
            let Some((_, scheme)) = schemes.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            let auth_type = scheme
                .get("x-amazon-apigateway-authtype")
                .map(text)
                .unwrap_or_default()
                .to_lowercase();
            let kind = scheme.get("type").map(text).unwrap_or_default();
            if auth_type == "awssigv4" {
                authorization = "AWS_IAM".to_owned();
            } else if let Some(a) = scheme.get("x-amazon-apigateway-authorizer") {
                let t = a.get("type").map(text).unwrap_or_default().to_lowercase();
                authorization = if t == "cognito_user_pools" {
                    "COGNITO_USER_POOLS"
                } else {
                    "CUSTOM"
                }
                .to_owned();
                authorizer = Some(name.to_owned());
            } else if auth_type == "cognito_user_pools" {
                authorization = "COGNITO_USER_POOLS".to_owned();
                authorizer = Some(name.to_owned());
            } else if kind == "apiKey" {
                api_key = true;
            }
        }
        if operation
            .path("x-amazon-apigateway-auth.type")
            .and_then(Node::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("AWS_IAM"))
        {
            authorization = "AWS_IAM".to_owned();
        }
        (authorization, authorizer, api_key)
    }

    fn http_auth(&self, operation: &'a Node) -> (String, Option<String>) {
        let schemes = self.schemes();
        for name in self
            .requirements(operation)
            .into_iter()
            .next()
            .unwrap_or_default()
        {
            let Some((_, scheme)) = schemes.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            if let Some(a) = scheme.get("x-amazon-apigateway-authorizer") {
                let t = a.get("type").map(text).unwrap_or_default().to_lowercase();
                let kind = if t == "jwt" { "JWT" } else { "CUSTOM" };
                return (kind.to_owned(), Some(name.to_owned()));
            }
            if scheme
                .get("x-amazon-apigateway-authtype")
                .map(text)
                .unwrap_or_default()
                .eq_ignore_ascii_case("awsSigv4")
            {
                return ("AWS_IAM".to_owned(), None);
            }
        }
        if operation
            .path("x-amazon-apigateway-auth.type")
            .and_then(Node::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("AWS_IAM"))
        {
            return ("AWS_IAM".to_owned(), None);
        }
        ("NONE".to_owned(), None)
    }

    fn rest_authorizers(&self) -> Vec<RestApiAuthorizer> {
        self.schemes()
            .into_iter()
            .filter_map(|(name, scheme)| {
                let a = scheme.get("x-amazon-apigateway-authorizer")?;
                Some(RestApiAuthorizer {
                    id: name.to_owned(),
                    name: Some(name.to_owned()),
                    authorizer_type: a.get("type").map(|n| text(n).to_uppercase()),
                    authorizer_uri: a.get("authorizerUri").map(text),
                    provider_arns: strings(a.get("providerARNs")),
                })
            })
            .collect()
    }
}

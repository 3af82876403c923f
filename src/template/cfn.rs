//! A CloudFormation template (YAML or JSON; CDK synth output is one too): its parameters,
//! mappings, conditions and resources, and the names and ARNs its resources would get, made
//! up from the account and region placeholders the way CloudFormation makes physical names
//! (`STACK-LogicalId`), so `Ref` and `Fn::GetAtt` resolve to something the checks can follow.

use super::yaml::{Kind, Node, Pos};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone)]
pub(crate) struct Resource {
    pub(crate) logical: String,
    pub(crate) kind: String,
    /// As written (intrinsics unresolved).
    pub(crate) props: Node,
    pub(crate) pos: Pos,
    pub(crate) condition: Option<String>,
}

pub(crate) struct Template {
    /// Relative to the scanned root.
    pub(crate) file: String,
    pub(crate) stack: String,
    pub(crate) region: String,
    pub(crate) account: String,
    pub(crate) partition: String,
    pub(crate) parameters: BTreeMap<String, Node>,
    pub(crate) mappings: Option<Node>,
    pub(crate) conditions: BTreeMap<String, Node>,
    pub(crate) resources: Vec<Resource>,
    index: HashMap<String, usize>,
    /// Identifiers a source already knows (a Terraform plan of resources that exist), by
    /// logical id: they replace the made-up ones so references and known values agree.
    pub(crate) known: HashMap<String, Known>,
    /// What could not be read, as explicit unknowns: (logical id or key, where, why).
    pub(crate) notes: Vec<(String, Pos, String)>,
    physical: RefCell<HashMap<String, Option<Physical>>>,
    in_progress: RefCell<HashSet<String>>,
    /// Conditions and `Fn::FindInMap` values already evaluated: used twice by each of their
    /// users, they are otherwise evaluated an exponential number of times. (One left unknown by
    /// the depth bound where it was first met stays unknown: never a wrong value.)
    pub(crate) decided: RefCell<HashMap<String, Option<bool>>>,
    pub(crate) found_in_map: RefCell<HashMap<[String; 3], Node>>,
    /// Resolution steps left: intrinsics that refer to each other twice per level (`Fn::And`
    /// of one condition twice, `Fn::Sub` of `${a}${a}`) do exponential work in a small file.
    pub(crate) steps_left: Cell<u64>,
    /// Values made by `Fn::ForEach` so far, and whether the bound stopped it.
    generated_nodes: usize,
    generation_stopped: bool,
}

/// Resolution steps per template: far above what a 64 MiB template needs resolved once per
/// property read, far below what an exponential one asks for.
pub(crate) const MAX_RESOLUTION_STEPS: u64 = 50_000_000;
/// Resources that `Fn::ForEach` loops may make in one template (CloudFormation's own limit is
/// 500 resources per template).
const MAX_GENERATED: usize = 10_000;
/// How many resource names may refer to one another in a chain (`QueueName: !Ref Other`)
/// before the name is taken as the default one (each link is several stack frames).
const MAX_NAME_CHAIN: usize = 32;

/// What a resource's `Ref` and attributes resolve to.
#[derive(Debug, Clone)]
pub(crate) struct Physical {
    pub(crate) name: String,
    pub(crate) reference: String,
    pub(crate) arn: Option<String>,
    pub(crate) attributes: BTreeMap<&'static str, String>,
}

/// Known identifiers of one resource (see `Template::known`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Known {
    pub(crate) name: Option<String>,
    pub(crate) reference: Option<String>,
    pub(crate) arn: Option<String>,
    pub(crate) attributes: BTreeMap<&'static str, String>,
}

impl Physical {
    pub(crate) fn attribute(&self, name: &str) -> Option<String> {
        match name {
            "Arn" => self.arn.clone(),
            _ => self.attributes.get(name).cloned(),
        }
    }
}

/// FNV-1a: stable made-up identifiers (API ids, key ids) from a template's names.
pub(crate) fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// `len` lowercase base-36 characters of a hash (API Gateway ids look like this).
pub(crate) fn short_id(parts: &[&str], len: usize) -> String {
    let mut h = hash(parts);
    let mut out = String::with_capacity(len);
    for _ in 0..len {
        let digit = u32::try_from(h % 36).unwrap_or(0);
        out.push(char::from_digit(digit, 36).unwrap_or('0'));
        h /= 36;
        if h == 0 {
            h = hash(&[&out]);
        }
    }
    out
}

pub(crate) fn uuid(parts: &[&str]) -> String {
    let a = hash(parts);
    let b = hash(&[&a.to_string()]);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

#[derive(Debug, thiserror::Error)]
#[error("line {}, column {}: {message}", pos.line, pos.column)]
pub(crate) struct ShapeError {
    pub(crate) pos: Pos,
    pub(crate) message: String,
}

impl Template {
    /// `given` are `--parameter` values (pseudo-parameters `AWS::Region` and
    /// `AWS::AccountId` included).
    pub(crate) fn from_root(
        file: &str,
        stack: &str,
        root: &Node,
        given: &BTreeMap<String, String>,
        region: Option<&str>,
        account: &str,
    ) -> Result<Template, ShapeError> {
        let Some(resources) = root.get("Resources") else {
            return Err(ShapeError {
                pos: root.pos,
                message: "not a CloudFormation template: no Resources section".to_owned(),
            });
        };
        let mut notes = Vec::new();
        let entries: &[(String, Node)] = match &resources.kind {
            Kind::Map(entries) => entries,
            // `Resources:` with every entry commented out (serverless.yml), or an include
            // (`${file(...)}`, `Fn::Transform`) faascan could not read: nothing, or unknown.
            Kind::Null => &[],
            Kind::Unresolved(u) => {
                notes.push((
                    "Resources".to_owned(),
                    resources.pos,
                    format!(
                        "the Resources section cannot be read ({}): what it declares is unknown",
                        u.reason
                    ),
                ));
                &[]
            }
            _ if resources.get("Fn::Transform").is_some() => {
                notes.push((
                    "Resources".to_owned(),
                    resources.pos,
                    "the Resources section is included by Fn::Transform at deploy time: what it declares is unknown".to_owned(),
                ));
                &[]
            }
            _ => {
                return Err(ShapeError {
                    pos: resources.pos,
                    message: "Resources is not a mapping".to_owned(),
                });
            }
        };
        let mut list = Vec::with_capacity(entries.len());
        let mut loops = Vec::new();
        for (logical, body) in entries {
            if logical.starts_with("Fn::ForEach::") {
                loops.push((logical, body));
                continue;
            }
            if let Some(why) = body
                .unresolved_reason()
                .map(|u| u.reason.clone())
                .or_else(|| {
                    (body.get("Fn::Transform").is_some() && body.get("Type").is_none())
                        .then(|| "it is included by Fn::Transform at deploy time".to_owned())
                })
            {
                notes.push((
                    logical.clone(),
                    body.pos,
                    format!("the resource {logical} cannot be read ({why}): it is unknown"),
                ));
                continue;
            }
            let kind = body
                .get("Type")
                .and_then(Node::as_str)
                .ok_or_else(|| ShapeError {
                    pos: body.pos,
                    message: format!("the resource {logical} has no Type"),
                })?;
            list.push(Resource {
                logical: logical.clone(),
                kind: kind.to_owned(),
                props: body
                    .get("Properties")
                    .cloned()
                    .unwrap_or_else(|| Node::new(body.pos, Kind::Map(Vec::new()))),
                pos: body.pos,
                condition: body
                    .get("Condition")
                    .and_then(Node::as_str)
                    .map(str::to_owned),
            });
        }
        let mut template = Template::new(file, stack, given, region, account, list);
        template.notes = notes;
        template.mappings = root.get("Mappings").cloned();
        if let Some(conditions) = root.get("Conditions").and_then(Node::as_map) {
            template.conditions = conditions.iter().cloned().collect();
        }
        if let Some(parameters) = root.get("Parameters").and_then(Node::as_map) {
            for (name, declaration) in parameters {
                let value = parameter(name, declaration, given.get(name));
                template.parameters.insert(name.clone(), value);
            }
        }
        if !loops.is_empty() {
            let mut generated = Vec::new();
            for (key, body) in loops {
                template.for_each(key, body, &mut generated, 0);
            }
            for (logical, body) in generated {
                let Some(kind) = body.get("Type").and_then(Node::as_str) else {
                    template.notes.push((
                        logical.clone(),
                        body.pos,
                        format!("the resource {logical} made by Fn::ForEach has no Type"),
                    ));
                    continue;
                };
                let resource = Resource {
                    logical: logical.clone(),
                    kind: kind.to_owned(),
                    props: body
                        .get("Properties")
                        .cloned()
                        .unwrap_or_else(|| Node::new(body.pos, Kind::Map(Vec::new()))),
                    pos: body.pos,
                    condition: body
                        .get("Condition")
                        .and_then(Node::as_str)
                        .map(str::to_owned),
                };
                template.index.insert(logical, template.resources.len());
                template.resources.push(resource);
            }
        }
        Ok(template)
    }

    /// Expands `Fn::ForEach::Name: [Identifier, Collection, {Key: Fragment}]`
    /// (`AWS::LanguageExtensions`) into `generated`, nested loops included; a collection
    /// that cannot be resolved leaves a note (an explicit unknown) instead of resources.
    fn for_each(
        &mut self,
        key: &str,
        body: &Node,
        generated: &mut Vec<(String, Node)>,
        depth: usize,
    ) {
        let malformed = |t: &mut Template, why: &str| {
            t.notes
                .push((key.to_owned(), body.pos, format!("{key}: {why}")));
        };
        let Some([identifier, collection, fragment]) = body.as_seq() else {
            return malformed(self, "not a list of identifier, collection and fragment");
        };
        let (Some(identifier), Some(fragment)) = (identifier.as_str(), fragment.as_map()) else {
            return malformed(self, "not a list of identifier, collection and fragment");
        };
        if depth > 8 {
            return malformed(self, "Fn::ForEach nested too deeply");
        }
        let resolved = self.resolve(collection);
        let items: Option<Vec<String>> = match &resolved.kind {
            Kind::Seq(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => None,
        };
        let Some(items) = items else {
            let reason = resolved
                .first_unresolved()
                .map(|(u, _)| u.reason.clone())
                .unwrap_or_else(|| "not a list of strings".to_owned());
            return malformed(
                self,
                &format!(
                    "its collection cannot be resolved ({reason}): the resources it makes are unknown"
                ),
            );
        };
        for item in &items {
            for (name, template) in fragment {
                // Nested loops multiply: a few lines can ask for millions of resources. Said
                // once; the loops still open stop silently.
                if self.generation_stopped {
                    return;
                }
                if generated.len() >= MAX_GENERATED
                    || self.generated_nodes >= super::yaml::MAX_NODES
                {
                    self.generation_stopped = true;
                    return malformed(
                        self,
                        &format!(
                            "Fn::ForEach loops make more than {MAX_GENERATED} resources or {} values: the rest are unknown",
                            super::yaml::MAX_NODES
                        ),
                    );
                }
                let name = substitute_loop(name, identifier, item);
                let value = substitute_loop_node(template, identifier, item, 0);
                if name.starts_with("Fn::ForEach::") {
                    self.for_each(&name, &value, generated, depth + 1);
                } else {
                    self.generated_nodes = self.generated_nodes.saturating_add(value.size());
                    generated.push((name, value));
                }
            }
        }
    }

    pub(crate) fn new(
        file: &str,
        stack: &str,
        given: &BTreeMap<String, String>,
        region: Option<&str>,
        account: &str,
        resources: Vec<Resource>,
    ) -> Template {
        let region = given
            .get("AWS::Region")
            .map(String::as_str)
            .or(region)
            .unwrap_or("us-east-1")
            .to_owned();
        let account = given
            .get("AWS::AccountId")
            .map_or(account, String::as_str)
            .to_owned();
        let partition = if region.starts_with("cn-") {
            "aws-cn"
        } else if region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        };
        let stack = given.get("AWS::StackName").map_or(stack, String::as_str);
        let index = resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.logical.clone(), i))
            .collect();
        Template {
            file: file.to_owned(),
            stack: stack.to_owned(),
            region,
            account,
            partition: partition.to_owned(),
            parameters: BTreeMap::new(),
            mappings: None,
            conditions: BTreeMap::new(),
            resources,
            index,
            known: HashMap::new(),
            notes: Vec::new(),
            physical: RefCell::new(HashMap::new()),
            in_progress: RefCell::new(HashSet::new()),
            decided: RefCell::new(HashMap::new()),
            found_in_map: RefCell::new(HashMap::new()),
            steps_left: Cell::new(MAX_RESOLUTION_STEPS),
            generated_nodes: 0,
            generation_stopped: false,
        }
    }

    pub(crate) fn resource(&self, logical: &str) -> Option<&Resource> {
        self.index.get(logical).map(|i| &self.resources[*i])
    }

    pub(crate) fn has_resource(&self, logical: &str) -> bool {
        self.index.contains_key(logical)
    }

    pub(crate) fn parameter_value(&self, name: &str) -> Option<Node> {
        self.parameters.get(name).cloned()
    }

    /// Whether a resource is deployed: `Some(false)` when its condition is known false.
    pub(crate) fn included(&self, resource: &Resource) -> Option<bool> {
        match &resource.condition {
            None => Some(true),
            Some(name) => self.condition(name, 0),
        }
    }

    /// A resource property resolved, or `None` when absent.
    pub(crate) fn prop(&self, resource: &Resource, path: &str) -> Option<Node> {
        resource.props.path(path).map(|n| self.resolve(n))
    }

    /// A resolved string property; `None` when absent or unresolved.
    pub(crate) fn prop_str(&self, resource: &Resource, path: &str) -> Option<String> {
        self.prop(resource, path)
            .and_then(|n| n.as_str().map(str::to_owned))
    }

    pub(crate) fn physical(&self, logical: &str) -> Option<Physical> {
        if let Some(hit) = self.physical.borrow().get(logical) {
            return hit.clone();
        }
        let resource = self.resource(logical)?;
        // A name that refers back to itself (directly or not), or through a chain too long to
        // follow on the stack, falls back to the default name.
        let followed = self.in_progress.borrow().len() < MAX_NAME_CHAIN
            && self.in_progress.borrow_mut().insert(logical.to_owned());
        let cyclic = !followed;
        let mut physical = self.make_physical(resource, cyclic);
        if let Some(known) = self.known.get(logical) {
            if let Some(name) = &known.name {
                physical.name.clone_from(name);
            }
            if let Some(reference) = &known.reference {
                physical.reference.clone_from(reference);
            }
            if known.arn.is_some() {
                physical.arn.clone_from(&known.arn);
            }
            for (k, v) in &known.attributes {
                physical.attributes.insert(k, v.clone());
            }
        }
        if followed {
            self.in_progress.borrow_mut().remove(logical);
        }
        if !cyclic {
            self.physical
                .borrow_mut()
                .insert(logical.to_owned(), Some(physical.clone()));
        }
        Some(physical)
    }

    fn default_name(&self, logical: &str, max: usize) -> String {
        let mut name = format!("{}-{logical}", self.stack);
        if name.len() > max {
            let id = short_id(&[&self.file, logical], 12);
            name.truncate(max.saturating_sub(13));
            name.push('-');
            name.push_str(&id);
        }
        name
    }

    fn name_prop(&self, resource: &Resource, property: &str, cyclic: bool, max: usize) -> String {
        if !cyclic && let Some(name) = self.prop_str(resource, property).filter(|n| !n.is_empty()) {
            return name;
        }
        self.default_name(&resource.logical, max)
    }

    fn make_physical(&self, r: &Resource, cyclic: bool) -> Physical {
        let (p, region, account) = (&self.partition, &self.region, &self.account);
        let logical = r.logical.as_str();
        let id10 = short_id(&[&self.file, &self.stack, logical], 10);
        let mut attributes = BTreeMap::new();
        let simple = |name: String, arn: Option<String>| Physical {
            reference: name.clone(),
            name,
            arn,
            attributes: BTreeMap::new(),
        };
        let path_of = |r: &Resource| {
            if cyclic {
                return "/".to_owned();
            }
            self.prop_str(r, "Path").unwrap_or_else(|| "/".to_owned())
        };
        match r.kind.as_str() {
            "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
                let name = self.name_prop(r, "FunctionName", cyclic, 64);
                simple(
                    name.clone(),
                    Some(format!("arn:{p}:lambda:{region}:{account}:function:{name}")),
                )
            }
            "AWS::IAM::Role" => {
                let name = self.name_prop(r, "RoleName", cyclic, 64);
                let arn = format!("arn:{p}:iam::{account}:role{}{name}", path_of(r));
                attributes.insert(
                    "RoleId",
                    format!("AROA{}", short_id(&[&arn], 17).to_uppercase()),
                );
                Physical {
                    reference: name.clone(),
                    name,
                    arn: Some(arn),
                    attributes,
                }
            }
            "AWS::IAM::User" => {
                let name = self.name_prop(r, "UserName", cyclic, 64);
                let arn = format!("arn:{p}:iam::{account}:user{}{name}", path_of(r));
                Physical {
                    reference: name.clone(),
                    name,
                    arn: Some(arn),
                    attributes,
                }
            }
            "AWS::IAM::ManagedPolicy" => {
                let name = self.name_prop(r, "ManagedPolicyName", cyclic, 128);
                let arn = format!("arn:{p}:iam::{account}:policy{}{name}", path_of(r));
                attributes.insert("PolicyArn", arn.clone());
                Physical {
                    reference: arn.clone(),
                    name,
                    arn: Some(arn),
                    attributes,
                }
            }
            "AWS::IAM::Policy" | "AWS::IAM::RolePolicy" => {
                let name = self.name_prop(r, "PolicyName", cyclic, 128);
                simple(name, None)
            }
            "AWS::IAM::InstanceProfile" => {
                let name = self.name_prop(r, "InstanceProfileName", cyclic, 128);
                simple(
                    name.clone(),
                    Some(format!("arn:{p}:iam::{account}:instance-profile/{name}")),
                )
            }
            "AWS::S3::Bucket" => {
                let name = if cyclic {
                    None
                } else {
                    self.prop_str(r, "BucketName")
                }
                .unwrap_or_else(|| {
                    let mut n = self.default_name(logical, 63).to_lowercase();
                    n.retain(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
                    n
                });
                attributes.insert("DomainName", format!("{name}.s3.amazonaws.com"));
                attributes.insert(
                    "RegionalDomainName",
                    format!("{name}.s3.{region}.amazonaws.com"),
                );
                attributes.insert(
                    "WebsiteURL",
                    format!("http://{name}.s3-website-{region}.amazonaws.com"),
                );
                attributes.insert(
                    "DualStackDomainName",
                    format!("{name}.s3.dualstack.{region}.amazonaws.com"),
                );
                Physical {
                    reference: name.clone(),
                    arn: Some(format!("arn:{p}:s3:::{name}")),
                    name,
                    attributes,
                }
            }
            "AWS::KMS::Key" | "AWS::KMS::ReplicaKey" => {
                let id = uuid(&[&self.file, &self.stack, logical]);
                attributes.insert("KeyId", id.clone());
                Physical {
                    reference: id.clone(),
                    arn: Some(format!("arn:{p}:kms:{region}:{account}:key/{id}")),
                    name: id,
                    attributes,
                }
            }
            "AWS::KMS::Alias" => {
                let name = self.name_prop(r, "AliasName", cyclic, 256);
                simple(
                    name.clone(),
                    Some(format!("arn:{p}:kms:{region}:{account}:{name}")),
                )
            }
            "AWS::ApiGateway::RestApi" | "AWS::Serverless::Api" => {
                attributes.insert("RootResourceId", short_id(&[&id10, "/"], 10));
                attributes.insert("RestApiId", id10.clone());
                Physical {
                    name: self.name_prop(r, "Name", cyclic, 1024),
                    reference: id10.clone(),
                    arn: Some(format!("arn:{p}:apigateway:{region}::/restapis/{id10}")),
                    attributes,
                }
            }
            "AWS::ApiGatewayV2::Api" | "AWS::Serverless::HttpApi" => {
                attributes.insert("ApiId", id10.clone());
                attributes.insert(
                    "ApiEndpoint",
                    format!("https://{id10}.execute-api.{region}.amazonaws.com"),
                );
                Physical {
                    name: self.name_prop(r, "Name", cyclic, 1024),
                    reference: id10.clone(),
                    arn: Some(format!("arn:{p}:apigateway:{region}::/apis/{id10}")),
                    attributes,
                }
            }
            "AWS::ApiGateway::Resource" => {
                attributes.insert("ResourceId", id10.clone());
                Physical {
                    name: id10.clone(),
                    reference: id10,
                    arn: None,
                    attributes,
                }
            }
            "AWS::ApiGateway::Stage" | "AWS::ApiGatewayV2::Stage" => {
                let name = self.name_prop(r, "StageName", cyclic, 128);
                simple(name, None)
            }
            "AWS::ApiGateway::Authorizer" | "AWS::ApiGatewayV2::Authorizer" => {
                attributes.insert("AuthorizerId", id10.clone());
                Physical {
                    name: id10.clone(),
                    reference: id10,
                    arn: None,
                    attributes,
                }
            }
            "AWS::ApiGatewayV2::Integration" => {
                attributes.insert("IntegrationId", id10.clone());
                Physical {
                    name: id10.clone(),
                    reference: id10,
                    arn: None,
                    attributes,
                }
            }
            "AWS::ApiGatewayV2::Route" => {
                attributes.insert("RouteId", id10.clone());
                Physical {
                    name: id10.clone(),
                    reference: id10,
                    arn: None,
                    attributes,
                }
            }
            "AWS::Lambda::LayerVersion" | "AWS::Serverless::LayerVersion" => {
                let name = self.name_prop(r, "LayerName", cyclic, 64);
                let arn = format!("arn:{p}:lambda:{region}:{account}:layer:{name}:1");
                attributes.insert("LayerVersionArn", arn.clone());
                Physical {
                    name,
                    reference: arn.clone(),
                    arn: Some(arn),
                    attributes,
                }
            }
            "AWS::Lambda::Version" | "AWS::Lambda::Alias" => {
                let function = if cyclic {
                    None
                } else {
                    self.prop_str(r, "FunctionName")
                }
                .unwrap_or_else(|| self.default_name(logical, 64));
                let function_arn = if function.starts_with("arn:") {
                    function
                } else {
                    format!("arn:{p}:lambda:{region}:{account}:function:{function}")
                };
                let qualifier = if r.kind == "AWS::Lambda::Alias" {
                    if cyclic {
                        None
                    } else {
                        self.prop_str(r, "Name")
                    }
                    .unwrap_or_else(|| "live".to_owned())
                } else {
                    "1".to_owned()
                };
                attributes.insert("Version", "1".to_owned());
                let arn = format!("{function_arn}:{qualifier}");
                Physical {
                    name: qualifier,
                    reference: arn.clone(),
                    arn: Some(arn),
                    attributes,
                }
            }
            "AWS::Lambda::Url" => {
                let url = format!(
                    "https://{}.lambda-url.{region}.on.aws/",
                    short_id(&[&self.file, logical], 32)
                );
                attributes.insert("FunctionUrl", url.clone());
                if let Some(target) = if cyclic {
                    None
                } else {
                    self.prop_str(r, "TargetFunctionArn")
                } {
                    attributes.insert("FunctionArn", target);
                }
                Physical {
                    name: url.clone(),
                    reference: url,
                    arn: None,
                    attributes,
                }
            }
            "AWS::SQS::Queue" => {
                let name = self.name_prop(r, "QueueName", cyclic, 80);
                attributes.insert("QueueName", name.clone());
                attributes.insert(
                    "QueueUrl",
                    format!("https://sqs.{region}.amazonaws.com/{account}/{name}"),
                );
                Physical {
                    reference: format!("https://sqs.{region}.amazonaws.com/{account}/{name}"),
                    arn: Some(format!("arn:{p}:sqs:{region}:{account}:{name}")),
                    name,
                    attributes,
                }
            }
            "AWS::SNS::Topic" => {
                let name = self.name_prop(r, "TopicName", cyclic, 256);
                let arn = format!("arn:{p}:sns:{region}:{account}:{name}");
                attributes.insert("TopicArn", arn.clone());
                attributes.insert("TopicName", name.clone());
                Physical {
                    reference: arn.clone(),
                    arn: Some(arn),
                    name,
                    attributes,
                }
            }
            "AWS::DynamoDB::Table"
            | "AWS::DynamoDB::GlobalTable"
            | "AWS::Serverless::SimpleTable" => {
                let name = self.name_prop(r, "TableName", cyclic, 255);
                let arn = format!("arn:{p}:dynamodb:{region}:{account}:table/{name}");
                attributes.insert("StreamArn", format!("{arn}/stream/1970-01-01T00:00:00.000"));
                Physical {
                    reference: name.clone(),
                    arn: Some(arn),
                    name,
                    attributes,
                }
            }
            "AWS::Kinesis::Stream" => {
                let name = self.name_prop(r, "Name", cyclic, 128);
                simple(
                    name.clone(),
                    Some(format!("arn:{p}:kinesis:{region}:{account}:stream/{name}")),
                )
            }
            "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => {
                let name = self.name_prop(r, "StateMachineName", cyclic, 80);
                let arn = format!("arn:{p}:states:{region}:{account}:stateMachine:{name}");
                attributes.insert("Name", name.clone());
                Physical {
                    reference: arn.clone(),
                    arn: Some(arn),
                    name,
                    attributes,
                }
            }
            "AWS::Logs::LogGroup" => {
                let name = self.name_prop(r, "LogGroupName", cyclic, 512);
                simple(
                    name.clone(),
                    Some(format!(
                        "arn:{p}:logs:{region}:{account}:log-group:{name}:*"
                    )),
                )
            }
            "AWS::SecretsManager::Secret" => {
                let name = self.name_prop(r, "Name", cyclic, 512);
                let arn = format!("arn:{p}:secretsmanager:{region}:{account}:secret:{name}-AbCdEf");
                Physical {
                    reference: arn.clone(),
                    arn: Some(arn),
                    name,
                    attributes,
                }
            }
            "AWS::Events::Rule" => {
                let name = self.name_prop(r, "Name", cyclic, 64);
                simple(
                    name.clone(),
                    Some(format!("arn:{p}:events:{region}:{account}:rule/{name}")),
                )
            }
            "AWS::Events::EventBus" => {
                let name = self.name_prop(r, "Name", cyclic, 256);
                simple(
                    name.clone(),
                    Some(format!(
                        "arn:{p}:events:{region}:{account}:event-bus/{name}"
                    )),
                )
            }
            "AWS::Cognito::UserPool" => {
                let id = format!("{region}_{}", short_id(&[&self.file, logical], 9));
                attributes.insert(
                    "ProviderName",
                    format!("cognito-idp.{region}.amazonaws.com/{id}"),
                );
                attributes.insert("UserPoolId", id.clone());
                Physical {
                    arn: Some(format!(
                        "arn:{p}:cognito-idp:{region}:{account}:userpool/{id}"
                    )),
                    name: id.clone(),
                    reference: id,
                    attributes,
                }
            }
            "AWS::SSM::Parameter" => {
                let name = self.name_prop(r, "Name", cyclic, 1024);
                let trimmed = name.trim_start_matches('/').to_owned();
                simple(
                    name,
                    Some(format!(
                        "arn:{p}:ssm:{region}:{account}:parameter/{trimmed}"
                    )),
                )
            }
            other => {
                // Any other type: a name, and an ARN in the service's usual shape.
                let service = other.split("::").nth(1).unwrap_or("unknown").to_lowercase();
                let kind = other
                    .split("::")
                    .nth(2)
                    .unwrap_or("resource")
                    .to_lowercase();
                let name = self.default_name(logical, 128);
                simple(
                    name.clone(),
                    Some(format!(
                        "arn:{p}:{service}:{region}:{account}:{kind}/{name}"
                    )),
                )
            }
        }
    }
}

/// `${Identifier}` becomes the item, `&{Identifier}` the item without its non-alphanumeric
/// characters (as `Fn::ForEach` does in keys and strings).
fn substitute_loop(text: &str, identifier: &str, item: &str) -> String {
    if !text.contains('{') {
        return text.to_owned();
    }
    let alnum: String = item.chars().filter(char::is_ascii_alphanumeric).collect();
    text.replace(&format!("${{{identifier}}}"), item)
        .replace(&format!("&{{{identifier}}}"), &alnum)
}

/// The fragment of a `Fn::ForEach` for one item: the identifier substituted in keys and
/// strings, and `Ref: Identifier` replaced by the item.
fn substitute_loop_node(node: &Node, identifier: &str, item: &str, depth: usize) -> Node {
    if depth > super::yaml::MAX_DEPTH {
        return node.clone();
    }
    let kind = match &node.kind {
        Kind::Str(text) => Kind::Str(substitute_loop(text, identifier, item)),
        Kind::Seq(items) => Kind::Seq(
            items
                .iter()
                .map(|n| substitute_loop_node(n, identifier, item, depth + 1))
                .collect(),
        ),
        Kind::Map(entries)
            if entries.len() == 1
                && entries[0].0 == "Ref"
                && entries[0].1.as_str() == Some(identifier) =>
        {
            Kind::Str(item.to_owned())
        }
        Kind::Map(entries) => Kind::Map(
            entries
                .iter()
                .map(|(k, v)| {
                    (
                        substitute_loop(k, identifier, item),
                        substitute_loop_node(v, identifier, item, depth + 1),
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    };
    Node::new(node.pos, kind)
}

/// A parameter's value: `--parameter`, else its default; unresolved for SSM-typed parameters
/// (the default is a parameter *name*) and for parameters without either.
fn parameter(name: &str, declaration: &Node, given: Option<&String>) -> Node {
    let pos = declaration.pos;
    let kind = declaration
        .get("Type")
        .and_then(Node::as_str)
        .unwrap_or("String");
    let list = kind == "CommaDelimitedList" || kind.starts_with("List<");
    let value = match given {
        Some(value) => Some(value.clone()),
        None if kind.starts_with("AWS::SSM::Parameter::Value") => {
            return Node::unresolved(
                pos,
                format!(
                    "the parameter {name} is read from SSM at deploy time (give --parameter {name}=VALUE)"
                ),
            );
        }
        None => match declaration.get("Default") {
            Some(default) => match &default.kind {
                Kind::Seq(items) => {
                    return Node::new(pos, Kind::Seq(items.clone()));
                }
                _ => default.as_str().map(str::to_owned),
            },
            None => None,
        },
    };
    match value {
        Some(value) if list => Node::new(
            pos,
            Kind::Seq(value.split(',').map(|v| Node::str(pos, v.trim())).collect()),
        ),
        Some(value) => Node::str(pos, value),
        None => Node::unresolved(
            pos,
            format!("the parameter {name} has no default and no --parameter {name}=VALUE"),
        ),
    }
}

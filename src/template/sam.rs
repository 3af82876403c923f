//! The SAM transform (`Transform: AWS::Serverless-2016-10-31`), as far as the checks need it:
//! each `AWS::Serverless::*` resource becomes the plain CloudFormation resources SAM would
//! generate (function, execution role with its policies, permissions, function URL, event
//! source mappings, REST and HTTP APIs with their routes, stages and usage plans), keeping the
//! position of the SAM resource or event they come from.

use super::cfn::Resource;
use super::data;
use super::yaml::{Kind, Node, Pos};
use std::collections::{BTreeMap, HashMap};

pub(crate) fn s(pos: Pos, v: impl Into<String>) -> Node {
    Node::str(pos, v)
}
pub(crate) fn m(pos: Pos, entries: Vec<(&str, Node)>) -> Node {
    Node::new(
        pos,
        Kind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        ),
    )
}
pub(crate) fn seq(pos: Pos, items: Vec<Node>) -> Node {
    Node::new(pos, Kind::Seq(items))
}
pub(crate) fn reference(pos: Pos, name: &str) -> Node {
    m(pos, vec![("Ref", s(pos, name))])
}
pub(crate) fn get_att(pos: Pos, logical: &str, attribute: &str) -> Node {
    m(
        pos,
        vec![(
            "Fn::GetAtt",
            seq(pos, vec![s(pos, logical), s(pos, attribute)]),
        )],
    )
}
pub(crate) fn sub(pos: Pos, format: impl Into<String>) -> Node {
    m(pos, vec![("Fn::Sub", s(pos, format))])
}

pub(crate) fn resource(logical: impl Into<String>, kind: &str, pos: Pos, props: Node) -> Resource {
    Resource {
        logical: logical.into(),
        kind: kind.to_owned(),
        props,
        pos,
        condition: None,
    }
}

/// Globals merged into a resource's properties: maps merge, lists append, scalars override.
pub(crate) fn merge(global: &Node, local: &Node) -> Node {
    match (&global.kind, &local.kind) {
        (Kind::Map(g), Kind::Map(l)) => {
            // Keys by name on both sides: large maps (environment variables) are not scanned
            // once per key.
            let local_by_key: std::collections::HashMap<&str, &Node> =
                l.iter().rev().map(|(k, v)| (k.as_str(), v)).collect();
            let global_keys: std::collections::HashSet<&str> =
                g.iter().map(|(k, _)| k.as_str()).collect();
            let mut out: Vec<(String, Node)> = Vec::new();
            for (k, gv) in g {
                match local_by_key.get(k.as_str()).copied() {
                    // An intrinsic on either side replaces rather than merges.
                    Some(lv) if is_intrinsic(lv) || is_intrinsic(gv) => {
                        out.push((k.clone(), lv.clone()))
                    }
                    Some(lv) => out.push((k.clone(), merge(gv, lv))),
                    None => out.push((k.clone(), gv.clone())),
                }
            }
            for (k, lv) in l {
                if !global_keys.contains(k.as_str()) {
                    out.push((k.clone(), lv.clone()));
                }
            }
            Node::new(local.pos, Kind::Map(out))
        }
        (Kind::Seq(g), Kind::Seq(l)) => {
            Node::new(local.pos, Kind::Seq(g.iter().chain(l).cloned().collect()))
        }
        _ => local.clone(),
    }
}

fn is_intrinsic(node: &Node) -> bool {
    matches!(&node.kind, Kind::Map(e) if e.len() == 1 && (e[0].0 == "Ref" || e[0].0.starts_with("Fn::")))
}

fn set(props: &mut Node, key: &str, value: Node) {
    if let Kind::Map(entries) = &mut props.kind {
        entries.retain(|(k, _)| k != key);
        entries.push((key.to_owned(), value));
    }
}

/// One API event routed to a function.
struct Route {
    function: String,
    path: String,
    method: String,
    auth: Option<Node>,
    pos: Pos,
}

struct Transform<'a> {
    out: Vec<Resource>,
    globals: Option<&'a Node>,
    rest_routes: BTreeMap<String, Vec<Route>>,
    http_routes: BTreeMap<String, Vec<Route>>,
    /// Loads a file next to the template (DefinitionUri, AWS::Include).
    load: &'a dyn Fn(&str) -> Option<Node>,
    /// Explicit unknowns (see `Template::notes`).
    notes: Vec<(String, Pos, String)>,
    /// Conditions the transform adds (a role made only when `Role` is NoValue).
    conditions: Vec<(String, Node)>,
}

/// Expands the SAM resources of a template; others pass through.
pub(crate) fn transform(
    resources: Vec<Resource>,
    globals: Option<&Node>,
    load: &dyn Fn(&str) -> Option<Node>,
) -> Transformed {
    let mut t = Transform {
        out: Vec::new(),
        globals,
        rest_routes: BTreeMap::new(),
        http_routes: BTreeMap::new(),
        load,
        notes: Vec::new(),
        conditions: Vec::new(),
    };
    let apis: Vec<Resource> = resources
        .iter()
        .filter(|r| r.kind == "AWS::Serverless::Api" || r.kind == "AWS::Serverless::HttpApi")
        .cloned()
        .collect();
    for r in resources {
        match r.kind.as_str() {
            "AWS::Serverless::Function" => t.function(r),
            // A function behind a web endpoint SAM manages: its function, role and policies
            // are read as a function's; the endpoint it adds is not modelled (a gap says so).
            "AWS::Serverless::WebFunction" => {
                t.notes.push((
                    r.logical.clone(),
                    r.pos,
                    format!(
                        "{} (AWS::Serverless::WebFunction) is read as a function; the web endpoint SAM adds to it is not modelled, so its exposure is unknown",
                        r.logical
                    ),
                ));
                t.function(r);
            }
            "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => {}
            "AWS::Serverless::LayerVersion" => t.out.push(Resource {
                kind: "AWS::Lambda::LayerVersion".to_owned(),
                ..r
            }),
            "AWS::Serverless::SimpleTable" => t.out.push(Resource {
                kind: "AWS::DynamoDB::Table".to_owned(),
                ..r
            }),
            "AWS::Serverless::StateMachine" => t.out.push(Resource {
                kind: "AWS::StepFunctions::StateMachine".to_owned(),
                ..r
            }),
            "AWS::Serverless::GraphQLApi" => t.out.push(Resource {
                kind: "AWS::AppSync::GraphQLApi".to_owned(),
                ..r
            }),
            _ => t.out.push(r),
        }
    }
    for api in &apis {
        let global = globals.and_then(|g| {
            g.get(if api.kind == "AWS::Serverless::Api" {
                "Api"
            } else {
                "HttpApi"
            })
        });
        let props = match global {
            Some(g) => merge(g, &api.props),
            None => api.props.clone(),
        };
        if api.kind == "AWS::Serverless::Api" {
            t.rest_api(&api.logical, &props, api.pos, api.condition.clone());
        } else {
            t.http_api(&api.logical, &props, api.pos, api.condition.clone());
        }
    }
    if t.rest_routes.contains_key("ServerlessRestApi")
        && !apis.iter().any(|a| a.logical == "ServerlessRestApi")
    {
        let pos = t.rest_routes["ServerlessRestApi"][0].pos;
        let global = globals
            .and_then(|g| g.get("Api"))
            .cloned()
            .unwrap_or_else(|| m(pos, vec![]));
        let mut props = global;
        if props.get("StageName").is_none() {
            set(&mut props, "StageName", s(pos, "Prod"));
        }
        t.rest_api("ServerlessRestApi", &props, pos, None);
    }
    if t.http_routes.contains_key("ServerlessHttpApi")
        && !apis.iter().any(|a| a.logical == "ServerlessHttpApi")
    {
        let pos = t.http_routes["ServerlessHttpApi"][0].pos;
        let props = globals
            .and_then(|g| g.get("HttpApi"))
            .cloned()
            .unwrap_or_else(|| m(pos, vec![]));
        t.http_api("ServerlessHttpApi", &props, pos, None);
    }
    Transformed {
        resources: t.out,
        notes: t.notes,
        conditions: t.conditions,
    }
}

/// What the SAM transform makes.
pub(crate) struct Transformed {
    pub(crate) resources: Vec<Resource>,
    /// Explicit unknowns (see `Template::notes`).
    pub(crate) notes: Vec<(String, Pos, String)>,
    /// Conditions it adds to the template's.
    pub(crate) conditions: Vec<(String, Node)>,
}

/// The HTTP methods of an OpenAPI path item (SAM's own extension for ANY included).
const OPERATIONS: &[&str] = &[
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "x-amazon-apigateway-any-method",
];

/// Adds `security: [{each of requirements: []}]` to every operation of the definition that
/// has none (`options` only with `preflight`), as SAM does with an API's defaults.
fn default_security(body: &mut Node, requirements: &[&str], preflight: bool) {
    if requirements.is_empty() {
        return;
    }
    let Some(Node {
        kind: Kind::Map(paths),
        ..
    }) = body.get("paths").cloned()
    else {
        return;
    };
    let mut changed = Vec::with_capacity(paths.len());
    for (path, mut item) in paths {
        if let Kind::Map(operations) = &mut item.kind {
            for (verb, operation) in operations.iter_mut() {
                let verb = verb.to_lowercase();
                if !OPERATIONS.contains(&verb.as_str()) || (verb == "options" && !preflight) {
                    continue;
                }
                let pos = operation.pos;
                if let Kind::Map(fields) = &mut operation.kind
                    && !fields.iter().any(|(k, _)| k == "security")
                {
                    let requirement: Vec<(&str, Node)> = requirements
                        .iter()
                        .map(|r| (*r, seq(pos, vec![])))
                        .collect();
                    fields.push(("security".to_owned(), seq(pos, vec![m(pos, requirement)])));
                }
            }
        }
        changed.push((path, item));
    }
    let pos = body.pos;
    set(body, "paths", Node::new(pos, Kind::Map(changed)));
}

/// An HTTP API's default authorizer on the operations of its definition: `AWS_IAM` as API
/// Gateway's `x-amazon-apigateway-auth`, a JWT or Lambda authorizer as a security scheme.
fn http_default_auth(body: &mut Node, auth: Option<&Node>, pos: Pos) {
    let Some(name) = auth
        .and_then(|a| a.get("DefaultAuthorizer"))
        .and_then(Node::as_str)
        .filter(|a| *a != "NONE")
    else {
        return;
    };
    if name == "AWS_IAM" {
        let scheme = m(
            pos,
            vec![
                ("type", s(pos, "apiKey")),
                ("name", s(pos, "Authorization")),
                ("in", s(pos, "header")),
                ("x-amazon-apigateway-authtype", s(pos, "awsSigv4")),
            ],
        );
        add_scheme(body, name, scheme, pos);
    } else {
        let jwt = auth
            .and_then(|a| a.path(&format!("Authorizers.{name}.JwtConfiguration")))
            .is_some();
        let scheme = m(
            pos,
            vec![
                ("type", s(pos, if jwt { "oauth2" } else { "apiKey" })),
                (
                    "x-amazon-apigateway-authorizer",
                    m(
                        pos,
                        vec![("type", s(pos, if jwt { "jwt" } else { "request" }))],
                    ),
                ),
            ],
        );
        add_scheme(body, name, scheme, pos);
    }
    default_security(body, &[name], false);
}

/// Adds a security scheme to an OpenAPI 3 (`components.securitySchemes`) or Swagger 2
/// (`securityDefinitions`) definition, unless one of that name is there.
fn add_scheme(body: &mut Node, name: &str, scheme: Node, pos: Pos) {
    if body.get("swagger").is_some() {
        let mut defs = body
            .get("securityDefinitions")
            .cloned()
            .unwrap_or_else(|| m(pos, vec![]));
        if defs.get(name).is_none() {
            set(&mut defs, name, scheme);
        }
        set(body, "securityDefinitions", defs);
        return;
    }
    let mut components = body
        .get("components")
        .cloned()
        .unwrap_or_else(|| m(pos, vec![]));
    let mut schemes = components
        .get("securitySchemes")
        .cloned()
        .unwrap_or_else(|| m(pos, vec![]));
    if schemes.get(name).is_none() {
        set(&mut schemes, name, scheme);
    }
    set(&mut components, "securitySchemes", schemes);
    set(body, "components", components);
}

/// The route's `Auth.Authorizer`, else the API's `Auth.DefaultAuthorizer`, when it is an
/// intrinsic rather than a name.
fn intrinsic_authorizer(route: Option<&Node>, api: Option<&Node>) -> Option<Node> {
    let given = route
        .and_then(|a| a.get("Authorizer"))
        .or_else(|| api.and_then(|a| a.get("DefaultAuthorizer")))?;
    is_intrinsic(given).then(|| given.clone())
}

/// `Fn::If [Condition, A, B]` where A or B is `Ref: AWS::NoValue`: the condition, whether
/// the NoValue is the `then` branch, and the other branch.
fn no_value_branch(node: &Node) -> Option<(String, bool, Node)> {
    let args = node.get("Fn::If")?.as_seq()?;
    let [condition, then, otherwise] = args else {
        return None;
    };
    let none = |n: &Node| n.get("Ref").and_then(Node::as_str) == Some("AWS::NoValue");
    let condition = condition.as_str()?.to_owned();
    match (none(then), none(otherwise)) {
        (true, false) => Some((condition, true, otherwise.clone())),
        (false, true) => Some((condition, false, then.clone())),
        _ => None,
    }
}

/// Where an API's definition is when it is not in the template: `DefinitionUri`, or the
/// location of a `DefinitionBody` included with `AWS::Include` (read only when it is a
/// file beside the template; otherwise the definition is unknown, as one in S3 is).
fn definition_elsewhere(props: &Node) -> Option<Node> {
    props.get("DefinitionUri").cloned().or_else(|| {
        props
            .get("DefinitionBody")
            .and_then(|b| b.path("Fn::Transform.Parameters.Location"))
            .cloned()
    })
}

fn api_target(event: &Node, key: &str, implicit: &str) -> String {
    match event.get(key) {
        Some(node) => node
            .get("Ref")
            .and_then(Node::as_str)
            .or_else(|| node.as_str())
            .unwrap_or(implicit)
            .to_owned(),
        None => implicit.to_owned(),
    }
}

impl Transform<'_> {
    fn function(&mut self, r: Resource) {
        let logical = r.logical.clone();
        let pos = r.pos;
        let props = match self.globals.and_then(|g| g.get("Function")) {
            Some(g) => merge(g, &r.props),
            None => r.props.clone(),
        };
        let get = |k: &str| props.get(k).cloned();
        let mut f: Vec<(&str, Node)> = Vec::new();
        for key in [
            "FunctionName",
            "Description",
            "Runtime",
            "Handler",
            "Timeout",
            "MemorySize",
            "Architectures",
            "PackageType",
            "Environment",
            "Layers",
            "VpcConfig",
            "KmsKeyArn",
            "ReservedConcurrentExecutions",
            "CodeSigningConfigArn",
            "FileSystemConfigs",
            "EphemeralStorage",
        ] {
            if let Some(v) = get(key) {
                f.push((key, v));
            }
        }
        if let Some(image) = get("ImageUri") {
            f.push(("Code", m(pos, vec![("ImageUri", image)])));
        }
        if let Some(target) = props.path("DeadLetterQueue.TargetArn") {
            f.push((
                "DeadLetterConfig",
                m(pos, vec![("TargetArn", target.clone())]),
            ));
        }
        if let Some(tracing) = get("Tracing") {
            f.push(("TracingConfig", m(tracing.pos, vec![("Mode", tracing)])));
        }
        let mut tags = vec![("lambda:createdBy", s(pos, "SAM"))];
        if let Some(Kind::Map(user)) = props.get("Tags").map(|t| t.kind.clone()) {
            let owned: Vec<(String, Node)> = user;
            let mut node = m(pos, std::mem::take(&mut tags));
            if let Kind::Map(entries) = &mut node.kind {
                entries.extend(owned);
            }
            f.push(("Tags", node));
        } else {
            f.push(("Tags", m(pos, tags)));
        }
        let tracing_active = props.get("Tracing").and_then(Node::as_str) == Some("Active");
        let mut implied_managed: Vec<&str> = Vec::new();

        // Events.
        let events: Vec<(String, Node)> = props
            .get("Events")
            .and_then(Node::as_map)
            .map(<[(String, Node)]>::to_vec)
            .unwrap_or_default();
        let alias = props
            .get("AutoPublishAlias")
            .and_then(Node::as_str)
            .map(str::to_owned);
        let function_ref = match &alias {
            Some(a) => sub(pos, format!("${{{logical}}}:{a}")),
            None => reference(pos, &logical),
        };
        for (name, event) in &events {
            let kind = event.get("Type").and_then(Node::as_str).unwrap_or_default();
            let ep = event
                .get("Properties")
                .cloned()
                .unwrap_or_else(|| m(event.pos, vec![]));
            let epos = event.pos;
            let permission = |principal: &str, source: Option<Node>, account: bool| {
                let mut p = vec![
                    ("Action", s(epos, "lambda:InvokeFunction")),
                    ("FunctionName", function_ref.clone()),
                    ("Principal", s(epos, principal)),
                ];
                if let Some(source) = source {
                    p.push(("SourceArn", source));
                }
                if account {
                    p.push(("SourceAccount", reference(epos, "AWS::AccountId")));
                }
                resource(
                    format!("{logical}{name}Permission"),
                    "AWS::Lambda::Permission",
                    epos,
                    m(epos, p),
                )
            };
            match kind {
                "Api" => {
                    let api = api_target(&ep, "RestApiId", "ServerlessRestApi");
                    self.rest_routes.entry(api).or_default().push(Route {
                        function: logical.clone(),
                        path: ep
                            .get("Path")
                            .and_then(Node::as_str)
                            .unwrap_or("/")
                            .to_owned(),
                        method: ep
                            .get("Method")
                            .and_then(Node::as_str)
                            .unwrap_or("any")
                            .to_lowercase(),
                        auth: ep.get("Auth").cloned(),
                        pos: epos,
                    });
                }
                "HttpApi" => {
                    let api = api_target(&ep, "ApiId", "ServerlessHttpApi");
                    self.http_routes.entry(api).or_default().push(Route {
                        function: logical.clone(),
                        path: ep
                            .get("Path")
                            .and_then(Node::as_str)
                            .unwrap_or("$default")
                            .to_owned(),
                        method: ep
                            .get("Method")
                            .and_then(Node::as_str)
                            .unwrap_or("any")
                            .to_lowercase(),
                        auth: ep.get("Auth").cloned(),
                        pos: epos,
                    });
                }
                "SQS" | "Kinesis" | "DynamoDB" | "MSK" | "MQ" | "DocumentDB"
                | "SelfManagedKafka" => {
                    implied_managed.push(match kind {
                        "SQS" => "AWSLambdaSQSQueueExecutionRole",
                        "Kinesis" => "AWSLambdaKinesisExecutionRole",
                        "DynamoDB" => "AWSLambdaDynamoDBExecutionRole",
                        "MSK" => "AWSLambdaMSKExecutionRole",
                        _ => "AWSLambdaBasicExecutionRole",
                    });
                    let mut p = vec![("FunctionName", function_ref.clone())];
                    if let Some(source) = ep
                        .get("Queue")
                        .or(ep.get("Stream"))
                        .or(ep.get("Broker"))
                        .or(ep.get("Cluster"))
                    {
                        p.push(("EventSourceArn", source.clone()));
                    }
                    for key in [
                        "BatchSize",
                        "Enabled",
                        "ScalingConfig",
                        "DestinationConfig",
                        "StartingPosition",
                    ] {
                        if let Some(v) = ep.get(key) {
                            p.push((key, v.clone()));
                        }
                    }
                    self.out.push(resource(
                        format!("{logical}{name}"),
                        "AWS::Lambda::EventSourceMapping",
                        epos,
                        m(epos, p),
                    ));
                }
                "S3" => {
                    let bucket = ep.get("Bucket").cloned();
                    let source = bucket.map(|b| {
                        m(
                            epos,
                            vec![(
                                "Fn::Join",
                                seq(
                                    epos,
                                    vec![s(epos, ""), seq(epos, vec![s(epos, "arn:aws:s3:::"), b])],
                                ),
                            )],
                        )
                    });
                    self.out.push(permission("s3.amazonaws.com", source, true));
                }
                "SNS" => self.out.push(permission(
                    "sns.amazonaws.com",
                    ep.get("Topic").cloned(),
                    false,
                )),
                "Schedule" | "ScheduleV2" | "CloudWatchEvent" | "EventBridgeRule" => {
                    let rule = sub(
                        epos,
                        format!(
                            "arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:rule/${{AWS::StackName}}-{logical}{name}"
                        ),
                    );
                    if kind == "ScheduleV2" {
                        continue;
                    }
                    self.out
                        .push(permission("events.amazonaws.com", Some(rule), false));
                }
                "CloudWatchLogs" => {
                    let source = sub(
                        epos,
                        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*",
                    );
                    let logs = format!("logs.{}.amazonaws.com", "${AWS::Region}");
                    let mut p = permission("logs.amazonaws.com", Some(source), false);
                    set(&mut p.props, "Principal", sub(epos, logs));
                    self.out.push(p);
                }
                "IoTRule" => self.out.push(permission("iot.amazonaws.com", None, true)),
                "Cognito" => self.out.push(permission(
                    "cognito-idp.amazonaws.com",
                    ep.get("UserPool").map(|u| {
                        get_att(
                            epos,
                            u.get("Ref").and_then(Node::as_str).unwrap_or("UserPool"),
                            "Arn",
                        )
                    }),
                    false,
                )),
                "AlexaSkill" => {
                    let mut p = permission("alexa-appkit.amazon.com", None, false);
                    if let Some(id) = ep.get("SkillId") {
                        set(&mut p.props, "EventSourceToken", id.clone());
                    }
                    self.out.push(p);
                }
                _ => {}
            }
        }

        // The execution role, unless one is given. `Role: !If [C, Arn, !Ref AWS::NoValue]`
        // (either branch): SAM makes the role under the condition that picks NoValue.
        let conditional = get("Role").and_then(|r| no_value_branch(&r));
        if let Some(role) = get("Role").filter(|_| conditional.is_none()) {
            f.push(("Role", role));
        } else {
            let role = format!("{logical}Role");
            let mut role_condition = r.condition.clone();
            if let Some((condition, then_is_none, other)) = &conditional {
                let chosen = m(pos, vec![("Condition", s(pos, condition.clone()))]);
                let when = if *then_is_none {
                    chosen
                } else {
                    m(pos, vec![("Fn::Not", seq(pos, vec![chosen]))])
                };
                let when = match &r.condition {
                    Some(own) => m(
                        pos,
                        vec![(
                            "Fn::And",
                            seq(
                                pos,
                                vec![m(pos, vec![("Condition", s(pos, own.clone()))]), when],
                            ),
                        )],
                    ),
                    None => when,
                };
                let name = format!("{logical}RoleCondition");
                self.conditions.push((name.clone(), when));
                role_condition = Some(name);
                let made = get_att(pos, &role, "Arn");
                let (then, otherwise) = if *then_is_none {
                    (made, other.clone())
                } else {
                    (other.clone(), made)
                };
                f.push((
                    "Role",
                    m(
                        pos,
                        vec![(
                            "Fn::If",
                            seq(pos, vec![s(pos, condition.clone()), then, otherwise]),
                        )],
                    ),
                ));
            }
            let mut managed: Vec<Node> = vec![s(
                pos,
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            )];
            if tracing_active {
                managed.push(s(pos, "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"));
            }
            if props.get("VpcConfig").is_some() {
                managed.push(s(
                    pos,
                    "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
                ));
            }
            for name in implied_managed {
                if let Some(arn) = data::managed_arn_for_name(name)
                    && !managed.iter().any(|n| n.as_str() == Some(arn.as_str()))
                {
                    managed.push(s(pos, arn));
                }
            }
            let mut inline: Vec<Node> = Vec::new();
            if let Some(policies) = props.get("Policies") {
                for (i, policy) in policies.items().into_iter().enumerate() {
                    let ppos = policy.pos;
                    match &policy.kind {
                        Kind::Str(name) => managed.push(s(ppos, name.clone())),
                        _ if is_intrinsic(policy) => managed.push(policy.clone()),
                        Kind::Map(entries) if policy.get("Statement").is_some() => {
                            let _ = entries;
                            inline.push(m(
                                ppos,
                                vec![
                                    ("PolicyName", s(ppos, format!("{role}Policy{i}"))),
                                    ("PolicyDocument", policy.clone()),
                                ],
                            ));
                        }
                        Kind::Map(entries) if entries.len() == 1 => {
                            let (template_name, values) = &entries[0];
                            let document = match data::sam_policy_template(template_name) {
                                Some(template) => {
                                    expand(&template.definition, &template.parameters, values, ppos)
                                }
                                None => Node::unresolved(
                                    ppos,
                                    format!(
                                        "{template_name} is not a SAM policy template faascan knows"
                                    ),
                                ),
                            };
                            inline.push(m(
                                ppos,
                                vec![
                                    (
                                        "PolicyName",
                                        s(ppos, format!("{role}Policy{i}{template_name}")),
                                    ),
                                    ("PolicyDocument", document),
                                ],
                            ));
                        }
                        _ => inline.push(m(
                            ppos,
                            vec![
                                ("PolicyName", s(ppos, format!("{role}Policy{i}"))),
                                (
                                    "PolicyDocument",
                                    Node::unresolved(ppos, "an unrecognised entry in Policies"),
                                ),
                            ],
                        )),
                    }
                }
            }
            let trust = m(
                pos,
                vec![
                    ("Version", s(pos, "2012-10-17")),
                    (
                        "Statement",
                        seq(
                            pos,
                            vec![m(
                                pos,
                                vec![
                                    ("Effect", s(pos, "Allow")),
                                    (
                                        "Principal",
                                        m(
                                            pos,
                                            vec![(
                                                "Service",
                                                seq(pos, vec![s(pos, "lambda.amazonaws.com")]),
                                            )],
                                        ),
                                    ),
                                    ("Action", seq(pos, vec![s(pos, "sts:AssumeRole")])),
                                ],
                            )],
                        ),
                    ),
                ],
            );
            let mut rp = vec![
                ("AssumeRolePolicyDocument", trust),
                ("ManagedPolicyArns", seq(pos, managed)),
                ("Policies", seq(pos, inline)),
            ];
            if let Some(b) = get("PermissionsBoundary") {
                rp.push(("PermissionsBoundary", b));
            }
            if let Some(p) = get("RolePath") {
                rp.push(("Path", p));
            }
            self.out.push(Resource {
                condition: role_condition,
                ..resource(
                    role.clone(),
                    "AWS::IAM::Role",
                    props.get("Policies").map_or(pos, |p| p.pos),
                    m(pos, rp),
                )
            });
            if conditional.is_none() {
                f.push(("Role", get_att(pos, &role, "Arn")));
            }
        }

        // Function URL.
        if let Some(url) = props.get("FunctionUrlConfig") {
            let upos = url.pos;
            let mut p = vec![("TargetFunctionArn", function_ref.clone())];
            for key in ["AuthType", "Cors", "InvokeMode"] {
                if let Some(v) = url.get(key) {
                    p.push((key, v.clone()));
                }
            }
            self.out.push(resource(
                format!("{logical}Url"),
                "AWS::Lambda::Url",
                upos,
                m(upos, p),
            ));
            if url.get("AuthType").and_then(Node::as_str) == Some("NONE") {
                self.out.push(resource(
                    format!("{logical}UrlPublicPermissions"),
                    "AWS::Lambda::Permission",
                    upos,
                    m(
                        upos,
                        vec![
                            ("Action", s(upos, "lambda:InvokeFunctionUrl")),
                            ("FunctionName", function_ref.clone()),
                            ("Principal", s(upos, "*")),
                            ("FunctionUrlAuthType", s(upos, "NONE")),
                        ],
                    ),
                ));
            }
        }
        if let Some(config) = props.get("EventInvokeConfig") {
            let cpos = config.pos;
            let mut p = vec![
                ("FunctionName", reference(cpos, &logical)),
                (
                    "Qualifier",
                    s(cpos, alias.clone().unwrap_or_else(|| "$LATEST".to_owned())),
                ),
            ];
            for key in ["MaximumEventAgeInSeconds", "MaximumRetryAttempts"] {
                if let Some(v) = config.get(key) {
                    p.push((key, v.clone()));
                }
            }
            if let Some(d) = config.get("DestinationConfig") {
                let mut dest = Vec::new();
                for key in ["OnSuccess", "OnFailure"] {
                    if let Some(target) = d.get(key).and_then(|x| x.get("Destination")) {
                        dest.push((key, m(cpos, vec![("Destination", target.clone())])));
                    }
                }
                p.push(("DestinationConfig", m(cpos, dest)));
            }
            self.out.push(resource(
                format!("{logical}EventInvokeConfig"),
                "AWS::Lambda::EventInvokeConfig",
                cpos,
                m(cpos, p),
            ));
        }
        self.out.push(Resource {
            logical,
            kind: "AWS::Lambda::Function".to_owned(),
            props: m(pos, f),
            pos,
            condition: r.condition,
        });
    }

    fn definition(&self, props: &Node) -> Option<Node> {
        if let Some(body) = props.get("DefinitionBody") {
            // AWS::Include of a local file.
            if let Some(location) = body
                .path("Fn::Transform.Parameters.Location")
                .and_then(Node::as_str)
            {
                return (self.load)(location);
            }
            return Some(body.clone());
        }
        match props.get("DefinitionUri").map(|u| &u.kind) {
            Some(Kind::Str(path)) if !path.starts_with("s3://") => (self.load)(path),
            _ => None,
        }
    }

    fn rest_api(&mut self, logical: &str, props: &Node, pos: Pos, condition: Option<String>) {
        let routes = self.rest_routes.remove(logical).unwrap_or_default();
        let definition = self.definition(props);
        let elsewhere = definition_elsewhere(props);
        let in_s3 = definition.is_none() && elsewhere.is_some();
        let mut body = definition.unwrap_or_else(|| {
            m(
                pos,
                vec![("swagger", s(pos, "2.0")), ("paths", m(pos, vec![]))],
            )
        });
        let auth = props.get("Auth");
        let default_authorizer = auth
            .and_then(|a| a.get("DefaultAuthorizer"))
            .and_then(Node::as_str)
            .map(str::to_owned);
        let api_key_default = auth
            .and_then(|a| a.get("ApiKeyRequired"))
            .and_then(Node::as_bool)
            .unwrap_or(false);
        let mut schemes: Vec<(String, Node)> = Vec::new();
        if let Some(authorizers) = auth
            .and_then(|a| a.get("Authorizers"))
            .and_then(Node::as_map)
        {
            for (name, a) in authorizers {
                let apos = a.pos;
                let scheme = if let Some(pool) = a.get("UserPoolArn") {
                    m(
                        apos,
                        vec![
                            ("type", s(apos, "apiKey")),
                            ("name", s(apos, "Authorization")),
                            ("in", s(apos, "header")),
                            (
                                "x-amazon-apigateway-authtype",
                                s(apos, "cognito_user_pools"),
                            ),
                            (
                                "x-amazon-apigateway-authorizer",
                                m(
                                    apos,
                                    vec![
                                        ("type", s(apos, "cognito_user_pools")),
                                        (
                                            "providerARNs",
                                            seq(apos, pool.items().into_iter().cloned().collect()),
                                        ),
                                    ],
                                ),
                            ),
                        ],
                    )
                } else {
                    let kind = a
                        .get("FunctionPayloadType")
                        .and_then(Node::as_str)
                        .unwrap_or("TOKEN")
                        .to_lowercase();
                    let uri = a.get("FunctionArn").cloned().unwrap_or_else(|| s(apos, ""));
                    m(
                        apos,
                        vec![
                            ("type", s(apos, "apiKey")),
                            ("name", s(apos, "Authorization")),
                            ("in", s(apos, "header")),
                            ("x-amazon-apigateway-authtype", s(apos, "custom")),
                            (
                                "x-amazon-apigateway-authorizer",
                                m(apos, vec![("type", s(apos, kind)), ("authorizerUri", uri)]),
                            ),
                        ],
                    )
                };
                schemes.push((name.clone(), scheme));
            }
        }
        schemes.push((
            "AWS_IAM".to_owned(),
            m(
                pos,
                vec![
                    ("type", s(pos, "apiKey")),
                    ("name", s(pos, "Authorization")),
                    ("in", s(pos, "header")),
                    ("x-amazon-apigateway-authtype", s(pos, "awsSigv4")),
                ],
            ),
        ));
        schemes.push((
            "api_key".to_owned(),
            m(
                pos,
                vec![
                    ("type", s(pos, "apiKey")),
                    ("name", s(pos, "x-api-key")),
                    ("in", s(pos, "header")),
                ],
            ),
        ));
        let mut operations: Vec<(String, String, Node)> = Vec::with_capacity(routes.len());
        for route in &routes {
            let authorizer = route
                .auth
                .as_ref()
                .and_then(|a| a.get("Authorizer"))
                .and_then(Node::as_str)
                .map(str::to_owned)
                .or_else(|| default_authorizer.clone())
                .filter(|a| a != "NONE");
            let api_key = route
                .auth
                .as_ref()
                .and_then(|a| a.get("ApiKeyRequired"))
                .and_then(Node::as_bool)
                .unwrap_or(api_key_default);
            let explicit_none = route
                .auth
                .as_ref()
                .and_then(|a| a.get("Authorizer"))
                .and_then(Node::as_str)
                == Some("NONE")
                || route
                    .auth
                    .as_ref()
                    .and_then(|a| a.get("ApiKeyRequired"))
                    .and_then(Node::as_bool)
                    == Some(false);
            let mut requirement: Vec<(&str, Node)> = Vec::new();
            if let Some(a) = &authorizer {
                requirement.push((a.as_str(), seq(route.pos, vec![])));
            }
            if api_key {
                requirement.push(("api_key", seq(route.pos, vec![])));
            }
            let integration = m(
                route.pos,
                vec![
                    ("type", s(route.pos, "aws_proxy")),
                    ("httpMethod", s(route.pos, "POST")),
                    (
                        "uri",
                        sub(
                            route.pos,
                            format!(
                                "arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{}.Arn}}/invocations",
                                route.function
                            ),
                        ),
                    ),
                ],
            );
            let mut operation = vec![("x-amazon-apigateway-integration", integration)];
            if !requirement.is_empty() {
                operation.push(("security", seq(route.pos, vec![m(route.pos, requirement)])));
            } else if explicit_none {
                // `Authorizer: NONE`: no security, and no default put on it later.
                operation.push(("security", seq(route.pos, vec![])));
            }
            // An authorizer given by an intrinsic (SAM reads only names): what protects
            // the method is known only if it resolves (AWS_IAM or NONE); otherwise unknown.
            if let Some(given) = intrinsic_authorizer(route.auth.as_ref(), auth) {
                operation.push((
                    "x-amazon-apigateway-auth",
                    m(route.pos, vec![("type", given)]),
                ));
            }
            let verb = if route.method == "any" {
                "x-amazon-apigateway-any-method".to_owned()
            } else {
                route.method.clone()
            };
            operations.push((route.path.clone(), verb, m(route.pos, operation)));
            self.out.push(resource(
                format!("{}{}Permission", route.function, short(&route.path, &route.method)),
                "AWS::Lambda::Permission",
                route.pos,
                m(route.pos, vec![
                    ("Action", s(route.pos, "lambda:InvokeFunction")),
                    ("FunctionName", reference(route.pos, &route.function)),
                    ("Principal", s(route.pos, "apigateway.amazonaws.com")),
                    ("SourceArn", sub(route.pos, format!("arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{logical}}}/*/{}{}", if route.method == "any" { "*".to_owned() } else { route.method.to_uppercase() }, source_path(&route.path)))),
                ]),
            ));
        }
        add_operations(&mut body, operations);
        // SAM sets the API's default authorizer and API-key requirement on every method of
        // the definition that has no security of its own, not only on the events' routes.
        let mut defaults: Vec<&str> = Vec::new();
        if let Some(a) = default_authorizer.as_deref().filter(|a| *a != "NONE") {
            defaults.push(a);
        }
        if api_key_default {
            defaults.push("api_key");
        }
        let preflight = auth
            .and_then(|a| a.get("AddDefaultAuthorizerToCorsPreflight"))
            .and_then(Node::as_bool)
            .unwrap_or(true);
        default_security(&mut body, &defaults, preflight);
        let defs_key = if body.get("openapi").is_some() {
            "components"
        } else {
            "securityDefinitions"
        };
        if defs_key == "components" {
            let mut components = body
                .get("components")
                .cloned()
                .unwrap_or_else(|| m(pos, vec![]));
            let mut existing = components
                .get("securitySchemes")
                .cloned()
                .unwrap_or_else(|| m(pos, vec![]));
            for (k, v) in schemes {
                if existing.get(&k).is_none() {
                    set(&mut existing, &k, v);
                }
            }
            set(&mut components, "securitySchemes", existing);
            set(&mut body, "components", components);
        } else {
            let mut existing = body
                .get("securityDefinitions")
                .cloned()
                .unwrap_or_else(|| m(pos, vec![]));
            for (k, v) in schemes {
                if existing.get(&k).is_none() {
                    set(&mut existing, &k, v);
                }
            }
            set(&mut body, "securityDefinitions", existing);
        }
        let mut api = vec![("Body", body)];
        if in_s3 {
            api = vec![("BodyS3Location", elsewhere.unwrap_or_else(|| s(pos, "")))];
        }
        if let Some(name) = props.get("Name") {
            api.push(("Name", name.clone()));
        }
        if let Some(endpoint) = props.get("EndpointConfiguration") {
            let types = match &endpoint.kind {
                Kind::Str(_) => seq(endpoint.pos, vec![endpoint.clone()]),
                _ => seq(
                    endpoint.pos,
                    endpoint.get("Type").into_iter().cloned().collect(),
                ),
            };
            let mut e = vec![("Types", types)];
            if let Some(ids) = endpoint.get("VPCEndpointIds") {
                e.push(("VpcEndpointIds", ids.clone()));
            }
            api.push(("EndpointConfiguration", m(endpoint.pos, e)));
        }
        for key in [
            "DisableExecuteApiEndpoint",
            "ApiKeySourceType",
            "Description",
        ] {
            if let Some(v) = props.get(key) {
                api.push((key, v.clone()));
            }
        }
        if let Some(statements) = auth.and_then(|a| a.path("ResourcePolicy.CustomStatements")) {
            api.push((
                "Policy",
                m(
                    statements.pos,
                    vec![
                        ("Version", s(statements.pos, "2012-10-17")),
                        ("Statement", statements.clone()),
                    ],
                ),
            ));
        }
        if let Some(tags) = props.get("Tags") {
            api.push(("Tags", tags.clone()));
        }
        self.out.push(Resource {
            condition: condition.clone(),
            ..resource(logical, "AWS::ApiGateway::RestApi", pos, m(pos, api))
        });
        let stage_name = props
            .get("StageName")
            .cloned()
            .unwrap_or_else(|| s(pos, "Prod"));
        let stage_label = stage_name.as_str().unwrap_or("Stage").to_owned();
        let mut stage = vec![
            ("RestApiId", reference(pos, logical)),
            ("StageName", stage_name.clone()),
        ];
        for key in [
            "MethodSettings",
            "TracingEnabled",
            "AccessLogSetting",
            "CacheClusterEnabled",
            "CacheClusterSize",
            "Variables",
            "Tags",
        ] {
            if let Some(v) = props.get(key) {
                stage.push((key, v.clone()));
            }
        }
        let stage_pos = props.get("StageName").map_or(pos, |n| n.pos);
        self.out.push(Resource {
            condition: condition.clone(),
            ..resource(
                format!("{logical}{stage_label}Stage"),
                "AWS::ApiGateway::Stage",
                stage_pos,
                m(stage_pos, stage),
            )
        });
        if let Some(plan) = auth.and_then(|a| a.get("UsagePlan")) {
            let create = plan
                .get("CreateUsagePlan")
                .and_then(Node::as_str)
                .unwrap_or("NONE");
            if create != "NONE" {
                let mut p = vec![(
                    "ApiStages",
                    seq(
                        plan.pos,
                        vec![m(
                            plan.pos,
                            vec![
                                ("ApiId", reference(plan.pos, logical)),
                                ("Stage", stage_name),
                            ],
                        )],
                    ),
                )];
                for key in ["Throttle", "Quota"] {
                    if let Some(v) = plan.get(key) {
                        p.push((key, v.clone()));
                    }
                }
                self.out.push(resource(
                    format!("{logical}UsagePlan"),
                    "AWS::ApiGateway::UsagePlan",
                    plan.pos,
                    m(plan.pos, p),
                ));
            }
        }
        if let Some(domain) = props.get("Domain") {
            let mut d = Vec::new();
            for (from, to) in [
                ("DomainName", "DomainName"),
                ("SecurityPolicy", "SecurityPolicy"),
                ("CertificateArn", "RegionalCertificateArn"),
            ] {
                if let Some(v) = domain.get(from) {
                    d.push((to, v.clone()));
                }
            }
            self.out.push(resource(
                format!("{logical}DomainName"),
                "AWS::ApiGateway::DomainName",
                domain.pos,
                m(domain.pos, d),
            ));
        }
    }

    fn http_api(&mut self, logical: &str, props: &Node, pos: Pos, condition: Option<String>) {
        let routes = self.http_routes.remove(logical).unwrap_or_default();
        let mut api = vec![("ProtocolType", s(pos, "HTTP"))];
        if let Some(mut body) = self.definition(props) {
            http_default_auth(&mut body, props.get("Auth"), pos);
            api.push(("Body", body));
        } else if let Some(location) = definition_elsewhere(props) {
            api.push(("BodyS3Location", location));
        }
        for key in ["Name", "Description", "DisableExecuteApiEndpoint", "Tags"] {
            if let Some(v) = props.get(key) {
                api.push((key, v.clone()));
            }
        }
        if let Some(cors) = props.get("CorsConfiguration") {
            let origins = match &cors.kind {
                Kind::Bool(true) => seq(cors.pos, vec![s(cors.pos, "*")]),
                _ => cors
                    .get("AllowOrigins")
                    .cloned()
                    .unwrap_or_else(|| seq(cors.pos, vec![])),
            };
            api.push((
                "CorsConfiguration",
                m(cors.pos, vec![("AllowOrigins", origins)]),
            ));
        }
        self.out.push(Resource {
            condition: condition.clone(),
            ..resource(logical, "AWS::ApiGatewayV2::Api", pos, m(pos, api))
        });
        let auth = props.get("Auth");
        let default_authorizer = auth
            .and_then(|a| a.get("DefaultAuthorizer"))
            .and_then(Node::as_str)
            .map(str::to_owned);
        for route in &routes {
            let authorizer = route
                .auth
                .as_ref()
                .and_then(|a| a.get("Authorizer"))
                .and_then(Node::as_str)
                .map(str::to_owned)
                .or_else(|| default_authorizer.clone());
            let (kind, id) = match authorizer.as_deref() {
                None | Some("NONE") => ("NONE", None),
                Some("AWS_IAM") => ("AWS_IAM", None),
                Some(name) => {
                    let jwt = auth
                        .and_then(|a| a.path(&format!("Authorizers.{name}.JwtConfiguration")))
                        .is_some();
                    (if jwt { "JWT" } else { "CUSTOM" }, Some(name.to_owned()))
                }
            };
            let key = if route.path == "$default" && route.method == "any" {
                "$default".to_owned()
            } else {
                format!(
                    "{} {}",
                    if route.method == "any" {
                        "ANY".to_owned()
                    } else {
                        route.method.to_uppercase()
                    },
                    route.path
                )
            };
            let tag = short(&route.path, &route.method);
            let integration = format!("{}{tag}Integration", route.function);
            self.out.push(resource(
                integration.clone(),
                "AWS::ApiGatewayV2::Integration",
                route.pos,
                m(
                    route.pos,
                    vec![
                        ("ApiId", reference(route.pos, logical)),
                        ("IntegrationType", s(route.pos, "AWS_PROXY")),
                        ("IntegrationUri", get_att(route.pos, &route.function, "Arn")),
                    ],
                ),
            ));
            let kind = match intrinsic_authorizer(route.auth.as_ref(), auth) {
                Some(given) => given,
                None => s(route.pos, kind),
            };
            let mut r = vec![
                ("ApiId", reference(route.pos, logical)),
                ("RouteKey", s(route.pos, key)),
                ("AuthorizationType", kind),
                (
                    "Target",
                    sub(route.pos, format!("integrations/${{{integration}}}")),
                ),
            ];
            if let Some(id) = id {
                r.push(("AuthorizerId", s(route.pos, id)));
            }
            self.out.push(resource(
                format!("{}{tag}Route", route.function),
                "AWS::ApiGatewayV2::Route",
                route.pos,
                m(route.pos, r),
            ));
            self.out.push(resource(format!("{}{tag}Permission", route.function), "AWS::Lambda::Permission", route.pos, m(route.pos, vec![
                ("Action", s(route.pos, "lambda:InvokeFunction")),
                ("FunctionName", reference(route.pos, &route.function)),
                ("Principal", s(route.pos, "apigateway.amazonaws.com")),
                ("SourceArn", sub(route.pos, format!("arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{logical}}}/*"))),
            ])));
        }
        let mut stage = vec![
            ("ApiId", reference(pos, logical)),
            (
                "StageName",
                props
                    .get("StageName")
                    .cloned()
                    .unwrap_or_else(|| s(pos, "$default")),
            ),
            ("AutoDeploy", Node::new(pos, Kind::Bool(true))),
        ];
        for key in [
            "DefaultRouteSettings",
            "RouteSettings",
            "AccessLogSettings",
            "StageVariables",
            "Tags",
        ] {
            if let Some(v) = props.get(key) {
                stage.push((key, v.clone()));
            }
        }
        let stage_pos = props.get("StageName").map_or(pos, |n| n.pos);
        self.out.push(Resource {
            condition,
            ..resource(
                format!("{logical}ApiGatewayDefaultStage"),
                "AWS::ApiGatewayV2::Stage",
                stage_pos,
                m(stage_pos, stage),
            )
        });
    }
}

fn short(path: &str, method: &str) -> String {
    let mut out: String = path.chars().filter(char::is_ascii_alphanumeric).collect();
    out.push_str(
        &method
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>(),
    );
    out
}

/// An API path as it appears in an execute-api ARN: `{param}` matches anything.
fn source_path(path: &str) -> String {
    path.split('/')
        .map(|part| if part.starts_with('{') { "*" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

/// Adds each (path, verb, operation) to the definition's `paths`, in order, unless the path
/// already has that verb. The same as `set`ting them one at a time (a path set is moved to the
/// end, `paths` too), done in one pass: one at a time copied `paths` per event.
fn add_operations(body: &mut Node, operations: Vec<(String, String, Node)>) {
    let Some(first_pos) = operations.first().map(|(_, _, operation)| operation.pos) else {
        return;
    };
    let Kind::Map(body_entries) = &mut body.kind else {
        return;
    };
    // The first `paths` is the one read; all are replaced by one at the end.
    let mut paths = match body_entries.iter().position(|(k, _)| k == "paths") {
        Some(index) => body_entries.remove(index).1,
        None => m(first_pos, vec![]),
    };
    body_entries.retain(|(k, _)| k != "paths");
    if let Kind::Map(path_entries) = &mut paths.kind {
        // Each path touched: its item (the first entry of that path, or new) and when it was
        // last touched, which orders the touched paths at the end.
        let mut first_of: HashMap<String, usize> = HashMap::new();
        for (index, (k, _)) in path_entries.iter().enumerate() {
            first_of.entry(k.clone()).or_insert(index);
        }
        let mut touched: HashMap<String, (Node, usize)> = HashMap::new();
        for (sequence, (path, verb, operation)) in operations.into_iter().enumerate() {
            let (item, last) = touched.entry(path).or_insert_with_key(|path| {
                let item = first_of
                    .get(path)
                    .map_or_else(|| m(operation.pos, vec![]), |&i| path_entries[i].1.clone());
                (item, sequence)
            });
            *last = sequence;
            if item.get(&verb).is_none() {
                set(item, &verb, operation);
            }
        }
        path_entries.retain(|(k, _)| !touched.contains_key(k));
        let mut touched: Vec<(String, (Node, usize))> = touched.into_iter().collect();
        touched.sort_by_key(|(_, (_, last))| *last);
        path_entries.extend(touched.into_iter().map(|(path, (item, _))| (path, item)));
    }
    body_entries.push(("paths".to_owned(), paths));
}

/// A SAM policy template's definition with its parameters (`{"Ref": "BucketName"}`) replaced
/// by the values the function gave; those values may be intrinsics, resolved later.
fn expand(definition: &Node, parameters: &[String], values: &Node, pos: Pos) -> Node {
    fn walk(node: &Node, parameters: &[String], values: &Node, pos: Pos, depth: usize) -> Node {
        if depth > super::yaml::MAX_DEPTH {
            return Node::unresolved(pos, "nested too deeply");
        }
        if let Some(name) = node.get("Ref").and_then(Node::as_str)
            && parameters.iter().any(|p| p == name)
        {
            return match values.get(name) {
                Some(v) => v.clone(),
                None => Node::unresolved(
                    pos,
                    format!("the policy template parameter {name} is not given"),
                ),
            };
        }
        let kind = match &node.kind {
            Kind::Seq(items) => Kind::Seq(
                items
                    .iter()
                    .map(|n| walk(n, parameters, values, pos, depth + 1))
                    .collect(),
            ),
            Kind::Map(entries) => Kind::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), walk(v, parameters, values, pos, depth + 1)))
                    .collect(),
            ),
            other => other.clone(),
        };
        Node::new(pos, kind)
    }
    walk(definition, parameters, values, pos, 0)
}

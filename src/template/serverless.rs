//! Serverless Framework (`serverless.yml`), v3/v4 AWS provider: variables (`${self:...}`,
//! `${opt:...}`, `${sls:stage}`, `${aws:region}`, defaults) are resolved where they can be,
//! then the file becomes the CloudFormation resources `serverless package` would generate
//! (functions, the shared execution role, REST and HTTP APIs, URLs, permissions, event
//! source mappings) plus its own `resources.Resources`, and goes through the same builder.

use super::cfn::{Resource, ShapeError, Template};
use super::locate::Found;
use super::sam::{get_att, m, reference, resource, s, seq, sub};
use super::yaml::{Kind, MAX_DEPTH, Node, Pos, Unresolved};
use super::{ACCOUNT, Options};

/// The variable sources faascan knows; `${AWS::Region}` in an `Fn::Sub` is not one of them.
const SOURCES: &[&str] = &[
    "self:",
    "opt:",
    "sls:",
    "aws:",
    "env:",
    "ssm:",
    "cf:",
    "s3:",
    "file(",
    "param:",
    "strToBool(",
    "git:",
    "terraform:",
    "vault:",
    "doppler:",
];

/// Why a variable has no value. `Absent`: not set (`${self:}` missing, `${opt:}` not given as
/// `--parameter`, a missing file), so the framework would use the expression's `, default`.
/// `Unread`: maybe set, but faascan cannot read it (a file outside the scanned ones or
/// unparseable, code, a deploy-time source such as `${ssm:}`, nesting too deep); the default
/// may not be what the framework uses, so the value is unknown.
enum Missing {
    Absent(String),
    Unread(String),
}

struct Vars<'a> {
    root: &'a Node,
    /// The directory of the file, for `${file(...)}`.
    dir: &'a std::path::Path,
    /// The scanned root: `${file(...)}` never reads outside it.
    root_dir: &'a std::path::Path,
    options: &'a Options<'a>,
    stage: String,
    region: String,
    /// Lookups and text left to resolve: `${self:}` variables that each use the next several
    /// times do exponential work in a small file.
    steps_left: std::cell::Cell<u64>,
    /// `${self:path}` values already resolved (one left unknown by the depth bound where it was
    /// first met stays unknown: never a wrong value).
    resolved_self: std::cell::RefCell<std::collections::HashMap<String, Node>>,
}

/// Resolution steps per file (a lookup, or 64 bytes of text made).
const MAX_RESOLUTION_STEPS: u64 = 20_000_000;
/// The longest string variables may make: past it the value is unknown.
const MAX_TEXT_BYTES: usize = 1024 * 1024;
const TOO_MUCH_WORK: &str =
    "the file asks for too much work to resolve (variables that use one another many times over)";

impl Vars<'_> {
    fn lookup(&self, expression: &str, depth: usize) -> Result<Node, String> {
        if !self.charge(1) {
            return Err(TOO_MUCH_WORK.to_owned());
        }
        let expression = expression.trim();
        // `source:address, default`
        let (main, default) = split_default(expression);
        let value = self.source(main.trim(), depth);
        match (value, default) {
            (Ok(v), _) => Ok(v),
            (Err(Missing::Absent(_)), Some(default)) => {
                let d = default.trim();
                if (d.starts_with('\'') && d.ends_with('\''))
                    || (d.starts_with('"') && d.ends_with('"'))
                {
                    Ok(Node::str(Pos::default(), &d[1..d.len() - 1]))
                } else if SOURCES.iter().any(|p| d.starts_with(p)) {
                    self.lookup(d, depth + 1)
                } else {
                    Ok(Node::str(Pos::default(), d))
                }
            }
            (Err(Missing::Absent(why) | Missing::Unread(why)), _) => Err(why),
        }
    }

    /// Spends `steps`; `false` once the file's budget is spent.
    fn charge(&self, steps: u64) -> bool {
        let left = self.steps_left.get();
        self.steps_left.set(left.saturating_sub(steps));
        left >= steps
    }

    fn source(&self, main: &str, depth: usize) -> Result<Node, Missing> {
        if depth > 16 {
            return Err(Missing::Unread(format!(
                "${{{main}}}: variables nested too deeply"
            )));
        }
        if let Some(path) = main.strip_prefix("self:") {
            if let Some(known) = self.resolved_self.borrow().get(path) {
                return Ok(known.clone());
            }
            let node = if path.is_empty() {
                Some(self.root)
            } else {
                self.root.path(path)
            };
            return match (node, path) {
                (Some(n), _) => {
                    let value = self.resolve(n, depth + 1);
                    if !path.is_empty() {
                        self.resolved_self
                            .borrow_mut()
                            .insert(path.to_owned(), value.clone());
                    }
                    Ok(value)
                }
                // The framework's defaults when the file does not set them.
                (None, "provider.stage") => Ok(Node::str(Pos::default(), &self.stage)),
                (None, "provider.region") => Ok(Node::str(Pos::default(), &self.region)),
                (None, _) => Err(Missing::Absent(format!(
                    "${{self:{path}}} is not set in the file"
                ))),
            };
        }
        if let Some(name) = main
            .strip_prefix("opt:")
            .or_else(|| main.strip_prefix("param:"))
        {
            return match (name, self.options.parameters.get(name)) {
                (_, Some(v)) => Ok(Node::str(Pos::default(), v)),
                ("stage", None) => Ok(Node::str(Pos::default(), &self.stage)),
                ("region", None) => Ok(Node::str(Pos::default(), &self.region)),
                _ => Err(Missing::Absent(format!(
                    "${{{main}}} needs --parameter {name}=VALUE"
                ))),
            };
        }
        if let Some(rest) = main.strip_prefix("file(") {
            return self.file(rest, depth);
        }
        match main {
            "sls:stage" => return Ok(Node::str(Pos::default(), &self.stage)),
            "aws:region" => return Ok(Node::str(Pos::default(), &self.region)),
            "aws:accountId" => {
                let account = self
                    .options
                    .parameters
                    .get("AWS::AccountId")
                    .map_or(ACCOUNT, String::as_str);
                return Ok(Node::str(Pos::default(), account));
            }
            _ => {}
        }
        // An SSM parameter, a stack output, an environment variable of the deploy: it may well
        // be set there, so its `, default` is a guess, not the value.
        Err(Missing::Unread(format!(
            "${{{main}}} is resolved only at deploy time"
        )))
    }

    /// `${file(PATH)}` and `${file(PATH):a.b}`: a YAML or JSON file next to this one (a
    /// `.js`/`.ts` file is code the framework runs, so unknown). Its values take the
    /// position of the `${file(...)}` that includes them, so findings point at this file.
    fn file(&self, rest: &str, depth: usize) -> Result<Node, Missing> {
        let Some((path, address)) = rest.split_once(')') else {
            return Err(Missing::Unread(format!("${{file({rest}}} is malformed")));
        };
        let path = path.trim().trim_matches(['\'', '"']);
        let address = address.trim().trim_start_matches(':').trim();
        let shown = format!("${{file({path})}}");
        if !(path.ends_with(".yml") || path.ends_with(".yaml") || path.ends_with(".json")) {
            return Err(Missing::Unread(format!(
                "{shown} is computed by code at deploy time"
            )));
        }
        if path.contains('$') {
            return Err(Missing::Unread(format!(
                "{shown} is computed at deploy time"
            )));
        }
        let text = match super::read_included(self.root_dir, self.dir, path) {
            Ok(text) => text,
            // A missing file takes the default, as in the framework.
            Err(super::Unincluded::NotFound(why)) => {
                return Err(Missing::Absent(format!("{shown} is not read: {why}")));
            }
            // A file faascan would not read is not absent: its value is unknown.
            Err(super::Unincluded::Refused(why)) => {
                return Err(Missing::Unread(format!("{shown} is not read: {why}")));
            }
        };
        let node =
            super::yaml::parse(&text).map_err(|e| Missing::Unread(format!("{shown}: {e}")))?;
        let node = if address.is_empty() {
            node
        } else {
            node.path(address)
                .cloned()
                .ok_or_else(|| Missing::Absent(format!("{shown} has no {address}")))?
        };
        Ok(self.resolve(&node, depth + 1))
    }

    /// Resolves variables in every string inside `node`.
    fn resolve(&self, node: &Node, depth: usize) -> Node {
        if depth > MAX_DEPTH {
            return Node::unresolved(node.pos, "nested too deeply");
        }
        match &node.kind {
            Kind::Str(text) if text.contains("${") => self.string(text, node.pos, depth),
            Kind::Seq(items) => Node::new(
                node.pos,
                Kind::Seq(items.iter().map(|n| self.resolve(n, depth + 1)).collect()),
            ),
            Kind::Map(entries) => Node::new(
                node.pos,
                Kind::Map(
                    entries
                        .iter()
                        .map(|(k, v)| (k.clone(), self.resolve(v, depth + 1)))
                        .collect(),
                ),
            ),
            _ => node.clone(),
        }
    }

    fn string(&self, text: &str, pos: Pos, depth: usize) -> Node {
        let mut current = text.to_owned();
        let mut reason: Option<String> = None;
        for _ in 0..16 {
            // The innermost `${source:...}` first (variables nest).
            let Some((start, end)) = innermost(&current) else {
                break;
            };
            let expression = current[start + 2..end].to_owned();
            if !SOURCES
                .iter()
                .any(|p| expression.trim_start().starts_with(p))
            {
                break;
            }
            match self.lookup(&expression, depth + 1) {
                Ok(value)
                    if start == 0
                        && end == current.len() - 1
                        && !matches!(value.kind, Kind::Str(_)) =>
                {
                    if expression.trim_start().starts_with("file(") {
                        return at(&value, pos, 0);
                    }
                    return Node { pos, ..value };
                }
                Ok(value) => {
                    let piece = match &value.kind {
                        Kind::Str(s) => s.clone(),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Unresolved(u) => {
                            reason.get_or_insert(u.reason.clone());
                            u.partial
                                .clone()
                                .unwrap_or_else(|| format!("<unresolved:{expression}>"))
                        }
                        _ => value.to_json().to_string(),
                    };
                    current.replace_range(start..=end, &piece);
                }
                Err(why) => {
                    reason.get_or_insert(why);
                    current.replace_range(
                        start..=end,
                        &format!("<unresolved:{}>", expression.replace("${", "")),
                    );
                }
            }
            // Text made counts against the budget, and a string past the bound is unknown
            // (kept short: it is carried as the partial value).
            let spent = self.charge(u64::try_from(current.len() / 64).unwrap_or(u64::MAX));
            if current.len() > MAX_TEXT_BYTES || !spent {
                let why = if spent {
                    format!("a value longer than {} MiB", MAX_TEXT_BYTES / (1024 * 1024))
                } else {
                    TOO_MUCH_WORK.to_owned()
                };
                return Node::unresolved(pos, why);
            }
        }
        match reason {
            None => Node::str(pos, current),
            Some(reason) => Node::new(
                pos,
                Kind::Unresolved(Box::new(Unresolved {
                    reason,
                    partial: Some(current),
                })),
            ),
        }
    }
}

/// The files a Serverless file includes with `${file(PATH)}` (literal paths only), as
/// canonical paths; for leaving them out of a directory scan.
pub(crate) fn includes(path: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(text) = crate::input::read_text(path, "Serverless file", super::MAX_INCLUDE_BYTES)
    else {
        return Vec::new();
    };
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    text.match_indices("${file(")
        .filter_map(|(at, open)| {
            let rest = &text[at + open.len()..];
            let inner = rest.split_once(')')?.0.trim().trim_matches(['\'', '"']);
            (!inner.contains('$') && !inner.is_empty()).then(|| dir.join(inner))
        })
        .filter_map(|p| p.canonicalize().ok())
        .collect()
}

/// `node` with every position set to `pos` (values included from another file).
fn at(node: &Node, pos: Pos, depth: usize) -> Node {
    let kind = match &node.kind {
        _ if depth > MAX_DEPTH => node.kind.clone(),
        Kind::Seq(items) => Kind::Seq(items.iter().map(|n| at(n, pos, depth + 1)).collect()),
        Kind::Map(entries) => Kind::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), at(v, pos, depth + 1)))
                .collect(),
        ),
        other => other.clone(),
    };
    Node { pos, kind }
}

fn split_default(expression: &str) -> (&str, Option<&str>) {
    // The first top-level comma separates the default.
    let mut level = 0i32;
    for (i, c) in expression.char_indices() {
        match c {
            '(' | '[' | '{' => level += 1,
            ')' | ']' | '}' => level -= 1,
            ',' if level == 0 => return (&expression[..i], Some(&expression[i + 1..])),
            _ => {}
        }
    }
    (expression, None)
}

/// The first span `${source:...}` that contains no other `${`, in one pass: braces are paired
/// on a stack (a scan from every `${` to its end was quadratic in a string of many `${`).
fn innermost(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    // Open braces: where a `${` starts (`None` for a plain `{`), and whether a `${` opened
    // inside it. Spans without a `${` inside cannot contain one another, so the first to close
    // is also the first to open.
    let mut open: Vec<(Option<usize>, bool)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                if let Some(parent) = open.last_mut() {
                    parent.1 = true;
                }
                open.push((Some(i), false));
                i += 1;
            }
            b'{' => open.push((None, false)),
            b'}' => {
                if let Some((start, nested)) = open.pop() {
                    if nested && let Some(parent) = open.last_mut() {
                        parent.1 = true;
                    }
                    if let Some(start) = start
                        && !nested
                    {
                        let expression = &text[start + 2..i];
                        if SOURCES
                            .iter()
                            .any(|p| expression.trim_start().starts_with(p))
                        {
                            return Some((start, i));
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Sets each of `entries` in `into`: a key already there takes the new value in its place (the
/// last one wins, as in the framework's merges), with one index instead of a scan per key.
fn set_all<'n>(
    into: &mut Vec<(String, Node)>,
    entries: impl IntoIterator<Item = &'n (String, Node)>,
) {
    let mut index: std::collections::HashMap<String, usize> = into
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.clone(), i))
        .collect();
    for (k, v) in entries {
        match index.get(k).and_then(|&i| into.get_mut(i)) {
            Some(existing) => existing.1 = v.clone(),
            None => {
                index.insert(k.clone(), into.len());
                into.push((k.clone(), v.clone()));
            }
        }
    }
}

/// Serverless's logical-id normalisation: `my-func_x` -> `MyDashfuncUnderscorex`.
fn normalise(name: &str) -> String {
    let mut out = String::new();
    let mut chars = name.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
    }
    for c in chars {
        match c {
            '-' => out.push_str("Dash"),
            '_' => out.push_str("Underscore"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

fn statement_list(node: Option<&Node>) -> Vec<Node> {
    node.map(|n| n.items().into_iter().cloned().collect())
        .unwrap_or_default()
}

pub(crate) fn read(raw: &Node, f: &Found, options: &Options<'_>) -> Result<Template, ShapeError> {
    let Some(service) = raw.get("service") else {
        return Err(ShapeError {
            pos: raw.pos,
            message: "not a Serverless Framework file: no `service`".to_owned(),
        });
    };
    let provider = raw
        .get("provider")
        .cloned()
        .unwrap_or_else(|| m(raw.pos, vec![]));
    if provider
        .get("name")
        .and_then(Node::as_str)
        .is_some_and(|n| n != "aws")
    {
        return Err(ShapeError {
            pos: provider.pos,
            message: "only the aws provider is read".to_owned(),
        });
    }
    let dir = f.path.parent().unwrap_or(std::path::Path::new("."));
    let scanned_root = f.root();
    let vars_for = |stage: &str, region: &str| Vars {
        root: raw,
        dir,
        root_dir: &scanned_root,
        options,
        stage: stage.to_owned(),
        region: region.to_owned(),
        steps_left: std::cell::Cell::new(MAX_RESOLUTION_STEPS),
        resolved_self: std::cell::RefCell::new(std::collections::HashMap::new()),
    };
    let first = vars_for("dev", options.region.unwrap_or("us-east-1"));
    let stage = options
        .parameters
        .get("stage")
        .cloned()
        .or_else(|| {
            first
                .resolve(provider.get("stage").unwrap_or(&s(raw.pos, "dev")), 0)
                .as_str()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "dev".to_owned());
    let region = options
        .region
        .map(str::to_owned)
        .or_else(|| options.parameters.get("region").cloned())
        .or_else(|| {
            vars_for(&stage, first.region.as_str())
                .resolve(
                    provider.get("region").unwrap_or(&s(raw.pos, "us-east-1")),
                    0,
                )
                .as_str()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "us-east-1".to_owned());
    let vars = vars_for(&stage, &region);
    let root = vars.resolve(raw, 0);
    let service = match service.as_str().map(str::to_owned).or_else(|| {
        root.get("service")
            .and_then(|s| s.get("name"))
            .and_then(Node::as_str)
            .map(str::to_owned)
    }) {
        Some(_) => root
            .get("service")
            .and_then(Node::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| f.stack.clone()),
        None => f.stack.clone(),
    };
    let provider = root
        .get("provider")
        .cloned()
        .unwrap_or_else(|| m(raw.pos, vec![]));
    let pos = provider.pos;
    let prefix = format!("{service}-{stage}");
    let mut out: Vec<Resource> = Vec::new();

    // The shared execution role.
    let iam = provider.get("iam");
    let role_setting = iam.and_then(|i| i.get("role")).or(provider.get("role"));
    // `iam: ${file(...)}` or `role: ${ssm:...}` that cannot be read: the shared role is
    // unknown (never the framework's default role with only the logging statement).
    let unreadable = role_setting
        .into_iter()
        .chain(iam)
        .find(|n| matches!(n.kind, Kind::Unresolved(_)))
        .cloned();
    let shared_role: Node = match role_setting {
        _ if unreadable.is_some() => unreadable.unwrap_or_else(|| unreachable!()),
        Some(r)
            if r.as_str().is_some()
                || matches!(&r.kind, Kind::Map(e) if e.len() == 1 && e[0].0.starts_with("Fn::")) =>
        {
            let name = r.as_str().unwrap_or_default();
            if name.starts_with("arn:") || r.as_str().is_none() {
                r.clone()
            } else {
                get_att(r.pos, name, "Arn")
            }
        }
        _ => {
            let statements_node = iam
                .and_then(|i| i.path("role.statements"))
                .or(provider.get("iamRoleStatements"));
            let managed = iam
                .and_then(|i| i.path("role.managedPolicies"))
                .or(provider.get("iamManagedPolicies"));
            let role_pos = statements_node.map_or(pos, |n| n.pos);
            let mut statements = vec![m(
                pos,
                vec![
                    ("Effect", s(pos, "Allow")),
                    (
                        "Action",
                        seq(
                            pos,
                            vec![
                                s(pos, "logs:CreateLogStream"),
                                s(pos, "logs:CreateLogGroup"),
                                s(pos, "logs:PutLogEvents"),
                            ],
                        ),
                    ),
                    (
                        "Resource",
                        seq(
                            pos,
                            vec![sub(
                                pos,
                                format!(
                                    "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/lambda/{prefix}*:*"
                                ),
                            )],
                        ),
                    ),
                ],
            )];
            statements.extend(statement_list(statements_node));
            let mut managed: Vec<Node> = statement_list(managed);
            if provider.get("vpc").is_some() {
                managed.push(s(
                    pos,
                    "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
                ));
            }
            let mut props = vec![
                ("RoleName", s(pos, format!("{prefix}-{region}-lambdaRole"))),
                ("AssumeRolePolicyDocument", lambda_trust(pos)),
                (
                    "Policies",
                    seq(
                        pos,
                        vec![m(
                            pos,
                            vec![
                                ("PolicyName", s(pos, format!("{prefix}-lambda"))),
                                (
                                    "PolicyDocument",
                                    m(
                                        pos,
                                        vec![
                                            ("Version", s(pos, "2012-10-17")),
                                            ("Statement", seq(pos, statements)),
                                        ],
                                    ),
                                ),
                            ],
                        )],
                    ),
                ),
                ("ManagedPolicyArns", seq(pos, managed)),
            ];
            if let Some(b) = iam
                .and_then(|i| i.path("role.permissionsBoundary"))
                .or(provider.get("rolePermissionsBoundary"))
            {
                props.push(("PermissionsBoundary", b.clone()));
            }
            out.push(resource(
                "IamRoleLambdaExecution",
                "AWS::IAM::Role",
                role_pos,
                m(role_pos, props),
            ));
            get_att(pos, "IamRoleLambdaExecution", "Arn")
        }
    };

    let mut rest_paths: Vec<(Node, Pos, String)> = Vec::new(); // (operation body, pos, path)
    let mut http_routes = Vec::new();
    // (function, route key, authorizer name, position) of `websocket` events.
    let mut ws_routes: Vec<(String, String, Option<String>, Pos)> = Vec::new();
    let mut uses_rest = false;
    let mut rest_unknown: Option<Node> = None;
    let mut notes: Vec<(String, Pos, String)> = Vec::new();
    let functions = merged_entries(root.get("functions"), "functions", &mut notes);
    for (key, function) in &functions {
        let fpos = function.pos;
        let logical = format!("{}LambdaFunction", normalise(key));
        let get = |k: &str| function.get(k).or(provider.get(k)).cloned();
        let mut props = vec![(
            "FunctionName",
            function
                .get("name")
                .cloned()
                .unwrap_or_else(|| s(fpos, format!("{prefix}-{key}"))),
        )];
        if let Some(h) = function.get("handler") {
            props.push(("Handler", h.clone()));
        }
        if let Some(image) = function.get("image") {
            props.push((
                "Code",
                m(
                    fpos,
                    vec![(
                        "ImageUri",
                        image.get("uri").cloned().unwrap_or_else(|| image.clone()),
                    )],
                ),
            ));
        } else {
            props.push((
                "Runtime",
                get("runtime").unwrap_or_else(|| s(fpos, "nodejs18.x")),
            ));
        }
        props.push((
            "MemorySize",
            get("memorySize").unwrap_or_else(|| s(fpos, "1024")),
        ));
        props.push(("Timeout", get("timeout").unwrap_or_else(|| s(fpos, "6"))));
        if let Some(a) = get("architecture") {
            props.push(("Architectures", seq(a.pos, vec![a])));
        }
        let mut env: Vec<(String, Node)> = provider
            .get("environment")
            .and_then(Node::as_map)
            .map(<[(String, Node)]>::to_vec)
            .unwrap_or_default();
        let function_env = function.get("environment").and_then(Node::as_map);
        set_all(&mut env, function_env.unwrap_or_default());
        // `environment: ${file(./env.yml)}` that cannot be read: the variables are unknown.
        let unreadable_env = [function.get("environment"), provider.get("environment")]
            .into_iter()
            .flatten()
            .find(|n| matches!(n.kind, Kind::Unresolved(_)))
            .cloned();
        if let Some(unknown) = unreadable_env {
            props.push(("Environment", m(unknown.pos, vec![("Variables", unknown)])));
        } else if !env.is_empty() {
            let epos = function
                .get("environment")
                .or(provider.get("environment"))
                .map_or(fpos, |n| n.pos);
            props.push((
                "Environment",
                m(epos, vec![("Variables", Node::new(epos, Kind::Map(env)))]),
            ));
        }
        if let Some(l) = get("layers") {
            props.push(("Layers", l));
        }
        if let Some(c) = function.get("reservedConcurrency") {
            props.push(("ReservedConcurrentExecutions", c.clone()));
        }
        if let Some(t) = function.get("tracing").or(provider.path("tracing.lambda")) {
            let mode = match t.as_bool() {
                Some(true) => "Active".to_owned(),
                Some(false) => "PassThrough".to_owned(),
                None => t
                    .as_str()
                    .map(|m| {
                        if m.eq_ignore_ascii_case("active") {
                            "Active"
                        } else {
                            "PassThrough"
                        }
                        .to_owned()
                    })
                    .unwrap_or_else(|| "PassThrough".to_owned()),
            };
            props.push(("TracingConfig", m(t.pos, vec![("Mode", s(t.pos, mode))])));
        }
        if let Some(v) = get("vpc") {
            props.push((
                "VpcConfig",
                m(
                    v.pos,
                    vec![
                        (
                            "SubnetIds",
                            v.get("subnetIds")
                                .cloned()
                                .unwrap_or_else(|| seq(v.pos, vec![])),
                        ),
                        (
                            "SecurityGroupIds",
                            v.get("securityGroupIds")
                                .cloned()
                                .unwrap_or_else(|| seq(v.pos, vec![])),
                        ),
                    ],
                ),
            ));
        }
        if let Some(k) = function.get("kmsKeyArn").or(provider.get("kmsKeyArn")) {
            props.push(("KmsKeyArn", k.clone()));
        }
        if let Some(e) = function.get("onError") {
            props.push(("DeadLetterConfig", m(e.pos, vec![("TargetArn", e.clone())])));
        }
        let mut tags: Vec<(String, Node)> = provider
            .get("tags")
            .and_then(Node::as_map)
            .map(<[(String, Node)]>::to_vec)
            .unwrap_or_default();
        tags.extend(
            function
                .get("tags")
                .and_then(Node::as_map)
                .map(<[(String, Node)]>::to_vec)
                .unwrap_or_default(),
        );
        if !tags.is_empty() {
            props.push((
                "Tags",
                seq(
                    fpos,
                    tags.into_iter()
                        .map(|(k, v)| m(fpos, vec![("Key", s(fpos, k)), ("Value", v)]))
                        .collect(),
                ),
            ));
        }
        // Per-function role: an ARN/name, or statements (serverless-iam-roles-per-function).
        let role = if let Some(r) = function.get("role") {
            match r.as_str() {
                Some(name) if !name.starts_with("arn:") => get_att(r.pos, name, "Arn"),
                _ => r.clone(),
            }
        } else if let Some(statements) = function.get("iamRoleStatements") {
            let rl = format!("{}IamRoleLambdaExecution", normalise(key));
            out.push(resource(
                rl.clone(),
                "AWS::IAM::Role",
                statements.pos,
                m(
                    statements.pos,
                    vec![
                        ("AssumeRolePolicyDocument", lambda_trust(statements.pos)),
                        (
                            "Policies",
                            seq(
                                statements.pos,
                                vec![m(
                                    statements.pos,
                                    vec![
                                        (
                                            "PolicyName",
                                            s(statements.pos, format!("{prefix}-{key}")),
                                        ),
                                        (
                                            "PolicyDocument",
                                            m(
                                                statements.pos,
                                                vec![
                                                    ("Version", s(statements.pos, "2012-10-17")),
                                                    ("Statement", statements.clone()),
                                                ],
                                            ),
                                        ),
                                    ],
                                )],
                            ),
                        ),
                    ],
                ),
            ));
            get_att(statements.pos, &rl, "Arn")
        } else {
            shared_role.clone()
        };
        props.push(("Role", role));
        out.push(resource(
            logical.clone(),
            "AWS::Lambda::Function",
            fpos,
            m(fpos, props),
        ));

        if let Some(url) = function.get("url") {
            let upos = url.pos;
            let auth = if url.get("authorizer").and_then(Node::as_str) == Some("aws_iam") {
                "AWS_IAM"
            } else {
                "NONE"
            };
            // `url: ${file(...)}` or an authorizer that cannot be read: AuthType unknown.
            let unknown_auth = match &url.kind {
                Kind::Unresolved(_) => Some(url.clone()),
                _ => url
                    .get("authorizer")
                    .filter(|a| matches!(a.kind, Kind::Unresolved(_)))
                    .cloned(),
            };
            let auth = if unknown_auth.is_some() { "" } else { auth };
            if let Some(unknown) = &unknown_auth {
                // Whether the framework adds the public permission of AuthType NONE is
                // unknown too: so is who may invoke the URL.
                out.push(resource(
                    format!("{}LambdaPermissionFnUrl", normalise(key)),
                    "AWS::Lambda::Permission",
                    upos,
                    m(
                        upos,
                        vec![
                            ("FunctionName", get_att(upos, &logical, "Arn")),
                            ("Action", s(upos, "lambda:InvokeFunctionUrl")),
                            ("Principal", unknown.clone()),
                            ("FunctionUrlAuthType", unknown.clone()),
                        ],
                    ),
                ));
            }
            let mut p = vec![
                ("TargetFunctionArn", get_att(upos, &logical, "Arn")),
                ("AuthType", unknown_auth.unwrap_or_else(|| s(upos, auth))),
            ];
            if let Some(cors) = url.get("cors") {
                let origins = match cors.as_bool() {
                    Some(true) => seq(cors.pos, vec![s(cors.pos, "*")]),
                    _ => cors
                        .get("allowedOrigins")
                        .cloned()
                        .unwrap_or_else(|| seq(cors.pos, vec![s(cors.pos, "*")])),
                };
                p.push(("Cors", m(cors.pos, vec![("AllowOrigins", origins)])));
            }
            out.push(resource(
                format!("{}LambdaFunctionUrl", normalise(key)),
                "AWS::Lambda::Url",
                upos,
                m(upos, p),
            ));
            if auth == "NONE" {
                out.push(resource(
                    format!("{}LambdaPermissionFnUrl", normalise(key)),
                    "AWS::Lambda::Permission",
                    upos,
                    m(
                        upos,
                        vec![
                            ("FunctionName", get_att(upos, &logical, "Arn")),
                            ("Action", s(upos, "lambda:InvokeFunctionUrl")),
                            ("Principal", s(upos, "*")),
                            ("FunctionUrlAuthType", s(upos, "NONE")),
                        ],
                    ),
                ));
            }
        }

        for (i, event) in function
            .get("events")
            .map(Node::items)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            // `- alexaSkill`: an event named without settings.
            let bare = event
                .as_str()
                .map(|k| (k.to_owned(), Node::new(event.pos, Kind::Null)));
            let Some((kind, body)) = bare
                .as_ref()
                .or_else(|| event.as_map().and_then(|e| e.first()))
            else {
                if !matches!(event.kind, Kind::Null) {
                    let reason = event
                        .first_unresolved()
                        .map(|(u, _)| u.reason.clone())
                        .unwrap_or_else(|| "not an event".to_owned());
                    notes.push((
                        logical.clone(),
                        event.pos,
                        format!("an event of the function {key} cannot be read ({reason}): what invokes it is unknown"),
                    ));
                }
                continue;
            };
            let epos = event.pos;
            let permission = |principal: &str, source: Option<Node>| {
                let mut p = vec![
                    ("FunctionName", get_att(epos, &logical, "Arn")),
                    ("Action", s(epos, "lambda:InvokeFunction")),
                    ("Principal", s(epos, principal)),
                ];
                if let Some(source) = source {
                    p.push(("SourceArn", source));
                }
                resource(
                    format!("{}LambdaPermission{}{i}", normalise(key), normalise(kind)),
                    "AWS::Lambda::Permission",
                    epos,
                    m(epos, p),
                )
            };
            match kind.as_str() {
                "http" if matches!(body.kind, Kind::Unresolved(_)) => {
                    // An http event that cannot be read: the REST API's methods are unknown.
                    uses_rest = true;
                    rest_unknown.get_or_insert_with(|| body.clone());
                }
                "http" => {
                    uses_rest = true;
                    let (method, path) = match body.as_str() {
                        Some(text) => {
                            let mut parts = text.split_whitespace();
                            (parts.next().unwrap_or("any").to_lowercase(), parts.next().unwrap_or("/").to_owned())
                        }
                        None => (body.get("method").and_then(Node::as_str).unwrap_or("any").to_lowercase(), body.get("path").and_then(Node::as_str).unwrap_or("/").to_owned()),
                    };
                    let path = format!("/{}", path.trim_start_matches('/'));
                    let mut requirement: Vec<(&str, Node)> = Vec::new();
                    let mut scheme: Option<(String, Node)> = None;
                    if let Some(a) = body.get("authorizer") {
                        let apos = a.pos;
                        let (name, arn, kind) = match a.as_str() {
                            Some(text) => (text.rsplit(':').next().unwrap_or(text).to_owned(), Some(text.to_owned()), None),
                            None => (
                                a.get("name").and_then(Node::as_str).map(str::to_owned).unwrap_or_else(|| "authorizer".to_owned()),
                                a.get("arn").and_then(Node::as_str).map(str::to_owned),
                                a.get("type").and_then(Node::as_str).map(str::to_lowercase),
                            ),
                        };
                        if name == "aws_iam" || kind.as_deref() == Some("aws_iam") {
                            scheme = Some(("AWS_IAM".to_owned(), m(apos, vec![("type", s(apos, "apiKey")), ("x-amazon-apigateway-authtype", s(apos, "awsSigv4"))])));
                        } else {
                            let cognito = kind.as_deref() == Some("cognito_user_pools") || arn.as_deref().is_some_and(|a| a.contains("cognito-idp"));
                            let authorizer = if cognito {
                                m(apos, vec![("type", s(apos, "cognito_user_pools")), ("providerARNs", seq(apos, arn.iter().map(|a| s(apos, a.clone())).collect()))])
                            } else {
                                m(apos, vec![("type", s(apos, kind.clone().unwrap_or_else(|| "token".to_owned()))), ("authorizerUri", s(apos, arn.clone().unwrap_or_else(|| name.clone())))])
                            };
                            scheme = Some((name, m(apos, vec![("type", s(apos, "apiKey")), ("x-amazon-apigateway-authtype", s(apos, if cognito { "cognito_user_pools" } else { "custom" })), ("x-amazon-apigateway-authorizer", authorizer)])));
                        }
                    }
                    if let Some((name, _)) = &scheme {
                        requirement.push((name.as_str(), seq(epos, vec![])));
                    }
                    if body.get("private").and_then(Node::as_bool) == Some(true) {
                        requirement.push(("api_key", seq(epos, vec![])));
                    }
                    let mut operation = vec![("x-amazon-apigateway-integration", m(epos, vec![
                        ("type", s(epos, "aws_proxy")), ("httpMethod", s(epos, "POST")),
                        ("uri", sub(epos, format!("arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{logical}.Arn}}/invocations"))),
                    ]))];
                    if !requirement.is_empty() {
                        operation.push(("security", seq(epos, vec![m(epos, requirement)])));
                    }
                    let mut op = m(epos, operation);
                    if let Some((name, def)) = scheme
                        && let Kind::Map(entries) = &mut op.kind {
                            entries.push(("x-faascan-scheme".to_owned(), m(epos, vec![(name.as_str(), def)])));
                        }
                    let verb = if method == "any" { "x-amazon-apigateway-any-method".to_owned() } else { method.clone() };
                    rest_paths.push((m(epos, vec![(verb.as_str(), op)]), epos, path.clone()));
                    out.push(permission("apigateway.amazonaws.com", Some(sub(epos, "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ApiGatewayRestApi}/*/*".to_string()))));
                }
                "httpApi" => {
                    let (method, path) = match body.as_str() {
                        Some("*") => ("ANY".to_owned(), "$default".to_owned()),
                        Some(text) => {
                            let mut parts = text.split_whitespace();
                            (parts.next().unwrap_or("ANY").to_uppercase(), parts.next().unwrap_or("/").to_owned())
                        }
                        None => (body.get("method").and_then(Node::as_str).unwrap_or("ANY").to_uppercase(), body.get("path").and_then(Node::as_str).unwrap_or("$default").to_owned()),
                    };
                    let method = if method == "*" { "ANY".to_owned() } else { method };
                    let key = if path == "$default" || path == "*" { "$default".to_owned() } else { format!("{method} {path}") };
                    let auth = body.get("authorizer").map(|a| {
                        let name = a.get("name").or(a.get("id")).and_then(Node::as_str).unwrap_or("authorizer").to_owned();
                        let t = a.get("type").and_then(Node::as_str).map(str::to_lowercase).or_else(|| provider.path(&format!("httpApi.authorizers.{name}.type")).and_then(Node::as_str).map(str::to_lowercase)).unwrap_or_else(|| "jwt".to_owned());
                        match t.as_str() {
                            "aws_iam" => ("AWS_IAM".to_owned(), None),
                            "request" => ("CUSTOM".to_owned(), Some(name)),
                            _ => ("JWT".to_owned(), Some(name)),
                        }
                    });
                    http_routes.push((logical.clone(), key, auth, epos, i));
                    out.push(permission("apigateway.amazonaws.com", Some(sub(epos, "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*".to_owned()))));
                }
                "websocket" => {
                    // `- websocket: $connect` or `{route, authorizer}` (authorizers only on
                    // $connect): the framework's WebsocketsApi, a route per event.
                    let route = body
                        .as_str()
                        .or_else(|| body.get("route").and_then(Node::as_str))
                        .unwrap_or("$default")
                        .to_owned();
                    let authorizer = body.get("authorizer").map(|a| {
                        a.as_str()
                            .or_else(|| a.get("name").and_then(Node::as_str))
                            .or_else(|| a.get("arn").and_then(Node::as_str))
                            .unwrap_or("authorizer")
                            .rsplit(':')
                            .next()
                            .unwrap_or("authorizer")
                            .to_owned()
                    });
                    ws_routes.push((logical.clone(), route, authorizer, epos));
                    out.push(permission("apigateway.amazonaws.com", Some(sub(epos, "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebsocketsApi}/*".to_owned()))));
                }
                "sqs" | "stream" | "kafka" | "msk" | "activemq" | "rabbitmq" => {
                    let arn = body.get("arn").cloned().unwrap_or_else(|| body.clone());
                    let mut p = vec![("FunctionName", get_att(epos, &logical, "Arn")), ("EventSourceArn", arn)];
                    if let Some(b) = body.get("batchSize") {
                        p.push(("BatchSize", b.clone()));
                    }
                    if let Some(c) = body.get("maximumConcurrency") {
                        p.push(("ScalingConfig", m(c.pos, vec![("MaximumConcurrency", c.clone())])));
                    }
                    if let Some(d) = body.get("destinations").and_then(|d| d.get("onFailure")) {
                        p.push(("DestinationConfig", m(d.pos, vec![("OnFailure", m(d.pos, vec![("Destination", d.get("arn").cloned().unwrap_or_else(|| d.clone()))]))])));
                    }
                    out.push(resource(format!("{}EventSourceMapping{}{i}", normalise(key), normalise(kind)), "AWS::Lambda::EventSourceMapping", epos, m(epos, p)));
                }
                "sns" => out.push(permission("sns.amazonaws.com", Some(body.get("arn").cloned().unwrap_or_else(|| sub(epos, format!("arn:${{AWS::Partition}}:sns:${{AWS::Region}}:${{AWS::AccountId}}:{}", body.as_str().or(body.get("topicName").and_then(Node::as_str)).unwrap_or("topic"))))))),
                "s3" => {
                    let bucket = body.as_str().or(body.get("bucket").and_then(Node::as_str)).unwrap_or("bucket");
                    out.push(permission("s3.amazonaws.com", Some(s(epos, format!("arn:aws:s3:::{bucket}")))));
                }
                "schedule" | "eventBridge" | "cloudwatchEvent" => out.push(permission("events.amazonaws.com", Some(sub(epos, format!("arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:rule/{prefix}-{key}-{i}"))))),
                "cloudwatchLog" => out.push(permission("logs.amazonaws.com", Some(sub(epos, "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*".to_owned())))),
                "iot" => out.push(permission("iot.amazonaws.com", None)),
                "alexaSkill" => out.push(permission("alexa-appkit.amazon.com", None)),
                "cognitoUserPool" => out.push(permission("cognito-idp.amazonaws.com", None)),
                _ => {}
            }
        }
    }

    if uses_rest {
        let external = provider.path("apiGateway.restApiId");
        if let Some(id) = external {
            let shown = id
                .as_str()
                .map_or_else(|| id.to_json().to_string(), str::to_owned);
            notes.push((
                "ApiGatewayRestApi".to_owned(),
                id.pos,
                format!(
                    "the `http` events attach to the existing REST API {shown} (provider.apiGateway.restApiId), defined outside this file: its methods and their authorization are unknown"
                ),
            ));
        }
        if external.is_none() {
            let mut paths: Vec<(String, Node)> = Vec::new();
            let mut schemes: Vec<(String, Node)> = vec![(
                "api_key".to_owned(),
                m(
                    pos,
                    vec![
                        ("type", s(pos, "apiKey")),
                        ("name", s(pos, "x-api-key")),
                        ("in", s(pos, "header")),
                    ],
                ),
            )];
            let api_pos = rest_paths.first().map_or(pos, |(_, p, _)| *p);
            // Where each path is in `paths`: thousands of events, one lookup each.
            let mut path_index: std::collections::HashMap<String, usize> =
                std::collections::HashMap::new();
            for (verbs, _, path) in rest_paths {
                let at = *path_index.entry(path.clone()).or_insert_with(|| {
                    paths.push((path.clone(), m(pos, vec![])));
                    paths.len() - 1
                });
                let Some(entry) = paths.get_mut(at) else {
                    continue;
                };
                if let (Kind::Map(existing), Kind::Map(new)) = (&mut entry.1.kind, verbs.kind) {
                    for (verb, mut op) in new {
                        if let Kind::Map(op_entries) = &mut op.kind
                            && let Some(i) =
                                op_entries.iter().position(|(k, _)| k == "x-faascan-scheme")
                        {
                            let (_, scheme) = op_entries.remove(i);
                            for (name, def) in scheme.as_map().unwrap_or_default() {
                                if !schemes.iter().any(|(n, _)| n == name) {
                                    schemes.push((name.clone(), def.clone()));
                                }
                            }
                        }
                        existing.push((verb, op));
                    }
                }
            }
            let body = Node::new(
                api_pos,
                Kind::Map(vec![
                    ("swagger".to_owned(), s(api_pos, "2.0")),
                    ("paths".to_owned(), Node::new(api_pos, Kind::Map(paths))),
                    (
                        "securityDefinitions".to_owned(),
                        Node::new(api_pos, Kind::Map(schemes)),
                    ),
                ]),
            );
            let mut api = vec![
                ("Name", s(api_pos, format!("{stage}-{service}"))),
                ("Body", rest_unknown.take().unwrap_or(body)),
            ];
            if let Some(policy) = provider.path("apiGateway.resourcePolicy") {
                api.push((
                    "Policy",
                    m(
                        policy.pos,
                        vec![
                            ("Version", s(policy.pos, "2012-10-17")),
                            ("Statement", policy.clone()),
                        ],
                    ),
                ));
            }
            if let Some(e) = provider.get("endpointType") {
                api.push((
                    "EndpointConfiguration",
                    m(e.pos, vec![("Types", seq(e.pos, vec![e.clone()]))]),
                ));
            }
            out.push(resource(
                "ApiGatewayRestApi",
                "AWS::ApiGateway::RestApi",
                api_pos,
                m(api_pos, api),
            ));
            let mut stage = vec![
                ("RestApiId", reference(api_pos, "ApiGatewayRestApi")),
                ("StageName", s(api_pos, stage.clone())),
            ];
            if provider.path("tracing.apiGateway").and_then(Node::as_bool) == Some(true) {
                stage.push(("TracingEnabled", Node::new(api_pos, Kind::Bool(true))));
            }
            if let Some(logs) = provider.path("logs.restApi")
                && logs.as_bool() != Some(false)
            {
                stage.push(("AccessLogSetting", m(logs.pos, vec![("DestinationArn", sub(logs.pos, format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/api-gateway/{prefix}"))), ("Format", s(logs.pos, "requestId: $context.requestId"))])));
                stage.push((
                    "MethodSettings",
                    seq(
                        logs.pos,
                        vec![m(
                            logs.pos,
                            vec![
                                ("ResourcePath", s(logs.pos, "/*")),
                                ("HttpMethod", s(logs.pos, "*")),
                                ("LoggingLevel", s(logs.pos, "INFO")),
                            ],
                        )],
                    ),
                ));
            }
            out.push(resource(
                "ApiGatewayStage",
                "AWS::ApiGateway::Stage",
                api_pos,
                m(api_pos, stage),
            ));
            if let Some(plan) = provider
                .path("apiGateway.usagePlan")
                .or(provider.get("usagePlan"))
            {
                let mut p = vec![(
                    "ApiStages",
                    seq(
                        plan.pos,
                        vec![m(
                            plan.pos,
                            vec![
                                ("ApiId", reference(plan.pos, "ApiGatewayRestApi")),
                                (
                                    "Stage",
                                    s(
                                        plan.pos,
                                        stage_name(
                                            &root,
                                            &stage_text(&provider, options.parameters),
                                        ),
                                    ),
                                ),
                            ],
                        )],
                    ),
                )];
                if let Some(t) = plan.get("throttle") {
                    p.push((
                        "Throttle",
                        m(
                            t.pos,
                            vec![
                                (
                                    "BurstLimit",
                                    t.get("burstLimit").cloned().unwrap_or_else(|| s(t.pos, "")),
                                ),
                                (
                                    "RateLimit",
                                    t.get("rateLimit").cloned().unwrap_or_else(|| s(t.pos, "")),
                                ),
                            ],
                        ),
                    ));
                }
                out.push(resource(
                    "ApiGatewayUsagePlan",
                    "AWS::ApiGateway::UsagePlan",
                    plan.pos,
                    m(plan.pos, p),
                ));
            }
        }
    }
    if let Some(first) = ws_routes.first() {
        let wpos = first.3;
        let name = provider
            .get("websocketsApiName")
            .cloned()
            .unwrap_or_else(|| s(wpos, format!("{stage}-{service}-websockets")));
        let selection = provider
            .get("websocketsApiRouteSelectionExpression")
            .cloned()
            .unwrap_or_else(|| s(wpos, "$request.body.action"));
        out.push(resource(
            "WebsocketsApi",
            "AWS::ApiGatewayV2::Api",
            wpos,
            m(
                wpos,
                vec![
                    ("Name", name),
                    ("ProtocolType", s(wpos, "WEBSOCKET")),
                    ("RouteSelectionExpression", selection),
                ],
            ),
        ));
        out.push(resource(
            "WebsocketsDeploymentStage",
            "AWS::ApiGatewayV2::Stage",
            wpos,
            m(
                wpos,
                vec![
                    ("ApiId", reference(wpos, "WebsocketsApi")),
                    ("StageName", s(wpos, stage.clone())),
                ],
            ),
        ));
        for (function, route, authorizer, rpos) in &ws_routes {
            let tag = normalise(route.trim_start_matches('$'));
            let integration = format!(
                "{}WebsocketsIntegration",
                function.trim_end_matches("LambdaFunction")
            );
            out.push(resource(
                integration.clone(),
                "AWS::ApiGatewayV2::Integration",
                *rpos,
                m(
                    *rpos,
                    vec![
                        ("ApiId", reference(*rpos, "WebsocketsApi")),
                        ("IntegrationType", s(*rpos, "AWS_PROXY")),
                        ("IntegrationUri", get_att(*rpos, function, "Arn")),
                    ],
                ),
            ));
            let mut r = vec![
                ("ApiId", reference(*rpos, "WebsocketsApi")),
                ("RouteKey", s(*rpos, route.clone())),
                (
                    "AuthorizationType",
                    s(
                        *rpos,
                        if authorizer.is_some() {
                            "CUSTOM"
                        } else {
                            "NONE"
                        },
                    ),
                ),
                (
                    "Target",
                    sub(*rpos, format!("integrations/${{{integration}}}")),
                ),
            ];
            if let Some(a) = authorizer {
                r.push((
                    "AuthorizerId",
                    s(*rpos, format!("{}WebsocketsAuthorizer", normalise(a))),
                ));
            }
            out.push(resource(
                format!("{tag}WebsocketsRoute"),
                "AWS::ApiGatewayV2::Route",
                *rpos,
                m(*rpos, r),
            ));
        }
    }
    if let Some(id) = provider
        .path("httpApi.id")
        .filter(|_| !http_routes.is_empty())
    {
        // Routes on an existing HTTP API: the framework makes no HttpApi.
        let shown = id
            .as_str()
            .map_or_else(|| id.to_json().to_string(), str::to_owned);
        notes.push((
            "HttpApi".to_owned(),
            id.pos,
            format!(
                "the `httpApi` events attach to the existing HTTP API {shown} (provider.httpApi.id), defined outside this file: its routes and their authorization are unknown"
            ),
        ));
        http_routes.clear();
    }
    if !http_routes.is_empty() {
        let hpos = http_routes[0].3;
        let mut api = vec![
            ("Name", s(hpos, format!("{stage}-{service}"))),
            ("ProtocolType", s(hpos, "HTTP")),
        ];
        if let Some(cors) = provider.path("httpApi.cors") {
            let origins = match cors.as_bool() {
                Some(true) => seq(cors.pos, vec![s(cors.pos, "*")]),
                _ => cors
                    .get("allowedOrigins")
                    .cloned()
                    .unwrap_or_else(|| seq(cors.pos, vec![])),
            };
            api.push((
                "CorsConfiguration",
                m(cors.pos, vec![("AllowOrigins", origins)]),
            ));
        }
        out.push(resource(
            "HttpApi",
            "AWS::ApiGatewayV2::Api",
            hpos,
            m(hpos, api),
        ));
        let mut stage = vec![
            ("ApiId", reference(hpos, "HttpApi")),
            ("StageName", s(hpos, "$default")),
            ("AutoDeploy", Node::new(hpos, Kind::Bool(true))),
        ];
        if let Some(t) = provider
            .path("httpApi.throttle")
            .or(provider.path("httpApi.defaultRouteSettings"))
        {
            stage.push((
                "DefaultRouteSettings",
                m(
                    t.pos,
                    vec![
                        (
                            "ThrottlingBurstLimit",
                            t.get("burstLimit").cloned().unwrap_or_else(|| s(t.pos, "")),
                        ),
                        (
                            "ThrottlingRateLimit",
                            t.get("rateLimit").cloned().unwrap_or_else(|| s(t.pos, "")),
                        ),
                    ],
                ),
            ));
        }
        out.push(resource(
            "HttpApiStage",
            "AWS::ApiGatewayV2::Stage",
            hpos,
            m(hpos, stage),
        ));
        for (function, key, auth, rpos, i) in http_routes {
            let tag = format!("{function}{i}");
            out.push(resource(
                format!("HttpApiIntegration{tag}"),
                "AWS::ApiGatewayV2::Integration",
                rpos,
                m(
                    rpos,
                    vec![
                        ("ApiId", reference(rpos, "HttpApi")),
                        ("IntegrationType", s(rpos, "AWS_PROXY")),
                        ("IntegrationUri", get_att(rpos, &function, "Arn")),
                    ],
                ),
            ));
            let (kind, id) = auth.unwrap_or(("NONE".to_owned(), None));
            let mut route = vec![
                ("ApiId", reference(rpos, "HttpApi")),
                ("RouteKey", s(rpos, key)),
                ("AuthorizationType", s(rpos, kind)),
                (
                    "Target",
                    sub(rpos, format!("integrations/${{HttpApiIntegration{tag}}}")),
                ),
            ];
            if let Some(id) = id {
                route.push(("AuthorizerId", s(rpos, id)));
            }
            out.push(resource(
                format!("HttpApiRoute{tag}"),
                "AWS::ApiGatewayV2::Route",
                rpos,
                m(rpos, route),
            ));
        }
    }

    // The file's own CloudFormation resources.
    let mut template_root = m(root.pos, vec![]);
    // `resources:` is a mapping, or a list of them (often `${file(...)}` includes).
    let own = root.get("resources").map(|r| match &r.kind {
        Kind::Map(_) => r.clone(),
        _ => {
            // Sections of every item merged (`Resources` of each item added together).
            let mut merged: Vec<(String, Node)> = Vec::new();
            let items: Vec<Node> = match &r.kind {
                Kind::Seq(items) => items.clone(),
                _ => vec![r.clone()],
            };
            for item in &items {
                let Some(sections) = item.as_map() else {
                    if !matches!(item.kind, Kind::Null) {
                        merged_entries(Some(item), "resources", &mut notes);
                    }
                    continue;
                };
                for (key, section) in sections {
                    match (merged.iter_mut().find(|(k, _)| k == key), &section.kind) {
                        (Some((_, Node { kind: Kind::Map(old), .. })), Kind::Map(new)) => {
                            old.extend(new.iter().cloned());
                        }
                        (None, _) => merged.push((key.clone(), section.clone())),
                        (Some(_), _) => {
                            let reason = section
                                .first_unresolved()
                                .map(|(u, _)| u.reason.clone())
                                .unwrap_or_else(|| "not a mapping".to_owned());
                            notes.push((
                                key.clone(),
                                section.pos,
                                format!("`resources:` has a {key} section that cannot be read ({reason}): what it declares is unknown"),
                            ));
                        }
                    }
                }
            }
            Node::new(r.pos, Kind::Map(merged))
        }
    });
    if let Some(resources) = own.as_ref().and_then(|r| r.get("Resources")) {
        if let Kind::Map(entries) = &mut template_root.kind {
            entries.push(("Resources".to_owned(), resources.clone()));
            for key in ["Conditions", "Mappings", "Parameters"] {
                if let Some(v) = own.as_ref().and_then(|r| r.get(key)) {
                    entries.push((key.to_owned(), v.clone()));
                }
            }
        }
        let extra = Template::from_root(
            &f.rel,
            &prefix,
            &template_root,
            options.parameters,
            Some(&region),
            ACCOUNT,
        )?;
        out.extend(extra.resources.clone());
        let mut template = Template::new(
            &f.rel,
            &prefix,
            options.parameters,
            Some(&region),
            ACCOUNT,
            out,
        );
        template.parameters = extra.parameters;
        template.mappings = extra.mappings;
        template.conditions = extra.conditions;
        notes.extend(extra.notes);
        template.notes = notes;
        return Ok(template);
    }
    let mut template = Template::new(
        &f.rel,
        &prefix,
        options.parameters,
        Some(&region),
        ACCOUNT,
        out,
    );
    template.notes = notes;
    Ok(template)
}

/// The entries of `functions:` or `resources:`: a mapping, or a list of mappings merged in
/// order (`- ${file(./functions/a.yml)}`); an entry that cannot be read (a file include
/// faascan does not resolve) is noted as unknown rather than silently dropped.
fn merged_entries(
    node: Option<&Node>,
    what: &str,
    notes: &mut Vec<(String, Pos, String)>,
) -> Vec<(String, Node)> {
    let Some(node) = node else {
        return Vec::new();
    };
    let unknown = |notes: &mut Vec<(String, Pos, String)>, n: &Node| {
        let reason = n
            .first_unresolved()
            .map(|(u, _)| u.reason.clone())
            .unwrap_or_else(|| "not a mapping".to_owned());
        notes.push((
            what.to_owned(),
            n.pos,
            format!(
                "`{what}:` has an entry that cannot be read ({reason}): what it declares is unknown"
            ),
        ));
    };
    match &node.kind {
        Kind::Map(entries) => entries.clone(),
        Kind::Null => Vec::new(),
        Kind::Seq(items) => {
            let mut maps: Vec<&[(String, Node)]> = Vec::new();
            for item in items {
                match &item.kind {
                    Kind::Map(entries) => maps.push(entries),
                    Kind::Null => {}
                    _ => unknown(notes, item),
                }
            }
            let mut out: Vec<(String, Node)> = Vec::new();
            set_all(&mut out, maps.into_iter().flatten());
            out
        }
        _ => {
            unknown(notes, node);
            Vec::new()
        }
    }
}

fn stage_text(provider: &Node, parameters: &std::collections::BTreeMap<String, String>) -> String {
    parameters
        .get("stage")
        .cloned()
        .or_else(|| {
            provider
                .get("stage")
                .and_then(Node::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "dev".to_owned())
}

fn stage_name(_root: &Node, stage: &str) -> String {
    stage.to_owned()
}

fn lambda_trust(pos: Pos) -> Node {
    m(
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
    )
}

#[cfg(test)]
mod tests {
    use super::{innermost, set_all};
    use crate::template::yaml::{Node, Pos};

    #[test]
    fn a_later_key_wins_in_place_and_new_keys_follow() {
        let entry = |k: &str, v: &str| (k.to_owned(), Node::str(Pos::default(), v));
        let mut into = vec![entry("A", "1"), entry("B", "2")];
        let later = [entry("B", "3"), entry("C", "4"), entry("C", "5")];
        set_all(&mut into, &later);
        let flat: Vec<(&str, Option<&str>)> =
            into.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(flat, [("A", Some("1")), ("B", Some("3")), ("C", Some("5"))]);
    }

    #[test]
    fn the_innermost_variable_is_found_in_one_pass() {
        assert_eq!(innermost("${self:a}"), Some((0, 8)));
        // Nested: the inner one first.
        let text = "x ${self:${opt:stage}} y";
        let (start, end) = innermost(text).unwrap_or_else(|| panic!("none"));
        assert_eq!(&text[start..=end], "${opt:stage}");
        // A `${...}` that is not a Serverless source (CloudFormation's) is passed over.
        let text = "${AWS::Region}-${self:a}";
        let (start, end) = innermost(text).unwrap_or_else(|| panic!("none"));
        assert_eq!(&text[start..=end], "${self:a}");
        // Braces inside a variable pair up; stray ones do not confuse the pairing.
        let text = "} { ${file(./a.yml):b, {c: 1}} }";
        let (start, end) = innermost(text).unwrap_or_else(|| panic!("none"));
        assert_eq!(&text[start..=end], "${file(./a.yml):b, {c: 1}}");
        // 400,000 unclosed `${`: nothing, at once (a scan from each to the end was quadratic).
        assert_eq!(innermost(&"${".repeat(400_000)), None);
        assert_eq!(innermost("${self:a"), None);
    }
}

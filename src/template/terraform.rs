//! Terraform plans (`terraform show -json PLAN`, JSON format 0.x and 1.x, described at
//! <https://developer.hashicorp.com/terraform/internals/json-format>): the planned resources of
//! the root module and of every child module become the CloudFormation resources they stand
//! for, so one builder (`build.rs`) fills the inventory from every source format.
//!
//! Values. `planned_values` holds what is known before apply and
//! `resource_changes[].change.after_unknown` marks what is known only after it. An unknown
//! attribute that the configuration sets is followed through its `references` in
//! `configuration` (`aws_iam_role.exec.arn`, `var.x`, `module.m.out`, a data source) to the
//! resource it names; that is how a function finds its role and a method its API before any
//! of them exist. What cannot be followed is unresolved: the checks that need it say
//! `unknown`, with a gap naming the resource address. An unknown attribute the configuration
//! does not set is AWS's to choose, as for a property a CloudFormation template omits.
//!
//! Locations. A plan carries no line numbers for the configuration, so a resource is located
//! where the plan file describes it (the line and column of its `"address"` in the JSON, line
//! 1 for a plan printed on one line), its `logical_id` is the Terraform address, and a
//! resource of a child module records the module's source (`module_source`).
//!
//! Limits, documented: one region per plan (the default `aws` provider's, else `--region`);
//! an expression with more than one reference (`"${aws_x.a.arn}/${var.b}"`, `jsonencode`
//! of a document naming a resource created by the same plan) is unresolved, except a source
//! ARN built on an API's execution ARN, read as that ARN followed by `/*`.

use super::build::{Builder, Collected};
use super::cfn::{Known, Resource, Template};
use super::locate::Found;
use super::yaml::{self, Kind, Node, Pos};
use super::{ACCOUNT, Options};
use crate::collect::Fingerprinter;
use faascan_checks::model::{Gap, GapKind};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::OffsetDateTime;

/// References followed at most this deep (a chain through module variables and outputs).
const MAX_DEPTH: usize = 24;

/// Resource types of the services faascan audits that have no effect on any check: read as
/// nothing. Any other type of those services is reported as a gap.
const HARMLESS: &[&str] = &[
    "aws_lambda_alias",
    "aws_lambda_layer_version",
    "aws_lambda_layer_version_permission",
    "aws_lambda_provisioned_concurrency_config",
    "aws_lambda_invocation",
    "aws_iam_instance_profile",
    "aws_iam_service_linked_role",
    "aws_iam_openid_connect_provider",
    "aws_iam_saml_provider",
    "aws_iam_account_password_policy",
    "aws_iam_account_alias",
    "aws_api_gateway_account",
    "aws_api_gateway_base_path_mapping",
    "aws_api_gateway_client_certificate",
    "aws_api_gateway_documentation_part",
    "aws_api_gateway_documentation_version",
    "aws_api_gateway_gateway_response",
    "aws_api_gateway_integration_response",
    "aws_api_gateway_method_response",
    "aws_api_gateway_model",
    "aws_api_gateway_request_validator",
    "aws_api_gateway_usage_plan_key",
    "aws_api_gateway_vpc_link",
    "aws_apigatewayv2_api_mapping",
    "aws_apigatewayv2_deployment",
    "aws_apigatewayv2_domain_name",
    "aws_apigatewayv2_integration_response",
    "aws_apigatewayv2_model",
    "aws_apigatewayv2_route_response",
    "aws_apigatewayv2_vpc_link",
    "aws_kms_ciphertext",
    "aws_s3_object",
    "aws_s3_bucket_object",
    "aws_s3_bucket_notification",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_cors_configuration",
    "aws_s3_bucket_accelerate_configuration",
    "aws_s3_bucket_request_payment_configuration",
    "aws_s3_bucket_intelligent_tiering_configuration",
    "aws_s3_bucket_metric",
    "aws_s3_bucket_analytics_configuration",
    "aws_s3_bucket_inventory",
    "aws_s3_bucket_replication_configuration",
    "aws_s3_bucket_object_lock_configuration",
    "aws_s3_bucket_website_configuration",
];

/// Types outside faascan's scope read only for the names and ARNs other resources take from
/// them (an event source's ARN, a queue's URL): Terraform type, CloudFormation type, the name.
const NAMED: &[(&str, &str, &str)] = &[
    ("aws_sqs_queue", "AWS::SQS::Queue", "QueueName"),
    ("aws_sns_topic", "AWS::SNS::Topic", "TopicName"),
    ("aws_dynamodb_table", "AWS::DynamoDB::Table", "TableName"),
    ("aws_kinesis_stream", "AWS::Kinesis::Stream", "Name"),
];

/// Prefixes of the types of the services faascan audits.
const AUDITED: &[&str] = &[
    "aws_lambda_",
    "aws_iam_",
    "aws_s3_",
    "aws_api_gateway_",
    "aws_apigatewayv2_",
    "aws_kms_",
];

pub(crate) fn read(
    text: &str,
    f: &Found,
    options: &Options<'_>,
    fingerprints: &Fingerprinter,
    now: OffsetDateTime,
) -> Result<Collected, (u32, String)> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        (
            u32::try_from(e.line()).unwrap_or(1).max(1),
            format!("not valid JSON: {e}"),
        )
    })?;
    let version = root
        .get("format_version")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !matches!(version.split('.').next(), Some("0" | "1")) {
        return Err((
            1,
            format!(
                "Terraform JSON format_version {version:?} is not one faascan reads (0.x or 1.x)"
            ),
        ));
    }
    let Some(values) = root.get("planned_values").or_else(|| root.get("values")) else {
        return Err((
            1,
            "a Terraform JSON file without planned_values: give the output of `terraform show -json PLAN`"
                .to_owned(),
        ));
    };
    let plan = Plan::new(text, &root, values);
    let region = options
        .parameters
        .get("AWS::Region")
        .cloned()
        .or_else(|| options.region.map(str::to_owned))
        .or_else(|| plan.provider_region())
        .or_else(|| plan.known_arn_part(3))
        .unwrap_or_else(|| "us-east-1".to_owned());
    let inferred = plan.known_arn_part(4);
    let account = inferred.clone().unwrap_or_else(|| ACCOUNT.to_owned());
    let partition = plan.known_arn_part(1).unwrap_or_else(|| "aws".to_owned());

    let mut converted = Converted::default();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut unsupported: Vec<usize> = Vec::new();
    for (i, inst) in plan.instances.iter().enumerate() {
        if inst.mode != "managed" {
            continue;
        }
        if !plan.convert(i, &mut converted) {
            if AUDITED.iter().any(|p| inst.kind.starts_with(p)) && !HARMLESS.contains(&inst.kind) {
                unsupported.push(i);
            } else if !HARMLESS.contains(&inst.kind) {
                *skipped.entry(inst.kind.to_owned()).or_default() += 1;
            }
        }
    }
    let known = plan.known_identifiers(&converted.resources, &partition, &region);
    let mut given = options.parameters.clone();
    given.entry("AWS::AccountId".to_owned()).or_insert(account);
    let new_template = |resources: Vec<Resource>| {
        let mut t = Template::new(&f.rel, &f.stack, &given, Some(&region), ACCOUNT, resources);
        t.known = known.clone();
        t
    };
    let preliminary = new_template(converted.resources.clone());
    let resources = fold(&preliminary, converted);
    let template = new_template(resources);
    let mut out = Builder::new(&template, fingerprints, now, false).build();
    if !options.parameters.contains_key("AWS::AccountId") {
        out.account = inferred;
    }

    for i in unsupported {
        let inst = &plan.instances[i];
        let service = AUDITED
            .iter()
            .find(|p| inst.kind.starts_with(*p))
            .map_or("template", |p| match *p {
                "aws_api_gateway_" | "aws_apigatewayv2_" => "apigateway",
                other => other.trim_start_matches("aws_").trim_end_matches('_'),
            });
        out.gaps.push(Gap {
            service: service.to_owned(),
            region: Some(template.region.clone()),
            operation: "template".to_owned(),
            resource: Some(inst.address.clone()),
            kind: GapKind::Unsupported,
            error_code: "UnsupportedResourceType".to_owned(),
            message: format!(
                "{} ({}) is not read from Terraform plans by faascan (at {}:{}:{})",
                inst.address, inst.kind, f.rel, inst.pos.line, inst.pos.column
            ),
            request_id: None,
        });
    }
    for (tf, cfn, _) in NAMED {
        if let Some(n) = out.skipped.remove(*cfn) {
            *skipped.entry((*tf).to_owned()).or_default() += n;
        }
    }
    for (kind, n) in skipped {
        *out.skipped.entry(kind).or_default() += n;
    }
    for location in out.sources.values_mut() {
        location.module_source = plan.module_source(&location.logical_id);
    }
    Ok(out)
}

// ------------------------------------------------------------------ the plan

/// One resource instance of the plan (or a data source read while planning).
struct Instance<'a> {
    address: String,
    /// The module instance's address (`module.api["eu"]`), empty for the root module.
    module: String,
    mode: &'a str,
    kind: &'a str,
    name: &'a str,
    /// The instance key as it appears in addresses (`[0]`, `["eu"]`).
    key: Option<String>,
    values: &'a Value,
    after_unknown: Option<&'a Value>,
    /// The resource block of `configuration`; `None` when the plan has no configuration.
    config: Option<&'a Value>,
    pos: Pos,
}

struct Plan<'a> {
    root: &'a Value,
    instances: Vec<Instance<'a>>,
    by_address: HashMap<String, usize>,
    positions: Positions<'a>,
}

/// A step of an address or reference: `module`, `api`, `["eu"]`, `aws_iam_role`, `exec`, `arn`.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Name(String),
    /// The text inside brackets: `0` or `"eu"` (quoted as in the address).
    Key(String),
}

fn steps(text: &str) -> Vec<Step> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'.' => i += 1,
            b'[' => {
                let start = i + 1;
                let mut j = start;
                let mut quoted = false;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' if quoted => j += 1,
                        b'"' => quoted = !quoted,
                        b']' if !quoted => break,
                        _ => {}
                    }
                    j += 1;
                }
                let end = j.min(bytes.len());
                out.push(Step::Key(
                    text.get(start..end).unwrap_or_default().to_owned(),
                ));
                i = end + 1;
            }
            _ => {
                let start = i;
                while i < bytes.len() && bytes[i] != b'.' && bytes[i] != b'[' {
                    i += 1;
                }
                out.push(Step::Name(text[start..i].to_owned()));
            }
        }
    }
    out
}

/// The module calls of a module address: `module.a["x"].module.b` -> `[(a, ["x"]), (b, -)]`.
fn module_calls(module: &str) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut expect_name = false;
    for step in steps(module) {
        match step {
            Step::Name(n) if expect_name => {
                out.push((n, None));
                expect_name = false;
            }
            Step::Name(n) => expect_name = n == "module",
            Step::Key(k) => {
                if let Some(last) = out.last_mut() {
                    last.1 = Some(format!("[{k}]"));
                }
            }
        }
    }
    out
}

fn module_address(calls: &[(String, Option<String>)]) -> String {
    calls
        .iter()
        .map(|(name, key)| format!("module.{name}{}", key.as_deref().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(".")
}

fn prefixed(module: &str, local: &str) -> String {
    if module.is_empty() {
        local.to_owned()
    } else {
        format!("{module}.{local}")
    }
}

fn instance_key(index: Option<&Value>) -> Option<String> {
    match index? {
        Value::Number(n) => Some(format!("[{n}]")),
        Value::String(s) => Some(format!("[{}]", Value::String(s.clone()))),
        _ => None,
    }
}

/// Path segments into a resource's values.
#[derive(Debug, Clone, Copy)]
enum Seg<'s> {
    Key(&'s str),
    Idx(usize),
}

fn nav<'v>(value: &'v Value, path: &[Seg<'_>]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, seg| match seg {
        Seg::Key(k) => v.get(*k),
        Seg::Idx(n) => v.get(*n),
    })
}

/// The expression of an attribute in a block expressions representation: blocks nest as
/// arrays (list and set blocks) or objects (single blocks).
fn nav_expression<'v>(expressions: &'v Value, path: &[Seg<'_>]) -> Option<&'v Value> {
    let mut current = expressions;
    for seg in path {
        current = match (seg, current) {
            (Seg::Key(k), Value::Object(m)) => m.get(*k)?,
            (Seg::Idx(n), Value::Array(a)) => a.get(*n)?,
            // A single nested block, addressed as element 0.
            (Seg::Idx(0), Value::Object(_)) => current,
            _ => return None,
        };
    }
    Some(current)
}

fn display(address: &str, path: &[Seg<'_>]) -> String {
    let mut out = address.to_owned();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Idx(n) => out.push_str(&format!("[{n}]")),
        }
    }
    out
}

fn after_apply(what: &str) -> String {
    format!("{what} is known only after apply")
}

/// The references of an expression that name a value: those implied by a longer one
/// (`aws_iam_role.exec` beside `aws_iam_role.exec.arn`) and iteration symbols dropped.
fn value_references(expression: &Value) -> Vec<&str> {
    let all: Vec<&str> = expression
        .get("references")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    all.iter()
        .copied()
        .filter(|r| {
            !["each.", "count.", "path.", "terraform.", "self."]
                .iter()
                .any(|p| r.starts_with(p))
                && !all.iter().any(|other| {
                    other.len() > r.len()
                        && other.starts_with(r)
                        && matches!(other.as_bytes()[r.len()], b'.' | b'[')
                })
        })
        .collect()
}

/// Attributes whose value names another resource: read through the configuration's
/// reference when there is one, so that it agrees with the resource it names.
fn names_resource(attribute: &str) -> bool {
    matches!(
        attribute,
        "role"
            | "function_name"
            | "rest_api_id"
            | "resource_id"
            | "parent_id"
            | "api_id"
            | "stage_name"
            | "bucket"
            | "user"
            | "group"
            | "policy_arn"
            | "target_key_id"
            | "integration_uri"
            | "uri"
            | "authorizer_id"
            | "event_source_arn"
            | "kms_key_arn"
            | "permissions_boundary"
            | "resource_arn"
            | "web_acl_arn"
            | "http_method"
            | "destination_arn"
            | "target_arn"
    )
}

/// The attribute meant by a reference to a whole resource (`aws_iam_role.r[each.key]`).
fn default_attribute(kind: &str, attribute: &str) -> &'static str {
    match attribute {
        "role" if kind == "aws_lambda_function" => "arn",
        "policy_arn"
        | "permissions_boundary"
        | "kms_key_arn"
        | "event_source_arn"
        | "resource_arn"
        | "web_acl_arn"
        | "destination_arn"
        | "target_arn" => "arn",
        "integration_uri" | "uri" => "invoke_arn",
        "target_key_id" => "key_id",
        _ => "id",
    }
}

/// A module's configured resources by (mode, type, name).
type ConfigIndex<'a> = HashMap<(&'a str, &'a str, &'a str), &'a Value>;

struct Positions<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// Offsets of every `"address"` key, in order.
    starts: Vec<usize>,
    /// The position of each of `starts`, counted once in one pass: a plan written on one line
    /// would otherwise count its characters from the line's start for every resource.
    start_positions: Vec<Pos>,
    /// The first offset of each address.
    first: HashMap<String, usize>,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut starts = Vec::new();
        let mut first = HashMap::new();
        const KEY: &str = "\"address\"";
        let mut from = 0;
        while let Some(found) = text[from..].find(KEY) {
            let at = from + found;
            from = at + KEY.len();
            let rest = text[from..].trim_start();
            let Some(rest) = rest.strip_prefix(':') else {
                continue;
            };
            let rest = rest.trim_start();
            if !rest.starts_with('"') {
                continue;
            }
            let bytes = rest.as_bytes();
            let mut end = 1;
            while end < bytes.len() && bytes[end] != b'"' {
                if bytes[end] == b'\\' {
                    end += 1;
                }
                end += 1;
            }
            let Some(raw) = rest.get(..=end) else {
                continue;
            };
            if let Ok(address) = serde_json::from_str::<String>(raw) {
                starts.push(at);
                first.entry(address).or_insert(at);
            }
        }
        let mut start_positions = Vec::with_capacity(starts.len());
        let mut previous: Option<(usize, Pos)> = None;
        for &offset in &starts {
            let pos = Self::position(text, &line_starts, previous, offset);
            start_positions.push(pos);
            previous = Some((offset, pos));
        }
        Positions {
            text,
            line_starts,
            starts,
            start_positions,
            first,
        }
    }

    /// The position of `offset`, its column counted from `from` (a known earlier position) when
    /// that is on the same line, else from the line's start.
    fn position(
        text: &str,
        line_starts: &[usize],
        from: Option<(usize, Pos)>,
        offset: usize,
    ) -> Pos {
        let line = line_starts.partition_point(|s| *s <= offset);
        let line_start = line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let (count_from, column_there) = match from {
            Some((at, pos)) if at >= line_start && at <= offset => (at, pos.column as usize),
            _ => (line_start, 1),
        };
        let column = text
            .get(count_from..offset)
            .map_or(1, |s| column_there + s.chars().count());
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }

    fn at(&self, offset: usize) -> Pos {
        // The nearest address at or before `offset` is a known position to count from.
        let known = self.starts.partition_point(|s| *s <= offset);
        let from = known
            .checked_sub(1)
            .and_then(|i| Some((*self.starts.get(i)?, *self.start_positions.get(i)?)));
        Self::position(self.text, &self.line_starts, from, offset)
    }

    fn resource(&self, address: &str) -> Pos {
        self.first
            .get(address)
            .map_or(Pos { line: 1, column: 1 }, |o| self.at(*o))
    }

    /// Where an attribute of a resource is written: its key after the resource's address and
    /// before the next address.
    fn attribute(&self, address: &str, key: &str) -> Option<Pos> {
        let start = *self.first.get(address)?;
        let next = self.starts.partition_point(|s| *s <= start);
        let end = self.starts.get(next).copied().unwrap_or(self.text.len());
        let span = self.text.get(start..end)?;
        let quoted = format!("\"{key}\"");
        let mut from = 0;
        while let Some(found) = span[from..].find(&quoted) {
            let at = from + found;
            from = at + quoted.len();
            if span[from..].trim_start().starts_with(':') {
                return Some(self.at(start + at));
            }
        }
        None
    }
}

impl<'a> Plan<'a> {
    fn new(text: &'a str, root: &'a Value, values: &'a Value) -> Plan<'a> {
        let positions = Positions::new(text);
        let changes: HashMap<&str, &Value> = root
            .get("resource_changes")
            .and_then(Value::as_array)
            .map(|changes| {
                changes
                    .iter()
                    .filter(|c| c.get("deposed").is_none())
                    .filter_map(|c| Some((c.get("address")?.as_str()?, c.get("change")?)))
                    .collect()
            })
            .unwrap_or_default();
        let mut plan = Plan {
            root,
            instances: Vec::new(),
            by_address: HashMap::new(),
            positions,
        };
        let mut raw: Vec<(&'a Value, String)> = Vec::new();
        if let Some(module) = values.get("root_module") {
            collect(module, String::new(), &mut raw, 0);
        }
        // Data sources read while planning are in the prior state.
        let mut prior: Vec<(&'a Value, String)> = Vec::new();
        if let Some(module) = root.pointer("/prior_state/values/root_module") {
            collect(module, String::new(), &mut prior, 0);
        }
        raw.extend(
            prior
                .into_iter()
                .filter(|(r, _)| r.get("mode").and_then(Value::as_str) == Some("data")),
        );
        let mut config_by_module: HashMap<Vec<String>, ConfigIndex<'a>> = HashMap::new();
        for (r, module) in raw {
            let Some(address) = r.get("address").and_then(Value::as_str) else {
                continue;
            };
            if plan.by_address.contains_key(address) {
                continue;
            }
            let mode = r.get("mode").and_then(Value::as_str).unwrap_or("managed");
            let kind = r.get("type").and_then(Value::as_str).unwrap_or_default();
            let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
            let change = changes.get(address);
            // Instances of one module call (`for_each`) share its configuration.
            let config_path: Vec<String> = module_calls(&module)
                .into_iter()
                .map(|(call, _)| call)
                .collect();
            if !config_by_module.contains_key(&config_path) {
                let index = plan.config_resources(&module);
                config_by_module.insert(config_path.clone(), index);
            }
            let config = config_by_module
                .get(&config_path)
                .and_then(|index| index.get(&(mode, kind, name)))
                .copied();
            let instance = Instance {
                address: address.to_owned(),
                module,
                mode,
                kind,
                name,
                key: instance_key(r.get("index")),
                values: r.get("values").unwrap_or(&Value::Null),
                after_unknown: change.and_then(|c| c.get("after_unknown")),
                config,
                pos: plan.positions.resource(address),
            };
            plan.by_address
                .insert(instance.address.clone(), plan.instances.len());
            plan.instances.push(instance);
        }
        plan
    }

    /// The configuration of a module (by its instance address).
    fn config_module(&self, module: &str) -> Option<&'a Value> {
        let mut current = self.root.pointer("/configuration/root_module")?;
        for (call, _) in module_calls(module) {
            current = current.get("module_calls")?.get(&call)?.get("module")?;
        }
        Some(current)
    }

    /// A module's configured resources by (mode, type, name), built once per module: a lookup per
    /// instance with a scan of the module's resources is quadratic in a large plan.
    fn config_resources(&self, module: &str) -> ConfigIndex<'a> {
        let Some(resources) = self
            .config_module(module)
            .and_then(|m| m.get("resources"))
            .and_then(Value::as_array)
        else {
            return HashMap::new();
        };
        let mut index = HashMap::new();
        for r in resources {
            let mode = r.get("mode").and_then(Value::as_str).unwrap_or("managed");
            let (Some(kind), Some(name)) = (
                r.get("type").and_then(Value::as_str),
                r.get("name").and_then(Value::as_str),
            ) else {
                continue;
            };
            // The first declaration wins, as the scan did.
            index.entry((mode, kind, name)).or_insert(r);
        }
        index
    }

    /// The source of the module declaring `address`, local paths joined to their parents'.
    fn module_source(&self, address: &str) -> Option<String> {
        let calls = module_calls(address);
        if calls.is_empty() {
            return None;
        }
        let mut current = self.root.pointer("/configuration/root_module")?;
        let mut source = String::new();
        for (call, _) in calls {
            let c = current.get("module_calls")?.get(&call)?;
            let s = c
                .get("source")
                .or_else(|| c.get("resolved_source"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let local = s.starts_with("./") || s.starts_with("../");
            source = if local && !source.is_empty() {
                format!(
                    "{}/{}",
                    source.trim_end_matches('/'),
                    s.trim_start_matches("./")
                )
            } else {
                s.to_owned()
            };
            current = c.get("module")?;
        }
        (!source.is_empty()).then_some(source)
    }

    fn provider_region(&self) -> Option<String> {
        let providers = self
            .root
            .pointer("/configuration/provider_config")?
            .as_object()?;
        providers
            .values()
            .filter(|p| {
                p.get("name").and_then(Value::as_str) == Some("aws")
                    && p.get("alias").is_none()
                    && p.get("module_address").is_none()
            })
            .find_map(|p| {
                let region = p.pointer("/expressions/region")?;
                if let Some(s) = region.get("constant_value").and_then(Value::as_str) {
                    return Some(s.to_owned());
                }
                // `region = var.region`: the plan's variable value.
                let var = value_references(region)
                    .into_iter()
                    .find_map(|r| r.strip_prefix("var."))?;
                self.root
                    .pointer(&format!("/variables/{var}/value"))?
                    .as_str()
                    .map(str::to_owned)
            })
    }

    /// A part of the first known ARN of a function, role or key (1 partition, 3 region, 4
    /// account), so that made-up ARNs agree with the ones a plan of existing resources knows.
    fn known_arn_part(&self, part: usize) -> Option<String> {
        self.instances
            .iter()
            .filter(|i| {
                matches!(
                    i.kind,
                    "aws_lambda_function" | "aws_iam_role" | "aws_kms_key" | "aws_iam_policy"
                )
            })
            .filter_map(|i| i.values.get("arn").and_then(Value::as_str))
            .find_map(|arn| {
                let parts: Vec<&str> = arn.split(':').collect();
                let account = parts.get(4)?;
                let valid = parts.len() >= 6
                    && account.len() == 12
                    && account.bytes().all(|b| b.is_ascii_digit());
                let value = parts.get(part)?;
                (valid && !value.is_empty()).then(|| (*value).to_owned())
            })
    }

    /// Identifiers known for converted resources (a plan of resources that exist).
    fn known_identifiers(
        &self,
        resources: &[Resource],
        partition: &str,
        region: &str,
    ) -> HashMap<String, Known> {
        let mut out = HashMap::new();
        for r in resources {
            let Some(&i) = self.by_address.get(&r.logical) else {
                continue;
            };
            let inst = &self.instances[i];
            let known = |attr: &str| -> Option<String> {
                let unknown =
                    inst.after_unknown.and_then(|u| u.get(attr)) == Some(&Value::Bool(true));
                if unknown {
                    return None;
                }
                inst.values
                    .get(attr)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            };
            let mut k = Known::default();
            match inst.kind {
                "aws_lambda_function"
                | "aws_iam_role"
                | "aws_iam_user"
                | "aws_sqs_queue"
                | "aws_sns_topic"
                | "aws_dynamodb_table"
                | "aws_kinesis_stream" => {
                    k.arn = known("arn");
                    // A topic's `Ref` is its ARN, a queue's its URL.
                    k.reference = match inst.kind {
                        "aws_sns_topic" => k.arn.clone(),
                        "aws_sqs_queue" => known("url"),
                        _ => None,
                    };
                    if let Some(id) = known("unique_id") {
                        k.attributes.insert("RoleId", id);
                    }
                }
                "aws_iam_policy" => {
                    k.arn = known("arn");
                    k.reference.clone_from(&k.arn);
                    if let Some(arn) = &k.arn {
                        k.attributes.insert("PolicyArn", arn.clone());
                    }
                }
                "aws_kms_key" => {
                    k.arn = known("arn");
                    if let Some(id) = known("key_id") {
                        k.name = Some(id.clone());
                        k.reference = Some(id.clone());
                        k.attributes.insert("KeyId", id);
                    }
                }
                "aws_api_gateway_rest_api" => {
                    if let Some(id) = known("id") {
                        k.arn = Some(format!(
                            "arn:{partition}:apigateway:{region}::/restapis/{id}"
                        ));
                        k.attributes.insert("RestApiId", id.clone());
                        k.reference = Some(id);
                    }
                    if let Some(root) = known("root_resource_id") {
                        k.attributes.insert("RootResourceId", root);
                    }
                }
                "aws_apigatewayv2_api" => {
                    if let Some(id) = known("id") {
                        k.arn = Some(format!("arn:{partition}:apigateway:{region}::/apis/{id}"));
                        k.attributes.insert("ApiId", id.clone());
                        k.reference = Some(id);
                    }
                    if let Some(endpoint) = known("api_endpoint") {
                        k.attributes.insert("ApiEndpoint", endpoint);
                    }
                }
                "aws_api_gateway_resource"
                | "aws_api_gateway_authorizer"
                | "aws_apigatewayv2_integration"
                | "aws_apigatewayv2_route"
                | "aws_apigatewayv2_authorizer" => {
                    if let Some(id) = known("id") {
                        for attribute in ["ResourceId", "AuthorizerId", "IntegrationId", "RouteId"]
                        {
                            k.attributes.insert(attribute, id.clone());
                        }
                        k.name = Some(id.clone());
                        k.reference = Some(id);
                    }
                }
                "aws_lambda_function_url" => {
                    if let Some(url) = known("function_url") {
                        k.attributes.insert("FunctionUrl", url);
                    }
                }
                _ => {}
            }
            if k.arn.is_some() || k.reference.is_some() || !k.attributes.is_empty() {
                out.insert(r.logical.clone(), k);
            }
        }
        out
    }

    // -------------------------------------------------------------- values and references

    /// The value of an attribute (a path into the resource's values) as a node the
    /// CloudFormation resolver understands: a known value, a reference (`Ref`, `Fn::GetAtt`)
    /// to the resource it names, unresolved when known only after apply, or `None` when
    /// neither the plan nor the configuration sets it.
    fn attribute(&self, i: usize, path: &[Seg<'_>], pos: Pos, depth: usize) -> Option<Node> {
        let inst = &self.instances[i];
        let what = display(&inst.address, path);
        if depth > MAX_DEPTH {
            return Some(Node::unresolved(
                pos,
                format!("{what}: references nested too deeply"),
            ));
        }
        let value = nav(inst.values, path).filter(|v| !v.is_null());
        let unknown = inst.after_unknown.and_then(|u| nav(u, path));
        let expression = inst
            .config
            .and_then(|c| c.get("expressions"))
            .and_then(|e| nav_expression(e, path));
        let last = path.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(*k),
            Seg::Idx(_) => None,
        });
        let followed = |depth: usize| {
            let expression = expression?;
            let references = value_references(expression);
            let [reference] = references.as_slice() else {
                return None;
            };
            let default = default_attribute(inst.kind, last.unwrap_or_default());
            self.follow(i, reference, default, pos, depth + 1)
        };
        // An attribute naming another resource is read through the reference when it leads
        // to that resource's identity, so that both agree; only these are followed, since an
        // expression's references do not say how they are combined (`"${var.p}-api"`).
        let names = last.is_some_and(names_resource);
        let mut fallback = None;
        if names {
            match followed(depth) {
                Some(node) if is_identity(&node) => return Some(node),
                other => fallback = other,
            }
        }
        let wholly_unknown = unknown == Some(&Value::Bool(true));
        if let Some(value) = value
            && !wholly_unknown
        {
            return Some(to_node(value, unknown, pos, &what, 0));
        }
        let partly_unknown = unknown.is_some_and(|u| contains_true(u, 0));
        if !wholly_unknown && !partly_unknown {
            return None;
        }
        match (inst.config, expression) {
            // Not set by the configuration: AWS's default, as for an omitted property.
            (Some(_), None) => None,
            _ => Some(
                fallback
                    .filter(|n| n.unresolved_reason().is_some())
                    .unwrap_or_else(|| Node::unresolved(pos, after_apply(&what))),
            ),
        }
    }

    /// A top-level attribute.
    fn attr(&self, i: usize, name: &str) -> Option<Node> {
        let pos = self.attr_pos(i, name);
        self.attribute(i, &[Seg::Key(name)], pos, 0)
    }

    fn attr_pos(&self, i: usize, name: &str) -> Pos {
        let inst = &self.instances[i];
        self.positions
            .attribute(&inst.address, name)
            .unwrap_or(inst.pos)
    }

    /// Follows a reference made by instance `from`.
    fn follow(
        &self,
        from: usize,
        reference: &str,
        default: &str,
        pos: Pos,
        depth: usize,
    ) -> Option<Node> {
        let inst = &self.instances[from];
        self.follow_in(
            &inst.module,
            inst.key.as_deref(),
            reference,
            default,
            pos,
            depth,
        )
    }

    fn follow_in(
        &self,
        module: &str,
        key: Option<&str>,
        reference: &str,
        default: &str,
        pos: Pos,
        depth: usize,
    ) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let st = steps(reference);
        let name = |n: usize| match st.get(n) {
            Some(Step::Name(s)) => Some(s.as_str()),
            _ => None,
        };
        match name(0)? {
            "var" => {
                let var = name(1)?;
                let mut calls = module_calls(module);
                let Some((call, _)) = calls.pop() else {
                    let value = self.root.get("variables")?.get(var)?.get("value")?;
                    return Some(Node::from_json(value, pos));
                };
                let parent = module_address(&calls);
                let expression = self
                    .config_module(&parent)?
                    .get("module_calls")?
                    .get(&call)?
                    .get("expressions")?
                    .get(var)?;
                self.follow_expression(&parent, None, expression, default, pos, depth)
            }
            "module" => {
                let child = name(1)?;
                let (child_key, output) = match st.get(2)? {
                    Step::Key(k) => (Some(format!("[{k}]")), name(3)?),
                    Step::Name(o) => (None, o.as_str()),
                };
                let child_module = prefixed(
                    module,
                    &format!("module.{child}{}", child_key.as_deref().unwrap_or_default()),
                );
                let expression = self
                    .config_module(&child_module)?
                    .get("outputs")?
                    .get(output)?
                    .get("expression")?;
                self.follow_expression(&child_module, None, expression, default, pos, depth)
            }
            "data" => self.follow_resource(module, key, "data", &st[1..], default, pos, depth),
            "local" | "each" | "count" | "path" | "terraform" | "self" => None,
            _ => self.follow_resource(module, key, "managed", &st, default, pos, depth),
        }
    }

    fn follow_expression(
        &self,
        module: &str,
        key: Option<&str>,
        expression: &Value,
        default: &str,
        pos: Pos,
        depth: usize,
    ) -> Option<Node> {
        if let Some(value) = expression.get("constant_value") {
            return Some(Node::from_json(value, pos));
        }
        let references = value_references(expression);
        let [reference] = references.as_slice() else {
            return None;
        };
        self.follow_in(module, key, reference, default, pos, depth + 1)
    }

    #[allow(clippy::too_many_arguments)]
    fn follow_resource(
        &self,
        module: &str,
        key: Option<&str>,
        mode: &str,
        st: &[Step],
        default: &str,
        pos: Pos,
        depth: usize,
    ) -> Option<Node> {
        let (Some(Step::Name(kind)), Some(Step::Name(name))) = (st.first(), st.get(1)) else {
            return None;
        };
        let local = if mode == "data" {
            format!("data.{kind}.{name}")
        } else {
            format!("{kind}.{name}")
        };
        let base = prefixed(module, &local);
        let (target, rest) = match st.get(2) {
            Some(Step::Key(k)) => (
                self.by_address.get(&format!("{base}[{k}]")).copied(),
                &st[3..],
            ),
            _ => {
                let exact = self.by_address.get(&base).copied();
                let target = exact.or_else(|| {
                    let prefix = format!("{base}[");
                    let candidates: Vec<usize> = self
                        .instances
                        .iter()
                        .enumerate()
                        .filter(|(_, i)| i.address.starts_with(&prefix))
                        .map(|(n, _)| n)
                        .collect();
                    match candidates.as_slice() {
                        [one] => Some(*one),
                        // `aws_iam_role.r[each.key]` from an instance with the same key.
                        _ => key.and_then(|k| self.by_address.get(&format!("{base}{k}")).copied()),
                    }
                });
                (target, &st[2..])
            }
        };
        let target = target?;
        let (attribute, nested) = match rest.first() {
            Some(Step::Name(a)) => (a.as_str(), &rest[1..]),
            Some(Step::Key(_)) => return None,
            None => (default, rest),
        };
        let node = self.value_of(target, attribute, pos, depth + 1)?;
        nested
            .iter()
            .try_fold(node, |node, step| match (step, &node.kind) {
                (Step::Name(k), Kind::Map(_)) => node.get(k).cloned(),
                (Step::Key(k), Kind::Seq(items)) => {
                    k.parse::<usize>().ok().and_then(|n| items.get(n).cloned())
                }
                (Step::Key(k), Kind::Map(_)) => serde_json::from_str::<String>(k)
                    .ok()
                    .and_then(|k| node.get(&k).cloned()),
                _ => None,
            })
    }

    /// An attribute of a resource another one refers to: its identity in the CloudFormation
    /// model when it is one (`arn`, `id`, `invoke_arn`), else its value.
    fn value_of(&self, i: usize, attribute: &str, pos: Pos, depth: usize) -> Option<Node> {
        self.identity(i, attribute, pos, depth)
            .or_else(|| self.attribute(i, &[Seg::Key(attribute)], pos, depth))
    }

    fn identity(&self, i: usize, attribute: &str, pos: Pos, depth: usize) -> Option<Node> {
        let inst = &self.instances[i];
        if inst.mode != "managed" {
            return None;
        }
        let address = inst.address.as_str();
        let by_ref = || Some(reference(pos, address));
        let arn = || Some(get_att(pos, address, "Arn"));
        let execute_api = || {
            Some(join(
                pos,
                vec![
                    Node::str(pos, "arn:"),
                    reference_to(pos, "AWS::Partition"),
                    Node::str(pos, ":execute-api:"),
                    reference_to(pos, "AWS::Region"),
                    Node::str(pos, ":"),
                    reference_to(pos, "AWS::AccountId"),
                    Node::str(pos, ":"),
                    reference(pos, address),
                ],
            ))
        };
        match (inst.kind, attribute) {
            ("aws_lambda_function", "arn" | "qualified_arn") => arn(),
            ("aws_lambda_function", "function_name" | "id") => by_ref(),
            ("aws_lambda_function", "invoke_arn" | "qualified_invoke_arn") => Some(join(
                pos,
                vec![
                    Node::str(pos, "arn:"),
                    reference_to(pos, "AWS::Partition"),
                    Node::str(pos, ":apigateway:"),
                    reference_to(pos, "AWS::Region"),
                    Node::str(pos, ":lambda:path/2015-03-31/functions/"),
                    get_att(pos, address, "Arn"),
                    Node::str(pos, "/invocations"),
                ],
            )),
            ("aws_lambda_function_url", "function_url") => {
                Some(get_att(pos, address, "FunctionUrl"))
            }
            ("aws_iam_role", "arn") | ("aws_iam_user", "arn") => arn(),
            ("aws_iam_role", "unique_id") => Some(get_att(pos, address, "RoleId")),
            ("aws_iam_role" | "aws_iam_user" | "aws_iam_group", "name" | "id") => by_ref(),
            ("aws_iam_policy", "arn" | "id") => by_ref(),
            ("aws_s3_bucket", "id" | "bucket") => by_ref(),
            ("aws_s3_bucket", "arn") => arn(),
            ("aws_s3_bucket", "bucket_domain_name") => Some(get_att(pos, address, "DomainName")),
            ("aws_s3_bucket", "bucket_regional_domain_name") => {
                Some(get_att(pos, address, "RegionalDomainName"))
            }
            ("aws_sqs_queue", "arn")
            | ("aws_dynamodb_table", "arn")
            | ("aws_kinesis_stream", "arn") => arn(),
            ("aws_sqs_queue", "id" | "url") | ("aws_sns_topic", "arn" | "id") => by_ref(),
            ("aws_sqs_queue", "name") => Some(get_att(pos, address, "QueueName")),
            ("aws_dynamodb_table" | "aws_kinesis_stream", "name")
            | ("aws_dynamodb_table", "id") => by_ref(),
            ("aws_dynamodb_table", "stream_arn") => Some(get_att(pos, address, "StreamArn")),
            ("aws_kms_key", "id" | "key_id") => by_ref(),
            ("aws_kms_key", "arn") | ("aws_kms_alias", "arn") => arn(),
            ("aws_kms_alias", "name" | "id") => by_ref(),
            ("aws_api_gateway_rest_api", "id") | ("aws_apigatewayv2_api", "id") => by_ref(),
            ("aws_api_gateway_rest_api", "root_resource_id") => {
                Some(get_att(pos, address, "RootResourceId"))
            }
            ("aws_api_gateway_rest_api" | "aws_apigatewayv2_api", "arn") => arn(),
            ("aws_api_gateway_rest_api" | "aws_apigatewayv2_api", "execution_arn") => execute_api(),
            ("aws_apigatewayv2_api", "api_endpoint") => Some(get_att(pos, address, "ApiEndpoint")),
            (
                "aws_api_gateway_resource"
                | "aws_api_gateway_authorizer"
                | "aws_api_gateway_deployment"
                | "aws_api_gateway_usage_plan"
                | "aws_api_gateway_api_key"
                | "aws_apigatewayv2_integration"
                | "aws_apigatewayv2_route"
                | "aws_apigatewayv2_authorizer",
                "id",
            ) => by_ref(),
            ("aws_api_gateway_stage" | "aws_apigatewayv2_stage", "arn") => {
                let (api_attr, name_attr) = if inst.kind == "aws_api_gateway_stage" {
                    ("rest_api_id", "stage_name")
                } else {
                    ("api_id", "name")
                };
                let api = self.attribute(i, &[Seg::Key(api_attr)], pos, depth + 1)?;
                let api = target(&api)?.to_owned();
                let name = self.attribute(i, &[Seg::Key(name_attr)], pos, depth + 1)?;
                Some(join(
                    pos,
                    vec![get_att(pos, &api, "Arn"), Node::str(pos, "/stages/"), name],
                ))
            }
            _ => None,
        }
    }

    // -------------------------------------------------------------- conversion

    /// A block (the first of a list of blocks, as Terraform writes single blocks).
    /// A nested block (`environment { ... }`: a list of one object in the plan). A value of
    /// another shape is unresolved, never taken for an absent block.
    fn block(&self, i: usize, name: &str) -> Option<Node> {
        let node = self.attr(i, name)?;
        let not_a_block = |pos| {
            let address = &self.instances[i].address;
            Some(Node::unresolved(
                pos,
                format!("{address}.{name} is not a block"),
            ))
        };
        match &node.kind {
            Kind::Null => None,
            Kind::Seq(items) => match items.first().map(|n| &n.kind) {
                None | Some(Kind::Null) => None,
                Some(Kind::Map(_) | Kind::Unresolved(_)) => items.first().cloned(),
                Some(_) => not_a_block(node.pos),
            },
            Kind::Map(_) | Kind::Unresolved(_) => Some(node),
            _ => not_a_block(node.pos),
        }
    }

    /// A policy document (JSON text in Terraform) as a tree.
    fn document(&self, i: usize, name: &str) -> Option<Node> {
        let node = self.attr(i, name)?;
        let address = &self.instances[i].address;
        Some(match &node.kind {
            Kind::Str(s) if s.trim().is_empty() => return None,
            Kind::Str(s) => parse_document(s, node.pos, address, name),
            Kind::Unresolved(_) => node,
            _ => Node::unresolved(node.pos, format!("{address}.{name} is not a JSON document")),
        })
    }

    fn props(&self, i: usize, map: &[(&str, &str)]) -> Props {
        let mut p = Props::new(self.instances[i].pos);
        for (cfn, tf) in map {
            p.set(cfn, self.attr(i, tf).filter(|n| !is_empty(n)));
        }
        p
    }

    /// Converts one managed resource; `false` when its type is not one faascan reads.
    fn convert(&self, i: usize, out: &mut Converted) -> bool {
        let inst = &self.instances[i];
        let pos = inst.pos;
        let resource = |kind: &str, props: Props| Resource {
            logical: inst.address.clone(),
            kind: kind.to_owned(),
            props: props.node(),
            pos,
            condition: None,
        };
        let block_as = |name: &str, map: &[(&str, &str)]| -> Option<Node> {
            self.block(i, name).map(|b| rename(&b, map))
        };
        match inst.kind {
            "aws_lambda_function" => {
                let mut p = self.props(
                    i,
                    &[
                        ("FunctionName", "function_name"),
                        ("Role", "role"),
                        ("Runtime", "runtime"),
                        ("Handler", "handler"),
                        ("Timeout", "timeout"),
                        ("MemorySize", "memory_size"),
                        ("Architectures", "architectures"),
                        ("PackageType", "package_type"),
                        ("Description", "description"),
                        ("Layers", "layers"),
                        ("KmsKeyArn", "kms_key_arn"),
                        ("CodeSigningConfigArn", "code_signing_config_arn"),
                        ("Tags", "tags"),
                    ],
                );
                if let Some(image) = self.attr(i, "image_uri").filter(|n| !is_empty(n)) {
                    p.set("Code", Some(map(image.pos, vec![("ImageUri", image)])));
                }
                // -1 is Terraform's "no reserved concurrency".
                p.set(
                    "ReservedConcurrentExecutions",
                    self.attr(i, "reserved_concurrent_executions")
                        .filter(|n| n.as_i64() != Some(-1)),
                );
                p.set(
                    "TracingConfig",
                    block_as("tracing_config", &[("Mode", "mode")]),
                );
                p.set(
                    "VpcConfig",
                    block_as(
                        "vpc_config",
                        &[
                            ("SubnetIds", "subnet_ids"),
                            ("SecurityGroupIds", "security_group_ids"),
                        ],
                    ),
                );
                p.set(
                    "DeadLetterConfig",
                    block_as("dead_letter_config", &[("TargetArn", "target_arn")]),
                );
                p.set(
                    "Environment",
                    block_as("environment", &[("Variables", "variables")]),
                );
                out.push(resource("AWS::Lambda::Function", p));
            }
            "aws_lambda_permission" => {
                let mut p = self.props(
                    i,
                    &[
                        ("Action", "action"),
                        ("Principal", "principal"),
                        ("SourceAccount", "source_account"),
                        ("PrincipalOrgID", "principal_org_id"),
                        ("FunctionUrlAuthType", "function_url_auth_type"),
                        ("EventSourceToken", "event_source_token"),
                    ],
                );
                p.set("FunctionName", self.qualified(i, "function_name"));
                p.set("SourceArn", self.source_arn(i));
                out.push(resource("AWS::Lambda::Permission", p));
            }
            "aws_lambda_function_url" => {
                let mut p = self.props(
                    i,
                    &[
                        ("AuthType", "authorization_type"),
                        ("InvokeMode", "invoke_mode"),
                    ],
                );
                p.set("TargetFunctionArn", self.qualified(i, "function_name"));
                p.set(
                    "Cors",
                    block_as(
                        "cors",
                        &[
                            ("AllowOrigins", "allow_origins"),
                            ("AllowMethods", "allow_methods"),
                            ("AllowHeaders", "allow_headers"),
                            ("ExposeHeaders", "expose_headers"),
                            ("AllowCredentials", "allow_credentials"),
                            ("MaxAge", "max_age"),
                        ],
                    ),
                );
                out.push(resource("AWS::Lambda::Url", p));
            }
            "aws_lambda_event_source_mapping" => {
                let mut p = self.props(
                    i,
                    &[
                        ("FunctionName", "function_name"),
                        ("EventSourceArn", "event_source_arn"),
                        ("Enabled", "enabled"),
                        ("BatchSize", "batch_size"),
                    ],
                );
                p.set(
                    "ScalingConfig",
                    block_as(
                        "scaling_config",
                        &[("MaximumConcurrency", "maximum_concurrency")],
                    ),
                );
                p.set(
                    "DestinationConfig",
                    self.destination(i, "destination_config", "on_failure", "destination_arn")
                        .map(|d| map(pos, vec![("OnFailure", d)])),
                );
                out.push(resource("AWS::Lambda::EventSourceMapping", p));
            }
            "aws_lambda_function_event_invoke_config" => {
                let mut p = self.props(
                    i,
                    &[
                        ("FunctionName", "function_name"),
                        ("Qualifier", "qualifier"),
                        ("MaximumRetryAttempts", "maximum_retry_attempts"),
                        ("MaximumEventAgeInSeconds", "maximum_event_age_in_seconds"),
                    ],
                );
                let mut destinations = Vec::new();
                for (cfn, tf) in [("OnSuccess", "on_success"), ("OnFailure", "on_failure")] {
                    if let Some(d) = self.destination(i, "destination_config", tf, "destination") {
                        destinations.push((cfn, d));
                    }
                }
                if !destinations.is_empty() {
                    p.set("DestinationConfig", Some(map(pos, destinations)));
                }
                out.push(resource("AWS::Lambda::EventInvokeConfig", p));
            }
            "aws_iam_role" => {
                let mut p = self.props(
                    i,
                    &[
                        ("RoleName", "name"),
                        ("Path", "path"),
                        ("Description", "description"),
                        ("MaxSessionDuration", "max_session_duration"),
                        ("PermissionsBoundary", "permissions_boundary"),
                        ("Tags", "tags"),
                    ],
                );
                p.set(
                    "AssumeRolePolicyDocument",
                    self.document(i, "assume_role_policy"),
                );
                // Only what the configuration sets: otherwise these computed lists repeat the
                // attachments and role policies read as resources of their own.
                if self.configures(i, "managed_policy_arns") {
                    p.set("ManagedPolicyArns", self.attr(i, "managed_policy_arns"));
                }
                if self.configures(i, "inline_policy") {
                    p.set("Policies", self.inline_policies(i));
                }
                out.push(resource("AWS::IAM::Role", p));
            }
            "aws_iam_user" => {
                let p = self.props(
                    i,
                    &[
                        ("UserName", "name"),
                        ("Path", "path"),
                        ("PermissionsBoundary", "permissions_boundary"),
                        ("Tags", "tags"),
                    ],
                );
                out.push(resource("AWS::IAM::User", p));
            }
            "aws_iam_group" => {
                let p = self.props(i, &[("GroupName", "name"), ("Path", "path")]);
                out.push(resource("AWS::IAM::Group", p));
            }
            "aws_iam_policy" => {
                let mut p = self.props(
                    i,
                    &[
                        ("ManagedPolicyName", "name"),
                        ("Path", "path"),
                        ("Description", "description"),
                    ],
                );
                p.set("PolicyDocument", self.document(i, "policy"));
                out.push(resource("AWS::IAM::ManagedPolicy", p));
            }
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                let (kind, owner, tf) = match inst.kind {
                    "aws_iam_role_policy" => ("AWS::IAM::RolePolicy", "RoleName", "role"),
                    "aws_iam_user_policy" => ("AWS::IAM::UserPolicy", "UserName", "user"),
                    _ => ("AWS::IAM::GroupPolicy", "GroupName", "group"),
                };
                let mut p = self.props(i, &[(owner, tf), ("PolicyName", "name")]);
                if p.get("PolicyName").is_none() {
                    p.set("PolicyName", Some(Node::str(pos, inst.name)));
                }
                p.set("PolicyDocument", self.document(i, "policy"));
                out.push(resource(kind, p));
            }
            "aws_iam_role_policy_attachment"
            | "aws_iam_user_policy_attachment"
            | "aws_iam_group_policy_attachment" => {
                let (owner, tf) = match inst.kind {
                    "aws_iam_role_policy_attachment" => (Owner::Role, "role"),
                    "aws_iam_user_policy_attachment" => (Owner::User, "user"),
                    _ => (Owner::Group, "group"),
                };
                if let (Some(who), Some(arn)) = (self.attr(i, tf), self.attr(i, "policy_arn")) {
                    out.folds.push(Fold::Attach { owner, who, arn });
                }
            }
            "aws_iam_policy_attachment" => {
                if let Some(arn) = self.attr(i, "policy_arn") {
                    for (owner, tf) in [
                        (Owner::Role, "roles"),
                        (Owner::User, "users"),
                        (Owner::Group, "groups"),
                    ] {
                        for who in self
                            .attr(i, tf)
                            .map(|n| owned_items(&n))
                            .unwrap_or_default()
                        {
                            out.folds.push(Fold::Attach {
                                owner,
                                who,
                                arn: arn.clone(),
                            });
                        }
                    }
                }
            }
            "aws_iam_user_group_membership" => {
                if let (Some(user), Some(groups)) = (self.attr(i, "user"), self.attr(i, "groups")) {
                    for group in owned_items(&groups) {
                        out.folds.push(Fold::Membership {
                            user: user.clone(),
                            group,
                        });
                    }
                }
            }
            "aws_iam_group_membership" => {
                if let (Some(group), Some(users)) = (self.attr(i, "group"), self.attr(i, "users")) {
                    for user in owned_items(&users) {
                        out.folds.push(Fold::Membership {
                            user,
                            group: group.clone(),
                        });
                    }
                }
            }
            "aws_s3_bucket" => {
                let mut p = self.props(i, &[("BucketName", "bucket"), ("Tags", "tags")]);
                // The bucket's own (deprecated) arguments; the aws_s3_bucket_* resources
                // override them.
                p.set(
                    "AccessControl",
                    self.attr(i, "acl")
                        .filter(|n| !is_empty(n))
                        .map(|n| canned_acl(&n)),
                );
                if let Some(v) = self.block(i, "versioning")
                    && v.get("enabled").and_then(Node::as_bool) == Some(true)
                {
                    p.set(
                        "VersioningConfiguration",
                        Some(map(v.pos, vec![("Status", Node::str(v.pos, "Enabled"))])),
                    );
                }
                if let Some(sse) = self.block(i, "server_side_encryption_configuration") {
                    p.set("BucketEncryption", Some(encryption(&sse)));
                }
                p.set(
                    "LoggingConfiguration",
                    block_as(
                        "logging",
                        &[
                            ("DestinationBucketName", "target_bucket"),
                            ("LogFilePrefix", "target_prefix"),
                        ],
                    ),
                );
                out.push(resource("AWS::S3::Bucket", p));
                if let Some(policy) = self.document(i, "policy") {
                    let bucket = reference(pos, &inst.address);
                    out.push(Resource {
                        logical: format!("{}#policy", inst.address),
                        kind: "AWS::S3::BucketPolicy".to_owned(),
                        props: map(pos, vec![("Bucket", bucket), ("PolicyDocument", policy)]),
                        pos,
                        condition: None,
                    });
                }
            }
            "aws_s3_bucket_policy" => {
                let mut p = self.props(i, &[("Bucket", "bucket")]);
                p.set("PolicyDocument", self.document(i, "policy"));
                out.push(resource("AWS::S3::BucketPolicy", p));
            }
            "aws_s3_bucket_public_access_block"
            | "aws_s3_bucket_server_side_encryption_configuration"
            | "aws_s3_bucket_versioning"
            | "aws_s3_bucket_logging"
            | "aws_s3_bucket_acl"
            | "aws_s3_bucket_ownership_controls" => {
                let Some(bucket) = self.attr(i, "bucket") else {
                    return true;
                };
                let setting = match inst.kind {
                    "aws_s3_bucket_public_access_block" => Some((
                        "PublicAccessBlockConfiguration",
                        self.props(
                            i,
                            &[
                                ("BlockPublicAcls", "block_public_acls"),
                                ("IgnorePublicAcls", "ignore_public_acls"),
                                ("BlockPublicPolicy", "block_public_policy"),
                                ("RestrictPublicBuckets", "restrict_public_buckets"),
                            ],
                        )
                        .node(),
                    )),
                    "aws_s3_bucket_server_side_encryption_configuration" => {
                        let rules = self.attr(i, "rule").unwrap_or_else(|| seq(pos, Vec::new()));
                        Some((
                            "BucketEncryption",
                            encryption(&map(pos, vec![("rule", rules)])),
                        ))
                    }
                    "aws_s3_bucket_versioning" => {
                        self.block(i, "versioning_configuration").map(|v| {
                            let status = v
                                .get("status")
                                .cloned()
                                .filter(|s| s.as_str() != Some("Disabled"));
                            let mut entries = Vec::new();
                            if let Some(s) = status {
                                entries.push(("Status", s));
                            }
                            ("VersioningConfiguration", map(v.pos, entries))
                        })
                    }
                    "aws_s3_bucket_logging" => Some((
                        "LoggingConfiguration",
                        self.props(
                            i,
                            &[
                                ("DestinationBucketName", "target_bucket"),
                                ("LogFilePrefix", "target_prefix"),
                            ],
                        )
                        .node(),
                    )),
                    "aws_s3_bucket_acl" => self
                        .attr(i, "acl")
                        .filter(|n| !is_empty(n))
                        .map(|n| canned_acl(&n))
                        .or_else(|| {
                            self.block(i, "access_control_policy")
                                .map(|p| grants_acl(&p))
                        })
                        .map(|acl| ("AccessControl", acl)),
                    _ => self.block(i, "rule").map(|rule| {
                        let ownership = rule
                            .get("object_ownership")
                            .cloned()
                            .unwrap_or_else(|| Node::unresolved(rule.pos, "no object_ownership"));
                        (
                            "OwnershipControls",
                            map(
                                rule.pos,
                                vec![(
                                    "Rules",
                                    seq(
                                        rule.pos,
                                        vec![map(rule.pos, vec![("ObjectOwnership", ownership)])],
                                    ),
                                )],
                            ),
                        )
                    }),
                };
                if let Some((key, value)) = setting {
                    out.folds.push(Fold::Set {
                        kind: "AWS::S3::Bucket",
                        who: bucket,
                        key,
                        value: Node { pos, ..value },
                    });
                }
            }
            "aws_kms_key" => {
                let mut p = self.props(
                    i,
                    &[
                        ("Description", "description"),
                        ("KeyUsage", "key_usage"),
                        ("KeySpec", "customer_master_key_spec"),
                        ("EnableKeyRotation", "enable_key_rotation"),
                        ("RotationPeriodInDays", "rotation_period_in_days"),
                        ("Enabled", "is_enabled"),
                        ("MultiRegion", "multi_region"),
                        ("Tags", "tags"),
                    ],
                );
                if p.get("KeySpec").is_none() {
                    p.set("KeySpec", self.attr(i, "key_spec").filter(|n| !is_empty(n)));
                }
                p.set("KeyPolicy", self.document(i, "policy"));
                out.push(resource("AWS::KMS::Key", p));
            }
            "aws_kms_alias" => {
                let p = self.props(
                    i,
                    &[("AliasName", "name"), ("TargetKeyId", "target_key_id")],
                );
                out.push(resource("AWS::KMS::Alias", p));
            }
            "aws_api_gateway_rest_api" => {
                let mut p = self.props(
                    i,
                    &[
                        ("Name", "name"),
                        ("Description", "description"),
                        ("ApiKeySourceType", "api_key_source"),
                        ("DisableExecuteApiEndpoint", "disable_execute_api_endpoint"),
                        ("Tags", "tags"),
                    ],
                );
                p.set("Policy", self.document(i, "policy"));
                p.set("Body", self.definition(i));
                p.set(
                    "EndpointConfiguration",
                    block_as(
                        "endpoint_configuration",
                        &[("Types", "types"), ("VpcEndpointIds", "vpc_endpoint_ids")],
                    ),
                );
                out.push(resource("AWS::ApiGateway::RestApi", p));
            }
            "aws_api_gateway_rest_api_policy" => {
                if let (Some(api), Some(policy)) =
                    (self.attr(i, "rest_api_id"), self.document(i, "policy"))
                {
                    out.folds.push(Fold::Set {
                        kind: "AWS::ApiGateway::RestApi",
                        who: api,
                        key: "Policy",
                        value: policy,
                    });
                }
            }
            "aws_api_gateway_resource" => {
                let p = self.props(
                    i,
                    &[
                        ("RestApiId", "rest_api_id"),
                        ("ParentId", "parent_id"),
                        ("PathPart", "path_part"),
                    ],
                );
                out.push(resource("AWS::ApiGateway::Resource", p));
            }
            "aws_api_gateway_method" => {
                let p = self.props(
                    i,
                    &[
                        ("RestApiId", "rest_api_id"),
                        ("ResourceId", "resource_id"),
                        ("HttpMethod", "http_method"),
                        ("AuthorizationType", "authorization"),
                        ("AuthorizerId", "authorizer_id"),
                        ("ApiKeyRequired", "api_key_required"),
                    ],
                );
                out.push(resource("AWS::ApiGateway::Method", p));
            }
            "aws_api_gateway_integration" => {
                let key = self.props(
                    i,
                    &[
                        ("RestApiId", "rest_api_id"),
                        ("ResourceId", "resource_id"),
                        ("HttpMethod", "http_method"),
                    ],
                );
                let integration = self
                    .props(
                        i,
                        &[
                            ("Type", "type"),
                            ("Uri", "uri"),
                            ("ConnectionType", "connection_type"),
                            ("Credentials", "credentials"),
                        ],
                    )
                    .node();
                out.folds.push(Fold::Integration {
                    key: key.node(),
                    integration,
                });
            }
            "aws_api_gateway_authorizer" => {
                let p = self.props(
                    i,
                    &[
                        ("RestApiId", "rest_api_id"),
                        ("Name", "name"),
                        ("Type", "type"),
                        ("AuthorizerUri", "authorizer_uri"),
                        ("ProviderARNs", "provider_arns"),
                    ],
                );
                out.push(resource("AWS::ApiGateway::Authorizer", p));
            }
            "aws_api_gateway_stage" => {
                let mut p = self.props(
                    i,
                    &[
                        ("RestApiId", "rest_api_id"),
                        ("StageName", "stage_name"),
                        ("TracingEnabled", "xray_tracing_enabled"),
                        ("CacheClusterEnabled", "cache_cluster_enabled"),
                        ("CacheClusterSize", "cache_cluster_size"),
                        ("ClientCertificateId", "client_certificate_id"),
                        ("Variables", "variables"),
                        ("Tags", "tags"),
                    ],
                );
                p.set(
                    "AccessLogSetting",
                    block_as(
                        "access_log_settings",
                        &[("DestinationArn", "destination_arn"), ("Format", "format")],
                    ),
                );
                out.push(resource("AWS::ApiGateway::Stage", p));
            }
            "aws_api_gateway_method_settings" => {
                let (Some(api), Some(stage)) =
                    (self.attr(i, "rest_api_id"), self.attr(i, "stage_name"))
                else {
                    return true;
                };
                let path = self
                    .attr(i, "method_path")
                    .and_then(|n| n.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "*/*".to_owned());
                let (resource_path, verb) = path.rsplit_once('/').unwrap_or(("*", "*"));
                let mut setting = self
                    .block(i, "settings")
                    .map(|s| {
                        rename(
                            &s,
                            &[
                                ("MetricsEnabled", "metrics_enabled"),
                                ("LoggingLevel", "logging_level"),
                                ("DataTraceEnabled", "data_trace_enabled"),
                                ("ThrottlingBurstLimit", "throttling_burst_limit"),
                                ("ThrottlingRateLimit", "throttling_rate_limit"),
                                ("CachingEnabled", "caching_enabled"),
                                ("CacheTtlInSeconds", "cache_ttl_in_seconds"),
                                ("CacheDataEncrypted", "cache_data_encrypted"),
                            ],
                        )
                    })
                    .unwrap_or_else(|| map(pos, Vec::new()));
                // Terraform writes -1 for "not set" throttling.
                if let Kind::Map(entries) = &mut setting.kind {
                    entries.retain(|(k, v)| {
                        !(k.starts_with("Throttling") && v.as_f64().is_some_and(|f| f < 0.0))
                    });
                    entries.push((
                        "ResourcePath".to_owned(),
                        Node::str(pos, format!("/{}", resource_path.trim_start_matches('/'))),
                    ));
                    entries.push(("HttpMethod".to_owned(), Node::str(pos, verb)));
                }
                out.folds.push(Fold::MethodSetting {
                    api,
                    stage,
                    setting: Node { pos, ..setting },
                });
            }
            "aws_api_gateway_deployment" => {
                let p = self.props(
                    i,
                    &[("RestApiId", "rest_api_id"), ("StageName", "stage_name")],
                );
                out.push(resource("AWS::ApiGateway::Deployment", p));
            }
            "aws_api_gateway_usage_plan" => {
                let mut p = self.props(i, &[("UsagePlanName", "name")]);
                let stages: Vec<Node> = (0..self.count(i, "api_stages"))
                    .map(|n| {
                        let at = |k: &str| {
                            self.attribute(
                                i,
                                &[Seg::Key("api_stages"), Seg::Idx(n), Seg::Key(k)],
                                pos,
                                0,
                            )
                        };
                        let mut entries = Vec::new();
                        if let Some(api) = at("api_id") {
                            entries.push(("ApiId", api));
                        }
                        if let Some(stage) = at("stage") {
                            entries.push(("Stage", stage));
                        }
                        if let Some(throttles) = at("throttle") {
                            let by_path: Vec<(String, Node)> = throttles
                                .items()
                                .into_iter()
                                .filter_map(|t| {
                                    let path = t.get("path")?.as_str()?.to_owned();
                                    Some((
                                        path,
                                        rename(
                                            t,
                                            &[
                                                ("BurstLimit", "burst_limit"),
                                                ("RateLimit", "rate_limit"),
                                            ],
                                        ),
                                    ))
                                })
                                .collect();
                            entries.push(("Throttle", Node::new(pos, Kind::Map(by_path))));
                        }
                        map(pos, entries)
                    })
                    .collect();
                if !stages.is_empty() {
                    p.set("ApiStages", Some(seq(pos, stages)));
                }
                p.set(
                    "Throttle",
                    block_as(
                        "throttle_settings",
                        &[("BurstLimit", "burst_limit"), ("RateLimit", "rate_limit")],
                    ),
                );
                p.set(
                    "Quota",
                    block_as(
                        "quota_settings",
                        &[("Limit", "limit"), ("Period", "period")],
                    ),
                );
                out.push(resource("AWS::ApiGateway::UsagePlan", p));
            }
            "aws_api_gateway_api_key" => {
                let p = self.props(i, &[("Name", "name"), ("Enabled", "enabled")]);
                out.push(resource("AWS::ApiGateway::ApiKey", p));
            }
            "aws_api_gateway_domain_name" => {
                let mut p = self.props(
                    i,
                    &[
                        ("DomainName", "domain_name"),
                        ("SecurityPolicy", "security_policy"),
                        ("CertificateArn", "certificate_arn"),
                        ("RegionalCertificateArn", "regional_certificate_arn"),
                    ],
                );
                p.set(
                    "EndpointConfiguration",
                    block_as("endpoint_configuration", &[("Types", "types")]),
                );
                out.push(resource("AWS::ApiGateway::DomainName", p));
            }
            "aws_apigatewayv2_api" => {
                let mut p = self.props(
                    i,
                    &[
                        ("Name", "name"),
                        ("ProtocolType", "protocol_type"),
                        ("Description", "description"),
                        ("DisableExecuteApiEndpoint", "disable_execute_api_endpoint"),
                        ("Tags", "tags"),
                    ],
                );
                p.set(
                    "CorsConfiguration",
                    block_as("cors_configuration", &[("AllowOrigins", "allow_origins")]),
                );
                p.set("Body", self.definition(i));
                out.push(resource("AWS::ApiGatewayV2::Api", p));
                self.quick_create(i, out);
            }
            "aws_apigatewayv2_route" => {
                let mut p = self.props(
                    i,
                    &[
                        ("ApiId", "api_id"),
                        ("RouteKey", "route_key"),
                        ("AuthorizationType", "authorization_type"),
                        ("AuthorizerId", "authorizer_id"),
                        ("ApiKeyRequired", "api_key_required"),
                    ],
                );
                p.set("Target", self.route_target(i));
                out.push(resource("AWS::ApiGatewayV2::Route", p));
            }
            "aws_apigatewayv2_integration" => {
                let p = self.props(
                    i,
                    &[
                        ("ApiId", "api_id"),
                        ("IntegrationType", "integration_type"),
                        ("IntegrationUri", "integration_uri"),
                        ("ConnectionType", "connection_type"),
                    ],
                );
                out.push(resource("AWS::ApiGatewayV2::Integration", p));
            }
            "aws_apigatewayv2_authorizer" => {
                let p = self.props(
                    i,
                    &[
                        ("ApiId", "api_id"),
                        ("Name", "name"),
                        ("AuthorizerType", "authorizer_type"),
                    ],
                );
                out.push(resource("AWS::ApiGatewayV2::Authorizer", p));
            }
            "aws_apigatewayv2_stage" => {
                let throttle = &[
                    ("ThrottlingBurstLimit", "throttling_burst_limit"),
                    ("ThrottlingRateLimit", "throttling_rate_limit"),
                ];
                let mut p = self.props(
                    i,
                    &[
                        ("ApiId", "api_id"),
                        ("StageName", "name"),
                        ("AutoDeploy", "auto_deploy"),
                        ("StageVariables", "stage_variables"),
                        ("Tags", "tags"),
                    ],
                );
                p.set(
                    "DefaultRouteSettings",
                    block_as("default_route_settings", throttle),
                );
                if let Some(routes) = self.attr(i, "route_settings") {
                    let by_key: Vec<(String, Node)> = routes
                        .items()
                        .into_iter()
                        .filter_map(|r| {
                            let key = r.get("route_key")?.as_str()?.to_owned();
                            Some((key, rename(r, throttle)))
                        })
                        .collect();
                    if !by_key.is_empty() {
                        p.set(
                            "RouteSettings",
                            Some(Node::new(routes.pos, Kind::Map(by_key))),
                        );
                    }
                }
                p.set(
                    "AccessLogSettings",
                    block_as(
                        "access_log_settings",
                        &[("DestinationArn", "destination_arn"), ("Format", "format")],
                    ),
                );
                out.push(resource("AWS::ApiGatewayV2::Stage", p));
            }
            kind if NAMED.iter().any(|(tf, _, _)| *tf == kind) => {
                let Some((_, cfn, name)) = NAMED.iter().find(|(tf, _, _)| *tf == kind) else {
                    return false;
                };
                let p = self.props(i, &[(name, "name")]);
                out.push(resource(cfn, p));
            }
            "aws_wafv2_web_acl_association" => {
                let p = self.props(
                    i,
                    &[
                        ("ResourceArn", "resource_arn"),
                        ("WebACLArn", "web_acl_arn"),
                    ],
                );
                out.push(resource("AWS::WAFv2::WebACLAssociation", p));
            }
            _ => return false,
        }
        true
    }

    /// Whether the configuration sets an attribute (or the plan has no configuration).
    fn configures(&self, i: usize, name: &str) -> bool {
        match self.instances[i].config {
            None => true,
            Some(c) => c.pointer(&format!("/expressions/{name}")).is_some(),
        }
    }

    /// The number of elements of a list attribute (or of its blocks in the configuration).
    fn count(&self, i: usize, name: &str) -> usize {
        let inst = &self.instances[i];
        let known = inst
            .values
            .get(name)
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let configured = inst
            .config
            .and_then(|c| c.pointer(&format!("/expressions/{name}")))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        known.max(configured)
    }

    /// `function_name` with its `qualifier` (an alias or version), as Lambda reads them.
    fn qualified(&self, i: usize, name: &str) -> Option<Node> {
        let function = self.attr(i, name)?;
        match self.attr(i, "qualifier").filter(|n| !is_empty(n)) {
            Some(q) => Some(join(function.pos, vec![function, Node::str(q.pos, ":"), q])),
            None => Some(function),
        }
    }

    /// A permission's source ARN; one built on an API's execution ARN
    /// (`"${aws_api_gateway_rest_api.api.execution_arn}/*/*"`) is read as that ARN followed
    /// by `/*`, which covers every route of that API and no other.
    fn source_arn(&self, i: usize) -> Option<Node> {
        let node = self.attr(i, "source_arn").filter(|n| !is_empty(n))?;
        if node.unresolved_reason().is_none() {
            return Some(node);
        }
        let expression = self.instances[i]
            .config?
            .pointer("/expressions/source_arn")?;
        let references = value_references(expression);
        let [reference] = references.as_slice() else {
            return Some(node);
        };
        if !reference.ends_with(".execution_arn") {
            return Some(node);
        }
        match self.follow(i, reference, "execution_arn", node.pos, 1) {
            Some(arn) if arn.unresolved_reason().is_none() => {
                Some(join(node.pos, vec![arn, Node::str(node.pos, "/*")]))
            }
            _ => Some(node),
        }
    }

    /// A route's target, `integrations/ID`, also when the ID is known only after apply.
    fn route_target(&self, i: usize) -> Option<Node> {
        let node = self.attr(i, "target").filter(|n| !is_empty(n))?;
        if node.unresolved_reason().is_none() {
            return Some(node);
        }
        let expression = self.instances[i].config?.pointer("/expressions/target")?;
        let references = value_references(expression);
        let [reference] = references.as_slice() else {
            return Some(node);
        };
        match self.follow(i, reference, "id", node.pos, 1) {
            Some(id) if target(&id).is_some() => Some(join(
                node.pos,
                vec![Node::str(node.pos, "integrations/"), id],
            )),
            _ => Some(node),
        }
    }

    /// A destination block's ARN (`destination_config[0].on_failure[0].destination_arn`).
    fn destination(&self, i: usize, block: &str, which: &str, field: &str) -> Option<Node> {
        let pos = self.attr_pos(i, block);
        let node = self.attribute(
            i,
            &[
                Seg::Key(block),
                Seg::Idx(0),
                Seg::Key(which),
                Seg::Idx(0),
                Seg::Key(field),
            ],
            pos,
            0,
        )?;
        (!is_empty(&node)).then(|| map(pos, vec![("Destination", node)]))
    }

    /// An API's OpenAPI definition (`body`, JSON or YAML text).
    fn definition(&self, i: usize) -> Option<Node> {
        let node = self.attr(i, "body").filter(|n| !is_empty(n))?;
        let Some(text) = node.as_str() else {
            return Some(node);
        };
        let parsed = serde_json::from_str::<Value>(text)
            .map(|v| Node::from_json(&v, node.pos))
            .or_else(|_| yaml::parse(text).map(|n| relocate(&n, node.pos)));
        Some(parsed.unwrap_or_else(|_| {
            Node::unresolved(
                node.pos,
                format!(
                    "{}.body is neither JSON nor YAML",
                    self.instances[i].address
                ),
            )
        }))
    }

    /// `inline_policy { name, policy }` blocks as CloudFormation's `Policies`.
    fn inline_policies(&self, i: usize) -> Option<Node> {
        let node = self.attr(i, "inline_policy")?;
        let address = &self.instances[i].address;
        let items: Vec<Node> = node
            .items()
            .into_iter()
            .filter_map(|block| {
                let name = block.get("name").cloned().filter(|n| !is_empty(n))?;
                let document = match block.get("policy") {
                    Some(Node {
                        kind: Kind::Str(s),
                        pos,
                    }) => parse_document(s, *pos, address, "inline_policy"),
                    Some(other) => other.clone(),
                    None => return None,
                };
                Some(map(
                    block.pos,
                    vec![("PolicyName", name), ("PolicyDocument", document)],
                ))
            })
            .collect();
        match &node.kind {
            Kind::Unresolved(_) => Some(node),
            _ => Some(seq(node.pos, items)),
        }
    }

    /// `aws_apigatewayv2_api` with `target` (quick create): the route, integration and
    /// `$default` stage API Gateway makes for it.
    fn quick_create(&self, i: usize, out: &mut Converted) {
        let Some(target) = self.attr(i, "target").filter(|n| !is_empty(n)) else {
            return;
        };
        let inst = &self.instances[i];
        let pos = self.attr_pos(i, "target");
        let api = reference(pos, &inst.address);
        let integration = format!("{} (quick create integration)", inst.address);
        let route_key = self
            .attr(i, "route_key")
            .filter(|n| !is_empty(n))
            .unwrap_or_else(|| Node::str(pos, "$default"));
        let resources = [
            (
                integration.clone(),
                "AWS::ApiGatewayV2::Integration",
                vec![
                    ("ApiId", api.clone()),
                    ("IntegrationType", Node::str(pos, "AWS_PROXY")),
                    ("IntegrationUri", target),
                ],
            ),
            (
                format!("{} (quick create route)", inst.address),
                "AWS::ApiGatewayV2::Route",
                vec![
                    ("ApiId", api.clone()),
                    ("RouteKey", route_key),
                    ("AuthorizationType", Node::str(pos, "NONE")),
                    (
                        "Target",
                        join(
                            pos,
                            vec![
                                Node::str(pos, "integrations/"),
                                reference(pos, &integration),
                            ],
                        ),
                    ),
                ],
            ),
            (
                format!("{} (quick create stage)", inst.address),
                "AWS::ApiGatewayV2::Stage",
                vec![
                    ("ApiId", api),
                    ("StageName", Node::str(pos, "$default")),
                    ("AutoDeploy", Node::new(pos, Kind::Bool(true))),
                ],
            ),
        ];
        for (logical, kind, props) in resources {
            out.push(Resource {
                logical,
                kind: kind.to_owned(),
                props: map(pos, props),
                pos,
                condition: None,
            });
        }
    }
}

fn collect<'a>(
    module: &'a Value,
    address: String,
    out: &mut Vec<(&'a Value, String)>,
    depth: usize,
) {
    if depth > yaml::MAX_DEPTH {
        return;
    }
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.push((r, address.clone()));
    }
    for child in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let child_address = child
            .get("address")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        collect(child, child_address, out, depth + 1);
    }
}

fn contains_true(value: &Value, depth: usize) -> bool {
    depth <= yaml::MAX_DEPTH
        && match value {
            Value::Bool(b) => *b,
            Value::Array(a) => a.iter().any(|v| contains_true(v, depth + 1)),
            Value::Object(m) => m.values().any(|v| contains_true(v, depth + 1)),
            _ => false,
        }
}

/// A value with the parts known only after apply unresolved.
fn to_node(value: &Value, unknown: Option<&Value>, pos: Pos, what: &str, depth: usize) -> Node {
    if unknown == Some(&Value::Bool(true)) {
        return Node::unresolved(pos, after_apply(what));
    }
    if depth > yaml::MAX_DEPTH || !unknown.is_some_and(|u| contains_true(u, 0)) {
        return Node::from_json(value, pos);
    }
    match (value, unknown) {
        (Value::Object(m), Some(u)) => {
            let mut entries: Vec<(String, Node)> = m
                .iter()
                .map(|(k, v)| {
                    let child = format!("{what}.{k}");
                    (k.clone(), to_node(v, u.get(k), pos, &child, depth + 1))
                })
                .collect();
            if let Value::Object(um) = u {
                for (k, uv) in um {
                    if !m.contains_key(k) && contains_true(uv, 0) {
                        let child = format!("{what}.{k}");
                        entries.push((
                            k.clone(),
                            to_node(&Value::Null, Some(uv), pos, &child, depth + 1),
                        ));
                    }
                }
            }
            Node::new(pos, Kind::Map(entries))
        }
        (Value::Array(a), Some(u)) => {
            let mut items: Vec<Node> = a
                .iter()
                .enumerate()
                .map(|(n, v)| to_node(v, u.get(n), pos, &format!("{what}[{n}]"), depth + 1))
                .collect();
            if let Value::Array(ua) = u {
                for (n, uv) in ua.iter().enumerate().skip(a.len()) {
                    items.push(to_node(
                        &Value::Null,
                        Some(uv),
                        pos,
                        &format!("{what}[{n}]"),
                        depth + 1,
                    ));
                }
            }
            Node::new(pos, Kind::Seq(items))
        }
        (Value::Null, Some(u @ Value::Object(_))) => to_node(
            &Value::Object(serde_json::Map::new()),
            Some(u),
            pos,
            what,
            depth,
        ),
        (Value::Null, Some(u @ Value::Array(_))) => {
            to_node(&Value::Array(Vec::new()), Some(u), pos, what, depth)
        }
        _ => Node::from_json(value, pos),
    }
}

fn parse_document(text: &str, pos: Pos, address: &str, name: &str) -> Node {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => Node::from_json(&v, pos),
        Ok(_) => Node::unresolved(pos, format!("{address}.{name} is not a JSON object")),
        Err(e) => Node::unresolved(pos, format!("{address}.{name} is not a JSON document: {e}")),
    }
}

/// A reference this reader made to a resource's identity (`Ref`, `Fn::GetAtt`, an ARN
/// joined from them).
fn is_identity(node: &Node) -> bool {
    target(node).is_some() || node.get("Fn::Join").is_some()
}

/// Every node of a tree moved to `pos` (a YAML definition inside a JSON string).
fn relocate(node: &Node, pos: Pos) -> Node {
    let kind = match &node.kind {
        Kind::Seq(items) => Kind::Seq(items.iter().map(|n| relocate(n, pos)).collect()),
        Kind::Map(entries) => Kind::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), relocate(v, pos)))
                .collect(),
        ),
        other => other.clone(),
    };
    Node::new(pos, kind)
}

fn is_empty(node: &Node) -> bool {
    match &node.kind {
        Kind::Null => true,
        Kind::Str(s) => s.is_empty(),
        _ => false,
    }
}

fn owned_items(node: &Node) -> Vec<Node> {
    node.items().into_iter().cloned().collect()
}

fn map(pos: Pos, entries: Vec<(&str, Node)>) -> Node {
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

fn seq(pos: Pos, items: Vec<Node>) -> Node {
    Node::new(pos, Kind::Seq(items))
}

fn reference(pos: Pos, logical: &str) -> Node {
    map(pos, vec![("Ref", Node::str(pos, logical))])
}

fn reference_to(pos: Pos, pseudo: &str) -> Node {
    reference(pos, pseudo)
}

fn get_att(pos: Pos, logical: &str, attribute: &str) -> Node {
    map(
        pos,
        vec![(
            "Fn::GetAtt",
            seq(
                pos,
                vec![Node::str(pos, logical), Node::str(pos, attribute)],
            ),
        )],
    )
}

fn join(pos: Pos, parts: Vec<Node>) -> Node {
    map(
        pos,
        vec![(
            "Fn::Join",
            seq(pos, vec![Node::str(pos, ""), seq(pos, parts)]),
        )],
    )
}

/// The resource a `Ref` or `Fn::GetAtt` made here names.
fn target(node: &Node) -> Option<&str> {
    match node.as_map()? {
        [(k, v)] if k == "Ref" => v.as_str(),
        [(k, v)] if k == "Fn::GetAtt" => v.as_seq()?.first()?.as_str(),
        _ => None,
    }
}

/// A Terraform block's attributes under CloudFormation's names (unset ones left out).
fn rename(block: &Node, names: &[(&str, &str)]) -> Node {
    if block.unresolved_reason().is_some() {
        return block.clone();
    }
    map(
        block.pos,
        names
            .iter()
            .filter_map(|(cfn, tf)| {
                let v = block.get(tf)?;
                (!is_empty(v)).then(|| (*cfn, v.clone()))
            })
            .collect(),
    )
}

/// A canned ACL in CloudFormation's spelling.
fn canned_acl(node: &Node) -> Node {
    let Some(acl) = node.as_str() else {
        return node.clone();
    };
    let cfn = match acl {
        "private" => "Private",
        "public-read" => "PublicRead",
        "public-read-write" => "PublicReadWrite",
        "authenticated-read" => "AuthenticatedRead",
        "log-delivery-write" => "LogDeliveryWrite",
        "bucket-owner-read" => "BucketOwnerRead",
        "bucket-owner-full-control" => "BucketOwnerFullControl",
        "aws-exec-read" => "AwsExecRead",
        other => other,
    };
    Node::str(node.pos, cfn)
}

/// Explicit grants (`access_control_policy`) as the canned ACL that grants as much to the
/// public: what the checks judge is whether everyone or every AWS user may read or write.
fn grants_acl(policy: &Node) -> Node {
    if policy.first_unresolved().is_some() {
        return policy.clone();
    }
    let (mut everyone_read, mut everyone_write, mut authenticated, mut log_delivery) =
        (false, false, false, false);
    for grant in policy.get("grant").map(Node::items).unwrap_or_default() {
        let permission = grant
            .get("permission")
            .and_then(Node::as_str)
            .unwrap_or_default();
        let uri = grant
            .get("grantee")
            .map(Node::items)
            .unwrap_or_default()
            .first()
            .and_then(|g| g.get("uri"))
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_owned();
        let writes = matches!(permission, "WRITE" | "WRITE_ACP" | "FULL_CONTROL");
        if uri.ends_with("/global/AllUsers") {
            everyone_read = true;
            everyone_write |= writes;
        } else if uri.ends_with("/global/AuthenticatedUsers") {
            authenticated = true;
        } else if uri.ends_with("/s3/LogDelivery") {
            log_delivery = true;
        }
    }
    let canned = if everyone_write {
        "PublicReadWrite"
    } else if everyone_read {
        "PublicRead"
    } else if authenticated {
        "AuthenticatedRead"
    } else if log_delivery {
        "LogDeliveryWrite"
    } else {
        "Private"
    };
    Node::str(policy.pos, canned)
}

/// `server_side_encryption_configuration { rule { ... } }` as CloudFormation's
/// `BucketEncryption`.
fn encryption(block: &Node) -> Node {
    let pos = block.pos;
    let rules: Vec<Node> = block
        .get("rule")
        .map(Node::items)
        .unwrap_or_default()
        .into_iter()
        .map(|rule| {
            let mut entries = Vec::new();
            if let Some(default) = rule
                .get("apply_server_side_encryption_by_default")
                .and_then(|d| d.items().first().map(|n| (*n).clone()))
            {
                entries.push((
                    "ServerSideEncryptionByDefault",
                    rename(
                        &default,
                        &[
                            ("SSEAlgorithm", "sse_algorithm"),
                            ("KMSMasterKeyID", "kms_master_key_id"),
                        ],
                    ),
                ));
            }
            if let Some(b) = rule.get("bucket_key_enabled").filter(|n| !is_empty(n)) {
                entries.push(("BucketKeyEnabled", b.clone()));
            }
            map(rule.pos, entries)
        })
        .collect();
    map(
        pos,
        vec![("ServerSideEncryptionConfiguration", seq(pos, rules))],
    )
}

/// CloudFormation properties, in order.
struct Props {
    pos: Pos,
    entries: Vec<(String, Node)>,
}

impl Props {
    fn new(pos: Pos) -> Self {
        Props {
            pos,
            entries: Vec::new(),
        }
    }
    fn set(&mut self, key: &str, value: Option<Node>) {
        self.entries.retain(|(k, _)| k != key);
        if let Some(v) = value {
            self.entries.push((key.to_owned(), v));
        }
    }
    fn get(&self, key: &str) -> Option<&Node> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
    fn node(self) -> Node {
        Node::new(self.pos, Kind::Map(self.entries))
    }
}

// ------------------------------------------------------------------ folding

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Role,
    User,
    Group,
}

/// A Terraform resource that configures another one (an attachment, a bucket setting, an
/// integration): folded into the resource it configures, as CloudFormation writes it.
enum Fold {
    Attach {
        owner: Owner,
        who: Node,
        arn: Node,
    },
    Membership {
        user: Node,
        group: Node,
    },
    Set {
        kind: &'static str,
        who: Node,
        key: &'static str,
        value: Node,
    },
    Integration {
        key: Node,
        integration: Node,
    },
    MethodSetting {
        api: Node,
        stage: Node,
        setting: Node,
    },
}

#[derive(Default)]
struct Converted {
    resources: Vec<Resource>,
    folds: Vec<Fold>,
}

impl Converted {
    fn push(&mut self, r: Resource) {
        self.resources.push(r);
    }
}

/// A resolved value as text, `None` when it is not fully known.
fn resolved(t: &Template, node: &Node) -> Option<String> {
    let r = t.resolve(node);
    if r.first_unresolved().is_some() {
        return None;
    }
    r.as_str().map(str::to_owned)
}

fn prop_text(t: &Template, r: &Resource, key: &str) -> Option<String> {
    r.props.get(key).and_then(|n| resolved(t, n))
}

/// Folds configuring resources into the resources they configure, matching them by what
/// the preliminary template resolves their references and names to.
///
/// Folds change no property these matches read (names come from the preliminary template),
/// so the indexes below are built once, not scanned per fold.
fn fold(t: &Template, converted: Converted) -> Vec<Resource> {
    let Converted {
        mut resources,
        folds,
    } = converted;
    let mut index = FoldIndex::default();
    let mut appended = Appended::new();
    // Appends to the list at `key`, once: a value already there is not added again.
    let append = |appended: &mut Appended,
                  resources: &mut [Resource],
                  n: usize,
                  key: &'static str,
                  value: Node| {
        let Some(r) = resources.get_mut(n) else {
            return;
        };
        if let Kind::Map(entries) = &mut r.props.kind {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some((
                    _,
                    Node {
                        kind: Kind::Seq(items),
                        ..
                    },
                )) => {
                    let seen = appended.entry((n, key)).or_insert_with(|| {
                        items.iter().map(|n| canonical_json(&n.to_json())).collect()
                    });
                    if seen.insert(canonical_json(&value.to_json())) {
                        items.push(value);
                    }
                }
                Some((_, existing)) => {
                    appended.remove(&(n, key));
                    let previous = existing.clone();
                    *existing = seq(previous.pos, vec![previous, value]);
                }
                None => {
                    appended.remove(&(n, key));
                    entries.push((key.to_owned(), seq(value.pos, vec![value])));
                }
            }
        }
    };
    let set = |r: &mut Resource, key: &str, value: Node| {
        if let Kind::Map(entries) = &mut r.props.kind {
            entries.retain(|(k, _)| k != key);
            entries.push((key.to_owned(), value));
        }
    };
    for f in folds {
        match f {
            Fold::Attach { owner, who, arn } => {
                let kind = match owner {
                    Owner::Role => "AWS::IAM::Role",
                    Owner::User => "AWS::IAM::User",
                    Owner::Group => "AWS::IAM::Group",
                };
                if let Some(n) = index.find(t, &resources, kind, &who) {
                    append(&mut appended, &mut resources, n, "ManagedPolicyArns", arn);
                }
            }
            Fold::Membership { user, group } => {
                if let Some(n) = index.find(t, &resources, "AWS::IAM::User", &user) {
                    append(&mut appended, &mut resources, n, "Groups", group);
                }
            }
            Fold::Set {
                kind,
                who,
                key,
                value,
            } => {
                if let Some(n) = index.find(t, &resources, kind, &who) {
                    // `append` may have seen this key: what it saw is replaced.
                    appended.remove(&(n, key));
                    set(&mut resources[n], key, value);
                }
            }
            Fold::Integration { key, integration } => {
                let wanted = (
                    key.get("RestApiId").and_then(|n| resolved(t, n)),
                    key.get("ResourceId").and_then(|n| resolved(t, n)),
                    key.get("HttpMethod")
                        .and_then(|n| resolved(t, n))
                        .map(|m| m.to_uppercase()),
                );
                let (Some(api), Some(resource), Some(method)) = wanted else {
                    continue;
                };
                let methods = index.methods.get_or_insert_with(|| {
                    let mut methods = HashMap::new();
                    for (n, r) in resources.iter().enumerate() {
                        if r.kind == "AWS::ApiGateway::Method"
                            && let Some(key) = method_key(t, r)
                        {
                            methods.entry(key).or_insert(n);
                        }
                    }
                    methods
                });
                if let Some(&n) = methods.get(&(api, resource, method)) {
                    set(&mut resources[n], "Integration", integration);
                }
            }
            Fold::MethodSetting {
                api,
                stage,
                setting,
            } => {
                let (Some(api), Some(stage)) = (resolved(t, &api), resolved(t, &stage)) else {
                    continue;
                };
                let stages = index.stages.get_or_insert_with(|| {
                    let mut stages = HashMap::new();
                    for (n, r) in resources.iter().enumerate() {
                        if r.kind == "AWS::ApiGateway::Stage"
                            && let (Some(api), Some(stage)) =
                                (prop_text(t, r, "RestApiId"), prop_text(t, r, "StageName"))
                        {
                            stages.entry((api, stage)).or_insert(n);
                        }
                    }
                    stages
                });
                if let Some(&n) = stages.get(&(api, stage)) {
                    append(&mut appended, &mut resources, n, "MethodSettings", setting);
                }
            }
        }
    }
    resources
}

/// (resource, key) -> the canonical JSON of the items in the list there, made when first
/// appended to, so that a duplicate is found without serialising the whole list each time.
type Appended = HashMap<(usize, &'static str), HashSet<String>>;

/// A method's (API id, resource id, HTTP method), as integrations name it.
fn method_key(t: &Template, r: &Resource) -> Option<(String, String, String)> {
    Some((
        prop_text(t, r, "RestApiId")?,
        prop_text(t, r, "ResourceId")?,
        prop_text(t, r, "HttpMethod")?.to_uppercase(),
    ))
}

/// Where `fold` finds the resources folds name: each index made when first needed, holding
/// the first resource in order that matches, as a scan would find it.
#[derive(Default)]
struct FoldIndex {
    /// (kind, logical id) -> resource.
    by_logical: Option<HashMap<(String, String), usize>>,
    /// kind -> (name, id or ARN -> resource).
    by_name: HashMap<&'static str, HashMap<String, usize>>,
    methods: Option<HashMap<(String, String, String), usize>>,
    stages: Option<HashMap<(String, String), usize>>,
}

impl FoldIndex {
    /// The resource a value names: the one a reference points at, else the one of `kind`
    /// whose name or ARN it is.
    fn find(
        &mut self,
        t: &Template,
        resources: &[Resource],
        kind: &'static str,
        who: &Node,
    ) -> Option<usize> {
        if let Some(logical) = target(who) {
            let by_logical = self.by_logical.get_or_insert_with(|| {
                let mut by_logical = HashMap::new();
                for (n, r) in resources.iter().enumerate() {
                    by_logical
                        .entry((r.kind.clone(), r.logical.clone()))
                        .or_insert(n);
                }
                by_logical
            });
            return by_logical
                .get(&(kind.to_owned(), logical.to_owned()))
                .copied();
        }
        let text = resolved(t, who)?;
        let by_name = self.by_name.entry(kind).or_insert_with(|| {
            let mut by_name = HashMap::new();
            for (n, r) in resources.iter().enumerate() {
                if r.kind != kind {
                    continue;
                }
                if kind == "AWS::IAM::Group" {
                    if let Some(name) = prop_text(t, r, "GroupName") {
                        by_name.entry(name).or_insert(n);
                    }
                    continue;
                }
                let Some(p) = t.physical(&r.logical) else {
                    continue;
                };
                // A bucket is also named by the text after its ARN's prefix.
                let bucket = p
                    .arn
                    .as_deref()
                    .and_then(|a| a.strip_prefix("arn:aws:s3:::"))
                    .map(str::to_owned);
                for key in [Some(p.name), Some(p.reference), p.arn, bucket]
                    .into_iter()
                    .flatten()
                {
                    by_name.entry(key).or_insert(n);
                }
            }
            by_name
        });
        by_name.get(&text).copied()
    }
}

/// JSON text with every object's keys sorted: the same for values equal as JSON, whatever
/// order their keys were written in.
fn canonical_json(value: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                out.push('{');
                for (i, (k, v)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    write(v, out);
                }
                out.push('}');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::{Plan, Step, module_calls, steps, value_references};
    use serde_json::Value;

    #[test]
    fn a_plan_on_one_line_gets_positions_and_configurations_in_linear_time() {
        // `terraform show -json` writes one line; 20,000 resources on it made the position of
        // each resource a count from the line's start, and its configuration a scan of all.
        const N: usize = 20_000;
        let resource = |i: usize, extra: &str| {
            format!(
                r#"{{"address":"aws_lambda_function.f{i}","mode":"managed","type":"aws_lambda_function","name":"f{i}"{extra}}}"#
            )
        };
        let planned: Vec<String> = (0..N).map(|i| resource(i, r#","values":{}"#)).collect();
        let configured: Vec<String> = (0..N)
            .map(|i| {
                resource(
                    i,
                    &format!(r#","expressions":{{"handler":{{"constant_value":"h{i}"}}}}"#),
                )
            })
            .collect();
        let text = format!(
            r#"{{"format_version":"1.2","planned_values":{{"root_module":{{"resources":[{}]}}}},"configuration":{{"root_module":{{"resources":[{}]}}}}}}"#,
            planned.join(","),
            configured.join(",")
        );
        let root: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let values = root
            .get("planned_values")
            .unwrap_or_else(|| panic!("no values"));
        let plan = Plan::new(&text, &root, values);
        assert_eq!(plan.instances.len(), N);
        for i in [0, 1, N / 2, N - 1] {
            let instance = &plan.instances[i];
            let offset = text
                .find(&format!(r#""address":"aws_lambda_function.f{i}""#))
                .unwrap_or_else(|| panic!("f{i}"));
            assert_eq!(instance.pos.line, 1);
            assert_eq!(instance.pos.column as usize, offset + 1, "f{i}");
            let handler = instance
                .config
                .and_then(|c| c.pointer("/expressions/handler/constant_value"))
                .and_then(Value::as_str);
            assert_eq!(handler, Some(format!("h{i}").as_str()));
        }
    }

    #[test]
    fn addresses_and_references_split_into_steps() {
        assert_eq!(
            steps(r#"module.api["eu.west"].aws_iam_role.exec[0].arn"#),
            vec![
                Step::Name("module".into()),
                Step::Name("api".into()),
                Step::Key(r#""eu.west""#.into()),
                Step::Name("aws_iam_role".into()),
                Step::Name("exec".into()),
                Step::Key("0".into()),
                Step::Name("arn".into()),
            ]
        );
        assert_eq!(
            module_calls(r#"module.a["x"].module.b"#),
            vec![
                ("a".to_owned(), Some(r#"["x"]"#.to_owned())),
                ("b".to_owned(), None)
            ]
        );
    }

    #[test]
    fn implied_references_are_dropped() {
        let e = serde_json::json!({"references": [
            "aws_iam_role.exec.arn", "aws_iam_role.exec", "each.key"
        ]});
        assert_eq!(value_references(&e), vec!["aws_iam_role.exec.arn"]);
        let e = serde_json::json!({"references": ["aws_iam_role.r", "each.key"]});
        assert_eq!(value_references(&e), vec!["aws_iam_role.r"]);
    }
}

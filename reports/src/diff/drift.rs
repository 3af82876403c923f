//! A template report and a live report of the same stack side by side (`faascan diff
//! TEMPLATE.json LIVE.json`): their resources are matched by the
//! `aws:cloudformation:logical-id` tag (the template readers set it as CloudFormation will),
//! else by physical name, else by the name CloudFormation generates (`STACK-LogicalId-SUFFIX`);
//! an API's methods, routes and stages by their API and what names them in it. A check that
//! passes on one side and fails on the other is drift, and so is a resource on one side only.

use super::SavedReport;
use crate::text::{display, sanitize};
use faascan_checks::check::{CheckResult, ResourceKind, Severity, Status};
use faascan_checks::model::{Inventory, Tags};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const LOGICAL_ID_TAG: &str = "aws:cloudformation:logical-id";
pub const STACK_NAME_TAG: &str = "aws:cloudformation:stack-name";

/// The caller of a scan read from templates (`faascan scan --template`).
pub const TEMPLATE_CALLER: &str = "template";

/// What names a resource in both a template and the stack deployed from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub logical_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
}

/// The identities of an inventory's resources, by ARN: from their CloudFormation tags (live
/// resources of a stack, and resources read from CloudFormation-based templates), else from
/// where a template declares them (a Terraform address).
pub fn identities(inventory: &Inventory) -> BTreeMap<String, Identity> {
    let mut out = BTreeMap::new();
    let mut add = |arn: &str, tags: Option<&Tags>| {
        if let Some(logical_id) = tags.and_then(|t| t.get(LOGICAL_ID_TAG)) {
            out.insert(
                arn.to_owned(),
                Identity {
                    logical_id: logical_id.clone(),
                    stack: tags.and_then(|t| t.get(STACK_NAME_TAG)).cloned(),
                },
            );
        }
    };
    for f in inventory.lambda_functions() {
        add(&f.arn, f.tags.known());
    }
    for b in inventory.buckets() {
        add(&b.arn, b.tags.known());
    }
    for k in inventory.kms_keys() {
        add(&k.arn, k.tags.known());
    }
    for api in inventory.rest_apis() {
        add(&api.arn, Some(&api.tags));
        for s in api.stages.known().into_iter().flatten() {
            add(&s.arn, Some(&s.tags));
        }
    }
    for api in inventory.http_apis() {
        add(&api.arn, Some(&api.tags));
        for s in api.stages.known().into_iter().flatten() {
            add(&s.arn, Some(&s.tags));
        }
    }
    if let Some(iam) = inventory.iam.known() {
        for r in &iam.roles {
            add(&r.arn, Some(&r.tags));
        }
        for u in &iam.users {
            add(&u.arn, Some(&u.tags));
        }
    }
    for (arn, source) in &inventory.sources {
        out.entry(arn.clone()).or_insert_with(|| Identity {
            logical_id: source.logical_id.clone(),
            stack: None,
        });
    }
    out
}

/// Whether a report was read from templates.
pub fn is_template(report: &SavedReport) -> bool {
    report.caller_arn.as_deref() == Some(TEMPLATE_CALLER)
}

/// How two resources were found to be the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    LogicalId,
    Name,
    GeneratedName,
    /// A method, route or stage: its API matched, and its verb and path, route key or stage
    /// name are the same.
    Api,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Passes in the template, fails live: changed outside the template, or the deployed
    /// stack is not the reviewed template.
    FailsLive,
    /// Fails in the template, passes live: fixed by hand; the next deployment undoes it.
    FailsInTemplate,
    UnknownInTemplate,
    UnknownLive,
}

#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub arn: String,
    pub name: String,
    pub kind: ResourceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logical_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DriftEntry {
    pub check_id: String,
    pub severity: Severity,
    pub direction: Direction,
    pub template: Side,
    pub template_status: Status,
    pub live: Side,
    pub live_status: Status,
    pub matched_by: MatchedBy,
}

#[derive(Debug, Clone, Serialize)]
pub struct StackPair {
    /// The template's stack (`None` for a source without stacks, a Terraform plan).
    pub template: Option<String>,
    /// The live stack whose logical ids it shares most, if any.
    pub live: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    pub template_account: String,
    pub live_account: String,
    pub stacks: Vec<StackPair>,
    /// Resources found on both sides, by how they were matched.
    pub matched: BTreeMap<String, usize>,
    /// Checks that pass on one side and fail on the other, most severe first.
    pub drift: Vec<DriftEntry>,
    /// Checks decided on one side and unknown on the other.
    pub undecided: Vec<DriftEntry>,
    pub only_in_template: Vec<Side>,
    /// Live resources of the matched stacks (or inside a matched API) not in the template.
    pub only_live: Vec<Side>,
    /// Live resources that belong to no matched stack: not compared.
    pub live_outside_stacks: usize,
}

/// One resource of a report and its results by check.
struct Resource<'a> {
    arn: &'a str,
    kind: ResourceKind,
    name: &'a str,
    identity: Option<&'a Identity>,
    /// For a method, route or stage: its API's ARN, and what names it within the API.
    parent: Option<(&'a str, String)>,
    results: BTreeMap<&'a str, &'a CheckResult>,
}

impl Resource<'_> {
    fn side(&self) -> Side {
        Side {
            arn: self.arn.to_owned(),
            name: self.name.to_owned(),
            kind: self.kind,
            logical_id: self.identity.map(|i| i.logical_id.clone()),
        }
    }
    fn logical_id(&self) -> Option<&str> {
        self.identity.map(|i| i.logical_id.as_str())
    }
    fn stack(&self) -> Option<&str> {
        self.identity.and_then(|i| i.stack.as_deref())
    }
}

/// A function's URL and mappings are judged on the function's ARN.
fn normalise(kind: ResourceKind) -> ResourceKind {
    match kind {
        ResourceKind::FunctionUrl | ResourceKind::EventSourceMapping => {
            ResourceKind::LambdaFunction
        }
        other => other,
    }
}

/// An API's ARN and the name of a method (`GET /items`), route (`GET /items`, `$default`)
/// or stage (`prod`) within it, from the result's ARN and name (`API GET /items`,
/// `API/prod`).
fn parent_of<'a>(arn: &'a str, kind: ResourceKind, name: &str) -> Option<(&'a str, String)> {
    let marker = match kind {
        ResourceKind::RestApiMethod => "/resources/",
        ResourceKind::HttpApiRoute => "/routes/",
        ResourceKind::RestApiStage | ResourceKind::HttpApiStage => "/stages/",
        _ => return None,
    };
    let api = &arn[..arn.find(marker)?];
    let within = match kind {
        ResourceKind::RestApiStage | ResourceKind::HttpApiStage => {
            format!("stage {}", &arn[api.len() + marker.len()..])
        }
        _ => {
            let tokens: Vec<&str> = name.rsplitn(3, ' ').collect();
            match tokens.as_slice() {
                [last, verb, _] if last.starts_with('/') => format!("{verb} {last}"),
                [last, ..] => (*last).to_owned(),
                [] => return None,
            }
        }
    };
    Some((api, within))
}

fn resources<'a>(report: &'a SavedReport) -> Vec<Resource<'a>> {
    let mut by_arn: BTreeMap<&str, Resource<'a>> = BTreeMap::new();
    for r in &report.results {
        let arn: &str = &r.resource.arn;
        // A listing that could not be read, and the account itself, have no counterpart.
        if arn.contains('*') || r.resource.kind == ResourceKind::Account {
            continue;
        }
        let entry = by_arn.entry(arn).or_insert_with(|| {
            let kind = normalise(r.resource.kind);
            let name: &str = &r.resource.name;
            let parent = parent_of(arn, kind, name);
            Resource {
                arn,
                kind,
                name,
                // A method, route or stage is known by its API.
                identity: report.identities.get(arn).filter(|_| parent.is_none()),
                parent,
                results: BTreeMap::new(),
            }
        });
        entry.results.insert(&r.check_id, r);
    }
    by_arn.into_values().collect()
}

/// Whether `name` is one CloudFormation generates for `logical` in `stack`:
/// `STACK-LOGICAL-SUFFIX`, the stack and logical parts possibly truncated, lower case for
/// buckets.
fn generated(name: &str, stack: &str, logical: &str) -> bool {
    let name = name.to_lowercase();
    let Some(rest) = name.strip_prefix(&format!("{}-", stack.to_lowercase())) else {
        return false;
    };
    let Some((middle, suffix)) = rest.rsplit_once('-') else {
        return false;
    };
    let logical = logical.to_lowercase();
    suffix.len() >= 6
        && suffix.bytes().all(|b| b.is_ascii_alphanumeric())
        && !middle.is_empty()
        && logical.starts_with(middle)
        && (middle.len() == logical.len() || middle.len() >= 8)
}

/// Compares a template report with a live report (see the module documentation).
pub fn drift(template: &SavedReport, live: &SavedReport) -> Drift {
    let t = resources(template);
    let l = resources(live);

    // Each template stack is paired with the live stack sharing most logical ids.
    let template_stacks: BTreeSet<Option<&str>> = t
        .iter()
        .filter(|r| r.parent.is_none())
        .map(Resource::stack)
        .collect();
    let mut stacks: Vec<StackPair> = Vec::new();
    let mut pairing: HashMap<Option<&str>, Option<&str>> = HashMap::new();
    for ts in &template_stacks {
        let wanted: std::collections::HashSet<(ResourceKind, &str)> = t
            .iter()
            .filter(|r| r.stack() == *ts)
            .filter_map(|r| Some((r.kind, r.logical_id()?)))
            .collect();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &l {
            if let (Some(stack), Some(logical)) = (r.stack(), r.logical_id())
                && wanted.contains(&(r.kind, logical))
            {
                *counts.entry(stack).or_default() += 1;
            }
        }
        let best = counts
            .iter()
            .max_by_key(|(stack, n)| (**n, std::cmp::Reverse(**stack)))
            .map(|(s, _)| *s);
        pairing.insert(*ts, best);
        stacks.push(StackPair {
            template: ts.map(str::to_owned),
            live: best.map(str::to_owned),
        });
    }
    let live_stacks: BTreeSet<&str> = pairing.values().flatten().copied().collect();

    let mut pairs: Vec<(usize, usize, MatchedBy)> = Vec::new();
    let mut live_taken = vec![false; l.len()];
    let mut template_taken = vec![false; t.len()];
    let unique = |candidates: Vec<usize>| match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    // Top-level resources first, by logical id, then name, then generated name.
    for pass in [
        MatchedBy::LogicalId,
        MatchedBy::Name,
        MatchedBy::GeneratedName,
    ] {
        for (ti, tr) in t.iter().enumerate() {
            if template_taken[ti] || tr.parent.is_some() {
                continue;
            }
            let live_stack = pairing.get(&tr.stack()).copied().flatten();
            let candidates: Vec<usize> = l
                .iter()
                .enumerate()
                .filter(|(li, lr)| !live_taken[*li] && lr.parent.is_none() && lr.kind == tr.kind)
                .filter(|(_, lr)| match pass {
                    MatchedBy::LogicalId => {
                        tr.logical_id().is_some()
                            && lr.logical_id() == tr.logical_id()
                            && (live_stack.is_none() || lr.stack() == live_stack)
                    }
                    MatchedBy::Name => lr.name == tr.name,
                    MatchedBy::GeneratedName => match (live_stack, tr.logical_id()) {
                        (Some(stack), Some(logical)) => generated(lr.name, stack, logical),
                        _ => false,
                    },
                    MatchedBy::Api => false,
                })
                .map(|(li, _)| li)
                .collect();
            if let Some(li) = unique(candidates) {
                live_taken[li] = true;
                template_taken[ti] = true;
                pairs.push((ti, li, pass));
            }
        }
    }
    // Then what lives inside a matched API.
    let api_pairs: HashMap<&str, &str> = pairs
        .iter()
        .map(|(ti, li, _)| (t[*ti].arn, l[*li].arn))
        .collect();
    for (ti, tr) in t.iter().enumerate() {
        let Some((api, within)) = &tr.parent else {
            continue;
        };
        let Some(live_api) = api_pairs.get(api) else {
            continue;
        };
        let candidates: Vec<usize> = l
            .iter()
            .enumerate()
            .filter(|(li, lr)| {
                !live_taken[*li]
                    && lr.kind == tr.kind
                    && lr
                        .parent
                        .as_ref()
                        .is_some_and(|(a, w)| a == live_api && w == within)
            })
            .map(|(li, _)| li)
            .collect();
        if let Some(li) = unique(candidates) {
            live_taken[li] = true;
            template_taken[ti] = true;
            pairs.push((ti, li, MatchedBy::Api));
        }
    }

    let mut matched: BTreeMap<String, usize> = BTreeMap::new();
    let mut drift = Vec::new();
    let mut undecided = Vec::new();
    for (ti, li, by) in &pairs {
        let (tr, lr) = (&t[*ti], &l[*li]);
        *matched
            .entry(
                serde_json::to_value(by)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            )
            .or_default() += 1;
        for (check, tres) in &tr.results {
            let Some(lres) = lr.results.get(check) else {
                continue;
            };
            let direction = match (tres.status, lres.status) {
                (Status::Pass, Status::Fail) => Direction::FailsLive,
                (Status::Fail, Status::Pass) => Direction::FailsInTemplate,
                (Status::Unknown, Status::Pass | Status::Fail) => Direction::UnknownInTemplate,
                (Status::Pass | Status::Fail, Status::Unknown) => Direction::UnknownLive,
                _ => continue,
            };
            let entry = DriftEntry {
                check_id: (*check).to_owned(),
                severity: lres.severity.max(tres.severity),
                direction,
                template: tr.side(),
                template_status: tres.status,
                live: lr.side(),
                live_status: lres.status,
                matched_by: *by,
            };
            match direction {
                Direction::FailsLive | Direction::FailsInTemplate => drift.push(entry),
                _ => undecided.push(entry),
            }
        }
    }
    let order = |a: &DriftEntry, b: &DriftEntry| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.check_id.cmp(&b.check_id))
            .then_with(|| a.template.arn.cmp(&b.template.arn))
    };
    drift.sort_by(order);
    undecided.sort_by(order);

    let only_in_template: Vec<Side> = t
        .iter()
        .enumerate()
        .filter(|(ti, _)| !template_taken[*ti])
        .map(|(_, r)| r.side())
        .collect();
    let matched_live_apis: BTreeSet<&str> = api_pairs.values().copied().collect();
    let mut only_live = Vec::new();
    let mut live_outside_stacks = 0;
    for (li, lr) in l.iter().enumerate() {
        if live_taken[li] {
            continue;
        }
        let in_stack = match (lr.stack(), &lr.parent) {
            (_, Some((api, _))) => matched_live_apis.contains(api),
            (Some(stack), None) => live_stacks.contains(stack),
            // Untagged (IAM roles): by the name CloudFormation gave it.
            (None, None) => live_stacks.iter().any(|s| {
                lr.name
                    .to_lowercase()
                    .starts_with(&format!("{}-", s.to_lowercase()))
            }),
        };
        if in_stack {
            only_live.push(lr.side());
        } else {
            live_outside_stacks += 1;
        }
    }
    Drift {
        template_account: template.account.clone().unwrap_or_default(),
        live_account: live.account.clone().unwrap_or_default(),
        stacks,
        matched,
        drift,
        undecided,
        only_in_template,
        only_live,
        live_outside_stacks,
    }
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Unknown => "unknown",
        Status::Muted => "muted",
    }
}

fn kind(k: ResourceKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn label(side: &Side) -> String {
    match &side.logical_id {
        Some(l) if l != &side.name => format!(
            "{} {} ({})",
            kind(side.kind),
            sanitize(l),
            sanitize(&side.name)
        ),
        _ => format!("{} {}", kind(side.kind), sanitize(&side.name)),
    }
}

impl Drift {
    pub fn to_text(&self) -> String {
        let matched: usize = self.matched.values().sum();
        let how: Vec<String> = self
            .matched
            .iter()
            .map(|(by, n)| format!("{n} by {by}"))
            .collect();
        let mut out = format!(
            "Template ({}) against live ({}): {matched} resource(s) matched ({}), {} drift(s), {} undecided, {} only in the template, {} only live, {} live outside the stack(s)\n",
            sanitize(&self.template_account),
            sanitize(&self.live_account),
            if how.is_empty() {
                "none".to_owned()
            } else {
                how.join(", ")
            },
            self.drift.len(),
            self.undecided.len(),
            self.only_in_template.len(),
            self.only_live.len(),
            self.live_outside_stacks,
        );
        for s in &self.stacks {
            out.push_str(&format!(
                "  stack {} = live {}\n",
                sanitize(s.template.as_deref().unwrap_or("(none)")),
                sanitize(
                    s.live
                        .as_deref()
                        .unwrap_or("(no stack shares its logical ids)")
                )
            ));
        }
        for d in &self.drift {
            let what = match d.direction {
                Direction::FailsLive => "fails live, passes in the template",
                _ => "fails in the template, passes live",
            };
            out.push_str(&format!(
                "  ! {} {} {what}: {}\n      live {}\n",
                d.severity.as_str(),
                display(&d.check_id, 100),
                label(&d.template),
                sanitize(&d.live.arn)
            ));
        }
        for d in &self.undecided {
            out.push_str(&format!(
                "  ? {} {}: template {}, live {}: {}\n",
                d.severity.as_str(),
                display(&d.check_id, 100),
                status(d.template_status),
                status(d.live_status),
                label(&d.template)
            ));
        }
        for s in &self.only_in_template {
            out.push_str(&format!("  - only in the template: {}\n", label(s)));
        }
        for s in &self.only_live {
            out.push_str(&format!(
                "  + only live: {} {}\n",
                label(s),
                sanitize(&s.arn)
            ));
        }
        out
    }

    pub fn to_json(&self) -> Result<String, crate::RenderError> {
        serde_json::to_string_pretty(self)
            .map(|text| text + "\n")
            .map_err(crate::RenderError::json("drift"))
    }
}

#[cfg(test)]
mod tests {
    use super::{generated, parent_of};
    use faascan_checks::check::ResourceKind;

    #[test]
    fn generated_names() {
        assert!(generated(
            "orders-prod-HandlerFunction-AbC123xYz9",
            "orders-prod",
            "HandlerFunction"
        ));
        // Buckets are lower case; long logical ids are cut.
        assert!(generated(
            "orders-prod-databucket-1x2y3z4w5v6u",
            "orders-prod",
            "DataBucket"
        ));
        assert!(generated(
            "orders-prod-HandlerFunctionServi-1A2B3C4D5E6F",
            "orders-prod",
            "HandlerFunctionServiceRole"
        ));
        assert!(!generated(
            "orders-prod-Handler-AbC123xYz9",
            "orders-prod",
            "HandlerFunction"
        ));
        assert!(!generated(
            "other-HandlerFunction-AbC123xYz9",
            "orders-prod",
            "HandlerFunction"
        ));
    }

    #[test]
    fn methods_routes_and_stages_name_themselves_within_their_api() {
        let arn = "arn:aws:apigateway:us-east-1::/restapis/abc/resources/r1/methods/GET";
        assert_eq!(
            parent_of(arn, ResourceKind::RestApiMethod, "my api GET /items/{id}"),
            Some((
                "arn:aws:apigateway:us-east-1::/restapis/abc",
                "GET /items/{id}".to_owned()
            ))
        );
        let route = "arn:aws:apigateway:us-east-1::/apis/h1/routes/x";
        assert_eq!(
            parent_of(route, ResourceKind::HttpApiRoute, "http $default").map(|p| p.1),
            Some("$default".to_owned())
        );
        let stage = "arn:aws:apigateway:us-east-1::/restapis/abc/stages/Prod";
        assert_eq!(
            parent_of(stage, ResourceKind::RestApiStage, "api/Prod").map(|p| p.1),
            Some("stage Prod".to_owned())
        );
    }
}

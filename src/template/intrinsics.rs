//! CloudFormation intrinsic functions, evaluated where their inputs are known: parameters
//! (defaults or `--parameter`), pseudo-parameters, mappings, conditions and the synthesised
//! names and ARNs of the template's own resources. Whatever depends on something unknown
//! (`Fn::ImportValue`, a parameter without a value, an SSM-typed parameter) becomes
//! `Kind::Unresolved` with the reason, never a guess.

use super::cfn::Template;
use super::yaml::{Kind, MAX_DEPTH, Node, Pos, Unresolved};

/// The longest string resolution makes (`Fn::Sub` of `${a}${a}` nested doubles at each level):
/// past it the value is unknown.
const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// Why resolution gave up on a template that asks for too much work.
const TOO_MUCH_WORK: &str = "the template asks for too much work to resolve (intrinsics that refer to each other many times over)";

/// A value computed from known and unknown pieces of a string.
struct Text {
    known: String,
    /// Set when some piece was unknown: the first reason.
    reason: Option<String>,
}

impl Text {
    fn new() -> Self {
        Text {
            known: String::new(),
            reason: None,
        }
    }
    /// Appends `text`, unless the value would grow past [`MAX_TEXT_BYTES`]: it is then unknown.
    fn push_str(&mut self, text: &str) {
        if self.known.len().saturating_add(text.len()) > MAX_TEXT_BYTES {
            if self.reason.is_none() {
                self.reason = Some(format!(
                    "a value longer than {} MiB",
                    MAX_TEXT_BYTES / (1024 * 1024)
                ));
            }
            return;
        }
        self.known.push_str(text);
    }
    fn push_node(&mut self, node: &Node, name: &str) {
        match &node.kind {
            Kind::Str(s) => self.push_str(s),
            Kind::Bool(b) => self.known.push_str(&b.to_string()),
            Kind::Null => {}
            Kind::Unresolved(u) => {
                match &u.partial {
                    Some(p) => self.push_str(p),
                    None => {
                        self.known.push_str("<unresolved:");
                        self.known.push_str(name);
                        self.known.push('>');
                    }
                }
                if self.reason.is_none() {
                    self.reason = Some(u.reason.clone());
                }
            }
            Kind::Seq(_) | Kind::Map(_) => {
                self.known.push_str("<unresolved:");
                self.known.push_str(name);
                self.known.push('>');
                if self.reason.is_none() {
                    self.reason = Some(format!("{name} is a list or map where a string is needed"));
                }
            }
        }
    }
    fn finish(self, pos: Pos) -> Node {
        match self.reason {
            None => Node::str(pos, self.known),
            Some(reason) => Node::new(
                pos,
                Kind::Unresolved(Box::new(Unresolved {
                    reason,
                    partial: Some(self.known),
                })),
            ),
        }
    }
}

/// The single key of a one-entry map that names an intrinsic function.
fn intrinsic(node: &Node) -> Option<(&str, &Node)> {
    match &node.kind {
        Kind::Map(entries) if entries.len() == 1 => {
            let (key, value) = &entries[0];
            (key == "Ref" || key.starts_with("Fn::") || key == "Condition")
                .then_some((key.as_str(), value))
        }
        _ => None,
    }
}

fn is_no_value(node: &Node) -> bool {
    matches!(intrinsic(node), Some(("Ref", v)) if v.as_str() == Some("AWS::NoValue"))
}

impl Template {
    /// Resolves every intrinsic inside `node`.
    pub(crate) fn resolve(&self, node: &Node) -> Node {
        self.resolve_at(node, 0)
    }

    pub(crate) fn resolve_at(&self, node: &Node, depth: usize) -> Node {
        if depth > MAX_DEPTH {
            return Node::unresolved(node.pos, "nested too deeply to resolve");
        }
        if !self.take_step() {
            return Node::unresolved(node.pos, TOO_MUCH_WORK);
        }
        if let Some((name, arg)) = intrinsic(node) {
            // `Condition` as a plain property name (a resource's `Condition: X`) is not an
            // intrinsic unless used as a value; callers never pass a resource node here.
            return self.call(name, arg, node.pos, depth + 1);
        }
        match &node.kind {
            Kind::Seq(items) => Node::new(
                node.pos,
                Kind::Seq(
                    items
                        .iter()
                        .filter(|n| !is_no_value(n))
                        .map(|n| self.resolve_at(n, depth + 1))
                        .filter(|n| !self.is_dropped(n))
                        .collect(),
                ),
            ),
            Kind::Map(entries) => Node::new(
                node.pos,
                Kind::Map(
                    entries
                        .iter()
                        .filter(|(_, v)| !is_no_value(v))
                        .map(|(k, v)| (k.clone(), self.resolve_at(v, depth + 1)))
                        .filter(|(_, v)| !self.is_dropped(v))
                        .collect(),
                ),
            ),
            Kind::Str(text) if !self.charge_text(text.len()) => {
                Node::unresolved(node.pos, TOO_MUCH_WORK)
            }
            _ => node.clone(),
        }
    }

    /// Spends one resolution step; `false` once the template's budget is spent.
    fn take_step(&self) -> bool {
        self.charge(1)
    }

    /// Spends `steps`; `false` once the template's budget is spent.
    fn charge(&self, steps: u64) -> bool {
        let left = self.steps_left.get();
        self.steps_left.set(left.saturating_sub(steps));
        left >= steps
    }

    /// Charges copying `bytes` of text: a step per 64 bytes, so work on long strings counts.
    fn charge_text(&self, bytes: usize) -> bool {
        self.charge(u64::try_from(bytes / 64).unwrap_or(u64::MAX))
    }

    /// `Fn::If` that chose `AWS::NoValue` leaves this marker behind.
    fn is_dropped(&self, node: &Node) -> bool {
        matches!(&node.kind, Kind::Unresolved(u) if u.reason == NO_VALUE)
    }

    fn call(&self, name: &str, arg: &Node, pos: Pos, depth: usize) -> Node {
        match name {
            "Ref" => match arg.as_str() {
                Some(target) => self.reference(target, pos),
                None => {
                    let resolved = self.resolve_at(arg, depth);
                    match resolved.as_str() {
                        Some(target) => self.reference(target, pos),
                        None => Node::unresolved(pos, "Ref to a computed name"),
                    }
                }
            },
            "Fn::GetAtt" => {
                let (logical, attribute) = match &arg.kind {
                    Kind::Str(s) => match s.split_once('.') {
                        Some((l, a)) => (l.to_owned(), Node::str(pos, a)),
                        None => {
                            return Node::unresolved(
                                pos,
                                format!("Fn::GetAtt {s} names no attribute"),
                            );
                        }
                    },
                    Kind::Seq(items) if items.len() == 2 => match items[0].as_str() {
                        Some(l) => (l.to_owned(), self.resolve_at(&items[1], depth)),
                        None => return Node::unresolved(pos, "Fn::GetAtt of a computed resource"),
                    },
                    _ => return Node::unresolved(pos, "malformed Fn::GetAtt"),
                };
                match attribute.as_str() {
                    Some(attribute) => self.get_att(&logical, attribute, pos),
                    None => Node::unresolved(
                        pos,
                        format!("Fn::GetAtt {logical} of a computed attribute"),
                    ),
                }
            }
            "Fn::Sub" => self.sub(arg, pos, depth),
            "Fn::Join" => {
                let Some([delimiter, list]) =
                    arg.as_seq().and_then(|s| <&[Node; 2]>::try_from(s).ok())
                else {
                    return Node::unresolved(pos, "malformed Fn::Join");
                };
                let delimiter = self.resolve_at(delimiter, depth);
                let list = self.resolve_at(list, depth);
                let (Some(delimiter), Some(items)) = (delimiter.as_str(), list.as_seq()) else {
                    return match list.unresolved_reason() {
                        Some(u) => Node::new(
                            pos,
                            Kind::Unresolved(Box::new(Unresolved {
                                reason: u.reason.clone(),
                                partial: None,
                            })),
                        ),
                        None => Node::unresolved(pos, "malformed Fn::Join"),
                    };
                };
                let mut text = Text::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        text.push_str(delimiter);
                    }
                    text.push_node(item, "Fn::Join");
                }
                if !self.charge_text(text.known.len()) {
                    return Node::unresolved(pos, TOO_MUCH_WORK);
                }
                text.finish(pos)
            }
            "Fn::Select" => {
                let Some([index, list]) = arg.as_seq().and_then(|s| <&[Node; 2]>::try_from(s).ok())
                else {
                    return Node::unresolved(pos, "malformed Fn::Select");
                };
                let index = self.resolve_at(index, depth);
                let list = self.resolve_at(list, depth);
                match (index.as_i64(), list.as_seq()) {
                    (Some(i), Some(items)) => usize::try_from(i)
                        .ok()
                        .and_then(|i| items.get(i))
                        .cloned()
                        .unwrap_or_else(|| Node::unresolved(pos, "Fn::Select index out of range")),
                    _ => match list.unresolved_reason().or(index.unresolved_reason()) {
                        Some(u) => Node::unresolved(pos, u.reason.clone()),
                        None => Node::unresolved(pos, "malformed Fn::Select"),
                    },
                }
            }
            "Fn::Split" => {
                let Some([delimiter, source]) =
                    arg.as_seq().and_then(|s| <&[Node; 2]>::try_from(s).ok())
                else {
                    return Node::unresolved(pos, "malformed Fn::Split");
                };
                let delimiter = self.resolve_at(delimiter, depth);
                let source = self.resolve_at(source, depth);
                match (delimiter.as_str(), source.as_str()) {
                    (Some(d), Some(s)) if !d.is_empty() => Node::new(
                        pos,
                        Kind::Seq(s.split(d).map(|part| Node::str(pos, part)).collect()),
                    ),
                    _ => match source.unresolved_reason() {
                        Some(u) => Node::unresolved(pos, u.reason.clone()),
                        None => Node::unresolved(pos, "malformed Fn::Split"),
                    },
                }
            }
            "Fn::FindInMap" => self.find_in_map(arg, pos, depth),
            "Fn::If" => {
                let Some([condition, yes, no]) =
                    arg.as_seq().and_then(|s| <&[Node; 3]>::try_from(s).ok())
                else {
                    return Node::unresolved(pos, "malformed Fn::If");
                };
                let Some(condition) = condition.as_str() else {
                    return Node::unresolved(pos, "malformed Fn::If");
                };
                match self.condition(condition, depth) {
                    Some(true) => self.resolve_or_drop(yes, depth),
                    Some(false) => self.resolve_or_drop(no, depth),
                    None => Node::unresolved(
                        pos,
                        format!("the condition {condition} could not be evaluated"),
                    ),
                }
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition" => {
                let wrapped = Node::new(pos, Kind::Map(vec![(name.to_owned(), arg.clone())]));
                match self.evaluate(&wrapped, depth) {
                    Some(b) => Node::new(pos, Kind::Bool(b)),
                    None => Node::unresolved(pos, format!("{name} could not be evaluated")),
                }
            }
            "Fn::GetAZs" => {
                let region = self.resolve_at(arg, depth);
                let region = match region.as_str() {
                    Some("") | None => self.region.clone(),
                    Some(r) => r.to_owned(),
                };
                Node::new(
                    pos,
                    Kind::Seq(
                        ["a", "b", "c"]
                            .iter()
                            .map(|z| Node::str(pos, format!("{region}{z}")))
                            .collect(),
                    ),
                )
            }
            "Fn::Base64" => self.resolve_at(arg, depth),
            "Fn::Length" => {
                let list = self.resolve_at(arg, depth);
                match list.as_seq() {
                    Some(items) => Node::str(pos, items.len().to_string()),
                    None => Node::unresolved(pos, "Fn::Length of a value that is not a list"),
                }
            }
            "Fn::ToJsonString" => {
                let value = self.resolve_at(arg, depth);
                match value.first_unresolved() {
                    Some((u, _)) => Node::unresolved(pos, u.reason.clone()),
                    None => Node::str(pos, value.to_json().to_string()),
                }
            }
            "Fn::ImportValue" => {
                let what = self.resolve_at(arg, depth);
                let name = what
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| what.unresolved_reason().and_then(|u| u.partial.clone()))
                    .unwrap_or_else(|| "a computed name".to_owned());
                Node::unresolved(
                    pos,
                    format!("Fn::ImportValue {name} is another stack's output"),
                )
            }
            other => Node::unresolved(pos, format!("{other} is not evaluated by faascan")),
        }
    }

    fn resolve_or_drop(&self, node: &Node, depth: usize) -> Node {
        if is_no_value(node) {
            Node::new(
                node.pos,
                Kind::Unresolved(Box::new(Unresolved {
                    reason: NO_VALUE.to_owned(),
                    partial: None,
                })),
            )
        } else {
            self.resolve_at(node, depth)
        }
    }

    fn sub(&self, arg: &Node, pos: Pos, depth: usize) -> Node {
        let (format, variables) = match &arg.kind {
            Kind::Str(s) => (s.as_str(), None),
            Kind::Seq(items) if items.len() == 2 => match items[0].as_str() {
                Some(s) => (s, Some(&items[1])),
                None => return Node::unresolved(pos, "malformed Fn::Sub"),
            },
            // A string that is itself unresolved (a Serverless variable inside `!Sub`).
            Kind::Unresolved(_) => return Node { pos, ..arg.clone() },
            _ => return Node::unresolved(pos, "malformed Fn::Sub"),
        };
        let mut text = Text::new();
        let mut resolved: std::collections::HashMap<&str, Node> = std::collections::HashMap::new();
        // The variables by name, found once each (a map of many is not scanned per `${x}`).
        let given: std::collections::HashMap<&str, &Node> = variables
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        let mut rest = format;
        while let Some(start) = rest.find("${") {
            text.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                text.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                text.push_str("${");
                text.push_str(literal);
                text.push_str("}");
            } else {
                let value = match given.get(name).copied() {
                    // Once per variable: `${a}${a}` nested would double the work per level.
                    Some(v) => resolved
                        .entry(name)
                        .or_insert_with(|| self.resolve_at(v, depth))
                        .clone(),
                    None => match name.split_once('.') {
                        Some((logical, attribute)) if self.has_resource(logical) => {
                            self.get_att(logical, attribute, pos)
                        }
                        _ => self.reference(name, pos),
                    },
                };
                text.push_node(&value, name);
            }
            rest = &after[end + 1..];
        }
        text.push_str(rest);
        if !self.charge_text(text.known.len()) {
            return Node::unresolved(pos, TOO_MUCH_WORK);
        }
        text.finish(pos)
    }

    fn find_in_map(&self, arg: &Node, pos: Pos, depth: usize) -> Node {
        let Some(items) = arg.as_seq().filter(|s| s.len() >= 3) else {
            return Node::unresolved(pos, "malformed Fn::FindInMap");
        };
        let keys: Vec<Node> = items[..3]
            .iter()
            .map(|n| self.resolve_at(n, depth))
            .collect();
        let default = items
            .get(3)
            .and_then(|d| d.get("DefaultValue"))
            .map(|d| self.resolve_at(d, depth));
        let names: Option<Vec<&str>> = keys.iter().map(Node::as_str).collect();
        let Some(names) = names else {
            return default.unwrap_or_else(|| {
                let reason = keys
                    .iter()
                    .find_map(|k| k.unresolved_reason().map(|u| u.reason.clone()))
                    .unwrap_or_else(|| "a computed key".to_owned());
                Node::unresolved(pos, format!("Fn::FindInMap: {reason}"))
            });
        };
        let key = [
            names[0].to_owned(),
            names[1].to_owned(),
            names[2].to_owned(),
        ];
        if let Some(found) = self.found_in_map.borrow().get(&key) {
            return found.clone();
        }
        match self
            .mappings
            .as_ref()
            .and_then(|m| m.get(names[0]))
            .and_then(|m| m.get(names[1]))
            .and_then(|m| m.get(names[2]))
        {
            Some(value) => {
                let found = self.resolve_at(value, depth);
                self.found_in_map.borrow_mut().insert(key, found.clone());
                found
            }
            None => default.unwrap_or_else(|| {
                Node::unresolved(
                    pos,
                    format!(
                        "Fn::FindInMap: no {}.{}.{} in Mappings",
                        names[0], names[1], names[2]
                    ),
                )
            }),
        }
    }

    /// A condition by name: `None` when it depends on something unknown.
    pub(crate) fn condition(&self, name: &str, depth: usize) -> Option<bool> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(decided) = self.decided.borrow().get(name) {
            return *decided;
        }
        let node = self.conditions.get(name)?;
        let value = self.evaluate(node, depth + 1);
        self.decided.borrow_mut().insert(name.to_owned(), value);
        value
    }

    fn evaluate(&self, node: &Node, depth: usize) -> Option<bool> {
        if depth > MAX_DEPTH || !self.take_step() {
            return None;
        }
        match intrinsic(node) {
            Some(("Condition", name)) => self.condition(name.as_str()?, depth + 1),
            Some(("Fn::Equals", arg)) => {
                let items = arg.as_seq().filter(|s| s.len() == 2)?;
                let a = self.resolve_at(&items[0], depth + 1);
                let b = self.resolve_at(&items[1], depth + 1);
                if a.first_unresolved().is_some() || b.first_unresolved().is_some() {
                    return None;
                }
                Some(
                    a.to_json() == b.to_json()
                        || (a.as_str().is_some() && a.as_str() == b.as_str()),
                )
            }
            Some(("Fn::Not", arg)) => {
                let items = arg.items();
                let first = items.first()?;
                self.evaluate(first, depth + 1).map(|b| !b)
            }
            Some(("Fn::And", arg)) => {
                let mut unknown = false;
                for item in arg.items() {
                    match self.evaluate(item, depth + 1) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                (!unknown).then_some(true)
            }
            Some(("Fn::Or", arg)) => {
                let mut unknown = false;
                for item in arg.items() {
                    match self.evaluate(item, depth + 1) {
                        Some(true) => return Some(true),
                        None => unknown = true,
                        Some(false) => {}
                    }
                }
                (!unknown).then_some(false)
            }
            _ => self.resolve_at(node, depth + 1).as_bool(),
        }
    }

    /// `Ref` to a parameter, a pseudo-parameter or a resource.
    pub(crate) fn reference(&self, name: &str, pos: Pos) -> Node {
        if let Some(value) = self.parameter_value(name) {
            return Node { pos, ..value };
        }
        match name {
            "AWS::AccountId" => Node::str(pos, &self.account),
            "AWS::Region" => Node::str(pos, &self.region),
            "AWS::Partition" => Node::str(pos, &self.partition),
            "AWS::StackName" => Node::str(pos, &self.stack),
            "AWS::StackId" => Node::str(
                pos,
                format!(
                    "arn:{}:cloudformation:{}:{}:stack/{}/00000000-0000-0000-0000-000000000000",
                    self.partition, self.region, self.account, self.stack
                ),
            ),
            "AWS::URLSuffix" => Node::str(pos, "amazonaws.com"),
            "AWS::NotificationARNs" => Node::new(pos, Kind::Seq(Vec::new())),
            "AWS::NoValue" => Node::new(pos, Kind::Null),
            _ => match self.physical(name) {
                Some(physical) => Node::str(pos, physical.reference),
                None => Node::unresolved(
                    pos,
                    format!(
                        "Ref to {name}, which is neither a parameter nor a resource of this template"
                    ),
                ),
            },
        }
    }

    pub(crate) fn get_att(&self, logical: &str, attribute: &str, pos: Pos) -> Node {
        match self.physical(logical) {
            Some(physical) => match physical.attribute(attribute) {
                Some(value) => Node::str(pos, value),
                None => Node::unresolved(
                    pos,
                    format!(
                        "the attribute {attribute} of {logical} is only known after deployment"
                    ),
                ),
            },
            None => Node::unresolved(
                pos,
                format!("Fn::GetAtt {logical}.{attribute}: no resource {logical} in this template"),
            ),
        }
    }
}

/// The reason on the marker `Fn::If` leaves for `AWS::NoValue`; the caller drops it.
const NO_VALUE: &str = "AWS::NoValue";

#[cfg(test)]
mod tests {
    use super::super::cfn::Template;
    use super::super::yaml::{Kind, parse};
    use std::collections::BTreeMap;

    fn template(text: &str, parameters: &[(&str, &str)]) -> Template {
        let root = parse(text).unwrap_or_else(|e| panic!("{e}"));
        let given: BTreeMap<String, String> = parameters
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Template::from_root("t.yaml", "stack", &root, &given, None, "123456789012")
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn value(t: &Template, logical: &str, property: &str) -> String {
        let resource = t
            .resource(logical)
            .unwrap_or_else(|| panic!("no {logical}"));
        let node = t.resolve(
            resource
                .props
                .get(property)
                .unwrap_or_else(|| panic!("no {property}")),
        );
        match &node.kind {
            Kind::Str(s) => s.clone(),
            Kind::Unresolved(u) => format!(
                "UNRESOLVED({}) {}",
                u.reason,
                u.partial.clone().unwrap_or_default()
            ),
            other => format!("{other:?}"),
        }
    }

    const TEXT: &str = r#"
Parameters:
  Env: {Type: String, Default: prod}
  Secret: {Type: String}
  Latest: {Type: "AWS::SSM::Parameter::Value<String>", Default: /x/y}
  Names: {Type: CommaDelimitedList, Default: "a,b,c"}
Mappings:
  Sizes:
    prod: {Memory: 1024}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Unknown: !Equals [!Ref Secret, x]
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Sub "${AWS::StackName}-fn-${Env}"
      Role: !GetAtt Role.Arn
      A: !Join [":", [a, !Ref Env, !Select [1, !Ref Names]]]
      B: !FindInMap [Sizes, !Ref Env, Memory]
      C: !If [IsProd, yes-prod, not-prod]
      D: !If [NotProd, x, y]
      E: !Ref Secret
      F: !Sub "arn:${AWS::Partition}:s3:::${Secret}/*"
      G: !ImportValue shared-bucket
      H: !If [Unknown, a, b]
      I: !Ref Latest
      J: !Sub ["${x}-${Fn.Arn}", {x: !Ref "AWS::Region"}]
      K: !Select [2, !Split [",", "p,q,r"]]
      L: !Sub "${!Literal}"
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: runner
"#;

    #[test]
    fn intrinsics_resolve_where_known() {
        let t = template(TEXT, &[]);
        assert_eq!(value(&t, "Fn", "FunctionName"), "stack-fn-prod");
        assert_eq!(
            value(&t, "Fn", "Role"),
            "arn:aws:iam::123456789012:role/runner"
        );
        assert_eq!(value(&t, "Fn", "A"), "a:prod:b");
        assert_eq!(value(&t, "Fn", "B"), "1024");
        assert_eq!(value(&t, "Fn", "C"), "yes-prod");
        assert_eq!(value(&t, "Fn", "D"), "y");
        assert_eq!(
            value(&t, "Fn", "J"),
            "us-east-1-arn:aws:lambda:us-east-1:123456789012:function:stack-fn-prod"
        );
        assert_eq!(value(&t, "Fn", "K"), "r");
        assert_eq!(value(&t, "Fn", "L"), "${Literal}");
    }

    #[test]
    fn unknowns_stay_unknown_with_a_reason() {
        let t = template(TEXT, &[]);
        assert!(
            value(&t, "Fn", "E").starts_with("UNRESOLVED(the parameter Secret"),
            "{}",
            value(&t, "Fn", "E")
        );
        let f = value(&t, "Fn", "F");
        assert!(
            f.starts_with("UNRESOLVED") && f.ends_with("arn:aws:s3:::<unresolved:Secret>/*"),
            "{f}"
        );
        assert!(value(&t, "Fn", "G").contains("another stack's output"));
        assert!(value(&t, "Fn", "H").contains("condition Unknown"));
        assert!(
            value(&t, "Fn", "I").contains("SSM"),
            "{}",
            value(&t, "Fn", "I")
        );
    }

    #[test]
    fn parameters_override_defaults_and_pseudo_parameters() {
        let t = template(
            TEXT,
            &[
                ("Env", "dev"),
                ("Secret", "s3cr3t"),
                ("AWS::Region", "eu-west-1"),
            ],
        );
        assert_eq!(value(&t, "Fn", "C"), "not-prod");
        assert_eq!(value(&t, "Fn", "E"), "s3cr3t");
        assert_eq!(
            value(&t, "Fn", "J"),
            "eu-west-1-arn:aws:lambda:eu-west-1:123456789012:function:stack-fn-dev"
        );
        assert!(
            value(&t, "Fn", "B").starts_with("UNRESOLVED"),
            "no dev mapping"
        );
    }

    /// A template where each of `levels` values uses the next one twice.
    fn doubling(
        levels: usize,
        make: impl Fn(usize) -> String,
        last: &str,
        resources: &str,
    ) -> String {
        let mut text = String::new();
        for i in 0..levels {
            text.push_str(&make(i));
        }
        text.push_str(last);
        text.push_str(resources);
        text
    }

    #[test]
    fn conditions_used_twice_per_level_are_decided_once() {
        // C0 = And[C1, C1], ..., C40 = Equals[a, a]: 2^40 evaluations without memory.
        let text = doubling(
            40,
            |i| {
                format!(
                    "  C{i}: !And [!Condition C{n}, !Condition C{n}]\n",
                    n = i + 1
                )
            },
            "  C40: !Equals [a, a]\n",
            "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !If [C0, yes, no]\n",
        );
        let t = template(&format!("Conditions:\n{text}"), &[]);
        assert_eq!(value(&t, "Q", "QueueName"), "yes");
    }

    #[test]
    fn doubling_values_stop_at_a_bound_and_are_unknown() {
        // A queue named by `Fn::Sub` of `${a}${a}`, nested `levels` deep: 2^levels characters.
        let doubled = |levels: usize| {
            let mut sub = "x".to_owned();
            for _ in 0..levels {
                sub = format!("{{\"Fn::Sub\": [\"${{a}}${{a}}\", {{\"a\": {sub}}}]}}");
            }
            template(
                &format!(
                    "{{\"Resources\": {{\"Q\": {{\"Type\": \"AWS::SQS::Queue\", \"Properties\": {{\"QueueName\": {sub}}}}}}}}}"
                ),
                &[],
            )
        };
        let name = value(&doubled(40), "Q", "QueueName");
        assert!(
            name.starts_with("UNRESOLVED(a value longer than 1 MiB)"),
            "{:.80}",
            name
        );
        // Ten levels are well within it, and exact.
        let t = doubled(10);
        assert_eq!(value(&t, "Q", "QueueName"), "x".repeat(1024));
        // Mapping values that use the next one twice: the work is bounded, the value unknown.
        let mut mappings = String::from("Mappings:\n  M:\n");
        for i in 0..40 {
            mappings.push_str(&format!(
                "    K{i}:\n      v: !Join ['', [!FindInMap [M, K{n}, v], !FindInMap [M, K{n}, v]]]\n",
                n = i + 1
            ));
        }
        mappings.push_str("    K40:\n      v: x\n");
        let t = template(
            &format!(
                "{mappings}Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !FindInMap [M, K0, v]\n"
            ),
            &[],
        );
        assert!(value(&t, "Q", "QueueName").starts_with("UNRESOLVED("));
    }

    #[test]
    fn a_long_chain_of_names_falls_back_to_default_names_without_overflowing_the_stack() {
        // Q0's name is Q1's, ..., a chain of 2,000: each link is several stack frames.
        let mut text = String::from("Resources:\n");
        for i in 0..2000 {
            text.push_str(&format!(
                "  Q{i}:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Ref Q{}\n",
                i + 1
            ));
        }
        text.push_str(
            "  Q2000:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: end\n",
        );
        let t = template(&text, &[]);
        // Run on a small stack, as template threads have.
        let name = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || value(&t, "Q0", "QueueName"))
            .unwrap_or_else(|e| panic!("{e}"))
            .join()
            .unwrap_or_else(|_| panic!("overflowed"));
        // A queue's Ref is its URL: 32 links, then the default name where the chain is cut.
        assert_eq!(name.matches("https://sqs.").count(), 33, "{name}");
        assert!(name.ends_with("/stack-Q33"), "{name}");
        let t = template(&text, &[]);
        assert_eq!(
            value(&t, "Q1999", "QueueName"),
            "https://sqs.us-east-1.amazonaws.com/123456789012/end"
        );
    }

    #[test]
    fn nested_loops_stop_at_a_bound_with_a_note() {
        // Five loops of 20 items nested: 3.2 million queues asked for in under 1 KB.
        let items: Vec<String> = (0..20).map(|i| format!("\"i{i}\"")).collect();
        let items = items.join(",");
        let mut fragment =
            "{\"Q&{X0}&{X1}&{X2}&{X3}&{X4}\": {\"Type\": \"AWS::SQS::Queue\"}}".to_owned();
        for level in (0..5).rev() {
            fragment =
                format!("{{\"Fn::ForEach::L{level}\": [\"X{level}\", [{items}], {fragment}]}}");
        }
        let t = template(
            &format!("{{\"Transform\": \"AWS::LanguageExtensions\", \"Resources\": {fragment}}}"),
            &[],
        );
        assert_eq!(t.resources.len(), 10_000);
        let capped: Vec<_> = t
            .notes
            .iter()
            .filter(|(_, _, why)| why.contains("more than 10000 resources"))
            .collect();
        assert_eq!(capped.len(), 1, "said once: {:?}", t.notes);
    }
}

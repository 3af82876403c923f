//! YAML and JSON (a subset of YAML 1.2) into a small tree that keeps each node's line and
//! column and turns CloudFormation's short-form tags (`!Ref x`, `!GetAtt a.b`, `!Sub ...`)
//! into their long form (`{"Ref": x}`), so the resolver sees one shape. Bounded: depth, node
//! count (alias expansion included) and input size have limits that give an error, not a crash.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

/// Nesting deeper than this is refused (real templates stay under 30).
pub(crate) const MAX_DEPTH: usize = 128;
/// Nodes per document, aliases expanded (a "billion laughs" file stops here).
pub(crate) const MAX_NODES: usize = 2_000_000;
/// Bytes of text that aliases may copy per document: one alias of a long string repeated many
/// times stays within a few nodes but not within memory. As much as a template file may hold.
pub(crate) const MAX_ALIASED_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    /// 1-based.
    pub(crate) line: u32,
    /// 1-based.
    pub(crate) column: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) pos: Pos,
    pub(crate) kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    /// Every other scalar (numbers too: CloudFormation coerces them to strings).
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
    /// A value the resolver could not compute; never produced by the parser.
    Unresolved(Box<Unresolved>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unresolved {
    /// Why, for a person: "the parameter DbPassword has no default and no --parameter".
    pub(crate) reason: String,
    /// The string with the unresolved parts replaced by `<unresolved:NAME>`, when the value
    /// was a string built from known and unknown parts (`arn:aws:s3:::${Bucket}/*`).
    pub(crate) partial: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("line {line}, column {column}: {message}")]
pub(crate) struct SyntaxError {
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) message: String,
}

impl Node {
    pub(crate) fn new(pos: Pos, kind: Kind) -> Node {
        Node { pos, kind }
    }
    pub(crate) fn str(pos: Pos, s: impl Into<String>) -> Node {
        Node::new(pos, Kind::Str(s.into()))
    }
    pub(crate) fn unresolved(pos: Pos, reason: impl Into<String>) -> Node {
        Node::new(
            pos,
            Kind::Unresolved(Box::new(Unresolved {
                reason: reason.into(),
                partial: None,
            })),
        )
    }
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    /// `a.b.c` through nested maps.
    pub(crate) fn path(&self, path: &str) -> Option<&Node> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            Kind::Bool(true) => Some("true"),
            Kind::Bool(false) => Some("false"),
            _ => None,
        }
    }
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            Kind::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Kind::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }
    pub(crate) fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            Kind::Str(s) => s
                .trim()
                .parse::<i64>()
                .ok()
                .or_else(|| s.trim().parse::<f64>().ok().map(|f| f as i64)),
            _ => None,
        }
    }
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match &self.kind {
            Kind::Str(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
    }
    pub(crate) fn as_map(&self) -> Option<&[(String, Node)]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }
    pub(crate) fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }
    /// A list, or a single value as a list of one (many template properties accept both).
    pub(crate) fn items(&self) -> Vec<&Node> {
        match &self.kind {
            Kind::Seq(items) => items.iter().collect(),
            Kind::Null => Vec::new(),
            _ => vec![self],
        }
    }
    pub(crate) fn unresolved_reason(&self) -> Option<&Unresolved> {
        match &self.kind {
            Kind::Unresolved(u) => Some(u),
            _ => None,
        }
    }
    /// The first unresolved value anywhere inside.
    pub(crate) fn first_unresolved(&self) -> Option<(&Unresolved, Pos)> {
        self.first_unresolved_at(0)
    }
    fn first_unresolved_at(&self, depth: usize) -> Option<(&Unresolved, Pos)> {
        if depth > MAX_DEPTH {
            return None;
        }
        match &self.kind {
            Kind::Unresolved(u) => Some((u, self.pos)),
            Kind::Seq(items) => items.iter().find_map(|n| n.first_unresolved_at(depth + 1)),
            Kind::Map(entries) => entries
                .iter()
                .find_map(|(_, n)| n.first_unresolved_at(depth + 1)),
            _ => None,
        }
    }
    /// JSON for a fully resolved value; unresolved parts become their partial string (or a
    /// `<unresolved>` marker) so that the caller decides, by `first_unresolved`, what to trust.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        self.to_json_at(0)
    }
    fn to_json_at(&self, depth: usize) -> serde_json::Value {
        use serde_json::Value;
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Seq(items) => {
                Value::Array(items.iter().map(|n| n.to_json_at(depth + 1)).collect())
            }
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json_at(depth + 1)))
                    .collect(),
            ),
            Kind::Unresolved(u) => Value::String(
                u.partial
                    .clone()
                    .unwrap_or_else(|| "<unresolved>".to_owned()),
            ),
        }
    }
    /// From JSON (Terraform plans, the bundled data), every node at `pos`.
    pub(crate) fn from_json(value: &serde_json::Value, pos: Pos) -> Node {
        Node::from_json_at(value, pos, 0)
    }
    fn from_json_at(value: &serde_json::Value, pos: Pos, depth: usize) -> Node {
        use serde_json::Value;
        let kind = match value {
            _ if depth > MAX_DEPTH => Kind::Null,
            Value::Null => Kind::Null,
            Value::Bool(b) => Kind::Bool(*b),
            Value::Number(n) => Kind::Str(n.to_string()),
            Value::String(s) => Kind::Str(s.clone()),
            Value::Array(items) => Kind::Seq(
                items
                    .iter()
                    .map(|v| Node::from_json_at(v, pos, depth + 1))
                    .collect(),
            ),
            Value::Object(map) => Kind::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Node::from_json_at(v, pos, depth + 1)))
                    .collect(),
            ),
        };
        Node::new(pos, kind)
    }
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: u32::try_from(span.start.line()).unwrap_or(u32::MAX),
        column: u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX),
    }
}

/// The long-form key of a short-form CloudFormation tag, or `None` for tags that only type a
/// scalar (`!!str`) or that are not CloudFormation's.
fn intrinsic_key(handle: &str, suffix: &str) -> Option<String> {
    if handle != "!" {
        return None;
    }
    Some(match suffix {
        "Ref" => "Ref".to_owned(),
        "Condition" => "Condition".to_owned(),
        other => format!("Fn::{other}"),
    })
}

enum Frame {
    Seq {
        pos: Pos,
        tag: Option<String>,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        tag: Option<String>,
        anchor: usize,
        entries: Vec<(String, Node)>,
        /// Where each key sits in `entries`: a repeated key is found without a scan.
        index: HashMap<String, usize>,
        key: Option<String>,
    },
}

fn plain_scalar(value: &str) -> Kind {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" => Kind::Bool(true),
        "false" | "False" | "FALSE" => Kind::Bool(false),
        _ => Kind::Str(value.to_owned()),
    }
}

fn wrap(tag: Option<String>, node: Node) -> Node {
    match tag {
        // `!GetAtt a.b` keeps its string form; the resolver splits it.
        Some(key) => Node::new(node.pos, Kind::Map(vec![(key, node)])),
        None => node,
    }
}

impl Node {
    /// How many values `node` holds, itself included.
    pub(crate) fn size(&self) -> usize {
        weight(self).0
    }
}

/// What copying `node` costs: its nodes and the bytes of its text (keys and strings).
fn weight(node: &Node) -> (usize, usize) {
    match &node.kind {
        Kind::Str(s) => (1, s.len()),
        Kind::Seq(items) => items.iter().map(weight).fold((1, 0), add),
        Kind::Map(entries) => entries
            .iter()
            .map(|(k, v)| add(weight(v), (0, k.len())))
            .fold((1, 0), add),
        _ => (1, 0),
    }
}

fn add(a: (usize, usize), b: (usize, usize)) -> (usize, usize) {
    (a.0.saturating_add(b.0), a.1.saturating_add(b.1))
}

fn key_text(node: &Node) -> String {
    match &node.kind {
        Kind::Str(s) => s.clone(),
        Kind::Bool(b) => b.to_string(),
        Kind::Null => String::new(),
        // A complex key (rare, never in a template): its JSON text.
        _ => node.to_json().to_string(),
    }
}

/// Parses the first document of a YAML (or JSON) text.
pub(crate) fn parse(text: &str) -> Result<Node, SyntaxError> {
    let first = parse_guarded(text);
    let Err(error) = &first else { return first };
    // Lenient where CloudFormation's and PyYAML's loaders are: a flow collection or quoted
    // string whose continuation lines are indented less than the block around it
    // (`Cors: {` then `"Fn::Join": ...` at the key's column) is refused by this strict
    // parser. Indenting those lines changes no value (whitespace there is folded), so retry
    // once with them indented, and give the positions back in the original columns.
    if error.message.contains("indentation")
        && let Some((fixed, shifts)) = reindent_flow(text)
        && let Ok(mut node) = parse_guarded(&fixed)
    {
        unshift(&mut node, &shifts, 0);
        return Ok(node);
    }
    first
}

fn parse_guarded(text: &str) -> Result<Node, SyntaxError> {
    // The parser has had panics on hostile input in its history: never let one escape.
    match std::panic::catch_unwind(|| parse_inner(text)) {
        Ok(result) => result,
        Err(_) => Err(SyntaxError {
            line: 1,
            column: 1,
            message: "the YAML parser failed on this input".to_owned(),
        }),
    }
}

/// Moves positions on re-indented lines back to the columns of the original text.
fn unshift(node: &mut Node, shifts: &[u32], depth: usize) {
    let line = node.pos.line as usize;
    if let Some(&shift) = line.checked_sub(1).and_then(|i| shifts.get(i)) {
        node.pos.column = node.pos.column.saturating_sub(shift).max(1);
    }
    if depth >= MAX_DEPTH {
        return;
    }
    match &mut node.kind {
        Kind::Seq(items) => items.iter_mut().for_each(|n| unshift(n, shifts, depth + 1)),
        Kind::Map(entries) => entries
            .iter_mut()
            .for_each(|(_, n)| unshift(n, shifts, depth + 1)),
        _ => {}
    }
}

/// Whether a `{`, `[` or quote at byte `at` of `line` begins a value: nothing before it on
/// the line but indentation, or after `:`, `-`, `?`, `,`, `[`, `{`, or a tag or anchor.
fn starts_value(line: &str, at: usize) -> bool {
    let before = line[..at].trim_end();
    if before.is_empty() {
        return true;
    }
    if before.ends_with([':', '-', '?', ',', '[', '{']) {
        // `a:b` and `a-b` are parts of a plain scalar; `a: ` and `- ` are not.
        return at > before.len() || before.ends_with([',', '[', '{']);
    }
    before
        .rsplit(char::is_whitespace)
        .next()
        .is_some_and(|word| word.starts_with(['!', '&']))
}

/// The text with every line that begins inside a flow collection or a quoted string
/// indented past the column where that collection or string opened, and the spaces added
/// to each line (0-based); `None` when no line needed it.
fn reindent_flow(text: &str) -> Option<(String, Vec<u32>)> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut shifts = Vec::new();
    let mut depth = 0usize;
    // Column of the outermost open flow collection or quoted string.
    let mut opener = 0usize;
    let mut quote: Option<char> = None;
    // Inside a block scalar (`|`, `>`) under a line of this indentation.
    let mut block_scalar: Option<usize> = None;
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(parent) = block_scalar {
            if content.trim().is_empty() || indent > parent {
                shifts.push(0);
                out.push_str(line);
                continue;
            }
            block_scalar = None;
        }
        let mut shift = 0;
        if (depth > 0 || quote.is_some()) && indent <= opener && !content.trim().is_empty() {
            shift = opener + 1 - indent;
            changed = true;
        }
        shifts.push(u32::try_from(shift).unwrap_or(u32::MAX));
        out.extend(std::iter::repeat_n(' ', shift));
        out.push_str(line);
        let mut chars = content.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if let Some(q) = quote {
                if c == '\\' && q == '"' {
                    chars.next();
                } else if c == q {
                    if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                continue;
            }
            match c {
                '#' if i == 0 || content[..i].ends_with([' ', '\t']) => break,
                '"' | '\'' if starts_value(content, i) => {
                    if depth == 0 {
                        opener = i;
                    }
                    quote = Some(c);
                }
                '{' | '[' if depth > 0 => depth += 1,
                '{' | '[' if starts_value(content, i) => {
                    depth = 1;
                    opener = i;
                }
                '}' | ']' if depth > 0 => depth -= 1,
                '|' | '>' if depth == 0 && starts_value(content, i) => {
                    let rest = content[i + 1..].trim_start_matches([
                        '+', '-', '1', '2', '3', '4', '5', '6', '7', '8', '9',
                    ]);
                    if rest.trim().is_empty() || rest.trim_start().starts_with('#') {
                        block_scalar = Some(indent);
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    changed.then_some((out, shifts))
}

fn parse_inner(text: &str) -> Result<Node, SyntaxError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut nodes = 0usize;
    let mut aliased_bytes = 0usize;
    let mut last = Pos { line: 1, column: 1 };
    let error = |pos: Pos, message: String| SyntaxError {
        line: pos.line,
        column: pos.column,
        message,
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SyntaxError {
            line: u32::try_from(e.marker().line()).unwrap_or(u32::MAX),
            column: u32::try_from(e.marker().col() + 1).unwrap_or(u32::MAX),
            message: e.info().to_owned(),
        })?;
        let pos = pos_of(&span);
        last = pos;
        let done: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => None,
            Event::DocumentEnd | Event::StreamEnd => {
                if stack.is_empty() {
                    break;
                }
                None
            }
            Event::Alias(id) => {
                let node = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| error(pos, "an alias to an unknown anchor".to_owned()))?;
                let (alias_nodes, alias_bytes) = weight(&node);
                nodes = nodes.saturating_add(alias_nodes);
                aliased_bytes = aliased_bytes.saturating_add(alias_bytes);
                if aliased_bytes > MAX_ALIASED_BYTES {
                    return Err(error(
                        pos,
                        format!(
                            "aliases copy more than {} MiB of text: refusing to go on",
                            MAX_ALIASED_BYTES / (1024 * 1024)
                        ),
                    ));
                }
                Some((node, 0))
            }
            Event::Scalar(value, style, anchor, tag) => {
                nodes += 1;
                let typed = tag
                    .as_ref()
                    .and_then(|t| intrinsic_key(&t.handle, &t.suffix));
                let kind = match style {
                    ScalarStyle::Plain if tag.is_none() => plain_scalar(&value),
                    _ => Kind::Str(value.into_owned()),
                };
                // `!Ref` with an empty value, `!GetAZs ''`: keep the string form.
                let kind = match (&typed, kind) {
                    (Some(_), Kind::Null) => Kind::Str(String::new()),
                    (_, kind) => kind,
                };
                Some((wrap(typed, Node::new(pos, kind)), anchor))
            }
            Event::SequenceStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        pos,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push(Frame::Seq {
                    pos,
                    tag: tag.and_then(|t| intrinsic_key(&t.handle, &t.suffix)),
                    anchor,
                    items: Vec::new(),
                });
                None
            }
            Event::MappingStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        pos,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push(Frame::Map {
                    pos,
                    tag: tag.and_then(|t| intrinsic_key(&t.handle, &t.suffix)),
                    anchor,
                    entries: Vec::new(),
                    index: HashMap::new(),
                    key: None,
                });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq {
                    pos,
                    tag,
                    anchor,
                    items,
                }) => {
                    nodes += 1;
                    Some((wrap(tag, Node::new(pos, Kind::Seq(items))), anchor))
                }
                _ => return Err(error(pos, "unbalanced sequence".to_owned())),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    pos,
                    tag,
                    anchor,
                    mut entries,
                    mut index,
                    ..
                }) => {
                    nodes += 1;
                    // YAML merge keys (`<<: *defaults`), used in serverless.yml files: the
                    // mapping's own keys win, then the first source that has a key.
                    if let Some(i) = index.remove("<<") {
                        let (_, merged) = entries.remove(i);
                        index = entries
                            .iter()
                            .enumerate()
                            .map(|(i, (k, _))| (k.clone(), i))
                            .collect();
                        let sources: Vec<Node> = match merged.kind {
                            Kind::Seq(items) => items,
                            _ => vec![merged],
                        };
                        for source in sources {
                            if let Kind::Map(extra) = source.kind {
                                for (k, v) in extra {
                                    if !index.contains_key(&k) {
                                        index.insert(k.clone(), entries.len());
                                        entries.push((k, v));
                                    }
                                }
                            }
                        }
                    }
                    Some((wrap(tag, Node::new(pos, Kind::Map(entries))), anchor))
                }
                _ => return Err(error(pos, "unbalanced mapping".to_owned())),
            },
        };
        if nodes > MAX_NODES {
            return Err(error(
                pos,
                format!("more than {MAX_NODES} values (aliases expanded): refusing to go on"),
            ));
        }
        let Some((node, anchor)) = done else { continue };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => return Ok(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                index,
                key,
                ..
            }) => match key.take() {
                None => *key = Some(key_text(&node)),
                // A repeated key: the last one wins, as most YAML loaders do.
                Some(k) => match index.get(&k) {
                    Some(&i) => {
                        if let Some(entry) = entries.get_mut(i) {
                            entry.1 = node;
                        }
                    }
                    None => {
                        index.insert(k.clone(), entries.len());
                        entries.push((k, node));
                    }
                },
            },
        }
    }
    if stack.is_empty() {
        Ok(Node::new(Pos { line: 1, column: 1 }, Kind::Null))
    } else {
        Err(error(last, "unexpected end of the document".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_become_long_forms_with_positions() {
        let node =
            parse("A:\n  B: !Ref X\n  C: !GetAtt R.Arn\n  D: !Sub\n    - '${a}'\n    - a: 1\n")
                .unwrap_or_else(|e| panic!("{e}"));
        let b = node.path("A.B").unwrap_or_else(|| panic!("no B"));
        assert_eq!(b.get("Ref").and_then(Node::as_str), Some("X"));
        assert_eq!(b.pos, Pos { line: 2, column: 6 });
        let c = node.path("A.C").unwrap_or_else(|| panic!("no C"));
        assert_eq!(c.get("Fn::GetAtt").and_then(Node::as_str), Some("R.Arn"));
        let d = node.path("A.D").unwrap_or_else(|| panic!("no D"));
        assert_eq!(
            d.get("Fn::Sub").and_then(Node::as_seq).map(<[Node]>::len),
            Some(2)
        );
    }

    #[test]
    fn json_is_read_with_lines() {
        let node = parse("{\n  \"a\": {\n    \"b\": [1, true, null]\n  }\n}\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let b = node.path("a.b").unwrap_or_else(|| panic!("no b"));
        assert_eq!(b.pos.line, 3);
        let items = b.as_seq().unwrap_or_default();
        assert_eq!(items[0].as_i64(), Some(1));
        assert_eq!(items[1].as_bool(), Some(true));
        assert_eq!(items[2].kind, Kind::Null);
    }

    #[test]
    fn errors_have_lines_and_hostile_input_is_bounded() {
        let err = parse("a: b\nc: [1, 2\nd: e\n")
            .err()
            .unwrap_or_else(|| panic!("parsed"));
        assert!(err.line >= 2, "{err}");
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse(&deep).is_err());
        let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            laughs.push_str(&format!(
                "b{i}: &b{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
                p = if i == 0 {
                    "a".to_owned()
                } else {
                    format!("b{}", i - 1)
                }
            ));
        }
        assert!(parse(&laughs).is_err(), "alias expansion is bounded");
        // Few nodes, much text: one 1 MiB string aliased 100 times is refused by its bytes.
        let mut long = format!("a: &a {}\nb:\n", "x".repeat(1024 * 1024));
        long.push_str(&"  - *a\n".repeat(100));
        let err = parse(&long).err().unwrap_or_else(|| panic!("parsed"));
        assert!(err.message.contains("MiB of text"), "{err}");
        assert!(err.line > 2, "the line of the alias that went over: {err}");
    }

    #[test]
    fn a_repeated_key_keeps_the_last_value_in_linear_time() {
        let node = parse("a: 1\nb: 2\na: 3\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(node.path("a").and_then(Node::as_str), Some("3"));
        assert_eq!(node.path("b").and_then(Node::as_str), Some("2"));
        // 200,000 distinct keys: a scan per key would take minutes.
        let many: String = (0..200_000).map(|i| format!("k{i}: {i}\n")).collect();
        let node = parse(&many).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(node.path("k199999").and_then(Node::as_str), Some("199999"));
    }

    #[test]
    fn flow_and_quoted_continuations_indented_less_than_their_block_are_read() {
        // tests/translator/input/api_rest_paths_with_if_condition_swagger_no_value_then_case.yaml
        // in aws/serverless-application-model: PyYAML and CloudFormation read it.
        let text = "G:\n  Api:\n    Cors: {\n    \"Fn::Join\": [\",\", [a, b]]\n    }\n  D: \"x\n  y\"\n  E: |\n    {\n  F: 1\n";
        let node = parse(text).unwrap_or_else(|e| panic!("{e}"));
        let join = node
            .path("G.Api.Cors")
            .and_then(|c| c.get("Fn::Join"))
            .unwrap_or_else(|| panic!("no Fn::Join"));
        assert_eq!(
            join.pos,
            Pos {
                line: 4,
                column: 17
            }
        );
        assert_eq!(node.path("G.D").and_then(Node::as_str), Some("x y"));
        assert_eq!(node.path("G.E").and_then(Node::as_str), Some("{\n"));
        assert_eq!(node.path("G.F").and_then(Node::as_str), Some("1"));
        // A block indentation error is still one.
        assert!(parse("a:\n  b: 1\n c: 2\n").is_err());
    }

    #[test]
    fn merge_keys_and_anchors() {
        let node =
            parse("d: &d {x: 1, y: 2}\ne:\n  <<: *d\n  y: 3\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(node.path("e.x").and_then(Node::as_str), Some("1"));
        assert_eq!(node.path("e.y").and_then(Node::as_str), Some("3"));
        // Of two sources the first wins; a key of the mapping wins over both.
        let node = parse("p: &p {x: 1}\nq: &q {x: 2, z: 5}\ne:\n  <<: [*p, *q]\n  w: 4\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(node.path("e.x").and_then(Node::as_str), Some("1"));
        assert_eq!(node.path("e.z").and_then(Node::as_str), Some("5"));
        assert_eq!(node.path("e.w").and_then(Node::as_str), Some("4"));
        assert!(node.path("e.<<").is_none());
    }
}

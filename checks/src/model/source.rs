//! Where a resource read from a template was declared, so a renderer can point a result at
//! the file and line to change (SARIF `physicalLocation`, `file:line` in the table and HTML).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceLocation {
    /// Relative to the scanned root, `/`-separated.
    pub file: String,
    /// 1-based.
    pub line: u32,
    /// 1-based.
    pub column: u32,
    /// The template's name for the resource: a CloudFormation logical id, a Serverless
    /// Framework function key, a Terraform address.
    pub logical_id: String,
    /// Terraform: the source of the module that declares the resource (`./modules/api`, a
    /// registry address), for a resource of a child module. A plan has no line numbers for the
    /// configuration, so `file`, `line` and `column` point at the resource in the plan JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module_source: Option<String>,
    /// Positions of attributes, keyed by the model's evidence path (`function_url.auth_type`,
    /// `reserved_concurrency`, `environment`, `policy`, ...), where a result's evidence can
    /// point more precisely than the resource.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Position>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl SourceLocation {
    /// The position for an evidence path: the longest attribute key that is the path or a
    /// prefix of it (at a `.` or `[`), else the resource's own position.
    pub fn position_for(&self, evidence_path: &str) -> Position {
        self.attributes
            .iter()
            .filter(|(key, _)| {
                evidence_path == key.as_str()
                    || (evidence_path.starts_with(key.as_str())
                        && matches!(evidence_path.as_bytes().get(key.len()), Some(b'.' | b'[')))
            })
            .max_by_key(|(key, _)| key.len())
            .map_or(
                Position {
                    line: self.line,
                    column: self.column,
                },
                |(_, p)| *p,
            )
    }
}

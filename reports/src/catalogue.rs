//! `faascan checks`: the catalogue as a table, JSON or Markdown.

use comfy_table::{ContentArrangement, Table, presets};
use faascan_checks::Check;
use serde_json::json;

pub fn to_json(checks: &[&Check]) -> Result<String, crate::RenderError> {
    let list: Vec<_> = checks
        .iter()
        .map(|c| {
            let m = &c.meta;
            json!({
                "id": m.id, "title": m.title, "severity": m.severity, "category": m.category,
                "resource_kind": m.resource_kind, "references": m.references,
                "compliance": m.compliance.iter().map(|c| json!({"framework": c.framework, "control": c.control})).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&list).map_err(crate::RenderError::json("catalogue"))
}

pub fn to_table(checks: &[&Check], width: Option<u16>) -> String {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED);
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(width.unwrap_or(160));
    t.set_header(["id", "severity", "title"]);
    for c in checks {
        t.add_row([c.meta.id, c.meta.severity.as_str(), c.meta.title]);
    }
    t.to_string() + "\n"
}

pub fn to_markdown(checks: &[&Check]) -> String {
    let mut out = String::from("| id | severity | title |\n|---|---|---|\n");
    for c in checks {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            c.meta.id,
            c.meta.severity.as_str(),
            c.meta.title
        ));
    }
    out
}

/// `faascan explain ID`: the full documentation with the metadata on top.
pub fn explain(check: &Check) -> String {
    let m = &check.meta;
    let compliance: Vec<String> = m
        .compliance
        .iter()
        .map(|c| format!("{} {}", c.framework, c.control))
        .collect();
    format!(
        "# {} — {}\n\nSeverity: {}\nEvaluates: {}\nCompliance: {}\n\n{}",
        m.id,
        m.title,
        m.severity.as_str(),
        serde_json::to_value(m.resource_kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        if compliance.is_empty() {
            "none".to_owned()
        } else {
            compliance.join(", ")
        },
        m.docs
    )
}

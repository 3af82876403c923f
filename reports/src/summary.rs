//! The per-service summary `faascan scan` prints until the check catalogue lands: what was
//! found, what could not be read, and what it cost.

use crate::coverage::Coverage;
use crate::text::display;
use comfy_table::{Table, presets};
use faascan_checks::model::{Attr, Gap, Inventory};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct InventorySummary {
    pub schema_version: u32,
    pub account: String,
    pub caller_arn: String,
    pub regions: Vec<String>,
    pub scan_started: String,
    pub duration_seconds: f64,
    pub rows: Vec<SummaryRow>,
    /// What was read per service and region (no checks run here, so no crashed checks).
    pub coverage: Coverage,
    pub gaps: Vec<Gap>,
    pub calls: u64,
    pub attempts: u64,
    pub failed_attempts: u64,
    pub calls_by_operation: Vec<faascan_checks::model::CallCount>,
}

/// One kind of resource in one region (`global` for IAM and S3).
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    pub service: String,
    pub region: String,
    pub resource: String,
    /// `None` when the listing itself could not be read.
    pub count: Option<usize>,
    pub gaps: usize,
}

pub const SUMMARY_SCHEMA_VERSION: u32 = 1;

impl InventorySummary {
    pub fn new(inventory: &Inventory) -> Self {
        let gaps_for = |service: &str, region: Option<&str>| {
            inventory
                .gaps
                .iter()
                .filter(|g| {
                    g.service == service && (region.is_none() || g.region.as_deref() == region)
                })
                .count()
        };
        let mut rows = Vec::new();
        let mut row =
            |service: &str, region: &str, resource: &str, n: Option<usize>, gaps: usize| {
                rows.push(SummaryRow {
                    service: service.to_owned(),
                    region: region.to_owned(),
                    resource: resource.to_owned(),
                    count: n,
                    gaps,
                })
            };
        let iam = inventory.iam.known();
        let iam_gaps = gaps_for("iam", None);
        row(
            "iam",
            "global",
            "roles",
            iam.map(|i| i.roles.len()),
            iam_gaps,
        );
        row("iam", "global", "users", iam.map(|i| i.users.len()), 0);
        row(
            "iam",
            "global",
            "managed policies",
            iam.map(|i| i.managed_policies.len()),
            0,
        );
        row(
            "s3",
            "global",
            "buckets",
            len(&inventory.s3.buckets),
            gaps_for("s3", None),
        );
        for region in &inventory.regions {
            let r = region.region.as_str();
            row(
                "lambda",
                r,
                "functions",
                len(&region.lambda_functions),
                gaps_for("lambda", Some(r)),
            );
            row(
                "apigateway",
                r,
                "REST APIs",
                len(&region.rest_apis),
                gaps_for("apigateway", Some(r)),
            );
            row("apigateway", r, "HTTP APIs", len(&region.http_apis), 0);
            row("apigateway", r, "usage plans", len(&region.usage_plans), 0);
            row("apigateway", r, "API keys", len(&region.api_keys), 0);
            row(
                "apigateway",
                r,
                "custom domains",
                len(&region.domain_names),
                0,
            );
            row(
                "kms",
                r,
                "keys",
                len(&region.kms_keys),
                gaps_for("kms", Some(r)),
            );
        }
        let duration = inventory.account.scan_finished - inventory.account.scan_started;
        InventorySummary {
            schema_version: SUMMARY_SCHEMA_VERSION,
            account: inventory.account.id.clone(),
            caller_arn: inventory.account.caller_arn.clone(),
            regions: inventory.account.regions.clone(),
            scan_started: inventory
                .account
                .scan_started
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            duration_seconds: duration.as_seconds_f64(),
            rows,
            coverage: Coverage::of(inventory, &[]),
            gaps: inventory.gaps.clone(),
            calls: inventory.calls.operations,
            attempts: inventory.calls.attempts,
            failed_attempts: inventory.calls.failed_attempts,
            calls_by_operation: inventory.calls.by_operation.clone(),
        }
    }

    pub fn to_json(&self) -> Result<String, crate::RenderError> {
        serde_json::to_string_pretty(self).map_err(crate::RenderError::json("summary"))
    }

    /// A plain table; `width` fits it to a terminal.
    /// With `verbose`, the calls per service and operation follow the summary.
    pub fn to_table(&self, width: Option<u16>, verbose: bool) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "Account {} as {}, regions {}\n",
            display(&self.account, 60),
            display(&self.caller_arn, 200),
            self.regions
                .iter()
                .map(|r| display(r, 40))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if let Some(headline) = self.coverage.headline() {
            out.push_str(headline);
            out.push('\n');
            for line in self.coverage.shortfall_lines(false) {
                out.push_str(&format!("  {}\n", display(&line, 400)));
            }
        }
        let mut table = Table::new();
        table.load_preset(presets::UTF8_FULL_CONDENSED);
        if let Some(width) = width {
            table.set_width(width);
        }
        table.set_header(["service", "region", "resource", "found", "gaps"]);
        for r in &self.rows {
            table.add_row([
                display(&r.service, 40),
                display(&r.region, 40),
                r.resource.clone(),
                r.count
                    .map_or_else(|| "unknown".to_owned(), |n| n.to_string()),
                r.gaps.to_string(),
            ]);
        }
        out.push_str(&table.to_string());
        out.push('\n');
        if !self.gaps.is_empty() {
            out.push_str(&format!("\nGaps: {} call(s) could not be completed; what they were for is unknown, not passed.\n", self.gaps.len()));
            let mut gaps = Table::new();
            gaps.load_preset(presets::UTF8_FULL_CONDENSED);
            if let Some(width) = width {
                gaps.set_width(width);
            }
            gaps.set_header([
                "service",
                "region",
                "operation",
                "resource",
                "kind",
                "error",
            ]);
            for g in &self.gaps {
                gaps.add_row([
                    display(&g.service, 40),
                    g.region
                        .as_deref()
                        .map_or_else(|| "global".to_owned(), |r| display(r, 40)),
                    display(&g.operation, 60),
                    g.resource
                        .as_deref()
                        .map(|r| display(r, 120))
                        .unwrap_or_default(),
                    format!("{:?}", g.kind),
                    display(&format!("{}: {}", g.error_code, g.message), 200),
                ]);
            }
            out.push_str(&gaps.to_string());
            out.push('\n');
        }
        if verbose {
            let mut calls = Table::new();
            calls.load_preset(presets::UTF8_FULL_CONDENSED);
            calls.set_header(["service", "operation", "calls", "attempts", "failed"]);
            for c in &self.calls_by_operation {
                calls.add_row([
                    c.service.clone(),
                    c.operation.clone(),
                    c.operations.to_string(),
                    c.attempts.to_string(),
                    c.failed_attempts.to_string(),
                ]);
            }
            out.push('\n');
            out.push_str(&calls.to_string());
            out.push('\n');
        }
        out.push_str(&format!(
            "\n{} calls ({} attempts, {} failed) in {:.1} s\n",
            self.calls, self.attempts, self.failed_attempts, self.duration_seconds
        ));
        out
    }
}

fn len<T>(attr: &Attr<Vec<T>>) -> Option<usize> {
    attr.known().map(Vec::len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Inventory {
        serde_json::from_str(include_str!("../../mocks/demo/inventory.json"))
            .unwrap_or_else(|e| panic!("demo: {e}"))
    }

    #[test]
    fn counts_come_from_the_inventory_and_unread_lists_are_unknown() {
        let mut inventory = demo();
        let summary = InventorySummary::new(&inventory);
        let row = |s: &InventorySummary, service: &str, region: &str, resource: &str| {
            s.rows
                .iter()
                .find(|r| r.service == service && r.region == region && r.resource == resource)
                .and_then(|r| r.count)
        };
        assert_eq!(row(&summary, "lambda", "us-east-1", "functions"), Some(7));
        assert_eq!(row(&summary, "s3", "global", "buckets"), Some(4));
        assert_eq!(row(&summary, "iam", "global", "roles"), Some(8));

        let gap = inventory.gaps[0].clone();
        inventory.regions[0].lambda_functions = Attr::Unavailable(Box::new(gap));
        let summary = InventorySummary::new(&inventory);
        assert_eq!(row(&summary, "lambda", "us-east-1", "functions"), None);
        let table = summary.to_table(None, false);
        assert!(table.contains("unknown"));
        assert!(table.contains("INCOMPLETE SCAN"), "{table}");
        assert!(!summary.coverage.scan_complete);
    }

    #[test]
    fn hostile_account_strings_cannot_drive_the_terminal() {
        let mut inventory = demo();
        inventory.account.caller_arn =
            "arn:aws:sts::1:assumed-role/\u{1b}]0;pwned\u{7}\u{1b}[2J".to_owned();
        if let Some(gap) = inventory.gaps.first_mut() {
            gap.message = "\u{1b}[31mred\u{1b}[0m".to_owned();
        }
        let table = InventorySummary::new(&inventory).to_table(Some(120), true);
        assert!(
            !table.contains('\u{1b}'),
            "no raw escape reaches the terminal"
        );
        assert!(!table.contains('\u{7}'));
        assert!(
            table.contains("GetAccountAuthorizationDetails"),
            "verbose lists calls per operation"
        );
    }
}

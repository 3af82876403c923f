//! The coverage statement: per service and region (`global` for IAM and S3), what was read, and
//! the operations behind each gap. It decides whether a report is complete (`incomplete` in
//! every output) and whether the scan itself is complete (the binary's exit code 4 when not).

use faascan_checks::check::CheckResult;
use faascan_checks::model::listing::{self, Listing};
use faascan_checks::model::{Attr, Gap, GapKind, Inventory};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How much of one service in one region was read. Ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    /// Every call succeeded.
    Complete,
    /// Excluded with `--services`: the user's choice, not a failure.
    NotSelected,
    /// Everything was listed, but some attribute reads failed: some results are unknown.
    Partial,
    /// A listing failed after some pages (or one of several listings failed): resources may be
    /// missing from the report.
    Incomplete,
    /// Nothing could be listed (the listing failed wholly, or the time budget or a dead
    /// endpoint stopped it).
    NotRead,
}

impl CoverageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Complete => "complete",
            CoverageStatus::NotSelected => "not_selected",
            CoverageStatus::Partial => "partial",
            CoverageStatus::Incomplete => "incomplete",
            CoverageStatus::NotRead => "not_read",
        }
    }

    /// For people: `not read` rather than `not_read`.
    pub fn label(self) -> &'static str {
        match self {
            CoverageStatus::Complete => "complete",
            CoverageStatus::NotSelected => "not selected",
            CoverageStatus::Partial => "partially read",
            CoverageStatus::Incomplete => "incomplete",
            CoverageStatus::NotRead => "not read",
        }
    }

    /// Everything in scope was read (or the user chose not to read it).
    pub fn is_complete(self) -> bool {
        matches!(self, CoverageStatus::Complete | CoverageStatus::NotSelected)
    }

    /// Resources may be missing altogether: the scan is incomplete, not just some results.
    pub fn loses_resources(self) -> bool {
        matches!(self, CoverageStatus::Incomplete | CoverageStatus::NotRead)
    }
}

/// One service in one region of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageRow {
    pub account: String,
    /// `lambda`, `iam`, `s3`, `apigateway`, `kms`; `account` for region discovery and failed
    /// accounts, `faascan` for checks that crashed.
    pub service: String,
    /// A region, or `global`.
    pub region: String,
    pub status: CoverageStatus,
    /// The operations behind the gaps (sorted, each once).
    pub operations: Vec<String>,
    /// How many gaps this row has.
    pub gaps: usize,
    /// What was not read and what that means, in one sentence for a person.
    pub unread: String,
}

impl CoverageRow {
    /// `lambda us-east-1`, with the account first when asked.
    pub fn place(&self, with_account: bool) -> String {
        if with_account {
            format!("{} {} {}", self.account, self.service, self.region)
        } else {
            format!("{} {}", self.service, self.region)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Everything in scope was read: no gap (other than services excluded with `--services`)
    /// and no check crashed. A report is `incomplete` exactly when this is false.
    pub complete: bool,
    /// No resource can be missing: every listing was read in full, the time budget did not
    /// run out, the endpoint kept answering, the regions were discovered, no check crashed
    /// and every account was scanned. When false, `faascan scan` exits 4.
    pub scan_complete: bool,
    pub rows: Vec<CoverageRow>,
}

/// Gap codes that mean the scan as a whole stopped short, wherever they occur.
const SCAN_LEVEL_CODES: &[&str] = &[
    "TimeBudgetExceeded",
    "EndpointUnavailable",
    "RegionDiscoveryFailed",
];

fn not_selected(gap: &Gap) -> bool {
    gap.error_code == "ServiceNotSelected"
}

/// A gap that makes the scan incomplete wherever it is (not only the row it belongs to).
pub fn is_scan_level(gap: &Gap) -> bool {
    gap.kind == GapKind::InternalError || SCAN_LEVEL_CODES.contains(&gap.error_code.as_str())
}

/// How one listing went.
enum ListState<'a> {
    Read,
    NotSelected,
    Partial(&'a Gap),
    Failed(&'a Gap),
}

fn state<'a, T>(
    inventory: &'a Inventory,
    attr: &'a Attr<T>,
    listing: &Listing,
    region: Option<&str>,
) -> ListState<'a> {
    match attr {
        Attr::Unavailable(gap) if not_selected(gap) => ListState::NotSelected,
        Attr::Unavailable(gap) => ListState::Failed(gap),
        Attr::Known(_) => match inventory.listing_gap(listing, region) {
            Some(gap) => ListState::Partial(gap),
            None => ListState::Read,
        },
    }
}

/// Why a call was not made or failed, for the sentence.
fn cause(codes: &[&str]) -> String {
    codes
        .iter()
        .map(|c| match *c {
            "TimeBudgetExceeded" => "not sent: the time budget ran out".to_owned(),
            "EndpointUnavailable" => "not sent: the endpoint stopped answering".to_owned(),
            other => other.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The distinct error codes of `gaps`, sorted.
fn codes<'a>(gaps: impl IntoIterator<Item = &'a Gap>) -> Vec<&'a str> {
    let mut codes: Vec<&str> = gaps.into_iter().map(|g| g.error_code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// Builds one row from the listings behind it and the gaps attributed to it.
fn row<'a>(
    account: &str,
    service: &str,
    region: &str,
    listings: &[(&Listing, ListState<'a>)],
    mut gaps: Vec<&'a Gap>,
) -> CoverageRow {
    let mut operations: Vec<String> = Vec::new();
    let mut clauses: Vec<String> = Vec::new();
    let (mut read, mut failed, mut partial, mut selected) = (0, 0, 0, 0);
    for (listing, state) in listings {
        match state {
            ListState::NotSelected => {}
            ListState::Read => {
                selected += 1;
                read += 1;
            }
            ListState::Partial(gap) => {
                selected += 1;
                partial += 1;
                operations.push(listing.operation.to_owned());
                clauses.push(format!(
                    "{} listed only in part ({}: {}), so some may be missing",
                    listing.resources,
                    listing.operation,
                    cause(&[gap.error_code.as_str()])
                ));
                if !gaps.contains(gap) {
                    gaps.push(gap);
                }
            }
            ListState::Failed(gap) => {
                selected += 1;
                failed += 1;
                operations.push(listing.operation.to_owned());
                clauses.push(format!(
                    "{} not listed ({}: {}), so none was checked",
                    listing.resources,
                    listing.operation,
                    cause(&[gap.error_code.as_str()])
                ));
                if !gaps.contains(gap) {
                    gaps.push(gap);
                }
            }
        }
    }
    // Attribute-level gaps (settings included), grouped by operation. The failures of this
    // row's own listings are described above.
    let mut by_operation: BTreeMap<&str, Vec<&Gap>> = BTreeMap::new();
    for gap in &gaps {
        let own_listing = listings.iter().any(|(l, _)| l.failed_in(gap, None));
        if !own_listing {
            by_operation
                .entry(gap.operation.as_str())
                .or_default()
                .push(gap);
        }
    }
    for (operation, list) in &by_operation {
        operations.push((*operation).to_owned());
        let about = match list[0].listing() {
            Some(setting) if list.iter().all(|g| g.resource.is_none()) => {
                format!("{} not read", setting.resources)
            }
            _ => {
                let resources = list.iter().filter(|g| g.resource.is_some()).count();
                if resources == list.len() {
                    format!("{operation} failed for {resources} resource(s)")
                } else {
                    format!("{operation} failed {} time(s)", list.len())
                }
            }
        };
        clauses.push(format!(
            "{about} ({}), so the results that need it are unknown",
            cause(&codes(list.iter().copied()))
        ));
    }
    operations.sort_unstable();
    operations.dedup();
    let status = if !listings.is_empty() && selected == 0 {
        CoverageStatus::NotSelected
    } else if failed > 0 && read == 0 && partial == 0 {
        CoverageStatus::NotRead
    } else if failed > 0 || partial > 0 {
        CoverageStatus::Incomplete
    } else if !gaps.is_empty() {
        CoverageStatus::Partial
    } else {
        CoverageStatus::Complete
    };
    let unread = match status {
        CoverageStatus::Complete => "nothing: every call succeeded".to_owned(),
        CoverageStatus::NotSelected => "not collected: excluded with --services".to_owned(),
        _ => clauses.join("; "),
    };
    CoverageRow {
        account: account.to_owned(),
        service: service.to_owned(),
        region: region.to_owned(),
        status,
        operations,
        gaps: gaps.len(),
        unread,
    }
}

impl Coverage {
    /// The coverage of one account's scan: its inventory, and the results of its checks (a
    /// check that crashed leaves one unknown result with an internal-error gap).
    pub fn of(inventory: &Inventory, results: &[CheckResult]) -> Coverage {
        let account = inventory.account.id.as_str();
        let gaps: Vec<&Gap> = inventory.gaps.iter().filter(|g| !not_selected(g)).collect();
        let mut used = vec![false; gaps.len()];
        let mut take = |service: &str, region: Option<&str>| -> Vec<&Gap> {
            let mut mine = Vec::new();
            for (i, g) in gaps.iter().enumerate() {
                if !used[i]
                    && g.service == service
                    && (region.is_none() || g.region.as_deref() == region)
                {
                    used[i] = true;
                    mine.push(*g);
                }
            }
            mine
        };
        let mut rows = Vec::new();
        rows.push(row(
            account,
            "iam",
            "global",
            &[(
                &listing::IAM_PRINCIPALS,
                state(inventory, &inventory.iam, &listing::IAM_PRINCIPALS, None),
            )],
            take("iam", None),
        ));
        rows.push(row(
            account,
            "s3",
            "global",
            &[(
                &listing::S3_BUCKETS,
                state(inventory, &inventory.s3.buckets, &listing::S3_BUCKETS, None),
            )],
            take("s3", None),
        ));
        for r in &inventory.regions {
            let region = Some(r.region.as_str());
            rows.push(row(
                account,
                "lambda",
                &r.region,
                &[(
                    &listing::LAMBDA_FUNCTIONS,
                    state(
                        inventory,
                        &r.lambda_functions,
                        &listing::LAMBDA_FUNCTIONS,
                        region,
                    ),
                )],
                take("lambda", region),
            ));
            rows.push(row(
                account,
                "apigateway",
                &r.region,
                &[
                    (
                        &listing::REST_APIS,
                        state(inventory, &r.rest_apis, &listing::REST_APIS, region),
                    ),
                    (
                        &listing::HTTP_APIS,
                        state(inventory, &r.http_apis, &listing::HTTP_APIS, region),
                    ),
                    (
                        &listing::USAGE_PLANS,
                        state(inventory, &r.usage_plans, &listing::USAGE_PLANS, region),
                    ),
                    (
                        &listing::API_KEYS,
                        state(inventory, &r.api_keys, &listing::API_KEYS, region),
                    ),
                    (
                        &listing::DOMAIN_NAMES,
                        state(inventory, &r.domain_names, &listing::DOMAIN_NAMES, region),
                    ),
                ],
                // GetAccount is a setting: its gap (in `inventory.gaps`) is attribute-level.
                take("apigateway", region),
            ));
            rows.push(row(
                account,
                "kms",
                &r.region,
                &[(
                    &listing::KMS_KEYS,
                    state(inventory, &r.kms_keys, &listing::KMS_KEYS, region),
                )],
                take("kms", region),
            ));
        }
        // Gaps no row above covers (region discovery, services or regions this version does
        // not know): their own rows. A list-level one may hide resources: incomplete.
        let mut other: BTreeMap<(String, String), Vec<&Gap>> = BTreeMap::new();
        for (i, gap) in gaps.iter().enumerate() {
            if !used[i] {
                let region = gap.region.clone().unwrap_or_else(|| "global".to_owned());
                other
                    .entry((gap.service.clone(), region))
                    .or_default()
                    .push(gap);
            }
        }
        for ((service, region), list) in other {
            let mut r = row(account, &service, &region, &[], list.clone());
            if list
                .iter()
                .any(|g| g.resource.is_none() || is_scan_level(g))
            {
                r.status = CoverageStatus::Incomplete;
                if list.iter().any(|g| g.error_code == "RegionDiscoveryFailed") {
                    r.unread = format!(
                        "the account's regions could not be listed ({}), so regions other than {} were not scanned",
                        cause(&codes(list.iter().copied())),
                        inventory.account.regions.join(", ")
                    );
                } else {
                    r.unread.push_str("; resources may be missing");
                }
            }
            rows.push(r);
        }
        // A check that crashed: its results are missing (one unknown stands in for them).
        let crashed: Vec<&Gap> = results
            .iter()
            .filter_map(|r| r.gap.as_deref())
            .filter(|g| g.kind == GapKind::InternalError)
            .collect();
        if !crashed.is_empty() {
            let mut checks: Vec<String> = crashed.iter().map(|g| g.operation.clone()).collect();
            checks.sort_unstable();
            checks.dedup();
            rows.push(CoverageRow {
                account: account.to_owned(),
                service: "faascan".to_owned(),
                region: "global".to_owned(),
                status: CoverageStatus::Incomplete,
                unread: format!(
                    "{} check(s) crashed ({}), so their results are missing (one unknown result each stands in)",
                    checks.len(),
                    checks.join(", ")
                ),
                operations: checks,
                gaps: crashed.len(),
            });
        }
        let scan_level = gaps.iter().any(|g| is_scan_level(g)) || !crashed.is_empty();
        if inventory.account.incomplete
            && !scan_level
            && !rows.iter().any(|r| r.status.loses_resources())
        {
            // The collector stopped early without saying where: say so.
            rows.push(CoverageRow {
                account: account.to_owned(),
                service: "faascan".to_owned(),
                region: "global".to_owned(),
                status: CoverageStatus::Incomplete,
                operations: Vec::new(),
                gaps: 0,
                unread: "the collection stopped early, so resources may be missing".to_owned(),
            });
        }
        let scan_complete = !scan_level
            && !inventory.account.incomplete
            && !rows.iter().any(|r| r.status.loses_resources());
        Coverage {
            complete: scan_complete && rows.iter().all(|r| r.status.is_complete()),
            scan_complete,
            rows,
        }
    }

    /// Several accounts' coverage, plus a row per account that could not be scanned at all.
    pub fn combine(coverages: Vec<Coverage>, failed_accounts: &[(String, String)]) -> Coverage {
        let mut complete = failed_accounts.is_empty();
        let mut scan_complete = failed_accounts.is_empty();
        let mut rows = Vec::new();
        for c in coverages {
            complete &= c.complete;
            scan_complete &= c.scan_complete;
            rows.extend(c.rows);
        }
        for (account, error) in failed_accounts {
            rows.push(CoverageRow {
                account: account.clone(),
                service: "account".to_owned(),
                region: "global".to_owned(),
                status: CoverageStatus::NotRead,
                operations: Vec::new(),
                gaps: 0,
                unread: format!("the account could not be scanned ({error}), so none of its resources was checked"),
            });
        }
        Coverage {
            complete,
            scan_complete,
            rows,
        }
    }

    /// The rows that were not read in full, the worst first (stable within a status).
    pub fn shortfalls(&self) -> Vec<&CoverageRow> {
        let mut rows: Vec<&CoverageRow> = self
            .rows
            .iter()
            .filter(|r| !r.status.is_complete())
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.status));
        rows
    }

    /// The one-line verdict every format leads with when something was not read.
    pub fn headline(&self) -> Option<&'static str> {
        if !self.scan_complete {
            Some(
                "INCOMPLETE SCAN: parts of the account could not be read, so resources may be missing from this report; nothing missing has passed.",
            )
        } else if !self.complete {
            Some(
                "INCOMPLETE SCAN: some reads failed, so the results that needed them are unknown, not passed.",
            )
        } else {
            None
        }
    }

    /// Short forms for record-per-result formats: `lambda us-east-1: not_read (ListFunctions)`.
    pub fn shortfall_tags(&self, with_account: bool) -> Vec<String> {
        self.shortfalls()
            .into_iter()
            .map(|r| {
                let mut tag = format!("{}: {}", r.place(with_account), r.status.as_str());
                if !r.operations.is_empty() {
                    tag.push_str(&format!(" ({})", r.operations.join(", ")));
                }
                tag
            })
            .collect()
    }

    /// One line per area not read in full: `lambda us-east-1: not read (ListFunctions): …`.
    pub fn shortfall_lines(&self, with_account: bool) -> Vec<String> {
        self.shortfalls()
            .into_iter()
            .map(|r| {
                let ops = if r.operations.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", r.operations.join(", "))
                };
                format!(
                    "{}: {}{}: {}",
                    r.place(with_account),
                    r.status.label(),
                    ops,
                    r.unread
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faascan_checks::model::GapKind;

    fn demo() -> Inventory {
        serde_json::from_str(include_str!("../../mocks/demo/inventory.json"))
            .unwrap_or_else(|e| panic!("demo: {e}"))
    }

    fn gap(service: &str, region: Option<&str>, operation: &str, resource: Option<&str>) -> Gap {
        Gap {
            service: service.to_owned(),
            region: region.map(str::to_owned),
            operation: operation.to_owned(),
            resource: resource.map(str::to_owned),
            kind: GapKind::AccessDenied,
            error_code: "AccessDeniedException".to_owned(),
            message: "denied".to_owned(),
            request_id: None,
        }
    }

    fn clean() -> Inventory {
        let mut inventory = demo();
        inventory.gaps.clear();
        inventory
    }

    fn find<'a>(c: &'a Coverage, service: &str, region: &str) -> &'a CoverageRow {
        c.rows
            .iter()
            .find(|r| r.service == service && r.region == region)
            .unwrap_or_else(|| panic!("no row {service} {region}: {:#?}", c.rows))
    }

    #[test]
    fn everything_read_is_complete() {
        let c = Coverage::of(&clean(), &[]);
        assert!(c.complete && c.scan_complete);
        assert!(c.rows.iter().all(|r| r.status == CoverageStatus::Complete));
        // iam, s3, and lambda, apigateway, kms per region.
        assert_eq!(c.rows.len(), 2 + 3 * 2);
        assert!(c.headline().is_none() && c.shortfalls().is_empty());
    }

    #[test]
    fn one_attribute_gap_is_partial_and_leaves_the_scan_complete() {
        let mut inventory = clean();
        inventory.gaps.push(gap(
            "lambda",
            Some("us-east-1"),
            "GetPolicy",
            Some("arn:aws:lambda:us-east-1:123456789012:function:f"),
        ));
        let c = Coverage::of(&inventory, &[]);
        let row = find(&c, "lambda", "us-east-1");
        assert_eq!(row.status, CoverageStatus::Partial);
        assert_eq!(row.operations, ["GetPolicy"]);
        assert_eq!(row.gaps, 1);
        assert!(
            row.unread.contains("GetPolicy failed for 1 resource(s)"),
            "{}",
            row.unread
        );
        assert_eq!(
            find(&c, "lambda", "eu-west-1").status,
            CoverageStatus::Complete
        );
        assert!(!c.complete && c.scan_complete);
        assert!(
            c.headline()
                .is_some_and(|h| h.starts_with("INCOMPLETE SCAN"))
        );
    }

    #[test]
    fn the_demo_is_partial_in_s3_only() {
        let c = Coverage::of(&demo(), &[]);
        let s3 = find(&c, "s3", "global");
        assert_eq!(s3.status, CoverageStatus::Partial);
        assert_eq!(s3.operations, ["GetBucketVersioning"]);
        assert_eq!(s3.gaps, 4);
        assert!(c.scan_complete && !c.complete);
        assert_eq!(c.shortfalls().len(), 1);
    }

    #[test]
    fn a_settings_gap_is_partial() {
        let mut inventory = clean();
        let g = gap("apigateway", Some("eu-west-1"), "GetAccount", None);
        inventory.regions[1].apigateway_account = Attr::Unavailable(Box::new(g.clone()));
        inventory.gaps.push(g);
        let c = Coverage::of(&inventory, &[]);
        let row = find(&c, "apigateway", "eu-west-1");
        assert_eq!(row.status, CoverageStatus::Partial);
        assert!(
            row.unread.contains("API Gateway settings not read"),
            "{}",
            row.unread
        );
        assert!(c.scan_complete);
    }

    #[test]
    fn a_listing_that_failed_after_some_pages_is_incomplete() {
        let mut inventory = clean();
        let mut g = gap("lambda", Some("eu-west-1"), "ListFunctions", None);
        g.kind = GapKind::Throttled;
        g.error_code = "ThrottlingException".to_owned();
        inventory.gaps.push(g);
        let c = Coverage::of(&inventory, &[]);
        let row = find(&c, "lambda", "eu-west-1");
        assert_eq!(row.status, CoverageStatus::Incomplete);
        assert_eq!(row.operations, ["ListFunctions"]);
        assert_eq!(row.gaps, 1);
        assert!(row.unread.contains("listed only in part"), "{}", row.unread);
        assert!(!c.scan_complete && !c.complete);
        assert_eq!(
            find(&c, "lambda", "us-east-1").status,
            CoverageStatus::Complete
        );
    }

    #[test]
    fn a_listing_that_failed_wholly_is_not_read() {
        let mut inventory = clean();
        // Not in `gaps` on purpose: an inventory edited by hand still counts.
        inventory.regions[0].lambda_functions = Attr::Unavailable(Box::new(gap(
            "lambda",
            Some("us-east-1"),
            "ListFunctions",
            None,
        )));
        let c = Coverage::of(&inventory, &[]);
        let row = find(&c, "lambda", "us-east-1");
        assert_eq!(row.status, CoverageStatus::NotRead);
        assert_eq!(row.gaps, 1);
        assert!(
            row.unread.contains("Lambda functions not listed"),
            "{}",
            row.unread
        );
        assert!(!c.scan_complete);
        let lines = c.shortfall_lines(false);
        assert!(
            lines[0].starts_with("lambda us-east-1: not read (ListFunctions)"),
            "{lines:?}"
        );

        // One of several API Gateway listings failing: the others were read.
        let mut inventory = clean();
        let g = gap("apigateway", Some("us-east-1"), "GetRestApis", None);
        inventory.regions[0].rest_apis = Attr::Unavailable(Box::new(g.clone()));
        inventory.gaps.push(g);
        let c = Coverage::of(&inventory, &[]);
        let row = find(&c, "apigateway", "us-east-1");
        assert_eq!(row.status, CoverageStatus::Incomplete);
        assert_eq!(row.gaps, 1, "the gap is counted once");
        assert!(!c.scan_complete);
    }

    #[test]
    fn services_not_selected_are_not_a_shortfall() {
        let mut inventory = clean();
        let mut g = gap("kms", Some("us-east-1"), "*", None);
        g.kind = GapKind::NotAttempted;
        g.error_code = "ServiceNotSelected".to_owned();
        inventory.regions[0].kms_keys = Attr::Unavailable(Box::new(g.clone()));
        inventory.gaps.push(g);
        let c = Coverage::of(&inventory, &[]);
        let row = find(&c, "kms", "us-east-1");
        assert_eq!(row.status, CoverageStatus::NotSelected);
        assert_eq!(row.gaps, 0);
        assert!(c.complete && c.scan_complete);
    }

    #[test]
    fn a_crashed_check_makes_the_scan_incomplete() {
        let inventory = clean();
        let check = &faascan_checks::REGISTRY[0].meta;
        let resource = faascan_checks::check::ResourceRef::new(faascan_checks::check::Resource {
            arn: "arn:aws:iam::123456789012:root".into(),
            kind: faascan_checks::check::ResourceKind::Account,
            name: "123456789012".into(),
            region: "global".into(),
            account: "123456789012".into(),
        });
        let crash = Gap {
            service: "faascan".to_owned(),
            region: None,
            operation: check.id.to_owned(),
            resource: None,
            kind: GapKind::InternalError,
            error_code: "CheckPanicked".to_owned(),
            message: "boom".to_owned(),
            request_id: None,
        };
        let result = check.unknown(resource, "the check crashed: boom", Some(&crash));
        let c = Coverage::of(&inventory, &[result]);
        assert!(!c.scan_complete && !c.complete);
        let row = find(&c, "faascan", "global");
        assert_eq!(row.status, CoverageStatus::Incomplete);
        assert_eq!(row.operations, [check.id]);
    }

    #[test]
    fn the_time_budget_and_region_discovery_make_the_scan_incomplete() {
        let mut inventory = clean();
        let mut g = gap(
            "s3",
            Some("us-east-1"),
            "GetBucketPolicy",
            Some("arn:aws:s3:::b"),
        );
        g.kind = GapKind::NotAttempted;
        g.error_code = "TimeBudgetExceeded".to_owned();
        inventory.gaps.push(g);
        let c = Coverage::of(&inventory, &[]);
        let s3 = find(&c, "s3", "global");
        assert_eq!(s3.status, CoverageStatus::Partial);
        assert!(s3.unread.contains("time budget ran out"), "{}", s3.unread);
        assert!(!c.scan_complete, "a budget that ran out is scan-level");

        let mut inventory = clean();
        let mut g = gap("account", None, "ListRegions", None);
        g.error_code = "RegionDiscoveryFailed".to_owned();
        inventory.gaps.push(g);
        let c = Coverage::of(&inventory, &[]);
        let row = find(&c, "account", "global");
        assert_eq!(row.status, CoverageStatus::Incomplete);
        assert!(
            row.unread.contains("us-east-1, eu-west-1"),
            "{}",
            row.unread
        );
        assert!(!c.scan_complete);
    }

    #[test]
    fn a_failed_account_makes_the_combined_scan_incomplete() {
        let one = Coverage::of(&clean(), &[]);
        let c = Coverage::combine(
            vec![one.clone()],
            &[(
                "222222222222".to_owned(),
                "AccessDenied on AssumeRole".to_owned(),
            )],
        );
        assert!(!c.scan_complete && !c.complete);
        let row = c.rows.last().unwrap_or_else(|| panic!("no rows"));
        assert_eq!(
            (row.account.as_str(), row.status),
            ("222222222222", CoverageStatus::NotRead)
        );
        assert!(c.shortfall_lines(true)[0].starts_with("222222222222 account global: not read"));
        let both = Coverage::combine(vec![one.clone(), one], &[]);
        assert!(both.complete && both.scan_complete);
    }
}

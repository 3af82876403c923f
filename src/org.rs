//! Several accounts in one scan (`--accounts`, `--organization`): the audit role assumed in
//! each, the accounts fanned out on the process's runtime a few at a time, each account with
//! its own collector (its own clients, limits and retry state). An account that fails is
//! reported as failed; the others go on.

use crate::cli::TargetArgs;
use crate::collect::{FatalError, Target};
use crate::error::Failure;
use crate::plan::target_of;
use crate::run::Messages;
use faascan_checks::model::Inventory;
use futures::StreamExt;
use futures::future::BoxFuture;

/// An account that could not be scanned, and why.
pub(crate) type AccountFailure = (String, String);

/// Collects one account's inventory (the live collector, or a stand-in in tests).
pub(crate) type CollectOne<'a> =
    &'a (dyn Fn(Target) -> BoxFuture<'static, Result<Inventory, FatalError>> + Sync);

/// The organization's active accounts, listed with the base credentials, and the base
/// identity's partition.
pub(crate) async fn organization_accounts(
    base: &TargetArgs,
) -> Result<(String, Vec<String>), Failure> {
    crate::collect::organization_accounts(&target_of(&only_base(base)))
        .await
        .map_err(Failure::OrganizationUnlisted)
}

/// The base identity's partition, which the audit roles' ARNs are built in (asked of STS, not
/// guessed from `--region`, which may be unset with the region in `AWS_REGION` or a profile).
pub(crate) async fn base_partition(base: &TargetArgs) -> Result<String, Failure> {
    crate::collect::caller_partition(&target_of(&only_base(base)))
        .await
        .map_err(Failure::of_collect)
}

/// The base credentials' own target: no accounts to fan out to.
fn only_base(base: &TargetArgs) -> TargetArgs {
    let mut base = base.clone();
    base.organization = false;
    base.accounts.clear();
    base
}

/// Scans `accounts` through `role` in each (an ARN in `partition`, the base identity's), at
/// most `concurrency` at once; the inventories in the order of `accounts`, and the accounts
/// that failed. Fails only when none was scanned.
pub(crate) async fn collect_accounts(
    base: &TargetArgs,
    (accounts, partition): (&[String], &str),
    role: &str,
    concurrency: usize,
    messages: Messages,
    collect_one: CollectOne<'_>,
) -> Result<(Vec<Inventory>, Vec<AccountFailure>), Failure> {
    let outcomes: Vec<(String, Result<Inventory, String>)> =
        futures::stream::iter(accounts.iter().cloned())
            .map(|account| {
                let mut target = base.clone();
                target.accounts.clear();
                target.organization = false;
                target.role_arn = Some(format!("arn:{partition}:iam::{account}:role/{role}"));
                let started = collect_one(target_of(&target));
                async move {
                    messages.info(
                        &format!("account {account}"),
                        &[("account", serde_json::json!(account))],
                    );
                    // A task per account: the accounts run on the runtime's workers side by
                    // side, and one that panics fails alone.
                    let outcome = match tokio::spawn(started).await {
                        Ok(Ok(inventory)) => Ok(inventory),
                        Ok(Err(fatal)) => Err(chain(&Failure::of_collect(fatal))),
                        Err(_) => Err("the account's scan panicked".to_owned()),
                    };
                    (account, outcome)
                }
            })
            .buffered(concurrency.max(1))
            .collect()
            .await;
    let mut inventories = Vec::new();
    let mut failures = Vec::new();
    for (account, outcome) in outcomes {
        match outcome {
            Ok(inventory) if inventory.account.id == account => inventories.push(inventory),
            Ok(inventory) => failures.push((
                account.clone(),
                format!(
                    "the role landed in account {}, not {account}",
                    inventory.account.id
                ),
            )),
            Err(e) => failures.push((account, e)),
        }
    }
    if inventories.is_empty() && !failures.is_empty() {
        let reasons: Vec<String> = failures.iter().map(|(a, e)| format!("{a}: {e}")).collect();
        return Err(Failure::NoAccountScanned(reasons.join("\n")));
    }
    Ok((inventories, failures))
}

/// An error and its causes on one line, as the edge prints them.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn target(extra: &[&str]) -> TargetArgs {
        let mut argv = vec!["faascan", "scan"];
        argv.extend(extra);
        match Cli::parse_from(argv).command {
            Command::Scan(args) => args.target,
            _ => unreachable!(),
        }
    }

    fn inventory_of(account: &str) -> Inventory {
        let mut inventory: Inventory =
            serde_json::from_str(include_str!("../mocks/demo/inventory.json"))
                .unwrap_or_else(|e| panic!("{e}"));
        inventory.account.id = account.to_owned();
        inventory
    }

    fn account_of(target: &Target) -> String {
        let role = target.role_arn.clone().unwrap_or_default();
        role.split(':').nth(4).unwrap_or_default().to_owned()
    }

    const QUIET: Messages = Messages::QUIET;

    fn run(
        args: &TargetArgs,
        accounts: &[&str],
        concurrency: usize,
        collect: CollectOne<'_>,
    ) -> Result<(Vec<Inventory>, Vec<AccountFailure>), Failure> {
        let accounts: Vec<String> = accounts.iter().map(|a| (*a).to_owned()).collect();
        crate::runtime::block_on(collect_accounts(
            args,
            (&accounts, "aws"),
            "audit",
            concurrency,
            QUIET,
            collect,
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn one_failing_account_does_not_stop_the_others() {
        let args = target(&[]);
        let collect = |t: Target| -> BoxFuture<'static, Result<Inventory, FatalError>> {
            let account = account_of(&t);
            Box::pin(async move {
                if account == "222222222222" {
                    Err(FatalError::CredentialsRejected(format!(
                        "AccessDenied: not authorized to perform sts:AssumeRole in {account}"
                    )))
                } else {
                    Ok(inventory_of(&account))
                }
            })
        };
        let (inventories, failures) = run(
            &args,
            &["111111111111", "222222222222", "333333333333"],
            2,
            &collect,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let scanned: Vec<&str> = inventories.iter().map(|i| i.account.id.as_str()).collect();
        assert_eq!(scanned, ["111111111111", "333333333333"]);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].0, "222222222222");
        assert!(
            failures[0].1.starts_with("the scan could not run: ")
                && failures[0].1.contains("AccessDenied"),
            "{}",
            failures[0].1
        );
    }

    /// The accounts run side by side on the one runtime, never more than asked at once.
    #[test]
    fn accounts_fan_out_with_bounded_concurrency() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let (r, m) = (running.clone(), most.clone());
        let collect = move |t: Target| -> BoxFuture<'static, Result<Inventory, FatalError>> {
            let (running, most) = (r.clone(), m.clone());
            let account = account_of(&t);
            Box::pin(async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                Ok(inventory_of(&account))
            })
        };
        let accounts: Vec<String> = (0..9).map(|i| format!("{:012}", 100 + i)).collect();
        let ids: Vec<&str> = accounts.iter().map(String::as_str).collect();
        let (inventories, _) =
            run(&target(&[]), &ids, 3, &collect).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inventories.len(), 9);
        assert_eq!(
            most.load(Ordering::SeqCst),
            3,
            "three at once, not more, not fewer"
        );
    }

    #[test]
    fn the_audit_role_arn_is_in_the_base_identitys_partition() {
        for partition in ["aws-cn", "aws-us-gov", "aws"] {
            let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
            let record = seen.clone();
            let collect = move |t: Target| -> BoxFuture<'static, Result<Inventory, FatalError>> {
                if let Ok(mut seen) = record.lock() {
                    seen.push(t.role_arn.clone().unwrap_or_default());
                }
                Box::pin(async { Ok(inventory_of("111111111111")) })
            };
            let accounts = ["111111111111".to_owned()];
            crate::runtime::block_on(collect_accounts(
                // No --region: the partition must not come from it.
                &target(&[]),
                (&accounts, partition),
                "audit",
                1,
                QUIET,
                &collect,
            ))
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}"));
            let arns = seen.lock().map(|s| s.clone()).unwrap_or_default();
            assert_eq!(
                arns,
                [format!("arn:{partition}:iam::111111111111:role/audit")]
            );
        }
    }

    #[test]
    fn no_account_scanned_is_an_error_and_a_wrong_landing_is_a_failure() {
        let wrong = |_: Target| -> BoxFuture<'static, Result<Inventory, FatalError>> {
            Box::pin(async { Ok(inventory_of("999999999999")) })
        };
        let err = run(&target(&[]), &["111111111111"], 1, &wrong)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("no account could be scanned")
                && err.contains("landed in account 999999999999"),
            "{err}"
        );
    }
}

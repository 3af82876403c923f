//! Client-side pacing: every call waits for a slot in its quota groups' rate limiters (one per
//! account, region and group, at the rates of `quotas.tsv`) before it is sent, so the scan does
//! not cause its own throttles. A throttle it did not cause (another client spending the same
//! quota) pauses that group only, briefly and with jitter, growing while throttles continue and
//! shrinking again after successes; the call is then sent again.

use super::{Service, service_name};
use faascan_checks::model::ServicePacing;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU32;
use std::sync::{Arc, LazyLock, Mutex, RwLock};
use std::time::Duration;
use tokio::time::Instant;

/// The table faascan ships with (also read by mocks/quotaproxy.py).
pub(crate) const QUOTAS_TSV: &str = include_str!("quotas.tsv");

/// A group's documented rate: `requests` per `seconds`, at most `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rate {
    pub(crate) requests: u32,
    pub(crate) seconds: f64,
    pub(crate) burst: u32,
}

impl Rate {
    /// The limiter's quota: the documented rate, with a bucket half the service's, so calls
    /// that reach AWS a little later or earlier than their slot (queued behind calls in
    /// flight, then sent together) still find tokens there.
    fn quota(&self) -> Option<Quota> {
        let period = Duration::from_secs_f64(self.seconds / f64::from(self.requests.max(1)));
        let margin = (self.burst / 2).max(1);
        let burst = NonZeroU32::new(self.burst.saturating_sub(margin).max(1))?;
        Quota::with_period(period).map(|q| q.allow_burst(burst))
    }

    #[cfg(test)]
    pub(crate) fn per_second(&self) -> f64 {
        f64::from(self.requests) / self.seconds
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Row {
    service: String,
    operation: String,
    group: String,
}

/// The quota table: which groups each operation spends, and each group's rate.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct QuotaTable {
    rows: Vec<Row>,
    rates: BTreeMap<String, Rate>,
}

impl QuotaTable {
    /// Parses the TSV (see the header of `quotas.tsv`).
    pub(crate) fn parse(text: &str) -> Result<QuotaTable, String> {
        let mut table = QuotaTable::default();
        let lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
            .skip(1);
        for (n, line) in lines {
            let at = |m: &str| format!("quotas.tsv line {}: {m}", n + 1);
            let cols: Vec<&str> = line.split('\t').collect();
            let [service, operation, group, requests, seconds, burst, source] = cols[..] else {
                return Err(at("expected 7 tab-separated columns"));
            };
            let requests: u32 = requests
                .parse()
                .ok()
                .filter(|r| *r > 0)
                .ok_or_else(|| at("requests is not a positive integer"))?;
            let seconds: f64 = seconds
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite() && *s > 0.0)
                .ok_or_else(|| at("seconds is not a positive number"))?;
            let burst: u32 = burst
                .parse()
                .ok()
                .filter(|b| *b > 0)
                .ok_or_else(|| at("burst is not a positive integer"))?;
            if source.trim().is_empty() {
                return Err(at("every row needs its source"));
            }
            let rate = Rate {
                requests,
                seconds,
                burst,
            };
            match table.rates.get(group) {
                Some(known) if *known != rate => {
                    return Err(at(&format!("group {group} is given two rates")));
                }
                _ => {
                    table.rates.insert(group.to_owned(), rate);
                }
            }
            table.rows.push(Row {
                service: service.to_owned(),
                operation: operation.to_owned(),
                group: group.to_owned(),
            });
        }
        Ok(table)
    }

    /// The groups an operation spends: its own rows, else its service's `*` rows.
    pub(crate) fn groups_of(&self, service: &str, operation: &str) -> Vec<(&str, Rate)> {
        let pick = |op: &str| -> Vec<(&str, Rate)> {
            self.rows
                .iter()
                .filter(|r| r.service == service && r.operation == op)
                .filter_map(|r| Some((r.group.as_str(), *self.rates.get(&r.group)?)))
                .collect()
        };
        let own = pick(operation);
        if own.is_empty() { pick("*") } else { own }
    }

    #[cfg(test)]
    pub(crate) fn rate(&self, group: &str) -> Option<Rate> {
        self.rates.get(group).copied()
    }

    /// Whether the collector paces the calls of `group` (the start-up calls are not paced).
    fn paces(&self, group: &str) -> bool {
        self.rows
            .iter()
            .any(|r| r.group == group && !UNPACED_APIS.contains(&r.service.as_str()))
    }

    /// The table with the configuration's raised (or lowered) quotas.
    pub(crate) fn with(&self, overrides: &QuotaOverrides) -> Result<QuotaTable, String> {
        let mut table = self.clone();
        for (group, over) in &overrides.0 {
            if self.rates.contains_key(group) && !self.paces(group) {
                return Err(format!(
                    "quotas.{group}: faascan sends only its start-up calls (a few per account) \
                     to this API and does not pace them; the row is there for the quota harness"
                ));
            }
            let Some(rate) = table.rates.get_mut(group) else {
                let known: Vec<&str> = self
                    .rates
                    .keys()
                    .map(String::as_str)
                    .filter(|g| self.paces(g))
                    .collect();
                return Err(format!(
                    "quotas.{group}: no such quota group (known: {})",
                    known.join(", ")
                ));
            };
            *rate = over
                .rate(*rate)
                .map_err(|e| format!("quotas.{group}: {e}"))?;
        }
        Ok(table)
    }
}

/// APIs the table has rows for that faascan does not pace: its start-up calls (who am I, which
/// regions, which accounts, the audit role) are a handful per account, sent before the
/// account's pacer exists. The rows still tell the quota harness (`mocks/quotaproxy.py`) what
/// AWS enforces.
const UNPACED_APIS: [&str; 3] = ["sts", "account", "organizations"];

/// `[quotas]` in faascan.toml: a group's quota (raised or lowered), as requests per second
/// (`lambda-control = 50`) or in full (`apigateway-get-resources = { requests = 10,
/// seconds = 2, burst = 10 }`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(transparent)]
pub(crate) struct QuotaOverrides(pub(crate) BTreeMap<String, QuotaOverride>);

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum QuotaOverride {
    PerSecond(u32),
    Full(FullOverride),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FullOverride {
    requests: u32,
    seconds: Option<f64>,
    burst: Option<u32>,
}

impl QuotaOverride {
    fn rate(&self, documented: Rate) -> Result<Rate, String> {
        let (requests, seconds, burst) = match self {
            QuotaOverride::PerSecond(n) => (*n, 1.0, None),
            QuotaOverride::Full(f) => (f.requests, f.seconds.unwrap_or(1.0), f.burst),
        };
        if !(1..=1_000_000).contains(&requests) {
            return Err(format!("requests = {requests}: give 1 to 1000000"));
        }
        if !(seconds.is_finite() && (0.001..=3600.0).contains(&seconds)) {
            return Err(format!("seconds = {seconds}: give 0.001 to 3600"));
        }
        // Without a burst, the bucket keeps the documented one's shape: one period's requests.
        let burst = burst.unwrap_or(if requests == documented.requests {
            documented.burst
        } else {
            requests
        });
        if burst == 0 {
            return Err("burst = 0: give at least 1".to_owned());
        }
        Ok(Rate {
            requests,
            seconds,
            burst,
        })
    }
}

impl QuotaOverrides {
    /// Unknown groups and out-of-range values are configuration errors.
    pub(crate) fn validate(&self) -> Result<(), String> {
        builtin().with(self).map(|_| ())
    }
}

static BUILTIN: LazyLock<QuotaTable> =
    // The built-in table is tested to parse; were it ever broken, the scan runs unpaced.
    LazyLock::new(|| QuotaTable::parse(QUOTAS_TSV).unwrap_or_default());

fn builtin() -> &'static QuotaTable {
    &BUILTIN
}

/// The table in force: the built-in one with the configuration's overrides.
static CONFIGURED: RwLock<Option<Arc<QuotaTable>>> = RwLock::new(None);

/// Applies `[quotas]` from the configuration to every later scan in this process.
pub(crate) fn configure(overrides: &QuotaOverrides) -> Result<(), String> {
    let table = Arc::new(builtin().with(overrides)?);
    if let Ok(mut configured) = CONFIGURED.write() {
        *configured = Some(table);
    }
    Ok(())
}

fn table_in_force() -> Arc<QuotaTable> {
    CONFIGURED
        .read()
        .ok()
        .and_then(|c| c.clone())
        .unwrap_or_else(|| Arc::new(builtin().clone()))
}

/// How a group backs off after a throttle it did not cause.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BackoffPolicy {
    /// The first pause (before jitter halves it at most).
    pub(crate) base: Duration,
    /// The longest pause.
    pub(crate) cap: Duration,
    /// Successes after a pause that take the pause one step back down.
    pub(crate) decay_after: u32,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            base: Duration::from_millis(200),
            cap: Duration::from_millis(1600),
            decay_after: 3,
        }
    }
}

/// One group's throttle state. `epoch` counts pauses: a throttle of a request sent before
/// the current pause began belongs to the same wave and does not lengthen it. `recent` holds
/// the group's last `WINDOW` answers (a bit set per throttle): the limiter already keeps the
/// scan at the documented rate, so a throttle among mostly answered calls (another client's
/// burst, a transient) is retried without pausing the group; the group pauses when at least
/// half of its recent answers are throttles (the quota really is taken).
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    level: u32,
    epoch: u64,
    until: Option<Instant>,
    successes: u32,
    recent: u16,
    seen: u32,
}

/// Answers remembered per group to tell an isolated throttle from an exhausted quota.
const WINDOW: u32 = 16;

impl Backoff {
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The end of the pause, if one is running at `now`.
    pub(crate) fn paused_until(&self, now: Instant) -> Option<Instant> {
        self.until.filter(|u| *u > now)
    }

    /// A request sent at `sent_epoch` was throttled: a new pause (one step longer) unless
    /// this wave already started one. `jitter` is in [0, 1]. Returns whether a pause began.
    pub(crate) fn throttled(
        &mut self,
        policy: &BackoffPolicy,
        sent_epoch: u64,
        now: Instant,
        jitter: f64,
    ) -> bool {
        self.remember(true);
        if sent_epoch != self.epoch {
            return false;
        }
        let throttles = self.recent.count_ones();
        if throttles * 2 < self.seen.min(WINDOW) {
            return false;
        }
        self.level = self.level.saturating_add(1);
        self.epoch += 1;
        self.successes = 0;
        self.until = Some(now + pause(policy, self.level, jitter));
        true
    }

    /// A request sent after the last pause was answered: every `decay_after` of them take
    /// the next pause one step back down.
    pub(crate) fn succeeded(&mut self, policy: &BackoffPolicy, sent_epoch: u64) {
        self.remember(false);
        if self.level == 0 || sent_epoch != self.epoch {
            return;
        }
        self.successes += 1;
        if self.successes >= policy.decay_after.max(1) {
            self.successes = 0;
            self.level -= 1;
        }
    }

    fn remember(&mut self, throttled: bool) {
        self.recent = self.recent << 1 | u16::from(throttled);
        self.seen = self.seen.saturating_add(1);
    }

    #[cfg(test)]
    pub(crate) fn level(&self) -> u32 {
        self.level
    }
}

/// Exponential from `base`, capped, with "equal jitter" (half fixed, half random) so groups of
/// callers throttled together do not come back together.
pub(crate) fn pause(policy: &BackoffPolicy, level: u32, jitter: f64) -> Duration {
    let step = policy
        .base
        .saturating_mul(2u32.saturating_pow(level.saturating_sub(1)))
        .min(policy.cap);
    let half = step / 2;
    half + half.mul_f64(jitter.clamp(0.0, 1.0))
}

/// One quota group of one account and region.
struct Group {
    limiter: DefaultDirectRateLimiter,
    backoff: Mutex<Backoff>,
}

impl Group {
    fn paused_until(&self) -> Option<Instant> {
        self.backoff
            .lock()
            .ok()
            .and_then(|b| b.paused_until(Instant::now()))
    }

    fn epoch(&self) -> u64 {
        self.backoff.lock().map(|b| b.epoch()).unwrap_or_default()
    }
}

/// A pacer's groups, by region and group name: made on a group's first call and dropped with
/// the pacer when its account's scan ends (an organisation's thousands of accounts never
/// pile up), looked up without allocating.
type Groups = HashMap<String, HashMap<String, Arc<Group>>>;

/// What a call was let through under: its groups, and the pause count of each when it went.
pub(crate) struct Admission {
    groups: Vec<(Arc<Group>, u64)>,
}

/// Per service: throttled responses, pauses and time spent waiting for slots or pauses.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    throttled: u64,
    backoffs: u64,
    waited: Duration,
}

/// The pacing of one scan of one account: accounts scanned side by side each have their own
/// groups.
pub(crate) struct Pacer {
    table: Arc<QuotaTable>,
    policy: BackoffPolicy,
    groups: Mutex<Groups>,
    tallies: Mutex<BTreeMap<Service, Tally>>,
}

impl Pacer {
    /// Paced by the table in force (built in, with the configuration's overrides).
    pub(crate) fn new() -> Pacer {
        Pacer::with_table(table_in_force(), BackoffPolicy::default())
    }

    pub(crate) fn with_table(table: Arc<QuotaTable>, policy: BackoffPolicy) -> Pacer {
        Pacer {
            table,
            policy,
            groups: Mutex::default(),
            tallies: Mutex::default(),
        }
    }

    /// The account's group `name` in `region`, made on its first call.
    fn group(&self, region: &str, name: &str, rate: Rate) -> Option<Arc<Group>> {
        let mut groups = self.groups.lock().ok()?;
        if let Some(group) = groups.get(region).and_then(|g| g.get(name)) {
            return Some(group.clone());
        }
        let made = Arc::new(Group {
            limiter: RateLimiter::direct(rate.quota()?),
            backoff: Mutex::default(),
        });
        groups
            .entry(region.to_owned())
            .or_default()
            .insert(name.to_owned(), made.clone());
        Some(made)
    }

    /// Not paced at all, but still backing off after throttles of unknown groups (tests).
    pub(crate) fn unpaced() -> Pacer {
        Pacer::with_table(Arc::new(QuotaTable::default()), BackoffPolicy::default())
    }

    #[cfg(test)]
    pub(crate) fn with_policy(mut self, policy: BackoffPolicy) -> Pacer {
        self.policy = policy;
        self
    }

    /// Waits until every group of the call has a slot and none is pausing after a throttle.
    /// `retrying_throttle`: the call was just throttled, and a throttled request spent no
    /// token on AWS's side, so it is sent again on the slot it already had (after the pause).
    /// `api` is the API the call is sent to (its quota table rows), `service` the scanned
    /// service it serves (its progress line).
    pub(crate) async fn admit(
        &self,
        service: Service,
        api: &str,
        region: Option<&str>,
        operation: &str,
        retrying_throttle: bool,
    ) -> Admission {
        let started = Instant::now();
        let region = region.unwrap_or("global");
        let groups: Vec<Arc<Group>> = self
            .table
            .groups_of(api, operation)
            .into_iter()
            .filter_map(|(name, rate)| self.group(region, name, rate))
            .collect();
        let progress = crate::progress::service(service);
        let mut admitted = Vec::with_capacity(groups.len());
        for group in groups {
            // A pause that starts while this call waits for its slot is waited out too (at
            // most a few times, so a stream of throttles cannot hold one call for ever).
            for _ in 0..4 {
                if let Some(until) = group.paused_until() {
                    let _backing_off = progress.backing_off();
                    tokio::time::sleep_until(until).await;
                }
                if !retrying_throttle && group.limiter.check().is_err() {
                    let _waiting = progress.waiting();
                    group.limiter.until_ready().await;
                }
                if group.paused_until().is_none() {
                    break;
                }
            }
            let epoch = group.epoch();
            admitted.push((group, epoch));
        }
        let waited = started.elapsed();
        if waited >= Duration::from_millis(1)
            && let Ok(mut tallies) = self.tallies.lock()
        {
            tallies.entry(service).or_default().waited += waited;
        }
        Admission { groups: admitted }
    }

    /// The call was throttled: its groups pause (once per wave) when throttles are half of
    /// their recent answers (the quota is really taken). Otherwise (an isolated throttle:
    /// another client's burst, a blip; or an operation the table does not know) only this
    /// call backs off, for the first step (100-200 ms, jittered), before it is sent again:
    /// pausing the whole group for one throttle would slow every call behind it.
    pub(crate) async fn throttled(&self, service: Service, admission: &Admission) {
        let now = Instant::now();
        let mut began = 0;
        for (group, epoch) in &admission.groups {
            if let Ok(mut backoff) = group.backoff.lock()
                && backoff.throttled(&self.policy, *epoch, now, fastrand::f64())
            {
                began += 1;
            }
        }
        if let Ok(mut tallies) = self.tallies.lock() {
            let tally = tallies.entry(service).or_default();
            tally.throttled += 1;
            tally.backoffs += began;
        }
        // A running pause is waited out at the next admission; without one, wait here.
        let group_paused = admission
            .groups
            .iter()
            .any(|(group, _)| group.paused_until().is_some());
        if !group_paused {
            let wait = pause(&self.policy, 1, fastrand::f64());
            let _backing_off = crate::progress::service(service).backing_off();
            tokio::time::sleep(wait).await;
            if let Ok(mut tallies) = self.tallies.lock() {
                tallies.entry(service).or_default().waited += wait;
            }
        }
    }

    pub(crate) fn succeeded(&self, admission: &Admission) {
        for (group, epoch) in &admission.groups {
            if let Ok(mut backoff) = group.backoff.lock() {
                backoff.succeeded(&self.policy, *epoch);
            }
        }
    }

    /// The summary's figures, per service with anything to report.
    pub(crate) fn stats(&self) -> Vec<ServicePacing> {
        let tallies = self.tallies.lock().map(|t| t.clone()).unwrap_or_default();
        tallies
            .into_iter()
            .map(|(service, t)| ServicePacing {
                service: service_name(service).to_owned(),
                throttled: t.throttled,
                backoffs: t.backoffs,
                waited_ms: u64::try_from(t.waited.as_millis()).unwrap_or(u64::MAX),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Lambda `ListFunctions` admission in `region`.
    async fn list_functions(pacer: &Pacer, region: &str) -> Admission {
        pacer
            .admit(
                Service::Lambda,
                "lambda",
                Some(region),
                "ListFunctions",
                false,
            )
            .await
    }

    #[test]
    fn the_shipped_table_parses_and_names_a_source_per_row() {
        let table = QuotaTable::parse(QUOTAS_TSV).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(*builtin(), table);
        let groups = |s, o| {
            table
                .groups_of(s, o)
                .into_iter()
                .map(|(g, r)| (g.to_owned(), r.per_second()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            groups("lambda", "GetFunction"),
            [("lambda-get-function".to_owned(), 100.0)]
        );
        assert_eq!(
            groups("lambda", "GetPolicy"),
            [("lambda-get-policy".to_owned(), 15.0)]
        );
        assert_eq!(
            groups("lambda", "ListFunctions"),
            [("lambda-control".to_owned(), 15.0)]
        );
        assert_eq!(
            groups("apigateway", "GetResources"),
            [
                ("apigateway-get-resources".to_owned(), 2.5),
                ("apigateway-control".to_owned(), 10.0)
            ],
            "GetResources spends its own quota and the account's total"
        );
        assert_eq!(
            groups("apigateway", "GetApis"),
            [("apigateway-control".to_owned(), 10.0)]
        );
        for service in ["lambda", "iam", "s3", "apigateway", "kms", "sts"] {
            assert!(
                !table.groups_of(service, "AnyOperation").is_empty(),
                "{service} has a default group"
            );
        }
    }

    #[test]
    fn a_broken_table_is_refused() {
        let header = "service\toperation\tgroup\trequests\tseconds\tburst\tsource\n";
        for bad in [
            "lambda\t*\tg\t0\t1\t1\thttps://x",
            "lambda\t*\tg\t1\t0\t1\thttps://x",
            "lambda\t*\tg\t1\t1\t1\t ",
            "lambda\t*\tg\t1\t1",
            "lambda\ta\tg\t1\t1\t1\thttps://x\nlambda\tb\tg\t2\t1\t1\thttps://x",
        ] {
            assert!(
                QuotaTable::parse(&format!("{header}{bad}\n")).is_err(),
                "{bad:?} accepted"
            );
        }
    }

    #[test]
    fn overrides_raise_a_group_and_unknown_groups_are_errors() {
        let table = builtin();
        let parsed: QuotaOverrides = toml::from_str(
            "lambda-control = 50\napigateway-get-resources = { requests = 10, seconds = 2 }",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let raised = table.with(&parsed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            raised.rate("lambda-control").map(|r| r.per_second()),
            Some(50.0)
        );
        assert_eq!(
            raised
                .rate("apigateway-get-resources")
                .map(|r| r.per_second()),
            Some(5.0)
        );
        let unknown: QuotaOverrides =
            toml::from_str("lambda-contrl = 50").unwrap_or_else(|e| panic!("{e}"));
        let err = unknown.validate().err().unwrap_or_default();
        assert!(
            err.contains("lambda-contrl") && err.contains("lambda-control"),
            "{err}"
        );
        assert!(
            !err.contains("sts"),
            "an unpaced group is not offered: {err}"
        );
        let unpaced: QuotaOverrides = toml::from_str("sts = 200").unwrap_or_else(|e| panic!("{e}"));
        let err = unpaced.validate().err().unwrap_or_default();
        assert!(err.contains("does not pace"), "{err}");
        let zero: QuotaOverrides = toml::from_str("iam = 0").unwrap_or_else(|e| panic!("{e}"));
        assert!(zero.validate().is_err());
        assert!(toml::from_str::<QuotaOverrides>("iam = { requests = 5, per = 1 }").is_err());
    }

    #[test]
    fn a_pause_is_hundreds_of_ms_grows_with_jitter_and_is_capped() {
        let policy = BackoffPolicy::default();
        assert_eq!(pause(&policy, 1, 0.0), Duration::from_millis(100));
        assert_eq!(pause(&policy, 1, 1.0), Duration::from_millis(200));
        assert_eq!(pause(&policy, 2, 0.5), Duration::from_millis(300));
        for level in 1..40 {
            let p = pause(&policy, level, fastrand::f64());
            assert!(
                p <= policy.cap && p >= Duration::from_millis(100),
                "{level}: {p:?}"
            );
        }
    }

    #[test]
    fn one_wave_of_throttles_is_one_pause_and_successes_bring_it_back_down() {
        let policy = BackoffPolicy::default();
        let now = Instant::now();
        let mut b = Backoff::default();
        let sent = b.epoch();
        // Four calls in flight, throttled together: one pause, not four.
        assert!(b.throttled(&policy, sent, now, 0.0));
        for _ in 0..3 {
            assert!(!b.throttled(&policy, sent, now, 0.0));
        }
        assert_eq!(b.level(), 1);
        assert_eq!(b.paused_until(now), Some(now + Duration::from_millis(100)));
        assert_eq!(b.paused_until(now + Duration::from_millis(100)), None);
        // Throttles continue after the pause: the next one is longer.
        assert!(b.throttled(&policy, b.epoch(), now, 0.0));
        assert_eq!(b.level(), 2);
        assert_eq!(b.paused_until(now), Some(now + Duration::from_millis(200)));
        // Successes of calls sent before the pause say nothing; later ones decay it.
        b.succeeded(&policy, sent);
        assert_eq!(b.level(), 2);
        for _ in 0..policy.decay_after {
            b.succeeded(&policy, b.epoch());
        }
        assert_eq!(b.level(), 1);
        for _ in 0..policy.decay_after * 5 {
            b.succeeded(&policy, b.epoch());
        }
        assert_eq!(b.level(), 0, "never below zero");
        // After a run of answers, one throttle is retried without pausing the group...
        let later = now + Duration::from_secs(1);
        assert!(!b.throttled(&policy, b.epoch(), later, 0.0));
        assert_eq!(b.paused_until(later), None);
        // ...and throttles that become half of the recent answers pause it, starting short.
        let mut paused = false;
        for _ in 0..WINDOW {
            paused |= b.throttled(&policy, b.epoch(), now, 0.0);
            if paused {
                break;
            }
        }
        assert!(paused);
        assert_eq!(b.level(), 1, "a throttle after recovery starts short again");
    }

    #[test]
    fn one_throttle_in_five_never_pauses_the_group() {
        let policy = BackoffPolicy::default();
        let now = Instant::now();
        let mut b = Backoff::default();
        for _ in 0..WINDOW {
            b.succeeded(&policy, b.epoch());
        }
        for i in 0..200 {
            if i % 5 == 0 {
                assert!(!b.throttled(&policy, b.epoch(), now, 0.5), "call {i}");
            } else {
                b.succeeded(&policy, b.epoch());
            }
        }
        assert_eq!(b.level(), 0);
    }

    fn small_table() -> Arc<QuotaTable> {
        Arc::new(
            QuotaTable::parse(
                "service\toperation\tgroup\trequests\tseconds\tburst\tsource\n\
                 lambda\t*\tlambda-control\t50\t1\t5\ttest\n\
                 kms\t*\tkms-other\t1000\t1\t1000\ttest\n",
            )
            .unwrap_or_else(|e| panic!("{e}")),
        )
    }

    #[tokio::test]
    async fn calls_are_paced_at_the_groups_rate() {
        let pacer = Pacer::with_table(small_table(), BackoffPolicy::default());
        let started = Instant::now();
        // A bucket of 3 (half of 5, rounded up), then 20 ms apart: 3 + 10 calls take 200 ms.
        for _ in 0..13 {
            list_functions(&pacer, "us-east-1").await;
        }
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(180) && took < Duration::from_millis(600),
            "{took:?}"
        );
        // Another region, another account (its own pacer), another service: their own buckets.
        let other = Instant::now();
        for _ in 0..3 {
            list_functions(&pacer, "eu-west-1").await;
            list_functions(
                &Pacer::with_table(small_table(), BackoffPolicy::default()),
                "us-east-1",
            )
            .await;
        }
        assert!(
            other.elapsed() < Duration::from_millis(50),
            "{:?}",
            other.elapsed()
        );
        let stats = pacer.stats();
        assert_eq!(stats.len(), 1);
        assert_eq!(stats[0].service, "lambda");
        assert!(stats[0].waited_ms >= 150, "{stats:?}");
    }

    #[test]
    fn a_call_is_paced_by_the_api_it_is_sent_to() {
        let groups = |site: crate::collect::Site<'_>| -> Vec<String> {
            builtin()
                .groups_of(site.api, site.operation)
                .into_iter()
                .map(|(group, _)| group.to_owned())
                .collect()
        };
        // The Tagging API's listing serves KMS and S3 but spends the Tagging API's quota.
        let listing = crate::collect::Site::new(Service::Kms, "us-east-1", "GetResources");
        assert_eq!(groups(listing.via("tagging")), ["tagging-get-resources"]);
        assert_eq!(
            groups(
                crate::collect::Site::new(Service::S3, "us-east-1", "GetResources").via("tagging")
            ),
            ["tagging-get-resources"]
        );
        assert_eq!(groups(listing.op("GetKeyPolicy")), ["kms-get-key-policy"]);
    }

    #[tokio::test]
    async fn a_throttle_pauses_only_its_group_briefly() {
        let policy = BackoffPolicy {
            base: Duration::from_millis(40),
            cap: Duration::from_millis(80),
            decay_after: 2,
        };
        let pacer = Pacer::with_table(small_table(), policy).with_policy(policy);
        let admission = list_functions(&pacer, "us-east-1").await;
        pacer.throttled(Service::Lambda, &admission).await;
        // KMS is not held up by Lambda's pause.
        let started = Instant::now();
        pacer
            .admit(Service::Kms, "kms", Some("us-east-1"), "ListKeys", false)
            .await;
        assert!(started.elapsed() < Duration::from_millis(15));
        // Lambda waits the pause out (20 to 40 ms), no longer.
        let started = Instant::now();
        let next = list_functions(&pacer, "us-east-1").await;
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(15) && waited < Duration::from_millis(200),
            "{waited:?}"
        );
        pacer.succeeded(&next);
        let stats = pacer.stats();
        let lambda = stats
            .iter()
            .find(|s| s.service == "lambda")
            .unwrap_or_else(|| panic!("{stats:?}"));
        assert_eq!((lambda.throttled, lambda.backoffs), (1, 1));
    }

    #[tokio::test]
    async fn an_isolated_throttle_backs_off_the_call_not_its_group() {
        let policy = BackoffPolicy {
            base: Duration::from_millis(40),
            cap: Duration::from_millis(80),
            decay_after: 2,
        };
        let pacer = Pacer::with_table(small_table(), policy).with_policy(policy);
        // A run of answers first: one throttle among them is not the quota running out.
        for _ in 0..WINDOW {
            let answered = list_functions(&pacer, "us-east-1").await;
            pacer.succeeded(&answered);
        }
        let admission = list_functions(&pacer, "us-east-1").await;
        let started = Instant::now();
        pacer.throttled(Service::Lambda, &admission).await;
        let backed_off = started.elapsed();
        assert!(
            backed_off >= Duration::from_millis(15) && backed_off < Duration::from_millis(200),
            "the throttled call waits a jittered first step: {backed_off:?}"
        );
        // The group itself was not paused: the next Lambda call goes at once.
        let started = Instant::now();
        pacer
            .admit(
                Service::Lambda,
                "lambda",
                Some("us-east-1"),
                "ListFunctions",
                true,
            )
            .await;
        assert!(started.elapsed() < Duration::from_millis(15));
        let stats = pacer.stats();
        let lambda = stats
            .iter()
            .find(|s| s.service == "lambda")
            .unwrap_or_else(|| panic!("{stats:?}"));
        assert_eq!((lambda.throttled, lambda.backoffs), (1, 0));
    }

    #[tokio::test]
    async fn an_operation_without_a_group_still_backs_off_once() {
        let policy = BackoffPolicy {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(20),
            decay_after: 1,
        };
        let pacer = Pacer::unpaced().with_policy(policy);
        let admission = pacer
            .admit(Service::Iam, "iam", None, "ListRoles", false)
            .await;
        let started = Instant::now();
        pacer.throttled(Service::Iam, &admission).await;
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(10) && waited < Duration::from_millis(200),
            "{waited:?}"
        );
    }
}

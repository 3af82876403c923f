//! What every check receives: the inventory, validated options, and shared lookups (a
//! function's role, a role's functions, a principal's effective permissions) so no check
//! rebuilds an index.

use crate::check::{ResourceKind, ResourceRef};
use crate::model::{Attr, Gap, IamRole, IamUser, Inventory, LambdaFunction};
use crate::policy::{
    AnalysedPolicy, Permissions, Policy, PolicyError, SourceError, analyse_policy, combine,
};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;
use std::sync::OnceLock;
use time::macros::date;
use time::{Date, OffsetDateTime};

/// A Lambda runtime's deprecation date and where that date comes from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuntimeDeprecation {
    pub runtime: &'static str,
    pub deprecated: Date,
    pub source: &'static str,
}

const LAMBDA_RUNTIMES_DOC: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html";

macro_rules! runtime {
    ($name:literal, $date:expr) => {
        RuntimeDeprecation {
            runtime: $name,
            deprecated: $date,
            source: LAMBDA_RUNTIMES_DOC,
        }
    };
}

/// Deprecation dates of Lambda-managed runtimes, from the AWS Lambda runtimes page (deprecated
/// and scheduled; checked against it in November 2026). Overridable through `Options::runtimes`.
pub fn default_runtime_table() -> Vec<RuntimeDeprecation> {
    vec![
        runtime!("nodejs22.x", date!(2027 - 04 - 30)),
        runtime!("nodejs20.x", date!(2026 - 04 - 30)),
        runtime!("nodejs18.x", date!(2025 - 09 - 01)),
        runtime!("nodejs16.x", date!(2024 - 06 - 12)),
        runtime!("nodejs14.x", date!(2023 - 12 - 04)),
        runtime!("nodejs12.x", date!(2023 - 03 - 31)),
        runtime!("nodejs10.x", date!(2021 - 07 - 30)),
        runtime!("nodejs8.10", date!(2020 - 03 - 06)),
        runtime!("nodejs6.10", date!(2019 - 08 - 12)),
        runtime!("nodejs4.3", date!(2020 - 03 - 05)),
        runtime!("nodejs4.3-edge", date!(2020 - 03 - 05)),
        runtime!("nodejs", date!(2016 - 10 - 31)),
        runtime!("python3.13", date!(2029 - 06 - 30)),
        runtime!("python3.12", date!(2028 - 10 - 31)),
        runtime!("python3.11", date!(2026 - 06 - 30)),
        runtime!("python3.10", date!(2026 - 06 - 30)),
        runtime!("python3.9", date!(2025 - 12 - 15)),
        runtime!("python3.8", date!(2024 - 10 - 14)),
        runtime!("python3.7", date!(2023 - 12 - 04)),
        runtime!("python3.6", date!(2022 - 07 - 18)),
        runtime!("python2.7", date!(2021 - 07 - 15)),
        runtime!("java21", date!(2029 - 06 - 30)),
        runtime!("java17", date!(2026 - 06 - 30)),
        runtime!("java11", date!(2026 - 06 - 30)),
        runtime!("java8.al2", date!(2026 - 06 - 30)),
        runtime!("java8", date!(2024 - 01 - 08)),
        runtime!("dotnet8", date!(2026 - 11 - 10)),
        runtime!("dotnet7", date!(2024 - 05 - 14)),
        runtime!("dotnet6", date!(2024 - 11 - 12)),
        runtime!("dotnet5.0", date!(2022 - 05 - 10)),
        runtime!("dotnetcore3.1", date!(2023 - 04 - 03)),
        runtime!("dotnetcore2.1", date!(2022 - 01 - 05)),
        runtime!("dotnetcore2.0", date!(2019 - 05 - 30)),
        runtime!("dotnetcore1.0", date!(2019 - 07 - 27)),
        runtime!("ruby3.3", date!(2027 - 03 - 31)),
        runtime!("ruby3.2", date!(2026 - 03 - 31)),
        runtime!("ruby2.7", date!(2023 - 11 - 27)),
        runtime!("ruby2.5", date!(2021 - 07 - 30)),
        runtime!("provided.al2023", date!(2029 - 06 - 30)),
        runtime!("provided.al2", date!(2026 - 06 - 30)),
        runtime!("provided", date!(2024 - 01 - 08)),
        runtime!("go1.x", date!(2024 - 01 - 08)),
    ]
}

/// Check options, with the defaults CHECKS.md states.
#[derive(Debug, Clone)]
pub struct Options {
    /// Accounts outside the scanned one that are trusted (cross-account checks ignore them).
    pub trusted_accounts: Vec<String>,
    /// The evaluation time (injectable so ages are testable).
    pub now: OffsetDateTime,
    pub role_unused_days: i64,
    pub access_key_max_age_days: i64,
    pub access_key_unused_days: i64,
    pub kms_key_material_max_age_days: i64,
    pub api_key_max_age_days: i64,
    pub lambda_timeout_threshold_seconds: i32,
    /// Days before a runtime's deprecation date at which it is reported (medium severity).
    pub runtime_warning_days: i64,
    pub runtimes: Vec<RuntimeDeprecation>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            trusted_accounts: Vec::new(),
            now: OffsetDateTime::now_utc(),
            role_unused_days: 90,
            access_key_max_age_days: 90,
            access_key_unused_days: 90,
            kms_key_material_max_age_days: 365,
            api_key_max_age_days: 365,
            lambda_timeout_threshold_seconds: 900,
            runtime_warning_days: 90,
            runtimes: default_runtime_table(),
        }
    }
}

pub struct Context<'a> {
    pub inventory: &'a Inventory,
    pub options: &'a Options,
    account: Arc<str>,
    regions: Vec<Arc<str>>,
    /// Resource references for the large populations, built once, keyed by the address of the
    /// inventory object (hashing long ARNs a million times showed in profiles).
    refs: HashMap<usize, ResourceRef, BuildHasherDefault<AddressHasher>>,
    functions_by_role: HashMap<&'a str, Vec<&'a LambdaFunction>>,
    roles_by_arn: HashMap<&'a str, &'a IamRole>,
    managed: HashMap<&'a str, OnceLock<Result<Arc<AnalysedPolicy>, Unresolved>>>,
    kms_keys_by_arn: HashMap<&'a str, &'a crate::model::KmsKey>,
    /// Parsed policy documents by text: several checks read the same resource policy.
    parsed: std::sync::Mutex<HashMap<&'a str, Arc<Result<Policy, PolicyError>>>>,
    /// Analysed inline policies by text (generated stacks repeat them across roles).
    inline: std::sync::Mutex<HashMap<(String, &'a str), Arc<AnalysedPolicy>>>,
    /// Credential-free entries per function, computed once for the checks that need them.
    pub(crate) entries: OnceLock<crate::path::entries::Entries>,
    role_permissions: HashMap<&'a str, OnceLock<Result<Permissions, Unresolved>>>,
}

/// Why a principal's permissions could not be computed.
#[derive(Debug, Clone)]
pub struct Unresolved {
    pub reason: String,
    pub gap: Option<Box<Gap>>,
}

impl<'a> Context<'a> {
    pub fn new(inventory: &'a Inventory, options: &'a Options) -> Self {
        let mut functions_by_role: HashMap<&str, Vec<&LambdaFunction>> = HashMap::new();
        for function in inventory.lambda_functions() {
            functions_by_role
                .entry(function.role_arn.as_str())
                .or_default()
                .push(function);
        }
        let role_permissions = inventory
            .iam
            .known()
            .map(|iam| {
                iam.roles
                    .iter()
                    .map(|r| (r.arn.as_str(), OnceLock::new()))
                    .collect()
            })
            .unwrap_or_default();
        let roles_by_arn = inventory
            .iam
            .known()
            .map(|iam| iam.roles.iter().map(|r| (r.arn.as_str(), r)).collect())
            .unwrap_or_default();
        let managed = inventory
            .iam
            .known()
            .map(|iam| {
                iam.managed_policies
                    .keys()
                    .map(|arn| (arn.as_str(), OnceLock::new()))
                    .collect()
            })
            .unwrap_or_default();
        let kms_keys_by_arn = inventory.kms_keys().map(|k| (k.arn.as_str(), k)).collect();
        let account: Arc<str> = Arc::from(inventory.account.id.as_str());
        let mut regions: Vec<Arc<str>> = inventory
            .regions
            .iter()
            .map(|r| Arc::from(r.region.as_str()))
            .collect();
        regions.push(Arc::from("global"));
        let region = |name: &str| {
            regions
                .iter()
                .find(|r| &***r == name)
                .cloned()
                .unwrap_or_else(|| Arc::from(name))
        };
        let reference = |kind, arn: &str, name: &str, region: Arc<str>| ResourceRef {
            arn: Arc::from(arn),
            kind,
            name: Arc::from(name),
            region,
            account: account.clone(),
        };
        let mut refs: HashMap<usize, ResourceRef, BuildHasherDefault<AddressHasher>> =
            HashMap::default();
        for f in inventory.lambda_functions() {
            refs.insert(
                address(f),
                reference(
                    ResourceKind::LambdaFunction,
                    &f.arn,
                    &f.name,
                    region(&f.region),
                ),
            );
        }
        for r in inventory
            .iam
            .known()
            .map(|i| i.roles.as_slice())
            .unwrap_or_default()
        {
            refs.insert(
                address(r),
                reference(ResourceKind::IamRole, &r.arn, &r.name, region("global")),
            );
        }
        for b in inventory.buckets() {
            let name = b.region.known().map_or("unknown", String::as_str);
            refs.insert(
                address(b),
                reference(ResourceKind::S3Bucket, &b.arn, &b.name, region(name)),
            );
        }
        for k in inventory.kms_keys() {
            let name = k
                .aliases
                .known()
                .and_then(|a| a.first())
                .map_or(k.id.as_str(), String::as_str);
            refs.insert(
                address(k),
                reference(ResourceKind::KmsKey, &k.arn, name, region(&k.region)),
            );
        }
        Context {
            inventory,
            options,
            regions,
            refs,
            account,
            functions_by_role,
            roles_by_arn,
            managed,
            kms_keys_by_arn,
            parsed: std::sync::Mutex::new(HashMap::new()),
            inline: std::sync::Mutex::new(HashMap::new()),
            entries: OnceLock::new(),
            role_permissions,
        }
    }

    pub fn account(&self) -> &str {
        &self.inventory.account.id
    }

    /// Whether an account id is the scanned one or explicitly trusted.
    pub fn is_trusted_account(&self, account: &str) -> bool {
        account == self.account() || self.options.trusted_accounts.iter().any(|a| a == account)
    }

    pub fn functions_of_role(&self, role_arn: &str) -> &[&'a LambdaFunction] {
        self.functions_by_role
            .get(role_arn)
            .map_or(&[], Vec::as_slice)
    }

    /// A policy document from the inventory, parsed once however many checks read it.
    pub fn parsed(&self, text: &'a str) -> Arc<Result<Policy, PolicyError>> {
        if let Some(hit) = self.parsed.lock().ok().and_then(|m| m.get(text).cloned()) {
            return hit;
        }
        let parsed = Arc::new(Policy::parse(text));
        if let Ok(mut m) = self.parsed.lock() {
            m.insert(text, parsed.clone());
        }
        parsed
    }

    /// The accounts of a resource policy that are neither the scanned one nor trusted, or a
    /// pass: the shared judgement of the cross-account checks.
    pub fn judge_outside_accounts(
        &self,
        meta: &crate::check::CheckMeta,
        resource: ResourceRef,
        accounts: &std::collections::BTreeSet<String>,
        subject: &str,
        evidence_path: &str,
    ) -> crate::check::CheckResult {
        let outside: Vec<&str> = accounts
            .iter()
            .map(String::as_str)
            .filter(|a| !self.is_trusted_account(a))
            .collect();
        if outside.is_empty() {
            return meta.pass(resource);
        }
        meta.fail_one(
            resource,
            format!(
                "{subject} account(s) outside the trusted list: {}",
                outside.join(", ")
            ),
            outside
                .iter()
                .map(|a| crate::check::evidence(evidence_path, *a))
                .collect(),
        )
    }

    /// What a resource policy lets others do (`actions` as in `policy::analyze`): `None` when
    /// there is no policy, or the unknown result that replaces a verdict when the policy could
    /// not be read or parsed.
    pub fn policy_access(
        &self,
        meta: &crate::check::CheckMeta,
        resource: &ResourceRef,
        policy: &'a Attr<Option<String>>,
        actions: &[&str],
    ) -> Result<Option<crate::policy::ResourceAccess>, Box<crate::check::CheckResult>> {
        match policy {
            Attr::Unavailable(gap) => Err(Box::new(meta.unknown_gap(resource.clone(), gap))),
            Attr::Known(None) => Ok(None),
            Attr::Known(Some(text)) => match self.parsed(text).as_ref() {
                Ok(parsed) => Ok(Some(crate::policy::analyze(parsed, actions))),
                Err(e) => Err(Box::new(meta.unknown(
                    resource.clone(),
                    format!("the policy is malformed: {e}"),
                    None,
                ))),
            },
        }
    }

    pub fn kms_key(&self, arn: &str) -> Option<&'a crate::model::KmsKey> {
        self.kms_keys_by_arn.get(arn).copied()
    }

    pub fn role(&self, arn: &str) -> Option<&'a IamRole> {
        self.roles_by_arn.get(arn).copied()
    }

    /// A role's effective permissions, computed once however many checks ask.
    pub fn role_permissions(&self, role: &'a IamRole) -> Result<&Permissions, Unresolved> {
        match self.role_permissions.get(role.arn.as_str()) {
            Some(cell) => cell
                .get_or_init(|| {
                    self.compute(
                        role.inline_policies
                            .iter()
                            .map(|p| (format!("inline:{}", p.name), p.document.as_str()))
                            .collect(),
                        &role.attached_policies,
                        role.permissions_boundary.as_deref(),
                    )
                })
                .as_ref()
                .map_err(Clone::clone),
            None => Err(Unresolved {
                reason: format!("{} is not in the inventory", role.arn),
                gap: None,
            }),
        }
    }

    /// A user's effective permissions (own and group policies).
    pub fn user_permissions(&self, user: &'a IamUser) -> Result<Permissions, Unresolved> {
        let mut inline: Vec<(String, &'a str)> = user
            .inline_policies
            .iter()
            .map(|p| (format!("inline:{}", p.name), p.document.as_str()))
            .collect();
        let mut attached = user.attached_policies.clone();
        if let Some(iam) = self.inventory.iam.known() {
            for group in iam.groups.iter().filter(|g| user.groups.contains(&g.name)) {
                inline.extend(group.inline_policies.iter().map(|p| {
                    (
                        format!("inline:{}/{}", group.name, p.name),
                        p.document.as_str(),
                    )
                }));
                attached.extend(group.attached_policies.iter().cloned());
            }
        }
        self.compute(inline, &attached, user.permissions_boundary.as_deref())
    }

    /// A managed policy, analysed once however many principals attach it.
    fn managed(&self, arn: &str) -> Result<Arc<AnalysedPolicy>, Unresolved> {
        let Some(cell) = self.managed.get(arn) else {
            return Err(Unresolved {
                reason: format!("the managed policy {arn} is not in the inventory"),
                gap: None,
            });
        };
        cell.get_or_init(|| {
            let policy = self
                .inventory
                .iam
                .known()
                .and_then(|iam| iam.managed_policies.get(arn));
            match policy.map(|p| &p.document) {
                Some(Attr::Known(document)) => analyse_policy(arn, document)
                    .map(Arc::new)
                    .map_err(malformed),
                Some(Attr::Unavailable(gap)) => Err(Unresolved {
                    reason: format!("the document of {arn} could not be read"),
                    gap: Some(Box::new(gap.clone())),
                }),
                None => Err(Unresolved {
                    reason: format!("the managed policy {arn} is not in the inventory"),
                    gap: None,
                }),
            }
        })
        .clone()
    }

    fn inline_policy(
        &self,
        source: String,
        document: &'a str,
    ) -> Result<Arc<AnalysedPolicy>, Unresolved> {
        let key = (source, document);
        if let Some(hit) = self.inline.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(hit);
        }
        let analysed = Arc::new(analyse_policy(&key.0, document).map_err(malformed)?);
        if let Ok(mut m) = self.inline.lock() {
            m.insert(key, analysed.clone());
        }
        Ok(analysed)
    }

    fn compute(
        &self,
        inline: Vec<(String, &'a str)>,
        attached: &[String],
        boundary: Option<&str>,
    ) -> Result<Permissions, Unresolved> {
        if self.inventory.iam.known().is_none() {
            return Err(Unresolved {
                reason: "IAM could not be read".to_owned(),
                gap: self.inventory.iam.gap().cloned().map(Box::new),
            });
        }
        let mut policies = Vec::with_capacity(inline.len() + attached.len());
        for (source, document) in inline {
            policies.push(self.inline_policy(source, document)?);
        }
        for arn in attached {
            policies.push(self.managed(arn)?);
        }
        let boundary = boundary.map(|arn| self.managed(arn)).transpose()?;
        Ok(combine(&policies, boundary.as_deref()))
    }

    pub fn resource(&self, kind: ResourceKind, arn: &str, name: &str, region: &str) -> ResourceRef {
        ResourceRef {
            arn: Arc::from(arn),
            kind,
            name: Arc::from(name),
            region: self.region(region),
            account: self.account.clone(),
        }
    }

    /// Region names, shared.
    fn region(&self, region: &str) -> Arc<str> {
        self.regions
            .iter()
            .find(|r| &***r == region)
            .cloned()
            .unwrap_or_else(|| Arc::from(region))
    }

    /// Built once per function, shared by every check's results.
    pub fn function_ref(&self, f: &LambdaFunction) -> ResourceRef {
        self.refs.get(&address(f)).cloned().unwrap_or_else(|| {
            self.resource(ResourceKind::LambdaFunction, &f.arn, &f.name, &f.region)
        })
    }

    /// The function's ARN and name under another kind (its URL, its mappings).
    pub fn function_ref_as(&self, f: &LambdaFunction, kind: ResourceKind) -> ResourceRef {
        ResourceRef {
            kind,
            ..self.function_ref(f)
        }
    }

    pub fn role_ref(&self, r: &IamRole) -> ResourceRef {
        self.refs
            .get(&address(r))
            .cloned()
            .unwrap_or_else(|| self.resource(ResourceKind::IamRole, &r.arn, &r.name, "global"))
    }

    /// A prebuilt reference for a bucket or key of this inventory (see `Context::new`).
    pub fn prebuilt<T>(&self, resource: &T) -> Option<ResourceRef> {
        self.refs.get(&address(resource)).cloned()
    }

    /// Whole days from `then` to the evaluation time.
    pub fn age_days(&self, then: OffsetDateTime) -> i64 {
        (self.options.now - then).whole_days()
    }
}

fn malformed(e: SourceError) -> Unresolved {
    Unresolved {
        reason: format!("policy {} is malformed: {}", e.policy, e.error),
        gap: None,
    }
}

fn address<T>(value: &T) -> usize {
    std::ptr::from_ref(value) as usize
}

/// Addresses are already unique: mix them a little and use them as the hash.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | u64::from(*b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_usize(&mut self, value: usize) {
        self.0 = (value as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

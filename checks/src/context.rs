//! What every check receives: the inventory, validated options, and indexes built once so no
//! check rebuilds one (a function's role, a role's functions, resource references, parsed
//! policy documents, a principal's effective permissions), plus a memo for what the shared
//! analysis computes once per evaluation (`Context::memo`).

use crate::model::{Attr, Gap, IamRole, IamUser, Inventory, LambdaFunction};
pub use crate::options::{Options, RuntimeDeprecation, default_runtime_table};
use crate::policy::{
    AnalysedPolicy, Permissions, Policy, PolicyError, SourceError, analyse_policy, combine,
};
use crate::result::{Resource, ResourceKind, ResourceRef};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex, OnceLock};
use time::OffsetDateTime;

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
    /// What the shared analysis computes once per evaluation, by type (see `memo`).
    memos: Mutex<HashMap<TypeId, Arc<MemoCell>>>,
    role_permissions: HashMap<&'a str, OnceLock<Result<Permissions, Unresolved>>>,
}

/// One memoised value, of the type its key names.
type MemoCell = OnceLock<Arc<dyn Any + Send + Sync>>;

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
        let reference = |kind, arn: &str, name: &str, region: Arc<str>| {
            ResourceRef::new(Resource {
                arn: Arc::from(arn),
                kind,
                name: Arc::from(name),
                region,
                account: account.clone(),
            })
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
            memos: Mutex::new(HashMap::new()),
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

    /// A value of type `T` computed once per evaluation however many checks ask, in parallel
    /// or not (the shared analysis keeps its results here without the context knowing them).
    pub(crate) fn memo<T: Any + Send + Sync>(&self, compute: impl Fn() -> T) -> Arc<T> {
        let cell = match self.memos.lock() {
            Ok(mut memos) => memos.entry(TypeId::of::<T>()).or_default().clone(),
            // A check panicked while holding the lock: compute without the memo.
            Err(_) => Arc::new(OnceLock::new()),
        };
        let value: Arc<dyn Any + Send + Sync> = cell.get_or_init(|| Arc::new(compute())).clone();
        // Keyed by `T`'s type id, the value is a `T`; were it not, compute afresh.
        value
            .downcast::<T>()
            .unwrap_or_else(|_| Arc::new(compute()))
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
            // A group the user is in but the inventory lacks (a partly read listing) would
            // silently drop its policies: the user's permissions are unknown, not smaller.
            if let Some(missing) = user
                .groups
                .iter()
                .find(|name| !iam.groups.iter().any(|g| &g.name == *name))
            {
                return Err(Unresolved {
                    reason: format!("the user's group {missing} is not in the inventory"),
                    gap: self
                        .inventory
                        .listing_gap(&crate::model::listing::IAM_PRINCIPALS, None)
                        .map(|gap| Box::new(gap.clone())),
                });
            }
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
                    gap: Some(gap.clone()),
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
        ResourceRef::new(Resource {
            arn: Arc::from(arn),
            kind,
            name: Arc::from(name),
            region: self.region(region),
            account: self.account.clone(),
        })
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
        self.function_ref(f).as_kind(kind)
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

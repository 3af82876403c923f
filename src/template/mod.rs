//! Templates as a second source of the inventory (`faascan scan --template PATH`): AWS
//! CloudFormation and SAM (YAML or JSON), CDK synth output, Serverless Framework files and
//! Terraform plan JSON are read into the same `Inventory` the live collector fills, so every
//! check runs unchanged, and `Inventory.sources` says where each resource was declared.
//!
//! Made-up values, documented: the account is `123456789012` (override with
//! `--parameter AWS::AccountId=...`; a Terraform plan that knows the ARNs of existing
//! resources uses their account), the region `--region`, else the template's own
//! (Serverless `provider.region`, the Terraform provider), else `us-east-1`; names and ARNs
//! are those CloudFormation would make (`STACK-LogicalId`), the stack name the template's
//! directory or file name.

mod build;
mod cfn;
mod data;
mod intrinsics;
mod locate;
mod sam;
mod serverless;
mod terraform;
mod yaml;

use crate::collect::Fingerprinter;
use build::{Builder, Collected};
use faascan_checks::model::{
    Account, ApiGatewayAccount, Attr, CallStats, Gap, GapKind, INVENTORY_SCHEMA_VERSION,
    IamInventory, Inventory, RegionInventory, S3Inventory, Throttle,
};
use locate::Format;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// The placeholder account of template scans (AWS's documentation account).
pub(crate) const ACCOUNT: &str = "123456789012";

/// Largest template read (CloudFormation's own limit is 1 MB; plans can be larger).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub(crate) enum TemplateError {
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        file: String,
        line: u32,
        column: u32,
        message: String,
    },
    #[error("{0}")]
    Many(String),
}

pub(crate) struct Options<'a> {
    pub(crate) parameters: &'a BTreeMap<String, String>,
    pub(crate) region: Option<&'a str>,
}

/// What was read, besides the inventory: for a message on stderr.
pub(crate) struct Loaded {
    pub(crate) inventory: Inventory,
    pub(crate) files: usize,
    /// Resource types outside faascan's scope, with counts.
    pub(crate) skipped: BTreeMap<String, usize>,
}

/// Parses `KEY=VALUE` (for `--parameter`).
pub(crate) fn parse_parameter(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("`{text}` is not KEY=VALUE")),
    }
}

/// Reads every template under `paths` into one inventory.
pub(crate) fn load(paths: &[PathBuf], options: &Options<'_>) -> Result<Loaded, TemplateError> {
    let started = OffsetDateTime::now_utc();
    let fingerprints = Fingerprinter::from_env().map_err(|e| TemplateError::Read {
        path: "FAASCAN_FINGERPRINT_KEY".to_owned(),
        message: e.to_string(),
    })?;
    let mut found: Vec<locate::Found> = Vec::new();
    for path in paths {
        found.extend(locate::find(path)?);
    }
    // A file a serverless.yml includes with `${file(...)}` is read as part of it; found in a
    // directory it is not read again as a template of its own (named explicitly, it is).
    let explicit: BTreeSet<PathBuf> = paths
        .iter()
        .filter(|p| p.is_file())
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let included: BTreeSet<PathBuf> = found
        .iter()
        .filter(|f| f.format == Format::Serverless)
        .flat_map(|f| serverless::includes(&f.path))
        .collect();
    if !included.is_empty() {
        found.retain(|f| {
            f.path
                .canonicalize()
                .map_or(true, |c| explicit.contains(&c) || !included.contains(&c))
        });
    }
    // Unique stack names: two `template.yaml` in directories of the same name get -2, -3.
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    for f in &mut found {
        let n = used.entry(f.stack.clone()).or_default();
        *n += 1;
        if *n > 1 {
            f.stack = format!("{}-{n}", f.stack);
        }
    }
    let results: Vec<Result<Collected, TemplateError>> = found
        .par_iter()
        .map(|f| read_one(f, options, &fingerprints, started))
        .collect();
    let mut collected = Collected::default();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(c) => collected.merge(c),
            Err(e) => errors.push(e.to_string()),
        }
    }
    match errors.len() {
        0 => {}
        1 => return Err(TemplateError::Many(errors.remove(0))),
        n => {
            let shown = errors.len().min(20);
            let more = if n > shown {
                format!("\n... and {} more", n - shown)
            } else {
                String::new()
            };
            return Err(TemplateError::Many(format!(
                "{n} templates could not be read:\n{}{more}",
                errors[..shown].join("\n")
            )));
        }
    }
    let skipped = std::mem::take(&mut collected.skipped);
    Ok(Loaded {
        inventory: assemble(collected, &fingerprints, started, options),
        files: found.len(),
        skipped,
    })
}

fn read_one(
    f: &locate::Found,
    options: &Options<'_>,
    fingerprints: &Fingerprinter,
    now: OffsetDateTime,
) -> Result<Collected, TemplateError> {
    let shown = f.path.display().to_string();
    let text = read_text(&f.path, &shown)?;
    let syntax = |e: yaml::SyntaxError| TemplateError::Syntax {
        file: shown.clone(),
        line: e.line,
        column: e.column,
        message: e.message,
    };
    let shape = |e: cfn::ShapeError| TemplateError::Syntax {
        file: shown.clone(),
        line: e.pos.line,
        column: e.pos.column,
        message: e.message,
    };
    match f.format {
        Format::Terraform => {
            terraform::read(&text, f, options, fingerprints, now).map_err(|(line, message)| {
                TemplateError::Syntax {
                    file: shown.clone(),
                    line,
                    column: 1,
                    message,
                }
            })
        }
        Format::Serverless => {
            let root = yaml::parse(&text).map_err(syntax)?;
            let template = serverless::read(&root, f, options).map_err(shape)?;
            Ok(Builder::new(&template, fingerprints, now, true).build())
        }
        Format::CloudFormation => {
            let root = yaml::parse(&text).map_err(syntax)?;
            let template = cloudformation(&root, f, options).map_err(shape)?;
            Ok(Builder::new(&template, fingerprints, now, true).build())
        }
    }
}

/// Largest file a template includes (SAM `DefinitionUri`, `AWS::Include`, Serverless
/// `${file(...)}`).
pub(crate) const MAX_INCLUDE_BYTES: u64 = 4 * 1024 * 1024;

/// The text of a file a template names, `relative` to the template's `dir`. It must stay
/// inside the scanned `root` once symlinks are resolved: a template from a pull request must
/// not read the runner's other files (credentials, keys) into a report. Regular files of at
/// most `MAX_INCLUDE_BYTES` only; the error says why in a few words.
pub(crate) fn read_included(root: &Path, dir: &Path, relative: &str) -> Result<String, Unincluded> {
    if Path::new(relative).is_absolute() {
        return Err(Unincluded::Refused(
            "an absolute path, outside the scanned files".to_owned(),
        ));
    }
    let full = dir
        .join(relative)
        .canonicalize()
        .map_err(|_| Unincluded::NotFound("not found beside the template".to_owned()))?;
    let inside = root.canonicalize().is_ok_and(|root| full.starts_with(root));
    if !inside {
        return Err(Unincluded::Refused("outside the scanned files".to_owned()));
    }
    crate::input::read_text(&full, "included file", MAX_INCLUDE_BYTES).map_err(Unincluded::Refused)
}

/// Why an included file was not read: it is not there, or faascan would not read it (outside
/// the scanned files, too large, not text).
#[derive(Debug)]
pub(crate) enum Unincluded {
    NotFound(String),
    Refused(String),
}

impl std::fmt::Display for Unincluded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unincluded::NotFound(why) | Unincluded::Refused(why) => f.write_str(why),
        }
    }
}

fn read_text(path: &Path, rel: &str) -> Result<String, TemplateError> {
    let read = |message: String| TemplateError::Read {
        path: rel.to_owned(),
        message,
    };
    let bytes = crate::input::read_bytes(path, "template", MAX_FILE_BYTES).map_err(read)?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..offset]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        TemplateError::Syntax {
            file: rel.to_owned(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: 1,
            message: "not UTF-8 text".to_owned(),
        }
    })
}

/// A CloudFormation (or SAM) template, transformed when it declares SAM.
fn cloudformation(
    root: &yaml::Node,
    f: &locate::Found,
    options: &Options<'_>,
) -> Result<cfn::Template, cfn::ShapeError> {
    let base = cfn::Template::from_root(
        &f.rel,
        &f.stack,
        root,
        options.parameters,
        options.region,
        ACCOUNT,
    )?;
    let is_sam = root
        .get("Transform")
        .map(|t| {
            t.items()
                .iter()
                .any(|i| i.as_str().is_some_and(|s| s.starts_with("AWS::Serverless")))
        })
        .unwrap_or(false)
        || base
            .resources
            .iter()
            .any(|r| r.kind.starts_with("AWS::Serverless::"));
    if !is_sam {
        return Ok(base);
    }
    let dir = f.path.parent().map(Path::to_path_buf).unwrap_or_default();
    let scanned_root = f.root();
    // A file that cannot be read this way leaves the definition unknown, as one in S3 is.
    let load = move |relative: &str| -> Option<yaml::Node> {
        let text = read_included(&scanned_root, &dir, relative).ok()?;
        yaml::parse(&text).ok()
    };
    let transformed = sam::transform(base.resources.clone(), root.get("Globals"), &load);
    let resources = transformed.resources;
    let mut template = cfn::Template::new(
        &f.rel,
        &base.stack,
        options.parameters,
        Some(base.region.as_str()),
        &base.account,
        resources,
    );
    template.parameters = base.parameters;
    template.mappings = base.mappings;
    template.conditions = base.conditions;
    template.conditions.extend(transformed.conditions);
    template.notes = base.notes;
    template.notes.extend(transformed.notes);
    Ok(template)
}

fn assemble(
    mut c: Collected,
    fingerprints: &Fingerprinter,
    started: OffsetDateTime,
    options: &Options<'_>,
) -> Inventory {
    let mut regions: BTreeSet<String> = c.regions.clone();
    if regions.is_empty() {
        regions.insert(options.region.unwrap_or("us-east-1").to_owned());
    }
    let account = options
        .parameters
        .get("AWS::AccountId")
        .cloned()
        .or_else(|| c.account.clone())
        .unwrap_or_else(|| ACCOUNT.to_owned());
    // Roles named by functions but defined in no scanned template: IAM was only partly read.
    let role_arns: BTreeSet<&str> = c.roles.iter().map(|r| r.arn.as_str()).collect();
    let external: Vec<&(String, String)> = c
        .external_roles
        .iter()
        .filter(|(arn, _)| !role_arns.contains(arn.as_str()))
        .collect();
    if let Some((arn, at)) = external.first() {
        c.gaps.push(Gap {
            service: "iam".to_owned(),
            region: None,
            operation: "GetAccountAuthorizationDetails".to_owned(),
            resource: None,
            kind: GapKind::NotAttempted,
            error_code: "RoleOutsideTemplates".to_owned(),
            message: format!(
                "{} execution role(s) are defined outside the scanned templates, e.g. {arn} (named at {at}): their policies are unknown",
                external.len()
            ),
            request_id: None,
        });
    }
    let mut gaps = std::mem::take(&mut c.gaps);
    let mut iam = IamInventory::default();
    c.roles.sort_by(|a, b| a.name.cmp(&b.name));
    c.users.sort_by(|a, b| a.name.cmp(&b.name));
    c.groups.sort_by(|a, b| a.name.cmp(&b.name));
    iam.roles = c.roles;
    iam.users = c.users;
    iam.groups = c.groups;
    iam.managed_policies = c.managed_policies;
    c.buckets.sort_by(|a, b| a.name.cmp(&b.name));
    let regions: Vec<RegionInventory> = regions
        .iter()
        .map(|region| {
            let mut functions = c.functions.remove(region).unwrap_or_default();
            functions.sort_by(|a, b| a.name.cmp(&b.name));
            RegionInventory {
                region: region.clone(),
                lambda_functions: Attr::Known(functions),
                rest_apis: Attr::Known(c.rest_apis.remove(region).unwrap_or_default()),
                usage_plans: Attr::Known(c.usage_plans.remove(region).unwrap_or_default()),
                api_keys: Attr::Known(c.api_keys.remove(region).unwrap_or_default()),
                domain_names: Attr::Known(c.domain_names.remove(region).unwrap_or_default()),
                // API Gateway's documented default account throttle (10,000 rps, burst 5,000).
                apigateway_account: Attr::Known(ApiGatewayAccount {
                    throttle: Some(Throttle {
                        burst_limit: Some(5000),
                        rate_limit: Some(10000.0),
                    }),
                    cloudwatch_role_arn: None,
                }),
                http_apis: Attr::Known(c.http_apis.remove(region).unwrap_or_default()),
                kms_keys: Attr::Known(c.kms_keys.remove(region).unwrap_or_default()),
                domain_names_v2: unread_unless_absent(
                    &c.unread_kinds,
                    &[
                        "AWS::ApiGatewayV2::DomainName",
                        "AWS::ApiGatewayV2::ApiMapping",
                    ],
                    "apigateway",
                    region,
                ),
                lambda_layers: unread_unless_absent(
                    &c.unread_kinds,
                    &[
                        "AWS::Lambda::LayerVersion",
                        "AWS::Lambda::LayerVersionPermission",
                        "AWS::Serverless::LayerVersion",
                    ],
                    "lambda",
                    region,
                ),
                s3_access_points: unread_unless_absent(
                    &c.unread_kinds,
                    &[
                        "AWS::S3::AccessPoint",
                        "AWS::S3::MultiRegionAccessPoint",
                        "AWS::S3::MultiRegionAccessPointPolicy",
                        "AWS::S3::AccessPointPolicy",
                    ],
                    "s3",
                    region,
                ),
            }
        })
        .collect();
    gaps.sort();
    gaps.dedup();
    Inventory {
        schema_version: INVENTORY_SCHEMA_VERSION,
        account: Account {
            id: account,
            partition: "aws".to_owned(),
            caller_arn: "template".to_owned(),
            scan_started: started,
            scan_finished: OffsetDateTime::now_utc(),
            regions: regions.iter().map(|r| r.region.clone()).collect(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            fingerprint_key_id: fingerprints.key_id(),
            incomplete: false,
        },
        iam: Attr::Known(iam),
        s3: S3Inventory {
            buckets: Attr::Known(c.buckets),
            // The account-level block is off unless someone turned it on (AWS's default); a
            // template cannot say, so public buckets are judged on their own settings.
            account_public_access_block: Attr::Known(None),
            multi_region_access_points: unread_unless_absent(
                &c.unread_kinds,
                &[
                    "AWS::S3::MultiRegionAccessPoint",
                    "AWS::S3::MultiRegionAccessPointPolicy",
                ],
                "s3",
                "us-west-2",
            ),
        },
        regions,
        gaps,
        calls: CallStats::default(),
        sources: c.sources,
    }
}

/// A list the templates hold resources of but faascan does not read from them is unavailable
/// (its checks say unknown); a template without any is known to have none.
fn unread_unless_absent<T>(
    unread: &std::collections::BTreeSet<String>,
    kinds: &[&str],
    service: &str,
    region: &str,
) -> Attr<Vec<T>> {
    let found: Vec<&str> = kinds
        .iter()
        .copied()
        .filter(|k| unread.contains(*k))
        .collect();
    if found.is_empty() {
        return Attr::Known(Vec::new());
    }
    Attr::Unavailable(Box::new(Gap {
        service: service.to_owned(),
        region: Some(region.to_owned()),
        operation: "template".to_owned(),
        resource: None,
        kind: faascan_checks::model::GapKind::Unsupported,
        error_code: "NotReadFromTemplates".to_owned(),
        message: format!("{} are not read from templates", found.join(", ")),
        request_id: None,
    }))
}

#[cfg(test)]
mod included {
    use super::*;

    #[test]
    fn an_include_is_read_only_inside_the_scanned_root_and_bounded() {
        let outside = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = outside.path().join("repo");
        let dir = root.join("app");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(outside.path().join("secret.yml"), "a: 1\n")
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("api.yml"), "b: 2\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("shared.yml"), "c: 3\n").unwrap_or_else(|e| panic!("{e}"));
        let big = vec![b'#'; usize::try_from(MAX_INCLUDE_BYTES).unwrap_or(0) + 1];
        std::fs::write(dir.join("big.yml"), big).unwrap_or_else(|e| panic!("{e}"));
        let read = |relative: &str| read_included(&root, &dir, relative).map_err(|e| e.to_string());
        assert_eq!(read("api.yml").as_deref(), Ok("b: 2\n"));
        assert_eq!(
            read("../shared.yml").as_deref(),
            Ok("c: 3\n"),
            "up, but inside"
        );
        assert!(read("../../secret.yml").is_err_and(|e| e.contains("outside")));
        let absolute = outside.path().join("secret.yml");
        assert!(read(&absolute.display().to_string()).is_err());
        assert!(matches!(
            read_included(&root, &dir, "missing.yml"),
            Err(Unincluded::NotFound(_))
        ));
        assert!(matches!(
            read_included(&root, &dir, "../../secret.yml"),
            Err(Unincluded::Refused(_))
        ));
        assert!(read("big.yml").is_err_and(|e| e.contains("at most")));
    }
}

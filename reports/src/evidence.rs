//! The evidence bundle (`faascan scan --evidence DIR`), for an auditor to sign off: the
//! inventory, the JSON and HTML reports, one summary per compliance framework (per control:
//! the resources evaluated, counted once each so the numbers reconcile, failing and muted
//! resources with the suppression's reasons, the control's source and the mapping review's
//! notes), the run's parameters, the coverage statement, the muted results, and
//! `MANIFEST.sha256` (verifiable with `sha256sum -c`), signed with Ed25519 when a key is given
//! (`MANIFEST.sha256.sig`, verifiable with `openssl pkeyutl -verify -rawin`), or signed
//! afterwards with `cosign sign-blob`. This module only builds the files; the binary writes
//! them.

use crate::compliance;
use crate::context;
use crate::error::RenderError;
use crate::mappings;
use crate::report::Report;
use faascan_checks::check::Status;
use serde_json::{Value, json};
use std::collections::BTreeMap;

pub struct BundleFile {
    /// Relative to the bundle directory, `/`-separated.
    pub path: String,
    pub contents: Vec<u8>,
}

fn slug(framework: &str) -> String {
    framework
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Per framework, per control: the checks mapped to it and what they found, per resource.
pub fn framework_summaries(report: &Report) -> BTreeMap<&'static str, Value> {
    compliance::frameworks()
        .into_iter()
        .map(|framework| {
            let controls = compliance::controls(report, framework);
            let count = |status: &str| controls.iter().filter(|c| c.status == status).count();
            let corrections: Vec<&mappings::Correction> = mappings::CORRECTIONS
                .iter()
                .filter(|c| c.framework == framework)
                .collect();
            let additions: Vec<&mappings::Addition> = mappings::ADDITIONS
                .iter()
                .filter(|a| a.framework == framework)
                .collect();
            (
                framework,
                json!({
                    "framework": framework,
                    "source": mappings::framework_source(framework),
                    "account": report.account,
                    "scan_started": report.scan_started,
                    "scan_finished": report.scan_finished,
                    "incomplete": report.incomplete,
                    "scan_complete": report.coverage.scan_complete,
                    "not_read_in_full": report.coverage.shortfall_lines(!report.accounts.is_empty()),
                    "parameters": report.parameters,
                    "totals": {
                        "controls": controls.len(),
                        "fail": count("fail"), "pass": count("pass"), "unknown": count("unknown"),
                        "no_resources": count("no_resources"), "not_evaluated": count("not_evaluated"),
                        "not_assessed": count("not_assessed"),
                    },
                    "counting": "Each resource a control's checks evaluated is counted once, by its worst result for the control (fail, then unknown, then muted, then pass): resources_evaluated = pass + fail + unknown + muted, and failing_resources lists exactly the failures.",
                    "mapping_review": {
                        "corrections": corrections,
                        "additions": additions,
                        "thresholds": mappings::THRESHOLDS.iter().filter(|t| t.framework == framework).collect::<Vec<_>>(),
                    },
                    "controls": controls,
                }),
            )
        })
        .collect()
}

fn md(text: &str) -> String {
    crate::markdown::md_escape(text)
}

fn markdown_summary(summary: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut out = format!(
        "# {} — account {}\n\nScan {} to {}. Source: {}\n\n",
        s(&summary["framework"]),
        md(&s(&summary["account"])),
        s(&summary["scan_started"]),
        s(&summary["scan_finished"]),
        md(&s(&summary["source"]))
    );
    // An auditor must see what the scan did not read before any control's status.
    let shortfalls: Vec<&str> = summary["not_read_in_full"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if shortfalls.is_empty() {
        out.push_str("Coverage: every service and region in scope was read in full.\n\n");
    } else {
        out.push_str(if summary["scan_complete"] == Value::Bool(false) {
            "> **Incomplete scan**: parts of the account could not be read, so resources may be missing below.\n>\n"
        } else {
            "> **Incomplete scan**: some reads failed, so the results that needed them are unknown, not passed.\n>\n"
        });
        for line in shortfalls {
            out.push_str(&format!("> - {}\n", md(line)));
        }
        out.push('\n');
    }
    if let Some(p) = summary["parameters"].as_object() {
        out.push_str("## Run parameters\n\n");
        for (k, v) in p {
            let value = match v {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            out.push_str(&format!("- {}: {}\n", md(k), md(&value)));
        }
        out.push('\n');
    }
    let t = &summary["totals"];
    out.push_str(&format!(
        "## Controls\n\n{} controls: {} fail, {} pass, {} unknown, {} without resources, {} not evaluated, {} not assessed (threshold too loose).\n\n{}\n\n",
        t["controls"], t["fail"], t["pass"], t["unknown"], t["no_resources"], t["not_evaluated"], t["not_assessed"],
        s(&summary["counting"])
    ));
    out.push_str("| control | status | resources | pass | fail | unknown | muted | checks |\n|---|---|---:|---:|---:|---:|---:|---|\n");
    let controls: Vec<&Value> = summary["controls"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    for c in &controls {
        let checks: Vec<&str> = c["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        out.push_str(&format!(
            "| [{}]({}) | {} | {} | {} | {} | {} | {} | {} |\n",
            s(&c["control"]),
            s(&c["source"]).split("; ").last().unwrap_or_default(),
            s(&c["status"]),
            c["resources_evaluated"],
            c["pass"],
            c["fail"],
            c["unknown"],
            c["muted"],
            checks.join(", ")
        ));
    }
    let list = |key: &str| -> Vec<(String, Vec<String>)> {
        controls
            .iter()
            .filter_map(|c| {
                let items: Vec<String> = c[key]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| match v {
                        Value::String(arn) => md(arn),
                        other => {
                            let mut item = format!(
                                "{} — {} (would be {}): {}",
                                md(&s(&other["arn"])),
                                md(&s(&other["check_id"])),
                                s(&other["status"]),
                                md(&s(&other["reason"]))
                            );
                            if let Some(owner) = other["owner"].as_str() {
                                item.push_str(&format!("; owner {}", md(owner)));
                            }
                            if let Some(expires) = other["expires"].as_str() {
                                item.push_str(&format!("; until {}", md(expires)));
                            }
                            item
                        }
                    })
                    .collect();
                (!items.is_empty()).then(|| (s(&c["control"]), items))
            })
            .collect()
    };
    for (key, title) in [
        ("failing_resources", "Failing resources"),
        ("unknown_resources", "Resources that could not be evaluated"),
        (
            "muted_results",
            "Muted results (suppressions in force, with their reasons)",
        ),
    ] {
        let groups = list(key);
        if groups.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {title}\n"));
        for (control, items) in groups {
            out.push_str(&format!("\n### {control}\n\n"));
            for item in items {
                out.push_str(&format!("- {item}\n"));
            }
        }
    }
    let notes: Vec<(String, String)> = controls
        .iter()
        .flat_map(|c| {
            c["notes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |n| (s(&c["control"]), s(n)))
        })
        .collect();
    if !notes.is_empty() {
        out.push_str("\n## Mapping review and thresholds\n\n");
        for (control, note) in notes {
            out.push_str(&format!("- {control}: {}\n", md(&note)));
        }
    }
    let additions = summary["mapping_review"]["additions"].as_array();
    if let Some(additions) = additions.filter(|a| !a.is_empty()) {
        out.push_str("\n## Mappings added by the review\n\n");
        for a in additions {
            out.push_str(&format!(
                "- {} → {}: {}\n",
                s(&a["check_id"]),
                s(&a["control"]),
                md(&s(&a["requirement"]))
            ));
        }
    }
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An Ed25519 key that signs the manifest.
pub struct Signer(ring::signature::Ed25519KeyPair);

fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .map_err(|_| "the key is not valid base64".to_owned())
}

impl Signer {
    /// A PKCS#8 Ed25519 private key, PEM (`openssl genpkey -algorithm ed25519`) or DER.
    pub fn from_pkcs8(bytes: &[u8]) -> Result<Signer, String> {
        let der = match std::str::from_utf8(bytes) {
            Ok(text) if text.contains("-----BEGIN") => {
                if !text.contains("BEGIN PRIVATE KEY") {
                    return Err("the key is not an unencrypted PKCS#8 private key (`-----BEGIN PRIVATE KEY-----`); make one with `openssl genpkey -algorithm ed25519 -out key.pem`".to_owned());
                }
                let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
                base64_decode(&body)?
            }
            _ => bytes.to_vec(),
        };
        ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der)
            .map(Signer)
            .map_err(|e| format!("the key is not an Ed25519 PKCS#8 private key ({e})"))
    }

    /// The public key as a PEM SubjectPublicKeyInfo, for `openssl pkeyutl -verify -pubin`.
    pub fn public_key_pem(&self) -> String {
        use ring::signature::KeyPair;
        let mut der = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        der.extend_from_slice(self.0.public_key().as_ref());
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            crate::html::base64(&der)
        )
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.0.sign(message).as_ref().to_vec()
    }
}

const VERIFY: &str = "How to verify this bundle

1. Every file is listed in MANIFEST.sha256 with its SHA-256:

     sha256sum -c --strict MANIFEST.sha256

2. When the bundle was signed with an Ed25519 key (faascan scan --evidence-key KEY), the
   manifest's signature is MANIFEST.sha256.sig (64 raw bytes) and the signer's public key is
   MANIFEST.sha256.pub.pem. Compare that public key with the one you hold for the signer,
   then:

     openssl pkeyutl -verify -pubin -inkey SIGNER.pub.pem -rawin \\
       -in MANIFEST.sha256 -sigfile MANIFEST.sha256.sig

3. Or sign the manifest yourself when the bundle is handed over, with cosign:

     cosign sign-blob --key cosign.key --output-signature MANIFEST.sha256.cosign.sig MANIFEST.sha256
     cosign verify-blob --key cosign.pub --signature MANIFEST.sha256.cosign.sig MANIFEST.sha256

   Signing the manifest covers every file, since the manifest holds each file's SHA-256.

compliance/*.md and *.json: per framework and control, the resources evaluated, each counted
once by its worst result (resources = pass + fail + unknown + muted), the failing, unknown and
muted resources (with the suppressions' reasons), each control's source, and the mapping
review's notes. metadata.json: the run's parameters and the coverage statement. muted.json:
every muted result with its real status and reason.
";

/// Pretty JSON and a newline.
fn pretty<T: serde::Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, RenderError> {
    let mut out = serde_json::to_vec_pretty(value).map_err(RenderError::json("evidence"))?;
    out.push(b'\n');
    Ok(out)
}

/// Every file of the bundle, the manifest (and its signature) last.
pub fn bundle(
    report: &Report,
    inventory_json: &str,
    signer: Option<&Signer>,
) -> Result<Vec<BundleFile>, RenderError> {
    let mut files = vec![
        BundleFile {
            path: "inventory.json".to_owned(),
            contents: inventory_json.as_bytes().to_vec(),
        },
        BundleFile {
            path: "report.json".to_owned(),
            contents: report.to_json()?.into_bytes(),
        },
        BundleFile {
            path: "report.html".to_owned(),
            contents: crate::html::render(report)?.into_bytes(),
        },
        BundleFile {
            path: "VERIFY.txt".to_owned(),
            contents: VERIFY.as_bytes().to_vec(),
        },
    ];
    let summaries = framework_summaries(report);
    for (framework, summary) in &summaries {
        let name = slug(framework);
        files.push(BundleFile {
            path: format!("compliance/{name}.json"),
            contents: pretty(summary)?,
        });
        files.push(BundleFile {
            path: format!("compliance/{name}.md"),
            contents: markdown_summary(summary).into_bytes(),
        });
    }
    let muted: Vec<Value> = report
        .results
        .iter()
        .filter_map(|r| {
            let m = context::muted(r)?;
            let mut item = json!({
                "check_id": &*r.check_id,
                "resource": &*r.resource.arn,
                "severity": r.severity.as_str(),
                "status": context::status_name(m.was),
                "reason": m.reason,
                "fingerprint": format!("{:016x}", r.fingerprint),
            });
            if let Some(owner) = &m.owner {
                item["owner"] = json!(owner);
            }
            if let Some(expires) = &m.expires {
                item["expires"] = json!(expires);
            }
            Some(item)
        })
        .collect();
    files.push(BundleFile {
        path: "muted.json".to_owned(),
        contents: pretty(&muted)?,
    });
    let metadata = json!({
        "tool": "faascan",
        "tool_version": report.tool_version,
        "catalogue_version": report.catalogue_version,
        "report_schema_version": report.schema_version,
        "caller_arn": report.caller_arn,
        "account": report.account,
        "accounts": report.accounts,
        "partition": report.partition,
        "regions": report.regions,
        "scan_started": report.scan_started,
        "scan_finished": report.scan_finished,
        "parameters": report.parameters,
        "suppressions": report.suppressions,
        "incomplete": report.incomplete,
        "scan_complete": report.coverage.scan_complete,
        "coverage_statement": report.coverage.headline().unwrap_or("Every service and region in scope was read in full."),
        "not_read_in_full": report.coverage.shortfall_lines(!report.accounts.is_empty()),
        "coverage": report.coverage.rows,
        "checks_run": report.summary.checks_run,
        "results": report.results.len(),
        "results_by_status": report.summary.by_status,
        "muted": muted.len(),
        "gaps": report.gaps.len(),
        "frameworks": summaries.keys().collect::<Vec<_>>(),
    });
    files.push(BundleFile {
        path: "metadata.json".to_owned(),
        contents: pretty(&metadata)?,
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest: String = files
        .iter()
        .map(|f| format!("{}  {}\n", sha256_hex(&f.contents), f.path))
        .collect();
    if let Some(signer) = signer {
        files.push(BundleFile {
            path: "MANIFEST.sha256.sig".to_owned(),
            contents: signer.sign(manifest.as_bytes()),
        });
        files.push(BundleFile {
            path: "MANIFEST.sha256.pub.pem".to_owned(),
            contents: signer.public_key_pem().into_bytes(),
        });
    }
    files.push(BundleFile {
        path: "MANIFEST.sha256".to_owned(),
        contents: manifest.into_bytes(),
    });
    Ok(files)
}

/// The statuses of a framework's controls reconcile with their resources (a test helper,
/// also usable by a reviewer's script): for every control, resources = pass + fail + unknown +
/// muted, and the listed failing, unknown and muted resources are exactly those counted.
pub fn reconcile(summary: &Value) -> Result<(), String> {
    for c in summary["controls"].as_array().into_iter().flatten() {
        let n = |k: &str| c[k].as_u64().unwrap_or(u64::MAX);
        let len = |k: &str| c[k].as_array().map_or(usize::MAX, Vec::len) as u64;
        let control = c["control"].as_str().unwrap_or_default();
        if n("resources_evaluated") != n("pass") + n("fail") + n("unknown") + n("muted") {
            return Err(format!("{control}: resources do not add up: {c}"));
        }
        let muted_resources: std::collections::BTreeSet<&str> = c["muted_resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["arn"].as_str())
            .collect();
        if len("failing_resources") != n("fail")
            || len("unknown_resources") != n("unknown")
            || muted_resources.len() as u64 != n("muted")
        {
            return Err(format!(
                "{control}: listed resources differ from the counts: {c}"
            ));
        }
        let status = c["status"].as_str().unwrap_or_default();
        let expected = if n("fail") > 0 {
            "fail"
        } else if n("unknown") > 0 {
            "unknown"
        } else {
            status
        };
        if status != expected {
            return Err(format!("{control}: status {status} with these counts"));
        }
    }
    Ok(())
}

/// Whether a muted result stays visible: every muted result is in muted.json (used by tests).
pub fn muted_count(report: &Report) -> usize {
    report
        .results
        .iter()
        .filter(|r| r.status == Status::Muted)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_hashes() {
        assert_eq!(slug("NIST 800-53 r5"), "nist-800-53-r5");
        assert_eq!(slug("CIS AWS Foundations v3.0"), "cis-aws-foundations-v3-0");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(base64_decode("Zm9vYmFy").ok(), Some(b"foobar".to_vec()));
        assert_eq!(base64_decode("Zm8=").ok(), Some(b"fo".to_vec()));
    }

    #[test]
    fn a_bad_key_is_refused_with_a_reason() {
        let err = Signer::from_pkcs8(
            b"-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
        )
        .err()
        .unwrap_or_default();
        assert!(err.contains("PKCS#8"), "{err}");
        assert!(Signer::from_pkcs8(b"garbage").is_err());
    }
}

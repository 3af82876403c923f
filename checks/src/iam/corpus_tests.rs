//! The IAM engine on AWS's own managed policies (`checks/data/aws-managed-policies.json`, made by
//! `scripts/gen-managed-policy-corpus.py` from moto's copy): every policy parses, and a curated
//! list gets the classification agreed for it, each with the reason.
#![allow(clippy::unwrap_used, clippy::panic, clippy::print_stderr)]

use super::analysis::{
    escalation_methods, exfiltration_actions, exposure_actions, is_admin, wildcard_services,
};
use crate::policy::{Permissions, SourcePolicy, effective_permissions};
use std::collections::BTreeSet;

const CORPUS: &str = include_str!("../../data/aws-managed-policies.json");

/// The classes the IAM checks report: admin, privilege escalation, resource exposure, data
/// exfiltration, service wildcard. `none` is the empty set.
pub(crate) fn classify(p: &Permissions) -> BTreeSet<&'static str> {
    let mut classes = BTreeSet::new();
    if is_admin(p) {
        classes.insert("admin");
    }
    if !escalation_methods(p).is_empty() {
        classes.insert("privesc");
    }
    if !exposure_actions(p).is_empty() {
        classes.insert("exposure");
    }
    if !exfiltration_actions(p).is_empty() {
        classes.insert("exfiltration");
    }
    if !wildcard_services(p).is_empty() {
        classes.insert("service-wildcard");
    }
    classes
}

fn permissions(name: &str, document: &serde_json::Value) -> Permissions {
    let text = document.to_string();
    effective_permissions(
        &[SourcePolicy {
            source: format!("arn:aws:iam::aws:policy/{name}"),
            document: &text,
        }],
        None,
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn corpus(text: &str) -> Vec<(String, serde_json::Value)> {
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    value
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, _)| !name.starts_with('_'))
        .map(|(name, entry)| (name.clone(), entry["document"].clone()))
        .collect()
}

/// Writes faascan's classification of a whole corpus (`--all` output of the generator) as TSV,
/// for the comparison with Cloudsplaining in docs/iam-engine.md:
/// `FAASCAN_CORPUS=/tmp/all.json FAASCAN_CORPUS_OUT=/tmp/faascan.tsv cargo test -p
/// faascan-checks dump_corpus -- --ignored`.
#[test]
#[ignore = "a tool run on demand: needs FAASCAN_CORPUS"]
fn dump_corpus_classification() {
    let (Some(input), Some(output)) = (
        std::env::var_os("FAASCAN_CORPUS"),
        std::env::var_os("FAASCAN_CORPUS_OUT"),
    ) else {
        eprintln!("set FAASCAN_CORPUS and FAASCAN_CORPUS_OUT");
        return;
    };
    let text = std::fs::read_to_string(input).unwrap();
    let mut out =
        String::from("policy\tclasses\tprivesc\texposure\texfiltration\tservice_wildcard\n");
    for (name, document) in corpus(&text) {
        let p = permissions(&name, &document);
        let classes: Vec<&str> = classify(&p).into_iter().collect();
        out.push_str(&format!(
            "{name}\t{}\t{}\t{}\t{}\t{}\n",
            classes.join(","),
            escalation_methods(&p).join(","),
            exposure_actions(&p).join(","),
            exfiltration_actions(&p).join(","),
            wildcard_services(&p).join(","),
        ));
    }
    std::fs::write(output, out).unwrap();
}

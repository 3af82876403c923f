//! Secret detectors for environment and stage variables. The collector runs these on a value
//! the moment it is read and keeps only the verdict: the value never enters the inventory.

use crate::model::SecretClass;

/// Name fragments that suggest a secret (compared case-insensitively, on `_`/`-` separated
/// words and on the whole name).
const SENSITIVE_NAME_PARTS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "accesskey",
    "access_key",
    "private_key",
    "privatekey",
    "credential",
    "credentials",
    "auth",
    "dsn",
    "connection_string",
    "conn_str",
    "signing_key",
    "client_secret",
    "session_key",
];

/// A verdict on one value: how sure, and which detector said so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub class: SecretClass,
    pub detector: Option<&'static str>,
}

/// Classifies a variable. Value-shape detectors win over name heuristics: a well-known token
/// format is a secret whatever the variable is called.
pub fn classify(name: &str, value: &str) -> Verdict {
    // Ciphertext that only KMS can decrypt is the remediated state (the console's "encryption
    // helpers"), not a leak, whatever the variable is called.
    if is_kms_ciphertext(value) {
        return Verdict {
            class: SecretClass::None,
            detector: Some("kms-ciphertext"),
        };
    }
    if let Some(detector) = detect_value(value) {
        return Verdict {
            class: SecretClass::Secret,
            detector: Some(detector),
        };
    }
    if !is_sensitive_name(name) {
        return Verdict {
            class: SecretClass::None,
            detector: None,
        };
    }
    if looks_like_reference(value) || value.len() < 8 {
        return Verdict {
            class: SecretClass::SensitiveName,
            detector: None,
        };
    }
    if shannon_entropy(value) >= 3.0 {
        Verdict {
            class: SecretClass::Secret,
            detector: Some("high-entropy-sensitive-name"),
        }
    } else {
        Verdict {
            class: SecretClass::SensitiveName,
            detector: None,
        }
    }
}

/// A base64 KMS ciphertext blob. Its first bytes are a version and key-format header
/// (`01 02 02 00 78` or `01 02 01 00 78`, which base64 renders `AQICAH`/`AQIBAH`) followed by
/// the key id, an IV and the ciphertext: even an empty plaintext makes well over 150 bytes.
/// (What `aws kms encrypt` and the Lambda console's encryption helpers store; see
/// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html.)
fn is_kms_ciphertext(value: &str) -> bool {
    use base64::Engine;
    let v = value.trim();
    // 148 bytes are what 200 base64 characters hold at the least.
    (v.starts_with("AQICAH") || v.starts_with("AQIBAH"))
        && base64::engine::general_purpose::STANDARD
            .decode(v)
            .is_ok_and(|blob| blob.len() >= 148)
}

pub fn is_sensitive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let compact: String = lower
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    SENSITIVE_NAME_PARTS.iter().any(|part| {
        let part_compact: String = part.chars().filter(|c| *c != '_').collect();
        lower.split(['_', '-', '.']).any(|word| word == *part)
            || lower.contains(part)
            || compact.contains(&part_compact)
    }) && !lower.ends_with("_arn")
        && !lower.ends_with("_name")
        && !lower.ends_with("_id_name")
}

/// Values that point at a secret store rather than holding a secret.
fn looks_like_reference(value: &str) -> bool {
    value.starts_with("arn:")
        || value.starts_with("{{resolve:")
        || value.starts_with("ssm:")
        || value.starts_with("/")
        || value.starts_with("${")
}

fn detect_value(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("private-key");
    }
    if is_aws_access_key_id(v) {
        return Some("aws-access-key-id");
    }
    const PREFIXES: &[(&str, &str)] = &[
        ("ghp_", "github-token"),
        ("gho_", "github-token"),
        ("ghu_", "github-token"),
        ("ghs_", "github-token"),
        ("github_pat_", "github-token"),
        ("glpat-", "gitlab-token"),
        ("xoxb-", "slack-token"),
        ("xoxp-", "slack-token"),
        ("xoxa-", "slack-token"),
        ("xoxs-", "slack-token"),
        ("sk_live_", "stripe-secret-key"),
        ("rk_live_", "stripe-secret-key"),
        ("sk-ant-", "anthropic-api-key"),
        ("sk-proj-", "openai-api-key"),
        ("AIza", "google-api-key"),
        ("SG.", "sendgrid-api-key"),
        ("npm_", "npm-token"),
    ];
    for (prefix, detector) in PREFIXES {
        if v.starts_with(prefix) && v.len() >= prefix.len() + 16 && !v.contains(char::is_whitespace)
        {
            return Some(detector);
        }
    }
    if v.starts_with("https://hooks.slack.com/services/") {
        return Some("slack-webhook");
    }
    if is_jwt(v) {
        return Some("jwt");
    }
    if has_url_password(v) {
        return Some("url-with-password");
    }
    if is_aws_secret_access_key_shape(v) {
        return Some("aws-secret-access-key");
    }
    None
}

fn is_aws_access_key_id(v: &str) -> bool {
    v.len() == 20
        && ["AKIA", "ASIA", "ABIA", "ACCA"]
            .iter()
            .any(|p| v.starts_with(p))
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// 40 base64 characters with mixed case, digits and at least one of `/+`: the shape of an AWS
/// secret access key; high entropy keeps random-looking words out.
fn is_aws_secret_access_key_shape(v: &str) -> bool {
    v.len() == 40
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
        && v.chars().any(|c| c.is_ascii_lowercase())
        && v.chars().any(|c| c.is_ascii_uppercase())
        && v.chars().any(|c| c.is_ascii_digit())
        && shannon_entropy(v) > 4.0
}

fn is_jwt(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[1].starts_with("eyJ")
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// `scheme://user:password@host`
fn has_url_password(v: &str) -> bool {
    let Some((_, rest)) = v.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    match authority.rsplit_once('@') {
        Some((userinfo, _)) => userinfo
            .split_once(':')
            .is_some_and(|(_, pw)| !pw.is_empty()),
        None => false,
    }
}

/// Bits per character.
pub fn shannon_entropy(v: &str) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut counts = std::collections::HashMap::new();
    for c in v.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let len = v.chars().count() as f64;
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(name: &str, value: &str) -> (SecretClass, Option<&'static str>) {
        let v = classify(name, value);
        (v.class, v.detector)
    }

    #[test]
    fn value_detectors_fire_whatever_the_name() {
        assert_eq!(
            class("X", "AKIAIOSFODNN7EXAMPLE"),
            (SecretClass::Secret, Some("aws-access-key-id"))
        );
        assert_eq!(
            class("CFG", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            (SecretClass::Secret, Some("aws-secret-access-key"))
        );
        assert_eq!(
            class(
                "K",
                "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----"
            ),
            (SecretClass::Secret, Some("private-key"))
        );
        assert_eq!(
            class("DB", "postgres://app:hunter2@db.internal:5432/app"),
            (SecretClass::Secret, Some("url-with-password"))
        );
        assert_eq!(
            class("T", "ghp_0123456789abcdefghijABCDEFGHIJ012345"),
            (SecretClass::Secret, Some("github-token"))
        );
        assert_eq!(
            class("T", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc_DEF-123"),
            (SecretClass::Secret, Some("jwt"))
        );
    }

    #[test]
    fn sensitive_names_need_a_real_looking_value() {
        assert_eq!(
            class("DB_PASSWORD", "Xk9#mP2$vL8qR4"),
            (SecretClass::Secret, Some("high-entropy-sensitive-name"))
        );
        assert_eq!(
            class(
                "DB_PASSWORD",
                "arn:aws:secretsmanager:us-east-1:1:secret:db"
            ),
            (SecretClass::SensitiveName, None)
        );
        assert_eq!(
            class("API_TOKEN", "/prod/api/token"),
            (SecretClass::SensitiveName, None)
        );
        assert_eq!(class("API_TOKEN", ""), (SecretClass::SensitiveName, None));
        assert_eq!(
            class("SECRET_NAME", "prod-db-credentials-2024"),
            (SecretClass::None, None)
        );
    }

    #[test]
    fn ordinary_variables_are_not_secrets() {
        assert_eq!(class("LOG_LEVEL", "debug"), (SecretClass::None, None));
        assert_eq!(class("TABLE", "orders-prod"), (SecretClass::None, None));
        assert_eq!(
            class("ENDPOINT", "https://api.example.com/v1"),
            (SecretClass::None, None)
        );
    }

    #[test]
    fn hostile_values_do_not_panic() {
        for v in [
            "",
            "://",
            "a://@",
            "é://ü:ö@",
            "\u{0}\u{1b}[31m",
            &"x".repeat(100_000),
        ] {
            let _ = classify("PASSWORD", v);
            let _ = classify(v, v);
        }
    }

    #[test]
    fn kms_ciphertext_is_not_a_secret() {
        // Shaped like `aws kms encrypt --output text --query CiphertextBlob`: the v2 header
        // and a 184-byte blob (248 base64 characters).
        let blob = format!(
            "AQICAHh{}",
            "q3xK9v2LmN8pR4sT6uW0yZ1aB5cD7eF+gH/iJ".repeat(7)
        );
        let blob = format!("{}{}", &blob[..244], "Ag==");
        assert_eq!(blob.len() % 4, 0);
        let verdict = classify("DB_PASSWORD", &blob);
        assert_eq!(verdict.class, SecretClass::None);
        assert_eq!(verdict.detector, Some("kms-ciphertext"));
        // A short or non-base64 value that merely starts alike is judged as usual.
        assert_eq!(
            classify("DB_PASSWORD", "AQICAHshort-but-secret-ish-value-9f8e7d").class,
            SecretClass::Secret
        );
    }
}

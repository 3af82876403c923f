//! The compliance mappings as an auditor sees them: each check's controls from its metadata,
//! reviewed against the framework texts, with the source of each control, the corrections the
//! review found (applied here, listed in every framework summary, and to be made in the
//! checks' metadata), the PCI DSS v4.0 requirements the checks evidence, and the thresholds a
//! control requires of a check's options.

use faascan_checks::check::ResourceKind;
use faascan_checks::registry::REGISTRY;
use serde::Serialize;

pub const FSBP: &str = "AWS FSBP";
pub const CIS: &str = "CIS AWS Foundations v3.0";
pub const NIST: &str = "NIST 800-53 r5";
pub const PCI: &str = "PCI DSS v4.0";

/// The document each framework's controls come from.
pub fn framework_source(framework: &str) -> &'static str {
    match framework {
        FSBP => {
            "AWS Security Hub, AWS Foundational Security Best Practices v1.0.0 (https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html)"
        }
        CIS => {
            "CIS Amazon Web Services Foundations Benchmark v3.0.0 (https://www.cisecurity.org/benchmark/amazon_web_services), as implemented by AWS Security Hub (https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html)"
        }
        NIST => {
            "NIST SP 800-53 Rev. 5, Security and Privacy Controls for Information Systems and Organizations (https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)"
        }
        PCI => {
            "PCI DSS v4.0 (https://docs-prv.pcisecuritystandards.org/PCI%20DSS/Standard/PCI-DSS-v4_0.pdf)"
        }
        _ => "",
    }
}

/// Where a control's text can be read.
pub fn control_source(framework: &str, control: &str) -> String {
    match framework {
        FSBP => {
            let (service, number) = control.split_once('.').unwrap_or((control, ""));
            let service = service.to_ascii_lowercase();
            format!(
                "https://docs.aws.amazon.com/securityhub/latest/userguide/{service}-controls.html#{service}-{number}"
            )
        }
        CIS => format!(
            "CIS AWS Foundations Benchmark v3.0.0, recommendation {control}; https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html"
        ),
        NIST => {
            let base = control.split('(').next().unwrap_or(control);
            format!(
                "https://csrc.nist.gov/projects/cprt/catalog#/cprt/framework/version/SP_800_53_5_1_1/home?element={base}"
            )
        }
        PCI => format!("PCI DSS v4.0, requirement {control}"),
        _ => String::new(),
    }
}

/// A correction the review made to a check's metadata mapping.
#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    pub check_id: &'static str,
    pub framework: &'static str,
    pub control: &'static str,
    /// Only these resource kinds of the check evidence the control; empty: none does (the
    /// mapping is removed).
    pub only_kinds: &'static [ResourceKind],
    pub finding: &'static str,
}

pub const CORRECTIONS: &[Correction] = &[
    Correction {
        check_id: "apigateway-stage-logging-disabled",
        framework: FSBP,
        control: "APIGateway.9",
        only_kinds: &[ResourceKind::HttpApiStage],
        finding: "APIGateway.9 is 'Access logging should be configured for API Gateway V2 Stages' (AWS::ApiGatewayV2::Stage); REST API stages are APIGateway.1 ('API Gateway REST and WebSocket API execution logging should be enabled'). Only HTTP API stage results evidence APIGateway.9.",
    },
    Correction {
        check_id: "apigateway-stage-logging-disabled",
        framework: FSBP,
        control: "APIGateway.1",
        only_kinds: &[ResourceKind::RestApiStage],
        finding: "APIGateway.1 covers REST (and WebSocket) API stages; HTTP API stage results evidence APIGateway.9, not APIGateway.1.",
    },
];

/// A mapping the review adds (with its source), for frameworks the checks' metadata does not
/// carry yet.
#[derive(Debug, Clone, Serialize)]
pub struct Addition {
    pub check_id: &'static str,
    pub framework: &'static str,
    pub control: &'static str,
    pub requirement: &'static str,
}

pub const ADDITIONS: &[Addition] = &[
    Addition {
        check_id: "iam-user-access-key-old",
        framework: PCI,
        control: "8.3.9",
        requirement: "passwords/passphrases used as the only authentication factor are changed at least once every 90 days",
    },
    Addition {
        check_id: "iam-user-access-key-unused",
        framework: PCI,
        control: "8.2.6",
        requirement: "inactive user accounts are removed or disabled within 90 days of inactivity",
    },
    Addition {
        check_id: "iam-role-admin-access",
        framework: PCI,
        control: "7.2.2",
        requirement: "access is assigned based on job classification and function, with least privileges",
    },
    Addition {
        check_id: "iam-user-admin-access",
        framework: PCI,
        control: "7.2.2",
        requirement: "access is assigned based on job classification and function, with least privileges",
    },
    Addition {
        check_id: "iam-role-privilege-escalation",
        framework: PCI,
        control: "7.2.2",
        requirement: "access is assigned based on job classification and function, with least privileges",
    },
    Addition {
        check_id: "s3-bucket-public-policy",
        framework: PCI,
        control: "1.4.4",
        requirement: "system components that store cardholder data are not directly accessible from untrusted networks",
    },
    Addition {
        check_id: "s3-bucket-public-acl",
        framework: PCI,
        control: "1.4.4",
        requirement: "system components that store cardholder data are not directly accessible from untrusted networks",
    },
    Addition {
        check_id: "s3-account-public-access-block-disabled",
        framework: PCI,
        control: "1.4.4",
        requirement: "system components that store cardholder data are not directly accessible from untrusted networks",
    },
    Addition {
        check_id: "s3-bucket-no-tls-enforcement",
        framework: PCI,
        control: "4.2.1",
        requirement: "strong cryptography and security protocols safeguard data during transmission over open, public networks",
    },
    Addition {
        check_id: "apigateway-domain-weak-tls",
        framework: PCI,
        control: "4.2.1",
        requirement: "strong cryptography and security protocols safeguard data during transmission over open, public networks",
    },
    Addition {
        check_id: "s3-bucket-logging-disabled",
        framework: PCI,
        control: "10.2.1",
        requirement: "audit logs are enabled and active for all system components",
    },
    Addition {
        check_id: "apigateway-stage-logging-disabled",
        framework: PCI,
        control: "10.2.1",
        requirement: "audit logs are enabled and active for all system components",
    },
    Addition {
        check_id: "lambda-function-runtime-deprecated",
        framework: PCI,
        control: "6.3.3",
        requirement: "system components are protected from known vulnerabilities by installing applicable security patches and updates",
    },
    Addition {
        check_id: "kms-key-rotation-disabled",
        framework: PCI,
        control: "3.7.4",
        requirement: "cryptographic keys are changed at the end of their defined cryptoperiod",
    },
    Addition {
        check_id: "apigateway-stage-no-waf",
        framework: PCI,
        control: "6.4.2",
        requirement: "public-facing web applications are protected by an automated technical solution that detects and prevents web-based attacks",
    },
    Addition {
        check_id: "lambda-function-env-secrets",
        framework: PCI,
        control: "8.3.2",
        requirement: "strong cryptography renders all authentication factors unreadable during transmission and storage",
    },
    Addition {
        check_id: "apigateway-stage-variable-secrets",
        framework: PCI,
        control: "8.3.2",
        requirement: "strong cryptography renders all authentication factors unreadable during transmission and storage",
    },
];

/// A control that requires a check's option to be at most some value; a scan run with a looser
/// threshold cannot show the control passed.
#[derive(Debug, Clone, Serialize)]
pub struct Threshold {
    pub framework: &'static str,
    pub control: &'static str,
    pub check_id: &'static str,
    /// The option's name in `faascan.toml` `[options]`.
    pub option: &'static str,
    pub at_most: i64,
    pub requirement: &'static str,
}

pub const THRESHOLDS: &[Threshold] = &[
    Threshold {
        framework: CIS,
        control: "1.12",
        check_id: "iam-user-access-key-unused",
        option: "access_key_unused_days",
        at_most: 45,
        requirement: "CIS v3.0 1.12: ensure credentials unused for 45 days or more are disabled",
    },
    Threshold {
        framework: CIS,
        control: "1.14",
        check_id: "iam-user-access-key-old",
        option: "access_key_max_age_days",
        at_most: 90,
        requirement: "CIS v3.0 1.14: ensure access keys are rotated every 90 days or less",
    },
    Threshold {
        framework: FSBP,
        control: "IAM.3",
        check_id: "iam-user-access-key-old",
        option: "access_key_max_age_days",
        at_most: 90,
        requirement: "IAM.3: IAM users' access keys should be rotated every 90 days or less",
    },
    Threshold {
        framework: PCI,
        control: "8.3.9",
        check_id: "iam-user-access-key-old",
        option: "access_key_max_age_days",
        at_most: 90,
        requirement: "PCI DSS 8.3.9: changed at least once every 90 days",
    },
    Threshold {
        framework: PCI,
        control: "8.2.6",
        check_id: "iam-user-access-key-unused",
        option: "access_key_unused_days",
        at_most: 90,
        requirement: "PCI DSS 8.2.6: disabled within 90 days of inactivity",
    },
];

/// One check evidencing one control, after the review.
#[derive(Debug, Clone, Copy)]
pub struct Mapping {
    pub check_id: &'static str,
    pub framework: &'static str,
    pub control: &'static str,
    /// Only results on these kinds count; `None`: every result of the check.
    pub only_kinds: Option<&'static [ResourceKind]>,
}

/// Every mapping in force: the checks' metadata with the corrections applied, and the
/// additions.
pub fn all() -> Vec<Mapping> {
    let mut out: Vec<Mapping> = Vec::new();
    for check in REGISTRY {
        for c in check.meta.compliance {
            let correction = CORRECTIONS.iter().find(|x| {
                x.check_id == check.meta.id && x.framework == c.framework && x.control == c.control
            });
            match correction {
                Some(x) if x.only_kinds.is_empty() => {}
                Some(x) => out.push(Mapping {
                    check_id: check.meta.id,
                    framework: c.framework,
                    control: c.control,
                    only_kinds: Some(x.only_kinds),
                }),
                None => out.push(Mapping {
                    check_id: check.meta.id,
                    framework: c.framework,
                    control: c.control,
                    only_kinds: None,
                }),
            }
        }
    }
    for a in ADDITIONS {
        if REGISTRY.iter().any(|c| c.meta.id == a.check_id) {
            out.push(Mapping {
                check_id: a.check_id,
                framework: a.framework,
                control: a.control,
                only_kinds: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrections_and_additions_name_real_checks_and_mappings() {
        for c in CORRECTIONS {
            let check = REGISTRY.iter().find(|x| x.meta.id == c.check_id);
            assert!(check.is_some(), "{}", c.check_id);
        }
        for a in ADDITIONS {
            assert!(
                REGISTRY.iter().any(|x| x.meta.id == a.check_id),
                "{}",
                a.check_id
            );
        }
        for t in THRESHOLDS {
            assert!(REGISTRY.iter().any(|x| x.meta.id == t.check_id));
        }
        assert!(control_source(FSBP, "S3.2").ends_with("s3-controls.html#s3-2"));
        assert!(control_source(NIST, "AC-6(10)").ends_with("element=AC-6"));
    }
}

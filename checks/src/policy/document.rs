//! Parsing IAM policy documents in every shape AWS returns: URL-encoded or raw JSON;
//! `Statement` as an object or a list; `Action`/`Resource`/`Principal` as a string or a list;
//! `NotAction`/`NotResource`/`NotPrincipal`; any condition operator with `IfExists` and
//! `ForAnyValue:`/`ForAllValues:`. Malformed input is a typed error, never a panic.

use serde_json::Value;

/// Documents larger than this are refused: AWS caps policies far below it.
const MAX_DOCUMENT_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the policy document is not valid JSON: {0}")]
    NotJson(String),
    #[error("the policy document is too large ({0} bytes)")]
    TooLarge(usize),
    #[error("the policy document is malformed: {0}")]
    Malformed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// A list of patterns, or its complement (`NotAction`, `NotResource`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternSet {
    pub negated: bool,
    pub patterns: Vec<String>,
}

impl PatternSet {
    fn all() -> Self {
        PatternSet {
            negated: false,
            patterns: vec!["*".to_owned()],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"Principal": "*"`
    Anyone,
    /// The typed form; `negated` for `NotPrincipal`.
    Typed {
        negated: bool,
        aws: Vec<String>,
        service: Vec<String>,
        federated: Vec<String>,
        canonical_user: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub operator: String,
    /// Without qualifier and `IfExists`, e.g. `StringLike`.
    pub base_operator: String,
    pub if_exists: bool,
    pub qualifier: Option<SetQualifier>,
    /// Lower-cased: condition keys are case-insensitive.
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principal>,
    pub actions: PatternSet,
    pub resources: PatternSet,
    /// Whether `Resource`/`NotResource` was present (resource policies may omit it).
    pub resource_given: bool,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

impl Policy {
    /// Parses a document as stored in the inventory, or as AWS returned it: URL-encoded text is
    /// decoded first (`+` stays a plus), and JSON-escaped text (API Gateway) is unescaped.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        if text.len() > MAX_DOCUMENT_BYTES {
            return Err(PolicyError::TooLarge(text.len()));
        }
        let trimmed = text.trim();
        let decoded;
        let json =
            if trimmed.starts_with('%') || (!trimmed.starts_with('{') && trimmed.contains("%7B")) {
                decoded = percent_decode(trimmed)?;
                decoded.as_str()
            } else {
                trimmed
            };
        let value: Value =
            serde_json::from_str(json).map_err(|e| PolicyError::NotJson(e.to_string()))?;
        // A JSON string holding the document (escaped once more).
        let value = match value {
            Value::String(inner) => {
                serde_json::from_str(&inner).map_err(|e| PolicyError::NotJson(e.to_string()))?
            }
            other => other,
        };
        Self::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<Policy, PolicyError> {
        let object = value
            .as_object()
            .ok_or_else(|| malformed("the document is not a JSON object"))?;
        let statements = match get_ci(object, "Statement") {
            Some(Value::Array(list)) => {
                list.iter().map(statement).collect::<Result<Vec<_>, _>>()?
            }
            Some(single @ Value::Object(_)) => vec![statement(single)?],
            Some(_) => return Err(malformed("Statement is neither an object nor a list")),
            None => return Err(malformed("no Statement")),
        };
        Ok(Policy { statements })
    }
}

fn malformed(what: &str) -> PolicyError {
    PolicyError::Malformed(what.to_owned())
}

/// Policy grammar keys are case-sensitive on AWS, but tolerate case differences rather than
/// silently skipping an element a careless writer capitalised differently.
fn get_ci<'a>(object: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn strings(value: &Value, what: &str) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                // Numbers and booleans appear in conditions (`"aws:SecureTransport": false`).
                Value::Bool(b) => Ok(b.to_string()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(PolicyError::Malformed(format!(
                    "{what} holds a non-string value"
                ))),
            })
            .collect(),
        Value::Bool(b) => Ok(vec![b.to_string()]),
        Value::Number(n) => Ok(vec![n.to_string()]),
        _ => Err(PolicyError::Malformed(format!(
            "{what} is not a string or a list of strings"
        ))),
    }
}

fn pattern_set(
    object: &serde_json::Map<String, Value>,
    positive: &str,
    negative: &str,
) -> Result<Option<PatternSet>, PolicyError> {
    match (get_ci(object, positive), get_ci(object, negative)) {
        (Some(_), Some(_)) => Err(PolicyError::Malformed(format!(
            "both {positive} and {negative}"
        ))),
        (Some(v), None) => Ok(Some(PatternSet {
            negated: false,
            patterns: strings(v, positive)?,
        })),
        (None, Some(v)) => Ok(Some(PatternSet {
            negated: true,
            patterns: strings(v, negative)?,
        })),
        (None, None) => Ok(None),
    }
}

fn principal(value: &Value, negated: bool) -> Result<Principal, PolicyError> {
    match value {
        Value::String(s) if s == "*" && !negated => Ok(Principal::Anyone),
        Value::String(s) if s == "*" => Ok(Principal::Typed {
            negated,
            aws: vec!["*".to_owned()],
            service: vec![],
            federated: vec![],
            canonical_user: vec![],
        }),
        // Some emulators (and old documents) write a bare account id or ARN.
        Value::String(s) => Ok(Principal::Typed {
            negated,
            aws: vec![s.clone()],
            service: vec![],
            federated: vec![],
            canonical_user: vec![],
        }),
        Value::Object(map) => {
            let mut out = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for (kind, ids) in map {
                let ids = strings(ids, "Principal")?;
                match kind.to_ascii_lowercase().as_str() {
                    "aws" => out.0.extend(ids),
                    "service" => out.1.extend(ids),
                    "federated" => out.2.extend(ids),
                    "canonicaluser" => out.3.extend(ids),
                    other => {
                        return Err(PolicyError::Malformed(format!(
                            "unknown principal type {other}"
                        )));
                    }
                }
            }
            Ok(Principal::Typed {
                negated,
                aws: out.0,
                service: out.1,
                federated: out.2,
                canonical_user: out.3,
            })
        }
        _ => Err(malformed("Principal is neither \"*\" nor an object")),
    }
}

fn conditions(value: &Value) -> Result<Vec<Condition>, PolicyError> {
    let operators = value
        .as_object()
        .ok_or_else(|| malformed("Condition is not an object"))?;
    let mut out = Vec::new();
    for (operator, keys) in operators {
        let keys = keys.as_object().ok_or_else(|| {
            PolicyError::Malformed(format!("condition {operator} is not an object"))
        })?;
        let (qualifier, rest) = if let Some(rest) = operator.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = operator.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, operator.as_str())
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        if base.is_empty() {
            return Err(PolicyError::Malformed(format!(
                "condition operator {operator} is empty"
            )));
        }
        for (key, values) in keys {
            out.push(Condition {
                operator: operator.clone(),
                base_operator: base.to_owned(),
                if_exists,
                qualifier,
                key: key.to_ascii_lowercase(),
                values: strings(values, "Condition")?,
            });
        }
    }
    Ok(out)
}

fn statement(value: &Value) -> Result<Statement, PolicyError> {
    let object = value
        .as_object()
        .ok_or_else(|| malformed("a statement is not an object"))?;
    let effect = match get_ci(object, "Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => return Err(PolicyError::Malformed(format!("unknown Effect {other}"))),
        None => return Err(malformed("a statement has no Effect")),
    };
    let principal = match (get_ci(object, "Principal"), get_ci(object, "NotPrincipal")) {
        (Some(_), Some(_)) => return Err(malformed("both Principal and NotPrincipal")),
        (Some(p), None) => Some(principal(p, false)?),
        (None, Some(p)) => Some(principal(p, true)?),
        (None, None) => None,
    };
    let actions = pattern_set(object, "Action", "NotAction")?
        .ok_or_else(|| malformed("a statement has no Action"))?;
    let resources = pattern_set(object, "Resource", "NotResource")?;
    let conditions = match get_ci(object, "Condition") {
        Some(c) => conditions(c)?,
        None => Vec::new(),
    };
    Ok(Statement {
        sid: get_ci(object, "Sid")
            .and_then(Value::as_str)
            .map(str::to_owned),
        effect,
        principal,
        actions,
        resource_given: resources.is_some(),
        resources: resources.unwrap_or_else(PatternSet::all),
        conditions,
    })
}

/// Percent-decoding only (`+` is a literal plus in a policy, not a space). A `%` not followed
/// by two hex digits stays as it is (the JSON parser then says what is wrong).
fn percent_decode(text: &str) -> Result<String, PolicyError> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| malformed("percent-encoded text is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Policy {
        Policy::parse(text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    #[test]
    fn single_statement_object_and_string_fields() {
        let p = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
        );
        assert_eq!(p.statements.len(), 1);
        assert_eq!(
            p.statements[0].actions,
            PatternSet {
                negated: false,
                patterns: vec!["s3:GetObject".into()]
            }
        );
        assert!(p.statements[0].resource_given);
    }

    #[test]
    fn lists_not_forms_and_principals() {
        let p = parse(
            r#"{"Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::x/*",
            "NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root"]}},
            {"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"},
            {"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com","AWS":"*"},"Action":"*"}]}"#,
        );
        let deny = &p.statements[0];
        assert_eq!(deny.effect, Effect::Deny);
        assert!(deny.actions.negated && deny.resources.negated);
        assert!(
            matches!(&deny.principal, Some(Principal::Typed { negated: true, aws, .. }) if aws.len() == 1)
        );
        assert_eq!(p.statements[1].principal, Some(Principal::Anyone));
        assert!(!p.statements[1].resource_given);
        assert!(
            matches!(&p.statements[2].principal, Some(Principal::Typed { service, aws, .. }) if service == &["s3.amazonaws.com"] && aws == &["*"])
        );
    }

    #[test]
    fn every_condition_form() {
        let p = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
              "StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"},
              "ForAnyValue:StringLike":{"aws:TagKeys":["a*","b"]},
              "ForAllValues:StringEquals":{"aws:TagKeys":"x"},
              "Bool":{"aws:SecureTransport":false},
              "NumericLessThan":{"aws:MultiFactorAuthAge":3600}}}]}"#,
        );
        let c = &p.statements[0].conditions;
        assert_eq!(c.len(), 5);
        let vpc = c
            .iter()
            .find(|c| c.key == "aws:sourcevpc")
            .unwrap_or_else(|| panic!());
        assert!(vpc.if_exists && vpc.base_operator == "StringEquals");
        let any = c
            .iter()
            .find(|c| c.qualifier == Some(SetQualifier::ForAnyValue))
            .unwrap_or_else(|| panic!());
        assert_eq!(any.values, ["a*", "b"]);
        assert!(
            c.iter()
                .any(|c| c.qualifier == Some(SetQualifier::ForAllValues))
        );
        assert!(
            c.iter()
                .any(|c| c.base_operator == "Bool" && c.values == ["false"])
        );
        assert!(c.iter().any(|c| c.values == ["3600"]));
    }

    #[test]
    fn url_encoded_and_escaped_documents() {
        let encoded = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGet%2A%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa+b%2F%2A%22%7D%5D%7D";
        let p = parse(encoded);
        assert_eq!(p.statements[0].resources.patterns, ["arn:aws:s3:::a+b/*"]);
        let escaped = r#""{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"execute-api:Invoke\",\"Principal\":\"*\"}]}""#;
        assert_eq!(
            parse(escaped).statements[0].principal,
            Some(Principal::Anyone)
        );
    }

    #[test]
    fn malformed_documents_are_errors_not_panics() {
        for bad in [
            "",
            "not json",
            "[]",
            "{}",
            r#"{"Statement":"x"}"#,
            r#"{"Statement":[{"Action":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Maybe","Action":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":[{"x":1}]}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEquals":"x"}}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Principal":{"Alien":"x"}}]}"#,
            "%7B%2",
            "%FF%FE",
        ] {
            assert!(Policy::parse(bad).is_err(), "accepted {bad:?}");
        }
        assert!(matches!(
            Policy::parse(&"x".repeat(MAX_DOCUMENT_BYTES + 1)),
            Err(PolicyError::TooLarge(_))
        ));
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A small deterministic fuzz: mutations of a valid document.
        let base = br#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:*"],"Resource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:SourceVpce":["vpce-1"]}}}]}"#;
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut doc = base.to_vec();
            for _ in 0..3 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed as usize) % doc.len();
                doc[at] = (seed >> 32) as u8;
            }
            let text = String::from_utf8_lossy(&doc);
            let _ = Policy::parse(&text);
        }
    }
}

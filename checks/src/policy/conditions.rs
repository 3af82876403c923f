//! Which conditions really narrow a statement. A condition that anyone can satisfy (a wildcard
//! value, `IfExists` on a key an outsider need not send, a negated operator in an Allow,
//! `0.0.0.0/0`, a key the caller controls) does not restrict.
//!
//! The rules follow the IAM documentation:
//! - condition operators, `IfExists`, and what a missing key does:
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//!   (a negated operator is true when the key is absent; `...IfExists` is true when it is absent;
//!   `Null` tests presence only);
//! - set operators: `ForAllValues` is true when the request has no value for the key, so on its own
//!   it never restricts:
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>;
//! - which global keys exist, what they hold and when they are present:
//!   <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>.

use super::document::{Condition, SetQualifier, Statement};

/// Where a condition is read: in a resource or trust policy it must narrow *who* may call; in an
/// identity policy it must narrow *what* the principal reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Principal,
    Identity,
}

/// What a recognised key holds, which decides how its values can be too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An identifier of one party or network (org id, VPC, endpoint, user id, external id): a
    /// pattern that keeps only a type prefix (`vpce-*`, `o-*`) names anyone.
    Id,
    /// An account id: any wildcard opens it to unknown accounts.
    Account,
    /// An ARN: narrows when the value pins an account, or names one account-less resource.
    Arn,
    /// `aws:SourceIp`: narrows unless a range is (nearly) the whole Internet.
    Ip,
    /// A Boolean that narrows only when required to be `true`.
    TrueOnly,
    /// `aws:MultiFactorAuthAge`: present only when MFA was used, so any positive test needs MFA.
    MfaAge,
    /// The resource acted on (its tags, account, organization): narrows an identity statement.
    Resource,
    /// A service-specific key (identity policies): narrows what the request may do.
    Service,
}

/// Global and cross-service keys that narrow, with where they narrow. Keys are lower-case.
const KEYS: &[(&str, Kind, &[Place])] = {
    use Kind::*;
    use Place::*;
    const BOTH: &[Place] = &[Principal, Identity];
    const WHO: &[Place] = &[Principal];
    const WHAT: &[Place] = &[Identity];
    &[
        ("aws:sourcearn", Arn, BOTH),
        ("aws:sourceaccount", Account, BOTH),
        ("aws:sourceowner", Account, BOTH),
        ("aws:sourceorgid", Id, BOTH),
        ("aws:sourceorgpaths", Id, BOTH),
        ("aws:sourcevpc", Id, BOTH),
        ("aws:sourcevpce", Id, BOTH),
        ("aws:sourceip", Ip, BOTH),
        ("aws:multifactorauthpresent", TrueOnly, BOTH),
        ("aws:multifactorauthage", MfaAge, BOTH),
        // Who the caller is: constant for the principal an identity policy is attached to.
        ("aws:principalorgid", Id, WHO),
        ("aws:principalorgpaths", Id, WHO),
        ("aws:principalaccount", Account, WHO),
        ("aws:principalarn", Arn, WHO),
        ("aws:userid", Id, WHO),
        ("kms:calleraccount", Account, WHO),
        ("s3:dataaccesspointaccount", Account, WHO),
        ("sts:externalid", Id, WHO),
        // Web identity federation: the identity pool, or the application of a public provider.
        ("cognito-identity.amazonaws.com:aud", Id, WHO),
        ("accounts.google.com:aud", Id, WHO),
        ("graph.facebook.com:app_id", Id, WHO),
        ("www.amazon.com:app_id", Id, WHO),
        // How the request arrives: only through (or on behalf of) a named AWS service.
        ("aws:calledvia", Id, WHAT),
        ("aws:calledviafirst", Id, WHAT),
        ("aws:calledvialast", Id, WHAT),
        ("aws:viaawsservice", TrueOnly, WHAT),
        // True only for the MCP services' own actions (AWSMcpServiceActionsFullAccess), never for
        // the AWS calls an MCP server makes on the caller's behalf. aws:ViaAWSMCPService is not
        // here: the AWS MCP Server forwards any API call the caller asks for.
        ("aws:ismcpserviceaction", TrueOnly, WHAT),
        ("aws:resourceaccount", Resource, WHAT),
        ("aws:resourceorgid", Resource, WHAT),
        ("aws:resourceorgpaths", Resource, WHAT),
    ]
};

/// Keys present in every request an identity statement can match, so `IfExists` changes nothing.
const ALWAYS_PRESENT: &[&str] = &["iam:passedtoservice", "aws:viaawsservice"];

/// The value that excludes the principal's own account or organization from a resource key
/// (`StringNotEquals aws:ResourceAccount ${aws:PrincipalAccount}`): a cross-account-only grant.
const SELF_EXCLUSIONS: &[(&str, &str)] = &[
    ("aws:resourceaccount", "${aws:principalaccount}"),
    ("aws:resourceorgid", "${aws:principalorgid}"),
    ("aws:resourceorgpaths", "${aws:principalorgpaths}"),
];

fn kind(key: &str, place: Place) -> Option<Kind> {
    if let Some((_, kind, places)) = KEYS.iter().find(|(k, _, _)| *k == key) {
        return places.contains(&place).then_some(*kind);
    }
    // A service's own resource-tag key (`ec2:ResourceTag/K`).
    let service_tag = key
        .split_once(':')
        .is_some_and(|(_, rest)| rest.starts_with("resourcetag/"));
    match place {
        // A web identity provider's subject (`token.actions.githubusercontent.com:sub`,
        // `oidc.eks.REGION.amazonaws.com/id/ID:sub`) names the identity.
        Place::Principal => {
            let (provider, claim) = key.rsplit_once(':')?;
            (claim == "sub" && provider.contains('.')).then_some(Kind::Id)
        }
        Place::Identity if key.starts_with("aws:resourcetag/") => Some(Kind::Resource),
        // Anyone may tag their own principal or request: these never narrow.
        Place::Identity if key.starts_with("aws:") => key
            .starts_with("aws:principaltag/")
            .then_some(Kind::Resource),
        Place::Identity if service_tag => Some(Kind::Resource),
        Place::Identity => Some(Kind::Service),
    }
}

fn is_variable(value: &str) -> bool {
    value.contains("${")
}

fn only_wildcards(value: &str) -> bool {
    value.chars().all(|c| c == '*' || c == '?')
}

/// A `Like` value that keeps no more than a type prefix (`vpce-*`, `o-*`, `*`).
fn open_identifier(value: &str) -> bool {
    let literal = value.split(['*', '?']).next().unwrap_or_default();
    value.contains(['*', '?'])
        && literal
            .trim_end_matches('-')
            .chars()
            .all(|c| c.is_ascii_alphabetic())
}

/// An ARN pattern narrows when it pins an account, or names one resource of an account-less
/// service (an S3 bucket).
fn open_arn(value: &str) -> bool {
    if is_variable(value) {
        return false;
    }
    let fields: Vec<&str> = value.splitn(6, ':').collect();
    let [_, _, _, _, account, resource] = fields.as_slice() else {
        return only_wildcards(value);
    };
    if account.is_empty() {
        resource.contains(['*', '?'])
    } else {
        account.contains(['*', '?'])
    }
}

/// `0.0.0.0/0`, `::/0`, and anything wider than an IPv4 /8 or an IPv6 /16 is the Internet.
fn open_range(cidr: &str) -> bool {
    let (address, bits) = cidr.split_once('/').unwrap_or((cidr, "128"));
    let limit = if address.contains(':') { 16 } else { 8 };
    bits.trim().parse::<u8>().map_or(true, |b| b < limit)
}

/// Whether one condition can only be met by some callers (`Principal`) or on some resources or
/// requests (`Identity`).
fn narrows(condition: &Condition, place: Place) -> bool {
    let key = condition.key.as_str();
    let Some(kind) = kind(key, place) else {
        return false;
    };
    let op = condition.base_operator.as_str();
    let values = &condition.values;
    if values.is_empty() {
        return false;
    }
    if condition.if_exists && !ALWAYS_PRESENT.contains(&key) {
        return false;
    }
    let negated = op.contains("Not");
    match condition.qualifier {
        // True for a request that has no value for the key at all.
        Some(SetQualifier::ForAllValues) => return false,
        Some(SetQualifier::ForAnyValue) if negated => return false,
        _ => {}
    }
    if op == "Null" {
        // Null=false: the key must be present. That narrows for a resource tag (only tagged
        // resources), for the MFA age (only MFA sessions) and for a KMS encryption context (only
        // data encrypted under that context can be decrypted: the context is bound into the
        // ciphertext); presence of anything else the caller sends is free.
        return values.iter().all(|v| v.eq_ignore_ascii_case("false"))
            && (matches!(kind, Kind::MfaAge)
                || (kind == Kind::Resource && key.contains("resourcetag/"))
                || key.starts_with("kms:encryptioncontext:"));
    }
    if negated {
        // Anyone is "not" a listed value, and a missing key satisfies a negated operator. The
        // exception is a grant that excludes the principal's own account or organization: it
        // reaches none of the audited account's resources.
        return place == Place::Identity
            && !op.starts_with("NotIp")
            && SELF_EXCLUSIONS.iter().any(|(k, v)| {
                *k == key && values.iter().all(|value| value.eq_ignore_ascii_case(v))
            });
    }
    let wildcards = op.contains("Like") || op.starts_with("Arn");
    let family = match op {
        "StringEquals" | "StringEqualsIgnoreCase" | "StringLike" => "String",
        "ArnEquals" | "ArnLike" => "Arn",
        "NumericEquals"
        | "NumericLessThan"
        | "NumericLessThanEquals"
        | "NumericGreaterThan"
        | "NumericGreaterThanEquals" => "Numeric",
        "DateEquals"
        | "DateLessThan"
        | "DateLessThanEquals"
        | "DateGreaterThan"
        | "DateGreaterThanEquals" => "Date",
        "Bool" => "Bool",
        "BinaryEquals" => "Binary",
        "IpAddress" => "IpAddress",
        // An operator IAM does not know makes the policy invalid: nothing to credit.
        _ => return false,
    };
    match (kind, family) {
        (Kind::TrueOnly, "Bool" | "String") => {
            values.iter().all(|v| v.eq_ignore_ascii_case("true"))
        }
        (Kind::TrueOnly, _) => false,
        // Any numeric or date test of the MFA age fails when no MFA was used.
        (Kind::MfaAge, "Numeric") => true,
        (Kind::MfaAge, _) => false,
        (Kind::Ip, "IpAddress") => values.iter().all(|v| !open_range(v)),
        (Kind::Ip, _) => false,
        // A time window or a token age limits when, not who or what.
        (_, "Date") => kind == Kind::Service,
        (_, "Numeric" | "Bool" | "IpAddress") => kind == Kind::Service,
        (Kind::Arn, "String" | "Arn") => !wildcards || values.iter().all(|v| !open_arn(v)),
        (Kind::Account, "String" | "Arn") => {
            !wildcards
                || values
                    .iter()
                    .all(|v| is_variable(v) || !v.contains(['*', '?']))
        }
        (Kind::Id, "String" | "Arn" | "Binary") => {
            !wildcards || values.iter().all(|v| is_variable(v) || !open_identifier(v))
        }
        // `StringLike aws:ResourceTag/K "*"` still needs the tag on the resource.
        (Kind::Resource, "String") if key.contains("resourcetag/") => true,
        (Kind::Resource | Kind::Service, "String" | "Arn" | "Binary") => {
            !wildcards || values.iter().all(|v| !only_wildcards(v))
        }
        _ => false,
    }
}

/// Whether a conditioned Deny leaves its actions allowed only under a restriction: "deny unless
/// the request is via S3" (`StringNotLike kms:ViaService s3.*`), "deny unless the resource is
/// tagged" (`Null aws:ResourceTag/K true`). The Deny applies when all its conditions hold, so
/// the actions stay allowed when any one fails; each such inverse must narrow.
pub fn deny_leaves_only_restricted(statement: &Statement) -> bool {
    !statement.conditions.is_empty()
        && statement.conditions.iter().all(|c| {
            if c.qualifier.is_some() {
                return false;
            }
            let op = c.base_operator.as_str();
            let inverse = match op {
                "Null" => Condition {
                    values: c
                        .values
                        .iter()
                        .map(|v| {
                            if v.eq_ignore_ascii_case("true") {
                                "false".to_owned()
                            } else {
                                "true".to_owned()
                            }
                        })
                        .collect(),
                    ..c.clone()
                },
                _ if op.contains("Not") => Condition {
                    base_operator: op.replacen("Not", "", 1),
                    operator: op.replacen("Not", "", 1),
                    if_exists: false,
                    ..c.clone()
                },
                _ => return false,
            };
            narrows(&inverse, Place::Identity)
        })
}

/// The conditions of an Allow statement that restrict who can use it (resource and trust
/// policies). Conditions are ANDed, so one is enough.
pub fn principal_restrictions(statement: &Statement) -> Vec<&Condition> {
    statement
        .conditions
        .iter()
        .filter(|c| narrows(c, Place::Principal))
        .collect()
}

/// The conditions of an identity-policy statement that scope it (network, resource owner or
/// tags, calling service, passed-to service, service-specific keys).
pub fn identity_restrictions(statement: &Statement) -> Vec<&Condition> {
    statement
        .conditions
        .iter()
        .filter(|c| narrows(c, Place::Identity))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    fn first(doc: &str) -> Statement {
        Policy::parse(doc)
            .unwrap_or_else(|e| panic!("{e}"))
            .statements
            .remove(0)
    }

    /// Whether a condition restricts who may call (resource and trust policies).
    fn restricted(condition: &str) -> bool {
        let s = first(&format!(
            r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{condition}}}]}}"#
        ));
        !principal_restrictions(&s).is_empty()
    }

    /// Whether a condition scopes an identity statement.
    fn scoped(condition: &str) -> bool {
        let s = first(&format!(
            r#"{{"Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}]}}"#
        ));
        !identity_restrictions(&s).is_empty()
    }

    #[test]
    fn string_operators() {
        assert!(restricted(
            r#"{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c"}}"#
        ));
        assert!(restricted(
            r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}"#
        ));
        assert!(restricted(
            r#"{"StringEqualsIgnoreCase":{"aws:PrincipalOrgID":"o-abc123"}}"#
        ));
        assert!(
            restricted(r#"{"StringEquals":{"AWS:SourceAccount":"111122223333"}}"#),
            "keys are case-insensitive"
        );
        assert!(restricted(
            r#"{"StringLike":{"aws:PrincipalOrgPaths":"o-abc123/r-ab12/ou-ab12-11111111/*"}}"#
        ));
        assert!(restricted(
            r#"{"StringLike":{"aws:userid":"AROAEXAMPLEID:*"}}"#
        ));
        assert!(restricted(r#"{"StringEquals":{"sts:ExternalId":"x"}}"#));
        // Wildcards that keep only the id's type prefix name anyone.
        assert!(!restricted(r#"{"StringLike":{"aws:PrincipalOrgID":"*"}}"#));
        assert!(!restricted(
            r#"{"StringLike":{"aws:PrincipalOrgID":"o-*"}}"#
        ));
        assert!(!restricted(r#"{"StringLike":{"aws:SourceVpce":"vpce-*"}}"#));
        assert!(!restricted(
            r#"{"StringLike":{"aws:SourceAccount":"1111*"}}"#
        ));
        // StringEquals does not expand wildcards: "*" is a literal nobody sends.
        assert!(restricted(r#"{"StringEquals":{"aws:PrincipalOrgID":"*"}}"#));
        // Keys the caller controls or that any principal can satisfy.
        assert!(!restricted(r#"{"StringEquals":{"aws:UserAgent":"curl"}}"#));
        assert!(!restricted(
            r#"{"StringEquals":{"aws:PrincipalTag/team":"admins"}}"#
        ));
        assert!(!restricted(
            r#"{"StringEquals":{"aws:ResourceTag/team":"admins"}}"#
        ));
        assert!(!restricted(r#"{"StringEquals":{"aws:username":"bob"}}"#));
        // Identity: a region limit does not scope data access; the resource's owner does.
        assert!(!scoped(
            r#"{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#
        ));
        assert!(scoped(
            r#"{"StringEquals":{"aws:ResourceAccount":"111122223333"}}"#
        ));
        assert!(scoped(
            r#"{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}"#
        ));
        assert!(scoped(
            r#"{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}"#
        ));
        assert!(!scoped(r#"{"StringLike":{"s3:prefix":"*"}}"#));
        assert!(
            !scoped(r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}"#),
            "the principal's own organization is constant for its own policies"
        );
    }

    #[test]
    fn negated_operators() {
        // A missing key satisfies a negated operator, and anyone is "not" a listed value.
        assert!(!restricted(
            r#"{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}"#
        ));
        assert!(!restricted(
            r#"{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/x"}}"#
        ));
        assert!(!scoped(
            r#"{"StringNotEquals":{"aws:ResourceAccount":"999999999999"}}"#
        ));
        // Cross-account only: excludes every resource of the principal's own account.
        assert!(scoped(
            r#"{"StringNotEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}}"#
        ));
        assert!(scoped(
            r#"{"StringNotEquals":{"aws:ResourceOrgID":"${aws:PrincipalOrgID}"}}"#
        ));
        assert!(
            !scoped(
                r#"{"StringNotEqualsIfExists":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}}"#
            ),
            "IfExists lets requests without the key through"
        );
        assert!(!restricted(
            r#"{"StringNotEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}}"#
        ));
    }

    #[test]
    fn numeric_operators() {
        // aws:MultiFactorAuthAge exists only in MFA sessions: any numeric test requires MFA.
        assert!(restricted(
            r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#
        ));
        assert!(!restricted(
            r#"{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}"#
        ));
        assert!(!restricted(
            r#"{"NumericGreaterThan":{"aws:EpochTime":"0"}}"#
        ));
        assert!(scoped(r#"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#));
    }

    #[test]
    fn date_operators() {
        // A time window limits when, not who.
        assert!(!restricted(
            r#"{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"#
        ));
        assert!(!scoped(
            r#"{"DateGreaterThan":{"aws:TokenIssueTime":"2026-01-01T00:00:00Z"}}"#
        ));
        assert!(scoped(
            r#"{"DateLessThan":{"s3:object-lock-retain-until-date":"2030-01-01T00:00:00Z"}}"#
        ));
    }

    #[test]
    fn bool_operators() {
        assert!(restricted(
            r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#
        ));
        assert!(restricted(
            r#"{"Bool":{"aws:MultiFactorAuthPresent":true}}"#
        ));
        assert!(!restricted(
            r#"{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#
        ));
        // Long-term access keys send no MFA key at all: IfExists lets them in.
        assert!(!restricted(
            r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}"#
        ));
        assert!(!restricted(r#"{"Bool":{"aws:SecureTransport":"true"}}"#));
        assert!(scoped(r#"{"Bool":{"aws:ViaAWSService":"true"}}"#));
        assert!(!scoped(r#"{"Bool":{"aws:ViaAWSService":"false"}}"#));
        // AWSMcpServiceActionsFullAccess: Allow * on * only for the MCP services' own actions.
        assert!(scoped(r#"{"Bool":{"aws:IsMcpServiceAction":"true"}}"#));
        assert!(!scoped(r#"{"Bool":{"aws:IsMcpServiceAction":"false"}}"#));
        assert!(
            !scoped(r#"{"Bool":{"aws:ViaAWSMCPService":"true"}}"#),
            "the MCP server forwards any call the caller asks for"
        );
    }

    #[test]
    fn binary_operators() {
        assert!(scoped(
            r#"{"BinaryEquals":{"s3:x-amz-server-side-encryption-customer-key-MD5":"ZXhhbXBsZQ=="}}"#
        ));
        assert!(!restricted(
            r#"{"BinaryEquals":{"aws:UserAgent":"ZXhhbXBsZQ=="}}"#
        ));
    }

    #[test]
    fn ip_address_operators() {
        assert!(restricted(r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#));
        assert!(restricted(
            r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#
        ));
        assert!(!restricted(r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#));
        assert!(!restricted(r#"{"IpAddress":{"aws:SourceIp":"::/0"}}"#));
        assert!(!restricted(r#"{"IpAddress":{"aws:SourceIp":"2000::/3"}}"#));
        assert!(!restricted(
            r#"{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}"#
        ));
        assert!(scoped(r#"{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}"#));
    }

    #[test]
    fn arn_operators() {
        assert!(restricted(
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::my-bucket"}}"#
        ));
        assert!(restricted(
            r#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/*"}}"#
        ));
        assert!(restricted(
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:execute-api:us-east-1:111122223333:abc/*"}}"#
        ));
        // Any account's roles, any bucket: anyone.
        assert!(!restricted(
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/deploy"}}"#
        ));
        assert!(!restricted(
            r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}"#
        ));
        assert!(!restricted(r#"{"ArnLike":{"aws:SourceArn":"*"}}"#));
        assert!(!restricted(
            r#"{"StringLike":{"aws:SourceArn":"arn:aws:sns:*:*:topic"}}"#
        ));
    }

    #[test]
    fn null_operator() {
        // The resource must carry the tag: only tagged resources.
        assert!(scoped(r#"{"Null":{"aws:ResourceTag/project":"false"}}"#));
        assert!(scoped(r#"{"Null":{"ec2:ResourceTag/project":"false"}}"#));
        assert!(!scoped(r#"{"Null":{"aws:ResourceTag/project":"true"}}"#));
        // The caller chooses its request's tags and parameters.
        assert!(!scoped(r#"{"Null":{"aws:RequestTag/project":"false"}}"#));
        assert!(!scoped(
            r#"{"Null":{"s3:x-amz-server-side-encryption":"false"}}"#
        ));
        // Any VPC endpoint, anyone's.
        assert!(!restricted(r#"{"Null":{"aws:SourceVpce":"false"}}"#));
        assert!(restricted(r#"{"Null":{"aws:MultiFactorAuthAge":"false"}}"#));
    }

    #[test]
    fn if_exists_variants() {
        // A request that leaves the key out passes.
        assert!(!restricted(
            r#"{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}"#
        ));
        assert!(!restricted(
            r#"{"StringEqualsIfExists":{"aws:PrincipalAccount":"111122223333"}}"#
        ));
        assert!(!scoped(
            r#"{"StringEqualsIfExists":{"aws:ResourceTag/team":"a"}}"#
        ));
        assert!(!scoped(
            r#"{"StringEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}"#
        ));
        // iam:PassedToService is in every iam:PassRole request.
        assert!(scoped(
            r#"{"StringEqualsIfExists":{"iam:PassedToService":"lambda.amazonaws.com"}}"#
        ));
    }

    #[test]
    fn set_operators() {
        assert!(restricted(
            r#"{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":"o-abc123/r-ab12/ou-ab12-1/"}}"#
        ));
        assert!(scoped(
            r#"{"ForAnyValue:StringEquals":{"aws:CalledVia":"athena.amazonaws.com"}}"#
        ));
        // ForAllValues is true for a request with no value for the key.
        assert!(!restricted(
            r#"{"ForAllValues:StringEquals":{"aws:PrincipalOrgPaths":"o-abc123/r-ab12/ou-ab12-1/"}}"#
        ));
        assert!(!scoped(
            r#"{"ForAllValues:StringEquals":{"aws:CalledVia":"athena.amazonaws.com"}}"#
        ));
        assert!(!scoped(
            r#"{"ForAnyValue:StringNotEquals":{"aws:CalledVia":"athena.amazonaws.com"}}"#
        ));
    }

    #[test]
    fn web_identity_subjects() {
        assert!(restricted(
            r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/octo-repo:*"}}"#
        ));
        assert!(restricted(
            r#"{"StringEquals":{"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":"system:serviceaccount:default:app"}}"#
        ));
        assert!(restricted(
            r#"{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:12345678-abcd-abcd-abcd-123456789012"}}"#
        ));
        // The GitHub audience is the same for every GitHub user.
        assert!(!restricted(
            r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}"#
        ));
    }

    #[test]
    fn resource_tag_presence_and_encryption_context() {
        // StringLike "*" on a resource tag still needs the tag.
        assert!(scoped(
            r#"{"StringLike":{"aws:ResourceTag/AWSEc2SqlHa":"*"}}"#
        ));
        assert!(scoped(
            r#"{"StringLike":{"secretsmanager:ResourceTag/RedshiftDataFullAccess":"*"}}"#
        ));
        assert!(!scoped(r#"{"StringLike":{"aws:ResourceAccount":"*"}}"#));
        // Only ciphertext encrypted under that context decrypts.
        assert!(scoped(
            r#"{"Null":{"kms:EncryptionContext:aws:scheduler:schedule:arn":"false"}}"#
        ));
    }

    #[test]
    fn deny_unless_patterns() {
        let deny = |condition: &str| {
            first(&format!(
                r#"{{"Statement":[{{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*","Condition":{condition}}}]}}"#
            ))
        };
        assert!(deny_leaves_only_restricted(&deny(
            r#"{"StringNotLike":{"kms:ViaService":["s3.*.amazonaws.com","sqs.*.amazonaws.com"]}}"#
        )));
        assert!(deny_leaves_only_restricted(&deny(
            r#"{"Null":{"aws:ResourceTag/team":"true"}}"#
        )));
        assert!(deny_leaves_only_restricted(&deny(
            r#"{"StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}"#
        )));
        // Only negated operators and Null invert: a Bool test is left as it is.
        assert!(!deny_leaves_only_restricted(&deny(
            r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#
        )));
        // Deny in one region leaves every other region: no restriction.
        assert!(!deny_leaves_only_restricted(&deny(
            r#"{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#
        )));
        assert!(!deny_leaves_only_restricted(&deny(
            r#"{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}"#
        )));
    }

    #[test]
    fn unknown_operators_do_not_restrict() {
        assert!(!restricted(
            r#"{"StringEqualz":{"aws:SourceVpce":"vpce-1"}}"#
        ));
    }
}

//! Amazon Resource Names, parsed once into their fields
//! (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`,
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html). The parse is
//! structural: the fields are not checked against AWS's lists, so an ARN pattern of a policy
//! (`arn:aws:s3:::*`) parses too. Hostile text is an error, never a panic.

use std::fmt;

/// An ARN's fields, borrowed from the text it was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: &'a str,
    pub service: &'a str,
    /// Empty for global resources (IAM, S3 buckets).
    pub region: &'a str,
    /// Empty for S3 buckets; `aws` for AWS-managed IAM policies.
    pub account: &'a str,
    /// Everything after the fifth colon (it may hold colons and slashes itself).
    pub resource: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    #[error("not an ARN (it does not start with `arn:`)")]
    NotAnArn,
    #[error("the ARN has {0} of its 6 colon-separated fields")]
    TooFewFields(usize),
    #[error("the ARN's {0} is empty")]
    Empty(&'static str),
}

impl<'a> Arn<'a> {
    pub fn parse(text: &'a str) -> Result<Self, ArnError> {
        let rest = text.strip_prefix("arn:").ok_or(ArnError::NotAnArn)?;
        let mut fields = rest.splitn(5, ':');
        let mut next = |n: usize| fields.next().ok_or(ArnError::TooFewFields(n));
        let arn = Arn {
            partition: next(1)?,
            service: next(2)?,
            region: next(3)?,
            account: next(4)?,
            resource: next(5)?,
        };
        for (name, value) in [
            ("partition", arn.partition),
            ("service", arn.service),
            ("resource", arn.resource),
        ] {
            if value.is_empty() {
                return Err(ArnError::Empty(name));
            }
        }
        Ok(arn)
    }

    /// The account as a 12-digit id, when it is one.
    pub fn account_id(&self) -> Option<&'a str> {
        is_account_id(self.account).then_some(self.account)
    }

    /// The resource's type and the rest, split at the first `:` or `/`
    /// (`function:orders:live` -> (`function`, `orders:live`)); `None` without a separator.
    pub fn resource_type(&self) -> Option<(&'a str, &'a str)> {
        let at = self.resource.find([':', '/'])?;
        Some((&self.resource[..at], &self.resource[at + 1..]))
    }
}

impl fmt::Display for Arn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

/// Twelve ASCII digits: the shape of an AWS account id.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_display_round_trip() {
        for text in [
            "arn:aws:lambda:us-east-1:123456789012:function:orders:live",
            "arn:aws:s3:::bucket/key/with:colon",
            "arn:aws-cn:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:s3:::*",
        ] {
            let arn = Arn::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(arn.to_string(), text);
        }
        let f = Arn::parse("arn:aws:lambda:us-east-1:123456789012:function:orders:live")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (f.partition, f.service, f.region, f.account),
            ("aws", "lambda", "us-east-1", "123456789012")
        );
        assert_eq!(f.account_id(), Some("123456789012"));
        assert_eq!(f.resource_type(), Some(("function", "orders:live")));
        let managed =
            Arn::parse("arn:aws:iam::aws:policy/ReadOnlyAccess").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(managed.account_id(), None);
        assert_eq!(managed.resource_type(), Some(("policy", "ReadOnlyAccess")));
    }

    #[test]
    fn hostile_text_is_an_error() {
        for bad in [
            "",
            "arn",
            "arn:",
            "arn:aws",
            "arn:aws:s3:::",
            "arn::s3:::bucket",
            "arn:aws::::x",
            "ARN:aws:s3:::bucket",
            "urn:aws:s3:::bucket",
            "arn:aws:lambda:us-east-1:123456789012",
        ] {
            assert!(Arn::parse(bad).is_err(), "accepted {bad:?}");
        }
        // Every prefix of a valid ARN, and arbitrary bytes, parse or fail without a panic.
        let text = "arn:aws:lambda:us-east-1:123456789012:function:f:1";
        for end in 0..=text.len() {
            let _ = Arn::parse(&text[..end]);
        }
        let _ = Arn::parse("arn:\u{0}:\u{ffff}:é:1:\n");
    }
}

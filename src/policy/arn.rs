//! ARNs and ARN patterns (spec §2, "ARNs").
//!
//! `arn:partition:service:region:account:resource` is split on its first five colons; the
//! resource field keeps its own colons. Fields 2–5 match one field each (a wildcard never
//! crosses a colon); the resource field is a glob in which `*` crosses `/` and `:`.

use super::pattern::{Case, Pattern, Syntax, VariableSyntaxError, Variables};
use std::fmt;

/// The six fields of an ARN, borrowed from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: &'a str,
    /// The service namespace (`s3`, `iam`, ...).
    pub service: &'a str,
    /// The region, empty for global services.
    pub region: &'a str,
    /// The account ID, empty for S3; `aws` for AWS managed policies.
    pub account: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits `text` into its fields, or `None` if it is not `arn:` followed by five fields.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let [arn, partition, service, region, account, resource] = six_fields(text)?;
        (arn == "arn").then_some(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }
}

/// `text` split on its first five colons, if it has five.
fn six_fields(text: &str) -> Option<[&str; 6]> {
    let mut fields = [""; 6];
    let mut rest = text;
    for field in &mut fields[..5] {
        // A byte search: `str::split(':')` compares each colon it finds with `memcmp`.
        let at = rest.bytes().position(|b| b == b':')?;
        (*field, rest) = (&rest[..at], &rest[at + 1..]);
    }
    fields[5] = rest;
    Some(fields)
}

/// A request resource split into its six fields once, for matching against many patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields<'a> {
    /// The resource as given.
    pub text: &'a str,
    /// Its fields, or `None` if it is not a six-field ARN (such as `"*"`).
    pub fields: Option<[&'a str; 6]>,
}

impl<'a> Fields<'a> {
    /// Splits `text` on its first five colons.
    pub fn split(text: &'a str) -> Fields<'a> {
        Fields {
            text,
            fields: six_fields(text),
        }
    }
}

/// A parsed `Resource` value or ARN condition value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ArnPattern {
    /// `"*"`: every resource, including the `"*"` of wildcard-only actions.
    Any,
    /// An ARN pattern: fields 1–5 as plain globs, field 6 with variables.
    Fields(Box<[Pattern; 6]>),
    /// Text that can match no ARN (e.g. a short ARN in a resource policy).
    Nothing,
}

/// How to read an ARN pattern with fewer than six fields (spec §2 step 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortArns {
    /// Missing fields are `*` (identity, boundary, session and SCP documents).
    PadWithStar,
    /// The pattern matches nothing (resource policies).
    MatchNothing,
}

impl ArnPattern {
    /// Parses a pattern; `variables` enables `${...}` in the resource field.
    pub fn parse(text: &str, variables: bool, short: ShortArns) -> ArnPattern {
        ArnPattern::parse_checked(text, variables, short).0
    }

    /// As [`ArnPattern::parse`], with the problem of a malformed `${...}` in the resource field
    /// (which stays literal text).
    pub fn parse_checked(
        text: &str,
        variables: bool,
        short: ShortArns,
    ) -> (ArnPattern, Option<VariableSyntaxError>) {
        if text == "*" {
            return (ArnPattern::Any, None);
        }
        let mut parts = ["*"; 6];
        let given = parts
            .iter_mut()
            .zip(text.splitn(6, ':'))
            .fold(0, |n, (slot, part)| {
                *slot = part;
                n + 1
            });
        if given < 6 && short == ShortArns::MatchNothing {
            return (ArnPattern::Nothing, None);
        }
        let field = |i: usize| {
            let syntax = Syntax {
                wildcards: true,
                variables: variables && i == 5,
            };
            Pattern::parse(parts[i], syntax)
        };
        let (resource, problem) = field(5);
        let fields = [
            field(0).0,
            field(1).0,
            field(2).0,
            field(3).0,
            field(4).0,
            resource,
        ];
        (ArnPattern::Fields(Box::new(fields)), problem)
    }

    /// Does the request resource `resource` match?
    ///
    /// `case` applies to fields 1–5 (ASCII-insensitive in `Resource`, sensitive in `ArnLike`);
    /// the resource field is always case-sensitive. The request resource `"*"` (wildcard-only
    /// actions) is matched only by the pattern `"*"`.
    pub fn matches(&self, resource: &str, case: Case, vars: &dyn Variables) -> bool {
        self.matches_fields(&Fields::split(resource), case, vars)
    }

    /// As [`ArnPattern::matches`], with the request resource split once by [`Fields::split`].
    pub fn matches_fields(&self, resource: &Fields<'_>, case: Case, vars: &dyn Variables) -> bool {
        match self {
            ArnPattern::Any => true,
            ArnPattern::Nothing => false,
            ArnPattern::Fields(patterns) => match &resource.fields {
                None => false,
                Some(fields) => {
                    patterns
                        .iter()
                        .zip(fields)
                        .enumerate()
                        .all(|(i, (pattern, field))| {
                            let case = if i == 5 { Case::Sensitive } else { case };
                            pattern.matches(field, case, vars)
                        })
                }
            },
        }
    }

    /// Is there a resource both this pattern and the request pattern `request` match?
    pub fn intersects(&self, request: &ArnPattern, case: Case, vars: &dyn Variables) -> bool {
        // A variable the request cannot resolve makes the pattern match nothing (spec §4).
        if !self.resolvable(vars) {
            return false;
        }
        self.compare(
            request,
            |mine, theirs, case| mine.intersects(theirs, case, vars),
            case,
            true,
        )
    }

    /// Does this pattern match every resource the request pattern `request` matches?
    pub fn covers(&self, request: &ArnPattern, case: Case, vars: &dyn Variables) -> bool {
        self.compare(
            request,
            |mine, theirs, case| mine.covers(theirs, case, vars),
            case,
            false,
        )
    }

    fn compare(
        &self,
        request: &ArnPattern,
        field: impl Fn(&Pattern, &Pattern, Case) -> bool,
        case: Case,
        any_request_meets_fields: bool,
    ) -> bool {
        match (self, request) {
            (ArnPattern::Nothing, _) | (_, ArnPattern::Nothing) => false,
            (ArnPattern::Any, _) => true,
            (ArnPattern::Fields(_), ArnPattern::Any) => any_request_meets_fields,
            (ArnPattern::Fields(mine), ArnPattern::Fields(theirs)) => (0..6).all(|i| {
                let case = if i == 5 { Case::Sensitive } else { case };
                field(&mine[i], &theirs[i], case)
            }),
        }
    }

    /// False if the resource field has a variable `vars` cannot resolve.
    fn resolvable(&self, vars: &dyn Variables) -> bool {
        match self {
            ArnPattern::Fields(fields) => {
                !fields[5].has_variables() || fields[5].resolve(vars).is_some()
            }
            _ => true,
        }
    }

    /// True if the resource field references a policy variable.
    pub fn has_variables(&self) -> bool {
        match self {
            ArnPattern::Fields(fields) => fields[5].has_variables(),
            _ => false,
        }
    }
}

impl fmt::Display for ArnPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArnPattern::Any => f.write_str("*"),
            ArnPattern::Nothing => f.write_str("<matches nothing>"),
            ArnPattern::Fields(fields) => {
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(":")?;
                    }
                    write!(f, "{field}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::pattern::NoVariables;

    fn m(pattern: &str, resource: &str) -> bool {
        ArnPattern::parse(pattern, true, ShortArns::PadWithStar).matches(
            resource,
            Case::Insensitive,
            &NoVariables,
        )
    }

    #[test]
    fn a_variable_the_request_cannot_resolve_intersects_nothing() {
        // spec §4: a role has no aws:username, so `user/${aws:username}` names no resource,
        // not even "some resource" of a wildcard request.
        let own = ArnPattern::parse(
            "arn:aws:iam::1:user/${aws:username}",
            true,
            ShortArns::PadWithStar,
        );
        assert!(!own.intersects(&ArnPattern::Any, Case::Insensitive, &NoVariables));
        let mut alice = crate::policy::Context::new();
        alice.insert(
            "aws:username",
            crate::policy::ContextValue::Single("alice".into()),
        );
        assert!(own.intersects(&ArnPattern::Any, Case::Insensitive, &alice));
    }

    #[test]
    fn parse_splits_on_the_first_five_colons() {
        let arn = Arn::parse("arn:aws:logs:us-east-1:1:log-group:g:log-stream:s").unwrap();
        assert_eq!(arn.service, "logs");
        assert_eq!(arn.resource, "log-group:g:log-stream:s");
        assert!(Arn::parse("arn:aws:s3").is_none());
        assert!(Arn::parse("urn:aws:s3:::b").is_none());
    }

    #[test]
    fn resource_field_is_case_sensitive_and_crosses_separators() {
        assert!(!m("arn:aws:s3:::BKT/*", "arn:aws:s3:::bkt/x"));
        assert!(m("arn:aws:s3:::bkt/*", "arn:aws:s3:::bkt/a/b/c"));
        assert!(m(
            "arn:aws:logs:*:*:log-group:*",
            "arn:aws:logs:us-east-1:1:log-group:g:log-stream:s"
        ));
    }

    #[test]
    fn wildcards_do_not_cross_fields() {
        assert!(!m(
            "arn:aws:x:*:111122223333:f/*",
            "arn:aws:x:r:999999999999:s/a:111122223333:f/d"
        ));
        assert!(m("arn:AWS:S3:::bkt", "arn:aws:s3:::bkt"));
    }

    #[test]
    fn short_patterns_pad_or_match_nothing() {
        assert!(m("arn:aws:s3", "arn:aws:s3:::bkt/x"));
        let p = ArnPattern::parse("arn:aws:s3", true, ShortArns::MatchNothing);
        assert!(!p.matches("arn:aws:s3:::bkt/x", Case::Insensitive, &NoVariables));
    }

    #[test]
    fn star_resource_is_matched_only_by_star() {
        assert!(!m("arn:aws:s3:::*", "*"));
        assert!(!m("arn:*", "*"));
        assert!(m("*", "*"));
    }
}

//! The `Condition` element: operators, keys and values, and how they hold (spec §3, §4).

use super::arn::{ArnPattern, ShortArns};
use super::context::{Context, Value};
use super::document::Effect;
use super::pattern::{Case, Pattern, Syntax, Variables};
use ipnet::IpNet;
use std::fmt;
use std::net::IpAddr;

/// The comparison an operator makes, without qualifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Test {
    /// `StringEquals` (case-sensitive).
    StringEquals,
    /// `StringEqualsIgnoreCase`.
    StringEqualsIgnoreCase,
    /// `StringLike` (case-sensitive glob).
    StringLike,
    /// `NumericEquals`.
    NumericEquals,
    /// `NumericLessThan`.
    NumericLessThan,
    /// `NumericLessThanEquals`.
    NumericLessThanEquals,
    /// `NumericGreaterThan`.
    NumericGreaterThan,
    /// `NumericGreaterThanEquals`.
    NumericGreaterThanEquals,
    /// `DateEquals`.
    DateEquals,
    /// `DateLessThan`.
    DateLessThan,
    /// `DateLessThanEquals`.
    DateLessThanEquals,
    /// `DateGreaterThan`.
    DateGreaterThan,
    /// `DateGreaterThanEquals`.
    DateGreaterThanEquals,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    BinaryEquals,
    /// `IpAddress`.
    IpAddress,
    /// `ArnEquals`: the same test as `ArnLike`.
    ArnEquals,
    /// `ArnLike`.
    ArnLike,
    /// `Null`.
    Null,
}

/// `ForAnyValue:` or `ForAllValues:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// Some request value satisfies the test.
    ForAnyValue,
    /// Every request value satisfies the test (true for none).
    ForAllValues,
}

/// A condition operator: its test, whether it is negated, and its qualifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    /// The base comparison.
    pub test: Test,
    /// `StringNotEquals`, `NotIpAddress`, ...: the negation of the whole OR over values.
    pub negated: bool,
    /// `...IfExists`: true when the key is absent.
    pub if_exists: bool,
    /// `ForAnyValue:` / `ForAllValues:`.
    pub set: Option<SetQualifier>,
}

/// Operator names as AWS spells them, with their test and negation.
const OPERATORS: &[(&str, Test, bool)] = &[
    ("StringEquals", Test::StringEquals, false),
    ("StringNotEquals", Test::StringEquals, true),
    (
        "StringEqualsIgnoreCase",
        Test::StringEqualsIgnoreCase,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        Test::StringEqualsIgnoreCase,
        true,
    ),
    ("StringLike", Test::StringLike, false),
    ("StringNotLike", Test::StringLike, true),
    ("NumericEquals", Test::NumericEquals, false),
    ("NumericNotEquals", Test::NumericEquals, true),
    ("NumericLessThan", Test::NumericLessThan, false),
    ("NumericLessThanEquals", Test::NumericLessThanEquals, false),
    ("NumericGreaterThan", Test::NumericGreaterThan, false),
    (
        "NumericGreaterThanEquals",
        Test::NumericGreaterThanEquals,
        false,
    ),
    ("DateEquals", Test::DateEquals, false),
    ("DateNotEquals", Test::DateEquals, true),
    ("DateLessThan", Test::DateLessThan, false),
    ("DateLessThanEquals", Test::DateLessThanEquals, false),
    ("DateGreaterThan", Test::DateGreaterThan, false),
    ("DateGreaterThanEquals", Test::DateGreaterThanEquals, false),
    ("Bool", Test::Bool, false),
    ("BinaryEquals", Test::BinaryEquals, false),
    ("IpAddress", Test::IpAddress, false),
    ("NotIpAddress", Test::IpAddress, true),
    ("ArnEquals", Test::ArnEquals, false),
    ("ArnLike", Test::ArnLike, false),
    ("ArnNotEquals", Test::ArnEquals, true),
    ("ArnNotLike", Test::ArnLike, true),
    ("Null", Test::Null, false),
];

/// Why an operator name was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorError {
    /// Not an operator at all.
    Unknown,
    /// `ForAnyValue:Null`, `NullIfExists`.
    QualifiedNull,
}

impl Operator {
    /// Parses an operator name. Returns the operator and whether the name's case differs from
    /// AWS's spelling (accepted, as AWS does, but worth a warning).
    pub fn parse(name: &str) -> Result<(Operator, bool), OperatorError> {
        let (set, rest) = if let Some(rest) = strip_prefix_ci(name, "ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = strip_prefix_ci(name, "ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, name)
        };
        let (base, if_exists) = match rest.len().checked_sub("IfExists".len()) {
            Some(cut)
                if rest.is_char_boundary(cut) && rest[cut..].eq_ignore_ascii_case("IfExists") =>
            {
                (&rest[..cut], true)
            }
            _ => (rest, false),
        };
        let &(canonical, test, negated) = OPERATORS
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(base))
            .ok_or(OperatorError::Unknown)?;
        if test == Test::Null && (if_exists || set.is_some()) {
            return Err(OperatorError::QualifiedNull);
        }
        let op = Operator {
            test,
            negated,
            if_exists,
            set,
        };
        let miscased = op.to_string() != name && canonical != base;
        Ok((op, miscased))
    }

    /// Whether values of this operator may contain policy variables (spec §4).
    pub fn takes_variables(&self) -> bool {
        matches!(
            self.test,
            Test::StringEquals
                | Test::StringEqualsIgnoreCase
                | Test::StringLike
                | Test::ArnEquals
                | Test::ArnLike
                | Test::Bool
        )
    }
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    (text.len() >= prefix.len()
        && text.is_char_boundary(prefix.len())
        && text[..prefix.len()].eq_ignore_ascii_case(prefix))
    .then(|| &text[prefix.len()..])
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.set {
            Some(SetQualifier::ForAnyValue) => f.write_str("ForAnyValue:")?,
            Some(SetQualifier::ForAllValues) => f.write_str("ForAllValues:")?,
            None => {}
        }
        let name = OPERATORS
            .iter()
            .find(|(_, t, n)| *t == self.test && *n == self.negated)
            .map_or("?", |(name, _, _)| name);
        f.write_str(name)?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// One policy value, parsed for its operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// String operators: literal text (with variables); for `StringLike` a glob.
    Text(Pattern),
    /// Numeric operators.
    Number(f64),
    /// Date operators: seconds since the epoch (with fraction).
    Date(f64),
    /// `Bool`.
    Bool(bool),
    /// `BinaryEquals`: the base64 text.
    Binary(String),
    /// `IpAddress`.
    Ip(IpNet),
    /// ARN operators.
    Arn(ArnPattern),
    /// ARN operators, a value with policy variables: substituted when the request is known,
    /// then read as an ARN pattern (spec §4: substitute first, then compare).
    ArnTemplate(Pattern),
    /// `Null`: true means "the key is absent".
    Null(bool),
    /// A value that cannot be read for this operator: it equals nothing.
    Invalid(String),
}

impl Operand {
    /// Parses the policy value `text` for `op`. `variables` is true in Version 2012-10-17.
    pub fn parse(op: &Operator, text: &str, variables: bool) -> Operand {
        let string_syntax = |wildcards| Syntax {
            wildcards,
            variables,
        };
        let invalid = || Operand::Invalid(text.to_string());
        match op.test {
            Test::StringEquals | Test::StringEqualsIgnoreCase => {
                Operand::Text(Pattern::parse(text, string_syntax(false)).0)
            }
            Test::StringLike => Operand::Text(Pattern::parse(text, string_syntax(true)).0),
            Test::NumericEquals
            | Test::NumericLessThan
            | Test::NumericLessThanEquals
            | Test::NumericGreaterThan
            | Test::NumericGreaterThanEquals => {
                parse_number(text).map_or_else(invalid, Operand::Number)
            }
            Test::DateEquals
            | Test::DateLessThan
            | Test::DateLessThanEquals
            | Test::DateGreaterThan
            | Test::DateGreaterThanEquals => parse_date(text).map_or_else(invalid, Operand::Date),
            Test::Bool if variables && text.contains("${") => {
                Operand::Text(Pattern::parse(text, string_syntax(false)).0)
            }
            Test::Bool => parse_bool(text).map_or_else(invalid, Operand::Bool),
            Test::BinaryEquals => Operand::Binary(text.to_string()),
            Test::IpAddress => parse_ip(text).map_or_else(invalid, Operand::Ip),
            // A variable may stand for any part of the ARN, colons included
            // (`${aws:PrincipalTag/team}` alone, or an account ID inside one).
            Test::ArnEquals | Test::ArnLike if variables && text.contains("${") => {
                let (pattern, problem) = Pattern::parse(text, string_syntax(true));
                match problem {
                    Some(_) => invalid(),
                    None => Operand::ArnTemplate(pattern),
                }
            }
            Test::ArnEquals | Test::ArnLike
                if super::arn::Arn::parse(text).is_none() && text != "*" =>
            {
                invalid()
            }
            Test::ArnEquals | Test::ArnLike => {
                Operand::Arn(ArnPattern::parse(text, variables, ShortArns::MatchNothing))
            }
            Test::Null => parse_bool(text).map_or_else(invalid, Operand::Null),
        }
    }
}

/// Decimal numbers: `10` equals `10.0`.
pub fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let valid = !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    valid.then(|| t.parse().ok()).flatten()
}

/// W3C ISO 8601 dates and times, or integer epoch seconds.
pub fn parse_date(text: &str) -> Option<f64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().ok().map(|s| s as f64);
    }
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Some(ts.as_nanosecond() as f64 / 1e9);
    }
    // ISO 8601 without an offset (UTC), or a bare date.
    if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        let ts = jiff::tz::TimeZone::UTC.to_timestamp(dt).ok()?;
        return Some(ts.as_nanosecond() as f64 / 1e9);
    }
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        let ts = jiff::tz::TimeZone::UTC
            .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .ok()?;
        return Some(ts.as_second() as f64);
    }
    None
}

/// `true` / `false`, ignoring case.
pub fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An address or CIDR range; a bare address is a /32 or /128.
pub fn parse_ip(text: &str) -> Option<IpNet> {
    let t = text.trim();
    t.parse::<IpNet>()
        .ok()
        .or_else(|| t.parse::<IpAddr>().ok().map(IpNet::from))
}

/// One `operator: {key: values}` entry of a Condition block.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// The operator.
    pub operator: Operator,
    /// The key as written.
    pub key: String,
    /// The key lowercased, for lookups.
    pub key_lower: Box<str>,
    /// The policy values; the clause holds if any matches (or none, for negated operators).
    pub values: Vec<Operand>,
    /// The values as written, for explanations.
    pub texts: Vec<String>,
}

/// A whole Condition block: it holds iff every clause holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Condition {
    /// The clauses, in document order.
    pub clauses: Vec<Clause>,
}

impl Condition {
    /// True if there are no clauses.
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// Does every clause hold in `context`?
    pub fn holds(&self, context: &Context) -> bool {
        self.holds_in(context, Effect::Allow)
    }

    /// Does every clause hold in `context`, for a statement of `effect`? The effect matters
    /// only for a symbolic context, where a clause on an open key takes its stance's value.
    pub fn holds_in(&self, context: &Context, effect: Effect) -> bool {
        self.clauses.iter().all(|c| c.holds_in(context, effect))
    }

    /// [`Condition::holds_in`] in each of `contexts`, which hold the same keys and values and
    /// differ at most in stance: a clause on a key they hold is evaluated once for all.
    pub fn holds_in_each<const N: usize>(
        &self,
        contexts: [&Context; N],
        effect: Effect,
    ) -> [bool; N] {
        let mut holds = [true; N];
        let Some(&first) = contexts.first() else {
            return holds;
        };
        for clause in &self.clauses {
            let present = first.get(&clause.key_lower);
            let mut decided = None;
            for (holds, context) in holds.iter_mut().zip(contexts).filter(|(h, _)| **h) {
                let assumed = match present {
                    None => context.assumption(&clause.key_lower, effect),
                    Some(_) => None,
                };
                *holds = assumed.unwrap_or_else(|| {
                    *decided.get_or_insert_with(|| clause.decide(present, first))
                });
            }
            if !holds.contains(&true) {
                break;
            }
        }
        holds
    }

    /// The keys the clauses test, lowercased.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.clauses.iter().map(|c| &*c.key_lower)
    }
}

impl Clause {
    /// Does this clause hold in `context`? (spec §3, "Missing keys", "Multivalued keys")
    pub fn holds(&self, context: &Context) -> bool {
        self.holds_in(context, Effect::Allow)
    }

    /// As [`Clause::holds`], in a statement of `effect` (which decides an open key).
    pub fn holds_in(&self, context: &Context, effect: Effect) -> bool {
        let present = context.get(&self.key_lower);
        if present.is_none() {
            if let Some(assumed) = context.assumption(&self.key_lower, effect) {
                return assumed;
            }
        }
        self.decide(present, context)
    }

    /// The clause on the key's value in `context` (`present`), absent or not, but not open.
    fn decide(&self, present: Option<&Value>, context: &Context) -> bool {
        let op = &self.operator;
        if op.test == Test::Null {
            let absent = match present {
                None => true,
                Some(Value::Multi(vs)) => vs.is_empty(),
                Some(Value::Single(_)) => false,
            };
            return self
                .values
                .iter()
                .any(|v| matches!(v, Operand::Null(expect) if *expect == absent));
        }
        match (op.set, present) {
            (None, None) => op.if_exists || op.negated,
            // No qualifier on a multivalued key: false for every operator (spec §3, ≈).
            (None, Some(Value::Multi(_))) => false,
            (None, Some(Value::Single(v))) => self.one(v, context),
            (Some(set), value) => {
                let values = value.map_or(&[][..], Value::as_slice);
                // An absent or empty set: ForAllValues holds, ForAnyValue does not, IfExists or
                // not (AWS's multivalued-keys page; live AWS denies an Allow with
                // ForAnyValue:StringEqualsIfExists on an absent aws:TagKeys).
                match set {
                    SetQualifier::ForAllValues => values.iter().all(|v| self.one(v, context)),
                    SetQualifier::ForAnyValue => values.iter().any(|v| self.one(v, context)),
                }
            }
        }
    }

    /// The test for one request value against all policy values, negation applied.
    ///
    /// A value that cannot be compared at all (an unreadable policy value, or a request value
    /// that is no number, date, IP address or ARN) fails positive and negated operators alike
    /// (spec §3 ≈, as the oracle does). A policy value whose variable cannot be resolved only
    /// equals nothing, so the negated operator holds (spec §3, #30).
    fn one(&self, request: &str, vars: &dyn Variables) -> bool {
        let mut any = false;
        for policy in &self.values {
            match compare(self.operator.test, request, policy, vars) {
                Some(true) => any = true,
                Some(false) => {}
                None => return false,
            }
        }
        any != self.operator.negated
    }
}

/// The base test of one request value against one policy value; `None` if they cannot be
/// compared.
fn compare(test: Test, request: &str, policy: &Operand, vars: &dyn Variables) -> Option<bool> {
    Some(match (test, policy) {
        (Test::StringEquals, Operand::Text(p)) => p.substitute(vars).is_some_and(|p| p == request),
        (Test::StringEqualsIgnoreCase, Operand::Text(p)) => p
            .substitute(vars)
            .is_some_and(|p| p.to_lowercase() == request.to_lowercase()),
        (Test::StringLike, Operand::Text(p)) => p.matches(request, Case::Sensitive, vars),
        (_, Operand::Number(p)) => ordered(test, parse_number(request)?, *p),
        (_, Operand::Date(p)) => ordered(test, parse_date(request)?, *p),
        (Test::Bool, Operand::Bool(p)) => parse_bool(request)? == *p,
        // A Bool value written as a policy variable (spec §3 ≈: substituted, as the oracle does).
        (Test::Bool, Operand::Text(p)) => {
            let request = parse_bool(request)?;
            p.substitute(vars).and_then(|v| parse_bool(&v)) == Some(request)
        }
        (Test::BinaryEquals, Operand::Binary(p)) => p == request,
        (Test::IpAddress, Operand::Ip(net)) => net.contains(&parse_ip(request)?),
        (Test::ArnEquals | Test::ArnLike, Operand::Arn(p)) => {
            super::arn::Arn::parse(request)?;
            p.matches(request, Case::Sensitive, vars)
        }
        (Test::ArnEquals | Test::ArnLike, Operand::ArnTemplate(p)) => {
            super::arn::Arn::parse(request)?;
            substitute_arn(p, vars).is_some_and(|p| p.matches(request, Case::Sensitive, vars))
        }
        _ => return None,
    })
}

/// An ARN operator value with its variables substituted, read as an ARN pattern; `None` if a
/// variable cannot be resolved (the value then equals nothing). Substituted text is literal
/// (spec §4): its `*`, `?` and `$` are written as `${*}`, `${?}` and `${$}`, which the
/// resource field reads as those characters (fields 1–5 of real ARNs never hold them).
fn substitute_arn(pattern: &Pattern, vars: &dyn Variables) -> Option<ArnPattern> {
    use super::pattern::Piece;
    let literal = |text: &str, out: &mut String| {
        for c in text.chars() {
            match c {
                '*' | '?' | '$' => {
                    out.push_str("${");
                    out.push(c);
                    out.push('}');
                }
                c => out.push(c),
            }
        }
    };
    let mut text = String::new();
    for piece in pattern.pieces() {
        match piece {
            Piece::Lit(t) => literal(t, &mut text),
            Piece::Star => text.push('*'),
            Piece::One => text.push('?'),
            Piece::Var(v) => literal(vars.single(&v.key).or(v.default.as_deref())?, &mut text),
        }
    }
    if text != "*" && super::arn::Arn::parse(&text).is_none() {
        // Not an ARN once substituted: it matches no request ARN.
        return Some(ArnPattern::Nothing);
    }
    Some(ArnPattern::parse(&text, true, ShortArns::MatchNothing))
}

fn ordered(test: Test, value: f64, policy: f64) -> bool {
    match test {
        Test::NumericEquals | Test::DateEquals => value == policy,
        Test::NumericLessThan | Test::DateLessThan => value < policy,
        Test::NumericLessThanEquals | Test::DateLessThanEquals => value <= policy,
        Test::NumericGreaterThan | Test::DateGreaterThan => value > policy,
        Test::NumericGreaterThanEquals | Test::DateGreaterThanEquals => value >= policy,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(op: &str, key: &str, values: &[&str]) -> Clause {
        let (operator, _) = Operator::parse(op).unwrap();
        Clause {
            operator,
            key: key.to_string(),
            key_lower: key.to_ascii_lowercase().into(),
            values: values
                .iter()
                .map(|v| Operand::parse(&operator, v, true))
                .collect(),
            texts: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn ctx(pairs: &[(&str, &[&str])]) -> Context {
        let mut c = Context::new();
        for (k, vs) in pairs {
            let value = if vs.len() == 1 && !k.contains("TagKeys") {
                Value::Single(vs[0].to_string())
            } else {
                Value::Multi(vs.iter().map(|v| v.to_string()).collect())
            };
            c.insert(k, value);
        }
        c
    }

    #[test]
    fn operator_names() {
        let (op, miscased) = Operator::parse("ForAllValues:StringNotEqualsIfExists").unwrap();
        assert_eq!(op.test, Test::StringEquals);
        assert!(op.negated && op.if_exists && !miscased);
        assert_eq!(op.set, Some(SetQualifier::ForAllValues));
        assert!(Operator::parse("stringequals").unwrap().1);
        assert_eq!(Operator::parse("StringEqual"), Err(OperatorError::Unknown));
        assert_eq!(
            Operator::parse("ForAnyValue:Null"),
            Err(OperatorError::QualifiedNull)
        );
        assert_eq!(
            Operator::parse("NullIfExists"),
            Err(OperatorError::QualifiedNull)
        );
        assert_eq!(
            Operator::parse("ArnNotLikeIfExists").unwrap().0.to_string(),
            "ArnNotLikeIfExists"
        );
    }

    #[test]
    fn negated_operators_are_nor_over_values() {
        let c = clause("StringNotEquals", "aws:PrincipalAccount", &["A", "B"]);
        assert!(!c.holds(&ctx(&[("aws:PrincipalAccount", &["A"])])));
        assert!(c.holds(&ctx(&[("aws:PrincipalAccount", &["C"])])));
    }

    #[test]
    fn missing_keys() {
        let empty = Context::new();
        assert!(!clause("StringEquals", "k", &["x"]).holds(&empty));
        assert!(clause("StringNotEquals", "k", &["x"]).holds(&empty));
        assert!(clause("StringNotEqualsIfExists", "k", &["x"]).holds(&empty));
        assert!(clause("StringEqualsIfExists", "k", &["x"]).holds(&empty));
        assert!(clause("Null", "k", &["true"]).holds(&empty));
        assert!(!clause("Null", "k", &["false"]).holds(&empty));
        assert!(clause("NotIpAddress", "aws:SourceIp", &["10.0.0.0/8"]).holds(&empty));
    }

    #[test]
    fn keys_ignore_case() {
        let c = clause("IpAddress", "AWS:SOURCEIP", &["10.0.0.0/24"]);
        assert!(c.holds(&ctx(&[("aws:SourceIp", &["10.0.0.5"])])));
        assert!(!c.holds(&ctx(&[("aws:SourceIp", &["10.0.1.5"])])));
    }

    #[test]
    fn multivalued_keys() {
        let none = Context::new();
        let ab = ctx(&[("aws:TagKeys", &["a", "b"])]);
        assert!(clause("ForAllValues:StringEquals", "aws:TagKeys", &["a"]).holds(&none));
        assert!(!clause("ForAnyValue:StringEquals", "aws:TagKeys", &["a"]).holds(&none));
        // IfExists does not make ForAnyValue hold on an absent or empty set.
        let empty = ctx(&[("aws:TagKeys", &[])]);
        for op in [
            "ForAnyValue:StringEqualsIfExists",
            "ForAnyValue:StringNotEqualsIfExists",
            "ForAnyValue:StringLikeIfExists",
        ] {
            assert!(!clause(op, "aws:TagKeys", &["a"]).holds(&none), "{op}");
            assert!(!clause(op, "aws:TagKeys", &["a"]).holds(&empty), "{op}");
        }
        assert!(clause("ForAllValues:StringEqualsIfExists", "aws:TagKeys", &["a"]).holds(&none));
        assert!(clause("ForAnyValue:StringNotEquals", "aws:TagKeys", &["a"]).holds(&ab));
        assert!(!clause("ForAllValues:StringNotEquals", "aws:TagKeys", &["a"]).holds(&ab));
        assert!(!clause("ForAllValues:StringEquals", "aws:TagKeys", &["a"]).holds(&ab));
        assert!(clause("ForAllValues:StringEquals", "aws:TagKeys", &["a", "b", "c"]).holds(&ab));
        // Without a qualifier a multivalued key satisfies neither form.
        assert!(!clause("StringEquals", "aws:TagKeys", &["a"]).holds(&ab));
        assert!(!clause("StringNotEquals", "aws:TagKeys", &["a"]).holds(&ab));
    }

    #[test]
    fn string_operators() {
        let alice = ctx(&[("aws:username", &["Alice"])]);
        assert!(!clause("StringEquals", "aws:username", &["alice"]).holds(&alice));
        assert!(clause("StringEqualsIgnoreCase", "aws:username", &["alice"]).holds(&alice));
        assert!(!clause("StringEquals", "aws:username", &["*"]).holds(&alice));
        assert!(clause("StringLike", "aws:username", &["A*"]).holds(&alice));
        assert!(!clause("StringLike", "aws:username", &["a*"]).holds(&alice));
    }

    #[test]
    fn variables_in_values() {
        let c = ctx(&[("s3:ExistingObjectTag/Team", &["blue"])]);
        let deny = clause(
            "StringNotEquals",
            "s3:ExistingObjectTag/Team",
            &["${aws:PrincipalTag/Team}"],
        );
        // The principal has no Team tag: the variable is unresolvable, so NotEquals holds.
        assert!(deny.holds(&c));
        let mut tagged = c.clone();
        tagged.insert("aws:PrincipalTag/team", Value::Single("blue".into()));
        assert!(!deny.holds(&tagged));
    }

    #[test]
    fn arn_values_with_variables_are_substituted_first() {
        // Found by the differential run of issue #7: a value that is a variable alone was
        // refused as "not an ARN", which made the whole condition fail.
        let c = ctx(&[
            (
                "aws:PrincipalArn",
                &["arn:aws:iam::111111111111:role/Admin"],
            ),
            ("aws:PrincipalTag/team", &["red"]),
            ("aws:PrincipalAccount", &["111111111111"]),
            (
                "aws:PrincipalTag/arn",
                &["arn:aws:iam::111111111111:role/Ad*"],
            ),
        ]);
        let k = "aws:PrincipalArn";
        let either = [
            "${aws:PrincipalTag/team}",
            "arn:aws:iam::111111111111:role/Admin",
        ];
        assert!(clause("ArnEquals", k, &either).holds(&c));
        assert!(!clause("ArnNotEquals", k, &either).holds(&c));
        assert!(!clause("ArnEquals", k, &["${aws:PrincipalTag/team}"]).holds(&c));
        assert!(clause("ArnNotEquals", k, &["${aws:PrincipalTag/team}"]).holds(&c));
        // A variable inside the account field.
        let own = ["arn:aws:iam::${aws:PrincipalAccount}:role/*"];
        assert!(clause("ArnLike", k, &own).holds(&c));
        // Unresolvable: equals nothing.
        assert!(!clause("ArnLike", k, &["arn:aws:iam::${aws:username}:role/*"]).holds(&c));
        // Substituted text is literal: a `*` in the tag value is no wildcard.
        assert!(!clause("ArnLike", k, &["${aws:PrincipalTag/arn}"]).holds(&c));
        let mut star = c.clone();
        star.insert(
            "aws:PrincipalArn",
            Value::Single("arn:aws:iam::111111111111:role/Ad*".into()),
        );
        assert!(clause("ArnLike", k, &["${aws:PrincipalTag/arn}"]).holds(&star));
    }

    #[test]
    fn numbers_dates_bools_ips_arns() {
        let c = ctx(&[
            ("n", &["10.0"]),
            ("bad", &["abc"]),
            ("t", &["2025-06-01T00:00:00Z"]),
            ("b", &["TRUE"]),
            ("ip6", &["2001:db8::1"]),
            ("arn", &["arn:aws:x:r:999999999999:s/a:111122223333:f/d"]),
        ]);
        assert!(clause("NumericEquals", "n", &["10"]).holds(&c));
        // An unreadable request value fails positive and negated operators alike.
        assert!(!clause("NumericLessThan", "bad", &["10"]).holds(&c));
        assert!(!clause("NumericNotEquals", "bad", &["10"]).holds(&c));
        assert!(clause("DateLessThan", "t", &["1893456000"]).holds(&c));
        assert!(clause("DateGreaterThan", "t", &["2025-01-01"]).holds(&c));
        assert!(clause("Bool", "b", &["true"]).holds(&c));
        assert!(clause("IpAddress", "ip6", &["2001:db8::/32"]).holds(&c));
        assert!(!clause("IpAddress", "ip6", &["10.0.0.0/8"]).holds(&c));
        assert!(!clause("ArnLike", "arn", &["arn:aws:x:*:111122223333:f/*"]).holds(&c));
        assert!(clause("StringLike", "arn", &["arn:aws:x:*:111122223333:f/*"]).holds(&c));
    }
}

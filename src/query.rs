//! The iamlog query language: `can P ACTION on RESOURCE`, `who can ACTION on RESOURCE`,
//! `what can P`, `reach P`, `path P -> Q`, `admins`, `escalations`, `external`.
//!
//! The grammar lives in `grammar/query.lalrpop`; parse errors name the expected tokens in words.

use std::ops::Range;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic)]
    grammar,
    "/query.rs"
);

/// A value with the byte range it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Byte range in the query text.
    pub span: Range<usize>,
}

/// A `KEY = VALUE` context entry.
pub type Pair = (Spanned<String>, Spanned<String>);

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// `can PRINCIPAL ACTION on RESOURCE [with KEY = VALUE, ...]`: decide one request.
    Can {
        /// The caller.
        principal: Spanned<String>,
        /// `service:Action`.
        action: Spanned<String>,
        /// The resource ARN.
        resource: Spanned<String>,
        /// Request context entries.
        context: Vec<Pair>,
    },
    /// `who can ACTION on RESOURCE`: the principals allowed.
    WhoCan {
        /// `service:Action`.
        action: Spanned<String>,
        /// The resource ARN (or `role/NAME`).
        resource: Spanned<String>,
    },
    /// `what can PRINCIPAL`: its effective permissions per service.
    WhatCan {
        /// The principal.
        principal: Spanned<String>,
    },
    /// `reach PRINCIPAL`: the principals it can act as.
    Reach {
        /// The principal.
        principal: Spanned<String>,
    },
    /// `path FROM -> TO`: the shortest way from one principal to another.
    Path {
        /// Where from.
        from: Spanned<String>,
        /// Where to.
        to: Spanned<String>,
    },
    /// `admins`: administrators.
    Admins,
    /// `escalations`: who can become an administrator, and how.
    Escalations,
    /// `external`: roles principals outside the input can assume.
    External,
}

/// A query that does not parse: where, and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    /// What is wrong, in words.
    pub message: String,
    /// Byte range of the offending text.
    pub span: Range<usize>,
}

/// Parses one query.
pub fn parse(text: &str) -> Result<Query, QueryError> {
    use lalrpop_util::ParseError;
    // Building the parser compiles its lexer's regular expressions: once per process.
    static PARSER: std::sync::OnceLock<grammar::QueryParser> = std::sync::OnceLock::new();
    PARSER
        .get_or_init(grammar::QueryParser::new)
        .parse(text)
        .map_err(|e| match e {
            ParseError::InvalidToken { location } => QueryError {
                message: "unexpected character".into(),
                span: location..location + 1,
            },
            ParseError::UnrecognizedEof { location, expected } => QueryError {
                message: format!("the query ends early; expected {}", in_words(&expected)),
                span: location..location,
            },
            ParseError::UnrecognizedToken {
                token: (l, t, r),
                expected,
            } => QueryError {
                message: format!("unexpected \"{}\"; expected {}", t.1, in_words(&expected)),
                span: l..r,
            },
            ParseError::ExtraToken { token: (l, t, r) } => QueryError {
                message: format!("unexpected \"{}\" after the end of the query", t.1),
                span: l..r,
            },
            ParseError::User { error } => QueryError {
                message: error.to_string(),
                span: 0..0,
            },
        })
}

/// "a word, \"on\" or \"with\"" from lalrpop's token names.
fn in_words(expected: &[String]) -> String {
    let words: Vec<String> = expected
        .iter()
        .map(|t| match t.as_str() {
            "WORD" => "a name, ARN or action".to_string(),
            "QUOTED" => "a quoted value".to_string(),
            other => other.to_string(),
        })
        .collect();
    match words.as_slice() {
        [] => "nothing".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_can_queries_with_spans() {
        let q = parse("can user/alice s3:GetObject on arn:aws:s3:::b/k with aws:SourceIp = 10.0.0.1, x = \"a b\"").unwrap();
        let Query::Can {
            principal,
            action,
            resource,
            context,
        } = q
        else {
            panic!("a can query");
        };
        assert_eq!(principal.value, "user/alice");
        assert_eq!(principal.span, 4..14);
        assert_eq!(action.value, "s3:GetObject");
        assert_eq!(resource.value, "arn:aws:s3:::b/k");
        assert_eq!(context[1].1.value, "a b");
    }

    #[test]
    fn errors_say_what_was_expected() {
        let e = parse("can user/alice s3:GetObject arn:aws:s3:::b").unwrap_err();
        assert!(e.message.contains("expected \"on\""), "{}", e.message);
        assert_eq!(e.span, 28..42);
        let e = parse("can user/alice").unwrap_err();
        assert!(
            e.message.starts_with("the query ends early"),
            "{}",
            e.message
        );
    }
}

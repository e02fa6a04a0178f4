//! Parsing `.iam` text into the syntax tree, and syntax errors in words.
//!
//! lalrpop reports the tokens it expected by their grammar names (`"on"`, `WORD`); a WORD can be
//! an action, a resource, a principal, a condition key or a name, so the message names what
//! the place wants from the token written just before it (`allow` → "an action like
//! `s3:GetObject`").

use super::ast::{File, Span};
use lalrpop_util::ParseError;
use std::fmt;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_qualifications)]
    grammar,
    "/model.rs"
);

/// An error raised by a grammar action (an invalid string escape).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub span: Span,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A syntax error: what is wrong, in words, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// The sentence, e.g. "unexpected `arn:aws:s3:::b`; expected `on`, `to`, `when`, `;` or `,`".
    pub message: String,
    /// Byte range of the offending text (empty at the end of the file).
    pub span: Span,
}

/// Decodes a string token (JSON string syntax: `\"`, `\\`, `\n`, `\u00e9`, ...).
pub fn string_literal(token: &str) -> Option<String> {
    serde_json::from_str(token).ok()
}

/// Parses a whole `.iam` file.
pub fn parse(text: &str) -> Result<File, SyntaxError> {
    check_nesting(text)?;
    // Building the parser compiles its lexer's regular expressions: once per process.
    static PARSER: std::sync::OnceLock<grammar::FileParser> = std::sync::OnceLock::new();
    PARSER
        .get_or_init(grammar::FileParser::new)
        .parse(text)
        .map_err(|e| in_words(text, e))
}

type LalrpopError<'a> = ParseError<usize, grammar::Token<'a>, UserError>;

fn in_words(text: &str, error: LalrpopError<'_>) -> SyntaxError {
    match error {
        ParseError::InvalidToken { location } => invalid_character(text, location),
        ParseError::UnrecognizedEof { location, expected } => SyntaxError {
            message: format!(
                "the file ends early; expected {}",
                expected_in_words(&expected, &context_before(text, text.len()))
            ),
            span: location..location,
        },
        ParseError::UnrecognizedToken {
            token: (l, token, r),
            expected,
        } => {
            let written = token.1;
            let context = context_before(text, l);
            let mut message = format!(
                "unexpected {}; expected {}",
                quote(written),
                expected_in_words(&expected, &context)
            );
            if KEYWORDS.contains(&written) && expected.iter().any(|e| e == "WORD") {
                message.push_str(&format!(
                    " (`{written}` is a keyword: write \"{written}\" to use it as a name)"
                ));
            }
            SyntaxError {
                message,
                span: l..r,
            }
        }
        ParseError::ExtraToken {
            token: (l, token, r),
        } => SyntaxError {
            message: format!("unexpected {} after the end", quote(token.1)),
            span: l..r,
        },
        ParseError::User { error } => SyntaxError {
            message: error.message,
            span: error.span,
        },
    }
}

/// The message for a character no token starts with.
fn invalid_character(text: &str, at: usize) -> SyntaxError {
    let c = text.get(at..).and_then(|s| s.chars().next());
    let len = c.map_or(0, char::len_utf8);
    let message = match c {
        Some('"') => "this string has no closing quote (or holds a control character such as a line break: write \\n)".to_string(),
        Some('!') => "unexpected `!`: write `!=` to compare, or `not` to negate".to_string(),
        Some(c) => format!("unexpected character {c:?}"),
        None => "unexpected end of the file".to_string(),
    };
    SyntaxError {
        message,
        span: at..at + len,
    }
}

/// `` `on` `` for a keyword or sign, `` `arn:...` `` for a word.
fn quote(token: &str) -> String {
    if token.len() > 40 {
        let cut = (0..=37)
            .rev()
            .find(|&i| token.is_char_boundary(i))
            .unwrap_or(0);
        format!("`{}...`", &token[..cut])
    } else {
        format!("`{token}`")
    }
}

/// The keywords of the language (also in `grammar/model.lalrpop`).
pub const KEYWORDS: &[&str] = &[
    "account",
    "user",
    "group",
    "role",
    "policy",
    "in",
    "path",
    "tag",
    "mfa",
    "password",
    "access-keys",
    "boundary",
    "attach",
    "trust",
    "service",
    "federated",
    "instance-profile",
    "resource",
    "owner",
    "allow",
    "deny",
    "not",
    "on",
    "to",
    "when",
    "and",
    "like",
    "exists",
    "any",
    "all",
    "json",
    "file",
    "organization",
    "management",
    "ou",
    "scp",
    "rcp",
    "detach",
    "true",
    "false",
    "null",
    "sid",
];

/// Lists lalrpop's expected tokens in words, keywords and signs first, then what a WORD is
/// at this place.
fn expected_in_words(expected: &[String], context: &Context) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = false;
    let mut string = false;
    for token in expected {
        match token.as_str() {
            "WORD" => word = true,
            "STRING" => string = true,
            quoted => {
                let bare = quoted.trim_matches('"');
                words.push(format!("`{bare}`"));
            }
        }
    }
    if word {
        words.push(context.word().to_string());
    } else if string {
        words.push("a quoted string like \"text\"".to_string());
    }
    match words.as_slice() {
        [] => "nothing more".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// What the text before an error says about the place: the last token, or for a list, the
/// keyword that started it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Context {
    /// The token that decides (a keyword or sign), if any.
    token: Option<String>,
}

impl Context {
    /// What a WORD means after the deciding token.
    fn word(&self) -> &'static str {
        match self.token.as_deref() {
            Some("allow" | "deny") => "an action like `s3:GetObject`",
            Some("on") => "a resource like `arn:aws:s3:::bucket/*` or `*`",
            Some("to" | "trust") => "an ARN or `*`",
            Some("when" | "and" | "any" | "all") => "a condition key like `aws:SourceIp`",
            Some("==" | "!=" | "<" | "<=" | ">" | ">=" | "like" | "in" | "[") => {
                "a value like \"text\", `10.0.0.0/8`, `3600` or `true`"
            }
            Some("account" | "management" | "owner") => "an account ID like `111111111111`",
            Some("organization") => "an organization ID like `o-a1b2c3d4e5`",
            Some("attach" | "boundary") => {
                "a policy: a name like `deploy`, `aws:ReadOnlyAccess` or an ARN"
            }
            Some("service") => "a service like `ec2.amazonaws.com`",
            Some("federated") => "an identity provider ARN or name",
            Some("resource") => "a resource ARN",
            Some("tag") => "a tag key",
            Some("=") => "a tag value",
            Some("access-keys") => "a number of access keys (0, 1 or 2)",
            Some(":") => "a JSON value",
            Some("path") => "a path like \"/team/\"",
            Some("sid") => "a statement ID like `ReadOrders`",
            Some("condition-key") => "an operator like `==`, `like`, `in` or `exists`",
            _ => "a name",
        }
    }
}

/// Tokens of the text before `end` with their offsets, lexed as the grammar does (comments
/// and whitespace skipped; an unterminated string runs to `end`).
fn tokens_before(text: &str, end: usize) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let end = end.min(text.len());
    let mut out = Vec::new();
    let mut i = 0;
    while i < end {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        } else if c == b'#' {
            while i < end && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        } else if c == b'"' {
            i += 1;
            while i < end && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(end);
        } else if b"{}()[];,:".contains(&c) {
            i += 1;
        } else if b"=!<>".contains(&c) {
            i += if i + 1 < end && bytes[i + 1] == b'=' {
                2
            } else {
                1
            };
        } else {
            while i < end && !is_separator(bytes[i]) {
                i += 1;
            }
            i = i.max(start + 1);
        }
        // Stop on a character boundary (non-ASCII letters are part of words).
        while !text.is_char_boundary(i) {
            i += 1;
        }
        out.push((start, text.get(start..i).unwrap_or("")));
    }
    out
}

/// How deep `{`, `[` and `(` may nest: far deeper than any policy or organisation (AWS allows
/// five levels of OUs), shallow enough that nothing recursive over the tree runs out of stack.
const MAX_NESTING: usize = 64;

/// Rejects text nested deeper than [`MAX_NESTING`].
fn check_nesting(text: &str) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    for (at, token) in tokens_before(text, text.len()) {
        match token {
            "{" | "[" | "(" => depth += 1,
            "}" | "]" | ")" => depth = depth.saturating_sub(1),
            _ => continue,
        }
        if depth > MAX_NESTING {
            return Err(SyntaxError {
                message: format!("blocks and lists nest more than {MAX_NESTING} levels deep here"),
                span: at..at + 1,
            });
        }
    }
    Ok(())
}

fn is_separator(b: u8) -> bool {
    b.is_ascii_whitespace() || b"{}()[];,=\"#<>!".contains(&b)
}

/// The deciding token before `at`: the last token, except that inside a comma-separated list
/// (or a list of words) the keyword that opened the list decides.
fn context_before(text: &str, at: usize) -> Context {
    let tokens: Vec<&str> = tokens_before(text, at)
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let is_word = |t: &str| !KEYWORDS.contains(&t) && !is_sign(t);
    let Some(&last) = tokens.last() else {
        return Context { token: None };
    };
    if last == "," {
        let opener = tokens.iter().rev().find(|t| {
            matches!(
                **t,
                "allow" | "deny" | "on" | "to" | "trust" | "in" | "attach" | "[" | "{"
            )
        });
        return Context {
            token: opener.map(|t| t.to_string()),
        };
    }
    if last == "not" {
        // `allow not ...`, `on not ...`, `to not ...`: the keyword before decides.
        let before = tokens.iter().rev().nth(1).copied();
        return Context {
            token: before.map(str::to_string),
        };
    }
    if is_word(last) {
        // A word right after `when`/`and` is a condition key: an operator follows.
        let before = tokens.iter().rev().nth(1).copied();
        if matches!(before, Some("when" | "and" | "any" | "all")) {
            return Context {
                token: Some("condition-key".into()),
            };
        }
    }
    Context {
        token: Some(last.to_string()),
    }
}

fn is_sign(t: &str) -> bool {
    matches!(
        t,
        "{" | "}"
            | "("
            | ")"
            | "["
            | "]"
            | ";"
            | ","
            | ":"
            | "="
            | "=="
            | "!="
            | "<"
            | "<="
            | ">"
            | ">="
    )
}

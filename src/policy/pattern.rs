//! Wildcard patterns with policy variables: the one matcher behind actions, ARNs and
//! `StringLike`.
//!
//! A pattern is a list of [`Piece`]s. `*` matches any run of characters (also none), `?` one
//! character, a literal itself, and a variable `${key}` the literal text of the request's value
//! for `key` (spec §4): substituted text never acts as a wildcard, and a variable that cannot be
//! resolved makes the whole pattern match nothing.

use std::fmt;

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Piece {
    /// Literal text.
    Lit(Box<str>),
    /// `*`: any run of characters, possibly empty.
    Star,
    /// `?`: exactly one character.
    One,
    /// `${key}` or `${key, 'default'}`: the request's single value of `key`.
    Var(Variable),
}

/// A policy variable reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variable {
    /// The condition key, lowercased (keys are case-insensitive).
    pub key: Box<str>,
    /// The text used when the key is absent.
    pub default: Option<Box<str>>,
}

/// Where variable values come from: the request context.
pub trait Variables {
    /// The single value of `key` (lowercased), or `None` if absent or multivalued.
    fn single(&self, key: &str) -> Option<&str>;
}

/// No variables at all: every variable is unresolvable.
pub struct NoVariables;

impl Variables for NoVariables {
    fn single(&self, _key: &str) -> Option<&str> {
        None
    }
}

/// How literal characters compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Byte for byte.
    Sensitive,
    /// ASCII letters ignore case.
    Insensitive,
}

/// What the parser should recognise in pattern text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syntax {
    /// `*` and `?` are wildcards (else literal).
    pub wildcards: bool,
    /// `${...}` is a policy variable (else literal).
    pub variables: bool,
}

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pattern {
    pieces: Vec<Piece>,
    shape: Shape,
}

/// The common shapes of a pattern, matched without the general algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Shape {
    /// Matches only the empty string.
    Empty,
    /// `*`: matches everything.
    Star,
    /// Literal text only.
    Literal,
    /// Literal text then `*`.
    Prefix,
    /// Anything else (more wildcards, `?`, variables).
    General,
}

impl Shape {
    fn of(pieces: &[Piece]) -> Shape {
        match pieces {
            [] => Shape::Empty,
            [Piece::Star] => Shape::Star,
            [Piece::Lit(_)] => Shape::Literal,
            [Piece::Lit(_), Piece::Star] => Shape::Prefix,
            _ => Shape::General,
        }
    }
}

impl Syntax {
    /// True if `c` may start something other than literal text.
    fn is_special(self, c: char) -> bool {
        (self.wildcards && matches!(c, '*' | '?')) || (self.variables && c == '$')
    }
}

/// A problem with a `${...}` reference, reported by the validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableSyntaxError(pub String);

impl Pattern {
    /// Parses `text`. Malformed `${` references stay literal text and are reported.
    pub fn parse(text: &str, syntax: Syntax) -> (Pattern, Option<VariableSyntaxError>) {
        if !text.contains(|c| syntax.is_special(c)) {
            return (Pattern::literal(text), None);
        }
        let mut pieces = Vec::with_capacity(2);
        let mut lit = String::new();
        let mut problem = None;
        let mut rest = text;
        loop {
            let ordinary = rest.find(|c| syntax.is_special(c)).unwrap_or(rest.len());
            lit.push_str(&rest[..ordinary]);
            rest = &rest[ordinary..];
            let Some(c) = rest.chars().next() else { break };
            if syntax.variables && rest.starts_with("${") {
                match parse_variable(rest) {
                    Ok((piece, used)) => {
                        match piece {
                            Piece::Lit(text) => lit.push_str(&text),
                            other => {
                                flush(&mut lit, &mut pieces);
                                pieces.push(other);
                            }
                        }
                        rest = &rest[used..];
                        continue;
                    }
                    Err(e) => {
                        problem.get_or_insert(e);
                    }
                }
            }
            match c {
                '*' if syntax.wildcards => {
                    flush(&mut lit, &mut pieces);
                    if pieces.last() != Some(&Piece::Star) {
                        pieces.push(Piece::Star);
                    }
                }
                '?' if syntax.wildcards => {
                    flush(&mut lit, &mut pieces);
                    pieces.push(Piece::One);
                }
                _ => lit.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
        flush(&mut lit, &mut pieces);
        (Pattern::from_pieces(pieces), problem)
    }

    /// A pattern that matches exactly `text`.
    pub fn literal(text: &str) -> Pattern {
        let pieces = if text.is_empty() {
            Vec::new()
        } else {
            vec![Piece::Lit(text.into())]
        };
        Pattern::from_pieces(pieces)
    }

    fn from_pieces(pieces: Vec<Piece>) -> Pattern {
        let shape = Shape::of(&pieces);
        Pattern { pieces, shape }
    }

    /// The pieces, in order.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// True if the pattern is a lone `*`.
    pub fn is_star(&self) -> bool {
        self.pieces == [Piece::Star]
    }

    /// True if the pattern references a policy variable.
    pub fn has_variables(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Var(_)))
    }

    /// True if the pattern has a wildcard.
    pub fn has_wildcards(&self) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Star | Piece::One))
    }

    /// The literal text before the first wildcard or variable.
    pub fn literal_prefix(&self) -> &str {
        match self.pieces.first() {
            Some(Piece::Lit(text)) => text,
            _ => "",
        }
    }

    /// Does `input` match, with variables taken from `vars`?
    pub fn matches(&self, input: &str, case: Case, vars: &dyn Variables) -> bool {
        let first = || match self.pieces.first() {
            Some(Piece::Lit(text)) => text.as_bytes(),
            _ => &[],
        };
        match self.shape {
            Shape::Empty => input.is_empty(),
            Shape::Star => true,
            Shape::Literal => {
                input.len() == first().len() && starts_with(input.as_bytes(), first(), case)
            }
            Shape::Prefix => starts_with(input.as_bytes(), first(), case),
            Shape::General => {
                // A variable without value or default makes the pattern match nothing.
                let resolvable = self.pieces.iter().all(|p| match p {
                    Piece::Var(v) => v.default.is_some() || vars.single(&v.key).is_some(),
                    _ => true,
                });
                resolvable && glob(&self.pieces, input.as_bytes(), case, vars)
            }
        }
    }

    /// The pattern with every variable replaced by literal text, or `None` if one is unresolvable.
    pub fn resolve(&self, vars: &dyn Variables) -> Option<Vec<Piece>> {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Var(v) => vars
                    .single(&v.key)
                    .or(v.default.as_deref())
                    .map(|text| Piece::Lit(text.into())),
                other => Some(other.clone()),
            })
            .collect()
    }

    /// The literal text a wildcard-free pattern stands for, with variables substituted.
    pub fn substitute(&self, vars: &dyn Variables) -> Option<String> {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Lit(text) => out.push_str(text),
                Piece::Star => out.push('*'),
                Piece::One => out.push('?'),
                Piece::Var(v) => out.push_str(vars.single(&v.key).or(v.default.as_deref())?),
            }
        }
        Some(out)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for piece in &self.pieces {
            match piece {
                Piece::Lit(text) => f.write_str(text)?,
                Piece::Star => f.write_str("*")?,
                Piece::One => f.write_str("?")?,
                Piece::Var(Variable { key, default: None }) => write!(f, "${{{key}}}")?,
                Piece::Var(Variable {
                    key,
                    default: Some(d),
                }) => write!(f, "${{{key}, '{d}'}}")?,
            }
        }
        Ok(())
    }
}

/// One character-level element of a resolved pattern, for set comparisons.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    Char(char),
    One,
    Star,
}

fn tokens(pieces: &[Piece]) -> Vec<Tok> {
    let mut out = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Lit(text) => out.extend(text.chars().map(Tok::Char)),
            Piece::Star => out.push(Tok::Star),
            Piece::One => out.push(Tok::One),
            Piece::Var(_) => {}
        }
    }
    out
}

fn same_char(a: char, b: char, case: Case) -> bool {
    a == b || case == Case::Insensitive && a.eq_ignore_ascii_case(&b)
}

impl Pattern {
    /// Is there a string both patterns match? Variables of `self` come from `vars`; `other`
    /// must have none (it is a request pattern).
    pub fn intersects(&self, other: &Pattern, case: Case, vars: &dyn Variables) -> bool {
        self.relate(other, Relation::Intersects, case, vars)
    }

    /// Does `self` match every string `other` matches? Sound (a `true` is always right) and
    /// complete for the patterns policies use: each `*` of `other` must fall inside a `*` of
    /// `self`.
    pub fn covers(&self, other: &Pattern, case: Case, vars: &dyn Variables) -> bool {
        self.relate(other, Relation::Covers, case, vars)
    }

    fn relate(
        &self,
        other: &Pattern,
        relation: Relation,
        case: Case,
        vars: &dyn Variables,
    ) -> bool {
        let Some(mine) = self.resolve(vars) else {
            return false;
        };
        let (a, b) = (tokens(&mine), tokens(&other.pieces));
        let memo = vec![None; (a.len() + 1) * (b.len() + 1)];
        Walk {
            a: &a,
            b: &b,
            relation,
            case,
            memo,
        }
        .at(0, 0)
    }
}

/// How two patterns are compared as sets of strings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// Some string is in both.
    Intersects,
    /// Every string of the second is in the first.
    Covers,
}

/// A memoised walk over two token lists: position `i` in `a`, `j` in `b`.
struct Walk<'t> {
    a: &'t [Tok],
    b: &'t [Tok],
    relation: Relation,
    case: Case,
    memo: Vec<Option<bool>>,
}

impl Walk<'_> {
    fn at(&mut self, i: usize, j: usize) -> bool {
        let slot = i * (self.b.len() + 1) + j;
        if let Some(known) = self.memo[slot] {
            return known;
        }
        let (a_len, b_len) = (self.a.len(), self.b.len());
        let intersects = self.relation == Relation::Intersects;
        let result = match (self.a.get(i), self.b.get(j)) {
            (None, None) => true,
            // A `*` of `a` absorbs any run of `b`, stars included.
            (Some(Tok::Star), _) => self.at(i + 1, j) || j < b_len && self.at(i, j + 1),
            // A `*` of `b` is only absorbed by one of `a` when `a` must cover all of `b`.
            (_, Some(Tok::Star)) if intersects => {
                self.at(i, j + 1) || i < a_len && self.at(i + 1, j)
            }
            (Some(Tok::One), Some(Tok::Char(_) | Tok::One)) => self.at(i + 1, j + 1),
            (Some(Tok::Char(_)), Some(Tok::One)) if intersects => self.at(i + 1, j + 1),
            (Some(Tok::Char(x)), Some(Tok::Char(y))) => {
                same_char(*x, *y, self.case) && self.at(i + 1, j + 1)
            }
            _ => false,
        };
        self.memo[slot] = Some(result);
        result
    }
}

fn flush(lit: &mut String, pieces: &mut Vec<Piece>) {
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit.as_str().into()));
        lit.clear();
    }
}

/// Parses the `${...}` at the start of `text`; returns the piece and the bytes it used.
fn parse_variable(text: &str) -> Result<(Piece, usize), VariableSyntaxError> {
    let end = text.find('}').ok_or_else(|| {
        VariableSyntaxError(format!("unterminated policy variable in \"{text}\""))
    })?;
    let inner = &text[2..end];
    let piece = match inner {
        "*" | "?" | "$" => Piece::Lit(inner.into()),
        _ => {
            let (key, default) = match inner.split_once(',') {
                Some((key, default)) => {
                    let default = default.trim_start();
                    let quoted =
                        default.len() >= 2 && default.starts_with('\'') && default.ends_with('\'');
                    if !quoted {
                        return Err(VariableSyntaxError(format!(
                            "the default of ${{{inner}}} must be in single quotes"
                        )));
                    }
                    (key.trim(), Some(default[1..default.len() - 1].into()))
                }
                None => (inner.trim(), None),
            };
            if key.is_empty() || key.contains(char::is_whitespace) {
                return Err(VariableSyntaxError(format!(
                    "\"${{{inner}}}\" does not name a condition key"
                )));
            }
            Piece::Var(Variable {
                key: key.to_ascii_lowercase().into(),
                default,
            })
        }
    };
    Ok((piece, end + 1))
}

/// Matches pieces without variables against `input`.
///
/// Greedy with backtracking to the last `*`: correct because every other piece has a fixed
/// length, and linear for the patterns policies use.
fn glob(pieces: &[Piece], input: &[u8], case: Case, vars: &dyn Variables) -> bool {
    let (mut p, mut i) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        if let Some(piece) = pieces.get(p) {
            match piece {
                Piece::Star if p + 1 == pieces.len() => return true,
                Piece::Star => {
                    backtrack = Some((p + 1, i));
                    p += 1;
                    continue;
                }
                Piece::Var(v) => {
                    // Substituted text is literal (resolvability was checked by the caller).
                    let text = vars.single(&v.key).or(v.default.as_deref()).unwrap_or("");
                    if starts_with(&input[i..], text.as_bytes(), case) {
                        i += text.len();
                        p += 1;
                        continue;
                    }
                }
                Piece::One if i < input.len() => {
                    i += char_len(input[i]);
                    p += 1;
                    continue;
                }
                Piece::Lit(text) if starts_with(&input[i..], text.as_bytes(), case) => {
                    i += text.len();
                    p += 1;
                    continue;
                }
                _ => {}
            }
        } else if i == input.len() {
            return true;
        }
        match backtrack {
            Some((after_star, from)) if from < input.len() => {
                let next = from + char_len(input[from]);
                backtrack = Some((after_star, next));
                p = after_star;
                i = next;
            }
            _ => return false,
        }
    }
}

fn starts_with(input: &[u8], lit: &[u8], case: Case) -> bool {
    let Some(head) = input.get(..lit.len()) else {
        return false;
    };
    // The first bytes settle most comparisons (a glob tries a literal at every position
    // after a `*`) without calling `memcmp`; then exact bytes, whatever the case rule.
    let same = |a: &u8, b: &u8| a == b || case == Case::Insensitive && a.eq_ignore_ascii_case(b);
    if let (Some(a), Some(b)) = (head.first(), lit.first()) {
        if !same(a, b) {
            return false;
        }
    }
    head == lit || case == Case::Insensitive && head.eq_ignore_ascii_case(lit)
}

/// Length of the UTF-8 character that starts with byte `b`.
fn char_len(b: u8) -> usize {
    match b {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const GLOB: Syntax = Syntax {
        wildcards: true,
        variables: true,
    };

    struct Map(HashMap<&'static str, &'static str>);
    impl Variables for Map {
        fn single(&self, key: &str) -> Option<&str> {
            self.0.get(key).copied()
        }
    }

    fn m(pattern: &str, input: &str) -> bool {
        Pattern::parse(pattern, GLOB)
            .0
            .matches(input, Case::Sensitive, &NoVariables)
    }

    #[test]
    fn star_and_question_mark() {
        assert!(m("bkt/*", "bkt/a/b/c"));
        assert!(m("bkt/*", "bkt/"));
        assert!(!m("bkt/f?.txt", "bkt/f10.txt"));
        assert!(m("bkt/f?.txt", "bkt/f1.txt"));
        assert!(m("*a*b*", "xxaxxbxx"));
        assert!(!m("*a*b", "xxaxxbxx"));
        assert!(m("a*b*c", "abbbc"));
        assert!(m("?", "é"));
        assert!(!m("", "x"));
        assert!(m("", ""));
    }

    #[test]
    fn case_is_a_parameter() {
        let p = Pattern::parse("S3:Get*", GLOB).0;
        assert!(p.matches("s3:getobject", Case::Insensitive, &NoVariables));
        assert!(!p.matches("s3:getobject", Case::Sensitive, &NoVariables));
    }

    #[test]
    fn variables_substitute_literal_text() {
        let vars = Map(HashMap::from([("aws:username", "alice"), ("t", "*")]));
        let p = Pattern::parse("bkt/${aws:UserName}/*", GLOB).0;
        assert!(p.matches("bkt/alice/x", Case::Sensitive, &vars));
        assert!(!p.matches("bkt/bob/x", Case::Sensitive, &vars));
        // A substituted `*` is literal.
        let p = Pattern::parse("bkt/${t}", GLOB).0;
        assert!(!p.matches("bkt/abc", Case::Sensitive, &vars));
        assert!(p.matches("bkt/*", Case::Sensitive, &vars));
    }

    #[test]
    fn special_variables_and_defaults() {
        let p = Pattern::parse("bkt/${*}", GLOB).0;
        assert!(!p.matches("bkt/x", Case::Sensitive, &NoVariables));
        assert!(p.matches("bkt/*", Case::Sensitive, &NoVariables));
        let p = Pattern::parse("bkt-${aws:PrincipalTag/team, 'all'}/*", GLOB).0;
        assert!(p.matches("bkt-all/x", Case::Sensitive, &NoVariables));
        let p = Pattern::parse("bkt-${aws:PrincipalTag/team}/*", GLOB).0;
        assert!(!p.matches("bkt-/x", Case::Sensitive, &NoVariables));
    }

    #[test]
    fn malformed_variables_are_reported_and_kept_literal() {
        let (p, err) = Pattern::parse("a${b", GLOB);
        assert!(err.is_some());
        assert!(p.matches("a${b", Case::Sensitive, &NoVariables));
        let (_, err) = Pattern::parse("${k, x}", GLOB);
        assert!(err.is_some());
    }

    #[test]
    fn intersection_and_cover() {
        let p = |t: &str| Pattern::parse(t, GLOB).0;
        let i = |a: &str, b: &str| p(a).intersects(&p(b), Case::Sensitive, &NoVariables);
        let c = |a: &str, b: &str| p(a).covers(&p(b), Case::Sensitive, &NoVariables);
        assert!(i("bkt/AWSLogs/*", "bkt/*"));
        assert!(i("*.jpg", "photos/*"));
        assert!(!i("a/*", "b/*"));
        assert!(i("a?c", "*b*"));
        assert!(!i("abc", "abd"));
        assert!(c("bkt/*", "bkt/logs/*"));
        assert!(!c("bkt/logs/*", "bkt/*"));
        assert!(!c("a?", "a*"));
        assert!(c("a*", "a?"));
        assert!(c("*", "*"));
        assert!(c("abc", "abc"));
        assert!(!c("abc", "ab?"));
    }

    #[test]
    fn display_round_trips() {
        for text in ["a*b?c", "x/${aws:username}/*", "${k, 'd'}"] {
            assert_eq!(Pattern::parse(text, GLOB).0.to_string(), text);
        }
    }
}

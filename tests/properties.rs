//! Properties of the policy core against plain definitions (issue #7).
//!
//! - Wildcard matching ([`iamlog::policy::pattern`], actions, ARNs) against a reference that
//!   translates the generated pattern into a `regex`, piece by piece: `*` any run, `?` one
//!   character, ASCII letters of actions and of ARN fields 2–5 in either case, the resource field
//!   case-sensitive, wildcards of fields 2–5 never crossing `:`, policy variables substituted as
//!   literal text (or matching nothing when unresolvable) where they are allowed and literal text
//!   elsewhere (spec §2, §4).
//! - Condition operators against their definitions in spec §3, written out below without the
//!   implementation's help: the base test of each operator family, negation as NOR over the
//!   policy values, `IfExists`, `Null`, and `ForAnyValue`/`ForAllValues` on present, absent and
//!   empty keys.
//! - Negation symmetry: on a present single-valued key, every `…Not…` operator is the negation
//!   of its positive twin, with the exceptions spec §3 leaves unsettled (≈) asserted as such.
//!
//! The round trip of the text language through JSON is in src/lang/tests.rs, next to the
//! helpers that compare two models.

use iamlog::policy::arn::{ArnPattern, ShortArns};
use iamlog::policy::condition::{Clause, Operand, Operator};
use iamlog::policy::document::ActionPattern;
use iamlog::policy::pattern::{Case, Pattern, Syntax};
use iamlog::policy::{Context, ContextValue};
use proptest::prelude::*;
use regex::Regex;

// ---- wildcard matching -----------------------------------------------------------------------

/// One generated element of a pattern; rendered to text for the implementation, translated to
/// a regex for the reference.
#[derive(Debug, Clone)]
enum Gen {
    Lit(char),
    Star,
    One,
    /// `${key}` or `${key, 'default'}`.
    Var(&'static str, Option<String>),
    /// `${*}`, `${?}`, `${$}`: the literal character.
    Escaped(char),
}

impl Gen {
    fn text(&self) -> String {
        match self {
            Gen::Lit(c) => c.to_string(),
            Gen::Star => "*".into(),
            Gen::One => "?".into(),
            Gen::Var(key, None) => format!("${{{key}}}"),
            Gen::Var(key, Some(d)) => format!("${{{key}, '{d}'}}"),
            Gen::Escaped(c) => format!("${{{c}}}"),
        }
    }
}

fn render(pieces: &[Gen]) -> String {
    pieces.iter().map(Gen::text).collect()
}

/// What the reference reads in a pattern.
#[derive(Debug, Clone, Copy)]
struct Rules {
    /// `*` and `?` are wildcards (else literal).
    wildcards: bool,
    /// `${...}` is a variable (else literal text).
    variables: bool,
    /// ASCII letters match either case.
    ignore_case: bool,
    /// Wildcards stop at `:` (ARN fields 2–5).
    within_field: bool,
}

/// Regex text for literal text under `rules`.
fn literal_regex(text: &str, rules: Rules) -> String {
    text.chars()
        .map(|c| {
            if rules.ignore_case && c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
            } else {
                regex::escape(&c.to_string())
            }
        })
        .collect()
}

/// The single value of a key in the test's variables (keys compare ignoring case).
fn single<'a>(vars: &'a [(&'static str, Option<String>)], key: &str) -> Option<&'a str> {
    vars.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| v.as_deref())
}

/// The reference: the regex (unanchored text) for `pieces`, or `None` if a variable cannot be
/// resolved (the pattern then matches nothing).
fn reference(
    pieces: &[Gen],
    rules: Rules,
    vars: &[(&'static str, Option<String>)],
) -> Option<String> {
    let any = if rules.within_field { "[^:]" } else { "." };
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Gen::Lit(c) => out.push_str(&literal_regex(&c.to_string(), rules)),
            Gen::Star if rules.wildcards => out.push_str(&format!("{any}*")),
            Gen::One if rules.wildcards => out.push_str(any),
            Gen::Star | Gen::One => out.push_str(&literal_regex(&piece.text(), rules)),
            Gen::Escaped(c) if rules.variables => out.push_str(&regex::escape(&c.to_string())),
            Gen::Var(key, default) if rules.variables => {
                let value = single(vars, key).or(default.as_deref())?;
                out.push_str(&literal_regex(value, rules));
            }
            // Without variables, `${...}` is text like any other: its `*` and `?` are wildcards
            // where wildcards are on.
            Gen::Escaped(_) | Gen::Var(..) => {
                for c in piece.text().chars() {
                    let one = match c {
                        '*' => Gen::Star,
                        '?' => Gen::One,
                        c => Gen::Lit(c),
                    };
                    out.push_str(&reference(&[one], rules, vars)?);
                }
            }
        }
    }
    Some(out)
}

fn full_match(regex: &str, input: &str) -> bool {
    Regex::new(&format!("(?s)^(?:{regex})$"))
        .expect("reference regex")
        .is_match(input)
}

/// Variable keys of the generated patterns; `aws:TagKeys` is multivalued, so never substitutes.
const KEYS: [&str; 4] = ["aws:username", "AWS:PrincipalTag/Team", "k", "aws:TagKeys"];

fn piece(alphabet: &'static [char], variables: bool) -> BoxedStrategy<Gen> {
    let lit = proptest::sample::select(alphabet).prop_map(Gen::Lit);
    if !variables {
        return prop_oneof![4 => lit, 2 => Just(Gen::Star), 1 => Just(Gen::One)].boxed();
    }
    let default = proptest::option::of(proptest::collection::vec(
        proptest::sample::select(&['a', 'B', '*', '?', '/'][..]),
        0..3,
    ))
    .prop_map(|d| d.map(|cs| cs.into_iter().collect::<String>()));
    prop_oneof![
        6 => lit,
        3 => Just(Gen::Star),
        2 => Just(Gen::One),
        2 => (proptest::sample::select(&KEYS[..]), default).prop_map(|(k, d)| Gen::Var(k, d)),
        1 => proptest::sample::select(&['*', '?', '$'][..]).prop_map(Gen::Escaped),
    ]
    .boxed()
}

fn pieces(alphabet: &'static [char], variables: bool, max: usize) -> BoxedStrategy<Vec<Gen>> {
    proptest::collection::vec(piece(alphabet, variables), 0..max).boxed()
}

/// Values of the variables: each key absent or set; `aws:TagKeys` is set as a multivalued key.
fn variables() -> impl Strategy<Value = Vec<(&'static str, Option<String>)>> {
    let value = proptest::option::of("[aAbB*?/:]{0,3}");
    (value.clone(), value.clone(), value)
        .prop_map(|(u, t, k)| vec![("aws:username", u), ("aws:principaltag/team", t), ("k", k)])
}

fn context(vars: &[(&'static str, Option<String>)]) -> Context {
    let mut c = Context::new();
    for (k, v) in vars {
        if let Some(v) = v {
            c.insert(k, ContextValue::Single(v.clone()));
        }
    }
    c.insert(
        "aws:TagKeys",
        ContextValue::Multi(vec!["a".into(), "b".into()]),
    );
    c
}

/// An input that the pattern often matches: each piece instantiated (a literal maybe in the
/// other case, a wildcard by some text, a variable by its value or by something else), then
/// perhaps one character changed.
fn instance(
    pieces: &[Gen],
    vars: &[(&'static str, Option<String>)],
    fill: &[String],
    flip: bool,
) -> String {
    let mut out = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        let filler = &fill[i % fill.len()];
        match piece {
            Gen::Lit(c) if flip && i % 2 == 0 => out.push(if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }),
            Gen::Lit(c) => out.push(*c),
            Gen::Star => out.push_str(filler),
            Gen::One => out.push(filler.chars().next().unwrap_or('é')),
            Gen::Escaped(c) => out.push(*c),
            Gen::Var(key, default) => match single(vars, key).or(default.as_deref()) {
                Some(v) if i % 3 != 2 => out.push_str(v),
                _ => out.push_str(filler),
            },
        }
    }
    out
}

const TEXT: &[char] = &['a', 'A', 'b', 'é', 'É', '/', ':', '-', '$'];
const NAME: &[char] = &['g', 'G', 'e', 't', 'T', 'x', '1'];
const FIELD: &[char] = &['a', 'A', 's', '3', '-', '1'];

fn input_text() -> impl Strategy<Value = String> {
    "[aAbéÉ/:\\-$*?{}]{0,8}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// `Pattern::matches` is the regex translation of the pattern, for every combination of
    /// wildcards on or off (StringLike vs StringEquals), variables on or off (Version
    /// 2012-10-17 vs 2008-10-17) and case rule.
    #[test]
    fn patterns_match_as_their_regex_translation(
        pieces in pieces(TEXT, true, 7),
        vars in variables(),
        fill in proptest::collection::vec("[aAbé/:]{0,4}", 1..4),
        flip in any::<bool>(),
        random in input_text(),
        use_random in proptest::bool::weighted(0.3),
        wildcards in any::<bool>(),
        with_variables in any::<bool>(),
        ignore_case in any::<bool>(),
    ) {
        let input = if use_random { random } else { instance(&pieces, &vars, &fill, flip) };
        let text = render(&pieces);
        let syntax = Syntax { wildcards, variables: with_variables };
        let (pattern, problem) = Pattern::parse(&text, syntax);
        prop_assert!(problem.is_none(), "{text}: {problem:?}");
        let case = if ignore_case { Case::Insensitive } else { Case::Sensitive };
        let got = pattern.matches(&input, case, &context(&vars));
        let rules = Rules { wildcards, variables: with_variables, ignore_case, within_field: false };
        let want = reference(&pieces, rules, &vars).is_some_and(|r| full_match(&r, &input));
        prop_assert_eq!(got, want, "pattern {:?} input {:?} vars {:?}", text, input, vars);
    }

    /// Actions: the prefix compares ignoring case and literally; the name is a case-insensitive
    /// glob anchored at both ends (spec §2 "Actions").
    #[test]
    fn actions_match_as_their_regex_translation(
        service in "[sS]3|[iI][aA][mM]|[eE][cC]2",
        asked_service in "s3|iam|ec2",
        name in pieces(NAME, false, 6),
        fill in proptest::collection::vec("[gGeEtTxX1]{0,3}", 1..4),
        flip in any::<bool>(),
        random in "[gGeEtTxX1]{1,6}",
        use_random in proptest::bool::weighted(0.3),
    ) {
        prop_assume!(!name.is_empty());
        let asked = if use_random { random } else { instance(&name, &[], &fill, flip) };
        prop_assume!(!asked.is_empty());
        let pattern = ActionPattern::parse(&format!("{service}:{}", render(&name)));
        let got = pattern.matches(&asked_service, &asked);
        let rules = Rules { wildcards: true, variables: false, ignore_case: true, within_field: false };
        let want = service.eq_ignore_ascii_case(&asked_service)
            && reference(&name, rules, &[]).is_some_and(|r| full_match(&r, &asked));
        prop_assert_eq!(got, want, "{}:{} vs {}:{}", service, render(&name), asked_service, asked);
    }

    /// ARNs: fields 2–5 are globs that ignore ASCII case in `Resource` (not in `ArnLike`) and
    /// never cross `:`; the resource field is case-sensitive, crosses `/` and `:`, and alone
    /// takes policy variables (spec §2 "ARNs", §4).
    #[test]
    fn arns_match_as_their_regex_translation(
        fields in proptest::collection::vec(pieces(FIELD, false, 4), 4),
        field_vars in proptest::collection::vec(proptest::sample::select(&["k", "Team"][..]), 4),
        resource in pieces(TEXT, true, 6),
        vars in variables(),
        fill in proptest::collection::vec("[aAs3\\-1]{0,3}", 1..4),
        tail_fill in proptest::collection::vec("[aAb/:]{0,4}", 1..4),
        flip in any::<bool>(),
        resource_case_rule in any::<bool>(),
        var_in_field in proptest::option::of(0usize..4),
    ) {
        let mut fields = fields;
        // A `${...}` in fields 2–5 is literal text (variables are allowed in field 6 only).
        if let Some(i) = var_in_field {
            fields[i].push(Gen::Var(field_vars[i], None));
        }
        let pattern_text = format!(
            "arn:{}:{}",
            fields.iter().map(|f| render(f)).collect::<Vec<_>>().join(":"),
            render(&resource)
        );
        let mut asked: Vec<String> = fields.iter().map(|f| instance(f, &vars, &fill, flip)).collect();
        for a in &mut asked {
            a.retain(|c| c != ':');
        }
        asked.push(instance(&resource, &vars, &tail_fill, flip));
        let asked = format!("arn:{}", asked.join(":"));
        let case = if resource_case_rule { Case::Insensitive } else { Case::Sensitive };
        let got = ArnPattern::parse(&pattern_text, true, ShortArns::PadWithStar)
            .matches(&asked, case, &context(&vars));
        let head = Rules { wildcards: true, variables: false, ignore_case: resource_case_rule, within_field: true };
        let tail = Rules { wildcards: true, variables: true, ignore_case: false, within_field: false };
        let want = fields
            .iter()
            .map(|f| reference(f, head, &vars))
            .chain([reference(&resource, tail, &vars)])
            .collect::<Option<Vec<String>>>()
            .is_some_and(|parts| full_match(&format!("arn:{}", parts.join(":")), &asked));
        prop_assert_eq!(got, want, "pattern {:?} resource {:?} vars {:?}", pattern_text, asked, vars);
    }
}

// ---- condition operators (spec §3) -------------------------------------------------------------

/// The operator families of spec §3's table, with the operators of each as (positive, negated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    StringIgnoreCase,
    Like,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
}

const FAMILIES: [Family; 9] = [
    Family::String,
    Family::StringIgnoreCase,
    Family::Like,
    Family::Numeric,
    Family::Date,
    Family::Bool,
    Family::Binary,
    Family::Ip,
    Family::Arn,
];

impl Family {
    /// Base operator names: (positive, its negation if AWS has one).
    fn operators(self) -> &'static [(&'static str, Option<&'static str>)] {
        match self {
            Family::String => &[("StringEquals", Some("StringNotEquals"))],
            Family::StringIgnoreCase => {
                &[("StringEqualsIgnoreCase", Some("StringNotEqualsIgnoreCase"))]
            }
            Family::Like => &[("StringLike", Some("StringNotLike"))],
            Family::Numeric => &[
                ("NumericEquals", Some("NumericNotEquals")),
                ("NumericLessThan", None),
                ("NumericLessThanEquals", None),
                ("NumericGreaterThan", None),
                ("NumericGreaterThanEquals", None),
            ],
            Family::Date => &[
                ("DateEquals", Some("DateNotEquals")),
                ("DateLessThan", None),
                ("DateLessThanEquals", None),
                ("DateGreaterThan", None),
                ("DateGreaterThanEquals", None),
            ],
            Family::Bool => &[("Bool", None)],
            Family::Binary => &[("BinaryEquals", None)],
            Family::Ip => &[("IpAddress", Some("NotIpAddress"))],
            Family::Arn => &[
                ("ArnEquals", Some("ArnNotEquals")),
                ("ArnLike", Some("ArnNotLike")),
            ],
        }
    }

    /// Request values to try, readable and unreadable.
    fn request_values(self) -> &'static [&'static str] {
        match self {
            Family::String | Family::StringIgnoreCase | Family::Like => {
                &["a", "A", "ab", "aB", "b", "*", "a*", "", "R", "r"]
            }
            Family::Numeric => &["0", "10", "10.0", "9.5", "-1", "011", "abc", "1.2.3", ""],
            Family::Date => &[
                "1893456000",
                "2030-01-01T00:00:00Z",
                "2025-06-01T00:00:00Z",
                "2025-06-01",
                "2030-01-01T00:00:00+01:00",
                "soon",
            ],
            Family::Bool => &["true", "TRUE", "false", "False", "yes", ""],
            Family::Binary => &["QUJD", "qujd", ""],
            Family::Ip => &[
                "10.0.0.5",
                "10.0.1.5",
                "192.168.1.1",
                "2001:db8::1",
                "::1",
                "nope",
            ],
            Family::Arn => &[
                "arn:aws:iam::111122223333:role/R",
                "arn:aws:iam::111122223333:role/r",
                "arn:AWS:iam::111122223333:role/R",
                "arn:aws:s3:::bkt/a/b",
                "arn:aws:x:r:999999999999:s/a:111122223333:f/d",
                "not-an-arn",
            ],
        }
    }

    /// Policy values to try (all readable; `${...}` only where variables are allowed).
    fn policy_values(self) -> &'static [&'static str] {
        match self {
            Family::String | Family::StringIgnoreCase => &["a", "A", "ab", "*", "${aws:username}"],
            Family::Like => &["a", "a*", "A?", "*", "?", "${aws:username}*"],
            Family::Numeric => &["10", "9.5", "0", "-1"],
            Family::Date => &[
                "1893456000",
                "2025-06-01T00:00:00Z",
                "2030-01-01T00:00:00+01:00",
            ],
            Family::Bool => &["true", "false"],
            Family::Binary => &["QUJD"],
            Family::Ip => &[
                "10.0.0.0/24",
                "10.0.0.0/8",
                "10.0.0.5",
                "2001:db8::/32",
                "0.0.0.0/0",
                "::/0",
            ],
            Family::Arn => &[
                "arn:aws:iam::111122223333:role/*",
                "arn:aws:iam::*:role/R",
                "arn:aws:s3:::bkt/*",
                "arn:aws:x:*:111122223333:f/*",
                "arn:aws:iam::111122223333:role/${aws:username}",
                "${aws:username}",
                "*",
            ],
        }
    }
}

/// The request's state of the tested key.
#[derive(Debug, Clone)]
enum Key {
    Absent,
    Single(String),
    Multi(Vec<String>),
}

/// spec §3, "Numeric": decimals, `10` = `10.0`.
fn decimal(text: &str) -> Option<f64> {
    let ok = Regex::new(r"^-?[0-9]+(\.[0-9]+)?$").unwrap();
    ok.is_match(text).then(|| text.parse().unwrap())
}

/// spec §3, "Date": the values above, in epoch seconds (worked out by hand).
fn date(text: &str) -> Option<i64> {
    match text {
        "1893456000" | "2030-01-01T00:00:00Z" => Some(1_893_456_000),
        "2030-01-01T00:00:00+01:00" => Some(1_893_456_000 - 3600),
        "2025-06-01T00:00:00Z" | "2025-06-01" => Some(1_748_736_000),
        _ => None,
    }
}

/// spec §3, "IpAddress": an address in a CIDR range; a bare address is a /32 or /128.
fn ip_in(address: &str, range: &str) -> Option<bool> {
    let addr: std::net::IpAddr = address.parse().ok()?;
    let (net, len) = match range.split_once('/') {
        Some((net, len)) => (net, len.parse::<u32>().unwrap()),
        None => (range, if range.contains(':') { 128 } else { 32 }),
    };
    let net: std::net::IpAddr = net.parse().unwrap();
    let bits = |a: std::net::IpAddr| match a {
        std::net::IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
        std::net::IpAddr::V6(v) => (u128::from(v), 128),
    };
    let ((a, width), (n, net_width)) = (bits(addr), bits(net));
    if width != net_width {
        return Some(false);
    }
    let shift = width - len;
    Some(len == 0 || a >> shift == n >> shift)
}

const USERNAME: &str = "${aws:username}";

/// A policy value with `${aws:username}` substituted, or `None` if the variable is unresolved.
fn substituted(policy: &str, username: Option<&str>) -> Option<String> {
    match policy.find(USERNAME) {
        Some(_) => Some(policy.replace(USERNAME, username?)),
        None => Some(policy.to_string()),
    }
}

/// A glob as spec §2 reads the resource field and `StringLike`: `*` any run, `?` one
/// character, case-sensitive; `within_field` keeps the wildcards off `:`. `${aws:username}`
/// is replaced by `username` as literal text (spec §4); unresolved, the glob matches nothing.
fn glob(pattern: &str, input: &str, within_field: bool, username: Option<&str>) -> bool {
    let any = if within_field { "[^:]" } else { "." };
    let part = |text: &str| -> String {
        text.chars()
            .map(|c| match c {
                '*' => format!("{any}*"),
                '?' => any.to_string(),
                c => regex::escape(&c.to_string()),
            })
            .collect()
    };
    let parts: Vec<String> = pattern.split(USERNAME).map(part).collect();
    if parts.len() > 1 && username.is_none() {
        return false;
    }
    full_match(&parts.join(&regex::escape(username.unwrap_or(""))), input)
}

/// spec §3, the base test of one request value against one policy value: `Some(result)`, or
/// `None` when the request value cannot be read for the operator (not a number, a date, an
/// address or an ARN).
fn base_test(op: &str, request: &str, policy: &str, username: Option<&str>) -> Option<bool> {
    let family = FAMILIES
        .into_iter()
        .find(|f| f.operators().iter().any(|(p, _)| *p == op))
        .unwrap();
    Some(match family {
        // A value whose variable cannot be resolved equals nothing.
        Family::String => substituted(policy, username).is_some_and(|p| p == request),
        Family::StringIgnoreCase => substituted(policy, username)
            .is_some_and(|p| p.to_lowercase() == request.to_lowercase()),
        Family::Like => glob(policy, request, false, username),
        Family::Numeric => {
            let (v, p) = (decimal(request)?, decimal(policy).unwrap());
            match op {
                "NumericEquals" => v == p,
                "NumericLessThan" => v < p,
                "NumericLessThanEquals" => v <= p,
                "NumericGreaterThan" => v > p,
                _ => v >= p,
            }
        }
        Family::Date => {
            let (v, p) = (date(request)?, date(policy).unwrap());
            match op {
                "DateEquals" => v == p,
                "DateLessThan" => v < p,
                "DateLessThanEquals" => v <= p,
                "DateGreaterThan" => v > p,
                _ => v >= p,
            }
        }
        Family::Bool => {
            let read = |t: &str| {
                ["true", "false"]
                    .iter()
                    .position(|b| b.eq_ignore_ascii_case(t))
            };
            read(request)? == read(policy).unwrap()
        }
        Family::Binary => request == policy,
        Family::Ip => ip_in(request, policy)?,
        Family::Arn => {
            // An ARN has six fields; fields 2–5 match one field each, all case-sensitive.
            if request.splitn(6, ':').count() < 6 || !request.starts_with("arn:") {
                return None;
            }
            if policy == "*" {
                return Some(true);
            }
            // Variables are substituted first (spec §4); text that is then no ARN matches
            // nothing (the usernames here hold no colon, so the fields stay where they are).
            match substituted(policy, username) {
                None => return Some(false),
                Some(s) if !s.starts_with("arn:") || s.splitn(6, ':').count() < 6 => {
                    return Some(false)
                }
                Some(_) => {}
            }
            let (ph, pt) = split_resource(policy);
            let (rh, rt) = split_resource(request);
            glob(ph, rh, true, None) && glob(pt, rt, false, username)
        }
    })
}

/// An ARN's first five fields (with their colons) and its resource field.
fn split_resource(arn: &str) -> (&str, &str) {
    let mut end = 0;
    for _ in 0..5 {
        end += arn[end..].find(':').unwrap() + 1;
    }
    (&arn[..end], &arn[end..])
}

/// Qualifiers of a generated operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Set {
    None,
    ForAnyValue,
    ForAllValues,
}

/// spec §3 as written: does the clause `op key: values` hold for the key's state?
fn spec_holds(
    base: &str,
    negated: bool,
    if_exists: bool,
    set: Set,
    policy: &[&str],
    key: &Key,
    username: Option<&str>,
) -> bool {
    // One request value: a key holds iff any listed value matches; a negated operator negates
    // the whole OR (NOR). A request value that cannot be read fails the positive and the
    // negated operator alike: spec §3 marks this ≈ (its text makes the negated one true, the
    // oracle makes both false); iamlog follows the oracle.
    let one = |v: &str| {
        let results: Option<Vec<bool>> = policy
            .iter()
            .map(|p| base_test(base, v, p, username))
            .collect();
        match results {
            None => false,
            Some(r) => r.contains(&true) != negated,
        }
    };
    match (set, key) {
        // Key absent: positive false, negated true, any IfExists true.
        (Set::None, Key::Absent) => if_exists || negated,
        // No qualifier on a multivalued key: false for both forms (spec §3 ≈, as the oracle).
        (Set::None, Key::Multi(_)) => false,
        (Set::None, Key::Single(v)) => one(v),
        // A qualifier on a single-valued key sees a one-element set; an absent key an empty one.
        (Set::ForAnyValue, k) => set_values(k).iter().any(|v| one(v)),
        (Set::ForAllValues, k) => set_values(k).iter().all(|v| one(v)),
    }
}

fn set_values(key: &Key) -> Vec<String> {
    match key {
        Key::Absent => Vec::new(),
        Key::Single(v) => vec![v.clone()],
        Key::Multi(vs) => vs.clone(),
    }
}

/// spec §3 `Null`: `"true"` holds when the key is absent, `"false"` when present. A key given
/// as an empty set counts as absent (the spec does not say; iamlog reads it so, as it reads an
/// empty set as absent for `ForAllValues`).
fn spec_null(policy: &[&str], key: &Key) -> bool {
    let absent = match key {
        Key::Absent => true,
        Key::Single(_) => false,
        Key::Multi(vs) => vs.is_empty(),
    };
    policy.iter().any(|p| (*p == "true") == absent)
}

fn clause(operator: &str, key: &str, values: &[&str]) -> Clause {
    let (operator, _) = Operator::parse(operator).expect("a known operator");
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

fn request(key: &Key, username: Option<&str>) -> Context {
    let mut c = Context::new();
    match key {
        Key::Absent => {}
        Key::Single(v) => c.insert("svc:Key", ContextValue::Single(v.clone())),
        Key::Multi(vs) => c.insert("svc:Key", ContextValue::Multi(vs.clone())),
    }
    if let Some(u) = username {
        c.insert("aws:username", ContextValue::Single(u.to_string()));
    }
    c
}

/// A family, one of its operators, policy values and a key state drawn from its vocabulary.
#[derive(Debug, Clone)]
struct Case3 {
    base: &'static str,
    negation: Option<&'static str>,
    policy: Vec<&'static str>,
    key: Key,
    username: Option<&'static str>,
}

fn case() -> impl Strategy<Value = Case3> {
    proptest::sample::select(&FAMILIES[..]).prop_flat_map(|family| {
        let op = proptest::sample::select(family.operators());
        let policy =
            proptest::collection::vec(proptest::sample::select(family.policy_values()), 1..4);
        let value = proptest::sample::select(family.request_values()).prop_map(String::from);
        let key = prop_oneof![
            1 => Just(Key::Absent),
            4 => value.clone().prop_map(Key::Single),
            2 => proptest::collection::vec(value, 0..4).prop_map(Key::Multi),
        ];
        let username = proptest::option::of(proptest::sample::select(&["R", "a", "*"][..]));
        (op, policy, key, username).prop_map(|((base, negation), policy, key, username)| Case3 {
            base,
            negation,
            policy,
            key,
            username,
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Every operator, negated or not, with and without `IfExists`, `ForAnyValue:` and
    /// `ForAllValues:`, holds exactly when spec §3 says it does.
    #[test]
    fn condition_operators_follow_their_definitions(
        c in case(),
        negate in any::<bool>(),
        if_exists in any::<bool>(),
        set in proptest::sample::select(&[Set::None, Set::ForAnyValue, Set::ForAllValues][..]),
    ) {
        let negated = negate && c.negation.is_some();
        let name = format!(
            "{}{}{}",
            match set {
                Set::None => "",
                Set::ForAnyValue => "ForAnyValue:",
                Set::ForAllValues => "ForAllValues:",
            },
            if negated { c.negation.unwrap() } else { c.base },
            if if_exists { "IfExists" } else { "" },
        );
        let got = clause(&name, "Svc:Key", &c.policy).holds(&request(&c.key, c.username));
        let want = spec_holds(c.base, negated, if_exists, set, &c.policy, &c.key, c.username);
        prop_assert_eq!(got, want, "{} {:?} on {:?} (aws:username {:?})", name, c.policy, c.key, c.username);
    }

    /// `Null` by presence (it takes no qualifier and no `IfExists`).
    #[test]
    fn null_tests_presence(
        policy in proptest::collection::vec(proptest::sample::select(&["true", "false"][..]), 1..3),
        key in prop_oneof![
            Just(Key::Absent),
            "[a-z]{0,2}".prop_map(Key::Single),
            proptest::collection::vec("[a-z]{1,2}", 0..3).prop_map(Key::Multi),
        ],
    ) {
        let got = clause("Null", "Svc:Key", &policy).holds(&request(&key, None));
        prop_assert_eq!(got, spec_null(&policy, &key), "Null {:?} on {:?}", policy, key);
    }

    /// Negation symmetry: on a present single-valued key whose value the operator can read,
    /// `…Not…` is exactly `¬…`, with or without `IfExists` and with either set qualifier (a
    /// single value is a one-element set, and `ForAnyValue`/`ForAllValues` agree on it).
    ///
    /// The exceptions, asserted as such: an absent key (`IfExists` makes both forms hold), a
    /// multivalued key without qualifier (neither holds, spec §3 ≈) and an unreadable request
    /// value (neither holds, spec §3 ≈: the oracle's reading).
    #[test]
    fn negated_operators_are_the_negation_on_present_keys(
        c in case(),
        if_exists in any::<bool>(),
        set in proptest::sample::select(&[Set::None, Set::ForAnyValue, Set::ForAllValues][..]),
    ) {
        let Some(negation) = c.negation else { return Ok(()) };
        let prefix = match set {
            Set::None => "",
            Set::ForAnyValue => "ForAnyValue:",
            Set::ForAllValues => "ForAllValues:",
        };
        let suffix = if if_exists { "IfExists" } else { "" };
        let holds = |op: &str| {
            clause(&format!("{prefix}{op}{suffix}"), "Svc:Key", &c.policy)
                .holds(&request(&c.key, c.username))
        };
        let (positive, negative) = (holds(c.base), holds(negation));
        match &c.key {
            Key::Single(v) => {
                let readable = c.policy.iter().all(|p| base_test(c.base, v, p, c.username).is_some());
                if readable {
                    prop_assert_eq!(negative, !positive, "{} vs {} on {:?} {:?}", negation, c.base, v, c.policy);
                } else {
                    prop_assert!(!positive && !negative, "unreadable {:?}: {} {} / {} {}", v, c.base, positive, negation, negative);
                }
            }
            Key::Absent if set == Set::None => {
                prop_assert_eq!((positive, negative), (if_exists, true), "absent key");
            }
            Key::Multi(_) if set == Set::None => {
                prop_assert!(!positive && !negative, "multivalued key without a qualifier");
            }
            _ => {}
        }
    }
}

//! Statements, principals and conditions as IAM JSON.
//!
//! Each construct has one JSON form:
//!
//! | written | JSON |
//! |---|---|
//! | `allow A, B on R when C;` | `{"Effect": "Allow", "Action": ["A", "B"], "Resource": "R", "Condition": C}` |
//! | `sid Id1 allow ...` | `"Sid": "Id1"` |
//! | `deny not A on not R` | `"NotAction"`, `"NotResource"` |
//! | `to user alice` | `"Principal": {"AWS": "arn:aws:iam::ACCOUNT:user/PATH/alice"}` |
//! | `to account 2222...` | `"Principal": {"AWS": "arn:aws:iam::2222...:root"}` |
//! | `to service ec2.amazonaws.com` | `"Principal": {"Service": "ec2.amazonaws.com"}` |
//! | `to *` | `"Principal": "*"` |
//! | `K == "v"`, `K in ["a", "b"]` | `"StringEquals": {"K": "v"}`, `{"K": ["a", "b"]}` |
//! | `K == true` | `"Bool": {"K": "true"}` |
//! | `K < 3600`, `K == 3600` | `"NumericLessThan"`, `"NumericEquals"` |
//! | `K in 10.0.0.0/8` | `"IpAddress"` |
//! | `K like "a*"`, `K like arn:...` | `"StringLike"`, `"ArnLike"` |
//! | `K < "2025-01-01T00:00:00Z"` | `"DateLessThan"` |
//! | `K exists`, `K not exists` | `"Null": {"K": "false"}`, `{"K": "true"}` |
//! | `any K in [...]`, `all K in [...]` | `"ForAnyValue:StringEquals"`, `"ForAllValues:..."` |
//! | `StringEqualsIgnoreCase K "v"` | that operator, as named |
//!
//! A quoted value is always text; unquoted, `true`/`false` is a boolean, a number is a number,
//! an address or CIDR range is an IP, `arn:...` is an ARN, a date is a date, anything else text.

use super::ast::{self, Comparison, Condition, PrincipalKind, Quantifier, Span, Word};
use super::desugar::Desugarer;
use super::document::Spans;
use super::names::{did_you_mean, is_account_id, split_account, Kind};
use crate::json::pointer_token;
use crate::policy::condition::{parse_date, parse_ip, parse_number, Operator};
use crate::policy::PolicyKind;
use serde_json::{Map, Value};

/// Where statements are written: the kind of document and the account names resolve in.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The document's kind.
    pub kind: PolicyKind,
    /// The account that `user alice`, `role/x` and local names are in, if any.
    pub account: Option<&'a str>,
}

/// IAM resource types that `TYPE/NAME` short forms expand to in the scope's account.
pub(super) const SHORT_IAM_TYPES: &[&str] = &[
    "user/",
    "group/",
    "role/",
    "policy/",
    "instance-profile/",
    "oidc-provider/",
    "saml-provider/",
    "mfa/",
    "server-certificate/",
];

/// One value or a list: `"a"` or `["a", "b"]`.
fn one_or_many(items: Vec<String>) -> Value {
    if items.len() == 1 {
        Value::String(items.into_iter().next().expect("one item"))
    } else {
        Value::Array(items.into_iter().map(Value::String).collect())
    }
}

/// The span from the first to the last of `words`.
fn covering(words: &[Word], fallback: &Span) -> Span {
    match (words.first(), words.last()) {
        (Some(a), Some(b)) => a.span.start..b.span.end,
        _ => fallback.clone(),
    }
}

/// The kind of an unquoted or quoted condition value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ValueKind {
    Text,
    Bool,
    Number,
    Ip,
    Arn,
    Date,
}

impl ValueKind {
    pub(super) fn of(word: &Word) -> ValueKind {
        let t = word.text.as_str();
        if word.quoted {
            ValueKind::Text
        } else if t == "true" || t == "false" {
            ValueKind::Bool
        } else if parse_number(t).is_some() {
            ValueKind::Number
        } else if t.contains(['.', ':']) && !t.starts_with("arn:") && parse_ip(t).is_some() {
            ValueKind::Ip
        } else if t.starts_with("arn:") {
            ValueKind::Arn
        } else if parse_date(t).is_some() {
            ValueKind::Date
        } else {
            ValueKind::Text
        }
    }

    fn describe(self) -> &'static str {
        match self {
            ValueKind::Text => "text",
            ValueKind::Bool => "a boolean",
            ValueKind::Number => "a number",
            ValueKind::Ip => "an IP address or range",
            ValueKind::Arn => "an ARN",
            ValueKind::Date => "a date",
        }
    }
}

/// The IAM operator (without qualifier) for a written comparison of values of one kind.
pub(super) fn operator_for(
    comparison: Comparison,
    kind: ValueKind,
) -> Result<&'static str, String> {
    use Comparison as C;
    use ValueKind as K;
    Ok(match (comparison, kind) {
        (C::Equals, K::Bool) => "Bool",
        (C::Equals, K::Number) => "NumericEquals",
        (C::Equals, K::Ip) => "IpAddress",
        (C::Equals, K::Arn) => "ArnEquals",
        (C::Equals, K::Date) => "DateEquals",
        (C::Equals, K::Text) => "StringEquals",
        (C::NotEquals, K::Bool) => {
            return Err("IAM has no negated Bool: write `== true` or `== false` (an absent key matches neither)".into())
        }
        (C::NotEquals, K::Number) => "NumericNotEquals",
        (C::NotEquals, K::Ip) => "NotIpAddress",
        (C::NotEquals, K::Arn) => "ArnNotEquals",
        (C::NotEquals, K::Date) => "DateNotEquals",
        (C::NotEquals, K::Text) => "StringNotEquals",
        (C::Like, K::Arn) => "ArnLike",
        (C::Like, K::Text) => "StringLike",
        (C::NotLike, K::Arn) => "ArnNotLike",
        (C::NotLike, K::Text) => "StringNotLike",
        (C::Like | C::NotLike, other) => {
            return Err(format!(
                "`like` compares text or ARNs with wildcards, not {}; quote the value to compare it as text",
                other.describe()
            ))
        }
        (C::Less, K::Number) => "NumericLessThan",
        (C::LessEquals, K::Number) => "NumericLessThanEquals",
        (C::Greater, K::Number) => "NumericGreaterThan",
        (C::GreaterEquals, K::Number) => "NumericGreaterThanEquals",
        (C::Less, K::Date) => "DateLessThan",
        (C::LessEquals, K::Date) => "DateLessThanEquals",
        (C::Greater, K::Date) => "DateGreaterThan",
        (C::GreaterEquals, K::Date) => "DateGreaterThanEquals",
        (C::Less | C::LessEquals | C::Greater | C::GreaterEquals, other) => {
            return Err(format!(
                "`<`, `<=`, `>` and `>=` compare numbers or dates, not {}",
                other.describe()
            ))
        }
        (C::Exists | C::Absent, _) => "Null",
    })
}

impl Desugarer<'_> {
    /// The IAM JSON of one statement; the spans of its parts are recorded under `at`
    /// (`/Statement/3`).
    pub fn statement_json(
        &mut self,
        s: &ast::Statement,
        scope: &Scope<'_>,
        at: &str,
        spans: &mut Spans,
    ) -> Value {
        spans.add(at, s.span.clone());
        let mut object = Map::new();
        sid(&mut object, s.sid.as_ref(), at, spans);
        let effect = match s.effect {
            ast::Effect::Allow => "Allow",
            ast::Effect::Deny => "Deny",
        };
        object.insert("Effect".into(), Value::String(effect.into()));
        let key = if s.not_actions { "NotAction" } else { "Action" };
        self.words_json(&s.actions, &format!("{at}/{key}"), &s.span, spans);
        let actions = s.actions.iter().map(|w| w.text.clone()).collect();
        object.insert(key.into(), one_or_many(actions));
        let mut seen_on = false;
        let mut seen_to = false;
        for target in &s.targets {
            match target {
                ast::Target::On {
                    not,
                    resources,
                    span,
                } => {
                    if seen_on {
                        self.error(
                            "repeated-clause",
                            span.clone(),
                            "a statement has one `on` clause: list its resources with commas",
                        );
                        continue;
                    }
                    seen_on = true;
                    let key = if *not { "NotResource" } else { "Resource" };
                    self.words_json(resources, &format!("{at}/{key}"), span, spans);
                    let items = resources
                        .iter()
                        .map(|r| self.resource_text(r, scope))
                        .collect();
                    object.insert(key.into(), one_or_many(items));
                }
                ast::Target::To {
                    not,
                    principals,
                    span,
                } => {
                    if seen_to {
                        self.error(
                            "repeated-clause",
                            span.clone(),
                            "a statement has one `to` clause: list its principals with commas",
                        );
                        continue;
                    }
                    seen_to = true;
                    let key = if *not { "NotPrincipal" } else { "Principal" };
                    let pointer = format!("{at}/{key}");
                    spans.add(&pointer, span.clone());
                    let value = self.principals_json(principals, scope, &pointer, spans);
                    object.insert(key.into(), value);
                }
            }
        }
        if !seen_to && scope.kind == PolicyKind::Rcp {
            // An RCP's Principal can only be "*": `to *` may be left out.
            object.insert("Principal".into(), Value::String("*".into()));
        }
        if let Some(condition) =
            self.conditions_json(&s.conditions, &format!("{at}/Condition"), spans)
        {
            object.insert("Condition".into(), condition);
        }
        Value::Object(object)
    }

    /// A `trust` line as a trust-policy statement: Allow `sts:AssumeRole` (or the federated
    /// action) to its principals.
    pub fn trust_statement_json(
        &mut self,
        line: &ast::TrustLine,
        scope: &Scope<'_>,
        at: &str,
        spans: &mut Spans,
    ) -> Value {
        spans.add(at, line.span.clone());
        let mut object = Map::new();
        sid(&mut object, line.sid.as_ref(), at, spans);
        object.insert("Effect".into(), Value::String("Allow".into()));
        let pointer = format!("{at}/Principal");
        let first = line
            .principals
            .first()
            .map_or(line.span.clone(), |p| p.span.clone());
        let last = line
            .principals
            .last()
            .map_or(line.span.clone(), |p| p.span.clone());
        spans.add(&pointer, first.start..last.end);
        let principal = self.principals_json(&line.principals, scope, &pointer, spans);
        let federated: Vec<&ast::Principal> = line
            .principals
            .iter()
            .filter(|p| self.is_federated(p))
            .collect();
        let action = if federated.is_empty() {
            "sts:AssumeRole"
        } else {
            if federated.len() != line.principals.len() {
                self.error(
                    "mixed-trust",
                    line.span.clone(),
                    "federated principals assume a role with another action than the others: give them a `trust` line of their own",
                );
            }
            if federated
                .iter()
                .any(|p| p.value.text.contains("saml-provider/"))
            {
                "sts:AssumeRoleWithSAML"
            } else {
                "sts:AssumeRoleWithWebIdentity"
            }
        };
        object.insert("Principal".into(), principal);
        object.insert("Action".into(), Value::String(action.into()));
        if let Some(condition) =
            self.conditions_json(&line.conditions, &format!("{at}/Condition"), spans)
        {
            object.insert("Condition".into(), condition);
        }
        Value::Object(object)
    }

    fn is_federated(&self, p: &ast::Principal) -> bool {
        p.kind == PrincipalKind::Federated
            || (p.kind == PrincipalKind::Bare && is_provider_arn(&p.value.text))
    }

    /// Records the spans of a list of words at `pointer` (and of each item at `pointer/i`).
    fn words_json(&mut self, words: &[Word], pointer: &str, fallback: &Span, spans: &mut Spans) {
        spans.add(pointer, covering(words, fallback));
        for (i, w) in words.iter().enumerate() {
            spans.add(&format!("{pointer}/{i}"), w.span.clone());
        }
    }

    /// A resource as written, with `role/NAME`-style short forms expanded to IAM ARNs of the
    /// scope's account.
    fn resource_text(&self, word: &Word, scope: &Scope<'_>) -> String {
        let text = &word.text;
        if word.quoted || text == "*" || text.starts_with("arn:") {
            return text.clone();
        }
        // Without an account (SCPs, RCPs) a short form stays as written, and the validator
        // reports that it is not an ARN.
        match scope.account {
            Some(account) if SHORT_IAM_TYPES.iter().any(|t| text.starts_with(t)) => {
                format!("arn:aws:iam::{account}:{text}")
            }
            _ => text.clone(),
        }
    }

    /// The Principal element for a list of principals.
    pub fn principals_json(
        &mut self,
        principals: &[ast::Principal],
        scope: &Scope<'_>,
        pointer: &str,
        spans: &mut Spans,
    ) -> Value {
        let mut everyone = false;
        let mut by_type: Vec<(&'static str, Vec<String>, Vec<Span>)> = Vec::new();
        for p in principals {
            let Some((kind, value)) = self.principal(p, scope) else {
                continue;
            };
            if kind == "AWS" && value == "*" {
                everyone = true;
            }
            match by_type.iter_mut().find(|(k, _, _)| *k == kind) {
                Some((_, values, places)) => {
                    values.push(value);
                    places.push(p.span.clone());
                }
                None => by_type.push((kind, vec![value], vec![p.span.clone()])),
            }
        }
        if everyone && by_type.len() == 1 && by_type[0].1.len() == 1 {
            return Value::String("*".into());
        }
        let mut object = Map::new();
        by_type.sort_by_key(|(k, _, _)| *k);
        for (kind, values, places) in by_type {
            let at = format!("{pointer}/{kind}");
            if let (Some(a), Some(b)) = (places.first(), places.last()) {
                spans.add(&at, a.start..b.end);
            }
            if values.len() > 1 {
                for (i, place) in places.iter().enumerate() {
                    spans.add(&format!("{at}/{i}"), place.clone());
                }
            }
            object.insert(kind.into(), one_or_many(values));
        }
        Value::Object(object)
    }

    /// One principal: its JSON type (`AWS`, `Service`, `Federated`) and value.
    fn principal(
        &mut self,
        p: &ast::Principal,
        scope: &Scope<'_>,
    ) -> Option<(&'static str, String)> {
        let text = p.value.text.as_str();
        let span = p.value.span.clone();
        match p.kind {
            PrincipalKind::User | PrincipalKind::Role => {
                let kind = if p.kind == PrincipalKind::User {
                    Kind::User
                } else {
                    Kind::Role
                };
                let (name, account) = split_account(text);
                let Some(account) = account.or(scope.account) else {
                    self.error(
                        "no-account",
                        span,
                        format!(
                            "say which account the {} is in: `{} {name}@111111111111`",
                            kind.word(),
                            kind.word()
                        ),
                    );
                    return None;
                };
                let account = account.to_string();
                if Some(account.as_str()) == scope.account {
                    self.check_declared(kind, name, &account, &span);
                }
                Some(("AWS", self.decls.entity_arn(kind, &account, name)))
            }
            PrincipalKind::Account => {
                if !is_account_id(text) {
                    self.error(
                        "bad-account",
                        span,
                        format!("`{text}` is not an account ID (12 digits)"),
                    );
                    return None;
                }
                Some(("AWS", format!("arn:aws:iam::{text}:root")))
            }
            PrincipalKind::Service => Some(("Service", text.to_string())),
            PrincipalKind::Federated => {
                let value = match scope.account {
                    Some(account)
                        if !p.value.quoted
                            && (text.starts_with("saml-provider/")
                                || text.starts_with("oidc-provider/")) =>
                    {
                        format!("arn:aws:iam::{account}:{text}")
                    }
                    _ => text.to_string(),
                };
                Some(("Federated", value))
            }
            PrincipalKind::Bare => {
                if text == "*" {
                    Some(("AWS", "*".into()))
                } else if is_account_id(text) {
                    Some(("AWS", format!("arn:aws:iam::{text}:root")))
                } else if is_provider_arn(text) {
                    Some(("Federated", text.to_string()))
                } else if text.starts_with("arn:") {
                    Some(("AWS", text.to_string()))
                } else {
                    self.error(
                        "bad-principal",
                        span,
                        format!("`{text}` names no principal: write `user NAME`, `role NAME`, `account ID`, `service NAME`, `federated PROVIDER`, an ARN or `*`"),
                    );
                    None
                }
            }
        }
    }

    /// Reports a user, role or group that the account does not declare in this file.
    pub fn check_declared(&mut self, kind: Kind, name: &str, account: &str, span: &Span) {
        let Some(decls) = self.decls.account(account) else {
            self.error(
                "unknown-name",
                span.clone(),
                format!(
                    "account {account} declares no {} `{name}` in this file",
                    kind.word()
                ),
            );
            return;
        };
        if decls.find(kind, name).is_none() {
            let hint = did_you_mean(name, decls.of(kind).iter().map(|d| d.name.as_str()));
            self.error(
                "unknown-name",
                span.clone(),
                format!(
                    "account {account} declares no {} `{name}` in this file{hint}",
                    kind.word()
                ),
            );
        }
    }

    /// The Condition element of a `when` clause; `None` when there are no conditions.
    pub fn conditions_json(
        &mut self,
        conditions: &[Condition],
        at: &str,
        spans: &mut Spans,
    ) -> Option<Value> {
        let (first, last) = (conditions.first()?, conditions.last()?);
        spans.add(at, first.span().start..last.span().end);
        let mut operators: Map<String, Value> = Map::new();
        for c in conditions {
            let Some((operator, key, values)) = self.condition(c) else {
                continue;
            };
            let entry = operators
                .entry(operator.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(keys) = entry else {
                continue;
            };
            if keys.contains_key(&key.text) {
                self.error(
                    "repeated-condition",
                    c.span().clone(),
                    format!("`{}` is tested with {operator} twice in one statement; IAM JSON can hold one test per operator and key: list the values in one condition (they are alternatives)", key.text),
                );
                continue;
            }
            let op_at = format!("{at}/{}", pointer_token(&operator));
            spans.add(&op_at, c.span().clone());
            let key_at = format!("{op_at}/{}", pointer_token(&key.text));
            spans.add(&key_at, c.span().clone());
            for (i, v) in values.iter().enumerate() {
                spans.add(&format!("{key_at}/{i}"), v.span.clone());
            }
            let texts = values.iter().map(|v| v.text.clone()).collect();
            keys.insert(key.text.clone(), one_or_many(texts));
        }
        Some(Value::Object(operators))
    }

    /// One condition as (operator name, key, values).
    fn condition<'c>(&mut self, c: &'c Condition) -> Option<(String, &'c Word, Vec<Word>)> {
        match c {
            Condition::Operator {
                operator,
                key,
                values,
                ..
            } => match Operator::parse(&operator.text) {
                Ok((op, _)) => Some((op.to_string(), key, values.clone())),
                Err(_) => {
                    self.error(
                        "unknown-operator",
                        operator.span.clone(),
                        format!("`{}` is not an IAM condition operator (such as StringEqualsIgnoreCase or ForAnyValue:StringLike); or write a comparison: `KEY == VALUE`, `like`, `in`, `<`, `exists`", operator.text),
                    );
                    None
                }
            },
            Condition::Compare {
                quantifier,
                key,
                comparison,
                op_span,
                values,
                span,
            } => {
                let kinds: Vec<ValueKind> = values.iter().map(ValueKind::of).collect();
                let kind = kinds.first().copied().unwrap_or(ValueKind::Text);
                if let Some(other) = kinds.iter().find(|k| **k != kind) {
                    self.error(
                        "mixed-values",
                        span.clone(),
                        format!("the values are {} and {}: one condition compares values of one kind (quote them all to compare text)", kind.describe(), other.describe()),
                    );
                    return None;
                }
                // Ordered comparisons of quoted dates compare dates.
                let ordered = matches!(
                    comparison,
                    Comparison::Less
                        | Comparison::LessEquals
                        | Comparison::Greater
                        | Comparison::GreaterEquals
                );
                let kind = if ordered
                    && kind == ValueKind::Text
                    && values.iter().all(|v| parse_date(&v.text).is_some())
                {
                    ValueKind::Date
                } else {
                    kind
                };
                let base = match operator_for(*comparison, kind) {
                    Ok(base) => base,
                    Err(message) => {
                        self.error("bad-comparison", op_span.clone(), message);
                        return None;
                    }
                };
                let values = match comparison {
                    Comparison::Exists => vec![Word {
                        text: "false".into(),
                        quoted: false,
                        span: op_span.clone(),
                    }],
                    Comparison::Absent => vec![Word {
                        text: "true".into(),
                        quoted: false,
                        span: op_span.clone(),
                    }],
                    _ => values.clone(),
                };
                let prefix = match quantifier {
                    None => "",
                    Some((_, q)) if base == "Null" => {
                        self.error(
                            "bad-comparison",
                            q.clone(),
                            "`exists` takes no `any` or `all`: IAM's Null operator has no set qualifier",
                        );
                        return None;
                    }
                    Some((Quantifier::Any, _)) => "ForAnyValue:",
                    Some((Quantifier::All, _)) => "ForAllValues:",
                };
                Some((format!("{prefix}{base}"), key, values))
            }
        }
    }
}

/// `sid ID` as `"Sid": "ID"`.
fn sid(object: &mut Map<String, Value>, sid: Option<&Word>, at: &str, spans: &mut Spans) {
    if let Some(sid) = sid {
        spans.add(&format!("{at}/Sid"), sid.span.clone());
        object.insert("Sid".into(), Value::String(sid.text.clone()));
    }
}

/// A SAML or OIDC provider ARN (a federated principal).
fn is_provider_arn(text: &str) -> bool {
    text.starts_with("arn:")
        && (text.contains(":saml-provider/") || text.contains(":oidc-provider/"))
}

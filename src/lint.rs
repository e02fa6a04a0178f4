//! Validation of policy documents beyond their grammar (spec §1.4): the catalog of actions and
//! condition keys, characters, sizes, and risky shapes.
//!
//! [`lint_document`] returns every diagnostic of one document: those of the reader
//! ([`Policy::from_json`]) and those that need the bundled [`Catalog`].

use crate::catalog::Catalog;
use crate::diag::Diagnostic;
use crate::json::pointer_token;
use crate::policy::condition::SetQualifier;
use crate::policy::document::{ActionPattern, PrincipalElement};
use crate::policy::pattern::{Case, NoVariables};
use crate::policy::{Effect, Policy, PolicyKind, PrincipalEntry, Statement};
use serde_json::Value;

/// Where a document comes from, which decides its size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A customer document (limits apply).
    Customer,
    /// An AWS managed policy (AWS's own documents exceed customer limits).
    AwsManaged,
}

/// All diagnostics of one document, read as `kind`.
pub fn lint_document(
    value: &Value,
    kind: PolicyKind,
    origin: Origin,
) -> (Option<Policy>, Vec<Diagnostic>) {
    let parsed = Policy::from_json(value, kind);
    let mut out = parsed.diagnostics;
    check_characters(value, "", &mut out);
    if origin == Origin::Customer {
        check_size(value, kind, &mut out);
    }
    if let Some(policy) = &parsed.policy {
        let catalog = Catalog::bundled();
        for statement in &policy.statements {
            check_statement(statement, policy, value, catalog, &mut out);
        }
    }
    (parsed.policy, out)
}

/// Guesses a document's kind from its content: a Principal makes it a resource policy (a trust
/// policy if it is about `sts:AssumeRole*`), else it is an identity policy.
pub fn infer_kind(value: &Value) -> PolicyKind {
    let statements: Vec<&Value> = match value.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    let has_principal = statements
        .iter()
        .any(|s| s.get("Principal").is_some() || s.get("NotPrincipal").is_some());
    if !has_principal {
        return PolicyKind::Identity;
    }
    let actions = statements
        .iter()
        .filter_map(|s| s.get("Action"))
        .flat_map(|a| match a {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        });
    let trust = actions.into_iter().all(|a| {
        a.to_ascii_lowercase().starts_with("sts:assumerole")
            || a.eq_ignore_ascii_case("sts:TagSession")
    });
    if trust && value.get("Statement").is_some() {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    }
}

/// Policy text may hold only TAB, LF, CR and U+0020–U+00FF.
fn check_characters(value: &Value, at: &str, out: &mut Vec<Diagnostic>) {
    let bad = |s: &str| {
        s.chars()
            .find(|&c| !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}'))
    };
    match value {
        Value::String(s) => {
            if let Some(c) = bad(s) {
                out.push(Diagnostic::error(
                    "bad-character",
                    at,
                    format!(
                        "character {c:?} (U+{:04X}) is not allowed in policies",
                        c as u32
                    ),
                ));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_characters(v, &format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{at}/{}", pointer_token(k));
                if let Some(c) = bad(k) {
                    out.push(Diagnostic::error(
                        "bad-character",
                        here.clone(),
                        format!("character {c:?} is not allowed in policies"),
                    ));
                }
                check_characters(v, &here, out);
            }
        }
        _ => {}
    }
}

/// Size quotas of spec §1.1, counted on the compact JSON text.
fn check_size(value: &Value, kind: PolicyKind, out: &mut Vec<Diagnostic>) {
    let text = value.to_string();
    let non_ws = text.chars().filter(|c| !c.is_whitespace()).count();
    let (limit, error, what) = match kind {
        PolicyKind::Identity | PolicyKind::Boundary => (6_144, true, "a managed policy"),
        PolicyKind::Session => (2_048, true, "a session policy"),
        PolicyKind::Scp | PolicyKind::Rcp => (5_120, true, "an organization policy"),
        PolicyKind::Trust => (2_048, false, "a trust policy (raisable quota)"),
        PolicyKind::Resource => (20_480, false, "an S3 bucket policy"),
        PolicyKind::Endpoint => (20_480, false, "an endpoint policy"),
    };
    if non_ws > limit {
        let message = format!("{non_ws} characters exceed the {limit} allowed for {what}");
        out.push(if error {
            Diagnostic::error("too-large", "", message)
        } else {
            Diagnostic::warning("too-large", "", message)
        });
    }
}

fn check_statement(
    s: &Statement,
    policy: &Policy,
    _doc: &Value,
    catalog: &Catalog,
    out: &mut Vec<Diagnostic>,
) {
    let at = &s.pointer;
    let action_key = if s.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    let single = s.action.items.len() == 1;
    for (i, pattern) in s.action.items.iter().enumerate() {
        let pointer = if single {
            format!("{at}/{action_key}")
        } else {
            format!("{at}/{action_key}/{i}")
        };
        check_action(pattern, catalog, &pointer, out);
    }
    if s.effect == Effect::Allow && s.action.negated {
        out.push(Diagnostic::warning(
            "allow-not-action",
            format!("{at}/NotAction"),
            "Allow with NotAction grants every action not listed, including actions AWS adds later",
        ));
    }
    if let Some(r) = &s.resource {
        if s.effect == Effect::Allow && r.negated {
            out.push(Diagnostic::warning(
                "allow-not-resource",
                format!("{at}/NotResource"),
                "Allow with NotResource grants every resource not listed",
            ));
        }
        check_resource_types(s, catalog, out);
    }
    for clause in &s.condition.clauses {
        let pointer = format!(
            "{at}/Condition/{}/{}",
            pointer_token(&clause.operator.to_string()),
            pointer_token(&clause.key)
        );
        let Some(key_type) = catalog.condition_key_type(&clause.key) else {
            out.push(Diagnostic::warning("unknown-condition-key", pointer, format!("condition key \"{}\" is not in the catalog: it is absent from every request unless a service sets it", clause.key)));
            continue;
        };
        match (clause.operator.set, key_type.multivalued) {
            (None, true) => out.push(Diagnostic::warning("missing-set-qualifier", pointer.clone(), format!("\"{}\" is multivalued: without ForAnyValue/ForAllValues the condition never holds", clause.key))),
            (Some(_), false) => out.push(Diagnostic::warning("needless-set-qualifier", pointer.clone(), format!("\"{}\" is single-valued: the set qualifier treats it as a one-element set", clause.key))),
            _ => {}
        }
        if clause.operator.set == Some(SetQualifier::ForAllValues)
            && s.effect == Effect::Allow
            && !clause.operator.negated
        {
            out.push(Diagnostic::warning(
                "for-all-values-allow",
                pointer,
                "ForAllValues in an Allow also holds when the key is absent or empty",
            ));
        }
    }
    check_principals(s, policy, out);
}

fn check_action(
    pattern: &ActionPattern,
    catalog: &Catalog,
    pointer: &str,
    out: &mut Vec<Diagnostic>,
) {
    let ActionPattern::Service { service, name } = pattern else {
        return;
    };
    let Some(range) = catalog.service_range(service) else {
        out.push(Diagnostic::warning(
            "unknown-service",
            pointer,
            format!("service prefix \"{service}\" is not in the action catalog"),
        ));
        return;
    };
    let any = range
        .map(|id| catalog.action(id))
        .any(|a| name.matches(a.name, Case::Insensitive, &NoVariables));
    if !any {
        out.push(Diagnostic::warning(
            "unknown-action",
            pointer,
            format!("\"{service}:{name}\" matches no action in the catalog"),
        ));
    }
}

/// A resource ARN that fits none of an exact action's resource types (spec §1.4 warning).
fn check_resource_types(s: &Statement, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let Some(r) = &s.resource else { return };
    if r.negated || s.action.negated {
        return;
    }
    let key = "Resource";
    let exact: Vec<u32> = s
        .action
        .items
        .iter()
        .filter_map(|a| match a {
            ActionPattern::Service { service, name } if !name.has_wildcards() => {
                catalog.action_id(service, &name.to_string())
            }
            _ => None,
        })
        .collect();
    if exact.is_empty() || exact.len() != s.action.items.len() {
        return;
    }
    let single = r.items.len() == 1;
    for (i, pattern) in r.items.iter().enumerate() {
        let text = pattern.to_string();
        if text == "*" {
            continue;
        }
        let fits_some = exact
            .iter()
            .any(|&id| catalog.arn_matches_resource_type(id, &text) != Some(false));
        if !fits_some {
            let pointer = if single {
                format!("{}/{key}", s.pointer)
            } else {
                format!("{}/{key}/{i}", s.pointer)
            };
            out.push(Diagnostic::warning("foreign-resource-type", pointer, format!("\"{text}\" is not a resource type of the statement's actions: it matches no request for them")));
        }
    }
}

fn check_principals(s: &Statement, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let PrincipalElement::Listed(p) = &s.principal else {
        return;
    };
    let key = if p.negated {
        "NotPrincipal"
    } else {
        "Principal"
    };
    let at = format!("{}/{key}", s.pointer);
    if p.negated
        && !p
            .items
            .iter()
            .any(|e| matches!(e, PrincipalEntry::Account(_)))
    {
        out.push(Diagnostic::warning("not-principal-without-account", at.clone(), "a NotPrincipal list without its account's ARN may deny the listed principals too (AWS: \"might\")"));
    }
    if policy.kind != PolicyKind::Trust || s.effect != Effect::Allow {
        return;
    }
    let keys: Vec<&str> = s.condition.clauses.iter().map(|c| &*c.key_lower).collect();
    for entry in &p.items {
        match entry {
            PrincipalEntry::Federated(provider) if provider.contains(":oidc-provider/") => {
                let issuer = provider
                    .split(":oidc-provider/")
                    .nth(1)
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if !keys.contains(&format!("{issuer}:sub").as_str()) {
                    out.push(Diagnostic::warning("oidc-without-sub", at.clone(), format!("the trust admits every identity of {issuer}: add a condition on {issuer}:sub")));
                }
            }
            PrincipalEntry::Service(service) => {
                let scoped = keys.iter().any(|k| {
                    matches!(
                        *k,
                        "aws:sourceaccount"
                            | "aws:sourcearn"
                            | "aws:sourceorgid"
                            | "aws:sourceorgpaths"
                    )
                });
                if !scoped {
                    out.push(Diagnostic::warning("confused-deputy", at.clone(), format!("{service} can assume this role on behalf of any AWS customer: add aws:SourceAccount or aws:SourceArn")));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(doc: &str, kind: PolicyKind) -> Vec<&'static str> {
        let value: Value = serde_json::from_str(doc).unwrap();
        lint_document(&value, kind, Origin::Customer)
            .1
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn catalog_warnings() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObjekt","nosuch:Thing","s3:Get*"],"Resource":"*",
            "Condition":{"StringEquals":{"aws:TagKeys":"a","made:up":"x"},"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}}]}"#;
        let c = codes(doc, PolicyKind::Identity);
        for expected in [
            "unknown-action",
            "unknown-service",
            "missing-set-qualifier",
            "unknown-condition-key",
            "for-all-values-allow",
        ] {
            assert!(c.contains(&expected), "{expected} missing from {c:?}");
        }
    }

    #[test]
    fn foreign_resource_type() {
        let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:kms:us-east-1:111111111111:key/k"}}"#;
        assert!(codes(doc, PolicyKind::Identity).contains(&"foreign-resource-type"));
        let ok = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/k"}}"#;
        assert!(codes(ok, PolicyKind::Identity).is_empty());
    }

    #[test]
    fn characters_and_sizes() {
        let doc = r#"{"Statement":{"Sid":"ok","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/☃"}}"#;
        assert!(codes(doc, PolicyKind::Identity).contains(&"bad-character"));
        let big = format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{}"}}}}"#,
            "b".repeat(7000)
        );
        assert!(codes(&big, PolicyKind::Identity).contains(&"too-large"));
    }

    #[test]
    fn trust_policy_risks() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},
            {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
        let value: Value = serde_json::from_str(doc).unwrap();
        assert_eq!(infer_kind(&value), PolicyKind::Trust);
        let c = codes(doc, PolicyKind::Trust);
        assert!(
            c.contains(&"confused-deputy") && c.contains(&"oidc-without-sub"),
            "{c:?}"
        );
    }
}

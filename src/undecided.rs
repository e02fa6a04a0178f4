//! What a single decision could not see: the reasons `check` and `simulate` list under
//! `undecided` (issue #7, soundness audit).
//!
//! A decision is exact for the request as given. It may still rest on things the request or
//! the bundled catalog cannot show: a condition key the request does not set (decided as
//! absent, as AWS decides a request without it), a key or an action the catalog does not
//! know (matched by its text only). Listing them tells the reader which answers another
//! request, with those keys, could change.

use crate::catalog::Catalog;
use crate::policy::arn::{ArnPattern, Fields, ShortArns};
use crate::policy::document::ResourceQuery;
use crate::policy::{PolicySet, Request, Statement};
use std::collections::BTreeMap;

/// The reasons the decision of `request` under `policies` may not be the whole story, in a
/// stable order; empty when nothing was left open.
pub fn reasons(request: &Request, policies: &PolicySet) -> Vec<String> {
    let catalog = Catalog::bundled();
    let mut out = Vec::new();
    if catalog.lookup(&request.action).is_none() {
        out.push(format!(
            "{} is not in the bundled action catalog: statements match it by its text only",
            request.action
        ));
    }
    let (service, name) = request
        .action
        .split_once(':')
        .unwrap_or((request.action.as_str(), ""));
    let service = service.to_ascii_lowercase();
    let pattern;
    let resource = if request.resource.contains(['*', '?']) {
        pattern = ArnPattern::parse(&request.resource, false, ShortArns::PadWithStar);
        ResourceQuery::Pattern(&pattern)
    } else {
        ResourceQuery::Exact(Fields::split(&request.resource))
    };
    // Key (lowercased) -> (as written, effects of the statements that test it).
    let mut absent: BTreeMap<String, (String, [bool; 2])> = BTreeMap::new();
    let mut unknown: BTreeMap<String, String> = BTreeMap::new();
    let mut visit = |statement: &Statement, attached: bool| {
        if statement.condition.is_empty()
            || !statement.action_matches(&service, name)
            || !statement.resource_matches(resource, attached, &request.context)
        {
            return;
        }
        for clause in &statement.condition.clauses {
            let key = &*clause.key_lower;
            // Stand-ins for policies the input lacks: `incomplete` says what they are.
            if crate::model::unknown::is_assumption(key) {
                continue;
            }
            if catalog.condition_key_type(key).is_none() {
                unknown
                    .entry(key.to_string())
                    .or_insert_with(|| clause.key.clone());
            }
            if request.context.get(key).is_none() {
                let entry = absent
                    .entry(key.to_string())
                    .or_insert_with(|| (clause.key.clone(), [false; 2]));
                entry.1[usize::from(statement.effect == crate::policy::Effect::Deny)] = true;
            }
        }
    };
    for_each_statement(policies, &mut visit);
    for (key, (written, effects)) in &absent {
        let which = match effects {
            [true, true] => "Allow and Deny statements that match the request",
            [false, true] => "a Deny statement that matches the request",
            _ => "an Allow statement that matches the request",
        };
        let unknown_note = if unknown.contains_key(key) {
            " (a key the catalog does not know)"
        } else {
            ""
        };
        out.push(format!(
            "{written}{unknown_note} is not in the request and is tested by {which}: decided as absent (give it with --context, or in the case's context)"
        ));
    }
    for (key, written) in &unknown {
        if !absent.contains_key(key) {
            out.push(format!(
                "{written} is not in the bundled catalog: its value is compared as text"
            ));
        }
    }
    out
}

/// Calls `visit` on every statement of every policy, with whether a statement without
/// `Resource` covers the request's resource (only in the resource's own policy).
fn for_each_statement(policies: &PolicySet, visit: &mut dyn FnMut(&Statement, bool)) {
    let mut all = |policy: &crate::policy::Policy, attached: bool| {
        for s in &policy.statements {
            visit(s, attached);
        }
    };
    for p in policies.identity.iter().chain(&policies.boundaries) {
        all(p, false);
    }
    if let Some(p) = &policies.session {
        all(p, false);
    }
    if let Some(p) = &policies.resource {
        all(p, true);
    }
    for level in policies.scps.iter().chain(&policies.rcps) {
        for p in level {
            all(p, false);
        }
    }
    for p in policies.endpoints.iter().flatten() {
        all(p, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Caller, Context, Policy, PolicyKind};
    use std::sync::Arc;

    fn request(action: &str, context: Context) -> Request {
        Request {
            caller: Caller::parse("arn:aws:iam::111111111111:user/alice").unwrap(),
            action: action.into(),
            resource: "arn:aws:s3:::b/k".into(),
            resource_account: Some("111111111111".into()),
            context,
            wildcard_only: false,
        }
    }

    fn identity(doc: &str) -> PolicySet {
        let policy = Policy::from_text(doc, PolicyKind::Identity)
            .into_result()
            .unwrap();
        PolicySet {
            identity: vec![Arc::new(policy)],
            ..PolicySet::default()
        }
    }

    #[test]
    fn absent_and_unknown_keys_and_actions_are_listed() {
        let set = identity(
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
                {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                 "Condition": {"StringEquals": {"x:Made-Up": "1"}}},
                {"Effect": "Deny", "Action": "ec2:*", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:SourceVpc": "v"}}}]}"#,
        );
        let reasons = reasons(&request("s3:GetObject", Context::new()), &set);
        assert_eq!(reasons.len(), 2, "{reasons:#?}");
        assert_eq!(reasons[0], "aws:MultiFactorAuthPresent is not in the request and is tested by an Allow statement that matches the request: decided as absent (give it with --context, or in the case's context)");
        assert!(reasons[1].starts_with("x:Made-Up (a key the catalog does not know) is not in the request and is tested by a Deny statement"));
        let mut given = Context::new();
        given.insert(
            "aws:MultiFactorAuthPresent",
            crate::policy::ContextValue::Single("true".into()),
        );
        given.insert("x:made-up", crate::policy::ContextValue::Single("1".into()));
        let reasons = super::reasons(&request("s3:GetObject", given), &set);
        assert_eq!(
            reasons,
            ["x:Made-Up is not in the bundled catalog: its value is compared as text"]
        );
        let reasons = super::reasons(&request("s3:MadeUpAction", Context::new()), &set);
        assert!(reasons[0].starts_with("s3:MadeUpAction is not in the bundled action catalog"));
    }
}

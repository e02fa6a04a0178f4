//! What iamlog assumes of a policy the input names but does not hold (issue #7): an identity
//! policy attached to a principal, a group a user is in, or a permissions boundary.
//!
//! What such a policy allows is unknown, so every answer errs toward access: it stands in as
//! an Allow of every action on every resource under one condition, on
//! [`NOT_IN_INPUT_KEY`], that no request sets. The whole-organisation analysis keeps that key
//! open like any key a request would set, so the Allow holds in some request ("may") and not
//! in every one ("must"): the principal is possibly, never certainly, allowed everything, and
//! every step that rests on it names the condition. A Deny such a policy might hold is never
//! assumed (that would err away from access). A single request (`check --input`) is decided
//! twice, without the key (what the input holds decides) and with it (the missing policies
//! allow); see `src/cli/check.rs`.

use super::{Document, Origin};
use crate::policy::{Policy, PolicyKind};
use std::sync::Arc;

/// The condition key of assumed statements. Its values are the reasons, one per missing
/// policy, which explanations print in place of the clause.
pub const NOT_IN_INPUT_KEY: &str = "iamlog:NotInInput";

/// [`NOT_IN_INPUT_KEY`] lowercased, as condition clauses hold it.
pub const NOT_IN_INPUT_KEY_LOWER: &str = "iamlog:notininput";

/// The stand-in for a policy the input lacks: `name` (its ARN, or the group's) takes the place
/// of a file in explanations, and `condition` is the clause's text (`arn:...:policy/X (not in
/// the input) allows it`).
pub fn unknown_policy(name: &str, condition: &str, kind: PolicyKind) -> Document {
    let json = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "NotInInput",
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {NOT_IN_INPUT_KEY: condition}}
        }]
    });
    let policy = Policy::from_json(&json, kind)
        .policy
        .expect("the stand-in policy reads");
    Document {
        policy: Arc::new(policy),
        origin: Origin::builtin(name),
    }
}

/// The condition of the stand-in for managed policy `arn` attached to `holder` (or its
/// boundary).
pub fn policy_condition(arn: &str, holder: &str, boundary: bool) -> String {
    if boundary {
        format!("boundary {arn} of {holder} (not in the input) allows it")
    } else {
        format!("{arn} attached to {holder} (not in the input) allows it")
    }
}

/// The condition of the stand-in for group `name` of `user`.
pub fn group_condition(name: &str, user: &str) -> String {
    format!("group {name} of {user} (not in the input) allows it")
}

/// True for a clause on [`NOT_IN_INPUT_KEY`] (lowercased key).
pub fn is_assumption(key_lower: &str) -> bool {
    key_lower == NOT_IN_INPUT_KEY_LOWER
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Context, ContextValue, Effect, Stance};

    #[test]
    fn the_stand_in_allows_everything_only_when_the_key_is_open_or_set() {
        let d = unknown_policy(
            "arn:aws:iam::1:policy/x",
            "x allows it",
            PolicyKind::Identity,
        );
        let s = &d.policy.statements[0];
        assert_eq!(s.effect, Effect::Allow);
        let holds = |c: &Context| s.condition.holds_in(c, Effect::Allow);
        assert!(!holds(&Context::new()));
        assert!(holds(&Context::new().symbolic(Stance::May, true)));
        assert!(!holds(&Context::new().symbolic(Stance::Must, true)));
        let mut set = Context::new();
        set.insert(
            NOT_IN_INPUT_KEY,
            ContextValue::Multi(vec!["y".into(), "x allows it".into()]),
        );
        assert!(holds(&set));
        assert!(is_assumption(&s.condition.clauses[0].key_lower));
    }
}

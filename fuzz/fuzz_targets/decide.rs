//! The decision function on structured input: a policy set built from arbitrary statements
//! (each element drawn from a small vocabulary of realistic values, or an arbitrary string) and
//! an arbitrary request, decided by `iamlog::policy::decide`.
//!
//! Besides "does not panic or hang", it checks what every decision must satisfy: an explicit
//! deny names only Deny statements, an allow names only Allow statements and no blocker, and
//! deciding is deterministic.

#![no_main]

use arbitrary::Arbitrary;
use iamlog::policy::{
    decide, Caller, Context, ContextValue, Outcome, Policy, PolicyKind, PolicySet, Request,
};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

const ACCOUNTS: &[&str] = &["111111111111", "222222222222"];

const ACTIONS: &[&str] = &[
    "*",
    "s3:GetObject",
    "s3:Get*",
    "s3:*",
    "s3:ListBucket",
    "s3:ListAllMyBuckets",
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:GetCallerIdentity",
    "iam:PassRole",
    "iam:CreateUser",
    "iam:*",
    "kms:Decrypt",
    "sqs:SendMessage",
    "ec2:RunInstances",
    "s3:?etObject",
    "organizations:LeaveOrganization",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::bucket/key",
    "arn:aws:s3:::bucket/${aws:username}/*",
    "arn:aws:s3:::${aws:PrincipalTag/team}-*",
    "arn:aws:s3:::*",
    "arn:aws:iam::111111111111:role/r",
    "arn:aws:iam::111111111111:role/app-*",
    "arn:aws:iam::222222222222:role/path/r",
    "arn:aws:iam::*:user/*",
    "arn:aws:kms:eu-west-1:111111111111:key/1234",
    "arn:aws:kms:*:111111111111:key/*",
    "arn:aws:sqs:eu-west-1:222222222222:queue",
    "arn:aws:ec2:*:*:instance/*",
    "role/app-*",
    "arn:aws:s3:::b?cket/${*}x",
];

const PRINCIPALS: &[&str] = &[
    "111111111111",
    "222222222222",
    "arn:aws:iam::111111111111:root",
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:iam::222222222222:user/path/bob",
    "arn:aws:iam::111111111111:role/r",
    "arn:aws:iam::222222222222:role/path/r",
    "arn:aws:sts::111111111111:assumed-role/r/s",
    "arn:aws:sts::222222222222:federated-user/f",
    "arn:aws:iam::111111111111:group/g",
    "arn:aws:iam::*:root",
    "AIDAEXAMPLE",
    "*",
];

const SERVICES: &[&str] = &["ec2.amazonaws.com", "lambda.amazonaws.com", "*"];

const FEDERATED: &[&str] = &[
    "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
    "cognito-identity.amazonaws.com",
];

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "DateGreaterThan",
    "DateLessThan",
    "Bool",
    "BoolIfExists",
    "IpAddress",
    "NotIpAddress",
    "ArnLike",
    "ArnNotEquals",
    "Null",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringLike",
    "ForAnyValue:StringNotEquals",
    "StringEqualsIfExists",
    "BinaryEquals",
];

const KEYS: &[&str] = &[
    "aws:username",
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalTag/team",
    "aws:SourceIp",
    "aws:MultiFactorAuthPresent",
    "aws:CurrentTime",
    "aws:TagKeys",
    "aws:RequestedRegion",
    "aws:ResourceAccount",
    "s3:prefix",
    "s3:max-keys",
    "iam:PassedToService",
    "sts:ExternalId",
    "token.actions.githubusercontent.com:sub",
];

const VALUES: &[&str] = &[
    "alice",
    "true",
    "false",
    "10.0.0.0/8",
    "10.1.2.3",
    "2001:db8::/32",
    "2024-01-01T00:00:00Z",
    "1700000000",
    "5",
    "blue",
    "team",
    "o-exmpl12345",
    "eu-west-1",
    "home/${aws:username}/*",
    "arn:aws:iam::111111111111:role/*",
    "repo:org/*",
    "${aws:PrincipalTag/team}",
    "*",
    "",
];

/// A vocabulary word, or text of the fuzzer's own.
#[derive(Arbitrary, Debug)]
enum Word {
    Known(u8),
    Free(String),
}

impl Word {
    fn pick(&self, vocabulary: &[&str]) -> String {
        match self {
            Word::Known(i) => vocabulary[*i as usize % vocabulary.len()].to_string(),
            Word::Free(s) => s.clone(),
        }
    }
}

/// A JSON value of a condition: strings, numbers and booleans, as AWS accepts them.
#[derive(Arbitrary, Debug)]
enum ConditionValue {
    Text(Word),
    Number(i64),
    Bool(bool),
}

#[derive(Arbitrary, Debug)]
enum PrincipalForm {
    Star,
    Aws(Vec<Word>),
    Service(Vec<Word>),
    Federated(Word),
    CanonicalUser(Word),
}

#[derive(Arbitrary, Debug)]
struct FuzzStatement {
    sid: Option<Word>,
    deny: bool,
    principal: Option<(bool, PrincipalForm)>,
    not_action: bool,
    actions: Vec<Word>,
    resource: Option<(bool, Vec<Word>)>,
    conditions: Vec<(Word, Vec<(Word, Vec<ConditionValue>)>)>,
}

#[derive(Arbitrary, Debug)]
struct FuzzPolicy {
    version_2012: bool,
    /// One statement as an object instead of an array.
    single: bool,
    statements: Vec<FuzzStatement>,
}

#[derive(Arbitrary, Debug)]
enum FuzzCaller {
    Anonymous,
    Parsed(Word),
}

#[derive(Arbitrary, Debug)]
struct FuzzRequest {
    caller: FuzzCaller,
    action: Word,
    resource: Word,
    resource_account: Option<Word>,
    context: Vec<(Word, Vec<Word>, bool)>,
    wildcard_only: bool,
}

#[derive(Arbitrary, Debug)]
struct Input {
    request: FuzzRequest,
    identity: Vec<FuzzPolicy>,
    boundaries: Vec<FuzzPolicy>,
    session: Option<FuzzPolicy>,
    resource: Option<FuzzPolicy>,
    scps: Vec<Vec<FuzzPolicy>>,
    rcps: Vec<Vec<FuzzPolicy>>,
    endpoints: Option<Vec<FuzzPolicy>>,
}

fn list(words: &[Word], vocabulary: &[&str]) -> Value {
    match words {
        [one] => Value::String(one.pick(vocabulary)),
        _ => words
            .iter()
            .map(|w| Value::String(w.pick(vocabulary)))
            .collect(),
    }
}

fn statement_json(s: &FuzzStatement) -> Value {
    let mut m = Map::new();
    if let Some(sid) = &s.sid {
        m.insert("Sid".into(), json!(sid.pick(&["S1", "S2", "a b"])));
    }
    m.insert(
        "Effect".into(),
        json!(if s.deny { "Deny" } else { "Allow" }),
    );
    if let Some((negated, form)) = &s.principal {
        let value = match form {
            PrincipalForm::Star => json!("*"),
            PrincipalForm::Aws(w) => json!({ "AWS": list(w, PRINCIPALS) }),
            PrincipalForm::Service(w) => json!({ "Service": list(w, SERVICES) }),
            PrincipalForm::Federated(w) => json!({ "Federated": w.pick(FEDERATED) }),
            PrincipalForm::CanonicalUser(w) => {
                json!({ "CanonicalUser": w.pick(&["79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"]) })
            }
        };
        let key = if *negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        m.insert(key.into(), value);
    }
    let key = if s.not_action { "NotAction" } else { "Action" };
    m.insert(key.into(), list(&s.actions, ACTIONS));
    if let Some((negated, words)) = &s.resource {
        let key = if *negated { "NotResource" } else { "Resource" };
        m.insert(key.into(), list(words, RESOURCES));
    }
    if !s.conditions.is_empty() {
        let mut ops = Map::new();
        for (op, entries) in &s.conditions {
            let mut keys = Map::new();
            for (key, values) in entries {
                let values: Vec<Value> = values
                    .iter()
                    .map(|v| match v {
                        ConditionValue::Text(w) => Value::String(w.pick(VALUES)),
                        ConditionValue::Number(n) => json!(n),
                        ConditionValue::Bool(b) => json!(b),
                    })
                    .collect();
                let value = match values.len() {
                    1 => values.into_iter().next().expect("one value"),
                    _ => Value::Array(values),
                };
                keys.insert(key.pick(KEYS), value);
            }
            ops.insert(op.pick(OPERATORS), Value::Object(keys));
        }
        m.insert("Condition".into(), Value::Object(ops));
    }
    Value::Object(m)
}

/// The policy as `decide` sees it: what the reader makes of the document, if it can be
/// evaluated at all (as `simulate` evaluates documents that AWS would refuse).
fn policy(p: &FuzzPolicy, kind: PolicyKind) -> Option<Policy> {
    let statements: Vec<Value> = p.statements.iter().map(statement_json).collect();
    let statement = match (p.single, statements.len()) {
        (true, 1) => statements.into_iter().next().expect("one statement"),
        _ => Value::Array(statements),
    };
    let mut doc = Map::new();
    if p.version_2012 {
        doc.insert("Version".into(), json!("2012-10-17"));
    }
    doc.insert("Statement".into(), statement);
    Policy::from_json(&Value::Object(doc), kind)
        .into_evaluable()
        .ok()
        .map(|(policy, _)| policy)
}

fn policies(ps: &[FuzzPolicy], kind: PolicyKind) -> Vec<Policy> {
    ps.iter().filter_map(|p| policy(p, kind)).collect()
}

/// The policy set holds documents behind `Arc`s (shared between principals).
fn shared(ps: Vec<Policy>) -> Vec<std::sync::Arc<Policy>> {
    ps.into_iter().map(std::sync::Arc::new).collect()
}

fn request(r: &FuzzRequest) -> Request {
    let caller = match &r.caller {
        FuzzCaller::Anonymous => Caller::Anonymous,
        FuzzCaller::Parsed(w) => {
            let mut callers = PRINCIPALS.to_vec();
            callers.extend_from_slice(SERVICES);
            Caller::parse(&w.pick(&callers)).unwrap_or(Caller::Anonymous)
        }
    };
    let mut context = Context::new();
    for (key, values, multi) in &r.context {
        let values: Vec<String> = values.iter().map(|v| v.pick(VALUES)).collect();
        let value = match (multi, values.as_slice()) {
            (false, [one]) => ContextValue::Single(one.clone()),
            _ => ContextValue::Multi(values),
        };
        context.insert(&key.pick(KEYS), value);
    }
    Request {
        caller,
        action: r.action.pick(ACTIONS),
        resource: r.resource.pick(RESOURCES),
        resource_account: r.resource_account.as_ref().map(|w| w.pick(ACCOUNTS)),
        context,
        wildcard_only: r.wildcard_only,
    }
}

fuzz_target!(|input: Input| {
    let request = request(&input.request);
    let trust = request
        .action
        .to_ascii_lowercase()
        .starts_with("sts:assumerole");
    let set = PolicySet {
        identity: shared(policies(&input.identity, PolicyKind::Identity)),
        boundaries: shared(policies(&input.boundaries, PolicyKind::Boundary)),
        session: input
            .session
            .as_ref()
            .and_then(|p| policy(p, PolicyKind::Session)),
        resource: input.resource.as_ref().and_then(|p| {
            policy(
                p,
                if trust {
                    PolicyKind::Trust
                } else {
                    PolicyKind::Resource
                },
            )
            .map(std::sync::Arc::new)
        }),
        scps: input
            .scps
            .iter()
            .map(|level| shared(policies(level, PolicyKind::Scp)))
            .collect(),
        rcps: input
            .rcps
            .iter()
            .map(|level| shared(policies(level, PolicyKind::Rcp)))
            .collect(),
        endpoints: input
            .endpoints
            .as_ref()
            .map(|ps| policies(ps, PolicyKind::Endpoint)),
    };
    let decision = decide(&request, &set);
    match decision.outcome {
        Outcome::ExplicitDeny => {
            assert!(decision.statements.iter().all(|s| s.effect == "Deny"));
            assert!(!decision.statements.is_empty());
        }
        Outcome::Allow => {
            assert!(decision.statements.iter().all(|s| s.effect == "Allow"));
            assert!(decision.blocked_by.is_none());
        }
        Outcome::ImplicitDeny => {}
    }
    assert_eq!(decide(&request, &set), decision);
});

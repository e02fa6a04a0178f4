//! The edge cases of spec §11 (`shared/spec/iam-semantics.md`), one test per row.
//!
//! Conventions (as in the spec): accounts A = 111111111111 and B = 222222222222; `alice` is a
//! user in A, `R` a role in A and `R/s` its session, `bob` a user in B; "alw" is an identity
//! Allow of `*` on `*`; S3 resources belong to A unless a row says otherwise.
//!
//! The engine does not fill the context: [`ask`] fills what AWS puts in a request for its
//! caller (spec §3 "Context iamlog supplies", §4 table). Users sign with long-term access keys
//! (no `aws:MultiFactorAuthPresent`, no `aws:TokenIssueTime`); sessions are temporary
//! credentials obtained without MFA.
//!
//! Every test asserts the decision and what decided it: the applicable Deny statements of an
//! ExplicitDeny, the granting statements of an Allow, and for an ImplicitDeny what blocked it.

use iamlog::diag::Severity;
use iamlog::policy::{
    decide, Blocker, Caller, Context, ContextValue, Decision, Outcome, Policy, PolicyKind,
    PolicySet, Request, Source,
};
use iamlog::simulate::rcp_full_aws_access;

const A: &str = "111111111111";
const B: &str = "222222222222";
const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const BOB: &str = "arn:aws:iam::222222222222:user/bob";
const ROLE_R: &str = "arn:aws:iam::111111111111:role/R";
const R_S: &str = "arn:aws:sts::111111111111:assumed-role/R/s";
const OBJECT: &str = "arn:aws:s3:::bkt/x";
const KEY: &str = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const GITHUB: &str = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";

// ---------------------------------------------------------------------------------------------
// Policies

/// A Version 2012-10-17 document holding `statements` (comma-separated JSON objects).
fn doc(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

/// "alw": Allow `*` on `*`.
fn alw() -> String {
    doc(r#"{"Sid":"AllowAll","Effect":"Allow","Action":"*","Resource":"*"}"#)
}

/// AWS's default SCP.
fn full_aws_access() -> String {
    doc(r#"{"Sid":"FullAWSAccess","Effect":"Allow","Action":"*","Resource":"*"}"#)
}

/// An identity policy allowing `action` on `resource`, with Sid `sid`.
fn allow(sid: &str, action: &str, resource: &str) -> String {
    doc(&format!(
        r#"{{"Sid":"{sid}","Effect":"Allow","Action":"{action}","Resource":"{resource}"}}"#
    ))
}

fn parse(kind: PolicyKind, json: &str) -> Policy {
    Policy::from_text(json, kind)
        .into_result()
        .unwrap_or_else(|d| panic!("invalid {kind} policy: {d}\n{json}"))
}

/// The policies of one scenario.
#[derive(Default)]
struct Policies(PolicySet);

fn policies() -> Policies {
    Policies::default()
}

impl Policies {
    fn identity(mut self, json: &str) -> Self {
        self.0
            .identity
            .push(parse(PolicyKind::Identity, json).into());
        self
    }

    fn boundary(mut self, json: &str) -> Self {
        self.0
            .boundaries
            .push(parse(PolicyKind::Boundary, json).into());
        self
    }

    fn session(mut self, json: &str) -> Self {
        self.0.session = Some(parse(PolicyKind::Session, json));
        self
    }

    /// A bucket, key or other resource policy.
    fn resource(mut self, json: &str) -> Self {
        self.0.resource = Some(parse(PolicyKind::Resource, json).into());
        self
    }

    /// The trust policy of the role in the request.
    fn trust(mut self, json: &str) -> Self {
        self.0.resource = Some(parse(PolicyKind::Trust, json).into());
        self
    }

    /// The caller's SCP chain, root first.
    fn scps(mut self, levels: &[&[&str]]) -> Self {
        self.0.scps = levels
            .iter()
            .map(|level| {
                level
                    .iter()
                    .map(|j| parse(PolicyKind::Scp, j).into())
                    .collect()
            })
            .collect();
        self
    }

    /// The resource owner's RCP chain, root first; `RCPFullAWSAccess` is attached to each level.
    fn rcps(mut self, levels: &[&[&str]]) -> Self {
        self.0.rcps = levels
            .iter()
            .map(|level| {
                let mut policies = vec![std::sync::Arc::new(rcp_full_aws_access())];
                policies.extend(level.iter().map(|j| parse(PolicyKind::Rcp, j).into()));
                policies
            })
            .collect();
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Requests

/// A request under construction.
struct Ask {
    caller: Caller,
    action: String,
    resource: String,
    owner: Option<String>,
    context: Vec<(String, ContextValue)>,
}

/// `caller` (an ARN, account ID or service principal) calls `action` on `resource`.
fn ask(caller: &str, action: &str, resource: &str) -> Ask {
    let caller = Caller::parse(caller).unwrap_or_else(|e| panic!("{e}"));
    ask_as(caller, action, resource)
}

/// An unsigned request.
fn ask_anonymous(action: &str, resource: &str) -> Ask {
    ask_as(Caller::Anonymous, action, resource)
}

fn ask_as(caller: Caller, action: &str, resource: &str) -> Ask {
    let owner = resource.starts_with("arn:aws:s3:::").then(|| A.to_string());
    Ask {
        caller,
        action: action.to_string(),
        resource: resource.to_string(),
        owner,
        context: Vec::new(),
    }
}

impl Ask {
    /// The account that owns the resource (S3 ARNs have none; default A).
    fn owner(mut self, account: &str) -> Self {
        self.owner = Some(account.to_string());
        self
    }

    /// Sets a single-valued context key.
    fn ctx(mut self, key: &str, value: &str) -> Self {
        self.context
            .push((key.to_string(), ContextValue::Single(value.to_string())));
        self
    }

    /// Sets a multivalued context key.
    fn multi(mut self, key: &str, values: &[&str]) -> Self {
        let values = values.iter().map(|v| v.to_string()).collect();
        self.context
            .push((key.to_string(), ContextValue::Multi(values)));
        self
    }

    /// A principal tag (`aws:PrincipalTag/key`).
    fn tag(self, key: &str, value: &str) -> Self {
        self.ctx(&format!("aws:PrincipalTag/{key}"), value)
    }

    fn request(&self) -> Request {
        let mut context = principal_context(&self.caller);
        if let Some(owner) = &self.owner {
            context.insert("aws:ResourceAccount", single(owner));
        }
        for (key, value) in &self.context {
            context.insert(key, value.clone());
        }
        Request {
            caller: self.caller.clone(),
            action: self.action.clone(),
            resource: self.resource.clone(),
            resource_account: self.owner.clone(),
            context,
            wildcard_only: self.resource == "*",
        }
    }

    fn decide(&self, policies: &Policies) -> Decision {
        decide(&self.request(), &policies.0)
    }
}

fn single(value: &str) -> ContextValue {
    ContextValue::Single(value.to_string())
}

/// The keys AWS fills for `caller` (spec §3 "Context iamlog supplies", §4 table).
fn principal_context(caller: &Caller) -> Context {
    let mut c = Context::new();
    let mut set = |key: &str, value: &str| c.insert(key, single(value));
    match caller {
        Caller::Anonymous => {
            set("aws:userid", "anonymous");
            set("aws:PrincipalType", "Anonymous");
        }
        Caller::Root { account } => {
            set("aws:PrincipalArn", &format!("arn:aws:iam::{account}:root"));
            set("aws:PrincipalAccount", account);
            set("aws:userid", account);
            set("aws:PrincipalType", "Account");
            set("aws:PrincipalIsAWSService", "false");
        }
        Caller::User { arn, account, name } => {
            set("aws:PrincipalArn", arn);
            set("aws:PrincipalAccount", account);
            set("aws:username", name);
            set("aws:userid", "AIDAEXAMPLEUSERID000");
            set("aws:PrincipalType", "User");
            set("aws:PrincipalIsAWSService", "false");
        }
        Caller::Role {
            arn,
            account,
            name,
            session,
        } => {
            set("aws:PrincipalAccount", account);
            set("aws:PrincipalIsAWSService", "false");
            match session {
                Some(session) => {
                    set(
                        "aws:PrincipalArn",
                        &format!("arn:aws:iam::{account}:role/{name}"),
                    );
                    set("aws:userid", &format!("AROAEXAMPLEROLEID000:{session}"));
                    set("aws:PrincipalType", "AssumedRole");
                    set("aws:MultiFactorAuthPresent", "false");
                    set("aws:TokenIssueTime", "2025-06-01T11:00:00Z");
                }
                None => set("aws:PrincipalArn", arn),
            }
        }
        Caller::FederatedUser { arn, account, name } => {
            set("aws:PrincipalArn", arn);
            set("aws:PrincipalAccount", account);
            set("aws:userid", &format!("{account}:{name}"));
            set("aws:PrincipalType", "FederatedUser");
            set("aws:PrincipalIsAWSService", "false");
            set("aws:MultiFactorAuthPresent", "false");
            set("aws:TokenIssueTime", "2025-06-01T11:00:00Z");
        }
        Caller::Service(_) => set("aws:PrincipalIsAWSService", "true"),
        Caller::Federated(_) => {}
    }
    c
}

// ---------------------------------------------------------------------------------------------
// Assertions

/// The statements of a decision as `"<source> <Sid>"`, sorted.
fn deciding(d: &Decision, effect: &str) -> Vec<String> {
    let mut got: Vec<String> = d
        .statements
        .iter()
        .map(|s| {
            assert_eq!(s.effect, effect, "a {} statement decided: {d:#?}", s.effect);
            format!("{} {}", s.source, s.sid.as_deref().unwrap_or("<no Sid>"))
        })
        .collect();
    got.sort();
    got
}

fn expected(by: &[(Source, &str)]) -> Vec<String> {
    let mut want: Vec<String> = by.iter().map(|(s, sid)| format!("{s} {sid}")).collect();
    want.sort();
    want
}

/// Allowed, granted by exactly the statements `by` (source, Sid).
#[track_caller]
fn assert_allowed(d: &Decision, by: &[(Source, &str)]) {
    assert_eq!(d.outcome, Outcome::Allow, "{d:#?}");
    assert_eq!(d.blocked_by, None, "{d:#?}");
    assert_eq!(deciding(d, "Allow"), expected(by), "{d:#?}");
}

/// Explicitly denied by exactly the Deny statements `by` (source, Sid).
#[track_caller]
fn assert_denied(d: &Decision, by: &[(Source, &str)]) {
    assert_eq!(d.outcome, Outcome::ExplicitDeny, "{d:#?}");
    assert_eq!(d.blocked_by, None, "{d:#?}");
    assert_eq!(deciding(d, "Deny"), expected(by), "{d:#?}");
}

/// Implicitly denied, for want of `blocker`.
#[track_caller]
fn assert_implicit(d: &Decision, blocker: Blocker) {
    assert_eq!(d.outcome, Outcome::ImplicitDeny, "{d:#?}");
    assert!(d.statements.is_empty(), "{d:#?}");
    assert_eq!(d.blocked_by, Some(blocker), "{d:#?}");
}

use Source::{Identity as ID, Resource as RP};

// ---------------------------------------------------------------------------------------------
// §11 rows 1–11: matching actions and resources

/// #1 "Allow and Deny s3:GetObject in two identity policies" → ExplicitDeny (§5).
#[test]
fn row_01_allow_and_deny_in_two_identity_policies_is_explicit_deny() {
    let p = policies()
        .identity(&allow("AllowGet", "s3:GetObject", "*"))
        .identity(&doc(
            r#"{"Sid":"DenyGet","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}"#,
        ));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_denied(&d, &[(ID, "DenyGet")]);
    assert_eq!(d.statements[0].policy, 1);
}

/// #2 "Allow `S3:getobject`; s3:GetObject" → Allow (§2).
#[test]
fn row_02_action_matching_ignores_case() {
    let p = policies().identity(&allow("AllowGet", "S3:getobject", "*"));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "AllowGet")]);
}

/// #3 "Allow `arn:aws:s3:::BKT/*`; object in `bkt`" → ImplicitDeny (§2).
#[test]
fn row_03_resource_field_is_case_sensitive() {
    let p = policies().identity(&allow("AllowGet", "s3:GetObject", "arn:aws:s3:::BKT/*"));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #4 "Allow `bkt/*`; `bkt/a/b/c`" → Allow (§2).
#[test]
fn row_04_star_crosses_slashes() {
    let p = policies().identity(&allow("AllowGet", "s3:GetObject", "arn:aws:s3:::bkt/*"));
    let d = ask(ALICE, "s3:GetObject", "arn:aws:s3:::bkt/a/b/c").decide(&p);
    assert_allowed(&d, &[(ID, "AllowGet")]);
}

/// #5 "Allow `bkt/f?.txt`; `bkt/f10.txt`" → ImplicitDeny (§2).
#[test]
fn row_05_question_mark_is_exactly_one_character() {
    let p = policies().identity(&allow(
        "AllowGet",
        "s3:GetObject",
        "arn:aws:s3:::bkt/f?.txt",
    ));
    let d = ask(ALICE, "s3:GetObject", "arn:aws:s3:::bkt/f10.txt").decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #6 "Allow `…:log-group:*`; `…:log-group:g:log-stream:s`" → Allow (§2).
#[test]
fn row_06_star_in_resource_field_crosses_colons() {
    let p = policies().identity(&allow(
        "AllowLogs",
        "logs:PutLogEvents",
        "arn:aws:logs:us-east-1:111111111111:log-group:*",
    ));
    let stream = "arn:aws:logs:us-east-1:111111111111:log-group:g:log-stream:s";
    let d = ask(ALICE, "logs:PutLogEvents", stream).decide(&p);
    assert_allowed(&d, &[(ID, "AllowLogs")]);
}

/// #7 "Allow `s3:*` on `arn:aws:s3:::*`; ListAllMyBuckets" → ImplicitDeny (§2 step 2).
#[test]
fn row_07_allow_on_bucket_star_does_not_grant_list_all_my_buckets() {
    let p = policies().identity(&allow("AllowS3", "s3:*", "arn:aws:s3:::*"));
    let d = ask(ALICE, "s3:ListAllMyBuckets", "*").decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #8 "alw + Deny `s3:*` on `arn:aws:s3:::*`; ListAllMyBuckets" → Allow (§2 step 2).
#[test]
fn row_08_deny_on_bucket_star_does_not_deny_list_all_my_buckets() {
    let p = policies().identity(&alw()).identity(&doc(
        r#"{"Sid":"DenyS3","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*"}"#,
    ));
    let d = ask(ALICE, "s3:ListAllMyBuckets", "*").decide(&p);
    assert_allowed(&d, &[(ID, "AllowAll")]);
}

/// #9 "Allow NotAction `iam:*`; iam:CreateUser / ec2:RunInstances" → ImplicitDeny / Allow (§2).
#[test]
fn row_09_allow_not_action_covers_every_other_service() {
    let p = policies().identity(&doc(
        r#"{"Sid":"AllButIam","Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#,
    ));
    let d = ask(ALICE, "iam:CreateUser", "arn:aws:iam::111111111111:user/x").decide(&p);
    assert_implicit(&d, Blocker::Identity);
    let instance = "arn:aws:ec2:us-east-1:111111111111:instance/i-0123456789abcdef0";
    let d = ask(ALICE, "ec2:RunInstances", instance).decide(&p);
    assert_allowed(&d, &[(ID, "AllButIam")]);
}

/// #10 "alw + Deny NotAction `iam:*`; s3:GetObject" → ExplicitDeny (§2).
#[test]
fn row_10_deny_not_action_denies_every_other_service() {
    let p = policies().identity(&alw()).identity(&doc(
        r#"{"Sid":"DenyAllButIam","Effect":"Deny","NotAction":"iam:*","Resource":"*"}"#,
    ));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_denied(&d, &[(ID, "DenyAllButIam")]);
}

/// #11 "alw + Deny `s3:*` NotResource `bkt`,`bkt/*`; object in `other` / in `bkt`" →
/// ExplicitDeny / Allow (§2).
#[test]
fn row_11_deny_not_resource_denies_everything_outside() {
    let p = policies()
        .identity(&alw())
        .identity(&doc(r#"{"Sid":"OnlyBkt","Effect":"Deny","Action":"s3:*",
            "NotResource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}"#));
    let d = ask(ALICE, "s3:GetObject", "arn:aws:s3:::other/x").decide(&p);
    assert_denied(&d, &[(ID, "OnlyBkt")]);
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "AllowAll")]);
}

// ---------------------------------------------------------------------------------------------
// §11 rows 12–30: conditions

/// A `Condition` on s3:GetObject: an identity policy Allow (Sid `Cond`).
fn allow_if(condition: &str) -> String {
    doc(&format!(
        r#"{{"Sid":"Cond","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}"#
    ))
}

/// alw plus a Deny of everything (Sid `DenyIf`) under `condition`.
fn alw_deny_if(condition: &str) -> Policies {
    policies().identity(&alw()).identity(&doc(&format!(
        r#"{{"Sid":"DenyIf","Effect":"Deny","Action":"*","Resource":"*","Condition":{condition}}}"#
    )))
}

/// #12 "Allow if StringEquals PrincipalTag/team x; no tag" → ImplicitDeny (§3).
#[test]
fn row_12_positive_operator_on_missing_key_is_false() {
    let p = policies().identity(&allow_if(
        r#"{"StringEquals":{"aws:PrincipalTag/team":"x"}}"#,
    ));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #13 "alw + Deny if StringNotEquals same / StringNotEqualsIfExists; no tag" →
/// ExplicitDeny / ExplicitDeny (§3).
#[test]
fn row_13_negated_operator_on_missing_key_is_true() {
    for op in ["StringNotEquals", "StringNotEqualsIfExists"] {
        let p = alw_deny_if(&format!(r#"{{"{op}":{{"aws:PrincipalTag/team":"x"}}}}"#));
        let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
        assert_denied(&d, &[(ID, "DenyIf")]);
    }
}

/// #14 "Allow if StringEqualsIfExists same; no tag" → Allow (§3).
#[test]
fn row_14_if_exists_on_missing_key_is_true() {
    let p = policies().identity(&allow_if(
        r#"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"x"}}"#,
    ));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "Cond")]);
}

/// #15 "Allow if StringEquals username [alice, bob]; bob" → Allow (§3).
#[test]
fn row_15_values_of_one_key_are_ored() {
    let p = policies().identity(&allow_if(
        r#"{"StringEquals":{"aws:username":["alice","bob"]}}"#,
    ));
    let d = ask(BOB, "s3:GetObject", "arn:aws:s3:::bob-bkt/x")
        .owner(B)
        .decide(&p);
    assert_allowed(&d, &[(ID, "Cond")]);
}

/// #16 "Allow if StringEquals {username bob, PrincipalTag/team blue}; team red" →
/// ImplicitDeny (§3).
#[test]
fn row_16_keys_of_one_operator_are_anded() {
    let p = policies().identity(&allow_if(
        r#"{"StringEquals":{"aws:username":"bob","aws:PrincipalTag/team":"blue"}}"#,
    ));
    let d = ask(BOB, "s3:GetObject", "arn:aws:s3:::bob-bkt/x")
        .owner(B)
        .tag("team", "red")
        .decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #17 "alw + Deny if StringNotEquals PrincipalAccount [A, B]; caller in A" → Allow (§3).
#[test]
fn row_17_negated_operator_is_nor_over_values() {
    let p = alw_deny_if(&format!(
        r#"{{"StringNotEquals":{{"aws:PrincipalAccount":["{A}","{B}"]}}}}"#
    ));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "AllowAll")]);
}

/// #18 "Allow if ForAllValues:StringEquals TagKeys [a] / ForAnyValue same; no tags" →
/// Allow / ImplicitDeny (§3).
#[test]
fn row_18_for_all_values_holds_and_for_any_value_fails_on_missing_key() {
    let p = policies().identity(&allow_if(
        r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#,
    ));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "Cond")]);
    let p = policies().identity(&allow_if(
        r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}"#,
    ));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #19 "TagKeys [a,b]: ForAnyValue:StringNotEquals [a] / ForAllValues:StringNotEquals [a]" →
/// Allow / ImplicitDeny (§3).
#[test]
fn row_19_negated_inner_operator_under_set_qualifiers() {
    let p = policies().identity(&allow_if(
        r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}"#,
    ));
    let d = ask(ALICE, "s3:GetObject", OBJECT)
        .multi("aws:TagKeys", &["a", "b"])
        .decide(&p);
    assert_allowed(&d, &[(ID, "Cond")]);
    let p = policies().identity(&allow_if(
        r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a"]}}"#,
    ));
    let d = ask(ALICE, "s3:GetObject", OBJECT)
        .multi("aws:TagKeys", &["a", "b"])
        .decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #20 "Allow if IpAddress `AWS:SOURCEIP` 10.0.0.0/24; 10.0.0.5" → Allow (§3).
#[test]
fn row_20_condition_key_names_ignore_case() {
    let p = policies().identity(&allow_if(r#"{"IpAddress":{"AWS:SOURCEIP":"10.0.0.0/24"}}"#));
    let d = ask(ALICE, "s3:GetObject", OBJECT)
        .ctx("aws:SourceIp", "10.0.0.5")
        .decide(&p);
    assert_allowed(&d, &[(ID, "Cond")]);
}

/// #21 "Allow if StringEquals username alice; user `Alice` / IgnoreCase variant" →
/// ImplicitDeny / Allow (§3).
#[test]
fn row_21_string_equals_is_case_sensitive_ignore_case_is_not() {
    let upper_alice = "arn:aws:iam::111111111111:user/Alice";
    let p = policies().identity(&allow_if(r#"{"StringEquals":{"aws:username":"alice"}}"#));
    let d = ask(upper_alice, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Identity);
    let p = policies().identity(&allow_if(
        r#"{"StringEqualsIgnoreCase":{"aws:username":"alice"}}"#,
    ));
    let d = ask(upper_alice, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "Cond")]);
}

/// #22 "Allow if StringEquals username `"*"`; alice" → ImplicitDeny (§3).
#[test]
fn row_22_star_is_literal_in_string_equals() {
    let p = policies().identity(&allow_if(r#"{"StringEquals":{"aws:username":"*"}}"#));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #23 "alw + Deny if BoolIfExists MultiFactorAuthPresent false; long-term key" →
/// ExplicitDeny (§3).
#[test]
fn row_23_bool_if_exists_denies_long_term_keys() {
    let p = alw_deny_if(r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#);
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_denied(&d, &[(ID, "DenyIf")]);
}

/// #24 "alw + Deny if Bool MultiFactorAuthPresent false; long-term key / session without MFA"
/// → Allow / ExplicitDeny (§3).
#[test]
fn row_24_bool_without_if_exists_misses_long_term_keys() {
    let p = alw_deny_if(r#"{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#);
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "AllowAll")]);
    let d = ask(R_S, "s3:GetObject", OBJECT).decide(&p);
    assert_denied(&d, &[(ID, "DenyIf")]);
}

/// #25 "Allow if Null TokenIssueTime true; long-term key" → Allow (§3).
#[test]
fn row_25_null_true_holds_for_absent_key() {
    let p = policies().identity(&allow_if(r#"{"Null":{"aws:TokenIssueTime":"true"}}"#));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "Cond")]);
}

/// #26 "Allow if DateLessThan CurrentTime `1893456000`; now 2025" → Allow ⚑ (§3).
#[test]
fn row_26_integer_dates_are_epoch_seconds() {
    let p = policies().identity(&allow_if(
        r#"{"DateLessThan":{"aws:CurrentTime":"1893456000"}}"#,
    ));
    let d = ask(ALICE, "s3:GetObject", OBJECT)
        .ctx("aws:CurrentTime", "2025-06-01T12:00:00Z")
        .decide(&p);
    assert_allowed(&d, &[(ID, "Cond")]);
}

/// #27 "Allow if NumericLessThan s3:max-keys 10; value `abc`" → ImplicitDeny (§3).
#[test]
fn row_27_unparsable_number_fails_positive_operator() {
    let p = policies().identity(&doc(
        r#"{"Sid":"Cond","Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
            "Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}"#,
    ));
    let d = ask(ALICE, "s3:ListBucket", "arn:aws:s3:::bkt")
        .ctx("s3:max-keys", "abc")
        .decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #28 "alw + Deny if NotIpAddress SourceIp 10.0.0.0/8; key absent" → ExplicitDeny (§3).
#[test]
fn row_28_not_ip_address_holds_for_absent_key() {
    let p = alw_deny_if(r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#);
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_denied(&d, &[(ID, "DenyIf")]);
}

/// #29 "ArnLike / StringLike `arn:aws:x:*:111122223333:f/*` vs
/// `arn:aws:x:r:999999999999:s/a:111122223333:f/d`" → ImplicitDeny / Allow (§3).
#[test]
fn row_29_arn_like_matches_per_field_string_like_does_not() {
    let source = "arn:aws:x:r:999999999999:s/a:111122223333:f/d";
    for (op, allowed) in [("ArnLike", false), ("StringLike", true)] {
        let p = policies().identity(&allow_if(&format!(
            r#"{{"{op}":{{"aws:SourceArn":"arn:aws:x:*:111122223333:f/*"}}}}"#
        )));
        let d = ask(ALICE, "s3:GetObject", OBJECT)
            .ctx("aws:SourceArn", source)
            .decide(&p);
        if allowed {
            assert_allowed(&d, &[(ID, "Cond")]);
        } else {
            assert_implicit(&d, Blocker::Identity);
        }
    }
}

/// #30 "alw + Deny if StringNotEquals ExistingObjectTag/Team `${aws:PrincipalTag/Team}`; no
/// principal tag" → ExplicitDeny ⚑ (§3).
#[test]
fn row_30_unresolvable_variable_makes_negated_operator_hold() {
    let p = alw_deny_if(
        r#"{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}"#,
    );
    let d = ask(ALICE, "s3:GetObject", OBJECT)
        .ctx("s3:ExistingObjectTag/Team", "blue")
        .decide(&p);
    assert_denied(&d, &[(ID, "DenyIf")]);
}

// ---------------------------------------------------------------------------------------------
// §11 rows 31–34: policy variables

/// #31 "Resource `bkt/${aws:username}/*`; alice on `bkt/alice/x`, Version 2012 / 2008 or none"
/// → Allow / ImplicitDeny ⚑ (§1, §4).
#[test]
fn row_31_variables_expand_only_in_version_2012() {
    let statement = r#"{"Sid":"Home","Effect":"Allow","Action":"s3:GetObject",
        "Resource":"arn:aws:s3:::bkt/${aws:username}/*"}"#;
    let request = ask(ALICE, "s3:GetObject", "arn:aws:s3:::bkt/alice/x");
    let d = request.decide(&policies().identity(&doc(statement)));
    assert_allowed(&d, &[(ID, "Home")]);
    for version in [r#""Version":"2008-10-17","#, ""] {
        let old = format!(r#"{{{version}"Statement":[{statement}]}}"#);
        let d = request.decide(&policies().identity(&old));
        assert_implicit(&d, Blocker::Identity);
    }
}

/// #32 "Resource `bkt-${aws:PrincipalTag/team}/*`, no tag; plain / with `, 'all'` default,
/// object `bkt-all/x`" → ImplicitDeny / Allow (§4).
#[test]
fn row_32_unresolvable_variable_matches_nothing_unless_defaulted() {
    let request = ask(ALICE, "s3:GetObject", "arn:aws:s3:::bkt-all/x");
    let p = policies().identity(&allow(
        "Team",
        "s3:GetObject",
        "arn:aws:s3:::bkt-${aws:PrincipalTag/team}/*",
    ));
    assert_implicit(&request.decide(&p), Blocker::Identity);
    let p = policies().identity(&allow(
        "Team",
        "s3:GetObject",
        "arn:aws:s3:::bkt-${aws:PrincipalTag/team, 'all'}/*",
    ));
    assert_allowed(&request.decide(&p), &[(ID, "Team")]);
}

/// #33 "Resource `bkt/${*}`; object `bkt/x` / `bkt/*`" → ImplicitDeny / Allow (§4).
///
/// The API reads a request resource with `*` as "some resource it names"; the object whose key
/// is a literal `*` is one of them, and `bkt/x` (variant a) shows `${*}` is no wildcard.
#[test]
fn row_33_dollar_star_is_a_literal_star() {
    let p = policies().identity(&allow("Star", "s3:GetObject", "arn:aws:s3:::bkt/${*}"));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Identity);
    let d = ask(ALICE, "s3:GetObject", "arn:aws:s3:::bkt/*").decide(&p);
    assert_allowed(&d, &[(ID, "Star")]);
}

/// #34 "Resource `bkt/${aws:PrincipalTag/p}`, p = `*`; `bkt/abc`" → ImplicitDeny (§4).
#[test]
fn row_34_substituted_text_is_literal() {
    let p = policies().identity(&allow(
        "Tagged",
        "s3:GetObject",
        "arn:aws:s3:::bkt/${aws:PrincipalTag/p}",
    ));
    let d = ask(ALICE, "s3:GetObject", "arn:aws:s3:::bkt/abc")
        .tag("p", "*")
        .decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

// ---------------------------------------------------------------------------------------------
// §11 rows 35–46: resource policies

/// A bucket policy allowing `principal` (a JSON Principal value) s3:GetObject on `bkt/*`.
fn bucket_allows(principal: &str) -> String {
    doc(&format!(
        r#"{{"Sid":"BucketAllow","Effect":"Allow","Principal":{principal},
            "Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}"#
    ))
}

/// An identity policy (or boundary, or session policy) that allows only ec2.
fn ec2_only() -> String {
    allow("Ec2Only", "ec2:*", "*")
}

/// #35 "Bucket policy Allow alice / Allow account A; alice has no policies" →
/// Allow / ImplicitDeny (§5).
#[test]
fn row_35_bucket_policy_naming_user_grants_naming_account_delegates() {
    let p = policies().resource(&bucket_allows(&format!(r#"{{"AWS":"{ALICE}"}}"#)));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(RP, "BucketAllow")]);
    let p = policies().resource(&bucket_allows(&format!(r#"{{"AWS":"{A}"}}"#)));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #36 "Bucket policy Allow `"*"`; alice without policies / anonymous" → Allow / Allow (§5).
#[test]
fn row_36_bucket_policy_star_grants_users_and_anonymous() {
    let p = policies().resource(&bucket_allows(r#""*""#));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(RP, "BucketAllow")]);
    let d = ask_anonymous("s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(RP, "BucketAllow")]);
}

/// #37 "Bucket policy Allow alice; alice's PB allows only ec2" → Allow (§5).
#[test]
fn row_37_bucket_policy_naming_user_skips_boundary() {
    let p = policies()
        .resource(&bucket_allows(&format!(r#"{{"AWS":"{ALICE}"}}"#)))
        .boundary(&ec2_only());
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(RP, "BucketAllow")]);
}

/// #38 "Bucket policy Allow R; R/s, R without policies" → Allow (§5).
#[test]
fn row_38_bucket_policy_naming_role_grants_its_sessions() {
    let p = policies().resource(&bucket_allows(&format!(r#"{{"AWS":"{ROLE_R}"}}"#)));
    let d = ask(R_S, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(RP, "BucketAllow")]);
}

/// #39a "Same [bucket policy Allow R; R/s, R without policies]; R's PB lacks s3" → ImplicitDeny
/// (§5).
#[test]
fn row_39a_role_grant_is_limited_by_boundary() {
    let p = policies()
        .resource(&bucket_allows(&format!(r#"{{"AWS":"{ROLE_R}"}}"#)))
        .boundary(&ec2_only());
    let d = ask(R_S, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Boundary);
}

/// #39b "Same [bucket policy Allow R; R/s, R without policies]; session policy lacks s3" →
/// ImplicitDeny (§5).
#[test]
fn row_39b_role_grant_is_limited_by_session_policy() {
    let p = policies()
        .resource(&bucket_allows(&format!(r#"{{"AWS":"{ROLE_R}"}}"#)))
        .session(&ec2_only());
    let d = ask(R_S, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Session);
}

/// #40 "Bucket policy Allow R/s; R's PB lacks s3 / session policy lacks s3" →
/// Allow / Allow ⚑ (§5).
#[test]
fn row_40_session_grant_skips_boundary_and_session_policy() {
    let bucket = bucket_allows(&format!(r#"{{"AWS":"{R_S}"}}"#));
    let p = policies().resource(&bucket).boundary(&ec2_only());
    let d = ask(R_S, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(RP, "BucketAllow")]);
    let p = policies().resource(&bucket).session(&ec2_only());
    let d = ask(R_S, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(RP, "BucketAllow")]);
}

/// #41 "A's bucket Allow bob; bob without / with identity Allow" → ImplicitDeny / Allow (§5).
#[test]
fn row_41_cross_account_needs_both_sides() {
    let bucket = bucket_allows(&format!(r#"{{"AWS":"{BOB}"}}"#));
    let d = ask(BOB, "s3:GetObject", OBJECT).decide(&policies().resource(&bucket));
    assert_implicit(&d, Blocker::Identity);
    let p = policies()
        .resource(&bucket)
        .identity(&allow("BobS3", "s3:GetObject", "*"));
    let d = ask(BOB, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "BobS3"), (RP, "BucketAllow")]);
}

/// #42 "A's bucket Allow account B; bob with identity Allow" → Allow (§5).
#[test]
fn row_42_cross_account_grant_to_account() {
    let p = policies()
        .resource(&bucket_allows(&format!(r#"{{"AWS":"{B}"}}"#)))
        .identity(&allow("BobS3", "s3:GetObject", "*"));
    let d = ask(BOB, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "BobS3"), (RP, "BucketAllow")]);
}

/// #43 "A's bucket Allow bob; identity allows, bob's PB lacks s3" → ImplicitDeny (§5).
#[test]
fn row_43_cross_account_grant_is_limited_by_boundary() {
    let p = policies()
        .resource(&bucket_allows(&format!(r#"{{"AWS":"{BOB}"}}"#)))
        .identity(&allow("BobS3", "s3:GetObject", "*"))
        .boundary(&ec2_only());
    let d = ask(BOB, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Boundary);
}

/// #44 "A's bucket Allow `"*"`; bob without identity Allow" → ImplicitDeny (§5).
#[test]
fn row_44_public_bucket_still_needs_cross_account_identity() {
    let p = policies().resource(&bucket_allows(r#""*""#));
    let d = ask(BOB, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #45 "Bucket Allow alice + Deny Principal `{"AWS":"A"}`" → ExplicitDeny (§5 step 1).
#[test]
fn row_45_resource_deny_on_account_hits_its_users() {
    let p = policies().resource(&doc(&format!(
        r#"{{"Sid":"AllowAlice","Effect":"Allow","Principal":{{"AWS":"{ALICE}"}},
            "Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}},
           {{"Sid":"DenyA","Effect":"Deny","Principal":{{"AWS":"{A}"}},
            "Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}"#
    )));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_denied(&d, &[(RP, "DenyA")]);
}

/// #46 "Bucket Allow alice + Deny NotPrincipal [alice, A root]; alice without / with a PB" →
/// Allow / ExplicitDeny (§2 "Principals").
#[test]
fn row_46_not_principal_deny_always_applies_to_boundary_holders() {
    let bucket = doc(&format!(
        r#"{{"Sid":"AllowAlice","Effect":"Allow","Principal":{{"AWS":"{ALICE}"}},
            "Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}},
           {{"Sid":"DenyOthers","Effect":"Deny",
            "NotPrincipal":{{"AWS":["{ALICE}","arn:aws:iam::{A}:root"]}},
            "Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}"#
    ));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&policies().resource(&bucket));
    assert_allowed(&d, &[(RP, "AllowAlice")]);
    let p = policies()
        .resource(&bucket)
        .boundary(&allow("PbS3", "s3:*", "*"));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_denied(&d, &[(RP, "DenyOthers")]);
}

// ---------------------------------------------------------------------------------------------
// §11 rows 47–52: guardrails and root

/// An SCP or RCP denying `s3:*` (Sid `DenyS3`).
fn deny_s3_scp() -> String {
    doc(r#"{"Sid":"DenyS3","Effect":"Deny","Action":"s3:*","Resource":"*"}"#)
}

fn deny_s3_rcp() -> String {
    doc(r#"{"Sid":"DenyS3","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}"#)
}

/// #47 "SCP root FullAWSAccess, OU allows only ec2:*; alice alw" → ImplicitDeny (§5).
#[test]
fn row_47_scp_level_without_allow_blocks() {
    let ou = allow("Ec2Only", "ec2:*", "*");
    let full = full_aws_access();
    let p = policies()
        .identity(&alw())
        .scps(&[&[&full], &[&ou], &[&full]]);
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Scp(1));
}

/// #48 "Member SCP Deny s3:*; member root / management-account user with alw / service-linked
/// role whose policy allows s3" → ExplicitDeny / Allow / Allow (§5).
#[test]
fn row_48_scps_bind_member_root_but_not_management_or_service_linked_roles() {
    let (full, deny) = (full_aws_access(), deny_s3_scp());
    let member = policies().scps(&[&[&full], &[&full, &deny]]);
    let d = ask(A, "s3:GetObject", OBJECT).decide(&member);
    assert_denied(&d, &[(Source::Scp(1), "DenyS3")]);

    // The management account's principals: no SCP applies, so none is passed.
    let management_user = "arn:aws:iam::222222222222:user/admin";
    let p = policies().identity(&alw());
    let d = ask(management_user, "s3:GetObject", "arn:aws:s3:::mgmt-bkt/x")
        .owner(B)
        .decide(&p);
    assert_allowed(&d, &[(ID, "AllowAll")]);

    let slr = "arn:aws:iam::111111111111:role/aws-service-role/x.amazonaws.com/R";
    let p = policies()
        .identity(&allow("SlrS3", "s3:*", "*"))
        .scps(&[&[&full], &[&full, &deny]]);
    let d = ask(slr, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "SlrS3")]);
}

/// #49 "A's SCP Deny s3:*; bob reads A's bucket (bucket policy + identity)" → Allow (§5).
///
/// `PolicySet::scps` is the caller's (B's) chain: A's SCP is not an input of bob's request,
/// which is the rule; B's chain is FullAWSAccess only.
#[test]
fn row_49_resource_owners_scps_do_not_apply() {
    let full = full_aws_access();
    let p = policies()
        .resource(&bucket_allows(&format!(r#"{{"AWS":"{BOB}"}}"#)))
        .identity(&allow("BobS3", "s3:GetObject", "*"))
        .scps(&[&[&full], &[&full]]);
    let d = ask(BOB, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(ID, "BobS3"), (RP, "BucketAllow")]);
}

/// #50 "A's RCP Deny s3:* (Principal `*`); bob as in 49 / alice alw" →
/// ExplicitDeny / ExplicitDeny (§5).
#[test]
fn row_50_resource_owners_rcps_apply_to_everyone() {
    let deny = deny_s3_rcp();
    let p = policies()
        .resource(&bucket_allows(&format!(r#"{{"AWS":"{BOB}"}}"#)))
        .identity(&allow("BobS3", "s3:GetObject", "*"))
        .rcps(&[&[], &[&deny]]);
    let d = ask(BOB, "s3:GetObject", OBJECT).decide(&p);
    assert_denied(&d, &[(Source::Rcp(1), "DenyS3")]);
    let p = policies().identity(&alw()).rcps(&[&[], &[&deny]]);
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_denied(&d, &[(Source::Rcp(1), "DenyS3")]);
}

/// #51 "Root of A, no org, no policies; s3:GetObject in A" → Allow ⚑ (§5 "Special principals").
#[test]
fn row_51_root_is_allowed_in_its_account() {
    let d = ask(A, "s3:GetObject", OBJECT).decide(&policies());
    assert_allowed(&d, &[]);
}

/// #52 "Root of A: sts:AssumeRole on R trusting A" → ImplicitDeny (§5, §6).
#[test]
fn row_52_root_cannot_assume_roles() {
    let p = policies().trust(&doc(&format!(
        r#"{{"Sid":"TrustA","Effect":"Allow","Principal":{{"AWS":"{A}"}},"Action":"sts:AssumeRole"}}"#
    )));
    let d = ask(A, "sts:AssumeRole", ROLE_R).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

// ---------------------------------------------------------------------------------------------
// §11 rows 53–66: strict resources (KMS keys, trust policies)

/// #53 "KMS key policy: only user admin; alice identity Allow kms:Decrypt" → ImplicitDeny (§5).
#[test]
fn row_53_key_policy_must_admit_the_caller() {
    let p = policies()
        .resource(&doc(r#"{"Sid":"Admin","Effect":"Allow",
                "Principal":{"AWS":"arn:aws:iam::111111111111:user/admin"},
                "Action":"kms:*","Resource":"*"}"#))
        .identity(&allow("Decrypt", "kms:Decrypt", "*"));
    let d = ask(ALICE, "kms:Decrypt", KEY).decide(&p);
    assert_implicit(&d, Blocker::Resource);
}

/// The default key policy statement that delegates the key to A's IAM policies.
fn key_policy_enabling_iam() -> String {
    doc(&format!(
        r#"{{"Sid":"EnableIAM","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{A}:root"}},
            "Action":"kms:*","Resource":"*"}}"#
    ))
}

/// #54a "KMS key policy with account statement; alice with identity Allow" → Allow (§5).
#[test]
fn row_54a_key_policy_account_statement_delegates_to_identity_allow() {
    let p = policies()
        .resource(&key_policy_enabling_iam())
        .identity(&allow("Decrypt", "kms:Decrypt", "*"));
    let d = ask(ALICE, "kms:Decrypt", KEY).decide(&p);
    assert_allowed(&d, &[(ID, "Decrypt"), (RP, "EnableIAM")]);
}

/// #54b "KMS key policy with account statement; alice without identity Allow" → ImplicitDeny
/// (§5).
#[test]
fn row_54b_key_policy_account_statement_alone_grants_nothing() {
    let p = policies().resource(&key_policy_enabling_iam());
    let d = ask(ALICE, "kms:Decrypt", KEY).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// A trust policy allowing `principal` (a JSON Principal value) `sts:AssumeRole` (Sid `Trust`).
fn trust_allows(principal: &str) -> String {
    doc(&format!(
        r#"{{"Sid":"Trust","Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}"#
    ))
}

/// #55a "Trust names alice; alice no policies" → Allow (§5, §6).
#[test]
fn row_55a_trust_naming_user_grants_without_identity_policy() {
    let p = policies().trust(&trust_allows(&format!(r#"{{"AWS":"{ALICE}"}}"#)));
    let d = ask(ALICE, "sts:AssumeRole", ROLE_R).decide(&p);
    assert_allowed(&d, &[(RP, "Trust")]);
}

/// #55b "Trust names alice; alice's PB lacks sts:AssumeRole" → ImplicitDeny ⚑ (§5, §6).
#[test]
fn row_55b_trust_naming_user_is_limited_by_boundary() {
    let p = policies()
        .trust(&trust_allows(&format!(r#"{{"AWS":"{ALICE}"}}"#)))
        .boundary(&ec2_only());
    let d = ask(ALICE, "sts:AssumeRole", ROLE_R).decide(&p);
    assert_implicit(&d, Blocker::Boundary);
}

/// #56a "Trust names A; alice without identity Allow on R" → ImplicitDeny (§6).
#[test]
fn row_56a_trust_naming_account_alone_grants_nothing() {
    let p = policies().trust(&trust_allows(&format!(r#"{{"AWS":"{A}"}}"#)));
    let d = ask(ALICE, "sts:AssumeRole", ROLE_R).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #56b "Trust names A; alice with identity Allow on R" → Allow (§6).
#[test]
fn row_56b_trust_naming_account_delegates_to_identity_allow() {
    let p = policies()
        .trust(&trust_allows(&format!(r#"{{"AWS":"{A}"}}"#)))
        .identity(&allow("AssumeR", "sts:AssumeRole", ROLE_R));
    let d = ask(ALICE, "sts:AssumeRole", ROLE_R).decide(&p);
    assert_allowed(&d, &[(ID, "AssumeR"), (RP, "Trust")]);
}

/// #57 "Trust names bob; bob without identity Allow" → ImplicitDeny (§6).
#[test]
fn row_57_cross_account_trust_needs_callers_identity_allow() {
    let p = policies().trust(&trust_allows(&format!(r#"{{"AWS":"{BOB}"}}"#)));
    let d = ask(BOB, "sts:AssumeRole", ROLE_R).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #58 "Trust names `arn:aws:iam::B:role/Ops`; Ops/x with identity Allow" → Allow (§6).
#[test]
fn row_58_cross_account_trust_naming_role_admits_its_sessions() {
    let p = policies()
        .trust(&trust_allows(
            r#"{"AWS":"arn:aws:iam::222222222222:role/Ops"}"#,
        ))
        .identity(&allow("AssumeR", "sts:AssumeRole", ROLE_R));
    let d = ask(
        "arn:aws:sts::222222222222:assumed-role/Ops/x",
        "sts:AssumeRole",
        ROLE_R,
    )
    .decide(&p);
    assert_allowed(&d, &[(ID, "AssumeR"), (RP, "Trust")]);
}

/// #59 "Trust names `role/team/R1`; `assumed-role/R1/x`, same account" → Allow (§2).
#[test]
fn row_59_role_path_is_not_in_session_arns() {
    let p = policies().trust(&trust_allows(
        r#"{"AWS":"arn:aws:iam::111111111111:role/team/R1"}"#,
    ));
    let target = "arn:aws:iam::111111111111:role/Target";
    let d = ask(
        "arn:aws:sts::111111111111:assumed-role/R1/x",
        "sts:AssumeRole",
        target,
    )
    .ctx("aws:PrincipalArn", "arn:aws:iam::111111111111:role/team/R1")
    .decide(&p);
    assert_allowed(&d, &[(RP, "Trust")]);
}

/// #60 "R/s assumes R; trust names only alice" → ImplicitDeny (§6: no implicit self-trust).
#[test]
fn row_60_no_implicit_self_trust() {
    let p = policies()
        .trust(&trust_allows(&format!(r#"{{"AWS":"{ALICE}"}}"#)))
        .identity(&alw());
    let d = ask(R_S, "sts:AssumeRole", ROLE_R).decide(&p);
    assert_implicit(&d, Blocker::Resource);
}

/// #61 "Trust Service ec2; caller ec2.amazonaws.com / lambda.amazonaws.com" →
/// Allow / ImplicitDeny (§5).
#[test]
fn row_61_service_principal_trust() {
    let p = policies().trust(&trust_allows(r#"{"Service":"ec2.amazonaws.com"}"#));
    let d = ask("ec2.amazonaws.com", "sts:AssumeRole", ROLE_R).decide(&p);
    assert_allowed(&d, &[(RP, "Trust")]);
    let d = ask("lambda.amazonaws.com", "sts:AssumeRole", ROLE_R).decide(&p);
    assert_implicit(&d, Blocker::Resource);
}

/// #62 "Trust allows B if StringEquals sts:ExternalId abc; bob (identity Allow) passes `x` /
/// nothing" → ImplicitDeny / ImplicitDeny (§6).
#[test]
fn row_62_external_id_must_match_and_be_present() {
    let p = policies()
        .trust(&doc(&format!(
            r#"{{"Sid":"Trust","Effect":"Allow","Principal":{{"AWS":"{B}"}},
                "Action":"sts:AssumeRole",
                "Condition":{{"StringEquals":{{"sts:ExternalId":"abc"}}}}}}"#
        )))
        .identity(&allow("AssumeR", "sts:AssumeRole", ROLE_R));
    let d = ask(BOB, "sts:AssumeRole", ROLE_R)
        .ctx("sts:ExternalId", "x")
        .decide(&p);
    assert_implicit(&d, Blocker::Resource);
    let d = ask(BOB, "sts:AssumeRole", ROLE_R).decide(&p);
    assert_implicit(&d, Blocker::Resource);
}

/// #63 "Trust allows only AssumeRoleWithWebIdentity; alice sts:AssumeRole" → ImplicitDeny (§6).
#[test]
fn row_63_each_assume_call_needs_its_own_action() {
    let github = doc(&format!(
        r#"{{"Sid":"GitHub","Effect":"Allow","Principal":{{"Federated":"{GITHUB}"}},
            "Action":"sts:AssumeRoleWithWebIdentity"}}"#
    ));
    let naming_alice = doc(&format!(
        r#"{{"Sid":"Alice","Effect":"Allow","Principal":{{"AWS":"{ALICE}"}},
            "Action":"sts:AssumeRoleWithWebIdentity"}}"#
    ));
    for trust in [github, naming_alice] {
        let p = policies().trust(&trust).identity(&alw());
        let d = ask(ALICE, "sts:AssumeRole", ROLE_R).decide(&p);
        assert_implicit(&d, Blocker::Resource);
    }
}

/// #64 "GitHub trust StringLike sub `repo:org/app:*`; token `repo:org/other:ref:refs/heads/main`"
/// → ImplicitDeny (§6).
#[test]
fn row_64_github_subject_must_match() {
    let p = policies().trust(&doc(&format!(
        r#"{{"Sid":"GitHub","Effect":"Allow","Principal":{{"Federated":"{GITHUB}"}},
            "Action":"sts:AssumeRoleWithWebIdentity",
            "Condition":{{
              "StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}},
              "StringLike":{{"token.actions.githubusercontent.com:sub":"repo:org/app:*"}}}}}}"#
    )));
    let token = |sub: &str| {
        ask(GITHUB, "sts:AssumeRoleWithWebIdentity", ROLE_R)
            .ctx(
                "token.actions.githubusercontent.com:aud",
                "sts.amazonaws.com",
            )
            .ctx("token.actions.githubusercontent.com:sub", sub)
    };
    let d = token("repo:org/other:ref:refs/heads/main").decide(&p);
    assert_implicit(&d, Blocker::Resource);
    // Control: the repository the trust names is admitted.
    let d = token("repo:org/app:ref:refs/heads/main").decide(&p);
    assert_allowed(&d, &[(RP, "GitHub")]);
}

/// #65 "Trust allows alice AssumeRole, not TagSession; alice's sts:TagSession check" →
/// ImplicitDeny (§6).
#[test]
fn row_65_session_tags_need_tag_session_in_trust() {
    let p = policies()
        .trust(&trust_allows(&format!(r#"{{"AWS":"{ALICE}"}}"#)))
        .identity(&alw());
    let d = ask(ALICE, "sts:TagSession", ROLE_R).decide(&p);
    assert_implicit(&d, Blocker::Resource);
}

/// #66 "Trust `{"AWS":"*"}`; alice / bob, neither with identity Allow" →
/// Allow / ImplicitDeny (§6).
#[test]
fn row_66_public_trust_grants_same_account_only_without_identity() {
    let p = policies().trust(&trust_allows(r#"{"AWS":"*"}"#));
    let d = ask(ALICE, "sts:AssumeRole", ROLE_R).decide(&p);
    assert_allowed(&d, &[(RP, "Trust")]);
    let d = ask(BOB, "sts:AssumeRole", ROLE_R).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

// ---------------------------------------------------------------------------------------------
// §11 rows 67–76: principals, special actions, immutable objects, lint

/// #67 "Principal `user/Alice`; request by `alice`" → ImplicitDeny (§2).
#[test]
fn row_67_principal_arns_compare_case_sensitively() {
    let p = policies().resource(&bucket_allows(
        r#"{"AWS":"arn:aws:iam::111111111111:user/Alice"}"#,
    ));
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #68 "Anonymous; bucket Allow account A" → ImplicitDeny (§2).
#[test]
fn row_68_account_principal_does_not_match_anonymous() {
    let p = policies().resource(&bucket_allows(&format!(r#"{{"AWS":"{A}"}}"#)));
    let d = ask_anonymous("s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Resource);
}

/// #69 "Bucket Allow `"*"` if ArnEquals PrincipalArn `role/R`; R/s" → Allow (§3).
#[test]
fn row_69_principal_arn_of_a_session_is_its_role() {
    let p = policies().resource(&doc(&format!(
        r#"{{"Sid":"RoleOnly","Effect":"Allow","Principal":"*","Action":"s3:GetObject",
            "Resource":"arn:aws:s3:::bkt/*",
            "Condition":{{"ArnEquals":{{"aws:PrincipalArn":"{ROLE_R}"}}}}}}"#
    )));
    let d = ask(R_S, "s3:GetObject", OBJECT).decide(&p);
    assert_allowed(&d, &[(RP, "RoleOnly")]);
}

/// #70 "GetFederationToken session, no session policy; user alw" → ImplicitDeny ⚑ (§5).
#[test]
fn row_70_federation_token_without_session_policy_has_no_permissions() {
    let federated = "arn:aws:sts::111111111111:federated-user/alice-fed";
    let d = ask(federated, "s3:GetObject", OBJECT).decide(&policies().identity(&alw()));
    assert_implicit(&d, Blocker::Session);
}

/// #71 "Identity Deny `*`; sts:GetCallerIdentity" → Allow (§5 step 0).
#[test]
fn row_71_get_caller_identity_needs_no_permission() {
    let p = policies().identity(&doc(
        r#"{"Sid":"DenyAll","Effect":"Deny","Action":"*","Resource":"*"}"#,
    ));
    let d = ask(ALICE, "sts:GetCallerIdentity", "*").decide(&p);
    assert_allowed(&d, &[]);
}

/// #72 "alice alw; iam:PassRole on a role in B" → ImplicitDeny (§7).
#[test]
fn row_72_pass_role_across_accounts_is_denied() {
    let d = ask(ALICE, "iam:PassRole", "arn:aws:iam::222222222222:role/X")
        .ctx("iam:PassedToService", "ec2.amazonaws.com")
        .decide(&policies().identity(&alw()));
    assert_implicit(&d, Blocker::Resource);
}

/// #73 "Allow `iam:*` on `arn:aws:iam::A:user/*`; iam:GetRole on R" → ImplicitDeny (§2).
#[test]
fn row_73_user_resource_pattern_does_not_cover_roles() {
    let p = policies().identity(&allow(
        "IamUsers",
        "iam:*",
        "arn:aws:iam::111111111111:user/*",
    ));
    let d = ask(ALICE, "iam:GetRole", ROLE_R).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

/// #74 "Session policy allows s3, role's policies do not / PB allows `*`, no identity policy"
/// → ImplicitDeny / ImplicitDeny (§5: limits never grant).
#[test]
fn row_74_session_policies_and_boundaries_do_not_grant() {
    let p = policies()
        .identity(&ec2_only())
        .session(&allow("SessionS3", "s3:*", "*"));
    let d = ask(R_S, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Identity);
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&policies().boundary(&alw()));
    assert_implicit(&d, Blocker::Identity);
}

/// #75 "AdministratorAccess; iam:CreatePolicyVersion on
/// `arn:aws:iam::aws:policy/ReadOnlyAccess`" → ImplicitDeny (§5 "Immutable objects").
#[test]
fn row_75_aws_managed_policies_are_immutable() {
    let administrator_access = doc(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    let p = policies().identity(&administrator_access);
    let d = ask(
        ALICE,
        "iam:CreatePolicyVersion",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    )
    .decide(&p);
    assert_implicit(&d, Blocker::Immutable);
}

/// #76 "Principal `arn:aws:iam::A:group/G` in a bucket policy" → lint error; matches nothing
/// (§1.3).
#[test]
fn row_76_group_principal_is_a_lint_error_and_matches_nothing() {
    let json = bucket_allows(r#"{"AWS":"arn:aws:iam::111111111111:group/G"}"#);
    let parsed = Policy::from_text(&json, PolicyKind::Resource);
    assert!(
        parsed
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error
                && d.code == "bad-principal"
                && d.pointer == "/Statement/0/Principal/AWS"),
        "{:#?}",
        parsed.diagnostics
    );
    assert!(parsed.clone().into_result().is_err());
    let (policy, _) = parsed.into_evaluable().expect("the document is complete");
    let statement = &policy.statements[0];
    for caller in [ALICE, A, ROLE_R, R_S, BOB] {
        let caller = Caller::parse(caller).unwrap();
        assert_eq!(statement.principal_matches(&caller), None, "{caller}");
    }
    assert_eq!(statement.principal_matches(&Caller::Anonymous), None);
    // alice, a member of G with no policies of her own, gets nothing from it.
    let p = Policies(PolicySet {
        resource: Some(policy.into()),
        ..PolicySet::default()
    });
    let d = ask(ALICE, "s3:GetObject", OBJECT).decide(&p);
    assert_implicit(&d, Blocker::Identity);
}

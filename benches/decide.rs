//! Decision latency for one principal with a realistic, pre-parsed policy set.
//!
//! Fixture: 10 identity policies of 5 statements each (Allow and Deny, action wildcards,
//! NotAction, ARN wildcards and `${aws:username}`, and the usual condition operators), plus a
//! permissions boundary and a two-level SCP chain for the guardrail bench. Policies are parsed
//! once, outside the timed loop; only `decide` is timed (except in `parse/policy_set`, which
//! times reading the 10 identity documents from JSON text).
//!
//! Run: `cargo bench --bench decide`.

use criterion::{criterion_group, criterion_main, Criterion};
use iamlog::policy::{
    decide, Caller, Context, ContextValue, Outcome, Policy, PolicyKind, PolicySet, Request,
};
use std::hint::black_box;
use std::time::Duration;

const ACCOUNT: &str = "111122223333";
const USER: &str = "arn:aws:iam::111122223333:user/engineering/alice";

/// Identity policy `i` (0..10): five statements, each a variation of a common real-world shape.
fn identity_policy(i: usize) -> String {
    // Odd policies carry the "force MFA" Deny with NotAction; even ones a prod-bucket Deny.
    let deny = if i % 2 == 1 {
        r#"{
            "Sid": "DenyAllExceptListedIfNoMFA",
            "Effect": "Deny",
            "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser",
                          "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice",
                          "sts:GetSessionToken", "iam:ChangePassword"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
        }"#
        .to_string()
    } else {
        format!(
            r#"{{
            "Sid": "DenyProdBucketChanges{i}",
            "Effect": "Deny",
            "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy", "s3:PutLifecycleConfiguration",
                       "s3:DeleteObjectVersion", "s3:PutBucket*"],
            "Resource": ["arn:aws:s3:::prod-*", "arn:aws:s3:::team{i}-prod/*"],
            "Condition": {{"StringNotEquals": {{"aws:PrincipalTag/team": "admins"}}}}
        }}"#
        )
    };
    format!(
        r#"{{
    "Version": "2012-10-17",
    "Id": "team{i}-access",
    "Statement": [
        {{
            "Sid": "TeamBucketRead{i}",
            "Effect": "Allow",
            "Action": ["s3:Get*", "s3:List*"],
            "Resource": ["arn:aws:s3:::team{i}-data",
                         "arn:aws:s3:::team{i}-data/home/${{aws:username}}/*",
                         "arn:aws:s3:::team{i}-shared/*"],
            "Condition": {{"StringEquals": {{"aws:PrincipalTag/team": "team{i}"}}}}
        }},
        {{
            "Sid": "Ec2FromOffice{i}",
            "Effect": "Allow",
            "Action": ["ec2:Describe*", "ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"],
            "Resource": "arn:aws:ec2:*:{ACCOUNT}:instance/*",
            "Condition": {{
                "IpAddress": {{"aws:SourceIp": ["10.{i}.0.0/16", "192.0.2.0/24"]}},
                "Bool": {{"aws:MultiFactorAuthPresent": "true"}}
            }}
        }},
        {deny},
        {{
            "Sid": "TeamTables{i}",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:BatchGet*"],
            "Resource": ["arn:aws:dynamodb:*:{ACCOUNT}:table/team{i}-*",
                         "arn:aws:dynamodb:*:{ACCOUNT}:table/team{i}-*/index/*"],
            "Condition": {{
                "DateLessThan": {{"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
                "StringLike": {{"aws:PrincipalTag/project": ["proj-{i}*", "shared-*"]}}
            }}
        }},
        {{
            "Sid": "TagOwnInstances{i}",
            "Effect": "Allow",
            "Action": ["ec2:CreateTags", "ec2:DeleteTags"],
            "Resource": "arn:aws:ec2:*:{ACCOUNT}:*/*",
            "Condition": {{
                "ForAnyValue:StringEquals": {{"aws:TagKeys": ["CostCenter", "Owner{i}", "Project"]}},
                "StringEquals": {{"aws:ResourceTag/team": "${{aws:PrincipalTag/team}}"}}
            }}
        }}
    ]
}}"#
    )
}

const BOUNDARY: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ServiceCeiling", "Effect": "Allow",
         "Action": ["s3:*", "ec2:*", "dynamodb:*", "cloudwatch:Get*", "logs:*"], "Resource": "*"},
        {"Sid": "OwnUser", "Effect": "Allow",
         "Action": ["iam:GetUser", "iam:ChangePassword", "iam:*MFADevice*"],
         "Resource": "arn:aws:iam::111122223333:user/*/${aws:username}"},
        {"Sid": "NoBoundaryEscape", "Effect": "Deny",
         "Action": ["iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary"],
         "Resource": "*"}
    ]
}"#;

const SCP_ROOT: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "RegionLock", "Effect": "Deny",
         "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*", "s3:*"],
         "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}},
        {"Sid": "ProtectAuditRole", "Effect": "Deny", "Action": "*",
         "Resource": "arn:aws:iam::*:role/OrgAudit*",
         "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/OrgAdmin"}}}
    ]
}"#;

const SCP_OU: &str = r#"{
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "WorkloadServices", "Effect": "Allow",
         "Action": ["s3:*", "ec2:*", "dynamodb:*", "iam:Get*", "iam:List*", "logs:*", "sts:*"],
         "Resource": "*"},
        {"Sid": "NoLeavingOrg", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
        {"Sid": "NoPublicBuckets", "Effect": "Deny", "Action": "s3:PutBucketPublicAccessBlock",
         "Resource": "*", "Condition": {"Null": {"aws:PrincipalTag/security": "true"}}}
    ]
}"#;

fn parse(text: &str, kind: PolicyKind) -> Policy {
    Policy::from_text(text, kind)
        .into_result()
        .expect("fixture policy parses")
}

fn context() -> Context {
    let mut c = Context::new();
    let one = |s: &str| ContextValue::Single(s.to_string());
    c.insert("aws:username", one("alice"));
    c.insert("aws:PrincipalArn", one(USER));
    c.insert("aws:PrincipalAccount", one(ACCOUNT));
    c.insert("aws:PrincipalTag/team", one("team7"));
    c.insert("aws:PrincipalTag/project", one("proj-7a"));
    c.insert("aws:SourceIp", one("10.7.33.12"));
    c.insert("aws:MultiFactorAuthPresent", one("true"));
    c.insert("aws:CurrentTime", one("2025-06-01T12:00:00Z"));
    c.insert("aws:RequestedRegion", one("us-east-1"));
    c.insert("aws:SecureTransport", one("true"));
    c
}

fn request(action: &str, resource: &str) -> Request {
    Request {
        caller: Caller::parse(USER).unwrap(),
        action: action.to_string(),
        resource: resource.to_string(),
        resource_account: Some(ACCOUNT.to_string()),
        context: context(),
        wildcard_only: false,
    }
}

fn identity_texts() -> Vec<String> {
    (0..10).map(identity_policy).collect()
}

fn identity_only() -> PolicySet {
    PolicySet {
        identity: identity_texts()
            .iter()
            .map(|t| parse(t, PolicyKind::Identity).into())
            .collect(),
        ..PolicySet::default()
    }
}

fn with_guardrails() -> PolicySet {
    PolicySet {
        boundaries: vec![parse(BOUNDARY, PolicyKind::Boundary).into()],
        scps: vec![
            vec![parse(SCP_ROOT, PolicyKind::Scp).into()],
            vec![parse(SCP_OU, PolicyKind::Scp).into()],
        ],
        ..identity_only()
    }
}

/// Times `decide` on one request after checking it gives `expected`.
fn bench_decision(
    c: &mut Criterion,
    name: &str,
    req: &Request,
    set: &PolicySet,
    expected: Outcome,
) {
    let d = decide(req, set);
    assert_eq!(d.outcome, expected, "{name}: fixture gives {d:?}");
    c.bench_function(name, |b| b.iter(|| decide(black_box(req), black_box(set))));
}

fn decisions(c: &mut Criterion) {
    let plain = identity_only();
    let guarded = with_guardrails();
    assert_eq!(
        plain
            .identity
            .iter()
            .map(|p| p.statements.len())
            .sum::<usize>(),
        50
    );

    // (a) Allowed by TeamBucketRead7 through `${aws:username}`.
    let allow = request(
        "s3:GetObject",
        "arn:aws:s3:::team7-data/home/alice/reports/2025-05.csv",
    );
    bench_decision(c, "decide/allow", &allow, &plain, Outcome::Allow);

    // (b) No statement applies (the MFA Denies are reached but their condition fails).
    let nothing = request(
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:111122223333:function:etl",
    );
    bench_decision(
        c,
        "decide/implicit_deny",
        &nothing,
        &plain,
        Outcome::ImplicitDeny,
    );

    // (c) The prod-bucket Denies of the five even policies apply.
    let denied = request("s3:PutBucketPolicy", "arn:aws:s3:::prod-logs");
    bench_decision(
        c,
        "decide/explicit_deny",
        &denied,
        &plain,
        Outcome::ExplicitDeny,
    );

    // (d) As (a), through a permissions boundary and a two-level SCP chain.
    bench_decision(
        c,
        "decide/with_guardrails",
        &allow,
        &guarded,
        Outcome::Allow,
    );

    // Extra: a resource with a wildcard ("is it allowed for some object under home/alice/?")
    // takes the candidate-pattern path of `decide`.
    let set_query = request("s3:GetObject", "arn:aws:s3:::team7-data/home/alice/*");
    bench_decision(
        c,
        "decide/resource_pattern",
        &set_query,
        &plain,
        Outcome::Allow,
    );
}

fn parsing(c: &mut Criterion) {
    let texts = identity_texts();
    c.bench_function("parse/policy_set", |b| {
        b.iter(|| {
            black_box(&texts)
                .iter()
                .map(|t| {
                    Policy::from_text(t, PolicyKind::Identity)
                        .into_result()
                        .unwrap()
                })
                .collect::<Vec<_>>()
        })
    });
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = decisions, parsing
}
criterion_main!(benches);

//! `iamlog check --input` on the example organisation gives the answers of spec §11 when the
//! principals, policies and trust come from account files rather than from the command line.

use serde_json::Value;
use std::process::Command;

const PROD: &str = "222222222222";
const DEV: &str = "333333333333";

/// Runs `check --input examples/org` and returns the JSON answer.
fn check(principal: &str, action: &str, resource: &str, extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_iamlog"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--input", "examples/org", "--format", "json"])
        .args([
            "--principal",
            principal,
            "--action",
            action,
            "--resource",
            resource,
        ])
        .args(extra)
        .output()
        .expect("iamlog runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON answer")
}

fn decision(answer: &Value) -> &str {
    answer["decision"].as_str().unwrap()
}

fn sids(answer: &Value) -> Vec<&str> {
    answer["statements"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["sid"].as_str())
        .collect()
}

/// #51: the root user acts in its own account without any identity policy.
#[test]
fn root_user_is_allowed_in_its_own_account() {
    let a = check(
        &format!("arn:aws:iam::{PROD}:root"),
        "s3:GetObject",
        "arn:aws:s3:::prod-assets/logo.png",
        &["--resource-account", PROD],
    );
    assert_eq!(decision(&a), "Allow");
}

/// #52: the root user cannot assume a role, even one that trusts its account.
#[test]
fn root_user_cannot_assume_roles() {
    let a = check(
        &format!("arn:aws:iam::{DEV}:root"),
        "sts:AssumeRole",
        &format!("arn:aws:iam::{PROD}:role/analytics-reader"),
        &["--context", "aws:MultiFactorAuthPresent=true"],
    );
    assert_eq!(decision(&a), "ImplicitDeny");
}

/// #56 cross-account: a trust that names the account needs the caller's own Allow; carol's
/// group has one, and the trust's MFA condition is met.
#[test]
fn trust_naming_the_account_admits_callers_allowed_by_their_own_policies() {
    let role = format!("arn:aws:iam::{PROD}:role/analytics-reader");
    let carol = format!("arn:aws:iam::{DEV}:user/carol");
    let a = check(
        &carol,
        "sts:AssumeRole",
        &role,
        &["--context", "aws:MultiFactorAuthPresent=true"],
    );
    assert_eq!(decision(&a), "Allow");
    let files: Vec<&str> = a["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"examples/org/authdetails-dev.json")
            && files.contains(&"examples/org/authdetails-prod.json"),
        "{files:?}"
    );
    // Without MFA the trust's condition fails.
    assert_eq!(
        decision(&check(&carol, "sts:AssumeRole", &role, &[])),
        "ImplicitDeny"
    );
    // The ci role is in the trusted account but its policies do not allow this role.
    let ci = format!("arn:aws:sts::{DEV}:assumed-role/ci/run-1");
    assert_eq!(
        decision(&check(
            &ci,
            "sts:AssumeRole",
            &role,
            &["--context", "aws:MultiFactorAuthPresent=true"]
        )),
        "ImplicitDeny"
    );
}

/// #58: a trust that names a role by ARN admits its sessions (with their own Allow, across
/// accounts), and nobody else of that account.
#[test]
fn trust_naming_a_role_admits_only_its_sessions() {
    let deploy = format!("arn:aws:iam::{PROD}:role/deploy");
    let a = check(
        &format!("arn:aws:sts::{DEV}:assumed-role/ci/run-1"),
        "sts:AssumeRole",
        &deploy,
        &[],
    );
    assert_eq!(decision(&a), "Allow");
    assert_eq!(sids(&a), ["AssumeDeploy", "FromCi"]);
    let carol = format!("arn:aws:iam::{DEV}:user/carol");
    assert_eq!(
        decision(&check(&carol, "sts:AssumeRole", &deploy, &[])),
        "ImplicitDeny"
    );
}

/// #37: a resource policy that names a user directly grants past the user's boundary.
#[test]
fn direct_user_grant_is_not_limited_by_the_boundary() {
    let bob = format!("arn:aws:iam::{PROD}:user/bob");
    let queue = format!("arn:aws:sqs:eu-west-1:{PROD}:ops-alerts");
    let a = check(&bob, "sqs:SendMessage", &queue, &[]);
    assert_eq!(decision(&a), "Allow");
    assert_eq!(sids(&a), ["BobSends"]);
    // The same boundary stops what only bob's identity policies allow.
    let a = check(&bob, "sqs:DeleteQueue", &queue, &[]);
    assert_eq!(decision(&a), "ImplicitDeny");
    assert_eq!(a["blocked_by"], "boundary");
}

/// Bucket policies govern their objects; the TLS Deny applies to every caller.
#[test]
fn bucket_policy_grants_and_denies_on_objects() {
    let app = format!("arn:aws:sts::{PROD}:assumed-role/app-orders/task-1");
    let object = "arn:aws:s3:::prod-orders/2024/01/order.json";
    assert_eq!(
        decision(&check(
            &app,
            "s3:GetObject",
            object,
            &["--context", "aws:SecureTransport=true"]
        )),
        "Allow"
    );
    let a = check(
        &app,
        "s3:GetObject",
        object,
        &["--context", "aws:SecureTransport=false"],
    );
    assert_eq!(decision(&a), "ExplicitDeny");
    assert_eq!(sids(&a), ["TlsOnly"]);
}

/// #53/#54: a KMS key policy with the account statement lets identity policies work.
#[test]
fn key_policy_with_account_statement_delegates_to_identity_policies() {
    let key = format!("arn:aws:kms:eu-west-1:{PROD}:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    let web = format!("arn:aws:sts::{PROD}:assumed-role/web/i-0abc");
    // web's policies say nothing of KMS: the account statement alone does not grant.
    assert_eq!(
        decision(&check(&web, "kms:Decrypt", &key, &[])),
        "ImplicitDeny"
    );
    let app = format!("arn:aws:sts::{PROD}:assumed-role/app-orders/task-1");
    assert_eq!(decision(&check(&app, "kms:Decrypt", &key, &[])), "Allow");
}

/// #48: an SCP Deny binds a member account's principals, and not the management account's.
#[test]
fn scps_bind_member_accounts_not_the_management_account() {
    let context = ["--context", "aws:RequestedRegion=eu-west-1"];
    let member = check(
        &format!("arn:aws:iam::{PROD}:user/bob"),
        "cloudtrail:StopLogging",
        &format!("arn:aws:cloudtrail:eu-west-1:{PROD}:trail/org"),
        &context,
    );
    assert_eq!(decision(&member), "ExplicitDeny");
    assert_eq!(sids(&member), ["ProtectAuditTrail"]);
    assert_eq!(
        member["statements"][0]["file"],
        "examples/org/organization.json"
    );
    let management = check(
        "arn:aws:iam::111111111111:user/root-admin",
        "cloudtrail:StopLogging",
        "arn:aws:cloudtrail:eu-west-1:111111111111:trail/org",
        &context,
    );
    assert_eq!(decision(&management), "Allow");
}

/// An SCP on the prod OU: its region lock binds prod, not dev.
#[test]
fn ou_scps_bind_only_the_accounts_below() {
    let context = ["--context", "aws:RequestedRegion=us-east-1"];
    let prod = check(
        &format!("arn:aws:iam::{PROD}:user/bob"),
        "dynamodb:GetItem",
        &format!("arn:aws:dynamodb:us-east-1:{PROD}:table/t"),
        &context,
    );
    assert_eq!(decision(&prod), "ExplicitDeny");
    assert_eq!(sids(&prod), ["DenyOutsideEu"]);
    let dev = check(
        &format!("arn:aws:iam::{DEV}:user/carol"),
        "dynamodb:GetItem",
        &format!("arn:aws:dynamodb:us-east-1:{DEV}:table/t"),
        &context,
    );
    assert_eq!(decision(&dev), "Allow");
}

/// #50: an RCP binds callers from outside the organisation, even those a bucket policy names.
#[test]
fn rcps_stop_outsiders_that_resource_policies_admit() {
    let object = "arn:aws:s3:::prod-orders/reports/q1.csv";
    let outsider = check(
        "arn:aws:iam::444444444444:user/eve",
        "s3:GetObject",
        object,
        &["--context", "aws:SecureTransport=true"],
    );
    assert_eq!(decision(&outsider), "ExplicitDeny");
    assert_eq!(sids(&outsider), ["OnlyOrgIdentities"]);
    // carol is in the organisation: the bucket names her account, her policies allow S3.
    let carol = check(
        &format!("arn:aws:iam::{DEV}:user/carol"),
        "s3:GetObject",
        object,
        &["--context", "aws:SecureTransport=true"],
    );
    assert_eq!(decision(&carol), "Allow");
}

/// #48: a service-linked role's sessions are exempt from SCPs, though the session ARN does
/// not carry the role's path: the model supplies it.
#[test]
fn service_linked_role_sessions_are_exempt_from_scps() {
    let context = ["--context", "aws:RequestedRegion=us-east-1"];
    let resource = format!("arn:aws:ec2:us-east-1:{PROD}:instance/i-0abc");
    let slr = format!("arn:aws:sts::{PROD}:assumed-role/AWSServiceRoleForECS/ecs-service");
    assert_eq!(
        decision(&check(&slr, "ec2:DescribeInstances", &resource, &context)),
        "Allow"
    );
    let bob = format!("arn:aws:iam::{PROD}:user/bob");
    let a = check(&bob, "ec2:DescribeInstances", &resource, &context);
    assert_eq!(decision(&a), "ExplicitDeny");
    assert_eq!(sids(&a), ["DenyOutsideEu"]);
}

/// What the decision could not see is marked (#7): carol's request without MFA is denied, and
/// the answer says that the key the trust tests was absent; with the key given, it is decided
/// and nothing is left open.
#[test]
fn keys_the_request_does_not_set_are_marked_undecided() {
    let role = format!("arn:aws:iam::{PROD}:role/analytics-reader");
    let carol = format!("arn:aws:iam::{DEV}:user/carol");
    let a = check(&carol, "sts:AssumeRole", &role, &[]);
    assert_eq!(decision(&a), "ImplicitDeny");
    let undecided: Vec<&str> = a["undecided"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(undecided.len(), 1, "{undecided:?}");
    assert!(undecided[0].starts_with("aws:MultiFactorAuthPresent is not in the request"));
    let a = check(
        &carol,
        "sts:AssumeRole",
        &role,
        &["--context", "aws:MultiFactorAuthPresent=true"],
    );
    assert_eq!(decision(&a), "Allow");
    assert_eq!(a["undecided"], serde_json::json!([]));
    assert_eq!(a["incomplete"], serde_json::json!([]));
    // An action the catalog does not know.
    let a = check(
        &carol,
        "s3:MadeUpAction",
        "arn:aws:s3:::prod-assets/x",
        &["--resource-account", PROD],
    );
    assert!(a["undecided"][0]
        .as_str()
        .unwrap()
        .starts_with("s3:MadeUpAction is not in the bundled action catalog"));
}

/// `analyze --format json` says when parts of the input could not be read (#7).
#[test]
fn analyze_marks_input_errors_as_incomplete() {
    let dir = std::env::temp_dir().join(format!("iamlog-incomplete-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a.json");
    std::fs::write(
        &file,
        r#"{"UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::111111111111:user/u",
            "UserPolicyList": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Action": "*", "Resource": "*"}]}}]}]}"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_iamlog"))
        .args(["analyze", "--format", "json", "--input"])
        .arg(&file)
        .output()
        .expect("iamlog runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let incomplete = report["incomplete"].as_array().unwrap();
    assert!(
        incomplete
            .iter()
            .any(|i| i.as_str().unwrap().starts_with("the input has 2 errors")),
        "{incomplete:?}"
    );
}

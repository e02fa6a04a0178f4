//! Issue #7: what the input names but does not hold errs toward access. A managed policy
//! attached but absent, a group a user is in but absent, and an absent permissions boundary
//! are each taken to allow anything, conditionally (never to deny); every answer that rests on
//! one says so. Each scenario has a negative twin: the same input with the policy, group or
//! boundary present and harmless, which answers no access.

mod common;

use serde_json::{json, Value};
use std::path::PathBuf;

const A: &str = "111111111111";

fn arn(kind_name: &str) -> String {
    format!("arn:aws:iam::{A}:{kind_name}")
}

/// A customer managed policy allowing `action` on `*`.
fn managed(name: &str, action: &str) -> Value {
    json!({
        "PolicyName": name, "Arn": arn(&format!("policy/{name}")), "DefaultVersionId": "v1",
        "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}}]
    })
}

fn attachment(name: &str) -> Value {
    json!({"PolicyName": name, "PolicyArn": arn(&format!("policy/{name}"))})
}

fn user(name: &str, groups: &[&str], attached: &[&str], boundary: Option<&str>) -> Value {
    let mut u = json!({
        "UserName": name, "Arn": arn(&format!("user/{name}")), "GroupList": groups,
        "AttachedManagedPolicies": attached.iter().map(|a| attachment(a)).collect::<Vec<_>>(),
        "UserPolicyList": [{"PolicyName": "own", "PolicyDocument": {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}}]
    });
    if let Some(b) = boundary {
        u["PermissionsBoundary"] = json!({"PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": arn(&format!("policy/{b}"))});
    }
    u
}

fn authdetails(
    users: Vec<Value>,
    groups: Vec<Value>,
    roles: Vec<Value>,
    policies: Vec<Value>,
) -> String {
    json!({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles,
           "Policies": policies})
    .to_string()
}

/// Authorization details that hold one user and nothing else.
fn one_user(user: Value) -> String {
    authdetails(vec![user], vec![], vec![], vec![])
}

/// Writes `text` to `authdetails.json` in a fresh directory, removed when the
/// returned guard drops.
fn file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix(&format!("iamlog-incomplete-input-{name}-"))
        .tempdir()
        .unwrap();
    let path = dir.path().join("authdetails.json");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn analyze(name: &str, text: &str) -> Value {
    let (_dir, path) = file(name, text);
    let out = common::iamlog(&[
        "analyze",
        "--format",
        "json",
        "--input",
        path.to_str().unwrap(),
    ]);
    serde_json::from_str(&out).unwrap()
}

fn analyze_text(name: &str, text: &str) -> String {
    let (_dir, path) = file(name, text);
    common::iamlog(&["analyze", "--explain", "--input", path.to_str().unwrap()])
}

fn principal<'a>(report: &'a Value, arn: &str) -> &'a Value {
    report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["arn"] == arn)
        .unwrap_or_else(|| panic!("{arn} in {report:#}"))
}

/// The per-principal `incomplete` sentences (absent when empty).
fn reasons(p: &Value) -> Vec<String> {
    p.get("incomplete")
        .map(|v| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn check(name: &str, text: &str, principal: &str, action: &str) -> Value {
    let (_dir, path) = file(name, text);
    let out = common::iamlog(&[
        "check",
        "--format",
        "json",
        "--input",
        path.to_str().unwrap(),
        "--principal",
        principal,
        "--action",
        action,
        "--resource",
        "arn:aws:s3:::bucket/key",
        "--resource-account",
        A,
    ]);
    serde_json::from_str(&out).unwrap()
}

#[test]
fn a_missing_attached_policy_makes_its_holder_possibly_an_administrator() {
    let u = arn("user/u");
    let missing = one_user(user("u", &[], &["gone"], None));
    let report = analyze("attached", &missing);
    let p = principal(&report, &u);
    assert_eq!(p["admin"], true, "{p:#}");
    assert_eq!(p["admin_conditional"], true, "{p:#}");
    let why = reasons(p);
    assert_eq!(
        why,
        [format!(
            "{} is attached but not in the input: taken to allow anything (conditional)",
            arn("policy/gone")
        )],
    );
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "admin" && f["subject"] == u && f["conditional"] == true));
    // The text report says why under the finding.
    let text = analyze_text("attached-text", &missing);
    assert!(
        text.contains(&format!("      incomplete: {}", why[0])),
        "{text}"
    );

    // So does the SARIF log, in the result's message and properties.
    let (_dir, path) = file("attached-sarif", &missing);
    let sarif: Value = serde_json::from_str(&common::iamlog(&[
        "analyze",
        "--format",
        "sarif",
        "--input",
        path.to_str().unwrap(),
    ]))
    .unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["incomplete"], json!(why), "{result:#}");
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .ends_with(&format!("Incomplete input: {}", why[0])),
        "{result:#}"
    );
    // So does the `admins` query.
    let (_dir, path) = file("attached-query", &missing);
    let out = common::iamlog(&[
        "query",
        "--format",
        "json",
        "--input",
        path.to_str().unwrap(),
        "admins",
    ]);
    let answer: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        answer[0]["answer"][0]["incomplete"],
        json!(why),
        "{answer:#}"
    );

    // Twin: the policy is there and harmless.
    let present = authdetails(
        vec![user("u", &[], &["gone"], None)],
        vec![],
        vec![],
        vec![managed("gone", "s3:GetObject")],
    );
    let report = analyze("attached-twin", &present);
    let p = principal(&report, &u);
    assert_eq!(p["admin"], false, "{p:#}");
    assert!(p.get("incomplete").is_none(), "{p:#}");
    assert!(
        report["findings"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
}

#[test]
fn a_missing_group_makes_its_member_possibly_an_administrator() {
    let u = arn("user/u");
    let missing = one_user(user("u", &["ghosts"], &[], None));
    let p = principal(&analyze("group", &missing), &u).clone();
    assert_eq!(
        (p["admin"].clone(), p["admin_conditional"].clone()),
        (json!(true), json!(true)),
        "{p:#}"
    );
    assert_eq!(
        reasons(&p),
        ["group ghosts is not in the input: its policies are taken to allow anything (conditional)"]
    );

    let group = json!({"GroupName": "ghosts", "Arn": arn("group/ghosts"),
        "AttachedManagedPolicies": [attachment("read")]});
    let present = authdetails(
        vec![user("u", &["ghosts"], &[], None)],
        vec![group],
        vec![],
        vec![managed("read", "s3:GetObject")],
    );
    let p = principal(&analyze("group-twin", &present), &u).clone();
    assert_eq!(p["admin"], false, "{p:#}");
    assert!(p.get("incomplete").is_none(), "{p:#}");
}

#[test]
fn a_missing_policy_of_a_group_reaches_its_members() {
    let u = arn("user/u");
    let group = json!({"GroupName": "team", "Arn": arn("group/team"),
        "AttachedManagedPolicies": [attachment("gone")]});
    let missing = authdetails(
        vec![user("u", &["team"], &[], None)],
        vec![group.clone()],
        vec![],
        vec![],
    );
    let p = principal(&analyze("group-policy", &missing), &u).clone();
    assert_eq!(p["admin_conditional"], true, "{p:#}");
    assert_eq!(
        reasons(&p),
        [format!(
            "{} is attached to {} but not in the input: taken to allow anything (conditional)",
            arn("policy/gone"),
            arn("group/team")
        )]
    );

    let present = authdetails(
        vec![user("u", &["team"], &[], None)],
        vec![group],
        vec![],
        vec![managed("gone", "s3:GetObject")],
    );
    assert_eq!(
        principal(&analyze("group-policy-twin", &present), &u)["admin"],
        false
    );
}

#[test]
fn a_missing_boundary_cannot_restrict_and_cannot_grant() {
    let u = arn("user/u");
    // An administrator by its identity policy, under a boundary the input lacks: still an
    // administrator, but only conditionally (the boundary might restrict it).
    let admin = |boundary_present: bool| {
        let mut u = user("u", &[], &[], Some("edge"));
        u["AttachedManagedPolicies"] = json!([{"PolicyName": "AdministratorAccess",
            "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]);
        let policies = if boundary_present {
            vec![managed("edge", "s3:GetObject")]
        } else {
            vec![]
        };
        authdetails(vec![u], vec![], vec![], policies)
    };
    let p = principal(&analyze("boundary", &admin(false)), &u).clone();
    assert_eq!(
        (p["admin"].clone(), p["admin_conditional"].clone()),
        (json!(true), json!(true)),
        "{p:#}"
    );
    assert_eq!(
        reasons(&p),
        [format!(
            "boundary {} is not in the input: taken to allow anything (conditional)",
            arn("policy/edge")
        )]
    );
    // Twin: the boundary is there and allows only s3:GetObject.
    let p = principal(&analyze("boundary-twin", &admin(true)), &u).clone();
    assert_eq!(p["admin"], false, "{p:#}");
    assert!(p.get("incomplete").is_none(), "{p:#}");

    // The stand-in boundary grants nothing by itself: a user whose own policies allow little
    // is no administrator.
    let small = one_user(user("u", &[], &[], Some("edge")));
    let p = principal(&analyze("boundary-small", &small), &u).clone();
    assert_eq!(p["admin"], false, "{p:#}");
    assert!(p["escalates_to_admin"].is_null(), "{p:#}");
}

#[test]
fn a_missing_policy_is_never_taken_to_deny() {
    // An administrator by AdministratorAccess stays one in every request: the missing policy
    // might hold a Deny, but assuming one would err away from access.
    let mut u = user("u", &[], &["gone"], None);
    u["AttachedManagedPolicies"]
        .as_array_mut()
        .unwrap()
        .push(json!({"PolicyName": "AdministratorAccess",
            "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}));
    let report = analyze("no-deny", &authdetails(vec![u], vec![], vec![], vec![]));
    let p = principal(&report, &arn("user/u"));
    assert_eq!(
        (p["admin"].clone(), p["admin_conditional"].clone()),
        (json!(true), json!(false)),
        "{p:#}"
    );
    assert_eq!(reasons(p).len(), 1, "{p:#}");
}

#[test]
fn reaching_a_role_whose_policy_is_missing_is_a_possible_escalation() {
    let alice = json!({"UserName": "alice", "Arn": arn("user/alice"),
        "UserPolicyList": [{"PolicyName": "assume", "PolicyDocument": {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn("role/r")}]}}]});
    let role = json!({"RoleName": "r", "Arn": arn("role/r"),
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "sts:AssumeRole"}]},
        "AttachedManagedPolicies": [attachment("gone")]});
    let missing = authdetails(vec![alice.clone()], vec![], vec![role.clone()], vec![]);
    let report = analyze("escalation", &missing);
    let a = principal(&report, &arn("user/alice"));
    let e = &a["escalates_to_admin"];
    assert_eq!(e["conditional"], true, "{a:#}");
    assert_eq!(e["path"][0]["to"], arn("role/r"), "{a:#}");
    assert_eq!(
        reasons(a),
        [format!(
            "{} (on its escalation path): {} is attached but not in the input: taken to allow anything (conditional)",
            arn("role/r"),
            arn("policy/gone")
        )]
    );
    let r = principal(&report, &arn("role/r"));
    assert_eq!(r["admin_conditional"], true, "{r:#}");

    let present = authdetails(
        vec![alice],
        vec![],
        vec![role],
        vec![managed("gone", "s3:GetObject")],
    );
    let report = analyze("escalation-twin", &present);
    let a = principal(&report, &arn("user/alice"));
    assert!(a["escalates_to_admin"].is_null(), "{a:#}");
    assert!(a.get("incomplete").is_none(), "{a:#}");
    assert_eq!(principal(&report, &arn("role/r"))["admin"], false);
}

#[test]
fn steps_that_rest_on_a_missing_boundary_name_it_as_their_condition() {
    // Alice may assume an administrator role, under a boundary the input lacks: the step is
    // conditional, names the stand-in as its condition and as one of its statements.
    let mut alice = user("alice", &[], &[], Some("edge"));
    alice["UserPolicyList"][0]["PolicyDocument"]["Statement"] =
        json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn("role/admin")}]);
    let role = json!({"RoleName": "admin", "Arn": arn("role/admin"),
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{A}:root")}, "Action": "sts:AssumeRole"}]},
        "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess",
            "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]});
    let analysis = |policies: Vec<Value>| {
        let text = authdetails(vec![alice.clone()], vec![], vec![role.clone()], policies);
        iamlog::answer::Analysis::new(iamlog::model::load_str("a.json", &text).unwrap())
    };
    let a = analysis(vec![]);
    let p = a.resolve("user/alice", None).unwrap();
    assert_eq!(a.is_admin(p), None);
    let e = a.escalation(p).expect("a possible escalation");
    assert!(e.conditional);
    let step = &e.path[0];
    assert_eq!(step.technique, "assume-role");
    let condition = format!(
        "boundary {} of {} (not in the input) allows it",
        arn("policy/edge"),
        arn("user/alice")
    );
    assert_eq!(step.conditions, [condition], "{step:#?}");
    assert!(
        step.statements
            .iter()
            .any(|s| s.source == "permissions boundary"
                && s.file == "<built-in>"
                && s.pointer == format!("{}/Statement/0", arn("policy/edge"))),
        "{step:#?}"
    );

    // Twin: the boundary is there and does not allow sts:AssumeRole.
    let a = analysis(vec![managed("edge", "s3:GetObject")]);
    let p = a.resolve("user/alice", None).unwrap();
    assert!(a.escalation(p).is_none());
}

#[test]
fn check_answers_allow_conditionally_when_only_a_missing_policy_could_allow() {
    let u = arn("user/u");
    let missing = one_user(user("u", &[], &["gone"], None));
    let answer = check("check", &missing, &u, "s3:GetObject");
    assert_eq!(answer["decision"], "Allow", "{answer:#}");
    assert_eq!(answer["conditional"], true, "{answer:#}");
    assert_eq!(answer["known_decision"], "ImplicitDeny", "{answer:#}");
    assert_eq!(
        answer["statements"][0]["file"],
        arn("policy/gone"),
        "{answer:#}"
    );
    assert!(
        answer["incomplete"][0]
            .as_str()
            .unwrap()
            .starts_with(&format!(
                "{} (attached to {u}) is not in the input",
                arn("policy/gone")
            )),
        "{answer:#}"
    );
    // The stand-in's key is not a key the request left out.
    assert_eq!(answer["undecided"], json!([]), "{answer:#}");

    // Twin: the policy is there and allows something else.
    let present = authdetails(
        vec![user("u", &[], &["gone"], None)],
        vec![],
        vec![],
        vec![managed("gone", "s3:PutObject")],
    );
    let answer = check("check-twin", &present, &u, "s3:GetObject");
    assert_eq!(answer["decision"], "ImplicitDeny", "{answer:#}");
    assert_eq!(answer["conditional"], false, "{answer:#}");
    assert!(answer.get("known_decision").is_none(), "{answer:#}");
    assert_eq!(answer["incomplete"], json!([]), "{answer:#}");
}

#[test]
fn check_reads_a_missing_boundary_toward_access_and_keeps_known_denies() {
    let u = arn("user/u");
    let mut bounded = user("u", &[], &[], Some("edge"));
    bounded["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] = json!("s3:*");
    let missing = authdetails(vec![bounded.clone()], vec![], vec![], vec![]);
    let answer = check("check-boundary", &missing, &u, "s3:GetObject");
    assert_eq!(
        (
            &answer["decision"],
            &answer["conditional"],
            &answer["known_decision"]
        ),
        (&json!("Allow"), &json!(true), &json!("ImplicitDeny")),
        "{answer:#}"
    );
    let present = authdetails(
        vec![bounded],
        vec![],
        vec![],
        vec![managed("edge", "s3:PutObject")],
    );
    let answer = check("check-boundary-twin", &present, &u, "s3:GetObject");
    assert_eq!(answer["decision"], "ImplicitDeny", "{answer:#}");
    assert_eq!(answer["blocked_by"], "boundary", "{answer:#}");

    // A Deny the input holds still decides: the missing policy is never taken to lift it.
    let mut denied = user("u", &[], &["gone"], None);
    denied["UserPolicyList"][0]["PolicyDocument"]["Statement"] =
        json!([{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]);
    let answer = check(
        "check-deny",
        &authdetails(vec![denied], vec![], vec![], vec![]),
        &u,
        "s3:GetObject",
    );
    assert_eq!(answer["decision"], "ExplicitDeny", "{answer:#}");
    assert_eq!(answer["conditional"], false, "{answer:#}");
}

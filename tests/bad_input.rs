//! Bad input, end to end: for every class of bad input in spec §1.4 (policy documents) and §9
//! (input files), the built binary exits 2 and says on standard error which file and where.
//!
//! Policy documents go through `check --policy` (and `--boundary`, `--session-policy`,
//! `--resource-policy`, `--scp`, `--rcp` for the kinds that need them), which refuses a document
//! with errors; input files go through `fmt --to json`, which reports every error of the input
//! and exits 2. The two checks that only `lint` makes (characters, sizes) go through `lint`,
//! which prints its diagnostics on standard output as its answer. The limits (input size,
//! nesting depth) are at the end.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// A fresh directory under the system's temporary directory holding `files`.
fn dir_with(files: &[(&str, &[u8])]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "iamlog-bad-input-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, content) in files {
        std::fs::write(dir.join(name), content).unwrap();
    }
    dir
}

/// Runs iamlog in `dir` (so that files are named as given) with `env` set.
fn iamlog_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_iamlog"))
        .current_dir(dir)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("iamlog runs");
    let _ = std::fs::remove_dir_all(dir);
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Exit code 2, and standard error holds each of `needles` (file and place among them).
#[track_caller]
fn assert_refused(run: &Run, needles: &[&str]) {
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        !run.stderr.contains("panicked"),
        "iamlog panicked: {}",
        run.stderr
    );
    // miette wraps long messages at 80 columns, behind a `│` margin: match across the wraps.
    let flat = run
        .stderr
        .replace(['│', '×'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for needle in needles {
        assert!(
            run.stderr.contains(needle) || flat.contains(needle),
            "standard error lacks {needle:?}:\n{}",
            run.stderr
        );
    }
}

const PRINCIPAL: &str = "arn:aws:iam::111111111111:user/alice";

/// `check FLAG bad.json` for a request `action` on `resource`.
fn check_with(flag: &str, doc: &str, action: &str, resource: &str) -> Run {
    let dir = dir_with(&[("bad.json", doc.as_bytes())]);
    iamlog_in(
        &dir,
        &[
            "check",
            flag,
            "bad.json",
            "--principal",
            PRINCIPAL,
            "--action",
            action,
            "--resource",
            resource,
            "--resource-account",
            "111111111111",
        ],
        &[],
    )
}

/// An identity policy (`check --policy`).
fn check_identity(doc: &str) -> Run {
    check_with("--policy", doc, "s3:GetObject", "arn:aws:s3:::b/k")
}

/// A resource policy (`check --resource-policy` on an S3 object).
fn check_resource(doc: &str) -> Run {
    check_with("--resource-policy", doc, "s3:GetObject", "arn:aws:s3:::b/k")
}

/// A trust policy (`check --resource-policy` for `sts:AssumeRole`).
fn check_trust(doc: &str) -> Run {
    check_with(
        "--resource-policy",
        doc,
        "sts:AssumeRole",
        "arn:aws:iam::111111111111:role/r",
    )
}

/// One statement in an otherwise good document; the statement starts on line 3, column 17.
fn doc(statement_body: &str) -> String {
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{{\n{statement_body}\n  }}]\n}}\n"
    )
}

// ---- spec §1.4: policy documents ---------------------------------------------------------

#[test]
fn invalid_json() {
    let run = check_identity("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}\n");
    assert_refused(&run, &["bad.json", "invalid JSON", "line 4 column 1"]);
}

#[test]
fn duplicate_keys() {
    let run = check_identity(&doc(
        "    \"Effect\": \"Allow\",\n    \"Effect\": \"Deny\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"*\"",
    ));
    assert_refused(
        &run,
        &["bad.json", "duplicate key \"Effect\" at line 5 column 12"],
    );
}

#[test]
fn unknown_element() {
    let run = check_identity(&doc(
        "    \"Effect\": \"Allow\",\n    \"Actions\": \"s3:GetObject\",\n    \"Resource\": \"*\"",
    ));
    assert_refused(
        &run,
        &["bad.json:5:16", "unknown-element", "/Statement/0/Actions"],
    );
}

#[test]
fn missing_statement() {
    let run = check_identity("{\n  \"Version\": \"2012-10-17\"\n}\n");
    assert_refused(&run, &["bad.json:1:1", "missing-statement"]);
}

#[test]
fn missing_effect() {
    let run = check_identity(&doc(
        "    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"*\"",
    ));
    assert_refused(&run, &["bad.json:3:17", "missing-effect", "/Statement/0"]);
}

#[test]
fn bad_effect() {
    let run = check_identity(&doc(
        "    \"Effect\": \"allow\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"*\"",
    ));
    assert_refused(
        &run,
        &["bad.json:4:15", "bad-effect", "/Statement/0/Effect"],
    );
}

#[test]
fn missing_action() {
    let run = check_identity(&doc("    \"Effect\": \"Allow\",\n    \"Resource\": \"*\""));
    assert_refused(&run, &["bad.json:3:17", "/Statement/0"]);
}

#[test]
fn missing_resource_in_identity_boundary_and_session_policies() {
    let body = doc("    \"Effect\": \"Allow\",\n    \"Action\": \"s3:GetObject\"");
    for flag in ["--policy", "--boundary", "--session-policy"] {
        let run = check_with(flag, &body, "s3:GetObject", "arn:aws:s3:::b/k");
        assert_refused(&run, &["bad.json:3:17", "/Statement/0"]);
    }
}

#[test]
fn resource_in_trust_policy() {
    let run = check_trust(&doc(
        "    \"Effect\": \"Allow\",\n    \"Principal\": {\"AWS\": \"111111111111\"},\n    \"Action\": \"sts:AssumeRole\",\n    \"Resource\": \"*\"",
    ));
    assert_refused(
        &run,
        &[
            "bad.json:7:17",
            "resource-in-trust-policy",
            "/Statement/0/Resource",
        ],
    );
}

#[test]
fn principal_where_forbidden() {
    let run = check_identity(&doc(
        "    \"Effect\": \"Allow\",\n    \"Principal\": \"*\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"*\"",
    ));
    assert_refused(
        &run,
        &[
            "bad.json:5:18",
            "principal-not-allowed",
            "/Statement/0/Principal",
        ],
    );
    let scp = doc(
        "    \"Effect\": \"Deny\",\n    \"Principal\": \"*\",\n    \"Action\": \"s3:*\",\n    \"Resource\": \"*\"",
    );
    let run = check_with("--scp", &scp, "s3:GetObject", "arn:aws:s3:::b/k");
    assert_refused(&run, &["bad.json:5:18", "/Statement/0/Principal"]);
}

#[test]
fn principal_missing_where_required() {
    let run = check_resource(&doc(
        "    \"Effect\": \"Allow\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"arn:aws:s3:::b/*\"",
    ));
    assert_refused(
        &run,
        &["bad.json:3:17", "missing-principal", "/Statement/0"],
    );
}

#[test]
fn not_principal_in_trust_policy() {
    let run = check_trust(&doc(
        "    \"Effect\": \"Deny\",\n    \"NotPrincipal\": {\"AWS\": \"111111111111\"},\n    \"Action\": \"sts:AssumeRole\"",
    ));
    assert_refused(
        &run,
        &[
            "bad.json:5:21",
            "not-principal-in-trust",
            "/Statement/0/NotPrincipal",
        ],
    );
}

#[test]
fn not_principal_with_allow() {
    let run = check_resource(&doc(
        "    \"Effect\": \"Allow\",\n    \"NotPrincipal\": {\"AWS\": \"111111111111\"},\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"arn:aws:s3:::b/*\"",
    ));
    assert_refused(
        &run,
        &[
            "bad.json:5:21",
            "not-principal-with-allow",
            "/Statement/0/NotPrincipal",
        ],
    );
}

/// An identity statement whose Action is `[\"s3:ListBucket\", action]`: `action` is on line 5,
/// column 33.
fn with_action(action: &str) -> String {
    doc(&format!(
        "    \"Effect\": \"Allow\",\n    \"Action\": [\"s3:ListBucket\", {action}],\n    \"Resource\": \"*\""
    ))
}

#[test]
fn action_without_service_prefix() {
    let run = check_identity(&with_action("\"GetObject\""));
    assert_refused(
        &run,
        &["bad.json:5:33", "bad-action", "/Statement/0/Action/1"],
    );
}

#[test]
fn action_with_whitespace() {
    let run = check_identity(&with_action("\"s3 :Get*\""));
    assert_refused(
        &run,
        &["bad.json:5:33", "bad-action", "/Statement/0/Action/1"],
    );
}

#[test]
fn action_with_wildcard_prefix() {
    let run = check_identity(&with_action("\"s*:GetObject\""));
    assert_refused(
        &run,
        &["bad.json:5:33", "bad-action", "/Statement/0/Action/1"],
    );
}

#[test]
fn resource_neither_star_nor_arn() {
    let run = check_identity(&doc(
        "    \"Effect\": \"Allow\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"my-bucket\"",
    ));
    assert_refused(
        &run,
        &["bad.json:6:17", "bad-resource", "/Statement/0/Resource"],
    );
}

/// An identity statement with `condition` as its Condition, on line 7 column 18.
fn with_condition(condition: &str) -> String {
    doc(&format!(
        "    \"Effect\": \"Allow\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"*\",\n    \"Condition\": {condition}"
    ))
}

#[test]
fn unknown_operator() {
    let run = check_identity(&with_condition(
        r#"{"StringEqualz": {"aws:username": "alice"}}"#,
    ));
    assert_refused(
        &run,
        &[
            "bad.json:7:",
            "unknown-operator",
            "/Statement/0/Condition/StringEqualz",
        ],
    );
}

#[test]
fn set_qualifier_on_null() {
    let run = check_identity(&with_condition(
        r#"{"ForAnyValue:Null": {"aws:TagKeys": "true"}}"#,
    ));
    assert_refused(
        &run,
        &[
            "bad.json:7:",
            "qualified-null",
            "/Statement/0/Condition/ForAnyValue:Null",
        ],
    );
}

#[test]
fn condition_value_null_or_empty() {
    let run = check_identity(&with_condition(
        r#"{"StringEquals": {"aws:username": null}}"#,
    ));
    assert_refused(
        &run,
        &[
            "bad.json:7:",
            "/Statement/0/Condition/StringEquals/aws:username",
        ],
    );
    let run = check_identity(&with_condition(r#"{"StringEquals": {"aws:username": []}}"#));
    assert_refused(
        &run,
        &[
            "bad.json:7:",
            "/Statement/0/Condition/StringEquals/aws:username",
        ],
    );
}

#[test]
fn bad_version() {
    let run = check_identity(
        "{\n  \"Version\": \"2012-10-18\",\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}\n}\n",
    );
    assert_refused(&run, &["bad.json:2:14", "bad-version", "/Version"]);
}

#[test]
fn bad_sid() {
    let run = check_identity(&doc(
        "    \"Sid\": \"not allowed\",\n    \"Effect\": \"Allow\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"*\"",
    ));
    assert_refused(&run, &["bad.json:4:12", "bad-sid", "/Statement/0/Sid"]);
}

#[test]
fn rcp_with_allow_or_a_named_principal() {
    let allow = doc(
        "    \"Effect\": \"Allow\",\n    \"Principal\": \"*\",\n    \"Action\": \"s3:*\",\n    \"Resource\": \"*\"",
    );
    let run = check_with("--rcp", &allow, "s3:GetObject", "arn:aws:s3:::b/k");
    assert_refused(&run, &["bad.json:", "/Statement/0"]);
    let named = doc(
        "    \"Effect\": \"Deny\",\n    \"Principal\": {\"AWS\": \"111111111111\"},\n    \"Action\": \"s3:*\",\n    \"Resource\": \"*\"",
    );
    let run = check_with("--rcp", &named, "s3:GetObject", "arn:aws:s3:::b/k");
    assert_refused(&run, &["bad.json:5:18", "/Statement/0/Principal"]);
}

/// `lint FILE` (with `--kind`): exit 2, and the file and place on standard output, where
/// `lint` prints its findings.
fn lint(file: &str, content: &str, kind: &str, needles: &[&str]) {
    let dir = dir_with(&[(file, content.as_bytes())]);
    let run = iamlog_in(&dir, &["lint", "--kind", kind, "--quiet", file], &[]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains("errors"), "{run:#?}");
    for needle in needles {
        assert!(
            run.stdout.contains(needle),
            "stdout lacks {needle:?}: {run:#?}"
        );
    }
}

#[test]
fn characters_outside_the_allowed_range() {
    let body = doc(
        "    \"Effect\": \"Allow\",\n    \"Action\": \"s3:GetObject\",\n    \"Resource\": \"arn:aws:s3:::b/\u{2603}\"",
    );
    lint(
        "bad.json",
        &body,
        "identity",
        &["bad-character", "bad.json:6:17", "/Statement/0/Resource"],
    );
}

#[test]
fn documents_over_their_size_limit() {
    let actions: Vec<String> = (0..400)
        .map(|i| format!("\"s3:GetObjectNumber{i}\""))
        .collect();
    let body = doc(&format!(
        "    \"Effect\": \"Deny\",\n    \"Action\": [{}],\n    \"Resource\": \"*\"",
        actions.join(", ")
    ));
    lint("big.json", &body, "scp", &["too-large", "big.json:1:1"]);
}

// ---- spec §9: input files ------------------------------------------------------------------

/// `fmt --to json FILE`: every error of the input on standard error, exit 2.
fn fmt(file: &str, content: &str) -> Run {
    let dir = dir_with(&[(file, content.as_bytes())]);
    iamlog_in(&dir, &["fmt", "--to", "json", file], &[])
}

/// An authorization-details file with one user whose inline policy document is `document`
/// (the document's value starts on line 4, column 64).
fn user_with_document(document: &str) -> String {
    format!(
        "{{\n  \"UserDetailList\": [{{\n    \"UserName\": \"alice\", \"Arn\": \"arn:aws:iam::111111111111:user/alice\",\n    \"UserPolicyList\": [{{\"PolicyName\": \"own\", \"PolicyDocument\": {document}}}]\n  }}]\n}}\n"
    )
}

/// Minified authorization details (one line) with 1,000 users and then a role whose trust
/// policy statement is `statement`, which starts past column 65,535.
fn one_line_with_a_late_role(statement: &str) -> String {
    let users: Vec<String> = (0..1000)
        .map(|i| {
            format!(
                "{{\"UserName\":\"user{i}\",\"Arn\":\"arn:aws:iam::111111111111:user/user{i}\"}}"
            )
        })
        .collect();
    format!(
        "{{\"UserDetailList\":[{}],\"RoleDetailList\":[{{\"RoleName\":\"open\",\"Arn\":\"arn:aws:iam::111111111111:role/open\",\"AssumeRolePolicyDocument\":{{\"Version\":\"2012-10-17\",\"Statement\":[{statement}]}}}}]}}\n",
        users.join(",")
    )
}

/// The 1-based column of the first `needle` in a one-line `text`.
fn column_of(text: &str, needle: &str) -> usize {
    text.find(needle).expect("needle in text") + 1
}

#[test]
fn diagnostics_past_column_65535_are_reported_without_a_panic() {
    // A warning (as the organisation generator writes: "*" limited by a condition): the file
    // is valid, `fmt --to iam` prints it and exits 0.
    let text = one_line_with_a_late_role(
        r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}"#,
    );
    let column = column_of(&text, r#"{"AWS":"*"}"#);
    assert!(column > 65_535);
    let dir = dir_with(&[("a.json", text.as_bytes())]);
    let run = iamlog_in(&dir, &["fmt", "--to", "iam", "a.json"], &[]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.stdout.contains("role open"), "{}", run.stdout);
    for needle in [
        "public-trust",
        &format!("a.json:1:{column}"),
        "/RoleDetailList/0/AssumeRolePolicyDocument/Statement/0/Principal",
    ] {
        assert!(
            run.stderr.contains(needle),
            "lacks {needle}: {}",
            run.stderr
        );
    }
    assert!(
        run.stderr.len() < 2_000,
        "the line is not copied: {}",
        run.stderr
    );

    // An error: exit 2, with the file, place and pointer.
    let text = one_line_with_a_late_role(
        r#"{"Effect":"Alow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}"#,
    );
    let column = column_of(&text, r#""Alow""#);
    let run = fmt("a.json", &text);
    assert_refused(
        &run,
        &[
            &format!("a.json:1:{column}"),
            "/RoleDetailList/0/AssumeRolePolicyDocument/Statement/0/Effect",
        ],
    );
}

#[test]
fn input_that_is_not_json() {
    let run = fmt(
        "a.json",
        "{\"UserDetailList\": [\n  {\"UserName\": \"alice\",}\n]}\n",
    );
    assert_refused(&run, &["a.json:2:24", "invalid JSON"]);
    let dir = dir_with(&[(
        "a.json",
        b"{\"UserDetailList\": [\n  {\"UserName\": \"alice\",}\n]}\n",
    )]);
    let run = iamlog_in(
        &dir,
        &[
            "check",
            "--input",
            "a.json",
            "--principal",
            PRINCIPAL,
            "--action",
            "s3:GetObject",
            "--resource",
            "*",
        ],
        &[],
    );
    assert_refused(&run, &["a.json:2:24", "invalid JSON"]);
}

#[test]
fn input_of_an_unknown_kind() {
    let run = fmt("a.json", "{\n  \"Users\": []\n}\n");
    assert_refused(
        &run,
        &["a.json:1:1", "not get-account-authorization-details output"],
    );
    let run = fmt("a.json", "[1, 2]\n");
    assert_refused(&run, &["a.json:1:1"]);
}

#[test]
fn input_that_is_not_utf8() {
    let dir = dir_with(&[("a.json", b"{\"UserDetailList\": [\n  \"al\xffce\"]}\n")]);
    let run = iamlog_in(&dir, &["fmt", "--to", "json", "a.json"], &[]);
    assert_refused(&run, &["a.json:2:6", "not UTF-8"]);
}

#[test]
fn authdetails_list_of_the_wrong_type() {
    let run = fmt("a.json", "{\n  \"UserDetailList\": 5\n}\n");
    assert_refused(&run, &["a.json:2:21", "expected-list", "/UserDetailList"]);
}

#[test]
fn authdetails_entity_that_is_not_an_object() {
    let run = fmt("a.json", "{\n  \"RoleDetailList\": [\"deploy\"]\n}\n");
    assert_refused(
        &run,
        &["a.json:2:22", "expected-object", "/RoleDetailList/0"],
    );
}

#[test]
fn authdetails_entity_without_arn() {
    let run = fmt(
        "a.json",
        "{\n  \"UserDetailList\": [{\"UserName\": \"alice\"}]\n}\n",
    );
    assert_refused(&run, &["a.json:2:22", "missing-field", "/UserDetailList/0"]);
}

#[test]
fn authdetails_field_of_the_wrong_type() {
    let run = fmt(
        "a.json",
        "{\n  \"UserDetailList\": [{\"UserName\": 7, \"Arn\": \"arn:aws:iam::111111111111:user/a\"}]\n}\n",
    );
    assert_refused(
        &run,
        &["a.json:2:35", "bad-field", "/UserDetailList/0/UserName"],
    );
}

#[test]
fn authdetails_document_of_the_wrong_type() {
    let run = fmt("a.json", &user_with_document("42"));
    assert_refused(
        &run,
        &[
            "a.json:4:64",
            "bad-document",
            "/UserDetailList/0/UserPolicyList/0/PolicyDocument",
        ],
    );
}

#[test]
fn authdetails_document_string_that_is_not_json() {
    let run = fmt("a.json", &user_with_document(r#""{\"Version\": ""#));
    assert_refused(&run, &["a.json:4:64", "bad-document", "not JSON"]);
}

#[test]
fn authdetails_url_encoded_document_that_is_not_utf8() {
    let run = fmt(
        "a.json",
        &user_with_document(r#""%7B%22Version%22%3A%FF%7D""#),
    );
    assert_refused(&run, &["a.json:4:64", "bad-document", "not UTF-8"]);
}

#[test]
fn authdetails_url_encoded_document_that_is_not_json() {
    let run = fmt("a.json", &user_with_document(r#""%7B%22Version%22%3A""#));
    assert_refused(&run, &["a.json:4:64", "bad-document", "not JSON"]);
}

#[test]
fn authdetails_url_encoded_document_with_duplicate_keys() {
    // {"Statement": [], "Statement": []}
    let run = fmt(
        "a.json",
        &user_with_document(r#""%7B%22Statement%22%3A%5B%5D%2C%22Statement%22%3A%5B%5D%7D""#),
    );
    assert_refused(&run, &["a.json:4:64", "bad-document", "duplicate key"]);
}

#[test]
fn authdetails_url_encoded_document_with_a_policy_error() {
    // {"Statement": {"Effect": "Allow", "Action": "s3:GetObject"}}: no Resource.
    let encoded = "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%7D%7D";
    let run = fmt("a.json", &user_with_document(&format!("\"{encoded}\"")));
    assert_refused(
        &run,
        &[
            "a.json:4:64",
            "missing-resource",
            "(at /Statement of the encoded document)",
            "/UserDetailList/0/UserPolicyList/0/PolicyDocument",
        ],
    );
}

#[test]
fn authdetails_decoded_document_with_a_policy_error() {
    let run = fmt(
        "a.json",
        &user_with_document(
            r#"{"Statement": {"Effect": "Allow", "Action": "s3 :Get", "Resource": "*"}}"#,
        ),
    );
    assert_refused(
        &run,
        &[
            "a.json:4:",
            "bad-action",
            "/UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement/Action",
        ],
    );
}

#[test]
fn authdetails_policy_without_default_version() {
    let run = fmt(
        "a.json",
        "{\n  \"Policies\": [{\"PolicyName\": \"p\", \"Arn\": \"arn:aws:iam::111111111111:policy/p\", \"PolicyVersionList\": []}]\n}\n",
    );
    assert_refused(&run, &["a.json:2:16", "no-default-version", "/Policies/0"]);
}

#[test]
fn authdetails_missing_customer_policy() {
    let run = fmt(
        "a.json",
        "{\n  \"UserDetailList\": [{\"UserName\": \"a\", \"Arn\": \"arn:aws:iam::111111111111:user/a\",\n    \"AttachedManagedPolicies\": [{\"PolicyName\": \"gone\", \"PolicyArn\": \"arn:aws:iam::111111111111:policy/gone\"}]}]\n}\n",
    );
    assert_refused(
        &run,
        &["a.json:2:22", "missing-policy", "/UserDetailList/0"],
    );
}

/// An organisation file whose one SCP has `content` as its Content, and whose target is
/// `target` (the Content value starts on line 7, column 18).
fn organization(content: &str, target: &str) -> String {
    format!(
        r#"{{
  "DescribeOrganization": {{"Organization": {{"Id": "o-exmpl12345", "MasterAccountId": "111111111111"}}}},
  "ListRoots": {{"Roots": [{{"Id": "r-ab12", "PolicyTypes": [{{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}}]}}]}},
  "ListAccountsForParent": [{{"ParentId": "r-ab12", "Accounts": [{{"Id": "111111111111", "Name": "m", "Status": "ACTIVE"}}]}}],
  "DescribePolicy": [{{
    "Policy": {{"PolicySummary": {{"Id": "p-x", "Name": "x", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": false}},
      "Content": {content}}},
    "Targets": [{{"TargetId": "{target}", "Type": "ROOT", "Name": "Root"}}]
  }}]
}}
"#
    )
}

#[test]
fn organization_content_that_is_not_json() {
    let run = fmt(
        "org.json",
        &organization(r#""{\"Statement\": [""#, "r-ab12"),
    );
    assert_refused(&run, &["org.json:7:18", "/DescribePolicy/0/Policy/Content"]);
}

#[test]
fn organization_content_with_a_policy_error() {
    let content = r#""{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Deny\", \"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"}}""#;
    let run = fmt("org.json", &organization(content, "r-ab12"));
    assert_refused(
        &run,
        &[
            "org.json:7:18",
            "principal",
            "/DescribePolicy/0/Policy/Content",
        ],
    );
}

#[test]
fn organization_policy_on_an_unknown_target() {
    let content = r#""{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}}""#;
    let run = fmt("org.json", &organization(content, "ou-ab12-nowhere1"));
    assert_refused(
        &run,
        &[
            "org.json:8:",
            "unknown-target",
            "/DescribePolicy/0/Targets/0",
        ],
    );
}

#[test]
fn organization_section_of_the_wrong_type() {
    let run = fmt(
        "org.json",
        "{\n  \"DescribeOrganization\": {\"Organization\": {\"Id\": \"o-exmpl12345\", \"MasterAccountId\": \"111111111111\"}},\n  \"ListRoots\": 5\n}\n",
    );
    assert_refused(&run, &["org.json:3:", "/ListRoots"]);
}

/// A resource-policy file with one entry, whose fields are `entry` (on line 2, column 25).
fn resource_policies(entry: &str) -> String {
    format!("{{\n  \"ResourcePolicies\": [{{{entry}}}]\n}}\n")
}

const GOOD_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#;

#[test]
fn resource_policies_that_are_not_a_list() {
    let run = fmt("r.json", "{\n  \"ResourcePolicies\": {}\n}\n");
    assert_refused(&run, &["r.json:2:23", "expected-list", "/ResourcePolicies"]);
}

#[test]
fn resource_policy_without_owner() {
    let run = fmt(
        "r.json",
        &resource_policies(&format!(
            "\"Arn\": \"arn:aws:s3:::b\", \"Policy\": {GOOD_POLICY}"
        )),
    );
    assert_refused(&run, &["r.json:2:24", "missing-field", "names no account"]);
}

#[test]
fn resource_policy_with_a_bad_arn_or_account() {
    let run = fmt(
        "r.json",
        &resource_policies(&format!("\"Arn\": \"bucket-b\", \"Policy\": {GOOD_POLICY}")),
    );
    assert_refused(&run, &["r.json:2:32", "bad-arn", "/ResourcePolicies/0/Arn"]);
    let run = fmt(
        "r.json",
        &resource_policies(&format!(
            "\"Arn\": \"arn:aws:s3:::b\", \"Account\": \"12\", \"Policy\": {GOOD_POLICY}"
        )),
    );
    assert_refused(
        &run,
        &["r.json:2:", "bad-field", "/ResourcePolicies/0/Account"],
    );
}

#[test]
fn resource_policy_string_that_is_not_json() {
    let run = fmt(
        "r.json",
        &resource_policies(
            "\"Arn\": \"arn:aws:kms:eu-west-1:111111111111:key/k\", \"Policy\": \"{\\\"Version\\\"\"",
        ),
    );
    assert_refused(
        &run,
        &["r.json:2:", "bad-document", "/ResourcePolicies/0/Policy"],
    );
}

#[test]
fn resource_policy_with_a_policy_error() {
    let policy = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "kms:*", "Resource": "*"}}"#;
    let run = fmt(
        "r.json",
        &resource_policies(&format!(
            "\"Arn\": \"arn:aws:kms:eu-west-1:111111111111:key/k\", \"Policy\": {policy}"
        )),
    );
    assert_refused(
        &run,
        &[
            "r.json:2:",
            "missing-principal",
            "/ResourcePolicies/0/Policy/Statement",
        ],
    );
}

// ---- limits ----------------------------------------------------------------------------------

/// 100,000 nested arrays: an error at the 65th (`IAMLOG_MAX_JSON_DEPTH`), never a stack overflow.
fn deep() -> String {
    format!("{}{}", "[".repeat(100_000), "]".repeat(100_000))
}

#[test]
fn deeply_nested_policy_is_refused() {
    let run = check_identity(&deep());
    assert_refused(&run, &["bad.json", "nest too deep", "line 1 column 65"]);
    let run = check_identity(&format!("{{\"Statement\": {}}}", deep()));
    assert_refused(&run, &["bad.json", "nest too deep", "line 1 column 78"]);
    let dir = dir_with(&[("deep.json", deep().as_bytes())]);
    let run = iamlog_in(&dir, &["lint", "deep.json"], &[]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(
        run.stdout.contains("nest too deep") && run.stdout.contains("IAMLOG_MAX_JSON_DEPTH"),
        "{run:#?}"
    );
}

#[test]
fn deeply_nested_input_is_refused() {
    let run = fmt("deep.json", &format!("{{\"UserDetailList\": {}}}", deep()));
    assert_refused(&run, &["deep.json:1:83", "nest too deep"]);
    let dir = dir_with(&[("deep.json", deep().as_bytes())]);
    let run = iamlog_in(
        &dir,
        &[
            "check",
            "--input",
            "deep.json",
            "--principal",
            PRINCIPAL,
            "--action",
            "s3:GetObject",
            "--resource",
            "*",
        ],
        &[],
    );
    assert_refused(&run, &["deep.json:1:65", "nest too deep"]);
}

#[test]
fn deeply_nested_encoded_document_is_refused() {
    let encoded = format!("\"{}{}\"", "%5B".repeat(100_000), "%5D".repeat(100_000));
    let run = fmt("a.json", &user_with_document(&encoded));
    assert_refused(&run, &["a.json:4:64", "bad-document", "nest too deep"]);
}

#[test]
fn deeply_nested_text_language_is_refused() {
    let text = format!(
        "account 111111111111 {{\n  policy p json {{\"Statement\": {}}}\n}}\n",
        deep()
    );
    let run = fmt("deep.iam", &text);
    assert_refused(&run, &["deep.iam:2:", "nest more than 64 levels deep"]);
}

#[test]
fn input_over_the_size_limit_is_refused() {
    let body = doc("    \"Effect\": \"Allow\",\n    \"Action\": \"*\",\n    \"Resource\": \"*\"");
    let dir = dir_with(&[("p.json", body.as_bytes())]);
    let limit = [("IAMLOG_MAX_INPUT_BYTES", "64")];
    let args = [
        "check",
        "--policy",
        "p.json",
        "--principal",
        PRINCIPAL,
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ];
    let run = iamlog_in(&dir, &args, &limit);
    assert_refused(
        &run,
        &[
            "p.json",
            "more than the limit of 64 bytes per input file",
            "IAMLOG_MAX_INPUT_BYTES",
        ],
    );
    let dir = dir_with(&[("p.json", body.as_bytes())]);
    let run = iamlog_in(&dir, &["lint", "p.json"], &limit);
    assert_refused(
        &run,
        &["p.json", "more than the limit of 64 bytes per input file"],
    );
    let dir = dir_with(&[(
        "a.json",
        b"{\"UserDetailList\": []}                                                   ",
    )]);
    let run = iamlog_in(&dir, &["fmt", "--to", "json", "a.json"], &limit);
    assert_refused(
        &run,
        &["a.json", "more than the limit of 64 bytes per input file"],
    );
    // A document the text language reads with `file(...)` is under the same limit: a device
    // that never ends is an error, not a hang.
    let dir = dir_with(&[(
        "z.iam",
        b"account 111111111111 {\n  policy p file(\"/dev/zero\");\n}\n",
    )]);
    let run = iamlog_in(
        &dir,
        &["fmt", "--to", "json", "z.iam"],
        &[("IAMLOG_MAX_INPUT_BYTES", "4096")],
    );
    assert_refused(
        &run,
        &[
            "z.iam:2:",
            "unreadable-file",
            "more than the limit of 4096 bytes per input file",
        ],
    );
    // Under the limit, the same file is read.
    let dir = dir_with(&[("p.json", body.as_bytes())]);
    let run = iamlog_in(&dir, &args, &[("IAMLOG_MAX_INPUT_BYTES", "1000")]);
    assert_eq!(run.code, Some(0), "{run:#?}");
}

#[test]
fn nesting_depth_is_configurable() {
    // 80 levels: over the default of 64, under a limit raised to 100 (then the document is
    // read, and refused for what it is: a Statement that is no statement).
    let deep80 = format!("{}{}", "[".repeat(79), "]".repeat(79));
    let doc = format!("{{\"Statement\": {deep80}}}");
    let run = check_identity(&doc);
    assert_refused(
        &run,
        &["bad.json", "nest too deep", "IAMLOG_MAX_JSON_DEPTH"],
    );
    let dir = dir_with(&[("bad.json", doc.as_bytes())]);
    let args = [
        "check",
        "--policy",
        "bad.json",
        "--principal",
        PRINCIPAL,
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ];
    let run = iamlog_in(&dir, &args, &[("IAMLOG_MAX_JSON_DEPTH", "100")]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(!run.stderr.contains("nest too deep"), "{run:#?}");
    // Lowered to 3, an ordinary authorization-details file (4 levels) is refused.
    let dir = dir_with(&[(
        "a.json",
        user_with_document("{\"Statement\": []}").as_bytes(),
    )]);
    let run = iamlog_in(
        &dir,
        &["fmt", "--to", "json", "a.json"],
        &[("IAMLOG_MAX_JSON_DEPTH", "3")],
    );
    assert_refused(
        &run,
        &[
            "a.json:4:",
            "more than the limit of 3 levels",
            "IAMLOG_MAX_JSON_DEPTH",
        ],
    );
}

/// A document of `n` statements.
fn statements(n: usize) -> String {
    let one = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#;
    format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{}]}}",
        vec![one; n].join(", ")
    )
}

#[test]
fn statements_per_document_are_limited() {
    let limit = [("IAMLOG_MAX_STATEMENTS", "2")];
    let needles = [
        "the document has 3 statements",
        "more than the limit of 2 statements per policy document",
        "IAMLOG_MAX_STATEMENTS",
    ];
    // A policy file.
    let dir = dir_with(&[("p.json", statements(3).as_bytes())]);
    let args = [
        "check",
        "--policy",
        "p.json",
        "--principal",
        PRINCIPAL,
        "--action",
        "s3:GetObject",
        "--resource",
        "*",
    ];
    let run = iamlog_in(&dir, &args, &limit);
    assert_refused(&run, &[&["p.json:1:"][..], &needles].concat());
    // A document inside authorization details, for every command that loads input.
    let file = user_with_document(&statements(3));
    for command in [
        &["fmt", "--to", "json", "a.json"][..],
        &["analyze", "--input", "a.json"],
        &["query", "--input", "a.json", "admins"],
        &["ls", "users", "--input", "a.json"],
    ] {
        let dir = dir_with(&[("a.json", file.as_bytes())]);
        let run = iamlog_in(&dir, command, &limit);
        assert_refused(
            &run,
            &[
                &[
                    "a.json:4:103",
                    "/UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement",
                ][..],
                &needles,
            ]
            .concat(),
        );
    }
    // Within the limit, the same file loads.
    let dir = dir_with(&[("a.json", user_with_document(&statements(2)).as_bytes())]);
    let run = iamlog_in(&dir, &["analyze", "--input", "a.json"], &limit);
    assert_eq!(run.code, Some(0), "{run:#?}");
    // A case of `simulate`.
    let case = format!(
        r#"[{{"id": 1, "request": {{"principal": "{PRINCIPAL}", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "resourceAccount": "111111111111"}}, "identityPolicies": [{}]}}]"#,
        statements(3)
    );
    let dir = dir_with(&[("cases.json", case.as_bytes())]);
    let run = iamlog_in(&dir, &["simulate", "--cases", "cases.json"], &limit);
    assert_refused(&run, &["cases.json", "/0/identityPolicies/0", needles[1]]);
}

#[test]
fn compiled_and_derived_facts_are_limited() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/org");
    for command in [
        &["analyze", "--input", example][..],
        &["query", "--input", example, "admins"],
    ] {
        let dir = dir_with(&[]);
        let run = iamlog_in(&dir, command, &[("IAMLOG_MAX_FACTS", "10")]);
        assert_refused(
            &run,
            &[
                "the input compiles to",
                "more than the limit of 10 compiled facts",
                "IAMLOG_MAX_FACTS",
            ],
        );
        let dir = dir_with(&[]);
        let run = iamlog_in(&dir, command, &[("IAMLOG_MAX_DERIVED", "10")]);
        assert_refused(
            &run,
            &[
                "the analysis derives",
                "more than the limit of 10 derived facts",
                "IAMLOG_MAX_DERIVED",
            ],
        );
    }
    let dir = dir_with(&[]);
    let run = iamlog_in(
        &dir,
        &["analyze", "--input", example],
        &[("IAMLOG_MAX_FACTS", "100000")],
    );
    assert_eq!(run.code, Some(0), "{run:#?}");
}

#[test]
fn standard_input_is_under_the_size_limit() {
    use std::io::Write;
    use std::process::Stdio;
    let cases = format!("[{}]", vec!["{\"id\": 1}"; 100].join(", "));
    let run = |limit: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iamlog"))
            .args(["simulate", "--cases", "-"])
            .env("IAMLOG_MAX_INPUT_BYTES", limit)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        // The writer may find the pipe closed once the limit is read: that is the point.
        let _ = child.stdin.take().unwrap().write_all(cases.as_bytes());
        let out = child.wait_with_output().expect("ends");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    assert_refused(
        &run("64"),
        &[
            "standard input",
            "more than the limit of 64 bytes per input file",
            "IAMLOG_MAX_INPUT_BYTES",
        ],
    );
    let fine = run("100000");
    assert_eq!(fine.code, Some(0), "{fine:#?}");
}

#[test]
fn duplicate_keys_in_decoded_documents_are_refused() {
    // The document is an object inside the file: its repeated "Effect" must not be read as the
    // last one ("Allow").
    let file = user_with_document(
        r#"{"Statement": [{"Effect": "Deny", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
    );
    for command in [
        &["fmt", "--to", "json", "a.json"][..],
        &["analyze", "--input", "a.json"],
        &[
            "check",
            "--input",
            "a.json",
            "--principal",
            PRINCIPAL,
            "--action",
            "s3:GetObject",
            "--resource",
            "*",
        ],
    ] {
        let dir = dir_with(&[("a.json", file.as_bytes())]);
        let run = iamlog_in(&dir, command, &[]);
        assert_refused(
            &run,
            &[
                "a.json:4:",
                "duplicate key \"Effect\"",
                "at /UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement/0/Effect",
                "in the policy document at /UserDetailList/0/UserPolicyList/0/PolicyDocument",
            ],
        );
    }
    // Anywhere else in the file too.
    let run = fmt(
        "a.json",
        "{\"UserDetailList\": [{\"UserName\": \"a\", \"UserName\": \"b\"}]}",
    );
    assert_refused(
        &run,
        &[
            "a.json:1:",
            "duplicate key \"UserName\"",
            "at /UserDetailList/0/UserName",
        ],
    );
}

// ---- graphs that must not run away -------------------------------------------------------------

/// `analyze` (JSON) and a few queries on a `.iam` file; they must end, with exit 0.
#[track_caller]
fn analyze_ends(text: &str, queries: &[&str]) {
    let dir = dir_with(&[("org.iam", text.as_bytes())]);
    let run = iamlog_in(
        &dir,
        &["analyze", "--input", "org.iam", "--format", "json"],
        &[],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let dir = dir_with(&[("org.iam", text.as_bytes())]);
    let mut args = vec!["query", "--input", "org.iam", "--account", "111111111111"];
    args.extend(queries);
    let run = iamlog_in(&dir, &args, &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn cyclic_trust_graphs_end() {
    // r0 -> r1 -> ... -> r39 -> r0, each role trusting the one before it and allowed to assume
    // any role; and two roles that trust each other.
    let n = 40;
    let mut text = String::from("account 111111111111 {\n");
    for i in 0..n {
        let prev = (i + n - 1) % n;
        text.push_str(&format!(
            "  role r{i} {{ trust role r{prev}; policy hop {{ allow sts:AssumeRole on *; }} }}\n"
        ));
    }
    text.push_str("  role a { trust role b; policy p { allow sts:AssumeRole on role/b; } }\n");
    text.push_str("  role b { trust role a; policy p { allow sts:AssumeRole on role/a; } }\n");
    text.push_str("}\n");
    analyze_ends(
        &text,
        &[
            "reach role/r0",
            "path role/r0 -> role/r39",
            "path role/a -> role/b",
            "escalations",
        ],
    );
}

#[test]
fn self_referencing_groups_end() {
    // A group whose members may add anyone to it, write its policy and pass its own roles;
    // a user listed in it twice.
    let text = "account 111111111111 {
  user u in g, g;
  user v in g;
  group g { policy self { allow iam:AddUserToGroup, iam:PutGroupPolicy, iam:AttachGroupPolicy on arn:aws:iam::111111111111:group/g; } }
  role r { trust account 111111111111; policy p { allow iam:AddUserToGroup on *; } }
}
";
    analyze_ends(
        text,
        &[
            "reach user/u",
            "escalations",
            "admins",
            "path user/u -> role/r",
        ],
    );
}

#[test]
fn huge_wildcard_fan_outs_end() {
    // 150 users allowed every escalation action on every resource, 150 roles that trust the
    // account and every service: every user reaches every role.
    let n = 150;
    let mut text = String::from("account 111111111111 {\n  group everyone { policy wide { allow sts:AssumeRole, iam:PassRole, iam:Put*, iam:Attach*, iam:Create*, iam:Update*, ec2:RunInstances, lambda:*, ssm:* on *; } }\n");
    for i in 0..n {
        text.push_str(&format!("  user u{i} in everyone;\n"));
        text.push_str(&format!(
            "  role r{i} {{ trust account 111111111111; trust service ec2.amazonaws.com, lambda.amazonaws.com; instance-profile r{i}; }}\n"
        ));
    }
    text.push_str("}\n");
    analyze_ends(
        &text,
        &[
            "reach user/u0",
            "who can sts:AssumeRole on role/r7",
            "path user/u3 -> role/r149",
        ],
    );
}

/// `iamlog ... | head`: a reader that closes the pipe early ends the program without a panic.
#[cfg(unix)]
#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamlog"))
        .args(["analyze", "--input", "examples/org", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("ends");
    assert_ne!(
        out.status.code(),
        Some(101),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

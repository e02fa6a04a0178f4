//! `iamlog check --input` with an organisation file (tests/data/organization.json) and the
//! authorization details of its member account 222222222222, run through the built binary.

use serde_json::Value;
use std::process::Command;

const ORG: &str = "tests/data/organization.json";
const AUTH: &str = "tests/data/authdetails-222222222222.json";

/// Runs `iamlog check --format json` on `inputs` and returns the answer and standard error.
fn check(inputs: &[&str], principal: &str, action: &str, resource: &str) -> (Value, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamlog"));
    command.current_dir(env!("CARGO_MANIFEST_DIR")).arg("check");
    for input in inputs {
        command.args(["--input", input]);
    }
    command.args([
        "--principal",
        principal,
        "--action",
        action,
        "--resource",
        resource,
        "--resource-account",
        "222222222222",
        "--format",
        "json",
    ]);
    let output = command.output().expect("iamlog runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "iamlog failed: {stderr}");
    let answer = serde_json::from_slice(&output.stdout).expect("a JSON answer");
    (answer, stderr)
}

/// The 1-based line of the file that contains `needle`.
fn line_of(needle: &str) -> u64 {
    let text = std::fs::read_to_string(format!("{}/{ORG}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let index = text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} is in {ORG}"));
    index as u64 + 1
}

#[test]
fn an_scp_on_the_ou_denies_what_the_user_is_allowed() {
    let user = "arn:aws:iam::222222222222:user/u";
    for inputs in [[ORG, AUTH], [AUTH, ORG]] {
        let (answer, stderr) = check(&inputs, user, "s3:GetObject", "arn:aws:s3:::b/k");
        assert_eq!(answer["decision"], "ExplicitDeny", "{answer:#}");
        let statements = answer["statements"].as_array().unwrap();
        assert_eq!(statements.len(), 1, "{answer:#}");
        let s = &statements[0];
        assert_eq!(s["source"]["type"], "scp");
        assert_eq!(s["source"]["level"], 1, "the prod OU, under the root");
        assert_eq!(s["sid"], "DenyS3");
        assert_eq!(s["file"], ORG);
        assert_eq!(s["pointer"], "/DescribePolicy/1/Policy/Content/Statement/0");
        assert_eq!(s["line"], line_of(r#"\"Sid\": \"DenyS3\""#));
        assert_eq!(answer["incomplete"], Value::Array(Vec::new()));
        assert!(stderr.is_empty(), "{stderr}");
        assert_eq!(
            answer["context"]["aws:principalorgpaths"][0],
            "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"
        );
    }
}

#[test]
fn the_rcp_on_the_root_denies_callers_outside_the_organisation() {
    let outsider = "arn:aws:iam::999999999999:user/x";
    let (answer, _) = check(&[ORG, AUTH], outsider, "s3:GetObject", "arn:aws:s3:::b/k");
    assert_eq!(answer["decision"], "ExplicitDeny", "{answer:#}");
    let s = &answer["statements"][0];
    assert_eq!(s["source"]["type"], "rcp");
    assert_eq!(s["source"]["level"], 0);
    assert_eq!(s["sid"], "EnforceOrgIdentities");
    assert_eq!(s["line"], line_of(r#"\"Sid\": \"EnforceOrgIdentities\""#));
}

#[test]
fn a_second_organisation_file_is_reported() {
    let user = "arn:aws:iam::222222222222:user/u";
    let (answer, stderr) = check(&[ORG, AUTH, ORG], user, "s3:GetObject", "arn:aws:s3:::b/k");
    assert!(stderr.contains("second-organization"), "{stderr}");
    assert_eq!(answer["decision"], "ExplicitDeny");
    let incomplete = answer["incomplete"].as_array().unwrap();
    assert!(
        incomplete
            .iter()
            .any(|r| r.as_str().unwrap().contains("errors")),
        "{answer:#}"
    );
}

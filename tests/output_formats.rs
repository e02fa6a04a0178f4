//! `analyze --format dot|mermaid|sarif` and `query --format dot|mermaid` on the bundled example
//! organisation (examples/org): snapshots, and the checks of outside tools: Graphviz renders
//! the DOT, and the SARIF log validates against the OASIS SARIF 2.1.0 schema.
//!
//! The outside tools are optional on a developer's machine (the test says it skipped) and
//! required in CI: .ci/run installs them and sets `IAMLOG_REQUIRE_DOT=1` and
//! `IAMLOG_REQUIRE_SARIF_SCHEMA=1` (with `IAMLOG_SARIF_PYTHON`, the Python that has
//! `jsonschema` and the schema), and then a missing tool fails the test.

use std::io::Write;
use std::process::{Command, Stdio};

mod common;
use common::iamlog;

fn analyze(format: &str, extra: &[&str]) -> String {
    analyze_input("examples/org", format, extra)
}

fn analyze_input(input: &str, format: &str, extra: &[&str]) -> String {
    let mut args = vec!["analyze", "--input", input, "--format", format];
    args.extend(extra);
    iamlog(&args)
}

/// An organisation with escalations of several kinds (examples/org has none) and a class hub.
const ESCALATIONS: &str = "tests/data/escalations.iam";

const PATH_QUERY: &[&str] = &[
    "query",
    "--input",
    "examples/org",
    "--account",
    "222222222222",
    "path role/ci@333333333333 -> role/deploy",
];

#[test]
fn dot_of_the_whole_graph() {
    insta::assert_snapshot!(analyze("dot", &[]));
}

#[test]
fn mermaid_of_the_whole_graph() {
    insta::assert_snapshot!(analyze("mermaid", &[]));
}

#[test]
fn dot_of_the_escalation_paths() {
    // The example organisation has none: the drawing says so.
    insta::assert_snapshot!(analyze("dot", &["--only", "escalation"]));
    insta::assert_snapshot!(
        "dot_of_the_escalation_paths_of_several_kinds",
        analyze_input(ESCALATIONS, "dot", &["--only", "escalation"])
    );
}

#[test]
fn mermaid_of_the_escalation_paths() {
    insta::assert_snapshot!(analyze_input(
        ESCALATIONS,
        "mermaid",
        &["--only", "escalation"]
    ));
}

#[test]
fn dot_with_a_class_hub() {
    let dot = analyze_input(ESCALATIONS, "dot", &[]);
    // Two builders may pass every role of the account to Lambda: one hub, not 2 x 3 edges.
    assert!(
        dot.contains("every role in 111111111111\\nvia pass-role-lambda"),
        "{dot}"
    );
    insta::assert_snapshot!(dot);
}

#[test]
fn path_query_as_dot_and_mermaid() {
    let mut dot = PATH_QUERY.to_vec();
    dot.extend(["--format", "dot"]);
    let mut mermaid = PATH_QUERY.to_vec();
    mermaid.extend(["--format", "mermaid"]);
    insta::assert_snapshot!(format!("{}\n{}", iamlog(&dot), iamlog(&mermaid)));
}

#[test]
fn graph_formats_draw_path_queries_only() {
    let out = Command::new(env!("CARGO_BIN_EXE_iamlog"))
        .args([
            "query",
            "--input",
            "examples/org",
            "admins",
            "--format",
            "dot",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`path` queries only"));
}

#[test]
fn only_needs_a_graph_format() {
    let out = Command::new(env!("CARGO_BIN_EXE_iamlog"))
        .args(["analyze", "--input", "examples/org", "--only", "escalation"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

/// The SARIF log of an input, checked for what code scanning needs, versions blanked.
fn sarif(input: &str) -> serde_json::Value {
    let mut log: serde_json::Value =
        serde_json::from_str(&analyze_input(input, "sarif", &[])).expect("JSON");
    // The snapshot outlives version bumps.
    for key in ["version", "semanticVersion"] {
        log["runs"][0]["tool"]["driver"][key] = "[version]".into();
    }
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for result in run["results"].as_array().expect("results") {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id);
        let location = &result["locations"][0];
        assert!(
            location["physicalLocation"]["region"]["startLine"].is_u64(),
            "{result}"
        );
        assert!(location["logicalLocations"][0]["name"]
            .as_str()
            .is_some_and(|p| !p.is_empty()));
    }
    log
}

#[test]
fn sarif_log() {
    insta::assert_json_snapshot!(sarif("examples/org"));
}

#[test]
fn sarif_log_of_escalations() {
    let log = sarif(ESCALATIONS);
    let results = log["runs"][0]["results"].as_array().expect("results");
    let rule = |subject: &str| {
        results
            .iter()
            .find(|r| {
                r["properties"]["subject"] == subject && r["properties"]["kind"] == "escalation"
            })
            .map(|r| r["ruleId"].as_str().expect("ruleId").to_string())
    };
    assert_eq!(
        rule("arn:aws:iam::111111111111:user/dev").as_deref(),
        Some("escalation/pass-role-ec2")
    );
    // Assume the role, write its policy: the write is what escalates.
    assert_eq!(
        rule("arn:aws:iam::111111111111:user/intern").as_deref(),
        Some("escalation/put-role-policy")
    );
    insta::assert_json_snapshot!(log);
}

/// Whether an outside tool is required (`IAMLOG_REQUIRE_...=1`), for a missing tool.
fn missing(tool: &str, variable: &str, why: &str) {
    if std::env::var(variable).is_ok_and(|v| v == "1") {
        panic!("{tool} is required ({variable}=1) but {why}");
    }
    eprintln!("SKIPPED: {tool}: {why} (set {variable}=1 to make this a failure)");
}

/// Pipes `input` into a command; `None` if the command cannot be started.
fn pipe(command: &mut Command, input: &str) -> Option<std::process::Output> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(input.as_bytes())
        .expect("writes");
    Some(child.wait_with_output().expect("waits"))
}

#[test]
fn graphviz_renders_the_dot() {
    let mut path = PATH_QUERY.to_vec();
    path.extend(["--format", "dot"]);
    let drawings = [
        analyze("dot", &[]),
        analyze("dot", &["--only", "escalation"]),
        analyze_input(ESCALATIONS, "dot", &[]),
        analyze_input(ESCALATIONS, "dot", &["--only", "escalation"]),
        iamlog(&path),
    ];
    for dot in drawings {
        let Some(out) = pipe(Command::new("dot").arg("-Tsvg"), &dot) else {
            return missing("Graphviz", "IAMLOG_REQUIRE_DOT", "`dot` cannot be run");
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "dot -Tsvg failed: {stderr}\n{dot}");
        assert!(stderr.trim().is_empty(), "dot warned: {stderr}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }
}

#[test]
fn sarif_validates_against_the_oasis_schema() {
    for input in ["examples/org", ESCALATIONS] {
        validate(&analyze_input(input, "sarif", &[]));
    }
}

fn validate(log: &str) {
    let python = std::env::var("IAMLOG_SARIF_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/validate_sarif.py");
    let Some(out) = pipe(Command::new(&python).args([script, "-"]), log) else {
        return missing(
            "SARIF schema check",
            "IAMLOG_REQUIRE_SARIF_SCHEMA",
            &format!("{python} cannot be run"),
        );
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(2) {
        return missing(
            "SARIF schema check",
            "IAMLOG_REQUIRE_SARIF_SCHEMA",
            stderr.trim(),
        );
    }
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("valid against"), "{stdout}");
}

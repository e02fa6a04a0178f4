//! `iamlog diff` on the bundled snapshots (examples/diff/before and after): the text and JSON
//! output as snapshots, and the exit code of each `--fail-on`.

use std::process::{Command, Output};

fn iamlog(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamlog"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .expect("runs")
}

const EXAMPLE: [&str; 5] = [
    "diff",
    "--before",
    "examples/diff/before",
    "--after",
    "examples/diff/after",
];

/// The exit code of `iamlog diff --before B --after A` with `extra` arguments.
fn code(before: &str, after: &str, extra: &[&str]) -> i32 {
    let mut args = vec!["diff", "--before", before, "--after", after];
    args.extend(extra);
    let out = iamlog(&args);
    out.status.code().expect("exited")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

#[test]
fn diff_text() {
    let out = iamlog(&EXAMPLE);
    // Piped: no progress bar on standard error, no colour on standard output.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let text = stdout(&out);
    assert!(!text.contains('\x1b'), "colour in piped output");
    insta::assert_snapshot!(text);
}

#[test]
fn diff_json() {
    let mut args = EXAMPLE.to_vec();
    args.extend(["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&iamlog(&args))).expect("JSON");
    for key in [
        "summary",
        "admins",
        "escalations",
        "public_access",
        "external_access",
        "reachable",
        "permissions",
        "principals",
        "incomplete",
    ] {
        assert!(json.get(key).is_some(), "{key} missing");
    }
    insta::assert_json_snapshot!(json);
}

#[test]
fn fail_on_new_escalation() {
    let (b, a) = ("examples/diff/before", "examples/diff/after");
    assert_eq!(code(b, a, &["--fail-on", "new-escalation"]), 1);
    // Only read access added: no new escalation.
    let (rb, ra) = (
        "tests/data/diff/reads-before.iam",
        "tests/data/diff/reads-after.iam",
    );
    assert_eq!(code(rb, ra, &["--fail-on", "new-escalation"]), 0);
}

#[test]
fn fail_on_new_access() {
    let (rb, ra) = (
        "tests/data/diff/reads-before.iam",
        "tests/data/diff/reads-after.iam",
    );
    assert_eq!(code(rb, ra, &["--fail-on", "new-access"]), 1);
    // The other way round only loses access.
    assert_eq!(code(ra, rb, &["--fail-on", "new-access"]), 0);
}

#[test]
fn fail_on_any() {
    let (rb, ra) = (
        "tests/data/diff/reads-before.iam",
        "tests/data/diff/reads-after.iam",
    );
    assert_eq!(code(ra, rb, &["--fail-on", "any"]), 1);
    assert_eq!(code(rb, rb, &["--fail-on", "any"]), 0);
    // Without --fail-on, a change is not a failure.
    assert_eq!(code(rb, ra, &[]), 0);
}

#[test]
fn the_same_organisation_in_json_and_text_has_no_difference() {
    let out = iamlog(&[
        "diff",
        "--before",
        "examples/org",
        "--after",
        "examples/org.iam",
        "--fail-on",
        "any",
    ]);
    assert_eq!(stdout(&out), "no access gained or lost\n");
}

#[test]
fn bad_input_exits_2() {
    assert_eq!(code("examples/diff/none", "examples/diff/after", &[]), 2);
    assert_eq!(
        iamlog(&["diff", "--before", "examples/diff/before"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        code(
            "examples/diff/before",
            "examples/diff/after",
            &["--fail-on", "sometimes"]
        ),
        2
    );
}

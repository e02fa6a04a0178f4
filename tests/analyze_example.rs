//! `iamlog analyze` and `iamlog query` on the bundled example organisation (examples/org):
//! the reports users read, as snapshots.

mod common;
use common::iamlog;

#[test]
fn analyze_text() {
    insta::assert_snapshot!(iamlog(&["analyze", "--input", "examples/org", "--explain"]));
}

#[test]
fn analyze_json_keeps_its_shape() {
    let text = iamlog(&["analyze", "--input", "examples/org", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    for p in report["principals"].as_array().expect("principals") {
        for key in [
            "arn",
            "kind",
            "account",
            "admin",
            "escalates_to_admin",
            "reachable",
        ] {
            assert!(p.get(key).is_some(), "{key} missing in {p}");
        }
    }
    assert!(report["findings"].is_array());
    insta::assert_json_snapshot!(report);
}

#[test]
fn the_text_language_gives_the_same_report() {
    let json = iamlog(&["analyze", "--input", "examples/org", "--format", "json"]);
    let text = iamlog(&["analyze", "--input", "examples/org.iam", "--format", "json"]);
    let strip = |s: &str| {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        // Statement locations differ between the two sources; the answers must not.
        fn drop_statements(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    m.remove("statements");
                    m.values_mut().for_each(drop_statements);
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(drop_statements),
                _ => {}
            }
        }
        drop_statements(&mut v);
        v
    };
    assert_eq!(strip(&json), strip(&text));
}

#[test]
fn queries() {
    insta::assert_snapshot!(iamlog(&[
        "query",
        "--input",
        "examples/org",
        "--account",
        "222222222222",
        "can user/alice iam:CreateAccessKey on arn:aws:iam::222222222222:user/alice",
        "who can sts:AssumeRole on role/deploy",
        "reach role/ci@333333333333",
        "path role/ci@333333333333 -> role/deploy",
        "admins",
        "escalations",
        "external",
    ]));
}

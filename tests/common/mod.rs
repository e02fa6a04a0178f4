//! Helpers shared by the analysis tests.

use iamlog::answer::Analysis;

/// Loads an organisation written in the text language, fails on any error, and analyses it.
#[allow(dead_code)] // not every test that shares this module analyses text
pub fn analysis(text: &str) -> Analysis {
    let world = iamlog::model::load_str("test.iam", text).expect("loads");
    let errors: Vec<String> = world
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.severity == iamlog::diag::Severity::Error)
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "{text}\n{errors:?}");
    Analysis::new(world)
}

/// Runs the `iamlog` binary in the project directory; fails unless it succeeds, and returns
/// what it printed.
#[allow(dead_code)] // not every test that shares this module runs the binary
pub fn iamlog(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iamlog"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

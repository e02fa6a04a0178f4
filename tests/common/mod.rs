//! Helpers shared by the analysis tests.

use iamlog::answer::Analysis;

/// Loads an organisation written in the text language, fails on any error, and analyses it.
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

//! Every example file users may bring loads, and what it loads to is reviewed in snapshots.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Loads `paths` and returns the summary with the repository's paths made relative.
fn summary(paths: &[PathBuf]) -> String {
    let world = iamlog::model::load_paths(paths).expect("loads");
    assert!(!world.accounts.is_empty(), "{paths:?} loaded no account");
    let prefix = format!("{}/", root().display());
    world.summary().replace(&prefix, "")
}

#[test]
fn shared_example_files_load_with_their_diagnostics() {
    let dir = root().join("../shared/data/examples");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "{} is not beside the project: nothing to load",
            dir.display()
        );
        return;
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.expect("readable").path()).collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let text = summary(std::slice::from_ref(&file)).replace(&file.display().to_string(), &name);
        insta::assert_snapshot!(name, text);
    }
}

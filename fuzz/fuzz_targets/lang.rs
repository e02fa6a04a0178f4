//! The text language: parsing, desugaring into the model (`lang::load`, as `--input x.iam`
//! does), and the commands that run on the loaded world.

#![no_main]

use iamlog::model::World;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `file("...")` reads a file relative to the `.iam` file: keep the fuzzer away from
    // device files, which never end.
    if text.contains("/dev") || text.contains("/proc") || text.contains("/sys") {
        return;
    }
    if let Err(e) = iamlog::lang::parse(text) {
        assert!(text.get(e.span.clone()).is_some(), "{e:?}");
        let _ = iamlog::lang::syntax_diagnostic("fuzz.iam", text, &e).to_string();
        return;
    }
    let mut world = World::default();
    iamlog::lang::load("/nonexistent/fuzz.iam", Arc::from(text), &mut world);
    common::exercise(world);
});

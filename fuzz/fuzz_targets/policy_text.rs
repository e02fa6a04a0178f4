//! The policy reader and validator: `Policy::from_text` for every kind, `lint_document` for
//! every kind and both origins, and locating every diagnostic in the text (as `lint` and
//! `check --policy` print them).

#![no_main]

use iamlog::lint::{infer_kind, lint_document, Origin};
use iamlog::policy::{Policy, PolicyKind};
use libfuzzer_sys::fuzz_target;

const KINDS: [PolicyKind; 8] = [
    PolicyKind::Identity,
    PolicyKind::Boundary,
    PolicyKind::Session,
    PolicyKind::Trust,
    PolicyKind::Resource,
    PolicyKind::Scp,
    PolicyKind::Rcp,
    PolicyKind::Endpoint,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in KINDS {
        let parsed = Policy::from_text(text, kind);
        for d in &parsed.diagnostics {
            let _ = d.clone().locate("fuzz.json", text).to_string();
        }
        let _ = parsed.clone().into_evaluable();
        let _ = parsed.into_result();
    }
    let Ok(value) = iamlog::json::parse_strict(text) else {
        return;
    };
    let _ = infer_kind(&value);
    for kind in KINDS {
        for origin in [Origin::Customer, Origin::AwsManaged] {
            let (_, diagnostics) = lint_document(&value, kind, origin);
            for d in diagnostics {
                let _ = d.locate("fuzz.json", text).to_string();
            }
        }
    }
});

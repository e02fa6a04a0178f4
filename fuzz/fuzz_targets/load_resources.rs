//! The resource-policy file loader. The first byte picks how the rest is used: as a whole input
//! file, or as the `Policy` string of a KMS key and of an S3 bucket.

#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

const TEMPLATE: &str = r#"{"ResourcePolicies": [
  {"Arn": "arn:aws:kms:eu-west-1:111111111111:key/1234", "Policy": POLICY},
  {"Arn": "arn:aws:s3:::bucket", "Account": "111111111111", "Policy": POLICY}
]}"#;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if mode % 2 == 0 {
        common::load_json(text);
    } else {
        let policy = serde_json::to_string(text).expect("a string serializes");
        common::load_json(&TEMPLATE.replace("POLICY", &policy));
    }
});

//! The `get-account-authorization-details` loader. The first byte picks how the rest is used:
//! as a whole input file, or as one policy document inside a fixed file, given as a JSON string
//! or percent-encoded as the raw API returns it (each in an inline policy, a trust policy and a
//! managed policy version).

#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

/// A file with one user, one role and one managed policy, whose documents are `DOC`.
const TEMPLATE: &str = r#"{
  "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::111111111111:user/alice",
    "GroupList": ["dev"], "UserPolicyList": [{"PolicyName": "own", "PolicyDocument": DOC}],
    "AttachedManagedPolicies": [{"PolicyName": "p", "PolicyArn": "arn:aws:iam::111111111111:policy/p"}]}],
  "GroupDetailList": [{"GroupName": "dev", "Arn": "arn:aws:iam::111111111111:group/dev"}],
  "RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111111111111:role/r",
    "AssumeRolePolicyDocument": DOC, "RolePolicyList": []}],
  "Policies": [{"PolicyName": "p", "Arn": "arn:aws:iam::111111111111:policy/p",
    "DefaultVersionId": "v1",
    "PolicyVersionList": [{"Document": DOC, "VersionId": "v1", "IsDefaultVersion": true}]}]
}"#;

/// RFC 3986 percent-encoding of every byte outside the unreserved set, as the IAM API does.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match mode % 3 {
        0 => common::load_json(text),
        1 => {
            let doc = serde_json::to_string(text).expect("a string serializes");
            common::load_json(&TEMPLATE.replace("DOC", &doc));
        }
        _ => {
            let doc = format!("\"{}\"", percent_encode(text));
            common::load_json(&TEMPLATE.replace("DOC", &doc));
        }
    }
});

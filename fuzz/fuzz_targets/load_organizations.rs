//! The AWS Organizations loader. The first byte picks how the rest is used: as a whole input
//! file, or as the `Content` string of an SCP attached to the root of a fixed organisation.

#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

const TEMPLATE: &str = r#"{
  "DescribeOrganization": {"Organization": {"Id": "o-exmpl12345", "MasterAccountId": "111111111111"}},
  "ListRoots": {"Roots": [{"Id": "r-ab12", "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}]},
  "ListOrganizationalUnitsForParent": [{"ParentId": "r-ab12", "OrganizationalUnits": []}],
  "ListAccountsForParent": [{"ParentId": "r-ab12", "Accounts": [{"Id": "111111111111", "Name": "m", "Status": "ACTIVE"}, {"Id": "222222222222", "Name": "p", "Status": "ACTIVE"}]}],
  "DescribePolicy": [{"Policy": {"PolicySummary": {"Id": "p-x", "Name": "x", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": false}, "Content": CONTENT},
    "Targets": [{"TargetId": "r-ab12", "Type": "ROOT", "Name": "Root"}]}]
}"#;

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
        let content = serde_json::to_string(text).expect("a string serializes");
        common::load_json(&TEMPLATE.replace("CONTENT", &content));
    }
});

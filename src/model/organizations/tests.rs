//! Tests of the organisation loader on `tests/data/organization.json`: root `r-ab12` → OU
//! `prod` → account 222222222222, management account 111111111111 under the root; SCPs
//! FullAWSAccess (everywhere) and DenyS3 (on prod); RCPs RCPFullAWSAccess (everywhere) and a
//! data-perimeter Deny on the root.

use super::*;
use crate::diag::Severity;
use serde_json::{json, Value};

const SAMPLE: &str = include_str!("../../../tests/data/organization.json");
const APP: &str = "222222222222";
const MANAGEMENT: &str = "111111111111";

fn sample() -> Value {
    serde_json::from_str(SAMPLE).expect("the sample is JSON")
}

/// Loads `value` (as pretty-printed text) into a fresh world.
fn load_value(value: &Value) -> World {
    let mut world = World::default();
    load_into(value, &mut world);
    world
}

fn load_into(value: &Value, world: &mut World) {
    let text: Arc<str> = serde_json::to_string_pretty(value).unwrap().into();
    load("org.json", text, &Json::from(value), world);
}

fn org(world: &World) -> &Organization {
    world.organization.as_ref().expect("an organisation")
}

/// The diagnostics with this code, as (pointer, severity).
fn with_code(world: &World, code: &str) -> Vec<(String, Severity)> {
    world
        .diagnostics
        .iter()
        .map(|l| &l.diagnostic)
        .filter(|d| d.code == code)
        .map(|d| (d.pointer.clone(), d.severity))
        .collect()
}

/// Asserts exactly one diagnostic with `code`, at `pointer`, of `severity`.
fn assert_one(world: &World, code: &str, pointer: &str, severity: Severity) {
    assert_eq!(
        with_code(world, code),
        vec![(pointer.to_string(), severity)],
        "all diagnostics: {:#?}",
        world.diagnostics
    );
}

/// The pointers of each level's documents (`builtin` for documents without a file).
fn levels(chain: &[Vec<Document>]) -> Vec<Vec<String>> {
    chain
        .iter()
        .map(|level| {
            level
                .iter()
                .map(|d| match d.origin.file {
                    Some(_) => d.origin.pointer.clone(),
                    None => "builtin".to_string(),
                })
                .collect()
        })
        .collect()
}

fn content(i: usize) -> String {
    format!("/DescribePolicy/{i}/Policy/Content")
}

/// A `DescribePolicy` entry for an SCP denying `action` on `targets`.
fn deny_scp(id: &str, action: &str, targets: &[&str]) -> Value {
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}]});
    json!({
        "Policy": {
            "PolicySummary": {"Id": id, "Name": id, "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": false},
            "Content": doc.to_string()
        },
        "Targets": targets.iter().map(|t| json!({"TargetId": t, "Type": "ORGANIZATIONAL_UNIT"})).collect::<Vec<_>>()
    })
}

fn push(value: &mut Value, pointer: &str, item: Value) {
    value
        .pointer_mut(pointer)
        .and_then(Value::as_array_mut)
        .unwrap_or_else(|| panic!("{pointer} is a list"))
        .push(item);
}

#[test]
fn the_sample_loads_without_diagnostics() {
    let world = load_value(&sample());
    assert!(world.diagnostics.is_empty(), "{:#?}", world.diagnostics);
    let org = org(&world);
    assert_eq!(org.id, "o-a1b2c3d4e5");
    assert_eq!(org.management_account, MANAGEMENT);
    assert!(org.scps_enabled && org.rcps_enabled);
    assert_eq!(org.units.len(), 2);
    assert_eq!(org.account_parents[APP], "ou-ab12-11111111");
    assert_eq!(org.account_parents[MANAGEMENT], "r-ab12");
    assert_eq!(org.account_names[APP], "prod-app");
    let ids = |ps: &[OrgPolicy]| ps.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&org.scps), ["p-FullAWSAccess", "p-6yo2k9xa"]);
    assert_eq!(ids(&org.rcps), ["p-RCPFullAWSAccess", "p-8x4m2q7r"]);
    assert_eq!(org.file, Some(0));
}

#[test]
fn a_member_account_has_three_scp_levels() {
    let world = load_value(&sample());
    let chain = org(&world).chain(APP, false);
    assert_eq!(
        levels(&chain),
        [
            vec![content(0)],
            vec![content(0), content(1)],
            vec![content(0)]
        ]
    );
}

#[test]
fn a_listed_rcp_full_aws_access_is_not_added_twice() {
    let world = load_value(&sample());
    let chain = org(&world).chain(APP, true);
    assert_eq!(
        levels(&chain),
        [
            vec![content(2), content(3)],
            vec![content(2)],
            vec![content(2)]
        ]
    );
}

#[test]
fn rcp_full_aws_access_is_supplied_when_not_listed() {
    let mut value = sample();
    value["DescribePolicy"].as_array_mut().unwrap().remove(2);
    let world = load_value(&value);
    assert!(world.diagnostics.is_empty(), "{:#?}", world.diagnostics);
    let chain = org(&world).chain(APP, true);
    assert_eq!(
        levels(&chain),
        [
            vec![content(2), "builtin".to_string()],
            vec!["builtin".to_string()],
            vec!["builtin".to_string()]
        ]
    );
}

#[test]
fn the_management_account_has_no_chain() {
    let world = load_value(&sample());
    assert!(org(&world).chain(MANAGEMENT, false).is_empty());
    assert!(org(&world).chain(MANAGEMENT, true).is_empty());
    assert!(org(&world).chain("999999999999", false).is_empty());
}

#[test]
fn org_paths_run_from_the_organisation_to_the_parent() {
    let world = load_value(&sample());
    assert_eq!(
        org(&world).path_of(APP),
        "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"
    );
    assert_eq!(org(&world).path_of(MANAGEMENT), "o-a1b2c3d4e5/r-ab12/");
}

#[test]
fn a_policy_type_missing_from_the_root_is_off() {
    let mut value = sample();
    value["ListRoots"]["Roots"][0]["PolicyTypes"]
        .as_array_mut()
        .unwrap()
        .remove(1);
    let world = load_value(&value);
    assert!(!org(&world).rcps_enabled);
    assert!(org(&world).chain(APP, true).is_empty());
    assert_eq!(org(&world).chain(APP, false).len(), 3);
}

#[test]
fn an_ou_with_an_unknown_parent_is_left_out() {
    let mut value = sample();
    let lost = json!({"ParentId": "ou-ab12-99999999", "OrganizationalUnits": [{"Id": "ou-ab12-22222222", "Name": "lost"}]});
    push(&mut value, "/ListOrganizationalUnitsForParent", lost);
    let below = json!({"ParentId": "ou-ab12-22222222", "OrganizationalUnits": [{"Id": "ou-ab12-33333333", "Name": "below"}]});
    push(&mut value, "/ListOrganizationalUnitsForParent", below);
    let world = load_value(&value);
    assert_eq!(
        with_code(&world, "unknown-parent"),
        [
            (
                "/ListOrganizationalUnitsForParent/2/ParentId".to_string(),
                Severity::Error
            ),
            (
                "/ListOrganizationalUnitsForParent/3/ParentId".to_string(),
                Severity::Error
            )
        ]
    );
    let message = &world
        .diagnostics
        .iter()
        .find(|l| l.diagnostic.pointer == "/ListOrganizationalUnitsForParent/3/ParentId")
        .unwrap()
        .diagnostic
        .message;
    assert!(message.contains("ancestor ou-ab12-99999999"), "{message}");
    assert!(!org(&world)
        .units
        .iter()
        .any(|u| u.id.starts_with("ou-ab12-2") || u.id.starts_with("ou-ab12-3")));
}

#[test]
fn an_account_with_an_unknown_parent_is_left_out() {
    let mut value = sample();
    let lost = json!({"ParentId": "ou-ab12-99999999", "Accounts": [{"Id": "333333333333", "Name": "lost"}]});
    push(&mut value, "/ListAccountsForParent", lost);
    let world = load_value(&value);
    assert_one(
        &world,
        "unknown-parent",
        "/ListAccountsForParent/2/ParentId",
        Severity::Error,
    );
    assert!(!org(&world).account_parents.contains_key("333333333333"));
    assert!(org(&world).chain("333333333333", false).is_empty());
}

#[test]
fn a_parent_cycle_is_reported_and_does_not_hang() {
    let mut value = sample();
    let a = json!({"ParentId": "ou-ab12-bbbbbbbb", "OrganizationalUnits": [{"Id": "ou-ab12-aaaaaaaa"}]});
    let b = json!({"ParentId": "ou-ab12-aaaaaaaa", "OrganizationalUnits": [{"Id": "ou-ab12-bbbbbbbb"}]});
    push(&mut value, "/ListOrganizationalUnitsForParent", a);
    push(&mut value, "/ListOrganizationalUnitsForParent", b);
    let world = load_value(&value);
    assert_eq!(with_code(&world, "parent-cycle").len(), 2);
    assert_eq!(org(&world).units.len(), 2);
}

#[test]
fn an_account_under_two_parents_keeps_the_first() {
    let mut value = sample();
    push(
        &mut value,
        "/ListAccountsForParent/0/Accounts",
        json!({"Id": APP, "Name": "prod-app"}),
    );
    let world = load_value(&value);
    assert_one(
        &world,
        "two-parents",
        "/ListAccountsForParent/1/Accounts/0",
        Severity::Error,
    );
    assert_eq!(org(&world).account_parents[APP], "r-ab12");
}

#[test]
fn a_target_outside_the_tree_is_an_error() {
    let mut value = sample();
    let target =
        json!({"TargetId": "ou-ab12-33333333", "Name": "gone", "Type": "ORGANIZATIONAL_UNIT"});
    push(&mut value, "/DescribePolicy/1/Targets", target);
    let world = load_value(&value);
    assert_one(
        &world,
        "unknown-target",
        "/DescribePolicy/1/Targets/1/TargetId",
        Severity::Error,
    );
}

#[test]
fn more_than_five_scps_on_a_target_is_a_warning() {
    let mut value = sample();
    for (i, action) in ["ec2:*", "iam:*", "kms:*"].iter().enumerate() {
        let scp = deny_scp(&format!("p-extra00{i}"), action, &["ou-ab12-11111111"]);
        push(&mut value, "/DescribePolicy", scp);
    }
    let world = load_value(&value);
    assert!(
        with_code(&world, "too-many-policies").is_empty(),
        "5 is fine"
    );
    push(
        &mut value,
        "/DescribePolicy",
        deny_scp("p-extra009", "sqs:*", &["ou-ab12-11111111"]),
    );
    let world = load_value(&value);
    assert_one(
        &world,
        "too-many-policies",
        "/ListOrganizationalUnitsForParent/0/OrganizationalUnits/0",
        Severity::Warning,
    );
}

#[test]
fn ous_nested_deeper_than_five_are_a_warning() {
    let mut value = sample();
    let mut parent = "ou-ab12-11111111".to_string(); // level 1
    for level in 2..=7 {
        let id = format!("ou-ab12-0000000{level}");
        let listing = json!({"ParentId": parent, "OrganizationalUnits": [{"Id": id, "Name": format!("level {level}")}]});
        push(&mut value, "/ListOrganizationalUnitsForParent", listing);
        parent = id;
    }
    let world = load_value(&value);
    // Listings 2.. hold levels 2..7; level 6 is the first one too deep.
    assert_one(
        &world,
        "ou-depth",
        "/ListOrganizationalUnitsForParent/6/OrganizationalUnits/0",
        Severity::Warning,
    );
    assert_eq!(org(&world).units.len(), 8);
}

#[test]
fn a_missing_management_account_is_a_warning() {
    let mut value = sample();
    value["ListAccountsForParent"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    value["DescribePolicy"][0]["Targets"]
        .as_array_mut()
        .unwrap()
        .remove(2);
    value["DescribePolicy"][2]["Targets"]
        .as_array_mut()
        .unwrap()
        .remove(2);
    let world = load_value(&value);
    assert_one(
        &world,
        "management-account-not-listed",
        "/DescribeOrganization/Organization/MasterAccountId",
        Severity::Warning,
    );
    assert_eq!(world.diagnostics.len(), 1, "{:#?}", world.diagnostics);
}

#[test]
fn a_level_without_scp_is_a_warning_and_allows_nothing() {
    let mut value = sample();
    value["DescribePolicy"][0]["Targets"]
        .as_array_mut()
        .unwrap()
        .remove(3);
    let world = load_value(&value);
    assert_one(
        &world,
        "no-scp",
        "/ListAccountsForParent/1/Accounts/0",
        Severity::Warning,
    );
    let chain = org(&world).chain(APP, false);
    assert_eq!(chain.len(), 3);
    assert!(chain[2].is_empty());
}

#[test]
fn no_scp_at_all_is_one_warning() {
    let mut value = sample();
    value["DescribePolicy"].as_array_mut().unwrap().drain(0..2);
    let world = load_value(&value);
    assert_one(&world, "no-scp", "/DescribePolicy", Severity::Warning);
}

#[test]
fn problems_in_content_are_reported_at_content() {
    let mut value = sample();
    value["DescribePolicy"][1]["Policy"]["Content"] = json!(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Alow", "Action": "s3:*", "Resource": "*"}]}"#
    );
    value["DescribePolicy"][3]["Policy"]["Content"] = json!("{not json");
    let world = load_value(&value);
    let at_content: Vec<_> = world
        .diagnostics
        .iter()
        .map(|l| &l.diagnostic)
        .filter(|d| d.pointer == content(1))
        .collect();
    assert!(!at_content.is_empty(), "{:#?}", world.diagnostics);
    assert!(at_content
        .iter()
        .filter(|d| !matches!(d.code, "incomplete-document" | "unreadable-scp"))
        .all(|d| d.message.contains("of the Content string")));
    assert!(at_content
        .iter()
        .any(|d| d.message.contains("/Statement/0/Effect")));
    assert_one(&world, "bad-document", &content(3), Severity::Error);
    // The located line is that of the Content string in the file.
    let located = world
        .diagnostics
        .iter()
        .find(|l| l.diagnostic.code == "bad-document")
        .unwrap();
    let text = &world.sources[0].text;
    let line = text.lines().nth(located.line - 1).unwrap();
    assert!(line.contains("\"Content\": \"{not json\""), "{line}");
}

#[test]
fn other_policy_types_and_unknown_fields_are_reported() {
    let mut value = sample();
    value["DescribePolicy"][1]["Policy"]["PolicySummary"]["Type"] = json!("TAG_POLICY");
    value["ListRoots"]["Surprise"] = json!(1);
    value["ListRoots"]["NextToken"] = json!("AAAA");
    let world = load_value(&value);
    assert_eq!(
        with_code(&world, "not-modelled"),
        [
            ("/ListRoots/Surprise".to_string(), Severity::Warning),
            (
                "/DescribePolicy/1/Policy/PolicySummary/Type".to_string(),
                Severity::Warning
            )
        ]
    );
    assert_one(
        &world,
        "truncated",
        "/ListRoots/NextToken",
        Severity::Warning,
    );
    assert_eq!(org(&world).scps.len(), 1);
}

#[test]
fn a_second_organisation_file_is_an_error() {
    let mut world = load_value(&sample());
    let mut other = sample();
    other["DescribeOrganization"]["Organization"]["Id"] = json!("o-zzzzzzzzzz");
    load_into(&other, &mut world);
    assert_one(&world, "second-organization", "", Severity::Error);
    assert_eq!(org(&world).id, "o-a1b2c3d4e5");
    assert_eq!(world.sources.len(), 1);

    let mut merged = load_value(&sample());
    merged.merge(load_value(&other));
    assert_one(&merged, "second-organization", "", Severity::Error);
    assert_eq!(org(&merged).id, "o-a1b2c3d4e5");
}

#[test]
fn merging_shifts_the_file_of_the_organisation() {
    let mut world = World::default();
    world.sources.push(SourceFile {
        name: "before.json".into(),
        text: "{}".into(),
    });
    world.merge(load_value(&sample()));
    let org = org(&world);
    assert_eq!(org.file, Some(1));
    assert_eq!(org.scps[0].document.origin.file, Some(1));
}

#[test]
fn the_dispatcher_recognises_the_file_and_names_accounts() {
    let mut world = World::default();
    world.account_mut(APP);
    crate::model::load_text("org.json", SAMPLE.into(), &mut world).unwrap();
    assert!(world.organization.is_some());
    resolve(&mut world);
    assert_eq!(
        world.account(APP).unwrap().name.as_deref(),
        Some("prod-app")
    );
}

#[test]
fn missing_outputs_are_errors_at_the_top() {
    let mut value = sample();
    value
        .as_object_mut()
        .unwrap()
        .remove("DescribeOrganization");
    let world = load_value(&value);
    assert_one(&world, "missing-field", "", Severity::Error);
    assert_eq!(org(&world).management_account, "");

    let only_policies = json!({"DescribePolicy": []});
    let world = load_value(&only_policies);
    assert_eq!(
        with_code(&world, "missing-field"),
        [
            (String::new(), Severity::Error),
            (String::new(), Severity::Error)
        ]
    );
    assert!(!org(&world).scps_enabled && !org(&world).rcps_enabled);
}

#[test]
fn an_unreadable_scp_is_read_as_allowing_everything() {
    // The FullAWSAccess SCP of the sample (entry 0) has a Content that is not JSON: left out,
    // the account's levels would allow nothing; read as allowing everything, they err toward
    // access, and the warning says so.
    let mut value = sample();
    *value.pointer_mut(&content(0)).unwrap() = json!("{\"Version\": ");
    let world = load_value(&value);
    assert_one(&world, "unreadable-scp", &content(0), Severity::Warning);
    let chain = org(&world).chain(APP, false);
    let first = &chain[0][0].policy;
    assert_eq!(first.statements.len(), 1);
    assert_eq!(first.statements[0].effect, crate::policy::Effect::Allow);
    assert_eq!(first.statements[0].action.items[0].to_string(), "*");
    // A Deny SCP that cannot be read no longer denies.
    let mut value = sample();
    *value.pointer_mut(&content(1)).unwrap() =
        json!({"Statement": [{"Action": "s3:*", "Resource": "*"}]});
    let world = load_value(&value);
    assert_one(&world, "unreadable-scp", &content(1), Severity::Warning);
    let chain = org(&world).chain(APP, false);
    assert!(chain[1].iter().all(|d| d
        .policy
        .statements
        .iter()
        .all(|s| s.effect == crate::policy::Effect::Allow)));
}

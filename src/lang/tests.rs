//! Tests of the text language: the grammar construct by construct, what each construct means
//! in IAM JSON, errors, inputs that must not panic, and round trips through JSON and text.

use super::ast::*;
use super::parse;
use crate::diag::Severity;
use crate::model::export::Exporter;
use crate::model::{Account, World};
use serde_json::{json, Value};

const A: &str = "111111111111";

/// Loads `.iam` text as `load_paths` does (with references resolved).
fn load(text: &str) -> World {
    let mut world = World::default();
    super::load("test.iam", text.into(), &mut world);
    crate::model::authdetails::resolve(&mut world);
    crate::model::organizations::resolve(&mut world);
    world
}

/// `code: message` of every error.
fn errors(world: &World) -> Vec<String> {
    world
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.diagnostic.code, d.diagnostic.message))
        .collect()
}

/// Loads text that must have no errors.
fn load_ok(text: &str) -> World {
    let world = load(text);
    assert_eq!(errors(&world), Vec::<String>::new(), "{text}");
    world
}

/// The one error of `text`, with its line and column.
fn one_error(text: &str) -> (String, usize, usize) {
    let world = load(text);
    let errors: Vec<_> = world
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{text}\n{errors:#?}");
    let d = errors[0];
    (
        format!("{}: {}", d.diagnostic.code, d.diagnostic.message),
        d.line,
        d.column,
    )
}

/// The JSON of a managed policy's default version.
fn policy_json(world: &World, name: &str) -> Value {
    let p = world
        .accounts
        .iter()
        .flat_map(|a| &a.policies)
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no policy {name}"));
    Exporter::new(world)
        .document(&p.default_version().unwrap().document)
        .unwrap()
}

/// The JSON of the statements of a one-policy account: `policy p { BODY }`.
fn statements(body: &str) -> Value {
    let world = load_ok(&format!("account {A} {{ policy p {{ {body} }} }}"));
    policy_json(&world, "p")["Statement"].clone()
}

fn trust_json(world: &World, role: &str) -> Value {
    let r = world.accounts[0]
        .roles
        .iter()
        .find(|r| r.name == role)
        .unwrap();
    Exporter::new(world)
        .document(r.trust.as_ref().unwrap())
        .unwrap()
}

// ---- grammar ---------------------------------------------------------------------------------

#[test]
fn grammar_accounts_with_names_and_spans() {
    let text = "account 111111111111 \"shared\" { }";
    let file = parse(text).unwrap();
    let [Item::Account(a)] = file.items.as_slice() else {
        panic!("{file:?}")
    };
    assert_eq!(a.id.text, A);
    assert_eq!(a.id.span, 8..20);
    assert_eq!(a.name.as_ref().unwrap().text, "shared");
    assert!(a.name.as_ref().unwrap().quoted);
    assert_eq!(a.span, 0..text.len());
}

#[test]
fn grammar_users_headers_and_items() {
    let file = parse(
        r#"account 111111111111 {
            user alice in devs, ops path "/eng/" {
                tag team = "blue"; mfa; password; access-keys 2;
                boundary aws:PowerUserAccess; attach deploy, aws:ReadOnlyAccess;
                policy own { allow s3:* on *; }
            }
            user bob;
        }"#,
    )
    .unwrap();
    let Item::Account(a) = &file.items[0] else {
        panic!()
    };
    let AccountItem::User(u) = &a.items[0] else {
        panic!()
    };
    assert_eq!(u.name.text, "alice");
    let Header::In(groups, _) = &u.header[0] else {
        panic!()
    };
    assert_eq!(groups.len(), 2);
    assert!(matches!(&u.header[1], Header::Path(p) if p.text == "/eng/"));
    assert!(
        matches!(&u.items[0], EntityItem::Tag(k, v, _) if k.text == "team" && v.text == "blue")
    );
    assert!(matches!(u.items[1], EntityItem::Mfa(_)));
    assert!(matches!(u.items[2], EntityItem::Password(_)));
    assert!(matches!(&u.items[3], EntityItem::AccessKeys(n, _) if n.text == "2"));
    assert!(matches!(&u.items[4], EntityItem::Boundary(..)));
    assert!(matches!(&u.items[5], EntityItem::Attach(refs, _) if refs.len() == 2));
    assert!(matches!(&u.items[6], EntityItem::Policy(p) if p.name.text == "own"));
    let AccountItem::User(bob) = &a.items[1] else {
        panic!()
    };
    assert!(bob.items.is_empty());
}

#[test]
fn grammar_roles_trust_and_profiles() {
    let file = parse(
        r#"account 111111111111 {
            role app path "/svc/" {
                trust service ec2.amazonaws.com, user alice when aws:MultiFactorAuthPresent == true;
                trust json { "Version": "2012-10-17", "Statement": [] }
                instance-profile app path "/p/";
            }
        }"#,
    )
    .unwrap();
    let Item::Account(a) = &file.items[0] else {
        panic!()
    };
    let AccountItem::Role(r) = &a.items[0] else {
        panic!()
    };
    let EntityItem::Trust(line) = &r.items[0] else {
        panic!()
    };
    assert_eq!(line.principals[0].kind, PrincipalKind::Service);
    assert_eq!(line.principals[1].kind, PrincipalKind::User);
    assert_eq!(line.conditions.len(), 1);
    assert!(matches!(
        &r.items[1],
        EntityItem::TrustDocument(Body::Json(_), _)
    ));
    assert!(
        matches!(&r.items[2], EntityItem::InstanceProfile(n, Some(p), _) if n.text == "app" && p.text == "/p/")
    );
}

#[test]
fn grammar_statements_with_every_clause() {
    let file = parse(
        r#"resource arn:aws:s3:::b owner 111111111111 {
            allow not iam:*, sts:* on not arn:aws:s3:::b/x to not account 222222222222, * when a:b == "x" and any c:d like ["a*", "b*"];
            deny s3:* to * on * when StringEqualsIgnoreCase aws:username "Bob" and e:f not exists;
        }"#,
    )
    .unwrap();
    let [Item::Resource(r)] = file.items.as_slice() else {
        panic!()
    };
    assert_eq!(r.owner.as_ref().unwrap().text, A);
    let Body::Statements(list, _) = &r.body else {
        panic!()
    };
    let s = &list[0];
    assert_eq!(s.effect, Effect::Allow);
    assert!(s.not_actions);
    assert_eq!(s.actions.len(), 2);
    assert!(
        matches!(&s.targets[0], Target::On { not: true, resources, .. } if resources.len() == 1)
    );
    assert!(
        matches!(&s.targets[1], Target::To { not: true, principals, .. } if principals.len() == 2)
    );
    assert!(matches!(
        &s.conditions[1],
        Condition::Compare {
            quantifier: Some((Quantifier::Any, _)),
            comparison: Comparison::Like,
            values,
            ..
        } if values.len() == 2
    ));
    let s = &list[1];
    assert!(
        matches!(&s.conditions[0], Condition::Operator { operator, .. } if operator.text == "StringEqualsIgnoreCase")
    );
    assert!(matches!(
        &s.conditions[1],
        Condition::Compare {
            comparison: Comparison::Absent,
            ..
        }
    ));
}

#[test]
fn grammar_json_and_file_bodies() {
    let file = parse(
        r#"account 111111111111 {
            policy raw json { "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericLessThan": {"a:b": 3}}}], "x": [true, false, null, -1.5e3] }
            policy disk file("policies/p.json");
        }"#,
    )
    .unwrap();
    let Item::Account(a) = &file.items[0] else {
        panic!()
    };
    let AccountItem::Policy(p) = &a.items[0] else {
        panic!()
    };
    let Body::Json(json) = &p.body else { panic!() };
    let JsonValue::Object(members) = &json.value else {
        panic!()
    };
    assert_eq!(members.len(), 3);
    let AccountItem::Policy(p) = &a.items[1] else {
        panic!()
    };
    assert!(matches!(&p.body, Body::File(path, _) if path.text == "policies/p.json"));
}

#[test]
fn grammar_organizations_nest() {
    let file = parse(
        r#"organization o-abcdefghij management 111111111111 {
            scp guard { deny organizations:LeaveOrganization on *; }
            ou prod {
                ou web { account 333333333333; }
                account 222222222222 "prod" { scp guard; detach FullAWSAccess; }
                rcp file("rcp.json");
            }
        }"#,
    )
    .unwrap();
    let [Item::Organization(o)] = file.items.as_slice() else {
        panic!()
    };
    assert_eq!(o.ids[0].text, "o-abcdefghij");
    assert!(
        matches!(&o.items[0], OrgItem::Policy(p) if p.kind == OrgPolicyKind::Scp && p.body.is_some())
    );
    let OrgItem::Unit(prod) = &o.items[1] else {
        panic!()
    };
    assert!(matches!(&prod.items[0], OrgItem::Unit(web) if web.name.text == "web"));
    assert!(matches!(&prod.items[1], OrgItem::Account(a) if a.items.len() == 2));
    assert!(
        matches!(&prod.items[2], OrgItem::Policy(p) if p.kind == OrgPolicyKind::Rcp && p.name.is_none())
    );
}

#[test]
fn grammar_comments_strings_and_quoted_keywords() {
    let file = parse(
        "# a comment\naccount 111111111111 { # another\n user \"owner\" { tag \"service\" = \"caf\\u00e9 \\\"x\\\"\"; } }",
    )
    .unwrap();
    let Item::Account(a) = &file.items[0] else {
        panic!()
    };
    let AccountItem::User(u) = &a.items[0] else {
        panic!()
    };
    assert_eq!(u.name.text, "owner");
    assert!(
        matches!(&u.items[0], EntityItem::Tag(k, v, _) if k.text == "service" && v.text == "café \"x\"")
    );
}

// ---- meaning ---------------------------------------------------------------------------------

#[test]
fn statements_become_iam_json() {
    assert_eq!(
        statements("allow s3:GetObject, s3:PutObject on arn:aws:s3:::b/*;"),
        json!([{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}])
    );
    assert_eq!(
        statements("allow not iam:* on not arn:aws:s3:::b, arn:aws:s3:::c;"),
        json!([{"Effect": "Allow", "NotAction": "iam:*", "NotResource": ["arn:aws:s3:::b", "arn:aws:s3:::c"]}])
    );
    assert_eq!(
        statements("allow iam:PassRole on role/app-*, user/x;"),
        json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": [
            "arn:aws:iam::111111111111:role/app-*", "arn:aws:iam::111111111111:user/x"]}])
    );
}

#[test]
fn every_document_declares_the_2012_language() {
    let world = load_ok(&format!("account {A} {{ policy p {{ deny * on *; }} }}"));
    assert_eq!(policy_json(&world, "p")["Version"], "2012-10-17");
}

#[test]
fn conditions_choose_their_operator_from_the_comparison_and_the_values() {
    let cases = [
        ("k:k == \"v\"", json!({"StringEquals": {"k:k": "v"}})),
        (
            "k:k in [\"a\", \"b\"]",
            json!({"StringEquals": {"k:k": ["a", "b"]}}),
        ),
        ("k:k != \"v\"", json!({"StringNotEquals": {"k:k": "v"}})),
        (
            "k:k not in [\"a\", \"b\"]",
            json!({"StringNotEquals": {"k:k": ["a", "b"]}}),
        ),
        (
            "k:k == ecs-tasks.amazonaws.com",
            json!({"StringEquals": {"k:k": "ecs-tasks.amazonaws.com"}}),
        ),
        ("k:k == \"true\"", json!({"StringEquals": {"k:k": "true"}})),
        ("k:k == false", json!({"Bool": {"k:k": "false"}})),
        ("k:k == 3", json!({"NumericEquals": {"k:k": "3"}})),
        ("k:k != 3", json!({"NumericNotEquals": {"k:k": "3"}})),
        ("k:k < 3600", json!({"NumericLessThan": {"k:k": "3600"}})),
        (
            "k:k <= 3600",
            json!({"NumericLessThanEquals": {"k:k": "3600"}}),
        ),
        ("k:k > 1.5", json!({"NumericGreaterThan": {"k:k": "1.5"}})),
        (
            "k:k >= 2",
            json!({"NumericGreaterThanEquals": {"k:k": "2"}}),
        ),
        (
            "k:k in 10.0.0.0/8",
            json!({"IpAddress": {"k:k": "10.0.0.0/8"}}),
        ),
        (
            "k:k not in [10.0.0.0/8, 2001:db8::/32]",
            json!({"NotIpAddress": {"k:k": ["10.0.0.0/8", "2001:db8::/32"]}}),
        ),
        ("k:k like \"a*\"", json!({"StringLike": {"k:k": "a*"}})),
        (
            "k:k not like \"a*\"",
            json!({"StringNotLike": {"k:k": "a*"}}),
        ),
        (
            "k:k like arn:aws:iam::*:role/x",
            json!({"ArnLike": {"k:k": "arn:aws:iam::*:role/x"}}),
        ),
        (
            "k:k == arn:aws:iam::1:role/x",
            json!({"ArnEquals": {"k:k": "arn:aws:iam::1:role/x"}}),
        ),
        (
            "k:k not like arn:aws:s3:::b",
            json!({"ArnNotLike": {"k:k": "arn:aws:s3:::b"}}),
        ),
        (
            "k:k < \"2030-01-01T00:00:00Z\"",
            json!({"DateLessThan": {"k:k": "2030-01-01T00:00:00Z"}}),
        ),
        (
            "k:k >= 2024-01-01",
            json!({"DateGreaterThanEquals": {"k:k": "2024-01-01"}}),
        ),
        ("k:k exists", json!({"Null": {"k:k": "false"}})),
        ("k:k not exists", json!({"Null": {"k:k": "true"}})),
        (
            "any k:k in [\"a\", \"b\"]",
            json!({"ForAnyValue:StringEquals": {"k:k": ["a", "b"]}}),
        ),
        (
            "all k:k like \"a*\"",
            json!({"ForAllValues:StringLike": {"k:k": "a*"}}),
        ),
        (
            "StringEqualsIgnoreCase k:k \"Bob\"",
            json!({"StringEqualsIgnoreCase": {"k:k": "Bob"}}),
        ),
        (
            "stringequalsifexists k:k [\"a\", \"b\"]",
            json!({"StringEqualsIfExists": {"k:k": ["a", "b"]}}),
        ),
        (
            "a:a == \"x\" and b:b == \"y\" and a:a like \"z*\"",
            json!({
            "StringEquals": {"a:a": "x", "b:b": "y"}, "StringLike": {"a:a": "z*"}}),
        ),
    ];
    for (written, expected) in cases {
        let s = statements(&format!("allow s3:* on * when {written};"));
        assert_eq!(s[0]["Condition"], expected, "{written}");
    }
}

#[test]
fn principals_become_principal_elements() {
    let world = load_ok(
        r#"account 111111111111 {
            user alice path "/eng/";
            resource arn:aws:s3:::b {
                allow s3:GetObject on arn:aws:s3:::b/* to user alice, role deploy@222222222222, account 333333333333,
                    service cloudtrail.amazonaws.com, 444444444444, arn:aws:iam::555555555555:role/x;
                deny s3:* on * to *;
                deny s3:* on * to not account 111111111111;
            }
        }"#,
    );
    let doc = Exporter::new(&world)
        .document(&world.resource_policies[0].document)
        .unwrap();
    assert_eq!(
        doc["Statement"][0]["Principal"],
        json!({
            "AWS": ["arn:aws:iam::111111111111:user/eng/alice", "arn:aws:iam::222222222222:role/deploy",
                    "arn:aws:iam::333333333333:root", "arn:aws:iam::444444444444:root",
                    "arn:aws:iam::555555555555:role/x"],
            "Service": "cloudtrail.amazonaws.com"
        })
    );
    assert_eq!(doc["Statement"][1]["Principal"], json!("*"));
    assert_eq!(
        doc["Statement"][2]["NotPrincipal"],
        json!({"AWS": "arn:aws:iam::111111111111:root"})
    );
    assert_eq!(world.resource_policies[0].account, A);
}

#[test]
fn trust_lines_are_assume_role_statements() {
    let world = load_ok(
        r#"account 111111111111 {
            user alice;
            role r {
                trust user alice when aws:MultiFactorAuthPresent == true;
                trust service ec2.amazonaws.com, service lambda.amazonaws.com;
                trust federated oidc-provider/token.actions.githubusercontent.com
                    when token.actions.githubusercontent.com:sub like "repo:org/*";
                trust federated arn:aws:iam::111111111111:saml-provider/corp;
                trust federated cognito-identity.amazonaws.com;
            }
        }"#,
    );
    assert_eq!(
        trust_json(&world, "r"),
        json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/alice"}, "Action": "sts:AssumeRole",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
            {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},
             "Action": "sts:AssumeRoleWithWebIdentity",
             "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/*"}}},
            {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111111111111:saml-provider/corp"}, "Action": "sts:AssumeRoleWithSAML"},
            {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity"},
        ]})
    );
}

#[test]
fn entities_become_the_model() {
    let world = load_ok(
        r#"account 111111111111 "shared" {
            user alice in devs path "/eng/" { tag team = "blue"; mfa; access-keys 1; boundary limit; attach deploy, aws:ReadOnlyAccess; policy own { allow s3:* on *; } }
            group devs path "/g/" { attach deploy; policy g { allow ec2:Describe* on *; } }
            role app path "/svc/" { trust service ec2.amazonaws.com; instance-profile app-profile path "/ip/"; tag env = "prod"; attach arn:aws:iam::111111111111:policy/team/deploy; }
            policy deploy path "/team/" { allow ecs:* on *; }
            policy limit { allow * on *; }
        }"#,
    );
    let a: &Account = &world.accounts[0];
    assert_eq!(a.id, A);
    assert_eq!(a.name.as_deref(), Some("shared"));
    let u = &a.users[0];
    assert_eq!(u.arn, "arn:aws:iam::111111111111:user/eng/alice");
    assert_eq!(u.path, "/eng/");
    assert_eq!(u.groups, ["devs"]);
    assert_eq!(u.tags, [("team".to_string(), "blue".to_string())]);
    assert_eq!(u.credentials.mfa, Some(true));
    assert_eq!(u.credentials.password, Some(false));
    assert_eq!(u.credentials.access_keys, Some(1));
    assert_eq!(
        u.boundary.as_deref(),
        Some("arn:aws:iam::111111111111:policy/limit")
    );
    assert_eq!(
        u.attached,
        [
            "arn:aws:iam::111111111111:policy/team/deploy",
            "arn:aws:iam::aws:policy/ReadOnlyAccess"
        ]
    );
    assert_eq!(u.inline[0].name, "own");
    assert_eq!(a.groups[0].arn, "arn:aws:iam::111111111111:group/g/devs");
    let r = &a.roles[0];
    assert_eq!(r.arn, "arn:aws:iam::111111111111:role/svc/app");
    assert_eq!(
        r.instance_profiles,
        ["arn:aws:iam::111111111111:instance-profile/ip/app-profile"]
    );
    assert_eq!(a.instance_profiles[0].roles, std::slice::from_ref(&r.arn));
    assert_eq!(r.attached, ["arn:aws:iam::111111111111:policy/team/deploy"]);
    let deploy = a.policies.iter().find(|p| p.name == "deploy").unwrap();
    assert_eq!(deploy.arn, "arn:aws:iam::111111111111:policy/team/deploy");
    assert_eq!(deploy.versions[0].id, "v1");
    assert!(deploy.versions[0].is_default);
    // The AWS managed policy is resolved from the bundled set.
    assert!(world
        .managed_policy("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .is_some());
}

#[test]
fn blocks_of_one_account_merge() {
    let world = load_ok(&format!(
        "account {A} {{ user a; }} account {A} \"named\" {{ user b; }}"
    ));
    assert_eq!(world.accounts.len(), 1);
    assert_eq!(world.accounts[0].users.len(), 2);
    assert_eq!(world.accounts[0].name.as_deref(), Some("named"));
}

#[test]
fn json_blocks_and_files_are_read_as_written() {
    let dir = std::env::temp_dir().join(format!("iamlog-lang-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("p")).unwrap();
    let doc = r#"{"Version": "2012-10-17", "Statement": {"Sid": "One", "Effect": "Deny", "Action": "*", "Resource": "*"}}"#;
    std::fs::write(dir.join("p/deny.json"), doc).unwrap();
    let text = format!(
        "account {A} {{ policy a json {doc} policy b file(\"p/deny.json\"); }}
         organization management {A} {{ scp file(\"p/deny.json\"); }}"
    );
    let mut world = World::default();
    let name = dir.join("x.iam").display().to_string();
    super::load(&name, text.into(), &mut world);
    assert_eq!(errors(&world), Vec::<String>::new());
    let expected: Value = serde_json::from_str(doc).unwrap();
    assert_eq!(policy_json(&world, "a"), expected);
    assert_eq!(policy_json(&world, "b"), expected);
    assert_eq!(
        world.sources.len(),
        2,
        "the JSON file is a source of its own"
    );
    let scps = &world.organization.as_ref().unwrap().scps;
    assert_eq!(scps[1].name, "deny", "named after its file");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn organizations_become_units_parents_and_policies() {
    let world = load_ok(
        r#"organization o-abcdefghij management 111111111111 {
            scp guard { deny organizations:LeaveOrganization on *; }
            ou prod {
                account 222222222222 "prod" { detach FullAWSAccess; scp allow-s3; }
                ou web { account 333333333333; scp guard; }
                rcp { deny s3:* on * when aws:SecureTransport == false; }
            }
            scp allow-s3 { allow s3:* on *; }
        }"#,
    );
    let org = world.organization.as_ref().unwrap();
    assert_eq!(org.id, "o-abcdefghij");
    assert_eq!(org.management_account, A);
    let units: Vec<(&str, Option<&str>)> = org
        .units
        .iter()
        .map(|u| (u.id.as_str(), u.parent.as_deref()))
        .collect();
    assert_eq!(
        units,
        [
            ("r-root", None),
            ("ou-root-prod", Some("r-root")),
            ("ou-root-web", Some("ou-root-prod"))
        ]
    );
    assert_eq!(org.account_parents["222222222222"], "ou-root-prod");
    assert_eq!(org.account_parents["333333333333"], "ou-root-web");
    assert_eq!(org.account_parents[A], "r-root");
    assert!(org.scps_enabled && org.rcps_enabled);
    let scp = |name: &str| org.scps.iter().find(|p| p.name == name).unwrap();
    assert_eq!(
        scp("FullAWSAccess").targets,
        ["r-root", "ou-root-prod", "ou-root-web", "333333333333", A]
    );
    assert_eq!(scp("guard").targets, ["r-root", "ou-root-web"]);
    assert_eq!(scp("guard").id, "p-guard");
    assert_eq!(scp("allow-s3").targets, ["r-root", "222222222222"]);
    assert_eq!(org.rcps[0].name, "prod-rcp-1");
    let rcp = Exporter::new(&world)
        .document(&org.rcps[0].document)
        .unwrap();
    assert_eq!(rcp["Statement"][0]["Principal"], "*");
}

#[test]
fn no_scp_means_scps_are_off() {
    let world = load_ok("organization management 111111111111 { account 222222222222; }");
    let org = world.organization.as_ref().unwrap();
    assert!(!org.scps_enabled && !org.rcps_enabled);
    assert!(org.scps.is_empty());
    assert_eq!(org.id, super::org::DEFAULT_ORG_ID);
}

#[test]
fn resource_owners_come_from_owner_account_or_arn() {
    let world = load_ok(
        r#"resource arn:aws:sqs:eu-west-1:222222222222:q { allow sqs:SendMessage on * to *; }
           account 111111111111 { resource arn:aws:s3:::logs { allow s3:GetObject on arn:aws:s3:::logs/* to account 222222222222; } }"#,
    );
    assert_eq!(world.resource_policies[0].account, "222222222222");
    assert_eq!(world.resource_policies[1].account, A);
    let (e, _, _) = one_error("resource arn:aws:s3:::logs { allow s3:* on * to *; }");
    assert!(e.starts_with("no-account"), "{e}");
}

#[test]
fn text_documents_keep_their_statement_spans() {
    let text = format!(
        "account {A} {{\n  policy p {{\n    allow s3:* on *;\n    deny iam:* on *;\n  }}\n}}"
    );
    let world = load_ok(&text);
    let d = &world.accounts[0].policies[0].versions[0].document;
    let place = d.origin.place(&world.sources, "/Statement/1").unwrap();
    assert_eq!(&text[place.span], "deny iam:* on *;");
}

#[test]
fn check_decides_with_text_inputs() {
    use crate::policy::{decide, Caller, Outcome, Request};
    let world = load_ok(
        r#"account 111111111111 {
            user alice in devs;
            group devs { policy read { allow s3:GetObject on arn:aws:s3:::b/*; } }
        }"#,
    );
    let caller = Caller::parse("arn:aws:iam::111111111111:user/alice").unwrap();
    let view = world.view(&caller, "s3:GetObject", "arn:aws:s3:::b/k", Some(A));
    let request = Request {
        caller,
        action: "s3:GetObject".into(),
        resource: "arn:aws:s3:::b/k".into(),
        resource_account: Some(A.into()),
        context: view.context.clone(),
        wildcard_only: false,
    };
    assert_eq!(decide(&request, &view.policies).outcome, Outcome::Allow);
}

// ---- errors ----------------------------------------------------------------------------------

/// The syntax error of `text`: message and span.
fn syntax(text: &str) -> (String, std::ops::Range<usize>) {
    let e = parse(text).unwrap_err();
    (e.message, e.span)
}

#[test]
fn syntax_errors_name_what_was_expected_in_words() {
    let text = format!("account {A} {{ policy p {{ allow s3:GetObject arn:aws:s3:::b; }} }}");
    let (message, span) = syntax(&text);
    assert_eq!(
        message,
        "unexpected `arn:aws:s3:::b`; expected `,`, `;`, `on`, `to` or `when`"
    );
    assert_eq!(&text[span], "arn:aws:s3:::b");
    let (message, _) = syntax(&format!("account {A} {{ policy p {{ allow ; }} }}"));
    assert_eq!(
        message,
        "unexpected `;`; expected `not` or an action like `s3:GetObject`"
    );
    let (message, _) = syntax(&format!("account {A} {{ policy p {{ allow s3:* on ; }} }}"));
    assert!(
        message.ends_with("a resource like `arn:aws:s3:::bucket/*` or `*`"),
        "{message}"
    );
    let (message, _) = syntax(&format!("account {A} {{ policy p {{ allow s3:*, ; }} }}"));
    assert!(
        message.ends_with("an action like `s3:GetObject`"),
        "{message}"
    );
    let (message, _) = syntax(&format!(
        "account {A} {{ policy p {{ allow s3:* on * when aws:SourceIp ; }} }}"
    ));
    assert!(
        message.contains("`==`") && message.contains("`exists`"),
        "{message}"
    );
    let (message, _) = syntax(&format!("account {A} {{ user alice {{ attach ; }} }}"));
    assert!(
        message.ends_with("a policy: a name like `deploy`, `aws:ReadOnlyAccess` or an ARN"),
        "{message}"
    );
    let (message, _) = syntax("account");
    assert_eq!(
        message,
        "the file ends early; expected an account ID like `111111111111`"
    );
    let (message, span) = syntax(&format!("account {A} {{ user alice {{ tag x = \"v; }} }}"));
    assert!(
        message.starts_with("this string has no closing quote"),
        "{message}"
    );
    assert_eq!(span.len(), 1);
}

#[test]
fn keywords_used_as_names_say_how_to_quote_them() {
    let (message, _) = syntax(&format!("account {A} {{ user owner; }}"));
    assert!(
        message.contains("(`owner` is a keyword: write \"owner\" to use it as a name)"),
        "{message}"
    );
    load_ok(&format!(
        "account {A} {{ user \"owner\" {{ tag \"owner\" = \"me\"; }} }}"
    ));
}

#[test]
fn unknown_names_are_located_errors_with_suggestions() {
    let (e, line, column) = one_error(&format!(
        "account {A} {{\n  group developers;\n  user alice in developer;\n}}"
    ));
    assert_eq!(
        e,
        "unknown-name: account 111111111111 declares no group `developer` in this file; did you mean `developers`?"
    );
    assert_eq!((line, column), (3, 17));
    let (e, line, _) = one_error(&format!(
        "account {A} {{\n  policy deploy {{ allow * on *; }}\n  role r {{\n    attach Deploy;\n  }}\n}}"
    ));
    assert_eq!(
        e,
        "unknown-policy: account 111111111111 declares no policy `Deploy` in this file; did you mean `deploy`?"
    );
    assert_eq!(line, 4);
    let (e, _, _) = one_error(&format!(
        "account {A} {{ role r {{ attach aws:ReadOnlyAcess; }} }}"
    ));
    assert_eq!(
        e,
        "unknown-policy: no AWS managed policy is named `ReadOnlyAcess`; did you mean `ReadOnlyAccess`?"
    );
    let (e, _, _) = one_error(&format!(
        "account {A} {{ role r {{ attach ReadOnlyAccess; }} }}"
    ));
    assert!(
        e.ends_with("for the AWS managed policy, write `aws:ReadOnlyAccess`"),
        "{e}"
    );
    let (e, _, _) = one_error(&format!("account {A} {{ role r {{ trust user bob; }} }}"));
    assert_eq!(
        e,
        "unknown-name: account 111111111111 declares no user `bob` in this file"
    );
    // Another account's principals are not checked: they may be in another input.
    load_ok(&format!(
        "account {A} {{ role r {{ trust user bob@222222222222; }} }}"
    ));
}

#[test]
fn names_are_unique_ignoring_case() {
    let (e, line, _) = one_error(&format!("account {A} {{\n  user alice;\n  user Alice;\n}}"));
    assert_eq!(
        e,
        "duplicate-name: a user named `alice` is already declared on line 2; IAM names are unique ignoring case"
    );
    assert_eq!(line, 3);
    let (e, _, _) = one_error(&format!(
        "account {A} {{ user a {{ policy p {{ allow * on *; }} policy P {{ allow * on *; }} }} }}"
    ));
    assert!(e.starts_with("duplicate-name"), "{e}");
    // Different kinds may share a name.
    load_ok(&format!(
        "account {A} {{ user x; group x; role x {{ trust service s.amazonaws.com; }} }}"
    ));
}

#[test]
fn an_instance_profile_holds_one_role() {
    let (e, line, _) = one_error(&format!(
        "account {A} {{\n  role a {{ trust service ec2.amazonaws.com; instance-profile p; }}\n  role b {{ trust service ec2.amazonaws.com; instance-profile p; }}\n}}"
    ));
    assert_eq!(
        e,
        "quota: instance profile `p` already holds arn:aws:iam::111111111111:role/a: a profile holds one role"
    );
    assert_eq!(line, 3);
}

#[test]
fn semantic_errors_are_located() {
    let cases = [
        ("group g { tag a = \"b\"; }", "not-allowed: a group has no tags"),
        ("group g { mfa; }", "not-allowed: a group has no long-term credentials (users do)"),
        ("user u { trust service s.amazonaws.com; }", "not-allowed: a user has no trust policy (roles do)"),
        ("role r in g;", "not-allowed: only users are in groups; a role is not"),
        ("user u { access-keys 3; }", "quota: a user has 0, 1 or 2 access keys, not `3`"),
        ("user u path \"eng\";", "bad-path: `eng` is not an IAM path: it starts and ends with `/`, like \"/team/\""),
        ("user \"a b\";", "bad-name: `a b` is not a valid user name: IAM names use letters, digits and +=,.@_-"),
        ("user u { boundary aws:ReadOnlyAccess; boundary aws:ReadOnlyAccess; }", "repeated-clause: an entity has one permissions boundary"),
        ("policy p { allow s3:* on * when a:b == \"x\" and a:b == \"y\"; }", "repeated-condition: `a:b` is tested with StringEquals twice in one statement; IAM JSON can hold one test per operator and key: list the values in one condition (they are alternatives)"),
        ("policy p { allow s3:* on * when a:b == [\"x\", 3]; }", "mixed-values: the values are text and a number: one condition compares values of one kind (quote them all to compare text)"),
        ("policy p { allow s3:* on * when a:b like 3; }", "bad-comparison: `like` compares text or ARNs with wildcards, not a number; quote the value to compare it as text"),
        ("policy p { allow s3:* on * when a:b != true; }", "bad-comparison: IAM has no negated Bool: write `== true` or `== false` (an absent key matches neither)"),
        ("policy p { allow s3:* on * when a:b < \"soon\"; }", "bad-comparison: `<`, `<=`, `>` and `>=` compare numbers or dates, not text"),
        ("policy p { allow s3:* on * when Frobnicate a:b \"x\"; }", "unknown-operator: `Frobnicate` is not an IAM condition operator (such as StringEqualsIgnoreCase or ForAnyValue:StringLike); or write a comparison: `KEY == VALUE`, `like`, `in`, `<`, `exists`"),
        ("policy p { allow s3:* on * to *; }", "principal-not-allowed: Principal is not allowed in identity policies (only resource policies, RCPs and trust policies name principals: drop `to ...`)"),
        ("policy p { allow s3:* on * on *; }", "repeated-clause: a statement has one `on` clause: list its resources with commas"),
        ("policy p { allow s3 on *; }", "bad-action: action \"s3\" has no service prefix (\"service:Action\")"),
        ("policy p json { \"Version\": \"2012-10-17\", \"Version\": \"x\", \"Statement\": [] }", "duplicate-key: \"Version\" appears twice in this object; IAM rejects duplicate keys"),
        ("role r { trust service s.amazonaws.com, federated cognito-identity.amazonaws.com; }", "mixed-trust: federated principals assume a role with another action than the others: give them a `trust` line of their own"),
        ("resource arn:aws:s3:::b owner 222222222222 { allow s3:* on * to *; }", "bad-account: the resource is declared in account 111111111111 but owned by 222222222222"),
    ];
    for (item, expected) in cases {
        let text = format!("account {A} {{\n{item}\n}}");
        let world = load(&text);
        assert_eq!(errors(&world).len(), 1, "{item}: {:#?}", errors(&world));
        let (e, line, _) = one_error(&text);
        assert_eq!(e, expected, "{item}");
        assert_eq!(line, 2, "{item}");
    }
    let world = load(&format!("account {A} {{\n  policy p {{ allow s3:*; }}\n}}"));
    assert_eq!(
        errors(&world)[0],
        "missing-resource: the statement has neither Resource nor NotResource (write `on RESOURCES` (`on *` for every resource))"
    );
    let (e, _, _) = one_error("account 1234 { }");
    assert_eq!(e, "bad-account: `1234` is not an account ID (12 digits)");
    let (e, _, _) = one_error("organization management 111111111111 { ou a { scp nope; } }");
    assert_eq!(
        e,
        "unknown-policy: no scp named `nope` is declared in the organisation"
    );
    let (e, _, _) = one_error(
        "organization management 111111111111 { account 222222222222; ou a { account 222222222222; } }",
    );
    assert!(
        e.starts_with("duplicate-name: account 222222222222 is already placed"),
        "{e}"
    );
    let (e, _, _) = one_error(
        "organization management 111111111111 { scp { allow s3:* on * when aws:PrincipalAccount == \"x\"; } scp { allow s3:* on role/x; } }",
    );
    assert_eq!(
        e,
        "bad-resource: resource \"role/x\" is neither \"*\" nor an ARN"
    );
}

#[test]
fn diagnostics_in_json_blocks_point_at_the_element() {
    let text = format!(
        "account {A} {{\n  policy p json {{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"s3\", \"Resource\": \"*\"}}]\n  }}\n}}"
    );
    let world = load(&text);
    let d = world
        .diagnostics
        .iter()
        .find(|d| d.diagnostic.code == "bad-action")
        .unwrap();
    assert_eq!(&text[d.offset..d.offset + d.len], "\"s3\"");
    assert_eq!(d.diagnostic.pointer, "/Statement/0/Action");
}

#[test]
fn garbage_never_panics() {
    let garbage = [
        "",
        "{",
        "}",
        "account",
        "account {",
        "account 111111111111 { user",
        "account 111111111111 { user a { policy p { allow",
        "\"",
        "\"\\",
        "\"\\u12\"",
        "# only a comment",
        "!!!",
        "account 111111111111 { policy p json { \"a\": [1, 2, {\"b\": -} ] } }",
        "account 111111111111 { policy p json { \"Statement\": 1e999999 } }",
        "account 111111111111 { policy p json { } }",
        "account 111111111111 { policy p json { \"Version\": \"2012-10-17\", \"Statement\": [null, 1, \"x\", []] } }",
        "account 111111111111 { policy p file(\"/nonexistent/x.json\"); }",
        "account 111111111111 { policy p file(\"\"); }",
        "account 111111111111 { policy p { allow é:ü on ☃ when ☃ == ☃; } }",
        "account 111111111111 { user \u{0}; }",
        "resource x { }",
        "resource \"\" owner \"\" { allow * to user @, role @@, account , service \"\", federated \"\"; }",
        "organization \"\" management \"\" { ou \"\" { account \"\"; scp \"\"; detach \"\"; } }",
        "organization management 1 { account 1 { ou x { } account 2; } }",
        "account 111111111111 { role r { trust * when a == [] ; } }",
        "account 111111111111 { user a in , ; }",
        "account 111111111111 { policy p { allow s3:* on * when any a:b exists; } }",
        "account 111111111111 { policy p { allow s3:* on * when a:b < 99999999999999999999999999999999999999; } }",
    ];
    for text in garbage {
        let _ = load(text);
    }
    // Deep nesting is refused before anything recursive runs over it.
    let deep = format!(
        "account {A} {{ policy p json {{ \"a\": {}1{} }} }}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (message, _) = syntax(&deep);
    assert!(message.contains("nest more than 64 levels"), "{message}");
    let ous = format!(
        "organization management {A} {{ {} {} }}",
        "ou x {".repeat(50_000),
        "}".repeat(50_000)
    );
    let _ = load(&ous);
    // Every prefix of a valid file, and the file with each character doubled or dropped.
    let valid = include_str!("../../examples/org.iam");
    let boundaries: Vec<usize> = (0..=valid.len())
        .filter(|i| valid.is_char_boundary(*i))
        .collect();
    for &i in boundaries.iter().step_by(7) {
        let _ = load(&valid[..i]);
        let mut dropped = valid[..i].to_string();
        if let Some(rest) = valid.get(i..) {
            dropped.push_str(rest.get(1..).unwrap_or(""));
        }
        let _ = load(&dropped);
    }
    // Pseudo-random bytes from the language's own alphabet.
    let alphabet: Vec<&str> = vec![
        "account",
        "user",
        "role",
        "group",
        "policy",
        "allow",
        "deny",
        "on",
        "to",
        "when",
        "and",
        "{",
        "}",
        ";",
        ",",
        "[",
        "]",
        "==",
        "in",
        "not",
        "json",
        ":",
        "\"x\"",
        "111111111111",
        "s3:*",
        "*",
        "organization",
        "ou",
        "scp",
        "rcp",
        "management",
        "trust",
        "like",
        "exists",
        "file",
        "(",
        ")",
        "resource",
        "arn:aws:s3:::b",
        "=",
        "tag",
        "attach",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..400 {
        let mut text = String::new();
        for _ in 0..30 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push_str(alphabet[(seed % alphabet.len() as u64) as usize]);
            text.push(' ');
        }
        let _ = load(&text);
    }
}

// ---- round trips -----------------------------------------------------------------------------

/// The parts of an account that JSON and text must agree on (not origins, IDs or credentials).
fn essence(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    let doc = |d: &crate::model::Document| format!("{:?}", d.policy);
    for a in &world.accounts {
        for u in &a.users {
            let inline: Vec<String> = u
                .inline
                .iter()
                .map(|p| format!("{}={}", p.name, doc(&p.document)))
                .collect();
            out.push(format!(
                "user {} {} {} groups={:?} attached={:?} boundary={:?} tags={:?} inline={inline:?}",
                u.arn, u.name, u.path, u.groups, u.attached, u.boundary, u.tags
            ));
        }
        for g in &a.groups {
            let inline: Vec<String> = g
                .inline
                .iter()
                .map(|p| format!("{}={}", p.name, doc(&p.document)))
                .collect();
            out.push(format!(
                "group {} {} {} attached={:?} inline={inline:?}",
                g.arn, g.name, g.path, g.attached
            ));
        }
        for r in &a.roles {
            let inline: Vec<String> = r
                .inline
                .iter()
                .map(|p| format!("{}={}", p.name, doc(&p.document)))
                .collect();
            out.push(format!(
                "role {} {} {} trust={:?} attached={:?} boundary={:?} tags={:?} profiles={:?} inline={inline:?}",
                r.arn, r.name, r.path, r.trust.as_ref().map(doc), r.attached, r.boundary, r.tags, r.instance_profiles
            ));
        }
        for p in &a.instance_profiles {
            out.push(format!(
                "profile {} {} {} {:?}",
                p.arn, p.name, p.path, p.roles
            ));
        }
        for p in a.policies.iter().filter(|p| p.origin.file.is_some()) {
            let v = p.default_version().unwrap();
            out.push(format!(
                "policy {} {} {} {}",
                p.arn,
                p.name,
                p.path,
                doc(&v.document)
            ));
        }
    }
    for r in &world.resource_policies {
        out.push(format!(
            "resource {} {} {}",
            r.arn,
            r.account,
            doc(&r.document)
        ));
    }
    if let Some(org) = &world.organization {
        let mut parents: Vec<_> = org.account_parents.iter().collect();
        parents.sort();
        out.push(format!(
            "org {} {} {:?} {parents:?} {} {}",
            org.id,
            org.management_account,
            org.units
                .iter()
                .map(|u| (&u.id, &u.name, &u.parent))
                .collect::<Vec<_>>(),
            org.scps_enabled,
            org.rcps_enabled
        ));
        for p in org.scps.iter().chain(&org.rcps) {
            let mut targets = p.targets.clone();
            targets.sort();
            out.push(format!(
                "org policy {} {} {targets:?} {}",
                p.id,
                p.name,
                doc(&p.document)
            ));
        }
    }
    out
}

/// Asserts that two essences are equal, showing the first difference.
fn assert_same(left: &[String], right: &[String], context: &str) {
    for (i, (l, r)) in left.iter().zip(right).enumerate() {
        assert_eq!(l, r, "item {i} differs\n{context}");
    }
    assert_eq!(left.len(), right.len(), "lengths differ\n{context}");
}

/// Loads each JSON text as its own source.
fn load_json(files: &[String]) -> World {
    let mut world = World::default();
    for (i, text) in files.iter().enumerate() {
        crate::model::load_text(&format!("f{i}.json"), text.as_str().into(), &mut world).unwrap();
    }
    crate::model::authdetails::resolve(&mut world);
    crate::model::organizations::resolve(&mut world);
    world
}

/// The account, resource-policy and organisation JSON of a world, as `fmt --out` writes it.
fn to_json_files(world: &World) -> Vec<String> {
    let exporter = Exporter::new(world);
    let mut files: Vec<String> = world
        .accounts
        .iter()
        .map(|a| crate::model::export::to_pretty(&exporter.account(a)))
        .collect();
    files.extend(
        exporter
            .resource_policies()
            .into_iter()
            .chain(exporter.organization())
            .map(|v| crate::model::export::to_pretty(&v)),
    );
    files
}

#[test]
fn text_to_json_and_back_gives_the_same_model() {
    let text = include_str!("../../examples/org.iam");
    let world = load_ok(text);
    let again = load_json(&to_json_files(&world));
    assert_eq!(errors(&again), Vec::<String>::new());
    assert_same(&essence(&again), &essence(&world), "");
}

#[test]
fn json_to_text_and_back_gives_the_same_model() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/org");
    let world = crate::model::load_paths(&[dir.into()]).unwrap();
    let text = super::to_text(&world);
    let again = load(&text);
    assert_eq!(errors(&again), errors(&world), "{text}");
    assert_same(&essence(&again), &essence(&world), &text);
}

#[test]
fn text_to_text_is_stable() {
    let world = load_ok(include_str!("../../examples/org.iam"));
    let once = super::to_text(&world);
    let twice = super::to_text(&load_ok(&once));
    assert_eq!(once, twice);
    assert_same(&essence(&load_ok(&once)), &essence(&world), &once);
}

#[test]
fn the_text_form_of_statements_desugars_to_the_same_json() {
    let documents = [json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}, "Bool": {"aws:SecureTransport": true},
                       "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                       "ForAnyValue:StringLike": {"aws:TagKeys": "x*"}, "StringEqualsIgnoreCaseIfExists": {"a:b": "c"},
                       "DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}, "Null": {"aws:TokenIssueTime": "false"},
                       "ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}, "StringNotEquals": {"x:y": "true"}}},
        {"Effect": "Deny", "NotAction": "iam:*", "NotResource": ["role/x", "*"]},
    ]})];
    for doc in documents {
        let text = format!("account {A} {{ policy p json {doc} }}");
        let world = load(&text);
        let printed = super::to_text(&world);
        assert!(!printed.contains("json"), "{printed}");
        let again = load(&printed);
        assert_same(&essence(&again), &essence(&world), &printed);
    }
}

#[test]
fn the_text_example_describes_the_json_example() {
    let text = load_ok(include_str!("../../examples/org.iam"));
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/org");
    let json = crate::model::load_paths(&[dir.into()]).unwrap();
    let mut left = essence(&text);
    let mut right = essence(&json);
    left.sort();
    right.sort();
    assert_same(&left, &right, "examples/org.iam and examples/org/*.json");
}

#[test]
fn organization_ids_may_be_given() {
    let world = load_ok(
        "organization o-exmpl12345 r-ex12 management 111111111111 {
            ou prod ou-ex12-prod0001 { scp guard p-guard0001 { deny * on *; } }
        }",
    );
    let org = world.organization.as_ref().unwrap();
    assert_eq!(org.id, "o-exmpl12345");
    assert_eq!(org.units[0].id, "r-ex12");
    assert_eq!(org.units[1].id, "ou-ex12-prod0001");
    assert_eq!(org.units[1].parent.as_deref(), Some("r-ex12"));
    assert_eq!(org.scps[1].id, "p-guard0001");
    let (e, _, _) = one_error("organization x management 111111111111 { }");
    assert_eq!(
        e,
        "bad-organization-id: `x` is neither an organisation ID (`o-...`) nor a root ID (`r-...`)"
    );
    let (e, _, _) = one_error("organization management 111111111111 { ou a b { } }");
    assert_eq!(e, "bad-id: `b` is not an OU ID (`ou-...`)");
}

// ---- round trips of generated files (proptest) ----------------------------------------------

mod generated {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::{select, subsequence};

    const ACTIONS: &[&str] = &[
        "s3:GetObject",
        "s3:Get*",
        "iam:*",
        "*",
        "ec2:Run?nstances",
        "sts:AssumeRole",
        "iam:PassRole",
    ];
    const RESOURCES: &[&str] = &[
        "*",
        "arn:aws:s3:::b/*",
        "arn:aws:s3:::b",
        "role/app-*",
        "\"arn:aws:iam::111111111111:user/${aws:username}\"",
    ];
    /// Conditions, one per key (a key tested twice by one operator is an error).
    const CONDITIONS: &[&str] = &[
        "aws:MultiFactorAuthPresent == true",
        "IpAddress aws:SourceIp \"10.0.0.0/8\"",
        "aws:PrincipalTag/team == \"blue\"",
        "aws:username like \"a*\"",
        "s3:max-keys < 10",
        "aws:RequestedRegion not in [\"eu-west-1\", \"eu-central-1\"]",
        "any aws:TagKeys like [\"a*\", \"b*\"]",
        "aws:TokenIssueTime exists",
        "e:f not exists",
        "StringEqualsIgnoreCaseIfExists aws:userid \"Bob\"",
        "DateGreaterThan aws:CurrentTime \"2024-01-01T00:00:00Z\"",
        "ArnLike aws:SourceArn \"arn:aws:s3:::*\"",
        "NumericLessThanEquals aws:MultiFactorAuthAge 3600",
    ];

    /// One statement in the text form.
    fn statement() -> impl Strategy<Value = String> {
        (
            proptest::option::of(0u8..10),
            any::<bool>(),
            any::<bool>(),
            subsequence(ACTIONS, 1..3),
            any::<bool>(),
            subsequence(RESOURCES, 1..3),
            subsequence(CONDITIONS, 0..3),
        )
            .prop_map(
                |(sid, allow, not_action, actions, not_resource, resources, conditions)| {
                    let sid = sid.map(|n| format!("sid S{n} ")).unwrap_or_default();
                    let effect = if allow { "allow" } else { "deny" };
                    let not = |b: bool| if b { "not " } else { "" };
                    let when = if conditions.is_empty() {
                        String::new()
                    } else {
                        format!(" when {}", conditions.join(" and "))
                    };
                    format!(
                        "{sid}{effect} {}{} on {}{}{when};",
                        not(not_action),
                        actions.join(", "),
                        not(not_resource),
                        resources.join(", ")
                    )
                },
            )
    }

    /// A policy body: statements with distinct Sids (IAM requires unique Sids).
    fn body() -> impl Strategy<Value = String> {
        proptest::collection::vec(statement(), 1..3).prop_map(|statements| {
            let mut seen = Vec::new();
            statements
                .into_iter()
                .map(|s| match s.strip_prefix("sid ") {
                    Some(rest) => {
                        let sid = rest.split(' ').next().unwrap_or("").to_string();
                        if seen.contains(&sid) {
                            rest[sid.len() + 1..].to_string()
                        } else {
                            seen.push(sid);
                            s
                        }
                    }
                    None => s,
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    const TRUSTS: &[&str] = &[
        "trust user u0;",
        "trust service ec2.amazonaws.com;",
        "trust account 222222222222 when aws:MultiFactorAuthPresent == true;",
        "trust role r1;",
        "trust federated oidc-provider/token.actions.githubusercontent.com when token.actions.githubusercontent.com:sub like \"repo:org/*\";",
    ];

    /// An account of two users, a group, two roles and two managed policies, each piece
    /// optional or varied.
    fn account() -> impl Strategy<Value = String> {
        (
            (any::<bool>(), proptest::option::of(select(&["blue", "red"][..])), any::<bool>()),
            (proptest::option::of(body()), subsequence(&["p0", "p1", "aws:ReadOnlyAccess"][..], 0..3)),
            (subsequence(TRUSTS, 1..3), subsequence(&["p0", "p1"][..], 0..2), any::<bool>(), any::<bool>()),
            (body(), body(), proptest::option::of(body())),
        )
            .prop_map(|((in_group, tag, path), (group_inline, group_attach), (trusts, role_attach, boundary, profile), (p0, p1, user_inline))| {
                let mut user = format!("user u0{}{}", if in_group { " in g0" } else { "" }, if path { " path \"/eng/\"" } else { "" });
                let mut inner = String::new();
                if let Some(t) = tag {
                    inner.push_str(&format!(" tag team = \"{t}\";"));
                }
                if let Some(b) = user_inline {
                    inner.push_str(&format!(" policy own {{ {b} }}"));
                }
                if inner.is_empty() {
                    user.push(';');
                } else {
                    user.push_str(&format!(" {{{inner} }}"));
                }
                let mut group = String::from("group g0 {");
                if let Some(b) = group_inline {
                    group.push_str(&format!(" policy gi {{ {b} }}"));
                }
                if !group_attach.is_empty() {
                    group.push_str(&format!(" attach {};", group_attach.join(", ")));
                }
                group.push_str(" }");
                let mut role = format!("role r0 {{ {}", trusts.join(" "));
                if !role_attach.is_empty() {
                    role.push_str(&format!(" attach {};", role_attach.join(", ")));
                }
                if boundary {
                    role.push_str(" boundary p1;");
                }
                if profile {
                    role.push_str(" instance-profile r0;");
                }
                role.push_str(" }");
                format!(
                    "account {A} \"a\" {{\n  {user}\n  user u1;\n  {group}\n  {role}\n  role r1 {{ trust service lambda.amazonaws.com; }}\n  policy p0 {{ {p0} }}\n  policy p1 {{ {p1} }}\n}}\n"
                )
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// text -> model -> JSON -> model gives the same model, and so does
        /// model -> text -> model (issue #7).
        #[test]
        fn generated_files_survive_json_and_text(text in account()) {
            let world = load(&text);
            prop_assert_eq!(errors(&world), Vec::<String>::new(), "{}", text);
            let json = to_json_files(&world);
            let again = load_json(&json);
            prop_assert_eq!(errors(&again), Vec::<String>::new(), "{}", json.join("\n"));
            assert_same(&essence(&again), &essence(&world), &text);
            let printed = super::super::to_text(&world);
            let back = load(&printed);
            prop_assert_eq!(errors(&back), Vec::<String>::new(), "{}", printed);
            assert_same(&essence(&back), &essence(&world), &printed);
        }
    }
}

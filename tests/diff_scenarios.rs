//! `answer::diff` on small organisations: what counts as gained, lost or changed.

mod common;

use common::analysis;
use iamlog::answer::diff::{diff, Change, Conditional};

const MFA_TRUST: &str = r#"
account 111111111111 {
  user ann { policy p { allow sts:AssumeRole on role/ops; } }
  role ops { trust user ann when aws:MultiFactorAuthPresent == true; }
}"#;

const PLAIN_TRUST: &str = r#"
account 111111111111 {
  user ann { policy p { allow sts:AssumeRole on role/ops; } }
  role ops { trust user ann; }
}"#;

#[test]
fn dropping_a_condition_is_a_gain_and_adding_one_a_loss() {
    let (mfa, plain) = (analysis(MFA_TRUST), analysis(PLAIN_TRUST));
    let widened = diff(&mfa, &plain);
    assert_eq!(widened.reachable.len(), 1, "{widened:#?}");
    let entry = &widened.reachable[0];
    assert_eq!(entry.change, Change::Gained);
    assert_eq!(
        entry.conditional,
        Conditional {
            before: Some(true),
            after: Some(false)
        }
    );
    assert!(widened.gains_access() && !widened.gains_escalation());
    let narrowed = diff(&plain, &mfa);
    assert_eq!(narrowed.reachable[0].change, Change::Lost);
    assert!(!narrowed.gains_access() && !narrowed.is_empty());
}

#[test]
fn an_identical_snapshot_has_no_difference() {
    let d = diff(&analysis(MFA_TRUST), &analysis(MFA_TRUST));
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn a_shorter_route_to_administrator_is_a_new_escalation() {
    // Before: ann reaches an administrator role through a middle role. After: she may also
    // attach any policy to herself, one step.
    let long = r#"
account 111111111111 {
  user ann { policy p { allow sts:AssumeRole on role/middle; } }
  role middle { trust user ann; policy p { allow sts:AssumeRole on role/admin; } }
  role admin { trust role middle; attach aws:AdministratorAccess; }
}"#;
    let short = r#"
account 111111111111 {
  user ann { policy p { allow sts:AssumeRole on role/middle;
                        allow iam:AttachUserPolicy on user/ann; } }
  role middle { trust user ann; policy p { allow sts:AssumeRole on role/admin; } }
  role admin { trust role middle; attach aws:AdministratorAccess; }
}"#;
    let (long, short) = (analysis(long), analysis(short));
    let d = diff(&long, &short);
    let ann: Vec<_> = d
        .escalations
        .iter()
        .filter(|e| e.principal.ends_with("user/ann"))
        .collect();
    assert_eq!(ann.len(), 1, "{d:#?}");
    assert_eq!(ann[0].change, Change::Gained);
    assert_eq!(ann[0].path_before.as_ref().map(Vec::len), Some(2));
    assert_eq!(ann[0].path_after.as_ref().map(Vec::len), Some(1));
    assert!(d.gains_escalation());
    // Back again, the shortcut is lost.
    let back = diff(&short, &long);
    assert!(!back.gains_escalation(), "{back:#?}");
}

#[test]
fn a_principal_that_becomes_an_administrator_is_told_once() {
    let before = r#"
account 111111111111 {
  user ann { policy p { allow iam:AttachUserPolicy on user/ann; } }
}"#;
    let after = r#"
account 111111111111 {
  user ann { attach aws:AdministratorAccess; policy p { allow iam:AttachUserPolicy on user/ann; } }
}"#;
    let d = diff(&analysis(before), &analysis(after));
    assert_eq!(d.admins.len(), 1);
    assert_eq!(d.admins[0].change, Change::Gained);
    // Its way to administrator is not reported lost, nor its reach, nor its permissions.
    assert!(d.escalations.is_empty(), "{d:#?}");
    assert!(d.reachable.is_empty(), "{d:#?}");
    assert!(d.permissions.is_empty(), "{d:#?}");
}

#[test]
fn permissions_decided_for_changed_statements_only_agree_with_all_actions() {
    // A boundary, an edited policy, a removed and an added statement, a NotAction: the diff
    // decides only the actions the changed statements name; deciding every action of both
    // sides must find the same changes.
    let before = r#"
account 111111111111 {
  user ann {
    boundary limit;
    policy p {
      allow s3:GetObject, s3:PutObject on arn:aws:s3:::a/*;
      allow not iam:*, organizations:* on * when aws:MultiFactorAuthPresent == true;
      allow sqs:SendMessage on *;
    }
  }
  policy limit { allow s3:*, sqs:*, iam:GetUser on *; }
}"#;
    let after = r#"
account 111111111111 {
  user ann {
    boundary limit;
    policy p {
      allow s3:GetObject on arn:aws:s3:::a/*, arn:aws:s3:::b/*;
      allow not iam:*, organizations:* on *;
      allow iam:GetUser on *;
    }
  }
  policy limit { allow s3:*, sqs:*, iam:GetUser on *; }
}"#;
    let (b, a) = (analysis(before), analysis(after));
    let d = diff(&b, &a);
    let ann_b = b.resolve("user/ann", None).unwrap();
    let ann_a = a.resolve("user/ann", None).unwrap();
    let (gb, ga) = (b.grants(ann_b), a.grants(ann_a));
    let mut expected: Vec<(String, String, Change)> = Vec::new();
    for (g, c) in &gb {
        match ga.get(g) {
            None => expected.push((g.action.clone(), g.resource.clone(), Change::Lost)),
            Some(&c2) if c2 != *c => expected.push((
                g.action.clone(),
                g.resource.clone(),
                if c2 { Change::Lost } else { Change::Gained },
            )),
            _ => {}
        }
    }
    for g in ga.keys().filter(|g| !gb.contains_key(g)) {
        expected.push((g.action.clone(), g.resource.clone(), Change::Gained));
    }
    let catalog = iamlog::catalog::Catalog::bundled();
    let mut found: Vec<(String, String, Change)> = Vec::new();
    for p in &d.permissions {
        let actions: Vec<String> = match p.actions.as_slice() {
            [all] if all.ends_with(":*") => catalog
                .service_range(&p.service)
                .unwrap()
                .map(|id| format!("{}:{}", p.service, catalog.action(id).name))
                .collect(),
            some => some.to_vec(),
        };
        for action in actions {
            for r in &p.resources {
                found.push((action.clone(), r.clone(), p.change));
            }
        }
    }
    expected.sort();
    found.sort();
    assert!(!expected.is_empty());
    assert_eq!(found, expected);
}

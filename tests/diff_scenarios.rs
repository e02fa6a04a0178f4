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
    // Its way to administrator is not reported lost, nor its permissions listed.
    assert!(d.escalations.is_empty(), "{d:#?}");
    assert!(d.permissions.is_empty(), "{d:#?}");
}

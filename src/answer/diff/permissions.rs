//! Effective permissions gained and lost, per principal, grouped by service, resource
//! patterns and conditions so that a change reads as a few lines.

use super::compare::compare as compare_maps;
use super::snapshot::Snapshot;
use super::{Change, Conditional, PermissionChange};
use crate::answer::Analysis;
use crate::catalog::{AccessLevel, Catalog};
use std::collections::{BTreeMap, BTreeSet};

/// The permission changes of every principal but administrators (on either side), whose
/// change is told by `admins`. A principal whose policies, boundary, SCPs and context are the
/// same on both sides is not decided again; when only some statements changed, only the
/// actions they name are.
pub fn compare(
    before: &Analysis,
    old: &Snapshot,
    after: &Analysis,
    new: &Snapshot,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<PermissionChange> {
    let mut arns: Vec<&String> = old.principals.keys().chain(new.principals.keys()).collect();
    arns.sort();
    arns.dedup();
    let mut out = Vec::new();
    for (done, arn) in arns.iter().enumerate() {
        progress(done, arns.len());
        if old.admins.contains_key(*arn) || new.admins.contains_key(*arn) {
            continue;
        }
        let b = old.principals.get(*arn).map(|&(id, _)| id);
        let a = new.principals.get(*arn).map(|&(id, _)| id);
        let (inputs_before, inputs_after) = (
            b.and_then(|id| before.grant_inputs(id)),
            a.and_then(|id| after.grant_inputs(id)),
        );
        if inputs_before == inputs_after && b.is_some() && a.is_some() {
            continue;
        }
        // Only the actions that a changed statement names can be decided differently.
        let changed = match (&inputs_before, &inputs_after) {
            (Some(x), Some(y)) => x.changed_statements(y),
            _ => None,
        };
        let only = |service: &str, name: &str| {
            changed
                .as_ref()
                .is_none_or(|c| c.iter().any(|s| s.action_matches(service, name)))
        };
        let grants_before = b
            .map(|id| before.grants_where(id, &only))
            .unwrap_or_default();
        let grants_after = a
            .map(|id| after.grants_where(id, &only))
            .unwrap_or_default();
        out.extend(group(arn, compare_maps(&grants_before, &grants_after)));
    }
    progress(arns.len(), arns.len());
    out
}

/// Changes of single grants as lines: per (change, conditions, service), actions that share
/// their resource patterns together.
fn group(
    principal: &str,
    changes: Vec<(crate::answer::grants::Grant, Change, Conditional)>,
) -> Vec<PermissionChange> {
    type Key = (Change, Conditional, String);
    let mut by_action: BTreeMap<Key, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (grant, change, conditional) in changes {
        let service = grant
            .action
            .split_once(':')
            .map_or("", |(s, _)| s)
            .to_string();
        by_action
            .entry((change, conditional, service))
            .or_default()
            .entry(grant.action)
            .or_default()
            .insert(grant.resource);
    }
    let catalog = Catalog::bundled();
    let mut out = Vec::new();
    for ((change, conditional, service), actions) in by_action {
        let mut by_resources: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        for (action, resources) in actions {
            by_resources
                .entry(resources.into_iter().collect())
                .or_default()
                .push(action);
        }
        let all = catalog.service_range(&service).map_or(0, |r| r.len());
        for (resources, mut actions) in by_resources {
            let access = actions
                .iter()
                .map(|a| catalog.lookup(a).map(|info| info.level))
                .min_by_key(|&level| risk(level))
                .flatten();
            if actions.len() == all {
                actions = vec![format!("{service}:*")];
            }
            out.push(PermissionChange {
                change,
                principal: principal.to_string(),
                service: service.clone(),
                access: access.map_or("unknown", level_name),
                actions,
                resources,
                conditional,
            });
        }
    }
    // The riskiest first: what a reader of a long list must not miss.
    out.sort_by_key(|p| (p.change, access_risk(p.access)));
    out
}

/// Lower is riskier: permissions management, write, tagging, list, read.
fn risk(level: Option<AccessLevel>) -> u8 {
    match level {
        Some(AccessLevel::PermissionsManagement) => 0,
        Some(AccessLevel::Write) | None => 1,
        Some(AccessLevel::Tagging) => 2,
        Some(AccessLevel::List) => 3,
        Some(AccessLevel::Read) => 4,
    }
}

/// [`risk`] of a level by the name it has in the diff.
fn access_risk(name: &str) -> u8 {
    [
        AccessLevel::PermissionsManagement,
        AccessLevel::Write,
        AccessLevel::Tagging,
        AccessLevel::List,
        AccessLevel::Read,
    ]
    .into_iter()
    .find(|&l| level_name(l) == name)
    .map_or(1, |l| risk(Some(l)))
}

/// The level's name in the diff's JSON.
fn level_name(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::PermissionsManagement => "permissions-management",
        AccessLevel::Write => "write",
        AccessLevel::Tagging => "tagging",
        AccessLevel::List => "list",
        AccessLevel::Read => "read",
    }
}

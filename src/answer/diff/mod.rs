//! Access gained and lost between two snapshots of an organisation (`iamlog diff`).
//!
//! Principals are matched by ARN. Each section lists entries that changed, each marked
//! [`Change::Gained`] or [`Change::Lost`]; an entry that held only under conditions on one
//! side and without them on the other counts as gained (conditions dropped) or lost
//! (conditions added). The JSON shape is part of the contract: see README "iamlog diff".
//!
//! ```
//! use iamlog::answer::{diff::diff, Analysis};
//! let before = Analysis::new(iamlog::model::load_paths(&["examples/diff/before".into()]).unwrap());
//! let after = Analysis::new(iamlog::model::load_paths(&["examples/diff/after".into()]).unwrap());
//! let changes = diff(&before, &after);
//! print!("{}", changes.to_text(false));
//! assert!(changes.gains_escalation());
//! ```

mod compare;
mod permissions;
mod snapshot;
mod text;

use super::{Analysis, Step};
use compare::{compare, compare_sets};
use serde::Serialize;
use snapshot::Snapshot;

/// Which way an entry changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Holds after and not before, or without conditions after and only under them before.
    Gained,
    /// Held before and not after, or only under conditions after.
    Lost,
    /// Holds on both sides, differently: an escalation that takes another route of the same
    /// length.
    Changed,
}

/// Whether an entry held only under conditions, before and after (`None`: it did not hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Conditional {
    /// Before; `None` if absent.
    pub before: Option<bool>,
    /// After; `None` if absent.
    pub after: Option<bool>,
}

impl Conditional {
    /// The change from `before` to `after`, if any: appearing or losing its conditions is a
    /// gain, disappearing or gaining conditions a loss.
    pub fn change(self) -> Option<Change> {
        match (self.before, self.after) {
            (None, Some(_)) | (Some(true), Some(false)) => Some(Change::Gained),
            (Some(_), None) | (Some(false), Some(true)) => Some(Change::Lost),
            _ => None,
        }
    }
}

/// An administrator gained or lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdminChange {
    /// Gained or lost.
    pub change: Change,
    /// The principal's ARN.
    pub principal: String,
    /// Conditional on each side.
    pub conditional: Conditional,
}

/// A way to become an administrator gained, lost or rerouted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationChange {
    /// Gained (a new way, conditions dropped, or a shorter route), lost (the reverse), or
    /// changed (another route of the same length).
    pub change: Change,
    /// The principal's ARN.
    pub principal: String,
    /// Conditional on each side.
    pub conditional: Conditional,
    /// The shortest route before, if there was one.
    pub path_before: Option<Vec<Step>>,
    /// The shortest route after, if there is one.
    pub path_after: Option<Vec<Step>>,
}

/// A role that principals outside the input can assume, gained or lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutsideChange {
    /// Gained or lost.
    pub change: Change,
    /// Who: an account, `*`, an identity provider.
    pub source: String,
    /// `external-account`, `federated`, `public` (anyone can assume it) or `public-trust`
    /// (its trust policy names `"*"`, whatever its conditions).
    pub kind: &'static str,
    /// The role.
    pub role: String,
    /// Conditional on each side.
    pub conditional: Conditional,
}

/// A principal another can act as, gained or lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReachChange {
    /// Gained or lost.
    pub change: Change,
    /// The principal acting.
    pub principal: String,
    /// The principal (or class of principals) it can act as.
    pub target: String,
    /// True if the target is in another account.
    pub cross_account: bool,
    /// Conditional on each side.
    pub conditional: Conditional,
}

/// Actions of one service a principal gained or lost on the same resource patterns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionChange {
    /// Gained or lost.
    pub change: Change,
    /// The principal's ARN.
    pub principal: String,
    /// The service prefix.
    pub service: String,
    /// The riskiest access level among the actions (AWS's Service Authorization Reference):
    /// `permissions-management`, `write`, `tagging`, `list`, `read`, or `unknown` for actions
    /// outside the catalog. Lines of one principal come riskiest first.
    pub access: &'static str,
    /// The actions (`s3:GetObject`), or `["s3:*"]` when they are every action of the service.
    pub actions: Vec<String>,
    /// The resource patterns of the statements that grant them.
    pub resources: Vec<String>,
    /// Conditional on each side.
    pub conditional: Conditional,
}

/// A user or role that appeared or disappeared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalChange {
    /// Gained (new) or lost (removed).
    pub change: Change,
    /// Its ARN.
    pub principal: String,
    /// `user` or `role`.
    pub kind: &'static str,
}

/// How many entries of each kind of change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Entries gained.
    pub gained: usize,
    /// Entries lost.
    pub lost: usize,
    /// Entries changed.
    pub changed: usize,
}

/// Why the answers of each side may be incomplete.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Incomplete {
    /// Of the before snapshot.
    pub before: Vec<String>,
    /// Of the after snapshot.
    pub after: Vec<String>,
}

/// The difference between two snapshots, sections ordered by risk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Counts over every section.
    pub summary: Summary,
    /// Administrators gained and lost.
    pub admins: Vec<AdminChange>,
    /// Ways to become an administrator.
    pub escalations: Vec<EscalationChange>,
    /// Roles anyone can assume, and trust policies naming `"*"`.
    pub public_access: Vec<OutsideChange>,
    /// Roles other accounts and identity providers can assume.
    pub external_access: Vec<OutsideChange>,
    /// Principals each principal can act as (of a principal that became or stopped being an
    /// administrator, left to `admins`).
    pub reachable: Vec<ReachChange>,
    /// Effective permissions, per principal (administrators on either side are left to
    /// `admins`).
    pub permissions: Vec<PermissionChange>,
    /// Users and roles added or removed.
    pub principals: Vec<PrincipalChange>,
    /// Why the answers may be incomplete.
    pub incomplete: Incomplete,
}

impl Diff {
    /// True if anything was gained: the condition of `--fail-on new-access`.
    pub fn gains_access(&self) -> bool {
        let gained = |c: Change| c == Change::Gained;
        self.admins.iter().any(|e| gained(e.change))
            || self.escalations.iter().any(|e| gained(e.change))
            || self.public_access.iter().any(|e| gained(e.change))
            || self.external_access.iter().any(|e| gained(e.change))
            || self.reachable.iter().any(|e| gained(e.change))
            || self.permissions.iter().any(|e| gained(e.change))
    }

    /// True if an administrator or a way to become one was gained: the condition of
    /// `--fail-on new-escalation`.
    pub fn gains_escalation(&self) -> bool {
        self.admins.iter().any(|e| e.change == Change::Gained)
            || self.escalations.iter().any(|e| e.change == Change::Gained)
    }

    /// True if nothing changed at all (`--fail-on any` fails otherwise).
    pub fn is_empty(&self) -> bool {
        self.summary == Summary::default()
    }
}

/// The difference from `before` to `after`.
pub fn diff(before: &Analysis, after: &Analysis) -> Diff {
    diff_with(before, after, &mut |_, _, _| {})
}

/// As [`diff`], calling `progress(stage, done, total)` as it goes through the principals:
/// reading the answers of each snapshot, then comparing permissions (the slow part: every
/// catalog action a principal's policies name is decided).
pub fn diff_with(
    before: &Analysis,
    after: &Analysis,
    progress: &mut dyn FnMut(&str, usize, usize),
) -> Diff {
    let old = Snapshot::of(before, &mut |done, total| {
        progress("reading the before snapshot", done, total)
    });
    let new = Snapshot::of(after, &mut |done, total| {
        progress("reading the after snapshot", done, total)
    });
    let mut out = Diff {
        incomplete: Incomplete {
            before: before.compiled.incomplete.clone(),
            after: after.compiled.incomplete.clone(),
        },
        ..Diff::default()
    };
    for (principal, change, conditional) in compare(&old.admins, &new.admins) {
        out.admins.push(AdminChange {
            change,
            principal,
            conditional,
        });
    }
    out.escalations = escalations(&old, &new);
    for ((kind, source, role), change, conditional) in compare(&old.outside, &new.outside) {
        let entry = OutsideChange {
            change,
            source,
            kind,
            role,
            conditional,
        };
        if matches!(kind, "public" | "public-trust") {
            out.public_access.push(entry);
        } else {
            out.external_access.push(entry);
        }
    }
    for ((principal, target), change, conditional) in compare(&old.reach, &new.reach) {
        // An administrator's list holds only the roles it assumes (it can act as anyone): when
        // a principal becomes one or stops being one, `admins` tells the change.
        if old.admins.contains_key(&principal) != new.admins.contains_key(&principal) {
            continue;
        }
        out.reachable.push(ReachChange {
            change,
            cross_account: account_of(&principal) != account_of(&target),
            principal,
            target,
            conditional,
        });
    }
    out.permissions = permissions::compare(before, &old, after, &new, &mut |done, total| {
        progress("comparing permissions", done, total)
    });
    for (principal, change) in compare_sets(&old.principals, &new.principals) {
        let kind = new
            .principals
            .get(&principal)
            .or_else(|| old.principals.get(&principal))
            .map_or("user", |&(_, kind)| kind);
        out.principals.push(PrincipalChange {
            change,
            principal,
            kind,
        });
    }
    out.sort();
    out.summary = out.count();
    out
}

/// Escalations per principal. A principal that became an administrator loses its way to
/// become one: that is reported under `admins` only.
fn escalations(old: &Snapshot, new: &Snapshot) -> Vec<EscalationChange> {
    let mut out = Vec::new();
    let flags = |s: &Snapshot| -> std::collections::BTreeMap<String, bool> {
        s.escalations
            .iter()
            .map(|(p, e)| (p.clone(), e.conditional))
            .collect()
    };
    let (before, after) = (flags(old), flags(new));
    let mut principals: Vec<&String> = before.keys().chain(after.keys()).collect();
    principals.sort();
    principals.dedup();
    for principal in principals {
        let conditional = Conditional {
            before: before.get(principal).copied(),
            after: after.get(principal).copied(),
        };
        let path_before = old.escalations.get(principal).map(|e| e.path.clone());
        let path_after = new.escalations.get(principal).map(|e| e.path.clone());
        let change = match conditional.change() {
            Some(Change::Lost)
                if conditional.after.is_none() && new.admins.contains_key(principal) =>
            {
                continue
            }
            Some(change) => change,
            None => {
                let (b, a) = (path_before.as_deref(), path_after.as_deref());
                match (b.map(route), a.map(route)) {
                    (Some(b), Some(a)) if a != b => match a.len().cmp(&b.len()) {
                        std::cmp::Ordering::Less => Change::Gained,
                        std::cmp::Ordering::Greater => Change::Lost,
                        std::cmp::Ordering::Equal => Change::Changed,
                    },
                    _ => continue,
                }
            }
        };
        out.push(EscalationChange {
            change,
            principal: principal.clone(),
            conditional,
            path_before,
            path_after,
        });
    }
    out
}

/// The shape of a route: who becomes whom, how.
fn route(path: &[Step]) -> Vec<(&str, &str, &str)> {
    path.iter()
        .map(|s| (s.from.as_str(), s.to.as_str(), s.technique.as_str()))
        .collect()
}

/// The account field of an ARN.
fn account_of(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or("")
}

impl Diff {
    /// Gained before lost, then by subject: the same input gives the same order.
    fn sort(&mut self) {
        self.admins
            .sort_by(|a, b| (a.change, &a.principal).cmp(&(b.change, &b.principal)));
        self.escalations
            .sort_by(|a, b| (a.change, &a.principal).cmp(&(b.change, &b.principal)));
        for list in [&mut self.public_access, &mut self.external_access] {
            list.sort_by(|a, b| {
                (a.change, &a.role, &a.source).cmp(&(b.change, &b.role, &b.source))
            });
        }
        self.reachable.sort_by(|a, b| {
            (a.change, &a.principal, &a.target).cmp(&(b.change, &b.principal, &b.target))
        });
        self.principals
            .sort_by(|a, b| (a.change, &a.principal).cmp(&(b.change, &b.principal)));
    }

    fn count(&self) -> Summary {
        let mut summary = Summary::default();
        let changes = self
            .admins
            .iter()
            .map(|e| e.change)
            .chain(self.escalations.iter().map(|e| e.change))
            .chain(self.public_access.iter().map(|e| e.change))
            .chain(self.external_access.iter().map(|e| e.change))
            .chain(self.reachable.iter().map(|e| e.change))
            .chain(self.permissions.iter().map(|e| e.change))
            .chain(self.principals.iter().map(|e| e.change));
        for change in changes {
            match change {
                Change::Gained => summary.gained += 1,
                Change::Lost => summary.lost += 1,
                Change::Changed => summary.changed += 1,
            }
        }
        summary
    }
}

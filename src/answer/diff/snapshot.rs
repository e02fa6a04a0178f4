//! What one snapshot grants, keyed by ARN so that two snapshots compare.

use crate::answer::{Analysis, Escalation};
use crate::compile::universe::{Id, NodeKind};
use std::collections::BTreeMap;

/// The answers of one analysis, by ARN; the flags say "only under conditions".
pub struct Snapshot {
    /// Users and roles: node id and kind.
    pub principals: BTreeMap<String, (Id, &'static str)>,
    /// Administrators.
    pub admins: BTreeMap<String, bool>,
    /// The shortest way each principal can become an administrator.
    pub escalations: BTreeMap<String, Escalation>,
    /// (kind, source, role): roles outsiders can assume, and roles whose trust policy names
    /// `"*"` (kind `public-trust`, source `*`).
    pub outside: BTreeMap<(&'static str, String, String), bool>,
    /// (principal, target) pairs: what each principal can act as.
    pub reach: BTreeMap<(String, String), bool>,
}

impl Snapshot {
    /// Reads the answers of `analysis`, calling `progress(done, total)` per principal.
    pub fn of(analysis: &Analysis, progress: &mut dyn FnMut(usize, usize)) -> Snapshot {
        let mut principals = BTreeMap::new();
        let mut reach = BTreeMap::new();
        let mut escalations = BTreeMap::new();
        let all = analysis.principals();
        for (done, &p) in all.iter().enumerate() {
            progress(done, all.len());
            let arn = analysis.arn(p).to_string();
            let kind = match analysis.compiled.universe.node(p).kind {
                NodeKind::User => "user",
                _ => "role",
            };
            if let Some(e) = analysis.escalation(p) {
                escalations.insert(arn.clone(), e);
            }
            for reached in analysis.reachable(p) {
                reach.insert((arn.clone(), reached.arn), reached.conditional);
            }
            principals.insert(arn, (p, kind));
        }
        progress(all.len(), all.len());
        let admins = analysis
            .admins()
            .into_iter()
            .map(|a| (a.arn, a.conditional))
            .collect();
        let mut outside: BTreeMap<_, _> = analysis
            .external_access()
            .into_iter()
            .map(|e| ((e.kind, e.source, e.role), e.conditional))
            .collect();
        for role in analysis.public_trust() {
            // What the trust's conditions allow is in `external_access`; this is the statement.
            outside.insert(("public-trust", "*".to_string(), role), false);
        }
        Snapshot {
            principals,
            admins,
            escalations,
            outside,
            reach,
        }
    }
}

//! Which principals `who_can` must decide: a sound prefilter.
//!
//! An IAM user or role session is allowed a request only through an Allow of its identity
//! policies or of the resource's policy (spec §5). So when the resource has no policy, a
//! principal none of whose identity policies (its groups' included, and the stand-ins for
//! policies the input lacks) holds an Allow whose Action / NotAction covers the action cannot
//! be allowed, and is not decided. Everything else is decided by the policy core: every
//! principal when the resource has a policy, and every principal for the `sts:` actions
//! (trust policies, and `sts:GetCallerIdentity`, which needs no permission).
//!
//! A request that is one of the analysis' checks on one of its targets (`iam:CreateAccessKey`
//! on a user, say) needs no decision at all: derive has decided it for every principal, and
//! [`AllowedIndex`] answers it.

use super::explain::Prepared;
use crate::compile::universe::Id;
use crate::compile::{CheckId, Compiled};
use crate::model::World;
use crate::policy::{Effect, Policy};
use rustc_hash::FxHashMap as HashMap;
use rustc_hash::FxHashSet as HashSet;

/// The prefilter for one action on one resource.
pub struct Prefilter {
    /// False when every principal must be decided.
    active: bool,
    service: String,
    name: String,
    /// Per policy (by address, the policies being shared), whether it holds such an Allow.
    seen: HashMap<*const Policy, bool>,
}

impl Prefilter {
    /// The prefilter for `action` on `resource`.
    pub fn new(world: &World, action: &str, resource: &str) -> Prefilter {
        let (service, name) = action.split_once(':').unwrap_or((action, ""));
        let service = service.to_ascii_lowercase();
        let active = service != "sts" && world.resource_policy(resource).is_none();
        Prefilter {
            active,
            service,
            name: name.to_string(),
            seen: HashMap::default(),
        }
    }

    /// False only when the caller provably cannot be allowed.
    pub fn may_allow(&mut self, prepared: &Prepared) -> bool {
        if !self.active {
            return true;
        }
        let (service, name, seen) = (&self.service, &self.name, &mut self.seen);
        prepared.identity_may_allow(|policy| {
            *seen.entry(policy as *const Policy).or_insert_with(|| {
                policy
                    .statements
                    .iter()
                    .any(|s| s.effect == Effect::Allow && s.action_matches(service, name))
            })
        })
    }
}

/// Who is allowed each check on each scope, from the derived decisions, built on the first
/// `who_can` that a check answers.
pub struct AllowedIndex {
    /// Check and scope (a target or a class): the principals allowed, and in which stance
    /// (`true`: in every request).
    allowed: HashMap<(CheckId, Id), Vec<(Id, bool)>>,
    /// Members a class grant leaves out: principal, check, target, stance.
    excepts: HashSet<(Id, CheckId, Id, bool)>,
    /// The classes of each target.
    classes: HashMap<Id, Vec<Id>>,
}

impl AllowedIndex {
    /// The index of `derived`.
    pub fn new(compiled: &Compiled, derived: &crate::derive::Derived) -> AllowedIndex {
        let mut allowed: HashMap<(CheckId, Id), Vec<(Id, bool)>> = HashMap::default();
        for &(p, c, x, must) in &derived.allowed {
            allowed.entry((c, x)).or_default().push((p, must));
        }
        let mut classes: HashMap<Id, Vec<Id>> = HashMap::default();
        for &(t, k) in &compiled.facts.in_class {
            classes.entry(t).or_default().push(k);
        }
        AllowedIndex {
            allowed,
            excepts: derived.excepts.iter().copied().collect(),
            classes,
        }
    }

    /// The principals allowed `check` on `target`, and whether in every request, as derive
    /// decided them: allowed on the target itself, or on a class of it that does not leave
    /// it out.
    pub fn who(&self, check: CheckId, target: Id) -> HashMap<Id, bool> {
        let mut stances: HashMap<Id, [bool; 2]> = HashMap::default();
        let mut allow = |p: Id, must: bool| stances.entry(p).or_default()[must as usize] = true;
        for &(p, must) in self.allowed.get(&(check, target)).into_iter().flatten() {
            allow(p, must);
        }
        for &k in self.classes.get(&target).into_iter().flatten() {
            for &(p, must) in self.allowed.get(&(check, k)).into_iter().flatten() {
                if !self.excepts.contains(&(p, check, target, must)) {
                    allow(p, must);
                }
            }
        }
        stances
            .into_iter()
            .filter(|(_, [may, _])| *may)
            .map(|(p, [_, must])| (p, must))
            .collect()
    }
}

/// The check and target that `action` on `resource` is, when derive decided it for every
/// principal: an action of a check on one target (no role passed to a service), on an IAM
/// user, group, role or customer managed policy of the input without a resource policy.
pub fn as_check(
    world: &World,
    compiled: &Compiled,
    action: &str,
    resource: &str,
) -> Option<(CheckId, Id)> {
    if action.to_ascii_lowercase().starts_with("sts:") || world.resource_policy(resource).is_some()
    {
        return None;
    }
    let target = compiled.universe.lookup(resource)?;
    let kind = compiled.universe.node(target).kind.object()?;
    let check = compiled.checks.iter().position(|c| {
        c.action.eq_ignore_ascii_case(action) && c.passed_to.is_none() && c.target == kind
    })?;
    Some((check as CheckId, target))
}

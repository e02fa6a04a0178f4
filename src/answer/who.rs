//! Which principals `who_can` must decide: a sound prefilter.
//!
//! An IAM user or role session is allowed a request only through an Allow of its identity
//! policies or an Allow of the resource's policy that names it, and a request to another
//! account only through both (spec §5). So a principal is not decided when neither can apply
//! to it: none of its identity policies (its groups' included, and the stand-ins for policies
//! the input lacks) holds an Allow whose Action / NotAction covers the action and whose
//! Resource / NotResource may cover the resource, and no such Allow of the resource's policy
//! names it (or, for a resource of another account, when either is missing). Everything else
//! is decided by the policy core, and every principal for the `sts:` actions (trust policies,
//! and `sts:GetCallerIdentity`, which needs no permission).
//!
//! A request that is one of the analysis' checks on one of its targets (`iam:CreateAccessKey`
//! on a user, say) needs no decision at all: derive has decided it for every principal, and
//! [`AllowedIndex`] answers it.

use super::explain::Prepared;
use crate::compile::universe::Id;
use crate::compile::{CheckId, Compiled};
use crate::model::{ResourceSide, World};
use crate::policy::arn::Fields;
use crate::policy::document::ResourceQuery;
use crate::policy::pattern::NoVariables;
use crate::policy::{Effect, Policy, Statement};
use rustc_hash::FxHashMap as HashMap;
use rustc_hash::FxHashSet as HashSet;

/// The prefilter for one action on one resource.
pub struct Prefilter<'s> {
    /// The account that owns the resource, if known: a caller of another account needs an
    /// Allow of the resource's policy as well as one of its own.
    owner: Option<&'s str>,
    asked: Asked<'s>,
    /// The Allow statements of the resource's policy that may cover the request, whoever
    /// makes it.
    grants: Vec<&'s Statement>,
    /// Per identity policy (by address, the policies being shared), whether it holds an
    /// Allow that may cover the request.
    seen: HashMap<*const Policy, bool>,
}

/// The request, as the prefilter reads statements against it.
struct Asked<'s> {
    /// The action's service, lowercase, and its name.
    service: String,
    name: &'s str,
    /// The resource, unless it is a pattern (which a Resource element may cover in part).
    resource: Option<Fields<'s>>,
}

impl<'s> Prefilter<'s> {
    /// The prefilter for `action` on `resource`, whose side of the request is `side`.
    pub fn new(side: &'s ResourceSide, action: &'s str, resource: &'s str) -> Prefilter<'s> {
        let (service, name) = action.split_once(':').unwrap_or((action, ""));
        let asked = Asked {
            service: service.to_ascii_lowercase(),
            name,
            resource: (!resource.contains(['*', '?'])).then(|| Fields::split(resource)),
        };
        let statements = side.document.iter().flat_map(|d| &d.policy.statements);
        Prefilter {
            owner: side.owner(),
            grants: statements.filter(|s| asked.may_allow(s)).collect(),
            asked,
            seen: HashMap::default(),
        }
    }

    /// False only when the caller provably cannot be allowed: it needs an Allow of its own
    /// identity policies or one of the resource's policy that names it, and both when the
    /// resource is another account's.
    pub fn may_allow(&mut self, prepared: &Prepared) -> bool {
        // Every principal is decided for the `sts:` actions.
        if self.asked.service == "sts" {
            return true;
        }
        let caller = prepared.caller();
        let granted = self
            .grants
            .iter()
            .any(|s| s.principal_matches(caller).is_some());
        let other_account = self.owner.is_some_and(|o| caller.account() != Some(o));
        match (other_account, granted) {
            (true, false) => return false,
            (false, true) => return true,
            _ => {}
        }
        let (asked, seen) = (&self.asked, &mut self.seen);
        prepared.identity_may_allow(|policy| {
            *seen
                .entry(policy as *const Policy)
                .or_insert_with(|| policy.statements.iter().any(|s| asked.may_allow(s)))
        })
    }
}

impl Asked<'_> {
    /// May `s` be an Allow that applies to the request, for some caller in some request?
    fn may_allow(&self, s: &Statement) -> bool {
        s.effect == Effect::Allow
            && s.action_matches(&self.service, self.name)
            && self.resource.as_ref().is_none_or(|r| may_cover(s, r))
    }
}

/// May the Resource / NotResource element of `s` cover `resource` in some request? A pattern
/// with a policy variable may, whatever the resource: the caller's keys resolve it.
fn may_cover(s: &Statement, resource: &Fields<'_>) -> bool {
    s.resource_has_variables()
        || s.resource_matches(ResourceQuery::Exact(*resource), true, &NoVariables)
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

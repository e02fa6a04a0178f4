//! Which principals `who_can` must decide: a sound prefilter.
//!
//! An IAM user or role session is allowed a request only through an Allow of its identity
//! policies or of the resource's policy (spec §5). So when the resource has no policy, a
//! principal none of whose identity policies (its groups' included, and the stand-ins for
//! policies the input lacks) holds an Allow whose Action / NotAction covers the action cannot
//! be allowed, and is not decided. Everything else is decided by the policy core: every
//! principal when the resource has a policy, and every principal for the `sts:` actions
//! (trust policies, and `sts:GetCallerIdentity`, which needs no permission).

use super::explain::Prepared;
use crate::model::World;
use crate::policy::{Effect, Policy};
use rustc_hash::FxHashMap as HashMap;

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

//! Effective permissions, action by action, with the resource patterns that grant them: the
//! unit `iamlog diff` compares permissions in.

use super::Analysis;
use crate::compile::universe::Id;
use crate::policy::{Caller, Context, Effect, Policy, Statement};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One action a principal is allowed, on one resource pattern of an identity statement that
/// grants it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Grant {
    /// `service:Action`, as the catalog spells it.
    pub action: String,
    /// A `Resource` of a granting statement (`*`, an ARN pattern), or `not A, B` for a
    /// `NotResource`.
    pub resource: String,
}

/// Everything that decides a principal's [`Analysis::grants`]: equal inputs give equal
/// grants, so a diff skips principals whose inputs did not change.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantInputs {
    caller: Caller,
    identity: Vec<Arc<Policy>>,
    boundaries: Vec<Arc<Policy>>,
    scps: Vec<Vec<Arc<Policy>>>,
    context: Context,
    in_organization: bool,
}

impl Analysis {
    /// What `p` may do: each catalog action allowed on some resource (decided by the policy
    /// core, as [`Analysis::what_can`]), once per resource pattern of the identity Allow
    /// statements that name it, with `true` when it is allowed only under conditions.
    /// Resource policies that grant more are not included.
    pub fn grants(&self, p: Id) -> BTreeMap<Grant, bool> {
        let mut out = BTreeMap::new();
        let Some(caller) = self.caller(p) else {
            return out;
        };
        let view = self.world.view(&caller, "sts:GetCallerIdentity", "*", None);
        let allows: Vec<&Statement> = view
            .policies
            .identity
            .iter()
            .flat_map(|policy| &policy.statements)
            .filter(|s| s.effect == Effect::Allow)
            .collect();
        for service in self.what_can(p) {
            let names = service
                .actions
                .iter()
                .map(|a| (a, false))
                .chain(service.conditional_actions.iter().map(|a| (a, true)));
            for (name, conditional) in names {
                let action = format!("{}:{name}", service.service);
                for s in allows
                    .iter()
                    .filter(|s| s.action_matches(&service.service, name))
                {
                    for resource in resources(s) {
                        let grant = Grant {
                            action: action.clone(),
                            resource,
                        };
                        // Two statements may grant the same pair: the unconditional one wins.
                        let c = out.entry(grant).or_insert(conditional);
                        *c &= conditional;
                    }
                }
            }
        }
        out
    }

    /// The inputs [`Analysis::grants`] depends on for `p`, to compare across snapshots.
    pub fn grant_inputs(&self, p: Id) -> Option<GrantInputs> {
        let caller = self.caller(p)?;
        let view = self.world.view(&caller, "sts:GetCallerIdentity", "*", None);
        Some(GrantInputs {
            caller,
            identity: view.policies.identity,
            boundaries: view.policies.boundaries,
            scps: view.policies.scps,
            context: view.context,
            in_organization: self.world.organization.is_some(),
        })
    }
}

/// The resource patterns of a statement, one by one (a `NotResource` stays whole).
fn resources(s: &Statement) -> Vec<String> {
    match &s.resource {
        None => vec!["*".to_string()],
        Some(r) if r.negated => {
            let items: Vec<String> = r.items.iter().map(ToString::to_string).collect();
            vec![format!("not {}", items.join(", "))]
        }
        Some(r) => r.items.iter().map(ToString::to_string).collect(),
    }
}

//! Effective permissions, action by action, with the resource patterns that grant them: the
//! unit `iamlog diff` compares permissions in.

use super::explain::AnyResource;
use super::Analysis;
use crate::catalog::Catalog;
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
    /// core, as [`Analysis::what_can`] does), once per resource pattern of the identity Allow
    /// statements that name it, with `true` when it is allowed only under conditions.
    /// Resource policies that grant more are not included.
    pub fn grants(&self, p: Id) -> BTreeMap<Grant, bool> {
        self.grants_where(p, &|_, _| true)
    }

    /// As [`Analysis::grants`], for the actions `only(service, name)` accepts.
    pub fn grants_where(&self, p: Id, only: &dyn Fn(&str, &str) -> bool) -> BTreeMap<Grant, bool> {
        let mut out = BTreeMap::new();
        let Some(caller) = self.caller(p) else {
            return out;
        };
        let requests = AnyResource::new(&self.world, &caller);
        let view = self.world.view(&caller, "sts:GetCallerIdentity", "*", None);
        let allows: Vec<&Statement> = view
            .policies
            .identity
            .iter()
            .flat_map(|policy| &policy.statements)
            .filter(|s| s.effect == Effect::Allow)
            .collect();
        let catalog = Catalog::bundled();
        for service in catalog.services() {
            for id in catalog.service_range(service).expect("listed") {
                let name = catalog.action(id).name;
                if !only(service, name) {
                    continue;
                }
                let granting: Vec<&&Statement> = allows
                    .iter()
                    .filter(|s| s.action_matches(service, name))
                    .collect();
                if granting.is_empty() {
                    continue;
                }
                let action = format!("{service}:{name}");
                let (may, must) = requests.allowed(&action);
                if !may {
                    continue;
                }
                for resource in granting.into_iter().flat_map(|s| resources(s)) {
                    let grant = Grant {
                        action: action.clone(),
                        resource,
                    };
                    // Two statements may grant the same pair: it is conditional if both are.
                    let conditional = out.entry(grant).or_insert(!must);
                    *conditional &= !must;
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

impl GrantInputs {
    /// The statements in one and not the other, when the rest is alike: an action none of
    /// them names is decided alike on both sides, with the same granting statements. `None`
    /// when the caller, its context or the shape of the policy sets differ.
    pub fn changed_statements<'a>(&'a self, other: &'a GrantInputs) -> Option<Vec<&'a Statement>> {
        if self.caller != other.caller
            || self.context != other.context
            || self.in_organization != other.in_organization
            || shape(&self.boundaries) != shape(&other.boundaries)
            || self
                .scps
                .iter()
                .map(|l| shape(l))
                .ne(other.scps.iter().map(|l| shape(l)))
        {
            return None;
        }
        let mut changed = Vec::new();
        // A statement with its policy's Version (which decides how variables read). Identity
        // policies are one union; a boundary or SCP level applies policy by policy.
        let of = |p: &'a Policy| p.statements.iter().map(move |s| (&p.version, s));
        let flat = |ps: &'a [Arc<Policy>]| ps.iter().flat_map(|p| of(p)).collect();
        type Versioned<'a> = Vec<(&'a Option<crate::policy::Version>, &'a Statement)>;
        let mut groups: Vec<(Versioned, Versioned)> =
            vec![(flat(&self.identity), flat(&other.identity))];
        let pairs = self.boundaries.iter().zip(&other.boundaries).chain(
            self.scps
                .iter()
                .zip(&other.scps)
                .flat_map(|(a, b)| a.iter().zip(b)),
        );
        for (a, b) in pairs {
            groups.push((of(a).collect(), of(b).collect()));
        }
        for (a, b) in groups {
            changed.extend(a.iter().filter(|s| !b.contains(s)).map(|&(_, s)| s));
            changed.extend(b.iter().filter(|s| !a.contains(s)).map(|&(_, s)| s));
        }
        Some(changed)
    }
}

/// How many policies a set holds.
fn shape(policies: &[Arc<Policy>]) -> usize {
    policies.len()
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

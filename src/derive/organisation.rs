//! What needs the whole organisation (stage 2 of [`super::derive`]): who can become an
//! administrator, asked backwards from the administrators over the edges every shard of
//! [`super::principal`] derived and the hubs' targets ([`super::hubs`]).

use super::hubs::Hubs;
use super::principal::Decided;
use crate::compile::universe::Id;
use crate::compile::{gain, Acct, Facts, Tech};
use crepe::crepe;

crepe! {
    @input
    pub struct Principal(Id, Acct);
    @input
    pub struct Role(Id, Acct);
    @input
    pub struct InClass(Id, Id);
    @input
    pub struct TechGain(Tech, u8);
    @input
    pub struct HubTarget(Tech, Id, Id, bool);
    @input
    pub struct AssumeHubTarget(Id, Acct, Id, bool);
    @input
    pub struct Edge(Id, Id, Tech, bool);
    @input
    pub struct HubEdge(Id, Tech, Id, bool);
    @input
    pub struct Assumes(Id, Id, bool);
    @input
    pub struct AssumeHub(Id, Id, bool);
    @input
    pub struct HubExcept(Id, Tech, Id, bool);
    @input
    pub struct AssumeExcept(Id, Id, bool);
    @input
    pub struct AssumeAcctExcept(Id, Acct, bool);
    @input
    pub struct FullAdmin(Id, bool);
    @input
    pub struct Unbounded(Id, bool);
    @input
    pub struct SelfAdmin(Id, Tech, bool);

    // ---- Who acts as whom: assume edges and technique edges that yield the target (§6, §10).
    struct ActEdge(Id, Id, bool);
    ActEdge(p, q, m) <- Assumes(p, q, m);
    ActEdge(p, q, m) <- Edge(p, q, v, m), TechGain(v, g), (g == gain::ACT), (p != q);
    struct HasHubExcept(Id, Tech, Id, bool);
    HasHubExcept(p, v, k, m) <- HubExcept(p, v, t, m), InClass(t, k);
    struct TargetEsc(Id, bool);
    TargetEsc(t, m) <- FullAdmin(t, m);
    TargetEsc(t, m) <- Escalates(t, m);

    // ---- §10: escalation to administrator, asked backwards from the administrators.
    @output
    pub struct Escalates(Id, bool);
    Escalates(p, m) <- SelfAdmin(p, _, m);
    Escalates(p, m) <- ActEdge(p, q, m1), FullAdmin(q, m2), let m = (m1 && m2);
    // (The recursive rules start from the atom that grows, so that each round of the fixed
    // point reads only what the last round added: crepe joins in the order written.)
    Escalates(p, m) <- Escalates(q, m2), ActEdge(p, q, m1), let m = (m1 && m2);
    Escalates(p, m) <- HubAdmin(v, k, m2), PlainLead(v, k, p, m1), let m = (m1 && m2);
    Escalates(p, m) <- TargetEsc(t, m3), HubTarget(v, k, t, m2), ExceptLead(v, k, p, m1), !HubExcept(p, v, t, m1), let m = (m1 && m2 && m3);
    Escalates(p, m) <- AssumeHubEsc(k, a, m2), AssumeLead(k, a, p, m1), let m = (m1 && m2);
    Escalates(p, m) <- TargetEsc(r, m3), AssumeHubTarget(k, a, r, m2), AssumeExceptLead(k, a, p, m1), !AssumeExcept(p, r, m1), Role(r, b), !AssumeAcctExcept(p, b, m1), let m = (m1 && m2 && m3);
    // A class hub that leads to someone who escalates, for the callers of an account.
    struct AssumeHubEsc(Id, Acct, bool);
    AssumeHubEsc(k, a, m) <- TargetEsc(r, m2), AssumeHubTarget(k, a, r, m1), let m = (m1 && m2);
    // The holders of each hub, by whether their statements take targets out of it.
    struct PlainLead(Tech, Id, Id, bool);
    PlainLead(v, k, p, m) <- HubEdge(p, v, k, m), TechGain(v, g), (g == gain::ACT), !HasHubExcept(p, v, k, m);
    struct ExceptLead(Tech, Id, Id, bool);
    ExceptLead(v, k, p, m) <- HubEdge(p, v, k, m), TechGain(v, g), (g == gain::ACT), HasHubExcept(p, v, k, m);
    struct AssumeExcepted(Id, bool);
    AssumeExcepted(p, m) <- AssumeExcept(p, _, m);
    AssumeExcepted(p, m) <- AssumeAcctExcept(p, _, m);
    struct AssumeLead(Id, Acct, Id, bool);
    AssumeLead(k, a, p, m) <- AssumeHub(p, k, m), Principal(p, a), !AssumeExcepted(p, m);
    struct AssumeExceptLead(Id, Acct, Id, bool);
    AssumeExceptLead(k, a, p, m) <- AssumeHub(p, k, m), Principal(p, a), AssumeExcepted(p, m);
    // Write a policy of a principal one can act as: it then holds any permission.
    Escalates(p, m) <- Edge(p, q, v, m1), TechGain(v, g), (g == gain::EMPOWER), OneHop(p, q, m2), Unbounded(q, m3), let m = (m1 && m2 && m3);
    // Act as a principal that can write one's own policies.
    Escalates(p, m) <- Edge(q, p, v, m1), TechGain(v, g), (g == gain::EMPOWER), OneHop(p, q, m2), Unbounded(p, m3), let m = (m1 && m2 && m3);
    // Pairs where one writes the other's policies, and whether the first acts as the second.
    struct WritePair(Id, Id);
    WritePair(p, q) <- Edge(p, q, v, _), TechGain(v, g), (g == gain::EMPOWER);
    WritePair(p, q) <- Edge(q, p, v, _), TechGain(v, g), (g == gain::EMPOWER);
    struct OneHop(Id, Id, bool);
    OneHop(p, q, m) <- WritePair(p, q), ActEdge(o, q, m), (o == p);
    OneHop(p, q, m) <- WritePair(p, q), HubEdge(p, v, k, m1), TechGain(v, g), (g == gain::ACT), HubTarget(u, j, q, m2), (u == v && j == k), !HubExcept(p, v, q, m1), let m = (m1 && m2);
    OneHop(p, q, m) <- WritePair(p, q), AssumeHub(p, k, m1), Principal(p, a), AssumeHubTarget(k, a, q, m2), !AssumeExcept(p, q, m1), Role(q, b), !AssumeAcctExcept(p, b, m1), let m = (m1 && m2);
    struct HubAdmin(Tech, Id, bool);
    HubAdmin(v, k, m) <- HubTarget(v, k, t, m1), FullAdmin(t, m2), let m = (m1 && m2);
    HubAdmin(v, k, m) <- Escalates(t, m2), HubTarget(v, k, t, m1), let m = (m1 && m2);
}

/// Who escalates (unsorted).
pub struct Escalation {
    pub(super) escalates: Vec<(Id, bool)>,
}

/// Runs the program over the organisation's facts and every principal's decisions.
pub fn run(f: &Facts, d: &Decided, hubs: &Hubs) -> Escalation {
    let mut rt = Crepe::new();
    rt.extend(f.principal.iter().map(|&(p, a)| Principal(p, a)));
    rt.extend(f.role.iter().map(|&(r, a)| Role(r, a)));
    rt.extend(f.in_class.iter().map(|&(t, k)| InClass(t, k)));
    rt.extend(f.tech_gain.iter().map(|&(v, g)| TechGain(v, g)));
    rt.extend(
        hubs.hub_targets
            .iter()
            .map(|&(v, k, t, m)| HubTarget(v, k, t, m)),
    );
    rt.extend(
        hubs.assume_hub_targets
            .iter()
            .map(|&(k, a, r, m)| AssumeHubTarget(k, a, r, m)),
    );
    rt.extend(d.edges.iter().map(|&(p, t, v, m)| Edge(p, t, v, m)));
    rt.extend(d.hub_edges.iter().map(|&(p, v, k, m)| HubEdge(p, v, k, m)));
    rt.extend(d.assumes.iter().map(|&(p, r, m)| Assumes(p, r, m)));
    rt.extend(d.assume_hubs.iter().map(|&(p, k, m)| AssumeHub(p, k, m)));
    rt.extend(
        d.hub_excepts
            .iter()
            .map(|&(p, v, t, m)| HubExcept(p, v, t, m)),
    );
    rt.extend(
        d.assume_excepts
            .iter()
            .map(|&(p, r, m)| AssumeExcept(p, r, m)),
    );
    rt.extend(
        d.assume_acct_excepts
            .iter()
            .map(|&(p, b, m)| AssumeAcctExcept(p, b, m)),
    );
    rt.extend(d.full_admins.iter().map(|&(p, m)| FullAdmin(p, m)));
    rt.extend(d.unbounded.iter().map(|&(p, m)| Unbounded(p, m)));
    rt.extend(d.self_admins.iter().map(|&(p, v, m)| SelfAdmin(p, v, m)));
    let (escalates,) = rt.run_with_hasher::<rustc_hash::FxBuildHasher>();
    Escalation {
        escalates: escalates
            .into_iter()
            .map(|Escalates(p, m)| (p, m))
            .collect(),
    }
}

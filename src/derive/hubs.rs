//! Where each class hub leads (spec §10) and which roles of a class an account's callers may
//! assume (spec §6). Both read the input's facts alone, no principal's decisions, so they
//! are derived while [`super::principal`] decides the shards; [`super::organisation`] reads
//! them.

use crate::compile::universe::Id;
use crate::compile::{Acct, CheckId, Facts, Tech};
use crepe::crepe;

crepe! {
    @input
    pub struct Role(Id, Acct);
    @input
    pub struct InClass(Id, Id);
    @input
    pub struct CheckClass(CheckId, Acct, Id);
    @input
    pub struct TargetOk(Tech, Id, bool);
    @input
    pub struct TechOnAux(Tech);
    @input
    pub struct TechCheck(Tech, CheckId);
    @input
    pub struct TrustAccount(Id, Acct, bool);
    @input
    pub struct TrustPublic(Id, bool);
    @input
    pub struct TrustPublicFrom(Id, Acct, bool);
    @input
    pub struct TrustDenied(Id, Id, bool);
    @input
    pub struct RcpBlocked(Id, Acct, bool);
    @input
    pub struct Account(Acct);
    @input
    pub struct WorldMember(Id, Id);

    // ---- What a class hub leads to (§10), and the roles of a class open to an account (§6).
    @output
    pub struct HubTarget(Tech, Id, Id, bool);
    HubTarget(v, k, t, m) <- TargetOk(v, t, m), InClass(t, k);
    // Techniques on "some resource" (a function, an instance) lead to the account's roles
    // that meet the precondition.
    HubTarget(v, k, t, m) <- TechOnAux(v), TargetOk(v, t, m), Role(t, a), TechCheck(v, c), CheckClass(c, a, k);
    struct HasTrustDeny(Id);
    HasTrustDeny(r) <- TrustDenied(r, _, _);
    @output
    pub struct AssumeHubTarget(Id, Acct, Id, bool);
    AssumeHubTarget(k, a, r, m) <- TrustAccount(r, a, m), InClass(r, k), !HasTrustDeny(r), !RcpBlocked(r, a, m);
    AssumeHubTarget(k, a, r, m) <- TrustPublic(r, m), InClass(r, k), Account(a), !HasTrustDeny(r), !RcpBlocked(r, a, m);
    AssumeHubTarget(k, a, r, m) <- TrustPublicFrom(r, a, m), InClass(r, k), !HasTrustDeny(r), !RcpBlocked(r, a, m);
    AssumeHubTarget(w, a, r, m) <- AssumeHubTarget(k, a, r, m), WorldMember(k, w);
}

/// Where the hubs lead (sorted).
pub struct Hubs {
    /// Technique, class, target, must.
    pub(super) hub_targets: Vec<(Tech, Id, Id, bool)>,
    /// Class (or world class), caller account, role, must.
    pub(super) assume_hub_targets: Vec<(Id, Acct, Id, bool)>,
}

/// Runs the program over the organisation's facts.
pub fn run(f: &Facts) -> Hubs {
    let mut rt = Crepe::new();
    rt.extend(f.role.iter().map(|&(r, a)| Role(r, a)));
    rt.extend(f.in_class.iter().map(|&(t, k)| InClass(t, k)));
    rt.extend(f.check_class.iter().map(|&(c, a, k)| CheckClass(c, a, k)));
    rt.extend(f.target_ok.iter().map(|&(v, t, m)| TargetOk(v, t, m)));
    rt.extend(f.tech_on_aux.iter().map(|&v| TechOnAux(v)));
    rt.extend(f.tech_check.iter().map(|&(v, c)| TechCheck(v, c)));
    rt.extend(
        f.trust_account
            .iter()
            .map(|&(r, a, m)| TrustAccount(r, a, m)),
    );
    rt.extend(f.trust_public.iter().map(|&(r, m)| TrustPublic(r, m)));
    rt.extend(
        f.trust_public_from
            .iter()
            .map(|&(r, a, m)| TrustPublicFrom(r, a, m)),
    );
    rt.extend(f.trust_denied.iter().map(|&(r, p, m)| TrustDenied(r, p, m)));
    rt.extend(f.rcp_blocked.iter().map(|&(r, a, m)| RcpBlocked(r, a, m)));
    rt.extend(f.account.iter().map(|&a| Account(a)));
    rt.extend(f.world_member.iter().map(|&(k, w)| WorldMember(k, w)));
    let (hub_targets, assume_hub_targets) = rt.run_with_hasher::<rustc_hash::FxBuildHasher>();
    let mut hubs = Hubs {
        hub_targets: hub_targets
            .into_iter()
            .map(|HubTarget(v, k, t, m)| (v, k, t, m))
            .collect(),
        assume_hub_targets: assume_hub_targets
            .into_iter()
            .map(|AssumeHubTarget(k, a, r, m)| (k, a, r, m))
            .collect(),
    };
    hubs.hub_targets.sort_unstable();
    hubs.assume_hub_targets.sort_unstable();
    hubs
}

//! Derive: the crepe programs (DESIGN.md "derive").
//!
//! Each rule sits under the sentence of spec/iam-semantics.md it implements. Every derived
//! tuple carries the stance of [`crate::compile`]: `true` (must) holds in every request,
//! `false` (may) in some; an answer that holds only as "may" is conditional.
//!
//! Decisions are made per candidate: a principal, a check and a *scope*, which is either one
//! target or a whole class (every role of an account, say). A class is decided as a whole
//! unless some statement of the principal's names one of its members; then its members are
//! decided one by one. Grants on a whole class reach their targets through *hubs*
//! ([`principal::HubEdge`], [`hubs::HubTarget`]; [`principal::AssumeHub`],
//! [`hubs::AssumeHubTarget`]), so a principal allowed `iam:PassRole` on every role
//! costs one tuple, not one per role. `sts:AssumeRole` on every role of every account is
//! decided once, on the *world class* ([`principal::WorldClass`]); the accounts a statement
//! of the principal names are decided on their own and, when denied, left out of the world
//! hub ([`principal::Except`] on the account's class). The grants of a statement every
//! holder of its policy shares stay with the policy and are read through the policies in
//! force, never copied to each principal. `iam:PassRole` is decided once for every service a
//! role is passed to, unless the principal's statements tell the services apart
//! ([`crate::compile::pass_role`]).
//!
//! The program runs in two stages. [`principal`] decides each principal and the edges it
//! opens; nothing in it reads another principal's decisions, so it runs over [`shard`]s of
//! principals, on every core, each with tables the size of its shard rather than of the
//! organisation; meanwhile [`hubs`] derives where each hub leads, from the input alone.
//! [`organisation`] then reads every shard's edges and the hubs: who can become an
//! administrator, asked backwards from the administrators
//! ([`organisation::Escalates`]), which is linear in the edges. Reachable sets and shortest
//! paths are walked by [`crate::answer`] over the derived edges.
//!
//! How the rules are written is also how crepe evaluates them: the body is the join plan, in
//! the order written, and each pattern of bound columns an atom is read with gets an index
//! that is kept up to date for every tuple of its relation. An index keyed by most of a
//! tuple's columns holds a vector per tuple, so a large relation is never read with all its
//! columns bound: a rule reads such an atom by a few columns and compares the rest
//! (`Within(x, z), (z == y)`), or first narrows the relation to a small one that can be
//! (`AssumeCand`, `MentionAllowed`). At 1,000 users this took about a third off stage 1's CPU
//! (README "Performance").

pub mod hubs;
pub mod organisation;
pub mod principal;
pub mod shard;

use crate::compile::universe::Id;
use crate::compile::{Acct, CheckId, Compiled, Tech};

/// Codes of the special checks in [`principal::Special`].
pub mod special {
    /// The administrator test.
    pub const FULL: u8 = 0;
    /// `sts:AssumeRole`.
    pub const ASSUME: u8 = 1;
    /// `iam:CreateRole` (row 11).
    pub const CREATE_ROLE: u8 = 2;
    /// Giving a role a policy, decided on "some role" (row 11).
    pub const ROLE_POLICY: u8 = 3;
}

/// The technique number of row 11 in [`principal::SelfAdmin`] (after [`crate::compile::techniques::TECHNIQUES`]).
pub const CREATE_ROLE_TECH: Tech = u32::MAX - 1;

/// The derived relations the answers read, as sorted tuples (`bool`: must).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Derived {
    /// Auxiliary checks decided for a principal (those a technique it may use needs).
    pub needs_aux: Vec<(Id, CheckId)>,
    /// The principal's policies allow the check on the scope (a target or a whole class).
    pub allowed: Vec<(Id, CheckId, Id, bool)>,
    /// Allowed on every member of the class.
    pub class_allowed: Vec<(Id, CheckId, Id, bool)>,
    /// A technique applied to one target: principal, target, technique.
    pub edges: Vec<(Id, Id, Tech, bool)>,
    /// A technique applied to a whole class: principal, technique, class.
    pub hub_edges: Vec<(Id, Tech, Id, bool)>,
    /// What a class hub leads to: technique, class, target.
    pub hub_targets: Vec<(Tech, Id, Id, bool)>,
    /// The principal can assume the role.
    pub assumes: Vec<(Id, Id, bool)>,
    /// The principal may assume the roles of a class whose trust admits its account.
    pub assume_hubs: Vec<(Id, Id, bool)>,
    /// Roles of a class open to the callers of an account: class, account, role.
    pub assume_hub_targets: Vec<(Id, Acct, Id, bool)>,
    /// Members of a class allowed as a whole that a statement takes out: principal, check,
    /// target.
    pub excepts: Vec<(Id, CheckId, Id, bool)>,
    /// Allowed every action on every resource.
    pub full_admins: Vec<(Id, bool)>,
    /// The boundary and SCPs allow everything, so "+any" makes the principal an administrator.
    pub unbounded: Vec<(Id, bool)>,
    /// The principal can make itself an administrator with a technique.
    pub self_admins: Vec<(Id, Tech, bool)>,
    /// The principal can become an administrator.
    pub escalates: Vec<(Id, bool)>,
}

impl Derived {
    /// Every relation sorted ([`hubs::Hubs`] comes sorted).
    fn sorted(self) -> Derived {
        fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
            v.sort_unstable();
            v
        }
        Derived {
            needs_aux: sorted(self.needs_aux),
            allowed: sorted(self.allowed),
            class_allowed: sorted(self.class_allowed),
            edges: sorted(self.edges),
            hub_edges: sorted(self.hub_edges),
            hub_targets: self.hub_targets,
            assumes: sorted(self.assumes),
            assume_hubs: sorted(self.assume_hubs),
            assume_hub_targets: self.assume_hub_targets,
            excepts: sorted(self.excepts),
            full_admins: sorted(self.full_admins),
            unbounded: sorted(self.unbounded),
            self_admins: sorted(self.self_admins),
            escalates: sorted(self.escalates),
        }
    }

    /// The number of derived tuples in every relation (for [`crate::limits::DERIVED`]).
    pub fn count(&self) -> usize {
        let Derived {
            needs_aux,
            allowed,
            class_allowed,
            edges,
            hub_edges,
            hub_targets,
            assumes,
            assume_hubs,
            assume_hub_targets,
            excepts,
            full_admins,
            unbounded,
            self_admins,
            escalates,
        } = self;
        needs_aux.len()
            + allowed.len()
            + class_allowed.len()
            + edges.len()
            + hub_edges.len()
            + hub_targets.len()
            + assumes.len()
            + assume_hubs.len()
            + assume_hub_targets.len()
            + excepts.len()
            + full_admins.len()
            + unbounded.len()
            + self_admins.len()
            + escalates.len()
    }
}

/// The most principals in a shard of [`principal`]: shards keep the program's tables small
/// (its cost per tuple grows with their size) and run on every core. Each reads only the
/// facts its principals name ([`shard::facts`]), so smaller shards cost little more in all.
pub const SHARD_PRINCIPALS: usize = 500;

/// Runs the program over the compiled facts, in shards of [`SHARD_PRINCIPALS`].
pub fn derive(compiled: &Compiled) -> Derived {
    derive_then(compiled, |_| ()).0
}

/// As [`derive()`], and `meanwhile` on every derived relation but [`Derived::escalates`],
/// on one core while the other derives who escalates (stage 2 reads every shard's edges):
/// what an answer reads of the edges (a graph of them, say) is built without waiting.
pub fn derive_then<T: Send>(
    compiled: &Compiled,
    meanwhile: impl FnOnce(&Derived) -> T,
) -> (Derived, T) {
    derive_in_shards_then(compiled, SHARD_PRINCIPALS, meanwhile)
}

/// Runs the program with shards of at most `most` principals ([`shard::plan`]): the answer
/// does not depend on `most`.
pub fn derive_in_shards(compiled: &Compiled, most: usize) -> Derived {
    derive_in_shards_then(compiled, most, |_| ()).0
}

fn derive_in_shards_then<T: Send>(
    compiled: &Compiled,
    most: usize,
    meanwhile: impl FnOnce(&Derived) -> T,
) -> (Derived, T) {
    let shards = shard::plan(&compiled.facts, most);
    let (hubs, mut decided) = crate::parallel::join(
        || hubs::run(&compiled.facts),
        || match shards.as_slice() {
            [_] => principal::run(compiled, &compiled.facts),
            _ => decide_in_parallel(compiled, &shards),
        },
    );
    // Stage 2 reads the edges as they are; the relations are taken or copied to be sorted
    // meanwhile.
    let unsorted = Derived {
        needs_aux: std::mem::take(&mut decided.needs_aux),
        allowed: std::mem::take(&mut decided.allowed),
        class_allowed: std::mem::take(&mut decided.class_allowed),
        excepts: std::mem::take(&mut decided.excepts),
        edges: decided.edges.clone(),
        hub_edges: decided.hub_edges.clone(),
        hub_targets: hubs.hub_targets.clone(),
        assumes: decided.assumes.clone(),
        assume_hubs: decided.assume_hubs.clone(),
        assume_hub_targets: hubs.assume_hub_targets.clone(),
        full_admins: decided.full_admins.clone(),
        unbounded: decided.unbounded.clone(),
        self_admins: decided.self_admins.clone(),
        escalates: Vec::new(),
    };
    let (escalation, (mut derived, answer)) = crate::parallel::join(
        || organisation::run(&compiled.facts, &decided, &hubs),
        || {
            let derived = unsorted.sorted();
            let answer = meanwhile(&derived);
            (derived, answer)
        },
    );
    derived.escalates = escalation.escalates;
    derived.escalates.sort_unstable();
    (derived, answer)
}

/// Decides the shards on every core, each worker taking the next shard when it is done.
fn decide_in_parallel(compiled: &Compiled, shards: &[Vec<Id>]) -> principal::Decided {
    let index = shard::Index::new(compiled);
    let decided = crate::parallel::map(
        shards,
        || (),
        |_, principals| principal::run(compiled, &shard::facts(compiled, &index, principals)),
    );
    let mut all = principal::Decided::default();
    for shard in decided {
        all.append(shard);
    }
    all
}

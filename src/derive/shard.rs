//! Shards of principals, and the facts [`super::principal`] reads for one.
//!
//! Stage 1 decides each principal on its own facts: its memberships, attachments,
//! boundaries and the trusts that name it, the statements of the policies it holds and of its
//! account's SCPs and groups, and the facts that describe the classes and the targets its
//! statements and trusts name. A shard's facts grow with its principals, not with the
//! organisation, so shards can be small. The account-wide relations it derives (an SCP
//! level's allows, the account's administrator test) come out the same from any of the
//! account's principals, so an account can be cut into several shards.

use crate::compile::techniques::TargetKind;
use crate::compile::universe::{Id, NodeKind, ANY};
use crate::compile::{Compiled, Facts};

/// The principals of the input in shards of at most `most`, in account order and as even as
/// can be. When there is more than one, their number is a multiple of the number of workers,
/// so that no core waits for another's last shard. An input with no principals is one empty
/// shard.
pub fn plan(facts: &Facts, most: usize) -> Vec<Vec<Id>> {
    let mut by_account = facts.principal.clone();
    by_account.sort_unstable_by_key(|&(p, a)| (a, p));
    let mut count = by_account.len().div_ceil(most.max(1));
    if count > 1 {
        count = count.next_multiple_of(crate::parallel::workers(count));
    }
    if count == 0 {
        return vec![Vec::new()];
    }
    let size = by_account.len().div_ceil(count);
    by_account
        .chunks(size)
        .map(|shard| shard.iter().map(|&(p, _)| p).collect())
        .collect()
}

/// The facts the principals of a shard are decided by.
pub fn facts(compiled: &Compiled, principals: &[Id]) -> Facts {
    let f = &compiled.facts;
    let universe = &compiled.universe;
    let mut mine = vec![false; universe.nodes.len()];
    for &p in principals {
        mine[p as usize] = true;
    }
    let is_mine = |p: Id| mine[p as usize];
    let mut account_in = vec![false; universe.accounts.len()];
    for &p in principals {
        if let Some(a) = universe.node(p).account {
            account_in[a as usize] = true;
        }
    }
    // Nodes with no account (AWS managed policies, scopes) belong to every shard.
    let here = |id: Id| {
        universe
            .node(id)
            .account
            .is_none_or(|a| account_in[a as usize])
    };
    let principal = keep(&f.principal, |&(p, _)| is_mine(p));
    let member = keep(&f.member, |&(u, _)| is_mine(u));
    // The groups of its users, wherever the input put them.
    let mut group_in = vec![false; universe.nodes.len()];
    for &(_, g) in &member {
        group_in[g as usize] = true;
    }
    // Policies held by the shard's principals, their groups, and the groups of its accounts
    // (a user may join any of them), not by the accounts' other principals.
    let holder = |e: Id| is_mine(e) || group_in[e as usize] || here(e) && !universe.is_principal(e);
    let scp_level = keep(&f.scp_level, |&(a, _)| account_in[a as usize]);
    let levels: Vec<_> = scp_level.iter().map(|&(_, l)| l).collect();
    let attached = keep(&f.attached, |&(e, _)| holder(e));
    let boundary = keep(&f.boundary, |&(p, _)| is_mine(p));
    let level_policy = keep(&f.level_policy, |(l, _)| levels.contains(l));
    let group_policy = keep(&f.group_policy, |&(g, _)| holder(g));
    let mut policy_in = vec![false; compiled.documents.len()];
    let policies = attached.iter().chain(&boundary).chain(&group_policy);
    for &(_, pol) in policies.chain(&level_policy) {
        policy_in[pol as usize] = true;
    }
    let statement = keep(&f.statement, |&(pol, _)| policy_in[pol as usize]);
    let mut statement_in = vec![false; compiled.statements.len()];
    for &(_, s) in &statement {
        statement_in[s as usize] = true;
    }
    // A statement decided per principal is read under the holder classes of the shard's
    // principals.
    let holder_of = keep(&f.holder_of, |&(s, p, _)| {
        statement_in[s as usize] && is_mine(p)
    });
    let classes: rustc_hash::FxHashSet<(u32, Id)> =
        holder_of.iter().map(|&(s, _, h)| (s, h)).collect();
    let holds = |s: u32, q: Id| statement_in[s as usize] && (q == ANY || classes.contains(&(s, q)));
    let on = keep(&f.on, |&(s, q, _, _)| holds(s, q));
    let trust_named = keep(&f.trust_named, |&(_, p, _)| is_mine(p));
    let trust_via_account = keep(&f.trust_via_account, |&(_, p, _)| is_mine(p));
    // The users and roles the shard's facts name: the scopes of its statements, the members a
    // "class but" scope leaves out, the roles whose trust names its principals, admits every
    // principal of an account, or denies someone. A rule reaches a user or role that is not
    // the shard's own only through one of these, or through its class.
    let mut named = vec![false; universe.nodes.len()];
    let targets = on.iter().map(|&(_, _, x, _)| x);
    let targets = targets.chain(f.excluded.iter().map(|&(_, t)| t));
    let targets = targets.chain(trust_named.iter().map(|&(r, _, _)| r));
    let targets = targets.chain(trust_via_account.iter().map(|&(r, _, _)| r));
    let targets = targets.chain(f.trust_public.iter().map(|&(r, _)| r));
    let targets = targets.chain(f.trust_public_from.iter().map(|&(r, _, _)| r));
    for x in targets.chain(f.trust_denied.iter().map(|&(r, _, _)| r)) {
        named[x as usize] = true;
    }
    // Targets (and their classes) of the kinds a check decided across accounts reaches are
    // read from every account, the others only from the shard's; of users and roles, only
    // those the shard holds or names.
    let anywhere: Vec<TargetKind> = f
        .cross_account
        .iter()
        .map(|&c| compiled.checks[c as usize].target)
        .collect();
    let seen = |x: Id| match &universe.node(x).kind {
        NodeKind::Class(kind) => here(x) || anywhere.contains(kind),
        NodeKind::ClassBut => true,
        kind => match kind.object() {
            Some(k @ (TargetKind::User | TargetKind::Role)) => {
                (here(x) || anywhere.contains(&k)) && (is_mine(x) || named[x as usize])
            }
            Some(k) => here(x) || named[x as usize] && anywhere.contains(&k),
            None => here(x),
        },
    };
    // A technique's targets are in its user's account, unless its check reaches other
    // accounts.
    let techniques_anywhere: Vec<_> = f
        .tech_check
        .iter()
        .filter(|(_, c)| f.cross_account.contains(c))
        .map(|&(v, _)| v)
        .collect();
    Facts {
        user: keep(&f.user, |&u| is_mine(u)),
        member,
        attached,
        boundary,
        statement,
        applies: keep(&f.applies, |&(s, _, q, _)| holds(s, q)),
        on,
        holder_of,
        scp_level,
        level_policy,
        scp_exempt: keep(&f.scp_exempt, |&p| is_mine(p)),
        trust_named,
        trust_via_account,
        target_ok: keep(&f.target_ok, |(v, t, _)| {
            seen(*t) && (here(*t) || techniques_anywhere.contains(v))
        }),
        group_policy,
        allows: keep(&f.allows, |&s| statement_in[s as usize]),
        within: keep(&f.within, |&(x, _)| seen(x)),
        in_class: keep(&f.in_class, |&(t, _)| seen(t)),
        trust_account: keep(&f.trust_account, |&(_, a, _)| account_in[a as usize]),
        trust_public_from: keep(&f.trust_public_from, |&(_, a, _)| account_in[a as usize]),
        principal,
        // What describes targets, classes and roles, which any principal may read.
        contains: f.contains.clone(),
        excluded: f.excluded.clone(),
        check_class: keep(&f.check_class, |&(c, a, _)| {
            account_in[a as usize] || f.cross_account.contains(&c)
        }),
        cross_account: f.cross_account.clone(),
        world_class: f.world_class.clone(),
        role: keep(&f.role, |&(r, a)| {
            account_in[a as usize] || named[r as usize]
        }),
        trust_public: f.trust_public.clone(),
        trust_denied: f.trust_denied.clone(),
        rcp_blocked: f.rcp_blocked.clone(),
        tech_check: f.tech_check.clone(),
        tech_aux: f.tech_aux.clone(),
        tech_on_aux: f.tech_on_aux.clone(),
        tech_gain: f.tech_gain.clone(),
        policy_document: keep(&f.policy_document, |&(_, pol)| policy_in[pol as usize]),
        // What stage 1 does not read: the outside principals, the world scope's classes, the
        // accounts.
        world_member: Vec::new(),
        outside: Vec::new(),
        account: Vec::new(),
    }
}

fn keep<T: Copy>(all: &[T], wanted: impl Fn(&T) -> bool) -> Vec<T> {
    all.iter().copied().filter(|t| wanted(t)).collect()
}

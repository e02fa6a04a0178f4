//! Shards of principals, and the facts [`super::principal`] reads for one.
//!
//! Stage 1 decides each principal on its own facts: its memberships, attachments,
//! boundaries and the trusts that name it, the statements of the policies it holds and of its
//! account's SCPs and groups, and the facts that describe targets and classes, which any
//! principal may read. The account-wide relations it derives (an SCP level's allows, the
//! account's administrator test) come out the same from any of the account's principals, so a
//! large account can be cut into several shards.

use crate::compile::techniques::TargetKind;
use crate::compile::universe::{Id, NodeKind, ANY};
use crate::compile::{Compiled, Facts};

/// The principals of the input in shards of at least `least` (the last may be smaller), in
/// account order: small accounts share a shard, and an account of at least twice `least`
/// principals is cut into pieces of about `least`. An input with no principals is one empty
/// shard.
pub fn plan(facts: &Facts, least: usize) -> Vec<Vec<Id>> {
    let least = least.max(1);
    let mut by_account = facts.principal.clone();
    by_account.sort_unstable_by_key(|&(p, a)| (a, p));
    let mut shards: Vec<Vec<Id>> = Vec::new();
    let mut open: Vec<Id> = Vec::new();
    for account in by_account.chunk_by(|x, y| x.1 == y.1) {
        let members = account.iter().map(|&(p, _)| p);
        let pieces = account.len() / least;
        if pieces >= 2 {
            let size = account.len().div_ceil(pieces);
            let members: Vec<Id> = members.collect();
            shards.extend(members.chunks(size).map(<[Id]>::to_vec));
            continue;
        }
        open.extend(members);
        if open.len() >= least {
            shards.push(std::mem::take(&mut open));
        }
    }
    if !open.is_empty() || shards.is_empty() {
        shards.push(open);
    }
    shards
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
    let holds = |s: u32, q: Id| statement_in[s as usize] && (q == ANY || is_mine(q));
    // Targets (and their classes) of the kinds a check decided across accounts reaches are
    // read from every account; the others only from the shard's.
    let anywhere: Vec<TargetKind> = f
        .cross_account
        .iter()
        .map(|&c| compiled.checks[c as usize].target)
        .collect();
    let seen = |x: Id| {
        let kind = match universe.node(x).kind {
            NodeKind::User => Some(TargetKind::User),
            NodeKind::Role => Some(TargetKind::Role),
            NodeKind::Group => Some(TargetKind::Group),
            NodeKind::Policy => Some(TargetKind::Policy),
            NodeKind::Class(kind) => Some(kind),
            NodeKind::ClassBut => return true,
            _ => None,
        };
        here(x) || kind.is_some_and(|k| anywhere.contains(&k))
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
        on: keep(&f.on, |&(s, q, _, _)| holds(s, q)),
        scp_level,
        level_policy,
        scp_exempt: keep(&f.scp_exempt, |&p| is_mine(p)),
        trust_named: keep(&f.trust_named, |&(_, p, _)| is_mine(p)),
        trust_via_account: keep(&f.trust_via_account, |&(_, p, _)| is_mine(p)),
        target_ok: keep(&f.target_ok, |(v, t, _)| {
            here(*t) || techniques_anywhere.contains(v)
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
        check_class: f.check_class.clone(),
        cross_account: f.cross_account.clone(),
        world_class: f.world_class.clone(),
        world_member: f.world_member.clone(),
        role: f.role.clone(),
        trust_public: f.trust_public.clone(),
        trust_denied: f.trust_denied.clone(),
        outside: f.outside.clone(),
        rcp_blocked: f.rcp_blocked.clone(),
        tech_check: f.tech_check.clone(),
        tech_aux: f.tech_aux.clone(),
        tech_on_aux: f.tech_on_aux.clone(),
        tech_gain: f.tech_gain.clone(),
        policy_document: f.policy_document.clone(),
        account: f.account.clone(),
    }
}

fn keep<T: Copy>(all: &[T], wanted: impl Fn(&T) -> bool) -> Vec<T> {
    all.iter().copied().filter(|t| wanted(t)).collect()
}

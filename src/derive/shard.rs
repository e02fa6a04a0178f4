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

/// Where a shard finds its facts without reading every fact of the organisation: the
/// positions of the large relations' tuples by the node or statement they are keyed by, and
/// the nodes of each account. Built once for all shards; [`facts`] keeps through it exactly
/// the tuples a scan of each relation would keep, in the same order.
pub struct Index {
    /// Nodes by account; the last group holds the nodes of no account.
    nodes: Grouped,
    /// Class and "class but" nodes, which a shard of any account may read.
    classes: Vec<Id>,
    /// `principal`, `member` and `holder_of` by principal.
    principal: Grouped,
    member: Grouped,
    holder_of: Grouped,
    /// `attached` by holder.
    attached: Grouped,
    /// `applies` and `on` by statement.
    applies: Grouped,
    on: Grouped,
    /// `within` and `in_class` by their first node, `target_ok` by its target.
    within: Grouped,
    in_class: Grouped,
    target_ok: Grouped,
}

impl Index {
    /// The index of `compiled`'s facts.
    pub fn new(compiled: &Compiled) -> Index {
        let f = &compiled.facts;
        let universe = &compiled.universe;
        let (nodes, accounts) = (universe.nodes.len(), universe.accounts.len());
        let by_node = |keys: Vec<Id>| Grouped::new(keys.into_iter().map(|k| k as usize), nodes);
        let statements = compiled.statements.len();
        let of_no_account = accounts;
        Index {
            nodes: Grouped::new(
                universe
                    .nodes
                    .iter()
                    .map(|n| n.account.map_or(of_no_account, |a| a as usize)),
                accounts + 1,
            ),
            classes: (0..nodes as Id)
                .filter(|&x| {
                    matches!(
                        universe.node(x).kind,
                        NodeKind::Class(_) | NodeKind::ClassBut
                    )
                })
                .collect(),
            principal: by_node(f.principal.iter().map(|&(p, _)| p).collect()),
            member: by_node(f.member.iter().map(|&(u, _)| u).collect()),
            holder_of: by_node(f.holder_of.iter().map(|&(_, p, _)| p).collect()),
            attached: by_node(f.attached.iter().map(|&(e, _)| e).collect()),
            applies: Grouped::new(f.applies.iter().map(|&(s, ..)| s as usize), statements),
            on: Grouped::new(f.on.iter().map(|&(s, ..)| s as usize), statements),
            within: by_node(f.within.iter().map(|&(x, _)| x).collect()),
            in_class: by_node(f.in_class.iter().map(|&(t, _)| t).collect()),
            target_ok: by_node(f.target_ok.iter().map(|&(_, t, _)| t).collect()),
        }
    }
}

/// Positions grouped by a key: those of key `k` are `at[starts[k]..starts[k + 1]]`, ascending.
struct Grouped {
    starts: Vec<u32>,
    at: Vec<u32>,
}

impl Grouped {
    /// Groups the positions of `keys` (each below `groups`).
    fn new(keys: impl Iterator<Item = usize> + Clone, groups: usize) -> Grouped {
        let mut starts = vec![0u32; groups + 1];
        for k in keys.clone() {
            starts[k + 1] += 1;
        }
        for k in 0..groups {
            starts[k + 1] += starts[k];
        }
        let mut next = starts.clone();
        let mut at = vec![0u32; starts[groups] as usize];
        for (i, k) in keys.enumerate() {
            at[next[k] as usize] = i as u32;
            next[k] += 1;
        }
        Grouped { starts, at }
    }

    fn of(&self, key: usize) -> &[u32] {
        &self.at[self.starts[key] as usize..self.starts[key + 1] as usize]
    }

    /// The tuples of `all` under `keys` that are `wanted`, in the order of `all`.
    fn keep<T: Copy>(
        &self,
        all: &[T],
        keys: impl IntoIterator<Item = usize>,
        wanted: impl Fn(&T) -> bool,
    ) -> Vec<T> {
        let mut at: Vec<u32> = keys.into_iter().flat_map(|k| self.of(k)).copied().collect();
        at.sort_unstable();
        at.dedup();
        at.into_iter()
            .map(|i| all[i as usize])
            .filter(|t| wanted(t))
            .collect()
    }
}

/// The facts the principals of a shard are decided by.
pub fn facts(compiled: &Compiled, index: &Index, principals: &[Id]) -> Facts {
    let f = &compiled.facts;
    let universe = &compiled.universe;
    let mine_keys = || principals.iter().map(|&p| p as usize);
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
    let principal = index
        .principal
        .keep(&f.principal, mine_keys(), |&(p, _)| is_mine(p));
    let member = index
        .member
        .keep(&f.member, mine_keys(), |&(u, _)| is_mine(u));
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
    // The nodes of the shard's accounts and of no account, which `here` admits.
    let local: Vec<usize> = (0..universe.accounts.len())
        .filter(|&a| account_in[a])
        .chain([universe.accounts.len()])
        .flat_map(|a| index.nodes.of(a))
        .map(|&x| x as usize)
        .collect();
    let groups = member.iter().map(|&(_, g)| g as usize);
    let attached = index.attached.keep(
        &f.attached,
        local.iter().copied().chain(groups),
        |&(e, _)| holder(e),
    );
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
    let holder_of = index
        .holder_of
        .keep(&f.holder_of, mine_keys(), |&(s, p, _)| {
            statement_in[s as usize] && is_mine(p)
        });
    let classes: rustc_hash::FxHashSet<(u32, Id)> =
        holder_of.iter().map(|&(s, _, h)| (s, h)).collect();
    let holds = |s: u32, q: Id| statement_in[s as usize] && (q == ANY || classes.contains(&(s, q)));
    let statements = || statement.iter().map(|&(_, s)| s as usize);
    let on = index
        .on
        .keep(&f.on, statements(), |&(s, q, _, _)| holds(s, q));
    let applies = index
        .applies
        .keep(&f.applies, statements(), |&(s, _, q, _)| holds(s, q));
    let trust_named = keep(&f.trust_named, |&(_, p, _)| is_mine(p));
    let trust_via_account = keep(&f.trust_via_account, |&(_, p, _)| is_mine(p));
    // The users and roles the shard's facts name: the scopes of its statements, the members a
    // "class but" scope leaves out, the roles whose trust names its principals, admits every
    // principal of an account, or denies someone. A rule reaches a user or role that is not
    // the shard's own only through one of these, or through its class.
    let mut named = vec![false; universe.nodes.len()];
    let mut named_list: Vec<usize> = Vec::new();
    let targets = on.iter().map(|&(_, _, x, _)| x);
    let targets = targets.chain(f.excluded.iter().map(|&(_, t)| t));
    let targets = targets.chain(trust_named.iter().map(|&(r, _, _)| r));
    let targets = targets.chain(trust_via_account.iter().map(|&(r, _, _)| r));
    let targets = targets.chain(f.trust_public.iter().map(|&(r, _)| r));
    let targets = targets.chain(f.trust_public_from.iter().map(|&(r, _, _)| r));
    for x in targets.chain(f.trust_denied.iter().map(|&(r, _, _)| r)) {
        if !named[x as usize] {
            named[x as usize] = true;
            named_list.push(x as usize);
        }
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
    // Every node `seen` may admit: the shard's accounts' and no account's, the named ones,
    // and the classes.
    let class_nodes = index.classes.iter().map(|&k| k as usize);
    let readable = || {
        local
            .iter()
            .copied()
            .chain(named_list.iter().copied())
            .chain(class_nodes.clone())
    };
    Facts {
        user: keep(&f.user, |&u| is_mine(u)),
        member,
        attached,
        boundary,
        statement,
        applies,
        on,
        holder_of,
        scp_level,
        level_policy,
        scp_exempt: keep(&f.scp_exempt, |&p| is_mine(p)),
        trust_named,
        trust_via_account,
        target_ok: index.target_ok.keep(&f.target_ok, readable(), |(v, t, _)| {
            seen(*t) && (here(*t) || techniques_anywhere.contains(v))
        }),
        group_policy,
        allows: keep(&f.allows, |&s| statement_in[s as usize]),
        within: index.within.keep(&f.within, readable(), |&(x, _)| seen(x)),
        in_class: index
            .in_class
            .keep(&f.in_class, readable(), |&(t, _)| seen(t)),
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

//! The derived edges as a graph to walk: who can act as whom, through which technique.
//!
//! Hubs stand for "every target of a class" and cost no hop: a principal allowed
//! `iam:PassRole` on every role reaches each role that trusts EC2 in one hop, through one hub.

use crate::compile::techniques::{Gain, TECHNIQUES};
use crate::compile::universe::Id;
use crate::compile::{Compiled, Tech};
use crate::derive::Derived;
use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;

/// How an edge is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Via {
    /// `sts:AssumeRole` (spec §6).
    Assume,
    /// A technique of spec §10 (index into `TECHNIQUES`).
    Technique(Tech),
    /// Trust of an outside principal (external account, `*`, identity provider, service).
    Outside,
}

/// One edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    /// Target node (universe id, or a hub index past the universe).
    pub to: u32,
    /// How.
    pub via: Via,
    /// Holds in every request.
    pub must: bool,
}

/// The tuples of a sorted relation whose prefix (`key`) is `value`.
fn sorted_range<T, K: Ord>(sorted: &[T], key: impl Fn(&T) -> K, value: K) -> &[T] {
    let start = sorted.partition_point(|x| key(x) < value);
    let len = sorted[start..].partition_point(|x| key(x) == value);
    &sorted[start..start + len]
}

/// What a hub stands for: the targets of one technique in one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hub {
    /// The technique that enters it (and leads out of it).
    pub via: Via,
    /// The scope node whose members it leads to (a class, a kind, `*`).
    pub scope: Id,
    /// For `sts:AssumeRole` hubs, the index of the callers' account (the trust admits it);
    /// `None` for the hubs of other techniques.
    pub callers: Option<u32>,
    /// True for a hub of principals whose statements take some members out of the scope
    /// (shared by those that take the same members out).
    pub private: bool,
}

/// Adjacency over universe nodes and hubs.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    adjacency: Vec<Vec<Arc>>,
    nodes: usize,
    /// What each hub stands for, by `hub id - nodes`.
    hubs: Vec<Hub>,
    /// The edges into each node (`to` names the source), built on first use.
    reverse: std::sync::OnceLock<Vec<Vec<Arc>>>,
}

/// The previous principal on a walk and the edge taken from it (`bool`: must).
type Parent = Option<(u32, Via, bool)>;

/// A node reached by a walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit {
    /// Hops from the start (hubs cost none).
    pub hops: u32,
    /// The previous principal node and the edge taken from it, for paths.
    pub parent: Parent,
}

/// The nodes one walk reached. Its buffers are sized to the graph and reused from walk to
/// walk, so a report that walks from every principal allocates once.
#[derive(Debug, Clone)]
pub struct Walk {
    epoch: u32,
    seen: Vec<u32>,
    visits: Vec<Visit>,
    order: Vec<u32>,
    queue: VecDeque<(u32, u32, Parent)>,
    nodes: usize,
}

impl Walk {
    /// Empty buffers for walks over `graph`.
    pub fn new(graph: &Graph) -> Walk {
        let len = graph.adjacency.len();
        Walk {
            epoch: 0,
            seen: vec![0; len],
            visits: vec![
                Visit {
                    hops: 0,
                    parent: None
                };
                len
            ],
            order: Vec::new(),
            queue: VecDeque::new(),
            nodes: graph.nodes,
        }
    }

    /// The visit of `node` (a universe node or a hub), if the walk reached it.
    pub fn get(&self, node: u32) -> Option<Visit> {
        let i = node as usize;
        (self.seen.get(i) == Some(&self.epoch)).then(|| self.visits[i])
    }

    /// True if the walk reached `node`.
    pub fn contains(&self, node: u32) -> bool {
        self.seen.get(node as usize) == Some(&self.epoch)
    }

    /// The universe nodes reached, nearest first (the start included, hubs left out).
    pub fn nodes(&self) -> impl Iterator<Item = (Id, Visit)> + '_ {
        self.order
            .iter()
            .filter(|&&n| (n as usize) < self.nodes)
            .map(|&n| (n, self.visits[n as usize]))
    }

    /// The hubs reached, with their visits.
    pub fn hubs(&self) -> impl Iterator<Item = (u32, Visit)> + '_ {
        self.order
            .iter()
            .filter(|&&n| (n as usize) >= self.nodes)
            .map(|&n| (n, self.visits[n as usize]))
    }

    fn visit(&mut self, node: u32, visit: Visit) {
        self.seen[node as usize] = self.epoch;
        self.visits[node as usize] = visit;
        self.order.push(node);
    }
}

/// The hubs of principals whose statements take members out of a class, one per distinct
/// set of targets: principals that leave out the same members share one (in a generated
/// organisation of 7,500 principals, 4,192 such hubs held 94 distinct sets).
#[derive(Default)]
struct PrivateHubs {
    made: HashMap<PrivateKey, u32>,
}

/// A private hub's technique, scope, callers' account and targets (sorted, unconditional
/// first, one arc per target).
type PrivateKey = (Via, Id, Option<u32>, Vec<(Id, bool)>);

impl PrivateHubs {
    /// The hub leading to `targets` through `via` in `scope`, made if it is new.
    fn hub(
        &mut self,
        graph: &mut Graph,
        (via, scope, callers): (Via, Id, Option<u32>),
        targets: impl Iterator<Item = (Id, bool)>,
    ) -> u32 {
        let mut targets: Vec<(Id, bool)> = targets.collect();
        targets.sort_unstable_by_key(|&(t, must)| (t, !must));
        targets.dedup_by_key(|&mut (t, _)| t);
        let key = (via, scope, callers, targets);
        if let Some(&h) = self.made.get(&key) {
            return h;
        }
        let h = graph.new_hub(Hub {
            via,
            scope,
            callers,
            private: true,
        });
        for &(t, must) in &key.3 {
            graph.add(h, t, via, must);
        }
        self.made.insert(key, h);
        h
    }
}

impl Graph {
    /// Builds the graph from the derived relations.
    pub fn build(compiled: &Compiled, derived: &Derived) -> Graph {
        let nodes = compiled.universe.nodes.len();
        let mut graph = Graph {
            adjacency: vec![Vec::new(); nodes],
            nodes,
            hubs: Vec::new(),
            reverse: std::sync::OnceLock::new(),
        };
        let mut hubs: HashMap<(Via, Id, u32), u32> = HashMap::default();
        let mut hub = |graph: &mut Graph, key: (Via, Id, u32)| -> u32 {
            *hubs.entry(key).or_insert_with(|| {
                let (via, scope, callers) = key;
                graph.new_hub(Hub {
                    via,
                    scope,
                    callers: (via == Via::Assume).then_some(callers),
                    private: false,
                })
            })
        };
        let acts = |v: Tech| TECHNIQUES[v as usize].gain == Gain::Act;
        for &(p, r, must) in &derived.assumes {
            graph.add(p, r, Via::Assume, must);
        }
        for &(p, t, v, must) in &derived.edges {
            if p != t && acts(v) {
                graph.add(p, t, Via::Technique(v), must);
            }
        }
        let entered: std::collections::HashSet<(Tech, Id)> = derived
            .hub_edges
            .iter()
            .map(|&(_, v, k, _)| (v, k))
            .collect();
        for &(v, k, t, must) in &derived.hub_targets {
            if acts(v) && entered.contains(&(v, k)) {
                let h = hub(&mut graph, (Via::Technique(v), k, 0));
                graph.add(h, t, Via::Technique(v), must);
            }
        }
        // A principal whose statements take members out of a class gets a hub of its own,
        // shared with the principals that take the same members out.
        let mut private = PrivateHubs::default();
        let mut excepted: HashMap<(Id, u32, bool), Vec<Id>> = HashMap::default();
        for &(p, c, t, must) in &derived.excepts {
            excepted.entry((p, c, must)).or_default().push(t);
        }
        let check_of = |v: Tech| compiled.check_id(&TECHNIQUES[v as usize].check);
        for &(p, v, k, must) in &derived.hub_edges {
            if !acts(v) {
                continue;
            }
            let via = Via::Technique(v);
            match excepted.get(&(p, check_of(v), must)) {
                None => {
                    let h = hub(&mut graph, (via, k, 0));
                    graph.add(p, h, via, must);
                }
                Some(out) => {
                    // The targets of (v, k): a range of the sorted relation.
                    let targets = sorted_range(&derived.hub_targets, |x| (x.0, x.1), (v, k))
                        .iter()
                        .filter(|&&(_, _, t, _)| !out.contains(&t))
                        .map(|&(_, _, t, m)| (t, m));
                    let h = private.hub(&mut graph, (via, k, None), targets);
                    graph.add(p, h, via, must);
                }
            }
        }
        for &(k, a, r, must) in &derived.assume_hub_targets {
            let h = hub(&mut graph, (Via::Assume, k, a));
            graph.add(h, r, Via::Assume, must);
        }
        // An account's role class among a principal's exceptions takes out its every role.
        let role_class: HashMap<u32, Id> = compiled
            .facts
            .check_class
            .iter()
            .filter(|&&(c, _, _)| c == compiled.assume)
            .map(|&(_, a, k)| (a, k))
            .collect();
        let left_out = |out: &[Id], r: Id| {
            out.contains(&r)
                || compiled
                    .universe
                    .node(r)
                    .account
                    .and_then(|b| role_class.get(&b))
                    .is_some_and(|k| out.contains(k))
        };
        for &(p, k, must) in &derived.assume_hubs {
            let a = compiled.universe.node(p).account.unwrap_or(u32::MAX);
            match excepted.get(&(p, compiled.assume, must)) {
                None => {
                    let h = hub(&mut graph, (Via::Assume, k, a));
                    graph.add(p, h, Via::Assume, must);
                }
                Some(out) => {
                    let targets = sorted_range(&derived.assume_hub_targets, |x| (x.0, x.1), (k, a))
                        .iter()
                        .filter(|&&(_, _, r, _)| !left_out(out, r))
                        .map(|&(_, _, r, m)| (r, m));
                    let h = private.hub(&mut graph, (Via::Assume, k, Some(a)), targets);
                    graph.add(p, h, Via::Assume, must);
                }
            }
        }
        for &(source, r, must) in &compiled.facts.outside {
            graph.add(source, r, Via::Outside, must);
        }
        for list in &mut graph.adjacency {
            list.sort_by_key(|a| (a.to, a.via, !a.must));
            list.dedup_by_key(|a| (a.to, a.via));
        }
        graph
    }

    fn new_hub(&mut self, hub: Hub) -> u32 {
        self.adjacency.push(Vec::new());
        self.hubs.push(hub);
        (self.adjacency.len() - 1) as u32
    }

    /// The number of universe nodes; hubs are numbered from here on.
    pub fn universe_nodes(&self) -> usize {
        self.nodes
    }

    /// The edges out of a node (a universe node or a hub), sorted by target.
    pub fn arcs(&self, node: u32) -> &[Arc] {
        self.adjacency.get(node as usize).map_or(&[], Vec::as_slice)
    }

    /// What a hub node stands for (`None` for universe nodes).
    pub fn hub(&self, node: u32) -> Option<&Hub> {
        (node as usize)
            .checked_sub(self.nodes)
            .and_then(|i| self.hubs.get(i))
    }

    fn add(&mut self, from: u32, to: u32, via: Via, must: bool) {
        let from = from as usize;
        if from >= self.adjacency.len() {
            self.adjacency.resize(from + 1, Vec::new());
        }
        self.adjacency[from].push(Arc { to, via, must });
    }

    /// How `from` acts as `to` in one hop (directly or through a hub), if it does.
    pub fn one_hop(&self, from: Id, to: Id, must_only: bool) -> Option<Via> {
        let arcs = self.adjacency.get(from as usize)?;
        for arc in arcs.iter().filter(|a| a.must || !must_only) {
            if arc.to == to {
                return Some(arc.via);
            }
            if self.is_hub(arc.to) {
                let through = &self.adjacency[arc.to as usize];
                if through.iter().any(|b| b.to == to && (b.must || !must_only)) {
                    return Some(arc.via);
                }
            }
        }
        None
    }

    /// Can `from` assume `role` in one hop, directly or through a hub (`Some(must)`)?
    pub fn assumes(&self, from: Id, role: Id) -> Option<bool> {
        let to_role = |arcs: &[Arc]| {
            let start = arcs.partition_point(|a| a.to < role);
            arcs[start..]
                .iter()
                .take_while(|a| a.to == role)
                .find(|a| a.via == Via::Assume)
                .map(|a| a.must)
        };
        let mut found = to_role(self.arcs(from));
        for arc in self.arcs(from) {
            if arc.via == Via::Assume && self.is_hub(arc.to) {
                if let Some(must) = to_role(self.arcs(arc.to)) {
                    found = Some(found.unwrap_or(false) || arc.must && must);
                }
            }
        }
        found
    }

    /// The edges into a node, each with `to` naming its source, sorted by source (built on
    /// first use).
    pub fn arcs_into(&self, node: u32) -> &[Arc] {
        let reverse = self.reverse.get_or_init(|| {
            let mut reverse = vec![Vec::new(); self.adjacency.len()];
            for (from, arcs) in self.adjacency.iter().enumerate() {
                for arc in arcs {
                    if arc.to as usize >= reverse.len() {
                        reverse.resize(arc.to as usize + 1, Vec::new());
                    }
                    reverse[arc.to as usize].push(Arc {
                        to: from as u32,
                        ..*arc
                    });
                }
            }
            reverse
        });
        reverse.get(node as usize).map_or(&[], Vec::as_slice)
    }

    /// How many nodes it has, hubs included.
    pub fn len(&self) -> usize {
        self.adjacency.len()
    }

    /// True if it has no node.
    pub fn is_empty(&self) -> bool {
        self.adjacency.is_empty()
    }

    /// True for hub nodes.
    pub fn is_hub(&self, node: u32) -> bool {
        node as usize >= self.nodes
    }

    /// Shortest walks from `start`, over every edge or only over edges that hold in every
    /// request.
    pub fn walk(&self, start: Id, must_only: bool) -> Walk {
        let mut walk = Walk::new(self);
        self.walk_into(&mut walk, start, must_only, |_| true, |_| false);
        walk
    }

    /// As [`Graph::walk`], into reused buffers, over the edges `take` accepts, not going on
    /// from the nodes `stop` accepts (the start excepted). Hubs cost no hop, so they go to the
    /// front of the queue and every node's first visit is its nearest.
    pub fn walk_into(
        &self,
        walk: &mut Walk,
        start: Id,
        must_only: bool,
        take: impl Fn(Via) -> bool,
        stop: impl Fn(u32) -> bool,
    ) {
        walk.epoch += 1;
        walk.order.clear();
        walk.queue.clear();
        walk.queue.push_back((start, 0, None));
        while let Some((node, hops, parent)) = walk.queue.pop_front() {
            if walk.contains(node) {
                continue;
            }
            walk.visit(node, Visit { hops, parent });
            if node != start && stop(node) {
                continue;
            }
            for arc in self.arcs(node) {
                if must_only && !arc.must || !take(arc.via) || walk.contains(arc.to) {
                    continue;
                }
                if self.is_hub(arc.to) {
                    walk.queue
                        .push_front((arc.to, hops, Some((node, arc.via, arc.must))));
                } else if self.is_hub(node) {
                    // Through a hub: the step is from the principal that entered it.
                    let (from, via, must) = parent.expect("hubs are entered");
                    walk.queue
                        .push_back((arc.to, hops + 1, Some((from, via, must && arc.must))));
                } else {
                    walk.queue
                        .push_back((arc.to, hops + 1, Some((node, arc.via, arc.must))));
                }
            }
        }
    }
}

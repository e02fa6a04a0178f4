//! Shortest paths between two principals, searched from both ends at once.
//!
//! A walk from the start alone ([`Graph::walk`]) visits every node nearer than the goal:
//! most of an organisation when the goal is a few hops away. This search grows a ball from
//! the start over the edges and one from the goal over the edges reversed, a whole level at
//! a time, always the side whose next level has fewer edges to read, and stops as soon as no
//! path shorter than the best meeting found can remain. Hubs cost no hop, as in the walk: a
//! level goes through a hub to its members (forward) or to the principals that enter it
//! (backward), and each hub is gone through once per side.

use super::graph::{Graph, Via};
use crate::compile::universe::Id;

/// One hop of a path: from a node, to a node, how.
pub type Hop = (Id, Id, Via);

/// Buffers for searches over one graph, reused from search to search.
#[derive(Debug, Clone)]
pub struct Meet {
    epoch: u32,
    /// Per node and side (0 forward, 1 backward): the epoch it was reached in.
    seen: [Vec<u32>; 2],
    /// Per node and side: hops from its end.
    hops: [Vec<u32>; 2],
    /// Forward: the node before it and the edge; backward: the node after it and the edge.
    link: [Vec<(u32, Via)>; 2],
    frontier: [Vec<u32>; 2],
    next: Vec<u32>,
}

impl Meet {
    /// Empty buffers for searches over `graph`.
    pub fn new(graph: &Graph) -> Meet {
        let len = graph.len();
        Meet {
            epoch: 0,
            seen: [vec![0; len], vec![0; len]],
            hops: [vec![0; len], vec![0; len]],
            link: [vec![(0, Via::Assume); len], vec![(0, Via::Assume); len]],
            frontier: [Vec::new(), Vec::new()],
            next: Vec::new(),
        }
    }

    fn has(&self, side: usize, node: u32) -> bool {
        self.seen[side][node as usize] == self.epoch
    }

    fn reach(&mut self, side: usize, node: u32, hops: u32, link: (u32, Via)) {
        let i = node as usize;
        self.seen[side][i] = self.epoch;
        self.hops[side][i] = hops;
        self.link[side][i] = link;
    }

    /// A shortest path from `from` to `to` over every edge, or over the edges that hold in
    /// every request (`must_only`): its hops, in order (none when `from == to`). Its length
    /// is the hops a [`Graph::walk`] from `from` gives `to`.
    pub fn shortest(
        &mut self,
        graph: &Graph,
        from: Id,
        to: Id,
        must_only: bool,
    ) -> Option<Vec<Hop>> {
        if from == to {
            return Some(Vec::new());
        }
        let len = graph.len();
        if from as usize >= len || to as usize >= len || graph.is_hub(from) || graph.is_hub(to) {
            return None;
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            // Stamps wrapped around: clear them so an old one cannot pass for this search's.
            self.seen.iter_mut().for_each(|s| s.fill(0));
            self.epoch = 1;
        }
        self.reach(0, from, 0, (from, Via::Assume));
        self.reach(1, to, 0, (to, Via::Assume));
        self.frontier = [vec![from], vec![to]];
        // The levels done on each side, and the best meeting: (length, node).
        let mut radius = [0u32, 0u32];
        let mut best: Option<(u32, u32)> = None;
        while !self.frontier[0].is_empty() && !self.frontier[1].is_empty() {
            if best.is_some_and(|(length, _)| length <= radius[0] + radius[1]) {
                break;
            }
            let side = if self.work(graph, 0, must_only) <= self.work(graph, 1, must_only) {
                0
            } else {
                1
            };
            if let Some(found) = self.level(graph, side, must_only) {
                best = Some(best.map_or(found, |b| b.min(found)));
            }
            radius[side] += 1;
        }
        let (_, middle) = best?;
        Some(self.hops_through(middle, from, to))
    }

    /// The edges the next level of `side` reads (hubs counted with their members).
    fn work(&self, graph: &Graph, side: usize, must_only: bool) -> usize {
        let arcs = |n: u32| {
            if side == 0 {
                graph.arcs(n)
            } else {
                graph.arcs_into(n)
            }
        };
        self.frontier[side]
            .iter()
            .flat_map(|&n| arcs(n))
            .filter(|a| a.must || !must_only)
            .map(|a| {
                if graph.is_hub(a.to) {
                    1 + arcs(a.to).len()
                } else {
                    1
                }
            })
            .sum()
    }

    /// Grows `side` by one level; returns the best meeting it made: (length, node).
    fn level(&mut self, graph: &Graph, side: usize, must_only: bool) -> Option<(u32, u32)> {
        let arcs = |n: u32| {
            if side == 0 {
                graph.arcs(n)
            } else {
                graph.arcs_into(n)
            }
        };
        let frontier = std::mem::take(&mut self.frontier[side]);
        let mut next = std::mem::take(&mut self.next);
        next.clear();
        let mut best: Option<(u32, u32)> = None;
        for &node in &frontier {
            let hops = self.hops[side][node as usize] + 1;
            for arc in arcs(node).iter().filter(|a| a.must || !must_only) {
                let through: &[super::graph::Arc] = if graph.is_hub(arc.to) {
                    // A hub is gone through once per side: its first level is its nearest.
                    if self.has(side, arc.to) {
                        continue;
                    }
                    self.reach(side, arc.to, hops - 1, (node, arc.via));
                    arcs(arc.to)
                } else {
                    std::slice::from_ref(arc)
                };
                for member in through.iter().filter(|b| b.must || !must_only) {
                    let reached = member.to;
                    if graph.is_hub(reached) || self.has(side, reached) {
                        continue;
                    }
                    // Forward, the edge is the one that left `node`; backward, the one that
                    // enters the hub or `node` from `reached`.
                    let via = if side == 0 { arc.via } else { member.via };
                    self.reach(side, reached, hops, (node, via));
                    next.push(reached);
                    if self.has(1 - side, reached) {
                        let length = hops + self.hops[1 - side][reached as usize];
                        best = Some(best.map_or((length, reached), |b| b.min((length, reached))));
                    }
                }
            }
        }
        self.frontier[side] = next;
        self.next = frontier;
        best
    }

    /// The hops of the path that meets at `middle`.
    fn hops_through(&self, middle: u32, from: Id, to: Id) -> Vec<Hop> {
        let mut out = Vec::new();
        let mut node = middle;
        while node != from {
            let (prev, via) = self.link[0][node as usize];
            out.push((prev, node, via));
            node = prev;
        }
        out.reverse();
        let mut node = middle;
        while node != to {
            let (next, via) = self.link[1][node as usize];
            out.push((node, next, via));
            node = next;
        }
        out
    }
}

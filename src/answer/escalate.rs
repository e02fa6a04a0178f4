//! Escalation paths to administrator (spec §10), for every principal at once.
//!
//! Each principal gets the cost of the nearest *end* it holds itself: being an administrator
//! (0), a technique that makes it one (1), or writing the policy of a principal it acts as in
//! one hop, or being written by one (2). A shortest-path search backwards from the ends over
//! the graph gives every principal its distance to the nearest end in time linear in the
//! edges; a path is then read forwards, one edge that keeps to the distance at a time.

use super::graph::Via;
use super::{Analysis, Escalation, Step, Steps};
use crate::compile::universe::Id;
use crate::compile::Tech;

/// How an escalation path ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    /// At an administrator.
    Admin,
    /// A technique of the principal's own makes it an administrator.
    SelfAdmin(Tech),
    /// It writes the policy of `t` (technique), and acts as `t` in one hop (edge).
    Writes(Id, Tech, Via),
    /// `w` writes its policy (technique), and it acts as `w` in one hop (edge).
    WrittenBy(Id, Tech, Via),
}

/// A step of an escalation path, as [`Analysis::explained`] keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum StepKey {
    /// From a principal to another, by an edge.
    Edge(Id, Id, Via),
    /// A principal makes itself an administrator with a technique.
    SelfAdmin(Id, Tech),
}

/// Every node's distance to the nearest end, over every edge or over unconditional edges.
#[derive(Debug, Clone)]
pub(super) struct Distances {
    must_only: bool,
    dist: Vec<u32>,
    ends: Vec<Option<(u32, End)>>,
    /// The node one step nearer an end, and the edge to it.
    next: Vec<Option<(u32, Via)>>,
}

/// No end is reachable.
const FAR: u32 = u32::MAX;

impl Analysis {
    /// The nearest end held by `q` itself, with its cost.
    fn end_of(&self, q: Id, must_only: bool) -> Option<(u32, End)> {
        let holds = |m: bool| m || !must_only;
        if self.full_admins.get(&q).is_some_and(|&m| holds(m)) {
            return Some((0, End::Admin));
        }
        if let Some(&(v, _)) = self
            .self_admins
            .get(&q)
            .into_iter()
            .flatten()
            .find(|&&(_, m)| holds(m))
        {
            return Some((1, End::SelfAdmin(v)));
        }
        let free = |x: Id| self.unbounded.get(&x).is_some_and(|&u| holds(u));
        // Write the policy of a principal one acts as in one hop, or act in one hop as a
        // principal that writes one's own (longer chains of writes are not derived yet: see
        // README).
        for &(t, v, m) in self.empowers.get(&q).into_iter().flatten() {
            if holds(m) && free(t) {
                if let Some(via) = self.graph.one_hop(q, t, must_only) {
                    return Some((2, End::Writes(t, v, via)));
                }
            }
        }
        for &(w, v, m) in self.empowered_by.get(&q).into_iter().flatten() {
            if holds(m) && free(q) {
                if let Some(via) = self.graph.one_hop(q, w, must_only) {
                    return Some((2, End::WrittenBy(w, v, via)));
                }
            }
        }
        None
    }

    /// Distances to the nearest end, by a bucketed shortest-path search backwards from the
    /// ends. Hubs cost no hop, and a walk does not go on from an administrator.
    pub(super) fn distances(&self, must_only: bool) -> Distances {
        let graph = &self.graph;
        let mut back: Vec<Vec<(u32, u32, Via)>> = vec![Vec::new(); graph.len()];
        for x in 0..graph.len() as u32 {
            // A conditional administrator is no end of a path that holds in every request:
            // such paths go on through it.
            if self.full_admins.get(&x).is_some_and(|&m| m || !must_only) {
                continue;
            }
            for arc in graph.arcs(x) {
                if arc.must || !must_only {
                    let cost = u32::from(!graph.is_hub(arc.to));
                    back[arc.to as usize].push((x, cost, arc.via));
                }
            }
        }
        let mut dist = vec![FAR; graph.len()];
        let mut ends = vec![None; graph.len()];
        let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); 3];
        for q in self.principals() {
            if let Some((cost, end)) = self.end_of(q, must_only) {
                dist[q as usize] = cost;
                ends[q as usize] = Some((cost, end));
                buckets[cost as usize].push(q);
            }
        }
        let mut next = vec![None; graph.len()];
        let mut done = vec![false; graph.len()];
        let mut d = 0;
        while d < buckets.len() {
            while let Some(y) = buckets[d].pop() {
                if done[y as usize] || dist[y as usize] != d as u32 {
                    continue;
                }
                done[y as usize] = true;
                for &(x, cost, via) in &back[y as usize] {
                    let through = d as u32 + cost;
                    if through < dist[x as usize] {
                        dist[x as usize] = through;
                        next[x as usize] = Some((y, via));
                        if buckets.len() <= through as usize {
                            buckets.resize(through as usize + 1, Vec::new());
                        }
                        buckets[through as usize].push(x);
                    }
                }
            }
            d += 1;
        }
        Distances {
            must_only,
            dist,
            ends,
            next,
        }
    }

    /// The shortest escalation path of `p` within `d`, read forwards from the distances.
    pub(super) fn escalation_path(&self, p: Id, d: &Distances, steps: Steps) -> Option<Escalation> {
        let dist = |x: u32| d.dist[x as usize];
        if self.full_admins.contains_key(&p) || dist(p) == FAR {
            return None;
        }
        let mut path = Vec::new();
        let mut x = p;
        loop {
            if let Some((_, end)) = d.ends[x as usize].filter(|&(c, _)| c == dist(x)) {
                self.push_end(&mut path, x, end, steps);
                break;
            }
            let (mut y, via) = d.next[x as usize].expect("a node off the ends has a next");
            if self.graph.is_hub(y) {
                // Through a hub: the step is to its member, by the edge that entered it.
                (y, _) = d.next[y as usize].expect("a hub off the ends has a next");
            }
            path.push(self.explained(StepKey::Edge(x, y, via), steps));
            x = y;
        }
        Some(Escalation {
            conditional: !d.must_only,
            path,
        })
    }

    /// The step `key` names, explained once: the paths of many principals run on through
    /// the same principals (explaining a step decides requests with the policy core). A
    /// step only named is not kept (it costs little).
    fn explained(&self, key: StepKey, steps: Steps) -> Step {
        if steps == Steps::Named {
            return match key {
                StepKey::Edge(from, to, via) => self.step(from, to, via, steps),
                StepKey::SelfAdmin(q, v) => self.self_step(q, v, steps),
            };
        }
        let kept = self
            .explained
            .lock()
            .ok()
            .and_then(|e| e.get(&key).cloned());
        if let Some(step) = kept {
            return step;
        }
        let step = match key {
            StepKey::Edge(from, to, via) => self.step(from, to, via, steps),
            StepKey::SelfAdmin(q, v) => self.self_step(q, v, steps),
        };
        if let Ok(mut explained) = self.explained.lock() {
            explained.insert(key, step.clone());
        }
        step
    }

    /// The steps that end a path at `q`.
    fn push_end(&self, path: &mut Vec<Step>, q: Id, end: End, steps: Steps) {
        match end {
            End::Admin => {}
            End::SelfAdmin(v) => path.push(self.explained(StepKey::SelfAdmin(q, v), steps)),
            End::Writes(t, v, via) => {
                path.push(self.explained(StepKey::Edge(q, t, Via::Technique(v)), steps));
                path.push(self.explained(StepKey::Edge(q, t, via), steps));
                path.push(self.holds_written(t));
            }
            End::WrittenBy(w, v, via) => {
                path.push(self.explained(StepKey::Edge(q, w, via), steps));
                path.push(self.explained(StepKey::Edge(w, q, Via::Technique(v)), steps));
                path.push(self.holds_written(q));
            }
        }
    }
}

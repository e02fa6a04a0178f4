//! What to draw: nodes (principals, outside sources, class hubs, "administrator") and edges
//! labelled with their techniques, picked from an [`Analysis`].
//!
//! A drawing shows the derived edges, never their transitive closure: a graph of thousands of
//! principals stays as large as the derivation. A class hub ("every role in account X") is
//! drawn as one node when that takes fewer edges than drawing each principal's edges to the
//! class members; otherwise its edges are drawn directly.

use crate::answer::graph::{Hub, Via};
use crate::answer::{Analysis, Escalation, Step};
use crate::compile::techniques::{Gain, TargetKind, CREATE_ROLE_TECHNIQUE, TECHNIQUES};
use crate::compile::universe::{Id, NodeKind};
use crate::compile::Tech;
use crate::derive::CREATE_ROLE_TECH;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What a node stands for; renderers style nodes by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An IAM user.
    User,
    /// An IAM role.
    Role,
    /// An IAM group.
    Group,
    /// Principals of an account outside the input.
    External,
    /// The users of a SAML or OIDC identity provider.
    Federated,
    /// An AWS service principal.
    Service,
    /// Everyone (`"Principal": "*"`).
    Public,
    /// "Administrator": the end of an escalation that grants itself any permission.
    Administrator,
    /// Every target of a class, reached through one technique.
    Hub,
}

impl Kind {
    /// A short lowercase name (used as a Mermaid class name).
    pub fn name(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Role => "role",
            Kind::Group => "group",
            Kind::External => "external",
            Kind::Federated => "federated",
            Kind::Service => "service",
            Kind::Public => "public",
            Kind::Administrator => "administrator",
            Kind::Hub => "hub",
        }
    }
}

/// One node of a drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Unique in the drawing: an ARN, an outside source's name, or a made-up key.
    pub key: String,
    /// The label, one entry per line.
    pub label: Vec<String>,
    /// What it stands for.
    pub kind: Kind,
    /// True for a user or role allowed every action on every resource.
    pub admin: bool,
    /// Index in [`Drawing::accounts`] of the account of a user, role or group.
    pub account: Option<usize>,
}

/// One edge: the techniques by which one node acts as (or reaches) another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// Index in [`Drawing::nodes`].
    pub from: usize,
    /// Index in [`Drawing::nodes`].
    pub to: usize,
    /// The techniques, sorted (empty for the edges out of a hub: its entering edge names it).
    pub techniques: Vec<String>,
    /// True if every technique on it holds only under conditions.
    pub conditional: bool,
}

/// An account whose principals the drawing shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The 12-digit ID.
    pub id: String,
    /// Its name, if the input gave one.
    pub name: Option<String>,
}

impl Account {
    /// `account 222222222222 (prod)`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("account {} ({name})", self.id),
            None => format!("account {}", self.id),
        }
    }
}

/// A graph ready to be written out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawing {
    /// A caption.
    pub title: String,
    /// The accounts, sorted by ID.
    pub accounts: Vec<Account>,
    /// The nodes, sorted by key.
    pub nodes: Vec<Node>,
    /// The edges, sorted by their ends.
    pub edges: Vec<Edge>,
}

/// The key of the "administrator" node.
const ADMIN_KEY: &str = "administrator";

/// The name of a derived edge's technique, as steps and reports name it.
pub fn via_name(via: Via) -> &'static str {
    match via {
        Via::Assume => "assume-role",
        Via::Technique(v) => technique_name(v),
        Via::Outside => "trusted-outside",
    }
}

/// The name of a technique by its index (or the create-role escalation).
pub fn technique_name(v: Tech) -> &'static str {
    if v == CREATE_ROLE_TECH {
        CREATE_ROLE_TECHNIQUE
    } else {
        TECHNIQUES.get(v as usize).map_or("unknown", |t| t.id)
    }
}

/// The derived graph: who can act as whom, through which technique; who can write whose
/// policies; who can grant itself any permission. An administrator's edges are the roles it
/// can assume only (it can act as every principal of its account), as in the report.
pub fn reachability(analysis: &Analysis) -> Drawing {
    let graph = analysis.graph();
    let mut b = Builder::new(analysis);
    let admin = |p: Id| analysis.is_admin(p).is_some();
    for p in analysis.principals() {
        if admin(p) {
            b.universe(p);
        }
    }
    let sources = 0..graph.universe_nodes() as u32;
    // An administrator's edges are the roles it can assume.
    let drawn = |n: u32, via: Via| !admin(n) || via == Via::Assume;
    let mut entrants: HashMap<u32, usize> = HashMap::new();
    for n in sources.clone() {
        for arc in graph.arcs(n) {
            if graph.hub(arc.to).is_some() && drawn(n, arc.via) {
                *entrants.entry(arc.to).or_default() += 1;
            }
        }
    }
    let hub_keys = b.hubs(&entrants);
    for n in sources {
        for arc in graph.arcs(n) {
            if !drawn(n, arc.via) {
                continue;
            }
            if let Some(key) = hub_keys.get(&arc.to) {
                if let Some(from) = b.universe(n) {
                    b.edge(&from, key, Some(via_name(arc.via)), arc.must);
                }
            } else if graph.hub(arc.to).is_some() {
                for o in graph.arcs(arc.to) {
                    b.universe_edge(n, o.to, via_name(arc.via), arc.must && o.must);
                }
            } else {
                b.universe_edge(n, arc.to, via_name(arc.via), arc.must);
            }
        }
    }
    let derived = &analysis.derived;
    for &(p, t, v, must) in &derived.edges {
        let gain = TECHNIQUES.get(v as usize).map(|t| t.gain);
        if p != t && gain == Some(Gain::Empower) && !admin(p) {
            b.universe_edge(p, t, technique_name(v), must);
        }
    }
    for &(p, v, must) in &derived.self_admins {
        if !admin(p) {
            if let Some(from) = b.universe(p) {
                let to = b.administrator();
                b.edge(&from, &to, Some(technique_name(v)), must);
            }
        }
    }
    let drawn = analysis
        .principals()
        .into_iter()
        .filter(|&p| b.nodes.contains_key(analysis.arn(p)))
        .count();
    let left_out = analysis.principals().len() - drawn;
    let title = if left_out == 0 {
        "who can act as whom".to_string()
    } else {
        format!("who can act as whom ({left_out} principals without edges not drawn)")
    };
    b.finish(&title)
}

/// Escalation paths (as [`Analysis::escalations`] gives them): every principal's shortest
/// way to an administrator.
pub fn escalations(analysis: &Analysis, escalations: &[(String, Escalation)]) -> Drawing {
    let mut b = Builder::new(analysis);
    for (_, e) in escalations {
        b.steps(&e.path);
    }
    let title = match escalations.len() {
        0 => "no principal can escalate to administrator".to_string(),
        1 => "escalation paths to administrator: 1 principal".to_string(),
        n => format!("escalation paths to administrator: {n} principals"),
    };
    b.finish(&title)
}

/// One path (`path A -> B`): its two ends, and its steps if there is one.
pub fn path(analysis: &Analysis, from: Id, to: Id, steps: Option<&[Step]>) -> Drawing {
    paths(analysis, &[(from, to, steps)])
}

/// Several paths in one drawing (one `query` with many `path` questions).
pub fn paths(analysis: &Analysis, paths: &[(Id, Id, Option<&[Step]>)]) -> Drawing {
    let mut b = Builder::new(analysis);
    for &(from, to, steps) in paths {
        b.universe(from);
        b.universe(to);
        b.steps(steps.unwrap_or_default());
    }
    let title = match paths {
        [(from, to, None)] => format!(
            "no path from {} to {}",
            analysis.arn(*from),
            analysis.arn(*to)
        ),
        [(from, to, Some(_))] => format!("from {} to {}", analysis.arn(*from), analysis.arn(*to)),
        _ => "paths".to_string(),
    };
    b.finish(&title)
}

/// Collects nodes and edges by key, so that the output does not depend on the order they
/// were found in.
struct Builder<'a> {
    analysis: &'a Analysis,
    nodes: BTreeMap<String, Node>,
    /// (from, to, must) to techniques (`None` for the edges out of a hub).
    edges: BTreeMap<(String, String, bool), BTreeSet<Option<String>>>,
    /// Account IDs and names.
    accounts: BTreeMap<String, Option<String>>,
    /// The account of each user, role or group node, by key.
    node_accounts: HashMap<String, String>,
    /// Edges of techniques that hold in every request, for steps: (from, to, technique).
    must_edges: Option<HashSet<(Id, Id, Tech)>>,
}

impl<'a> Builder<'a> {
    fn new(analysis: &'a Analysis) -> Builder<'a> {
        Builder {
            analysis,
            nodes: BTreeMap::new(),
            edges: BTreeMap::new(),
            accounts: BTreeMap::new(),
            node_accounts: HashMap::new(),
            must_edges: None,
        }
    }

    /// Adds a universe node (a principal, group or outside source) and returns its key;
    /// `None` for nodes that are not drawn (scopes, policies).
    fn universe(&mut self, id: Id) -> Option<String> {
        let universe = &self.analysis.compiled.universe;
        let node = universe.node(id);
        let kind = match node.kind {
            NodeKind::User => Kind::User,
            NodeKind::Role => Kind::Role,
            NodeKind::Group => Kind::Group,
            NodeKind::ExternalAccount => Kind::External,
            NodeKind::Federated => Kind::Federated,
            NodeKind::Service => Kind::Service,
            NodeKind::Public => Kind::Public,
            _ => return None,
        };
        let key = node.name.clone();
        if self.nodes.contains_key(&key) {
            return Some(key);
        }
        let label = match kind {
            Kind::User | Kind::Role | Kind::Group => principal_label(&node.name),
            _ => outside_label(&node.name),
        };
        let account = match kind {
            Kind::User | Kind::Role | Kind::Group => universe.account_id(id).map(str::to_string),
            _ => None,
        };
        if let Some(a) = account {
            let name = self.analysis.world.account(&a).and_then(|m| m.name.clone());
            self.accounts.insert(a.clone(), name);
            self.node_accounts.insert(key.clone(), a);
        }
        self.nodes.insert(
            key.clone(),
            Node {
                key: key.clone(),
                label,
                kind,
                admin: self.analysis.is_admin(id).is_some(),
                account: None,
            },
        );
        Some(key)
    }

    /// Draws the hubs that save edges (entered `k` times, leading to `t` targets: drawn when
    /// `k * t > k + t`) with their edges out, and returns their keys. Hubs of one scope with
    /// the same targets (the variants of one technique) are one node.
    fn hubs(&mut self, entrants: &HashMap<u32, usize>) -> HashMap<u32, String> {
        let graph = self.analysis.graph();
        // (what the hub leads to in words, its targets) to (scope, techniques, hubs).
        type Signature = (Vec<String>, Vec<(u32, bool)>);
        type Group = (Option<Id>, BTreeSet<&'static str>, Vec<u32>);
        let mut groups: BTreeMap<Signature, Group> = BTreeMap::new();
        for (&h, &k) in entrants {
            let Some(hub) = graph.hub(h) else { continue };
            let out = graph.arcs(h);
            if hub.private || k * out.len() <= k + out.len() {
                continue;
            }
            let targets = out.iter().map(|o| (o.to, o.must)).collect();
            let group = groups.entry((self.hub_scope(hub), targets)).or_default();
            group.0 = Some(hub.scope);
            group.1.insert(via_name(hub.via));
            group.2.push(h);
        }
        let mut keys = HashMap::new();
        for ((mut label, targets), (scope, vias, hubs)) in groups {
            label.push(format!(
                "via {}",
                vias.into_iter().collect::<Vec<_>>().join(", ")
            ));
            let key = format!("~hub {}", label.join(" "));
            let account = scope.and_then(|s| self.analysis.compiled.universe.account_id(s));
            // A class of one account is drawn in that account.
            if let Some(account) = account {
                let world = &self.analysis.world;
                let name = world.account(account).and_then(|m| m.name.clone());
                self.accounts.insert(account.to_string(), name);
                self.node_accounts.insert(key.clone(), account.to_string());
            }
            self.nodes.insert(
                key.clone(),
                Node {
                    key: key.clone(),
                    label,
                    kind: Kind::Hub,
                    admin: false,
                    account: None,
                },
            );
            for (to, must) in targets {
                if let Some(to) = self.universe(to) {
                    self.edge(&key, &to, None, must);
                }
            }
            keys.extend(hubs.into_iter().map(|h| (h, key.clone())));
        }
        keys
    }

    /// What a hub leads to, in words, on lines.
    fn hub_scope(&self, hub: &Hub) -> Vec<String> {
        let universe = &self.analysis.compiled.universe;
        let mut label = vec![scope_phrase(self.analysis, hub.scope)];
        if let Some(callers) = hub.callers {
            match (
                universe.accounts.get(callers as usize),
                universe.account_id(hub.scope),
            ) {
                (Some(c), Some(own)) if c == own => {
                    label.push("whose trust names the account".into())
                }
                (Some(c), _) => label.push(format!("whose trust admits {c}")),
                (None, _) => {}
            }
        }
        label
    }

    /// Adds the "administrator" node and returns its key.
    fn administrator(&mut self) -> String {
        self.nodes.entry(ADMIN_KEY.into()).or_insert_with(|| Node {
            key: ADMIN_KEY.into(),
            label: vec!["administrator".into(), "(any permission)".into()],
            kind: Kind::Administrator,
            admin: true,
            account: None,
        });
        ADMIN_KEY.into()
    }

    fn edge(&mut self, from: &str, to: &str, technique: Option<&str>, must: bool) {
        self.edges
            .entry((from.to_string(), to.to_string(), must))
            .or_default()
            .insert(technique.map(str::to_string));
    }

    /// An edge between two universe nodes, if both are drawn.
    fn universe_edge(&mut self, from: Id, to: Id, technique: &'static str, must: bool) {
        if let (Some(from), Some(to)) = (self.universe(from), self.universe(to)) {
            self.edge(&from, &to, Some(technique), must);
        }
    }

    /// The steps of a path, each conditional unless it holds in every request.
    fn steps(&mut self, steps: &[Step]) {
        for step in steps {
            let Some(from_id) = self.analysis.compiled.principal(&step.from) else {
                continue;
            };
            let to_id = self.analysis.compiled.principal(&step.to);
            let must = step.conditions.is_empty() && self.holds_always(step, from_id, to_id);
            let Some(from) = self.universe(from_id) else {
                continue;
            };
            let to = match to_id {
                Some(t) => self.universe(t),
                None if step.to == "admin" => Some(self.administrator()),
                None => None,
            };
            if let Some(to) = to {
                self.edge(&from, &to, Some(&step.technique), must);
            }
        }
    }

    /// Does the step hold in every request, as the derivation says?
    fn holds_always(&mut self, step: &Step, from: Id, to: Option<Id>) -> bool {
        let derived = &self.analysis.derived;
        match to {
            None if step.technique == "holds-written-policy" => {
                derived.unbounded.contains(&(from, true))
            }
            None => derived
                .self_admins
                .iter()
                .any(|&(p, v, m)| p == from && m && technique_name(v) == step.technique),
            Some(to) => {
                if self.analysis.graph().one_hop(from, to, true).is_some() {
                    return true;
                }
                let must_edges = self.must_edges.get_or_insert_with(|| {
                    derived
                        .edges
                        .iter()
                        .filter(|e| e.3)
                        .map(|&(p, t, v, _)| (p, t, v))
                        .collect()
                });
                (0..TECHNIQUES.len() as Tech).any(|v| {
                    TECHNIQUES[v as usize].id == step.technique
                        && must_edges.contains(&(from, to, v))
                })
            }
        }
    }

    fn finish(self, title: &str) -> Drawing {
        let accounts: Vec<Account> = self
            .accounts
            .into_iter()
            .map(|(id, name)| Account { id, name })
            .collect();
        let index: HashMap<&str, usize> = self
            .nodes
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let mut edges = Vec::new();
        for ((from, to, must), techniques) in &self.edges {
            let mut techniques = techniques.clone();
            if !must {
                // A technique that also holds in every request is drawn once, unconditional.
                if let Some(always) = self.edges.get(&(from.clone(), to.clone(), true)) {
                    techniques.retain(|t| !always.contains(t));
                }
            }
            if techniques.is_empty() {
                continue;
            }
            edges.push(Edge {
                from: index[from.as_str()],
                to: index[to.as_str()],
                techniques: techniques.into_iter().flatten().collect(),
                conditional: !must,
            });
        }
        edges.sort_by_key(|e| (e.from, e.to, e.conditional));
        let node_accounts = self.node_accounts;
        let nodes = self
            .nodes
            .into_values()
            .map(|mut node| {
                node.account = node_accounts
                    .get(&node.key)
                    .and_then(|id| accounts.iter().position(|a| &a.id == id));
                node
            })
            .collect();
        Drawing {
            title: title.to_string(),
            accounts,
            nodes,
            edges,
        }
    }
}

/// The resource part of an ARN (`user/alice`), or the whole text if it is not one.
fn resource_part(arn: &str) -> &str {
    arn.splitn(6, ':').nth(5).unwrap_or(arn)
}

/// `user/alice`; a name with a path on two lines (`role/AWSServiceRoleForECS`, `path
/// /aws-service-role/ecs.amazonaws.com/`).
fn principal_label(arn: &str) -> Vec<String> {
    let resource = resource_part(arn);
    match (resource.split_once('/'), resource.rsplit_once('/')) {
        (Some((kind, _)), Some((path, name))) if path.len() > kind.len() => vec![
            format!("{kind}/{name}"),
            format!("path {}/", &path[kind.len()..]),
        ],
        _ => vec![resource.to_string()],
    }
}

/// The label of an outside source, on short lines.
fn outside_label(name: &str) -> Vec<String> {
    if let Some(provider) = name.strip_prefix("anyone at ") {
        let mut lines = vec!["anyone at".to_string(), resource_part(provider).to_string()];
        if let Some(account) = provider.split(':').nth(4).filter(|a| !a.is_empty()) {
            lines.push(format!("(account {account})"));
        }
        return lines;
    }
    if name.starts_with("arn:") {
        let account = name.split(':').nth(4).unwrap_or("");
        return vec![
            resource_part(name).to_string(),
            format!("in account {account}"),
        ];
    }
    vec![name.to_string()]
}

/// What a hub's scope covers, in words.
fn scope_phrase(analysis: &Analysis, scope: Id) -> String {
    let universe = &analysis.compiled.universe;
    let node = universe.node(scope);
    let noun = |kind: TargetKind| match kind {
        TargetKind::User => "user",
        TargetKind::Group => "group",
        TargetKind::Role => "role",
        TargetKind::Policy => "policy",
        _ => "target",
    };
    match &node.kind {
        NodeKind::Class(kind) => format!(
            "every {} in {}",
            noun(*kind),
            universe.account_id(scope).unwrap_or("its account")
        ),
        NodeKind::KindScope(kind) => format!("every {} of every account", noun(*kind)),
        NodeKind::AnyScope => "every target (*)".into(),
        _ => node.name.clone(),
    }
}

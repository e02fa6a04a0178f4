//! Answer: questions about a whole organisation, served from the derived relations
//! (DESIGN.md "answer").
//!
//! ```no_run
//! use iamlog::answer::Analysis;
//! let world = iamlog::model::load_paths(&["examples/org".into()]).unwrap();
//! let analysis = Analysis::new(world);
//! for admin in analysis.admins() {
//!     println!("{} is an administrator", admin.arn);
//! }
//! let alice = analysis.resolve("user/alice", Some("222222222222")).unwrap();
//! for reached in analysis.reachable(alice) {
//!     println!("alice reaches {} in {} hops", reached.arn, reached.hops);
//! }
//! ```

pub mod diff;
mod escalate;
pub mod explain;
pub mod grants;
pub mod graph;
pub mod meet;
pub mod render;
pub mod report;
pub mod who;

use crate::compile::techniques::{Check, TargetKind, ASSUME, TECHNIQUES};
use crate::compile::universe::{Id, NodeKind};
use crate::compile::{compile, Compiled, Tech};
use crate::derive::{derive_then, Derived, CREATE_ROLE_TECH};
use crate::model::World;
use crate::policy::{Caller, Decision};
use explain::StatementInfo;
use graph::{Graph, Via, Walk};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Serialize;

/// A loaded, compiled and derived organisation, ready for questions.
pub struct Analysis {
    /// The model.
    pub world: World,
    /// Its facts.
    pub compiled: Compiled,
    /// The derived relations.
    pub derived: Derived,
    graph: Graph,
    full_admins: HashMap<Id, bool>,
    self_admins: HashMap<Id, Vec<(Tech, bool)>>,
    empowers: HashMap<Id, Vec<(Id, Tech, bool)>>,
    empowered_by: HashMap<Id, Vec<(Id, Tech, bool)>>,
    unbounded: HashMap<Id, bool>,
    /// Distances to administrator (over unconditional edges, over every edge), on first use.
    distances: std::sync::OnceLock<[escalate::Distances; 2]>,
    /// Buffers of the searches from both ends ([`meet::Meet`]), kept between questions.
    meets: std::sync::Mutex<Vec<meet::Meet>>,
    /// Each principal's side of its requests ([`explain::Prepared`]), by node id, read on
    /// its first question.
    prepared: std::sync::OnceLock<Vec<std::sync::OnceLock<Option<Box<explain::Prepared>>>>>,
    /// The steps escalation paths have explained: paths share their tails.
    explained: std::sync::Mutex<HashMap<escalate::StepKey, Step>>,
    /// Who derive allowed each check on each scope ([`who::AllowedIndex`]), on first use.
    allowed_index: std::sync::OnceLock<who::AllowedIndex>,
}

/// A role assumed by principals of another account ([`Analysis::cross_account`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossAccess {
    /// The role.
    pub role: String,
    /// The callers' account ID.
    pub account: String,
    /// The callers, sorted, each with `true` when it can assume the role only under
    /// conditions.
    pub callers: Vec<(String, bool)>,
}

/// How the steps of an escalation path are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Steps {
    /// With the statements behind each step and the conditions that gate it (the policy
    /// core decides each step's requests).
    #[default]
    Explained,
    /// Only named: who acts as whom, by which technique and actions; `statements` are left
    /// empty and `conditions` hold only what the technique assumes (whether a condition
    /// gates the path is still told, by [`Escalation::conditional`]).
    Named,
}

/// One step of a path: who acts, as whom, how, and on what conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The principal acting.
    pub from: String,
    /// The principal it becomes, or `"admin"` for a self-escalation.
    pub to: String,
    /// The technique (`assume-role`, `create-access-key`, ...).
    pub technique: String,
    /// The actions it needs.
    pub actions: Vec<String>,
    /// Conditions the model cannot decide, that gate the step.
    pub conditions: Vec<String>,
    /// The statements that allow (or could deny) it, located in the input.
    pub statements: Vec<StatementInfo>,
}

impl Step {
    /// The step as lines for people, each starting with `indent`: what acts as what and how,
    /// then the conditions that gate it and the statements behind it (file, JSON pointer, Sid).
    pub fn explained_lines(&self, indent: &str) -> Vec<String> {
        let mut lines = vec![format!(
            "{indent}{} -> {} via {} ({})",
            self.from,
            self.to,
            self.technique,
            self.actions.join(", ")
        )];
        lines.extend(self.conditions.iter().map(|c| format!("{indent}  if {c}")));
        lines.extend(self.statements.iter().map(|s| {
            let sid = s.sid.as_ref().map(|sid| format!(" ({sid})"));
            format!(
                "{indent}  {} {} {}#{}{}",
                s.effect,
                s.source,
                s.file,
                s.pointer,
                sid.unwrap_or_default()
            )
        }));
        lines
    }
}

/// A principal reached from another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reached {
    /// Its ARN.
    pub arn: String,
    /// Steps on the shortest path.
    pub hops: u32,
    /// True if every path depends on a condition.
    pub conditional: bool,
}

/// A class of principals reached as a whole (every role of an account that trusts EC2, every
/// user of an account, ...), in the compact lists of `analyze`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReachedClass {
    /// The scope whose members are reached (`Role of 111111111111`, `every resource (*)`).
    pub class: String,
    /// How its members are taken (`assume-role`, `pass-role-ec2`, ...).
    pub technique: String,
    /// For `assume-role`: the account whose principals the members' trust policies admit
    /// (the class holds the roles of the scope open to that account's callers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callers_account: Option<String>,
    /// How many principals it holds.
    pub members: usize,
    /// Steps to each member on the shortest path through it.
    pub hops: u32,
    /// True if reaching it depends on a condition.
    pub conditional: bool,
}

/// The order of a principal's reached classes: nearest first, then by name.
fn class_order(c: &ReachedClass) -> (u32, &str, &str, Option<&str>, usize) {
    (
        c.hops,
        &c.class,
        &c.technique,
        c.callers_account.as_deref(),
        c.members,
    )
}

/// The name of an edge's technique.
fn via_name(via: Via) -> String {
    match via {
        Via::Assume => "assume-role".into(),
        Via::Technique(v) => TECHNIQUES[v as usize].id.to_string(),
        Via::Outside => "trusted-outside".into(),
    }
}

/// A way to become an administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    /// True if it depends on a condition.
    pub conditional: bool,
    /// The steps, the last ending at an administrator or at `"admin"`.
    pub path: Vec<Step>,
}

/// An administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Admin {
    /// Its ARN.
    pub arn: String,
    /// True if only some requests are allowed everything.
    pub conditional: bool,
    /// What it holds that the input lacks, taken to allow anything (left out when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<String>,
}

/// Access from outside the input: another account, everyone, an identity provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalAccess {
    /// Who (`anyone in account 999999999999`, `anyone (*)`, a provider ARN).
    pub source: String,
    /// `external-account`, `public` or `federated`.
    pub kind: &'static str,
    /// The role they can assume.
    pub role: String,
    /// True if a condition gates it.
    pub conditional: bool,
}

/// A principal's answer to "can it do this?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhoCan {
    /// Its ARN.
    pub arn: String,
    /// True if a condition gates it.
    pub conditional: bool,
}

/// What a principal may do in one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceAccess {
    /// The service prefix.
    pub service: String,
    /// Actions allowed in every request.
    pub actions: Vec<String>,
    /// Actions allowed only under conditions.
    pub conditional_actions: Vec<String>,
    /// How many actions the service has in the catalog.
    pub of: usize,
}

impl Analysis {
    /// Compiles and derives `world`, however large.
    pub fn new(world: World) -> Analysis {
        Analysis::new_with(world, |_| {})
    }

    /// As [`Analysis::new`], calling `done` with the name of each stage as it ends
    /// (`compile`, `derive` (with the graph of the edges, built meanwhile), `index`): for
    /// timings and progress.
    pub fn new_with(world: World, done: impl FnMut(&'static str)) -> Analysis {
        Analysis::build(world, done, false).expect("no limit to exceed")
    }

    /// Compiles and derives `world` within [`crate::limits::FACTS`] (checked before the
    /// derivation) and [`crate::limits::DERIVED`] (checked before any answer is built); the
    /// error names the limit and how to raise it.
    pub fn bounded(world: World) -> Result<Analysis, String> {
        Analysis::bounded_with(world, |_| {})
    }

    /// As [`Analysis::bounded`], calling `done` as [`Analysis::new_with`] does.
    pub fn bounded_with(world: World, done: impl FnMut(&'static str)) -> Result<Analysis, String> {
        Analysis::build(world, done, true)
    }

    fn build(
        world: World,
        mut done: impl FnMut(&'static str),
        limited: bool,
    ) -> Result<Analysis, String> {
        let compiled = compile(&world);
        done("compile");
        let facts = compiled.facts.count();
        if limited && facts as u64 > crate::limits::FACTS.get() {
            return Err(
                crate::limits::FACTS.exceeded(format!("the input compiles to {facts} facts"))
            );
        }
        // The graph of the edges is built while the last stage of the derivation runs.
        let (derived, graph) = derive_then(&compiled, |derived| {
            let tuples = derived.count();
            match limited && tuples as u64 > crate::limits::DERIVED.get() {
                true => Err(tuples),
                false => Ok(Graph::build(&compiled, derived)),
            }
        });
        done("derive");
        let graph = graph.map_err(|tuples| {
            crate::limits::DERIVED.exceeded(format!("the analysis derives {tuples} facts"))
        })?;
        let analysis = Analysis::from_parts(world, compiled, derived, graph);
        done("index");
        Ok(analysis)
    }

    fn from_parts(
        world: World,
        mut compiled: Compiled,
        derived: Derived,
        graph: Graph,
    ) -> Analysis {
        // Parts of the input that could not be read are left out of the facts: say so, since
        // a statement left out may be one that allows (spec "Sound"). Policies the input names
        // but lacks are not left out (they stand in as Allows, src/model/unknown.rs) and are
        // listed one by one.
        let errors = world
            .diagnostics
            .iter()
            .filter(|d| {
                d.diagnostic.severity == crate::diag::Severity::Error
                    && d.diagnostic.code != "missing-policy"
            })
            .count();
        if errors > 0 {
            compiled.incomplete.push(format!(
                "the input has {errors} errors: what could not be read is left out of the answers"
            ));
        }
        let mut full_admins = HashMap::default();
        for &(p, must) in &derived.full_admins {
            *full_admins.entry(p).or_insert(false) |= must;
        }
        let mut self_admins: HashMap<Id, Vec<(Tech, bool)>> = HashMap::default();
        for &(p, v, must) in &derived.self_admins {
            self_admins.entry(p).or_default().push((v, must));
        }
        let mut unbounded = HashMap::default();
        for &(p, must) in &derived.unbounded {
            *unbounded.entry(p).or_insert(false) |= must;
        }
        let mut empowers: HashMap<Id, Vec<(Id, Tech, bool)>> = HashMap::default();
        let mut empowered_by: HashMap<Id, Vec<(Id, Tech, bool)>> = HashMap::default();
        for &(p, t, v, must) in &derived.edges {
            if TECHNIQUES[v as usize].gain == crate::compile::techniques::Gain::Empower && p != t {
                empowers.entry(p).or_default().push((t, v, must));
                empowered_by.entry(t).or_default().push((p, v, must));
            }
        }
        Analysis {
            world,
            compiled,
            derived,
            graph,
            full_admins,
            self_admins,
            empowers,
            empowered_by,
            unbounded,
            distances: std::sync::OnceLock::new(),
            meets: std::sync::Mutex::default(),
            prepared: std::sync::OnceLock::new(),
            explained: std::sync::Mutex::default(),
            allowed_index: std::sync::OnceLock::new(),
        }
    }

    /// The derived edges as a graph (for drawing; walks go through the methods below).
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Users and roles, in input order.
    pub fn principals(&self) -> Vec<Id> {
        self.compiled
            .facts
            .principal
            .iter()
            .map(|&(p, _)| p)
            .collect()
    }

    /// The ARN of a node.
    pub fn arn(&self, id: Id) -> &str {
        self.compiled.universe.name(id)
    }

    /// Finds a principal by ARN, or by `user/NAME` / `role/NAME` (optionally `@ACCOUNT`) in
    /// `account` or, failing that, wherever the name is unique.
    pub fn resolve(&self, name: &str, account: Option<&str>) -> Result<Id, String> {
        if let Some(id) = self.compiled.principal(name) {
            return Ok(id);
        }
        let (short, at) = match name.rsplit_once('@') {
            Some((s, a)) => (s, Some(a)),
            None => (name, account),
        };
        let Some((kind, wanted)) = short.split_once('/') else {
            return Err(format!("{name}: expected an ARN, user/NAME or role/NAME"));
        };
        let kind = match kind {
            "user" => NodeKind::User,
            "role" => NodeKind::Role,
            _ => return Err(format!("{name}: expected user/NAME or role/NAME")),
        };
        let matches = |account: Option<&str>| -> Vec<Id> {
            self.principals()
                .into_iter()
                .filter(|&p| {
                    let node = self.compiled.universe.node(p);
                    let resource = node.name.splitn(6, ':').nth(5).unwrap_or("");
                    node.kind == kind
                        && (resource.rsplit('/').next() == Some(wanted)
                            || resource.split_once('/').map(|x| x.1) == Some(wanted))
                        && account.is_none_or(|a| self.compiled.universe.account_id(p) == Some(a))
                })
                .collect()
        };
        let mut found = matches(at);
        if found.is_empty() && at.is_some() && name.rsplit_once('@').is_none() {
            found = matches(None);
        }
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!("{name}: no such principal in the input")),
            many => Err(format!(
                "{name} is ambiguous: {}; add @ACCOUNT or --account",
                many.iter()
                    .map(|&p| self.arn(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// The caller a principal node stands for (a user, or a session of a role).
    pub fn caller(&self, p: Id) -> Option<Caller> {
        let arn = self.arn(p);
        let account = self.compiled.universe.account_id(p)?;
        let model = self.world.account(account)?;
        match self.compiled.universe.node(p).kind {
            NodeKind::User => self
                .world
                .user(model, arn)
                .map(|u| crate::compile::caller_of_user(u, account)),
            NodeKind::Role => {
                let name = arn.rsplit('/').next().unwrap_or(arn);
                let named = self.world.role(model, name).filter(|r| r.arn == arn);
                named
                    .or_else(|| model.roles.iter().find(|r| r.arn == arn))
                    .map(|r| crate::compile::caller_of_role(r, account))
            }
            _ => None,
        }
    }

    /// Decides one request with the policy core, as `check` does: `(may, must)`, as
    /// [`explain::decide_both`] gives them.
    pub fn can(&self, p: Id, action: &str, resource: &str) -> Option<(Decision, Decision)> {
        let prepared = self.prepared(p)?;
        let [may, must] = prepared.decide_both(&self.world, action, resource, None);
        Some((may, must))
    }

    /// `p`'s side of its requests, read on first use and kept (`None` if `p` is not a
    /// principal of the input).
    fn prepared(&self, p: Id) -> Option<&explain::Prepared> {
        let slots = self.prepared.get_or_init(|| {
            let nodes = self.compiled.universe.nodes.len();
            (0..nodes).map(|_| std::sync::OnceLock::new()).collect()
        });
        slots
            .get(p as usize)?
            .get_or_init(|| {
                let caller = self.caller(p)?;
                Some(Box::new(explain::Prepared::new(&self.world, caller)))
            })
            .as_deref()
    }

    /// Administrators: allowed every action on every resource.
    pub fn admins(&self) -> Vec<Admin> {
        self.principals()
            .into_iter()
            .filter_map(|p| {
                self.full_admins.get(&p).map(|&must| Admin {
                    arn: self.arn(p).to_string(),
                    conditional: !must,
                    incomplete: self.compiled.assumed.get(&p).cloned().unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Is `p` an administrator (`Some(conditional)`)?
    pub fn is_admin(&self, p: Id) -> Option<bool> {
        self.full_admins.get(&p).map(|must| !must)
    }

    /// Principals `p` can act as, with hops. An administrator can act as every principal of
    /// its account: its list keeps only the roles it can assume, and a walk that reaches an
    /// administrator stops there (the administrator is listed, not everyone it reaches).
    pub fn reachable(&self, p: Id) -> Vec<Reached> {
        let (mut all, mut must) = (Walk::new(&self.graph), Walk::new(&self.graph));
        self.walk_reach(p, &mut all, &mut must);
        self.reached(p, &all, &must, None).0
    }

    /// Walks from `p` over every edge and over unconditional edges, as [`Analysis::reachable`]
    /// and [`Analysis::escalation`] read them.
    fn walk_reach(&self, p: Id, all: &mut Walk, must: &mut Walk) {
        let admin = self.full_admins.contains_key(&p);
        let take = |via: Via| !admin || via == Via::Assume;
        // An administrator can act as anyone: a walk that reaches one stops there. A walk
        // goes on through a conditional administrator, whose other edges may hold in every
        // request.
        let stop = |q: u32| self.full_admins.get(&q) == Some(&true);
        self.graph.walk_into(all, p, false, take, stop);
        self.graph.walk_into(must, p, true, take, stop);
    }

    /// The principals two walks from `p` reached. With `collapse: Some(n)`, a class of at
    /// least `n` principals reached as a whole is one [`ReachedClass`], and its members
    /// reached no sooner nor more surely through it are not listed one by one.
    fn reached(
        &self,
        p: Id,
        all: &Walk,
        must: &Walk,
        collapse: Option<usize>,
    ) -> (Vec<Reached>, Vec<ReachedClass>) {
        let is_principal = |q: u32| !self.graph.is_hub(q) && self.compiled.universe.is_principal(q);
        let mut classes: Vec<ReachedClass> = Vec::new();
        let mut covered: HashSet<Id> = HashSet::default();
        if let Some(least) = collapse {
            for (h, visit) in all.hubs() {
                let Some(hub) = self.graph.hub(h).filter(|hub| !hub.private) else {
                    continue;
                };
                let arcs: Vec<&graph::Arc> = self
                    .graph
                    .arcs(h)
                    .iter()
                    .filter(|arc| arc.to != p && is_principal(arc.to))
                    .collect();
                if arcs.len() < least {
                    continue;
                }
                let hops = visit.hops + 1;
                // Unconditional only if the hub is reached, and every member taken, in
                // every request.
                let conditional = !must.contains(h) || arcs.iter().any(|arc| !arc.must);
                covered.extend(arcs.iter().map(|arc| arc.to).filter(|&t| {
                    all.get(t).is_some_and(|v| v.hops == hops) && must.contains(t) != conditional
                }));
                let accounts = &self.compiled.universe.accounts;
                classes.push(ReachedClass {
                    class: self.class_label(hub.scope, arcs.iter().map(|arc| arc.to)),
                    technique: via_name(hub.via),
                    callers_account: hub.callers.and_then(|a| accounts.get(a as usize).cloned()),
                    members: arcs.len(),
                    hops,
                    conditional,
                });
            }
        }
        let mut out: Vec<Reached> = all
            .nodes()
            .filter(|&(q, _)| q != p && is_principal(q) && !covered.contains(&q))
            .map(|(q, visit)| Reached {
                arn: self.arn(q).to_string(),
                hops: visit.hops,
                conditional: !must.contains(q),
            })
            .collect();
        out.sort_by(|a, b| (a.hops, &a.arn).cmp(&(b.hops, &b.arn)));
        // Every class is listed: its members are covered above, so leaving one out would
        // leave them out of the report.
        classes.sort_by(|a, b| class_order(a).cmp(&class_order(b)));
        (out, classes)
    }

    /// A name for the members of a hub's scope: `roles of 111111111111`, `users of 3 accounts`.
    fn class_label(&self, scope: Id, members: impl Iterator<Item = Id>) -> String {
        let u = &self.compiled.universe;
        let (mut users, mut roles, mut accounts) = (false, false, HashSet::default());
        for t in members {
            users |= u.node(t).kind == NodeKind::User;
            roles |= u.node(t).kind == NodeKind::Role;
            accounts.insert(u.node(t).account);
        }
        let kind = match (users, roles) {
            (true, false) => "users",
            (false, true) => "roles",
            _ => "principals",
        };
        match (u.node(scope).account, accounts.len()) {
            (Some(_), 1) => format!("{kind} of {}", u.account_id(scope).unwrap_or("?")),
            (_, n) => format!("{kind} of {n} accounts"),
        }
    }

    /// The shortest path from `from` to `to`, preferring one without conditions (searched
    /// from both ends, [`meet::Meet`]).
    pub fn path(&self, from: Id, to: Id) -> Option<Vec<Step>> {
        let kept = self.meets.lock().ok().and_then(|mut meets| meets.pop());
        let mut meet = kept.unwrap_or_else(|| meet::Meet::new(&self.graph));
        let hops = [true, false]
            .into_iter()
            .find_map(|must_only| meet.shortest(&self.graph, from, to, must_only));
        if let Ok(mut meets) = self.meets.lock() {
            meets.push(meet);
        }
        Some(
            hops?
                .into_iter()
                .map(|(from, to, via)| self.step(from, to, via, Steps::Explained))
                .collect(),
        )
    }

    /// One step, explained by the policy core.
    fn step(&self, from: Id, to: Id, via: Via, steps: Steps) -> Step {
        let checks: Vec<Check> = match via {
            Via::Assume => vec![ASSUME],
            Via::Technique(v) => {
                let t = &TECHNIQUES[v as usize];
                std::iter::once(t.check)
                    .chain(t.aux.iter().copied())
                    .collect()
            }
            Via::Outside => Vec::new(),
        };
        let technique = via_name(via);
        let mut statements = Vec::new();
        let mut conditions = Vec::new();
        let caller = (steps == Steps::Explained).then(|| self.caller(from));
        if let Some(caller) = caller.flatten() {
            for check in &checks {
                let resource = if check.target == TargetKind::Aux {
                    "*"
                } else {
                    self.arn(to)
                };
                let (s, c) =
                    explain::explain(&self.world, &caller, check.action, resource, Some(check));
                statements.extend(s);
                conditions.extend(c);
            }
        }
        if let Via::Technique(v) = via {
            if let Some(what) = TECHNIQUES[v as usize].assumes {
                conditions.push(format!("assumes {what}"));
            }
        }
        Step {
            from: self.arn(from).to_string(),
            to: self.arn(to).to_string(),
            technique,
            actions: checks.iter().map(|c| c.action.to_string()).collect(),
            conditions,
            statements,
        }
    }

    /// How `p` can become an administrator, if it is not one: the shortest way, preferring
    /// one without conditions.
    pub fn escalation(&self, p: Id) -> Option<Escalation> {
        self.escalation_with(p, Steps::Explained)
    }

    /// [`Analysis::escalation`], its steps explained or only named.
    pub fn escalation_with(&self, p: Id, steps: Steps) -> Option<Escalation> {
        if self.full_admins.contains_key(&p) {
            return None;
        }
        let [must, all] = self
            .distances
            .get_or_init(|| [self.distances(true), self.distances(false)]);
        self.escalation_path(p, must, steps)
            .or_else(|| self.escalation_path(p, all, steps))
    }

    /// The last step of a write-then-act path: the written principal holds any policy.
    fn holds_written(&self, t: Id) -> Step {
        Step {
            from: self.arn(t).to_string(),
            to: "admin".into(),
            technique: "holds-written-policy".into(),
            actions: Vec::new(),
            conditions: Vec::new(),
            statements: Vec::new(),
        }
    }

    fn self_step(&self, q: Id, v: Tech, steps: Steps) -> Step {
        if v == CREATE_ROLE_TECH {
            let mut step = Step {
                from: self.arn(q).to_string(),
                to: "admin".into(),
                technique: crate::compile::techniques::CREATE_ROLE_TECHNIQUE.into(),
                actions: vec![
                    "iam:CreateRole".into(),
                    "iam:AttachRolePolicy | iam:PutRolePolicy".into(),
                ],
                conditions: Vec::new(),
                statements: Vec::new(),
            };
            let caller = (steps == Steps::Explained).then(|| self.caller(q));
            if let Some(caller) = caller.flatten() {
                let (s, c) = explain::explain(&self.world, &caller, "iam:CreateRole", "*", None);
                step.statements = s;
                step.conditions = c;
            }
            return step;
        }
        let t = &TECHNIQUES[v as usize];
        // The target the technique was applied to: the principal itself, its group, or a
        // policy it holds.
        let target = match t.check.target {
            TargetKind::User | TargetKind::Role => Some(q),
            TargetKind::Group => self
                .compiled
                .facts
                .member
                .iter()
                .find(|&&(u, _)| u == q)
                .map(|&(_, g)| g),
            TargetKind::Policy => {
                // A customer managed policy attached to q or to one of its groups.
                let facts = &self.compiled.facts;
                let holders: HashSet<Id> = std::iter::once(q)
                    .chain(
                        facts
                            .member
                            .iter()
                            .filter(|&&(u, _)| u == q)
                            .map(|&(_, g)| g),
                    )
                    .collect();
                let held: HashSet<_> = facts
                    .attached
                    .iter()
                    .filter(|(e, _)| holders.contains(e))
                    .map(|&(_, d)| d)
                    .collect();
                facts
                    .policy_document
                    .iter()
                    .find(|(_, pol)| held.contains(pol))
                    .map(|&(node, _)| node)
            }
            _ => None,
        };
        let mut step = self.step(q, target.unwrap_or(q), Via::Technique(v), steps);
        step.to = "admin".into();
        step
    }

    /// Who can become an administrator, with how.
    pub fn escalations(&self) -> Vec<(String, Escalation)> {
        self.principals()
            .into_iter()
            .filter_map(|p| self.escalation(p).map(|e| (self.arn(p).to_string(), e)))
            .collect()
    }

    /// Roles that principals outside the input can assume.
    pub fn external_access(&self) -> Vec<ExternalAccess> {
        let mut out: Vec<ExternalAccess> = Vec::new();
        let mut best: HashMap<(Id, Id), bool> = HashMap::default();
        for &(source, role, must) in &self.compiled.facts.outside {
            *best.entry((source, role)).or_insert(false) |= must;
        }
        for ((source, role), must) in best {
            let kind = match self.compiled.universe.node(source).kind {
                NodeKind::ExternalAccount => "external-account",
                NodeKind::Public => "public",
                NodeKind::Federated => "federated",
                _ => continue,
            };
            out.push(ExternalAccess {
                source: self.arn(source).to_string(),
                kind,
                role: self.arn(role).to_string(),
                conditional: !must,
            });
        }
        out.sort_by(|a, b| (&a.role, &a.source).cmp(&(&b.role, &b.source)));
        out
    }

    /// Principals that can call `action` on `resource`: for `sts:AssumeRole` on a role of
    /// the input, read from the derived edges; otherwise the policy core, per principal that
    /// may be allowed ([`who::Prefilter`]).
    pub fn who_can(&self, action: &str, resource: &str) -> Vec<WhoCan> {
        if action.eq_ignore_ascii_case("sts:AssumeRole") {
            let role = self.compiled.principal(resource);
            if let Some(role) =
                role.filter(|&r| self.compiled.universe.node(r).kind == NodeKind::Role)
            {
                return self.who_can_assume(role);
            }
        }
        if let Some((check, target)) = who::as_check(&self.world, &self.compiled, action, resource)
        {
            let index = self
                .allowed_index
                .get_or_init(|| who::AllowedIndex::new(&self.compiled, &self.derived));
            let allowed = index.who(check, target);
            return self
                .principals()
                .into_iter()
                .filter_map(|p| {
                    let must = *allowed.get(&p)?;
                    Some(WhoCan {
                        arn: self.arn(p).to_string(),
                        conditional: !must,
                    })
                })
                .collect();
        }
        let side = self.world.resource_side(action, resource, None);
        let mut filter = who::Prefilter::new(&side, action, resource);
        let mut out = Vec::new();
        for p in self.principals() {
            let Some(prepared) = self.prepared(p) else {
                continue;
            };
            if !filter.may_allow(prepared) {
                continue;
            }
            let [may, must] = prepared.decide_both_on(&self.world, &side, action, resource, None);
            let may = may.outcome == crate::policy::decide::Outcome::Allow;
            let must = may && must.outcome == crate::policy::decide::Outcome::Allow;
            if may {
                out.push(WhoCan {
                    arn: self.arn(p).to_string(),
                    conditional: !must,
                });
            }
        }
        out
    }

    /// Principals that can assume `role` (one `sts:AssumeRole` edge, direct or through a
    /// hub), in the order of [`Analysis::principals`].
    fn who_can_assume(&self, role: Id) -> Vec<WhoCan> {
        self.principals()
            .into_iter()
            .filter_map(|p| {
                let must = self.graph.assumes(p, role)?;
                Some(WhoCan {
                    arn: self.arn(p).to_string(),
                    conditional: !must,
                })
            })
            .collect()
    }

    /// What `p` can do: per service, the catalog actions allowed on some resource.
    pub fn what_can(&self, p: Id) -> Vec<ServiceAccess> {
        let Some(caller) = self.caller(p) else {
            return Vec::new();
        };
        let catalog = crate::catalog::Catalog::bundled();
        let view = self.world.view(&caller, "sts:GetCallerIdentity", "*", None);
        let statements: Vec<&crate::policy::Statement> = view
            .policies
            .identity
            .iter()
            .flat_map(|p| &p.statements)
            .filter(|s| s.effect == crate::policy::Effect::Allow)
            .collect();
        let mut out = Vec::new();
        for service in catalog.services() {
            let range = catalog.service_range(service).expect("listed");
            let mut access = ServiceAccess {
                service: service.to_string(),
                actions: Vec::new(),
                conditional_actions: Vec::new(),
                of: range.len(),
            };
            for id in range {
                let info = catalog.action(id);
                if !statements
                    .iter()
                    .any(|s| s.action_matches(service, info.name))
                {
                    continue;
                }
                let action = format!("{service}:{}", info.name);
                let (may, must) = explain::allowed(&self.world, &caller, &action, "*", None);
                if must {
                    access.actions.push(info.name.to_string());
                } else if may {
                    access.conditional_actions.push(info.name.to_string());
                }
            }
            if !access.actions.is_empty() || !access.conditional_actions.is_empty() {
                out.push(access);
            }
        }
        out
    }

    /// Roles assumed from another account, one entry per role and callers' account, with
    /// every caller: directly, and through the hubs of roles a trust opens to an account.
    pub fn cross_account(&self) -> Vec<CrossAccess> {
        let u = &self.compiled.universe;
        let mut groups: HashMap<(Id, u32), HashMap<Id, bool>> = HashMap::default();
        let mut add = |p: Id, r: Id, must: bool| {
            let (Some(a), Some(b)) = (u.node(p).account, u.node(r).account) else {
                return;
            };
            if a != b {
                *groups.entry((r, a)).or_default().entry(p).or_insert(false) |= must;
            }
        };
        for p in 0..self.graph.universe_nodes() as Id {
            if !u.is_principal(p) {
                continue;
            }
            for arc in self.graph.arcs(p) {
                if arc.via != Via::Assume {
                    continue;
                }
                if !self.graph.is_hub(arc.to) {
                    add(p, arc.to, arc.must);
                    continue;
                }
                for target in self.graph.arcs(arc.to) {
                    add(p, target.to, arc.must && target.must);
                }
            }
        }
        let mut out: Vec<CrossAccess> = groups
            .into_iter()
            .map(|((r, a), callers)| {
                let mut callers: Vec<(String, bool)> = callers
                    .into_iter()
                    .map(|(p, must)| (self.arn(p).to_string(), !must))
                    .collect();
                callers.sort();
                CrossAccess {
                    role: self.arn(r).to_string(),
                    account: u.accounts[a as usize].clone(),
                    callers,
                }
            })
            .collect();
        out.sort_by(|x, y| (&x.role, &x.account).cmp(&(&y.role, &y.account)));
        out
    }

    /// Roles whose trust names `"*"`.
    pub fn public_trust(&self) -> Vec<String> {
        let roles: HashSet<Id> = self
            .compiled
            .facts
            .trust_public
            .iter()
            .map(|&(r, _)| r)
            .collect();
        let mut out: Vec<String> = roles.into_iter().map(|r| self.arn(r).to_string()).collect();
        out.sort();
        out
    }
}

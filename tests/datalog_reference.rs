//! The Datalog results against a brute-force reference: on random small organisations, every
//! principal, every check and every target is decided one request at a time by the policy core
//! (in both stances), and must agree with what the crepe program derived.

use iamlog::answer::explain::{allowed, decide_both};
use iamlog::answer::graph::Via;
use iamlog::answer::meet::Meet;
use iamlog::answer::Analysis;

mod common;
use iamlog::compile::techniques::{TargetKind, ASSUME, FULL};
use iamlog::compile::universe::{Id, NodeKind};
use iamlog::derive::derive_in_shards;
use proptest::prelude::*;
use std::collections::HashMap;

const A: &str = "111111111111";
const B: &str = "222222222222";

/// A tiny deterministic generator (xorshift), so that a failing seed reproduces its text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "iam:PassRole",
    "iam:CreateAccessKey",
    "iam:PutUserPolicy",
    "iam:AttachRolePolicy",
    "iam:PutGroupPolicy",
    "iam:CreatePolicyVersion",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
    "ec2:RunInstances",
    "lambda:CreateFunction",
    "lambda:InvokeFunction",
    "ssm:SendCommand",
    "iam:CreateRole",
    "iam:*",
    "iam:Put*",
    "sts:*",
    "*",
];

fn statement(rng: &mut Rng, own: &str, other: &str, deny_only: bool) -> String {
    let effect = if deny_only || rng.chance(20) {
        "deny"
    } else {
        "allow"
    };
    let not = if rng.chance(8) { "not " } else { "" };
    let n = 1 + rng.below(3);
    let actions: Vec<&str> = (0..n).map(|_| rng.pick(ACTIONS)).collect();
    let resources = [
        "*".to_string(),
        format!("arn:aws:iam::{own}:role/*"),
        format!("arn:aws:iam::{own}:role/r0"),
        format!("arn:aws:iam::{own}:user/${{aws:username}}"),
        format!("arn:aws:iam::{own}:user/u1"),
        "arn:aws:iam::*:role/*".to_string(),
        format!("arn:aws:iam::{own}:group/g0"),
        format!("arn:aws:iam::{own}:policy/p0"),
        format!("arn:aws:iam::{other}:role/r1"),
        format!("arn:aws:iam::{own}:*"),
    ];
    let resource = &resources[rng.below(resources.len())];
    let condition = match rng.below(9) {
        0 => " when aws:MultiFactorAuthPresent == true".to_string(),
        1 => " when aws:PrincipalTag/team == \"a\"".to_string(),
        2 => " when iam:PassedToService == \"ec2.amazonaws.com\"".to_string(),
        3 => format!(" when aws:ResourceAccount == \"{own}\""),
        _ => String::new(),
    };
    format!(
        "    {effect} {not}{} on \"{resource}\"{condition};\n",
        actions.join(", ")
    )
}

fn statements(rng: &mut Rng, own: &str, other: &str) -> String {
    (0..1 + rng.below(3))
        .map(|_| statement(rng, own, other, false))
        .collect()
}

/// A random organisation of two accounts in the text language.
fn organisation(seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut text = String::new();
    if rng.chance(50) {
        text.push_str(&format!(
            "organization o-test123456 r-test management 999999999999 {{\n  ou main ou-test-main0001 {{\n    account {A} \"a\";\n    account {B} \"b\";\n    scp guard p-guard00001 {{\n{}    }}\n  }}\n}}\n",
            (0..1 + rng.below(2)).map(|_| statement(&mut rng, A, B, true)).collect::<String>()
        ));
    }
    for (own, other) in [(A, B), (B, A)] {
        text.push_str(&format!("account {own} {{\n"));
        for p in 0..2 {
            text.push_str(&format!(
                "  policy p{p} {{\n{}  }}\n",
                statements(&mut rng, own, other)
            ));
        }
        for g in 0..2 {
            text.push_str(&format!("  group g{g} {{\n"));
            if rng.chance(50) {
                text.push_str(&format!(
                    "    policy gi{g} {{\n{}    }}\n",
                    statements(&mut rng, own, other)
                ));
            }
            if rng.chance(40) {
                text.push_str(&format!("    attach p{};\n", rng.below(2)));
            }
            text.push_str("  }\n");
        }
        for u in 0..3 {
            let group = if rng.chance(60) {
                format!(" in g{}", rng.below(2))
            } else {
                String::new()
            };
            text.push_str(&format!("  user u{u}{group} {{\n"));
            if rng.chance(50) {
                text.push_str(&format!("    tag team = \"{}\";\n", rng.pick(&["a", "b"])));
            }
            if rng.chance(15) {
                text.push_str(&format!("    boundary p{};\n", rng.below(2)));
            }
            if rng.chance(70) {
                text.push_str(&format!(
                    "    policy ui{u} {{\n{}    }}\n",
                    statements(&mut rng, own, other)
                ));
            }
            if rng.chance(30) {
                text.push_str(&format!("    attach p{};\n", rng.below(2)));
            }
            text.push_str("  }\n");
        }
        for r in 0..3 {
            text.push_str(&format!("  role r{r} {{\n"));
            let trusts = [
                format!("account {own}"),
                "user u0".to_string(),
                "role r1".to_string(),
                format!("account {other}"),
                format!("user u1@{other}"),
                "service ec2.amazonaws.com".to_string(),
                "service lambda.amazonaws.com".to_string(),
                "account 999999999999".to_string(),
                "*".to_string(),
            ];
            for _ in 0..1 + rng.below(2) {
                // Account-wide principal keys are decided once per account.
                let condition = match rng.below(8) {
                    0 => " when aws:MultiFactorAuthPresent == true".to_string(),
                    1 => " when aws:PrincipalTag/team == \"a\"".to_string(),
                    2 => format!(" when aws:PrincipalAccount == \"{}\"", rng.pick(&[A, B])),
                    3 => " when aws:PrincipalOrgID == \"o-test123456\"".to_string(),
                    _ => String::new(),
                };
                text.push_str(&format!(
                    "    trust {}{condition};\n",
                    trusts[rng.below(trusts.len())]
                ));
            }
            if rng.chance(50) {
                text.push_str(&format!("    instance-profile r{r};\n"));
            }
            if rng.chance(15) {
                text.push_str(&format!("    boundary p{};\n", rng.below(2)));
            }
            if rng.chance(60) {
                text.push_str(&format!(
                    "    policy ri{r} {{\n{}    }}\n",
                    statements(&mut rng, own, other)
                ));
            }
            if rng.chance(30) {
                text.push_str(&format!("    attach p{};\n", rng.below(2)));
            }
            text.push_str("  }\n");
        }
        text.push_str("}\n");
    }
    text
}

/// (may, must) from a list of stance-tagged facts.
fn stances(found: impl Iterator<Item = bool>) -> (bool, bool) {
    found.fold((false, false), |(may, must), m| (may || !m, must || m))
}

/// Compares every decision; returns the disagreements.
fn disagreements(analysis: &Analysis) -> Vec<String> {
    let c = &analysis.compiled;
    let d = &analysis.derived;
    let class_of: HashMap<Id, Id> = c.facts.in_class.iter().copied().collect();
    let mut out = Vec::new();
    for p in analysis.principals() {
        let caller = analysis.caller(p).expect("a principal");
        let account = c.universe.node(p).account.expect("an account");
        for (ci, check) in c.checks.iter().enumerate() {
            let ci = ci as u32;
            if *check == FULL {
                continue;
            }
            let targets: Vec<Id> = if check.target == TargetKind::Aux {
                vec![u32::MAX]
            } else {
                c.facts
                    .in_class
                    .iter()
                    .filter(|&&(t, _)| {
                        let kind = &c.universe.node(t).kind;
                        matches!(
                            (check.target, kind),
                            (TargetKind::User, NodeKind::User)
                                | (TargetKind::Group, NodeKind::Group)
                                | (TargetKind::Role, NodeKind::Role)
                                | (TargetKind::Policy, NodeKind::Policy)
                        )
                    })
                    .map(|&(t, _)| t)
                    .collect()
            };
            if check.target == TargetKind::Aux && d.needs_aux.binary_search(&(p, ci)).is_err() {
                // Decided only for principals that may use a technique needing it.
                continue;
            }
            for t in targets {
                let (resource, derived) = if t == u32::MAX {
                    let class = c
                        .facts
                        .check_class
                        .iter()
                        .find(|&&(x, a, _)| x == ci && a == account)
                        .expect("an aux class")
                        .2;
                    let found = d
                        .allowed
                        .iter()
                        .filter(|&&(q, x, s, _)| q == p && x == ci && s == class)
                        .map(|f| f.3);
                    ("*".to_string(), stances(found))
                } else if *check == ASSUME {
                    let direct = d
                        .assumes
                        .iter()
                        .filter(|&&(q, r, _)| q == p && r == t)
                        .map(|f| f.2);
                    // The hub of the role's account class, or of every role of every
                    // account (which leaves out the classes among the exceptions).
                    let class = class_of[&t];
                    let world = c.facts.world_class.iter().find(|w| w.0 == ci).map(|w| w.1);
                    let excepted = |k: Id, m: bool| {
                        d.excepts.contains(&(p, ci, t, m))
                            || Some(k) == world && d.excepts.contains(&(p, ci, class, m))
                    };
                    let hub = d
                        .assume_hubs
                        .iter()
                        .filter(|&&(q, k, m)| {
                            q == p && (k == class || Some(k) == world) && !excepted(k, m)
                        })
                        .flat_map(|&(_, k, m1)| {
                            d.assume_hub_targets
                                .iter()
                                .filter(move |&&(k2, a, r, _)| k2 == k && a == account && r == t)
                                .map(move |f| m1 && f.3)
                        });
                    (c.universe.name(t).to_string(), stances(direct.chain(hub)))
                } else {
                    let class = class_of[&t];
                    let found = d
                        .allowed
                        .iter()
                        .filter(|&&(q, x, s, _)| q == p && x == ci && s == t)
                        .map(|f| f.3)
                        .chain(
                            d.class_allowed
                                .iter()
                                .filter(|&&(q, x, s, m)| {
                                    q == p
                                        && x == ci
                                        && s == class
                                        && !d.excepts.contains(&(p, ci, t, m))
                                })
                                .map(|f| f.3),
                        );
                    (c.universe.name(t).to_string(), stances(found))
                };
                let reference = allowed(
                    &analysis.world,
                    &caller,
                    check.action,
                    &resource,
                    Some(check),
                );
                let agree = if t == u32::MAX {
                    // "Some resource": the analysis never reports less than the policy core.
                    (!reference.0 || derived.0) && (!reference.1 || derived.1)
                } else {
                    reference == derived
                };
                if !agree {
                    out.push(format!(
                        "{} {} {:?} on {resource}: reference (may, must) = {reference:?}, derived = {derived:?}",
                        c.universe.name(p),
                        check.action,
                        check.passed_to,
                    ));
                }
            }
        }
    }
    // The walk that finds escalation paths and the Datalog `Escalates` agree.
    for p in analysis.principals() {
        if analysis.is_admin(p).is_some() {
            continue;
        }
        let derived = stances(d.escalates.iter().filter(|e| e.0 == p).map(|e| e.1));
        let walked = match analysis.escalation(p) {
            Some(e) => (true, !e.conditional),
            None => (false, false),
        };
        if derived != walked {
            out.push(format!(
                "{} escalates: derived (may, must) = {derived:?}, walked = {walked:?}",
                c.universe.name(p)
            ));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn datalog_agrees_with_the_policy_core(seed in any::<u64>()) {
        let text = organisation(seed);
        let analysis = common::analysis(&text);
        let wrong = disagreements(&analysis);
        prop_assert!(wrong.is_empty(), "seed {seed}\n{text}\n{}", wrong.join("\n"));
    }

    /// `who can sts:AssumeRole on ROLE`, read from the derived edges, names exactly the
    /// principals the policy core allows, each as conditional as the policy core says.
    #[test]
    fn who_can_assume_a_role_agrees_with_the_policy_core(seed in any::<u64>()) {
        let text = organisation(seed);
        let analysis = common::analysis(&text);
        for role in analysis.principals() {
            let arn = analysis.arn(role).to_string();
            if !arn.contains(":role/") {
                continue;
            }
            let derived = analysis.who_can("sts:AssumeRole", &arn);
            let decided: Vec<(String, bool)> = analysis
                .principals()
                .into_iter()
                .filter_map(|p| {
                    let caller = analysis.caller(p)?;
                    let (may, must) = allowed(&analysis.world, &caller, "sts:AssumeRole", &arn, None);
                    may.then(|| (analysis.arn(p).to_string(), !must))
                })
                .collect();
            let derived: Vec<(String, bool)> =
                derived.into_iter().map(|w| (w.arn, w.conditional)).collect();
            prop_assert!(derived == decided, "seed {seed}, {arn}\n{text}\nderived: {derived:?}\npolicy core: {decided:?}");
        }
    }

    /// Deciding each principal in a shard of its own (on as many threads as the machine has)
    /// derives exactly what one run over the whole organisation derives.
    #[test]
    fn shards_of_principals_derive_what_the_whole_organisation_derives(seed in any::<u64>()) {
        let text = organisation(seed);
        let world = iamlog::model::load_str("test.iam", &text).expect("loads");
        let compiled = iamlog::compile::compile(&world);
        let whole = derive_in_shards(&compiled, usize::MAX);
        let sharded = derive_in_shards(&compiled, 1);
        prop_assert!(whole == sharded, "seed {seed}\n{text}\nwhole: {whole:?}\nsharded: {sharded:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    /// The same, with a customer managed policy and a group taken out of the loaded input:
    /// their attachments, boundaries and memberships now name what the input lacks, which both
    /// sides read as a stand-in that may allow anything (issue #7).
    #[test]
    fn datalog_agrees_with_the_policy_core_when_policies_and_groups_are_missing(seed in any::<u64>()) {
        let text = organisation(seed);
        let mut world = iamlog::model::load_str("test.iam", &text).expect("loads");
        let (policy, group) = (format!("/p{}", seed % 2), format!("g{}", (seed / 2) % 2));
        for account in &mut world.accounts {
            account.policies.retain(|p| p.is_aws_managed() || !p.arn.ends_with(&policy));
            account.groups.retain(|g| g.name != group);
        }
        let analysis = Analysis::new(world);
        let wrong = disagreements(&analysis);
        prop_assert!(
            wrong.is_empty(),
            "seed {seed}, without policy {policy} and group {group}\n{text}\n{}",
            wrong.join("\n")
        );
    }
}

/// The organisation of `seed` with resource policies added: a bucket of account A and a queue
/// of account B, each granting to a principal, an account or everyone (for the questions that
/// read resource policies: `can`, `who_can`).
fn organisation_with_resources(seed: u64) -> String {
    let mut rng = Rng(seed.rotate_left(17) | 1);
    let mut text = organisation(seed);
    let grantees = [
        "user u0",
        "role r1",
        "account 111111111111",
        "account 222222222222",
        "*",
    ];
    let effect = |rng: &mut Rng| if rng.chance(20) { "deny" } else { "allow" };
    text.push_str(&format!(
        "resource arn:aws:s3:::bkt owner {A} {{\n  {} s3:GetObject, s3:PutObject on arn:aws:s3:::bkt/* to {};\n}}\n",
        effect(&mut rng),
        rng.pick(&grantees)
    ));
    text.push_str(&format!(
        "resource arn:aws:sqs:us-east-1:{B}:q owner {B} {{\n  {} sqs:SendMessage on * to {};\n}}\n",
        effect(&mut rng),
        rng.pick(&grantees)
    ));
    text
}

/// The actions the questions below are asked about: the generator's exact actions and the
/// resource policies'.
fn asked_actions() -> Vec<&'static str> {
    ACTIONS
        .iter()
        .copied()
        .filter(|a| !a.contains('*'))
        .chain([
            "s3:GetObject",
            "s3:PutObject",
            "sqs:SendMessage",
            "ec2:DescribeInstances",
        ])
        .collect()
}

/// The resources they are asked on: every principal, `*`, and the resources with policies.
fn asked_resources(analysis: &Analysis) -> Vec<String> {
    let mut out: Vec<String> = analysis
        .principals()
        .into_iter()
        .map(|p| analysis.arn(p).to_string())
        .collect();
    out.extend(
        [
            "*",
            "arn:aws:iam::111111111111:user/*",
            "arn:aws:s3:::bkt/x",
            "arn:aws:s3:::other/x",
            "arn:aws:sqs:us-east-1:222222222222:q",
            "arn:aws:iam::111111111111:group/g0",
            "arn:aws:iam::111111111111:policy/p0",
        ]
        .map(String::from),
    );
    out
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    /// `Analysis::can`, which keeps each caller's side of its requests, decides exactly as
    /// `explain::decide_both` does from the whole view: same outcomes, same statements.
    #[test]
    fn can_decides_as_the_policy_core(seed in any::<u64>()) {
        let text = organisation_with_resources(seed);
        let analysis = common::analysis(&text);
        let resources = asked_resources(&analysis);
        for p in analysis.principals() {
            let caller = analysis.caller(p).expect("a principal");
            for action in asked_actions() {
                for resource in &resources {
                    let kept = analysis.can(p, action, resource).expect("a principal");
                    let [may, must] = decide_both(&analysis.world, &caller, action, resource, None);
                    prop_assert!(
                        kept == (may, must),
                        "seed {seed}: {} {action} {resource}\n{text}",
                        analysis.arn(p)
                    );
                }
            }
        }
    }
}

/// Is `via` an edge from `a` to `b` in one hop, directly or through a hub?
fn is_hop(graph: &iamlog::answer::graph::Graph, a: Id, b: Id, via: Via, must_only: bool) -> bool {
    let taken = |arc: &&iamlog::answer::graph::Arc| arc.must || !must_only;
    graph.arcs(a).iter().filter(taken).any(|arc| {
        arc.via == via
            && (arc.to == b
                || graph.is_hub(arc.to)
                    && graph.arcs(arc.to).iter().filter(taken).any(|m| m.to == b))
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    /// The search from both ends finds a path exactly when the walk from the start reaches the
    /// goal, as short as the walk's, made of edges of the graph; `Analysis::path` prefers the
    /// paths without conditions, as the walks did.
    #[test]
    fn the_search_from_both_ends_is_as_short_as_the_walk(seed in any::<u64>()) {
        let text = organisation(seed);
        let analysis = common::analysis(&text);
        let graph = analysis.graph();
        let mut meet = Meet::new(graph);
        let principals = analysis.principals();
        for &from in &principals {
            let walks = [true, false].map(|must_only| graph.walk(from, must_only));
            for &to in &principals {
                for (walk, must_only) in walks.iter().zip([true, false]) {
                    let found = meet.shortest(graph, from, to, must_only);
                    let wanted = walk.get(to).map(|v| v.hops as usize);
                    prop_assert_eq!(found.as_ref().map(Vec::len), wanted, "seed {} {} -> {} must_only {}\n{}", seed, analysis.arn(from), analysis.arn(to), must_only, text);
                    let mut at = from;
                    for &(a, b, via) in found.iter().flatten() {
                        prop_assert!(a == at && is_hop(graph, a, b, via, must_only), "seed {seed}: not an edge {a} -> {b} {via:?}");
                        at = b;
                    }
                    prop_assert!(found.is_none() || at == to);
                }
                let path = analysis.path(from, to).map(|steps| steps.len());
                let wanted = walks[0].get(to).or(walks[1].get(to)).map(|v| v.hops as usize);
                prop_assert_eq!(path, wanted, "seed {} {} -> {}", seed, analysis.arn(from), analysis.arn(to));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    /// `who_can`, which decides only the principals its prefilter lets through, names exactly
    /// the principals the policy core allows when every one is decided, each as conditional.
    #[test]
    fn who_can_names_whom_the_policy_core_allows(seed in any::<u64>()) {
        let text = organisation_with_resources(seed);
        let analysis = common::analysis(&text);
        for action in asked_actions() {
            for resource in asked_resources(&analysis) {
                let answered: Vec<(String, bool)> = analysis
                    .who_can(action, &resource)
                    .into_iter()
                    .map(|w| (w.arn, w.conditional))
                    .collect();
                let decided: Vec<(String, bool)> = analysis
                    .principals()
                    .into_iter()
                    .filter_map(|p| {
                        let caller = analysis.caller(p)?;
                        let (may, must) = allowed(&analysis.world, &caller, action, &resource, None);
                        may.then(|| (analysis.arn(p).to_string(), !must))
                    })
                    .collect();
                prop_assert!(answered == decided, "seed {seed}: {action} on {resource}\n{text}\nwho_can: {answered:?}\npolicy core: {decided:?}");
            }
        }
    }
}

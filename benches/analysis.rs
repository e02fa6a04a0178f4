//! The stages of a whole-organisation analysis, on organisations made by
//! `scripts/gen_org.py` (5 accounts, seed 1): load (model), compile (facts and pattern
//! matching), derive (the crepe fixed point), the report, and single questions on an analysed
//! organisation (`can`, `who_can`, `path`, `escalation`).
//!
//! `IAMLOG_BENCH_USERS` lists the sizes in users (comma separated; default `1000`, which is
//! 1,500 principals). Each organisation has N users, N/2 roles and N/10 groups, and is written
//! once under `target/bench-orgs/`. For the large sizes:
//! `IAMLOG_BENCH_USERS=1000,6700,67000 cargo bench --bench analysis` (about 10k and 100k
//! principals).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use iamlog::answer::report::ReachList;
use iamlog::answer::Analysis;
use std::hint::black_box;
use std::path::PathBuf;

/// The allocator the `iamlog` binary uses, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The generated organisation of `users` users, written on first use.
fn organisation(users: usize) -> PathBuf {
    let dir = PathBuf::from(format!("target/bench-orgs/users-{users}"));
    if !dir.join("organization.json").exists() {
        let status = std::process::Command::new("python3")
            .args(["scripts/gen_org.py", "--users", &users.to_string()])
            .args(["--accounts", "5", "--seed", "1", "-o"])
            .arg(&dir)
            .status()
            .expect("python3 runs scripts/gen_org.py");
        assert!(status.success(), "gen_org.py failed");
    }
    dir
}

fn sizes() -> Vec<usize> {
    std::env::var("IAMLOG_BENCH_USERS")
        .unwrap_or_else(|_| "1000".into())
        .split(',')
        .map(|n| n.trim().parse().expect("IAMLOG_BENCH_USERS: numbers"))
        .collect()
}

fn stages(c: &mut Criterion) {
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    for users in sizes() {
        let dir = organisation(users);
        let load = || iamlog::model::load_paths(std::slice::from_ref(&dir)).expect("loads");
        group.bench_with_input(BenchmarkId::new("load", users), &users, |b, _| {
            b.iter(|| black_box(load()))
        });
        let world = load();
        group.bench_with_input(BenchmarkId::new("compile", users), &users, |b, _| {
            b.iter(|| black_box(iamlog::compile::compile(&world)))
        });
        let compiled = iamlog::compile::compile(&world);
        group.bench_with_input(BenchmarkId::new("derive", users), &users, |b, _| {
            b.iter(|| black_box(iamlog::derive::derive(&compiled)))
        });
        group.bench_with_input(BenchmarkId::new("analyze-text", users), &users, |b, _| {
            b.iter_batched(
                load,
                |world| black_box(Analysis::new(world).report_with(ReachList::None)),
                criterion::BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn questions(c: &mut Criterion) {
    let mut group = c.benchmark_group("question");
    for users in sizes() {
        let dir = organisation(users);
        let analysis = Analysis::new(iamlog::model::load_paths(&[dir]).expect("loads"));
        let principals = analysis.principals();
        let (first, last) = (principals[0], principals[principals.len() - 1]);
        let role = *principals
            .iter()
            .rev()
            .find(|&&p| analysis.arn(p).contains(":role/"))
            .expect("a role");
        let role_arn = analysis.arn(role).to_string();
        // A principal that escalates (the distances behind every escalation are computed on
        // the first question and kept: the figure is the path's reading and explanation).
        let escalator = *principals
            .iter()
            .rev()
            .find(|&&p| analysis.escalation(p).is_some())
            .expect("a principal that escalates");
        group.bench_with_input(BenchmarkId::new("can", users), &users, |b, _| {
            b.iter(|| black_box(analysis.can(first, "sts:AssumeRole", &role_arn)))
        });
        group.bench_with_input(BenchmarkId::new("who_can", users), &users, |b, _| {
            b.iter(|| black_box(analysis.who_can("sts:AssumeRole", &role_arn)))
        });
        // A check on one of its targets is read from the derived decisions; any other action
        // is decided by the policy core, for the principals that may be allowed it.
        let first_arn = analysis.arn(first).to_string();
        group.bench_with_input(BenchmarkId::new("who_can_other", users), &users, |b, _| {
            b.iter(|| black_box(analysis.who_can("iam:CreateAccessKey", &first_arn)))
        });
        group.bench_with_input(
            BenchmarkId::new("who_can_decided", users),
            &users,
            |b, _| b.iter(|| black_box(analysis.who_can("iam:GetUser", &first_arn))),
        );
        group.bench_with_input(BenchmarkId::new("path", users), &users, |b, _| {
            b.iter(|| black_box(analysis.path(first, last)))
        });
        group.bench_with_input(BenchmarkId::new("escalation", users), &users, |b, _| {
            b.iter(|| black_box(analysis.escalation(escalator)))
        });
    }
    group.finish();
}

criterion_group!(benches, stages, questions);
criterion_main!(benches);

//! Loading cost: iamlog's model from get-account-authorization-details text, against serde_json
//! parsing the same bytes into a `Value` (the floor any loader pays).
//!
//! By default it loads the example organisation's production account. Point
//! `IAMLOG_BENCH_AUTHDETAILS` at a large file (e.g. one made with
//! `python3 ../shared/tools/peers/gen_authdetails.py 57000 -o big.json`, about 100 MB) to
//! measure at scale.

use criterion::{criterion_group, criterion_main, Criterion};

/// The allocator the `iamlog` binary uses, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::hint::black_box;
use std::sync::Arc;

fn load(c: &mut Criterion) {
    let path = std::env::var("IAMLOG_BENCH_AUTHDETAILS")
        .unwrap_or_else(|_| "examples/org/authdetails-prod.json".to_string());
    let text: Arc<str> = std::fs::read_to_string(&path)
        .expect("readable input")
        .into();
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.throughput(criterion::Throughput::Bytes(text.len() as u64));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| black_box(serde_json::from_str::<serde_json::Value>(&text).unwrap()))
    });
    group.bench_function("model", |b| {
        b.iter(|| {
            let mut world = iamlog::model::World::default();
            iamlog::model::load_text(&path, text.clone(), &mut world).unwrap();
            iamlog::model::resolve(&mut world);
            black_box(world)
        })
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);

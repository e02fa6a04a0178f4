//! Work spread over the machine's cores: each worker takes the next item when it is done, and
//! the answers come back in the order of the items, so a parallel run gives what a serial one
//! gives.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of workers for `jobs` items: the available cores, at most one per item.
pub fn workers(jobs: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs)
        .max(1)
}

/// `work(state, item)` for every item of `items`, on [`workers`] threads (the calling thread
/// is one), each with its own `state` made by `init`; the answers in the order of `items`. A
/// panic in a worker is raised again here.
pub fn map<T: Sync, S, R: Send>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let run = || {
        let mut state = init();
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, work(&mut state, item)));
        }
    };
    let mut all = match workers(items.len()) {
        1 => run(),
        n => std::thread::scope(|scope| {
            let others: Vec<_> = (1..n).map(|_| scope.spawn(run)).collect();
            let mut all = run();
            for worker in others {
                match worker.join() {
                    Ok(done) => all.extend(done),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            all
        }),
    };
    all.sort_unstable_by_key(|&(i, _)| i);
    all.into_iter().map(|(_, answer)| answer).collect()
}

/// `a()` and `b()`, on two threads when the machine has more than one core; a panic in
/// either is raised again here.
pub fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    if workers(2) == 1 {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let first = scope.spawn(a);
        let second = b();
        match first.join() {
            Ok(first) => (first, second),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn answers_come_back_in_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = super::map(
            &items,
            || 0u64,
            |calls, &n| {
                *calls += 1;
                n * n
            },
        );
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn no_items_no_answers() {
        let none: Vec<u8> = super::map(&[] as &[u8], || (), |_, &b| b);
        assert!(none.is_empty());
    }

    #[test]
    fn join_gives_both_answers_in_order() {
        assert_eq!(super::join(|| 1 + 1, || "two"), (2, "two"));
    }
}

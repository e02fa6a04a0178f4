//! Limits on what iamlog reads and derives.
//!
//! Input written by people and tools, some of it hostile, must end with a clear error (exit 2)
//! that names the limit and the environment variable that raises it, never with an
//! out-of-memory kill or a stack overflow. Each limit is read from its environment variable
//! once per process; a value that is not a number leaves the default.

use std::sync::OnceLock;

/// One configurable limit.
#[derive(Debug)]
pub struct Limit {
    /// What is counted, in words (`"bytes per input file"`).
    pub what: &'static str,
    /// The environment variable that sets it.
    pub env: &'static str,
    /// The value without the variable.
    pub default: u64,
    /// The largest value the variable can set (a hard limit below it), if any.
    pub ceiling: Option<u64>,
    value: OnceLock<u64>,
}

impl Limit {
    const fn new(
        what: &'static str,
        env: &'static str,
        default: u64,
        ceiling: Option<u64>,
    ) -> Self {
        Limit {
            what,
            env,
            default,
            ceiling,
            value: OnceLock::new(),
        }
    }

    /// The limit in force: the environment variable if it holds a number, else the default,
    /// never above the ceiling.
    pub fn get(&self) -> u64 {
        *self.value.get_or_init(|| {
            let set = std::env::var(self.env)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(self.default);
            self.ceiling.map_or(set, |c| set.min(c))
        })
    }

    /// `found` is over the limit: the message says what, the limit, and how to raise it.
    pub fn exceeded(&self, found: impl std::fmt::Display) -> String {
        let how = match self.ceiling {
            Some(c) => format!("set {} to raise it, up to {c}", self.env),
            None => format!("set {} to raise it", self.env),
        };
        format!(
            "{found}: more than the limit of {} {} ({how})",
            self.get(),
            self.what
        )
    }
}

/// Bytes of one input file (`--input`, policy files, `lint`, `simulate --cases`, standard
/// input, `file(...)` in `.iam` files): 256 MiB, over twice the largest account export
/// measured (96.7 MiB for 57,000 users).
pub static INPUT_BYTES: Limit = Limit::new(
    "bytes per input file",
    "IAMLOG_MAX_INPUT_BYTES",
    256 << 20,
    None,
);

/// How deep JSON arrays and objects nest, in files and in documents given as strings inside
/// them. IAM documents nest about 6 levels, authorization details about 12. The ceiling is
/// serde_json's recursion limit (it refuses the 128th level), which keeps parsing and every
/// walk over a parsed value far from the end of the stack.
pub static JSON_DEPTH: Limit = Limit::new(
    "levels of nested JSON arrays and objects",
    "IAMLOG_MAX_JSON_DEPTH",
    64,
    Some(127),
);

/// Statements in one policy document. AWS's size quotas (spec §1.1) keep real documents to a
/// few hundred; the limit keeps a generated one from exhausting memory.
pub static STATEMENTS: Limit = Limit::new(
    "statements per policy document",
    "IAMLOG_MAX_STATEMENTS",
    10_000,
    None,
);

/// Facts the analysis compiles from the input (`analyze`, `query`), checked before the
/// derivation starts. Peak memory was 1.6–2.0 KB per compiled fact on generated
/// organisations (0.44M facts at 5,000 users, 4.5M at 50,000 using 8.9 GB), so the default
/// stops an input of about 16 GB or more before the derivation, not during it.
pub static FACTS: Limit = Limit::new("compiled facts", "IAMLOG_MAX_FACTS", 8_000_000, None);

/// Tuples the analysis derives (`analyze`, `query`), checked before any answer is built
/// from them (about 14M at 50,000 users).
pub static DERIVED: Limit = Limit::new("derived facts", "IAMLOG_MAX_DERIVED", 30_000_000, None);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_limit_and_the_variable() {
        let m = JSON_DEPTH.exceeded("a.json:1:65: arrays and objects nest too deep");
        assert!(m.contains("more than the limit of 64 levels"), "{m}");
        assert!(m.contains("IAMLOG_MAX_JSON_DEPTH"), "{m}");
        assert!(m.contains("up to 127"), "{m}");
        assert!(FACTS.exceeded("7 facts").contains("IAMLOG_MAX_FACTS"));
    }
}

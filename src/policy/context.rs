//! The request context: condition keys and their values (spec §3, "Context iamlog supplies").

use super::pattern::Variables;
use std::collections::HashMap;

/// The value of one condition key in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A single-valued key.
    Single(String),
    /// A multivalued key (`aws:TagKeys`, `aws:CalledVia`, ...), possibly empty.
    Multi(Vec<String>),
}

impl Value {
    /// The values as a slice: one for a single value.
    pub fn as_slice(&self) -> &[String] {
        match self {
            Value::Single(v) => std::slice::from_ref(v),
            Value::Multi(vs) => vs,
        }
    }
}

/// Condition keys of a request, looked up case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    values: HashMap<Box<str>, Value>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` (any case) to `value`, replacing an earlier value.
    pub fn insert(&mut self, key: &str, value: Value) {
        self.values.insert(key.to_ascii_lowercase().into(), value);
    }

    /// Sets `key` only if the caller did not give it.
    pub fn insert_default(&mut self, key: &str, value: Value) {
        self.values
            .entry(key.to_ascii_lowercase().into())
            .or_insert(value);
    }

    /// The value of a lowercased key.
    pub fn get(&self, key_lowercase: &str) -> Option<&Value> {
        self.values.get(key_lowercase)
    }

    /// True if no key is set.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The keys and values, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (&**k, v))
    }
}

impl Variables for Context {
    fn single(&self, key: &str) -> Option<&str> {
        match self.values.get(key)? {
            Value::Single(v) => Some(v),
            Value::Multi(_) => None,
        }
    }
}

//! The request context: condition keys and their values (spec §3, "Context iamlog supplies").

use super::pattern::Variables;

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
///
/// A request has a few dozen keys at most: a sorted vector searched by bisection beats hashing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Lowercased keys and their values, sorted by key.
    values: Vec<(Box<str>, Value)>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` (any case) to `value`, replacing an earlier value.
    pub fn insert(&mut self, key: &str, value: Value) {
        let key = key.to_ascii_lowercase();
        match self.position(&key) {
            Ok(i) => self.values[i].1 = value,
            Err(i) => self.values.insert(i, (key.into(), value)),
        }
    }

    fn position(&self, key_lowercase: &str) -> Result<usize, usize> {
        self.values
            .binary_search_by(|(k, _)| (**k).cmp(key_lowercase))
    }

    /// Sets `key` only if the caller did not give it.
    pub fn insert_default(&mut self, key: &str, value: Value) {
        let key = key.to_ascii_lowercase();
        if let Err(i) = self.position(&key) {
            self.values.insert(i, (key.into(), value));
        }
    }

    /// The value of a lowercased key.
    pub fn get(&self, key_lowercase: &str) -> Option<&Value> {
        self.position(key_lowercase).ok().map(|i| &self.values[i].1)
    }

    /// True if no key is set.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The keys (lowercased) and values, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values.iter().map(|(k, v)| (&**k, v))
    }
}

impl Variables for Context {
    fn single(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Value::Single(v) => Some(v),
            Value::Multi(_) => None,
        }
    }
}

//! The request context: condition keys and their values (spec §3, "Context iamlog supplies").

use super::document::Effect;
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
    /// Set for a whole-organisation question: keys the request would fix are open.
    open: Option<Open>,
}

/// How an open key answers a condition: the analysis asks twice, once hoping for access and
/// once fearing its loss, so that a condition it cannot decide is carried, never guessed
/// (spec §10: "other conditions stay constraints").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stance {
    /// "Is there some request this allows?": an open clause of an Allow holds, of a Deny does not.
    May,
    /// "Does every request get this?": an open clause of an Allow fails, of a Deny holds.
    Must,
}

impl Stance {
    /// What a clause on an open key evaluates to in a statement of `effect`.
    pub fn assume(self, effect: Effect) -> bool {
        matches!(
            (self, effect),
            (Stance::May, Effect::Allow) | (Stance::Must, Effect::Deny)
        )
    }
}

/// Which keys a symbolic context leaves open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Open {
    stance: Stance,
    /// The organisation is known, so its keys are fixed (and absent outside it).
    organization_known: bool,
}

/// Keys the model fixes for a principal and a resource: absent means absent.
const FIXED_KEYS: &[&str] = &[
    "aws:username",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:resourceaccount",
];

/// Keys the organisation data fixes.
const ORGANIZATION_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:resourceorgid",
];

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Self::default()
    }

    /// A context for a question about every request a principal could make: the keys it
    /// holds, the principal's own keys (tags included) and, when `organization_known`, the
    /// organisation's are fixed; every other key is open and answers as `stance` says.
    pub fn symbolic(mut self, stance: Stance, organization_known: bool) -> Self {
        self.open = Some(Open {
            stance,
            organization_known,
        });
        self
    }

    /// The stance of a symbolic context.
    pub fn stance(&self) -> Option<Stance> {
        self.open.map(|o| o.stance)
    }

    /// For a lowercased key this context does not hold: the value a clause on it takes in a
    /// statement of `effect`, if the key is open (`None`: the key is absent).
    pub fn assumption(&self, key_lowercase: &str, effect: Effect) -> Option<bool> {
        let open = self.open?;
        let fixed = FIXED_KEYS.contains(&key_lowercase)
            || key_lowercase.starts_with("aws:principaltag/")
            || open.organization_known && ORGANIZATION_KEYS.contains(&key_lowercase);
        (!fixed).then(|| open.stance.assume(effect))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symbolic_context_opens_request_keys_and_fixes_the_principals() {
        let may = Context::new().symbolic(Stance::May, true);
        let must = Context::new().symbolic(Stance::Must, false);
        // A key the request sets: open, answered by the stance and the statement's effect.
        let mfa = "aws:multifactorauthpresent";
        assert_eq!(may.assumption(mfa, Effect::Allow), Some(true));
        assert_eq!(may.assumption(mfa, Effect::Deny), Some(false));
        assert_eq!(must.assumption(mfa, Effect::Allow), Some(false));
        assert_eq!(must.assumption(mfa, Effect::Deny), Some(true));
        // The principal's own keys: absent means absent.
        assert_eq!(may.assumption("aws:principaltag/team", Effect::Allow), None);
        assert_eq!(may.assumption("aws:username", Effect::Allow), None);
        // The organisation's keys are fixed only when its data was given.
        assert_eq!(may.assumption("aws:principalorgid", Effect::Allow), None);
        assert_eq!(
            must.assumption("aws:principalorgid", Effect::Allow),
            Some(false)
        );
        // A plain context never assumes.
        assert_eq!(Context::new().assumption(mfa, Effect::Allow), None);
    }
}

//! A JSON tree read strictly from text, borrowing its strings from that text.
//!
//! Loading reads each input file once into a [`Json`] and then walks it. Unlike
//! [`serde_json::Value`], a string without escapes is a slice of the source (no copy), and an
//! object is one sorted vector (no tree of map nodes), which makes reading and dropping a large
//! file about twice as fast. Objects iterate in key order, as `serde_json::Map` does, so readers
//! report what they find in the same order whichever tree they walk.

use super::JsonError;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

/// A JSON value whose strings borrow from the text it was read from where they can.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json reads it.
    Number(Number),
    /// A string (borrowed unless it had escapes).
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Json<'a>>),
    /// An object.
    Object(Object<'a>),
}

/// A JSON object: its members sorted by key, each key once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object<'a> {
    members: Vec<(Cow<'a, str>, Json<'a>)>,
}

impl<'a> Object<'a> {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        // Most objects have a few members: a scan that compares lengths first is cheaper
        // than a binary search that orders every key it meets.
        if self.members.len() <= Self::SCANNED {
            return self.members.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        }
        self.members
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()
            .map(|i| &self.members[i].1)
    }

    /// Members up to which [`Object::get`] scans rather than searches.
    const SCANNED: usize = 12;

    /// True if the object has `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.members.iter().map(|(k, _)| k.as_ref())
    }

    /// The members, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> + '_ {
        self.into_iter()
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True if the object has no member.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

impl<'s, 'a> IntoIterator for &'s Object<'a> {
    type Item = (&'s str, &'s Json<'a>);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'s, (Cow<'a, str>, Json<'a>)>,
        fn(&'s (Cow<'a, str>, Json<'a>)) -> (&'s str, &'s Json<'a>),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.members.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

impl<'a> Json<'a> {
    /// Reads JSON text strictly: a key repeated in any object is an error (IAM rejects such
    /// documents), and so is nesting deeper than [`crate::limits::JSON_DEPTH`]. Errors carry
    /// serde_json's message and position.
    pub fn parse(text: &'a str) -> Result<Json<'a>, JsonError> {
        let limit = crate::limits::JSON_DEPTH.get() as usize;
        let mut de = serde_json::Deserializer::from_str(text);
        let value = Strict { depth: 0, limit }
            .deserialize(&mut de)
            .and_then(|v| {
                de.end()?;
                Ok(v)
            });
        value.map_err(|e| JsonError {
            message: super::error_message(&e),
            line: e.line(),
            column: e.column(),
        })
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// True for a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Json::String(_))
    }

    /// True for an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    /// The value of `key` if this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.as_object()?.get(key)
    }

    /// The same value as a [`serde_json::Value`].
    pub fn to_value(&self) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.clone()),
            Json::String(s) => Value::String(s.to_string()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }
}

impl<'a> From<&'a Value> for Json<'a> {
    /// Borrows a [`serde_json::Value`] (its object keys are already in order).
    fn from(value: &'a Value) -> Json<'a> {
        match value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.clone()),
            Value::String(s) => Json::String(Cow::Borrowed(s)),
            Value::Array(items) => Json::Array(items.iter().map(Json::from).collect()),
            Value::Object(map) => Json::Object(Object {
                members: map
                    .iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from(v)))
                    .collect(),
            }),
        }
    }
}

impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n.serialize(s),
            Json::String(text) => s.serialize_str(text),
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(o) => {
                let mut map = s.serialize_map(Some(o.len()))?;
                for (k, v) in o.iter() {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl fmt::Display for Json<'_> {
    /// Compact JSON, as `serde_json::Value` displays.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&serde_json::to_string(self).map_err(|_| fmt::Error)?)
    }
}

/// A seed that reads a [`Json`], failing on a repeated object key and on nesting deeper than
/// `limit`.
#[derive(Clone, Copy)]
struct Strict {
    depth: usize,
    limit: usize,
}

impl Strict {
    /// The seed for the values inside an array or object at this depth.
    fn inner<E: de::Error>(self) -> Result<Strict, E> {
        if self.depth >= self.limit {
            return Err(E::custom(
                crate::limits::JSON_DEPTH.exceeded("arrays and objects nest too deep"),
            ));
        }
        Ok(Strict {
            depth: self.depth + 1,
            ..self
        })
    }
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Json<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Json<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json<'de>, E> {
        Ok(Number::from_f64(v).map_or(Json::Null, Json::Number))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let inner = self.inner()?;
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(inner)? {
            items.push(v);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let inner = self.inner()?;
        let mut members = Vec::new();
        let mut keys = Keys::default();
        while let Some(key) = map.next_key_seed(Key)? {
            if !keys.insert(&key, &members) {
                return Err(de::Error::custom(format_args!("duplicate key \"{key}\"")));
            }
            let value = map.next_value_seed(inner)?;
            members.push((key, value));
        }
        members.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        Ok(Json::Object(Object { members }))
    }
}

/// The keys of an object being read, to find one given twice: the members read so far are
/// searched while they are few, a set of their keys is kept once they are many.
#[derive(Default)]
struct Keys {
    many: Option<HashSet<String>>,
}

impl Keys {
    /// Members from which a set is kept.
    const MANY: usize = 16;

    /// Records `key`, given after `members`; false if it is one of theirs.
    fn insert(&mut self, key: &str, members: &[(Cow<'_, str>, Json<'_>)]) -> bool {
        if members.len() < Self::MANY {
            return members.iter().all(|(k, _)| k != key);
        }
        let set = self
            .many
            .get_or_insert_with(|| members.iter().map(|(k, _)| k.to_string()).collect());
        set.insert(key.to_string())
    }
}

/// Reads an object key, borrowed from the text unless it has escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_serde_json() {
        let text = r#"{"b": [1, -2, 3.5, true, null], "a": "x\"y", "é": {"z": {}, "c": "d"}}"#;
        let tree = Json::parse(text).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(tree.to_value(), value);
        assert_eq!(tree.to_string(), value.to_string());
        assert_eq!(Json::from(&value), tree);
        let keys: Vec<&str> = tree.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "b", "é"]);
        assert_eq!(tree.get("a").and_then(Json::as_str), Some("x\"y"));
        assert!(matches!(
            tree.get("é").and_then(|e| e.get("c")),
            Some(Json::String(Cow::Borrowed("d")))
        ));
    }

    #[test]
    fn a_repeated_key_is_found_among_few_members_and_among_many() {
        for n in [3, 40] {
            let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
            let ok = format!("{{{}}}", members.join(", "));
            assert!(Json::parse(&ok).is_ok());
            let repeated = format!("{{{}, \"k1\": 0}}", members.join(", "));
            let err = Json::parse(&repeated).unwrap_err();
            assert_eq!(err.message, "duplicate key \"k1\"");
            // Just after the repeated key, as serde_json places it.
            assert_eq!(err.column, repeated.len() - 4);
        }
    }
}

//! JSON text: strict parsing (duplicate keys are errors) and locating JSON pointers in the source.
//!
//! Policies are parsed with serde_json into [`serde_json::Value`]. Locations are not tracked
//! while parsing (that would slow the common path); a diagnostic carries a JSON pointer, and
//! [`locate`] finds the line and column of that pointer in the source text when it is shown.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// A JSON syntax error, with the 1-based line and column serde_json reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at line {line} column {column}")]
pub struct JsonError {
    /// What is wrong, without the location.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Parses JSON text, rejecting duplicate keys in any object (IAM rejects them too).
pub fn parse_strict(text: &str) -> Result<Value, JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictValue.deserialize(&mut de).and_then(|v| {
        de.end()?;
        Ok(v)
    });
    value.map_err(|e| {
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full,
        };
        JsonError {
            message,
            line: e.line(),
            column: e.column(),
        }
    })
}

/// A seed that builds a `Value` like serde_json does, but fails on a repeated object key.
struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(StrictValue)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key \"{key}\"")));
            }
            let value = map.next_value_seed(StrictValue)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Splits a JSON pointer into its unescaped reference tokens.
fn pointer_tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Where a JSON value sits in its source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Byte offset of the value's first character.
    pub offset: usize,
    /// Byte length of the value's text.
    pub len: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

/// Finds the value a JSON pointer names in `text`, or its nearest existing ancestor.
///
/// Returns `None` only if `text` is not JSON at all. A pointer that runs past the document
/// (an element that is missing) resolves to the deepest value that exists, which is where a
/// message about the missing element belongs.
pub fn locate(text: &str, pointer: &str) -> Option<Location> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let mut start = scanner.value_start()?;
    for token in pointer_tokens(pointer) {
        match scanner.child(&token) {
            Some(child) => start = child,
            None => break,
        }
    }
    scanner.pos = start;
    scanner.skip_value();
    let (line, column) = line_column(text, start);
    Some(Location {
        offset: start,
        len: scanner.pos.saturating_sub(start).max(1),
        line,
        column,
    })
}

/// The 1-based line and character column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A forgiving byte scanner over JSON text that serde_json has already accepted.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.pos += 1;
        }
    }

    fn value_start(&mut self) -> Option<usize> {
        self.skip_ws();
        (self.pos < self.bytes.len()).then_some(self.pos)
    }

    /// With `pos` at a value's start, moves into the child named `token` and returns its start.
    fn child(&mut self, token: &str) -> Option<usize> {
        match self.bytes.get(self.pos)? {
            b'{' => {
                self.pos += 1;
                loop {
                    self.skip_ws();
                    if self.bytes.get(self.pos)? != &b'"' {
                        return None;
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    self.pos += 1; // ':'
                    let start = self.value_start()?;
                    if key == token {
                        return Some(start);
                    }
                    self.skip_value();
                    self.skip_ws();
                    if self.bytes.get(self.pos)? != &b',' {
                        return None;
                    }
                    self.pos += 1;
                }
            }
            b'[' => {
                let index: usize = token.parse().ok()?;
                self.pos += 1;
                for i in 0.. {
                    let start = self.value_start()?;
                    if self.bytes[start] == b']' {
                        return None;
                    }
                    if i == index {
                        return Some(start);
                    }
                    self.skip_value();
                    self.skip_ws();
                    if self.bytes.get(self.pos)? != &b',' {
                        return None;
                    }
                    self.pos += 1;
                }
                None
            }
            _ => None,
        }
    }

    /// Reads a string token at `pos` and returns its decoded text.
    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        self.skip_value();
        serde_json::from_slice(&self.bytes[start..self.pos]).ok()
    }

    /// Moves `pos` past the value that starts at `pos`.
    fn skip_value(&mut self) {
        let Some(&first) = self.bytes.get(self.pos) else {
            return;
        };
        match first {
            b'"' => {
                self.pos += 1;
                while let Some(&b) = self.bytes.get(self.pos) {
                    self.pos += 1;
                    match b {
                        b'\\' => self.pos += 1,
                        b'"' => return,
                        _ => {}
                    }
                }
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                while let Some(&b) = self.bytes.get(self.pos) {
                    match b {
                        b'"' => {
                            self.skip_value();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return;
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            _ => {
                while self
                    .bytes
                    .get(self.pos)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_rejected_with_their_position() {
        let err = parse_strict("{\n  \"a\": 1,\n  \"a\": 2\n}").unwrap_err();
        assert_eq!(err.message, "duplicate key \"a\"");
        assert_eq!(err.line, 3);
    }

    #[test]
    fn nested_duplicates_are_rejected() {
        assert!(parse_strict(r#"{"S": [{"x": 1, "x": 1}]}"#).is_err());
        assert!(parse_strict(r#"{"S": [{"x": 1, "y": 1}]}"#).is_ok());
    }

    #[test]
    fn locate_finds_nested_values() {
        let text = "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\"},\n    {\"Effect\": \"Alow\", \"a/b\": 1}\n  ]\n}";
        let loc = locate(text, "/Statement/1/Effect").unwrap();
        assert_eq!((loc.line, loc.column), (4, 16));
        assert_eq!(&text[loc.offset..loc.offset + loc.len], "\"Alow\"");
        let loc = locate(text, "/Statement/1/a~1b").unwrap();
        assert_eq!(&text[loc.offset..loc.offset + loc.len], "1");
    }

    #[test]
    fn locate_falls_back_to_the_nearest_ancestor() {
        let text = "{\"Statement\": {\"Effect\": \"Allow\"}}";
        let loc = locate(text, "/Statement/Action").unwrap();
        assert_eq!(loc.offset, 14);
        assert_eq!(locate(text, "").unwrap().offset, 0);
    }
}

//! JSON text: strict parsing (duplicate keys are errors) and locating JSON pointers in the source.
//!
//! Inputs are parsed with serde_json into a [`Json`] tree. Locations are not tracked
//! while parsing (that would slow the common path); a diagnostic carries a JSON pointer, and
//! [`locate`] finds the line and column of that pointer in the source text when it is shown.

use serde_json::Value;

mod tree;
pub use tree::{Json, Object};

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

/// The deepest arrays and objects may ever nest: serde_json's recursion limit (it refuses the
/// 128th level). [`crate::limits::JSON_DEPTH`] sets the limit in force, at most this.
pub const MAX_DEPTH: usize = 127;

/// Parses JSON text, rejecting duplicate keys in any object (IAM rejects them too) and
/// nesting deeper than [`crate::limits::JSON_DEPTH`]: [`Json::parse`], as a `serde_json::Value`.
pub fn parse_strict(text: &str) -> Result<Value, JsonError> {
    Json::parse(text).map(|tree| tree.to_value())
}

/// serde_json's message for `e` without its location, and in words where it has none.
pub fn error_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    };
    if message == "recursion limit exceeded" {
        crate::limits::JSON_DEPTH.exceeded("arrays and objects nest too deep")
    } else {
        message
    }
}

/// The byte offset of a 1-based line and column (as serde_json reports them) in `text`.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column).min(text.len())
}

/// Keys under which input files hold policy documents.
const DOCUMENT_KEYS: [&str; 5] = [
    "PolicyDocument",
    "AssumeRolePolicyDocument",
    "Document",
    "Policy",
    "Content",
];

/// Where a duplicate key reported at byte `offset` of `text` is, in words: the JSON pointer of
/// the key, and of the policy document that holds it if there is one.
pub fn duplicate_place(text: &str, offset: usize) -> String {
    let pointer = pointer_at(text, offset);
    let tokens = pointer_tokens(&pointer);
    let document = tokens
        .iter()
        .rposition(|t| DOCUMENT_KEYS.contains(&t.as_str()))
        .filter(|&i| i + 1 < tokens.len());
    match document {
        Some(i) => {
            let prefix: Vec<String> = tokens[..=i].iter().map(|t| pointer_token(t)).collect();
            format!(
                "at {pointer}, in the policy document at /{}",
                prefix.join("/")
            )
        }
        None => format!("at {pointer}"),
    }
}

/// The JSON pointer of the innermost member or element that byte `offset` of `text` falls in
/// (for an object, the last key read before `offset`). Walks the text without recursion.
pub fn pointer_at(text: &str, offset: usize) -> String {
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key {
                    if let Some(Frame::Object(key)) = stack.last_mut() {
                        let raw = text.get(start..=i.min(bytes.len() - 1)).unwrap_or("");
                        *key = serde_json::from_str(raw).ok();
                    }
                    expect_key = false;
                }
            }
            b'{' => {
                stack.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object(_)) => expect_key = true,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut out = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                out.push('/');
                out.push_str(&pointer_token(key));
            }
            Frame::Object(None) => {}
            Frame::Array(n) => {
                out.push('/');
                out.push_str(&n.to_string());
            }
        }
    }
    out
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

/// Locates many pointers in one text, in time linear in the text and the pointers when they
/// come in document order (as the loaders report them): it remembers where the array elements
/// it has walked to start, and where lines start. [`locate`] on each pointer would walk the
/// text from its start every time, which is quadratic in a file with an error per entity.
pub struct Locator<'a> {
    text: &'a str,
    /// Start of the value of each pointer walked to.
    starts: std::collections::HashMap<String, usize>,
    /// For each array walked into (by its start): the last element reached, and its start.
    cursors: std::collections::HashMap<usize, (usize, usize)>,
    /// Byte offsets of line starts, built on first use.
    lines: Vec<usize>,
    /// The last (offset, line, column) computed, to count columns on from it.
    last: Option<(usize, usize, usize)>,
}

impl<'a> Locator<'a> {
    /// A locator over `text`.
    pub fn new(text: &'a str) -> Locator<'a> {
        Locator {
            text,
            starts: std::collections::HashMap::new(),
            cursors: std::collections::HashMap::new(),
            lines: Vec::new(),
            last: None,
        }
    }

    /// As [`locate`].
    pub fn locate(&mut self, pointer: &str) -> Option<Location> {
        let mut scanner = Scanner {
            bytes: self.text.as_bytes(),
            pos: 0,
        };
        let mut start = scanner.value_start()?;
        // The end of each reference token in `pointer`: its prefixes name the ancestors.
        let ends = pointer
            .char_indices()
            .filter(|&(_, c)| c == '/')
            .map(|(i, _)| i)
            .skip(1)
            .chain((!pointer.is_empty()).then_some(pointer.len()));
        let mut prefix_start = 0;
        for end in ends {
            let prefix = &pointer[..end];
            if let Some(&known) = self.starts.get(prefix) {
                start = known;
                prefix_start = end;
                continue;
            }
            let token = pointer[prefix_start + 1..end]
                .replace("~1", "/")
                .replace("~0", "~");
            prefix_start = end;
            scanner.pos = start;
            let child = match (scanner.bytes.get(start), token.parse::<usize>()) {
                (Some(b'['), Ok(index)) => self.element(&mut scanner, start, index),
                _ => scanner.child(&token),
            };
            match child {
                Some(child) => {
                    self.starts.insert(prefix.to_string(), child);
                    start = child;
                }
                None => break,
            }
        }
        scanner.pos = start;
        scanner.skip_value();
        let (line, column) = self.line_column(start);
        Some(Location {
            offset: start,
            len: scanner.pos.saturating_sub(start).max(1),
            line,
            column,
        })
    }

    /// The start of element `index` of the array at `array`, walking on from the last element
    /// reached in it when that is not past `index`.
    fn element(&mut self, scanner: &mut Scanner<'_>, array: usize, index: usize) -> Option<usize> {
        let (mut i, mut at) = match self.cursors.get(&array) {
            Some(&(i, at)) if i <= index => (i, at),
            _ => {
                scanner.pos = array + 1;
                (0, scanner.value_start()?)
            }
        };
        loop {
            if scanner.bytes.get(at)? == &b']' {
                return None;
            }
            if i == index {
                self.cursors.insert(array, (i, at));
                return Some(at);
            }
            scanner.pos = at;
            scanner.skip_value();
            scanner.skip_ws();
            if scanner.bytes.get(scanner.pos)? != &b',' {
                return None;
            }
            scanner.pos += 1;
            at = scanner.value_start()?;
            i += 1;
        }
    }

    /// As [`line_column`], without counting from the start of the text each time.
    pub fn line_column(&mut self, offset: usize) -> (usize, usize) {
        let text = self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        if self.lines.is_empty() {
            self.lines.push(0);
            self.lines
                .extend(text.match_indices('\n').map(|(i, _)| i + 1));
        }
        let line = self.lines.partition_point(|&s| s <= offset);
        let line_start = self.lines[line - 1];
        let column = match self.last {
            Some((at, l, c)) if l == line && at <= offset => c + text[at..offset].chars().count(),
            _ => text[line_start..offset].chars().count() + 1,
        };
        self.last = Some((offset, line, column));
        (line, column)
    }
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
    fn a_duplicate_is_placed_in_its_document() {
        let text = r#"{"UserDetailList": [{"UserName": "u", "UserPolicyList": [{"PolicyName": "p",
            "PolicyDocument": {"Statement": [{"Effect": "Deny", "Effect": "Allow"}]}}]}]}"#;
        let err = parse_strict(text).unwrap_err();
        assert_eq!(err.message, "duplicate key \"Effect\"");
        let offset = text.find(r#""Effect": "Allow""#).unwrap() + 8;
        assert_eq!(
            duplicate_place(text, offset),
            "at /UserDetailList/0/UserPolicyList/0/PolicyDocument/Statement/0/Effect, \
             in the policy document at /UserDetailList/0/UserPolicyList/0/PolicyDocument"
        );
        assert_eq!(
            pointer_at(r#"{"a~/b": [1, {"c": "x,y"}]}"#, 22),
            "/a~0~1b/1/c"
        );
    }

    #[test]
    fn nested_duplicates_are_rejected() {
        assert!(parse_strict(r#"{"S": [{"x": 1, "x": 1}]}"#).is_err());
        assert!(parse_strict(r#"{"S": [{"x": 1, "y": 1}]}"#).is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = parse_strict(&deep).unwrap_err();
        let limit = crate::limits::JSON_DEPTH.get() as usize;
        assert!(
            err.message
                .contains("more than the limit of 64 levels of nested JSON arrays and objects"),
            "{}",
            err.message
        );
        assert!(err.message.contains("IAMLOG_MAX_JSON_DEPTH"));
        assert_eq!((err.line, err.column), (1, limit + 1));
        let ok = format!("{}{}", "[".repeat(limit), "]".repeat(limit));
        assert!(parse_strict(&ok).is_ok());
        let over = format!("[{ok}]");
        assert!(parse_strict(&over).is_err());
        assert!(MAX_DEPTH >= limit);
        // The locator walks the text without recursion.
        assert_eq!(locate(&deep, "/0/0/0").map(|l| l.offset), Some(3));
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
    fn the_locator_agrees_with_locate() {
        let text =
            "{\"A\": [1, {\"b\": [2, 3]}, \"x\"],\n \"é\": {\"c~/d\": [\n  4, 5]}, \"L\": []}";
        let pointers = [
            "",
            "/A",
            "/A/0",
            "/A/1",
            "/A/1/b",
            "/A/1/b/1",
            "/A/2",
            "/A/3",
            "/A/1/b/0",
            "/A/0",
            "/é",
            "/é/c~0~1d",
            "/é/c~0~1d/1",
            "/é/c~0~1d/0",
            "/L",
            "/L/0",
            "/nope",
            "/A/x",
        ];
        let mut locator = Locator::new(text);
        for p in pointers {
            assert_eq!(locator.locate(p), locate(text, p), "{p}");
        }
        for p in pointers.iter().rev() {
            assert_eq!(locator.locate(p), locate(text, p), "{p}");
        }
        let mut locator = Locator::new(text);
        for offset in [0, 5, 40, 3, 41, 39, text.len(), 1000] {
            assert_eq!(
                locator.line_column(offset),
                line_column(text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn locate_falls_back_to_the_nearest_ancestor() {
        let text = "{\"Statement\": {\"Effect\": \"Allow\"}}";
        let loc = locate(text, "/Statement/Action").unwrap();
        assert_eq!(loc.offset, 14);
        assert_eq!(locate(text, "").unwrap().offset, 0);
    }
}

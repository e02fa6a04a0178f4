//! File names as URI references (RFC 3986), for SARIF artifact locations.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// Characters that cannot stand for themselves in a URI path.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A file name as the user gave it, as a URI: a relative reference for a relative path (code
/// scanning resolves it against the checkout), a `file://` URI for an absolute one.
pub fn file_uri(name: &str) -> String {
    let slashed = name.replace('\\', "/");
    let encoded: String = slashed
        .split('/')
        .map(|segment| utf8_percent_encode(segment, PATH).to_string())
        .collect::<Vec<_>>()
        .join("/");
    if slashed.starts_with('/') {
        format!("file://{encoded}")
    } else if matches!(slashed.as_bytes(), [d, b':', b'/', ..] if d.is_ascii_alphabetic()) {
        // A Windows drive letter.
        format!("file:///{encoded}")
    } else {
        // A first segment with a colon would read as a scheme.
        match encoded.split('/').next() {
            Some(first) if first.contains(':') => format!("./{encoded}"),
            _ => encoded,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::file_uri;

    #[test]
    fn relative_and_absolute_names() {
        assert_eq!(
            file_uri("examples/org/authdetails-dev.json"),
            "examples/org/authdetails-dev.json"
        );
        assert_eq!(file_uri("my dir/a#b.json"), "my%20dir/a%23b.json");
        assert_eq!(file_uri("/tmp/x y.json"), "file:///tmp/x%20y.json");
        assert_eq!(file_uri("a:b.json"), "./a:b.json");
        assert_eq!(file_uri("C:\\org\\dev.json"), "file:///C:/org/dev.json");
    }
}

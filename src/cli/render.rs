//! Rendering located diagnostics: miette reports for people, JSON for programs.
//!
//! A report shows the source lines around the element at fault, unless one of them is longer
//! than [`MAX_SNIPPET_LINE`]: minified JSON (one line of megabytes) would be copied whole to
//! the terminal, and miette panics when an underline starts past column 65,535. Such a report
//! names the file, line, column and JSON pointer without the snippet.

use super::colour::{self, Stream};
use crate::diag::{Located, Severity};
use miette::{LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// The longest source line, in bytes, that a report draws.
pub const MAX_SNIPPET_LINE: usize = 400;

/// Lines of context drawn above and below the element at fault.
const CONTEXT_LINES: usize = 1;

/// A located diagnostic as a miette report over its source text.
#[derive(Debug)]
struct Report {
    located: Located,
    /// The text to draw lines from; `None` when they are too long to draw.
    source: Option<NamedSource<Arc<str>>>,
}

impl Report {
    fn new(located: &Located, source: &Arc<str>) -> Report {
        let drawable = snippet_fits(source, located.offset, located.len);
        Report {
            located: located.clone(),
            source: drawable.then(|| NamedSource::new(&located.file, source.clone())),
        }
    }

    /// The last line of the report: the place, and the pointer when no snippet carries it.
    fn place(&self) -> String {
        let d = &self.located;
        let pointer = &d.diagnostic.pointer;
        if self.source.is_none() && !pointer.is_empty() {
            format!("  at {}:{}:{} ({pointer})\n", d.file, d.line, d.column)
        } else {
            format!("  at {}:{}:{}\n", d.file, d.line, d.column)
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.located.diagnostic.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.located.diagnostic.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.located.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let d = &self.located;
        // The JSON pointer names the element; text-language diagnostics have none.
        let label = (!d.diagnostic.pointer.is_empty()).then(|| d.diagnostic.pointer.clone());
        let span = SourceSpan::new(d.offset.into(), d.len);
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label, span,
        ))))
    }
}

/// Writes one diagnostic as a miette report with the source line underlined, in colour when
/// [`colour::enabled`] says so for the `stream` it will be written to.
pub fn text(located: &Located, source: &Arc<str>, stream: Stream) -> String {
    let report = Report::new(located, source);
    let handler = miette::MietteHandlerOpts::new()
        .color(colour::enabled(stream))
        .context_lines(CONTEXT_LINES)
        .build();
    let mut out = Drawn(&handler, &report).to_string();
    out.push_str(&report.place());
    out
}

/// A report drawn by a chosen handler.
struct Drawn<'a>(&'a miette::MietteHandler, &'a Report);

impl fmt::Display for Drawn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        miette::ReportHandler::debug(self.0, self.1, f)
    }
}

/// Like [`text`], but drawn the same way wherever it runs (Unicode, no colour, 100 columns):
/// for snapshot tests.
#[cfg(test)]
pub fn plain_text(located: &Located, source: &Arc<str>) -> String {
    let report = Report::new(located, source);
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_context_lines(CONTEXT_LINES);
    let mut out = String::new();
    handler
        .render_report(&mut out, &report)
        .expect("reports render into a string");
    out.push_str(&report.place());
    out
}

/// True if every line a report would draw for the `len` bytes at `offset` (their own lines
/// and [`CONTEXT_LINES`] on either side) is at most [`MAX_SNIPPET_LINE`] bytes long.
///
/// Looks at no more than the span and the few lines around it, so that it costs little even
/// on a file of one very long line.
fn snippet_fits(text: &str, offset: usize, len: usize) -> bool {
    let bytes = text.as_bytes();
    let start = offset.min(bytes.len());
    let end = offset.saturating_add(len).min(bytes.len()).max(start);
    let (Some(first), Some(last)) = (
        lines_back(bytes, start, CONTEXT_LINES),
        lines_on(bytes, end, CONTEXT_LINES),
    ) else {
        return false;
    };
    bytes[first..last]
        .split(|&b| b == b'\n')
        .all(|line| line.len() <= MAX_SNIPPET_LINE)
}

/// The start of the line `above` lines before the one holding `at`, or `None` if that means
/// walking back over a line longer than [`MAX_SNIPPET_LINE`].
fn lines_back(bytes: &[u8], at: usize, above: usize) -> Option<usize> {
    let mut at = at;
    for seen in 0..=above {
        let floor = at.saturating_sub(MAX_SNIPPET_LINE + 1);
        match bytes[floor..at].iter().rposition(|&b| b == b'\n') {
            Some(i) if seen == above => return Some(floor + i + 1),
            Some(i) => at = floor + i,
            None if floor == 0 => return Some(0),
            None => return None,
        }
    }
    unreachable!("the last round returns")
}

/// The end of the line `below` lines after the one holding `at`, or `None` if that means
/// walking over a line longer than [`MAX_SNIPPET_LINE`].
fn lines_on(bytes: &[u8], at: usize, below: usize) -> Option<usize> {
    let mut at = at;
    for seen in 0..=below {
        let ceiling = at.saturating_add(MAX_SNIPPET_LINE + 1).min(bytes.len());
        match bytes[at..ceiling].iter().position(|&b| b == b'\n') {
            Some(i) if seen == below => return Some(at + i),
            Some(i) => at = at + i + 1,
            None if ceiling == bytes.len() => return Some(bytes.len()),
            None => return None,
        }
    }
    unreachable!("the last round returns")
}

/// The JSON form of a diagnostic (`iamlog lint --format json`).
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    file: &'a str,
    pointer: &'a str,
    line: usize,
    column: usize,
    severity: Severity,
    code: &'a str,
    message: &'a str,
}

impl<'a> From<&'a Located> for JsonDiagnostic<'a> {
    fn from(d: &'a Located) -> Self {
        JsonDiagnostic {
            file: &d.file,
            pointer: &d.diagnostic.pointer,
            line: d.line,
            column: d.column,
            severity: d.diagnostic.severity,
            code: d.diagnostic.code,
            message: &d.diagnostic.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;

    /// `{"Pad": "xxx…", "Bad": 1}` on one line, with `"Bad"` past column 65,535.
    fn one_long_line() -> String {
        format!("{{\"Pad\": \"{}\", \"Bad\": 1}}", "x".repeat(70_000))
    }

    #[test]
    fn a_diagnostic_past_column_65535_renders_without_the_snippet() {
        let line = one_long_line();
        let column = line.find("1}").unwrap() + 1;
        let located =
            Diagnostic::error("bad", "/Bad", "Bad must be a string").locate("a.json", &line);
        assert_eq!((located.line, located.column), (1, column));
        let source: Arc<str> = line.into();
        let place = format!("at a.json:1:{column} (/Bad)");
        for out in [
            plain_text(&located, &source),
            text(&located, &source, Stream::Stderr),
        ] {
            assert!(out.contains("Bad must be a string"), "{out}");
            assert!(out.contains(&place), "{out}");
            assert!(!out.contains("xxxx"), "the long line is not copied: {out}");
        }
    }

    #[test]
    fn short_lines_are_drawn() {
        let text = "{\n  \"Pad\": 1,\n  \"Bad\": 1\n}\n";
        let located =
            Diagnostic::error("bad", "/Bad", "Bad must be a string").locate("a.json", text);
        let out = plain_text(&located, &text.into());
        assert!(out.contains("\"Bad\": 1"), "{out}");
        assert!(out.ends_with("at a.json:3:10\n"), "{out}");
    }

    #[test]
    fn the_snippet_is_dropped_when_a_line_it_would_draw_is_too_long() {
        let long = "y".repeat(MAX_SNIPPET_LINE + 1);
        let fits = "z".repeat(MAX_SNIPPET_LINE);
        let at = |text: &str| text.find('!').unwrap();
        // The element's own line, the line above, the line below.
        for text in [
            format!("{long}!{long}"),
            format!("{long}\n!\n"),
            format!("\n!\n{long}"),
        ] {
            assert!(!snippet_fits(&text, at(&text), 1), "{}", text.len());
        }
        // Lines two away are not drawn; a line of exactly the limit is.
        for text in [
            format!("{long}\n\n!\n\n{long}"),
            format!("{fits}\n!{}\n{fits}", &fits[1..]),
            "!".to_string(),
        ] {
            assert!(snippet_fits(&text, at(&text), 1), "{}", text.len());
        }
        // Every line of an element spread over several lines.
        let multi = format!("!\n{long}\n}}");
        assert!(!snippet_fits(&multi, 0, multi.len()));
        // A span past the end of the text is clamped, not a panic.
        assert!(snippet_fits("!", 5, 10));
    }
}

//! Rendering located diagnostics: miette reports for people, JSON for programs.

use super::colour::{self, Stream};
use crate::diag::{Located, Severity};
use miette::{LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A located diagnostic as a miette report over its source text.
#[derive(Debug)]
struct Report {
    located: Located,
    source: NamedSource<Arc<str>>,
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
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
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
    let report = Report {
        located: located.clone(),
        source: NamedSource::new(&located.file, source.clone()),
    };
    let handler = miette::MietteHandlerOpts::new()
        .color(colour::enabled(stream))
        .build();
    let mut out = Drawn(&handler, &report).to_string();
    out.push_str(&format!(
        "  at {}:{}:{}\n",
        located.file, located.line, located.column
    ));
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
    let report = Report {
        located: located.clone(),
        source: NamedSource::new(&located.file, source.clone()),
    };
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let mut out = String::new();
    handler
        .render_report(&mut out, &report)
        .expect("reports render into a string");
    out.push_str(&format!(
        "  at {}:{}:{}\n",
        located.file, located.line, located.column
    ));
    out
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

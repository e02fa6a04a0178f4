//! Diagnostics: what is wrong with an input, and where.
//!
//! A [`Diagnostic`] names its place with a JSON pointer into the document it is about; the
//! file, line and column are attached by whoever knows the source text ([`Located`]).

use crate::json;
use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is valid but probably not what its author meant, or not fully modelled.
    Warning,
    /// AWS would reject the input; iamlog refuses to decide with it.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding about a document, located by a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable, kebab-case identifier of the kind of problem (e.g. `unknown-element`).
    pub code: &'static str,
    /// A sentence saying what is wrong.
    pub message: String,
    /// JSON pointer of the element at fault, relative to the document root.
    pub pointer: String,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(
        code: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            pointer: pointer.into(),
        }
    }

    /// A warning at `pointer`.
    pub fn warning(
        code: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            pointer: pointer.into(),
        }
    }

    /// The same diagnostic with its pointer placed under `prefix` (a document inside a file).
    pub fn under(mut self, prefix: &str) -> Self {
        self.pointer = format!("{prefix}{}", self.pointer);
        self
    }

    /// Attaches the file name and, from the source text, the line and column.
    pub fn locate(self, file: &str, text: &str) -> Located {
        let location = json::locate(text, &self.pointer);
        Located {
            file: file.to_string(),
            line: location.map_or(1, |l| l.line),
            column: location.map_or(1, |l| l.column),
            offset: location.map_or(0, |l| l.offset),
            len: location.map_or(0, |l| l.len),
            diagnostic: self,
        }
    }
}

/// Locates every diagnostic of one file, in time linear in the file (see [`json::Locator`]).
pub fn locate_all(
    diagnostics: impl IntoIterator<Item = Diagnostic>,
    file: &str,
    text: &str,
) -> Vec<Located> {
    let mut locator = json::Locator::new(text);
    diagnostics
        .into_iter()
        .map(|d| {
            let location = locator.locate(&d.pointer);
            Located {
                file: file.to_string(),
                line: location.map_or(1, |l| l.line),
                column: location.map_or(1, |l| l.column),
                offset: location.map_or(0, |l| l.offset),
                len: location.map_or(0, |l| l.len),
                diagnostic: d,
            }
        })
        .collect()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] at {}: {}",
            self.severity,
            self.code,
            if self.pointer.is_empty() {
                "/"
            } else {
                &self.pointer
            },
            self.message
        )
    }
}

/// A diagnostic with its file and source position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The diagnostic itself.
    pub diagnostic: Diagnostic,
    /// The file it is about, as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Byte offset of the element in the file.
    pub offset: usize,
    /// Byte length of the element.
    pub len: usize,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.diagnostic;
        write!(
            f,
            "{}:{}:{}: {} [{}] {}",
            self.file, self.line, self.column, d.severity, d.code, d.message,
        )?;
        // Text-language diagnostics are placed by line and column alone.
        if !d.pointer.is_empty() {
            write!(f, " (at {})", d.pointer)?;
        }
        Ok(())
    }
}

/// True if any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

//! The iamlog text language: `.iam` files that describe accounts, an organisation and resource
//! policies by hand.
//!
//! ```text
//! account 111111111111 "shared" {
//!   user alice in developers { mfa; access-keys 1; }
//!   group developers { attach aws:ReadOnlyAccess; }
//!   role deployer { trust user alice; attach deploy; }
//!   policy deploy { allow ecs:*, ecr:Get* on *; }
//! }
//! ```
//!
//! A file is read in two steps, as cedar reads its policies: [`parse`] builds a syntax tree
//! ([`ast`]) with a span on every node, and [`load`] desugars it into the same [`World`] the
//! JSON loaders build. Every policy a construct writes is generated as IAM JSON first and read
//! with [`crate::policy::Policy::from_json`], so the text and the JSON have one meaning and one
//! validation; `iamlog fmt --to json` prints that JSON. Problems become located diagnostics in
//! [`World::diagnostics`]: syntax errors (with the expected tokens in words), and references,
//! names and quotas that IAM would reject.

pub mod ast;
mod desugar;
mod document;
mod names;
mod org;
pub mod print;
mod statement;
pub mod syntax;

pub use print::to_text;
pub use syntax::{parse, SyntaxError};

use crate::diag::{Diagnostic, Located};
use crate::model::{SourceFile, World};
use std::path::Path;
use std::sync::Arc;

/// Reads one `.iam` file into `world`: the file is added to [`World::sources`], its accounts,
/// organisation and resource policies to the world, and every problem to
/// [`World::diagnostics`]. A file with a syntax error adds nothing but the error.
///
/// `name` is the path as the user gave it; `file(...)` documents are read relative to its
/// directory.
pub fn load(name: &str, text: Arc<str>, world: &mut World) {
    let index = world.sources.len();
    world.sources.push(SourceFile {
        name: name.to_string(),
        text: text.clone(),
    });
    match parse(&text) {
        Ok(file) => {
            let base = Path::new(name).parent().unwrap_or(Path::new(""));
            desugar::desugar(&file, index, base, world);
        }
        Err(e) => world.diagnostics.push(syntax_diagnostic(name, &text, &e)),
    }
}

/// A syntax error as a located diagnostic (code `syntax`).
pub fn syntax_diagnostic(name: &str, text: &str, error: &SyntaxError) -> Located {
    located(
        name,
        text,
        Diagnostic::error("syntax", "", error.message.clone()),
        error.span.clone(),
    )
}

/// Places a diagnostic at a byte range of a text-language file.
pub(crate) fn located(
    name: &str,
    text: &str,
    diagnostic: Diagnostic,
    span: std::ops::Range<usize>,
) -> Located {
    let start = span.start.min(text.len());
    let (line, column) = crate::json::line_column(text, start);
    Located {
        diagnostic,
        file: name.to_string(),
        line,
        column,
        offset: start,
        len: span.end.min(text.len()).saturating_sub(start),
    }
}

#[cfg(test)]
mod tests;

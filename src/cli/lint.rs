//! `iamlog lint PATH...`: validate policy documents (spec §1.4).

use super::colour::Stream;
use super::render;
use super::{Format, UsageError};
use crate::diag::{Diagnostic, Located, Severity};
use crate::lint::{infer_kind, lint_document, Origin};
use crate::policy::PolicyKind;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `lint`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files (`.json`: one document or a managed-policy record; `.jsonl`: one a line) or
    /// directories, read whole.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Read every document as this kind instead of guessing from its content.
    #[arg(long, value_enum)]
    kind: Option<PolicyKind>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Show errors only.
    #[arg(long)]
    quiet: bool,
}

/// Lints every document and prints the diagnostics; exit 2 if any is an error.
pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let files = collect_files(&args.paths)?;
    let kind = args.kind;
    let mut all: Vec<(Located, Arc<str>)> = Vec::new();
    let mut documents = 0usize;
    for file in &files {
        let text: Arc<str> = super::read_file(file)?.into();
        let name = file.display().to_string();
        let found = lint_file(&name, &text, kind, &mut documents);
        all.extend(found.into_iter().map(|d| (d, text.clone())));
    }
    if args.quiet {
        all.retain(|(d, _)| d.diagnostic.severity == Severity::Error);
    }
    let errors = all
        .iter()
        .filter(|(d, _)| d.diagnostic.severity == Severity::Error)
        .count();
    let warnings = all.len() - errors;
    match args.format {
        Format::Json => {
            let items: Vec<render::JsonDiagnostic> = all.iter().map(|(d, _)| d.into()).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&items).expect("diagnostics serialize")
            );
        }
        Format::Text => {
            for (d, source) in &all {
                print!("{}", render::text(d, source, Stream::Stdout));
            }
            eprintln!(
                "{documents} documents in {} files: {errors} errors, {warnings} warnings",
                files.len()
            );
        }
    }
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Files named, and the `.json` / `.jsonl` files under directories, in a stable order.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, UsageError> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out)?;
        } else if path.exists() {
            out.push(path.clone());
        } else {
            return Err(UsageError(format!(
                "{}: no such file or directory",
                path.display()
            )));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), UsageError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| UsageError(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "jsonl")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// Lints one file: a `.jsonl` file line by line, anything else as one JSON value.
fn lint_file(
    name: &str,
    text: &str,
    kind: Option<PolicyKind>,
    documents: &mut usize,
) -> Vec<Located> {
    if name.ends_with(".jsonl") {
        let mut out = Vec::new();
        let mut offset = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            if !line.trim().is_empty() {
                for d in lint_text(line, kind, documents) {
                    let mut located = d.locate(name, line);
                    located.line = i + 1;
                    located.offset += offset;
                    out.push(located);
                }
            }
            offset += line.len();
        }
        out
    } else {
        crate::diag::locate_all(lint_text(text, kind, documents), name, text)
    }
}

/// Diagnostics of one JSON text: a policy document, or a managed-policy record whose
/// `Document` (or `PolicyDocument`) is the policy.
fn lint_text(text: &str, kind: Option<PolicyKind>, documents: &mut usize) -> Vec<Diagnostic> {
    let value = match crate::json::parse_strict(text) {
        Ok(v) => v,
        Err(e) => {
            *documents += 1;
            return vec![Diagnostic::error(
                "invalid-json",
                "",
                format!(
                    "invalid JSON: {} (line {}, column {})",
                    e.message, e.line, e.column
                ),
            )];
        }
    };
    let record_key = ["Document", "PolicyDocument"]
        .into_iter()
        .find(|k| value.get(k).is_some_and(Value::is_object));
    let (doc, prefix) = match record_key {
        Some(key) if value.get("Statement").is_none() => (&value[key], format!("/{key}")),
        _ => (&value, String::new()),
    };
    let origin = match value.get("Arn").and_then(Value::as_str) {
        Some(arn) if arn.starts_with("arn:aws:iam::aws:policy/") => Origin::AwsManaged,
        _ => Origin::Customer,
    };
    *documents += 1;
    let kind = kind.unwrap_or_else(|| infer_kind(doc));
    lint_document(doc, kind, origin)
        .1
        .into_iter()
        .map(|d| d.under(&prefix))
        .collect()
}

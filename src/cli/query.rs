//! `iamlog query`: questions in the text language about a loaded organisation.

use super::graph::GraphFormat;
use super::UsageError;
use crate::answer::render::drawing;
use crate::answer::Analysis;
use crate::query::{parse, Query};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `query`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accounts and organisations to read (directories are read whole).
    #[arg(long = "input", value_name = "PATH", required = true)]
    inputs: Vec<PathBuf>,
    /// The account short names (`user/alice`) are looked up in first.
    #[arg(long)]
    account: Option<String>,
    /// A file of queries, one per line (`#` starts a comment).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    file: Option<PathBuf>,
    /// Queries, e.g. `can user/alice s3:GetObject on arn:aws:s3:::b/k`, `who can ACTION on
    /// RESOURCE`, `what can role/ci`, `reach user/alice`, `path user/alice -> role/admin`,
    /// `admins`, `escalations`, `external`.
    queries: Vec<String>,
    /// Output format; `dot` and `mermaid` draw `path` queries as a graph.
    #[arg(long, value_enum, default_value_t)]
    format: QueryFormat,
}

/// Output formats of `query`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum QueryFormat {
    /// For people.
    #[default]
    Text,
    /// For programs.
    Json,
    /// `path` queries as a Graphviz DOT graph.
    Dot,
    /// `path` queries as a Mermaid flowchart.
    Mermaid,
}

/// Runs `query`.
pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let mut texts: Vec<(String, String)> = args
        .queries
        .iter()
        .enumerate()
        .map(|(i, q)| (format!("query {}", i + 1), q.clone()))
        .collect();
    if let Some(file) = &args.file {
        let text = super::read_file(file)?;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if !line.is_empty() && !line.starts_with('#') {
                texts.push((format!("{}:{}", file.display(), n + 1), line.to_string()));
            }
        }
    }
    if texts.is_empty() {
        return Err(UsageError(
            "no query given (see iamlog query --help)".into(),
        ));
    }
    let mut parsed = Vec::new();
    for (place, text) in &texts {
        let query = parse(text).map_err(|e| {
            UsageError(format!(
                "{place}, column {}: {}\n  {text}\n  {}^",
                e.span.start + 1,
                e.message,
                " ".repeat(e.span.start)
            ))
        })?;
        parsed.push((text, query));
    }
    let graph_format = match args.format {
        QueryFormat::Dot => Some(GraphFormat::Dot),
        QueryFormat::Mermaid => Some(GraphFormat::Mermaid),
        _ => None,
    };
    if graph_format.is_some() {
        if let Some((text, _)) = parsed
            .iter()
            .find(|(_, q)| !matches!(q, Query::Path { .. }))
        {
            return Err(UsageError(format!(
                "{text}: --format dot and mermaid draw `path` queries only"
            )));
        }
    }
    let world = super::load_world(&args.inputs)?;
    let analysis = super::analyse(world)?;
    if let Some(format) = graph_format {
        print!(
            "{}",
            format.write(&draw_paths(&analysis, &parsed, args.account.as_deref())?)
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut answers = Vec::new();
    for (text, query) in parsed {
        let answer = answer(&analysis, &query, args.account.as_deref())
            .map_err(|e| UsageError(format!("{text}: {e}")))?;
        answers.push((text, answer));
    }
    match args.format {
        QueryFormat::Json => {
            let all: Vec<Value> = answers
                .into_iter()
                .map(|(q, a)| json!({"query": q, "answer": a}))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&all).expect("serialisable")
            );
        }
        QueryFormat::Text | QueryFormat::Dot | QueryFormat::Mermaid => {
            for (q, a) in answers {
                println!("> {q}");
                print!("{}", to_text(&a));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The `path` queries as one drawing.
fn draw_paths(
    analysis: &Analysis,
    queries: &[(&String, Query)],
    account: Option<&str>,
) -> Result<drawing::Drawing, UsageError> {
    let mut found = Vec::new();
    for (text, query) in queries {
        if let Query::Path { from, to } = query {
            let resolve = |name: &str| {
                analysis
                    .resolve(name, account)
                    .map_err(|e| UsageError(format!("{text}: {e}")))
            };
            let (from, to) = (resolve(&from.value)?, resolve(&to.value)?);
            found.push((from, to, analysis.path(from, to)));
        }
    }
    let paths: Vec<_> = found
        .iter()
        .map(|(from, to, steps)| (*from, *to, steps.as_deref()))
        .collect();
    Ok(drawing::paths(analysis, &paths))
}

/// The answer to one query as JSON.
pub fn answer(analysis: &Analysis, query: &Query, account: Option<&str>) -> Result<Value, String> {
    let resolve = |name: &str| analysis.resolve(name, account);
    Ok(match query {
        Query::Can {
            principal,
            action,
            resource,
            context,
        } => {
            if !context.is_empty() {
                return Err("`with` context is supported by `iamlog check`; `query` answers for every context".into());
            }
            let p = resolve(&principal.value)?;
            let resource = expand_resource(analysis, &resource.value, account)?;
            let (may, must) = analysis
                .can(p, &action.value, &resource)
                .ok_or("the principal is not in the input")?;
            json!({
                "decision": may.outcome.to_string(),
                "conditional": may.outcome == crate::policy::Outcome::Allow && must.outcome != crate::policy::Outcome::Allow,
                "statements": may.statements,
                "blocked_by": may.blocked_by,
            })
        }
        Query::WhoCan { action, resource } => {
            let resource = expand_resource(analysis, &resource.value, account)?;
            json!(analysis.who_can(&action.value, &resource))
        }
        Query::WhatCan { principal } => json!(analysis.what_can(resolve(&principal.value)?)),
        Query::Reach { principal } => json!(analysis.reachable(resolve(&principal.value)?)),
        Query::Path { from, to } => {
            let (from, to) = (resolve(&from.value)?, resolve(&to.value)?);
            json!(analysis.path(from, to))
        }
        Query::Admins => json!(analysis.admins()),
        Query::Escalations => {
            let all: Vec<Value> = analysis
                .escalations()
                .into_iter()
                .map(|(arn, e)| json!({"principal": arn, "conditional": e.conditional, "path": e.path}))
                .collect();
            json!(all)
        }
        Query::External => json!(analysis.external_access()),
    })
}

/// `role/deploy` as a resource: the ARN of that principal; anything else as given.
fn expand_resource(
    analysis: &Analysis,
    text: &str,
    account: Option<&str>,
) -> Result<String, String> {
    if text.starts_with("user/") || text.starts_with("role/") {
        let id = analysis.resolve(text, account)?;
        return Ok(analysis.arn(id).to_string());
    }
    Ok(text.to_string())
}

/// A JSON answer as indented text lines.
fn to_text(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Array(items) if items.is_empty() => out.push_str("  (none)\n"),
        Value::Array(items) => {
            for item in items {
                out.push_str(&format!("  {}\n", one_line(item)));
            }
        }
        Value::Null => out.push_str("  (none)\n"),
        other => out.push_str(&format!("  {}\n", one_line(other))),
    }
    out
}

fn one_line(value: &Value) -> String {
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}: {s}"),
                Value::Array(a) if a.iter().all(|x| x.is_object()) => {
                    let parts: Vec<String> = a.iter().map(one_line).collect();
                    format!("{k}: [{}]", parts.join("; "))
                }
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

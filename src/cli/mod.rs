//! The command-line front end: argument parsing and output formats.
//!
//! Exit codes: 0 success, 1 a `--fail-on` condition held, 2 bad input or usage.

mod analyze;
mod check;
pub mod colour;
mod diff;
mod fmt;
mod graph;
mod lint;
mod ls;
mod progress;
mod query;
mod render;
mod simulate;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// Exact, fast answers to AWS IAM questions.
#[derive(Debug, Parser)]
#[command(name = "iamlog", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// For people.
    #[default]
    Text,
    /// For programs.
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decide self-contained request cases (the differential oracle's format).
    Simulate(simulate::Args),
    /// Validate policy documents and print diagnostics; exit 2 if any is an error.
    Lint(lint::Args),
    /// Decide one request, with the statements that decide it.
    Check(Box<check::Args>),
    /// List the users, groups, roles or policies of the input.
    Ls(ls::Args),
    /// Print the input as get-account-authorization-details JSON or as `.iam` text.
    Fmt(fmt::Args),
    /// Ask questions of an organisation: can, who can, what can, reach, path, admins, escalations.
    Query(query::Args),
    /// The whole-organisation report: administrators, escalation paths, external and
    /// cross-account access.
    Analyze(analyze::Args),
    /// Access gained and lost between two snapshots; `--fail-on` for CI.
    Diff(diff::Args),
}

/// A failure that ends the command with exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Simulate(args) => simulate::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Check(args) => check::run(*args),
        Command::Ls(args) => ls::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Query(args) => query::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Diff(args) => diff::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Loads `--input` paths; errors in the input are printed to standard error and kept in the
/// world (answers say they are incomplete), but a file that cannot be read at all ends the run.
pub fn load_world(paths: &[std::path::PathBuf]) -> Result<crate::model::World, UsageError> {
    let bar = progress::bytes();
    let mut report = |p: &crate::model::Progress| {
        if let Some(bar) = &bar {
            bar.set_length(p.total);
            bar.set_position(p.done);
            match &p.file {
                Some(f) => bar.set_message(format!("loading {}", f.display())),
                None => bar.finish_and_clear(),
            }
        }
    };
    let world =
        crate::model::load_paths_with(paths, &mut report).map_err(|e| UsageError(e.to_string()))?;
    for d in &world.diagnostics {
        if d.diagnostic.severity == crate::diag::Severity::Error {
            eprintln!("{d}");
        }
    }
    Ok(world)
}

/// Compiles and derives `world` within the fact limits, with a spinner on a terminal.
pub fn analyse(world: crate::model::World) -> Result<crate::answer::Analysis, UsageError> {
    progress::during("compiling and deriving", || {
        crate::answer::Analysis::bounded(world)
    })
    .map_err(UsageError)
}

/// Reads a file, naming it in the error (refused over the input size limit, or if not UTF-8).
pub fn read_file(path: &std::path::Path) -> Result<String, UsageError> {
    crate::model::read_input(path).map_err(|e| UsageError(e.0))
}

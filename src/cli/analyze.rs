//! `iamlog analyze`: the whole-organisation report.

use super::{Format, UsageError};
use crate::answer::Analysis;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accounts and organisations to read (directories are read whole).
    #[arg(long = "input", value_name = "PATH", required = true)]
    inputs: Vec<PathBuf>,
    /// Show, for each escalation step, the statements and the conditions behind it.
    #[arg(long)]
    explain: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Print the time each stage took to standard error.
    #[arg(long)]
    timings: bool,
}

/// Runs `analyze`.
pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let start = std::time::Instant::now();
    let lap = |stage: &str, since: std::time::Instant| {
        if args.timings {
            eprintln!("{stage}: {:.3} s", since.elapsed().as_secs_f64());
        }
        std::time::Instant::now()
    };
    let world = super::load_world(&args.inputs)?;
    let now = lap("load", start);
    let analysis = Analysis::bounded(world).map_err(UsageError)?;
    let now = lap("compile and derive", now);
    let report = analysis.report();
    lap("report", now);
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("serialisable")
        ),
        Format::Text => print!("{}", report.to_text(args.explain)),
    }
    Ok(ExitCode::SUCCESS)
}

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
    let world = super::load_world(&args.inputs)?;
    let loaded = start.elapsed();
    let analysis = Analysis::new(world);
    let derived = start.elapsed();
    let report = analysis.report();
    if args.timings {
        eprintln!(
            "load {:.3} s, compile and derive {:.3} s, report {:.3} s",
            loaded.as_secs_f64(),
            (derived - loaded).as_secs_f64(),
            (start.elapsed() - derived).as_secs_f64()
        );
    }
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("serialisable")
        ),
        Format::Text => print!("{}", report.to_text(args.explain)),
    }
    Ok(ExitCode::SUCCESS)
}

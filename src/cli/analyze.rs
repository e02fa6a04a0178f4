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
}

/// Runs `analyze`.
pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let world = super::load_world(&args.inputs)?;
    let analysis = Analysis::new(world);
    let report = analysis.report();
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("serialisable")
        ),
        Format::Text => print!("{}", report.to_text(args.explain)),
    }
    Ok(ExitCode::SUCCESS)
}

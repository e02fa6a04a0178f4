//! `iamlog analyze`: the whole-organisation report.

use super::{Format, UsageError};
use crate::answer::report::ReachList;
use crate::answer::Analysis;
use std::io::Write;
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
    /// How the JSON lists what each principal reaches: `compact` gives a class of principals
    /// reached as a whole (16 or more) as one entry; `full` lists every principal; `none`
    /// leaves the lists out.
    #[arg(long, value_enum, default_value_t)]
    reachable: ReachList,
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
    let mut now = now;
    let analysis = Analysis::new_with(world, |stage| now = lap(stage, now));
    let reach = match args.format {
        Format::Text => ReachList::None,
        _ => args.reachable,
    };
    let report = analysis.report_with(reach);
    let now = lap("report", now);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match args.format {
        Format::Json => serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
        Format::Text => out.write_all(report.to_text(args.explain).as_bytes()),
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| UsageError(format!("cannot write the report: {e}")))?;
    lap("write", now);
    Ok(ExitCode::SUCCESS)
}

//! `iamlog analyze`: the whole-organisation report.

use super::graph::GraphFormat;
use super::UsageError;
use crate::answer::render::{drawing, sarif};
use crate::answer::report::ReachList;
use crate::answer::{Analysis, Steps};
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
    /// Output format: text and JSON reports, a SARIF log of the findings, or the graph of
    /// who can act as whom as Graphviz DOT or a Mermaid flowchart.
    #[arg(long, value_enum, default_value_t)]
    format: ReportFormat,
    /// How the JSON lists what each principal reaches: `compact` gives a class of principals
    /// reached as a whole (16 or more) as one entry; `full` lists every principal; `none`
    /// leaves the lists out.
    #[arg(long, value_enum, default_value_t)]
    reachable: ReachList,
    /// Draw only part of the graph (with `--format dot` or `mermaid`).
    #[arg(long, value_enum, value_name = "PART")]
    only: Option<Only>,
    /// Print the time each stage took to standard error.
    #[arg(long)]
    timings: bool,
}

/// Output formats of `analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ReportFormat {
    /// For people.
    #[default]
    Text,
    /// For programs.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// The graph as Graphviz DOT.
    Dot,
    /// The graph as a Mermaid flowchart.
    Mermaid,
}

/// The parts of the graph `--only` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Only {
    /// The escalation paths to administrator.
    Escalation,
}

/// Runs `analyze`.
pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let graph_format = match args.format {
        ReportFormat::Dot => Some(GraphFormat::Dot),
        ReportFormat::Mermaid => Some(GraphFormat::Mermaid),
        _ => None,
    };
    if args.only.is_some() && graph_format.is_none() {
        return Err(UsageError(
            "--only draws part of the graph: use it with --format dot or --format mermaid".into(),
        ));
    }
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
    let analysis = super::progress::during("compiling and deriving", || {
        Analysis::bounded_with(world, |stage| now = lap(stage, now))
    })
    .map_err(UsageError)?;
    if let Some(format) = graph_format {
        // Drawings need no report (and none of its reachable lists).
        let drawing = match args.only {
            None => drawing::reachability(&analysis),
            Some(Only::Escalation) => drawing::escalations(&analysis, &analysis.escalations()),
        };
        print!("{}", format.write(&drawing));
        lap("drawing", now);
        return Ok(ExitCode::SUCCESS);
    }
    // Only the JSON report lists what each principal reaches.
    let reach = match args.format {
        ReportFormat::Json => args.reachable,
        _ => ReachList::None,
    };
    // The text report shows the statements behind each step only with --explain.
    let steps = match args.format {
        ReportFormat::Text if !args.explain => Steps::Named,
        _ => Steps::Explained,
    };
    let report = super::progress::during("building the report", || {
        analysis.report_with_steps(reach, steps)
    });
    let now = lap("report", now);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = match args.format {
        ReportFormat::Json => serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
        ReportFormat::Sarif => {
            serde_json::to_writer_pretty(&mut out, &sarif::to_sarif(&analysis, &report))
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        }
        ReportFormat::Text | ReportFormat::Dot | ReportFormat::Mermaid => {
            out.write_all(report.to_text(args.explain).as_bytes())
        }
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| UsageError(format!("cannot write the report: {e}")))?;
    lap("write", now);
    // The process ends here: freeing the analysis' millions of small allocations one by one
    // would cost more than the report's writing (25 ms of 1 s at 5,000 users).
    std::mem::forget(report);
    std::mem::forget(analysis);
    Ok(ExitCode::SUCCESS)
}

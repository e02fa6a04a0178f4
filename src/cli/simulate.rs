//! `iamlog simulate --cases FILE`: decide the oracle's self-contained cases.

use super::{read_file, UsageError};
use crate::simulate;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A JSON array of cases, or {"cases": [...]} ("-" reads standard input).
    #[arg(long)]
    cases: PathBuf,
    /// Add each decision's deciding statements and blocking guardrail.
    #[arg(long)]
    explain: bool,
}

/// Prints one JSON result per case, in order.
pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    // Standard input is read within the input size limit, as a file is.
    let text = if args.cases.as_os_str() == "-" {
        crate::model::read_stdin().map_err(|e| UsageError(e.0))?
    } else {
        read_file(&args.cases)?
    };
    let name = args.cases.display();
    let value = crate::json::parse_strict(&text)
        .map_err(|e| UsageError(format!("{name}: invalid JSON: {e}")))?;
    let cases = simulate::cases(&value).map_err(|e| UsageError(format!("{name}: {e}")))?;
    let results: Vec<_> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| simulate::run(c, i, args.explain))
        .collect();
    // A case over a limit was not read: the run is refused, not answered in part.
    if let Some(e) = results
        .iter()
        .filter_map(|r| r.error.as_deref())
        .find(|e| e.contains("more than the limit of"))
    {
        return Err(UsageError(format!("{name}: {e}")));
    }
    let out = serde_json::to_string_pretty(&results).expect("results serialize");
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

//! `iamlog diff`: access gained and lost between two snapshots, with `--fail-on` for CI.

use super::colour::{self, Stream};
use super::{progress, Format, UsageError};
use crate::answer::diff::{diff_with, Diff};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The snapshot before the change (files and directories, read whole).
    #[arg(long = "before", value_name = "PATH", required = true, num_args = 1..)]
    before: Vec<PathBuf>,
    /// The snapshot after the change.
    #[arg(long = "after", value_name = "PATH", required = true, num_args = 1..)]
    after: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Exit 1 when the diff holds such a change: `new-access` (anything gained),
    /// `new-escalation` (a new administrator or way to become one), `any` (any change).
    #[arg(long, value_enum, value_name = "WHAT")]
    fail_on: Option<FailOn>,
}

/// The changes that fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any access gained: administrators, escalations, outside access, reach, permissions.
    NewAccess,
    /// A new administrator, or a new or shorter way to become one.
    NewEscalation,
    /// Any change, gained or lost.
    Any,
}

impl FailOn {
    /// Does `diff` hold a change of this kind?
    fn matches(self, diff: &Diff) -> bool {
        match self {
            FailOn::NewAccess => diff.gains_access(),
            FailOn::NewEscalation => diff.gains_escalation(),
            FailOn::Any => !diff.is_empty(),
        }
    }
}

/// Runs `diff`.
pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let before = super::analyse(super::load_world(&args.before)?)?;
    let after = super::analyse(super::load_world(&args.after)?)?;
    let bar = progress::items(0, "");
    let diff = diff_with(&before, &after, &mut |stage, done, total| {
        if let Some(bar) = &bar {
            bar.set_message(stage.to_string());
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&diff).expect("serialisable")
        ),
        Format::Text => print!("{}", diff.to_text(colour::enabled(Stream::Stdout))),
    }
    Ok(match args.fail_on {
        Some(fail_on) if fail_on.matches(&diff) => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

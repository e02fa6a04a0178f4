//! Prints every way to become an administrator in an organisation, step by step, with the
//! statements behind each step.
//!
//! ```sh
//! cargo run --example escalations                        # examples/org
//! cargo run --example escalations -- examples/diff/after # any files or directories
//! ```

use iamlog::answer::Analysis;
use iamlog::diag::Severity;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        paths.push(PathBuf::from("examples/org"));
    }
    let world = match iamlog::model::load_paths(&paths) {
        Ok(world) => world,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // Problems in the input are diagnostics with a file and place; answers go on without
    // what could not be read.
    for d in &world.diagnostics {
        if d.diagnostic.severity == Severity::Error {
            eprintln!("{d}");
        }
    }
    let analysis = Analysis::new(world);

    for admin in analysis.admins() {
        let how = if admin.conditional {
            " (under conditions)"
        } else {
            ""
        };
        println!("{} is an administrator{how}", admin.arn);
    }
    let escalations = analysis.escalations();
    if escalations.is_empty() {
        println!("no other principal can become an administrator");
    }
    for (principal, escalation) in escalations {
        println!(
            "\n{principal} can become an administrator in {} step{}{}",
            escalation.path.len(),
            if escalation.path.len() == 1 { "" } else { "s" },
            if escalation.conditional {
                ", under conditions"
            } else {
                ""
            }
        );
        for step in &escalation.path {
            for line in step.explained_lines("  ") {
                println!("{line}");
            }
        }
    }
    ExitCode::SUCCESS
}

//! `iamlog fmt --to json|iam PATH...`: print the loaded model as JSON or as text.
//!
//! `--to json` prints a JSON array with one `get-account-authorization-details` object per
//! account, then `{"ResourcePolicies": [...]}` if there are resource policies, then the
//! organisation file (`{"DescribeOrganization": ..., "ListRoots": ..., ...}`) if there is an
//! organisation. `--account ID` prints that account's object alone. `--out DIR` writes each
//! of them to a file of its own (`DIR/ACCOUNT.json`, `DIR/resource-policies.json`,
//! `DIR/organization.json`), which `--input DIR` loads back to the same model.
//!
//! `--to iam` prints the model as an `.iam` file (`--out DIR`: `ACCOUNT.iam` per account,
//! `resources.iam`, `organization.iam`).
//!
//! Diagnostics go to standard error. A syntax error stops the command; other errors are
//! reported, the model is printed as far as it was read, and the exit code is 2.

use super::colour::Stream;
use super::render;
use super::{Format, UsageError};
use crate::diag::{Located, Severity};
use crate::lang::print::Printer;
use crate::model::export::{to_pretty, Exporter};
use crate::model::World;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Inputs: `.iam` files, get-account-authorization-details JSON, resource-policy files, or
    /// directories of them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// What to print.
    #[arg(long, value_enum)]
    to: Target,
    /// Print only this account.
    #[arg(long)]
    account: Option<String>,
    /// Write one file per account (and the resource policies and organisation) into this
    /// directory instead of printing.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Format of the diagnostics on standard error.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The output language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// `get-account-authorization-details` JSON (with decoded documents).
    Json,
    /// The iamlog text language.
    Iam,
}

/// Loads the inputs and prints or writes them.
pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let world = crate::model::load_paths(&args.paths).map_err(|e| UsageError(e.to_string()))?;
    report(&world, args.format);
    if world
        .diagnostics
        .iter()
        .any(|d| d.diagnostic.code == "syntax")
    {
        return Ok(ExitCode::from(2));
    }
    if let Some(id) = &args.account {
        if world.account(id).is_none() {
            return Err(UsageError(format!("account {id} is not in the input")));
        }
    }
    match &args.out {
        Some(dir) => write_files(&world, &args, dir)?,
        None => print!(
            "{}",
            render_output(&world, args.to, args.account.as_deref())
        ),
    }
    let failed = world
        .diagnostics
        .iter()
        .any(|d| d.diagnostic.severity == Severity::Error);
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// What `fmt` prints to standard output.
pub fn render_output(world: &World, to: Target, account: Option<&str>) -> String {
    match to {
        Target::Json => {
            let exporter = Exporter::new(world);
            if let Some(id) = account {
                let a = world.account(id).expect("checked by the caller");
                return format!("{}\n", to_pretty(&exporter.account(a)));
            }
            let mut items: Vec<Value> =
                world.accounts.iter().map(|a| exporter.account(a)).collect();
            items.extend(exporter.resource_policies());
            items.extend(exporter.organization());
            format!("{}\n", to_pretty(&Value::Array(items)))
        }
        Target::Iam => match account {
            Some(id) => {
                let a = world.account(id).expect("checked by the caller");
                Printer::new(world).account(a)
            }
            None => crate::lang::to_text(world),
        },
    }
}

fn write_files(world: &World, args: &Args, dir: &Path) -> Result<(), UsageError> {
    std::fs::create_dir_all(dir).map_err(|e| UsageError(format!("{}: {e}", dir.display())))?;
    let write = |name: &str, text: String| -> Result<(), UsageError> {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
        eprintln!("wrote {}", path.display());
        Ok(())
    };
    let accounts = world
        .accounts
        .iter()
        .filter(|a| args.account.as_ref().is_none_or(|id| *id == a.id));
    let exporter = Exporter::new(world);
    let printer = Printer::new(world);
    match args.to {
        Target::Json => {
            for a in accounts {
                write(
                    &format!("{}.json", a.id),
                    format!("{}\n", to_pretty(&exporter.account(a))),
                )?;
            }
            if let Some(rp) = exporter.resource_policies() {
                write("resource-policies.json", format!("{}\n", to_pretty(&rp)))?;
            }
            if let Some(org) = exporter.organization() {
                write("organization.json", format!("{}\n", to_pretty(&org)))?;
            }
        }
        Target::Iam => {
            for a in accounts {
                write(&format!("{}.iam", a.id), printer.account(a))?;
            }
            let loose = printer.loose_resources();
            if !loose.is_empty() {
                write("resources.iam", loose)?;
            }
            if let Some(org) = &world.organization {
                write("organization.iam", printer.organization(org))?;
            }
        }
    }
    Ok(())
}

/// Prints the diagnostics of the load on standard error.
fn report(world: &World, format: Format) {
    match format {
        Format::Json => {
            let items: Vec<render::JsonDiagnostic> = world
                .diagnostics
                .iter()
                .map(render::JsonDiagnostic::from)
                .collect();
            if !items.is_empty() {
                eprintln!(
                    "{}",
                    serde_json::to_string_pretty(&items).expect("diagnostics serialise")
                );
            }
        }
        Format::Text => {
            for d in &world.diagnostics {
                eprint!("{}", rendered(world, d));
            }
        }
    }
}

/// One diagnostic as a miette report over its file's text.
pub fn rendered(world: &World, d: &Located) -> String {
    match world.sources.iter().find(|s| s.name == d.file) {
        Some(source) => render::text(d, &source.text, Stream::Stderr),
        None => format!("{d}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small account: a user in a group, a role with a trust line and an instance profile,
    /// a managed policy with a condition, and a bucket policy.
    const SMALL: &str = r#"account 111111111111 "shared" {
  user alice in developers { tag team = "blue"; mfa; access-keys 1; }
  group developers { attach aws:ReadOnlyAccess; }
  role deployer {
    trust user alice;
    trust service ec2.amazonaws.com;
    attach deploy;
    instance-profile deployer;
  }
  policy deploy {
    allow ecs:*, ecr:Get* on *;
    allow iam:PassRole on role/app-* when iam:PassedToService == "ecs-tasks.amazonaws.com";
    deny iam:* on * when aws:MultiFactorAuthPresent == false;
  }
  resource arn:aws:s3:::logs {
    allow s3:GetObject on arn:aws:s3:::logs/* to account 222222222222;
  }
}
"#;

    fn load(name: &str, text: &str) -> World {
        let mut world = World::default();
        crate::model::load_text(name, text.into(), &mut world).unwrap();
        crate::model::authdetails::resolve(&mut world);
        world
    }

    fn diagnostics(world: &World) -> String {
        world
            .diagnostics
            .iter()
            .map(|d| {
                let source = world.sources.iter().find(|s| s.name == d.file).unwrap();
                render::plain_text(d, &source.text)
            })
            .collect()
    }

    #[test]
    fn fmt_to_json_prints_authorization_details() {
        let world = load("small.iam", SMALL);
        assert_eq!(diagnostics(&world), "");
        insta::assert_snapshot!("fmt_json_small", render_output(&world, Target::Json, None));
    }

    #[test]
    fn fmt_to_iam_prints_the_text_again() {
        let world = load("small.iam", SMALL);
        insta::assert_snapshot!("fmt_iam_small", render_output(&world, Target::Iam, None));
    }

    #[test]
    fn syntax_and_reference_errors_render_with_the_span_underlined() {
        let cases = [
            "account 111111111111 {\n  policy p {\n    allow s3:GetObject arn:aws:s3:::b/*;\n  }\n}\n",
            "account 111111111111 {\n  user owner;\n}\n",
            "account 111111111111 {\n  user alice in developer;\n  group developers;\n}\n",
            "account 111111111111 {\n  policy p {\n    allow s3:* on * when aws:SourceIp in 10.0.0.0/8 and aws:SourceIp in 10.1.0.0/16;\n  }\n}\n",
        ];
        let rendered: Vec<String> = cases
            .iter()
            .map(|text| diagnostics(&load("broken.iam", text)))
            .collect();
        insta::assert_snapshot!("errors_rendered", rendered.join("\n"));
    }
}

//! `iamlog ls users|groups|roles|policies`: list what the input holds, offline.

use super::{Format, UsageError};
use crate::model::{Account, World};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `ls`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to list.
    #[arg(value_enum)]
    what: What,
    /// Accounts and organisations to read (directories are read whole).
    #[arg(long = "input", value_name = "PATH", required = true)]
    inputs: Vec<PathBuf>,
    /// For policies: customer managed (`local`), AWS managed (`aws`), or both (default).
    #[arg(long, value_enum)]
    scope: Option<Scope>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The entity kinds `ls` lists.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum What {
    Users,
    Groups,
    Roles,
    Policies,
}

/// `--scope` as in `aws iam list-policies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Scope {
    Local,
    Aws,
}

/// One listed entity.
#[derive(Debug, Serialize)]
pub struct Row {
    account: String,
    name: String,
    arn: String,
    /// Groups of a user, policies attached, trust principals... in a few words.
    detail: String,
}

/// Lists the entities of every account.
pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let world = super::load_world(&args.inputs)?;
    let rows = rows(&world, args.what, args.scope);
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&rows).expect("rows serialize")
        ),
        Format::Text => {
            for r in &rows {
                println!("{}  {}  {}", r.account, r.arn, r.detail);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn rows(world: &World, what: What, scope: Option<Scope>) -> Vec<Row> {
    let mut out = Vec::new();
    for a in &world.accounts {
        let row = |name: &str, arn: &str, detail: String| Row {
            account: a.id.clone(),
            name: name.into(),
            arn: arn.into(),
            detail,
        };
        let members = match what {
            What::Groups => member_counts(a),
            _ => HashMap::default(),
        };
        match what {
            What::Users => out.extend(a.users.iter().map(|u| {
                row(
                    &u.name,
                    &u.arn,
                    format!(
                        "groups: [{}], attached: {}, inline: {}",
                        u.groups.join(", "),
                        u.attached.len(),
                        u.inline.len()
                    ),
                )
            })),
            What::Groups => out.extend(a.groups.iter().map(|g| {
                let members = members.get(g.name.as_str()).copied().unwrap_or(0);
                row(
                    &g.name,
                    &g.arn,
                    format!(
                        "members: {members}, attached: {}, inline: {}",
                        g.attached.len(),
                        g.inline.len()
                    ),
                )
            })),
            What::Roles => out.extend(a.roles.iter().map(|r| {
                let kind = if r.is_service_linked() {
                    "service-linked, "
                } else {
                    ""
                };
                row(
                    &r.name,
                    &r.arn,
                    format!(
                        "{kind}attached: {}, inline: {}, instance profiles: {}",
                        r.attached.len(),
                        r.inline.len(),
                        r.instance_profiles.len()
                    ),
                )
            })),
            What::Policies => out.extend(
                a.policies
                    .iter()
                    .filter(|p| match scope {
                        Some(Scope::Aws) => p.is_aws_managed(),
                        Some(Scope::Local) => !p.is_aws_managed(),
                        None => true,
                    })
                    .map(|p| {
                        let default = p.default_version().map_or("none", |v| v.id.as_str());
                        row(
                            &p.name,
                            &p.arn,
                            format!("default version: {default}, versions: {}", p.versions.len()),
                        )
                    }),
            ),
        }
    }
    out
}

/// How many users of the account are in each group, by group name, in one pass over the
/// users (a user listed twice in a group counts once).
fn member_counts(account: &Account) -> HashMap<&str, usize> {
    let mut counts = HashMap::default();
    for u in &account.users {
        for (i, group) in u.groups.iter().enumerate() {
            if !u.groups[..i].contains(group) {
                *counts.entry(group.as_str()).or_insert(0) += 1;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(text: &str) -> World {
        let mut world = World::default();
        crate::model::load_text("t.iam", text.into(), &mut world).unwrap();
        crate::model::authdetails::resolve(&mut world);
        world
    }

    #[test]
    fn groups_list_their_member_counts() {
        let world = world(
            "account 111111111111 {
  user u in g, g, h;
  user v in g;
  user w;
  group g;
  group h;
  group empty;
}
",
        );
        let details: Vec<(String, String)> = rows(&world, What::Groups, None)
            .into_iter()
            .map(|r| (r.name, r.detail))
            .collect();
        let members = |name: &str| {
            details
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, d)| d.split(',').next().unwrap().to_string())
        };
        assert_eq!(members("g").as_deref(), Some("members: 2"));
        assert_eq!(members("h").as_deref(), Some("members: 1"));
        assert_eq!(members("empty").as_deref(), Some("members: 0"));
    }
}

//! What every loader target does after loading: resolve references, then run what the commands
//! run on a loaded world (`ls`/snapshots, `check --input`, `fmt --to json|iam`), so that a
//! world that loads but breaks a later step is found too.

#![allow(dead_code)]

use iamlog::model::World;
use iamlog::policy::{decide, Caller};
use std::sync::Arc;

/// Loads `text` as a JSON input file the way `--input` does, then exercises the world.
pub fn load_json(text: &str) {
    let mut world = World::default();
    if iamlog::model::load_text("fuzz.json", Arc::from(text), &mut world).is_err() {
        return;
    }
    exercise(world);
}

/// Resolves and exercises a loaded world.
pub fn exercise(mut world: World) {
    iamlog::model::authdetails::resolve(&mut world);
    iamlog::model::organizations::resolve(&mut world);
    for d in &world.diagnostics {
        let _ = d.to_string();
    }
    let _ = world.summary();
    // `check --input`: a few principals of the input, asking for a few actions on a few
    // resources (kept small: every view copies the policies that apply).
    let mut callers = vec![Caller::Anonymous];
    if let Some(a) = world.accounts.first() {
        callers.extend(a.users.first().and_then(|u| Caller::parse(&u.arn).ok()));
        callers.extend(a.roles.first().and_then(|r| Caller::parse(&r.arn).ok()));
        callers.extend(Caller::parse(&a.id).ok());
    }
    let mut resources: Vec<String> = vec!["*".into()];
    resources.extend(
        world
            .accounts
            .iter()
            .flat_map(|a| a.roles.first())
            .next()
            .map(|r| r.arn.clone()),
    );
    resources.extend(world.resource_policies.first().map(|r| r.arn.clone()));
    for caller in &callers {
        for action in ["s3:GetObject", "sts:AssumeRole", "iam:PassRole"] {
            for resource in &resources {
                let view = world.view(caller, action, resource, None);
                let request = iamlog::policy::Request {
                    caller: caller.clone(),
                    action: action.into(),
                    resource: resource.clone(),
                    resource_account: Some("111111111111".into()),
                    context: view.context.clone(),
                    wildcard_only: false,
                };
                let _ = decide(&request, &view.policies);
            }
        }
    }
    // `fmt --to json` and `fmt --to iam`.
    let exporter = iamlog::model::export::Exporter::new(&world);
    for a in &world.accounts {
        let _ = iamlog::model::export::to_pretty(&exporter.account(a));
    }
    let _ = exporter.resource_policies();
    let _ = exporter.organization();
    let _ = iamlog::lang::to_text(&world);
}

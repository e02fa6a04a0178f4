//! `iamlog check`: decide one request against loose policy files.

use super::colour::Stream;
use super::{render, Format, UsageError};
use crate::catalog::Catalog;
use crate::diag::Severity;
use crate::policy::{
    decide, Caller, Context, ContextValue, Decision, Policy, PolicyKind, PolicySet, Request, Source,
};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accounts and organisations to decide against: get-account-authorization-details
    /// output, organization data, resource-policy files (directories are read whole). The
    /// principal's policies, boundary, SCPs, the resource's policy and RCPs come from here.
    #[arg(long = "input", value_name = "PATH", conflicts_with_all = ["policies", "boundary", "session_policy", "resource_policy", "scps", "rcps"])]
    inputs: Vec<PathBuf>,
    /// Identity policy files of the principal (its own, its groups', its role's).
    #[arg(long = "policy", value_name = "FILE")]
    policies: Vec<PathBuf>,
    /// The principal's permissions boundary.
    #[arg(long, value_name = "FILE")]
    boundary: Option<PathBuf>,
    /// The session policy of a role or federated session.
    #[arg(long, value_name = "FILE")]
    session_policy: Option<PathBuf>,
    /// The resource's policy (for `sts:AssumeRole*`, the role's trust policy).
    #[arg(long, value_name = "FILE")]
    resource_policy: Option<PathBuf>,
    /// SCPs of the principal's account, one file per level from the organisation root down.
    #[arg(long = "scp", value_name = "FILE")]
    scps: Vec<PathBuf>,
    /// RCPs of the resource's account, one file per level from the root down (AWS's
    /// RCPFullAWSAccess is added to every level, as AWS attaches it).
    #[arg(long = "rcp", value_name = "FILE")]
    rcps: Vec<PathBuf>,
    /// The caller: a user, role, assumed-role session, federated-user or root ARN, an account
    /// ID (its root user), a service principal, or `anonymous`.
    #[arg(long)]
    principal: String,
    /// The action, `service:Action`.
    #[arg(long)]
    action: String,
    /// The resource ARN (`*` for actions without resource types). Wildcards ask whether some
    /// matching resource is allowed.
    #[arg(long)]
    resource: String,
    /// The account that owns the resource, when its ARN has none (S3).
    #[arg(long)]
    resource_account: Option<String>,
    /// A request context key, `KEY=VALUE`; repeat a key for a multivalued key.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// A loaded policy file: its name and text, for locating statements in answers.
struct Loaded {
    file: String,
    text: Arc<str>,
}

/// One deciding statement, located in its file.
#[derive(Debug, Serialize)]
struct JsonStatement {
    source: Source,
    file: String,
    pointer: String,
    line: usize,
    column: usize,
    sid: Option<String>,
    effect: &'static str,
}

/// The JSON answer of `check`.
#[derive(Debug, Serialize)]
struct Answer {
    decision: String,
    statements: Vec<JsonStatement>,
    blocked_by: Option<crate::policy::Blocker>,
    context: std::collections::BTreeMap<String, serde_json::Value>,
    /// Why the answer may be incomplete (input the model lacks); empty if it is complete.
    incomplete: Vec<String>,
    /// What the decision could not see (condition keys the request does not set, keys and
    /// actions the catalog does not know); empty if nothing was left open.
    undecided: Vec<String>,
    /// True when the decision is `Allow` only because policies the input lacks (listed under
    /// `incomplete`) are taken to allow anything: AWS's answer rests on what they hold.
    conditional: bool,
    /// When `conditional`: the decision of the policies the input holds alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    known_decision: Option<String>,
}

/// Decides the request and prints the decision with its deciding statements.
pub fn run(args: Args) -> Result<ExitCode, UsageError> {
    let caller = if args.principal.eq_ignore_ascii_case("anonymous") {
        Caller::Anonymous
    } else {
        Caller::parse(&args.principal).map_err(|e| UsageError(format!("--principal: {e}")))?
    };
    if !args.action.contains(':') {
        return Err(UsageError(format!(
            "--action: \"{}\" is not \"service:Action\"",
            args.action
        )));
    }
    if !args.inputs.is_empty() {
        return run_on_inputs(&args, caller);
    }
    let mut files: Vec<Loaded> = Vec::new();
    let mut load = |path: &Path, kind: PolicyKind| -> Result<(Policy, usize), UsageError> {
        let text: Arc<str> = super::read_file(path)?.into();
        let file = path.display().to_string();
        let parsed = Policy::from_text(&text, kind);
        let errors: Vec<_> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect();
        if let Some(first) = errors.first() {
            for d in &errors {
                eprint!(
                    "{}",
                    render::text(&d.clone().locate(&file, &text), &text, Stream::Stderr)
                );
            }
            let located = first.clone().locate(&file, &text);
            return Err(UsageError(format!(
                "{}:{}:{}: {} ({} errors in all)",
                located.file,
                located.line,
                located.column,
                first.message,
                errors.len()
            )));
        }
        files.push(Loaded { file, text });
        Ok((
            parsed.policy.expect("a policy without errors"),
            files.len() - 1,
        ))
    };
    let mut index: Vec<(Source, usize, usize)> = Vec::new(); // (source, policy index, file)
    let mut set = PolicySet::default();
    for (i, p) in args.policies.iter().enumerate() {
        let (policy, f) = load(p, PolicyKind::Identity)?;
        set.identity.push(policy.into());
        index.push((Source::Identity, i, f));
    }
    if let Some(p) = &args.boundary {
        let (policy, f) = load(p, PolicyKind::Boundary)?;
        set.boundaries.push(policy.into());
        index.push((Source::Boundary, 0, f));
    }
    if let Some(p) = &args.session_policy {
        let (policy, f) = load(p, PolicyKind::Session)?;
        set.session = Some(policy);
        index.push((Source::Session, 0, f));
    }
    let trust = args
        .action
        .to_ascii_lowercase()
        .starts_with("sts:assumerole");
    if let Some(p) = &args.resource_policy {
        let (policy, f) = load(
            p,
            if trust {
                PolicyKind::Trust
            } else {
                PolicyKind::Resource
            },
        )?;
        set.resource = Some(policy.into());
        index.push((Source::Resource, 0, f));
    }
    for (level, p) in args.scps.iter().enumerate() {
        let (policy, f) = load(p, PolicyKind::Scp)?;
        set.scps.push(vec![policy.into()]);
        index.push((Source::Scp(level), 0, f));
    }
    for (level, p) in args.rcps.iter().enumerate() {
        let (policy, f) = load(p, PolicyKind::Rcp)?;
        set.rcps.push(vec![
            policy.into(),
            crate::simulate::rcp_full_aws_access().into(),
        ]);
        index.push((Source::Rcp(level), 0, f));
    }

    let context = build_context(
        &args.context,
        &caller,
        args.resource_account.as_deref(),
        &args.resource,
    )?;
    let wildcard_only = Catalog::bundled()
        .is_wildcard_only(&args.action)
        .unwrap_or(false)
        && args.resource == "*";
    let request = Request {
        caller,
        action: args.action.clone(),
        resource: args.resource.clone(),
        resource_account: args.resource_account.clone(),
        context,
        wildcard_only,
    };
    if request.owner().is_none() {
        return Err(UsageError(format!(
            "--resource-account is needed: \"{}\" names no account",
            args.resource
        )));
    }
    let decision = decide(&request, &set);
    let locate = |source: Source, policy: usize, pointer: &str| {
        let file = index
            .iter()
            .find(|(s, p, _)| *s == source && *p == policy)
            .map(|(_, _, f)| &files[*f])?;
        let loc = crate::json::locate(&file.text, pointer);
        Some((
            file.file.clone(),
            pointer.to_string(),
            loc.map_or(1, |l| l.line),
            loc.map_or(1, |l| l.column),
        ))
    };
    let mut answer = answer(&decision, &request.context, &locate, Vec::new());
    answer.undecided = crate::undecided::reasons(&request, &set);
    print_answer(&answer, args.format);
    Ok(ExitCode::SUCCESS)
}

/// The caller's `--context` plus the keys AWS fills in from the principal itself.
fn build_context(
    pairs: &[String],
    caller: &Caller,
    owner: Option<&str>,
    resource: &str,
) -> Result<Context, UsageError> {
    let mut given: Vec<(String, Vec<String>)> = Vec::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| UsageError(format!("--context \"{pair}\": expected KEY=VALUE")))?;
        match given.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
            Some((_, values)) => values.push(value.to_string()),
            None => given.push((key.to_string(), vec![value.to_string()])),
        }
    }
    let mut context = Context::new();
    for (key, mut values) in given {
        let multivalued = Catalog::bundled()
            .condition_key_type(&key)
            .is_some_and(|t| t.multivalued);
        let value = if values.len() == 1 && !multivalued {
            ContextValue::Single(values.remove(0))
        } else {
            ContextValue::Multi(values)
        };
        context.insert(&key, value);
    }
    for (key, value) in caller.context_keys() {
        context.insert_default(key, ContextValue::Single(value));
    }
    let owner = owner.map(str::to_string).or_else(|| {
        crate::policy::arn::Arn::parse(resource)
            .map(|a| a.account.to_string())
            .filter(|a| !a.is_empty())
    });
    if let Some(owner) = owner {
        context.insert_default("aws:ResourceAccount", ContextValue::Single(owner));
    }
    Ok(context)
}

/// Where a deciding statement is, given its document (source and index) and its pointer in
/// the document: file name, pointer in the file, line and column.
type Locator<'a> = dyn Fn(Source, usize, &str) -> Option<(String, String, usize, usize)> + 'a;

fn answer(
    decision: &Decision,
    context: &Context,
    locate: &Locator<'_>,
    incomplete: Vec<String>,
) -> Answer {
    let statements = decision
        .statements
        .iter()
        .map(|s| {
            let (file, pointer, line, column) = locate(s.source, s.policy, &s.pointer)
                .unwrap_or_else(|| ("<built-in>".to_string(), s.pointer.clone(), 1, 1));
            JsonStatement {
                source: s.source,
                file,
                pointer,
                line,
                column,
                sid: s.sid.clone(),
                effect: s.effect,
            }
        })
        .collect();
    let context = context
        .iter()
        .map(|(k, v)| {
            let value = match v {
                ContextValue::Single(s) => serde_json::Value::from(s.as_str()),
                ContextValue::Multi(vs) => serde_json::Value::from(vs.clone()),
            };
            (k.to_string(), value)
        })
        .collect();
    Answer {
        decision: decision.outcome.to_string(),
        statements,
        blocked_by: decision.blocked_by,
        context,
        incomplete,
        undecided: Vec::new(),
        conditional: false,
        known_decision: None,
    }
}

/// `check --input`: the request against a loaded organisation.
fn run_on_inputs(args: &Args, caller: Caller) -> Result<ExitCode, UsageError> {
    let world = crate::model::load_paths(&args.inputs).map_err(|e| UsageError(e.to_string()))?;
    let errors: Vec<_> = world
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.severity == Severity::Error)
        .collect();
    for d in &errors {
        eprintln!("{d}");
    }
    let view = world.view(
        &caller,
        &args.action,
        &args.resource,
        args.resource_account.as_deref(),
    );
    // The model's keys, then the principal's own, then what the user passed, which wins.
    let mut context = view.context.clone();
    for (key, value) in caller.context_keys() {
        context.insert_default(key, ContextValue::Single(value));
    }
    for (key, value) in build_context(&args.context, &Caller::Anonymous, None, "")?.iter() {
        if args.context.iter().any(|p| {
            p.split('=')
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case(key))
        }) {
            context.insert(key, value.clone());
        }
    }
    let mut incomplete = view.incomplete.clone();
    if !errors.is_empty() {
        incomplete.push(format!(
            "the input has {} errors (listed on standard error)",
            errors.len()
        ));
    }
    let owner =
        args.resource_account
            .clone()
            .or_else(|| match context.get("aws:resourceaccount") {
                Some(ContextValue::Single(s)) => Some(s.clone()),
                _ => None,
            });
    let request = Request {
        caller,
        action: args.action.clone(),
        resource: args.resource.clone(),
        resource_account: owner,
        context,
        wildcard_only: Catalog::bundled()
            .is_wildcard_only(&args.action)
            .unwrap_or(false)
            && args.resource == "*",
    };
    if request.owner().is_none() {
        return Err(UsageError(format!(
            "--resource-account is needed: \"{}\" names no account and no loaded resource policy says who owns it",
            args.resource
        )));
    }
    // What the input holds decides first. Policies it lacks stand in as Allows of anything
    // under a condition no request sets (src/model/unknown.rs); if they could turn the
    // decision into an Allow, the answer errs toward access: Allow, marked conditional, with
    // the decision of the known policies beside it. They are never taken to deny.
    let mut decision = decide(&request, &view.policies);
    let mut known_decision = None;
    if !view.assumed.is_empty() && decision.outcome != crate::policy::Outcome::Allow {
        let mut open = request.clone();
        open.context.insert(
            crate::model::unknown::NOT_IN_INPUT_KEY,
            ContextValue::Multi(view.assumed.clone()),
        );
        let possible = decide(&open, &view.policies);
        if possible.outcome == crate::policy::Outcome::Allow {
            known_decision = Some(decision.outcome.to_string());
            decision = possible;
        } else if possible.outcome == decision.outcome {
            // Denied either way: name what still blocks it when they allow anything (the
            // known policies alone would blame the missing identity permission).
            decision = possible;
        }
    }
    let document = |source: Source, policy: usize| -> Option<crate::model::Document> {
        match source {
            Source::Identity => view.identity_documents.get(policy).cloned(),
            Source::Boundary => view.boundary_document.clone(),
            Source::Resource => view.resource_document.clone(),
            Source::Scp(level) => view.scp_documents.get(level)?.get(policy).cloned(),
            Source::Rcp(level) => view.rcp_documents.get(level)?.get(policy).cloned(),
            Source::Session | Source::Endpoint => None,
        }
    };
    let locate = |source: Source, policy: usize, pointer: &str| {
        let d = document(source, policy)?;
        match d.origin.place(&world.sources, pointer) {
            Some(place) => {
                let file = &world.sources[place.file];
                let (line, column) = crate::json::line_column(&file.text, place.span.start);
                Some((file.name.clone(), place.pointer, line, column))
            }
            // A bundled document: its ARN stands for the file.
            None if !d.origin.pointer.is_empty() => {
                Some((d.origin.pointer.clone(), pointer.to_string(), 1, 1))
            }
            None => None,
        }
    };
    let mut answer = answer(&decision, &request.context, &locate, incomplete);
    answer.undecided = crate::undecided::reasons(&request, &view.policies);
    answer.conditional = known_decision.is_some();
    answer.known_decision = known_decision;
    print_answer(&answer, args.format);
    Ok(ExitCode::SUCCESS)
}

fn print_answer(answer: &Answer, format: Format) {
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(answer).expect("answer serializes")
        ),
        Format::Text => print_text(answer),
    }
}

fn print_text(answer: &Answer) {
    match &answer.known_decision {
        Some(known) => println!(
            "{} (conditional: only if policies the input lacks allow it; the input alone gives {known})",
            answer.decision
        ),
        None => println!("{}", answer.decision),
    }
    if let Some(b) = &answer.blocked_by {
        println!("  blocked: {b}");
    }
    for s in &answer.statements {
        let sid = s
            .sid
            .as_deref()
            .map(|s| format!(" (Sid {s})"))
            .unwrap_or_default();
        if s.file.starts_with("arn:") {
            // A bundled AWS managed policy: no file to point into.
            println!(
                "  {} statement{sid} in {} at {}",
                s.effect, s.file, s.pointer
            );
        } else {
            println!(
                "  {} statement{sid} in {}:{}:{} at {}",
                s.effect, s.file, s.line, s.column, s.pointer
            );
        }
    }
    for reason in &answer.incomplete {
        println!("  incomplete: {reason}");
    }
    for reason in &answer.undecided {
        println!("  undecided: {reason}");
    }
}

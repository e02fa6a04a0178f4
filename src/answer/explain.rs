//! One request decided by the policy core in a symbolic context: the reference every derived
//! answer is explained by, and checked against.

use crate::compile::techniques::Check;
use crate::model::{Document, Origin, PrincipalView, ResourceSide, World};
use crate::policy::decide::{Ask, Decision, Outcome, Policies, Request, Source, StatementRef};
use crate::policy::{Caller, Context, ContextValue, Stance, Statement};
use serde::Serialize;
use std::sync::Arc;

/// A statement that takes part in an answer, located in its input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementInfo {
    /// Which policy set it came from (`identity policy`, `SCP (level 1)`, ...).
    pub source: String,
    /// The file it was read from (`<built-in>` for bundled policies).
    pub file: String,
    /// JSON pointer of the statement in that file.
    pub pointer: String,
    /// Its Sid.
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: &'static str,
    /// The document's origin and the statement's pointer in it, to locate the statement in
    /// the source text (JSON or the text language); not part of the JSON answers.
    #[serde(skip)]
    pub place: Option<(Origin, String)>,
}

/// The decision for one request in one stance, with the view it was made in.
pub fn decide_symbolic(
    world: &World,
    caller: &Caller,
    action: &str,
    resource: &str,
    check: Option<&Check>,
    stance: Stance,
) -> (Decision, PrincipalView) {
    let mut view = world.view(caller, action, resource, None);
    let (decision, context) = decide_on_view(world, caller, &view, action, resource, check, stance);
    view.context = context;
    (decision, view)
}

/// [`decide_symbolic`] in both stances, `[may, must]`, reading the caller's view once.
pub fn decide_both(
    world: &World,
    caller: &Caller,
    action: &str,
    resource: &str,
    check: Option<&Check>,
) -> [Decision; 2] {
    let view = world.view(caller, action, resource, None);
    [Stance::May, Stance::Must]
        .map(|stance| decide_on_view(world, caller, &view, action, resource, check, stance).0)
}

/// One caller's side of every request it makes, read once: its identity policies, boundary,
/// SCPs and the keys it supplies. [`Prepared::decide_both`] answers as [`decide_both`] does
/// without reading the caller's policies again, and reads them once for both stances.
#[derive(Debug)]
pub struct Prepared {
    caller: Caller,
    /// The caller's half of the view ([`World::caller_view`]): only its policies and keys
    /// take part in a decision.
    policies: crate::policy::PolicySet,
    /// The keys of the caller's view and the caller's own keys ([`Caller::context_keys`]),
    /// as [`symbolic_context`] adds them. The keys the resource side adds
    /// (`aws:ResourceAccount`, `aws:ResourceOrgID`) are never among them, so adding those
    /// later gives the context [`symbolic_context`] builds.
    context: Context,
    /// The contexts of the last requests, `[may, must]`, by the keys the resource and the
    /// request added to `context` (a few owners and services recur in every question).
    recent: std::sync::Mutex<Vec<(Keys, Arc<[Context; 2]>)>>,
}

/// The keys a request adds to its caller's context, in the order added.
type Keys = Vec<(&'static str, String)>;

/// How many contexts [`Prepared`] keeps.
const RECENT_CONTEXTS: usize = 8;

impl Prepared {
    /// Reads `caller`'s side of its requests.
    pub fn new(world: &World, caller: Caller) -> Prepared {
        let view = world.caller_view(&caller);
        let mut context = view.context;
        for (key, value) in caller.context_keys() {
            context.insert_default(key, ContextValue::Single(value));
        }
        Prepared {
            caller,
            policies: view.policies,
            context,
            recent: Default::default(),
        }
    }

    /// The caller.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// Can an identity policy of this caller allow `service:name` (service lowercase)? Only
    /// if one of them has an Allow whose Action / NotAction covers it: without one, only a
    /// resource policy can grant the caller anything (spec §5). `allows` answers for one
    /// policy and may remember the answers.
    pub fn identity_may_allow(
        &self,
        mut allows: impl FnMut(&crate::policy::Policy) -> bool,
    ) -> bool {
        self.policies.identity.iter().any(|p| allows(p))
    }

    /// [`decide_both`] for this caller: `[may, must]`.
    pub fn decide_both(
        &self,
        world: &World,
        action: &str,
        resource: &str,
        check: Option<&Check>,
    ) -> [Decision; 2] {
        let side = world.resource_side(action, resource, None);
        self.decide_both_on(world, &side, action, resource, check)
    }

    /// [`Prepared::decide_both`] on a resource side already read
    /// ([`World::resource_side`] of the same action and resource), as for many callers.
    pub fn decide_both_on(
        &self,
        world: &World,
        side: &ResourceSide,
        action: &str,
        resource: &str,
        check: Option<&Check>,
    ) -> [Decision; 2] {
        let contexts = self.contexts(world, side, resource, check);
        let own = &self.policies;
        let policies = Policies {
            resource: side.document.as_ref().map(|d| &*d.policy),
            rcps: &side.rcps,
            ..own.borrow()
        };
        let ask = Ask {
            caller: &self.caller,
            action,
            resource,
            resource_account: side.owner(),
            wildcard_only: false,
        };
        crate::policy::decide_in(ask, policies, [&contexts[0], &contexts[1]])
    }

    /// The `[may, must]` contexts of a request: the caller's keys, the resource's and the
    /// request's, as [`symbolic_context`] makes them.
    fn contexts(
        &self,
        world: &World,
        side: &ResourceSide,
        resource: &str,
        check: Option<&Check>,
    ) -> Arc<[Context; 2]> {
        let (own_account, passed_to) = request_keys(&self.caller, resource, check);
        let own_account = own_account.filter(|_| side.owner().is_none());
        let keys = || {
            let side = side.keys.iter().map(|(k, v)| (*k, v.as_str()));
            side.chain(own_account).chain(passed_to)
        };
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let known = recent
            .iter()
            .find(|(known, _)| known.iter().map(|(k, v)| (*k, v.as_str())).eq(keys()));
        if let Some((_, made)) = known {
            return made.clone();
        }
        let keys: Keys = keys().map(|(k, v)| (k, v.to_string())).collect();
        let mut context = self.context.clone();
        for (key, value) in &keys {
            context.insert(key, ContextValue::Single(value.clone()));
        }
        let organization_known = world.organization.is_some();
        let made = Arc::new([
            context.clone().symbolic(Stance::May, organization_known),
            context.symbolic(Stance::Must, organization_known),
        ]);
        if recent.len() == RECENT_CONTEXTS {
            recent.remove(0);
        }
        recent.push((keys, made.clone()));
        made
    }
}

/// One symbolic request on a view already read, and the context it was decided in.
fn decide_on_view(
    world: &World,
    caller: &Caller,
    view: &PrincipalView,
    action: &str,
    resource: &str,
    check: Option<&Check>,
    stance: Stance,
) -> (Decision, Context) {
    // The owner the model found for the resource (for an S3 ARN, from its bucket's policy).
    let owner = match view.context.get("aws:resourceaccount") {
        Some(ContextValue::Single(owner)) => Some(owner.clone()),
        _ => None,
    };
    let context = symbolic_context(world, caller, &view.context, resource, check, stance);
    let request = Request {
        caller: caller.clone(),
        action: action.to_string(),
        resource: resource.to_string(),
        resource_account: owner,
        context,
        wildcard_only: false,
    };
    let decision = crate::policy::decide(&request, &view.policies);
    (decision, request.context)
}

/// The context of a symbolic request: the view's keys, the caller's own, and in `stance` the
/// keys a request would set.
fn symbolic_context(
    world: &World,
    caller: &Caller,
    view_context: &Context,
    resource: &str,
    check: Option<&Check>,
    stance: Stance,
) -> Context {
    let mut context = view_context.clone();
    for (key, value) in caller.context_keys() {
        context.insert_default(key, ContextValue::Single(value));
    }
    add_request_keys(&mut context, caller, resource, check);
    context.symbolic(stance, world.organization.is_some())
}

/// The keys the request itself sets: the caller's own account as `aws:ResourceAccount` on
/// `"*"` (some resource of its account), and the service a role is passed to.
fn add_request_keys(context: &mut Context, caller: &Caller, resource: &str, check: Option<&Check>) {
    let (own_account, passed_to) = request_keys(caller, resource, check);
    if let Some((key, account)) = own_account {
        context.insert_default(key, ContextValue::Single(account.into()));
    }
    if let Some((key, service)) = passed_to {
        context.insert(key, ContextValue::Single(service.into()));
    }
}

/// What [`add_request_keys`] adds: the caller's own account on `"*"` (a default, set only
/// where the resource gave none), and the service a role is passed to.
type RequestKeys<'a> = (
    Option<(&'static str, &'a str)>,
    Option<(&'static str, &'static str)>,
);

fn request_keys<'a>(caller: &'a Caller, resource: &str, check: Option<&Check>) -> RequestKeys<'a> {
    let own_account = (resource == "*")
        .then(|| caller.account())
        .flatten()
        .map(|account| ("aws:ResourceAccount", account));
    let passed_to = check
        .and_then(|c| c.passed_to)
        .map(|service| ("iam:PassedToService", service));
    (own_account, passed_to)
}

/// One caller's requests on `"*"` (some resource), for deciding many actions: the view and
/// the two symbolic contexts are built once. Each answer is what [`allowed`] gives.
pub struct AnyResource {
    caller: Caller,
    policies: crate::policy::PolicySet,
    may: Context,
    must: Context,
}

impl AnyResource {
    /// Collects what `caller`'s requests on `"*"` are decided by. (On `"*"` the view does not
    /// depend on the action: no resource policy, trust policy or owner applies.)
    pub fn new(world: &World, caller: &Caller) -> AnyResource {
        let view = world.view(caller, "sts:GetCallerIdentity", "*", None);
        let context = |stance| symbolic_context(world, caller, &view.context, "*", None, stance);
        AnyResource {
            caller: caller.clone(),
            may: context(Stance::May),
            must: context(Stance::Must),
            policies: view.policies,
        }
    }

    /// Is `action` allowed on some resource in some request (may) and in every one (must)?
    pub fn allowed(&self, action: &str) -> (bool, bool) {
        let decide = |context: &Context| {
            let request = Request {
                caller: self.caller.clone(),
                action: action.to_string(),
                resource: "*".to_string(),
                resource_account: None,
                context: context.clone(),
                wildcard_only: false,
            };
            crate::policy::decide(&request, &self.policies).outcome == Outcome::Allow
        };
        (decide(&self.may), decide(&self.must))
    }
}

/// Allowed in some request (may) and in every request (must).
pub fn allowed(
    world: &World,
    caller: &Caller,
    action: &str,
    resource: &str,
    check: Option<&Check>,
) -> (bool, bool) {
    let view = world.view(caller, action, resource, None);
    let allows = |stance| {
        decide_on_view(world, caller, &view, action, resource, check, stance)
            .0
            .outcome
            == Outcome::Allow
    };
    // What is allowed in every request is allowed in some: "must" is asked only after "may".
    let may = allows(Stance::May);
    (may, may && allows(Stance::Must))
}

/// The statements and open conditions behind an allowed request: the Allows that grant it
/// (in the "may" stance) and the Denies that could take it away (in the "must" stance).
pub fn explain(
    world: &World,
    caller: &Caller,
    action: &str,
    resource: &str,
    check: Option<&Check>,
) -> (Vec<StatementInfo>, Vec<String>) {
    let mut statements = Vec::new();
    let mut conditions = Vec::new();
    let (may, view) = decide_symbolic(world, caller, action, resource, check, Stance::May);
    for r in &may.statements {
        if let Some((document, statement)) = locate(&view, r) {
            statements.push(info(world, r, document, statement));
            conditions.extend(open_clauses(statement, &view.context, ""));
        }
    }
    let (must, view) = decide_symbolic(world, caller, action, resource, check, Stance::Must);
    if must.outcome == Outcome::ExplicitDeny {
        for r in &must.statements {
            if let Some((document, statement)) = locate(&view, r) {
                statements.push(info(world, r, document, statement));
                conditions.extend(open_clauses(statement, &view.context, "unless "));
            }
        }
    }
    conditions.sort();
    conditions.dedup();
    (statements, conditions)
}

fn info(
    world: &World,
    r: &StatementRef,
    document: &Document,
    statement: &Statement,
) -> StatementInfo {
    let file = document
        .origin
        .file
        .and_then(|f| world.sources.get(f))
        .map_or_else(|| "<built-in>".to_string(), |s| s.name.clone());
    StatementInfo {
        source: r.source.to_string(),
        file,
        pointer: format!("{}{}", document.origin.pointer, statement.pointer),
        sid: statement.sid.clone(),
        effect: r.effect,
        place: Some((document.origin.clone(), statement.pointer.clone())),
    }
}

/// The document and statement a decision refers to.
fn locate<'v>(view: &'v PrincipalView, r: &StatementRef) -> Option<(&'v Document, &'v Statement)> {
    let document = match r.source {
        Source::Identity => view.identity_documents.get(r.policy)?,
        Source::Boundary => view.boundary_document.as_ref()?,
        Source::Resource => view.resource_document.as_ref()?,
        Source::Scp(level) => view.scp_documents.get(level)?.get(r.policy)?,
        Source::Rcp(level) => view.rcp_documents.get(level)?.get(r.policy)?,
        _ => return None,
    };
    let statement = document
        .policy
        .statements
        .iter()
        .find(|s| s.pointer == r.pointer)?;
    Some((document, statement))
}

/// The clauses of a statement on keys the request would fix, as text.
fn open_clauses(statement: &Statement, context: &Context, prefix: &str) -> Vec<String> {
    statement
        .condition
        .clauses
        .iter()
        .filter(|c| {
            context.get(&c.key_lower).is_none()
                && context.assumption(&c.key_lower, statement.effect).is_some()
        })
        .map(|c| {
            // A stand-in for a policy the input lacks: its value says which, in words.
            if crate::model::unknown::is_assumption(&c.key_lower) {
                return format!("{prefix}{}", c.texts.join(", "));
            }
            let values: Vec<String> = c.texts.iter().map(|t| format!("{t:?}")).collect();
            format!("{prefix}{} {} {}", c.operator, c.key, values.join(", "))
        })
        .collect()
}

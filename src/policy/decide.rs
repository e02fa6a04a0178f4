//! Deciding one request (spec §5): the evaluation procedure over every policy type.

use super::arn::{ArnPattern, Fields, ShortArns};
use super::context::{Context, Stance};
use super::document::{Effect, Policy, PrincipalElement, RequestView, ResourceQuery, ServiceKey};
use super::principal::{Caller, PrincipalMatch};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// The outcome of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Outcome {
    /// The request is allowed.
    Allow,
    /// A Deny statement applies.
    ExplicitDeny,
    /// Nothing allows the request (or a guardrail lacks an Allow).
    ImplicitDeny,
}

impl Outcome {
    /// The oracle's spelling: `Allowed`, `ExplicitlyDenied`, `ImplicitlyDenied`.
    pub fn oracle_name(self) -> &'static str {
        match self {
            Outcome::Allow => "Allowed",
            Outcome::ExplicitDeny => "ExplicitlyDenied",
            Outcome::ImplicitDeny => "ImplicitlyDenied",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Allow => "Allow",
            Outcome::ExplicitDeny => "ExplicitDeny",
            Outcome::ImplicitDeny => "ImplicitDeny",
        })
    }
}

/// Which set of policies a statement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", content = "level", rename_all = "kebab-case")]
pub enum Source {
    /// The caller's identity policies.
    Identity,
    /// The caller's permissions boundary.
    Boundary,
    /// The session policy.
    Session,
    /// The resource's policy (or the role's trust policy).
    Resource,
    /// The SCPs attached at this level of the caller's organisation (0 = root).
    Scp(usize),
    /// The RCPs attached at this level of the resource owner's organisation (0 = root).
    Rcp(usize),
    /// A VPC endpoint policy.
    Endpoint,
}

impl Source {
    /// SCPs, RCPs and endpoint policies only let a request through: a decision reports their
    /// Denies, never their Allows.
    fn is_guardrail(self) -> bool {
        matches!(self, Source::Scp(_) | Source::Rcp(_) | Source::Endpoint)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Identity => f.write_str("identity policy"),
            Source::Boundary => f.write_str("permissions boundary"),
            Source::Session => f.write_str("session policy"),
            Source::Resource => f.write_str("resource policy"),
            Source::Scp(level) => write!(f, "SCP (level {level})"),
            Source::Rcp(level) => write!(f, "RCP (level {level})"),
            Source::Endpoint => f.write_str("VPC endpoint policy"),
        }
    }
}

/// A statement that took part in a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRef {
    /// Where it came from.
    pub source: Source,
    /// Index of the policy within its source (level, for SCPs and RCPs).
    pub policy: usize,
    /// JSON pointer of the statement in its document.
    pub pointer: String,
    /// Its Sid.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: &'static str,
}

/// The guardrail that stopped an otherwise allowed request, or the side that was missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Blocker {
    /// An SCP level (0 = root) lacks an Allow.
    Scp(usize),
    /// An RCP level lacks an Allow.
    Rcp(usize),
    /// A VPC endpoint policy lacks an Allow.
    Endpoint,
    /// The permissions boundary lacks an Allow.
    Boundary,
    /// The session policy lacks an Allow (or a federated session has none).
    Session,
    /// The resource policy does not admit the caller (cross-account, or strict resources).
    Resource,
    /// No identity policy allows it.
    Identity,
    /// AWS forbids the action on this resource whatever the policies say.
    Immutable,
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Blocker::Scp(level) => write!(f, "SCP level {level} has no applicable Allow"),
            Blocker::Rcp(level) => write!(f, "RCP level {level} has no applicable Allow"),
            Blocker::Endpoint => f.write_str("the VPC endpoint policy has no applicable Allow"),
            Blocker::Boundary => f.write_str("the permissions boundary has no applicable Allow"),
            Blocker::Session => f.write_str("the session policy has no applicable Allow"),
            Blocker::Resource => f.write_str("the resource policy does not admit the caller"),
            Blocker::Identity => f.write_str("no identity policy allows it"),
            Blocker::Immutable => {
                f.write_str("AWS does not allow this change to an AWS-owned object")
            }
        }
    }
}

/// The answer to one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Allow, ExplicitDeny or ImplicitDeny.
    pub outcome: Outcome,
    /// The statements that decided it: the Denies that applied, or the Allows that granted.
    pub statements: Vec<StatementRef>,
    /// For an ImplicitDeny, what blocked it.
    pub blocked_by: Option<Blocker>,
}

/// The policies that take part in a request.
#[derive(Debug, Clone, Default)]
pub struct PolicySet {
    /// Identity policies of the caller (user, its groups, or the session's role).
    pub identity: Vec<Arc<Policy>>,
    /// The permissions boundary (none if empty; AWS allows one, several are intersected).
    pub boundaries: Vec<Arc<Policy>>,
    /// The session policy, if the session has one.
    pub session: Option<Policy>,
    /// The resource's policy (the trust policy for `sts:AssumeRole*`).
    pub resource: Option<Arc<Policy>>,
    /// SCP chain of the caller's account: one list per level, root first; empty = no org.
    pub scps: Vec<Vec<Arc<Policy>>>,
    /// RCP chain of the resource's account: one list per level, root first; empty = no org.
    pub rcps: Vec<Vec<Arc<Policy>>>,
    /// VPC endpoint policies the request passes through.
    pub endpoints: Option<Vec<Policy>>,
}

impl PolicySet {
    /// The set, borrowed.
    pub fn borrow(&self) -> Policies<'_> {
        Policies {
            identity: &self.identity,
            boundaries: &self.boundaries,
            session: self.session.as_ref(),
            resource: self.resource.as_deref(),
            scps: &self.scps,
            rcps: &self.rcps,
            endpoints: self.endpoints.as_deref(),
        }
    }
}

/// The policies of a request, borrowed: a [`PolicySet`], or a caller's side and a resource's
/// side put together without copying either.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policies<'a> {
    /// As [`PolicySet::identity`].
    pub identity: &'a [Arc<Policy>],
    /// As [`PolicySet::boundaries`].
    pub boundaries: &'a [Arc<Policy>],
    /// As [`PolicySet::session`].
    pub session: Option<&'a Policy>,
    /// As [`PolicySet::resource`].
    pub resource: Option<&'a Policy>,
    /// As [`PolicySet::scps`].
    pub scps: &'a [Vec<Arc<Policy>>],
    /// As [`PolicySet::rcps`].
    pub rcps: &'a [Vec<Arc<Policy>>],
    /// As [`PolicySet::endpoints`].
    pub endpoints: Option<&'a [Policy]>,
}

/// One request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Who makes it.
    pub caller: Caller,
    /// `service:Action`.
    pub action: String,
    /// The resource ARN, or `"*"` for actions without resource types.
    pub resource: String,
    /// The account that owns the resource (for S3 ARNs, which have none).
    pub resource_account: Option<String>,
    /// Condition keys.
    pub context: Context,
    /// The action supports only `"Resource": "*"` (spec §2 step 2).
    pub wildcard_only: bool,
}

impl Request {
    /// The account that owns the resource: as given, else the ARN's account field, else (for
    /// `"*"`) the caller's account.
    pub fn owner(&self) -> Option<&str> {
        self.ask().owner()
    }

    /// The request without its context.
    pub fn ask(&self) -> Ask<'_> {
        Ask {
            caller: &self.caller,
            action: &self.action,
            resource: &self.resource,
            resource_account: self.resource_account.as_deref(),
            wildcard_only: self.wildcard_only,
        }
    }
}

/// A [`Request`] without its context, borrowed: [`decide_in`] decides it in several
/// contexts with one reading of the policies.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    /// As [`Request::caller`].
    pub caller: &'a Caller,
    /// As [`Request::action`].
    pub action: &'a str,
    /// As [`Request::resource`].
    pub resource: &'a str,
    /// As [`Request::resource_account`].
    pub resource_account: Option<&'a str>,
    /// As [`Request::wildcard_only`].
    pub wildcard_only: bool,
}

impl<'a> Ask<'a> {
    /// As [`Request::owner`].
    pub fn owner(&self) -> Option<&'a str> {
        if let Some(a) = self.resource_account {
            return Some(a);
        }
        match super::arn::Arn::parse(self.resource) {
            Some(arn) if !arn.account.is_empty() => Some(arn.account),
            _ if self.resource == "*" => self.caller.account(),
            _ => None,
        }
    }
}

/// Services whose resources RCPs govern.
const RCP_SERVICES: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "ecr",
    "aoss",
    "cognito-idp",
    "logs",
    "dynamodb",
];

/// Trust-policy actions: the role's trust policy is the resource policy.
fn is_trust_action(service: &str, name: &str) -> bool {
    service == "sts"
        && [
            "AssumeRole",
            "AssumeRoleWithSAML",
            "AssumeRoleWithWebIdentity",
            "TagSession",
            "SetSourceIdentity",
            "SetContext",
        ]
        .iter()
        .any(|a| a.eq_ignore_ascii_case(name))
}

/// The statements of one source that apply, split by effect.
#[derive(Default)]
struct Applicable<'p> {
    /// Some Allow applies.
    allowed: bool,
    /// The Allows that apply, for the sources whose Allows a decision reports (a guardrail's
    /// only let the request through: [`Source::is_guardrail`]).
    allows: Vec<(Hit<'p>, PrincipalMatch)>,
    denies: Vec<Hit<'p>>,
}

/// A statement that applied, before it is turned into a [`StatementRef`] for the answer.
#[derive(Clone, Copy)]
struct Hit<'p> {
    source: Source,
    policy: usize,
    statement: &'p super::document::Statement,
}

impl Hit<'_> {
    fn to_ref(self) -> StatementRef {
        StatementRef {
            source: self.source,
            policy: self.policy,
            pointer: self.statement.pointer.clone(),
            sid: self.statement.sid.clone(),
            effect: match self.statement.effect {
                Effect::Allow => "Allow",
                Effect::Deny => "Deny",
            },
        }
    }
}

fn to_refs(hits: Vec<Hit<'_>>) -> Vec<StatementRef> {
    hits.into_iter().map(Hit::to_ref).collect()
}

/// Reads the policies of one request in `N` contexts that differ only in stance.
struct Evaluator<'a, const N: usize> {
    /// The request; its context gives the values of policy variables.
    view: RequestView<'a>,
    /// The request's service, to look up in the policies' statement indices.
    service: ServiceKey<'a>,
    contexts: [&'a Context; N],
    has_boundary: bool,
}

impl<const N: usize> Evaluator<'_, N> {
    /// Adds the statements of `policies` that apply, in each context, to what `at` picks of
    /// each context's [`Scanned`].
    fn scan<'p>(
        &self,
        source: Source,
        policies: impl IntoIterator<Item = (usize, &'p Policy)>,
        scanned: &mut [Scanned<'p>; N],
        at: impl for<'s> Fn(&'s mut Scanned<'p>) -> &'s mut Applicable<'p>,
    ) {
        for (index, policy) in policies {
            for s in policy
                .index
                .candidates(self.service)
                .map(|i| &policy.statements[i])
            {
                let Some(principal) = self.matched(s) else {
                    continue;
                };
                let hit = Hit {
                    source,
                    policy: index,
                    statement: s,
                };
                let holds = s.condition.holds_in_each(self.contexts, s.effect);
                for (scanned, holds) in scanned.iter_mut().zip(holds) {
                    if !holds {
                        continue;
                    }
                    let out = at(scanned);
                    match s.effect {
                        Effect::Allow if source.is_guardrail() => out.allowed = true,
                        Effect::Allow => {
                            out.allowed = true;
                            out.allows.push((hit, principal));
                        }
                        Effect::Deny => out.denies.push(hit),
                    }
                }
            }
        }
    }

    /// How `s` matches the request but for its condition ([`Statement::matches`]). A
    /// resource-policy Deny with NotPrincipal always applies to a principal that has a
    /// permissions boundary (spec §2, "Principals").
    ///
    /// [`Statement::matches`]: super::document::Statement::matches
    fn matched(&self, s: &super::document::Statement) -> Option<PrincipalMatch> {
        s.matches(&self.view).or_else(|| {
            let forced = self.has_boundary
                && s.effect == Effect::Deny
                && matches!(&s.principal, PrincipalElement::Listed(p) if p.negated)
                && s.action_matches(self.view.service, self.view.action)
                && s.resource_matches(
                    self.view.resource,
                    self.view.resource_is_attached,
                    self.view.context,
                );
            forced.then_some(PrincipalMatch::Direct)
        })
    }
}

/// Decides `request` against `policies` as AWS does (spec §5).
///
/// A resource with wildcards (other than the `"*"` of a wildcard-only action) asks whether the
/// request is allowed for some resource it names. Each Allow pattern of the identity and
/// resource policies that lies inside the requested set is decided as a candidate of its own,
/// and so is the whole set when some Allow reaches beyond those; the answer is the best of
/// them (Allow, then ExplicitDeny, then ImplicitDeny).
pub fn decide(request: &Request, policies: &PolicySet) -> Decision {
    let [decision] = decide_in(request.ask(), policies.borrow(), [&request.context]);
    decision
}

/// [`decide`] in each of `contexts`, which hold the same keys and values and may differ in
/// stance ([`Context::symbolic`]): the policies are read once, and only the conditions are
/// asked in each context.
pub fn decide_in<const N: usize>(
    ask: Ask<'_>,
    policies: Policies<'_>,
    contexts: [&Context; N],
) -> [Decision; N] {
    let asks_about_set = !ask.wildcard_only && ask.resource.contains(['*', '?']);
    if !asks_about_set {
        let exact = if ask.wildcard_only { "*" } else { ask.resource };
        return decide_for(
            ask,
            policies,
            ResourceQuery::Exact(Fields::split(exact)),
            contexts,
        );
    }
    let set = ArnPattern::parse(ask.resource, false, ShortArns::PadWithStar);
    let (case, none) = (
        super::pattern::Case::Insensitive,
        &super::pattern::NoVariables,
    );
    let mut candidates: Vec<ArnPattern> = Vec::new();
    let mut whole_set = false;
    let allow_patterns = policies
        .identity
        .iter()
        .map(|p| &**p)
        .chain(policies.resource)
        .flat_map(|p| &p.statements)
        .filter(|s| s.effect == Effect::Allow)
        .filter_map(|s| s.resource.as_ref().filter(|r| !r.negated))
        .flat_map(|r| &r.items);
    for pattern in allow_patterns {
        if !pattern.has_variables()
            && *pattern != ArnPattern::Any
            && set.covers(pattern, case, none)
        {
            if !candidates.contains(pattern) {
                candidates.push(pattern.clone());
            }
        } else {
            whole_set = true;
        }
    }
    if whole_set || candidates.is_empty() {
        candidates.push(set);
    }
    let decisions: Vec<[Decision; N]> = candidates
        .iter()
        .map(|c| decide_for(ask, policies, ResourceQuery::Pattern(c), contexts))
        .collect();
    std::array::from_fn(|i| {
        let best = [Outcome::Allow, Outcome::ExplicitDeny]
            .iter()
            .find_map(|&o| decisions.iter().position(|d| d[i].outcome == o))
            .unwrap_or(0);
        decisions[best][i].clone()
    })
}

/// What the policies of a request say in one context: the statements that apply, by source.
#[derive(Default)]
struct Scanned<'p> {
    scp_levels: Vec<Applicable<'p>>,
    rcp_levels: Vec<Applicable<'p>>,
    resource: Applicable<'p>,
    identity: Applicable<'p>,
    boundary: Applicable<'p>,
    session: Applicable<'p>,
    endpoint: Applicable<'p>,
}

/// What a decision reads besides the statements that apply: the same in every context.
#[derive(Clone, Copy)]
struct Reading<'a> {
    caller: &'a Caller,
    /// The action's service prefix, lowercased, and its name.
    service: &'a str,
    name: &'a str,
    resource: &'a str,
    policies: Policies<'a>,
    has_boundary: bool,
    /// Does the resource belong to the caller's account? `None` when its owner is unknown
    /// (an S3 ARN carries no account, and the input may not say whose the bucket is).
    same_account: Option<bool>,
    iam_identity: bool,
    is_root: bool,
    /// AWS refuses the action on the resource whatever the policies say.
    immutable: bool,
}

/// Decides the request for one resource, or one set of resources, in each context.
fn decide_for<const N: usize>(
    ask: Ask<'_>,
    policies: Policies<'_>,
    resource: ResourceQuery<'_>,
    contexts: [&Context; N],
) -> [Decision; N] {
    let (service_raw, name) = ask.action.split_once(':').unwrap_or((ask.action, ""));
    let service: std::borrow::Cow<str> = if service_raw.bytes().any(|b| b.is_ascii_uppercase()) {
        service_raw.to_ascii_lowercase().into()
    } else {
        service_raw.into()
    };
    let caller = ask.caller;

    // 0. GetCallerIdentity needs no permission.
    if service == "sts"
        && name.eq_ignore_ascii_case("GetCallerIdentity")
        && *caller != Caller::Anonymous
    {
        return std::array::from_fn(|_| Decision {
            outcome: Outcome::Allow,
            statements: Vec::new(),
            blocked_by: None,
        });
    }

    // With no context there is nothing to decide: the answer is an empty array.
    let Some(&first) = contexts.first() else {
        return std::array::from_fn(|_| unreachable!("N is 0"));
    };
    let eval = Evaluator {
        service: ServiceKey::new(&service),
        view: RequestView {
            caller,
            service: &service,
            action: name,
            resource,
            context: first,
            resource_is_attached: true,
        },
        contexts,
        has_boundary: !policies.boundaries.is_empty(),
    };
    let owner = ask.owner();
    let iam_identity = caller.is_iam_identity();
    let is_root = matches!(caller, Caller::Root { .. });
    let scps_apply =
        (iam_identity || is_root) && !policies.scps.is_empty() && !is_service_linked(caller);
    let rcps_apply = !policies.rcps.is_empty() && RCP_SERVICES.contains(&service.as_ref());

    let mut scanned: [Scanned; N] = std::array::from_fn(|_| Scanned::default());
    let levels = |count: usize| std::iter::repeat_with(Applicable::default).take(count);
    if scps_apply {
        for s in &mut scanned {
            s.scp_levels.extend(levels(policies.scps.len()));
        }
        for (l, level) in policies.scps.iter().enumerate() {
            let level = level.iter().map(|p| &**p).enumerate();
            eval.scan(Source::Scp(l), level, &mut scanned, |s| {
                &mut s.scp_levels[l]
            });
        }
    }
    if rcps_apply {
        for s in &mut scanned {
            s.rcp_levels.extend(levels(policies.rcps.len()));
        }
        for (l, level) in policies.rcps.iter().enumerate() {
            let level = level.iter().map(|p| &**p).enumerate();
            eval.scan(Source::Rcp(l), level, &mut scanned, |s| {
                &mut s.rcp_levels[l]
            });
        }
    }
    let resource_policy = policies.resource.map(|p| (0, p));
    eval.scan(Source::Resource, resource_policy, &mut scanned, |s| {
        &mut s.resource
    });
    if iam_identity {
        let identity = policies.identity.iter().map(|p| &**p).enumerate();
        let boundaries = policies.boundaries.iter().map(|p| &**p).enumerate();
        let session = policies.session.map(|p| (0, p));
        eval.scan(Source::Identity, identity, &mut scanned, |s| {
            &mut s.identity
        });
        eval.scan(Source::Boundary, boundaries, &mut scanned, |s| {
            &mut s.boundary
        });
        eval.scan(Source::Session, session, &mut scanned, |s| &mut s.session);
    }
    let endpoints = policies.endpoints.into_iter().flatten().enumerate();
    eval.scan(Source::Endpoint, endpoints, &mut scanned, |s| {
        &mut s.endpoint
    });

    let reading = Reading {
        caller,
        service: &service,
        name,
        resource: ask.resource,
        policies,
        has_boundary: eval.has_boundary,
        same_account: owner.map(|owner| caller.account() == Some(owner)),
        iam_identity,
        is_root,
        immutable: is_immutable(&service, name, ask.resource),
    };
    let stances = contexts.map(Context::stance);
    std::array::from_fn(|i| conclude(&reading, &scanned[i], stances[i]))
}

/// The decision in one context, from the statements that apply in it (spec §5 steps 1–5).
fn conclude(reading: &Reading<'_>, scanned: &Scanned<'_>, stance: Option<Stance>) -> Decision {
    let Reading {
        caller,
        service,
        name,
        resource,
        policies,
        has_boundary,
        same_account,
        iam_identity,
        is_root,
        immutable,
    } = *reading;
    let Scanned {
        scp_levels,
        rcp_levels,
        resource: resource_policy,
        identity,
        boundary,
        session,
        endpoint,
    } = scanned;
    let allow = |hits: Vec<Hit<'_>>| Decision {
        outcome: Outcome::Allow,
        statements: to_refs(hits),
        blocked_by: None,
    };
    let implicit = |blocked_by| Decision {
        outcome: Outcome::ImplicitDeny,
        statements: Vec::new(),
        blocked_by: Some(blocked_by),
    };

    // 1. Any applicable Deny.
    let denies: Vec<Hit<'_>> = scp_levels
        .iter()
        .chain(rcp_levels)
        .chain([resource_policy, identity, boundary, session, endpoint])
        .flat_map(|a| a.denies.iter().cloned())
        .collect();
    if !denies.is_empty() {
        return Decision {
            outcome: Outcome::ExplicitDeny,
            statements: to_refs(denies),
            blocked_by: None,
        };
    }
    // AWS refuses to change its own managed policies and service roles.
    if immutable {
        return implicit(Blocker::Immutable);
    }
    // 2.–4. Guardrails: every level needs an applicable Allow.
    if let Some(level) = rcp_levels.iter().position(|l| !l.allowed) {
        return implicit(Blocker::Rcp(level));
    }
    if let Some(level) = scp_levels.iter().position(|l| !l.allowed) {
        return implicit(Blocker::Scp(level));
    }
    if policies.endpoints.is_some() && !endpoint.allowed {
        return implicit(Blocker::Endpoint);
    }

    // 5. The grant.
    fn refs<'p>(a: &Applicable<'p>) -> Vec<Hit<'p>> {
        a.allows.iter().map(|(r, _)| *r).collect()
    }
    // Trust and key policies are strict: identity policies alone never reach the resource. A
    // key always has a key policy, so a missing one admits nobody; a request about a role
    // without its trust policy is decided on the identity side alone.
    let strict = is_trust_action(service, name) && policies.resource.is_some()
        || service == "kms" && is_kms_key(resource);
    if is_root && is_trust_action(service, name) {
        return implicit(Blocker::Identity);
    }
    let id_ok = is_root || !identity.allows.is_empty();
    let pb_ok = !has_boundary || !boundary.allows.is_empty();
    let session_ok = match policies.session {
        Some(_) => !session.allows.is_empty(),
        None => !matches!(caller, Caller::FederatedUser { .. }),
    };
    let identity_ok = id_ok && pb_ok && session_ok;
    let mut identity_refs = refs(identity);
    identity_refs.extend(refs(boundary));
    identity_refs.extend(refs(session));
    // A resource-policy Allow that names the caller or its role skips the identity side, so
    // what blocks it is the boundary or the session policy, not a missing identity Allow.
    let named = resource_policy
        .allows
        .iter()
        .any(|(_, m)| *m != PrincipalMatch::ViaAccount);
    let identity_blocker = || {
        if !pb_ok && (id_ok || named) {
            Blocker::Boundary
        } else if !session_ok && (id_ok || named) {
            Blocker::Session
        } else {
            Blocker::Identity
        }
    };

    // Same-account resource-policy grants (spec §5 table): what each kind of match skips. A
    // grant to the account works through the identity side, whose statements it reports too.
    let mut grants: Vec<Hit<'_>> = Vec::new();
    let mut through_identity = false;
    for (r, m) in &resource_policy.allows {
        let granted = match m {
            PrincipalMatch::Direct if strict && iam_identity && is_trust_action(service, name) => {
                pb_ok
            }
            PrincipalMatch::Direct => true,
            PrincipalMatch::ViaRole => pb_ok && session_ok,
            PrincipalMatch::ViaAccount => identity_ok,
        };
        if granted {
            grants.push(*r);
            through_identity |= *m == PrincipalMatch::ViaAccount;
        }
    }
    if through_identity {
        grants.splice(0..0, identity_refs.iter().cloned());
    }
    let rp_any = !resource_policy.allows.is_empty();

    if !iam_identity && !is_root {
        // Services, anonymous and federated callers: the resource policy decides alone.
        return if grants.is_empty() {
            implicit(Blocker::Resource)
        } else {
            allow(grants)
        };
    }
    // A resource whose owner is unknown may be the caller's account's in some request
    // (asking "may"), is not surely so (asking "must"), and is taken as another account's
    // in a concrete request that does not say (`check` asks for `--resource-account`).
    let same_account = same_account.unwrap_or(stance == Some(Stance::May));
    if !same_account {
        return if rp_any && identity_ok {
            let mut statements = identity_refs;
            statements.extend(refs(resource_policy));
            allow(statements)
        } else if !identity_ok {
            implicit(identity_blocker())
        } else {
            implicit(Blocker::Resource)
        };
    }
    if !grants.is_empty() {
        return allow(grants);
    }
    if strict {
        return if rp_any && identity_ok {
            let mut statements = identity_refs;
            statements.extend(refs(resource_policy));
            allow(statements)
        } else if rp_any {
            implicit(identity_blocker())
        } else {
            implicit(Blocker::Resource)
        };
    }
    if identity_ok {
        if is_root {
            return allow(Vec::new());
        }
        return allow(identity_refs);
    }
    implicit(identity_blocker())
}

/// Roles under `/aws-service-role/` are exempt from SCPs.
fn is_service_linked(caller: &Caller) -> bool {
    matches!(caller, Caller::Role { arn, session: None, .. } if arn.contains(":role/aws-service-role/"))
}

/// A KMS key ARN (key policies are strict), as opposed to an alias.
fn is_kms_key(resource: &str) -> bool {
    super::arn::Arn::parse(resource).is_some_and(|arn| arn.resource.starts_with("key/"))
}

/// Changes to AWS managed policies: refused.
const AWS_POLICY_CHANGES: &[&str] = &[
    "CreatePolicy",
    "CreatePolicyVersion",
    "DeletePolicy",
    "DeletePolicyVersion",
    "SetDefaultPolicyVersion",
    "TagPolicy",
    "UntagPolicy",
];

/// Changes to a role's trust, policies and boundary: refused for service-linked roles.
const ROLE_POLICY_CHANGES: &[&str] = &[
    "AttachRolePolicy",
    "DeleteRolePermissionsBoundary",
    "DeleteRolePolicy",
    "DetachRolePolicy",
    "PutRolePermissionsBoundary",
    "PutRolePolicy",
    "UpdateAssumeRolePolicy",
];

/// Every other change to a role: also refused for the roles AWS reserves (IAM Identity Center).
const ROLE_CHANGES: &[&str] = &[
    "CreateRole",
    "CreateServiceLinkedRole",
    "DeleteRole",
    "DeleteServiceLinkedRole",
    "PassRole",
    "TagRole",
    "UntagRole",
    "UpdateRole",
    "UpdateRoleDescription",
];

/// AWS managed policies, reserved and service-linked roles and AWS managed KMS aliases cannot
/// be changed, whatever the policies say (spec §5, "Immutable objects").
fn is_immutable(service: &str, action: &str, resource: &str) -> bool {
    let Some(arn) = super::arn::Arn::parse(resource) else {
        return false;
    };
    let one_of = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(action));
    match service {
        "iam" if arn.account == "aws" && arn.resource.starts_with("policy/") => {
            one_of(AWS_POLICY_CHANGES)
        }
        "iam" if arn.resource.starts_with("role/aws-reserved/") => {
            one_of(ROLE_POLICY_CHANGES) || one_of(ROLE_CHANGES)
        }
        "iam" if arn.resource.starts_with("role/aws-service-role/") => one_of(ROLE_POLICY_CHANGES),
        "kms" if arn.resource.starts_with("alias/aws/") => {
            one_of(&["CreateAlias", "DeleteAlias", "UpdateAlias"])
        }
        _ => false,
    }
}

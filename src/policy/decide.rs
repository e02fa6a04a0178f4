//! Deciding one request (spec §5): the evaluation procedure over every policy type.

use super::arn::{ArnPattern, Fields, ShortArns};
use super::context::Context;
use super::document::{Effect, Policy, PrincipalElement, RequestView, ResourceQuery};
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
        if let Some(a) = &self.resource_account {
            return Some(a);
        }
        match super::arn::Arn::parse(&self.resource) {
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

struct Evaluator<'a> {
    view: RequestView<'a>,
    has_boundary: bool,
}

impl Evaluator<'_> {
    fn scan<'p>(
        &self,
        source: Source,
        policies: impl IntoIterator<Item = (usize, &'p Policy)>,
    ) -> Applicable<'p> {
        let mut out = Applicable::default();
        for (index, policy) in policies {
            for s in policy
                .index
                .candidates(self.view.service)
                .map(|i| &policy.statements[i])
            {
                let applies = s.applies(&self.view).or_else(|| {
                    // A resource-policy Deny with NotPrincipal always applies to a principal
                    // that has a permissions boundary (spec §2, "Principals").
                    let forced = self.has_boundary
                        && s.effect == Effect::Deny
                        && matches!(&s.principal, PrincipalElement::Listed(p) if p.negated)
                        && s.action_matches(self.view.service, self.view.action)
                        && s.resource_matches(
                            self.view.resource,
                            self.view.resource_is_attached,
                            self.view.context,
                        )
                        && s.condition.holds_in(self.view.context, s.effect);
                    forced.then_some(super::document::Applies {
                        principal: PrincipalMatch::Direct,
                    })
                });
                let Some(applies) = applies else { continue };
                let r = Hit {
                    source,
                    policy: index,
                    statement: s,
                };
                match s.effect {
                    Effect::Allow => out.allows.push((r, applies.principal)),
                    Effect::Deny => out.denies.push(r),
                }
            }
        }
        out
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
    let asks_about_set = !request.wildcard_only && request.resource.contains(['*', '?']);
    if !asks_about_set {
        let exact = if request.wildcard_only {
            "*"
        } else {
            request.resource.as_str()
        };
        return decide_for(
            request,
            policies,
            ResourceQuery::Exact(Fields::split(exact)),
        );
    }
    let set = ArnPattern::parse(&request.resource, false, ShortArns::PadWithStar);
    let (case, none) = (
        super::pattern::Case::Insensitive,
        &super::pattern::NoVariables,
    );
    let mut candidates: Vec<ArnPattern> = Vec::new();
    let mut whole_set = false;
    let allow_patterns = policies
        .identity
        .iter()
        .chain(&policies.resource)
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
    let decisions: Vec<Decision> = candidates
        .iter()
        .map(|c| decide_for(request, policies, ResourceQuery::Pattern(c)))
        .collect();
    let best = decisions
        .iter()
        .position(|d| d.outcome == Outcome::Allow)
        .or_else(|| {
            decisions
                .iter()
                .position(|d| d.outcome == Outcome::ExplicitDeny)
        })
        .unwrap_or(0);
    decisions
        .into_iter()
        .nth(best)
        .expect("at least one candidate")
}

/// Decides the request for one resource, or one set of resources.
fn decide_for(request: &Request, policies: &PolicySet, resource: ResourceQuery<'_>) -> Decision {
    let (service_raw, name) = request
        .action
        .split_once(':')
        .unwrap_or((&request.action, ""));
    let service: std::borrow::Cow<str> = if service_raw.bytes().any(|b| b.is_ascii_uppercase()) {
        service_raw.to_ascii_lowercase().into()
    } else {
        service_raw.into()
    };
    let caller = &request.caller;
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

    // 0. GetCallerIdentity needs no permission.
    if service == "sts"
        && name.eq_ignore_ascii_case("GetCallerIdentity")
        && *caller != Caller::Anonymous
    {
        return allow(Vec::new());
    }

    let eval = Evaluator {
        view: RequestView {
            caller,
            service: &service,
            action: name,
            resource,
            context: &request.context,
            resource_is_attached: true,
        },
        has_boundary: !policies.boundaries.is_empty(),
    };
    let owner = request.owner();
    let same_account = owner.is_some() && caller.account() == owner;
    let iam_identity = caller.is_iam_identity();
    let is_root = matches!(caller, Caller::Root { .. });
    let scps_apply =
        (iam_identity || is_root) && !policies.scps.is_empty() && !is_service_linked(caller);
    let rcps_apply = !policies.rcps.is_empty() && RCP_SERVICES.contains(&service.as_ref());

    let scp_levels: Vec<Applicable> = if scps_apply {
        policies
            .scps
            .iter()
            .enumerate()
            .map(|(l, level)| eval.scan(Source::Scp(l), level.iter().map(|p| &**p).enumerate()))
            .collect()
    } else {
        Vec::new()
    };
    let rcp_levels: Vec<Applicable> = if rcps_apply {
        policies
            .rcps
            .iter()
            .enumerate()
            .map(|(l, level)| eval.scan(Source::Rcp(l), level.iter().map(|p| &**p).enumerate()))
            .collect()
    } else {
        Vec::new()
    };
    let resource_policy = eval.scan(
        Source::Resource,
        policies.resource.iter().map(|p| (0, &**p)),
    );
    let (identity, boundary, session) = if iam_identity {
        (
            eval.scan(
                Source::Identity,
                policies.identity.iter().map(|p| &**p).enumerate(),
            ),
            eval.scan(
                Source::Boundary,
                policies.boundaries.iter().map(|p| &**p).enumerate(),
            ),
            eval.scan(Source::Session, policies.session.iter().map(|p| (0, p))),
        )
    } else {
        Default::default()
    };
    let endpoint = eval.scan(
        Source::Endpoint,
        policies.endpoints.iter().flatten().enumerate(),
    );

    // 1. Any applicable Deny.
    let denies: Vec<Hit<'_>> = scp_levels
        .iter()
        .chain(&rcp_levels)
        .chain([&resource_policy, &identity, &boundary, &session, &endpoint])
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
    if is_immutable(&service, name, &request.resource) {
        return implicit(Blocker::Immutable);
    }
    // 2.–4. Guardrails: every level needs an applicable Allow.
    if let Some(level) = rcp_levels.iter().position(|l| l.allows.is_empty()) {
        return implicit(Blocker::Rcp(level));
    }
    if let Some(level) = scp_levels.iter().position(|l| l.allows.is_empty()) {
        return implicit(Blocker::Scp(level));
    }
    if policies.endpoints.is_some() && endpoint.allows.is_empty() {
        return implicit(Blocker::Endpoint);
    }

    // 5. The grant.
    fn refs<'p>(a: &Applicable<'p>) -> Vec<Hit<'p>> {
        a.allows.iter().map(|(r, _)| *r).collect()
    }
    // Trust and key policies are strict: identity policies alone never reach the resource. A
    // key always has a key policy, so a missing one admits nobody; a request about a role
    // without its trust policy is decided on the identity side alone.
    let strict = is_trust_action(&service, name) && policies.resource.is_some()
        || service == "kms" && is_kms_key(&request.resource);
    if is_root && is_trust_action(&service, name) {
        return implicit(Blocker::Identity);
    }
    let id_ok = is_root || !identity.allows.is_empty();
    let pb_ok = !eval.has_boundary || !boundary.allows.is_empty();
    let session_ok = match &policies.session {
        Some(_) => !session.allows.is_empty(),
        None => !matches!(caller, Caller::FederatedUser { .. }),
    };
    let identity_ok = id_ok && pb_ok && session_ok;
    let mut identity_refs = refs(&identity);
    identity_refs.extend(refs(&boundary));
    identity_refs.extend(refs(&session));
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
            PrincipalMatch::Direct if strict && iam_identity && is_trust_action(&service, name) => {
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
    if !same_account {
        return if rp_any && identity_ok {
            let mut statements = identity_refs;
            statements.extend(refs(&resource_policy));
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
            statements.extend(refs(&resource_policy));
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

//! Policy documents: the typed model and how it is read from JSON (spec §1).

use super::arn::{ArnPattern, Fields, ShortArns};
use super::condition::{Clause, Condition, Operand, Operator, OperatorError};
use super::pattern::{Case, Pattern, Syntax, Variables};
use super::principal::{Caller, PrincipalEntry, PrincipalMatch};
use crate::diag::Diagnostic;
use crate::json::pointer_token;
use crate::json::{Json, Object};
use std::fmt;

/// The role a document plays; it decides which elements are required or forbidden (§1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum PolicyKind {
    /// Inline or managed identity policy of a user, group or role.
    Identity,
    /// A permissions boundary.
    Boundary,
    /// A session policy.
    Session,
    /// A role's trust policy.
    Trust,
    /// A resource policy (S3 bucket, KMS key, SQS queue, ...).
    Resource,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
    /// A VPC endpoint policy.
    Endpoint,
}

impl PolicyKind {
    /// True for kinds that must have a Principal.
    pub fn needs_principal(self) -> bool {
        matches!(
            self,
            PolicyKind::Trust | PolicyKind::Resource | PolicyKind::Rcp | PolicyKind::Endpoint
        )
    }

    /// True for IAM's own policy kinds (stricter Sid rules, no Id).
    pub fn is_iam(self) -> bool {
        matches!(
            self,
            PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session | PolicyKind::Trust
        )
    }

    /// How short ARNs in Resource read in this kind of document (spec §2 step 5).
    pub fn short_arns(self) -> ShortArns {
        match self {
            PolicyKind::Resource | PolicyKind::Trust | PolicyKind::Rcp | PolicyKind::Endpoint => {
                ShortArns::MatchNothing
            }
            _ => ShortArns::PadWithStar,
        }
    }

    /// The lowercase name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Session => "session",
            PolicyKind::Trust => "trust",
            PolicyKind::Resource => "resource",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
            PolicyKind::Endpoint => "endpoint",
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The policy language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2012-10-17`: policy variables are expanded.
    V2012,
    /// `2008-10-17`, or no Version: `${...}` is literal text.
    V2008,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Grants.
    Allow,
    /// Denies, overriding every Allow.
    Deny,
}

/// One entry of `Action` / `NotAction`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ActionPattern {
    /// `"*"`.
    Any,
    /// `service:name-glob`; the service is lowercased, the name matched ignoring case.
    Service {
        /// The service prefix, lowercased.
        service: Box<str>,
        /// The action name glob.
        name: Pattern,
    },
    /// Text that names no action (reported by the validator).
    Invalid(String),
}

impl ActionPattern {
    /// Parses one Action value.
    pub fn parse(text: &str) -> ActionPattern {
        if text == "*" {
            return ActionPattern::Any;
        }
        match text.split_once(':') {
            Some((service, name))
                if !service.is_empty()
                    && !name.is_empty()
                    && !text.contains(char::is_whitespace)
                    && !service.contains(['*', '?', ':']) =>
            {
                let syntax = Syntax {
                    wildcards: true,
                    variables: false,
                };
                ActionPattern::Service {
                    service: service.to_ascii_lowercase().into(),
                    name: Pattern::parse(name, syntax).0,
                }
            }
            _ => ActionPattern::Invalid(text.to_string()),
        }
    }

    /// Does `service:name` match? `service` must be lowercase; the name may have any case.
    pub fn matches(&self, service: &str, name: &str) -> bool {
        match self {
            ActionPattern::Any => true,
            ActionPattern::Service {
                service: s,
                name: n,
            } => {
                **s == *service && n.matches(name, Case::Insensitive, &super::pattern::NoVariables)
            }
            ActionPattern::Invalid(_) => false,
        }
    }
}

impl fmt::Display for ActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionPattern::Any => f.write_str("*"),
            ActionPattern::Service { service, name } => write!(f, "{service}:{name}"),
            ActionPattern::Invalid(text) => f.write_str(text),
        }
    }
}

/// A list of patterns under `X` or `NotX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Clause2<T> {
    /// `NotAction` / `NotResource` / `NotPrincipal`.
    pub negated: bool,
    /// The patterns; the element matches if any does (or none does, when negated).
    pub items: Vec<T>,
}

/// `Action` or `NotAction`.
pub type Actions = Clause2<ActionPattern>;
/// `Resource` or `NotResource`.
pub type Resources = Clause2<ArnPattern>;
/// `Principal` or `NotPrincipal`.
pub type Principals = Clause2<PrincipalEntry>;

/// The Principal element of a statement, or what its absence means for the document's kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrincipalElement {
    /// No Principal, as identity, boundary, session and SCP documents have: the caller.
    Implied,
    /// No Principal in a document that needs one: the statement matches nobody.
    Missing,
    /// `Principal` or `NotPrincipal`.
    Listed(Principals),
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `Sid`, if any.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` / `NotPrincipal`, or what its absence means.
    pub principal: PrincipalElement,
    /// `Action` / `NotAction`.
    pub action: Actions,
    /// `Resource` / `NotResource`; `None` means "the resource the policy is attached to".
    pub resource: Option<Resources>,
    /// `Condition`.
    pub condition: Condition,
    /// JSON pointer of the statement in its document (`/Statement/2`, or `/Statement`).
    pub pointer: String,
    /// The Action element's items by service, to match a long list without scanning it.
    action_order: ActionOrder,
}

/// The `service:name` items of a long Action list, by the hash of their service
/// ([`ServiceKey`]): a request compares names only with the items of its own service. Short
/// lists are scanned as they are.
#[derive(Debug, Clone, Default, PartialEq)]
struct ActionOrder {
    /// The hash of the service of each `service:name` item and its index, sorted by hash;
    /// empty for a short list.
    by_service: Box<[(u64, u32)]>,
    /// The list holds `"*"`.
    any: bool,
}

impl ActionOrder {
    /// Lists shorter than this are scanned: a binary search does not pay for them.
    const SHORT: usize = 8;

    fn build(items: &[ActionPattern]) -> ActionOrder {
        if items.len() < Self::SHORT {
            return ActionOrder::default();
        }
        let mut by_service: Vec<(u64, u32)> = (items.iter().zip(0..))
            .filter_map(|(item, i)| match item {
                ActionPattern::Service { service, .. } => Some((ServiceKey::new(service).hash, i)),
                _ => None,
            })
            .collect();
        by_service.sort_unstable();
        ActionOrder {
            by_service: by_service.into(),
            any: items.contains(&ActionPattern::Any),
        }
    }

    /// Does some item of `items` (the list this order was built from) match `service:name`?
    fn any_matches(&self, items: &[ActionPattern], service: &str, name: &str) -> bool {
        if items.len() < Self::SHORT {
            return items.iter().any(|p| p.matches(service, name));
        }
        if self.any {
            return true;
        }
        // Items of another service with the same hash fail `matches` on their service.
        let hash = ServiceKey::new(service).hash;
        let start = self.by_service.partition_point(|&(h, _)| h < hash);
        self.by_service[start..]
            .iter()
            .take_while(|&&(h, _)| h == hash)
            .any(|&(_, i)| items[i as usize].matches(service, name))
    }
}

/// A policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The kind it was read as.
    pub kind: PolicyKind,
    /// `Version`; `None` if absent (read as 2008-10-17).
    pub version: Option<Version>,
    /// `Id`.
    pub id: Option<String>,
    /// The statements.
    pub statements: Vec<Statement>,
    /// The statements by the services their Action element names.
    pub index: StatementIndex,
}

/// Which statements can apply to which service: a request looks only at those.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementIndex {
    /// Service prefix (lowercase) with its hash ([`ServiceKey`]) and the statements whose
    /// Action names it, sorted by hash and name.
    by_service: Vec<(u64, Box<str>, Vec<u32>)>,
    /// Statements that can apply to any service (`"*"`, NotAction).
    any_service: Vec<u32>,
}

impl StatementIndex {
    /// Indexes `statements` by the service prefixes of their Action patterns.
    pub fn build(statements: &[Statement]) -> StatementIndex {
        let mut index = StatementIndex::default();
        for (i, s) in statements.iter().enumerate() {
            let i = i as u32;
            let any = s.action.negated
                || s.action
                    .items
                    .iter()
                    .any(|a| matches!(a, ActionPattern::Any));
            if any {
                index.any_service.push(i);
                continue;
            }
            for a in &s.action.items {
                let ActionPattern::Service { service, .. } = a else {
                    continue;
                };
                let key = ServiceKey::new(service);
                let found = index
                    .by_service
                    .binary_search_by(|(h, k, _)| (*h, &**k).cmp(&(key.hash, service)));
                match found {
                    Ok(at) => {
                        let list = &mut index.by_service[at].2;
                        if list.last() != Some(&i) {
                            list.push(i);
                        }
                    }
                    Err(at) => {
                        let entry = (key.hash, service.clone(), vec![i]);
                        index.by_service.insert(at, entry);
                    }
                }
            }
        }
        index
    }

    /// The statements that may apply to `service`, in document order.
    pub fn candidates(&self, service: ServiceKey<'_>) -> impl Iterator<Item = usize> + '_ {
        let from = self.by_service.partition_point(|(h, ..)| *h < service.hash);
        let specific = self.by_service[from..]
            .iter()
            .take_while(|(h, ..)| *h == service.hash)
            .find(|(_, k, _)| **k == *service.name)
            .map_or(&[][..], |(.., list)| list.as_slice());
        Merge {
            a: &self.any_service,
            b: specific,
        }
    }
}

/// A service prefix (lowercase) and its hash: a request hashes its service once and looks it
/// up in the [`StatementIndex`] of every policy by the hash, comparing names only on a match.
#[derive(Debug, Clone, Copy)]
pub struct ServiceKey<'a> {
    name: &'a str,
    hash: u64,
}

impl<'a> ServiceKey<'a> {
    /// The key of `service` (lowercase).
    pub fn new(service: &'a str) -> ServiceKey<'a> {
        use std::hash::Hasher;
        let mut hasher = rustc_hash::FxHasher::default();
        hasher.write(service.as_bytes());
        ServiceKey {
            name: service,
            hash: hasher.finish(),
        }
    }
}

/// Two ascending lists of statement indices merged into one.
struct Merge<'a> {
    a: &'a [u32],
    b: &'a [u32],
}

impl Iterator for Merge<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let take_a = match (self.a.first(), self.b.first()) {
            (Some(x), Some(y)) => x < y,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        let list = if take_a { &mut self.a } else { &mut self.b };
        let (&first, rest) = list.split_first()?;
        *list = rest;
        Some(first as usize)
    }
}

/// A document read from JSON: the policy (as far as it could be understood) and every problem.
///
/// Errors come in two grades. Most say that AWS would reject the document although its
/// meaning is clear (a wildcard in a Principal ARN, Resource in a trust policy): the policy
/// is still `complete` and can be evaluated as written. Some mean that part of the document
/// could not be read at all (a statement without Effect): then `complete` is false, and
/// evaluating what is left would silently drop input.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The policy, `None` if the document is not an object at all.
    pub policy: Option<Policy>,
    /// True if every element of the document is in `policy`.
    pub complete: bool,
    /// Errors and warnings, located by JSON pointer.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// True if any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        crate::diag::has_errors(&self.diagnostics)
    }

    /// The policy if it is complete, however many lint errors it has; else the first error.
    pub fn into_evaluable(self) -> Result<(Policy, Vec<Diagnostic>), Diagnostic> {
        match self.policy {
            Some(policy) if self.complete => Ok((policy, self.diagnostics)),
            _ => Err(self
                .diagnostics
                .into_iter()
                .find(|d| d.severity == crate::diag::Severity::Error)
                .unwrap_or_else(|| Diagnostic::error("not-a-policy", "", "not a policy document"))),
        }
    }

    /// The policy if there are no errors, else the first error.
    pub fn into_result(self) -> Result<Policy, Diagnostic> {
        match (
            self.policy,
            self.diagnostics
                .iter()
                .find(|d| d.severity == crate::diag::Severity::Error),
        ) {
            (Some(policy), None) => Ok(policy),
            (_, Some(error)) => Err(error.clone()),
            (None, None) => Err(Diagnostic::error(
                "not-a-policy",
                "",
                "not a policy document",
            )),
        }
    }
}

impl Policy {
    /// Reads a policy document of the given kind from parsed JSON.
    pub fn from_json(value: &serde_json::Value, kind: PolicyKind) -> Parsed {
        Policy::from_tree(&Json::from(value), kind)
    }

    /// Reads a policy document of the given kind from a JSON tree.
    pub fn from_tree(value: &Json<'_>, kind: PolicyKind) -> Parsed {
        let mut reader = Reader {
            kind,
            variables: false,
            diagnostics: Vec::new(),
            complete: true,
        };
        let policy = reader.document(value);
        Parsed {
            complete: reader.complete && policy.is_some(),
            policy,
            diagnostics: reader.diagnostics,
        }
    }

    /// Reads a policy document from JSON text (duplicate keys are errors).
    pub fn from_text(text: &str, kind: PolicyKind) -> Parsed {
        match Json::parse(text) {
            Ok(value) => Policy::from_tree(&value, kind),
            Err(e) => Parsed {
                policy: None,
                complete: false,
                diagnostics: vec![Diagnostic::error(
                    "invalid-json",
                    "",
                    format!("invalid JSON: {e}"),
                )],
            },
        }
    }
}

/// What a statement says about one request, as decided by [`Statement::applies`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applies {
    /// How the Principal element matched the caller (`Direct` when there is none).
    pub principal: PrincipalMatch,
}

/// The resource of a request.
#[derive(Debug, Clone, Copy)]
pub enum ResourceQuery<'a> {
    /// One resource ARN (split into fields), or `"*"` for actions that have no resource type.
    Exact(Fields<'a>),
    /// A pattern (`arn:aws:s3:::bkt/*`, or `"*"` for an action that has resource types):
    /// "is there a resource matching it for which the request is allowed?". An Allow applies if
    /// it covers some of those resources, a Deny only if it covers all of them.
    Pattern(&'a ArnPattern),
}

/// A request as a statement sees it.
pub struct RequestView<'a> {
    /// The caller.
    pub caller: &'a Caller,
    /// The action's service prefix, lowercased.
    pub service: &'a str,
    /// The action name, any case.
    pub action: &'a str,
    /// The resource, or the set of resources the caller asks about.
    pub resource: ResourceQuery<'a>,
    /// The context.
    pub context: &'a super::context::Context,
    /// True if the request resource is the one the policy is attached to (a statement
    /// without Resource applies).
    pub resource_is_attached: bool,
}

impl Statement {
    /// The single definition of what a statement means: does it apply to `request`, and how
    /// did its Principal match? (spec §2, §3)
    pub fn applies(&self, request: &RequestView<'_>) -> Option<Applies> {
        let principal = self.matches(request)?;
        self.condition
            .holds_in(request.context, self.effect)
            .then_some(Applies { principal })
    }

    /// [`Statement::applies`] but for the Condition block: do the Action, Resource and
    /// Principal elements cover `request`, and how did its Principal match? The answer does
    /// not depend on the stance of a symbolic context (only a condition's does).
    pub fn matches(&self, request: &RequestView<'_>) -> Option<PrincipalMatch> {
        if !self.action_matches(request.service, request.action) {
            return None;
        }
        if !self.resource_matches(
            request.resource,
            request.resource_is_attached,
            request.context,
        ) {
            return None;
        }
        self.principal_matches(request.caller)
    }

    /// Does the Action / NotAction element cover `service:name`?
    pub fn action_matches(&self, service: &str, name: &str) -> bool {
        let any = self
            .action_order
            .any_matches(&self.action.items, service, name);
        any != self.action.negated
    }

    /// Does a pattern of the Resource / NotResource element read a policy variable? Then
    /// what it covers depends on the caller's keys.
    pub fn resource_has_variables(&self) -> bool {
        self.resource
            .as_ref()
            .is_some_and(|r| r.items.iter().any(|p| p.has_variables()))
    }

    /// Does the Resource / NotResource element cover `resource`?
    pub fn resource_matches(
        &self,
        resource: ResourceQuery<'_>,
        attached: bool,
        vars: &dyn Variables,
    ) -> bool {
        let Some(r) = &self.resource else {
            return attached;
        };
        let case = Case::Insensitive;
        match resource {
            ResourceQuery::Exact(arn) => {
                r.items.iter().any(|p| p.matches_fields(&arn, case, vars)) != r.negated
            }
            // Allow: some requested resource is covered; Deny: all of them are.
            ResourceQuery::Pattern(q) => match (self.effect, r.negated) {
                (Effect::Allow, false) => r.items.iter().any(|p| p.intersects(q, case, vars)),
                (Effect::Allow, true) => !r.items.iter().any(|p| p.covers(q, case, vars)),
                (Effect::Deny, false) => r.items.iter().any(|p| p.covers(q, case, vars)),
                (Effect::Deny, true) => !r.items.iter().any(|p| p.intersects(q, case, vars)),
            },
        }
    }

    /// How the Principal / NotPrincipal element names `caller`.
    pub fn principal_matches(&self, caller: &Caller) -> Option<PrincipalMatch> {
        let p = match &self.principal {
            PrincipalElement::Implied => return Some(PrincipalMatch::Direct),
            PrincipalElement::Missing => return None,
            PrincipalElement::Listed(p) => p,
        };
        let best = p.items.iter().filter_map(|e| e.matches(caller)).max();
        match (p.negated, best) {
            (false, found) => found,
            (true, None) => Some(PrincipalMatch::Direct),
            (true, Some(_)) => None,
        }
    }
}

/// Reads JSON into the model, collecting diagnostics.
struct Reader {
    kind: PolicyKind,
    variables: bool,
    diagnostics: Vec<Diagnostic>,
    /// False once an element could not be read into the model.
    complete: bool,
}

const TOP_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

impl Reader {
    fn error(
        &mut self,
        code: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::error(code, pointer, message));
    }

    /// An error about an element that could not be read: the policy is incomplete.
    fn unreadable(
        &mut self,
        code: &'static str,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.complete = false;
        self.error(code, pointer, message);
    }

    fn warn(&mut self, code: &'static str, pointer: impl Into<String>, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning(code, pointer, message));
    }

    fn document(&mut self, value: &Json<'_>) -> Option<Policy> {
        let Some(object) = value.as_object() else {
            self.unreadable(
                "not-an-object",
                "",
                format!(
                    "a policy document must be a JSON object, not {}",
                    kind_of(value)
                ),
            );
            return None;
        };
        for key in object.keys() {
            if !TOP_KEYS.contains(&key) {
                self.unknown_element(key, "", TOP_KEYS);
            }
        }
        let version = match object.get("Version") {
            None => None,
            Some(Json::String(v)) if v == "2012-10-17" => Some(Version::V2012),
            Some(Json::String(v)) if v == "2008-10-17" => Some(Version::V2008),
            Some(other) => {
                self.unreadable(
                    "bad-version",
                    "/Version",
                    format!("Version must be \"2012-10-17\" or \"2008-10-17\", not {other}"),
                );
                None
            }
        };
        self.variables = version == Some(Version::V2012);
        if self.kind == PolicyKind::Rcp && version != Some(Version::V2012) {
            self.error(
                "bad-version",
                "/Version",
                "a resource control policy must have Version \"2012-10-17\"",
            );
        }
        let id = match object.get("Id") {
            None => None,
            Some(Json::String(id)) => {
                if matches!(
                    self.kind,
                    PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session
                ) {
                    self.warn(
                        "id-in-identity-policy",
                        "/Id",
                        "IAM's grammar does not allow Id in identity policies",
                    );
                }
                Some(id.to_string())
            }
            Some(other) => {
                self.error(
                    "bad-id",
                    "/Id",
                    format!("Id must be a string, not {}", kind_of(other)),
                );
                None
            }
        };
        let statements = match object.get("Statement") {
            None => {
                self.unreadable("missing-statement", "", "the document has no Statement");
                Vec::new()
            }
            Some(Json::Array(items)) if items.len() as u64 > crate::limits::STATEMENTS.get() => {
                self.unreadable(
                    "limit",
                    "/Statement",
                    crate::limits::STATEMENTS
                        .exceeded(format!("the document has {} statements", items.len())),
                );
                Vec::new()
            }
            Some(Json::Array(items)) => {
                if items.is_empty() {
                    self.warn(
                        "empty-statement",
                        "/Statement",
                        "an empty Statement list grants and denies nothing",
                    );
                }
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, s)| self.statement(s, format!("/Statement/{i}")))
                    .collect()
            }
            Some(s @ Json::Object(_)) => self
                .statement(s, "/Statement".to_string())
                .into_iter()
                .collect(),
            Some(other) => {
                self.unreadable(
                    "bad-statement",
                    "/Statement",
                    format!(
                        "Statement must be an object or an array of objects, not {}",
                        kind_of(other)
                    ),
                );
                Vec::new()
            }
        };
        self.check_sids(&statements);
        if version != Some(Version::V2012) {
            self.warn_literal_variables(value);
        }
        Some(Policy {
            kind: self.kind,
            version,
            id,
            index: StatementIndex::build(&statements),
            statements,
        })
    }

    fn unknown_element(&mut self, key: &str, at: &str, known: &[&str]) {
        let hint = known
            .iter()
            .find(|k| k.eq_ignore_ascii_case(key))
            .map(|k| format!(" (element names are case-sensitive: did you mean \"{k}\"?)"))
            .unwrap_or_default();
        self.unreadable(
            "unknown-element",
            format!("{at}/{}", pointer_token(key)),
            format!("unknown element \"{key}\"{hint}"),
        );
    }

    fn statement(&mut self, value: &Json<'_>, at: String) -> Option<Statement> {
        let Some(object) = value.as_object() else {
            self.unreadable(
                "bad-statement",
                at,
                format!("a statement must be an object, not {}", kind_of(value)),
            );
            return None;
        };
        for key in object.keys() {
            if !STATEMENT_KEYS.contains(&key) {
                self.unknown_element(key, &at, STATEMENT_KEYS);
            }
        }
        let sid = match object.get("Sid") {
            None => None,
            Some(Json::String(s)) => Some(s.to_string()),
            Some(other) => {
                self.error(
                    "bad-sid",
                    format!("{at}/Sid"),
                    format!("Sid must be a string, not {}", kind_of(other)),
                );
                None
            }
        };
        let effect = match object.get("Effect") {
            Some(Json::String(e)) if e == "Allow" => Some(Effect::Allow),
            Some(Json::String(e)) if e == "Deny" => Some(Effect::Deny),
            Some(other) => {
                self.unreadable(
                    "bad-effect",
                    format!("{at}/Effect"),
                    format!("Effect must be \"Allow\" or \"Deny\" (case-sensitive), not {other}"),
                );
                None
            }
            None => {
                self.unreadable("missing-effect", at.clone(), "the statement has no Effect");
                None
            }
        };
        let action = self
            .either(object, &at, "Action", "NotAction", true)
            .map(|values| Clause2 {
                negated: values.negated,
                items: values
                    .texts
                    .iter()
                    .enumerate()
                    .map(|(i, text)| self.action(text, values.place(&at, i)))
                    .collect(),
            });
        let resource = self.resources(object, &at);
        let principal = self.principals(object, &at, effect);
        let condition = match object.get("Condition") {
            None => Condition::default(),
            Some(c) => self.condition(c, &format!("{at}/Condition")),
        };
        let full_access = action
            .as_ref()
            .is_some_and(|a| !a.negated && a.items == [ActionPattern::Any])
            && resource
                .as_ref()
                .is_some_and(|r| !r.negated && r.items == [ArnPattern::Any])
            && condition.is_empty();
        if self.kind == PolicyKind::Rcp && effect == Some(Effect::Allow) && !full_access {
            self.error(
                "rcp-allow",
                format!("{at}/Effect"),
                "resource control policies can only Deny (the one Allow is AWS's RCPFullAWSAccess)",
            );
        }
        let action = action?;
        Some(Statement {
            sid,
            effect: effect?,
            principal,
            action_order: ActionOrder::build(&action.items),
            action,
            resource,
            condition,
            pointer: at,
        })
    }

    /// Reads exactly one of `key` / `not_key` as a string or non-empty string array.
    fn either<'v>(
        &mut self,
        object: &'v Object<'_>,
        at: &str,
        key: &'static str,
        not_key: &'static str,
        required: bool,
    ) -> Option<Values<'v>> {
        let (negated, name, value) = match (object.get(key), object.get(not_key)) {
            (Some(_), Some(_)) => {
                self.unreadable(
                    "both-elements",
                    format!("{at}/{not_key}"),
                    format!("a statement cannot have both {key} and {not_key}"),
                );
                return None;
            }
            (Some(v), None) => (false, key, v),
            (None, Some(v)) => (true, not_key, v),
            (None, None) => {
                if required {
                    self.unreadable(
                        missing_code(key),
                        at.to_string(),
                        format!("the statement has neither {key} nor {not_key}"),
                    );
                }
                return None;
            }
        };
        let pointer = || format!("{at}/{name}");
        let texts = match value {
            Json::String(s) => vec![s.as_ref()],
            Json::Array(items) if !items.is_empty() => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Json::String(s) => out.push(s.as_ref()),
                        other => self.unreadable(
                            "bad-value",
                            format!("{at}/{name}/{i}"),
                            format!("{name} values must be strings, not {}", kind_of(other)),
                        ),
                    }
                }
                out
            }
            Json::Array(_) => {
                self.unreadable(
                    "bad-value",
                    pointer(),
                    format!("{name} must not be an empty array"),
                );
                return None;
            }
            other => {
                self.unreadable(
                    "bad-value",
                    pointer(),
                    format!(
                        "{name} must be a string or an array of strings, not {}",
                        kind_of(other)
                    ),
                );
                return None;
            }
        };
        Some(Values {
            negated,
            key: name,
            listed: value.as_array().is_some(),
            texts,
        })
    }

    fn action(&mut self, text: &str, place: ValuePlace<'_>) -> ActionPattern {
        let pattern = ActionPattern::parse(text);
        if let ActionPattern::Invalid(_) = pattern {
            let why = if text.contains(char::is_whitespace) {
                "contains whitespace"
            } else if !text.contains(':') {
                "has no service prefix (\"service:Action\")"
            } else if text
                .split(':')
                .next()
                .is_some_and(|s| s.contains(['*', '?']))
            {
                "has a wildcard in its service prefix"
            } else {
                "is not \"service:Action\""
            };
            self.error("bad-action", place, format!("action \"{text}\" {why}"));
        }
        pattern
    }

    fn resources(&mut self, object: &Object<'_>, at: &str) -> Option<Resources> {
        let required = matches!(
            self.kind,
            PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session
        );
        if self.kind == PolicyKind::Trust {
            for key in ["Resource", "NotResource"] {
                if object.contains_key(key) {
                    self.error(
                        "resource-in-trust-policy",
                        format!("{at}/{key}"),
                        format!("a trust policy cannot have {key}: the role is the resource"),
                    );
                }
            }
        }
        let values = self.either(object, at, "Resource", "NotResource", required)?;
        let items = values
            .texts
            .iter()
            .enumerate()
            .map(|(i, text)| self.resource(text, values.place(at, i)))
            .collect();
        Some(Clause2 {
            negated: values.negated,
            items,
        })
    }

    fn resource(&mut self, text: &str, pointer: ValuePlace<'_>) -> ArnPattern {
        if text != "*" && !text.starts_with("arn:") {
            self.error(
                "bad-resource",
                pointer,
                format!("resource \"{text}\" is neither \"*\" nor an ARN"),
            );
            return ArnPattern::Nothing;
        }
        if text != "*" && text.splitn(6, ':').count() < 6 {
            let reading = match self.kind.short_arns() {
                ShortArns::PadWithStar => "missing fields match anything",
                ShortArns::MatchNothing => "it matches nothing",
            };
            self.warn(
                "short-arn",
                pointer,
                format!("ARN \"{text}\" has fewer than six fields; {reading}"),
            );
        }
        let (pattern, problem) =
            ArnPattern::parse_checked(text, self.variables, self.kind.short_arns());
        if let Some(p) = problem {
            self.error("bad-variable", pointer, p.0);
        }
        pattern
    }

    fn principals(
        &mut self,
        object: &Object<'_>,
        at: &str,
        effect: Option<Effect>,
    ) -> PrincipalElement {
        let (negated, key) = match (
            object.contains_key("Principal"),
            object.contains_key("NotPrincipal"),
        ) {
            (true, true) => {
                self.unreadable(
                    "both-elements",
                    format!("{at}/NotPrincipal"),
                    "a statement cannot have both Principal and NotPrincipal",
                );
                return PrincipalElement::Missing;
            }
            (true, false) => (false, "Principal"),
            (false, true) => (true, "NotPrincipal"),
            (false, false) if self.kind == PolicyKind::Endpoint => {
                self.warn(
                    "missing-principal",
                    at.to_string(),
                    "an endpoint policy statement without Principal applies to every principal",
                );
                return PrincipalElement::Implied;
            }
            (false, false) if self.kind.needs_principal() => {
                self.error(
                    "missing-principal",
                    at.to_string(),
                    format!(
                        "a {} policy statement needs a Principal; without one it matches nobody",
                        self.kind
                    ),
                );
                return PrincipalElement::Missing;
            }
            (false, false) => return PrincipalElement::Implied,
        };
        let pointer = || format!("{at}/{key}");
        if !self.kind.needs_principal() {
            self.error(
                "principal-not-allowed",
                pointer(),
                format!("{key} is not allowed in {} policies", self.kind),
            );
        }
        if negated && self.kind == PolicyKind::Trust {
            self.error(
                "not-principal-in-trust",
                pointer(),
                "a trust policy cannot use NotPrincipal",
            );
        } else if negated && effect == Some(Effect::Allow) {
            self.error(
                "not-principal-with-allow",
                pointer(),
                "NotPrincipal can only be used with Deny",
            );
        }
        let items = match object.get(key).unwrap_or(&Json::Null) {
            Json::String(s) if s == "*" => vec![PrincipalEntry::Everyone],
            Json::String(s) => {
                self.error("bad-principal", pointer(), format!("a {key} string must be \"*\"; \"{s}\" belongs in {{\"AWS\": ...}} (read as such)"));
                self.principal_entry("AWS", s, pointer)
                    .into_iter()
                    .collect()
            }
            Json::Object(map) if !map.is_empty() => {
                let mut items = Vec::new();
                for (kind, values) in map {
                    // Where the principals of this kind are, or value `i` of them.
                    let place = |i: Option<usize>| {
                        let at = format!("{}/{}", pointer(), pointer_token(kind));
                        match i {
                            Some(i) => format!("{at}/{i}"),
                            None => at,
                        }
                    };
                    let texts: Vec<(&str, Option<usize>)> = match values {
                        Json::String(s) => vec![(s, None)],
                        Json::Array(list) if !list.is_empty() => list
                            .iter()
                            .enumerate()
                            .filter_map(|(i, v)| match v {
                                Json::String(s) => Some((s.as_ref(), Some(i))),
                                other => {
                                    self.unreadable(
                                        "bad-principal",
                                        place(Some(i)),
                                        format!(
                                            "principal values must be strings, not {}",
                                            kind_of(other)
                                        ),
                                    );
                                    None
                                }
                            })
                            .collect(),
                        other => {
                            self.unreadable("bad-principal", place(None), format!("{kind} must be a string or a non-empty array of strings, not {}", kind_of(other)));
                            continue;
                        }
                    };
                    for (text, i) in texts {
                        items.extend(self.principal_entry(kind, text, || place(i)));
                    }
                }
                items
            }
            other => {
                self.unreadable(
                    "bad-principal",
                    pointer(),
                    format!(
                        "{key} must be \"*\" or a non-empty object, not {}",
                        kind_of(other)
                    ),
                );
                return PrincipalElement::Missing;
            }
        };
        if self.kind == PolicyKind::Rcp && (negated || items != [PrincipalEntry::Everyone]) {
            self.error(
                "bad-principal",
                format!("{at}/{key}"),
                "a resource control policy's Principal must be \"*\"",
            );
        }
        if self.kind == PolicyKind::Trust && items.contains(&PrincipalEntry::Everyone) {
            self.warn(
                "public-trust",
                format!("{at}/{key}"),
                "the trust policy names every AWS principal (\"*\"): only its conditions limit who may assume the role",
            );
        }
        PrincipalElement::Listed(Clause2 { negated, items })
    }

    /// One principal of type `kind`; `at` writes its JSON pointer if a diagnostic needs it.
    fn principal_entry(
        &mut self,
        kind: &str,
        text: &str,
        at: impl Fn() -> String,
    ) -> Option<PrincipalEntry> {
        let entry = match kind {
            "AWS" => PrincipalEntry::aws(text),
            "Service" => PrincipalEntry::Service(text.to_string()),
            "Federated" => PrincipalEntry::Federated(text.to_string()),
            "CanonicalUser" => {
                self.warn("canonical-user", at(), "CanonicalUser principals cannot be resolved to accounts offline; they match no request");
                PrincipalEntry::CanonicalUser(text.to_string())
            }
            _ => {
                self.unreadable("bad-principal", at(), format!("unknown principal type \"{kind}\" (expected AWS, Service, Federated or CanonicalUser)"));
                return None;
            }
        };
        if let PrincipalEntry::Invalid(text) = &entry {
            let why = if text.contains(['*', '?']) {
                "a principal ARN cannot contain wildcards (only \"*\" alone)"
            } else if text.starts_with("AID") || text.starts_with("ARO") {
                "a unique ID is what IAM leaves when the user or role it named was deleted"
            } else {
                "it is not an account, user, role, assumed-role or federated-user ARN"
            };
            self.error(
                "bad-principal",
                at(),
                format!("principal \"{text}\" matches nothing: {why}"),
            );
        }
        Some(entry)
    }

    fn condition(&mut self, value: &Json<'_>, at: &str) -> Condition {
        let Some(operators) = value.as_object() else {
            self.unreadable(
                "bad-condition",
                at,
                format!("Condition must be an object, not {}", kind_of(value)),
            );
            return Condition::default();
        };
        let mut clauses = Vec::new();
        for (name, keys) in operators {
            let op_at = format!("{at}/{}", pointer_token(name));
            let operator = match Operator::parse(name) {
                Ok((op, miscased)) => {
                    if miscased {
                        self.warn(
                            "operator-case",
                            op_at.clone(),
                            format!("operator \"{name}\" is spelled \"{op}\" by AWS"),
                        );
                    }
                    op
                }
                Err(OperatorError::Unknown) => {
                    self.unreadable(
                        "unknown-operator",
                        op_at,
                        format!("unknown condition operator \"{name}\""),
                    );
                    continue;
                }
                Err(OperatorError::QualifiedNull) => {
                    self.unreadable(
                        "qualified-null",
                        op_at,
                        "Null takes neither ForAnyValue/ForAllValues nor IfExists",
                    );
                    continue;
                }
            };
            let Some(keys) = keys.as_object() else {
                self.unreadable(
                    "bad-condition",
                    op_at,
                    format!(
                        "the value of {name} must be an object of condition keys, not {}",
                        kind_of(keys)
                    ),
                );
                continue;
            };
            for (key, values) in keys {
                let key_at = format!("{op_at}/{}", pointer_token(key));
                if let Some(clause) = self.clause(operator, key, values, &key_at) {
                    clauses.push(clause);
                }
            }
        }
        Condition { clauses }
    }

    fn clause(
        &mut self,
        operator: Operator,
        key: &str,
        values: &Json<'_>,
        at: &str,
    ) -> Option<Clause> {
        let list = match values {
            Json::Array(items) if items.is_empty() => {
                self.unreadable(
                    "bad-condition-value",
                    at,
                    "a condition key needs at least one value",
                );
                return None;
            }
            Json::Array(items) => items.as_slice(),
            single => std::slice::from_ref(single),
        };
        let mut operands = Vec::new();
        let mut texts = Vec::new();
        for (i, value) in list.iter().enumerate() {
            let pointer = || match values {
                Json::Array(_) => format!("{at}/{i}"),
                _ => at.to_string(),
            };
            let text = match value {
                Json::String(s) => s.to_string(),
                Json::Number(n) => n.to_string(),
                Json::Bool(b) => b.to_string(),
                other => {
                    self.unreadable(
                        "bad-condition-value",
                        pointer(),
                        format!(
                            "condition values must be strings, numbers or booleans, not {}",
                            kind_of(other)
                        ),
                    );
                    continue;
                }
            };
            let variables = self.variables && operator.takes_variables();
            if variables {
                let syntax = Syntax {
                    wildcards: false,
                    variables: true,
                };
                if let Some(problem) = Pattern::parse(&text, syntax).1 {
                    self.error("bad-variable", pointer(), problem.0);
                }
            }
            let operand = Operand::parse(&operator, &text, variables);
            if let Operand::Invalid(_) = operand {
                self.error(
                    "bad-condition-value",
                    pointer(),
                    format!("\"{text}\" is not a valid value for {operator}"),
                );
            }
            operands.push(operand);
            texts.push(text);
        }
        Some(Clause {
            operator,
            key: key.to_string(),
            key_lower: key.to_ascii_lowercase().into(),
            values: operands,
            texts,
        })
    }

    fn check_sids(&mut self, statements: &[Statement]) {
        let mut seen = std::collections::HashSet::new();
        let strict = self.kind.is_iam();
        for s in statements {
            let Some(sid) = &s.sid else { continue };
            let at = || format!("{}/Sid", s.pointer);
            if strict && !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                self.error(
                    "bad-sid",
                    at(),
                    format!("Sid \"{sid}\" may contain only letters and digits in IAM policies"),
                );
            }
            if !sid.is_empty() && !seen.insert(sid.as_str()) {
                if strict {
                    self.error(
                        "duplicate-sid",
                        at(),
                        format!("Sid \"{sid}\" is used twice"),
                    );
                } else {
                    self.warn(
                        "duplicate-sid",
                        at(),
                        format!("Sid \"{sid}\" is used twice"),
                    );
                }
            }
        }
    }

    fn warn_literal_variables(&mut self, value: &Json<'_>) {
        let text = value.to_string();
        if text.contains("${") {
            self.warn("literal-variable", "/Version", "policy variables are expanded only with Version \"2012-10-17\"; here \"${...}\" is literal text");
        }
    }
}

/// The strings of an element such as `Action` or `NotResource`, borrowed from the document.
struct Values<'v> {
    /// True for the `Not` form.
    negated: bool,
    /// The key the element was given under.
    key: &'static str,
    /// True if the element is an array (its values are addressed by index).
    listed: bool,
    /// The strings.
    texts: Vec<&'v str>,
}

impl Values<'_> {
    /// Where value `i` is, in the statement at `statement`.
    fn place<'p>(&self, statement: &'p str, i: usize) -> ValuePlace<'p> {
        ValuePlace {
            statement,
            key: self.key,
            index: self.listed.then_some(i),
        }
    }
}

/// The JSON pointer of one value of an element, written out only when a diagnostic needs it:
/// `{statement}/{key}`, then `/{index}` if the element is an array (a lone string has none).
#[derive(Clone, Copy)]
struct ValuePlace<'p> {
    statement: &'p str,
    key: &'static str,
    index: Option<usize>,
}

impl fmt::Display for ValuePlace<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.statement, self.key)?;
        match self.index {
            Some(i) => write!(f, "/{i}"),
            None => Ok(()),
        }
    }
}

impl From<ValuePlace<'_>> for String {
    fn from(place: ValuePlace<'_>) -> String {
        place.to_string()
    }
}

fn missing_code(key: &str) -> &'static str {
    match key {
        "Action" => "missing-action",
        "Resource" => "missing-resource",
        _ => "missing-element",
    }
}

/// A JSON type name for messages.
pub(crate) fn kind_of(value: &Json<'_>) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_lists_statements_by_service_in_document_order() {
        let text = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},
            {"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Deny","Action":["ec2:Run*","S3:Put*"],"Resource":"*"},
            {"Effect":"Allow","NotAction":"iam:*","Resource":"*"},
            {"Effect":"Allow","Action":"s3 :Get","Resource":"*"}]}"#;
        let policy = Policy::from_text(text, PolicyKind::Identity)
            .policy
            .unwrap();
        let s3: Vec<usize> = policy.index.candidates(ServiceKey::new("s3")).collect();
        assert_eq!(s3, [0, 1, 2, 3]);
        assert_eq!(
            policy
                .index
                .candidates(ServiceKey::new("ec2"))
                .collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(
            policy
                .index
                .candidates(ServiceKey::new("kms"))
                .collect::<Vec<_>>(),
            [1, 3]
        );
    }

    #[test]
    fn a_long_action_list_matches_as_a_short_one_does() {
        let actions = r#"["sqs:Send*","ec2:RunInstances","S3:GetObject","iam:PassRole",
            "kms:Decrypt","s3:Put*","lambda:Invoke?unction","ec2:Describe*","s3:List*","nope"]"#;
        let statement = |element: &str| {
            let text = format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","{element}":{actions},"Resource":"*"}}}}"#
            );
            let policy = Policy::from_text(&text, PolicyKind::Identity).policy;
            policy.unwrap().statements.remove(0)
        };
        let (listed, not_listed) = (statement("Action"), statement("NotAction"));
        for (service, name, expected) in [
            ("s3", "getobject", true),
            ("s3", "PutBucketPolicy", true),
            ("s3", "ListBuckets", true),
            ("s3", "DeleteObject", false),
            ("ec2", "RunInstances", true),
            ("ec2", "DescribeVpcs", true),
            ("ec2", "TerminateInstances", false),
            ("lambda", "InvokeFunction", true),
            ("sqs", "SendMessage", true),
            ("sns", "Publish", false),
            ("nope", "", false),
        ] {
            assert_eq!(
                listed.action_matches(service, name),
                expected,
                "{service}:{name}"
            );
            assert_eq!(
                not_listed.action_matches(service, name),
                !expected,
                "{service}:{name}"
            );
        }
    }
}

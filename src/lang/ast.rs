//! The syntax tree of an `.iam` file, as the grammar (`grammar/model.lalrpop`) builds it.
//!
//! Every node keeps the byte range it was written at, so that the desugaring (the private
//! `lang::desugar`) can point at it. The tree says what was written, not what it means: names are not resolved, account
//! IDs and ARNs are not checked, and one construct may still need several checks to become an
//! IAM JSON document.

use std::ops::Range;

/// A byte range in the source text.
pub type Span = Range<usize>;

/// A word or quoted string, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The text (for a quoted string, without the quotes and with escapes decoded).
    pub text: String,
    /// True if written as a quoted string.
    pub quoted: bool,
    /// Where.
    pub span: Span,
}

/// A whole file: accounts, an organisation, resource policies.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// The top-level items in order.
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `account ID ["name"] { ... }`.
    Account(Account),
    /// `organization [o-ID] [r-ID] management ACCOUNT { ... }`.
    Organization(Organization),
    /// `resource ARN [owner ACCOUNT] BODY`.
    Resource(Resource),
}

/// `account ID ["name"] { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// The account ID as written.
    pub id: Word,
    /// Its name.
    pub name: Option<Word>,
    /// Users, groups, roles, policies and resources.
    pub items: Vec<AccountItem>,
    /// The whole block.
    pub span: Span,
}

/// An item of an account block.
#[derive(Debug, Clone, PartialEq)]
pub enum AccountItem {
    /// `user NAME ...`.
    User(User),
    /// `group NAME ...`.
    Group(Group),
    /// `role NAME ...`.
    Role(Role),
    /// `policy NAME [path "/p/"] BODY`: a customer managed policy.
    Policy(PolicyDecl),
    /// `resource ARN BODY`: a resource policy owned by the account.
    Resource(Resource),
}

/// The header clauses of a user, group or role: `in GROUP, ...` and `path "/p/"`.
#[derive(Debug, Clone, PartialEq)]
pub enum Header {
    /// `in GROUP, ...` (users only).
    In(Vec<Word>, Span),
    /// `path "/p/"`.
    Path(Word),
}

/// `user NAME [in GROUP, ...] [path "/p/"] { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// The user name.
    pub name: Word,
    /// Header clauses, in the order written.
    pub header: Vec<Header>,
    /// Body items.
    pub items: Vec<EntityItem>,
    /// The whole declaration.
    pub span: Span,
}

/// `group NAME [path "/p/"] { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The group name.
    pub name: Word,
    /// Header clauses.
    pub header: Vec<Header>,
    /// Body items.
    pub items: Vec<EntityItem>,
    /// The whole declaration.
    pub span: Span,
}

/// `role NAME [path "/p/"] { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// The role name.
    pub name: Word,
    /// Header clauses.
    pub header: Vec<Header>,
    /// Body items.
    pub items: Vec<EntityItem>,
    /// The whole declaration.
    pub span: Span,
}

/// An item in the body of a user, group or role. Which ones each entity may hold is checked
/// when desugaring, so that the message can say why.
#[derive(Debug, Clone, PartialEq)]
pub enum EntityItem {
    /// `tag KEY = "VALUE";`.
    Tag(Word, Word, Span),
    /// `mfa;`.
    Mfa(Span),
    /// `password;`.
    Password(Span),
    /// `access-keys N;`.
    AccessKeys(Word, Span),
    /// `boundary POLICYREF;`.
    Boundary(Word, Span),
    /// `attach POLICYREF, ...;`.
    Attach(Vec<Word>, Span),
    /// `policy NAME BODY`: an inline policy.
    Policy(PolicyDecl),
    /// `trust PRINCIPAL, ... [when ...];` (roles).
    Trust(TrustLine),
    /// `trust json {...}` or `trust file("...")`: the whole trust policy.
    TrustDocument(Body, Span),
    /// `instance-profile NAME [path "/p/"];` (roles).
    InstanceProfile(Word, Option<Word>, Span),
}

/// `[sid ID] trust PRINCIPAL, ... [when CONDITIONS];`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustLine {
    /// `sid ID`: the statement's `Sid`.
    pub sid: Option<Word>,
    /// Who may assume the role.
    pub principals: Vec<Principal>,
    /// Conditions.
    pub conditions: Vec<Condition>,
    /// The whole line.
    pub span: Span,
}

/// `policy NAME [path "/p/"] BODY`.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDecl {
    /// The policy name.
    pub name: Word,
    /// `path "/p/"` (managed policies only).
    pub path: Option<Word>,
    /// The document.
    pub body: Body,
    /// The whole declaration.
    pub span: Span,
}

/// A policy document: statements, raw JSON, or a JSON file.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// `{ allow ...; deny ...; }`.
    Statements(Vec<Statement>, Span),
    /// `json { ... }`: the document as IAM JSON.
    Json(Json),
    /// `file("path.json")`: the document in a file, relative to the `.iam` file.
    File(Word, Span),
}

impl Body {
    /// Where the body is written.
    pub fn span(&self) -> Span {
        match self {
            Body::Statements(_, span) | Body::File(_, span) => span.clone(),
            Body::Json(json) => json.span.clone(),
        }
    }
}

/// `resource ARN [owner ACCOUNT] BODY`.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The resource ARN.
    pub arn: Word,
    /// `owner ACCOUNT`.
    pub owner: Option<Word>,
    /// The policy.
    pub body: Body,
    /// The whole declaration.
    pub span: Span,
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `allow`.
    Allow,
    /// `deny`.
    Deny,
}

/// `[sid ID] allow|deny [not] ACTIONS [on [not] RESOURCES] [to [not] PRINCIPALS] [when CONDITIONS];`
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `sid ID`: the statement's `Sid`.
    pub sid: Option<Word>,
    /// The effect.
    pub effect: Effect,
    /// `not` before the actions: `NotAction`.
    pub not_actions: bool,
    /// The actions.
    pub actions: Vec<Word>,
    /// `on` and `to` clauses, in the order written.
    pub targets: Vec<Target>,
    /// `when` conditions.
    pub conditions: Vec<Condition>,
    /// The whole statement.
    pub span: Span,
}

/// An `on` or `to` clause.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// `on [not] RESOURCES`.
    On {
        /// `NotResource`.
        not: bool,
        /// The resources.
        resources: Vec<Word>,
        /// The clause.
        span: Span,
    },
    /// `to [not] PRINCIPALS`.
    To {
        /// `NotPrincipal`.
        not: bool,
        /// The principals.
        principals: Vec<Principal>,
        /// The clause.
        span: Span,
    },
}

/// What kind of principal a [`Principal`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// `user NAME[@ACCOUNT]`.
    User,
    /// `role NAME[@ACCOUNT]`.
    Role,
    /// `account ID`.
    Account,
    /// `service NAME`.
    Service,
    /// `federated PROVIDER`.
    Federated,
    /// An ARN, an account ID or `*`, written alone.
    Bare,
}

/// A principal in `trust` or `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    /// Its kind.
    pub kind: PrincipalKind,
    /// The name, ID or ARN.
    pub value: Word,
    /// The whole principal.
    pub span: Span,
}

/// `any` / `all` before a condition: `ForAnyValue:` / `ForAllValues:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// `any`.
    Any,
    /// `all`.
    All,
}

/// The comparison of a condition written with an operator sign or word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// `==` or `in`.
    Equals,
    /// `!=` or `not in`.
    NotEquals,
    /// `like`.
    Like,
    /// `not like`.
    NotLike,
    /// `<`.
    Less,
    /// `<=`.
    LessEquals,
    /// `>`.
    Greater,
    /// `>=`.
    GreaterEquals,
    /// `exists`.
    Exists,
    /// `not exists`.
    Absent,
}

/// One condition of a `when` clause.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `[any|all] KEY OP VALUES`.
    Compare {
        /// `any` / `all`.
        quantifier: Option<(Quantifier, Span)>,
        /// The condition key.
        key: Word,
        /// The comparison.
        comparison: Comparison,
        /// Where the comparison is written.
        op_span: Span,
        /// The values (none for `exists`).
        values: Vec<Word>,
        /// The whole condition.
        span: Span,
    },
    /// `OPERATOR KEY VALUES`: an IAM operator by name, e.g. `StringEqualsIgnoreCase`.
    Operator {
        /// The operator name.
        operator: Word,
        /// The condition key.
        key: Word,
        /// The values.
        values: Vec<Word>,
        /// The whole condition.
        span: Span,
    },
}

impl Condition {
    /// Where the condition is written.
    pub fn span(&self) -> &Span {
        match self {
            Condition::Compare { span, .. } | Condition::Operator { span, .. } => span,
        }
    }
}

/// A JSON value written in a `json { ... }` block, with spans.
#[derive(Debug, Clone, PartialEq)]
pub struct Json {
    /// The value.
    pub value: JsonValue,
    /// Where.
    pub span: Span,
}

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue {
    /// `{ "key": value, ... }`, members in order (duplicates kept for the check).
    Object(Vec<(Word, Json)>),
    /// `[ ... ]`.
    Array(Vec<Json>),
    /// A string.
    String(String),
    /// A number as written (checked when desugaring).
    Number(String),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// `organization [o-ID] [r-ID] management ACCOUNT { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    /// The organisation ID (`o-...`) and the root's (`r-...`), as written.
    pub ids: Vec<Word>,
    /// The management account.
    pub management: Word,
    /// OUs, accounts and policies at the root.
    pub items: Vec<OrgItem>,
    /// The whole block.
    pub span: Span,
}

/// SCP or RCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgPolicyKind {
    /// Service control policy.
    Scp,
    /// Resource control policy.
    Rcp,
}

/// An item of the organisation, an OU or an account in it.
#[derive(Debug, Clone, PartialEq)]
pub enum OrgItem {
    /// `ou NAME { ... }`.
    Unit(OrgUnit),
    /// `account ID ["name"] [{ ... }]` placed here.
    Account(OrgAccount),
    /// `scp NAME;`, `scp [NAME] BODY`, and the same for `rcp`.
    Policy(OrgPolicy),
    /// `detach FullAWSAccess;`.
    Detach(Word, Span),
}

/// `ou NAME [ou-ID] { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgUnit {
    /// Its name.
    pub name: Word,
    /// Its ID, if given.
    pub id: Option<Word>,
    /// Nested OUs, accounts, policies.
    pub items: Vec<OrgItem>,
    /// The whole block.
    pub span: Span,
}

/// `account ID ["name"] [{ scp ...; rcp ...; }]` inside the organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgAccount {
    /// The account ID.
    pub id: Word,
    /// Its name.
    pub name: Option<Word>,
    /// Policies attached to the account.
    pub items: Vec<OrgItem>,
    /// The whole declaration.
    pub span: Span,
}

/// `scp NAME;` (attach a policy declared elsewhere) or `scp [NAME [p-ID]] BODY` (declare and
/// attach).
#[derive(Debug, Clone, PartialEq)]
pub struct OrgPolicy {
    /// SCP or RCP.
    pub kind: OrgPolicyKind,
    /// Its name.
    pub name: Option<Word>,
    /// Its ID, if given.
    pub id: Option<Word>,
    /// The document, when declared here.
    pub body: Option<Body>,
    /// The whole item.
    pub span: Span,
}

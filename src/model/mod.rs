//! The IAM world as plain data: accounts, their principals and policies, the organisation, and
//! resource policies (spec §7, §8, §9). It knows nothing of Datalog.
//!
//! Loaders in the submodules turn each kind of source into a [`World`], recording every problem
//! as a located [`Diagnostic`]; [`World::merge`] combines them.

pub mod authdetails;
mod context;
pub mod export;
mod load;
pub mod organizations;
pub mod resources;
mod summary;
pub mod unknown;

pub use authdetails::resolve;
pub use context::{PrincipalView, ResourceSide};
pub use load::{
    load_paths, load_paths_with, load_str, load_text, max_input_bytes, read_input, read_stdin,
    LoadError, Progress, DEFAULT_MAX_INPUT_BYTES,
};

use crate::diag::{Diagnostic, Located};
use crate::policy::Policy;
use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// A source file, kept so answers can point back into it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it.
    pub name: String,
    /// Its text.
    pub text: Arc<str>,
}

/// Where a policy document or an entity came from: a file and the JSON pointer of the document
/// in it, or for the text language, the construct's span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// Index into [`World::sources`]; `None` for built-in documents (bundled AWS managed
    /// policies, `FullAWSAccess`).
    pub file: Option<usize>,
    /// JSON pointer of the document (for URL-encoded documents, of the string). Empty for
    /// constructs of the text language, which are located by [`Origin::text`].
    pub pointer: String,
    /// For constructs of a text-language (`.iam`) file: where they are, and for documents the
    /// IAM JSON they mean. `None` for JSON sources and built-in documents.
    pub text: Option<Arc<TextOrigin>>,
}

/// Where a construct of a text-language file is, and what a document written there means.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TextOrigin {
    /// Byte range of the construct in the file (a `user` block, a `policy` block, a role's
    /// `trust` lines, ...).
    pub span: Range<usize>,
    /// For documents: the byte range each statement of the JSON was written as, by its index
    /// in `Statement`. Empty for entities.
    pub statements: Vec<Range<usize>>,
    /// For documents: the IAM JSON the construct desugars to (what `iamlog fmt --to json`
    /// prints). `None` for entities.
    pub json: Option<serde_json::Value>,
}

/// A place in a source file, for pointing at an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Index into [`World::sources`].
    pub file: usize,
    /// Byte range of the element.
    pub span: Range<usize>,
    /// The JSON pointer of the element in its file (or, for the text language, in the JSON
    /// the construct means).
    pub pointer: String,
}

impl Origin {
    /// A document or entity at `pointer` in the JSON file `file`.
    pub fn json(file: usize, pointer: impl Into<String>) -> Origin {
        Origin {
            file: Some(file),
            pointer: pointer.into(),
            text: None,
        }
    }

    /// A built-in document, named by `name` (an ARN) where a pointer would be.
    pub fn builtin(name: impl Into<String>) -> Origin {
        Origin {
            file: None,
            pointer: name.into(),
            text: None,
        }
    }

    /// Where `inner` (a JSON pointer inside this origin's document, such as `/Statement/2`, or
    /// empty for the document itself) is in the sources. `None` for built-in documents.
    ///
    /// For JSON sources this is the pointer resolved in the file's text; for the text language,
    /// the span of the statement the pointer is in, else of the whole construct.
    pub fn place(&self, sources: &[SourceFile], inner: &str) -> Option<Place> {
        let file = self.file?;
        let pointer = format!("{}{inner}", self.pointer);
        let span = match &self.text {
            Some(text) => statement_index(inner)
                .and_then(|i| text.statements.get(i))
                .unwrap_or(&text.span)
                .clone(),
            None => {
                let source = sources.get(file)?;
                crate::json::locate(&source.text, &pointer)
                    .map_or(0..0, |l| l.offset..l.offset + l.len)
            }
        };
        Some(Place {
            file,
            span,
            pointer,
        })
    }

    /// Attaches the file, line and column to a diagnostic about this origin (its pointer is
    /// read inside the origin's document). Built-in origins are located at `<built-in>`.
    pub fn locate(&self, diagnostic: Diagnostic, sources: &[SourceFile]) -> Located {
        let Some(place) = self.place(sources, &diagnostic.pointer) else {
            return diagnostic.locate("<built-in>", "");
        };
        let source = &sources[place.file];
        let (line, column) = crate::json::line_column(&source.text, place.span.start);
        Located {
            file: source.name.clone(),
            line,
            column,
            offset: place.span.start,
            len: place.span.len(),
            diagnostic: Diagnostic {
                pointer: place.pointer,
                ..diagnostic
            },
        }
    }
}

/// `2` for `/Statement/2/Action`; `0` for `/Statement` (a single statement object).
fn statement_index(pointer: &str) -> Option<usize> {
    let rest = pointer.strip_prefix("/Statement")?;
    if rest.is_empty() {
        return Some(0);
    }
    let rest = rest.strip_prefix('/')?;
    let digits = rest.split('/').next()?;
    digits.parse().ok()
}

/// A policy document with its origin.
#[derive(Debug, Clone)]
pub struct Document {
    /// The parsed policy.
    pub policy: Arc<Policy>,
    /// Where it came from.
    pub origin: Origin,
}

/// Reads a policy document embedded in a source file at `at`, placing its diagnostics there.
///
/// `held_in` names the JSON string the document came from (`"encoded document"`,
/// `"Content string"`), if it was one: pointers inside the string then go into the message,
/// since a JSON pointer cannot reach into a string. A document that could only partly be read
/// is an error, so answers that involve it are known to be incomplete.
pub(crate) fn read_document(
    doc: &crate::json::Json<'_>,
    kind: crate::policy::PolicyKind,
    file: usize,
    at: String,
    held_in: Option<&str>,
    diagnostics: &mut Vec<crate::diag::Diagnostic>,
) -> Option<Document> {
    use crate::diag::Diagnostic;
    let parsed = Policy::from_tree(doc, kind);
    for d in parsed.diagnostics {
        diagnostics.push(match held_in {
            Some(what) => {
                let inner = if d.pointer.is_empty() {
                    "/".to_string()
                } else {
                    d.pointer.clone()
                };
                Diagnostic {
                    message: format!("{} (at {inner} of the {what})", d.message),
                    pointer: at.clone(),
                    ..d
                }
            }
            None => d.under(&at),
        });
    }
    let complete = parsed.complete;
    let policy = parsed.policy?;
    if !complete {
        diagnostics.push(Diagnostic::error(
            "incomplete-document",
            at.as_str(),
            "part of this policy could not be read; answers that involve it are incomplete",
        ));
    }
    Some(Document {
        policy: Arc::new(policy),
        origin: Origin::json(file, at),
    })
}

/// `{Key, Value}` tags of users and roles.
pub type Tags = Vec<(String, String)>;

/// An inline policy of a user, group or role.
#[derive(Debug, Clone)]
pub struct InlinePolicy {
    /// Its name.
    pub name: String,
    /// Its document.
    pub document: Document,
}

/// What is known of a user's credentials (from a credential report or the text language).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Credentials {
    /// Number of active access keys, if known.
    pub access_keys: Option<u8>,
    /// Whether the user has a console password, if known.
    pub password: Option<bool>,
    /// Whether the user has an MFA device, if known.
    pub mfa: Option<bool>,
}

/// An IAM user.
#[derive(Debug, Clone)]
pub struct User {
    /// Where the entity was defined.
    pub origin: Origin,
    /// `arn:aws:iam::A:user/path/name`.
    pub arn: String,
    /// The user name.
    pub name: String,
    /// The path (`/` by default).
    pub path: String,
    /// The unique ID (`AIDA...`), if given.
    pub id: Option<String>,
    /// Names of the groups the user is in.
    pub groups: Vec<String>,
    /// Inline policies.
    pub inline: Vec<InlinePolicy>,
    /// ARNs of attached managed policies.
    pub attached: Vec<String>,
    /// ARN of the permissions boundary.
    pub boundary: Option<String>,
    /// Tags.
    pub tags: Tags,
    /// Credential state, where known.
    pub credentials: Credentials,
}

/// An IAM group (never a principal).
#[derive(Debug, Clone)]
pub struct Group {
    /// Where the entity was defined.
    pub origin: Origin,
    /// `arn:aws:iam::A:group/path/name`.
    pub arn: String,
    /// The group name.
    pub name: String,
    /// The path.
    pub path: String,
    /// The unique ID (`AGPA...`), if given.
    pub id: Option<String>,
    /// Inline policies.
    pub inline: Vec<InlinePolicy>,
    /// ARNs of attached managed policies.
    pub attached: Vec<String>,
}

/// An IAM role.
#[derive(Debug, Clone)]
pub struct Role {
    /// Where the entity was defined.
    pub origin: Origin,
    /// `arn:aws:iam::A:role/path/name`.
    pub arn: String,
    /// The role name.
    pub name: String,
    /// The path (`/aws-service-role/...` for service-linked roles).
    pub path: String,
    /// The unique ID (`AROA...`), if given.
    pub id: Option<String>,
    /// The trust policy.
    pub trust: Option<Document>,
    /// Inline policies.
    pub inline: Vec<InlinePolicy>,
    /// ARNs of attached managed policies.
    pub attached: Vec<String>,
    /// ARN of the permissions boundary.
    pub boundary: Option<String>,
    /// Tags.
    pub tags: Tags,
    /// ARNs of the instance profiles that hold this role.
    pub instance_profiles: Vec<String>,
    /// When the role was last used, as given.
    pub last_used: Option<String>,
}

impl Role {
    /// True for service-linked roles (path `/aws-service-role/`).
    pub fn is_service_linked(&self) -> bool {
        self.path.starts_with("/aws-service-role/")
    }
}

/// An instance profile: a holder for at most one role.
#[derive(Debug, Clone)]
pub struct InstanceProfile {
    /// `arn:aws:iam::A:instance-profile/path/name`.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// Its path.
    pub path: String,
    /// ARNs of its roles (AWS allows one).
    pub roles: Vec<String>,
}

/// One stored version of a managed policy.
#[derive(Debug, Clone)]
pub struct PolicyVersion {
    /// `v1`, `v2`, ...
    pub id: String,
    /// True for the version in force.
    pub is_default: bool,
    /// The document.
    pub document: Document,
}

/// A managed policy, customer or AWS.
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    /// Where the entity was defined.
    pub origin: Origin,
    /// `arn:aws:iam::A:policy/path/name` or `arn:aws:iam::aws:policy/path/name`.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// Its path.
    pub path: String,
    /// The versions stored (only the default one for bundled AWS policies).
    pub versions: Vec<PolicyVersion>,
}

impl ManagedPolicy {
    /// True for AWS managed policies.
    pub fn is_aws_managed(&self) -> bool {
        self.arn.contains(":iam::aws:policy/")
    }

    /// The version in force.
    pub fn default_version(&self) -> Option<&PolicyVersion> {
        self.versions.iter().find(|v| v.is_default)
    }
}

/// One AWS account's IAM.
#[derive(Debug, Clone, Default)]
pub struct Account {
    /// The 12-digit account ID.
    pub id: String,
    /// A name, if a source gave one.
    pub name: Option<String>,
    /// Users.
    pub users: Vec<User>,
    /// Groups.
    pub groups: Vec<Group>,
    /// Roles.
    pub roles: Vec<Role>,
    /// Instance profiles.
    pub instance_profiles: Vec<InstanceProfile>,
    /// Managed policies defined in the account or listed by its source (AWS managed ones
    /// included when the source lists them).
    pub policies: Vec<ManagedPolicy>,
}

/// A policy attached to a resource (S3 bucket, KMS key, SQS queue, ...).
#[derive(Debug, Clone)]
pub struct ResourcePolicy {
    /// The resource ARN.
    pub arn: String,
    /// The owning account (needed for S3 ARNs, which carry none).
    pub account: String,
    /// The document.
    pub document: Document,
}

/// An SCP or RCP.
#[derive(Debug, Clone)]
pub struct OrgPolicy {
    /// `p-...`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The document.
    pub document: Document,
    /// IDs of the roots, OUs and accounts it is attached to.
    pub targets: Vec<String>,
}

/// An organizational unit (or the root, whose parent is `None`).
#[derive(Debug, Clone)]
pub struct OrgUnit {
    /// `r-...` or `ou-...`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The parent's ID; `None` for the root.
    pub parent: Option<String>,
}

/// An AWS organisation.
#[derive(Debug, Clone, Default)]
pub struct Organization {
    /// Index into [`World::sources`] of the file it was read from.
    pub file: Option<usize>,
    /// `o-...`.
    pub id: String,
    /// The management account, exempt from SCPs and RCPs.
    pub management_account: String,
    /// The root and the OUs.
    pub units: Vec<OrgUnit>,
    /// Account ID -> ID of its parent (root or OU).
    pub account_parents: HashMap<String, String>,
    /// Account ID -> the account's name, where the source gave one.
    pub account_names: HashMap<String, String>,
    /// Service control policies.
    pub scps: Vec<OrgPolicy>,
    /// Resource control policies.
    pub rcps: Vec<OrgPolicy>,
    /// Whether SCPs are enabled on the root.
    pub scps_enabled: bool,
    /// Whether RCPs are enabled on the root.
    pub rcps_enabled: bool,
}

/// Everything loaded: accounts, the organisation, resource policies, and their diagnostics.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// The source files, for locating diagnostics and statements.
    pub sources: Vec<SourceFile>,
    /// Accounts, in the order first seen.
    pub accounts: Vec<Account>,
    /// The organisation, if its data was given.
    pub organization: Option<Organization>,
    /// Resource policies: read them with [`World::resource_policies`], add them with
    /// [`World::add_resource_policy`] (the lookup by ARN keeps an index of them).
    pub(crate) resource_policies: Vec<ResourcePolicy>,
    /// Errors and warnings found while loading, located.
    pub diagnostics: Vec<Located>,
    /// Where managed policies, users and roles sit, built on first lookup.
    index: OnceLock<Index>,
    /// Resource policies by ARN (the first of each), and how many there were when it was
    /// built: with more or fewer since, [`World::resource_policy`] scans instead.
    resource_index: OnceLock<(usize, HashMap<String, usize>)>,
}

/// Positions in [`World::accounts`] by name, so that lookups do not scan every account.
/// Every hit is checked against the name asked for, and a miss falls back to a scan, so an
/// index built before a later change can slow a lookup but never make it wrong.
#[derive(Debug, Clone, Default)]
struct Index {
    /// Managed policies by ARN (the first of each ARN, as a scan finds it).
    policies: HashMap<String, (usize, usize)>,
    /// Users by ARN.
    users: HashMap<String, (usize, usize)>,
    /// Roles by account ID and name.
    roles: HashMap<(String, String), (usize, usize)>,
    /// Roles by ARN (the first of each ARN, as a scan finds it).
    role_arns: HashMap<String, (usize, usize)>,
    /// Accounts by ID (the first of each ID).
    accounts: HashMap<String, usize>,
}

impl Index {
    fn build(accounts: &[Account]) -> Index {
        let mut index = Index::default();
        for (a, account) in accounts.iter().enumerate() {
            index.accounts.entry(account.id.clone()).or_insert(a);
            for (i, p) in account.policies.iter().enumerate() {
                index.policies.entry(p.arn.clone()).or_insert((a, i));
            }
            for (i, u) in account.users.iter().enumerate() {
                index.users.entry(u.arn.clone()).or_insert((a, i));
            }
            for (i, r) in account.roles.iter().enumerate() {
                index
                    .roles
                    .entry((account.id.clone(), r.name.clone()))
                    .or_insert((a, i));
                index.role_arns.entry(r.arn.clone()).or_insert((a, i));
            }
        }
        index
    }
}

impl World {
    /// The account with this ID.
    pub fn account(&self, id: &str) -> Option<&Account> {
        let hit = self
            .indices()
            .accounts
            .get(id)
            .and_then(|&a| self.accounts.get(a));
        hit.filter(|a| a.id == id)
            .or_else(|| self.accounts.iter().find(|a| a.id == id))
    }

    /// The role with this ARN, in whichever account holds it.
    pub fn role_by_arn(&self, arn: &str) -> Option<&Role> {
        let at = self.indices().role_arns.get(arn);
        self.indexed(at, |a| &a.roles, |r| r.arn == arn)
    }

    /// The index, built on first use.
    fn indices(&self) -> &Index {
        self.index.get_or_init(|| Index::build(&self.accounts))
    }

    /// The object the index places at `at` if it is the one wanted, else the first wanted one
    /// a scan of every account finds (the index is stale only if `accounts` was changed in
    /// place after it was built).
    fn indexed<'a, T>(
        &'a self,
        at: Option<&(usize, usize)>,
        items: impl Fn(&'a Account) -> &'a [T],
        wanted: impl Fn(&T) -> bool,
    ) -> Option<&'a T> {
        at.and_then(|&(a, i)| self.accounts.get(a).and_then(|a| items(a).get(i)))
            .filter(|t| wanted(t))
            .or_else(|| self.accounts.iter().flat_map(&items).find(|t| wanted(t)))
    }

    /// The account with this ID, created empty if absent.
    pub fn account_mut(&mut self, id: &str) -> &mut Account {
        self.index = OnceLock::new();
        match self.accounts.iter().position(|a| a.id == id) {
            Some(i) => &mut self.accounts[i],
            None => {
                self.accounts.push(Account {
                    id: id.to_string(),
                    ..Account::default()
                });
                self.accounts.last_mut().expect("just pushed")
            }
        }
    }

    /// A managed policy by ARN, from whichever account holds it (loading adds the bundled AWS
    /// managed policies that accounts attach but their input does not include).
    pub fn managed_policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        let at = self.indices().policies.get(arn);
        self.indexed(at, |a| &a.policies, |p| p.arn == arn)
    }

    /// The user with this ARN in `account`.
    pub fn user<'a>(&'a self, account: &'a Account, arn: &str) -> Option<&'a User> {
        let index = self.indices();
        if let Some(&(a, i)) = index.users.get(arn) {
            let hit = self.accounts.get(a).and_then(|a| a.users.get(i));
            if let Some(u) = hit.filter(|u| u.arn == arn && self.accounts[a].id == account.id) {
                return Some(u);
            }
        }
        account.users.iter().find(|u| u.arn == arn)
    }

    /// The role named `name` in `account`.
    pub fn role<'a>(&'a self, account: &'a Account, name: &str) -> Option<&'a Role> {
        let index = self.indices();
        let key = (account.id.clone(), name.to_string());
        if let Some(&(a, i)) = index.roles.get(&key) {
            let hit = self.accounts.get(a).and_then(|a| a.roles.get(i));
            if let Some(r) = hit.filter(|r| r.name == name && self.accounts[a].id == account.id) {
                return Some(r);
            }
        }
        account.roles.iter().find(|r| r.name == name)
    }

    /// The resource policy that governs `arn`, if one was loaded: the resource's own, or for
    /// an S3 object its bucket's.
    pub fn resource_policy(&self, arn: &str) -> Option<&ResourcePolicy> {
        // An object's ARN is its bucket's, then `/` and the key.
        let bucket = arn
            .starts_with("arn:aws:s3:::")
            .then(|| arn.split_once('/'))
            .flatten()
            .map(|(bucket, _)| bucket);
        self.resource_policy_of(arn)
            .or_else(|| bucket.and_then(|b| self.resource_policy_of(b)))
    }

    /// The first resource policy whose ARN is `arn`: through the index when it was built
    /// from the policies there are now (the crate only adds policies, never renames one),
    /// else by a scan.
    fn resource_policy_of(&self, arn: &str) -> Option<&ResourcePolicy> {
        let policies = &self.resource_policies;
        let (built_from, by_arn) = self.resource_index.get_or_init(|| {
            let mut by_arn = HashMap::default();
            for (i, r) in policies.iter().enumerate() {
                by_arn.entry(r.arn.clone()).or_insert(i);
            }
            (policies.len(), by_arn)
        });
        match *built_from == policies.len() {
            true => by_arn
                .get(arn)
                .and_then(|&i| policies.get(i))
                .filter(|r| r.arn == arn),
            false => policies.iter().find(|r| r.arn == arn),
        }
    }

    /// The resource policies loaded, in the order read.
    pub fn resource_policies(&self) -> &[ResourcePolicy] {
        &self.resource_policies
    }

    /// Adds a resource policy (after any with the same ARN, which [`World::resource_policy`]
    /// keeps finding first).
    pub fn add_resource_policy(&mut self, policy: ResourcePolicy) {
        self.resource_index = OnceLock::new();
        self.resource_policies.push(policy);
    }

    /// Adds another world's contents (files, accounts, organisation, resource policies). Only
    /// one organisation can be loaded: a second one is reported as an error and dropped.
    pub fn merge(&mut self, other: World) {
        let offset = self.sources.len();
        self.sources.extend(other.sources);
        let shift = |origin: &mut Origin| {
            if let Some(f) = &mut origin.file {
                *f += offset;
            }
        };
        for mut account in other.accounts {
            for_each_origin(&mut account, &shift);
            let mine = self.account_mut(&account.id.clone());
            merge_account(mine, account);
        }
        for mut rp in other.resource_policies {
            shift(&mut rp.document.origin);
            self.add_resource_policy(rp);
        }
        if let Some(mut org) = other.organization {
            for p in org.scps.iter_mut().chain(org.rcps.iter_mut()) {
                shift(&mut p.document.origin);
            }
            if let Some(f) = &mut org.file {
                *f += offset;
            }
            match &self.organization {
                None => self.organization = Some(org),
                Some(mine) => {
                    let error = self.second_organization(mine, &org);
                    self.diagnostics.push(error);
                }
            }
        }
        self.diagnostics.extend(other.diagnostics);
    }

    /// The error for a second organisation, located at the start of its file; the first one
    /// is kept.
    fn second_organization(&self, kept: &Organization, other: &Organization) -> Located {
        let name = |org: &Organization| org.file.and_then(|f| self.sources.get(f));
        let first = name(kept).map_or("another input", |s| s.name.as_str());
        let d = crate::diag::Diagnostic::error(
            "second-organization",
            "",
            format!(
                "organisation {} is already loaded from {first}; only one organisation can be loaded, so {} is ignored",
                kept.id, other.id
            ),
        );
        match name(other) {
            Some(source) => d.locate(&source.name, &source.text),
            None => d.locate("<built-in>", ""),
        }
    }
}

/// Applies `f` to the origin of every entity and document of an account.
fn for_each_origin(account: &mut Account, f: &dyn Fn(&mut Origin)) {
    for u in &mut account.users {
        f(&mut u.origin);
        u.inline.iter_mut().for_each(|p| f(&mut p.document.origin));
    }
    for g in &mut account.groups {
        f(&mut g.origin);
        g.inline.iter_mut().for_each(|p| f(&mut p.document.origin));
    }
    for r in &mut account.roles {
        f(&mut r.origin);
        r.inline.iter_mut().for_each(|p| f(&mut p.document.origin));
        if let Some(t) = &mut r.trust {
            f(&mut t.origin);
        }
    }
    for p in &mut account.policies {
        f(&mut p.origin);
        p.versions
            .iter_mut()
            .for_each(|v| f(&mut v.document.origin));
    }
}

/// Merges the pages of one account: entities are added unless already present by ARN.
pub(crate) fn merge_account(into: &mut Account, from: Account) {
    fn add<T>(into: &mut Vec<T>, from: Vec<T>, arn: impl Fn(&T) -> &str) {
        if into.is_empty() {
            *into = from;
            return;
        }
        let mut seen: std::collections::HashSet<String> =
            into.iter().map(|x| arn(x).to_string()).collect();
        for item in from {
            if seen.insert(arn(&item).to_string()) {
                into.push(item);
            }
        }
    }
    if into.name.is_none() {
        into.name = from.name;
    }
    add(&mut into.users, from.users, |u| &u.arn);
    add(&mut into.groups, from.groups, |g| &g.arn);
    add(&mut into.roles, from.roles, |r| &r.arn);
    add(&mut into.instance_profiles, from.instance_profiles, |p| {
        &p.arn
    });
    add(&mut into.policies, from.policies, |p| &p.arn);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyKind;

    fn bucket_policy(arn: &str, sid: &str) -> ResourcePolicy {
        let json = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Sid": sid, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]
        });
        let policy = Policy::from_json(&json, PolicyKind::Resource).policy;
        ResourcePolicy {
            arn: arn.into(),
            account: "111111111111".into(),
            document: Document {
                policy: Arc::new(policy.expect("a policy")),
                origin: Origin {
                    file: None,
                    pointer: String::new(),
                    text: None,
                },
            },
        }
    }

    fn sid(rp: Option<&ResourcePolicy>) -> Option<&str> {
        rp.and_then(|r| r.document.policy.statements[0].sid.as_deref())
    }

    #[test]
    fn resource_policies_are_found_by_arn_and_objects_by_their_bucket() {
        let mut world = World::default();
        world.add_resource_policy(bucket_policy("arn:aws:s3:::logs", "bucket"));
        world.add_resource_policy(bucket_policy("arn:aws:s3:::logs/special", "object"));
        world.add_resource_policy(bucket_policy("arn:aws:s3:::logs", "second"));
        let find = |arn| sid(world.resource_policy(arn));
        assert_eq!(find("arn:aws:s3:::logs"), Some("bucket"));
        assert_eq!(find("arn:aws:s3:::logs/special"), Some("object"));
        assert_eq!(find("arn:aws:s3:::logs/a/b.txt"), Some("bucket"));
        assert_eq!(find("arn:aws:s3:::other/a"), None);
        assert_eq!(find("arn:aws:s3:::log"), None);
    }

    #[test]
    fn a_resource_policy_added_after_a_lookup_is_found() {
        let mut world = World::default();
        world.add_resource_policy(bucket_policy("arn:aws:s3:::a", "a"));
        assert_eq!(sid(world.resource_policy("arn:aws:s3:::b/k")), None);
        world.add_resource_policy(bucket_policy("arn:aws:s3:::b", "b"));
        assert_eq!(sid(world.resource_policy("arn:aws:s3:::b/k")), Some("b"));
        // Added by the crate without resetting the index: the count tells it apart.
        world
            .resource_policies
            .push(bucket_policy("arn:aws:s3:::c", "c"));
        assert_eq!(sid(world.resource_policy("arn:aws:s3:::c/k")), Some("c"));
        assert_eq!(sid(world.resource_policy("arn:aws:s3:::a")), Some("a"));
    }
}

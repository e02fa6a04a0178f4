//! Reading `aws iam get-account-authorization-details` output (spec §9).
//!
//! Documents come decoded (CLI, boto3), as JSON strings, or percent-encoded (the raw API).
//! Pages of one account merge. Every field we do not model is reported, never dropped silently;
//! an element of the wrong shape is an error that names its JSON pointer.

use super::{
    Account, Document, Group, InlinePolicy, InstanceProfile, ManagedPolicy, Origin, PolicyVersion,
    Role, SourceFile, Tags, User, World,
};
use crate::diag::Diagnostic;
use crate::json::pointer_token;
use crate::json::{Json, Object};
use crate::policy::arn::Arn;
use crate::policy::{Policy, PolicyKind};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// Top-level keys of the output.
const TOP: &[&str] = &[
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
    "IsTruncated",
    "Marker",
];

/// Fields that carry no access and are read only for display, or not at all.
const IGNORED: &[&str] = &[
    "CreateDate",
    "UpdateDate",
    "Description",
    "MaxSessionDuration",
    "AttachmentCount",
    "PermissionsBoundaryUsageCount",
    "IsAttachable",
    "PolicyId",
    "DefaultVersionId",
];

/// True if `value` looks like authorization-details output.
pub fn looks_like(value: &Json<'_>) -> bool {
    value
        .as_object()
        .is_some_and(|o| o.keys().any(|k| TOP[..4].contains(&k)))
}

/// Reads one file of authorization details into `world`.
pub fn load(name: &str, text: Arc<str>, value: &Json<'_>, world: &mut World) {
    let file = world.sources.len();
    world.sources.push(SourceFile {
        name: name.to_string(),
        text: text.clone(),
    });
    let mut reader = Reader::new(file);
    if let Some(map) = reader.top(value) {
        let account_of_file = files_aws_policies(map)
            .then(|| dominant_account(map))
            .flatten();
        reader.entities(map, account_of_file.as_deref());
    }
    for id in std::mem::take(&mut reader.order) {
        let account = reader.accounts.remove(&id).expect("listed account");
        super::merge_account(world.account_mut(&id), account);
    }
    world
        .diagnostics
        .extend(crate::diag::locate_all(reader.diagnostics, name, &text));
}

/// The entity lists, in the order they are read.
const LISTS: [(&str, Kind); 4] = [
    ("UserDetailList", Kind::User),
    ("GroupDetailList", Kind::Group),
    ("RoleDetailList", Kind::Role),
    ("Policies", Kind::Policy),
];

/// What the items of an entity list are.
#[derive(Debug, Clone, Copy)]
enum Kind {
    User,
    Group,
    Role,
    Policy,
}

/// Entities of one list read by one task when the lists are shared among threads.
const CHUNK: usize = 256;

/// The ranges of the tasks that read a list of `len` entities: at least one, so that every
/// list has a first task (which carries the list's own diagnostics).
fn chunks(len: usize) -> impl Iterator<Item = Range<usize>> {
    (0..len.max(1))
        .step_by(CHUNK)
        .map(move |start| start..(start + CHUNK).min(len))
}

/// True if the file lists a policy that is filed under the file's account (an AWS managed
/// policy, or one whose ARN names no account), which [`dominant_account`] finds.
fn files_aws_policies(map: &Object<'_>) -> bool {
    let policies = match map.get("Policies") {
        Some(Json::Array(items)) => items.as_slice(),
        Some(one @ Json::Object(_)) => std::slice::from_ref(one),
        _ => &[],
    };
    policies.iter().any(|p| {
        p.get("Arn")
            .and_then(Json::as_str)
            .is_some_and(|arn| Arn::parse(arn).is_none_or(|a| a.account == "aws"))
    })
}

/// The account most entity ARNs of the file name (AWS managed policies are filed there).
fn dominant_account(map: &Object<'_>) -> Option<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (key, _) in LISTS {
        let items = match map.get(key) {
            Some(Json::Array(items)) => items.as_slice(),
            Some(one @ Json::Object(_)) => std::slice::from_ref(one),
            _ => &[],
        };
        for item in items {
            if let Some(account) = item
                .get("Arn")
                .and_then(Json::as_str)
                .and_then(Arn::parse)
                .map(|a| a.account)
            {
                if account != "aws" && !account.is_empty() {
                    *counts.entry(account).or_default() += 1;
                }
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(a, n)| (*n, std::cmp::Reverse(*a)))
        .map(|(a, _)| a.to_string())
}

/// What a reader has read: entities by account and diagnostics, in document order.
struct Reader {
    file: usize,
    diagnostics: Vec<Diagnostic>,
    accounts: HashMap<String, Account>,
    order: Vec<String>,
    /// Instance profiles kept so far, by the account they are filed under and their ARN.
    profiles: HashSet<(String, String)>,
}

/// Field access on one JSON object, reporting wrong shapes at their pointer: a `String`, or a
/// [`Place`] written out only if a diagnostic needs it.
struct Obj<'a, P = String> {
    map: &'a Object<'a>,
    at: P,
}

/// The JSON pointer of item `index` of the list under `key` in the object at `parent`,
/// written out only when it is needed (`index` is `None` for an object read as a list of one).
#[derive(Debug, Clone, Copy)]
struct Place<'p> {
    parent: &'p str,
    key: &'p str,
    index: Option<usize>,
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.parent, pointer_token(self.key))?;
        match self.index {
            Some(i) => write!(f, "/{i}"),
            None => Ok(()),
        }
    }
}

/// The items of a list field, in order, with where each is.
struct Items<'p, 'v, 'a> {
    parent: &'p str,
    key: &'p str,
    values: &'v [Json<'a>],
    /// False for an object read as a list of one: its pointer is the list's own.
    indexed: bool,
}

impl<'p, 'v, 'a> Items<'p, 'v, 'a> {
    /// Where item `i` is.
    fn place(&self, i: usize) -> Place<'p> {
        Place {
            parent: self.parent,
            key: self.key,
            index: self.indexed.then_some(i),
        }
    }

    /// The JSON pointer of item `i`.
    fn pointer(&self, i: usize) -> String {
        self.place(i).to_string()
    }

    /// The JSON pointer of the list itself.
    fn list_pointer(&self) -> String {
        Place {
            index: None,
            ..self.place(0)
        }
        .to_string()
    }

    /// The items with their places.
    fn iter(&self) -> impl Iterator<Item = (&'v Json<'a>, Place<'p>)> + '_ {
        self.values
            .iter()
            .enumerate()
            .map(|(i, v)| (v, self.place(i)))
    }
}

impl Reader {
    fn error(&mut self, code: &'static str, at: impl Into<String>, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(code, at, message));
    }

    fn warn(&mut self, code: &'static str, at: impl Into<String>, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning(code, at, message));
    }

    fn origin(&self, at: &str) -> Origin {
        Origin::json(self.file, at)
    }

    /// The account an entity's ARN names, created on first use.
    fn account(&mut self, arn: &str) -> &mut Account {
        self.account_by_id(Arn::parse(arn).map_or("", |a| a.account))
    }

    fn account_by_id(&mut self, id: &str) -> &mut Account {
        if !self.accounts.contains_key(id) {
            self.order.push(id.to_string());
            let account = Account {
                id: id.to_string(),
                ..Account::default()
            };
            self.accounts.insert(id.to_string(), account);
        }
        self.accounts.get_mut(id).expect("created above")
    }

    /// Files `profile` under account `id`, unless a profile of that ARN is already there.
    fn add_profile(&mut self, id: &str, profile: InstanceProfile) {
        if self.profiles.insert((id.to_string(), profile.arn.clone())) {
            self.account_by_id(id).instance_profiles.push(profile);
        }
    }

    fn new(file: usize) -> Reader {
        Reader {
            file,
            diagnostics: Vec::new(),
            accounts: HashMap::new(),
            order: Vec::new(),
            profiles: HashSet::new(),
        }
    }

    /// Adds what `later` read after what this reader read, as if one reader had read both.
    fn append(&mut self, later: Reader) {
        self.diagnostics.extend(later.diagnostics);
        let mut accounts = later.accounts;
        for id in later.order {
            let from = accounts.remove(&id).expect("listed account");
            let into = self.account_by_id(&id);
            into.users.extend(from.users);
            into.groups.extend(from.groups);
            into.roles.extend(from.roles);
            into.policies.extend(from.policies);
            for profile in from.instance_profiles {
                self.add_profile(&id, profile);
            }
        }
    }

    /// Checks the top level and returns it.
    fn top<'v, 'a>(&mut self, value: &'v Json<'a>) -> Option<&'v Object<'a>> {
        let Some(map) = value.as_object() else {
            self.error(
                "not-an-object",
                "",
                "authorization details must be a JSON object",
            );
            return None;
        };
        for key in map.keys() {
            if !TOP.contains(&key) {
                self.warn("not-modelled", format!("/{}", pointer_token(key)), format!("\"{key}\" is not part of get-account-authorization-details output; it is ignored"));
            }
        }
        if map.get("IsTruncated").and_then(Json::as_bool) == Some(true) {
            self.warn("truncated", "/IsTruncated", "this page is truncated: load every page (IsTruncated/Marker) for a complete account");
        }
        Some(map)
    }

    /// Reads the entity lists in chunks, shared among the available cores, and appends what
    /// each chunk read in document order: the result is what one pass over them leaves.
    fn entities(&mut self, map: &Object<'_>, account_of_file: Option<&str>) {
        let mut headers = Vec::new();
        let mut lists = Vec::new();
        for (key, kind) in LISTS {
            let mut header = Reader::new(self.file);
            lists.push((kind, header.list(map, key, "")));
            headers.push(Some(header));
        }
        let tasks: Vec<(usize, Range<usize>)> = lists
            .iter()
            .enumerate()
            .flat_map(|(l, (_, items))| chunks(items.values.len()).map(move |r| (l, r)))
            .collect();
        let file = self.file;
        let read = crate::parallel::map(
            &tasks,
            || (),
            |_, (l, range)| {
                let (kind, items) = &lists[*l];
                let mut reader = Reader::new(file);
                for i in range.clone() {
                    reader.entity(*kind, items, i, account_of_file);
                }
                reader
            },
        );
        for ((l, range), chunk) in tasks.iter().zip(read) {
            if range.start == 0 {
                if let Some(header) = headers[*l].take() {
                    self.append(header);
                }
            }
            self.append(chunk);
        }
    }

    /// Reads item `i` of an entity list.
    fn entity(&mut self, kind: Kind, items: &Items, i: usize, account_of_file: Option<&str>) {
        let Some(obj) = self.object(&items.values[i], items.pointer(i)) else {
            return;
        };
        match kind {
            Kind::User => self.user(obj),
            Kind::Group => self.group(obj),
            Kind::Role => self.role(obj),
            Kind::Policy => self.policy(obj, account_of_file),
        }
    }

    /// The items of a list field; an object where a list belongs is read as a one-item list
    /// and reported.
    fn list<'p, 'v, 'a>(
        &mut self,
        map: &'v Object<'a>,
        key: &'p str,
        at: &'p str,
    ) -> Items<'p, 'v, 'a> {
        let mut items = Items {
            parent: at,
            key,
            values: &[],
            indexed: true,
        };
        match map.get(key) {
            None | Some(Json::Null) => {}
            Some(Json::Array(values)) => items.values = values,
            Some(one @ Json::Object(_)) => {
                self.warn(
                    "expected-list",
                    items.list_pointer(),
                    format!(
                        "{key} must be a list; this page gives one object, read as a list of one"
                    ),
                );
                items.values = std::slice::from_ref(one);
                items.indexed = false;
            }
            Some(other) => {
                self.error(
                    "expected-list",
                    items.list_pointer(),
                    format!(
                        "{key} must be a list, not {}",
                        crate::policy::document::kind_of(other)
                    ),
                );
            }
        }
        items
    }

    fn object<'v, P: fmt::Display>(&mut self, value: &'v Json<'v>, at: P) -> Option<Obj<'v, P>> {
        match value {
            Json::Object(map) => Some(Obj { map, at }),
            other => {
                self.error(
                    "expected-object",
                    at.to_string(),
                    format!(
                        "expected an object, not {}",
                        crate::policy::document::kind_of(other)
                    ),
                );
                None
            }
        }
    }

    /// A string field; `required` ones are errors when missing.
    fn string<P: fmt::Display>(
        &mut self,
        obj: &Obj<P>,
        key: &str,
        required: bool,
    ) -> Option<String> {
        match obj.map.get(key) {
            Some(Json::String(s)) => Some(s.to_string()),
            None | Some(Json::Null) => {
                if required {
                    self.error(
                        "missing-field",
                        obj.at.to_string(),
                        format!("the entry has no {key}"),
                    );
                }
                None
            }
            Some(other) => {
                self.error(
                    "bad-field",
                    format!("{}/{key}", obj.at),
                    format!(
                        "{key} must be a string, not {}",
                        crate::policy::document::kind_of(other)
                    ),
                );
                None
            }
        }
    }

    fn report_unknown<P: fmt::Display>(&mut self, obj: &Obj<P>, known: &[&str]) {
        for key in obj.map.keys() {
            if !known.contains(&key) && !IGNORED.contains(&key) {
                self.warn(
                    "not-modelled",
                    format!("{}/{}", obj.at, pointer_token(key)),
                    format!("\"{key}\" is not modelled by iamlog and is ignored"),
                );
            }
        }
    }

    /// Reads a policy document given as an object, a JSON string or a percent-encoded string.
    fn document(&mut self, value: &Json<'_>, at: String, kind: PolicyKind) -> Option<Document> {
        let string = match value {
            Json::Object(_) => {
                return super::read_document(
                    value,
                    kind,
                    self.file,
                    at,
                    None,
                    &mut self.diagnostics,
                )
            }
            Json::String(s) => s,
            other => {
                self.error(
                    "bad-document",
                    at,
                    format!(
                        "a policy document must be an object or a string, not {}",
                        crate::policy::document::kind_of(other)
                    ),
                );
                return None;
            }
        };
        let text = self.decoded(string, &at)?;
        let doc = match Json::parse(&text) {
            Ok(doc) => doc,
            Err(e) => {
                self.error(
                    "bad-document",
                    at,
                    format!("the policy document string is not JSON: {e}"),
                );
                return None;
            }
        };
        let held_in = Some("encoded document");
        super::read_document(&doc, kind, self.file, at, held_in, &mut self.diagnostics)
    }

    /// The JSON text of a document given as a string: the string itself, or percent-decoded
    /// when it does not start with `{`.
    fn decoded<'s>(&mut self, string: &'s str, at: &str) -> Option<Cow<'s, str>> {
        if string.trim_start().starts_with('{') {
            return Some(Cow::Borrowed(string));
        }
        match percent_encoding::percent_decode_str(string).decode_utf8() {
            Ok(text) => Some(text),
            Err(_) => {
                self.error(
                    "bad-document",
                    at,
                    "the URL-encoded policy document is not UTF-8",
                );
                None
            }
        }
    }

    fn inline_policies(&mut self, obj: &Obj, key: &str, kind: PolicyKind) -> Vec<InlinePolicy> {
        let mut out = Vec::new();
        for (item, place) in self.list(obj.map, key, &obj.at).iter() {
            let Some(p) = self.object(item, place.to_string()) else {
                continue;
            };
            let at = &p.at;
            self.report_unknown(&p, &["PolicyName", "PolicyDocument"]);
            let name = self.string(&p, "PolicyName", true).unwrap_or_default();
            let Some(doc) = p.map.get("PolicyDocument") else {
                self.error(
                    "missing-field",
                    at.as_str(),
                    "the inline policy has no PolicyDocument",
                );
                continue;
            };
            if let Some(document) = self.document(doc, format!("{at}/PolicyDocument"), kind) {
                out.push(InlinePolicy { name, document });
            }
        }
        out
    }

    fn attached(&mut self, obj: &Obj) -> Vec<String> {
        let mut out = Vec::new();
        for (item, place) in self
            .list(obj.map, "AttachedManagedPolicies", &obj.at)
            .iter()
        {
            let Some(p) = self.object(item, place) else {
                continue;
            };
            self.report_unknown(&p, &["PolicyName", "PolicyArn"]);
            if let Some(arn) = self.string(&p, "PolicyArn", true) {
                out.push(arn);
            }
        }
        out
    }

    fn boundary(&mut self, obj: &Obj) -> Option<String> {
        let value = obj.map.get("PermissionsBoundary")?;
        let at = format!("{}/PermissionsBoundary", obj.at);
        let b = self.object(value, at)?;
        self.report_unknown(&b, &["PermissionsBoundaryType", "PermissionsBoundaryArn"]);
        self.string(&b, "PermissionsBoundaryArn", true)
    }

    fn tags(&mut self, obj: &Obj) -> Tags {
        let mut out = Vec::new();
        for (item, place) in self.list(obj.map, "Tags", &obj.at).iter() {
            let Some(t) = self.object(item, place) else {
                continue;
            };
            if let (Some(k), Some(v)) =
                (self.string(&t, "Key", true), self.string(&t, "Value", true))
            {
                out.push((k, v));
            }
        }
        out
    }

    fn names(&mut self, obj: &Obj, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (item, place) in self.list(obj.map, key, &obj.at).iter() {
            match item {
                Json::String(s) => out.push(s.to_string()),
                other => self.error(
                    "bad-field",
                    place.to_string(),
                    format!(
                        "{key} holds names, not {}",
                        crate::policy::document::kind_of(other)
                    ),
                ),
            }
        }
        out
    }

    /// Spec §8 quotas: over `hard` is an error (AWS refuses it); over a raisable default
    /// (`hard` when `raised_max` is given) a warning, and over `raised_max` an error.
    fn quota(
        &mut self,
        at: &str,
        what: &str,
        count: usize,
        hard: usize,
        raised_max: Option<usize>,
    ) {
        match raised_max {
            Some(max) if count > max => self.error(
                "quota",
                at,
                format!("{count} {what}: AWS allows at most {max}"),
            ),
            Some(_) if count > hard => self.warn(
                "quota",
                at,
                format!("{count} {what}: over the default quota of {hard} (raisable)"),
            ),
            None if count > hard => self.error(
                "quota",
                at,
                format!("{count} {what}: AWS allows at most {hard}"),
            ),
            _ => {}
        }
    }

    fn user(&mut self, obj: Obj) {
        self.report_unknown(
            &obj,
            &[
                "Path",
                "UserName",
                "UserId",
                "Arn",
                "GroupList",
                "UserPolicyList",
                "AttachedManagedPolicies",
                "PermissionsBoundary",
                "Tags",
            ],
        );
        let Some(arn) = self.string(&obj, "Arn", true) else {
            return;
        };
        let user = User {
            origin: self.origin(&obj.at),
            name: self
                .string(&obj, "UserName", true)
                .unwrap_or_else(|| last_segment(&arn)),
            path: self
                .string(&obj, "Path", false)
                .unwrap_or_else(|| "/".into()),
            id: self.string(&obj, "UserId", false),
            groups: self.names(&obj, "GroupList"),
            inline: self.inline_policies(&obj, "UserPolicyList", PolicyKind::Identity),
            attached: self.attached(&obj),
            boundary: self.boundary(&obj),
            tags: self.tags(&obj),
            credentials: Default::default(),
            arn,
        };
        let at = obj.at;
        self.quota(&at, "groups of a user", user.groups.len(), 10, None);
        self.quota(
            &at,
            "managed policies attached to a user",
            user.attached.len(),
            10,
            Some(20),
        );
        self.quota(&at, "tags of a user", user.tags.len(), 50, None);
        self.quota(
            &at,
            "characters in a user name",
            user.name.chars().count(),
            64,
            None,
        );
        self.account(&user.arn).users.push(user);
    }

    fn group(&mut self, obj: Obj) {
        self.report_unknown(
            &obj,
            &[
                "Path",
                "GroupName",
                "GroupId",
                "Arn",
                "GroupPolicyList",
                "AttachedManagedPolicies",
            ],
        );
        let Some(arn) = self.string(&obj, "Arn", true) else {
            return;
        };
        let group = Group {
            origin: self.origin(&obj.at),
            name: self
                .string(&obj, "GroupName", true)
                .unwrap_or_else(|| last_segment(&arn)),
            path: self
                .string(&obj, "Path", false)
                .unwrap_or_else(|| "/".into()),
            id: self.string(&obj, "GroupId", false),
            inline: self.inline_policies(&obj, "GroupPolicyList", PolicyKind::Identity),
            attached: self.attached(&obj),
            arn,
        };
        let at = obj.at;
        self.quota(
            &at,
            "managed policies attached to a group",
            group.attached.len(),
            10,
            None,
        );
        self.quota(
            &at,
            "characters in a group name",
            group.name.chars().count(),
            128,
            None,
        );
        self.account(&group.arn).groups.push(group);
    }

    fn role(&mut self, obj: Obj) {
        self.report_unknown(
            &obj,
            &[
                "Path",
                "RoleName",
                "RoleId",
                "Arn",
                "AssumeRolePolicyDocument",
                "InstanceProfileList",
                "RolePolicyList",
                "AttachedManagedPolicies",
                "PermissionsBoundary",
                "Tags",
                "RoleLastUsed",
            ],
        );
        let Some(arn) = self.string(&obj, "Arn", true) else {
            return;
        };
        let trust = match obj.map.get("AssumeRolePolicyDocument") {
            Some(doc) => self.document(
                doc,
                format!("{}/AssumeRolePolicyDocument", obj.at),
                PolicyKind::Trust,
            ),
            None => {
                self.warn(
                    "missing-field",
                    obj.at.clone(),
                    "the role has no AssumeRolePolicyDocument: nobody can assume it here",
                );
                None
            }
        };
        let mut profiles = Vec::new();
        for (item, place) in self.list(obj.map, "InstanceProfileList", &obj.at).iter() {
            let Some(p) = self.object(item, place.to_string()) else {
                continue;
            };
            self.report_unknown(
                &p,
                &[
                    "Path",
                    "InstanceProfileName",
                    "InstanceProfileId",
                    "Arn",
                    "Roles",
                    "Tags",
                ],
            );
            let Some(profile_arn) = self.string(&p, "Arn", true) else {
                continue;
            };
            let mut roles = Vec::new();
            for (r, place) in self.list(p.map, "Roles", &p.at).iter() {
                if let Some(role_arn) = r.get("Arn").and_then(Json::as_str) {
                    roles.push(role_arn.to_string());
                } else {
                    self.error(
                        "missing-field",
                        place.to_string(),
                        "the role summary has no Arn",
                    );
                }
            }
            if roles.len() > 1 {
                self.warn(
                    "quota",
                    format!("{}/Roles", p.at),
                    "an instance profile holds at most one role (spec §7)",
                );
            }
            profiles.push(InstanceProfile {
                name: self
                    .string(&p, "InstanceProfileName", false)
                    .unwrap_or_else(|| last_segment(&profile_arn)),
                path: self.string(&p, "Path", false).unwrap_or_else(|| "/".into()),
                arn: profile_arn,
                roles,
            });
        }
        let last_used = obj
            .map
            .get("RoleLastUsed")
            .and_then(|v| v.get("LastUsedDate"))
            .and_then(Json::as_str)
            .map(str::to_string);
        let role = Role {
            origin: self.origin(&obj.at),
            name: self
                .string(&obj, "RoleName", true)
                .unwrap_or_else(|| last_segment(&arn)),
            path: self
                .string(&obj, "Path", false)
                .unwrap_or_else(|| "/".into()),
            id: self.string(&obj, "RoleId", false),
            trust,
            inline: self.inline_policies(&obj, "RolePolicyList", PolicyKind::Identity),
            attached: self.attached(&obj),
            boundary: self.boundary(&obj),
            tags: self.tags(&obj),
            instance_profiles: profiles.iter().map(|p| p.arn.clone()).collect(),
            last_used,
            arn,
        };
        let at = obj.at;
        self.quota(
            &at,
            "managed policies attached to a role",
            role.attached.len(),
            10,
            Some(20),
        );
        self.quota(&at, "tags of a role", role.tags.len(), 50, None);
        self.quota(
            &at,
            "characters in a role name",
            role.name.chars().count(),
            64,
            None,
        );
        let id = Arn::parse(&role.arn).map_or("", |a| a.account).to_string();
        for p in profiles {
            self.add_profile(&id, p);
        }
        self.account_by_id(&id).roles.push(role);
    }

    fn policy(&mut self, obj: Obj, account_of_file: Option<&str>) {
        self.report_unknown(
            &obj,
            &["PolicyName", "Arn", "Path", "PolicyVersionList", "Tags"],
        );
        let Some(arn) = self.string(&obj, "Arn", true) else {
            return;
        };
        let default_id = self.string(&obj, "DefaultVersionId", false);
        let mut versions = Vec::new();
        for (item, place) in self.list(obj.map, "PolicyVersionList", &obj.at).iter() {
            let Some(v) = self.object(item, place.to_string()) else {
                continue;
            };
            let at = &v.at;
            self.report_unknown(&v, &["Document", "VersionId", "IsDefaultVersion"]);
            let id = self.string(&v, "VersionId", false).unwrap_or_default();
            let is_default = match v.map.get("IsDefaultVersion") {
                Some(Json::Bool(b)) => *b,
                _ => default_id.as_deref() == Some(id.as_str()),
            };
            let Some(doc) = v.map.get("Document") else {
                self.error(
                    "missing-field",
                    at.as_str(),
                    "the policy version has no Document",
                );
                continue;
            };
            if let Some(document) =
                self.document(doc, format!("{at}/Document"), PolicyKind::Identity)
            {
                versions.push(PolicyVersion {
                    id,
                    is_default,
                    document,
                });
            }
        }
        if !versions.iter().any(|v| v.is_default) {
            self.error(
                "no-default-version",
                obj.at.clone(),
                format!(
                    "policy {arn} has no default version in the file: its permissions are unknown"
                ),
            );
        }
        let policy = ManagedPolicy {
            origin: self.origin(&obj.at),
            name: self
                .string(&obj, "PolicyName", true)
                .unwrap_or_else(|| last_segment(&arn)),
            path: self
                .string(&obj, "Path", false)
                .unwrap_or_else(|| "/".into()),
            versions,
            arn: arn.clone(),
        };
        let owner = match Arn::parse(&arn).map(|a| a.account) {
            Some("aws") | None => account_of_file.map(str::to_string),
            Some(a) => Some(a.to_string()),
        };
        match owner {
            Some(owner) => {
                let arn_of_account = format!("arn:aws:iam::{owner}:root");
                self.account(&arn_of_account).policies.push(policy);
            }
            None => self.error(
                "no-account",
                obj.at,
                "no entity in the file names an account to file this AWS managed policy under",
            ),
        }
    }
}

/// The name part of an ARN (after the last `/`).
fn last_segment(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

/// Checks cross-references after every file is loaded: attached policies, boundaries and
/// groups that are not in the input; AWS managed policies come from the bundled set.
pub fn resolve(world: &mut World) {
    let mut missing: Vec<(Diagnostic, Origin)> = Vec::new();
    // Indexed only if the input lacks a policy it names (it usually holds them all).
    let bundled = crate::managed::ManagedPolicies::bundled;
    // Every policy ARN the input defines, and those resolved so far.
    let mut known: std::collections::HashSet<String> = world
        .accounts
        .iter()
        .flat_map(|a| &a.policies)
        .map(|p| p.arn.clone())
        .collect();
    for a in 0..world.accounts.len() {
        let account = &world.accounts[a];
        // (policy ARN, who uses it, where that is defined)
        let mut wanted: Vec<(&str, &str, &Origin)> = Vec::new();
        let group_names: std::collections::HashSet<&str> =
            account.groups.iter().map(|g| g.name.as_str()).collect();
        for u in &account.users {
            wanted.extend(
                u.attached
                    .iter()
                    .chain(&u.boundary)
                    .map(|p| (p.as_str(), u.arn.as_str(), &u.origin)),
            );
            for g in &u.groups {
                // Text-language users name groups of their own file, checked there (lang).
                let checked = u.origin.text.is_some();
                if !checked && !group_names.contains(g.as_str()) {
                    let d = Diagnostic::warning("missing-group", "/GroupList", format!("user {} is in group \"{g}\", which is not in the input: its policies are unknown, and taken to allow anything (conditionally)", u.arn));
                    missing.push((d, u.origin.clone()));
                }
            }
        }
        for g in &account.groups {
            wanted.extend(
                g.attached
                    .iter()
                    .map(|p| (p.as_str(), g.arn.as_str(), &g.origin)),
            );
        }
        for r in &account.roles {
            wanted.extend(
                r.attached
                    .iter()
                    .chain(&r.boundary)
                    .map(|p| (p.as_str(), r.arn.as_str(), &r.origin)),
            );
        }
        let mut added = Vec::new();
        for (arn, by, origin) in wanted {
            if known.contains(arn) {
                continue;
            }
            known.insert(arn.to_string());
            match bundled().get(arn) {
                Some(p) => added.push(bundled_policy(arn, p)),
                None if checked_by_text(origin, arn, &account.id) => {}
                None => {
                    let d = Diagnostic::error("missing-policy", "", format!("{by} uses {arn}, which is neither in the input nor a known AWS managed policy: its permissions are unknown, and taken to allow anything (conditionally)"));
                    missing.push((d, origin.clone()));
                }
            }
        }
        world.accounts[a].policies.extend(added);
    }
    // One locator per file: a warning per user (a missing group) is common, and locating each
    // from the start of its file would be quadratic in the file.
    let mut locators: HashMap<usize, crate::json::Locator> = HashMap::new();
    for (d, origin) in missing {
        let located = match (origin.file.and_then(|f| world.sources.get(f)), &origin.text) {
            (Some(source), None) => {
                let pointer = format!("{}{}", origin.pointer, d.pointer);
                let locator = locators
                    .entry(origin.file.unwrap_or_default())
                    .or_insert_with(|| crate::json::Locator::new(&source.text));
                let location = locator.locate(&pointer);
                crate::diag::Located {
                    file: source.name.clone(),
                    line: location.map_or(1, |l| l.line),
                    column: location.map_or(1, |l| l.column),
                    offset: location.map_or(0, |l| l.offset),
                    len: location.map_or(0, |l| l.len),
                    diagnostic: Diagnostic { pointer, ..d },
                }
            }
            _ => origin.locate(d, &world.sources),
        };
        world.diagnostics.push(located);
    }
}

/// True if the text language has already checked this reference when it desugared the entity
/// (AWS managed policies and policies of the entity's own account, which must be declared in
/// the same file); it reported a missing one at the reference itself.
fn checked_by_text(origin: &Origin, arn: &str, account: &str) -> bool {
    origin.text.is_some()
        && Arn::parse(arn).is_some_and(|a| a.account == "aws" || a.account == account)
}

/// A bundled AWS managed policy as a model policy. Each is parsed once per process and
/// shared (`ReadOnlyAccess` alone takes milliseconds to read).
fn bundled_policy(arn: &str, p: &crate::managed::AwsManagedPolicy) -> ManagedPolicy {
    type Parsed = std::collections::HashMap<&'static str, Arc<Policy>>;
    static PARSED: std::sync::OnceLock<std::sync::Mutex<Parsed>> = std::sync::OnceLock::new();
    let parsed = PARSED.get_or_init(Default::default);
    let cached = parsed
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(p.name)
        .cloned();
    let policy = cached.unwrap_or_else(|| {
        let policy = Arc::new(
            Policy::from_json(&p.document(), PolicyKind::Identity)
                .policy
                .expect("bundled AWS managed policies are valid"),
        );
        parsed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(p.name, policy.clone());
        policy
    });
    // Built-in documents are named by their ARN where a file name would be.
    let builtin = Origin::builtin(arn);
    ManagedPolicy {
        arn: arn.to_string(),
        name: p.name.to_string(),
        path: p.path.unwrap_or("/").to_string(),
        versions: vec![PolicyVersion {
            id: p.default_version.to_string(),
            is_default: true,
            document: Document {
                policy,
                origin: builtin.clone(),
            },
        }],
        origin: builtin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_json(text: &str) -> World {
        let mut world = World::default();
        let value = Json::parse(text).unwrap();
        load("t.json", text.into(), &value, &mut world);
        world
    }

    #[test]
    fn quotas_of_spec_8_are_checked_where_the_entity_is() {
        let groups: Vec<String> = (0..11).map(|i| format!("\"g{i}\"")).collect();
        let attached: Vec<String> = (0..12)
            .map(|i| {
                format!(
                    r#"{{"PolicyName":"p{i}","PolicyArn":"arn:aws:iam::111111111111:policy/p{i}"}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"UserDetailList":[{{"UserName":"u","Arn":"arn:aws:iam::111111111111:user/u","GroupList":[{}]}}],
               "RoleDetailList":[{{"RoleName":"r","Arn":"arn:aws:iam::111111111111:role/r","AttachedManagedPolicies":[{}],
                 "AssumeRolePolicyDocument":{{"Version":"2012-10-17","Statement":[]}}}}]}}"#,
            groups.join(","),
            attached.join(",")
        );
        let world = load_json(&text);
        let quota: Vec<_> = world
            .diagnostics
            .iter()
            .filter(|d| d.diagnostic.code == "quota")
            .collect();
        assert_eq!(quota.len(), 2, "{quota:?}");
        assert_eq!(quota[0].diagnostic.severity, crate::diag::Severity::Error);
        assert_eq!(quota[0].diagnostic.pointer, "/UserDetailList/0");
        assert_eq!(quota[1].diagnostic.severity, crate::diag::Severity::Warning);
        assert_eq!(quota[1].diagnostic.pointer, "/RoleDetailList/0");
    }

    #[test]
    fn url_encoded_documents_are_decoded_and_plus_stays_literal() {
        let doc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aa+b%2F*%22%7D%5D%7D";
        let text = format!(
            r#"{{"UserDetailList":[{{"UserName":"u","Arn":"arn:aws:iam::111111111111:user/u","UserPolicyList":[{{"PolicyName":"p","PolicyDocument":"{doc}"}}]}}]}}"#
        );
        let world = load_json(&text);
        let policy = &world.accounts[0].users[0].inline[0].document.policy;
        let resource = policy.statements[0].resource.as_ref().unwrap();
        assert_eq!(resource.items[0].to_string(), "arn:aws:s3:::a+b/*");
    }
}

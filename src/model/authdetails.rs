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
use std::collections::HashMap;
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
    // Users and groups are read on one thread, roles and policies on another: the documents
    // dominate the cost and split about evenly.
    let mut first = Reader::new(file);
    let account_of_file = first.top(value);
    let mut second = Reader::new(file);
    if let Some(map) = value.as_object() {
        let acct = account_of_file.as_deref();
        std::thread::scope(|scope| {
            let other =
                scope.spawn(|| second.lists(map, &[("RoleDetailList", 2), ("Policies", 3)], acct));
            first.lists(map, &[("UserDetailList", 0), ("GroupDetailList", 1)], acct);
            other.join().expect("the reading thread does not panic");
        });
    }
    for mut reader in [first, second] {
        for id in std::mem::take(&mut reader.order) {
            let account = reader.accounts.remove(&id).expect("listed account");
            super::merge_account(world.account_mut(&id), account);
        }
        world
            .diagnostics
            .extend(crate::diag::locate_all(reader.diagnostics, name, &text));
    }
}

struct Reader {
    file: usize,
    diagnostics: Vec<Diagnostic>,
    accounts: HashMap<String, Account>,
    order: Vec<String>,
}

/// Field access on one JSON object, reporting wrong shapes at their pointer.
struct Obj<'a> {
    map: &'a Object<'a>,
    at: String,
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

    fn account(&mut self, arn: &str) -> &mut Account {
        let id = Arn::parse(arn).map_or("", |a| a.account).to_string();
        if !self.accounts.contains_key(&id) {
            self.order.push(id.clone());
        }
        self.accounts.entry(id.clone()).or_insert_with(|| Account {
            id,
            ..Account::default()
        })
    }

    fn new(file: usize) -> Reader {
        Reader {
            file,
            diagnostics: Vec::new(),
            accounts: HashMap::new(),
            order: Vec::new(),
        }
    }

    /// Checks the top level and returns the account the file is about.
    fn top(&mut self, value: &Json<'_>) -> Option<String> {
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
        self.dominant_account(map)
    }

    /// Reads the entity lists named in `lists` (0 users, 1 groups, 2 roles, 3 policies).
    fn lists(&mut self, map: &Object<'_>, lists: &[(&str, u8)], account_of_file: Option<&str>) {
        for &(key, kind) in lists {
            for (item, at) in self.list(map, key, "") {
                let Some(obj) = self.object(item, &at) else {
                    continue;
                };
                match kind {
                    0 => self.user(obj),
                    1 => self.group(obj),
                    2 => self.role(obj),
                    _ => self.policy(obj, account_of_file),
                }
            }
        }
    }

    /// The account most entity ARNs of the file name (AWS managed policies are filed there).
    fn dominant_account(&self, map: &Object<'_>) -> Option<String> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for key in [
            "UserDetailList",
            "GroupDetailList",
            "RoleDetailList",
            "Policies",
        ] {
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

    /// The items of a list field; an object where a list belongs is read as a one-item list
    /// and reported.
    fn list<'v>(
        &mut self,
        map: &'v Object<'v>,
        key: &str,
        at: &str,
    ) -> Vec<(&'v Json<'v>, String)> {
        let here = format!("{at}/{}", pointer_token(key));
        match map.get(key) {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (v, format!("{here}/{i}")))
                .collect(),
            Some(one @ Json::Object(_)) => {
                self.warn(
                    "expected-list",
                    here.clone(),
                    format!(
                        "{key} must be a list; this page gives one object, read as a list of one"
                    ),
                );
                vec![(one, here)]
            }
            Some(other) => {
                self.error(
                    "expected-list",
                    here,
                    format!(
                        "{key} must be a list, not {}",
                        crate::policy::document::kind_of(other)
                    ),
                );
                Vec::new()
            }
        }
    }

    fn object<'v>(&mut self, value: &'v Json<'v>, at: &str) -> Option<Obj<'v>> {
        match value {
            Json::Object(map) => Some(Obj {
                map,
                at: at.to_string(),
            }),
            other => {
                self.error(
                    "expected-object",
                    at,
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
    fn string(&mut self, obj: &Obj, key: &str, required: bool) -> Option<String> {
        match obj.map.get(key) {
            Some(Json::String(s)) => Some(s.to_string()),
            None | Some(Json::Null) => {
                if required {
                    self.error(
                        "missing-field",
                        obj.at.clone(),
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

    fn report_unknown(&mut self, obj: &Obj, known: &[&str]) {
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
    fn document(&mut self, value: &Json<'_>, at: &str, kind: PolicyKind) -> Option<Document> {
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
        let text = self.decoded(string, at)?;
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
        for (item, at) in self.list(obj.map, key, &obj.at) {
            let Some(p) = self.object(item, &at) else {
                continue;
            };
            self.report_unknown(&p, &["PolicyName", "PolicyDocument"]);
            let name = self.string(&p, "PolicyName", true).unwrap_or_default();
            let Some(doc) = p.map.get("PolicyDocument") else {
                self.error(
                    "missing-field",
                    at,
                    "the inline policy has no PolicyDocument",
                );
                continue;
            };
            if let Some(document) = self.document(doc, &format!("{at}/PolicyDocument"), kind) {
                out.push(InlinePolicy { name, document });
            }
        }
        out
    }

    fn attached(&mut self, obj: &Obj) -> Vec<String> {
        let mut out = Vec::new();
        for (item, at) in self.list(obj.map, "AttachedManagedPolicies", &obj.at) {
            let Some(p) = self.object(item, &at) else {
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
        let b = self.object(value, &at)?;
        self.report_unknown(&b, &["PermissionsBoundaryType", "PermissionsBoundaryArn"]);
        self.string(&b, "PermissionsBoundaryArn", true)
    }

    fn tags(&mut self, obj: &Obj) -> Tags {
        let mut out = Vec::new();
        for (item, at) in self.list(obj.map, "Tags", &obj.at) {
            let Some(t) = self.object(item, &at) else {
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
        for (item, at) in self.list(obj.map, key, &obj.at) {
            match item {
                Json::String(s) => out.push(s.to_string()),
                other => self.error(
                    "bad-field",
                    at,
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
        let at = obj.at.clone();
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
        self.account(&user.arn.clone()).users.push(user);
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
        let at = obj.at.clone();
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
        self.account(&group.arn.clone()).groups.push(group);
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
                &format!("{}/AssumeRolePolicyDocument", obj.at),
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
        for (item, at) in self.list(obj.map, "InstanceProfileList", &obj.at) {
            let Some(p) = self.object(item, &at) else {
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
            for (r, rat) in self.list(p.map, "Roles", &p.at) {
                if let Some(role_arn) = r.get("Arn").and_then(Json::as_str) {
                    roles.push(role_arn.to_string());
                } else {
                    self.error("missing-field", rat, "the role summary has no Arn");
                }
            }
            if roles.len() > 1 {
                self.warn(
                    "quota",
                    format!("{at}/Roles"),
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
        let at = obj.at.clone();
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
        let account = self.account(&role.arn.clone());
        for p in profiles {
            if !account.instance_profiles.iter().any(|x| x.arn == p.arn) {
                account.instance_profiles.push(p);
            }
        }
        account.roles.push(role);
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
        for (item, at) in self.list(obj.map, "PolicyVersionList", &obj.at) {
            let Some(v) = self.object(item, &at) else {
                continue;
            };
            self.report_unknown(&v, &["Document", "VersionId", "IsDefaultVersion"]);
            let id = self.string(&v, "VersionId", false).unwrap_or_default();
            let is_default = match v.map.get("IsDefaultVersion") {
                Some(Json::Bool(b)) => *b,
                _ => default_id.as_deref() == Some(id.as_str()),
            };
            let Some(doc) = v.map.get("Document") else {
                self.error("missing-field", at, "the policy version has no Document");
                continue;
            };
            if let Some(document) =
                self.document(doc, &format!("{at}/Document"), PolicyKind::Identity)
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
    let bundled = crate::managed::ManagedPolicies::bundled();
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
        let mut wanted: Vec<(String, String, Origin)> = Vec::new();
        let group_names: std::collections::HashSet<&str> =
            account.groups.iter().map(|g| g.name.as_str()).collect();
        for u in &account.users {
            wanted.extend(
                u.attached
                    .iter()
                    .chain(&u.boundary)
                    .map(|p| (p.clone(), u.arn.clone(), u.origin.clone())),
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
                    .map(|p| (p.clone(), g.arn.clone(), g.origin.clone())),
            );
        }
        for r in &account.roles {
            wanted.extend(
                r.attached
                    .iter()
                    .chain(&r.boundary)
                    .map(|p| (p.clone(), r.arn.clone(), r.origin.clone())),
            );
        }
        let mut added = Vec::new();
        for (arn, by, origin) in wanted {
            if !known.insert(arn.clone()) {
                continue;
            }
            match bundled.get(&arn) {
                Some(p) => added.push(bundled_policy(&arn, p)),
                None if checked_by_text(&origin, &arn, &account.id) => {}
                None => {
                    let d = Diagnostic::error("missing-policy", "", format!("{by} uses {arn}, which is neither in the input nor a known AWS managed policy: its permissions are unknown, and taken to allow anything (conditionally)"));
                    missing.push((d, origin));
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

//! From the syntax tree to the model: accounts with their users, groups, roles, instance
//! profiles and managed policies, and resource policies. The organisation is in
//! [`super::org`], statements in [`super::statement`], documents in [`super::document`].
//!
//! | written | model (as `get-account-authorization-details` has it) |
//! |---|---|
//! | `user NAME [in G, ...] [path "/p/"] { ... }` | `User` `arn:aws:iam::A:user/p/NAME`, `GroupList` |
//! | `group NAME [path ...] { ... }` | `Group` |
//! | `role NAME [path ...] { trust ...; }` | `Role` with `AssumeRolePolicyDocument` |
//! | `tag k = "v";` | `Tags: [{Key, Value}]` |
//! | `mfa;` `password;` `access-keys N;` | [`Credentials`] (not in the JSON: the credential report's) |
//! | `attach REF, ...;` | `AttachedManagedPolicies` |
//! | `boundary REF;` | `PermissionsBoundary` |
//! | `policy NAME BODY` in an entity | an inline policy (`UserPolicyList`, ...) |
//! | `policy NAME [path ...] BODY` in an account | a customer managed policy, version `v1` |
//! | `instance-profile NAME [path ...];` | `InstanceProfile` holding the role |
//! | `resource ARN [owner A] BODY` | a resource policy |
//!
//! REF is a local policy name (`deploy`: `arn:aws:iam::A:policy/PATH/deploy`), an AWS managed
//! policy (`aws:ReadOnlyAccess`: its ARN with its path from the bundled set), or an ARN.

use super::ast::{self, EntityItem, Header, Span, Word};
use super::document::{Spans, Written};
use super::names::{did_you_mean, is_account_id, is_iam_name, is_iam_path, Declarations, Kind};
use super::statement::Scope;
use crate::diag::Diagnostic;
use crate::managed::ManagedPolicies;
use crate::model::{
    Account, Credentials, Document, Group, InlinePolicy, InstanceProfile, ManagedPolicy, Origin,
    PolicyVersion, ResourcePolicy, Role, TextOrigin, User, World,
};
use crate::policy::arn::Arn;
use crate::policy::PolicyKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The state of desugaring one file.
pub struct Desugarer<'w> {
    /// The world the file is read into.
    pub world: &'w mut World,
    /// Index of the file in `world.sources`.
    pub file: usize,
    /// The file name as given.
    pub name: String,
    /// The file's text.
    pub text: Arc<str>,
    /// The directory `file("...")` paths are relative to.
    pub base: PathBuf,
    /// What the file declares.
    pub decls: Declarations,
    /// Instance profile names as written, by account, to point at a second role.
    profile_spans: Vec<(String, Word)>,
}

/// Desugars a parsed file (source `file` of `world`) into `world`.
pub fn desugar(tree: &ast::File, file: usize, base: &Path, world: &mut World) {
    let source = &world.sources[file];
    let (name, text) = (source.name.clone(), source.text.clone());
    let (decls, duplicates) = Declarations::collect(tree);
    let mut d = Desugarer {
        world,
        file,
        name,
        text,
        base: base.to_path_buf(),
        decls,
        profile_spans: Vec::new(),
    };
    for dup in duplicates {
        let (line, _) = crate::json::line_column(&d.text, dup.first.span.start);
        d.error(
            "duplicate-name",
            dup.name.span.clone(),
            format!(
                "a {} named `{}` is already declared on line {line}; IAM names are unique ignoring case",
                dup.kind.word(),
                dup.first.name
            ),
        );
    }
    let mut accounts: Vec<Account> = Vec::new();
    let mut organizations = 0;
    for item in &tree.items {
        match item {
            ast::Item::Account(a) => {
                let account = d.account(a);
                match accounts.iter_mut().find(|x| x.id == account.id) {
                    Some(existing) => {
                        if existing.name.is_none() {
                            existing.name = account.name.clone();
                        }
                        crate::model::merge_account(existing, account);
                    }
                    None => accounts.push(account),
                }
            }
            ast::Item::Resource(r) => {
                if let Some(rp) = d.resource(r, None) {
                    d.world.add_resource_policy(rp);
                }
            }
            ast::Item::Organization(o) => {
                organizations += 1;
                if organizations > 1 || d.world.organization.is_some() {
                    d.error(
                        "second-organization",
                        o.span.clone(),
                        "the input already has an organisation; iamlog reads one",
                    );
                    continue;
                }
                let org = d.organization(o);
                d.world.organization = Some(org);
            }
        }
    }
    d.check_instance_profiles(&accounts);
    for account in accounts {
        let id = account.id.clone();
        let mine = d.world.account_mut(&id);
        if mine.name.is_none() {
            mine.name = account.name.clone();
        }
        crate::model::merge_account(mine, account);
    }
}

impl Desugarer<'_> {
    /// An origin for an entity written at `span`.
    fn entity_origin(&self, span: &Span) -> Origin {
        Origin {
            file: Some(self.file),
            pointer: String::new(),
            text: Some(Arc::new(TextOrigin {
                span: span.clone(),
                statements: Vec::new(),
                json: None,
            })),
        }
    }

    /// An account block.
    fn account(&mut self, a: &ast::Account) -> Account {
        let id = a.id.text.clone();
        if !is_account_id(&id) {
            self.error(
                "bad-account",
                a.id.span.clone(),
                format!("`{id}` is not an account ID (12 digits)"),
            );
        }
        let mut account = Account {
            id: id.clone(),
            name: a.name.as_ref().map(|n| n.text.clone()),
            ..Account::default()
        };
        for item in &a.items {
            match item {
                ast::AccountItem::User(u) => {
                    if let Some(user) = self.user(u, &id) {
                        account.users.push(user);
                    }
                }
                ast::AccountItem::Group(g) => {
                    if let Some(group) = self.group(g, &id) {
                        account.groups.push(group);
                    }
                }
                ast::AccountItem::Role(r) => {
                    if let Some((role, profiles)) = self.role(r, &id) {
                        for p in profiles {
                            match account
                                .instance_profiles
                                .iter_mut()
                                .find(|x| x.name.eq_ignore_ascii_case(&p.name))
                            {
                                Some(existing) => existing.roles.extend(p.roles),
                                None => account.instance_profiles.push(p),
                            }
                        }
                        account.roles.push(role);
                    }
                }
                ast::AccountItem::Policy(p) => {
                    if let Some(policy) = self.managed_policy(p, &id) {
                        account.policies.push(policy);
                    }
                }
                ast::AccountItem::Resource(r) => {
                    if let Some(rp) = self.resource(r, Some(&id)) {
                        self.world.add_resource_policy(rp);
                    }
                }
            }
        }
        account
    }

    /// Checks a declared name and returns whether it can be used.
    fn check_name(&mut self, kind: &str, name: &Word, max: usize) -> bool {
        if !is_iam_name(&name.text) {
            self.error(
                "bad-name",
                name.span.clone(),
                format!(
                    "`{}` is not a valid {kind} name: IAM names use letters, digits and +=,.@_-",
                    name.text
                ),
            );
            return false;
        }
        if name.text.chars().count() > max {
            self.error(
                "bad-name",
                name.span.clone(),
                format!("a {kind} name has at most {max} characters"),
            );
        }
        true
    }

    /// The path of a header (`/` if none), checked; a second `path` is an error.
    fn path(&mut self, header: &[Header]) -> String {
        let mut paths = header.iter().filter_map(|h| match h {
            Header::Path(p) => Some(p),
            Header::In(..) => None,
        });
        let first = paths.next().cloned();
        let repeated: Vec<Span> = paths.map(|p| p.span.clone()).collect();
        for span in repeated {
            self.error("repeated-clause", span, "the path is given twice");
        }
        self.checked_path(first.as_ref())
    }

    fn checked_path(&mut self, path: Option<&Word>) -> String {
        match path {
            None => "/".into(),
            Some(p) if is_iam_path(&p.text) => p.text.clone(),
            Some(p) => {
                self.error(
                    "bad-path",
                    p.span.clone(),
                    format!(
                        "`{}` is not an IAM path: it starts and ends with `/`, like \"/team/\"",
                        p.text
                    ),
                );
                "/".into()
            }
        }
    }

    /// Reports header clauses an entity cannot have.
    fn only_path(&mut self, header: &[Header], what: &str) {
        for h in header {
            if let Header::In(_, span) = h {
                self.error(
                    "not-allowed",
                    span.clone(),
                    format!("only users are in groups; a {what} is not"),
                );
            }
        }
    }

    fn user(&mut self, u: &ast::User, account: &str) -> Option<User> {
        if !self.check_name("user", &u.name, 64) {
            return None;
        }
        let path = self.path(&u.header);
        let mut groups: Vec<String> = Vec::new();
        for h in &u.header {
            if let Header::In(names, _) = h {
                for g in names {
                    self.check_declared(Kind::Group, &g.text, account, &g.span);
                    if groups.contains(&g.text) {
                        self.warn(
                            "repeated-name",
                            g.span.clone(),
                            format!("`{}` is listed twice", g.text),
                        );
                    } else {
                        groups.push(g.text.clone());
                    }
                }
            }
        }
        if groups.len() > 10 {
            self.error(
                "quota",
                u.name.span.clone(),
                "a user is in at most 10 groups (spec §8)",
            );
        }
        let arn = format!("arn:aws:iam::{account}:user{path}{}", u.name.text);
        let mut parts = Parts::default();
        let mut credentials = Credentials {
            access_keys: Some(0),
            password: Some(false),
            mfa: Some(false),
        };
        for item in &u.items {
            match item {
                EntityItem::Mfa(_) => credentials.mfa = Some(true),
                EntityItem::Password(_) => credentials.password = Some(true),
                EntityItem::AccessKeys(n, span) => match n.text.parse::<u8>() {
                    Ok(k) if k <= 2 => credentials.access_keys = Some(k),
                    _ => self.error(
                        "quota",
                        span.clone(),
                        format!("a user has 0, 1 or 2 access keys, not `{}`", n.text),
                    ),
                },
                other => self.entity_item(other, &mut parts, "user", account),
            }
        }
        self.check_quota(
            &parts.attached,
            10,
            "a user has at most 10 managed policies (20 if raised)",
            &u.name.span,
            false,
        );
        Some(User {
            origin: self.entity_origin(&u.span),
            arn,
            name: u.name.text.clone(),
            path,
            id: None,
            groups,
            inline: parts.inline,
            attached: parts.attached,
            boundary: parts.boundary,
            tags: parts.tags,
            credentials,
        })
    }

    fn group(&mut self, g: &ast::Group, account: &str) -> Option<Group> {
        if !self.check_name("group", &g.name, 128) {
            return None;
        }
        self.only_path(&g.header, "group");
        let path = self.path(&g.header);
        let mut parts = Parts::default();
        for item in &g.items {
            self.entity_item(item, &mut parts, "group", account);
        }
        self.check_quota(
            &parts.attached,
            10,
            "a group has at most 10 managed policies",
            &g.name.span,
            true,
        );
        Some(Group {
            origin: self.entity_origin(&g.span),
            arn: format!("arn:aws:iam::{account}:group{path}{}", g.name.text),
            name: g.name.text.clone(),
            path,
            id: None,
            inline: parts.inline,
            attached: parts.attached,
        })
    }

    fn role(&mut self, r: &ast::Role, account: &str) -> Option<(Role, Vec<InstanceProfile>)> {
        if !self.check_name("role", &r.name, 64) {
            return None;
        }
        self.only_path(&r.header, "role");
        let path = self.path(&r.header);
        let arn = format!("arn:aws:iam::{account}:role{path}{}", r.name.text);
        let mut parts = Parts::default();
        let mut lines: Vec<&ast::TrustLine> = Vec::new();
        let mut documents: Vec<(&ast::Body, &Span)> = Vec::new();
        let mut profiles: Vec<InstanceProfile> = Vec::new();
        for item in &r.items {
            match item {
                EntityItem::Trust(line) => lines.push(line),
                EntityItem::TrustDocument(body, span) => documents.push((body, span)),
                EntityItem::InstanceProfile(name, p, _) => {
                    if !self.check_name("instance profile", name, 128) {
                        continue;
                    }
                    let path = self.checked_path(p.as_ref());
                    profiles.push(InstanceProfile {
                        arn: format!("arn:aws:iam::{account}:instance-profile{path}{}", name.text),
                        name: name.text.clone(),
                        path,
                        roles: vec![arn.clone()],
                    });
                    self.profile_spans.push((account.to_string(), name.clone()));
                }
                other => self.entity_item(other, &mut parts, "role", account),
            }
        }
        self.check_quota(
            &parts.attached,
            10,
            "a role has at most 10 managed policies (20 if raised)",
            &r.name.span,
            false,
        );
        let scope = Scope {
            kind: PolicyKind::Trust,
            account: Some(account),
        };
        let trust = match (lines.as_slice(), documents.as_slice()) {
            ([], []) => {
                self.warn(
                    "no-trust",
                    r.name.span.clone(),
                    "the role has no `trust` line: nobody can assume it",
                );
                None
            }
            (lines, []) => self.trust_document(lines, &scope),
            ([], [(body, _)]) => self.document(body, &scope),
            (_, [.., (_, span)]) => {
                self.error(
                    "repeated-clause",
                    (*span).clone(),
                    "a role has one trust policy: `trust` lines or one `trust json`/`trust file(...)`, not both",
                );
                None
            }
        };
        let role = Role {
            origin: self.entity_origin(&r.span),
            arn,
            name: r.name.text.clone(),
            path,
            id: None,
            trust,
            inline: parts.inline,
            attached: parts.attached,
            boundary: parts.boundary,
            tags: parts.tags,
            instance_profiles: profiles.iter().map(|p| p.arn.clone()).collect(),
            last_used: None,
        };
        Some((role, profiles))
    }

    /// The trust policy of a role's `trust` lines: one statement per line.
    fn trust_document(&mut self, lines: &[&ast::TrustLine], scope: &Scope<'_>) -> Option<Document> {
        let mut spans = Spans::default();
        let statements = lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let json =
                    self.trust_statement_json(line, scope, &format!("/Statement/{i}"), &mut spans);
                (json, line.span.clone())
            })
            .collect();
        let first = lines.first()?.span.start;
        let last = lines.last()?.span.end;
        let written = Written::of_statements(statements, spans, first..last);
        self.read(written, PolicyKind::Trust)
    }

    /// Items that users, groups and roles share (tags, policies, boundary), and the ones the
    /// entity cannot have, reported.
    fn entity_item(&mut self, item: &EntityItem, parts: &mut Parts, what: &str, account: &str) {
        let denied = |reason: &str| format!("a {what} {reason}");
        match item {
            EntityItem::Tag(key, value, span) => {
                if what == "group" {
                    self.error("not-allowed", span.clone(), denied("has no tags"));
                    return;
                }
                if parts
                    .tags
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case(&key.text))
                {
                    self.error(
                        "repeated-name",
                        key.span.clone(),
                        format!("tag `{}` is given twice", key.text),
                    );
                    return;
                }
                if parts.tags.len() == 50 {
                    self.error("quota", span.clone(), "at most 50 tags (spec §8)");
                }
                parts.tags.push((key.text.clone(), value.text.clone()));
            }
            EntityItem::Attach(refs, _) => {
                for r in refs {
                    let arn = self.policy_ref(r, account);
                    if parts.attached.contains(&arn) {
                        self.warn(
                            "repeated-name",
                            r.span.clone(),
                            format!("{arn} is attached twice"),
                        );
                    } else {
                        parts.attached.push(arn);
                    }
                }
            }
            EntityItem::Boundary(r, span) => {
                if what == "group" {
                    self.error(
                        "not-allowed",
                        span.clone(),
                        denied("has no permissions boundary"),
                    );
                    return;
                }
                if parts.boundary.is_some() {
                    self.error(
                        "repeated-clause",
                        span.clone(),
                        "an entity has one permissions boundary",
                    );
                    return;
                }
                parts.boundary = Some(self.policy_ref(r, account));
            }
            EntityItem::Policy(p) => {
                if let Some(path) = &p.path {
                    self.error("not-allowed", path.span.clone(), "an inline policy has no path (managed policies, declared in the account, do)");
                }
                if !self.check_name("policy", &p.name, 128) {
                    return;
                }
                if parts
                    .inline
                    .iter()
                    .any(|x| x.name.eq_ignore_ascii_case(&p.name.text))
                {
                    self.error(
                        "duplicate-name",
                        p.name.span.clone(),
                        format!(
                            "this {what} already has an inline policy named `{}`",
                            p.name.text
                        ),
                    );
                    return;
                }
                let scope = Scope {
                    kind: PolicyKind::Identity,
                    account: Some(account),
                };
                if let Some(document) = self.document(&p.body, &scope) {
                    parts.inline.push(InlinePolicy {
                        name: p.name.text.clone(),
                        document,
                    });
                }
            }
            EntityItem::Mfa(span)
            | EntityItem::Password(span)
            | EntityItem::AccessKeys(_, span) => {
                self.error(
                    "not-allowed",
                    span.clone(),
                    denied("has no long-term credentials (users do)"),
                );
            }
            EntityItem::Trust(line) => {
                self.error(
                    "not-allowed",
                    line.span.clone(),
                    denied("has no trust policy (roles do)"),
                );
            }
            EntityItem::TrustDocument(_, span) => {
                self.error(
                    "not-allowed",
                    span.clone(),
                    denied("has no trust policy (roles do)"),
                );
            }
            EntityItem::InstanceProfile(_, _, span) => {
                self.error(
                    "not-allowed",
                    span.clone(),
                    denied("is in no instance profile (roles are)"),
                );
            }
        }
    }

    fn check_quota(
        &mut self,
        attached: &[String],
        max: usize,
        message: &str,
        span: &Span,
        hard: bool,
    ) {
        if attached.len() > max {
            let d = if hard {
                Diagnostic::error("quota", "", message)
            } else {
                Diagnostic::warning("quota", "", message)
            };
            self.push(d, span.clone());
        }
    }

    /// The ARN a policy reference names: a local name, `aws:NAME`, or an ARN. Local names and
    /// AWS managed names are checked here; a missing one is reported at the reference and kept
    /// (its permissions are unknown, never empty).
    pub fn policy_ref(&mut self, r: &Word, account: &str) -> String {
        let text = r.text.as_str();
        if let Some(name) = text.strip_prefix("aws:") {
            let bundled = ManagedPolicies::bundled();
            return match bundled.by_name(name) {
                Some(p) => p
                    .arn
                    .clone()
                    .unwrap_or_else(|| format!("arn:aws:iam::aws:policy/{name}")),
                None => {
                    let hint = did_you_mean(name, bundled.iter().map(|p| p.name));
                    self.error(
                        "unknown-policy",
                        r.span.clone(),
                        format!("no AWS managed policy is named `{name}`{hint}"),
                    );
                    format!("arn:aws:iam::aws:policy/{name}")
                }
            };
        }
        if text.starts_with("arn:") {
            match Arn::parse(text) {
                Some(arn) if arn.account == "aws" => {
                    if ManagedPolicies::bundled().get(text).is_none() {
                        self.error(
                            "unknown-policy",
                            r.span.clone(),
                            format!("{text} is not a known AWS managed policy"),
                        );
                    }
                }
                Some(arn) if arn.account == account => {
                    let declared = self.decls.account(account).is_some_and(|a| {
                        a.policies.iter().any(|d| {
                            format!("arn:aws:iam::{account}:policy{}{}", d.path, d.name) == text
                        })
                    });
                    if !declared {
                        self.error(
                            "unknown-policy",
                            r.span.clone(),
                            format!("account {account} declares no policy {text} in this file"),
                        );
                    }
                }
                Some(_) => {}
                None => self.error("bad-arn", r.span.clone(), format!("`{text}` is not an ARN")),
            }
            return text.to_string();
        }
        let decl = self
            .decls
            .account(account)
            .and_then(|a| a.find(Kind::Policy, text))
            .cloned();
        match decl {
            Some(d) => format!("arn:aws:iam::{account}:policy{}{}", d.path, d.name),
            None => {
                let candidates: Vec<String> = self
                    .decls
                    .account(account)
                    .map(|a| a.policies.iter().map(|d| d.name.clone()).collect())
                    .unwrap_or_default();
                let mut hint = did_you_mean(text, candidates.iter().map(String::as_str));
                if hint.is_empty() && ManagedPolicies::bundled().by_name(text).is_some() {
                    hint = format!("; for the AWS managed policy, write `aws:{text}`");
                }
                self.error(
                    "unknown-policy",
                    r.span.clone(),
                    format!("account {account} declares no policy `{text}` in this file{hint}"),
                );
                format!("arn:aws:iam::{account}:policy/{text}")
            }
        }
    }

    /// A customer managed policy (`policy NAME [path ...] BODY` in an account).
    fn managed_policy(&mut self, p: &ast::PolicyDecl, account: &str) -> Option<ManagedPolicy> {
        if !self.check_name("policy", &p.name, 128) {
            return None;
        }
        let path = self.checked_path(p.path.as_ref());
        let scope = Scope {
            kind: PolicyKind::Identity,
            account: Some(account),
        };
        let document = self.document(&p.body, &scope)?;
        Some(ManagedPolicy {
            origin: self.entity_origin(&p.span),
            arn: format!("arn:aws:iam::{account}:policy{path}{}", p.name.text),
            name: p.name.text.clone(),
            path,
            versions: vec![PolicyVersion {
                id: "v1".into(),
                is_default: true,
                document,
            }],
        })
    }

    /// A resource policy; its owner is `owner`, else the enclosing account, else the ARN's.
    fn resource(&mut self, r: &ast::Resource, enclosing: Option<&str>) -> Option<ResourcePolicy> {
        let arn = r.arn.text.clone();
        let Some(parsed) = Arn::parse(&arn) else {
            self.error(
                "bad-arn",
                r.arn.span.clone(),
                format!("`{arn}` is not an ARN"),
            );
            return None;
        };
        let owner = match (&r.owner, enclosing) {
            (Some(o), _) if !is_account_id(&o.text) => {
                self.error(
                    "bad-account",
                    o.span.clone(),
                    format!("`{}` is not an account ID (12 digits)", o.text),
                );
                return None;
            }
            (Some(o), Some(e)) if o.text != e => {
                self.error(
                    "bad-account",
                    o.span.clone(),
                    format!(
                        "the resource is declared in account {e} but owned by {}",
                        o.text
                    ),
                );
                return None;
            }
            (Some(o), _) => o.text.clone(),
            (None, Some(e)) => e.to_string(),
            (None, None) if is_account_id(parsed.account) => parsed.account.to_string(),
            (None, None) => {
                self.error("no-account", r.arn.span.clone(), format!("`{arn}` names no account: write `owner ACCOUNT` or declare it in its account"));
                return None;
            }
        };
        if self.world.resource_policies.iter().any(|p| p.arn == arn) {
            self.error(
                "duplicate-name",
                r.arn.span.clone(),
                format!("{arn} already has a policy"),
            );
            return None;
        }
        let scope = Scope {
            kind: PolicyKind::Resource,
            account: Some(&owner),
        };
        let document = self.document(&r.body, &scope)?;
        Some(ResourcePolicy {
            arn,
            account: owner,
            document,
        })
    }

    /// An instance profile holds one role (spec §7): a name given to two roles is an error.
    fn check_instance_profiles(&mut self, accounts: &[Account]) {
        let spans = std::mem::take(&mut self.profile_spans);
        for account in accounts {
            for p in &account.instance_profiles {
                if p.roles.len() > 1 {
                    let second = spans
                        .iter()
                        .filter(|(a, n)| *a == account.id && n.text.eq_ignore_ascii_case(&p.name))
                        .nth(1);
                    let span = second.map_or(0..0, |(_, n)| n.span.clone());
                    self.error(
                        "quota",
                        span,
                        format!(
                            "instance profile `{}` already holds {}: a profile holds one role",
                            p.name, p.roles[0]
                        ),
                    );
                }
            }
        }
    }
}

/// What users, groups and roles share.
#[derive(Default)]
struct Parts {
    inline: Vec<InlinePolicy>,
    attached: Vec<String>,
    boundary: Option<String>,
    tags: Vec<(String, String)>,
}

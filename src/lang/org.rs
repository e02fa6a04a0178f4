//! The `organization` block: the OU tree, where accounts sit, SCPs and RCPs with their targets.
//!
//! | written | model (AWS Organizations) |
//! |---|---|
//! | `organization [o-ID] [r-ID] management A { ... }` | `Organization{Id, MasterAccountId}`, its root (`r-root` unless given) |
//! | `ou NAME [ou-ID] { ... }` | an OU, by default `ou-root-NAME` (lowercase letters and digits of the name) |
//! | `account ID ["name"];` | the account's parent is the enclosing OU or the root |
//! | `scp NAME [p-ID] BODY`, `scp BODY` | an SCP `p-NAME` attached here (unnamed: the file's name for `file(...)`, else `OU-scp-N`) |
//! | `scp NAME;` | the SCP declared elsewhere in the block, attached here too |
//! | `rcp ...` | the same for RCPs (`to *` may be left out of their statements) |
//! | any SCP declared | SCPs enabled; `FullAWSAccess` attached to the root, every OU and every account, as AWS does |
//! | `detach FullAWSAccess;` | ... except here |
//! | any RCP declared | RCPs enabled (`RCPFullAWSAccess` is implied at every level) |
//!
//! The management account sits under the root unless placed elsewhere; SCPs and RCPs never
//! apply to it.

use super::ast::{self, OrgItem, OrgPolicyKind, Span, Word};
use super::desugar::Desugarer;
use super::document::{Spans, Written};
use super::names::{did_you_mean, is_account_id};
use super::statement::Scope;
use crate::model::organizations::FULL_AWS_ACCESS_ID;
use crate::model::{OrgPolicy, OrgUnit, Organization};
use crate::policy::PolicyKind;
use serde_json::json;

/// The ID given to the root.
pub const ROOT_ID: &str = "r-root";

/// The organisation ID used when the block gives none.
pub const DEFAULT_ORG_ID: &str = "o-0000000000";

/// What the walk over the block collects.
#[derive(Default)]
struct Build {
    units: Vec<OrgUnit>,
    /// Accounts in the order placed, with their parents.
    accounts: Vec<(String, String)>,
    /// Declared policies: kind, name, where, policy (without targets yet).
    declared: Vec<(OrgPolicyKind, Word, OrgPolicy)>,
    /// `scp NAME;` attachments: kind, name, target.
    pending: Vec<(OrgPolicyKind, Word, String)>,
    /// Targets where `FullAWSAccess` is detached.
    detached: Vec<(String, Span)>,
    /// Account names given in the block.
    names: Vec<(String, String)>,
}

impl Desugarer<'_> {
    /// The organisation of an `organization` block.
    pub fn organization(&mut self, o: &ast::Organization) -> Organization {
        let mut id = None;
        let mut root = None;
        for word in &o.ids {
            let slot = if word.text.starts_with("o-") {
                &mut id
            } else if word.text.starts_with("r-") {
                &mut root
            } else {
                self.error(
                    "bad-organization-id",
                    word.span.clone(),
                    format!(
                        "`{}` is neither an organisation ID (`o-...`) nor a root ID (`r-...`)",
                        word.text
                    ),
                );
                continue;
            };
            if slot.is_some() {
                self.error(
                    "repeated-clause",
                    word.span.clone(),
                    "the ID is given twice",
                );
                continue;
            }
            *slot = Some(word.text.clone());
        }
        let id = id.unwrap_or_else(|| DEFAULT_ORG_ID.to_string());
        let root = root.unwrap_or_else(|| ROOT_ID.to_string());
        if !is_account_id(&o.management.text) {
            self.error(
                "bad-account",
                o.management.span.clone(),
                format!("`{}` is not an account ID (12 digits)", o.management.text),
            );
        }
        let mut build = Build::default();
        build.units.push(OrgUnit {
            id: root.clone(),
            name: "Root".into(),
            parent: None,
        });
        self.org_items(&o.items, &root, "root", false, &mut build);
        self.attach_pending(&mut build);
        let management = o.management.text.clone();
        if !build.accounts.iter().any(|(a, _)| *a == management) {
            build.accounts.push((management.clone(), root.clone()));
        }
        let mut scps = Vec::new();
        let mut rcps = Vec::new();
        for (kind, _, policy) in build.declared.drain(..) {
            match kind {
                OrgPolicyKind::Scp => scps.push(policy),
                OrgPolicyKind::Rcp => rcps.push(policy),
            }
        }
        let scps_enabled = !scps.is_empty();
        if scps_enabled {
            if let Some(full) = self.full_aws_access(&build, &o.span) {
                scps.insert(0, full);
            }
        } else if let Some((_, span)) = build.detached.first() {
            self.warn(
                "no-effect",
                span.clone(),
                "no SCP is declared, so SCPs are off and nothing is detached",
            );
        }
        Organization {
            file: Some(self.file),
            account_names: build.names.into_iter().collect(),
            id,
            management_account: management,
            units: build.units,
            account_parents: build.accounts.into_iter().collect(),
            scps,
            rcps_enabled: !rcps.is_empty(),
            rcps,
            scps_enabled,
        }
    }

    /// Walks the items of the root, an OU (`target` its ID) or an account in the tree.
    fn org_items(
        &mut self,
        items: &[OrgItem],
        target: &str,
        label: &str,
        in_account: bool,
        build: &mut Build,
    ) {
        for item in items {
            match item {
                OrgItem::Unit(u) => {
                    if in_account {
                        self.error("not-allowed", u.span.clone(), "an account holds no OUs");
                        continue;
                    }
                    let id = match &u.id {
                        Some(id) if !id.text.starts_with("ou-") => {
                            self.error(
                                "bad-id",
                                id.span.clone(),
                                format!("`{}` is not an OU ID (`ou-...`)", id.text),
                            );
                            unit_id(&u.name.text, &build.units)
                        }
                        Some(id) if build.units.iter().any(|x| x.id == id.text) => {
                            self.error(
                                "duplicate-name",
                                id.span.clone(),
                                format!("another OU has the ID {}", id.text),
                            );
                            unit_id(&u.name.text, &build.units)
                        }
                        Some(id) => id.text.clone(),
                        None => unit_id(&u.name.text, &build.units),
                    };
                    build.units.push(OrgUnit {
                        id: id.clone(),
                        name: u.name.text.clone(),
                        parent: Some(target.to_string()),
                    });
                    self.org_items(&u.items, &id, &u.name.text, false, build);
                }
                OrgItem::Account(a) => {
                    if in_account {
                        self.error(
                            "not-allowed",
                            a.span.clone(),
                            "an account holds no accounts",
                        );
                        continue;
                    }
                    if !is_account_id(&a.id.text) {
                        self.error(
                            "bad-account",
                            a.id.span.clone(),
                            format!("`{}` is not an account ID (12 digits)", a.id.text),
                        );
                        continue;
                    }
                    if build.accounts.iter().any(|(x, _)| *x == a.id.text) {
                        self.error("duplicate-name", a.id.span.clone(), format!("account {} is already placed in the organisation; an account has one parent", a.id.text));
                        continue;
                    }
                    build.accounts.push((a.id.text.clone(), target.to_string()));
                    if let Some(name) = &a.name {
                        build.names.push((a.id.text.clone(), name.text.clone()));
                    }
                    let label = a
                        .name
                        .as_ref()
                        .map_or(a.id.text.as_str(), |n| n.text.as_str());
                    self.org_items(&a.items, &a.id.text, label, true, build);
                }
                OrgItem::Policy(p) => self.org_policy(p, target, label, build),
                OrgItem::Detach(name, span) => {
                    if name.text == "FullAWSAccess" {
                        build.detached.push((target.to_string(), span.clone()));
                    } else {
                        self.error("not-allowed", name.span.clone(), "only FullAWSAccess is attached by default; leave out the others instead of detaching them");
                    }
                }
            }
        }
    }

    /// `scp NAME;` (attached after the walk) or `scp [NAME] BODY` (declared and attached).
    fn org_policy(&mut self, p: &ast::OrgPolicy, target: &str, label: &str, build: &mut Build) {
        let Some(body) = &p.body else {
            if let Some(name) = &p.name {
                build
                    .pending
                    .push((p.kind, name.clone(), target.to_string()));
            }
            return;
        };
        let word = kind_word(p.kind);
        let taken = |name: &str| {
            build
                .declared
                .iter()
                .any(|(k, n, _)| *k == p.kind && n.text.eq_ignore_ascii_case(name))
        };
        // An unnamed `scp file("dir/deny-x.json")` is named after its file.
        let stem = match body {
            ast::Body::File(path, _) => std::path::Path::new(&path.text)
                .file_stem()
                .and_then(|s| s.to_str())
                .filter(|s| !s.is_empty() && !taken(s))
                .map(str::to_string),
            _ => None,
        };
        let name = match (&p.name, stem) {
            (Some(n), _) => n.clone(),
            (None, Some(stem)) => Word {
                text: stem,
                quoted: false,
                span: p.span.clone(),
            },
            (None, None) => {
                let prefix = format!("{label}-{word}-");
                let n = build
                    .declared
                    .iter()
                    .filter(|(k, n, _)| *k == p.kind && n.text.starts_with(&prefix))
                    .count()
                    + 1;
                Word {
                    text: format!("{label}-{word}-{n}"),
                    quoted: false,
                    span: p.span.clone(),
                }
            }
        };
        let same = build
            .declared
            .iter()
            .find(|(k, n, _)| *k == p.kind && n.text.eq_ignore_ascii_case(&name.text));
        if let Some((_, first, _)) = same {
            let (line, _) = crate::json::line_column(&self.text, first.span.start);
            self.error("duplicate-name", name.span.clone(), format!("an {word} named `{}` is already declared on line {line}; attach it here with `{word} {};`", first.text, first.text));
            return;
        }
        let kind = match p.kind {
            OrgPolicyKind::Scp => PolicyKind::Scp,
            OrgPolicyKind::Rcp => PolicyKind::Rcp,
        };
        let scope = Scope {
            kind,
            account: None,
        };
        let Some(document) = self.document(body, &scope) else {
            return;
        };
        let taken: Vec<&str> = build
            .declared
            .iter()
            .map(|(_, _, p)| p.id.as_str())
            .collect();
        let id = match &p.id {
            Some(id) if !id.text.starts_with("p-") => {
                self.error(
                    "bad-id",
                    id.span.clone(),
                    format!("`{}` is not a policy ID (`p-...`)", id.text),
                );
                policy_id(&name.text, &taken)
            }
            Some(id) if taken.contains(&id.text.as_str()) || id.text == FULL_AWS_ACCESS_ID => {
                self.error(
                    "duplicate-name",
                    id.span.clone(),
                    format!("another policy has the ID {}", id.text),
                );
                policy_id(&name.text, &taken)
            }
            Some(id) => id.text.clone(),
            None => policy_id(&name.text, &taken),
        };
        build.declared.push((
            p.kind,
            name.clone(),
            OrgPolicy {
                id,
                name: name.text.clone(),
                document,
                targets: vec![target.to_string()],
            },
        ));
    }

    /// Attaches the `scp NAME;` references to the policies they name.
    fn attach_pending(&mut self, build: &mut Build) {
        for (kind, name, target) in std::mem::take(&mut build.pending) {
            let found = build
                .declared
                .iter_mut()
                .find(|(k, n, _)| *k == kind && n.text == name.text);
            match found {
                Some((_, _, policy)) => {
                    if policy.targets.contains(&target) {
                        self.warn(
                            "repeated-name",
                            name.span.clone(),
                            format!("`{}` is already attached here", name.text),
                        );
                    } else {
                        policy.targets.push(target);
                    }
                }
                None => {
                    let word = kind_word(kind);
                    let names: Vec<&str> = build
                        .declared
                        .iter()
                        .filter(|(k, _, _)| *k == kind)
                        .map(|(_, n, _)| n.text.as_str())
                        .collect();
                    let hint = did_you_mean(&name.text, names);
                    self.error(
                        "unknown-policy",
                        name.span.clone(),
                        format!(
                            "no {word} named `{}` is declared in the organisation{hint}",
                            name.text
                        ),
                    );
                }
            }
        }
    }

    /// AWS's `FullAWSAccess`, attached to every node but those that detach it.
    fn full_aws_access(&mut self, build: &Build, span: &Span) -> Option<OrgPolicy> {
        let json = json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        });
        let written = Written {
            json,
            spans: Spans::default(),
            statements: vec![span.clone()],
            span: span.clone(),
        };
        let document = self.read(written, PolicyKind::Scp)?;
        let targets = build
            .units
            .iter()
            .map(|u| u.id.clone())
            .chain(build.accounts.iter().map(|(a, _)| a.clone()))
            .filter(|t| !build.detached.iter().any(|(d, _)| d == t))
            .collect();
        Some(OrgPolicy {
            id: FULL_AWS_ACCESS_ID.into(),
            name: "FullAWSAccess".into(),
            document,
            targets,
        })
    }
}

fn kind_word(kind: OrgPolicyKind) -> &'static str {
    match kind {
        OrgPolicyKind::Scp => "scp",
        OrgPolicyKind::Rcp => "rcp",
    }
}

/// `ou-root-NAME` (lowercase letters and digits of the name): the ID an OU gets by default.
pub(super) fn default_unit_id(name: &str) -> String {
    let slug: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if slug.is_empty() {
        "ou-root-unit".to_string()
    } else {
        format!("ou-root-{slug}")
    }
}

/// `p-NAME` (letters, digits and `_`): the ID a policy gets by default.
pub(super) fn default_policy_id(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("p-{slug}")
}

/// The default ID of an OU, made unique.
fn unit_id(name: &str, units: &[OrgUnit]) -> String {
    unique(&default_unit_id(name), |id| {
        units.iter().any(|u| u.id == id)
    })
}

/// The default ID of a policy, made unique.
fn policy_id(name: &str, taken: &[&str]) -> String {
    unique(&default_policy_id(name), |id| {
        id == FULL_AWS_ACCESS_ID || taken.contains(&id)
    })
}

fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|id| !taken(id))
        .expect("some suffix is free")
}

//! AWS Organizations data: the tree of roots, OUs and accounts, and the SCPs and RCPs attached
//! to it (spec §5 "Where guardrails apply", §9 "Organizations").
//!
//! iamlog reads ONE JSON file that gathers what the AWS CLI prints, each output verbatim under
//! the name of the API operation that produced it (`scripts/collect_organization.sh` writes it
//! with the credentials of the management account):
//!
//! ```json
//! {
//!   "DescribeOrganization": <aws organizations describe-organization>,
//!   "ListRoots": <aws organizations list-roots>,
//!   "ListOrganizationalUnitsForParent": [
//!     {"ParentId": "r-ab12", <list-organizational-units-for-parent --parent-id r-ab12>}
//!   ],
//!   "ListAccountsForParent": [
//!     {"ParentId": "ou-ab12-11111111", <list-accounts-for-parent --parent-id ou-ab12-11111111>}
//!   ],
//!   "DescribePolicy": [
//!     {<describe-policy --policy-id p-x>, <list-targets-for-policy --policy-id p-x>}
//!   ]
//! }
//! ```
//!
//! - `ListOrganizationalUnitsForParent` and `ListAccountsForParent` hold one entry per call: the
//!   output object (`{"OrganizationalUnits": [...]}`, `{"Accounts": [...]}`) with the
//!   `--parent-id` added as `"ParentId"`. Every parent needs both calls; the same parent may
//!   appear in several entries (pages).
//! - Each `DescribePolicy` entry is the `describe-policy` output (`{"Policy": {"PolicySummary",
//!   "Content"}}`) with the `list-targets-for-policy` output (`{"Targets": [...]}`) merged in.
//!   SCPs (`SERVICE_CONTROL_POLICY`) and RCPs (`RESOURCE_CONTROL_POLICY`) are read; other
//!   policy types decide no access and are reported as ignored. `Content` is the JSON string AWS
//!   returns (an object is accepted too); problems in it are reported at its pointer.
//! - A guardrail is on when the root lists its type with `"Status": "ENABLED"` (`ListRoots`).
//!   `FullAWSAccess` is an ordinary SCP: a root, OU or account with no SCP allows nothing.
//!   `RCPFullAWSAccess`, which AWS attaches everywhere and never detaches, is supplied by
//!   [`Organization::chain`]; when the file lists it, the listed copy is used instead.
//!
//! Every problem is a located [`Diagnostic`]: an OU or account whose parent is not in the tree
//! (it is left out), a policy target that is not in the tree, more than 5 SCPs or RCPs on one
//! target, OUs nested deeper than 5, a level without SCP, a management account missing from the
//! account listings, fields iamlog does not know. Only one organisation can be loaded.

use super::{Document, OrgPolicy, OrgUnit, Organization, SourceFile, World};
use crate::diag::Diagnostic;
use crate::json::pointer_token;
use crate::json::{Json, Object};
use crate::policy::document::kind_of;
use crate::policy::principal::is_account_id;
use crate::policy::PolicyKind;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// ID of AWS's default SCP, attached to every root, OU and account when SCPs are enabled.
pub const FULL_AWS_ACCESS_ID: &str = "p-FullAWSAccess";

/// ID of AWS's default RCP, attached to every root, OU and account and never detachable.
pub const RCP_FULL_AWS_ACCESS_ID: &str = "p-RCPFullAWSAccess";

/// SCPs (or RCPs) AWS lets one root, OU or account carry (spec §8).
const MAX_POLICIES_PER_TARGET: usize = 5;

/// Levels of OUs AWS allows under the root (spec §8).
const MAX_OU_DEPTH: usize = 5;

/// Top-level keys of the file.
const TOP: &[&str] = &[
    "DescribeOrganization",
    "ListRoots",
    "ListOrganizationalUnitsForParent",
    "ListAccountsForParent",
    "DescribePolicy",
];

/// CLI fields that carry no access; read silently, not reported as unknown.
const IGNORED: &[&str] = &[
    "Arn",
    "FeatureSet",
    "MasterAccountArn",
    "MasterAccountEmail",
    "AvailablePolicyTypes",
    "Email",
    "JoinedMethod",
    "JoinedTimestamp",
    "Description",
    "AwsManaged",
];

/// True if `value` is an organisation file (it has one of the top-level keys above).
pub fn looks_like(value: &Json<'_>) -> bool {
    value
        .as_object()
        .is_some_and(|o| o.keys().any(|k| TOP.contains(&k)))
}

/// Reads an organisation file into `world.organization`. A second organisation file is an
/// error and is ignored.
pub fn load(name: &str, text: Arc<str>, value: &Json<'_>, world: &mut World) {
    if let Some(org) = &world.organization {
        let first = org
            .file
            .and_then(|f| world.sources.get(f))
            .map_or("another input", |s| s.name.as_str());
        let d = Diagnostic::error(
            "second-organization",
            "",
            format!(
                "organisation {} is already loaded from {first}; only one organisation can be loaded, so this file is ignored",
                org.id
            ),
        );
        world.diagnostics.push(d.locate(name, &text));
        return;
    }
    let file = world.sources.len();
    world.sources.push(SourceFile {
        name: name.to_string(),
        text: text.clone(),
    });
    let mut reader = Reader {
        file,
        diagnostics: Vec::new(),
    };
    let org = reader.organization(value);
    world.organization = Some(org);
    world
        .diagnostics
        .extend(crate::diag::locate_all(reader.diagnostics, name, &text));
}

/// Names the accounts of the world after the organisation's account listing, where no other
/// source named them. Run once every file is loaded (files may come in any order).
pub fn resolve(world: &mut World) {
    let Some(org) = &world.organization else {
        return;
    };
    for account in &mut world.accounts {
        if account.name.is_none() {
            account.name = org.account_names.get(&account.id).cloned();
        }
    }
}

/// What a node of the tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeKind {
    Root,
    Ou,
    Account,
}

impl NodeKind {
    fn word(self) -> &'static str {
        match self {
            NodeKind::Root => "root",
            NodeKind::Ou => "OU",
            NodeKind::Account => "account",
        }
    }

    /// The `Type` that `list-targets-for-policy` gives such a target.
    fn target_type(self) -> &'static str {
        match self {
            NodeKind::Root => "ROOT",
            NodeKind::Ou => "ORGANIZATIONAL_UNIT",
            NodeKind::Account => "ACCOUNT",
        }
    }
}

/// A root, OU or account kept in the tree, with the pointer of its entry in the file.
#[derive(Debug, Clone)]
struct Node {
    id: String,
    kind: NodeKind,
    at: String,
}

/// One child in a listing (`OrganizationalUnits[i]` or `Accounts[i]`).
#[derive(Debug, Clone)]
struct Child {
    id: String,
    name: Option<String>,
    at: String,
}

/// One `list-...-for-parent` entry: its parent and its children.
#[derive(Debug, Clone)]
struct Listing {
    parent: String,
    /// Pointer of the entry's `ParentId`.
    at: String,
    children: Vec<Child>,
}

/// Where a parent sits: this many OU levels under a root, or why it is not in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Place {
    Depth(usize),
    /// The first ancestor (possibly the parent itself) that is neither a root nor a listed OU.
    Missing(String),
    Cycle,
}

/// A policy's attachments, counted even when its document could not be read.
struct Attachment {
    kind: PolicyKind,
    targets: Vec<String>,
}

struct Reader {
    file: usize,
    diagnostics: Vec<Diagnostic>,
}

impl Reader {
    fn error(&mut self, code: &'static str, at: impl Into<String>, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(code, at, message));
    }

    fn warn(&mut self, code: &'static str, at: impl Into<String>, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::warning(code, at, message));
    }

    /// Reads the whole file.
    fn organization(&mut self, value: &Json<'_>) -> Organization {
        let mut org = Organization {
            file: Some(self.file),
            ..Organization::default()
        };
        let Some(map) = self.object(value, "") else {
            return org;
        };
        self.unknown_keys(map, "", TOP, "an organisation file");
        self.describe_organization(map, &mut org);
        let mut nodes = self.roots(map, &mut org);
        let ous = self.listings(
            map,
            "ListOrganizationalUnitsForParent",
            "OrganizationalUnits",
        );
        let accounts = self.listings(map, "ListAccountsForParent", "Accounts");
        self.tree(&ous, &accounts, &mut org, &mut nodes);
        let attachments = self.policies(map, &mut org, &nodes);
        self.check_management_account(&org);
        self.check_attachments(map, &org, &nodes, &attachments);
        org
    }

    /// `DescribeOrganization`: the organisation's ID and management account.
    fn describe_organization(&mut self, map: &Object<'_>, org: &mut Organization) {
        let Some(value) = map.get("DescribeOrganization") else {
            self.error("missing-field", "", "the file has no DescribeOrganization (output of `aws organizations describe-organization`): the organisation ID and its management account are unknown");
            return;
        };
        let Some(outer) = self.object(value, "/DescribeOrganization") else {
            return;
        };
        self.unknown_keys(
            outer,
            "/DescribeOrganization",
            &["Organization"],
            "describe-organization output",
        );
        let at = "/DescribeOrganization/Organization";
        let Some(inner) = self.field_object(outer, "/DescribeOrganization", "Organization") else {
            return;
        };
        self.unknown_keys(inner, at, &["Id", "MasterAccountId"], "an organisation");
        org.id = self.string(inner, at, "Id", true).unwrap_or_default();
        let management = self.string(inner, at, "MasterAccountId", true);
        match management {
            Some(id) if is_account_id(&id) => org.management_account = id,
            Some(id) => self.error(
                "bad-field",
                format!("{at}/MasterAccountId"),
                format!("\"{id}\" is not a 12-digit account ID"),
            ),
            None => {}
        }
    }

    /// `ListRoots`: the root and which guardrails are enabled on it.
    fn roots(&mut self, map: &Object<'_>, org: &mut Organization) -> Vec<Node> {
        let Some(value) = map.get("ListRoots") else {
            self.error("missing-field", "", "the file has no ListRoots (output of `aws organizations list-roots`): the root and the enabled policy types are unknown, so SCPs and RCPs are off");
            return Vec::new();
        };
        let Some(outer) = self.object(value, "/ListRoots") else {
            return Vec::new();
        };
        self.unknown_keys(outer, "/ListRoots", &["Roots"], "list-roots output");
        let roots = self.list(outer, "/ListRoots", "Roots");
        if roots.len() != 1 {
            self.error(
                "root-count",
                "/ListRoots/Roots",
                format!(
                    "an organisation has exactly one root; this lists {}",
                    roots.len()
                ),
            );
        }
        let mut nodes = Vec::new();
        for (value, at) in roots {
            let Some(root) = self.object(value, &at) else {
                continue;
            };
            self.unknown_keys(root, &at, &["Id", "Name", "PolicyTypes"], "a root");
            let Some(id) = self.string(root, &at, "Id", true) else {
                continue;
            };
            for (value, type_at) in self.list(root, &at, "PolicyTypes") {
                self.policy_type(value, &type_at, org);
            }
            org.units.push(OrgUnit {
                id: id.clone(),
                name: self.string(root, &at, "Name", false).unwrap_or_default(),
                parent: None,
            });
            nodes.push(Node {
                id,
                kind: NodeKind::Root,
                at,
            });
        }
        nodes
    }

    /// One `PolicyTypes` entry of a root: `{Type, Status}`.
    fn policy_type(&mut self, value: &Json<'_>, at: &str, org: &mut Organization) {
        let Some(entry) = self.object(value, at) else {
            return;
        };
        self.unknown_keys(entry, at, &["Type", "Status"], "a policy type");
        let kind = self.string(entry, at, "Type", true);
        let status = self.string(entry, at, "Status", true).unwrap_or_default();
        let flag = match kind.as_deref() {
            Some("SERVICE_CONTROL_POLICY") => &mut org.scps_enabled,
            Some("RESOURCE_CONTROL_POLICY") => &mut org.rcps_enabled,
            _ => return,
        };
        *flag = status == "ENABLED";
        if status != "ENABLED" && status.starts_with("PENDING") {
            self.warn(
                "policy-type-pending",
                format!("{at}/Status"),
                format!(
                    "{} is {status}: iamlog treats it as off until the status is ENABLED",
                    kind.unwrap_or_default()
                ),
            );
        }
    }

    /// The entries of `ListOrganizationalUnitsForParent` or `ListAccountsForParent`.
    fn listings(&mut self, map: &Object<'_>, key: &str, children: &str) -> Vec<Listing> {
        let mut out = Vec::new();
        for (value, at) in self.list(map, "", key) {
            let Some(entry) = self.object(value, &at) else {
                continue;
            };
            self.unknown_keys(
                entry,
                &at,
                &["ParentId", children],
                &format!("{key} entries"),
            );
            let Some(parent) = self.string(entry, &at, "ParentId", true) else {
                continue;
            };
            if !entry.contains_key(children) {
                self.error(
                    "missing-field",
                    &at,
                    format!("the entry has no {children}: paste the command's output with \"ParentId\" added"),
                );
            }
            let account = children == "Accounts";
            let items = self.list(entry, &at, children);
            let children = items
                .into_iter()
                .filter_map(|(v, child_at)| self.child(v, child_at, account))
                .collect();
            out.push(Listing {
                parent,
                at: format!("{at}/ParentId"),
                children,
            });
        }
        out
    }

    /// One OU (`{Id, Arn, Name}`) or account (`{Id, Arn, Email, Name, Status, ...}`).
    fn child(&mut self, value: &Json<'_>, at: String, account: bool) -> Option<Child> {
        let entry = self.object(value, &at)?;
        let known: &[&str] = if account {
            &["Id", "Name", "Status", "State"]
        } else {
            &["Id", "Name"]
        };
        self.unknown_keys(
            entry,
            &at,
            known,
            if account { "an account" } else { "an OU" },
        );
        let id = self.string(entry, &at, "Id", true)?;
        if account && !is_account_id(&id) {
            self.error(
                "bad-field",
                format!("{at}/Id"),
                format!("\"{id}\" is not a 12-digit account ID"),
            );
            return None;
        }
        if account {
            for key in ["Status", "State"] {
                match self.string(entry, &at, key, false) {
                    Some(s) if s != "ACTIVE" => self.warn(
                        "account-not-active",
                        format!("{at}/{key}"),
                        format!(
                            "account {id} is {s}: iamlog decides its requests as if it were active"
                        ),
                    ),
                    _ => {}
                }
            }
        }
        let name = self.string(entry, &at, "Name", false);
        Some(Child { id, name, at })
    }

    /// Builds the tree: keeps OUs and accounts whose parent chain reaches the root, reports
    /// the others once per listing, and fills `units`, `account_parents` and `account_names`.
    fn tree(
        &mut self,
        ous: &[Listing],
        accounts: &[Listing],
        org: &mut Organization,
        nodes: &mut Vec<Node>,
    ) {
        let roots: HashSet<String> = nodes.iter().map(|n| n.id.clone()).collect();
        let mut ou_parent: HashMap<String, String> = HashMap::new();
        for listing in ous {
            for child in &listing.children {
                if self.duplicate(&ou_parent, child, &listing.parent, "OU") {
                    continue;
                }
                ou_parent.insert(child.id.clone(), listing.parent.clone());
            }
        }
        let mut kept_ous = HashSet::new();
        for listing in ous {
            let Some(depth) = self.place_of_parent(listing, &roots, &ou_parent, "OUs") else {
                continue;
            };
            for child in &listing.children {
                if ou_parent.get(&child.id) != Some(&listing.parent)
                    || !kept_ous.insert(child.id.clone())
                {
                    continue; // a duplicate, reported above
                }
                // Only the topmost OU of a branch that is too deep is reported.
                if depth == MAX_OU_DEPTH {
                    self.warn(
                        "ou-depth",
                        &child.at,
                        format!("OU {} is nested {} levels under the root: AWS allows {MAX_OU_DEPTH} (OUs under it are deeper still)", child.id, depth + 1),
                    );
                }
                org.units.push(OrgUnit {
                    id: child.id.clone(),
                    name: child.name.clone().unwrap_or_default(),
                    parent: Some(listing.parent.clone()),
                });
                nodes.push(Node {
                    id: child.id.clone(),
                    kind: NodeKind::Ou,
                    at: child.at.clone(),
                });
            }
        }
        let mut account_parent: HashMap<String, String> = HashMap::new();
        for listing in accounts {
            let placed = self.place_of_parent(listing, &roots, &ou_parent, "accounts");
            for child in &listing.children {
                if self.duplicate(&account_parent, child, &listing.parent, "account") {
                    continue;
                }
                account_parent.insert(child.id.clone(), listing.parent.clone());
                if placed.is_none() {
                    continue;
                }
                org.account_parents
                    .insert(child.id.clone(), listing.parent.clone());
                if let Some(name) = &child.name {
                    org.account_names.insert(child.id.clone(), name.clone());
                }
                nodes.push(Node {
                    id: child.id.clone(),
                    kind: NodeKind::Account,
                    at: child.at.clone(),
                });
            }
        }
    }

    /// Reports an OU or account listed a second time; true if this listing of it is to be
    /// skipped.
    fn duplicate(
        &mut self,
        seen: &HashMap<String, String>,
        child: &Child,
        parent: &str,
        word: &str,
    ) -> bool {
        let Some(first) = seen.get(&child.id) else {
            return false;
        };
        if first == parent {
            self.warn(
                "duplicate",
                &child.at,
                format!(
                    "{word} {} is listed twice under {parent}; the copy is ignored",
                    child.id
                ),
            );
        } else {
            self.error(
                "two-parents",
                &child.at,
                format!("{word} {} is listed under {first} and under {parent}; an {word} has one parent, so the first listing is kept", child.id),
            );
        }
        true
    }

    /// How many OU levels under the root a listing's parent is; `None`, with an error at the
    /// listing's `ParentId`, if the parent is not in the tree (its children are left out).
    fn place_of_parent(
        &mut self,
        listing: &Listing,
        roots: &HashSet<String>,
        ou_parent: &HashMap<String, String>,
        what: &str,
    ) -> Option<usize> {
        let parent = &listing.parent;
        let n = listing.children.len();
        let effect = if what == "accounts" {
            "they are treated as outside the organisation (no SCP or RCP applies to them)"
        } else {
            "they and everything under them are left out"
        };
        match place(parent, roots, ou_parent) {
            Place::Depth(d) => return Some(d),
            Place::Missing(id) if &id == parent => self.error(
                "unknown-parent",
                &listing.at,
                format!("{parent} is neither the root (ListRoots) nor a listed OU (ListOrganizationalUnitsForParent): the {n} {what} listed under it have no known place; {effect}"),
            ),
            Place::Missing(id) => self.error(
                "unknown-parent",
                &listing.at,
                format!("{parent} is not under the root: its ancestor {id} is neither the root nor a listed OU; the {n} {what} listed under {parent} have no known place; {effect}"),
            ),
            Place::Cycle => self.error(
                "parent-cycle",
                &listing.at,
                format!("{parent} is its own ancestor in the OU listings: the {n} {what} listed under it have no known place; {effect}"),
            ),
        }
        None
    }

    /// `DescribePolicy`: the SCPs and RCPs with their targets.
    fn policies(
        &mut self,
        map: &Object<'_>,
        org: &mut Organization,
        nodes: &[Node],
    ) -> Vec<Attachment> {
        let mut attachments = Vec::new();
        let mut seen = HashSet::new();
        for (value, at) in self.list(map, "", "DescribePolicy") {
            let Some(entry) = self.object(value, &at) else {
                continue;
            };
            self.unknown_keys(
                entry,
                &at,
                &["Policy", "Targets"],
                "describe-policy and list-targets-for-policy output",
            );
            let Some(policy) = self.policy_field(entry, &at) else {
                continue;
            };
            let Some((id, name, kind)) = self.summary(policy, &format!("{at}/Policy")) else {
                continue;
            };
            if !seen.insert(id.clone()) {
                self.warn(
                    "duplicate",
                    &at,
                    format!("policy {id} is listed twice; the copy is ignored"),
                );
                continue;
            }
            let targets = self.targets(entry, &at, nodes, &id);
            attachments.push(Attachment {
                kind,
                targets: targets.clone(),
            });
            let content = format!("{at}/Policy/Content");
            let errors_before = self.diagnostics.len();
            let read = self.content(policy.get("Content"), &content, kind);
            let unreadable = self.diagnostics[errors_before..].iter().any(|d| {
                matches!(
                    d.code,
                    "bad-document" | "missing-field" | "incomplete-document"
                )
            });
            let document = match read {
                // An SCP that cannot be read (in whole or in part) might be the one that allows
                // what its targets do: it is read as allowing everything, toward access
                // (spec "Sound"). An unreadable RCP is left out, which is toward access too
                // (every level keeps RCPFullAWSAccess).
                _ if unreadable && kind == PolicyKind::Scp => {
                    self.warn(
                        "unreadable-scp",
                        content.as_str(),
                        "this SCP could not be read: it is taken to allow every action, toward access; answers that depend on it are incomplete",
                    );
                    allow_everything(self.file, &content)
                }
                Some(document) => document,
                None => continue,
            };
            let policy = OrgPolicy {
                id,
                name,
                document,
                targets,
            };
            match kind {
                PolicyKind::Scp => org.scps.push(policy),
                _ => org.rcps.push(policy),
            }
        }
        attachments
    }

    /// The `Policy` object of a `DescribePolicy` entry.
    fn policy_field<'v>(&mut self, entry: &'v Object<'v>, at: &str) -> Option<&'v Object<'v>> {
        let policy = self.field_object(entry, at, "Policy")?;
        self.unknown_keys(
            policy,
            &format!("{at}/Policy"),
            &["PolicySummary", "Content"],
            "a policy",
        );
        Some(policy)
    }

    /// ID, name and kind from `PolicySummary`; `None` for policy types that decide no
    /// access (reported) and for summaries that cannot be read.
    fn summary(
        &mut self,
        policy: &Object<'_>,
        policy_at: &str,
    ) -> Option<(String, String, PolicyKind)> {
        let summary = self.field_object(policy, policy_at, "PolicySummary")?;
        let summary_at = format!("{policy_at}/PolicySummary");
        self.unknown_keys(
            summary,
            &summary_at,
            &["Id", "Name", "Type"],
            "a policy summary",
        );
        let id = self.string(summary, &summary_at, "Id", true)?;
        let name = self
            .string(summary, &summary_at, "Name", false)
            .unwrap_or_default();
        let kind = match self.string(summary, &summary_at, "Type", true)?.as_str() {
            "SERVICE_CONTROL_POLICY" => PolicyKind::Scp,
            "RESOURCE_CONTROL_POLICY" => PolicyKind::Rcp,
            other => {
                self.warn(
                    "not-modelled",
                    format!("{summary_at}/Type"),
                    format!("policy {id} is a {other}, which decides no access; it is ignored"),
                );
                return None;
            }
        };
        Some((id, name, kind))
    }

    /// `Targets` (from list-targets-for-policy): the IDs, each checked against the tree.
    fn targets(
        &mut self,
        entry: &Object<'_>,
        at: &str,
        nodes: &[Node],
        policy: &str,
    ) -> Vec<String> {
        if !entry.contains_key("Targets") {
            self.warn(
                "missing-targets",
                at,
                format!("policy {policy} has no Targets (output of `aws organizations list-targets-for-policy`): it is taken as attached nowhere"),
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for (value, target_at) in self.list(entry, at, "Targets") {
            let Some(target) = self.object(value, &target_at) else {
                continue;
            };
            self.unknown_keys(
                target,
                &target_at,
                &["TargetId", "Name", "Type"],
                "a target",
            );
            let Some(id) = self.string(target, &target_at, "TargetId", true) else {
                continue;
            };
            let kind = self.string(target, &target_at, "Type", false);
            match nodes.iter().find(|n| n.id == id) {
                None => self.error(
                    "unknown-target",
                    format!("{target_at}/TargetId"),
                    format!("policy {policy} is attached to {id}, which is not in the tree (ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent): the listings are incomplete, and accounts there are treated as outside the organisation"),
                ),
                Some(node) if kind.as_deref().is_some_and(|k| k != node.kind.target_type()) => self
                    .warn(
                        "target-type",
                        format!("{target_at}/Type"),
                        format!(
                            "{id} is {} {} in the tree, not {}",
                            if node.kind == NodeKind::Ou { "an" } else { "a" },
                            node.kind.word(),
                            kind.unwrap_or_default()
                        ),
                    ),
                Some(_) => {}
            }
            out.push(id);
        }
        out
    }

    /// Parses `Policy.Content`: AWS's JSON string (or an object). Problems inside a string are
    /// reported at the string, with their place inside it in the message.
    fn content(
        &mut self,
        value: Option<&Json<'_>>,
        at: &str,
        kind: PolicyKind,
    ) -> Option<Document> {
        let decoded;
        let (doc, encoded) = match value {
            Some(v @ Json::Object(_)) => (v, false),
            Some(Json::String(s)) => match Json::parse(s) {
                Ok(v) => {
                    decoded = v;
                    (&decoded, true)
                }
                Err(e) => {
                    self.error(
                        "bad-document",
                        at,
                        format!("the Content string is not JSON: {e}"),
                    );
                    return None;
                }
            },
            Some(other) => {
                self.error(
                    "bad-document",
                    at,
                    format!(
                        "Content must be the policy as a JSON string, not {}",
                        kind_of(other)
                    ),
                );
                return None;
            }
            None => {
                self.error(
                    "missing-field",
                    at.rsplit_once('/').map_or("", |(parent, _)| parent),
                    "the policy has no Content (paste the whole describe-policy output)",
                );
                return None;
            }
        };
        let held_in = encoded.then_some("Content string");
        let at = at.to_string();
        super::read_document(doc, kind, self.file, at, held_in, &mut self.diagnostics)
    }

    /// The management account should be in the account listings.
    fn check_management_account(&mut self, org: &Organization) {
        let id = &org.management_account;
        if !id.is_empty() && !org.account_parents.contains_key(id) {
            self.warn(
                "management-account-not-listed",
                "/DescribeOrganization/Organization/MasterAccountId",
                format!("the management account {id} is not in ListAccountsForParent: the account listings are probably incomplete (it stays exempt from SCPs and RCPs)"),
            );
        }
    }

    /// Quotas per target, and levels left without any SCP while SCPs are enabled.
    fn check_attachments(
        &mut self,
        map: &Object<'_>,
        org: &Organization,
        nodes: &[Node],
        attachments: &[Attachment],
    ) {
        for node in nodes {
            for (kind, word) in [(PolicyKind::Scp, "SCPs"), (PolicyKind::Rcp, "RCPs")] {
                let n = attachments
                    .iter()
                    .filter(|a| a.kind == kind && a.targets.contains(&node.id))
                    .count();
                if n > MAX_POLICIES_PER_TARGET {
                    self.warn(
                        "too-many-policies",
                        &node.at,
                        format!("{n} {word} are attached to {} {}: AWS allows {MAX_POLICIES_PER_TARGET} per root, OU or account", node.kind.word(), node.id),
                    );
                }
            }
        }
        if !org.scps_enabled {
            return;
        }
        if !attachments.iter().any(|a| a.kind == PolicyKind::Scp) {
            let at = if map.contains_key("DescribePolicy") {
                "/DescribePolicy"
            } else {
                ""
            };
            self.warn("no-scp", at, "SCPs are enabled but the file lists no SCP (not even FullAWSAccess): as loaded, every member account is denied everything; add the describe-policy outputs");
            return;
        }
        for node in nodes {
            let attached = attachments
                .iter()
                .any(|a| a.kind == PolicyKind::Scp && a.targets.contains(&node.id));
            if !attached && node.id != org.management_account {
                self.warn(
                    "no-scp",
                    &node.at,
                    format!("no SCP is attached to {} {}: as loaded, this level allows nothing, so every member account under it is denied everything; AWS keeps at least one SCP on every root, OU and account, so a policy or target is probably missing from the file (FullAWSAccess?)", node.kind.word(), node.id),
                );
            }
        }
    }

    // --- field access, reporting wrong shapes at their pointer ---

    fn object<'v>(&mut self, value: &'v Json<'v>, at: &str) -> Option<&'v Object<'v>> {
        match value {
            Json::Object(map) => Some(map),
            other => {
                self.error(
                    "expected-object",
                    at,
                    format!("expected an object, not {}", kind_of(other)),
                );
                None
            }
        }
    }

    /// A required object field.
    fn field_object<'v>(
        &mut self,
        map: &'v Object<'v>,
        at: &str,
        key: &str,
    ) -> Option<&'v Object<'v>> {
        match map.get(key) {
            Some(v) => self.object(v, &format!("{at}/{}", pointer_token(key))),
            None => {
                self.error("missing-field", at, format!("the entry has no {key}"));
                None
            }
        }
    }

    /// A string field; `required` ones are errors when missing.
    fn string(&mut self, map: &Object<'_>, at: &str, key: &str, required: bool) -> Option<String> {
        match map.get(key) {
            Some(Json::String(s)) => Some(s.to_string()),
            None | Some(Json::Null) => {
                if required {
                    self.error("missing-field", at, format!("the entry has no {key}"));
                }
                None
            }
            Some(other) => {
                self.error(
                    "bad-field",
                    format!("{at}/{}", pointer_token(key)),
                    format!("{key} must be a string, not {}", kind_of(other)),
                );
                None
            }
        }
    }

    /// The items of a list field with their pointers; absent is empty.
    fn list<'v>(
        &mut self,
        map: &'v Object<'v>,
        at: &str,
        key: &str,
    ) -> Vec<(&'v Json<'v>, String)> {
        let here = format!("{at}/{}", pointer_token(key));
        match map.get(key) {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (v, format!("{here}/{i}")))
                .collect(),
            Some(other) => {
                self.error(
                    "expected-list",
                    here,
                    format!("{key} must be a list, not {}", kind_of(other)),
                );
                Vec::new()
            }
        }
    }

    /// Reports keys that are neither read (`known`) nor known to carry no access; a
    /// `NextToken` means the output was cut short.
    fn unknown_keys(&mut self, map: &Object<'_>, at: &str, known: &[&str], what: &str) {
        for key in map.keys() {
            let here = format!("{at}/{}", pointer_token(key));
            if key == "NextToken" {
                self.warn("truncated", here, "this output is cut short (NextToken): run the command without --max-items, or add the remaining pages");
            } else if !known.contains(&key) && !IGNORED.contains(&key) {
                self.warn(
                    "not-modelled",
                    here,
                    format!("\"{key}\" is not part of {what} as iamlog reads it; it is ignored"),
                );
            }
        }
    }
}

/// Where `id` sits: OU levels under a root (a root is at 0), or why it is not in the tree.
fn place(id: &str, roots: &HashSet<String>, ou_parent: &HashMap<String, String>) -> Place {
    let mut current = id;
    let mut depth = 0;
    loop {
        if roots.contains(current) {
            return Place::Depth(depth);
        }
        let Some(parent) = ou_parent.get(current) else {
            return Place::Missing(current.to_string());
        };
        depth += 1;
        if depth > ou_parent.len() {
            return Place::Cycle;
        }
        current = parent;
    }
}

/// A document that allows every action on every resource, standing for an SCP that could not
/// be read (located where that SCP is).
fn allow_everything(file: usize, at: &str) -> Document {
    let json = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    });
    let policy = crate::policy::Policy::from_json(&json, PolicyKind::Scp)
        .into_result()
        .expect("a valid document");
    Document {
        policy: Arc::new(policy),
        origin: super::Origin::json(file, at),
    }
}

#[cfg(test)]
mod tests;

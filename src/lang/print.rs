//! The model as text (`iamlog fmt --to iam`): accounts, resource policies and the organisation
//! as `.iam` blocks that load back to the same model.
//!
//! Documents are written as statements when every statement has a text form that desugars to
//! the same policy (`allow s3:GetObject on arn:...;`, `trust service ec2.amazonaws.com;`), and
//! as `json { ... }` blocks otherwise (a `Sid`, a one-statement object, another `Version`...).
//!
//! What the text cannot hold is left out: unique IDs (`AIDA...`), `RoleLastUsed`, managed
//! policy versions other than the default one (the default is written as `v1`), instance
//! profiles without a role, OU IDs (the text derives them from names), and AWS managed
//! policies themselves (they are resolved from the bundled set when loaded).

use super::ast::{Comparison, Word};
use super::statement::{operator_for, ValueKind, SHORT_IAM_TYPES};
use super::syntax::KEYWORDS;
use crate::managed::ManagedPolicies;
use crate::model::export::{to_pretty, Exporter};
use crate::model::{Account, Document, Organization, ResourcePolicy, World};
use crate::policy::condition::Operator;
use crate::policy::PolicyKind;
use serde_json::Value;
use std::fmt::Write;

/// The whole world as one `.iam` file.
pub fn to_text(world: &World) -> String {
    let p = Printer::new(world);
    let mut out = String::new();
    for (i, account) in world.accounts.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&p.account(account));
    }
    let loose = p.loose_resources();
    if !loose.is_empty() {
        out.push('\n');
        out.push_str(&loose);
    }
    if let Some(org) = &world.organization {
        out.push('\n');
        out.push_str(&p.organization(org));
    }
    out
}

/// Writes parts of a world as text.
pub struct Printer<'w> {
    world: &'w World,
    exporter: Exporter<'w>,
}

impl<'w> Printer<'w> {
    /// A printer over `world`.
    pub fn new(world: &'w World) -> Printer<'w> {
        Printer {
            world,
            exporter: Exporter::new(world),
        }
    }

    /// One `account` block, with the resource policies the account owns.
    pub fn account(&self, a: &Account) -> String {
        let mut out = String::new();
        let name = a
            .name
            .as_deref()
            .map(|n| format!(" {}", quoted(n)))
            .unwrap_or_default();
        let _ = writeln!(out, "account {}{name} {{", word(&a.id));
        let mut first = true;
        let mut gap = |out: &mut String| {
            if !std::mem::take(&mut first) {
                out.push('\n');
            }
        };
        for u in &a.users {
            gap(&mut out);
            let mut header = String::new();
            if !u.groups.is_empty() {
                let groups: Vec<String> = u.groups.iter().map(|g| word(g)).collect();
                let _ = write!(header, " in {}", groups.join(", "));
            }
            header.push_str(&path_clause(&u.path));
            let mut body = Vec::new();
            for (k, v) in &u.tags {
                body.push(format!("tag {} = {};", word(k), quoted(v)));
            }
            if u.credentials.mfa == Some(true) {
                body.push("mfa;".into());
            }
            if u.credentials.password == Some(true) {
                body.push("password;".into());
            }
            if let Some(n) = u.credentials.access_keys.filter(|n| *n > 0) {
                body.push(format!("access-keys {n};"));
            }
            self.shared(&mut body, a, &u.attached, u.boundary.as_deref(), &u.inline);
            entity(&mut out, &format!("user {}{header}", word(&u.name)), &body);
        }
        for g in &a.groups {
            gap(&mut out);
            let mut body = Vec::new();
            self.shared(&mut body, a, &g.attached, None, &g.inline);
            let header = format!("group {}{}", word(&g.name), path_clause(&g.path));
            entity(&mut out, &header, &body);
        }
        for r in &a.roles {
            gap(&mut out);
            let mut body = Vec::new();
            if let Some(trust) = &r.trust {
                body.extend(self.trust(trust, &a.id));
            }
            for arn in &r.instance_profiles {
                if let Some(p) = a.instance_profiles.iter().find(|p| &p.arn == arn) {
                    body.push(format!(
                        "instance-profile {}{};",
                        word(&p.name),
                        path_clause(&p.path)
                    ));
                }
            }
            for (k, v) in &r.tags {
                body.push(format!("tag {} = {};", word(k), quoted(v)));
            }
            self.shared(&mut body, a, &r.attached, r.boundary.as_deref(), &r.inline);
            let header = format!("role {}{}", word(&r.name), path_clause(&r.path));
            entity(&mut out, &header, &body);
        }
        for p in &a.policies {
            if p.is_aws_managed() {
                continue;
            }
            gap(&mut out);
            let Some(v) = p.default_version() else {
                let _ = writeln!(out, "  # {} has no default version: not shown", p.arn);
                continue;
            };
            if p.versions.len() > 1 {
                let _ = writeln!(
                    out,
                    "  # {} versions stored; the default one ({}) is shown",
                    p.versions.len(),
                    v.id
                );
            }
            let header = format!("policy {}{}", word(&p.name), path_clause(&p.path));
            let body = self.body(&v.document, PolicyKind::Identity, Some(&a.id), 1);
            let _ = writeln!(out, "  {header}{body}");
        }
        for r in self
            .world
            .resource_policies
            .iter()
            .filter(|r| r.account == a.id)
        {
            gap(&mut out);
            out.push_str(&self.resource(r, true));
        }
        out.push_str("}\n");
        out
    }

    /// Resource policies whose owner is not among the accounts, as top-level blocks.
    pub fn loose_resources(&self) -> String {
        let mut out = String::new();
        for r in &self.world.resource_policies {
            if self.world.account(&r.account).is_none() {
                out.push_str(&self.resource(r, false));
            }
        }
        out
    }

    fn resource(&self, r: &ResourcePolicy, in_account: bool) -> String {
        let (indent, owner) = if in_account {
            ("  ", String::new())
        } else {
            ("", format!(" owner {}", word(&r.account)))
        };
        let depth = usize::from(in_account);
        let body = self.body(&r.document, PolicyKind::Resource, Some(&r.account), depth);
        format!("{indent}resource {}{owner}{body}\n", word(&r.arn))
    }

    /// Attachments, boundary and inline policies.
    fn shared(
        &self,
        body: &mut Vec<String>,
        a: &Account,
        attached: &[String],
        boundary: Option<&str>,
        inline: &[crate::model::InlinePolicy],
    ) {
        if !attached.is_empty() {
            let refs: Vec<String> = attached.iter().map(|arn| policy_ref(arn, a)).collect();
            body.push(format!("attach {};", refs.join(", ")));
        }
        if let Some(b) = boundary {
            body.push(format!("boundary {};", policy_ref(b, a)));
        }
        for p in inline {
            let text = self.body(&p.document, PolicyKind::Identity, Some(&a.id), 2);
            body.push(format!("policy {}{text}", word(&p.name)));
        }
    }

    /// A role's trust policy: `trust` lines when each statement has one, else `trust json`.
    fn trust(&self, document: &Document, account: &str) -> Vec<String> {
        let Some(json) = self.exporter.document(document) else {
            return vec!["# the trust policy could not be recovered".into()];
        };
        let ctx = Ctx {
            kind: PolicyKind::Trust,
            account: Some(account),
            world: self.world,
        };
        let lines = statements(&json).and_then(|list| {
            if list.is_empty() {
                return None;
            }
            list.iter()
                .map(|s| trust_line(s, &ctx))
                .collect::<Option<Vec<String>>>()
        });
        match lines {
            Some(lines) => lines.iter().map(|l| wrap(l, "    ")).collect(),
            None => vec![format!("trust json {}", indent_json(&json, 2))],
        }
    }

    /// A policy body: ` {` statements `}` or ` json {...}`, for a block at `depth`; short
    /// forms resolve in `account`.
    fn body(
        &self,
        document: &Document,
        kind: PolicyKind,
        account: Option<&str>,
        depth: usize,
    ) -> String {
        let Some(json) = self.exporter.document(document) else {
            return " { } # the document could not be recovered".into();
        };
        let ctx = Ctx {
            kind,
            account,
            world: self.world,
        };
        let sugar = statements(&json).and_then(|list| {
            list.iter()
                .map(|s| statement_text(s, &ctx))
                .collect::<Option<Vec<String>>>()
        });
        let pad = "  ".repeat(depth + 1);
        match sugar {
            Some(lines) if lines.is_empty() => " { }".into(),
            Some(lines) => {
                let mut out = String::from(" {\n");
                for l in lines {
                    let _ = writeln!(out, "{pad}{}", wrap(&l, &pad));
                }
                let _ = write!(out, "{}}}", "  ".repeat(depth));
                out
            }
            None => format!(" json {}", indent_json(&json, depth)),
        }
    }

    /// The `organization` block.
    pub fn organization(&self, org: &Organization) -> String {
        let mut out = String::new();
        let root = org.units.iter().find(|u| u.parent.is_none());
        let root_id = root
            .map(|r| r.id.as_str())
            .filter(|id| *id != super::org::ROOT_ID)
            .map(|id| format!(" {}", word(id)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "organization {}{root_id} management {} {{",
            word(&org.id),
            word(&org.management_account)
        );
        let mut declared: Vec<String> = Vec::new();
        if let Some(root) = root {
            self.org_node(&mut out, org, &root.id, 1, &mut declared);
        }
        for p in org.scps.iter().chain(&org.rcps) {
            if !is_default_policy(&p.name) && !declared.contains(&p.id) {
                let _ = writeln!(
                    out,
                    "  # {} \"{}\" targets nothing in the tree: not shown",
                    p.id, p.name
                );
            }
        }
        out.push_str("}\n");
        out
    }

    /// The items of the root, an OU or an account (`id`): its policies, then its OUs and
    /// accounts.
    fn org_node(
        &self,
        out: &mut String,
        org: &Organization,
        id: &str,
        depth: usize,
        declared: &mut Vec<String>,
    ) {
        let pad = "  ".repeat(depth);
        let full = org.scps.iter().find(|p| p.name == "FullAWSAccess");
        if org.scps_enabled && !full.is_some_and(|p| p.targets.iter().any(|t| t == id)) {
            let _ = writeln!(out, "{pad}detach FullAWSAccess;");
        }
        for (kind, list) in [("scp", &org.scps), ("rcp", &org.rcps)] {
            for p in list.iter().filter(|p| !is_default_policy(&p.name)) {
                if !p.targets.iter().any(|t| t == id) {
                    continue;
                }
                if declared.contains(&p.id) {
                    let _ = writeln!(out, "{pad}{kind} {};", word(&p.name));
                } else {
                    declared.push(p.id.clone());
                    let k = if kind == "scp" {
                        PolicyKind::Scp
                    } else {
                        PolicyKind::Rcp
                    };
                    let body = self.body(&p.document, k, None, depth);
                    let id = if p.id == super::org::default_policy_id(&p.name) {
                        String::new()
                    } else {
                        format!(" {}", word(&p.id))
                    };
                    let _ = writeln!(out, "{pad}{kind} {}{id}{body}", word(&p.name));
                }
            }
        }
        for u in org.units.iter().filter(|u| u.parent.as_deref() == Some(id)) {
            let id = if u.id == super::org::default_unit_id(&u.name) {
                String::new()
            } else {
                format!(" {}", word(&u.id))
            };
            let _ = writeln!(out, "{pad}ou {}{id} {{", word(&u.name));
            self.org_node(out, org, &u.id, depth + 1, declared);
            let _ = writeln!(out, "{pad}}}");
        }
        let mut accounts: Vec<&String> = org
            .account_parents
            .iter()
            .filter(|(_, parent)| parent.as_str() == id)
            .map(|(a, _)| a)
            .collect();
        accounts.sort();
        for a in accounts {
            let name = self
                .world
                .account(a)
                .and_then(|x| x.name.as_deref())
                .map(|n| format!(" {}", quoted(n)))
                .unwrap_or_default();
            let mut inner = String::new();
            self.org_node(&mut inner, org, a, depth + 1, declared);
            if inner.is_empty() {
                let _ = writeln!(out, "{pad}account {}{name};", word(a));
            } else {
                let _ = writeln!(out, "{pad}account {}{name} {{", word(a));
                out.push_str(&inner);
                let _ = writeln!(out, "{pad}}}");
            }
        }
    }
}

/// Where a long statement may break: before `on`, `to`, `when` and `and`.
const BREAK: char = '\u{1}';

/// Lines longer than this are broken at [`BREAK`]s.
const WIDTH: usize = 100;

/// A statement with its break opportunities taken (continuation lines indented under
/// `indent`) if it does not fit on one line, else spaces.
fn wrap(line: &str, indent: &str) -> String {
    let flat = line.replace(BREAK, " ");
    if indent.len() + flat.chars().count() <= WIDTH {
        flat
    } else {
        line.replace(BREAK, &format!("\n{indent}    "))
    }
}

/// AWS's own policies, attached by default: not written, implied by the text.
fn is_default_policy(name: &str) -> bool {
    name == "FullAWSAccess" || name == "RCPFullAWSAccess"
}

/// An entity block: `HEADER;` when empty, else `HEADER { ... }`.
fn entity(out: &mut String, header: &str, body: &[String]) {
    if body.is_empty() {
        let _ = writeln!(out, "  {header};");
        return;
    }
    let _ = writeln!(out, "  {header} {{");
    for line in body {
        let _ = writeln!(out, "    {line}");
    }
    let _ = writeln!(out, "  }}");
}

fn path_clause(path: &str) -> String {
    if path == "/" {
        String::new()
    } else {
        format!(" path {}", quoted(path))
    }
}

/// How a policy ARN is written: its local name, `aws:NAME`, or the ARN.
fn policy_ref(arn: &str, a: &Account) -> String {
    if let Some(p) = a
        .policies
        .iter()
        .find(|p| p.arn == arn && !p.is_aws_managed())
    {
        let unique = a
            .policies
            .iter()
            .filter(|x| !x.is_aws_managed() && x.name == p.name)
            .count()
            == 1;
        if unique {
            return word(&p.name);
        }
    }
    if let Some(name) = arn
        .strip_prefix("arn:aws:iam::aws:policy/")
        .and_then(|r| r.rsplit('/').next())
    {
        let bundled = ManagedPolicies::bundled().by_name(name);
        if bundled.and_then(|p| p.arn.as_deref()) == Some(arn) {
            return format!("aws:{}", word(name));
        }
    }
    word(arn)
}

/// A word as written in the text: bare when it lexes as one WORD and is no keyword, else
/// quoted.
pub fn word(text: &str) -> String {
    if is_bare_word(text) && !KEYWORDS.contains(&text) {
        text.to_string()
    } else {
        quoted(text)
    }
}

fn is_bare_word(text: &str) -> bool {
    let separator = |c: char| c.is_whitespace() || c.is_control() || "{}()[];,=\"#<>!".contains(c);
    !text.is_empty() && !text.starts_with(':') && !text.contains(separator)
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialise")
}

/// Pretty JSON whose lines after the first are indented for a block at `depth`.
fn indent_json(json: &Value, depth: usize) -> String {
    let pad = "  ".repeat(depth);
    to_pretty(json)
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The statements of a document the statement form can write: `Version` 2012-10-17, a
/// `Statement` array, nothing else.
fn statements(json: &Value) -> Option<&Vec<Value>> {
    let map = json.as_object()?;
    if map.len() != 2 || map.get("Version")?.as_str()? != super::document::VERSION {
        return None;
    }
    map.get("Statement")?.as_array()
}

/// The strings of an element (a string or a non-empty array of strings).
fn strings(value: &Value) -> Option<Vec<&str>> {
    match value {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(items) if !items.is_empty() => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

/// Where a statement is printed: its document's kind, the account short forms resolve in,
/// and the world, to name principals by name where that gives the same ARN.
struct Ctx<'a> {
    kind: PolicyKind,
    account: Option<&'a str>,
    world: &'a World,
}

/// `sid ID ` for a statement's `Sid`.
fn sid_prefix(map: &serde_json::Map<String, Value>) -> Option<String> {
    match map.get("Sid") {
        None => Some(String::new()),
        Some(Value::String(s)) => Some(format!("sid {} ", word(s))),
        Some(_) => None,
    }
}

/// A statement in the statement form, if it has one.
fn statement_text(s: &Value, ctx: &Ctx<'_>) -> Option<String> {
    let kind = ctx.kind;
    let map = s.as_object()?;
    const KEYS: &[&str] = &[
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    ];
    if map.keys().any(|k| !KEYS.contains(&k.as_str())) {
        return None;
    }
    let effect = match map.get("Effect")?.as_str()? {
        "Allow" => "allow",
        "Deny" => "deny",
        _ => return None,
    };
    let (not, actions) = match (map.get("Action"), map.get("NotAction")) {
        (Some(a), None) => ("", strings(a)?),
        (None, Some(a)) => ("not ", strings(a)?),
        _ => return None,
    };
    let actions: Vec<String> = actions.into_iter().map(word).collect();
    let mut out = format!("{}{effect} {not}{}", sid_prefix(map)?, actions.join(", "));
    match (map.get("Resource"), map.get("NotResource")) {
        (Some(r), None) => out.push_str(&format!("{BREAK}on {}", resources(r, ctx)?)),
        (None, Some(r)) => out.push_str(&format!("{BREAK}on not {}", resources(r, ctx)?)),
        (None, None) => {}
        _ => return None,
    }
    let takes_principal = matches!(kind, PolicyKind::Resource | PolicyKind::Rcp);
    match (map.get("Principal"), map.get("NotPrincipal")) {
        (None, None) => {}
        // An RCP statement without `to` gets `"Principal": "*"`.
        (Some(Value::String(star)), None) if kind == PolicyKind::Rcp && star == "*" => {}
        (Some(p), None) if takes_principal => {
            out.push_str(&format!("{BREAK}to {}", principals(p, ctx)?.0));
        }
        (None, Some(p)) if takes_principal => {
            out.push_str(&format!("{BREAK}to not {}", principals(p, ctx)?.0));
        }
        _ => return None,
    }
    if let Some(c) = map.get("Condition") {
        out.push_str(&format!("{BREAK}when {}", conditions(c)?));
    }
    out.push(';');
    Some(out)
}

/// Resources; an IAM ARN of the account is written `role/x`, and a text that looks like
/// that short form but is not one is quoted (so that it is not expanded).
fn resources(value: &Value, ctx: &Ctx<'_>) -> Option<String> {
    let short_form = |r: &str| SHORT_IAM_TYPES.iter().any(|t| r.starts_with(t));
    let items: Vec<String> = strings(value)?
        .into_iter()
        .map(|r| {
            let short = ctx.account.and_then(|a| {
                let rest = r.strip_prefix(&format!("arn:aws:iam::{a}:"))?;
                (short_form(rest) && is_bare_word(rest)).then(|| rest.to_string())
            });
            match short {
                Some(s) => s,
                None if short_form(r) => quoted(r),
                None => word(r),
            }
        })
        .collect();
    Some(items.join(", "))
}

/// The principals of a Principal element as text, and how many of them are federated.
fn principals(value: &Value, ctx: &Ctx<'_>) -> Option<(String, usize, usize)> {
    if value.as_str() == Some("*") {
        return Some(("*".into(), 1, 0));
    }
    let map = value.as_object()?;
    if map.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    let mut federated = 0;
    for (kind, values) in map {
        for v in strings(values)? {
            out.push(match kind.as_str() {
                "AWS" => aws_principal(v, ctx)?,
                "Service" => format!("service {}", word(v)),
                "Federated" => {
                    federated += 1;
                    // Quoted, `saml-provider/x` is not expanded to an ARN.
                    if v.starts_with("saml-provider/") || v.starts_with("oidc-provider/") {
                        format!("federated {}", quoted(v))
                    } else {
                        format!("federated {}", word(v))
                    }
                }
                _ => return None,
            });
        }
    }
    Some((out.join(", "), out.len(), federated))
}

fn aws_principal(v: &str, ctx: &Ctx<'_>) -> Option<String> {
    if v == "*" {
        return Some("*".into());
    }
    if let Some(named) = named_principal(v, ctx) {
        return Some(named);
    }
    if super::names::is_account_id(v) {
        return Some(format!("account {v}"));
    }
    if let Some(id) = v
        .strip_prefix("arn:aws:iam::")
        .and_then(|r| r.strip_suffix(":root"))
        .filter(|id| super::names::is_account_id(id))
    {
        return Some(format!("account {id}"));
    }
    let provider = v.contains(":saml-provider/") || v.contains(":oidc-provider/");
    (v.starts_with("arn:") && !provider).then(|| word(v))
}

/// `user NAME`, `role NAME@ACCOUNT` for a user or role ARN without a path, when the text
/// resolves the name to the same ARN: in the printed account only if it has the entity, in
/// another account unless the input has a same-named entity under another path.
fn named_principal(v: &str, ctx: &Ctx<'_>) -> Option<String> {
    let (account, rest) = v.strip_prefix("arn:aws:iam::")?.split_once(':')?;
    let (kind, name) = match rest.split_once('/')? {
        ("user", name) => ("user", name),
        ("role", name) => ("role", name),
        _ => return None,
    };
    if !super::names::is_iam_name(name) || !super::names::is_account_id(account) {
        return None;
    }
    let existing = ctx.world.account(account).and_then(|a| {
        if kind == "user" {
            a.users
                .iter()
                .find(|u| u.name == name)
                .map(|u| u.arn.as_str())
        } else {
            a.roles
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.arn.as_str())
        }
    });
    if ctx.account == Some(account) {
        (existing == Some(v)).then(|| format!("{kind} {}", word(name)))
    } else {
        existing
            .is_none_or(|arn| arn == v)
            .then(|| format!("{kind} {}", word(&format!("{name}@{account}"))))
    }
}

/// A trust-policy statement as a `trust` line, if it is one.
fn trust_line(s: &Value, ctx: &Ctx<'_>) -> Option<String> {
    let map = s.as_object()?;
    let known = ["Sid", "Effect", "Action", "Principal", "Condition"];
    if map.keys().any(|k| !known.contains(&k.as_str())) {
        return None;
    }
    if map.get("Effect")?.as_str()? != "Allow" {
        return None;
    }
    let actions = strings(map.get("Action")?)?;
    let (text, count, federated) = principals(map.get("Principal")?, ctx)?;
    // Federated principals take a line of their own.
    if federated != 0 && federated != count {
        return None;
    }
    let expected = if federated == 0 {
        "sts:AssumeRole"
    } else if text.contains("saml-provider/") {
        "sts:AssumeRoleWithSAML"
    } else {
        "sts:AssumeRoleWithWebIdentity"
    };
    if actions != [expected] {
        return None;
    }
    let mut out = format!("{}trust {text}", sid_prefix(map)?);
    if let Some(c) = map.get("Condition") {
        out.push_str(&format!("{BREAK}when {}", conditions(c)?));
    }
    out.push(';');
    Some(out)
}

/// A Condition element as `when` conditions joined by `and`.
fn conditions(value: &Value) -> Option<String> {
    let map = value.as_object()?;
    let mut out = Vec::new();
    for (operator, keys) in map {
        for (key, values) in keys.as_object()? {
            let texts: Vec<String> = match values {
                Value::Array(items) if !items.is_empty() => {
                    items.iter().map(scalar).collect::<Option<_>>()?
                }
                other => vec![scalar(other)?],
            };
            out.push(condition(operator, key, &texts)?);
        }
    }
    (!out.is_empty()).then(|| out.join(&format!("{BREAK}and ")))
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One condition: a comparison when one desugars to this very operator, else the operator by
/// name (`StringEqualsIgnoreCase aws:username "Bob"`).
fn condition(operator: &str, key: &str, values: &[String]) -> Option<String> {
    let (op, _) = Operator::parse(operator).ok()?;
    let canonical = op.to_string();
    let list = |vs: Vec<String>| {
        if vs.len() == 1 {
            vs.into_iter().next().expect("one value")
        } else {
            format!("[{}]", vs.join(", "))
        }
    };
    let (quantifier, base) = match canonical.split_once(':') {
        Some(("ForAnyValue", base)) => ("any ", base),
        Some(("ForAllValues", base)) => ("all ", base),
        _ => ("", canonical.as_str()),
    };
    if base == "Null" {
        if let [v] = values {
            match v.as_str() {
                "true" => return Some(format!("{} not exists", word(key))),
                "false" => return Some(format!("{} exists", word(key))),
                _ => {}
            }
        }
    }
    for (comparison, sign, quote) in SIGNS {
        let written: Vec<String> = values
            .iter()
            .map(|v| if *quote { quoted(v) } else { v.clone() })
            .collect();
        if !quote
            && values.iter().any(|v| {
                !is_bare_word(v) || (KEYWORDS.contains(&v.as_str()) && v != "true" && v != "false")
            })
        {
            continue;
        }
        let words: Vec<Word> = values
            .iter()
            .map(|v| Word {
                text: v.clone(),
                quoted: *quote,
                span: 0..0,
            })
            .collect();
        let kinds: Vec<ValueKind> = words.iter().map(ValueKind::of).collect();
        let Some(kind) = kinds.first().copied() else {
            continue;
        };
        let ordered = matches!(
            comparison,
            Comparison::Less
                | Comparison::LessEquals
                | Comparison::Greater
                | Comparison::GreaterEquals
        );
        if kinds.iter().any(|k| *k != kind) || (ordered && *quote) {
            continue;
        }
        if operator_for(*comparison, kind).ok() == Some(base) {
            let sign = match (values.len() > 1, *sign) {
                (true, "==") => "in",
                (true, "!=") => "not in",
                _ => sign,
            };
            return Some(format!(
                "{quantifier}{} {sign} {}",
                word(key),
                list(written)
            ));
        }
    }
    let written: Vec<String> = values.iter().map(|v| quoted(v)).collect();
    Some(format!("{canonical} {} {}", word(key), list(written)))
}

/// The comparisons tried, with their sign and whether values are quoted.
const SIGNS: &[(Comparison, &str, bool)] = &[
    (Comparison::Equals, "==", true),
    (Comparison::Equals, "==", false),
    (Comparison::NotEquals, "!=", true),
    (Comparison::NotEquals, "!=", false),
    (Comparison::Like, "like", true),
    (Comparison::Like, "like", false),
    (Comparison::NotLike, "not like", true),
    (Comparison::NotLike, "not like", false),
    (Comparison::Less, "<", false),
    (Comparison::LessEquals, "<=", false),
    (Comparison::Greater, ">", false),
    (Comparison::GreaterEquals, ">=", false),
];

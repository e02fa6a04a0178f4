//! What a file declares, by account, and how names in it are resolved: groups, policy
//! references (`deploy`, `aws:ReadOnlyAccess`, an ARN) and principals (`user alice`,
//! `role deploy@222222222222`).
//!
//! Names are resolved within the file: an account's users, groups, roles and policies are
//! declared in one file (its `account` blocks may repeat there). Full ARNs of other accounts
//! are left for the loader to check against the other inputs.

use super::ast::{self, Span, Word};
use std::collections::HashMap;

/// One declared name.
#[derive(Debug, Clone)]
pub struct Decl {
    /// The name as declared.
    pub name: String,
    /// The path (`/` by default).
    pub path: String,
    /// Where.
    pub span: Span,
}

/// The names one account declares in the file.
#[derive(Debug, Clone, Default)]
pub struct AccountDecls {
    /// Users.
    pub users: Vec<Decl>,
    /// Groups.
    pub groups: Vec<Decl>,
    /// Roles.
    pub roles: Vec<Decl>,
    /// Customer managed policies.
    pub policies: Vec<Decl>,
}

/// What kind of entity a name is, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A user.
    User,
    /// A group.
    Group,
    /// A role.
    Role,
    /// A customer managed policy.
    Policy,
}

impl Kind {
    /// `user`, `group`, ...
    pub fn word(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Role => "role",
            Kind::Policy => "policy",
        }
    }

    /// The ARN resource type (`user`, `group`, `role`, `policy`).
    fn arn_type(self) -> &'static str {
        self.word()
    }
}

impl AccountDecls {
    /// The declarations of one kind.
    pub fn of(&self, kind: Kind) -> &Vec<Decl> {
        match kind {
            Kind::User => &self.users,
            Kind::Group => &self.groups,
            Kind::Role => &self.roles,
            Kind::Policy => &self.policies,
        }
    }

    fn of_mut(&mut self, kind: Kind) -> &mut Vec<Decl> {
        match kind {
            Kind::User => &mut self.users,
            Kind::Group => &mut self.groups,
            Kind::Role => &mut self.roles,
            Kind::Policy => &mut self.policies,
        }
    }

    /// The declaration named exactly `name`.
    pub fn find(&self, kind: Kind, name: &str) -> Option<&Decl> {
        self.of(kind).iter().find(|d| d.name == name)
    }
}

/// Declarations of the whole file, by account ID.
#[derive(Debug, Clone, Default)]
pub struct Declarations {
    /// Account ID → its declarations.
    pub accounts: HashMap<String, AccountDecls>,
}

/// A name declared twice (ignoring case): the new one and the first.
#[derive(Debug, Clone)]
pub struct Duplicate {
    /// The kind of entity.
    pub kind: Kind,
    /// The second declaration's name.
    pub name: Word,
    /// The first declaration.
    pub first: Decl,
}

impl Declarations {
    /// Collects the declarations of every account block; duplicates (ignoring case, as IAM
    /// compares names) are returned, and only the first of them is kept.
    pub fn collect(file: &ast::File) -> (Declarations, Vec<Duplicate>) {
        let mut decls = Declarations::default();
        let mut duplicates = Vec::new();
        for item in &file.items {
            let ast::Item::Account(account) = item else {
                continue;
            };
            let entry = decls.accounts.entry(account.id.text.clone()).or_default();
            for item in &account.items {
                let (kind, name, path) = match item {
                    ast::AccountItem::User(u) => (Kind::User, &u.name, header_path(&u.header)),
                    ast::AccountItem::Group(g) => (Kind::Group, &g.name, header_path(&g.header)),
                    ast::AccountItem::Role(r) => (Kind::Role, &r.name, header_path(&r.header)),
                    ast::AccountItem::Policy(p) => (Kind::Policy, &p.name, p.path.as_ref()),
                    ast::AccountItem::Resource(_) => continue,
                };
                let list = entry.of_mut(kind);
                if let Some(first) = list
                    .iter()
                    .find(|d| d.name.eq_ignore_ascii_case(&name.text))
                {
                    duplicates.push(Duplicate {
                        kind,
                        name: name.clone(),
                        first: first.clone(),
                    });
                    continue;
                }
                list.push(Decl {
                    name: name.text.clone(),
                    path: path.map_or_else(|| "/".to_string(), |p| p.text.clone()),
                    span: name.span.clone(),
                });
            }
        }
        (decls, duplicates)
    }

    /// The declarations of an account (empty if it declares nothing here).
    pub fn account(&self, id: &str) -> Option<&AccountDecls> {
        self.accounts.get(id)
    }

    /// The ARN of a user or role `name` in `account`, with its declared path (`/` when the
    /// file does not declare it).
    pub fn entity_arn(&self, kind: Kind, account: &str, name: &str) -> String {
        let path = self
            .account(account)
            .and_then(|a| a.find(kind, name))
            .map_or("/", |d| d.path.as_str());
        format!("arn:aws:iam::{account}:{}{path}{name}", kind.arn_type())
    }
}

/// The path of a header, if one is given (the first; repeats are reported by the desugaring).
pub fn header_path(header: &[ast::Header]) -> Option<&Word> {
    header.iter().find_map(|h| match h {
        ast::Header::Path(p) => Some(p),
        ast::Header::In(..) => None,
    })
}

/// "; did you mean `x`?" for the closest candidate (same name ignoring case, or at most two
/// edits away), else "".
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let lower = name.to_ascii_lowercase();
    let length = name.chars().count();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let distance = if c.eq_ignore_ascii_case(name) {
            0
        } else if c.chars().count().abs_diff(length) > 2 {
            // Names whose lengths differ by more than two are more than two edits apart (the
            // bundled policy names alone are 1,645 candidates).
            continue;
        } else {
            edit_distance(&lower, &c.to_ascii_lowercase())
        };
        if distance <= 2 && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, c));
        }
    }
    best.map_or_else(String::new, |(_, c)| format!("; did you mean `{c}`?"))
}

/// Levenshtein distance over characters (names are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

/// True for a 12-digit account ID.
pub fn is_account_id(text: &str) -> bool {
    crate::policy::principal::is_account_id(text)
}

/// True for a name IAM accepts for users, groups, roles, policies and instance profiles
/// (`[A-Za-z0-9+=,.@_-]`, at least one character).
pub fn is_iam_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// True for an IAM path: `/`, or `/` + segments + `/`, printable ASCII without spaces.
pub fn is_iam_path(text: &str) -> bool {
    text.starts_with('/')
        && text.ends_with('/')
        && text.len() <= 512
        && text.chars().all(|c| ('\x21'..='\x7e').contains(&c))
}

/// Splits `name@123456789012` into the name and the account; other text is a plain name.
pub fn split_account(text: &str) -> (&str, Option<&str>) {
    match text.rsplit_once('@') {
        Some((name, account)) if !name.is_empty() && is_account_id(account) => {
            (name, Some(account))
        }
        _ => (text, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_prefer_case_then_small_edits() {
        assert_eq!(
            did_you_mean("Devs", ["devs", "ops"]),
            "; did you mean `devs`?"
        );
        assert_eq!(
            did_you_mean("deplyo", ["deploy", "admin"]),
            "; did you mean `deploy`?"
        );
        assert_eq!(did_you_mean("x", ["deploy"]), "");
    }

    #[test]
    fn names_with_accounts_split_only_on_an_account_id() {
        assert_eq!(
            split_account("deploy@222222222222"),
            ("deploy", Some("222222222222"))
        );
        assert_eq!(
            split_account("alice@example.com"),
            ("alice@example.com", None)
        );
    }
}

//! The inventory of IAM objects a Resource element can name, and its scopes: a target, the
//! class of one kind of target in one account, a kind in every account, and `"*"`.
//!
//! Each distinct pattern is matched once: a pattern that covers a whole class is kept as the
//! class (never as its members), `"*"` is kept as the any-scope.

use super::techniques::TargetKind;
use super::universe::{Id, NodeKind, Universe};
use super::{Acct, Facts};
use crate::model::World;
use crate::policy::arn::ArnPattern;
use crate::policy::pattern::{Case, NoVariables, Pattern, Syntax, Variables};
use crate::policy::{Effect, Statement};
use std::collections::{HashMap, HashSet};

/// Targets by class, and the scope nodes.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    classes: HashMap<(TargetKind, Acct), Id>,
    kinds: HashMap<TargetKind, Id>,
    any: Id,
    aux_all: Id,
    /// Members of each object class: node and the resource field of its ARN.
    members: HashMap<Id, Vec<(Id, String)>>,
    /// The classes each member is in.
    classes_of: HashMap<Id, Vec<Id>>,
    accounts: Vec<String>,
    memo: HashMap<String, Vec<Id>>,
    /// "A class but these members" scopes (NotResource), by class and members left out.
    minus: HashMap<(Id, Vec<Id>), Id>,
    /// Facts the minus scopes add: (scope, enclosing scope) pairs.
    pub within: Vec<(Id, Id)>,
    /// Facts the minus scopes add: (wide scope, class) pairs.
    pub contains: Vec<(Id, Id)>,
    /// The members a minus scope leaves out.
    pub excluded: Vec<(Id, Id)>,
}

const KINDS: [TargetKind; 6] = [
    TargetKind::User,
    TargetKind::Group,
    TargetKind::Role,
    TargetKind::Policy,
    TargetKind::Aux,
    TargetKind::Full,
];

impl Inventory {
    /// Interns every user, group, role and customer managed policy of `world`, the scopes, and
    /// the facts that relate them (`within`, `contains`, `in_class`).
    pub fn build(world: &World, universe: &mut Universe, facts: &mut Facts) -> Inventory {
        let mut inv = Inventory {
            any: universe.intern(NodeKind::AnyScope, "every resource (*)", None),
            aux_all: universe.intern(NodeKind::AuxScope, "some resource", None),
            ..Inventory::default()
        };
        for kind in TargetKind::OBJECTS {
            let id = universe.intern(NodeKind::KindScope(kind), &format!("every {kind:?}"), None);
            inv.kinds.insert(kind, id);
            // A kind scope is decided as a whole for checks that reach every account.
            facts.within.push((id, id));
            facts.within.push((id, inv.any));
        }
        for account in &world.accounts {
            let acct = universe.account(&account.id);
            facts.account.push(acct);
            inv.accounts.push(account.id.clone());
            for kind in KINDS {
                let name = universe.class_name(kind, acct);
                let class = universe.intern(NodeKind::Class(kind), &name, Some(acct));
                inv.classes.insert((kind, acct), class);
                facts.within.push((class, class));
                match kind {
                    TargetKind::Aux => facts.within.push((class, inv.aux_all)),
                    TargetKind::Full => {}
                    _ => facts.within.push((class, inv.kinds[&kind])),
                }
                facts.within.push((class, inv.any));
            }
            let objects = account
                .users
                .iter()
                .map(|u| (TargetKind::User, &u.arn))
                .chain(account.groups.iter().map(|g| (TargetKind::Group, &g.arn)))
                .chain(account.roles.iter().map(|r| (TargetKind::Role, &r.arn)))
                .chain(
                    account
                        .policies
                        .iter()
                        .filter(|p| !p.is_aws_managed())
                        .map(|p| (TargetKind::Policy, &p.arn)),
                );
            for (kind, arn) in objects {
                let node_kind = match kind {
                    TargetKind::User => NodeKind::User,
                    TargetKind::Group => NodeKind::Group,
                    TargetKind::Role => NodeKind::Role,
                    _ => NodeKind::Policy,
                };
                let id = universe.intern(node_kind, arn, Some(acct));
                let class = inv.classes[&(kind, acct)];
                facts.in_class.push((id, class));
                for scope in [id, class, inv.kinds[&kind], inv.any] {
                    facts.within.push((id, scope));
                }
                let field = arn.splitn(6, ':').nth(5).unwrap_or("").to_string();
                inv.members.entry(class).or_default().push((id, field));
                inv.classes_of.entry(id).or_default().push(class);
            }
        }
        inv
    }

    /// The scope of every target of `kind` in every account.
    pub fn kind(&self, kind: TargetKind) -> Id {
        self.kinds[&kind]
    }

    /// The class scope of `kind` in account `acct`.
    pub fn class(&self, kind: TargetKind, acct: Acct) -> Id {
        self.classes[&(kind, acct)]
    }

    /// The scopes a statement's Resource element covers, with variables read from `vars`.
    /// With `per_account`, wide scopes are split into classes so that each has one owner.
    pub fn scopes(
        &mut self,
        universe: &mut Universe,
        statement: &Statement,
        vars: &dyn Variables,
        per_account: bool,
    ) -> Vec<Id> {
        let Some(resource) = &statement.resource else {
            return Vec::new();
        };
        let allow = statement.effect == Effect::Allow;
        let mut out: Vec<Id> = Vec::new();
        if !resource.negated {
            for pattern in &resource.items {
                if pattern.has_variables() {
                    let Some(text) = substitute(pattern, vars) else {
                        continue;
                    };
                    out.extend(self.pattern_scopes(&text));
                } else {
                    out.extend(self.pattern_scopes(&pattern.to_string()));
                }
                if allow && *pattern != ArnPattern::Nothing {
                    out.push(self.aux_all);
                }
            }
        } else if !resource.items.contains(&ArnPattern::Any) {
            // NotResource: the targets no pattern matches.
            let mut excluded: Vec<Id> = Vec::new();
            for pattern in &resource.items {
                let text = match substitute(pattern, vars) {
                    Some(t) => t,
                    None if pattern.has_variables() => continue,
                    None => pattern.to_string(),
                };
                for scope in self.pattern_scopes(&text) {
                    excluded.extend(self.expand_members(scope));
                }
            }
            excluded.sort_unstable();
            excluded.dedup();
            // Only the classes of the members left out need splitting.
            let touched: HashSet<Id> = excluded
                .iter()
                .flat_map(|m| self.classes_of.get(m).into_iter().flatten().copied())
                .collect();
            let mut classes: Vec<Id> = self.members.keys().copied().collect();
            classes.sort_unstable();
            for class in classes {
                if !touched.contains(&class) {
                    out.push(class);
                    continue;
                }
                let (gone, kept): (Vec<Id>, Vec<Id>) = self.members[&class]
                    .iter()
                    .map(|(m, _)| *m)
                    .partition(|m| excluded.binary_search(m).is_ok());
                if gone.is_empty() {
                    out.push(class);
                } else if !kept.is_empty() {
                    out.push(self.minus_scope(universe, class, gone, &kept));
                }
            }
            if allow {
                out.push(self.aux_all);
            }
        }
        if per_account {
            out = out
                .into_iter()
                .flat_map(|s| self.split_by_account(s))
                .collect();
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The scope "every member of `class` but `gone`": the class is decided as a whole for
    /// its other members, and the members left out one by one.
    fn minus_scope(
        &mut self,
        universe: &mut Universe,
        class: Id,
        gone: Vec<Id>,
        kept: &[Id],
    ) -> Id {
        if let Some(&id) = self.minus.get(&(class, gone.clone())) {
            return id;
        }
        let name = format!("{} but {gone:?}", universe.name(class));
        let account = universe.node(class).account;
        let id = universe.intern(NodeKind::ClassBut, &name, account);
        self.within.push((class, id));
        self.within.extend(kept.iter().map(|&k| (k, id)));
        self.contains.push((id, class));
        self.excluded.extend(gone.iter().map(|&g| (id, g)));
        self.minus.insert((class, gone), id);
        id
    }

    /// Wide scopes as the classes they hold (one owner each).
    fn split_by_account(&self, scope: Id) -> Vec<Id> {
        let pick = |kinds: &[TargetKind]| -> Vec<Id> {
            self.classes
                .iter()
                .filter(|((k, _), _)| kinds.contains(k))
                .map(|(_, id)| *id)
                .collect()
        };
        if scope == self.any {
            pick(&KINDS)
        } else if scope == self.aux_all {
            pick(&[TargetKind::Aux])
        } else if let Some((kind, _)) = self.kinds.iter().find(|(_, id)| **id == scope) {
            pick(&[*kind])
        } else {
            vec![scope]
        }
    }

    /// The member targets of a scope (itself, for a target).
    fn expand_members(&self, scope: Id) -> Vec<Id> {
        if scope == self.any {
            return self.members.values().flatten().map(|(m, _)| *m).collect();
        }
        if let Some((kind, _)) = self.kinds.iter().find(|(_, id)| **id == scope) {
            return self
                .classes
                .iter()
                .filter(|((k, _), _)| k == kind)
                .flat_map(|(_, class)| self.members.get(class).into_iter().flatten())
                .map(|(m, _)| *m)
                .collect();
        }
        match self.members.get(&scope) {
            Some(members) => members.iter().map(|(m, _)| *m).collect(),
            None => vec![scope],
        }
    }

    /// The scopes one pattern (without variables) covers, memoised by its text.
    fn pattern_scopes(&mut self, text: &str) -> Vec<Id> {
        if let Some(scopes) = self.memo.get(text) {
            return scopes.clone();
        }
        let scopes = self.match_pattern(&ArnPattern::parse(
            text,
            false,
            crate::policy::arn::ShortArns::PadWithStar,
        ));
        self.memo.insert(text.to_string(), scopes.clone());
        scopes
    }

    fn match_pattern(&self, pattern: &ArnPattern) -> Vec<Id> {
        let fields = match pattern {
            ArnPattern::Any => return vec![self.any],
            ArnPattern::Nothing => return Vec::new(),
            ArnPattern::Fields(fields) => fields,
        };
        let none = &NoVariables;
        let insensitive = |i: usize, text: &str| fields[i].matches(text, Case::Insensitive, none);
        if !(insensitive(0, "arn")
            && insensitive(1, "aws")
            && insensitive(2, "iam")
            && insensitive(3, ""))
        {
            return Vec::new();
        }
        let resource = &fields[5];
        let mut out = Vec::new();
        for kind in TargetKind::OBJECTS {
            let whole = Pattern::parse(
                &format!("{}*", kind.arn_prefix()),
                Syntax {
                    wildcards: true,
                    variables: false,
                },
            )
            .0;
            let covers_kind = resource.covers(&whole, Case::Sensitive, none);
            let mut every_class = !self.accounts.is_empty();
            let mut found = Vec::new();
            for (acct, id) in self.accounts.iter().enumerate() {
                let class = self.classes[&(kind, acct as Acct)];
                if !insensitive(4, id) {
                    every_class = false;
                    continue;
                }
                if covers_kind {
                    found.push(class);
                    continue;
                }
                every_class = false;
                if !resource.intersects(&whole, Case::Sensitive, none) {
                    continue;
                }
                for (member, field) in self.members.get(&class).into_iter().flatten() {
                    if resource.matches(field, Case::Sensitive, none) {
                        found.push(*member);
                    }
                }
            }
            if every_class {
                out.push(self.kinds[&kind]);
            } else {
                out.extend(found);
            }
        }
        out
    }
}

/// The pattern's text with its variables replaced, or `None` if one cannot be resolved.
fn substitute(pattern: &ArnPattern, vars: &dyn Variables) -> Option<String> {
    match pattern {
        ArnPattern::Fields(fields) => {
            let mut text = String::new();
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    text.push(':');
                }
                if i == 5 {
                    text.push_str(&field.substitute(vars)?);
                } else {
                    text.push_str(&field.to_string());
                }
            }
            Some(text)
        }
        other => Some(other.to_string()),
    }
}

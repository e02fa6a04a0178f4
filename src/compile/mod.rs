//! Compile: the model lowered to Datalog facts (DESIGN.md "compile").
//!
//! Every principal, target and scope is interned to a `u32` ([`universe`]). Each statement
//! that can touch one of the analysis' [`techniques::all_checks`] is matched here, once:
//! its Action against each check (the same matchers [`Statement::applies`] uses), its
//! Resource against the inventory of IAM objects the model knows ([`scope`]), and its
//! Condition in two stances ([`Stance::May`], [`Stance::Must`]) so that a condition the
//! analysis cannot decide is carried as "conditional", never guessed. A statement that reads
//! the principal's own attributes (`aws:username`, `aws:PrincipalTag/...`,
//! `aws:PrincipalArn`, ...) is decided per principal that holds it.
//!
//! Wildcards are never expanded into principal x target tuples: a Resource that covers every
//! target of a kind in an account becomes one *class* scope, `"*"` one *any* scope, and the
//! rules in [`crate::derive`] decide classes as wholes.

pub mod pass_role;
pub mod scope;
pub mod techniques;
pub mod universe;

use crate::model::{unknown, Document, Role, User, World};
use crate::policy::document::{RequestView, ResourceQuery};
use crate::policy::{arn::Fields, document::PrincipalElement, PrincipalMatch};
use crate::policy::{
    Caller, Context, ContextValue, Effect, Policy, PolicyKind, PrincipalEntry, Stance, Statement,
};
use scope::Inventory;
use std::collections::{HashMap, HashSet};
use techniques::{Check, Gain, Precondition, TargetKind, TECHNIQUES};
use universe::{Id, NodeKind, Universe, ANY};

/// A policy document's id.
pub type Pol = u32;
/// A statement's id (index into [`Compiled::statements`]).
pub type Stmt = u32;
/// A check's id (index into [`Compiled::checks`]).
pub type CheckId = u32;
/// A technique's id (index into [`techniques::TECHNIQUES`]).
pub type Tech = u32;
/// An account's index in [`Universe::accounts`].
pub type Acct = u32;
/// An SCP level's id (one per account and level).
pub type Level = u32;

/// The facts, one `Vec` per relation, as the derive stage reads them. Every tuple's `bool`
/// is the stance: `true` for "in every request" (must), `false` for "in some request" (may).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Users and roles, with their account.
    pub principal: Vec<(Id, Acct)>,
    /// Users.
    pub user: Vec<Id>,
    /// Group membership: user, group.
    pub member: Vec<(Id, Id)>,
    /// Identity policies: user, group or role; document.
    pub attached: Vec<(Id, Pol)>,
    /// Permissions boundaries: principal, document.
    pub boundary: Vec<(Id, Pol)>,
    /// Statements of documents that touch some check.
    pub statement: Vec<(Pol, Stmt)>,
    /// Statements with `"Effect": "Allow"` (the others deny).
    pub allows: Vec<Stmt>,
    /// A statement's Action covers a check and its Condition holds in a stance, for every
    /// holder ([`ANY`]) or for one holder class ([`Facts::holder_of`]).
    pub applies: Vec<(Stmt, CheckId, Id, bool)>,
    /// A statement's Resource covers a scope (for every holder or for one holder class).
    pub on: Vec<(Stmt, Id, Id, bool)>,
    /// A statement decided per principal: statement, principal, and the holder class the
    /// principal is in (the first holder with the same outcome), under which the statement's
    /// `applies` and `on` facts are stored once for all the class's holders.
    pub holder_of: Vec<(Stmt, Id, Id)>,
    /// A scope and every scope that encloses it, itself included.
    pub within: Vec<(Id, Id)>,
    /// A "class but" scope and its class, for expanding such grants into the class.
    pub contains: Vec<(Id, Id)>,
    /// Targets and their class.
    pub in_class: Vec<(Id, Id)>,
    /// Members a "class but" scope leaves out: scope, member.
    pub excluded: Vec<(Id, Id)>,
    /// The class a check is decided on in an account (its target kind, or its aux class).
    pub check_class: Vec<(CheckId, Acct, Id)>,
    /// Checks decided on roles of any account (`sts:AssumeRole`).
    pub cross_account: Vec<CheckId>,
    /// The scope of every role of every account, on which such a check is decided once.
    pub world_class: Vec<(CheckId, Id)>,
    /// The classes the world scope holds: account class, world scope.
    pub world_member: Vec<(Id, Id)>,
    /// The SCP levels of an account.
    pub scp_level: Vec<(Acct, Level)>,
    /// The SCPs of a level.
    pub level_policy: Vec<(Level, Pol)>,
    /// Principals exempt from SCPs (service-linked roles).
    pub scp_exempt: Vec<Id>,
    /// Roles and their account.
    pub role: Vec<(Id, Acct)>,
    /// Trust names the principal (or its role): spec §5 `Direct`/`ViaRole`.
    pub trust_named: Vec<(Id, Id, bool)>,
    /// Trust admits the principal through its account (identity Allow needed).
    pub trust_via_account: Vec<(Id, Id, bool)>,
    /// Trust names an account of the input (root or ID): role, account.
    pub trust_account: Vec<(Id, Acct, bool)>,
    /// Trust names `"*"`: role.
    pub trust_public: Vec<(Id, bool)>,
    /// Trust names `"*"` under a condition every principal of the account meets: role,
    /// account.
    pub trust_public_from: Vec<(Id, Acct, bool)>,
    /// A trust Deny applies to the principal: role, principal.
    pub trust_denied: Vec<(Id, Id, bool)>,
    /// Outside principals the trust admits (external accounts, `*`, IdPs, services): source, role.
    pub outside: Vec<(Id, Id, bool)>,
    /// RCPs of the role's account refuse callers of the account: role, account.
    pub rcp_blocked: Vec<(Id, Acct, bool)>,
    /// A technique's target check.
    pub tech_check: Vec<(Tech, CheckId)>,
    /// A technique's auxiliary checks.
    pub tech_aux: Vec<(Tech, CheckId)>,
    /// Techniques whose target check is itself auxiliary (the target comes from the
    /// precondition): technique.
    pub tech_on_aux: Vec<Tech>,
    /// The target-side precondition holds: technique, target.
    pub target_ok: Vec<(Tech, Id, bool)>,
    /// Techniques by gain.
    pub tech_gain: Vec<(Tech, u8)>,
    /// Users' groups for group-level gains: group, member (same as `member`, reversed).
    pub group_policy: Vec<(Id, Pol)>,
    /// Customer managed policies as targets: policy node, document.
    pub policy_document: Vec<(Id, Pol)>,
    /// Accounts of the input.
    pub account: Vec<Acct>,
}

impl Facts {
    /// The number of facts in every relation (for [`crate::limits::FACTS`]).
    pub fn count(&self) -> usize {
        let Facts {
            principal,
            user,
            member,
            attached,
            boundary,
            statement,
            allows,
            applies,
            on,
            holder_of,
            within,
            contains,
            in_class,
            excluded,
            check_class,
            cross_account,
            world_class,
            world_member,
            scp_level,
            level_policy,
            scp_exempt,
            role,
            trust_named,
            trust_via_account,
            trust_account,
            trust_public,
            trust_public_from,
            trust_denied,
            outside,
            rcp_blocked,
            tech_check,
            tech_aux,
            tech_on_aux,
            target_ok,
            tech_gain,
            group_policy,
            policy_document,
            account,
        } = self;
        [
            principal.len(),
            user.len(),
            member.len(),
            attached.len(),
            boundary.len(),
            statement.len(),
            allows.len(),
            applies.len(),
            on.len(),
            holder_of.len(),
            within.len(),
            contains.len(),
            in_class.len(),
            excluded.len(),
            check_class.len(),
            cross_account.len(),
            world_class.len(),
            world_member.len(),
            scp_level.len(),
            level_policy.len(),
            scp_exempt.len(),
            role.len(),
            trust_named.len(),
            trust_via_account.len(),
            trust_account.len(),
            trust_public.len(),
            trust_public_from.len(),
            trust_denied.len(),
            outside.len(),
            rcp_blocked.len(),
            tech_check.len(),
            tech_aux.len(),
            tech_on_aux.len(),
            target_ok.len(),
            tech_gain.len(),
            group_policy.len(),
            policy_document.len(),
            account.len(),
        ]
        .iter()
        .sum()
    }
}

/// Gain codes in [`Facts::tech_gain`].
pub mod gain {
    /// [`super::Gain::Act`].
    pub const ACT: u8 = 0;
    /// [`super::Gain::Empower`].
    pub const EMPOWER: u8 = 1;
    /// [`super::Gain::EmpowerMembers`].
    pub const EMPOWER_MEMBERS: u8 = 2;
    /// [`super::Gain::EmpowerHolders`].
    pub const EMPOWER_HOLDERS: u8 = 3;
    /// [`super::Gain::Join`].
    pub const JOIN: u8 = 4;
}

/// Where a statement is, for explanations.
#[derive(Debug, Clone)]
pub struct StatementSite {
    /// Its document.
    pub document: Document,
    /// Its index in the document.
    pub index: usize,
}

impl StatementSite {
    /// The statement.
    pub fn statement(&self) -> &Statement {
        &self.document.policy.statements[self.index]
    }
}

/// The compiled organisation: interned universe, facts, and what they point back to.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Interned nodes and accounts.
    pub universe: Universe,
    /// The facts.
    pub facts: Facts,
    /// The checks, by [`CheckId`].
    pub checks: Vec<Check>,
    /// Statements by [`Stmt`].
    pub statements: Vec<StatementSite>,
    /// Documents by [`Pol`].
    pub documents: Vec<Document>,
    /// Why answers may be incomplete (policies missing from the input, unmodelled rows).
    pub incomplete: Vec<String>,
    /// Per user and role (and group, whose members inherit its entries), the policies,
    /// groups and boundary it holds that the input lacks, each taken to allow anything
    /// (conditional; [`crate::model::unknown`]), as sentences.
    pub assumed: HashMap<Id, Vec<String>>,
    /// Special check ids.
    pub full: CheckId,
    /// `sts:AssumeRole`.
    pub assume: CheckId,
    /// `iam:CreateRole` and the two ways to give the new role a policy.
    pub create_role: [CheckId; 3],
    /// `iam:PassRole`'s checks, and the principals decided per service it passes a role to.
    pub pass_role: pass_role::PassRole,
    /// The node of each principal, by ARN.
    principals: HashMap<String, Id>,
}

impl Compiled {
    /// The id of a check the analysis asks (every check of [`techniques::all_checks`]).
    pub fn check_id(&self, check: &Check) -> CheckId {
        check_index(&self.checks, check)
    }

    /// The node of a user or role, by ARN.
    pub fn principal(&self, arn: &str) -> Option<Id> {
        self.principals.get(arn).copied()
    }
}

/// The index of a check in the list of [`techniques::all_checks`], which holds every check
/// the techniques name.
fn check_index(checks: &[Check], check: &Check) -> CheckId {
    checks
        .iter()
        .position(|c| c == check)
        .expect("every technique's checks are listed") as CheckId
}

/// A request of `sts:AssumeRole` on a role, as a statement of its trust or an RCP sees it.
fn assume_role_view<'a>(
    caller: &'a Caller,
    role: Fields<'a>,
    context: &'a Context,
) -> RequestView<'a> {
    RequestView {
        caller,
        service: "sts",
        action: "AssumeRole",
        resource: ResourceQuery::Exact(role),
        context,
        resource_is_attached: true,
    }
}

/// Principal keys that make a statement depend on who holds it.
fn reads_principal(key: &str) -> bool {
    key.starts_with("aws:principal") || key == "aws:username" || key == "aws:userid"
}

/// A condition value with policy variables (which may read any key of the request).
fn reads_variables(value: &crate::policy::condition::Operand) -> bool {
    use crate::policy::condition::Operand;
    match value {
        Operand::Text(pattern) | Operand::ArnTemplate(pattern) => pattern.has_variables(),
        Operand::Arn(pattern) => pattern.has_variables(),
        _ => false,
    }
}

/// Principal keys every principal of an account holds with the same value.
fn reads_account_only(key: &str) -> bool {
    matches!(
        key,
        "aws:principalaccount"
            | "aws:principalorgid"
            | "aws:principalorgpaths"
            | "aws:principalisawsservice"
    )
}

/// Keys that depend on the target's account.
fn reads_resource_account(key: &str) -> bool {
    key == "aws:resourceaccount" || key == "aws:resourceorgid"
}

/// The caller a principal node stands for: a user, or a session of a role.
pub fn caller_of_user(user: &User, account: &str) -> Caller {
    Caller::User {
        arn: user.arn.clone(),
        account: account.to_string(),
        name: user.name.clone(),
    }
}

/// A session of `role`, as the analysis' principal for it.
pub fn caller_of_role(role: &Role, account: &str) -> Caller {
    Caller::Role {
        arn: format!("arn:aws:sts::{account}:assumed-role/{}/iamlog", role.name),
        account: account.to_string(),
        name: role.name.clone(),
        session: Some("iamlog".to_string()),
    }
}

/// The keys a principal supplies, as [`World::view`] does (spec §3).
fn principal_context(
    world: &World,
    caller: &Caller,
    arn: &str,
    tags: &[(String, String)],
) -> Context {
    let mut context = Context::new();
    for (key, value) in caller.context_keys() {
        context.insert(key, ContextValue::Single(value));
    }
    context.insert("aws:PrincipalArn", ContextValue::Single(arn.to_string()));
    for (k, v) in tags {
        context.insert(
            &format!("aws:PrincipalTag/{k}"),
            ContextValue::Single(v.clone()),
        );
    }
    if let (Some(org), Some(account)) = (&world.organization, caller.account()) {
        if org.account_parents.contains_key(account) || org.management_account == account {
            context.insert("aws:PrincipalOrgID", ContextValue::Single(org.id.clone()));
            context.insert(
                "aws:PrincipalOrgPaths",
                ContextValue::Multi(vec![org.path_of(account)]),
            );
        }
    }
    context
}

/// The keys the owner of a resource supplies.
fn add_resource_keys(world: &World, context: &mut Context, owner: &str) {
    context.insert(
        "aws:ResourceAccount",
        ContextValue::Single(owner.to_string()),
    );
    if let Some(org) = &world.organization {
        if org.account_parents.contains_key(owner) || org.management_account == owner {
            context.insert("aws:ResourceOrgID", ContextValue::Single(org.id.clone()));
        }
    }
}

const STANCES: [(Stance, bool); 2] = [(Stance::May, false), (Stance::Must, true)];

/// A principal as the compiler sees it.
struct Holder {
    id: Id,
    caller: Caller,
    context: Context,
}

/// Lowers `world` to facts.
pub fn compile(world: &World) -> Compiled {
    Compiler::new(world).run()
}

struct Compiler<'w> {
    world: &'w World,
    universe: Universe,
    facts: Facts,
    checks: Vec<Check>,
    statements: Vec<StatementSite>,
    documents: Vec<Document>,
    document_ids: HashMap<*const Policy, Pol>,
    /// Principals holding each document (identity, boundary, or SCP).
    holders: Vec<Vec<Id>>,
    principals: Vec<Holder>,
    principal_index: HashMap<String, Id>,
    incomplete: Vec<String>,
    /// Per user, group and role: what it holds that the input lacks (see [`Compiled::assumed`]).
    assumed: HashMap<Id, Vec<String>>,
    inventory: Inventory,
    organization_known: bool,
    pass_role: pass_role::PassRole,
}

impl<'w> Compiler<'w> {
    fn new(world: &'w World) -> Self {
        let mut universe = Universe::default();
        for account in &world.accounts {
            universe.account(&account.id);
        }
        universe.modelled_accounts = world.accounts.len();
        let checks = techniques::all_checks();
        Compiler {
            world,
            universe,
            facts: Facts::default(),
            pass_role: pass_role::PassRole::new(&checks),
            checks,
            statements: Vec::new(),
            documents: Vec::new(),
            document_ids: HashMap::new(),
            holders: Vec::new(),
            principals: Vec::new(),
            principal_index: HashMap::new(),
            incomplete: Vec::new(),
            assumed: HashMap::new(),
            inventory: Inventory::default(),
            organization_known: world.organization.is_some(),
        }
    }

    fn run(mut self) -> Compiled {
        self.inventory = Inventory::build(self.world, &mut self.universe, &mut self.facts);
        self.principals_and_policies();
        self.organization_policies();
        self.statements_to_facts();
        self.trust();
        self.techniques();
        self.facts.within.append(&mut self.inventory.within);
        self.facts.contains.append(&mut self.inventory.contains);
        self.facts.excluded.append(&mut self.inventory.excluded);
        for (i, c) in self.checks.iter().enumerate() {
            let i = i as CheckId;
            let world = (*c == techniques::ASSUME).then(|| self.inventory.kind(c.target));
            if let Some(world) = world {
                self.facts.cross_account.push(i);
                self.facts.world_class.push((i, world));
            }
            for a in 0..self.universe.modelled_accounts as Acct {
                let class = self.inventory.class(c.target, a);
                self.facts.check_class.push((i, a, class));
                if let Some(world) = world {
                    self.facts.world_member.push((class, world));
                }
            }
        }
        let id = |c: &Check| check_index(&self.checks, c);
        let full = id(&techniques::FULL);
        let assume = id(&techniques::ASSUME);
        let create_role = [
            id(&techniques::CREATE_ROLE),
            id(&Check {
                action: "iam:PutRolePolicy",
                passed_to: None,
                target: TargetKind::Aux,
            }),
            id(&Check {
                action: "iam:AttachRolePolicy",
                passed_to: None,
                target: TargetKind::Aux,
            }),
        ];
        Compiled {
            universe: self.universe,
            facts: self.facts,
            checks: self.checks,
            statements: self.statements,
            documents: self.documents,
            incomplete: self.incomplete,
            assumed: self.assumed,
            full,
            assume,
            create_role,
            pass_role: self.pass_role,
            principals: self.principal_index,
        }
    }

    fn document(&mut self, document: &Document) -> Pol {
        let key = std::sync::Arc::as_ptr(&document.policy);
        if let Some(&id) = self.document_ids.get(&key) {
            return id;
        }
        let id = self.documents.len() as Pol;
        self.documents.push(document.clone());
        self.holders.push(Vec::new());
        self.document_ids.insert(key, id);
        id
    }

    /// The default version of managed policy `arn`, attached to `holder` (node `id`) as an
    /// identity policy or as its boundary. One the input lacks stands in as a policy that may
    /// allow anything ([`crate::model::unknown`]), and is reported for the holder.
    fn managed(&mut self, arn: &str, holder: &str, id: Id, boundary: bool) -> Pol {
        let world = self.world;
        if let Some(v) = world.managed_policy(arn).and_then(|p| p.default_version()) {
            return self.document(&v.document);
        }
        let (what, kind) = if boundary {
            ("boundary ", PolicyKind::Boundary)
        } else {
            ("", PolicyKind::Identity)
        };
        self.incomplete.push(format!(
            "{what}{arn} (attached to {holder}) is not in the input: taken to allow anything (conditional)"
        ));
        let reason = if boundary {
            format!("boundary {arn} is not in the input: taken to allow anything (conditional)")
        } else if self.universe.node(id).kind == NodeKind::Group {
            // Its members inherit the sentence.
            format!("{arn} is attached to {holder} but not in the input: taken to allow anything (conditional)")
        } else {
            format!("{arn} is attached but not in the input: taken to allow anything (conditional)")
        };
        self.assumed.entry(id).or_default().push(reason);
        let condition = unknown::policy_condition(arn, holder, boundary);
        self.document(&unknown::unknown_policy(arn, &condition, kind))
    }

    /// Principals, groups, attachments and boundaries (spec §5 "policies in force", §8).
    fn principals_and_policies(&mut self) {
        let world = self.world;
        // Each principal's caller and context, made on every core, in the order read below.
        enum Who<'w> {
            User(&'w User),
            Role(&'w Role),
        }
        let principals: Vec<(&str, Who)> = world
            .accounts
            .iter()
            .flat_map(|a| {
                let users = a.users.iter().map(|u| (a.id.as_str(), Who::User(u)));
                users.chain(a.roles.iter().map(|r| (a.id.as_str(), Who::Role(r))))
            })
            .collect();
        let made = crate::parallel::map(
            &principals,
            || (),
            |_, (account, who)| match who {
                Who::User(user) => {
                    let caller = caller_of_user(user, account);
                    let mut context = principal_context(world, &caller, &user.arn, &user.tags);
                    if let Some(uid) = &user.id {
                        context.insert("aws:userid", ContextValue::Single(uid.clone()));
                    }
                    (caller, context)
                }
                Who::Role(role) => {
                    let caller = caller_of_role(role, account);
                    let context = principal_context(world, &caller, &role.arn, &role.tags);
                    (caller, context)
                }
            },
        );
        let mut made = made.into_iter();
        for account in &world.accounts {
            let acct = self.universe.account(&account.id);
            let mut groups: HashMap<&str, Id> = HashMap::new();
            for group in &account.groups {
                let g = self.universe.lookup(&group.arn).expect("inventoried");
                groups.insert(group.name.as_str(), g);
                let mut pols: Vec<Pol> = group
                    .inline
                    .iter()
                    .map(|p| self.document(&p.document))
                    .collect();
                for arn in &group.attached {
                    pols.push(self.managed(arn, &group.arn, g, false));
                }
                for pol in pols {
                    self.facts.attached.push((g, pol));
                    self.facts.group_policy.push((g, pol));
                }
            }
            for user in &account.users {
                let id = self.universe.lookup(&user.arn).expect("inventoried");
                self.facts.principal.push((id, acct));
                self.facts.user.push(id);
                let (caller, context) = made.next().expect("made for each user");
                self.identity_policies(id, &user.inline, &user.attached, &user.arn);
                for name in &user.groups {
                    match groups.get(name.as_str()) {
                        Some(&g) => self.facts.member.push((id, g)),
                        None => {
                            // Its policies are unknown: the user holds a stand-in that may
                            // allow anything.
                            self.incomplete.push(format!(
                                "group {name} of {} is not in the input: its policies are taken to allow anything (conditional)",
                                user.arn
                            ));
                            self.assumed.entry(id).or_default().push(format!(
                                "group {name} is not in the input: its policies are taken to allow anything (conditional)"
                            ));
                            let condition = unknown::group_condition(name, &user.arn);
                            let document = unknown::unknown_policy(
                                &format!("group {name} of {}", user.arn),
                                &condition,
                                PolicyKind::Identity,
                            );
                            let pol = self.document(&document);
                            self.facts.attached.push((id, pol));
                            self.holders[pol as usize].push(id);
                        }
                    }
                }
                self.boundary(id, user.boundary.as_deref(), &user.arn);
                self.principal_index.insert(user.arn.clone(), id);
                self.principals.push(Holder {
                    id,
                    caller,
                    context,
                });
            }
            for role in &account.roles {
                let id = self.universe.lookup(&role.arn).expect("inventoried");
                self.facts.principal.push((id, acct));
                self.facts.role.push((id, acct));
                let (caller, context) = made.next().expect("made for each role");
                self.identity_policies(id, &role.inline, &role.attached, &role.arn);
                self.boundary(id, role.boundary.as_deref(), &role.arn);
                if role.is_service_linked() {
                    self.facts.scp_exempt.push(id);
                }
                self.principal_index.insert(role.arn.clone(), id);
                self.principals.push(Holder {
                    id,
                    caller,
                    context,
                });
            }
            for policy in account.policies.iter().filter(|p| !p.is_aws_managed()) {
                if let (Some(node), Some(v)) =
                    (self.universe.lookup(&policy.arn), policy.default_version())
                {
                    let pol = self.document(&v.document);
                    self.facts.policy_document.push((node, pol));
                }
            }
        }
        // Members hold their groups' documents, and what their groups lack.
        for &(user, group) in &self.facts.member {
            if let Some(reasons) = self.assumed.get(&group).cloned() {
                self.assumed.entry(user).or_default().extend(reasons);
            }
        }
        let by_group: HashMap<Id, Vec<Pol>> =
            self.facts
                .group_policy
                .iter()
                .fold(HashMap::new(), |mut m, &(g, pol)| {
                    m.entry(g).or_default().push(pol);
                    m
                });
        for &(user, group) in &self.facts.member {
            for &pol in by_group.get(&group).into_iter().flatten() {
                self.holders[pol as usize].push(user);
            }
        }
    }

    /// A principal's inline and attached managed policies: facts, and the holders index.
    fn identity_policies(
        &mut self,
        id: Id,
        inline: &[crate::model::InlinePolicy],
        attached: &[String],
        holder: &str,
    ) {
        let mut pols: Vec<Pol> = inline.iter().map(|p| self.document(&p.document)).collect();
        for arn in attached {
            pols.push(self.managed(arn, holder, id, false));
        }
        for pol in pols {
            self.facts.attached.push((id, pol));
            self.holders[pol as usize].push(id);
        }
    }

    /// A principal's permissions boundary. One the input lacks stands in as a boundary that
    /// may allow anything ([`Compiler::managed`]): it cannot be shown to restrict, and the
    /// principal's answers are conditional on it.
    fn boundary(&mut self, id: Id, boundary: Option<&str>, holder: &str) {
        if let Some(pol) = boundary.map(|arn| self.managed(arn, holder, id, true)) {
            self.facts.boundary.push((id, pol));
            self.holders[pol as usize].push(id);
        }
    }

    /// SCP levels per account (spec §5 "Where guardrails apply").
    fn organization_policies(&mut self) {
        let world = self.world;
        let Some(org) = &world.organization else {
            return;
        };
        let mut level_id: Level = 0;
        for account in &world.accounts {
            let acct = self.universe.account(&account.id);
            let chain = org.chain(&account.id, false);
            let members: Vec<Id> = self
                .facts
                .principal
                .iter()
                .filter(|(_, a)| *a == acct)
                .map(|(p, _)| *p)
                .collect();
            for level in chain {
                self.facts.scp_level.push((acct, level_id));
                for document in &level {
                    let pol = self.document(document);
                    self.facts.level_policy.push((level_id, pol));
                    self.holders[pol as usize].extend(&members);
                }
                level_id += 1;
            }
        }
    }

    /// Applies and On facts for every statement that touches a check.
    fn statements_to_facts(&mut self) {
        for holders in &mut self.holders {
            holders.sort_unstable();
            holders.dedup();
        }
        let holder_index: HashMap<Id, usize> = self
            .principals
            .iter()
            .enumerate()
            .map(|(i, h)| (h.id, i))
            .collect();
        let account_of: HashMap<Id, Acct> = self.facts.principal.iter().copied().collect();
        let empty = Context::new();
        // What each statement's Action and Condition decide reads the model alone: planned
        // per document on every core. Scopes are interned in the universe as they are met,
        // so they follow, in document order.
        let documents: Vec<usize> = (0..self.documents.len()).collect();
        // Each holder's context in the two stances, made once.
        let known = self.organization_known;
        let stanced = crate::parallel::map(
            &self.principals,
            || (),
            |_, h| STANCES.map(|(stance, _)| h.context.clone().symbolic(stance, known)),
        );
        let planner = Planner {
            stanced: &stanced,
            anyone: STANCES.map(|(stance, _)| empty.clone().symbolic(stance, known)),
            documents: &self.documents,
            checks: &self.checks,
            holders: &self.holders,
            principals: &self.principals,
            holder_index: &holder_index,
            known: self.organization_known,
            pass_role: &self.pass_role,
        };
        let planned = crate::parallel::map(&documents, || (), |_, &pol| planner.plan(pol));
        let mut per_service = Vec::new();
        for (pol, plans) in planned.into_iter().enumerate() {
            let document = self.documents[pol].clone();
            for plan in plans {
                for &holder in &plan.per_service {
                    match holder {
                        ANY => per_service.extend(&self.holders[pol]),
                        _ => per_service.push(holder),
                    }
                }
                let statement = &document.policy.statements[plan.index];
                let s = self.statements.len() as Stmt;
                self.statements.push(StatementSite {
                    document: document.clone(),
                    index: plan.index,
                });
                self.facts.statement.push((pol as Pol, s));
                if statement.effect == Effect::Allow {
                    self.facts.allows.push(s);
                }
                // A statement held by everyone: the accounts of the policy's holders.
                let policy_accounts: HashSet<Acct> = match plan.cross || plan.per_principal {
                    true => HashSet::new(),
                    false => self.holders[pol]
                        .iter()
                        .filter_map(|h| account_of.get(h).copied())
                        .collect(),
                };
                // Holders with the same outcome share one holder class, named by its first
                // holder: its Applies and On are stored once ([`Facts::holder_of`]).
                let mut classes: HashMap<Outcome, Id> = HashMap::new();
                // Without policy variables in its Resource, a statement covers the same
                // scopes for every holder: they are found once for each holder's account.
                let varies = statement.resource_has_variables();
                let mut by_holder_account: HashMap<Option<Acct>, Vec<Id>> = HashMap::new();
                for (holder, applies) in plan.holders {
                    let context = match holder {
                        ANY => &empty,
                        _ => &self.principals[holder_index[&holder]].context,
                    };
                    let mut outcome = Outcome {
                        applies,
                        on: Vec::new(),
                    };
                    let holder_account = account_of.get(&holder).copied();
                    let kept = match by_holder_account.get(&holder_account) {
                        Some(kept) if !varies => kept.clone(),
                        _ => {
                            let mut scopes = self.inventory.scopes(
                                &mut self.universe,
                                statement,
                                context,
                                plan.by_owner.is_some(),
                            );
                            if !plan.cross {
                                let universe = &self.universe;
                                scopes.retain(|&x| match universe.node(x).account {
                                    None => true,
                                    Some(a) => match holder_account {
                                        Some(h) => h == a,
                                        None => policy_accounts.contains(&a),
                                    },
                                });
                            }
                            if !varies {
                                by_holder_account.insert(holder_account, scopes.clone());
                            }
                            scopes
                        }
                    };
                    let scopes = kept;
                    // The clauses on the target's account, decided once per owner.
                    let mut by_account: HashMap<Option<u32>, [bool; 2]> = HashMap::new();
                    for scope in scopes {
                        let holds = match &plan.by_owner {
                            None => [true; 2],
                            Some(condition) => {
                                let owner = self.universe.node(scope).account;
                                *by_account.entry(owner).or_insert_with(|| {
                                    let owner = self.universe.account_id(scope).unwrap_or("");
                                    let mut ctx = context.clone();
                                    add_resource_keys(self.world, &mut ctx, owner);
                                    STANCES.map(|(stance, _)| {
                                        condition.holds_in(
                                            &ctx.clone().symbolic(stance, self.organization_known),
                                            statement.effect,
                                        )
                                    })
                                })
                            }
                        };
                        for ((_, must), holds) in STANCES.into_iter().zip(holds) {
                            if holds {
                                outcome.on.push((scope, must));
                            }
                        }
                    }
                    if holder == ANY {
                        outcome.store(s, ANY, &mut self.facts);
                        continue;
                    }
                    let class = *classes.entry(outcome).or_insert_with_key(|outcome| {
                        outcome.store(s, holder, &mut self.facts);
                        holder
                    });
                    self.facts.holder_of.push((s, holder, class));
                }
            }
        }
        per_service.sort_unstable();
        per_service.dedup();
        self.pass_role.per_service = per_service;
    }

    /// Trust facts for `sts:AssumeRole` (spec §6), and RCPs on it (spec §5).
    fn trust(&mut self) {
        let world = self.world;
        // One principal of each account, to decide account-wide trust conditions with.
        let mut seen: HashSet<&str> = HashSet::new();
        let representatives: Vec<(usize, Acct)> = (0..self.principals.len())
            .filter_map(|h| {
                let account = self.principals[h].caller.account()?;
                let acct = self.universe.account_of(account)?;
                seen.insert(account).then_some((h, acct))
            })
            .collect();
        for account in &world.accounts {
            for role in &account.roles {
                let r = self.universe.lookup(&role.arn).expect("inventoried");
                let Some(trust) = &role.trust else { continue };
                for statement in &trust.policy.statements {
                    if statement.action_matches("sts", "AssumeRole") {
                        self.trust_statement(r, role, &account.id, statement, &representatives);
                    }
                    if statement.action_matches("sts", "AssumeRoleWithWebIdentity")
                        || statement.action_matches("sts", "AssumeRoleWithSAML")
                    {
                        self.federated_trust(r, &account.id, statement);
                    }
                }
                self.rcps(r, role, &account.id);
            }
        }
    }

    fn trust_statement(
        &mut self,
        r: Id,
        role: &Role,
        owner: &str,
        statement: &Statement,
        representatives: &[(usize, Acct)],
    ) {
        let per_principal = statement.condition.keys().any(reads_principal)
            || statement.effect == Effect::Deny
            || matches!(&statement.principal, PrincipalElement::Listed(p) if p.negated);
        let fields = Fields::split(&role.arn);
        let view_of = |caller: &Caller, context: &Context| -> Option<PrincipalMatch> {
            statement
                .applies(&assume_role_view(caller, fields, context))
                .map(|a| a.principal)
        };
        // A condition that reads only keys shared by a whole account is decided once per
        // account for `"*"` and account entries; only the ARNs listed are decided one by one.
        let by_account = per_principal
            && statement.effect == Effect::Allow
            && matches!(&statement.principal, PrincipalElement::Listed(p) if !p.negated)
            && statement
                .condition
                .keys()
                .filter(|k| reads_principal(k))
                .all(reads_account_only);
        if by_account {
            self.trust_by_account(r, owner, statement, representatives);
        }
        if per_principal {
            // Decided for every principal the Principal element can name: exact.
            let candidates = match by_account {
                true => Some((HashSet::new(), self.trust_named_in(statement))),
                false => self.trust_candidates(statement),
            };
            for h in 0..self.principals.len() {
                let holder = &self.principals[h];
                if let Some((accounts, named)) = &candidates {
                    let in_account = holder
                        .caller
                        .account()
                        .is_some_and(|a| accounts.contains(a));
                    if !in_account && !named.contains(&holder.id) {
                        continue;
                    }
                }
                for (stance, must) in STANCES {
                    let mut ctx = holder.context.clone();
                    add_resource_keys(self.world, &mut ctx, owner);
                    let ctx = ctx.symbolic(stance, self.organization_known);
                    let Some(m) = view_of(&holder.caller, &ctx) else {
                        continue;
                    };
                    let fact = (r, holder.id, must);
                    match (statement.effect, m) {
                        (Effect::Deny, _) => self.facts.trust_denied.push(fact),
                        (Effect::Allow, PrincipalMatch::ViaAccount) => {
                            self.facts.trust_via_account.push(fact)
                        }
                        (Effect::Allow, _) => self.facts.trust_named.push(fact),
                    }
                }
            }
            if statement.effect == Effect::Deny {
                return;
            }
        }
        let PrincipalElement::Listed(principals) = &statement.principal else {
            return;
        };
        if principals.negated {
            return;
        }
        let mut base = Context::new();
        add_resource_keys(self.world, &mut base, owner);
        for (stance, must) in STANCES {
            // Outside principals hold none of the principal keys the model fixes.
            let ctx = base.clone().symbolic(stance, self.organization_known);
            if !statement.condition.holds_in(&ctx, Effect::Allow) {
                continue;
            }
            for entry in &principals.items {
                match entry {
                    PrincipalEntry::Arn(arn) => match self.named_principal(arn) {
                        Some(p) if !per_principal => self.facts.trust_named.push((r, p, must)),
                        Some(_) => {}
                        None => {
                            let account = arn.split(':').nth(4).unwrap_or("");
                            if self.world.account(account).is_none() {
                                self.outside(NodeKind::ExternalAccount, arn, r, false);
                            }
                        }
                    },
                    PrincipalEntry::Account(a) => match self.universe.account_of(a) {
                        Some(i) if (i as usize) < self.universe.modelled_accounts => {
                            if !per_principal {
                                self.facts.trust_account.push((r, i, must));
                            }
                        }
                        // The outside account's own policies are unknown: conditional.
                        _ => self.outside(
                            NodeKind::ExternalAccount,
                            &format!("anyone in account {a}"),
                            r,
                            false,
                        ),
                    },
                    PrincipalEntry::Everyone => {
                        if !per_principal {
                            self.facts.trust_public.push((r, must));
                        }
                        self.outside(NodeKind::Public, "anyone (*)", r, must);
                    }
                    PrincipalEntry::Service(service) => {
                        self.outside(NodeKind::Service, service, r, must)
                    }
                    _ => {}
                }
            }
        }
    }

    /// Trust facts for the `"*"` and account entries of an Allow statement whose condition
    /// reads only account-wide principal keys: one principal of each account (its
    /// representative) stands for all.
    fn trust_by_account(
        &mut self,
        r: Id,
        owner: &str,
        statement: &Statement,
        representatives: &[(usize, Acct)],
    ) {
        let PrincipalElement::Listed(principals) = &statement.principal else {
            return;
        };
        for &(h, acct) in representatives {
            let account = self.universe.accounts[acct as usize].as_str();
            for (stance, must) in STANCES {
                let mut ctx = self.principals[h].context.clone();
                add_resource_keys(self.world, &mut ctx, owner);
                let ctx = ctx.symbolic(stance, self.organization_known);
                if !statement.condition.holds_in(&ctx, Effect::Allow) {
                    continue;
                }
                for entry in &principals.items {
                    match entry {
                        PrincipalEntry::Everyone => {
                            self.facts.trust_public_from.push((r, acct, must))
                        }
                        PrincipalEntry::Account(a) if a == account => {
                            self.facts.trust_account.push((r, acct, must))
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// The principals of the input a trust statement's Principal element names by ARN.
    fn trust_named_in(&self, statement: &Statement) -> HashSet<Id> {
        let PrincipalElement::Listed(principals) = &statement.principal else {
            return HashSet::new();
        };
        principals
            .items
            .iter()
            .filter_map(|entry| match entry {
                PrincipalEntry::Arn(arn) => self.named_principal(arn),
                _ => None,
            })
            .collect()
    }

    /// The accounts and principals a trust statement's Principal element lists, or `None`
    /// when it may name any principal (`"*"`, a NotPrincipal). Principals outside these
    /// cannot match it, so per-principal decisions skip them.
    fn trust_candidates(&self, statement: &Statement) -> Option<(HashSet<String>, HashSet<Id>)> {
        let PrincipalElement::Listed(principals) = &statement.principal else {
            return None;
        };
        if principals.negated {
            return None;
        }
        let mut accounts = HashSet::new();
        for entry in &principals.items {
            match entry {
                PrincipalEntry::Everyone => return None,
                PrincipalEntry::Account(a) => {
                    // An account ID, or its root ARN.
                    let id = if a.starts_with("arn:") {
                        a.split(':').nth(4).unwrap_or("")
                    } else {
                        a.as_str()
                    };
                    accounts.insert(id.to_string());
                }
                // ARNs are the named principals below; services, providers, canonical IDs
                // and invalid values name no IAM principal of the input.
                PrincipalEntry::Arn(_)
                | PrincipalEntry::Service(_)
                | PrincipalEntry::Federated(_)
                | PrincipalEntry::CanonicalUser(_)
                | PrincipalEntry::Invalid(_) => {}
            }
        }
        let named = self.trust_named_in(statement);
        Some((accounts, named))
    }

    /// An outside source that can assume role `r`.
    fn outside(&mut self, kind: NodeKind, name: &str, r: Id, must: bool) {
        let source = self.universe.intern(kind, name, None);
        self.facts.outside.push((source, r, must));
    }

    /// Users of a SAML or OIDC provider the trust admits (spec §6): an outside source, "anyone
    /// at" the provider, conditional when claims (`:sub`, `:aud`) narrow it.
    fn federated_trust(&mut self, r: Id, owner: &str, statement: &Statement) {
        if statement.effect != Effect::Allow {
            return;
        }
        let PrincipalElement::Listed(principals) = &statement.principal else {
            return;
        };
        for entry in &principals.items {
            let PrincipalEntry::Federated(provider) = entry else {
                continue;
            };
            for (stance, must) in STANCES {
                let mut ctx = Context::new();
                add_resource_keys(self.world, &mut ctx, owner);
                let ctx = ctx.symbolic(stance, self.organization_known);
                if statement.condition.holds_in(&ctx, Effect::Allow) {
                    let name = format!("anyone at {provider}");
                    let source = self.universe.intern(NodeKind::Federated, &name, None);
                    self.facts.outside.push((source, r, must));
                }
            }
        }
    }

    /// The principal node an ARN in a trust policy names: a user, a role, or a role session.
    fn named_principal(&self, arn: &str) -> Option<Id> {
        if let Some(&p) = self.principal_index.get(arn) {
            return Some(p);
        }
        let parsed = crate::policy::arn::Arn::parse(arn)?;
        let name = parsed
            .resource
            .strip_prefix("assumed-role/")
            .and_then(|r| r.split('/').next())
            .or_else(|| {
                parsed
                    .resource
                    .strip_prefix("role/")
                    .map(|r| r.rsplit('/').next().unwrap_or(r))
            })?;
        let account = self.world.account(parsed.account)?;
        let role = account.roles.iter().find(|r| r.name == name)?;
        self.principal_index.get(&role.arn).copied()
    }

    /// RCPs of the role's account for callers of each account (spec §5 step 2).
    fn rcps(&mut self, r: Id, role: &Role, owner: &str) {
        let Some(org) = &self.world.organization else {
            return;
        };
        let chain = org.chain(owner, true);
        let custom = chain.iter().flatten().any(|d| {
            d.origin.file.is_some() || d.origin.text.is_some() || !d.origin.pointer.is_empty()
        });
        if chain.is_empty() || !custom {
            return;
        }
        let fields = Fields::split(&role.arn);
        for a in 0..self.universe.modelled_accounts {
            let caller = Caller::Root {
                account: self.universe.accounts[a].clone(),
            };
            for (stance, must) in STANCES {
                let ctx = self.outside_context(&caller, owner, stance);
                let view = assume_role_view(&caller, fields, &ctx);
                let applies = |d: &Document, effect: Effect| {
                    d.policy
                        .statements
                        .iter()
                        .any(|s| s.effect == effect && s.applies(&view).is_some())
                };
                let denied = chain.iter().flatten().any(|d| applies(d, Effect::Deny));
                let missing = chain
                    .iter()
                    .any(|level| !level.iter().any(|d| applies(d, Effect::Allow)));
                if denied || missing {
                    self.facts.rcp_blocked.push((r, a as Acct, must));
                }
            }
        }
    }

    /// Technique facts: checks, gains, and the target-side preconditions (spec §7, §10).
    fn techniques(&mut self) {
        let world = self.world;
        let trusts: HashMap<(Id, &str), [bool; 2]> = self.trusted_services();
        for (t, technique) in TECHNIQUES.iter().enumerate() {
            let t = t as Tech;
            let id = |c: &Check| check_index(&self.checks, c);
            self.facts.tech_check.push((t, id(&technique.check)));
            for a in technique.aux {
                self.facts.tech_aux.push((t, id(a)));
            }
            if technique.check.target == TargetKind::Aux {
                self.facts.tech_on_aux.push(t);
            }
            let code = match technique.gain {
                Gain::Act => gain::ACT,
                Gain::Empower => gain::EMPOWER,
                Gain::EmpowerMembers => gain::EMPOWER_MEMBERS,
                Gain::EmpowerHolders => gain::EMPOWER_HOLDERS,
                Gain::Join => gain::JOIN,
            };
            self.facts.tech_gain.push((t, code));
            let mut ok = |target: Id, may: bool, must: bool| {
                let must = must && technique.assumes.is_none();
                if may {
                    self.facts.target_ok.push((t, target, false));
                }
                if must {
                    self.facts.target_ok.push((t, target, true));
                }
            };
            for account in &world.accounts {
                let node = |arn: &str| self.universe.lookup(arn).expect("inventoried");
                match technique.precondition {
                    Precondition::KeySlot
                    | Precondition::NoPassword
                    | Precondition::HasPassword => {
                        for user in &account.users {
                            let c = user.credentials;
                            let (may, must) = match technique.precondition {
                                Precondition::KeySlot => match c.access_keys {
                                    Some(n) if n >= 2 => (true, false),
                                    _ => (true, true),
                                },
                                Precondition::NoPassword => match (c.password, c.mfa) {
                                    (_, Some(true)) | (Some(true), _) => (false, false),
                                    (Some(false), _) => (true, true),
                                    (None, _) => (true, false),
                                },
                                _ => match (c.password, c.mfa) {
                                    (_, Some(true)) | (Some(false), _) => (false, false),
                                    (Some(true), _) => (true, true),
                                    (None, _) => (true, false),
                                },
                            };
                            ok(node(&user.arn), may, must);
                        }
                    }
                    Precondition::None => {
                        let kind = technique.check.target;
                        let arns: Vec<&str> = match kind {
                            TargetKind::User => {
                                account.users.iter().map(|u| u.arn.as_str()).collect()
                            }
                            TargetKind::Group => {
                                account.groups.iter().map(|g| g.arn.as_str()).collect()
                            }
                            TargetKind::Role => {
                                account.roles.iter().map(|r| r.arn.as_str()).collect()
                            }
                            TargetKind::Policy => account
                                .policies
                                .iter()
                                .filter(|p| !p.is_aws_managed())
                                .map(|p| p.arn.as_str())
                                .collect(),
                            _ => Vec::new(),
                        };
                        for arn in arns {
                            ok(node(arn), true, true);
                        }
                    }
                    Precondition::Mutable => {
                        for role in account.roles.iter().filter(|r| !r.is_service_linked()) {
                            ok(node(&role.arn), true, true);
                        }
                    }
                    Precondition::OtherVersions => {
                        for p in account
                            .policies
                            .iter()
                            .filter(|p| !p.is_aws_managed() && p.versions.len() > 1)
                        {
                            ok(node(&p.arn), true, false);
                        }
                    }
                    Precondition::TrustsService(service)
                    | Precondition::InInstanceProfile(service) => {
                        let profile =
                            matches!(technique.precondition, Precondition::InInstanceProfile(_));
                        for role in &account.roles {
                            let r = node(&role.arn);
                            if profile && !in_instance_profile(account, role) {
                                continue;
                            }
                            if let Some([may, must]) = trusts.get(&(r, service)) {
                                ok(r, *may, *must);
                            }
                        }
                    }
                }
            }
        }
    }

    /// The symbolic context of a caller the model holds no entity for (an account's root, a
    /// service) asking a resource of `owner`.
    fn outside_context(&self, caller: &Caller, owner: &str, stance: Stance) -> Context {
        let mut ctx = Context::new();
        for (key, value) in caller.context_keys() {
            ctx.insert(key, ContextValue::Single(value));
        }
        add_resource_keys(self.world, &mut ctx, owner);
        ctx.symbolic(stance, self.organization_known)
    }

    /// Which roles trust which service principals for `sts:AssumeRole`, in each stance.
    fn trusted_services(&self) -> HashMap<(Id, &'static str), [bool; 2]> {
        let mut out: HashMap<(Id, &'static str), [bool; 2]> = HashMap::new();
        let mut services: Vec<&'static str> = TECHNIQUES
            .iter()
            .filter_map(|t| match t.precondition {
                Precondition::TrustsService(s) | Precondition::InInstanceProfile(s) => Some(s),
                _ => None,
            })
            .collect();
        services.sort_unstable();
        services.dedup();
        for account in &self.world.accounts {
            // Each service's request context in each stance, made once for the account.
            let callers: Vec<(&'static str, Caller, [Context; 2])> = services
                .iter()
                .map(|&service| {
                    let caller = Caller::Service(service.to_string());
                    let contexts = STANCES
                        .map(|(stance, _)| self.outside_context(&caller, &account.id, stance));
                    (service, caller, contexts)
                })
                .collect();
            for role in &account.roles {
                let Some(trust) = &role.trust else { continue };
                let r = self.universe.lookup(&role.arn).expect("inventoried");
                let fields = Fields::split(&role.arn);
                for (service, caller, contexts) in &callers {
                    for ((_, must), ctx) in STANCES.into_iter().zip(contexts) {
                        let view = assume_role_view(caller, fields, ctx);
                        let applies = |effect: Effect| {
                            trust
                                .policy
                                .statements
                                .iter()
                                .any(|s| s.effect == effect && s.applies(&view).is_some())
                        };
                        if applies(Effect::Allow) && !applies(Effect::Deny) {
                            out.entry((r, *service)).or_default()[usize::from(must)] = true;
                        }
                    }
                }
            }
        }
        out
    }
}

/// True if some instance profile of the account holds the role.
fn in_instance_profile(account: &crate::model::Account, role: &Role) -> bool {
    !role.instance_profiles.is_empty()
        || account
            .instance_profiles
            .iter()
            .any(|p| p.roles.iter().any(|r| r == &role.arn || r == &role.name))
}

/// Does the statement's Action element cover the check's action?
fn covers_check(statement: &Statement, check: &Check) -> bool {
    if check.target == TargetKind::Full {
        return !statement.action.negated
            && statement
                .action
                .items
                .iter()
                .any(|a| matches!(a, crate::policy::document::ActionPattern::Any));
    }
    let (service, name) = check.action.split_once(':').expect("service:Action");
    statement.action_matches(service, name)
}

/// What [`Planner::plan`] reads: the documents, the checks, and who holds what.
struct Planner<'c> {
    /// Each holder's context in the two stances (as [`Compiler::principals`]).
    stanced: &'c [[Context; 2]],
    /// The empty context of a statement decided for every holder, in the two stances.
    anyone: [Context; 2],
    documents: &'c [Document],
    checks: &'c [Check],
    holders: &'c [Vec<Id>],
    principals: &'c [Holder],
    holder_index: &'c HashMap<Id, usize>,
    known: bool,
    pass_role: &'c pass_role::PassRole,
}

impl Planner<'_> {
    /// What document `pol`'s statements decide without their scopes: the checks each
    /// covers, and, for every holder (or [`ANY`]), those its Condition applies to in each
    /// stance. Statements that cover no check are left out.
    fn plan(&self, pol: usize) -> Vec<Planned> {
        let known = self.known;
        let document = &self.documents[pol];
        let mut plans = Vec::new();
        let empty = Context::new();
        for (index, statement) in document.policy.statements.iter().enumerate() {
            let checks: Vec<CheckId> = (0..self.checks.len() as CheckId)
                .filter(|&c| covers_check(statement, &self.checks[c as usize]))
                .collect();
            if checks.is_empty() {
                continue;
            }
            let per_principal = statement.condition.keys().any(reads_principal)
                || statement.resource_has_variables();
            let holders: Vec<Id> = match per_principal {
                true => self.holders[pol].clone(),
                false => vec![ANY],
            };
            let (rest, by_owner) = split_condition(statement);
            // Only sts:AssumeRole reaches another account's targets (§7); for the other
            // checks, scopes outside the holders' accounts can never be a candidate.
            let cross = checks
                .iter()
                .any(|&c| self.checks[c as usize] == techniques::ASSUME);
            // The condition in each stance depends on the check only through the service
            // it passes a role to, and only if it reads that key: decided once per such
            // service, or once for all.
            let reads_passed_to = rest.keys().any(|k| k == "iam:passedtoservice")
                || rest
                    .clauses
                    .iter()
                    .flat_map(|c| &c.values)
                    .any(reads_variables);
            let mut decided_holders = Vec::with_capacity(holders.len());
            let mut per_service = Vec::new();
            for holder in holders {
                let (context, stanced) = match holder {
                    ANY => (&empty, &self.anyone),
                    _ => {
                        let h = self.holder_index[&holder];
                        (&self.principals[h].context, &self.stanced[h])
                    }
                };
                let mut applies = Vec::new();
                let mut decided: Vec<(Option<&str>, [bool; 2])> = Vec::new();
                for &c in &checks {
                    let passed_to = match reads_passed_to {
                        true => self.checks[c as usize].passed_to,
                        false => None,
                    };
                    let holds = match decided.iter().find(|(p, _)| *p == passed_to) {
                        Some(&(_, holds)) => holds,
                        None => {
                            let holds = match passed_to {
                                _ if rest.clauses.is_empty() => [true; 2],
                                None => stanced
                                    .each_ref()
                                    .map(|ctx| rest.holds_in(ctx, statement.effect)),
                                Some(service) => STANCES.map(|(stance, _)| {
                                    let mut ctx = context.clone();
                                    ctx.insert(
                                        "iam:PassedToService",
                                        ContextValue::Single(service.into()),
                                    );
                                    let ctx = ctx.symbolic(stance, known);
                                    rest.holds_in(&ctx, statement.effect)
                                }),
                            };
                            decided.push((passed_to, holds));
                            holds
                        }
                    };
                    for ((_, must), holds) in STANCES.into_iter().zip(holds) {
                        if holds {
                            applies.push((c, must));
                        }
                    }
                }
                if self.pass_role.fold(&mut applies) {
                    per_service.push(holder);
                }
                decided_holders.push((holder, applies));
            }
            plans.push(Planned {
                index,
                per_principal,
                cross,
                by_owner,
                holders: decided_holders,
                per_service,
            });
        }
        plans
    }
}

/// A statement of a document as [`Planner::plan`] decides it, before its scopes.
struct Planned {
    /// The statement's index in its document.
    index: usize,
    /// Decided per principal that holds it (else once, for [`ANY`]).
    per_principal: bool,
    /// One of its checks reaches roles of other accounts (`sts:AssumeRole`).
    cross: bool,
    /// The clauses on the target's account, decided per scope.
    by_owner: Option<crate::policy::condition::Condition>,
    /// Each holder (or [`ANY`]) and the checks the Condition applies to, with the stance
    /// (with [`pass_role::PassRole::any`] where it applies to every service alike).
    holders: Vec<(Id, Vec<(CheckId, bool)>)>,
    /// The holders (or [`ANY`], every holder) for whom it tells `iam:PassRole`'s services
    /// apart.
    per_service: Vec<Id>,
}

/// What one statement decided per principal gives one holder: the checks it applies to and
/// the scopes it covers, each with its stance. Holders with the same outcome form a class.
#[derive(Default, PartialEq, Eq, Hash)]
struct Outcome {
    applies: Vec<(CheckId, bool)>,
    on: Vec<(Id, bool)>,
}

impl Outcome {
    /// Stores the outcome as statement `s`'s facts for `holder` (a holder class, or [`ANY`]).
    fn store(&self, s: Stmt, holder: Id, facts: &mut Facts) {
        let applies = self.applies.iter().map(|&(c, must)| (s, c, holder, must));
        facts.applies.extend(applies);
        let on = self.on.iter().map(|&(x, must)| (s, holder, x, must));
        facts.on.extend(on);
    }
}

fn split_condition(
    statement: &Statement,
) -> (
    crate::policy::condition::Condition,
    Option<crate::policy::condition::Condition>,
) {
    use crate::policy::condition::Condition;
    let (owner, rest): (Vec<_>, Vec<_>) = statement
        .condition
        .clauses
        .iter()
        .cloned()
        .partition(|c| reads_resource_account(&c.key_lower));
    let owner = (!owner.is_empty()).then_some(Condition { clauses: owner });
    (Condition { clauses: rest }, owner)
}

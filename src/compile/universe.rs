//! The interned universe: every principal, target, scope and source node gets a small id, so
//! that facts are `Copy` tuples of `u32`.

use super::techniques::TargetKind;
use std::collections::HashMap;

/// An interned node: a principal, a target, a scope, a source of outside access, or a hub.
pub type Id = u32;

/// Stands for "every holder" in facts that may be specific to one principal.
pub const ANY: Id = u32::MAX;

/// What a node is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeKind {
    /// An IAM user.
    User,
    /// An IAM role (and its sessions).
    Role,
    /// An IAM group.
    Group,
    /// A customer managed policy.
    Policy,
    /// The targets of one kind in one account.
    Class(TargetKind),
    /// The targets of a class but a few (a NotResource element).
    ClassBut,
    /// The targets of one kind in every account.
    KindScope(TargetKind),
    /// Every resource (`"Resource": "*"`).
    AnyScope,
    /// "Some resource" of any account, for auxiliary actions.
    AuxScope,
    /// Principals of an account outside the input.
    ExternalAccount,
    /// Everyone (`"Principal": "*"`).
    Public,
    /// The users of a SAML or OIDC provider.
    Federated,
    /// An AWS service principal.
    Service,
}

impl NodeKind {
    /// The kind of target an IAM object is (users, groups, roles, customer managed
    /// policies); `None` for every other node.
    pub fn object(&self) -> Option<TargetKind> {
        match self {
            NodeKind::User => Some(TargetKind::User),
            NodeKind::Group => Some(TargetKind::Group),
            NodeKind::Role => Some(TargetKind::Role),
            NodeKind::Policy => Some(TargetKind::Policy),
            _ => None,
        }
    }
}

/// One interned node.
#[derive(Debug, Clone)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Its ARN, or a readable name for scopes and sources.
    pub name: String,
    /// Index of its account in [`Universe::accounts`], if it has one.
    pub account: Option<u32>,
}

/// The interned nodes and accounts.
#[derive(Debug, Clone, Default)]
pub struct Universe {
    /// Nodes by id.
    pub nodes: Vec<Node>,
    /// Account IDs by index; the accounts of the input come first.
    pub accounts: Vec<String>,
    /// How many of [`Universe::accounts`] are in the input.
    pub modelled_accounts: usize,
    by_name: HashMap<String, Id>,
    account_index: HashMap<String, u32>,
}

impl Universe {
    /// Interns a node by name; the first kind and account given stay.
    pub fn intern(&mut self, kind: NodeKind, name: &str, account: Option<u32>) -> Id {
        if let Some(&id) = self.by_name.get(name) {
            return id;
        }
        let id = self.nodes.len() as Id;
        self.nodes.push(Node {
            kind,
            name: name.to_string(),
            account,
        });
        self.by_name.insert(name.to_string(), id);
        id
    }

    /// The node named `name` (an ARN for principals and targets).
    pub fn lookup(&self, name: &str) -> Option<Id> {
        self.by_name.get(name).copied()
    }

    /// The index of an account, interned on first use.
    pub fn account(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.account_index.get(id) {
            return i;
        }
        let i = self.accounts.len() as u32;
        self.accounts.push(id.to_string());
        self.account_index.insert(id.to_string(), i);
        i
    }

    /// The index of a known account.
    pub fn account_of(&self, id: &str) -> Option<u32> {
        self.account_index.get(id).copied()
    }

    /// The node with this id.
    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id as usize]
    }

    /// The node's name (its ARN for principals and targets).
    pub fn name(&self, id: Id) -> &str {
        &self.nodes[id as usize].name
    }

    /// The account ID of a node, if it has one.
    pub fn account_id(&self, id: Id) -> Option<&str> {
        self.nodes[id as usize]
            .account
            .map(|a| self.accounts[a as usize].as_str())
    }

    /// True for users and roles, the principals the analysis decides for.
    pub fn is_principal(&self, id: Id) -> bool {
        matches!(self.node(id).kind, NodeKind::User | NodeKind::Role)
    }

    /// The name of the class scope of `kind` in account `account`.
    pub fn class_name(&self, kind: TargetKind, account: u32) -> String {
        format!("{kind:?} of {}", self.accounts[account as usize])
    }
}

//! What the model knows about one request: the policies in force for the caller and the
//! resource, and the context keys AWS would fill in (spec §3 "Context iamlog supplies", §5).

use super::organizations::RCP_FULL_AWS_ACCESS_ID;
use super::unknown::{group_condition, policy_condition, unknown_policy};
use super::{Account, Document, Organization, World};
use crate::policy::arn::Arn;
use crate::policy::{Caller, Context, ContextValue, Policy, PolicyKind, PolicySet};
use std::sync::Arc;

/// The policies and context of one request, drawn from the model.
#[derive(Debug, Clone)]
pub struct PrincipalView {
    /// The policies AWS evaluates.
    pub policies: PolicySet,
    /// Which document each evaluated policy came from, per [`crate::policy::Source`] order:
    /// identity policies, then the boundary, then the resource policy.
    pub identity_documents: Vec<Document>,
    /// The boundary document, if any.
    pub boundary_document: Option<Document>,
    /// The resource policy document, if any.
    pub resource_document: Option<Document>,
    /// The SCP documents of each level of the caller's chain (as `policies.scps`).
    pub scp_documents: Vec<Vec<Document>>,
    /// The RCP documents of each level of the resource's chain (as `policies.rcps`).
    pub rcp_documents: Vec<Vec<Document>>,
    /// Context keys the principal and resource supply.
    pub context: Context,
    /// Why the answer may be incomplete (a policy the input does not hold, a group that is
    /// missing). Empty when the model is complete for this request.
    pub incomplete: Vec<String>,
    /// The conditions of the stand-ins for identity policies, groups and boundaries the input
    /// lacks ([`super::unknown`]): each is taken to allow anything when its condition holds.
    pub assumed: Vec<String>,
}

/// The resource's half of a request ([`World::resource_side`]): the same for every caller.
#[derive(Debug, Clone, Default)]
pub struct ResourceSide {
    /// The resource's policy (the role's trust policy for `sts:AssumeRole*`).
    pub document: Option<Document>,
    /// The RCP documents of each level of the owner's chain.
    pub rcp_documents: Vec<Vec<Document>>,
    /// The policies of `rcp_documents`, as [`PolicySet::rcps`].
    pub rcps: Vec<Vec<Arc<Policy>>>,
    /// The keys the resource supplies (`aws:ResourceAccount`, `aws:ResourceOrgID`).
    pub keys: Vec<(&'static str, String)>,
    /// Why an answer about the resource may be incomplete.
    pub incomplete: Vec<String>,
}

impl ResourceSide {
    /// The account that owns the resource, as the model found it (from the ARN, or for an S3
    /// ARN from the bucket's policy): the `aws:ResourceAccount` it supplies.
    pub fn owner(&self) -> Option<&str> {
        self.keys
            .iter()
            .find(|(key, _)| *key == "aws:ResourceAccount")
            .map(|(_, owner)| owner.as_str())
    }

    /// Completes a caller's view with this side.
    pub fn add_to(self, view: &mut PrincipalView) {
        view.incomplete.extend(self.incomplete);
        if let Some(d) = self.document {
            view.policies.resource = Some(d.policy.clone());
            view.resource_document = Some(d);
        }
        for (key, value) in self.keys {
            view.context.insert(key, ContextValue::Single(value));
        }
        view.rcp_documents = self.rcp_documents;
        view.policies.rcps = self.rcps;
    }
}

impl World {
    /// Collects what AWS evaluates when `caller` calls `action` on `resource`.
    pub fn view(
        &self,
        caller: &Caller,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
    ) -> PrincipalView {
        let mut view = self.caller_view(caller);
        self.add_resource_side(&mut view, action, resource, resource_account);
        view
    }

    /// The caller's half of [`World::view`]: its identity policies, boundary, SCPs and the
    /// keys it supplies, the same for every request it makes. [`World::add_resource_side`]
    /// completes it for one request.
    pub fn caller_view(&self, caller: &Caller) -> PrincipalView {
        let mut view = PrincipalView {
            policies: PolicySet::default(),
            identity_documents: Vec::new(),
            boundary_document: None,
            resource_document: None,
            scp_documents: Vec::new(),
            rcp_documents: Vec::new(),
            context: Context::new(),
            incomplete: Vec::new(),
            assumed: Vec::new(),
        };
        self.caller_side(caller, &mut view);
        view
    }

    /// Completes a [`World::caller_view`] for `action` on `resource`: the resource's policy
    /// (the trust policy for `sts:AssumeRole*`), its owner's keys and RCPs.
    pub fn add_resource_side(
        &self,
        view: &mut PrincipalView,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
    ) {
        self.resource_side(action, resource, resource_account)
            .add_to(view);
    }

    /// The resource's half of [`World::view`], the same for every caller: its policy (the
    /// trust policy for `sts:AssumeRole*`), its owner's keys and RCPs.
    pub fn resource_side(
        &self,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
    ) -> ResourceSide {
        let owner = resource_account
            .map(str::to_string)
            .or_else(|| {
                Arn::parse(resource)
                    .map(|a| a.account.to_string())
                    .filter(|a| !a.is_empty())
            })
            .or_else(|| self.resource_policy(resource).map(|r| r.account.clone()));
        let mut side = ResourceSide::default();
        let trust = action
            .as_bytes()
            .get(..b"sts:assumerole".len())
            .is_some_and(|p| p.eq_ignore_ascii_case(b"sts:assumerole"));
        side.document = if trust {
            let role = self.role_by_arn(resource);
            if role.is_none() && owner.as_deref().is_some_and(|o| self.account(o).is_some()) {
                side.incomplete
                    .push(format!("role {resource} is not in the input"));
            }
            role.and_then(|r| r.trust.clone())
        } else {
            self.resource_policy(resource).map(|r| r.document.clone())
        };
        let Some(owner) = owner else { return side };
        if let Some(org) = &self.organization {
            if org.account_parents.contains_key(&owner) || org.management_account == owner {
                side.keys.push(("aws:ResourceOrgID", org.id.clone()));
            }
            side.rcp_documents = org.chain(&owner, true);
            side.rcps = policies_of(&side.rcp_documents);
        }
        side.keys.push(("aws:ResourceAccount", owner));
        side
    }

    fn caller_side(&self, caller: &Caller, view: &mut PrincipalView) {
        let Some(account_id) = caller.account() else {
            return;
        };
        let account = self.account(account_id);
        if let Some(org) = &self.organization {
            if org.account_parents.contains_key(account_id) || org.management_account == account_id
            {
                view.context
                    .insert("aws:PrincipalOrgID", ContextValue::Single(org.id.clone()));
                view.context.insert(
                    "aws:PrincipalOrgPaths",
                    ContextValue::Multi(vec![org.path_of(account_id)]),
                );
            }
            view.scp_documents = org.chain(account_id, false);
            view.policies.scps = policies_of(&view.scp_documents);
        }
        let Some(account) = account else {
            view.incomplete.push(format!(
                "account {account_id} is not in the input: its identity policies are unknown, taken to allow anything (conditional)"
            ));
            if let Some(arn) = identity_arn(caller) {
                let condition =
                    format!("the identity policies of {arn} (account not in the input) allow it");
                unknown_identity(&arn, condition, view);
            }
            return;
        };
        match caller {
            Caller::User { arn, .. } => self.user_side(account, arn, view),
            Caller::Role { name, .. } => self.role_side(account, name, view),
            Caller::FederatedUser { .. } => view.incomplete.push(
                "the IAM user behind a federated-user session is not known from its ARN".into(),
            ),
            _ => {}
        }
    }

    fn user_side(&self, account: &Account, arn: &str, view: &mut PrincipalView) {
        let Some(user) = self.user(account, arn) else {
            view.incomplete.push(format!(
                "{arn} is not in the input: its identity policies are unknown, taken to allow anything (conditional)"
            ));
            let condition = format!("the identity policies of {arn} (not in the input) allow it");
            unknown_identity(arn, condition, view);
            return;
        };
        let mut documents: Vec<Document> = user.inline.iter().map(|p| p.document.clone()).collect();
        documents.extend(self.attached(&user.attached, &user.arn, view));
        for name in &user.groups {
            match account.groups.iter().find(|g| &g.name == name) {
                Some(g) => {
                    documents.extend(g.inline.iter().map(|p| p.document.clone()));
                    documents.extend(self.attached(&g.attached, &g.arn, view));
                }
                None => {
                    view.incomplete.push(format!(
                        "group {name} is not in the input: its policies are taken to allow anything (conditional)"
                    ));
                    let condition = group_condition(name, &user.arn);
                    let name = format!("group {name} of {}", user.arn);
                    documents.push(unknown_policy(&name, &condition, PolicyKind::Identity));
                    view.assumed.push(condition);
                }
            }
        }
        self.set_identity(documents, user.boundary.as_deref(), &user.arn, view);
        view.context
            .insert("aws:username", ContextValue::Single(user.name.clone()));
        if let Some(id) = &user.id {
            view.context
                .insert("aws:userid", ContextValue::Single(id.clone()));
        }
        view.context
            .insert("aws:PrincipalArn", ContextValue::Single(user.arn.clone()));
        for (k, v) in &user.tags {
            view.context.insert(
                &format!("aws:PrincipalTag/{k}"),
                ContextValue::Single(v.clone()),
            );
        }
    }

    fn role_side(&self, account: &Account, name: &str, view: &mut PrincipalView) {
        let Some(role) = self.role(account, name) else {
            view.incomplete.push(format!(
                "role {name} of {} is not in the input: its identity policies are unknown, taken to allow anything (conditional)",
                account.id
            ));
            let arn = format!("arn:aws:iam::{}:role/{name}", account.id);
            let condition = format!("the identity policies of {arn} (not in the input) allow it");
            unknown_identity(&arn, condition, view);
            return;
        };
        let mut documents: Vec<Document> = role.inline.iter().map(|p| p.document.clone()).collect();
        documents.extend(self.attached(&role.attached, &role.arn, view));
        self.set_identity(documents, role.boundary.as_deref(), &role.arn, view);
        // Service-linked roles are exempt from SCPs (spec §5); the model knows the path even
        // when the caller is a session, whose ARN does not carry it.
        if role.is_service_linked() {
            view.scp_documents.clear();
            view.policies.scps.clear();
        }
        view.context
            .insert("aws:PrincipalArn", ContextValue::Single(role.arn.clone()));
        for (k, v) in &role.tags {
            view.context.insert(
                &format!("aws:PrincipalTag/{k}"),
                ContextValue::Single(v.clone()),
            );
        }
    }

    /// The default versions of the managed policies attached to `holder`; a missing one makes
    /// the view incomplete, and stands in as a policy that may allow anything.
    fn attached(&self, arns: &[String], holder: &str, view: &mut PrincipalView) -> Vec<Document> {
        let mut out = Vec::new();
        for arn in arns {
            match self.managed_policy(arn).and_then(|p| p.default_version()) {
                Some(v) => out.push(v.document.clone()),
                None => {
                    view.incomplete.push(format!(
                        "{arn} (attached to {holder}) is not in the input: taken to allow anything (conditional)"
                    ));
                    let condition = policy_condition(arn, holder, false);
                    out.push(unknown_policy(arn, &condition, PolicyKind::Identity));
                    view.assumed.push(condition);
                }
            }
        }
        out
    }

    fn set_identity(
        &self,
        documents: Vec<Document>,
        boundary: Option<&str>,
        holder: &str,
        view: &mut PrincipalView,
    ) {
        view.policies.identity = documents.iter().map(|d| d.policy.clone()).collect();
        view.identity_documents = documents;
        if let Some(arn) = boundary {
            let document = match self.managed_policy(arn).and_then(|p| p.default_version()) {
                Some(v) => v.document.clone(),
                None => {
                    // Read toward access: the boundary may allow anything (it cannot be
                    // shown to restrict), never certainly.
                    view.incomplete.push(format!(
                        "boundary {arn} (of {holder}) is not in the input: taken to allow anything (conditional)"
                    ));
                    let condition = policy_condition(arn, holder, true);
                    view.assumed.push(condition.clone());
                    unknown_policy(arn, &condition, PolicyKind::Boundary)
                }
            };
            view.policies.boundaries = vec![document.policy.clone()];
            view.boundary_document = Some(document);
        }
    }
}

impl Organization {
    /// The policy chain [root, OUs..., account] of an account; empty for the management
    /// account and for accounts outside the organisation (spec §5 "Where guardrails apply").
    ///
    /// Every RCP level ends with AWS's `RCPFullAWSAccess`, which AWS attaches everywhere and
    /// never detaches; when the input lists it for that level, the listed copy is used instead.
    pub fn chain(&self, account: &str, rcp: bool) -> Vec<Vec<Document>> {
        let enabled = if rcp {
            self.rcps_enabled
        } else {
            self.scps_enabled
        };
        if !enabled
            || account == self.management_account
            || !self.account_parents.contains_key(account)
        {
            return Vec::new();
        }
        let policies = if rcp { &self.rcps } else { &self.scps };
        let mut targets = self.ancestors(account);
        targets.push(account.to_string());
        targets
            .iter()
            .map(|t| {
                let attached: Vec<_> = policies.iter().filter(|p| p.targets.contains(t)).collect();
                let mut level: Vec<_> = attached.iter().map(|p| p.document.clone()).collect();
                if rcp && !attached.iter().any(|p| p.id == RCP_FULL_AWS_ACCESS_ID) {
                    level.push(Document {
                        policy: std::sync::Arc::new(crate::simulate::rcp_full_aws_access()),
                        origin: super::Origin::builtin(""),
                    });
                }
                level
            })
            .collect()
    }

    /// `aws:PrincipalOrgPaths` of an account: `o-id/r-root/ou-a/ou-b/`.
    pub fn path_of(&self, account: &str) -> String {
        let mut path = format!("{}/", self.id);
        for id in self.ancestors(account) {
            path.push_str(&id);
            path.push('/');
        }
        path
    }

    /// The IDs of an account's parents, root first. A loop in the parents (which loaders
    /// reject) ends the walk.
    fn ancestors(&self, account: &str) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        let mut parent = self.account_parents.get(account).cloned();
        while let Some(id) = parent {
            if ids.contains(&id) {
                break;
            }
            parent = self
                .units
                .iter()
                .find(|u| u.id == id)
                .and_then(|u| u.parent.clone());
            ids.push(id);
        }
        ids.reverse();
        ids
    }
}

/// The IAM user or role ARN behind a caller whose identity policies the input lacks (a role
/// session stands for its role).
fn identity_arn(caller: &Caller) -> Option<String> {
    match caller {
        Caller::User { arn, .. } => Some(arn.clone()),
        Caller::Role { account, name, .. } => Some(format!("arn:aws:iam::{account}:role/{name}")),
        _ => None,
    }
}

/// The identity side of a caller the input does not hold: one stand-in policy that may allow
/// anything.
fn unknown_identity(arn: &str, condition: String, view: &mut PrincipalView) {
    let document = unknown_policy(arn, &condition, PolicyKind::Identity);
    view.policies.identity = vec![document.policy.clone()];
    view.identity_documents = vec![document];
    view.assumed.push(condition);
}

fn policies_of(chain: &[Vec<Document>]) -> Vec<Vec<Arc<Policy>>> {
    chain
        .iter()
        .map(|level| level.iter().map(|d| d.policy.clone()).collect())
        .collect()
}

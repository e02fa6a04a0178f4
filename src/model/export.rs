//! The model as JSON again: each account as `get-account-authorization-details` output, the
//! resource policies as a resource-policy file, the organisation as the organisation file of
//! AWS Organizations outputs. `iamlog fmt --to json` prints these; loading them gives the same
//! model back (what the JSON cannot hold: credential state, which comes from the credential
//! report).
//!
//! Documents are printed as the JSON they were read from (decoded), so nothing is normalised
//! away: for the text language that is the JSON its constructs mean.

use super::{Account, Document, Organization, World};
use crate::managed::ManagedPolicies;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{json, Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;

/// Turns a world back into JSON, reading each source file's JSON once.
pub struct Exporter<'w> {
    world: &'w World,
    parsed: RefCell<HashMap<usize, Option<Value>>>,
}

impl<'w> Exporter<'w> {
    /// An exporter over `world`.
    pub fn new(world: &'w World) -> Exporter<'w> {
        Exporter {
            world,
            parsed: RefCell::new(HashMap::new()),
        }
    }

    /// The JSON a document was read from: for the text language, the JSON it means; for JSON
    /// sources, the value at its pointer (decoded when the source held it as a string); for
    /// bundled AWS managed policies, the bundled document. `None` if it cannot be recovered.
    pub fn document(&self, document: &Document) -> Option<Value> {
        let origin = &document.origin;
        if let Some(text) = &origin.text {
            if let Some(json) = &text.json {
                return Some(json.clone());
            }
        }
        let Some(file) = origin.file else {
            return ManagedPolicies::bundled()
                .get(&origin.pointer)
                .map(|p| p.document());
        };
        let mut parsed = self.parsed.borrow_mut();
        let value = parsed
            .entry(file)
            .or_insert_with(|| {
                let source = self.world.sources.get(file)?;
                serde_json::from_str::<Value>(&source.text).ok()
            })
            .as_ref()?
            .pointer(&origin.pointer)?;
        match value {
            Value::String(s) => decode_string_document(s),
            other => Some(other.clone()),
        }
    }

    fn document_or_null(&self, document: &Document) -> Value {
        self.document(document).unwrap_or(Value::Null)
    }

    /// One account as `get-account-authorization-details` output. AWS managed policies that
    /// came from the bundled set (not from the input) are left out: a loader resolves them
    /// again.
    pub fn account(&self, account: &Account) -> Value {
        let users: Vec<Value> = account
            .users
            .iter()
            .map(|u| {
                let mut o = Map::new();
                o.insert("Path".into(), json!(u.path));
                o.insert("UserName".into(), json!(u.name));
                if let Some(id) = &u.id {
                    o.insert("UserId".into(), json!(id));
                }
                o.insert("Arn".into(), json!(u.arn));
                o.insert("GroupList".into(), json!(u.groups));
                o.insert("UserPolicyList".into(), self.inline(&u.inline));
                o.insert("AttachedManagedPolicies".into(), attached(&u.attached));
                if let Some(b) = &u.boundary {
                    o.insert("PermissionsBoundary".into(), boundary(b));
                }
                o.insert("Tags".into(), tags(&u.tags));
                Value::Object(o)
            })
            .collect();
        let groups: Vec<Value> = account
            .groups
            .iter()
            .map(|g| {
                let mut o = Map::new();
                o.insert("Path".into(), json!(g.path));
                o.insert("GroupName".into(), json!(g.name));
                if let Some(id) = &g.id {
                    o.insert("GroupId".into(), json!(id));
                }
                o.insert("Arn".into(), json!(g.arn));
                o.insert("GroupPolicyList".into(), self.inline(&g.inline));
                o.insert("AttachedManagedPolicies".into(), attached(&g.attached));
                Value::Object(o)
            })
            .collect();
        let roles: Vec<Value> = account
            .roles
            .iter()
            .map(|r| {
                let mut o = Map::new();
                o.insert("Path".into(), json!(r.path));
                o.insert("RoleName".into(), json!(r.name));
                if let Some(id) = &r.id {
                    o.insert("RoleId".into(), json!(id));
                }
                o.insert("Arn".into(), json!(r.arn));
                if let Some(t) = &r.trust {
                    o.insert("AssumeRolePolicyDocument".into(), self.document_or_null(t));
                }
                let profiles: Vec<Value> = r
                    .instance_profiles
                    .iter()
                    .filter_map(|arn| account.instance_profiles.iter().find(|p| &p.arn == arn))
                    .map(|p| {
                        let roles: Vec<Value> = p
                            .roles
                            .iter()
                            .map(|arn| {
                                let role = account.roles.iter().find(|x| &x.arn == arn);
                                json!({
                                    "Path": role.map_or("/", |x| x.path.as_str()),
                                    "RoleName": role.map_or_else(|| last_segment(arn), |x| x.name.as_str()),
                                    "Arn": arn,
                                })
                            })
                            .collect();
                        json!({
                            "Path": p.path,
                            "InstanceProfileName": p.name,
                            "Arn": p.arn,
                            "Roles": roles,
                        })
                    })
                    .collect();
                o.insert("InstanceProfileList".into(), Value::Array(profiles));
                o.insert("RolePolicyList".into(), self.inline(&r.inline));
                o.insert("AttachedManagedPolicies".into(), attached(&r.attached));
                if let Some(b) = &r.boundary {
                    o.insert("PermissionsBoundary".into(), boundary(b));
                }
                o.insert("Tags".into(), tags(&r.tags));
                if let Some(date) = &r.last_used {
                    o.insert("RoleLastUsed".into(), json!({ "LastUsedDate": date }));
                }
                Value::Object(o)
            })
            .collect();
        let policies: Vec<Value> = account
            .policies
            .iter()
            .filter(|p| !(p.is_aws_managed() && p.origin.file.is_none()))
            .map(|p| {
                let versions: Vec<Value> = p
                    .versions
                    .iter()
                    .map(|v| {
                        json!({
                            "Document": self.document_or_null(&v.document),
                            "VersionId": v.id,
                            "IsDefaultVersion": v.is_default,
                        })
                    })
                    .collect();
                let mut o = Map::new();
                o.insert("PolicyName".into(), json!(p.name));
                o.insert("Arn".into(), json!(p.arn));
                o.insert("Path".into(), json!(p.path));
                if let Some(v) = p.default_version() {
                    o.insert("DefaultVersionId".into(), json!(v.id));
                }
                o.insert("PolicyVersionList".into(), Value::Array(versions));
                Value::Object(o)
            })
            .collect();
        json!({
            "UserDetailList": users,
            "GroupDetailList": groups,
            "RoleDetailList": roles,
            "Policies": policies,
        })
    }

    fn inline(&self, policies: &[super::InlinePolicy]) -> Value {
        Value::Array(
            policies
                .iter()
                .map(|p| {
                    json!({
                        "PolicyName": p.name,
                        "PolicyDocument": self.document_or_null(&p.document),
                    })
                })
                .collect(),
        )
    }

    /// The resource policies as a resource-policy file (`{"ResourcePolicies": [...]}`), or
    /// `None` if there are none.
    pub fn resource_policies(&self) -> Option<Value> {
        if self.world.resource_policies.is_empty() {
            return None;
        }
        let items: Vec<Value> = self
            .world
            .resource_policies
            .iter()
            .map(|r| {
                json!({
                    "Arn": r.arn,
                    "Account": r.account,
                    "Policy": self.document_or_null(&r.document),
                })
            })
            .collect();
        Some(json!({ "ResourcePolicies": items }))
    }

    /// The organisation as the organisation file iamlog reads (see
    /// [`super::organizations`]): the outputs of `describe-organization`, `list-roots`,
    /// `list-organizational-units-for-parent` and `list-accounts-for-parent` for every parent,
    /// and `describe-policy` with `list-targets-for-policy` for every SCP and RCP, with
    /// decoded `Content`.
    pub fn organization(&self) -> Option<Value> {
        let org = self.world.organization.as_ref()?;
        Some(self.organization_json(org))
    }

    fn organization_json(&self, org: &Organization) -> Value {
        let mut types = Vec::new();
        if org.scps_enabled {
            types.push(json!({"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}));
        }
        if org.rcps_enabled {
            types.push(json!({"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"}));
        }
        let roots: Vec<Value> = org
            .units
            .iter()
            .filter(|u| u.parent.is_none())
            .map(|u| json!({"Id": u.id, "Name": u.name, "PolicyTypes": types}))
            .collect();
        let units_of: Vec<Value> = org
            .units
            .iter()
            .map(|parent| {
                let children: Vec<Value> = org
                    .units
                    .iter()
                    .filter(|u| u.parent.as_deref() == Some(parent.id.as_str()))
                    .map(|u| json!({"Id": u.id, "Name": u.name}))
                    .collect();
                json!({"ParentId": parent.id, "OrganizationalUnits": children})
            })
            .collect();
        let accounts_of: Vec<Value> =
            org.units
                .iter()
                .map(|parent| {
                    let mut ids: Vec<&String> = org
                        .account_parents
                        .iter()
                        .filter(|(_, p)| **p == parent.id)
                        .map(|(a, _)| a)
                        .collect();
                    ids.sort();
                    let accounts: Vec<Value> =
                        ids.into_iter()
                            .map(|id| {
                                let mut o = Map::new();
                                o.insert("Id".into(), json!(id));
                                let name = org.account_names.get(id).or_else(|| {
                                    self.world.account(id).and_then(|a| a.name.as_ref())
                                });
                                if let Some(name) = name {
                                    o.insert("Name".into(), json!(name));
                                }
                                Value::Object(o)
                            })
                            .collect();
                    json!({"ParentId": parent.id, "Accounts": accounts})
                })
                .collect();
        let target_type = |id: &str| {
            if org.units.iter().any(|u| u.id == id && u.parent.is_none()) {
                "ROOT"
            } else if org.units.iter().any(|u| u.id == id) {
                "ORGANIZATIONAL_UNIT"
            } else {
                "ACCOUNT"
            }
        };
        let policies: Vec<Value> = [
            ("SERVICE_CONTROL_POLICY", &org.scps),
            ("RESOURCE_CONTROL_POLICY", &org.rcps),
        ]
        .into_iter()
        .flat_map(|(kind, list)| list.iter().map(move |p| (kind, p)))
        .map(|(kind, p)| {
            let targets: Vec<Value> = p
                .targets
                .iter()
                .map(|t| json!({"TargetId": t, "Type": target_type(t)}))
                .collect();
            let aws_managed = p.id == super::organizations::FULL_AWS_ACCESS_ID
                || p.id == super::organizations::RCP_FULL_AWS_ACCESS_ID;
            json!({
                "Policy": {
                    "PolicySummary": {
                        "Id": p.id,
                        "Name": p.name,
                        "Type": kind,
                        "AwsManaged": aws_managed,
                    },
                    "Content": self.document_or_null(&p.document),
                },
                "Targets": targets,
            })
        })
        .collect();
        json!({
            "DescribeOrganization": {
                "Organization": {"Id": org.id, "MasterAccountId": org.management_account},
            },
            "ListRoots": {"Roots": roots},
            "ListOrganizationalUnitsForParent": units_of,
            "ListAccountsForParent": accounts_of,
            "DescribePolicy": policies,
        })
    }
}

/// Decodes a document held as a JSON string or a percent-encoded JSON string.
fn decode_string_document(s: &str) -> Option<Value> {
    let text = if s.trim_start().starts_with('{') {
        s.to_string()
    } else {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .ok()?
            .into_owned()
    };
    serde_json::from_str(&text).ok()
}

fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn attached(arns: &[String]) -> Value {
    Value::Array(
        arns.iter()
            .map(|arn| json!({"PolicyName": last_segment(arn), "PolicyArn": arn}))
            .collect(),
    )
}

fn boundary(arn: &str) -> Value {
    json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn})
}

fn tags(tags: &[(String, String)]) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

/// Keys in the order AWS prints them: policy grammar first, then the output envelopes. Keys
/// not listed (condition operators and keys, ...) follow in alphabetical order.
const KEY_ORDER: &[&str] = &[
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "UserDetailList",
    "GroupDetailList",
    "RoleDetailList",
    "Policies",
    "ResourcePolicies",
    "DescribeOrganization",
    "ListRoots",
    "ListOrganizationalUnitsForParent",
    "ListAccountsForParent",
    "DescribePolicy",
    "ParentId",
    "Organization",
    "Roots",
    "OrganizationalUnits",
    "Accounts",
    "PolicySummary",
    "Path",
    "UserName",
    "GroupName",
    "RoleName",
    "PolicyName",
    "InstanceProfileName",
    "UserId",
    "GroupId",
    "RoleId",
    "Name",
    "Type",
    "Arn",
    "Account",
    "MasterAccountId",
    "PolicyTypes",
    "Status",
    "AwsManaged",
    "DefaultVersionId",
    "AssumeRolePolicyDocument",
    "InstanceProfileList",
    "Roles",
    "GroupList",
    "UserPolicyList",
    "GroupPolicyList",
    "RolePolicyList",
    "PolicyDocument",
    "AttachedManagedPolicies",
    "PolicyArn",
    "PermissionsBoundary",
    "PermissionsBoundaryType",
    "PermissionsBoundaryArn",
    "Tags",
    "Key",
    "Value",
    "RoleLastUsed",
    "LastUsedDate",
    "PolicyVersionList",
    "Document",
    "VersionId",
    "IsDefaultVersion",
    "Policy",
    "Content",
    "Targets",
    "TargetId",
];

/// A JSON value that serialises its objects' keys in the order AWS prints them (serde_json's
/// maps are sorted alphabetically, which puts `Action` before `Effect`).
pub struct AwsOrder<'a>(pub &'a Value);

impl Serialize for AwsOrder<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                let rank = |k: &str| KEY_ORDER.iter().position(|x| *x == k).unwrap_or(usize::MAX);
                keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
                let mut out = serializer.serialize_map(Some(keys.len()))?;
                for k in keys {
                    out.serialize_entry(k, &AwsOrder(&map[k]))?;
                }
                out.end()
            }
            Value::Array(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&AwsOrder(item))?;
                }
                out.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// Pretty JSON text with keys in AWS's order.
pub fn to_pretty(value: &Value) -> String {
    serde_json::to_string_pretty(&AwsOrder(value)).expect("JSON values serialise")
}

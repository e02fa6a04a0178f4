//! A plain-text summary of a loaded world, for people and for snapshot tests.

use super::{Document, World};
use crate::policy::document::PrincipalElement;
use crate::policy::Effect;
use std::fmt::Write;

impl World {
    /// Every account with its principals, groups, policies and their relations, then the
    /// organisation, resource policies and diagnostics. Deterministic.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for a in &self.accounts {
            let name = a
                .name
                .as_deref()
                .map(|n| format!(" \"{n}\""))
                .unwrap_or_default();
            let _ = writeln!(out, "account {}{name}", a.id);
            for u in &a.users {
                let _ = writeln!(out, "  user {} (path {})", u.name, u.path);
                line(&mut out, "groups", &u.groups);
                line(&mut out, "attached", &u.attached);
                line(&mut out, "inline", &inline(&u.inline));
                line(
                    &mut out,
                    "boundary",
                    &u.boundary.iter().cloned().collect::<Vec<_>>(),
                );
                let tags: Vec<String> = u.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
                line(&mut out, "tags", &tags);
            }
            for g in &a.groups {
                let _ = writeln!(out, "  group {} (path {})", g.name, g.path);
                line(&mut out, "attached", &g.attached);
                line(&mut out, "inline", &inline(&g.inline));
            }
            for r in &a.roles {
                let kind = if r.is_service_linked() {
                    ", service-linked"
                } else {
                    ""
                };
                let _ = writeln!(out, "  role {} (path {}{kind})", r.name, r.path);
                line(
                    &mut out,
                    "trusts",
                    &r.trust.as_ref().map(trusted).unwrap_or_default(),
                );
                line(&mut out, "attached", &r.attached);
                line(&mut out, "inline", &inline(&r.inline));
                line(
                    &mut out,
                    "boundary",
                    &r.boundary.iter().cloned().collect::<Vec<_>>(),
                );
                line(&mut out, "instance profiles", &r.instance_profiles);
            }
            for p in &a.policies {
                let default = p.default_version().map_or("none".to_string(), |v| {
                    format!("{} {}", v.id, shape(&v.document))
                });
                let origin = if p.origin.file.is_none() {
                    ", bundled"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  policy {} (versions {}, default {default}{origin})",
                    p.arn,
                    p.versions.len()
                );
            }
        }
        if let Some(org) = &self.organization {
            let _ = writeln!(
                out,
                "organization {} (management {})",
                org.id, org.management_account
            );
            for u in &org.units {
                let parent = u.parent.as_deref().unwrap_or("-");
                let _ = writeln!(out, "  unit {} \"{}\" under {parent}", u.id, u.name);
            }
            let mut accounts: Vec<_> = org.account_parents.iter().collect();
            accounts.sort();
            for (account, parent) in accounts {
                let _ = writeln!(out, "  account {account} under {parent}");
            }
            for (kind, list) in [("scp", &org.scps), ("rcp", &org.rcps)] {
                for p in list {
                    let targets = p.targets.join(", ");
                    let _ = writeln!(
                        out,
                        "  {kind} {} \"{}\" {} on [{targets}]",
                        p.id,
                        p.name,
                        shape(&p.document)
                    );
                }
            }
        }
        for r in &self.resource_policies {
            let _ = writeln!(
                out,
                "resource policy {} (owner {}) {}",
                r.arn,
                r.account,
                shape(&r.document)
            );
        }
        for d in &self.diagnostics {
            let _ = writeln!(out, "{d}");
        }
        out
    }
}

fn line(out: &mut String, label: &str, items: &[String]) {
    if !items.is_empty() {
        let _ = writeln!(out, "    {label}: {}", items.join(", "));
    }
}

fn inline(policies: &[super::InlinePolicy]) -> Vec<String> {
    policies
        .iter()
        .map(|p| format!("{} {}", p.name, shape(&p.document)))
        .collect()
}

/// `[2 allow, 1 deny]`.
fn shape(d: &Document) -> String {
    let allows = d
        .policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .count();
    let denies = d.policy.statements.len() - allows;
    format!("[{allows} allow, {denies} deny]")
}

/// The principals a trust policy's Allow statements name.
fn trusted(d: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for s in d
        .policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        if let PrincipalElement::Listed(p) = &s.principal {
            let prefix = if p.negated { "not " } else { "" };
            out.extend(p.items.iter().map(|e| format!("{prefix}{e}")));
        }
    }
    out
}

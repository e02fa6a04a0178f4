//! The whole-organisation report of `iamlog analyze`: per principal, and findings ordered by
//! risk (the JSON shape is part of the contract: see README "analyze --format json").

use super::graph::Walk;
use super::{Analysis, CrossAccess, Escalation, Reached, ReachedClass, Steps};
use crate::compile::techniques::NOT_MODELLED;
use crate::compile::universe::{Id, NodeKind};
use serde::Serialize;
use std::fmt::Write;

/// The report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Every user and role, sorted by ARN.
    pub principals: Vec<PrincipalReport>,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// Why the answers may be incomplete.
    pub incomplete: Vec<String>,
    /// Rows of spec §10 the analysis does not derive.
    pub not_modelled: Vec<String>,
}

/// One principal.
#[derive(Debug, Clone, Serialize)]
pub struct PrincipalReport {
    /// Its ARN.
    pub arn: String,
    /// `user` or `role`.
    pub kind: &'static str,
    /// Its account.
    pub account: String,
    /// Allowed every action on every resource (unconditionally, or under conditions).
    pub admin: bool,
    /// True if it is an administrator only under conditions.
    pub admin_conditional: bool,
    /// How it can become an administrator, if it is not one.
    pub escalates_to_admin: Option<Escalation>,
    /// Principals it can act as (for an administrator: the roles it can assume). In a compact
    /// report, members of a class in `reachable_classes` are left out.
    pub reachable: Vec<Reached>,
    /// Classes of principals it reaches as a whole (compact reports only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reachable_classes: Vec<ReachedClass>,
    /// What its answers rest on that the input lacks (left out when nothing): policies,
    /// groups and a boundary it holds that are not in the input, each taken to allow anything
    /// (conditional), and those of the principals its escalation path goes through.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<String>,
}

/// How a report lists what each principal reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ReachList {
    /// A class of at least [`COLLAPSE_AT`] principals reached as a whole is one entry.
    #[default]
    Compact,
    /// Every principal, one by one (quadratic in the size of a well-connected organisation).
    Full,
    /// No reachable lists (the text report, or when only the findings matter).
    None,
}

/// The size from which a compact report lists a class reached as a whole as one entry.
pub const COLLAPSE_AT: usize = 16;

/// Principals per piece of the report's work on the cores (a piece's cost varies with the
/// escalation paths it explains, so pieces are small).
const REPORT_CHUNK: usize = 64;

/// A finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// `admin`, `escalation`, `external-access`, `public-trust`, `cross-account`.
    pub kind: &'static str,
    /// `high`, `medium` or `low`.
    pub severity: &'static str,
    /// The principal or role concerned.
    pub subject: String,
    /// One line a person understands.
    pub message: String,
    /// True if a condition gates it.
    pub conditional: bool,
    /// The role a principal's finding is about (`cross-account`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
}

impl Analysis {
    /// The report, with compact reachable lists.
    pub fn report(&self) -> Report {
        self.report_with(ReachList::Compact)
    }

    /// The report, with reachable lists as `reach` says.
    pub fn report_with(&self, reach: ReachList) -> Report {
        self.report_with_steps(reach, Steps::Explained)
    }

    /// The report, with reachable lists as `reach` says and escalation steps as `steps`
    /// says (a report read without its steps' statements need not explain them).
    pub fn report_with_steps(&self, reach: ReachList, steps: Steps) -> Report {
        let ids = self.principals();
        let chunks: Vec<&[Id]> = ids.chunks(REPORT_CHUNK).collect();
        let walks = || (Walk::new(&self.graph), Walk::new(&self.graph));
        let parts = crate::parallel::map(&chunks, walks, |(all, must), chunk| {
            let mut principals = Vec::with_capacity(chunk.len());
            let mut findings = Vec::new();
            for &p in *chunk {
                let report = self.principal_report(p, reach, steps, all, must, &mut findings);
                principals.push(report);
            }
            (principals, findings)
        });
        let mut principals = Vec::with_capacity(ids.len());
        let mut findings = Vec::new();
        for (mut reports, mut found) in parts {
            principals.append(&mut reports);
            findings.append(&mut found);
        }
        for e in self.external_access() {
            findings.push(Finding {
                kind: "external-access",
                severity: if e.kind == "public" { "high" } else { "medium" },
                subject: e.role.clone(),
                message: format!(
                    "{} can assume {}{}",
                    e.source,
                    e.role,
                    if e.conditional {
                        " under conditions"
                    } else {
                        ""
                    }
                ),
                conditional: e.conditional,
                object: None,
            });
        }
        for role in self.public_trust() {
            findings.push(Finding {
                kind: "public-trust",
                severity: "medium",
                subject: role.clone(),
                message: format!("the trust policy of {role} names \"*\""),
                conditional: false,
                object: None,
            });
        }
        for access in self.cross_account() {
            findings.extend(cross_account_findings(&access));
        }
        let rank = |f: &Finding| match f.severity {
            "high" => 0,
            "medium" => 1,
            _ => 2,
        };
        findings.sort_by(|a, b| {
            (rank(a), a.conditional, a.kind, &a.subject, &a.message).cmp(&(
                rank(b),
                b.conditional,
                b.kind,
                &b.subject,
                &b.message,
            ))
        });
        principals.sort_by(|a, b| a.arn.cmp(&b.arn));
        Report {
            principals,
            findings,
            incomplete: self.compiled.incomplete.clone(),
            not_modelled: NOT_MODELLED
                .iter()
                .map(|(row, what)| format!("spec §10 row {row}: {what}"))
                .collect(),
        }
    }
}

impl Analysis {
    /// One principal's part of the report, and its findings (added to `findings`).
    fn principal_report(
        &self,
        p: Id,
        reach: ReachList,
        steps: Steps,
        all: &mut Walk,
        must: &mut Walk,
        findings: &mut Vec<Finding>,
    ) -> PrincipalReport {
        let node = self.compiled.universe.node(p);
        let arn = node.name.clone();
        let admin = self.is_admin(p);
        let escalation = self.escalation_with(p, steps);
        let incomplete = self.assumed_for(p, escalation.as_ref());
        let (reachable, reachable_classes) = if reach == ReachList::None {
            Default::default()
        } else {
            let collapse = (reach == ReachList::Compact).then_some(COLLAPSE_AT);
            self.walk_reach(p, all, must);
            self.reached(p, all, must, collapse)
        };
        if let Some(conditional) = admin {
            findings.push(Finding {
                kind: "admin",
                severity: "high",
                subject: arn.clone(),
                message: format!(
                    "{arn} is allowed every action on every resource{}",
                    if conditional { " under conditions" } else { "" }
                ),
                conditional,
                object: None,
            });
        }
        if let Some(e) = &escalation {
            let how: Vec<&str> = e.path.iter().map(|s| s.technique.as_str()).collect();
            findings.push(Finding {
                kind: "escalation",
                severity: "high",
                subject: arn.clone(),
                message: format!(
                    "{arn} can become an administrator in {} step{} ({}){}",
                    e.path.len(),
                    if e.path.len() == 1 { "" } else { "s" },
                    how.join(", then "),
                    if e.conditional {
                        ", under conditions"
                    } else {
                        ""
                    }
                ),
                conditional: e.conditional,
                object: None,
            });
        }
        PrincipalReport {
            arn,
            kind: if node.kind == NodeKind::User {
                "user"
            } else {
                "role"
            },
            account: self
                .compiled
                .universe
                .account_id(p)
                .unwrap_or("")
                .to_string(),
            admin: admin.is_some(),
            admin_conditional: admin == Some(true),
            escalates_to_admin: escalation,
            reachable,
            reachable_classes,
            incomplete,
        }
    }

    /// What `p`'s answers rest on that the input lacks: its own missing policies, groups and
    /// boundary, then those of the principals its escalation path acts as.
    fn assumed_for(
        &self,
        p: crate::compile::universe::Id,
        escalation: Option<&Escalation>,
    ) -> Vec<String> {
        let assumed = &self.compiled.assumed;
        let mut out: Vec<String> = assumed.get(&p).cloned().unwrap_or_default();
        let path = escalation.map(|e| &e.path[..]).unwrap_or_default();
        for step in path {
            let Some(q) = self.compiled.principal(&step.to) else {
                continue;
            };
            for reason in assumed.get(&q).into_iter().flatten() {
                out.push(format!("{} (on its escalation path): {reason}", step.to));
            }
        }
        out.dedup();
        out
    }
}

impl Report {
    /// The report as text for people: findings by risk, then what each principal reaches.
    pub fn to_text(&self, explain: bool) -> String {
        let mut out = String::new();
        let count = |kind: &str| self.findings.iter().filter(|f| f.kind == kind).count();
        // Principals are sorted by ARN.
        let principal = |arn: &str| {
            self.principals
                .binary_search_by(|p| p.arn.as_str().cmp(arn))
                .ok()
                .map(|i| &self.principals[i])
        };
        let _ = writeln!(
            out,
            "{} principals: {} administrators, {} can escalate to administrator, {} external accesses, {} cross-account assumptions",
            self.principals.len(),
            count("admin"),
            count("escalation"),
            count("external-access"),
            count("cross-account"),
        );
        for (kind, title) in [
            ("admin", "Administrators"),
            ("escalation", "Escalation to administrator"),
            ("external-access", "Access from outside"),
            ("public-trust", "Trust policies naming \"*\""),
            ("cross-account", "Cross-account delegation"),
        ] {
            let findings: Vec<&Finding> = self.findings.iter().filter(|f| f.kind == kind).collect();
            if findings.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title}");
            for f in findings {
                let _ = writeln!(out, "  [{}] {}", f.severity, f.message);
                if matches!(kind, "admin" | "escalation") {
                    let principal = principal(&f.subject);
                    for why in principal.map(|p| &p.incomplete[..]).unwrap_or_default() {
                        let _ = writeln!(out, "      incomplete: {why}");
                    }
                }
                if explain && kind == "escalation" {
                    let path = principal(&f.subject).and_then(|p| p.escalates_to_admin.as_ref());
                    for step in path.map(|e| &e.path[..]).unwrap_or_default() {
                        for line in step.explained_lines("      ") {
                            let _ = writeln!(out, "{line}");
                        }
                    }
                }
            }
        }
        if !self.incomplete.is_empty() {
            let _ = writeln!(out, "\nIncomplete input");
            for i in &self.incomplete {
                let _ = writeln!(out, "  {i}");
            }
        }
        let _ = writeln!(out, "\nNot modelled yet");
        for n in &self.not_modelled {
            let _ = writeln!(out, "  {n}");
        }
        out
    }
}

/// The findings for one role assumed from another account: one per caller, or one for all
/// when there are [`COLLAPSE_AT`] callers or more.
fn cross_account_findings(access: &CrossAccess) -> Vec<Finding> {
    let CrossAccess {
        role,
        account,
        callers,
    } = access;
    let under = |conditional: bool| if conditional { " under conditions" } else { "" };
    if callers.len() < COLLAPSE_AT {
        return callers
            .iter()
            .map(|(p, conditional)| Finding {
                kind: "cross-account",
                severity: "low",
                subject: p.clone(),
                message: format!(
                    "{p} can assume {role} in another account{}",
                    under(*conditional)
                ),
                conditional: *conditional,
                object: Some(role.clone()),
            })
            .collect();
    }
    let conditional = callers.iter().all(|(_, c)| *c);
    let examples: Vec<&str> = callers.iter().take(3).map(|(p, _)| p.as_str()).collect();
    vec![Finding {
        kind: "cross-account",
        severity: "low",
        subject: role.clone(),
        message: format!(
            "{} principals of account {account} can assume {role}{}, among them {}",
            callers.len(),
            under(conditional),
            examples.join(", ")
        ),
        conditional,
        object: None,
    }]
}

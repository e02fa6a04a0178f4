//! The findings of the report as a SARIF 2.1.0 log, for code-scanning tools.
//!
//! One rule per finding kind (`admin`, `external-access`, `public-access`, `wildcard-trust`,
//! `cross-account`) and one per escalation technique (`escalation/pass-role-ec2`, ...: the
//! technique of the step that makes the principal an administrator). Each result points at
//! the policy statements behind it: the input file as the artifact, the statement's line and
//! column when the file is JSON, and its JSON pointer as a logical location. An escalation
//! also carries its steps as a code flow.

use super::uri::file_uri;
use crate::answer::explain::{self, StatementInfo};
use crate::answer::report::{Finding, Report};
use crate::answer::{Analysis, Step};
use crate::compile::techniques::{Gain, ASSUME, CREATE_ROLE_TECHNIQUE, TECHNIQUES};
use crate::json::Locator;
use crate::model::{Document, Origin, World};
use crate::policy::document::PrincipalElement;
use crate::policy::PrincipalEntry;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::ops::Range;

/// The schema the log declares: the OASIS standard with its errata.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// A rule of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Its stable id (`admin`, `escalation/create-access-key`, ...).
    pub id: String,
    /// The id in PascalCase, as SARIF viewers show rule names.
    pub name: String,
    /// One sentence.
    pub short: String,
    /// What it means and what to look at.
    pub full: String,
    /// `high`, `medium` or `low`, as in the report.
    pub severity: &'static str,
}

/// Every rule: the finding kinds, then one per escalation technique.
pub fn rules() -> Vec<Rule> {
    let mut rules = vec![
        rule(
            "admin",
            "A principal is allowed every action on every resource.",
            "The principal's policies, after its permissions boundary, the SCPs and any Deny, \
             allow every action on every resource: it can act as every principal of its account.",
            "high",
        ),
        rule(
            "public-access",
            "Anyone can assume a role.",
            "The role's trust policy admits every principal (\"*\"), in every AWS account.",
            "high",
        ),
        rule(
            "external-access",
            "Principals outside the input can assume a role.",
            "The role's trust policy admits another account, a principal of one, or the users of \
             an identity provider; what those principals may do is not in the input.",
            "medium",
        ),
        rule(
            "wildcard-trust",
            "A role's trust policy names \"*\".",
            "A Principal of \"*\" in a trust policy admits everyone unless its conditions narrow \
             it; check that they do.",
            "medium",
        ),
        rule(
            "cross-account",
            "A principal can assume a role in another account.",
            "Delegation across accounts of the input: the role's trust policy admits the \
             principal or its account, and the principal's own policies allow sts:AssumeRole.",
            "low",
        ),
    ];
    let mut techniques: Vec<(&str, String)> = vec![
        ("assume-role", "sts:AssumeRole".to_string()),
        (
            CREATE_ROLE_TECHNIQUE,
            "iam:CreateRole with iam:AttachRolePolicy or iam:PutRolePolicy".to_string(),
        ),
    ];
    for t in TECHNIQUES {
        if techniques.iter().all(|(id, _)| *id != t.id) {
            let mut actions = vec![t.check.action.to_string()];
            if let Some(service) = t.check.passed_to {
                actions[0] = format!("{} to {service}", t.check.action);
            }
            actions.extend(t.aux.iter().map(|c| c.action.to_string()));
            techniques.push((t.id, actions.join(", ")));
        }
    }
    for (id, actions) in techniques {
        rules.push(rule(
            &format!("escalation/{id}"),
            &format!("A principal can become an administrator through {id}."),
            &format!(
                "A principal that is not an administrator can become one; the step that makes \
                 it one is {id} ({actions}). The result lists every step of the shortest way, \
                 with the statements that allow it."
            ),
            "high",
        ));
    }
    rules
}

fn rule(id: &str, short: &str, full: &str, severity: &'static str) -> Rule {
    let name = id
        .split(['/', '-'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    Rule {
        id: id.to_string(),
        name,
        short: short.to_string(),
        full: full.to_string(),
        severity,
    }
}

/// SARIF's `level` for a severity of the report.
fn level(severity: &str) -> &'static str {
    match severity {
        "high" => "error",
        "medium" => "warning",
        _ => "note",
    }
}

/// GitHub code scanning's `security-severity` (0 to 10) for a severity of the report.
fn security_severity(severity: &str) -> &'static str {
    match severity {
        "high" => "8.0",
        "medium" => "5.0",
        _ => "3.0",
    }
}

/// The report as a SARIF log.
pub fn to_sarif(analysis: &Analysis, report: &Report) -> Value {
    let rules = rules();
    let mut places = Places::new(&analysis.world);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(analysis, report, f, &rules, &mut places))
        .collect();
    let mut driver = json!({
        "name": "iamlog",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(|r| json!({
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.short},
            "fullDescription": {"text": r.full},
            "defaultConfiguration": {"level": level(r.severity)},
            "properties": {
                "tags": ["security", "aws-iam"],
                "security-severity": security_severity(r.severity),
            },
        })).collect::<Vec<_>>(),
    });
    if let Some(uri) = information_uri() {
        driver["informationUri"] = json!(uri);
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {
                "incomplete": report.incomplete,
                "notModelled": report.not_modelled,
            },
        }],
    })
}

/// The project's home page, from the package's `homepage` or `repository`, if it has one.
fn information_uri() -> Option<&'static str> {
    [
        option_env!("CARGO_PKG_HOMEPAGE"),
        option_env!("CARGO_PKG_REPOSITORY"),
    ]
    .into_iter()
    .flatten()
    .find(|u| !u.is_empty())
}

/// One finding as a result.
fn result(
    analysis: &Analysis,
    report: &Report,
    finding: &Finding,
    rules: &[Rule],
    places: &mut Places<'_>,
) -> Value {
    let evidence = evidence(analysis, report, finding, places);
    let index = rules.iter().position(|r| r.id == evidence.rule);
    // The first location in a file is the result's; the others are related to it.
    let mut locations = evidence.locations;
    let primary = locations
        .iter()
        .position(|l| l.get("physicalLocation").is_some())
        .unwrap_or(0);
    let located: Vec<Value> = if locations.is_empty() {
        Vec::new()
    } else {
        vec![locations.remove(primary)]
    };
    let related: Vec<Value> = locations
        .into_iter()
        .enumerate()
        .map(|(i, mut l)| {
            l["id"] = json!(i + 1);
            l
        })
        .collect();
    let mut message = finding.message.clone();
    if !evidence.detail.is_empty() {
        message.push_str(". ");
        message.push_str(&evidence.detail);
    }
    // What an administrator or an escalation rests on that the input lacks (issue #7).
    let incomplete: &[String] = match finding.kind {
        "admin" | "escalation" => report
            .principals
            .iter()
            .find(|p| p.arn == finding.subject)
            .map_or(&[], |p| &p.incomplete[..]),
        _ => &[],
    };
    for why in incomplete {
        message.push_str(". Incomplete input: ");
        message.push_str(why);
    }
    let mut out = json!({
        "ruleId": evidence.rule,
        "level": level(finding.severity),
        "message": {"text": message},
        "locations": located,
        "partialFingerprints": {
            "iamlogFinding/v1": format!("{}|{}|{}", evidence.rule, finding.subject, evidence.key),
        },
        "properties": {
            "kind": finding.kind,
            "severity": finding.severity,
            "subject": finding.subject,
            "conditional": finding.conditional,
        },
    });
    if !incomplete.is_empty() {
        out["properties"]["incomplete"] = json!(incomplete);
    }
    if let Some(i) = index {
        out["ruleIndex"] = json!(i);
    }
    if !related.is_empty() {
        out["relatedLocations"] = json!(related);
    }
    if !evidence.flow.is_empty() {
        out["codeFlows"] = json!([{"threadFlows": [{"locations": evidence.flow}]}]);
    }
    out
}

/// What a result shows beside the finding's message.
struct Evidence {
    /// The rule id.
    rule: String,
    /// More sentences for the message (the steps of an escalation).
    detail: String,
    /// Locations: the first one with a file is the result's, the others are related.
    locations: Vec<Value>,
    /// For escalations: one thread-flow location per step.
    flow: Vec<Value>,
    /// What tells this result apart from others of its rule and subject.
    key: String,
}

/// The rule, locations and detail of a finding, from the analysis.
fn evidence(
    analysis: &Analysis,
    report: &Report,
    finding: &Finding,
    places: &mut Places<'_>,
) -> Evidence {
    let world = &analysis.world;
    let subject = analysis.compiled.principal(&finding.subject);
    let mut evidence = Evidence {
        rule: finding.kind.to_string(),
        detail: String::new(),
        locations: Vec::new(),
        flow: Vec::new(),
        key: String::new(),
    };
    match finding.kind {
        "admin" => {
            if let Some(caller) = subject.and_then(|p| analysis.caller(p)) {
                let (statements, _) = explain::explain(world, &caller, "*", "*", None);
                for s in statements.iter().filter(|s| s.effect == "Allow") {
                    let what = format!("allows every action on every resource ({})", s.source);
                    evidence.locations.push(places.statement(s, &what));
                }
            }
        }
        "escalation" => {
            let path = report
                .principals
                .iter()
                .find(|p| p.arn == finding.subject)
                .and_then(|p| p.escalates_to_admin.as_ref())
                .map_or(&[][..], |e| &e.path[..]);
            evidence.rule = format!("escalation/{}", decisive(path));
            let mut sentences = Vec::new();
            for (n, step) in path.iter().enumerate() {
                let sentence = step_sentence(step);
                let mut located = None;
                for s in &step.statements {
                    let what = format!(
                        "step {}: {} ({}, {})",
                        n + 1,
                        step.technique,
                        s.effect,
                        s.source
                    );
                    let location = places.statement(s, &what);
                    if located.is_none() && location.get("physicalLocation").is_some() {
                        located = Some(location.clone());
                    }
                    evidence.locations.push(location);
                }
                let mut location = located.unwrap_or_else(|| json!({}));
                location["message"] = json!({"text": format!("step {}: {sentence}", n + 1)});
                evidence
                    .flow
                    .push(json!({"location": location, "nestingLevel": 0}));
                sentences.push(sentence);
            }
            evidence.detail = format!("{}.", sentences.join("; "));
            evidence.key = path
                .iter()
                .map(|s| s.technique.as_str())
                .collect::<Vec<_>>()
                .join(">");
        }
        "external-access" => {
            let access = analysis.external_access().into_iter().find(|e| {
                e.role == finding.subject
                    && finding
                        .message
                        .starts_with(&format!("{} can assume {}", e.source, e.role))
            });
            if let Some(e) = access {
                if e.kind == "public" {
                    evidence.rule = "public-access".into();
                }
                evidence.locations = places.trust(&e.role, &e.source);
                evidence.key = e.source;
            }
        }
        "public-trust" => {
            evidence.rule = "wildcard-trust".into();
            evidence.locations = places.trust(&finding.subject, "anyone (*)");
        }
        "cross-account" => {
            // A finding for one caller explains it; one for many points at the role.
            if let (Some(role), Some(caller)) = (
                finding.object.clone(),
                subject.and_then(|p| analysis.caller(p)),
            ) {
                let (mut statements, _) =
                    explain::explain(world, &caller, ASSUME.action, &role, Some(&ASSUME));
                // The role's trust policy first: it is what opens the account.
                statements.sort_by_key(|s| s.source != "resource policy");
                for s in &statements {
                    let what = format!("{} {} for sts:AssumeRole on {role}", s.effect, s.source);
                    evidence.locations.push(places.statement(s, &what));
                }
                evidence.key = role;
            }
        }
        _ => {}
    }
    // A finding whose statements are all built in points at the subject's own record.
    if evidence
        .locations
        .iter()
        .all(|l| l.get("physicalLocation").is_none())
    {
        if let Some(origin) = entity_origin(world, &finding.subject) {
            let message = format!("{} is defined here", finding.subject);
            if let Some(location) = places.origin(origin, "", &finding.subject, &message) {
                evidence.locations.insert(0, location);
            }
        }
    }
    evidence
}

/// The technique that makes an escalation reach administrator: the last step that is not an
/// assumption of a role nor the holding of a written policy (or the last step).
fn decisive(path: &[Step]) -> &str {
    path.iter()
        .rev()
        .map(|s| s.technique.as_str())
        .find(|t| {
            !matches!(
                *t,
                "assume-role" | "holds-written-policy" | "trusted-outside"
            )
        })
        .or_else(|| path.last().map(|s| s.technique.as_str()))
        .unwrap_or("unknown")
}

/// One step in words.
fn step_sentence(step: &Step) -> String {
    let actions = if step.actions.is_empty() {
        String::new()
    } else {
        format!(" ({})", step.actions.join(", "))
    };
    let writes = TECHNIQUES
        .iter()
        .any(|t| t.id == step.technique && t.gain == Gain::Empower);
    let mut sentence = if step.technique == "holds-written-policy" {
        format!("{} then holds the policy written for it", step.from)
    } else if step.to == "admin" {
        format!(
            "{} gives itself any permission by {}{actions}",
            step.from, step.technique
        )
    } else if writes {
        format!(
            "{} writes the policies of {} by {}{actions}",
            step.from, step.to, step.technique
        )
    } else {
        format!(
            "{} acts as {} by {}{actions}",
            step.from, step.to, step.technique
        )
    };
    if !step.conditions.is_empty() {
        sentence.push_str(&format!(" if {}", step.conditions.join(" and ")));
    }
    sentence
}

/// The record of a user or role in the input.
fn entity_origin<'w>(world: &'w World, arn: &str) -> Option<&'w Origin> {
    world.accounts.iter().find_map(|a| {
        a.users
            .iter()
            .find(|u| u.arn == arn)
            .map(|u| &u.origin)
            .or_else(|| a.roles.iter().find(|r| r.arn == arn).map(|r| &r.origin))
    })
}

/// Does a Principal entry name the outside source the analysis calls `source`?
fn names_source(entry: &PrincipalEntry, source: &str) -> bool {
    match entry {
        PrincipalEntry::Everyone => source == "anyone (*)",
        PrincipalEntry::Account(a) => source == format!("anyone in account {a}"),
        PrincipalEntry::Arn(arn) => source == arn,
        PrincipalEntry::Federated(provider) => source == format!("anyone at {provider}"),
        PrincipalEntry::Service(service) => source == service,
        _ => false,
    }
}

/// Locates statements, entities and documents in the input files.
struct Places<'w> {
    world: &'w World,
    /// One locator per JSON source file, by index in `world.sources`.
    locators: HashMap<usize, Locator<'w>>,
}

impl<'w> Places<'w> {
    fn new(world: &'w World) -> Places<'w> {
        Places {
            world,
            locators: HashMap::new(),
        }
    }

    fn locator(&mut self, file: usize) -> &mut Locator<'w> {
        let text: &'w str = &self.world.sources[file].text;
        self.locators
            .entry(file)
            .or_insert_with(|| Locator::new(text))
    }

    /// A region from a byte range of a file.
    fn region(&mut self, file: usize, start: usize, end: usize) -> Value {
        let locator = self.locator(file);
        let (start_line, start_column) = locator.line_column(start);
        let (end_line, end_column) = locator.line_column(end.max(start));
        json!({
            "startLine": start_line,
            "startColumn": start_column,
            "endLine": end_line,
            "endColumn": end_column,
        })
    }

    /// A statement of a decision: its file and region when the file is JSON and holds it,
    /// its pointer as a logical location.
    fn statement(&mut self, s: &StatementInfo, message: &str) -> Value {
        let file = self.world.sources.iter().position(|f| f.name == s.file);
        let mut location = json!({
            "message": {"text": message},
            "logicalLocations": [{
                "name": s.pointer,
                "fullyQualifiedName": if file.is_some() {
                    format!("{}#{}", s.file, s.pointer)
                } else {
                    // Built-in documents are named by their pointer (an AWS managed policy's ARN).
                    s.pointer.clone()
                },
                "kind": "object",
            }],
            "properties": {
                "pointer": s.pointer,
                "source": s.source,
                "effect": s.effect,
                "sid": s.sid,
            },
        });
        let placed = s
            .place
            .as_ref()
            .and_then(|(origin, statement)| self.place(origin, statement));
        if let Some((file, span, _)) = placed {
            let region = self.region(file, span.start, span.end);
            let name = &self.world.sources[file].name;
            location["physicalLocation"] = json!({
                "artifactLocation": {"uri": file_uri(name)},
                "region": region,
            });
        } else if file.is_some() {
            location["physicalLocation"] = json!({"artifactLocation": {"uri": file_uri(&s.file)}});
        }
        location
    }

    /// Where a pointer inside an origin is: the file, the byte range and the whole pointer.
    /// JSON files go through one [`Locator`] each, so that many places cost one pass.
    fn place(&mut self, origin: &Origin, inner: &str) -> Option<(usize, Range<usize>, String)> {
        let file = origin.file?;
        self.world.sources.get(file)?;
        if origin.text.is_some() {
            let place = origin.place(&self.world.sources, inner)?;
            return Some((place.file, place.span, place.pointer));
        }
        let pointer = format!("{}{inner}", origin.pointer);
        let at = self.locator(file).locate(&pointer)?;
        Some((file, at.offset..at.offset + at.len, pointer))
    }

    /// A place given by an origin (JSON pointer or text span) and a pointer inside it; `what`
    /// names it where there is no pointer (an entity of the text language).
    fn origin(&mut self, origin: &Origin, inner: &str, what: &str, message: &str) -> Option<Value> {
        let (file, span, pointer) = self.place(origin, inner)?;
        let name = self.world.sources[file].name.clone();
        let region = self.region(file, span.start, span.end);
        if pointer.is_empty() {
            return Some(json!({
                "message": {"text": message},
                "physicalLocation": {
                    "artifactLocation": {"uri": file_uri(&name)},
                    "region": region,
                },
                "logicalLocations": [{"name": what, "fullyQualifiedName": what, "kind": "object"}],
            }));
        }
        Some(json!({
            "message": {"text": message},
            "physicalLocation": {
                "artifactLocation": {"uri": file_uri(&name)},
                "region": region,
            },
            "logicalLocations": [{
                "name": pointer,
                "fullyQualifiedName": format!("{name}#{pointer}"),
                "kind": "object",
            }],
            "properties": {"pointer": pointer},
        }))
    }

    /// The statements of a role's trust policy that admit `source` (or the whole policy).
    fn trust(&mut self, role: &str, source: &str) -> Vec<Value> {
        let trust: Option<&Document> = self
            .world
            .accounts
            .iter()
            .flat_map(|a| &a.roles)
            .find(|r| r.arn == role)
            .and_then(|r| r.trust.as_ref());
        let Some(trust) = trust else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for statement in &trust.policy.statements {
            let PrincipalElement::Listed(principals) = &statement.principal else {
                continue;
            };
            if principals.items.iter().any(|e| names_source(e, source)) {
                let what = format!("the trust policy of {role} admits {source}");
                let name = format!("trust policy of {role}{}", statement.pointer);
                out.extend(self.origin(&trust.origin, &statement.pointer, &name, &what));
            }
        }
        if out.is_empty() {
            let what = format!("the trust policy of {role}");
            out.extend(self.origin(&trust.origin, "", &what, &what));
        }
        out
    }
}

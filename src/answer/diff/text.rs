//! The diff as text for a CI log: a summary line, then one section per kind of access, most
//! risky first; `+` marks what holds after and not before, `-` the reverse, `~` a route that
//! changed.

use super::{Change, Conditional, Diff, PermissionChange, Step};
use std::fmt::Write;

/// Permission lines shown per principal before the rest is counted.
const PERMISSION_LINES: usize = 12;
/// Actions named on one permission line before the rest is counted.
const ACTIONS_PER_LINE: usize = 4;
/// Resource patterns named on one permission line before the rest is counted.
const RESOURCES_PER_LINE: usize = 3;

/// ANSI colours for the markers and headings, when asked for.
struct Style {
    colour: bool,
}

impl Style {
    fn marker(&self, change: Change) -> String {
        let (mark, code) = match change {
            Change::Gained => ("+", "32"),
            Change::Lost => ("-", "31"),
            Change::Changed => ("~", "33"),
        };
        self.paint(mark, code)
    }

    fn heading(&self, text: &str) -> String {
        self.paint(text, "1")
    }

    fn paint(&self, text: &str, code: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// How the conditions read for an entry: on the side it is shown from, and their change.
fn conditions(change: Change, c: Conditional) -> &'static str {
    match (change, c.before, c.after) {
        (Change::Gained, Some(true), Some(false)) => " (before: only under conditions)",
        (Change::Lost, Some(false), Some(true)) => " (after: only under conditions)",
        (Change::Gained, _, Some(true))
        | (Change::Lost, Some(true), _)
        | (Change::Changed, _, Some(true)) => " under conditions",
        _ => "",
    }
}

impl Diff {
    /// The diff as text; `colour` paints the markers (see `cli::colour` for when).
    pub fn to_text(&self, colour: bool) -> String {
        let style = Style { colour };
        let mut out = String::new();
        let s = &self.summary;
        if self.is_empty() {
            let _ = writeln!(out, "no access gained or lost");
        } else {
            let _ = writeln!(
                out,
                "{} gained, {} lost, {} changed: {} administrators, {} escalations, {} public, {} external, {} reachable, {} permissions, {} principals",
                s.gained,
                s.lost,
                s.changed,
                self.admins.len(),
                self.escalations.len(),
                self.public_access.len(),
                self.external_access.len(),
                self.reachable.len(),
                self.permissions.len(),
                self.principals.len(),
            );
        }
        let mut section = |title: &str, lines: Vec<String>| {
            if !lines.is_empty() {
                let _ = writeln!(out, "\n{}", style.heading(title));
                for line in lines {
                    let _ = writeln!(out, "{line}");
                }
            }
        };
        section("Administrators", self.admin_lines(&style));
        section("Escalation to administrator", self.escalation_lines(&style));
        section("Public access", outside_lines(&self.public_access, &style));
        section(
            "Access from outside",
            outside_lines(&self.external_access, &style),
        );
        section("Principals reachable", self.reach_lines(&style));
        section("Permissions", self.permission_lines(&style));
        section("Principals", self.principal_lines(&style));
        for (side, list) in [
            ("before", &self.incomplete.before),
            ("after", &self.incomplete.after),
        ] {
            if !list.is_empty() {
                let _ = writeln!(out, "\nIncomplete input ({side})");
                for i in list {
                    let _ = writeln!(out, "  {i}");
                }
            }
        }
        out
    }

    fn admin_lines(&self, style: &Style) -> Vec<String> {
        self.admins
            .iter()
            .map(|e| {
                format!(
                    "{} {} is allowed every action on every resource{}",
                    style.marker(e.change),
                    e.principal,
                    conditions(e.change, e.conditional)
                )
            })
            .collect()
    }

    fn escalation_lines(&self, style: &Style) -> Vec<String> {
        let mut lines = Vec::new();
        for e in &self.escalations {
            let shown = match e.change {
                Change::Lost => e.path_before.as_deref(),
                _ => e.path_after.as_deref(),
            };
            let path = shown.unwrap_or_default();
            let mut line = format!(
                "{} {} can become an administrator in {}{}",
                style.marker(e.change),
                e.principal,
                steps(path),
                conditions(e.change, e.conditional)
            );
            let other = match e.change {
                Change::Lost => e.path_after.as_deref(),
                _ => e.path_before.as_deref(),
            };
            if let Some(other) = other.filter(|o| route_differs(o, path)) {
                let _ = write!(
                    line,
                    "; {} {}",
                    if e.change == Change::Lost {
                        "now"
                    } else {
                        "before:"
                    },
                    steps(other)
                );
            }
            lines.push(line);
            for step in path {
                lines.extend(step.explained_lines("      "));
            }
        }
        lines
    }

    fn reach_lines(&self, style: &Style) -> Vec<String> {
        self.reachable
            .iter()
            .map(|e| {
                format!(
                    "{} {} can act as {}{}{}",
                    style.marker(e.change),
                    e.principal,
                    e.target,
                    if e.cross_account {
                        " in another account"
                    } else {
                        ""
                    },
                    conditions(e.change, e.conditional)
                )
            })
            .collect()
    }

    fn permission_lines(&self, style: &Style) -> Vec<String> {
        let mut lines = Vec::new();
        let mut i = 0;
        while i < self.permissions.len() {
            let principal = &self.permissions[i].principal;
            let group: Vec<&PermissionChange> = self.permissions[i..]
                .iter()
                .take_while(|p| &p.principal == principal)
                .collect();
            i += group.len();
            lines.push(format!("  {principal}"));
            for p in group.iter().take(PERMISSION_LINES) {
                lines.push(format!(
                    "  {} {} on {}{} [{}]",
                    style.marker(p.change),
                    few(&p.actions, ACTIONS_PER_LINE),
                    few(&p.resources, RESOURCES_PER_LINE),
                    conditions(p.change, p.conditional),
                    p.access
                ));
            }
            if group.len() > PERMISSION_LINES {
                lines.push(format!(
                    "    ... and {} more lines (--format json lists them all)",
                    group.len() - PERMISSION_LINES
                ));
            }
        }
        lines
    }

    fn principal_lines(&self, style: &Style) -> Vec<String> {
        self.principals
            .iter()
            .map(|e| {
                format!(
                    "{} {} ({}{})",
                    style.marker(e.change),
                    e.principal,
                    e.kind,
                    if e.change == Change::Gained {
                        ", new"
                    } else {
                        ", removed"
                    }
                )
            })
            .collect()
    }
}

fn outside_lines(entries: &[super::OutsideChange], style: &Style) -> Vec<String> {
    entries
        .iter()
        .map(|e| {
            let what = if e.kind == "public-trust" {
                format!("the trust policy of {} names \"*\"", e.role)
            } else {
                format!("{} can assume {}", e.source, e.role)
            };
            format!(
                "{} {what}{}",
                style.marker(e.change),
                conditions(e.change, e.conditional)
            )
        })
        .collect()
}

/// `2 steps (assume-role, then attach-user-policy)`.
fn steps(path: &[Step]) -> String {
    let how: Vec<&str> = path.iter().map(|s| s.technique.as_str()).collect();
    format!(
        "{} step{} ({})",
        path.len(),
        if path.len() == 1 { "" } else { "s" },
        how.join(", then ")
    )
}

fn route_differs(a: &[Step], b: &[Step]) -> bool {
    super::route(a) != super::route(b)
}

/// The first `n` items, then a count of the rest.
fn few(items: &[String], n: usize) -> String {
    if items.len() <= n {
        return items.join(", ");
    }
    format!("{}, ... ({} more)", items[..n].join(", "), items.len() - n)
}

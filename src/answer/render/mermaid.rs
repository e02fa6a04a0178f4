//! A [`Drawing`] as a Mermaid flowchart: one subgraph per account, node shapes and classes by
//! kind (administrators in red), edges labelled with their techniques and dotted when they
//! hold only under conditions.

use super::drawing::{Drawing, Kind, Node};
use std::fmt::Write;

/// The class definitions, one per kind (and `admin` for administrators).
const CLASSES: &[(&str, &str)] = &[
    ("user", "fill:#d6e4f5,stroke:#4a6f9c"),
    ("role", "fill:#dcefd6,stroke:#4f8a3f"),
    ("group", "fill:#fff2c6,stroke:#a08420"),
    (
        "external",
        "fill:#eeeeee,stroke:#777777,stroke-dasharray:4 3",
    ),
    (
        "federated",
        "fill:#eeeeee,stroke:#777777,stroke-dasharray:4 3",
    ),
    ("service", "fill:#eeeeee,stroke:#777777"),
    ("public", "fill:#f6c9c9,stroke:#b00000"),
    ("administrator", "fill:#c00000,stroke:#700000,color:#ffffff"),
    ("hub", "fill:#ffffff,stroke:#999999,stroke-dasharray:2 2"),
    ("admin", "fill:#f4a7a7,stroke:#b00000,stroke-width:2px"),
];

/// The drawing as a Mermaid `flowchart`.
pub fn to_mermaid(drawing: &Drawing) -> String {
    let mut out = String::new();
    // A JSON string is a YAML double-quoted scalar.
    let title = format!(
        "{} (dotted edge: only under conditions; red: administrator)",
        drawing.title
    );
    let _ = writeln!(out, "---\ntitle: {}\n---", serde_json::Value::String(title));
    out.push_str("flowchart LR\n");
    for (a, account) in drawing.accounts.iter().enumerate() {
        let _ = writeln!(out, "  subgraph a{a}[\"{}\"]", text(&account.label()));
        for (i, node) in drawing.nodes.iter().enumerate() {
            if node.account == Some(a) {
                let _ = writeln!(out, "    n{i}{}", shape(node));
            }
        }
        out.push_str("  end\n");
    }
    for (i, node) in drawing.nodes.iter().enumerate() {
        if node.account.is_none() {
            let _ = writeln!(out, "  n{i}{}", shape(node));
        }
    }
    for edge in &drawing.edges {
        let arrow = if edge.conditional { "-.->" } else { "-->" };
        let label = if edge.techniques.is_empty() {
            String::new()
        } else {
            format!("|\"{}\"|", text(&edge.techniques.join(", ")))
        };
        let _ = writeln!(out, "  n{} {arrow}{label} n{}", edge.from, edge.to);
    }
    for (class, style) in CLASSES {
        let members: Vec<String> = drawing
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| class_of(n) == *class)
            .map(|(i, _)| format!("n{i}"))
            .collect();
        if !members.is_empty() {
            let _ = writeln!(out, "  classDef {class} {style}");
            let _ = writeln!(out, "  class {} {class}", members.join(","));
        }
    }
    out
}

/// The class a node is styled by: its kind, or `admin` for an administrator.
fn class_of(node: &Node) -> &'static str {
    if node.admin && node.kind != Kind::Administrator {
        "admin"
    } else {
        node.kind.name()
    }
}

/// The node's shape around its quoted label.
fn shape(node: &Node) -> String {
    let label: Vec<String> = node.label.iter().map(|l| text(l)).collect();
    let label = label.join("<br/>");
    let (open, close) = match node.kind {
        Kind::User => ("[", "]"),
        Kind::Role => ("(", ")"),
        Kind::Group => ("[/", "/]"),
        Kind::External | Kind::Federated => ("[[", "]]"),
        Kind::Service => (">", "]"),
        Kind::Public => ("{{", "}}"),
        Kind::Administrator => ("((", "))"),
        Kind::Hub => ("[/", "\\]"),
    };
    format!("{open}\"{label}\"{close}")
}

/// Text safe inside a quoted Mermaid label: quotes and markup characters as entities.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '|' => out.push_str("#124;"),
            '\n' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(text("a\"b|c<d>#"), "a#quot;b#124;c#lt;d#gt;#35;");
    }
}

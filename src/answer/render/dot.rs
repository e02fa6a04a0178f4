//! A [`Drawing`] as Graphviz DOT: one cluster per account, nodes shaped and coloured by kind
//! (administrators in red), edges labelled with their techniques and dashed when they hold
//! only under conditions.

use super::drawing::{Drawing, Kind, Node};
use std::fmt::Write;

/// Pale fills that tell the account clusters apart, in turn.
const ACCOUNT_FILLS: &[&str] = &[
    "#f3f6fc", "#f3fbf3", "#fdf8ee", "#fbf2f7", "#f0fafa", "#f6f3fc",
];

/// The drawing as a DOT `digraph`.
pub fn to_dot(drawing: &Drawing) -> String {
    let mut out = String::new();
    out.push_str("digraph iamlog {\n");
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, nodesep=0.3, ranksep=0.8, label={}];",
        quote(&format!(
            "{}\\n(dashed edge: only under conditions; red: administrator)",
            escape(&drawing.title)
        ))
    );
    out.push_str("  node [fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n");
    for (a, account) in drawing.accounts.iter().enumerate() {
        let _ = writeln!(out, "  subgraph cluster_{a} {{");
        let _ = writeln!(
            out,
            "    graph [label={}, style=\"rounded,filled\", fillcolor=\"{}\", color=\"#9aa5b1\"];",
            quote(&escape(&account.label())),
            ACCOUNT_FILLS[a % ACCOUNT_FILLS.len()]
        );
        for (i, node) in drawing.nodes.iter().enumerate() {
            if node.account == Some(a) {
                let _ = writeln!(out, "    n{i} {};", attributes(node));
            }
        }
        out.push_str("  }\n");
    }
    for (i, node) in drawing.nodes.iter().enumerate() {
        if node.account.is_none() {
            let _ = writeln!(out, "  n{i} {};", attributes(node));
        }
    }
    for edge in &drawing.edges {
        let mut attrs = Vec::new();
        if !edge.techniques.is_empty() {
            attrs.push(format!(
                "label={}",
                quote(&escape(&edge.techniques.join("\n")))
            ));
        }
        if edge.conditional {
            attrs.push("style=dashed".to_string());
        }
        if drawing.nodes[edge.to].kind == Kind::Administrator {
            attrs.push("color=\"#b00000\"".to_string());
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(out, "  n{} -> n{}{attrs};", edge.from, edge.to);
    }
    out.push_str("}\n");
    out
}

/// The attribute list of a node.
fn attributes(node: &Node) -> String {
    let (shape, style, fill) = match node.kind {
        Kind::User => ("box", "rounded,filled", "#d6e4f5"),
        Kind::Role => ("ellipse", "filled", "#dcefd6"),
        Kind::Group => ("folder", "filled", "#fff2c6"),
        Kind::External | Kind::Federated => ("box", "filled,dashed", "#eeeeee"),
        Kind::Service => ("component", "filled", "#eeeeee"),
        Kind::Public => ("octagon", "filled", "#f6c9c9"),
        Kind::Administrator => ("doubleoctagon", "filled", "#c00000"),
        Kind::Hub => ("box", "dotted", "#ffffff"),
    };
    let mut attrs = vec![
        format!("label={}", quote(&escape(&node.label.join("\n")))),
        format!("tooltip={}", quote(&escape(&node.key))),
        format!("shape={shape}"),
        format!("style={}", quote(style)),
    ];
    if node.kind == Kind::Administrator {
        attrs.push("fillcolor=\"#c00000\", fontcolor=white".into());
    } else if node.admin {
        attrs.push("fillcolor=\"#f4a7a7\", color=\"#b00000\", penwidth=2".into());
    } else {
        attrs.push(format!("fillcolor=\"{fill}\""));
    }
    if node.kind == Kind::Hub {
        attrs.push("fontsize=9".into());
    }
    format!("[{}]", attrs.join(", "))
}

/// Escapes text for a DOT string: quotes and backslashes, newlines as `\n`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A DOT string of already escaped text.
fn quote(escaped: &str) -> String {
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_and_newlines() {
        assert_eq!(escape("a \"b\"\\c\nd"), "a \\\"b\\\"\\\\c\\nd");
    }
}

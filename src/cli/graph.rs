//! Graph output formats shared by `analyze` and `query`: DOT and Mermaid.

use crate::answer::render::drawing::Drawing;
use crate::answer::render::{dot, mermaid};

/// A graph format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz DOT (`dot -Tsvg`).
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

impl GraphFormat {
    /// The drawing in this format.
    pub fn write(self, drawing: &Drawing) -> String {
        match self {
            GraphFormat::Dot => dot::to_dot(drawing),
            GraphFormat::Mermaid => mermaid::to_mermaid(drawing),
        }
    }
}

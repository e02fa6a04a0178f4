//! Output formats beyond text and JSON (DESIGN.md "present"): the derived graph and paths as
//! DOT and Mermaid drawings, and the findings as a SARIF log for code-scanning tools.
//!
//! [`drawing`] picks what to draw from an [`Analysis`](super::Analysis) (the derived edges,
//! the escalation paths, or one path); [`dot`] and [`mermaid`] write a drawing out; [`sarif`]
//! turns a [`Report`](super::report::Report) into SARIF 2.1.0.

pub mod dot;
pub mod drawing;
pub mod mermaid;
pub mod sarif;
mod uri;

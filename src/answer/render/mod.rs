//! Output formats beyond text and JSON (DESIGN.md "present"): the derived graph and paths as
//! DOT and Mermaid drawings.
//!
//! [`drawing`] picks what to draw from an [`Analysis`](super::Analysis) (the derived edges,
//! the escalation paths, or one path); [`dot`] and [`mermaid`] write a drawing out.

pub mod dot;
pub mod drawing;
pub mod mermaid;

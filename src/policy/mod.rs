//! The policy core: documents, matching, conditions, and the decision for one request.
//!
//! Data flows one way: JSON text is read into a [`Policy`] (with located [`Diagnostic`]s),
//! and [`decide()`] evaluates a [`Request`] against a [`PolicySet`] exactly as spec §5 says.
//! [`Statement::applies`] is the single definition of what a statement means; everything
//! else (the Datalog compiler included) goes through it or through its parts.
//!
//! [`Diagnostic`]: crate::diag::Diagnostic

pub mod arn;
pub mod condition;
pub mod context;
pub mod decide;
pub mod document;
pub mod pattern;
pub mod principal;

pub use context::{Context, Stance, Value as ContextValue};
pub use decide::{
    decide, decide_in, Ask, Blocker, Decision, Outcome, Policies, PolicySet, Request, Source,
    StatementRef,
};
pub use document::{Effect, Parsed, Policy, PolicyKind, Statement, Version};
pub use principal::{Caller, PrincipalEntry, PrincipalMatch};

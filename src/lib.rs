//! iamlog: exact, fast answers to AWS IAM questions.
//!
//! The library behind the `iamlog` command. Data flows one way: files are loaded into a
//! [`model::World`] (accounts, principals, policies, the organisation, resource policies),
//! [`answer::Analysis`] compiles it to facts ([`compile`]) and derives who can do what with
//! Datalog ([`derive`](mod@derive)), and its methods answer questions, each with the
//! statements that decide it, located in the input.
//!
//! # A worked example
//!
//! Load the bundled example organisation, analyse it, ask whether the dev account's CI role
//! can assume production's deploy role, and explain the answer:
//!
//! ```
//! use iamlog::answer::{explain, Analysis};
//! use iamlog::policy::Outcome;
//!
//! // Load: directories are read whole; JSON and `.iam` files are recognised by content.
//! let world = iamlog::model::load_paths(&["examples/org".into()])?;
//! // Errors in the input are kept as located diagnostics, not thrown.
//! assert!(world.diagnostics.iter().all(|d| d.diagnostic.severity != iamlog::diag::Severity::Error));
//!
//! // Analyse: compile and derive once; every question below reads the result.
//! let analysis = Analysis::new(world);
//!
//! // Ask: `can` decides one request with the policy core, in some request (`may`) and in
//! // every request (`must`): they differ when a condition the request sets decides it.
//! let ci = analysis.resolve("role/ci@333333333333", None)?;
//! let deploy = "arn:aws:iam::222222222222:role/deploy";
//! let (may, must) = analysis.can(ci, "sts:AssumeRole", deploy).expect("ci is a principal");
//! assert_eq!(may.outcome, Outcome::Allow);
//! assert_eq!(must.outcome, Outcome::Allow);
//!
//! // Explain: the statements that allow it (the CI role's policy and the deploy role's
//! // trust), with their file and JSON pointer, and the conditions that gate it (none here).
//! let caller = analysis.caller(ci).expect("a role");
//! let (statements, conditions) =
//!     explain::explain(&analysis.world, &caller, "sts:AssumeRole", deploy, None);
//! for s in &statements {
//!     println!("{} {} in {} at {}", s.effect, s.source, s.file, s.pointer);
//! }
//! assert_eq!(statements.len(), 2);
//! assert!(conditions.is_empty());
//!
//! // The whole-organisation questions: administrators, and who can become one, and how.
//! let admins: Vec<String> = analysis.admins().into_iter().map(|a| a.arn).collect();
//! assert_eq!(admins, ["arn:aws:iam::111111111111:user/root-admin"]);
//! for (who, escalation) in analysis.escalations() {
//!     let how: Vec<&str> = escalation.path.iter().map(|s| s.technique.as_str()).collect();
//!     println!("{who} can become an administrator: {}", how.join(", then "));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! `examples/escalations.rs` prints every escalation path of a directory
//! (`cargo run --example escalations -- examples/org`); [`answer::diff`] compares two
//! snapshots, as `iamlog diff` does.
//!
//! # The parts
//!
//! The policy core ([`policy`]) reads policy documents and decides single requests as AWS
//! does; [`simulate`] runs self-contained request cases; [`lint`] validates documents against
//! the grammar and the bundled [`catalog`] of AWS actions and condition keys; [`lang`] reads
//! and prints the `.iam` text language; [`query`] parses the questions of `iamlog query`.

pub mod answer;
pub mod catalog;
pub mod cli;
pub mod compile;
pub mod derive;
pub mod diag;
pub mod json;
pub mod lang;
pub mod limits;
pub mod lint;
pub mod managed;
pub mod model;
pub mod parallel;
pub mod policy;
pub mod query;
pub mod simulate;
pub mod undecided;

//! iamlog: exact, fast answers to AWS IAM questions.
//!
//! The policy core ([`policy`]) reads policy documents and decides single requests as AWS
//! does; [`simulate`] runs self-contained request cases; [`lint`] validates documents against
//! the grammar and the bundled [`catalog`] of AWS actions and condition keys.

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
pub mod policy;
pub mod query;
pub mod simulate;
pub mod undecided;

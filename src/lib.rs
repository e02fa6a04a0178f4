//! iamlog: exact, fast answers to AWS IAM questions.
//!
//! The policy core ([`policy`]) reads policy documents and decides single requests as AWS
//! does; [`simulate`] runs self-contained request cases; [`lint`] validates documents.

pub mod diag;
pub mod json;
pub mod policy;
pub mod query;
pub mod simulate;
pub mod cli;

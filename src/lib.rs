//! iamlog: exact, fast answers to AWS IAM questions.
pub mod catalog;
pub mod query;

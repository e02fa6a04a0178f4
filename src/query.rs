//! The query language.
use std::ops::Range;
lalrpop_util::lalrpop_mod!(grammar, "/query.rs");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Can {
        principal: Spanned<String>,
        action: Spanned<String>,
        resource: Spanned<String>,
        context: Vec<(Spanned<String>, Spanned<String>)>,
    },
}

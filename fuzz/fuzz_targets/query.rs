//! The query language parser.

#![no_main]

use iamlog::query::Query;
use libfuzzer_sys::fuzz_target;
use std::ops::Range;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let spans: Vec<Range<usize>> = match iamlog::query::parse(text) {
        Ok(Query::Can {
            principal,
            action,
            resource,
            context,
        }) => [principal.span, action.span, resource.span]
            .into_iter()
            .chain(context.into_iter().flat_map(|(k, v)| [k.span, v.span]))
            .collect(),
        Ok(Query::WhoCan { action, resource }) => vec![action.span, resource.span],
        Ok(Query::WhatCan { principal } | Query::Reach { principal }) => vec![principal.span],
        Ok(Query::Path { from, to }) => vec![from.span, to.span],
        Ok(Query::Admins | Query::Escalations | Query::External) => Vec::new(),
        Err(e) => vec![e.span],
    };
    // Spans are byte ranges of the text: they must slice it.
    for span in spans {
        assert!(text.get(span.clone()).is_some(), "{span:?} in {text:?}");
    }
});

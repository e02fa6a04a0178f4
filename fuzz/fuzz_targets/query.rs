//! The query language parser.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match iamlog::query::parse(text) {
        Ok(iamlog::query::Query::Can {
            principal,
            action,
            resource,
            context,
        }) => {
            // Spans are byte ranges of the text: they must slice it.
            for span in [principal.span, action.span, resource.span]
                .into_iter()
                .chain(context.into_iter().flat_map(|(k, v)| [k.span, v.span]))
            {
                assert!(text.get(span).is_some());
            }
        }
        Err(e) => assert!(text.get(e.span.clone()).is_some(), "{e:?}"),
    }
});

//! Property test: `analyze` never panics, whatever the bytes and hints.

use kiln_analyzer::{Hints, analyze};
use kiln_core::Language;
use proptest::prelude::*;

fn hints() -> impl Strategy<Value = Hints> {
    let language = prop_oneof![
        Just(None),
        Just(Some(Language::Js)),
        Just(Some(Language::Python)),
        Just(Some(Language::Wasm)),
    ];
    let file_name = prop_oneof![
        Just(None),
        Just(Some("main.py".to_owned())),
        Just(Some("main.mjs".to_owned())),
        Just(Some("add.wat".to_owned())),
        "[a-z./]{0,12}".prop_map(Some),
    ];
    (language, file_name).prop_map(|(language, file_name)| Hints {
        language,
        file_name,
        ..Hints::default()
    })
}

/// Arbitrary bytes, sometimes behind a prefix that steers detection to one stage or another.
fn source() -> impl Strategy<Value = Vec<u8>> {
    let prefix = prop_oneof![
        Just(Vec::new()),
        Just(b"\0asm\x01\0\0\0".to_vec()),
        Just(b"(module ".to_vec()),
        Just(b"#!/usr/bin/env python3\n".to_vec()),
        Just(b"def f(x):\n    ".to_vec()),
        Just(b"const x = ".to_vec()),
    ];
    (prefix, proptest::collection::vec(any::<u8>(), 0..512))
        .prop_map(|(prefix, tail)| [prefix, tail].concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn analyze_never_panics(source in source(), hints in hints()) {
        let analysis = analyze(&source, &hints);
        prop_assert!(!analysis.reasons.is_empty());
        prop_assert!(analysis.diagnostics.iter().all(|d| d.code != "analyzer-internal-error"));
    }
}

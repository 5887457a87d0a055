//! `analyze` never fails and never panics, whatever the input.

use kiln_analyzer::{Hints, analyze};
use kiln_core::Language;

fn nasty_inputs() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("empty", Vec::new()),
        ("NUL bytes", vec![0; 1024]),
        (
            "invalid UTF-8",
            vec![0xff, 0xfe, b'd', b'e', b'f', 0xc3, 0x28, b'\n'],
        ),
        ("truncated wasm", b"\0asm\x01".to_vec()),
        ("1 MB of (", vec![b'('; 1 << 20]),
        (
            "deep brackets",
            [vec![b'['; 5_000], vec![b']'; 5_000]].concat(),
        ),
        (
            "deep module",
            [b"(module ".to_vec(), vec![b'('; 100_000]].concat(),
        ),
        ("unclosed string", b"\"\"\"".to_vec()),
        (
            "lone surrogate-ish",
            "\u{feff}\u{2028}def\u{0}:".as_bytes().to_vec(),
        ),
    ]
}

#[test]
fn never_panics_on_nasty_inputs() {
    let hints = [
        Hints::default(),
        Hints::for_language(Language::Js),
        Hints::for_language(Language::Python),
        Hints::for_language(Language::Wasm),
    ];
    for (name, input) in nasty_inputs() {
        for hint in &hints {
            let analysis = analyze(&input, hint);
            assert!(!analysis.reasons.is_empty(), "{name} with {hint:?}");
            assert!(
                analysis
                    .diagnostics
                    .iter()
                    .all(|d| d.code != "analyzer-internal-error"),
                "{name} with {hint:?}: {:?}",
                analysis.diagnostics
            );
        }
    }
}

#[test]
fn invalid_utf8_is_reported() {
    let analysis = analyze(b"print(\xff)\n", &Hints::for_language(Language::Python));
    assert!(
        analysis
            .diagnostics
            .iter()
            .any(|d| d.code == "invalid-utf8")
    );
}

#[test]
fn ten_megabytes() {
    let source = "x = 1\n".repeat(10 * 1024 * 1024 / 6);
    // `x = 1` is valid in both languages: ambiguous, so no parser runs.
    let analysis = analyze(source.as_bytes(), &Hints::default());
    assert_eq!(analysis.language, None);
    let analysis = analyze(source.as_bytes(), &Hints::for_language(Language::Python));
    assert!(
        analysis.diagnostics.is_empty(),
        "{:?}",
        analysis.diagnostics
    );
}

//! Stage 4: loops that can never end and allocations that cannot fit, both ways.

use kiln_analyzer::{Hints, analyze};
use kiln_core::Language;

fn found(source: &str, language: Language, code: &str) -> Vec<(u32, u32)> {
    analyze(source.as_bytes(), &Hints::for_language(language))
        .diagnostics
        .into_iter()
        .filter(|d| d.code == code)
        .map(|d| (d.line.unwrap_or(0), d.column.unwrap_or(0)))
        .collect()
}

#[test]
fn endless_loops_are_reported_where_they_start() {
    let cases: &[(&str, Language, (u32, u32))] = &[
        (
            "x = 0\nwhile True:\n    x += 1\nprint(x)\n",
            Language::Python,
            (2, 1),
        ),
        (
            "def f():\n    while 1:\n        pass\n",
            Language::Python,
            (2, 5),
        ),
        ("let i = 0;\nwhile (true) { i++; }\n", Language::Js, (2, 1)),
        ("for (;;) { console.log('again'); }", Language::Js, (1, 1)),
        ("while (true) i++;", Language::Js, (1, 1)),
        (
            "(module\n  (func (export \"_start\")\n    (loop br 0)))",
            Language::Wasm,
            (3, 5),
        ),
        (
            "(module (func (export \"_start\") (loop $again (br $again))))",
            Language::Wasm,
            (1, 33),
        ),
    ];
    for (source, language, at) in cases {
        assert_eq!(found(source, *language, "endless-loop"), [*at], "{source}");
    }
}

#[test]
fn loops_with_a_way_out_are_not_reported() {
    let cases: &[(&str, Language)] = &[
        (
            "while True:\n    line = input()\n    if not line:\n        break\n",
            Language::Python,
        ),
        (
            "def f():\n    while True:\n        return 1\n",
            Language::Python,
        ),
        ("while True:\n    raise SystemExit\n", Language::Python),
        (
            "import sys\nwhile True:\n    sys.exit(0)\n",
            Language::Python,
        ),
        ("while n > 0:\n    n -= 1\n", Language::Python),
        ("while True:\n    pass\n    break\n", Language::Python),
        ("while (true) { if (done()) break; }", Language::Js),
        ("for (;;) { return; }", Language::Js),
        ("while (i < 10) { i++; }", Language::Js),
        (
            "async function f() { while (true) { await tick(); } }",
            Language::Js,
        ),
        (
            "(module (func (loop (br_if 0 (i32.const 0)))))",
            Language::Wasm,
        ),
        (
            "(module (func (loop $l (call $f) (br $l))) (func $f))",
            Language::Wasm,
        ),
    ];
    for (source, language) in cases {
        assert_eq!(found(source, *language, "endless-loop"), [], "{source}");
    }
}

#[test]
fn allocations_that_cannot_fit_are_reported() {
    let cases: &[(&str, Language, (u32, u32))] = &[
        ("x = [0] * 10**10\n", Language::Python, (1, 9)),
        ("s = 'a' * 2**40\n", Language::Python, (1, 9)),
        ("grid = [None] * 1_000_000_000\n", Language::Python, (1, 15)),
        ("new Array(1e9).fill(0)", Language::Js, (1, 5)),
        ("const s = 'x'.repeat(2 ** 40);", Language::Js, (1, 15)),
    ];
    for (source, language, at) in cases {
        assert_eq!(found(source, *language, "memory-bomb"), [*at], "{source}");
    }
}

#[test]
fn ordinary_allocations_are_not_reported() {
    let cases: &[(&str, Language)] = &[
        ("x = [0] * 1000\n", Language::Python),
        ("y = 2 * 10**10\n", Language::Python),
        ("s = '-' * 80\n", Language::Python),
        ("n = x ** 10\n", Language::Python),
        ("new Array(100).fill(0)", Language::Js),
        ("'ab'.repeat(3)", Language::Js),
        ("new Array(n)", Language::Js),
    ];
    for (source, language) in cases {
        assert_eq!(found(source, *language, "memory-bomb"), [], "{source}");
    }
}

//! Stage 1: each language by each signal, unsupported languages, ambiguous input.

use kiln_analyzer::{Confidence, Hints, analyze};
use kiln_core::{Language, Severity};

const PY: Option<Language> = Some(Language::Python);
const JS: Option<Language> = Some(Language::Js);
const WASM: Option<Language> = Some(Language::Wasm);

#[test]
fn explicit_hint_wins_over_everything() {
    let cases: &[(&[u8], Language)] = &[
        (b"console.log(1);", Language::Python),
        (b"def f():\n    pass\n", Language::Js),
        (b"", Language::Wasm),
    ];
    for (source, language) in cases {
        let hints = Hints {
            language: Some(*language),
            file_name: Some("main.rb".into()),
            ..Hints::default()
        };
        let analysis = analyze(source, &hints);
        assert_eq!(analysis.language, Some(*language), "{source:?}");
        assert_eq!(analysis.confidence, Confidence::Certain);
        assert!(
            analysis.reasons[0].contains("explicitly"),
            "{:?}",
            analysis.reasons
        );
    }
}

#[test]
fn file_extension() {
    let cases = [
        ("main.py", PY),
        ("lib/util.PYW", PY),
        ("app.js", JS),
        ("app.mjs", JS),
        ("app.cjs", JS),
        ("add.wat", WASM),
        ("add.wasm", WASM),
        ("spec.wast", WASM),
    ];
    for (name, expected) in cases {
        // Content that points elsewhere: the extension still wins.
        let analysis = analyze(b"x = 1\n", &Hints::for_file(name));
        assert_eq!(analysis.language, expected, "{name}");
        assert_eq!(analysis.confidence, Confidence::High, "{name}");
        assert!(analysis.reasons[0].contains("file name"), "{name}");
    }
}

#[test]
fn wasm_magic_bytes() {
    let analysis = analyze(b"\0asm\x01\0\0\0", &Hints::default());
    assert_eq!(analysis.language, WASM);
    assert_eq!(analysis.confidence, Confidence::Certain);
    assert!(
        analysis.diagnostics.is_empty(),
        "{:?}",
        analysis.diagnostics
    );
}

#[test]
fn shebang() {
    let cases: &[(&str, Option<Language>)] = &[
        ("#!/usr/bin/env python3\nx = 1\n", PY),
        ("#!/usr/bin/python\nx = 1\n", PY),
        ("#!/usr/bin/env node\nx = 1\n", JS),
        ("#!/usr/bin/env -S deno run\nx = 1\n", JS),
        ("#!/usr/local/bin/bun\nx = 1\n", JS),
    ];
    for (source, expected) in cases {
        let analysis = analyze(source.as_bytes(), &Hints::default());
        assert_eq!(analysis.language, *expected, "{source}");
        assert_eq!(analysis.confidence, Confidence::High, "{source}");
        assert!(analysis.reasons[0].contains("shebang"), "{source}");
    }
}

#[test]
fn wat_module() {
    let cases = [
        "(module)",
        "  \n(module\n  (func (export \"f\")))\n",
        ";; a comment\n(module $m)\n",
        "(; block\ncomment ;) (module)",
    ];
    for source in cases {
        let analysis = analyze(source.as_bytes(), &Hints::default());
        assert_eq!(analysis.language, WASM, "{source}");
        assert_eq!(analysis.confidence, Confidence::High, "{source}");
        assert!(
            analysis.diagnostics.is_empty(),
            "{source}: {:?}",
            analysis.diagnostics
        );
    }
    // `(modules` is not WAT's `(module`.
    assert_ne!(analyze(b"(modules)", &Hints::default()).language, WASM);
}

#[test]
fn content_heuristics() {
    let cases: &[(&str, Option<Language>, Confidence)] = &[
        (
            "import math\n\ndef area(r):\n    return math.pi * r ** 2\n\nprint(area(2))\n",
            PY,
            Confidence::High,
        ),
        (
            "from os import path\nfor x in range(3):\n    print(x)\n",
            PY,
            Confidence::High,
        ),
        ("def f(x):\n    return x\n", PY, Confidence::Medium),
        // A trailing comment does not turn Python's `def` into Ruby's.
        (
            "def f(x):  # doubles\n    return x * 2\n",
            PY,
            Confidence::Medium,
        ),
        (
            "const xs = [1, 2, 3];\nconsole.log(xs.map((x) => x * 2));\n",
            JS,
            Confidence::High,
        ),
        (
            "function add(a, b) {\n  return a + b\n}\n",
            JS,
            Confidence::Medium,
        ),
        ("import fs from 'fs';\nlet a = 1;\n", JS, Confidence::High),
        ("const fs = require('fs');\n", JS, Confidence::High),
        ("print(1)", PY, Confidence::Low),
    ];
    for (source, expected, confidence) in cases {
        let analysis = analyze(source.as_bytes(), &Hints::default());
        assert_eq!(
            analysis.language, *expected,
            "{source}: {:?}",
            analysis.reasons
        );
        assert_eq!(
            analysis.confidence, *confidence,
            "{source}: {:?}",
            analysis.reasons
        );
        assert!(!analysis.reasons.is_empty());
    }
}

#[test]
fn ambiguous_input_says_so() {
    let cases: &[&[u8]] = &[b"", b"   \n\t\n", b"print(1)", b"x", b"1 + 2"];
    for source in cases {
        let analysis = analyze(source, &Hints::default());
        assert_eq!(analysis.confidence, Confidence::Low, "{source:?}");
        let reasons = analysis.reasons.join(" ");
        assert!(
            reasons.contains("ambiguous")
                || reasons.contains("empty")
                || reasons.contains("no sign"),
            "{source:?}: {reasons}"
        );
    }
}

#[test]
fn unsupported_languages_are_named() {
    let cases = [
        ("interface User {\n  name: string;\n}\n", "TypeScript"),
        (
            "const name: string = 'kiln';\nconsole.log(name);\n",
            "TypeScript",
        ),
        ("def greet\n  puts 'hi'\nend\n", "Ruby"),
        (
            "#include <stdio.h>\nint main(void) { printf(\"hi\"); return 0; }\n",
            "C/C++",
        ),
        ("fn main() {\n    println!(\"hi\");\n}\n", "Rust"),
        (
            "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n",
            "Go",
        ),
        (
            "class Main {\n  public static void main(String[] args) {\n    System.out.println(\"hi\");\n  }\n}\n",
            "Java",
        ),
    ];
    for (source, name) in cases {
        let analysis = analyze(source.as_bytes(), &Hints::default());
        assert_eq!(analysis.language, None, "{name}: {:?}", analysis.reasons);
        assert!(
            analysis.reasons[0].contains(name),
            "{name}: {:?}",
            analysis.reasons
        );
        let diagnostic = &analysis.diagnostics[0];
        assert_eq!(diagnostic.code, "unsupported-language");
        assert_eq!(diagnostic.severity, Severity::Info);
        assert!(diagnostic.message.contains(name), "{}", diagnostic.message);
    }
    let by_name = analyze(b"let x: number = 1;", &Hints::for_file("a.ts"));
    assert_eq!(by_name.language, None);
    assert_eq!(by_name.confidence, Confidence::High);
    assert_eq!(by_name.diagnostics[0].code, "unsupported-language");
}

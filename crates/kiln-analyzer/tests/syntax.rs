//! Stage 2: syntax errors from each engine's own parser, with exact positions.
//!
//! Positions marked "reference" were checked against CPython 3 (`compile()`: `lineno`, `offset`)
//! and `node --check` (the caret's column) on the development machine.

#![cfg(all(feature = "js", feature = "python", feature = "wasm"))]

use kiln_analyzer::{Hints, analyze};
use kiln_core::{Language, Severity};

fn first_error(source: &str, language: Language) -> (String, u32, u32) {
    let analysis = analyze(source.as_bytes(), &Hints::for_language(language));
    let diagnostic = analysis
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .unwrap_or_else(|| panic!("no error for {source:?}: {:?}", analysis.diagnostics));
    assert_eq!(diagnostic.code, "syntax-error", "{source:?}");
    (
        diagnostic.message.clone(),
        diagnostic.line.unwrap_or(0),
        diagnostic.column.unwrap_or(0),
    )
}

#[test]
fn python_syntax_errors() {
    let cases = [
        // (source, error kind, line, column); positions reference-checked against CPython. The
        // message is RustPython's parser's own, which words some errors differently.
        ("x = (1,\ny = 2\n", "SyntaxError: ", 1, 5),
        ("x = 1\ny = = 2\n", "SyntaxError: ", 2, 5),
        ("def f():\n    return 1 +\n", "SyntaxError: ", 2, 15),
        ("for i in range(3)\n    print(i)\n", "SyntaxError: ", 1, 18),
        ("while True print(1)\n", "SyntaxError: ", 1, 12),
        ("if True:\nprint(1)\n", "IndentationError: ", 2, 1),
    ];
    for (source, message, line, column) in cases {
        let (got, got_line, got_column) = first_error(source, Language::Python);
        assert!(got.contains(message), "{source:?}: {got}");
        assert_eq!((got_line, got_column), (line, column), "{source:?}: {got}");
    }
}

#[test]
fn js_syntax_errors() {
    let cases = [
        // (source, module, line, column); all reference-checked against `node --check`.
        ("const x = ;\n", 1, 11),
        ("let a = 1;\nlet b = ;\n", 2, 9),
        ("function f() {\n  return 1 +;\n}\n", 2, 13),
        ("const a = [1, 2;\n", 1, 16),
        ("let s = \"abc\n", 1, 9),
    ];
    for (source, line, column) in cases {
        let (got, got_line, got_column) = first_error(source, Language::Js);
        assert_eq!((got_line, got_column), (line, column), "{source:?}: {got}");
    }
}

#[test]
fn js_modules_are_parsed_as_modules() {
    // `await` at the top level is only valid in a module.
    let module = "import { x } from './x.js';\nawait x;\n";
    assert!(
        analyze(module.as_bytes(), &Hints::for_language(Language::Js))
            .diagnostics
            .is_empty()
    );
    let mjs = analyze(b"await 1;\n", &Hints::for_file("main.mjs"));
    assert!(mjs.diagnostics.is_empty(), "{:?}", mjs.diagnostics);
    let script = analyze(b"await 1;\n", &Hints::for_file("main.js"));
    assert!(!script.diagnostics.is_empty());
}

#[test]
fn wat_syntax_errors() {
    let (message, line, column) = first_error(
        "(module\n  (func (result i32)\n    i32.const\n  )\n)\n",
        Language::Wasm,
    );
    assert!(line >= 3, "{message} at {line}:{column}");
    let (message, line, _) = first_error("(module\n  (func $f (bogus))\n)\n", Language::Wasm);
    assert_eq!(line, 2, "{message}");
}

#[test]
fn invalid_wasm_modules() {
    let analysis = analyze(
        b"(module (func (result i32) i64.const 1))",
        &Hints::default(),
    );
    assert_eq!(analysis.language, Some(Language::Wasm));
    assert_eq!(analysis.diagnostics[0].code, "invalid-module");
    let truncated = analyze(b"\0asm\x01\0\0\0\x01", &Hints::default());
    assert_eq!(truncated.diagnostics[0].severity, Severity::Error);
}

#[test]
fn valid_programs_have_no_diagnostics() {
    let cases: &[(&str, &str)] = &[
        (
            "main.py",
            "import math\n\ndef f(x):\n    return math.sqrt(x)\n\nprint(f(4))\n",
        ),
        (
            "main.py",
            "class A:\n    def __init__(self):\n        self.x = [i for i in range(3)]\n",
        ),
        (
            "main.js",
            "const xs = [1, 2, 3];\nconsole.log(xs.map((x) => x * 2));\n",
        ),
        ("main.mjs", "export const x = 1;\nconsole.log(x);\n"),
        (
            "add.wat",
            "(module\n  (func (export \"add\") (param i32 i32) (result i32)\n    local.get 0\n    local.get 1\n    i32.add))\n",
        ),
    ];
    for (name, source) in cases {
        let analysis = analyze(source.as_bytes(), &Hints::for_file(*name));
        assert!(
            analysis.diagnostics.is_empty(),
            "{name}: {:?}",
            analysis.diagnostics
        );
    }
}

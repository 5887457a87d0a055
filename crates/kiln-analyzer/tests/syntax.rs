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

/// (source, error kind, line, column). The message is RustPython's parser's own, which words
/// some errors differently; the positions are CPython's (`reference_tools_agree` checks them).
const PYTHON_CASES: &[(&str, &str, u32, u32)] = &[
    ("x = (1,\ny = 2\n", "SyntaxError: ", 1, 5),
    ("x = 1\ny = = 2\n", "SyntaxError: ", 2, 5),
    ("def f():\n    return 1 +\n", "SyntaxError: ", 2, 15),
    ("for i in range(3)\n    print(i)\n", "SyntaxError: ", 1, 18),
    ("while True print(1)\n", "SyntaxError: ", 1, 12),
    ("if True:\nprint(1)\n", "IndentationError: ", 2, 1),
];

/// (source, line, column), as `node --check` reports them (`reference_tools_agree`).
const JS_CASES: &[(&str, u32, u32)] = &[
    ("const x = ;\n", 1, 11),
    ("let a = 1;\nlet b = ;\n", 2, 9),
    ("function f() {\n  return 1 +;\n}\n", 2, 13),
    ("const a = [1, 2;\n", 1, 16),
    ("let s = \"abc\n", 1, 9),
];

#[test]
fn python_syntax_errors() {
    for &(source, message, line, column) in PYTHON_CASES {
        let (got, got_line, got_column) = first_error(source, Language::Python);
        assert!(got.contains(message), "{source:?}: {got}");
        assert_eq!((got_line, got_column), (line, column), "{source:?}: {got}");
    }
}

#[test]
fn js_syntax_errors() {
    for &(source, line, column) in JS_CASES {
        let (got, got_line, got_column) = first_error(source, Language::Js);
        assert_eq!((got_line, got_column), (line, column), "{source:?}: {got}");
    }
}

#[test]
fn js_modules_are_parsed_as_modules() {
    // `await` at the top level is only valid in a module.
    let module = "import { x } from './x.js';\nawait x;\n";
    let hints = Hints::for_language(Language::Js).with_workspace(["x.js"]);
    assert!(analyze(module.as_bytes(), &hints).diagnostics.is_empty());
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

/// Runs `tool args…` on `source` written to a scratch file; `None` when the tool is missing.
fn reference(tool: &str, args: &[&str], name: &str, source: &str) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("kiln-syntax-ref-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(name);
    std::fs::write(&path, source).ok()?;
    let output = std::process::Command::new(tool)
        .args(args)
        .arg(&path)
        .output()
        .ok()?;
    let _ = std::fs::remove_file(&path);
    Some(format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// The positions in the tables above are the reference tools' own: CPython's `compile()` and
/// `node --check` report the same line (and column) as the analyzer. Skipped, saying so, where
/// a tool is not installed.
#[test]
fn reference_tools_agree() {
    const CPYTHON: &str = "import sys\n\
        try:\n    compile(open(sys.argv[1]).read(), 'main.py', 'exec')\n\
        except SyntaxError as e:\n    print(e.lineno, e.offset)\n";
    let script = std::env::temp_dir().join(format!("kiln-cpython-{}.py", std::process::id()));
    std::fs::write(&script, CPYTHON).unwrap();
    let mut checked = 0;
    for &(source, _, line, column) in PYTHON_CASES {
        let Some(out) = reference("python3", &[script.to_str().unwrap()], "case.py", source) else {
            eprintln!("SKIPPED: python3 not found; Python positions not re-checked");
            break;
        };
        assert_eq!(
            out.trim(),
            format!("{line} {column}"),
            "CPython on {source:?}"
        );
        checked += 1;
    }
    let _ = std::fs::remove_file(&script);
    for &(source, line, _) in JS_CASES {
        let Some(out) = reference("node", &["--check"], "case.js", source) else {
            eprintln!("SKIPPED: node not found; JavaScript positions not re-checked");
            break;
        };
        // node prints `path:LINE` on the first line of its report.
        let reported = out
            .lines()
            .next()
            .and_then(|l| l.rsplit(':').next())
            .and_then(|n| n.trim().parse::<u32>().ok());
        assert_eq!(reported, Some(line), "node --check on {source:?}: {out}");
        checked += 1;
    }
    eprintln!("{checked} positions re-checked against the reference tools");
}

//! Stage 5: imports, each classified as standard library, workspace file or missing.

use kiln_analyzer::{Hints, Import, Origin, analyze};
use kiln_core::Language;

fn imports(source: &str, hints: &Hints) -> Vec<Import> {
    analyze(source.as_bytes(), hints).imports
}

fn origins(source: &str, hints: &Hints) -> Vec<(String, Origin)> {
    imports(source, hints)
        .into_iter()
        .map(|i| (i.name, i.origin))
        .collect()
}

fn missing(closest: Option<&str>) -> Origin {
    Origin::Missing {
        closest: closest.map(str::to_owned),
    }
}

fn workspace(path: &str) -> Origin {
    Origin::Workspace {
        path: path.to_owned(),
    }
}

#[test]
fn python_imports_are_classified() {
    let hints = Hints::for_file("main.py").with_workspace([
        "helper.py",
        "pkg/__init__.py",
        "pkg/util.py",
        "data/x.py",
    ]);
    let source = "import json, os.path as p\nimport jsonn\nfrom pkg import util\nfrom pkg.util import f\nimport helper\nfrom collections import (\n    deque)\nimport data\nimport pkg.nothing\nimport zzzzzzzz\nfrom __future__ import annotations\n";
    assert_eq!(
        origins(source, &hints),
        vec![
            ("json".to_owned(), Origin::Standard),
            ("os.path".to_owned(), Origin::Standard),
            ("jsonn".to_owned(), missing(Some("json"))),
            ("pkg".to_owned(), workspace("pkg/__init__.py")),
            ("pkg.util".to_owned(), workspace("pkg/util.py")),
            ("helper".to_owned(), workspace("helper.py")),
            ("collections".to_owned(), Origin::Standard),
            ("data".to_owned(), workspace("data/")),
            ("pkg.nothing".to_owned(), missing(None)),
            ("zzzzzzzz".to_owned(), missing(None)),
        ]
    );
}

#[test]
fn python_positions_and_warnings() {
    let analysis = analyze(b"x = 1\nimport colections\n", &Hints::for_file("main.py"));
    let import = &analysis.imports[0];
    assert_eq!((import.line, import.column), (Some(2), Some(8)));
    let warning = analysis
        .diagnostics
        .iter()
        .find(|d| d.code == "import-missing")
        .expect("a warning for the missing module");
    assert_eq!((warning.line, warning.column), (Some(2), Some(8)));
    assert!(
        warning.message.contains("did you mean `collections`?"),
        "{}",
        warning.message
    );
}

#[test]
fn python_rules_are_not_repeated_by_the_import_check() {
    let analysis = analyze(b"import numpy\n", &Hints::for_file("main.py"));
    let codes: Vec<&str> = analysis
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["py-package"]);
    assert_eq!(analysis.imports[0].origin, missing(None));
}

#[test]
fn python_relative_imports_resolve_from_the_package() {
    let hints = Hints::for_file("pkg/main.py").with_workspace(["pkg/helper.py", "pkg/sub/deep.py"]);
    assert_eq!(
        origins(
            "from . import helper\nfrom .sub import deep\nfrom .helpr import x\n",
            &hints
        ),
        vec![
            (".helper".to_owned(), workspace("pkg/helper.py")),
            (".sub".to_owned(), missing(None)),
            (".helpr".to_owned(), missing(Some(".helper"))),
        ]
    );
}

#[test]
fn python_imports_in_strings_and_comments_are_not_imports() {
    let source = "# import os\ns = 'import sys'\nprint('from json import x')\n";
    assert!(imports(source, &Hints::for_file("main.py")).is_empty());
}

#[test]
fn python_standard_library_list_comes_from_the_build() {
    let names = kiln_python::standard_module_names();
    for wanted in [
        "json",
        "re",
        "math",
        "collections",
        "sys",
        "itertools",
        "dataclasses",
        "random",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} missing from {names:?}"
        );
    }
    for withheld in ["_socket", "test", "mmap"] {
        assert!(
            !names.iter().any(|n| n == withheld),
            "{withheld} should not be listed"
        );
    }
}

#[test]
fn js_imports_are_classified() {
    let hints = Hints::for_file("src/main.js").with_workspace([
        "src/lib.js",
        "src/util/index.js",
        "shared.mjs",
    ]);
    let source = "import { a } from './lib.js';\nimport u from './util';\nimport s from '../shared';\nimport b from './lbi';\nimport 'lodash';\nexport * from './lib';\nconst m = await import('node:fs');\nconst x = obj.import('nope');\n";
    assert_eq!(
        origins(source, &hints),
        vec![
            ("./lib.js".to_owned(), workspace("src/lib.js")),
            ("./util".to_owned(), workspace("src/util/index.js")),
            ("../shared".to_owned(), workspace("shared.mjs")),
            ("./lbi".to_owned(), missing(Some("./lib.js"))),
            ("lodash".to_owned(), missing(None)),
            ("./lib".to_owned(), workspace("src/lib.js")),
            ("node:fs".to_owned(), missing(None)),
        ]
    );
}

#[test]
fn js_missing_imports_warn_with_position() {
    let analysis = analyze(b"import x from './nope.js';\n", &Hints::for_file("main.js"));
    let warning = &analysis.diagnostics[0];
    assert_eq!(warning.code, "import-missing");
    assert_eq!((warning.line, warning.column), (Some(1), Some(15)));
    assert!(
        warning.message.contains("no workspace file"),
        "{}",
        warning.message
    );
}

#[test]
fn js_require_is_listed_once_and_said_once() {
    let analysis = analyze(b"const fs = require('fs');\n", &Hints::for_file("main.js"));
    assert_eq!(analysis.imports.len(), 1);
    let codes: Vec<&str> = analysis
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["js-require"]);
}

#[test]
fn wasm_imports_are_checked_against_what_kiln_provides() {
    let source = "(module\n  (import \"wasi_snapshot_preview1\" \"fd_write\" (func (param i32 i32 i32 i32) (result i32)))\n  (import \"wasi_snapshot_preview1\" \"fd_writ\" (func (param i32)))\n  (import \"env\" \"print\" (func (param i32))))\n";
    let analysis = analyze(source.as_bytes(), &Hints::for_language(Language::Wasm));
    assert_eq!(
        analysis
            .imports
            .iter()
            .map(|i| (i.name.as_str(), i.origin.clone(), i.line))
            .collect::<Vec<_>>(),
        vec![
            ("wasi_snapshot_preview1.fd_write", Origin::Standard, Some(2)),
            (
                "wasi_snapshot_preview1.fd_writ",
                missing(Some("wasi_snapshot_preview1.fd_write")),
                Some(3)
            ),
            ("env.print", missing(None), Some(4)),
        ]
    );
    let error = &analysis.diagnostics[0];
    assert_eq!(error.code, "missing-imports");
    assert!(error.message.contains("env.print"), "{}", error.message);
    assert!(!error.message.contains("fd_write ("), "{}", error.message);
}

#[test]
fn wasm_without_imports_is_clean() {
    let analysis = analyze(b"(module (func (export \"f\")))", &Hints::default());
    assert!(analysis.imports.is_empty());
    assert!(
        analysis.diagnostics.is_empty(),
        "{:?}",
        analysis.diagnostics
    );
}

#[test]
fn runner_is_named_for_a_known_language() {
    assert_eq!(
        analyze(b"print(1)", &Hints::for_file("a.py"))
            .runner
            .as_deref(),
        Some("python")
    );
    assert_eq!(analyze(b"", &Hints::default()).runner, None);
}

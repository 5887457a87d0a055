//! Stage 3: every environment and risk rule, matching and not matching, and per-embedding actions.

use kiln_analyzer::{Action, Hints, RuleConfig, analyze, analyze_with};
use kiln_core::{Language, Severity};

fn codes(source: &str, language: Language) -> Vec<(String, Severity, u32, u32)> {
    analyze(source.as_bytes(), &Hints::for_language(language))
        .diagnostics
        .into_iter()
        .filter(|d| d.code.starts_with("js-") || d.code.starts_with("py-"))
        .map(|d| {
            (
                d.code,
                d.severity,
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
            )
        })
        .collect()
}

fn only_codes(source: &str, language: Language) -> Vec<String> {
    codes(source, language).into_iter().map(|c| c.0).collect()
}

/// A source and the rules it should trigger: (code, severity, line, column).
type Expectation = (&'static str, &'static [(&'static str, Severity, u32, u32)]);

#[test]
fn js_rules_match_with_positions() {
    use Severity::{Info, Warning};
    let cases: &[Expectation] = &[
        (
            "const r = await fetch('/api');",
            &[("js-network", Warning, 1, 17)],
        ),
        (
            "let x = new XMLHttpRequest();",
            &[("js-network", Warning, 1, 13)],
        ),
        (
            "console.log(1);\ndocument.title = 'x';",
            &[("js-dom", Warning, 2, 1)],
        ),
        ("window.alert('hi')", &[("js-dom", Warning, 1, 1)]),
        ("localStorage.setItem('k', 1)", &[("js-dom", Warning, 1, 1)]),
        (
            "const fs = require('fs');",
            &[("js-require", Warning, 1, 12)],
        ),
        ("eval('1 + 1')", &[("js-eval", Info, 1, 1)]),
        (
            "const f = new Function('a', 'return a');",
            &[("js-eval", Info, 1, 15)],
        ),
    ];
    for (source, expected) in cases {
        let got = codes(source, Language::Js);
        let expected: Vec<_> = expected
            .iter()
            .map(|(c, s, l, col)| (c.to_string(), *s, *l, *col))
            .collect();
        assert_eq!(got, expected, "{source}");
    }
}

#[test]
fn js_rules_ignore_strings_comments_members_and_own_names() {
    for source in [
        "console.log('fetch document window');",
        "// fetch(url)\n/* document.write */ console.log(1);",
        "const s = `use fetch and require('x')`;",
        "const api = { fetch: 1 }; console.log(api.fetch, obj.document);",
        "const requirement = 1; const evaluate = 2;",
        "class Window {}",
        "function fetch(x) { return x } fetch(1);\nconst document = {};",
    ] {
        assert_eq!(
            only_codes(source, Language::Js),
            Vec::<String>::new(),
            "{source}"
        );
    }
}

#[test]
fn python_rules_match_imports_and_calls() {
    let cases: &[(&str, &str, u32, u32)] = &[
        ("import subprocess\n", "py-process", 1, 8),
        ("from subprocess import run\n", "py-process", 1, 6),
        ("import os\nos.system('ls')\n", "py-process", 2, 4),
        ("import socket\n", "py-network", 1, 8),
        ("import requests\n", "py-network", 1, 8),
        ("from urllib.request import urlopen\n", "py-network", 1, 6),
        ("import threading\n", "py-threads", 1, 8),
        (
            "from concurrent.futures import ThreadPoolExecutor\n",
            "py-threads",
            1,
            6,
        ),
        ("import numpy as np\n", "py-package", 1, 8),
        ("import pandas, json\n", "py-package", 1, 8),
        ("from matplotlib import pyplot\n", "py-package", 1, 6),
    ];
    for (source, code, line, column) in cases {
        let got = codes(source, Language::Python);
        assert_eq!(got.len(), 1, "{source}: {got:?}");
        assert_eq!(
            (got[0].0.as_str(), got[0].2, got[0].3),
            (*code, *line, *column),
            "{source}"
        );
    }
}

#[test]
fn python_rules_ignore_strings_comments_and_harmless_modules() {
    for source in [
        "import json, math, re\nfrom collections import Counter\n",
        "# import subprocess\nprint('import socket')\n",
        "s = '''\nimport numpy\n'''\nprint(s)\n",
        "import os\nprint(os.path.join('a', 'b'))\n",
        "import numpyish\n",
        "from urllib.parse import quote\n",
        "x = f'{1}' + r'import requests'\n",
    ] {
        assert_eq!(
            only_codes(source, Language::Python),
            Vec::<String>::new(),
            "{source}"
        );
    }
}

#[test]
fn embeddings_can_block_soften_or_silence_rules() {
    let hints = Hints::for_language(Language::Js);
    let source = b"fetch('/x'); eval('1')";
    let blocked = analyze_with(
        source,
        &hints,
        &RuleConfig::new().with("js-network", Action::Block),
    );
    let network = blocked
        .diagnostics
        .iter()
        .find(|d| d.code == "js-network")
        .unwrap();
    assert_eq!(network.severity, Severity::Error);
    let quiet = analyze_with(
        source,
        &hints,
        &RuleConfig::new()
            .without("js-eval")
            .with("js-network", Action::Info),
    );
    let codes: Vec<_> = quiet
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.severity))
        .collect();
    assert_eq!(codes, [("js-network", Severity::Info)]);
}

#[test]
fn rules_do_not_apply_to_webassembly() {
    let analysis = analyze(
        b"(module (func (export \"fetch\")))",
        &Hints::for_language(Language::Wasm),
    );
    assert!(
        analysis.diagnostics.is_empty(),
        "{:?}",
        analysis.diagnostics
    );
}

#[test]
fn every_rule_has_a_unique_code_and_says_what_to_do() {
    let mut seen = std::collections::HashSet::new();
    for rule in kiln_analyzer::RULES {
        assert!(seen.insert(rule.code), "duplicate {}", rule.code);
        assert!(
            rule.message.contains("{}"),
            "{} does not name what it found",
            rule.code
        );
    }
}

//! Every diagnostic code the code base emits is explained in `docs/diagnostics.md`.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The first string literal after each `Diagnostic::error(` / `Diagnostic::new(` in `source`
/// that looks like a code (`kebab-case`).
fn codes_in(source: &str) -> Vec<String> {
    let mut codes = Vec::new();
    for marker in ["Diagnostic::error(", "Diagnostic::new("] {
        for (at, _) in source.match_indices(marker) {
            let window: String = source[at + marker.len()..].chars().take(240).collect();
            let literal = window.split('"').nth(1).unwrap_or_default();
            let is_code = !literal.is_empty()
                && literal.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && !literal.starts_with('-')
                && !literal.ends_with('-');
            if is_code {
                codes.push(literal.to_owned());
            }
        }
    }
    codes
}

#[test]
fn every_emitted_diagnostic_code_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let docs = std::fs::read_to_string(root.join("docs/diagnostics.md")).unwrap();
    let mut files = Vec::new();
    for krate in std::fs::read_dir(root.join("crates")).unwrap() {
        let src = krate.unwrap().path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    let mut codes: Vec<String> = files
        .iter()
        .flat_map(|file| codes_in(&std::fs::read_to_string(file).unwrap()))
        .collect();
    codes.extend(kiln_analyzer::RULES.iter().map(|rule| rule.code.to_owned()));
    codes.sort();
    codes.dedup();
    assert!(
        codes.len() >= 10,
        "found too few codes to be believable: {codes:?}"
    );
    let missing: Vec<_> = codes
        .iter()
        .filter(|code| !docs.contains(&format!("### `{code}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a section in docs/diagnostics.md: {missing:?}"
    );
}

//! Stage 2: syntax, with each engine's own parser.

use kiln_core::Language;
#[cfg(any(feature = "js", feature = "python", feature = "wasm"))]
use kiln_core::{Diagnostic, Severity};

use crate::{Analysis, Hints};

/// Deepest bracket nesting handed to RustPython's recursive parser; CPython itself stops at 200
/// ("too many nested parentheses").
#[cfg(feature = "python")]
const PYTHON_MAX_NESTING: usize = 200;

/// Deepest parenthesis nesting handed to the `wat` parser.
#[cfg(feature = "wasm")]
const WAT_MAX_NESTING: usize = 1_000;

/// What the syntax stage learnt that later stages reuse.
#[derive(Default)]
pub(crate) struct Facts {
    /// A WebAssembly module's imports, read while compiling it (so stage 5 need not compile it
    /// again).
    #[cfg(feature = "wasm")]
    pub(crate) wasm_imports: Option<Vec<kiln_wasm::ModuleImport>>,
}

/// Runs the syntax check for `language` and appends what it finds to `analysis`.
pub(crate) fn check(
    language: Language,
    source: &[u8],
    hints: &Hints,
    analysis: &mut Analysis,
) -> Facts {
    let _ = (source, hints);
    #[allow(unused_mut)]
    let mut facts = Facts::default();
    match language {
        #[cfg(feature = "js")]
        Language::Js => {
            let text = String::from_utf8_lossy(source);
            let module = is_js_module(&text, hints.file_name.as_deref());
            let found = guarded(|| kiln_js::parse_check(&text, module)).unwrap_or_else(|d| vec![d]);
            analysis.diagnostics.extend(found);
        }
        #[cfg(feature = "python")]
        Language::Python => {
            let text = String::from_utf8_lossy(source);
            let nesting = max_nesting(&text);
            if nesting > PYTHON_MAX_NESTING {
                analysis
                    .diagnostics
                    .push(too_deep(nesting, PYTHON_MAX_NESTING));
            } else {
                let name = hints.file_name.as_deref().unwrap_or("main.py");
                let found =
                    guarded(|| kiln_python::parse_check(&text, name)).unwrap_or_else(|d| vec![d]);
                analysis.diagnostics.extend(found);
            }
        }
        #[cfg(feature = "wasm")]
        Language::Wasm => {
            let code = if source.starts_with(crate::detect::WASM_MAGIC) {
                kiln_core::Code::Binary(source.to_vec())
            } else {
                let text = String::from_utf8_lossy(source).into_owned();
                let nesting = max_nesting(&text);
                if nesting > WAT_MAX_NESTING {
                    analysis
                        .diagnostics
                        .push(too_deep(nesting, WAT_MAX_NESTING));
                    return facts;
                }
                kiln_core::Code::Text(text)
            };
            // Compiling the module validates it and lists its imports in one go.
            match guarded(|| kiln_wasm::module_imports(&code)).and_then(|r| r) {
                Ok(imports) => facts.wasm_imports = Some(imports),
                Err(diagnostic) => analysis.diagnostics.push(diagnostic),
            }
        }
        #[allow(unreachable_patterns)]
        _ => analysis.reasons.push(format!(
            "the syntax was not checked: this build has no {} parser",
            language.display_name()
        )),
    }
    facts
}

/// Whether JavaScript should be parsed as a module: a `.mjs` file, or `import`/`export` at the
/// start of a line (not a dynamic `import(`).
#[cfg(feature = "js")]
pub(crate) fn is_js_module(text: &str, file_name: Option<&str>) -> bool {
    if file_name.is_some_and(|name| name.to_ascii_lowercase().ends_with(".mjs")) {
        return true;
    }
    text.lines().any(|line| {
        (line.starts_with("import ") || line.starts_with("import{") || line.starts_with("export "))
            || line.starts_with("export{")
    })
}

/// The deepest nesting of `(`, `[` and `{` (unbalanced closers are ignored).
#[cfg(any(feature = "python", feature = "wasm"))]
fn max_nesting(text: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for byte in text.bytes() {
        match byte {
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(any(feature = "python", feature = "wasm"))]
fn too_deep(nesting: usize, limit: usize) -> Diagnostic {
    Diagnostic::new(
        Severity::Warning,
        "nesting-too-deep",
        format!(
            "brackets nest {nesting} levels deep (more than {limit}); the syntax was not checked"
        ),
    )
}

/// Runs a parser, turning a panic inside it (a bug in an engine) into a diagnostic, so that
/// [`analyze`](crate::analyze) keeps its promise on native targets.
#[cfg(any(feature = "js", feature = "python", feature = "wasm"))]
fn guarded<T>(parse: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)).map_err(|_| {
        Diagnostic::new(
            Severity::Warning,
            "analyzer-internal-error",
            "the parser failed on this input; the syntax was not checked",
        )
    })
}

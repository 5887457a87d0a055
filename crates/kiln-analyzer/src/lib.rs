//! Kiln's CodeAnalyzer: looks at code before it runs and says, in plain words, which language it
//! is and whether it parses.
//!
//! [`analyze`] never fails and never panics, whatever the input (empty, binary, invalid UTF-8,
//! megabytes of brackets): everything it finds is a value in the returned [`Analysis`].
//!
//! - **Stage 1, detection**, in this order: the explicit [`Hints::language`]; the file extension of
//!   [`Hints::file_name`]; the wasm magic bytes (`\0asm`); a shebang (`python`, `node`, `deno`,
//!   `bun`); WAT text starting with `(module`; then content heuristics, a small table of weighted
//!   signals. Languages Kiln does not run (TypeScript, Ruby, C/C++, Rust, Go, Java) are recognised
//!   and named, with an `unsupported-language` info diagnostic.
//! - **Stage 2, syntax**, with each engine's own parser, so what the analyzer accepts is what the
//!   runner accepts (DESIGN.md §2, "Parsers live where the engines live"): Boa for JavaScript,
//!   RustPython's compiler for Python, the `wat` parser and wasmi's validation for WebAssembly.
//!   Each parser sits behind a cargo feature (`js`, `python`, `wasm`, all on by default), so a
//!   browser worker links only its own; a language whose parser is not built is detected but not
//!   checked, and [`Analysis::reasons`] says so.
//! - **Stage 3, environment and risk rules** ([`RULES`]): what the program reaches for that the
//!   sandbox does not give it, with a per-embedding [`Action`] ([`RuleConfig`]).
//! - **Stage 4, resources**: loops that can never end and allocations that cannot fit.
//! - **Stage 5, dependencies** ([`Analysis::imports`]): each import classified as standard library,
//!   workspace file ([`Hints::workspace_files`]) or missing with the closest name ([`Origin`]).
//!
//! [`RunnerRegistry::select`] then picks the runner, or refuses with diagnostics that say why.
//!
//! ```
//! use kiln_analyzer::{analyze, Confidence, Hints};
//! use kiln_core::Language;
//!
//! let analysis = analyze(b"def greet(name):\n    print('hi', name)\n", &Hints::default());
//! assert_eq!(analysis.language, Some(Language::Python));
//! assert!(analysis.confidence >= Confidence::Medium);
//! assert!(analysis.diagnostics.is_empty());
//!
//! let analysis = analyze(b"const x = ;", &Hints::for_file("main.js"));
//! assert_eq!(analysis.diagnostics[0].code, "syntax-error");
//! assert_eq!(analysis.diagnostics[0].line, Some(1));
//! ```
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

mod detect;
mod imports;
mod resources;
mod rules;
mod selector;
mod syntax;

use kiln_core::{Diagnostic, Language};

pub use imports::{Import, Origin};
pub use rules::{Action, RULES, Rule, RuleConfig};
pub use selector::{Availability, Refusal, RunnerInfo, RunnerRegistry, Selection, Verdict};

/// What the caller already knows about the code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    /// The language, when the user or the embedding chose it; it wins over everything else.
    pub language: Option<Language>,
    /// The file name (or path), whose extension is the next-best signal; imports resolve from its
    /// folder.
    pub file_name: Option<String>,
    /// Paths of the other files in the workspace, so imports of them are recognised.
    pub workspace_files: Vec<String>,
}

impl Hints {
    /// Hints naming only the language.
    #[must_use]
    pub fn for_language(language: Language) -> Self {
        Hints {
            language: Some(language),
            ..Hints::default()
        }
    }

    /// Hints naming only the file.
    #[must_use]
    pub fn for_file(file_name: impl Into<String>) -> Self {
        Hints {
            file_name: Some(file_name.into()),
            ..Hints::default()
        }
    }

    /// These hints, with the paths of the workspace's files.
    #[must_use]
    pub fn with_workspace(mut self, files: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.workspace_files = files.into_iter().map(Into::into).collect();
        self
    }
}

/// How sure the detection is, from least to most (so `>=` comparisons read naturally).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// A guess: little or ambiguous evidence (for example `print(1)` alone, or empty input).
    Low,
    /// Several content signals agree and few disagree.
    Medium,
    /// A file extension, a shebang, WAT's `(module`, or strong one-sided content signals.
    High,
    /// The caller said so, or the bytes start with the wasm magic number.
    Certain,
}

/// What [`analyze`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The language Kiln would run this as; `None` when it could not tell, or when the code is in a
    /// language Kiln does not run (then [`Analysis::reasons`] names it).
    pub language: Option<Language>,
    /// How sure the detection is.
    pub confidence: Confidence,
    /// The id of the runner that takes this language in Kiln's default
    /// [`RunnerRegistry`] (`js`, `python`, `wasm`); a host's own registry decides in
    /// [`RunnerRegistry::select`].
    pub runner: Option<String>,
    /// What the program imports, each with where it would come from (stage 5).
    pub imports: Vec<Import>,
    /// Why this language (or why none), in plain words, strongest reason first.
    pub reasons: Vec<String>,
    /// Problems found: syntax errors with 1-based line and column, unsupported languages, input
    /// that is not valid UTF-8.
    pub diagnostics: Vec<Diagnostic>,
}

/// Detects the language of `source` and checks its syntax with that language's own parser.
///
/// Never fails and never panics; see the [crate documentation](crate) for the stages.
#[must_use]
pub fn analyze(source: &[u8], hints: &Hints) -> Analysis {
    analyze_with(source, hints, &RuleConfig::default())
}

/// Text beyond this is not scanned by the rules (they stay fast on huge inputs).
const RULES_SCAN_LIMIT: usize = 4 * 1024 * 1024;

/// [`analyze`] with an embedding's choice of rule actions (block, warn, info or off per code).
#[must_use]
pub fn analyze_with(source: &[u8], hints: &Hints, config: &RuleConfig) -> Analysis {
    let detection = detect::detect(source, hints);
    let mut analysis = Analysis {
        language: detection.language,
        confidence: detection.confidence,
        runner: detection.language.map(|l| l.name().to_owned()),
        imports: Vec::new(),
        reasons: detection.reasons,
        diagnostics: detection.diagnostics,
    };
    if let Some(language) = analysis.language {
        let facts = syntax::check(language, source, hints, &mut analysis);
        let scanned = &source[..source.len().min(RULES_SCAN_LIMIT)];
        let text = String::from_utf8_lossy(scanned);
        // One scan serves stages 3 to 5 (WAT has no tokens; its stages read the text).
        let tokens = match language {
            Language::Js | Language::Python => rules::scan(&text, language),
            Language::Wasm => Vec::new(),
        };
        rules::check(language, &tokens, config, &mut analysis.diagnostics);
        resources::check(language, &text, &tokens, &mut analysis.diagnostics);
        imports::check(language, &text, &tokens, facts, hints, &mut analysis);
    }
    analysis
}

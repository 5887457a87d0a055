//! What the agent needs from its host beyond the workspace: running programs and analysing them.
//!
//! In the CLI both happen in-process (the runners and the analyzer are linked in); in the browser
//! the worker host sends them to the language's Web Worker (DESIGN.md §2: parsers live where the
//! engines live). The agent never links an engine.

use futures_util::future::LocalBoxFuture;
use kiln_core::{Diagnostic, Language, Limits, Outcome, WorkspaceFile};

/// A program for [`Environment::run`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSpec {
    /// The program's file name (`main.py`, `snippet.js`), which also names its language.
    pub file_name: String,
    /// The program.
    pub code: Vec<u8>,
    /// The language, when the model named it; otherwise the host's RunnerSelector decides.
    pub language: Option<Language>,
    /// The other workspace files, so it can import and open them.
    pub files: Vec<WorkspaceFile>,
    /// Standard input.
    pub stdin: Vec<u8>,
    /// Budgets.
    pub limits: Limits,
}

/// What [`Environment::check`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckReport {
    /// The language the analyzer saw, if it could tell.
    pub language: Option<Language>,
    /// The runner that would take it.
    pub runner: Option<String>,
    /// Everything the analyzer reported.
    pub diagnostics: Vec<Diagnostic>,
}

/// Runs and checks programs for the agent's `run` and `diagnostics` tools.
pub trait Environment {
    /// Pre-flights `spec` (analyzer, then RunnerSelector) and runs it within its limits. A refused
    /// program is an [`Outcome`] with status `refused` and the diagnostics that say why.
    fn run(&self, spec: RunSpec) -> LocalBoxFuture<'_, Outcome>;

    /// Analyses `source` as the file `file_name`, with the names of the workspace's other files.
    fn check<'a>(
        &'a self,
        file_name: &'a str,
        source: &'a [u8],
        workspace_files: &'a [String],
    ) -> LocalBoxFuture<'a, CheckReport>;

    /// What the runners offer, in a few lines for the system prompt (languages, versions, what
    /// the standard library holds, what is missing).
    fn describe(&self) -> String;
}

/// A description of Kiln's runners for [`Environment::describe`], for the languages a host has.
#[must_use]
pub fn describe_runners(languages: &[Language]) -> String {
    let mut lines = Vec::new();
    for language in languages {
        lines.push(match language {
            Language::Python => {
                "- Python 3 on RustPython (`.py`): the standard library (json, re, math, \
                 collections, itertools, dataclasses, datetime, random, unittest…) but no \
                 third-party packages (no numpy, pandas, requests) and no pip. `input()` reads \
                 the run's stdin."
            }
            Language::Js => {
                "- JavaScript on the Boa engine (`.js`, `.mjs`): modern ECMAScript with \
                 `console.log`, timers, promises and ES modules that import workspace files \
                 (`import { f } from './util.js'`). No DOM, no `fetch`, no Node APIs \
                 (`require`, `fs`, `process`) and no npm packages."
            }
            Language::Wasm => {
                "- WebAssembly on wasmi (`.wat` text or `.wasm` binaries): runs `_start` (or a \
                 named export) with a WASI preview1 subset (fd_write/fd_read on stdio and \
                 workspace files, args, environ, clocks, random, proc_exit)."
            }
        });
    }
    lines.join("\n")
}

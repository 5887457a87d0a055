//! Kiln's runner worker: the wasm module a dedicated Web Worker loads to run one language.
//!
//! The crate is built once per language (cargo feature `js`, `python` or `wasm`; see
//! `wasm-pack.toml`), so each worker downloads only its own engine. It speaks the protocol of
//! [`kiln_core::protocol`]: the page posts [`HostMessage`]s as JSON, the worker answers with
//! [`WorkerMessage`]s through a callback.
//!
//! - `check` runs the CodeAnalyzer (with this language's parser only) and the RunnerSelector.
//! - `run` pre-flights the program like `kiln run` does (syntax errors and blocking rules refuse
//!   it), runs it with the request's limits, streams its output in batches and ends with `done`.
//!
//! A worker runs one program at a time, synchronously: while the program runs the worker cannot
//! receive messages, so output is batched by size and by time *as the program writes* (see
//! [`BatchingSink`]) and the page, which owns time, terminates a worker that overruns.
//!
//! The JavaScript glue (`www/worker.js`) uses the exported [`KilnWorker`] handle:
//! ```text
//! const worker = new KilnWorker(json => postMessage(json), new URL("pylib/", base).href, indexText);
//! worker.handle('{"type":"load","version":1}');   // → callback('{"type":"ready",…}')
//! for (const path of worker.prefetch(runJson)) worker.provide(path, bytesOf(path)); // in parallel
//! worker.handle(runJson);
//! ```
//!
//! The Python build takes its library from [`kiln_python::IndexedModules`]: before a run,
//! `prefetch` names the precompiled units its imports need ([`standard_imports_of`], closed over
//! the library index), so the glue can fetch them in parallel while the run waits.
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

mod batch;
#[cfg(target_family = "wasm")]
mod browser;

use std::sync::Arc;

use kiln_analyzer::{Hints, Origin, RunnerRegistry};
use kiln_core::protocol::{HostMessage, ImportInfo, PROTOCOL_VERSION, WorkerMessage};
use kiln_core::{
    Code, Diagnostic, Language, Outcome, RunRequest, Runner, Severity, SharedClock, StopSignal,
};

pub use batch::{BATCH_BYTES, BATCH_INTERVAL_MS, BatchingSink};
#[cfg(target_family = "wasm")]
pub use browser::KilnWorker;

/// Where a worker's messages go (the worker's `postMessage`, or a test's recorder).
pub type Post = Arc<dyn Fn(WorkerMessage) + Send + Sync>;

/// The language this build runs, when it was built with a runner feature.
#[must_use]
pub fn built_language() -> Option<Language> {
    if cfg!(feature = "js") {
        Some(Language::Js)
    } else if cfg!(feature = "python") {
        Some(Language::Python)
    } else if cfg!(feature = "wasm") {
        Some(Language::Wasm)
    } else {
        None
    }
}

/// How the host side of a worker is set up.
pub struct Setup {
    /// The clock runners read.
    pub clock: SharedClock,
    /// The native stack the runner may use, in bytes.
    pub stack_bytes: usize,
    /// Where Python's standard library comes from (ignored by the other runners).
    #[cfg(feature = "python")]
    pub modules: Arc<dyn kiln_python::ModuleSource>,
}

/// Bytes of native stack one level of Python recursion may take in the optimised wasm build
/// (measured generously), used to cap `sys.setrecursionlimit` from the worker's stack.
pub const PYTHON_FRAME_BYTES: usize = 24 * 1024;

/// The protocol state of one worker: its runner and what it answers to each message.
pub struct Session {
    language: Option<Language>,
    runner: Option<Box<dyn Runner>>,
    clock: SharedClock,
    post: Post,
    modules: Vec<String>,
}

impl Session {
    /// Starts this build's runner (the expensive part, done once when the worker starts).
    #[must_use]
    pub fn new(setup: Setup, post: Post) -> Self {
        let (runner, modules) = make_runner(&setup);
        Session {
            language: runner.as_ref().map(|r| r.language()),
            runner,
            clock: setup.clock,
            post,
            modules,
        }
    }

    /// Handles one message (JSON text of a [`HostMessage`]); answers through the `post` callback.
    pub fn handle_json(&mut self, json: &str) {
        match serde_json::from_str::<HostMessage>(json) {
            Ok(message) => self.handle(message),
            Err(err) => (self.post)(WorkerMessage::Failed {
                id: None,
                message: format!("the worker could not read a message: {err}"),
            }),
        }
    }

    /// Handles one message; answers through the `post` callback.
    pub fn handle(&mut self, message: HostMessage) {
        match message {
            HostMessage::Load { version } => self.load(version),
            HostMessage::Run { id, request } => {
                let outcome = self.run(id, &request);
                (self.post)(WorkerMessage::Done { id, outcome });
            }
            HostMessage::Check {
                id,
                language,
                code,
                file_name,
                workspace_files,
            } => {
                let answer = check(id, language, &code, file_name, workspace_files);
                (self.post)(answer);
            }
        }
    }

    fn load(&self, version: u32) {
        let answer = match self.language {
            _ if version != PROTOCOL_VERSION => WorkerMessage::Failed {
                id: None,
                message: format!(
                    "protocol version mismatch: the page speaks {version}, this worker \
                     {PROTOCOL_VERSION} (reload the page to get matching files)"
                ),
            },
            Some(language) => WorkerMessage::Ready {
                version: PROTOCOL_VERSION,
                language,
                runner: language.name().to_owned(),
                modules: self.modules.clone(),
            },
            None => WorkerMessage::Failed {
                id: None,
                message: "this worker was built without a runner (enable the js, python or \
                          wasm feature)"
                    .to_owned(),
            },
        };
        (self.post)(answer);
    }

    /// Pre-flights and runs one program, posting its output in batches; returns the outcome.
    fn run(&mut self, id: u64, request: &RunRequest) -> Outcome {
        let Some(runner) = self.runner.as_mut() else {
            return Outcome::refused(vec![Diagnostic::error(
                "runner-unavailable",
                "this worker was built without a runner",
            )]);
        };
        if runner.language() != request.language {
            return Outcome::refused(vec![Diagnostic::error(
                "runner-unavailable",
                format!(
                    "this is the {} worker and cannot run {}: send the run to its own worker",
                    runner.language().display_name(),
                    request.language.display_name()
                ),
            )]);
        }
        // Pre-flight, as `kiln run` does: errors refuse the run before the engine starts;
        // warnings travel with the outcome.
        let hints = Hints {
            language: Some(request.language),
            file_name: request.file_name.clone(),
            workspace_files: request.files.iter().map(|f| f.path.clone()).collect(),
        };
        let preflight = kiln_analyzer::analyze(request.code.as_bytes(), &hints).diagnostics;
        let (errors, advice): (Vec<_>, Vec<_>) = preflight
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
        if !errors.is_empty() {
            return Outcome::refused(errors);
        }
        let stop = StopSignal::new();
        let sink = Arc::new(BatchingSink::new(
            id,
            self.post.clone(),
            self.clock.clone(),
            stop.clone(),
            request.limits.wall_time_ms,
        ));
        let mut outcome = runner.run(request, sink.clone(), &stop);
        sink.flush();
        let mut diagnostics = advice;
        diagnostics.append(&mut outcome.diagnostics);
        outcome.diagnostics = diagnostics;
        outcome
    }
}

/// The standard-library modules the program of a `run` or `check` message imports, as the
/// analyzer finds them (what a worker prefetches: before a run, or after a check, since an edited
/// cell is checked before it is run). Empty for other messages, for text that is not a message,
/// and for programs that import nothing from the library.
#[must_use]
pub fn standard_imports_of(json: &str) -> Vec<String> {
    let (code, hints) = match serde_json::from_str::<HostMessage>(json) {
        Ok(HostMessage::Run { request, .. }) => {
            let hints = Hints {
                language: Some(request.language),
                file_name: request.file_name.clone(),
                workspace_files: request.files.iter().map(|f| f.path.clone()).collect(),
            };
            (request.code, hints)
        }
        Ok(HostMessage::Check {
            language,
            code,
            file_name,
            workspace_files,
            ..
        }) => (
            code,
            Hints {
                language,
                file_name,
                workspace_files,
            },
        ),
        _ => return Vec::new(),
    };
    let mut names: Vec<String> = kiln_analyzer::analyze(code.as_bytes(), &hints)
        .imports
        .into_iter()
        .filter(|import| matches!(import.origin, Origin::Standard))
        .map(|import| import.name)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The analyzer's verdict on a program, as a `checked` message (the same verdict as `kiln check`).
fn check(
    id: u64,
    language: Option<Language>,
    code: &Code,
    file_name: Option<String>,
    workspace_files: Vec<String>,
) -> WorkerMessage {
    let hints = Hints {
        language,
        file_name,
        workspace_files,
    };
    let analysis = kiln_analyzer::analyze(code.as_bytes(), &hints);
    let verdict = RunnerRegistry::default().verdict(&analysis);
    let imports = analysis
        .imports
        .into_iter()
        .map(|import| {
            let (origin, path, closest) = match import.origin {
                Origin::Standard => ("standard", None, None),
                Origin::Workspace { path } => ("workspace", Some(path), None),
                Origin::Missing { closest } => ("missing", None, closest),
                Origin::Unknown => ("unknown", None, None),
            };
            ImportInfo {
                name: import.name,
                line: import.line,
                column: import.column,
                origin: origin.to_owned(),
                path,
                closest,
            }
        })
        .collect();
    WorkerMessage::Checked {
        id,
        language: analysis.language,
        runner: verdict.runner,
        diagnostics: verdict.diagnostics,
        imports,
    }
}

/// This build's runner and the standard-library modules it offers.
#[allow(unused_variables, unreachable_code)]
fn make_runner(setup: &Setup) -> (Option<Box<dyn Runner>>, Vec<String>) {
    #[cfg(feature = "js")]
    {
        let runner = kiln_js::JsRunner::new(setup.clock.clone()).with_stack_size(setup.stack_bytes);
        return (Some(Box::new(runner)), Vec::new());
    }
    #[cfg(feature = "python")]
    {
        let max_recursion =
            (setup.stack_bytes / PYTHON_FRAME_BYTES).clamp(100, kiln_python::DEFAULT_MAX_RECURSION);
        let runner = kiln_python::PythonRunner::with_max_recursion(
            setup.clock.clone(),
            setup.modules.clone(),
            max_recursion,
        );
        return (Some(Box::new(runner)), kiln_python::standard_module_names());
    }
    #[cfg(feature = "wasm")]
    {
        let runner = kiln_wasm::WasmRunner::new(setup.clock.clone());
        return (Some(Box::new(runner)), Vec::new());
    }
    (None, Vec::new())
}

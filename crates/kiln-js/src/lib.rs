//! Kiln's JavaScript runner: user programs on the [Boa](https://boajs.dev) engine, with a
//! Node-like `console`, timers on a virtual clock, ES modules from the run's workspace files, and
//! Kiln's limits (steps, output, stop signal).
//!
//! ```
//! use std::sync::Arc;
//! use kiln_core::{Language, RunRequest, Runner, Status, StopSignal, SystemClock};
//! use kiln_js::JsRunner;
//!
//! let mut runner = JsRunner::new(SystemClock::shared());
//! let request = RunRequest::new(Language::Js, "console.log([1, 2, 3], { a: 'x' })");
//! let outcome = runner.run(&request, Arc::new(()), &StopSignal::new());
//! assert_eq!(outcome.status, Status::Ok);
//! assert_eq!(outcome.stdout, "[ 1, 2, 3 ] { a: 'x' }\n");
//! ```
//!
//! What a program sees:
//! - `console` (`log`, `info`, `debug`, `warn`, `error`, `table`, `dir`, `assert`, `count`,
//!   `time`/`timeEnd`, `group`/`groupEnd`…) formatting values like Node's `util.inspect`;
//! - `setTimeout`, `setInterval`, `setImmediate`, their `clear*` twins and `queueMicrotask`.
//!   Timers fire after the script and its promise jobs, in order of due time on a virtual clock,
//!   so waiting costs nothing;
//! - `import` of other files of the run (`./util.js`, extension optional); nothing else:
//!   no `fetch`, `require`, `process`, DOM or npm packages.
//!
//! Limits:
//! - `steps` caps the iterations of each loop (Boa's loop limit), and microtasks plus timer
//!   callbacks together; calls nest at most [`JsRunner::recursion_limit`] deep. Either ends the
//!   run with [`kiln_core::Status::Limit`] and [`kiln_core::LimitKind::Steps`].
//! - `output_bytes`: the program stops at the `console` call that passes it.
//! - `memory_bytes` is checked, as an estimate, by the few built-ins that could allocate
//!   gigabytes in one call (`repeat`, `padStart`/`padEnd`, `fill`, `Array.from`, `join`,
//!   ArrayBuffers); growth by many small steps (`s += s`) is left to the host's allocator cap.
//! - A raised [`kiln_core::StopSignal`] stops the program at its next `console` call, timer,
//!   promise job, or yield point of a script's own code. Code called back from a built-in or
//!   running in a module body is only stopped by its step limit (or by the host terminating
//!   the worker).
//!
//! Boa recurses on the native stack, and an overflow aborts the process: see
//! [`JsRunner::with_stack_size`].
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

mod console;
mod errors;
mod guards;
mod host;
mod inspect;
mod jobs;
mod modules;
mod run;
mod timers;

pub use modules::{ImportError, resolve_import};

use std::sync::Arc;

use kiln_core::{
    Diagnostic, Language, Outcome, OutputSink, RunRequest, Runner, SharedClock, StopSignal,
};

/// The native stack [`JsRunner::new`] assumes: 1 MiB, the default of `wasm32-unknown-unknown`
/// (and less than any native thread gets).
pub const DEFAULT_STACK_SIZE: usize = 1 << 20;

/// Runs JavaScript programs on Boa. Each run gets a fresh engine context (fresh globals).
///
/// Boa recurses on the native stack when it parses nested brackets (~30 KiB per level) and
/// when built-ins call back into JavaScript (1–2 KiB per call), and a native stack overflow
/// aborts the process. The runner therefore sizes its limits from the stack it is told it runs
/// on: on the default 1 MiB, calls nest about 300–500 deep and source about 20 brackets deep.
/// Give it a thread with a larger stack natively, or link the wasm worker with one
/// (`-C link-arg=-zstack-size=…`), and say so with [`JsRunner::with_stack_size`].
pub struct JsRunner {
    clock: SharedClock,
    stack: run::StackBudget,
}

impl JsRunner {
    /// A runner measuring time (run durations, `console.time`, `Date.now()`) with `clock`,
    /// on a stack of [`DEFAULT_STACK_SIZE`].
    #[must_use]
    pub fn new(clock: SharedClock) -> Self {
        JsRunner {
            clock,
            stack: run::StackBudget::for_stack(DEFAULT_STACK_SIZE),
        }
    }

    /// The same runner, for a thread whose native stack is `bytes` long: deeper recursion and
    /// nesting are allowed on larger stacks (8 MiB: about 2 400–4 000 calls and 160 brackets;
    /// at most 10 000 calls).
    #[must_use]
    pub fn with_stack_size(mut self, bytes: usize) -> Self {
        self.stack = run::StackBudget::for_stack(bytes);
        self
    }

    /// How deep JavaScript calls may nest before the run stops with the steps limit.
    #[must_use]
    pub fn recursion_limit(&self) -> usize {
        self.stack.recursion
    }
}

impl std::fmt::Debug for JsRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsRunner")
            .field("stack", &self.stack)
            .finish_non_exhaustive()
    }
}

impl Runner for JsRunner {
    fn language(&self) -> Language {
        Language::Js
    }

    fn run(
        &mut self,
        request: &RunRequest,
        sink: Arc<dyn OutputSink>,
        stop: &StopSignal,
    ) -> Outcome {
        run::run(&self.clock, self.stack, request, sink, stop)
    }
}

/// Syntax errors in `source` found by Boa's own parser (as a module when `module` is true), each
/// a `syntax-error` diagnostic with a 1-based line and column. Nothing else is checked.
///
/// Code nested deeper than the parser can take on a [`DEFAULT_STACK_SIZE`] stack is not parsed
/// (that could overflow the stack): it gets one `nesting-too-deep` warning instead.
#[must_use]
pub fn parse_check(source: &str, module: bool) -> Vec<Diagnostic> {
    let limit = run::StackBudget::for_stack(DEFAULT_STACK_SIZE).source_nesting;
    let nesting = guards::max_nesting(source);
    if nesting > limit {
        return vec![Diagnostic::new(
            kiln_core::Severity::Warning,
            "nesting-too-deep",
            format!(
                "brackets nest {nesting} levels deep (more than {limit}); the syntax was not checked"
            ),
        )];
    }
    errors::parse_diagnostics(source, module)
}

/// The global names a program run by [`JsRunner`] can use: the engine's built-ins (`Array`,
/// `Math`, `globalThis`…) plus Kiln's (`console`, `setTimeout`…), sorted.
#[must_use]
pub fn provided_globals() -> Vec<String> {
    run::provided_globals()
}

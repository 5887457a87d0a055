//! Kiln's WebAssembly runner: runs `.wasm` binaries and WAT text on [wasmi], with a WASI
//! preview1 subset over the request's virtual files.
//!
//! - Input is [`Code::Binary`] (wasm bytes) or [`Code::Text`] (WAT). WAT syntax errors, invalid
//!   modules and imports Kiln does not provide ([`provided_imports`]) refuse the run with a
//!   diagnostic before anything executes.
//! - A program runs its `_start` export (a module whose `start` function is the whole program
//!   needs none); [`RunRequest::entry`] calls another export with arguments parsed by type and
//!   prints its results, like `wasmtime --invoke`.
//! - WASI: stdout/stderr, stdin, args (`argv[0]` is the file name), clocks, `random_get`
//!   (not cryptographic), `proc_exit`, and files under one preopened directory `/` holding the
//!   request's files; files the program writes come back in [`Outcome::files_written`].
//! - Limits: steps are wasmi fuel, memory caps linear memory (tables and the virtual files too),
//!   output is cut at the limit, and a [`StopSignal`] is noticed within one fuel slice or at the
//!   next WASI call.
//!
//! ```
//! use std::sync::Arc;
//! use kiln_core::{Language, RunRequest, Runner, Status, StopSignal, SystemClock};
//! use kiln_wasm::WasmRunner;
//!
//! let mut runner = WasmRunner::new(SystemClock::shared());
//! let add = r#"(module
//!     (func (export "add") (param i32 i32) (result i32)
//!         (i32.add (local.get 0) (local.get 1))))"#;
//! let request =
//!     RunRequest::new(Language::Wasm, add).with_entry("add", vec!["2".into(), "40".into()]);
//! let outcome = runner.run(&request, Arc::new(()), &StopSignal::new());
//! assert_eq!(outcome.status, Status::Ok);
//! assert_eq!(outcome.stdout, "42\n");
//! ```
//!
//! The library never reads the system time or spawns threads (it runs in a browser worker too):
//! time comes from the [`Clock`](kiln_core::Clock) given to [`WasmRunner::new`].
//!
//! [`Code::Binary`]: kiln_core::Code::Binary
//! [`Code::Text`]: kiln_core::Code::Text
//! [`RunRequest::entry`]: kiln_core::RunRequest::entry
//! [`Outcome::files_written`]: kiln_core::Outcome::files_written
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

mod compile;
mod imports;
mod invoke;
mod vfs;
mod wasi;

use std::sync::Arc;

use kiln_core::{
    Diagnostic, Language, LimitKind, Outcome, OutputCapture, OutputSink, RunRequest, Runner,
    SharedClock, Status, StopSignal, Stream, WorkspaceFile,
};
use wasmi::errors::{ErrorKind, InstantiationError, MemoryError, TableError};
use wasmi::{Engine, Func, Linker, ResumableCall, Store, TrapCode, Val};

pub use compile::{compile, module_imports};
pub use imports::{ImportProblem, ModuleImport, missing_imports, provided_imports};

use compile::{HIDDEN_START, Loaded};
use invoke::Call;
use wasi::{Host, HostStop};

/// Runs WebAssembly programs; one engine (and its compiled-code caches) serves many runs.
pub struct WasmRunner {
    engine: Engine,
    linker: Linker<Host>,
    clock: SharedClock,
}

impl WasmRunner {
    /// A runner reading time from `clock` (WASI clocks, run durations).
    #[must_use]
    pub fn new(clock: SharedClock) -> Self {
        let engine = Engine::new(&compile::engine_config());
        let linker = wasi::linker(&engine);
        WasmRunner {
            engine,
            linker,
            clock,
        }
    }
}

impl std::fmt::Debug for WasmRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmRunner").finish_non_exhaustive()
    }
}

impl Runner for WasmRunner {
    fn language(&self) -> Language {
        Language::Wasm
    }

    fn run(
        &mut self,
        request: &RunRequest,
        sink: Arc<dyn OutputSink>,
        stop: &StopSignal,
    ) -> Outcome {
        let prepared = compile::to_binary(&request.code)
            .and_then(|bytes| compile::load(&self.engine, &bytes))
            .and_then(|loaded| {
                imports::check_imports(&loaded.module)?;
                let call =
                    invoke::plan(&loaded.module, request.entry.as_ref(), loaded.hoisted_start)?;
                Ok((loaded, call))
            });
        let (loaded, call) = match prepared {
            Ok(prepared) => prepared,
            Err(diagnostic) => return Outcome::refused(vec![diagnostic]),
        };

        let capture = Arc::new(OutputCapture::new(sink, request.limits.output_bytes));
        let host = Host::new(request, capture.clone(), self.clock.clone(), stop.clone());
        let mut store = Store::new(&self.engine, host);
        store.limiter(|host| &mut host.limits);
        let mut fuel = Fuel {
            remaining: request.limits.steps,
        };

        let started = self.clock.monotonic_ns();
        let ending = execute(
            &self.linker,
            &mut store,
            &loaded,
            call.as_ref(),
            &mut fuel,
            &capture,
        );
        let duration_ms = self.clock.monotonic_ns().saturating_sub(started) / 1_000_000;
        let files_written = store.into_data().finish();
        conclude(ending, &capture, duration_ms, files_written)
    }
}

/// How the program's execution ended.
#[derive(Debug)]
enum Ending {
    Finished,
    Exit(i32),
    /// `place` says where, preposition included: "in function `_start`".
    Trap {
        message: String,
        place: String,
    },
    Limit(LimitKind),
    Cancelled,
    /// Kiln could not serve the module (for example: WASI calls without an exported memory).
    Fatal(String),
}

/// Instantiates the module, runs its start function and then the entry point.
fn execute(
    linker: &Linker<Host>,
    store: &mut Store<Host>,
    loaded: &Loaded,
    call: Option<&Call>,
    fuel: &mut Fuel,
    capture: &OutputCapture,
) -> Ending {
    const START_PLACE: &str = "in the module's start function";
    // Instantiation only runs code when the start function could not be hoisted; that call is
    // not resumable, so it gets the whole step budget at once.
    if let Err(ending) = fuel.grant_all(store) {
        return ending;
    }
    let instance = match linker.instantiate_and_start(&mut *store, &loaded.module) {
        Ok(instance) => instance,
        // Without hoisting, this includes the start function.
        Err(error) => return classify(&error, "while instantiating the module"),
    };
    fuel.reclaim(store);
    if loaded.hoisted_start {
        let Some(start) = instance.get_func(&*store, HIDDEN_START) else {
            return Ending::Fatal("the hoisted start function is missing".to_owned());
        };
        if let Err(ending) = call_sliced(store, start, &[], &mut [], fuel, START_PLACE) {
            return ending;
        }
    }
    let Some(call) = call else {
        return Ending::Finished;
    };
    let Some(func) = instance.get_func(&*store, &call.export) else {
        return Ending::Fatal(format!("the export `{}` is missing", call.export));
    };
    let mut results: Vec<Val> = call
        .results
        .iter()
        .map(|ty| Val::default_for_ty(*ty))
        .collect();
    let place = format!("in function `{}`", call.export);
    if let Err(ending) = call_sliced(store, func, &call.params, &mut results, fuel, &place) {
        return ending;
    }
    if call.print_results
        && let Err(limit) = capture.write(Stream::Stdout, &invoke::format_results(&results))
    {
        return Ending::Limit(limit);
    }
    Ending::Finished
}

/// Fuel handed to wasmi per slice. Between slices the runner checks the [`StopSignal`], so this
/// bounds how long a stop waits (about a millisecond of guest code); resuming costs little.
const FUEL_SLICE: u64 = 1 << 20;

/// The step budget (`None`: unlimited) not yet handed to the store.
///
/// wasmi 2.0 suspends a call that runs out of fuel and lets it be resumed (`call_resumable`,
/// `ResumableCall::OutOfFuel`), so fuel is given in slices: running out of a slice is a chance to
/// look at the stop signal, and only running out of the whole budget is the step limit. Host
/// functions check the signal too, which covers programs that spend their time in WASI calls.
struct Fuel {
    remaining: Option<u64>,
}

impl Fuel {
    /// Gives the store its next slice, at least `required` (what the next instruction needs).
    fn grant(&mut self, store: &mut Store<Host>, required: u64) -> Result<(), Ending> {
        let wanted = FUEL_SLICE.max(required);
        let give = match &mut self.remaining {
            None => wanted,
            Some(remaining) if *remaining < required.max(1) => {
                return Err(Ending::Limit(LimitKind::Steps));
            }
            Some(remaining) => {
                let give = wanted.min(*remaining);
                *remaining -= give;
                give
            }
        };
        set_fuel(store, give)
    }

    /// Gives the store everything left.
    fn grant_all(&mut self, store: &mut Store<Host>) -> Result<(), Ending> {
        let give = match &mut self.remaining {
            None => u64::MAX,
            Some(remaining) => std::mem::take(remaining),
        };
        set_fuel(store, give)
    }

    /// Takes back what the store did not use.
    fn reclaim(&mut self, store: &mut Store<Host>) {
        let left = store.get_fuel().unwrap_or(0);
        if let Some(remaining) = &mut self.remaining {
            *remaining = remaining.saturating_add(left);
        }
        // Fuel metering is always on, so this cannot fail; if it did, the next grant says so.
        let _ = store.set_fuel(0);
    }
}

fn set_fuel(store: &mut Store<Host>, fuel: u64) -> Result<(), Ending> {
    store
        .set_fuel(fuel)
        .map_err(|error| Ending::Fatal(format!("cannot meter fuel: {error}")))
}

/// Calls `func` resumably, one fuel slice at a time, until it returns, traps or must stop.
fn call_sliced(
    store: &mut Store<Host>,
    func: Func,
    params: &[Val],
    results: &mut [Val],
    fuel: &mut Fuel,
    place: &str,
) -> Result<(), Ending> {
    if let Some(stop) = store.data().stop_requested() {
        return Err(stopped(stop));
    }
    fuel.grant(store, 0)?;
    let mut state = func.call_resumable(&mut *store, params, results);
    loop {
        match state {
            Ok(ResumableCall::Finished) => {
                fuel.reclaim(store);
                return Ok(());
            }
            Ok(ResumableCall::OutOfFuel(suspended)) => {
                if let Some(stop) = store.data().stop_requested() {
                    return Err(stopped(stop));
                }
                fuel.reclaim(store);
                fuel.grant(store, suspended.required_fuel())?;
                state = suspended.resume(&mut *store, results);
            }
            Ok(ResumableCall::HostTrap(trap)) => return Err(classify(trap.host_error(), place)),
            Err(error) => return Err(classify(&error, place)),
        }
    }
}

fn stopped(stop: HostStop) -> Ending {
    match stop {
        HostStop::Exit(code) => Ending::Exit(code),
        HostStop::Limit(limit) => Ending::Limit(limit),
        HostStop::Cancelled => Ending::Cancelled,
        HostStop::Fatal(message) => Ending::Fatal(message),
    }
}

/// Sorts a wasmi error into exits, limits and traps.
fn classify(error: &wasmi::Error, place: &str) -> Ending {
    if let Some(stop) = error.downcast_ref::<HostStop>() {
        return stopped(stop.clone());
    }
    if let Some(code) = error.i32_exit_status() {
        return Ending::Exit(code);
    }
    if is_out_of_memory(error) {
        return Ending::Limit(LimitKind::Memory);
    }
    let message = match error.as_trap_code() {
        Some(TrapCode::OutOfFuel) => return Ending::Limit(LimitKind::Steps),
        Some(TrapCode::OutOfSystemMemory | TrapCode::GrowthOperationLimited) => {
            return Ending::Limit(LimitKind::Memory);
        }
        // wasmi's text for this one carries a stray " 2".
        Some(TrapCode::IndirectCallToNull) => "uninitialized element".to_owned(),
        Some(code) => code.trap_message().to_owned(),
        None => error.to_string(),
    };
    Ending::Trap {
        message,
        place: place.to_owned(),
    }
}

/// Whether the error is a memory or table that could not be created or grown that far (the
/// memory limit, or the host's own memory running out).
fn is_out_of_memory(error: &wasmi::Error) -> bool {
    let memory = |error: &MemoryError| {
        matches!(
            error,
            MemoryError::ResourceLimiterDeniedAllocation
                | MemoryError::OutOfSystemMemory
                | MemoryError::MinimumSizeOverflow
        )
    };
    let table = |error: &TableError| {
        matches!(
            error,
            TableError::ResourceLimiterDeniedAllocation
                | TableError::OutOfSystemMemory
                | TableError::MinimumSizeOverflow
        )
    };
    match error.kind() {
        ErrorKind::Memory(error) => memory(error),
        ErrorKind::Table(error) => table(error),
        ErrorKind::Instantiation(InstantiationError::FailedToInstantiateMemory(error)) => {
            memory(error)
        }
        ErrorKind::Instantiation(InstantiationError::FailedToInstantiateTable(error)) => {
            table(error)
        }
        ErrorKind::Instantiation(
            InstantiationError::TooManyMemories | InstantiationError::TooManyTables,
        ) => true,
        _ => false,
    }
}

/// Turns the ending into the outcome, adding Kiln's closing notice to stderr.
fn conclude(
    ending: Ending,
    capture: &OutputCapture,
    duration_ms: u64,
    files_written: Vec<WorkspaceFile>,
) -> Outcome {
    let mut diagnostics = Vec::new();
    let (status, exit_code, limit) = match ending {
        Ending::Finished | Ending::Exit(0) => (Status::Ok, 0, None),
        Ending::Exit(code) => (Status::Exit, code, None),
        Ending::Trap { message, place } => {
            capture.write_notice(&format!("wasm trap: {message}\n    {place}\n"));
            diagnostics.push(Diagnostic::error(
                "trap",
                format!("wasm trap: {message} ({place})"),
            ));
            (Status::Error, 1, None)
        }
        Ending::Limit(limit) => {
            capture.write_notice(&format!("kiln: {}\n", limit.explain()));
            (Status::Limit, Outcome::code_for(Status::Limit), Some(limit))
        }
        Ending::Cancelled => {
            capture.write_notice("kiln: the run was cancelled\n");
            diagnostics.push(Diagnostic::error("cancelled", "the run was cancelled"));
            (Status::Error, 1, None)
        }
        Ending::Fatal(message) => {
            capture.write_notice(&format!("kiln: {message}\n"));
            diagnostics.push(Diagnostic::error("wasi-error", message));
            (Status::Error, 1, None)
        }
    };
    let (stdout, stderr) = capture.take();
    Outcome {
        status,
        exit_code,
        stdout,
        stderr,
        duration_ms,
        limit,
        diagnostics,
        files_written,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imports::{PROVIDED, WASI, types_text};
    use kiln_core::SystemClock;

    #[test]
    fn the_runner_can_move_to_another_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<WasmRunner>();
    }

    /// Every function in `PROVIDED` is defined by the linker with exactly the declared type.
    #[test]
    fn every_provided_import_links_with_its_declared_type() {
        let mut wat = String::from("(module\n");
        for (name, params, results) in PROVIDED {
            wat.push_str(&format!(
                "  (import \"{WASI}\" \"{name}\" (func (param {}) (result {})))\n",
                types_text(params),
                types_text(results)
            ));
        }
        wat.push_str("  (memory (export \"memory\") 1)\n  (func (export \"_start\")))");
        let mut runner = WasmRunner::new(SystemClock::shared());
        let request = RunRequest::new(Language::Wasm, wat);
        let outcome = runner.run(&request, Arc::new(()), &StopSignal::new());
        assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    }
}

//! Kiln's Python runner: Python 3 on [RustPython](https://github.com/RustPython/RustPython).
//!
//! [`PythonRunner`] keeps one interpreter alive (starting one takes hundreds of milliseconds) and
//! gives every run a fresh `__main__`, the supplied stdin, the workspace files (for `import` and
//! `open()`), and output that streams to the host as it is printed.
//!
//! The standard library comes from a [`ModuleSource`], the seam between the runner and wherever
//! the library lives: [`EmbeddedStdlib`] freezes it into the binary (the CLI, feature
//! `embedded-stdlib`); the browser supplies modules on demand instead, because frozen it would make
//! the runtime larger than all of Pyodide (DESIGN.md §5). There they are precompiled units
//! ([`compile_unit`], imported without compiling) listed by a [`PylibIndex`], and
//! [`IndexedModules`] fetches them through the host's [`UnitFetch`].
//!
//! The interpreter has no `js`/`browser` modules, no sockets and no host file system: `open()`
//! works on the run's virtual files, and files the program writes come back in
//! [`Outcome::files_written`](kiln_core::Outcome).
//!
//! Run it on a thread with a large stack (see [`RECOMMENDED_STACK_BYTES`]): RustPython recurses on
//! the native stack for every Python call.
//!
//! ```no_run
//! use std::sync::Arc;
//! use kiln_core::{Language, RunRequest, Runner, StopSignal, SystemClock};
//! use kiln_python::{NoModules, PythonRunner};
//!
//! let mut runner = PythonRunner::new(SystemClock::shared(), Arc::new(NoModules));
//! let outcome = runner.run(&RunRequest::new(Language::Python, "print(6 * 7)"), Arc::new(()), &StopSignal::new());
//! assert_eq!(outcome.stdout, "42\n");
//! ```
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

mod library;
mod modules;
mod units;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use kiln_core::{
    Diagnostic, Language, LimitKind, Outcome, OutputCapture, OutputSink, RunRequest, Runner,
    SharedClock, Status, StopSignal, Stream, WorkspaceFile,
};
use rustpython_vm::builtins::{PyBaseExceptionRef, PyDictRef, PyStrRef, PyType};
use rustpython_vm::compiler::Mode;
use rustpython_vm::signal::{UserSignal, UserSignalSender, user_signal_channel};
use rustpython_vm::{
    AsObject, Interpreter, PyObjectRef, PyResult, Settings, TryFromObject, VirtualMachine,
};

pub use library::{INDEX_FILE, IndexedModules, NetworkError, UnitFetch};
#[cfg(feature = "embedded-stdlib")]
pub use modules::EmbeddedStdlib;
pub use modules::{MemoryModules, ModuleCode, ModuleSource, ModuleUnit, NoModules, stdlib_origin};
pub use units::{
    IndexEntry, LibrarySource, PylibIndex, UNIT_EXTENSION, UnitError, compile_unit, decode_unit,
    library_sources, static_imports,
};

/// The native stack a thread running Python should have. Deep Python recursion recurses on the
/// native stack; with this much, [`DEFAULT_MAX_RECURSION`] frames fit in a debug build.
pub const RECOMMENDED_STACK_BYTES: usize = 256 * 1024 * 1024;

/// The highest `sys.setrecursionlimit` a program may set (higher values are capped), so deep
/// recursion ends in `RecursionError` rather than a native stack overflow.
pub const DEFAULT_MAX_RECURSION: usize = 5_000;

/// Syntax errors in `source` found by RustPython's own compiler, without starting an
/// interpreter: at most one `syntax-error` diagnostic with the parser's message and its 1-based
/// line and column (mostly where CPython's `compile()` points). [`PythonRunner`] refuses code
/// with exactly this diagnostic, so `kiln check` and `kiln run` always agree. Nothing else is
/// checked.
#[must_use]
pub fn parse_check(source: &str, file_name: &str) -> Vec<Diagnostic> {
    use rustpython_vm::compiler::parser::{LexicalErrorType, ParseErrorType};
    use rustpython_vm::compiler::{CompileError, CompileOpts, compile};
    let Err(error) = compile(source, Mode::Exec, file_name, CompileOpts::default()) else {
        return Vec::new();
    };
    let kind = match &error {
        CompileError::Parse(parse) => match &parse.error {
            ParseErrorType::Lexical(LexicalErrorType::IndentationError)
            | ParseErrorType::UnexpectedIndentation => "IndentationError",
            ParseErrorType::OtherError(message)
                if message
                    .to_ascii_lowercase()
                    .starts_with("expected an indented block after") =>
            {
                "IndentationError"
            }
            _ => "SyntaxError",
        },
        CompileError::Codegen(_) => "SyntaxError",
    };
    let mut diagnostic = Diagnostic::error("syntax-error", format!("{kind}: {error}"));
    let (line, column) = error.python_location();
    if line > 0 {
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        diagnostic = diagnostic.at(to_u32(line), to_u32(column.max(1)));
        if let Some((end_line, end_column)) = error.python_end_location() {
            diagnostic = diagnostic.to(to_u32(end_line), to_u32(end_column.max(1)));
        }
    }
    vec![diagnostic]
}

mod pylib {
    include!(concat!(env!("OUT_DIR"), "/pylib_modules.rs"));
}

/// Every top-level module a program run by [`PythonRunner`] can import from the standard library:
/// the interpreter's native modules (minus those the sandbox withholds) and the modules of the
/// Python library this build ships (frozen in by [`EmbeddedStdlib`] natively, fetched on demand
/// in the browser). Sorted; computed from the build, without starting an interpreter.
#[must_use]
pub fn standard_module_names() -> Vec<String> {
    let ctx = rustpython_vm::Context::genesis();
    let native = rustpython_vm::stdlib::builtin_module_defs(ctx)
        .into_iter()
        .chain(rustpython_stdlib::stdlib_module_defs(ctx))
        .map(|def| def.name.as_str().to_owned())
        // The two modules every interpreter creates itself, outside the module definitions.
        .chain(["sys", "builtins"].map(str::to_owned));
    let mut names: Vec<String> = native
        .chain(pylib::PYLIB_MODULES.iter().map(|name| (*name).to_owned()))
        .filter(|name| !DENIED_NATIVE_MODULES.contains(&name.as_str()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Native modules a sandboxed program must not have, whatever the build includes.
const DENIED_NATIVE_MODULES: &[&str] = &[
    "_socket",
    "select",
    "_ssl",
    "mmap",
    "_posixsubprocess",
    "_multiprocessing",
    "fcntl",
    "termios",
    "resource",
    "grp",
    "pwd",
    "syslog",
    "_posixshmem",
    "_remote_debugging",
];

const PRELUDE: &str = include_str!("prelude.py");
const VIRTUAL_POSIX: &str = include_str!("vposix.py");

/// What the interpreter's native `_kiln` functions share with the runner.
struct Bridge {
    capture: Mutex<Option<Arc<OutputCapture>>>,
    modules: Arc<dyn ModuleSource>,
    /// Increases with every run, so a stop requested for one run never reaches the next.
    generation: AtomicU64,
}

/// Runs Python programs on one long-lived RustPython interpreter. See the crate docs.
pub struct PythonRunner {
    interpreter: Interpreter,
    clock: SharedClock,
    bridge: Arc<Bridge>,
    signals: UserSignalSender,
}

impl PythonRunner {
    /// Starts an interpreter whose standard library comes from `modules`.
    ///
    /// This is the expensive step (hundreds of milliseconds): do it once, before the first run.
    #[must_use]
    pub fn new(clock: SharedClock, modules: Arc<dyn ModuleSource>) -> Self {
        PythonRunner::with_max_recursion(clock, modules, DEFAULT_MAX_RECURSION)
    }

    /// Like [`PythonRunner::new`] with another cap on `sys.setrecursionlimit` (for hosts whose
    /// native stack is smaller than [`RECOMMENDED_STACK_BYTES`]).
    #[must_use]
    pub fn with_max_recursion(
        clock: SharedClock,
        modules: Arc<dyn ModuleSource>,
        max_recursion: usize,
    ) -> Self {
        let mut settings = Settings::default();
        settings.install_signal_handlers = false;
        settings.isolated = true;
        settings.ignore_environment = true;
        settings.import_site = false;
        settings.user_site_directory = false;
        settings.write_bytecode = false;
        settings.safe_path = true;
        settings.path_list = Vec::new();
        settings.argv = vec!["main.py".to_owned()];

        let bridge = Arc::new(Bridge {
            capture: Mutex::new(None),
            modules: modules.clone(),
            generation: AtomicU64::new(0),
        });
        let (signals, receiver) = user_signal_channel();

        let mut builder = Interpreter::builder(settings);
        let defs: Vec<_> = rustpython_stdlib::stdlib_module_defs(&builder.ctx)
            .into_iter()
            .filter(|def| !DENIED_NATIVE_MODULES.contains(&def.name.as_str()))
            .collect();
        builder = builder
            .add_native_modules(&defs)
            .add_frozen_modules(modules.frozen());
        let interpreter = builder
            .init_hook(move |vm| vm.set_user_signal_channel(receiver))
            .build();

        let runner = PythonRunner {
            interpreter,
            clock,
            bridge,
            signals,
        };
        runner.interpreter.enter(|vm| {
            // After start-up, not in an init hook: sys.modules does not exist that early.
            install_kiln_module(vm, &runner.bridge, &runner.clock, max_recursion);
            let scope = vm.new_scope_with_builtins();
            if let Err(err) = vm
                .compile(PRELUDE, Mode::Exec, "<kiln-prelude>")
                .map_or_else(
                    |err| Err(err.into_pyexception(vm, Some(PRELUDE))),
                    |code| vm.run_code_obj(code, scope.clone()),
                )
            {
                // The prelude is ours; if it fails every run would misbehave, so say so loudly.
                vm.print_exception(&err);
            } else if let Ok(module) = vm.import("_kiln", 0) {
                let _ = module.set_attr("prelude", scope.globals.clone(), vm);
            }
        });
        runner
    }

    /// Names of the standard-library modules this runner can import: the native modules built in
    /// and those the [`ModuleSource`] supplies.
    #[must_use]
    pub fn available_modules(&self) -> Vec<String> {
        let mut names: Vec<String> = self.interpreter.enter(|vm| {
            vm.sys_module
                .get_attr("builtin_module_names", vm)
                .and_then(|names| Vec::<PyStrRef>::try_from_object(vm, names))
                .map(|names| {
                    names
                        .iter()
                        .map(|n| n.to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default()
        });
        names.extend(self.bridge.modules.module_names());
        names.retain(|n| !DENIED_NATIVE_MODULES.contains(&n.as_str()));
        names.sort();
        names.dedup();
        names
    }

    fn run_in_vm(
        &self,
        vm: &VirtualMachine,
        request: &RunRequest,
        source: &str,
        capture: &Arc<OutputCapture>,
        stop: &StopSignal,
    ) -> Outcome {
        let main_path = request.display_name().to_owned();
        let prelude = match prelude_namespace(vm) {
            Ok(prelude) => prelude,
            Err(err) => return internal_error(vm, &err, "the Python prelude is missing"),
        };
        let files = vm.ctx.new_dict();
        for file in &request.files {
            let _ = files.set_item(
                file.path.trim_start_matches("./"),
                vm.ctx.new_bytes(file.contents.clone()).into(),
                vm,
            );
        }
        let _ = files.set_item(
            main_path.as_str(),
            vm.ctx.new_bytes(source.as_bytes().to_vec()).into(),
            vm,
        );
        let stdin = String::from_utf8_lossy(&request.stdin).into_owned();
        if let Err(err) = call(vm, &prelude, "begin", (files, stdin, main_path.clone())) {
            return internal_error(vm, &err, "could not prepare the run");
        }

        let code = match vm.compile(source, Mode::Exec, main_path.clone()) {
            Ok(code) => code,
            Err(err) => {
                let diagnostics = parse_check(source, &main_path);
                if !diagnostics.is_empty() {
                    return Outcome::refused(diagnostics);
                }
                // The compiler refused something the parser alone accepts: use the exception.
                let exc = err.into_pyexception(vm, Some(source));
                return refused_for_syntax(vm, &exc);
            }
        };
        let scope = match vm.new_scope_with_main() {
            Ok(scope) => scope,
            Err(err) => return internal_error(vm, &err, "could not create __main__"),
        };
        let _ = scope
            .globals
            .set_item("__file__", vm.ctx.new_str(main_path.as_str()).into(), vm);

        let started = self.clock.monotonic_ns();
        let result = vm.run_code_obj(code, scope);
        let duration_ms = (self.clock.monotonic_ns().saturating_sub(started)) / 1_000_000;

        let written = call(vm, &prelude, "end", ())
            .ok()
            .and_then(|files| files.downcast::<rustpython_vm::builtins::PyDict>().ok())
            .map(|files| collect_files(vm, &files))
            .unwrap_or_default();

        let (status, exit_code, limit, diagnostics) = match result {
            Ok(_) => (Status::Ok, 0, None, Vec::new()),
            Err(exc) => self.classify(vm, &exc, capture, stop, &main_path),
        };
        if let Some(limit) = limit {
            capture.write_notice(&format!("kiln: {}\n", limit.explain()));
        }
        let (stdout, stderr) = capture.take();
        Outcome {
            status,
            exit_code,
            stdout,
            stderr,
            duration_ms,
            limit,
            diagnostics,
            files_written: written,
        }
    }

    fn classify(
        &self,
        vm: &VirtualMachine,
        exc: &PyBaseExceptionRef,
        capture: &OutputCapture,
        stop: &StopSignal,
        main_path: &str,
    ) -> (Status, i32, Option<LimitKind>, Vec<Diagnostic>) {
        if is_kiln_stop(vm, exc) {
            let limit = if capture.exceeded() {
                LimitKind::Output
            } else {
                stop.limit().unwrap_or(LimitKind::Time)
            };
            return (Status::Limit, 124, Some(limit), Vec::new());
        }
        if exc.fast_isinstance(vm.ctx.exceptions.system_exit) {
            // Prints the message of `sys.exit("message")` to stderr, as CPython does.
            let code = vm.handle_exit_exception(exc.clone()) as i32;
            let status = if code == 0 { Status::Ok } else { Status::Exit };
            return (status, code, None, Vec::new());
        }
        vm.print_exception(exc);
        let message = exception_summary(vm, exc);
        let mut diagnostic = Diagnostic::error("uncaught-exception", message);
        if let Some(line) = innermost_line_in(vm, exc, main_path) {
            diagnostic = diagnostic.at(line, 1);
        }
        (Status::Error, 1, None, vec![diagnostic])
    }
}

impl Runner for PythonRunner {
    fn language(&self) -> Language {
        Language::Python
    }

    fn run(
        &mut self,
        request: &RunRequest,
        sink: Arc<dyn OutputSink>,
        stop: &StopSignal,
    ) -> Outcome {
        let source = match request.source_text() {
            Ok(source) => source,
            Err(diagnostic) => return Outcome::refused(vec![diagnostic]),
        };
        let capture = Arc::new(OutputCapture::new(sink, request.limits.output_bytes));
        *self
            .bridge
            .capture
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(capture.clone());
        let generation = self.bridge.generation.fetch_add(1, Ordering::SeqCst) + 1;

        let signals = self.signals.clone();
        let bridge = Arc::downgrade(&self.bridge);
        stop.on_stop(move || {
            let _ = signals.send(raise_stop(signals.clone(), bridge.clone(), generation));
            keep_nudging(signals.clone(), bridge.clone(), generation);
        });

        let outcome = self
            .interpreter
            .enter(|vm| self.run_in_vm(vm, request, source, &capture, stop));

        stop.clear_wakers();
        // Pending stop signals for this run see a newer generation and do nothing.
        self.bridge.generation.fetch_add(1, Ordering::SeqCst);
        *self
            .bridge
            .capture
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
        outcome
    }
}

/// A signal that raises `_kiln.Stop` in the running program, and keeps raising it at every
/// check until the run ends, so `except BaseException: pass` cannot swallow a time limit.
fn raise_stop(
    signals: UserSignalSender,
    bridge: std::sync::Weak<Bridge>,
    generation: u64,
) -> UserSignal {
    Box::new(move |vm: &VirtualMachine| {
        let current = bridge
            .upgrade()
            .map(|b| b.generation.load(Ordering::SeqCst));
        if current != Some(generation) {
            return Ok(());
        }
        let _ = signals.send(raise_stop(signals.clone(), bridge.clone(), generation));
        Err(stop_exception(vm))
    })
}

/// RustPython's "a signal is pending" flag is one per process: with several interpreters in one
/// process (tests, a multi-runner host), another interpreter may consume it first. Natively, keep
/// setting it until this run has ended. (On wasm32 RustPython does not check signals at all; the
/// browser host terminates the worker instead.)
#[cfg(not(target_family = "wasm"))]
fn keep_nudging(signals: UserSignalSender, bridge: std::sync::Weak<Bridge>, generation: u64) {
    let _ = std::thread::Builder::new()
        .name("kiln-python-stop".to_owned())
        .spawn(move || {
            while bridge
                .upgrade()
                .is_some_and(|b| b.generation.load(Ordering::SeqCst) == generation)
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
                let _ = signals.send(Box::new(|_| Ok(())));
            }
        });
}

#[cfg(target_family = "wasm")]
fn keep_nudging(_: UserSignalSender, _: std::sync::Weak<Bridge>, _: u64) {}

fn stop_exception(vm: &VirtualMachine) -> PyBaseExceptionRef {
    match vm
        .import("_kiln", 0)
        .and_then(|module| module.get_attr("Stop", vm))
        .map(|stop| stop.downcast::<PyType>())
    {
        Ok(Ok(stop)) => vm.new_exception_msg(stop, "stopped by Kiln".into()),
        _ => vm.new_runtime_error("stopped by Kiln".to_owned()),
    }
}

fn is_kiln_stop(vm: &VirtualMachine, exc: &PyBaseExceptionRef) -> bool {
    vm.import("_kiln", 0)
        .and_then(|module| module.get_attr("Stop", vm))
        .ok()
        .and_then(|stop| stop.downcast::<PyType>().ok())
        .is_some_and(|stop| exc.fast_isinstance(&stop))
}

/// Creates the native `_kiln` module the prelude talks to.
fn install_kiln_module(
    vm: &VirtualMachine,
    bridge: &Arc<Bridge>,
    clock: &SharedClock,
    max_recursion: usize,
) {
    let dict = vm.ctx.new_dict();
    // `time` reads the host's clock: RustPython's own has none on wasm32-unknown-unknown (and
    // `std::time::Instant` traps there).
    let wall = clock.clone();
    let wall_time_ns = vm.new_function("wall_time_ns", move || wall.wall_time_ns());
    let mono = clock.clone();
    let monotonic_ns = vm.new_function("monotonic_ns", move || mono.monotonic_ns());
    let _ = dict.set_item("wall_time_ns", wall_time_ns.into(), vm);
    let _ = dict.set_item("monotonic_ns", monotonic_ns.into(), vm);
    // A browser worker cannot block its thread; `time.sleep` waits on the clock there instead.
    let can_block = !cfg!(target_arch = "wasm32");
    let _ = dict.set_item("can_block", vm.ctx.new_bool(can_block).into(), vm);
    let write_bridge = bridge.clone();
    let write = vm.new_function(
        "write",
        move |fd: i32, text: PyStrRef, vm: &VirtualMachine| -> PyResult<()> {
            let stream = if fd == 2 {
                Stream::Stderr
            } else {
                Stream::Stdout
            };
            let capture = write_bridge
                .capture
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            match capture {
                Some(capture) => capture
                    .write(stream, &text.to_string_lossy())
                    .map_err(|_| stop_exception(vm)),
                None => Ok(()),
            }
        },
    );
    let find_bridge = bridge.clone();
    let find = vm.new_function(
        "find_module",
        move |name: PyStrRef, vm: &VirtualMachine| -> PyResult<PyObjectRef> {
            let Some(unit) = find_bridge.modules.find(&name.to_string_lossy()) else {
                return Ok(vm.ctx.none());
            };
            // A unit is decoded here, at import time, into the code object the loader runs.
            let code: PyObjectRef = match unit.code {
                ModuleCode::Source(source) => vm.ctx.new_str(source).into(),
                ModuleCode::Compiled(bytes) => match decode_unit(&bytes) {
                    // With the VM's bag: constants such as frozensets need it.
                    Ok(code) => {
                        rustpython_vm::builtins::PyCode::new_ref_from_bytecode(vm, code).into()
                    }
                    Err(err) => {
                        return Err(vm.new_import_error(
                            format!("cannot import {}: {err}", name.to_string_lossy()),
                            name.clone(),
                        ));
                    }
                },
            };
            Ok(vm
                .ctx
                .new_tuple(vec![
                    code,
                    vm.ctx.new_bool(unit.is_package).into(),
                    vm.ctx.new_str(unit.origin).into(),
                ])
                .into())
        },
    );
    let _ = dict.set_item("write", write.into(), vm);
    let _ = dict.set_item("find_module", find.into(), vm);
    let _ = dict.set_item("posix_source", vm.ctx.new_str(VIRTUAL_POSIX).into(), vm);
    let _ = dict.set_item("max_recursion", vm.ctx.new_int(max_recursion).into(), vm);
    let module = vm.new_module("_kiln", dict, None);
    if let Ok(modules) = vm.sys_module.get_attr("modules", vm) {
        let _ = modules.set_item("_kiln", module.into(), vm);
    }
}

fn prelude_namespace(vm: &VirtualMachine) -> PyResult<PyDictRef> {
    let prelude = vm.import("_kiln", 0)?.get_attr("prelude", vm)?;
    prelude
        .downcast()
        .map_err(|_| vm.new_runtime_error("_kiln.prelude is not a dict".to_owned()))
}

fn call(
    vm: &VirtualMachine,
    namespace: &PyDictRef,
    name: &str,
    args: impl rustpython_vm::function::IntoFuncArgs,
) -> PyResult {
    let function = namespace.get_item(name, vm)?;
    function.call(args, vm)
}

fn collect_files(
    vm: &VirtualMachine,
    files: &rustpython_vm::builtins::PyDict,
) -> Vec<WorkspaceFile> {
    let _ = vm;
    let mut written: Vec<WorkspaceFile> = files
        .items_vec()
        .into_iter()
        .filter_map(|(path, contents)| {
            let path = path.downcast_ref::<rustpython_vm::builtins::PyStr>()?;
            let contents = contents.downcast_ref::<rustpython_vm::builtins::PyBytes>()?;
            Some(WorkspaceFile::new(
                path.to_string_lossy().into_owned(),
                contents.as_bytes(),
            ))
        })
        .collect();
    written.sort_by(|a, b| a.path.cmp(&b.path));
    written
}

fn refused_for_syntax(vm: &VirtualMachine, exc: &PyBaseExceptionRef) -> Outcome {
    let attr_u32 = |name: &'static str| {
        exc.as_object()
            .get_attr(name, vm)
            .ok()
            .and_then(|value| u32::try_from_object(vm, value).ok())
    };
    let message = exc
        .as_object()
        .get_attr("msg", vm)
        .ok()
        .and_then(|msg| msg.str(vm).ok())
        .map_or_else(
            || "invalid syntax".to_owned(),
            |msg| msg.to_string_lossy().into_owned(),
        );
    let kind = exc.class().name().to_string();
    let mut diagnostic = Diagnostic::error("syntax-error", format!("{kind}: {message}"));
    if let Some(line) = attr_u32("lineno") {
        diagnostic = diagnostic.at(line, attr_u32("offset").unwrap_or(1).max(1));
        if let (Some(end_line), Some(end_column)) = (attr_u32("end_lineno"), attr_u32("end_offset"))
        {
            diagnostic = diagnostic.to(end_line, end_column);
        }
    }
    Outcome::refused(vec![diagnostic])
}

fn exception_summary(vm: &VirtualMachine, exc: &PyBaseExceptionRef) -> String {
    let name = exc.class().name().to_string();
    match exc.as_object().str(vm) {
        Ok(text) if !text.to_string_lossy().is_empty() => {
            format!("{name}: {}", text.to_string_lossy())
        }
        _ => name,
    }
}

/// The line of the innermost traceback entry in the main file, where the error surfaced.
fn innermost_line_in(vm: &VirtualMachine, exc: &PyBaseExceptionRef, path: &str) -> Option<u32> {
    let mut line = None;
    let mut tb = exc.__traceback__();
    while let Some(entry) = tb {
        if entry.frame.iframe().code().source_path().as_str() == path {
            line = u32::try_from(entry.lineno.get()).ok();
        }
        tb = entry.next.lock().clone();
    }
    let _ = vm;
    line
}

fn internal_error(vm: &VirtualMachine, err: &PyBaseExceptionRef, what: &str) -> Outcome {
    let detail = exception_summary(vm, err);
    let mut outcome = Outcome::refused(vec![Diagnostic::error(
        "internal-error",
        format!("Kiln's Python runner failed: {what} ({detail}); please report this"),
    )]);
    outcome.status = Status::Error;
    outcome.exit_code = 1;
    outcome
}

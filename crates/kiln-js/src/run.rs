//! One run: build a fresh context, parse, evaluate, run the event loop, report.

use std::future::Future;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Poll, Waker};

use boa_engine::builtins::promise::PromiseState;
use boa_engine::error::{EngineError, RuntimeLimitError};
use boa_engine::object::builtins::JsPromise;
use boa_engine::property::PropertyKey;
use boa_engine::{Context, JsError, JsObject, JsResult, JsValue, Module, Script, Source};
use kiln_core::{
    Diagnostic, LimitKind, Outcome, OutputCapture, OutputSink, RunRequest, SharedClock, Status,
    StopSignal,
};

use crate::console;
use crate::errors::{self, Position};
use crate::guards::{self, GuardLimits};
use crate::host::{Halt, Host, KilnClock, KilnHooks};
use crate::jobs::JobQueue;
use crate::modules::{WorkspaceLoader, looks_like_module};
use crate::timers;

/// Limits that keep Boa within the native stack it runs on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StackBudget {
    /// Nested JavaScript calls (Boa counts frames plus re-entries from built-ins).
    pub(crate) recursion: usize,
    /// Nesting of natively recursive built-ins (`join`, `JSON.stringify`, `flat`).
    pub(crate) native_nesting: usize,
    /// Bracket nesting of source code the parser is given.
    pub(crate) source_nesting: usize,
}

impl StackBudget {
    /// Native stack bytes one unit may cost: about twice the worst we measured on x86-64
    /// (`tests/stack.rs` runs the worst cases on a 1 MiB thread). A call level re-entering the
    /// engine from a built-in (`Array.from` over an iterator, `yield*`) ~0.9 KiB optimised and
    /// ~1.7 KiB unoptimised; a level of `join`/`JSON.stringify` up to ~9 KiB; a bracket level
    /// of parsed source ~30 KiB (Boa's parser descends through every precedence level per
    /// bracket).
    const COSTS: [usize; 3] = if cfg!(debug_assertions) {
        [3_500, 16_384, 50_000]
    } else {
        [2_048, 16_384, 50_000]
    };

    pub(crate) fn for_stack(bytes: usize) -> Self {
        let [call, native, parse] = Self::COSTS;
        StackBudget {
            recursion: (bytes / call).clamp(64, 10_000),
            native_nesting: (bytes / native).clamp(32, 10_000),
            source_nesting: (bytes / parse).clamp(16, 1_000),
        }
    }
}

/// Values the engine's operand stack may hold (Boa's default, 10 240, stops deep recursion
/// early).
const STACK_SIZE_LIMIT: usize = 1 << 20;

/// Engine "clock cycles" a script runs between checks of the stop signal.
const EVALUATION_BUDGET: u32 = 100_000;

/// Cap on the text of an uncaught error shown on stderr.
const MAX_ERROR_TEXT: usize = 10_000;

/// ArrayBuffers above this are refused (Boa's default, 1.5 GiB).
const MAX_BUFFER_BYTES: u64 = 1_610_612_736;

/// How a run ended, before it becomes an [`Outcome`].
enum Ending {
    Finished,
    Uncaught(Uncaught),
    Stopped(Halt),
}

struct Uncaught {
    description: String,
    in_promise: bool,
    position: Vec<Position>,
}

enum Program {
    Script(Script),
    Module(Module),
}

pub(crate) fn run(
    clock: &SharedClock,
    stack: StackBudget,
    request: &RunRequest,
    sink: Arc<dyn OutputSink>,
    stop: &StopSignal,
) -> Outcome {
    let source = match request.source_text() {
        Ok(source) => source,
        Err(diagnostic) => return Outcome::refused(vec![diagnostic]),
    };
    let file = request.display_name().to_owned();
    // Checked before parsing: Boa's parser would overflow the native stack.
    let nesting = guards::max_nesting(source);
    if nesting > stack.source_nesting {
        let message = format!(
            "the code nests brackets {nesting} levels deep; Kiln's JavaScript engine parses at \
             most {} on this stack",
            stack.source_nesting
        );
        return Outcome {
            stderr: format!("{message}\n"),
            ..Outcome::refused(vec![Diagnostic::error("nesting-too-deep", message)])
        };
    }

    let loader = Rc::new(WorkspaceLoader::new(&request.files, stack.source_nesting));
    let output = OutputCapture::new(sink, request.limits.output_bytes);
    let (mut context, host) = match build_context(clock, stack, request, &loader, output, stop) {
        Ok(built) => built,
        Err(err) => {
            return internal_failure(&format!("could not start the JavaScript engine: {err}"));
        }
    };

    let outcome = match parse(&file, source, &mut context) {
        Err(diagnostics) => {
            let stderr = diagnostics
                .iter()
                .map(|d| match (d.line, d.column) {
                    (Some(line), Some(column)) => {
                        format!("SyntaxError: {} ({file}:{line}:{column})\n", d.message)
                    }
                    _ => format!("SyntaxError: {} ({file})\n", d.message),
                })
                .collect();
            Outcome {
                stderr,
                ..Outcome::refused(diagnostics)
            }
        }
        Ok(program) => {
            let session = Session {
                host: host.clone(),
                loader: loader.clone(),
                file,
                source,
            };
            let start = clock.monotonic_ns();
            let ending = session.execute(program, &mut context);
            let duration_ms = clock.monotonic_ns().saturating_sub(start) / 1_000_000;
            session.finish(ending, duration_ms)
        }
    };

    // Engine objects held outside the engine's heap are roots: let go of them before the
    // context, then collect, so nothing of this run outlives it.
    host.clear();
    loader.clear();
    stop.clear_wakers();
    drop(host);
    drop(context);
    drop(loader);
    boa_gc::force_collect();
    outcome
}

/// A fresh context with Kiln's job queue, module loader, hooks, limits and globals.
fn build_context(
    clock: &SharedClock,
    stack: StackBudget,
    request: &RunRequest,
    loader: &Rc<WorkspaceLoader>,
    output: OutputCapture,
    stop: &StopSignal,
) -> JsResult<(Context, Rc<Host>)> {
    let memory_bytes = request.limits.memory_bytes.unwrap_or(u64::MAX);
    let mut context = Context::builder()
        .job_executor(Rc::new(JobQueue::default()))
        .module_loader(loader.clone())
        .host_hooks(Rc::new(KilnHooks {
            max_buffer_bytes: memory_bytes.min(MAX_BUFFER_BYTES),
            max_source_nesting: stack.source_nesting,
        }))
        .clock(Rc::new(KilnClock(clock.clone())))
        .build()?;
    let limits = context.runtime_limits_mut();
    limits.set_loop_iteration_limit(request.limits.steps.unwrap_or(u64::MAX));
    limits.set_recursion_limit(stack.recursion);
    limits.set_stack_size_limit(STACK_SIZE_LIMIT);

    let host = Host::install(
        &mut context,
        output,
        stop.clone(),
        clock.clone(),
        request.limits.steps,
        stack.native_nesting,
    )?;
    console::install(&mut context)?;
    timers::install(&mut context)?;
    guards::install(
        &mut context,
        GuardLimits {
            memory_bytes,
            native_nesting: stack.native_nesting,
        },
    )?;
    Ok((context, host))
}

fn internal_failure(message: &str) -> Outcome {
    Outcome {
        status: Status::Error,
        exit_code: Outcome::code_for(Status::Error),
        stdout: String::new(),
        stderr: format!("kiln: {message}\n"),
        duration_ms: 0,
        limit: None,
        diagnostics: vec![Diagnostic::error("internal-error", message)],
        files_written: Vec::new(),
    }
}

/// Parses the program as a script, or as a module when it looks like one (or only parses as one,
/// as with top-level `await`).
fn parse(file: &str, source: &str, context: &mut Context) -> Result<Program, Vec<Diagnostic>> {
    let path = Path::new(file);
    let as_module = |context: &mut Context| {
        Module::parse(
            Source::from_bytes(source.as_bytes()).with_path(path),
            None,
            context,
        )
    };
    if looks_like_module(file, source) {
        return as_module(context)
            .map(Program::Module)
            .map_err(|err| syntax_errors(source, true, &err));
    }
    match Script::parse(
        Source::from_bytes(source.as_bytes()).with_path(path),
        None,
        context,
    ) {
        Ok(script) => Ok(Program::Script(script)),
        Err(err) => match as_module(context) {
            Ok(module) => Ok(Program::Module(module)),
            Err(_) => Err(syntax_errors(source, false, &err)),
        },
    }
}

fn syntax_errors(source: &str, module: bool, err: &JsError) -> Vec<Diagnostic> {
    let diagnostics = errors::parse_diagnostics(source, module);
    if diagnostics.is_empty() {
        let message = err
            .as_native()
            .map_or_else(|| err.to_string(), |e| e.message().to_owned());
        return vec![Diagnostic::error(
            "syntax-error",
            errors::strip_position(&message),
        )];
    }
    diagnostics
}

/// Drives a future that only ever waits to yield (Boa's budgeted evaluation), giving up when
/// the stop signal is raised.
fn drive<F: Future>(future: F, stop: &StopSignal) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut task = std::task::Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut task) {
            return Some(output);
        }
        if stop.is_raised() {
            return None;
        }
    }
}

struct Session<'a> {
    host: Rc<Host>,
    loader: Rc<WorkspaceLoader>,
    file: String,
    source: &'a str,
}

impl Session<'_> {
    fn execute(&self, program: Program, context: &mut Context) -> Ending {
        match program {
            Program::Script(script) => {
                let evaluation = script.evaluate_async_with_budget(context, EVALUATION_BUDGET);
                match drive(evaluation, &self.host.stop) {
                    // The engine was left mid-evaluation: the context must not run anything more.
                    None => return Ending::Stopped(self.stop_reason()),
                    Some(Err(err)) => return self.classify(err, context),
                    Some(Ok(_)) => {}
                }
                self.event_loop(context, None)
            }
            Program::Module(module) => self.run_module(&module, context),
        }
    }

    fn stop_reason(&self) -> Halt {
        self.host
            .halted()
            .unwrap_or_else(|| self.host.stop.limit().map_or(Halt::Cancelled, Halt::Limit))
    }

    fn run_module(&self, module: &Module, context: &mut Context) -> Ending {
        self.loader.register(&self.file, module.clone());
        let loading = module.load(context);
        if let Err(err) = context.run_jobs() {
            return self.classify(err, context);
        }
        match loading.state() {
            PromiseState::Fulfilled(_) => {}
            PromiseState::Rejected(reason) => {
                self.host.forget_rejection(&loading.clone().into());
                return Ending::Uncaught(self.uncaught_value(&reason, None, false, context));
            }
            PromiseState::Pending => {
                return Ending::Uncaught(Uncaught {
                    description: "Error: the program's imports could not be loaded".to_owned(),
                    in_promise: false,
                    position: Vec::new(),
                });
            }
        }
        if let Err(err) = module.link(context) {
            return self.classify(err, context);
        }
        let evaluation = match module.evaluate(context) {
            Ok(promise) => promise,
            Err(err) => return self.classify(err, context),
        };
        let promise: JsObject = evaluation.clone().into();
        match self.event_loop(context, Some(&promise)) {
            Ending::Finished => {}
            ending => return ending,
        }
        match evaluation.state() {
            PromiseState::Fulfilled(_) => Ending::Finished,
            PromiseState::Rejected(reason) => {
                Ending::Uncaught(self.uncaught_value(&reason, None, false, context))
            }
            PromiseState::Pending => Ending::Uncaught(Uncaught {
                description:
                    "Error: top-level await never finished (it awaits a promise nothing resolves)"
                        .to_owned(),
                in_promise: false,
                position: Vec::new(),
            }),
        }
    }

    /// Runs promise jobs, then timers in due order (each followed by the promise jobs it caused),
    /// until nothing is left. An unhandled rejection ends the run, as in Node.
    fn event_loop(&self, context: &mut Context, module_promise: Option<&JsObject>) -> Ending {
        if let Err(ending) = self.drain(context, module_promise) {
            return ending;
        }
        loop {
            if let Err(err) = self.host.check_stop() {
                return self.classify(err, context);
            }
            let timer = self.host.timers.borrow_mut().next_due();
            let Some(timer) = timer else {
                return Ending::Finished;
            };
            let result = self.host.count_step().and_then(|()| {
                timer
                    .callback
                    .call(&JsValue::undefined(), &timer.args, context)
            });
            self.host.timers.borrow_mut().finished(timer);
            if let Err(err) = result {
                return self.classify(err, context);
            }
            if let Err(ending) = self.drain(context, module_promise) {
                return ending;
            }
        }
    }

    fn drain(
        &self,
        context: &mut Context,
        module_promise: Option<&JsObject>,
    ) -> Result<(), Ending> {
        context
            .run_jobs()
            .map_err(|err| self.classify(err, context))?;
        if let Some(promise) = self.host.take_unhandled_rejection() {
            let reason = match JsPromise::from_object(promise.clone()).map(|p| p.state()) {
                Ok(PromiseState::Rejected(reason)) => reason,
                _ => JsValue::undefined(),
            };
            let in_promise = !module_promise.is_some_and(|m| JsObject::equals(m, &promise));
            return Err(Ending::Uncaught(
                self.uncaught_value(&reason, None, in_promise, context),
            ));
        }
        Ok(())
    }

    /// What an error escaping the program means: a limit, the host stopping it, or the
    /// program's own uncaught exception.
    fn classify(&self, err: JsError, context: &mut Context) -> Ending {
        if let Some(halt) = self.host.halted() {
            return Ending::Stopped(halt);
        }
        match err.as_engine() {
            Some(engine) if caused_by_runtime_limit(engine) => {
                return Ending::Stopped(Halt::Limit(LimitKind::Steps));
            }
            Some(_) if self.host.stop.is_raised() => return Ending::Stopped(self.stop_reason()),
            Some(other) => {
                return Ending::Uncaught(Uncaught {
                    description: format!("InternalError: {other}"),
                    in_promise: false,
                    position: Vec::new(),
                });
            }
            None => {}
        }
        // Boa prints the backtrace of where the error was thrown after its message.
        let text = err.to_string();
        let positions = errors::backtrace_positions(&text);
        match err.into_opaque(context) {
            Ok(value) => {
                Ending::Uncaught(self.uncaught_value(&value, Some(positions), false, context))
            }
            Err(err) => Ending::Uncaught(Uncaught {
                description: err.to_string(),
                in_promise: false,
                position: positions,
            }),
        }
    }

    fn uncaught_value(
        &self,
        value: &JsValue,
        positions: Option<Vec<Position>>,
        in_promise: bool,
        context: &mut Context,
    ) -> Uncaught {
        let description = match value.as_string() {
            Some(text) => text.to_std_string_lossy(),
            None => console::describe(value, context).unwrap_or_else(|_| "an exception".to_owned()),
        };
        let mut positions = match positions {
            Some(positions) if !positions.is_empty() => positions,
            _ => stack_positions(value, context),
        };
        // Node places an error made by `new MyError()` where `new` ran, not inside the
        // constructors of the error classes.
        let constructors = constructor_names(value, context);
        while positions.len() > 1 && constructors.contains(&positions[0].function) {
            positions.remove(0);
        }
        if let Some(message) = description.strip_prefix("ReferenceError: ") {
            let (file, at) = match positions.first() {
                Some(p) => (p.file.clone(), (p.line, p.column)),
                None => (self.file.clone(), (1, 1)),
            };
            let source = if file == self.file {
                Some(self.source.to_owned())
            } else {
                self.loader.source_of(&file)
            };
            if let Some(found) =
                source.and_then(|source| errors::locate_undeclared_name(message, &source, at))
            {
                match positions.first_mut() {
                    Some(first) => (first.line, first.column) = found,
                    None => positions.push(Position {
                        function: "<main>".to_owned(),
                        file,
                        line: found.0,
                        column: found.1,
                    }),
                }
            }
        }
        Uncaught {
            description,
            in_promise,
            position: positions,
        }
    }

    fn finish(&self, ending: Ending, duration_ms: u64) -> Outcome {
        let output = &self.host.output;
        let mut diagnostics = Vec::new();
        let (status, limit) = match ending {
            Ending::Finished => (Status::Ok, None),
            Ending::Uncaught(uncaught) => {
                let prefix = if uncaught.in_promise {
                    "Uncaught (in promise)"
                } else {
                    "Uncaught"
                };
                let mut description = uncaught.description;
                if description.len() > MAX_ERROR_TEXT {
                    let mut end = MAX_ERROR_TEXT;
                    while !description.is_char_boundary(end) {
                        end -= 1;
                    }
                    description.truncate(end);
                    description.push_str("...");
                }
                let mut text = format!("{prefix} {description}\n");
                if let Some(innermost) = uncaught.position.first() {
                    text.push_str(&format!(
                        "    at {}:{}:{}\n",
                        innermost.file, innermost.line, innermost.column
                    ));
                }
                output.write_notice(&text);
                let mut diagnostic =
                    Diagnostic::error("uncaught-exception", format!("{prefix} {description}"));
                if let Some(here) = uncaught.position.iter().find(|p| p.file == self.file) {
                    diagnostic = diagnostic.at(here.line, here.column);
                }
                diagnostics.push(diagnostic);
                (Status::Error, None)
            }
            Ending::Stopped(Halt::Limit(limit)) => {
                output.write_notice(&format!("kiln: {}\n", limit.explain()));
                (Status::Limit, Some(limit))
            }
            Ending::Stopped(Halt::Cancelled) => {
                output.write_notice("kiln: the run was cancelled\n");
                (Status::Limit, None)
            }
        };
        let (stdout, stderr) = output.take();
        Outcome {
            status,
            exit_code: Outcome::code_for(status),
            stdout,
            stderr,
            duration_ms,
            limit,
            diagnostics,
            files_written: Vec::new(),
        }
    }
}

/// Whether an engine error is, or was caused by, one of Boa's runtime limits (loop iterations,
/// recursion, operand stack). Some engine paths wrap such an error in an "engine panic".
fn caused_by_runtime_limit(error: &EngineError) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut hops = 0;
    while let Some(err) = current {
        if let Some(EngineError::RuntimeLimit(_)) = err.downcast_ref::<EngineError>() {
            return true;
        }
        if err.downcast_ref::<RuntimeLimitError>().is_some() {
            return true;
        }
        if let Some(js) = err.downcast_ref::<JsError>()
            && let Some(engine) = js.as_engine()
        {
            if matches!(engine, EngineError::RuntimeLimit(_)) {
                return true;
            }
            current = Some(engine);
        } else {
            current = err.source();
        }
        hops += 1;
        if hops > 32 {
            break;
        }
    }
    false
}

/// Names of the constructors up an error object's prototype chain (`MyError`, `Error`).
fn constructor_names(value: &JsValue, context: &mut Context) -> Vec<String> {
    let mut names = Vec::new();
    let Some(object) = value.as_object() else {
        return names;
    };
    let mut current = object.prototype();
    while let Some(proto) = current {
        if names.len() > 20 {
            break;
        }
        if let Ok(constructor) = proto.get(boa_engine::js_string!("constructor"), context)
            && let Some(constructor) = constructor.as_object()
            && let Ok(name) = constructor.get(boa_engine::js_string!("name"), context)
            && let Some(name) = name.as_string()
        {
            names.push(name.to_std_string_lossy());
        }
        current = proto.prototype();
    }
    names
}

/// Positions from an Error object's `stack` (Boa records it when the error is created).
fn stack_positions(value: &JsValue, context: &mut Context) -> Vec<Position> {
    let Some(object) = value.as_object() else {
        return Vec::new();
    };
    if !object.is::<boa_engine::builtins::error::Error>() {
        return Vec::new();
    }
    match object.get(PropertyKey::from(boa_engine::js_string!("stack")), context) {
        Ok(stack) => stack
            .as_string()
            .map(|s| errors::backtrace_positions(&s.to_std_string_lossy()))
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// Global names of a fresh context plus ours.
pub(crate) fn provided_globals() -> Vec<String> {
    let mut names: Vec<String> = timers::GLOBALS.iter().map(|s| (*s).to_owned()).collect();
    names.push("console".to_owned());
    if let Ok(mut context) = Context::builder().build() {
        let global = context.global_object();
        if let Ok(keys) = global.own_property_keys(&mut context) {
            for key in keys {
                if let PropertyKey::String(name) = key {
                    names.push(name.to_std_string_lossy());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

//! Per-run state shared by the globals we install (console, timers) and the engine hooks.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use boa_engine::builtins::promise::{OperationType, Promise};
use boa_engine::context::time::JsInstant;
use boa_engine::context::{Clock as BoaClock, HostHooks};
use boa_engine::error::{EngineError, PanicError};
use boa_engine::object::builtins::JsFunction;
use boa_engine::realm::Realm;
use boa_engine::{Context, JsError, JsNativeError, JsObject, JsResult, JsString, js_string};
use kiln_core::{LimitKind, OutputCapture, SharedClock, StopSignal, Stream};

use crate::console::ConsoleState;
use crate::timers::Timers;

/// Why the runner stopped the program from the outside (never the program's own error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Halt {
    /// A budget ran out.
    Limit(LimitKind),
    /// The host cancelled the run without naming a limit.
    Cancelled,
}

/// Built-in functions captured before user code runs, so a program that replaces
/// `JSON.stringify` or `Function.prototype.toString` cannot change how `console` prints.
pub(crate) struct Primordials {
    pub(crate) function_to_string: JsFunction,
    pub(crate) json_stringify: JsFunction,
    pub(crate) parse_int: JsFunction,
    pub(crate) parse_float: JsFunction,
    pub(crate) array_is_array: JsFunction,
}

impl Primordials {
    fn capture(context: &mut Context) -> JsResult<Self> {
        let global = context.global_object();
        let function_proto = context.intrinsics().constructors().function().prototype();
        let array = context.intrinsics().constructors().array().constructor();
        let json = global.get(js_string!("JSON"), context)?;
        let json = json
            .as_object()
            .ok_or_else(|| JsNativeError::typ().with_message("JSON is missing"))?;
        Ok(Primordials {
            function_to_string: function(&function_proto, "toString", context)?,
            json_stringify: function(&json, "stringify", context)?,
            parse_int: function(&global, "parseInt", context)?,
            parse_float: function(&global, "parseFloat", context)?,
            array_is_array: function(&array, "isArray", context)?,
        })
    }
}

fn function(object: &JsObject, name: &str, context: &mut Context) -> JsResult<JsFunction> {
    object
        .get(js_string!(name), context)?
        .as_function()
        .ok_or_else(|| {
            JsNativeError::typ()
                .with_message(format!("{name} is missing"))
                .into()
        })
}

/// Everything a run shares between Rust callbacks. Lives in the context's host-defined data.
pub(crate) struct Host {
    pub(crate) output: OutputCapture,
    pub(crate) stop: StopSignal,
    pub(crate) clock: SharedClock,
    /// Budget for loop iterations, microtasks and timer callbacks (`Limits::steps`).
    pub(crate) steps: Option<u64>,
    /// Microtasks and timer callbacks run so far.
    steps_used: Cell<u64>,
    halt: Cell<Option<Halt>>,
    /// How deeply guarded, natively recursive built-ins are nested right now.
    pub(crate) native_depth: Cell<usize>,
    /// How deep natively recursive work may go (guards, `console` formatting with no depth).
    pub(crate) nesting_limit: usize,
    pub(crate) console: RefCell<ConsoleState>,
    pub(crate) timers: RefCell<Timers>,
    /// Rejected promises nobody handled yet, oldest first.
    rejections: RefCell<Vec<JsObject>>,
    pub(crate) primordials: Primordials,
}

impl Host {
    pub(crate) fn install(
        context: &mut Context,
        output: OutputCapture,
        stop: StopSignal,
        clock: SharedClock,
        steps: Option<u64>,
        nesting_limit: usize,
    ) -> JsResult<Rc<Host>> {
        let primordials = Primordials::capture(context)?;
        let host = Rc::new(Host {
            output,
            stop,
            clock,
            steps,
            steps_used: Cell::new(0),
            halt: Cell::new(None),
            native_depth: Cell::new(0),
            nesting_limit,
            console: RefCell::new(ConsoleState::default()),
            timers: RefCell::new(Timers::default()),
            rejections: RefCell::new(Vec::new()),
            primordials,
        });
        context.insert_data(host.clone());
        Ok(host)
    }

    /// The host of the run `context` belongs to.
    pub(crate) fn get(context: &Context) -> JsResult<Rc<Host>> {
        context.get_data::<Rc<Host>>().cloned().ok_or_else(|| {
            JsNativeError::error()
                .with_message("kiln: runner state is missing")
                .into()
        })
    }

    /// Why the program was stopped from the outside, if it was.
    pub(crate) fn halted(&self) -> Option<Halt> {
        self.halt.get()
    }

    /// Records why the program must stop and returns an error no `catch` can intercept.
    pub(crate) fn halt(&self, why: Halt) -> JsError {
        if self.halt.get().is_none() {
            self.halt.set(Some(why));
        }
        // Engine errors unwind through every `try`/`catch`; the message is never shown because
        // `halted()` is checked first when the run ends.
        EngineError::Panic(PanicError::new("kiln: run stopped by the host")).into()
    }

    /// Fails when the host asked the run to stop (time limit, cancel).
    pub(crate) fn check_stop(&self) -> JsResult<()> {
        if let Some(why) = self.halt.get() {
            return Err(self.halt(why));
        }
        if self.stop.is_raised() {
            return Err(self.halt(self.stop.limit().map_or(Halt::Cancelled, Halt::Limit)));
        }
        Ok(())
    }

    /// Counts one microtask or timer callback against the steps budget.
    pub(crate) fn count_step(&self) -> JsResult<()> {
        self.check_stop()?;
        let used = self.steps_used.get() + 1;
        self.steps_used.set(used);
        if self.steps.is_some_and(|steps| used > steps) {
            return Err(self.halt(Halt::Limit(LimitKind::Steps)));
        }
        Ok(())
    }

    /// Writes program output, stopping the program when the output limit is reached.
    pub(crate) fn write(&self, stream: Stream, text: &str) -> JsResult<()> {
        self.check_stop()?;
        self.output
            .write(stream, text)
            .map_err(|limit| self.halt(Halt::Limit(limit)))
    }

    /// The oldest rejected promise without a handler, forgetting it.
    pub(crate) fn take_unhandled_rejection(&self) -> Option<JsObject> {
        let mut rejections = self.rejections.borrow_mut();
        if rejections.is_empty() {
            None
        } else {
            Some(rejections.remove(0))
        }
    }

    /// Forgets a rejected promise (the runner reports it another way).
    pub(crate) fn forget_rejection(&self, promise: &JsObject) {
        self.rejections
            .borrow_mut()
            .retain(|p| !JsObject::equals(p, promise));
    }

    /// Drops every JS value the host holds, so the context can be freed.
    pub(crate) fn clear(&self) {
        self.rejections.borrow_mut().clear();
        self.timers.borrow_mut().clear();
    }
}

/// Engine hooks: unhandled-rejection tracking, the ArrayBuffer size cap, and the nesting check
/// for code compiled at run time (`eval`, `new Function`).
pub(crate) struct KilnHooks {
    pub(crate) max_buffer_bytes: u64,
    pub(crate) max_source_nesting: usize,
}

impl HostHooks for KilnHooks {
    fn promise_rejection_tracker(
        &self,
        promise: &JsObject<Promise>,
        operation: OperationType,
        context: &mut Context,
    ) {
        let Some(host) = context.get_data::<Rc<Host>>() else {
            return;
        };
        let promise = promise.clone().upcast();
        match operation {
            OperationType::Reject => host.rejections.borrow_mut().push(promise),
            OperationType::Handle => host.forget_rejection(&promise),
        }
    }

    fn max_buffer_size(&self, _context: &mut Context) -> u64 {
        self.max_buffer_bytes
    }

    fn ensure_can_compile_strings(
        &self,
        _realm: Realm,
        parameters: &[JsString],
        body: &JsString,
        _direct: bool,
        _context: &mut Context,
    ) -> JsResult<()> {
        let nesting = parameters
            .iter()
            .chain(std::iter::once(body))
            .map(|text| crate::guards::max_nesting(&text.to_std_string_lossy()))
            .max()
            .unwrap_or(0);
        if nesting > self.max_source_nesting {
            return Err(JsNativeError::range()
                .with_message(format!(
                    "code nested {nesting} levels deep is more than this engine can parse (at most {})",
                    self.max_source_nesting
                ))
                .into());
        }
        Ok(())
    }
}

/// Boa's clock over Kiln's, so `Date.now()` works the same natively and in a browser worker.
pub(crate) struct KilnClock(pub(crate) SharedClock);

impl BoaClock for KilnClock {
    fn now(&self) -> JsInstant {
        let ns = self.0.monotonic_ns();
        JsInstant::new(
            ns / 1_000_000_000,
            u32::try_from(ns % 1_000_000_000).unwrap_or(0),
        )
    }

    fn system_time_millis(&self) -> i64 {
        i64::try_from(self.0.wall_time_ns() / 1_000_000).unwrap_or(i64::MAX)
    }
}

//! `setTimeout` and friends on a virtual clock.
//!
//! Timers never wait: once the script and its promise jobs are done, the runner fires them in
//! order of their due time on a virtual clock (ties in creation order), as Node would if every
//! callback took no time. A program that waits 10 seconds for a timer finishes at once.

use std::collections::{BTreeMap, HashMap};

use boa_engine::job::PromiseJob;
use boa_engine::object::builtins::JsFunction;
use boa_engine::{Context, JsNativeError, JsResult, JsValue, NativeFunction, js_string};

use crate::host::Host;

/// Node clamps delays outside 1..=2³¹-1 ms to 1 ms.
const TIMEOUT_MAX_MS: f64 = 2_147_483_647.0;

/// A scheduled callback.
pub(crate) struct Timer {
    pub(crate) id: u32,
    pub(crate) callback: JsFunction,
    pub(crate) args: Vec<JsValue>,
    /// Interval in microseconds, for `setInterval`.
    pub(crate) repeat: Option<u64>,
}

/// The timer queue of one run. Times are virtual microseconds since the run started.
#[derive(Default)]
pub(crate) struct Timers {
    now: u64,
    next_id: u32,
    next_seq: u64,
    queue: BTreeMap<(u64, u64), Timer>,
    keys: HashMap<u32, (u64, u64)>,
    /// The interval whose callback is running, and whether it cleared itself.
    running: Option<(u32, bool)>,
}

impl Timers {
    fn schedule(&mut self, timer: Timer, delay_us: u64) {
        let key = (self.now.saturating_add(delay_us), self.next_seq);
        self.next_seq += 1;
        self.keys.insert(timer.id, key);
        self.queue.insert(key, timer);
    }

    fn add(
        &mut self,
        callback: JsFunction,
        args: Vec<JsValue>,
        delay_us: u64,
        repeat: bool,
    ) -> u32 {
        self.next_id += 1;
        let id = self.next_id;
        let timer = Timer {
            id,
            callback,
            args,
            repeat: repeat.then_some(delay_us),
        };
        self.schedule(timer, delay_us);
        id
    }

    fn cancel(&mut self, id: u32) {
        if let Some(key) = self.keys.remove(&id) {
            self.queue.remove(&key);
        }
        if let Some((running, cleared)) = &mut self.running
            && *running == id
        {
            *cleared = true;
        }
    }

    /// Takes the next timer to fire and moves the virtual clock to its due time.
    pub(crate) fn next_due(&mut self) -> Option<Timer> {
        let ((due, _), timer) = self.queue.pop_first()?;
        self.keys.remove(&timer.id);
        self.now = due;
        self.running = Some((timer.id, false));
        Some(timer)
    }

    /// Called after a timer's callback: re-arms an interval unless it was cleared meanwhile.
    pub(crate) fn finished(&mut self, timer: Timer) {
        let cleared = self.running.take().is_some_and(|(_, cleared)| cleared);
        if let Some(interval) = timer.repeat
            && !cleared
        {
            self.schedule(timer, interval);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.queue.clear();
        self.keys.clear();
        self.running = None;
    }
}

type NativeFn = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;

/// Installs the timer globals and `queueMicrotask`.
pub(crate) fn install(context: &mut Context) -> JsResult<()> {
    let functions: [(&str, usize, NativeFn); 7] = [
        ("setTimeout", 2, set_timeout),
        ("setInterval", 2, set_interval),
        ("setImmediate", 1, set_immediate),
        ("clearTimeout", 1, clear_timer),
        ("clearInterval", 1, clear_timer),
        ("clearImmediate", 1, clear_timer),
        ("queueMicrotask", 1, queue_microtask),
    ];
    for (name, length, function) in functions {
        context.register_global_builtin_callable(
            js_string!(name),
            length,
            NativeFunction::from_fn_ptr(function),
        )?;
    }
    Ok(())
}

/// The names [`install`] defines.
pub(crate) const GLOBALS: [&str; 7] = [
    "setTimeout",
    "setInterval",
    "setImmediate",
    "clearTimeout",
    "clearInterval",
    "clearImmediate",
    "queueMicrotask",
];

fn callback(value: Option<&JsValue>) -> JsResult<JsFunction> {
    value.and_then(JsValue::as_function).ok_or_else(|| {
        let received = match value {
            None => "undefined".to_owned(),
            Some(v) if v.is_null() => "null".to_owned(),
            Some(v) if v.is_undefined() => "undefined".to_owned(),
            Some(v) if v.is_object() => "an instance of Object".to_owned(),
            Some(v) => format!("type {}", v.type_of()),
        };
        JsNativeError::typ()
            .with_message(format!(
                "The \"callback\" argument must be of type function. Received {received}"
            ))
            .into()
    })
}

fn delay_us(value: Option<&JsValue>, context: &mut Context) -> JsResult<u64> {
    let ms = match value {
        Some(v) => v.to_number(context)?,
        None => 1.0,
    };
    let ms = if (1.0..=TIMEOUT_MAX_MS).contains(&ms) {
        ms
    } else {
        1.0
    };
    // Truncation is intended: sub-microsecond parts of a delay do not matter.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok((ms * 1000.0) as u64)
}

fn schedule(
    args: &[JsValue],
    context: &mut Context,
    repeat: bool,
    immediate: bool,
) -> JsResult<JsValue> {
    let callback = callback(args.first())?;
    let (delay, rest) = if immediate {
        (0, args.get(1..).unwrap_or_default())
    } else {
        (
            delay_us(args.get(1), context)?,
            args.get(2..).unwrap_or_default(),
        )
    };
    let host = Host::get(context)?;
    let id = host
        .timers
        .borrow_mut()
        .add(callback, rest.to_vec(), delay, repeat);
    Ok(JsValue::from(id))
}

fn set_timeout(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    schedule(args, context, false, false)
}

fn set_interval(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    schedule(args, context, true, false)
}

fn set_immediate(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    schedule(args, context, false, true)
}

fn clear_timer(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let Some(id) = args.first().filter(|v| !v.is_null_or_undefined()) else {
        return Ok(JsValue::undefined());
    };
    let id = id.to_number(context)?;
    if id.fract() == 0.0 && id >= 1.0 && id <= f64::from(u32::MAX) {
        // Checked above: a whole number in u32 range.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let id = id as u32;
        Host::get(context)?.timers.borrow_mut().cancel(id);
    }
    Ok(JsValue::undefined())
}

fn queue_microtask(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let callback = callback(args.first())?;
    context.enqueue_job(
        PromiseJob::new(move |context| callback.call(&JsValue::undefined(), &[], context)).into(),
    );
    Ok(JsValue::undefined())
}

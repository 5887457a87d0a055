//! Guards around built-ins that could abort the process instead of failing.
//!
//! Rust aborts on a failed allocation and on a native stack overflow, and some of Boa's
//! built-ins can cause either from one innocent-looking call: `'a'.repeat(2 ** 28)` reserves
//! 24 bytes per repetition before building the string, `new Array(1e9).fill(0)` grows a dense
//! vector to gigabytes, and `String(nested)` or `JSON.stringify(nested)` recurse natively once
//! per nesting level. We replace those few built-ins with wrappers that estimate the cost first
//! and fail cleanly: the memory limit (estimates above `Limits::memory_bytes`) or a `RangeError`
//! (`Maximum call stack size exceeded`, as V8 says). Everything else relies on the steps budget,
//! the host's time limit, and, natively, on `kiln_core::memory::CappedAllocator`.

use boa_engine::gc::{Finalize, GcRefCell, Trace};
use boa_engine::object::FunctionObjectBuilder;
use boa_engine::object::builtins::JsFunction;
use boa_engine::property::PropertyDescriptor;
use boa_engine::value::IntegerOrInfinity;
use boa_engine::{Context, JsNativeError, JsObject, JsResult, JsValue, NativeFunction, js_string};
use kiln_core::LimitKind;

use crate::host::{Halt, Host};

/// Bytes a JS value takes in an array's storage (an estimate on the high side).
const BYTES_PER_ELEMENT: u64 = 16;
/// Bytes per repetition Boa reserves in `String.prototype.repeat` before building the result.
const BYTES_PER_REPETITION: u64 = 24;

/// V8's longest string (2²⁹ − 24 UTF-16 units): longer results are a catchable
/// `RangeError: Invalid string length`, as in Node, whatever the memory limit.
const MAX_STRING_LENGTH: u64 = (1 << 29) - 24;

/// The budgets the guards enforce.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GuardLimits {
    /// Estimated bytes a single built-in call may allocate.
    pub(crate) memory_bytes: u64,
    /// How deeply built-ins that recurse natively may nest.
    pub(crate) native_nesting: usize,
}

/// A check run before the original built-in; it may call the original itself.
type Check = fn(&JsValue, &[JsValue], &Wrapped, &mut Context) -> JsResult<JsValue>;

#[derive(Trace, Finalize)]
struct Wrapped {
    original: JsFunction,
    #[unsafe_ignore_trace]
    check: Check,
    #[unsafe_ignore_trace]
    limits: GuardLimits,
}

/// Replaces the guarded built-ins of the context's realm with their wrappers.
pub(crate) fn install(context: &mut Context, limits: GuardLimits) -> JsResult<()> {
    let constructors = context.intrinsics().constructors();
    let string_proto = constructors.string().prototype();
    let array_proto = constructors.array().prototype();
    let array_ctor = constructors.array().constructor();
    let json = context.global_object().get(js_string!("JSON"), context)?;
    let json = json
        .as_object()
        .ok_or_else(|| JsNativeError::typ().with_message("JSON is missing"))?;
    let targets: [(&JsObject, &str, Check); 10] = [
        (&string_proto, "repeat", repeat),
        (&string_proto, "padStart", pad),
        (&string_proto, "padEnd", pad),
        (&array_proto, "fill", fill),
        (&array_proto, "join", join),
        (&array_proto, "toString", join),
        (&array_proto, "toLocaleString", join),
        (&array_proto, "flat", flat),
        (&array_ctor, "from", array_from),
        (&json, "stringify", json_stringify),
    ];
    for (object, name, check) in targets {
        wrap(object, name, check, limits, context)?;
    }
    Ok(())
}

fn wrap(
    object: &JsObject,
    name: &str,
    check: Check,
    limits: GuardLimits,
    context: &mut Context,
) -> JsResult<()> {
    let original = object
        .get(js_string!(name), context)?
        .as_function()
        .ok_or_else(|| JsNativeError::typ().with_message(format!("{name} is missing")))?;
    let length = original
        .get(js_string!("length"), context)?
        .to_length(context)?;
    let function = NativeFunction::from_copy_closure_with_captures(
        |this, args, wrapped: &Wrapped, context| (wrapped.check)(this, args, wrapped, context),
        Wrapped {
            original,
            check,
            limits,
        },
    );
    let function = FunctionObjectBuilder::new(context.realm(), function)
        .name(js_string!(name))
        .length(usize::try_from(length).unwrap_or(0))
        .constructor(false)
        .build();
    object.define_property_or_throw(
        js_string!(name),
        PropertyDescriptor::builder()
            .value(function)
            .writable(true)
            .enumerable(false)
            .configurable(true),
        context,
    )?;
    Ok(())
}

fn arg(args: &[JsValue], index: usize) -> JsValue {
    args.get(index).cloned().unwrap_or_default()
}

fn repeat(
    this: &JsValue,
    args: &[JsValue],
    wrapped: &Wrapped,
    context: &mut Context,
) -> JsResult<JsValue> {
    let length = this.to_string(context)?.len() as u64;
    let count = count_of(&arg(args, 0), context)?;
    check_string_length(count.saturating_mul(length))?;
    check_memory(
        count.saturating_mul(BYTES_PER_REPETITION + 2 * length),
        wrapped.limits,
        context,
    )?;
    wrapped.original.call(this, args, context)
}

fn pad(
    this: &JsValue,
    args: &[JsValue],
    wrapped: &Wrapped,
    context: &mut Context,
) -> JsResult<JsValue> {
    let length = count_of(&arg(args, 0), context)?;
    check_string_length(length)?;
    check_memory(
        length.saturating_mul(2 + BYTES_PER_REPETITION),
        wrapped.limits,
        context,
    )?;
    wrapped.original.call(this, args, context)
}

fn fill(
    this: &JsValue,
    args: &[JsValue],
    wrapped: &Wrapped,
    context: &mut Context,
) -> JsResult<JsValue> {
    if let Some(object) = this.as_object() {
        let length = object
            .get(js_string!("length"), context)?
            .to_length(context)?;
        let start = relative_index(&arg(args, 1), length, 0, context)?;
        let end = relative_index(&arg(args, 2), length, length, context)?;
        check_memory(
            end.saturating_sub(start).saturating_mul(BYTES_PER_ELEMENT),
            wrapped.limits,
            context,
        )?;
    }
    wrapped.original.call(this, args, context)
}

fn array_from(
    this: &JsValue,
    args: &[JsValue],
    wrapped: &Wrapped,
    context: &mut Context,
) -> JsResult<JsValue> {
    if let Some(source) = args.first().and_then(JsValue::as_object)
        && !source.has_property(boa_engine::JsSymbol::iterator(), context)?
    {
        let length = source
            .get(js_string!("length"), context)?
            .to_length(context)?;
        check_memory(
            length.saturating_mul(BYTES_PER_ELEMENT),
            wrapped.limits,
            context,
        )?;
    }
    wrapped.original.call(this, args, context)
}

/// `join`, `toString` and `toLocaleString` of arrays: they nest natively and may build huge
/// strings.
fn join(
    this: &JsValue,
    args: &[JsValue],
    wrapped: &Wrapped,
    context: &mut Context,
) -> JsResult<JsValue> {
    if let Some(object) = this.as_object() {
        let length = object
            .get(js_string!("length"), context)?
            .to_length(context)?;
        let separator = match args.first() {
            Some(sep) if !sep.is_undefined() => sep.to_string(context)?.len() as u64,
            _ => 1,
        };
        // At least the separators: two bytes per UTF-16 unit.
        check_string_length(length.saturating_sub(1).saturating_mul(separator))?;
        check_memory(
            length.saturating_sub(1).saturating_mul(separator * 2),
            wrapped.limits,
            context,
        )?;
    }
    nested(wrapped.limits, context, |context| {
        wrapped.original.call(this, args, context)
    })
}

/// Flattening recurses natively once per level: deeper than the nesting budget is cut there (no
/// real array is that deep).
fn flat(
    this: &JsValue,
    args: &[JsValue],
    wrapped: &Wrapped,
    context: &mut Context,
) -> JsResult<JsValue> {
    let depth = match args.first() {
        Some(depth) if !depth.is_undefined() => match depth.to_integer_or_infinity(context)? {
            IntegerOrInfinity::Integer(depth) => depth,
            IntegerOrInfinity::PositiveInfinity => i64::MAX,
            IntegerOrInfinity::NegativeInfinity => 0,
        },
        _ => 1,
    };
    let cap = i64::try_from(wrapped.limits.native_nesting).unwrap_or(i64::MAX);
    if depth > cap {
        let mut args = args.to_vec();
        if args.is_empty() {
            args.push(JsValue::undefined());
        }
        args[0] = JsValue::from(cap);
        return wrapped.original.call(this, &args, context);
    }
    wrapped.original.call(this, args, context)
}

/// `JSON.stringify` recurses natively per nesting level and never re-enters JavaScript, so the
/// engine's recursion limit does not see it. We pass a replacer that tracks the path from the
/// root to the value being serialised (replacers are called holder first, depth first) and fails
/// when it gets too long. A user's replacer function still runs first; with a replacer array
/// (rare) the call is not guarded.
fn json_stringify(
    _this: &JsValue,
    args: &[JsValue],
    wrapped: &Wrapped,
    context: &mut Context,
) -> JsResult<JsValue> {
    let user = args.get(1).cloned().unwrap_or_default();
    if user.as_object().is_some_and(|o| o.is_array()) {
        return wrapped.original.call(&JsValue::undefined(), args, context);
    }
    let tracker = PathTracker {
        user: user.as_function(),
        path: GcRefCell::new(Vec::new()),
        limit: wrapped.limits.native_nesting,
    };
    let replacer = NativeFunction::from_copy_closure_with_captures(track_path, tracker);
    let replacer = FunctionObjectBuilder::new(context.realm(), replacer)
        .length(2)
        .build();
    let value = args.first().cloned().unwrap_or_default();
    let space = args.get(2).cloned().unwrap_or_default();
    wrapped.original.call(
        &JsValue::undefined(),
        &[value, replacer.into(), space],
        context,
    )
}

#[derive(Trace, Finalize)]
struct PathTracker {
    user: Option<JsFunction>,
    path: GcRefCell<Vec<JsObject>>,
    #[unsafe_ignore_trace]
    limit: usize,
}

fn track_path(
    holder: &JsValue,
    args: &[JsValue],
    tracker: &PathTracker,
    context: &mut Context,
) -> JsResult<JsValue> {
    let value = match &tracker.user {
        Some(user) => user.call(holder, args, context)?,
        None => args.get(1).cloned().unwrap_or_default(),
    };
    let mut path = tracker.path.borrow_mut();
    match holder.as_object() {
        Some(holder) if path.iter().any(|o| JsObject::equals(o, &holder)) => {
            while path.last().is_some_and(|o| !JsObject::equals(o, &holder)) {
                path.pop();
            }
        }
        _ => path.clear(),
    }
    if let Some(object) = value.as_object() {
        path.push(object);
        if path.len() > tracker.limit {
            return Err(stack_exceeded());
        }
    }
    Ok(value)
}

fn stack_exceeded() -> boa_engine::JsError {
    JsNativeError::range()
        .with_message("Maximum call stack size exceeded")
        .into()
}

/// Runs a natively recursive built-in one level deeper, failing past the nesting budget.
fn nested<T>(
    limits: GuardLimits,
    context: &mut Context,
    call: impl FnOnce(&mut Context) -> JsResult<T>,
) -> JsResult<T> {
    let host = Host::get(context)?;
    let depth = host.native_depth.get() + 1;
    if depth > limits.native_nesting {
        return Err(stack_exceeded());
    }
    host.native_depth.set(depth);
    let result = call(context);
    host.native_depth.set(depth - 1);
    result
}

fn count_of(value: &JsValue, context: &mut Context) -> JsResult<u64> {
    Ok(match value.to_integer_or_infinity(context)? {
        IntegerOrInfinity::Integer(n) => u64::try_from(n).unwrap_or(0),
        IntegerOrInfinity::PositiveInfinity => u64::MAX,
        IntegerOrInfinity::NegativeInfinity => 0,
    })
}

/// `Array.prototype.fill`'s start/end arguments resolved against `length`.
fn relative_index(
    value: &JsValue,
    length: u64,
    default: u64,
    context: &mut Context,
) -> JsResult<u64> {
    if value.is_undefined() {
        return Ok(default);
    }
    Ok(match value.to_integer_or_infinity(context)? {
        IntegerOrInfinity::Integer(n) if n < 0 => length.saturating_sub(n.unsigned_abs()),
        IntegerOrInfinity::Integer(n) => u64::try_from(n).unwrap_or(u64::MAX).min(length),
        IntegerOrInfinity::PositiveInfinity => length,
        IntegerOrInfinity::NegativeInfinity => 0,
    })
}

fn check_string_length(length: u64) -> JsResult<()> {
    if length > MAX_STRING_LENGTH {
        return Err(JsNativeError::range()
            .with_message("Invalid string length")
            .into());
    }
    Ok(())
}

/// Stops the program with the memory limit when one call would allocate more than it allows.
fn check_memory(estimate: u64, limits: GuardLimits, context: &mut Context) -> JsResult<()> {
    if estimate > limits.memory_bytes {
        return Err(Host::get(context)?.halt(Halt::Limit(LimitKind::Memory)));
    }
    Ok(())
}

/// Deepest bracket nesting in JavaScript source (`(`, `[`, `{`, `${`), skipping strings and
/// comments. Boa's parser recurses deeply per level, so the runner refuses code nested beyond
/// what the native stack can parse. Regular-expression literals are not recognised; brackets
/// inside them may miscount, which only matters near the limit.
pub(crate) fn max_nesting(source: &str) -> usize {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut max = 0usize;
    // Open template literals: the bracket depth at which each `${` started.
    let mut templates: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            quote @ (b'\'' | b'"') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => i = skip_template(bytes, i + 1, &mut templates, &mut depth, &mut max),
            b'}' if templates.last() == Some(&depth) => {
                templates.pop();
                depth = depth.saturating_sub(1);
                i = skip_template(bytes, i + 1, &mut templates, &mut depth, &mut max);
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    max
}

/// Skips template text from `i` to the closing backtick (returning its index) or to a `${`
/// (entering it as one more nesting level).
fn skip_template(
    bytes: &[u8],
    mut i: usize,
    templates: &mut Vec<usize>,
    depth: &mut usize,
    max: &mut usize,
) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'`' => return i,
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                *depth += 1;
                *max = (*max).max(*depth);
                templates.push(*depth);
                return i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::max_nesting;

    #[test]
    fn measures_bracket_nesting() {
        assert_eq!(max_nesting("f(a[1], { b: [2] })"), 3);
        assert_eq!(max_nesting("'((((' + \"[[[\" // ((((\n /* {{{{ */ x"), 0);
        assert_eq!(max_nesting("`a ${ f(`b ${ [1] }`) } c` + (1)"), 4);
        assert_eq!(max_nesting(")))((("), 3);
    }
}

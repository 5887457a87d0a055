//! The `console` global, printing like Node's.

use std::collections::HashMap;

use boa_engine::object::ObjectInitializer;
use boa_engine::object::builtins::{JsMap, JsSet};
use boa_engine::property::{Attribute, PropertyKey};
use boa_engine::value::JsVariant;
use boa_engine::{Context, JsObject, JsResult, JsValue, NativeFunction, js_string};
use kiln_core::Stream;

use crate::host::Host;
use crate::inspect::{
    self, Options, format_bigint, format_number, format_symbol, inspect, own_descriptor,
};

/// `console.count`, `console.time` and `console.group` state of one run.
#[derive(Default)]
pub(crate) struct ConsoleState {
    counts: HashMap<String, u64>,
    /// Label → monotonic start time in nanoseconds.
    timers: HashMap<String, u64>,
    /// Current `console.group` indentation, in spaces.
    indent: usize,
}

type NativeFn = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;

/// Installs `console`.
pub(crate) fn install(context: &mut Context) -> JsResult<()> {
    let methods: [(&str, usize, NativeFn); 21] = [
        ("log", 0, log),
        ("info", 0, log),
        ("debug", 0, log),
        ("dirxml", 0, log),
        ("warn", 0, warn),
        ("error", 0, warn),
        ("trace", 0, trace),
        ("dir", 0, dir),
        ("table", 1, table),
        ("assert", 0, assert),
        ("count", 0, count),
        ("countReset", 0, count_reset),
        ("time", 0, time),
        ("timeEnd", 0, time_end),
        ("timeLog", 0, time_log),
        ("group", 0, group),
        ("groupCollapsed", 0, group),
        ("groupEnd", 0, group_end),
        ("clear", 0, noop),
        ("profile", 0, noop),
        ("profileEnd", 0, noop),
    ];
    let mut console = ObjectInitializer::new(context);
    for (name, length, function) in methods {
        console.function(
            NativeFunction::from_fn_ptr(function),
            js_string!(name),
            length,
        );
    }
    let console = console.build();
    context.register_global_property(
        js_string!("console"),
        console,
        Attribute::WRITABLE | Attribute::CONFIGURABLE,
    )?;
    Ok(())
}

/// Writes one line (or several) at the current group indentation.
fn emit(context: &mut Context, stream: Stream, text: &str) -> JsResult<()> {
    let host = Host::get(context)?;
    let indent = host.console.borrow().indent;
    let mut line = if indent == 0 {
        text.to_owned()
    } else {
        let pad = " ".repeat(indent);
        format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
    };
    line.push('\n');
    host.write(stream, &line)
}

fn noop(_: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    Host::get(context)?.check_stop()?;
    Ok(JsValue::undefined())
}

fn log(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    Host::get(context)?.check_stop()?;
    let text = format_args(args, context)?;
    emit(context, Stream::Stdout, &text)?;
    Ok(JsValue::undefined())
}

fn warn(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    Host::get(context)?.check_stop()?;
    let text = format_args(args, context)?;
    emit(context, Stream::Stderr, &text)?;
    Ok(JsValue::undefined())
}

fn trace(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    Host::get(context)?.check_stop()?;
    let text = format_args(args, context)?;
    let text = if text.is_empty() {
        "Trace".to_owned()
    } else {
        format!("Trace: {text}")
    };
    emit(context, Stream::Stderr, &text)?;
    Ok(JsValue::undefined())
}

fn dir(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    Host::get(context)?.check_stop()?;
    let mut options = Options::default();
    if let Some(settings) = args.get(1).and_then(JsValue::as_object) {
        let depth = settings.get(js_string!("depth"), context)?;
        if depth.is_null() {
            options.depth = None;
        } else if !depth.is_undefined() {
            let depth = depth.to_number(context)?;
            // Saturating float-to-int conversion is what we want for depths.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            {
                options.depth = if depth.is_infinite() && depth > 0.0 {
                    None
                } else {
                    Some(depth.max(0.0) as usize)
                };
            }
        }
    }
    let value = args.first().cloned().unwrap_or_default();
    let text = inspect(&value, options, context)?;
    emit(context, Stream::Stdout, &text)?;
    Ok(JsValue::undefined())
}

fn assert(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    Host::get(context)?.check_stop()?;
    if args.first().is_some_and(JsValue::to_boolean) {
        return Ok(JsValue::undefined());
    }
    // Node: `args[0] = \`Assertion failed${args.length === 0 ? '' : `: ${args[0]}`}\``.
    let mut rest: Vec<JsValue> = args.get(1..).unwrap_or_default().to_vec();
    let head = match rest.first() {
        None => "Assertion failed".to_owned(),
        Some(first) => format!("Assertion failed: {}", string_of(first, context)?),
    };
    if rest.is_empty() {
        rest.push(JsValue::from(js_string!(head.as_str())));
    } else {
        rest[0] = JsValue::from(js_string!(head.as_str()));
    }
    let text = format_args(&rest, context)?;
    emit(context, Stream::Stderr, &text)?;
    Ok(JsValue::undefined())
}

fn label(args: &[JsValue], context: &mut Context) -> JsResult<String> {
    match args.first() {
        None => Ok("default".to_owned()),
        Some(v) if v.is_undefined() => Ok("default".to_owned()),
        Some(v) => string_of(v, context),
    }
}

fn count(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let host = Host::get(context)?;
    host.check_stop()?;
    let label = label(args, context)?;
    let n = {
        let mut console = host.console.borrow_mut();
        let n = console.counts.entry(label.clone()).or_insert(0);
        *n += 1;
        *n
    };
    emit(context, Stream::Stdout, &format!("{label}: {n}"))?;
    Ok(JsValue::undefined())
}

fn count_reset(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let host = Host::get(context)?;
    host.check_stop()?;
    let label = label(args, context)?;
    let existed = host
        .console
        .borrow_mut()
        .counts
        .insert(label.clone(), 0)
        .is_some();
    if !existed {
        host.console.borrow_mut().counts.remove(&label);
        emit(
            context,
            Stream::Stderr,
            &format!("Warning: Count for '{label}' does not exist"),
        )?;
    }
    Ok(JsValue::undefined())
}

fn time(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let host = Host::get(context)?;
    host.check_stop()?;
    let label = label(args, context)?;
    let now = host.clock.monotonic_ns();
    let existed = host.console.borrow().timers.contains_key(&label);
    if existed {
        emit(
            context,
            Stream::Stderr,
            &format!("Warning: Label '{label}' already exists for console.time()"),
        )?;
    } else {
        host.console.borrow_mut().timers.insert(label, now);
    }
    Ok(JsValue::undefined())
}

fn elapsed(label: &str, end: bool, context: &mut Context) -> JsResult<Option<String>> {
    let host = Host::get(context)?;
    let start = if end {
        host.console.borrow_mut().timers.remove(label)
    } else {
        host.console.borrow().timers.get(label).copied()
    };
    let Some(start) = start else {
        let method = if end {
            "console.timeEnd()"
        } else {
            "console.timeLog()"
        };
        emit(
            context,
            Stream::Stderr,
            &format!("Warning: No such label '{label}' for {method}"),
        )?;
        return Ok(None);
    };
    let ns = host.clock.monotonic_ns().saturating_sub(start);
    Ok(Some(format_duration(ns)))
}

/// Node's `formatTime`: `1.234ms`, `2.500s`, `1:02.003 (m:ss.mmm)`.
#[allow(clippy::cast_precision_loss)]
fn format_duration(ns: u64) -> String {
    let ms = ns as f64 / 1e6;
    if ms >= 60_000.0 {
        let total_seconds = ms / 1000.0;
        let hours = (total_seconds / 3600.0).floor();
        let minutes = ((total_seconds - hours * 3600.0) / 60.0).floor();
        let seconds = total_seconds - hours * 3600.0 - minutes * 60.0;
        let seconds = format!("{seconds:06.3}");
        return if hours > 0.0 {
            format!("{hours}:{minutes:02}:{seconds} (h:mm:ss.mmm)")
        } else {
            format!("{minutes}:{seconds} (m:ss.mmm)")
        };
    }
    if ms >= 1000.0 {
        return format!("{:.3}s", ms / 1000.0);
    }
    // `Number(ms.toFixed(3))`: three decimals, trailing zeros dropped.
    let text = format!("{ms:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}ms")
}

fn time_end(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    Host::get(context)?.check_stop()?;
    let label = label(args, context)?;
    if let Some(duration) = elapsed(&label, true, context)? {
        emit(context, Stream::Stdout, &format!("{label}: {duration}"))?;
    }
    Ok(JsValue::undefined())
}

fn time_log(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    Host::get(context)?.check_stop()?;
    let label = label(args, context)?;
    if let Some(duration) = elapsed(&label, false, context)? {
        let mut text = format!("{label}: {duration}");
        let data = args.get(1..).unwrap_or_default();
        if !data.is_empty() {
            text.push(' ');
            text.push_str(&format_values(data, context)?);
        }
        emit(context, Stream::Stdout, &text)?;
    }
    Ok(JsValue::undefined())
}

fn group(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let host = Host::get(context)?;
    host.check_stop()?;
    if !args.is_empty() {
        let text = format_args(args, context)?;
        emit(context, Stream::Stdout, &text)?;
    }
    host.console.borrow_mut().indent += 2;
    Ok(JsValue::undefined())
}

fn group_end(_: &JsValue, _: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let host = Host::get(context)?;
    host.check_stop()?;
    let mut console = host.console.borrow_mut();
    console.indent = console.indent.saturating_sub(2);
    Ok(JsValue::undefined())
}

/// `String(value)`, which unlike ToString accepts symbols.
fn string_of(value: &JsValue, context: &mut Context) -> JsResult<String> {
    match value.variant() {
        JsVariant::Symbol(symbol) => Ok(format_symbol(&symbol)),
        _ => Ok(value.to_string(context)?.to_std_string_lossy()),
    }
}

/// Values joined by spaces: strings as they are, everything else inspected.
fn format_values(args: &[JsValue], context: &mut Context) -> JsResult<String> {
    let mut out = String::new();
    for (i, value) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match value.as_string() {
            Some(text) => out.push_str(&text.to_std_string_lossy()),
            None => out.push_str(&inspect(value, Options::default(), context)?),
        }
    }
    Ok(out)
}

/// Node's `formatWithOptions`: `%s %d %i %f %j %o %O %c %%` in a leading string, then the rest
/// of the arguments.
pub(crate) fn format_args(args: &[JsValue], context: &mut Context) -> JsResult<String> {
    let Some(first) = args.first().and_then(JsValue::as_string) else {
        return format_values(args, context);
    };
    if args.len() == 1 {
        return Ok(first.to_std_string_lossy());
    }
    let template: Vec<char> = first.to_std_string_lossy().chars().collect();
    let mut out = String::new();
    let mut used = 0; // arguments consumed by placeholders
    let mut last = 0; // start of the template text not yet copied
    let mut i = 0;
    while i + 1 < template.len() {
        if template[i] != '%' {
            i += 1;
            continue;
        }
        let next = template[i + 1];
        if used + 1 != args.len() {
            let replacement = match next {
                's' => Some(format_s(&args[used + 1], context)?),
                'j' => Some(format_j(&args[used + 1], context)?),
                'd' => Some(format_d(&args[used + 1], context)?),
                'i' => Some(format_i(&args[used + 1], context)?),
                'f' => Some(format_f(&args[used + 1], context)?),
                'O' => Some(inspect(&args[used + 1], Options::default(), context)?),
                'o' => Some(inspect(
                    &args[used + 1],
                    Options {
                        show_hidden: true,
                        depth: Some(4),
                        ..Options::default()
                    },
                    context,
                )?),
                'c' => Some(String::new()),
                '%' => {
                    out.extend(&template[last..=i]);
                    last = i + 2;
                    i += 2;
                    continue;
                }
                _ => None,
            };
            if let Some(replacement) = replacement {
                used += 1;
                out.extend(&template[last..i]);
                out.push_str(&replacement);
                last = i + 2;
            }
        } else if next == '%' {
            out.extend(&template[last..=i]);
            last = i + 2;
        }
        i += 2;
    }
    let mut rest_start = 0;
    if last != 0 {
        rest_start = used + 1;
        out.extend(&template[last.min(template.len())..]);
    }
    let rest = &args[rest_start..];
    if !rest.is_empty() {
        if last != 0 {
            out.push(' ');
        }
        out.push_str(&format_values(rest, context)?);
    }
    Ok(out)
}

fn format_s(value: &JsValue, context: &mut Context) -> JsResult<String> {
    match value.variant() {
        JsVariant::Float64(n) => format_number(n, context),
        JsVariant::Integer32(n) => Ok(n.to_string()),
        JsVariant::BigInt(b) => Ok(format_bigint(&b)),
        JsVariant::Object(object)
            if !object.is_callable() && has_builtin_to_string(&object, context)? =>
        {
            inspect(
                value,
                Options {
                    depth: Some(0),
                    ..Options::default()
                },
                context,
            )
        }
        _ => string_of(value, context),
    }
}

/// Node's `hasBuiltInToString`: whether `%s` should inspect the object rather than call its own
/// `toString`.
fn has_builtin_to_string(object: &JsObject, context: &mut Context) -> JsResult<bool> {
    let to_string_key = PropertyKey::from(js_string!("toString"));
    let method = object.get(js_string!("toString"), context)?;
    if !method.is_callable() {
        return Ok(true);
    }
    if own_descriptor(object, &to_string_key, context)?.is_some() {
        return Ok(false);
    }
    let mut current = object.prototype();
    while let Some(proto) = current {
        if own_descriptor(&proto, &to_string_key, context)?.is_some() {
            let constructor = own_descriptor(
                &proto,
                &PropertyKey::from(js_string!("constructor")),
                context,
            )?;
            let Some(constructor) =
                constructor.and_then(|d| d.value().and_then(JsValue::as_object))
            else {
                return Ok(false);
            };
            if !constructor.is_callable() {
                return Ok(false);
            }
            let name = constructor.get(js_string!("name"), context)?;
            let name = name
                .as_string()
                .map(|n| n.to_std_string_lossy())
                .unwrap_or_default();
            return Ok(BUILTIN_CONSTRUCTORS.contains(&name.as_str()));
        }
        current = proto.prototype();
    }
    Ok(true)
}

/// Global constructors of the language (Node's `builtInObjects`, the ones Boa has).
const BUILTIN_CONSTRUCTORS: [&str; 38] = [
    "Object",
    "Function",
    "Array",
    "Number",
    "Boolean",
    "String",
    "Symbol",
    "BigInt",
    "Date",
    "Promise",
    "RegExp",
    "Error",
    "AggregateError",
    "EvalError",
    "RangeError",
    "ReferenceError",
    "SyntaxError",
    "TypeError",
    "URIError",
    "ArrayBuffer",
    "Uint8Array",
    "Int8Array",
    "Uint16Array",
    "Int16Array",
    "Uint32Array",
    "Int32Array",
    "Float32Array",
    "Float64Array",
    "Uint8ClampedArray",
    "BigUint64Array",
    "BigInt64Array",
    "DataView",
    "Map",
    "Set",
    "WeakMap",
    "WeakSet",
    "Proxy",
    "WeakRef",
];

fn format_j(value: &JsValue, context: &mut Context) -> JsResult<String> {
    let host = Host::get(context)?;
    match host.primordials.json_stringify.call(
        &JsValue::undefined(),
        std::slice::from_ref(value),
        context,
    ) {
        Ok(result) if result.is_undefined() => Ok("undefined".to_owned()),
        Ok(result) => Ok(result.to_string(context)?.to_std_string_lossy()),
        Err(err) => {
            let message = err.to_string();
            if err
                .as_native()
                .is_some_and(|e| e.message().contains("cyclic") || e.message().contains("circular"))
                || message.contains("cyclic")
                || message.contains("circular")
            {
                Ok("[Circular]".to_owned())
            } else {
                Err(err)
            }
        }
    }
}

fn format_d(value: &JsValue, context: &mut Context) -> JsResult<String> {
    match value.variant() {
        JsVariant::BigInt(b) => Ok(format_bigint(&b)),
        JsVariant::Symbol(_) => Ok("NaN".to_owned()),
        _ => {
            let number = value.to_number(context)?;
            format_number(number, context)
        }
    }
}

fn format_i(value: &JsValue, context: &mut Context) -> JsResult<String> {
    match value.variant() {
        JsVariant::BigInt(b) => Ok(format_bigint(&b)),
        JsVariant::Symbol(_) => Ok("NaN".to_owned()),
        _ => {
            let host = Host::get(context)?;
            let parsed = host.primordials.parse_int.call(
                &JsValue::undefined(),
                std::slice::from_ref(value),
                context,
            )?;
            let number = parsed.to_number(context)?;
            format_number(number, context)
        }
    }
}

fn format_f(value: &JsValue, context: &mut Context) -> JsResult<String> {
    if value.is_symbol() {
        return Ok("NaN".to_owned());
    }
    let host = Host::get(context)?;
    let parsed = host.primordials.parse_float.call(
        &JsValue::undefined(),
        std::slice::from_ref(value),
        context,
    )?;
    let number = parsed.to_number(context)?;
    format_number(number, context)
}

// ---- console.table -------------------------------------------------------------------------

/// Node's table cells: `inspect` with depth 0 (or -1 for objects with more than two keys),
/// at most three array items, never broken across lines.
fn table_cell(value: &JsValue, context: &mut Context) -> JsResult<String> {
    let options = Options {
        depth: Some(0),
        max_array_length: 3,
        break_length: usize::MAX / 4,
        ..Options::default()
    };
    if let Some(object) = value.as_object()
        && !object.is_array()
        && enumerable_keys(&object, context)?.len() > 2
    {
        return inspect::inspect_from_level(value, options, 1, context);
    }
    inspect(value, options, context)
}

/// `Object.keys(object)` as strings.
fn enumerable_keys(object: &JsObject, context: &mut Context) -> JsResult<Vec<String>> {
    let mut keys = Vec::new();
    for key in object.own_property_keys(context)? {
        if matches!(key, PropertyKey::Symbol(_)) {
            continue;
        }
        if own_descriptor(object, &key, context)?.is_some_and(|d| d.enumerable() == Some(true)) {
            keys.push(match key {
                PropertyKey::String(s) => s.to_std_string_lossy(),
                PropertyKey::Index(i) => i.get().to_string(),
                PropertyKey::Symbol(_) => continue,
            });
        }
    }
    Ok(keys)
}

fn table(this: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    Host::get(context)?.check_stop()?;
    let Some(data) = args.first().and_then(JsValue::as_object) else {
        return log(this, args.get(..1).unwrap_or_default(), context);
    };
    let properties: Option<Vec<String>> = match args.get(1).and_then(JsValue::as_object) {
        Some(list) if list.is_array() => {
            let length = list
                .get(js_string!("length"), context)?
                .to_length(context)?;
            let mut names = Vec::new();
            for i in 0..length {
                names.push(string_of(&list.get(i, context)?, context)?);
            }
            Some(names)
        }
        _ => None,
    };

    let index_header =
        |length: usize| -> Vec<String> { (0..length).map(|i| i.to_string()).collect() };
    if let Ok(map) = JsMap::from_object(data.clone()) {
        let mut pairs = Vec::new();
        map.for_each_native(|k, v| {
            pairs.push((k, v));
            Ok(())
        })?;
        let mut keys = Vec::new();
        let mut values = Vec::new();
        for (k, v) in &pairs {
            keys.push(table_cell(k, context)?);
            values.push(table_cell(v, context)?);
        }
        let head = vec![
            "(iteration index)".to_owned(),
            "Key".to_owned(),
            "Values".to_owned(),
        ];
        let columns = vec![dense(index_header(pairs.len())), dense(keys), dense(values)];
        return print_table(&head, &columns, context);
    }
    if let Ok(set) = JsSet::from_object(data.clone()) {
        let mut items = Vec::new();
        set.for_each_native(|v| {
            items.push(v);
            Ok(())
        })?;
        let mut values = Vec::new();
        for v in &items {
            values.push(table_cell(v, context)?);
        }
        let head = vec!["(iteration index)".to_owned(), "Values".to_owned()];
        let columns = vec![dense(index_header(items.len())), dense(values)];
        return print_table(&head, &columns, context);
    }

    let row_keys = enumerable_keys(&data, context)?;
    let mut column_names: Vec<String> = Vec::new();
    let mut column_cells: HashMap<String, Vec<Option<String>>> = HashMap::new();
    let mut has_primitives = false;
    let mut primitive_cells: Vec<Option<String>> = vec![None; row_keys.len()];
    for (i, row_key) in row_keys.iter().enumerate() {
        let item = data.get(js_string!(row_key.as_str()), context)?;
        let item_object = item.as_object();
        let primitive = item_object.is_none();
        if properties.is_none() && primitive {
            has_primitives = true;
            primitive_cells[i] = Some(table_cell(&item, context)?);
            continue;
        }
        let keys = match (&properties, &item_object) {
            (Some(properties), _) => properties.clone(),
            (None, Some(object)) => enumerable_keys(object, context)?,
            (None, None) => Vec::new(),
        };
        for key in keys {
            if !column_cells.contains_key(&key) {
                column_names.push(key.clone());
                column_cells.insert(key.clone(), vec![None; row_keys.len()]);
            }
            let cell = match &item_object {
                Some(object)
                    if !primitive
                        && own_descriptor(
                            object,
                            &PropertyKey::from(js_string!(key.as_str())),
                            context,
                        )?
                        .is_some() =>
                {
                    let value = object.get(js_string!(key.as_str()), context)?;
                    table_cell(&value, context)?
                }
                _ => String::new(),
            };
            if let Some(cells) = column_cells.get_mut(&key) {
                cells[i] = Some(cell);
            }
        }
    }
    // `Object.keys` of Node's accumulator object: integer-like keys first, in numeric order.
    let (mut numeric, named): (Vec<String>, Vec<String>) = column_names
        .into_iter()
        .partition(|k| k.parse::<u32>().is_ok_and(|n| n.to_string() == *k));
    numeric.sort_by_key(|k| k.parse::<u32>().unwrap_or(0));
    let mut head = vec!["(index)".to_owned()];
    let mut columns = vec![row_keys.iter().cloned().map(Some).collect::<Vec<_>>()];
    for name in numeric.into_iter().chain(named) {
        columns.push(column_cells.remove(&name).unwrap_or_default());
        head.push(name);
    }
    if has_primitives {
        head.push("Values".to_owned());
        columns.push(primitive_cells);
    }
    print_table(&head, &columns, context)
}

fn dense(cells: Vec<String>) -> Vec<Option<String>> {
    cells.into_iter().map(Some).collect()
}

/// Node's `cli_table`: box-drawing borders, cells left-aligned (Node ≥ 20).
fn print_table(
    head: &[String],
    columns: &[Vec<Option<String>>],
    context: &mut Context,
) -> JsResult<JsValue> {
    let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for (i, column) in columns.iter().enumerate() {
        for cell in column.iter().flatten() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let divider: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
    let render = |cells: Vec<&str>| -> String {
        let mut out = String::from("│ ");
        for (i, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            out.push_str(&" ".repeat(widths[i].saturating_sub(cell.chars().count())));
            if i + 1 != cells.len() {
                out.push_str(" │ ");
            }
        }
        out.push_str(" │");
        out
    };
    let mut text = format!("┌{}┐\n", divider.join("┬"));
    text.push_str(&render(head.iter().map(String::as_str).collect()));
    text.push('\n');
    text.push_str(&format!("├{}┤\n", divider.join("┼")));
    for row in 0..rows {
        let cells = columns
            .iter()
            .map(|column| column.get(row).and_then(|c| c.as_deref()).unwrap_or(""))
            .collect();
        text.push_str(&render(cells));
        text.push('\n');
    }
    text.push_str(&format!("└{}┘", divider.join("┴")));
    emit(context, Stream::Stdout, &text)?;
    Ok(JsValue::undefined())
}

/// A thrown value for an uncaught-error message: `Name: message` for errors, else as
/// `console.log` would show it.
pub(crate) fn describe(value: &JsValue, context: &mut Context) -> JsResult<String> {
    if let Some(object) = value.as_object()
        && object.is::<boa_engine::builtins::error::Error>()
    {
        return inspect::error_summary(&object, context);
    }
    inspect(value, Options::default(), context)
}

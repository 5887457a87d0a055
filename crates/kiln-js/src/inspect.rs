//! Node-style value formatting: a port of the common paths of Node's `util.inspect`, so
//! `console.log` prints what Node prints (our differential tests compare the two).
//!
//! Followed closely: quoting and escaping of strings, `-0`, bigints, arrays with holes and the
//! `... N more items` cut, Node's array grouping (`groupArrayElements`), the 80-column
//! single-line rule (`reduceToSingleString`), depth cut-off (`[Object]`), circular references
//! (`<ref *1>` / `[Circular *1]`), Map/Set/Promise/typed arrays/boxed primitives, functions and
//! classes, getters. Left out: colors, custom `[util.inspect.custom]` methods, proxies' targets,
//! `Error` stacks (errors print as `Name: message`).

use boa_engine::builtins::error::Error as ErrorData;
use boa_engine::builtins::function::OrdinaryFunction;
use boa_engine::builtins::object::OrdinaryObject;
use boa_engine::builtins::promise::PromiseState;
use boa_engine::builtins::proxy::Proxy;
use boa_engine::builtins::typed_array::TypedArrayKind;
use boa_engine::object::builtins::{
    JsArrayBuffer, JsDate, JsMap, JsPromise, JsRegExp, JsSet, JsTypedArray,
};
use boa_engine::property::{PropertyDescriptor, PropertyKey};
use boa_engine::value::JsVariant;
use boa_engine::{Context, JsBigInt, JsObject, JsResult, JsString, JsSymbol, JsValue, js_string};

use crate::host::Host;

/// Options of one `inspect` call (the subset of Node's we support).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    /// How deep nested objects are shown; `None` for no limit. Node's default is 2.
    pub(crate) depth: Option<usize>,
    /// Also show non-enumerable properties (`%o`).
    pub(crate) show_hidden: bool,
    pub(crate) break_length: usize,
    pub(crate) max_array_length: usize,
    pub(crate) max_string_length: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            depth: Some(2),
            show_hidden: false,
            break_length: 80,
            max_array_length: 100,
            max_string_length: 10_000,
        }
    }
}

/// Node's `compact: 3`: up to three inner levels may share one line.
const COMPACT: usize = 3;

/// Formats `value` as `util.inspect(value, options)` would.
pub(crate) fn inspect(
    value: &JsValue,
    options: Options,
    context: &mut Context,
) -> JsResult<String> {
    inspect_from_level(value, options, 0, context)
}

/// Formats `value` as if it were nested `level` objects deep (Node's negative depths).
pub(crate) fn inspect_from_level(
    value: &JsValue,
    mut options: Options,
    level: usize,
    context: &mut Context,
) -> JsResult<String> {
    // Formatting recurses natively (several frames per level): "no depth limit" still stops
    // where the stack would not.
    let limit = Host::get(context)?.nesting_limit / 2;
    options.depth = Some(options.depth.map_or(limit, |depth| depth.min(limit)));
    let mut inspector = Inspector {
        options,
        seen: Vec::new(),
        circular: Vec::new(),
        indentation: 0,
        current_depth: 0,
    };
    inspector.format_value(value, level, context)
}

/// A string's length as JavaScript counts it (UTF-16 units): Node's layout rules use it.
pub(crate) fn js_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// A number as JavaScript prints it, with Node's `-0`.
pub(crate) fn format_number(number: f64, context: &mut Context) -> JsResult<String> {
    if number == 0.0 && number.is_sign_negative() {
        return Ok("-0".to_owned());
    }
    Ok(JsValue::from(number)
        .to_string(context)?
        .to_std_string_lossy())
}

pub(crate) fn format_bigint(bigint: &JsBigInt) -> String {
    format!("{bigint}n")
}

pub(crate) fn format_symbol(symbol: &JsSymbol) -> String {
    symbol.descriptive_string().to_std_string_lossy()
}

/// Quotes a string the way Node does: single quotes, or double quotes / backticks when that
/// avoids escaping, with control characters escaped.
pub(crate) fn quote(text: &str) -> String {
    let mut quote = '\'';
    if text.contains('\'') {
        if !text.contains('"') {
            quote = '"';
        } else if !text.contains('`') && !text.contains("${") {
            quote = '`';
        }
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\'' if quote == '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A property of an object with its descriptor.
struct Property {
    key: PropertyKey,
    descriptor: PropertyDescriptor,
}

/// How the entries of an object are produced, besides its own properties.
enum Entries {
    None,
    Array(JsObject, u64),
    Set(JsSet),
    Map(JsMap),
    TypedArray(JsObject, u64),
    Promise(JsPromise),
    Unknown,
    ArrayBuffer(JsArrayBuffer),
}

struct Inspector {
    options: Options,
    /// Objects being formatted, outermost first (for cycle detection).
    seen: Vec<JsObject>,
    /// Objects found to be circular; the index + 1 is the `*N` in `<ref *N>`.
    circular: Vec<JsObject>,
    indentation: usize,
    /// How deep the most recently formatted object was (Node's `ctx.currentDepth`).
    current_depth: usize,
}

impl Inspector {
    fn depth_exceeded(&self, recurse_times: usize) -> bool {
        self.options
            .depth
            .is_some_and(|depth| recurse_times > depth)
    }

    fn format_value(
        &mut self,
        value: &JsValue,
        recurse_times: usize,
        context: &mut Context,
    ) -> JsResult<String> {
        let Some(object) = value.as_object() else {
            return self.format_primitive(value, context);
        };
        if object.is::<Proxy>() {
            // `Array.isArray` looks through a proxy and throws for a revoked one.
            let is_array = Host::get(context)?.primordials.array_is_array.call(
                &JsValue::undefined(),
                std::slice::from_ref(value),
                context,
            );
            if is_array.is_err() {
                return Ok("<Revoked Proxy>".to_owned());
            }
        }
        if self.seen.iter().any(|seen| JsObject::equals(seen, &object)) {
            let index = match self
                .circular
                .iter()
                .position(|c| JsObject::equals(c, &object))
            {
                Some(index) => index + 1,
                None => {
                    self.circular.push(object.clone());
                    self.circular.len()
                }
            };
            return Ok(format!("[Circular *{index}]"));
        }
        self.format_raw(&object, recurse_times, context)
    }

    fn format_primitive(&self, value: &JsValue, context: &mut Context) -> JsResult<String> {
        Ok(match value.variant() {
            JsVariant::String(string) => {
                let mut text = string.to_std_string_lossy();
                let mut trailer = String::new();
                let length = js_len(&text);
                if length > self.options.max_string_length {
                    let remaining = length - self.options.max_string_length;
                    text = text.chars().take(self.options.max_string_length).collect();
                    trailer = format!("... {remaining} more character{}", plural(remaining));
                }
                let text_length = js_len(&text);
                if text_length > 16
                    && text_length + self.indentation + 4 > self.options.break_length
                    && text.contains('\n')
                {
                    let separator = format!(" +\n{}", " ".repeat(self.indentation + 2));
                    let lines: Vec<String> = text.split_inclusive('\n').map(quote).collect();
                    format!("{}{trailer}", lines.join(&separator))
                } else {
                    format!("{}{trailer}", quote(&text))
                }
            }
            JsVariant::Float64(number) => format_number(number, context)?,
            JsVariant::Integer32(number) => number.to_string(),
            JsVariant::BigInt(bigint) => format_bigint(&bigint),
            JsVariant::Boolean(boolean) => boolean.to_string(),
            JsVariant::Null => "null".to_owned(),
            JsVariant::Undefined => "undefined".to_owned(),
            JsVariant::Symbol(symbol) => format_symbol(&symbol),
            JsVariant::Object(_) => String::new(),
        })
    }

    #[allow(clippy::too_many_lines)]
    fn format_raw(
        &mut self,
        object: &JsObject,
        recurse_times: usize,
        context: &mut Context,
    ) -> JsResult<String> {
        let is_array = is_array(object, context)?;
        // A proxy's own prototype slot is not its target's: name proxied arrays plainly.
        let constructor = if is_array && object.is::<Proxy>() {
            Some("Array".to_owned())
        } else {
            constructor_name(object, context)?
        };
        let tag = to_string_tag(object, self.options.show_hidden, context)?;
        let ctor = constructor.as_deref();
        let mut base = String::new();
        let mut braces = (String::from("{"), String::from("}"));
        let mut entries = Entries::None;
        let mut array_like = false;
        let mut keys;

        if is_array {
            let length = object
                .get(js_string!("length"), context)?
                .to_length(context)?;
            let prefix = if ctor != Some("Array") || !tag.is_empty() {
                prefix_for(ctor, &tag, "Array", &format!("({length})"))
            } else {
                String::new()
            };
            keys = own_keys(object, self.options.show_hidden, true, context)?;
            braces = (format!("{prefix}["), "]".to_owned());
            if length == 0 && keys.is_empty() {
                return Ok(format!("{}]", braces.0));
            }
            array_like = true;
            entries = Entries::Array(object.clone(), length);
        } else if let Ok(set) = JsSet::from_object(object.clone()) {
            let size = set.size();
            let prefix = prefix_for(ctor, &tag, "Set", &format!("({size})"));
            keys = own_keys(object, self.options.show_hidden, false, context)?;
            if size == 0 && keys.is_empty() {
                return Ok(format!("{prefix}{{}}"));
            }
            braces.0 = format!("{prefix}{{");
            entries = Entries::Set(set);
        } else if let Ok(map) = JsMap::from_object(object.clone()) {
            let size = map.get_size(context)?.to_length(context)?;
            let prefix = prefix_for(ctor, &tag, "Map", &format!("({size})"));
            keys = own_keys(object, self.options.show_hidden, false, context)?;
            if size == 0 && keys.is_empty() {
                return Ok(format!("{prefix}{{}}"));
            }
            braces.0 = format!("{prefix}{{");
            entries = Entries::Map(map);
        } else if let Ok(typed) = JsTypedArray::from_object(object.clone()) {
            let length = typed.length(context)? as u64;
            let fallback = typed.kind().map_or("TypedArray", typed_array_name);
            let prefix = prefix_for(ctor, &tag, fallback, &format!("({length})"));
            keys = own_keys(object, self.options.show_hidden, true, context)?;
            braces = (format!("{prefix}["), "]".to_owned());
            if length == 0 && keys.is_empty() {
                return Ok(format!("{}]", braces.0));
            }
            array_like = true;
            entries = Entries::TypedArray(object.clone(), length);
        } else {
            keys = own_keys(object, self.options.show_hidden, false, context)?;
            if object.is_callable() {
                base = self.function_base(object, ctor, &tag, context)?;
                if keys.is_empty() {
                    return Ok(base);
                }
            } else if ctor == Some("Object") && !is_special(object) {
                if is_arguments(object, &tag, context)? {
                    braces.0 = "[Arguments] {".to_owned();
                } else if !tag.is_empty() {
                    braces.0 = format!("{}{{", prefix_for(ctor, &tag, "Object", ""));
                }
                if keys.is_empty() {
                    return Ok(format!("{}}}", braces.0));
                }
            } else if let Ok(regexp) = JsRegExp::from_object(object.clone()) {
                base = regexp.to_string(context)?;
                let prefix = prefix_for(ctor, &tag, "RegExp", "");
                if prefix != "RegExp " {
                    base = format!("{prefix}{base}");
                }
                if keys.is_empty() || self.depth_exceeded(recurse_times) {
                    return Ok(base);
                }
            } else if let Ok(date) = JsDate::from_object(object.clone()) {
                let time = date.get_time(context)?.to_number(context)?;
                base = if time.is_nan() {
                    "Invalid Date".to_owned()
                } else {
                    date.to_iso_string(context)?
                        .to_string(context)?
                        .to_std_string_lossy()
                };
                if keys.is_empty() {
                    return Ok(base);
                }
            } else if object.is::<ErrorData>() {
                base = format_error(object, context)?;
                // Node's `removeDuplicateErrorKeys`: an own `name`/`message` already shown.
                keys.retain(|property| {
                    let is_shown = matches!(&property.key, PropertyKey::String(key)
                        if key == &js_string!("name") || key == &js_string!("message") || key == &js_string!("stack"));
                    let value = property.descriptor.value().and_then(JsValue::as_string);
                    !(is_shown && value.is_some_and(|v| base.contains(&v.to_std_string_lossy())))
                });
                if keys.is_empty() {
                    return Ok(base);
                }
            } else if let Ok(buffer) = JsArrayBuffer::from_object(object.clone()) {
                braces.0 = format!("{}{{", prefix_for(ctor, &tag, "ArrayBuffer", ""));
                entries = Entries::ArrayBuffer(buffer);
            } else if let Ok(promise) = JsPromise::from_object(object.clone()) {
                braces.0 = format!("{}{{", prefix_for(ctor, &tag, "Promise", ""));
                entries = Entries::Promise(promise);
            } else if let Some(kind) = weak_collection(object, context) {
                braces.0 = format!("{}{{", prefix_for(ctor, &tag, kind, ""));
                entries = Entries::Unknown;
            } else if let Some(boxed) = self.boxed_primitive(object, ctor, &tag, context)? {
                base = boxed;
                if keys.is_empty() {
                    return Ok(base);
                }
            } else {
                let prefix = prefix_for(ctor, &tag, "Object", "");
                if keys.is_empty() {
                    return Ok(format!("{prefix}{{}}"));
                }
                braces.0 = format!("{prefix}{{");
            }
        }

        if self.depth_exceeded(recurse_times) {
            let name = prefix_for(ctor, &tag, "Object", "");
            let name = name.trim_end();
            return Ok(if constructor.is_some() {
                format!("[{name}]")
            } else {
                name.to_owned()
            });
        }
        let recurse_times = recurse_times + 1;
        self.seen.push(object.clone());
        self.current_depth = recurse_times;
        let output = self.format_entries(&entries, keys, recurse_times, context);
        self.seen.pop();
        let output = output?;
        if let Some(index) = self
            .circular
            .iter()
            .position(|c| JsObject::equals(c, object))
        {
            let reference = format!("<ref *{}>", index + 1);
            base = if base.is_empty() {
                reference
            } else {
                format!("{reference} {base}")
            };
        }
        let array = match &entries {
            Entries::Array(array, _) | Entries::TypedArray(array, _) => Some(array),
            _ => None,
        };
        self.reduce_to_single_string(
            output,
            &base,
            &braces,
            array_like,
            recurse_times,
            array,
            context,
        )
    }

    fn format_entries(
        &mut self,
        entries: &Entries,
        keys: Vec<Property>,
        recurse_times: usize,
        context: &mut Context,
    ) -> JsResult<Vec<String>> {
        let mut output = match entries {
            Entries::None => Vec::new(),
            Entries::Array(array, length) => {
                self.format_array(array, *length, recurse_times, context)?
            }
            Entries::TypedArray(array, length) => {
                self.format_typed_array(array, *length, context)?
            }
            Entries::Set(set) => self.format_set(set, recurse_times, context)?,
            Entries::Map(map) => self.format_map(map, recurse_times, context)?,
            Entries::Promise(promise) => self.format_promise(promise, recurse_times, context)?,
            Entries::Unknown => vec!["<items unknown>".to_owned()],
            Entries::ArrayBuffer(buffer) => format_array_buffer(buffer),
        };
        for property in keys {
            let text = self.format_property(&property, recurse_times, false, context)?;
            output.push(text);
        }
        Ok(output)
    }

    fn format_property(
        &mut self,
        property: &Property,
        recurse_times: usize,
        array_item: bool,
        context: &mut Context,
    ) -> JsResult<String> {
        let descriptor = &property.descriptor;
        let getter = descriptor.get().filter(|g| !g.is_undefined());
        let setter = descriptor.set().filter(|s| !s.is_undefined());
        let text = if let Some(value) = descriptor.value() {
            self.indentation += 2;
            let text = self.format_value(value, recurse_times, context);
            self.indentation -= 2;
            text?
        } else if getter.is_some() {
            if setter.is_some() {
                "[Getter/Setter]".to_owned()
            } else {
                "[Getter]".to_owned()
            }
        } else if setter.is_some() {
            "[Setter]".to_owned()
        } else {
            "undefined".to_owned()
        };
        if array_item {
            return Ok(text);
        }
        let name = match &property.key {
            PropertyKey::Symbol(symbol) => format!("[{}]", format_symbol(symbol)),
            key => {
                let key = key_string(key);
                if key == "__proto__" {
                    "['__proto__']".to_owned()
                } else if descriptor.enumerable() == Some(false) {
                    format!("[{key}]")
                } else if is_identifier(&key) {
                    key
                } else {
                    quote(&key)
                }
            }
        };
        Ok(format!("{name}: {text}"))
    }

    fn format_array(
        &mut self,
        array: &JsObject,
        length: u64,
        recurse_times: usize,
        context: &mut Context,
    ) -> JsResult<Vec<String>> {
        let shown = length.min(self.options.max_array_length as u64);
        let mut output = Vec::new();
        for index in 0..shown {
            let Some(descriptor) = own_descriptor(array, &PropertyKey::from(index), context)?
            else {
                return self.format_sparse_array(
                    array,
                    length,
                    shown,
                    output,
                    index,
                    recurse_times,
                    context,
                );
            };
            let property = Property {
                key: PropertyKey::from(index),
                descriptor,
            };
            output.push(self.format_property(&property, recurse_times, true, context)?);
        }
        if length > shown {
            output.push(remaining_text(length - shown));
        }
        Ok(output)
    }

    /// Node's `formatSpecialArray`: runs of holes become `<N empty items>`.
    #[allow(clippy::too_many_arguments)]
    fn format_sparse_array(
        &mut self,
        array: &JsObject,
        length: u64,
        max_length: u64,
        mut output: Vec<String>,
        first_hole: u64,
        recurse_times: usize,
        context: &mut Context,
    ) -> JsResult<Vec<String>> {
        let indices: Vec<u64> = array
            .own_property_keys(context)?
            .into_iter()
            .filter_map(|key| match key {
                PropertyKey::Index(index) => Some(u64::from(index.get())),
                _ => None,
            })
            .filter(|&index| index > first_hole)
            .collect();
        let mut index = first_hole;
        for present in indices {
            if output.len() as u64 >= max_length {
                break;
            }
            if present != index {
                output.push(empty_items(present - index));
                index = present;
                if output.len() as u64 == max_length {
                    break;
                }
            }
            let key = PropertyKey::from(present);
            let Some(descriptor) = own_descriptor(array, &key, context)? else {
                continue;
            };
            if descriptor.enumerable() == Some(false) {
                continue;
            }
            let property = Property { key, descriptor };
            output.push(self.format_property(&property, recurse_times, true, context)?);
            index += 1;
        }
        let remaining = length.saturating_sub(index);
        if output.len() as u64 != max_length {
            if remaining > 0 {
                output.push(empty_items(remaining));
            }
        } else if remaining > 0 {
            output.push(remaining_text(remaining));
        }
        Ok(output)
    }

    fn format_typed_array(
        &mut self,
        array: &JsObject,
        length: u64,
        context: &mut Context,
    ) -> JsResult<Vec<String>> {
        let shown = length.min(self.options.max_array_length as u64);
        let mut output = Vec::new();
        for index in 0..shown {
            let value = array.get(index, context)?;
            output.push(self.format_primitive(&value, context)?);
        }
        if length > shown {
            output.push(remaining_text(length - shown));
        }
        Ok(output)
    }

    fn format_set(
        &mut self,
        set: &JsSet,
        recurse_times: usize,
        context: &mut Context,
    ) -> JsResult<Vec<String>> {
        let max = self.options.max_array_length;
        let mut values = Vec::new();
        let mut total = 0usize;
        set.for_each_native(|value| {
            if values.len() < max {
                values.push(value);
            }
            total += 1;
            Ok(())
        })?;
        self.indentation += 2;
        let mut output = Vec::new();
        for value in &values {
            match self.format_value(value, recurse_times, context) {
                Ok(text) => output.push(text),
                Err(err) => {
                    self.indentation -= 2;
                    return Err(err);
                }
            }
        }
        self.indentation -= 2;
        if total > values.len() {
            output.push(remaining_text((total - values.len()) as u64));
        }
        Ok(output)
    }

    fn format_map(
        &mut self,
        map: &JsMap,
        recurse_times: usize,
        context: &mut Context,
    ) -> JsResult<Vec<String>> {
        let max = self.options.max_array_length;
        let mut pairs = Vec::new();
        let mut total = 0usize;
        map.for_each_native(|key, value| {
            if pairs.len() < max {
                pairs.push((key, value));
            }
            total += 1;
            Ok(())
        })?;
        self.indentation += 2;
        let mut output = Vec::new();
        for (key, value) in &pairs {
            let entry = self
                .format_value(key, recurse_times, context)
                .and_then(|k| {
                    Ok(format!(
                        "{k} => {}",
                        self.format_value(value, recurse_times, context)?
                    ))
                });
            match entry {
                Ok(text) => output.push(text),
                Err(err) => {
                    self.indentation -= 2;
                    return Err(err);
                }
            }
        }
        self.indentation -= 2;
        if total > pairs.len() {
            output.push(remaining_text((total - pairs.len()) as u64));
        }
        Ok(output)
    }

    fn format_promise(
        &mut self,
        promise: &JsPromise,
        recurse_times: usize,
        context: &mut Context,
    ) -> JsResult<Vec<String>> {
        Ok(match promise.state() {
            PromiseState::Pending => vec!["<pending>".to_owned()],
            PromiseState::Fulfilled(value) => {
                self.indentation += 2;
                let text = self.format_value(&value, recurse_times, context);
                self.indentation -= 2;
                vec![text?]
            }
            PromiseState::Rejected(value) => {
                self.indentation += 2;
                let text = self.format_value(&value, recurse_times, context);
                self.indentation -= 2;
                vec![format!("<rejected> {}", text?)]
            }
        })
    }

    /// `[Function: name]`, `[class Foo extends Bar]`, `[AsyncFunction (anonymous)]`…
    fn function_base(
        &self,
        function: &JsObject,
        ctor: Option<&str>,
        tag: &str,
        context: &mut Context,
    ) -> JsResult<String> {
        let host = Host::get(context)?;
        let source = host
            .primordials
            .function_to_string
            .call(&function.clone().into(), &[], context)?
            .to_string(context)?
            .to_std_string_lossy();
        let name = function.get(js_string!("name"), context)?;
        let name = name
            .as_string()
            .map(|n| n.to_std_string_lossy())
            .unwrap_or_default();
        // Boa keeps no source text for classes; a class is the one kind of user function
        // whose `prototype` property is read-only.
        let is_class = (source.starts_with("class") && source.ends_with('}'))
            || (function.is::<OrdinaryFunction>()
                && own_descriptor(
                    function,
                    &PropertyKey::from(js_string!("prototype")),
                    context,
                )?
                .is_some_and(|d| d.writable() == Some(false)));
        if is_class {
            let has_name = function.has_own_property(js_string!("name"), context)?;
            let mut base = format!(
                "class {}",
                if has_name && !name.is_empty() {
                    name.as_str()
                } else {
                    "(anonymous)"
                }
            );
            if ctor != Some("Function") && ctor.is_some() {
                base.push_str(&format!(" [{}]", ctor.unwrap_or_default()));
            }
            if !tag.is_empty() && ctor != Some(tag) {
                base.push_str(&format!(" [{tag}]"));
            }
            match ctor {
                Some(_) => {
                    if let Some(parent) = function.prototype() {
                        let parent_name = parent.get(js_string!("name"), context)?;
                        if let Some(parent_name) = parent_name.as_string().filter(|n| !n.is_empty())
                        {
                            base.push_str(&format!(
                                " extends {}",
                                parent_name.to_std_string_lossy()
                            ));
                        }
                    }
                }
                None => base.push_str(" extends [null prototype]"),
            }
            return Ok(format!("[{base}]"));
        }
        let constructors = context.intrinsics().constructors();
        let prototype = function.prototype();
        let is = |candidate: JsObject| {
            prototype
                .as_ref()
                .is_some_and(|p| JsObject::equals(p, &candidate))
        };
        let kind = if is(constructors.async_generator_function().prototype()) {
            "AsyncGeneratorFunction"
        } else if is(constructors.generator_function().prototype()) {
            "GeneratorFunction"
        } else if is(constructors.async_function().prototype()) {
            "AsyncFunction"
        } else {
            "Function"
        };
        let mut base = format!("[{kind}");
        if ctor.is_none() {
            base.push_str(" (null prototype)");
        }
        if name.is_empty() {
            base.push_str(" (anonymous)");
        } else {
            base.push_str(&format!(": {name}"));
        }
        base.push(']');
        if let Some(ctor) = ctor
            && ctor != kind
            && ctor != "Function"
        {
            base.push_str(&format!(" {ctor}"));
        }
        if !tag.is_empty() && ctor != Some(tag) {
            base.push_str(&format!(" [{tag}]"));
        }
        Ok(base)
    }

    /// `[Number: 3]`, `[String: 'abc']`… for objects wrapping a primitive.
    fn boxed_primitive(
        &self,
        object: &JsObject,
        ctor: Option<&str>,
        tag: &str,
        context: &mut Context,
    ) -> JsResult<Option<String>> {
        let (kind, value) = if let Some(b) = object.downcast_ref::<bool>() {
            ("Boolean", JsValue::from(*b))
        } else if let Some(n) = object.downcast_ref::<f64>() {
            ("Number", JsValue::from(*n))
        } else if let Some(s) = object.downcast_ref::<JsString>() {
            ("String", JsValue::from(s.clone()))
        } else if let Some(s) = object.downcast_ref::<JsSymbol>() {
            ("Symbol", JsValue::from(s.clone()))
        } else if let Some(b) = object.downcast_ref::<JsBigInt>() {
            ("BigInt", JsValue::from(b.clone()))
        } else {
            return Ok(None);
        };
        let mut base = format!("[{kind}");
        match ctor {
            None => base.push_str(" (null prototype)"),
            Some(ctor) if ctor != kind => base.push_str(&format!(" ({ctor})")),
            Some(_) => {}
        }
        base.push_str(&format!(": {}]", self.format_primitive(&value, context)?));
        if !tag.is_empty() && ctor != Some(tag) {
            base.push_str(&format!(" [{tag}]"));
        }
        Ok(Some(base))
    }

    /// Node's `reduceToSingleString`: one line when it fits in `break_length`, else one entry per
    /// line (arrays of more than six items grouped in columns first).
    #[allow(clippy::too_many_arguments)]
    fn reduce_to_single_string(
        &self,
        mut output: Vec<String>,
        base: &str,
        braces: &(String, String),
        array_like: bool,
        recurse_times: usize,
        array: Option<&JsObject>,
        context: &mut Context,
    ) -> JsResult<String> {
        let entries = output.len();
        if array_like && entries > 6 {
            output = self.group_array_elements(output, array, context)?;
        }
        if self.current_depth - recurse_times < COMPACT && entries == output.len() {
            let start = output.len() + self.indentation + js_len(&braces.0) + js_len(base) + 10;
            if self.is_below_break_length(&output, start, base) {
                let joined = output.join(", ");
                if !joined.contains('\n') {
                    let base = if base.is_empty() {
                        String::new()
                    } else {
                        format!("{base} ")
                    };
                    return Ok(format!("{base}{} {joined} {}", braces.0, braces.1));
                }
            }
        }
        let indentation = format!("\n{}", " ".repeat(self.indentation));
        let base = if base.is_empty() {
            String::new()
        } else {
            format!("{base} ")
        };
        Ok(format!(
            "{base}{}{indentation}  {}{indentation}{}",
            braces.0,
            output.join(&format!(",{indentation}  ")),
            braces.1
        ))
    }

    fn is_below_break_length(&self, output: &[String], start: usize, base: &str) -> bool {
        let mut total = output.len() + start;
        if total + output.len() > self.options.break_length {
            return false;
        }
        for entry in output {
            total += js_len(entry);
            if total > self.options.break_length {
                return false;
            }
        }
        base.is_empty() || !base.contains('\n')
    }

    /// Node's `groupArrayElements`: short items laid out in aligned columns.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    fn group_array_elements(
        &self,
        output: Vec<String>,
        array: Option<&JsObject>,
        context: &mut Context,
    ) -> JsResult<Vec<String>> {
        let mut total_length = 0usize;
        let mut max_length = 0usize;
        let mut output_length = output.len();
        if self.options.max_array_length < output.len() {
            // The `... more items` entry is not laid out in columns.
            output_length -= 1;
        }
        let separator_space = 2;
        let data_len: Vec<usize> = output[..output_length]
            .iter()
            .map(|s| s.chars().count())
            .collect();
        for &len in &data_len {
            total_length += len + separator_space;
            max_length = max_length.max(len);
        }
        let actual_max = max_length + separator_space;
        if actual_max * 3 + self.indentation < self.options.break_length
            && (total_length as f64 / actual_max as f64 > 5.0 || max_length <= 6)
        {
            let approx_char_heights = 2.5;
            let average_bias =
                (actual_max as f64 - total_length as f64 / output.len() as f64).sqrt();
            let biased_max = (actual_max as f64 - 3.0 - average_bias).max(1.0);
            let columns = ((approx_char_heights * biased_max * output_length as f64).sqrt()
                / biased_max)
                .round()
                .min(((self.options.break_length - self.indentation) / actual_max) as f64)
                .min((COMPACT * 4) as f64)
                .min(15.0) as usize;
            if columns <= 1 {
                return Ok(output);
            }
            let mut max_line_length = Vec::with_capacity(columns);
            for i in 0..columns {
                let mut line_length = 0;
                let mut j = i;
                while j < output_length {
                    line_length = line_length.max(data_len[j]);
                    j += columns;
                }
                max_line_length.push(line_length + separator_space);
            }
            // Numbers are right-aligned, everything else left-aligned.
            let mut pad_start = true;
            if let Some(array) = array {
                for i in 0..output.len() {
                    let value = array.get(i, context)?;
                    if !value.is_number() && !value.is_bigint() {
                        pad_start = false;
                        break;
                    }
                }
            }
            let mut grouped = Vec::new();
            let mut i = 0;
            while i < output_length {
                let max = (i + columns).min(output_length);
                let mut line = String::new();
                let mut j = i;
                while j < max - 1 {
                    let cell = format!("{}, ", output[j]);
                    line.push_str(&pad(&cell, max_line_length[j - i], pad_start));
                    j += 1;
                }
                if pad_start {
                    line.push_str(&pad(
                        &output[j],
                        max_line_length[j - i] - separator_space,
                        true,
                    ));
                } else {
                    line.push_str(&output[j]);
                }
                grouped.push(line);
                i += columns;
            }
            if self.options.max_array_length < output.len() {
                grouped.push(output[output_length].clone());
            }
            return Ok(grouped);
        }
        Ok(output)
    }
}

fn typed_array_name(kind: TypedArrayKind) -> &'static str {
    match kind {
        TypedArrayKind::Int8 => "Int8Array",
        TypedArrayKind::Uint8 => "Uint8Array",
        TypedArrayKind::Uint8Clamped => "Uint8ClampedArray",
        TypedArrayKind::Int16 => "Int16Array",
        TypedArrayKind::Uint16 => "Uint16Array",
        TypedArrayKind::Int32 => "Int32Array",
        TypedArrayKind::Uint32 => "Uint32Array",
        TypedArrayKind::BigInt64 => "BigInt64Array",
        TypedArrayKind::BigUint64 => "BigUint64Array",
        TypedArrayKind::Float32 => "Float32Array",
        TypedArrayKind::Float64 => "Float64Array",
        #[allow(unreachable_patterns)]
        _ => "TypedArray",
    }
}

fn pad(text: &str, width: usize, start: bool) -> String {
    let len = text.chars().count();
    if len >= width {
        return text.to_owned();
    }
    let fill = " ".repeat(width - len);
    if start {
        format!("{fill}{text}")
    } else {
        format!("{text}{fill}")
    }
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

fn remaining_text(remaining: u64) -> String {
    format!(
        "... {remaining} more item{}",
        if remaining > 1 { "s" } else { "" }
    )
}

fn empty_items(count: u64) -> String {
    format!("<{count} empty item{}>", if count > 1 { "s" } else { "" })
}

fn format_array_buffer(buffer: &JsArrayBuffer) -> Vec<String> {
    let (contents, length) = match buffer.data() {
        Some(data) => {
            let shown: Vec<String> = data.iter().take(50).map(|b| format!("{b:02x}")).collect();
            let mut text = shown.join(" ");
            if data.len() > 50 {
                text.push_str(&format!(
                    " ... {} more byte{}",
                    data.len() - 50,
                    plural(data.len() - 50)
                ));
            }
            (text, data.len())
        }
        None => (String::new(), 0),
    };
    vec![
        format!("[Uint8Contents]: <{contents}>"),
        format!("byteLength: {length}"),
    ]
}

/// `WeakMap`/`WeakSet` instances, recognised by their prototype chain (their contents cannot be
/// listed).
fn weak_collection(object: &JsObject, context: &mut Context) -> Option<&'static str> {
    let constructors = context.intrinsics().constructors();
    let weak_map = constructors.weak_map().prototype();
    let weak_set = constructors.weak_set().prototype();
    let mut current = object.prototype();
    let mut hops = 0;
    while let Some(proto) = current {
        if JsObject::equals(&proto, &weak_map) {
            return Some("WeakMap");
        }
        if JsObject::equals(&proto, &weak_set) {
            return Some("WeakSet");
        }
        hops += 1;
        if hops > 100 {
            return None;
        }
        current = proto.prototype();
    }
    None
}

/// `Array.isArray`: arrays, and proxies of arrays.
fn is_array(object: &JsObject, context: &mut Context) -> JsResult<bool> {
    if !object.is::<Proxy>() {
        return Ok(object.is_array());
    }
    let host = Host::get(context)?;
    let result = host.primordials.array_is_array.call(
        &JsValue::undefined(),
        &[object.clone().into()],
        context,
    )?;
    Ok(result.to_boolean())
}

/// A function's `arguments` object: `Object.prototype.toString` says `Arguments` without a
/// `Symbol.toStringTag` to make it say so.
fn is_arguments(object: &JsObject, tag: &str, context: &mut Context) -> JsResult<bool> {
    if !tag.is_empty() {
        return Ok(false);
    }
    let text = OrdinaryObject::to_string(&object.clone().into(), &[], context)?;
    Ok(text
        .as_string()
        .is_some_and(|t| t == js_string!("[object Arguments]")))
}

/// Whether a plain-looking object is really a RegExp, Date, Error… (whose constructor could
/// have been renamed `Object`).
fn is_special(object: &JsObject) -> bool {
    JsRegExp::from_object(object.clone()).is_ok()
        || JsDate::from_object(object.clone()).is_ok()
        || object.is::<ErrorData>()
        || JsPromise::from_object(object.clone()).is_ok()
}

/// `Name: message`, or just the name when the message is empty.
fn format_error(error: &JsObject, context: &mut Context) -> JsResult<String> {
    let name = error.get(js_string!("name"), context)?;
    let name = if name.is_undefined() {
        "Error".to_owned()
    } else {
        name.to_string(context)?.to_std_string_lossy()
    };
    let message = error.get(js_string!("message"), context)?;
    let message = if message.is_undefined() {
        String::new()
    } else {
        message.to_string(context)?.to_std_string_lossy()
    };
    Ok(match (name.is_empty(), message.is_empty()) {
        (_, true) => name,
        (true, false) => message,
        (false, false) => format!("{name}: {message}"),
    })
}

/// `Name: message` of an error object, as `console.log` shows it.
pub(crate) fn error_summary(error: &JsObject, context: &mut Context) -> JsResult<String> {
    format_error(error, context)
}

fn key_string(key: &PropertyKey) -> String {
    match key {
        PropertyKey::String(s) => s.to_std_string_lossy(),
        PropertyKey::Index(i) => i.get().to_string(),
        PropertyKey::Symbol(s) => format_symbol(s),
    }
}

fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The own property descriptor of `key`, if there is one.
pub(crate) fn own_descriptor(
    object: &JsObject,
    key: &PropertyKey,
    context: &mut Context,
) -> JsResult<Option<PropertyDescriptor>> {
    let key_value: JsValue = match key {
        PropertyKey::String(s) => s.clone().into(),
        PropertyKey::Index(i) => JsValue::from(i.get()),
        PropertyKey::Symbol(s) => s.clone().into(),
    };
    let descriptor = OrdinaryObject::get_own_property_descriptor(
        &JsValue::undefined(),
        &[object.clone().into(), key_value],
        context,
    )?;
    match descriptor.as_object() {
        Some(descriptor) => Ok(Some(descriptor.to_property_descriptor(context)?)),
        None => Ok(None),
    }
}

/// Own properties to list: enumerable ones (all with `show_hidden`), string keys before symbols;
/// array indices left out for arrays (their items are listed separately).
fn own_keys(
    object: &JsObject,
    show_hidden: bool,
    skip_indices: bool,
    context: &mut Context,
) -> JsResult<Vec<Property>> {
    let mut strings = Vec::new();
    let mut symbols = Vec::new();
    let boxed_string_length = object.downcast_ref::<JsString>().map(|s| s.len() as u64);
    for key in object.own_property_keys(context)? {
        if let PropertyKey::Index(index) = &key
            && (skip_indices || boxed_string_length.is_some_and(|len| u64::from(index.get()) < len))
        {
            continue;
        }
        let Some(descriptor) = own_descriptor(object, &key, context)? else {
            continue;
        };
        if !show_hidden && descriptor.enumerable() != Some(true) {
            continue;
        }
        let property = Property { key, descriptor };
        if matches!(property.key, PropertyKey::Symbol(_)) {
            symbols.push(property);
        } else {
            strings.push(property);
        }
    }
    strings.extend(symbols);
    Ok(strings)
}

/// Node's `getConstructorName`: the name of the first `constructor` up the prototype chain
/// that `object` is an instance of; `None` for objects without a prototype.
fn constructor_name(object: &JsObject, context: &mut Context) -> JsResult<Option<String>> {
    let mut current = Some(object.clone());
    let mut first_proto: Option<Option<JsObject>> = None;
    let mut hops = 0;
    while let Some(candidate) = current {
        if let Some(descriptor) = own_descriptor(
            &candidate,
            &PropertyKey::from(js_string!("constructor")),
            context,
        )? && let Some(constructor) = descriptor.value().and_then(JsValue::as_object)
            && constructor.is_callable()
        {
            let name = constructor.get(js_string!("name"), context)?;
            if let Some(name) = name.as_string().filter(|n| !n.is_empty())
                && JsValue::ordinary_has_instance(
                    &constructor.clone().into(),
                    &object.clone().into(),
                    context,
                )?
            {
                return Ok(Some(name.to_std_string_lossy()));
            }
        }
        current = candidate.prototype();
        if first_proto.is_none() {
            first_proto = Some(current.clone());
        }
        hops += 1;
        if hops > 1000 {
            break;
        }
    }
    if matches!(first_proto, Some(None)) {
        return Ok(None);
    }
    Ok(Some(
        if object.is_callable() {
            "Function"
        } else {
            "Object"
        }
        .to_owned(),
    ))
}

/// `object[Symbol.toStringTag]` when it should be shown: a non-empty string that is not an own
/// enumerable property (which would be listed anyway).
fn to_string_tag(object: &JsObject, show_hidden: bool, context: &mut Context) -> JsResult<String> {
    let tag = object.get(JsSymbol::to_string_tag(), context)?;
    let Some(tag) = tag.as_string().filter(|t| !t.is_empty()) else {
        return Ok(String::new());
    };
    let key = PropertyKey::from(JsSymbol::to_string_tag());
    if let Some(descriptor) = own_descriptor(object, &key, context)?
        && (show_hidden || descriptor.enumerable() == Some(true))
    {
        return Ok(String::new());
    }
    Ok(tag.to_std_string_lossy())
}

/// Node's `getPrefix`: `Foo(2) [tag] `, or `[Object: null prototype] ` without a constructor.
fn prefix_for(constructor: Option<&str>, tag: &str, fallback: &str, size: &str) -> String {
    match constructor {
        None if !tag.is_empty() && fallback != tag => {
            format!("[{fallback}{size}: null prototype] [{tag}] ")
        }
        None => format!("[{fallback}{size}: null prototype] "),
        Some(constructor) if !tag.is_empty() && constructor != tag => {
            format!("{constructor}{size} [{tag}] ")
        }
        Some(constructor) => format!("{constructor}{size} "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_node() {
        assert_eq!(quote("a"), "'a'");
        assert_eq!(quote("it's"), "\"it's\"");
        assert_eq!(quote("it's \"x\""), "`it's \"x\"`");
        assert_eq!(quote("a\nb\\"), "'a\\nb\\\\'");
        assert_eq!(quote("\u{1}"), "'\\x01'");
    }
}

//! Choosing the function to call (`_start` or `--invoke NAME ARGS`), parsing its arguments by
//! type, and printing its results.

use kiln_core::{Diagnostic, Entry};
use wasmi::{ExternType, FuncType, Module, Val, ValType};

use crate::compile::HIDDEN_START;
use crate::imports::{types_text, val_type_name};

/// The export a run calls, with its arguments already parsed.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) export: String,
    pub(crate) params: Vec<Val>,
    pub(crate) results: Vec<ValType>,
    /// Whether to print the results (`--invoke`), as `wasmtime --invoke` does.
    pub(crate) print_results: bool,
}

/// Decides what to call. `Ok(None)`: nothing but the module's start function (already hoisted).
pub(crate) fn plan(
    module: &Module,
    entry: Option<&Entry>,
    has_start: bool,
) -> Result<Option<Call>, Diagnostic> {
    let Some(entry) = entry else {
        return match export_func(module, "_start") {
            Some(ty) if ty.params().is_empty() && ty.results().is_empty() => Ok(Some(Call {
                export: "_start".to_owned(),
                params: Vec::new(),
                results: Vec::new(),
                print_results: false,
            })),
            Some(ty) => Err(Diagnostic::error(
                "no-entry-point",
                format!(
                    "`_start` has type {}, but a program's `_start` takes no parameters and \
                     returns nothing; to call it as a function use `--invoke _start ARGS`",
                    signature("_start", &ty)
                ),
            )),
            // A module whose start function is its whole program.
            None if has_start => Ok(None),
            None => Err(no_entry_point(module)),
        };
    };
    let Some(ty) = export_func(module, &entry.export) else {
        return Err(Diagnostic::error(
            "no-entry-point",
            format!(
                "the module exports no function named `{}`. {}",
                entry.export,
                exported_functions_text(module)
            ),
        ));
    };
    let params = parse_args(&entry.export, &ty, &entry.args)?;
    Ok(Some(Call {
        export: entry.export.clone(),
        params,
        results: ty.results().to_vec(),
        print_results: true,
    }))
}

fn export_func(module: &Module, name: &str) -> Option<FuncType> {
    if name == HIDDEN_START {
        return None;
    }
    match module.get_export(name)? {
        ExternType::Func(ty) => Some(ty),
        _ => None,
    }
}

fn no_entry_point(module: &Module) -> Diagnostic {
    Diagnostic::error(
        "no-entry-point",
        format!(
            "the module has no `_start` function to run. {} To call one, use \
             `--invoke NAME ARGS` (for example `kiln run FILE --invoke NAME 1 2`).",
            exported_functions_text(module)
        ),
    )
}

fn exported_functions_text(module: &Module) -> String {
    let funcs: Vec<String> = module
        .exports()
        .filter(|export| export.name() != HIDDEN_START)
        .filter_map(|export| match export.ty() {
            ExternType::Func(ty) => Some(signature(export.name(), ty)),
            _ => None,
        })
        .collect();
    if funcs.is_empty() {
        "It exports no functions.".to_owned()
    } else {
        format!("Exported functions: {}.", funcs.join(", "))
    }
}

/// `add(i32, i32) -> i32`.
fn signature(name: &str, ty: &FuncType) -> String {
    let params = ty
        .params()
        .iter()
        .map(|t| val_type_name(*t))
        .collect::<Vec<_>>()
        .join(", ");
    match ty.results() {
        [] => format!("{name}({params})"),
        [one] => format!("{name}({params}) -> {}", val_type_name(*one)),
        many => format!(
            "{name}({params}) -> ({})",
            types_text(many).replace(' ', ", ")
        ),
    }
}

fn parse_args(export: &str, ty: &FuncType, args: &[String]) -> Result<Vec<Val>, Diagnostic> {
    let expected = ty.params();
    if args.len() != expected.len() {
        return Err(Diagnostic::error(
            "bad-arguments",
            format!(
                "`{export}` takes {} argument{} but {} {} given; its signature is {}",
                expected.len(),
                if expected.len() == 1 { "" } else { "s" },
                args.len(),
                if args.len() == 1 { "was" } else { "were" },
                signature(export, ty)
            ),
        ));
    }
    let mut values = Vec::with_capacity(args.len());
    for (index, (param, text)) in expected.iter().zip(args).enumerate() {
        let Some(value) = parse_value(*param, text) else {
            return Err(Diagnostic::error(
                "bad-arguments",
                format!(
                    "argument {} of `{export}` is `{text}`, which is not {}; its signature is {}",
                    index + 1,
                    describe_type(*param),
                    signature(export, ty)
                ),
            ));
        };
        values.push(value);
    }
    Ok(values)
}

fn describe_type(ty: ValType) -> &'static str {
    match ty {
        ValType::I32 => "an i32 (a decimal like -5 or 4294967295, or hex like 0x1f)",
        ValType::I64 => "an i64 (a decimal like -5, or hex like 0x1f)",
        ValType::F32 => "an f32 (like 1.5, -2e3, nan or inf)",
        ValType::F64 => "an f64 (like 1.5, -2e3, nan or inf)",
        ValType::V128 => "a v128, which --invoke cannot pass",
        ValType::FuncRef | ValType::ExternRef => "a reference, which --invoke cannot pass",
    }
}

/// Parses one argument: integers as signed or unsigned decimal or `0x` hex (wrapping unsigned
/// values into the signed type, as wasm does), floats as Rust reads them (`nan`, `inf` too).
fn parse_value(ty: ValType, text: &str) -> Option<Val> {
    let text = text.trim();
    match ty {
        ValType::I32 => {
            let value = parse_int(text)?;
            let value = i32::try_from(value)
                .ok()
                .or_else(|| u32::try_from(value).ok().map(|unsigned| unsigned as i32))?;
            Some(Val::I32(value))
        }
        ValType::I64 => {
            let value = parse_int(text)?;
            let value = i64::try_from(value)
                .ok()
                .or_else(|| u64::try_from(value).ok().map(|unsigned| unsigned as i64))?;
            Some(Val::I64(value))
        }
        ValType::F32 => text.parse::<f32>().ok().map(|value| Val::F32(value.into())),
        ValType::F64 => text.parse::<f64>().ok().map(|value| Val::F64(value.into())),
        ValType::V128 | ValType::FuncRef | ValType::ExternRef => None,
    }
}

fn parse_int(text: &str) -> Option<i128> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    // A second sign would be accepted by `from_str_radix`; "--5" is a typo, not -(-5).
    if digits.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i128::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<i128>().ok()?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// One line per result, like `wasmtime --invoke`: integers in decimal, floats as Rust shows them.
pub(crate) fn format_results(results: &[Val]) -> String {
    let mut out = String::new();
    for value in results {
        let text = match value {
            Val::I32(v) => v.to_string(),
            Val::I64(v) => v.to_string(),
            Val::F32(v) => f32::from(*v).to_string(),
            Val::F64(v) => f64::from(*v).to_string(),
            Val::V128(v) => format!("0x{:032x}", v.as_u128()),
            Val::FuncRef(f) if f.is_null() => "null funcref".to_owned(),
            Val::FuncRef(_) => "funcref".to_owned(),
            Val::ExternRef(r) if r.is_null() => "null externref".to_owned(),
            Val::ExternRef(_) => "externref".to_owned(),
        };
        out.push_str(&text);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_accept_signed_unsigned_and_hex() {
        let i32_of = |text| match parse_value(ValType::I32, text) {
            Some(Val::I32(v)) => Some(v),
            _ => None,
        };
        assert_eq!(i32_of("-5"), Some(-5));
        assert_eq!(i32_of("+7"), Some(7));
        assert_eq!(i32_of("0x1f"), Some(31));
        assert_eq!(i32_of("-0x10"), Some(-16));
        assert_eq!(i32_of("4294967295"), Some(-1));
        assert_eq!(i32_of("4294967296"), None);
        assert_eq!(i32_of("-2147483649"), None);
        assert_eq!(i32_of("--5"), None);
        assert_eq!(i32_of("1.5"), None);
        assert_eq!(i32_of(""), None);
        let i64_of = |text| match parse_value(ValType::I64, text) {
            Some(Val::I64(v)) => Some(v),
            _ => None,
        };
        assert_eq!(i64_of("18446744073709551615"), Some(-1));
        assert_eq!(i64_of("-9223372036854775808"), Some(i64::MIN));
    }

    #[test]
    fn floats_accept_nan_and_inf() {
        assert!(
            matches!(parse_value(ValType::F64, "nan"), Some(Val::F64(v)) if f64::from(v).is_nan())
        );
        assert!(
            matches!(parse_value(ValType::F32, "-inf"), Some(Val::F32(v)) if f32::from(v) == f32::NEG_INFINITY)
        );
        assert!(parse_value(ValType::F64, "abc").is_none());
    }
}

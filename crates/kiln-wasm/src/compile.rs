//! From the user's code to a validated wasmi [`Module`]: WAT parsing with positioned diagnostics,
//! validation, and the start-section rewrite that lets the runner meter the start function.

use kiln_core::{Code, Diagnostic};
use wasmi::{Config, Engine, Module};

/// The name under which the module's start function is exported after [`hoist_start`].
///
/// The NUL keeps it out of reach of any real toolchain's export names.
pub(crate) const HIDDEN_START: &str = "\0kiln-start";

/// The engine configuration every Kiln run uses; validation must use the same features.
pub(crate) fn engine_config() -> Config {
    let mut config = Config::default();
    config.consume_fuel(true);
    config
}

/// Compiles WAT text to wasm bytes, or checks that binary input is a valid module.
///
/// This is what the runner does before it runs anything, without running: the analyzer reuses it
/// to report problems in `.wat`/`.wasm` files.
///
/// # Errors
/// A `syntax-error` diagnostic (with the 1-based line and column) when WAT text does not parse,
/// or an `invalid-module` diagnostic when the module is not valid WebAssembly.
pub fn compile(code: &Code) -> Result<Vec<u8>, Diagnostic> {
    let bytes = to_binary(code)?;
    let engine = Engine::new(&engine_config());
    match Module::validate(&engine, &bytes) {
        Ok(()) => Ok(bytes),
        Err(error) => Err(invalid_module(&error)),
    }
}

/// The imports of `code` (WAT text or a binary module), each checked against what Kiln provides.
///
/// The analyzer lists them (stage 5) and reports the same `missing-imports` error the runner
/// refuses a module with.
///
/// # Errors
/// The diagnostic of [`compile`] when the module does not parse or is not valid.
pub fn module_imports(code: &Code) -> Result<Vec<crate::ModuleImport>, Diagnostic> {
    let bytes = to_binary(code)?;
    let engine = Engine::new(&engine_config());
    // `Module::new` validates as `compile` does.
    match Module::new(&engine, &bytes) {
        Ok(module) => Ok(crate::imports::describe_imports(&module)),
        Err(error) => Err(invalid_module(&error)),
    }
}

/// The wasm bytes of `code`, parsing WAT when it is text; not validated.
pub(crate) fn to_binary(code: &Code) -> Result<Vec<u8>, Diagnostic> {
    match code {
        Code::Text(text) => wat_to_binary(text),
        Code::Binary(bytes) if bytes.starts_with(b"\0asm") => Ok(bytes.clone()),
        // WAT read from a file arrives as bytes too.
        Code::Binary(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => wat_to_binary(text),
            Err(_) => Err(Diagnostic::error(
                "invalid-module",
                "this is neither WebAssembly text (WAT) nor a WebAssembly binary: a binary module \
                 starts with the bytes `\\0asm`",
            )),
        },
    }
}

fn wat_to_binary(text: &str) -> Result<Vec<u8>, Diagnostic> {
    let encoded = wast::parser::ParseBuffer::new(text)
        .and_then(|buffer| wast::parser::parse::<wast::Wat<'_>>(&buffer)?.encode());
    encoded.map_err(|error| {
        let (line, column) = line_column(text, error.span().offset());
        Diagnostic::error("syntax-error", error.message()).at(line, column)
    })
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (saturate(line), saturate(column))
}

fn saturate(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

pub(crate) fn invalid_module(error: &wasmi::Error) -> Diagnostic {
    Diagnostic::error(
        "invalid-module",
        format!("invalid WebAssembly module: {error}"),
    )
}

/// A compiled module, and whether its start function was hoisted into [`HIDDEN_START`].
pub(crate) struct Loaded {
    pub(crate) module: Module,
    pub(crate) hoisted_start: bool,
}

/// Compiles and validates `bytes` for `engine`, hoisting the start function when there is one.
pub(crate) fn load(engine: &Engine, bytes: &[u8]) -> Result<Loaded, Diagnostic> {
    // On failure, fall through: the original's own error message has the right offsets (and
    // should the rewrite be what failed, the original still runs, its start function unsliced).
    if let Some(rewritten) = hoist_start(bytes)
        && let Ok(module) = Module::new(engine, &rewritten)
    {
        return Ok(Loaded {
            module,
            hoisted_start: true,
        });
    }
    match Module::new(engine, bytes) {
        Ok(module) => Ok(Loaded {
            module,
            hoisted_start: false,
        }),
        Err(error) => Err(invalid_module(&error)),
    }
}

/// Rewrites a module with a start section so the start function is exported as
/// [`HIDDEN_START`] instead of being run by instantiation.
///
/// wasmi runs a start function inside instantiation with a plain, non-resumable call, so a
/// `(start $main)` looping forever could be stopped neither by a time limit nor by a cancel. As
/// an export it is called like any entry point: resumably, in fuel slices. Instantiation already
/// initialised tables and memory by then, so the program sees the same state the spec gives it.
///
/// `None` when there is no start section or the binary's framing is not understood (the module
/// is then compiled as it is, and validation reports what is wrong).
fn hoist_start(bytes: &[u8]) -> Option<Vec<u8>> {
    const EXPORT: u8 = 7;
    const START: u8 = 8;
    // A core module, version 1 (components use another version and have no start section).
    if bytes.get(..8)? != b"\0asm\x01\0\0\0" {
        return None;
    }
    let mut sections = Vec::new();
    let mut pos = 8;
    while pos < bytes.len() {
        let id = bytes[pos];
        let mut cursor = pos + 1;
        let size = usize::try_from(read_leb_u32(bytes, &mut cursor)?).ok()?;
        let end = cursor.checked_add(size).filter(|&end| end <= bytes.len())?;
        sections.push((id, pos, cursor, end));
        pos = end;
    }
    let &(_, _, start_payload, start_end) = sections.iter().find(|s| s.0 == START)?;
    let mut cursor = start_payload;
    let start_func = read_leb_u32(bytes, &mut cursor)?;
    if cursor != start_end {
        return None;
    }
    let mut entry = Vec::new();
    write_leb_u32(&mut entry, u32::try_from(HIDDEN_START.len()).ok()?);
    entry.extend_from_slice(HIDDEN_START.as_bytes());
    entry.push(0x00); // export kind: function
    write_leb_u32(&mut entry, start_func);

    let has_exports = sections.iter().any(|s| s.0 == EXPORT);
    let mut out = Vec::with_capacity(bytes.len() + entry.len() + 8);
    out.extend_from_slice(&bytes[..8]);
    for &(id, section_start, payload, end) in &sections {
        match id {
            EXPORT => {
                let mut cursor = payload;
                let count = read_leb_u32(bytes, &mut cursor)?;
                let mut body = Vec::new();
                write_leb_u32(&mut body, count.checked_add(1)?);
                body.extend_from_slice(&bytes[cursor..end]);
                body.extend_from_slice(&entry);
                push_section(&mut out, EXPORT, &body)?;
            }
            // The export section comes right before the start section in a module's section
            // order, so when there is none it can take the start section's place.
            START if !has_exports => {
                let mut body = Vec::new();
                write_leb_u32(&mut body, 1);
                body.extend_from_slice(&entry);
                push_section(&mut out, EXPORT, &body)?;
            }
            START => {}
            _ => out.extend_from_slice(&bytes[section_start..end]),
        }
    }
    Some(out)
}

fn push_section(out: &mut Vec<u8>, id: u8, body: &[u8]) -> Option<()> {
    out.push(id);
    write_leb_u32(out, u32::try_from(body.len()).ok()?);
    out.extend_from_slice(body);
    Some(())
}

fn read_leb_u32(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut result: u32 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(*pos)?;
        *pos += 1;
        // The fifth byte may only carry the top four bits.
        if shift == 28 && byte > 0x0f {
            return None;
        }
        result |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(result);
        }
    }
    None
}

fn write_leb_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // After "cdé" (é is two bytes): column 4; inside é: é's column.
        assert_eq!(line_column(text, 7), (2, 4));
        assert_eq!(line_column(text, 6), (2, 3));
        assert_eq!(line_column(text, 8), (3, 1));
        assert_eq!(line_column(text, 100), (3, 2));
    }

    #[test]
    fn leb_round_trips() {
        for value in [0, 1, 127, 128, 300, 16_384, u32::MAX] {
            let mut out = Vec::new();
            write_leb_u32(&mut out, value);
            let mut pos = 0;
            assert_eq!(read_leb_u32(&out, &mut pos), Some(value));
            assert_eq!(pos, out.len());
        }
    }

    #[test]
    fn start_is_hoisted_with_and_without_an_export_section() {
        let engine = Engine::new(&engine_config());
        for wat in [
            "(module (func $s) (start $s))",
            "(module (func $s) (func (export \"f\")) (memory (export \"memory\") 1) (start $s))",
        ] {
            let bytes = to_binary(&Code::from(wat)).unwrap();
            let rewritten = hoist_start(&bytes).unwrap();
            let module = Module::new(&engine, &rewritten).unwrap();
            assert!(module.get_export(HIDDEN_START).is_some(), "{wat}");
        }
        let plain = to_binary(&Code::from("(module (func (export \"f\")))")).unwrap();
        assert!(hoist_start(&plain).is_none());
    }
}

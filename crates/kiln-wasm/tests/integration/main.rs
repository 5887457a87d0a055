//! Integration tests of the WebAssembly runner, one module per topic (wasmi's layout: a single
//! test binary, so the engine is linked once).
#![allow(clippy::unwrap_used)]

mod args;
mod exit;
mod files;
mod invoke;
mod limits;
mod output;
mod refusals;
mod start;
mod stdin;
mod traps;

use std::sync::Arc;

use kiln_core::{Language, Limits, Outcome, RunRequest, Runner, StopSignal, SystemClock};
use kiln_wasm::WasmRunner;

/// Runs a request on a fresh runner with the system clock and default stop signal.
pub(crate) fn run(request: &RunRequest) -> Outcome {
    let mut runner = WasmRunner::new(SystemClock::shared());
    runner.run(request, Arc::new(()), &StopSignal::new())
}

/// A wasm request with small, test-sized limits (steps still generous).
pub(crate) fn request(code: impl Into<kiln_core::Code>) -> RunRequest {
    RunRequest::new(Language::Wasm, code).with_limits(Limits {
        wall_time_ms: None,
        steps: Some(100_000_000),
        memory_bytes: Some(64 * 1024 * 1024),
        output_bytes: Some(1024 * 1024),
    })
}

/// Runs WAT text with default test limits.
pub(crate) fn run_wat(wat: &str) -> Outcome {
    run(&request(wat))
}

/// A module with every WASI import the tests use, one page of exported memory and helpers:
/// `$write(fd, ptr, len) -> errno`, `$print(ptr, len)`, `$print_i32(n)`, `$newline`.
///
/// Memory layout: 0..8 the iovec, 8..12 the byte count, 16..48 digits, 48 a newline; test data
/// from 64, buffers from 1024.
pub(crate) fn program(items: &str) -> String {
    program_with_imports("", items)
}

/// [`program`] with more imports (they must precede every other item).
pub(crate) fn program_with_imports(imports: &str, items: &str) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
{imports}
  (memory (export "memory") 1)
  (data (i32.const 48) "\n")
  (func $write (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
  (func $print (param $ptr i32) (param $len i32)
    (drop (call $write (i32.const 1) (local.get $ptr) (local.get $len))))
  (func $newline (call $print (i32.const 48) (i32.const 1)))
  (func $print_i32 (param $n i32)
    (local $p i32) (local $u i32) (local $negative i32)
    (local.set $p (i32.const 48))
    (local.set $negative (i32.lt_s (local.get $n) (i32.const 0)))
    (local.set $u (select (i32.sub (i32.const 0) (local.get $n)) (local.get $n) (local.get $negative)))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $u) (i32.const 10))))
      (local.set $u (i32.div_u (local.get $u) (i32.const 10)))
      (br_if $digits (local.get $u)))
    (if (local.get $negative)
      (then
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (i32.store8 (local.get $p) (i32.const 45))))
    (call $print (local.get $p) (i32.sub (i32.const 48) (local.get $p))))
{items}
)"#
    )
}

/// `text` as a WAT string literal's contents.
pub(crate) fn wat_string(text: &str) -> String {
    text.bytes().map(|byte| format!("\\{byte:02x}")).collect()
}

/// `_start` printing `text` to stdout.
pub(crate) fn hello_wat(text: &str) -> String {
    program(&format!(
        r#"  (data (i32.const 64) "{data}")
  (func (export "_start") (call $print (i32.const 64) (i32.const {len})))"#,
        data = wat_string(text),
        len = text.len()
    ))
}

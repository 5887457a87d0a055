//! Traps end the run with status `error`, the trap's name on stderr and a diagnostic.

use kiln_core::{Outcome, Status};

use crate::{program, request, run, run_wat};

fn assert_trap(outcome: &Outcome, stderr: &str) {
    assert_eq!(outcome.status, Status::Error, "{outcome:?}");
    assert_eq!(outcome.exit_code, 1);
    assert_eq!(outcome.stderr, stderr);
    assert_eq!(outcome.limit, None);
    assert_eq!(outcome.diagnostics.len(), 1);
    assert_eq!(outcome.diagnostics[0].code, "trap");
}

#[test]
fn unreachable_traps_after_earlier_output() {
    let outcome = run_wat(&program(
        r#"  (data (i32.const 64) "so far\n")
  (func (export "_start") (call $print (i32.const 64) (i32.const 7)) (unreachable))"#,
    ));
    assert_trap(
        &outcome,
        "wasm trap: wasm `unreachable` instruction executed\n    in function `_start`\n",
    );
    assert_eq!(outcome.stdout, "so far\n");
    assert_eq!(
        outcome.diagnostics[0].message,
        "wasm trap: wasm `unreachable` instruction executed (in function `_start`)"
    );
}

#[test]
fn integer_division_by_zero_traps() {
    let wat = r#"(module
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"#;
    let outcome = run(&request(wat).with_entry("div", vec!["1".into(), "0".into()]));
    assert_trap(
        &outcome,
        "wasm trap: integer divide by zero\n    in function `div`\n",
    );
    assert_eq!(outcome.stdout, "", "no result is printed");
}

#[test]
fn out_of_bounds_memory_access_traps() {
    let wat = r#"(module
  (memory 1)
  (func (export "_start") (drop (i32.load (i32.const 65535)))))"#;
    assert_trap(
        &run_wat(wat),
        "wasm trap: out of bounds memory access\n    in function `_start`\n",
    );
}

#[test]
fn a_trap_in_a_nested_call_names_the_called_export() {
    let wat = r#"(module
  (func $inner (result i32) (i32.trunc_f32_s (f32.const nan)))
  (func (export "_start") (drop (call $inner))))"#;
    assert_trap(
        &run_wat(wat),
        "wasm trap: invalid conversion to integer\n    in function `_start`\n",
    );
}

#[test]
fn stack_overflow_traps() {
    let wat = r#"(module (func $f (export "_start") (call $f)))"#;
    assert_trap(
        &run_wat(wat),
        "wasm trap: call stack exhausted\n    in function `_start`\n",
    );
}

#[test]
fn wasi_without_an_exported_memory_is_an_error_in_words() {
    let wat = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (func (export "_start") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))))"#;
    let outcome = run_wat(wat);
    assert_eq!(outcome.status, Status::Error, "{outcome:?}");
    assert_eq!(
        outcome.stderr,
        "kiln: the module calls WASI functions but does not export its memory as `memory`, \
         which WASI needs to pass data\n"
    );
}

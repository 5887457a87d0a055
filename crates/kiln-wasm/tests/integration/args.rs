//! `args_sizes_get`/`args_get`, environment, clocks and randomness.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use kiln_core::{Clock, Runner, Status, StopSignal};
use kiln_wasm::WasmRunner;

use crate::{program_with_imports, request, run};

/// Prints `argc`, a space and `argv[0]`.
fn print_args() -> String {
    program_with_imports(
        r#"  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))"#,
        r#"  (data (i32.const 64) " ")
  (func (export "_start")
    (drop (call $args_sizes_get (i32.const 200) (i32.const 204)))
    (call $print_i32 (i32.load (i32.const 200)))
    (call $print (i32.const 64) (i32.const 1))
    (drop (call $args_get (i32.const 300) (i32.const 1024)))
    ;; argv[0] points into the buffer; its size includes the NUL.
    (call $print (i32.load (i32.const 300)) (i32.sub (i32.load (i32.const 204)) (i32.const 1)))
    (call $newline))"#,
    )
}

#[test]
fn argv0_is_the_default_file_name() {
    let outcome = run(&request(print_args().as_str()));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "1 main.wasm\n");
}

#[test]
fn argv0_is_the_requests_file_name() {
    let outcome = run(&request(print_args().as_str()).with_file_name("hello.wat"));
    assert_eq!(outcome.stdout, "1 hello.wat\n");
}

#[test]
fn the_environment_is_empty() {
    let wat = program_with_imports(
        r#"  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))"#,
        r#"  (func (export "_start")
    (i32.store (i32.const 200) (i32.const 99))
    (i32.store (i32.const 204) (i32.const 99))
    (call $print_i32 (call $sizes (i32.const 200) (i32.const 204)))
    (call $print_i32 (i32.load (i32.const 200)))
    (call $print_i32 (i32.load (i32.const 204))))"#,
    );
    assert_eq!(run(&request(wat.as_str())).stdout, "000");
}

struct FixedClock {
    monotonic: AtomicU64,
}

impl Clock for FixedClock {
    fn wall_time_ns(&self) -> u64 {
        1_700_000_000_123_456_789
    }
    fn monotonic_ns(&self) -> u64 {
        self.monotonic.fetch_add(1_000_000, Ordering::SeqCst)
    }
}

#[test]
fn clocks_come_from_the_runners_clock() {
    let wat = program_with_imports(
        r#"  (import "wasi_snapshot_preview1" "clock_time_get" (func $now (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $res (param i32 i32) (result i32)))"#,
        r#"  (func (export "now") (param $id i32) (result i32 i64)
    (call $now (local.get $id) (i64.const 1) (i32.const 200))
    (i64.load (i32.const 200)))
  (func (export "res") (param $id i32) (result i32 i64)
    (call $res (local.get $id) (i32.const 200))
    (i64.load (i32.const 200)))"#,
    );
    let clock = Arc::new(FixedClock {
        monotonic: AtomicU64::new(5_000_000),
    });
    let mut runner = WasmRunner::new(clock);
    let mut call = |export: &str, id: &str| {
        let request = request(wat.as_str()).with_entry(export, vec![id.to_owned()]);
        runner
            .run(&request, Arc::new(()), &StopSignal::new())
            .stdout
    };
    assert_eq!(call("now", "0"), "0\n1700000000123456789\n");
    // Monotonic: the clock advances 1 ms per reading; a few readings happen before the call.
    let monotonic: Vec<u64> = call("now", "1")
        .lines()
        .map(|line| line.parse().unwrap())
        .collect();
    assert_eq!(monotonic[0], 0);
    assert!(
        monotonic[1] > 5_000_000 && monotonic[1].is_multiple_of(1_000_000),
        "{monotonic:?}"
    );
    assert_eq!(call("res", "1"), "0\n1000\n");
    // EINVAL for a clock that does not exist.
    assert_eq!(call("now", "9").lines().next(), Some("28"));
}

#[test]
fn random_bytes_differ_and_bad_buffers_fault() {
    let wat = program_with_imports(
        r#"  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))"#,
        r#"  (func (export "two_draws_differ") (result i32 i32)
    (call $random (i32.const 1024) (i32.const 16))
    (drop (call $random (i32.const 1040) (i32.const 16)))
    (i32.or
      (i64.ne (i64.load (i32.const 1024)) (i64.load (i32.const 1040)))
      (i64.ne (i64.load (i32.const 1032)) (i64.load (i32.const 1048)))))
  (func (export "out_of_bounds") (result i32)
    (call $random (i32.const 65530) (i32.const 16)))"#,
    );
    let outcome = run(&request(wat.as_str()).with_entry("two_draws_differ", vec![]));
    assert_eq!(outcome.stdout, "0\n1\n");
    let outcome = run(&request(wat.as_str()).with_entry("out_of_bounds", vec![]));
    // EFAULT
    assert_eq!(outcome.stdout, "21\n");
}

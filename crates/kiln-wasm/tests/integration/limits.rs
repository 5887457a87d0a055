//! Limits: steps (fuel), time (the stop signal), memory and output.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use kiln_core::{LimitKind, Limits, Outcome, RunRequest, Runner, Status, StopSignal, SystemClock};
use kiln_wasm::WasmRunner;

use crate::{program, request, run};

const ENDLESS: &str = r#"(module (func (export "_start") (loop (br 0))))"#;

fn limits(steps: Option<u64>, memory: Option<u64>, output: Option<u64>) -> Limits {
    Limits {
        wall_time_ms: None,
        steps,
        memory_bytes: memory,
        output_bytes: output,
    }
}

fn assert_limit(outcome: &Outcome, limit: LimitKind) {
    assert_eq!(outcome.status, Status::Limit, "{outcome:?}");
    assert_eq!(outcome.exit_code, 124);
    assert_eq!(outcome.limit, Some(limit));
    assert!(
        outcome
            .stderr
            .ends_with(&format!("kiln: {}\n", limit.explain())),
        "{:?}",
        outcome.stderr
    );
}

#[test]
fn an_endless_loop_runs_out_of_steps_quickly() {
    let started = Instant::now();
    let outcome = run(&request(ENDLESS).with_limits(limits(Some(1_000_000), None, None)));
    assert_limit(&outcome, LimitKind::Steps);
    assert_eq!(
        outcome.stderr,
        format!("kiln: {}\n", LimitKind::Steps.explain())
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn the_step_budget_is_exact_enough_across_slices() {
    // Counts to N in a loop: a budget big enough for it passes, ten times smaller does not.
    let wat = r#"(module
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $again
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i)))"#;
    let counting = |steps| {
        run(&request(wat)
            .with_limits(limits(Some(steps), None, None))
            .with_entry("count", vec!["3000000".into()]))
    };
    let outcome = counting(100_000_000);
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "3000000\n");
    assert_limit(&counting(3_000_000), LimitKind::Steps);
}

fn stop_after(stop: &StopSignal, delay: Duration, cancel: bool) -> thread::JoinHandle<()> {
    let stop = stop.clone();
    thread::spawn(move || {
        thread::sleep(delay);
        if cancel {
            stop.cancel()
        } else {
            stop.stop_for(LimitKind::Time)
        }
    })
}

fn run_until_stopped(request: &RunRequest, cancel: bool) -> (Outcome, Duration) {
    let mut runner = WasmRunner::new(SystemClock::shared());
    let stop = StopSignal::new();
    let stopper = stop_after(&stop, Duration::from_millis(200), cancel);
    let started = Instant::now();
    let outcome = runner.run(request, Arc::new(()), &stop);
    let elapsed = started.elapsed();
    stopper.join().unwrap();
    (outcome, elapsed)
}

#[test]
fn a_stop_signal_ends_an_endless_loop_without_a_step_limit() {
    let (outcome, elapsed) = run_until_stopped(
        &request(ENDLESS).with_limits(limits(None, None, None)),
        false,
    );
    assert_limit(&outcome, LimitKind::Time);
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert!(outcome.duration_ms >= 200, "{}", outcome.duration_ms);
}

#[test]
fn a_stop_signal_ends_a_program_busy_in_wasi_calls() {
    // Writes an empty string forever: almost all the time is spent in fd_write.
    let wat = program(
        r#"  (func (export "_start") (loop (call $print (i32.const 64) (i32.const 0)) (br 0)))"#,
    );
    let (outcome, _) = run_until_stopped(
        &request(wat.as_str()).with_limits(limits(None, None, None)),
        false,
    );
    assert_limit(&outcome, LimitKind::Time);
}

#[test]
fn a_cancel_ends_the_run_as_an_error() {
    let (outcome, _) = run_until_stopped(
        &request(ENDLESS).with_limits(limits(None, None, None)),
        true,
    );
    assert_eq!(outcome.status, Status::Error, "{outcome:?}");
    assert_eq!(outcome.limit, None);
    assert_eq!(outcome.stderr, "kiln: the run was cancelled\n");
    assert_eq!(outcome.diagnostics[0].code, "cancelled");
}

#[test]
fn memory_grow_beyond_the_cap_returns_minus_one() {
    // One page to start; the cap is 1 MiB (16 pages): growing by 100 fails, by 1 succeeds.
    let wat = program(
        r#"  (func (export "_start")
    (call $print_i32 (memory.grow (i32.const 100)))
    (call $newline)
    (call $print_i32 (memory.grow (i32.const 1)))
    (call $newline)
    (call $print_i32 (memory.size))
    (call $newline))"#,
    );
    let outcome = run(&request(wat.as_str()).with_limits(limits(None, Some(1 << 20), None)));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "-1\n1\n2\n");
}

#[test]
fn a_failed_grow_followed_by_a_trap_is_reported_as_the_trap() {
    let wat = r#"(module
  (memory 1)
  (func (export "_start")
    (drop (memory.grow (i32.const 100)))
    (i32.store (i32.const 1000000) (i32.const 1))))"#;
    let outcome = run(&request(wat).with_limits(limits(None, Some(1 << 20), None)));
    assert_eq!(outcome.status, Status::Error, "{outcome:?}");
    assert!(
        outcome
            .stderr
            .starts_with("wasm trap: out of bounds memory access\n")
    );
}

#[test]
fn initial_memory_beyond_the_cap_is_a_memory_limit() {
    // 100 pages = 6.25 MiB against a 1 MiB cap.
    let wat = r#"(module (memory 100) (func (export "_start")))"#;
    let outcome = run(&request(wat).with_limits(limits(None, Some(1 << 20), None)));
    assert_limit(&outcome, LimitKind::Memory);
    assert_eq!(
        outcome.stderr,
        format!("kiln: {}\n", LimitKind::Memory.explain())
    );
    assert_eq!(outcome.stdout, "");
}

#[test]
fn an_output_flood_stops_at_exactly_the_cap() {
    let wat = program(
        r#"  (data (i32.const 64) "0123456789")
  (func (export "_start") (loop (call $print (i32.const 64) (i32.const 10)) (br 0)))"#,
    );
    let outcome = run(&request(wat.as_str()).with_limits(limits(None, None, Some(10_000))));
    assert_limit(&outcome, LimitKind::Output);
    assert_eq!(outcome.stdout.len(), 10_000);
    assert_eq!(outcome.stdout, "0123456789".repeat(1000));
    assert_eq!(
        outcome.stderr,
        format!("kiln: {}\n", LimitKind::Output.explain())
    );
}

#[test]
fn an_output_flood_cut_mid_write() {
    // 7-byte writes against a 10-byte cap: the second write is cut after 3 bytes.
    let wat = program(
        r#"  (data (i32.const 64) "abcdefg")
  (func (export "_start") (loop (call $print (i32.const 64) (i32.const 7)) (br 0)))"#,
    );
    let outcome = run(&request(wat.as_str()).with_limits(limits(None, None, Some(10))));
    assert_limit(&outcome, LimitKind::Output);
    assert_eq!(outcome.stdout, "abcdefgabc");
}

#[test]
fn invoke_results_count_against_the_output_limit() {
    let wat = r#"(module (func (export "big") (result i64) (i64.const -1234567890)))"#;
    let outcome = run(&request(wat)
        .with_limits(limits(None, None, Some(4)))
        .with_entry("big", vec![]));
    assert_limit(&outcome, LimitKind::Output);
    assert_eq!(outcome.stdout, "-123");
}

#[test]
fn tables_count_against_the_memory_limit() {
    // 1 MiB allows 131072 table elements: growing to a million fails with -1.
    let wat = r#"(module
  (table 1 funcref)
  (func (export "grow") (result i32) (table.grow (ref.null func) (i32.const 1000000))))"#;
    let outcome = run(&request(wat)
        .with_limits(limits(None, Some(1 << 20), None))
        .with_entry("grow", vec![]));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "-1\n");
    let outcome = run(
        &request(r#"(module (table 1000000 funcref) (func (export "_start")))"#)
            .with_limits(limits(None, Some(1 << 20), None)),
    );
    assert_limit(&outcome, LimitKind::Memory);
}

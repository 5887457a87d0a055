//! Steps, output and memory limits, and the stop signal: a runaway program always ends with a
//! limit, never a hang or a crash.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{run, run_limited, tight_limits};
use kiln_core::{Language, LimitKind, Limits, RunRequest, Runner, Status, StopSignal, SystemClock};
use kiln_js::JsRunner;

#[track_caller]
fn assert_limit(outcome: &kiln_core::Outcome, limit: LimitKind) {
    assert_eq!(
        outcome.status,
        Status::Limit,
        "stdout: {} stderr: {}",
        outcome.stdout,
        outcome.stderr
    );
    assert_eq!(outcome.limit, Some(limit));
    assert_eq!(outcome.exit_code, 124);
    assert!(
        outcome
            .stderr
            .ends_with(&format!("kiln: {}\n", limit.explain())),
        "{}",
        outcome.stderr
    );
}

#[test]
fn endless_while_loop_hits_the_step_limit_quickly() {
    let started = Instant::now();
    let outcome = run_limited("console.log('start'); while (true) {}", tight_limits());
    assert_limit(&outcome, LimitKind::Steps);
    assert_eq!(outcome.stdout, "start\n");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn endless_for_loop_hits_the_step_limit_quickly() {
    let started = Instant::now();
    let outcome = run_limited("let i = 0; for (;;) { i++; }", tight_limits());
    assert_limit(&outcome, LimitKind::Steps);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_step_limit_cannot_be_caught() {
    let outcome = run_limited(
        "try { while (true) {} } catch (e) { console.log('caught'); } finally { console.log('finally'); }",
        tight_limits(),
    );
    assert_limit(&outcome, LimitKind::Steps);
    assert!(!outcome.stdout.contains("caught"), "{}", outcome.stdout);
}

#[test]
fn loops_under_the_limit_run_normally() {
    let outcome = run_limited(
        "let s = 0; for (let i = 0; i < 500000; i++) s += i; console.log(s);",
        tight_limits(),
    );
    assert_eq!(outcome.stdout, "124999750000\n");
    assert_eq!(outcome.status, Status::Ok);
}

#[test]
fn unbounded_recursion_is_a_step_limit() {
    for code in [
        "function f() { return f(); } f();",
        "function f() { try { return f(); } catch (e) { return f(); } } f();",
        "const o = { get x() { return this.x; } }; o.x;",
        "function f(n) { return [n].map(f); } f(0);",
        "async function f() { await f(); } f();",
    ] {
        let outcome = run(code);
        assert_limit(&outcome, LimitKind::Steps);
    }
}

#[test]
fn ordinary_recursion_works() {
    let outcome = run(
        "function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); } console.log(depth(250));",
    );
    assert_eq!(outcome.stdout, "250\n", "{}", outcome.stderr);
}

#[test]
fn endless_microtasks_and_intervals_count_as_steps() {
    let limits = Limits {
        steps: Some(10_000),
        ..tight_limits()
    };
    let outcome = run_limited(
        "function again() { Promise.resolve().then(again); } again();",
        limits,
    );
    assert_limit(&outcome, LimitKind::Steps);
    let outcome = run_limited("let n = 0; setInterval(() => { n++; }, 1);", limits);
    assert_limit(&outcome, LimitKind::Steps);
}

#[test]
fn output_flood_stops_at_the_output_limit() {
    let outcome = run_limited(
        "while (true) console.log('x');",
        Limits {
            steps: None,
            ..tight_limits()
        },
    );
    assert_limit(&outcome, LimitKind::Output);
    assert!(outcome.stdout.len() <= 10_000, "{}", outcome.stdout.len());
    assert!(outcome.stdout.len() > 9_990);
    assert!(outcome.stdout.starts_with("x\nx\n"));
}

#[test]
fn output_limit_cannot_be_caught() {
    let outcome = run_limited(
        "for (;;) { try { console.log('y'.repeat(100)); } catch (e) {} }",
        Limits {
            steps: None,
            ..tight_limits()
        },
    );
    assert_limit(&outcome, LimitKind::Output);
}

#[test]
fn memory_bombs_end_cleanly() {
    let outcome = run("new Array(1e9).fill(0);");
    assert_limit(&outcome, LimitKind::Memory);
    let outcome = run("Array.from({ length: 1e9 }, () => 1);");
    assert_limit(&outcome, LimitKind::Memory);
    let outcome = run("'ab'.repeat(2 ** 27);");
    assert_limit(&outcome, LimitKind::Memory);
    // Longer than any JavaScript string: a catchable RangeError, as in Node.
    let outcome = run("'a'.repeat(2 ** 40)");
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(
        outcome.stderr,
        "Uncaught RangeError: Invalid string length\n    at main.js:1:11\n"
    );
    let outcome = run("try { 'x'.padEnd(2 ** 31) } catch (e) { console.log(e.message) }");
    assert_eq!(outcome.stdout, "Invalid string length\n");
    let outcome = run("new ArrayBuffer(2 ** 40)");
    assert_eq!(outcome.status, Status::Error);
    // Big but reasonable allocations still work.
    let outcome = run("console.log(new Array(1e6).fill(0).length, 'ab'.repeat(1e6).length)");
    assert_eq!(outcome.stdout, "1000000 2000000\n");
}

#[test]
fn stop_signal_from_another_thread_ends_a_printing_loop() {
    let stop = StopSignal::new();
    let stopper = stop.clone();
    let timer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        stopper.stop_for(LimitKind::Time);
    });
    let request = RunRequest::new(
        Language::Js,
        "let i = 0; while (true) { console.log(i++); }",
    )
    .with_limits(Limits::UNLIMITED);
    let started = Instant::now();
    let outcome = JsRunner::new(SystemClock::shared()).run(&request, Arc::new(()), &stop);
    timer.join().expect("timer thread");
    assert_limit(&outcome, LimitKind::Time);
    assert!(outcome.stdout.starts_with("0\n1\n2\n"));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn stop_signal_ends_a_silent_loop_in_top_level_code() {
    let stop = StopSignal::new();
    let stopper = stop.clone();
    let timer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        stopper.stop_for(LimitKind::Time);
    });
    let request = RunRequest::new(Language::Js, "function spin() { for (;;) {} } spin();")
        .with_limits(Limits::UNLIMITED);
    let outcome = JsRunner::new(SystemClock::shared()).run(&request, Arc::new(()), &stop);
    timer.join().expect("timer thread");
    assert_limit(&outcome, LimitKind::Time);
}

#[test]
fn stop_signal_raised_before_the_run_stops_at_the_first_call() {
    let stop = StopSignal::new();
    stop.stop_for(LimitKind::Time);
    let request = RunRequest::new(Language::Js, "console.log('never printed')");
    let outcome = JsRunner::new(SystemClock::shared()).run(&request, Arc::new(()), &stop);
    assert_limit(&outcome, LimitKind::Time);
    assert_eq!(outcome.stdout, "");
}

#[test]
fn duration_is_measured() {
    let outcome = run("let s = 0; for (let i = 0; i < 300000; i++) s += i;");
    assert_eq!(outcome.status, Status::Ok);
    assert!(outcome.duration_ms < 60_000);
}

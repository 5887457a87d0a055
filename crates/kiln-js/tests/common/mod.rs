//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::sync::Arc;

use kiln_core::{Language, Limits, Outcome, RunRequest, Runner, Status, StopSignal, SystemClock};
use kiln_js::JsRunner;

/// Runs `code` as `main.js` with default limits.
pub(crate) fn run(code: &str) -> Outcome {
    run_request(&RunRequest::new(Language::Js, code))
}

/// Runs `code` with the given limits.
pub(crate) fn run_limited(code: &str, limits: Limits) -> Outcome {
    run_request(&RunRequest::new(Language::Js, code).with_limits(limits))
}

pub(crate) fn run_request(request: &RunRequest) -> Outcome {
    JsRunner::new(SystemClock::shared()).run(request, Arc::new(()), &StopSignal::new())
}

/// Runs `code` on a thread with a 1 MiB stack (the default of `wasm32-unknown-unknown`), with
/// the runner's default (1 MiB) stack budget.
pub(crate) fn run_on_small_stack(code: &str) -> Outcome {
    let code = code.to_owned();
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || run(&code))
        .expect("spawn a thread")
        .join()
        .expect("the run must not panic")
}

/// Asserts that `code` finishes normally and prints exactly `expected` on stdout.
#[track_caller]
pub(crate) fn assert_stdout(code: &str, expected: &str) {
    let outcome = run(code);
    assert_eq!(outcome.stdout, expected, "stderr: {}", outcome.stderr);
    assert_eq!(outcome.status, Status::Ok, "stderr: {}", outcome.stderr);
}

/// Limits that stop quickly: one million loop iterations, 10 kB of output.
pub(crate) fn tight_limits() -> Limits {
    Limits {
        wall_time_ms: None,
        steps: Some(1_000_000),
        memory_bytes: Some(512 << 20),
        output_bytes: Some(10_000),
    }
}

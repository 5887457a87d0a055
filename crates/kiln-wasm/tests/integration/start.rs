//! Modules with a `start` function: it runs at instantiation, metered and stoppable like any code.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use kiln_core::{LimitKind, Limits, Runner, Status, StopSignal, SystemClock};
use kiln_wasm::WasmRunner;

use crate::{program, request, run, run_wat};

#[test]
fn a_start_function_is_a_whole_program() {
    let outcome = run_wat(&program(
        r#"  (data (i32.const 64) "from start\n")
  (func $main (call $print (i32.const 64) (i32.const 11)))
  (start $main)"#,
    ));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "from start\n");
}

#[test]
fn the_start_function_runs_before_start_export() {
    let outcome = run_wat(&program(
        r#"  (data (i32.const 64) "12")
  (func $init (call $print (i32.const 64) (i32.const 1)))
  (start $init)
  (func (export "_start") (call $print (i32.const 65) (i32.const 1)))"#,
    ));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "12");
}

const ENDLESS_START: &str = r#"(module (func $spin (loop (br 0))) (start $spin))"#;

#[test]
fn an_endless_start_function_runs_out_of_steps() {
    let outcome = run(&request(ENDLESS_START).with_limits(Limits {
        steps: Some(1_000_000),
        ..Limits::UNLIMITED
    }));
    assert_eq!(outcome.status, Status::Limit, "{outcome:?}");
    assert_eq!(outcome.limit, Some(LimitKind::Steps));
}

#[test]
fn an_endless_start_function_can_be_stopped() {
    let mut runner = WasmRunner::new(SystemClock::shared());
    let stop = StopSignal::new();
    let stopper = {
        let stop = stop.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(200));
            stop.stop_for(LimitKind::Time);
        })
    };
    let started = Instant::now();
    let outcome = runner.run(
        &request(ENDLESS_START).with_limits(Limits::UNLIMITED),
        Arc::new(()),
        &stop,
    );
    stopper.join().unwrap();
    assert_eq!(outcome.status, Status::Limit, "{outcome:?}");
    assert_eq!(outcome.limit, Some(LimitKind::Time));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_trap_in_the_start_function_says_so() {
    let outcome = run_wat(r#"(module (func $boom (unreachable)) (start $boom))"#);
    assert_eq!(outcome.status, Status::Error, "{outcome:?}");
    assert_eq!(
        outcome.stderr,
        "wasm trap: wasm `unreachable` instruction executed\n    in the module's start function\n"
    );
}

//! Timers on the virtual clock, microtasks and async functions, in Node's order.

mod common;

use std::time::Instant;

use common::{assert_stdout, run};
use kiln_core::Status;

#[test]
fn sync_then_microtasks_then_timers_by_due_time() {
    assert_stdout(
        "setTimeout(() => console.log('timeout10'), 10);\n\
         setTimeout(() => console.log('timeout0'), 0);\n\
         Promise.resolve().then(() => console.log('promise'));\n\
         queueMicrotask(() => console.log('micro'));\n\
         console.log('sync');",
        "sync\npromise\nmicro\ntimeout0\ntimeout10\n",
    );
}

#[test]
fn queue_microtask_before_promise_keeps_queue_order() {
    assert_stdout(
        "queueMicrotask(() => console.log('micro'));\n\
         Promise.resolve().then(() => console.log('promise'));\n\
         console.log('sync');",
        "sync\nmicro\npromise\n",
    );
}

#[test]
fn set_interval_until_cleared_after_three_ticks() {
    assert_stdout(
        "let n = 0;\n\
         const id = setInterval(() => { n++; console.log('tick', n); if (n === 3) clearInterval(id); }, 100);\n\
         setTimeout(() => console.log('at 250'), 250);",
        "tick 1\ntick 2\nat 250\ntick 3\n",
    );
}

#[test]
fn timers_pass_arguments_and_can_be_cancelled() {
    assert_stdout(
        "setTimeout((a, b) => console.log('args', a, b), 1, 'x', 'y');\n\
         const t = setTimeout(() => console.log('never'), 2); clearTimeout(t);\n\
         clearTimeout(undefined); clearInterval(12345);",
        "args x y\n",
    );
}

#[test]
fn equal_due_times_fire_in_creation_order_and_zero_means_one() {
    assert_stdout(
        "setTimeout(() => console.log('a'), 1);\n\
         setTimeout(() => console.log('b'), 0);\n\
         setTimeout(() => console.log('c'), -5);\n\
         setTimeout(() => { console.log('d'); setTimeout(() => console.log('f'), 0); }, 1);\n\
         setTimeout(() => console.log('e'), 2);",
        "a\nb\nc\nd\ne\nf\n",
    );
}

#[test]
fn microtasks_run_after_each_timer_callback() {
    assert_stdout(
        "setTimeout(() => { console.log('t1'); Promise.resolve().then(() => console.log('m1')); }, 5);\n\
         setTimeout(() => console.log('t2'), 5);",
        "t1\nm1\nt2\n",
    );
}

#[test]
fn long_waits_cost_no_real_time() {
    let started = Instant::now();
    let outcome = run("setTimeout(() => console.log('an hour later'), 3600 * 1000);");
    assert_eq!(outcome.stdout, "an hour later\n");
    assert!(started.elapsed().as_secs() < 5);
}

#[test]
fn async_await_runs_to_completion() {
    assert_stdout(
        "const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));\n\
         async function worker(name, ms) { await sleep(ms); console.log(name, 'done'); return ms; }\n\
         (async () => {\n\
           console.log('start');\n\
           const results = await Promise.all([worker('slow', 30), worker('fast', 10)]);\n\
           console.log(results);\n\
           for await (const x of (async function* () { yield 1; yield 2; })()) console.log('got', x);\n\
         })();\n\
         console.log('sync end');",
        "start\nsync end\nfast done\nslow done\n[ 30, 10 ]\ngot 1\ngot 2\n",
    );
}

#[test]
fn set_immediate_runs_before_later_timers() {
    assert_stdout(
        "setTimeout(() => console.log('timeout'), 1); setImmediate((x) => console.log('immediate', x), 7);",
        "immediate 7\ntimeout\n",
    );
}

#[test]
fn a_bad_callback_is_a_type_error() {
    let outcome = run("setTimeout('code string', 10)");
    assert_eq!(outcome.status, Status::Error);
    assert!(
        outcome.stderr.starts_with(
            "Uncaught TypeError: The \"callback\" argument must be of type function. Received type string"
        ),
        "{}",
        outcome.stderr
    );
}

#[test]
fn date_now_is_real_time() {
    let outcome = run("console.log(Date.now() > 1.7e12, typeof performance)");
    assert_eq!(outcome.stdout, "true undefined\n");
}

//! Output through WASI `fd_write`: stdout, stderr, binary input, the sink.

use std::sync::{Arc, Mutex};

use kiln_core::{Code, OutputSink, Runner, Status, StopSignal, Stream, SystemClock};
use kiln_wasm::WasmRunner;

use crate::{hello_wat, program, request, run, run_wat};

#[test]
fn hello_world_from_wat() {
    let outcome = run_wat(&hello_wat("hello, world\n"));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.exit_code, 0);
    assert_eq!(outcome.stdout, "hello, world\n");
    assert_eq!(outcome.stderr, "");
    assert!(outcome.diagnostics.is_empty());
    assert!(outcome.files_written.is_empty());
}

#[test]
fn stderr_is_kept_apart_from_stdout() {
    let outcome = run_wat(&program(
        r#"  (data (i32.const 64) "outerr")
  (func (export "_start")
    (drop (call $write (i32.const 1) (i32.const 64) (i32.const 3)))
    (drop (call $write (i32.const 2) (i32.const 67) (i32.const 3))))"#,
    ));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "out");
    assert_eq!(outcome.stderr, "err");
}

#[test]
fn a_character_split_across_writes_arrives_whole() {
    // "é" is C3 A9: written one byte at a time.
    let outcome = run_wat(&program(
        r#"  (data (i32.const 64) "\c3\a9!\ff")
  (func (export "_start")
    (call $print (i32.const 64) (i32.const 1))
    (call $print (i32.const 65) (i32.const 2))
    (call $print (i32.const 67) (i32.const 1)))"#,
    ));
    assert_eq!(outcome.stdout, "é!\u{fffd}");
}

#[test]
fn binary_input_runs_like_text() {
    let bytes = kiln_wasm::compile(&Code::from(hello_wat("from bytes\n").as_str())).unwrap();
    assert!(bytes.starts_with(b"\0asm"));
    let outcome = run(&request(Code::Binary(bytes)));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "from bytes\n");
}

#[test]
fn wat_given_as_bytes_is_parsed_as_text() {
    let outcome = run(&request(Code::Binary(
        hello_wat("text bytes\n").into_bytes(),
    )));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "text bytes\n");
}

#[derive(Default)]
struct Recorder(Mutex<Vec<(Stream, String)>>);

impl OutputSink for Recorder {
    fn write(&self, stream: Stream, chunk: &str) {
        self.0.lock().unwrap().push((stream, chunk.to_owned()));
    }
}

#[test]
fn output_streams_to_the_sink_in_order() {
    let recorder = Arc::new(Recorder::default());
    let mut runner = WasmRunner::new(SystemClock::shared());
    let wat = program(
        r#"  (data (i32.const 64) "abc")
  (func (export "_start")
    (drop (call $write (i32.const 1) (i32.const 64) (i32.const 1)))
    (drop (call $write (i32.const 2) (i32.const 65) (i32.const 1)))
    (drop (call $write (i32.const 1) (i32.const 66) (i32.const 1))))"#,
    );
    let outcome = runner.run(&request(wat.as_str()), recorder.clone(), &StopSignal::new());
    assert_eq!(outcome.status, Status::Ok);
    let seen = recorder.0.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            (Stream::Stdout, "a".to_owned()),
            (Stream::Stderr, "b".to_owned()),
            (Stream::Stdout, "c".to_owned())
        ]
    );
}

#[test]
fn one_runner_serves_many_runs() {
    let mut runner = WasmRunner::new(SystemClock::shared());
    for text in ["one\n", "two\n", "three\n"] {
        let outcome = runner.run(
            &request(hello_wat(text).as_str()),
            Arc::new(()),
            &StopSignal::new(),
        );
        assert_eq!(outcome.stdout, text);
    }
}

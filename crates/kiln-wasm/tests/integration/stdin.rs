//! Reading standard input through `fd_read`.

use kiln_core::Status;

use crate::{program, request, run};

/// Echoes stdin in 5-byte reads, each bracketed, until a read returns 0 bytes.
fn echo_in_chunks() -> String {
    program(
        r#"  (data (i32.const 64) "[]")
  (func (export "_start")
    (local $n i32)
    (loop $more
      (i32.store (i32.const 0) (i32.const 1024))
      (i32.store (i32.const 4) (i32.const 5))
      (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
      (local.set $n (i32.load (i32.const 8)))
      (if (local.get $n)
        (then
          (call $print (i32.const 64) (i32.const 1))
          (call $print (i32.const 1024) (local.get $n))
          (call $print (i32.const 65) (i32.const 1))
          (br $more)))))"#,
    )
}

#[test]
fn reads_stdin_until_the_end() {
    let outcome = run(&request(echo_in_chunks().as_str()).with_stdin("hello world"));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "[hello][ worl][d]");
}

#[test]
fn empty_stdin_reads_nothing() {
    let outcome = run(&request(echo_in_chunks().as_str()));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.stdout, "");
}

#[test]
fn stdout_cannot_be_read() {
    let wat = program(
        r#"  (func (export "read_stdout") (result i32)
    (call $fd_read (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))"#,
    );
    let outcome = run(&request(wat.as_str()).with_entry("read_stdout", vec![]));
    // EBADF
    assert_eq!(outcome.stdout, "8\n");
}

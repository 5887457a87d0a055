//! `proc_exit`.

use kiln_core::Status;

use crate::{program, run_wat};

fn exit_with(code: i32) -> String {
    program(&format!(
        r#"  (data (i32.const 64) "before\nafter\n")
  (func (export "_start")
    (call $print (i32.const 64) (i32.const 7))
    (call $proc_exit (i32.const {code}))
    (call $print (i32.const 71) (i32.const 6)))"#
    ))
}

#[test]
fn proc_exit_with_a_code_is_an_exit() {
    let outcome = run_wat(&exit_with(3));
    assert_eq!(outcome.status, Status::Exit, "{outcome:?}");
    assert_eq!(outcome.exit_code, 3);
    assert_eq!(outcome.stdout, "before\n");
    assert_eq!(outcome.stderr, "");
    assert!(outcome.diagnostics.is_empty());
}

#[test]
fn proc_exit_zero_is_success() {
    let outcome = run_wat(&exit_with(0));
    assert_eq!(outcome.status, Status::Ok, "{outcome:?}");
    assert_eq!(outcome.exit_code, 0);
    assert_eq!(outcome.stdout, "before\n");
    assert_eq!(outcome.stderr, "");
}

//! Runs refused before anything executes: syntax errors, invalid modules, missing imports, no
//! entry point; and the `compile` helper the analyzer reuses.

use kiln_core::{Code, Diagnostic, Outcome, Status};

use crate::{request, run, run_wat};

fn the_diagnostic(outcome: &Outcome) -> Diagnostic {
    assert_eq!(outcome.status, Status::Refused, "{outcome:?}");
    assert_eq!(outcome.exit_code, 2);
    assert_eq!(outcome.stdout, "");
    assert_eq!(outcome.diagnostics.len(), 1, "{:?}", outcome.diagnostics);
    assert_eq!(outcome.stderr, format!("{}\n", outcome.diagnostics[0]));
    outcome.diagnostics[0].clone()
}

#[test]
fn a_wat_syntax_error_has_its_line_and_column() {
    let wat =
        "(module\n  (func (export \"_start\")\n    i32.const 1\n    i32.bogus 2\n    drop))\n";
    let diagnostic = the_diagnostic(&run_wat(wat));
    assert_eq!(diagnostic.code, "syntax-error");
    assert_eq!(diagnostic.message, "unknown operator or unexpected token");
    assert_eq!((diagnostic.line, diagnostic.column), (Some(4), Some(5)));
}

#[test]
fn columns_count_characters_not_bytes() {
    // The error is after a comment holding two-byte characters.
    let wat = "(module ;; éé\n(func (export \"_start\")) ;; ééé\n ;; ü\n  (bogus))";
    let diagnostic = the_diagnostic(&run_wat(wat));
    assert_eq!(diagnostic.code, "syntax-error");
    assert_eq!((diagnostic.line, diagnostic.column), (Some(4), Some(4)));
}

#[test]
fn an_unknown_name_points_at_the_name() {
    let wat = "(module\n  (func (export \"_start\")\n    (call $nope)))";
    let diagnostic = the_diagnostic(&run_wat(wat));
    assert_eq!(diagnostic.code, "syntax-error");
    assert_eq!(
        diagnostic.message,
        "unknown func: failed to find name `$nope`"
    );
    assert_eq!((diagnostic.line, diagnostic.column), (Some(3), Some(11)));
}

#[test]
fn an_unclosed_module_is_reported_at_the_end() {
    let diagnostic = the_diagnostic(&run_wat("(module\n  (func)\n"));
    assert_eq!(diagnostic.code, "syntax-error");
    assert_eq!(diagnostic.message, "expected `)`");
    assert_eq!((diagnostic.line, diagnostic.column), (Some(3), Some(1)));
}

#[test]
fn an_invalid_module_is_refused_with_the_validators_message() {
    let diagnostic = the_diagnostic(&run_wat("(module (func (result i32) (i64.const 1)))"));
    assert_eq!(diagnostic.code, "invalid-module");
    assert!(
        diagnostic
            .message
            .starts_with("invalid WebAssembly module: type mismatch"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn garbage_bytes_are_refused() {
    let outcome = run(&request(Code::Binary(b"\0asm\x01\0\0\0\xff\xff".to_vec())));
    assert_eq!(the_diagnostic(&outcome).code, "invalid-module");
    let outcome = run(&request(Code::Binary(vec![0xff, 0xfe, 0x00])));
    assert_eq!(the_diagnostic(&outcome).code, "invalid-module");
}

fn provided_list() -> String {
    kiln_wasm::provided_imports().collect::<Vec<_>>().join(", ")
}

#[test]
fn missing_imports_are_all_listed() {
    let wat = r#"(module
  (import "env" "foo" (func))
  (import "env" "memory" (memory 1))
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (func (export "_start")))"#;
    let diagnostic = the_diagnostic(&run_wat(wat));
    assert_eq!(diagnostic.code, "missing-imports");
    assert_eq!(
        diagnostic.message,
        format!(
            "the module imports things Kiln does not provide: env.foo (func), \
             wasi_snapshot_preview1.fd_write (func (param i32) (result i32)) (Kiln's has type \
             (func (param i32 i32 i32 i32) (result i32))), wasi_snapshot_preview1.sock_accept \
             (func (param i32 i32 i32) (result i32)), env.memory (memory). Kiln provides only \
             these WASI preview1 functions from `wasi_snapshot_preview1`: {}",
            provided_list()
        )
    );
}

#[test]
fn one_missing_import() {
    let wat = r#"(module (import "env" "foo" (func)) (func (export "_start")))"#;
    let diagnostic = the_diagnostic(&run_wat(wat));
    assert!(
        diagnostic.message.starts_with(
            "the module imports something Kiln does not provide: env.foo (func). Kiln provides"
        ),
        "{}",
        diagnostic.message
    );
}

#[test]
fn a_module_without_start_or_entry_is_refused() {
    let wat = r#"(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (memory (export "memory") 1))"#;
    let diagnostic = the_diagnostic(&run_wat(wat));
    assert_eq!(diagnostic.code, "no-entry-point");
    assert_eq!(
        diagnostic.message,
        "the module has no `_start` function to run. Exported functions: add(i32, i32) -> i32. \
         To call one, use `--invoke NAME ARGS` (for example `kiln run FILE --invoke NAME 1 2`)."
    );
    let diagnostic = the_diagnostic(&run_wat("(module)"));
    assert!(
        diagnostic.message.contains("It exports no functions."),
        "{}",
        diagnostic.message
    );
}

#[test]
fn a_start_export_with_parameters_is_refused() {
    let wat = r#"(module (func (export "_start") (param i32)))"#;
    let diagnostic = the_diagnostic(&run_wat(wat));
    assert_eq!(diagnostic.code, "no-entry-point");
    assert_eq!(
        diagnostic.message,
        "`_start` has type _start(i32), but a program's `_start` takes no parameters and returns \
         nothing; to call it as a function use `--invoke _start ARGS`"
    );
}

#[test]
fn compile_returns_bytes_or_the_same_diagnostics() {
    let bytes = kiln_wasm::compile(&Code::from("(module (func (export \"f\")))")).unwrap();
    assert!(bytes.starts_with(b"\0asm\x01\0\0\0"));
    let error = kiln_wasm::compile(&Code::from("(module\n (fnuc))")).unwrap_err();
    assert_eq!(error.code, "syntax-error");
    assert_eq!((error.line, error.column), (Some(2), Some(3)));
    let error = kiln_wasm::compile(&Code::from("(module (func (result i32)))")).unwrap_err();
    assert_eq!(error.code, "invalid-module");
    // Validation only: imports are the runner's business.
    assert!(kiln_wasm::compile(&Code::from("(module (import \"env\" \"f\" (func)))")).is_ok());
}

#[test]
fn provided_imports_name_the_wasi_subset() {
    let names: Vec<&str> = kiln_wasm::provided_imports().collect();
    assert_eq!(names.len(), 21);
    for name in [
        "fd_write",
        "fd_read",
        "path_open",
        "proc_exit",
        "random_get",
        "clock_time_get",
    ] {
        assert!(names.contains(&name), "{name}");
    }
}

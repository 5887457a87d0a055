//! Calling an export with arguments (`--invoke NAME ARGS`) and printing its results.

use kiln_core::{Outcome, Status};

use crate::{request, run};

const MATH: &str = r#"(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mul64") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "div") (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1)))
  (func (export "half") (param f32) (result f32) (f32.mul (local.get 0) (f32.const 0.5)))
  (func (export "id32") (param i32) (result i32) (local.get 0))
  (func (export "pair") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "nothing"))
  (memory (export "memory") 1))"#;

fn invoke(export: &str, args: &[&str]) -> Outcome {
    let args = args.iter().map(|arg| (*arg).to_owned()).collect();
    run(&request(MATH).with_entry(export, args))
}

fn ok_stdout(export: &str, args: &[&str]) -> String {
    let outcome = invoke(export, args);
    assert_eq!(outcome.status, Status::Ok, "{export} {args:?}: {outcome:?}");
    outcome.stdout
}

#[test]
fn integer_results_print_in_decimal() {
    assert_eq!(ok_stdout("add", &["2", "40"]), "42\n");
    assert_eq!(ok_stdout("add", &["0x10", "-1"]), "15\n");
    assert_eq!(ok_stdout("id32", &["4294967295"]), "-1\n");
    assert_eq!(ok_stdout("mul64", &["-3", "0x100000000"]), "-12884901888\n");
    assert_eq!(ok_stdout("mul64", &["18446744073709551615", "1"]), "-1\n");
}

#[test]
fn float_results_print_as_rust_shows_them() {
    assert_eq!(ok_stdout("div", &["1", "4"]), "0.25\n");
    assert_eq!(ok_stdout("div", &["1", "0"]), "inf\n");
    assert_eq!(ok_stdout("div", &["nan", "2"]), "NaN\n");
    assert_eq!(ok_stdout("div", &["-1e3", "8"]), "-125\n");
    assert_eq!(ok_stdout("half", &["3"]), "1.5\n");
}

#[test]
fn several_results_print_one_per_line_and_none_prints_nothing() {
    assert_eq!(ok_stdout("pair", &["7", "-8"]), "-8\n7\n");
    assert_eq!(ok_stdout("nothing", &[]), "");
}

fn refusal(export: &str, args: &[&str]) -> (String, String) {
    let outcome = invoke(export, args);
    assert_eq!(outcome.status, Status::Refused, "{outcome:?}");
    assert_eq!(outcome.exit_code, 2);
    assert_eq!(outcome.diagnostics.len(), 1);
    let diagnostic = &outcome.diagnostics[0];
    (diagnostic.code.clone(), diagnostic.message.clone())
}

#[test]
fn a_wrong_argument_count_is_refused_with_the_signature() {
    assert_eq!(
        refusal("add", &["1"]),
        (
            "bad-arguments".to_owned(),
            "`add` takes 2 arguments but 1 was given; its signature is add(i32, i32) -> i32"
                .to_owned()
        )
    );
    assert_eq!(
        refusal("nothing", &["1", "2"]).1,
        "`nothing` takes 0 arguments but 2 were given; its signature is nothing()"
    );
}

#[test]
fn a_bad_number_is_refused() {
    assert_eq!(
        refusal("add", &["1", "two"]),
        (
            "bad-arguments".to_owned(),
            "argument 2 of `add` is `two`, which is not an i32 (a decimal like -5 or \
             4294967295, or hex like 0x1f); its signature is add(i32, i32) -> i32"
                .to_owned()
        )
    );
    assert_eq!(refusal("id32", &["4294967296"]).0, "bad-arguments");
    assert_eq!(refusal("div", &["1", "0x1"]).0, "bad-arguments");
    assert_eq!(refusal("add", &["1.5", "1"]).0, "bad-arguments");
}

#[test]
fn an_unknown_export_is_refused_with_the_exported_functions() {
    assert_eq!(
        refusal("sub", &[]),
        (
            "no-entry-point".to_owned(),
            "the module exports no function named `sub`. Exported functions: \
             add(i32, i32) -> i32, div(f64, f64) -> f64, half(f32) -> f32, id32(i32) -> i32, \
             mul64(i64, i64) -> i64, nothing(), pair(i32, i64) -> (i64, i32)."
                .to_owned()
        )
    );
    // A memory is no function.
    assert_eq!(refusal("memory", &[]).0, "no-entry-point");
}

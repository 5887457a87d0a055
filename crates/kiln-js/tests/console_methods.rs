//! `console.table`, `count`, `group`, `dir` and friends.
//! Expected strings are Node 20's output for the same code.

mod common;

use common::assert_stdout;

#[test]
fn table_of_objects() {
    assert_stdout(
        r#"console.table([{ a: 1, b: 'x' }, { a: 22, c: true }])"#,
        r#"┌─────────┬────┬─────┬──────┐
│ (index) │ a  │ b   │ c    │
├─────────┼────┼─────┼──────┤
│ 0       │ 1  │ 'x' │      │
│ 1       │ 22 │     │ true │
└─────────┴────┴─────┴──────┘
"#,
    );
}

#[test]
fn table_of_arrays() {
    assert_stdout(
        r#"console.table([[1, 2], [3, 4]])"#,
        r#"┌─────────┬───┬───┐
│ (index) │ 0 │ 1 │
├─────────┼───┼───┤
│ 0       │ 1 │ 2 │
│ 1       │ 3 │ 4 │
└─────────┴───┴───┘
"#,
    );
}

#[test]
fn table_of_object_of_objects() {
    assert_stdout(
        r#"console.table({ x: { a: 1 }, y: { a: 2 } })"#,
        r#"┌─────────┬───┐
│ (index) │ a │
├─────────┼───┤
│ x       │ 1 │
│ y       │ 2 │
└─────────┴───┘
"#,
    );
}

#[test]
fn table_with_primitive_rows() {
    assert_stdout(
        r#"console.table([1, 'two', { a: 3 }])"#,
        r#"┌─────────┬───┬────────┐
│ (index) │ a │ Values │
├─────────┼───┼────────┤
│ 0       │   │ 1      │
│ 1       │   │ 'two'  │
│ 2       │ 3 │        │
└─────────┴───┴────────┘
"#,
    );
}

#[test]
fn table_of_a_primitive_logs_it() {
    assert_stdout(
        r#"console.table(5); console.table('str')"#,
        r#"5
str
"#,
    );
}

#[test]
fn table_nested_values() {
    assert_stdout(
        r#"console.table([{ a: { deep: 1 }, b: [1, 2, 3, 4, 5] }, { a: { p: 1, q: 2, r: 3 } }])"#,
        r#"┌─────────┬─────────────┬───────────────────────────────┐
│ (index) │ a           │ b                             │
├─────────┼─────────────┼───────────────────────────────┤
│ 0       │ { deep: 1 } │ [ 1, 2, 3, ... 2 more items ] │
│ 1       │ [Object]    │                               │
└─────────┴─────────────┴───────────────────────────────┘
"#,
    );
}

#[test]
fn table_of_map_and_set() {
    assert_stdout(
        r#"console.table(new Map([['k1', 1], ['k2', { z: 1 }]])); console.table(new Set(['s', 2]))"#,
        r#"┌───────────────────┬──────┬──────────┐
│ (iteration index) │ Key  │ Values   │
├───────────────────┼──────┼──────────┤
│ 0                 │ 'k1' │ 1        │
│ 1                 │ 'k2' │ { z: 1 } │
└───────────────────┴──────┴──────────┘
┌───────────────────┬────────┐
│ (iteration index) │ Values │
├───────────────────┼────────┤
│ 0                 │ 's'    │
│ 1                 │ 2      │
└───────────────────┴────────┘
"#,
    );
}

#[test]
fn table_with_column_filter() {
    assert_stdout(
        r#"console.table([{ a: 1, b: 2 }, { a: 3, b: 4 }], ['b'])"#,
        r#"┌─────────┬───┐
│ (index) │ b │
├─────────┼───┤
│ 0       │ 2 │
│ 1       │ 4 │
└─────────┴───┘
"#,
    );
}

#[test]
fn table_empty() {
    assert_stdout(
        r#"console.table([]); console.table({})"#,
        r#"┌─────────┐
│ (index) │
├─────────┤
└─────────┘
┌─────────┐
│ (index) │
├─────────┤
└─────────┘
"#,
    );
}

#[test]
fn count() {
    assert_stdout(
        r#"console.count(); console.count(); console.count('x'); console.countReset(); console.count()"#,
        r#"default: 1
default: 2
x: 1
default: 1
"#,
    );
}

#[test]
fn group_indents() {
    assert_stdout(
        r#"console.group('G'); console.log('in'); console.group(); console.log({ a: 1, b: [1, 2] }); console.log('multi\nline'); console.groupEnd(); console.groupEnd(); console.groupEnd(); console.log('out')"#,
        r#"G
  in
    { a: 1, b: [ 1, 2 ] }
    multi
    line
out
"#,
    );
}

#[test]
fn dir() {
    assert_stdout(
        r#"console.dir({ a: { b: { c: { d: 1 } } } }); console.dir('str'); console.dir({ a: { b: { c: 1 } } }, { depth: 0 }); console.dir({ a: { b: { c: { d: 1 } } } }, { depth: null })"#,
        r#"{ a: { b: { c: [Object] } } }
'str'
{ a: [Object] }
{
  a: { b: { c: { d: 1 } } }
}
"#,
    );
}

#[test]
fn info_and_debug_go_to_stdout() {
    assert_stdout(
        r#"console.info('info'); console.debug('debug')"#,
        r#"info
debug
"#,
    );
}

#[test]
fn methods_work_detached() {
    assert_stdout(
        r#"const { log } = console; log('detached', typeof console.log, console.log.name)"#,
        r#"detached function log
"#,
    );
}

#[test]
fn warn_error_and_assert_go_to_stderr() {
    let outcome = common::run(
        "console.log('out'); console.warn('warned', 1); console.error('failed', { e: 1 });\n\
         console.assert(1 === 2, 'nope %s', 'x'); console.assert(false); console.assert(true, 'no');\n\
         console.assert(0, { a: 1 });",
    );
    assert_eq!(outcome.stdout, "out\n");
    assert_eq!(
        outcome.stderr,
        "warned 1\nfailed { e: 1 }\nAssertion failed: nope x\nAssertion failed\nAssertion failed: [object Object]\n"
    );
    assert_eq!(outcome.status, kiln_core::Status::Ok);
}

#[test]
fn group_indents_stderr_too() {
    let outcome = common::run(
        "console.group('G'); console.error('e'); console.groupEnd(); console.error('f');",
    );
    assert_eq!(outcome.stdout, "G\n");
    assert_eq!(outcome.stderr, "  e\nf\n");
}

#[test]
fn time_end_prints_the_label_and_a_duration() {
    let outcome = common::run(
        "console.time('t'); for (let i = 0; i < 1000; i++) {} console.timeEnd('t'); console.timeEnd('t');",
    );
    let line = outcome.stdout.trim_end();
    let duration = line
        .strip_prefix("t: ")
        .and_then(|d| d.strip_suffix("ms"))
        .expect(line);
    assert!(duration.parse::<f64>().is_ok(), "{line}");
    assert_eq!(
        outcome.stderr,
        "Warning: No such label 't' for console.timeEnd()\n"
    );
}

#[test]
fn count_reset_of_an_unknown_label_warns() {
    let outcome = common::run("console.countReset('nope')");
    assert_eq!(outcome.stderr, "Warning: Count for 'nope' does not exist\n");
}

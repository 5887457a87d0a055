//! `%s %d %i %f %j %o %O %c %%` in `console.log`'s first argument.
//! Expected strings are Node 20's output for the same code.

mod common;

use common::assert_stdout;

#[test]
fn s_d_i_f() {
    assert_stdout(
        r#"console.log('%s is %d years and %i, %f', 'Bob', 42.9, 42.9, '3.25abc')"#,
        r#"Bob is 42.9 years and 42, 3.25
"#,
    );
}

#[test]
fn s_with_objects() {
    assert_stdout(
        r#"console.log('%s', { a: 1 }, '%s', [1, 2]); console.log('%s', { a: { b: 1 } })"#,
        r#"{ a: 1 } %s [ 1, 2 ]
{ a: [Object] }
"#,
    );
}

#[test]
fn missing_argument_keeps_placeholder() {
    assert_stdout(
        r#"console.log('%s %s', 'only one')"#,
        r#"only one %s
"#,
    );
}

#[test]
fn percent_escape_and_extra_args() {
    assert_stdout(
        r#"console.log('%d%%', 50, 'extra', { x: 1 })"#,
        r#"50% extra { x: 1 }
"#,
    );
}

#[test]
fn json() {
    assert_stdout(
        r#"console.log('%j', { a: [1, 'x'] }); const c = {}; c.c = c; console.log('%j', c)"#,
        r#"{"a":[1,"x"]}
[Circular]
"#,
    );
}

#[test]
fn lower_and_upper_o() {
    assert_stdout(
        r#"console.log('%o', [1, 2]); console.log('%O', { a: { b: { c: { d: 1 } } } })"#,
        r#"[ 1, 2, [length]: 2 ]
{ a: { b: { c: [Object] } } }
"#,
    );
}

#[test]
fn c_is_ignored() {
    assert_stdout(
        r#"console.log('%c styled', 'color: red')"#,
        r#" styled
"#,
    );
}

#[test]
fn no_placeholders() {
    assert_stdout(
        r#"console.log('100%', 5); console.log('%', '%%', 1); console.log('100%%')"#,
        r#"100% 5
% %% 1
100%%
"#,
    );
}

#[test]
fn unknown_placeholder() {
    assert_stdout(
        r#"console.log('%z %s', 'a')"#,
        r#"%z a
"#,
    );
}

#[test]
fn symbols_bigints_and_negative_zero() {
    assert_stdout(
        r#"console.log('%s', Symbol('q'), '%d', 1n); console.log('%s', -0, '%d', -0); console.log('%d %i %f', Symbol(), 12n, Symbol())"#,
        r#"Symbol(q) %d 1n
-0 %d -0
NaN 12n NaN
"#,
    );
}

#[test]
fn parse_int_and_float() {
    assert_stdout(
        r#"console.log('%i', '0x10', '%f', 'abc'); console.log('%i %f', '42.9px', '1e3')"#,
        r#"16 %f abc
42 1000
"#,
    );
}

#[test]
fn s_with_functions_and_custom_to_string() {
    assert_stdout(
        r#"class T { toString() { return 'custom T'; } }
console.log('%s', new T()); console.log('%s', function f() { return 1; })"#,
        r#"custom T
function f() { return 1; }
"#,
    );
}

#[test]
fn s_with_null_undefined() {
    assert_stdout(
        r#"console.log('%s %s %s', null, undefined, 3n)"#,
        r#"null undefined 3n
"#,
    );
}

#[test]
fn non_string_first_argument() {
    assert_stdout(
        r#"console.log(1, '%s', 2)"#,
        r#"1 %s 2
"#,
    );
}

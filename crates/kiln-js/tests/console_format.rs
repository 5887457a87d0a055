//! `console.log` formats values like Node's `util.inspect`.
//! Expected strings are Node 20's output for the same code.

mod common;

use common::assert_stdout;

#[test]
fn primitives() {
    assert_stdout(
        r#"console.log('str', 42, -0, 0, 1.5, -1e21, 1e-7, NaN, Infinity, 12n, true, null, undefined, Symbol('x'), Symbol())"#,
        r#"str 42 -0 0 1.5 -1e+21 1e-7 NaN Infinity 12n true null undefined Symbol(x) Symbol()
"#,
    );
}

#[test]
fn strings_are_quoted_inside_containers() {
    assert_stdout(
        r#"console.log(['a', "it's", `q"'`, 'tab\t', 'nl\n', '\\'], { s: 'x' })"#,
        r#"[ 'a', "it's", `q"'`, 'tab\t', 'nl\n', '\\' ] { s: 'x' }
"#,
    );
}

#[test]
fn nested_objects_and_arrays() {
    assert_stdout(
        r#"console.log({ a: 1, b: 'x', c: [1, 2, { d: 3 }] })"#,
        r#"{ a: 1, b: 'x', c: [ 1, 2, { d: 3 } ] }
"#,
    );
}

#[test]
fn depth_cut_off() {
    assert_stdout(
        r#"console.log({ a: { b: { c: { d: 1 } } } }, [[[[1]]]], [[[[]]]])"#,
        r#"{ a: { b: { c: [Object] } } } [ [ [ [Array] ] ] ] [ [ [ [] ] ] ]
"#,
    );
}

#[test]
fn empty_containers() {
    assert_stdout(
        r#"console.log([], {}, [[]], [{}], { a: {} }, new Map(), new Set())"#,
        r#"[] {} [ [] ] [ {} ] { a: {} } Map(0) {} Set(0) {}
"#,
    );
}

#[test]
fn holes() {
    assert_stdout(
        r#"console.log(new Array(3), [1, , 3], [, 1], [1, 2, , , 5, , ])"#,
        r#"[ <3 empty items> ] [ 1, <1 empty item>, 3 ] [ <1 empty item>, 1 ] [ 1, 2, <2 empty items>, 5, <1 empty item> ]
"#,
    );
}

#[test]
fn long_array_is_cut_at_100() {
    assert_stdout(
        r#"console.log(Array.from({ length: 120 }, (_, i) => i))"#,
        r#"[
   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11,
  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
  24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
  36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59,
  60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71,
  72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83,
  84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95,
  96, 97, 98, 99,
  ... 20 more items
]
"#,
    );
}

#[test]
fn short_items_are_grouped() {
    assert_stdout(
        r#"console.log([1, 2, 3, 4, 5, 6, 7])"#,
        r#"[
  1, 2, 3, 4,
  5, 6, 7
]
"#,
    );
}

#[test]
fn numbers_align_right_in_columns() {
    assert_stdout(
        r#"console.log(Array.from({ length: 30 }, (_, i) => i * 3))"#,
        r#"[
   0,  3,  6,  9, 12, 15, 18, 21, 24,
  27, 30, 33, 36, 39, 42, 45, 48, 51,
  54, 57, 60, 63, 66, 69, 72, 75, 78,
  81, 84, 87
]
"#,
    );
}

#[test]
fn strings_align_left_in_columns() {
    assert_stdout(
        r#"console.log(Array.from({ length: 10 }, (_, i) => 'w'.repeat(i % 4 + 1)))"#,
        r#"[
  'w',    'ww',   'www',
  'wwww', 'w',    'ww',
  'www',  'wwww', 'w',
  'ww'
]
"#,
    );
}

#[test]
fn long_object_breaks_lines() {
    assert_stdout(
        r#"console.log({ aaaaaaaaaa: 1, bbbbbbbbbbbb: 2, cccccccccccccc: 3, ddddddddddd: 4, eeeeeeeeeeeeee: 5, ffff: 6 })"#,
        r#"{
  aaaaaaaaaa: 1,
  bbbbbbbbbbbb: 2,
  cccccccccccccc: 3,
  ddddddddddd: 4,
  eeeeeeeeeeeeee: 5,
  ffff: 6
}
"#,
    );
}

#[test]
fn long_array_of_strings_breaks_lines() {
    assert_stdout(
        r#"console.log(['aaaaaaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbbbbbbbb', 'cccccccccccccccccccccccccccccc', 'dd'])"#,
        r#"[
  'aaaaaaaaaaaaaaaaaaaa',
  'bbbbbbbbbbbbbbbbbbbbbbbbbb',
  'cccccccccccccccccccccccccccccc',
  'dd'
]
"#,
    );
}

#[test]
fn map_and_set() {
    assert_stdout(
        r#"console.log(new Map([['a', 1], ['b', 2]]), new Set([1, 2]), new Map([[{ k: 1 }, [1, 2]]]))"#,
        r#"Map(2) { 'a' => 1, 'b' => 2 } Set(2) { 1, 2 } Map(1) { { k: 1 } => [ 1, 2 ] }
"#,
    );
}

#[test]
fn functions_and_classes() {
    assert_stdout(
        r#"class Foo {}
class Bar extends Foo {}
console.log(function named() {}, () => {}, Foo, Bar, async function af() {}, function* g() {}, Math.max)"#,
        r#"[Function: named] [Function (anonymous)] [class Foo] [class Bar extends Foo] [AsyncFunction: af] [GeneratorFunction: g] [Function: max]
"#,
    );
}

#[test]
fn class_instances() {
    assert_stdout(
        r#"class Point { constructor() { this.x = 1; this.y = 2; } }
class Empty {}
console.log(new Point(), new Empty(), [new Point()])"#,
        r#"Point { x: 1, y: 2 } Empty {} [ Point { x: 1, y: 2 } ]
"#,
    );
}

#[test]
fn null_prototype() {
    assert_stdout(
        r#"const o = Object.create(null); o.a = 1; console.log(o, Object.create(null))"#,
        r#"[Object: null prototype] { a: 1 } [Object: null prototype] {}
"#,
    );
}

#[test]
fn dates_and_regexps() {
    assert_stdout(
        r#"console.log(new Date(0), new Date(NaN), /a+b/gi, [new Date(86400000)])"#,
        r#"1970-01-01T00:00:00.000Z Invalid Date /a+b/gi [ 1970-01-02T00:00:00.000Z ]
"#,
    );
}

#[test]
fn errors_print_name_and_message() {
    // Node prints the stack after the message; Boa's stacks look different, so Kiln prints
    // `Name: message` only.
    assert_stdout(
        r#"console.log(new Error('boom'), [new TypeError('bad')].length)"#,
        "Error: boom 1\n",
    );
}

#[test]
fn circular_references() {
    assert_stdout(
        r#"const a = { name: 'a' }; a.self = a; console.log(a); const l = [1]; l.push(l); console.log(l)"#,
        r#"<ref *1> { name: 'a', self: [Circular *1] }
<ref *1> [ 1, [Circular *1] ]
"#,
    );
}

#[test]
fn keys_that_need_quotes() {
    assert_stdout(
        r#"console.log({ 'with space': 1, valid_id: 2, '1abc': 4, 5: 'five', [Symbol('sym')]: 6 })"#,
        r#"{
  '5': 'five',
  'with space': 1,
  valid_id: 2,
  '1abc': 4,
  [Symbol(sym)]: 6
}
"#,
    );
}

#[test]
fn getters_and_setters() {
    assert_stdout(
        r#"console.log({ get a() { return 1; }, set a(v) {}, set b(v) {}, get c() { return 2; } })"#,
        r#"{ a: [Getter/Setter], b: [Setter], c: [Getter] }
"#,
    );
}

#[test]
fn functions_with_properties() {
    assert_stdout(
        r#"console.log(Object.assign(function f() {}, { a: 1 }))"#,
        r#"[Function: f] { a: 1 }
"#,
    );
}

#[test]
fn boxed_primitives() {
    assert_stdout(
        r#"console.log(new Number(3), new String('ab'), new Boolean(false))"#,
        r#"[Number: 3] [String: 'ab'] [Boolean: false]
"#,
    );
}

#[test]
fn promises() {
    assert_stdout(
        r#"console.log(Promise.resolve(4), new Promise(() => {}))"#,
        r#"Promise { 4 } Promise { <pending> }
"#,
    );
}

#[test]
fn typed_arrays() {
    assert_stdout(
        r#"console.log(new Uint8Array([1, 2, 3]), new Float64Array(2))"#,
        r#"Uint8Array(3) [ 1, 2, 3 ] Float64Array(2) [ 0, 0 ]
"#,
    );
}

#[test]
fn array_with_extra_property() {
    assert_stdout(
        r#"const arr = [1, 2, 3]; arr.extra = 'e'; console.log(arr)"#,
        r#"[ 1, 2, 3, extra: 'e' ]
"#,
    );
}

#[test]
fn undefined_and_null_values() {
    assert_stdout(
        r#"console.log([undefined, null], { u: undefined, n: null })"#,
        r#"[ undefined, null ] { u: undefined, n: null }
"#,
    );
}

#[test]
fn long_multiline_string_in_object() {
    assert_stdout(
        r#"console.log({ s: 'line one is here\nline two is here\nline three is right here ok and long enough' })"#,
        r#"{
  s: 'line one is here\n' +
    'line two is here\n' +
    'line three is right here ok and long enough'
}
"#,
    );
}

#[test]
fn array_of_objects() {
    assert_stdout(
        r#"console.log([{ id: 1, tags: ['x', 'y'] }, { id: 2, tags: [] }])"#,
        r#"[ { id: 1, tags: [ 'x', 'y' ] }, { id: 2, tags: [] } ]
"#,
    );
}

#[test]
fn many_keys_object() {
    assert_stdout(
        r#"console.log(Object.fromEntries(Array.from({ length: 30 }, (_, i) => ['k' + i, i])))"#,
        r#"{
  k0: 0,
  k1: 1,
  k2: 2,
  k3: 3,
  k4: 4,
  k5: 5,
  k6: 6,
  k7: 7,
  k8: 8,
  k9: 9,
  k10: 10,
  k11: 11,
  k12: 12,
  k13: 13,
  k14: 14,
  k15: 15,
  k16: 16,
  k17: 17,
  k18: 18,
  k19: 19,
  k20: 20,
  k21: 21,
  k22: 22,
  k23: 23,
  k24: 24,
  k25: 25,
  k26: 26,
  k27: 27,
  k28: 28,
  k29: 29
}
"#,
    );
}

#[test]
fn big_set_and_map() {
    assert_stdout(
        r#"console.log(new Set(Array.from({ length: 10 }, (_, i) => i)), new Map(Array.from({ length: 3 }, (_, i) => [i, 'v' + i])))"#,
        r#"Set(10) { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 } Map(3) { 0 => 'v0', 1 => 'v1', 2 => 'v2' }
"#,
    );
}

#[test]
fn nested_three_levels_inline() {
    assert_stdout(
        r#"console.log({ a: { b: { c: {} } } }, { a: { b: { c: [1] } } })"#,
        r#"{ a: { b: { c: {} } } } { a: { b: { c: [Array] } } }
"#,
    );
}

#[test]
fn symbols_and_bigints_in_arrays() {
    assert_stdout(
        r#"console.log([Symbol('s'), 10n, -0])"#,
        r#"[ Symbol(s), 10n, -0 ]
"#,
    );
}

#[test]
fn multiple_args_joined_by_space() {
    assert_stdout(
        r#"console.log('a', 'b', 3, 'c'); console.log(); console.log('')"#,
        r#"a b 3 c


"#,
    );
}

#[test]
fn weak_collections() {
    assert_stdout(
        r#"console.log(new WeakMap(), new WeakSet())"#,
        r#"WeakMap { <items unknown> } WeakSet { <items unknown> }
"#,
    );
}

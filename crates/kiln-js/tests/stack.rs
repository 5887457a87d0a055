//! Boa recurses on the native stack (parsing nested code, built-ins calling back into
//! JavaScript, `join` and `JSON.stringify` of nested values), and a stack overflow aborts the
//! process. Every program here runs on a 1 MiB thread, the stack `wasm32-unknown-unknown` gets,
//! and must end with a limit or an error instead.

mod common;

use common::run_on_small_stack;
use kiln_core::{LimitKind, Status};

#[test]
fn runaway_recursion_through_builtins_is_a_step_limit() {
    for code in [
        "function f() { return f(); } f();",
        "function f(n) { return [n].map(f); } f(0);",
        "function f() { return [3, 2, 1].sort(() => f()); } f();",
        "function f() { return Array.from({ [Symbol.iterator]() { return { next() { f(); return { done: true }; } }; } }); } f();",
        "const o = { get x() { return this.x; } }; o.x;",
        "function f() { return Reflect.apply(f, null, []); } f();",
        "function f() { return f.call(null); } f();",
        "function* g() { yield* g(); } [...g()];",
        "class A { constructor() { new A(); } } new A();",
        "const p = new Proxy({}, { get(t, k, r) { return r[k]; } }); p.x;",
        "async function f() { await f(); } f();",
        "function f() { return new Promise(() => f()); } f();",
    ] {
        let outcome = run_on_small_stack(code);
        assert_eq!(outcome.status, Status::Limit, "{code}: {}", outcome.stderr);
        assert_eq!(outcome.limit, Some(LimitKind::Steps), "{code}");
    }
}

#[test]
fn self_referencing_conversions_end() {
    // Boa cuts this cycle itself (Node throws a RangeError); either way the run ends.
    let outcome = run_on_small_stack(
        "const o = { toString() { return `${o}!`; } }; console.log(String(o).length > 0);",
    );
    assert_eq!(outcome.stdout, "true\n", "{}", outcome.stderr);
}

#[test]
fn deeply_nested_values_fail_with_a_range_error() {
    let nested = "let a = []; for (let i = 0; i < 100000; i++) a = [a];";
    for expression in [
        "String(a)",
        "a.join()",
        "`${a}`",
        "a + ''",
        "JSON.stringify(a)",
        "a.toLocaleString()",
    ] {
        let outcome = run_on_small_stack(&format!(
            "{nested}\ntry {{ {expression}; }} catch (e) {{ console.log(e.name, e.message); }}"
        ));
        assert_eq!(
            outcome.stdout, "RangeError Maximum call stack size exceeded\n",
            "{expression}: {}",
            outcome.stderr
        );
    }
    let outcome = run_on_small_stack(
        "let o = {}; for (let i = 0; i < 100000; i++) o = { o }; JSON.stringify(o, (k, v) => v);",
    );
    assert_eq!(outcome.status, Status::Error);
    assert!(
        outcome
            .stderr
            .starts_with("Uncaught RangeError: Maximum call stack size exceeded"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn nested_values_within_reach_still_work() {
    let outcome = run_on_small_stack(
        "let a = [1]; for (let i = 0; i < 20; i++) a = [a];\n\
         console.log(String(a), JSON.stringify(a).length, a.flat(Infinity));\n\
         let l = null; for (let i = 0; i < 100000; i++) l = { next: l };\n\
         console.log(l); console.dir(l, { depth: null }) === undefined;",
    );
    assert_eq!(outcome.status, Status::Ok, "{}", outcome.stderr);
    assert!(
        outcome
            .stdout
            .starts_with("1 43 [ 1 ]\n{ next: { next: { next: [Object] } } }\n"),
        "{}",
        outcome.stdout
    );
}

#[test]
fn flattening_is_bounded() {
    let outcome = run_on_small_stack(
        "let a = [1]; for (let i = 0; i < 100000; i++) a = [a]; console.log(a.flat(Infinity).length);",
    );
    assert_eq!(outcome.stdout, "1\n", "{}", outcome.stderr);
}

#[test]
fn deeply_nested_source_is_refused_not_parsed() {
    let code = format!("console.log({}1{});", "(".repeat(5000), ")".repeat(5000));
    let outcome = run_on_small_stack(&code);
    assert_eq!(outcome.status, Status::Refused);
    assert_eq!(outcome.diagnostics[0].code, "nesting-too-deep");
    assert!(
        outcome.stderr.contains("nests brackets 5001 levels deep"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn deeply_nested_eval_is_a_range_error() {
    for code in [
        "eval('['.repeat(5000) + ']'.repeat(5000))",
        "new Function('return ' + '('.repeat(5000) + '1' + ')'.repeat(5000))",
    ] {
        let outcome = run_on_small_stack(code);
        assert_eq!(outcome.status, Status::Error, "{code}");
        assert!(
            outcome
                .stderr
                .starts_with("Uncaught RangeError: code nested 5000 levels deep"),
            "{}",
            outcome.stderr
        );
    }
}

#[test]
fn deeply_nested_json_text_is_a_syntax_error() {
    let outcome = run_on_small_stack("JSON.parse('['.repeat(100000))");
    assert_eq!(outcome.status, Status::Error);
    assert!(
        outcome.stderr.starts_with("Uncaught SyntaxError"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn realistically_nested_code_runs() {
    let outcome = run_on_small_stack(
        "const data = { a: [{ b: { c: [1, 2, { d: [3] }] } }] };\n\
         [1, 2].forEach((x) => { if (x > 1) { [x].map((y) => { console.log(JSON.stringify({ y, data: [data.a[0].b.c[2]] })); }); } });",
    );
    assert_eq!(
        outcome.stdout, "{\"y\":2,\"data\":[{\"d\":[3]}]}\n",
        "{}",
        outcome.stderr
    );
}

#[test]
fn the_recursion_limit_grows_with_the_stack() {
    let small = kiln_js::JsRunner::new(kiln_core::SystemClock::shared());
    let big = kiln_js::JsRunner::new(kiln_core::SystemClock::shared()).with_stack_size(16 << 20);
    assert!(
        small.recursion_limit() >= 256,
        "{}",
        small.recursion_limit()
    );
    assert!(
        big.recursion_limit() >= 16 * small.recursion_limit() - 16,
        "{}",
        big.recursion_limit()
    );
}

#[test]
fn a_bigger_stack_allows_deeper_recursion() {
    let outcome = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(|| {
            let request = kiln_core::RunRequest::new(
                kiln_core::Language::Js,
                "function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); } console.log(depth(3000));",
            );
            let mut runner = kiln_js::JsRunner::new(kiln_core::SystemClock::shared()).with_stack_size(16 << 20);
            kiln_core::Runner::run(&mut runner, &request, std::sync::Arc::new(()), &kiln_core::StopSignal::new())
        })
        .expect("spawn")
        .join()
        .expect("no panic");
    assert_eq!(outcome.stdout, "3000\n", "{}", outcome.stderr);
}

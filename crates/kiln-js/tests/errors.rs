//! Uncaught errors, syntax errors and unhandled rejections.

mod common;

use common::run;
use kiln_core::{Diagnostic, Status};

#[test]
fn uncaught_type_error_names_the_line_and_column() {
    let outcome = run(
        "console.log('before');\nfunction f() {\n  throw new TypeError('bad thing');\n}\nf();\n",
    );
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(outcome.exit_code, 1);
    assert_eq!(outcome.stdout, "before\n");
    assert_eq!(
        outcome.stderr,
        "Uncaught TypeError: bad thing\n    at main.js:3:9\n"
    );
    assert_eq!(
        outcome.diagnostics,
        [Diagnostic::error("uncaught-exception", "Uncaught TypeError: bad thing").at(3, 9)]
    );
}

#[test]
fn type_errors_from_the_engine_have_positions_too() {
    let outcome = run("let u;\nconsole.log(u.name);\n");
    assert_eq!(outcome.status, Status::Error);
    let (first, second) = outcome.stderr.split_once('\n').expect("two lines");
    assert!(first.starts_with("Uncaught TypeError: "), "{first}");
    assert_eq!(second, "    at main.js:2:15\n");
}

#[test]
fn errors_of_subclasses_point_at_new_not_at_the_constructor() {
    let outcome = run(
        "class AppError extends Error {\n  constructor(m) { super(m); this.name = 'AppError'; }\n}\nthrow new AppError('custom');\n",
    );
    assert_eq!(
        outcome.stderr,
        "Uncaught AppError: custom\n    at main.js:4:7\n"
    );
}

#[test]
fn reference_errors_point_at_the_undeclared_name() {
    let outcome = run("let a = 1;\nconsole.log(a);\nmissing();\n");
    assert_eq!(outcome.stdout, "1\n");
    assert_eq!(
        outcome.stderr,
        "Uncaught ReferenceError: missing is not defined\n    at main.js:3:1\n"
    );
}

#[test]
fn browser_and_node_only_globals_are_not_defined() {
    for name in [
        "fetch",
        "document",
        "window",
        "require",
        "localStorage",
        "XMLHttpRequest",
        "process",
    ] {
        let outcome = run(name);
        assert_eq!(outcome.status, Status::Error, "{name}");
        assert_eq!(
            outcome.stderr,
            format!("Uncaught ReferenceError: {name} is not defined\n    at main.js:1:1\n"),
            "{name}"
        );
    }
    let outcome = run(
        "console.log(typeof fetch, typeof require, typeof globalThis, globalThis.console === console)",
    );
    assert_eq!(outcome.stdout, "undefined undefined object true\n");
}

#[test]
fn thrown_non_errors_are_shown_as_values() {
    assert_eq!(run("throw 42;").stderr, "Uncaught 42\n    at main.js:1:7\n");
    assert_eq!(
        run("throw 'text';").stderr,
        "Uncaught text\n    at main.js:1:7\n"
    );
    assert_eq!(
        run("throw { code: 7 };").stderr,
        "Uncaught { code: 7 }\n    at main.js:1:7\n"
    );
}

#[test]
fn caught_errors_do_not_fail_the_run() {
    let outcome = run("try { null.x } catch (e) { console.log(e instanceof TypeError) }");
    assert_eq!(outcome.stdout, "true\n");
    assert_eq!(outcome.status, Status::Ok);
}

#[test]
fn syntax_errors_refuse_the_run_with_line_and_column() {
    let outcome = run("console.log('ok');\nlet x = ;\n");
    assert_eq!(outcome.status, Status::Refused);
    assert_eq!(outcome.exit_code, 2);
    assert_eq!(outcome.stdout, "");
    assert_eq!(outcome.diagnostics.len(), 1);
    let diagnostic = &outcome.diagnostics[0];
    assert_eq!(diagnostic.code, "syntax-error");
    assert_eq!((diagnostic.line, diagnostic.column), (Some(2), Some(9)));
    assert_eq!(
        outcome.stderr,
        format!("SyntaxError: {} (main.js:2:9)\n", diagnostic.message)
    );
    assert!(
        !diagnostic.message.contains("at line"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn syntax_error_at_the_end_of_the_input() {
    let outcome = run("function f() {\n  return 1;\n");
    assert_eq!(outcome.status, Status::Refused);
    let diagnostic = &outcome.diagnostics[0];
    assert_eq!(
        (diagnostic.line, diagnostic.column),
        (Some(3), Some(1)),
        "{diagnostic}"
    );
}

#[test]
fn unhandled_rejection_fails_the_run_like_node() {
    let outcome = run(
        "Promise.reject(new Error('nobody caught me'));\nsetTimeout(() => console.log('never runs'), 0);\nconsole.log('sync');",
    );
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(outcome.exit_code, 1);
    assert_eq!(outcome.stdout, "sync\n");
    assert_eq!(
        outcome.stderr,
        "Uncaught (in promise) Error: nobody caught me\n    at main.js:1:16\n"
    );
}

#[test]
fn rejection_in_an_async_function() {
    let outcome = run(
        "async function f() {\n  await null;\n  throw new RangeError('async boom');\n}\nf();\n",
    );
    assert_eq!(
        outcome.stderr,
        "Uncaught (in promise) RangeError: async boom\n    at main.js:3:9\n"
    );
}

#[test]
fn handled_rejections_are_fine() {
    let outcome = run(
        "Promise.reject(new Error('x')).catch((e) => console.log('caught', e.message));\n\
         (async () => { try { await Promise.reject(1); } catch (v) { console.log('caught', v); } })();",
    );
    assert_eq!(outcome.status, Status::Ok, "{}", outcome.stderr);
    assert_eq!(outcome.stdout, "caught x\ncaught 1\n");
}

#[test]
fn an_error_in_a_timer_stops_the_run() {
    let outcome = run(
        "setTimeout(() => { throw new Error('in timer'); }, 5);\nsetTimeout(() => console.log('never'), 10);",
    );
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(outcome.stdout, "");
    assert_eq!(
        outcome.stderr,
        "Uncaught Error: in timer\n    at main.js:1:26\n"
    );
}

#[test]
fn each_run_gets_fresh_globals() {
    let runner_code = "globalThis.counter = (globalThis.counter || 0) + 1; console.log(counter)";
    let mut runner = kiln_js::JsRunner::new(kiln_core::SystemClock::shared());
    let request = kiln_core::RunRequest::new(kiln_core::Language::Js, runner_code);
    for _ in 0..2 {
        let outcome = kiln_core::Runner::run(
            &mut runner,
            &request,
            std::sync::Arc::new(()),
            &kiln_core::StopSignal::new(),
        );
        assert_eq!(outcome.stdout, "1\n");
    }
}

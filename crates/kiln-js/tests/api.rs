//! `parse_check`, `provided_globals` and the `Runner` basics.

use kiln_core::{Language, Runner, SystemClock};
use kiln_js::{JsRunner, parse_check, provided_globals};

#[test]
fn parse_check_reports_syntax_errors_with_positions() {
    assert!(parse_check("const a = 1;\nconsole.log(a);", false).is_empty());
    let diagnostics = parse_check("const a = 1;\nif (a {\n}", false);
    assert_eq!(diagnostics.len(), 1);
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic.code, "syntax-error");
    assert_eq!(diagnostic.severity, kiln_core::Severity::Error);
    assert_eq!(
        (diagnostic.line, diagnostic.column),
        (Some(2), Some(7)),
        "{diagnostic}"
    );
}

#[test]
fn parse_check_knows_scripts_from_modules() {
    let code = "import { x } from './x.js';\nexport const y = x;";
    assert!(parse_check(code, true).is_empty());
    assert_eq!(parse_check(code, false).len(), 1);
    assert!(parse_check("const v = await Promise.resolve(1);", true).is_empty());
}

#[test]
fn parse_check_reports_lexer_errors_and_unexpected_ends() {
    let diagnostics = parse_check("let s = 'unterminated;\n", false);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].line, Some(1));
    let diagnostics = parse_check("function f() {", false);
    assert_eq!(
        (diagnostics[0].line, diagnostics[0].column),
        (Some(1), Some(15))
    );
    assert_eq!(diagnostics[0].message, "unexpected end of input");
}

#[test]
fn provided_globals_lists_builtins_and_kiln_additions() {
    let globals = provided_globals();
    for name in [
        "Array",
        "Math",
        "JSON",
        "Promise",
        "globalThis",
        "console",
        "setTimeout",
        "clearInterval",
        "queueMicrotask",
    ] {
        assert!(
            globals.iter().any(|g| g == name),
            "{name} missing from {globals:?}"
        );
    }
    for name in ["fetch", "document", "window", "require", "process"] {
        assert!(
            !globals.iter().any(|g| g == name),
            "{name} must not be provided"
        );
    }
    let mut sorted = globals.clone();
    sorted.sort();
    assert_eq!(globals, sorted);
}

#[test]
fn the_runner_runs_javascript() {
    assert_eq!(
        JsRunner::new(SystemClock::shared()).language(),
        Language::Js
    );
}

#[test]
fn parse_check_does_not_parse_absurdly_nested_code() {
    let code = format!("x = {}1{};", "[".repeat(3000), "]".repeat(3000));
    let diagnostics = parse_check(&code, false);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code, "nesting-too-deep");
    assert_eq!(diagnostics[0].severity, kiln_core::Severity::Warning);
}

#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<(kiln_core::Stream, String)>>);

impl kiln_core::OutputSink for Recorder {
    fn write(&self, stream: kiln_core::Stream, chunk: &str) {
        self.0
            .lock()
            .expect("lock")
            .push((stream, chunk.to_owned()));
    }
}

#[test]
fn output_streams_to_the_sink_in_order() {
    use kiln_core::Stream::{Stderr, Stdout};
    let recorder = std::sync::Arc::new(Recorder::default());
    let request = kiln_core::RunRequest::new(
        Language::Js,
        "console.log('a'); console.error('b'); console.log('c'); null.x;",
    );
    let outcome = JsRunner::new(SystemClock::shared()).run(
        &request,
        recorder.clone(),
        &kiln_core::StopSignal::new(),
    );
    let chunks = recorder.0.lock().expect("lock").clone();
    assert_eq!(
        chunks[..3],
        [
            (Stdout, "a\n".to_owned()),
            (Stderr, "b\n".to_owned()),
            (Stdout, "c\n".to_owned())
        ]
    );
    assert_eq!(chunks.len(), 4);
    assert!(chunks[3].1.starts_with("Uncaught TypeError"));
    assert_eq!(outcome.stdout, "a\nc\n");
}

#[test]
fn binary_code_is_refused() {
    let request = kiln_core::RunRequest::new(Language::Js, vec![0u8, 0x61, 0x73, 0x6d, 0xff]);
    let outcome = JsRunner::new(SystemClock::shared()).run(
        &request,
        std::sync::Arc::new(()),
        &kiln_core::StopSignal::new(),
    );
    assert_eq!(outcome.status, kiln_core::Status::Refused);
    assert_eq!(outcome.diagnostics[0].code, "not-text");
}

#[test]
fn a_cancelled_run_stops_without_a_named_limit() {
    let stop = kiln_core::StopSignal::new();
    stop.cancel();
    let request = kiln_core::RunRequest::new(Language::Js, "console.log('x')");
    let outcome =
        JsRunner::new(SystemClock::shared()).run(&request, std::sync::Arc::new(()), &stop);
    assert_eq!(outcome.status, kiln_core::Status::Limit);
    assert_eq!(outcome.limit, None);
    assert_eq!(outcome.stderr, "kiln: the run was cancelled\n");
}

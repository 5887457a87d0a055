//! RunnerSelector decisions: which runner, why, and refusals that say what to do.

use kiln_analyzer::{Availability, Hints, RunnerInfo, RunnerRegistry, analyze};
use kiln_core::Language;

fn analysis(source: &str, file: &str) -> kiln_analyzer::Analysis {
    analyze(source.as_bytes(), &Hints::for_file(file))
}

#[test]
fn picks_the_runner_of_the_detected_language_and_says_why() {
    let registry = RunnerRegistry::default();
    for (source, file, runner) in [
        ("print(1)\n", "a.py", "python"),
        ("console.log(1);\n", "a.js", "js"),
        ("(module)", "a.wat", "wasm"),
    ] {
        let selection = registry.select(&analysis(source, file)).unwrap();
        assert_eq!(selection.runner, runner);
        assert!(
            selection
                .reasons
                .iter()
                .any(|r| r.contains(&format!("runner `{runner}` is ready"))),
            "{:?}",
            selection.reasons
        );
    }
}

#[test]
fn higher_priority_wins_and_unavailable_runners_are_skipped() {
    let mut registry = RunnerRegistry::default();
    registry.register(RunnerInfo {
        id: "python-fast".into(),
        language: Language::Python,
        priority: 10,
        availability: Availability::Loadable,
    });
    let code = analysis("print(1)\n", "a.py");
    assert_eq!(registry.select(&code).unwrap().runner, "python-fast");
    assert!(registry.set_availability(
        "python-fast",
        Availability::Unavailable("download failed".into())
    ));
    let selection = registry.select(&code).unwrap();
    assert_eq!(selection.runner, "python");
    assert!(
        selection
            .reasons
            .iter()
            .any(|r| r.contains("download failed"))
    );
    assert!(!registry.set_availability("ruby", Availability::Ready));
}

#[test]
fn refuses_with_what_to_do() {
    let registry = RunnerRegistry::default();
    let syntax = registry.select(&analysis("def f(:\n", "a.py")).unwrap_err();
    assert_eq!(syntax.diagnostics[0].code, "syntax-error");

    let ruby = registry
        .select(&analysis("puts 'hi'\nend\n", "greet"))
        .unwrap_err();
    assert_eq!(ruby.diagnostics[0].code, "unknown-language");
    assert!(
        ruby.diagnostics[0].message.contains("Ruby"),
        "{}",
        ruby.diagnostics[0].message
    );
    assert!(
        ruby.diagnostics[0]
            .message
            .contains("Kiln runs JavaScript, Python and WebAssembly")
    );

    let mut no_python = RunnerRegistry::default();
    no_python.set_availability(
        "python",
        Availability::Unavailable("this page only loads JavaScript".into()),
    );
    let down = no_python
        .select(&analysis("print(1)\n", "a.py"))
        .unwrap_err();
    assert_eq!(down.diagnostics[0].code, "runner-unavailable");
    assert!(
        down.diagnostics[0]
            .message
            .contains("this page only loads JavaScript")
    );

    let mut js_only = RunnerRegistry::empty();
    js_only.register(RunnerInfo {
        id: "js".into(),
        language: Language::Js,
        priority: 0,
        availability: Availability::Ready,
    });
    let missing = js_only.select(&analysis("print(1)\n", "a.py")).unwrap_err();
    assert_eq!(missing.diagnostics[0].code, "runner-unavailable");
    assert!(
        missing.diagnostics[0]
            .message
            .contains("only runs JavaScript"),
        "{}",
        missing.diagnostics[0].message
    );
}

#[test]
fn warnings_do_not_stop_a_run() {
    let code = analysis("import threading\nfetch = 1\nprint(fetch)\n", "a.py");
    assert!(!code.diagnostics.is_empty());
    assert_eq!(
        RunnerRegistry::default().select(&code).unwrap().runner,
        "python"
    );
}

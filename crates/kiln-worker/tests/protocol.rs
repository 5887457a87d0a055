//! The worker protocol's JSON shape (what `www/worker.js` and `www/embed.js` read and write),
//! and a session driven natively through it.

use std::sync::{Arc, Mutex};

use kiln_core::protocol::{HostMessage, ImportInfo, PROTOCOL_VERSION, WorkerMessage};
use kiln_core::{Code, Diagnostic, Language, LimitKind, Outcome, RunRequest, Stream};
use serde_json::{Value, json};

fn round_trip_host(message: &HostMessage) -> Value {
    let text = serde_json::to_string(message).unwrap();
    assert_eq!(
        &serde_json::from_str::<HostMessage>(&text).unwrap(),
        message
    );
    serde_json::from_str(&text).unwrap()
}

fn round_trip_worker(message: &WorkerMessage) -> Value {
    let text = serde_json::to_string(message).unwrap();
    assert_eq!(
        &serde_json::from_str::<WorkerMessage>(&text).unwrap(),
        message
    );
    serde_json::from_str(&text).unwrap()
}

#[test]
fn host_messages_have_the_documented_shape() {
    assert_eq!(
        round_trip_host(&HostMessage::Load {
            version: PROTOCOL_VERSION
        }),
        json!({"type": "load", "version": 1})
    );
    let request = RunRequest::new(Language::Python, "print(1)")
        .with_file("util.py", "x=1")
        .with_stdin("in");
    let value = round_trip_host(&HostMessage::Run { id: 7, request });
    assert_eq!(value["type"], "run");
    assert_eq!(value["id"], 7);
    assert_eq!(value["request"]["language"], "python");
    assert_eq!(
        value["request"]["code"],
        json!({"kind": "text", "value": "print(1)"})
    );
    assert_eq!(
        value["request"]["files"][0]["contents"],
        json!([120, 61, 49])
    );
    assert_eq!(value["request"]["stdin"], json!([105, 110]));
    assert_eq!(value["request"]["limits"]["wall_time_ms"], 10_000);
    let check = HostMessage::Check {
        id: 8,
        language: None,
        code: Code::Binary(vec![0, 97, 115, 109]),
        file_name: Some("main.wasm".to_owned()),
        workspace_files: vec!["util.py".to_owned()],
    };
    let value = round_trip_host(&check);
    assert_eq!(
        value["code"],
        json!({"kind": "binary", "value": [0, 97, 115, 109]})
    );
}

#[test]
fn what_the_glue_sends_is_accepted() {
    // embed.js leaves out optional fields; they default.
    let run: HostMessage = serde_json::from_value(json!({
        "type": "run", "id": 1,
        "request": {"language": "js", "code": {"kind": "text", "value": "1"},
                    "files": [], "stdin": [], "limits": {"wall_time_ms": 1000}}
    }))
    .unwrap();
    let HostMessage::Run { request, .. } = run else {
        panic!("not a run")
    };
    assert_eq!(request.limits.wall_time_ms, Some(1000));
    assert_eq!(request.limits.steps, None);
    let check: HostMessage = serde_json::from_value(
        json!({"type": "check", "id": 2, "code": {"kind": "text", "value": ""}}),
    )
    .unwrap();
    assert!(matches!(check, HostMessage::Check { language: None, .. }));
}

#[test]
fn worker_messages_have_the_documented_shape() {
    let ready = WorkerMessage::Ready {
        version: PROTOCOL_VERSION,
        language: Language::Js,
        runner: "js".to_owned(),
        modules: Vec::new(),
    };
    assert_eq!(
        round_trip_worker(&ready),
        json!({"type": "ready", "version": 1, "language": "js", "runner": "js", "modules": []})
    );
    assert_eq!(
        round_trip_worker(&WorkerMessage::Progress {
            bytes: 10,
            total: Some(20)
        }),
        json!({"type": "progress", "bytes": 10, "total": 20})
    );
    assert_eq!(
        round_trip_worker(&WorkerMessage::Output {
            id: 3,
            stream: Stream::Stderr,
            chunk: "x".to_owned()
        }),
        json!({"type": "output", "id": 3, "stream": "stderr", "chunk": "x"})
    );
    let outcome = Outcome::refused(vec![Diagnostic::error("syntax-error", "bad").at(1, 2)]);
    let value = round_trip_worker(&WorkerMessage::Done { id: 3, outcome });
    assert_eq!(value["outcome"]["status"], "refused");
    assert_eq!(value["outcome"]["exit_code"], 2);
    assert_eq!(value["outcome"]["diagnostics"][0]["line"], 1);
    let checked = WorkerMessage::Checked {
        id: 4,
        language: Some(Language::Python),
        runner: Some("python".to_owned()),
        diagnostics: Vec::new(),
        imports: vec![ImportInfo {
            name: "json".to_owned(),
            line: Some(1),
            column: Some(8),
            origin: "standard".to_owned(),
            path: None,
            closest: None,
        }],
    };
    assert_eq!(
        round_trip_worker(&checked)["imports"][0],
        json!({"name": "json", "line": 1, "column": 8, "origin": "standard"})
    );
    assert_eq!(
        round_trip_worker(&WorkerMessage::Failed {
            id: None,
            message: "m".to_owned()
        }),
        json!({"type": "failed", "id": null, "message": "m"})
    );
    let _ = LimitKind::Time;
}

/// A session with this build's runner, recording what it posts.
fn session() -> (kiln_worker::Session, Arc<Mutex<Vec<WorkerMessage>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = seen.clone();
    let setup = kiln_worker::Setup {
        clock: kiln_core::SystemClock::shared(),
        stack_bytes: kiln_js_stack(),
        #[cfg(feature = "python")]
        modules: Arc::new(kiln_python::NoModules),
    };
    let post: kiln_worker::Post = Arc::new(move |m| recorder.lock().unwrap().push(m));
    (kiln_worker::Session::new(setup, post), seen)
}

fn kiln_js_stack() -> usize {
    // The test thread's default stack; small programs only.
    1 << 20
}

#[test]
fn a_check_answers_with_the_analyzers_verdict() {
    let (mut session, seen) = session();
    session.handle_json(
        r#"{"type":"check","id":5,"language":"wasm","code":{"kind":"text","value":"(module"}}"#,
    );
    let seen = seen.lock().unwrap();
    let WorkerMessage::Checked { id, language, .. } = &seen[0] else {
        panic!("{seen:?}")
    };
    assert_eq!((*id, *language), (5, Some(Language::Wasm)));
}

#[test]
fn bad_json_and_versions_are_answered_with_failed() {
    let (mut session, seen) = session();
    session.handle_json("{nope");
    session.handle_json(r#"{"type":"load","version":999}"#);
    let seen = seen.lock().unwrap();
    assert!(matches!(&seen[0], WorkerMessage::Failed { id: None, .. }));
    assert!(
        matches!(&seen[1], WorkerMessage::Failed { message, .. } if message.contains("version"))
    );
}

#[cfg(feature = "js")]
#[test]
fn a_js_run_streams_output_then_done() {
    let (mut session, seen) = session();
    session.handle_json(r#"{"type":"load","version":1}"#);
    session.handle_json(
        r#"{"type":"run","id":9,"request":{"language":"js","code":{"kind":"text","value":"console.log('hi'); console.error('oh')"},"files":[],"stdin":[],"limits":{"wall_time_ms":5000}}}"#,
    );
    let seen = seen.lock().unwrap();
    assert!(matches!(
        &seen[0],
        WorkerMessage::Ready {
            language: Language::Js,
            ..
        }
    ));
    assert!(
        matches!(&seen[1], WorkerMessage::Output { stream: Stream::Stdout, chunk, .. } if chunk == "hi\n")
    );
    assert!(
        matches!(&seen[2], WorkerMessage::Output { stream: Stream::Stderr, chunk, .. } if chunk == "oh\n")
    );
    let WorkerMessage::Done { id: 9, outcome } = &seen[3] else {
        panic!("{seen:?}")
    };
    assert_eq!(outcome.stdout, "hi\n");
}

#[cfg(feature = "js")]
#[test]
fn syntax_errors_refuse_the_run() {
    let (mut session, seen) = session();
    session.handle_json(
        r#"{"type":"run","id":1,"request":{"language":"js","code":{"kind":"text","value":"let = ;"},"files":[],"stdin":[],"limits":{}}}"#,
    );
    let seen = seen.lock().unwrap();
    let WorkerMessage::Done { outcome, .. } = &seen[0] else {
        panic!("{seen:?}")
    };
    assert_eq!(outcome.status, kiln_core::Status::Refused);
}

/// What the Python worker prefetches: the library imports of a run's or a check's program.
#[cfg(feature = "python")]
#[test]
fn standard_imports_are_what_runs_and_checks_import_from_the_library() {
    use kiln_worker::standard_imports_of;
    let run = json!({
        "type": "run", "id": 1,
        "request": {"language": "python",
                    "code": {"kind": "text", "value": "import json, mymod\nfrom collections import abc\ndef f():\n    import re\n"},
                    "files": [{"path": "mymod.py", "contents": []}], "stdin": [], "limits": {}}
    })
    .to_string();
    assert_eq!(standard_imports_of(&run), ["collections", "json", "re"]);
    let check = json!({
        "type": "check", "id": 2, "language": "python",
        "code": {"kind": "text", "value": "import math\nimport nosuchmodule\n"}
    })
    .to_string();
    assert_eq!(standard_imports_of(&check), ["math"]);
    let hello = run.replace("import json, mymod", "print('hi')").replace(
        "from collections import abc\\ndef f():\\n    import re\\n",
        "",
    );
    assert!(standard_imports_of(&hello).is_empty(), "{hello}");
    assert!(standard_imports_of(r#"{"type":"load","version":1}"#).is_empty());
    assert!(standard_imports_of("not json").is_empty());
}

//! Browser tests of the page-side glue the app calls: the storage calls, the sessions channel
//! between tabs, and `PageEnvironment` over a runner host.
//!
//! The runner host here is a small JavaScript stand-in that implements `Kiln.run`/`Kiln.check`
//! as CONTRACTS.md describes them and records what it was given, so the mapping is checked end
//! to end across the real JavaScript boundary; the real embed.js behind `PageEnvironment` is
//! exercised by the app's end-to-end tests (`tests/e2e`).
//!
//! Run by `cargo xtask webtest` in Chromium, Firefox and WebKitGTK.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures_util::future::{Either, select};
use js_sys::{Function, Promise, Reflect};
use kiln_agent::{Environment, RunSpec};
use kiln_core::{Language, LimitKind, Limits, Severity, Status, WorkspaceFile};
use kiln_web::{
    CHANNEL_NAME, PageEnvironment, Persistence, SessionChange, SessionEvent, SessionsChannel,
    StorageEstimate, storage,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A promise that resolves after `ms` milliseconds.
fn sleep(ms: u32) -> JsFuture {
    let set_timeout: Function = Reflect::get(&js_sys::global(), &"setTimeout".into())
        .expect("setTimeout")
        .unchecked_into();
    JsFuture::from(Promise::new(&mut |resolve, _| {
        set_timeout
            .call2(&JsValue::NULL, &resolve, &JsValue::from(ms))
            .expect("setTimeout call");
    }))
}

/// `future`'s output, or `None` if it takes longer than `ms`.
async fn within<T>(ms: u32, future: impl Future<Output = T>) -> Option<T> {
    match select(Box::pin(future), sleep(ms)).await {
        Either::Left((value, _)) => Some(value),
        Either::Right(_) => None,
    }
}

/// Waits (up to 5 s) until `done` says so.
async fn until(mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..100 {
        if done() {
            return true;
        }
        let _ = sleep(50).await;
    }
    done()
}

#[wasm_bindgen_test]
async fn storage_calls_resolve_with_what_the_browser_says() {
    let estimate = within(10_000, storage::estimate())
        .await
        .expect("estimate() resolves");
    if let StorageEstimate::Known { quota_bytes, .. } = &estimate {
        assert!(
            *quota_bytes > 0,
            "a known quota of zero bytes: {estimate:?}"
        );
    }
    let persisted = within(10_000, storage::persisted())
        .await
        .expect("persisted() resolves");
    let requested = within(10_000, storage::request_persist())
        .await
        .expect("persist() resolves");
    // One line for the summary of `cargo xtask webtest`.
    console_log!(
        "kiln-web storage: estimate {estimate:?}; persisted() {persisted:?}; persist() {requested:?}"
    );
    // Once granted, storage stays persistent.
    if requested == Persistence::Granted {
        assert_eq!(storage::persisted().await, Persistence::Granted);
    }
}

/// A `BroadcastChannel` name of its own, so no other test (or tab) interferes.
fn unique_channel() -> String {
    format!(
        "kiln-test-channel-{}-{}",
        js_sys::Date::now(),
        (js_sys::Math::random() * 1e9).floor()
    )
}

type Heard = Rc<RefCell<Vec<SessionEvent>>>;

fn listener(heard: &Heard) -> impl FnMut(SessionEvent) + 'static {
    let heard = heard.clone();
    move |event| heard.borrow_mut().push(event)
}

#[wasm_bindgen_test]
async fn another_channel_instance_hears_each_change_and_ignores_junk() {
    let name = unique_channel();
    let heard_a: Heard = Rc::default();
    let heard_b: Heard = Rc::default();
    let a = SessionsChannel::open_named(&name, listener(&heard_a)).expect("channel a");
    let b = SessionsChannel::open_named(&name, listener(&heard_b)).expect("channel b");

    // Junk from another sender on the same name comes first; it must be skipped, and what
    // follows still delivered.
    let raw = web_sys::BroadcastChannel::new(&name).expect("raw channel");
    for junk in [
        JsValue::from_str("not json"),
        JsValue::from_str(r#"{"type":"kiln-sessions","version":99,"change":"created","id":"x"}"#),
        JsValue::from_f64(42.0),
        js_sys::Object::new().into(),
    ] {
        raw.post_message(&junk).expect("post junk");
    }
    let sent = [
        SessionEvent::new(SessionChange::Created, "s1"),
        SessionEvent::new(SessionChange::Renamed, "s1"),
        SessionEvent::new(SessionChange::Updated, "s1"),
        SessionEvent::new(SessionChange::Deleted, "s1"),
    ];
    for event in &sent {
        a.post(event).expect("post");
    }
    assert!(
        until(|| heard_b.borrow().len() >= sent.len()).await,
        "b heard {:?}",
        heard_b.borrow()
    );
    assert_eq!(*heard_b.borrow(), sent);

    // A valid message from the raw sender reaches both instances; neither hears its own posts.
    raw.post_message(&JsValue::from_str(
        &SessionEvent::new(SessionChange::Created, "s2").to_json(),
    ))
    .expect("post valid");
    assert!(until(|| !heard_a.borrow().is_empty()).await);
    assert!(until(|| heard_b.borrow().len() == sent.len() + 1).await);
    assert_eq!(
        *heard_a.borrow(),
        [SessionEvent::new(SessionChange::Created, "s2")]
    );
    raw.close();

    // After b is dropped, a's posts go nowhere and nothing breaks.
    drop(b);
    a.post(&SessionEvent::new(SessionChange::Updated, "s1"))
        .expect("post after the other end closed");
    let _ = sleep(100).await;
    assert_eq!(heard_b.borrow().len(), sent.len() + 1);
}

#[wasm_bindgen_test]
async fn the_app_channel_has_the_documented_name() {
    let heard: Heard = Rc::default();
    let _mine = SessionsChannel::open(listener(&heard)).expect("the app's channel");
    let other = web_sys::BroadcastChannel::new(CHANNEL_NAME).expect("another tab");
    other
        .post_message(&JsValue::from_str(
            &SessionEvent::new(SessionChange::Renamed, "s9").to_json(),
        ))
        .expect("post");
    assert!(until(|| !heard.borrow().is_empty()).await);
    assert_eq!(
        *heard.borrow(),
        [SessionEvent::new(SessionChange::Renamed, "s9")]
    );
    other.close();
}

/// A stand-in runner host implementing the `Kiln.run`/`Kiln.check` contract; it records the
/// options it got in `host.seen`.
fn stand_in_host() -> JsValue {
    Function::new_no_args(
        r#"
        const seen = [];
        const show = (v) => typeof v === "string" ? v : "[" + Array.from(v).join(",") + "]";
        return {
          seen,
          async run(o) {
            seen.push(o);
            if (o.code === "reject") throw new Error("the python worker failed: out of memory");
            if (o.code === "nonsense") return { status: "finished" };
            if (o.code === "hang") {
              return new Promise((resolve) => o.signal.addEventListener("abort", () => resolve({
                status: "error", exitCode: 130, stdout: "", stderr: "kiln: stopped\n",
                durationMs: 1, limit: null, diagnostics: [], stopped: true })));
            }
            if (o.code === "slow") {
              return { status: "limit", exitCode: 124, stdout: "tick\n",
                       stderr: "kiln: time limit reached\n", durationMs: o.timeoutMs,
                       limit: "time", diagnostics: [] };
            }
            return {
              status: "exit", exitCode: 3,
              stdout: `${o.language} ${o.fileName} code=${show(o.code)} stdin=${show(o.stdin)} ` +
                `files=${o.files.map((f) => f.path + ":" + show(f.contents)).join(" ")} ` +
                `timeout=${o.timeoutMs}`,
              stderr: "done\n", durationMs: 7.4, limit: null,
              diagnostics: [{ severity: "warning", code: "endless-loop", message: "m",
                              line: 2, column: 1, endLine: null, endColumn: null }],
              filesWritten: [{ path: "out.bin", contents: new Uint8Array([0, 255, 7]) }],
            };
          },
          async check(o) {
            seen.push(o);
            if (o.code === "broken") throw new Error("the wasm runtime could not be downloaded (404)");
            const language = o.language ?? (o.code.includes("print(") ? "python" : null);
            return {
              language, runner: language,
              diagnostics: language ? [{ severity: "error", code: "syntax-error",
                message: "bad " + o.fileName + " with " + o.workspaceFiles.join(","),
                line: 1, column: 4 }]
                : [{ severity: "error", code: "unknown-language", message: "cannot tell" }],
              imports: [],
            };
          },
        };
        "#,
    )
    .call0(&JsValue::NULL)
    .expect("the stand-in host")
}

fn seen(host: &JsValue) -> js_sys::Array {
    Reflect::get(host, &"seen".into())
        .expect("seen")
        .unchecked_into()
}

fn spec(file_name: &str, code: &[u8]) -> RunSpec {
    RunSpec {
        file_name: file_name.to_owned(),
        code: code.to_vec(),
        language: None,
        files: vec![
            WorkspaceFile::new("data.txt", "hello"),
            WorkspaceFile::new("raw.bin", vec![0xff, 1]),
        ],
        stdin: b"input".to_vec(),
        limits: Limits {
            wall_time_ms: Some(2_000),
            ..Limits::default()
        },
    }
}

#[wasm_bindgen_test]
async fn page_environment_maps_runs_and_checks_across_the_boundary() {
    let host = stand_in_host();
    let env = PageEnvironment::with_host(host.clone());

    let outcome = env.run(spec("main.py", b"print(1)")).await;
    assert_eq!(outcome.status, Status::Exit);
    assert_eq!(outcome.exit_code, 3);
    assert_eq!(
        outcome.stdout,
        "python main.py code=print(1) stdin=input files=data.txt:hello raw.bin:[255,1] \
         timeout=2000"
    );
    assert_eq!(outcome.stderr, "done\n");
    assert_eq!(outcome.duration_ms, 7);
    assert_eq!(outcome.diagnostics.len(), 1);
    assert_eq!(outcome.diagnostics[0].severity, Severity::Warning);
    assert_eq!(
        (outcome.diagnostics[0].line, outcome.diagnostics[0].end_line),
        (Some(2), None)
    );
    assert_eq!(
        outcome.files_written,
        vec![WorkspaceFile::new("out.bin", vec![0, 255, 7])]
    );

    // The model named the language: it wins over the extension. Binary code crosses as bytes.
    let mut named = spec("main.txt", &[0, 0x80]);
    named.language = Some(Language::Wasm);
    let outcome = env.run(named).await;
    assert!(
        outcome.stdout.starts_with("wasm main.txt code=[0,128]"),
        "{}",
        outcome.stdout
    );

    // No extension: Kiln.check detects the language first.
    let before = seen(&host).length();
    let outcome = env.run(spec("snippet", b"print(2)")).await;
    assert!(
        outcome.stdout.starts_with("python snippet"),
        "{}",
        outcome.stdout
    );
    assert_eq!(seen(&host).length(), before + 2, "one check, then the run");
    // Nothing tells: refused with the analyzer's reason.
    let outcome = env.run(spec("notes", b"???")).await;
    assert_eq!(outcome.status, Status::Refused);
    assert_eq!(outcome.diagnostics[0].code, "unknown-language");

    // Limits keep their meaning.
    let outcome = env.run(spec("loop.py", b"slow")).await;
    assert_eq!(
        (outcome.status, outcome.limit, outcome.duration_ms),
        (Status::Limit, Some(LimitKind::Time), 2_000)
    );

    // A rejected promise and a result of the wrong shape become outcomes that say so.
    let outcome = env.run(spec("main.py", b"reject")).await;
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(outcome.diagnostics[0].code, "runner-unavailable");
    assert!(
        outcome.stderr.contains("Python runner failed") && outcome.stderr.contains("out of memory"),
        "{}",
        outcome.stderr
    );
    let outcome = env.run(spec("main.py", b"nonsense")).await;
    assert_eq!(outcome.status, Status::Error);
    assert_eq!(outcome.diagnostics[0].code, "internal-error");

    // Check: options in, report out.
    let report = env
        .check("app.py", b"print(", &["util.py".to_owned()])
        .await;
    assert_eq!(report.language, Some(Language::Python));
    assert_eq!(report.runner.as_deref(), Some("python"));
    assert_eq!(report.diagnostics[0].code, "syntax-error");
    assert_eq!(report.diagnostics[0].message, "bad app.py with util.py");
    assert_eq!(
        (report.diagnostics[0].line, report.diagnostics[0].column),
        (Some(1), Some(4))
    );
    let report = env.check("app.py", b"broken", &[]).await;
    assert_eq!(report.language, None);
    assert!(
        report.diagnostics[0]
            .message
            .contains("could not be downloaded (404)"),
        "{:?}",
        report.diagnostics
    );

    assert!(env.describe().contains("RustPython"));
    let js_only = PageEnvironment::with_host(host).with_languages(&[Language::Js]);
    assert!(js_only.describe().contains("Boa") && !js_only.describe().contains("RustPython"));
}

#[wasm_bindgen_test]
async fn dropping_a_run_stops_it_through_its_signal() {
    let host = stand_in_host();
    let env = PageEnvironment::with_host(host.clone());
    assert!(
        within(200, env.run(spec("main.py", b"hang")))
            .await
            .is_none(),
        "the stand-in waits for the signal"
    );
    let options = seen(&host).get(0);
    let signal = Reflect::get(&options, &"signal".into()).expect("signal");
    assert_eq!(
        Reflect::get(&signal, &"aborted".into())
            .expect("aborted")
            .as_bool(),
        Some(true),
        "the dropped run's AbortSignal fired"
    );
    // A run that finishes is not aborted afterwards.
    let _ = env.run(spec("main.py", b"print(1)")).await;
    let signal = Reflect::get(&seen(&host).get(1), &"signal".into()).expect("signal");
    assert_eq!(
        Reflect::get(&signal, &"aborted".into())
            .expect("aborted")
            .as_bool(),
        Some(false)
    );
}

#[wasm_bindgen_test]
async fn without_a_host_on_the_page_runs_are_refused_until_one_appears() {
    let global = js_sys::global();
    let kiln = JsValue::from_str("Kiln");
    Reflect::delete_property(global.unchecked_ref::<js_sys::Object>(), &kiln).expect("no Kiln");
    let env = PageEnvironment::from_page();

    let outcome = env.run(spec("main.py", b"print(1)")).await;
    assert_eq!((outcome.status, outcome.exit_code), (Status::Refused, 2));
    assert!(
        outcome.stderr.contains("window.Kiln") && outcome.stderr.contains("embed.js"),
        "{}",
        outcome.stderr
    );
    let report = env.check("main.py", b"print(1)", &[]).await;
    assert_eq!(report.diagnostics[0].code, "runner-unavailable");
    assert!(env.describe().contains("not loaded"));

    // embed.js arrives later: the same environment finds it.
    Reflect::set(&global, &kiln, &stand_in_host()).expect("install Kiln");
    let outcome = env.run(spec("main.py", b"print(1)")).await;
    assert_eq!(outcome.status, Status::Exit);
    assert!(!env.describe().contains("not loaded"));
    Reflect::delete_property(global.unchecked_ref::<js_sys::Object>(), &kiln).expect("remove Kiln");
}

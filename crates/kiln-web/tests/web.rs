//! Browser tests of [`IdbStore`]: the store-agnostic conformance suite of kiln-sessions, plus
//! what only a real IndexedDB has — several connections, version changes, reopening, the
//! on-disk layout — and a small benchmark (printed, never asserted).
//!
//! Run by `cargo xtask test` in Chromium, Firefox and WebKitGTK (`xtask/src/webtest.rs`), or by
//! hand: `CHROMEDRIVER=… cargo test -p kiln-web --target wasm32-unknown-unknown` with
//! `wasm-bindgen-test-runner` as the target's runner.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures_util::future::{Either, select};
use js_sys::{Array, Function, JSON, Promise, Reflect};
use kiln_core::store::{
    Change, MessageRange, MessageRecord, MessageState, OBJECT_STORES, SCHEMA_VERSION,
    SessionRecord, Store, StoreError,
};
use kiln_sessions::conformance::{CASE_NAMES, run_all};
use kiln_web::IdbStore;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{
    IdbDatabase, IdbObjectStore, IdbObjectStoreParameters, IdbOpenDbRequest, IdbTransactionMode,
    IdbVersionChangeEvent, Performance,
};

wasm_bindgen_test_configure!(run_in_browser);

/// A database name no other test (or earlier run) uses.
fn unique_name(tag: &str) -> String {
    format!(
        "kiln-test-{tag}-{}-{}",
        js_sys::Date::now(),
        (js_sys::Math::random() * 1e9).floor()
    )
}

fn now_ms() -> f64 {
    Reflect::get(&js_sys::global(), &"performance".into())
        .expect("performance")
        .unchecked_into::<Performance>()
        .now()
}

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

/// `future`'s output, or `None` if it takes longer than `ms` (so a test fails instead of
/// hanging).
async fn within<T>(ms: u32, future: impl Future<Output = T>) -> Option<T> {
    match select(Box::pin(future), sleep(ms)).await {
        Either::Left((value, _)) => Some(value),
        Either::Right(_) => None,
    }
}

/// Opens `name` at `version` with the plain IndexedDB API (another tab, an older or a newer
/// Kiln), running `upgrade` on `upgradeneeded`. Waits through `blocked`.
async fn raw_open(
    name: &str,
    version: u32,
    upgrade: impl FnMut(IdbDatabase) + 'static,
) -> IdbDatabase {
    let factory: web_sys::IdbFactory = Reflect::get(&js_sys::global(), &"indexedDB".into())
        .expect("indexedDB")
        .unchecked_into();
    let request = factory.open_with_u32(name, version).expect("open");
    let mut upgrade = upgrade;
    let on_upgrade =
        Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |event: IdbVersionChangeEvent| {
            let request: IdbOpenDbRequest = event.target().expect("target").unchecked_into();
            upgrade(request.result().expect("result").unchecked_into());
        });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    JsFuture::from(Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    }))
    .await
    .expect("the plain open failed");
    request.set_onupgradeneeded(None);
    request.result().expect("result").unchecked_into()
}

/// Writes `records` (JSON text) into `store` of `db` in one transaction, and waits for it.
async fn raw_put(db: &IdbDatabase, store: &str, records: &[&str]) {
    let transaction = db
        .transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite)
        .expect("transaction");
    let done = JsFuture::from(Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onabort(Some(&reject));
    }));
    let object_store = transaction.object_store(store).expect("store");
    for record in records {
        object_store
            .put(&JSON::parse(record).expect("fixture JSON"))
            .expect("put");
    }
    done.await.expect("the fixture transaction failed");
}

fn create_store(db: &IdbDatabase, name: &str, key_path: &JsValue, indexes: &[(&str, &str)]) {
    let parameters = IdbObjectStoreParameters::new();
    parameters.set_key_path(key_path);
    let store: IdbObjectStore = db
        .create_object_store_with_optional_parameters(name, &parameters)
        .expect("create store");
    for (index, field) in indexes {
        store.create_index_with_str(index, field).expect("index");
    }
}

fn strings(items: &[&str]) -> JsValue {
    items
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<Array>()
        .into()
}

fn message(session: &str, seq: u64, state: MessageState, at_ms: u64) -> MessageRecord {
    MessageRecord {
        session_id: session.into(),
        seq,
        id: format!("m{seq}"),
        state,
        updated_at_ms: at_ms,
        format: 1,
        payload: format!(
            "{{\"role\":\"assistant\",\"text\":\"reply number {seq}: {}\"}}",
            "lorem ipsum ".repeat(20)
        ),
    }
}

#[wasm_bindgen_test]
async fn conformance_suite_passes() {
    let names = Rc::new(RefCell::new(Vec::<String>::new()));
    let report = {
        let names = Rc::clone(&names);
        run_all(&mut move || {
            let name = unique_name("conformance");
            names.borrow_mut().push(name.clone());
            async move { IdbStore::open(&name).await.expect("a fresh database opens") }
        })
        .await
    };
    for name in names.take() {
        IdbStore::delete_database(&name)
            .await
            .expect("a test database is deleted");
    }
    console_log!("conformance on IndexedDB: {report}");
    assert!(report.failed.is_empty(), "{report}");
    assert_eq!(report.passed.len(), CASE_NAMES.len(), "{report}");
}

#[wasm_bindgen_test]
async fn injected_quota_error_rolls_back_the_real_transaction() {
    let name = unique_name("quota");
    let store = IdbStore::open(&name).await.expect("open");
    store
        .apply(vec![
            Change::CreateSession(SessionRecord::new("s", "Before", 1)),
            Change::AppendMessage(message("s", 0, MessageState::Final, 2)),
        ])
        .await
        .expect("setup");
    store.fail_next_with_dom_exception("QuotaExceededError");
    let err = store
        .apply(vec![
            Change::AppendMessage(message("s", 1, MessageState::Streaming, 3)),
            Change::RenameSession {
                id: "s".into(),
                title: "After".into(),
                at_ms: 4,
            },
            Change::PutFile {
                workspace: "s".into(),
                path: "main.py".into(),
                format: 1,
                content: Some("\"print(1)\"".into()),
                at_ms: 4,
            },
            Change::PutSetting {
                key: "theme".into(),
                value: "\"dark\"".into(),
            },
        ])
        .await
        .expect_err("the injected failure");
    assert_eq!(err, StoreError::QuotaExceeded);
    let session = store.session("s").await.expect("read").expect("session");
    assert_eq!(
        (session.title.as_str(), session.updated_at_ms),
        ("Before", 2)
    );
    assert_eq!(
        store
            .messages("s", MessageRange::all())
            .await
            .expect("read")
            .len(),
        1
    );
    assert!(store.files("s").await.expect("read").is_empty());
    assert!(store.settings().await.expect("read").is_empty());
    // The fault fires once: the same batch then commits.
    store
        .apply(vec![Change::AppendMessage(message(
            "s",
            1,
            MessageState::Final,
            3,
        ))])
        .await
        .expect("the next apply commits");
    drop(store);
    IdbStore::delete_database(&name).await.expect("delete");
}

#[wasm_bindgen_test]
async fn data_survives_closing_and_reopening() {
    let name = unique_name("reopen");
    let store = IdbStore::open(&name).await.expect("open");
    store
        .apply(vec![
            Change::CreateSession(SessionRecord::new("s", "Kept", 1)),
            Change::AppendMessage(message("s", 0, MessageState::Final, 2)),
            Change::AppendMessage(message("s", 1, MessageState::Streaming, 3)),
            Change::PutFile {
                workspace: "s".into(),
                path: "a.js".into(),
                format: 1,
                content: Some("\"v1\"".into()),
                at_ms: 3,
            },
            Change::PutFile {
                workspace: "s".into(),
                path: "a.js".into(),
                format: 1,
                content: Some("\"v2\"".into()),
                at_ms: 4,
            },
            Change::PutSetting {
                key: "theme".into(),
                value: "\"dark\"".into(),
            },
            Change::PutApiKey {
                name: "openai".into(),
                value: "sk-test".into(),
            },
        ])
        .await
        .expect("write");
    drop(store);

    let store = IdbStore::open(&name).await.expect("reopen");
    let sessions = store.list_sessions(false).await.expect("list");
    assert_eq!(sessions.len(), 1);
    assert_eq!(
        (sessions[0].title.as_str(), sessions[0].updated_at_ms),
        ("Kept", 3)
    );
    let messages = store
        .messages("s", MessageRange::all())
        .await
        .expect("read");
    assert_eq!(
        messages,
        vec![
            message("s", 0, MessageState::Final, 2),
            message("s", 1, MessageState::Streaming, 3)
        ]
    );
    let last = store.last_message("s").await.expect("read").expect("last");
    assert_eq!(last.seq, 1);
    let files = store.files("s").await.expect("read");
    assert_eq!(files.len(), 1);
    assert_eq!(
        (files[0].revision, files[0].content.as_deref()),
        (2, Some("\"v2\""))
    );
    assert_eq!(
        store.file_history("s", "a.js").await.expect("read").len(),
        2
    );
    assert_eq!(
        store
            .settings()
            .await
            .expect("read")
            .get("theme")
            .map(String::as_str),
        Some("\"dark\"")
    );
    assert_eq!(
        store.api_key("openai").await.expect("read").as_deref(),
        Some("sk-test")
    );
    drop(store);
    IdbStore::delete_database(&name).await.expect("delete");
}

#[wasm_bindgen_test]
async fn a_newer_version_elsewhere_closes_this_connection() {
    let name = unique_name("versionchange");
    let store = IdbStore::open(&name).await.expect("open");
    store
        .apply(vec![Change::CreateSession(SessionRecord::new(
            "s", "Old", 1,
        ))])
        .await
        .expect("write");
    // Two connections: a second one at the same version is fine.
    let other = IdbStore::open(&name).await.expect("second connection");
    assert_eq!(other.list_sessions(false).await.expect("read").len(), 1);

    // A newer Kiln in another tab opens the next version: our connections must close at once,
    // or its open would be blocked.
    let newer = within(10_000, raw_open(&name, SCHEMA_VERSION + 1, |_| {}))
        .await
        .expect("the newer version's open was blocked by the old connections");
    assert_eq!(
        store.list_sessions(false).await.expect_err("closed"),
        StoreError::VersionChange
    );
    assert_eq!(
        other
            .apply(vec![Change::PutSetting {
                key: "k".into(),
                value: "1".into(),
            }])
            .await
            .expect_err("closed"),
        StoreError::VersionChange
    );
    // This build cannot open the upgraded database either, and says so.
    assert_eq!(
        IdbStore::open(&name).await.expect_err("newer database"),
        StoreError::VersionChange
    );
    newer.close();
    drop((store, other));
    IdbStore::delete_database(&name).await.expect("delete");
}

#[wasm_bindgen_test]
async fn an_old_connection_that_stays_open_blocks_and_is_reported() {
    let name = unique_name("blocked");
    let store = IdbStore::open(&name).await.expect("open");
    store
        .apply(vec![Change::CreateSession(SessionRecord::new(
            "s", "Gone", 1,
        ))])
        .await
        .expect("write");
    drop(store);
    // An old tab that never closes its connection on `versionchange`.
    let old = raw_open(&name, SCHEMA_VERSION, |_| {}).await;
    assert_eq!(
        within(10_000, IdbStore::delete_database(&name))
            .await
            .expect("delete_database answered"),
        Err(StoreError::Blocked)
    );
    // Once the old tab closes, the queued deletion goes ahead.
    old.close();
    let store = IdbStore::open(&name).await.expect("open again");
    assert!(store.list_sessions(true).await.expect("read").is_empty());
    drop(store);
    IdbStore::delete_database(&name).await.expect("delete");
}

#[wasm_bindgen_test]
async fn a_new_database_gets_the_documented_layout() {
    let name = unique_name("layout");
    drop(IdbStore::open(&name).await.expect("open"));
    let db = raw_open(&name, SCHEMA_VERSION, |_| {
        panic!("the database should already be at the current version")
    })
    .await;
    assert_eq!(db.version(), f64::from(SCHEMA_VERSION));
    assert_eq!(
        db.object_store_names().length() as usize,
        OBJECT_STORES.len()
    );
    for spec in OBJECT_STORES {
        let transaction = db.transaction_with_str(spec.name).expect("transaction");
        let store = transaction.object_store(spec.name).expect("store");
        let key_path = store.key_path().expect("key path");
        let expected = match spec.key_path {
            [one] => JsValue::from_str(one),
            many => strings(many),
        };
        assert_eq!(
            JSON::stringify(&key_path).expect("json"),
            JSON::stringify(&expected).expect("json"),
            "key path of {}",
            spec.name
        );
        assert_eq!(store.index_names().length() as usize, spec.indexes.len());
        for (index, fields) in spec.indexes {
            assert!(
                store.index_names().contains(index),
                "{} has no index {index}",
                spec.name
            );
            let path = store.index(index).expect("index").key_path().expect("path");
            let expected = match fields {
                [one] => JsValue::from_str(one),
                many => strings(many),
            };
            assert_eq!(
                JSON::stringify(&path).expect("json"),
                JSON::stringify(&expected).expect("json")
            );
        }
    }
    db.close();
    IdbStore::delete_database(&name).await.expect("delete");
}

#[wasm_bindgen_test]
async fn reads_and_extends_a_hand_made_version_1_database() {
    let name = unique_name("fixture-v1");
    // Version 1 as written by hand from the documented layout, with records as an earlier
    // build stored them.
    let db = raw_open(&name, 1, |db| {
        create_store(
            &db,
            "sessions",
            &"id".into(),
            &[("by_updated", "updated_at_ms")],
        );
        create_store(
            &db,
            "messages",
            &strings(&["session_id", "seq"]),
            &[("by_session", "session_id")],
        );
        create_store(
            &db,
            "files",
            &strings(&["workspace", "path", "revision"]),
            &[("by_workspace", "workspace")],
        );
        create_store(&db, "settings", &"key".into(), &[]);
        create_store(&db, "keys", &"name".into(), &[]);
    })
    .await;
    raw_put(&db, "sessions", &[
        r#"{"id":"old","title":"From v1","created_at_ms":10,"updated_at_ms":20,"deleted_at_ms":null,"format":1,"payload":"{}"}"#,
    ])
    .await;
    raw_put(&db, "messages", &[
        r#"{"session_id":"old","seq":0,"id":"a","state":"final","updated_at_ms":11,"format":1,"payload":"{\"n\":0}"}"#,
        r#"{"session_id":"old","seq":1,"id":"b","state":"streaming","updated_at_ms":20,"format":1,"payload":"{\"n\":1}"}"#,
    ])
    .await;
    raw_put(&db, "files", &[
        r#"{"workspace":"old","path":"main.py","revision":1,"updated_at_ms":12,"format":1,"content":"\"x = 1\""}"#,
        r#"{"workspace":"old","path":"main.py","revision":2,"updated_at_ms":13,"format":1,"content":null}"#,
    ])
    .await;
    raw_put(&db, "settings", &[r#"{"key":"theme","value":"\"light\""}"#]).await;
    db.close();

    let store = IdbStore::open(&name).await.expect("open the v1 database");
    let session = store.session("old").await.expect("read").expect("session");
    assert_eq!(
        (session.title.as_str(), session.updated_at_ms),
        ("From v1", 20)
    );
    let messages = store
        .messages("old", MessageRange::page(1, 5))
        .await
        .expect("read");
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].state, MessageState::Streaming);
    assert!(
        store.files("old").await.expect("read").is_empty(),
        "deleted in revision 2"
    );
    assert_eq!(
        store
            .settings()
            .await
            .expect("read")
            .get("theme")
            .map(String::as_str),
        Some("\"light\"")
    );
    let err = store
        .apply(vec![Change::AppendMessage(message(
            "old",
            1,
            MessageState::Final,
            30,
        ))])
        .await
        .expect_err("seq 1 is taken");
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    store
        .apply(vec![
            Change::FinaliseMessage {
                session_id: "old".into(),
                seq: 1,
                payload: "{\"n\":1,\"done\":true}".into(),
                at_ms: 30,
            },
            Change::AppendMessage(message("old", 2, MessageState::Final, 31)),
            Change::PutFile {
                workspace: "old".into(),
                path: "main.py".into(),
                format: 1,
                content: Some("\"x = 2\"".into()),
                at_ms: 31,
            },
        ])
        .await
        .expect("extend the old session");
    assert_eq!(
        store
            .file_history("old", "main.py")
            .await
            .expect("read")
            .len(),
        3
    );
    assert_eq!(
        store
            .session("old")
            .await
            .expect("read")
            .expect("s")
            .updated_at_ms,
        31
    );
    drop(store);
    IdbStore::delete_database(&name).await.expect("delete");
}

/// Not a pass/fail test: prints how long a long session takes to open and to grow.
#[wasm_bindgen_test]
async fn benchmark_a_session_of_5000_messages() {
    const MESSAGES: u64 = 5_000;
    let name = unique_name("bench");
    let store = IdbStore::open(&name).await.expect("open");
    let t0 = now_ms();
    store
        .apply(vec![Change::CreateSession(SessionRecord::new(
            "long", "Long", 1,
        ))])
        .await
        .expect("create");
    for batch in 0..10 {
        let changes = (0..MESSAGES / 10)
            .map(|i| {
                let seq = batch * (MESSAGES / 10) + i;
                Change::AppendMessage(message("long", seq, MessageState::Final, 2 + seq))
            })
            .collect();
        store.apply(changes).await.expect("append a batch");
    }
    let written = now_ms() - t0;
    drop(store);

    let t0 = now_ms();
    let store = IdbStore::open(&name).await.expect("reopen");
    let sessions = store.list_sessions(false).await.expect("list");
    let messages = store
        .messages(&sessions[0].id, MessageRange::all())
        .await
        .expect("read");
    let opened = now_ms() - t0;
    assert_eq!(messages.len() as u64, MESSAGES);

    let t0 = now_ms();
    store
        .apply(vec![Change::AppendMessage(message(
            "long",
            MESSAGES,
            MessageState::Final,
            MESSAGES + 2,
        ))])
        .await
        .expect("append one");
    let appended = now_ms() - t0;
    console_log!(
        "kiln-web bench: write {MESSAGES} messages in 10 batches: {written:.1} ms; open the session (open + list + read all): {opened:.1} ms; append one message: {appended:.1} ms"
    );
    drop(store);
    IdbStore::delete_database(&name).await.expect("delete");
}

/// The fake provider `cargo xtask webtest` starts for this build (`kiln-fake-provider` with
/// `xtask/src/webtest.rs`'s scenario: a rate-limit error, then a text reply, per browser).
const FAKE_PROVIDER_URL: Option<&str> = option_env!("KILN_FAKE_PROVIDER_URL");

/// The reply text of that scenario.
const FAKE_REPLY: &str = "Hello from the fake provider, streamed in small deltas.";

#[wasm_bindgen_test]
async fn fetch_transport_streams_a_conversation_with_a_retry() {
    use kiln_assistant::{
        CancelToken, ChatRequest, Client, ClientEvent, Message, ProviderConfig, ProviderKind,
    };
    use kiln_web::{FetchTransport, TimeoutSleeper};

    let base = FAKE_PROVIDER_URL.expect(
        "built without KILN_FAKE_PROVIDER_URL: run these tests with `cargo xtask webtest`, which \
         starts kiln-fake-provider and passes its URL at compile time",
    );
    let client = Client::new(
        ProviderConfig::new(ProviderKind::OpenAi)
            .with_key("sk-test")
            .with_base_url(format!("{base}/v1")),
        Rc::new(FetchTransport::new()),
        Rc::new(TimeoutSleeper),
    );
    let messages = vec![Message::user("Hello?")];
    let request = ChatRequest::new("fake-model", "You are a test.", &messages);
    let mut events = Vec::new();
    let t0 = now_ms();
    let turn = client
        .stream(&request, &CancelToken::new(), &mut |e| events.push(e))
        .await
        .expect("the second attempt succeeds");
    let elapsed = now_ms() - t0;
    assert_eq!(turn.message.text(), FAKE_REPLY);
    let retries = events
        .iter()
        .filter(|e| matches!(e, ClientEvent::Retrying(_)))
        .count();
    assert_eq!(retries, 1, "one rate-limit retry");
    let deltas = events
        .iter()
        .filter(|e| matches!(e, ClientEvent::Stream(_)))
        .count();
    assert!(deltas > 2, "the reply streamed in pieces ({deltas} events)");
    // `retry-after: 1` was waited for with setTimeout.
    assert!(elapsed >= 900.0, "the retry waited only {elapsed:.0} ms");
}

#[wasm_bindgen_test]
async fn fetch_transport_reads_a_body_chunk_by_chunk() {
    use futures_util::StreamExt;
    use kiln_core::http::{HttpRequest, HttpTransport};
    use kiln_web::FetchTransport;

    let text = "0123456789abcdef".repeat(16_384); // 256 KiB: more than one chunk
    let url = format!("data:text/plain,{text}");
    let response = FetchTransport::new()
        .send(HttpRequest::get(url))
        .await
        .expect("a data: URL is fetched");
    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain")),
        "{:?}",
        response.headers
    );
    let mut body = response.body;
    let mut bytes = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = body.next().await {
        bytes.extend(chunk.expect("a chunk"));
        chunks += 1;
    }
    assert_eq!(String::from_utf8(bytes).expect("utf-8"), text);
    console_log!("a 256 KiB body arrived in {chunks} chunks");
}

#[wasm_bindgen_test]
async fn fetch_failure_without_a_status_suspects_cors() {
    use kiln_core::http::{HttpError, HttpRequest, HttpTransport};
    use kiln_web::FetchTransport;

    // Nothing listens on port 9 (and some browsers refuse it outright): either way fetch
    // rejects with a bare TypeError and no status.
    let err = FetchTransport::new()
        .send(HttpRequest::post(
            "http://127.0.0.1:9/v1/chat/completions",
            "{}",
        ))
        .await
        .expect_err("nothing answers");
    assert!(matches!(err, HttpError::CorsSuspected(_)), "{err:?}");
    let err = FetchTransport::new()
        .send(HttpRequest::get("http://127.0.0.1:9/").with_header("bad header", "x"))
        .await
        .expect_err("invalid header name");
    assert!(matches!(err, HttpError::InvalidRequest(_)), "{err:?}");
}

#[wasm_bindgen_test]
async fn the_sleeper_waits_and_a_dropped_send_leaves_the_transport_usable() {
    use kiln_assistant::Sleeper;
    use kiln_core::http::{HttpRequest, HttpTransport};
    use kiln_web::{FetchTransport, TimeoutSleeper};

    let t0 = now_ms();
    TimeoutSleeper
        .sleep(std::time::Duration::from_millis(200))
        .await;
    let slept = now_ms() - t0;
    assert!(slept >= 180.0, "slept only {slept:.0} ms");

    // A send raced against a zero-length sleep loses and is dropped (aborting its fetch);
    // the transport stays usable.
    let transport = FetchTransport::new();
    let slow = transport.send(HttpRequest::get("data:text/plain,never read"));
    let _ = within(0, slow).await;
    let response = transport
        .send(HttpRequest::get("data:text/plain,ok"))
        .await
        .expect("a later request works");
    assert_eq!(
        kiln_core::http::read_body(response.body)
            .await
            .expect("body"),
        b"ok"
    );
}

//! The test suite every [`Store`] must pass, written once for all of them.
//!
//! Each case is an `async fn` taking a [`StoreFactory`] (it asks for fresh, empty stores) and
//! returning `Err` with a description of the first thing that went wrong. [`run_all`] runs
//! every case in [`CASE_NAMES`] order. Natively the suite runs against
//! [`MemoryStore`](kiln_core::store::MemoryStore) (`tests/conformance.rs`); the IndexedDB store
//! runs the very same functions under `wasm-bindgen-test`, its factory opening a database with a
//! fresh name for each store.
//!
//! ```
//! use kiln_core::store::MemoryStore;
//!
//! let report = futures_executor::block_on(kiln_sessions::conformance::run_all(
//!     &mut || async { MemoryStore::new() },
//! ));
//! assert!(report.failed.is_empty(), "{report}");
//! assert_eq!(report.passed.len(), kiln_sessions::conformance::CASE_NAMES.len());
//! ```

use std::fmt;
use std::future::Future;

use futures_util::future::LocalBoxFuture;
use kiln_agent::{AgentSession, Todo, TodoStatus};
use kiln_assistant::{Message, Session, Usage};
use kiln_core::store::{
    Change, FaultInjection, FileRecord, MessageRange, MessageRecord, MessageState,
    SHARED_WORKSPACE, SessionRecord, Store, StoreError,
};
use kiln_vfs::{Content, Workspace};

use crate::{
    ExportFile, ImportChoices, ImportError, Resolution, SaveThrottle, Sessions, SessionsError,
};

/// Makes fresh, empty stores for the cases.
pub trait StoreFactory {
    /// The store type.
    type Store: Store + FaultInjection;
    /// A new, empty store.
    fn new_store(&mut self) -> LocalBoxFuture<'_, Self::Store>;
}

impl<F, Fut, S> StoreFactory for F
where
    F: FnMut() -> Fut,
    Fut: Future<Output = S> + 'static,
    S: Store + FaultInjection,
{
    type Store = S;
    fn new_store(&mut self) -> LocalBoxFuture<'_, S> {
        Box::pin(self())
    }
}

/// The outcome of a case.
pub type CaseResult = Result<(), String>;

/// What [`run_all`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Cases that passed.
    pub passed: Vec<&'static str>,
    /// Cases that failed, with why.
    pub failed: Vec<(&'static str, String)>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} passed, {} failed",
            self.passed.len(),
            self.failed.len()
        )?;
        for (name, why) in &self.failed {
            writeln!(f, "FAILED {name}: {why}")?;
        }
        Ok(())
    }
}

/// The names of the cases, in the order [`run_all`] runs them.
pub const CASE_NAMES: &[&str] = &[
    "crud_and_ordering",
    "append_only_messages",
    "streaming_update_and_finalise",
    "aborted_transaction_keeps_old_state",
    "quota_failure_keeps_old_state",
    "workspace_files_with_revisions",
    "settings_and_keys",
    "keys_never_exported",
    "export_import_round_trip",
    "malformed_imports_rejected",
    "import_conflicts_remap_ids",
    "search_titles_and_content",
    "branch_and_duplicate",
    "delete_and_undo",
    "fixtures_keep_loading",
    "newer_formats_refused",
];

/// Runs every case, each with fresh stores from `factory`.
pub async fn run_all<F: StoreFactory>(factory: &mut F) -> Report {
    let mut report = Report::default();
    for &name in CASE_NAMES {
        let result = run_case(name, factory).await;
        match result {
            Ok(()) => report.passed.push(name),
            Err(why) => report.failed.push((name, why)),
        }
    }
    report
}

/// Runs the case called `name`.
///
/// # Errors
///
/// Why the case failed, or that there is no such case.
pub async fn run_case<F: StoreFactory>(name: &str, factory: &mut F) -> CaseResult {
    match name {
        "crud_and_ordering" => crud_and_ordering(factory).await,
        "append_only_messages" => append_only_messages(factory).await,
        "streaming_update_and_finalise" => streaming_update_and_finalise(factory).await,
        "aborted_transaction_keeps_old_state" => aborted_transaction_keeps_old_state(factory).await,
        "quota_failure_keeps_old_state" => quota_failure_keeps_old_state(factory).await,
        "workspace_files_with_revisions" => workspace_files_with_revisions(factory).await,
        "settings_and_keys" => settings_and_keys(factory).await,
        "keys_never_exported" => keys_never_exported(factory).await,
        "export_import_round_trip" => export_import_round_trip(factory).await,
        "malformed_imports_rejected" => malformed_imports_rejected(factory).await,
        "import_conflicts_remap_ids" => import_conflicts_remap_ids(factory).await,
        "search_titles_and_content" => search_titles_and_content(factory).await,
        "branch_and_duplicate" => branch_and_duplicate(factory).await,
        "delete_and_undo" => delete_and_undo(factory).await,
        "fixtures_keep_loading" => fixtures_keep_loading(factory).await,
        "newer_formats_refused" => newer_formats_refused(factory).await,
        _ => Err(format!("there is no conformance case called {name:?}")),
    }
}

trait Context<T> {
    fn ctx(self, what: &str) -> Result<T, String>;
}

impl<T, E: fmt::Display> Context<T> for Result<T, E> {
    fn ctx(self, what: &str) -> Result<T, String> {
        self.map_err(|e| format!("{what}: {e}"))
    }
}

fn ensure(condition: bool, what: impl FnOnce() -> String) -> CaseResult {
    if condition { Ok(()) } else { Err(what()) }
}

fn ensure_eq<T: PartialEq + fmt::Debug>(left: &T, right: &T, what: &str) -> CaseResult {
    ensure(left == right, || format!("{what}: {left:?} != {right:?}"))
}

/// A conversation of `n` messages (user/assistant alternating) with some usage.
fn conversation(id: &str, title: &str, n: usize) -> AgentSession {
    let mut agent = AgentSession {
        session: Session::new(id, title),
        ..AgentSession::default()
    };
    for i in 0..n {
        let message = if i % 2 == 0 {
            Message::user(format!("question {i} about {title}"))
        } else {
            let mut m = Message::assistant(format!("answer {i} for {title}"));
            m.usage = Some(Usage {
                input_tokens: 100,
                output_tokens: 10,
                ..Usage::default()
            });
            m
        };
        agent.session.push(message, Some(0.001));
    }
    agent.todos.push(Todo {
        content: format!("finish {title}"),
        status: TodoStatus::InProgress,
    });
    agent
}

fn record(session_id: &str, seq: u64) -> Result<MessageRecord, String> {
    crate::message_record(
        session_id,
        seq,
        &Message::user("raw").with_id(format!("r{seq}")),
        MessageState::Final,
        1,
    )
    .ctx("encoding a message")
}

/// Sessions are created, listed most recently updated first, renamed, and ids are unique.
pub async fn crud_and_ordering<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    ensure(s.list().await.ctx("list")?.is_empty(), || {
        "a new store is not empty".into()
    })?;
    s.create("a", "Alpha", 100).await.ctx("create a")?;
    s.create("b", "Beta", 200).await.ctx("create b")?;
    s.create("c", "Gamma", 150).await.ctx("create c")?;
    let ids = |list: Vec<crate::SessionSummary>| list.into_iter().map(|x| x.id).collect::<Vec<_>>();
    ensure_eq(
        &ids(s.list().await.ctx("list")?),
        &vec!["b".to_owned(), "c".into(), "a".into()],
        "order by update",
    )?;
    s.rename("a", "Alpha renamed", 300).await.ctx("rename")?;
    let list = s.list().await.ctx("list")?;
    ensure_eq(
        &list[0].id,
        &"a".to_owned(),
        "renamed session moves to the top",
    )?;
    ensure_eq(&list[0].title, &"Alpha renamed".to_owned(), "renamed title")?;
    ensure_eq(&list[0].created_at_ms, &100, "creation time kept")?;
    match s.create("b", "Again", 400).await {
        Err(SessionsError::Store(StoreError::Conflict { .. })) => {}
        other => return Err(format!("creating a taken id gave {other:?}")),
    }
    ensure_eq(
        &s.load("b").await.ctx("load b")?.session.title,
        &"Beta".to_owned(),
        "existing session untouched",
    )?;
    match s.rename("zzz", "x", 1).await {
        Err(SessionsError::Store(StoreError::NotFound { .. })) => {}
        other => return Err(format!("renaming a missing session gave {other:?}")),
    }
    match s.load("zzz").await {
        Err(SessionsError::NoSuchSession(_)) => {}
        other => return Err(format!("loading a missing session gave {other:?}")),
    }
    // Saving a whole new agent session creates it with its messages.
    let agent = conversation("d", "Delta", 4);
    let report = s.save(&agent, 500).await.ctx("save new")?;
    ensure(report.created && report.appended == 4, || {
        format!("save report {report:?}")
    })?;
    ensure_eq(
        &s.load("d").await.ctx("load d")?,
        &agent,
        "saved session loads equal",
    )?;
    Ok(())
}

/// Messages are appended one record each, never rewritten; pages load in order.
pub async fn append_only_messages<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    let full = conversation("s", "Append", 5);
    let mut agent = full.clone();
    agent.session.messages.truncate(3);
    s.save(&agent, 1_000).await.ctx("first save")?;
    let first = s
        .store()
        .messages("s", MessageRange::all())
        .await
        .ctx("records")?;
    ensure_eq(&first.len(), &3, "records after first save")?;
    let report = s.save(&full, 2_000).await.ctx("second save")?;
    ensure(!report.created && report.appended == 2, || {
        format!("second save report {report:?}")
    })?;
    let all = s
        .store()
        .messages("s", MessageRange::all())
        .await
        .ctx("records")?;
    ensure_eq(
        &all.iter().map(|r| r.seq).collect::<Vec<_>>(),
        &vec![0, 1, 2, 3, 4],
        "seq order",
    )?;
    ensure_eq(
        &all[..3].to_vec(),
        &first,
        "earlier records are not rewritten",
    )?;
    ensure_eq(&s.load("s").await.ctx("load")?, &full, "loaded session")?;
    let page = s
        .load_messages("s", MessageRange::page(1, 2))
        .await
        .ctx("page")?;
    ensure_eq(&page, &full.session.messages[1..3].to_vec(), "page 1..3")?;
    let tail = s
        .load_messages("s", MessageRange::page(4, 10))
        .await
        .ctx("tail")?;
    ensure_eq(&tail.len(), &1, "tail page")?;
    ensure_eq(
        &s.store()
            .session("s")
            .await
            .ctx("header")?
            .map(|h| h.updated_at_ms),
        &Some(2_000),
        "update time",
    )?;
    // Appending at an old position is refused.
    match s
        .store()
        .apply(vec![Change::AppendMessage(record("s", 2)?)])
        .await
    {
        Err(StoreError::Conflict { .. }) => {}
        other => return Err(format!("appending at seq 2 again gave {other:?}")),
    }
    match s
        .store()
        .apply(vec![Change::AppendMessage(record("nope", 0)?)])
        .await
    {
        Err(StoreError::NotFound { .. }) => {}
        other => return Err(format!("appending to a missing session gave {other:?}")),
    }
    // Saving an older copy of the session would lose messages: refused.
    match s.save(&agent, 3_000).await {
        Err(SessionsError::Diverged {
            stored: 5,
            given: 3,
            ..
        }) => {}
        other => return Err(format!("saving a shorter session gave {other:?}")),
    }
    let seq = s
        .append("s", &Message::user("one more").with_id("m6"), 4_000)
        .await
        .ctx("append")?;
    ensure_eq(&seq, &5, "append position")?;
    ensure_eq(
        &s.load("s").await.ctx("load")?.session.messages.len(),
        &6,
        "messages after append",
    )?;
    Ok(())
}

/// A streaming reply is saved as it grows, survives a "reload", and is finalised once.
pub async fn streaming_update_and_finalise<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let store = factory.new_store().await;
    let s = Sessions::new(&store);
    let mut agent = conversation("s", "Stream", 1);
    s.save(&agent, 1_000).await.ctx("save")?;
    let partial = |text: &str| Message::assistant(text).with_id("m2");
    let mut handle = s
        .begin_streaming("s", &partial("Hel"), 1_000)
        .await
        .ctx("begin")?;
    ensure_eq(&handle.seq, &1, "streaming seq")?;
    let throttle = SaveThrottle {
        min_interval_ms: 500,
        min_growth_bytes: 1_000,
    };
    let saved = s
        .update_streaming(&mut handle, &partial("Hello"), Some(&throttle), 1_100)
        .await
        .ctx("throttled update")?;
    ensure(!saved, || "a throttled update saved".into())?;
    let saved = s
        .update_streaming(&mut handle, &partial("Hello, wor"), Some(&throttle), 1_600)
        .await
        .ctx("update")?;
    ensure(saved, || "an update past the interval did not save".into())?;
    // Saving the session as it was before the reply began appends nothing and keeps the reply;
    // saving a copy that lacks earlier messages is refused.
    let report = s.save(&agent, 1_700).await.ctx("save during stream")?;
    ensure(report.appended == 0 && !report.finalised, || {
        format!("save during stream: {report:?}")
    })?;
    let mut older = agent.clone();
    older.session.messages.clear();
    match s.save(&older, 1_800).await {
        Err(SessionsError::Diverged {
            stored: 1,
            given: 0,
            ..
        }) => {}
        other => {
            return Err(format!(
                "saving a copy without earlier messages gave {other:?}"
            ));
        }
    }
    // A reload: a new typed layer over the same store sees what arrived so far.
    let reloaded = Sessions::new(&store);
    let loaded = reloaded.load("s").await.ctx("load mid-stream")?;
    ensure_eq(
        &loaded.session.messages.last().map(Message::text),
        &Some("Hello, wor".to_owned()),
        "partial reply after reload",
    )?;
    ensure(
        reloaded
            .has_interrupted_reply("s")
            .await
            .ctx("interrupted")?,
        || "streaming reply not reported".into(),
    )?;
    // Finalising through save(): the agent now holds the whole reply.
    agent.session.push(partial("Hello, world!"), None);
    let report = s.save(&agent, 2_000).await.ctx("save final")?;
    ensure(report.finalised && report.appended == 0, || {
        format!("final save report {report:?}")
    })?;
    ensure(
        !s.has_interrupted_reply("s").await.ctx("interrupted")?,
        || "final reply still streaming".into(),
    )?;
    ensure_eq(&s.load("s").await.ctx("load")?, &agent, "final session")?;
    match s
        .update_streaming(&mut handle, &partial("late"), None, 3_000)
        .await
    {
        Err(SessionsError::Store(StoreError::Conflict { .. })) => {}
        other => return Err(format!("updating a final message gave {other:?}")),
    }
    // The explicit finalise path.
    let handle = s
        .begin_streaming("s", &Message::user("typing").with_id("m3"), 4_000)
        .await
        .ctx("begin 2")?;
    s.finalise(handle.clone(), &Message::user("typed").with_id("m3"), 4_100)
        .await
        .ctx("finalise")?;
    match s
        .finalise(handle, &Message::user("again").with_id("m3"), 4_200)
        .await
    {
        Err(SessionsError::Store(StoreError::Conflict { .. })) => {}
        other => return Err(format!("finalising twice gave {other:?}")),
    }
    let last = s
        .load("s")
        .await
        .ctx("load")?
        .session
        .messages
        .last()
        .map(Message::text);
    ensure_eq(&last, &Some("typed".to_owned()), "finalised text")?;
    Ok(())
}

/// A batch with one failing change leaves everything as it was.
pub async fn aborted_transaction_keeps_old_state<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    let agent = conversation("s", "Keep", 2);
    s.save(&agent, 1_000).await.ctx("save")?;
    let before = s.store().list_sessions(true).await.ctx("list")?;
    let result = s
        .store()
        .apply(vec![
            Change::RenameSession {
                id: "s".into(),
                title: "Changed".into(),
                at_ms: 2_000,
            },
            Change::AppendMessage(record("s", 2)?),
            Change::PutSetting {
                key: "theme".into(),
                value: "\"dark\"".into(),
            },
            Change::PutFile {
                workspace: "s".into(),
                path: "a.txt".into(),
                format: 1,
                content: Some("{\"text\":\"a\"}".into()),
                at_ms: 2_000,
            },
            Change::CreateSession(SessionRecord::new("s", "duplicate", 2_000)),
        ])
        .await;
    ensure(matches!(result, Err(StoreError::Conflict { .. })), || {
        format!("the failing batch gave {result:?}")
    })?;
    ensure_eq(
        &s.store().list_sessions(true).await.ctx("list")?,
        &before,
        "session headers",
    )?;
    ensure_eq(&s.load("s").await.ctx("load")?, &agent, "messages")?;
    ensure(
        s.store().settings().await.ctx("settings")?.is_empty(),
        || "setting written".into(),
    )?;
    ensure(s.store().files("s").await.ctx("files")?.is_empty(), || {
        "file written".into()
    })?;
    Ok(())
}

/// A full disk fails the transaction and damages nothing; the message says what to do.
pub async fn quota_failure_keeps_old_state<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let store = factory.new_store().await;
    let s = Sessions::new(&store);
    let full = conversation("s", "Quota", 4);
    let mut agent = full.clone();
    agent.session.messages.truncate(2);
    s.save(&agent, 1_000).await.ctx("save")?;
    let ws = Workspace::from_files([("main.py", "print(1)\n")]).ctx("workspace")?;
    s.save_workspace("s", &ws, 1_000)
        .await
        .ctx("save workspace")?;
    let before = s.store().list_sessions(true).await.ctx("list")?;

    store.fail_next_with(StoreError::QuotaExceeded);
    let err = match s.save(&full, 2_000).await {
        Err(e) => e,
        Ok(r) => return Err(format!("save under a full disk succeeded: {r:?}")),
    };
    ensure_eq(
        &err,
        &SessionsError::Store(StoreError::QuotaExceeded),
        "error",
    )?;
    let text = err.to_string();
    ensure(
        text.contains("export") && text.contains("delete old"),
        || format!("quota message does not say what to do: {text}"),
    )?;
    ensure_eq(
        &s.load("s").await.ctx("load")?,
        &agent,
        "session after failed save",
    )?;
    ensure_eq(
        &s.store().list_sessions(true).await.ctx("list")?,
        &before,
        "headers after failed save",
    )?;

    let ws2 = Workspace::from_files([("main.py", "print(2)\n"), ("b.py", "")]).ctx("workspace")?;
    store.fail_next_with(StoreError::QuotaExceeded);
    ensure(s.save_workspace("s", &ws2, 2_000).await.is_err(), || {
        "workspace save under a full disk succeeded".into()
    })?;
    ensure_eq(
        &s.load_workspace("s")
            .await
            .ctx("load workspace")?
            .to_files(),
        &ws.to_files(),
        "workspace after failed save",
    )?;

    // Streaming: a failed update keeps the last saved part.
    let mut handle = s
        .begin_streaming("s", &Message::assistant("part one").with_id("x"), 3_000)
        .await
        .ctx("begin")?;
    store.fail_next_with(StoreError::QuotaExceeded);
    ensure(
        s.update_streaming(
            &mut handle,
            &Message::assistant("part one, two").with_id("x"),
            None,
            3_100,
        )
        .await
        .is_err(),
        || "update under a full disk succeeded".into(),
    )?;
    let last = s
        .load("s")
        .await
        .ctx("load")?
        .session
        .messages
        .last()
        .map(Message::text);
    ensure_eq(
        &last,
        &Some("part one".to_owned()),
        "streaming part after failed update",
    )?;

    // Once there is room again, saving works.
    s.update_streaming(
        &mut handle,
        &Message::assistant("part one, two").with_id("x"),
        None,
        3_200,
    )
    .await
    .ctx("update after quota")?;
    Ok(())
}

/// Workspace files are saved as revisions; deletions are revisions too; old ones can be pruned.
pub async fn workspace_files_with_revisions<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    s.create("s", "Files", 1).await.ctx("create")?;
    let mut ws = Workspace::new();
    ws.write("main.py", "print(1)\n").ctx("write")?;
    ws.write("img/logo.bin", Content::Binary(vec![0, 1, 255]))
        .ctx("write")?;
    ensure_eq(
        &s.save_workspace("s", &ws, 10).await.ctx("save")?,
        &2,
        "first save writes both",
    )?;
    ensure_eq(
        &s.save_workspace("s", &ws, 11).await.ctx("save")?,
        &0,
        "unchanged save writes nothing",
    )?;
    ws.write("main.py", "print(2)\n").ctx("write")?;
    ws.remove("img/logo.bin").ctx("remove")?;
    ensure_eq(
        &s.save_workspace("s", &ws, 20).await.ctx("save")?,
        &2,
        "change + deletion",
    )?;
    ensure_eq(
        &s.load_workspace("s").await.ctx("load")?.to_files(),
        &ws.to_files(),
        "loaded workspace",
    )?;
    let history = s.file_revisions("s", "main.py").await.ctx("history")?;
    ensure_eq(
        &history,
        &vec![
            (1, 10, Some(Content::Text("print(1)\n".into()))),
            (2, 20, Some(Content::Text("print(2)\n".into()))),
        ],
        "main.py revisions",
    )?;
    let logo = s.file_revisions("s", "img/logo.bin").await.ctx("history")?;
    ensure_eq(
        &logo.iter().map(|r| r.2.is_some()).collect::<Vec<_>>(),
        &vec![true, false],
        "deletion revision",
    )?;
    // The shared workspace is separate from the session's.
    ensure(
        s.load_workspace(SHARED_WORKSPACE)
            .await
            .ctx("shared")?
            .is_empty(),
        || "shared workspace not empty".into(),
    )?;
    s.store()
        .apply(vec![Change::PruneFileRevisions {
            workspace: "s".into(),
            path: "main.py".into(),
            keep: 1,
        }])
        .await
        .ctx("prune")?;
    let history = s.file_revisions("s", "main.py").await.ctx("history")?;
    ensure_eq(
        &history.iter().map(|r| r.0).collect::<Vec<_>>(),
        &vec![2],
        "pruned revisions",
    )?;
    // Revisions keep counting after a prune.
    ws.write("main.py", "print(3)\n").ctx("write")?;
    s.save_workspace("s", &ws, 30).await.ctx("save")?;
    let revisions: Vec<u64> = s
        .file_revisions("s", "main.py")
        .await
        .ctx("history")?
        .iter()
        .map(|r| r.0)
        .collect();
    ensure_eq(&revisions, &vec![2, 3], "revisions after prune")?;
    Ok(())
}

/// Settings are key/value; keys live in their own store and can all be forgotten at once.
pub async fn settings_and_keys<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    ensure_eq(
        &s.setting::<String>("theme").await.ctx("setting")?,
        &None,
        "unset setting",
    )?;
    s.set_setting("theme", &"dark").await.ctx("set")?;
    s.set_setting("font_size", &14u32).await.ctx("set")?;
    ensure_eq(
        &s.setting::<String>("theme").await.ctx("setting")?,
        &Some("dark".to_owned()),
        "theme",
    )?;
    ensure_eq(
        &s.setting::<u32>("font_size").await.ctx("setting")?,
        &Some(14),
        "font size",
    )?;
    s.store()
        .apply(vec![Change::DeleteSetting {
            key: "theme".into(),
        }])
        .await
        .ctx("delete setting")?;
    ensure_eq(
        &s.setting::<String>("theme").await.ctx("setting")?,
        &None,
        "deleted setting",
    )?;
    match s.setting::<u32>("missing-but-wrong-type").await {
        Ok(None) => {}
        other => return Err(format!("missing setting gave {other:?}")),
    }
    s.remember_key("anthropic", "sk-ant-secret")
        .await
        .ctx("remember")?;
    s.remember_key("openai", "sk-openai-secret")
        .await
        .ctx("remember")?;
    ensure_eq(
        &s.remembered_key("anthropic").await.ctx("key")?,
        &Some("sk-ant-secret".to_owned()),
        "key",
    )?;
    ensure_eq(
        &s.store().api_key_names().await.ctx("names")?,
        &vec!["anthropic".to_owned(), "openai".into()],
        "key names",
    )?;
    s.store()
        .apply(vec![Change::DeleteApiKey {
            name: "openai".into(),
        }])
        .await
        .ctx("delete key")?;
    ensure_eq(
        &s.store().api_key_names().await.ctx("names")?,
        &vec!["anthropic".to_owned()],
        "key names after delete",
    )?;
    s.forget_keys().await.ctx("forget")?;
    ensure(
        s.store().api_key_names().await.ctx("names")?.is_empty(),
        || "keys left after forgetting".into(),
    )?;
    ensure_eq(
        &s.setting::<u32>("font_size").await.ctx("setting")?,
        &Some(14),
        "settings survive forgetting keys",
    )?;
    Ok(())
}

/// Remembered API keys never appear in any export.
pub async fn keys_never_exported<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    s.save(&conversation("s", "Keys", 2), 1).await.ctx("save")?;
    s.remember_key("anthropic", "sk-ant-SECRET-123")
        .await
        .ctx("remember")?;
    s.set_setting("provider", &"anthropic")
        .await
        .ctx("setting")?;
    for json in [
        s.export_all(2).await.ctx("export all")?.to_json(),
        s.export_session("s", 2).await.ctx("export one")?.to_json(),
    ] {
        ensure(!json.contains("SECRET"), || {
            "an export contains an API key".into()
        })?;
        ensure(!json.contains("anthropic"), || {
            "an export mentions the key store".into()
        })?;
    }
    Ok(())
}

async fn sample_store<F: StoreFactory>(factory: &mut F) -> Result<Sessions<F::Store>, String> {
    let s = Sessions::new(factory.new_store().await);
    s.save(&conversation("a", "Alpha", 3), 1_000)
        .await
        .ctx("save a")?;
    s.save(&conversation("b", "Beta", 2), 2_000)
        .await
        .ctx("save b")?;
    let ws = Workspace::from_files([
        ("main.py", Content::Text("print('a')\n".into())),
        ("bin/x", Content::Binary(vec![0, 159, 146, 150])),
    ])
    .ctx("workspace")?;
    s.save_workspace("a", &ws, 1_500).await.ctx("save files")?;
    let shared = Workspace::from_files([("notes.md", "# Notes\n")]).ctx("workspace")?;
    s.save_workspace(SHARED_WORKSPACE, &shared, 1_600)
        .await
        .ctx("save shared")?;
    s.rename("b", "Beta (renamed)", 2_500).await.ctx("rename")?;
    Ok(s)
}

/// Export everything, import into an empty store, export again: the same file.
pub async fn export_import_round_trip<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let source = sample_store(factory).await?;
    let exported = source.export_all(9_000).await.ctx("export")?;
    let json = exported.to_json();
    ensure_eq(
        &ExportFile::parse(&json).ctx("parse")?,
        &exported,
        "parsed file",
    )?;

    let target = Sessions::new(factory.new_store().await);
    let plan = target.plan_import(&json).await.ctx("plan")?;
    ensure(!plan.has_conflicts(), || {
        "conflicts importing into an empty store".into()
    })?;
    ensure_eq(&plan.from_version, &crate::EXPORT_VERSION, "version")?;
    let report = target
        .import(&plan, &ImportChoices::default(), 9_500)
        .await
        .ctx("import")?;
    ensure_eq(
        &report.imported,
        &vec![("a".to_owned(), "a".to_owned()), ("b".into(), "b".into())],
        "imported ids",
    )?;
    ensure_eq(&report.shared_files_written, &1, "shared files")?;
    let again = target.export_all(9_000).await.ctx("export again")?;
    ensure_eq(&again, &exported, "export after import")?;
    ensure_eq(&again.to_json(), &json, "export JSON after import")?;
    for id in ["a", "b"] {
        ensure_eq(
            &target.load(id).await.ctx("load")?,
            &source.load(id).await.ctx("load")?,
            "loaded session",
        )?;
    }
    ensure_eq(
        &target.list().await.ctx("list")?,
        &source.list().await.ctx("list")?,
        "session list",
    )?;

    // One session alone.
    let one = source.export_session("a", 9_000).await.ctx("export one")?;
    ensure_eq(&one.sessions.len(), &1, "one session exported")?;
    ensure_eq(&one.sessions[0].files.len(), &2, "its files")?;
    ensure(one.shared_files.is_empty(), || {
        "single export carries shared files".into()
    })?;
    Ok(())
}

fn expect_import_error(
    text: &str,
    check: impl FnOnce(&ImportError) -> bool,
    what: &str,
) -> CaseResult {
    match ExportFile::parse(text) {
        Err(e) if check(&e) => Ok(()),
        Err(e) => Err(format!("{what}: unexpected error {e:?} ({e})")),
        Ok(_) => Err(format!("{what}: the file was accepted")),
    }
}

/// Bad files are refused with errors that say what is wrong and where; nothing is written.
pub async fn malformed_imports_rejected<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let good = ExportFile::new(
        vec![crate::ExportedSession::from_agent_session(conversation(
            "s", "Good", 2,
        ))],
        Vec::new(),
        None,
    );
    let good_json = good.to_json();
    let value: serde_json::Value = serde_json::from_str(&good_json).ctx("json")?;
    let edit = |f: &dyn Fn(&mut serde_json::Value)| -> String {
        let mut v = value.clone();
        f(&mut v);
        v.to_string()
    };
    let missing_messages = edit(&|v| {
        if let Some(s) = v
            .pointer_mut("/sessions/0/session")
            .and_then(serde_json::Value::as_object_mut)
        {
            s.remove("messages");
        }
    });
    let bad_role = edit(&|v| {
        if let Some(r) = v.pointer_mut("/sessions/0/session/messages/1/role") {
            *r = serde_json::json!("robot");
        }
    });
    let empty_id = edit(&|v| {
        if let Some(r) = v.pointer_mut("/sessions/0/session/id") {
            *r = serde_json::json!("");
        }
    });
    let dup_message = edit(&|v| {
        if let Some(r) = v.pointer_mut("/sessions/0/session/messages/1/id") {
            *r = serde_json::json!("m1");
        }
    });
    let bad_path = edit(&|v| {
        if let Some(s) = v
            .pointer_mut("/sessions/0")
            .and_then(serde_json::Value::as_object_mut)
        {
            s.insert(
                "files".into(),
                serde_json::json!([{"path": "../etc/passwd", "content": {"text": "x"}}]),
            );
        }
    });
    let newer = edit(&|v| v["version"] = serde_json::json!(99));
    let string_version = edit(&|v| v["version"] = serde_json::json!("1"));
    let wrong_tag = edit(&|v| v["format"] = serde_json::json!("opencode-session"));
    let no_sessions = edit(&|v| v["sessions"] = serde_json::json!([]));

    expect_import_error(
        "{\"format\": \"kiln-session\",",
        |e| {
            matches!(e, ImportError::NotJson { line: 1, .. })
                && e.to_string().contains("not valid JSON")
        },
        "truncated JSON",
    )?;
    expect_import_error(
        "hello",
        |e| matches!(e, ImportError::NotJson { .. }),
        "plain text",
    )?;
    expect_import_error(
        "[1, 2]",
        |e| matches!(e, ImportError::NotAnExport { .. }) && e.to_string().contains("found a list"),
        "a list",
    )?;
    expect_import_error(
        "{\"name\": \"x\"}",
        |e| e.to_string().contains("fields name"),
        "another JSON object",
    )?;
    expect_import_error(
        &wrong_tag,
        |e| {
            matches!(e, ImportError::WrongFormat { .. })
                && e.to_string().contains("\"opencode-session\"")
        },
        "wrong format tag",
    )?;
    expect_import_error(
        &newer,
        |e| {
            matches!(e, ImportError::NewerVersion { found: 99, .. })
                && e.to_string().contains("newer version of Kiln")
        },
        "newer version",
    )?;
    expect_import_error(
        &string_version,
        |e| matches!(e, ImportError::BadVersion { .. }) && e.to_string().contains("\"1\""),
        "version as a string",
    )?;
    expect_import_error(
        &missing_messages,
        |e| {
            e.to_string().contains("`sessions[0].session`")
                && e.to_string().contains("missing field `messages`")
        },
        "missing messages",
    )?;
    expect_import_error(
        &bad_role,
        |e| {
            e.to_string()
                .contains("`sessions[0].session.messages[1].role`")
                && e.to_string().contains("robot")
        },
        "bad role",
    )?;
    expect_import_error(
        &empty_id,
        |e| matches!(e, ImportError::BadId { path, .. } if path == "sessions[0].session.id"),
        "empty id",
    )?;
    expect_import_error(
        &dup_message,
        |e| e.to_string().contains("same id") && e.to_string().contains("messages[1].id"),
        "duplicate message id",
    )?;
    expect_import_error(
        &bad_path,
        |e| matches!(e, ImportError::BadFilePath { path, .. } if path == "sessions[0].files[0].path"),
        "bad file path",
    )?;
    expect_import_error(
        &no_sessions,
        |e| matches!(e, ImportError::Empty),
        "no sessions",
    )?;

    // Through the typed layer: refused, nothing written.
    let s = Sessions::new(factory.new_store().await);
    match s.plan_import(&bad_role).await {
        Err(SessionsError::Import(_)) => {}
        other => return Err(format!("planning a bad file gave {other:?}")),
    }
    ensure(s.list().await.ctx("list")?.is_empty(), || {
        "a bad import wrote something".into()
    })?;
    Ok(())
}

/// Importing over existing ids never overwrites unless asked: ids are remapped instead.
pub async fn import_conflicts_remap_ids<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    let mine = conversation("s1", "Mine", 2);
    s.save(&mine, 1_000).await.ctx("save")?;
    let theirs = conversation("s1", "Theirs", 4);
    let file = ExportFile::new(
        vec![
            crate::ExportedSession::from_agent_session(theirs.clone()),
            crate::ExportedSession::from_agent_session(conversation("s1", "Theirs too", 1)),
            crate::ExportedSession::from_agent_session(conversation("s9", "New", 1)),
        ],
        Vec::new(),
        None,
    );
    let plan = s.plan_import(&file.to_json()).await.ctx("plan")?;
    ensure(plan.has_conflicts(), || "no conflict reported".into())?;
    let conflict = plan.sessions[0]
        .conflict
        .clone()
        .ok_or("first session: no conflict")?;
    ensure_eq(
        &conflict.existing_title,
        &"Mine".to_owned(),
        "conflict title",
    )?;
    ensure(!conflict.identical, || {
        "different sessions called identical".into()
    })?;
    let new_ids: Vec<&str> = plan.sessions.iter().map(|p| p.new_id.as_str()).collect();
    ensure_eq(&new_ids, &vec!["s1-2", "s1-3", "s9"], "remapped ids")?;

    // Default: keep both.
    let report = s
        .import(&plan, &ImportChoices::default(), 2_000)
        .await
        .ctx("import")?;
    ensure_eq(
        &report
            .imported
            .iter()
            .map(|p| p.1.as_str())
            .collect::<Vec<_>>(),
        &vec!["s1-2", "s1-3", "s9"],
        "imported as",
    )?;
    ensure_eq(
        &s.load("s1").await.ctx("load")?,
        &mine,
        "existing session untouched",
    )?;
    let mut expected = theirs.clone();
    expected.session.id = "s1-2".into();
    ensure_eq(
        &s.load("s1-2").await.ctx("load")?,
        &expected,
        "imported beside it",
    )?;

    // Skip.
    let plan = s
        .plan_import(
            &ExportFile::new(
                vec![crate::ExportedSession::from_agent_session(theirs.clone())],
                Vec::new(),
                None,
            )
            .to_json(),
        )
        .await
        .ctx("plan")?;
    ensure_eq(&plan.sessions[0].new_id, &"s1-4".to_owned(), "next free id")?;
    let choices = ImportChoices {
        default: Resolution::Skip,
        ..ImportChoices::default()
    };
    let report = s.import(&plan, &choices, 3_000).await.ctx("skip")?;
    ensure_eq(&report.skipped, &vec!["s1".to_owned()], "skipped")?;
    ensure_eq(&s.list().await.ctx("list")?.len(), &4, "nothing added")?;

    // Replace, only on explicit choice.
    let mut choices = ImportChoices::default();
    choices.per_session.insert("s1".into(), Resolution::Replace);
    let report = s.import(&plan, &choices, 4_000).await.ctx("replace")?;
    ensure_eq(&report.replaced, &vec!["s1".to_owned()], "replaced")?;
    ensure_eq(
        &s.load("s1").await.ctx("load")?,
        &theirs,
        "replaced session",
    )?;

    // Importing the same again: reported identical.
    let plan = s
        .plan_import(&s.export_session("s1", 5_000).await.ctx("export")?.to_json())
        .await
        .ctx("plan")?;
    ensure(
        plan.sessions[0]
            .conflict
            .as_ref()
            .is_some_and(|c| c.identical),
        || "identical session not recognised".into(),
    )?;

    // Shared files: a different stored file is kept unless the user says otherwise.
    let shared = Workspace::from_files([("notes.md", "mine\n")]).ctx("workspace")?;
    s.save_workspace(SHARED_WORKSPACE, &shared, 6_000)
        .await
        .ctx("save shared")?;
    let file = ExportFile::new(
        Vec::new(),
        vec![crate::ExportedFile {
            path: "notes.md".into(),
            content: Content::Text("theirs\n".into()),
        }],
        None,
    );
    let plan = s.plan_import(&file.to_json()).await.ctx("plan")?;
    ensure_eq(
        &plan.shared_file_conflicts,
        &vec!["notes.md".to_owned()],
        "shared conflicts",
    )?;
    let report = s
        .import(&plan, &ImportChoices::default(), 7_000)
        .await
        .ctx("import")?;
    ensure_eq(&report.shared_files_kept, &1, "kept")?;
    ensure_eq(
        &s.load_workspace(SHARED_WORKSPACE)
            .await
            .ctx("load")?
            .read_text("notes.md")
            .ctx("read")?
            .to_owned(),
        &"mine\n".to_owned(),
        "shared file kept",
    )?;
    Ok(())
}

/// Search finds titles and message text, case-insensitively, with snippets.
pub async fn search_titles_and_content<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    let mut a = AgentSession {
        session: Session::new("a", "Parsing CSV files"),
        ..AgentSession::default()
    };
    a.session
        .push(Message::user("How do I read a csv in Python?"), None);
    a.session.push(
        Message::assistant("Use the csv module: csv.reader(open('data.csv'))."),
        None,
    );
    s.save(&a, 1_000).await.ctx("save a")?;
    let mut b = AgentSession {
        session: Session::new("b", "Rust lifetimes"),
        ..AgentSession::default()
    };
    b.session.push(
        Message::user(format!(
            "{} Then I tried CSV again. {}",
            "x".repeat(200),
            "y".repeat(200)
        )),
        None,
    );
    s.save(&b, 2_000).await.ctx("save b")?;
    s.save(&conversation("c", "Unrelated", 2), 3_000)
        .await
        .ctx("save c")?;

    let hits = s.search("csv", 10).await.ctx("search")?;
    ensure_eq(
        &hits
            .iter()
            .map(|h| h.session_id.as_str())
            .collect::<Vec<_>>(),
        &vec!["a", "b"],
        "hits (title matches first)",
    )?;
    ensure(hits[0].title_matched && !hits[1].title_matched, || {
        "title_matched flags".into()
    })?;
    ensure_eq(&hits[0].snippets.len(), &2, "snippets in a")?;
    let snippet = &hits[1].snippets[0];
    ensure(
        snippet.text.starts_with('…') && snippet.text.ends_with('…'),
        || format!("long text not cut: {}", snippet.text),
    )?;
    ensure_eq(
        &snippet.text[snippet.highlight.0..snippet.highlight.1].to_owned(),
        &"CSV".to_owned(),
        "highlight",
    )?;
    ensure(
        s.search("  LIFETIMES ", 10).await.ctx("search")?.len() == 1,
        || "title search".into(),
    )?;
    ensure(
        s.search("nothing like this", 10)
            .await
            .ctx("search")?
            .is_empty(),
        || "no hits expected".into(),
    )?;
    ensure(s.search("", 10).await.ctx("search")?.is_empty(), || {
        "empty query".into()
    })?;
    ensure_eq(&s.search("csv", 1).await.ctx("search")?.len(), &1, "limit")?;
    s.delete("a", 4_000).await.ctx("delete")?;
    ensure_eq(
        &s.search("csv", 10).await.ctx("search")?.len(),
        &1,
        "deleted sessions are not searched",
    )?;
    Ok(())
}

/// Branching copies messages up to one, with files; duplicate copies everything.
pub async fn branch_and_duplicate<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    let original = conversation("s", "Original", 6);
    s.save(&original, 1_000).await.ctx("save")?;
    let ws = Workspace::from_files([("main.py", "print(1)\n")]).ctx("workspace")?;
    s.save_workspace("s", &ws, 1_000).await.ctx("files")?;

    let id = s.branch("s", Some("m4"), None, 2_000).await.ctx("branch")?;
    ensure_eq(&id, &"s-2".to_owned(), "branch id")?;
    let branch = s.load(&id).await.ctx("load branch")?;
    ensure_eq(
        &branch.session.messages,
        &original.session.messages[..4].to_vec(),
        "branch messages",
    )?;
    ensure_eq(
        &branch.session.title,
        &"Original (branch)".to_owned(),
        "branch title",
    )?;
    ensure_eq(
        &branch.session.usage.input_tokens,
        &200,
        "branch usage recounted",
    )?;
    ensure_eq(
        &s.load_workspace(&id).await.ctx("files")?.to_files(),
        &ws.to_files(),
        "branch files",
    )?;
    ensure_eq(
        &s.load("s").await.ctx("load")?,
        &original,
        "original untouched",
    )?;
    match s.branch("s", Some("m99"), None, 2_000).await {
        Err(SessionsError::NoSuchMessage { .. }) => {}
        other => return Err(format!("branching from a missing message gave {other:?}")),
    }

    let copy = s.duplicate("s", 3_000).await.ctx("duplicate")?;
    ensure_eq(&copy, &"s-3".to_owned(), "copy id")?;
    let mut expected = original.clone();
    expected.session.id = copy.clone();
    expected.session.title = "Original (copy)".into();
    ensure_eq(&s.load(&copy).await.ctx("load copy")?, &expected, "copy")?;
    ensure_eq(
        &s.list().await.ctx("list")?[0].id,
        &copy,
        "copy listed first",
    )?;
    let named = s
        .branch("s", Some("m1"), Some("Try again"), 4_000)
        .await
        .ctx("named branch")?;
    ensure_eq(
        &s.load(&named).await.ctx("load")?.session.title,
        &"Try again".to_owned(),
        "given title",
    )?;
    Ok(())
}

/// Delete hides a session, undo restores it whole, purge removes it for good.
pub async fn delete_and_undo<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    let agent = conversation("s", "Doomed", 3);
    s.save(&agent, 1_000).await.ctx("save")?;
    s.save_workspace(
        "s",
        &Workspace::from_files([("a.txt", "a")]).ctx("ws")?,
        1_000,
    )
    .await
    .ctx("files")?;
    s.save(&conversation("t", "Other", 1), 2_000)
        .await
        .ctx("save t")?;

    let deleted = s.delete("s", 3_000).await.ctx("delete")?;
    ensure_eq(&deleted.title, &"Doomed".to_owned(), "undo notice title")?;
    ensure_eq(
        &s.list()
            .await
            .ctx("list")?
            .iter()
            .map(|x| x.id.clone())
            .collect::<Vec<_>>(),
        &vec!["t".to_owned()],
        "list after delete",
    )?;
    ensure_eq(
        &s.list_deleted()
            .await
            .ctx("bin")?
            .iter()
            .map(|x| x.deleted_at_ms)
            .collect::<Vec<_>>(),
        &vec![Some(3_000)],
        "bin",
    )?;
    ensure(
        s.export_all(4_000).await.ctx("export")?.sessions.len() == 1,
        || "deleted session exported".into(),
    )?;

    s.undo_delete(&deleted).await.ctx("undo")?;
    ensure_eq(&s.load("s").await.ctx("load")?, &agent, "restored session")?;
    ensure_eq(&s.list().await.ctx("list")?.len(), &2, "list after undo")?;
    ensure_eq(
        &s.load_workspace("s").await.ctx("files")?.len(),
        &1,
        "restored files",
    )?;

    let deleted = s.delete("s", 5_000).await.ctx("delete again")?;
    ensure_eq(
        &s.purge_deleted(4_999).await.ctx("purge early")?,
        &0,
        "nothing deleted that early",
    )?;
    ensure_eq(&s.purge_deleted(5_000).await.ctx("purge")?, &1, "purged")?;
    ensure(
        s.store().session("s").await.ctx("header")?.is_none(),
        || "purged header left".into(),
    )?;
    ensure(
        s.store()
            .messages("s", MessageRange::all())
            .await
            .ctx("messages")?
            .is_empty(),
        || "purged messages left".into(),
    )?;
    ensure(s.store().files("s").await.ctx("files")?.is_empty(), || {
        "purged files left".into()
    })?;
    match s.undo_delete(&deleted).await {
        Err(SessionsError::Store(StoreError::NotFound { .. })) => {}
        other => return Err(format!("undoing a purged delete gave {other:?}")),
    }
    // The id is free again.
    s.create("s", "Reborn", 6_000).await.ctx("reuse id")?;
    Ok(())
}

/// The format-1 record fixtures (tests/fixtures/v1) and the export fixtures load, forever.
pub async fn fixtures_keep_loading<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    let session: SessionRecord =
        serde_json::from_str(include_str!("../tests/fixtures/v1/session.json"))
            .ctx("session fixture")?;
    let messages: Vec<MessageRecord> =
        serde_json::from_str(include_str!("../tests/fixtures/v1/messages.json"))
            .ctx("messages fixture")?;
    let files: Vec<FileRecord> =
        serde_json::from_str(include_str!("../tests/fixtures/v1/files.json"))
            .ctx("files fixture")?;
    let expected: AgentSession =
        serde_json::from_str(include_str!("../tests/fixtures/v1/expected-session.json"))
            .ctx("expected fixture")?;
    let id = session.id.clone();
    let mut changes = vec![Change::CreateSession(session)];
    changes.extend(messages.into_iter().map(Change::AppendMessage));
    changes.extend(files.into_iter().map(|f| Change::PutFile {
        workspace: f.workspace,
        path: f.path,
        format: f.format,
        content: f.content,
        at_ms: f.updated_at_ms,
    }));
    s.store()
        .apply(changes)
        .await
        .ctx("writing fixture records")?;
    ensure_eq(
        &s.load(&id).await.ctx("load fixture")?,
        &expected,
        "fixture session",
    )?;
    let ws = s.load_workspace(&id).await.ctx("fixture files")?;
    ensure_eq(
        &ws.read_text("main.py").ctx("main.py")?.to_owned(),
        &"for i in range(1, 101):\n    print(i)\n".to_owned(),
        "main.py",
    )?;
    ensure_eq(
        &ws.read("data/logo.bin").ctx("logo")?.as_bytes().to_vec(),
        &vec![0u8, 1, 255],
        "binary file",
    )?;
    ensure(!ws.is_file("old.txt"), || {
        "deleted fixture file came back".into()
    })?;

    // The version-1 export fixture, and a version-0 file: a bare `AgentSession`, as written by
    // `kiln ask --transcript`.
    let (file, version) =
        ExportFile::parse_versioned(include_str!("../tests/fixtures/export-v1.json"))
            .ctx("export v1")?;
    ensure_eq(&version, &1, "export v1 version")?;
    ensure_eq(
        &file.sessions[0].agent_session(),
        &expected,
        "export v1 session",
    )?;
    let fresh = Sessions::new(factory.new_store().await);
    let plan = fresh
        .plan_import(include_str!("../tests/fixtures/transcript-v0.json"))
        .await
        .ctx("plan v0")?;
    ensure_eq(&plan.from_version, &0, "v0 detected")?;
    fresh
        .import(&plan, &ImportChoices::default(), 1)
        .await
        .ctx("import v0")?;
    let loaded = fresh.load("ask-1764288000").await.ctx("load v0")?;
    ensure_eq(&loaded.session.messages.len(), &2, "v0 messages")?;
    ensure_eq(&loaded.session.cost_usd, &0.0003, "v0 cost")?;
    Ok(())
}

/// Records written by a newer Kiln are refused with words, not misread.
pub async fn newer_formats_refused<F: StoreFactory>(factory: &mut F) -> CaseResult {
    let s = Sessions::new(factory.new_store().await);
    s.create("s", "Future", 1).await.ctx("create")?;
    let mut future = record("s", 0)?;
    future.format = crate::PAYLOAD_FORMAT + 1;
    s.store()
        .apply(vec![Change::AppendMessage(future)])
        .await
        .ctx("append")?;
    match s.load("s").await {
        Err(SessionsError::Store(e @ StoreError::NewerFormat { .. })) => {
            ensure(e.to_string().contains("newer version of Kiln"), || {
                format!("message: {e}")
            })?;
        }
        other => return Err(format!("loading a newer record gave {other:?}")),
    }
    let mut broken = record("s", 1)?;
    broken.payload = "{not json".into();
    s.store()
        .apply(vec![Change::AppendMessage(broken)])
        .await
        .ctx("append")?;
    match s.load_messages("s", MessageRange::page(1, 1)).await {
        Err(SessionsError::Store(StoreError::Corrupt { what, .. })) => {
            ensure(what.contains("message 1"), || what.clone())?
        }
        other => return Err(format!("loading a damaged record gave {other:?}")),
    }
    Ok(())
}

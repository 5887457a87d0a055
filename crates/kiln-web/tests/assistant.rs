//! The assistant in the browser, end to end below the UI: kiln-agent's `Agent` over
//! `FetchTransport` talks to `kiln-fake-provider` (a tool-calling conversation: the model
//! writes a file, then answers), the app's way of saving stores the session message by message
//! through `kiln_sessions::Sessions<IdbStore>`, and a new `IdbStore` opened on the same
//! database — what a reload does — reads the conversation and the written file back equal.
//!
//! Run by `cargo xtask webtest`, which starts a fake provider for this file with the script
//! `xtask/src/webtest.rs` writes (`AGENT_FILE`, `AGENT_CONTENT`, `AGENT_ANSWER` there) and
//! passes its URL at compile time as `KILN_FAKE_AGENT_URL`.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use futures_channel::mpsc;
use futures_util::StreamExt;
use futures_util::future::{LocalBoxFuture, join};
use kiln_agent::{
    Agent, AgentEvent, AgentSession, Answer, Approver, Finish, Host, PermissionRequest, Policy,
};
use kiln_assistant::{CancelToken, Catalogue, Client, ProviderConfig, ProviderKind, Session};
use kiln_sessions::{SaveReport, Sessions};
use kiln_vfs::Workspace;
use kiln_web::{FetchTransport, IdbStore, PageEnvironment, TimeoutSleeper};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The fake provider for this file (see the module docs).
const FAKE_AGENT_URL: Option<&str> = option_env!("KILN_FAKE_AGENT_URL");

/// What that script's `write` call writes, and its closing answer.
const AGENT_FILE: &str = "hello.py";
const AGENT_CONTENT: &str = "print('Hello from Kiln')\n";
const AGENT_ANSWER: &str = "I wrote hello.py; run it to see the greeting.";

/// Says yes once to each question, as a user clicking "Allow" would.
struct AllowOnce;

impl Approver for AllowOnce {
    fn ask<'a>(&'a self, _request: &'a PermissionRequest) -> LocalBoxFuture<'a, Answer> {
        Box::pin(async { Answer::Once })
    }
}

fn now_ms() -> u64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let now = js_sys::Date::now() as u64;
    now
}

fn unique_name(tag: &str) -> String {
    format!(
        "kiln-test-{tag}-{}-{}",
        js_sys::Date::now(),
        (js_sys::Math::random() * 1e9).floor()
    )
}

#[wasm_bindgen_test]
async fn a_conversation_saved_message_by_message_survives_a_reload() {
    let base = FAKE_AGENT_URL.expect(
        "built without KILN_FAKE_AGENT_URL: run these tests with `cargo xtask webtest`, which \
         starts kiln-fake-provider and passes its URL at compile time",
    );
    let transport = Rc::new(FetchTransport::new());
    let client = Client::new(
        ProviderConfig::new(ProviderKind::OpenAi)
            .with_key("sk-test")
            .with_base_url(format!("{base}/v1")),
        transport.clone(),
        Rc::new(TimeoutSleeper),
    );
    let host = Host {
        client,
        transport,
        // Not called in this conversation; its description goes into the system prompt.
        environment: Rc::new(PageEnvironment::from_page()),
        approver: Rc::new(AllowOnce),
        catalogue: Catalogue::builtin(),
    };
    let session_id = "s-hello";
    let agent = Agent::new(
        host,
        "fake-model",
        Workspace::new(),
        Policy::default(),
        AgentSession {
            session: Session::new(session_id, "Hello world in Python"),
            ..AgentSession::default()
        },
    );

    let database = unique_name("assistant");
    let sessions = Sessions::new(IdbStore::open(&database).await.expect("open the store"));

    // Each finished model response and each finished tool call hands a snapshot to the saver,
    // which stores it while the agent works on (the app's chat view does the same).
    let (snapshots, mut to_save) = mpsc::unbounded::<(AgentSession, Workspace)>();
    let conversation = async {
        let agent = &agent;
        let mut answer = String::new();
        let streamed = &mut answer;
        let mut on_event = move |event: AgentEvent| match event {
            AgentEvent::Text(text) => streamed.push_str(&text),
            AgentEvent::TurnFinished { .. } | AgentEvent::ToolFinished { .. } => {
                let snapshot = (agent.session().clone(), agent.workspace().clone());
                snapshots
                    .unbounded_send(snapshot)
                    .expect("the saver is listening");
            }
            _ => {}
        };
        let finish = agent
            .send(
                "Write a hello world program in Python.",
                &CancelToken::new(),
                &mut on_event,
            )
            .await;
        // Ends the saver's stream.
        drop(on_event);
        (finish, answer)
    };
    let saver = async {
        let mut reports: Vec<SaveReport> = Vec::new();
        let mut files_saved = 0;
        while let Some((snapshot, workspace)) = to_save.next().await {
            reports.push(
                sessions
                    .save(&snapshot, now_ms())
                    .await
                    .expect("save the session"),
            );
            files_saved += sessions
                .save_workspace(session_id, &workspace, now_ms())
                .await
                .expect("save the workspace");
        }
        (reports, files_saved)
    };
    let ((finish, answer), (reports, files_saved)) = join(conversation, saver).await;
    assert_eq!(finish, Ok(Finish::Done));
    assert_eq!(answer, AGENT_ANSWER);

    let session = agent.session().clone();
    // user, assistant (write call), tool result, assistant (answer).
    assert_eq!(session.session.messages.len(), 4, "{session:#?}");
    assert_eq!(
        session.decisions.len(),
        1,
        "the write was asked for and allowed"
    );
    let appended: Vec<usize> = reports.iter().map(|r| r.appended).collect();
    assert!(reports[0].created, "the first save creates the session");
    // Saved as the conversation went, not all at the end: the question and the write call
    // after the first response, nothing new after the tool ran (its file is saved then), the
    // tool's result and the answer after the second response.
    assert_eq!(appended, [2, 0, 2], "{reports:?}");
    assert_eq!(files_saved, 1, "hello.py saved once");
    // Everything was saved while the agent worked: a last save has nothing to add.
    let last = sessions
        .save(&session, now_ms())
        .await
        .expect("a last save");
    assert_eq!(last.appended, 0);
    drop(sessions);

    // A reload: a new store on the same database.
    let reloaded = Sessions::new(IdbStore::open(&database).await.expect("reopen"));
    let listed = reloaded.list().await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].title, "Hello world in Python");
    assert_eq!(reloaded.load(session_id).await.expect("load"), session);
    let workspace = reloaded
        .load_workspace(session_id)
        .await
        .expect("load the workspace");
    assert_eq!(workspace.to_files(), agent.workspace().to_files());
    assert_eq!(
        workspace
            .read(AGENT_FILE)
            .expect("hello.py is there")
            .as_text(),
        Some(AGENT_CONTENT)
    );
    drop(reloaded);
    IdbStore::delete_database(&database)
        .await
        .expect("delete the test database");
}

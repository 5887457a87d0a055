//! Export format stability and the `kiln ask --transcript` file.

use futures_executor::block_on;
use kiln_agent::AgentSession;
use kiln_assistant::{Message, Session};
use kiln_core::store::{Change, FileRecord, MemoryStore, MessageRecord, SessionRecord, Store};
use kiln_sessions::{ExportFile, ImportChoices, Sessions};

/// What `kiln ask --transcript` writes today: `serde_json::to_string_pretty(&AgentSession)`.
#[test]
fn a_kiln_ask_transcript_imports_as_version_0() {
    let mut agent = AgentSession {
        session: Session::new("ask-1", "kiln ask"),
        ..AgentSession::default()
    };
    agent.session.push(Message::user("fix main.py"), None);
    agent.session.push(Message::assistant("done"), Some(0.01));
    let transcript = serde_json::to_string_pretty(&agent).unwrap();

    let sessions = Sessions::new(MemoryStore::new());
    let plan = block_on(sessions.plan_import(&transcript)).unwrap();
    assert_eq!(plan.from_version, 0);
    block_on(sessions.import(&plan, &ImportChoices::default(), 5)).unwrap();
    assert_eq!(block_on(sessions.load("ask-1")).unwrap(), agent);

    // Errors inside a bare transcript name paths as they are in that file.
    let broken = transcript.replace("\"role\": \"assistant\"", "\"role\": 7");
    let err = ExportFile::parse(&broken).unwrap_err().to_string();
    assert!(err.contains("`session.messages[1].role`"), "{err}");
}

/// The version-1 export fixture is exactly what exporting the version-1 record fixtures gives:
/// the format does not drift.
#[test]
fn exporting_the_v1_records_gives_the_v1_export_fixture() {
    let store = MemoryStore::new();
    let session: SessionRecord =
        serde_json::from_str(include_str!("fixtures/v1/session.json")).unwrap();
    let messages: Vec<MessageRecord> =
        serde_json::from_str(include_str!("fixtures/v1/messages.json")).unwrap();
    let files: Vec<FileRecord> =
        serde_json::from_str(include_str!("fixtures/v1/files.json")).unwrap();
    let mut changes = vec![Change::CreateSession(session)];
    changes.extend(messages.into_iter().map(Change::AppendMessage));
    changes.extend(files.into_iter().map(|f| Change::PutFile {
        workspace: f.workspace,
        path: f.path,
        format: f.format,
        content: f.content,
        at_ms: f.updated_at_ms,
    }));
    block_on(store.apply(changes)).unwrap();
    let sessions = Sessions::new(store);
    let exported = block_on(sessions.export_session("fixture-v1", 1_764_290_000_000)).unwrap();
    let fixture = ExportFile::parse(include_str!("fixtures/export-v1.json")).unwrap();
    assert_eq!(exported.sessions, fixture.sessions);
    assert_eq!(exported.format, "kiln-session");
    assert_eq!(exported.version, 1);
}

#[test]
fn error_messages_read_well() {
    let err = ExportFile::parse("{\"format\":\"kiln-session\",\"version\":1,\"sessions\":[{}]}")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the file is not a valid Kiln export at `sessions[0]`: missing field `session`"
    );
    let err = ExportFile::parse("{\"format\":\"kiln-session\",\"version\":3,\"sessions\":[]}")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "this file was exported by a newer version of Kiln (export version 3; this Kiln reads up to 1); reload the page to update Kiln, then import it again"
    );
}

//! Kiln's saved sessions: the typed layer the app uses over any [`Store`].
//!
//! [`Sessions`] saves and loads the agent's conversations ([`AgentSession`]) — each message one
//! record, appended, never rewriting a whole session; a streaming reply saved as it grows (see
//! [`SaveThrottle`]) and finalised at the end — together with workspace files (with revisions),
//! settings and API keys remembered on this device. It renames, deletes with undo, branches a
//! conversation from any message and searches titles and contents. [`export`] writes one
//! session or everything as versioned JSON (never with API keys) and reads such files back with
//! validation that explains what is wrong, planning conflicts for the user to confirm instead of
//! overwriting anything.
//!
//! Every logical change is one [`Store::apply`] transaction, so a failure (a full disk, another
//! tab upgrading Kiln) leaves what was saved intact. Nothing here reads a clock: every call that
//! writes takes `now_ms` (milliseconds since the Unix epoch). [`conformance`] is the test suite
//! any store must pass.
//!
//! ```
//! use kiln_agent::AgentSession;
//! use kiln_assistant::{Message, Session};
//! use kiln_core::store::MemoryStore;
//! use kiln_sessions::Sessions;
//!
//! # futures_executor::block_on(async {
//! let sessions = Sessions::new(MemoryStore::new());
//! let mut agent = AgentSession { session: Session::new("s1", "Fizzbuzz"), ..Default::default() };
//! agent.session.push(Message::user("write fizzbuzz in Python"), None);
//! sessions.save(&agent, 1_000).await?;
//!
//! // Later: one more message is appended as one record.
//! agent.session.push(Message::assistant("for i in range(1, 101): ..."), Some(0.001));
//! sessions.save(&agent, 2_000).await?;
//!
//! assert_eq!(sessions.load("s1").await?, agent);
//! let hits = sessions.search("FIZZ", 10).await?;
//! assert_eq!(hits[0].session_id, "s1");
//!
//! let file = sessions.export_all(3_000).await?;
//! assert!(file.to_json().starts_with("{\n  \"format\": \"kiln-session\""));
//! # Ok::<_, kiln_sessions::SessionsError>(())
//! # }).unwrap();
//! ```
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

pub mod conformance;
mod error;
pub mod export;
pub mod records;
mod search;
mod throttle;

use std::collections::BTreeMap;

use kiln_agent::AgentSession;
use kiln_assistant::{Message, Usage};
use kiln_core::store::{
    Change, FileRecord, MessageRange, MessageRecord, MessageState, SHARED_WORKSPACE, SessionRecord,
    Store, StoreError,
};
use kiln_vfs::{Content, Workspace};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use error::{Result, SessionsError};
pub use export::{
    ConflictInfo, EXPORT_FORMAT, EXPORT_VERSION, ExportFile, ExportedFile, ExportedSession,
    ImportChoices, ImportError, ImportPlan, ImportReport, PlannedSession, Resolution,
};
pub use records::{PAYLOAD_FORMAT, SessionMeta};
pub use search::{SearchHit, Snippet};
pub use throttle::{SaveThrottle, SavedPoint};

/// A session as listed: no messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    /// The session's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// When it was created.
    pub created_at_ms: u64,
    /// When it last changed.
    pub updated_at_ms: u64,
    /// When it was deleted, for sessions listed by [`Sessions::list_deleted`].
    pub deleted_at_ms: Option<u64>,
}

impl From<SessionRecord> for SessionSummary {
    fn from(r: SessionRecord) -> Self {
        SessionSummary {
            id: r.id,
            title: r.title,
            created_at_ms: r.created_at_ms,
            updated_at_ms: r.updated_at_ms,
            deleted_at_ms: r.deleted_at_ms,
        }
    }
}

/// What [`Sessions::save`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SaveReport {
    /// Whether the session was new.
    pub created: bool,
    /// Messages appended.
    pub appended: usize,
    /// Whether a streaming message was finalised.
    pub finalised: bool,
}

/// A handle on a reply being streamed into the store (see [`Sessions::begin_streaming`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamingMessage {
    /// The session.
    pub session_id: String,
    /// The message's position.
    pub seq: u64,
    /// The last save, for [`SaveThrottle::should_save`].
    pub saved: SavedPoint,
}

/// Proof of a deletion, to offer "Undo" ([`Sessions::undo_delete`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    /// The deleted session's id.
    pub id: String,
    /// Its title, for the "Deleted “…” — Undo" notice.
    pub title: String,
    /// When it was deleted.
    pub at_ms: u64,
}

/// Kiln's sessions, files, settings and keys over a [`Store`].
#[derive(Debug, Clone)]
pub struct Sessions<S> {
    store: S,
}

pub(crate) fn message_record(
    session_id: &str,
    seq: u64,
    message: &Message,
    state: MessageState,
    now_ms: u64,
) -> Result<MessageRecord> {
    Ok(MessageRecord {
        session_id: session_id.to_owned(),
        seq,
        id: message.id.clone(),
        state,
        updated_at_ms: message.created_at_ms.unwrap_or(now_ms).max(now_ms),
        format: PAYLOAD_FORMAT,
        payload: records::encode(message, "a message")?,
    })
}

pub(crate) fn session_record(
    agent: &AgentSession,
    created_at_ms: u64,
    updated_at_ms: u64,
) -> Result<SessionRecord> {
    Ok(SessionRecord {
        id: agent.session.id.clone(),
        title: agent.session.title.clone(),
        created_at_ms,
        updated_at_ms,
        deleted_at_ms: None,
        format: PAYLOAD_FORMAT,
        payload: records::encode(&SessionMeta::of(agent), "a session")?,
    })
}

pub(crate) fn put_file(
    workspace: &str,
    path: &str,
    content: Option<&Content>,
    now_ms: u64,
) -> Result<Change> {
    Ok(Change::PutFile {
        workspace: workspace.to_owned(),
        path: path.to_owned(),
        format: PAYLOAD_FORMAT,
        content: content.map(|c| records::encode(c, "a file")).transpose()?,
        at_ms: now_ms,
    })
}

/// The changes that write a whole new session: its header, every message (final) and its files.
pub(crate) fn create_changes(
    agent: &AgentSession,
    files: &[(String, Content)],
    created_at_ms: u64,
    updated_at_ms: u64,
) -> Result<Vec<Change>> {
    let id = &agent.session.id;
    let mut changes = vec![Change::CreateSession(session_record(
        agent,
        created_at_ms,
        updated_at_ms,
    )?)];
    for (seq, message) in (0u64..).zip(&agent.session.messages) {
        changes.push(Change::AppendMessage(message_record(
            id,
            seq,
            message,
            MessageState::Final,
            updated_at_ms,
        )?));
    }
    for (path, content) in files {
        changes.push(put_file(id, path, Some(content), updated_at_ms)?);
    }
    Ok(changes)
}

impl<S: Store> Sessions<S> {
    /// Sessions kept in `store`.
    pub fn new(store: S) -> Self {
        Sessions { store }
    }

    /// The underlying store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Live sessions, most recently updated first.
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn list(&self) -> Result<Vec<SessionSummary>> {
        Ok(self
            .store
            .list_sessions(false)
            .await?
            .into_iter()
            .map(SessionSummary::from)
            .collect())
    }

    /// Deleted sessions that can still be restored, most recently updated first.
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn list_deleted(&self) -> Result<Vec<SessionSummary>> {
        Ok(self
            .store
            .list_sessions(true)
            .await?
            .into_iter()
            .filter(|r| r.deleted_at_ms.is_some())
            .map(SessionSummary::from)
            .collect())
    }

    async fn header(&self, id: &str) -> Result<SessionRecord> {
        self.store
            .session(id)
            .await?
            .ok_or_else(|| SessionsError::NoSuchSession(id.to_owned()))
    }

    /// Creates an empty session.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] if the id is taken; the store's error.
    pub async fn create(&self, id: &str, title: &str, now_ms: u64) -> Result<()> {
        let mut agent = AgentSession::default();
        agent.session.id = id.to_owned();
        agent.session.title = title.to_owned();
        self.store
            .apply(create_changes(&agent, &[], now_ms, now_ms)?)
            .await?;
        Ok(())
    }

    /// Saves `agent` in one transaction: creates it if new; otherwise appends the messages not
    /// yet stored (finalising a streaming one it now holds complete) and updates the header
    /// (title, usage, cost, decisions, todos). Messages already stored are never rewritten.
    ///
    /// # Errors
    ///
    /// [`SessionsError::Diverged`] if the store holds more final messages than `agent`; the
    /// store's error (then nothing was saved).
    pub async fn save(&self, agent: &AgentSession, now_ms: u64) -> Result<SaveReport> {
        let id = agent.session.id.as_str();
        let Some(header) = self.store.session(id).await? else {
            self.store
                .apply(create_changes(agent, &[], now_ms, now_ms)?)
                .await?;
            return Ok(SaveReport {
                created: true,
                appended: agent.session.messages.len(),
                finalised: false,
            });
        };
        let messages = &agent.session.messages;
        let given = messages.len() as u64;
        let mut changes = Vec::new();
        let mut report = SaveReport::default();
        let next = match self.store.last_message(id).await? {
            None => 0,
            Some(last) if last.state == MessageState::Streaming && last.seq < given => {
                let message = &messages[usize::try_from(last.seq).unwrap_or(usize::MAX)];
                changes.push(Change::FinaliseMessage {
                    session_id: id.to_owned(),
                    seq: last.seq,
                    payload: records::encode(message, "a message")?,
                    at_ms: now_ms,
                });
                report.finalised = true;
                last.seq + 1
            }
            Some(last) => {
                // A final last message must be in `agent`; a streaming one may be the reply
                // `agent` does not hold yet, but every message before it must be there.
                let needed = if last.state == MessageState::Streaming {
                    last.seq
                } else {
                    last.seq + 1
                };
                if needed > given {
                    return Err(SessionsError::Diverged {
                        id: id.to_owned(),
                        stored: needed,
                        given,
                    });
                }
                needed
            }
        };
        for (seq, message) in (0u64..)
            .zip(messages)
            .skip(usize::try_from(next).unwrap_or(usize::MAX))
        {
            changes.push(Change::AppendMessage(message_record(
                id,
                seq,
                message,
                MessageState::Final,
                now_ms,
            )?));
            report.appended += 1;
        }
        let mut record = session_record(
            agent,
            header.created_at_ms,
            now_ms.max(header.updated_at_ms),
        )?;
        record.deleted_at_ms = header.deleted_at_ms;
        changes.push(Change::UpdateSession(record));
        self.store.apply(changes).await?;
        Ok(report)
    }

    /// Appends one message to a stored session. Prefer [`Sessions::save`] for the agent's own
    /// session; this serves hosts that add messages one by one. Returns its position.
    ///
    /// # Errors
    ///
    /// [`SessionsError::NoSuchSession`]; the store's error.
    pub async fn append(&self, session_id: &str, message: &Message, now_ms: u64) -> Result<u64> {
        self.header(session_id).await?;
        let seq = self
            .store
            .last_message(session_id)
            .await?
            .map_or(0, |m| m.seq + 1);
        self.store
            .apply(vec![Change::AppendMessage(message_record(
                session_id,
                seq,
                message,
                MessageState::Final,
                now_ms,
            )?)])
            .await?;
        Ok(seq)
    }

    /// Starts saving a reply that is still streaming: appends `partial` as a streaming
    /// message. Save its growth with [`Sessions::update_streaming`] (throttled by
    /// [`SaveThrottle`]) and end with [`Sessions::finalise`] — or with [`Sessions::save`] of the
    /// agent session that now holds the complete reply. A reload in between loads what was saved.
    ///
    /// # Errors
    ///
    /// [`SessionsError::NoSuchSession`]; the store's error.
    pub async fn begin_streaming(
        &self,
        session_id: &str,
        partial: &Message,
        now_ms: u64,
    ) -> Result<StreamingMessage> {
        self.header(session_id).await?;
        let seq = self
            .store
            .last_message(session_id)
            .await?
            .map_or(0, |m| m.seq + 1);
        let record = message_record(session_id, seq, partial, MessageState::Streaming, now_ms)?;
        let len = record.payload.len();
        self.store
            .apply(vec![Change::AppendMessage(record)])
            .await?;
        Ok(StreamingMessage {
            session_id: session_id.to_owned(),
            seq,
            saved: SavedPoint { at_ms: now_ms, len },
        })
    }

    /// Saves the reply as it is now, in place, if `throttle` says it is time (or always, with
    /// `None`). Returns whether it saved.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] if the message was already finalised; the store's error.
    pub async fn update_streaming(
        &self,
        handle: &mut StreamingMessage,
        partial: &Message,
        throttle: Option<&SaveThrottle>,
        now_ms: u64,
    ) -> Result<bool> {
        let payload = records::encode(partial, "a message")?;
        if let Some(t) = throttle
            && !t.should_save(Some(handle.saved), now_ms, payload.len())
        {
            return Ok(false);
        }
        let len = payload.len();
        self.store
            .apply(vec![Change::UpdateStreamingMessage {
                session_id: handle.session_id.clone(),
                seq: handle.seq,
                payload,
                at_ms: now_ms,
            }])
            .await?;
        handle.saved = SavedPoint { at_ms: now_ms, len };
        Ok(true)
    }

    /// Writes the complete reply and marks it final.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] if it was already final; the store's error.
    pub async fn finalise(
        &self,
        handle: StreamingMessage,
        message: &Message,
        now_ms: u64,
    ) -> Result<()> {
        self.store
            .apply(vec![Change::FinaliseMessage {
                session_id: handle.session_id,
                seq: handle.seq,
                payload: records::encode(message, "a message")?,
                at_ms: now_ms,
            }])
            .await?;
        Ok(())
    }

    /// Loads a session (deleted or not) with every message in order, a reply that was still
    /// streaming included as far as it was saved.
    ///
    /// # Errors
    ///
    /// [`SessionsError::NoSuchSession`]; [`StoreError::Corrupt`] or
    /// [`StoreError::NewerFormat`] for a record that cannot be read; the store's error.
    pub async fn load(&self, id: &str) -> Result<AgentSession> {
        let header = self.header(id).await?;
        let meta = records::decode_session_meta(&header)?;
        let messages = self.load_messages(id, MessageRange::all()).await?;
        Ok(meta.into_agent_session(header.id, header.title, messages))
    }

    /// A page of a session's messages, in order (for long sessions: load the end first).
    ///
    /// # Errors
    ///
    /// As [`Sessions::load`].
    pub async fn load_messages(&self, id: &str, range: MessageRange) -> Result<Vec<Message>> {
        let records = self.store.messages(id, range).await?;
        Ok(records
            .iter()
            .map(records::decode_message)
            .collect::<Result<_, StoreError>>()?)
    }

    /// Whether the session's last message is a reply whose streaming was interrupted (the tab
    /// closed before it finished): the app can mark it as incomplete.
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn has_interrupted_reply(&self, id: &str) -> Result<bool> {
        Ok(self
            .store
            .last_message(id)
            .await?
            .is_some_and(|m| m.state == MessageState::Streaming))
    }

    /// Renames a session.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`]; the store's error.
    pub async fn rename(&self, id: &str, title: &str, now_ms: u64) -> Result<()> {
        self.store
            .apply(vec![Change::RenameSession {
                id: id.to_owned(),
                title: title.to_owned(),
                at_ms: now_ms,
            }])
            .await?;
        Ok(())
    }

    /// Deletes a session so that it can be restored: it leaves [`Sessions::list`] and shows in
    /// [`Sessions::list_deleted`] until [`Sessions::undo_delete`] or
    /// [`Sessions::purge_deleted`].
    ///
    /// # Errors
    ///
    /// [`SessionsError::NoSuchSession`]; the store's error.
    pub async fn delete(&self, id: &str, now_ms: u64) -> Result<Deleted> {
        let header = self.header(id).await?;
        self.store
            .apply(vec![Change::SoftDeleteSession {
                id: id.to_owned(),
                at_ms: now_ms,
            }])
            .await?;
        Ok(Deleted {
            id: header.id,
            title: header.title,
            at_ms: now_ms,
        })
    }

    /// Restores a deleted session.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if it was purged meanwhile; the store's error.
    pub async fn undo_delete(&self, deleted: &Deleted) -> Result<()> {
        self.store
            .apply(vec![Change::RestoreSession {
                id: deleted.id.clone(),
            }])
            .await?;
        Ok(())
    }

    /// Removes for good, in one transaction, every session deleted at or before
    /// `deleted_before_ms`, with its messages and files. Returns how many.
    ///
    /// # Errors
    ///
    /// The store's error (then nothing was removed).
    pub async fn purge_deleted(&self, deleted_before_ms: u64) -> Result<usize> {
        let changes: Vec<Change> = self
            .store
            .list_sessions(true)
            .await?
            .into_iter()
            .filter(|r| r.deleted_at_ms.is_some_and(|at| at <= deleted_before_ms))
            .map(|r| Change::PurgeSession { id: r.id })
            .collect();
        let n = changes.len();
        if n > 0 {
            self.store.apply(changes).await?;
        }
        Ok(n)
    }

    /// A free session id based on `base`: `base` itself, or `base-2`, `base-3`, … .
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn free_id(&self, base: &str) -> Result<String> {
        let taken: Vec<String> = self
            .store
            .list_sessions(true)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        Ok(export::free_id(base, |id| taken.iter().any(|t| t == id)))
    }

    /// Copies a session into a new one, up to and including the message `up_to` (`None`: all of
    /// them), with its workspace files, in one transaction. The copy gets a free id based on
    /// the original's and the title `title` (default: the original's with " (branch)" or
    /// " (copy)"). Usage is recounted from the copied messages; the cost, not known per message,
    /// is kept only for a full copy. Returns the new id.
    ///
    /// # Errors
    ///
    /// [`SessionsError::NoSuchSession`], [`SessionsError::NoSuchMessage`]; the store's error.
    pub async fn branch(
        &self,
        id: &str,
        up_to: Option<&str>,
        title: Option<&str>,
        now_ms: u64,
    ) -> Result<String> {
        let mut agent = self.load(id).await?;
        let whole = match up_to {
            None => true,
            Some(message_id) => {
                let index = agent
                    .session
                    .messages
                    .iter()
                    .position(|m| m.id == message_id)
                    .ok_or_else(|| SessionsError::NoSuchMessage {
                        session: id.to_owned(),
                        message: message_id.to_owned(),
                    })?;
                let whole = index + 1 == agent.session.messages.len();
                agent.session.messages.truncate(index + 1);
                whole
            }
        };
        if !whole {
            let kept_calls: Vec<String> = agent
                .session
                .messages
                .iter()
                .flat_map(|m| m.tool_calls().map(|c| c.id.clone()))
                .collect();
            agent.decisions.retain(|d| kept_calls.contains(&d.call_id));
            agent.session.usage = agent.session.messages.iter().filter_map(|m| m.usage).fold(
                Usage::default(),
                |mut total, u| {
                    total += u;
                    total
                },
            );
            agent.session.cost_usd = 0.0;
        }
        let suffix = if up_to.is_none() { "copy" } else { "branch" };
        agent.session.title = title.map_or_else(
            || format!("{} ({suffix})", agent.session.title),
            str::to_owned,
        );
        let new_id = self.free_id(id).await?;
        agent.session.id.clone_from(&new_id);
        let files = self.files_of(id).await?;
        self.store
            .apply(create_changes(&agent, &files, now_ms, now_ms)?)
            .await?;
        Ok(new_id)
    }

    /// A full copy of a session (see [`Sessions::branch`]).
    ///
    /// # Errors
    ///
    /// As [`Sessions::branch`].
    pub async fn duplicate(&self, id: &str, now_ms: u64) -> Result<String> {
        self.branch(id, None, None, now_ms).await
    }

    pub(crate) async fn files_of(&self, workspace: &str) -> Result<Vec<(String, Content)>> {
        let mut out = Vec::new();
        for record in self.store.files(workspace).await? {
            if let Some(content) = records::decode_file(&record)? {
                out.push((record.path, content));
            }
        }
        Ok(out)
    }

    /// Saves a workspace (a session id, or [`SHARED_WORKSPACE`]) in one transaction: a new
    /// revision for each file that changed or appeared, a deletion for each that disappeared.
    /// Returns how many files changed.
    ///
    /// # Errors
    ///
    /// The store's error (then nothing was saved).
    pub async fn save_workspace(
        &self,
        workspace: &str,
        files: &Workspace,
        now_ms: u64,
    ) -> Result<usize> {
        let stored: BTreeMap<String, Content> =
            self.files_of(workspace).await?.into_iter().collect();
        let mut changes = Vec::new();
        for (path, content) in files.to_files() {
            if stored.get(path.as_str()) != Some(&content) {
                changes.push(put_file(workspace, path.as_str(), Some(&content), now_ms)?);
            }
        }
        for path in stored.keys() {
            if !files.is_file(path) {
                changes.push(put_file(workspace, path, None, now_ms)?);
            }
        }
        let n = changes.len();
        if n > 0 {
            self.store.apply(changes).await?;
        }
        Ok(n)
    }

    /// The saved workspace (latest revision of every file).
    ///
    /// # Errors
    ///
    /// [`SessionsError::File`] for a file the workspace refuses; the store's error.
    pub async fn load_workspace(&self, workspace: &str) -> Result<Workspace> {
        let mut ws = Workspace::new();
        for (path, content) in self.files_of(workspace).await? {
            ws.write(&path, content).map_err(|e| SessionsError::File {
                path: path.clone(),
                detail: e.to_string(),
            })?;
        }
        Ok(ws)
    }

    /// Every saved revision of one file, oldest first: `(revision, time, content)`, `None`
    /// where the file was deleted.
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn file_revisions(
        &self,
        workspace: &str,
        path: &str,
    ) -> Result<Vec<(u64, u64, Option<Content>)>> {
        let records: Vec<FileRecord> = self.store.file_history(workspace, path).await?;
        records
            .iter()
            .map(|r| Ok((r.revision, r.updated_at_ms, records::decode_file(r)?)))
            .collect()
    }

    /// A setting, if set and readable as `T`.
    ///
    /// # Errors
    ///
    /// The store's error; [`StoreError::Corrupt`] if the stored value is not a `T`.
    pub async fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let settings = self.store.settings().await?;
        settings
            .get(key)
            .map(|v| {
                serde_json::from_str(v).map_err(|e| {
                    SessionsError::Store(StoreError::Corrupt {
                        what: format!("setting \"{key}\""),
                        detail: e.to_string(),
                    })
                })
            })
            .transpose()
    }

    /// Sets a setting.
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn set_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let value = records::encode(value, "a setting")?;
        self.store
            .apply(vec![Change::PutSetting {
                key: key.to_owned(),
                value,
            }])
            .await?;
        Ok(())
    }

    /// Remembers an API key on this device ("remember on this device"). Keys are never exported.
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn remember_key(&self, name: &str, value: &str) -> Result<()> {
        self.store
            .apply(vec![Change::PutApiKey {
                name: name.to_owned(),
                value: value.to_owned(),
            }])
            .await?;
        Ok(())
    }

    /// A remembered API key.
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn remembered_key(&self, name: &str) -> Result<Option<String>> {
        Ok(self.store.api_key(name).await?)
    }

    /// Forgets every remembered API key (the one-click "forget keys").
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn forget_keys(&self) -> Result<()> {
        self.store.apply(vec![Change::ClearApiKeys]).await?;
        Ok(())
    }

    /// Searches live sessions' titles and message texts, case-insensitively. Sessions whose
    /// title matches come first, then by last update; at most `limit` sessions, each with up to
    /// three snippets.
    ///
    /// # Errors
    ///
    /// The store's error; a record that cannot be read.
    pub async fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        search::search(self, query, limit).await
    }

    /// Exports one session (deleted or not) with its workspace files. API keys are never part
    /// of an export.
    ///
    /// # Errors
    ///
    /// [`SessionsError::NoSuchSession`]; the store's error.
    pub async fn export_session(&self, id: &str, now_ms: u64) -> Result<ExportFile> {
        let entry = self.exported(id).await?;
        Ok(ExportFile::new(vec![entry], Vec::new(), Some(now_ms)))
    }

    /// Exports every live session, their files and the shared workspace.
    ///
    /// # Errors
    ///
    /// The store's error.
    pub async fn export_all(&self, now_ms: u64) -> Result<ExportFile> {
        let mut entries = Vec::new();
        let mut headers = self.store.list_sessions(false).await?;
        headers.sort_by(|a, b| {
            a.created_at_ms
                .cmp(&b.created_at_ms)
                .then_with(|| a.id.cmp(&b.id))
        });
        for header in headers {
            entries.push(self.exported(&header.id).await?);
        }
        let shared = self
            .files_of(SHARED_WORKSPACE)
            .await?
            .into_iter()
            .map(|(path, content)| ExportedFile { path, content })
            .collect();
        Ok(ExportFile::new(entries, shared, Some(now_ms)))
    }

    async fn exported(&self, id: &str) -> Result<ExportedSession> {
        let header = self.header(id).await?;
        let agent = self.load(id).await?;
        let files = self
            .files_of(id)
            .await?
            .into_iter()
            .map(|(path, content)| ExportedFile { path, content })
            .collect();
        Ok(ExportedSession {
            session: agent.session,
            decisions: agent.decisions,
            todos: agent.todos,
            created_at_ms: Some(header.created_at_ms),
            updated_at_ms: Some(header.updated_at_ms),
            files,
        })
    }

    /// Reads an export file and plans its import against what is stored: which sessions clash
    /// with existing ones and the ids they would get if kept beside them. Nothing is written.
    ///
    /// # Errors
    ///
    /// [`SessionsError::Import`] explaining what is wrong with the file; the store's error.
    pub async fn plan_import(&self, text: &str) -> Result<ImportPlan> {
        let (file, from_version) = ExportFile::parse_versioned(text)?;
        export::plan(self, file, from_version).await
    }

    /// Imports a planned file in one transaction, resolving each conflict as `choices` says
    /// (by default keeping both, so nothing is overwritten unless the user chose
    /// [`Resolution::Replace`]).
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] if the store changed since the plan (plan again); the store's
    /// error (then nothing was imported).
    pub async fn import(
        &self,
        plan: &ImportPlan,
        choices: &ImportChoices,
        now_ms: u64,
    ) -> Result<ImportReport> {
        export::apply(self, plan, choices, now_ms).await
    }
}

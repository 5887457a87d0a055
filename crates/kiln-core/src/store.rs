//! Persistent storage for the app, as plain records: sessions, their messages, workspace files
//! with revisions, settings and remembered API keys.
//!
//! A host supplies a [`Store`]: the browser one is over IndexedDB (database [`DATABASE_NAME`],
//! object stores described by [`OBJECT_STORES`]), and [`MemoryStore`] keeps everything in memory
//! for native tests and for tabs where storage is unavailable. Records hold ids, ordering keys,
//! timestamps and a JSON payload (`String`) whose shape belongs to the layer above
//! (`kiln-sessions`); each payload carries its `format` version so that layer can migrate old
//! records as it reads them.
//!
//! Reads are methods of the trait; **every write goes through [`Store::apply`]**, which takes a
//! list of [`Change`]s and applies all of them in one transaction or none at all. A failed
//! `apply` leaves the previous state exactly as it was.
//!
//! Nothing here requires `Send` (IndexedDB futures are not), the trait is object-safe, and no
//! method reads a clock: timestamps (milliseconds since the Unix epoch) come in with the changes.
//!
//! **Deleting a session** is a soft delete ([`Change::SoftDeleteSession`] sets
//! [`SessionRecord::deleted_at_ms`]); it is undone with [`Change::RestoreSession`] and made
//! final with [`Change::PurgeSession`], which removes the session, its messages and its files.
//! [`Store::list_sessions`] leaves soft-deleted sessions out unless asked.
//!
//! **Implementing it over IndexedDB**: open [`DATABASE_NAME`] at [`SCHEMA_VERSION`] and create
//! the stores of [`schema_upgrade_steps`] in `upgradeneeded`; run each `apply` as one
//! `readwrite` transaction over the stores it touches, checking each change's preconditions
//! (documented on [`Change`]) inside it and aborting on the first failure; find the last message
//! or file revision with a `prev` cursor over the key range `[id, 0]..=[id, MAX]`. Map
//! `QuotaExceededError` to [`StoreError::QuotaExceeded`], a `versionchange` event (close the
//! connection at once) to [`StoreError::VersionChange`], a `blocked` open to
//! [`StoreError::Blocked`], and an open that fails outright (`SecurityError`, `InvalidStateError`
//! in private modes) to [`StoreError::Unavailable`]. Keys are numbers in IndexedDB: `seq`,
//! revisions and times stay far below 2^53.
//!
//! ```
//! use kiln_core::store::{Change, FaultInjection, MemoryStore, SessionRecord, Store, StoreError};
//!
//! let store = MemoryStore::new();
//! // The memory store's futures are ready at once; real stores need an executor.
//! futures_util::FutureExt::now_or_never(async {
//!     store
//!         .apply(vec![Change::CreateSession(SessionRecord::new("s1", "First", 1_000))])
//!         .await?;
//!     // A failed transaction changes nothing.
//!     store.fail_next_with(StoreError::QuotaExceeded);
//!     let err = store
//!         .apply(vec![Change::RenameSession { id: "s1".into(), title: "Renamed".into(), at_ms: 2_000 }])
//!         .await
//!         .unwrap_err();
//!     assert!(err.to_string().contains("export"));
//!     let sessions = store.list_sessions(false).await?;
//!     assert_eq!(sessions[0].title, "First");
//!     Ok::<_, StoreError>(())
//! })
//! .unwrap()
//! .unwrap();
//! ```

use std::cell::RefCell;
use std::collections::BTreeMap;

use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};

/// The name of the browser database.
pub const DATABASE_NAME: &str = "kiln";

/// The version of the database schema (object stores and indexes). The IndexedDB store opens
/// [`DATABASE_NAME`] at this version and upgrades from older versions with
/// [`schema_upgrade_steps`].
pub const SCHEMA_VERSION: u32 = 1;

/// The workspace id of the workspace shared by all sessions (files not tied to one session).
pub const SHARED_WORKSPACE: &str = "";

/// How one object store of the database is laid out: its name, key path and indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectStoreSpec {
    /// The object store's name.
    pub name: &'static str,
    /// The record fields that form the primary key, in order.
    pub key_path: &'static [&'static str],
    /// Secondary indexes: name and the fields they cover, in order.
    pub indexes: &'static [(&'static str, &'static [&'static str])],
    /// The schema version that introduced this store.
    pub since: u32,
}

/// The object stores of schema [`SCHEMA_VERSION`], with the field names of the records below
/// as they serialize.
pub const OBJECT_STORES: &[ObjectStoreSpec] = &[
    ObjectStoreSpec {
        name: "sessions",
        key_path: &["id"],
        indexes: &[("by_updated", &["updated_at_ms"])],
        since: 1,
    },
    ObjectStoreSpec {
        name: "messages",
        key_path: &["session_id", "seq"],
        indexes: &[("by_session", &["session_id"])],
        since: 1,
    },
    ObjectStoreSpec {
        name: "files",
        key_path: &["workspace", "path", "revision"],
        indexes: &[("by_workspace", &["workspace"])],
        since: 1,
    },
    ObjectStoreSpec {
        name: "settings",
        key_path: &["key"],
        indexes: &[],
        since: 1,
    },
    ObjectStoreSpec {
        name: "keys",
        key_path: &["name"],
        indexes: &[],
        since: 1,
    },
];

/// The object stores to create when upgrading a database from schema version `from` (`0`: a new
/// database) to [`SCHEMA_VERSION`].
///
/// # Errors
///
/// [`StoreError::VersionChange`] when `from` is newer than this build knows: a newer Kiln
/// opened the database, and this tab must reload.
pub fn schema_upgrade_steps(from: u32) -> Result<Vec<&'static ObjectStoreSpec>, StoreError> {
    if from > SCHEMA_VERSION {
        return Err(StoreError::VersionChange);
    }
    Ok(OBJECT_STORES.iter().filter(|s| s.since > from).collect())
}

/// A session's header: everything but its messages and files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// The session's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// When it was created.
    pub created_at_ms: u64,
    /// When it last changed (ordering key of [`Store::list_sessions`]).
    pub updated_at_ms: u64,
    /// When it was (soft-)deleted; `None` while it is live.
    #[serde(default)]
    pub deleted_at_ms: Option<u64>,
    /// The version of `payload`'s format.
    pub format: u32,
    /// The rest of the session's data as JSON (owned by the layer above).
    pub payload: String,
}

impl SessionRecord {
    /// A live session with an empty payload (`{}`, format 1) created and updated at `at_ms`.
    #[must_use]
    pub fn new(id: impl Into<String>, title: impl Into<String>, at_ms: u64) -> Self {
        SessionRecord {
            id: id.into(),
            title: title.into(),
            created_at_ms: at_ms,
            updated_at_ms: at_ms,
            deleted_at_ms: None,
            format: 1,
            payload: "{}".into(),
        }
    }
}

/// Whether a message is still arriving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// A reply still streaming: saved as it grows, may be updated in place.
    Streaming,
    /// Complete; never changes again.
    Final,
}

/// One message of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    /// The session it belongs to.
    pub session_id: String,
    /// Its position in the session (ordering key); strictly increasing as messages are appended.
    pub seq: u64,
    /// The message's own id (unique within the session).
    pub id: String,
    /// Whether it is still streaming.
    pub state: MessageState,
    /// When it was last written.
    pub updated_at_ms: u64,
    /// The version of `payload`'s format.
    pub format: u32,
    /// The message as JSON (owned by the layer above).
    pub payload: String,
}

/// One revision of a workspace file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// The workspace: a session id, or [`SHARED_WORKSPACE`].
    pub workspace: String,
    /// The file's path in the workspace.
    pub path: String,
    /// The revision, from 1, one more than the previous revision of the same path.
    pub revision: u64,
    /// When this revision was written.
    pub updated_at_ms: u64,
    /// The version of `content`'s format.
    pub format: u32,
    /// The file's content as JSON (owned by the layer above); `None`: the file was deleted in
    /// this revision.
    pub content: Option<String>,
}

/// Which messages of a session to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessageRange {
    /// The first `seq` to include (`0`: from the start).
    pub from_seq: u64,
    /// At most this many messages (`None`: all).
    pub limit: Option<usize>,
}

impl MessageRange {
    /// Every message.
    #[must_use]
    pub fn all() -> Self {
        Self::default()
    }

    /// At most `limit` messages starting at `from_seq`.
    #[must_use]
    pub fn page(from_seq: u64, limit: usize) -> Self {
        MessageRange {
            from_seq,
            limit: Some(limit),
        }
    }
}

/// One write. A list of them is applied by [`Store::apply`] as one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Adds a new session.
    ///
    /// Fails with [`StoreError::Conflict`] if a session (even a deleted one) has this id.
    CreateSession(SessionRecord),
    /// Replaces an existing session's header (title, timestamps, payload); its messages and
    /// files are untouched.
    ///
    /// Fails with [`StoreError::NotFound`] if there is no such session.
    UpdateSession(SessionRecord),
    /// Sets a session's title and its `updated_at_ms`.
    RenameSession {
        /// The session.
        id: String,
        /// The new title.
        title: String,
        /// When.
        at_ms: u64,
    },
    /// Marks a session deleted (it disappears from lists but can be restored).
    SoftDeleteSession {
        /// The session.
        id: String,
        /// When.
        at_ms: u64,
    },
    /// Undoes [`Change::SoftDeleteSession`].
    RestoreSession {
        /// The session.
        id: String,
    },
    /// Removes a session for good: its header, its messages and its workspace files.
    PurgeSession {
        /// The session.
        id: String,
    },
    /// Appends a message to its session and sets the session's `updated_at_ms` to the
    /// message's (if later).
    ///
    /// Fails with [`StoreError::NotFound`] if the session does not exist and
    /// [`StoreError::Conflict`] unless `seq` is greater than every `seq` already stored for the
    /// session: messages are only ever appended.
    AppendMessage(MessageRecord),
    /// Replaces the payload of a message that is still [`MessageState::Streaming`].
    ///
    /// Fails with [`StoreError::NotFound`] if there is no such message and
    /// [`StoreError::Conflict`] if it is already final.
    UpdateStreamingMessage {
        /// The session.
        session_id: String,
        /// The message's position.
        seq: u64,
        /// The message so far.
        payload: String,
        /// When.
        at_ms: u64,
    },
    /// Writes the last payload of a streaming message and marks it [`MessageState::Final`].
    /// Same failures as [`Change::UpdateStreamingMessage`].
    FinaliseMessage {
        /// The session.
        session_id: String,
        /// The message's position.
        seq: u64,
        /// The complete message.
        payload: String,
        /// When.
        at_ms: u64,
    },
    /// Writes a new revision of a file (`content: None` deletes it); the store numbers the
    /// revision.
    PutFile {
        /// A session id or [`SHARED_WORKSPACE`].
        workspace: String,
        /// The file's path.
        path: String,
        /// The version of `content`'s format.
        format: u32,
        /// The content, or `None` to delete the file.
        content: Option<String>,
        /// When.
        at_ms: u64,
    },
    /// Drops a file's revisions older than the newest `keep` (at least one is always kept).
    PruneFileRevisions {
        /// A session id or [`SHARED_WORKSPACE`].
        workspace: String,
        /// The file's path.
        path: String,
        /// How many of the newest revisions to keep.
        keep: usize,
    },
    /// Sets a setting.
    PutSetting {
        /// The setting's name.
        key: String,
        /// Its value (JSON).
        value: String,
    },
    /// Removes a setting (nothing happens if it is not set).
    DeleteSetting {
        /// The setting's name.
        key: String,
    },
    /// Remembers an API key on this device.
    PutApiKey {
        /// What the key is for (a provider id).
        name: String,
        /// The secret.
        value: String,
    },
    /// Forgets one API key (nothing happens if it is not stored).
    DeleteApiKey {
        /// What the key is for.
        name: String,
    },
    /// Forgets every remembered API key.
    ClearApiKeys,
}

/// Why storage failed, in words for the user: each message says what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The browser's storage quota for Kiln is used up. Nothing was changed.
    #[error(
        "this device has no more room for Kiln's data, so the last change was not saved (everything saved before is intact); export sessions you want to keep and delete old ones, then try again"
    )]
    QuotaExceeded,
    /// Another tab opened a newer version of Kiln, which upgraded the database; this tab's
    /// connection was closed.
    #[error(
        "Kiln was updated in another tab, so this tab can no longer save; reload this page to continue (nothing saved has been lost)"
    )]
    VersionChange,
    /// The database could not be upgraded because another tab still has the old version open.
    #[error(
        "another tab is still running an older version of Kiln; close or reload the other Kiln tabs, then reload this one"
    )]
    Blocked,
    /// The thing asked for does not exist.
    #[error("{what} was not found (it may have been deleted in another tab)")]
    NotFound {
        /// What was missing, e.g. `session "s1"`.
        what: String,
    },
    /// The change contradicts what is stored (an id already taken, a message already final).
    #[error("could not save: {what}")]
    Conflict {
        /// What clashed.
        what: String,
    },
    /// A stored record cannot be read.
    #[error("{what} is damaged and cannot be read ({detail}); export what you can and delete it")]
    Corrupt {
        /// Which record.
        what: String,
        /// What is wrong with it.
        detail: String,
    },
    /// A record was written by a newer version of Kiln than this one.
    #[error(
        "{what} was saved by a newer version of Kiln (format {found}, this version reads up to {supported}); reload the page to get the latest Kiln"
    )]
    NewerFormat {
        /// Which record.
        what: String,
        /// Its format version.
        found: u32,
        /// The newest format this build reads.
        supported: u32,
    },
    /// Storage cannot be used at all (private browsing, storage disabled by the browser or by
    /// site settings).
    #[error(
        "Kiln cannot save on this device ({detail}); private browsing or site settings may block storage. Your work lasts only until this tab closes: export it to keep it"
    )]
    Unavailable {
        /// What the browser said.
        detail: String,
    },
    /// The transaction failed for another reason. Nothing was changed.
    #[error("could not save ({0}); nothing was changed, try again")]
    Other(String),
}

/// A result of a storage operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// Where the app keeps its data. Object-safe; futures need not be `Send`.
///
/// See the [module documentation](self) for the transaction and deletion rules.
pub trait Store {
    /// Session headers, most recently updated first (ties: by id). Soft-deleted sessions are
    /// included only if `include_deleted`.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the store cannot be read.
    fn list_sessions(
        &self,
        include_deleted: bool,
    ) -> LocalBoxFuture<'_, StoreResult<Vec<SessionRecord>>>;

    /// One session's header, deleted or not; `None` if there is no such session.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the store cannot be read.
    fn session<'a>(&'a self, id: &'a str)
    -> LocalBoxFuture<'a, StoreResult<Option<SessionRecord>>>;

    /// A session's messages in `range`, in `seq` order. Empty if the session has none or does
    /// not exist.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the store cannot be read.
    fn messages<'a>(
        &'a self,
        session_id: &'a str,
        range: MessageRange,
    ) -> LocalBoxFuture<'a, StoreResult<Vec<MessageRecord>>>;

    /// A session's last message (highest `seq`), if any: what an append must follow.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the store cannot be read.
    fn last_message<'a>(
        &'a self,
        session_id: &'a str,
    ) -> LocalBoxFuture<'a, StoreResult<Option<MessageRecord>>>;

    /// The newest revision of every file of `workspace` that is not deleted, by path.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the store cannot be read.
    fn files<'a>(&'a self, workspace: &'a str) -> LocalBoxFuture<'a, StoreResult<Vec<FileRecord>>>;

    /// Every stored revision of one file, oldest first (deletions included).
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the store cannot be read.
    fn file_history<'a>(
        &'a self,
        workspace: &'a str,
        path: &'a str,
    ) -> LocalBoxFuture<'a, StoreResult<Vec<FileRecord>>>;

    /// Every setting, by key.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the store cannot be read.
    fn settings(&self) -> LocalBoxFuture<'_, StoreResult<BTreeMap<String, String>>>;

    /// A remembered API key.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the store cannot be read.
    fn api_key<'a>(&'a self, name: &'a str) -> LocalBoxFuture<'a, StoreResult<Option<String>>>;

    /// The names of the remembered API keys, sorted.
    ///
    /// # Errors
    ///
    /// A [`StoreError`] when the store cannot be read.
    fn api_key_names(&self) -> LocalBoxFuture<'_, StoreResult<Vec<String>>>;

    /// Applies every change in order, as one transaction: all of them or, on any error, none.
    ///
    /// # Errors
    ///
    /// The first change's [`StoreError`] that could not be applied, or the store's failure to
    /// commit ([`StoreError::QuotaExceeded`] and the like). The stored state is then exactly as
    /// before the call.
    fn apply(&self, changes: Vec<Change>) -> LocalBoxFuture<'_, StoreResult<()>>;
}

macro_rules! forward_store {
    ($($ty:ty),*) => {$(
        impl<T: Store + ?Sized> Store for $ty {
            fn list_sessions(&self, include_deleted: bool) -> LocalBoxFuture<'_, StoreResult<Vec<SessionRecord>>> {
                (**self).list_sessions(include_deleted)
            }
            fn session<'a>(&'a self, id: &'a str) -> LocalBoxFuture<'a, StoreResult<Option<SessionRecord>>> {
                (**self).session(id)
            }
            fn messages<'a>(&'a self, session_id: &'a str, range: MessageRange) -> LocalBoxFuture<'a, StoreResult<Vec<MessageRecord>>> {
                (**self).messages(session_id, range)
            }
            fn last_message<'a>(&'a self, session_id: &'a str) -> LocalBoxFuture<'a, StoreResult<Option<MessageRecord>>> {
                (**self).last_message(session_id)
            }
            fn files<'a>(&'a self, workspace: &'a str) -> LocalBoxFuture<'a, StoreResult<Vec<FileRecord>>> {
                (**self).files(workspace)
            }
            fn file_history<'a>(&'a self, workspace: &'a str, path: &'a str) -> LocalBoxFuture<'a, StoreResult<Vec<FileRecord>>> {
                (**self).file_history(workspace, path)
            }
            fn settings(&self) -> LocalBoxFuture<'_, StoreResult<BTreeMap<String, String>>> {
                (**self).settings()
            }
            fn api_key<'a>(&'a self, name: &'a str) -> LocalBoxFuture<'a, StoreResult<Option<String>>> {
                (**self).api_key(name)
            }
            fn api_key_names(&self) -> LocalBoxFuture<'_, StoreResult<Vec<String>>> {
                (**self).api_key_names()
            }
            fn apply(&self, changes: Vec<Change>) -> LocalBoxFuture<'_, StoreResult<()>> {
                (**self).apply(changes)
            }
        }
    )*};
}

forward_store!(&T, std::rc::Rc<T>, std::sync::Arc<T>, Box<T>);

/// Stores that tests can make fail on purpose, to check that a failed transaction changes
/// nothing. The store-agnostic test suite (`kiln_sessions::conformance`) needs it.
pub trait FaultInjection {
    /// Makes the next [`Store::apply`] carry out its changes inside its transaction and then
    /// abort it, failing with `error` (once). The stored state must stay as it was.
    fn fail_next_with(&self, error: StoreError);
}

impl<T: FaultInjection + ?Sized> FaultInjection for &T {
    fn fail_next_with(&self, error: StoreError) {
        (**self).fail_next_with(error);
    }
}

impl<T: FaultInjection + ?Sized> FaultInjection for std::rc::Rc<T> {
    fn fail_next_with(&self, error: StoreError) {
        (**self).fail_next_with(error);
    }
}

/// Everything a [`MemoryStore`] holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct State {
    sessions: BTreeMap<String, SessionRecord>,
    messages: BTreeMap<(String, u64), MessageRecord>,
    files: BTreeMap<(String, String, u64), FileRecord>,
    settings: BTreeMap<String, String>,
    keys: BTreeMap<String, String>,
}

impl State {
    fn session_mut(&mut self, id: &str) -> StoreResult<&mut SessionRecord> {
        self.sessions
            .get_mut(id)
            .ok_or_else(|| StoreError::NotFound {
                what: format!("session \"{id}\""),
            })
    }

    fn streaming_message(&mut self, session_id: &str, seq: u64) -> StoreResult<&mut MessageRecord> {
        let message = self
            .messages
            .get_mut(&(session_id.to_owned(), seq))
            .ok_or_else(|| StoreError::NotFound {
                what: format!("message {seq} of session \"{session_id}\""),
            })?;
        if message.state == MessageState::Final {
            return Err(StoreError::Conflict {
                what: format!(
                    "message {seq} of session \"{session_id}\" is already complete and cannot change"
                ),
            });
        }
        Ok(message)
    }

    fn apply(&mut self, change: Change) -> StoreResult<()> {
        match change {
            Change::CreateSession(record) => {
                if self.sessions.contains_key(&record.id) {
                    return Err(StoreError::Conflict {
                        what: format!("a session with id \"{}\" already exists", record.id),
                    });
                }
                self.sessions.insert(record.id.clone(), record);
            }
            Change::UpdateSession(record) => {
                let id = record.id.clone();
                *self.session_mut(&id)? = record;
            }
            Change::RenameSession { id, title, at_ms } => {
                let session = self.session_mut(&id)?;
                session.title = title;
                session.updated_at_ms = session.updated_at_ms.max(at_ms);
            }
            Change::SoftDeleteSession { id, at_ms } => {
                self.session_mut(&id)?.deleted_at_ms = Some(at_ms);
            }
            Change::RestoreSession { id } => {
                self.session_mut(&id)?.deleted_at_ms = None;
            }
            Change::PurgeSession { id } => {
                if self.sessions.remove(&id).is_none() {
                    return Err(StoreError::NotFound {
                        what: format!("session \"{id}\""),
                    });
                }
                self.messages.retain(|(s, _), _| *s != id);
                self.files.retain(|(w, _, _), _| *w != id);
            }
            Change::AppendMessage(record) => {
                let last = self
                    .messages
                    .range((record.session_id.clone(), 0)..=(record.session_id.clone(), u64::MAX))
                    .next_back()
                    .map(|(&(_, seq), _)| seq);
                self.session_mut(&record.session_id)?;
                if last.is_some_and(|last| record.seq <= last) {
                    return Err(StoreError::Conflict {
                        what: format!(
                            "message {} of session \"{}\" would not come after the last message; messages are only appended",
                            record.seq, record.session_id
                        ),
                    });
                }
                let session = self.session_mut(&record.session_id)?;
                session.updated_at_ms = session.updated_at_ms.max(record.updated_at_ms);
                self.messages
                    .insert((record.session_id.clone(), record.seq), record);
            }
            Change::UpdateStreamingMessage {
                session_id,
                seq,
                payload,
                at_ms,
            } => {
                let message = self.streaming_message(&session_id, seq)?;
                message.payload = payload;
                message.updated_at_ms = at_ms;
                let session = self.session_mut(&session_id)?;
                session.updated_at_ms = session.updated_at_ms.max(at_ms);
            }
            Change::FinaliseMessage {
                session_id,
                seq,
                payload,
                at_ms,
            } => {
                let message = self.streaming_message(&session_id, seq)?;
                message.payload = payload;
                message.updated_at_ms = at_ms;
                message.state = MessageState::Final;
                let session = self.session_mut(&session_id)?;
                session.updated_at_ms = session.updated_at_ms.max(at_ms);
            }
            Change::PutFile {
                workspace,
                path,
                format,
                content,
                at_ms,
            } => {
                let last = self
                    .files
                    .range(
                        (workspace.clone(), path.clone(), 0)
                            ..=(workspace.clone(), path.clone(), u64::MAX),
                    )
                    .next_back()
                    .map_or(0, |(&(_, _, revision), _)| revision);
                let record = FileRecord {
                    workspace: workspace.clone(),
                    path: path.clone(),
                    revision: last + 1,
                    updated_at_ms: at_ms,
                    format,
                    content,
                };
                self.files.insert((workspace, path, last + 1), record);
            }
            Change::PruneFileRevisions {
                workspace,
                path,
                keep,
            } => {
                let revisions: Vec<u64> = self
                    .files
                    .range(
                        (workspace.clone(), path.clone(), 0)
                            ..=(workspace.clone(), path.clone(), u64::MAX),
                    )
                    .map(|(&(_, _, revision), _)| revision)
                    .collect();
                let drop = revisions.len().saturating_sub(keep.max(1));
                for revision in &revisions[..drop] {
                    self.files
                        .remove(&(workspace.clone(), path.clone(), *revision));
                }
            }
            Change::PutSetting { key, value } => {
                self.settings.insert(key, value);
            }
            Change::DeleteSetting { key } => {
                self.settings.remove(&key);
            }
            Change::PutApiKey { name, value } => {
                self.keys.insert(name, value);
            }
            Change::DeleteApiKey { name } => {
                self.keys.remove(&name);
            }
            Change::ClearApiKeys => self.keys.clear(),
        }
        Ok(())
    }
}

/// A [`Store`] in memory: for native tests, and for tabs where the browser offers no storage.
///
/// Transactions work on a copy of the state that replaces it only when every change succeeded.
/// [`FaultInjection::fail_next_with`] makes the next [`Store::apply`] fail after applying its
/// changes to that copy (as a browser reports a full disk on commit), so tests can check that
/// the previous state survives.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: RefCell<State>,
    fail_next: RefCell<Option<StoreError>>,
    transactions: RefCell<u64>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many transactions have committed.
    #[must_use]
    pub fn committed_transactions(&self) -> u64 {
        *self.transactions.borrow()
    }

    fn read<T: 'static>(&self, f: impl FnOnce(&State) -> T) -> LocalBoxFuture<'_, StoreResult<T>> {
        let value = f(&self.state.borrow());
        Box::pin(async move { Ok(value) })
    }
}

impl FaultInjection for MemoryStore {
    fn fail_next_with(&self, error: StoreError) {
        *self.fail_next.borrow_mut() = Some(error);
    }
}

impl Store for MemoryStore {
    fn list_sessions(
        &self,
        include_deleted: bool,
    ) -> LocalBoxFuture<'_, StoreResult<Vec<SessionRecord>>> {
        self.read(|state| {
            let mut sessions: Vec<SessionRecord> = state
                .sessions
                .values()
                .filter(|s| include_deleted || s.deleted_at_ms.is_none())
                .cloned()
                .collect();
            sessions.sort_by(|a, b| {
                b.updated_at_ms
                    .cmp(&a.updated_at_ms)
                    .then_with(|| a.id.cmp(&b.id))
            });
            sessions
        })
    }

    fn session<'a>(
        &'a self,
        id: &'a str,
    ) -> LocalBoxFuture<'a, StoreResult<Option<SessionRecord>>> {
        self.read(|state| state.sessions.get(id).cloned())
    }

    fn messages<'a>(
        &'a self,
        session_id: &'a str,
        range: MessageRange,
    ) -> LocalBoxFuture<'a, StoreResult<Vec<MessageRecord>>> {
        self.read(|state| {
            state
                .messages
                .range((session_id.to_owned(), range.from_seq)..=(session_id.to_owned(), u64::MAX))
                .take(range.limit.unwrap_or(usize::MAX))
                .map(|(_, m)| m.clone())
                .collect()
        })
    }

    fn last_message<'a>(
        &'a self,
        session_id: &'a str,
    ) -> LocalBoxFuture<'a, StoreResult<Option<MessageRecord>>> {
        self.read(|state| {
            state
                .messages
                .range((session_id.to_owned(), 0)..=(session_id.to_owned(), u64::MAX))
                .next_back()
                .map(|(_, m)| m.clone())
        })
    }

    fn files<'a>(&'a self, workspace: &'a str) -> LocalBoxFuture<'a, StoreResult<Vec<FileRecord>>> {
        self.read(|state| {
            let mut latest: BTreeMap<&str, &FileRecord> = BTreeMap::new();
            for ((w, path, _), record) in &state.files {
                if w == workspace {
                    latest.insert(path, record);
                }
            }
            latest
                .into_values()
                .filter(|r| r.content.is_some())
                .cloned()
                .collect()
        })
    }

    fn file_history<'a>(
        &'a self,
        workspace: &'a str,
        path: &'a str,
    ) -> LocalBoxFuture<'a, StoreResult<Vec<FileRecord>>> {
        self.read(|state| {
            state
                .files
                .range(
                    (workspace.to_owned(), path.to_owned(), 0)
                        ..=(workspace.to_owned(), path.to_owned(), u64::MAX),
                )
                .map(|(_, r)| r.clone())
                .collect()
        })
    }

    fn settings(&self) -> LocalBoxFuture<'_, StoreResult<BTreeMap<String, String>>> {
        self.read(|state| state.settings.clone())
    }

    fn api_key<'a>(&'a self, name: &'a str) -> LocalBoxFuture<'a, StoreResult<Option<String>>> {
        self.read(|state| state.keys.get(name).cloned())
    }

    fn api_key_names(&self) -> LocalBoxFuture<'_, StoreResult<Vec<String>>> {
        self.read(|state| state.keys.keys().cloned().collect())
    }

    fn apply(&self, changes: Vec<Change>) -> LocalBoxFuture<'_, StoreResult<()>> {
        let result = (|| {
            let mut next = self.state.borrow().clone();
            for change in changes {
                next.apply(change)?;
            }
            if let Some(error) = self.fail_next.borrow_mut().take() {
                return Err(error);
            }
            *self.state.borrow_mut() = next;
            *self.transactions.borrow_mut() += 1;
            Ok(())
        })();
        Box::pin(async move { result })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        futures_util::FutureExt::now_or_never(f).expect("memory futures are ready at once")
    }

    fn message(session: &str, seq: u64, state: MessageState) -> MessageRecord {
        MessageRecord {
            session_id: session.into(),
            seq,
            id: format!("m{seq}"),
            state,
            updated_at_ms: 10 + seq,
            format: 1,
            payload: format!("{{\"n\":{seq}}}"),
        }
    }

    #[test]
    fn store_is_object_safe_and_forwards() {
        let store: std::rc::Rc<dyn Store> = std::rc::Rc::new(MemoryStore::new());
        block_on(store.apply(vec![Change::CreateSession(SessionRecord::new("a", "A", 1))]))
            .unwrap();
        assert_eq!(block_on(store.list_sessions(false)).unwrap().len(), 1);
    }

    #[test]
    fn failed_change_rolls_back_the_whole_batch() {
        let store = MemoryStore::new();
        let err = block_on(store.apply(vec![
            Change::CreateSession(SessionRecord::new("a", "A", 1)),
            Change::AppendMessage(message("missing", 0, MessageState::Final)),
        ]))
        .unwrap_err();
        assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
        assert!(block_on(store.list_sessions(true)).unwrap().is_empty());
        assert_eq!(store.committed_transactions(), 0);
    }

    #[test]
    fn messages_are_append_only() {
        let store = MemoryStore::new();
        block_on(store.apply(vec![
            Change::CreateSession(SessionRecord::new("a", "A", 1)),
            Change::AppendMessage(message("a", 0, MessageState::Final)),
            Change::AppendMessage(message("a", 1, MessageState::Streaming)),
        ]))
        .unwrap();
        let err = block_on(store.apply(vec![Change::AppendMessage(message(
            "a",
            1,
            MessageState::Final,
        ))]))
        .unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }));
        let err = block_on(store.apply(vec![Change::UpdateStreamingMessage {
            session_id: "a".into(),
            seq: 0,
            payload: "{}".into(),
            at_ms: 5,
        }]))
        .unwrap_err();
        assert!(err.to_string().contains("already complete"), "{err}");
        assert_eq!(
            block_on(store.session("a")).unwrap().unwrap().updated_at_ms,
            11
        );
    }

    #[test]
    fn schema_steps() {
        assert_eq!(schema_upgrade_steps(0).unwrap().len(), OBJECT_STORES.len());
        assert!(schema_upgrade_steps(SCHEMA_VERSION).unwrap().is_empty());
        assert_eq!(
            schema_upgrade_steps(SCHEMA_VERSION + 1),
            Err(StoreError::VersionChange)
        );
    }

    #[test]
    fn error_messages_say_what_to_do() {
        assert!(StoreError::QuotaExceeded.to_string().contains("delete old"));
        assert!(StoreError::VersionChange.to_string().contains("reload"));
        assert!(StoreError::Blocked.to_string().contains("close"));
        assert!(
            StoreError::Unavailable {
                detail: "SecurityError".into()
            }
            .to_string()
            .contains("private browsing")
        );
    }
}

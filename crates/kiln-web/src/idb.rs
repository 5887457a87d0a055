//! [`IdbStore`]: kiln-core's [`Store`] over IndexedDB.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use futures_util::future::{Either, LocalBoxFuture, select};
use js_sys::{Array, Function, JSON, Promise, Reflect};
use kiln_core::store::{
    Change, FaultInjection, FileRecord, MessageRange, MessageRecord, MessageState, ObjectStoreSpec,
    SCHEMA_VERSION, SessionRecord, Store, StoreError, StoreResult, schema_upgrade_steps,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, Event, IdbCursorDirection, IdbCursorWithValue, IdbDatabase, IdbFactory,
    IdbKeyRange, IdbObjectStore, IdbObjectStoreParameters, IdbOpenDbRequest, IdbRequest,
    IdbTransaction, IdbTransactionMode, IdbVersionChangeEvent,
};

use crate::plan::{FILES, KEYS, MESSAGES, Phase, SESSIONS, SETTINGS, scope, store_error};
use crate::timer::after_ms;

/// A record of the `settings` store.
#[derive(Serialize, Deserialize)]
struct SettingRecord {
    key: String,
    value: String,
}

/// A record of the `keys` store.
#[derive(Serialize, Deserialize)]
struct KeyRecord {
    name: String,
    value: String,
}

/// A failure a test asked for (see [`FaultInjection`]).
enum Fault {
    /// Fail with this error.
    Error(StoreError),
    /// Fail as if the browser had reported a `DOMException` with this name.
    DomException(String),
}

/// [`Store`] over an IndexedDB database: one connection, opened at [`SCHEMA_VERSION`].
///
/// Every [`Store::apply`] is one `readwrite` transaction over the object stores its changes
/// touch; each change's preconditions are checked with reads inside it, and the first failure
/// aborts it, so nothing of the batch is kept. Reads are `readonly` transactions.
///
/// When another tab opens the database at a newer version, the connection closes at once (so
/// that tab is never blocked) and every later call fails with [`StoreError::VersionChange`].
/// Dropping the store closes its connection.
pub struct IdbStore {
    name: String,
    db: IdbDatabase,
    /// Why the connection is gone, once it is (a newer version elsewhere, or the browser).
    closed: Rc<RefCell<Option<StoreError>>>,
    // The handlers the connection calls; kept alive as long as it is open.
    _on_version_change: Closure<dyn FnMut(Event)>,
    _on_close: Closure<dyn FnMut(Event)>,
    fault: RefCell<Option<Fault>>,
}

impl std::fmt::Debug for IdbStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdbStore")
            .field("name", &self.name)
            .field("closed", &self.closed.borrow())
            .finish_non_exhaustive()
    }
}

impl IdbStore {
    /// Opens (creating or upgrading it as needed) the database `name` at [`SCHEMA_VERSION`].
    /// The app passes [`kiln_core::store::DATABASE_NAME`]; tests pass fresh names.
    ///
    /// The upgrade creates what [`schema_upgrade_steps`] lists for the version found on disk,
    /// skipping object stores and indexes that already exist.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unavailable`] when the browser offers no IndexedDB or refuses to open it
    /// (private modes, site settings); [`StoreError::VersionChange`] when the database on disk
    /// is newer than this build; [`StoreError::Blocked`] when an upgrade is needed but another
    /// tab keeps an older connection open (this open is then abandoned: nothing is upgraded
    /// behind the caller's back).
    pub async fn open(name: &str) -> StoreResult<IdbStore> {
        let request = factory()?
            .open_with_u32(name, SCHEMA_VERSION)
            .map_err(|e| unavailable(&e))?;
        let upgrade_error: Rc<RefCell<Option<StoreError>>> = Rc::default();
        let on_upgrade = {
            let upgrade_error = Rc::clone(&upgrade_error);
            let request = request.clone();
            Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(move |event: IdbVersionChangeEvent| {
                if let Err(error) = upgrade(&request, event.old_version()) {
                    if let Some(transaction) = request.transaction() {
                        // Aborting the upgrade fails the open with an AbortError.
                        let _ = transaction.abort();
                    }
                    *upgrade_error.borrow_mut() = Some(error);
                }
            })
        };
        request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        match settle(&request).await {
            Settled::Done => {
                request.set_onupgradeneeded(None);
                let db = request
                    .result()
                    .and_then(|r| r.dyn_into::<IdbDatabase>())
                    .map_err(|e| unavailable(&e))?;
                Ok(IdbStore::from_connection(name, db))
            }
            Settled::Blocked => {
                // The open stays queued until the other connections close; when it gets its
                // turn, its upgrade is aborted (and the connection never handed out).
                let abandon = Closure::once_into_js(move |event: Event| {
                    let transaction = event
                        .target()
                        .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
                        .and_then(|r| r.transaction());
                    if let Some(transaction) = transaction {
                        let _ = transaction.abort();
                    }
                });
                request.set_onupgradeneeded(Some(abandon.unchecked_ref()));
                request.set_onsuccess(None);
                request.set_onerror(None);
                request.set_onblocked(None);
                Err(StoreError::Blocked)
            }
            Settled::Failed => {
                request.set_onupgradeneeded(None);
                if let Some(error) = upgrade_error.borrow_mut().take() {
                    return Err(error);
                }
                Err(match request.error() {
                    Ok(Some(dom)) => store_error(&dom.name(), &dom.message(), Phase::Open),
                    _ => StoreError::Unavailable {
                        detail: "the browser refused to open the database without saying why"
                            .into(),
                    },
                })
            }
        }
    }

    /// Deletes the database `name` and everything in it.
    ///
    /// # Errors
    ///
    /// [`StoreError::Blocked`] when another connection to it stays open (the deletion then
    /// happens once it closes); [`StoreError::Unavailable`] when the browser offers no
    /// IndexedDB or refuses.
    pub async fn delete_database(name: &str) -> StoreResult<()> {
        let request = factory()?
            .delete_database(name)
            .map_err(|e| unavailable(&e))?;
        let outcome = settle(&request).await;
        request.set_onsuccess(None);
        request.set_onerror(None);
        request.set_onblocked(None);
        match outcome {
            Settled::Done => Ok(()),
            Settled::Blocked => Err(StoreError::Blocked),
            Settled::Failed => Err(match request.error() {
                Ok(Some(dom)) => store_error(&dom.name(), &dom.message(), Phase::Open),
                _ => StoreError::Unavailable {
                    detail: "the browser refused to delete the database without saying why".into(),
                },
            }),
        }
    }

    /// The database's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Makes the next [`Store::apply`] carry out its writes and then abort its transaction as
    /// if the browser had failed it with the `DOMException` called `name` (for instance
    /// `"QuotaExceededError"`); the error comes out through the same mapping as a real one.
    pub fn fail_next_with_dom_exception(&self, name: &str) {
        *self.fault.borrow_mut() = Some(Fault::DomException(name.to_owned()));
    }

    fn from_connection(name: &str, db: IdbDatabase) -> IdbStore {
        let closed: Rc<RefCell<Option<StoreError>>> = Rc::default();
        let on_version_change = {
            let closed = Rc::clone(&closed);
            let db = db.clone();
            Closure::<dyn FnMut(Event)>::new(move |_event: Event| {
                // Close at once so the newer version's upgrade is not blocked by this tab.
                db.close();
                closed.borrow_mut().get_or_insert(StoreError::VersionChange);
            })
        };
        let on_close = {
            let closed = Rc::clone(&closed);
            Closure::<dyn FnMut(Event)>::new(move |_event: Event| {
                closed
                    .borrow_mut()
                    .get_or_insert_with(|| StoreError::Unavailable {
                        detail: "the browser closed the database (site data cleared?)".into(),
                    });
            })
        };
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        db.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        IdbStore {
            name: name.to_owned(),
            db,
            closed,
            _on_version_change: on_version_change,
            _on_close: on_close,
            fault: RefCell::new(None),
        }
    }

    fn transaction(
        &self,
        stores: &[&str],
        mode: IdbTransactionMode,
    ) -> StoreResult<IdbTransaction> {
        if let Some(error) = self.closed.borrow().clone() {
            return Err(error);
        }
        let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
        self.db
            .transaction_with_str_sequence_and_mode(&names, mode)
            .map_err(|e| {
                self.closed
                    .borrow()
                    .clone()
                    .unwrap_or_else(|| transaction_error(&e))
            })
    }

    async fn read(&self, store: &str, query: Query) -> StoreResult<JsValue> {
        let transaction = self.transaction(&[store], IdbTransactionMode::Readonly)?;
        let object_store = object_store(&transaction, store)?;
        let request = query.request(&object_store)?;
        wait(&request).await
    }

    async fn read_all<T: DeserializeOwned>(
        &self,
        store: &str,
        query: Query,
    ) -> StoreResult<Vec<T>> {
        let value = self.read(store, query).await?;
        Array::from(&value)
            .iter()
            .map(|v| from_js(&v, || format!("a record of \"{store}\"")))
            .collect()
    }

    async fn apply_changes(&self, changes: Vec<Change>) -> StoreResult<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let transaction = self.transaction(&scope(&changes), IdbTransactionMode::Readwrite)?;
        // Listen before the first request: the transaction ends on its own once idle.
        let finished = JsFuture::from(Promise::new(&mut |resolve, reject| {
            transaction.set_oncomplete(Some(&resolve));
            transaction.set_onabort(Some(&reject));
        }));
        let mut batch = Batch::new(&transaction);
        let mut result = async {
            for change in changes {
                batch.apply(change).await?;
            }
            batch.flush_sessions()
        }
        .await;
        if result.is_ok() {
            // Taken only when every change succeeded, as `MemoryStore` does.
            if let Some(fault) = self.fault.borrow_mut().take() {
                result = Err(match fault {
                    Fault::Error(error) => error,
                    Fault::DomException(name) => store_error(
                        &name,
                        "injected by FaultInjection after the batch's writes",
                        Phase::Transaction,
                    ),
                });
            }
        }
        match result {
            Ok(()) => match finished.await {
                Ok(_) => Ok(()),
                Err(_) => Err(aborted_transaction_error(&transaction)
                    .unwrap_or_else(|| StoreError::Other("the transaction was aborted".into()))),
            },
            Err(error) => {
                // Already finished if a request failed; then `abort` throws, which is fine.
                let _ = transaction.abort();
                let _ = finished.await;
                Err(aborted_transaction_error(&transaction).unwrap_or(error))
            }
        }
    }
}

impl Drop for IdbStore {
    fn drop(&mut self) {
        self.db.set_onversionchange(None);
        self.db.set_onclose(None);
        self.db.close();
    }
}

impl FaultInjection for IdbStore {
    /// The next [`Store::apply`] makes its writes in its real transaction, then aborts it and
    /// fails with `error`.
    fn fail_next_with(&self, error: StoreError) {
        *self.fault.borrow_mut() = Some(Fault::Error(error));
    }
}

impl Store for IdbStore {
    fn list_sessions(
        &self,
        include_deleted: bool,
    ) -> LocalBoxFuture<'_, StoreResult<Vec<SessionRecord>>> {
        Box::pin(async move {
            let mut sessions: Vec<SessionRecord> = self.read_all(SESSIONS, Query::All).await?;
            sessions.retain(|s| include_deleted || s.deleted_at_ms.is_none());
            sessions.sort_by(|a, b| {
                b.updated_at_ms
                    .cmp(&a.updated_at_ms)
                    .then_with(|| a.id.cmp(&b.id))
            });
            Ok(sessions)
        })
    }

    fn session<'a>(
        &'a self,
        id: &'a str,
    ) -> LocalBoxFuture<'a, StoreResult<Option<SessionRecord>>> {
        Box::pin(async move {
            let value = self
                .read(SESSIONS, Query::Get(JsValue::from_str(id)))
                .await?;
            optional(&value, || format!("session \"{id}\""))
        })
    }

    fn messages<'a>(
        &'a self,
        session_id: &'a str,
        range: MessageRange,
    ) -> LocalBoxFuture<'a, StoreResult<Vec<MessageRecord>>> {
        Box::pin(async move {
            let keys = message_range(session_id, range.from_seq)?;
            let limit = range.limit.map(|l| u32::try_from(l).unwrap_or(u32::MAX));
            if limit == Some(0) {
                return Ok(Vec::new());
            }
            self.read_all(MESSAGES, Query::Range(keys.into(), limit))
                .await
        })
    }

    fn last_message<'a>(
        &'a self,
        session_id: &'a str,
    ) -> LocalBoxFuture<'a, StoreResult<Option<MessageRecord>>> {
        Box::pin(async move {
            let transaction = self.transaction(&[MESSAGES], IdbTransactionMode::Readonly)?;
            let store = object_store(&transaction, MESSAGES)?;
            let value = last_in_range(&store, &message_range(session_id, 0)?).await?;
            optional(&value, || {
                format!("the last message of session \"{session_id}\"")
            })
        })
    }

    fn files<'a>(&'a self, workspace: &'a str) -> LocalBoxFuture<'a, StoreResult<Vec<FileRecord>>> {
        Box::pin(async move {
            // In key order: by path, then revision; the last revision of each path wins.
            let revisions: Vec<FileRecord> = self
                .read_all(
                    FILES,
                    Query::Range(workspace_range(workspace)?.into(), None),
                )
                .await?;
            let mut latest: BTreeMap<String, FileRecord> = BTreeMap::new();
            for record in revisions {
                latest.insert(record.path.clone(), record);
            }
            Ok(latest
                .into_values()
                .filter(|r| r.content.is_some())
                .collect())
        })
    }

    fn file_history<'a>(
        &'a self,
        workspace: &'a str,
        path: &'a str,
    ) -> LocalBoxFuture<'a, StoreResult<Vec<FileRecord>>> {
        Box::pin(async move {
            self.read_all(
                FILES,
                Query::Range(file_range(workspace, path)?.into(), None),
            )
            .await
        })
    }

    fn settings(&self) -> LocalBoxFuture<'_, StoreResult<BTreeMap<String, String>>> {
        Box::pin(async move {
            let records: Vec<SettingRecord> = self.read_all(SETTINGS, Query::All).await?;
            Ok(records.into_iter().map(|r| (r.key, r.value)).collect())
        })
    }

    fn api_key<'a>(&'a self, name: &'a str) -> LocalBoxFuture<'a, StoreResult<Option<String>>> {
        Box::pin(async move {
            let value = self.read(KEYS, Query::Get(JsValue::from_str(name))).await?;
            let record: Option<KeyRecord> = optional(&value, || format!("API key \"{name}\""))?;
            Ok(record.map(|r| r.value))
        })
    }

    fn api_key_names(&self) -> LocalBoxFuture<'_, StoreResult<Vec<String>>> {
        Box::pin(async move {
            let records: Vec<KeyRecord> = self.read_all(KEYS, Query::All).await?;
            // Primary-key order is code-unit order; sort as Rust strings for the trait.
            let mut names: Vec<String> = records.into_iter().map(|r| r.name).collect();
            names.sort();
            Ok(names)
        })
    }

    fn apply(&self, changes: Vec<Change>) -> LocalBoxFuture<'_, StoreResult<()>> {
        Box::pin(self.apply_changes(changes))
    }
}

/// One `apply` in progress: its transaction and what it has read or written so far.
///
/// Session headers are read once and written once, at the end ([`Batch::flush_sessions`]), so
/// appending thousands of messages costs one write per message.
struct Batch<'t> {
    transaction: &'t IdbTransaction,
    /// Session headers as this batch sees them (`None`: no such session).
    sessions: HashMap<String, Option<SessionRecord>>,
    /// Headers changed by this batch, written by `flush_sessions`.
    dirty: BTreeSet<String>,
    /// The highest message `seq` per session as this batch sees it.
    last_seq: HashMap<String, Option<u64>>,
}

impl<'t> Batch<'t> {
    fn new(transaction: &'t IdbTransaction) -> Self {
        Batch {
            transaction,
            sessions: HashMap::new(),
            dirty: BTreeSet::new(),
            last_seq: HashMap::new(),
        }
    }

    fn store(&self, name: &str) -> StoreResult<IdbObjectStore> {
        object_store(self.transaction, name)
    }

    async fn session(&mut self, id: &str) -> StoreResult<Option<SessionRecord>> {
        if let Some(known) = self.sessions.get(id) {
            return Ok(known.clone());
        }
        let request = self
            .store(SESSIONS)?
            .get(&JsValue::from_str(id))
            .map_err(|e| transaction_error(&e))?;
        let record: Option<SessionRecord> =
            optional(&wait(&request).await?, || format!("session \"{id}\""))?;
        self.sessions.insert(id.to_owned(), record.clone());
        Ok(record)
    }

    async fn existing_session(&mut self, id: &str) -> StoreResult<SessionRecord> {
        self.session(id).await?.ok_or_else(|| StoreError::NotFound {
            what: format!("session \"{id}\""),
        })
    }

    fn set_session(&mut self, record: SessionRecord) {
        self.dirty.insert(record.id.clone());
        self.sessions.insert(record.id.clone(), Some(record));
    }

    async fn touch_session(&mut self, id: &str, at_ms: u64) -> StoreResult<()> {
        let mut session = self.existing_session(id).await?;
        session.updated_at_ms = session.updated_at_ms.max(at_ms);
        self.set_session(session);
        Ok(())
    }

    async fn last_seq(&mut self, session_id: &str) -> StoreResult<Option<u64>> {
        if let Some(known) = self.last_seq.get(session_id) {
            return Ok(*known);
        }
        let value = last_in_range(&self.store(MESSAGES)?, &message_range(session_id, 0)?).await?;
        let last: Option<MessageRecord> = optional(&value, || {
            format!("the last message of session \"{session_id}\"")
        })?;
        let seq = last.map(|m| m.seq);
        self.last_seq.insert(session_id.to_owned(), seq);
        Ok(seq)
    }

    /// The message `seq` of `session_id` if it is still streaming.
    async fn streaming_message(&self, session_id: &str, seq: u64) -> StoreResult<MessageRecord> {
        let request = self
            .store(MESSAGES)?
            .get(&message_key(session_id, seq))
            .map_err(|e| transaction_error(&e))?;
        let message: Option<MessageRecord> = optional(&wait(&request).await?, || {
            format!("message {seq} of session \"{session_id}\"")
        })?;
        let message = message.ok_or_else(|| StoreError::NotFound {
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

    fn put(&self, store: &str, record: &impl Serialize) -> StoreResult<()> {
        // Not awaited: requests run in order, and a failed write aborts the transaction, which
        // `apply` reports.
        self.store(store)?
            .put(&to_js(record)?)
            .map_err(|e| transaction_error(&e))?;
        Ok(())
    }

    fn delete(&self, store: &str, query: &JsValue) -> StoreResult<()> {
        self.store(store)?
            .delete(query)
            .map_err(|e| transaction_error(&e))?;
        Ok(())
    }

    async fn apply(&mut self, change: Change) -> StoreResult<()> {
        match change {
            Change::CreateSession(record) => {
                if self.session(&record.id).await?.is_some() {
                    return Err(StoreError::Conflict {
                        what: format!("a session with id \"{}\" already exists", record.id),
                    });
                }
                self.set_session(record);
            }
            Change::UpdateSession(record) => {
                self.existing_session(&record.id).await?;
                self.set_session(record);
            }
            Change::RenameSession { id, title, at_ms } => {
                let mut session = self.existing_session(&id).await?;
                session.title = title;
                session.updated_at_ms = session.updated_at_ms.max(at_ms);
                self.set_session(session);
            }
            Change::SoftDeleteSession { id, at_ms } => {
                let mut session = self.existing_session(&id).await?;
                session.deleted_at_ms = Some(at_ms);
                self.set_session(session);
            }
            Change::RestoreSession { id } => {
                let mut session = self.existing_session(&id).await?;
                session.deleted_at_ms = None;
                self.set_session(session);
            }
            Change::PurgeSession { id } => {
                self.existing_session(&id).await?;
                self.delete(SESSIONS, &JsValue::from_str(&id))?;
                let messages = message_range(&id, 0)?;
                self.delete(MESSAGES, &messages)?;
                let files = workspace_range(&id)?;
                self.delete(FILES, &files)?;
                self.dirty.remove(&id);
                self.sessions.insert(id.clone(), None);
                self.last_seq.insert(id, None);
            }
            Change::AppendMessage(record) => {
                let last = self.last_seq(&record.session_id).await?;
                let mut session = self.existing_session(&record.session_id).await?;
                if last.is_some_and(|last| record.seq <= last) {
                    return Err(StoreError::Conflict {
                        what: format!(
                            "message {} of session \"{}\" would not come after the last message; messages are only appended",
                            record.seq, record.session_id
                        ),
                    });
                }
                session.updated_at_ms = session.updated_at_ms.max(record.updated_at_ms);
                self.set_session(session);
                self.put(MESSAGES, &record)?;
                self.last_seq.insert(record.session_id, Some(record.seq));
            }
            Change::UpdateStreamingMessage {
                session_id,
                seq,
                payload,
                at_ms,
            } => {
                let mut message = self.streaming_message(&session_id, seq).await?;
                message.payload = payload;
                message.updated_at_ms = at_ms;
                self.put(MESSAGES, &message)?;
                self.touch_session(&session_id, at_ms).await?;
            }
            Change::FinaliseMessage {
                session_id,
                seq,
                payload,
                at_ms,
            } => {
                let mut message = self.streaming_message(&session_id, seq).await?;
                message.payload = payload;
                message.updated_at_ms = at_ms;
                message.state = MessageState::Final;
                self.put(MESSAGES, &message)?;
                self.touch_session(&session_id, at_ms).await?;
            }
            Change::PutFile {
                workspace,
                path,
                format,
                content,
                at_ms,
            } => {
                let value =
                    last_in_range(&self.store(FILES)?, &file_range(&workspace, &path)?).await?;
                let last: Option<FileRecord> =
                    optional(&value, || format!("file \"{path}\" of \"{workspace}\""))?;
                let record = FileRecord {
                    revision: last.map_or(0, |r| r.revision) + 1,
                    workspace,
                    path,
                    updated_at_ms: at_ms,
                    format,
                    content,
                };
                self.put(FILES, &record)?;
            }
            Change::PruneFileRevisions {
                workspace,
                path,
                keep,
            } => {
                let revisions = file_range(&workspace, &path)?;
                let request = self
                    .store(FILES)?
                    .get_all_keys_with_key(&revisions)
                    .map_err(|e| transaction_error(&e))?;
                let keys = Array::from(&wait(&request).await?);
                let drop = (keys.length() as usize).saturating_sub(keep.max(1));
                if drop > 0 {
                    // Keys are [workspace, path, revision] in revision order: delete up to
                    // the last one to drop.
                    let newest_dropped = keys.get(u32::try_from(drop - 1).unwrap_or(u32::MAX));
                    let lower = file_key(&workspace, &path, 0.0);
                    let range = IdbKeyRange::bound(&lower, &newest_dropped)
                        .map_err(|e| transaction_error(&e))?;
                    self.delete(FILES, &range)?;
                }
            }
            Change::PutSetting { key, value } => {
                self.put(SETTINGS, &SettingRecord { key, value })?;
            }
            Change::DeleteSetting { key } => self.delete(SETTINGS, &JsValue::from_str(&key))?,
            Change::PutApiKey { name, value } => self.put(KEYS, &KeyRecord { name, value })?,
            Change::DeleteApiKey { name } => self.delete(KEYS, &JsValue::from_str(&name))?,
            Change::ClearApiKeys => {
                self.store(KEYS)?
                    .clear()
                    .map_err(|e| transaction_error(&e))?;
            }
        }
        Ok(())
    }

    /// Writes the session headers this batch changed.
    fn flush_sessions(&mut self) -> StoreResult<()> {
        for id in std::mem::take(&mut self.dirty) {
            if let Some(Some(record)) = self.sessions.get(&id) {
                self.put(SESSIONS, record)?;
            }
        }
        Ok(())
    }
}

/// What a read asks one object store for.
enum Query {
    /// Every record.
    All,
    /// The record with this key (`undefined` when there is none).
    Get(JsValue),
    /// The records in this key range, at most this many.
    Range(JsValue, Option<u32>),
}

impl Query {
    fn request(&self, store: &IdbObjectStore) -> StoreResult<IdbRequest> {
        match self {
            Query::All => store.get_all(),
            Query::Get(key) => store.get(key),
            Query::Range(range, None) => store.get_all_with_key(range),
            Query::Range(range, Some(limit)) => store.get_all_with_key_and_limit(range, *limit),
        }
        .map_err(|e| transaction_error(&e))
    }
}

/// The browser's `indexedDB`, in a window or a worker.
fn factory() -> StoreResult<IdbFactory> {
    let value = Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
        .map_err(|e| unavailable(&e))?;
    if value.is_undefined() || value.is_null() {
        return Err(StoreError::Unavailable {
            detail: "this browser offers no IndexedDB here".into(),
        });
    }
    value
        .dyn_into::<IdbFactory>()
        .map_err(|_| StoreError::Unavailable {
            detail: "`indexedDB` is not an IDBFactory".into(),
        })
}

/// Creates what [`schema_upgrade_steps`] lists for a database found at `old_version`; object
/// stores and indexes that already exist are kept.
fn upgrade(request: &IdbOpenDbRequest, old_version: f64) -> StoreResult<()> {
    let db = request
        .result()
        .and_then(|r| r.dyn_into::<IdbDatabase>())
        .map_err(|e| unavailable(&e))?;
    let transaction = request
        .transaction()
        .ok_or_else(|| StoreError::Unavailable {
            detail: "the upgrade has no versionchange transaction".into(),
        })?;
    // Versions are small integers; anything else is a database this build cannot know.
    let from = if old_version.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&old_version) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked just above
        let version = old_version as u32;
        version
    } else {
        return Err(StoreError::VersionChange);
    };
    let existing = db.object_store_names();
    for spec in schema_upgrade_steps(from)? {
        let store = if existing.contains(spec.name) {
            transaction.object_store(spec.name)
        } else {
            let parameters = IdbObjectStoreParameters::new();
            parameters.set_key_path(&key_path(spec.key_path));
            db.create_object_store_with_optional_parameters(spec.name, &parameters)
        }
        .map_err(|e| upgrade_error(spec, &e))?;
        let indexes = store.index_names();
        for (index, fields) in spec.indexes {
            if !indexes.contains(index) {
                store
                    .create_index_with_str_sequence(index, &key_path(fields))
                    .map_err(|e| upgrade_error(spec, &e))?;
            }
        }
    }
    Ok(())
}

fn upgrade_error(spec: &ObjectStoreSpec, error: &JsValue) -> StoreError {
    StoreError::Unavailable {
        detail: format!(
            "could not create the object store \"{}\": {}",
            spec.name,
            describe(error)
        ),
    }
}

/// An IndexedDB key path: a string for one field, an array for several.
fn key_path(fields: &[&str]) -> JsValue {
    match fields {
        [field] => JsValue::from_str(field),
        _ => fields
            .iter()
            .map(|f| JsValue::from_str(f))
            .collect::<Array>()
            .into(),
    }
}

fn object_store(transaction: &IdbTransaction, name: &str) -> StoreResult<IdbObjectStore> {
    transaction
        .object_store(name)
        .map_err(|e| transaction_error(&e))
}

/// Waits for `request` and returns its result.
async fn wait(request: &IdbRequest) -> StoreResult<JsValue> {
    let outcome = JsFuture::from(Promise::new(&mut |resolve: Function, reject: Function| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    }))
    .await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request.result().map_err(|e| transaction_error(&e)),
        Err(_) => Err(match request.error() {
            Ok(Some(dom)) => store_error(&dom.name(), &dom.message(), Phase::Transaction),
            _ => StoreError::Other("a storage request failed without saying why".into()),
        }),
    }
}

/// The value of the record with the highest key in `range` (`undefined` when it is empty),
/// found with a `prev` cursor.
async fn last_in_range(store: &IdbObjectStore, range: &IdbKeyRange) -> StoreResult<JsValue> {
    let request = store
        .open_cursor_with_range_and_direction(range, IdbCursorDirection::Prev)
        .map_err(|e| transaction_error(&e))?;
    let cursor = wait(&request).await?;
    match cursor.dyn_into::<IdbCursorWithValue>() {
        Ok(cursor) => cursor.value().map_err(|e| transaction_error(&e)),
        Err(_) => Ok(JsValue::UNDEFINED),
    }
}

fn message_key(session_id: &str, seq: u64) -> JsValue {
    Array::of2(&JsValue::from_str(session_id), &key_number(seq)).into()
}

/// `[session_id, from_seq]..=[session_id, ∞]`.
fn message_range(session_id: &str, from_seq: u64) -> StoreResult<IdbKeyRange> {
    let upper = Array::of2(
        &JsValue::from_str(session_id),
        &JsValue::from_f64(f64::INFINITY),
    );
    IdbKeyRange::bound(&message_key(session_id, from_seq), &upper)
        .map_err(|e| transaction_error(&e))
}

fn file_key(workspace: &str, path: &str, revision: f64) -> JsValue {
    Array::of3(
        &JsValue::from_str(workspace),
        &JsValue::from_str(path),
        &JsValue::from_f64(revision),
    )
    .into()
}

/// Every revision of one file: `[workspace, path, 0]..=[workspace, path, ∞]`.
fn file_range(workspace: &str, path: &str) -> StoreResult<IdbKeyRange> {
    IdbKeyRange::bound(
        &file_key(workspace, path, 0.0),
        &file_key(workspace, path, f64::INFINITY),
    )
    .map_err(|e| transaction_error(&e))
}

/// Every file of a workspace: `[workspace]..=[workspace, []]` (arrays sort after every string
/// path).
fn workspace_range(workspace: &str) -> StoreResult<IdbKeyRange> {
    let lower = Array::of1(&JsValue::from_str(workspace));
    let upper = Array::of2(&JsValue::from_str(workspace), &Array::new());
    IdbKeyRange::bound(&lower, &upper).map_err(|e| transaction_error(&e))
}

/// Keys and revisions are numbers in IndexedDB; Kiln's stay far below 2^53.
#[allow(clippy::cast_precision_loss)]
fn key_number(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// A record as a plain JavaScript object (through JSON: records are small, and the field
/// names are those of the key paths in [`kiln_core::store::OBJECT_STORES`]).
fn to_js(record: &impl Serialize) -> StoreResult<JsValue> {
    let text = serde_json::to_string(record)
        .map_err(|e| StoreError::Other(format!("could not encode a record: {e}")))?;
    JSON::parse(&text)
        .map_err(|e| StoreError::Other(format!("could not encode a record: {}", describe(&e))))
}

fn from_js<T: DeserializeOwned>(value: &JsValue, what: impl Fn() -> String) -> StoreResult<T> {
    let text = JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| StoreError::Corrupt {
            what: what(),
            detail: "it is not a plain object".into(),
        })?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
        what: what(),
        detail: e.to_string(),
    })
}

/// A `get` result: `undefined` when there is no record.
fn optional<T: DeserializeOwned>(
    value: &JsValue,
    what: impl Fn() -> String,
) -> StoreResult<Option<T>> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        from_js(value, what).map(Some)
    }
}

/// How long an open or a deletion waits after `blocked` before it reports
/// [`StoreError::Blocked`]: a connection that is closing (its last transactions finishing, or
/// another tab handling `versionchange`) blocks it only for a moment.
const BLOCKED_GRACE_MS: i32 = 1_000;

/// How an open or delete request ended.
enum Settled {
    /// `success`.
    Done,
    /// `error`: see the request's `error`.
    Failed,
    /// `blocked`, and still not done [`BLOCKED_GRACE_MS`] later.
    Blocked,
}

async fn settle(request: &IdbOpenDbRequest) -> Settled {
    let settled = JsFuture::from(Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    }));
    let blocked = JsFuture::from(Promise::new(&mut |resolve, _reject| {
        request.set_onblocked(Some(&resolve));
    }));
    let outcome = match select(settled, blocked).await {
        Either::Left((outcome, _)) => outcome,
        Either::Right((_, settled)) => match select(settled, after_ms(BLOCKED_GRACE_MS)).await {
            Either::Left((outcome, _)) => outcome,
            Either::Right(_) => return Settled::Blocked,
        },
    };
    if outcome.is_ok() {
        Settled::Done
    } else {
        Settled::Failed
    }
}

/// The cause of an aborted transaction, unless it was our own `abort()` (then the browser
/// records no error, or an `AbortError`).
fn aborted_transaction_error(transaction: &IdbTransaction) -> Option<StoreError> {
    transaction
        .error()
        .filter(|dom| dom.name() != "AbortError")
        .map(|dom| store_error(&dom.name(), &dom.message(), Phase::Transaction))
}

fn transaction_error(error: &JsValue) -> StoreError {
    match error.dyn_ref::<DomException>() {
        Some(dom) => store_error(&dom.name(), &dom.message(), Phase::Transaction),
        None => StoreError::Other(describe(error)),
    }
}

fn unavailable(error: &JsValue) -> StoreError {
    match error.dyn_ref::<DomException>() {
        Some(dom) => store_error(&dom.name(), &dom.message(), Phase::Open),
        None => StoreError::Unavailable {
            detail: describe(error),
        },
    }
}

/// A thrown JavaScript value in words.
fn describe(error: &JsValue) -> String {
    if let Some(dom) = error.dyn_ref::<DomException>() {
        return format!("{}: {}", dom.name(), dom.message());
    }
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.to_string());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

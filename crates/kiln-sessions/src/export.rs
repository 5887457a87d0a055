//! Export and import files: versioned JSON holding sessions and workspace files, never API keys.
//!
//! An export file is an [`ExportFile`]:
//!
//! ```json
//! {
//!   "format": "kiln-session",
//!   "version": 1,
//!   "exported_at_ms": 1764288000000,
//!   "sessions": [
//!     {
//!       "session": { "id": "s1", "title": "Fizzbuzz", "messages": [ … ], "usage": { … }, "cost_usd": 0.0 },
//!       "decisions": [],
//!       "todos": [],
//!       "created_at_ms": 1764287000000,
//!       "updated_at_ms": 1764287500000,
//!       "files": [ { "path": "main.py", "content": { "text": "print('hi')\n" } } ]
//!     }
//!   ],
//!   "shared_files": []
//! }
//! ```
//!
//! Each entry of `sessions` is a [`kiln_agent::AgentSession`] as JSON (`session`, `decisions`,
//! `todos`) exactly as `kiln ask --transcript` writes it, plus optional store times and
//! workspace files. A bare `AgentSession` with no envelope — the transcript file `kiln ask`
//! writes — is read as version 0 and imports as one session.
//!
//! [`ExportFile::parse`] explains exactly what is wrong with a bad file ([`ImportError`]);
//! [`crate::Sessions::plan_import`] then lists the sessions that clash with stored ones, and
//! [`crate::Sessions::import`] applies the user's [`ImportChoices`] in one transaction,
//! remapping ids so that nothing is overwritten unless the user chose to replace it.

use std::collections::{BTreeMap, BTreeSet};

use kiln_agent::{AgentSession, Decision, Todo};
use kiln_assistant::Session;
use kiln_core::store::{Change, SHARED_WORKSPACE, Store};
use kiln_vfs::{Content, VPath};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Result;
use crate::{Sessions, create_changes, put_file};

/// The `format` tag of every export file.
pub const EXPORT_FORMAT: &str = "kiln-session";

/// The export version this build writes and the newest it reads.
pub const EXPORT_VERSION: u32 = 1;

/// The longest session or message id an import accepts, in bytes.
pub const MAX_ID_BYTES: usize = 128;

/// A whole export file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportFile {
    /// Always [`EXPORT_FORMAT`].
    pub format: String,
    /// The version of this layout ([`EXPORT_VERSION`] for files this build writes).
    pub version: u32,
    /// When the file was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at_ms: Option<u64>,
    /// The sessions.
    pub sessions: Vec<ExportedSession>,
    /// Files of the workspace shared by all sessions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_files: Vec<ExportedFile>,
}

/// One session in an export file: an [`AgentSession`]'s fields plus store times and files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedSession {
    /// The conversation.
    pub session: Session,
    /// The permission decisions.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// The task list.
    #[serde(default)]
    pub todos: Vec<Todo>,
    /// When the session was created in the store it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_ms: Option<u64>,
    /// When it last changed there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at_ms: Option<u64>,
    /// Its workspace files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<ExportedFile>,
}

impl ExportedSession {
    /// The session as the agent holds it.
    #[must_use]
    pub fn agent_session(&self) -> AgentSession {
        AgentSession {
            session: self.session.clone(),
            decisions: self.decisions.clone(),
            todos: self.todos.clone(),
        }
    }

    /// An entry holding `agent` alone (no times, no files).
    #[must_use]
    pub fn from_agent_session(agent: AgentSession) -> Self {
        ExportedSession {
            session: agent.session,
            decisions: agent.decisions,
            todos: agent.todos,
            created_at_ms: None,
            updated_at_ms: None,
            files: Vec::new(),
        }
    }
}

/// One workspace file in an export file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedFile {
    /// Its path in the workspace.
    pub path: String,
    /// Its content: `{"text": …}` or `{"base64": …}`.
    pub content: Content,
}

/// Why an import file was rejected. Each message says what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Not JSON at all.
    #[error(
        "this file is not valid JSON (line {line}, column {column}: {detail}); choose a file exported from Kiln"
    )]
    NotJson {
        /// The line of the first error.
        line: usize,
        /// Its column.
        column: usize,
        /// The parser's message.
        detail: String,
    },
    /// JSON, but not an export: no `format` field and not a `kiln ask` transcript.
    #[error(
        "this JSON is not a Kiln export: it has no \"format\": \"kiln-session\" field ({found})"
    )]
    NotAnExport {
        /// What was found instead.
        found: String,
    },
    /// Another format tag.
    #[error("this file's format is {found}, not \"kiln-session\": it is not a Kiln session export")]
    WrongFormat {
        /// The tag found (as JSON).
        found: String,
    },
    /// Made by a newer Kiln.
    #[error(
        "this file was exported by a newer version of Kiln (export version {found}; this Kiln reads up to {supported}); reload the page to update Kiln, then import it again"
    )]
    NewerVersion {
        /// The file's version.
        found: u64,
        /// The newest this build reads.
        supported: u32,
    },
    /// A `version` that is missing or not a version Kiln wrote.
    #[error("\"version\" must be a whole number from 1 to {supported}, but this file has {found}")]
    BadVersion {
        /// What was found (as JSON, or "none").
        found: String,
        /// The newest this build reads.
        supported: u32,
    },
    /// A field is missing or has the wrong type.
    #[error("the file is not a valid Kiln export at `{path}`: {detail}")]
    Invalid {
        /// The JSON path (`sessions[0].session.messages[3]`).
        path: String,
        /// What is wrong there.
        detail: String,
    },
    /// An id is empty, too long, repeated or has control characters.
    #[error("bad id {id:?} at `{path}`: {reason}")]
    BadId {
        /// The JSON path of the id.
        path: String,
        /// The id.
        id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A workspace file path Kiln does not accept.
    #[error("bad file path {file:?} at `{path}`: {reason}")]
    BadFilePath {
        /// The JSON path of the entry.
        path: String,
        /// The file path.
        file: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Nothing to import.
    #[error("the file holds no sessions and no files: there is nothing to import")]
    Empty,
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "found null".into(),
        Value::Bool(_) => "found true/false".into(),
        Value::Number(_) => "found a number".into(),
        Value::String(_) => "found a string".into(),
        Value::Array(_) => "found a list".into(),
        Value::Object(map) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).take(6).collect();
            if keys.is_empty() {
                "found an empty object".into()
            } else {
                format!("found an object with fields {}", keys.join(", "))
            }
        }
    }
}

fn check_id(id: &str, path: String) -> Result<(), ImportError> {
    let reason = if id.is_empty() {
        "ids must not be empty".to_owned()
    } else if id.len() > MAX_ID_BYTES {
        format!(
            "ids must be at most {MAX_ID_BYTES} bytes, this one is {}",
            id.len()
        )
    } else if id.chars().any(char::is_control) {
        "ids must not contain control characters".to_owned()
    } else if id.trim() != id {
        "ids must not start or end with spaces".to_owned()
    } else {
        return Ok(());
    };
    Err(ImportError::BadId {
        path,
        id: id.to_owned(),
        reason,
    })
}

impl ExportFile {
    /// A current-version file holding these sessions and shared files.
    #[must_use]
    pub fn new(
        sessions: Vec<ExportedSession>,
        shared_files: Vec<ExportedFile>,
        exported_at_ms: Option<u64>,
    ) -> Self {
        ExportFile {
            format: EXPORT_FORMAT.to_owned(),
            version: EXPORT_VERSION,
            exported_at_ms,
            sessions,
            shared_files,
        }
    }

    /// The file as pretty-printed JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        // Serializing these plain types cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads an export file of any version this build knows (version 0 being a bare
    /// `AgentSession`, the `kiln ask --transcript` file) and validates it. The result is at
    /// [`EXPORT_VERSION`]; the second value is the version the file had.
    ///
    /// # Errors
    ///
    /// An [`ImportError`] saying what is wrong and where.
    pub fn parse_versioned(text: &str) -> Result<(ExportFile, u32), ImportError> {
        let value: Value = serde_json::from_str(text).map_err(|e| ImportError::NotJson {
            line: e.line(),
            column: e.column(),
            detail: e.to_string(),
        })?;
        let Value::Object(map) = &value else {
            return Err(ImportError::NotAnExport {
                found: describe(&value),
            });
        };
        let (value, from) = match map.get("format") {
            None if map.contains_key("session") => (migrate_v0(value), 0),
            None => {
                return Err(ImportError::NotAnExport {
                    found: describe(&value),
                });
            }
            Some(Value::String(tag)) if tag == EXPORT_FORMAT => {
                let version = match map.get("version") {
                    Some(Value::Number(n)) => n.as_u64(),
                    _ => None,
                };
                match version {
                    Some(v) if v > u64::from(EXPORT_VERSION) => {
                        return Err(ImportError::NewerVersion {
                            found: v,
                            supported: EXPORT_VERSION,
                        });
                    }
                    Some(v @ 1..) => (value, u32::try_from(v).unwrap_or(EXPORT_VERSION)),
                    _ => {
                        return Err(ImportError::BadVersion {
                            found: map
                                .get("version")
                                .map_or_else(|| "none".to_owned(), Value::to_string),
                            supported: EXPORT_VERSION,
                        });
                    }
                }
            }
            Some(other) => {
                return Err(ImportError::WrongFormat {
                    found: other.to_string(),
                });
            }
        };
        let file: ExportFile = serde_path_to_error::deserialize(value).map_err(|e| {
            let mut path = e.path().to_string();
            if from == 0 {
                // A transcript is one session: show paths inside it, as the user's file has them.
                path = path
                    .strip_prefix("sessions[0].")
                    .map_or(path.clone(), str::to_owned);
            }
            if path == "." {
                path = "the top level".to_owned();
            }
            ImportError::Invalid {
                path,
                detail: e.into_inner().to_string(),
            }
        })?;
        file.validate()?;
        Ok((file, from))
    }

    /// [`ExportFile::parse_versioned`] without the version.
    ///
    /// # Errors
    ///
    /// An [`ImportError`] saying what is wrong and where.
    pub fn parse(text: &str) -> Result<ExportFile, ImportError> {
        Self::parse_versioned(text).map(|(file, _)| file)
    }

    fn validate(&self) -> Result<(), ImportError> {
        if self.sessions.is_empty() && self.shared_files.is_empty() {
            return Err(ImportError::Empty);
        }
        for (i, entry) in self.sessions.iter().enumerate() {
            check_id(&entry.session.id, format!("sessions[{i}].session.id"))?;
            let mut seen = BTreeSet::new();
            for (j, message) in entry.session.messages.iter().enumerate() {
                let path = format!("sessions[{i}].session.messages[{j}].id");
                check_id(&message.id, path.clone())?;
                if !seen.insert(message.id.as_str()) {
                    return Err(ImportError::BadId {
                        path,
                        id: message.id.clone(),
                        reason: "another message of this session has the same id".to_owned(),
                    });
                }
            }
            check_files(&entry.files, &format!("sessions[{i}].files"))?;
        }
        check_files(&self.shared_files, "shared_files")
    }
}

fn check_files(files: &[ExportedFile], at: &str) -> Result<(), ImportError> {
    let mut seen = BTreeSet::new();
    for (k, file) in files.iter().enumerate() {
        let path = format!("{at}[{k}].path");
        let parsed = VPath::parse(&file.path).map_err(|e| ImportError::BadFilePath {
            path: path.clone(),
            file: file.path.clone(),
            reason: e.to_string(),
        })?;
        if !seen.insert(parsed.as_str().to_owned()) {
            return Err(ImportError::BadFilePath {
                path,
                file: file.path.clone(),
                reason: "another file in the same workspace has this path".to_owned(),
            });
        }
    }
    Ok(())
}

/// Version 0 (a bare `AgentSession`, as `kiln ask --transcript` writes it) to version 1.
fn migrate_v0(session: Value) -> Value {
    serde_json::json!({
        "format": EXPORT_FORMAT,
        "version": 1,
        "sessions": [session],
    })
}

/// A stored session an imported one clashes with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictInfo {
    /// The stored session's title.
    pub existing_title: String,
    /// When it last changed.
    pub existing_updated_at_ms: u64,
    /// Whether it is in the bin (deleted but restorable).
    pub existing_deleted: bool,
    /// Whether it holds exactly the same conversation (already imported).
    pub identical: bool,
}

/// One session of an import, as planned.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedSession {
    /// The session from the file.
    pub data: ExportedSession,
    /// The stored session with the same id, if any: the user decides ([`Resolution`]).
    pub conflict: Option<ConflictInfo>,
    /// The id it gets unless it replaces the stored one: its own id, or a free one based on it
    /// when that is taken by a stored session or by an earlier session of the same file.
    pub new_id: String,
}

/// What to do with an imported session whose id is taken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Resolution {
    /// Import it under [`PlannedSession::new_id`], next to the stored one.
    #[default]
    KeepBoth,
    /// Replace the stored session (its messages and files) with the imported one. Only on the
    /// user's explicit choice.
    Replace,
    /// Do not import it.
    Skip,
}

/// The user's answers to an [`ImportPlan`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportChoices {
    /// For conflicts not listed in `per_session` (default: keep both).
    pub default: Resolution,
    /// By the session's id in the file.
    pub per_session: BTreeMap<String, Resolution>,
    /// Whether shared workspace files from the file replace different stored ones (default:
    /// stored files are kept).
    pub replace_shared_files: bool,
}

/// What a file would import and what clashes, for the user to confirm.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    /// The file's export version (0: a bare transcript).
    pub from_version: u32,
    /// The sessions in file order.
    pub sessions: Vec<PlannedSession>,
    /// The shared workspace files.
    pub shared_files: Vec<ExportedFile>,
    /// Paths of shared files that exist with different content.
    pub shared_file_conflicts: Vec<String>,
}

impl ImportPlan {
    /// Whether anything needs the user's decision.
    #[must_use]
    pub fn has_conflicts(&self) -> bool {
        self.sessions.iter().any(|s| s.conflict.is_some()) || !self.shared_file_conflicts.is_empty()
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// `(id in the file, id now)` of every session written (new or replacing).
    pub imported: Vec<(String, String)>,
    /// Ids of stored sessions that were replaced.
    pub replaced: Vec<String>,
    /// Ids (in the file) of sessions skipped.
    pub skipped: Vec<String>,
    /// Shared files written.
    pub shared_files_written: usize,
    /// Shared files not written because a different stored one was kept.
    pub shared_files_kept: usize,
}

/// `base`, or `base-2`, `base-3`, … : the first that `taken` refuses.
pub(crate) fn free_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2u64..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or_default()
}

pub(crate) async fn plan<S: Store>(
    sessions: &Sessions<S>,
    file: ExportFile,
    from_version: u32,
) -> Result<ImportPlan> {
    let stored = sessions.store().list_sessions(true).await?;
    let mut taken: BTreeSet<String> = stored.iter().map(|r| r.id.clone()).collect();
    let mut planned = Vec::new();
    for entry in file.sessions {
        let id = entry.session.id.clone();
        let conflict = match stored.iter().find(|r| r.id == id) {
            None => None,
            Some(existing) => {
                let identical = sessions.load(&id).await.ok() == Some(entry.agent_session());
                Some(ConflictInfo {
                    existing_title: existing.title.clone(),
                    existing_updated_at_ms: existing.updated_at_ms,
                    existing_deleted: existing.deleted_at_ms.is_some(),
                    identical,
                })
            }
        };
        let new_id = free_id(&id, |candidate| taken.contains(candidate));
        taken.insert(new_id.clone());
        planned.push(PlannedSession {
            data: entry,
            conflict,
            new_id,
        });
    }
    let mut shared_file_conflicts = Vec::new();
    let stored_files = sessions.files_of(SHARED_WORKSPACE).await?;
    for file in &file.shared_files {
        if stored_files
            .iter()
            .any(|(path, content)| *path == file.path && *content != file.content)
        {
            shared_file_conflicts.push(file.path.clone());
        }
    }
    Ok(ImportPlan {
        from_version,
        sessions: planned,
        shared_files: file.shared_files,
        shared_file_conflicts,
    })
}

pub(crate) async fn apply<S: Store>(
    sessions: &Sessions<S>,
    plan: &ImportPlan,
    choices: &ImportChoices,
    now_ms: u64,
) -> Result<ImportReport> {
    let mut changes = Vec::new();
    let mut report = ImportReport::default();
    for planned in &plan.sessions {
        let original = planned.data.session.id.clone();
        let resolution = if planned.conflict.is_some() {
            choices
                .per_session
                .get(&original)
                .copied()
                .unwrap_or(choices.default)
        } else {
            Resolution::KeepBoth
        };
        let id = match resolution {
            Resolution::Skip => {
                report.skipped.push(original);
                continue;
            }
            Resolution::Replace => {
                changes.push(Change::PurgeSession {
                    id: original.clone(),
                });
                report.replaced.push(original.clone());
                original.clone()
            }
            Resolution::KeepBoth => planned.new_id.clone(),
        };
        let mut agent = planned.data.agent_session();
        agent.session.id.clone_from(&id);
        let files: Vec<(String, Content)> = planned
            .data
            .files
            .iter()
            .map(|f| (f.path.clone(), f.content.clone()))
            .collect();
        let created = planned.data.created_at_ms.unwrap_or(now_ms);
        let updated = planned.data.updated_at_ms.unwrap_or(now_ms);
        changes.extend(create_changes(&agent, &files, created, updated)?);
        report.imported.push((original, id));
    }
    let stored_files = sessions.files_of(SHARED_WORKSPACE).await?;
    for file in &plan.shared_files {
        match stored_files.iter().find(|(path, _)| *path == file.path) {
            Some((_, content)) if *content == file.content => {}
            Some(_) if !choices.replace_shared_files => report.shared_files_kept += 1,
            _ => {
                changes.push(put_file(
                    SHARED_WORKSPACE,
                    &file.path,
                    Some(&file.content),
                    now_ms,
                )?);
                report.shared_files_written += 1;
            }
        }
    }
    if !changes.is_empty() {
        sessions.store().apply(changes).await?;
    }
    Ok(report)
}

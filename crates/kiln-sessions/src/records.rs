//! Payload formats of stored records, and their migrations.
//!
//! The store keeps payloads as JSON text tagged with a format version
//! ([`kiln_core::store::SessionRecord::format`] and friends). This module owns those formats:
//!
//! - format 1 (today's): a message record's payload is a [`Message`] as JSON; a session
//!   record's is a [`SessionMeta`]; a file record's is a [`Content`] (`{"text": …}` or
//!   `{"base64": …}`).
//!
//! Reading a record of an older format runs it through [`migrate_payload`] step by step up to
//! [`PAYLOAD_FORMAT`]; a newer format is refused with [`StoreError::NewerFormat`]. There is no
//! older format yet: the fixtures under `tests/fixtures/v1/` are records of format 1 that must keep
//! loading forever. When format 2 comes, add a step in [`migrate_payload`] and a `v2` fixture
//! directory beside them.

use kiln_agent::{AgentSession, Decision, Todo};
use kiln_assistant::{Message, Session, Usage};
use kiln_core::store::{FileRecord, MessageRecord, SessionRecord, StoreError};
use kiln_vfs::Content;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Result, SessionsError};

/// The payload format this build writes and the newest it reads.
pub const PAYLOAD_FORMAT: u32 = 1;

/// Which kind of record a payload belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadKind {
    /// A [`SessionRecord`]'s payload: a [`SessionMeta`].
    Session,
    /// A [`MessageRecord`]'s payload: a [`Message`].
    Message,
    /// A [`FileRecord`]'s content: a [`Content`].
    File,
}

impl PayloadKind {
    fn describe(self) -> &'static str {
        match self {
            PayloadKind::Session => "session",
            PayloadKind::Message => "message",
            PayloadKind::File => "file",
        }
    }
}

/// What a session record holds besides its id and title: everything of an [`AgentSession`]
/// except the messages, which are records of their own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionMeta {
    /// Total tokens of the assistant messages.
    #[serde(default)]
    pub usage: Usage,
    /// Total cost in US dollars.
    #[serde(default)]
    pub cost_usd: f64,
    /// When the conversation was created, as the agent recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_ms: Option<u64>,
    /// The permission decisions.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// The task list.
    #[serde(default)]
    pub todos: Vec<Todo>,
}

impl SessionMeta {
    /// The meta data of `agent`.
    #[must_use]
    pub fn of(agent: &AgentSession) -> Self {
        SessionMeta {
            usage: agent.session.usage,
            cost_usd: agent.session.cost_usd,
            created_at_ms: agent.session.created_at_ms,
            decisions: agent.decisions.clone(),
            todos: agent.todos.clone(),
        }
    }

    /// An [`AgentSession`] from this meta data, an id, a title and the messages.
    #[must_use]
    pub fn into_agent_session(
        self,
        id: String,
        title: String,
        messages: Vec<Message>,
    ) -> AgentSession {
        AgentSession {
            session: Session {
                id,
                title,
                messages,
                usage: self.usage,
                cost_usd: self.cost_usd,
                created_at_ms: self.created_at_ms,
            },
            decisions: self.decisions,
            todos: self.todos,
        }
    }
}

/// Upgrades a payload of `kind` from format `from` to [`PAYLOAD_FORMAT`], one step at a time.
/// Pure: no store involved.
///
/// # Errors
///
/// [`StoreError::NewerFormat`] when `from` is newer than this build, [`StoreError::Corrupt`]
/// when no migration leads from `from` (format 0 never existed).
pub fn migrate_payload(
    kind: PayloadKind,
    from: u32,
    value: serde_json::Value,
    what: &str,
) -> Result<serde_json::Value, StoreError> {
    if from > PAYLOAD_FORMAT {
        return Err(StoreError::NewerFormat {
            what: what.to_owned(),
            found: from,
            supported: PAYLOAD_FORMAT,
        });
    }
    let mut value = value;
    for format in from..PAYLOAD_FORMAT {
        value = migrate_step(kind, format, value, what)?;
    }
    Ok(value)
}

/// Upgrades a payload by one format, from `from` to `from + 1`.
fn migrate_step(
    kind: PayloadKind,
    from: u32,
    _value: serde_json::Value,
    what: &str,
) -> Result<serde_json::Value, StoreError> {
    // Format 1 is the first Kiln wrote. Each later format adds its step here, e.g.
    // `1 => Ok(message_1_to_2(value))`, with a fixture of the older format under tests/fixtures.
    Err(StoreError::Corrupt {
        what: what.to_owned(),
        detail: format!(
            "its {} format {from} is not one Kiln ever wrote",
            kind.describe()
        ),
    })
}

fn decode<T: DeserializeOwned>(
    kind: PayloadKind,
    format: u32,
    text: &str,
    what: &str,
) -> Result<T, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        what: what.to_owned(),
        detail,
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
    let value = migrate_payload(kind, format, value, what)?;
    serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))
}

pub(crate) fn encode<T: Serialize>(value: &T, what: &str) -> Result<String> {
    serde_json::to_string(value).map_err(|e| SessionsError::Encode {
        what: what.to_owned(),
        detail: e.to_string(),
    })
}

/// The message a record holds, migrated to today's format.
///
/// # Errors
///
/// [`StoreError::Corrupt`] or [`StoreError::NewerFormat`] when the payload cannot be read.
pub fn decode_message(record: &MessageRecord) -> Result<Message, StoreError> {
    let what = format!(
        "message {} of session \"{}\"",
        record.seq, record.session_id
    );
    decode(PayloadKind::Message, record.format, &record.payload, &what)
}

/// The meta data a session record holds, migrated to today's format.
///
/// # Errors
///
/// [`StoreError::Corrupt`] or [`StoreError::NewerFormat`] when the payload cannot be read.
pub fn decode_session_meta(record: &SessionRecord) -> Result<SessionMeta, StoreError> {
    let what = format!("session \"{}\"", record.id);
    decode(PayloadKind::Session, record.format, &record.payload, &what)
}

/// The content a file record holds (`None`: deleted in this revision), migrated to today's
/// format.
///
/// # Errors
///
/// [`StoreError::Corrupt`] or [`StoreError::NewerFormat`] when the content cannot be read.
pub fn decode_file(record: &FileRecord) -> Result<Option<Content>, StoreError> {
    let what = format!("file \"{}\" (revision {})", record.path, record.revision);
    record
        .content
        .as_deref()
        .map(|text| decode(PayloadKind::File, record.format, text, &what))
        .transpose()
}

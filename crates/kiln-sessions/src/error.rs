//! Errors of the typed layer.

use kiln_core::store::StoreError;

use crate::export::ImportError;

/// Why a [`Sessions`](crate::Sessions) operation failed. Every message is written for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionsError {
    /// The store failed; see [`StoreError`] for what each case tells the user.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An import file was rejected; see [`ImportError`].
    #[error(transparent)]
    Import(#[from] ImportError),
    /// There is no session with this id.
    #[error("there is no session \"{0}\" (it may have been deleted in another tab)")]
    NoSuchSession(String),
    /// There is no message with this id in the session.
    #[error("session \"{session}\" has no message \"{message}\"")]
    NoSuchMessage {
        /// The session.
        session: String,
        /// The message id asked for.
        message: String,
    },
    /// The session to save has fewer messages than the stored one: saving it would lose
    /// messages (messages are only ever appended).
    #[error(
        "session \"{id}\" has {stored} saved messages but only {given} here; it was probably changed in another tab: reload it before saving"
    )]
    Diverged {
        /// The session.
        id: String,
        /// Messages in the store.
        stored: u64,
        /// Messages in the session being saved.
        given: u64,
    },
    /// A workspace file could not be restored.
    #[error("the saved file \"{path}\" could not be restored: {detail}")]
    File {
        /// The file's path.
        path: String,
        /// What went wrong.
        detail: String,
    },
    /// A value could not be turned into JSON (should not happen for Kiln's own types).
    #[error("could not encode {what} as JSON: {detail}")]
    Encode {
        /// What was being encoded.
        what: String,
        /// serde's message.
        detail: String,
    },
}

/// A result of the typed layer.
pub type Result<T, E = SessionsError> = std::result::Result<T, E>;

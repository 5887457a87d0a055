//! The browser-independent half of the IndexedDB store: which object stores a batch of changes
//! needs, and what a browser's `DOMException` names mean for Kiln. Plain Rust, so it is tested
//! natively as well.

use kiln_core::store::{Change, StoreError};

/// The object store of session headers.
pub(crate) const SESSIONS: &str = "sessions";
/// The object store of messages.
pub(crate) const MESSAGES: &str = "messages";
/// The object store of workspace file revisions.
pub(crate) const FILES: &str = "files";
/// The object store of settings.
pub(crate) const SETTINGS: &str = "settings";
/// The object store of remembered API keys.
pub(crate) const KEYS: &str = "keys";

/// What was being done when the browser reported an error: the same `DOMException` means
/// different things when opening the database and inside a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// `indexedDB.open` or `indexedDB.deleteDatabase`.
    Open,
    /// A read or an `apply`.
    Transaction,
}

/// The [`StoreError`] for a `DOMException` called `name` with `message`.
pub(crate) fn store_error(name: &str, message: &str, phase: Phase) -> StoreError {
    let detail = if message.is_empty() {
        name.to_owned()
    } else {
        format!("{name}: {message}")
    };
    match (name, phase) {
        ("QuotaExceededError", _) => StoreError::QuotaExceeded,
        // The database on disk is newer than this build's schema: a newer Kiln upgraded it.
        ("VersionError", _) => StoreError::VersionChange,
        // Private modes and disabled storage fail the open outright with these (or others).
        (_, Phase::Open) => StoreError::Unavailable { detail },
        _ => StoreError::Other(detail),
    }
}

/// The object stores a change reads or writes, so that an `apply` opens one transaction over
/// exactly what its changes need.
pub(crate) fn stores_touched(change: &Change) -> &'static [&'static str] {
    match change {
        Change::CreateSession(_)
        | Change::UpdateSession(_)
        | Change::RenameSession { .. }
        | Change::SoftDeleteSession { .. }
        | Change::RestoreSession { .. } => &[SESSIONS],
        Change::PurgeSession { .. } => &[SESSIONS, MESSAGES, FILES],
        Change::AppendMessage(_)
        | Change::UpdateStreamingMessage { .. }
        | Change::FinaliseMessage { .. } => &[SESSIONS, MESSAGES],
        Change::PutFile { .. } | Change::PruneFileRevisions { .. } => &[FILES],
        Change::PutSetting { .. } | Change::DeleteSetting { .. } => &[SETTINGS],
        Change::PutApiKey { .. } | Change::DeleteApiKey { .. } | Change::ClearApiKeys => &[KEYS],
    }
}

/// Every object store `changes` need, sorted and without repeats.
pub(crate) fn scope(changes: &[Change]) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = changes
        .iter()
        .flat_map(|c| stores_touched(c).iter().copied())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use kiln_core::store::{OBJECT_STORES, SessionRecord};

    use super::*;

    #[test]
    fn store_names_match_the_schema() {
        let mut ours = vec![SESSIONS, MESSAGES, FILES, SETTINGS, KEYS];
        let mut schema: Vec<&str> = OBJECT_STORES.iter().map(|s| s.name).collect();
        ours.sort_unstable();
        schema.sort_unstable();
        assert_eq!(ours, schema);
    }

    #[test]
    fn scope_is_the_union_of_the_changes() {
        let changes = vec![
            Change::CreateSession(SessionRecord::new("a", "A", 1)),
            Change::PutSetting {
                key: "k".into(),
                value: "1".into(),
            },
            Change::RenameSession {
                id: "a".into(),
                title: "B".into(),
                at_ms: 2,
            },
        ];
        assert_eq!(scope(&changes), vec![SESSIONS, SETTINGS]);
        assert_eq!(
            scope(&[Change::PurgeSession { id: "a".into() }]),
            vec![FILES, MESSAGES, SESSIONS]
        );
        assert!(scope(&[]).is_empty());
    }

    #[test]
    fn dom_exceptions_become_store_errors() {
        assert_eq!(
            store_error("QuotaExceededError", "full", Phase::Transaction),
            StoreError::QuotaExceeded
        );
        assert_eq!(
            store_error("VersionError", "", Phase::Open),
            StoreError::VersionChange
        );
        assert_eq!(
            store_error("SecurityError", "denied", Phase::Open),
            StoreError::Unavailable {
                detail: "SecurityError: denied".into()
            }
        );
        assert_eq!(
            store_error("UnknownError", "disk", Phase::Transaction),
            StoreError::Other("UnknownError: disk".into())
        );
    }
}

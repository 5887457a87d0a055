//! Keeping several tabs of the app in step: when one tab changes a session it says so on the
//! `BroadcastChannel` named [`CHANNEL_NAME`], and the other tabs reload what they show.
//!
//! The message is small, versioned JSON text (the store itself holds the data; the message only
//! says what to reload): `{"type":"kiln-sessions","version":1,"change":"renamed","id":"s1"}`.
//! Messages that are not that — another program on the channel, a newer Kiln in another tab,
//! a broken sender — are ignored. The message format is plain Rust ([`SessionEvent::to_json`],
//! [`SessionEvent::from_json`]); [`SessionsChannel`] exists on `wasm32` only.

use serde::{Deserialize, Serialize};

/// The `BroadcastChannel` name every tab of the app joins.
pub const CHANNEL_NAME: &str = "kiln-sessions";

/// The message version this build writes and reads.
pub const MESSAGE_VERSION: u32 = 1;

/// The `type` field that marks a message as ours.
const MESSAGE_TYPE: &str = "kiln-sessions";

/// What happened to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionChange {
    /// A new session (also an import, a branch or a duplicate).
    Created,
    /// Its title changed.
    Renamed,
    /// It was deleted (it can still be restored; a restore is `Updated`).
    Deleted,
    /// Anything else: new messages, files, settings of the session, a restore.
    Updated,
}

/// One tab's news about one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEvent {
    /// What happened.
    pub change: SessionChange,
    /// The session's id.
    pub session_id: String,
}

/// The wire form (`id` kept short: it is the only payload).
#[derive(Serialize, Deserialize)]
struct Wire {
    #[serde(rename = "type")]
    kind: String,
    version: u32,
    change: SessionChange,
    id: String,
}

impl SessionEvent {
    /// An event.
    pub fn new(change: SessionChange, session_id: impl Into<String>) -> Self {
        SessionEvent {
            change,
            session_id: session_id.into(),
        }
    }

    /// The message text posted on the channel.
    #[must_use]
    pub fn to_json(&self) -> String {
        let wire = Wire {
            kind: MESSAGE_TYPE.to_owned(),
            version: MESSAGE_VERSION,
            change: self.change,
            id: self.session_id.clone(),
        };
        // A struct of strings and numbers always serialises.
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// The event in a message's text, or `None` for anything that is not a message of this
    /// version (malformed, another type, another version, an empty id).
    #[must_use]
    pub fn from_json(text: &str) -> Option<SessionEvent> {
        let wire: Wire = serde_json::from_str(text).ok()?;
        (wire.kind == MESSAGE_TYPE && wire.version == MESSAGE_VERSION && !wire.id.is_empty())
            .then(|| SessionEvent::new(wire.change, wire.id))
    }
}

/// Why the channel could not be opened or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    /// The browser has no `BroadcastChannel` (or refused one): other tabs will not hear of
    /// changes until they reload; the app works on.
    #[error(
        "other tabs cannot be told about changes ({0}); they show them after a reload, and \
         nothing is lost"
    )]
    Unavailable(String),
    /// Posting failed (the channel was closed).
    #[error("could not tell other tabs about a change ({0}); they show it after a reload")]
    Post(String),
}

#[cfg(target_arch = "wasm32")]
pub use browser::SessionsChannel;

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen::JsValue;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::prelude::JsCast;
    use web_sys::{BroadcastChannel, MessageEvent};

    use super::{CHANNEL_NAME, ChannelError, SessionEvent};
    use crate::fetch::describe;

    /// This tab's end of the sessions channel: [`SessionsChannel::post`] tells the other tabs,
    /// the callback hears them (never this tab's own posts: `BroadcastChannel` does not echo).
    /// Dropping it closes the channel.
    ///
    /// ```no_run
    /// use kiln_web::{SessionChange, SessionEvent, SessionsChannel};
    ///
    /// let channel = SessionsChannel::open(|event: SessionEvent| {
    ///     // Reload the list, or the open session when `event.session_id` is it.
    /// })?;
    /// channel.post(&SessionEvent::new(SessionChange::Renamed, "s1"))?;
    /// # Ok::<(), kiln_web::ChannelError>(())
    /// ```
    pub struct SessionsChannel {
        channel: BroadcastChannel,
        // Kept alive as long as the channel calls it; dropped after `onmessage` is cleared.
        _on_message: Closure<dyn FnMut(MessageEvent)>,
    }

    impl SessionsChannel {
        /// Joins [`CHANNEL_NAME`]; `on_change` receives the other tabs' well-formed events.
        ///
        /// # Errors
        ///
        /// [`ChannelError::Unavailable`] when the browser has no `BroadcastChannel`.
        pub fn open(on_change: impl FnMut(SessionEvent) + 'static) -> Result<Self, ChannelError> {
            Self::open_named(CHANNEL_NAME, on_change)
        }

        /// Joins the channel `name` (tests and other apps on the same origin use their own).
        ///
        /// # Errors
        ///
        /// [`ChannelError::Unavailable`] when the browser has no `BroadcastChannel`.
        pub fn open_named(
            name: &str,
            mut on_change: impl FnMut(SessionEvent) + 'static,
        ) -> Result<Self, ChannelError> {
            let has_api =
                js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("BroadcastChannel"))
                    .unwrap_or(false);
            if !has_api {
                return Err(ChannelError::Unavailable(
                    "this browser has no BroadcastChannel".to_owned(),
                ));
            }
            let channel =
                BroadcastChannel::new(name).map_err(|e| ChannelError::Unavailable(describe(&e)))?;
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
                if let Some(event) = m
                    .data()
                    .as_string()
                    .and_then(|t| SessionEvent::from_json(&t))
                {
                    on_change(event);
                }
            });
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            Ok(SessionsChannel {
                channel,
                _on_message: on_message,
            })
        }

        /// Tells the other tabs about `event`.
        ///
        /// # Errors
        ///
        /// [`ChannelError::Post`] when the browser refuses the message.
        pub fn post(&self, event: &SessionEvent) -> Result<(), ChannelError> {
            self.channel
                .post_message(&JsValue::from_str(&event.to_json()))
                .map_err(|e| ChannelError::Post(describe(&e)))
        }
    }

    impl Drop for SessionsChannel {
        fn drop(&mut self) {
            self.channel.set_onmessage(None);
            self.channel.close();
        }
    }

    impl std::fmt::Debug for SessionsChannel {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("SessionsChannel")
                .field("name", &self.channel.name())
                .finish_non_exhaustive()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_in_a_small_versioned_message() {
        for change in [
            SessionChange::Created,
            SessionChange::Renamed,
            SessionChange::Deleted,
            SessionChange::Updated,
        ] {
            let event = SessionEvent::new(change, "s-42");
            let text = event.to_json();
            assert!(text.contains("\"version\":1"), "{text}");
            assert_eq!(SessionEvent::from_json(&text), Some(event));
        }
        assert_eq!(
            SessionEvent::new(SessionChange::Renamed, "s1").to_json(),
            r#"{"type":"kiln-sessions","version":1,"change":"renamed","id":"s1"}"#
        );
    }

    #[test]
    fn anything_else_on_the_channel_is_ignored() {
        for text in [
            "",
            "not json",
            "42",
            r#"{"type":"kiln-sessions","version":1,"change":"renamed"}"#,
            r#"{"type":"kiln-sessions","version":1,"change":"exploded","id":"s1"}"#,
            r#"{"type":"kiln-sessions","version":2,"change":"renamed","id":"s1"}"#,
            r#"{"type":"other-app","version":1,"change":"renamed","id":"s1"}"#,
            r#"{"type":"kiln-sessions","version":1,"change":"renamed","id":""}"#,
            r#"{"type":"kiln-sessions","version":"1","change":"renamed","id":"s1"}"#,
        ] {
            assert_eq!(SessionEvent::from_json(text), None, "{text}");
        }
        // Fields a later version 1 sender adds are harmless.
        assert_eq!(
            SessionEvent::from_json(
                r#"{"type":"kiln-sessions","version":1,"change":"deleted","id":"s1","by":"tab"}"#
            ),
            Some(SessionEvent::new(SessionChange::Deleted, "s1"))
        );
    }
}

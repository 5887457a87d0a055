//! Kiln's browser host: the implementations of kiln-core's host traits that need the browser.
//! It is the only non-UI crate allowed `web-sys`/`js-sys`/`wasm-bindgen-futures` (DESIGN.md §2).
//!
//! - `IdbStore`: [`kiln_core::store::Store`] over IndexedDB, the app's persistent storage.
//! - `FetchTransport`: [`kiln_core::http::HttpTransport`] over `fetch`, with a streaming body
//!   and abort on drop, for the assistant's model providers.
//! - `TimeoutSleeper`: kiln-assistant's retry `Sleeper` over `setTimeout`.
//! - `PageEnvironment`: kiln-agent's `Environment` over the page's runner host (`window.Kiln`
//!   from embed.js), so the assistant runs and checks programs in the page's workers.
//! - `SessionsChannel`: tells the app's other tabs when this one changes a session
//!   (`BroadcastChannel`), in small versioned messages ([`SessionEvent`]).
//! - [`storage`]: how much the site stores, whether the browser keeps it
//!   (`navigator.storage`), and [`PERSISTENCE_EXPLANATION`] for the user.
//!
//! Everything browser-facing compiles for `wasm32` only; on other targets the crate is empty
//! apart from its browser-independent helpers, so `cargo test --workspace` keeps working. The
//! browser tests are in `tests/web.rs` (`cargo xtask webtest`, also a step of `cargo xtask
//! test`, runs them in Chromium, Firefox and WebKitGTK with `wasm-bindgen-test`, the fetch
//! tests against `kiln-fake-provider`).
//!
//! # Why `web-sys` directly
//!
//! The store is written on `web-sys`'s IndexedDB bindings rather than a wrapper crate
//! (`indexed_db_futures`, `rexie`): it needs exact control over the transaction — one
//! `readwrite` transaction per [`Store::apply`](kiln_core::store::Store::apply) whose
//! preconditions are checked with reads inside it, an explicit `abort()` on the first failure
//! (and, for tests, after the writes), the `versionchange`/`blocked`/`close` events and the
//! `DOMException` names — which those crates hide or change between releases, while the part
//! of them we would use is a few lines: each `IDBRequest` becomes a promise (its `onsuccess`/
//! `onerror` are the promise's own resolve/reject functions, so no Rust closure leaks) awaited
//! with `wasm-bindgen-futures`. Promise continuations run as microtasks inside the request's
//! success event, so the transaction is still active when the next request is made.
//!
//! ```no_run
//! # #[cfg(target_arch = "wasm32")]
//! # async fn demo() -> Result<(), kiln_core::store::StoreError> {
//! use kiln_core::store::{Change, SessionRecord, Store, DATABASE_NAME};
//!
//! let store = kiln_web::IdbStore::open(DATABASE_NAME).await?;
//! store.apply(vec![Change::CreateSession(SessionRecord::new("s1", "First", 1_000))]).await?;
//! assert_eq!(store.list_sessions(false).await?.len(), 1);
//! # Ok(())
//! # }
//! ```
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

mod channel;
#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(target_arch = "wasm32")]
mod host;
// Used by `host` only; on the host only its tests use it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod host_json;
#[cfg(target_arch = "wasm32")]
mod idb;
// Used by `idb` only; on the host only its tests use it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod plan;
pub mod storage;
#[cfg(target_arch = "wasm32")]
mod timer;

pub use channel::{CHANNEL_NAME, ChannelError, MESSAGE_VERSION, SessionChange, SessionEvent};
pub use storage::{PERSISTENCE_EXPLANATION, Persistence, StorageEstimate};

#[cfg(target_arch = "wasm32")]
pub use channel::SessionsChannel;
#[cfg(target_arch = "wasm32")]
pub use fetch::FetchTransport;
#[cfg(target_arch = "wasm32")]
pub use host::PageEnvironment;
#[cfg(target_arch = "wasm32")]
pub use idb::IdbStore;
#[cfg(target_arch = "wasm32")]
pub use timer::TimeoutSleeper;

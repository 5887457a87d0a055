//! Kiln's app: a playground where a learner writes, runs and shares programs in JavaScript,
//! Python and WebAssembly, in the browser, offline once loaded.
//!
//! The crate is two layers:
//!
//! - plain Rust, tested natively: [`state`] (the workspace, the open file, runs, diagnostics,
//!   layout; every change is an [`state::Action`] applied by [`state::App::apply`]),
//!   [`library`] (the sessions over any `kiln_core::store::Store`: which one is open, saving its
//!   files, list, search, rename, duplicate, delete with undo, export and import),
//!   [`templates`] (the examples gallery) and [`share`] (a workspace in a URL fragment);
//! - on `wasm32` only, the Yew UI (`ui`, the sessions and settings dialogs in `panels`) and the
//!   browser bindings (`web`: the sessions in IndexedDB through `kiln_web::IdbStore`). The UI
//!   never links an interpreter or a parser: it runs and checks code through the page's `Kiln` host
//!   (`www/embed.js`, handed in by `www/app.js`) and edits it in CodeMirror through
//!   `www/app-editor.js`.
//!
//! `www/app.js` loads `pkg/app/kiln_app.js` and calls `start(root, kiln, editor)`.
// `deny`, not `forbid`: wasm-bindgen's `extern` blocks expand to `allow(clippy::restriction)`.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod library;
pub mod share;
pub mod state;
pub mod templates;

#[cfg(target_arch = "wasm32")]
mod panels;
#[cfg(target_arch = "wasm32")]
mod ui;
#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
pub use web::start;

//! Kiln's app: a playground where a learner writes, runs and shares programs in JavaScript,
//! Python and WebAssembly, in the browser, offline once loaded.
//!
//! The crate is two layers:
//!
//! - plain Rust, tested natively: [`state`] (the workspace, the open file, runs, diagnostics,
//!   layout; every change is an [`state::Action`] applied by [`state::App::apply`]),
//!   [`templates`] (the examples gallery) and [`share`] (a workspace in a URL fragment);
//! - on `wasm32` only, the Yew UI (`ui`) and the browser bindings (`web`). The UI never links an
//!   interpreter or a parser: it runs and checks code through the page's `Kiln` host
//!   (`www/embed.js`, handed in by `www/app.js`) and edits it in CodeMirror through
//!   `www/app-editor.js`.
//!
//! `www/app.js` loads `pkg/app/kiln_app.js` and calls `start(root, kiln, editor)`.
// `deny`, not `forbid`: wasm-bindgen's `extern` blocks expand to `allow(clippy::restriction)`.
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod share;
pub mod state;
pub mod templates;

#[cfg(target_arch = "wasm32")]
mod ui;
#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
pub use web::start;

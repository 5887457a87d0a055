//! Kiln's shared vocabulary: the languages it runs, what a run is asked to do
//! ([`RunRequest`], [`Limits`]), what it produced ([`Outcome`], [`Diagnostic`]), and the
//! [`Runner`] trait every engine implements.
//!
//! This crate does no I/O and knows nothing of the browser: the CLI, the browser worker and the
//! tests all drive runners through these types.
//!
//! ```
//! use kiln_core::{Language, Limits, RunRequest};
//!
//! let request = RunRequest::new(Language::Python, "print('hi')").with_limits(Limits::default());
//! assert_eq!(request.language, Language::Python);
//! ```
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

mod clock;
mod diagnostic;
pub mod http;
mod language;
pub mod memory;
mod output;
pub mod protocol;
mod run;
mod runner;
pub mod store;

#[cfg(not(target_family = "wasm"))]
pub use clock::SystemClock;
pub use clock::{Clock, SharedClock};
pub use diagnostic::{Diagnostic, Severity};
pub use language::{Language, UnknownLanguage};
pub use output::{OutputCapture, OutputSink, Stream};
pub use run::{Code, Entry, LimitKind, Limits, Outcome, RunRequest, Status, WorkspaceFile};
pub use runner::{Runner, StopSignal};

//! Kiln's virtual workspace: the files the coding assistant's tools read and change.
//!
//! Paths are [`VPath`]s, checked once so they can never leave the workspace root. A
//! [`Workspace`] maps them to [`File`]s holding text or binary [`Content`] plus a bounded undo
//! history, within [`Limits`]. The tool operations — [`Workspace::ls`], [`Workspace::glob`],
//! [`Workspace::grep`], [`Workspace::view`], [`Workspace::write`], [`Workspace::edit`] and
//! [`Workspace::patch`] — return plain data whose `Display` is written for a language model, and
//! every [`VfsError`] says what went wrong and what to try instead. [`diff`] prints everything
//! that changed between two snapshots as one unified diff.
//!
//! The crate does no I/O and compiles for `wasm32-unknown-unknown`.
//!
//! ```
//! use kiln_vfs::Workspace;
//!
//! let mut ws = Workspace::new();
//! ws.write("/src/main.py", "print('hi')\n").unwrap();
//! let report = ws.edit("src/main.py", "'hi'", "'hello'", false).unwrap();
//! assert_eq!(report.replacements, 1);
//! assert_eq!(ws.read_text("src/main.py").unwrap(), "print('hello')\n");
//!
//! ws.undo("src/main.py").unwrap();
//! assert_eq!(ws.read_text("src/main.py").unwrap(), "print('hi')\n");
//!
//! let err = ws.write("../etc/passwd", "x").unwrap_err();
//! assert!(err.to_string().contains("leaves the workspace"));
//! ```
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

mod content;
mod diff;
mod edit;
mod error;
mod ls;
mod patch;
mod path;
mod search;
mod view;
mod workspace;

pub use content::{Content, human_bytes, thousands};
pub use diff::{FileDiff, WorkspaceDiff, diff, diff_text};
pub use edit::EditReport;
pub use error::VfsError;
pub use ls::{DEFAULT_IGNORES, DEFAULT_LS_ENTRIES, Listing, LsEntry, LsOptions};
pub use patch::{ChangeKind, PatchReport, PatchedFile};
pub use path::{MAX_COMPONENT_BYTES, MAX_DEPTH, MAX_PATH_BYTES, PathError, VPath};
pub use search::{
    DEFAULT_GLOB_RESULTS, DEFAULT_GREP_RESULTS, GREP_LINE_CHARS, GlobMatches, GrepMatch,
    GrepOptions, GrepResult,
};
pub use view::{DEFAULT_VIEW_LINES, MAX_LINE_CHARS, View, ViewLine};
pub use workspace::{File, Limits, Snapshot, Workspace, WriteReport};

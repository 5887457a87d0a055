//! [`VfsError`]: every failure, worded for the language model that caused it.

use std::fmt;

use crate::content::human_bytes;
use crate::path::{PathError, VPath};

/// Everything that can go wrong in a workspace operation. The `Display` text says what happened
/// and what to do next; it is meant to be shown to the model verbatim.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VfsError {
    /// The path was rejected.
    #[error(transparent)]
    Path(#[from] PathError),
    /// No file (or directory) at this path.
    #[error("{}", not_found(path, suggestions))]
    NotFound {
        /// The missing path.
        path: VPath,
        /// Existing paths that look like what was meant, best first.
        suggestions: Vec<VPath>,
    },
    /// A file was expected but this is a directory.
    #[error("`{path}` is a directory, not a file; use ls to see what it contains")]
    IsDirectory {
        /// The directory.
        path: VPath,
    },
    /// A directory was expected (or needed as a parent) but this is a file.
    #[error("`{file}` is a file, so `{path}` cannot be a directory or be created inside it")]
    NotADirectory {
        /// The path that was asked for.
        path: VPath,
        /// The file that is in the way.
        file: VPath,
    },
    /// The destination already exists.
    #[error("`{path}` already exists; choose another name or remove it first")]
    AlreadyExists {
        /// The existing path.
        path: VPath,
    },
    /// A text operation was asked of a binary file.
    #[error(
        "`{path}` is a binary file ({}); it cannot be viewed or edited as text",
        human_bytes(*bytes)
    )]
    Binary {
        /// The binary file.
        path: VPath,
        /// Its size.
        bytes: usize,
    },
    /// A file would exceed [`crate::Limits::max_file_bytes`].
    #[error(
        "`{path}` would be {} but files may be at most {}; split it into smaller files",
        human_bytes(*bytes),
        human_bytes(*max)
    )]
    FileTooLarge {
        /// The file.
        path: VPath,
        /// Its would-be size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// The workspace would exceed [`crate::Limits::max_total_bytes`].
    #[error(
        "the workspace would hold {} but may hold at most {}; remove files you no longer need",
        human_bytes(*bytes),
        human_bytes(*max)
    )]
    WorkspaceTooLarge {
        /// The would-be total.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// The workspace would exceed [`crate::Limits::max_files`].
    #[error("the workspace may hold at most {max} files; remove files you no longer need")]
    TooManyFiles {
        /// The limit.
        max: usize,
    },
    /// `undo` found no earlier revision.
    #[error("`{path}` has no earlier revision to restore")]
    NoRevision {
        /// The file.
        path: VPath,
    },
    /// A directory is not empty.
    #[error("directory `{path}` is not empty ({files} files); remove its files first")]
    DirectoryNotEmpty {
        /// The directory.
        path: VPath,
        /// How many files it holds.
        files: usize,
    },
    /// A glob pattern did not parse.
    #[error("invalid glob `{pattern}`: {message}")]
    Glob {
        /// The pattern.
        pattern: String,
        /// What `globset` reported.
        message: String,
    },
    /// A regular expression did not parse.
    #[error(
        "invalid regex `{pattern}`: {message}\nTo search for this text exactly as written, set literal: true."
    )]
    Regex {
        /// The pattern.
        pattern: String,
        /// What `regex` reported.
        message: String,
    },
    /// `view` was asked to start past the end of the file.
    #[error(
        "`{path}` has {lines} lines, so offset {offset} is past the end; use an offset between 1 and {lines}"
    )]
    OffsetPastEnd {
        /// The file.
        path: VPath,
        /// Requested 1-based line.
        offset: usize,
        /// Lines in the file.
        lines: usize,
    },
    /// An `edit` could not be made.
    #[error("{0}")]
    Edit(String),
    /// A `patch` could not be applied; nothing was changed.
    #[error("patch not applied (nothing was changed): {0}")]
    Patch(String),
}

fn not_found(path: &VPath, suggestions: &[VPath]) -> String {
    let mut out = format!("`{path}` does not exist");
    match suggestions {
        [] => out.push_str("; use ls or glob to see which files exist"),
        [one] => {
            out.push_str(&format!("; did you mean `{one}`?"));
        }
        many => {
            out.push_str("; did you mean one of: ");
            out.push_str(&join_ticked(many));
            out.push('?');
        }
    }
    out
}

pub(crate) fn join_ticked<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

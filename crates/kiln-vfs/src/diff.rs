//! `diff`: a unified diff of everything that changed between two snapshots.

use std::fmt;

use crate::content::{Content, human_bytes};
use crate::edit::unified_diff;
use crate::patch::ChangeKind;
use crate::path::VPath;
use crate::workspace::{Snapshot, Workspace};

/// One changed file in a [`WorkspaceDiff`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDiff {
    /// The file.
    pub path: VPath,
    /// Added, modified or deleted (renames show as a deletion plus an addition).
    pub change: ChangeKind,
    /// The unified diff text for this file (a one-line note for binary files).
    pub text: String,
}

/// The result of [`diff`]: every added, modified and deleted file, in path order. `Display`
/// prints one unified diff that [`Workspace::patch`] can apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceDiff {
    /// Changed files.
    pub files: Vec<FileDiff>,
}

impl WorkspaceDiff {
    /// Whether nothing changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl fmt::Display for WorkspaceDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            f.write_str(&file.text)?;
        }
        Ok(())
    }
}

fn file_diff(path: &VPath, old: Option<&Content>, new: Option<&Content>) -> Option<FileDiff> {
    let change = match (old, new) {
        (None, None) => return None,
        (Some(a), Some(b)) if a == b => return None,
        (None, Some(_)) => ChangeKind::Added,
        (Some(_), None) => ChangeKind::Deleted,
        (Some(_), Some(_)) => ChangeKind::Modified,
    };
    let old_name = if old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_owned()
    };
    let new_name = if new.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".to_owned()
    };
    let text = match (old.map(Content::as_text), new.map(Content::as_text)) {
        (Some(None), _) | (_, Some(None)) => {
            let size =
                |c: Option<&Content>| c.map_or("absent".to_owned(), |c| human_bytes(c.len()));
            format!(
                "Binary files {old_name} ({}) and {new_name} ({}) differ\n",
                size(old),
                size(new)
            )
        }
        (a, b) => {
            let a = a.flatten().unwrap_or("");
            let b = b.flatten().unwrap_or("");
            let body = similar::TextDiff::from_lines(a, b)
                .unified_diff()
                .context_radius(3)
                .header(&old_name, &new_name)
                .to_string();
            if body.is_empty() {
                // An empty file was added or removed: headers only.
                format!("--- {old_name}\n+++ {new_name}\n")
            } else {
                body
            }
        }
    };
    Some(FileDiff {
        path: path.clone(),
        change,
        text,
    })
}

/// A unified diff of every file added, modified or deleted between `old` and `new`.
///
/// ```
/// use kiln_vfs::{Workspace, diff};
///
/// let mut ws = Workspace::from_files([("a.txt", "one\n")]).unwrap();
/// let before = ws.snapshot();
/// ws.write("a.txt", "two\n").unwrap();
/// let d = diff(&before, &ws.snapshot());
/// assert!(d.to_string().contains("-one\n+two\n"));
/// ```
#[must_use]
pub fn diff(old: &Snapshot, new: &Snapshot) -> WorkspaceDiff {
    let mut paths: Vec<&VPath> = old.keys().chain(new.keys()).collect();
    paths.sort();
    paths.dedup();
    WorkspaceDiff {
        files: paths
            .into_iter()
            .filter_map(|p| file_diff(p, old.get(p), new.get(p)))
            .collect(),
    }
}

impl Workspace {
    /// A unified diff of what changed since `before` (a [`Workspace::snapshot`]).
    #[must_use]
    pub fn diff_since(&self, before: &Snapshot) -> WorkspaceDiff {
        diff(before, &self.snapshot())
    }
}

/// Unified diff of one text change, as `edit` reports it.
#[must_use]
pub fn diff_text(path: &VPath, old: &str, new: &str) -> String {
    unified_diff(old, new, path, 3)
}

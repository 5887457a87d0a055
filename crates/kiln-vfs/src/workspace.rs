//! [`Workspace`]: the map of files, with limits, revisions and the basic file operations.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::content::{Content, human_bytes};
use crate::error::VfsError;
use crate::path::VPath;

/// Size caps for a [`Workspace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Largest single file, in bytes.
    pub max_file_bytes: usize,
    /// Largest total of all current file contents, in bytes (history is not counted).
    pub max_total_bytes: usize,
    /// Most files.
    pub max_files: usize,
    /// Earlier revisions kept per file for [`Workspace::undo`]; the oldest are dropped first.
    pub max_revisions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 5 * 1024 * 1024,
            max_total_bytes: 50 * 1024 * 1024,
            max_files: 10_000,
            max_revisions: 20,
        }
    }
}

/// One file: its current content and earlier revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    /// Current content.
    pub content: Content,
    /// Earlier contents, oldest first; [`Workspace::undo`] restores the last one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Content>,
    /// Value of the workspace's change counter when the file last changed (not wall time).
    #[serde(default)]
    pub modified: u64,
}

/// A virtual file system: files keyed by [`VPath`], directories implied by file paths (plus
/// explicitly created empty directories), bounded by [`Limits`].
///
/// Serialises to JSON as `{"files": {"src/main.py": {"content": {"text": "..."}, ...}}, ...}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    files: BTreeMap<VPath, File>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    dirs: BTreeSet<VPath>,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    clock: u64,
}

/// The contents of every file at one moment, for [`crate::diff`].
pub type Snapshot = BTreeMap<VPath, Content>;

/// What [`Workspace::write`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// The file written.
    pub path: VPath,
    /// Whether the file is new.
    pub created: bool,
    /// Whether the new content equals the old (nothing was recorded).
    pub unchanged: bool,
    /// Size of the new content.
    pub bytes: usize,
    /// Lines in the new content (0 for binary).
    pub lines: usize,
}

impl fmt::Display for WriteReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.created {
            "Created"
        } else if self.unchanged {
            "Unchanged"
        } else {
            "Overwrote"
        };
        write!(f, "{verb} `{}` ({}", self.path, human_bytes(self.bytes))?;
        if self.lines > 0 {
            let s = if self.lines == 1 { "" } else { "s" };
            write!(f, ", {} line{s}", self.lines)?;
        }
        f.write_str(")")?;
        if self.unchanged {
            f.write_str("; the new content is identical to the old")?;
        }
        Ok(())
    }
}

/// Number of lines in `text` as `view` counts them (a final newline does not start a line).
pub(crate) fn line_count(text: &str) -> usize {
    if text.is_empty() {
        0
    } else {
        text.lines().count()
    }
}

impl Workspace {
    /// An empty workspace with default [`Limits`].
    #[must_use]
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// An empty workspace with the given limits.
    #[must_use]
    pub fn with_limits(limits: Limits) -> Workspace {
        Workspace {
            limits,
            ..Workspace::default()
        }
    }

    /// Builds a workspace from `(path, content)` pairs, with default limits.
    ///
    /// # Errors
    ///
    /// Fails on the first invalid path, path conflict or exceeded limit.
    pub fn from_files<P, C, I>(files: I) -> Result<Workspace, VfsError>
    where
        P: AsRef<str>,
        C: Into<Content>,
        I: IntoIterator<Item = (P, C)>,
    {
        let mut ws = Workspace::new();
        for (path, content) in files {
            ws.write(path.as_ref(), content)?;
        }
        Ok(ws)
    }

    /// Every file's current content, in path order.
    #[must_use]
    pub fn to_files(&self) -> Vec<(VPath, Content)> {
        self.files
            .iter()
            .map(|(p, f)| (p.clone(), f.content.clone()))
            .collect()
    }

    /// A copy of every file's current content, for [`crate::diff`].
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        self.files
            .iter()
            .map(|(p, f)| (p.clone(), f.content.clone()))
            .collect()
    }

    /// The limits in force.
    #[must_use]
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Changes the limits. Existing files are kept even if they now exceed them.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Files in path order.
    pub fn files(&self) -> impl Iterator<Item = (&VPath, &File)> {
        self.files.iter()
    }

    /// Explicitly created directories (directories that hold files are implied and not listed).
    pub fn explicit_dirs(&self) -> impl Iterator<Item = &VPath> {
        self.dirs.iter()
    }

    /// Number of files.
    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Total size of all current file contents.
    #[must_use]
    pub fn total_bytes(&self) -> usize {
        self.files.values().map(|f| f.content.len()).sum()
    }

    /// The file at `path`, if there is one.
    #[must_use]
    pub fn get(&self, path: &VPath) -> Option<&File> {
        self.files.get(path)
    }

    /// Whether a file exists at `path` (invalid paths do not exist).
    #[must_use]
    pub fn is_file(&self, path: &str) -> bool {
        VPath::parse(path).is_ok_and(|p| self.files.contains_key(&p))
    }

    /// Whether a directory (implied or explicit) exists at `path`; the root always does.
    #[must_use]
    pub fn is_dir(&self, path: &str) -> bool {
        VPath::parse_dir(path).is_ok_and(|p| self.dir_exists(&p))
    }

    pub(crate) fn dir_exists(&self, dir: &VPath) -> bool {
        dir.is_root()
            || self.dirs.iter().any(|d| d.starts_with(dir))
            || self.files_under(dir).next().is_some()
    }

    /// Files strictly inside `dir`, in path order.
    pub(crate) fn files_under<'a>(
        &'a self,
        dir: &VPath,
    ) -> impl Iterator<Item = (&'a VPath, &'a File)> + 'a {
        let prefix = if dir.is_root() {
            String::new()
        } else {
            format!("{}/", dir.as_str())
        };
        self.files
            .range(VPath(prefix.clone())..)
            .take_while(move |(p, _)| p.as_str().starts_with(&prefix))
    }

    /// The current content of a file.
    ///
    /// # Errors
    ///
    /// Invalid path, a directory, or a missing file (with suggestions).
    pub fn read(&self, path: &str) -> Result<&Content, VfsError> {
        let path = VPath::parse(path)?;
        Ok(&self.file(&path)?.content)
    }

    /// The current content of a text file.
    ///
    /// # Errors
    ///
    /// As [`Workspace::read`], plus [`VfsError::Binary`] for binary files.
    pub fn read_text(&self, path: &str) -> Result<&str, VfsError> {
        let vpath = VPath::parse(path)?;
        let content = &self.file(&vpath)?.content;
        content.as_text().ok_or(VfsError::Binary {
            bytes: content.len(),
            path: vpath,
        })
    }

    pub(crate) fn file(&self, path: &VPath) -> Result<&File, VfsError> {
        self.files.get(path).ok_or_else(|| self.missing(path))
    }

    /// The error for a path that does not exist: a directory, or not found with suggestions.
    pub(crate) fn missing(&self, path: &VPath) -> VfsError {
        if self.dir_exists(path) {
            return VfsError::IsDirectory { path: path.clone() };
        }
        VfsError::NotFound {
            path: path.clone(),
            suggestions: self.suggest(path),
        }
    }

    /// Existing paths that look like `path`: same name elsewhere, different case, or a small
    /// edit distance. At most three, best first.
    #[must_use]
    pub fn suggest(&self, path: &VPath) -> Vec<VPath> {
        let want = path.as_str().to_lowercase();
        let want_name = path.file_name().to_lowercase();
        let mut scored: Vec<(usize, &VPath)> = self
            .files
            .keys()
            .filter_map(|p| {
                let have = p.as_str().to_lowercase();
                let score = if have == want {
                    0
                } else if p.file_name().to_lowercase() == want_name {
                    1
                } else {
                    let d = strsim::levenshtein(&have, &want);
                    if d > (want.chars().count() / 3).clamp(1, 4) {
                        return None;
                    }
                    1 + d
                };
                Some((score, p))
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, p)| p.clone()).collect()
    }

    /// Checks that `path` can hold a file: no ancestor is a file and it is not a directory.
    fn check_slot(&self, path: &VPath) -> Result<(), VfsError> {
        for ancestor in path.ancestors() {
            if self.files.contains_key(&ancestor) {
                return Err(VfsError::NotADirectory {
                    path: path.clone(),
                    file: ancestor,
                });
            }
        }
        if !self.files.contains_key(path) && self.dir_exists(path) {
            return Err(VfsError::IsDirectory { path: path.clone() });
        }
        Ok(())
    }

    /// Checks the limits for the state where each `(path, Some(size))` has that size and each
    /// `(path, None)` is gone.
    pub(crate) fn check_limits(&self, changes: &[(&VPath, Option<usize>)]) -> Result<(), VfsError> {
        let mut total = self.total_bytes();
        let mut count = self.files.len();
        for (path, size) in changes {
            let old = self.files.get(*path).map(|f| f.content.len());
            if let Some(old) = old {
                total -= old;
                count -= 1;
            }
            if let Some(size) = size {
                if *size > self.limits.max_file_bytes {
                    return Err(VfsError::FileTooLarge {
                        path: (*path).clone(),
                        bytes: *size,
                        max: self.limits.max_file_bytes,
                    });
                }
                total += size;
                count += 1;
            }
        }
        if count > self.limits.max_files && count > self.files.len() {
            return Err(VfsError::TooManyFiles {
                max: self.limits.max_files,
            });
        }
        if total > self.limits.max_total_bytes && total > self.total_bytes() {
            return Err(VfsError::WorkspaceTooLarge {
                bytes: total,
                max: self.limits.max_total_bytes,
            });
        }
        Ok(())
    }

    /// Stores `content` at an already-checked path, recording the old content as a revision.
    pub(crate) fn store(&mut self, path: &VPath, content: Content) -> bool {
        self.clock += 1;
        let clock = self.clock;
        let max_revisions = self.limits.max_revisions;
        for ancestor in path.ancestors() {
            self.dirs.remove(&ancestor);
        }
        match self.files.get_mut(path) {
            Some(file) => {
                let old = std::mem::replace(&mut file.content, content);
                file.revisions.push(old);
                if file.revisions.len() > max_revisions {
                    let excess = file.revisions.len() - max_revisions;
                    file.revisions.drain(..excess);
                }
                file.modified = clock;
                false
            }
            None => {
                self.files.insert(
                    path.clone(),
                    File {
                        content,
                        revisions: Vec::new(),
                        modified: clock,
                    },
                );
                true
            }
        }
    }

    /// Writes a file, creating it (and its parent directories) or overwriting it. The previous
    /// content becomes a revision that [`Workspace::undo`] can restore. Bytes that are valid
    /// UTF-8 are stored as text.
    ///
    /// # Errors
    ///
    /// Invalid path, a parent that is a file, a directory at `path`, or an exceeded limit.
    pub fn write(
        &mut self,
        path: &str,
        content: impl Into<Content>,
    ) -> Result<WriteReport, VfsError> {
        let path = VPath::parse(path)?;
        let content = match content.into() {
            Content::Binary(b) => Content::from_bytes(b),
            text => text,
        };
        self.check_slot(&path)?;
        self.check_limits(&[(&path, Some(content.len()))])?;
        let bytes = content.len();
        let lines = content.as_text().map_or(0, line_count);
        if self.files.get(&path).is_some_and(|f| f.content == content) {
            return Ok(WriteReport {
                path,
                created: false,
                unchanged: true,
                bytes,
                lines,
            });
        }
        let created = self.store(&path, content);
        Ok(WriteReport {
            path,
            created,
            unchanged: false,
            bytes,
            lines,
        })
    }

    /// Creates an empty directory (and its parents). Succeeds if it already exists.
    ///
    /// # Errors
    ///
    /// Invalid path, or a file at the path or at one of its parents.
    pub fn create_dir(&mut self, path: &str) -> Result<(), VfsError> {
        let path = VPath::parse(path)?;
        if self.files.contains_key(&path) {
            return Err(VfsError::NotADirectory {
                file: path.clone(),
                path,
            });
        }
        self.check_slot(&path)?;
        if !self.dir_exists(&path) {
            for ancestor in path.ancestors() {
                self.dirs.remove(&ancestor);
            }
            self.dirs.insert(path);
        }
        Ok(())
    }

    /// Removes a file, or an empty directory. Returns the removed file's content (`None` for a
    /// directory).
    ///
    /// # Errors
    ///
    /// Invalid path, missing path, or a directory that still holds files.
    pub fn remove(&mut self, path: &str) -> Result<Option<Content>, VfsError> {
        let path = VPath::parse(path)?;
        if let Some(file) = self.files.remove(&path) {
            self.clock += 1;
            self.keep_parent(&path);
            return Ok(Some(file.content));
        }
        let files = self.files_under(&path).count();
        if files > 0 {
            return Err(VfsError::DirectoryNotEmpty { path, files });
        }
        if self.dirs.remove(&path) {
            self.clock += 1;
            self.keep_parent(&path);
            return Ok(None);
        }
        Err(self.missing(&path))
    }

    /// Removes a directory and everything inside it; returns how many files were removed.
    ///
    /// # Errors
    ///
    /// Invalid path, missing directory, or a file at `path`.
    pub fn remove_dir_all(&mut self, path: &str) -> Result<usize, VfsError> {
        let path = VPath::parse(path)?;
        if self.files.contains_key(&path) {
            return Err(VfsError::NotADirectory {
                file: path.clone(),
                path,
            });
        }
        if !self.dir_exists(&path) {
            return Err(self.missing(&path));
        }
        let doomed: Vec<VPath> = self.files_under(&path).map(|(p, _)| p.clone()).collect();
        for p in &doomed {
            self.files.remove(p);
        }
        self.dirs.retain(|d| !d.starts_with(&path));
        self.clock += 1;
        self.keep_parent(&path);
        Ok(doomed.len())
    }

    /// After removing `path`, keeps its parent directory visible if it became empty.
    fn keep_parent(&mut self, path: &VPath) {
        if let Some(parent) = path.parent()
            && !parent.is_root()
            && !self.dir_exists(&parent)
        {
            self.dirs.insert(parent);
        }
    }

    /// Moves a file or directory (with its history) to a new path that must not exist yet.
    ///
    /// # Errors
    ///
    /// Invalid paths, a missing source, an existing destination, or moving a directory into
    /// itself.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), VfsError> {
        let from = VPath::parse(from)?;
        let to = VPath::parse(to)?;
        if from == to {
            return Ok(());
        }
        if self.files.contains_key(&to) || self.dir_exists(&to) {
            return Err(VfsError::AlreadyExists { path: to });
        }
        for ancestor in to.ancestors() {
            if self.files.contains_key(&ancestor) {
                return Err(VfsError::NotADirectory {
                    path: to,
                    file: ancestor,
                });
            }
        }
        if let Some(mut file) = self.files.remove(&from) {
            self.clock += 1;
            file.modified = self.clock;
            for ancestor in to.ancestors() {
                self.dirs.remove(&ancestor);
            }
            self.files.insert(to, file);
            self.keep_parent(&from);
            return Ok(());
        }
        if !self.dir_exists(&from) {
            return Err(self.missing(&from));
        }
        if to.starts_with(&from) {
            return Err(VfsError::Edit(format!(
                "cannot move directory `{from}` into itself (`{to}`)"
            )));
        }
        let moved: Vec<VPath> = self.files_under(&from).map(|(p, _)| p.clone()).collect();
        let dirs: Vec<VPath> = self
            .dirs
            .iter()
            .filter(|d| d.starts_with(&from))
            .cloned()
            .collect();
        self.clock += 1;
        for old in moved {
            let rest = old.strip_prefix(&from).unwrap_or_default();
            let new = to.join(rest)?;
            if let Some(mut file) = self.files.remove(&old) {
                file.modified = self.clock;
                self.files.insert(new, file);
            }
        }
        for old in dirs {
            self.dirs.remove(&old);
            let new = match old.strip_prefix(&from) {
                Some(rest) => to.join(rest)?,
                None => to.clone(),
            };
            self.dirs.insert(new);
        }
        for ancestor in to.ancestors() {
            self.dirs.remove(&ancestor);
        }
        self.keep_parent(&from);
        Ok(())
    }

    /// Restores the previous revision of a file (the current content is discarded).
    ///
    /// # Errors
    ///
    /// Invalid or missing path, or [`VfsError::NoRevision`] when the file has no history.
    pub fn undo(&mut self, path: &str) -> Result<WriteReport, VfsError> {
        let path = VPath::parse(path)?;
        if !self.files.contains_key(&path) {
            return Err(self.missing(&path));
        }
        let clock = self.clock + 1;
        let file = self
            .files
            .get_mut(&path)
            .ok_or_else(|| VfsError::NotFound {
                path: path.clone(),
                suggestions: Vec::new(),
            })?;
        let Some(previous) = file.revisions.pop() else {
            return Err(VfsError::NoRevision { path });
        };
        file.content = previous;
        file.modified = clock;
        let bytes = file.content.len();
        let lines = file.content.as_text().map_or(0, line_count);
        self.clock = clock;
        Ok(WriteReport {
            path,
            created: false,
            unchanged: false,
            bytes,
            lines,
        })
    }
}

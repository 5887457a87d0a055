//! `ls`: a tree listing of a directory, and the ignore-pattern matcher it shares with `grep`.

use std::collections::BTreeMap;
use std::fmt;

use globset::{Glob, GlobBuilder, GlobMatcher};

use crate::content::{human_bytes, thousands};
use crate::error::VfsError;
use crate::path::VPath;
use crate::workspace::Workspace;

/// Directories `ls` hides unless asked otherwise.
pub const DEFAULT_IGNORES: &[&str] = &[
    ".git/",
    "node_modules/",
    "__pycache__/",
    ".venv/",
    "target/",
    ".DS_Store",
];

/// Most entries `ls` shows by default.
pub const DEFAULT_LS_ENTRIES: usize = 500;

/// Options for [`Workspace::ls_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LsOptions {
    /// Extra glob patterns to hide. `name/` matches directories only; a pattern without `/`
    /// matches a file or directory name at any depth; a pattern with `/` matches the path from
    /// the workspace root.
    pub ignore: Vec<String>,
    /// Whether to hide [`DEFAULT_IGNORES`] too.
    pub default_ignores: bool,
    /// Most entries to show.
    pub max_entries: usize,
}

impl Default for LsOptions {
    fn default() -> Self {
        LsOptions {
            ignore: Vec::new(),
            default_ignores: true,
            max_entries: DEFAULT_LS_ENTRIES,
        }
    }
}

/// One line of an [`Listing`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LsEntry {
    /// Full path from the workspace root.
    pub path: VPath,
    /// Nesting below the listed directory (0 for its direct children).
    pub depth: usize,
    /// `None` for directories; the size for files.
    pub bytes: Option<usize>,
    /// Whether the file is binary.
    pub binary: bool,
}

/// The result of [`Workspace::ls`]: a depth-first tree, directories before files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The directory listed.
    pub dir: VPath,
    /// Entries shown.
    pub entries: Vec<LsEntry>,
    /// Entries not shown because of [`LsOptions::max_entries`].
    pub omitted: usize,
    /// Directories and files hidden by ignore patterns (the top of each hidden subtree).
    pub ignored: Vec<VPath>,
}

impl fmt::Display for Listing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}",
            if self.dir.is_root() {
                "/".to_owned()
            } else {
                format!("{}/", self.dir)
            }
        )?;
        if self.entries.is_empty() && self.omitted == 0 {
            writeln!(f, "  (empty)")?;
        }
        for e in &self.entries {
            let indent = "  ".repeat(e.depth + 1);
            let name = e.path.file_name();
            match e.bytes {
                None => writeln!(f, "{indent}{name}/")?,
                Some(b) if e.binary => writeln!(f, "{indent}{name} ({}, binary)", human_bytes(b))?,
                Some(b) => writeln!(f, "{indent}{name} ({})", human_bytes(b))?,
            }
        }
        if self.omitted > 0 {
            writeln!(
                f,
                "… {} more entries; use glob to narrow, or ls a subdirectory",
                thousands(self.omitted)
            )?;
        }
        if !self.ignored.is_empty() {
            let shown: Vec<String> = self
                .ignored
                .iter()
                .take(5)
                .map(|p| format!("`{p}`"))
                .collect();
            let more = self.ignored.len().saturating_sub(5);
            write!(f, "(hidden by ignore patterns: {}", shown.join(", "))?;
            if more > 0 {
                write!(f, " and {more} more")?;
            }
            writeln!(f, ")")?;
        }
        Ok(())
    }
}

/// Gitignore-like matching of workspace paths against glob patterns.
#[derive(Debug, Clone)]
pub(crate) struct IgnoreSet {
    rules: Vec<(GlobMatcher, bool, bool)>,
}

impl IgnoreSet {
    pub(crate) fn new<S: AsRef<str>>(patterns: &[S]) -> Result<IgnoreSet, VfsError> {
        let mut rules = Vec::new();
        for raw in patterns {
            let raw = raw.as_ref();
            let mut pattern = raw.trim();
            let dir_only = pattern.ends_with('/');
            pattern = pattern.trim_end_matches('/');
            pattern = pattern.strip_prefix("./").unwrap_or(pattern);
            let anchored = pattern.contains('/');
            pattern = pattern.trim_start_matches('/');
            if pattern.is_empty() {
                continue;
            }
            rules.push((
                build_glob(pattern, raw)?.compile_matcher(),
                dir_only,
                anchored,
            ));
        }
        Ok(IgnoreSet { rules })
    }

    pub(crate) fn is_ignored(&self, path: &VPath, is_dir: bool) -> bool {
        self.rules.iter().any(|(m, dir_only, anchored)| {
            (!dir_only || is_dir)
                && if *anchored {
                    m.is_match(path.as_str())
                } else {
                    m.is_match(path.file_name())
                }
        })
    }
}

pub(crate) fn build_glob(pattern: &str, shown: &str) -> Result<Glob, VfsError> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| VfsError::Glob {
            pattern: shown.to_owned(),
            message: e.kind().to_string(),
        })
}

#[derive(Default)]
struct Node {
    children: BTreeMap<String, Node>,
    file: Option<(usize, bool)>,
}

impl Workspace {
    /// Lists `dir` as a tree, hiding [`DEFAULT_IGNORES`] and the extra `ignore` patterns (see
    /// [`LsOptions::ignore`]). Listing a file shows just that file.
    ///
    /// # Errors
    ///
    /// Invalid path or glob pattern, or a directory that does not exist.
    pub fn ls(&self, dir: &str, ignore: &[&str]) -> Result<Listing, VfsError> {
        self.ls_with(
            dir,
            &LsOptions {
                ignore: ignore.iter().map(|s| (*s).to_owned()).collect(),
                ..LsOptions::default()
            },
        )
    }

    /// [`Workspace::ls`] with every option.
    ///
    /// # Errors
    ///
    /// Invalid path or glob pattern, or a directory that does not exist.
    pub fn ls_with(&self, dir: &str, options: &LsOptions) -> Result<Listing, VfsError> {
        let dir = VPath::parse_dir(dir)?;
        let mut patterns: Vec<String> = options.ignore.clone();
        if options.default_ignores {
            patterns.extend(DEFAULT_IGNORES.iter().map(|s| (*s).to_owned()));
        }
        let ignore = IgnoreSet::new(&patterns)?;
        if let Some(file) = self.get(&dir) {
            return Ok(Listing {
                dir: dir.parent().unwrap_or_else(VPath::root),
                entries: vec![LsEntry {
                    path: dir.clone(),
                    depth: 0,
                    bytes: Some(file.content.len()),
                    binary: file.content.is_binary(),
                }],
                omitted: 0,
                ignored: Vec::new(),
            });
        }
        if !self.dir_exists(&dir) {
            return Err(self.missing(&dir));
        }
        let mut root = Node::default();
        let mut insert = |rel: &str, file: Option<(usize, bool)>| {
            let mut node = &mut root;
            for part in rel.split('/') {
                node = node.children.entry(part.to_owned()).or_default();
            }
            if file.is_some() {
                node.file = file;
            }
        };
        for (path, file) in self.files_under(&dir) {
            if let Some(rel) = path.strip_prefix(&dir) {
                insert(rel, Some((file.content.len(), file.content.is_binary())));
            }
        }
        for d in self.explicit_dirs() {
            if let Some(rel) = d.strip_prefix(&dir) {
                insert(rel, None);
            }
        }
        let mut listing = Listing {
            dir: dir.clone(),
            entries: Vec::new(),
            omitted: 0,
            ignored: Vec::new(),
        };
        walk(&root, &dir, 0, &ignore, options.max_entries, &mut listing);
        Ok(listing)
    }
}

fn walk(node: &Node, at: &VPath, depth: usize, ignore: &IgnoreSet, max: usize, out: &mut Listing) {
    // Directories first, then files; each group by name.
    let mut kids: Vec<(&String, &Node)> = node.children.iter().collect();
    kids.sort_by_key(|(name, n)| (n.file.is_some(), name.as_str()));
    for (name, child) in kids {
        let path = VPath(if at.is_root() {
            name.clone()
        } else {
            format!("{}/{name}", at.as_str())
        });
        let is_dir = child.file.is_none();
        if ignore.is_ignored(&path, is_dir) {
            out.ignored.push(path);
            continue;
        }
        if out.entries.len() < max {
            out.entries.push(LsEntry {
                path: path.clone(),
                depth,
                bytes: child.file.map(|(b, _)| b),
                binary: child.file.is_some_and(|(_, bin)| bin),
            });
        } else {
            out.omitted += 1;
        }
        if is_dir {
            walk(child, &path, depth + 1, ignore, max, out);
        }
    }
}

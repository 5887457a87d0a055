//! `glob` (find files by name pattern) and `grep` (find lines by regex or literal text).

use std::fmt;

use regex::RegexBuilder;

use crate::content::thousands;
use crate::error::VfsError;
use crate::ls::{IgnoreSet, build_glob};
use crate::path::VPath;
use crate::workspace::Workspace;

/// Most paths `glob` returns by default.
pub const DEFAULT_GLOB_RESULTS: usize = 200;
/// Most matching lines `grep` returns by default.
pub const DEFAULT_GREP_RESULTS: usize = 100;
/// Longest line text `grep` shows, in characters.
pub const GREP_LINE_CHARS: usize = 300;

/// The result of [`Workspace::glob`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobMatches {
    /// The pattern as given.
    pub pattern: String,
    /// The directory searched.
    pub under: VPath,
    /// Matching file paths (from the workspace root), sorted.
    pub paths: Vec<VPath>,
    /// Matches not shown because of the cap.
    pub omitted: usize,
}

impl fmt::Display for GlobMatches {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.paths.is_empty() {
            write!(f, "No files match `{}`", self.pattern)?;
            if !self.under.is_root() {
                write!(f, " under `{}`", self.under)?;
            }
            if !self.pattern.contains('/') && !self.pattern.contains("**") {
                write!(
                    f,
                    ". `{0}` only matches directly inside the searched directory; try `**/{0}` to search subdirectories too",
                    self.pattern
                )?;
            }
            return writeln!(f);
        }
        for p in &self.paths {
            writeln!(f, "{p}")?;
        }
        if self.omitted > 0 {
            writeln!(
                f,
                "… {} more matches not shown ({} in total); use a more specific pattern or `under` to narrow",
                thousands(self.omitted),
                thousands(self.omitted + self.paths.len())
            )?;
        }
        Ok(())
    }
}

/// Options for [`Workspace::grep`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrepOptions {
    /// Treat the pattern as plain text rather than a regular expression.
    pub literal: bool,
    /// Ignore case.
    pub case_insensitive: bool,
    /// Only search files matching this glob. A pattern without `/` (like `*.py`) matches file
    /// names at any depth; one with `/` matches the path from the workspace root.
    pub include: Option<String>,
    /// Only search inside this directory.
    pub under: Option<String>,
    /// Most matching lines to return.
    pub max_results: usize,
}

impl Default for GrepOptions {
    fn default() -> Self {
        GrepOptions {
            literal: false,
            case_insensitive: false,
            include: None,
            under: None,
            max_results: DEFAULT_GREP_RESULTS,
        }
    }
}

/// One matching line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrepMatch {
    /// The file.
    pub path: VPath,
    /// 1-based line number.
    pub line: usize,
    /// The line (cut to [`GREP_LINE_CHARS`] characters).
    pub text: String,
}

/// The result of [`Workspace::grep`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrepResult {
    /// The pattern as given.
    pub pattern: String,
    /// Matches shown, in path then line order.
    pub matches: Vec<GrepMatch>,
    /// Matching lines not shown because of the cap.
    pub omitted: usize,
    /// Text files searched.
    pub files_searched: usize,
    /// Binary files skipped.
    pub binary_skipped: usize,
}

impl fmt::Display for GrepResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.matches.is_empty() {
            write!(
                f,
                "No matches for `{}` in {} files",
                self.pattern,
                thousands(self.files_searched)
            )?;
        } else {
            for m in &self.matches {
                writeln!(f, "{}:{}: {}", m.path, m.line, m.text)?;
            }
            if self.omitted > 0 {
                write!(
                    f,
                    "… {} more matching lines not shown ({} in total); narrow with include or a more specific pattern",
                    thousands(self.omitted),
                    thousands(self.omitted + self.matches.len())
                )?;
            }
        }
        if self.binary_skipped > 0 {
            if self.matches.is_empty() || self.omitted > 0 {
                f.write_str(" ")?;
            }
            write!(f, "({} binary files skipped)", self.binary_skipped)?;
        }
        if self.matches.is_empty() || self.omitted > 0 || self.binary_skipped > 0 {
            writeln!(f)?;
        }
        Ok(())
    }
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

impl Workspace {
    /// Files matching a glob pattern (`*`, `?`, `[abc]`, `{a,b}`, `**`), relative to `under`
    /// (default: the root), sorted by path and capped at [`DEFAULT_GLOB_RESULTS`].
    ///
    /// # Errors
    ///
    /// Invalid pattern or directory, or a directory that does not exist.
    pub fn glob(&self, pattern: &str, under: Option<&str>) -> Result<GlobMatches, VfsError> {
        self.glob_capped(pattern, under, DEFAULT_GLOB_RESULTS)
    }

    /// [`Workspace::glob`] with an explicit cap.
    ///
    /// # Errors
    ///
    /// Invalid pattern or directory, or a directory that does not exist.
    pub fn glob_capped(
        &self,
        pattern: &str,
        under: Option<&str>,
        max_results: usize,
    ) -> Result<GlobMatches, VfsError> {
        let under = VPath::parse_dir(under.unwrap_or(""))?;
        if !self.dir_exists(&under) {
            return Err(self.missing(&under));
        }
        let trimmed = pattern.trim();
        let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
        let trimmed = trimmed.trim_start_matches('/');
        let matcher = build_glob(trimmed, pattern)?.compile_matcher();
        let mut paths = Vec::new();
        let mut omitted = 0;
        for (path, _) in self.files_under(&under) {
            let Some(rel) = path.strip_prefix(&under) else {
                continue;
            };
            if matcher.is_match(rel) {
                if paths.len() < max_results {
                    paths.push(path.clone());
                } else {
                    omitted += 1;
                }
            }
        }
        Ok(GlobMatches {
            pattern: pattern.to_owned(),
            under,
            paths,
            omitted,
        })
    }

    /// Lines matching `pattern` in text files, as `path:line: text`, capped at
    /// [`GrepOptions::max_results`]. Binary files are skipped and counted.
    ///
    /// # Errors
    ///
    /// An invalid regex (the message suggests `literal: true`), an invalid include glob, or a
    /// missing `under` directory.
    pub fn grep(&self, pattern: &str, options: &GrepOptions) -> Result<GrepResult, VfsError> {
        let source = if options.literal {
            regex::escape(pattern)
        } else {
            pattern.to_owned()
        };
        let re = RegexBuilder::new(&source)
            .case_insensitive(options.case_insensitive)
            .size_limit(1 << 22)
            .build()
            .map_err(|e| VfsError::Regex {
                pattern: pattern.to_owned(),
                message: e.to_string(),
            })?;
        let include = match &options.include {
            Some(glob) => Some(IgnoreSet::new(&[glob.as_str()])?),
            None => None,
        };
        let under = VPath::parse_dir(options.under.as_deref().unwrap_or(""))?;
        if !self.dir_exists(&under) {
            return Err(self.missing(&under));
        }
        let mut result = GrepResult {
            pattern: pattern.to_owned(),
            matches: Vec::new(),
            omitted: 0,
            files_searched: 0,
            binary_skipped: 0,
        };
        for (path, file) in self.files_under(&under) {
            if include
                .as_ref()
                .is_some_and(|inc| !inc.is_ignored(path, false))
            {
                continue;
            }
            let Some(text) = file.content.as_text() else {
                result.binary_skipped += 1;
                continue;
            };
            result.files_searched += 1;
            for (i, line) in text.lines().enumerate() {
                if re.is_match(line) {
                    if result.matches.len() < options.max_results {
                        result.matches.push(GrepMatch {
                            path: path.clone(),
                            line: i + 1,
                            text: cut(line, GREP_LINE_CHARS),
                        });
                    } else {
                        result.omitted += 1;
                    }
                }
            }
        }
        Ok(result)
    }
}

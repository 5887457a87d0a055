//! `patch`: parse a unified diff and apply it to the workspace, all or nothing.
//!
//! Parsing is lenient: git preambles (`diff --git`, `index`, mode lines) and prose between files
//! are skipped, `a/` and `b/` prefixes are stripped, hunk headers may omit counts or even line
//! numbers (`@@ @@`), wrong counts are tolerated, and a blank line inside a hunk is read as an
//! empty context line. Application searches for each hunk's context nearest the position its
//! header names, falling back to ignoring trailing whitespace and then all whitespace
//! differences.

use std::collections::BTreeMap;
use std::fmt;

use crate::content::Content;
use crate::edit::squash;
use crate::error::VfsError;
use crate::path::VPath;
use crate::workspace::Workspace;

/// What happened to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// The file is new.
    Added,
    /// The file's content changed.
    Modified,
    /// The file was removed.
    Deleted,
    /// The file moved here from `from` (its content may also have changed).
    Renamed {
        /// The old path.
        from: VPath,
    },
}

/// One file touched by [`Workspace::patch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchedFile {
    /// The file (the new path for renames).
    pub path: VPath,
    /// What happened to it.
    pub change: ChangeKind,
    /// Hunks applied.
    pub hunks: usize,
    /// Lines added.
    pub added: usize,
    /// Lines removed.
    pub removed: usize,
    /// How hunks were adjusted (moved, whitespace ignored).
    pub notes: Vec<String>,
}

/// The result of [`Workspace::patch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchReport {
    /// Files touched, in patch order.
    pub files: Vec<PatchedFile>,
}

impl fmt::Display for PatchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.files.len();
        writeln!(
            f,
            "Applied patch to {n} file{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for file in &self.files {
            let what = match &file.change {
                ChangeKind::Added => "created".to_owned(),
                ChangeKind::Modified => "modified".to_owned(),
                ChangeKind::Deleted => "deleted".to_owned(),
                ChangeKind::Renamed { from } => format!("renamed from `{from}` to"),
            };
            writeln!(
                f,
                "  {what} `{}` ({} hunk{}, +{} -{})",
                file.path,
                file.hunks,
                if file.hunks == 1 { "" } else { "s" },
                file.added,
                file.removed
            )?;
            for note in &file.notes {
                writeln!(f, "    note: {note}")?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HLine {
    Context(String),
    Remove(String),
    Add(String),
}

#[derive(Debug, Clone)]
struct Hunk {
    header: String,
    old_start: Option<usize>,
    old_count: Option<usize>,
    lines: Vec<HLine>,
    old_no_newline: bool,
    new_no_newline: bool,
}

impl Hunk {
    fn old_lines(&self) -> Vec<&str> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                HLine::Context(s) | HLine::Remove(s) => Some(s.as_str()),
                HLine::Add(_) => None,
            })
            .collect()
    }

    fn counts(&self) -> (usize, usize) {
        let added = self
            .lines
            .iter()
            .filter(|l| matches!(l, HLine::Add(_)))
            .count();
        let removed = self
            .lines
            .iter()
            .filter(|l| matches!(l, HLine::Remove(_)))
            .count();
        (added, removed)
    }
}

#[derive(Debug, Clone)]
struct FilePatch {
    old: Option<String>,
    new: Option<String>,
    hunks: Vec<Hunk>,
}

fn parse_err(line: usize, msg: impl fmt::Display) -> VfsError {
    VfsError::Patch(format!("line {line} of the patch: {msg}"))
}

const FORMAT_HINT: &str = "a patch must be a unified diff like:\n--- a/src/main.py\n+++ b/src/main.py\n@@ -1,3 +1,3 @@\n def main():\n-    print(\"hi\")\n+    print(\"hello\")\n     return 0";

/// Parses `-12,3` / `+4` / `-7,` into (start, count).
fn parse_range(token: &str) -> (Option<usize>, Option<usize>) {
    let mut parts = token.splitn(2, ',');
    let start = parts.next().and_then(|s| s.trim().parse().ok());
    let count = parts.next().and_then(|s| s.trim().parse().ok());
    (start, count)
}

fn header_path(raw: &str) -> Option<String> {
    let raw = raw.split('\t').next().unwrap_or(raw).trim();
    let raw = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    if raw == "/dev/null" || raw.is_empty() {
        None
    } else {
        Some(raw.to_owned())
    }
}

fn parse(text: &str) -> Result<Vec<FilePatch>, VfsError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut files: Vec<FilePatch> = Vec::new();
    let mut i = 0;
    let is_header_pair = |i: usize| {
        lines[i].starts_with("--- ") && lines.get(i + 1).is_some_and(|l| l.starts_with("+++ "))
    };
    while i < lines.len() {
        let line = lines[i];
        if is_header_pair(i) {
            files.push(FilePatch {
                old: header_path(&line[4..]),
                new: header_path(&lines[i + 1][4..]),
                hunks: Vec::new(),
            });
            i += 2;
            continue;
        }
        if line.starts_with("GIT binary patch") || line.starts_with("Binary files ") {
            return Err(parse_err(
                i + 1,
                "binary patches are not supported; use write",
            ));
        }
        if !line.starts_with("@@") {
            i += 1;
            continue;
        }
        let Some(file) = files.last_mut() else {
            return Err(parse_err(
                i + 1,
                format_args!(
                    "hunk `{line}` comes before any `--- `/`+++ ` file header; {FORMAT_HINT}"
                ),
            ));
        };
        let inner = line.trim_start_matches('@');
        let inner = inner.split("@@").next().unwrap_or("");
        let (mut old_start, mut old_count, mut new_count) = (None, None, None);
        for token in inner.split_whitespace() {
            if let Some(t) = token.strip_prefix('-') {
                (old_start, old_count) = parse_range(t);
                if old_start.is_some() && old_count.is_none() {
                    old_count = Some(1);
                }
            } else if let Some(t) = token.strip_prefix('+') {
                let (start, count) = parse_range(t);
                new_count = if start.is_some() {
                    count.or(Some(1))
                } else {
                    None
                };
            }
        }
        let counts = old_count.zip(new_count);
        let mut hunk = Hunk {
            header: line.to_owned(),
            old_start,
            old_count,
            lines: Vec::new(),
            old_no_newline: false,
            new_no_newline: false,
        };
        let mut bare_blank: Vec<bool> = Vec::new();
        let (mut seen_old, mut seen_new) = (0usize, 0usize);
        i += 1;
        while i < lines.len() {
            let l = lines[i];
            let satisfied = counts.is_some_and(|(o, n)| seen_old >= o && seen_new >= n);
            if l.starts_with("@@") || l.starts_with("diff ") {
                break;
            }
            if is_header_pair(i) && (counts.is_none() || satisfied) {
                break;
            }
            if l.is_empty() && satisfied {
                break;
            }
            match l.chars().next() {
                Some(' ') | None => {
                    hunk.lines
                        .push(HLine::Context(l.get(1..).unwrap_or("").to_owned()));
                    bare_blank.push(l.is_empty());
                    seen_old += 1;
                    seen_new += 1;
                }
                Some('-') => {
                    hunk.lines.push(HLine::Remove(l[1..].to_owned()));
                    bare_blank.push(false);
                    seen_old += 1;
                }
                Some('+') => {
                    hunk.lines.push(HLine::Add(l[1..].to_owned()));
                    bare_blank.push(false);
                    seen_new += 1;
                }
                Some('\\') => match hunk.lines.last() {
                    Some(HLine::Context(_)) => {
                        hunk.old_no_newline = true;
                        hunk.new_no_newline = true;
                    }
                    Some(HLine::Remove(_)) => hunk.old_no_newline = true,
                    Some(HLine::Add(_)) => hunk.new_no_newline = true,
                    None => {}
                },
                Some(_) => break,
            }
            i += 1;
        }
        // Blank lines after the hunk (between files) are separators, not context.
        while bare_blank.last() == Some(&true) && counts.is_none_or(|(o, _)| seen_old > o) {
            bare_blank.pop();
            hunk.lines.pop();
            seen_old -= 1;
        }
        if hunk.lines.is_empty() {
            return Err(parse_err(
                i,
                format_args!(
                    "hunk `{line}` has no lines; each hunk needs context (` `), removed (`-`) or added (`+`) lines"
                ),
            ));
        }
        file.hunks.push(hunk);
    }
    if files.is_empty() {
        return Err(VfsError::Patch(format!(
            "no `--- `/`+++ ` file headers found; {FORMAT_HINT}"
        )));
    }
    Ok(files)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fuzz {
    Exact,
    TrailingSpace,
    AllSpace,
}

fn line_eq(file: &str, hunk: &str, fuzz: Fuzz) -> bool {
    let file = file.strip_suffix('\r').unwrap_or(file);
    match fuzz {
        Fuzz::Exact => file == hunk,
        Fuzz::TrailingSpace => file.trim_end() == hunk.trim_end(),
        Fuzz::AllSpace => squash(file) == squash(hunk),
    }
}

struct Applied {
    text: String,
    notes: Vec<String>,
}

fn cut_line(s: &str) -> String {
    let s = s.strip_suffix('\r').unwrap_or(s);
    match s.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Applies `hunks` to `text`, or explains which hunk failed and why.
fn apply_hunks(path: &VPath, text: &str, hunks: &[Hunk]) -> Result<Applied, VfsError> {
    let mut ends_newline = text.is_empty() || text.ends_with('\n');
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    if text.is_empty() || text.ends_with('\n') {
        lines.pop();
    }
    let crlf =
        !lines.is_empty() && lines.iter().filter(|l| l.ends_with('\r')).count() * 2 > lines.len();
    let mut notes = Vec::new();
    let mut delta: isize = 0;
    let mut min_pos = 0usize;
    let total = hunks.len();
    for (k, hunk) in hunks.iter().enumerate() {
        let number = k + 1;
        let old = hunk.old_lines();
        let fail = |why: String| {
            VfsError::Patch(format!(
                "`{path}` hunk {number} of {total} (`{}`) failed: {why}\nView the file again and make the diff from its current content, or use edit instead.",
                hunk.header
            ))
        };
        let expected = hunk.old_start.map(|start| {
            let base = if hunk.old_count == Some(0) || old.is_empty() {
                start
            } else {
                start.saturating_sub(1)
            };
            let at = base.cast_signed() + delta;
            at.clamp(0, lines.len().cast_signed()).cast_unsigned()
        });
        let (pos, fuzz) = if old.is_empty() {
            match expected {
                Some(e) => (e.max(min_pos), Fuzz::Exact),
                None if lines.is_empty() => (0, Fuzz::Exact),
                None => {
                    return Err(fail(
                        "it has no context lines and no line numbers, so there is no way to tell where it goes; include a few unchanged lines around the change".to_owned(),
                    ));
                }
            }
        } else {
            let mut found = None;
            for fuzz in [Fuzz::Exact, Fuzz::TrailingSpace, Fuzz::AllSpace] {
                let candidates: Vec<usize> = (min_pos..=lines.len().saturating_sub(old.len()))
                    .filter(|&p| {
                        p + old.len() <= lines.len()
                            && old
                                .iter()
                                .enumerate()
                                .all(|(j, h)| line_eq(&lines[p + j], h, fuzz))
                    })
                    .collect();
                if candidates.is_empty() {
                    continue;
                }
                let chosen = match expected {
                    Some(e) => {
                        let best = candidates.iter().map(|&p| p.abs_diff(e)).min().unwrap_or(0);
                        let nearest: Vec<usize> = candidates
                            .iter()
                            .copied()
                            .filter(|&p| p.abs_diff(e) == best)
                            .collect();
                        if nearest.len() > 1 {
                            return Err(fail(format!(
                                "its context was found at several places equally near line {} (lines {}); add more context lines to make it unique",
                                e + 1,
                                nearest
                                    .iter()
                                    .map(|p| (p + 1).to_string())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )));
                        }
                        nearest[0]
                    }
                    None if candidates.len() > 1 => {
                        return Err(fail(format!(
                            "its context was found at several places (lines {}) and the hunk header has no line numbers; add more context lines or line numbers to make it unique",
                            candidates
                                .iter()
                                .map(|p| (p + 1).to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )));
                    }
                    None => candidates[0],
                };
                found = Some((chosen, fuzz));
                break;
            }
            match found {
                Some(f) => f,
                None => return Err(fail(not_found_why(&lines, &old, min_pos, expected))),
            }
        };
        // Build the replacement: context lines keep the file's text; added lines get CRLF if
        // the file uses it.
        let mut replacement = Vec::new();
        let mut j = pos;
        for l in &hunk.lines {
            match l {
                HLine::Context(_) => {
                    replacement.push(lines[j].clone());
                    j += 1;
                }
                HLine::Remove(_) => j += 1,
                HLine::Add(s) => {
                    let mut s = s.clone();
                    if crlf && !s.ends_with('\r') {
                        s.push('\r');
                    }
                    replacement.push(s);
                }
            }
        }
        let new_len = replacement.len();
        let touches_end = pos + old.len() == lines.len();
        lines.splice(pos..pos + old.len(), replacement);
        if touches_end {
            if hunk.new_no_newline {
                ends_newline = false;
            } else if hunk.old_no_newline || text.is_empty() {
                ends_newline = true;
            }
        }
        if fuzz != Fuzz::Exact {
            notes.push(format!(
                "hunk {number} matched only when {} whitespace was ignored",
                if fuzz == Fuzz::TrailingSpace {
                    "trailing"
                } else {
                    "all"
                }
            ));
        }
        if let (Some(e), Some(start)) = (expected, hunk.old_start)
            && e != pos
            && !old.is_empty()
        {
            let diff = pos.cast_signed() - (start.cast_signed() - 1);
            notes.push(format!(
                "hunk {number} applied at line {} ({} line{} {} the header's line {start})",
                pos + 1,
                diff.unsigned_abs(),
                if diff.unsigned_abs() == 1 { "" } else { "s" },
                if diff > 0 { "below" } else { "above" }
            ));
        }
        if let Some(start) = hunk.old_start {
            let base = if old.is_empty() {
                start
            } else {
                start.saturating_sub(1)
            };
            delta = pos.cast_signed() - base.cast_signed() + new_len.cast_signed()
                - old.len().cast_signed();
        }
        min_pos = pos + new_len;
    }
    let mut out = lines.join("\n");
    if ends_newline && !lines.is_empty() {
        out.push('\n');
    }
    Ok(Applied { text: out, notes })
}

fn not_found_why(
    lines: &[String],
    old: &[&str],
    min_pos: usize,
    expected: Option<usize>,
) -> String {
    let mut why = String::from("its context and removed lines were not found in the file");
    if min_pos > 0 {
        why.push_str(&format!(
            " after line {min_pos} (where the previous hunk ended; hunks must be in file order)"
        ));
    }
    why.push_str(".\nThe hunk expects these lines:\n");
    for l in old.iter().take(30) {
        why.push_str(&format!("  {}\n", cut_line(l)));
    }
    if old.len() > 30 {
        why.push_str(&format!("  … and {} more\n", old.len() - 30));
    }
    // Best partial match: most lines equal ignoring whitespace, nearest the expected position.
    let file: Vec<String> = lines.iter().map(|l| squash(l)).collect();
    let want: Vec<String> = old.iter().map(|l| squash(l)).collect();
    let mut best: Option<(usize, usize)> = None;
    let last = lines.len().saturating_sub(old.len());
    for p in 0..=last {
        let score = want
            .iter()
            .enumerate()
            .filter(|(j, w)| file.get(p + j).is_some_and(|f| f == *w))
            .count();
        let better = match best {
            None => score > 0,
            Some((bp, bs)) => {
                score > bs
                    || (score == bs && expected.is_some_and(|e| p.abs_diff(e) < bp.abs_diff(e)))
            }
        };
        if better {
            best = Some((p, score));
        }
    }
    match best {
        Some((p, score)) if score * 2 >= want.len() => {
            let end = (p + old.len()).min(lines.len());
            why.push_str(&format!(
                "The closest text is at lines {}–{end} ({score} of {} lines match)",
                p + 1,
                old.len()
            ));
            if let Some(j) = (0..old.len()).find(|&j| file.get(p + j) != want.get(j)) {
                match lines.get(p + j) {
                    Some(have) => why.push_str(&format!(
                        "; line {} is `{}` where the hunk expects `{}`",
                        p + j + 1,
                        cut_line(have),
                        cut_line(old[j])
                    )),
                    None => why.push_str("; the file ends before the hunk does"),
                }
            }
            why.push('.');
        }
        _ => why.push_str("No similar text was found in the file."),
    }
    why
}

impl Workspace {
    /// Applies a unified diff that may touch several files, creating (`--- /dev/null`),
    /// deleting (`+++ /dev/null`) and renaming files. Either every hunk of every file applies
    /// or nothing changes. Hunks whose line numbers are off are placed where their context
    /// matches nearest the stated line. Changed files get an undo revision.
    ///
    /// # Errors
    ///
    /// [`VfsError::Patch`] naming the file and hunk that failed and why (context not found,
    /// found at several places), or the file-level problem (missing, already exists, binary);
    /// also path and limit errors. On error the workspace is unchanged.
    pub fn patch(&mut self, diff: &str) -> Result<PatchReport, VfsError> {
        let files = parse(diff)?;
        let mut staged: BTreeMap<VPath, Option<Content>> = BTreeMap::new();
        let mut report = PatchReport { files: Vec::new() };
        for fp in &files {
            let old_path = fp
                .old
                .as_deref()
                .map(|raw| self.resolve(raw, "a/", &staged))
                .transpose()?;
            let new_path = fp
                .new
                .as_deref()
                .map(|raw| self.resolve(raw, "b/", &staged))
                .transpose()?;
            let current = |p: &VPath| -> Option<Content> {
                match staged.get(p) {
                    Some(c) => c.clone(),
                    None => self.get(p).map(|f| f.content.clone()),
                }
            };
            let text_of = |p: &VPath| -> Result<String, VfsError> {
                match current(p) {
                    Some(Content::Text(t)) => Ok(t),
                    Some(Content::Binary(b)) => Err(VfsError::Patch(format!(
                        "`{p}` is a binary file ({} bytes) and cannot be patched; use write",
                        b.len()
                    ))),
                    None => Err(VfsError::Patch(format!(
                        "`{p}` does not exist{}; to create it use `--- /dev/null` and `+++ b/{p}`",
                        match self.suggest(p).first() {
                            Some(s) => format!(" (did you mean `{s}`?)"),
                            None => String::new(),
                        }
                    ))),
                }
            };
            let (added, removed) = fp.hunks.iter().fold((0, 0), |(a, r), h| {
                let (ha, hr) = h.counts();
                (a + ha, r + hr)
            });
            let (path, change, applied) = match (old_path, new_path) {
                (None, None) => {
                    return Err(VfsError::Patch(
                        "a file header has `/dev/null` on both sides".to_owned(),
                    ));
                }
                (None, Some(new)) => {
                    if current(&new).is_some() {
                        return Err(VfsError::Patch(format!(
                            "`{new}` already exists, but the patch creates it (`--- /dev/null`); to change it, make the diff against its current content with `--- a/{new}`"
                        )));
                    }
                    let applied = apply_hunks(&new, "", &fp.hunks)?;
                    staged.insert(new.clone(), Some(applied.text.clone().into()));
                    (new, ChangeKind::Added, applied)
                }
                (Some(old), None) => {
                    let text = text_of(&old)?;
                    let applied = apply_hunks(&old, &text, &fp.hunks)?;
                    staged.insert(old.clone(), None);
                    (old, ChangeKind::Deleted, applied)
                }
                (Some(old), Some(new)) => {
                    let text = text_of(&old)?;
                    let applied = apply_hunks(&old, &text, &fp.hunks)?;
                    if old == new {
                        staged.insert(new.clone(), Some(applied.text.clone().into()));
                        (new, ChangeKind::Modified, applied)
                    } else {
                        if current(&new).is_some() {
                            return Err(VfsError::Patch(format!(
                                "the patch renames `{old}` to `{new}`, but `{new}` already exists"
                            )));
                        }
                        staged.insert(old.clone(), None);
                        staged.insert(new.clone(), Some(applied.text.clone().into()));
                        (new, ChangeKind::Renamed { from: old }, applied)
                    }
                }
            };
            report.files.push(PatchedFile {
                path,
                change,
                hunks: fp.hunks.len(),
                added,
                removed,
                notes: applied.notes,
            });
        }
        // Check the final state before touching anything.
        for (path, content) in &staged {
            if content.is_some() && self.get(path).is_none() {
                self.check_new_slot(path, &staged)?;
            }
        }
        let changes: Vec<(&VPath, Option<usize>)> = staged
            .iter()
            .map(|(p, c)| (p, c.as_ref().map(Content::len)))
            .collect();
        self.check_limits(&changes)?;
        for (path, content) in staged {
            match content {
                Some(c) => {
                    if self.get(&path).is_none_or(|f| f.content != c) {
                        self.store(&path, c);
                    }
                }
                None => {
                    if self.get(&path).is_some() {
                        self.remove(path.as_str())?;
                    }
                }
            }
        }
        Ok(report)
    }

    /// Turns a header path into a workspace path, stripping a git `a/`/`b/` prefix unless only
    /// the unstripped path exists.
    fn resolve(
        &self,
        raw: &str,
        prefix: &str,
        staged: &BTreeMap<VPath, Option<Content>>,
    ) -> Result<VPath, VfsError> {
        let exists = |p: &VPath| match staged.get(p) {
            Some(c) => c.is_some(),
            None => self.get(p).is_some(),
        };
        if let Some(stripped) = raw.strip_prefix(prefix) {
            let stripped = VPath::parse(stripped)?;
            if !exists(&stripped)
                && let Ok(full) = VPath::parse(raw)
                && exists(&full)
            {
                return Ok(full);
            }
            return Ok(stripped);
        }
        Ok(VPath::parse(raw)?)
    }

    /// Checks that a new file at `path` would not sit inside a file or replace a directory,
    /// taking staged changes into account.
    fn check_new_slot(
        &self,
        path: &VPath,
        staged: &BTreeMap<VPath, Option<Content>>,
    ) -> Result<(), VfsError> {
        for ancestor in path.ancestors() {
            let is_file = match staged.get(&ancestor) {
                Some(c) => c.is_some(),
                None => self.get(&ancestor).is_some(),
            };
            if is_file {
                return Err(VfsError::NotADirectory {
                    path: path.clone(),
                    file: ancestor,
                });
            }
        }
        let dir_has_files = self
            .files_under(path)
            .any(|(p, _)| !matches!(staged.get(p), Some(None)))
            || staged
                .iter()
                .any(|(p, c)| c.is_some() && p.strip_prefix(path).is_some());
        if dir_has_files || self.explicit_dirs().any(|d| d == path) {
            return Err(VfsError::IsDirectory { path: path.clone() });
        }
        Ok(())
    }
}

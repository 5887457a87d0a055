//! `edit`: exact string replacement with errors that help the model retry.

use std::fmt;

use crate::error::VfsError;
use crate::path::VPath;
use crate::workspace::Workspace;

/// The result of [`Workspace::edit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditReport {
    /// The file edited.
    pub path: VPath,
    /// How many occurrences were replaced.
    pub replacements: usize,
    /// Unified diff of the change.
    pub diff: String,
}

impl fmt::Display for EditReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let times = if self.replacements == 1 {
            "1 replacement".to_owned()
        } else {
            format!("{} replacements", self.replacements)
        };
        writeln!(f, "Edited `{}` ({times}):", self.path)?;
        f.write_str(&self.diff)
    }
}

/// 1-based line number of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at].bytes().filter(|&b| b == b'\n').count() + 1
}

/// Collapses runs of whitespace and trims, for whitespace-insensitive comparison.
pub(crate) fn squash(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where `old` would match `text` if whitespace within lines were ignored: 1-based line ranges.
fn loose_matches(text: &str, old: &str) -> Vec<(usize, usize)> {
    let want: Vec<String> = old
        .lines()
        .map(squash)
        .skip_while(String::is_empty)
        .collect::<Vec<_>>();
    let mut want = want;
    while want.last().is_some_and(String::is_empty) {
        want.pop();
    }
    if want.is_empty() {
        return Vec::new();
    }
    let have: Vec<String> = text.lines().map(squash).collect();
    let mut found = Vec::new();
    if want.len() == 1 {
        for (i, h) in have.iter().enumerate() {
            if !want[0].is_empty() && h.contains(&want[0]) {
                found.push((i + 1, i + 1));
            }
        }
        return found;
    }
    for start in 0..have.len().saturating_sub(want.len() - 1) {
        let window = &have[start..start + want.len()];
        let first_ok = window[0].ends_with(&want[0]);
        let last_ok = window[want.len() - 1].starts_with(&want[want.len() - 1]);
        let middle_ok = window[1..want.len() - 1] == want[1..want.len() - 1];
        if first_ok && last_ok && middle_ok {
            found.push((start + 1, start + want.len()));
        }
    }
    found
}

pub(crate) fn unified_diff(old: &str, new: &str, path: &VPath, context: usize) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(context)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

impl Workspace {
    /// Replaces `old` with `new` in a text file. Without `replace_all`, `old` must occur exactly
    /// once. If the file uses CRLF line endings and `old` uses plain `\n`, the endings are
    /// adapted. The previous content becomes an undo revision.
    ///
    /// # Errors
    ///
    /// Missing or binary file, empty `old`, `old == new`, `old` not found (noting where it would
    /// match if whitespace were ignored), `old` found several times without `replace_all`
    /// (listing the lines), or a result over the size limit.
    pub fn edit(
        &mut self,
        path: &str,
        old: &str,
        new: &str,
        replace_all: bool,
    ) -> Result<EditReport, VfsError> {
        let vpath = VPath::parse(path)?;
        let text = self.read_text(path)?;
        if old.is_empty() {
            return Err(VfsError::Edit(format!(
                "old text is empty; to create or overwrite `{vpath}` use write, and to insert \
                 text include a neighbouring line in old and repeat it in new"
            )));
        }
        if old == new {
            return Err(VfsError::Edit(
                "old and new are identical, so there is nothing to change".to_owned(),
            ));
        }
        let (old, new) = if text.contains("\r\n") && !old.contains('\r') && old.contains('\n') {
            (old.replace('\n', "\r\n"), new.replace('\n', "\r\n"))
        } else {
            (old.to_owned(), new.to_owned())
        };
        let positions: Vec<usize> = text.match_indices(&old).map(|(i, _)| i).collect();
        if positions.is_empty() {
            return Err(VfsError::Edit(not_found_message(&vpath, text, &old)));
        }
        if positions.len() > 1 && !replace_all {
            let lines: Vec<usize> = positions.iter().map(|&i| line_of(text, i)).collect();
            let shown: Vec<String> = lines.iter().take(20).map(ToString::to_string).collect();
            let more = if lines.len() > 20 { ", …" } else { "" };
            return Err(VfsError::Edit(format!(
                "old text found {} times in `{vpath}` (lines {}{more}); include more surrounding \
                 context to make it unique, or set replace_all to change every occurrence",
                positions.len(),
                shown.join(", ")
            )));
        }
        let updated = if replace_all {
            text.replace(&old, &new)
        } else {
            text.replacen(&old, &new, 1)
        };
        self.check_limits(&[(&vpath, Some(updated.len()))])?;
        let diff = unified_diff(text, &updated, &vpath, 2);
        let replacements = positions.len();
        self.store(&vpath, updated.into());
        Ok(EditReport {
            path: vpath,
            replacements,
            diff,
        })
    }
}

fn not_found_message(path: &VPath, text: &str, old: &str) -> String {
    let mut msg = format!("old text not found in `{path}`");
    let loose = loose_matches(text, old);
    match loose.as_slice() {
        [] => {
            let first = old.lines().map(str::trim).find(|l| !l.is_empty());
            let hits: Vec<usize> = match first {
                Some(first) => text
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| l.contains(first))
                    .map(|(i, _)| i + 1)
                    .take(5)
                    .collect(),
                None => Vec::new(),
            };
            if hits.is_empty() {
                msg.push_str("; view the file and copy the exact text to replace");
            } else {
                msg.push_str(&format!(
                    "; its first line appears at line {} but the following lines differ. View \
                     the file there and copy the exact text",
                    hits.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        matches => {
            let (start, end) = matches[0];
            let file_lines: Vec<&str> = text.lines().collect();
            let where_ = if start == end {
                format!("line {start}")
            } else {
                format!("lines {start}–{end}")
            };
            msg.push_str(&format!(
                ", but it would match {where_}{} if whitespace and indentation were ignored. \
                 The file has exactly:\n",
                if matches.len() > 1 {
                    format!(" (and {} other places)", matches.len() - 1)
                } else {
                    String::new()
                }
            ));
            let window: Vec<&str> = file_lines
                .iter()
                .take(end)
                .skip(start - 1)
                .copied()
                .collect();
            for line in window.iter().take(20) {
                msg.push_str(line);
                msg.push('\n');
            }
            let wanted: Vec<&str> = old.lines().skip_while(|l| l.trim().is_empty()).collect();
            let differing = window
                .iter()
                .zip(&wanted)
                .enumerate()
                .find(|(_, (have, want))| indent_of(have) != indent_of(want));
            if let Some((j, (have, want))) = differing {
                msg.push_str(&format!(
                    "Line {} is indented with {} but old has {}. ",
                    start + j,
                    describe_indent(have),
                    describe_indent(want)
                ));
            }
            msg.push_str("Copy the text exactly, including indentation.");
        }
    }
    msg
}

fn indent_of(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

fn describe_indent(line: &str) -> String {
    let indent: Vec<char> = indent_of(line).chars().collect();
    if indent.is_empty() {
        return "nothing".to_owned();
    }
    let tabs = indent.iter().filter(|&&c| c == '\t').count();
    let spaces = indent.iter().filter(|&&c| c == ' ').count();
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    match (tabs, spaces) {
        (0, s) => plural(s, "space"),
        (t, 0) => plural(t, "tab"),
        (t, s) => format!("{} and {}", plural(t, "tab"), plural(s, "space")),
    }
}

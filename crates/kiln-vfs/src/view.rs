//! `view`: line-numbered text of a file, a window at a time.

use std::fmt;

use crate::content::thousands;
use crate::error::VfsError;
use crate::path::VPath;
use crate::workspace::Workspace;

/// Lines `view` shows when no limit is given.
pub const DEFAULT_VIEW_LINES: usize = 1000;
/// Lines longer than this many characters are cut in `view`.
pub const MAX_LINE_CHARS: usize = 2000;

/// One line of a [`View`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewLine {
    /// 1-based line number.
    pub number: usize,
    /// The text, without its line ending, possibly cut.
    pub text: String,
    /// Characters removed from the end of the line (0 if not cut).
    pub cut: usize,
}

/// The result of [`Workspace::view`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// The file.
    pub path: VPath,
    /// The lines shown.
    pub lines: Vec<ViewLine>,
    /// Lines in the whole file.
    pub total_lines: usize,
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.total_lines == 0 {
            return writeln!(f, "(`{}` is empty)", self.path);
        }
        for line in &self.lines {
            write!(f, "{:>6}\t{}", line.number, line.text)?;
            if line.cut > 0 {
                write!(f, "… (line cut: {} more characters)", thousands(line.cut))?;
            }
            writeln!(f)?;
        }
        if let (Some(first), Some(last)) = (self.lines.first(), self.lines.last())
            && (first.number > 1 || last.number < self.total_lines)
        {
            write!(
                f,
                "(showing lines {}–{} of {}",
                thousands(first.number),
                thousands(last.number),
                thousands(self.total_lines)
            )?;
            if last.number < self.total_lines {
                write!(f, "; call view with offset={} to see more", last.number + 1)?;
            }
            writeln!(f, ")")?;
        }
        Ok(())
    }
}

impl Workspace {
    /// Shows a text file with line numbers, starting at 1-based line `offset` (default 1) for
    /// `limit` lines (default [`DEFAULT_VIEW_LINES`]). Lines longer than [`MAX_LINE_CHARS`]
    /// are cut with a note, and a footer says how to see more.
    ///
    /// # Errors
    ///
    /// Invalid or missing path (with suggestions), a directory, a binary file, or an offset past
    /// the end.
    pub fn view(
        &self,
        path: &str,
        offset: Option<usize>,
        limit: Option<usize>,
    ) -> Result<View, VfsError> {
        let vpath = VPath::parse(path)?;
        let text = self.read_text(path)?;
        let offset = offset.unwrap_or(1).max(1);
        let limit = limit.unwrap_or(DEFAULT_VIEW_LINES).max(1);
        let total_lines = crate::workspace::line_count(text);
        if total_lines > 0 && offset > total_lines {
            return Err(VfsError::OffsetPastEnd {
                path: vpath,
                offset,
                lines: total_lines,
            });
        }
        let lines = text
            .lines()
            .enumerate()
            .skip(offset - 1)
            .take(limit)
            .map(|(i, line)| {
                let (text, cut) = match line.char_indices().nth(MAX_LINE_CHARS) {
                    Some((at, _)) => (line[..at].to_owned(), line[at..].chars().count()),
                    None => (line.to_owned(), 0),
                };
                ViewLine {
                    number: i + 1,
                    text,
                    cut,
                }
            })
            .collect();
        Ok(View {
            path: vpath,
            lines,
            total_lines,
        })
    }
}

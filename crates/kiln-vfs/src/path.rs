//! [`VPath`]: a workspace path that has been checked and normalised once, so it can never leave
//! the workspace root.

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Longest accepted path, in bytes (after normalisation).
pub const MAX_PATH_BYTES: usize = 1024;
/// Longest accepted path component, in bytes.
pub const MAX_COMPONENT_BYTES: usize = 255;
/// Deepest accepted nesting.
pub const MAX_DEPTH: usize = 64;

/// A validated, normalised path relative to the workspace root.
///
/// Paths use `/` as the separator. A leading `/` or `./` means "the workspace root" and is
/// dropped, `.` and empty components are removed, and `..` is resolved lexically; a `..` that
/// would climb above the root is rejected. Backslashes, Windows drive letters, `~`, control
/// characters, invisible characters (zero-width and bidirectional controls) and components with
/// leading or trailing spaces are rejected. Text is normalised to Unicode NFC, so `é` typed as
/// one or two code points names the same file.
///
/// The empty path is the workspace root; only [`VPath::parse_dir`] accepts it.
///
/// ```
/// use kiln_vfs::VPath;
///
/// assert_eq!(VPath::parse("/src//./main.py").unwrap().as_str(), "src/main.py");
/// assert!(VPath::parse("../secret").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VPath(pub(crate) String);

/// Why a path was rejected. The message says what was wrong and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PathError {
    /// The path as it was given.
    pub input: String,
    /// Human- (and model-) readable explanation.
    pub message: String,
}

const HINT: &str = "paths are relative to the workspace root, like `src/main.py`";

fn err(input: &str, what: impl fmt::Display) -> PathError {
    PathError {
        input: input.to_owned(),
        message: format!("path `{}` {what}", input.escape_debug()),
    }
}

/// Names of invisible or direction-changing characters that are never allowed in paths.
fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{2060}' => "WORD JOINER",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (byte order mark)",
        '\u{00AD}' => "SOFT HYPHEN",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        _ => return None,
    })
}

impl VPath {
    /// The workspace root (the empty path).
    #[must_use]
    pub fn root() -> VPath {
        VPath(String::new())
    }

    /// Parses a path that names a file or directory inside the workspace (not the root itself).
    ///
    /// # Errors
    ///
    /// Returns a [`PathError`] explaining the problem when the path is empty or names the root,
    /// would leave the workspace, or contains characters that are not allowed (see [`VPath`]).
    pub fn parse(input: &str) -> Result<VPath, PathError> {
        let path = VPath::parse_dir(input)?;
        if path.is_root() {
            return Err(if input.trim().is_empty() {
                PathError {
                    input: input.to_owned(),
                    message: format!("the path is empty; give a file path: {HINT}"),
                }
            } else {
                err(
                    input,
                    format_args!("is the workspace root, not a file; {HINT}"),
                )
            });
        }
        Ok(path)
    }

    /// Parses a directory path; unlike [`VPath::parse`] this accepts the root, written as ``,
    /// `.` or `/`.
    ///
    /// # Errors
    ///
    /// Returns a [`PathError`] when the path would leave the workspace or contains characters
    /// that are not allowed (see [`VPath`]).
    pub fn parse_dir(input: &str) -> Result<VPath, PathError> {
        for c in input.chars() {
            if c == '\\' {
                let fixed = input.replace('\\', "/");
                return Err(err(
                    input,
                    format_args!(
                        "contains a backslash: use `/` as the separator, like `{}`",
                        fixed.escape_debug()
                    ),
                ));
            }
            if c.is_control() {
                return Err(err(
                    input,
                    format_args!(
                        "contains the control character U+{:04X}; paths may not contain control \
                         characters (newlines, tabs, NUL, ...)",
                        u32::from(c)
                    ),
                ));
            }
            if let Some(name) = invisible_name(c) {
                return Err(err(
                    input,
                    format_args!(
                        "contains the invisible character U+{:04X} {name}; remove it and type \
                         the name with visible characters only",
                        u32::from(c)
                    ),
                ));
            }
        }
        let bytes = input.as_bytes();
        if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
            return Err(err(
                input,
                format_args!("looks like a Windows drive path; {HINT}"),
            ));
        }
        if input == "~" || input.starts_with("~/") {
            return Err(err(
                input,
                format_args!("refers to a home directory, which does not exist here; {HINT}"),
            ));
        }
        let normalised: String = input.nfc().collect();
        let mut parts: Vec<&str> = Vec::new();
        for part in normalised.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(err(input, format_args!("leaves the workspace: {HINT}")));
                    }
                }
                _ => {
                    if part.starts_with(char::is_whitespace) || part.ends_with(char::is_whitespace)
                    {
                        return Err(err(
                            input,
                            format_args!(
                                "has a component that starts or ends with a space (`{part}`); \
                                 remove the extra spaces"
                            ),
                        ));
                    }
                    if part.len() > MAX_COMPONENT_BYTES {
                        return Err(err(
                            input,
                            format_args!(
                                "has a component longer than {MAX_COMPONENT_BYTES} bytes; use a \
                                 shorter name"
                            ),
                        ));
                    }
                    parts.push(part);
                }
            }
        }
        if parts.len() > MAX_DEPTH {
            return Err(err(
                input,
                format_args!("is nested more than {MAX_DEPTH} directories deep"),
            ));
        }
        let joined = parts.join("/");
        if joined.len() > MAX_PATH_BYTES {
            return Err(err(
                input,
                format_args!("is longer than {MAX_PATH_BYTES} bytes; use a shorter path"),
            ));
        }
        Ok(VPath(joined))
    }

    /// The normalised path, without a leading `/` (empty for the root).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the workspace root.
    #[must_use]
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The last component (empty for the root).
    #[must_use]
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or("")
    }

    /// The extension of the last component, without the dot, if it has one.
    #[must_use]
    pub fn extension(&self) -> Option<&str> {
        let name = self.file_name();
        match name.rfind('.') {
            Some(0) | None => None,
            Some(i) => Some(&name[i + 1..]),
        }
    }

    /// The containing directory (the root for top-level entries); `None` for the root.
    #[must_use]
    pub fn parent(&self) -> Option<VPath> {
        if self.is_root() {
            return None;
        }
        Some(match self.0.rfind('/') {
            Some(i) => VPath(self.0[..i].to_owned()),
            None => VPath::root(),
        })
    }

    /// All proper ancestors from the top-level directory down, excluding the root and `self`.
    #[must_use]
    pub fn ancestors(&self) -> Vec<VPath> {
        self.0
            .match_indices('/')
            .map(|(i, _)| VPath(self.0[..i].to_owned()))
            .collect()
    }

    /// The path's components.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|c| !c.is_empty())
    }

    /// Number of components (0 for the root).
    #[must_use]
    pub fn depth(&self) -> usize {
        self.components().count()
    }

    /// Whether `self` is `dir` or lies inside it (component-wise; every path is inside the root).
    #[must_use]
    pub fn starts_with(&self, dir: &VPath) -> bool {
        dir.is_root()
            || self.0 == dir.0
            || (self.0.starts_with(&dir.0) && self.0.as_bytes().get(dir.0.len()) == Some(&b'/'))
    }

    /// `self` relative to `dir`, when it lies strictly inside it.
    #[must_use]
    pub fn strip_prefix(&self, dir: &VPath) -> Option<&str> {
        if dir.is_root() {
            return (!self.is_root()).then_some(self.as_str());
        }
        self.0
            .strip_prefix(&dir.0)
            .and_then(|rest| rest.strip_prefix('/'))
    }

    /// Appends a relative path.
    ///
    /// # Errors
    ///
    /// Returns a [`PathError`] if the joined path is invalid or leaves the workspace.
    pub fn join(&self, rest: &str) -> Result<VPath, PathError> {
        if self.is_root() {
            return VPath::parse_dir(rest);
        }
        VPath::parse_dir(&format!("{}/{}", self.0, rest.trim_start_matches('/')))
    }
}

impl fmt::Display for VPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root() {
            f.write_str("/")
        } else {
            f.write_str(&self.0)
        }
    }
}

impl fmt::Debug for VPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VPath({:?})", self.0)
    }
}

impl AsRef<str> for VPath {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for VPath {
    type Error = PathError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        VPath::parse_dir(&value)
    }
}

impl TryFrom<&str> for VPath {
    type Error = PathError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        VPath::parse_dir(value)
    }
}

impl From<VPath> for String {
    fn from(value: VPath) -> Self {
        value.0
    }
}

impl std::str::FromStr for VPath {
    type Err = PathError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VPath::parse(s)
    }
}

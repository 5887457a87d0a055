use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Diagnostic, Language};

/// The program text or bytes to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "value")]
pub enum Code {
    /// Source text (JavaScript, Python, WAT).
    Text(String),
    /// Binary input (a `.wasm` module).
    Binary(Vec<u8>),
}

impl Code {
    /// The code as bytes, whatever its kind.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Code::Text(text) => text.as_bytes(),
            Code::Binary(bytes) => bytes,
        }
    }

    /// The code as text, when it is text.
    #[must_use]
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Code::Text(text) => Some(text),
            Code::Binary(_) => None,
        }
    }
}

impl From<&str> for Code {
    fn from(text: &str) -> Self {
        Code::Text(text.to_owned())
    }
}

impl From<String> for Code {
    fn from(text: String) -> Self {
        Code::Text(text)
    }
}

impl From<Vec<u8>> for Code {
    /// Valid UTF-8 becomes [`Code::Text`], anything else [`Code::Binary`].
    fn from(bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) if !text.starts_with("\0asm") => Code::Text(text),
            Ok(text) => Code::Binary(text.into_bytes()),
            Err(err) => Code::Binary(err.into_bytes()),
        }
    }
}

/// A file of the workspace, supplied to a run or written by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceFile {
    /// Relative path with `/` separators, for example `lib/util.py`.
    pub path: String,
    /// The file's bytes.
    pub contents: Vec<u8>,
}

impl WorkspaceFile {
    /// A file from a path and its contents.
    pub fn new(path: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        WorkspaceFile {
            path: path.into(),
            contents: contents.into(),
        }
    }
}

/// A function to call instead of the program's usual entry point (wasm `--invoke`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Name of the export to call.
    pub export: String,
    /// Arguments as text, parsed by the runner according to the function's signature.
    pub args: Vec<String>,
}

/// The budgets a run may use. `None` means unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Wall-clock time in milliseconds, enforced by the host (it stops the runner).
    pub wall_time_ms: Option<u64>,
    /// Engine steps: wasm fuel units; JS loop iterations per loop (and recursion depth derived
    /// from it); Python ignores it and relies on time and recursion limits.
    pub steps: Option<u64>,
    /// Memory the program may allocate, in bytes (wasm linear memory; process heap natively).
    pub memory_bytes: Option<u64>,
    /// Bytes of stdout plus stderr kept and forwarded; the run stops when it is exceeded.
    pub output_bytes: Option<u64>,
}

impl Limits {
    /// No limit at all: only for trusted code and tests.
    pub const UNLIMITED: Limits = Limits {
        wall_time_ms: None,
        steps: None,
        memory_bytes: None,
        output_bytes: None,
    };
}

impl Default for Limits {
    /// Generous budgets a playground user will not meet by accident: 10 s, 10⁹ steps, 512 MiB
    /// of memory, 1 MiB of output.
    fn default() -> Self {
        Limits {
            wall_time_ms: Some(10_000),
            steps: Some(1_000_000_000),
            memory_bytes: Some(512 * 1024 * 1024),
            output_bytes: Some(1024 * 1024),
        }
    }
}

/// Everything a runner needs for one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRequest {
    /// The language of `code`.
    pub language: Language,
    /// The program itself.
    pub code: Code,
    /// The name the program is known by in messages and tracebacks (`main.py`).
    pub file_name: Option<String>,
    /// Other workspace files the program may import or open.
    pub files: Vec<WorkspaceFile>,
    /// Text supplied on standard input.
    pub stdin: Vec<u8>,
    /// Budgets.
    pub limits: Limits,
    /// Call this export instead of the default entry point (wasm only).
    pub entry: Option<Entry>,
}

impl RunRequest {
    /// A request with default limits, no files and empty stdin.
    pub fn new(language: Language, code: impl Into<Code>) -> Self {
        RunRequest {
            language,
            code: code.into(),
            file_name: None,
            files: Vec::new(),
            stdin: Vec::new(),
            limits: Limits::default(),
            entry: None,
        }
    }

    /// The same request with other limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The same request with standard input.
    #[must_use]
    pub fn with_stdin(mut self, stdin: impl Into<Vec<u8>>) -> Self {
        self.stdin = stdin.into();
        self
    }

    /// The same request with one more workspace file.
    #[must_use]
    pub fn with_file(mut self, path: impl Into<String>, contents: impl Into<Vec<u8>>) -> Self {
        self.files.push(WorkspaceFile::new(path, contents));
        self
    }

    /// The same request with a file name for messages.
    #[must_use]
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The same request calling an export with arguments.
    #[must_use]
    pub fn with_entry(mut self, export: impl Into<String>, args: Vec<String>) -> Self {
        self.entry = Some(Entry {
            export: export.into(),
            args,
        });
        self
    }

    /// The program as source text.
    ///
    /// # Errors
    /// A `not-text` diagnostic when the code is binary (a `.wasm` file given to the JavaScript or
    /// Python runner), worded the same for every language.
    pub fn source_text(&self) -> Result<&str, Diagnostic> {
        self.code.as_text().ok_or_else(|| {
            Diagnostic::error(
                "not-text",
                format!(
                    "{} code must be UTF-8 text, and this input is binary: pass the source file, \
                     or run .wasm files as WebAssembly",
                    self.language.display_name()
                ),
            )
        })
    }

    /// The file name to show, or a default per language (`main.py`, `main.js`, `main.wat`).
    #[must_use]
    pub fn display_name(&self) -> &str {
        match (&self.file_name, self.language) {
            (Some(name), _) => name,
            (None, Language::Js) => "main.js",
            (None, Language::Python) => "main.py",
            (None, Language::Wasm) => "main.wasm",
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Finished normally.
    Ok,
    /// An uncaught error (exception, trap).
    Error,
    /// The program asked to exit with a code (`sys.exit(n)`, `proc_exit(n)`).
    Exit,
    /// Not run: the code or request was rejected beforehand (syntax error, missing imports).
    Refused,
    /// Stopped by a limit.
    Limit,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Exit => "exit",
            Status::Refused => "refused",
            Status::Limit => "limit",
        })
    }
}

/// Which limit stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LimitKind {
    /// Wall-clock time.
    Time,
    /// Engine steps (fuel, loop iterations, recursion depth).
    Steps,
    /// Memory.
    Memory,
    /// Output size.
    Output,
}

impl LimitKind {
    /// The limit named for a person, with what to do about it.
    #[must_use]
    pub fn explain(self) -> &'static str {
        match self {
            LimitKind::Time => {
                "time limit reached: the program ran too long (an endless loop?); raise the timeout if it needs more time"
            }
            LimitKind::Steps => {
                "step limit reached: the program executed too many steps (an endless loop or runaway recursion?)"
            }
            LimitKind::Memory => {
                "memory limit reached: the program tried to use more memory than allowed"
            }
            LimitKind::Output => {
                "output limit reached: the program printed more than allowed; the rest was dropped"
            }
        }
    }
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitKind::Time => "time",
            LimitKind::Steps => "steps",
            LimitKind::Memory => "memory",
            LimitKind::Output => "output",
        })
    }
}

/// What a run produced. The same shape as `kiln run --json` (CONTRACTS.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// How it ended.
    pub status: Status,
    /// 0 ok, n for an exit, 1 error, 2 refused, 124 limit.
    pub exit_code: i32,
    /// Everything written to standard output (up to the output limit).
    pub stdout: String,
    /// Everything written to standard error (up to the output limit).
    pub stderr: String,
    /// The program's own run time in milliseconds, excluding engine start-up.
    pub duration_ms: u64,
    /// Which limit stopped it, when `status` is `limit`.
    pub limit: Option<LimitKind>,
    /// Problems found before or during the run.
    pub diagnostics: Vec<Diagnostic>,
    /// Files the program created or changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files_written: Vec<WorkspaceFile>,
}

impl Outcome {
    /// The exit code the CLI uses for a status (`exit` uses the program's own code).
    #[must_use]
    pub fn code_for(status: Status) -> i32 {
        match status {
            Status::Ok | Status::Exit => 0,
            Status::Error => 1,
            Status::Refused => 2,
            Status::Limit => 124,
        }
    }

    /// A run that never started, with the diagnostics that say why.
    #[must_use]
    pub fn refused(diagnostics: Vec<Diagnostic>) -> Self {
        let stderr = diagnostics.iter().map(|d| format!("{d}\n")).collect();
        Outcome {
            status: Status::Refused,
            exit_code: 2,
            stdout: String::new(),
            stderr,
            duration_ms: 0,
            limit: None,
            diagnostics,
            files_written: Vec::new(),
        }
    }
}

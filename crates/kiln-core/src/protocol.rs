//! The messages between a page (the host) and a runner's Web Worker.
//!
//! Every message is one JSON object whose `type` field names the variant; field names are
//! `snake_case`, the same as [`Outcome`] and [`RunRequest`] (the JavaScript glue converts to
//! camelCase only at the public `Kiln.*` API). Byte fields (`Code::Binary`, file contents, stdin)
//! are JSON arrays of numbers.
//!
//! Host → worker ([`HostMessage`]):
//! ```text
//! {"type":"load","version":1}
//! {"type":"run","id":7,"request":{"language":"python","code":{"kind":"text","value":"print(1)"},
//!   "file_name":null,"files":[{"path":"util.py","contents":[120,61,49]}],"stdin":[],
//!   "limits":{"wall_time_ms":10000,"steps":1000000000,"memory_bytes":536870912,
//!   "output_bytes":1048576},"entry":null}}
//! {"type":"check","id":8,"language":"python","code":{"kind":"text","value":"import json"},
//!   "file_name":"main.py","workspace_files":["util.py"]}
//! ```
//!
//! Worker → host ([`WorkerMessage`]):
//! ```text
//! {"type":"ready","version":1,"language":"python","runner":"python","modules":["json",…]}
//! {"type":"progress","bytes":1024,"total":4096}
//! {"type":"output","id":7,"stream":"stdout","chunk":"1\n"}
//! {"type":"done","id":7,"outcome":{"status":"ok","exit_code":0,"stdout":"1\n","stderr":"",
//!   "duration_ms":3,"limit":null,"diagnostics":[]}}
//! {"type":"checked","id":8,"language":"python","runner":"python","diagnostics":[],
//!   "imports":[{"name":"json","line":1,"column":8,"origin":"standard"}]}
//! {"type":"failed","id":7,"message":"…"}
//! ```
//!
//! A worker answers `load` with `ready` (or `failed` when the versions differ), every `run` with
//! zero or more `output` messages and then exactly one `done`, and every `check` with `checked`.
//! Output is batched: a worker runs the program synchronously, so it sends a batch when a few
//! kilobytes have accumulated, when a little time has passed since the last batch (checked when the
//! program writes), and always before `done`. The `done` outcome still carries all of stdout and
//! stderr, so a host may ignore `output` messages.
//!
//! The host owns time: a worker that overruns its limit is terminated, and the host reports the
//! run as stopped by [`LimitKind::Time`](crate::LimitKind) itself (no `done` arrives).

use serde::{Deserialize, Serialize};

use crate::{Code, Diagnostic, Language, Outcome, RunRequest, Stream};

/// The protocol's version; `load` and `ready` carry it and a mismatch is refused.
pub const PROTOCOL_VERSION: u32 = 1;

/// A message from the page to a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HostMessage {
    /// The first message: the worker answers [`WorkerMessage::Ready`] once its runner is up.
    Load {
        /// The host's [`PROTOCOL_VERSION`].
        version: u32,
    },
    /// Run a program: pre-flight it with the analyzer, then run it with the request's limits.
    Run {
        /// Chosen by the host; echoed in every answer about this run.
        id: u64,
        /// What to run.
        request: RunRequest,
    },
    /// Analyse a program without running it.
    Check {
        /// Chosen by the host; echoed in the answer.
        id: u64,
        /// The language, when the caller knows it (otherwise it is detected).
        #[serde(default)]
        language: Option<Language>,
        /// The program.
        code: Code,
        /// Its file name, when it has one (`main.py`).
        #[serde(default)]
        file_name: Option<String>,
        /// Paths of the other workspace files, so imports of them are recognised.
        #[serde(default)]
        workspace_files: Vec<String>,
    },
}

/// A message from a worker to the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WorkerMessage {
    /// The worker's runner is started and takes runs.
    Ready {
        /// The worker's [`PROTOCOL_VERSION`].
        version: u32,
        /// The language this worker runs.
        language: Language,
        /// The runner's id (`js`, `python`, `wasm`).
        runner: String,
        /// Standard-library modules the runner can import (Python), otherwise empty.
        #[serde(default)]
        modules: Vec<String>,
    },
    /// Bytes of a download so far (the runtime, or a library the worker fetches).
    Progress {
        /// Bytes received.
        bytes: u64,
        /// Bytes expected, when known.
        #[serde(default)]
        total: Option<u64>,
    },
    /// A batch of a run's output, in the order it was written.
    Output {
        /// The run's id.
        id: u64,
        /// Which stream.
        stream: Stream,
        /// The text.
        chunk: String,
    },
    /// A run ended.
    Done {
        /// The run's id.
        id: u64,
        /// How it ended, with all its output.
        outcome: Outcome,
    },
    /// The answer to a [`HostMessage::Check`].
    Checked {
        /// The check's id.
        id: u64,
        /// The detected (or given) language, when known.
        language: Option<Language>,
        /// The runner that would run it, when one would.
        runner: Option<String>,
        /// What the analyzer found (errors, warnings, advice).
        diagnostics: Vec<Diagnostic>,
        /// What the program imports.
        #[serde(default)]
        imports: Vec<ImportInfo>,
    },
    /// A message the worker could not handle (bad JSON, wrong version, a bug).
    Failed {
        /// The id of the run or check it was about, when known.
        #[serde(default)]
        id: Option<u64>,
        /// What went wrong, in words.
        message: String,
    },
}

/// One import found by the analyzer, as plain data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportInfo {
    /// What is imported (`os.path`, `./util.js`, `wasi_snapshot_preview1.fd_write`).
    pub name: String,
    /// 1-based line, when the source is text.
    #[serde(default)]
    pub line: Option<u32>,
    /// 1-based column, when the source is text.
    #[serde(default)]
    pub column: Option<u32>,
    /// Where it comes from: `standard`, `workspace`, `missing` or `unknown`.
    pub origin: String,
    /// The workspace file, when `origin` is `workspace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The closest available name, when `origin` is `missing` and one is close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closest: Option<String>,
}

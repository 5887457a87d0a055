//! The app's state as plain data with pure methods: the workspace, the open file, the run in
//! progress and its output, the analyzer's diagnostics and the layout. Components only dispatch
//! [`Action`]s; [`App::apply`] is the one place the state changes, and it is tested natively.

use std::collections::BTreeMap;

use kiln_vfs::{Content, Workspace};
use serde::{Deserialize, Serialize};

use crate::templates::{self, Template};

/// The languages Kiln runs, as `Kiln.run` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// JavaScript (Boa).
    Js,
    /// Python (RustPython).
    Python,
    /// WebAssembly, binary or text (wasmi).
    Wasm,
}

impl Language {
    /// The name `Kiln.run`, `Kiln.check` and `Kiln.ready` take.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Language::Js => "js",
            Language::Python => "python",
            Language::Wasm => "wasm",
        }
    }

    /// The name people know it by.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Language::Js => "JavaScript",
            Language::Python => "Python",
            Language::Wasm => "WebAssembly",
        }
    }

    /// The language a file's name says it holds (`None` for data files).
    #[must_use]
    pub fn of_path(path: &str) -> Option<Language> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "js" | "mjs" => Some(Language::Js),
            "py" => Some(Language::Python),
            "wat" | "wast" | "wasm" => Some(Language::Wasm),
            _ => None,
        }
    }

    /// Every language, in menu order.
    pub const ALL: [Language; 3] = [Language::Python, Language::Js, Language::Wasm];
}

/// One of the analyzer's findings, as `Kiln.check` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Diagnostic {
    /// `error`, `warning` or `info`.
    pub severity: String,
    /// A stable code (see `docs/diagnostics.md`).
    pub code: String,
    /// What is wrong and what to do.
    pub message: String,
    /// 1-based line, when it has a place.
    pub line: Option<u32>,
    /// 1-based column, when it has a place.
    pub column: Option<u32>,
}

/// How a run ended, as `Kiln.run` resolves it (camelCase).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Outcome {
    /// `ok`, `error`, `exit`, `refused` or `limit`.
    pub status: String,
    /// The exit code.
    pub exit_code: i32,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
    /// How long it ran.
    pub duration_ms: u64,
    /// Which limit ended it (`time`, `steps`, `memory`, `output`).
    pub limit: Option<String>,
    /// The pre-flight's diagnostics (a refused run says why here).
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the user stopped it.
    pub stopped: bool,
}

/// Which output stream a chunk came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// A piece of output, in the order it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Where it was written.
    pub stream: Stream,
    /// What was written.
    pub text: String,
}

/// Where the current (or last) run is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Nothing has run yet.
    Idle,
    /// The language's runtime is downloading.
    Loading {
        /// Bytes so far.
        bytes: u64,
        /// The whole size, when the server said.
        total: Option<u64>,
    },
    /// The program runs since `started_ms` (the page's clock).
    Running {
        /// `performance.now()` when it was sent.
        started_ms: f64,
    },
    /// The run ended; its outcome is in [`App::outcome`].
    Finished,
    /// Kiln itself failed (the runtime could not load); the words say what to do.
    Failed(String),
}

/// Light, dark, or whatever the system prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The value of `data-theme` on the page (`""` for the system's).
    #[must_use]
    pub fn attr(self) -> &'static str {
        match self {
            Theme::System => "",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Parses [`Theme::attr`] (`"system"` and `""` are the system's).
    #[must_use]
    pub fn parse(value: &str) -> Theme {
        match value {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// Which panels show and how big they are (CSS pixels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Layout {
    /// The files panel is open.
    pub files_open: bool,
    /// The output/warnings panel is open.
    pub output_open: bool,
    /// Width of the files panel.
    pub files_size: u32,
    /// Width (wide screens) or height (narrow screens) of the output panel.
    pub output_size: u32,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            files_open: true,
            output_open: true,
            files_size: 220,
            output_size: 380,
        }
    }
}

/// Which panel a splitter resizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// The files list.
    Files,
    /// Output and warnings.
    Output,
}

impl Layout {
    /// Smallest and largest size of a panel.
    pub const MIN: u32 = 140;
    /// See [`Layout::MIN`].
    pub const MAX: u32 = 900;

    fn size_mut(&mut self, panel: Panel) -> &mut u32 {
        match panel {
            Panel::Files => &mut self.files_size,
            Panel::Output => &mut self.output_size,
        }
    }
}

/// Everything the user can do, and everything the host reports back.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Show a file in the editor.
    Open(String),
    /// The open file's text changed in the editor.
    Edit(String),
    /// Make a new empty file (the name says its language).
    Create(String),
    /// Rename a file.
    Rename {
        /// Its path now.
        from: String,
        /// The new path.
        to: String,
    },
    /// Delete a file.
    Delete(String),
    /// Add (or replace) a file with bytes from the device.
    Upload {
        /// Where it goes.
        path: String,
        /// What it holds.
        bytes: Vec<u8>,
    },
    /// Replace the workspace with a template's files.
    UseTemplate(String),
    /// Replace the workspace with files from a share link.
    Load(Snapshot),
    /// The runtime download moved on.
    Loading {
        /// Bytes so far.
        bytes: u64,
        /// Whole size, when known.
        total: Option<u64>,
    },
    /// A language's runtime is up; `runner` names it.
    Ready {
        /// Which language.
        language: Language,
        /// The runner's name (`boa`, `rustpython`, `wasmi`).
        runner: String,
    },
    /// A run was sent at `at_ms`.
    Started {
        /// The program's language.
        language: Language,
        /// `performance.now()`.
        at_ms: f64,
    },
    /// The program wrote something.
    Output(Stream, String),
    /// The run ended.
    Finished(Outcome),
    /// Kiln could not run it at all.
    Failed(String),
    /// `Kiln.check`'s findings for `path` as it was when checked.
    Checked {
        /// The checked file.
        path: String,
        /// The text that was checked (stale results are dropped).
        code: String,
        /// The findings.
        diagnostics: Vec<Diagnostic>,
    },
    /// Open or close a panel.
    Toggle(Panel),
    /// Set a panel's size (clamped to [`Layout::MIN`]..=[`Layout::MAX`]).
    Resize(Panel, i64),
    /// Choose the theme.
    SetTheme(Theme),
    /// The browser went on or off line.
    Online(bool),
    /// Tell the user about a problem that is not a run's (a file that could not be read, a
    /// damaged share link, storage that refused).
    Notify(String),
    /// Forget the last problem message.
    DismissProblem,
    /// Show another session: its id, title and files (the run and its output are cleared).
    OpenSession {
        /// The session's id.
        id: String,
        /// Its title.
        title: String,
        /// Its files.
        snapshot: Snapshot,
    },
    /// The open session was renamed (here or in another tab).
    Retitle(String),
    /// Where the sessions are kept, in words, when it is not this device's storage
    /// (`None`: saved on this device).
    StorageNote(Option<String>),
}

/// The whole app state.
#[derive(Debug, Clone, PartialEq)]
pub struct App {
    /// The files.
    pub workspace: Workspace,
    /// The file in the editor.
    pub open: Option<String>,
    /// Bumped whenever the editor must take its text from the state (another file opened, the
    /// workspace replaced) rather than the other way round.
    pub doc_version: u64,
    /// The run in progress or the last one.
    pub phase: Phase,
    /// The language of that run.
    pub run_language: Option<Language>,
    /// The file that run started from.
    pub run_file: Option<String>,
    /// Languages whose runtime is up, and their runner.
    pub runners: BTreeMap<Language, String>,
    /// Output so far, in arrival order.
    pub output: Vec<Chunk>,
    /// How the last run ended.
    pub outcome: Option<Outcome>,
    /// The analyzer's findings for [`App::diagnostics_for`].
    pub diagnostics: Vec<Diagnostic>,
    /// Which file (and text) those findings are for.
    pub diagnostics_for: Option<(String, String)>,
    /// The last thing that went wrong with a file operation, in words.
    pub problem: Option<String>,
    /// Panels.
    pub layout: Layout,
    /// Theme.
    pub theme: Theme,
    /// Whether the browser says it is on line.
    pub online: bool,
    /// The open session's id (`None` until the store has answered).
    pub session_id: Option<String>,
    /// The open session's title.
    pub session_title: String,
    /// Set when the sessions are not saved on this device (IndexedDB refused), saying so.
    pub storage_note: Option<String>,
}

impl Default for App {
    fn default() -> Self {
        App::from_template(templates::DEFAULT)
    }
}

/// A workspace's files and which one is open: what persists and what a share link carries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    /// Path and content of every file.
    pub files: Vec<SavedFile>,
    /// The open file.
    pub open: Option<String>,
}

/// One file of a [`Snapshot`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    /// Its path in the workspace.
    pub path: String,
    /// Its content (`{"text": …}` or `{"base64": …}`).
    pub content: Content,
}

/// What persists across reloads: the files plus the layout and theme.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Saved {
    /// Format version (1).
    pub version: u32,
    /// The workspace.
    pub workspace: Snapshot,
    /// Panels.
    pub layout: Layout,
    /// Theme.
    pub theme: Theme,
}

/// A program ready for `Kiln.run`: the open file plus the workspace's other files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest {
    /// Its language.
    pub language: Language,
    /// The entry file's path.
    pub file_name: String,
    /// The entry file's content.
    pub code: Content,
    /// Every other file, so imports between workspace files work.
    pub files: Vec<(String, Content)>,
}

/// One piece of a line of output: plain text, or a reference to a line of the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text as written.
    Text(String),
    /// A line number the program's output points at (the text shows as a link).
    Line {
        /// What is shown.
        text: String,
        /// The 1-based line.
        line: u32,
    },
}

impl App {
    /// A fresh app holding a template's files (an unknown id gives an empty `main.py`).
    #[must_use]
    pub fn from_template(id: &str) -> App {
        let mut app = App {
            workspace: Workspace::new(),
            open: None,
            doc_version: 0,
            phase: Phase::Idle,
            run_language: None,
            run_file: None,
            runners: BTreeMap::new(),
            output: Vec::new(),
            outcome: None,
            diagnostics: Vec::new(),
            diagnostics_for: None,
            problem: None,
            layout: Layout::default(),
            theme: Theme::System,
            online: true,
            session_id: None,
            session_title: String::new(),
            storage_note: None,
        };
        app.use_template(id);
        app
    }

    /// The app as it was saved (an unusable snapshot falls back to the default template, and
    /// [`App::problem`] says so).
    #[must_use]
    pub fn from_saved(saved: Saved) -> App {
        let mut app = App::from_template(templates::DEFAULT);
        app.layout = saved.layout;
        app.theme = saved.theme;
        if !saved.workspace.files.is_empty()
            && let Err(err) = app.load(saved.workspace)
        {
            app.problem = Some(format!(
                "The saved workspace could not be restored ({err}); a new one was started."
            ));
        }
        app
    }

    /// What to persist.
    #[must_use]
    pub fn to_saved(&self) -> Saved {
        Saved {
            version: 1,
            workspace: self.snapshot(),
            layout: self.layout,
            theme: self.theme,
        }
    }

    /// The files and the open one.
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            files: self
                .workspace
                .to_files()
                .into_iter()
                .map(|(path, content)| SavedFile {
                    path: path.as_str().to_owned(),
                    content,
                })
                .collect(),
            open: self.open.clone(),
        }
    }

    /// Paths of every file, in order.
    #[must_use]
    pub fn paths(&self) -> Vec<String> {
        self.workspace
            .files()
            .map(|(p, _)| p.as_str().to_owned())
            .collect()
    }

    /// The open file's text (`None` when nothing is open or it is binary).
    #[must_use]
    pub fn open_text(&self) -> Option<&str> {
        let path = self.open.as_deref()?;
        self.workspace.read_text(path).ok()
    }

    /// The open file's language.
    #[must_use]
    pub fn open_language(&self) -> Option<Language> {
        self.open.as_deref().and_then(Language::of_path)
    }

    /// Whether a run is loading or running.
    #[must_use]
    pub fn busy(&self) -> bool {
        matches!(self.phase, Phase::Loading { .. } | Phase::Running { .. })
    }

    /// The open file as a program, with the other files beside it.
    ///
    /// # Errors
    ///
    /// Nothing is open, or the open file is not a program Kiln runs (the message says which
    /// names are).
    pub fn run_request(&self) -> Result<RunRequest, String> {
        let path = self
            .open
            .clone()
            .ok_or("No file is open: open or create a .py, .js or .wat file to run it.")?;
        let language = Language::of_path(&path).ok_or_else(|| {
            format!(
                "`{path}` is not a program Kiln runs: name it .py (Python), .js (JavaScript) or .wat/.wasm (WebAssembly)."
            )
        })?;
        let mut code = None;
        let mut files = Vec::new();
        for (p, content) in self.workspace.to_files() {
            if p.as_str() == path {
                code = Some(content);
            } else {
                files.push((p.as_str().to_owned(), content));
            }
        }
        let code = code.ok_or_else(|| format!("`{path}` is no longer in the workspace."))?;
        Ok(RunRequest {
            language,
            file_name: path,
            code,
            files,
        })
    }

    /// The diagnostics that belong to the open file's current text.
    #[must_use]
    pub fn current_diagnostics(&self) -> &[Diagnostic] {
        match (&self.diagnostics_for, &self.open, self.open_text()) {
            (Some((path, code)), Some(open), Some(text)) if path == open && code == text => {
                &self.diagnostics
            }
            _ => &[],
        }
    }

    /// Applies one action. Failed file operations leave the state as it was and say why in
    /// [`App::problem`].
    pub fn apply(&mut self, action: Action) {
        if let Err(problem) = self.try_apply(action) {
            self.problem = Some(problem);
        }
    }

    fn try_apply(&mut self, action: Action) -> Result<(), String> {
        match action {
            Action::Open(path) => {
                if !self.workspace.is_file(&path) {
                    return Err(format!("`{path}` is not in the workspace."));
                }
                self.set_open(Some(path));
            }
            Action::Edit(text) => {
                let path = self
                    .open
                    .clone()
                    .ok_or("No file is open to edit: create one first.")?;
                self.workspace
                    .write(&path, text)
                    .map_err(|e| e.to_string())?;
            }
            Action::Create(path) => {
                let path = clean_name(&path)?;
                if self.workspace.is_file(&path) || self.workspace.is_dir(&path) {
                    return Err(format!(
                        "`{path}` already exists: pick another name or open it from the list."
                    ));
                }
                let starter = Language::of_path(&path).map_or("", starter_text);
                self.workspace
                    .write(&path, starter)
                    .map_err(|e| e.to_string())?;
                self.set_open(Some(path));
            }
            Action::Rename { from, to } => {
                let to = clean_name(&to)?;
                self.workspace
                    .rename(&from, &to)
                    .map_err(|e| e.to_string())?;
                if self.open.as_deref() == Some(from.as_str()) {
                    self.set_open(Some(to));
                }
            }
            Action::Delete(path) => {
                self.workspace.remove(&path).map_err(|e| e.to_string())?;
                if self.open.as_deref() == Some(path.as_str()) {
                    let next = self.paths().into_iter().next();
                    self.set_open(next);
                }
            }
            Action::Upload { path, bytes } => {
                let path = clean_name(&path)?;
                self.workspace
                    .write(&path, bytes)
                    .map_err(|e| e.to_string())?;
                self.set_open(Some(path));
            }
            Action::UseTemplate(id) => {
                if templates::find(&id).is_none() {
                    return Err(format!("There is no example called `{id}`."));
                }
                self.use_template(&id);
            }
            Action::Load(snapshot) => self.load(snapshot)?,
            Action::Loading { bytes, total } => {
                if matches!(self.phase, Phase::Loading { .. }) {
                    self.phase = Phase::Loading { bytes, total };
                }
            }
            Action::Ready { language, runner } => {
                self.runners.insert(language, runner);
            }
            Action::Started { language, at_ms } => {
                self.run_language = Some(language);
                self.run_file.clone_from(&self.open);
                self.output.clear();
                self.outcome = None;
                self.phase = if self.runners.contains_key(&language) {
                    Phase::Running { started_ms: at_ms }
                } else {
                    Phase::Loading {
                        bytes: 0,
                        total: None,
                    }
                };
            }
            Action::Output(stream, text) => {
                if let Phase::Loading { .. } = self.phase {
                    // Output means the runtime is up and the program runs.
                    self.phase = Phase::Running { started_ms: 0.0 };
                }
                match self.output.last_mut() {
                    Some(last) if last.stream == stream => last.text.push_str(&text),
                    _ => self.output.push(Chunk { stream, text }),
                }
            }
            Action::Finished(outcome) => {
                // The streamed chunks are what was seen; the outcome is the full record. Keep
                // the chunks' order, and add what did not stream (notices written at the end).
                for (stream, full) in [
                    (Stream::Stdout, &outcome.stdout),
                    (Stream::Stderr, &outcome.stderr),
                ] {
                    let seen: String = self
                        .output
                        .iter()
                        .filter(|c| c.stream == stream)
                        .map(|c| c.text.as_str())
                        .collect();
                    if let Some(rest) = full.strip_prefix(seen.as_str()) {
                        if !rest.is_empty() {
                            self.output.push(Chunk {
                                stream,
                                text: rest.to_owned(),
                            });
                        }
                    } else {
                        self.output.retain(|c| c.stream != stream);
                        self.output.push(Chunk {
                            stream,
                            text: full.clone(),
                        });
                    }
                }
                self.phase = Phase::Finished;
                self.outcome = Some(outcome);
            }
            Action::Failed(message) => self.phase = Phase::Failed(message),
            Action::Checked {
                path,
                code,
                diagnostics,
            } => {
                self.diagnostics = diagnostics;
                self.diagnostics_for = Some((path, code));
            }
            Action::Toggle(Panel::Files) => self.layout.files_open = !self.layout.files_open,
            Action::Toggle(Panel::Output) => self.layout.output_open = !self.layout.output_open,
            Action::Resize(panel, size) => {
                let clamped = size.clamp(i64::from(Layout::MIN), i64::from(Layout::MAX));
                *self.layout.size_mut(panel) = u32::try_from(clamped).unwrap_or(Layout::MIN);
            }
            Action::SetTheme(theme) => self.theme = theme,
            Action::Online(online) => self.online = online,
            Action::Notify(problem) => self.problem = Some(problem),
            Action::DismissProblem => self.problem = None,
            Action::OpenSession {
                id,
                title,
                snapshot,
            } => {
                if snapshot.files.is_empty() {
                    self.workspace = Workspace::new();
                    self.set_open(None);
                    self.clear_run();
                } else {
                    self.load(snapshot)?;
                }
                self.session_id = Some(id);
                self.session_title = title;
            }
            Action::Retitle(title) => self.session_title = title,
            Action::StorageNote(note) => self.storage_note = note,
        }
        Ok(())
    }

    fn set_open(&mut self, path: Option<String>) {
        self.open = path;
        self.doc_version += 1;
    }

    fn use_template(&mut self, id: &str) {
        let template: &Template = templates::find(id).unwrap_or(&templates::ALL[0]);
        let mut workspace = Workspace::new();
        for (path, text) in template.files {
            // Templates are ours and tested to load; a failure here would only drop a file.
            let _ = workspace.write(path, *text);
        }
        self.workspace = workspace;
        self.set_open(Some(template.open.to_owned()));
        self.clear_run();
    }

    fn load(&mut self, snapshot: Snapshot) -> Result<(), String> {
        let mut workspace = Workspace::new();
        for file in snapshot.files {
            workspace
                .write(&file.path, file.content)
                .map_err(|e| format!("`{}`: {e}", file.path))?;
        }
        if workspace.is_empty() {
            return Err("The link holds no files.".to_owned());
        }
        let open = snapshot
            .open
            .filter(|p| workspace.is_file(p))
            .or_else(|| workspace.files().next().map(|(p, _)| p.as_str().to_owned()));
        self.workspace = workspace;
        self.set_open(open);
        self.clear_run();
        Ok(())
    }

    fn clear_run(&mut self) {
        self.output.clear();
        self.outcome = None;
        self.diagnostics.clear();
        self.diagnostics_for = None;
        if !self.busy() {
            self.phase = Phase::Idle;
        }
    }

    /// The status bar's words at `now_ms` (the page's clock).
    #[must_use]
    pub fn status_text(&self, now_ms: f64) -> String {
        let title = self.run_language.map_or("the", Language::title);
        match &self.phase {
            Phase::Idle => match self.open_language() {
                Some(language) if self.runners.contains_key(&language) => {
                    format!("{} runtime ready", language.title())
                }
                Some(language) => format!(
                    "Ready: Run loads the {} runtime on first use",
                    language.title()
                ),
                None => "Ready".to_owned(),
            },
            Phase::Loading { bytes, total } => match total {
                Some(total) if *total > 0 => format!(
                    "Loading the {title} runtime… {} of {}",
                    human_size(*bytes),
                    human_size(*total)
                ),
                _ if *bytes > 0 => {
                    format!("Loading the {title} runtime… {}", human_size(*bytes))
                }
                _ => format!("Loading the {title} runtime…"),
            },
            Phase::Running { started_ms } => {
                if *started_ms > 0.0 && now_ms >= *started_ms {
                    format!("Running… {}", human_ms(now_ms - started_ms))
                } else {
                    "Running…".to_owned()
                }
            }
            Phase::Finished => self
                .outcome
                .as_ref()
                .map_or_else(|| "Finished".to_owned(), outcome_text),
            Phase::Failed(message) => message.clone(),
        }
    }

    /// The runner that runs the open file, when its runtime is up.
    #[must_use]
    pub fn runner(&self) -> Option<&str> {
        let language = self.open_language()?;
        self.runners.get(&language).map(String::as_str)
    }
}

/// "Finished in 12 ms", "Stopped by the time limit after 10 s", …
#[must_use]
pub fn outcome_text(outcome: &Outcome) -> String {
    #[allow(clippy::cast_precision_loss)] // durations are far below 2^52 ms
    let took = human_ms(outcome.duration_ms as f64);
    if outcome.stopped {
        return format!("Stopped after {took}");
    }
    match (outcome.status.as_str(), outcome.limit.as_deref()) {
        ("limit", Some(limit)) => {
            let name = match limit {
                "time" => "the time limit",
                "steps" => "the step limit",
                "memory" => "the memory limit",
                "output" => "the output limit",
                _ => "a limit",
            };
            format!("Stopped by {name} after {took}")
        }
        ("ok", _) => format!("Finished in {took}"),
        ("exit", _) => format!("Exited with code {} in {took}", outcome.exit_code),
        ("refused", _) => "Not run: see the warnings".to_owned(),
        _ => format!("Failed with an error after {took}"),
    }
}

fn human_ms(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{} ms", ms.round())
    } else if ms < 10_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

fn human_size(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // sizes are far below 2^52
    let b = bytes as f64;
    if bytes < 1024 * 1024 {
        format!("{:.0} KB", b / 1024.0)
    } else {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    }
}

/// A name typed by a person: trimmed, not empty.
fn clean_name(name: &str) -> Result<String, String> {
    let name = name.trim().trim_start_matches('/');
    if name.is_empty() {
        return Err("A file needs a name, such as `main.py`, `util.js` or `hello.wat`.".to_owned());
    }
    Ok(name.to_owned())
}

/// What a new file of a language starts with.
fn starter_text(language: Language) -> &'static str {
    match language {
        Language::Python => "print(\"hello\")\n",
        Language::Js => "console.log(\"hello\");\n",
        Language::Wasm => "(module\n  (func (export \"main\") (result i32)\n    i32.const 42))\n",
    }
}

/// Splits `text` into plain text and references to lines of `file` (the program that ran):
/// Python's `File "main.py", line 3`, JavaScript's `main.js:3`, and `line 3` in messages.
#[must_use]
pub fn line_links(text: &str, file: &str) -> Vec<Segment> {
    let name = file.rsplit('/').next().unwrap_or(file);
    let file_colon = format!("{name}:");
    let mut segments = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let found = [
            ("line ", "line "),
            (file_colon.as_str(), file_colon.as_str()),
        ]
        .iter()
        .filter_map(|(needle, _)| rest.find(needle).map(|at| (at, needle.len())))
        .filter(|(at, len)| rest[at + len..].starts_with(|c: char| c.is_ascii_digit()))
        .min();
        let Some((at, len)) = found else {
            plain.push_str(rest);
            break;
        };
        let digits_end = rest[at + len..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len(), |end| at + len + end);
        let number = &rest[at + len..digits_end];
        plain.push_str(&rest[..at + len]);
        match number.parse::<u32>() {
            Ok(line) if line > 0 => {
                if !plain.is_empty() {
                    segments.push(Segment::Text(std::mem::take(&mut plain)));
                }
                segments.push(Segment::Line {
                    text: number.to_owned(),
                    line,
                });
            }
            _ => plain.push_str(number),
        }
        rest = &rest[digits_end..];
    }
    if !plain.is_empty() {
        segments.push(Segment::Text(plain));
    }
    segments
}

/// Where the previous version kept the workspace between visits (`localStorage`, read once
/// by [`crate::web`] to move it into a session of [`crate::library`]), and a memory stand-in.
pub trait Persistence {
    /// The saved state, if any.
    ///
    /// # Errors
    ///
    /// The storage cannot be read or holds something that is not a saved app.
    fn load(&self) -> Result<Option<Saved>, String>;

    /// Saves the state, replacing what was there.
    ///
    /// # Errors
    ///
    /// The storage refused (full, or not allowed in this browsing mode).
    fn save(&mut self, saved: &Saved) -> Result<(), String>;
}

/// Saved state kept as JSON text in memory (tests; browsers without storage).
#[derive(Debug, Default)]
pub struct MemoryPersistence {
    /// The JSON last saved.
    pub text: Option<String>,
}

impl Persistence for MemoryPersistence {
    fn load(&self) -> Result<Option<Saved>, String> {
        self.text.as_deref().map(parse_saved).transpose()
    }

    fn save(&mut self, saved: &Saved) -> Result<(), String> {
        self.text = Some(to_json(saved)?);
        Ok(())
    }
}

/// A [`Saved`] from its JSON text.
///
/// # Errors
///
/// The text is not a saved app (the message names what is wrong).
pub fn parse_saved(text: &str) -> Result<Saved, String> {
    serde_json::from_str(text).map_err(|e| format!("the saved workspace is unreadable: {e}"))
}

/// A [`Saved`] as JSON text.
///
/// # Errors
///
/// Only if serde cannot write it (it always can for this type).
pub fn to_json(saved: &Saved) -> Result<String, String> {
    serde_json::to_string(saved).map_err(|e| format!("the workspace cannot be saved: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_with(files: &[(&str, &str)], open: &str) -> App {
        let mut app = App::from_template(templates::DEFAULT);
        app.apply(Action::Load(Snapshot {
            files: files
                .iter()
                .map(|(p, t)| SavedFile {
                    path: (*p).to_owned(),
                    content: Content::Text((*t).to_owned()),
                })
                .collect(),
            open: Some(open.to_owned()),
        }));
        app
    }

    #[test]
    fn language_follows_the_file_name() {
        assert_eq!(Language::of_path("a/main.py"), Some(Language::Python));
        assert_eq!(Language::of_path("x.MJS"), Some(Language::Js));
        assert_eq!(Language::of_path("hello.wat"), Some(Language::Wasm));
        assert_eq!(Language::of_path("prog.wasm"), Some(Language::Wasm));
        assert_eq!(Language::of_path("data.txt"), None);
        assert_eq!(Language::of_path("Makefile"), None);
    }

    #[test]
    fn files_are_created_renamed_and_deleted() {
        let mut app = app_with(&[("main.py", "print(1)\n")], "main.py");
        app.apply(Action::Create("util.py".into()));
        assert_eq!(app.open.as_deref(), Some("util.py"));
        assert_eq!(app.open_text(), Some("print(\"hello\")\n"));
        let version = app.doc_version;
        app.apply(Action::Rename {
            from: "util.py".into(),
            to: "helpers.py".into(),
        });
        assert_eq!(app.paths(), vec!["helpers.py", "main.py"]);
        assert_eq!(app.open.as_deref(), Some("helpers.py"));
        assert!(app.doc_version > version);
        app.apply(Action::Delete("helpers.py".into()));
        assert_eq!(app.paths(), vec!["main.py"]);
        assert_eq!(app.open.as_deref(), Some("main.py"));
        assert_eq!(app.problem, None);
    }

    #[test]
    fn a_failed_operation_explains_itself_and_changes_nothing() {
        let mut app = app_with(&[("main.py", "x = 1\n"), ("b.py", "")], "main.py");
        app.apply(Action::Create("b.py".into()));
        assert!(
            app.problem
                .as_deref()
                .unwrap_or("")
                .contains("already exists")
        );
        app.apply(Action::DismissProblem);
        app.apply(Action::Rename {
            from: "main.py".into(),
            to: "b.py".into(),
        });
        assert!(app.problem.is_some());
        assert_eq!(app.paths(), vec!["b.py", "main.py"]);
        app.apply(Action::DismissProblem);
        app.apply(Action::Create("   ".into()));
        assert!(
            app.problem
                .as_deref()
                .unwrap_or("")
                .contains("needs a name")
        );
        app.apply(Action::DismissProblem);
        app.apply(Action::Create("../escape.py".into()));
        assert!(app.problem.is_some());
        app.apply(Action::Notify("the link is damaged".into()));
        assert_eq!(app.problem.as_deref(), Some("the link is damaged"));
        assert_eq!(app.phase, Phase::Idle);
    }

    #[test]
    fn editing_changes_the_open_file_without_reloading_the_editor() {
        let mut app = app_with(&[("main.js", "")], "main.js");
        let version = app.doc_version;
        app.apply(Action::Edit("console.log(2)".into()));
        assert_eq!(app.open_text(), Some("console.log(2)"));
        assert_eq!(app.doc_version, version);
    }

    #[test]
    fn the_run_request_carries_the_other_files() {
        let app = app_with(
            &[
                ("main.py", "import util\n"),
                ("util.py", "x = 1\n"),
                ("data.txt", "hi"),
            ],
            "main.py",
        );
        let request = app.run_request().unwrap();
        assert_eq!(request.language, Language::Python);
        assert_eq!(request.file_name, "main.py");
        assert_eq!(request.code, Content::Text("import util\n".into()));
        let others: Vec<&str> = request.files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(others, vec!["data.txt", "util.py"]);

        let app = app_with(&[("notes.txt", "")], "notes.txt");
        let err = app.run_request().unwrap_err();
        assert!(err.contains(".py"), "{err}");
    }

    #[test]
    fn a_run_streams_then_finishes_with_what_did_not_stream() {
        let mut app = app_with(&[("main.py", "")], "main.py");
        app.apply(Action::Started {
            language: Language::Python,
            at_ms: 100.0,
        });
        assert!(matches!(app.phase, Phase::Loading { .. }));
        app.apply(Action::Loading {
            bytes: 2 * 1024 * 1024,
            total: Some(4 * 1024 * 1024),
        });
        assert_eq!(
            app.status_text(0.0),
            "Loading the Python runtime… 2.0 MB of 4.0 MB"
        );
        app.apply(Action::Output(Stream::Stdout, "a\n".into()));
        app.apply(Action::Output(Stream::Stdout, "b\n".into()));
        app.apply(Action::Output(Stream::Stderr, "oops\n".into()));
        assert_eq!(app.output.len(), 2);
        app.apply(Action::Finished(Outcome {
            status: "limit".into(),
            exit_code: 124,
            stdout: "a\nb\n".into(),
            stderr: "oops\nkiln: time limit reached\n".into(),
            duration_ms: 10_000,
            limit: Some("time".into()),
            ..Outcome::default()
        }));
        assert_eq!(app.output.len(), 3);
        assert_eq!(app.output[2].text, "kiln: time limit reached\n");
        assert_eq!(
            app.status_text(0.0),
            "Stopped by the time limit after 10.0 s"
        );
        assert!(!app.busy());
    }

    #[test]
    fn outcomes_read_as_words() {
        let ok = Outcome {
            status: "ok".into(),
            duration_ms: 12,
            ..Outcome::default()
        };
        assert_eq!(outcome_text(&ok), "Finished in 12 ms");
        let stopped = Outcome {
            status: "error".into(),
            stopped: true,
            duration_ms: 2500,
            ..Outcome::default()
        };
        assert_eq!(outcome_text(&stopped), "Stopped after 2.50 s");
        let exit = Outcome {
            status: "exit".into(),
            exit_code: 3,
            duration_ms: 1,
            ..Outcome::default()
        };
        assert_eq!(outcome_text(&exit), "Exited with code 3 in 1 ms");
    }

    #[test]
    fn running_time_ticks() {
        let mut app = app_with(&[("main.js", "")], "main.js");
        app.apply(Action::Ready {
            language: Language::Js,
            runner: "boa".into(),
        });
        assert_eq!(app.status_text(0.0), "JavaScript runtime ready");
        app.apply(Action::Started {
            language: Language::Js,
            at_ms: 1000.0,
        });
        assert_eq!(app.status_text(1250.0), "Running… 250 ms");
        assert_eq!(app.runner(), Some("boa"));
    }

    #[test]
    fn diagnostics_belong_to_the_text_they_were_made_for() {
        let mut app = app_with(&[("main.py", "x = (\n")], "main.py");
        let d = Diagnostic {
            severity: "error".into(),
            code: "syntax-error".into(),
            message: "unclosed".into(),
            line: Some(1),
            column: Some(5),
        };
        app.apply(Action::Checked {
            path: "main.py".into(),
            code: "x = (\n".into(),
            diagnostics: vec![d.clone()],
        });
        assert_eq!(app.current_diagnostics(), std::slice::from_ref(&d));
        app.apply(Action::Edit("x = ()\n".into()));
        assert!(app.current_diagnostics().is_empty());
    }

    #[test]
    fn line_references_become_links() {
        let segments = line_links(
            "  File \"main.py\", line 3, in <module>\nat main.js:12:5\nline x\n",
            "main.py",
        );
        assert_eq!(
            segments,
            vec![
                Segment::Text("  File \"main.py\", line ".into()),
                Segment::Line {
                    text: "3".into(),
                    line: 3
                },
                Segment::Text(", in <module>\nat main.js:12:5\nline x\n".into()),
            ]
        );
        let js = line_links("Error at src/main.js:12:5", "src/main.js");
        assert_eq!(
            js[1],
            Segment::Line {
                text: "12".into(),
                line: 12
            }
        );
        assert_eq!(
            line_links("no refs", "a.py"),
            vec![Segment::Text("no refs".into())]
        );
    }

    #[test]
    fn layout_sizes_are_clamped() {
        let mut app = App::default();
        app.apply(Action::Resize(Panel::Files, 5));
        assert_eq!(app.layout.files_size, Layout::MIN);
        app.apply(Action::Resize(Panel::Output, 10_000));
        assert_eq!(app.layout.output_size, Layout::MAX);
        app.apply(Action::Toggle(Panel::Files));
        assert!(!app.layout.files_open);
    }

    #[test]
    fn the_app_survives_a_round_trip_through_persistence() {
        let mut app = app_with(
            &[("main.py", "print(1)\n"), ("lib/u.py", "y=2\n")],
            "lib/u.py",
        );
        app.apply(Action::Upload {
            path: "blob.bin".into(),
            bytes: vec![0, 159, 146, 150],
        });
        app.apply(Action::SetTheme(Theme::Dark));
        let mut store = MemoryPersistence::default();
        store.save(&app.to_saved()).unwrap();
        let restored = App::from_saved(store.load().unwrap().unwrap());
        assert_eq!(restored.snapshot(), app.snapshot());
        assert_eq!(restored.theme, Theme::Dark);
        assert_eq!(restored.problem, None);

        let broken = App::from_saved(Saved {
            workspace: Snapshot {
                files: vec![SavedFile {
                    path: "../x".into(),
                    content: Content::Text(String::new()),
                }],
                open: None,
            },
            ..Saved::default()
        });
        assert!(broken.problem.is_some());
        assert!(!broken.workspace.is_empty());
        assert!(parse_saved("{not json").is_err());
    }

    #[test]
    fn opening_a_session_replaces_the_workspace_and_names_it() {
        let mut app = app_with(&[("main.py", "print(1)\n")], "main.py");
        app.apply(Action::Finished(Outcome {
            status: "ok".into(),
            stdout: "1\n".into(),
            ..Outcome::default()
        }));
        let version = app.doc_version;
        app.apply(Action::OpenSession {
            id: "s2".into(),
            title: "Second".into(),
            snapshot: Snapshot {
                files: vec![SavedFile {
                    path: "a.js".into(),
                    content: Content::Text("1\n".into()),
                }],
                open: None,
            },
        });
        assert_eq!(app.session_id.as_deref(), Some("s2"));
        assert_eq!(app.session_title, "Second");
        assert_eq!(app.paths(), vec!["a.js".to_owned()]);
        assert_eq!(app.open.as_deref(), Some("a.js"));
        assert!(app.doc_version > version);
        assert!(app.output.is_empty() && app.outcome.is_none());
        app.apply(Action::Retitle("Renamed".into()));
        assert_eq!(app.session_title, "Renamed");

        // A session whose files were all deleted opens empty.
        app.apply(Action::OpenSession {
            id: "s3".into(),
            title: "Empty".into(),
            snapshot: Snapshot::default(),
        });
        assert!(app.workspace.is_empty());
        assert_eq!(app.open, None);
        assert_eq!(app.problem, None);
    }

    #[test]
    fn templates_replace_the_workspace() {
        let mut app = App::default();
        for template in templates::ALL {
            app.apply(Action::UseTemplate(template.id.to_owned()));
            assert_eq!(app.problem, None, "{}", template.id);
            assert_eq!(app.open.as_deref(), Some(template.open), "{}", template.id);
            assert_eq!(app.paths().len(), template.files.len());
        }
        app.apply(Action::UseTemplate("nope".into()));
        assert!(app.problem.is_some());
    }
}

//! `kiln run`: one program, run on its own thread, watched by the main thread.
//!
//! The main thread owns time. At the deadline it asks the runner to stop (Python and wasm notice
//! within milliseconds); if the runner has not returned a moment later, the process reports the
//! limit with the output kept so far and exits 124 — the native counterpart of the browser host
//! terminating a worker. Memory is capped by the global allocator the same way.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use kiln_core::memory::CappedAllocator;
use kiln_core::{
    Code, Diagnostic, Language, LimitKind, Limits, Outcome, OutputSink, RunRequest, Runner, Status,
    StopSignal, Stream, SystemClock, WorkspaceFile,
};

use crate::RunArgs;

#[global_allocator]
static ALLOCATOR: CappedAllocator = CappedAllocator::new();

/// The runner thread's stack: RustPython and Boa both recurse on the native stack for every call
/// of the program, and size their recursion limits from it.
pub(crate) const RUNNER_STACK_BYTES: usize = kiln_python::RECOMMENDED_STACK_BYTES;

/// How long a runner gets to wind down after the deadline before the process stops it.
pub(crate) const GRACE: Duration = Duration::from_millis(500);

/// Workspace files loaded from the program's folder, so it can import and open its neighbours.
const MAX_WORKSPACE_FILES: usize = 500;
const MAX_WORKSPACE_BYTES: u64 = 16 * 1024 * 1024;
const SKIPPED_DIRS: &[&str] = &["node_modules", "target", "__pycache__", ".git"];

/// Forwards output to the terminal as it comes (unless `--json`) and keeps a copy, so a hard stop
/// can still report everything printed so far.
struct TerminalSink {
    json: bool,
    kept: Mutex<(String, String)>,
}

impl OutputSink for TerminalSink {
    fn write(&self, stream: Stream, chunk: &str) {
        {
            let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
            match stream {
                Stream::Stdout => kept.0.push_str(chunk),
                Stream::Stderr => kept.1.push_str(chunk),
            }
        }
        if !self.json {
            emit(stream, chunk);
        }
    }
}

fn emit(stream: Stream, chunk: &str) {
    // Unbuffered and in order: flush after every chunk.
    let _ = match stream {
        Stream::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(chunk.as_bytes()).and_then(|()| out.flush())
        }
        Stream::Stderr => std::io::stderr().lock().write_all(chunk.as_bytes()),
    };
}

/// What a hard stop (deadline passed, memory exhausted) needs to report the run.
struct Watch {
    sink: Arc<TerminalSink>,
    json: bool,
    started: OnceLock<Instant>,
}

static WATCH: OnceLock<Arc<Watch>> = OnceLock::new();

enum Event {
    Ready,
    Done(Box<Outcome>),
}

/// Runs `kiln run` and returns the process exit code.
pub(crate) fn run(args: &RunArgs) -> ExitCode {
    let request = match build_request(args) {
        Ok(request) => request,
        Err(message) => {
            eprintln!("kiln: {message}");
            return ExitCode::from(2);
        }
    };
    // Pre-flight: syntax errors and blocking rules refuse the run (exit 2) before an engine
    // starts; warnings travel with the outcome (in --json) and never touch the program's stderr.
    let crate::sandbox::Preflight { errors, advice } = crate::sandbox::preflight(&request);
    if !errors.is_empty() {
        return report(args, &request_file_name(args), &Outcome::refused(errors));
    }
    let sink = Arc::new(TerminalSink {
        json: args.json,
        kept: Mutex::new(Default::default()),
    });
    let watch = WATCH.get_or_init(|| {
        Arc::new(Watch {
            sink: sink.clone(),
            json: args.json,
            started: OnceLock::new(),
        })
    });
    let stop = StopSignal::new();
    let (events, received) = mpsc::channel();
    let memory_limit =
        usize::try_from(args.memory.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX);

    let thread_sink: Arc<dyn OutputSink> = sink.clone();
    let thread_stop = stop.clone();
    let spawned = std::thread::Builder::new()
        .name("kiln-runner".to_owned())
        .stack_size(RUNNER_STACK_BYTES)
        .spawn(move || {
            let mut runner = make_runner(request.language);
            // The cap counts the program's allocations, not the engine's own start-up.
            ALLOCATOR.set_limit(
                ALLOCATOR.used().saturating_add(memory_limit),
                on_memory_limit,
            );
            let _ = events.send(Event::Ready);
            let outcome = runner.run(&request, thread_sink, &thread_stop);
            let _ = events.send(Event::Done(Box::new(outcome)));
        });
    if let Err(err) = spawned {
        eprintln!("kiln: could not start the runner thread: {err}");
        return ExitCode::from(1);
    }

    let timeout = Duration::from_secs_f64(args.timeout);
    let mut deadline = None;
    let outcome = loop {
        let wait = deadline.map_or(Duration::from_secs(3600), |d: Instant| {
            d.saturating_duration_since(Instant::now())
        });
        match received.recv_timeout(wait) {
            Ok(Event::Ready) => {
                let now = Instant::now();
                let _ = watch.started.set(now);
                deadline = Some(now + timeout);
            }
            Ok(Event::Done(outcome)) => break *outcome,
            Err(RecvTimeoutError::Timeout) => {
                if stop.is_raised() {
                    // The runner did not come back in time: stop it the hard way.
                    hard_stop(LimitKind::Time);
                }
                stop.stop_for(LimitKind::Time);
                deadline = Some(Instant::now() + GRACE);
            }
            Err(RecvTimeoutError::Disconnected) => {
                eprintln!(
                    "kiln: the runner stopped unexpectedly (a bug in Kiln; please report it)"
                );
                return ExitCode::from(1);
            }
        }
    };
    let mut outcome = outcome;
    let mut diagnostics = advice;
    diagnostics.append(&mut outcome.diagnostics);
    outcome.diagnostics = diagnostics;
    report(args, &request_file_name(args), &outcome)
}

fn request_file_name(args: &RunArgs) -> String {
    if args.file == "-" {
        "<stdin>".to_owned()
    } else {
        args.file.clone()
    }
}

pub(crate) fn make_runner(language: Language) -> Box<dyn Runner> {
    let clock = SystemClock::shared();
    match language {
        Language::Js => Box::new(kiln_js::JsRunner::new(clock).with_stack_size(RUNNER_STACK_BYTES)),
        Language::Python => Box::new(kiln_python::PythonRunner::new(
            clock,
            Arc::new(kiln_python::EmbeddedStdlib),
        )),
        Language::Wasm => Box::new(kiln_wasm::WasmRunner::new(clock)),
    }
}

fn build_request(args: &RunArgs) -> Result<RunRequest, String> {
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(format!(
            "--timeout must be a positive number of seconds, not {}",
            args.timeout
        ));
    }
    let (bytes, display) = if args.file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|err| format!("could not read the program from stdin: {err}"))?;
        (bytes, None)
    } else {
        let bytes =
            std::fs::read(&args.file).map_err(|err| format!("cannot read {}: {err}", args.file))?;
        (
            bytes,
            Path::new(&args.file)
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_owned),
        )
    };
    let language = match (&args.lang, args.file.as_str()) {
        (Some(lang), _) => lang.parse::<Language>().map_err(|err| err.to_string())?,
        (None, "-") => {
            return Err("--lang is required when the program comes from stdin (`-`): use --lang js, python or wasm".to_owned());
        }
        (None, path) => detect(path, &bytes)?,
    };
    let stdin = match &args.stdin {
        Some(path) => {
            std::fs::read(path).map_err(|err| format!("cannot read --stdin {path}: {err}"))?
        }
        None if args.file != "-" && !std::io::stdin().is_terminal() => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|err| format!("could not read stdin: {err}"))?;
            bytes
        }
        None => Vec::new(),
    };
    let code = match language {
        Language::Wasm => Code::from(bytes),
        _ => Code::Text(String::from_utf8(bytes).map_err(|_| {
            format!(
                "{} is not UTF-8 text; {} code must be text",
                args.file,
                language.display_name()
            )
        })?),
    };
    let limits = Limits {
        wall_time_ms: Some((args.timeout * 1000.0) as u64),
        steps: args.steps.or(Limits::default().steps),
        memory_bytes: Some(args.memory.saturating_mul(1024 * 1024)),
        output_bytes: Some(args.max_output),
    };
    let mut request = RunRequest::new(language, code)
        .with_limits(limits)
        .with_stdin(stdin);
    if let Some(name) = &display {
        request = request.with_file_name(name.clone());
    }
    if let Some((export, rest)) = args.invoke.split_first() {
        if language != Language::Wasm {
            return Err("--invoke works only for WebAssembly (.wasm/.wat) programs".to_owned());
        }
        request = request.with_entry(export.clone(), rest.to_vec());
    }
    if args.file != "-" {
        let folder = Path::new(&args.file)
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let folder = if folder.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            folder
        };
        request.files = load_workspace(&folder, display.as_deref());
    }
    Ok(request)
}

/// The language of the program at `path`, as the analyzer sees it (extension, wasm magic bytes,
/// shebang, WAT, then content). A guess it is not reasonably sure of is not good enough to run.
fn detect(path: &str, bytes: &[u8]) -> Result<Language, String> {
    let analysis = kiln_analyzer::analyze(bytes, &kiln_analyzer::Hints::for_file(path));
    match analysis.language {
        Some(language) if analysis.confidence >= kiln_analyzer::Confidence::Medium => Ok(language),
        _ => {
            let why = if analysis.reasons.is_empty() {
                String::new()
            } else {
                format!(" ({})", analysis.reasons.join("; "))
            };
            Err(format!(
                "cannot tell which language {path} is{why}: name it .js, .mjs, .py, .wasm or .wat, or pass --lang js|python|wasm"
            ))
        }
    }
}

/// The program's neighbours, as workspace files (bounded in count and size).
pub(crate) fn load_workspace(folder: &Path, main: Option<&str>) -> Vec<WorkspaceFile> {
    let mut files = Vec::new();
    let mut total = 0u64;
    let mut pending = vec![(folder.to_path_buf(), String::new(), 0)];
    while let Some((dir, prefix, depth)) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let relative = format!("{prefix}{name}");
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if depth < 4 && !SKIPPED_DIRS.contains(&name.as_str()) {
                    pending.push((entry.path(), format!("{relative}/"), depth + 1));
                }
                continue;
            }
            if !kind.is_file() || (depth == 0 && Some(name.as_str()) == main) {
                continue;
            }
            let size = entry.metadata().map_or(u64::MAX, |m| m.len());
            if files.len() >= MAX_WORKSPACE_FILES
                || total.saturating_add(size) > MAX_WORKSPACE_BYTES
            {
                return files;
            }
            if let Ok(contents) = std::fs::read(entry.path()) {
                total += size;
                files.push(WorkspaceFile::new(relative, contents));
            }
        }
    }
    files
}

fn report(args: &RunArgs, file: &str, outcome: &Outcome) -> ExitCode {
    let mut stderr = outcome.stderr.clone();
    if outcome.status == Status::Refused {
        stderr = outcome
            .diagnostics
            .iter()
            .map(|d| format!("{}\n", located(file, d)))
            .collect();
        if !args.json {
            emit(Stream::Stderr, &stderr);
        }
    }
    if args.json {
        print_json(
            outcome.status,
            outcome.exit_code,
            &outcome.stdout,
            &stderr,
            outcome.duration_ms,
            outcome.limit,
            &outcome.diagnostics,
        );
    }
    exit_code(outcome.exit_code)
}

/// `file:line:column: error[code]: message`, the form editors and terminals link to.
fn located(file: &str, diagnostic: &Diagnostic) -> String {
    match (diagnostic.line, diagnostic.column) {
        (Some(line), Some(column)) => format!(
            "{file}:{line}:{column}: {}[{}]: {}",
            diagnostic.severity, diagnostic.code, diagnostic.message
        ),
        _ => format!(
            "{file}: {}[{}]: {}",
            diagnostic.severity, diagnostic.code, diagnostic.message
        ),
    }
}

fn exit_code(code: i32) -> ExitCode {
    // Like a shell: the status is the low byte of the code the program asked for.
    ExitCode::from((code & 0xff) as u8)
}

fn print_json(
    status: Status,
    exit_code: i32,
    stdout: &str,
    stderr: &str,
    duration_ms: u64,
    limit: Option<LimitKind>,
    diagnostics: &[Diagnostic],
) {
    let value = serde_json::json!({
        "status": status,
        "exit_code": exit_code,
        "stdout": stdout,
        "stderr": stderr,
        "duration_ms": duration_ms,
        "limit": limit,
        "diagnostics": diagnostics,
    });
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}

/// Reports a limit the runner could not stop at cooperatively, then ends the process (124).
fn hard_stop(limit: LimitKind) -> ! {
    let notice = format!("kiln: {}\n", limit.explain());
    match WATCH.get() {
        Some(watch) if watch.json => {
            let (stdout, mut stderr) = watch
                .sink
                .kept
                .try_lock()
                .map(|kept| kept.clone())
                .unwrap_or_default();
            stderr.push_str(&notice);
            let duration_ms = watch.started.get().map_or(0, |s| {
                u64::try_from(s.elapsed().as_millis()).unwrap_or(u64::MAX)
            });
            print_json(
                Status::Limit,
                124,
                &stdout,
                &stderr,
                duration_ms,
                Some(limit),
                &[],
            );
        }
        _ => emit(Stream::Stderr, &notice),
    }
    std::process::exit(124)
}

/// Called by the allocator when the program would pass the memory limit.
fn on_memory_limit(_requested: usize) {
    hard_stop(LimitKind::Memory)
}

//! Running a program in-process for `kiln ask`'s `run` tool: the same pre-flight and runners as
//! `kiln run`, but the process must survive the program, so a runaway is stopped cooperatively
//! and, if it does not come back, abandoned on its thread (reported as the time limit).

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use kiln_analyzer::{Hints, analyze};
use kiln_core::{
    Diagnostic, LimitKind, Outcome, OutputSink, RunRequest, Severity, Status, StopSignal, Stream,
};

use crate::run::{GRACE, RUNNER_STACK_BYTES, make_runner};

/// The analyzer's verdict on a request: the errors that refuse it, and the advice that travels
/// with the outcome.
pub(crate) struct Preflight {
    /// Errors (syntax, blocking rules, missing wasm imports): the run is refused.
    pub(crate) errors: Vec<Diagnostic>,
    /// Warnings and notes.
    pub(crate) advice: Vec<Diagnostic>,
}

/// Analyses `request` as `kiln run` and `kiln check` do.
pub(crate) fn preflight(request: &RunRequest) -> Preflight {
    let hints = Hints {
        language: Some(request.language),
        file_name: request.file_name.clone(),
        workspace_files: request.files.iter().map(|f| f.path.clone()).collect(),
    };
    let (errors, advice) = analyze(request.code.as_bytes(), &hints)
        .diagnostics
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    Preflight { errors, advice }
}

/// Keeps everything written, so a run abandoned at the deadline still reports its output.
#[derive(Default)]
struct Kept(Mutex<(String, String)>);

impl OutputSink for Kept {
    fn write(&self, stream: Stream, chunk: &str) {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match stream {
            Stream::Stdout => kept.0.push_str(chunk),
            Stream::Stderr => kept.1.push_str(chunk),
        }
    }
}

/// Pre-flights and runs `request` on a fresh runner thread within its time limit.
pub(crate) fn run_to_outcome(request: RunRequest) -> Outcome {
    let Preflight { errors, advice } = preflight(&request);
    if !errors.is_empty() {
        return Outcome::refused(errors);
    }
    let timeout = Duration::from_millis(request.limits.wall_time_ms.unwrap_or(10_000));
    let kept = Arc::new(Kept::default());
    let sink: Arc<dyn OutputSink> = kept.clone();
    let stop = StopSignal::new();
    let thread_stop = stop.clone();
    let (done, received) = mpsc::channel();
    let started = Instant::now();
    let spawned = std::thread::Builder::new()
        .name("kiln-ask-runner".to_owned())
        .stack_size(RUNNER_STACK_BYTES)
        .spawn(move || {
            let mut runner = make_runner(request.language);
            let _ = done.send(runner.run(&request, sink, &thread_stop));
        });
    if let Err(err) = spawned {
        return Outcome::refused(vec![Diagnostic::error(
            "internal-error",
            format!("could not start a runner thread: {err}"),
        )]);
    }
    let mut outcome = match received.recv_timeout(timeout) {
        Ok(outcome) => outcome,
        Err(RecvTimeoutError::Timeout) => {
            stop.stop_for(LimitKind::Time);
            match received.recv_timeout(GRACE) {
                Ok(outcome) => outcome,
                // The program ignores the stop: leave its thread behind and report the limit.
                Err(_) => abandoned(&kept, started),
            }
        }
        Err(RecvTimeoutError::Disconnected) => Outcome::refused(vec![Diagnostic::error(
            "internal-error",
            "the runner stopped unexpectedly (a bug in Kiln; please report it)",
        )]),
    };
    let mut diagnostics = advice;
    diagnostics.append(&mut outcome.diagnostics);
    outcome.diagnostics = diagnostics;
    outcome
}

fn abandoned(kept: &Kept, started: Instant) -> Outcome {
    let (stdout, mut stderr) = kept
        .0
        .lock()
        .map(|k| k.clone())
        .unwrap_or_else(|e| e.into_inner().clone());
    stderr.push_str(LimitKind::Time.explain());
    stderr.push('\n');
    Outcome {
        status: Status::Limit,
        exit_code: 124,
        stdout,
        stderr,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        limit: Some(LimitKind::Time),
        diagnostics: Vec::new(),
        files_written: Vec::new(),
    }
}

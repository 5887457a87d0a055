//! Runs a JavaScript file with Kiln's JS runner and prints what it printed, for comparing with
//! Node: `cargo run -p kiln-js --example run_js -- main.js [imported files…]`.

use std::sync::Arc;

use kiln_core::{Language, RunRequest, Runner, StopSignal, SystemClock};
use kiln_js::JsRunner;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: run_js FILE.js");
        std::process::exit(2);
    };
    let code = match std::fs::read_to_string(&path) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{path}: {err}");
            std::process::exit(2);
        }
    };
    let name = std::path::Path::new(&path)
        .file_name()
        .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
    let mut request = RunRequest::new(Language::Js, code).with_file_name(name);
    // Further arguments are workspace files the program may import.
    for extra in std::env::args().skip(2) {
        match std::fs::read(&extra) {
            Ok(contents) => request = request.with_file(extra, contents),
            Err(err) => eprintln!("{extra}: {err}"),
        }
    }
    // KILN_STEPS / KILN_OUTPUT_BYTES / KILN_TIMEOUT_MS override the default limits.
    let number = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    if let Some(steps) = number("KILN_STEPS") {
        request.limits.steps = Some(steps);
    }
    if let Some(bytes) = number("KILN_OUTPUT_BYTES") {
        request.limits.output_bytes = Some(bytes);
    }
    let stop = StopSignal::new();
    let timeout = number("KILN_TIMEOUT_MS").or(request.limits.wall_time_ms);
    if let Some(ms) = timeout {
        let stop = stop.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(ms));
            stop.stop_for(kiln_core::LimitKind::Time);
        });
    }
    let outcome = JsRunner::new(SystemClock::shared()).run(&request, Arc::new(()), &stop);
    print!("{}", outcome.stdout);
    eprint!("{}", outcome.stderr);
    if std::env::var_os("KILN_OUTCOME").is_some() {
        eprintln!(
            "status={} exit={} limit={:?} ms={} diagnostics={:?}",
            outcome.status,
            outcome.exit_code,
            outcome.limit,
            outcome.duration_ms,
            outcome.diagnostics
        );
    }
    std::process::exit(outcome.exit_code);
}

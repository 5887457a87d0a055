//! Processor time per analysis of each 1,000-line program, from `getrusage`-style process
//! times rather than wall time, so the figure holds on a busy machine (where the criterion
//! benchmark's wall-clock times are inflated by other processes).
//!
//! `cargo run --release --ignore-rust-version -p kiln-analyzer --example cpu_time`

use std::hint::black_box;

use kiln_analyzer::{Hints, analyze};
use kiln_core::Language;

#[path = "../benches/support/corpus.rs"]
mod corpus;

/// This process's user + system time in seconds, from `/proc/self/stat` (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // The kernel's clock tick is 100 Hz on every mainstream Linux configuration.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    const RUNS: u32 = 300;
    for language in Language::ALL {
        let source = corpus::thousand_lines(language);
        let hints = Hints::for_language(language).with_workspace(["helper.js"]);
        let _ = analyze(source.as_bytes(), &hints); // warm-up: lazily built tables
        let start = cpu_seconds();
        for _ in 0..RUNS {
            black_box(analyze(black_box(source.as_bytes()), &hints));
        }
        let per_run = (cpu_seconds() - start) / f64::from(RUNS) * 1000.0;
        println!(
            "{:<7} {per_run:.2} ms of processor time per 1,000 lines",
            language.name()
        );
    }
}

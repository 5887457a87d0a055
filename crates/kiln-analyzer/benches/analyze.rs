//! Analysis time per 1,000 lines of each language (DESIGN.md §5 target: ≤ 5 ms, native).
//!
//! `cargo bench -p kiln-analyzer --ignore-rust-version`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kiln_analyzer::{Hints, analyze};
use kiln_core::Language;

#[path = "support/corpus.rs"]
mod corpus;
use corpus::thousand_lines;

fn bench(c: &mut Criterion) {
    for language in Language::ALL {
        let source = thousand_lines(language);
        // The imported helper exists, as in a real project.
        let hints = Hints::for_language(language).with_workspace(["helper.js"]);
        c.bench_function(&format!("analyze 1000 lines of {}", language.name()), |b| {
            b.iter(|| analyze(black_box(source.as_bytes()), &hints));
        });
    }
}

/// The share of the Python analysis spent in RustPython's compiler (the syntax stage alone).
fn python_compiler_alone(c: &mut Criterion) {
    let source = thousand_lines(Language::Python);
    c.bench_function("rustpython compile 1000 lines (syntax stage alone)", |b| {
        b.iter(|| kiln_python::parse_check(black_box(&source), "main.py"));
    });
}

criterion_group!(benches, bench, python_compiler_alone);
criterion_main!(benches);

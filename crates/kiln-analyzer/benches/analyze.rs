//! Analysis time per 1,000 lines of each language (DESIGN.md §5 target: ≤ 5 ms, native).
//!
//! `cargo bench -p kiln-analyzer --ignore-rust-version`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kiln_analyzer::{Hints, analyze};
use kiln_core::Language;

/// A realistic 1,000-line program per language: functions, calls, loops, imports.
fn thousand_lines(language: Language) -> String {
    let unit = match language {
        Language::Python => {
            "import math\n\ndef area(r):\n    total = 0\n    for i in range(3):\n        total += math.pi * r * r\n    return total / 3\n\nprint(area(2))\n\n"
        }
        Language::Js => {
            "import { helper } from './helper.js';\n\nfunction area(r) {\n  let total = 0;\n  for (let i = 0; i < 3; i++) {\n    total += Math.PI * r * r;\n  }\n  return total / 3;\n}\nconsole.log(area(2), helper);\n"
        }
        Language::Wasm => {
            "  (func (param i32) (result i32)\n    local.get 0\n    i32.const 2\n    i32.mul\n    i32.const 1\n    i32.add\n    i32.const 3\n    i32.sub\n    i32.const 4\n    i32.mul)\n"
        }
    };
    // Whole units, to at least 1,000 lines.
    let body = unit.repeat(1000_usize.div_ceil(unit.lines().count()));
    match language {
        Language::Wasm => format!("(module\n{body})\n"),
        _ => body,
    }
}

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

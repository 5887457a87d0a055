//! The 1,000-line programs the analyzer is measured on (shared by the benchmark and the
//! `cpu_time` example).

use kiln_core::Language;

/// A realistic 1,000-line program per language: functions, calls, loops, imports.
pub(crate) fn thousand_lines(language: Language) -> String {
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

//! Stage 1: which language the code is in.

use kiln_core::{Diagnostic, Language, Severity};

use crate::{Confidence, Hints};

/// The first four bytes of every binary WebAssembly module.
pub(crate) const WASM_MAGIC: &[u8] = b"\0asm";

/// Only the start of a large input is scanned for content signals, to stay fast.
const SCAN_BYTES: usize = 64 * 1024;

/// What stage 1 decided.
pub(crate) struct Detection {
    pub(crate) language: Option<Language>,
    pub(crate) confidence: Confidence,
    pub(crate) reasons: Vec<String>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Detection {
    fn new(language: Option<Language>, confidence: Confidence, reason: String) -> Self {
        Detection {
            language,
            confidence,
            reasons: vec![reason],
            diagnostics: Vec::new(),
        }
    }

    fn unsupported(name: &str, confidence: Confidence, reason: String) -> Self {
        let mut detection = Detection::new(None, confidence, reason);
        detection.diagnostics.push(unsupported_diagnostic(name));
        detection
    }
}

fn unsupported_diagnostic(name: &str) -> Diagnostic {
    let supported: Vec<&str> = Language::ALL.iter().map(|l| l.display_name()).collect();
    Diagnostic::new(
        Severity::Info,
        "unsupported-language",
        format!(
            "this looks like {name}, which Kiln does not run; Kiln runs {}",
            supported.join(", ")
        ),
    )
}

/// Where a content signal points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Run(Language),
    Other(&'static str),
}

/// One weighted content signal, tested on each trimmed line; it counts once however often it
/// matches.
struct Signal {
    target: Target,
    weight: u32,
    what: &'static str,
    test: fn(&str) -> bool,
}

const PY: Target = Target::Run(Language::Python);
const JS: Target = Target::Run(Language::Js);
const TS: Target = Target::Other("TypeScript");
const RUBY: Target = Target::Other("Ruby");
const C: Target = Target::Other("C/C++");
const RUST: Target = Target::Other("Rust");
const GO: Target = Target::Other("Go");
const JAVA: Target = Target::Other("Java");

const BLOCK_KEYWORDS: &[&str] = &[
    "if ", "elif ", "else", "for ", "while ", "class ", "try", "except", "finally", "with ",
];

const SIGNALS: &[Signal] = &[
    // Python
    Signal {
        target: PY,
        weight: 3,
        what: "a `def name(...):` definition",
        test: |l| l.starts_with("def ") && l.contains('(') && l.ends_with(':'),
    },
    Signal {
        target: PY,
        weight: 3,
        what: "a `from x import y` line",
        test: |l| l.starts_with("from ") && l.contains(" import "),
    },
    Signal {
        target: PY,
        weight: 2,
        what: "an `import x` line without `from '...'`",
        test: |l| l.starts_with("import ") && !l.contains(['\'', '"', ';', '{']),
    },
    Signal {
        target: PY,
        weight: 2,
        what: "a block opened by `:`",
        test: |l| l.ends_with(':') && BLOCK_KEYWORDS.iter().any(|k| l.starts_with(k)),
    },
    Signal {
        target: PY,
        weight: 1,
        what: "`print(` without `;`",
        test: |l| l.starts_with("print(") && !l.ends_with(';'),
    },
    Signal {
        target: PY,
        weight: 2,
        what: "`self.`, `None`, `True`/`False` or `__name__`",
        test: |l| {
            l.contains("self.")
                || l.contains("__name__")
                || l.contains(" None")
                || l.contains("= True")
                || l.contains("= False")
        },
    },
    // JavaScript
    Signal {
        target: JS,
        weight: 2,
        what: "`const`/`let`/`var` declarations",
        test: |l| l.starts_with("const ") || l.starts_with("let ") || l.starts_with("var "),
    },
    Signal {
        target: JS,
        weight: 3,
        what: "a `function` declaration",
        test: |l| l.contains("function ") && l.contains('('),
    },
    Signal {
        target: JS,
        weight: 2,
        what: "an arrow function `=>`",
        test: |l| l.contains("=>"),
    },
    Signal {
        target: JS,
        weight: 3,
        what: "`console.log(`",
        test: |l| l.contains("console.log("),
    },
    Signal {
        target: JS,
        weight: 3,
        what: "an `import … from '…'` line",
        test: |l| l.starts_with("import ") && (l.contains(" from '") || l.contains(" from \"")),
    },
    Signal {
        target: JS,
        weight: 2,
        what: "`require(`",
        test: |l| l.contains("require("),
    },
    Signal {
        target: JS,
        weight: 1,
        what: "lines ending with `;`",
        test: |l| l.ends_with(';'),
    },
    // Languages Kiln does not run
    Signal {
        target: TS,
        weight: 4,
        what: "an `interface X {` declaration",
        test: |l| {
            (l.starts_with("interface ") || l.starts_with("export interface ")) && l.ends_with('{')
        },
    },
    Signal {
        target: TS,
        weight: 4,
        what: "type annotations like `: string`",
        test: has_type_annotation,
    },
    Signal {
        target: RUBY,
        weight: 2,
        what: "`puts`",
        test: |l| l.starts_with("puts ") || l.starts_with("puts("),
    },
    Signal {
        target: RUBY,
        weight: 2,
        what: "`def x` without a colon",
        test: |l| l.starts_with("def ") && !l.ends_with(':'),
    },
    Signal {
        target: RUBY,
        weight: 2,
        what: "a bare `end`",
        test: |l| l == "end",
    },
    Signal {
        target: C,
        weight: 5,
        what: "`#include`",
        test: |l| l.starts_with("#include"),
    },
    Signal {
        target: RUST,
        weight: 5,
        what: "`fn main()`",
        test: |l| l.starts_with("fn main()") || l.starts_with("pub fn "),
    },
    Signal {
        target: RUST,
        weight: 3,
        what: "`println!(` or `let mut`",
        test: |l| l.contains("println!(") || l.starts_with("let mut "),
    },
    Signal {
        target: GO,
        weight: 5,
        what: "`package main`",
        test: |l| l.starts_with("package ") && !l.ends_with(';'),
    },
    Signal {
        target: GO,
        weight: 3,
        what: "`func main()` or `fmt.Println`",
        test: |l| l.starts_with("func ") || l.contains("fmt.Println"),
    },
    Signal {
        target: JAVA,
        weight: 5,
        what: "`public static void main`",
        test: |l| l.contains("public static void main"),
    },
    Signal {
        target: JAVA,
        weight: 3,
        what: "`System.out.println`",
        test: |l| l.contains("System.out.println"),
    },
];

/// `name: string` (or number, boolean…) outside strings, in a declaration or parameter list.
fn has_type_annotation(line: &str) -> bool {
    let code = line.split(['\'', '"', '`']).next().unwrap_or("");
    [
        ": string",
        ": number",
        ": boolean",
        ": void",
        ": any",
        ": unknown",
    ]
    .iter()
    .any(|t| code.contains(t))
        && (code.starts_with("const ")
            || code.starts_with("let ")
            || code.contains("function ")
            || code.contains(") :")
            || code.contains("):"))
}

/// Stage 1: the language of `source`, how sure, and why.
pub(crate) fn detect(source: &[u8], hints: &Hints) -> Detection {
    let mut detection = detect_language(source, hints);
    if std::str::from_utf8(source).is_err() && detection.language != Some(Language::Wasm) {
        detection.diagnostics.push(Diagnostic::new(
            Severity::Warning,
            "invalid-utf8",
            "the code is not valid UTF-8; invalid bytes were read as U+FFFD",
        ));
    }
    detection
}

fn detect_language(source: &[u8], hints: &Hints) -> Detection {
    if let Some(language) = hints.language {
        return Detection::new(
            Some(language),
            Confidence::Certain,
            format!(
                "the language was given explicitly ({})",
                language.display_name()
            ),
        );
    }
    if let Some(detection) = hints.file_name.as_deref().and_then(by_extension) {
        return detection;
    }
    if source.starts_with(WASM_MAGIC) {
        return Detection::new(
            Some(Language::Wasm),
            Confidence::Certain,
            "the bytes start with the WebAssembly magic number `\\0asm`".to_owned(),
        );
    }
    let head = &source[..source.len().min(SCAN_BYTES)];
    let text = String::from_utf8_lossy(head);
    if let Some(detection) = by_shebang(&text) {
        return detection;
    }
    if starts_with_wat_module(&text) {
        return Detection::new(
            Some(Language::Wasm),
            Confidence::High,
            "the text starts with `(module`, WebAssembly's text format (WAT)".to_owned(),
        );
    }
    by_content(&text)
}

fn by_extension(file_name: &str) -> Option<Detection> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let (_, extension) = base.rsplit_once('.')?;
    if let Some(language) = Language::from_extension(extension) {
        return Some(Detection::new(
            Some(language),
            Confidence::High,
            format!("the file name ends in `.{extension}`"),
        ));
    }
    let other = match extension.to_ascii_lowercase().as_str() {
        "ts" | "tsx" | "mts" | "cts" => "TypeScript",
        "rb" => "Ruby",
        "c" | "h" | "cc" | "cpp" | "cxx" | "hpp" => "C/C++",
        "rs" => "Rust",
        "go" => "Go",
        "java" => "Java",
        _ => return None,
    };
    Some(Detection::unsupported(
        other,
        Confidence::High,
        format!("the file name ends in `.{extension}`, a {other} file"),
    ))
}

fn by_shebang(text: &str) -> Option<Detection> {
    let first = text.lines().next()?.strip_prefix("#!")?;
    let words: Vec<&str> = first.split_whitespace().collect();
    let program = |word: &&str| word.rsplit('/').next().unwrap_or(word).to_owned();
    let names: Vec<String> = words.iter().map(program).collect();
    let language = if names.iter().any(|n| n.starts_with("python")) {
        Language::Python
    } else if names
        .iter()
        .any(|n| matches!(n.as_str(), "node" | "nodejs" | "deno" | "bun"))
    {
        Language::Js
    } else {
        return None;
    };
    Some(Detection::new(
        Some(language),
        Confidence::High,
        format!(
            "the shebang line `#!{}` names {}",
            first.trim(),
            language.display_name()
        ),
    ))
}

/// Whether the text, after whitespace and `;;`/`(; ;)` comments, starts with `(module`.
fn starts_with_wat_module(text: &str) -> bool {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix(";;") {
            rest = after.split_once('\n').map_or("", |(_, tail)| tail);
        } else if let Some(after) = rest.strip_prefix("(;") {
            rest = after.split_once(";)").map_or("", |(_, tail)| tail);
        } else {
            break;
        }
    }
    rest.strip_prefix("(module").is_some_and(|after| {
        after.is_empty() || after.starts_with(|c: char| c.is_whitespace() || c == ')' || c == '$')
    })
}

fn by_content(text: &str) -> Detection {
    if text.trim().is_empty() {
        return Detection::new(
            None,
            Confidence::Low,
            "the code is empty, so its language cannot be told".to_owned(),
        );
    }
    let mut scores: Vec<(Target, u32, Vec<&'static str>)> = Vec::new();
    // A trailing ` # comment` (Python, Ruby, shell) must not hide a line's shape, such as the
    // colon ending Python's `def f():  # why`.
    let lines: Vec<&str> = text
        .lines()
        .map(|line| {
            line.split_once(" #")
                .or_else(|| line.split_once("\t#"))
                .map_or(line, |(code, _)| code)
                .trim()
        })
        .collect();
    for signal in SIGNALS {
        if lines.iter().copied().any(signal.test) {
            match scores.iter_mut().find(|(t, _, _)| *t == signal.target) {
                Some((_, score, whats)) => {
                    *score += signal.weight;
                    whats.push(signal.what);
                }
                None => scores.push((signal.target, signal.weight, vec![signal.what])),
            }
        }
    }
    scores.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    let supported = |t: &Target| matches!(t, Target::Run(_));
    let best_run = scores.iter().find(|(t, _, _)| supported(t));
    let best_other = scores.iter().find(|(t, _, _)| !supported(t));
    let run_score = best_run.map_or(0, |b| b.1);

    // Signals of other languages are mostly syntax errors in Python and JavaScript, so they win
    // when they are strong (TypeScript also scores as JavaScript, hence the factor of two).
    if let Some((Target::Other(name), score, whats)) = best_other
        && *score >= 3
        && score * 2 >= run_score
    {
        let confidence = if *score >= 5 {
            Confidence::High
        } else {
            Confidence::Medium
        };
        return Detection::unsupported(
            name,
            confidence,
            format!("this looks like {name}: {}", whats.join(", ")),
        );
    }
    let Some((Target::Run(language), score, whats)) = best_run else {
        return Detection::new(
            None,
            Confidence::Low,
            "no sign of Python, JavaScript or WebAssembly text; give the language or a file name"
                .to_owned(),
        );
    };
    let runner_up = scores
        .iter()
        .filter(|(t, _, _)| supported(t) && *t != Target::Run(*language))
        .map(|(_, s, _)| *s)
        .next()
        .unwrap_or(0);
    if runner_up == *score {
        return Detection::new(
            None,
            Confidence::Low,
            format!(
                "ambiguous: the code has signs of both Python and JavaScript ({})",
                whats.join(", ")
            ),
        );
    }
    let confidence = if *score >= 5 && runner_up == 0 {
        Confidence::High
    } else if *score >= 3 && *score >= 2 * runner_up {
        Confidence::Medium
    } else {
        Confidence::Low
    };
    let mut reason = format!("{} signals: {}", language.display_name(), whats.join(", "));
    if confidence == Confidence::Low {
        reason = format!("ambiguous, a guess from weak evidence; {reason}");
    }
    Detection::new(Some(*language), confidence, reason)
}

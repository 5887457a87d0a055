//! Stage 4: resources — loops that can never end and allocations that cannot fit, each naming
//! the limit that will stop it. Only the obvious cases: a warning here is certain, not a guess.

use kiln_core::{Diagnostic, Language, Severity};

use crate::rules::Token;

/// Sequences at least this long are reported (8 bytes an item is already 800 MB).
const HUGE_ITEMS: f64 = 1e8;

/// Adds the resource diagnostics for `text` in `language` to `out`.
pub(crate) fn check(language: Language, text: &str, tokens: &[Token], out: &mut Vec<Diagnostic>) {
    match language {
        Language::Python => {
            python_loops(tokens, out);
            allocations(tokens, Language::Python, out);
        }
        Language::Js => {
            js_loops(tokens, out);
            allocations(tokens, Language::Js, out);
        }
        Language::Wasm => wat_loops(text, out),
    }
}

fn endless(token: &Token, what: &str, exits: &str) -> Diagnostic {
    Diagnostic::new(
        Severity::Warning,
        "endless-loop",
        format!(
            "this loop never ends: `{what}` has no {exits} inside, so the program runs until the \
             time limit (or the step budget) stops it; add a condition or a way out"
        ),
    )
    .at(token.line, token.column)
}

fn text_at(tokens: &[Token], i: usize) -> &str {
    tokens.get(i).map_or("", |t| t.text.as_str())
}

/// `while True:` / `while 1:` whose indented body has no `break`, `return`, `raise` or exit call.
fn python_loops(tokens: &[Token], out: &mut Vec<Diagnostic>) {
    for (i, token) in tokens.iter().enumerate() {
        let condition = text_at(tokens, i + 1);
        if token.text != "while"
            || !matches!(condition, "True" | "1")
            || text_at(tokens, i + 2) != ":"
        {
            continue;
        }
        // The header's first token column sets the block's indentation.
        let indent = tokens[..=i]
            .iter()
            .rev()
            .take_while(|t| t.line == token.line)
            .last()
            .map_or(1, |t| t.column);
        let mut body = tokens[i + 3..].iter().peekable();
        let mut line = token.line;
        let mut escapes = false;
        let mut saw_body = false;
        while let Some(t) = body.next() {
            if t.line != line {
                line = t.line;
                if t.column <= indent {
                    break;
                }
            }
            saw_body = true;
            let called = body.peek().is_some_and(|n| n.text == "(");
            if matches!(t.text.as_str(), "break" | "return" | "raise" | "yield")
                || (called && matches!(t.text.as_str(), "exit" | "quit" | "_exit"))
            {
                escapes = true;
                break;
            }
        }
        if saw_body && !escapes {
            out.push(endless(token, "while True:", "break, return or raise"));
        }
    }
}

/// `while (true) {…}` / `for (;;) {…}` with no `break`, `return` or `throw` in the body.
fn js_loops(tokens: &[Token], out: &mut Vec<Diagnostic>) {
    for (i, token) in tokens.iter().enumerate() {
        let header: Vec<&str> = (i + 1..i + 5).map(|k| text_at(tokens, k)).collect();
        let (what, body_start) = match (token.text.as_str(), header.as_slice()) {
            ("while", ["(", "true" | "1", ")", ..]) => ("while (true)", i + 4),
            ("for", ["(", ";", ";", ")"]) => ("for (;;)", i + 5),
            _ => continue,
        };
        let mut depth = 0usize;
        let mut escapes = false;
        for t in &tokens[body_start.min(tokens.len())..] {
            match t.text.as_str() {
                "{" => depth += 1,
                "}" => depth = depth.saturating_sub(1),
                "break" | "return" | "throw" | "await" | "yield" => {
                    escapes = true;
                    break;
                }
                ";" if depth == 0 => break,
                _ => {}
            }
            if depth == 0 && t.text == "}" {
                break;
            }
        }
        if !escapes {
            out.push(endless(token, what, "break, return or throw"));
        }
    }
}

/// `(loop br 0)` and `(loop $l br $l)`: a loop whose only instruction jumps back to its start.
fn wat_loops(text: &str, out: &mut Vec<Diagnostic>) {
    let mut search = 0;
    while let Some(found) = text[search..].find("(loop") {
        let start = search + found;
        search = start + "(loop".len();
        let mut depth = 1usize;
        let mut end = None;
        for (k, c) in text[search..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(search + k);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else { continue };
        let words: Vec<&str> = text[search..end]
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .filter(|w| !w.is_empty())
            .collect();
        let jumps_back = match words.as_slice() {
            ["br", "0"] => true,
            [label, "br", target] => label.starts_with('$') && label == target,
            _ => false,
        };
        if jumps_back {
            let before = &text[..start];
            let line = u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX);
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let column = u32::try_from(column).unwrap_or(u32::MAX);
            let token = Token {
                text: String::new(),
                line,
                column,
                value: None,
            };
            out.push(endless(
                &token,
                "(loop br 0)",
                "exit (its only instruction jumps back)",
            ));
        }
    }
}

/// A numeric constant at `tokens[i..]`: `N`, `A ** B` or `1e9`; returns it and the tokens used.
fn constant(tokens: &[Token], i: usize) -> Option<(f64, usize)> {
    let number = |text: &str| text.replace('_', "").parse::<f64>().ok();
    let base = number(text_at(tokens, i))?;
    if text_at(tokens, i + 1) == "*" && text_at(tokens, i + 2) == "*" {
        let exponent = number(text_at(tokens, i + 3))?;
        return Some((base.powf(exponent), 4));
    }
    Some((base, 1))
}

/// `[0] * 10**10`, `'a' * 2**40`, `new Array(1e9)`, `'x'.repeat(2 ** 40)`.
fn allocations(tokens: &[Token], language: Language, out: &mut Vec<Diagnostic>) {
    for (i, token) in tokens.iter().enumerate() {
        let size = match (language, token.text.as_str()) {
            (Language::Python, "*")
                if matches!(text_at(tokens, i.wrapping_sub(1)), "]" | "\"")
                    && text_at(tokens, i + 1) != "*" =>
            {
                constant(tokens, i + 1).map(|(n, _)| n)
            }
            (Language::Js, "Array")
                if text_at(tokens, i.wrapping_sub(1)) == "new" && text_at(tokens, i + 1) == "(" =>
            {
                constant(tokens, i + 2)
                    .filter(|(_, used)| text_at(tokens, i + 2 + used) == ")")
                    .map(|(n, _)| n)
            }
            (Language::Js, "repeat")
                if text_at(tokens, i.wrapping_sub(1)) == "." && text_at(tokens, i + 1) == "(" =>
            {
                constant(tokens, i + 2).map(|(n, _)| n)
            }
            _ => None,
        };
        let Some(size) = size.filter(|n| *n >= HUGE_ITEMS) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                Severity::Warning,
                "memory-bomb",
                format!(
                    "this builds something with {} items, far more than the memory limit allows \
                     (512 MiB by default); the run will stop at the memory limit",
                    format_count(size)
                ),
            )
            .at(token.line, token.column),
        );
    }
}

fn format_count(n: f64) -> String {
    if n >= 1e15 || !n.is_finite() {
        return format!("{n:.1e}");
    }
    // Whole numbers below 1e15 convert exactly enough to print with separators.
    let digits = format!("{n:.0}");
    let mut grouped = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

//! Syntax errors as diagnostics, and where uncaught errors were thrown.

use boa_engine::Source;
use boa_engine::ast::scope::Scope;
use boa_engine::interner::Interner;
use boa_engine::parser::lexer::Error as LexError;
use boa_engine::parser::{Error as ParseError, Parser};
use kiln_core::Diagnostic;

/// A place in a source file, 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Position {
    /// The function running there (`<main>` for top-level code).
    pub(crate) function: String,
    pub(crate) file: String,
    pub(crate) line: u32,
    pub(crate) column: u32,
}

/// Syntax errors Boa's parser finds in `source`, as diagnostics with line and column.
pub(crate) fn parse_diagnostics(source: &str, module: bool) -> Vec<Diagnostic> {
    let mut interner = Interner::default();
    let scope = Scope::new_global();
    let mut parser = Parser::new(Source::from_bytes(source.as_bytes()));
    let result = if module {
        parser.parse_module(&scope, &mut interner).map(|_| ())
    } else {
        parser.parse_script(&scope, &mut interner).map(|_| ())
    };
    match result {
        Ok(()) => Vec::new(),
        Err(err) => vec![syntax_diagnostic(&err, source)],
    }
}

/// One parse error as a `syntax-error` diagnostic; the position moves from the message (where
/// Boa puts it as `at line L, col C`) into the diagnostic's fields.
pub(crate) fn syntax_diagnostic(err: &ParseError, source: &str) -> Diagnostic {
    let position = match err {
        ParseError::Expected { span, .. } | ParseError::Unexpected { span, .. } => {
            Some((span.start().line_number(), span.start().column_number()))
        }
        ParseError::General { position, .. }
        | ParseError::Lex {
            err: LexError::Syntax(_, position),
        } => Some((position.line_number(), position.column_number())),
        ParseError::AbruptEnd => Some(end_of(source)),
        _ => None,
    };
    let message = match err {
        ParseError::AbruptEnd => "unexpected end of input".to_owned(),
        err => strip_position(&err.to_string()),
    };
    // Boa reports unterminated string and template literals without a position.
    let position = position.or_else(|| {
        message
            .starts_with("unterminated")
            .then(|| unterminated_literal(source))
            .flatten()
    });
    let diagnostic = Diagnostic::error("syntax-error", message);
    match position {
        Some((line, column)) => diagnostic.at(line, column),
        None => diagnostic,
    }
}

/// Where the first string or template literal that never closes starts, skipping comments.
/// Regular-expression literals are not recognised (a quote inside one may mislead this).
fn unterminated_literal(source: &str) -> Option<(u32, u32)> {
    let chars: Vec<char> = source.chars().collect();
    let (mut line, mut column) = (1u32, 1u32);
    let mut i = 0;
    let mut literal_start = None;
    let mut quote = None::<char>;
    let mut comment = None::<bool>; // Some(true) = block comment, Some(false) = line comment
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match (quote, comment) {
            (Some(q), _) => {
                if c == '\\' {
                    i += 1;
                    column += 1;
                } else if c == q {
                    quote = None;
                } else if c == '\n' && q != '`' {
                    return literal_start;
                }
            }
            (None, Some(true)) => {
                if c == '*' && next == Some('/') {
                    comment = None;
                    i += 1;
                    column += 1;
                }
            }
            (None, Some(false)) => {
                if c == '\n' {
                    comment = None;
                }
            }
            (None, None) => match (c, next) {
                ('/', Some('/')) => comment = Some(false),
                ('/', Some('*')) => comment = Some(true),
                ('\'' | '"' | '`', _) => {
                    quote = Some(c);
                    literal_start = Some((line, column));
                }
                _ => {}
            },
        }
        if chars.get(i) == Some(&'\n') {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
        i += 1;
    }
    if quote.is_some() { literal_start } else { None }
}

/// The 1-based line and column just past the end of `source`.
fn end_of(source: &str) -> (u32, u32) {
    let line = source.split('\n').count();
    let last = source.rsplit('\n').next().unwrap_or("");
    let column = last.chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// `message at line 3, col 7` → `message`.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) if message[index..].contains(", col ") => message[..index].to_owned(),
        _ => message.to_owned(),
    }
}

/// Source positions in the backtrace Boa appends to an error's text (`    at f (main.js:3:7)`),
/// innermost first. Boa exposes no structured backtrace in its public API, so we read the
/// text it prints; frames of native functions (`(native)`) carry no position and are skipped.
pub(crate) fn backtrace_positions(text: &str) -> Vec<Position> {
    text.lines()
        .filter_map(|line| line.strip_prefix("    at "))
        .filter_map(|frame| {
            let inner = frame.strip_suffix(')')?;
            let open = inner.rfind('(')?;
            let function = inner[..open].trim_end().to_owned();
            let mut parts = inner[open + 1..].rsplitn(3, ':');
            let column = parts.next()?.parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            let file = parts.next()?.to_owned();
            Some(Position {
                function,
                file,
                line,
                column,
            })
        })
        .collect()
}

/// Boa places a `ReferenceError` for an undeclared name at the last position it recorded, often
/// the end of the previous statement (or nowhere). Moves `at` to the first use of the name at or
/// after that point: `name` as a whole word, not after a `.`.
pub(crate) fn locate_undeclared_name(
    message: &str,
    source: &str,
    at: (u32, u32),
) -> Option<(u32, u32)> {
    let name = message.strip_suffix(" is not defined")?;
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    if name.is_empty() || !name.chars().all(is_ident) {
        return None;
    }
    let (from_line, from_column) = at;
    for (index, line) in source
        .lines()
        .enumerate()
        .skip(from_line.saturating_sub(1) as usize)
        .take(500)
    {
        let chars: Vec<char> = line.chars().collect();
        let name: Vec<char> = name.chars().collect();
        let start = if index + 1 == from_line as usize {
            from_column.saturating_sub(1) as usize
        } else {
            0
        };
        let mut column = start;
        while column + name.len() <= chars.len() {
            let before = column.checked_sub(1).map(|i| chars[i]);
            let after = chars.get(column + name.len()).copied();
            if chars[column..column + name.len()] == name[..]
                && !before.is_some_and(|c| is_ident(c) || c == '.')
                && !after.is_some_and(is_ident)
            {
                let line = u32::try_from(index + 1).ok()?;
                let column = u32::try_from(column + 1).ok()?;
                return Some((line, column));
            }
            column += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_positions_from_a_backtrace() {
        let text = "TypeError: x is not a function\n    at parse (native)\n    at f (main.js:3:7)\n    at <main> (main.js:5:1)";
        let positions = backtrace_positions(text);
        assert_eq!(
            positions,
            [
                Position {
                    function: "f".into(),
                    file: "main.js".into(),
                    line: 3,
                    column: 7
                },
                Position {
                    function: "<main>".into(),
                    file: "main.js".into(),
                    line: 5,
                    column: 1
                },
            ]
        );
    }

    #[test]
    fn finds_the_undeclared_name() {
        let source = "let a = 1;\nconsole.log(a);\nfoo();\n";
        assert_eq!(
            locate_undeclared_name("foo is not defined", source, (2, 12)),
            Some((3, 1))
        );
        let source = "function f() {\n  return o.b + b;\n}";
        assert_eq!(
            locate_undeclared_name("b is not defined", source, (1, 14)),
            Some((2, 16))
        );
        assert_eq!(
            locate_undeclared_name("x is not a function", source, (1, 1)),
            None
        );
    }

    #[test]
    fn finds_unterminated_literals() {
        assert_eq!(
            unterminated_literal("let a = 'ok';\nlet s = 'open;\n"),
            Some((2, 9))
        );
        assert_eq!(
            unterminated_literal("// it's\nconst t = `multi\nline"),
            Some((2, 11))
        );
        assert_eq!(unterminated_literal("'fine' + \"also\""), None);
    }

    #[test]
    fn strips_the_position_from_messages() {
        assert_eq!(
            strip_position("expected token ';', got 'x' at line 1, col 5"),
            "expected token ';', got 'x'"
        );
        assert_eq!(strip_position("abrupt end"), "abrupt end");
    }
}

//! Stage 3: environment and risk rules — what the program reaches for that the sandbox does not
//! give it, said before it runs.
//!
//! Rules look at identifiers and imports outside strings and comments (a small scanner per
//! language; the syntax stage has already said whether the code parses). They are advice: the
//! runners are the security boundary.

use std::collections::HashMap;

use kiln_core::{Diagnostic, Language, Severity};

/// What an embedding wants done when a rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Mention it (`info`).
    Info,
    /// Warn; the program still runs (`warning`).
    Warn,
    /// Refuse to run the program (`error`).
    Block,
}

impl Action {
    fn severity(self) -> Severity {
        match self {
            Action::Info => Severity::Info,
            Action::Warn => Severity::Warning,
            Action::Block => Severity::Error,
        }
    }
}

/// Per-embedding choices: a docs author may block `js-network`, or silence `js-eval`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleConfig {
    overrides: HashMap<String, Option<Action>>,
}

impl RuleConfig {
    /// The default action of every rule.
    #[must_use]
    pub fn new() -> Self {
        RuleConfig::default()
    }

    /// Uses `action` for the rule `code`.
    #[must_use]
    pub fn with(mut self, code: &str, action: Action) -> Self {
        self.overrides.insert(code.to_owned(), Some(action));
        self
    }

    /// Turns the rule `code` off.
    #[must_use]
    pub fn without(mut self, code: &str) -> Self {
        self.overrides.insert(code.to_owned(), None);
        self
    }

    fn action(&self, rule: &Rule) -> Option<Action> {
        self.overrides
            .get(rule.code)
            .copied()
            .unwrap_or(Some(rule.action))
    }
}

/// One named rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable code, documented in `docs/diagnostics.md`.
    pub code: &'static str,
    /// The language it applies to.
    pub language: Language,
    /// What happens by default.
    pub action: Action,
    /// What will happen and what to do instead; `{}` is replaced by the name found.
    pub message: &'static str,
}

/// Every rule, in a stable order.
pub const RULES: &[Rule] = &[
    Rule {
        code: "js-network",
        language: Language::Js,
        action: Action::Warn,
        message: "`{}` does not exist in Kiln's JavaScript sandbox (there is no network), so this \
                  line throws a ReferenceError; work with data in the program or in workspace files",
    },
    Rule {
        code: "js-dom",
        language: Language::Js,
        action: Action::Warn,
        message: "`{}` is a browser page API, and Kiln runs JavaScript in a sandbox with no page, \
                  DOM or storage, so this line throws a ReferenceError; print with console.log instead",
    },
    Rule {
        code: "js-require",
        language: Language::Js,
        action: Action::Warn,
        message: "`{}` is Node's module loader and does not exist here; import workspace files with \
                  `import { name } from './file.js'` (npm packages and Node built-ins are not available)",
    },
    Rule {
        code: "js-eval",
        language: Language::Js,
        action: Action::Info,
        message: "`{}` runs code built from strings: it works here, but hides mistakes from the \
                  syntax check and is rarely needed",
    },
    Rule {
        code: "py-process",
        language: Language::Python,
        action: Action::Warn,
        message: "`{}` starts programs on the host, which Kiln's sandbox does not allow: it raises \
                  an error (or the import fails) when it runs",
    },
    Rule {
        code: "py-network",
        language: Language::Python,
        action: Action::Warn,
        message: "`{}` needs the network, which Kiln's Python does not have: the import or the \
                  connection fails; work with data in the program or in workspace files",
    },
    Rule {
        code: "py-threads",
        language: Language::Python,
        action: Action::Info,
        message: "`{}`: Kiln's Python runs one thread, so threads run one after another and \
                  processes cannot start; write the program sequentially",
    },
    Rule {
        code: "py-package",
        language: Language::Python,
        action: Action::Warn,
        message: "`{}` is a third-party package that Kiln's Python does not include, so the import \
                  fails with ModuleNotFoundError; only the standard library and workspace files import",
    },
];

const JS_NETWORK: &[&str] = &["fetch", "XMLHttpRequest", "WebSocket", "EventSource"];
const JS_DOM: &[&str] = &[
    "document",
    "window",
    "localStorage",
    "sessionStorage",
    "indexedDB",
    "navigator",
    "alert",
    "prompt",
];
const PY_PROCESS_MODULES: &[&str] = &["subprocess", "multiprocessing", "pty"];
const PY_PROCESS_CALLS: &[&str] = &[
    "system", "popen", "fork", "execv", "execvp", "spawnv", "kill",
];
const PY_NETWORK: &[&str] = &[
    "socket",
    "ssl",
    "requests",
    "httpx",
    "aiohttp",
    "urllib3",
    "http.client",
    "urllib.request",
];
const PY_THREADS: &[&str] = &["threading", "concurrent.futures"];
const PY_PACKAGES: &[&str] = &[
    "numpy",
    "pandas",
    "scipy",
    "matplotlib",
    "sklearn",
    "torch",
    "tensorflow",
    "flask",
    "django",
    "bs4",
    "PIL",
    "seaborn",
    "sympy",
];

/// Adds the diagnostics of every matching rule for `language` to `out`.
pub(crate) fn check(
    language: Language,
    tokens: &[Token],
    config: &RuleConfig,
    out: &mut Vec<Diagnostic>,
) {
    if language == Language::Wasm {
        return;
    }
    let mut report = |code: &str, name: &str, token: &Token| {
        let Some(rule) = RULES.iter().find(|r| r.code == code) else {
            return;
        };
        let Some(action) = config.action(rule) else {
            return;
        };
        out.push(
            Diagnostic::new(
                action.severity(),
                rule.code,
                rule.message.replace("{}", name),
            )
            .at(token.line, token.column),
        );
    };
    // Names the program declares itself (`function fetch()`, `const document = …`) are its own.
    let declared: std::collections::HashSet<&str> = tokens
        .windows(2)
        .filter(|pair| {
            matches!(
                pair[0].text.as_str(),
                "const" | "let" | "var" | "function" | "class"
            )
        })
        .map(|pair| pair[1].text.as_str())
        .collect();
    for (i, token) in tokens.iter().enumerate() {
        let previous = i
            .checked_sub(1)
            .and_then(|p| tokens.get(p))
            .map(|t| t.text.as_str());
        let next = tokens.get(i + 1).map(|t| t.text.as_str());
        let member = previous == Some(".");
        match language {
            Language::Js => {
                let name = token.text.as_str();
                // `obj.fetch` and `{ fetch: 1 }` are the program's own names too.
                if member || declared.contains(name) || next == Some(":") {
                    continue;
                }
                if JS_NETWORK.contains(&name) {
                    report("js-network", name, token);
                } else if JS_DOM.contains(&name) {
                    report("js-dom", name, token);
                } else if name == "require" && next == Some("(") {
                    report("js-require", "require()", token);
                } else if name == "eval" && next == Some("(") {
                    report("js-eval", "eval()", token);
                } else if name == "Function" && previous == Some("new") {
                    report("js-eval", "new Function()", token);
                }
            }
            _ => {
                if previous == Some("import") || previous == Some("from") {
                    let module = dotted_name(&tokens[i..]);
                    let top = module.split('.').next().unwrap_or_default();
                    let is = |list: &[&str]| list.iter().any(|m| *m == module || *m == top);
                    if is(PY_PROCESS_MODULES) {
                        report("py-process", &module, token);
                    } else if is(PY_NETWORK) {
                        report("py-network", &module, token);
                    } else if is(PY_THREADS) {
                        report("py-threads", &module, token);
                    } else if is(PY_PACKAGES) {
                        report("py-package", &module, token);
                    }
                } else if member
                    && PY_PROCESS_CALLS.contains(&token.text.as_str())
                    && i >= 2
                    && tokens[i - 2].text == "os"
                {
                    report("py-process", &format!("os.{}", token.text), token);
                }
            }
        }
    }
}

/// `a.b.c` starting at the first token.
fn dotted_name(tokens: &[Token]) -> String {
    let mut name = String::new();
    let mut expect_name = true;
    for token in tokens {
        if expect_name && is_identifier(&token.text) {
            name.push_str(&token.text);
        } else if !expect_name && token.text == "." {
            name.push('.');
        } else {
            break;
        }
        expect_name = !expect_name;
    }
    name.trim_end_matches('.').to_owned()
}

fn is_identifier(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
}

/// An identifier, a number, a string (as the marker `"`) or one punctuation character, with its
/// 1-based position.
#[derive(Debug)]
pub(crate) struct Token {
    pub(crate) text: String,
    pub(crate) line: u32,
    pub(crate) column: u32,
    /// For a string literal, its text between the quotes (escapes left as written).
    pub(crate) value: Option<String>,
}

/// Tokens outside comments; each string literal becomes one `"` token.
pub(crate) fn scan(text: &str, language: Language) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line, mut column) = (0usize, 1u32, 1u32);
    let advance = |i: &mut usize, line: &mut u32, column: &mut u32, chars: &[char]| {
        if chars.get(*i) == Some(&'\n') {
            *line += 1;
            *column = 1;
        } else {
            *column += 1;
        }
        *i += 1;
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let comment_to_line_end = (language == Language::Js && c == '/' && next == Some('/'))
            || (language == Language::Python && c == '#');
        if comment_to_line_end {
            while i < chars.len() && chars[i] != '\n' {
                advance(&mut i, &mut line, &mut column, &chars);
            }
        } else if language == Language::Js && c == '/' && next == Some('*') {
            advance(&mut i, &mut line, &mut column, &chars);
            advance(&mut i, &mut line, &mut column, &chars);
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                advance(&mut i, &mut line, &mut column, &chars);
            }
            advance(&mut i, &mut line, &mut column, &chars);
            advance(&mut i, &mut line, &mut column, &chars);
        } else if c == '"' || c == '\'' || (language == Language::Js && c == '`') {
            let (start_line, start_column) = (line, column);
            let mut value = String::new();
            let triple = language == Language::Python
                && chars.get(i + 1) == Some(&c)
                && chars.get(i + 2) == Some(&c);
            let quote_len = if triple { 3 } else { 1 };
            for _ in 0..quote_len {
                advance(&mut i, &mut line, &mut column, &chars);
            }
            while i < chars.len() {
                if chars[i] == '\\' {
                    value.extend(chars[i..].iter().take(2));
                    advance(&mut i, &mut line, &mut column, &chars);
                    advance(&mut i, &mut line, &mut column, &chars);
                    continue;
                }
                let closes = if triple {
                    chars[i] == c && chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c)
                } else {
                    chars[i] == c || (chars[i] == '\n' && c != '`')
                };
                if closes {
                    for _ in 0..quote_len {
                        advance(&mut i, &mut line, &mut column, &chars);
                    }
                    break;
                }
                value.push(chars[i]);
                advance(&mut i, &mut line, &mut column, &chars);
            }
            tokens.push(Token {
                text: "\"".to_owned(),
                line: start_line,
                column: start_column,
                value: Some(value),
            });
        } else if c.is_ascii_digit() {
            let (start_line, start_column) = (line, column);
            let mut number = String::new();
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                number.push(chars[i]);
                advance(&mut i, &mut line, &mut column, &chars);
            }
            tokens.push(Token {
                text: number,
                line: start_line,
                column: start_column,
                value: None,
            });
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let (start_line, start_column) = (line, column);
            let mut word = String::new();
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                word.push(chars[i]);
                advance(&mut i, &mut line, &mut column, &chars);
            }
            // Python string prefixes (f"", rb'') belong to the string that follows.
            if language == Language::Python
                && word.len() <= 2
                && word.chars().all(|ch| "rbfuRBFU".contains(ch))
                && matches!(chars.get(i), Some('"' | '\''))
            {
                continue;
            }
            tokens.push(Token {
                text: word,
                line: start_line,
                column: start_column,
                value: None,
            });
        } else {
            if !c.is_whitespace() {
                tokens.push(Token {
                    text: c.to_string(),
                    line,
                    column,
                    value: None,
                });
            }
            advance(&mut i, &mut line, &mut column, &chars);
        }
    }
    tokens
}

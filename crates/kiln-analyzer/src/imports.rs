//! Stage 5: dependencies — what the program imports, and where each import would come from.
//!
//! The lists of what Kiln supplies come from the build: the Python modules from
//! [`kiln_python::standard_module_names`], the JavaScript resolution from
//! [`kiln_js::resolve_import`] (only workspace files import; the runner's globals are listed by
//! [`kiln_js::provided_globals`]), and the WebAssembly imports from [`kiln_wasm::module_imports`].

use kiln_core::{Diagnostic, Language, Severity};

use crate::rules::Token;
use crate::{Analysis, Hints};

/// One import of the program.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Import {
    /// What is imported: a Python module (`os.path`), a JavaScript specifier (`./util.js`), or a
    /// WebAssembly `module.name`.
    pub name: String,
    /// 1-based line of the import, when the source is text.
    pub line: Option<u32>,
    /// 1-based column of the import, when the source is text.
    pub column: Option<u32>,
    /// Where it would come from.
    pub origin: Origin,
}

/// Where an [`Import`] comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Origin {
    /// The runner supplies it: Python's standard library, a WASI function.
    Standard,
    /// A file of the workspace (its path).
    Workspace {
        /// The workspace path.
        path: String,
    },
    /// Nothing supplies it; the closest available name, when one is close.
    Missing {
        /// A near miss (`json` for `jsonn`), if any.
        closest: Option<String>,
    },
    /// This build cannot tell (its runner's lists are not linked in).
    Unknown,
}

/// Lists the imports of `text` (or the wasm module in `source`) into `analysis.imports`, and adds
/// an `import-missing` warning (or the runner's `missing-imports` error for wasm) for imports
/// nothing supplies — unless a rule already said something at that place.
pub(crate) fn check(
    language: Language,
    text: &str,
    tokens: &[Token],
    facts: crate::syntax::Facts,
    hints: &Hints,
    analysis: &mut Analysis,
) {
    let imports = match language {
        Language::Python => python(tokens, hints),
        Language::Js => js(tokens, hints),
        Language::Wasm => wasm(facts, text, analysis),
    };
    for import in &imports {
        let Origin::Missing { closest } = &import.origin else {
            continue;
        };
        if language == Language::Wasm {
            continue;
        }
        // A rule on the same line (`py-package`, `js-require`) has already explained it better.
        let already_said = analysis
            .diagnostics
            .iter()
            .any(|d| d.line == import.line && d.code != "import-missing");
        if already_said {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            Severity::Warning,
            "import-missing",
            missing_message(language, &import.name, closest.as_deref()),
        );
        if let (Some(line), Some(column)) = (import.line, import.column) {
            diagnostic = diagnostic.at(line, column);
        }
        analysis.diagnostics.push(diagnostic);
    }
    analysis.imports = imports;
}

fn missing_message(language: Language, name: &str, closest: Option<&str>) -> String {
    let hint = closest.map_or(String::new(), |c| format!("; did you mean `{c}`?"));
    match language {
        Language::Python => format!(
            "no module named `{name}` in Kiln's Python (standard library and workspace files \
             only), so the import raises ModuleNotFoundError{hint}"
        ),
        _ if !(name.starts_with('.') || name.starts_with('/')) => format!(
            "`{name}` is a package or Node built-in, and Kiln's JavaScript imports only \
             workspace files (`./name.js`), so the import fails{hint}"
        ),
        _ => format!("no workspace file matches `{name}`, so the import fails{hint}"),
    }
}

/// The workspace file the program lives in (imports resolve from its folder).
fn referrer(hints: &Hints) -> String {
    hints
        .file_name
        .as_deref()
        .map(|f| f.replace('\\', "/").trim_start_matches("./").to_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Python

fn python(tokens: &[Token], hints: &Hints) -> Vec<Import> {
    let standard = python_standard();
    let mut imports = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let statement_start =
            i == 0 || tokens[i - 1].line < tokens[i].line || tokens[i - 1].text == ";";
        match tokens[i].text.as_str() {
            "import" if statement_start => {
                // import a.b as c, d
                i += 1;
                while let Some(token) = tokens.get(i) {
                    let (name, used) = dotted(&tokens[i..]);
                    if name.is_empty() {
                        break;
                    }
                    imports.push(python_import(name, token, 0, hints, standard));
                    i += used;
                    if tokens.get(i).is_some_and(|t| t.text == "as") {
                        i += 2;
                    }
                    if tokens.get(i).is_some_and(|t| t.text == ",") {
                        i += 1;
                    } else {
                        break;
                    }
                }
            }
            "from" if statement_start => {
                // from ..pkg.mod import x, (y)
                i += 1;
                let Some(token) = tokens.get(i) else { break };
                let mut level = 0;
                while tokens.get(i).is_some_and(|t| t.text == ".") {
                    level += 1;
                    i += 1;
                }
                let (name, used) = dotted(&tokens[i..]);
                i += used;
                if tokens.get(i).is_some_and(|t| t.text == "import") {
                    if name.is_empty() {
                        // `from . import a, (b as c)`: each name is a module of the package.
                        let line = tokens[i].line;
                        let mut j = i + 1;
                        let parenthesized = tokens.get(j).is_some_and(|t| t.text == "(");
                        while let Some(t) = tokens.get(j) {
                            let ended = if parenthesized {
                                t.text == ")"
                            } else {
                                t.line != line || t.text == ";"
                            };
                            if ended {
                                break;
                            }
                            if is_name(&t.text) && tokens[j - 1].text != "as" {
                                imports.push(python_import(
                                    t.text.clone(),
                                    t,
                                    level,
                                    hints,
                                    standard,
                                ));
                            }
                            j += 1;
                        }
                    } else if name != "__future__" {
                        imports.push(python_import(name, token, level, hints, standard));
                    }
                }
            }
            _ => i += 1,
        }
    }
    imports
}

fn is_name(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && !matches!(text, "import" | "as" | "from")
}

/// `a.b.c` at the start of `tokens`, and how many tokens it took.
fn dotted(tokens: &[Token]) -> (String, usize) {
    let mut name = String::new();
    let mut used = 0;
    for (k, token) in tokens.iter().enumerate() {
        let want_name = k % 2 == 0;
        if want_name && is_name(&token.text) {
            name.push_str(&token.text);
        } else if !want_name && token.text == "." {
            name.push('.');
        } else {
            break;
        }
        used = k + 1;
    }
    if name.ends_with('.') {
        name.pop();
        used -= 1;
    }
    (name, used)
}

fn python_standard() -> Option<&'static [String]> {
    #[cfg(feature = "python")]
    {
        static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        Some(
            NAMES
                .get_or_init(kiln_python::standard_module_names)
                .as_slice(),
        )
    }
    #[cfg(not(feature = "python"))]
    None
}

fn python_import(
    name: String,
    token: &Token,
    level: usize,
    hints: &Hints,
    standard: Option<&[String]>,
) -> Import {
    let origin = python_origin(&name, level, hints, standard);
    let name = format!("{}{name}", ".".repeat(level));
    Import {
        name,
        line: Some(token.line),
        column: Some(token.column),
        origin,
    }
}

fn python_origin(name: &str, level: usize, hints: &Hints, standard: Option<&[String]>) -> Origin {
    // Workspace modules first: the program's folder comes before the library, as in CPython.
    let referrer = referrer(hints);
    let mut base: Vec<&str> = if level > 0 {
        let mut dir: Vec<&str> = referrer.split('/').collect();
        dir.pop();
        for _ in 1..level {
            dir.pop();
        }
        dir
    } else {
        Vec::new()
    };
    base.extend(name.split('.'));
    let path = base.join("/");
    for candidate in [format!("{path}.py"), format!("{path}/__init__.py")] {
        if let Some(file) = hints.workspace_files.iter().find(|f| clean(f) == candidate) {
            return Origin::Workspace { path: clean(file) };
        }
    }
    if level > 0 {
        // Suggest a module of the same package, written the way the program wrote it.
        let package = base[..base.len() - name.split('.').count()].join(".");
        let found = closest(&base.join("."), &workspace_modules(hints));
        let closest = found.map(|module| {
            match module
                .strip_prefix(&package)
                .and_then(|m| m.strip_prefix('.'))
            {
                Some(rest) if !package.is_empty() => format!("{}{rest}", ".".repeat(level)),
                _ => module,
            }
        });
        return Origin::Missing { closest };
    }
    let top = name.split('.').next().unwrap_or(name);
    // A folder of the workspace is a package even without `__init__.py` (a namespace package);
    // its missing submodules are not the library's.
    if hints
        .workspace_files
        .iter()
        .any(|f| clean(f).starts_with(&format!("{top}/")))
    {
        if name == top {
            return Origin::Workspace {
                path: format!("{top}/"),
            };
        }
        return Origin::Missing {
            closest: closest(name, &workspace_modules(hints)),
        };
    }
    let Some(standard) = standard else {
        return Origin::Unknown;
    };
    if standard.iter().any(|s| s == top) {
        return Origin::Standard;
    }
    let mut known: Vec<String> = standard
        .iter()
        .filter(|s| !s.starts_with('_'))
        .cloned()
        .collect();
    known.extend(workspace_modules(hints));
    Origin::Missing {
        closest: closest(top, &known),
    }
}

/// Dotted module names of the workspace's Python files.
fn workspace_modules(hints: &Hints) -> Vec<String> {
    hints
        .workspace_files
        .iter()
        .filter_map(|f| {
            let f = clean(f);
            let module = f
                .strip_suffix("/__init__.py")
                .or_else(|| f.strip_suffix(".py"))?;
            Some(module.replace('/', "."))
        })
        .collect()
}

fn clean(path: &str) -> String {
    path.replace('\\', "/")
        .trim_start_matches("./")
        .trim_start_matches('/')
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// JavaScript

fn js(tokens: &[Token], hints: &Hints) -> Vec<Import> {
    let mut imports = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Some(specifier) = &token.value else {
            continue;
        };
        let previous = |back: usize| {
            i.checked_sub(back)
                .and_then(|p| tokens.get(p))
                .map(|t| t.text.as_str())
        };
        let member = previous(3) == Some(".");
        let is_import = match previous(1) {
            // import x from "m"; export { a } from "m"
            Some("from") => true,
            // import "m" (for its effects)
            Some("import") => true,
            // import("m"), require("m")
            Some("(") => matches!(previous(2), Some("import" | "require")) && !member,
            _ => false,
        };
        if !is_import {
            continue;
        }
        imports.push(Import {
            name: specifier.clone(),
            line: Some(token.line),
            column: Some(token.column),
            origin: js_origin(specifier, hints),
        });
    }
    imports
}

fn js_origin(specifier: &str, hints: &Hints) -> Origin {
    #[cfg(feature = "js")]
    {
        let referrer = referrer(hints);
        match kiln_js::resolve_import(&referrer, specifier, &hints.workspace_files) {
            Ok(path) => Origin::Workspace { path },
            Err(kiln_js::ImportError::NotAFile) => Origin::Missing { closest: None },
            Err(kiln_js::ImportError::NoSuchFile(wanted)) => {
                // Compare without extensions: `./lbi` is close to `lib.js`.
                let stem = |path: &str| {
                    let path = path.trim_end_matches(".js").trim_end_matches(".mjs");
                    path.to_owned()
                };
                let files: Vec<String> = hints.workspace_files.iter().map(|f| clean(f)).collect();
                let stems: Vec<String> = files.iter().map(|f| stem(f)).collect();
                let found = closest(&stem(&wanted), &stems)
                    .and_then(|s| files.iter().find(|f| stem(f) == s).cloned());
                // Say it the way the program would write it.
                let closest = found.map(|path| {
                    let dir = referrer.rsplit_once('/').map_or("", |(dir, _)| dir);
                    match path.strip_prefix(&format!("{dir}/")) {
                        Some(rest) if !dir.is_empty() => format!("./{rest}"),
                        _ if dir.is_empty() => format!("./{path}"),
                        _ => format!("/{path}"),
                    }
                });
                Origin::Missing { closest }
            }
        }
    }
    #[cfg(not(feature = "js"))]
    {
        let _ = (specifier, hints);
        Origin::Unknown
    }
}

// ---------------------------------------------------------------------------------------------
// WebAssembly

fn wasm(facts: crate::syntax::Facts, text: &str, analysis: &mut Analysis) -> Vec<Import> {
    #[cfg(feature = "wasm")]
    {
        // Only a module that compiled has a list of imports (stage 2 reported the rest).
        let Some(imports) = facts.wasm_imports else {
            return Vec::new();
        };
        if let Some(diagnostic) = kiln_wasm::missing_imports(&imports) {
            analysis.diagnostics.push(diagnostic);
        }
        let provided: Vec<String> = kiln_wasm::provided_imports()
            .map(|name| format!("wasi_snapshot_preview1.{name}"))
            .collect();
        imports
            .into_iter()
            .map(|import| {
                let name = format!("{}.{}", import.module, import.name);
                let origin = if import.problem.is_none() {
                    Origin::Standard
                } else {
                    Origin::Missing {
                        closest: closest(&name, &provided),
                    }
                };
                let (line, column) = wat_position(text, &import.module, &import.name);
                Import {
                    name,
                    line,
                    column,
                    origin,
                }
            })
            .collect()
    }
    #[cfg(not(feature = "wasm"))]
    {
        let _ = (facts, text, analysis);
        Vec::new()
    }
}

/// Where WAT text declares the import `module.name`, when it is text.
#[cfg(feature = "wasm")]
fn wat_position(text: &str, module: &str, name: &str) -> (Option<u32>, Option<u32>) {
    let quoted = format!("\"{module}\" \"{name}\"");
    let Some(offset) = text.find(&quoted) else {
        return (None, None);
    };
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (u32::try_from(line).ok(), u32::try_from(column).ok())
}

// ---------------------------------------------------------------------------------------------

/// The candidate closest to `name`, when it is close enough to be a likely typo.
fn closest(name: &str, candidates: &[String]) -> Option<String> {
    let limit = (name.chars().count() / 3).clamp(1, 3);
    candidates
        .iter()
        .filter(|c| c.as_str() != name)
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c.clone())
}

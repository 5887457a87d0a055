//! Precompiled standard-library units and the index the browser loads with the runtime.
//!
//! A *unit* is one module compiled ahead of time to RustPython bytecode: the marshalled code
//! object of `rustpython-compiler-core` (the format RustPython freezes its own library in),
//! behind an 8-byte header (`kiln` and the interpreter's `.pyc` magic number), so the worker
//! imports it without compiling and a unit from another interpreter version is refused by name.
//!
//! The [`PylibIndex`] lists every shipped module: its unit file, whether it is a package, the
//! unit's size and its static imports (module-level `import`/`from` statements, resolved to
//! indexed modules). A host uses it to answer "is there such a module?" without a request and to
//! prefetch the [closure](PylibIndex::closure) of what a program imports.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use rustpython_vm::compiler::ast::{ExceptHandler, Stmt};
use rustpython_vm::compiler::core::bytecode::{BasicBag, CodeObject};
use rustpython_vm::compiler::core::marshal;
use rustpython_vm::compiler::{CompileOpts, Mode, compile};
use serde::{Deserialize, Serialize};

/// The first bytes of every unit: `kiln` and the `.pyc` magic number of the interpreter that
/// compiled it (it changes whenever RustPython's bytecode does).
fn unit_header() -> [u8; 8] {
    let magic = rustpython_vm::version::PYC_MAGIC_NUMBER_BYTES;
    [
        b'k', b'i', b'l', b'n', magic[0], magic[1], magic[2], magic[3],
    ]
}

/// Why a module could not be compiled into a unit, or a unit could not be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitError {
    /// The source does not compile (the compiler's message, with the file).
    Compile(String),
    /// The bytes are not a unit of this interpreter (wrong header or damaged).
    Damaged(String),
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitError::Compile(message) => write!(f, "cannot compile: {message}"),
            UnitError::Damaged(message) => write!(
                f,
                "not a precompiled unit of this Python runtime ({message}); the library and the \
                 runtime come from different builds: rebuild with `cargo xtask build` or reload"
            ),
        }
    }
}

impl std::error::Error for UnitError {}

/// Compiles one module's `source` into a unit; `origin` is the file name its tracebacks show
/// (`<stdlib>/json/__init__.py`).
///
/// Units carry line numbers but no column ranges: the library's source text is not shipped, so
/// a traceback could never underline a library expression anyway, and the ranges made the
/// closure of `import json, re, collections, math, itertools` 27% bigger after brotli
/// (197 KB instead of 155 KB).
///
/// # Errors
/// [`UnitError::Compile`] when the source has a syntax error (or one the compiler finds).
pub fn compile_unit(source: &str, origin: &str) -> Result<Vec<u8>, UnitError> {
    let options = CompileOpts {
        debug_ranges: false,
        ..CompileOpts::default()
    };
    let code = compile(source, Mode::Exec, origin, options)
        .map_err(|err| UnitError::Compile(format!("{origin}: {err}")))?;
    let mut bytes = unit_header().to_vec();
    marshal::serialize_code(&mut bytes, &code);
    Ok(bytes)
}

/// Reads a unit back into a code object (no compiling).
///
/// # Errors
/// [`UnitError::Damaged`] when the header is not this interpreter's or the code does not decode.
pub fn decode_unit(bytes: &[u8]) -> Result<CodeObject, UnitError> {
    let header = unit_header();
    let Some(mut body) = bytes.strip_prefix(&header[..]) else {
        return Err(UnitError::Damaged(
            "its header names another interpreter version".to_owned(),
        ));
    };
    marshal::deserialize_code(&mut body, BasicBag)
        .map_err(|err| UnitError::Damaged(format!("{err:?}")))
}

/// The modules a module imports when it is first executed: `import`/`from` statements at module
/// level (also inside `if`, `try`, `with`, loops and class bodies, not inside functions), as
/// absolute dotted names. `from a import b` gives both `a` and `a.b` (`b` may be a submodule);
/// relative imports are resolved against `module` (`is_package` for `name/__init__.py`).
/// A source that does not parse gives no imports.
#[must_use]
pub fn static_imports(source: &str, module: &str, is_package: bool) -> Vec<String> {
    let Ok(parsed) = rustpython_vm::compiler::parser::parse_module(source) else {
        return Vec::new();
    };
    let mut found = BTreeSet::new();
    collect_imports(&parsed.syntax().body, module, is_package, &mut found);
    found.into_iter().collect()
}

fn collect_imports(body: &[Stmt], module: &str, is_package: bool, found: &mut BTreeSet<String>) {
    for statement in body {
        match statement {
            Stmt::Import(import) => {
                for alias in &import.names {
                    found.insert(alias.name.as_str().to_owned());
                }
            }
            Stmt::ImportFrom(from) => {
                let base = from.module.as_ref().map(|m| m.as_str());
                let Some(target) = absolute_name(module, is_package, from.level, base) else {
                    continue;
                };
                if target == "__future__" {
                    continue;
                }
                for alias in &from.names {
                    if alias.name.as_str() != "*" {
                        found.insert(format!("{target}.{}", alias.name.as_str()));
                    }
                }
                if !target.is_empty() {
                    found.insert(target);
                }
            }
            Stmt::If(branch) => {
                collect_imports(&branch.body, module, is_package, found);
                for clause in &branch.elif_else_clauses {
                    collect_imports(&clause.body, module, is_package, found);
                }
            }
            Stmt::Try(attempt) => {
                collect_imports(&attempt.body, module, is_package, found);
                for ExceptHandler::ExceptHandler(handler) in &attempt.handlers {
                    collect_imports(&handler.body, module, is_package, found);
                }
                collect_imports(&attempt.orelse, module, is_package, found);
                collect_imports(&attempt.finalbody, module, is_package, found);
            }
            Stmt::With(with) => collect_imports(&with.body, module, is_package, found),
            Stmt::For(each) => {
                collect_imports(&each.body, module, is_package, found);
                collect_imports(&each.orelse, module, is_package, found);
            }
            Stmt::While(repeat) => {
                collect_imports(&repeat.body, module, is_package, found);
                collect_imports(&repeat.orelse, module, is_package, found);
            }
            Stmt::ClassDef(class) => collect_imports(&class.body, module, is_package, found),
            Stmt::Match(choice) => {
                for case in &choice.cases {
                    collect_imports(&case.body, module, is_package, found);
                }
            }
            _ => {}
        }
    }
}

/// `from <level dots><name> import …` inside `module`, as an absolute name (`None` when the dots
/// climb above the top-level package).
fn absolute_name(module: &str, is_package: bool, level: u32, name: Option<&str>) -> Option<String> {
    if level == 0 {
        return name.map(str::to_owned);
    }
    let mut parts: Vec<&str> = module.split('.').collect();
    if !is_package {
        parts.pop();
    }
    for _ in 1..level {
        parts.pop()?;
    }
    if parts.is_empty() {
        return None;
    }
    let mut base = parts.join(".");
    if let Some(name) = name {
        base.push('.');
        base.push_str(name);
    }
    Some(base)
}

/// A module's source file in a library folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibrarySource {
    /// Its dotted name (`json.decoder`).
    pub name: String,
    /// Whether it is a package (`json/__init__.py`).
    pub is_package: bool,
    /// The file, relative to the library folder.
    pub path: PathBuf,
}

/// Every module of the library folder `lib`: each `name.py` and `pkg/__init__.py` whose names
/// are identifiers, entering only folders that are packages. Sorted by path.
///
/// # Errors
/// A message naming the folder that could not be read.
pub fn library_sources(lib: &Path) -> Result<Vec<LibrarySource>, String> {
    let mut files = Vec::new();
    find_sources(lib, lib, &mut files)?;
    files.sort();
    Ok(files
        .into_iter()
        .filter_map(|path| {
            let (name, is_package) = module_name(&path)?;
            Some(LibrarySource {
                name,
                is_package,
                path,
            })
        })
        .collect())
}

/// `json/decoder.py` → (`json.decoder`, false); `json/__init__.py` → (`json`, true).
fn module_name(relative: &Path) -> Option<(String, bool)> {
    let text = relative.to_str()?.replace('\\', "/");
    let stem = text.strip_suffix(".py")?;
    let (name, is_package) = match stem.strip_suffix("/__init__") {
        Some(package) => (package, true),
        None => (stem, false),
    };
    let valid = name
        .split('/')
        .all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_'));
    valid.then(|| (name.replace('/', "."), is_package))
}

fn find_sources(lib: &Path, dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.join("__init__.py").is_file() {
                find_sources(lib, &path, found)?;
            }
        } else if path.extension().is_some_and(|e| e == "py")
            && let Ok(relative) = path.strip_prefix(lib)
        {
            found.push(relative.to_path_buf());
        }
    }
    Ok(())
}

/// One module of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// The unit's path under the library folder (`json/__init__.unit`).
    pub file: String,
    /// Whether the module is a package (submodules import from it).
    pub package: bool,
    /// The unit's size in bytes.
    pub size: u64,
    /// Indexed modules it imports at module level (see [`static_imports`]).
    pub imports: Vec<String>,
}

/// Every module of the shipped library, by dotted name (`dist/pylib/index.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PylibIndex {
    /// The modules, sorted by name.
    pub modules: BTreeMap<String, IndexEntry>,
}

/// The file extension of units (`json/__init__.unit`).
pub const UNIT_EXTENSION: &str = "unit";

impl PylibIndex {
    /// Reads an index from its JSON text.
    ///
    /// # Errors
    /// A message naming what is wrong when the text is not an index.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|err| {
            format!(
                "the Python library index is not valid ({err}); rebuild with `cargo xtask build`"
            )
        })
    }

    /// The index as compact JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The entry of `name`, when the library has that module.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&IndexEntry> {
        self.modules.get(name)
    }

    /// Adds a module (the build tool); its imports are kept only if [`PylibIndex::resolve`] finds
    /// them in the index.
    pub fn insert(&mut self, name: &str, entry: IndexEntry) {
        self.modules.insert(name.to_owned(), entry);
    }

    /// Keeps in each module's imports only the names the index has (drops native modules, names
    /// imported from a module that are not submodules, and the module itself).
    pub fn resolve(&mut self) {
        let names: BTreeSet<String> = self.modules.keys().cloned().collect();
        for (name, entry) in &mut self.modules {
            entry
                .imports
                .retain(|import| import != name && names.contains(import));
        }
    }

    /// The unit path of `name` and whether it is a package (`json` → `json/__init__.unit`).
    #[must_use]
    pub fn unit_path(name: &str, is_package: bool) -> String {
        let path = name.replace('.', "/");
        if is_package {
            format!("{path}/__init__.{UNIT_EXTENSION}")
        } else {
            format!("{path}.{UNIT_EXTENSION}")
        }
    }

    /// Every indexed module that importing `roots` may load: the roots, their parent packages
    /// (`a.b` imports `a` first) and, transitively, their static imports. Names the index does
    /// not have are left out. Sorted.
    #[must_use]
    pub fn closure<'a>(&self, roots: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut visited = BTreeSet::new();
        let mut found = BTreeSet::new();
        let mut pending: Vec<String> = roots.into_iter().map(str::to_owned).collect();
        while let Some(name) = pending.pop() {
            if !visited.insert(name.clone()) {
                continue;
            }
            // `import os.path` loads `os` even though `os.path` is no module of its own.
            if let Some((parent, _)) = name.rsplit_once('.') {
                pending.push(parent.to_owned());
            }
            if let Some(entry) = self.modules.get(&name) {
                pending.extend(entry.imports.iter().cloned());
                found.insert(name);
            }
        }
        found.into_iter().collect()
    }

    /// Total unit bytes of `names` (those in the index).
    #[must_use]
    pub fn size_of(&self, names: &[String]) -> u64 {
        names
            .iter()
            .filter_map(|name| self.modules.get(name))
            .map(|entry| entry.size)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &str, package: bool, imports: &[&str]) -> IndexEntry {
        IndexEntry {
            file: file.to_owned(),
            package,
            size: 10,
            imports: imports.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn static_imports_are_module_level_and_absolute() {
        let source = "\
import os.path, sys as system
from . import decoder
from .scanner import make_scanner
from __future__ import annotations
try:
    from _json import encode
except ImportError:
    import json_fallback
if True:
    import re
class C:
    import enum
def f():
    import inside_function
";
        assert_eq!(
            static_imports(source, "json", true),
            [
                "_json",
                "_json.encode",
                "enum",
                "json",
                "json.decoder",
                "json.scanner",
                "json.scanner.make_scanner",
                "json_fallback",
                "os.path",
                "re",
                "sys",
            ]
        );
        // In a plain module, one dot is the module's own package.
        assert_eq!(
            static_imports("from .. import x\nfrom . import y", "a.b.c", false),
            ["a", "a.b", "a.b.y", "a.x"]
        );
        assert!(static_imports("from ... import x", "a.b", false).is_empty());
        assert!(static_imports("def (:", "broken", false).is_empty());
    }

    #[test]
    fn closure_follows_imports_and_parents_and_skips_unknown_names() {
        let mut index = PylibIndex::default();
        index.insert(
            "json",
            entry("json/__init__.unit", true, &["json.decoder", "re"]),
        );
        index.insert(
            "json.decoder",
            entry("json/decoder.unit", false, &["json.scanner"]),
        );
        index.insert(
            "json.scanner",
            entry("json/scanner.unit", false, &["_json", "re"]),
        );
        index.insert(
            "re",
            entry("re/__init__.unit", true, &["enum", "re._parser"]),
        );
        index.insert("re._parser", entry("re/_parser.unit", false, &[]));
        index.insert("enum", entry("enum.unit", false, &["sys", "enum"]));
        index.insert("collections", entry("collections/__init__.unit", true, &[]));
        index.insert("collections.abc", entry("collections/abc.unit", false, &[]));
        index.resolve();
        assert_eq!(
            index.get("json.scanner").map(|e| e.imports.clone()),
            Some(vec!["re".to_owned()])
        );
        assert_eq!(index.get("enum").map(|e| e.imports.len()), Some(0));
        assert_eq!(
            index.closure(["json"]),
            [
                "enum",
                "json",
                "json.decoder",
                "json.scanner",
                "re",
                "re._parser"
            ]
        );
        // A submodule brings its package; names not in the library bring nothing.
        assert_eq!(
            index.closure(["collections.abc", "math", "nope"]),
            ["collections", "collections.abc"]
        );
        assert_eq!(index.closure(["enum.attribute"]), ["enum"]);
        assert!(index.closure(std::iter::empty()).is_empty());
        assert_eq!(index.size_of(&index.closure(["re"])), 30);
    }

    #[test]
    fn index_round_trips_through_json_and_explains_bad_text() {
        let mut index = PylibIndex::default();
        index.insert("abc", entry("abc.unit", false, &[]));
        let text = index.to_json();
        assert_eq!(PylibIndex::from_json(&text), Ok(index));
        let err = PylibIndex::from_json("<html>404</html>").unwrap_err();
        assert!(err.contains("cargo xtask build"), "{err}");
        assert_eq!(PylibIndex::unit_path("json", true), "json/__init__.unit");
        assert_eq!(
            PylibIndex::unit_path("re._parser", false),
            "re/_parser.unit"
        );
    }

    #[test]
    fn units_round_trip_and_refuse_foreign_bytes() {
        let unit = compile_unit("x = 1 + 2\n", "<stdlib>/x.py").unwrap();
        let code = decode_unit(&unit).unwrap();
        assert_eq!(code.source_path.as_str(), "<stdlib>/x.py");
        assert!(matches!(
            decode_unit(b"print('hi')"),
            Err(UnitError::Damaged(_))
        ));
        let mut truncated = unit.clone();
        truncated.truncate(unit.len() / 2);
        assert!(matches!(
            decode_unit(&truncated),
            Err(UnitError::Damaged(_))
        ));
        assert!(matches!(
            compile_unit("def (:", "<stdlib>/bad.py"),
            Err(UnitError::Compile(_))
        ));
    }
}

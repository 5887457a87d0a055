//! ES module support: which programs are modules, and a loader over the run's workspace files.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use boa_engine::module::{ModuleLoader, ModuleRequest, Referrer};
use boa_engine::{Context, JsNativeError, JsResult, JsString, Module, Source};
use kiln_core::WorkspaceFile;

/// Whether `source` (named `file_name`) should run as an ES module: `.mjs` files, and code with
/// `import`/`export` statements at the start of a line.
///
/// This is a cheap look at the text, not a parse; a script that fails to parse is retried as a
/// module anyway (for top-level `await`).
pub(crate) fn looks_like_module(file_name: &str, source: &str) -> bool {
    if file_name.ends_with(".mjs") {
        return true;
    }
    if file_name.ends_with(".cjs") {
        return false;
    }
    source.lines().any(|line| {
        let line = line.trim_start();
        let rest = line
            .strip_prefix("import")
            .or_else(|| line.strip_prefix("export"));
        rest.is_some_and(|rest| {
            // `import(` is a dynamic import, valid in scripts; `import.meta` is module-only.
            rest.starts_with(|c: char| {
                c.is_whitespace() || c == '{' || c == '*' || c == '"' || c == '\''
            }) || rest.starts_with(".meta")
        })
    })
}

/// Resolves `import` specifiers against the files supplied with the run.
pub(crate) struct WorkspaceLoader {
    /// Normalized path → source text.
    files: HashMap<String, String>,
    /// Modules already parsed, by normalized path, so each file is evaluated once.
    modules: RefCell<HashMap<String, Module>>,
    /// Deepest bracket nesting the parser may be given (see `guards::max_nesting`).
    max_nesting: usize,
}

impl WorkspaceLoader {
    pub(crate) fn new(files: &[WorkspaceFile], max_nesting: usize) -> Self {
        let files = files
            .iter()
            .map(|file| {
                (
                    clean(&file.path).trim_start_matches('/').to_owned(),
                    String::from_utf8_lossy(&file.contents).into_owned(),
                )
            })
            .collect();
        WorkspaceLoader {
            files,
            modules: RefCell::new(HashMap::new()),
            max_nesting,
        }
    }

    /// Registers the entry module so a file importing it back gets the same instance.
    pub(crate) fn register(&self, path: &str, module: Module) {
        self.modules.borrow_mut().insert(clean(path), module);
    }

    /// The text of the workspace file a module path names.
    pub(crate) fn source_of(&self, path: &str) -> Option<String> {
        self.find(&clean(path)).map(|(_, text)| text.to_owned())
    }

    /// Forgets every module (they hold engine objects that must not outlive the run).
    pub(crate) fn clear(&self) {
        self.modules.borrow_mut().clear();
    }

    /// The workspace file `path` names, as `(path it is known by, source text)`: exactly, with
    /// `.js`/`.mjs`/`/index.js` added, or as a suffix when the program itself was given by a
    /// longer path (`/home/me/proj/main.js` importing `./util.js` finds `util.js`).
    fn find(&self, path: &str) -> Option<(String, &str)> {
        let (key, name) = locate(path, self.files.keys().map(String::as_str))?;
        self.files.get(name).map(|text| (key, text.as_str()))
    }

    fn load(
        &self,
        referrer: Option<&Path>,
        specifier: &JsString,
        context: &mut Context,
    ) -> JsResult<Module> {
        let specifier = specifier.to_std_string_lossy();
        let referrer = referrer
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if !(specifier.starts_with("./")
            || specifier.starts_with("../")
            || specifier.starts_with('/'))
        {
            return Err(JsNativeError::error()
                .with_message(format!(
                    "Cannot find module '{specifier}': only files of this workspace can be imported \
                     (./name.js); npm packages and Node built-ins are not available in Kiln"
                ))
                .into());
        }
        let directory = referrer.rsplit_once('/').map_or("", |(dir, _)| dir);
        let wanted = normalize(directory, &specifier);
        let Some((key, text)) = self.find(&wanted) else {
            let from = if referrer.is_empty() {
                String::new()
            } else {
                format!(" imported from {referrer}")
            };
            return Err(JsNativeError::error()
                .with_message(format!(
                    "Cannot find module '{specifier}'{from}: there is no such file in this workspace"
                ))
                .into());
        };
        if let Some(module) = self.modules.borrow().get(&key) {
            return Ok(module.clone());
        }
        let nesting = crate::guards::max_nesting(text);
        if nesting > self.max_nesting {
            return Err(JsNativeError::range()
                .with_message(format!(
                    "{key} nests brackets {nesting} levels deep; Kiln's JavaScript engine parses at most {}",
                    self.max_nesting
                ))
                .into());
        }
        let module = if key.ends_with(".json") {
            Module::parse_json(JsString::from(text), context)?
        } else {
            let source = Source::from_bytes(text.as_bytes()).with_path(Path::new(&key));
            Module::parse(source, None, context)?
        };
        self.modules.borrow_mut().insert(key, module.clone());
        Ok(module)
    }
}

impl ModuleLoader for WorkspaceLoader {
    fn load_imported_module(
        self: Rc<Self>,
        referrer: Referrer,
        request: ModuleRequest,
        context: &RefCell<&mut Context>,
    ) -> impl Future<Output = JsResult<Module>> {
        let result = self.load(
            referrer.path(),
            request.specifier(),
            &mut context.borrow_mut(),
        );
        std::future::ready(result)
    }
}

/// The workspace file `path` names, as `(path it is known by, file name in `names`)`: see
/// [`WorkspaceLoader::find`].
fn locate<'a>(
    path: &str,
    names: impl Iterator<Item = &'a str> + Clone,
) -> Option<(String, &'a str)> {
    let candidates = [
        path.to_owned(),
        format!("{path}.js"),
        format!("{path}.mjs"),
        format!("{path}/index.js"),
    ];
    for candidate in &candidates {
        if let Some(name) = names.clone().find(|name| name == candidate) {
            return Some((candidate.clone(), name));
        }
    }
    for candidate in candidates {
        let found = names
            .clone()
            .filter(|name| {
                candidate.len() > name.len()
                    && candidate.ends_with(name)
                    && candidate.as_bytes()[candidate.len() - name.len() - 1] == b'/'
            })
            .max_by_key(|name| name.len());
        if let Some(name) = found {
            return Some((candidate, name));
        }
    }
    None
}

/// Where an `import` of `specifier` from the module `referrer` (a workspace path, `""` for the
/// program) leads, among the workspace `files`, exactly as the runner resolves it.
///
/// # Errors
/// [`ImportError::NotAFile`] for a bare specifier (`lodash`, `node:fs`): only workspace files
/// can be imported; [`ImportError::NoSuchFile`] with the path looked for when no file matches.
pub fn resolve_import(
    referrer: &str,
    specifier: &str,
    files: &[String],
) -> Result<String, ImportError> {
    if !(specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with('/'))
    {
        return Err(ImportError::NotAFile);
    }
    let directory = referrer.rsplit_once('/').map_or("", |(dir, _)| dir);
    let wanted = normalize(directory, specifier);
    let cleaned: Vec<String> = files
        .iter()
        .map(|f| clean(f).trim_start_matches('/').to_owned())
        .collect();
    locate(&wanted, cleaned.iter().map(String::as_str))
        .map(|(_, name)| name.to_owned())
        .ok_or(ImportError::NoSuchFile(wanted))
}

/// Why [`resolve_import`] found no file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// A bare specifier (a package or a Node built-in), which Kiln cannot supply.
    NotAFile,
    /// A relative or rooted specifier naming no workspace file; the normalised path looked for.
    NoSuchFile(String),
}

/// Joins `specifier` to `directory` and resolves `.`/`..` segments. A specifier starting with `/`
/// names a path from the workspace root.
fn normalize(directory: &str, specifier: &str) -> String {
    if specifier.starts_with('/') {
        clean(specifier).trim_start_matches('/').to_owned()
    } else if directory.is_empty() {
        clean(specifier)
    } else {
        clean(&format!("{directory}/{specifier}"))
    }
}

/// Resolves `.`/`..` segments and doubled slashes, keeping a leading `/`; `..` above the top
/// stays at the top.
fn clean(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_relative_specifiers() {
        assert_eq!(normalize("", "./util.js"), "util.js");
        assert_eq!(normalize("lib", "../x.mjs"), "x.mjs");
        assert_eq!(normalize("a/b", "./c/../d.js"), "a/b/d.js");
        assert_eq!(normalize("a", "/root.js"), "root.js");
        assert_eq!(normalize("/home/me", "./u.js"), "/home/me/u.js");
    }

    #[test]
    fn spots_module_syntax() {
        assert!(looks_like_module("main.js", "import { x } from './x.js';"));
        assert!(looks_like_module(
            "main.js",
            "const a = 1;\nexport default a;"
        ));
        assert!(looks_like_module("main.mjs", "console.log(1)"));
        assert!(!looks_like_module(
            "main.js",
            "import('./x.js').then(console.log)"
        ));
        assert!(!looks_like_module("main.js", "const important = 1;"));
    }
}

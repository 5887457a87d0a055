//! Where the Python standard library comes from: the seam between the runner and the host.

use std::collections::HashMap;

use rustpython_vm::frozen::FrozenModule;

/// A module's code as a host supplies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleCode {
    /// Python source, compiled when it is imported.
    Source(String),
    /// A precompiled unit ([`compile_unit`](crate::compile_unit)), imported without compiling.
    Compiled(Vec<u8>),
}

/// A module supplied when a program imports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleUnit {
    /// The module's code.
    pub code: ModuleCode,
    /// Whether it is a package (`name/__init__.py`), so submodules can be imported from it.
    pub is_package: bool,
    /// Where it came from, shown in tracebacks (`<stdlib>/json/__init__.py`).
    pub origin: String,
}

/// Supplies standard-library modules to a [`PythonRunner`](crate::PythonRunner).
///
/// Two ways, used by different hosts:
/// - [`ModuleSource::frozen`]: precompiled modules installed when the interpreter starts (the CLI
///   embeds the whole library this way);
/// - [`ModuleSource::find`]: asked at import time for any module nothing else provides (the
///   browser worker fetches, caches and returns them here, so a `print("hi")` page never
///   downloads `json`).
pub trait ModuleSource: Send + Sync {
    /// Modules frozen into the interpreter at start-up.
    fn frozen(&self) -> Vec<(&'static str, FrozenModule)> {
        Vec::new()
    }

    /// A module by its dotted name, when this source has it.
    fn find(&self, name: &str) -> Option<ModuleUnit>;

    /// Names of every top-level module this source can supply (for the analyzer's import checks).
    fn module_names(&self) -> Vec<String>;
}

/// No standard library beyond the interpreter's native modules.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoModules;

impl ModuleSource for NoModules {
    fn find(&self, _name: &str) -> Option<ModuleUnit> {
        None
    }

    fn module_names(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Modules held in memory as source or precompiled units, keyed by dotted name (what a browser host fills after
/// fetching, and what tests use).
#[derive(Debug, Clone, Default)]
pub struct MemoryModules {
    units: HashMap<String, ModuleUnit>,
}

impl MemoryModules {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        MemoryModules::default()
    }

    /// Adds a module as source (`is_package` for `name/__init__.py`).
    #[must_use]
    pub fn with(self, name: &str, source: &str, is_package: bool) -> Self {
        self.with_code(name, ModuleCode::Source(source.to_owned()), is_package)
    }

    /// Adds a module as a precompiled unit (bytes from [`compile_unit`](crate::compile_unit)).
    #[must_use]
    pub fn with_compiled(self, name: &str, unit: Vec<u8>, is_package: bool) -> Self {
        self.with_code(name, ModuleCode::Compiled(unit), is_package)
    }

    fn with_code(mut self, name: &str, code: ModuleCode, is_package: bool) -> Self {
        self.units.insert(
            name.to_owned(),
            ModuleUnit {
                code,
                is_package,
                origin: stdlib_origin(name, is_package),
            },
        );
        self
    }
}

impl ModuleSource for MemoryModules {
    fn find(&self, name: &str) -> Option<ModuleUnit> {
        self.units.get(name).cloned()
    }

    fn module_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .units
            .keys()
            .filter(|n| !n.contains('.'))
            .cloned()
            .collect();
        names.sort();
        names
    }
}

/// The file name tracebacks show for a library module (`<stdlib>/json/__init__.py`); units are
/// compiled with it too, so both kinds of module read the same.
#[must_use]
pub fn stdlib_origin(name: &str, is_package: bool) -> String {
    let file = if is_package { "/__init__.py" } else { ".py" };
    format!("<stdlib>/{}{file}", name.replace('.', "/"))
}

/// RustPython's standard library, compiled and frozen into the binary at build time.
///
/// For native hosts only: frozen, the library is several megabytes (DESIGN.md §5).
#[cfg(feature = "embedded-stdlib")]
#[derive(Debug, Clone, Copy, Default)]
pub struct EmbeddedStdlib;

#[cfg(feature = "embedded-stdlib")]
impl ModuleSource for EmbeddedStdlib {
    fn frozen(&self) -> Vec<(&'static str, FrozenModule)> {
        rustpython_pylib::FROZEN_STDLIB.into_iter().collect()
    }

    fn find(&self, _name: &str) -> Option<ModuleUnit> {
        // Everything is frozen in already.
        None
    }

    fn module_names(&self) -> Vec<String> {
        let mut names: Vec<String> = rustpython_pylib::FROZEN_STDLIB
            .into_iter()
            .map(|(name, _)| name)
            .filter(|name| !name.contains('.') && !name.starts_with("test"))
            .map(str::to_owned)
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

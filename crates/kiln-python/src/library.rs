//! The standard library as a browser worker gets it: precompiled units listed by the build's
//! index (`pylib/index.json`), prefetched in parallel before a run and otherwise fetched one at a
//! time.
//!
//! Platform-neutral (tested natively): the network is a [`UnitFetch`] the host supplies (the
//! worker's synchronous request in kiln-worker's `browser.rs`).
//!
//! - A name the index does not have is answered "no such module" with no request at all.
//! - A unit is asked for only when the index has it; a 404 for it is remembered, a network error
//!   is not (the next import tries again).
//! - Without an index (its fetch failed when the worker started) the index itself is fetched when
//!   first needed, and again on the next import if that fails too.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use crate::{ModuleCode, ModuleSource, ModuleUnit, PylibIndex, stdlib_origin};

/// Where the index lives, relative to the library folder.
pub const INDEX_FILE: &str = "index.json";

/// A request that did not get an answer (offline, blocked, a server error): worth retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkError(pub String);

/// The host's way to fetch a file of the library folder synchronously.
pub trait UnitFetch: Send + Sync {
    /// The file at `path` (relative to the library folder): `Ok(None)` when the server says it
    /// does not exist (404).
    ///
    /// # Errors
    /// [`NetworkError`] when no answer came, or one that says nothing about the file.
    fn get(&self, path: &str) -> Result<Option<Vec<u8>>, NetworkError>;
}

/// The library as the index describes it, with the units fetched so far.
pub struct IndexedModules<F> {
    fetch: F,
    names: Vec<String>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    index: Option<PylibIndex>,
    /// Units by file path (`json/__init__.unit`).
    units: HashMap<String, Vec<u8>>,
    /// Files the server answered 404 for.
    missing: HashSet<String>,
}

impl<F: UnitFetch> IndexedModules<F> {
    /// The library behind `fetch`, with the index when the host already has it (`None` or text
    /// that is not an index: it is fetched when first needed).
    pub fn new(fetch: F, index_json: Option<&str>) -> Self {
        let index = index_json.and_then(|text| PylibIndex::from_json(text).ok());
        IndexedModules {
            fetch,
            names: crate::standard_module_names(),
            state: Mutex::new(State {
                index,
                ..State::default()
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Fetches the index if it is not there yet; whether there is one now.
    fn ensure_index(&self, state: &mut State) -> bool {
        if state.index.is_none()
            && let Ok(Some(bytes)) = self.fetch.get(INDEX_FILE)
        {
            state.index = PylibIndex::from_json(&String::from_utf8_lossy(&bytes)).ok();
        }
        state.index.is_some()
    }

    /// The unit files to fetch before running a program that imports `imports` (standard-library
    /// names, as the analyzer found them): the index's closure of those names, minus what is
    /// already here or known missing. Empty when nothing needs fetching (or there is no index).
    pub fn prefetch_plan(&self, imports: &[String]) -> Vec<String> {
        if imports.is_empty() {
            return Vec::new();
        }
        let mut state = self.state();
        if !self.ensure_index(&mut state) {
            return Vec::new();
        }
        let Some(index) = state.index.as_ref() else {
            return Vec::new();
        };
        index
            .closure(imports.iter().map(String::as_str))
            .into_iter()
            .filter_map(|name| index.get(&name).map(|entry| entry.file.clone()))
            .filter(|file| !state.units.contains_key(file) && !state.missing.contains(file))
            .collect()
    }

    /// Keeps a unit the host fetched (`path` as [`IndexedModules::prefetch_plan`] gave it).
    pub fn provide(&self, path: &str, unit: Vec<u8>) {
        self.state().units.insert(path.to_owned(), unit);
    }

    /// How many units are held (fetched or provided).
    pub fn held(&self) -> usize {
        self.state().units.len()
    }
}

impl<F: UnitFetch> ModuleSource for IndexedModules<F> {
    fn find(&self, name: &str) -> Option<ModuleUnit> {
        let mut state = self.state();
        if !self.ensure_index(&mut state) {
            return None;
        }
        let entry = state.index.as_ref()?.get(name)?.clone();
        let unit = match state.units.get(&entry.file) {
            Some(unit) => unit.clone(),
            None if state.missing.contains(&entry.file) => return None,
            None => match self.fetch.get(&entry.file) {
                Ok(Some(unit)) => {
                    state.units.insert(entry.file.clone(), unit.clone());
                    unit
                }
                Ok(None) => {
                    state.missing.insert(entry.file);
                    return None;
                }
                // Not remembered: the next import asks again.
                Err(NetworkError(_)) => return None,
            },
        };
        Some(ModuleUnit {
            code: ModuleCode::Compiled(unit),
            is_package: entry.package,
            origin: stdlib_origin(name, entry.package),
        })
    }

    fn module_names(&self) -> Vec<String> {
        self.names.clone()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::IndexEntry;

    /// A library folder in memory that records every request and can be switched offline.
    #[derive(Default, Clone)]
    struct Folder {
        files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
        requests: Arc<Mutex<Vec<String>>>,
        offline: Arc<Mutex<bool>>,
    }

    impl Folder {
        fn put(&self, path: &str, bytes: &[u8]) {
            self.files
                .lock()
                .unwrap()
                .insert(path.to_owned(), bytes.to_vec());
        }
        fn requests(&self) -> Vec<String> {
            self.requests.lock().unwrap().clone()
        }
        fn set_offline(&self, offline: bool) {
            *self.offline.lock().unwrap() = offline;
        }
    }

    impl UnitFetch for Folder {
        fn get(&self, path: &str) -> Result<Option<Vec<u8>>, NetworkError> {
            self.requests.lock().unwrap().push(path.to_owned());
            if *self.offline.lock().unwrap() {
                return Err(NetworkError("offline".to_owned()));
            }
            Ok(self.files.lock().unwrap().get(path).cloned())
        }
    }

    fn index() -> PylibIndex {
        let mut index = PylibIndex::default();
        for (name, package, imports) in [
            ("json", true, vec!["json.decoder"]),
            ("json.decoder", false, vec!["re"]),
            ("re", true, vec![]),
            ("abc", false, vec![]),
            ("gone", false, vec![]),
        ] {
            index.insert(
                name,
                IndexEntry {
                    file: PylibIndex::unit_path(name, package),
                    package,
                    size: 3,
                    imports: imports.into_iter().map(str::to_owned).collect(),
                },
            );
        }
        index
    }

    fn folder() -> Folder {
        let folder = Folder::default();
        for path in [
            "json/__init__.unit",
            "json/decoder.unit",
            "re/__init__.unit",
            "abc.unit",
        ] {
            folder.put(path, path.as_bytes());
        }
        folder.put(INDEX_FILE, index().to_json().as_bytes());
        folder
    }

    #[test]
    fn names_not_in_the_index_cost_no_request() {
        let folder = folder();
        let modules = IndexedModules::new(folder.clone(), Some(&index().to_json()));
        assert_eq!(modules.find("numpy"), None);
        assert_eq!(modules.find("json.nothing"), None);
        assert_eq!(modules.find(""), None);
        assert!(
            modules
                .prefetch_plan(&["math".to_owned(), "sys".to_owned()])
                .is_empty()
        );
        assert!(folder.requests().is_empty(), "{:?}", folder.requests());
    }

    #[test]
    fn prefetch_plans_the_closure_and_provided_units_need_no_request() {
        let folder = folder();
        let modules = IndexedModules::new(folder.clone(), Some(&index().to_json()));
        assert!(modules.prefetch_plan(&[]).is_empty());
        let plan = modules.prefetch_plan(&["json".to_owned(), "math".to_owned()]);
        assert_eq!(
            plan,
            [
                "json/__init__.unit",
                "json/decoder.unit",
                "re/__init__.unit"
            ]
        );
        for path in &plan {
            modules.provide(path, path.as_bytes().to_vec());
        }
        assert_eq!(modules.held(), 3);
        assert!(modules.prefetch_plan(&["json".to_owned()]).is_empty());
        let json = modules.find("json").unwrap();
        assert!(json.is_package);
        assert_eq!(json.origin, "<stdlib>/json/__init__.py");
        assert_eq!(
            json.code,
            ModuleCode::Compiled(b"json/__init__.unit".to_vec())
        );
        assert!(modules.find("json.decoder").is_some());
        assert!(folder.requests().is_empty(), "{:?}", folder.requests());
        // What no analysis saw is fetched on import, once.
        assert!(modules.find("abc").is_some());
        assert!(modules.find("abc").is_some());
        assert_eq!(folder.requests(), ["abc.unit"]);
    }

    #[test]
    fn a_network_error_is_not_remembered_but_a_404_is() {
        let folder = folder();
        let modules = IndexedModules::new(folder.clone(), Some(&index().to_json()));
        folder.set_offline(true);
        assert_eq!(modules.find("abc"), None);
        folder.set_offline(false);
        assert!(
            modules.find("abc").is_some(),
            "the retry after a network error found it"
        );
        assert_eq!(modules.find("gone"), None);
        assert_eq!(modules.find("gone"), None);
        assert_eq!(folder.requests(), ["abc.unit", "abc.unit", "gone.unit"]);
        assert!(modules.prefetch_plan(&["gone".to_owned()]).is_empty());
    }

    #[test]
    fn without_an_index_it_is_fetched_when_needed_and_retried_after_a_failure() {
        let folder = folder();
        let modules = IndexedModules::new(folder.clone(), Some("<html>not found</html>"));
        folder.set_offline(true);
        assert_eq!(modules.find("abc"), None);
        assert!(modules.prefetch_plan(&["json".to_owned()]).is_empty());
        folder.set_offline(false);
        assert_eq!(
            modules.prefetch_plan(&["re".to_owned()]),
            ["re/__init__.unit"]
        );
        assert!(modules.find("abc").is_some());
        assert_eq!(
            folder.requests(),
            [INDEX_FILE, INDEX_FILE, INDEX_FILE, "abc.unit"]
        );
    }
}

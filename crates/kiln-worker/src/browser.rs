//! The browser side: the handle the worker's JavaScript glue drives, the worker's clock, and
//! Python's standard library fetched on demand.

use std::cell::RefCell;
use std::sync::Arc;

use kiln_core::Clock;
use kiln_core::protocol::WorkerMessage;
use wasm_bindgen::prelude::*;

use crate::{Session, Setup};

thread_local! {
    /// The glue's callback; a worker has one thread and one handle.
    static CALLBACK: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
    /// The worker's `performance` object, when it has one.
    static PERFORMANCE: Option<web_sys::Performance> = js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .ok()
        .and_then(|scope| scope.performance());
}

/// Posts a message to the glue's callback as JSON text.
fn post(message: WorkerMessage) {
    let json = serde_json::to_string(&message).unwrap_or_else(|err| {
        format!(r#"{{"type":"failed","id":null,"message":"unencodable message: {err}"}}"#)
    });
    CALLBACK.with(|callback| {
        if let Some(callback) = callback.borrow().as_ref() {
            let _ = callback.call1(&JsValue::NULL, &JsValue::from_str(&json));
        }
    });
}

/// The worker's handle, created once by the glue (`new KilnWorker(callback, pylibUrl)`).
#[wasm_bindgen]
pub struct KilnWorker {
    session: Session,
}

#[wasm_bindgen]
impl KilnWorker {
    /// Starts the runner (for Python this starts the interpreter: do it when the worker starts,
    /// not on the first run). `callback` receives every answer as JSON text; `pylib_url` is the
    /// absolute URL of the folder holding Python's standard library (`…/pylib/`).
    #[wasm_bindgen(constructor)]
    #[must_use]
    pub fn new(callback: js_sys::Function, pylib_url: String) -> KilnWorker {
        CALLBACK.with(|slot| *slot.borrow_mut() = Some(callback));
        std::panic::set_hook(Box::new(|info| {
            post(WorkerMessage::Failed {
                id: None,
                message: format!("the worker stopped on an internal error (a bug in Kiln): {info}"),
            });
        }));
        #[cfg(not(feature = "python"))]
        let _ = pylib_url;
        let setup = Setup {
            clock: Arc::new(BrowserClock),
            stack_bytes: stack_bytes(),
            #[cfg(feature = "python")]
            modules: Arc::new(pylib::FetchedModules::new(pylib_url)),
        };
        KilnWorker {
            session: Session::new(setup, Arc::new(post)),
        }
    }

    /// Handles one message (JSON text of a `HostMessage`); answers through the callback.
    pub fn handle(&mut self, message: &str) {
        self.session.handle_json(message);
    }
}

/// The native stack left to the runner: the linker places the stack first in linear memory
/// (growing down towards address 0), so the address of a local is the room below it. It is the
/// `-zstack-size` the module was linked with (`wasm-pack.toml`), minus what the glue has used.
fn stack_bytes() -> usize {
    let probe = 0u8;
    let here = std::ptr::from_ref(&probe) as usize;
    // Keep a margin for the frames between here and the runner.
    here.saturating_sub(64 * 1024)
}

/// Time in a worker: `Date.now()` for the wall clock, `performance.now()` for durations.
struct BrowserClock;

impl Clock for BrowserClock {
    fn wall_time_ns(&self) -> u64 {
        millis_to_ns(js_sys::Date::now())
    }

    fn monotonic_ns(&self) -> u64 {
        // `performance.now()` is monotonic; `Date.now()` only stands in where it is missing.
        let now = PERFORMANCE.with(|p| p.as_ref().map(web_sys::Performance::now));
        millis_to_ns(now.unwrap_or_else(js_sys::Date::now))
    }
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn millis_to_ns(ms: f64) -> u64 {
    // Saturating float-to-int conversion: negative or NaN become 0.
    (ms * 1_000_000.0) as u64
}

#[cfg(feature = "python")]
mod pylib {
    //! Python's standard library, fetched module by module from the site (`pylib/`).

    use std::collections::{HashMap, HashSet};
    use std::sync::{Mutex, PoisonError};

    use kiln_python::{ModuleSource, ModuleUnit};

    /// Fetches standard-library modules with a synchronous request from inside the worker
    /// (allowed in workers; the program is waiting for its `import` anyway), caching every
    /// answer, including "not there".
    pub(super) struct FetchedModules {
        base: String,
        names: Vec<String>,
        known: HashSet<String>,
        cache: Mutex<HashMap<String, Option<ModuleUnit>>>,
    }

    impl FetchedModules {
        /// Modules under `base` (an absolute URL ending in `/`).
        pub(super) fn new(base: String) -> Self {
            let names = kiln_python::standard_module_names();
            FetchedModules {
                base,
                known: names.iter().cloned().collect(),
                names,
                cache: Mutex::new(HashMap::new()),
            }
        }

        fn fetch(&self, name: &str) -> Option<ModuleUnit> {
            let path = name.replace('.', "/");
            for (file, is_package) in [
                (format!("{path}.py"), false),
                (format!("{path}/__init__.py"), true),
            ] {
                if let Some(source) = get(&format!("{}{file}", self.base)) {
                    return Some(ModuleUnit {
                        source,
                        is_package,
                        origin: format!("<stdlib>/{file}"),
                    });
                }
            }
            None
        }
    }

    /// A synchronous GET; `None` unless it answers 200.
    fn get(url: &str) -> Option<String> {
        let request = web_sys::XmlHttpRequest::new().ok()?;
        request.open_with_async("GET", url, false).ok()?;
        request.send().ok()?;
        if request.status().ok()? != 200 {
            return None;
        }
        request.response_text().ok().flatten()
    }

    impl ModuleSource for FetchedModules {
        fn find(&self, name: &str) -> Option<ModuleUnit> {
            let top = name.split('.').next().unwrap_or(name);
            if !self.known.contains(top) || name.split('.').any(str::is_empty) {
                // Not part of the library: no request for the program's own typos.
                return None;
            }
            let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(found) = cache.get(name) {
                return found.clone();
            }
            let found = self.fetch(name);
            cache.insert(name.to_owned(), found.clone());
            found
        }

        fn module_names(&self) -> Vec<String> {
            self.names.clone()
        }
    }
}

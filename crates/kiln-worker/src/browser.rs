//! The browser side: the handle the worker's JavaScript glue drives, the worker's clock, and
//! the request that fetches Python's standard library (see [`kiln_python::IndexedModules`]).

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

/// The worker's handle, created once by the glue (`new KilnWorker(callback, pylibUrl, index)`).
#[wasm_bindgen]
pub struct KilnWorker {
    session: Session,
    #[cfg(feature = "python")]
    modules: Arc<kiln_python::IndexedModules<fetch::SyncRequest>>,
}

#[wasm_bindgen]
impl KilnWorker {
    /// Starts the runner (for Python this starts the interpreter: do it when the worker starts,
    /// not on the first run). `callback` receives every answer as JSON text; `pylib_url` is the
    /// absolute URL of the folder holding Python's standard library (`…/pylib/`), and
    /// `pylib_index` the text of its `index.json` when the glue fetched it (otherwise it is
    /// fetched on the first import).
    #[wasm_bindgen(constructor)]
    #[must_use]
    pub fn new(
        callback: js_sys::Function,
        pylib_url: String,
        pylib_index: Option<String>,
    ) -> KilnWorker {
        CALLBACK.with(|slot| *slot.borrow_mut() = Some(callback));
        std::panic::set_hook(Box::new(|info| {
            post(WorkerMessage::Failed {
                id: None,
                message: format!("the worker stopped on an internal error (a bug in Kiln): {info}"),
            });
        }));
        #[cfg(not(feature = "python"))]
        let _ = (pylib_url, pylib_index);
        #[cfg(feature = "python")]
        let modules = Arc::new(kiln_python::IndexedModules::new(
            fetch::SyncRequest { base: pylib_url },
            pylib_index.as_deref(),
        ));
        let setup = Setup {
            clock: Arc::new(BrowserClock),
            stack_bytes: stack_bytes(),
            #[cfg(feature = "python")]
            modules: modules.clone(),
        };
        KilnWorker {
            session: Session::new(setup, Arc::new(post)),
            #[cfg(feature = "python")]
            modules,
        }
    }

    /// Handles one message (JSON text of a `HostMessage`); answers through the callback.
    pub fn handle(&mut self, message: &str) {
        self.session.handle_json(message);
    }

    /// What to fetch for `message`: for a Python `run` or `check`, the library units its
    /// imports need (paths relative to the library folder) that the worker does not hold yet.
    /// The glue fetches them in parallel and hands each to [`KilnWorker::provide`]; a run waits
    /// for them before [`KilnWorker::handle`], a check does not. Empty for everything else (and
    /// for `print("hi")`).
    #[must_use]
    pub fn prefetch(&self, message: &str) -> Vec<String> {
        #[cfg(feature = "python")]
        {
            self.modules
                .prefetch_plan(&crate::standard_imports_of(message))
        }
        #[cfg(not(feature = "python"))]
        {
            let _ = message;
            Vec::new()
        }
    }

    /// Keeps a library unit the glue fetched (`path` as [`KilnWorker::prefetch`] named it).
    pub fn provide(&self, path: &str, unit: Vec<u8>) {
        #[cfg(feature = "python")]
        self.modules.provide(path, unit);
        #[cfg(not(feature = "python"))]
        let _ = (path, unit);
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
mod fetch {
    //! The synchronous request behind [`kiln_python::IndexedModules`].

    use kiln_python::{NetworkError, UnitFetch};
    use wasm_bindgen::JsCast;

    /// Files of the library folder at `base` (an absolute URL ending in `/`), fetched with a
    /// synchronous request from inside the worker (allowed in workers; the program is waiting for
    /// its `import` anyway).
    pub(super) struct SyncRequest {
        pub(super) base: String,
    }

    impl UnitFetch for SyncRequest {
        fn get(&self, path: &str) -> Result<Option<Vec<u8>>, NetworkError> {
            let url = format!("{}{path}", self.base);
            let failed = |what: &str| NetworkError(format!("{url}: {what}"));
            let request =
                web_sys::XmlHttpRequest::new().map_err(|_| failed("no XMLHttpRequest"))?;
            request
                .open_with_async("GET", &url, false)
                .map_err(|_| failed("cannot open"))?;
            request.set_response_type(web_sys::XmlHttpRequestResponseType::Arraybuffer);
            request.send().map_err(|_| failed("network error"))?;
            match request.status().map_err(|_| failed("no status"))? {
                200 => {
                    let body = request.response().map_err(|_| failed("no body"))?;
                    let buffer = body
                        .dyn_into::<js_sys::ArrayBuffer>()
                        .map_err(|_| failed("the body is not bytes"))?;
                    Ok(Some(js_sys::Uint8Array::new(&buffer).to_vec()))
                }
                404 => Ok(None),
                status => Err(failed(&format!("HTTP status {status}"))),
            }
        }
    }
}

//! The browser edge: the entry point `start`, bindings to the page's `Kiln` host and the editor
//! interop module (both handed in by `www/app.js`), opening the sessions (IndexedDB), and the
//! workspace the previous version kept in `localStorage` (read once, to move it).

use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use kiln_core::store::{DATABASE_NAME, MemoryStore, Store};
use kiln_vfs::Content;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::library::{Library, Started};
use crate::state::{Diagnostic, Language, Outcome, Persistence, RunRequest, Saved, Stream};

#[wasm_bindgen]
extern "C" {
    /// `window.Kiln` from `www/embed.js`.
    #[derive(Clone, Debug)]
    pub type KilnHost;

    #[wasm_bindgen(method, catch)]
    fn run(this: &KilnHost, options: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn check(this: &KilnHost, options: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn ready(this: &KilnHost, language: &str, on_progress: &Function) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn stop(this: &KilnHost, language: &str) -> Result<(), JsValue>;

    /// The `www/app-editor.js` module.
    #[derive(Clone, Debug)]
    pub type EditorHost;

    #[wasm_bindgen(method, catch)]
    fn mount(
        this: &EditorHost,
        parent: &web_sys::HtmlElement,
        options: &JsValue,
    ) -> Result<Promise, JsValue>;

    /// One mounted editor (see `www/app-editor.js`).
    #[derive(Clone, Debug)]
    pub type EditorHandle;

    #[wasm_bindgen(method, js_name = setDoc)]
    pub(crate) fn set_doc(this: &EditorHandle, doc: &str, language: &str) -> Promise;

    #[wasm_bindgen(method, js_name = showLine)]
    pub(crate) fn show_line(this: &EditorHandle, line: u32) -> Promise;

    #[wasm_bindgen(method)]
    pub(crate) fn focus(this: &EditorHandle);

    #[wasm_bindgen(method)]
    pub(crate) fn destroy(this: &EditorHandle);
}

/// The app's sessions: IndexedDB, or memory where the browser refuses it.
pub(crate) type AppLibrary = Library<Rc<dyn Store>>;

/// Mounts the app in `root` once its sessions are open. `kiln` is `window.Kiln` (embed.js),
/// `editor` the `app-editor.js` module.
///
/// # Errors
///
/// `root` is not an element.
#[wasm_bindgen]
pub async fn start(root: JsValue, kiln: JsValue, editor: JsValue) -> Result<(), JsValue> {
    let root: web_sys::Element = root.dyn_into().map_err(|_| {
        JsValue::from_str("kiln-app: start(root, …) needs the element to render into")
    })?;
    let hosts = crate::ui::Hosts {
        kiln: kiln.unchecked_into(),
        editor: editor.unchecked_into(),
    };
    let boot = open_library().await;
    yew::Renderer::<crate::ui::Main>::with_root_and_props(
        root,
        crate::ui::MainProps {
            hosts,
            boot: Rc::new(boot),
        },
    )
    .render();
    Ok(())
}

/// What the app starts with: its sessions, the session to show and what to tell the user.
pub(crate) struct Boot {
    pub(crate) library: Rc<AppLibrary>,
    pub(crate) started: Option<Started>,
    /// Set when sessions live in memory only, saying why.
    pub(crate) storage_note: Option<String>,
    /// A problem to show at once.
    pub(crate) problem: Option<String>,
}

/// Milliseconds since the Unix epoch (what the store records).
pub(crate) fn epoch_ms() -> u64 {
    let now = js_sys::Date::now();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a date in ms
    let ms = if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    };
    ms
}

/// Opens IndexedDB (memory if refused), moves a workspace the previous version left in
/// `localStorage` into a new session (removing the old key only once it is saved on this
/// device), and finds the session to show.
async fn open_library() -> Boot {
    let (store, mut storage_note): (Rc<dyn Store>, Option<String>) =
        match kiln_web::IdbStore::open(DATABASE_NAME).await {
            Ok(store) => (Rc::new(store), None),
            Err(err) => (
                Rc::new(MemoryStore::new()),
                Some(capitalised(&err.to_string())),
            ),
        };
    let mut problem = None;
    let legacy = match LocalStorage::new().load() {
        Ok(saved) => saved,
        Err(err) => {
            problem = Some(format!(
                "The workspace saved by the previous version could not be read ({err}); it was left where it is."
            ));
            None
        }
    };
    let library = Rc::new(Library::new(store));
    let started = match library.start(legacy.clone(), epoch_ms()).await {
        Ok(started) => {
            if started.migrated && storage_note.is_none() {
                LocalStorage::new().remove();
            }
            Some(started)
        }
        Err(err) => {
            // Keep working in memory (the old workspace included), and say why.
            let memory = Rc::new(Library::new(Rc::new(MemoryStore::new()) as Rc<dyn Store>));
            storage_note = Some(format!(
                "{err} Until then, changes are kept in memory only."
            ));
            let started = memory.start(legacy, epoch_ms()).await.ok();
            return Boot {
                library: memory,
                started,
                storage_note,
                problem,
            };
        }
    };
    Boot {
        library,
        started,
        storage_note,
        problem,
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A JS value's message, for people.
pub(crate) fn message(err: &JsValue) -> String {
    if let Some(e) = err.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    err.as_string().unwrap_or_else(|| format!("{err:?}"))
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a plain object we made cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn content_value(content: &Content) -> JsValue {
    match content {
        Content::Text(text) => JsValue::from_str(text),
        Content::Binary(bytes) => Uint8Array::from(bytes.as_slice()).into(),
    }
}

/// `performance.now()`, or 0 without a window.
pub(crate) fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

impl KilnHost {
    /// `Kiln.ready(language, onProgress)`: resolves with the runner's name.
    pub(crate) async fn ready_runner(
        &self,
        language: Language,
        on_progress: impl Fn(u64, Option<u64>) + 'static,
    ) -> Result<String, String> {
        let progress = Closure::<dyn Fn(JsValue)>::new(move |p: JsValue| {
            let number = |key: &str| {
                Reflect::get(&p, &JsValue::from_str(key))
                    .ok()
                    .and_then(|v| v.as_f64())
                    .filter(|n| n.is_finite() && *n >= 0.0)
            };
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked above
            let bytes = number("bytes").unwrap_or(0.0) as u64;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let total = number("total").map(|t| t as u64);
            on_progress(bytes, total);
        });
        let promise = self
            .ready(language.id(), progress.as_ref().unchecked_ref())
            .map_err(|e| message(&e))?;
        let ready = JsFuture::from(promise).await.map_err(|e| {
            format!(
                "The {} runtime could not start: {}. Check the connection and press Run again.",
                language.title(),
                message(&e)
            )
        })?;
        drop(progress);
        Ok(Reflect::get(&ready, &JsValue::from_str("runner"))
            .ok()
            .and_then(|r| r.as_string())
            .unwrap_or_else(|| language.id().to_owned()))
    }

    /// `Kiln.run` with the request; `on_output` sees output as it arrives.
    pub(crate) async fn run_request(
        &self,
        request: &RunRequest,
        timeout_ms: u32,
        on_output: impl Fn(Stream, String) + 'static,
    ) -> Result<Outcome, String> {
        let options = Object::new();
        set(
            &options,
            "language",
            &JsValue::from_str(request.language.id()),
        );
        set(&options, "code", &content_value(&request.code));
        set(&options, "fileName", &JsValue::from_str(&request.file_name));
        set(&options, "timeoutMs", &JsValue::from(timeout_ms));
        let files = Object::new();
        for (path, content) in &request.files {
            set(&files, path, &content_value(content));
        }
        set(&options, "files", &files);
        let output =
            Closure::<dyn Fn(JsValue, JsValue)>::new(move |stream: JsValue, chunk: JsValue| {
                let stream = if stream.as_string().as_deref() == Some("stderr") {
                    Stream::Stderr
                } else {
                    Stream::Stdout
                };
                on_output(stream, chunk.as_string().unwrap_or_default());
            });
        set(&options, "onOutput", output.as_ref());
        let promise = self.run(&options).map_err(|e| message(&e))?;
        let outcome = JsFuture::from(promise)
            .await
            .map_err(|e| format!("Kiln could not run the program: {}", message(&e)))?;
        drop(output);
        let json = js_sys::JSON::stringify(&outcome)
            .map_err(|e| message(&e))?
            .as_string()
            .unwrap_or_default();
        serde_json::from_str(&json)
            .map_err(|e| format!("Kiln answered with an unexpected outcome: {e}"))
    }

    /// `Kiln.check` of one file's text; `workspace_files` are the paths of the other files, so
    /// the analyzer resolves imports of them (and suggests them for typos).
    pub(crate) async fn check_code(
        &self,
        language: Language,
        code: &str,
        file_name: &str,
        workspace_files: &[String],
    ) -> Result<Vec<Diagnostic>, String> {
        let options = Object::new();
        set(&options, "language", &JsValue::from_str(language.id()));
        set(&options, "code", &JsValue::from_str(code));
        set(&options, "fileName", &JsValue::from_str(file_name));
        let others: js_sys::Array = workspace_files
            .iter()
            .map(|path| JsValue::from_str(path))
            .collect();
        set(&options, "workspaceFiles", &others);
        let promise = self.check(&options).map_err(|e| message(&e))?;
        let answer = JsFuture::from(promise).await.map_err(|e| message(&e))?;
        let diagnostics =
            Reflect::get(&answer, &JsValue::from_str("diagnostics")).map_err(|e| message(&e))?;
        let json = js_sys::JSON::stringify(&diagnostics)
            .map_err(|e| message(&e))?
            .as_string()
            .unwrap_or_default();
        serde_json::from_str(&json).map_err(|e| e.to_string())
    }

    /// `Kiln.stop(language)`.
    pub(crate) fn stop_language(&self, language: Language) {
        let _ = self.stop(language.id());
    }
}

impl EditorHost {
    /// Mounts an editor in `parent`.
    pub(crate) async fn mount_editor(
        &self,
        parent: &web_sys::HtmlElement,
        doc: &str,
        language: &str,
        on_run: &Function,
        on_change: &Function,
    ) -> Result<EditorHandle, String> {
        let options = Object::new();
        set(&options, "doc", &JsValue::from_str(doc));
        set(&options, "language", &JsValue::from_str(language));
        set(&options, "onRun", on_run);
        set(&options, "onChange", on_change);
        let promise = self.mount(parent, &options).map_err(|e| message(&e))?;
        let handle = JsFuture::from(promise).await.map_err(|e| {
            format!(
                "The editor could not load: {}. Reload the page.",
                message(&e)
            )
        })?;
        Ok(handle.unchecked_into())
    }
}

/// The workspace the previous version kept in `localStorage` (one key): read once at start and
/// moved into a session.
pub(crate) struct LocalStorage {
    key: &'static str,
}

impl LocalStorage {
    pub(crate) const KEY: &'static str = "kiln-app:workspace";

    pub(crate) fn new() -> LocalStorage {
        LocalStorage { key: Self::KEY }
    }

    /// Removes the old key (once its workspace is saved in IndexedDB).
    pub(crate) fn remove(&self) {
        if let Ok(storage) = Self::storage() {
            let _ = storage.remove_item(self.key);
        }
    }

    fn storage() -> Result<web_sys::Storage, String> {
        web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .ok_or_else(|| {
                "this browser does not let the page keep data (private mode?)".to_owned()
            })
    }
}

impl Persistence for LocalStorage {
    fn load(&self) -> Result<Option<Saved>, String> {
        let text = Self::storage()?
            .get_item(self.key)
            .map_err(|e| message(&e))?;
        text.as_deref().map(crate::state::parse_saved).transpose()
    }

    fn save(&mut self, saved: &Saved) -> Result<(), String> {
        let text = crate::state::to_json(saved)?;
        Self::storage()?.set_item(self.key, &text).map_err(|e| {
            format!("the workspace could not be saved on this device ({}); download your files to keep them", message(&e))
        })
    }
}

/// Offers `bytes` as a download named `name`.
pub(crate) fn download(name: &str, bytes: &[u8]) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let parts = js_sys::Array::of1(&Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|e| message(&e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| message(&e))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| message(&e))?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(name.rsplit('/').next().unwrap_or(name));
    link.click();
    // Revoked a little later: some browsers start reading the blob after `click` returns.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
    Ok(())
}

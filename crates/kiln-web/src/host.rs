//! [`PageEnvironment`]: kiln-agent's [`Environment`] over the page's runner host, the
//! `window.Kiln` object of embed.js (CONTRACTS.md, "JavaScript: embed.js"). The assistant's
//! `run` and `diagnostics` tools then go through the same workers, pre-flight and limits as
//! the page's code cells.
//!
//! The JSON mapping is in `host_json.rs` (tested natively); this file only moves values across
//! the JavaScript boundary. The browser tests drive it with a small stand-in host; the real
//! embed.js behind it is exercised by the app's end-to-end tests (`tests/e2e`).

use futures_util::future::LocalBoxFuture;
use js_sys::{Array, Function, JSON, Promise, Reflect, Uint8Array};
use kiln_agent::{CheckReport, Environment, RunSpec, describe_runners};
use kiln_core::{Diagnostic, Language, Outcome};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

use crate::fetch::{AbortOnDrop, describe};
use crate::host_json::{
    MISSING_HOST, check_options, check_report_from_host, failed_check, known_language,
    missing_host_outcome, outcome_from_host, rejected_run_outcome, run_options,
    unknown_language_outcome,
};

/// Where the host object comes from.
#[derive(Debug, Clone)]
enum Source {
    /// `globalThis.Kiln`, looked up at each call (embed.js may load after the app starts).
    Global,
    /// An object the app passed in.
    Given(JsValue),
}

/// kiln-agent's [`Environment`] over the page's JavaScript runner host (`Kiln.run`,
/// `Kiln.check`).
///
/// - `run` → `Kiln.run(options)`. The language is the one the model named, else the file
///   extension's, else what `Kiln.check` detects; a program no language fits is refused with
///   the analyzer's reasons. Only the time limit crosses (embed.js sets the other budgets).
///   Dropping the future stops the run (its `AbortSignal`).
/// - `check` → `Kiln.check(options)`.
/// - `describe` → the languages this page runs ([`PageEnvironment::with_languages`]; all three
///   by default).
///
/// A missing host, a call that throws or rejects, or a result of the wrong shape never fails
/// the agent: it becomes an outcome (status `refused` or `error`) or a diagnostic whose message
/// says what is wrong and what to do.
#[derive(Debug, Clone)]
pub struct PageEnvironment {
    source: Source,
    languages: Vec<Language>,
}

impl Default for PageEnvironment {
    fn default() -> Self {
        Self::from_page()
    }
}

impl PageEnvironment {
    /// The host at `window.Kiln` (or `globalThis.Kiln` in a worker), found at each call.
    #[must_use]
    pub fn from_page() -> Self {
        PageEnvironment {
            source: Source::Global,
            languages: Language::ALL.to_vec(),
        }
    }

    /// The host `kiln` (an object with `run` and `check`, such as embed.js's module exports).
    #[must_use]
    pub fn with_host(kiln: JsValue) -> Self {
        PageEnvironment {
            source: Source::Given(kiln),
            languages: Language::ALL.to_vec(),
        }
    }

    /// The languages this page's build runs (a build made with `KILN_MODULES=js,wasm` has no
    /// Python), for [`Environment::describe`].
    #[must_use]
    pub fn with_languages(mut self, languages: &[Language]) -> Self {
        self.languages = languages.to_vec();
        self
    }

    /// The host object, if there is one.
    fn host(&self) -> Option<JsValue> {
        let host = match &self.source {
            Source::Given(host) => host.clone(),
            Source::Global => Reflect::get(&js_sys::global(), &JsValue::from_str("Kiln")).ok()?,
        };
        host.is_object().then_some(host)
    }

    /// Calls `host[method](options)` and awaits the result, as JSON. `Err` is what went wrong,
    /// in words: no such method, it threw, it rejected, or its result is not JSON.
    async fn call(
        host: &JsValue,
        method: &str,
        options: &serde_json::Value,
        signal: Option<&web_sys::AbortSignal>,
    ) -> Result<serde_json::Value, String> {
        let function = Reflect::get(host, &JsValue::from_str(method))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                format!(
                    "the page's `Kiln` object has no `{method}` function; load embed.js from \
                     the same Kiln build as the app"
                )
            })?;
        let options = JSON::parse(&options.to_string()).map_err(|e| describe(&e))?;
        if let Some(signal) = signal {
            // Setting a property on a fresh plain object cannot fail.
            let _ = Reflect::set(&options, &JsValue::from_str("signal"), signal);
        }
        let returned = function.call1(host, &options).map_err(|e| describe(&e))?;
        let result = JsFuture::from(Promise::resolve(&returned))
            .await
            .map_err(|e| describe(&e))?;
        to_json(&result)
    }

    async fn run_spec(&self, spec: RunSpec) -> Outcome {
        let Some(host) = self.host() else {
            return missing_host_outcome();
        };
        let language = match known_language(&spec) {
            Some(language) => language,
            None => {
                let others: Vec<String> = spec.files.iter().map(|f| f.path.clone()).collect();
                let report = self
                    .check_with(&host, &spec.file_name, &spec.code, &others)
                    .await;
                match report.language {
                    Some(language) => language,
                    None => return unknown_language_outcome(&spec.file_name, report),
                }
            }
        };
        let options = run_options(&spec, language);
        let controller = AbortController::new().ok();
        let mut guard = AbortOnDrop(controller.clone());
        let signal = controller.as_ref().map(AbortController::signal);
        let result = Self::call(&host, "run", &options, signal.as_ref()).await;
        guard.disarm();
        match result {
            Ok(value) => outcome_from_host(&value),
            Err(reason) => rejected_run_outcome(language, &reason),
        }
    }

    async fn check_with(
        &self,
        host: &JsValue,
        file_name: &str,
        source: &[u8],
        workspace_files: &[String],
    ) -> CheckReport {
        let options = check_options(file_name, source, workspace_files);
        match Self::call(host, "check", &options, None).await {
            Ok(value) => check_report_from_host(&value),
            Err(reason) => failed_check(Diagnostic::error(
                "runner-unavailable",
                format!(
                    "the analyzer in the page's runner could not check `{file_name}`: {reason}. \
                     If a runtime download failed, check the connection and try again"
                ),
            )),
        }
    }
}

impl Environment for PageEnvironment {
    fn run(&self, spec: RunSpec) -> LocalBoxFuture<'_, Outcome> {
        Box::pin(self.run_spec(spec))
    }

    fn check<'a>(
        &'a self,
        file_name: &'a str,
        source: &'a [u8],
        workspace_files: &'a [String],
    ) -> LocalBoxFuture<'a, CheckReport> {
        Box::pin(async move {
            match self.host() {
                Some(host) => {
                    self.check_with(&host, file_name, source, workspace_files)
                        .await
                }
                None => failed_check(Diagnostic::error("runner-unavailable", MISSING_HOST)),
            }
        })
    }

    fn describe(&self) -> String {
        if self.languages.is_empty() {
            return "- No runners: this page runs no programs, so `run` and `diagnostics` fail."
                .to_owned();
        }
        let mut text = describe_runners(&self.languages);
        if self.host().is_none() {
            text.push_str(
                "\n- The runners are not loaded on this page yet: `run` and `diagnostics` \
                 fail until it loads embed.js.",
            );
        }
        text
    }
}

/// A host result as JSON, with typed arrays (`filesWritten[].contents`) as arrays of numbers
/// (`JSON.stringify` would make them objects keyed by index).
fn to_json(value: &JsValue) -> Result<serde_json::Value, String> {
    if value.is_undefined() {
        return Ok(serde_json::Value::Null);
    }
    let replacer =
        Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(|_key: JsValue, value: JsValue| {
            match value.dyn_ref::<Uint8Array>() {
                Some(bytes) => Array::from(bytes).into(),
                None => value,
            }
        });
    let text = JSON::stringify_with_replacer(value, replacer.as_ref().unchecked_ref())
        .map_err(|e| format!("its result cannot be read: {}", describe(&e)))?;
    let text = text.as_string().unwrap_or_else(|| "null".to_owned());
    serde_json::from_str(&text).map_err(|e| format!("its result cannot be read: {e}"))
}

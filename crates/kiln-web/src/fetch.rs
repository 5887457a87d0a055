//! [`FetchTransport`]: kiln-core's [`HttpTransport`] over the browser's `fetch`.

use futures_util::future::LocalBoxFuture;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use kiln_core::http::{ByteStream, HttpError, HttpRequest, HttpResponse, HttpTransport};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, ReadableStreamDefaultReader, Request, RequestInit, Response,
};

/// [`HttpTransport`] over `fetch` (in a page or a worker).
///
/// The response resolves once the status and headers arrive; the body streams chunk by chunk
/// from the response's `ReadableStream`, so server-sent events are decoded as they come.
/// Dropping the [`HttpTransport::send`] future or the body stream before the end aborts the
/// request (`AbortController`), so a cancelled conversation stops downloading at once.
///
/// `fetch` rejects with a bare `TypeError` both when the network fails and when the browser's
/// cross-origin rules refuse the response, and says nothing more; that becomes
/// [`HttpError::CorsSuspected`], which kiln-assistant explains with what to check.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchTransport;

impl FetchTransport {
    /// A transport over the global `fetch`.
    #[must_use]
    pub fn new() -> Self {
        FetchTransport
    }
}

impl HttpTransport for FetchTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, HttpError>> {
        Box::pin(send(req))
    }
}

/// Aborts the request when dropped, unless disarmed (the body was read to the end).
/// Also stops a page host's run (`host.rs`) whose future is dropped.
pub(crate) struct AbortOnDrop(pub(crate) Option<AbortController>);

impl AbortOnDrop {
    pub(crate) fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.0.take() {
            controller.abort();
        }
    }
}

async fn send(req: HttpRequest) -> Result<HttpResponse, HttpError> {
    let controller = AbortController::new().map_err(|e| HttpError::InvalidRequest(describe(&e)))?;
    let mut guard = AbortOnDrop(Some(controller.clone()));
    let request = build_request(&req, &controller)?;
    let fetch = Reflect::get(&js_sys::global(), &JsValue::from_str("fetch"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| HttpError::Network("this browser context has no `fetch`".into()))?;
    let promise: Promise = fetch
        .call1(&js_sys::global(), &request)
        .map_err(|e| fetch_error(&req, &e))?
        .dyn_into()
        .map_err(|_| HttpError::Network("`fetch` did not return a promise".into()))?;
    let response: Response = JsFuture::from(promise)
        .await
        .map_err(|e| fetch_error(&req, &e))?
        .dyn_into()
        .map_err(|_| HttpError::Network("`fetch` did not resolve to a Response".into()))?;
    let headers = response_headers(&response.headers());
    let body: ByteStream = match response.body() {
        Some(stream) => {
            let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
            body_stream(reader, guard)
        }
        None => {
            guard.disarm();
            Box::pin(futures_util::stream::empty())
        }
    };
    Ok(HttpResponse {
        status: response.status(),
        headers,
        body,
    })
}

fn build_request(req: &HttpRequest, controller: &AbortController) -> Result<Request, HttpError> {
    let invalid = |e: JsValue| HttpError::InvalidRequest(describe(&e));
    let headers = Headers::new().map_err(invalid)?;
    for (name, value) in &req.headers {
        headers
            .append(name, value)
            .map_err(|e| HttpError::InvalidRequest(format!("header {name:?}: {}", describe(&e))))?;
    }
    let init = RequestInit::new();
    init.set_method(req.method.as_str());
    init.set_headers(&headers);
    init.set_signal(Some(&controller.signal()));
    if let Some(body) = &req.body {
        init.set_body(&Uint8Array::from(body.as_slice()));
    }
    Request::new_with_str_and_init(&req.url, &init)
        .map_err(|e| HttpError::InvalidRequest(format!("{}: {}", req.url, describe(&e))))
}

fn response_headers(headers: &Headers) -> Vec<(String, String)> {
    let Ok(Some(entries)) = js_sys::try_iter(headers) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let pair = Array::from(&entry);
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// The body as a stream of chunks read from `reader`; the request stays abortable (through
/// `guard`) until the last chunk.
fn body_stream(reader: ReadableStreamDefaultReader, guard: AbortOnDrop) -> ByteStream {
    Box::pin(futures_util::stream::unfold(
        Some((reader, guard)),
        |state| async move {
            let (reader, mut guard) = state?;
            match JsFuture::from(reader.read()).await {
                Ok(result) => {
                    let done = Reflect::get(&result, &JsValue::from_str("done"))
                        .ok()
                        .and_then(|d| d.as_bool())
                        .unwrap_or(true);
                    if done {
                        guard.disarm();
                        return None;
                    }
                    let value = Reflect::get(&result, &JsValue::from_str("value"))
                        .unwrap_or(JsValue::UNDEFINED);
                    let chunk = value
                        .dyn_into::<Uint8Array>()
                        .map(|bytes| bytes.to_vec())
                        .map_err(|_| HttpError::Body("a body chunk was not bytes".into()));
                    Some((chunk, Some((reader, guard))))
                }
                Err(error) => {
                    guard.disarm();
                    let error = match error_name(&error).as_str() {
                        "AbortError" => HttpError::Aborted,
                        _ => HttpError::Body(describe(&error)),
                    };
                    Some((Err(error), None))
                }
            }
        },
    ))
}

/// What a rejected `fetch` means.
fn fetch_error(req: &HttpRequest, error: &JsValue) -> HttpError {
    let detail = format!("{} {}: {}", req.method, req.url, describe(error));
    match error_name(error).as_str() {
        "AbortError" => HttpError::Aborted,
        "TimeoutError" => HttpError::Timeout(detail),
        // No status, no reason: a network failure or a CORS refusal, which browsers do not
        // tell apart on purpose.
        "TypeError" => HttpError::CorsSuspected(detail),
        _ => HttpError::Network(detail),
    }
}

fn error_name(error: &JsValue) -> String {
    Reflect::get(error, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default()
}

/// A thrown JavaScript value in words.
pub(crate) fn describe(error: &JsValue) -> String {
    let message = Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string());
    match (error_name(error), message) {
        (name, Some(message)) if !name.is_empty() => format!("{name}: {message}"),
        (_, Some(message)) => message,
        _ => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    }
}

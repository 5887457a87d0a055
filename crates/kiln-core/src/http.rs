//! A minimal HTTP client abstraction for code that talks to remote services (the assistant's
//! model providers) without knowing whether it runs in a browser or natively.
//!
//! A host supplies an [`HttpTransport`]: the browser one wraps `fetch`, the native one (in
//! `kiln-assistant`, feature `native`) wraps a blocking client on a thread. Responses stream: the
//! body is a [`ByteStream`] of chunks as they arrive, so server-sent events can be parsed as
//! they come.
//!
//! Nothing here requires `Send`: a browser `fetch` future is not `Send`, and the trait is used as
//! `Rc<dyn HttpTransport>` or `Arc<dyn HttpTransport>`.
//!
//! [`ScriptedTransport`] is an in-memory implementation for tests: it records the requests it
//! is sent and answers each with the next canned [`ScriptedResponse`], split into chunks of a
//! chosen size.
//!
//! ```
//! use kiln_core::http::{HttpRequest, HttpTransport, ScriptedResponse, ScriptedTransport, read_body};
//!
//! let transport = ScriptedTransport::new();
//! transport.push(ScriptedResponse::ok("hello world").chunked(3));
//! // Scripted responses are ready at once; real transports need an executor.
//! let response = futures_util::FutureExt::now_or_never(async {
//!     let response = transport.send(HttpRequest::get("https://example.invalid/")).await?;
//!     read_body(response.body).await
//! })
//! .unwrap();
//! assert_eq!(response.unwrap(), b"hello world");
//! assert_eq!(transport.requests()[0].url, "https://example.invalid/");
//! ```

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;

/// One body chunk or the error that ended the body.
pub type BodyChunk = Result<Vec<u8>, HttpError>;

/// A response body: chunks in arrival order. Ends when the body is complete; an `Err` item means
/// the body could not be read to its end.
pub type ByteStream = Pin<Box<dyn Stream<Item = BodyChunk>>>;

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl Method {
    /// The method's name as sent on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL, query string included.
    pub url: String,
    /// Header names and values in order. Names are compared case-insensitively.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
}

impl HttpRequest {
    /// A `GET` request with no headers.
    #[must_use]
    pub fn get(url: impl Into<String>) -> Self {
        HttpRequest {
            method: Method::Get,
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// A `POST` request with this body and no headers.
    #[must_use]
    pub fn post(url: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        HttpRequest {
            method: Method::Post,
            url: url.into(),
            headers: Vec::new(),
            body: Some(body.into()),
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first value of header `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// A response whose body is still streaming.
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values in order.
    pub headers: Vec<(String, String)>,
    /// The body as it arrives.
    pub body: ByteStream,
}

impl HttpResponse {
    /// The first value of header `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Whether the status is 2xx.
    #[must_use]
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a request or its body failed at the transport level (no HTTP status was involved; HTTP
/// error statuses are ordinary [`HttpResponse`]s).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The connection could not be made or broke (DNS, refused, TLS, reset).
    #[error("network error: {0}")]
    Network(String),
    /// The browser refused the request, most likely because the server does not allow
    /// cross-origin calls (browsers do not say more than that).
    #[error("the request was blocked, probably by the browser's cross-origin (CORS) rules: {0}")]
    CorsSuspected(String),
    /// No answer in time.
    #[error("the request timed out: {0}")]
    Timeout(String),
    /// The caller cancelled the request.
    #[error("the request was cancelled")]
    Aborted,
    /// The response started but its body could not be read to the end.
    #[error("reading the response failed: {0}")]
    Body(String),
    /// The request could not be formed (bad URL, bad header).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

/// Sends HTTP requests. Object-safe; futures and body streams need not be `Send`.
pub trait HttpTransport {
    /// Sends `req` and resolves once the status and headers have arrived; the body streams
    /// afterwards.
    ///
    /// # Errors
    ///
    /// An [`HttpError`] when no response could be had. An HTTP error status is not an error
    /// here.
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, HttpError>>;
}

impl<T: HttpTransport + ?Sized> HttpTransport for std::rc::Rc<T> {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, HttpError>> {
        (**self).send(req)
    }
}

impl<T: HttpTransport + ?Sized> HttpTransport for std::sync::Arc<T> {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, HttpError>> {
        (**self).send(req)
    }
}

impl<T: HttpTransport + ?Sized> HttpTransport for &T {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, HttpError>> {
        (**self).send(req)
    }
}

/// A [`ByteStream`] over chunks already in memory.
#[must_use]
pub fn stream_from_chunks(chunks: Vec<BodyChunk>) -> ByteStream {
    Box::pin(futures_util::stream::iter(chunks))
}

/// Reads a whole body into memory.
///
/// # Errors
///
/// The first error the body stream yields.
pub async fn read_body(mut body: ByteStream) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::new();
    while let Some(chunk) = body.next().await {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}

/// A canned answer for [`ScriptedTransport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptedResponse {
    /// Answer with this status, headers and body.
    Reply {
        /// The status code.
        status: u16,
        /// The headers.
        headers: Vec<(String, String)>,
        /// The whole body.
        body: Vec<u8>,
        /// Deliver the body in chunks of this many bytes (`0`: one chunk).
        chunk_size: usize,
        /// After the body, fail the stream with this error.
        fail_after: Option<HttpError>,
    },
    /// Fail `send` with this error.
    Fail(HttpError),
}

impl ScriptedResponse {
    /// A `200` response with this body, delivered in one chunk.
    #[must_use]
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Self::status(200, body)
    }

    /// A response with this status and body.
    #[must_use]
    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> Self {
        ScriptedResponse::Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
            chunk_size: 0,
            fail_after: None,
        }
    }

    /// Delivers the body in chunks of `size` bytes.
    #[must_use]
    pub fn chunked(mut self, size: usize) -> Self {
        if let ScriptedResponse::Reply { chunk_size, .. } = &mut self {
            *chunk_size = size;
        }
        self
    }

    /// Adds a response header.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        if let ScriptedResponse::Reply { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// Ends the body with `error` after its bytes.
    #[must_use]
    pub fn failing_after_body(mut self, error: HttpError) -> Self {
        if let ScriptedResponse::Reply { fail_after, .. } = &mut self {
            *fail_after = Some(error);
        }
        self
    }
}

/// An in-memory [`HttpTransport`] for tests: answers requests with queued
/// [`ScriptedResponse`]s in order and records every request. When the queue is empty it fails
/// with [`HttpError::Network`].
#[derive(Debug, Default)]
pub struct ScriptedTransport {
    responses: RefCell<VecDeque<ScriptedResponse>>,
    requests: RefCell<Vec<HttpRequest>>,
}

impl ScriptedTransport {
    /// A transport with nothing queued.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues an answer.
    pub fn push(&self, response: ScriptedResponse) {
        self.responses.borrow_mut().push_back(response);
    }

    /// The requests sent so far.
    #[must_use]
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests.borrow().clone()
    }

    /// How many answers are still queued.
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.responses.borrow().len()
    }
}

impl HttpTransport for ScriptedTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, HttpError>> {
        self.requests.borrow_mut().push(req);
        let next = self.responses.borrow_mut().pop_front();
        Box::pin(async move {
            match next {
                None => Err(HttpError::Network(
                    "ScriptedTransport has no response queued".into(),
                )),
                Some(ScriptedResponse::Fail(e)) => Err(e),
                Some(ScriptedResponse::Reply {
                    status,
                    headers,
                    body,
                    chunk_size,
                    fail_after,
                }) => {
                    let size = if chunk_size == 0 {
                        body.len().max(1)
                    } else {
                        chunk_size
                    };
                    let mut chunks: Vec<BodyChunk> =
                        body.chunks(size).map(|c| Ok(c.to_vec())).collect();
                    if let Some(e) = fail_after {
                        chunks.push(Err(e));
                    }
                    Ok(HttpResponse {
                        status,
                        headers,
                        body: stream_from_chunks(chunks),
                    })
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        futures_util::FutureExt::now_or_never(f).expect("scripted futures are ready at once")
    }

    #[test]
    fn scripted_transport_chunks_and_records() {
        let t = ScriptedTransport::new();
        t.push(
            ScriptedResponse::status(429, "abcdefg")
                .chunked(3)
                .with_header("Retry-After", "2"),
        );
        let resp =
            block_on(t.send(HttpRequest::post("http://x/", "body").with_header("A", "b"))).unwrap();
        assert_eq!(resp.status, 429);
        assert_eq!(resp.header("retry-after"), Some("2"));
        let chunks: Vec<_> = block_on(resp.body.collect::<Vec<_>>());
        assert_eq!(
            chunks,
            vec![Ok(b"abc".to_vec()), Ok(b"def".to_vec()), Ok(b"g".to_vec())]
        );
        assert_eq!(t.requests()[0].header("a"), Some("b"));
        assert_eq!(t.remaining(), 0);
        assert!(matches!(
            block_on(t.send(HttpRequest::get("http://x/"))),
            Err(HttpError::Network(_))
        ));
    }

    #[test]
    fn body_errors_surface() {
        let t = ScriptedTransport::new();
        t.push(ScriptedResponse::ok("ab").failing_after_body(HttpError::Body("reset".into())));
        let resp = block_on(t.send(HttpRequest::get("http://x/"))).unwrap();
        assert_eq!(
            block_on(read_body(resp.body)),
            Err(HttpError::Body("reset".into()))
        );
    }

    #[test]
    fn transport_is_object_safe() {
        let t: std::rc::Rc<dyn HttpTransport> = std::rc::Rc::new(ScriptedTransport::new());
        assert!(block_on(t.send(HttpRequest::get("http://x/"))).is_err());
    }
}

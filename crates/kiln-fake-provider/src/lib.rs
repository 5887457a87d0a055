//! A local fake model-provider server for tests.
//!
//! [`FakeProvider::start`] listens on `127.0.0.1` (a free port unless told otherwise) and
//! answers the four wire formats Kiln's assistant speaks, choosing the format by path:
//!
//! | path | format |
//! | --- | --- |
//! | `POST /v1/chat/completions`, `POST /chat/completions` | OpenAI Chat Completions |
//! | `POST /v1/responses`, `POST /responses` | OpenAI Responses |
//! | `POST /v1/messages` | Anthropic Messages |
//! | `POST /v1beta/models/{model}:streamGenerateContent` | Google Gemini |
//!
//! Each request takes the next [`Reply`] from the script queue and gets it rendered in the
//! called format as a server-sent-event stream with realistic framing (text in small deltas,
//! tool-call arguments split over several frames, usage frames, the format's end marker), or as
//! the format's JSON error body. With the queue empty it answers `400` with an error saying so.
//! Every request is recorded ([`FakeProvider::requests`]) so tests can check what the client
//! sent. `OPTIONS` preflights get `204` and every response carries
//! `Access-Control-Allow-Origin: *`, so browser tests can use it too.
//!
//! ```
//! use kiln_fake_provider::{FakeProvider, Reply};
//!
//! let server = FakeProvider::start(vec![Reply::text("Hello!")]).unwrap();
//! let base = server.url(); // e.g. "http://127.0.0.1:41234"
//! assert!(base.starts_with("http://127.0.0.1:"));
//! // Point a client at `{base}/v1` (OpenAI kinds) or `{base}` (Anthropic, Gemini).
//! server.push(Reply::tool_call("read_file", serde_json::json!({"path": "a.rs"})));
//! assert!(server.requests().is_empty());
//! ```
//!
//! # Scenario files
//!
//! The `kiln-fake-provider` binary reads a [`Scenario`] as JSON, e.g.
//!
//! ```json
//! {"port": 8787, "replies": [
//!   {"error": {"status": 429, "kind": "rate_limit", "retry_after": 1}},
//!   {"text": "Let me look."},
//!   {"tool_calls": [{"name": "read_file", "arguments": {"path": "src/main.rs"}}]},
//!   {"reasoning": {"reasoning": "Hmm.", "text": "Done."}},
//!   {"cut_after": {"frames": 3, "reply": {"text": "This will be cut off"}}},
//!   "malformed"
//! ]}
//! ```
//!
//! Error kinds: `auth`, `not_found`, `context_too_long`, `rate_limit`, `overloaded`, `server`,
//! `bad_request`. `status` `0` (or absent) means the kind's usual status; an empty `message`
//! means a realistic default message.
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

mod render;

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use render::Wire;

/// One tool call in a [`Reply::ToolCalls`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FakeToolCall {
    /// The tool's name.
    pub name: String,
    /// Its arguments.
    pub arguments: serde_json::Value,
}

/// The kinds of error a [`Reply::Error`] can play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Bad API key (401).
    Auth,
    /// Unknown model (404).
    NotFound,
    /// The prompt is longer than the context window (400).
    ContextTooLong,
    /// Rate limited (429).
    RateLimit,
    /// Overloaded (Anthropic 529, others 503).
    Overloaded,
    /// Internal error (500).
    Server,
    /// Other invalid request (400).
    BadRequest,
}

/// One scripted answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// Stream this text and end the turn.
    Text(String),
    /// Stream reasoning ("thinking"), then text.
    Reasoning {
        /// The reasoning text.
        reasoning: String,
        /// The answer text.
        text: String,
    },
    /// Stream these tool calls and stop for tool use.
    ToolCalls(Vec<FakeToolCall>),
    /// Answer with an HTTP error in the format's error body.
    Error {
        /// The status; `0` for the kind's usual one.
        #[serde(default)]
        status: u16,
        /// What kind of error.
        kind: ErrorKind,
        /// The message; empty for a realistic default.
        #[serde(default)]
        message: String,
        /// A `retry-after` header value in seconds.
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// Render `reply`, but send only its first `frames` SSE frames (then end the body).
    CutAfter {
        /// How many frames to send.
        frames: usize,
        /// The reply to cut.
        reply: Box<Reply>,
    },
    /// Send one good text frame, then a frame whose data is not valid JSON.
    Malformed,
}

impl Reply {
    /// [`Reply::Text`].
    #[must_use]
    pub fn text(text: impl Into<String>) -> Self {
        Reply::Text(text.into())
    }

    /// A [`Reply::ToolCalls`] with one call.
    #[must_use]
    pub fn tool_call(name: impl Into<String>, arguments: serde_json::Value) -> Self {
        Reply::ToolCalls(vec![FakeToolCall {
            name: name.into(),
            arguments,
        }])
    }

    /// A [`Reply::Error`] with the kind's usual status and message.
    #[must_use]
    pub fn error(kind: ErrorKind) -> Self {
        Reply::Error {
            status: 0,
            kind,
            message: String::new(),
            retry_after: None,
        }
    }

    /// A `429` with `retry-after: secs`.
    #[must_use]
    pub fn rate_limited(secs: u64) -> Self {
        Reply::Error {
            status: 429,
            kind: ErrorKind::RateLimit,
            message: String::new(),
            retry_after: Some(secs),
        }
    }

    /// [`Reply::CutAfter`].
    #[must_use]
    pub fn cut_after(frames: usize, reply: Reply) -> Self {
        Reply::CutAfter {
            frames,
            reply: Box::new(reply),
        }
    }
}

/// A scenario file for the binary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The port; `0` (or absent) for any free one.
    #[serde(default)]
    pub port: u16,
    /// The replies, in order.
    #[serde(default)]
    pub replies: Vec<Reply>,
}

/// A request the server received.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The path with its query string.
    pub path: String,
    /// The headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON (`Null` when it was not JSON).
    pub body: serde_json::Value,
    /// The body as text.
    pub raw_body: String,
    /// The wire format the path selected, if any.
    pub wire: Option<Wire>,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
struct State {
    replies: VecDeque<Reply>,
    requests: Vec<RecordedRequest>,
    served: usize,
    frame_delay: Duration,
}

/// The running server; stops when dropped.
pub struct FakeProvider {
    server: Arc<tiny_http::Server>,
    state: Arc<Mutex<State>>,
    port: u16,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeProvider")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FakeProvider {
    /// Starts on a free port of 127.0.0.1 with these replies queued.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound.
    pub fn start(replies: Vec<Reply>) -> std::io::Result<Self> {
        Self::start_on(0, replies)
    }

    /// Starts on `port` of 127.0.0.1 (`0`: any free one).
    ///
    /// # Errors
    ///
    /// When the port cannot be bound.
    pub fn start_on(port: u16, replies: Vec<Reply>) -> std::io::Result<Self> {
        let server = tiny_http::Server::http(("127.0.0.1", port))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let port = server.server_addr().to_ip().map_or(port, |a| a.port());
        let server = Arc::new(server);
        let state = Arc::new(Mutex::new(State {
            replies: replies.into(),
            ..State::default()
        }));
        let thread = {
            let server = Arc::clone(&server);
            let state = Arc::clone(&state);
            std::thread::Builder::new()
                .name("kiln-fake-provider".into())
                .spawn(move || {
                    while let Ok(request) = server.recv() {
                        handle(&state, request);
                    }
                })?
        };
        Ok(FakeProvider {
            server,
            state,
            port,
            thread: Some(thread),
        })
    }

    /// The server's root URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Queues another reply.
    pub fn push(&self, reply: Reply) {
        lock(&self.state).replies.push_back(reply);
    }

    /// The requests received so far, preflights included.
    #[must_use]
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }

    /// The `POST` requests received so far.
    #[must_use]
    pub fn posts(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect()
    }

    /// Waits this long before each frame of an event stream (default: none), so a browser
    /// shows the reply arriving bit by bit.
    pub fn set_frame_delay(&self, delay: Duration) {
        lock(&self.state).frame_delay = delay;
    }

    /// How many replies are still queued.
    #[must_use]
    pub fn remaining(&self) -> usize {
        lock(&self.state).replies.len()
    }

    /// Blocks until the server stops (for the binary).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

const ALLOW_HEADERS: &str = "authorization, content-type, accept, x-api-key, anthropic-version, \
    anthropic-dangerous-direct-browser-access, anthropic-beta, x-goog-api-key, http-referer, x-title";

fn header(name: &str, value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn handle(state: &Mutex<State>, mut request: tiny_http::Request) {
    let method = request.method().as_str().to_ascii_uppercase();
    let path = request.url().to_owned();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_ascii_lowercase(),
                h.value.as_str().to_owned(),
            )
        })
        .collect();
    let mut raw = String::new();
    let _ = request.as_reader().read_to_string(&mut raw);
    let wire = Wire::from_path(&path);
    let body = serde_json::from_str(&raw).unwrap_or(serde_json::Value::Null);
    let (reply, n, delay) = {
        let mut s = lock(state);
        let delay = s.frame_delay;
        s.requests.push(RecordedRequest {
            method: method.clone(),
            path: path.clone(),
            headers,
            body: body.clone(),
            raw_body: raw,
            wire,
        });
        if method == "OPTIONS" || wire.is_none() || method != "POST" {
            (None, 0, delay)
        } else {
            s.served += 1;
            (s.replies.pop_front(), s.served, delay)
        }
    };
    let mut out_headers: Vec<tiny_http::Header> = [
        ("Access-Control-Allow-Origin", "*"),
        (
            "Access-Control-Expose-Headers",
            "retry-after, retry-after-ms",
        ),
    ]
    .iter()
    .filter_map(|(n, v)| header(n, v))
    .collect();
    let rendered = if method == "OPTIONS" {
        out_headers.extend(
            [
                ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                ("Access-Control-Allow-Headers", ALLOW_HEADERS),
                ("Access-Control-Max-Age", "600"),
            ]
            .iter()
            .filter_map(|(n, v)| header(n, v)),
        );
        render::Rendered::empty(204)
    } else {
        match (wire, reply) {
            (None, _) => render::Rendered::not_found(&path),
            (Some(w), None) => render::Rendered::exhausted(w),
            (Some(w), Some(reply)) => render::render(w, &reply, n, &body),
        }
    };
    if let Some(frames) = rendered.frames {
        let mut head = format!("HTTP/1.1 {} OK\r\n", rendered.status);
        for h in &out_headers {
            head.push_str(&format!("{}: {}\r\n", h.field, h.value));
        }
        for (n, v) in &rendered.headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("Transfer-Encoding: chunked\r\n\r\n");
        stream_frames(request.into_writer(), &head, &frames, delay);
        return;
    }
    out_headers.extend(rendered.headers.iter().filter_map(|(n, v)| header(n, v)));
    let len = rendered.body.len();
    let response = tiny_http::Response::new(
        tiny_http::StatusCode(rendered.status),
        out_headers,
        std::io::Cursor::new(rendered.body),
        Some(len),
        None,
    );
    let _ = request.respond(response);
}

/// Writes an event stream by hand with chunked transfer encoding, one HTTP chunk per frame,
/// flushing after each so clients see the frames arrive separately.
fn stream_frames(mut w: Box<dyn Write + Send>, head: &str, frames: &[String], delay: Duration) {
    let mut send = |bytes: &[u8]| -> std::io::Result<()> {
        w.write_all(bytes)?;
        w.flush()
    };
    if send(head.as_bytes()).is_err() {
        return;
    }
    for frame in frames {
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        let chunk = format!("{:x}\r\n{frame}\r\n", frame.len());
        if send(chunk.as_bytes()).is_err() {
            return;
        }
    }
    let _ = send(b"0\r\n\r\n");
}

//! Providers: request builders and incremental stream decoders for each wire format.
//!
//! [`build_request`] turns a [`ChatRequest`] into the [`HttpRequest`] for the configured
//! provider; a [`Decoder`] turns the response body, fed in chunks of any size, into
//! [`StreamEvent`]s. Four wire formats cover the six [`ProviderKind`]s:
//!
//! | kind | format | default base URL |
//! | --- | --- | --- |
//! | [`ProviderKind::OpenAi`] | Chat Completions | `https://api.openai.com/v1` |
//! | [`ProviderKind::OpenAiResponses`] | Responses | `https://api.openai.com/v1` |
//! | [`ProviderKind::Anthropic`] | Messages | `https://api.anthropic.com` |
//! | [`ProviderKind::Gemini`] | `streamGenerateContent` | `https://generativelanguage.googleapis.com` |
//! | [`ProviderKind::OpenRouter`] | Chat Completions | `https://openrouter.ai/api/v1` |
//! | [`ProviderKind::OpenAiCompatible`] | Chat Completions | `http://localhost:11434/v1` (Ollama) |

mod anthropic;
mod gemini;
mod openai_chat;
mod openai_responses;

pub use gemini::clean_schema as clean_gemini_schema;

use std::collections::BTreeMap;

use kiln_core::http::HttpRequest;
use serde::{Deserialize, Serialize};

use crate::conversation::{Message, ToolCall};
use crate::error::{ProviderError, truncate};
use crate::sse::{SseEvent, SseParser};
use crate::usage::Usage;

/// Which provider (and so which wire format) to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// OpenAI, Chat Completions API.
    OpenAi,
    /// OpenAI, Responses API.
    OpenAiResponses,
    /// Anthropic Messages API.
    Anthropic,
    /// Google Gemini API.
    Gemini,
    /// OpenRouter (Chat Completions).
    OpenRouter,
    /// Any server speaking Chat Completions: Ollama, LM Studio, llama.cpp, vLLM...
    OpenAiCompatible,
}

impl ProviderKind {
    /// The provider's name for messages.
    #[must_use]
    pub fn display_name(self) -> &'static str {
        match self {
            ProviderKind::OpenAi | ProviderKind::OpenAiResponses => "OpenAI",
            ProviderKind::Anthropic => "Anthropic",
            ProviderKind::Gemini => "Gemini",
            ProviderKind::OpenRouter => "OpenRouter",
            ProviderKind::OpenAiCompatible => "the local model server",
        }
    }

    /// The base URL used when [`ProviderConfig::base_url`] is `None`.
    #[must_use]
    pub fn default_base_url(self) -> &'static str {
        match self {
            ProviderKind::OpenAi | ProviderKind::OpenAiResponses => "https://api.openai.com/v1",
            ProviderKind::Anthropic => "https://api.anthropic.com",
            ProviderKind::Gemini => "https://generativelanguage.googleapis.com",
            ProviderKind::OpenRouter => "https://openrouter.ai/api/v1",
            ProviderKind::OpenAiCompatible => "http://localhost:11434/v1",
        }
    }

    /// Whether requests need an API key.
    #[must_use]
    pub fn needs_key(self) -> bool {
        !matches!(self, ProviderKind::OpenAiCompatible)
    }
}

/// Where and how to reach a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderConfig {
    /// The provider.
    pub kind: ProviderKind,
    /// The API root, without a trailing slash; `None` for [`ProviderKind::default_base_url`].
    /// For Anthropic and Gemini it is the host root (paths `/v1/messages`,
    /// `/v1beta/models/...` are appended); for the others it includes `/v1`.
    #[serde(default)]
    pub base_url: Option<String>,
    /// The API key (optional for local servers).
    #[serde(default)]
    pub api_key: Option<String>,
    /// Extra headers sent with every request (e.g. OpenRouter's `HTTP-Referer`, `X-Title`).
    #[serde(default)]
    pub extra_headers: Vec<(String, String)>,
}

impl ProviderConfig {
    /// A config with the default base URL and no key.
    #[must_use]
    pub fn new(kind: ProviderKind) -> Self {
        ProviderConfig {
            kind,
            base_url: None,
            api_key: None,
            extra_headers: Vec::new(),
        }
    }

    /// Sets the API key.
    #[must_use]
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Sets the base URL.
    #[must_use]
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Adds an extra header.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    /// The base URL in use, without a trailing slash.
    #[must_use]
    pub fn base(&self) -> &str {
        self.base_url
            .as_deref()
            .unwrap_or(self.kind.default_base_url())
            .trim_end_matches('/')
    }
}

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    /// Its name.
    pub name: String,
    /// What it does, for the model.
    pub description: String,
    /// A JSON schema of its arguments object.
    pub parameters: serde_json::Value,
}

/// How hard a reasoning model should think.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasoningEffort {
    /// Little.
    Low,
    /// Some.
    Medium,
    /// Much.
    High,
}

impl ReasoningEffort {
    fn as_str(self) -> &'static str {
        match self {
            ReasoningEffort::Low => "low",
            ReasoningEffort::Medium => "medium",
            ReasoningEffort::High => "high",
        }
    }

    /// Thinking-token budget for providers that take one (Anthropic, Gemini).
    fn budget(self) -> u32 {
        match self {
            ReasoningEffort::Low => 1024,
            ReasoningEffort::Medium => 4096,
            ReasoningEffort::High => 16384,
        }
    }
}

/// One model call.
#[derive(Debug, Clone, Copy)]
pub struct ChatRequest<'a> {
    /// The model id.
    pub model: &'a str,
    /// The system prompt (may be empty).
    pub system: &'a str,
    /// The conversation so far.
    pub messages: &'a [Message],
    /// The tools the model may call.
    pub tools: &'a [ToolSpec],
    /// The most output tokens (Anthropic requires one; 8192 is used when `None`).
    pub max_output_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f32>,
    /// Reasoning effort for models that reason.
    pub reasoning: Option<ReasoningEffort>,
}

impl<'a> ChatRequest<'a> {
    /// A request with no tools, limits or reasoning settings.
    #[must_use]
    pub fn new(model: &'a str, system: &'a str, messages: &'a [Message]) -> Self {
        ChatRequest {
            model,
            system,
            messages,
            tools: &[],
            max_output_tokens: None,
            temperature: None,
            reasoning: None,
        }
    }
}

/// Why the model stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// It finished its turn.
    EndTurn,
    /// It wants tool results.
    ToolUse,
    /// It hit the output limit.
    MaxTokens,
    /// The provider's filter stopped it.
    ContentFilter,
    /// Anything else, as the provider said it.
    Other(String),
}

/// One thing that happened in a response stream.
///
/// Tool calls arrive as `ToolCallStart`, any number of `ToolCallDelta`s, then `ToolCallEnd`
/// with the assembled call; `index` tells concurrent calls apart within one response.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// More answer text.
    TextDelta(String),
    /// More reasoning text.
    ReasoningDelta(String),
    /// The signature (or encrypted content) of the current reasoning block.
    ReasoningSignature(String),
    /// A tool call began.
    ToolCallStart {
        /// Its position key within the response.
        index: usize,
        /// Its id.
        id: String,
        /// The tool's name.
        name: String,
    },
    /// More of a tool call's JSON arguments.
    ToolCallDelta {
        /// The call's position key.
        index: usize,
        /// The next piece of argument text.
        args_fragment: String,
    },
    /// A tool call is complete; `call` holds its parsed arguments (or the parse error).
    ToolCallEnd {
        /// The call's position key.
        index: usize,
        /// The complete call.
        call: ToolCall,
    },
    /// Token usage of this response so far; the last one is the total.
    Usage(Usage),
    /// The model stopped.
    Stop(StopReason),
}

impl StreamEvent {
    /// Whether this event is model output (anything but usage), which makes a retry unsafe.
    #[must_use]
    pub fn is_output(&self) -> bool {
        !matches!(self, StreamEvent::Usage(_))
    }
}

/// Builds the HTTP request for `req` on the configured provider.
///
/// # Errors
///
/// [`ProviderError::InvalidRequest`] when the request cannot be sent to this provider (e.g. a
/// missing API key for a hosted provider).
pub fn build_request(
    config: &ProviderConfig,
    req: &ChatRequest<'_>,
) -> Result<HttpRequest, ProviderError> {
    let key = config.api_key.as_deref().filter(|k| !k.is_empty());
    if config.kind.needs_key() && key.is_none() {
        return Err(ProviderError::InvalidRequest(format!(
            "no API key set for {}",
            config.kind.display_name()
        )));
    }
    let base = config.base();
    let (url, body, mut headers) = match config.kind {
        ProviderKind::OpenAi | ProviderKind::OpenRouter | ProviderKind::OpenAiCompatible => (
            format!("{base}/chat/completions"),
            openai_chat::body(config.kind, req),
            bearer(key),
        ),
        ProviderKind::OpenAiResponses => (
            format!("{base}/responses"),
            openai_responses::body(req),
            bearer(key),
        ),
        ProviderKind::Anthropic => (
            format!("{base}/v1/messages"),
            anthropic::body(req),
            anthropic::headers(key),
        ),
        ProviderKind::Gemini => (
            format!(
                "{base}/v1beta/models/{}:streamGenerateContent?alt=sse",
                req.model
            ),
            gemini::body(req),
            key.map(|k| vec![("x-goog-api-key".to_owned(), k.to_owned())])
                .unwrap_or_default(),
        ),
    };
    headers.push(("content-type".to_owned(), "application/json".to_owned()));
    headers.push(("accept".to_owned(), "text/event-stream".to_owned()));
    headers.extend(config.extra_headers.iter().cloned());
    let body = serde_json::to_vec(&body)
        .map_err(|e| ProviderError::InvalidRequest(format!("cannot encode the body: {e}")))?;
    let mut http = HttpRequest::post(url, body);
    http.headers = headers;
    Ok(http)
}

fn bearer(key: Option<&str>) -> Vec<(String, String)> {
    key.map(|k| vec![("authorization".to_owned(), format!("Bearer {k}"))])
        .unwrap_or_default()
}

/// Per-format decoding state behind [`Decoder`].
enum Format {
    Chat(openai_chat::State),
    Responses(openai_responses::State),
    Anthropic(anthropic::State),
    Gemini(gemini::State),
}

/// Turns a response body into [`StreamEvent`]s, incrementally.
///
/// Feed chunks as they arrive with [`Decoder::feed`], then call [`Decoder::finish`] at the end
/// of the body: it reports [`ProviderError::StreamCut`] when the provider's end marker never
/// came (`[DONE]`, `message_stop`, `response.completed`, a Gemini `finishReason`). For
/// [`ProviderKind::OpenAiCompatible`] a `finish_reason` without `[DONE]` is accepted, since
/// some local servers omit it.
pub struct Decoder {
    kind: ProviderKind,
    model: String,
    sse: SseParser,
    format: Format,
    out: Out,
    failed: bool,
}

impl Decoder {
    /// A decoder for a response to a request for `model` on provider `kind`.
    #[must_use]
    pub fn new(kind: ProviderKind, model: &str) -> Self {
        let format = match kind {
            ProviderKind::OpenAi | ProviderKind::OpenRouter | ProviderKind::OpenAiCompatible => {
                Format::Chat(openai_chat::State::default())
            }
            ProviderKind::OpenAiResponses => Format::Responses(openai_responses::State::default()),
            ProviderKind::Anthropic => Format::Anthropic(anthropic::State::default()),
            ProviderKind::Gemini => Format::Gemini(gemini::State::default()),
        };
        Decoder {
            kind,
            model: model.to_owned(),
            sse: SseParser::new(),
            format,
            out: Out::default(),
            failed: false,
        }
    }

    /// Sets the prefix of synthesised tool-call ids (Gemini sends none); ids are
    /// `{prefix}_{n}`. Use a prefix unique per response, e.g. the message id.
    #[must_use]
    pub fn with_id_prefix(mut self, prefix: &str) -> Self {
        if let Format::Gemini(s) = &mut self.format {
            prefix.clone_into(&mut s.id_prefix);
        }
        self
    }

    /// Decodes `bytes`, appending the events they completed to `events`.
    ///
    /// # Errors
    ///
    /// [`ProviderError::MalformedFrame`] for a frame that is not the expected JSON, or the
    /// provider's classified error when it reports one inside the stream. Events decoded
    /// before the error are still appended. After an error the decoder yields nothing more.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        events: &mut Vec<StreamEvent>,
    ) -> Result<(), ProviderError> {
        if self.failed {
            return Ok(());
        }
        let frames = self.sse.feed(bytes);
        self.handle(frames, events)
    }

    /// Ends the body, appending the last events to `events`.
    ///
    /// # Errors
    ///
    /// As for [`Decoder::feed`], plus [`ProviderError::StreamCut`] when the response did not
    /// finish.
    pub fn finish(&mut self, events: &mut Vec<StreamEvent>) -> Result<(), ProviderError> {
        if self.failed {
            return Ok(());
        }
        let frames = self.sse.finish();
        self.handle(frames, events)?;
        let done = match &self.format {
            Format::Chat(s) => {
                s.done || (self.kind == ProviderKind::OpenAiCompatible && s.finished)
            }
            Format::Responses(s) => s.done,
            Format::Anthropic(s) => s.done,
            Format::Gemini(s) => s.done,
        };
        if !done {
            self.failed = true;
            return Err(ProviderError::StreamCut {
                provider: self.kind.display_name().to_owned(),
                detail: match &self.format {
                    Format::Chat(_) => "no `data: [DONE]`",
                    Format::Responses(_) => "no `response.completed` event",
                    Format::Anthropic(_) => "no `message_stop` event",
                    Format::Gemini(_) => "no `finishReason`",
                }
                .to_owned(),
            });
        }
        self.out.end_all_tools();
        events.append(&mut self.out.events);
        Ok(())
    }

    fn handle(
        &mut self,
        frames: Vec<SseEvent>,
        events: &mut Vec<StreamEvent>,
    ) -> Result<(), ProviderError> {
        for frame in frames {
            let ctx = Ctx {
                kind: self.kind,
                model: &self.model,
            };
            let result = match &mut self.format {
                Format::Chat(s) => s.on_frame(&ctx, &frame, &mut self.out),
                Format::Responses(s) => s.on_frame(&ctx, &frame, &mut self.out),
                Format::Anthropic(s) => s.on_frame(&ctx, &frame, &mut self.out),
                Format::Gemini(s) => s.on_frame(&ctx, &frame, &mut self.out),
            };
            events.append(&mut self.out.events);
            if let Err(e) = result {
                self.failed = true;
                return Err(e);
            }
        }
        Ok(())
    }
}

/// What a format's frame handler needs to know.
pub(crate) struct Ctx<'a> {
    pub(crate) kind: ProviderKind,
    pub(crate) model: &'a str,
}

impl Ctx<'_> {
    /// Parses a frame's data as JSON.
    pub(crate) fn json(&self, frame: &SseEvent) -> Result<serde_json::Value, ProviderError> {
        serde_json::from_str(&frame.data).map_err(|e| ProviderError::MalformedFrame {
            provider: self.kind.display_name().to_owned(),
            detail: format!("invalid JSON in a `{}` data line: {e}", frame.event),
            frame: truncate(&frame.data, 200),
        })
    }

    /// A frame whose JSON lacks what the format requires.
    pub(crate) fn malformed(&self, frame: &SseEvent, what: &str) -> ProviderError {
        ProviderError::MalformedFrame {
            provider: self.kind.display_name().to_owned(),
            detail: what.to_owned(),
            frame: truncate(&frame.data, 200),
        }
    }
}

/// Collects events and assembles tool calls.
#[derive(Default)]
pub(crate) struct Out {
    events: Vec<StreamEvent>,
    open: BTreeMap<usize, (String, String, String)>,
    any_tool: bool,
    usage: Usage,
}

impl Out {
    pub(crate) fn text(&mut self, s: &str) {
        if !s.is_empty() {
            self.events.push(StreamEvent::TextDelta(s.to_owned()));
        }
    }

    pub(crate) fn reasoning(&mut self, s: &str) {
        if !s.is_empty() {
            self.events.push(StreamEvent::ReasoningDelta(s.to_owned()));
        }
    }

    pub(crate) fn signature(&mut self, s: &str) {
        if !s.is_empty() {
            self.events
                .push(StreamEvent::ReasoningSignature(s.to_owned()));
        }
    }

    pub(crate) fn tool_start(&mut self, index: usize, id: &str, name: &str) {
        self.any_tool = true;
        self.open
            .insert(index, (id.to_owned(), name.to_owned(), String::new()));
        self.events.push(StreamEvent::ToolCallStart {
            index,
            id: id.to_owned(),
            name: name.to_owned(),
        });
    }

    pub(crate) fn is_open(&self, index: usize) -> bool {
        self.open.contains_key(&index)
    }

    pub(crate) fn tool_delta(&mut self, index: usize, fragment: &str) {
        if fragment.is_empty() {
            return;
        }
        if let Some((_, _, args)) = self.open.get_mut(&index) {
            args.push_str(fragment);
            self.events.push(StreamEvent::ToolCallDelta {
                index,
                args_fragment: fragment.to_owned(),
            });
        }
    }

    /// Ends call `index`; `full_args` (when the format repeats the complete arguments) is
    /// used if no fragments came.
    pub(crate) fn tool_end(&mut self, index: usize, full_args: Option<&str>) {
        if let Some((id, name, mut args)) = self.open.remove(&index) {
            if args.is_empty()
                && let Some(full) = full_args
            {
                full.clone_into(&mut args);
            }
            self.events.push(StreamEvent::ToolCallEnd {
                index,
                call: ToolCall::from_raw(id, name, &args),
            });
        }
    }

    pub(crate) fn end_all_tools(&mut self) {
        let open: Vec<usize> = self.open.keys().copied().collect();
        for i in open {
            self.tool_end(i, None);
        }
    }

    /// Updates the running usage with `f` and reports it.
    pub(crate) fn usage(&mut self, f: impl FnOnce(&mut Usage)) {
        f(&mut self.usage);
        self.events.push(StreamEvent::Usage(self.usage));
    }

    /// Ends open tool calls and reports the stop; a plain end with tool calls is `ToolUse`.
    pub(crate) fn stop(&mut self, reason: StopReason) {
        self.end_all_tools();
        let reason = if reason == StopReason::EndTurn && self.any_tool {
            StopReason::ToolUse
        } else {
            reason
        };
        self.events.push(StreamEvent::Stop(reason));
    }
}

/// Text of a compaction marker as sent to models.
pub(crate) fn compaction_text(summary: &str) -> String {
    format!("[Summary of the earlier conversation]\n{summary}")
}

/// Reads a non-negative integer field.
pub(crate) fn u64_at(v: &serde_json::Value, key: &str) -> Option<u64> {
    v.get(key).and_then(serde_json::Value::as_u64)
}

#[cfg(test)]
mod tests;

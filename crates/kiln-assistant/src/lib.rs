//! The model-provider layer of Kiln's coding assistant: it talks to model providers directly
//! (from the browser or the CLI) with the user's own key.
//!
//! - [`conversation`]: the stored data — [`Session`], [`Message`], [`Part`], [`ToolCall`].
//! - [`provider`]: [`ProviderConfig`], [`ChatRequest`] → [`build_request`] → `HttpRequest`;
//!   [`Decoder`] turns the streamed body into [`StreamEvent`]s for OpenAI Chat Completions
//!   (also OpenRouter, Ollama, LM Studio, llama.cpp), OpenAI Responses, Anthropic Messages and
//!   Google Gemini.
//! - [`Accumulator`] folds events into the final assistant [`Message`].
//! - [`ProviderError`]: classified failures in plain words; [`RetryPolicy`] decides retries.
//! - [`Client`]: build → send → check status → decode → retry, cancellable with a
//!   [`CancelToken`], over any [`HttpTransport`](kiln_core::http::HttpTransport) and
//!   [`Sleeper`].
//! - [`Catalogue`]: models, limits and prices (embedded `models.json`); [`Usage`] and cost;
//!   [`estimate_tokens`] for compaction decisions.
//! - [`sse`]: the incremental server-sent-events parser.
//! - Feature `native`: `UreqTransport` and `ThreadSleeper` for native hosts.
//!
//! The crate builds for `wasm32-unknown-unknown` without features: it never reads the clock
//! itself, spawns no threads and does no I/O except through the transport it is given.
//!
//! ```
//! use kiln_assistant::{ChatRequest, Decoder, Message, ProviderConfig, ProviderKind, StreamEvent,
//!     build_request};
//!
//! let config = ProviderConfig::new(ProviderKind::OpenAi).with_key("sk-test");
//! let messages = [Message::user("hi")];
//! let http = build_request(&config, &ChatRequest::new("gpt-4.1-mini", "", &messages)).unwrap();
//! assert_eq!(http.url, "https://api.openai.com/v1/chat/completions");
//! assert_eq!(http.header("authorization"), Some("Bearer sk-test"));
//!
//! let mut decoder = Decoder::new(ProviderKind::OpenAi, "gpt-4.1-mini");
//! let mut events = Vec::new();
//! decoder
//!     .feed(b"data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n", &mut events)
//!     .unwrap();
//! decoder.feed(b"data: [DONE]\n\n", &mut events).unwrap();
//! decoder.finish(&mut events).unwrap();
//! assert_eq!(events[0], StreamEvent::TextDelta("Hel".into()));
//! ```
#![cfg_attr(not(test), forbid(clippy::unwrap_used))]

mod accumulate;
pub mod catalogue;
mod client;
pub mod conversation;
pub mod error;
#[cfg(feature = "native")]
mod native;
pub mod provider;
pub mod retry;
pub mod sse;
pub mod usage;

pub use accumulate::{Accumulator, AssistantTurn};
pub use catalogue::{Catalogue, CatalogueError, ModelInfo};
pub use client::{CancelToken, Client, ClientEvent};
pub use conversation::{Message, Part, Role, Session, ToolCall};
pub use error::{ProviderError, cors_hint};
#[cfg(feature = "native")]
pub use native::UreqTransport;
pub use provider::{
    ChatRequest, Decoder, ProviderConfig, ProviderKind, ReasoningEffort, StopReason, StreamEvent,
    ToolSpec, build_request, clean_gemini_schema,
};
#[cfg(feature = "native")]
pub use retry::ThreadSleeper;
pub use retry::{RecordingSleeper, RetryNotice, RetryPolicy, Sleeper};
pub use usage::{Usage, estimate_message_tokens, estimate_request_tokens, estimate_tokens};

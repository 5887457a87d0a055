//! The request driver: build → send → check status → decode → retry, with cancellation.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use futures_util::StreamExt;
use futures_util::future::{Either, select};
use futures_util::task::AtomicWaker;
use kiln_core::SharedClock;
use kiln_core::http::{HttpTransport, read_body};

use crate::accumulate::{Accumulator, AssistantTurn};
use crate::error::{ProviderError, classify_http, from_http_error};
use crate::provider::{ChatRequest, Decoder, ProviderConfig, StreamEvent, build_request};
use crate::retry::{RetryNotice, RetryPolicy, Sleeper};

/// Cancels a running [`Client::stream`] call. Clones share the same flag; it is `Send` so a
/// UI thread or signal handler can cancel. Cancelling wakes the waiting call at once, even if
/// it is waiting for the network or a retry delay.
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    inner: Arc<CancelInner>,
}

#[derive(Debug, Default)]
struct CancelInner {
    cancelled: AtomicBool,
    waker: AtomicWaker,
}

impl CancelToken {
    /// A token not yet cancelled.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        self.inner.waker.wake();
    }

    /// Whether [`CancelToken::cancel`] was called.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Resolves once cancelled. (One waiter at a time per token.)
    pub async fn cancelled(&self) {
        std::future::poll_fn(|cx| {
            if self.is_cancelled() {
                return Poll::Ready(());
            }
            self.inner.waker.register(cx.waker());
            if self.is_cancelled() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }

    /// Runs `f` unless cancelled first.
    async fn guard<F: Future>(&self, f: F) -> Result<F::Output, ProviderError> {
        if self.is_cancelled() {
            return Err(ProviderError::Cancelled);
        }
        let f = pin!(f);
        let c = pin!(self.cancelled());
        match select(f, c).await {
            Either::Left((v, _)) => Ok(v),
            Either::Right(((), _)) => Err(ProviderError::Cancelled),
        }
    }
}

/// What [`Client::stream`] reports while it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientEvent {
    /// A decoded stream event.
    Stream(StreamEvent),
    /// The call failed before any output and will be retried after a wait.
    Retrying(RetryNotice),
}

/// Talks to one provider through a transport, with retries.
///
/// ```no_run
/// # async fn demo(transport: std::rc::Rc<dyn kiln_core::http::HttpTransport>,
/// #               sleeper: std::rc::Rc<dyn kiln_assistant::Sleeper>) {
/// use kiln_assistant::{CancelToken, ChatRequest, Client, ClientEvent, Message, ProviderConfig,
///     ProviderKind, StreamEvent};
///
/// let config = ProviderConfig::new(ProviderKind::Anthropic).with_key("sk-ant-...");
/// let client = Client::new(config, transport, sleeper);
/// let messages = [Message::user("Why is the sky blue?")];
/// let request = ChatRequest::new("claude-haiku-4-5", "Be brief.", &messages);
/// let turn = client
///     .stream(&request, &CancelToken::new(), &mut |event| match event {
///         ClientEvent::Stream(StreamEvent::TextDelta(t)) => print!("{t}"),
///         ClientEvent::Retrying(notice) => eprintln!("{notice}"),
///         _ => {}
///     })
///     .await;
/// # }
/// ```
pub struct Client {
    config: ProviderConfig,
    transport: Rc<dyn HttpTransport>,
    sleeper: Rc<dyn Sleeper>,
    retry: RetryPolicy,
    clock: Option<SharedClock>,
    responses: Cell<u64>,
}

impl Client {
    /// A client with the default [`RetryPolicy`] and no clock.
    #[must_use]
    pub fn new(
        config: ProviderConfig,
        transport: Rc<dyn HttpTransport>,
        sleeper: Rc<dyn Sleeper>,
    ) -> Self {
        Client {
            config,
            transport,
            sleeper,
            retry: RetryPolicy::default(),
            clock: None,
            responses: Cell::new(0),
        }
    }

    /// Sets the retry policy.
    #[must_use]
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the clock used to read `retry-after` dates (without one only delays in seconds are
    /// honoured).
    #[must_use]
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The provider configuration.
    #[must_use]
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// Sends `request`, reporting events to `on_event` as they arrive, and returns the
    /// assembled assistant turn.
    ///
    /// Failures before any output (text, reasoning or tool call) are retried per the policy,
    /// with a [`ClientEvent::Retrying`] notice before each wait; once output has streamed, an
    /// error ends the call. `Usage` events of an attempt that is then retried may have been
    /// reported already; the returned message holds the final attempt's usage.
    ///
    /// # Errors
    ///
    /// The [`ProviderError`] of the last attempt, or [`ProviderError::Cancelled`].
    pub async fn stream(
        &self,
        request: &ChatRequest<'_>,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ClientEvent),
    ) -> Result<AssistantTurn, ProviderError> {
        let mut attempt = 1;
        loop {
            let mut acc = Accumulator::new(request.model);
            match self.attempt(request, cancel, &mut acc, on_event).await {
                Ok(()) => return Ok(acc.finish()),
                Err(e) => {
                    if acc.has_output() || cancel.is_cancelled() {
                        return Err(e);
                    }
                    let Some(delay) = self.retry.delay(&e, attempt) else {
                        return Err(e);
                    };
                    on_event(ClientEvent::Retrying(self.retry.notice(&e, attempt, delay)));
                    cancel.guard(self.sleeper.sleep(delay)).await?;
                    attempt += 1;
                }
            }
        }
    }

    async fn attempt(
        &self,
        request: &ChatRequest<'_>,
        cancel: &CancelToken,
        acc: &mut Accumulator,
        on_event: &mut dyn FnMut(ClientEvent),
    ) -> Result<(), ProviderError> {
        let kind = self.config.kind;
        let http = build_request(&self.config, request)?;
        let response = cancel
            .guard(self.transport.send(http))
            .await?
            .map_err(|e| from_http_error(kind, self.config.base(), e))?;
        if !response.is_success() {
            let status = response.status;
            let headers = response.headers;
            let body = cancel
                .guard(read_body(response.body))
                .await?
                .unwrap_or_default();
            let now = self
                .clock
                .as_ref()
                .map(|c| c.wall_time_ns() / 1_000_000_000);
            return Err(classify_http(
                kind,
                request.model,
                status,
                &headers,
                &body,
                now,
            ));
        }
        let n = self.responses.get() + 1;
        self.responses.set(n);
        let mut decoder = Decoder::new(kind, request.model).with_id_prefix(&format!("call{n}"));
        let mut body = response.body;
        let mut events = Vec::new();
        let mut emit = |events: &mut Vec<StreamEvent>, acc: &mut Accumulator| {
            for e in events.drain(..) {
                acc.push(&e);
                on_event(ClientEvent::Stream(e));
            }
        };
        loop {
            let chunk = cancel.guard(body.next()).await?;
            match chunk {
                Some(Ok(bytes)) => {
                    let result = decoder.feed(&bytes, &mut events);
                    emit(&mut events, acc);
                    result?;
                }
                Some(Err(e)) => return Err(from_http_error(kind, self.config.base(), e)),
                None => {
                    let result = decoder.finish(&mut events);
                    emit(&mut events, acc);
                    return result;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_util::future::LocalBoxFuture;
    use kiln_core::http::{
        HttpError, HttpRequest, HttpResponse, ScriptedResponse, ScriptedTransport,
    };

    use super::*;
    use crate::conversation::Message;
    use crate::provider::{ProviderKind, StopReason};
    use crate::retry::RecordingSleeper;

    const CHAT_OK: &str = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi there\"}}]}\n\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    fn client(transport: Rc<dyn HttpTransport>, sleeper: Rc<RecordingSleeper>) -> Client {
        Client::new(
            ProviderConfig::new(ProviderKind::OpenAi).with_key("k"),
            transport,
            sleeper,
        )
    }

    fn ask(
        client: &Client,
        cancel: &CancelToken,
    ) -> (Result<AssistantTurn, ProviderError>, Vec<ClientEvent>) {
        let messages = [Message::user("hi")];
        let req = ChatRequest::new("gpt-4.1", "", &messages);
        let mut events = Vec::new();
        let result =
            futures_executor::block_on(client.stream(&req, cancel, &mut |e| events.push(e)));
        (result, events)
    }

    #[test]
    fn retries_server_errors_then_streams() {
        let t = Rc::new(ScriptedTransport::new());
        t.push(ScriptedResponse::status(
            503,
            r#"{"error":{"message":"busy","type":"server_error"}}"#,
        ));
        t.push(ScriptedResponse::Fail(HttpError::Network(
            "connection reset".into(),
        )));
        t.push(ScriptedResponse::ok(CHAT_OK).chunked(7));
        let sleeper = Rc::new(RecordingSleeper::new());
        let (result, events) = ask(&client(t.clone(), sleeper.clone()), &CancelToken::new());
        let turn = result.unwrap();
        assert_eq!(turn.message.text(), "Hi there");
        assert_eq!(turn.stop, Some(StopReason::EndTurn));
        assert_eq!(
            sleeper.slept(),
            vec![Duration::from_secs(1), Duration::from_secs(2)]
        );
        let notices: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                ClientEvent::Retrying(n) => Some(n.to_string()),
                ClientEvent::Stream(_) => None,
            })
            .collect();
        assert_eq!(
            notices,
            vec![
                "OpenAI is overloaded; retrying in 1 s (attempt 2 of 4)",
                "Could not reach OpenAI; retrying in 2 s (attempt 3 of 4)",
            ]
        );
        assert_eq!(t.requests().len(), 3);
    }

    #[test]
    fn retry_after_date_uses_the_clock() {
        struct Fixed;
        impl kiln_core::Clock for Fixed {
            fn wall_time_ns(&self) -> u64 {
                90 * 1_000_000_000
            }
            fn monotonic_ns(&self) -> u64 {
                0
            }
        }
        let t = Rc::new(ScriptedTransport::new());
        t.push(
            ScriptedResponse::status(429, "{}")
                .with_header("Retry-After", "Thu, 01 Jan 1970 00:01:40 GMT"),
        );
        t.push(ScriptedResponse::ok(CHAT_OK));
        let sleeper = Rc::new(RecordingSleeper::new());
        let c = client(t, sleeper.clone()).with_clock(Arc::new(Fixed));
        assert!(ask(&c, &CancelToken::new()).0.is_ok());
        assert_eq!(sleeper.slept(), vec![Duration::from_secs(10)]);
    }

    /// Sends one chunk, then never ends.
    struct Hanging;
    impl HttpTransport for Hanging {
        fn send(&self, _req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, HttpError>> {
            let first = futures_util::stream::iter(vec![Ok(
                b"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n".to_vec(),
            )]);
            Box::pin(std::future::ready(Ok(HttpResponse {
                status: 200,
                headers: Vec::new(),
                body: Box::pin(first.chain(futures_util::stream::pending())),
            })))
        }
    }

    #[test]
    fn cancel_mid_stream() {
        let cancel = CancelToken::new();
        let c = client(Rc::new(Hanging), Rc::new(RecordingSleeper::new()));
        let messages = [Message::user("hi")];
        let req = ChatRequest::new("gpt-4.1", "", &messages);
        let token = cancel.clone();
        let mut seen = Vec::new();
        let result = futures_executor::block_on(c.stream(&req, &cancel, &mut |e| {
            seen.push(e);
            token.cancel();
        }));
        assert_eq!(result, Err(ProviderError::Cancelled));
        assert_eq!(
            seen,
            vec![ClientEvent::Stream(StreamEvent::TextDelta("Hi".into()))]
        );
    }

    #[test]
    fn cancel_from_another_thread_wakes_the_call() {
        let cancel = CancelToken::new();
        let c = client(Rc::new(Hanging), Rc::new(RecordingSleeper::new()));
        let token = cancel.clone();
        let canceller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            token.cancel();
        });
        let (result, _) = ask(&c, &cancel);
        canceller.join().unwrap();
        assert_eq!(result.unwrap_err(), ProviderError::Cancelled);
    }

    #[test]
    fn errors_after_output_are_not_retried() {
        let t = Rc::new(ScriptedTransport::new());
        t.push(ScriptedResponse::ok(
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n",
        ));
        t.push(ScriptedResponse::ok(CHAT_OK));
        let sleeper = Rc::new(RecordingSleeper::new());
        let (result, _) = ask(&client(t.clone(), sleeper.clone()), &CancelToken::new());
        assert!(matches!(result, Err(ProviderError::StreamCut { .. })));
        assert!(sleeper.slept().is_empty());
        assert_eq!(t.remaining(), 1);
    }
}

//! End-to-end tests: the real client and native transport against the local fake provider,
//! for each wire format.

use std::rc::Rc;
use std::time::Duration;

use futures_executor::block_on;
use kiln_assistant::{
    AssistantTurn, CancelToken, ChatRequest, Client, ClientEvent, Message, Part, ProviderConfig,
    ProviderError, ProviderKind, RecordingSleeper, Role, StopReason, StreamEvent, ToolSpec,
    UreqTransport,
};
use kiln_fake_provider::{ErrorKind, FakeProvider, RecordedRequest, Reply};
use serde_json::{Value, json};

const KINDS: [ProviderKind; 4] = [
    ProviderKind::OpenAi,
    ProviderKind::OpenAiResponses,
    ProviderKind::Anthropic,
    ProviderKind::Gemini,
];

const LONG_TEXT: &str =
    "The quick brown fox jumps over the lazy dog, then writes some Rust — ünïcödé 😀 included.";

struct Run {
    result: Result<AssistantTurn, ProviderError>,
    events: Vec<ClientEvent>,
    slept: Vec<Duration>,
}

fn config(kind: ProviderKind, server: &FakeProvider) -> ProviderConfig {
    let base = match kind {
        ProviderKind::Anthropic | ProviderKind::Gemini => server.url(),
        _ => format!("{}/v1", server.url()),
    };
    ProviderConfig::new(kind)
        .with_key("sk-test")
        .with_base_url(base)
}

fn tools() -> Vec<ToolSpec> {
    vec![ToolSpec {
        name: "read_file".into(),
        description: "Reads a file of the workspace.".into(),
        parameters: json!({"type": "object", "properties": {"path": {"type": "string"}},
            "required": ["path"], "additionalProperties": false}),
    }]
}

fn run(kind: ProviderKind, server: &FakeProvider, messages: &[Message]) -> Run {
    let sleeper = Rc::new(RecordingSleeper::new());
    let client = Client::new(
        config(kind, server),
        Rc::new(UreqTransport::new()),
        sleeper.clone(),
    );
    let tools = tools();
    let request = ChatRequest {
        tools: &tools,
        max_output_tokens: Some(1024),
        ..ChatRequest::new("fake-model", "You are a test.", messages)
    };
    let mut events = Vec::new();
    let result = block_on(client.stream(&request, &CancelToken::new(), &mut |e| events.push(e)));
    Run {
        result,
        events,
        slept: sleeper.slept(),
    }
}

fn hello() -> Vec<Message> {
    vec![Message::user("Hello?")]
}

fn text_deltas(events: &[ClientEvent]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, ClientEvent::Stream(StreamEvent::TextDelta(_))))
        .count()
}

#[test]
fn text_reply_streams() {
    for kind in KINDS {
        let server = FakeProvider::start(vec![Reply::text(LONG_TEXT)]).unwrap();
        let run = run(kind, &server, &hello());
        let turn = run.result.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(turn.message.text(), LONG_TEXT, "{kind:?}");
        assert_eq!(turn.message.role, Role::Assistant);
        assert!(
            text_deltas(&run.events) > 5,
            "{kind:?}: text should arrive in many deltas"
        );
        assert_eq!(turn.stop, Some(StopReason::EndTurn), "{kind:?}");
        let usage = turn.message.usage.expect("usage reported");
        assert_eq!(usage.output_tokens, 42, "{kind:?}");
        assert!(usage.input_tokens > 0, "{kind:?}");
        assert_eq!(server.posts().len(), 1);
    }
}

fn auth_ok(kind: ProviderKind, r: &RecordedRequest) {
    match kind {
        ProviderKind::Anthropic => {
            assert_eq!(r.header("x-api-key"), Some("sk-test"));
            assert_eq!(r.header("anthropic-version"), Some("2023-06-01"));
            assert_eq!(
                r.header("anthropic-dangerous-direct-browser-access"),
                Some("true")
            );
        }
        ProviderKind::Gemini => {
            assert_eq!(r.header("x-goog-api-key"), Some("sk-test"));
            assert!(
                r.path
                    .ends_with("/v1beta/models/fake-model:streamGenerateContent?alt=sse")
            );
        }
        _ => assert_eq!(r.header("authorization"), Some("Bearer sk-test")),
    }
}

fn tools_ok(kind: ProviderKind, body: &Value) {
    match kind {
        ProviderKind::OpenAi => {
            assert_eq!(body["tools"][0]["type"], "function");
            assert_eq!(body["tools"][0]["function"]["name"], "read_file");
            assert_eq!(body["stream_options"]["include_usage"], true);
        }
        ProviderKind::OpenAiResponses => {
            assert_eq!(body["tools"][0]["type"], "function");
            assert_eq!(body["tools"][0]["name"], "read_file");
            assert_eq!(body["instructions"], "You are a test.");
        }
        ProviderKind::Anthropic => {
            assert_eq!(body["tools"][0]["input_schema"]["required"][0], "path");
            assert_eq!(body["system"], "You are a test.");
            assert_eq!(body["max_tokens"], 1024);
        }
        ProviderKind::Gemini => {
            let decl = &body["tools"][0]["functionDeclarations"][0];
            assert_eq!(decl["name"], "read_file");
            assert!(decl["parameters"].get("additionalProperties").is_none());
            assert_eq!(
                body["systemInstruction"]["parts"][0]["text"],
                "You are a test."
            );
        }
        _ => unreachable!(),
    }
    if kind != ProviderKind::Gemini {
        assert_eq!(body["stream"], true, "{kind:?}");
    }
}

fn tool_result_fed_back(kind: ProviderKind, body: &Value, call_id: &str) {
    let find =
        |list: &Value, pred: &dyn Fn(&Value) -> bool| list.as_array().unwrap().iter().any(pred);
    match kind {
        ProviderKind::OpenAi => assert!(
            find(&body["messages"], &|m| m["role"] == "tool"
                && m["tool_call_id"] == call_id
                && m["content"] == "fn main() {}"),
            "{body}"
        ),
        ProviderKind::OpenAiResponses => {
            assert!(
                find(&body["input"], &|i| i["type"] == "function_call"
                    && i["call_id"] == call_id),
                "{body}"
            );
            assert!(
                find(&body["input"], &|i| i["type"] == "function_call_output"
                    && i["call_id"] == call_id
                    && i["output"] == "fn main() {}"),
                "{body}"
            );
        }
        ProviderKind::Anthropic => {
            let last = body["messages"].as_array().unwrap().last().unwrap();
            assert_eq!(last["role"], "user");
            assert_eq!(last["content"][0]["type"], "tool_result");
            assert_eq!(last["content"][0]["tool_use_id"], call_id);
            assert_eq!(last["content"][0]["content"], "fn main() {}");
            let prev = &body["messages"][1];
            assert_eq!(prev["content"][0]["type"], "tool_use");
            assert_eq!(prev["content"][0]["input"]["path"], "src/main.rs");
        }
        ProviderKind::Gemini => {
            let last = body["contents"].as_array().unwrap().last().unwrap();
            assert_eq!(last["role"], "user");
            assert_eq!(last["parts"][0]["functionResponse"]["name"], "read_file");
            assert_eq!(
                last["parts"][0]["functionResponse"]["response"]["content"],
                "fn main() {}"
            );
            assert_eq!(
                body["contents"][1]["parts"][0]["functionCall"]["args"]["path"],
                "src/main.rs"
            );
        }
        _ => unreachable!(),
    }
}

#[test]
fn tool_call_round_trip_and_request_shape() {
    for kind in KINDS {
        let server = FakeProvider::start(vec![
            Reply::ToolCalls(vec![
                kiln_fake_provider::FakeToolCall {
                    name: "read_file".into(),
                    arguments: json!({"path": "src/main.rs"}),
                },
                kiln_fake_provider::FakeToolCall {
                    name: "read_file".into(),
                    arguments: json!({"path": "Cargo.toml"}),
                },
            ]),
            Reply::text("It is empty."),
        ])
        .unwrap();
        let mut messages = hello();
        let run1 = run(kind, &server, &messages);
        let turn = run1.result.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(turn.stop, Some(StopReason::ToolUse), "{kind:?}");
        let calls: Vec<_> = turn.message.tool_calls().cloned().collect();
        assert_eq!(calls.len(), 2, "{kind:?}");
        assert_eq!(calls[0].name, "read_file");
        assert_eq!(
            calls[0].arguments,
            json!({"path": "src/main.rs"}),
            "{kind:?}"
        );
        assert_eq!(
            calls[1].arguments,
            json!({"path": "Cargo.toml"}),
            "{kind:?}"
        );
        assert_ne!(calls[0].id, calls[1].id);
        let expected_id = match kind {
            ProviderKind::Anthropic => "toolu_1_0",
            ProviderKind::Gemini => "call1_0",
            _ => "call_1_0",
        };
        assert_eq!(calls[0].id, expected_id, "{kind:?}");
        let deltas = run1
            .events
            .iter()
            .filter(|e| matches!(e, ClientEvent::Stream(StreamEvent::ToolCallDelta { .. })))
            .count();
        if kind != ProviderKind::Gemini {
            assert!(deltas >= 4, "{kind:?}: arguments should arrive in pieces");
        }

        messages.push(turn.message.clone());
        messages.push(Message::new(
            Role::User,
            calls
                .iter()
                .map(|c| Part::ToolResult {
                    call_id: c.id.clone(),
                    name: c.name.clone(),
                    output: if c.arguments["path"] == "src/main.rs" {
                        "fn main() {}".into()
                    } else {
                        "[package]".into()
                    },
                    is_error: false,
                })
                .collect(),
        ));
        let run2 = run(kind, &server, &messages);
        assert_eq!(run2.result.unwrap().message.text(), "It is empty.");

        let posts = server.posts();
        assert_eq!(posts.len(), 2);
        for p in &posts {
            auth_ok(kind, p);
            tools_ok(kind, &p.body);
            assert_eq!(p.header("content-type"), Some("application/json"));
        }
        tool_result_fed_back(kind, &posts[1].body, &calls[0].id);
    }
}

#[test]
fn rate_limit_is_retried_with_a_notice() {
    for kind in KINDS {
        let server =
            FakeProvider::start(vec![Reply::rate_limited(2), Reply::text("Finally.")]).unwrap();
        let run = run(kind, &server, &hello());
        let turn = run.result.unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(turn.message.text(), "Finally.");
        assert_eq!(run.slept, vec![Duration::from_secs(2)], "{kind:?}");
        let notices: Vec<String> = run
            .events
            .iter()
            .filter_map(|e| match e {
                ClientEvent::Retrying(n) => Some(n.to_string()),
                _ => None,
            })
            .collect();
        let name = kind.display_name();
        assert_eq!(
            notices,
            vec![format!(
                "Rate limited by {name}; retrying in 2 s (attempt 2 of 4)"
            )]
        );
        assert_eq!(server.posts().len(), 2);
    }
}

#[test]
fn overload_before_output_is_retried_but_gives_up_eventually() {
    let server = FakeProvider::start(vec![
        Reply::error(ErrorKind::Overloaded),
        Reply::error(ErrorKind::Overloaded),
        Reply::error(ErrorKind::Overloaded),
        Reply::error(ErrorKind::Overloaded),
    ])
    .unwrap();
    let run = run(ProviderKind::Anthropic, &server, &hello());
    let err = run.result.unwrap_err();
    assert!(
        matches!(err, ProviderError::Overloaded { status: 529, .. }),
        "{err:?}"
    );
    assert_eq!(
        run.slept,
        vec![
            Duration::from_secs(1),
            Duration::from_secs(2),
            Duration::from_secs(4)
        ]
    );
    assert_eq!(server.posts().len(), 4);
}

#[test]
fn bad_key_is_a_clear_error() {
    for kind in KINDS {
        let server = FakeProvider::start(vec![Reply::Error {
            status: 401,
            kind: ErrorKind::Auth,
            message: "Invalid key sk-t***".into(),
            retry_after: None,
        }])
        .unwrap();
        let run = run(kind, &server, &hello());
        let err = run.result.unwrap_err();
        assert!(
            matches!(err, ProviderError::Auth { status: 401, .. }),
            "{kind:?}: {err:?}"
        );
        let text = err.to_string();
        assert!(text.contains("Invalid key sk-t***"), "{text}");
        assert!(text.contains(kind.display_name()), "{text}");
        assert!(run.slept.is_empty(), "auth errors are not retried");
        assert_eq!(server.posts().len(), 1);
    }
}

#[test]
fn context_too_long_is_classified() {
    for kind in KINDS {
        let server = FakeProvider::start(vec![Reply::error(ErrorKind::ContextTooLong)]).unwrap();
        let err = run(kind, &server, &hello()).result.unwrap_err();
        assert!(err.is_context_too_long(), "{kind:?}: {err:?}");
        assert_eq!(server.posts().len(), 1);
    }
}

#[test]
fn model_not_found_is_classified() {
    for kind in KINDS {
        let server = FakeProvider::start(vec![Reply::error(ErrorKind::NotFound)]).unwrap();
        let err = run(kind, &server, &hello()).result.unwrap_err();
        assert!(
            matches!(err, ProviderError::ModelNotFound { .. }),
            "{kind:?}: {err:?}"
        );
        assert!(err.to_string().contains("fake-model"));
    }
}

#[test]
fn stream_cut_mid_way() {
    for kind in KINDS {
        let server =
            FakeProvider::start(vec![Reply::cut_after(5, Reply::text(LONG_TEXT))]).unwrap();
        let run = run(kind, &server, &hello());
        let err = run.result.unwrap_err();
        assert!(
            matches!(err, ProviderError::StreamCut { .. }),
            "{kind:?}: {err:?}"
        );
        assert!(
            text_deltas(&run.events) > 0,
            "{kind:?}: some text arrived before the cut"
        );
        assert!(run.slept.is_empty(), "{kind:?}: no retry after output");
    }
}

#[test]
fn stream_cut_before_output_is_retried() {
    let server = FakeProvider::start(vec![
        Reply::cut_after(2, Reply::text(LONG_TEXT)),
        Reply::text("ok"),
    ])
    .unwrap();
    let run = run(ProviderKind::Anthropic, &server, &hello());
    assert_eq!(run.result.unwrap().message.text(), "ok");
    assert_eq!(run.slept.len(), 1);
}

#[test]
fn malformed_frame_is_reported() {
    for kind in KINDS {
        let server = FakeProvider::start(vec![Reply::Malformed]).unwrap();
        let run = run(kind, &server, &hello());
        let err = run.result.unwrap_err();
        assert!(
            matches!(err, ProviderError::MalformedFrame { .. }),
            "{kind:?}: {err:?}"
        );
        let text = err.to_string();
        assert!(text.contains("invalid JSON"), "{text}");
        assert!(text.contains("oops"), "{text}");
    }
}

#[test]
fn connection_refused_is_a_network_error() {
    let port = {
        let server = FakeProvider::start(Vec::new()).unwrap();
        server.port()
    };
    let sleeper = Rc::new(RecordingSleeper::new());
    let client = Client::new(
        ProviderConfig::new(ProviderKind::OpenAiCompatible)
            .with_base_url(format!("http://127.0.0.1:{port}/v1")),
        Rc::new(UreqTransport::new()),
        sleeper.clone(),
    )
    .with_retry_policy(kiln_assistant::RetryPolicy::none());
    let messages = hello();
    let err = block_on(client.stream(
        &ChatRequest::new("m", "", &messages),
        &CancelToken::new(),
        &mut |_| {},
    ))
    .unwrap_err();
    assert!(matches!(err, ProviderError::Network { .. }), "{err:?}");
}

#[test]
fn cancelled_before_start() {
    let server = FakeProvider::start(vec![Reply::text("never")]).unwrap();
    let client = Client::new(
        config(ProviderKind::OpenAi, &server),
        Rc::new(UreqTransport::new()),
        Rc::new(RecordingSleeper::new()),
    );
    let cancel = CancelToken::new();
    cancel.cancel();
    let messages = hello();
    let err = block_on(client.stream(&ChatRequest::new("m", "", &messages), &cancel, &mut |_| {}))
        .unwrap_err();
    assert_eq!(err, ProviderError::Cancelled);
}

#[test]
fn cors_preflight_is_answered() {
    let server = FakeProvider::start(Vec::new()).unwrap();
    // Raw preflight over a TCP socket, so this test does not depend on the client under test.
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    s.write_all(b"OPTIONS /v1/messages HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:8080\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let lower = resp.to_ascii_lowercase();
    assert!(lower.starts_with("http/1.1 204"), "{resp}");
    assert!(lower.contains("access-control-allow-origin: *"), "{resp}");
    assert!(lower.contains("x-api-key"), "{resp}");
    assert!(
        lower.contains("anthropic-dangerous-direct-browser-access"),
        "{resp}"
    );
    assert_eq!(server.requests()[0].method, "OPTIONS");
}

/// Counts the body chunks the inner transport delivers.
struct Counting {
    inner: UreqTransport,
    chunks: Rc<std::cell::Cell<usize>>,
}

impl kiln_core::http::HttpTransport for Counting {
    fn send(
        &self,
        req: kiln_core::http::HttpRequest,
    ) -> futures_util::future::LocalBoxFuture<
        '_,
        Result<kiln_core::http::HttpResponse, kiln_core::http::HttpError>,
    > {
        let chunks = self.chunks.clone();
        Box::pin(async move {
            let mut resp = self.inner.send(req).await?;
            resp.body = Box::pin(futures_util::StreamExt::inspect(resp.body, move |_| {
                chunks.set(chunks.get() + 1);
            }));
            Ok(resp)
        })
    }
}

#[test]
fn frames_arrive_as_separate_network_chunks() {
    let server = FakeProvider::start(vec![Reply::text(LONG_TEXT)]).unwrap();
    server.set_frame_delay(Duration::from_millis(3));
    let chunks = Rc::new(std::cell::Cell::new(0));
    let client = Client::new(
        config(ProviderKind::Anthropic, &server),
        Rc::new(Counting {
            inner: UreqTransport::new(),
            chunks: chunks.clone(),
        }),
        Rc::new(RecordingSleeper::new()),
    );
    let messages = hello();
    let turn = block_on(client.stream(
        &ChatRequest::new("fake-model", "", &messages),
        &CancelToken::new(),
        &mut |_| {},
    ))
    .unwrap();
    assert_eq!(turn.message.text(), LONG_TEXT);
    assert!(chunks.get() > 10, "only {} chunks", chunks.get());
}

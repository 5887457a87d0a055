use serde_json::json;

use super::*;
use crate::conversation::{Part, Role};

/// Decodes `chunks` in order and returns the events, or the events so far and the error.
fn decode(kind: ProviderKind, chunks: &[&[u8]]) -> (Vec<StreamEvent>, Option<ProviderError>) {
    let mut d = Decoder::new(kind, "m");
    let mut events = Vec::new();
    for c in chunks {
        if let Err(e) = d.feed(c, &mut events) {
            return (events, Some(e));
        }
    }
    let err = d.finish(&mut events).err();
    (events, err)
}

/// Asserts every two-way split and the byte-by-byte feed give the same result as one feed.
fn same_at_every_split(
    kind: ProviderKind,
    sample: &[u8],
) -> (Vec<StreamEvent>, Option<ProviderError>) {
    let whole = decode(kind, &[sample]);
    for i in 0..=sample.len() {
        assert_eq!(
            decode(kind, &[&sample[..i], &sample[i..]]),
            whole,
            "split at byte {i}"
        );
    }
    let bytes: Vec<&[u8]> = sample.chunks(1).collect();
    assert_eq!(decode(kind, &bytes), whole, "byte by byte");
    let threes: Vec<&[u8]> = sample.chunks(3).collect();
    assert_eq!(decode(kind, &threes), whole, "3-byte chunks");
    whole
}

fn calls(events: &[StreamEvent]) -> Vec<ToolCall> {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolCallEnd { call, .. } => Some(call.clone()),
            _ => None,
        })
        .collect()
}

fn text(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::TextDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

fn last_usage(events: &[StreamEvent]) -> Usage {
    events
        .iter()
        .rev()
        .find_map(|e| match e {
            StreamEvent::Usage(u) => Some(*u),
            _ => None,
        })
        .unwrap()
}

fn stop(events: &[StreamEvent]) -> StopReason {
    events
        .iter()
        .find_map(|e| match e {
            StreamEvent::Stop(r) => Some(r.clone()),
            _ => None,
        })
        .unwrap()
}

const CHAT: &str = concat!(
    ": keep-alive\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"Let me think\"}}]}\r\n\r\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Héllo \"}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"wörld 😀\"}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"arguments\":\"\"}}]}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"pa\"}}]}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"th\\\":\\\"src/main.rs\\\"}\"}}]}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"ls\",\"arguments\":\"{}\"}}]}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":20,\"prompt_tokens_details\":{\"cached_tokens\":40},\"completion_tokens_details\":{\"reasoning_tokens\":5}}}\n\n",
    "data: [DONE]\n\n",
);

#[test]
fn chat_completions_stream() {
    let (events, err) = same_at_every_split(ProviderKind::OpenAi, CHAT.as_bytes());
    assert_eq!(err, None);
    assert_eq!(
        events[0],
        StreamEvent::ReasoningDelta("Let me think".into())
    );
    assert_eq!(text(&events), "Héllo wörld 😀");
    let calls = calls(&events);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].id, "call_a");
    assert_eq!(calls[0].name, "read_file");
    assert_eq!(calls[0].arguments, json!({"path": "src/main.rs"}));
    assert_eq!(calls[1].arguments, json!({}));
    assert_eq!(stop(&events), StopReason::ToolUse);
    let u = last_usage(&events);
    assert_eq!(
        (
            u.input_tokens,
            u.output_tokens,
            u.cached_input_tokens,
            u.reasoning_tokens
        ),
        (100, 20, 40, 5)
    );
}

#[test]
fn chat_completions_cut_and_malformed() {
    let cut = &CHAT[..CHAT.find("data: [DONE]").unwrap()];
    let (_, err) = same_at_every_split(ProviderKind::OpenAi, cut.as_bytes());
    assert!(
        matches!(err, Some(ProviderError::StreamCut { .. })),
        "{err:?}"
    );
    // Local servers may omit [DONE] after a finish_reason.
    let (_, err) = decode(ProviderKind::OpenAiCompatible, &[cut.as_bytes()]);
    assert_eq!(err, None);
    // A cut in the middle of a frame is a cut, not a malformed frame.
    let (_, err) = decode(ProviderKind::OpenAi, &[&CHAT.as_bytes()[..200]]);
    assert!(
        matches!(err, Some(ProviderError::StreamCut { .. })),
        "{err:?}"
    );

    let bad = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"choices\":[{\"delta\"\n\n";
    let (events, err) = same_at_every_split(ProviderKind::OpenAi, bad.as_bytes());
    assert_eq!(text(&events), "a");
    let err = err.unwrap();
    assert!(matches!(err, ProviderError::MalformedFrame { .. }));
    assert!(err.to_string().contains("invalid JSON"), "{err}");
    assert!(
        err.to_string().contains("{\"choices\":[{\"delta\""),
        "{err}"
    );
}

#[test]
fn chat_completions_error_in_stream() {
    let s = "data: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_exceeded\",\"code\":429}}\n\n";
    let (_, err) = decode(ProviderKind::OpenRouter, &[s.as_bytes()]);
    assert!(
        matches!(err, Some(ProviderError::RateLimited { .. })),
        "{err:?}"
    );
}

const RESPONSES: &str = concat!(
    "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r1\",\"status\":\"in_progress\"}}\n\n",
    "event: response.reasoning_summary_text.delta\ndata: {\"type\":\"response.reasoning_summary_text.delta\",\"item_id\":\"rs\",\"output_index\":0,\"delta\":\"Thinking…\"}\n\n",
    "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"type\":\"reasoning\",\"id\":\"rs\",\"encrypted_content\":\"enc123\"}}\n\n",
    "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"output_index\":1,\"delta\":\"Sure, \"}\n\n",
    "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"output_index\":1,\"delta\":\"reading.\"}\n\n",
    "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"output_index\":2,\"item\":{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_xyz\",\"name\":\"read_file\",\"arguments\":\"\"}}\n\n",
    "event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_1\",\"output_index\":2,\"delta\":\"{\\\"path\\\":\"}\n\n",
    "event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_1\",\"output_index\":2,\"delta\":\"\\\"a.rs\\\"}\"}\n\n",
    "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"output_index\":2,\"item\":{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_xyz\",\"name\":\"read_file\",\"arguments\":\"{\\\"path\\\":\\\"a.rs\\\"}\"}}\n\n",
    "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r1\",\"status\":\"completed\",\"usage\":{\"input_tokens\":50,\"input_tokens_details\":{\"cached_tokens\":10},\"output_tokens\":30,\"output_tokens_details\":{\"reasoning_tokens\":12}}}}\n\n",
);

#[test]
fn responses_stream() {
    let (events, err) = same_at_every_split(ProviderKind::OpenAiResponses, RESPONSES.as_bytes());
    assert_eq!(err, None);
    assert_eq!(events[0], StreamEvent::ReasoningDelta("Thinking…".into()));
    assert_eq!(events[1], StreamEvent::ReasoningSignature("enc123".into()));
    assert_eq!(text(&events), "Sure, reading.");
    let calls = calls(&events);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].id, "call_xyz");
    assert_eq!(calls[0].arguments, json!({"path": "a.rs"}));
    assert_eq!(stop(&events), StopReason::ToolUse);
    let u = last_usage(&events);
    assert_eq!(
        (
            u.input_tokens,
            u.output_tokens,
            u.cached_input_tokens,
            u.reasoning_tokens
        ),
        (50, 30, 10, 12)
    );

    let cut = &RESPONSES[..RESPONSES.find("event: response.completed").unwrap()];
    let (_, err) = decode(ProviderKind::OpenAiResponses, &[cut.as_bytes()]);
    assert!(matches!(err, Some(ProviderError::StreamCut { .. })));

    let failed = "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"The server had an error\"}}}\n\n";
    let (_, err) = decode(ProviderKind::OpenAiResponses, &[failed.as_bytes()]);
    let err = err.unwrap();
    assert!(matches!(err, ProviderError::Overloaded { .. }), "{err:?}");
    assert!(err.to_string().contains("The server had an error"));

    let incomplete = "data: {\"type\":\"response.incomplete\",\"response\":{\"incomplete_details\":{\"reason\":\"max_output_tokens\"}}}\n\n";
    let (events, err) = decode(ProviderKind::OpenAiResponses, &[incomplete.as_bytes()]);
    assert_eq!(err, None);
    assert_eq!(stop(&events), StopReason::MaxTokens);
}

const ANTHROPIC: &str = concat!(
    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude\",\"usage\":{\"input_tokens\":25,\"cache_read_input_tokens\":100,\"cache_creation_input_tokens\":0,\"output_tokens\":1}}}\n\n",
    "event: ping\ndata: {\"type\":\"ping\"}\n\n",
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"I should look.\"}}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM\"}}\n\n",
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Let me check — \"}}\n\n",
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n",
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"run\",\"input\":{}}}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"cmd\\\": \\\"car\"}}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"go test\\\"}\"}}\n\n",
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":2}\n\n",
    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":89}}\n\n",
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
);

#[test]
fn anthropic_stream() {
    let (events, err) = same_at_every_split(ProviderKind::Anthropic, ANTHROPIC.as_bytes());
    assert_eq!(err, None);
    assert!(events.contains(&StreamEvent::ReasoningDelta("I should look.".into())));
    assert!(events.contains(&StreamEvent::ReasoningSignature("EqQBCgIYAhIM".into())));
    assert_eq!(text(&events), "Let me check — ");
    let calls = calls(&events);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].id, "toolu_01");
    assert_eq!(calls[0].arguments, json!({"cmd": "cargo test"}));
    assert_eq!(stop(&events), StopReason::ToolUse);
    let u = last_usage(&events);
    assert_eq!(
        (u.input_tokens, u.cached_input_tokens, u.output_tokens),
        (125, 100, 89)
    );

    let cut = &ANTHROPIC[..ANTHROPIC.find("event: message_stop").unwrap()];
    let (_, err) = decode(ProviderKind::Anthropic, &[cut.as_bytes()]);
    assert!(matches!(err, Some(ProviderError::StreamCut { .. })));

    let overloaded = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":3}}}\n\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
    let (_, err) = same_at_every_split(ProviderKind::Anthropic, overloaded.as_bytes());
    assert!(
        matches!(err, Some(ProviderError::Overloaded { .. })),
        "{err:?}"
    );
}

const GEMINI: &str = concat!(
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Pondering\",\"thought\":true}],\"role\":\"model\"},\"index\":0}]}\r\n\r\n",
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Here you \"}],\"role\":\"model\"},\"index\":0}]}\r\n\r\n",
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"go.\"},{\"functionCall\":{\"name\":\"write_file\",\"args\":{\"path\":\"a.py\",\"text\":\"print(1)\"}}},{\"functionCall\":{\"name\":\"run\",\"args\":{}}}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":40,\"candidatesTokenCount\":12,\"thoughtsTokenCount\":8,\"totalTokenCount\":60}}\r\n\r\n",
);

#[test]
fn gemini_stream() {
    let (events, err) = same_at_every_split(ProviderKind::Gemini, GEMINI.as_bytes());
    assert_eq!(err, None);
    assert_eq!(events[0], StreamEvent::ReasoningDelta("Pondering".into()));
    assert_eq!(text(&events), "Here you go.");
    let calls = calls(&events);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].id, "call_0");
    assert_eq!(calls[1].id, "call_1");
    assert_eq!(
        calls[0].arguments,
        json!({"path": "a.py", "text": "print(1)"})
    );
    assert_eq!(stop(&events), StopReason::ToolUse);
    let u = last_usage(&events);
    assert_eq!(
        (u.input_tokens, u.output_tokens, u.reasoning_tokens),
        (40, 20, 8)
    );

    let cut = &GEMINI[..GEMINI.rfind("data:").unwrap()];
    let (_, err) = decode(ProviderKind::Gemini, &[cut.as_bytes()]);
    assert!(matches!(err, Some(ProviderError::StreamCut { .. })));
    let mut prefixed = Vec::new();
    Decoder::new(ProviderKind::Gemini, "m")
        .with_id_prefix("m7")
        .feed(GEMINI.as_bytes(), &mut prefixed)
        .unwrap();
    assert_eq!(calls_of(&prefixed)[0].id, "m7_0");
}

fn calls_of(events: &[StreamEvent]) -> Vec<ToolCall> {
    calls(events)
}

fn sample_messages() -> Vec<Message> {
    let mut assistant = Message::new(
        Role::Assistant,
        vec![
            Part::Reasoning {
                text: "hmm".into(),
                signature: Some("sig".into()),
            },
            Part::text("Reading."),
            Part::ToolCall(ToolCall::from_raw(
                "call_1",
                "read_file",
                "{\"path\":\"a.rs\"}",
            )),
        ],
    );
    assistant.model = Some("m".into());
    vec![
        Message::user("What is in a.rs?"),
        assistant,
        Message::new(
            Role::User,
            vec![Part::ToolResult {
                call_id: "call_1".into(),
                name: "read_file".into(),
                output: "fn main() {}".into(),
                is_error: false,
            }],
        ),
    ]
}

fn tools() -> Vec<ToolSpec> {
    vec![ToolSpec {
        name: "read_file".into(),
        description: "Reads a file".into(),
        parameters: json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
            "properties": {"path": {"type": "string", "default": "x"}, "default": {"type": "string"}},
            "required": ["path"], "additionalProperties": false}),
    }]
}

fn body_of(kind: ProviderKind, key: &str) -> (HttpRequest, serde_json::Value) {
    let messages = sample_messages();
    let tools = tools();
    let req = ChatRequest {
        tools: &tools,
        max_output_tokens: Some(1000),
        ..ChatRequest::new("model-x", "You are Kiln.", &messages)
    };
    let http = build_request(&ProviderConfig::new(kind).with_key(key), &req).unwrap();
    let body = serde_json::from_slice(http.body.as_ref().unwrap()).unwrap();
    (http, body)
}

#[test]
fn chat_completions_request() {
    let (http, b) = body_of(ProviderKind::OpenAi, "sk");
    assert_eq!(http.url, "https://api.openai.com/v1/chat/completions");
    assert_eq!(http.header("Authorization"), Some("Bearer sk"));
    assert_eq!(b["stream"], true);
    assert_eq!(b["stream_options"]["include_usage"], true);
    assert_eq!(b["max_completion_tokens"], 1000);
    assert_eq!(
        b["messages"][0],
        json!({"role": "system", "content": "You are Kiln."})
    );
    assert_eq!(
        b["messages"][2]["tool_calls"][0]["function"]["arguments"],
        "{\"path\":\"a.rs\"}"
    );
    assert_eq!(
        b["messages"][3],
        json!({"role": "tool", "tool_call_id": "call_1", "content": "fn main() {}"})
    );
    assert_eq!(b["tools"][0]["type"], "function");
    assert_eq!(b["tools"][0]["function"]["name"], "read_file");

    let (http, b) = body_of(ProviderKind::OpenRouter, "or");
    assert_eq!(http.url, "https://openrouter.ai/api/v1/chat/completions");
    assert_eq!(b["max_tokens"], 1000);
    let local = ProviderConfig::new(ProviderKind::OpenAiCompatible)
        .with_base_url("http://localhost:1234/v1/");
    let messages = [Message::user("hi")];
    let http = build_request(&local, &ChatRequest::new("qwen", "", &messages)).unwrap();
    assert_eq!(http.url, "http://localhost:1234/v1/chat/completions");
    assert_eq!(http.header("authorization"), None);
    assert!(
        build_request(
            &ProviderConfig::new(ProviderKind::OpenAi),
            &ChatRequest::new("m", "", &messages)
        )
        .is_err()
    );
}

#[test]
fn responses_request() {
    let (http, b) = body_of(ProviderKind::OpenAiResponses, "sk");
    assert_eq!(http.url, "https://api.openai.com/v1/responses");
    assert_eq!(b["instructions"], "You are Kiln.");
    assert_eq!(
        b["input"][0]["content"][0],
        json!({"type": "input_text", "text": "What is in a.rs?"})
    );
    assert_eq!(b["input"][1]["content"][0]["type"], "output_text");
    assert_eq!(
        b["input"][2],
        json!({"type": "function_call", "call_id": "call_1", "name": "read_file", "arguments": "{\"path\":\"a.rs\"}"})
    );
    assert_eq!(
        b["input"][3],
        json!({"type": "function_call_output", "call_id": "call_1", "output": "fn main() {}"})
    );
    assert_eq!(b["tools"][0]["name"], "read_file");
    assert_eq!(b["max_output_tokens"], 1000);
}

#[test]
fn anthropic_request() {
    let (http, b) = body_of(ProviderKind::Anthropic, "ak");
    assert_eq!(http.url, "https://api.anthropic.com/v1/messages");
    assert_eq!(http.header("x-api-key"), Some("ak"));
    assert_eq!(http.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(
        http.header("anthropic-dangerous-direct-browser-access"),
        Some("true")
    );
    assert_eq!(b["system"], "You are Kiln.");
    assert_eq!(b["max_tokens"], 1000);
    assert_eq!(
        b["messages"][1]["content"][0],
        json!({"type": "thinking", "thinking": "hmm", "signature": "sig"})
    );
    assert_eq!(
        b["messages"][1]["content"][2],
        json!({"type": "tool_use", "id": "call_1", "name": "read_file", "input": {"path": "a.rs"}})
    );
    assert_eq!(
        b["messages"][2]["content"][0],
        json!({"type": "tool_result", "tool_use_id": "call_1", "content": "fn main() {}", "is_error": false})
    );
    assert_eq!(b["tools"][0]["input_schema"]["type"], "object");
    let messages = sample_messages();
    let req = ChatRequest {
        reasoning: Some(ReasoningEffort::High),
        temperature: Some(0.5),
        ..ChatRequest::new("m", "", &messages)
    };
    let http = build_request(
        &ProviderConfig::new(ProviderKind::Anthropic).with_key("k"),
        &req,
    )
    .unwrap();
    let b: serde_json::Value = serde_json::from_slice(http.body.as_ref().unwrap()).unwrap();
    assert_eq!(b["thinking"]["budget_tokens"], 16384);
    assert!(b["max_tokens"].as_u64().unwrap() > 16384);
    assert!(b.get("temperature").is_none());
}

#[test]
fn gemini_request() {
    let (http, b) = body_of(ProviderKind::Gemini, "gk");
    assert_eq!(
        http.url,
        "https://generativelanguage.googleapis.com/v1beta/models/model-x:streamGenerateContent?alt=sse"
    );
    assert_eq!(http.header("x-goog-api-key"), Some("gk"));
    assert_eq!(b["systemInstruction"]["parts"][0]["text"], "You are Kiln.");
    assert_eq!(b["contents"][1]["role"], "model");
    assert_eq!(
        b["contents"][1]["parts"][1],
        json!({"functionCall": {"name": "read_file", "args": {"path": "a.rs"}}})
    );
    assert_eq!(
        b["contents"][2]["parts"][0],
        json!({"functionResponse": {"name": "read_file", "response": {"content": "fn main() {}"}}})
    );
    let params = &b["tools"][0]["functionDeclarations"][0]["parameters"];
    assert_eq!(
        params,
        &json!({"type": "object", "properties": {"path": {"type": "string"}, "default": {"type": "string"}}, "required": ["path"]})
    );
    assert_eq!(b["generationConfig"]["maxOutputTokens"], 1000);
}

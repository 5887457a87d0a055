//! Rendering replies in each wire format.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{ErrorKind, FakeToolCall, Reply};

/// A provider wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wire {
    /// OpenAI Chat Completions.
    ChatCompletions,
    /// OpenAI Responses.
    Responses,
    /// Anthropic Messages.
    Anthropic,
    /// Google Gemini.
    Gemini,
}

impl Wire {
    /// The format a request path selects.
    #[must_use]
    pub fn from_path(path: &str) -> Option<Wire> {
        let path = path.split('?').next().unwrap_or(path);
        match path {
            "/v1/chat/completions" | "/chat/completions" => Some(Wire::ChatCompletions),
            "/v1/responses" | "/responses" => Some(Wire::Responses),
            "/v1/messages" => Some(Wire::Anthropic),
            p if p.starts_with("/v1beta/models/") && p.ends_with(":streamGenerateContent") => {
                Some(Wire::Gemini)
            }
            _ => None,
        }
    }
}

pub(crate) struct Rendered {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    /// For event streams: the frames, each sent as its own HTTP chunk.
    pub(crate) frames: Option<Vec<String>>,
}

impl Rendered {
    pub(crate) fn empty(status: u16) -> Self {
        Rendered {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            frames: None,
        }
    }

    fn json(status: u16, body: &Value) -> Self {
        Rendered {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
            frames: None,
        }
    }

    pub(crate) fn not_found(path: &str) -> Self {
        Self::json(
            404,
            &json!({"error": {"message": format!("kiln-fake-provider: no route for {path}"),
                "type": "invalid_request_error", "code": "unknown_url"}}),
        )
    }

    pub(crate) fn exhausted(wire: Wire) -> Self {
        error_response(
            wire,
            400,
            ErrorKind::BadRequest,
            "kiln-fake-provider: no scripted reply left",
        )
    }
}

/// Splits `s` into pieces of at most `n` characters (at least one piece).
fn pieces(s: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars.chunks(n).map(|c| c.iter().collect()).collect()
}

fn sse(event: Option<&str>, data: &Value) -> String {
    match event {
        Some(e) => format!("event: {e}\ndata: {data}\n\n"),
        None => format!("data: {data}\n\n"),
    }
}

fn stream(frames: Vec<String>) -> Rendered {
    Rendered {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "text/event-stream".into()),
            ("Cache-Control".into(), "no-cache".into()),
        ],
        body: Vec::new(),
        frames: Some(frames),
    }
}

pub(crate) fn render(wire: Wire, reply: &Reply, n: usize, request: &Value) -> Rendered {
    match reply {
        Reply::Error {
            status,
            kind,
            message,
            retry_after,
        } => {
            let status = if *status == 0 {
                default_status(wire, *kind)
            } else {
                *status
            };
            let message = if message.is_empty() {
                default_message(wire, *kind)
            } else {
                message.clone()
            };
            let mut r = error_response(wire, status, *kind, &message);
            if let Some(secs) = retry_after {
                r.headers.push(("Retry-After".into(), secs.to_string()));
            }
            r
        }
        Reply::CutAfter { frames, reply } => {
            let mut all = frames_for(wire, reply, n, request);
            all.truncate(*frames);
            stream(all)
        }
        Reply::Malformed => {
            let mut all = frames_for(wire, &Reply::Text("Hi".into()), n, request);
            let keep = match wire {
                Wire::ChatCompletions => 2,
                Wire::Responses | Wire::Anthropic => 4,
                Wire::Gemini => 1,
            };
            all.truncate(keep);
            let event = match wire {
                Wire::Anthropic => "event: content_block_delta\n",
                Wire::Responses => "event: response.output_text.delta\n",
                _ => "",
            };
            all.push(format!(
                "{event}data: {{\"choices\": [{{\"delta\": oops\n\n"
            ));
            stream(all)
        }
        other => stream(frames_for(wire, other, n, request)),
    }
}

fn default_status(wire: Wire, kind: ErrorKind) -> u16 {
    match kind {
        ErrorKind::Auth => 401,
        ErrorKind::NotFound => 404,
        ErrorKind::ContextTooLong | ErrorKind::BadRequest => 400,
        ErrorKind::RateLimit => 429,
        ErrorKind::Overloaded if wire == Wire::Anthropic => 529,
        ErrorKind::Overloaded => 503,
        ErrorKind::Server => 500,
    }
}

fn default_message(wire: Wire, kind: ErrorKind) -> String {
    match (wire, kind) {
        (Wire::Anthropic, ErrorKind::Auth) => "invalid x-api-key".into(),
        (Wire::Gemini, ErrorKind::Auth) => {
            "API key not valid. Please pass a valid API key.".into()
        }
        (_, ErrorKind::Auth) => {
            "Incorrect API key provided: sk-fake. You can find your API key at https://platform.openai.com/account/api-keys.".into()
        }
        (_, ErrorKind::NotFound) => "The model `fake-model` does not exist".into(),
        (Wire::Anthropic, ErrorKind::ContextTooLong) => {
            "prompt is too long: 215000 tokens > 200000 maximum".into()
        }
        (Wire::Gemini, ErrorKind::ContextTooLong) => {
            "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).".into()
        }
        (_, ErrorKind::ContextTooLong) => {
            "This model's maximum context length is 128000 tokens. However, your messages resulted in 150000 tokens.".into()
        }
        (_, ErrorKind::RateLimit) => "Rate limit reached; please try again later.".into(),
        (_, ErrorKind::Overloaded) => "Overloaded".into(),
        (_, ErrorKind::Server) => "The server had an error while processing your request.".into(),
        (_, ErrorKind::BadRequest) => "Invalid request.".into(),
    }
}

fn error_response(wire: Wire, status: u16, kind: ErrorKind, message: &str) -> Rendered {
    let body = match wire {
        Wire::ChatCompletions | Wire::Responses => {
            let (ty, code) = match kind {
                ErrorKind::Auth => ("invalid_request_error", "invalid_api_key"),
                ErrorKind::NotFound => ("invalid_request_error", "model_not_found"),
                ErrorKind::ContextTooLong => ("invalid_request_error", "context_length_exceeded"),
                ErrorKind::RateLimit => ("requests", "rate_limit_exceeded"),
                ErrorKind::Overloaded | ErrorKind::Server => ("server_error", "server_error"),
                ErrorKind::BadRequest => ("invalid_request_error", "invalid_request"),
            };
            json!({"error": {"message": message, "type": ty, "param": null, "code": code}})
        }
        Wire::Anthropic => {
            let ty = match kind {
                ErrorKind::Auth => "authentication_error",
                ErrorKind::NotFound => "not_found_error",
                ErrorKind::ContextTooLong | ErrorKind::BadRequest => "invalid_request_error",
                ErrorKind::RateLimit => "rate_limit_error",
                ErrorKind::Overloaded => "overloaded_error",
                ErrorKind::Server => "api_error",
            };
            json!({"type": "error", "error": {"type": ty, "message": message}})
        }
        Wire::Gemini => {
            let st = match kind {
                ErrorKind::Auth => "UNAUTHENTICATED",
                ErrorKind::NotFound => "NOT_FOUND",
                ErrorKind::ContextTooLong | ErrorKind::BadRequest => "INVALID_ARGUMENT",
                ErrorKind::RateLimit => "RESOURCE_EXHAUSTED",
                ErrorKind::Overloaded => "UNAVAILABLE",
                ErrorKind::Server => "INTERNAL",
            };
            json!({"error": {"code": status, "message": message, "status": st}})
        }
    };
    Rendered::json(status, &body)
}

/// Fixed usage numbers: input grows with the request size so tests can tell requests apart.
fn usage_numbers(request: &Value) -> (u64, u64) {
    let input = (request.to_string().len() as u64).div_ceil(4);
    (input, 42)
}

fn frames_for(wire: Wire, reply: &Reply, n: usize, request: &Value) -> Vec<String> {
    let (reasoning, text, calls): (&str, &str, &[FakeToolCall]) = match reply {
        Reply::Text(t) => ("", t.as_str(), &[]),
        Reply::Reasoning { reasoning, text } => (reasoning.as_str(), text.as_str(), &[]),
        Reply::ToolCalls(c) => ("", "", c.as_slice()),
        _ => ("", "", &[]),
    };
    let (input, output) = usage_numbers(request);
    match wire {
        Wire::ChatCompletions => chat(reasoning, text, calls, n, input, output),
        Wire::Responses => responses(reasoning, text, calls, n, input, output),
        Wire::Anthropic => anthropic(reasoning, text, calls, n, input, output),
        Wire::Gemini => gemini(reasoning, text, calls, input, output),
    }
}

fn chat(
    reasoning: &str,
    text: &str,
    calls: &[FakeToolCall],
    n: usize,
    input: u64,
    output: u64,
) -> Vec<String> {
    let id = format!("chatcmpl-{n}");
    let chunk = |delta: Value, finish: Value| {
        sse(
            None,
            &json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000,
                "model": "fake-model",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}),
        )
    };
    let mut f = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    if !reasoning.is_empty() {
        for p in pieces(reasoning, 6) {
            f.push(chunk(json!({"reasoning_content": p}), Value::Null));
        }
    }
    if !text.is_empty() {
        for p in pieces(text, 6) {
            f.push(chunk(json!({"content": p}), Value::Null));
        }
    }
    for (i, c) in calls.iter().enumerate() {
        f.push(chunk(
            json!({"tool_calls": [{"index": i, "id": format!("call_{n}_{i}"), "type": "function",
                "function": {"name": c.name, "arguments": ""}}]}),
            Value::Null,
        ));
        for p in pieces(&c.arguments.to_string(), 7) {
            f.push(chunk(
                json!({"tool_calls": [{"index": i, "function": {"arguments": p}}]}),
                Value::Null,
            ));
        }
    }
    let finish = if calls.is_empty() {
        "stop"
    } else {
        "tool_calls"
    };
    f.push(chunk(json!({}), json!(finish)));
    f.push(sse(
        None,
        &json!({"id": id, "object": "chat.completion.chunk", "model": "fake-model", "choices": [],
            "usage": {"prompt_tokens": input, "completion_tokens": output,
                "total_tokens": input + output}}),
    ));
    f.push("data: [DONE]\n\n".into());
    f
}

fn responses(
    reasoning: &str,
    text: &str,
    calls: &[FakeToolCall],
    n: usize,
    input: u64,
    output: u64,
) -> Vec<String> {
    let ev = |ty: &str, mut v: Value| {
        v["type"] = json!(ty);
        sse(Some(ty), &v)
    };
    let rid = format!("resp_{n}");
    let mut f = vec![ev(
        "response.created",
        json!({"response": {"id": rid, "status": "in_progress"}}),
    )];
    let mut index = 0;
    if !reasoning.is_empty() {
        f.push(ev(
            "response.output_item.added",
            json!({"output_index": index, "item": {"type": "reasoning", "id": "rs_1"}}),
        ));
        for p in pieces(reasoning, 6) {
            f.push(ev(
                "response.reasoning_summary_text.delta",
                json!({"item_id": "rs_1", "output_index": index, "summary_index": 0, "delta": p}),
            ));
        }
        f.push(ev(
            "response.output_item.done",
            json!({"output_index": index, "item": {"type": "reasoning", "id": "rs_1"}}),
        ));
        index += 1;
    }
    if !text.is_empty() {
        f.push(ev("response.output_item.added", json!({"output_index": index, "item": {"type": "message", "id": "msg_1", "role": "assistant", "content": []}})));
        for p in pieces(text, 6) {
            f.push(ev(
                "response.output_text.delta",
                json!({"item_id": "msg_1", "output_index": index, "content_index": 0, "delta": p}),
            ));
        }
        f.push(ev("response.output_item.done", json!({"output_index": index, "item": {"type": "message", "id": "msg_1", "role": "assistant", "content": [{"type": "output_text", "text": text}]}})));
        index += 1;
    }
    for (i, c) in calls.iter().enumerate() {
        let item_id = format!("fc_{n}_{i}");
        let call_id = format!("call_{n}_{i}");
        let args = c.arguments.to_string();
        f.push(ev("response.output_item.added", json!({"output_index": index, "item": {"type": "function_call", "id": item_id, "call_id": call_id, "name": c.name, "arguments": ""}})));
        for p in pieces(&args, 7) {
            f.push(ev(
                "response.function_call_arguments.delta",
                json!({"item_id": item_id, "output_index": index, "delta": p}),
            ));
        }
        f.push(ev(
            "response.function_call_arguments.done",
            json!({"item_id": item_id, "output_index": index, "arguments": args}),
        ));
        f.push(ev("response.output_item.done", json!({"output_index": index, "item": {"type": "function_call", "id": item_id, "call_id": call_id, "name": c.name, "arguments": args}})));
        index += 1;
    }
    f.push(ev(
        "response.completed",
        json!({"response": {"id": rid, "status": "completed",
            "usage": {"input_tokens": input, "output_tokens": output, "total_tokens": input + output,
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens_details": {"reasoning_tokens": 0}}}}),
    ));
    f
}

fn anthropic(
    reasoning: &str,
    text: &str,
    calls: &[FakeToolCall],
    n: usize,
    input: u64,
    output: u64,
) -> Vec<String> {
    let ev = |ty: &str, mut v: Value| {
        v["type"] = json!(ty);
        sse(Some(ty), &v)
    };
    let mut f = vec![
        ev(
            "message_start",
            json!({"message": {"id": format!("msg_{n}"), "type": "message", "role": "assistant",
                "content": [], "model": "fake-model", "stop_reason": null,
                "usage": {"input_tokens": input, "output_tokens": 1}}}),
        ),
        ev("ping", json!({})),
    ];
    let mut index = 0;
    if !reasoning.is_empty() {
        f.push(ev(
            "content_block_start",
            json!({"index": index, "content_block": {"type": "thinking", "thinking": ""}}),
        ));
        for p in pieces(reasoning, 6) {
            f.push(ev(
                "content_block_delta",
                json!({"index": index, "delta": {"type": "thinking_delta", "thinking": p}}),
            ));
        }
        f.push(ev("content_block_delta", json!({"index": index, "delta": {"type": "signature_delta", "signature": "fake-signature"}})));
        f.push(ev("content_block_stop", json!({"index": index})));
        index += 1;
    }
    if !text.is_empty() {
        f.push(ev(
            "content_block_start",
            json!({"index": index, "content_block": {"type": "text", "text": ""}}),
        ));
        for p in pieces(text, 6) {
            f.push(ev(
                "content_block_delta",
                json!({"index": index, "delta": {"type": "text_delta", "text": p}}),
            ));
        }
        f.push(ev("content_block_stop", json!({"index": index})));
        index += 1;
    }
    for (i, c) in calls.iter().enumerate() {
        f.push(ev("content_block_start", json!({"index": index, "content_block": {"type": "tool_use", "id": format!("toolu_{n}_{i}"), "name": c.name, "input": {}}})));
        f.push(ev(
            "content_block_delta",
            json!({"index": index, "delta": {"type": "input_json_delta", "partial_json": ""}}),
        ));
        for p in pieces(&c.arguments.to_string(), 7) {
            f.push(ev(
                "content_block_delta",
                json!({"index": index, "delta": {"type": "input_json_delta", "partial_json": p}}),
            ));
        }
        f.push(ev("content_block_stop", json!({"index": index})));
        index += 1;
    }
    let stop = if calls.is_empty() {
        "end_turn"
    } else {
        "tool_use"
    };
    f.push(ev(
        "message_delta",
        json!({"delta": {"stop_reason": stop, "stop_sequence": null}, "usage": {"output_tokens": output}}),
    ));
    f.push(ev("message_stop", json!({})));
    f
}

fn gemini(
    reasoning: &str,
    text: &str,
    calls: &[FakeToolCall],
    input: u64,
    output: u64,
) -> Vec<String> {
    let chunk = |parts: Value, last: bool| {
        let mut c = json!({"content": {"parts": parts, "role": "model"}, "index": 0});
        let mut v = json!({"modelVersion": "fake-model"});
        if last {
            c["finishReason"] = json!("STOP");
            v["usageMetadata"] = json!({"promptTokenCount": input, "candidatesTokenCount": output,
                "totalTokenCount": input + output});
        }
        v["candidates"] = json!([c]);
        sse(None, &v).replace("\n\n", "\r\n\r\n")
    };
    let mut parts: Vec<Value> = Vec::new();
    for p in pieces(reasoning, 6).into_iter().filter(|p| !p.is_empty()) {
        parts.push(json!([{"text": p, "thought": true}]));
    }
    for p in pieces(text, 6).into_iter().filter(|p| !p.is_empty()) {
        parts.push(json!([{"text": p}]));
    }
    if !calls.is_empty() {
        let fc: Vec<Value> = calls
            .iter()
            .map(|c| json!({"functionCall": {"name": c.name, "args": c.arguments}}))
            .collect();
        parts.push(Value::Array(fc));
    }
    if parts.is_empty() {
        parts.push(json!([{"text": ""}]));
    }
    let last = parts.len() - 1;
    parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| chunk(p, i == last))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(
            Wire::from_path("/v1/chat/completions"),
            Some(Wire::ChatCompletions)
        );
        assert_eq!(
            Wire::from_path("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"),
            Some(Wire::Gemini)
        );
        assert_eq!(Wire::from_path("/nope"), None);
    }

    #[test]
    fn tool_arguments_are_split_and_reassemble() {
        let reply = Reply::tool_call("read_file", json!({"path": "src/main.rs"}));
        let frames = frames_for(Wire::ChatCompletions, &reply, 1, &Value::Null);
        let deltas: Vec<String> = frames
            .iter()
            .filter_map(|f| f.strip_prefix("data: "))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .filter_map(|v| {
                v["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"]
                    .as_str()
                    .map(str::to_owned)
            })
            .collect();
        assert!(deltas.len() > 3);
        assert_eq!(deltas.concat(), r#"{"path":"src/main.rs"}"#);
        assert_eq!(frames.last().unwrap(), "data: [DONE]\n\n");
    }

    #[test]
    fn scenario_format() {
        let s: crate::Scenario = serde_json::from_str(
            r#"{"replies": [{"error": {"status": 429, "kind": "rate_limit", "retry_after": 1}},
            {"text": "hi"}, {"tool_calls": [{"name": "ls", "arguments": {}}]},
            {"reasoning": {"reasoning": "r", "text": "t"}},
            {"cut_after": {"frames": 3, "reply": {"text": "x"}}}, "malformed"]}"#,
        )
        .unwrap();
        assert_eq!(s.port, 0);
        assert_eq!(s.replies.len(), 6);
        assert_eq!(s.replies[0], Reply::rate_limited(1));
    }
}

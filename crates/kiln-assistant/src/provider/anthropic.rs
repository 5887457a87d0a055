//! Anthropic Messages API.

use serde_json::{Value, json};

use super::{ChatRequest, Ctx, Out, StopReason, compaction_text, u64_at};
use crate::conversation::{Part, Role};
use crate::error::{ProviderError, classify_stream_error};
use crate::sse::SseEvent;

const DEFAULT_MAX_TOKENS: u32 = 8192;

pub(super) fn headers(key: Option<&str>) -> Vec<(String, String)> {
    let mut h = vec![
        ("anthropic-version".to_owned(), "2023-06-01".to_owned()),
        (
            "anthropic-dangerous-direct-browser-access".to_owned(),
            "true".to_owned(),
        ),
    ];
    if let Some(k) = key {
        h.insert(0, ("x-api-key".to_owned(), k.to_owned()));
    }
    h
}

pub(super) fn body(req: &ChatRequest<'_>) -> Value {
    let mut messages = Vec::new();
    for m in req.messages {
        let mut blocks = Vec::new();
        // Tool results must come first in their user message.
        for p in &m.parts {
            if let Part::ToolResult {
                call_id,
                output,
                is_error,
                ..
            } = p
            {
                blocks.push(json!({"type": "tool_result", "tool_use_id": call_id,
                    "content": output, "is_error": is_error}));
            }
        }
        for p in &m.parts {
            match p {
                Part::Text { text } if !text.is_empty() => {
                    blocks.push(json!({"type": "text", "text": text}));
                }
                Part::CompactionMarker { summary, .. } => {
                    blocks.push(json!({"type": "text", "text": compaction_text(summary)}));
                }
                // Thinking can only be sent back with the signature Anthropic gave it.
                Part::Reasoning {
                    text,
                    signature: Some(sig),
                } if m.role == Role::Assistant => {
                    blocks.push(json!({"type": "thinking", "thinking": text, "signature": sig}));
                }
                Part::ToolCall(c) if m.role == Role::Assistant => {
                    let input = if c.arguments.is_object() {
                        c.arguments.clone()
                    } else {
                        json!({})
                    };
                    blocks.push(
                        json!({"type": "tool_use", "id": c.id, "name": c.name, "input": input}),
                    );
                }
                _ => {}
            }
        }
        if blocks.is_empty() {
            continue;
        }
        let role = match m.role {
            Role::User => "user",
            Role::Assistant => "assistant",
        };
        messages.push(json!({"role": role, "content": blocks}));
    }
    let mut max_tokens = req.max_output_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
    let mut body = json!({
        "model": req.model,
        "messages": messages,
        "stream": true,
    });
    if !req.system.is_empty() {
        body["system"] = json!(req.system);
    }
    if !req.tools.is_empty() {
        body["tools"] = req
            .tools
            .iter()
            .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.parameters}))
            .collect();
    }
    if let Some(effort) = req.reasoning {
        let budget = effort.budget();
        // The budget must be below max_tokens; temperature cannot be set with thinking.
        max_tokens = max_tokens.max(budget + 1024);
        body["thinking"] = json!({"type": "enabled", "budget_tokens": budget});
    } else if let Some(t) = req.temperature {
        body["temperature"] = json!(t);
    }
    body["max_tokens"] = json!(max_tokens);
    body
}

#[derive(Default)]
pub(super) struct State {
    pub(super) done: bool,
}

impl State {
    pub(super) fn on_frame(
        &mut self,
        ctx: &Ctx<'_>,
        frame: &SseEvent,
        out: &mut Out,
    ) -> Result<(), ProviderError> {
        let v = ctx.json(frame)?;
        let kind = v["type"].as_str().unwrap_or(frame.event.as_str());
        let index = v["index"]
            .as_u64()
            .and_then(|i| usize::try_from(i).ok())
            .unwrap_or(0);
        match kind {
            "message_start" => {
                let usage = &v["message"]["usage"];
                if usage.is_object() {
                    out.usage(|u| read_usage(u, usage));
                }
            }
            "content_block_start" => {
                let block = &v["content_block"];
                match block["type"].as_str() {
                    Some("tool_use") => {
                        let id = block["id"]
                            .as_str()
                            .ok_or_else(|| ctx.malformed(frame, "tool_use block without id"))?;
                        out.tool_start(index, id, block["name"].as_str().unwrap_or_default());
                    }
                    Some("text") => out.text(block["text"].as_str().unwrap_or_default()),
                    Some("thinking") => {
                        out.reasoning(block["thinking"].as_str().unwrap_or_default());
                    }
                    _ => {}
                }
            }
            "content_block_delta" => {
                let d = &v["delta"];
                match d["type"].as_str() {
                    Some("text_delta") => out.text(d["text"].as_str().unwrap_or_default()),
                    Some("input_json_delta") => {
                        out.tool_delta(index, d["partial_json"].as_str().unwrap_or_default());
                    }
                    Some("thinking_delta") => {
                        out.reasoning(d["thinking"].as_str().unwrap_or_default());
                    }
                    Some("signature_delta") => {
                        out.signature(d["signature"].as_str().unwrap_or_default());
                    }
                    _ => {}
                }
            }
            "content_block_stop" => out.tool_end(index, None),
            "message_delta" => {
                let usage = &v["usage"];
                if usage.is_object() {
                    out.usage(|u| read_usage(u, usage));
                }
                if let Some(reason) = v["delta"]["stop_reason"].as_str() {
                    out.stop(match reason {
                        "end_turn" | "stop_sequence" => StopReason::EndTurn,
                        "tool_use" => StopReason::ToolUse,
                        "max_tokens" | "model_context_window_exceeded" => StopReason::MaxTokens,
                        "refusal" => StopReason::ContentFilter,
                        other => StopReason::Other(other.to_owned()),
                    });
                }
            }
            "message_stop" => self.done = true,
            "error" => return Err(classify_stream_error(ctx.kind, ctx.model, &v)),
            _ => {} // ping and future event types
        }
        Ok(())
    }
}

/// Folds an Anthropic usage object in; fields it lacks keep their values. Anthropic's
/// `input_tokens` excludes cache reads and writes; ours includes them.
fn read_usage(u: &mut crate::usage::Usage, usage: &Value) {
    let fresh = u64_at(usage, "input_tokens");
    let read = u64_at(usage, "cache_read_input_tokens");
    let write = u64_at(usage, "cache_creation_input_tokens");
    if fresh.is_some() || read.is_some() || write.is_some() {
        let previous_fresh = u
            .input_tokens
            .saturating_sub(u.cached_input_tokens + u.cache_write_tokens);
        if let Some(r) = read {
            u.cached_input_tokens = r;
        }
        if let Some(w) = write {
            u.cache_write_tokens = w;
        }
        u.input_tokens =
            fresh.unwrap_or(previous_fresh) + u.cached_input_tokens + u.cache_write_tokens;
    }
    if let Some(o) = u64_at(usage, "output_tokens") {
        u.output_tokens = o;
    }
}

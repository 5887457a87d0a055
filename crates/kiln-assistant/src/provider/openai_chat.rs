//! OpenAI Chat Completions (also OpenRouter and OpenAI-compatible local servers).

use serde_json::{Value, json};

use super::{ChatRequest, Ctx, Out, ProviderKind, StopReason, compaction_text, u64_at};
use crate::conversation::{Part, Role};
use crate::error::{ProviderError, classify_stream_error};
use crate::sse::SseEvent;

pub(super) fn body(kind: ProviderKind, req: &ChatRequest<'_>) -> Value {
    let mut messages = Vec::new();
    if !req.system.is_empty() {
        messages.push(json!({"role": "system", "content": req.system}));
    }
    for m in req.messages {
        match m.role {
            Role::User => {
                // Tool results first: they must follow the assistant's tool calls directly.
                let mut text = String::new();
                for p in &m.parts {
                    match p {
                        Part::ToolResult {
                            call_id, output, ..
                        } => messages.push(json!({
                            "role": "tool", "tool_call_id": call_id, "content": output,
                        })),
                        Part::Text { text: t } => text.push_str(t),
                        Part::CompactionMarker { summary, .. } => {
                            text.push_str(&compaction_text(summary));
                        }
                        Part::Reasoning { .. } | Part::ToolCall(_) => {}
                    }
                }
                if !text.is_empty() {
                    messages.push(json!({"role": "user", "content": text}));
                }
            }
            Role::Assistant => {
                let mut text = String::new();
                let mut calls = Vec::new();
                for p in &m.parts {
                    match p {
                        Part::Text { text: t } => text.push_str(t),
                        Part::ToolCall(c) => calls.push(json!({
                            "id": c.id, "type": "function",
                            "function": {"name": c.name, "arguments": c.arguments_text()},
                        })),
                        Part::CompactionMarker { summary, .. } => {
                            text.push_str(&compaction_text(summary));
                        }
                        Part::Reasoning { .. } | Part::ToolResult { .. } => {}
                    }
                }
                let mut msg = json!({"role": "assistant", "content": if text.is_empty() { Value::Null } else { Value::String(text) }});
                if !calls.is_empty() {
                    msg["tool_calls"] = Value::Array(calls);
                }
                messages.push(msg);
            }
        }
    }
    let mut body = json!({
        "model": req.model,
        "messages": messages,
        "stream": true,
        "stream_options": {"include_usage": true},
    });
    if !req.tools.is_empty() {
        body["tools"] = req
            .tools
            .iter()
            .map(|t| {
                json!({"type": "function", "function": {
                    "name": t.name, "description": t.description, "parameters": t.parameters,
                }})
            })
            .collect();
    }
    if let Some(max) = req.max_output_tokens {
        // OpenAI's reasoning models refuse `max_tokens`; other servers only know it.
        let key = if kind == ProviderKind::OpenAi {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        body[key] = json!(max);
    }
    if let Some(t) = req.temperature {
        body["temperature"] = json!(t);
    }
    if let Some(effort) = req.reasoning {
        match kind {
            ProviderKind::OpenRouter => body["reasoning"] = json!({"effort": effort.as_str()}),
            _ => body["reasoning_effort"] = json!(effort.as_str()),
        }
    }
    body
}

#[derive(Default)]
pub(super) struct State {
    pub(super) done: bool,
    pub(super) finished: bool,
}

impl State {
    pub(super) fn on_frame(
        &mut self,
        ctx: &Ctx<'_>,
        frame: &SseEvent,
        out: &mut Out,
    ) -> Result<(), ProviderError> {
        if frame.data.trim() == "[DONE]" {
            self.done = true;
            return Ok(());
        }
        let v = ctx.json(frame)?;
        if v.get("error").is_some_and(|e| !e.is_null()) {
            return Err(classify_stream_error(ctx.kind, ctx.model, &v));
        }
        if let Some(choice) = v["choices"].as_array().and_then(|c| c.first()) {
            let delta = &choice["delta"];
            for key in ["reasoning_content", "reasoning"] {
                if let Some(s) = delta[key].as_str() {
                    out.reasoning(s);
                }
            }
            if let Some(s) = delta["content"].as_str() {
                out.text(s);
            }
            if let Some(calls) = delta["tool_calls"].as_array() {
                for (pos, call) in calls.iter().enumerate() {
                    let index = call["index"]
                        .as_u64()
                        .and_then(|i| usize::try_from(i).ok())
                        .unwrap_or(pos);
                    let f = &call["function"];
                    if !out.is_open(index) {
                        let id = call["id"]
                            .as_str()
                            .map_or_else(|| format!("call_{index}"), str::to_owned);
                        let name = f["name"].as_str().unwrap_or_default();
                        out.tool_start(index, &id, name);
                    }
                    if let Some(args) = f["arguments"].as_str() {
                        out.tool_delta(index, args);
                    } else if f["arguments"].is_object() {
                        out.tool_delta(index, &f["arguments"].to_string());
                    }
                }
            }
            if let Some(reason) = choice["finish_reason"].as_str() {
                self.finished = true;
                out.stop(match reason {
                    "stop" => StopReason::EndTurn,
                    "tool_calls" | "function_call" => StopReason::ToolUse,
                    "length" => StopReason::MaxTokens,
                    "content_filter" => StopReason::ContentFilter,
                    other => StopReason::Other(other.to_owned()),
                });
            }
        }
        let usage = &v["usage"];
        if usage.is_object() {
            out.usage(|u| {
                u.input_tokens = u64_at(usage, "prompt_tokens").unwrap_or(0);
                u.output_tokens = u64_at(usage, "completion_tokens").unwrap_or(0);
                u.cached_input_tokens =
                    u64_at(&usage["prompt_tokens_details"], "cached_tokens").unwrap_or(0);
                u.reasoning_tokens =
                    u64_at(&usage["completion_tokens_details"], "reasoning_tokens").unwrap_or(0);
            });
        }
        Ok(())
    }
}

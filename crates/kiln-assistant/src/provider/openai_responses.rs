//! OpenAI Responses API.

use serde_json::{Value, json};

use super::{ChatRequest, Ctx, Out, StopReason, compaction_text, u64_at};
use crate::conversation::{Part, Role};
use crate::error::{ProviderError, classify_stream_error};
use crate::sse::SseEvent;

pub(super) fn body(req: &ChatRequest<'_>) -> Value {
    let mut input = Vec::new();
    for m in req.messages {
        let (role, text_type) = match m.role {
            Role::User => ("user", "input_text"),
            Role::Assistant => ("assistant", "output_text"),
        };
        let mut content = Vec::new();
        let flush = |content: &mut Vec<Value>, input: &mut Vec<Value>| {
            if !content.is_empty() {
                let content = std::mem::take(content);
                input.push(json!({"type": "message", "role": role, "content": content}));
            }
        };
        for p in &m.parts {
            match p {
                Part::Text { text } => content.push(json!({"type": text_type, "text": text})),
                Part::CompactionMarker { summary, .. } => {
                    content.push(json!({"type": text_type, "text": compaction_text(summary)}));
                }
                Part::ToolCall(c) => {
                    flush(&mut content, &mut input);
                    input.push(json!({
                        "type": "function_call", "call_id": c.id, "name": c.name,
                        "arguments": c.arguments_text(),
                    }));
                }
                Part::ToolResult {
                    call_id, output, ..
                } => {
                    flush(&mut content, &mut input);
                    input.push(json!({
                        "type": "function_call_output", "call_id": call_id, "output": output,
                    }));
                }
                Part::Reasoning { .. } => {}
            }
        }
        flush(&mut content, &mut input);
    }
    let mut body = json!({
        "model": req.model,
        "input": input,
        "stream": true,
        "store": false,
    });
    if !req.system.is_empty() {
        body["instructions"] = json!(req.system);
    }
    if !req.tools.is_empty() {
        body["tools"] = req
            .tools
            .iter()
            .map(|t| {
                json!({"type": "function", "name": t.name, "description": t.description,
                    "parameters": t.parameters})
            })
            .collect();
    }
    if let Some(max) = req.max_output_tokens {
        body["max_output_tokens"] = json!(max);
    }
    if let Some(t) = req.temperature {
        body["temperature"] = json!(t);
    }
    if let Some(effort) = req.reasoning {
        body["reasoning"] = json!({"effort": effort.as_str(), "summary": "auto"});
    }
    body
}

#[derive(Default)]
pub(super) struct State {
    pub(super) done: bool,
}

fn index_of(v: &Value) -> usize {
    v["output_index"]
        .as_u64()
        .and_then(|i| usize::try_from(i).ok())
        .unwrap_or(0)
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
        match kind {
            "response.output_text.delta" => out.text(v["delta"].as_str().unwrap_or_default()),
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                out.reasoning(v["delta"].as_str().unwrap_or_default());
            }
            "response.output_item.added" => {
                let item = &v["item"];
                if item["type"] == "function_call" {
                    let id = item["call_id"]
                        .as_str()
                        .or_else(|| item["id"].as_str())
                        .ok_or_else(|| {
                            ctx.malformed(frame, "function_call item without call_id")
                        })?;
                    out.tool_start(index_of(&v), id, item["name"].as_str().unwrap_or_default());
                }
            }
            "response.function_call_arguments.delta" => {
                out.tool_delta(index_of(&v), v["delta"].as_str().unwrap_or_default());
            }
            "response.output_item.done" => {
                let item = &v["item"];
                match item["type"].as_str() {
                    Some("function_call") => out.tool_end(index_of(&v), item["arguments"].as_str()),
                    Some("reasoning") => {
                        if let Some(enc) = item["encrypted_content"].as_str() {
                            out.signature(enc);
                        }
                    }
                    _ => {}
                }
            }
            "response.completed" | "response.incomplete" => {
                self.done = true;
                let resp = &v["response"];
                let usage = &resp["usage"];
                if usage.is_object() {
                    out.usage(|u| {
                        u.input_tokens = u64_at(usage, "input_tokens").unwrap_or(0);
                        u.output_tokens = u64_at(usage, "output_tokens").unwrap_or(0);
                        u.cached_input_tokens =
                            u64_at(&usage["input_tokens_details"], "cached_tokens").unwrap_or(0);
                        u.reasoning_tokens =
                            u64_at(&usage["output_tokens_details"], "reasoning_tokens")
                                .unwrap_or(0);
                    });
                }
                let reason = match resp["incomplete_details"]["reason"].as_str() {
                    None => StopReason::EndTurn,
                    Some("max_output_tokens") => StopReason::MaxTokens,
                    Some("content_filter") => StopReason::ContentFilter,
                    Some(other) => StopReason::Other(other.to_owned()),
                };
                out.stop(reason);
            }
            "response.failed" => {
                let err = &v["response"]["error"];
                return Err(classify_stream_error(ctx.kind, ctx.model, err));
            }
            "error" => return Err(classify_stream_error(ctx.kind, ctx.model, &v)),
            _ => {}
        }
        Ok(())
    }
}

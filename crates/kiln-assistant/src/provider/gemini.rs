//! Google Gemini `streamGenerateContent`.

use serde_json::{Map, Value, json};

use super::{ChatRequest, Ctx, Out, StopReason, compaction_text, u64_at};
use crate::conversation::{Part, Role};
use crate::error::{ProviderError, classify_stream_error};
use crate::sse::SseEvent;

/// JSON-schema keywords Gemini's function declarations reject.
const UNSUPPORTED_SCHEMA_KEYS: &[&str] = &[
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "$comment",
    "definitions",
    "additionalProperties",
    "patternProperties",
    "unevaluatedProperties",
    "dependentRequired",
    "dependentSchemas",
    "examples",
    "default",
    "const",
    "if",
    "then",
    "else",
    "not",
];

/// Removes the keywords Gemini rejects from a JSON schema, recursing into sub-schemas
/// (`properties` values, `items`, `anyOf`/`oneOf`/`allOf`) but not treating property names
/// as keywords.
#[must_use]
pub fn clean_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (k, v) in map {
        if UNSUPPORTED_SCHEMA_KEYS.contains(&k.as_str()) {
            continue;
        }
        let v = match k.as_str() {
            "properties" => match v {
                Value::Object(props) => Value::Object(
                    props
                        .iter()
                        .map(|(name, s)| (name.clone(), clean_schema(s)))
                        .collect(),
                ),
                other => other.clone(),
            },
            "items" => clean_schema(v),
            "anyOf" | "oneOf" | "allOf" => match v {
                Value::Array(xs) => Value::Array(xs.iter().map(clean_schema).collect()),
                other => other.clone(),
            },
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

pub(super) fn body(req: &ChatRequest<'_>) -> Value {
    let mut contents = Vec::new();
    for m in req.messages {
        let mut parts = Vec::new();
        for p in &m.parts {
            match p {
                Part::ToolResult {
                    name,
                    output,
                    is_error,
                    ..
                } => {
                    let key = if *is_error { "error" } else { "content" };
                    parts.push(
                        json!({"functionResponse": {"name": name, "response": {key: output}}}),
                    );
                }
                Part::Text { text } if !text.is_empty() => parts.push(json!({"text": text})),
                Part::CompactionMarker { summary, .. } => {
                    parts.push(json!({"text": compaction_text(summary)}));
                }
                Part::ToolCall(c) if m.role == Role::Assistant => {
                    let args = if c.arguments.is_object() {
                        c.arguments.clone()
                    } else {
                        json!({})
                    };
                    parts.push(json!({"functionCall": {"name": c.name, "args": args}}));
                }
                _ => {}
            }
        }
        if parts.is_empty() {
            continue;
        }
        let role = match m.role {
            Role::User => "user",
            Role::Assistant => "model",
        };
        contents.push(json!({"role": role, "parts": parts}));
    }
    let mut body = json!({ "contents": contents });
    if !req.system.is_empty() {
        body["systemInstruction"] = json!({"parts": [{"text": req.system}]});
    }
    if !req.tools.is_empty() {
        let decls: Vec<Value> = req
            .tools
            .iter()
            .map(|t| {
                json!({"name": t.name, "description": t.description,
                    "parameters": clean_schema(&t.parameters)})
            })
            .collect();
        body["tools"] = json!([{ "functionDeclarations": decls }]);
    }
    let mut config = Map::new();
    if let Some(max) = req.max_output_tokens {
        config.insert("maxOutputTokens".into(), json!(max));
    }
    if let Some(t) = req.temperature {
        config.insert("temperature".into(), json!(t));
    }
    if let Some(effort) = req.reasoning {
        config.insert(
            "thinkingConfig".into(),
            json!({"includeThoughts": true, "thinkingBudget": effort.budget()}),
        );
    }
    if !config.is_empty() {
        body["generationConfig"] = Value::Object(config);
    }
    body
}

pub(super) struct State {
    pub(super) done: bool,
    pub(super) id_prefix: String,
    next_call: usize,
}

impl Default for State {
    fn default() -> Self {
        State {
            done: false,
            id_prefix: "call".to_owned(),
            next_call: 0,
        }
    }
}

impl State {
    pub(super) fn on_frame(
        &mut self,
        ctx: &Ctx<'_>,
        frame: &SseEvent,
        out: &mut Out,
    ) -> Result<(), ProviderError> {
        let v = ctx.json(frame)?;
        if v.get("error").is_some_and(Value::is_object) {
            return Err(classify_stream_error(ctx.kind, ctx.model, &v));
        }
        let candidate = &v["candidates"][0];
        if let Some(parts) = candidate["content"]["parts"].as_array() {
            for p in parts {
                if let Some(text) = p["text"].as_str() {
                    if p["thought"].as_bool() == Some(true) {
                        out.reasoning(text);
                    } else {
                        out.text(text);
                    }
                }
                if let Some(sig) = p["thoughtSignature"].as_str()
                    && p["thought"].as_bool() == Some(true)
                {
                    out.signature(sig);
                }
                let call = &p["functionCall"];
                if call.is_object() {
                    let index = self.next_call;
                    self.next_call += 1;
                    let id = call["id"]
                        .as_str()
                        .map_or_else(|| format!("{}_{index}", self.id_prefix), str::to_owned);
                    let name = call["name"]
                        .as_str()
                        .ok_or_else(|| ctx.malformed(frame, "functionCall without name"))?;
                    out.tool_start(index, &id, name);
                    let args = if call["args"].is_null() {
                        "{}".to_owned()
                    } else {
                        call["args"].to_string()
                    };
                    out.tool_delta(index, &args);
                    out.tool_end(index, None);
                }
            }
        }
        let usage = &v["usageMetadata"];
        if usage.is_object() {
            out.usage(|u| {
                let thoughts = u64_at(usage, "thoughtsTokenCount").unwrap_or(0);
                u.input_tokens = u64_at(usage, "promptTokenCount").unwrap_or(0);
                u.cached_input_tokens = u64_at(usage, "cachedContentTokenCount").unwrap_or(0);
                u.output_tokens = u64_at(usage, "candidatesTokenCount").unwrap_or(0) + thoughts;
                u.reasoning_tokens = thoughts;
            });
        }
        let finish = candidate["finishReason"].as_str().or_else(|| {
            v["promptFeedback"]["blockReason"]
                .as_str()
                .map(|_| "SAFETY")
        });
        if let Some(reason) = finish {
            self.done = true;
            out.stop(match reason {
                "STOP" => StopReason::EndTurn,
                "MAX_TOKENS" => StopReason::MaxTokens,
                "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII"
                | "IMAGE_SAFETY" => StopReason::ContentFilter,
                other => StopReason::Other(other.to_owned()),
            });
        }
        Ok(())
    }
}

//! The conversation data model: plain serde data that the app stores and exports as JSON.

use serde::{Deserialize, Serialize};

use crate::usage::Usage;

/// Who wrote a message. The system prompt is not a message: it travels in
/// [`ChatRequest::system`](crate::ChatRequest::system).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The person, and the tool results the agent feeds back (which providers expect in the
    /// user's turn).
    User,
    /// The model.
    Assistant,
}

/// One tool call made by the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The provider's call id (synthesised for Gemini, which has none). Tool results refer to it.
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// The parsed arguments; `Value::Null` when they were not valid JSON.
    pub arguments: serde_json::Value,
    /// The arguments exactly as the model sent them, kept only when they failed to parse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_arguments: Option<String>,
    /// Why the arguments failed to parse, in words the agent can pass back to the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments_error: Option<String>,
}

impl ToolCall {
    /// A call from its raw argument text, parsing it. Empty text counts as `{}` (models send
    /// no arguments for tools without parameters).
    #[must_use]
    pub fn from_raw(id: impl Into<String>, name: impl Into<String>, raw: &str) -> Self {
        let (arguments, raw_arguments, arguments_error) = if raw.trim().is_empty() {
            (
                serde_json::Value::Object(serde_json::Map::new()),
                None,
                None,
            )
        } else {
            match serde_json::from_str::<serde_json::Value>(raw) {
                Ok(v) => (v, None, None),
                Err(e) => (
                    serde_json::Value::Null,
                    Some(raw.to_owned()),
                    Some(format!("the arguments are not valid JSON ({e})")),
                ),
            }
        };
        ToolCall {
            id: id.into(),
            name: name.into(),
            arguments,
            raw_arguments,
            arguments_error,
        }
    }

    /// The arguments as JSON text, as sent back to providers that take a string.
    #[must_use]
    pub fn arguments_text(&self) -> String {
        match &self.raw_arguments {
            Some(raw) => raw.clone(),
            None => self.arguments.to_string(),
        }
    }

    /// Whether the arguments parsed.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.arguments_error.is_none()
    }
}

/// A piece of a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Part {
    /// Plain text.
    Text {
        /// The text.
        text: String,
    },
    /// The model's visible reasoning ("thinking").
    Reasoning {
        /// The reasoning text (or summary).
        text: String,
        /// The provider's signature or encrypted content for this block (Anthropic
        /// `signature`, OpenAI `encrypted_content`), needed to send the block back.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    /// A tool call by the model.
    ToolCall(ToolCall),
    /// The result of running a tool, fed back in a user message.
    ToolResult {
        /// The [`ToolCall::id`] it answers.
        call_id: String,
        /// The tool's name (Gemini matches results by name).
        name: String,
        /// What the tool returned.
        output: String,
        /// Whether the tool failed.
        #[serde(default)]
        is_error: bool,
    },
    /// Earlier messages were replaced by this summary.
    CompactionMarker {
        /// The summary of the replaced messages.
        summary: String,
        /// How many messages it replaced.
        replaced_message_count: usize,
    },
}

impl Part {
    /// A text part.
    #[must_use]
    pub fn text(text: impl Into<String>) -> Self {
        Part::Text { text: text.into() }
    }
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// An id unique within its session (see [`Session::push`]).
    #[serde(default)]
    pub id: String,
    /// Who wrote it.
    pub role: Role,
    /// Its content in order.
    pub parts: Vec<Part>,
    /// Tokens used to produce it (assistant messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// The model that wrote it (assistant messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Milliseconds since the Unix epoch, if the app recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_ms: Option<u64>,
}

impl Message {
    /// A message with these parts and no id.
    #[must_use]
    pub fn new(role: Role, parts: Vec<Part>) -> Self {
        Message {
            id: String::new(),
            role,
            parts,
            usage: None,
            model: None,
            created_at_ms: None,
        }
    }

    /// A user message holding `text`.
    #[must_use]
    pub fn user(text: impl Into<String>) -> Self {
        Self::new(Role::User, vec![Part::text(text)])
    }

    /// An assistant message holding `text`.
    #[must_use]
    pub fn assistant(text: impl Into<String>) -> Self {
        Self::new(Role::Assistant, vec![Part::text(text)])
    }

    /// Sets the id.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// All text parts joined.
    #[must_use]
    pub fn text(&self) -> String {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Text { text } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The tool calls in order.
    pub fn tool_calls(&self) -> impl Iterator<Item = &ToolCall> {
        self.parts.iter().filter_map(|p| match p {
            Part::ToolCall(c) => Some(c),
            _ => None,
        })
    }
}

/// A conversation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The session's id.
    pub id: String,
    /// A title for lists.
    #[serde(default)]
    pub title: String,
    /// Every message, including ones replaced by a compaction (kept for display/export).
    pub messages: Vec<Message>,
    /// Total tokens of all assistant messages.
    #[serde(default)]
    pub usage: Usage,
    /// Total cost in US dollars of the messages whose cost was known.
    #[serde(default)]
    pub cost_usd: f64,
    /// Milliseconds since the Unix epoch, if the app recorded it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_ms: Option<u64>,
}

impl Session {
    /// An empty session.
    #[must_use]
    pub fn new(id: impl Into<String>, title: impl Into<String>) -> Self {
        Session {
            id: id.into(),
            title: title.into(),
            ..Session::default()
        }
    }

    /// Appends a message, giving it an id (`m1`, `m2`, ...) if it has none, and adds its usage
    /// and `cost_usd` (if any) to the totals. Returns the id.
    pub fn push(&mut self, mut message: Message, cost_usd: Option<f64>) -> String {
        if message.id.is_empty() {
            message.id = format!("m{}", self.messages.len() + 1);
        }
        if let Some(u) = &message.usage {
            self.usage += *u;
        }
        self.cost_usd += cost_usd.unwrap_or(0.0);
        let id = message.id.clone();
        self.messages.push(message);
        id
    }

    /// The messages to send to the model: everything from the last message holding a
    /// [`Part::CompactionMarker`] on (the marker's summary stands for what came before).
    #[must_use]
    pub fn messages_for_request(&self) -> &[Message] {
        let start = self
            .messages
            .iter()
            .rposition(|m| {
                m.parts
                    .iter()
                    .any(|p| matches!(p, Part::CompactionMarker { .. }))
            })
            .unwrap_or(0);
        &self.messages[start..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_call_parsing() {
        let ok = ToolCall::from_raw("c1", "read", r#"{"path":"a.rs"}"#);
        assert!(ok.is_valid());
        assert_eq!(ok.arguments["path"], "a.rs");
        let empty = ToolCall::from_raw("c1", "ls", "");
        assert_eq!(empty.arguments, serde_json::json!({}));
        let bad = ToolCall::from_raw("c1", "read", r#"{"path":"a.rs""#);
        assert!(!bad.is_valid());
        assert_eq!(bad.arguments_text(), r#"{"path":"a.rs""#);
        assert!(bad.arguments_error.unwrap().contains("not valid JSON"));
    }

    #[test]
    fn session_json_round_trip_and_compaction() {
        let mut s = Session::new("s1", "demo");
        s.push(Message::user("hi"), None);
        let mut a = Message::assistant("hello");
        a.usage = Some(Usage {
            input_tokens: 10,
            output_tokens: 5,
            ..Usage::default()
        });
        s.push(a, Some(0.5));
        s.push(
            Message::new(
                Role::User,
                vec![Part::CompactionMarker {
                    summary: "said hi".into(),
                    replaced_message_count: 2,
                }],
            ),
            None,
        );
        s.push(Message::user("again"), None);
        assert_eq!(s.usage.input_tokens, 10);
        assert!((s.cost_usd - 0.5).abs() < 1e-9);
        assert_eq!(s.messages_for_request().len(), 2);
        assert_eq!(s.messages[3].id, "m4");
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains(r#""type":"compaction_marker""#));
        let back: Session = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }
}

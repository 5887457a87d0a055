//! Folding stream events into the final assistant [`Message`].

use crate::conversation::{Message, Part, Role, ToolCall};
use crate::provider::{StopReason, StreamEvent};
use crate::usage::Usage;

/// Builds the assistant message from [`StreamEvent`]s, in arrival order.
///
/// Text and reasoning deltas extend the last part when it is of the same kind; a tool call
/// takes its place at its `ToolCallStart` and is filled in at `ToolCallEnd`.
///
/// ```
/// use kiln_assistant::{Accumulator, StreamEvent};
///
/// let mut acc = Accumulator::new("claude-haiku-4-5");
/// acc.push(&StreamEvent::TextDelta("Hel".into()));
/// acc.push(&StreamEvent::TextDelta("lo".into()));
/// let turn = acc.finish();
/// assert_eq!(turn.message.text(), "Hello");
/// ```
#[derive(Debug, Clone)]
pub struct Accumulator {
    model: String,
    parts: Vec<Part>,
    /// (stream index, position in `parts`, raw argument text so far) of open calls.
    open: Vec<(usize, usize, String)>,
    usage: Option<Usage>,
    stop: Option<StopReason>,
}

/// The outcome of one model response.
#[derive(Debug, Clone, PartialEq)]
pub struct AssistantTurn {
    /// The assistant message, with usage and model set.
    pub message: Message,
    /// Why the model stopped, if it said.
    pub stop: Option<StopReason>,
}

impl AssistantTurn {
    /// The tool calls whose arguments were not valid JSON; the agent should tell the model
    /// (e.g. as an error tool result quoting [`ToolCall::arguments_error`]).
    pub fn invalid_tool_calls(&self) -> impl Iterator<Item = &ToolCall> {
        self.message.tool_calls().filter(|c| !c.is_valid())
    }
}

impl Accumulator {
    /// An empty accumulator for a response from `model`.
    #[must_use]
    pub fn new(model: &str) -> Self {
        Accumulator {
            model: model.to_owned(),
            parts: Vec::new(),
            open: Vec::new(),
            usage: None,
            stop: None,
        }
    }

    /// Whether any output (text, reasoning or tool call) has arrived.
    #[must_use]
    pub fn has_output(&self) -> bool {
        !self.parts.is_empty()
    }

    /// Folds in one event.
    pub fn push(&mut self, event: &StreamEvent) {
        match event {
            StreamEvent::TextDelta(d) => {
                if let Some(Part::Text { text }) = self.parts.last_mut() {
                    text.push_str(d);
                } else {
                    self.parts.push(Part::text(d.clone()));
                }
            }
            StreamEvent::ReasoningDelta(d) => {
                if let Some(Part::Reasoning {
                    text,
                    signature: None,
                }) = self.parts.last_mut()
                {
                    text.push_str(d);
                } else {
                    self.parts.push(Part::Reasoning {
                        text: d.clone(),
                        signature: None,
                    });
                }
            }
            StreamEvent::ReasoningSignature(s) => {
                let last_reasoning = self.parts.iter_mut().rev().find_map(|p| match p {
                    Part::Reasoning { signature, .. } => Some(signature),
                    _ => None,
                });
                match last_reasoning {
                    Some(sig) => sig.get_or_insert_with(String::new).push_str(s),
                    None => self.parts.push(Part::Reasoning {
                        text: String::new(),
                        signature: Some(s.clone()),
                    }),
                }
            }
            StreamEvent::ToolCallStart { index, id, name } => {
                self.open.push((*index, self.parts.len(), String::new()));
                self.parts.push(Part::ToolCall(ToolCall::from_raw(
                    id.clone(),
                    name.clone(),
                    "",
                )));
            }
            StreamEvent::ToolCallDelta {
                index,
                args_fragment,
            } => {
                if let Some((_, _, raw)) = self.open.iter_mut().find(|(i, _, _)| i == index) {
                    raw.push_str(args_fragment);
                }
            }
            StreamEvent::ToolCallEnd { index, call } => {
                match self.open.iter().position(|(i, _, _)| i == index) {
                    Some(k) => {
                        let (_, pos, _) = self.open.remove(k);
                        self.parts[pos] = Part::ToolCall(call.clone());
                    }
                    None => self.parts.push(Part::ToolCall(call.clone())),
                }
            }
            StreamEvent::Usage(u) => self.usage = Some(*u),
            StreamEvent::Stop(r) => self.stop = Some(r.clone()),
        }
    }

    /// The assistant message so far. Calls that never ended are assembled from the
    /// fragments received.
    #[must_use]
    pub fn finish(mut self) -> AssistantTurn {
        for (_, pos, raw) in std::mem::take(&mut self.open) {
            if let Part::ToolCall(c) = &self.parts[pos] {
                self.parts[pos] =
                    Part::ToolCall(ToolCall::from_raw(c.id.clone(), c.name.clone(), &raw));
            }
        }
        let mut message = Message::new(Role::Assistant, self.parts);
        message.usage = self.usage;
        message.model = Some(self.model);
        AssistantTurn {
            message,
            stop: self.stop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_parts_in_order() {
        let mut acc = Accumulator::new("m");
        let events = [
            StreamEvent::ReasoningDelta("think".into()),
            StreamEvent::ReasoningSignature("sig".into()),
            StreamEvent::TextDelta("a".into()),
            StreamEvent::TextDelta("b".into()),
            StreamEvent::ToolCallStart {
                index: 1,
                id: "c1".into(),
                name: "read".into(),
            },
            StreamEvent::ToolCallDelta {
                index: 1,
                args_fragment: "{\"p\":".into(),
            },
            StreamEvent::ToolCallStart {
                index: 2,
                id: "c2".into(),
                name: "bad".into(),
            },
            StreamEvent::ToolCallDelta {
                index: 2,
                args_fragment: "{oops".into(),
            },
            StreamEvent::ToolCallEnd {
                index: 1,
                call: ToolCall::from_raw("c1", "read", "{\"p\":1}"),
            },
            StreamEvent::Usage(Usage {
                input_tokens: 3,
                ..Usage::default()
            }),
            StreamEvent::Stop(StopReason::ToolUse),
        ];
        for e in &events {
            acc.push(e);
        }
        assert!(acc.has_output());
        let turn = acc.finish();
        assert_eq!(turn.stop, Some(StopReason::ToolUse));
        assert_eq!(turn.message.usage.unwrap().input_tokens, 3);
        assert_eq!(turn.message.parts.len(), 4);
        assert_eq!(
            turn.message.parts[0],
            Part::Reasoning {
                text: "think".into(),
                signature: Some("sig".into())
            }
        );
        assert_eq!(turn.message.text(), "ab");
        let calls: Vec<_> = turn.message.tool_calls().collect();
        assert_eq!(calls[0].arguments["p"], 1);
        assert_eq!(calls[1].raw_arguments.as_deref(), Some("{oops"));
        assert_eq!(turn.invalid_tool_calls().count(), 1);
    }
}

//! Token accounting and rough token estimates.

use std::ops::{Add, AddAssign};

use serde::{Deserialize, Serialize};

use crate::conversation::{Message, Part};
use crate::provider::ToolSpec;

/// Tokens used by one response (or a total of several).
///
/// `input_tokens` counts all input, cached included; `cached_input_tokens` is the part of it
/// read from the provider's prompt cache. `output_tokens` counts all output, reasoning
/// included; `reasoning_tokens` is the part of it spent thinking.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Usage {
    /// All input tokens.
    #[serde(default)]
    pub input_tokens: u64,
    /// All output tokens.
    #[serde(default)]
    pub output_tokens: u64,
    /// Input tokens read from the prompt cache (a subset of `input_tokens`).
    #[serde(default)]
    pub cached_input_tokens: u64,
    /// Input tokens written to the prompt cache (Anthropic; a subset of `input_tokens`).
    #[serde(default)]
    pub cache_write_tokens: u64,
    /// Output tokens spent reasoning (a subset of `output_tokens`).
    #[serde(default)]
    pub reasoning_tokens: u64,
}

impl Usage {
    /// Input plus output tokens.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.input_tokens + self.output_tokens
    }
}

impl Add for Usage {
    type Output = Usage;

    fn add(self, o: Usage) -> Usage {
        Usage {
            input_tokens: self.input_tokens + o.input_tokens,
            output_tokens: self.output_tokens + o.output_tokens,
            cached_input_tokens: self.cached_input_tokens + o.cached_input_tokens,
            cache_write_tokens: self.cache_write_tokens + o.cache_write_tokens,
            reasoning_tokens: self.reasoning_tokens + o.reasoning_tokens,
        }
    }
}

impl AddAssign for Usage {
    fn add_assign(&mut self, o: Usage) {
        *self = *self + o;
    }
}

/// A rough token count for `text`: one token per 4 bytes of UTF-8, rounded up.
///
/// Real tokenisers give about 3.5–4.5 bytes per token for English and code, more tokens for
/// other scripts; this is meant for "are we near the context window?" decisions (compaction),
/// not billing. Use the provider's reported [`Usage`] when you have it.
#[must_use]
pub fn estimate_tokens(text: &str) -> u64 {
    (text.len() as u64).div_ceil(4)
}

/// A rough token count for a message: its text as [`estimate_tokens`] counts it, plus 4
/// tokens of framing per part.
#[must_use]
pub fn estimate_message_tokens(message: &Message) -> u64 {
    message
        .parts
        .iter()
        .map(|p| {
            4 + match p {
                Part::Text { text } | Part::Reasoning { text, .. } => estimate_tokens(text),
                Part::ToolCall(c) => {
                    estimate_tokens(&c.name) + estimate_tokens(&c.arguments_text())
                }
                Part::ToolResult { output, name, .. } => {
                    estimate_tokens(output) + estimate_tokens(name)
                }
                Part::CompactionMarker { summary, .. } => estimate_tokens(summary),
            }
        })
        .sum()
}

/// A rough token count for a whole request: system prompt, messages and tool definitions.
#[must_use]
pub fn estimate_request_tokens(system: &str, messages: &[Message], tools: &[ToolSpec]) -> u64 {
    estimate_tokens(system)
        + messages.iter().map(estimate_message_tokens).sum::<u64>()
        + tools
            .iter()
            .map(|t| {
                estimate_tokens(&t.name)
                    + estimate_tokens(&t.description)
                    + estimate_tokens(&t.parameters.to_string())
            })
            .sum::<u64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_and_estimate() {
        let a = Usage {
            input_tokens: 1,
            output_tokens: 2,
            cached_input_tokens: 3,
            cache_write_tokens: 4,
            reasoning_tokens: 5,
        };
        let mut b = a;
        b += a;
        assert_eq!(b.reasoning_tokens, 10);
        assert_eq!(b.total(), 6);
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abcde"), 2);
        assert_eq!(estimate_message_tokens(&Message::user("abcd")), 5);
    }
}

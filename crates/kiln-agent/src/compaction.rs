//! Compaction: the older part of a conversation becomes a summary; the recent turns stay
//! verbatim; the full history stays in the session for export.
//!
//! After compaction the session gains a message holding a [`Part::CompactionMarker`] (with the
//! summary), followed by copies of the kept recent messages. Providers are sent everything from
//! the marker on ([`Session::messages_for_request`](kiln_assistant::Session::messages_for_request)).

use std::fmt::Write as _;

use kiln_assistant::{Message, Part, Role, estimate_message_tokens};

/// Where to cut `messages` so that the part after the cut fits in `keep_tokens` (but holds at
/// least the latest exchange), never between a tool call and its result. `None` when there is
/// nothing older to summarise.
#[must_use]
pub fn split_point(messages: &[Message], keep_tokens: u64) -> Option<usize> {
    if messages.len() < 3 {
        return None;
    }
    // Walk back from the end while the kept part fits; always keep the last message.
    let mut kept = 0u64;
    let mut split = messages.len() - 1;
    kept += estimate_message_tokens(&messages[split]);
    while split > 1 {
        let cost = estimate_message_tokens(&messages[split - 1]);
        if kept + cost > keep_tokens {
            break;
        }
        kept += cost;
        split -= 1;
    }
    // A tool result must follow its call: move back onto the assistant message.
    while split > 1 && has_tool_results(&messages[split]) {
        split -= 1;
    }
    // The summarised part must hold something besides an earlier marker.
    let summarisable = messages[..split].iter().any(|m| {
        m.parts
            .iter()
            .any(|p| !matches!(p, Part::CompactionMarker { .. }))
    });
    (split > 0 && summarisable).then_some(split)
}

fn has_tool_results(message: &Message) -> bool {
    message
        .parts
        .iter()
        .any(|p| matches!(p, Part::ToolResult { .. }))
}

/// The messages before the cut as a transcript for the summariser, within about `max_tokens`
/// (the oldest parts are shortened first).
#[must_use]
pub fn transcript(messages: &[Message], max_tokens: u64) -> String {
    let mut text = String::from(
        "Summarise this conversation so far (the assistant will continue from your summary \
         and the most recent messages):\n\n",
    );
    let max_chars = usize::try_from(max_tokens.saturating_mul(4)).unwrap_or(usize::MAX);
    let per_part = (max_chars / messages.len().max(1)).max(400);
    for message in messages {
        let who = match message.role {
            Role::User => "User",
            Role::Assistant => "Assistant",
        };
        for part in &message.parts {
            let line = match part {
                Part::Text { text } => format!("{who}: {text}"),
                Part::Reasoning { .. } => continue,
                Part::ToolCall(call) => {
                    format!("{who} called {}({})", call.name, call.arguments_text())
                }
                Part::ToolResult {
                    name,
                    output,
                    is_error,
                    ..
                } => format!(
                    "Result of {name}{}: {output}",
                    if *is_error { " (error)" } else { "" }
                ),
                Part::CompactionMarker { summary, .. } => {
                    format!("Summary of the conversation before this point: {summary}")
                }
            };
            let _ = writeln!(text, "{}", shorten(&line, per_part));
        }
    }
    text
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head} […]")
}

/// The messages that replace `messages` after summarising `messages[..split]` as `summary`:
/// the marker, then the kept messages. When the first kept message is the user's own text the
/// marker joins it, so user and assistant turns keep alternating.
#[must_use]
pub fn rebuild(messages: &[Message], split: usize, summary: String) -> Vec<Message> {
    let marker = Part::CompactionMarker {
        summary,
        replaced_message_count: split,
    };
    let mut kept: Vec<Message> = messages[split..].to_vec();
    match kept.first_mut() {
        Some(first) if first.role == Role::User && !has_tool_results(first) => {
            first.parts.insert(0, marker);
            kept
        }
        _ => {
            let mut rebuilt = vec![Message::new(Role::User, vec![marker])];
            rebuilt.append(&mut kept);
            rebuilt
        }
    }
}

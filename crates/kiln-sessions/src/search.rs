//! Searching sessions by title and content.

use kiln_assistant::{Message, Part};
use kiln_core::store::{MessageRange, Store};

use crate::Sessions;
use crate::error::Result;
use crate::records;

/// How many characters of context a snippet shows on each side of the match.
const CONTEXT_CHARS: usize = 40;
/// At most this many snippets per session.
const MAX_SNIPPETS: usize = 3;

/// A session that matched a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// The session's id.
    pub session_id: String,
    /// Its title.
    pub title: String,
    /// When it last changed.
    pub updated_at_ms: u64,
    /// Whether the title matched.
    pub title_matched: bool,
    /// Where messages matched, in message order (at most three).
    pub snippets: Vec<Snippet>,
}

/// A piece of a message around a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The message's id.
    pub message_id: String,
    /// The text around the match, with `…` where it was cut.
    pub text: String,
    /// Where the match starts and ends in `text` (byte offsets), for highlighting.
    pub highlight: (usize, usize),
}

/// The searchable text of a message: text, reasoning and tool output.
fn searchable(message: &Message) -> Vec<&str> {
    message
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Text { text } | Part::Reasoning { text, .. } => Some(text.as_str()),
            Part::ToolResult { output, .. } => Some(output.as_str()),
            Part::CompactionMarker { summary, .. } => Some(summary.as_str()),
            Part::ToolCall(_) => None,
        })
        .collect()
}

/// The byte range in `haystack` of the first case-insensitive occurrence of `needle`
/// (already lowercased).
pub(crate) fn find_ci(haystack: &str, needle: &str) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    // Lowercase char by char, remembering where each lowercased byte came from.
    let mut lower = String::with_capacity(haystack.len());
    let mut origin = Vec::with_capacity(haystack.len());
    for (i, c) in haystack.char_indices() {
        for l in c.to_lowercase() {
            let before = lower.len();
            lower.push(l);
            origin.extend(std::iter::repeat_n(i, lower.len() - before));
        }
    }
    let start = lower.find(needle)?;
    let end_lower = start + needle.len();
    let begin = origin[start];
    let end = origin
        .get(end_lower)
        .copied()
        .unwrap_or(haystack.len())
        .max(begin + haystack[begin..].chars().next().map_or(0, char::len_utf8));
    Some((begin, end))
}

fn snippet(text: &str, (start, end): (usize, usize)) -> (String, (usize, usize)) {
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let to = text[end..]
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(text.len(), |(i, _)| end + i);
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let offset = out.len();
    out.push_str(&text[from..to]);
    if to < text.len() {
        out.push('…');
    }
    let out = out.replace('\n', " ");
    (out, (offset + start - from, offset + end - from))
}

pub(crate) async fn search<S: Store>(
    sessions: &Sessions<S>,
    query: &str,
    limit: usize,
) -> Result<Vec<SearchHit>> {
    let needle = query.trim().to_lowercase();
    if needle.is_empty() {
        return Ok(Vec::new());
    }
    let mut hits = Vec::new();
    for header in sessions.store().list_sessions(false).await? {
        let title_matched = find_ci(&header.title, &needle).is_some();
        let mut snippets = Vec::new();
        let records_ = sessions
            .store()
            .messages(&header.id, MessageRange::all())
            .await?;
        'messages: for record in &records_ {
            let message = records::decode_message(record)?;
            for text in searchable(&message) {
                if let Some(range) = find_ci(text, &needle) {
                    let (text, highlight) = snippet(text, range);
                    snippets.push(Snippet {
                        message_id: message.id.clone(),
                        text,
                        highlight,
                    });
                    if snippets.len() == MAX_SNIPPETS {
                        break 'messages;
                    }
                    break;
                }
            }
        }
        if title_matched || !snippets.is_empty() {
            hits.push(SearchHit {
                session_id: header.id,
                title: header.title,
                updated_at_ms: header.updated_at_ms,
                title_matched,
                snippets,
            });
        }
    }
    // Stable: within each group the store's order (most recently updated first) stays.
    hits.sort_by_key(|h| !h.title_matched);
    hits.truncate(limit);
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_case_insensitively_with_unicode() {
        assert_eq!(find_ci("Hello WORLD", "world"), Some((6, 11)));
        assert_eq!(find_ci("Straße", "straße"), Some((0, 7)));
        assert_eq!(find_ci("ÉCOLE", "école"), Some((0, 6)));
        assert_eq!(find_ci("abc", "x"), None);
    }

    #[test]
    fn snippets_cut_long_text() {
        let text = format!("{}needle{}", "a".repeat(100), "b".repeat(100));
        let range = find_ci(&text, "needle").unwrap();
        let (s, (a, b)) = snippet(&text, range);
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert_eq!(&s[a..b], "needle");
    }
}

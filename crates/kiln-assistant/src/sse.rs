//! An incremental parser for server-sent events (the `text/event-stream` format).
//!
//! Feed it body bytes as they arrive with [`SseParser::feed`]; it returns the events completed
//! so far. It follows the WHATWG event-stream rules:
//!
//! - lines end with `\n`, `\r\n` or `\r` (a `\r` at the end of one chunk and a `\n` at the
//!   start of the next are one line ending);
//! - a blank line dispatches the event; events without any `data:` field are not dispatched;
//! - several `data:` lines are joined with `\n`; one space after the colon is dropped;
//! - lines starting with `:` are comments and ignored; unknown fields are ignored;
//! - `event:`, `id:` and `retry:` (digits only) are recorded;
//! - a UTF-8 byte order mark at the very start is skipped.
//!
//! Lines are decoded only once complete, so a multi-byte UTF-8 character split across chunks is
//! decoded correctly (invalid UTF-8 becomes U+FFFD).
//!
//! **End of stream** ([`SseParser::finish`]): if the stream ends right after a complete line
//! but without the final blank line, the pending event is dispatched (some servers omit it). A
//! final line without its line ending is dropped, since it may be a truncated frame; providers
//! then notice that their end-of-stream marker never came.

/// One event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field, or `"message"` when there was none.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last `id:` seen, if any.
    pub id: Option<String>,
    /// The `retry:` field of this event, if any (milliseconds).
    pub retry: Option<u64>,
}

/// The incremental parser. See the module docs.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    skip_lf: bool,
    started: bool,
    data: String,
    has_data: bool,
    event: String,
    last_id: Option<String>,
    retry: Option<u64>,
}

impl SseParser {
    /// A parser at the start of a stream.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `bytes` and returns the events they completed.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        for &b in bytes {
            if self.skip_lf {
                self.skip_lf = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' => self.end_line(&mut out),
                b'\r' => {
                    self.end_line(&mut out);
                    self.skip_lf = true;
                }
                _ => self.line.push(b),
            }
        }
        out
    }

    /// Ends the stream and returns the event still pending, if any (see the module docs).
    pub fn finish(&mut self) -> Vec<SseEvent> {
        self.line.clear();
        let mut out = Vec::new();
        self.dispatch(&mut out);
        out
    }

    fn end_line(&mut self, out: &mut Vec<SseEvent>) {
        let mut line = std::mem::take(&mut self.line);
        if !self.started {
            self.started = true;
            if line.starts_with(&[0xEF, 0xBB, 0xBF]) {
                line.drain(..3);
            }
        }
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line[0] == b':' {
            return;
        }
        let text = String::from_utf8_lossy(&line);
        let (field, value) = match text.find(':') {
            Some(i) => {
                let v = &text[i + 1..];
                (&text[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (&text[..], ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => value.clone_into(&mut self.event),
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok();
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        let event = std::mem::take(&mut self.event);
        let retry = self.retry.take();
        if !self.has_data {
            self.data.clear();
            return;
        }
        self.has_data = false;
        out.push(SseEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
            retry,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut p = SseParser::new();
        let mut out = Vec::new();
        for c in chunks {
            out.extend(p.feed(c));
        }
        out.extend(p.finish());
        out
    }

    const SAMPLE: &[u8] = "\u{feff}: comment\r\nevent: a\r\ndata: x\r\ndata:  y\r\nid: 7\r\nretry: 100\r\n\r\ndata: é€😀\rdata\r\rfield\n\ndata: last\n"
        .as_bytes();

    #[test]
    fn fields_line_endings_and_eof() {
        let events = parse_all(&[SAMPLE]);
        assert_eq!(
            events,
            vec![
                SseEvent {
                    event: "a".into(),
                    data: "x\n y".into(),
                    id: Some("7".into()),
                    retry: Some(100)
                },
                SseEvent {
                    event: "message".into(),
                    data: "é€😀\n".into(),
                    id: Some("7".into()),
                    retry: None
                },
                SseEvent {
                    event: "message".into(),
                    data: "last".into(),
                    id: Some("7".into()),
                    retry: None
                },
            ]
        );
    }

    #[test]
    fn every_split_gives_the_same_events() {
        let whole = parse_all(&[SAMPLE]);
        for i in 0..=SAMPLE.len() {
            assert_eq!(
                parse_all(&[&SAMPLE[..i], &SAMPLE[i..]]),
                whole,
                "split at {i}"
            );
        }
        let bytes: Vec<&[u8]> = SAMPLE.chunks(1).collect();
        assert_eq!(parse_all(&bytes), whole);
    }

    #[test]
    fn unterminated_last_line_is_dropped() {
        assert_eq!(parse_all(&[b"data: {\"a\":1}\n\ndata: {\"tru"]).len(), 1);
        assert!(parse_all(&[b"event: x\n\n"]).is_empty());
    }
}

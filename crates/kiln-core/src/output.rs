use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::LimitKind;

/// Which output stream a chunk belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// Receives a program's output while it runs, in order.
///
/// Implementations use interior mutability: runners call it from inside engine callbacks.
pub trait OutputSink: Send + Sync {
    /// One chunk of text written by the program to `stream`.
    fn write(&self, stream: Stream, chunk: &str);
}

/// A sink that drops everything (the output is still kept in the [`OutputCapture`]).
impl OutputSink for () {
    fn write(&self, _stream: Stream, _chunk: &str) {}
}

#[derive(Debug, Default)]
struct CaptureState {
    stdout: String,
    stderr: String,
    written: u64,
    exceeded: bool,
}

/// Keeps what a program prints, forwards it to a sink as it comes, and enforces the output limit.
///
/// Every runner writes through one of these, so the limit means the same in every language.
pub struct OutputCapture {
    sink: Arc<dyn OutputSink>,
    cap: Option<u64>,
    state: Mutex<CaptureState>,
}

impl OutputCapture {
    /// A capture forwarding to `sink`, keeping at most `cap` bytes (stdout and stderr together).
    pub fn new(sink: Arc<dyn OutputSink>, cap: Option<u64>) -> Self {
        OutputCapture {
            sink,
            cap,
            state: Mutex::new(CaptureState::default()),
        }
    }

    /// Writes a chunk.
    ///
    /// # Errors
    /// [`LimitKind::Output`] once the output limit is reached: what still fits has been written,
    /// and the runner should stop the program.
    pub fn write(&self, stream: Stream, chunk: &str) -> Result<(), LimitKind> {
        if chunk.is_empty() {
            return Ok(());
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.exceeded {
            return Err(LimitKind::Output);
        }
        let mut kept = chunk;
        if let Some(cap) = self.cap {
            let room = usize::try_from(cap.saturating_sub(state.written)).unwrap_or(usize::MAX);
            if chunk.len() > room {
                let mut end = room;
                while !chunk.is_char_boundary(end) {
                    end -= 1;
                }
                kept = &chunk[..end];
                state.exceeded = true;
            }
        }
        state.written += kept.len() as u64;
        match stream {
            Stream::Stdout => state.stdout.push_str(kept),
            Stream::Stderr => state.stderr.push_str(kept),
        }
        let exceeded = state.exceeded;
        drop(state);
        if !kept.is_empty() {
            self.sink.write(stream, kept);
        }
        if exceeded {
            Err(LimitKind::Output)
        } else {
            Ok(())
        }
    }

    /// Writes to standard error whatever the limit says: for Kiln's own closing message
    /// (a traceback, the limit that stopped the program) that the user must see.
    pub fn write_notice(&self, chunk: &str) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.stderr.push_str(chunk);
        drop(state);
        self.sink.write(Stream::Stderr, chunk);
    }

    /// Whether the output limit has been reached.
    pub fn exceeded(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .exceeded
    }

    /// What was kept so far: `(stdout, stderr)`.
    pub fn contents(&self) -> (String, String) {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        (state.stdout.clone(), state.stderr.clone())
    }

    /// Takes what was kept, leaving the capture empty: `(stdout, stderr)`.
    pub fn take(&self) -> (String, String) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        (
            std::mem::take(&mut state.stdout),
            std::mem::take(&mut state.stderr),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<(Stream, String)>>);
    impl OutputSink for Recorder {
        fn write(&self, stream: Stream, chunk: &str) {
            self.0.lock().unwrap().push((stream, chunk.to_owned()));
        }
    }

    #[test]
    fn forwards_in_order_and_keeps_both_streams() {
        let recorder = Arc::new(Recorder::default());
        let capture = OutputCapture::new(recorder.clone(), None);
        capture.write(Stream::Stdout, "a").unwrap();
        capture.write(Stream::Stderr, "b").unwrap();
        capture.write(Stream::Stdout, "c").unwrap();
        assert_eq!(capture.contents(), ("ac".to_owned(), "b".to_owned()));
        let seen: Vec<_> = recorder
            .0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, c)| c.clone())
            .collect();
        assert_eq!(seen, ["a", "b", "c"]);
    }

    #[test]
    fn cuts_at_the_limit_on_a_char_boundary() {
        let capture = OutputCapture::new(Arc::new(()), Some(5));
        capture.write(Stream::Stdout, "abc").unwrap();
        assert_eq!(capture.write(Stream::Stdout, "déf"), Err(LimitKind::Output));
        assert_eq!(capture.contents().0, "abcd");
        assert!(capture.exceeded());
        assert_eq!(capture.write(Stream::Stderr, "x"), Err(LimitKind::Output));
        capture.write_notice("stopped\n");
        assert_eq!(capture.contents().1, "stopped\n");
    }
}

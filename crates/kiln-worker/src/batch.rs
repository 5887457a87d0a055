//! Output batching: a program's writes become few `output` messages.

use std::sync::{Mutex, PoisonError};

use kiln_core::protocol::WorkerMessage;
use kiln_core::{LimitKind, OutputSink, SharedClock, StopSignal, Stream};

use crate::Post;

/// A batch is sent once it holds this many bytes.
pub const BATCH_BYTES: usize = 4 * 1024;

/// A batch is sent when the program writes and this long has passed since the last one, so slow
/// output still appears while the program runs (about three animation frames).
pub const BATCH_INTERVAL_MS: u64 = 50;

struct Batch {
    stream: Stream,
    text: String,
    last_sent_ns: u64,
}

/// An [`OutputSink`] that posts a run's output as `output` messages in batches.
///
/// The worker runs the program synchronously and has no timer of its own meanwhile, so batches
/// are decided when the program writes: a batch goes out when it reaches [`BATCH_BYTES`], when
/// [`BATCH_INTERVAL_MS`] have passed since the last one, when the program switches between stdout
/// and stderr (order is kept), and at the end of the run ([`BatchingSink::flush`]).
///
/// It also watches the run's wall-time limit at each write: past it, the run is asked to stop,
/// so a program that prints in a loop ends with a precise `time` limit (the page terminates a
/// silent one).
pub struct BatchingSink {
    id: u64,
    post: Post,
    clock: SharedClock,
    stop: StopSignal,
    deadline_ns: Option<u64>,
    batch: Mutex<Batch>,
}

impl BatchingSink {
    /// A sink for run `id`, posting through `post`, stopping the run through `stop` once
    /// `wall_time_ms` (from now) have passed.
    #[must_use]
    pub fn new(
        id: u64,
        post: Post,
        clock: SharedClock,
        stop: StopSignal,
        wall_time_ms: Option<u64>,
    ) -> Self {
        let now = clock.monotonic_ns();
        BatchingSink {
            id,
            post,
            deadline_ns: wall_time_ms.map(|ms| now.saturating_add(ms.saturating_mul(1_000_000))),
            clock,
            stop,
            batch: Mutex::new(Batch {
                stream: Stream::Stdout,
                text: String::new(),
                last_sent_ns: now,
            }),
        }
    }

    /// Sends whatever is waiting.
    pub fn flush(&self) {
        let now = self.clock.monotonic_ns();
        let mut batch = self.batch.lock().unwrap_or_else(PoisonError::into_inner);
        let waiting = take(&mut batch, now);
        drop(batch);
        self.send(waiting);
    }

    fn send(&self, waiting: Option<(Stream, String)>) {
        if let Some((stream, chunk)) = waiting {
            (self.post)(WorkerMessage::Output {
                id: self.id,
                stream,
                chunk,
            });
        }
    }
}

fn take(batch: &mut Batch, now: u64) -> Option<(Stream, String)> {
    batch.last_sent_ns = now;
    if batch.text.is_empty() {
        None
    } else {
        Some((batch.stream, std::mem::take(&mut batch.text)))
    }
}

impl OutputSink for BatchingSink {
    fn write(&self, stream: Stream, chunk: &str) {
        let now = self.clock.monotonic_ns();
        let mut batch = self.batch.lock().unwrap_or_else(PoisonError::into_inner);
        let earlier = if batch.stream == stream {
            None
        } else {
            let earlier = take(&mut batch, now);
            batch.stream = stream;
            earlier
        };
        batch.text.push_str(chunk);
        let due = batch.text.len() >= BATCH_BYTES
            || now.saturating_sub(batch.last_sent_ns) >= BATCH_INTERVAL_MS * 1_000_000;
        let current = if due { take(&mut batch, now) } else { None };
        drop(batch);
        self.send(earlier);
        self.send(current);
        if self.deadline_ns.is_some_and(|deadline| now >= deadline) {
            self.stop.stop_for(LimitKind::Time);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use kiln_core::Clock;

    use super::*;

    #[derive(Default)]
    struct FakeClock(AtomicU64);
    impl Clock for FakeClock {
        fn wall_time_ns(&self) -> u64 {
            self.0.load(Ordering::SeqCst)
        }
        fn monotonic_ns(&self) -> u64 {
            self.0.load(Ordering::SeqCst)
        }
    }

    fn sink(
        wall_time_ms: Option<u64>,
    ) -> (BatchingSink, Arc<FakeClock>, Arc<Mutex<Vec<WorkerMessage>>>) {
        let clock = Arc::new(FakeClock::default());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let recorder = seen.clone();
        let post: Post = Arc::new(move |m| recorder.lock().unwrap().push(m));
        let sink = BatchingSink::new(1, post, clock.clone(), StopSignal::new(), wall_time_ms);
        (sink, clock, seen)
    }

    fn chunks(seen: &Mutex<Vec<WorkerMessage>>) -> Vec<(Stream, usize)> {
        seen.lock()
            .unwrap()
            .iter()
            .map(|m| match m {
                WorkerMessage::Output { stream, chunk, .. } => (*stream, chunk.len()),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn batches_by_size_stream_and_time_in_order() {
        let (sink, clock, seen) = sink(None);
        sink.write(Stream::Stdout, "a");
        sink.write(Stream::Stdout, "b");
        assert!(chunks(&seen).is_empty(), "small writes wait");
        sink.write(Stream::Stderr, "c");
        assert_eq!(
            chunks(&seen),
            [(Stream::Stdout, 2)],
            "a stream switch sends"
        );
        sink.write(Stream::Stderr, &"x".repeat(BATCH_BYTES));
        assert_eq!(
            chunks(&seen)[1],
            (Stream::Stderr, BATCH_BYTES + 1),
            "size sends"
        );
        sink.write(Stream::Stderr, "late");
        clock
            .0
            .store(BATCH_INTERVAL_MS * 1_000_000, Ordering::SeqCst);
        sink.write(Stream::Stderr, "r");
        assert_eq!(chunks(&seen)[2], (Stream::Stderr, 5), "time sends");
        sink.write(Stream::Stdout, "end");
        sink.flush();
        assert_eq!(
            chunks(&seen)[3],
            (Stream::Stdout, 3),
            "flush sends the rest"
        );
    }

    #[test]
    fn a_write_past_the_deadline_stops_the_run() {
        let (sink, clock, _) = sink(Some(10));
        sink.write(Stream::Stdout, "early");
        assert!(!sink.stop.is_raised());
        clock.0.store(10_000_000, Ordering::SeqCst);
        sink.write(Stream::Stdout, "late");
        assert_eq!(sink.stop.limit(), Some(LimitKind::Time));
    }
}

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::{Language, LimitKind, Outcome, OutputSink, RunRequest};

/// An engine that runs programs of one language.
///
/// A runner is created once (engine start-up is expensive) and runs many requests; each run gets
/// a fresh program scope.
pub trait Runner {
    /// The language this runner runs.
    fn language(&self) -> Language;

    /// Runs one program to completion, streaming its output to `sink` as it is written.
    ///
    /// Never panics on the user's code: problems in the program become the outcome's status,
    /// stderr and diagnostics. `stop` lets the host end the run early (time limit, cancel).
    fn run(
        &mut self,
        request: &RunRequest,
        sink: Arc<dyn OutputSink>,
        stop: &StopSignal,
    ) -> Outcome;
}

type Waker = Box<dyn Fn() + Send + Sync>;

/// Lets a host ask a running program to stop, from another thread or an engine callback.
///
/// Runners check it where their engine allows (wasm fuel slices, Python's signal checks in the
/// eval loop) and may register a waker that nudges the engine when a stop is requested. A host
/// that cannot wait for cooperation (a browser worker) terminates the runner instead.
#[derive(Clone, Default)]
pub struct StopSignal {
    inner: Arc<StopInner>,
}

#[derive(Default)]
struct StopInner {
    // 0 = running; otherwise 1 + the LimitKind discriminant, or CANCELLED.
    reason: AtomicU8,
    wakers: Mutex<Vec<Waker>>,
}

const CANCELLED: u8 = 255;

impl StopSignal {
    /// A signal nobody has raised yet.
    #[must_use]
    pub fn new() -> Self {
        StopSignal::default()
    }

    /// Asks the run to stop because `limit` was reached (usually [`LimitKind::Time`]).
    pub fn stop_for(&self, limit: LimitKind) {
        let code = match limit {
            LimitKind::Time => 1,
            LimitKind::Steps => 2,
            LimitKind::Memory => 3,
            LimitKind::Output => 4,
        };
        self.raise(code);
    }

    /// Asks the run to stop because the user cancelled it.
    pub fn cancel(&self) {
        self.raise(CANCELLED);
    }

    fn raise(&self, code: u8) {
        if self
            .inner
            .reason
            .compare_exchange(0, code, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            let wakers = self
                .inner
                .wakers
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            for wake in wakers.iter() {
                wake();
            }
        }
    }

    /// Whether a stop was requested.
    #[must_use]
    pub fn is_raised(&self) -> bool {
        self.inner.reason.load(Ordering::SeqCst) != 0
    }

    /// The limit a stop was requested for; `None` when running or cancelled by the user.
    #[must_use]
    pub fn limit(&self) -> Option<LimitKind> {
        match self.inner.reason.load(Ordering::SeqCst) {
            1 => Some(LimitKind::Time),
            2 => Some(LimitKind::Steps),
            3 => Some(LimitKind::Memory),
            4 => Some(LimitKind::Output),
            _ => None,
        }
    }

    /// Calls `wake` when a stop is requested (at once, if one already was).
    pub fn on_stop(&self, wake: impl Fn() + Send + Sync + 'static) {
        let mut wakers = self
            .inner
            .wakers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if self.is_raised() {
            drop(wakers);
            wake();
        } else {
            wakers.push(Box::new(wake));
        }
    }

    /// Forgets registered wakers (a runner calls this when its run ends).
    pub fn clear_wakers(&self) {
        self.inner
            .wakers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

impl std::fmt::Debug for StopSignal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StopSignal")
            .field("raised", &self.is_raised())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn first_reason_wins_and_wakers_run_once() {
        let stop = StopSignal::new();
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        stop.on_stop(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        assert!(!stop.is_raised());
        stop.stop_for(LimitKind::Time);
        stop.cancel();
        assert_eq!(stop.limit(), Some(LimitKind::Time));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let late = calls.clone();
        stop.on_stop(move || {
            late.fetch_add(10, Ordering::SeqCst);
        });
        assert_eq!(calls.load(Ordering::SeqCst), 11);
    }
}

//! When and how long to wait before retrying a failed model call.

use std::fmt;
use std::time::Duration;

use futures_util::future::LocalBoxFuture;

use crate::error::ProviderError;

/// Retry rules: up to `max_attempts` tries in all, waiting `base_delay * 2^(n-1)` after the
/// n-th failure (capped at `max_delay`), or the provider's `retry-after` when it gave one.
/// A `retry-after` longer than `max_retry_after` is not waited for: the error is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included (`1` disables retries).
    pub max_attempts: u32,
    /// The wait after the first failure.
    pub base_delay: Duration,
    /// The longest computed wait.
    pub max_delay: Duration,
    /// The longest `retry-after` honoured.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    #[must_use]
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// How long to wait before the next try after `attempt` (1-based) failed with `error`, or
    /// `None` to give up.
    #[must_use]
    pub fn delay(&self, error: &ProviderError, attempt: u32) -> Option<Duration> {
        if !error.is_retryable() || attempt >= self.max_attempts {
            return None;
        }
        if let Some(after) = error.retry_after() {
            return (after <= self.max_retry_after).then_some(after);
        }
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        Some(self.base_delay.saturating_mul(factor).min(self.max_delay))
    }

    /// The notice to show for a retry decided by [`RetryPolicy::delay`].
    #[must_use]
    pub fn notice(&self, error: &ProviderError, attempt: u32, delay: Duration) -> RetryNotice {
        RetryNotice {
            reason: error.short(),
            next_attempt: attempt + 1,
            max_attempts: self.max_attempts,
            delay,
            error: error.clone(),
        }
    }
}

/// Tells the user a failed call will be retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryNotice {
    /// What went wrong, briefly ("Rate limited by Anthropic").
    pub reason: String,
    /// The attempt about to be made (2 for the first retry).
    pub next_attempt: u32,
    /// Attempts in all.
    pub max_attempts: u32,
    /// The wait before it.
    pub delay: Duration,
    /// The error that caused it.
    pub error: ProviderError,
}

impl fmt::Display for RetryNotice {
    /// "Rate limited by Anthropic; retrying in 4 s (attempt 2 of 4)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.delay.as_millis();
        let delay = if ms.is_multiple_of(1000) || ms >= 10_000 {
            format!("{} s", self.delay.as_secs())
        } else {
            format!("{:.1} s", self.delay.as_secs_f64())
        };
        write!(
            f,
            "{}; retrying in {delay} (attempt {} of {})",
            self.reason, self.next_attempt, self.max_attempts
        )
    }
}

/// Waits. The browser implements it over `setTimeout`; `ThreadSleeper` (feature `native`)
/// serves native hosts; tests use one that returns at once.
pub trait Sleeper {
    /// A future that resolves after `duration`.
    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()>;
}

/// A [`Sleeper`] that does not wait but records what it was asked, for tests.
#[derive(Debug, Default)]
pub struct RecordingSleeper {
    slept: std::cell::RefCell<Vec<Duration>>,
}

impl RecordingSleeper {
    /// A sleeper with nothing recorded.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The durations asked for so far.
    #[must_use]
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.borrow().clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()> {
        self.slept.borrow_mut().push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// A [`Sleeper`] that parks a helper thread for the duration (native hosts).
#[cfg(feature = "native")]
#[derive(Debug, Default, Clone, Copy)]
pub struct ThreadSleeper;

#[cfg(feature = "native")]
impl Sleeper for ThreadSleeper {
    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()> {
        let (tx, rx) = futures_channel::oneshot::channel::<()>();
        std::thread::spawn(move || {
            std::thread::sleep(duration);
            let _ = tx.send(());
        });
        Box::pin(async move {
            let _ = rx.await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate_limited(after: Option<u64>) -> ProviderError {
        ProviderError::RateLimited {
            provider: "Anthropic".into(),
            retry_after: after.map(Duration::from_secs),
            message: "slow down".into(),
        }
    }

    #[test]
    fn backoff_and_retry_after() {
        let p = RetryPolicy::default();
        let net = ProviderError::Network {
            provider: "OpenAI".into(),
            message: "reset".into(),
        };
        assert_eq!(p.delay(&net, 1), Some(Duration::from_secs(1)));
        assert_eq!(p.delay(&net, 2), Some(Duration::from_secs(2)));
        assert_eq!(p.delay(&net, 3), Some(Duration::from_secs(4)));
        assert_eq!(p.delay(&net, 4), None);
        let capped = RetryPolicy {
            max_attempts: 20,
            ..p
        };
        assert_eq!(capped.delay(&net, 10), Some(Duration::from_secs(30)));
        assert_eq!(
            p.delay(&rate_limited(Some(4)), 1),
            Some(Duration::from_secs(4))
        );
        assert_eq!(p.delay(&rate_limited(Some(3600)), 1), None);
        assert_eq!(p.delay(&ProviderError::Cancelled, 1), None);
        assert_eq!(RetryPolicy::none().delay(&net, 1), None);
    }

    #[test]
    fn notice_text() {
        let p = RetryPolicy::default();
        let e = rate_limited(Some(4));
        let n = p.notice(&e, 1, Duration::from_secs(4));
        assert_eq!(
            n.to_string(),
            "Rate limited by Anthropic; retrying in 4 s (attempt 2 of 4)"
        );
        let n = p.notice(&e, 2, Duration::from_millis(1500));
        assert_eq!(
            n.to_string(),
            "Rate limited by Anthropic; retrying in 1.5 s (attempt 3 of 4)"
        );
    }
}

use std::sync::Arc;

/// Where runners read time: wall-clock time for programs that ask for it (`Date.now`,
/// `time.time`, WASI `clock_time_get`) and a monotonic clock to measure run durations.
///
/// The browser worker supplies one over `performance.now()`/`Date.now()`; [`SystemClock`] serves
/// native hosts. (`std::time::Instant` panics on `wasm32-unknown-unknown`, so runners never use
/// it directly.)
pub trait Clock: Send + Sync {
    /// Nanoseconds since the Unix epoch.
    fn wall_time_ns(&self) -> u64;
    /// Nanoseconds since an arbitrary fixed point; never goes backwards.
    fn monotonic_ns(&self) -> u64;
}

/// A shared clock.
pub type SharedClock = Arc<dyn Clock>;

/// The operating system's clocks (native hosts only).
#[cfg(not(target_family = "wasm"))]
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: std::time::Instant,
}

#[cfg(not(target_family = "wasm"))]
impl SystemClock {
    /// A clock whose monotonic time starts now.
    #[must_use]
    pub fn new() -> Self {
        SystemClock {
            origin: std::time::Instant::now(),
        }
    }

    /// A [`SharedClock`] over the system clocks.
    #[must_use]
    pub fn shared() -> SharedClock {
        Arc::new(SystemClock::new())
    }
}

#[cfg(not(target_family = "wasm"))]
impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

#[cfg(not(target_family = "wasm"))]
impl Clock for SystemClock {
    fn wall_time_ns(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }

    fn monotonic_ns(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

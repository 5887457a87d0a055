//! When to save a reply that is still streaming.

/// The policy for saving a streaming reply as it grows: often enough that a reload loses
/// little, rarely enough that writing does not slow the page. A pure function of sizes and
/// times; the app keeps the [`SavedPoint`] of its last save.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveThrottle {
    /// Save at least this long after the previous save…
    pub min_interval_ms: u64,
    /// …or once the reply grew by this many bytes since then, whichever comes first.
    pub min_growth_bytes: usize,
}

impl Default for SaveThrottle {
    /// At most every 500 ms, sooner after 4 KiB of new text.
    fn default() -> Self {
        SaveThrottle {
            min_interval_ms: 500,
            min_growth_bytes: 4096,
        }
    }
}

/// What was saved last: when, and how large the reply was then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavedPoint {
    /// When it was saved.
    pub at_ms: u64,
    /// The reply's size in bytes then.
    pub len: usize,
}

impl SaveThrottle {
    /// Whether to save a reply now `len` bytes long at `now_ms`, given the `last` save (`None`:
    /// never saved, which always saves so the reply exists in the store). A reply that did not
    /// grow is never saved again.
    #[must_use]
    pub fn should_save(&self, last: Option<SavedPoint>, now_ms: u64, len: usize) -> bool {
        let Some(last) = last else {
            return true;
        };
        if len <= last.len {
            return false;
        }
        now_ms.saturating_sub(last.at_ms) >= self.min_interval_ms
            || len - last.len >= self.min_growth_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_by_time_and_size() {
        let t = SaveThrottle {
            min_interval_ms: 100,
            min_growth_bytes: 10,
        };
        assert!(t.should_save(None, 0, 0));
        let last = Some(SavedPoint {
            at_ms: 1000,
            len: 5,
        });
        assert!(!t.should_save(last, 1050, 6));
        assert!(t.should_save(last, 1100, 6));
        assert!(t.should_save(last, 1001, 15));
        assert!(!t.should_save(last, 9999, 5));
    }
}

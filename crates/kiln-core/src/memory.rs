//! A global allocator that counts live heap bytes and enforces a memory limit.
//!
//! Rust aborts the process when an allocation fails, so a program asking for 80 GB
//! (`[0] * 10**10`) would kill the host. A binary that runs user code installs
//! [`CappedAllocator`] as its `#[global_allocator]` and registers a hook with
//! [`CappedAllocator::set_limit`]: when an allocation would pass the limit the hook runs instead
//! (the CLI reports the memory limit and exits with 124). The hook runs once, with the limit
//! lifted so it may allocate.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// Called when an allocation of `requested` bytes would pass the limit. It should not return;
/// if it does, the allocation fails as it would have without the cap.
pub type LimitHook = fn(requested: usize);

/// Counts heap bytes and calls a hook when a limit would be passed. See the module docs.
pub struct CappedAllocator {
    used: AtomicUsize,
    limit: AtomicUsize,
    tripped: AtomicBool,
    hook: AtomicPtr<()>,
}

impl CappedAllocator {
    /// An allocator with no limit (until [`CappedAllocator::set_limit`]).
    #[must_use]
    pub const fn new() -> Self {
        CappedAllocator {
            used: AtomicUsize::new(0),
            limit: AtomicUsize::new(usize::MAX),
            tripped: AtomicBool::new(false),
            hook: AtomicPtr::new(std::ptr::null_mut()),
        }
    }

    /// Limits live heap bytes to `limit` from now on, calling `hook` when it would be passed.
    pub fn set_limit(&self, limit: usize, hook: LimitHook) {
        self.hook.store(hook as *mut (), Ordering::SeqCst);
        self.tripped.store(false, Ordering::SeqCst);
        self.limit.store(limit, Ordering::SeqCst);
    }

    /// Heap bytes currently allocated.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    fn reserve(&self, size: usize) -> bool {
        let before = self.used.fetch_add(size, Ordering::Relaxed);
        if before.saturating_add(size) <= self.limit.load(Ordering::Relaxed) {
            return true;
        }
        self.used.fetch_sub(size, Ordering::Relaxed);
        if self.tripped.swap(true, Ordering::SeqCst) {
            return false;
        }
        // Lift the limit so the hook (and whatever it calls) can allocate.
        self.limit.store(usize::MAX, Ordering::SeqCst);
        let hook = self.hook.load(Ordering::SeqCst);
        if !hook.is_null() {
            // SAFETY: only `set_limit` stores into `hook`, always a valid `LimitHook`.
            let hook: LimitHook = unsafe { std::mem::transmute::<*mut (), LimitHook>(hook) };
            hook(size);
        }
        false
    }
}

impl Default for CappedAllocator {
    fn default() -> Self {
        CappedAllocator::new()
    }
}

// SAFETY: every method forwards to `System` with the caller's layout; the counters only decide
// whether to forward.
unsafe impl GlobalAlloc for CappedAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !self.reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { System.alloc(layout) };
        if ptr.is_null() {
            self.used.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !self.reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded with the caller's guarantees.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if ptr.is_null() {
            self.used.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) };
        self.used.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !self.reserve(new_size - old) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded with the caller's guarantees.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if new.is_null() {
            if new_size > old {
                self.used.fetch_sub(new_size - old, Ordering::Relaxed);
            }
        } else if new_size < old {
            self.used.fetch_sub(old - new_size, Ordering::Relaxed);
        }
        new
    }
}

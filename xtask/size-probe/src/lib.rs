//! A size probe: one exported function that runs a program on one runner, so the linker keeps
//! exactly what a runner needs and `cargo xtask size` can weigh each runner's wasm module.
//!
//! It is not the browser worker (that is `kiln-worker`); it exists to measure.
#![forbid(clippy::unwrap_used)]

#[cfg(any(feature = "js", feature = "python", feature = "wasm"))]
mod probe {
    use std::sync::Arc;

    use kiln_core::{Clock, RunRequest, Runner, StopSignal};

    /// Time stands still in the probe: nothing here is timed.
    struct FrozenClock;

    impl Clock for FrozenClock {
        fn wall_time_ns(&self) -> u64 {
            0
        }

        fn monotonic_ns(&self) -> u64 {
            0
        }
    }

    fn runner() -> Box<dyn Runner> {
        let clock = Arc::new(FrozenClock);
        #[cfg(feature = "js")]
        return Box::new(kiln_js::JsRunner::new(clock));
        #[cfg(all(feature = "python", not(feature = "js")))]
        return Box::new(kiln_python::PythonRunner::new(
            clock,
            Arc::new(kiln_python::NoModules),
        ));
        #[cfg(all(feature = "wasm", not(any(feature = "js", feature = "python"))))]
        return Box::new(kiln_wasm::WasmRunner::new(clock));
    }

    /// Reserves `len` bytes for the host to write a program into.
    #[unsafe(no_mangle)]
    pub extern "C" fn kiln_probe_alloc(len: usize) -> *mut u8 {
        let mut buffer = Vec::<u8>::with_capacity(len);
        let ptr = buffer.as_mut_ptr();
        std::mem::forget(buffer);
        ptr
    }

    /// Runs the `len` bytes at `ptr` (from `kiln_probe_alloc`) and returns the exit code.
    ///
    /// # Safety
    /// `ptr` must come from `kiln_probe_alloc(len)` and hold `len` initialised bytes.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn kiln_probe_run(ptr: *mut u8, len: usize) -> i32 {
        // SAFETY: guaranteed by the caller (see above).
        let code = unsafe { Vec::from_raw_parts(ptr, len, len) };
        let mut runner = runner();
        let language = runner.language();
        runner
            .run(
                &RunRequest::new(language, code),
                Arc::new(()),
                &StopSignal::new(),
            )
            .exit_code
    }
}

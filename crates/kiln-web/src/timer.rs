//! Timers over `setTimeout`: [`TimeoutSleeper`] for kiln-assistant's retries, and the
//! crate's own short waits.

use std::time::Duration;

use futures_util::future::LocalBoxFuture;
use js_sys::{Function, Promise, Reflect};
use kiln_assistant::Sleeper;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// [`Sleeper`] over the browser's `setTimeout` (in a page or a worker), for
/// [`kiln_assistant::RetryPolicy`]'s waits between attempts.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeoutSleeper;

impl Sleeper for TimeoutSleeper {
    fn sleep(&self, duration: Duration) -> LocalBoxFuture<'_, ()> {
        // setTimeout takes a 32-bit delay; longer waits are clamped (about 24 days).
        let ms = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
        let timer = after_ms(ms);
        Box::pin(async move {
            // The promise never rejects.
            let _ = timer.await;
        })
    }
}

/// Resolves after `ms` milliseconds (at once where there is no `setTimeout`).
pub(crate) fn after_ms(ms: i32) -> JsFuture {
    JsFuture::from(Promise::new(&mut |resolve, _reject| {
        let set_timeout = Reflect::get(&js_sys::global(), &JsValue::from_str("setTimeout"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        let scheduled = set_timeout.is_some_and(|f| {
            f.call2(&JsValue::NULL, &resolve, &JsValue::from(ms))
                .is_ok()
        });
        if !scheduled {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }))
}

//! How much this site stores and whether the browser keeps it: `navigator.storage`'s
//! `estimate()`, `persisted()` and `persist()`, for the app's storage panel.
//!
//! Each call resolves whatever the browser says, and never fails: where the Storage API is
//! missing (older browsers, some embedded web views) or refuses (an opaque origin), the result
//! says it is unavailable and why. The types and [`PERSISTENCE_EXPLANATION`] are plain Rust;
//! the calls exist on `wasm32` only.

/// Why persistent storage matters, in a few words for the user (shown beside the "Keep my
/// data" button).
pub const PERSISTENCE_EXPLANATION: &str = "Kiln keeps your conversations and files only in \
     this browser, on this device. Unless storage is persistent, the browser may delete them: \
     when the device runs short of space, and in Safari on iPhone, iPad and Mac after a week or \
     more without a visit to this site. Persistent storage keeps them until you delete them \
     yourself; exporting your sessions keeps a copy elsewhere too.";

/// What `navigator.storage.estimate()` said.
#[derive(Debug, Clone, PartialEq)]
pub enum StorageEstimate {
    /// Bytes this site uses and may use (the browser's estimate, often rounded or padded).
    Known {
        /// Bytes in use.
        usage_bytes: u64,
        /// Bytes the browser would let this site use.
        quota_bytes: u64,
    },
    /// The browser cannot say, and why.
    Unavailable {
        /// What was missing or failed.
        reason: String,
    },
}

impl StorageEstimate {
    /// The share of the quota in use (0.0 to 1.0), when known and the quota is not zero.
    #[must_use]
    pub fn fraction_used(&self) -> Option<f64> {
        match self {
            #[allow(clippy::cast_precision_loss)]
            StorageEstimate::Known {
                usage_bytes,
                quota_bytes,
            } if *quota_bytes > 0 => Some(*usage_bytes as f64 / *quota_bytes as f64),
            _ => None,
        }
    }
}

/// Whether the browser keeps this site's data under storage pressure and inactivity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Persistence {
    /// Persistent: deleted only by the user.
    Granted,
    /// Not persistent (for `persisted()`: not yet; for `request_persist()`: the browser said
    /// no, which it may decide on its own, e.g. by how much the site is used).
    Denied,
    /// The browser has no such API here, or it refused to answer, and why.
    Unavailable {
        /// What was missing or failed.
        reason: String,
    },
}

/// The estimate from the numbers the browser gave (`None`: the field was missing).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn estimate_from(usage: Option<f64>, quota: Option<f64>) -> StorageEstimate {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let bytes = |n: f64| (n.is_finite() && n >= 0.0).then(|| n.round() as u64);
    match (usage.and_then(bytes), quota.and_then(bytes)) {
        (Some(usage_bytes), Some(quota_bytes)) => StorageEstimate::Known {
            usage_bytes,
            quota_bytes,
        },
        _ => StorageEstimate::Unavailable {
            reason: "the browser's storage estimate has no usage and quota numbers".to_owned(),
        },
    }
}

#[cfg(target_arch = "wasm32")]
pub use browser::{estimate, persisted, request_persist};

#[cfg(target_arch = "wasm32")]
mod browser {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::{Persistence, StorageEstimate, estimate_from};
    use crate::fetch::describe as js_error_text;

    const MISSING: &str = "this browser has no Storage API (`navigator.storage`)";

    /// Calls `navigator.storage[method]()` and awaits it; `Err` says what was missing or failed.
    async fn call(method: &str) -> Result<JsValue, String> {
        let navigator = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator"))
            .ok()
            .filter(|n| n.is_object())
            .ok_or_else(|| MISSING.to_owned())?;
        let storage = Reflect::get(&navigator, &JsValue::from_str("storage"))
            .ok()
            .filter(|s| s.is_object())
            .ok_or_else(|| MISSING.to_owned())?;
        let function = Reflect::get(&storage, &JsValue::from_str(method))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| format!("this browser has no `navigator.storage.{method}()`"))?;
        let promise = function
            .call0(&storage)
            .map_err(|e| format!("navigator.storage.{method}() failed: {}", js_error_text(&e)))?;
        JsFuture::from(Promise::resolve(&promise))
            .await
            .map_err(|e| format!("navigator.storage.{method}() failed: {}", js_error_text(&e)))
    }

    fn number(object: &JsValue, key: &str) -> Option<f64> {
        Reflect::get(object, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_f64())
    }

    /// How much this site stores and may store (`navigator.storage.estimate()`).
    pub async fn estimate() -> StorageEstimate {
        match call("estimate").await {
            Ok(result) => estimate_from(number(&result, "usage"), number(&result, "quota")),
            Err(reason) => StorageEstimate::Unavailable { reason },
        }
    }

    fn persistence(answer: Result<JsValue, String>) -> Persistence {
        match answer {
            Ok(value) => match value.as_bool() {
                Some(true) => Persistence::Granted,
                Some(false) => Persistence::Denied,
                None => Persistence::Unavailable {
                    reason: "the browser answered with something other than true or false"
                        .to_owned(),
                },
            },
            Err(reason) => Persistence::Unavailable { reason },
        }
    }

    /// Whether this site's storage is persistent now (`navigator.storage.persisted()`).
    pub async fn persisted() -> Persistence {
        persistence(call("persisted").await)
    }

    /// Asks the browser to make this site's storage persistent (`navigator.storage.persist()`).
    /// Chromium and Safari decide on their own; Firefox asks the user, so call it from a click
    /// and expect the promise to wait for the answer.
    pub async fn request_persist() -> Persistence {
        persistence(call("persist").await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_estimate_needs_both_numbers() {
        assert_eq!(
            estimate_from(Some(1_024.0), Some(1e9)),
            StorageEstimate::Known {
                usage_bytes: 1_024,
                quota_bytes: 1_000_000_000
            }
        );
        for (usage, quota) in [
            (None, Some(1.0)),
            (Some(1.0), None),
            (Some(f64::NAN), Some(1.0)),
            (Some(-1.0), Some(1.0)),
        ] {
            assert!(
                matches!(
                    estimate_from(usage, quota),
                    StorageEstimate::Unavailable { .. }
                ),
                "{usage:?} {quota:?}"
            );
        }
    }

    #[test]
    fn the_fraction_used_needs_a_quota() {
        let half = StorageEstimate::Known {
            usage_bytes: 50,
            quota_bytes: 100,
        };
        assert_eq!(half.fraction_used(), Some(0.5));
        let none = StorageEstimate::Known {
            usage_bytes: 0,
            quota_bytes: 0,
        };
        assert_eq!(none.fraction_used(), None);
    }

    #[test]
    fn the_explanation_names_the_risk_and_the_remedy() {
        assert!(PERSISTENCE_EXPLANATION.contains("Safari"));
        assert!(PERSISTENCE_EXPLANATION.contains("iPad"));
        assert!(PERSISTENCE_EXPLANATION.contains("Persistent storage keeps them"));
    }
}

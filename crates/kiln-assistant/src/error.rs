//! Provider errors, classified from HTTP statuses and the providers' own error bodies.

use std::time::Duration;

use kiln_core::http::HttpError;

use crate::provider::ProviderKind;

/// Why a model request failed. Every message says in plain words what happened and quotes the
/// provider's own message when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The API key is missing, wrong or lacks permission (401/403).
    #[error(
        "{provider} rejected the API key (HTTP {status}): {message}. Check the key in the assistant settings."
    )]
    Auth {
        /// The provider's name.
        provider: String,
        /// The HTTP status.
        status: u16,
        /// The provider's message.
        message: String,
    },
    /// The model does not exist or this key may not use it.
    #[error("{provider} does not know the model `{model}`: {message}")]
    ModelNotFound {
        /// The provider's name.
        provider: String,
        /// The model asked for.
        model: String,
        /// The provider's message.
        message: String,
    },
    /// The conversation is longer than the model's context window; compact it and retry.
    #[error("the conversation is too long for the model's context window ({provider}: {message})")]
    ContextTooLong {
        /// The provider's name.
        provider: String,
        /// The provider's message.
        message: String,
    },
    /// Too many requests or tokens (429).
    #[error("rate limited by {provider}{}: {message}", retry_after.map(|d| format!(" (retry after {} s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// The provider's name.
        provider: String,
        /// How long the provider asked us to wait, if it said.
        retry_after: Option<Duration>,
        /// The provider's message.
        message: String,
    },
    /// The provider is overloaded or failed (5xx, Anthropic 529, overload errors mid-stream).
    #[error("{provider} is overloaded or failing (HTTP {status}): {message}")]
    Overloaded {
        /// The provider's name.
        provider: String,
        /// The HTTP status (`0` when reported inside the stream).
        status: u16,
        /// How long the provider asked us to wait, if it said.
        retry_after: Option<Duration>,
        /// The provider's message.
        message: String,
    },
    /// Any other rejected request (other 4xx), or an error reported inside the stream.
    #[error("{provider} rejected the request (HTTP {status}): {message}")]
    Rejected {
        /// The provider's name.
        provider: String,
        /// The HTTP status (`0` when reported inside the stream).
        status: u16,
        /// The provider's message.
        message: String,
    },
    /// The response stream ended before the provider's end-of-response marker.
    #[error("the response from {provider} was cut off before it finished ({detail})")]
    StreamCut {
        /// The provider's name.
        provider: String,
        /// What was missing or what broke.
        detail: String,
    },
    /// A frame of the response stream could not be understood.
    #[error("{provider} sent a malformed stream frame ({detail}): {frame}")]
    MalformedFrame {
        /// The provider's name.
        provider: String,
        /// What was wrong with it.
        detail: String,
        /// The frame's data (cut to 200 characters).
        frame: String,
    },
    /// The provider could not be reached.
    #[error("could not reach {provider}: {message}")]
    Network {
        /// The provider's name.
        provider: String,
        /// What failed.
        message: String,
    },
    /// The request timed out.
    #[error("{provider} did not answer in time: {message}")]
    Timeout {
        /// The provider's name.
        provider: String,
        /// What timed out.
        message: String,
    },
    /// The browser blocked the request, probably for lack of CORS headers.
    #[error(
        "the browser blocked the request to {provider}, probably because it does not allow calls from web pages (CORS). {hint}"
    )]
    Cors {
        /// The provider's name.
        provider: String,
        /// What the user can do about it.
        hint: String,
    },
    /// The request was cancelled.
    #[error("the request was cancelled")]
    Cancelled,
    /// The request could not be built.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl ProviderError {
    /// Whether retrying the same request later may succeed.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Overloaded { .. }
                | ProviderError::StreamCut { .. }
                | ProviderError::Network { .. }
                | ProviderError::Timeout { .. }
        )
    }

    /// How long the provider asked us to wait, if it said.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::RateLimited { retry_after, .. }
            | ProviderError::Overloaded { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the conversation must be shortened (compacted) before retrying.
    #[must_use]
    pub fn is_context_too_long(&self) -> bool {
        matches!(self, ProviderError::ContextTooLong { .. })
    }

    /// A short phrase for retry notices ("Rate limited by Anthropic").
    #[must_use]
    pub fn short(&self) -> String {
        match self {
            ProviderError::RateLimited { provider, .. } => format!("Rate limited by {provider}"),
            ProviderError::Overloaded { provider, .. } => format!("{provider} is overloaded"),
            ProviderError::StreamCut { provider, .. } => {
                format!("The response from {provider} was cut off")
            }
            ProviderError::Network { provider, .. } => format!("Could not reach {provider}"),
            ProviderError::Timeout { provider, .. } => format!("{provider} timed out"),
            other => other.to_string(),
        }
    }
}

/// The error's type/code and message found in a provider's JSON error body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    /// `type`, `code` and `status` strings found, lowercased.
    pub(crate) codes: Vec<String>,
    pub(crate) message: String,
    /// Gemini `RetryInfo.retryDelay`.
    pub(crate) retry_delay: Option<Duration>,
}

/// Reads the provider's error JSON (OpenAI `{error:{message,type,code}}`, Anthropic
/// `{type:"error",error:{type,message}}`, Gemini `{error:{code,message,status}}`, and the bare
/// `{type,code,message}` of Responses stream errors). Falls back to the raw text.
pub(crate) fn parse_error_body(body: &[u8]) -> ErrorBody {
    let text = String::from_utf8_lossy(body);
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return ErrorBody {
            message: truncate(text.trim(), 500),
            ..ErrorBody::default()
        };
    };
    let value = if json.is_array() { &json[0] } else { &json };
    let err = if value.get("error").is_some_and(serde_json::Value::is_object) {
        &value["error"]
    } else {
        value
    };
    let mut codes = Vec::new();
    for key in ["type", "code", "status"] {
        match &err[key] {
            serde_json::Value::String(s) => codes.push(s.to_ascii_lowercase()),
            serde_json::Value::Number(n) => codes.push(n.to_string()),
            _ => {}
        }
    }
    let message = err["message"]
        .as_str()
        .or_else(|| value["message"].as_str())
        .or_else(|| value["error"].as_str())
        .map_or_else(|| truncate(text.trim(), 500), str::to_owned);
    let retry_delay = err["details"].as_array().and_then(|details| {
        details.iter().find_map(|d| {
            let s = d["retryDelay"].as_str()?;
            let secs: f64 = s.strip_suffix('s')?.parse().ok()?;
            Duration::try_from_secs_f64(secs).ok()
        })
    });
    ErrorBody {
        codes,
        message,
        retry_delay,
    }
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn looks_like_context_overflow(codes: &[String], message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    codes.iter().any(|c| c == "context_length_exceeded")
        || m.contains("context_length_exceeded")
        || m.contains("prompt is too long")
        || m.contains("context length")
        || m.contains("context window")
        || m.contains("maximum context")
        || m.contains("too many tokens")
        || (m.contains("input token count") && m.contains("exceeds"))
        || m.contains("reduce the length")
}

/// Classifies an HTTP error response.
///
/// `headers` are searched for `retry-after`/`retry-after-ms` and Anthropic's
/// `anthropic-ratelimit-*-reset`; `now_unix_secs` is needed to turn dates into delays.
pub(crate) fn classify_http(
    kind: ProviderKind,
    model: &str,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    now_unix_secs: Option<u64>,
) -> ProviderError {
    let parsed = parse_error_body(body);
    let provider = kind.display_name().to_owned();
    let message = if parsed.message.is_empty() {
        format!("HTTP {status} with no message")
    } else {
        parsed.message.clone()
    };
    let retry_after = retry_after_from_headers(headers, now_unix_secs).or(parsed.retry_delay);
    let codes = &parsed.codes;
    if looks_like_context_overflow(codes, &message) && status != 429 && (400..500).contains(&status)
    {
        return ProviderError::ContextTooLong { provider, message };
    }
    match status {
        401 | 403 => ProviderError::Auth {
            provider,
            status,
            message,
        },
        404 => ProviderError::ModelNotFound {
            provider,
            model: model.to_owned(),
            message,
        },
        429 => ProviderError::RateLimited {
            provider,
            retry_after,
            message,
        },
        408 => ProviderError::Timeout { provider, message },
        s if s >= 500 => ProviderError::Overloaded {
            provider,
            status,
            retry_after,
            message,
        },
        _ if codes.iter().any(|c| c == "model_not_found") => ProviderError::ModelNotFound {
            provider,
            model: model.to_owned(),
            message,
        },
        _ => ProviderError::Rejected {
            provider,
            status,
            message,
        },
    }
}

/// Classifies an error reported inside a stream (Anthropic `error` event, Responses `error`
/// and `response.failed`, an error object in a Chat Completions or Gemini chunk).
pub(crate) fn classify_stream_error(
    kind: ProviderKind,
    model: &str,
    error_json: &serde_json::Value,
) -> ProviderError {
    let body = serde_json::to_vec(error_json).unwrap_or_default();
    let parsed = parse_error_body(&body);
    let status = parsed
        .codes
        .iter()
        .find_map(|c| c.parse::<u16>().ok())
        .or_else(|| {
            parsed.codes.iter().find_map(|c| match c.as_str() {
                "overloaded_error" | "server_error" | "api_error" | "internal_error"
                | "unavailable" | "internal" => Some(529),
                "rate_limit_error" | "rate_limit_exceeded" | "resource_exhausted" => Some(429),
                "authentication_error"
                | "permission_error"
                | "invalid_api_key"
                | "unauthenticated"
                | "permission_denied" => Some(401),
                "not_found_error" | "model_not_found" | "not_found" => Some(404),
                _ => None,
            })
        })
        .unwrap_or(400);
    let mut e = classify_http(kind, model, status, &[], &body, None);
    match &mut e {
        ProviderError::Overloaded { status, .. } | ProviderError::Rejected { status, .. } => {
            *status = 0;
        }
        _ => {}
    }
    e
}

/// The error for a failed transport call.
pub(crate) fn from_http_error(kind: ProviderKind, base_url: &str, e: HttpError) -> ProviderError {
    let provider = kind.display_name().to_owned();
    match e {
        HttpError::Network(message) | HttpError::InvalidRequest(message) => {
            ProviderError::Network { provider, message }
        }
        HttpError::Body(detail) => ProviderError::StreamCut { provider, detail },
        HttpError::Timeout(message) => ProviderError::Timeout { provider, message },
        HttpError::Aborted => ProviderError::Cancelled,
        HttpError::CorsSuspected(_) => ProviderError::Cors {
            provider,
            hint: cors_hint(kind, base_url),
        },
    }
}

/// What to tell the user when the browser blocks a call.
#[must_use]
pub fn cors_hint(kind: ProviderKind, base_url: &str) -> String {
    if base_url.contains(":11434") {
        return "Ollama only accepts calls from web pages it is told about: start it with \
                OLLAMA_ORIGINS set to this page's origin (or `*`), e.g. `OLLAMA_ORIGINS=* ollama serve`."
            .to_owned();
    }
    if base_url.contains(":1234") {
        return "In LM Studio, turn on \"Enable CORS\" in the local server settings.".to_owned();
    }
    match kind {
        ProviderKind::OpenAiCompatible => format!(
            "Make the server at {base_url} send CORS headers (Access-Control-Allow-Origin) \
             or use the `kiln` CLI, which is not subject to CORS."
        ),
        _ => format!(
            "{} may not allow calls from a browser; try OpenRouter, or the `kiln` CLI, \
             which is not subject to CORS.",
            kind.display_name()
        ),
    }
}

/// Parses `retry-after` (seconds or HTTP-date), `retry-after-ms`, and Anthropic's
/// `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-reset` (RFC 3339).
pub(crate) fn retry_after_from_headers(
    headers: &[(String, String)],
    now_unix_secs: Option<u64>,
) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return Duration::try_from_secs_f64(ms / 1000.0).ok();
    }
    if let Some(v) = get("retry-after") {
        if let Ok(secs) = v.parse::<f64>() {
            return Duration::try_from_secs_f64(secs).ok();
        }
        if let (Ok(date), Some(now)) = (httpdate::parse_http_date(v), now_unix_secs) {
            let at = date
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            return Some(Duration::from_secs(at.saturating_sub(now)));
        }
    }
    let now = now_unix_secs?;
    [
        "anthropic-ratelimit-requests-reset",
        "anthropic-ratelimit-tokens-reset",
        "anthropic-ratelimit-input-tokens-reset",
        "anthropic-ratelimit-output-tokens-reset",
    ]
    .iter()
    .filter_map(|h| get(h).and_then(parse_rfc3339_utc))
    .filter(|&at| at > now)
    .max()
    .map(|at| Duration::from_secs(at - now))
}

/// Seconds since the Unix epoch of an RFC 3339 time like `2025-01-02T03:04:05Z` or with a
/// `+hh:mm` offset (fractions of a second are dropped).
fn parse_rfc3339_utc(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, min, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let h = rest.get(1..3)?.parse::<i64>().ok()?;
            let m = rest.get(4..6)?.parse::<i64>().ok()?;
            sign * (h * 3600 + m * 60)
        }
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days since 1970-01-01 in the proleptic Gregorian calendar, counting years from March so
    // the leap day falls at the end of a year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    u64::try_from(days * 86_400 + hour * 3600 + min * 60 + sec - offset).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_utc("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            parse_rfc3339_utc("2024-02-29T12:00:00.123+01:00"),
            Some(1_709_204_400)
        );
        assert_eq!(parse_rfc3339_utc("yesterday"), None);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(
            retry_after_from_headers(&h(&[("Retry-After", "4")]), None),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            retry_after_from_headers(&h(&[("retry-after-ms", "1500")]), None),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            retry_after_from_headers(
                &h(&[("retry-after", "Thu, 01 Jan 1970 00:01:40 GMT")]),
                Some(90)
            ),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after_from_headers(
                &h(&[("anthropic-ratelimit-tokens-reset", "1970-01-01T00:00:30Z")]),
                Some(20)
            ),
            Some(Duration::from_secs(10))
        );
        assert_eq!(retry_after_from_headers(&[], Some(5)), None);
    }

    #[test]
    fn classification() {
        let anthropic_auth =
            br#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#;
        let e = classify_http(ProviderKind::Anthropic, "m", 401, &[], anthropic_auth, None);
        assert!(matches!(e, ProviderError::Auth { .. }));
        assert!(e.to_string().contains("invalid x-api-key"), "{e}");

        let openai_ctx = br#"{"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}"#;
        assert!(
            classify_http(ProviderKind::OpenAi, "m", 400, &[], openai_ctx, None)
                .is_context_too_long()
        );
        let anthropic_ctx = br#"{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}"#;
        assert!(
            classify_http(ProviderKind::Anthropic, "m", 400, &[], anthropic_ctx, None)
                .is_context_too_long()
        );
        let gemini_ctx = br#"{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}"#;
        assert!(
            classify_http(ProviderKind::Gemini, "m", 400, &[], gemini_ctx, None)
                .is_context_too_long()
        );

        let gemini_429 = br#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]}}"#;
        let e = classify_http(ProviderKind::Gemini, "m", 429, &[], gemini_429, None);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(37)));

        let e = classify_http(ProviderKind::Anthropic, "m", 529, &[], b"", None);
        assert!(matches!(e, ProviderError::Overloaded { status: 529, .. }));
        assert!(e.is_retryable());

        let nf = br#"{"error":{"message":"The model `gpt-9` does not exist","type":"invalid_request_error","code":"model_not_found"}}"#;
        let e = classify_http(ProviderKind::OpenAi, "gpt-9", 404, &[], nf, None);
        assert!(matches!(e, ProviderError::ModelNotFound { .. }));
        assert!(e.to_string().contains("gpt-9"));

        let e = classify_stream_error(
            ProviderKind::Anthropic,
            "m",
            &serde_json::json!({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}),
        );
        assert!(
            matches!(e, ProviderError::Overloaded { status: 0, .. }),
            "{e:?}"
        );

        let e = classify_http(
            ProviderKind::OpenAi,
            "m",
            502,
            &[],
            b"<html>bad gateway</html>",
            None,
        );
        assert!(e.to_string().contains("bad gateway"));
    }

    #[test]
    fn cors_hints() {
        assert!(
            cors_hint(ProviderKind::OpenAiCompatible, "http://localhost:11434/v1")
                .contains("OLLAMA_ORIGINS")
        );
        assert!(cors_hint(ProviderKind::OpenAi, "https://api.openai.com/v1").contains("OpenAI"));
    }
}

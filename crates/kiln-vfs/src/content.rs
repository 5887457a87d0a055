//! File contents: text or raw bytes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a file holds. Bytes that are valid UTF-8 are always stored as [`Content::Text`].
///
/// In JSON a text file is `{"text": "..."}` and a binary file `{"base64": "..."}`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Content {
    /// UTF-8 text.
    Text(String),
    /// Anything that is not valid UTF-8.
    #[serde(
        rename = "base64",
        serialize_with = "to_b64",
        deserialize_with = "from_b64"
    )]
    Binary(Vec<u8>),
}

fn to_b64<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&STANDARD.encode(bytes))
}

fn from_b64<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let text = String::deserialize(d)?;
    STANDARD
        .decode(text.as_bytes())
        .map_err(serde::de::Error::custom)
}

impl Content {
    /// Stores `bytes` as text when they are valid UTF-8, as binary otherwise.
    #[must_use]
    pub fn from_bytes(bytes: Vec<u8>) -> Content {
        match String::from_utf8(bytes) {
            Ok(text) => Content::Text(text),
            Err(e) => Content::Binary(e.into_bytes()),
        }
    }

    /// Size in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether the content is zero bytes long.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The raw bytes (UTF-8 for text).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Content::Text(t) => t.as_bytes(),
            Content::Binary(b) => b,
        }
    }

    /// The text, or `None` for binary content.
    #[must_use]
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Content::Text(t) => Some(t),
            Content::Binary(_) => None,
        }
    }

    /// Whether this is binary content.
    #[must_use]
    pub fn is_binary(&self) -> bool {
        matches!(self, Content::Binary(_))
    }

    /// Consumes the content, returning its bytes.
    #[must_use]
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Content::Text(t) => t.into_bytes(),
            Content::Binary(b) => b,
        }
    }
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Content::Text(t) => f.debug_tuple("Text").field(t).finish(),
            Content::Binary(b) => write!(f, "Binary({} bytes)", b.len()),
        }
    }
}

impl From<String> for Content {
    fn from(value: String) -> Self {
        Content::Text(value)
    }
}

impl From<&str> for Content {
    fn from(value: &str) -> Self {
        Content::Text(value.to_owned())
    }
}

impl From<Vec<u8>> for Content {
    fn from(value: Vec<u8>) -> Self {
        Content::from_bytes(value)
    }
}

impl From<&[u8]> for Content {
    fn from(value: &[u8]) -> Self {
        Content::from_bytes(value.to_vec())
    }
}

/// Formats a byte count for people and models: `512 B`, `1.5 KiB`, `2.0 MiB`.
#[must_use]
pub fn human_bytes(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{:.1} MiB", b / (KIB * KIB))
    }
}

/// Formats a count with thousands separators: `1,500`.
#[must_use]
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

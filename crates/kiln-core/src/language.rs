use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language Kiln can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// JavaScript (ES2024 scripts and modules) on Boa.
    Js,
    /// Python 3 on RustPython.
    Python,
    /// WebAssembly, as binary `.wasm` or WAT text, on wasmi.
    Wasm,
}

impl Language {
    /// Every supported language, in a stable order.
    pub const ALL: [Language; 3] = [Language::Js, Language::Python, Language::Wasm];

    /// The canonical short name (`js`, `python`, `wasm`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Language::Js => "js",
            Language::Python => "python",
            Language::Wasm => "wasm",
        }
    }

    /// A name for people (`JavaScript`, `Python`, `WebAssembly`).
    #[must_use]
    pub fn display_name(self) -> &'static str {
        match self {
            Language::Js => "JavaScript",
            Language::Python => "Python",
            Language::Wasm => "WebAssembly",
        }
    }

    /// The language a file extension (without the dot) belongs to, if any.
    #[must_use]
    pub fn from_extension(extension: &str) -> Option<Language> {
        match extension.to_ascii_lowercase().as_str() {
            "js" | "mjs" | "cjs" => Some(Language::Js),
            "py" | "pyw" => Some(Language::Python),
            "wasm" | "wat" | "wast" => Some(Language::Wasm),
            _ => None,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A language name Kiln does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}`: use js, python or wasm (also accepted: javascript, py, wat)")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "js" | "javascript" | "mjs" | "ecmascript" => Ok(Language::Js),
            "python" | "py" | "python3" => Ok(Language::Python),
            "wasm" | "wat" | "webassembly" => Ok(Language::Wasm),
            _ => Err(UnknownLanguage(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_alias_in_the_contract() {
        for (name, lang) in [
            ("js", Language::Js),
            ("javascript", Language::Js),
            ("python", Language::Python),
            ("py", Language::Python),
            ("wasm", Language::Wasm),
            ("wat", Language::Wasm),
            ("Python", Language::Python),
        ] {
            assert_eq!(name.parse::<Language>(), Ok(lang), "{name}");
        }
        let err = "ruby".parse::<Language>().unwrap_err();
        assert!(err.to_string().contains("use js, python or wasm"));
    }

    #[test]
    fn extensions_map_to_languages() {
        assert_eq!(Language::from_extension("MJS"), Some(Language::Js));
        assert_eq!(Language::from_extension("wat"), Some(Language::Wasm));
        assert_eq!(Language::from_extension("rb"), None);
    }
}

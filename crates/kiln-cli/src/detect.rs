//! Which language a file is, when `--lang` does not say.
//!
//! A minimal version of the analyzer's language detection: extension, wasm magic bytes,
//! shebang, then a few unmistakable signs in the text.

use kiln_core::Language;

/// The language of `path` with these `bytes`, or `None` when nothing identifies it.
pub(crate) fn detect(path: &str, bytes: &[u8]) -> Option<Language> {
    let extension = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str());
    if let Some(language) = extension.and_then(Language::from_extension) {
        return Some(language);
    }
    if bytes.starts_with(b"\0asm") {
        return Some(Language::Wasm);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    if let Some(first) = text.lines().next().filter(|l| l.starts_with("#!")) {
        if first.contains("python") {
            return Some(Language::Python);
        }
        if first.contains("node") || first.contains("deno") || first.contains("bun") {
            return Some(Language::Js);
        }
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with("(module") {
        return Some(Language::Wasm);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_extension_magic_shebang_and_wat() {
        assert_eq!(detect("a.py", b""), Some(Language::Python));
        assert_eq!(detect("a.mjs", b""), Some(Language::Js));
        assert_eq!(detect("prog", b"\0asm\x01\0\0\0"), Some(Language::Wasm));
        assert_eq!(
            detect("prog", b"#!/usr/bin/env python3\nprint(1)"),
            Some(Language::Python)
        );
        assert_eq!(detect("prog", b"#!/usr/bin/env node\n"), Some(Language::Js));
        assert_eq!(detect("prog", b"  (module (func))"), Some(Language::Wasm));
        assert_eq!(detect("prog", b"hello"), None);
    }
}

//! Share links: a workspace's files deflated (miniz_oxide) and base64url-encoded into the URL
//! fragment (`#share=…`), so a link opens the same files elsewhere without a server. Nothing else
//! goes in: no settings, no keys.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::state::Snapshot;

/// The fragment's key: `#share=<payload>`.
pub const PREFIX: &str = "share=";

/// Largest workspace a link may unpack to (a link is not a way to fill someone's memory).
pub const MAX_UNPACKED: usize = 8 * 1024 * 1024;

/// The fragment (without `#`) that carries `snapshot`.
///
/// # Errors
///
/// Only if the snapshot cannot be written as JSON (it always can).
pub fn encode(snapshot: &Snapshot) -> Result<String, String> {
    let json = serde_json::to_vec(snapshot).map_err(|e| format!("cannot share: {e}"))?;
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed)))
}

/// The snapshot a fragment (with or without `#`) carries; `Ok(None)` when it is not a share link.
///
/// # Errors
///
/// The link is damaged (cut short when copied, edited by hand) or too big; the message says so.
pub fn decode(fragment: &str) -> Result<Option<Snapshot>, String> {
    let fragment = fragment.trim_start_matches('#');
    let Some(payload) = fragment.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    let damaged = |what: String| {
        format!("This share link is damaged ({what}); ask for the link again and copy all of it.")
    };
    let packed = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('=').as_bytes())
        .map_err(|e| damaged(e.to_string()))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_UNPACKED)
        .map_err(|e| damaged(format!("{:?}", e.status)))?;
    serde_json::from_slice(&json)
        .map(Some)
        .map_err(|e| damaged(e.to_string()))
}

#[cfg(test)]
mod tests {
    use kiln_vfs::Content;

    use super::*;
    use crate::state::SavedFile;

    fn sample() -> Snapshot {
        Snapshot {
            files: vec![
                SavedFile {
                    path: "main.py".into(),
                    content: Content::Text("import util\nprint(util.x)  # ünïcode\n".repeat(20)),
                },
                SavedFile {
                    path: "util.py".into(),
                    content: Content::Text("x = 42\n".into()),
                },
                SavedFile {
                    path: "data.bin".into(),
                    content: Content::Binary(vec![0, 255, 128, 7]),
                },
            ],
            open: Some("main.py".into()),
        }
    }

    #[test]
    fn a_link_round_trips_and_is_compressed() {
        let snapshot = sample();
        let fragment = encode(&snapshot).unwrap();
        assert!(fragment.starts_with(PREFIX));
        assert!(
            fragment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_=".contains(&b))
        );
        let json_len = serde_json::to_vec(&snapshot).unwrap().len();
        assert!(
            fragment.len() < json_len / 2,
            "{} vs {json_len}",
            fragment.len()
        );
        assert_eq!(decode(&format!("#{fragment}")).unwrap(), Some(snapshot));
    }

    #[test]
    fn other_fragments_are_not_links_and_damage_is_explained() {
        assert_eq!(decode("").unwrap(), None);
        assert_eq!(decode("#section-2").unwrap(), None);
        let fragment = encode(&sample()).unwrap();
        let cut = &fragment[..fragment.len() / 2];
        let err = decode(cut).unwrap_err();
        assert!(err.contains("damaged"), "{err}");
        assert!(decode("share=!!!").unwrap_err().contains("damaged"));
    }

    #[test]
    fn a_bomb_is_refused() {
        let huge = vec![b'a'; MAX_UNPACKED + 1];
        let packed = miniz_oxide::deflate::compress_to_vec(&huge, 9);
        let fragment = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed));
        assert!(decode(&fragment).is_err());
    }
}

//! The site's [`Highlighter`]: what a build highlighted, kept for the next one in one file,
//! `highlight` in the cache folder (`.portolan/cache/` by default), by the hash of each
//! block's language and text. Syntax
//! highlighting is the costliest step of rendering a page of code (tens of microseconds a
//! line), and between two builds almost every block is unchanged.
//!
//! The file is read whole when a build starts and written whole (only the blocks this build
//! used) when it ends; an entry that is not escaped text and token spans is ignored, so a
//! damaged or planted file cannot put markup in a page.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use portolan_dialect::{Highlighted, Highlighter};
use sha2::{Digest, Sha256};

/// The cache's file in the cache folder.
pub(crate) const CACHE_FILE: &str = "highlight";

/// What a cached block depends on besides its text: the highlighter and its grammars.
const HIGHLIGHT_VERSION: &[u8] =
    b"portolan-highlight 2; two-face 0.5.2; tree-sitter 0.25 (bash 0.25, yaml 0.7, json 0.24, toml 0.7)\n";

type Key = [u8; 16];

/// Highlighted blocks, kept between builds.
pub(crate) struct HighlightCache {
    file: Option<PathBuf>,
    kept: HashMap<Key, Arc<str>>,
    /// What this build highlighted or used: what the file keeps.
    used: Mutex<HashMap<Key, Arc<str>>>,
}

impl HighlightCache {
    /// The cache kept in folder `cache_dir` (empty when it has none yet); in memory only
    /// without a folder.
    pub(crate) fn load(cache_dir: Option<&Path>) -> HighlightCache {
        let file = cache_dir.map(|d| d.join(CACHE_FILE));
        let kept = file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .map(|b| read_entries(&b))
            .unwrap_or_default();
        HighlightCache {
            file,
            kept,
            used: Mutex::new(HashMap::new()),
        }
    }

    /// Writes what this build used for the next one. A cache that cannot be written costs
    /// the next build time, not correctness: no error.
    pub(crate) fn save(&self) {
        let (Some(file), Ok(used)) = (&self.file, self.used.lock()) else {
            return;
        };
        let same = used.len() == self.kept.len() && used.keys().all(|k| self.kept.contains_key(k));
        if same {
            return;
        }
        let mut bytes = Vec::with_capacity(used.values().map(|v| v.len() + 20).sum());
        for (k, v) in used.iter() {
            bytes.extend_from_slice(k);
            bytes.extend_from_slice(&(v.len() as u32).to_le_bytes());
            bytes.extend_from_slice(v.as_bytes());
        }
        if let Some(dir) = file.parent() {
            let tmp = dir.join(format!(".highlight.{}.tmp", std::process::id()));
            let _ = std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(&tmp, &bytes))
                .and_then(|()| std::fs::rename(&tmp, file));
        }
    }
}

impl Highlighter for HighlightCache {
    fn highlight(&self, lang: &str, code: &str) -> Highlighted {
        let key = key(lang, code);
        let found = self
            .kept
            .get(&key)
            .cloned()
            .or_else(|| self.used.lock().ok()?.get(&key).cloned());
        let (highlighted, html) = match found {
            Some(html) => (
                Highlighted {
                    html: html.to_string(),
                    language: portolan_highlight::language(lang),
                },
                html,
            ),
            None => {
                let h = portolan_highlight::highlight(lang, code);
                let html = Arc::from(h.html.as_str());
                (h, html)
            }
        };
        if let Ok(mut used) = self.used.lock() {
            used.entry(key).or_insert(html);
        }
        highlighted
    }
}

fn key(lang: &str, code: &str) -> Key {
    let mut h = Sha256::new();
    h.update(HIGHLIGHT_VERSION);
    h.update(lang.as_bytes());
    h.update([0]);
    h.update(code.as_bytes());
    let mut k = [0; 16];
    k.copy_from_slice(&h.finalize()[..16]);
    k
}

/// The entries of a cache file; what does not read, or reads as more than escaped text and
/// token spans, is left out.
fn read_entries(mut bytes: &[u8]) -> HashMap<Key, Arc<str>> {
    let mut out = HashMap::new();
    while bytes.len() >= 20 {
        let mut k = [0; 16];
        k.copy_from_slice(&bytes[..16]);
        let len = u32::from_le_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]) as usize;
        let Some(value) = bytes.get(20..20 + len) else {
            break;
        };
        bytes = &bytes[20 + len..];
        if let Ok(text) = std::str::from_utf8(value) {
            if is_token_html(text) {
                out.insert(k, Arc::from(text));
            }
        }
    }
    out
}

/// Whether `html` is what the highlighter writes: text with `&`-escapes, in spans whose
/// class is a token class.
fn is_token_html(html: &str) -> bool {
    let mut rest = html;
    while let Some(i) = rest.find(['<', '>', '"']) {
        let tag = &rest[i..];
        let len = if tag.starts_with("</span>") {
            "</span>".len()
        } else if let Some(class) = tag.strip_prefix("<span class=\"") {
            match class.find("\">") {
                Some(end)
                    if (1..=2).contains(&end)
                        && class[..end].bytes().all(|b| b.is_ascii_lowercase()) =>
                {
                    "<span class=\"".len() + end + 2
                }
                _ => return false,
            }
        } else {
            return false;
        };
        rest = &tag[len..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_kept_for_the_next_build() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = HighlightCache::load(Some(dir.path()));
        let h = first.highlight("bash", "echo hi\n");
        first.save();
        let second = HighlightCache::load(Some(dir.path()));
        assert_eq!(second.kept.len(), 1);
        assert_eq!(second.highlight("bash", "echo hi\n"), h);
        assert_eq!(
            second.highlight("sh", "echo hi\n").language.map(|l| l.name),
            Some("bash")
        );
    }

    #[test]
    fn only_token_html_is_read_back() {
        assert!(is_token_html("<span class=\"k\">if</span> a &lt; b"));
        assert!(!is_token_html("<span class=\"k\" onclick=\"x\">if</span>"));
        assert!(!is_token_html("<script>alert(1)</script>"));
        assert!(!is_token_html("<span class=\"kk3\">x</span>"));
        assert!(!is_token_html("a > b"));
        let mut planted = Vec::new();
        planted.extend_from_slice(&key("bash", "x"));
        planted.extend_from_slice(&(9u32).to_le_bytes());
        planted.extend_from_slice(b"<img src>");
        assert!(read_entries(&planted).is_empty());
    }
}

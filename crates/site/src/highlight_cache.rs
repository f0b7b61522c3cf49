//! The site's [`Highlighter`]: what a build highlighted, kept for the next one in one file,
//! `highlight` in the cache folder (`.portolan/cache/` by default), by the hash of each
//! block's language and text. Syntax
//! highlighting is the costliest step of rendering a page of code (tens of microseconds a
//! line), and between two builds almost every block is unchanged.
//!
//! Neither the file's blocks nor a build's new ones are held in memory (at 100,000 pages
//! they were 130 MB): a build reads where each block of the previous file is, and reads a
//! block from the file when a page asks for it; the blocks it highlights anew are written
//! as they come to the next file (`.highlight.PID.tmp`, then renamed into place when the
//! build ends, with the old blocks it used). A block that is not escaped text and token
//! spans is ignored, so a damaged or planted file cannot put markup in a page.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use portolan_dialect::{Highlighted, Highlighter};
use sha2::{Digest, Sha256};

/// The cache's file in the cache folder.
pub(crate) const CACHE_FILE: &str = "highlight";

/// What a cached block depends on besides its text: the highlighter and its grammars.
const HIGHLIGHT_VERSION: &[u8] =
    b"portolan-highlight 2; two-face 0.5.2; tree-sitter 0.25 (bash 0.25, yaml 0.7, json 0.24, toml 0.7)\n";

type Key = [u8; 16];

/// Each entry of the file: its key, its length (u32, little-endian), its HTML.
const HEADER: usize = 20;

/// Where a block's HTML is in a file: offset and length.
type Extent = (u64, u32);

/// Highlighted blocks, kept between builds.
pub(crate) struct HighlightCache {
    file: Option<PathBuf>,
    /// The previous build's file, open, and where each of its blocks is.
    kept: Option<(File, HashMap<Key, Extent>)>,
    /// What this build used.
    used: Mutex<Used>,
}

/// What a build used: blocks of the kept file, by key, and the blocks it highlighted.
struct Used {
    kept: HashSet<Key>,
    fresh: Fresh,
}

/// The blocks a build highlighted anew.
enum Fresh {
    /// Written as they come to the next cache file, `path` (made when the first comes,
    /// and removed unless the build saves it).
    Spool {
        path: PathBuf,
        out: Option<BufWriter<File>>,
        at: HashMap<Key, Extent>,
        len: u64,
    },
    /// Held (no cache folder, one that cannot be written, or a `serve` session, which
    /// does not save).
    Memory(HashMap<Key, Arc<str>>),
}

impl HighlightCache {
    /// The cache kept in folder `cache_dir` (empty when it has none yet), for a session:
    /// what it highlights anew is held in memory and not saved.
    pub(crate) fn load(cache_dir: Option<&Path>) -> HighlightCache {
        let file = cache_dir.map(|d| d.join(CACHE_FILE));
        let kept = file.as_deref().and_then(read_index);
        HighlightCache {
            file,
            kept,
            used: Mutex::new(Used {
                kept: HashSet::new(),
                fresh: Fresh::Memory(HashMap::new()),
            }),
        }
    }

    /// The cache kept in folder `cache_dir`, for a build that [saves](Self::save) it:
    /// what it highlights anew goes to the next file as it comes.
    pub(crate) fn for_build(cache_dir: Option<&Path>) -> HighlightCache {
        let cache = HighlightCache::load(cache_dir);
        let Some(dir) = cache_dir else { return cache };
        remove_orphan_spools(dir);
        lock(&cache.used).fresh = Fresh::Spool {
            path: dir.join(format!(".highlight.{}.tmp", std::process::id())),
            out: None,
            at: HashMap::new(),
            len: 0,
        };
        cache
    }

    /// Writes what this build used for the next one. A cache that cannot be written costs
    /// the next build time, not correctness: no error.
    pub(crate) fn save(&self) {
        let (Some(file), mut used) = (&self.file, lock(&self.used)) else {
            return;
        };
        let Used { kept, fresh } = &mut *used;
        let Fresh::Spool { path, out, .. } = fresh else {
            return;
        };
        let kept_count = self.kept.as_ref().map_or(0, |(_, index)| index.len());
        if out.is_none() && kept.len() == kept_count {
            return;
        }
        let spool = match out {
            Some(spool) => spool,
            None => match make_spool(path) {
                Ok(made) => out.insert(made),
                Err(_) => return,
            },
        };
        let mut copied = Ok(());
        if let Some((old, index)) = &self.kept {
            for key in kept.iter() {
                if let Some(html) = index.get(key).and_then(|&e| read_block(old, e)) {
                    copied = write_entry(spool, key, html.as_bytes());
                    if copied.is_err() {
                        break;
                    }
                }
            }
        }
        let saved = copied
            .and_then(|()| spool.flush())
            .and_then(|()| std::fs::rename(&*path, file));
        if saved.is_err() {
            let _ = std::fs::remove_file(&*path);
        }
        // Renamed or removed: nothing for `drop` to do.
        *out = None;
    }

    /// The HTML of block `key` if a build highlighted it before (or this one did).
    fn find(&self, key: &Key) -> Option<String> {
        if let Some(html) = self
            .kept
            .as_ref()
            .and_then(|(f, index)| read_block(f, *index.get(key)?))
        {
            lock(&self.used).kept.insert(*key);
            return Some(html);
        }
        match &mut lock(&self.used).fresh {
            Fresh::Memory(held) => held.get(key).map(|h| h.to_string()),
            Fresh::Spool { out, at, .. } => {
                let extent = *at.get(key)?;
                let out = out.as_mut()?;
                out.flush().ok()?;
                read_block(out.get_ref(), extent)
            }
        }
    }

    /// Keeps block `key`, just highlighted as `html`.
    fn keep(&self, key: Key, html: &str) {
        let mut used = lock(&self.used);
        match &mut used.fresh {
            Fresh::Memory(held) => {
                held.entry(key).or_insert_with(|| Arc::from(html));
            }
            Fresh::Spool { path, out, at, len } => {
                if at.contains_key(&key) {
                    return;
                }
                if out.is_none() {
                    *out = make_spool(path).ok();
                }
                // A spool that cannot be made or written takes no blocks: they cost the
                // next build time, no more.
                let Some(out) = out else { return };
                if write_entry(out, &key, html.as_bytes()).is_ok() {
                    at.insert(key, (*len + HEADER as u64, html.len() as u32));
                    *len += (HEADER + html.len()) as u64;
                }
            }
        }
    }
}

impl Drop for HighlightCache {
    /// A build that did not save leaves no spool.
    fn drop(&mut self) {
        if let Fresh::Spool {
            path, out: Some(_), ..
        } = &lock(&self.used).fresh
        {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Highlighter for HighlightCache {
    fn highlight(&self, lang: &str, code: &str) -> Highlighted {
        let key = key(lang, code);
        if let Some(html) = self.find(&key) {
            return Highlighted {
                html,
                language: portolan_highlight::language(lang),
            };
        }
        let h = portolan_highlight::highlight(lang, code);
        self.keep(key, &h.html);
        h
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The spool file at `path`, its folder made.
fn make_spool(path: &Path) -> std::io::Result<BufWriter<File>> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    File::create(path).map(BufWriter::new)
}

/// Appends one entry to a cache file.
fn write_entry(out: &mut impl Write, key: &Key, html: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(html.len()).map_err(std::io::Error::other)?;
    out.write_all(key)?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(html)
}

/// The block at `extent` of `file`, when it is escaped text and token spans.
fn read_block(file: &File, (offset, len): Extent) -> Option<String> {
    let mut bytes = vec![0; len as usize];
    file.read_exact_at(&mut bytes, offset).ok()?;
    String::from_utf8(bytes).ok().filter(|t| is_token_html(t))
}

/// The cache file at `path`, open, with where each of its blocks is; `None` when there is
/// none. A truncated entry ends the index.
fn read_index(path: &Path) -> Option<(File, HashMap<Key, Extent>)> {
    let file = File::open(path).ok()?;
    let size = file.metadata().ok()?.len();
    let mut reader = BufReader::with_capacity(1 << 16, &file);
    let mut index = HashMap::new();
    let mut at = 0u64;
    let mut header = [0u8; HEADER];
    while at + HEADER as u64 <= size && reader.read_exact(&mut header).is_ok() {
        let mut k = [0; 16];
        k.copy_from_slice(&header[..16]);
        let len = u32::from_le_bytes([header[16], header[17], header[18], header[19]]);
        let start = at + HEADER as u64;
        if start + u64::from(len) > size || reader.seek_relative(i64::from(len)).is_err() {
            break;
        }
        index.insert(k, (start, len));
        at = start + u64::from(len);
    }
    drop(reader);
    Some((file, index))
}

/// Removes the spools of builds that died before saving (their process is gone).
fn remove_orphan_spools(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(".highlight.")?.strip_suffix(".tmp"))
        else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(e.path());
        }
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

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn kept(cache: &HighlightCache) -> usize {
        cache.kept.as_ref().map_or(0, |(_, index)| index.len())
    }

    #[test]
    fn blocks_are_kept_for_the_next_build() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = HighlightCache::for_build(Some(dir.path()));
        let h = first.highlight("bash", "echo hi\n");
        // Asked for again in the same build: read back from the spool.
        assert_eq!(first.highlight("bash", "echo hi\n"), h);
        first.save();
        assert_eq!(files_in(dir.path()), [CACHE_FILE]);
        let second = HighlightCache::for_build(Some(dir.path()));
        assert_eq!(kept(&second), 1);
        assert_eq!(second.highlight("bash", "echo hi\n"), h);
        assert_eq!(
            second.highlight("sh", "echo hi\n").language.map(|l| l.name),
            Some("bash")
        );
        let yaml = second.highlight("yaml", "a: 1\n");
        second.save();
        let third = HighlightCache::for_build(Some(dir.path()));
        assert_eq!(kept(&third), 3);
        assert_eq!(third.highlight("yaml", "a: 1\n"), yaml);
        // Only what a build used is kept.
        third.save();
        assert_eq!(kept(&HighlightCache::load(Some(dir.path()))), 1);
        assert_eq!(files_in(dir.path()), [CACHE_FILE]);
    }

    #[test]
    fn a_build_that_used_every_block_and_made_none_leaves_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = HighlightCache::for_build(Some(dir.path()));
        first.highlight("bash", "echo hi\n");
        first.save();
        let file = dir.path().join(CACHE_FILE);
        let before = std::fs::metadata(&file)
            .expect("file")
            .modified()
            .expect("mtime");
        let second = HighlightCache::for_build(Some(dir.path()));
        second.highlight("bash", "echo hi\n");
        second.save();
        let after = std::fs::metadata(&file)
            .expect("file")
            .modified()
            .expect("mtime");
        assert_eq!(before, after);
        assert_eq!(files_in(dir.path()), [CACHE_FILE]);
    }

    #[test]
    fn a_dead_builds_spool_is_removed_and_a_failed_build_leaves_none() {
        let dir = tempfile::tempdir().expect("tempdir");
        // No process has a pid this large (the kernel's limit is 2^22).
        std::fs::write(dir.path().join(".highlight.4294967295.tmp"), b"x").expect("write");
        let cache = HighlightCache::for_build(Some(dir.path()));
        assert!(files_in(dir.path()).is_empty());
        cache.highlight("bash", "echo hi\n");
        let spool = format!(".highlight.{}.tmp", std::process::id());
        assert_eq!(files_in(dir.path()), [spool]);
        // Not saved: the build failed.
        drop(cache);
        assert!(files_in(dir.path()).is_empty());
    }

    #[test]
    fn a_build_that_highlights_nothing_makes_no_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache_dir = dir.path().join("cache");
        HighlightCache::for_build(Some(&cache_dir)).save();
        assert!(!cache_dir.exists());
    }

    #[test]
    fn a_session_holds_its_blocks_and_writes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let session = HighlightCache::load(Some(dir.path()));
        let h = session.highlight("bash", "echo hi\n");
        assert_eq!(session.highlight("bash", "echo hi\n"), h);
        session.save();
        assert!(files_in(dir.path()).is_empty());
    }

    #[test]
    fn only_token_html_is_read_back() {
        assert!(is_token_html("<span class=\"k\">if</span> a &lt; b"));
        assert!(!is_token_html("<span class=\"k\" onclick=\"x\">if</span>"));
        assert!(!is_token_html("<script>alert(1)</script>"));
        assert!(!is_token_html("<span class=\"kk3\">x</span>"));
        assert!(!is_token_html("a > b"));
        let dir = tempfile::tempdir().expect("tempdir");
        let mut planted = Vec::new();
        write_entry(&mut planted, &key("bash", "x"), b"<img src>").expect("write");
        // A truncated entry after it.
        planted.extend_from_slice(&key("bash", "y"));
        std::fs::write(dir.path().join(CACHE_FILE), &planted).expect("write");
        let cache = HighlightCache::for_build(Some(dir.path()));
        assert_eq!(kept(&cache), 1);
        assert_eq!(
            cache.highlight("bash", "x").html,
            portolan_highlight::highlight("bash", "x").html
        );
    }
}

//! The table of source files a build read: every file a diagnostic can point into, and
//! positions in it (`messages` renders diagnostics against it).
//!
//! Every file a diagnostic can point into (pages, includes, the config) is registered here
//! with its path relative to the site folder, so messages read `content/x.md:12:5`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use portolan_dialect::diag::LineIndex;
use portolan_dialect::{Diagnostic, FileId, Span};

/// A source file: its display path and text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the site folder, with `/` separators.
    pub path: String,
    /// Where it is on disk.
    pub disk: PathBuf,
    /// Its text (valid UTF-8; a leading BOM kept, so offsets are the file's); `None` once
    /// released ([`Sources::release`]), until something asks for it again.
    text: Mutex<Option<Arc<str>>>,
    /// The length and XXH3 hash of the text as first read: reading it again must give
    /// the same, or the file was edited during the build.
    stamp: (usize, u64),
    /// Where its lines start, made on first use: a page with 100,000 links asks for as
    /// many positions, and scanning from the start for each was quadratic.
    lines: OnceLock<LineIndex>,
}

impl Clone for SourceFile {
    fn clone(&self) -> Self {
        SourceFile {
            path: self.path.clone(),
            disk: self.disk.clone(),
            text: Mutex::new(self.held()),
            stamp: self.stamp,
            lines: self.lines.clone(),
        }
    }
}

fn stamp_of(text: &str) -> (usize, u64) {
    (text.len(), xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

impl SourceFile {
    fn held(&self) -> Option<Arc<str>> {
        self.text.lock().ok().and_then(|t| t.clone())
    }

    /// Its text. A released text is read again and kept: what asks after the build
    /// (messages) needs the same text many times. A file gone or changed since gives
    /// its text as it is now, or none.
    pub fn text(&self) -> Arc<str> {
        if let Some(t) = self.held() {
            return t;
        }
        let now: Arc<str> = self.read_again().unwrap_or_else(|(_, now)| now);
        if let Ok(mut t) = self.text.lock() {
            *t = Some(now.clone());
        }
        now
    }

    /// Its text for one use (a page rendered once): a released text is read again but
    /// not kept. An error when the file changed (or went) since it was first read: its
    /// frontmatter, read then, no longer belongs to it.
    pub fn text_once(&self) -> Result<Arc<str>, String> {
        match self.held() {
            Some(t) => Ok(t),
            None => self.read_again().map_err(|(why, _)| why),
        }
    }

    /// The file read again: its text, or why it is not the text first read (with
    /// whatever it holds now).
    fn read_again(&self) -> Result<Arc<str>, (String, Arc<str>)> {
        let changed = || {
            format!(
                "`{}` changed while the site was building; build again",
                self.path
            )
        };
        let bytes =
            crate::files::read_limited(&self.disk, crate::files::MAX_READ_BYTES).map_err(|e| {
                (
                    format!("cannot read `{}` again: {e}", self.path),
                    Arc::from(""),
                )
            })?;
        let text: Arc<str> = match String::from_utf8(bytes) {
            Ok(s) => s.into(),
            Err(e) => {
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                return Err((changed(), lossy.into()));
            }
        };
        if stamp_of(&text) != self.stamp {
            return Err((changed(), text));
        }
        Ok(text)
    }
}

/// All source files of a build.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Registers a file and returns its id.
    pub fn add(&mut self, path: String, disk: PathBuf, text: Arc<str>) -> FileId {
        self.files.push(SourceFile {
            path,
            disk,
            stamp: stamp_of(&text),
            text: Mutex::new(Some(text)),
            lines: OnceLock::new(),
        });
        self.files.len() - 1
    }

    /// Replaces the text of file `id` (after an edit).
    pub fn replace(&mut self, id: FileId, text: Arc<str>) {
        let f = &mut self.files[id];
        f.stamp = stamp_of(&text);
        f.text = Mutex::new(Some(text));
        f.lines = OnceLock::new();
    }

    /// File `id`'s text for one use ([`SourceFile::text_once`]); a file changed or gone
    /// since its first reading is an error at its start.
    pub fn text_once(&self, id: FileId) -> Result<Arc<str>, Diagnostic> {
        self.files[id]
            .text_once()
            .map_err(|why| Diagnostic::error(Span::new(id, 0, 0), why))
    }

    /// Lets go of file `id`'s text, to be read again from disk when asked for: the
    /// streaming build holds each page's text only while it reads the page (at 100,000
    /// pages, 600 MB held to the end otherwise). Only for a file read whole from `disk`.
    pub fn release(&self, id: FileId) {
        if let Ok(mut t) = self.files[id].text.lock() {
            *t = None;
        }
    }

    /// The file with id `id`.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    /// The id of the file at display path `path`.
    pub fn find(&self, path: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path)
    }

    /// `path:line:column` of a span's start.
    pub fn position(&self, span: Span) -> String {
        self.with_lines(span.file, |text, lines| self.position_in(span, text, lines))
    }

    /// `path:line:column` of a span's start, in `text` (file `span.file`'s, held by the
    /// caller) with its `lines`: positions in a page the build holds no text of.
    pub fn position_in(&self, span: Span, text: &str, lines: &LineIndex) -> String {
        let (l, c) = lines.line_col(text, span.start);
        format!("{}:{l}:{c}", self.files[span.file].path)
    }

    /// (line, column) of byte `offset` in file `file`, both from 1; columns count
    /// characters.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        self.with_lines(file, |text, lines| lines.line_col(text, offset))
    }

    /// The byte range of 1-based line `line` of file `file`, its newline excluded.
    pub fn line_range(&self, file: FileId, line: usize) -> std::ops::Range<usize> {
        self.with_lines(file, |text, lines| lines.line_range(text, line))
    }

    /// `f` of file `file`'s text and its line index (made on first use).
    fn with_lines<T>(&self, file: FileId, f: impl FnOnce(&str, &LineIndex) -> T) -> T {
        let source = &self.files[file];
        let text = source.text();
        f(&text, source.lines.get_or_init(|| LineIndex::new(&text)))
    }
}

/// Reads a file as UTF-8; invalid bytes are an error at their exact position. Only a
/// regular file of at most [`crate::files::MAX_READ_BYTES`] is read.
pub(crate) fn read_text(
    sources: &mut Sources,
    display: String,
    disk: &Path,
) -> Result<FileId, Diagnostic> {
    let bytes = crate::files::read_limited(disk, crate::files::MAX_READ_BYTES)
        .map_err(|e| io_error(sources, &display, disk, &e))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(sources.add(display, disk.to_path_buf(), s.into())),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Register the text up to the bad byte (plus the rest of that line, lossily) so
            // the offending line can be shown.
            let line_end = bytes[valid..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| valid + i);
            let mut shown = String::from_utf8_lossy(&bytes[..line_end]).into_owned();
            shown.push('\n');
            let id = sources.add(display, disk.to_path_buf(), shown.into());
            Err(Diagnostic::error(
                Span::new(id, valid, valid),
                format!("file is not valid UTF-8 (byte 0x{:02x})", bytes[valid]),
            )
            .with_label("invalid byte here")
            .with_hint("save the file as UTF-8"))
        }
    }
}

/// An I/O error about a file, attached to a placeholder entry so it still names the file.
pub(crate) fn io_error(
    sources: &mut Sources,
    display: &str,
    disk: &Path,
    e: &std::io::Error,
) -> Diagnostic {
    let id = sources.add(display.to_string(), disk.to_path_buf(), Arc::from(""));
    Diagnostic::error(Span::new(id, 0, 0), format!("cannot read `{display}`: {e}")).with_label("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_released_text_is_read_again_and_a_changed_one_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let disk = tmp.path().join("page.md");
        std::fs::write(&disk, "---\ntitle: A\n---\nBody\n").unwrap();
        let mut sources = Sources::default();
        let id = read_text(&mut sources, "content/page.md".into(), &disk).unwrap();
        let line_two = sources.line_range(id, 2);

        sources.release(id);
        assert_eq!(sources.get(id).held(), None);
        assert_eq!(
            &*sources.get(id).text_once().unwrap(),
            "---\ntitle: A\n---\nBody\n"
        );
        assert_eq!(sources.get(id).held(), None, "a text read once is not kept");

        // Same length, other bytes: the frontmatter read first is not this file's.
        std::fs::write(&disk, "---\ntitle: B\n---\nBody\n").unwrap();
        let err = sources.get(id).text_once().unwrap_err();
        assert_eq!(
            err,
            "`content/page.md` changed while the site was building; build again"
        );
        // As a build reports it: at the file's start, its first line as it is now.
        let d = sources.text_once(id).unwrap_err();
        insta::assert_snapshot!(crate::messages::render(
            &sources,
            &[d],
            None,
            crate::messages::MessageFormat::Human
        ));
        // Messages still get a text, as it is now, and keep it.
        assert_eq!(&*sources.get(id).text(), "---\ntitle: B\n---\nBody\n");
        assert!(sources.get(id).held().is_some());
        assert_eq!(sources.line_range(id, 2), line_two);

        std::fs::remove_file(&disk).unwrap();
        sources.release(id);
        assert!(sources
            .get(id)
            .text_once()
            .unwrap_err()
            .starts_with("cannot read `content/page.md` again"));
        assert_eq!(&*sources.get(id).text(), "");
    }
}

//! The table of source files a build read: every file a diagnostic can point into, and
//! positions in it (`messages` renders diagnostics against it).
//!
//! Every file a diagnostic can point into (pages, includes, the config) is registered here
//! with its path relative to the site folder, so messages read `content/x.md:12:5`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use portolan_dialect::diag::LineIndex;
use portolan_dialect::{Diagnostic, FileId, Span};

/// A source file: its display path and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site folder, with `/` separators.
    pub path: String,
    /// Where it is on disk.
    pub disk: PathBuf,
    /// Its text (valid UTF-8; a leading BOM kept, so offsets are the file's).
    pub text: Arc<str>,
    /// Where its lines start, made on first use: a page with 100,000 links asks for as
    /// many positions, and scanning from the start for each was quadratic.
    lines: OnceLock<LineIndex>,
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
            text,
            lines: OnceLock::new(),
        });
        self.files.len() - 1
    }

    /// Replaces the text of file `id` (after an edit).
    pub fn replace(&mut self, id: FileId, text: Arc<str>) {
        self.files[id].text = text;
        self.files[id].lines = OnceLock::new();
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
        let (l, c) = self.line_col(span.file, span.start);
        format!("{}:{l}:{c}", self.files[span.file].path)
    }

    /// (line, column) of byte `offset` in file `file`, both from 1; columns count
    /// characters.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let f = &self.files[file];
        f.lines
            .get_or_init(|| LineIndex::new(&f.text))
            .line_col(&f.text, offset)
    }

    /// The byte range of 1-based line `line` of file `file`, its newline excluded.
    pub fn line_range(&self, file: FileId, line: usize) -> std::ops::Range<usize> {
        let f = &self.files[file];
        f.lines
            .get_or_init(|| LineIndex::new(&f.text))
            .line_range(&f.text, line)
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

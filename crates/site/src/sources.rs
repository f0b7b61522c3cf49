//! The table of source files a build read, and diagnostics rendered against it.
//!
//! Every file a diagnostic can point into (pages, includes, the config) is registered here
//! with its path relative to the site folder, so messages read `content/x.md:12:5`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Chars, Config};
use portolan_dialect::diag::{floor_char_boundary, LineIndex};
use portolan_dialect::{Diagnostic, FileId, Severity, Span};

use crate::messages::{self, MessageFormat};

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

    /// Renders diagnostics as text: sorted by file and position, each with its source line,
    /// then a summary line. Deterministic, so tests can snapshot it.
    pub fn render(&self, diags: &[Diagnostic]) -> String {
        self.render_for(diags, "build")
    }

    /// Like [`Sources::render`], naming the job that failed in the summary (`build`, `check`).
    pub fn render_for(&self, diags: &[Diagnostic], job: &str) -> String {
        self.render_as(diags, job, MessageFormat::Human)
    }

    /// Diagnostics in `format`. The human text ends with a summary line; the machine
    /// formats hold the diagnostics alone (see [`summary`] for theirs).
    pub fn render_as(&self, diags: &[Diagnostic], job: &str, format: MessageFormat) -> String {
        let mut out = self.render_list_as(diags, format);
        if format == MessageFormat::Human {
            if let Some(line) = summary(diags, job) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }

    /// The diagnostics alone, sorted, without a summary line (a build that went on past
    /// errors sums up itself).
    pub fn render_list(&self, diags: &[Diagnostic]) -> String {
        self.render_list_as(diags, MessageFormat::Human)
    }

    /// [`Sources::render_list`] in `format`.
    pub fn render_list_as(&self, diags: &[Diagnostic], format: MessageFormat) -> String {
        let sorted = self.sorted(diags);
        match format {
            MessageFormat::Human => self.human(&sorted),
            MessageFormat::Json => messages::json_lines(self, &sorted),
            MessageFormat::Github => messages::github_annotations(self, &sorted),
        }
    }

    /// Sorted by file and position, duplicates dropped: the order every format prints in.
    fn sorted<'d>(&self, diags: &'d [Diagnostic]) -> Vec<&'d Diagnostic> {
        let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
        sorted.sort_by(|a, b| {
            let key = |d: &Diagnostic| d.span.map(|s| (self.files[s.file].path.clone(), s.start));
            key(a)
                .cmp(&key(b))
                .then(a.severity.cmp(&b.severity))
                .then(a.message.cmp(&b.message))
        });
        sorted.dedup_by(|a, b| a == b);
        sorted
    }

    fn human(&self, sorted: &[&Diagnostic]) -> String {
        let mut simple = SimpleFiles::new();
        for f in &self.files {
            simple.add(f.path.as_str(), f.text.as_ref());
        }
        let config = Config {
            chars: Chars::ascii(),
            ..Config::default()
        };
        let mut out = String::new();
        for d in sorted {
            let report = self.to_report(d);
            match term::emit_into_string(&config, &simple, &report) {
                Ok(s) => out.push_str(&s),
                Err(_) => out.push_str(&format!("{d}\n")),
            }
            out.push('\n');
        }
        out
    }

    fn clamp(&self, span: Span) -> std::ops::Range<usize> {
        let text = &self.files[span.file].text;
        let start = floor_char_boundary(text, span.start);
        let mut end = floor_char_boundary(text, span.end.max(start));
        if end == start && end < text.len() {
            // A point: underline the character there (never past the end of its line).
            end = text[start..]
                .chars()
                .next()
                .filter(|c| *c != '\n')
                .map_or(start, |c| start + c.len_utf8());
        }
        start..end
    }

    fn to_report(&self, d: &Diagnostic) -> Report<usize> {
        let severity = match d.severity {
            Severity::Error => ReportSeverity::Error,
            Severity::Warning => ReportSeverity::Warning,
        };
        let mut labels = Vec::new();
        if let Some(s) = d.span {
            labels.push(Label::primary(s.file, self.clamp(s)).with_message(&d.label));
        }
        for (s, msg) in &d.related {
            labels.push(Label::secondary(s.file, self.clamp(*s)).with_message(msg));
        }
        let mut notes: Vec<String> = d.notes.clone();
        if let Some(h) = &d.hint {
            notes.push(format!("hint: {h}"));
        }
        Report::new(severity)
            .with_message(&d.message)
            .with_labels(labels)
            .with_notes(notes)
    }
}

/// The line that sums up a failed job (`error: build failed: 2 errors in 1 file, 1
/// warning`), or `None` when there are no errors. Duplicates count once, as printed.
pub fn summary(diags: &[Diagnostic], job: &str) -> Option<String> {
    let mut unique: Vec<&Diagnostic> = diags.iter().collect();
    unique.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.span.map(|s| (s.file, s.start));
        key(a)
            .cmp(&key(b))
            .then(a.severity.cmp(&b.severity))
            .then(a.message.cmp(&b.message))
    });
    unique.dedup_by(|a, b| a == b);
    let errors = unique.iter().filter(|d| d.is_error()).count();
    if errors == 0 {
        return None;
    }
    let warnings = unique.len() - errors;
    let files: std::collections::BTreeSet<_> = unique
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| d.span)
        .map(|s| s.file)
        .collect();
    let files = files.len().max(1);
    Some(format!(
        "error: {job} failed: {errors} error{} in {files} file{}{}",
        plural(errors),
        plural(files),
        if warnings > 0 {
            format!(", {warnings} warning{}", plural(warnings))
        } else {
            String::new()
        }
    ))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Reads a file as UTF-8; invalid bytes are an error at their exact position.
pub fn read_text(
    sources: &mut Sources,
    display: String,
    disk: &Path,
) -> Result<FileId, Diagnostic> {
    let bytes = std::fs::read(disk).map_err(|e| io_error(sources, &display, disk, &e))?;
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
pub fn io_error(
    sources: &mut Sources,
    display: &str,
    disk: &Path,
    e: &std::io::Error,
) -> Diagnostic {
    let id = sources.add(display.to_string(), disk.to_path_buf(), Arc::from(""));
    Diagnostic::error(Span::new(id, 0, 0), format!("cannot read `{display}`: {e}")).with_label("")
}

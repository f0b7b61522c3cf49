//! The table of source files a build read, and diagnostics rendered against it.
//!
//! Every file a diagnostic can point into (pages, includes, the config) is registered here
//! with its path relative to the site folder, so messages read `content/x.md:12:5`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::term::{self, Chars, Config};
use portolan_dialect::diag::LineIndex;
use portolan_dialect::{Diagnostic, FileId, Severity, Span};

use crate::excerpt::{shown, Excerpts};
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

    /// The byte range of 1-based line `line` of file `file`, its newline excluded.
    pub fn line_range(&self, file: FileId, line: usize) -> std::ops::Range<usize> {
        let f = &self.files[file];
        f.lines
            .get_or_init(|| LineIndex::new(&f.text))
            .line_range(&f.text, line)
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

    /// Each diagnostic with the lines it points at, as codespan-reporting draws them; each
    /// against an excerpt of its lines (bounded, escaped: see [`crate::excerpt`]).
    fn human(&self, sorted: &[&Diagnostic]) -> String {
        let config = Config {
            chars: Chars::ascii(),
            ..Config::default()
        };
        let mut out = String::new();
        for d in sorted {
            let spans: Vec<Span> = d
                .span
                .iter()
                .chain(d.related.iter().map(|(s, _)| s))
                .copied()
                .collect();
            let (excerpts, placed) = Excerpts::new(self, &spans);
            let report = to_report(d, &placed);
            match term::emit_into_string(&config, &excerpts, &report) {
                Ok(s) => out.push_str(&s),
                Err(_) => out.push_str(&format!("{}\n", shown(&d.to_string()))),
            }
            out.push('\n');
        }
        out
    }
}

/// `d` as codespan-reporting's report, its labels at `placed` (each span's place in its
/// excerpt, in the order of `d.span` then `d.related`); every text escaped for a terminal.
fn to_report(d: &Diagnostic, placed: &[(usize, std::ops::Range<usize>)]) -> Report<usize> {
    let severity = match d.severity {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
    };
    let mut places = placed.iter().cloned();
    let mut labels = Vec::new();
    if d.span.is_some() {
        if let Some((file, range)) = places.next() {
            labels.push(Label::primary(file, range).with_message(shown(&d.label)));
        }
    }
    for ((_, msg), (file, range)) in d.related.iter().zip(places) {
        labels.push(Label::secondary(file, range).with_message(shown(msg)));
    }
    let mut notes: Vec<String> = d.notes.iter().map(|n| shown(n).into_owned()).collect();
    if let Some(h) = &d.hint {
        notes.push(format!("hint: {}", shown(h)));
    }
    Report::new(severity)
        .with_message(shown(&d.message))
        .with_labels(labels)
        .with_notes(notes)
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

/// Reads a file as UTF-8; invalid bytes are an error at their exact position. Only a
/// regular file of at most [`crate::files::MAX_READ_BYTES`] is read.
pub fn read_text(
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
pub fn io_error(
    sources: &mut Sources,
    display: &str,
    disk: &Path,
    e: &std::io::Error,
) -> Diagnostic {
    let id = sources.add(display.to_string(), disk.to_path_buf(), Arc::from(""));
    Diagnostic::error(Span::new(id, 0, 0), format!("cannot read `{display}`: {e}")).with_label("")
}

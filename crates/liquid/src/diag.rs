//! Diagnostics: what went wrong in content, and exactly where.
//!
//! The dialect never touches the file system, so a diagnostic names its file by a
//! [`FileId`] that the caller handed in; the caller (the site crate) owns the table of
//! files and renders diagnostics with the offending line shown.

use std::fmt;

use crate::limits::{MAX_DIAGNOSTICS_PER_PAGE, MAX_SUGGESTION_WORD};

/// Index of a source file in the caller's file table.
pub type FileId = usize;

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// Start byte offset (inclusive).
    pub start: usize,
    /// End byte offset (exclusive); equal to `start` for a point.
    pub end: usize,
}

impl Span {
    /// A range `start..end` in `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start,
            end: end.max(start),
        }
    }
}

/// How bad a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Reported, but the build succeeds.
    Warning,
}

/// One problem found in content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: String,
    /// Where; `None` only for problems that belong to no file.
    pub span: Option<Span>,
    /// A short label shown under the offending text.
    pub label: String,
    /// A suggestion for fixing it.
    pub hint: Option<String>,
    /// Extra context, such as the chain of includes that led here.
    pub notes: Vec<String>,
    /// Other places worth showing, each with a label (e.g. "included here").
    pub related: Vec<(Span, String)>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span: Some(span),
            label: String::new(),
            hint: None,
            notes: Vec::new(),
            related: Vec::new(),
        }
    }

    /// An error that belongs to no file (the site folder has no `content/`, an output
    /// folder cannot be written, a theme template fails).
    pub fn global(message: impl Into<String>) -> Self {
        Diagnostic {
            span: None,
            ..Diagnostic::error(Span::new(0, 0, 0), message)
        }
    }

    /// A warning at `span`.
    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(span, message)
        }
    }

    /// Sets the label shown under the offending text.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Adds another place to show, with a label.
    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", self.message)
    }
}

/// Suggests the closest of `candidates` to `word`, if one is close enough to be a typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // The edit distance takes time and memory proportional to the product of the lengths.
    if word.len() > MAX_SUGGESTION_WORD {
        return None;
    }
    candidates
        .into_iter()
        .filter(|c| c.len() <= MAX_SUGGESTION_WORD)
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The message of the diagnostic that stands for the ones left out.
pub const TOO_MANY: &str = "too many problems in this page; only the first ones are shown";

/// Adds `d` to a page's diagnostics, keeping at most [`MAX_DIAGNOSTICS_PER_PAGE`]: past that,
/// one more diagnostic (at the first one left out) says that some were left out, and it is
/// an error when any left out is an error, so a hidden error still fails the build.
pub fn push_limited(diags: &mut Vec<Diagnostic>, d: Diagnostic) {
    if diags.len() < MAX_DIAGNOSTICS_PER_PAGE {
        diags.push(d);
        return;
    }
    match diags.iter_mut().rev().find(|x| x.message == TOO_MANY) {
        Some(summary) => {
            if d.is_error() {
                summary.severity = Severity::Error;
            }
        }
        None => diags.push(Diagnostic {
            severity: d.severity,
            message: TOO_MANY.to_string(),
            span: d.span,
            label: "and more from here on".to_string(),
            hint: Some(format!(
                "fix these first; a page reports at most {MAX_DIAGNOSTICS_PER_PAGE} problems"
            )),
            notes: Vec::new(),
            related: Vec::new(),
        }),
    }
}

/// True when a page already has as many diagnostics as it reports; work done only to place
/// another one (searching for its position) can be skipped.
pub fn is_full(diags: &[Diagnostic]) -> bool {
    diags.len() >= MAX_DIAGNOSTICS_PER_PAGE
}

/// Finds where strings are written in a text (a URL in a table body, a value in the
/// frontmatter), for spans. The bytes searched are bounded (a few times the text's length
/// in all, and a window per search when asked), so thousands of searches for strings that
/// are not written verbatim (made by Liquid, say) stay linear; past the budget nothing more
/// is found and callers use a coarser span.
#[derive(Debug)]
pub struct Finder<'t> {
    hay: &'t str,
    cursor: usize,
    budget: usize,
}

impl<'t> Finder<'t> {
    /// A finder over `hay`.
    pub fn new(hay: &'t str) -> Self {
        Self::starting_at(hay, 0)
    }

    /// A finder over `hay` whose first search starts at `cursor`.
    pub fn starting_at(hay: &'t str, cursor: usize) -> Self {
        Finder {
            hay,
            cursor: cursor.min(hay.len()),
            budget: hay.len().saturating_mul(8).saturating_add(1 << 20),
        }
    }

    /// The first occurrence of `needle` at or after `from`, looking at most `window` bytes on.
    pub fn find_from(&mut self, from: usize, needle: &str, window: usize) -> Option<usize> {
        if needle.is_empty() || from >= self.hay.len() || self.budget == 0 {
            return None;
        }
        let from = floor_char_boundary(self.hay, from);
        let end = ceil_char_boundary(
            self.hay,
            from.saturating_add(window.min(self.budget))
                .saturating_add(needle.len()),
        );
        let slice = &self.hay[from..end];
        match slice.find(needle) {
            Some(o) => {
                self.budget = self.budget.saturating_sub(o + needle.len());
                Some(from + o)
            }
            None => {
                self.budget = self.budget.saturating_sub(slice.len());
                None
            }
        }
    }

    /// The first occurrence of `needle` after the last one found, else from the start: what
    /// is written in order is found in order.
    pub fn find(&mut self, needle: &str) -> Option<usize> {
        let at = self
            .find_from(self.cursor, needle, usize::MAX)
            .or_else(|| self.find_from(0, needle, self.cursor))?;
        self.cursor = at;
        Some(at)
    }
}

/// The smallest char boundary at or above `i`.
pub fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Converts a byte offset in `text` to a 1-based (line, column), counting columns in
/// characters. Used where a position must be printed without the caller's file table.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Line starts of a text, for turning many offsets into (line, column) without scanning
/// from the start each time ([`line_col`] is linear in the offset, so a page with 100,000
/// links spent minutes there). Columns count characters, like [`line_col`].
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset where each line starts.
    starts: Vec<usize>,
    /// Whether each line is ASCII (its column is then its byte offset).
    ascii: Vec<bool>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let mut ascii = Vec::new();
        let mut line_ascii = true;
        for (i, b) in text.bytes().enumerate() {
            line_ascii &= b.is_ascii();
            if b == b'\n' {
                starts.push(i + 1);
                ascii.push(line_ascii);
                line_ascii = true;
            }
        }
        ascii.push(line_ascii);
        LineIndex { starts, ascii }
    }

    /// The byte range of the 1-based line `line` (its newline excluded) in `text`.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        let end = self
            .starts
            .get(line)
            .map_or(text.len(), |next| next.saturating_sub(1));
        start.min(text.len())..end.max(start).min(text.len())
    }

    /// The 1-based (line, column) of `offset` in `text` (the text indexed), as [`line_col`].
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = if self.ascii.get(line - 1).copied().unwrap_or(false) {
            offset - start
        } else {
            text[start..offset].chars().count()
        };
        (line, column + 1)
    }
}

/// The largest char boundary at or below `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_chars() {
        let text = "ab\ncé d\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 6), (2, 3)); // after the two-byte é
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "ab\ncé d\n\nlast";
        let index = LineIndex::new(text);
        for off in 0..=text.len() + 2 {
            assert_eq!(
                index.line_col(text, off),
                line_col(text, off),
                "offset {off}"
            );
        }
        assert_eq!(LineIndex::new("").line_col("", 0), (1, 1));
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        let names = ["konnect_short_name", "base_gateway"];
        assert_eq!(
            did_you_mean("konect_short_name", names),
            Some("konnect_short_name")
        );
        assert_eq!(did_you_mean("zzz", names), None);
    }
}

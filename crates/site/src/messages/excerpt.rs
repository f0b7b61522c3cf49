//! What a human-readable diagnostic shows of its source: a bounded window of each line a
//! label points at, with characters that would act on a terminal escaped.
//!
//! Content is written by anyone: a one-line 8 MB page with a hundred errors must not print
//! the line a hundred times (that was a gigabyte of output), and an escape sequence or a
//! bidirectional override in a page must not rewrite the author's terminal or hide what the
//! line says. So each diagnostic is rendered against an excerpt made for it: only the lines
//! its labels are on, each cut to [`WINDOW_BYTES`] around the labels (`…` where it is cut),
//! with control characters shown as escapes. Line and column numbers stay the file's own.

use std::collections::BTreeMap;
use std::ops::Range;

use codespan_reporting::files::{Error, Files};
use portolan_dialect::diag::{ceil_char_boundary, floor_char_boundary};
use portolan_dialect::Span;

use crate::sources::Sources;

/// The most bytes of one source line a diagnostic shows.
pub(crate) const WINDOW_BYTES: usize = 200;

/// How much of the line before its first label a cut window keeps.
const CONTEXT_BEFORE: usize = 60;

/// One line of an excerpt: where it is in the excerpt's text, its number in the file, and
/// how excerpt offsets map back to the file's.
struct ExcerptLine {
    range: Range<usize>,
    /// Each character's start in the excerpt and in the file, in order, then the ends.
    offsets: Vec<(usize, usize)>,
}

impl ExcerptLine {
    /// The file offset of excerpt offset `at`.
    fn to_file(&self, at: usize) -> usize {
        let i = self.offsets.partition_point(|&(e, _)| e <= at);
        self.offsets[i.saturating_sub(1)].1
    }

    /// The excerpt offset of file offset `at` (clamped into the window).
    fn to_excerpt(&self, at: usize) -> usize {
        let i = self.offsets.partition_point(|&(_, f)| f <= at);
        self.offsets[i.saturating_sub(1)].0
    }
}

/// One file's excerpt for one diagnostic.
struct Excerpt<'s> {
    name: &'s str,
    file: portolan_dialect::FileId,
    text: String,
    /// By 0-based line index in the file.
    lines: BTreeMap<usize, ExcerptLine>,
}

/// The files a diagnostic is rendered against: an excerpt of each file it points into.
pub(crate) struct Excerpts<'s> {
    sources: &'s Sources,
    files: Vec<Excerpt<'s>>,
}

impl<'s> Excerpts<'s> {
    /// Excerpts of the lines `spans` are on, and each span's place in them: (excerpt id,
    /// range). A span is shown on its first line.
    pub(crate) fn new(sources: &'s Sources, spans: &[Span]) -> (Self, Vec<(usize, Range<usize>)>) {
        let mut files: Vec<Excerpt<'s>> = Vec::new();
        // (excerpt, line index, start, end) of each span, in the file's offsets.
        let mut placed = Vec::with_capacity(spans.len());
        let mut wanted: Vec<BTreeMap<usize, Vec<Range<usize>>>> = Vec::new();
        for span in spans {
            let text = &sources.get(span.file).text();
            let id = match files.iter().position(|f| f.file == span.file) {
                Some(i) => i,
                None => {
                    files.push(Excerpt {
                        name: &sources.get(span.file).path,
                        file: span.file,
                        text: String::new(),
                        lines: BTreeMap::new(),
                    });
                    wanted.push(BTreeMap::new());
                    files.len() - 1
                }
            };
            let (line, _) = sources.line_col(span.file, span.start);
            let line_range = sources.line_range(span.file, line);
            let line_end = line_range.start + text[line_range.clone()].trim_end_matches('\r').len();
            let start = floor_char_boundary(text, span.start).clamp(line_range.start, line_end);
            let mut end = floor_char_boundary(text, span.end.max(start)).min(line_end);
            if end == start && end < line_end {
                // A point: the character there.
                end = ceil_char_boundary(text, start + 1);
            }
            wanted[id].entry(line - 1).or_default().push(start..end);
            placed.push((id, line - 1, start, end));
        }
        for (excerpt, lines) in files.iter_mut().zip(wanted) {
            let text = &sources.get(excerpt.file).text();
            for (index, ranges) in lines {
                let line_range = sources.line_range(excerpt.file, index + 1);
                let line_end =
                    line_range.start + text[line_range.clone()].trim_end_matches('\r').len();
                let lo = ranges
                    .iter()
                    .map(|r| r.start)
                    .min()
                    .unwrap_or(line_range.start);
                let window = window(text, line_range.start..line_end, lo);
                let line = add_line(&mut excerpt.text, text, line_range.start..line_end, window);
                excerpt.lines.insert(index, line);
            }
        }
        let placed = placed
            .into_iter()
            .map(|(id, index, start, end)| {
                let line = &files[id].lines[&index];
                (id, line.to_excerpt(start)..line.to_excerpt(end))
            })
            .collect();
        (Excerpts { sources, files }, placed)
    }

    fn excerpt(&self, id: usize) -> Result<&Excerpt<'s>, Error> {
        self.files.get(id).ok_or(Error::FileMissing)
    }
}

/// The part of `line` a diagnostic shows: all of it when short, else [`WINDOW_BYTES`] from
/// a little before `first_label`.
fn window(text: &str, line: Range<usize>, first_label: usize) -> Range<usize> {
    if line.len() <= WINDOW_BYTES {
        return line;
    }
    let start =
        floor_char_boundary(text, first_label.saturating_sub(CONTEXT_BEFORE)).max(line.start);
    let start = floor_char_boundary(
        text,
        start
            .min(line.end.saturating_sub(WINDOW_BYTES))
            .max(line.start),
    );
    let end = ceil_char_boundary(text, (start + WINDOW_BYTES).min(line.end)).min(line.end);
    start..end
}

/// Appends the `window` of `line` to `out`, escaped, with `…` where it is cut, and returns
/// how its offsets map to the file's.
fn add_line(out: &mut String, text: &str, line: Range<usize>, window: Range<usize>) -> ExcerptLine {
    let start = out.len();
    let mut offsets = Vec::with_capacity(window.len() + 2);
    if window.start > line.start {
        out.push('…');
    }
    for (i, c) in text[window.clone()].char_indices() {
        offsets.push((out.len(), window.start + i));
        push_shown(out, c);
    }
    offsets.push((out.len(), window.end));
    if window.end < line.end {
        out.push('…');
    }
    let range = start..out.len();
    out.push('\n');
    ExcerptLine { range, offsets }
}

/// `c` as a terminal shows it harmlessly: control characters (but tabs) and the
/// invisible characters that reorder or hide text are written as escapes.
fn push_shown(out: &mut String, c: char) {
    if (c.is_control() && c != '\t') || is_invisible_format(c) {
        out.extend(c.escape_unicode());
    } else {
        out.push(c);
    }
}

/// Bidirectional overrides and isolates, and marks: they make a line read differently
/// from what it holds ("Trojan Source").
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` (a message, label or hint, which can quote content) safe to print on a terminal.
pub(crate) fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| (c.is_control() && c != '\t' && c != '\n') || is_invisible_format(c))
    {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\n' {
            out.push(c);
        } else {
            push_shown(&mut out, c);
        }
    }
    out.into()
}

impl<'a> Files<'a> for Excerpts<'_> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(self.excerpt(id)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(&self.excerpt(id)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, Error> {
        let excerpt = self.excerpt(id)?;
        excerpt
            .lines
            .iter()
            .find(|(_, l)| byte_index <= l.range.end)
            .or_else(|| excerpt.lines.iter().next_back())
            .map(|(i, _)| *i)
            .ok_or(Error::FileMissing)
    }

    fn column_number(
        &'a self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, Error> {
        let excerpt = self.excerpt(id)?;
        let line = excerpt.lines.get(&line_index).ok_or(Error::LineTooLarge {
            given: line_index,
            max: 0,
        })?;
        Ok(self
            .sources
            .line_col(excerpt.file, line.to_file(byte_index))
            .1)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        let excerpt = self.excerpt(id)?;
        excerpt
            .lines
            .get(&line_index)
            .map(|l| l.range.start..l.range.end + 1)
            .ok_or(Error::LineTooLarge {
                given: line_index,
                max: 0,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(text: &str) -> Sources {
        let mut s = Sources::default();
        s.add("content/a.md".into(), "a.md".into(), text.into());
        s
    }

    fn shown_lines(s: &Sources, spans: &[Span]) -> (String, Vec<(usize, Range<usize>)>) {
        let (ex, placed) = Excerpts::new(s, spans);
        (ex.files[0].text.clone(), placed)
    }

    #[test]
    fn short_lines_are_shown_whole_with_their_numbers() {
        let s = sources("one\ntwo three\nfour\n");
        let (ex, placed) = Excerpts::new(&s, &[Span::new(0, 8, 13)]);
        assert_eq!(ex.files[0].text, "two three\n");
        assert_eq!(placed, [(0, 4..9)]);
        assert_eq!(ex.line_index(0, 4).unwrap(), 1);
        assert_eq!(ex.column_number(0, 1, 4).unwrap(), 5);
    }

    #[test]
    fn a_long_line_is_cut_around_its_label() {
        let line = format!("{}ERROR{}", "a".repeat(10_000), "b".repeat(10_000));
        let s = sources(&format!("x\n{line}\ny\n"));
        let at = 2 + 10_000;
        let (text, placed) = shown_lines(&s, &[Span::new(0, at, at + 5)]);
        assert!(text.len() < WINDOW_BYTES + 10, "{}", text.len());
        assert!(text.starts_with('…') && text.trim_end().ends_with('…'));
        let (_, range) = &placed[0];
        assert_eq!(&text[range.clone()], "ERROR");
        let (ex, _) = Excerpts::new(&s, &[Span::new(0, at, at + 5)]);
        assert_eq!(ex.column_number(0, 1, range.start).unwrap(), 10_001);
    }

    #[test]
    fn control_characters_are_escaped_and_labels_follow() {
        let s = sources("say \u{1b}[2Jhi \u{202e}x {{ bad }}\n");
        let at = s.get(0).text().find("{{").unwrap();
        let (text, placed) = shown_lines(&s, &[Span::new(0, at, at + 9)]);
        assert_eq!(text, "say \\u{1b}[2Jhi \\u{202e}x {{ bad }}\n");
        assert_eq!(&text[placed[0].1.clone()], "{{ bad }}");
        assert_eq!(shown("a\u{7}b\nc"), "a\\u{7}b\nc");
    }

    #[test]
    fn spans_past_the_line_or_the_file_are_clamped() {
        let s = sources("abc\ndef");
        let (text, placed) = shown_lines(&s, &[Span::new(0, 1, 6), Span::new(0, 99, 120)]);
        assert_eq!(text, "abc\ndef\n");
        assert_eq!(placed[0].1, 1..3);
        assert_eq!(placed[1].1, 7..7);
    }
}

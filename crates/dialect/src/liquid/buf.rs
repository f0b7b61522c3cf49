//! Rendered text with its source map: what the page, a capture or a block's body renders
//! into, so text keeps where it came from however it is moved (captured, indented, spliced
//! into a component's output).

use std::ops::Range;

use super::source::Source;
use crate::diag::Span;
use crate::source_map::{Seg, SourceMap};

/// Text and where each part of it came from.
#[derive(Debug, Default, Clone)]
pub(crate) struct Buf {
    pub(crate) text: String,
    pub(crate) map: SourceMap,
}

impl Buf {
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    fn push(&mut self, s: &str, seg: Seg) {
        if s.is_empty() {
            return;
        }
        self.map.push(Seg {
            out_start: self.text.len(),
            ..seg
        });
        self.text.push_str(s);
    }

    /// Text of the template at `range`, copied as written.
    pub(crate) fn verbatim(&mut self, src: &Source<'_>, range: Range<usize>) {
        let s = &src.text[range.clone()];
        if src.is_file() {
            self.push(
                s,
                Seg {
                    out_start: 0,
                    file: src.file,
                    src_start: range.start,
                    src_end: range.end,
                    verbatim: true,
                    checked: false,
                },
            );
        } else {
            self.generated(src.span(range), s);
        }
    }

    /// Text made at `span` (a variable's value, a filter's result).
    pub(crate) fn generated(&mut self, span: Span, s: &str) {
        self.push(s, seg(span, false));
    }

    /// HTML made from checked parts (a table, a component): its raw HTML was checked.
    pub(crate) fn checked(&mut self, span: Span, s: &str) {
        self.push(s, seg(span, true));
    }

    /// Another buffer's text, its map kept.
    pub(crate) fn append(&mut self, other: &Buf) {
        self.append_mapped(&other.text, &other.map);
    }

    /// Text with the map of where it came from.
    pub(crate) fn append_mapped(&mut self, text: &str, map: &SourceMap) {
        let at = self.text.len();
        self.text.push_str(text);
        self.map.append(map, at);
    }

    /// `range` of another buffer, its map kept.
    pub(crate) fn copy(&mut self, other: &Buf, range: Range<usize>) {
        let map = other.map.slice(range.clone());
        self.append_mapped(&other.text[range], &map);
    }

    /// The text after the last line break (the current line so far).
    pub(crate) fn current_line(&self) -> &str {
        let at = self.text.rfind('\n').map_or(0, |i| i + 1);
        &self.text[at..]
    }
}

fn seg(span: Span, checked: bool) -> Seg {
    Seg {
        out_start: 0,
        file: span.file,
        src_start: span.start,
        src_end: span.end,
        verbatim: false,
        checked,
    }
}

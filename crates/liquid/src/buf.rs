//! Rendered text with its source map: what the page, a capture or a block's body renders
//! into, so text keeps where it came from however it is moved (captured, indented, spliced
//! into a component's output).

use std::ops::Range;

use std::cell::Cell;

use crate::diag::Span;
use crate::source::Source;
use crate::source_map::{Seg, SourceMap};

/// Text and where each part of it came from.
#[derive(Debug, Default, Clone)]
pub struct Buf {
    text: String,
    map: SourceMap,
    /// (length of the text when last asked, where its last line starts): the text only
    /// grows, so finding the current line looks at what was added since, not the whole line
    /// again (a long line of many tags would make that quadratic).
    line: Cell<(usize, usize)>,
}

impl Buf {
    /// Text with its map.
    pub fn new(text: String, map: SourceMap) -> Self {
        Buf {
            text,
            map,
            line: Cell::new((0, 0)),
        }
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where each part of the text came from.
    pub fn map(&self) -> &SourceMap {
        &self.map
    }

    /// The text and its map.
    pub fn into_parts(self) -> (String, SourceMap) {
        (self.text, self.map)
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
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
    pub fn verbatim(&mut self, src: &Source<'_>, range: Range<usize>) {
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
    pub fn generated(&mut self, span: Span, s: &str) {
        self.push(s, seg(span, false));
    }

    /// HTML made from checked parts (a table, a component): its raw HTML was checked.
    pub fn checked(&mut self, span: Span, s: &str) {
        self.push(s, seg(span, true));
    }

    /// Another buffer's text, its map kept.
    pub fn append(&mut self, other: &Buf) {
        self.append_mapped(&other.text, &other.map);
    }

    /// Text with the map of where it came from.
    pub fn append_mapped(&mut self, text: &str, map: &SourceMap) {
        let at = self.text.len();
        self.text.push_str(text);
        self.map.append(map, at);
    }

    /// `range` of another buffer, its map kept.
    pub fn copy(&mut self, other: &Buf, range: Range<usize>) {
        let map = other.map.slice(range.clone());
        self.append_mapped(&other.text[range], &map);
    }

    /// The text after the last line break (the current line so far).
    pub fn current_line(&self) -> &str {
        let (seen, start) = self.line.get();
        let start = if seen <= self.text.len() && self.text.is_char_boundary(seen) {
            match memchr::memrchr(b'\n', &self.text.as_bytes()[seen..]) {
                Some(i) => seen + i + 1,
                None => start,
            }
        } else {
            self.text.rfind('\n').map_or(0, |i| i + 1)
        };
        self.line.set((self.text.len(), start));
        &self.text[start..]
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

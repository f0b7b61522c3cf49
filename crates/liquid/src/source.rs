//! Where a template's text is, so that everything rendered from it, and every error found
//! in it, names the real file, line and column: a file as it is, a frontmatter value (whose
//! parsed text sits at other offsets in the file, line by line), or text a component or
//! `liquify` made (every position is the tag that made it).

use std::ops::Range;

use crate::diag::{FileId, Span};

/// A template's text and how its offsets map to the file.
#[derive(Clone, Copy)]
pub struct Source<'t> {
    /// The file the text belongs to.
    pub file: FileId,
    /// The template's text.
    pub text: &'t str,
    /// How the text's offsets map to the file's.
    pub place: Place<'t>,
}

/// Where a template's text sits in its file.
#[derive(Clone, Copy)]
pub enum Place<'t> {
    /// Offsets are the file's own.
    File,
    /// A value parsed out of the file's frontmatter.
    Value(&'t ValueMap),
    /// Text made elsewhere: every offset is this span.
    Generated(Span),
}

impl Source<'_> {
    /// The file span of `range` of the text.
    pub fn span(&self, range: Range<usize>) -> Span {
        match self.place {
            Place::File => Span::new(self.file, range.start, range.end),
            Place::Value(m) => m.span(self.file, range),
            Place::Generated(s) => s,
        }
    }

    /// Whether offsets are the file's own, so copied text maps byte for byte.
    pub fn is_file(&self) -> bool {
        matches!(self.place, Place::File)
    }
}

/// Where the lines of a frontmatter value are written in the file: (offset in the value,
/// offset in the file) for each line found verbatim, in order.
#[derive(Debug, Clone, Default)]
pub struct ValueMap {
    anchors: Vec<(usize, usize, usize)>,
    /// Where the value's key is, for what cannot be placed closer.
    fallback: usize,
}

impl ValueMap {
    /// Finds `value`'s lines in `file_text[from..to]` (the frontmatter from its key on), each
    /// after the one before; lines not written verbatim (escapes, folding) fall back to the
    /// last line found, else to `from`.
    pub fn locate(file_text: &str, from: usize, to: usize, value: &str) -> ValueMap {
        let mut anchors = Vec::new();
        let mut cursor = from.min(to);
        let mut at = 0;
        for line in value.split_inclusive('\n') {
            let content = line.trim_end_matches(['\n', '\r']);
            let lead = content.len() - content.trim_start().len();
            let needle = content.trim();
            if !needle.is_empty() {
                // Bounded: a value is looked for within the rest of its frontmatter.
                if let Some(k) = file_text.get(cursor..to).and_then(|h| h.find(needle)) {
                    let file_at = cursor + k;
                    anchors.push((at + lead, file_at, needle.len()));
                    cursor = file_at + needle.len();
                }
            }
            at += line.len();
        }
        ValueMap {
            anchors,
            fallback: from,
        }
    }

    /// Where the value's last line found ends in the file.
    pub fn end(&self) -> Option<usize> {
        self.anchors.last().map(|a| a.1 + a.2)
    }

    fn offset(&self, o: usize) -> usize {
        let k = self.anchors.partition_point(|a| a.0 <= o);
        match k.checked_sub(1).map(|k| self.anchors[k]) {
            Some((v, f, len)) if o - v <= len => f + (o - v),
            Some((_, f, _)) => f,
            None => self.fallback,
        }
    }

    fn span(&self, file: FileId, r: Range<usize>) -> Span {
        let a = self.offset(r.start);
        let b = self.offset(r.end).max(a);
        Span::new(file, a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_map_line_by_line() {
        let file = "---\nfaqs:\n  - q: Which {{x}}?\n    a: |\n      One {{y}}\n      Two\n---\n";
        let value = "One {{y}}\nTwo\n";
        let m = ValueMap::locate(file, 10, file.len(), value);
        let src = Source {
            file: 0,
            text: value,
            place: Place::Value(&m),
        };
        let s = src.span(4..9);
        assert_eq!(&file[s.start..s.end], "{{y}}");
        let s = src.span(10..13);
        assert_eq!(&file[s.start..s.end], "Two");
    }
}

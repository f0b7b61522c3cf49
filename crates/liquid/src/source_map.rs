//! Where expanded text came from: output offsets of the text the Liquid pass writes, mapped
//! back to spans in the files it read, so errors found later (by the markdown pass, in raw
//! HTML, in links) still name the real file, line and column, across includes.

use crate::diag::{FileId, Span};

/// Maps offsets in expanded text back to the source.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    segs: Vec<Seg>,
}

/// One stretch of output and the source it came from.
#[derive(Debug, Clone, Copy)]
pub struct Seg {
    /// Where the stretch starts in the output.
    pub out_start: usize,
    /// The file it came from.
    pub file: FileId,
    /// Where its source starts in that file.
    pub src_start: usize,
    /// Where its source ends.
    pub src_end: usize,
    /// Copied as written, byte for byte (else made at the source span: a value, a tag).
    pub verbatim: bool,
    /// HTML the Liquid pass generated from checked parts (a table, the calculator): its raw
    /// HTML was checked where it was written.
    pub checked: bool,
}

impl SourceMap {
    /// Records that the output from `seg.out_start` on comes from `seg`'s source.
    pub fn push(&mut self, seg: Seg) {
        self.segs.push(seg);
    }

    /// Appends `other`, a map of text that was appended at output offset `at`.
    pub fn append(&mut self, other: &SourceMap, at: usize) {
        self.segs.extend(other.segs.iter().map(|s| Seg {
            out_start: s.out_start + at,
            ..*s
        }));
    }

    /// The map of output `range`, with offsets from the range's start (for text copied out
    /// of a rendered buffer).
    pub fn slice(&self, range: std::ops::Range<usize>) -> SourceMap {
        let mut segs = Vec::new();
        let first = self
            .segs
            .partition_point(|s| s.out_start <= range.start)
            .saturating_sub(1);
        for s in self.segs.iter().skip(first) {
            if s.out_start >= range.end {
                break;
            }
            let mut seg = *s;
            if seg.out_start < range.start {
                // Cut at the range's start: copied text moves its source start with it.
                if seg.verbatim {
                    seg.src_start =
                        (seg.src_start + (range.start - seg.out_start)).min(seg.src_end);
                }
                seg.out_start = range.start;
            }
            seg.out_start -= range.start;
            segs.push(seg);
        }
        SourceMap { segs }
    }

    /// The source position of output offset `off`: exact inside copied text, the
    /// generating tag for generated text.
    pub fn locate(&self, off: usize) -> Option<Span> {
        let i = self
            .segs
            .partition_point(|s| s.out_start <= off)
            .checked_sub(1)?;
        let s = self.segs[i];
        if s.verbatim {
            let p = (s.src_start + (off - s.out_start)).min(s.src_end);
            Some(Span::new(s.file, p, p))
        } else {
            Some(Span::new(s.file, s.src_start, s.src_end))
        }
    }

    /// True when output offset `off` is HTML the Liquid pass generated (a table, the
    /// calculator), whose raw HTML was checked where it was written. Text copied from a file
    /// or substituted from a variable is not.
    pub fn is_checked_html(&self, off: usize) -> bool {
        let i = self.segs.partition_point(|s| s.out_start <= off);
        i > 0 && self.segs[i - 1].checked
    }

    /// True when output offset `off` is text copied from `file` as written.
    pub fn is_verbatim_from(&self, off: usize, file: FileId) -> bool {
        let i = self.segs.partition_point(|s| s.out_start <= off);
        i > 0 && self.segs[i - 1].verbatim && self.segs[i - 1].file == file
    }

    /// True when any of output `range` was generated (a variable's value, a tag's output)
    /// rather than copied from a file.
    pub fn has_generated(&self, range: std::ops::Range<usize>) -> bool {
        let first = self
            .segs
            .partition_point(|s| s.out_start <= range.start)
            .saturating_sub(1);
        self.segs[first.min(self.segs.len())..]
            .iter()
            .take_while(|s| s.out_start < range.end.max(range.start + 1))
            .any(|s| !s.verbatim)
    }

    /// The source span of output range `start..end`, when both ends are in the same file.
    pub fn locate_range(&self, start: usize, end: usize) -> Option<Span> {
        let a = self.locate(start)?;
        if end <= start {
            return Some(a);
        }
        let b = self.locate(end - 1)?;
        if b.file != a.file || b.end < a.start {
            return Some(a);
        }
        // A point inside copied text stands for the character there: include it.
        let b_end = if b.start == b.end { b.end + 1 } else { b.end };
        Some(Span::new(a.file, a.start, b_end.max(a.end)))
    }
}

//! kramdown's line-level syntax, read on the text Liquid rendered (so a line an include or
//! a loop wrote counts like one written in the page), outside fenced code:
//!
//! - `<!--vale ...-->` lines are emptied (notes for the prose linter);
//! - a `{: ...}` attribute list on a line of its own is emptied and kept for the block on
//!   the next line, or, right after a code fence, for that code block (`{:.no-copy-code}`);
//! - `markdown="1"` on an HTML block's opening tag makes its content markdown, as kramdown
//!   reads it: the attribute is dropped and blank lines set the content apart from the tags.
//!
//! Emptied lines keep their line break, as the line's place in the markdown (a list item
//! stays a list item).

use std::ops::Range;

use crate::attrs::parse_attrs;
use crate::diag::{push_limited, Diagnostic, Span};
use crate::expanded::PendingIal;
use portolan_liquid::Buf;

/// The rendered text after the line pass, its attribute lists, and how offsets moved.
pub(crate) struct Lines {
    pub(crate) buf: Buf,
    pub(crate) ials: Vec<PendingIal>,
    /// (old offset, new offset) at each place the text changed, in order.
    moves: Vec<(usize, isize)>,
}

impl Lines {
    /// Where offset `old` of the text before the pass is now.
    pub(crate) fn moved(&self, old: usize) -> usize {
        let k = self.moves.partition_point(|m| m.0 <= old);
        let delta = k.checked_sub(1).map_or(0, |k| self.moves[k].1);
        (old as isize + delta).max(0) as usize
    }
}

/// Tracks fenced code line by line.
#[derive(Default)]
pub(crate) struct Fence {
    open: Option<(char, usize)>,
}

impl Fence {
    /// Fences are found at any indentation: inside list items they are indented as deep
    /// as the item's content, and an indented code block that starts with three backticks
    /// is rarer than a fence in a nested list.
    fn kind(&mut self, line: &str) -> LineKind {
        let t = line.trim_start();
        let c = match t.chars().next() {
            Some(c @ ('`' | '~')) => c,
            _ => {
                return if self.open.is_some() {
                    LineKind::Code
                } else {
                    LineKind::Text
                }
            }
        };
        let n = t.chars().take_while(|&x| x == c).count();
        match self.open {
            None if n >= 3 => {
                self.open = Some((c, n));
                LineKind::Opens
            }
            Some((oc, on)) if oc == c && n >= on && t[n..].trim().is_empty() => {
                self.open = None;
                LineKind::Closes
            }
            Some(_) => LineKind::Code,
            None => LineKind::Text,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Text,
    Opens,
    Code,
    Closes,
}

pub(crate) fn is_vale_comment(line: &str) -> bool {
    let t = line.trim();
    t.strip_prefix("<!--")
        .and_then(|r| r.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim_start().starts_with("vale") && !inner.contains("-->"))
}

pub(crate) fn ial_body(line: &str) -> Option<&str> {
    let t = line.trim();
    let inner = t.strip_prefix("{:")?.strip_suffix('}')?;
    (!inner.contains('}')).then_some(inner)
}

/// An HTML block's opening line with `markdown="1"`: the tag's name, and the line without
/// the attribute.
fn markdown_html(line: &str) -> Option<(String, String)> {
    let t = line.trim();
    if !t.starts_with('<') || !t.ends_with('>') || t.starts_with("</") {
        return None;
    }
    let attr = [" markdown=\"1\"", " markdown='1'", " markdown=1"]
        .into_iter()
        .find(|a| t.contains(a))?;
    let name: String = t[1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if name.is_empty() {
        return None;
    }
    Some((name.to_ascii_lowercase(), line.replacen(attr, "", 1)))
}

/// Runs the line pass over `buf`.
pub(crate) fn process(buf: Buf, diags: &mut Vec<Diagnostic>) -> Lines {
    let text = buf.text();
    let mut out = Buf::default();
    let mut ials = Vec::new();
    let mut moves = Vec::new();
    let mut fence = Fence::default();
    // Where the last fenced block opened (old offset) and the line after it closed.
    let mut fence_open_at = 0;
    let mut after_fence: Option<usize> = None;
    // Open `markdown="1"` tags: (name, depth of that name).
    let mut markdown_blocks: Vec<(String, usize)> = Vec::new();
    let mut copied = 0;
    let mut ls = 0;
    // Where (in the output) the run of non-blank lines the current line belongs to starts,
    // and whether the line before was blank: an attribute list right after a paragraph,
    // with a blank line (or the end) after it, is the paragraph's (kramdown reads a block's
    // attribute list before or after it).
    let mut run_start = 0;
    let mut prev_blank = true;
    let locate = |r: Range<usize>| buf.map().locate_range(r.start, r.end);
    while ls < text.len() {
        let le = text[ls..].find('\n').map_or(text.len(), |i| ls + i);
        let line = text[ls..le].trim_end_matches('\r');
        let kind = fence.kind(line);
        let blank = line.trim().is_empty();
        if !blank && prev_blank {
            run_start = out.len() + (ls - copied);
        }
        let line_after_fence = after_fence.take() == Some(ls);
        if kind == LineKind::Opens {
            fence_open_at = ls;
        }
        if kind == LineKind::Closes {
            after_fence = Some(le + 1);
        }
        if kind == LineKind::Text {
            let empty_it = |out: &mut Buf, copied: &mut usize, moves: &mut Vec<(usize, isize)>| {
                out.copy(&buf, *copied..ls);
                *copied = le;
                moves.push((le, out.len() as isize - le as isize));
            };
            if is_vale_comment(line) {
                empty_it(&mut out, &mut copied, &mut moves);
            } else if let Some(inner) = ial_body(line) {
                let span = locate(ls..le).unwrap_or(Span::new(0, 0, 0));
                empty_it(&mut out, &mut copied, &mut moves);
                match parse_attrs(inner) {
                    Ok(attrs) => {
                        // After a code fence, for the code block; else for the next block.
                        let next_blank = text[(le + 1).min(text.len())..]
                            .split('\n')
                            .next()
                            .is_none_or(|l| l.trim().is_empty());
                        let offset = if line_after_fence {
                            let open = fence_open_at;
                            let moved = moves.partition_point(|m| m.0 <= open);
                            let delta = moved.checked_sub(1).map_or(0, |k| moves[k].1);
                            (open as isize + delta).max(0) as usize
                        } else if !prev_blank && next_blank {
                            run_start
                        } else {
                            out.len() + 1
                        };
                        let at = ials.partition_point(|i: &PendingIal| i.offset <= offset);
                        ials.insert(
                            at,
                            PendingIal {
                                offset,
                                attrs,
                                span,
                            },
                        );
                    }
                    Err(msg) => push_limited(
                        diags,
                        Diagnostic::error(span, format!("malformed attribute list: {msg}"))
                            .with_label("here")
                            .with_hint("write it as `{:.class}`, `{:#id}` or `{: key=\"value\"}`"),
                    ),
                }
            } else if let Some((name, without)) = markdown_html(line) {
                // The opening tag without the attribute, then a blank line.
                out.copy(&buf, copied..ls);
                let span = locate(ls..le).unwrap_or(Span::new(0, 0, 0));
                out.generated(span, &without);
                out.generated(span, "\n");
                copied = le;
                moves.push((le, out.len() as isize - le as isize));
                markdown_blocks.push((name, 0));
            } else if let Some((name, depth)) = markdown_blocks.last_mut() {
                let t = line.trim();
                let opens = t.starts_with(&format!("<{name}"))
                    && t[1 + name.len()..].starts_with([' ', '>']);
                if opens {
                    *depth += 1;
                } else if t.starts_with(&format!("</{name}>")) {
                    if *depth == 0 {
                        // A blank line before the closing tag ends the markdown content.
                        out.copy(&buf, copied..ls);
                        let span = locate(ls..le).unwrap_or(Span::new(0, 0, 0));
                        out.generated(span, "\n");
                        copied = ls;
                        moves.push((ls, out.len() as isize - ls as isize));
                        markdown_blocks.pop();
                    } else {
                        *depth -= 1;
                    }
                }
            }
        }
        // An emptied attribute list leaves the run it ends (or starts) as it was.
        if ial_body(line).is_none() || kind != LineKind::Text {
            prev_blank = blank;
        }
        ls = le + 1;
    }
    out.copy(&buf, copied..text.len());
    Lines {
        buf: out,
        ials,
        moves,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (String, Vec<(usize, Vec<String>)>) {
        let mut buf = Buf::default();
        buf.generated(Span::new(0, 0, 0), text);
        let l = process(buf, &mut Vec::new());
        let ials = l
            .ials
            .iter()
            .map(|i| (i.offset, i.attrs.classes.clone()))
            .collect();
        (l.buf.into_parts().0, ials)
    }

    #[test]
    fn attribute_lists_are_kept_for_the_next_block() {
        let (text, ials) = run("para\n{:.info}\n> quote\n");
        assert_eq!(text, "para\n\n> quote\n");
        assert_eq!(ials, [(6, vec!["info".to_string()])]);
        let (text, _) = run("1. Step\n   {: .warning}\n   > note\n");
        assert_eq!(text, "1. Step\n\n   > note\n");
    }

    #[test]
    fn an_attribute_list_after_a_fence_is_the_code_blocks() {
        let (text, ials) = run("x\n\n```bash\n{:.no}\necho\n```\n{:.no-copy-code}\n");
        assert_eq!(text, "x\n\n```bash\n{:.no}\necho\n```\n\n");
        assert_eq!(ials, [(3, vec!["no-copy-code".to_string()])]);
    }

    #[test]
    fn an_attribute_list_after_a_paragraph_is_the_paragraphs() {
        let (text, ials) = run("intro

![diagram](/d.svg)
{:.no-image-expand}

next
");
        assert_eq!(
            text,
            "intro

![diagram](/d.svg)


next
"
        );
        assert_eq!(ials, [(7, vec!["no-image-expand".to_string()])]);
        // Between two blocks it is the next one's.
        let (_, ials) = run("para
{:.info}
> quote
");
        assert_eq!(ials, [(6, vec!["info".to_string()])]);
    }

    #[test]
    fn vale_lines_are_emptied_outside_code() {
        let (text, _) = run("<!--vale off-->\na\n```\n<!--vale off-->\n```\n");
        assert_eq!(text, "\na\n```\n<!--vale off-->\n```\n");
    }

    #[test]
    fn markdown_in_html_blocks() {
        let (text, _) =
            run("<div class=\"x\" markdown=\"1\">\n**bold**\n<div>\n</div>\n</div>\nafter\n");
        assert_eq!(
            text,
            "<div class=\"x\">\n\n**bold**\n<div>\n</div>\n\n</div>\nafter\n"
        );
    }
}

//! Liquid's tokens: text, `{{ output }}` and `{% tag %}`, with byte ranges in the
//! template's text. `raw` and `comment` bodies are taken here, unparsed, and whitespace
//! control (`{%-`, `-%}`, `{{-`, `-}}`) trims the text around a delimiter here too.
//!
//! Linear in the text: the next closing delimiter is remembered (see [`NextClose`]), so a
//! thousand unclosed `{{` do not each search to the end.

use std::ops::Range;

use crate::delimiters::{find_open, NextClose};

/// One token. Ranges are byte offsets into the template's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// Literal text (already trimmed by whitespace control).
    Text(Range<usize>),
    /// `{{ ... }}`: the whole and the expression inside (dashes excluded).
    Output {
        range: Range<usize>,
        inner: Range<usize>,
    },
    /// `{% name args %}`.
    Tag(TagToken),
    /// `{% raw %}...{% endraw %}`: the text between, as written.
    Raw {
        range: Range<usize>,
        body: Range<usize>,
    },
    /// A `{{` or `{%` with no closing delimiter before the end of the text.
    Unclosed { at: usize, tag: bool },
    /// `{% raw %}` or `{% comment %}` with no end tag.
    UnclosedBlock {
        range: Range<usize>,
        name: &'static str,
    },
}

/// A tag's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TagToken {
    pub(crate) range: Range<usize>,
    pub(crate) name: Range<usize>,
    pub(crate) args: Range<usize>,
}

/// Splits `text[start..]` into tokens.
pub(crate) fn tokens(text: &str, start: usize) -> Vec<Token> {
    let mut out = Vec::new();
    let mut output_close = NextClose::new("}}");
    let mut tag_close = NextClose::new("%}");
    let mut i = start;
    // Set by a `-}}`/`-%}`: the text after the delimiter loses its leading whitespace.
    let mut trim_next = false;
    while let Some(rel) = find_open(&text[i..]) {
        let pos = i + rel;
        let is_tag = text.as_bytes()[pos + 1] == b'%';
        let trim_left = text.as_bytes().get(pos + 2) == Some(&b'-');
        let close = if is_tag {
            tag_close.find(text, pos + 2)
        } else {
            output_close.find(text, pos + 2)
        };
        let Some(close) = close else {
            push_text(&mut out, text, i, pos, trim_next, false);
            out.push(Token::Unclosed {
                at: pos,
                tag: is_tag,
            });
            // The rest of its line is kept as text, as written; reading goes on after it.
            let le = text[pos..].find('\n').map_or(text.len(), |k| pos + k);
            push_text(&mut out, text, pos, le, false, false);
            trim_next = false;
            i = le;
            continue;
        };
        push_text(&mut out, text, i, pos, trim_next, trim_left);
        let end = close + 2;
        let inner_start = pos + 2 + usize::from(trim_left);
        let trim_right = close > inner_start && text.as_bytes()[close - 1] == b'-';
        let inner_end = if trim_right { close - 1 } else { close };
        trim_next = trim_right;
        if !is_tag {
            out.push(Token::Output {
                range: pos..end,
                inner: inner_start..inner_end.max(inner_start),
            });
            i = end;
            continue;
        }
        let inner = &text[inner_start..inner_end.max(inner_start)];
        let lead = inner.len() - inner.trim_start().len();
        let body = inner.trim();
        let name_len = if body.starts_with('#') {
            1
        } else {
            body.find(|c: char| c.is_whitespace()).unwrap_or(body.len())
        };
        let name_start = inner_start + lead;
        let name = name_start..name_start + name_len;
        let args_start = name.end + (body[name_len..].len() - body[name_len..].trim_start().len());
        let args = args_start..(name_start + body.len()).max(args_start);
        let tag_name = &text[name.clone()];
        if tag_name == "raw" || tag_name == "comment" {
            let what: &'static str = if tag_name == "raw" { "raw" } else { "comment" };
            match find_end(text, end, what, &mut tag_close) {
                Some((end_start, end_end, end_trims_right)) => {
                    if what == "raw" {
                        out.push(Token::Raw {
                            range: pos..end_end,
                            body: end..end_start,
                        });
                    }
                    trim_next = end_trims_right;
                    i = end_end;
                }
                None => {
                    out.push(Token::UnclosedBlock {
                        range: pos..end,
                        name: what,
                    });
                    return out;
                }
            }
            continue;
        }
        out.push(Token::Tag(TagToken {
            range: pos..end,
            name,
            args,
        }));
        i = end;
    }
    push_text(&mut out, text, i, text.len(), trim_next, false);
    out
}

/// Adds `text[a..b]` as text, without leading whitespace when `trim_start`, without
/// trailing whitespace when `trim_end`.
fn push_text(
    out: &mut Vec<Token>,
    text: &str,
    a: usize,
    b: usize,
    trim_start: bool,
    trim_end: bool,
) {
    let mut a = a;
    let mut b = b;
    if trim_start {
        a = b - text[a..b].trim_start().len();
    }
    if trim_end {
        b = a + text[a..b].trim_end().len();
    }
    if a < b {
        out.push(Token::Text(a..b));
    }
}

/// The `{% endNAME %}` after `from`: its start, end, and whether it trims what follows.
/// Only a tag that starts with the name is read whole, so `{% raw %}{%{%{%...` stays linear.
fn find_end(
    text: &str,
    from: usize,
    name: &str,
    closers: &mut NextClose,
) -> Option<(usize, usize, bool)> {
    let want = format!("end{name}");
    let mut i = from;
    while let Some(rel) = text[i..].find("{%") {
        let pos = i + rel;
        let after = text[pos + 2..]
            .strip_prefix('-')
            .unwrap_or(&text[pos + 2..])
            .trim_start();
        if let Some(rest) = after.strip_prefix(want.as_str()) {
            if rest.trim_start().starts_with("-%}") || rest.trim_start().starts_with("%}") {
                let close = closers.find(text, pos + 2)?;
                let trims = text.as_bytes()[close - 1] == b'-';
                return Some((pos, close + 2, trims));
            }
        }
        i = pos + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> Vec<String> {
        tokens(text, 0)
            .into_iter()
            .map(|t| match t {
                Token::Text(r) => format!("T({})", &text[r]),
                Token::Output { inner, .. } => format!("O({})", &text[inner]),
                Token::Tag(t) => format!("G({}|{})", &text[t.name], &text[t.args]),
                Token::Raw { body, .. } => format!("R({})", &text[body]),
                Token::Unclosed { tag, .. } => format!("U({tag})"),
                Token::UnclosedBlock { name, .. } => format!("UB({name})"),
            })
            .collect()
    }

    #[test]
    fn tokens_with_whitespace_control() {
        assert_eq!(show("a {{ x }} b"), ["T(a )", "O( x )", "T( b)"]);
        assert_eq!(show("a  {{- x -}}  b"), ["T(a)", "O( x )", "T(b)"]);
        assert_eq!(
            show("{% if a == 1 %}y{% endif %}"),
            ["G(if|a == 1)", "T(y)", "G(endif|)"]
        );
        assert_eq!(
            show("x\n  {%- assign a = 1 -%}\n  y"),
            ["T(x)", "G(assign|a = 1)", "T(y)"]
        );
        assert_eq!(show("{%# note %}z"), ["G(#|note)", "T(z)"]);
    }

    #[test]
    fn raw_and_comment_bodies_are_not_parsed() {
        assert_eq!(
            show("{% raw %}{{ a }}{% x{% endraw %}!"),
            ["R({{ a }}{% x)", "T(!)"]
        );
        assert_eq!(
            show("a{% comment %}{% if %}{% endcomment %}b"),
            ["T(a)", "T(b)"]
        );
        assert_eq!(show("{% raw %}never closed"), ["UB(raw)"]);
    }

    #[test]
    fn unclosed_delimiters_keep_their_text() {
        assert_eq!(show("a {{ b"), ["T(a )", "U(false)", "T({{ b)"]);
        assert_eq!(show("{% tag"), ["U(true)", "T({% tag)"]);
        assert_eq!(
            show("{{ a\n{{ b\nc"),
            ["U(false)", "T({{ a)", "T(\n)", "U(false)", "T({{ b)", "T(\nc)"]
        );
    }
}

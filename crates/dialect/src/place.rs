//! Placing generated text in the page's markdown: block HTML on lines of its own, indented
//! like the tag that made it (so it stays inside a list item); a component's two halves
//! around its markdown body; an HTML include's own lines without their indentation (kramdown
//! reads HTML whole, markdown would read indented lines as code).

use portolan_liquid::{Buf, Span};

use crate::component::OutputKind;
use crate::diag::FileId;

/// Writes generated block HTML (or markdown) at the current place: on lines of its own,
/// indented like the tag so that it stays inside a list item; after a line break when the
/// tag was written mid-line (so it is not read as inline HTML). `end_line` ends the block's
/// last line (HTML: a blank line then ends its HTML block).
pub(crate) fn emit_block(buf: &mut Buf, span: Span, text: &str, html: bool, end_line: bool) {
    let line = buf.current_line();
    if line.trim().is_empty() {
        let indent = line.to_string();
        emit_lines(buf, span, text, &indent, html);
        if end_line {
            push(buf, span, "\n", html);
        }
    } else {
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| !(html && l.trim().is_empty()))
            .collect();
        push(buf, span, &format!("\n\n{}\n", lines.join("\n")), html);
    }
}

/// `text`'s lines, the first at the current place, the others after `indent`; blank lines
/// are dropped from HTML (one would end its HTML block) and kept in markdown.
fn emit_lines(buf: &mut Buf, span: Span, text: &str, indent: &str, html: bool) {
    let mut block = String::with_capacity(text.len() + 16);
    let mut first = true;
    for line in text.lines() {
        if html && line.trim().is_empty() {
            continue;
        }
        if !first {
            block.push('\n');
            if !line.is_empty() {
                block.push_str(indent);
            }
        }
        block.push_str(line);
        first = false;
    }
    push(buf, span, &block, html);
}

fn push(buf: &mut Buf, span: Span, s: &str, checked: bool) {
    if checked {
        buf.checked(span, s);
    } else {
        buf.generated(span, s);
    }
}

/// Writes a component's two halves around its rendered markdown body, each on lines of
/// their own with blank lines between (so the body is markdown, not part of an HTML
/// block), indented like the tag.
pub(crate) fn wrap(
    buf: &mut Buf,
    span: Span,
    open: &str,
    close: &str,
    kind: OutputKind,
    body: &Buf,
) {
    if !buf.current_line().trim().is_empty() {
        buf.generated(span, "\n\n");
    }
    let indent = buf.current_line().to_string();
    let html = kind == OutputKind::Html;
    emit_lines(buf, span, open, &indent, html);
    buf.generated(span, "\n");
    if !body.text().starts_with('\n') {
        buf.generated(span, "\n");
    }
    buf.append(body);
    if !body.text().ends_with('\n') {
        buf.generated(span, "\n");
    }
    buf.generated(span, &format!("\n{indent}"));
    emit_lines(buf, span, close, &indent, html);
}

/// Appends `text` to `out`, each line that starts with text copied from `file` (not with a
/// value or what an include inside it wrote), or with HTML a component or table wrote,
/// without its leading whitespace; fenced code is kept as it is. The first line is a line
/// start only when `at_line_start`.
pub(crate) fn dedent_own_lines(text: &Buf, file: FileId, at_line_start: bool, out: &mut Buf) {
    let s = text.text();
    let map = text.map();
    let mut in_fence = false;
    let mut ls = 0;
    while ls < s.len() {
        let le = s[ls..].find('\n').map_or(s.len(), |i| ls + i + 1);
        let line = &s[ls..le];
        let body = line.trim_start_matches([' ', '\t']);
        let fence = body.starts_with("```") || body.starts_with("~~~");
        let start = ls + (line.len() - body.len());
        let dedent = !in_fence
            && !fence
            && (ls > 0 || at_line_start)
            && start < le
            && (map.is_verbatim_from(start, file) || map.is_checked_html(start));
        if fence {
            in_fence = !in_fence;
        }
        out.copy(text, if dedent { start..le } else { ls..le });
        ls = le;
    }
}

/// `indent` for a captured text: every line prefixed by `n` spaces, the text keeping where
/// it came from.
pub(crate) fn indent_mapped(text: &Buf, n: usize, span: Span) -> Buf {
    let pad = " ".repeat(n);
    let mut out = Buf::default();
    let mut at = 0;
    for line in text.text().split_inclusive('\n') {
        if !line.trim().is_empty() {
            out.generated(span, &pad);
        }
        out.copy(text, at..at + line.len());
        at += line.len();
    }
    out
}

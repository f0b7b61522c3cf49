//! Code blocks and diagrams, once a fence's text is read: a code block is highlighted
//! (`portolan-highlight`) inside a `div.code-block` that carries the fence's attribute
//! list and its language; a ```` ```mermaid ```` fence in a page is drawn by the site's
//! [`Diagrams`] as an inline SVG, or left to the browser.

use std::fmt::Write as _;

use portolan_htmlscan::{escape_html, escape_html_into};

use crate::attrs::attr_string;
use crate::diag::{Diagnostic, Span};
use crate::diagram::{DiagramError, Drawing};
use crate::host::Highlighter;
use crate::model::Attrs;

/// A fence being read: its text arrives in pieces, each from one place in the source.
pub(super) struct OpenCode<'a> {
    /// The info string's first word (`bash`, `mermaid`), as written.
    pub(super) lang: String,
    pub(super) attrs: Option<&'a Attrs>,
    pub(super) text: String,
    /// (offset in `text`, offset in the page's expanded text) where each piece starts.
    pub(super) starts: Vec<(usize, usize)>,
}

impl OpenCode<'_> {
    pub(super) fn push(&mut self, piece: &str, at: usize) {
        self.starts.push((self.text.len(), at));
        self.text.push_str(piece);
    }

    pub(super) fn is_diagram(&self) -> bool {
        self.lang.eq_ignore_ascii_case("mermaid")
    }

    /// The offset in the expanded text of line `line` (from 1), column `column` (in
    /// characters, from 1) of the fence's text.
    fn offset_of(&self, line: usize, column: usize) -> Option<usize> {
        let start = if line <= 1 {
            0
        } else {
            self.text.match_indices('\n').nth(line - 2)?.0 + 1
        };
        let rest = &self.text[start..];
        let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let in_line = line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i);
        let at = start + in_line;
        let (piece, source) = self.starts.iter().rev().find(|(t, _)| *t <= at)?;
        Some(source + (at - piece))
    }
}

/// The HTML of a code block.
pub(super) fn code_block(code: &OpenCode<'_>, highlighter: &dyn Highlighter) -> String {
    let highlighted = highlighter.highlight(&code.lang, &code.text);
    let mut html = String::with_capacity(highlighted.html.len() + 128);
    html.push_str("<div");
    wrapper_attrs(&mut html, "code-block", code.attrs);
    if let Some(l) = highlighted.language {
        let _ = write!(html, " data-lang=\"{}\"", escape_html(l.name));
    }
    html.push_str("><pre>");
    if code.lang.is_empty() {
        html.push_str("<code>");
    } else {
        let _ = write!(
            html,
            "<code class=\"language-{}\">",
            escape_html(&code.lang)
        );
    }
    html.push_str(&highlighted.html);
    html.push_str("</code></pre></div>\n");
    html
}

/// The HTML of a diagram the site drew, or that the browser will draw.
pub(super) fn diagram(code: &OpenCode<'_>, drawing: &Drawing) -> String {
    let mut html = String::new();
    match drawing {
        Drawing::Svg(svg) => {
            html.push_str("<figure");
            wrapper_attrs(&mut html, "diagram", code.attrs);
            html.push('>');
            html.push_str(svg);
            html.push_str("</figure>\n");
        }
        Drawing::Browser(_) => {
            // The source stays readable (and is what mermaid.js reads) until it is drawn.
            html.push_str("<div");
            wrapper_attrs(&mut html, "diagram diagram-source", code.attrs);
            html.push_str("><pre class=\"mermaid\"><code class=\"language-mermaid\">");
            escape_html_into(&mut html, &code.text);
            html.push_str("</code></pre></div>\n");
        }
    }
    html
}

/// The error for a diagram that does not parse, at the line (and column) the parser names,
/// found through `span` (expanded-text offsets to the file).
pub(super) fn diagram_error(
    code: &OpenCode<'_>,
    fence_at: usize,
    e: &DiagramError,
    span: &dyn Fn(usize, usize) -> Span,
) -> Diagnostic {
    let at = e
        .line
        .and_then(|l| code.offset_of(l, e.column.unwrap_or(1)))
        .unwrap_or(fence_at);
    let line_end = code
        .offset_of(e.line.unwrap_or(1), usize::MAX)
        .filter(|end| *end >= at && e.line.is_some() && e.column.is_none());
    let mut d = Diagnostic::error(
        span(at, line_end.unwrap_or(at)),
        format!("diagram does not parse: {}", e.message),
    )
    .with_label("in this diagram");
    if let Some(h) = &e.hint {
        d = d.with_hint(h.clone());
    }
    d
}

/// The attributes of a block's wrapper: its own class, then the attribute list's.
fn wrapper_attrs(html: &mut String, class: &str, attrs: Option<&Attrs>) {
    html.push_str(&attr_string(
        attrs.unwrap_or(&Attrs::default()),
        Some(class),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::DirectHighlighter;

    fn open(text: &str, starts: Vec<(usize, usize)>) -> OpenCode<'static> {
        OpenCode {
            lang: "mermaid".into(),
            attrs: None,
            text: text.into(),
            starts,
        }
    }

    #[test]
    fn lines_and_columns_map_through_the_pieces() {
        // Two pieces, as in a list item: each line comes from its own place.
        let code = open("flowchart LR\n  A --> B\n", vec![(0, 100), (13, 200)]);
        assert_eq!(code.offset_of(1, 1), Some(100));
        assert_eq!(code.offset_of(2, 3), Some(202));
        assert_eq!(code.offset_of(2, 99), Some(209));
        assert_eq!(code.offset_of(9, 1), None);
    }

    #[test]
    fn a_block_carries_its_attribute_list_and_language() {
        let attrs = Attrs {
            id: Some("x".into()),
            classes: vec!["no-copy-code".into()],
            pairs: Vec::new(),
        };
        let code = OpenCode {
            lang: "sh".into(),
            attrs: Some(&attrs),
            text: "echo <hi>\n".into(),
            starts: vec![(0, 0)],
        };
        let html = code_block(&code, &DirectHighlighter);
        assert!(html.starts_with("<div id=\"x\" class=\"code-block no-copy-code\" data-lang=\"bash\"><pre><code class=\"language-sh\">"), "{html}");
        assert!(html.contains("&lt;</span>hi"), "{html}");
    }
}

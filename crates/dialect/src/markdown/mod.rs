//! Markdown after Liquid: pulldown-cmark events with Kong's transforms applied, never
//! regexes over HTML.
//!
//! - [`render_body`]: a page's expanded body, with heading ids and anchor links, kramdown
//!   attribute lists on the following block (callouts), links with source spans, raw HTML
//!   checked where it is written (its comments dropped), plain-text blocks for the
//!   calculator, and the page's text by section for search.
//! - [`render_inline_in`] / [`render_fragment_in`]: a table cell, an FAQ question or answer,
//!   whose problems the caller reports where the text is written ([`Inline::report`]).
//! - `guards`: the limits checked on the text before pulldown-cmark reads it.
//! - `render`: the event transforms, one method per kind of event.

mod code;
mod guards;
mod render;

use std::cell::Cell;

use crate::diag::{push_limited, Diagnostic, Span};
use crate::expanded::Expanded;
use crate::host::Diagrams;
use crate::host::Highlighter;
use crate::host::LinkRewriter;
use crate::limits::{MAX_BLOCK_NESTING, MAX_TABLE_CELLS_PER_PAGE};
use crate::model::{Heading, Link, SectionText, TextBlock};

pub(crate) use render::collapse;
use render::Renderer;

/// A page's body, rendered.
pub(crate) struct Body {
    pub(crate) html: String,
    pub(crate) headings: Vec<Heading>,
    pub(crate) links: Vec<Link>,
    pub(crate) blocks: Vec<TextBlock>,
    /// The body's text by section (the intro, then each h2/h3); FAQs are added by the page.
    pub(crate) sections: Vec<SectionText>,
    /// The ids the body defines, other than its headings'.
    pub(crate) anchors: Vec<String>,
    /// A diagram is left for the browser to draw.
    pub(crate) browser_diagrams: bool,
}

/// Inline (or fragment) markdown rendered on its own, not from a file: its links and
/// problems have no spans, and the caller places them where the text is written.
#[derive(Debug)]
pub(crate) struct Inline {
    /// HTML.
    pub(crate) html: String,
    /// Plain text.
    pub(crate) text: String,
    /// Links, with spans that the caller must set.
    pub(crate) links: Vec<Link>,
    /// The ids it defines (attribute lists, footnotes, raw HTML).
    pub(crate) anchors: Vec<String>,
    /// URLs refused as unsafe, as written.
    pub(crate) unsafe_urls: Vec<String>,
    /// Raw HTML refused as able to run script: (the text as written, what it is).
    pub(crate) unsafe_html: Vec<(String, String)>,
    /// Set when the markdown exceeds a limit and was not rendered (or not all of it).
    pub(crate) over_limit: Option<Refusal>,
}

impl Inline {
    /// Reports this text's problems, each where `at` finds what it names written: unsafe
    /// URLs, then unsafe raw HTML, then an exceeded limit (at `over_limit_at`).
    pub(crate) fn report(
        &self,
        at: &mut dyn FnMut(&str) -> Span,
        over_limit_at: &str,
        diags: &mut Vec<Diagnostic>,
    ) {
        Inline::report_all(&[(self, over_limit_at)], at, diags);
    }

    /// [`Inline::report`] for several texts written together (an FAQ's question and
    /// answer): all unsafe URLs first, then all unsafe HTML, then the limits, so that `at`
    /// looks for them in that order.
    pub(crate) fn report_all(
        texts: &[(&Inline, &str)],
        at: &mut dyn FnMut(&str) -> Span,
        diags: &mut Vec<Diagnostic>,
    ) {
        for bad in texts.iter().flat_map(|(t, _)| &t.unsafe_urls) {
            push_limited(diags, unsafe_url_error(at(bad), bad));
        }
        for (written, what) in texts.iter().flat_map(|(t, _)| &t.unsafe_html) {
            push_limited(diags, unsafe_html_error(at(written), what));
        }
        for (t, over_limit_at) in texts {
            if let Some(why) = t.over_limit {
                push_limited(diags, why.error(at(over_limit_at)));
            }
        }
    }
}

/// Why markdown was not rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Lists and block quotes nest deeper than [`MAX_BLOCK_NESTING`].
    TooDeep,
    /// Pipe tables would make more cells than the page has left (see
    /// [`MAX_TABLE_CELLS_PER_PAGE`]).
    TooManyCells,
}

impl Refusal {
    /// The error to report at `span`.
    pub(crate) fn error(self, span: Span) -> Diagnostic {
        match self {
            Refusal::TooDeep => Diagnostic::error(span, format!("lists and block quotes nest more than {MAX_BLOCK_NESTING} levels deep"))
                .with_label("one level too deep")
                .with_hint("flatten the list; a line starting with `- - -` or `> > >` nests once per marker"),
            Refusal::TooManyCells => Diagnostic::error(span, format!("too many table cells: a page may have {MAX_TABLE_CELLS_PER_PAGE} in all (rows × columns)"))
                .with_label("this table")
                .with_hint("split the page; note that every row of a pipe table gets a cell for every column, written or not"),
        }
    }
}

/// The error for raw HTML that can run script.
pub(crate) fn unsafe_html_error(span: Span, what: &str) -> Diagnostic {
    Diagnostic::error(span, format!("raw HTML that can run script: {what}"))
        .with_label("not allowed in content")
        .with_hint("raw HTML may format (`<br>`, `<span>`, `<details>`, `<img>`), not run script: no `<script>` or `<iframe>`, no `on...` attributes, no `javascript:` URLs")
}

/// The error for a URL refused as unsafe.
pub(crate) fn unsafe_url_error(span: Span, url: &str) -> Diagnostic {
    let shown: String = url.chars().take(40).collect();
    Diagnostic::error(span, format!("unsafe link target `{shown}`"))
        .with_label("this URL scheme can run script")
        .with_hint("link to an http(s) URL or a page of the site; `javascript:`, `vbscript:` and `data:` links are refused")
}

/// Renders the expanded body of a page; its pipe tables take their cells from `cells`.
pub(crate) fn render_body(
    ex: &Expanded,
    links: &dyn LinkRewriter,
    diagrams: &dyn Diagrams,
    highlighter: &dyn Highlighter,
    cells: &Cell<usize>,
    diags: &mut Vec<Diagnostic>,
) -> Body {
    let mut r = Renderer::new(&ex.text, links, cells);
    r.page(
        &ex.map,
        &ex.ials,
        &ex.gathered.table_texts,
        &ex.gathered.reserved_ids,
        diagrams,
        highlighter,
    );
    let html = r.run(diags);
    r.into_body(html)
}

/// Renders inline markdown (a table cell, an FAQ question): one paragraph's worth, without
/// the `<p>` around it; its pipe tables take their cells from `cells`.
pub(crate) fn render_inline_in(s: &str, links: &dyn LinkRewriter, cells: &Cell<usize>) -> Inline {
    let mut r = Renderer::new(s, links, cells);
    r.strip_paragraph = true;
    let mut diags = Vec::new();
    let html = r.run(&mut diags);
    r.into_inline(html)
}

/// Renders a block-level fragment (an FAQ answer) without heading anchors; its pipe tables
/// take their cells from `cells`.
pub(crate) fn render_fragment_in(s: &str, links: &dyn LinkRewriter, cells: &Cell<usize>) -> Inline {
    let mut r = Renderer::new(s, links, cells);
    let mut diags = Vec::new();
    let html = r.run(&mut diags);
    r.into_inline(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(s: &str) -> Inline {
        render_inline_in(
            s,
            &crate::host::KeepLinks,
            &Cell::new(MAX_TABLE_CELLS_PER_PAGE),
        )
    }

    fn fragment(s: &str) -> Inline {
        render_fragment_in(
            s,
            &crate::host::KeepLinks,
            &Cell::new(MAX_TABLE_CELLS_PER_PAGE),
        )
    }

    #[test]
    fn inline_cells_render_without_paragraph() {
        let r = inline("TCP<br>HTTPS");
        assert_eq!(r.html, "TCP<br>HTTPS");
        assert_eq!(r.text, "TCP\nHTTPS");
        let r = inline("`443`");
        assert_eq!(r.html, "<code>443</code>");
        assert_eq!(r.text, "443");
    }

    #[test]
    fn unsafe_links_are_refused() {
        let r = inline("[x](javascript:alert(1))");
        assert_eq!(r.unsafe_urls, ["javascript:alert(1)"]);
        assert!(!r.html.contains("javascript"), "{}", r.html);
    }

    #[test]
    fn comments_are_not_published() {
        let r = fragment("A <!-- note --> b.\n\n<!-- a block\ncomment <script>x</script> -->\n\n<div>\n<!-- in a block --> kept\n</div>\n\n<a title=\"<!-- not a comment -->\">t</a>");
        assert!(r.unsafe_html.is_empty(), "{:?}", r.unsafe_html);
        assert!(
            !r.html.contains("note")
                && !r.html.contains("block\ncomment")
                && !r.html.contains("in a block")
                && !r.html.contains("script"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<p>A  b.</p>")
                && r.html.contains("kept")
                && r.html.contains("title=\"<!-- not a comment -->\""),
            "{}",
            r.html
        );
    }

    #[test]
    fn refused_raw_html_is_written_as_text() {
        let r = inline("a <img src=x onerror=alert(1)> <br> b");
        assert_eq!(r.unsafe_html.len(), 1, "{:?}", r.unsafe_html);
        assert!(
            r.html.contains("&lt;img src=x onerror=alert(1)&gt;") && r.html.contains("<br>"),
            "{}",
            r.html
        );
        let r = fragment("<div>\n<script>alert(1)</script>\n</div>\n\ntext");
        assert!(
            !r.html.contains("<script") && r.html.contains("&lt;script&gt;"),
            "{}",
            r.html
        );
        let r = fragment("# Title {onclick=alert(1) .c}");
        assert!(
            !r.html.contains("onclick") && r.unsafe_html.len() == 1,
            "{}",
            r.html
        );
    }

    #[test]
    fn anchors_of_raw_html_attribute_lists_and_footnotes() {
        // Attribute lists are read by the Liquid pass, which fragments do not go through.
        let r = fragment("{:#callout}\n> note");
        assert!(r.anchors.is_empty(), "{:?}", r.anchors);
        let r = fragment(
            "<div id=\"raw\">x</div>\n\nText[^n] <span id='inline'>y</span>.\n\n[^n]: A note.",
        );
        assert_eq!(r.anchors, ["raw", "inline", "n"]);
    }
}

//! HTML read as a browser reads it: what could run script, where comments are, what ids
//! and text it holds.

use std::ops::Range;

use crate::scan::{scan, Findings, Visitor};
use crate::{decode_references, Finding};

/// Raw HTML that could run script in a reader's browser: a refused element (`<script>`,
/// `<iframe>`, raw-text elements such as `<style>` or `<title>`...), an event handler
/// attribute (`on...`), or an unsafe URL ([`crate::is_unsafe_url`], character references
/// decoded) in a URL attribute. Tags are found the way browsers find them (`<` and a
/// letter; attributes up to blanks, `/`, `>` or `=`; values quoted or not), so what a
/// browser would read as a tag is never missed.
pub fn unsafe_html(html: &str) -> Vec<Finding> {
    scan(html, false, &mut Findings).found
}

/// True when `html` ends in text: not inside a tag, a comment or a bogus comment. What
/// follows it is then read as markup of its own (the site checks this before it puts the
/// calculator's widget after it).
pub fn ends_in_text(html: &str) -> bool {
    !scan(html, false, &mut Findings).open
}

/// The byte ranges of HTML comments in `html`, ended where a browser ends them (an
/// unterminated one runs to the end).
pub fn comment_ranges(html: &str) -> Vec<Range<usize>> {
    struct Comments(Vec<Range<usize>>);
    impl Visitor for Comments {
        fn comment(&mut self, range: Range<usize>) {
            self.0.push(range);
        }
    }
    let mut comments = Comments(Vec::new());
    scan(html, false, &mut comments);
    comments.0
}

/// `html` without its comments (see [`comment_ranges`]), or `None` when it has none. A
/// block that held only comments (and blanks) becomes empty.
pub fn without_comments(html: &str) -> Option<String> {
    let ranges = comment_ranges(html);
    if ranges.is_empty() {
        return None;
    }
    let mut kept = String::with_capacity(html.len());
    let mut at = 0;
    for r in ranges {
        kept.push_str(&html[at..r.start]);
        at = r.end;
    }
    kept.push_str(&html[at..]);
    // A block that held only a comment leaves no blank line behind.
    if kept.trim().is_empty() {
        kept.clear();
    }
    Some(kept)
}

/// The values of the `id` attributes of the tags in `html` (character references decoded),
/// in order: the anchors that raw HTML defines.
pub fn ids(html: &str) -> Vec<String> {
    struct Ids(Vec<String>);
    impl Visitor for Ids {
        fn attribute(&mut self, _element: &str, attr: &str, value: Option<&str>) {
            if let (Some(v), "id") = (value, attr) {
                self.0.push(decode_references(v).into_owned());
            }
        }
    }
    if !html.contains("id") {
        return Vec::new();
    }
    let mut ids = Ids(Vec::new());
    scan(html, false, &mut ids);
    ids.0
}

/// Elements that hold blocks of their own: a heading inside one (a tab's, a list item's)
/// is not one of the document's own.
const CONTAINER_ELEMENTS: [&str; 16] = [
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "figure",
    "footer",
    "header",
    "li",
    "nav",
    "ol",
    "section",
    "svg",
    "table",
    "ul",
];

/// The byte ranges of the `<NAME ...>...</NAME>` elements of `html` that no container
/// element holds (a body's own `h2`s, not those in a tab or a list), in order.
pub fn top_level_elements(html: &str, name: &str) -> Vec<Range<usize>> {
    struct TopLevel<'h> {
        html: &'h str,
        name: &'h str,
        depth: usize,
        open: Option<usize>,
        found: Vec<Range<usize>>,
    }
    impl Visitor for TopLevel<'_> {
        fn tag(&mut self, name: &str, closing: bool, at: usize) {
            if CONTAINER_ELEMENTS.contains(&name) {
                self.depth = if closing {
                    self.depth.saturating_sub(1)
                } else {
                    self.depth + 1
                };
            } else if name == self.name && self.depth == 0 {
                match (closing, self.open) {
                    (false, None) => self.open = Some(at),
                    (true, Some(start)) => {
                        let end = self.html[at..]
                            .find('>')
                            .map_or(self.html.len(), |e| at + e + 1);
                        self.found.push(start..end);
                        self.open = None;
                    }
                    _ => {}
                }
            }
        }
    }
    let mut top = TopLevel {
        html,
        name,
        depth: 0,
        open: None,
        found: Vec::new(),
    };
    scan(html, false, &mut top);
    top.found
}

/// Elements that do not separate words: text on both sides of them runs together.
const INLINE_ELEMENTS: [&str; 16] = [
    "a", "abbr", "b", "code", "del", "em", "i", "kbd", "mark", "s", "samp", "small", "span",
    "strong", "sub", "sup",
];

/// The plain text of an HTML fragment, for search: tags dropped (other than
/// [`INLINE_ELEMENTS`], each counts as a space), `<script>` and `<style>` content left out,
/// character references decoded, whitespace collapsed to single spaces.
pub fn text(html: &str) -> String {
    struct Text<'h> {
        html: &'h str,
        out: String,
        /// Inside `<script>` or `<style>`: its name.
        skipping: Option<String>,
    }
    impl Visitor for Text<'_> {
        fn text(&mut self, range: Range<usize>) {
            if self.skipping.is_none() {
                self.out.push_str(&decode_references(&self.html[range]));
            }
        }
        fn tag(&mut self, name: &str, closing: bool, _at: usize) {
            match &self.skipping {
                Some(open) if closing && open == name => self.skipping = None,
                Some(_) => {}
                None if !closing && matches!(name, "script" | "style") => {
                    self.skipping = Some(name.to_string())
                }
                None if !INLINE_ELEMENTS.contains(&name) => self.out.push(' '),
                None => {}
            }
        }
    }
    let mut t = Text {
        html,
        out: String::with_capacity(html.len()),
        skipping: None,
    };
    scan(html, false, &mut t);
    let mut collapsed = String::with_capacity(t.out.len());
    for word in t.out.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    collapsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{CODE_ELEMENTS, DENIED_ELEMENTS};

    #[test]
    fn top_level_headings_are_found_not_those_in_containers() {
        let html = "<p>intro</p><h2 id=\"a\" title=\"1>0\">A <code>x</code></h2><p>one</p>\
            <div class=\"tabs\"><h2>in a tab</h2></div><ul><li><h2>in a list</h2></li></ul>\
            <!-- <h2>commented</h2> --><h2>B</h2><p>two</p>";
        let found: Vec<&str> = top_level_elements(html, "h2")
            .into_iter()
            .map(|r| &html[r])
            .collect();
        assert_eq!(
            found,
            [
                "<h2 id=\"a\" title=\"1>0\">A <code>x</code></h2>",
                "<h2>B</h2>"
            ]
        );
        assert!(top_level_elements("<h2>never closed", "h2").is_empty());
    }

    fn whats(h: &str) -> Vec<String> {
        unsafe_html(h).into_iter().map(|f| f.what).collect()
    }

    #[test]
    fn raw_html_that_runs_script_is_found() {
        assert!(DENIED_ELEMENTS.starts_with(CODE_ELEMENTS));
        for ok in [
            "<br>",
            "<br/>",
            "<span class=\"x\">a</span>",
            "<img src=\"/a.png\" alt=\"on\">",
            "<a href=\"/x/\">x</a>",
            "<details><summary>S</summary>x</details>",
            "<!-- <script> -->",
            "a < b > c",
            "<img src=\"data:image/png;base64,AA\">",
            "<a title='javascript:x' href=\"#on\">",
            "<p data-onx=1>",
            "<b on>",
            "<othernamespace before running it on Universal>",
            "</script>",
            "<!DOCTYPE html>",
            "<?xml version=\"1.0\"?>",
            "</>",
            "a </ b",
            "x <",
            "<div\n  class=\"x\">",
        ] {
            assert!(whats(ok).is_empty(), "{ok}: {:?}", whats(ok));
        }
        for (bad, what) in [
            ("<script>alert(1)</script>", "a `<script>` element"),
            ("<ScRiPt src=//x>", "a `<script>` element"),
            (
                "<img src=x onerror=alert(1)>",
                "an `onerror` event handler attribute",
            ),
            (
                "<img/onerror=alert(1) src=x>",
                "an `onerror` event handler attribute",
            ),
            (
                "<svg><a xlink:href=\"javascript:alert(1)\">",
                "a `javascript:` URL in `xlink:href`",
            ),
            (
                "<a href=\" JaVaScRiPt:alert(1)\">",
                "a `javascript:` URL in `href`",
            ),
            (
                "<a href=\"jav&#x09;ascript&colon;alert(1)\">",
                "a `javascript:` URL in `href`",
            ),
            (
                "<a href=&#106;&#97;vascript:x>",
                "a `javascript:` URL in `href`",
            ),
            // Leading zeros count for nothing, however many.
            (
                "<a href=\"&#0000000106;avascript:alert(1)\">",
                "a `javascript:` URL in `href`",
            ),
            (
                "<a href=\"&#x000000000000006A;avascript:alert(1)\">",
                "a `javascript:` URL in `href`",
            ),
            (
                "<a href=\"javascript&#00000000000000000000000000000000000058;x\">",
                "a `javascript:` URL in `href`",
            ),
            ("<a href='data:text/html,<b>'>", "a `data:` URL in `href`"),
            (
                "<form action=\"vbscript:x\">",
                "a `vbscript:` URL in `action`",
            ),
            ("<iframe srcdoc=\"x\">", "a `<iframe>` element"),
            ("<b onx>", "an `onx` event handler attribute"),
            (
                "<div\nonclick=\"x\">",
                "an `onclick` event handler attribute",
            ),
            (
                "<a title=\"x>\" onmouseover=x>",
                "an `onmouseover` event handler attribute",
            ),
            (
                "<!--><img src=x onerror=alert(1)>-->",
                "an `onerror` event handler attribute",
            ),
            (
                "<!---><img src=x onerror=alert(1)>-->",
                "an `onerror` event handler attribute",
            ),
            (
                "<!-- x --!><img src=x onerror=alert(1)>-->",
                "an `onerror` event handler attribute",
            ),
            (
                "<svg><a><animate attributeName=href values=\"/x;javascript:alert(1)\"/>",
                "a `javascript:` URL in `values`",
            ),
            // What a browser reads as a comment or as text ends where the browser ends it.
            (
                "<?x <img title=\"?><img src=x onerror=alert(1)>\">",
                "an `onerror` event handler attribute",
            ),
            (
                "<!x <img title=\"><img src=x onerror=alert(1)>\">",
                "an `onerror` event handler attribute",
            ),
            (
                "</3 <img title=\"><img src=x onerror=alert(1)>\">",
                "an `onerror` event handler attribute",
            ),
            (
                "<svg><![CDATA[<img title=\"]]><img src=x onerror=alert(1)>\">]]></svg>",
                "a `<![CDATA[` section",
            ),
            (
                "<title><img title=\"</title><img src=x onerror=alert(1)>\">",
                "a `<title>` element",
            ),
            (
                "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
                "a `<noscript>` element",
            ),
            (
                "<style><img title=\"</style><img src=x onerror=alert(1)>\">",
                "a `<style>` element",
            ),
            (
                "<details open title=\"",
                "a `<details` tag that is never closed with `>`",
            ),
            (
                "<div\n  class=\"x\"",
                "a `<div` tag that is never closed with `>`",
            ),
        ] {
            assert!(
                whats(bad).iter().any(|w| w == what),
                "{bad}: {:?}",
                whats(bad)
            );
        }
    }

    #[test]
    fn where_html_ends() {
        for text in [
            "",
            "<p>a</p>",
            "<img title='<x'>",
            "a < b",
            "<!-- c -->",
            "<? x >",
            "</3 x>",
            "<br/>",
        ] {
            assert!(ends_in_text(text), "{text:?}");
        }
        for open in [
            "<img title='",
            "<img title=",
            "<img",
            "<!-- c",
            "<!x",
            "<?x",
            "</3",
            "<div\n  class=\"a\"\n",
        ] {
            assert!(!ends_in_text(open), "{open:?}");
        }
    }

    #[test]
    fn comments_end_where_a_browser_ends_them() {
        assert_eq!(
            without_comments("x <!--> y <!-- a --!> z"),
            Some("x  y  z".to_string())
        );
        assert_eq!(without_comments("<!-- open"), Some(String::new()));
        assert_eq!(without_comments("<b>no comment</b>"), None);
        assert_eq!(comment_ranges("a<!--b-->c<!---->"), [1..9, 10..17]);
    }

    #[test]
    fn ids_are_attribute_values() {
        assert_eq!(ids("<h2 id=\"a\">x</h2><div ID=b><span id='c&amp;d'></span><!-- <p id=\"no\"> --><p data-id=\"no\">"), ["a", "b", "c&d"]);
        assert!(ids("<p>no ids here</p>").is_empty());
    }

    #[test]
    fn text_drops_tags_and_decodes() {
        assert_eq!(text("<table><tr><th>Port</th><td><code>443</code>s &amp; <b>more</b><br>x</td></tr></table>"), "Port 443s & more x");
        assert_eq!(
            text("<p>a</p><p>b</p><script>no</script><style>no</style>c"),
            "a b c"
        );
        assert_eq!(
            text("<span class=\"cell-icon\">✓</span><span class=\"sr-only\">Supported</span>"),
            "✓Supported"
        );
    }
}

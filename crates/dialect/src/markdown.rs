//! Markdown after Liquid: pulldown-cmark events with Kong's transforms applied.
//!
//! Transforms on the event stream (never regexes over HTML): heading ids and anchor links,
//! kramdown attribute lists on the following block (callouts), link collection with source
//! spans, unsafe URL schemes refused, and plain-text blocks for search and the calculator.

use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diag::{Diagnostic, Span};
use crate::liquid::{Attrs, Expanded, SourceMap};
use crate::slug::{slugify, UniqueIds};
use crate::LinkRewriter;

/// A heading of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// Where a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkOrigin {
    /// Markdown body.
    Body,
    /// An image source in the body.
    Image,
    /// A `{% table %}` cell.
    Table,
    /// An FAQ answer.
    Faq,
    /// `related_resources:` in the frontmatter.
    RelatedResource,
}

/// A link found in the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The target as written.
    pub url: String,
    /// The link text.
    pub text: String,
    /// Where it is written.
    #[serde(skip)]
    pub span: Span,
    /// What kind of place it is in.
    pub origin: LinkOrigin,
}

/// What kind of text block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading.
    Heading,
    /// A paragraph.
    Paragraph,
    /// A list item (its nested content included).
    ListItem,
}

/// Plain text of one block of the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextBlock {
    /// Heading, paragraph or list item.
    pub kind: BlockKind,
    /// The text, inline code reduced to its content.
    pub text: String,
    /// The inline code spans in the block, in order.
    pub code_spans: Vec<String>,
}

pub(crate) struct Body {
    pub(crate) html: String,
    pub(crate) headings: Vec<Heading>,
    pub(crate) links: Vec<Link>,
    pub(crate) blocks: Vec<TextBlock>,
}

/// Inline (or fragment) markdown rendered on its own.
pub struct Inline {
    /// HTML.
    pub html: String,
    /// Plain text.
    pub text: String,
    /// Links, with spans that the caller must set (they are not from a file).
    pub links: Vec<Link>,
    /// URLs refused as unsafe (the caller reports them where they are written).
    pub rejected: Vec<String>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Escapes text for HTML content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// True for URLs that must never reach a reader's browser: `javascript:`, `vbscript:`,
/// and `data:` (except images in image sources).
pub fn is_unsafe_url(url: &str, image: bool) -> bool {
    let cleaned: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase();
    let Some(colon) = cleaned.find(':') else { return false };
    if cleaned[..colon].contains(['/', '?', '#']) {
        return false;
    }
    match &cleaned[..colon] {
        "javascript" | "vbscript" => true,
        "data" => !(image && cleaned.starts_with("data:image/") && !cleaned.starts_with("data:image/svg")),
        _ => false,
    }
}

/// The error for a URL refused as unsafe.
pub fn unsafe_url_error(span: Span, url: &str) -> Diagnostic {
    let shown: String = url.chars().take(40).collect();
    Diagnostic::error(span, format!("unsafe link target `{shown}`"))
        .with_label("this URL scheme can run script")
        .with_hint("link to an http(s) URL or a page of the site; `javascript:`, `vbscript:` and `data:` links are refused")
}

/// Renders the expanded body of a page.
pub(crate) fn render_body(ex: &Expanded, links: &dyn LinkRewriter, diags: &mut Vec<Diagnostic>) -> Body {
    let mut r = Renderer::new(&ex.text, Some(&ex.map), true, links);
    r.ials = ex.ials.iter().collect();
    let html = r.run(diags);
    Body { html, headings: r.headings, links: r.links, blocks: r.blocks }
}

/// Renders inline markdown (a table cell, an FAQ question): one paragraph's worth, without
/// the `<p>` around it.
pub fn render_inline(s: &str, links: &dyn LinkRewriter) -> Inline {
    let mut r = Renderer::new(s, None, false, links);
    r.strip_paragraph = true;
    let mut diags = Vec::new();
    let html = r.run(&mut diags);
    r.into_inline(html)
}

/// Renders a block-level fragment (an FAQ answer) without heading anchors.
pub fn render_fragment(s: &str, links: &dyn LinkRewriter) -> Inline {
    let mut r = Renderer::new(s, None, false, links);
    let mut diags = Vec::new();
    let html = r.run(&mut diags);
    r.into_inline(html)
}

struct Renderer<'a> {
    text: &'a str,
    rewriter: &'a dyn LinkRewriter,
    map: Option<&'a SourceMap>,
    anchors: bool,
    strip_paragraph: bool,
    ials: Vec<&'a crate::liquid::PendingIal>,
    headings: Vec<Heading>,
    links: Vec<Link>,
    rejected: Vec<String>,
    blocks: Vec<TextBlock>,
    plain: String,
}

impl<'a> Renderer<'a> {
    fn new(text: &'a str, map: Option<&'a SourceMap>, anchors: bool, rewriter: &'a dyn LinkRewriter) -> Self {
        Renderer {
            text,
            rewriter,
            map,
            anchors,
            strip_paragraph: false,
            ials: Vec::new(),
            headings: Vec::new(),
            links: Vec::new(),
            rejected: Vec::new(),
            blocks: Vec::new(),
            plain: String::new(),
        }
    }

    fn into_inline(self, html: String) -> Inline {
        Inline { html, text: self.plain.trim().to_string(), links: self.links, rejected: self.rejected }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        self.map.and_then(|m| m.locate_range(start, end)).unwrap_or(Span::new(0, start, end))
    }

    fn run(&mut self, diags: &mut Vec<Diagnostic>) -> String {
        let text = self.text;
        let mut out: Vec<Event<'a>> = Vec::with_capacity(text.len() / 8);
        let mut ids = UniqueIds::default();
        for id in crate::RESERVED_IDS {
            ids.reserve(id);
        }
        let mut heading: Option<(Vec<Event<'a>>, String, Tag<'a>)> = None;
        let mut open_blocks: Vec<usize> = Vec::new();
        let mut link: Option<usize> = None;
        let mut depth = 0usize;
        let mut close_div_at: Vec<usize> = Vec::new();
        let mut next_ial = 0usize;
        let mut top_paragraphs = 0usize;

        for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
            // Attribute lists apply to the block that starts on the very next line.
            let mut attrs: Option<&Attrs> = None;
            if let Event::Start(tag) = &event {
                if is_block(tag) {
                    while let Some(ial) = self.ials.get(next_ial) {
                        if ial.offset > range.start {
                            break;
                        }
                        next_ial += 1;
                        if text[ial.offset.min(range.start)..range.start].contains('\n') {
                            diags.push(not_followed(ial.span));
                        } else {
                            attrs = Some(&ial.attrs);
                        }
                    }
                }
            }

            match &event {
                Event::Text(t) => self.push_text(t, &open_blocks, heading.as_mut().map(|h| &mut h.1), link),
                Event::Code(t) => {
                    self.push_text(t, &open_blocks, heading.as_mut().map(|h| &mut h.1), link);
                    for &b in &open_blocks {
                        self.blocks[b].code_spans.push(t.to_string());
                    }
                }
                Event::SoftBreak => self.push_text(" ", &open_blocks, heading.as_mut().map(|h| &mut h.1), link),
                Event::HardBreak => self.push_text("\n", &open_blocks, heading.as_mut().map(|h| &mut h.1), link),
                Event::InlineHtml(h) if is_br(h) => self.push_text("\n", &open_blocks, heading.as_mut().map(|h| &mut h.1), link),
                _ => {}
            }

            let event = match event {
                Event::Start(Tag::Paragraph) => {
                    open_blocks.push(self.open_block(BlockKind::Paragraph));
                    if depth == 0 {
                        top_paragraphs += 1;
                    }
                    match attrs {
                        Some(a) => Event::Html(format!("<p{}>", attr_string(a, None)).into()),
                        None => Event::Start(Tag::Paragraph),
                    }
                }
                Event::Start(Tag::Item) => {
                    open_blocks.push(self.open_block(BlockKind::ListItem));
                    Event::Start(Tag::Item)
                }
                Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => {
                    if let Some(b) = open_blocks.pop() {
                        let t = self.blocks[b].text.trim().to_string();
                        self.blocks[b].text = t;
                    }
                    event
                }
                Event::Start(Tag::Heading { level, id, mut classes, attrs: mut hattrs }) => {
                    let mut id = id;
                    if let Some(a) = attrs {
                        if let Some(i) = &a.id {
                            id = Some(i.clone().into());
                        }
                        classes.extend(a.classes.iter().map(|c| CowStr::from(c.clone())));
                        hattrs.extend(a.pairs.iter().map(|(k, v)| (CowStr::from(k.clone()), Some(CowStr::from(v.clone())))));
                    }
                    open_blocks.push(self.open_block(BlockKind::Heading));
                    heading = Some((Vec::new(), String::new(), Tag::Heading { level, id, classes, attrs: hattrs }));
                    depth += 1;
                    continue;
                }
                Event::End(TagEnd::Heading(level)) => {
                    depth -= 1;
                    if let Some(b) = open_blocks.pop() {
                        let t = self.blocks[b].text.trim().to_string();
                        self.blocks[b].text = t;
                    }
                    let Some((inner, plain, Tag::Heading { id, classes, attrs, .. })) = heading.take() else { continue };
                    let plain = plain.trim().to_string();
                    let id = match id {
                        Some(id) => ids.unique(&id),
                        None => ids.unique(&slugify(&plain)),
                    };
                    self.headings.push(Heading { level: level as u8, id: id.clone(), text: plain });
                    out.push(Event::Start(Tag::Heading { level, id: Some(id.clone().into()), classes, attrs }));
                    out.extend(inner);
                    if self.anchors {
                        out.push(Event::Html(
                            format!("<a class=\"anchor\" href=\"#{0}\"><span class=\"sr-only\">Link to this section</span><span aria-hidden=\"true\">#</span></a>", escape_html(&id)).into(),
                        ));
                    }
                    out.push(Event::End(TagEnd::Heading(level)));
                    continue;
                }
                Event::Start(Tag::BlockQuote(kind)) if attrs.is_some() => {
                    let extra = kind.map(|k| format!("markdown-alert-{}", alert_name(k)));
                    Event::Html(format!("<blockquote{}>\n", attr_string(attrs.unwrap_or(&Attrs::default()), extra.as_deref())).into())
                }
                Event::Start(Tag::List(start)) if attrs.is_some() => {
                    let a = attr_string(attrs.unwrap_or(&Attrs::default()), None);
                    Event::Html(match start {
                        None => format!("<ul{a}>\n"),
                        Some(1) => format!("<ol{a}>\n"),
                        Some(n) => format!("<ol start=\"{n}\"{a}>\n"),
                    }
                    .into())
                }
                Event::Start(tag) if attrs.is_some() => {
                    out.push(Event::Html(format!("<div{}>\n", attr_string(attrs.unwrap_or(&Attrs::default()), None)).into()));
                    close_div_at.push(depth);
                    Event::Start(tag)
                }
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    let dest_url = self.check_url(dest_url, false, range.start, range.end, diags);
                    self.links.push(Link { url: dest_url.to_string(), text: String::new(), span: self.span(range.start, range.end), origin: LinkOrigin::Body });
                    link = Some(self.links.len() - 1);
                    let dest_url = self.rewriter.rewrite(&dest_url).map_or(dest_url, CowStr::from);
                    Event::Start(Tag::Link { link_type, dest_url, title, id })
                }
                Event::End(TagEnd::Link) => {
                    if let Some(l) = link.take() {
                        let t = self.links[l].text.trim().to_string();
                        self.links[l].text = t;
                    }
                    event
                }
                Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                    let dest_url = self.check_url(dest_url, true, range.start, range.end, diags);
                    self.links.push(Link { url: dest_url.to_string(), text: String::new(), span: self.span(range.start, range.end), origin: LinkOrigin::Image });
                    let dest_url = self.rewriter.rewrite(&dest_url).map_or(dest_url, CowStr::from);
                    Event::Start(Tag::Image { link_type, dest_url, title, id })
                }
                other => other,
            };

            let is_end = matches!(event, Event::End(_));
            if matches!(event, Event::Start(_)) || matches!(&event, Event::Html(h) if h.starts_with('<') && !h.starts_with("</") && attrs.is_some()) {
                depth += 1;
            }
            if is_end {
                depth = depth.saturating_sub(1);
            }
            match &mut heading {
                Some((buf, _, _)) => buf.push(event),
                None => out.push(event),
            }
            if is_end && close_div_at.last() == Some(&depth) {
                close_div_at.pop();
                out.push(Event::Html("</div>\n".into()));
            }
        }
        for ial in &self.ials[next_ial.min(self.ials.len())..] {
            diags.push(not_followed(ial.span));
        }

        if self.strip_paragraph && top_paragraphs == 1 {
            if let (Some(Event::Start(Tag::Paragraph)), Some(Event::End(TagEnd::Paragraph))) = (out.first(), out.last()) {
                out.remove(0);
                out.pop();
            }
        }
        let mut html = String::with_capacity(text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, out.into_iter());
        html
    }

    fn open_block(&mut self, kind: BlockKind) -> usize {
        self.blocks.push(TextBlock { kind, text: String::new(), code_spans: Vec::new() });
        self.blocks.len() - 1
    }

    fn push_text(&mut self, t: &str, open: &[usize], heading: Option<&mut String>, link: Option<usize>) {
        self.plain.push_str(t);
        for &b in open {
            self.blocks[b].text.push_str(t);
        }
        if let Some(h) = heading {
            h.push_str(t);
        }
        if let Some(l) = link {
            self.links[l].text.push_str(t);
        }
    }

    fn check_url(&mut self, url: CowStr<'a>, image: bool, start: usize, end: usize, diags: &mut Vec<Diagnostic>) -> CowStr<'a> {
        if !is_unsafe_url(&url, image) {
            return url;
        }
        if self.map.is_some() {
            diags.push(unsafe_url_error(self.span(start, end), &url));
        } else {
            self.rejected.push(url.to_string());
        }
        CowStr::from("#")
    }
}

fn not_followed(span: Span) -> Diagnostic {
    Diagnostic::warning(span, "attribute list is not directly followed by a block")
        .with_label("applies to nothing")
        .with_hint("put the attribute list on the line right above the paragraph, blockquote, list or heading it styles, with no blank line between")
}

fn is_block(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. } | Tag::Superscript | Tag::Subscript
    )
}

fn is_br(h: &str) -> bool {
    let t = h.trim().to_ascii_lowercase();
    t == "<br>" || t == "<br/>" || t == "<br />"
}

fn alert_name(k: pulldown_cmark::BlockQuoteKind) -> &'static str {
    use pulldown_cmark::BlockQuoteKind::*;
    match k {
        Note => "note",
        Tip => "tip",
        Important => "important",
        Warning => "warning",
        Caution => "caution",
    }
}

fn attr_string(a: &Attrs, extra_class: Option<&str>) -> String {
    let mut s = String::new();
    if let Some(id) = &a.id {
        let _ = write!(s, " id=\"{}\"", escape_html(id));
    }
    let classes: Vec<&str> = extra_class.into_iter().chain(a.classes.iter().map(String::as_str)).collect();
    if !classes.is_empty() {
        let _ = write!(s, " class=\"{}\"", escape_html(&classes.join(" ")));
    }
    for (k, v) in &a.pairs {
        let _ = write!(s, " {}=\"{}\"", k, escape_html(v));
    }
    s
}

/// Level of a heading as a number.
pub fn level_number(l: HeadingLevel) -> u8 {
    l as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_cells_render_without_paragraph() {
        let r = render_inline("TCP<br>HTTPS", &crate::KeepLinks);
        assert_eq!(r.html, "TCP<br>HTTPS");
        assert_eq!(r.text, "TCP\nHTTPS");
        let r = render_inline("`443`", &crate::KeepLinks);
        assert_eq!(r.html, "<code>443</code>");
        assert_eq!(r.text, "443");
    }

    #[test]
    fn unsafe_urls_are_refused() {
        assert!(is_unsafe_url("javascript:alert(1)", false));
        assert!(is_unsafe_url(" JaVa\tScript:alert(1)", false));
        assert!(is_unsafe_url("data:text/html,<script>", false));
        assert!(is_unsafe_url("data:image/svg+xml,<svg onload=x>", true));
        assert!(!is_unsafe_url("data:image/png;base64,AAAA", true));
        assert!(!is_unsafe_url("/gateway/network/#a:b", false));
        assert!(!is_unsafe_url("https://konghq.com", false));
        let r = render_inline("[x](javascript:alert(1))", &crate::KeepLinks);
        assert_eq!(r.rejected, ["javascript:alert(1)"]);
        assert!(!r.html.contains("javascript"), "{}", r.html);
    }
}

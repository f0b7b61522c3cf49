//! The event transforms: one pass over pulldown-cmark's events, each kind handled by its
//! own method, with the pass's state in [`Renderer`] rather than in locals of one loop.
//!
//! Per event, in order: [`Renderer::count_nesting`] (the container limit),
//! [`Renderer::attributes_for`] (an attribute list on the line above a block),
//! [`Renderer::filter_html`] (raw HTML checked, refused HTML turned into text, comments
//! dropped), [`Renderer::collect_text`] (plain text for blocks, headings, links), then
//! [`Renderer::transform`] (ids, classes, links) and [`Renderer::emit`].

use std::cell::Cell;
use std::ops::Range;

use portolan_htmlscan::{escape_html, ids, is_unsafe_url, unsafe_html, without_comments};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use super::code::{self, OpenCode};
use super::guards::{too_deep_line, too_many_cells};
use super::{unsafe_html_error, unsafe_url_error, Body, Inline, Refusal};
use crate::attrs::attr_string;
use crate::diag::{ceil_char_boundary, floor_char_boundary, is_full, push_limited};
use crate::diag::{Diagnostic, Span};
use crate::diagram::Drawing;
use crate::expanded::{PendingIal, TableText};
use crate::host::Diagrams;
use crate::host::LinkRewriter;
use crate::host::{DirectHighlighter, Highlighter};
use crate::limits::{MAX_BLOCK_NESTING, MAX_BLOCK_TEXT_BYTES};
use crate::model::{Attrs, BlockKind, Heading, Link, LinkOrigin, SectionText, TextBlock};
use crate::slug::{slugify, UniqueIds};
use portolan_liquid::SourceMap;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// A page's own context: where its text came from and what the Liquid pass gathered.
struct PageInput<'a> {
    map: &'a SourceMap,
    ials: &'a [PendingIal],
    /// Text of the tables the Liquid pass generated, by output offset.
    tables: &'a [TableText],
    /// What draws the page's diagrams (only a page's body has them drawn: elsewhere a
    /// `mermaid` fence is code).
    diagrams: &'a dyn Diagrams,
    /// What highlights its code (elsewhere, code is highlighted directly).
    highlighter: &'a dyn Highlighter,
}

/// A heading being read: its events are held back until its id is known (from its text).
struct OpenHeading<'a> {
    events: Vec<Event<'a>>,
    text: String,
    tag: Tag<'a>,
}

/// An HTML block being read: it arrives line by line and a tag may span lines.
struct OpenHtmlBlock {
    text: String,
    /// (offset in `text`, offset in the source) where each line starts.
    starts: Vec<(usize, usize)>,
    /// The index of its first event in the output.
    first_event: usize,
}

pub(super) struct Renderer<'a> {
    text: &'a str,
    rewriter: &'a dyn LinkRewriter,
    /// Table cells the page may still have (its pipe tables take theirs from here).
    cells: &'a Cell<usize>,
    /// Set for a page's body; `None` for text rendered on its own (a cell, an FAQ).
    page: Option<PageInput<'a>>,
    /// Drop the `<p>` around text that is one paragraph (table cells, FAQ questions).
    pub(super) strip_paragraph: bool,

    // What the pass produces.
    headings: Vec<Heading>,
    links: Vec<Link>,
    blocks: Vec<TextBlock>,
    /// All text, for [`Inline::text`].
    plain: String,
    /// Ids of non-heading elements.
    anchors: Vec<String>,
    /// Table text for each section (see [`SectionText`]), in the order met.
    table_text: Vec<String>,
    unsafe_urls: Vec<String>,
    unsafe_html: Vec<(String, String)>,
    over_limit: Option<Refusal>,
    browser_diagrams: bool,

    // The pass's state.
    /// Diagrams met so far (each is `diagram-N`, its ids under that prefix).
    diagrams_seen: usize,
    out: Vec<Event<'a>>,
    ids: UniqueIds,
    heading: Option<OpenHeading<'a>>,
    html_block: Option<OpenHtmlBlock>,
    /// The code block being read: its text is highlighted (or drawn) at its end.
    code: Option<OpenCode<'a>>,
    /// Text blocks (indices into `blocks`) open at this point: text goes to each.
    open_blocks: Vec<usize>,
    /// The link being read (index into `links`): its text is collected.
    link: Option<usize>,
    /// Open elements, counting those written as HTML for attribute lists.
    depth: usize,
    /// Depths at which a `<div>` opened for an attribute list must close.
    close_div_at: Vec<usize>,
    /// Containers (list items, block quotes, footnotes) open.
    nesting: usize,
    /// The first attribute list not yet applied.
    next_ial: usize,
    /// The first generated table not yet placed in a section.
    next_table: usize,
    /// Paragraphs at the top level (for `strip_paragraph`).
    top_paragraphs: usize,
    /// Where a GFM table's events start in `out`, while one is open.
    table_start: Option<usize>,
}

impl<'a> Renderer<'a> {
    pub(super) fn new(
        text: &'a str,
        rewriter: &'a dyn LinkRewriter,
        cells: &'a Cell<usize>,
    ) -> Self {
        let mut ids = UniqueIds::default();
        for id in crate::slug::RESERVED_IDS {
            ids.reserve(id);
        }
        Renderer {
            text,
            rewriter,
            cells,
            page: None,
            strip_paragraph: false,
            headings: Vec::new(),
            links: Vec::new(),
            blocks: Vec::new(),
            plain: String::new(),
            anchors: Vec::new(),
            table_text: vec![String::new()],
            unsafe_urls: Vec::new(),
            unsafe_html: Vec::new(),
            over_limit: None,
            browser_diagrams: false,
            diagrams_seen: 0,
            out: Vec::with_capacity(text.len() / 8),
            ids,
            heading: None,
            html_block: None,
            code: None,
            open_blocks: Vec::new(),
            link: None,
            depth: 0,
            close_div_at: Vec::new(),
            nesting: 0,
            next_ial: 0,
            next_table: 0,
            top_paragraphs: 0,
            table_start: None,
        }
    }

    /// Renders a page's body: heading anchors, attribute lists, positions through `map`.
    pub(super) fn page(
        &mut self,
        map: &'a SourceMap,
        ials: &'a [PendingIal],
        tables: &'a [TableText],
        reserved: &[String],
        diagrams: &'a dyn Diagrams,
        highlighter: &'a dyn Highlighter,
    ) {
        self.page = Some(PageInput {
            map,
            ials,
            tables,
            diagrams,
            highlighter,
        });
        for id in reserved {
            self.ids.reserve(id);
        }
    }

    pub(super) fn into_inline(self, html: String) -> Inline {
        let mut anchors: Vec<String> = self.headings.into_iter().map(|h| h.id).collect();
        anchors.extend(self.anchors);
        Inline {
            html,
            text: self.plain.trim().to_string(),
            links: self.links,
            anchors,
            unsafe_urls: self.unsafe_urls,
            unsafe_html: self.unsafe_html,
            over_limit: self.over_limit,
        }
    }

    pub(super) fn into_body(self, html: String) -> Body {
        let sections = sections(&self.blocks, &self.headings, &self.table_text);
        Body {
            html,
            headings: self.headings,
            links: self.links,
            blocks: self.blocks,
            sections,
            anchors: self.anchors,
            browser_diagrams: self.browser_diagrams,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        self.page
            .as_ref()
            .and_then(|p| p.map.locate_range(start, end))
            .unwrap_or(Span::new(0, start, end))
    }

    pub(super) fn run(&mut self, diags: &mut Vec<Diagnostic>) -> String {
        let text = self.text;
        let refused = match too_deep_line(text) {
            Some(at) => Some((at, Refusal::TooDeep)),
            None => too_many_cells(text, self.cells).map(|at| (at, Refusal::TooManyCells)),
        };
        if let Some((at, why)) = refused {
            self.over_limit = Some(why);
            if self.page.is_some() {
                push_limited(diags, why.error(self.span(at, at)));
            }
            return String::new();
        }
        for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
            if !self.count_nesting(&event, &range, diags) {
                break;
            }
            self.place_tables(range.start);
            let attrs = self.attributes_for(&event, &range, diags);
            let event = self.filter_html(event, &range, diags);
            self.collect_text(&event, &range);
            if let Some(event) = self.transform(event, &range, attrs, diags) {
                self.emit(event, attrs);
            }
        }
        self.finish(diags)
    }

    /// Counts open containers; false (and the page refused) past [`MAX_BLOCK_NESTING`]:
    /// every text is added to each open block, so nesting must be bounded.
    fn count_nesting(
        &mut self,
        event: &Event<'_>,
        range: &Range<usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::Item | Tag::FootnoteDefinition(_)) => {
                self.nesting += 1;
                if self.nesting > MAX_BLOCK_NESTING {
                    self.over_limit = Some(Refusal::TooDeep);
                    if self.page.is_some() {
                        let at = self.span(range.start, range.start);
                        push_limited(diags, Refusal::TooDeep.error(at));
                    }
                    return false;
                }
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition) => {
                self.nesting = self.nesting.saturating_sub(1)
            }
            _ => {}
        }
        true
    }

    /// Puts the text of the tables the Liquid pass generated before `offset` into the
    /// section that is open.
    fn place_tables(&mut self, offset: usize) {
        let Some(page) = &self.page else { return };
        while let Some(t) = page.tables.get(self.next_table) {
            if t.offset > offset {
                break;
            }
            self.next_table += 1;
            let section = self.table_text.last_mut().expect("the intro");
            append(section, &t.text);
        }
    }

    /// The attribute list that applies to a block starting here: one written on the line
    /// right above it. Lists passed over (a blank line between) are warned about.
    fn attributes_for(
        &mut self,
        event: &Event<'_>,
        range: &Range<usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<&'a Attrs> {
        let Event::Start(tag) = event else {
            return None;
        };
        if !is_block(tag) {
            return None;
        }
        let ials = self.page.as_ref()?.ials;
        let mut attrs = None;
        while let Some(ial) = ials.get(self.next_ial) {
            if ial.offset > range.start {
                break;
            }
            self.next_ial += 1;
            if self.text[ial.offset.min(range.start)..range.start].contains('\n') {
                push_limited(diags, not_followed(ial.span));
            } else {
                attrs = Some(&ial.attrs);
            }
        }
        attrs
    }

    /// Raw HTML: checked where it is written (an HTML block as a whole, when it ends);
    /// refused HTML is written out as text, so that it never runs even where the errors
    /// are not looked at; comments are notes for authors, not published.
    fn filter_html(
        &mut self,
        event: Event<'a>,
        range: &Range<usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> Event<'a> {
        let mut neutralize = false;
        match &event {
            Event::Start(Tag::HtmlBlock) => {
                self.html_block = Some(OpenHtmlBlock {
                    text: String::new(),
                    starts: Vec::new(),
                    first_event: self.out.len(),
                })
            }
            Event::Html(h) => match &mut self.html_block {
                Some(block) => {
                    block.starts.push((block.text.len(), range.start));
                    block.text.push_str(h);
                }
                None => neutralize = self.check_html(h, &[(0, range.start)], diags),
            },
            Event::End(TagEnd::HtmlBlock) => self.close_html_block(diags),
            Event::InlineHtml(h) => neutralize = self.check_html(h, &[(0, range.start)], diags),
            _ => {}
        }
        match event {
            Event::Html(h) | Event::InlineHtml(h) if neutralize => Event::Text(h),
            Event::InlineHtml(h) => {
                self.anchors.extend(ids(&h));
                Event::InlineHtml(without_comments(&h).map_or(h, CowStr::from))
            }
            Event::Html(h) if self.html_block.is_none() => {
                self.anchors.extend(ids(&h));
                Event::Html(without_comments(&h).map_or(h, CowStr::from))
            }
            other => other,
        }
    }

    /// Checks an HTML block that has ended; its lines are separate events already in the
    /// output: refused, they become text; otherwise the first carries the block without its
    /// comments and the others are emptied.
    fn close_html_block(&mut self, diags: &mut Vec<Diagnostic>) {
        let Some(block) = self.html_block.take() else {
            return;
        };
        if self.check_html(&block.text, &block.starts, diags) {
            for ev in self.out.iter_mut().skip(block.first_event) {
                if let Event::Html(h) = ev {
                    *ev = Event::Text(std::mem::replace(h, CowStr::Borrowed("")));
                }
            }
            return;
        }
        self.anchors.extend(ids(&block.text));
        if let Some(kept) = without_comments(&block.text) {
            let mut kept = Some(kept);
            for ev in self.out.iter_mut().skip(block.first_event) {
                if let Event::Html(h) = ev {
                    *h = kept.take().map_or(CowStr::Borrowed(""), CowStr::from);
                }
            }
        }
    }

    /// Plain text for the open blocks, the heading and the link being read. Text inside
    /// HTML a component wrote (a `new_in` badge) is not part of a heading's name: its id
    /// and its entry in the table of contents are the author's words.
    fn collect_text(&mut self, event: &Event<'_>, range: &Range<usize>) {
        match event {
            Event::Text(t)
                if self.heading.is_some()
                    && self
                        .page
                        .as_ref()
                        .is_some_and(|p| p.map.is_checked_html(range.start)) =>
            {
                let heading = self.heading.take();
                self.push_text(t);
                self.heading = heading;
            }
            Event::Text(t) => self.push_text(t),
            Event::Code(t) => {
                self.push_text(t);
                for &b in &self.open_blocks {
                    let spans = &mut self.blocks[b].code_spans;
                    // Bounded like the text (a block's spans are also in its text).
                    if spans.len() < MAX_BLOCK_TEXT_BYTES / 16 {
                        spans.push(t.to_string());
                    }
                }
            }
            Event::SoftBreak => self.push_text(" "),
            Event::HardBreak => self.push_text("\n"),
            Event::InlineHtml(h) if is_br(h) => self.push_text("\n"),
            _ => {}
        }
    }

    /// The event to emit in place of `event`, or `None` when it was taken (a heading's
    /// events are held until its end).
    fn transform(
        &mut self,
        event: Event<'a>,
        range: &Range<usize>,
        attrs: Option<&'a Attrs>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Event<'a>> {
        if let (Some(a), Event::Start(tag)) = (attrs, &event) {
            if let Some(id) = &a.id {
                if !matches!(tag, Tag::Heading { .. }) {
                    self.anchors.push(id.clone());
                }
            }
        }
        if let Some(open) = &mut self.code {
            // A code block holds text only; it is written whole at its end.
            return match event {
                Event::Text(t) => {
                    open.push(&t, range.start);
                    None
                }
                Event::End(TagEnd::CodeBlock) => {
                    let open = self.code.take()?;
                    Some(Event::Html(self.code_block(&open, diags).into()))
                }
                _ => None,
            };
        }
        Some(match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                self.code = Some(OpenCode {
                    lang,
                    attrs,
                    text: String::new(),
                    starts: Vec::new(),
                });
                return None;
            }
            Event::Start(Tag::Paragraph) => {
                let b = self.open_block(BlockKind::Paragraph);
                self.open_blocks.push(b);
                if self.depth == 0 {
                    self.top_paragraphs += 1;
                }
                match attrs {
                    Some(a) => Event::Html(format!("<p{}>", attr_string(a, None)).into()),
                    None => Event::Start(Tag::Paragraph),
                }
            }
            Event::Start(Tag::Item) => {
                let b = self.open_block(BlockKind::ListItem);
                self.open_blocks.push(b);
                Event::Start(Tag::Item)
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                self.close_block();
                event
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs: heading_attrs,
            }) => {
                self.open_heading(level, id, classes, heading_attrs, attrs, range, diags);
                return None;
            }
            Event::End(TagEnd::Heading(level)) => {
                self.close_heading(level);
                return None;
            }
            Event::Start(Tag::BlockQuote(kind)) if attrs.is_some() => {
                let extra = kind.map(|k| format!("markdown-alert-{}", alert_name(k)));
                let a = attr_string(attrs.unwrap_or(&Attrs::default()), extra.as_deref());
                Event::Html(format!("<blockquote{a}>\n").into())
            }
            Event::Start(Tag::List(start)) if attrs.is_some() => {
                let a = attr_string(attrs.unwrap_or(&Attrs::default()), None);
                Event::Html(
                    match start {
                        None => format!("<ul{a}>\n"),
                        Some(1) => format!("<ol{a}>\n"),
                        Some(n) => format!("<ol start=\"{n}\"{a}>\n"),
                    }
                    .into(),
                )
            }
            Event::Start(tag) if attrs.is_some() => {
                let a = attr_string(attrs.unwrap_or(&Attrs::default()), None);
                self.out.push(Event::Html(format!("<div{a}>\n").into()));
                self.close_div_at.push(self.depth);
                self.start_table(&tag);
                Event::Start(tag)
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link_target(dest_url, LinkOrigin::Body, range, diags);
                self.link = Some(self.links.len() - 1);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Link) => {
                if let Some(l) = self.link.take() {
                    let t = self.links[l].text.trim().to_string();
                    self.links[l].text = t;
                }
                event
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.link_target(dest_url, LinkOrigin::Image, range, diags);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                self.anchors.push(label.to_string());
                Event::Start(Tag::FootnoteDefinition(label))
            }
            Event::Start(tag) => {
                self.start_table(&tag);
                Event::Start(tag)
            }
            other => other,
        })
    }

    /// A code block's HTML: a page's diagram drawn (or left to the browser), else the
    /// code highlighted. A diagram that does not parse is an error, and shown as code.
    fn code_block(&mut self, open: &OpenCode<'a>, diags: &mut Vec<Diagnostic>) -> String {
        let highlighter = self
            .page
            .as_ref()
            .map_or(&DirectHighlighter as &dyn Highlighter, |p| p.highlighter);
        let Some(page) = self.page.as_ref().filter(|_| open.is_diagram()) else {
            return code::code_block(open, highlighter);
        };
        self.diagrams_seen += 1;
        let id = self.ids.unique(&format!("diagram-{}", self.diagrams_seen));
        self.anchors.push(id.clone());
        let fence_at = open.starts.first().map_or(0, |s| s.1);
        match page.diagrams.draw(&open.text, &id) {
            Ok(d) => {
                if let Drawing::Browser(why) = &d {
                    self.browser_diagrams = true;
                    if let Some(why) = why {
                        let d = Diagnostic::warning(
                            self.span(fence_at, fence_at),
                            format!("diagram left to mermaid.js in the browser: {why}"),
                        )
                        .with_label("this diagram");
                        push_limited(diags, d);
                    }
                }
                code::diagram(open, &d)
            }
            Err(e) => {
                let span = |a: usize, b: usize| self.span(a, b);
                push_limited(diags, code::diagram_error(open, fence_at, &e, &span));
                code::code_block(open, highlighter)
            }
        }
    }

    /// Remembers where a GFM table starts, for its text.
    fn start_table(&mut self, tag: &Tag<'_>) {
        if matches!(tag, Tag::Table(_)) && self.table_start.is_none() {
            self.table_start = Some(self.out.len());
        }
    }

    /// Emits `event` (into the heading being read, if any), tracking depth, and closes the
    /// `<div>` an attribute list opened when its element ends.
    fn emit(&mut self, event: Event<'a>, attrs: Option<&Attrs>) {
        let is_end = matches!(event, Event::End(_));
        let table_end = matches!(event, Event::End(TagEnd::Table));
        let opens_html = matches!(&event, Event::Html(h) if h.starts_with('<') && !h.starts_with("</") && attrs.is_some());
        if matches!(event, Event::Start(_)) || opens_html {
            self.depth += 1;
        }
        if is_end {
            self.depth = self.depth.saturating_sub(1);
        }
        match &mut self.heading {
            Some(h) => h.events.push(event),
            None => self.out.push(event),
        }
        if table_end {
            self.end_table();
        }
        if is_end && self.close_div_at.last() == Some(&self.depth) {
            self.close_div_at.pop();
            self.out.push(Event::Html("</div>\n".into()));
        }
    }

    /// A GFM table ended: its text (as its HTML reads) goes to the open section.
    fn end_table(&mut self) {
        let Some(start) = self.table_start.take() else {
            return;
        };
        if self.page.is_none() {
            return;
        }
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, self.out[start..].iter().cloned());
        let text = portolan_htmlscan::text(&html);
        append(self.table_text.last_mut().expect("the intro"), &text);
    }

    #[allow(clippy::too_many_arguments)] // the parts of one heading event, taken apart
    fn open_heading(
        &mut self,
        level: pulldown_cmark::HeadingLevel,
        id: Option<CowStr<'a>>,
        mut classes: Vec<CowStr<'a>>,
        mut heading_attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
        attrs: Option<&'a Attrs>,
        range: &Range<usize>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut id = id;
        if let Some(a) = attrs {
            if let Some(i) = &a.id {
                id = Some(i.clone().into());
            }
            classes.extend(a.classes.iter().map(|c| CowStr::from(c.clone())));
            heading_attrs.extend(
                a.pairs
                    .iter()
                    .map(|(k, v)| (CowStr::from(k.clone()), Some(CowStr::from(v.clone())))),
            );
        }
        let handler = |k: &CowStr<'_>| k.to_ascii_lowercase().starts_with("on");
        if let Some((k, _)) = heading_attrs.iter().find(|(k, _)| handler(k)) {
            let what = format!("an `{k}` event handler attribute");
            if self.page.is_some() {
                push_limited(
                    diags,
                    unsafe_html_error(self.span(range.start, range.end), &what),
                );
            } else {
                self.unsafe_html.push((k.to_string(), what));
            }
            heading_attrs.retain(|(k, _)| !handler(k));
        }
        let b = self.open_block(BlockKind::Heading);
        self.open_blocks.push(b);
        self.heading = Some(OpenHeading {
            events: Vec::new(),
            text: String::new(),
            tag: Tag::Heading {
                level,
                id,
                classes,
                attrs: heading_attrs,
            },
        });
        self.depth += 1;
    }

    /// A heading ended: its id is its own or a slug of its text, unique in the page; with
    /// anchors on (a page's body), a link to it follows its text.
    fn close_heading(&mut self, level: pulldown_cmark::HeadingLevel) {
        self.depth -= 1;
        self.close_block();
        let Some(OpenHeading {
            events,
            text,
            tag: Tag::Heading {
                id, classes, attrs, ..
            },
        }) = self.heading.take()
        else {
            return;
        };
        let text = text.trim().to_string();
        let id = match id {
            Some(id) => self.ids.unique(&id),
            None => self.ids.unique(&slugify(&text)),
        };
        if self.page.is_some() && matches!(level as u8, 2 | 3) {
            self.table_text.push(String::new());
        }
        self.headings.push(Heading {
            level: level as u8,
            id: id.clone(),
            text,
        });
        self.out.push(Event::Start(Tag::Heading {
            level,
            id: Some(id.clone().into()),
            classes,
            attrs,
        }));
        self.out.extend(events);
        if self.page.is_some() {
            self.out.push(Event::Html(
                format!("<a class=\"anchor\" href=\"#{0}\"><span class=\"sr-only\">Link to this section</span><span aria-hidden=\"true\">#</span></a>", escape_html(&id)).into(),
            ));
        }
        self.out.push(Event::End(TagEnd::Heading(level)));
    }

    /// A link's or image's target: refused when unsafe, recorded, then rewritten.
    fn link_target(
        &mut self,
        dest_url: CowStr<'a>,
        origin: LinkOrigin,
        range: &Range<usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> CowStr<'a> {
        let dest_url = self.check_url(dest_url, origin == LinkOrigin::Image, range, diags);
        self.links.push(Link {
            url: dest_url.to_string(),
            text: String::new(),
            span: self.span(range.start, range.end),
            origin,
        });
        self.rewriter
            .rewrite(&dest_url)
            .map_or(dest_url, CowStr::from)
    }

    fn finish(&mut self, diags: &mut Vec<Diagnostic>) -> String {
        if self.over_limit.is_none() {
            if let Some(page) = &self.page {
                for ial in &page.ials[self.next_ial.min(page.ials.len())..] {
                    push_limited(diags, not_followed(ial.span));
                    if is_full(diags) {
                        break;
                    }
                }
            }
            self.place_tables(usize::MAX);
        }
        let mut out = std::mem::take(&mut self.out);
        if self.strip_paragraph && self.top_paragraphs == 1 {
            if let (Some(Event::Start(Tag::Paragraph)), Some(Event::End(TagEnd::Paragraph))) =
                (out.first(), out.last())
            {
                out.remove(0);
                out.pop();
            }
        }
        let mut html = String::with_capacity(self.text.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, out.into_iter());
        html
    }

    fn open_block(&mut self, kind: BlockKind) -> usize {
        self.blocks.push(TextBlock {
            kind,
            text: String::new(),
            code_spans: Vec::new(),
        });
        self.blocks.len() - 1
    }

    fn close_block(&mut self) {
        if let Some(b) = self.open_blocks.pop() {
            let t = self.blocks[b].text.trim().to_string();
            self.blocks[b].text = t;
        }
    }

    fn push_text(&mut self, t: &str) {
        self.plain.push_str(t);
        for &b in &self.open_blocks {
            let text = &mut self.blocks[b].text;
            let room = MAX_BLOCK_TEXT_BYTES.saturating_sub(text.len());
            if room >= t.len() {
                text.push_str(t);
            } else if room > 0 {
                text.push_str(&t[..floor_char_boundary(t, room)]);
            }
        }
        if let Some(h) = &mut self.heading {
            h.text.push_str(t);
        }
        if let Some(l) = self.link {
            self.links[l].text.push_str(t);
        }
    }

    /// Refuses raw HTML that can run script (see [`unsafe_html`]); true when refused.
    /// `starts` maps offsets in `html` to offsets in the text. HTML that the Liquid pass
    /// generated (tables, the calculator) was checked where it was written; variables'
    /// values are checked here.
    fn check_html(
        &mut self,
        html: &str,
        starts: &[(usize, usize)],
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        let mut refused = false;
        for found in unsafe_html(html) {
            let at = found.at;
            let k = starts.partition_point(|&(o, _)| o <= at).saturating_sub(1);
            let (o, src) = starts.get(k).copied().unwrap_or((0, 0));
            let off = (src + (at - o)).min(self.text.len());
            match &self.page {
                Some(page) => {
                    if page.map.is_checked_html(off) {
                        continue;
                    }
                    refused = true;
                    let end = ceil_char_boundary(self.text, off + 1);
                    push_limited(diags, unsafe_html_error(self.span(off, end), &found.what));
                }
                None => {
                    let end = ceil_char_boundary(html, (at + 40).min(html.len()));
                    let written = html[at..end]
                        .split(['\n', '>'])
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    self.unsafe_html.push((written, found.what));
                    refused = true;
                }
            }
        }
        refused
    }

    fn check_url(
        &mut self,
        url: CowStr<'a>,
        image: bool,
        range: &Range<usize>,
        diags: &mut Vec<Diagnostic>,
    ) -> CowStr<'a> {
        if !is_unsafe_url(&url, image) {
            return url;
        }
        if self.page.is_some() {
            push_limited(
                diags,
                unsafe_url_error(self.span(range.start, range.end), &url),
            );
        } else {
            self.unsafe_urls.push(url.to_string());
        }
        CowStr::from("#")
    }
}

/// The body's text by section: the intro, then one per h2/h3 heading, each with the text
/// of its paragraphs, list items and lower headings, then the text of its tables.
fn sections(blocks: &[TextBlock], headings: &[Heading], table_text: &[String]) -> Vec<SectionText> {
    let mut sections = vec![SectionText::default()];
    let mut nth_heading = 0;
    for (i, b) in blocks.iter().enumerate() {
        let text = match b.kind {
            BlockKind::Heading => {
                let h = headings.get(nth_heading);
                nth_heading += 1;
                match h {
                    Some(h) if h.level == 2 || h.level == 3 => {
                        sections.push(SectionText {
                            heading: collapse(&h.text),
                            anchor: h.id.clone(),
                            text: String::new(),
                        });
                        continue;
                    }
                    _ => b.text.clone(),
                }
            }
            BlockKind::Paragraph => b.text.clone(),
            BlockKind::ListItem => list_item_own_text(blocks, i),
        };
        append(&mut sections.last_mut().expect("the intro").text, &text);
    }
    for (section, tables) in sections.iter_mut().zip(table_text) {
        append(&mut section.text, tables);
    }
    sections
}

/// A list item's block holds the text of everything nested in it (its paragraphs, nested
/// lists), and those come again as the blocks right after it: keep only the item's own
/// text, so nothing is indexed twice.
fn list_item_own_text(blocks: &[TextBlock], i: usize) -> String {
    let item = blocks[i].text.as_str();
    let mut own = String::new();
    let mut cursor = 0;
    for child in &blocks[i + 1..] {
        if child.kind == BlockKind::Heading {
            break;
        }
        if child.text.is_empty() {
            continue;
        }
        match item[cursor..].find(child.text.as_str()) {
            Some(p) => {
                own.push_str(&item[cursor..cursor + p]);
                own.push(' ');
                cursor += p + child.text.len();
            }
            None => break,
        }
    }
    own.push_str(&item[cursor..]);
    own
}

/// Appends `text` (whitespace collapsed) to `to`, a space between.
pub(crate) fn append(to: &mut String, text: &str) {
    for word in text.split_whitespace() {
        if !to.is_empty() {
            to.push(' ');
        }
        to.push_str(word);
    }
}

/// `text` with its whitespace collapsed to single spaces.
pub(crate) fn collapse(text: &str) -> String {
    let mut s = String::new();
    append(&mut s, text);
    s
}

fn not_followed(span: Span) -> Diagnostic {
    Diagnostic::warning(span, "attribute list is not directly followed by a block")
        .with_label("applies to nothing")
        .with_hint("put the attribute list on the line right above the paragraph, blockquote, list or heading it styles, with no blank line between")
}

fn is_block(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::Superscript
            | Tag::Subscript
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

//! Kong-flavoured markdown to HTML and structured data.
//!
//! The dialect is the one Kong's Jekyll site speaks: YAML frontmatter (with `faqs:`),
//! Liquid (variables, filters, `if`/`for`/`case`/`assign`/`capture`, `include`, `raw`), the
//! dialect's `{% table %}`, the theme's components (`navtabs`, `new_in`, Kong's snippet
//! generators...), kramdown attribute lists (`{:.info}` callouts, `{:.no-copy-code}`) and
//! `<!--vale off-->` comments, on top of CommonMark + GFM.
//!
//! The crate is pure: it never touches the file system. Files are named by [`FileId`]s that
//! the caller owns; includes arrive through an [`IncludeResolver`], links are written by a
//! [`LinkRewriter`] and components rendered by [`Components`], all given by the caller.
//! Every problem comes back as a [`Diagnostic`] with a span in the real file, so the
//! caller can print `file:line:column` and the offending line.
//!
//! Pipeline for one page: the frontmatter is split off and parsed into a typed
//! [`FrontMatter`] (with where each key is written); the body's Liquid is expanded, which
//! splices includes and renders tables, keeping a source map; pulldown-cmark renders the
//! result with the dialect's transforms; the FAQs render; the calculator's marker and the
//! rendered HTML get a last check. The result is a [`RenderedPage`]: HTML plus everything
//! the site needs of the page (headings, anchors, links, tables, text by section), so the
//! site never reads structure back out of HTML.
//!
//! Modules, in the order they depend on each other: `diag` and `limits` (public: the
//! diagnostics and the bounds every input is held to); `model`, `source_map`, `syntax`,
//! `yaml`, `attrs`, `component`; `expanded` (what the Liquid pass hands the markdown
//! pass); `markdown`; `table`; `liquid` (the engine); `frontmatter`; `calculator`; this
//! file.

pub use portolan_liquid::diag;
pub mod limits;

mod attrs;
mod calculator;
mod component;
mod data;
mod diagram;
mod expand;
mod expanded;
mod frontmatter;
mod host;
mod indices;
mod landing;
mod lines;
mod markdown;
mod model;
mod page_host;
mod parts;
mod place;
mod slug;
mod table;
mod yaml;
mod yaml_tree;

use std::cell::Cell as Budget;

use portolan_htmlscan::{is_unsafe_url, text as html_text};

pub use calculator::CALCULATOR_MARKER;
pub use component::{BodyKind, ComponentBody, ComponentCall, ComponentError, ComponentOutput};
pub use component::{ComponentRef, OutputKind, BODY_MARKER};
pub use data::{SiteValues, Variables};
pub use diag::{Diagnostic, FileId, Severity, Span};
pub use diagram::{DiagramError, Drawing};
pub use host::NoComponents;
pub use host::{BrowserDiagrams, Components, Diagrams, DirectHighlighter, Highlighted};
pub use host::{Highlighter, IncludeError, IncludeResolver, Included, KeepLinks, LinkRewriter};
pub use model::{BlockKind, Cell, Column, Heading, Link, LinkOrigin, RenderedFaq, RenderedPage};
pub use model::{Breadcrumb, Faq, FrontMatter, FrontSpans, RelatedResource};
pub use model::{Row, SectionText, Table, TextBlock};
pub use slug::{jekyll_slugify, slugify, RESERVED_IDS};

use diag::{push_limited, Finder};
use markdown::{render_fragment_in, render_inline_in, unsafe_url_error, Inline};
use slug::UniqueIds;

/// What pages are rendered with: the same for every page of a site.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The `site` object (variables, data).
    pub site: &'a SiteValues,
    /// Where includes come from.
    pub includes: &'a dyn IncludeResolver,
    /// How links are written out.
    pub links: &'a dyn LinkRewriter,
    /// The components tags can call.
    pub components: &'a dyn Components,
    /// What draws ```` ```mermaid ```` fences.
    pub diagrams: &'a dyn Diagrams,
    /// What highlights the other fences.
    pub highlighter: &'a dyn Highlighter,
}

/// What the site knows of a page before rendering it (`page.url`, `page.path`).
#[derive(Debug, Clone, Copy)]
pub struct PageInfo<'a> {
    /// The page's URL relative to the site's base, e.g. `gateway/network/` (empty for the
    /// home page); `page.url` is it with a leading `/`, as in Jekyll, which leaves the base
    /// path out.
    pub url: &'a str,
    /// Its source file, relative to the content folder, e.g. `gateway/network.md`.
    pub path: &'a str,
    /// Frontmatter the page has unless it says otherwise (its collection's defaults).
    pub defaults: Option<&'a portolan_yaml::Node>,
}

impl Context<'_> {
    /// What renders YAML values (frontmatter parts, landing and index pages) of the page
    /// whose `page.*` is `page`, its table cells counted in `cells`.
    fn tools<'p>(
        &'p self,
        page: &'p portolan_yaml::Node,
        cells: &'p Budget<usize>,
    ) -> yaml_tree::Tools<'p> {
        yaml_tree::Tools {
            env: self.page_env(page),
            links: self.links,
            diagrams: self.diagrams,
            highlighter: self.highlighter,
            cells,
        }
    }

    /// The page's `page.*`: its frontmatter as written, with `url` and `path`.
    fn page_env<'p>(&'p self, page: &'p portolan_yaml::Node) -> expand::PageEnv<'p> {
        expand::PageEnv {
            site: self.site,
            includes: self.includes,
            links: self.links,
            components: self.components,
            page,
        }
    }
}

/// `page.*` for a page: its frontmatter as written, `url` and `path` added.
fn page_values(front: &FrontMatter, info: PageInfo<'_>) -> portolan_yaml::Node {
    let mut m = front.raw.clone();
    m.set("url", portolan_yaml::Node::text(format!("/{}", info.url)));
    m.set("path", portolan_yaml::Node::text(info.path));
    m
}

/// The frontmatter of `text` read and its values' Liquid rendered; `None` when it cannot be
/// read at all.
fn read_frontmatter(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
    raw: Option<frontmatter::RawFront>,
    body_start: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<FrontMatter> {
    let mut front = match raw {
        Some(raw) => frontmatter::parse(file, text, raw, body_start, info.defaults, diags)?,
        None => match frontmatter::from_heading(file, text, body_start) {
            Ok(front) => match info.defaults {
                Some(d) => frontmatter::heading_page_with_defaults(front, d),
                None => front,
            },
            Err(no_title) => {
                diags.push(no_title);
                return None;
            }
        },
    };
    let page = page_values(&front, info);
    frontmatter::render_values(&mut front, &ctx.page_env(&page), file, text, diags);
    if front.title.is_empty() && !diags.iter().any(|d| d.message == "page has no title") {
        let span = front.spans.key_or_start(file, "title");
        diags.push(
            Diagnostic::error(span, "page has no title")
                .with_label("`title:` expected")
                .with_hint("add `title: Your page title` to the frontmatter"),
        );
    }
    Some(front)
}

/// Markdown (with no Liquid) as HTML, for a component's template (`| markdown`): a block
/// fragment, or one paragraph's worth without its `<p>` when `inline`. Raw HTML that could
/// run script is written out as text; a component's HTML is checked again where it lands.
pub fn markdown_to_html(text: &str, links: &dyn LinkRewriter, inline: bool) -> String {
    let cells = Budget::new(limits::MAX_TABLE_CELLS_PER_PAGE);
    let r = if inline {
        render_inline_in(text, links, &cells)
    } else {
        render_fragment_in(text, links, &cells)
    };
    r.html
}

/// Reads only a page's frontmatter (Liquid expanded), for what pages need to know about
/// each other before any page renders. Returns the frontmatter (when it has no errors) and
/// its warnings; a page whose frontmatter has errors gets `None`, and [`render_page`]
/// reports them.
pub fn render_frontmatter(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    if text.len() > limits::MAX_PAGE_BYTES {
        return (None, Vec::new());
    }
    let Some(split) = frontmatter::split(file, text).ok() else {
        return (None, Vec::new());
    };
    let mut diags = Vec::new();
    match read_frontmatter(
        ctx,
        file,
        text,
        info,
        split.front,
        split.body_start,
        &mut diags,
    ) {
        Some(front) if !diags.iter().any(Diagnostic::is_error) => (Some(front), diags),
        _ => (None, Vec::new()),
    }
}

/// [`render_page`] for a page whose frontmatter [`render_frontmatter`] already read (it is
/// not parsed again; its problems are still reported).
pub fn render_page_with_frontmatter(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
    front: Option<&FrontMatter>,
) -> (Option<RenderedPage>, Vec<Diagnostic>) {
    match front {
        Some(f) => render_body(ctx, file, text, info, f.clone(), Vec::new()),
        None => render_page(ctx, file, text, info),
    }
}

/// [`render_page`] for a page whose frontmatter [`render_frontmatter`] read before and did
/// not keep (a large site's frontmatter is more than its text): read again, the same text
/// gives the same frontmatter, and its warnings, reported then, are not repeated. A page
/// whose frontmatter did not read is rendered with all its diagnostics.
pub fn render_page_again(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
) -> (Option<RenderedPage>, Vec<Diagnostic>) {
    match render_frontmatter(ctx, file, text, info) {
        (Some(front), _reported) => render_body(ctx, file, text, info, front, Vec::new()),
        (None, _) => render_page(ctx, file, text, info),
    }
}

/// Renders one page. Always returns every diagnostic it found; the page is `None` only when
/// the frontmatter could not be read at all.
pub fn render_page(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
) -> (Option<RenderedPage>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if text.len() > limits::MAX_PAGE_BYTES {
        diags.push(
            Diagnostic::error(
                Span::new(file, 0, 0),
                format!(
                    "page is {} bytes; the limit is {} MiB",
                    text.len(),
                    limits::MAX_PAGE_BYTES >> 20
                ),
            )
            .with_label("this page")
            .with_hint("split the page; a generated file does not belong in content/"),
        );
        return (None, diags);
    }
    let split = match frontmatter::split(file, text) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    match read_frontmatter(
        ctx,
        file,
        text,
        info,
        split.front,
        split.body_start,
        &mut diags,
    ) {
        Some(front) => render_body(ctx, file, text, info, front, diags),
        None => (None, diags),
    }
}

/// Reads only a landing page's `metadata:` (its frontmatter, Liquid expanded), as
/// [`render_frontmatter`] reads a page's.
pub fn render_landing_frontmatter(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    front_only(|diags| landing_front(ctx, file, text, info, diags))
}

/// The frontmatter `read` finds (with its warnings), when it has no errors; else nothing
/// (the page's render reports them).
fn front_only<T>(
    read: impl FnOnce(&mut Vec<Diagnostic>) -> Option<(FrontMatter, T)>,
) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    match read(&mut diags) {
        Some((front, _)) if !diags.iter().any(Diagnostic::is_error) => (Some(front), diags),
        _ => (None, Vec::new()),
    }
}

/// Renders a landing page (see `landing.rs`): YAML `metadata:` and `rows:` of blocks.
pub fn render_landing(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
) -> (Option<RenderedPage>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let Some((front, doc)) = landing_front(ctx, file, text, info, &mut diags) else {
        return (None, diags);
    };
    let page = page_values(&front, info);
    let cells = Budget::new(limits::MAX_TABLE_CELLS_PER_PAGE);
    let tools = ctx.tools(&page, &cells);
    let body = landing::render_rows(&tools, file, text, &doc, &mut diags);
    let mut values = FrontValues::new(file, text, &front.spans);
    let mut links = body.gathered.links;
    for r in &front.related_resources {
        let span = values.resource(LinkOrigin::RelatedResource, &r.url);
        if is_unsafe_url(&r.url, false) {
            push_limited(&mut diags, unsafe_url_error(span, &r.url));
        }
        links.push(Link {
            url: r.url.clone(),
            text: r.text.clone(),
            span,
            origin: LinkOrigin::RelatedResource,
        });
    }
    links.retain(|l| !l.url.is_empty());
    let page = RenderedPage {
        front,
        html: body.html,
        headings: body.headings,
        faqs: Vec::new(),
        tables: body.gathered.tables,
        links,
        blocks: Vec::new(),
        sections: body.sections,
        anchors: body.gathered.anchors,
        includes: body.gathered.includes,
        has_calculator: false,
        browser_diagrams: body.gathered.browser_diagrams,
        components: body.gathered.components.into_iter().collect(),
        calculator_span: None,
        parts: Default::default(),
    };
    (Some(page), diags)
}

/// Reads only an index page's frontmatter (its `title`, `description`...), as
/// [`render_frontmatter`] reads a page's.
pub fn render_index_frontmatter(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    front_only(|diags| index_front(ctx, file, text, info, diags))
}

/// Renders an index page (see `indices.rs`): YAML `title`, `description` and `sections:`
/// or `groups:` of them.
pub fn render_index(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
) -> (Option<RenderedPage>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let Some((front, doc)) = index_front(ctx, file, text, info, &mut diags) else {
        return (None, diags);
    };
    let page = page_values(&front, info);
    let cells = Budget::new(limits::MAX_TABLE_CELLS_PER_PAGE);
    let tools = ctx.tools(&page, &cells);
    let values = yaml_tree::TreeRenderer {
        tools: &tools,
        file,
        text,
        base: 0,
        ids: Default::default(),
        taken: Vec::new(),
        gathered: Default::default(),
        diags: &mut diags,
    };
    let body = indices::render(values, &doc);
    let page = RenderedPage {
        front,
        html: body.html,
        headings: body.headings,
        faqs: Vec::new(),
        tables: body.gathered.tables,
        links: body.gathered.links,
        blocks: Vec::new(),
        sections: body.sections,
        anchors: body.gathered.anchors,
        includes: body.gathered.includes,
        has_calculator: false,
        browser_diagrams: body.gathered.browser_diagrams,
        components: body.gathered.components.into_iter().collect(),
        calculator_span: None,
        parts: Default::default(),
    };
    (Some(page), diags)
}

/// An index page's frontmatter (the file's keys besides its groups and sections; the
/// layout `index-page` unless it names one) and its YAML.
fn index_front(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(FrontMatter, portolan_yaml::Node)> {
    if text.len() > limits::MAX_PAGE_BYTES {
        diags.push(
            Diagnostic::error(
                Span::new(file, 0, 0),
                "index page is larger than a page may be",
            )
            .with_label("this page"),
        );
        return None;
    }
    let doc = match yaml::read(text) {
        Ok(doc) => doc,
        Err(e) => {
            let at = diag::floor_char_boundary(text, e.offset.min(text.len()));
            diags.push(
                Diagnostic::error(Span::new(file, at, at), format!("invalid index YAML: {}", e.message))
                    .with_label("here")
                    .with_hint("an index is YAML: `title`, `description` and `sections:` of `items:` (or `groups:` of sections)"),
            );
            return None;
        }
    };
    let raw = frontmatter::RawFront {
        start: 0,
        end: text.len(),
    };
    let mut own = Vec::new();
    let front = read_frontmatter(ctx, file, text, info, Some(raw), text.len(), &mut own);
    // Its groups and sections are the body, not unknown frontmatter.
    own.retain(|d| {
        !indices::BODY_KEYS
            .iter()
            .any(|k| d.message == format!("unknown frontmatter key `{k}`"))
    });
    diags.extend(own);
    let mut front = front?;
    if front.layout.is_none() {
        front.layout = Some("index-page".to_string());
    }
    Some((front, doc))
}

/// A landing page's frontmatter (its `metadata:`, the layout `landing` unless it names
/// one) and its YAML.
fn landing_front(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(FrontMatter, portolan_yaml::Node)> {
    if text.len() > limits::MAX_PAGE_BYTES {
        diags.push(
            Diagnostic::error(
                Span::new(file, 0, 0),
                format!(
                    "landing page is {} bytes; the limit is {} MiB",
                    text.len(),
                    limits::MAX_PAGE_BYTES >> 20
                ),
            )
            .with_label("this page")
            .with_hint("split the page"),
        );
        return None;
    }
    let (doc, raw) = landing::metadata(file, text, diags)?;
    let mut front = read_frontmatter(ctx, file, text, info, Some(raw), text.len(), diags)?;
    if front.layout.is_none() {
        front.layout = Some("landing".to_string());
    }
    Some((front, doc))
}

/// Renders the body of a page whose frontmatter is read, then its FAQs and related
/// resources, and checks the result as a whole.
fn render_body(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    info: PageInfo<'_>,
    front: FrontMatter,
    mut diags: Vec<Diagnostic>,
) -> (Option<RenderedPage>, Vec<Diagnostic>) {
    let body_start = front.spans.body_start;
    let page = page_values(&front, info);
    let expanded = expand::expand(&ctx.page_env(&page), file, text, body_start, &mut diags);
    let cells = Budget::new(expanded.table_cells_left);
    let body = markdown::render_body(
        &expanded,
        ctx.links,
        ctx.diagrams,
        ctx.highlighter,
        &cells,
        &mut diags,
    );

    let mut links = expanded.gathered.links.clone();
    links.extend(body.links);
    let mut values = FrontValues::new(file, text, &front.spans);
    let faqs = render_faqs(ctx, &mut values, &cells, &front, &mut links, &mut diags);
    // Every URL the frontmatter gives the theme to link is checked here, at its line: the
    // theme writes them as they are.
    for (resources, origin) in [
        (&front.related_resources, LinkOrigin::RelatedResource),
        (&front.next_steps, LinkOrigin::NextStep),
    ] {
        for r in resources {
            let span = values.resource(origin, &r.url);
            if is_unsafe_url(&r.url, false) {
                push_limited(&mut diags, unsafe_url_error(span, &r.url));
            }
            links.push(Link {
                url: r.url.clone(),
                text: r.text.clone(),
                span,
                origin,
            });
        }
    }
    links.retain(|l| !l.url.is_empty());

    let faq_html: Vec<&str> = faqs
        .iter()
        .flat_map(|f| [f.question_html.as_str(), f.answer_html.as_str()])
        .collect();
    calculator::check_marker(
        file, text, body_start, &body.html, &faq_html, &expanded, &mut diags,
    );
    calculator::check_rendered(file, body_start, &body.html, &faq_html, &mut diags);

    let mut anchors: Vec<String> = body.headings.iter().map(|h| h.id.clone()).collect();
    anchors.extend(body.anchors);
    let tools = ctx.tools(&page, &cells);
    let (parts, extra) = parts::render(&tools, file, text, &front, anchors.clone(), &mut diags);
    anchors.extend(extra.anchors);
    links.extend(extra.links);
    let mut components = expanded.gathered.components;
    components.extend(extra.components);
    let mut tables = expanded.gathered.tables;
    tables.extend(extra.tables);
    let mut includes = expanded.gathered.includes;
    includes.extend(extra.includes);
    if !faqs.is_empty() {
        anchors.push("faq".into());
    }
    let mut sections = body.sections;
    for f in &faqs.rendered {
        anchors.push(f.id.clone());
    }
    anchors.extend(faqs.anchors);
    for f in &faqs.rendered {
        sections.push(SectionText {
            heading: markdown::collapse(&f.question_text),
            anchor: f.id.clone(),
            text: html_text(&f.answer_html),
        });
    }
    let page = RenderedPage {
        front,
        html: body.html,
        headings: body.headings,
        faqs: faqs.rendered,
        tables,
        links,
        blocks: body.blocks,
        sections,
        anchors,
        includes,
        has_calculator: expanded.gathered.has_calculator,
        browser_diagrams: body.browser_diagrams || extra.browser_diagrams,
        components: components.into_iter().collect(),
        calculator_span: expanded.gathered.calculator_span,
        parts,
    };
    (Some(page), diags)
}

/// Finds where values are written in the frontmatter, in bounded time: FAQ values from the
/// `faqs:` key on, related resources' from theirs, each in the order written.
struct FrontValues<'t> {
    file: FileId,
    start: usize,
    faqs: Finder<'t>,
    related: Finder<'t>,
    next_steps: Finder<'t>,
}

impl<'t> FrontValues<'t> {
    fn new(file: FileId, text: &'t str, spans: &FrontSpans) -> Self {
        let yaml = spans.yaml.clone().unwrap_or(0..0);
        let from = |key: &str| spans.key(key).map_or(0, |s| s.start - yaml.start);
        FrontValues {
            file,
            start: yaml.start,
            faqs: Finder::starting_at(&text[yaml.clone()], from("faqs")),
            related: Finder::starting_at(&text[yaml.clone()], from("related_resources")),
            next_steps: Finder::starting_at(&text[yaml.clone()], from("next_steps")),
        }
    }

    fn span(&self, found: Option<usize>, needle: &str) -> Span {
        match found {
            Some(o) => Span::new(self.file, self.start + o, self.start + o + needle.len()),
            None => Span::new(self.file, self.start, self.start),
        }
    }

    fn faq(&mut self, needle: &str) -> Span {
        let found = self.faqs.find(needle);
        self.span(found, needle)
    }

    /// Where the URL `needle` of a related resource or next step is written.
    fn resource(&mut self, origin: LinkOrigin, needle: &str) -> Span {
        let found = match origin {
            LinkOrigin::NextStep => self.next_steps.find(needle),
            _ => self.related.find(needle),
        };
        self.span(found, needle)
    }
}

/// A page's FAQs, rendered, and the ids their answers define.
struct Faqs {
    rendered: Vec<RenderedFaq>,
    anchors: Vec<String>,
}

impl Faqs {
    fn is_empty(&self) -> bool {
        self.rendered.is_empty()
    }

    fn iter(&self) -> std::slice::Iter<'_, RenderedFaq> {
        self.rendered.iter()
    }
}

fn render_faqs(
    ctx: Context<'_>,
    values: &mut FrontValues<'_>,
    cells: &Budget<usize>,
    front: &FrontMatter,
    links: &mut Vec<Link>,
    diags: &mut Vec<Diagnostic>,
) -> Faqs {
    let mut seen = UniqueIds::default();
    for id in RESERVED_IDS {
        seen.reserve(id);
    }
    let mut anchors = Vec::new();
    let rendered = front
        .faqs
        .iter()
        .map(|faq| {
            let q: Inline = render_inline_in(&faq.q, ctx.links, cells);
            let a: Inline = render_fragment_in(&faq.a, ctx.links, cells);
            for l in &a.links {
                links.push(Link {
                    span: values.faq(&l.url),
                    origin: LinkOrigin::Faq,
                    ..l.clone()
                });
            }
            let first_line = |s: &'_ str| s.lines().next().unwrap_or_default().to_string();
            let (q_first, a_first) = (first_line(&faq.q), first_line(&faq.a));
            Inline::report_all(
                &[(&q, &q_first), (&a, &a_first)],
                &mut |needle| values.faq(needle),
                diags,
            );
            anchors.extend(a.anchors);
            RenderedFaq {
                id: seen.unique(&slugify(&q.text)),
                question_text: q.text,
                question_html: q.html,
                answer_markdown: faq.a.clone(),
                answer_html: a.html,
            }
        })
        .collect();
    Faqs { rendered, anchors }
}

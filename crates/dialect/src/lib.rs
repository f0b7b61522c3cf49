//! Kong-flavoured markdown to HTML and structured data.
//!
//! The dialect is the one Kong's Jekyll site speaks: YAML frontmatter (with `faqs:`),
//! a strict Liquid subset (`{{site.NAME}}`, `{% table %}`, `{% include %}` /
//! `{% include_cached %}`, `{% raw %}`, `{% comment %}`), kramdown block attribute lists
//! (`{:.info}` callouts) and `<!--vale off-->` comments, on top of CommonMark + GFM.
//!
//! The crate is pure: it never touches the file system. Files are named by [`FileId`]s that
//! the caller owns, and includes arrive through an [`IncludeResolver`] the caller gives.
//! Every problem comes back as a [`Diagnostic`] with a span in the real file, so the
//! caller can print `file:line:column` and the offending line.
//!
//! Pipeline for one page: [`frontmatter::split`] → typed [`FrontMatter`] → Liquid
//! expansion of the body ([`liquid`]), which splices includes and renders tables, keeping a
//! source map → pulldown-cmark with transforms ([`markdown`]) → [`RenderedPage`].

pub mod diag;
pub mod frontmatter;
pub mod limits;
pub mod liquid;
pub mod markdown;
mod slug;
pub mod table;
pub mod yaml;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

pub use diag::{Diagnostic, FileId, Severity, Span};
pub use frontmatter::{Faq, FrontMatter, RelatedResource};
pub use markdown::{Heading, Link, LinkOrigin, TextBlock};
pub use slug::slugify;
pub use table::{Cell, Column, Row, Table};

/// Site variables, reachable from content as `{{site.NAME}}` (nested maps as `site.a.b`).
pub type Variables = serde_yaml::Mapping;

/// A file an include resolved to.
#[derive(Debug, Clone)]
pub struct Included {
    /// The caller's id for the file (diagnostics inside it use this id).
    pub file: FileId,
    /// Its text.
    pub text: Arc<str>,
}

/// Why an include could not be resolved; shown at the include tag.
#[derive(Debug, Clone)]
pub struct IncludeError {
    /// What went wrong, e.g. "include `x.md` not found".
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// Finds include files. The caller decides where includes live and guards against paths
/// that escape that folder; the dialect has already refused `..` and absolute paths.
pub trait IncludeResolver: Sync {
    /// Resolves `path` (relative to the includes folder, no leading `/`).
    fn resolve(&self, path: &str) -> Result<Included, IncludeError>;
}

/// Decides what a link written in content points at in the output: the site adds its base
/// path to links to its own pages and sends links to pages it does not own upstream.
pub trait LinkRewriter: Sync {
    /// The href to emit for `url` as written, or `None` to keep it.
    fn rewrite(&self, url: &str) -> Option<String>;
}

/// Keeps every link as written.
pub struct KeepLinks;

impl LinkRewriter for KeepLinks {
    fn rewrite(&self, _: &str) -> Option<String> {
        None
    }
}

/// What a page is rendered with.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// `site.*` variables.
    pub site: &'a Variables,
    /// Where includes come from.
    pub includes: &'a dyn IncludeResolver,
    /// How links are written out.
    pub links: &'a dyn LinkRewriter,
}

/// One FAQ, rendered.
#[derive(Debug, Clone, Serialize)]
pub struct RenderedFaq {
    /// Anchor id, a slug of the question.
    pub id: String,
    /// The question as plain text (Liquid expanded).
    pub question_text: String,
    /// The question as inline HTML.
    pub question_html: String,
    /// The answer's markdown after Liquid expansion.
    pub answer_markdown: String,
    /// The answer as HTML.
    pub answer_html: String,
}

/// A page after rendering: HTML plus everything structured that the site and other tools use.
#[derive(Debug, Clone, Serialize)]
pub struct RenderedPage {
    /// Frontmatter with Liquid expanded in its text fields.
    pub front: FrontMatter,
    /// The body as HTML.
    pub html: String,
    /// Every heading of the body, in order.
    pub headings: Vec<Heading>,
    /// FAQs from the frontmatter.
    pub faqs: Vec<RenderedFaq>,
    /// Every `{% table %}` of the body (includes too), in order.
    pub tables: Vec<Table>,
    /// Every link of the page: body, tables, FAQs, related resources.
    pub links: Vec<Link>,
    /// Plain text of the body's paragraphs and list items, for search and the calculator.
    pub blocks: Vec<TextBlock>,
    /// Files included while rendering (directly or not): what this page depends on.
    #[serde(skip)]
    pub includes: Vec<FileId>,
    /// True when the body places the hostname calculator.
    pub has_calculator: bool,
    /// Where the body places it.
    #[serde(skip)]
    pub calculator_span: Option<Span>,
}

/// Ids the theme gives its own elements; headings and FAQs never take them.
pub const RESERVED_IDS: [&str; 5] = [
    "faq",
    "toc-title",
    "related-title",
    "main",
    "portolan-calculator",
];

/// The HTML marker that `{% hostname_calculator %}` leaves in the body; the site replaces
/// it with the calculator widget.
pub const CALCULATOR_MARKER: &str = "<div data-portolan-calculator></div>";

/// Reads only a page's frontmatter (Liquid expanded), for what pages need to know about
/// each other before any page renders. Returns the frontmatter (when it has no errors) and
/// its warnings; a page whose frontmatter has errors gets `None`, and [`render_page`]
/// reports them.
pub fn render_frontmatter(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    if text.len() > limits::MAX_PAGE_BYTES {
        return (None, Vec::new());
    }
    let Some(raw) = frontmatter::split(file, text).ok().and_then(|s| s.front) else {
        return (None, Vec::new());
    };
    let mut diags = Vec::new();
    match frontmatter::parse(file, text, raw, ctx.site, &mut diags) {
        Some(front) if !diags.iter().any(Diagnostic::is_error) => (Some(front), diags),
        _ => (None, Vec::new()),
    }
}

/// [`render_page`] for a page whose frontmatter [`render_frontmatter`] already read (it is
/// not parsed again; its problems are still reported).
pub fn render_page_with(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    front: Option<&FrontMatter>,
) -> (Option<RenderedPage>, Vec<Diagnostic>) {
    match front {
        Some(f) => render_parsed(ctx, file, text, f.clone(), Vec::new()),
        None => render_page(ctx, file, text),
    }
}

/// Renders one page. Always returns every diagnostic it found; the page is `None` only when
/// the frontmatter could not be read at all.
pub fn render_page(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
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
    let Some(raw) = split.front else {
        diags.push(
            Diagnostic::error(Span::new(file, 0, 0), "page has no frontmatter")
                .with_label("expected `---` here")
                .with_hint(
                    "start the page with a YAML frontmatter block: `---`, `title: ...`, `---`",
                ),
        );
        return (None, diags);
    };
    match frontmatter::parse(file, text, raw, ctx.site, &mut diags) {
        Some(front) => render_parsed(ctx, file, text, front, diags),
        None => (None, diags),
    }
}

fn render_parsed(
    ctx: Context<'_>,
    file: FileId,
    text: &str,
    front: FrontMatter,
    mut diags: Vec<Diagnostic>,
) -> (Option<RenderedPage>, Vec<Diagnostic>) {
    let Ok(split) = frontmatter::split(file, text) else {
        return (None, diags);
    };
    let raw_front = split.front;
    let params = BTreeMap::new();
    let expanded = liquid::expand(ctx, file, text, split.body_start, &params, &mut diags);
    let cells = std::cell::Cell::new(expanded.table_cells_left);
    let body = markdown::render_body(&expanded, ctx.links, &cells, &mut diags);

    let mut links = expanded.links.clone();
    links.extend(body.links);
    let mut values = FrontValues::new(file, text, raw_front);
    let faqs = render_faqs(ctx, &mut values, &cells, &front, &mut links, &mut diags);
    for r in &front.related_resources {
        if markdown::is_unsafe_url(&r.url, false) {
            diag::push_limited(
                &mut diags,
                markdown::unsafe_url_error(values.related(&r.url), &r.url),
            );
        }
        links.push(Link {
            url: r.url.clone(),
            text: r.text.clone(),
            span: values.related(&r.url),
            origin: LinkOrigin::RelatedResource,
        });
    }
    links.retain(|l| !l.url.is_empty());

    // The site swaps the calculator's marker for the widget: only the one that
    // `{% hostname_calculator %}` left may be there, never one written as raw HTML (inside
    // an attribute it would put the widget's markup in the attribute's value).
    let markers = body.html.matches(CALCULATOR_MARKER).count()
        + faqs
            .iter()
            .map(|f| {
                f.question_html.matches(CALCULATOR_MARKER).count()
                    + f.answer_html.matches(CALCULATOR_MARKER).count()
            })
            .sum::<usize>();
    if markers > usize::from(expanded.has_calculator) {
        let (at, len) = match text.find(CALCULATOR_MARKER) {
            Some(at) => (at, CALCULATOR_MARKER.len()),
            None => text
                .find("data-portolan-calculator")
                .map_or((split.body_start, 0), |at| {
                    (at, "data-portolan-calculator".len())
                }),
        };
        let end = diag::ceil_char_boundary(text, at + len);
        diag::push_limited(
            &mut diags,
            Diagnostic::error(Span::new(file, at, end), "raw HTML that spells the calculator's marker `<div data-portolan-calculator></div>`")
                .with_label("reserved for the calculator")
                .with_hint("place the calculator with `{% hostname_calculator %}`"),
        );
    }

    // The widget goes where the marker is, so the marker must be where markup of its own
    // may start: not inside a tag (an attribute's value would take the widget's markup,
    // and with it text from the content), a comment or a bogus comment.
    if markers == 1 && expanded.has_calculator {
        let at = body.html.find(CALCULATOR_MARKER).unwrap_or(0);
        if !markdown::ends_in_text(&body.html[..at]) {
            if let Some(span) = expanded.calculator_span {
                diag::push_limited(
                    &mut diags,
                    Diagnostic::error(span, "`{% hostname_calculator %}` inside raw HTML that is still open")
                        .with_label("the calculator would land inside a tag or comment")
                        .with_hint("put the tag on a line of its own, after the raw HTML before it is closed with `>`"),
                );
            }
        }
    }

    // Raw HTML is checked where it is written. This pass over the page as rendered is the
    // backstop for what only appears when raw HTML and markdown combine, so a page that
    // builds never holds live script, whatever the checks above missed.
    if !diags.iter().any(Diagnostic::is_error) {
        let faq_html = faqs
            .iter()
            .flat_map(|f| [f.question_html.as_str(), f.answer_html.as_str()]);
        if let Some((_, what)) = std::iter::once(body.html.as_str())
            .chain(faq_html)
            .find_map(|h| markdown::unsafe_html(h).into_iter().next())
        {
            let at = Span::new(file, split.body_start, split.body_start);
            diag::push_limited(
                &mut diags,
                markdown::unsafe_html_error(at, &what)
                    .with_label("in the page as rendered")
                    .with_hint("raw HTML and the markdown around it combine into this; look for raw HTML that is left open"),
            );
        }
    }

    let page = RenderedPage {
        front,
        html: body.html,
        headings: body.headings,
        faqs,
        tables: expanded.tables,
        links,
        blocks: body.blocks,
        includes: expanded.includes,
        has_calculator: expanded.has_calculator,
        calculator_span: expanded.calculator_span,
    };
    (Some(page), diags)
}

/// Finds where values are written in the frontmatter (see [`frontmatter::find_value_span`]),
/// in bounded time: FAQ values from the `faqs:` key on, related resources' from theirs, each
/// in the order written.
struct FrontValues<'t> {
    file: FileId,
    start: usize,
    faqs: diag::Finder<'t>,
    related: diag::Finder<'t>,
}

impl<'t> FrontValues<'t> {
    fn new(file: FileId, text: &'t str, raw: Option<frontmatter::RawFront>) -> Self {
        let (start, end) = raw.map_or((0, 0), |r| (r.start, r.end));
        let from = |key: &str| {
            raw.map_or(0, |r| {
                frontmatter::key_span(file, text, r, key).start - start
            })
        };
        let yaml = &text[start..end];
        FrontValues {
            file,
            start,
            faqs: diag::Finder::starting_at(yaml, from("faqs")),
            related: diag::Finder::starting_at(yaml, from("related_resources")),
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

    fn related(&mut self, needle: &str) -> Span {
        let found = self.related.find(needle);
        self.span(found, needle)
    }
}

fn render_faqs(
    ctx: Context<'_>,
    values: &mut FrontValues<'_>,
    cells: &std::cell::Cell<usize>,
    front: &FrontMatter,
    links: &mut Vec<Link>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RenderedFaq> {
    let mut seen = slug::UniqueIds::default();
    for id in RESERVED_IDS {
        seen.reserve(id);
    }
    front
        .faqs
        .iter()
        .map(|faq| {
            let q = markdown::render_inline_in(&faq.q, ctx.links, cells);
            let a = markdown::render_fragment_in(&faq.a, ctx.links, cells);
            for l in a.links {
                links.push(Link {
                    span: values.faq(&l.url),
                    origin: LinkOrigin::Faq,
                    ..l
                });
            }
            for bad in q.rejected.iter().chain(&a.rejected) {
                diag::push_limited(diags, markdown::unsafe_url_error(values.faq(bad), bad));
            }
            for (written, what) in q.unsafe_html.iter().chain(&a.unsafe_html) {
                diag::push_limited(
                    diags,
                    markdown::unsafe_html_error(values.faq(written), what),
                );
            }
            for (refused, written) in [(q.refused, &faq.q), (a.refused, &faq.a)] {
                if let Some(why) = refused {
                    let first_line = written.lines().next().unwrap_or_default();
                    diag::push_limited(diags, why.error(values.faq(first_line)));
                }
            }
            RenderedFaq {
                id: seen.unique(&slugify(&q.text)),
                question_text: q.text,
                question_html: q.html,
                answer_markdown: faq.a.clone(),
                answer_html: a.html,
            }
        })
        .collect()
}

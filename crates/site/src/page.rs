//! One page's output: its HTML (the theme's layout over the page's context), its JSON-LD,
//! and the page model written beside it as `index.json`.

use portolan_dialect::diag::LineIndex;
use portolan_dialect::{Diagnostic, FrontMatter, Heading, LinkRewriter, RenderedFaq};
use portolan_dialect::{RenderedPage, Span, Table, CALCULATOR_MARKER};
use serde::Serialize;
use serde_json::json;

use crate::calculator::calculator_html;
use crate::content::PageSource;
use crate::context::{Label, PageContext, ResourceLink, VersionRange};
use crate::index::SiteIndex;
use crate::json::script_json;
use crate::nav::nav_title;
use crate::safe_url::SafeUrl;
use crate::site::Site;
use crate::templates::{template_error, Templates};

/// The page model written beside each page as `index.json`, for other tools.
#[derive(Debug, Clone, Serialize)]
pub struct PageModel {
    /// URL path, e.g. `/konnect-platform/network/`.
    pub url: String,
    /// Source file, relative to the site folder.
    pub source: String,
    /// Frontmatter, Liquid expanded.
    pub frontmatter: FrontMatter,
    /// Headings of the body.
    pub headings: Vec<Heading>,
    /// FAQs, rendered.
    pub faqs: Vec<RenderedFaq>,
    /// Tables: columns, and rows keyed by column key.
    pub tables: Vec<Table>,
    /// Every link, with where it is written.
    pub links: Vec<LinkModel>,
}

/// A link in the page model.
#[derive(Debug, Clone, Serialize)]
pub struct LinkModel {
    /// Target as written.
    pub url: String,
    /// Link text.
    pub text: String,
    /// Body, table, FAQ, related resource or image.
    pub origin: portolan_dialect::LinkOrigin,
    /// `file:line:column`.
    pub source: String,
}

/// A page's files: its HTML and its model.
pub(crate) struct PageOutput {
    pub(crate) html_path: String,
    pub(crate) html: String,
    pub(crate) json_path: String,
    pub(crate) json: String,
}

fn layout_of(src: &PageSource, f: &FrontMatter) -> String {
    f.layout.clone().unwrap_or_else(|| {
        if src.url.is_empty() {
            "home".into()
        } else {
            "page".into()
        }
    })
}

/// Schema.org data for the page: its FAQs and its breadcrumbs. Keys are written in
/// alphabetical order (JSON maps keep the order they are written in).
fn json_ld(page: &RenderedPage, crumbs: &[crate::context::Crumb], url: &str) -> String {
    let mut graph = Vec::new();
    if !page.faqs.is_empty() {
        graph.push(json!({
            "@type": "FAQPage",
            "mainEntity": page.faqs.iter().map(|q| json!({
                "@type": "Question",
                "acceptedAnswer": {"@type": "Answer", "text": q.answer_html},
                "name": q.question_text,
            })).collect::<Vec<_>>(),
        }));
    }
    if !crumbs.is_empty() {
        let items: Vec<_> = crumbs
            .iter()
            .map(|c| (c.title.clone(), c.url.as_str().to_string()))
            .chain([(nav_title(&page.front), url.to_string())])
            .enumerate()
            .map(|(i, (name, item))| json!({"@type": "ListItem", "item": item, "name": name, "position": i + 1}))
            .collect();
        graph.push(json!({"@type": "BreadcrumbList", "itemListElement": items}));
    }
    if graph.is_empty() {
        String::new()
    } else {
        script_json(&json!({"@context": "https://schema.org", "@graph": graph}))
    }
}

/// The page's body with the calculator's widget where its tag left the marker.
fn content(
    templates: &Templates,
    src: &PageSource,
    page: &RenderedPage,
) -> Result<String, Diagnostic> {
    if !page.has_calculator {
        return Ok(page.html.clone());
    }
    let widget = calculator_html(templates, src, page)?;
    // The dialect has made sure the marker is the tag's own, and the only one.
    Ok(page.html.replacen(CALCULATOR_MARKER, &widget, 1))
}

/// Renders a page with the theme: its HTML and its model.
/// What every tab list's element carries, whichever component drew it (`navtabs`, `tabs`):
/// a page with one loads the tabs' script.
const TAB_LIST: &str = "class=\"tabs-list\"";

/// What every code block's element starts with: a page with one loads the copy buttons.
const CODE_BLOCK: &str = "class=\"code-block";

/// `csp` with inline styles allowed (mermaid.js styles what it draws inline); `None` when
/// it has no `style-src` or `default-src` that forbids them.
fn inline_styles_allowed(csp: &str) -> Option<String> {
    if csp.trim().is_empty() {
        return None;
    }
    let mut directives: Vec<String> = csp.split(';').map(|d| d.trim().to_string()).collect();
    let style = directives
        .iter_mut()
        .find(|d| d.split_whitespace().next() == Some("style-src"));
    match style {
        Some(d) if d.contains("'unsafe-inline'") => return None,
        Some(d) => d.push_str(" 'unsafe-inline'"),
        None => {
            let default = directives
                .iter()
                .find(|d| d.split_whitespace().next() == Some("default-src"))?;
            let sources = default
                .split_whitespace()
                .skip(1)
                .collect::<Vec<_>>()
                .join(" ");
            directives.push(format!("style-src {sources} 'unsafe-inline'"));
        }
    }
    Some(
        directives
            .into_iter()
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// The series `page` is a part of, with the parts the site has, in order.
fn series_nav(
    site: &Site,
    src: &PageSource,
    page: &RenderedPage,
) -> Option<crate::context::SeriesNav> {
    let series = page.parts.get("series")?;
    let id = series.get("id")?.as_str()?;
    let cards = site.directory.cards();
    let parts = crate::directory::series_parts(&cards, id);
    let position = parts.iter().position(|c| c.key == src.url)? + 1;
    Some(crate::context::SeriesNav {
        title: series
            .get("title")
            .and_then(serde_json::Value::as_str)
            .unwrap_or(id)
            .to_string(),
        position,
        total: parts.len(),
        steps: parts
            .iter()
            .map(|c| crate::context::SeriesStep {
                url: c.url.clone(),
                title: c.title.clone(),
                current: c.key == src.url,
            })
            .collect(),
    })
}

/// Every string in `v`, appended to `out`.
fn strings_of(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => out.push_str(s),
        serde_json::Value::Array(items) => items.iter().for_each(|i| strings_of(i, out)),
        serde_json::Value::Object(m) => m.values().for_each(|i| strings_of(i, out)),
        _ => {}
    }
}

pub(crate) fn render<'p>(
    site: &Site,
    index: &SiteIndex,
    templates: &Templates,
    src: &PageSource,
    page: &'p RenderedPage,
    text: &str,
) -> Result<PageOutput, Diagnostic> {
    let f = &page.front;
    let layout = layout_of(src, f);
    if !templates.layouts().contains(&layout) {
        let span = f.spans.key_or_start(src.file, "layout");
        return Err(Diagnostic::error(
            span,
            format!("layout `{layout}` has no template in the theme"),
        )
        .with_label("unknown layout")
        .with_hint(format!(
            "the theme's layouts are: {}",
            templates.layouts().join(", ")
        )));
    }
    let url = site.config.page_url(&src.url);
    let crumbs = index
        .crumbs
        .get(&src.url)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let labelled = |ids: &'p [String]| -> Vec<Label<'p>> {
        ids.iter()
            .map(|id| Label {
                id,
                name: site.config.label(id),
            })
            .collect()
    };
    let html = content(templates, src, page)?;
    // What the parts hold decides which scripts the page loads, as its body's does.
    let mut parts_html = String::new();
    for v in page.parts.values() {
        strings_of(v, &mut parts_html);
    }
    let context = PageContext {
        json_ld: json_ld(page, crumbs, &url),
        url: url.clone(),
        title: &f.title,
        short_title: nav_title(f),
        description: f.description.as_deref().unwrap_or_default(),
        content_type: f.content_type.as_deref().unwrap_or_default(),
        layout: &layout,
        breadcrumbs: crumbs,
        products: labelled(&f.products),
        tools: labelled(&f.tools),
        works_on: labelled(&f.works_on),
        toc: page
            .headings
            .iter()
            .filter(|h| (2..=3).contains(&h.level))
            .collect(),
        tabs: html.contains(TAB_LIST) || parts_html.contains(TAB_LIST),
        code: html.contains(CODE_BLOCK) || parts_html.contains(CODE_BLOCK),
        browser_diagrams: page.browser_diagrams,
        csp: page
            .browser_diagrams
            .then(|| inline_styles_allowed(&site.config.content_security_policy))
            .flatten(),
        content: html,
        faqs: &page.faqs,
        related_resources: resource_links(site, &f.related_resources),
        calculator: Some(page.has_calculator),
        components: &page.components,
        subtitle: f.subtitle.as_deref().unwrap_or_default(),
        tags: &f.tags,
        tier: f.tier.as_deref().map(|id| Label {
            id,
            name: site.config.label(id),
        }),
        beta: f.beta,
        tech_preview: f.tech_preview,
        versions: version_ranges(site, f),
        next_steps: resource_links(site, &f.next_steps),
        plugins: linked(site, &f.plugins, "/plugins/"),
        api_specs: linked(site, &f.api_specs, "/api/"),
        parts: (!page.parts.is_empty()).then_some(&page.parts),
        series: series_nav(site, src, page),
    };
    // Only the home page lists every page; elsewhere that would make the build quadratic.
    let sections = src.url.is_empty().then_some(index.sections.as_slice());
    let nav = index.nav.for_page(&src.url);
    let html = templates
        .page(&layout, &context, &nav, sections)
        .map_err(|e| template_error(src, &e))?;
    let html = if site.config.minify {
        crate::publish::minify(&html)
    } else {
        html
    };
    // Positions in the page's own file from `text`: asked of the sources, a released text
    // would be read again and kept, with its line index, for every page.
    let lines = std::cell::OnceCell::new();
    let position = |span: Span| {
        if span.file == src.file {
            let lines = lines.get_or_init(|| LineIndex::new(text));
            site.sources.position_in(span, text, lines)
        } else {
            site.sources.position(span)
        }
    };
    let model = PageModel {
        url,
        source: site.sources.get(src.file).path.clone(),
        frontmatter: f.clone(),
        headings: page.headings.clone(),
        faqs: page.faqs.clone(),
        tables: page.tables.clone(),
        links: page
            .links
            .iter()
            .map(|l| LinkModel {
                url: l.url.clone(),
                text: l.text.clone(),
                origin: l.origin,
                source: position(l.span),
            })
            .collect(),
    };
    Ok(PageOutput {
        html_path: format!("{}index.html", src.url),
        html,
        json_path: format!("{}index.json", src.url),
        json: script_json(&model),
    })
}

/// Ids linked to their pages under `prefix` (`/plugins/ID/`), rewritten like every link.
fn linked<'p>(site: &Site, ids: &'p [String], prefix: &str) -> Vec<ResourceLink<'p>> {
    ids.iter()
        .filter_map(|id| {
            let url = format!("{prefix}{}/", id.trim_matches('/'));
            Some(ResourceLink {
                text: id,
                url: SafeUrl::new(site.links.rewrite(&url).unwrap_or(url))?,
            })
        })
        .collect()
}

/// Links written in the frontmatter (related resources, next steps), rewritten like every
/// link; one the URL policy refuses is left out (the dialect reported it at its line).
fn resource_links<'p>(
    site: &Site,
    resources: &'p [portolan_dialect::RelatedResource],
) -> Vec<ResourceLink<'p>> {
    resources
        .iter()
        .filter_map(|r| {
            Some(ResourceLink {
                text: &r.text,
                url: SafeUrl::new(site.links.rewrite(&r.url).unwrap_or_else(|| r.url.clone()))?,
            })
        })
        .collect()
}

/// Each product's `min_version` and `max_version`, by product.
fn version_ranges<'p>(site: &Site, f: &'p FrontMatter) -> Vec<VersionRange<'p>> {
    let products: std::collections::BTreeSet<&String> =
        f.min_version.keys().chain(f.max_version.keys()).collect();
    products
        .into_iter()
        .map(|id| VersionRange {
            product: Label {
                id,
                name: site.config.label(id),
            },
            min: f.min_version.get(id).map(String::as_str),
            max: f.max_version.get(id).map(String::as_str),
        })
        .collect()
}

/// The 404 page; empty when the theme has none.
pub(crate) fn render_404(site: &Site, templates: &Templates) -> Result<String, Diagnostic> {
    match templates.not_found(site) {
        None => Ok(String::new()),
        Some(Ok(html)) => Ok(html),
        Some(Err(e)) => Err(Diagnostic::global(format!(
            "template `404.html` failed: {}",
            e.message
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_mermaid_js_draws_on_allows_inline_styles_only() {
        assert_eq!(
            inline_styles_allowed("default-src 'self'; style-src 'self'; script-src 'self'")
                .as_deref(),
            Some("default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'")
        );
        assert_eq!(
            inline_styles_allowed("default-src 'self'").as_deref(),
            Some("default-src 'self'; style-src 'self' 'unsafe-inline'")
        );
        assert_eq!(inline_styles_allowed("style-src 'unsafe-inline'"), None);
        assert_eq!(inline_styles_allowed("script-src 'self'"), None);
        assert_eq!(inline_styles_allowed(""), None);
    }
}

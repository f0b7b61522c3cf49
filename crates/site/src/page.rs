//! One page's templates context, HTML, JSON model and JSON-LD; and the site-wide index
//! (titles by URL, breadcrumbs, the home page's sections) that pages need from each other.

use std::collections::HashMap;

use portolan_dialect::{
    Diagnostic, FrontMatter, Heading, LinkRewriter, RenderedFaq, RenderedPage, Span, Table,
    CALCULATOR_MARKER,
};
use portolan_endpoints::{
    CalculatorSpec, ContentFacts, FactColumn, FactParagraph, FactRow, FactTable,
};
use serde::Serialize;
use serde_json::json;

use crate::theme::error_chain;
use crate::{Loaded, PageSource};

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

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Crumb {
    url: String,
    title: String,
}

#[derive(Debug, Clone, Serialize)]
struct PageLink {
    url: String,
    title: String,
    description: String,
}

#[derive(Debug, Clone, Serialize)]
struct Section {
    title: String,
    url: String,
    pages: Vec<PageLink>,
}

/// What pages need to know about each other.
pub(crate) struct SiteIndex {
    crumbs: HashMap<String, Vec<Crumb>>,
    sections: Vec<Section>,
    nav: Nav,
}

/// The navigation tree, from the content folders: each page sits under the page of its
/// parent folder (a folder without an index.md gets a label of its own). Siblings are
/// ordered by `weight`, then title.
struct Nav {
    nodes: Vec<NavNode>,
    by_key: HashMap<String, usize>,
    /// Pages in reading order (a pre-order walk), for previous/next links.
    order: Vec<usize>,
    /// Each node's place in `order`.
    place: Vec<Option<usize>>,
    /// The nav HTML shown under each node, rendered once (see [`Nav::for_page`]).
    cache: Vec<std::sync::OnceLock<String>>,
}

struct NavNode {
    key: String,
    href: Option<String>,
    title: String,
    weight: i64,
    parent: Option<usize>,
    children: Vec<usize>,
}

fn parent_key(key: &str) -> Option<String> {
    if key.is_empty() {
        return None;
    }
    let t = key.trim_end_matches('/');
    Some(
        t.rfind('/')
            .map_or(String::new(), |i| format!("{}/", &t[..i])),
    )
}

impl Nav {
    fn new(loaded: &Loaded, pages: &[(&PageSource, &FrontMatter)]) -> Nav {
        let base = &loaded.config.base_url;
        let mut nav = Nav {
            nodes: Vec::new(),
            by_key: HashMap::new(),
            order: Vec::new(),
            place: Vec::new(),
            cache: Vec::new(),
        };
        nav.node("", None, loaded.config.title.clone(), 0);
        for (src, page) in pages {
            let i = nav.node(
                &src.url,
                Some(with_base(base, &format!("/{}", src.url))),
                nav_title(page),
                page.weight.unwrap_or(0),
            );
            nav.nodes[i].href = Some(with_base(base, &format!("/{}", src.url)));
            nav.nodes[i].title = nav_title(page);
            nav.nodes[i].weight = page.weight.unwrap_or(0);
        }
        // Link each node to its parent, creating folder nodes that have no page.
        let mut i = 0;
        while i < nav.nodes.len() {
            if let Some(pk) = parent_key(&nav.nodes[i].key) {
                let seg = pk
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string();
                let p = match nav.by_key.get(&pk) {
                    Some(&p) => p,
                    None => nav.node(&pk, None, loaded.config.label(&seg), 0),
                };
                nav.nodes[i].parent = Some(p);
                nav.nodes[p].children.push(i);
            }
            i += 1;
        }
        let nodes = &nav.nodes;
        let mut sorted: Vec<Vec<usize>> = nodes.iter().map(|n| n.children.clone()).collect();
        for c in &mut sorted {
            c.sort_by(|&a, &b| {
                (nodes[a].weight, &nodes[a].title).cmp(&(nodes[b].weight, &nodes[b].title))
            });
        }
        for (n, c) in nav.nodes.iter_mut().zip(sorted) {
            n.children = c;
        }
        let mut stack = vec![0];
        nav.place = vec![None; nav.nodes.len()];
        while let Some(n) = stack.pop() {
            if nav.nodes[n].href.is_some() {
                nav.place[n] = Some(nav.order.len());
                nav.order.push(n);
            }
            stack.extend(nav.nodes[n].children.iter().rev());
        }
        nav.cache = (0..nav.nodes.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        nav
    }

    fn node(&mut self, key: &str, href: Option<String>, title: String, weight: i64) -> usize {
        if let Some(&i) = self.by_key.get(key) {
            return i;
        }
        self.nodes.push(NavNode {
            key: key.to_string(),
            href,
            title,
            weight,
            parent: None,
            children: Vec::new(),
        });
        self.by_key.insert(key.to_string(), self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    /// The nav for a page: top-level entries with the branch leading to the page expanded (so
    /// a page's nav stays small on a large site), plus previous/next links.
    ///
    /// Pages under the same parent show the same tree but for which link is current, so the
    /// theme's `nav.html` renders once per expanded node and each page marks its own link.
    fn for_page(
        &self,
        url_key: &str,
        tera: &tera::Tera,
    ) -> Result<(String, serde_json::Value, serde_json::Value), tera::Error> {
        let current = self.by_key.get(url_key).copied();
        let shown = current.map_or(0, |c| {
            if self.nodes[c].children.is_empty() {
                self.nodes[c].parent.unwrap_or(0)
            } else {
                c
            }
        });
        let html = match self.cache[shown].get() {
            Some(h) => h.clone(),
            None => {
                let mut path = Vec::new();
                let mut at = Some(shown);
                while let Some(n) = at {
                    path.push(n);
                    at = self.nodes[n].parent;
                }
                let mut ctx = tera::Context::new();
                ctx.insert("nav", &self.items(&self.nodes[0].children, &path));
                let h = tera.render("nav.html", &ctx)?;
                let _ = self.cache[shown].set(h.clone());
                h
            }
        };
        let html = match current.and_then(|c| self.nodes[c].href.as_deref()) {
            Some(href) => {
                let link = format!("<a href=\"{}\">", portolan_htmlscan::escape_html(href));
                html.replacen(
                    &link,
                    &format!("{}{}", &link[..link.len() - 1], " aria-current=\"page\">"),
                    1,
                )
            }
            None => html,
        };
        let pos = current.and_then(|c| self.place[c]);
        let link = |i: Option<usize>| match i.map(|i| &self.nodes[i]) {
            Some(n) => json!({"url": n.href, "title": n.title}),
            None => serde_json::Value::Null,
        };
        let prev = pos.and_then(|p| p.checked_sub(1)).map(|p| self.order[p]);
        let next = pos.and_then(|p| self.order.get(p + 1).copied());
        Ok((html, link(prev), link(next)))
    }

    fn items(&self, children: &[usize], path: &[usize]) -> Vec<serde_json::Value> {
        children
            .iter()
            .map(|&c| {
                let n = &self.nodes[c];
                let open = path.contains(&c);
                let kids = if open {
                    self.items(&n.children, path)
                } else {
                    Vec::new()
                };
                json!({
                    "title": n.title,
                    "url": n.href,
                    "open": open,
                    "has_children": !n.children.is_empty(),
                    "children": kids,
                })
            })
            .collect()
    }
}

pub(crate) struct PageOutput {
    pub(crate) html_path: String,
    pub(crate) html: String,
    pub(crate) json_path: String,
    pub(crate) json: String,
}

fn nav_title(f: &FrontMatter) -> String {
    f.short_title
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| f.title.clone())
}

/// `/x` or `x/` → `x/` (URL key relative to the base).
fn url_key(u: &str) -> String {
    let t = u.split(['#', '?']).next().unwrap_or("").trim_matches('/');
    if t.is_empty() {
        String::new()
    } else {
        format!("{t}/")
    }
}

/// Prefixes a site-absolute URL with the base; leaves others alone.
pub(crate) fn with_base(base: &str, u: &str) -> String {
    match u.strip_prefix('/') {
        Some(rest) if !u.starts_with("//") => format!("{base}{rest}"),
        _ => u.to_string(),
    }
}

impl SiteIndex {
    pub(crate) fn new(
        loaded: &Loaded,
        pages: &[(&PageSource, &FrontMatter)],
        diags: &mut Vec<Diagnostic>,
    ) -> SiteIndex {
        let base = &loaded.config.base_url;
        let titles: HashMap<&str, String> = pages
            .iter()
            .map(|(s, p)| (s.url.as_str(), nav_title(p)))
            .collect();
        let mut crumbs = HashMap::new();
        for (src, page) in pages {
            let mut list = Vec::new();
            for (n, b) in page.breadcrumbs.iter().enumerate() {
                match titles.get(url_key(b).as_str()) {
                    Some(t) => list.push(Crumb {
                        url: with_base(base, &format!("/{}", url_key(b))),
                        title: t.clone(),
                    }),
                    None => diags.push(
                        Diagnostic::error(
                            page.spans.breadcrumbs.get(n).copied().unwrap_or_else(|| {
                                page.spans.key_or_start(src.file, "breadcrumbs")
                            }),
                            format!("breadcrumb `{b}` names no page of this site"),
                        )
                        .with_label("no page at this URL")
                        .with_hint(format!(
                            "create content/{}index.md, or fix the URL",
                            url_key(b)
                        )),
                    ),
                }
            }
            crumbs.insert(src.url.clone(), list);
        }

        let mut sections: Vec<Section> = Vec::new();
        let mut ordered: Vec<&(&PageSource, &FrontMatter)> =
            pages.iter().filter(|(s, _)| !s.url.is_empty()).collect();
        ordered.sort_by(|a, b| {
            let key = |(s, p): &&(&PageSource, &FrontMatter)| {
                (
                    s.url.split('/').next().unwrap_or("").to_string(),
                    !s.url.ends_with("/") || s.url.matches('/').count() > 1,
                    p.weight.unwrap_or(i64::MAX),
                    p.title.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        for (src, page) in ordered {
            let top = src.url.split('/').next().unwrap_or("").to_string();
            let top_url = format!("{top}/");
            let link = PageLink {
                url: with_base(base, &format!("/{}", src.url)),
                title: page.title.clone(),
                description: page.description.clone().unwrap_or_default(),
            };
            match sections
                .iter_mut()
                .find(|s| s.url == with_base(base, &format!("/{top_url}")))
            {
                Some(s) => s.pages.push(link),
                None => sections.push(Section {
                    title: titles
                        .get(top_url.as_str())
                        .cloned()
                        .unwrap_or_else(|| loaded.config.label(&top)),
                    url: with_base(base, &format!("/{top_url}")),
                    pages: vec![link],
                }),
            }
        }
        SiteIndex {
            crumbs,
            sections,
            nav: Nav::new(loaded, pages),
        }
    }
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

fn assets(loaded: &Loaded) -> serde_json::Value {
    let base = &loaded.config.base_url;
    let url = |n: &str| {
        loaded
            .theme
            .asset(n)
            .map_or(String::new(), |a| format!("{base}assets/{a}"))
    };
    json!({
        "style_css": url("style.css"),
        "portolan_js": url("portolan.js"),
        "calculator_css": url("calculator.css"),
        "calculator_js": url("calculator-loader.js"),
        "search_js": url("search.js"),
    })
}

fn site_context(loaded: &Loaded) -> serde_json::Value {
    json!({
        "title": loaded.config.title,
        "description": loaded.config.description,
        "base_url": loaded.config.base_url,
        "variables": loaded.config.variables,
        "csp": loaded.config.content_security_policy,
    })
}

/// JSON for a `<script>` element or a `.json` file: `<`, `>` and `&` escaped (the same data),
/// so no text can close the element and no file holds markup a sniffing client could run.
pub(crate) fn script_json(v: &impl Serialize) -> String {
    html_safe_json(serde_json::to_string(v).unwrap_or_else(|_| "null".into()))
}

/// Escapes `<`, `>`, `&`, U+2028 and U+2029 in serialized JSON as `\uXXXX`. In JSON they can
/// only be inside strings, where the escape means the same character.
pub(crate) fn html_safe_json(s: String) -> String {
    if !s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 64);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn render(
    loaded: &Loaded,
    site: &SiteIndex,
    tera: &tera::Tera,
    src: &PageSource,
    page: &RenderedPage,
) -> Result<PageOutput, Diagnostic> {
    let base = &loaded.config.base_url;
    let f = &page.front;
    let url = with_base(base, &format!("/{}", src.url));
    let crumbs = site.crumbs.get(&src.url).cloned().unwrap_or_default();
    let labelled = |ids: &[String]| {
        ids.iter()
            .map(|id| json!({"id": id, "name": loaded.config.label(id)}))
            .collect::<Vec<_>>()
    };
    let toc: Vec<&Heading> = page
        .headings
        .iter()
        .filter(|h| (2..=3).contains(&h.level))
        .collect();

    let mut content = page.html.clone();
    if page.has_calculator {
        let widget = calculator_html(loaded, tera, src, page)?;
        content = content.replacen(CALCULATOR_MARKER, &widget, 1);
    }

    let mut graph = Vec::new();
    if !page.faqs.is_empty() {
        graph.push(json!({
            "@type": "FAQPage",
            "mainEntity": page.faqs.iter().map(|q| json!({
                "@type": "Question",
                "name": q.question_text,
                "acceptedAnswer": {"@type": "Answer", "text": q.answer_html},
            })).collect::<Vec<_>>(),
        }));
    }
    if !crumbs.is_empty() {
        let items: Vec<_> = crumbs
            .iter()
            .map(|c| (c.title.clone(), c.url.clone()))
            .chain([(nav_title(f), url.clone())])
            .enumerate()
            .map(|(i, (name, item))| json!({"@type": "ListItem", "position": i + 1, "name": name, "item": item}))
            .collect();
        graph.push(json!({"@type": "BreadcrumbList", "itemListElement": items}));
    }
    let json_ld = if graph.is_empty() {
        String::new()
    } else {
        script_json(&json!({"@context": "https://schema.org", "@graph": graph}))
    };

    let layout = layout_of(src, f);
    if !loaded.theme.layouts().any(|l| l == layout) {
        let span = f.spans.key_or_start(src.file, "layout");
        let names: Vec<&str> = loaded.theme.layouts().collect();
        return Err(Diagnostic::error(
            span,
            format!("layout `{layout}` has no template in the theme"),
        )
        .with_label("unknown layout")
        .with_hint(format!("the theme's layouts are: {}", names.join(", "))));
    }
    let mut ctx = tera::Context::new();
    ctx.insert("site", &site_context(loaded));
    ctx.insert("assets", &assets(loaded));
    ctx.insert(
        "page",
        &json!({
            "url": url,
            "title": f.title,
            "short_title": nav_title(f),
            "description": f.description.clone().unwrap_or_default(),
            "content_type": f.content_type.clone().unwrap_or_default(),
            "layout": layout,
            "breadcrumbs": crumbs,
            "products": labelled(&f.products),
            "tools": labelled(&f.tools),
            "works_on": labelled(&f.works_on),
            "toc": toc,
            "content": content,
            "faqs": page.faqs,
            "related_resources": f.related_resources.iter().map(|r| json!({"text": r.text, "url": loaded.links.rewrite(&r.url).unwrap_or_else(|| r.url.clone())})).collect::<Vec<_>>(),
            "json_ld": json_ld,
            "calculator": page.has_calculator,
        }),
    );
    if src.url.is_empty() {
        // Only the home page lists every page; elsewhere that would make the build quadratic.
        ctx.insert("sections", &site.sections);
    }
    let (nav_html, prev, next) = site
        .nav
        .for_page(&src.url, tera)
        .map_err(|e| template_error(src, "nav", &e))?;
    ctx.insert("nav_html", &nav_html);
    ctx.insert("prev", &prev);
    ctx.insert("next", &next);
    let html = tera
        .render(&format!("{layout}.html"), &ctx)
        .map_err(|e| template_error(src, &layout, &e))?;
    let html = if loaded.config.minify {
        crate::publish::minify(&html)
    } else {
        html
    };

    let links = page
        .links
        .iter()
        .map(|l| LinkModel {
            url: l.url.clone(),
            text: l.text.clone(),
            origin: l.origin,
            source: loaded.sources.position(l.span),
        })
        .collect();
    let model = PageModel {
        url: url.clone(),
        source: loaded.sources.get(src.file).path.clone(),
        frontmatter: f.clone(),
        headings: page.headings.clone(),
        faqs: page.faqs.clone(),
        tables: page.tables.clone(),
        links,
    };
    let json = script_json(&model);
    Ok(PageOutput {
        html_path: format!("{}index.html", src.url),
        html,
        json_path: format!("{}index.json", src.url),
        json,
    })
}

fn template_error(src: &PageSource, layout: &str, e: &tera::Error) -> Diagnostic {
    Diagnostic {
        span: None,
        ..Diagnostic::error(
            Span::new(src.file, 0, 0),
            format!(
                "template `{layout}.html` failed for {}: {}",
                src.rel,
                error_chain(e)
            ),
        )
    }
}

pub(crate) fn render_404(loaded: &Loaded, tera: &tera::Tera) -> Result<String, Diagnostic> {
    if !loaded.theme.has_template("404.html") {
        return Ok(String::new());
    }
    let mut ctx = tera::Context::new();
    ctx.insert("site", &site_context(loaded));
    ctx.insert("assets", &assets(loaded));
    ctx.insert("page", &json!({"title": "Page not found", "url": format!("{}404.html", loaded.config.base_url), "description": "", "toc": [], "faqs": [], "breadcrumbs": []}));
    tera.render("404.html", &ctx).map_err(|e| Diagnostic {
        span: None,
        ..Diagnostic::error(
            Span::new(0, 0, 0),
            format!("template `404.html` failed: {}", error_chain(&e)),
        )
    })
}

/// What the calculator reads from a page: its tables, list items and paragraphs as text.
pub(crate) fn facts(page: &RenderedPage) -> ContentFacts {
    use portolan_dialect::BlockKind;
    ContentFacts {
        tables: page
            .tables
            .iter()
            .map(|t| FactTable {
                columns: t
                    .columns
                    .iter()
                    .map(|c| FactColumn {
                        key: c.key.clone(),
                        title: c.title.clone(),
                    })
                    .collect(),
                rows: t
                    .rows
                    .iter()
                    .map(|r| FactRow {
                        id: r.id.clone(),
                        cells: r.cells.iter().map(|(k, c)| (k.clone(), c.text())).collect(),
                    })
                    .collect(),
            })
            .collect(),
        list_items: page
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::ListItem)
            .map(|b| b.text.clone())
            .collect(),
        paragraphs: page
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Paragraph)
            .map(|b| FactParagraph {
                text: b.text.clone(),
                code_spans: b.code_spans.clone(),
            })
            .collect(),
    }
}

/// The calculator's spec for a page that places it, derived from the page's own content.
pub(crate) fn calculator_spec(
    src: &PageSource,
    page: &RenderedPage,
) -> Result<CalculatorSpec, Diagnostic> {
    CalculatorSpec::from_facts(&facts(page)).map_err(|errors| {
        let span = page.calculator_span.unwrap_or(Span::new(src.file, 0, 0));
        let mut d = Diagnostic::error(span, "the hostname calculator cannot read this page's content")
            .with_label("calculator placed here")
            .with_hint("the calculator reads the page's hostname and port tables and its list of geos; see README.md, \"The hostname calculator\"");
        for e in errors {
            d = d.with_note(e.to_string());
        }
        d
    })
}

/// The calculator widget: the theme's form partial with the spec embedded as JSON.
pub(crate) fn calculator_html(
    loaded: &Loaded,
    tera: &tera::Tera,
    src: &PageSource,
    page: &RenderedPage,
) -> Result<String, Diagnostic> {
    let spec = calculator_spec(src, page)?;
    let mut ctx = tera::Context::new();
    ctx.insert("calculator", &spec);
    ctx.insert("calculator_json", &script_json(&spec));
    ctx.insert("site", &site_context(loaded));
    tera.render("calculator.html", &ctx)
        .map_err(|e| template_error(src, "calculator", &e))
}

//! The theme's contract: every value the templates are given, as types. theme/README.md
//! lists the same fields for theme authors; a field added here is documented there.
//!
//! What is the same on every page (`site`, `assets`) is serialized once per build into a
//! base context (`crate::templates::Templates`); each page adds `page`, `nav_html`, `prev`,
//! `next` and, on the home page only, `sections`. Types only: rendering is in
//! `templates.rs`.

use portolan_dialect::{Heading, RenderedFaq, Variables};
use serde::Serialize;

use crate::safe_url::SafeUrl;

/// `site`: the site's settings.
#[derive(Serialize)]
pub(crate) struct SiteContext<'a> {
    /// portolan.yaml `title`.
    pub(crate) title: &'a str,
    /// portolan.yaml `description`.
    pub(crate) description: &'a str,
    /// The path the site is served under; ends with `/`.
    pub(crate) base_url: &'a str,
    /// portolan.yaml `variables`, as `site.variables.NAME`.
    pub(crate) variables: &'a Variables,
    /// The Content-Security-Policy pages declare; empty for none.
    pub(crate) csp: &'a str,
}

/// `assets`: URLs of the theme's files, fingerprinted; empty when the theme lacks one.
#[derive(Serialize)]
pub(crate) struct AssetUrls {
    pub(crate) style_css: String,
    pub(crate) portolan_js: String,
    pub(crate) calculator_css: String,
    pub(crate) calculator_js: String,
    pub(crate) search_js: String,
    /// The tabs' script: loaded only on pages with tabs (see `page.components`).
    pub(crate) tabs_js: String,
    /// The hubs' filters: loaded only on a hub with filters.
    pub(crate) hub_js: String,
    /// The copy buttons' script: loaded only on pages with code blocks.
    pub(crate) copy_js: String,
    /// The loader of mermaid.js: only on pages with a diagram left to the browser.
    pub(crate) diagrams_js: String,
    /// mermaid.js itself (self-hosted), which the loader loads.
    pub(crate) mermaid_js: String,
    /// The site's icon (the theme's `static/favicon.svg`).
    pub(crate) favicon: String,
}

/// `page`: the page being rendered.
#[derive(Serialize, Default)]
pub(crate) struct PageContext<'a> {
    /// Its URL, base path included.
    pub(crate) url: String,
    pub(crate) title: &'a str,
    /// The short title, else the title.
    pub(crate) short_title: String,
    pub(crate) description: &'a str,
    pub(crate) content_type: &'a str,
    /// The layout (template) it is rendered with.
    pub(crate) layout: &'a str,
    pub(crate) breadcrumbs: &'a [Crumb],
    pub(crate) products: Vec<Label<'a>>,
    pub(crate) tools: Vec<Label<'a>>,
    pub(crate) works_on: Vec<Label<'a>>,
    /// The h2 and h3 headings.
    pub(crate) toc: Vec<&'a Heading>,
    /// The body as HTML (the calculator's widget in place).
    pub(crate) content: String,
    pub(crate) faqs: &'a [RenderedFaq],
    pub(crate) related_resources: Vec<ResourceLink<'a>>,
    /// JSON-LD (FAQPage, BreadcrumbList), already escaped for a `<script>` element.
    pub(crate) json_ld: String,
    /// Whether the page places the calculator; absent on pages that are not content
    /// (the 404 page), where the theme may load the calculator's stylesheet anyway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) calculator: Option<bool>,
    /// The page shows tabs (any component's: they share the tab list's class), so the theme
    /// loads their script. A flag, not a test of `content` in the template: Tera escapes a
    /// whole string to test it for truth, which is a copy of the page per page.
    pub(crate) tabs: bool,
    /// The page shows code blocks, so the theme loads the copy buttons' script.
    pub(crate) code: bool,
    /// A diagram on the page is left to mermaid.js, so the theme loads it (no other page
    /// does).
    pub(crate) browser_diagrams: bool,
    /// The page's Content-Security-Policy when it is not the site's: mermaid.js styles
    /// what it draws inline, so a page it draws on allows inline styles (its scripts stay
    /// as strict).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) csp: Option<String>,
    /// The components the page calls (`navtabs`, `new_in`...), sorted.
    pub(crate) components: &'a [String],
    /// A line under the title.
    pub(crate) subtitle: &'a str,
    /// Topic tags.
    pub(crate) tags: &'a [String],
    /// The edition the page needs (`enterprise`), with its display name.
    pub(crate) tier: Option<Label<'a>>,
    /// The feature is in beta, or a tech preview.
    pub(crate) beta: bool,
    pub(crate) tech_preview: bool,
    /// The versions of each product the page applies to: `min_version`, `max_version`.
    pub(crate) versions: Vec<VersionRange<'a>>,
    /// "Next steps" links, rewritten like every link.
    pub(crate) next_steps: Vec<ResourceLink<'a>>,
    /// The plugins the page is about, each linked to its page (`/plugins/ID/`, here or
    /// upstream).
    pub(crate) plugins: Vec<ResourceLink<'a>>,
    /// The API specifications the page is about, each linked to its reference
    /// (`/api/ID/`).
    pub(crate) api_specs: Vec<ResourceLink<'a>>,
    /// Frontmatter shown as content, rendered: `tldr` (`q`, `a`, `a_html`), `prereqs` and
    /// `cleanup` (`inline` items with `title_html`, `content_html`), `overview` (`text`,
    /// `html`), `series`. Empty for pages without them.
    pub(crate) parts: Option<&'a std::collections::BTreeMap<String, serde_json::Value>>,
    /// The series the page is a part of: its title, the page's place, every part.
    pub(crate) series: Option<SeriesNav>,
}

/// A series of pages (a how-to's `series:`), as the page shows it.
#[derive(Serialize)]
pub(crate) struct SeriesNav {
    pub(crate) title: String,
    /// The page's place among the parts the site has, from 1.
    pub(crate) position: usize,
    pub(crate) total: usize,
    pub(crate) steps: Vec<SeriesStep>,
}

/// One part of a series.
#[derive(Serialize)]
pub(crate) struct SeriesStep {
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) current: bool,
}

/// The versions of one product a page applies to.
#[derive(Serialize)]
pub(crate) struct VersionRange<'a> {
    pub(crate) product: Label<'a>,
    /// The first version, e.g. `3.4`.
    pub(crate) min: Option<&'a str>,
    /// The last version.
    pub(crate) max: Option<&'a str>,
}

/// A breadcrumb: a page above this one.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Crumb {
    pub(crate) url: SafeUrl,
    pub(crate) title: String,
}

impl Crumb {
    /// A breadcrumb to `url`, unless the URL policy refuses it.
    pub(crate) fn new(url: String, title: String) -> Option<Crumb> {
        Some(Crumb {
            url: SafeUrl::new(url)?,
            title,
        })
    }
}

/// A product, tool or platform id with its display name.
#[derive(Serialize)]
pub(crate) struct Label<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: String,
}

/// A related resource, its URL rewritten like every link.
#[derive(Serialize)]
pub(crate) struct ResourceLink<'a> {
    pub(crate) text: &'a str,
    pub(crate) url: SafeUrl,
}

/// `prev` and `next`: the pages before and after in reading order.
#[derive(Debug, Serialize)]
pub(crate) struct PageLink<'a> {
    pub(crate) url: Option<&'a str>,
    pub(crate) title: &'a str,
}

/// `sections` (home page only): the site's top-level folders and their pages.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Section {
    pub(crate) title: String,
    pub(crate) url: String,
    pub(crate) pages: Vec<SectionPage>,
}

/// A page listed on the home page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SectionPage {
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) description: String,
}

/// One entry of the nav as the theme's `nav.html` sees it (see theme/README.md).
#[derive(Debug, Serialize)]
pub(crate) struct NavItem<'a> {
    pub(crate) title: &'a str,
    /// None for a folder without a page.
    pub(crate) url: Option<&'a str>,
    /// On the branch that leads to the current page.
    pub(crate) open: bool,
    /// The current page.
    pub(crate) current: bool,
    pub(crate) has_children: bool,
    /// Filled only when `open`.
    pub(crate) children: Vec<NavItem<'a>>,
}

/// What a page's nav shows: the tree with the branch to the page expanded, and the pages
/// before and after it in reading order.
pub(crate) struct PageNav<'a> {
    pub(crate) items: Vec<NavItem<'a>>,
    pub(crate) prev: Option<PageLink<'a>>,
    pub(crate) next: Option<PageLink<'a>>,
}

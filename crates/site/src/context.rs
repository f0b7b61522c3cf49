//! The theme's contract: every value the templates are given, as types. theme/README.md
//! lists the same fields for theme authors; a field added here is documented there.
//!
//! What is the same on every page (`site`, `assets`) is serialized once per build into a
//! base context ([`Templates`]); each page adds `page`, `nav_html`, `prev`, `next` and, on
//! the home page only, `sections`.

use portolan_dialect::{Heading, RenderedFaq, Variables};
use serde::Serialize;

use crate::nav::{NavItem, PageNav};
use crate::safe_url::SafeUrl;
use crate::theme::error_chain;
use crate::Site;

/// `site`: the site's settings.
#[derive(Serialize)]
struct SiteContext<'a> {
    /// portolan.yaml `title`.
    title: &'a str,
    /// portolan.yaml `description`.
    description: &'a str,
    /// The path the site is served under; ends with `/`.
    base_url: &'a str,
    /// portolan.yaml `variables`, as `site.variables.NAME`.
    variables: &'a Variables,
    /// The Content-Security-Policy pages declare; empty for none.
    csp: &'a str,
}

/// `assets`: URLs of the theme's files, fingerprinted; empty when the theme lacks one.
#[derive(Serialize)]
struct AssetUrls {
    style_css: String,
    portolan_js: String,
    calculator_css: String,
    calculator_js: String,
    search_js: String,
    /// The tabs' script: loaded only on pages with tabs (see `page.components`).
    tabs_js: String,
    /// The copy buttons' script: loaded only on pages with code blocks.
    copy_js: String,
    /// The loader of mermaid.js: only on pages with a diagram left to the browser.
    diagrams_js: String,
    /// mermaid.js itself (self-hosted), which the loader loads.
    mermaid_js: String,
    /// The site's icon (the theme's `static/favicon.svg`).
    favicon: String,
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

/// A template that failed: its file name and why.
#[derive(Debug)]
pub(crate) struct TemplateError {
    pub(crate) template: String,
    pub(crate) message: String,
}

/// The theme's templates, with what every page shows of the site serialized once, and its
/// components.
pub(crate) struct Templates {
    tera: std::sync::Arc<tera::Tera>,
    base: tera::Context,
    components: crate::components::ThemeComponents,
    /// The theme's own layouts: templates that extend another.
    layouts: Vec<String>,
    has_404: bool,
}

impl Templates {
    /// The theme of `site`, ready to render; an error names the template that does not parse.
    pub(crate) fn new(site: &Site) -> Result<Templates, String> {
        let mut tera = site.theme.tera()?;
        crate::components::register(&mut tera, site);
        let tera = std::sync::Arc::new(tera);
        let config = &site.config;
        let mut base = tera::Context::new();
        base.insert(
            "site",
            &SiteContext {
                title: &config.title,
                description: &config.description,
                base_url: &config.base_url,
                variables: &config.variables,
                csp: &config.content_security_policy,
            },
        );
        let url = |n: &str| {
            site.theme
                .asset(n)
                .map_or(String::new(), |a| format!("{}assets/{a}", config.base_url))
        };
        base.insert(
            "assets",
            &AssetUrls {
                style_css: url("style.css"),
                portolan_js: url("portolan.js"),
                calculator_css: url("calculator.css"),
                calculator_js: url("calculator-loader.js"),
                search_js: url("search.js"),
                tabs_js: url("tabs.js"),
                copy_js: url("copy.js"),
                diagrams_js: url("diagrams.js"),
                mermaid_js: url("vendor/mermaid.min.js"),
                favicon: url("favicon.svg"),
            },
        );
        let components =
            crate::components::ThemeComponents::new(&site.theme, tera.clone(), base.clone())?;
        Ok(Templates {
            tera,
            base,
            components,
            layouts: site.theme.layouts().map(str::to_string).collect(),
            has_404: site.theme.has_template("404.html"),
        })
    }

    /// The theme's components, for the dialect.
    pub(crate) fn components(&self) -> &crate::components::ThemeComponents {
        &self.components
    }

    /// The layouts a page may name.
    pub(crate) fn layouts(&self) -> &[String] {
        &self.layouts
    }

    /// A content page in `layout`, with its nav (and the home page's `sections`).
    pub(crate) fn page(
        &self,
        layout: &str,
        page: &PageContext<'_>,
        nav: &PageNav<'_>,
        sections: Option<&[Section]>,
    ) -> Result<String, TemplateError> {
        let mut ctx = self.base.clone();
        ctx.insert("page", page);
        if let Some(s) = sections {
            ctx.insert("sections", s);
        }
        let nav_html = self.nav(&nav.items)?;
        // `has_nav` for templates to test, not `nav_html`: Tera escapes a string to test it.
        ctx.insert("has_nav", &!nav_html.trim().is_empty());
        ctx.insert("nav_html", &nav_html);
        ctx.insert("prev", &nav.prev);
        ctx.insert("next", &nav.next);
        self.render(&format!("{layout}.html"), &ctx)
    }

    /// The site navigation, from the theme's `nav.html`.
    fn nav(&self, items: &[NavItem<'_>]) -> Result<String, TemplateError> {
        let mut ctx = tera::Context::new();
        ctx.insert("nav", items);
        self.render("nav.html", &ctx)
    }

    /// The 404 page, or `None` when the theme has no `404.html`.
    pub(crate) fn not_found(&self, site: &Site) -> Option<Result<String, TemplateError>> {
        if !self.has_404 {
            return None;
        }
        let mut ctx = self.base.clone();
        let page = PageContext {
            url: format!("{}404.html", site.config.base_url),
            title: "Page not found",
            ..PageContext::default()
        };
        ctx.insert("page", &page);
        Some(self.render("404.html", &ctx))
    }

    /// The calculator widget for a page's spec.
    pub(crate) fn calculator(
        &self,
        spec: &impl Serialize,
        spec_json: &str,
    ) -> Result<String, TemplateError> {
        let mut ctx = self.base.clone();
        // Keys sorted, as a theme's `json_encode` has always written them (JSON maps keep
        // the order they are built in, and a struct's is its fields').
        let spec = serde_json::to_value(spec)
            .map(sorted_keys)
            .unwrap_or_default();
        ctx.insert("calculator", &spec);
        ctx.insert("calculator_json", spec_json);
        self.render("calculator.html", &ctx)
    }

    fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, TemplateError> {
        self.tera.render(name, ctx).map_err(|e| TemplateError {
            template: name.to_string(),
            message: error_chain(&e),
        })
    }
}

/// `v` with every map's keys in sorted order.
fn sorted_keys(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            let mut entries: Vec<(String, serde_json::Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted_keys(v)))
                    .collect(),
            )
        }
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.into_iter().map(sorted_keys).collect())
        }
        other => other,
    }
}

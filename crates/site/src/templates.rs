//! The theme's templates, rendered with Tera: what every page shows of the site serialized
//! once, then each page, its nav, the 404 page and the calculator's widget. The values they
//! are given are the types in `context.rs`.

use portolan_dialect::Diagnostic;
use serde::Serialize;

use crate::content::PageSource;
use crate::context::{AssetUrls, NavItem, PageContext, PageNav, Section, SiteContext};
use crate::site::Site;
use crate::theme::error_chain;

/// A template that failed: its file name and why.
#[derive(Debug)]
pub(crate) struct TemplateError {
    pub(crate) template: String,
    pub(crate) message: String,
}

/// A template that failed for a page: an error of no file (the theme is code, not content).
pub(crate) fn template_error(src: &PageSource, e: &TemplateError) -> Diagnostic {
    Diagnostic::global(format!(
        "template `{}` failed for {}: {}",
        e.template, src.rel, e.message
    ))
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
    has_hub: bool,
}

impl Templates {
    /// The theme of `site`, ready to render; an error names the template that does not parse.
    pub(crate) fn new(site: &Site) -> Result<Templates, String> {
        let mut tera = site.theme.tera()?;
        crate::template_fns::register(&mut tera, site);
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
                hub_js: url("hub.js"),
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
            // `hub` draws the pages the site generates: no page names it.
            layouts: site
                .theme
                .layouts()
                .filter(|l| *l != "hub")
                .map(str::to_string)
                .collect(),
            has_404: site.theme.has_template("404.html"),
            has_hub: site.theme.has_template("hub.html"),
        })
    }

    /// The theme's components, for the dialect.
    pub(crate) fn components(&self) -> &crate::components::ThemeComponents {
        &self.components
    }

    /// Whether the theme draws generated pages (`hub.html`).
    pub(crate) fn has_hub(&self) -> bool {
        self.has_hub
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

    /// A generated page (a hub, the home page, a folder's page) in the `hub` layout:
    /// `page`, its nav, and `hub`, what it lists.
    pub(crate) fn generated(
        &self,
        page: &PageContext<'_>,
        nav: &PageNav<'_>,
        hub: &impl Serialize,
    ) -> Result<String, TemplateError> {
        let mut ctx = self.base.clone();
        ctx.insert("page", page);
        ctx.insert("hub", hub);
        let nav_html = self.nav(&nav.items)?;
        ctx.insert("has_nav", &!nav_html.trim().is_empty());
        ctx.insert("nav_html", &nav_html);
        ctx.insert("prev", &nav.prev);
        ctx.insert("next", &nav.next);
        self.render("hub.html", &ctx)
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

impl Templates {
    /// What every page of `site` is rendered with: its values, includes and links, these
    /// templates' components, and what draws and highlights.
    pub(crate) fn dialect_context<'a>(
        &'a self,
        site: &'a Site,
        diagrams: &'a dyn portolan_dialect::Diagrams,
        highlighter: &'a dyn portolan_dialect::Highlighter,
    ) -> portolan_dialect::Context<'a> {
        portolan_dialect::Context {
            site: &site.values,
            includes: &site.includes,
            links: &site.links,
            components: self.components(),
            diagrams,
            highlighter,
        }
    }
}

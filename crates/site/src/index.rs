//! What pages show of each other, resolved once all frontmatter is read: breadcrumb
//! titles (a breadcrumb to a page upstream links there; to no page at all, an error), the home page's sections, and the nav.

use std::collections::HashMap;

use portolan_dialect::{Breadcrumb, Diagnostic};

use crate::content::PageSource;
use crate::context::{Crumb, Section, SectionPage};
use crate::links::Target;
use crate::nav::{Nav, PageEntry};
use crate::page_url::url_key;
use crate::site::Site;

/// What pages need to know about each other.
pub(crate) struct SiteIndex {
    /// Each page's breadcrumbs, by URL key.
    pub(crate) crumbs: HashMap<String, Vec<Crumb>>,
    /// The home page's list of sections.
    pub(crate) sections: Vec<Section>,
    pub(crate) nav: Nav,
}

impl SiteIndex {
    /// The index of `pages`. `left_out` are the pages a `--keep-going` build leaves out
    /// (URL key → title): a breadcrumb to one is a warning, not an error.
    pub(crate) fn new(
        site: &Site,
        pages: &[(&PageSource, &PageEntry)],
        left_out: &HashMap<String, String>,
        diags: &mut Vec<Diagnostic>,
    ) -> SiteIndex {
        let titles: HashMap<&str, String> = pages
            .iter()
            .map(|(s, p)| (s.url.as_str(), p.nav_title.clone()))
            .chain(
                site.generated
                    .iter()
                    .map(|g| (g.key.as_str(), g.title.clone())),
            )
            .collect();
        let mut crumbs = HashMap::new();
        for (src, page) in pages {
            let mut list = Vec::new();
            for (n, b) in page.breadcrumbs.iter().enumerate() {
                let url = b.url();
                let key = url_key(&url);
                if let Some(t) = titles.get(key.as_str()) {
                    // A place in an index (`#group--section`) keeps its anchor, and is
                    // named by its section.
                    let href = match url.split_once('#') {
                        Some((_, frag)) => format!("{}#{frag}", site.config.page_url(&key)),
                        None => site.config.page_url(&key),
                    };
                    let title = b.label().map_or_else(|| t.clone(), str::to_string);
                    list.extend(Crumb::new(href, title));
                    continue;
                }
                let at = page.breadcrumb_span(n);
                if let Some(t) = left_out.get(&key) {
                    diags.push(
                        Diagnostic::warning(
                            at,
                            format!("breadcrumb `{url}` links to a page left out of this build"),
                        )
                        .with_label("its page has errors")
                        .with_hint("the link works again once that page builds"),
                    );
                    list.extend(Crumb::new(site.config.page_url(&key), t.clone()));
                    continue;
                }
                match site.links.target(&url) {
                    Target::Upstream(href) => {
                        list.extend(Crumb::new(href, upstream_title(site, b, &key)))
                    }
                    _ => diags.push(
                        Diagnostic::error(at, format!("breadcrumb `{url}` names no page of this site"))
                        .with_label("no page at this URL")
                        .with_hint(format!(
                            "create content/{key}index.md, fix the URL, or set `upstream_url` in portolan.yaml to link pages this site does not ship"
                        )),
                    ),
                }
            }
            crumbs.insert(src.url.clone(), list);
        }

        let mut sections: Vec<Section> = Vec::new();
        let mut ordered: Vec<&(&PageSource, &PageEntry)> =
            pages.iter().filter(|(s, _)| !s.url.is_empty()).collect();
        // Keys made once per page, not per comparison: at 100,000 pages the sort's string
        // copies were most of this stage.
        ordered.sort_by_cached_key(|(s, p)| {
            (
                s.url.split('/').next().unwrap_or("").to_string(),
                !s.url.ends_with("/") || s.url.matches('/').count() > 1,
                p.weight.unwrap_or(i64::MAX),
                p.title.clone(),
            )
        });
        for (src, page) in ordered {
            let top = src.url.split('/').next().unwrap_or("").to_string();
            let top_url = format!("{top}/");
            let link = SectionPage {
                url: site.config.page_url(&src.url),
                title: page.title.clone(),
                description: page.description.clone().unwrap_or_default(),
            };
            let section_url = site.config.page_url(&top_url);
            match sections.iter_mut().find(|s| s.url == section_url) {
                Some(s) => s.pages.push(link),
                None => sections.push(Section {
                    title: titles
                        .get(top_url.as_str())
                        .cloned()
                        .unwrap_or_else(|| site.config.label(&top)),
                    url: section_url,
                    pages: vec![link],
                }),
            }
        }
        SiteIndex {
            crumbs,
            sections,
            nav: Nav::new(site, pages),
        }
    }
}

/// The title of a breadcrumb to a page upstream: the label an index entry carries, else the
/// configured label of its last URL segment (`/gateway/entities/` shows "Entities").
fn upstream_title(site: &Site, crumb: &Breadcrumb, key: &str) -> String {
    match crumb.label() {
        Some(l) => l.to_string(),
        None => {
            let last = key.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            site.config.label(last)
        }
    }
}

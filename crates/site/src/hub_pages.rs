//! The generated pages drawn (see `generated.rs` for which they are): a hub lists its
//! collection's entries with a filter for each of its `filters`, a folder's page its
//! pages, the home page the site's sections; all with the theme's `hub.html`.

use std::collections::{BTreeMap, BTreeSet};

use portolan_dialect::Diagnostic;
use serde::Serialize;

use crate::context::{PageContext, PageNav};
use crate::directory::PageCard;
use crate::generated::{GeneratedKind, GeneratedPage};
use crate::index::SiteIndex;
use crate::output::OutFile;
use crate::site::Site;
use crate::templates::Templates;

/// One value of a hub's filter, with how many entries carry it.
#[derive(Debug, Serialize)]
struct FilterValue {
    id: String,
    name: String,
    count: usize,
}

/// A hub's filter: a frontmatter key, the query parameter that sets it, its values.
#[derive(Debug, Serialize)]
struct Filter {
    key: String,
    param: String,
    title: String,
    values: Vec<FilterValue>,
}

/// A list on a generated page: a heading (a section's, on the home page), its link, and
/// the pages in it.
#[derive(Debug, Serialize)]
struct Group<'c> {
    title: String,
    url: String,
    description: String,
    entries: Vec<&'c PageCard>,
}

/// `hub`: what a generated page lists.
#[derive(Debug, Serialize)]
struct HubContext<'c> {
    /// `home`, `hub` or `section`.
    kind: &'static str,
    /// Every entry (a hub's, a folder's pages).
    entries: Vec<&'c PageCard>,
    /// Groups of entries: the home page's sections, a folder's subfolders.
    groups: Vec<Group<'c>>,
    filters: Vec<Filter>,
}

/// The generated pages, rendered with the theme's `hub.html`.
pub(crate) fn render(
    site: &Site,
    index: &SiteIndex,
    templates: &Templates,
) -> (Vec<(String, OutFile)>, Vec<Diagnostic>) {
    let cards = site.directory.cards();
    let mut files = Vec::new();
    let mut diags = Vec::new();
    if !templates.has_hub() {
        return (files, diags);
    }
    for g in &site.generated {
        let hub = hub_context(site, &cards, g);
        let url = site.config.page_url(&g.key);
        let crumbs = index
            .crumbs
            .get(&g.key)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let page = PageContext {
            url,
            title: &g.title,
            short_title: g.title.clone(),
            description: &g.description,
            layout: "hub",
            breadcrumbs: crumbs,
            ..PageContext::default()
        };
        let nav: PageNav<'_> = index.nav.for_page(&g.key);
        match templates.generated(&page, &nav, &hub) {
            Ok(html) => {
                let html = if site.config.minify {
                    crate::publish::minify(&html)
                } else {
                    html
                };
                files.push((
                    format!("{}index.html", g.key),
                    OutFile::Bytes(html.into_bytes().into()),
                ));
            }
            Err(e) => diags.push(Diagnostic::global(format!(
                "template `{}` failed for the generated page /{}: {}",
                e.template, g.key, e.message
            ))),
        }
    }
    (files, diags)
}

fn hub_context<'c>(site: &Site, cards: &'c [PageCard], g: &GeneratedPage) -> HubContext<'c> {
    let by_title = |mut v: Vec<&'c PageCard>| {
        v.sort_by(|a, b| {
            (a.weight, a.title.to_lowercase()).cmp(&(b.weight, b.title.to_lowercase()))
        });
        v
    };
    match &g.kind {
        GeneratedKind::Hub(c) => {
            let coll = &site.structure.collections[*c];
            let entries = by_title(
                cards
                    .iter()
                    .filter(|card| card.collection.as_deref() == Some(coll.name.as_str()))
                    .collect(),
            );
            let filters = coll
                .filters
                .iter()
                .map(|f| filter(site, cards, &entries, f))
                .filter(|f| !f.values.is_empty())
                .collect();
            HubContext {
                kind: "hub",
                entries,
                groups: Vec::new(),
                filters,
            }
        }
        GeneratedKind::Section => {
            // The folder's own pages, then one group per subfolder.
            let under: Vec<&PageCard> = cards
                .iter()
                .filter(|c| c.key.starts_with(&g.key) && c.key != g.key)
                .collect();
            let direct = by_title(
                under
                    .iter()
                    .copied()
                    .filter(|c| {
                        c.key[g.key.len()..]
                            .trim_end_matches('/')
                            .find('/')
                            .is_none()
                    })
                    .collect(),
            );
            HubContext {
                kind: "section",
                entries: direct,
                groups: Vec::new(),
                filters: Vec::new(),
            }
        }
        GeneratedKind::Home => {
            // One group per top-level folder: its page (a landing page, a hub) and its
            // description.
            let mut tops: BTreeSet<String> = BTreeSet::new();
            for c in cards {
                if let Some((top, _)) = c.key.split_once('/') {
                    tops.insert(format!("{top}/"));
                }
            }
            for g in &site.generated {
                if let Some((top, _)) = g.key.split_once('/') {
                    tops.insert(format!("{top}/"));
                }
            }
            let mut groups: Vec<Group<'c>> = tops
                .into_iter()
                .map(|top| {
                    let card = crate::directory::by_url(cards, &top);
                    let generated = site.generated.iter().find(|g| g.key == top);
                    Group {
                        title: card
                            .map(|c| c.title.clone())
                            .or_else(|| generated.map(|g| g.title.clone()))
                            .unwrap_or_else(|| site.config.label(top.trim_end_matches('/'))),
                        url: site.config.page_url(&top),
                        description: card
                            .map(|c| c.description.clone())
                            .or_else(|| generated.map(|g| g.description.clone()))
                            .unwrap_or_default(),
                        entries: Vec::new(),
                    }
                })
                .collect();
            groups.sort_by_key(|a| a.title.to_lowercase());
            HubContext {
                kind: "home",
                entries: Vec::new(),
                groups,
                filters: Vec::new(),
            }
        }
    }
}

/// The values of filter `f` (`key`, or `key=param` for a query parameter of another
/// name) among `entries`, each named: a product or tool by its label, a plugin by its
/// page's title.
fn filter(site: &Site, cards: &[PageCard], entries: &[&PageCard], f: &str) -> Filter {
    let (key, param) = f.split_once('=').unwrap_or((f, f));
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries {
        for id in e.facets.get(key).into_iter().flatten() {
            *counts.entry(id.as_str()).or_default() += 1;
        }
    }
    let mut values: Vec<FilterValue> = counts
        .into_iter()
        .map(|(id, count)| FilterValue {
            id: id.to_string(),
            name: cards
                .iter()
                .find(|c| c.collection.as_deref() == Some(key) && c.name == id)
                .map(|c| c.title.clone())
                .unwrap_or_else(|| site.config.label(id)),
            count,
        })
        .collect();
    values.sort_by_key(|a| a.name.to_lowercase());
    Filter {
        key: key.to_string(),
        param: param.to_string(),
        title: site.config.label(key),
        values,
    }
}

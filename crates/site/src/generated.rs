//! Pages no file holds, made from the others: each collection's hub (its entries, with
//! filters), the home page when content/ has none, and a page for every folder that has
//! pages under it but none of its own, so no URL a reader can reach by shortening another
//! is a 404. Which pages these are is known when the site is loaded (links and breadcrumbs
//! point at them); what they list is drawn once every page's card is made
//! (`hub_pages.rs`).

use std::collections::{BTreeMap, HashSet};

use crate::content::PageSource;
use crate::structure::Structure;

/// What a generated page lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeneratedKind {
    /// The site's home: its sections and hubs.
    Home,
    /// A collection's entries (an index into the collections).
    Hub(usize),
    /// The pages under a folder.
    Section,
}

/// A page the site writes that no file holds.
#[derive(Debug, Clone)]
pub struct GeneratedPage {
    /// Its URL key (`how-to/`, `` for home).
    pub key: String,
    /// What it lists.
    pub kind: GeneratedKind,
    /// Its title: the hub's, the site's, or the folder's label.
    pub title: String,
    /// A line under its title.
    pub description: String,
}

/// The generated pages of a site with `pages` (sorted by URL): hubs first claim their
/// URLs, then the home page and folder pages fill what no page has.
pub(crate) fn plan(
    config: &crate::config::Config,
    structure: &Structure,
    pages: &[PageSource],
) -> Vec<GeneratedPage> {
    let taken: HashSet<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    let mut planned: BTreeMap<String, GeneratedPage> = BTreeMap::new();
    for (i, c) in structure.collections.iter().enumerate() {
        let Some(hub) = &c.hub else { continue };
        let Ok(key) = crate::out_path::permalink_key(hub) else {
            continue; // refused when the settings are read
        };
        if taken.contains(key.as_str()) || planned.contains_key(&key) {
            continue;
        }
        planned.insert(
            key.clone(),
            GeneratedPage {
                key,
                kind: GeneratedKind::Hub(i),
                title: c.title.clone().unwrap_or_else(|| config.label(&c.name)),
                description: c.description.clone().unwrap_or_default(),
            },
        );
    }
    if !taken.contains("") {
        planned.insert(
            String::new(),
            GeneratedPage {
                key: String::new(),
                kind: GeneratedKind::Home,
                title: config.title.clone(),
                description: config.description.clone(),
            },
        );
    }
    let keys: Vec<String> = pages
        .iter()
        .map(|p| p.url.clone())
        .chain(planned.keys().cloned())
        .collect();
    for key in keys {
        let mut at = key.trim_end_matches('/');
        while let Some(i) = at.rfind('/') {
            at = &at[..i];
            let folder = format!("{at}/");
            if taken.contains(folder.as_str()) || planned.contains_key(&folder) {
                continue;
            }
            let last = at.rsplit('/').next().unwrap_or(at);
            planned.insert(
                folder.clone(),
                GeneratedPage {
                    key: folder,
                    kind: GeneratedKind::Section,
                    title: config.label(last),
                    description: String::new(),
                },
            );
        }
    }
    planned.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::PageKind;

    fn page(url: &str) -> PageSource {
        PageSource {
            file: 0,
            rel: format!("{url}index.md"),
            url: url.into(),
            kind: PageKind::Markdown,
            collection: None,
            defaults: None,
        }
    }

    #[test]
    fn every_folder_with_pages_has_a_page() {
        let config = crate::config::Config::default();
        let mut structure = Structure::default();
        structure.collections.push(crate::structure::Collection {
            name: "how-tos".into(),
            folder: "_how-tos".into(),
            permalink: "/how-to/:path/".into(),
            entry_file: None,
            hub: Some("/how-to/".into()),
            title: Some("How-to guides".into()),
            icon_folder: None,
            description: None,
            filters: Vec::new(),
            defaults: None,
        });
        let pages = [page("gateway/"), page("gateway/a/b/"), page("how-to/x/")];
        let planned = plan(&config, &structure, &pages);
        let kinds: Vec<(&str, &GeneratedKind)> =
            planned.iter().map(|g| (g.key.as_str(), &g.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("", &GeneratedKind::Home),
                ("gateway/a/", &GeneratedKind::Section),
                ("how-to/", &GeneratedKind::Hub(0)),
            ]
        );
        assert_eq!(planned[2].title, "How-to guides");
        // A page of the site at the hub's URL wins.
        let pages = [page(""), page("how-to/")];
        assert!(plan(&config, &structure, &pages).is_empty());
    }
}

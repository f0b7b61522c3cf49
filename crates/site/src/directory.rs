//! Every page's card: what hubs, lists and landing blocks show of a page (its title,
//! description, icon, collection and the ids it is tagged with), made once every page's
//! frontmatter is read and shared with the templates (`pages()`, `page_card()`,
//! `collection_page()` in `template_fns.rs`) and the generated pages.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use portolan_dialect::FrontMatter;
use serde::Serialize;

use crate::config::Config;
use crate::content::PageSource;
use crate::links::{LinkMap, Target};
use crate::page_url::url_key;
use crate::structure::Structure;

/// Frontmatter keys whose ids lists and hubs filter by, besides each collection's own
/// `filters`.
const FACETS: [&str; 6] = [
    "products",
    "tools",
    "tags",
    "plugins",
    "works_on",
    "categories",
];

/// What lists and hubs show of one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PageCard {
    /// Its URL key (`how-to/x/`).
    pub(crate) key: String,
    /// Its URL, base path included.
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) description: String,
    /// The href of its icon when it names one the site publishes, else empty.
    pub(crate) icon: String,
    /// The collection it is an entry of.
    pub(crate) collection: Option<String>,
    /// Its name in its collection: its file's name, or its folder's for `index.md`.
    pub(crate) name: String,
    pub(crate) content_type: String,
    /// Ids by frontmatter key (`products`, `tags`...).
    pub(crate) facets: Facets,
    /// Order among siblings (smaller first).
    pub(crate) weight: i64,
    /// The series it is a part of, and its place in it (`series: {id, position}`).
    pub(crate) series: Option<(String, i64)>,
    /// The frontmatter values the settings' `card_fields` name, as written.
    pub(crate) fields: BTreeMap<String, serde_json::Value>,
}

/// A card's ids by frontmatter key, in key order: a few keys, kept in a list (a map's
/// node for two keys was most of a card's size at 100,000 cards), shown to templates as
/// a map.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Facets(Vec<(String, Vec<String>)>);

impl Facets {
    /// The ids under `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Vec<String>> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, ids)| ids)
    }

    /// Sets the ids under `key`.
    fn insert(&mut self, key: String, ids: Vec<String>) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => self.0[i].1 = ids,
            Err(i) => self.0.insert(i, (key, ids)),
        }
    }
}

impl FromIterator<(String, Vec<String>)> for Facets {
    fn from_iter<I: IntoIterator<Item = (String, Vec<String>)>>(items: I) -> Self {
        let mut facets = Facets::default();
        for (key, ids) in items {
            facets.insert(key, ids);
        }
        facets
    }
}

impl Serialize for Facets {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// Every page's card, by URL key order; empty until the frontmatter pass fills it.
#[derive(Debug, Clone, Default)]
pub struct Directory(Arc<RwLock<Arc<Vec<PageCard>>>>);

impl Directory {
    /// The cards now.
    pub(crate) fn cards(&self) -> Arc<Vec<PageCard>> {
        self.0.read().map(|c| c.clone()).unwrap_or_default()
    }

    /// Replaces the cards; true when they changed.
    pub(crate) fn set(&self, cards: Vec<PageCard>) -> bool {
        let Ok(mut now) = self.0.write() else {
            return false;
        };
        if **now == cards {
            return false;
        }
        *now = Arc::new(cards);
        true
    }

    /// Puts `cards` in place of the cards of the same pages (a page's URL did not
    /// change); true when any differs. What a one-page edit costs: the others are not made
    /// again.
    pub(crate) fn update(&self, cards: Vec<PageCard>) -> bool {
        let Ok(mut now) = self.0.write() else {
            return false;
        };
        let list = Arc::make_mut(&mut now);
        let mut changed = false;
        for card in cards {
            match list.binary_search_by(|c| c.key.cmp(&card.key)) {
                Ok(i) if list[i] == card => {}
                Ok(i) => {
                    list[i] = card;
                    changed = true;
                }
                Err(i) => {
                    list.insert(i, card);
                    changed = true;
                }
            }
        }
        changed
    }

    /// Takes out the card of the page at URL key `key`; true when there was one.
    pub(crate) fn remove(&self, key: &str) -> bool {
        let Ok(mut now) = self.0.write() else {
            return false;
        };
        let list = Arc::make_mut(&mut now);
        match list.binary_search_by(|c| c.key.as_str().cmp(key)) {
            Ok(i) => {
                list.remove(i);
                true
            }
            Err(_) => false,
        }
    }
}

/// The cards of `pages`, in URL key order.
pub(crate) fn cards(
    config: &Config,
    structure: &Structure,
    links: &LinkMap,
    pages: &[(&PageSource, &FrontMatter)],
) -> Vec<PageCard> {
    let maker = CardMaker::new(config, structure, links);
    let mut cards: Vec<PageCard> = pages.iter().map(|(src, f)| maker.card(src, f)).collect();
    sort(&mut cards);
    cards
}

/// Cards in the order the directory keeps them: by URL key.
pub(crate) fn sort(cards: &mut [PageCard]) {
    cards.sort_by(|a, b| a.key.cmp(&b.key));
}

/// Makes one page's card at a time (a build makes each as it reads the page's
/// frontmatter, and keeps the card, not the frontmatter).
pub(crate) struct CardMaker<'a> {
    config: &'a Config,
    structure: &'a Structure,
    links: &'a LinkMap,
    /// The keys the collections filter by.
    filters: Vec<&'a str>,
}

impl<'a> CardMaker<'a> {
    pub(crate) fn new(config: &'a Config, structure: &'a Structure, links: &'a LinkMap) -> Self {
        let filters = structure
            .collections
            .iter()
            .flat_map(|c| c.filters.iter().map(|f| f.split('=').next().unwrap_or(f)))
            .collect();
        CardMaker {
            config,
            structure,
            links,
            filters,
        }
    }

    /// The card of page `src`, whose frontmatter is `f`.
    pub(crate) fn card(&self, src: &PageSource, f: &FrontMatter) -> PageCard {
        let config = self.config;
        let collection = src.collection.map(|c| &self.structure.collections[c]);
        let mut facets = Facets::default();
        for key in FACETS.iter().copied().chain(self.filters.iter().copied()) {
            let ids = ids_of(f.raw.get(key));
            if !ids.is_empty() {
                facets.insert(key.to_string(), ids);
            }
        }
        let icon = f
            .raw
            .get("icon")
            .and_then(portolan_yaml::Node::key_text)
            .map(|i| {
                icon_href(
                    self.links,
                    &config.icon_folders,
                    collection.and_then(|c| c.icon_folder.as_deref()),
                    i,
                )
            })
            .unwrap_or_default();
        PageCard {
            key: src.url.clone(),
            url: config.page_url(&src.url),
            title: f.title.clone(),
            description: f.description.clone().unwrap_or_default(),
            icon,
            collection: collection.map(|c| c.name.clone()),
            name: entry_name(&src.rel),
            content_type: f.content_type.clone().unwrap_or_default(),
            facets,
            weight: f.weight.unwrap_or(0),
            series: series_of(f.raw.get("series")),
            fields: config
                .card_fields
                .iter()
                .filter_map(|key| {
                    let value = portolan_yaml::from_node(f.raw.get(key)?).ok()?;
                    Some((key.clone(), value))
                })
                .collect(),
        }
    }
}

/// `series: {id, position}` as written.
fn series_of(node: Option<&portolan_yaml::Node>) -> Option<(String, i64)> {
    let node = node?;
    let id = node.get("id")?.key_text()?.to_string();
    let position = match node.get("position")?.as_scalar()?.resolve() {
        portolan_yaml::Resolved::Int(n) => n,
        _ => return None,
    };
    Some((id, position))
}

/// The parts of series `id`, in order: (URL, title) of each page.
pub(crate) fn series_parts<'c>(cards: &'c [PageCard], id: &str) -> Vec<&'c PageCard> {
    let mut parts: Vec<&PageCard> = cards
        .iter()
        .filter(|c| c.series.as_ref().is_some_and(|(s, _)| s == id))
        .collect();
    parts.sort_by_key(|c| c.series.as_ref().map_or(0, |(_, p)| *p));
    parts
}

/// The ids a frontmatter value lists: a list of scalars, or one scalar.
fn ids_of(node: Option<&portolan_yaml::Node>) -> Vec<String> {
    match node.map(|n| &n.kind) {
        Some(portolan_yaml::Kind::Seq(items)) => items
            .iter()
            .filter_map(portolan_yaml::Node::key_text)
            .map(str::to_string)
            .collect(),
        Some(portolan_yaml::Kind::Scalar(s)) if !s.text.is_empty() => vec![s.text.clone()],
        _ => Vec::new(),
    }
}

/// A page's name in its collection: `acl` for `_plugins/acl/index.md`, `service` for
/// `_entities/service.md`.
fn entry_name(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let stem = stem.strip_suffix("/index").unwrap_or(stem);
    stem.rsplit('/').next().unwrap_or(stem).to_string()
}

/// The href of icon `icon` as written: a path of a file the site publishes, or a bare
/// file name found in `folder` (the collection's) or one of `folders`; else empty.
pub(crate) fn icon_href(
    links: &LinkMap,
    folders: &[String],
    folder: Option<&str>,
    icon: &str,
) -> String {
    let icon = icon.trim();
    let published = |path: &str| match links.target(path) {
        Target::File => Some(
            portolan_dialect::LinkRewriter::rewrite(links, path)
                .unwrap_or_else(|| path.to_string()),
        ),
        _ => None,
    };
    if icon.is_empty() {
        return String::new();
    }
    if icon.contains('/') {
        return published(icon).unwrap_or_default();
    }
    folder
        .into_iter()
        .chain(folders.iter().map(String::as_str))
        .find_map(|f| published(&format!("/{}/{icon}", f.trim_matches('/'))))
        .unwrap_or_default()
}

/// The cards that pass a list's filters: every filter given must share an id with the
/// card (`products: [gateway]` keeps pages about Kong Gateway).
pub(crate) fn matching<'c>(
    cards: &'c [PageCard],
    collection: Option<&str>,
    content_type: Option<&str>,
    filters: &BTreeMap<String, Vec<String>>,
) -> Vec<&'c PageCard> {
    cards
        .iter()
        .filter(|c| collection.is_none_or(|name| c.collection.as_deref() == Some(name)))
        .filter(|c| content_type.is_none_or(|t| c.content_type == t))
        .filter(|c| {
            filters.iter().all(|(key, wanted)| {
                wanted.is_empty()
                    || c.facets
                        .get(key)
                        .is_some_and(|ids| ids.iter().any(|id| wanted.contains(id)))
            })
        })
        .collect()
}

/// The cards of the pages a glob names, in URL order: `/a/**/*` every page under `/a/`,
/// `/a/*/` each page one folder below it; `*` in a name stands for any characters.
pub(crate) fn globbed<'c>(cards: &'c [PageCard], glob: &str) -> Vec<&'c PageCard> {
    let pattern: Vec<&str> = glob.split('/').filter(|s| !s.is_empty()).collect();
    cards
        .iter()
        .filter(|c| {
            let key: Vec<&str> = c.key.split('/').filter(|s| !s.is_empty()).collect();
            glob_matches(&pattern, &key)
        })
        .collect()
}

/// True when path segments `key` fit `pattern` (`**` any number of segments, `*` any one,
/// `*` inside a segment any characters). Iterative over the pattern's `**`s, so a long
/// pattern costs linear work per candidate split, bounded by the key's depth.
fn glob_matches(pattern: &[&str], key: &[&str]) -> bool {
    match pattern.split_first() {
        None => key.is_empty(),
        Some((&"**", rest)) => (0..=key.len()).any(|skip| glob_matches(rest, &key[skip..])),
        Some((p, rest)) => match key.split_first() {
            Some((k, krest)) => name_matches(p, k) && glob_matches(rest, krest),
            None => false,
        },
    }
}

/// `*` in `pattern` for any characters of `name`.
fn name_matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// The card of the page at `url` (site-absolute, as content writes it).
pub(crate) fn by_url<'c>(cards: &'c [PageCard], url: &str) -> Option<&'c PageCard> {
    let key = url_key(url);
    cards
        .binary_search_by(|c| c.key.as_str().cmp(&key))
        .ok()
        .map(|i| &cards[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(key: &str, collection: Option<&str>, tags: &[&str]) -> PageCard {
        PageCard {
            key: key.into(),
            url: format!("/{key}"),
            title: key.into(),
            description: String::new(),
            icon: String::new(),
            collection: collection.map(String::from),
            name: entry_name(&format!("{}.md", key.trim_end_matches('/'))),
            content_type: String::new(),
            facets: [(
                "tags".to_string(),
                tags.iter().map(|t| t.to_string()).collect(),
            )]
            .into_iter()
            .collect(),
            weight: 0,
            series: None,
            fields: BTreeMap::new(),
        }
    }

    #[test]
    fn lists_filter_by_collection_and_ids() {
        let cards = vec![
            card("how-to/a/", Some("how-tos"), &["ai", "security"]),
            card("how-to/b/", Some("how-tos"), &["security"]),
            card("support/c/", Some("support"), &["ai"]),
        ];
        let tags = |t: &[&str]| -> BTreeMap<String, Vec<String>> {
            [(
                "tags".to_string(),
                t.iter().map(|s| s.to_string()).collect(),
            )]
            .into_iter()
            .collect()
        };
        let keys = |found: Vec<&PageCard>| found.iter().map(|c| c.key.clone()).collect::<Vec<_>>();
        assert_eq!(
            keys(matching(&cards, Some("how-tos"), None, &tags(&["ai"]))),
            ["how-to/a/"]
        );
        assert_eq!(
            keys(matching(&cards, None, None, &tags(&["ai"]))),
            ["how-to/a/", "support/c/"]
        );
        assert_eq!(
            keys(matching(&cards, Some("how-tos"), None, &tags(&[]))).len(),
            2
        );
        assert_eq!(
            by_url(&cards, "/support/c/#x").map(|c| c.title.as_str()),
            Some("support/c/")
        );
        assert!(by_url(&cards, "/nope/").is_none());
    }

    #[test]
    fn globs_name_pages_under_a_folder() {
        let cards = vec![
            card("a/", None, &[]),
            card("a/b/", None, &[]),
            card("a/b/c/", None, &[]),
            card("a/x-1/", None, &[]),
            card("z/", None, &[]),
        ];
        let keys = |g: &str| {
            globbed(&cards, g)
                .iter()
                .map(|c| c.key.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys("/a/**/*"), ["a/b/", "a/b/c/", "a/x-1/"]);
        assert_eq!(keys("/a/*/"), ["a/b/", "a/x-1/"]);
        assert_eq!(keys("/a/x-*/"), ["a/x-1/"]);
        assert_eq!(keys("/a/**"), ["a/", "a/b/", "a/b/c/", "a/x-1/"]);
        assert!(keys("/q/**/*").is_empty());
        assert!(
            name_matches("*", "") && name_matches("a*c*e", "abcde") && !name_matches("a*c", "ab")
        );
    }

    #[test]
    fn entry_names() {
        assert_eq!(entry_name("_kong_plugins/acl/index.md"), "acl");
        assert_eq!(entry_name("_gateway_entities/service.md"), "service");
    }
}

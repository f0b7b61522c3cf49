//! The priors file, `search/p.json`: for each document (by id), how many other pages of
//! the site link to it, as `round(4 · log2(1 + pages))` (0..=63: fine enough to tell 3
//! pages from 6, coarse enough that one link more or less rarely matters). `search.js` loads it once
//! per visit and ranks by it when the words rank two pages the same: the page the site
//! itself points readers to for a topic ("audit logs") comes before the how-to and the
//! CLI reference that share its title words.

use std::collections::{HashMap, HashSet};

use super::{DocLinks, DocRefs};

/// How many other pages link to each page, by URL key; counted as pages are indexed,
/// so an index made page by page holds a count per page, not every page's links.
#[derive(Debug, Default)]
pub(super) struct LinksIn(HashMap<String, u32>);

impl LinksIn {
    /// Counts the page at key `from` once for each page it links to (`links`, keys),
    /// however often, and not for itself.
    pub(super) fn add(&mut self, from: &str, links: &[String]) {
        let targets: HashSet<&str> = links
            .iter()
            .map(String::as_str)
            .filter(|&t| t != from)
            .collect();
        for t in targets {
            match self.0.get_mut(t) {
                Some(n) => *n += 1,
                None => {
                    self.0.insert(t.to_string(), 1);
                }
            }
        }
    }
}

/// `search/p.json` for `docs` (ids are their positions).
pub(super) fn file<D: DocLinks>(docs: &[D]) -> (String, Vec<u8>) {
    let mut links_in = LinksIn::default();
    for d in docs {
        if let Some(key) = d.key() {
            links_in.add(key, d.links());
        }
    }
    file_of(docs, &links_in)
}

/// `search/p.json` for `docs` (ids are their positions), with the links to each counted
/// in `links_in` (links to keys no document has count for nothing).
pub(super) fn file_of<D: DocRefs>(docs: &[D], links_in: &LinksIn) -> (String, Vec<u8>) {
    let priors: Vec<u32> = docs
        .iter()
        .map(|d| {
            d.key()
                .and_then(|k| links_in.0.get(k))
                .copied()
                .unwrap_or(0)
        })
        .map(|n| ((4.0 * f64::from(n + 1).log2()).round() as u32).min(63))
        .collect();
    (
        "search/p.json".to_string(),
        crate::json::script_json(&priors).into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::SearchDoc;
    use super::*;

    fn doc(key: &str, links: &[&str]) -> SearchDoc {
        SearchDoc {
            key: key.into(),
            links: links.iter().map(|l| l.to_string()).collect(),
            ..SearchDoc::default()
        }
    }

    #[test]
    fn counts_the_pages_that_link_in() {
        let docs = [
            doc("a/", &["b/", "b/", "a/", "elsewhere/"]),
            doc("b/", &["c/"]),
            doc("c/", &["b/"]),
            doc("d/", &["b/"]),
        ];
        let (path, bytes) = file(&docs);
        assert_eq!(path, "search/p.json");
        // b: 3 pages (a once, however often it links), 4 · log2(4) = 8; c: 1 page, 4; a:
        // its own link does not count.
        assert_eq!(bytes, b"[0,8,4,0]");
    }
}

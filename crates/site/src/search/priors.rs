//! The priors file, `search/p.json`: for each document (by id), how many other pages of
//! the site link to it, as `round(4 · log2(1 + pages))` (0..=63: fine enough to tell 3
//! pages from 6, coarse enough that one link more or less rarely matters). `search.js` loads it once
//! per visit and ranks by it when the words rank two pages the same: the page the site
//! itself points readers to for a topic ("audit logs") comes before the how-to and the
//! CLI reference that share its title words.

use std::collections::{HashMap, HashSet};

use super::DocRefs;

/// `search/p.json` for `docs` (ids are their positions).
pub(super) fn file<D: DocRefs>(docs: &[D]) -> (String, Vec<u8>) {
    let id_of: HashMap<&str, usize> = docs
        .iter()
        .enumerate()
        .filter_map(|(i, d)| Some((d.key()?, i)))
        .collect();
    let mut linked_from = vec![0u32; docs.len()];
    for (i, d) in docs.iter().enumerate() {
        let targets: HashSet<usize> = d
            .links()
            .iter()
            .filter_map(|l| id_of.get(l.as_str()).copied())
            .filter(|&t| t != i)
            .collect();
        for t in targets {
            linked_from[t] += 1;
        }
    }
    let priors: Vec<u32> = linked_from
        .iter()
        .map(|&n| ((4.0 * f64::from(n + 1).log2()).round() as u32).min(63))
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

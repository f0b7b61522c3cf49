//! The vocabulary file, `search/v.json`: every indexed term that has no digit, grouped by
//! English stem (Snowball's English stemmer, also called Porter2), each group one string
//! of its terms separated by spaces: `["kong","log logged logging logs",..]`.
//!
//! `search.js` loads it once per visit. It is how a query finds what it does not spell
//! exactly: a word's group gives its other forms (`logging` finds `logs`), and a word
//! that is not in it is looked up within one or two edits (`hybird` finds `hybrid`).
//! Terms with digits (versions, ports) are matched as typed and left out, as are the
//! phrase terms of titles (`hybrid mode`).
//!
//! The stemmer's rules are English's; terms in other scripts stay alone in their group.

use std::collections::{BTreeMap, BTreeSet};

use rust_stemmers::{Algorithm, Stemmer};

/// Whether a term belongs in the vocabulary: a word (not a phrase term) without digits.
pub(super) fn listed(term: &str) -> bool {
    !term.bytes().any(|b| b.is_ascii_digit() || b == b' ')
}

/// The group a term belongs to: its English stem when it is ASCII, else itself.
pub(super) fn stem_of(stemmer: &Stemmer, term: &str) -> String {
    if term.is_ascii() {
        stemmer.stem(term).into_owned()
    } else {
        term.to_string()
    }
}

/// The vocabulary's terms among `terms`, each with its stem.
pub(super) fn stems<'t>(terms: impl IntoIterator<Item = &'t str>) -> Vec<(String, String)> {
    let stemmer = english();
    terms
        .into_iter()
        .filter(|t| listed(t))
        .map(|t| (stem_of(&stemmer, t), t.to_string()))
        .collect()
}

pub(super) fn english() -> Stemmer {
    Stemmer::create(Algorithm::English)
}

/// Terms by stem, kept up to date as terms come and go (serve's index).
#[derive(Debug, Default)]
pub(super) struct Groups(BTreeMap<String, BTreeSet<String>>);

impl Groups {
    /// The groups of `terms`.
    #[cfg(test)]
    pub(super) fn of<'t>(terms: impl IntoIterator<Item = &'t str>) -> Groups {
        Groups::from_stems(stems(terms))
    }

    /// The groups of terms given with their stems ([`stem_of`]).
    pub(super) fn from_stems(stems: impl IntoIterator<Item = (String, String)>) -> Groups {
        let mut groups = Groups::default();
        for (stem, term) in stems {
            groups.0.entry(stem).or_default().insert(term);
        }
        groups
    }

    pub(super) fn add(&mut self, stemmer: &Stemmer, term: &str) {
        if listed(term) {
            self.0
                .entry(stem_of(stemmer, term))
                .or_default()
                .insert(term.to_string());
        }
    }

    pub(super) fn remove(&mut self, stemmer: &Stemmer, term: &str) {
        let stem = stem_of(stemmer, term);
        if let Some(g) = self.0.get_mut(&stem) {
            g.remove(term);
            if g.is_empty() {
                self.0.remove(&stem);
            }
        }
    }

    /// `search/v.json`: the groups, each its terms in order, sorted by their first term.
    pub(super) fn file(&self) -> (String, Vec<u8>) {
        let mut lines: Vec<String> = self
            .0
            .values()
            .map(|g| g.iter().map(String::as_str).collect::<Vec<_>>().join(" "))
            .collect();
        lines.sort_unstable();
        (
            "search/v.json".to_string(),
            crate::json::script_json(&lines).into_bytes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_a_word_share_a_group() {
        let g = Groups::of([
            "logs", "logging", "log", "logged", "kong", "routes", "route", "8000", "ünï",
        ]);
        let (_, bytes) = g.file();
        let v: Vec<String> = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            v,
            ["kong", "log logged logging logs", "route routes", "ünï"]
        );
    }

    #[test]
    fn groups_follow_terms_coming_and_going() {
        let s = english();
        let mut g = Groups::of(["route"]);
        g.add(&s, "routes");
        g.add(&s, "42");
        g.remove(&s, "route");
        assert_eq!(g.file().1, Groups::of(["routes"]).file().1);
        g.remove(&s, "routes");
        assert_eq!(g.file().1, b"[]");
    }
}
